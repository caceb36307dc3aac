//! Goals that say the truth: a value on its target passes, units in
//! conditions mean something, periods the data starts in are partial, and
//! the report lists every goal.

use crate::goals::{err_goal, goal, ws};
use crate::harness::{Output, Test, assert_close};

#[track_caller]
fn assert_result(out: &Output, id: &str, status: &str, message: &str) {
    let g = goal(out, id);
    assert_eq!(
        (g["status"].as_str(), g["message"].as_str()),
        (Some(status), Some(message)),
        "{id}: {g:#}"
    );
}

const HEAD: &str = r#"[workspace]
name = "Goal truth"
currency = "EUR"

[[source]]
plugin = "canonical"
path = "data.csv"
"#;

/// One post a network in 2026-09, each with a CTR (clicks / impressions
/// × 100) on or next to a bound:
/// - x: 29 / 100 × 100 = 28.999999999999996 in floats, shown as 29%
/// - tiktok: 28 / 100 × 100 = 28.000000000000004, shown as 28%
/// - facebook: 28996 / 100000 × 100 = 28.996, shown (2 decimals) as 29%
/// - linkedin: 2899 / 10000 × 100 = 28.99, shown as 28.99%
///
/// CPC (spend / clicks), in EUR:
/// - youtube: 0.29 / 29 = 0.009999999999999998, shown as 0.01
/// - vk: 0.174 / 29 = 0.005999999999999999, shown as 0.006 next to a bound
///   of 0.005 (two decimals would make both 0.01)
///
/// A `web` account's
/// followers on 09-01 and 09-30 make the data cover the whole month.
const CTR_DATA: &str = "\
date,network,account,post,impressions,clicks,spend,followers
2026-09-01,web,site,,,,,1
2026-09-10,x,acme,p1,100,29,,
2026-09-11,tiktok,acme,p2,100,28,,
2026-09-12,facebook,acme,p3,100000,28996,,
2026-09-13,linkedin,acme,p4,10000,2899,,
2026-09-14,youtube,acme,p5,100,29,0.29,
2026-09-15,vk,acme,p6,100,29,0.174,
2026-09-30,web,site,,,,,1
";

fn ctr_goal(id: &str, network: &str, conditions: &str) -> String {
    kpi_goal(id, "ctr", network, conditions)
}

fn kpi_goal(id: &str, kpi: &str, network: &str, conditions: &str) -> String {
    format!(
        "\n[[goal]]\nid = \"{id}\"\nkpi = \"{kpi}\"\nnetwork = \"{network}\"\nperiod = \"2026-09\"\n{conditions}\n"
    )
}

#[test]
fn a_value_on_its_target_passes() {
    let goals = [
        ctr_goal("ge", "x", "target = \">= 29%\""),
        ctr_goal("ge-bare", "x", "target = \">= 29\""),
        ctr_goal("between", "x", "target = \"between 29 and 30\""),
        ctr_goal("warn-edge", "x", "target = \">= 30\"\nwarn = \">= 29\""),
        ctr_goal("le", "tiktok", "target = \"<= 28\""),
        ctr_goal("between-top", "tiktok", "target = \"between 27 and 28\""),
        ctr_goal("gt", "x", "target = \"> 29\""),
        ctr_goal("shown-as-29", "facebook", "target = \">= 29\""),
        ctr_goal("below", "linkedin", "target = \">= 29\""),
        kpi_goal("cpc-edge", "cpc", "youtube", "target = \">= 0.01\""),
        kpi_goal("cpc-small", "cpc", "vk", "target = \"<= 0.005\""),
    ]
    .concat();
    let out = Test::new()
        .file("kpiscope.toml", &format!("{HEAD}{goals}"))
        .file("data.csv", CTR_DATA)
        .args(&["check", "--format", "json"])
        .run();
    out.status(1);
    // 28.999999999999996 is shown as 29%: on the bound, it meets >=, between and warn.
    assert_result(&out, "ge", "pass", "29% meets the target >= 29%");
    assert_result(&out, "ge-bare", "pass", "29% meets the target >= 29%");
    assert_result(
        &out,
        "between",
        "pass",
        "29% meets the target between 29% and 30%",
    );
    // Not >= 30 (30 - 29 = 1 below), but on the warn's bound: warn.
    assert_result(&out, "warn-edge", "warn", "29% is 1 below the target 30%");
    // 28.000000000000004 is shown as 28%: it meets <= 28 and a band ending at 28.
    assert_result(&out, "le", "pass", "28% meets the target <= 28%");
    assert_result(
        &out,
        "between-top",
        "pass",
        "28% meets the target between 27% and 28%",
    );
    // A strict bound is not met by the value on it, and no "0 below" is made up.
    assert_result(&out, "gt", "fail", "29% is not above the target > 29%");
    // 28.996 is shown as 29% (two decimals): judged as shown, it passes.
    assert_result(&out, "shown-as-29", "pass", "29% meets the target >= 29%");
    // 28.99 is shown as 28.99%: 29 - 28.99 = 0.01 below.
    assert_result(&out, "below", "fail", "28.99% is 0.01 below the target 29%");
    assert_close(goal(&out, "ge")["value"].as_f64().expect("value"), 29.0);
    // 0.009999999999999998 EUR is on 0.01.
    assert_result(
        &out,
        "cpc-edge",
        "pass",
        "0.01 EUR meets the target >= 0.01 EUR",
    );
    // A bound under 0.1 is judged at two significant digits (three
    // decimals here): 0.006 - 0.005 = 0.001 above, not "0.01 is 0 above 0.01".
    assert_result(
        &out,
        "cpc-small",
        "fail",
        "0.006 EUR is 0.001 EUR above the target 0.005 EUR",
    );
}

#[test]
fn a_bound_with_more_decimals_is_judged_at_them() {
    // linkedin's CTR 28.99 against >= 28.995: at three decimals 28.990 is
    // 0.005 below; facebook's 28.996 meets it.
    let goals = [
        ctr_goal("fine-li", "linkedin", "target = \">= 28.995\""),
        ctr_goal("fine-fb", "facebook", "target = \">= 28.995\""),
    ]
    .concat();
    let out = Test::new()
        .file("kpiscope.toml", &format!("{HEAD}{goals}"))
        .file("data.csv", CTR_DATA)
        .args(&["check", "--format", "json"])
        .run();
    out.status(1);
    assert_result(
        &out,
        "fine-li",
        "fail",
        "28.99% is 0.005 below the target 28.995%",
    );
    assert_result(
        &out,
        "fine-fb",
        "pass",
        "28.996% meets the target >= 28.995%",
    );
    // The Markdown table shows value and target at those decimals too,
    // where two would make them 29% and >= 29%.
    let md = Test::new()
        .file("kpiscope.toml", &format!("{HEAD}{goals}"))
        .file("data.csv", CTR_DATA)
        .args(&["check", "--format", "markdown"])
        .run();
    assert!(
        md.stdout
            .contains("| 28.996% | >= 28.995% | 28.996% meets the target >= 28.995% |"),
        "{}",
        md.stdout
    );
}

#[test]
fn a_percent_on_an_amount_is_an_error_at_its_place() {
    // cpc is in currency (EUR here): 30% of what?
    let config =
        format!("{HEAD}\n[[goal]]\nid = \"cpc-cap\"\nkpi = \"cpc\"\ntarget = \"<= 30%\"\n");
    let out = Test::new()
        .file("kpiscope.toml", &config)
        .file("data.csv", CTR_DATA)
        .args(&["check"])
        .run();
    // Line 12: 7 lines of HEAD, a blank line, `[[goal]]`, id, kpi, target.
    out.fails_with(
        "error: kpiscope.toml:12:10: goal `cpc-cap`: `target = \"<= 30%\"` is in %, but `cpc` is an amount in EUR (unit: currency)\n   |\n12 | target = \"<= 30%\"\n   |          ^^^^^^^^\n",
    );
    assert!(
        out.stderr
            .contains("hint: write the number in the KPI's unit (`target = \"<= 30\"`)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_percent_on_a_ratio_or_a_count_is_an_error_with_the_number_to_write() {
    let config = format!(
        "{HEAD}\n[[goal]]\nid = \"roas\"\nkpi = \"roas\"\ntarget = \">= 300%\"\n\n[[goal]]\nid = \"clicks\"\nkpi = \"clicks\"\ntarget = \">= 30\"\nwarn = \">= 20%\"\n"
    );
    let out = Test::new()
        .file("kpiscope.toml", &config)
        .file("data.csv", CTR_DATA)
        .args(&["validate"])
        .run();
    out.status(2);
    // Both problems at once, each at its place; 300% of a ratio is 3.
    assert!(
        out.stderr.contains(
            "kpiscope.toml:12:10: goal `roas`: `target = \">= 300%\"` is in %, but `roas` is a ratio (unit: ratio)"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("hint: a ratio of 0.3 is 30%: write the ratio (`target = \">= 3\"`)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "kpiscope.toml:18:8: goal `clicks`: `warn = \">= 20%\"` is in %, but `clicks` is a count (unit: count)"
        ),
        "{}",
        out.stderr
    );
}

/// Followers of instagram/acme from 2026-08-01, at the end of each month:
/// 1000, 1020.
const FOLLOWERS: &str = "\
date,network,account,followers
2026-08-01,instagram,acme,990
2026-08-31,instagram,acme,1000
2026-09-30,instagram,acme,1020
";

#[test]
fn a_change_is_in_percent_and_says_so() {
    let bare = format!(
        "{HEAD}\n[[goal]]\nid = \"growth\"\nkpi = \"followers\"\nperiod = \"2026-09\"\nchange = \">= 0.02\"\n"
    );
    let out = Test::new()
        .file("kpiscope.toml", &bare)
        .file("data.csv", FOLLOWERS)
        .args(&["check"])
        .run();
    // 0.02 could be 2% as a ratio or 0.02%: never guessed.
    out.fails_with(
        "kpiscope.toml:13:10: goal `growth`: `change = \">= 0.02\"`: a change is a % change, and a number without `%` could be a ratio or a percentage",
    );
    assert!(
        out.stderr.contains("hint: write `%` after each number: `change = \">= 2%\"` for a rise of at least 2% (a ratio of 0.02), `>= 0.02%` for 0.02%"),
        "{}",
        out.stderr
    );

    // With `%`, and 0 needing none: (1020 - 1000) / 1000 × 100 = +2%.
    let ok = format!(
        "{HEAD}\n[[goal]]\nid = \"growth\"\nkpi = \"followers\"\nperiod = \"2026-09\"\nchange = \">= 2%\"\nwarn = \">= 0\"\n"
    );
    let out = Test::new()
        .file("kpiscope.toml", &ok)
        .file("data.csv", FOLLOWERS)
        .args(&["check", "--format", "json"])
        .run();
    out.status(0);
    assert_result(
        &out,
        "growth",
        "pass",
        "+2% change (1020 in 2026-09 vs 1000 in 2026-08) meets the target >= 2%",
    );
}

/// Data from Wednesday 2026-02-04 (ISO week 2026-W06 runs Monday 02-02 to
/// Sunday 02-08) to Sunday 2026-02-22:
/// - instagram posts on 02-04, 02-05, 02-06 (W06) and 02-16 (W08);
/// - x posts on 02-11 (W07) and 02-22 (W08).
///
/// `posting_frequency` is posts / days, days being those the data covers:
/// - W06 all networks: 3 posts / 5 days (02-04..02-08) = 0.6 (not 3/7)
/// - W07: 1 / 7 = 0.142857…; W08: 2 / 7 = 0.285714…
/// - instagram W07: no instagram records, though the data runs on.
const WEEKS: &str = "\
date,network,account,post,reach
2026-02-04,instagram,acme,i1,100
2026-02-05,instagram,acme,i2,100
2026-02-06,instagram,acme,i3,100
2026-02-11,x,acme,x1,100
2026-02-16,instagram,acme,i4,100
2026-02-22,x,acme,x2,100
";

#[test]
fn a_week_the_data_starts_in_has_the_days_it_covers() {
    let out = Test::new()
        .file("kpiscope.toml", HEAD)
        .file("data.csv", WEEKS)
        .args(&[
            "eval",
            "--kpi",
            "posting_frequency",
            "--grain",
            "week",
            "--format",
            "json",
        ])
        .run();
    out.status(0);
    assert_close(
        out.value("posting_frequency", "2026-W06", None)
            .expect("value"),
        0.6,
    );
    assert_close(
        out.value("posting_frequency", "2026-W07", None)
            .expect("value"),
        1.0 / 7.0,
    );
}

#[test]
fn partial_first_periods_and_no_data_name_their_cause() {
    let goals = r#"
[[goal]]
id = "weekly"
kpi = "posting_frequency"
grain = "week"
period = "each"
target = ">= 0.5"

[[goal]]
id = "ig-weekly"
kpi = "reach"
network = "instagram"
grain = "week"
period = "each"
target = ">= 100"

[[goal]]
id = "ig-later"
kpi = "reach"
network = "instagram"
period = "2026-04"
target = ">= 100"
"#;
    let out = Test::new()
        .file("kpiscope.toml", &format!("{HEAD}{goals}"))
        .file("data.csv", WEEKS)
        .args(&["check", "--format", "json"])
        .run();
    out.status(1);
    let results = out.json()["goals"].as_array().expect("goals").clone();
    let of = |id: &str, label: &str| -> (String, String) {
        let g = results
            .iter()
            .find(|g| g["id"] == id && g["period"]["label"] == label)
            .unwrap_or_else(|| panic!("no {id} {label} in {}", out.stdout));
        (
            g["status"].as_str().unwrap_or_default().to_string(),
            g["message"].as_str().unwrap_or_default().to_string(),
        )
    };
    // W06: 3 posts / 5 days = 0.6, shown as partial like a last period is.
    assert_eq!(
        of("weekly", "2026-W06"),
        (
            "pass".into(),
            "0.6 meets the target >= 0.5 (partial: the data starts 2026-02-04)".into()
        )
    );
    // W07: 1 / 7 = 0.14; 0.5 - 0.14 = 0.36 below.
    assert_eq!(
        of("weekly", "2026-W07"),
        ("fail".into(), "0.14 is 0.36 below the target 0.5".into())
    );
    // Instagram has no records in W07, while x has: the scope is the cause.
    assert_eq!(
        of("ig-weekly", "2026-W07"),
        (
            "no_data".into(),
            "no data: no instagram records in 2026-W07, though the data runs from 2026-02-04 to 2026-02-22".into()
        )
    );
    // 300 reach in W06 (three posts of 100).
    assert_eq!(
        of("ig-weekly", "2026-W06").1,
        "300 meets the target >= 100 (partial: the data starts 2026-02-04)"
    );
    // April is after the data: the period is the cause.
    assert_eq!(
        of("ig-later", "2026-04"),
        (
            "no_data".into(),
            "no data for instagram in 2026-04, which is after the data (the data runs from 2026-02-04 to 2026-02-22)".into()
        )
    );
}

/// Instagram followers from 2026-04-01 and at each month's end, 2026-04 to
/// 2026-09, and a post in September (so the report's figures have data):
/// 9100, 9250, 9380, 9550, 9700, 9800. The line through them (months 1..6)
/// has slope 143.43 a month and reads 9965.33 at month 7 (2026-10) and
/// 10252.19 at month 9 (2026-12): FORECAST.LINEAR(9; values; 1..6).
const GROWTH: &str = "\
date,network,account,post,reach,likes,followers
2026-04-01,instagram,acme,,,,9050
2026-04-30,instagram,acme,,,,9100
2026-05-30,instagram,acme,,,,9250
2026-06-30,instagram,acme,,,,9380
2026-07-30,instagram,acme,,,,9550
2026-08-30,instagram,acme,,,,9700
2026-09-15,instagram,acme,p1,500,20,
2026-09-30,instagram,acme,,,,9800
";

const DEADLINE_GOALS: &str = r#"
[[goal]]
id = "ig-10k"
kpi = "followers"
network = "instagram"
target = ">= 10000"
by = "2026-12-31"

[[goal]]
id = "ig-reach"
kpi = "reach"
network = "instagram"
target = ">= 100"
"#;

#[test]
fn the_report_lists_every_goal_with_its_projection() {
    let ws = || {
        Test::new()
            .file("kpiscope.toml", &format!("{HEAD}{DEADLINE_GOALS}"))
            .file("data.csv", GROWTH)
    };
    // The report on 2026-09 (the last complete month): both goals.
    let out = ws().args(&["report", "--format", "json"]).run();
    out.status(0);
    let doc = out.json();
    let goals = doc["goals"].as_array().expect("goals");
    let ids: Vec<&str> = goals.iter().filter_map(|g| g["id"].as_str()).collect();
    assert_eq!(ids, ["ig-10k", "ig-reach"], "{}", out.stdout);
    assert_eq!(doc["summary"]["pass"], 2);
    let deadline = &goals[0];
    // As of 2026-09-30: 10252.19 projected for 2026-12 >= 10000, on track.
    // Needed: (10000 - 9800) / (2026-12-31 - 2026-09-30 = 92 days) =
    // 2.17/day; trend 143.43 / 30.5 days (the six months' mean) = 4.7/day.
    assert_eq!(deadline["status"], "pass");
    assert_eq!(deadline["period"]["label"], "2026-12");
    assert_close(
        deadline["value"].as_f64().expect("value"),
        10252.190476190477,
    );
    let chart = doc["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["charts"].as_array().cloned().unwrap_or_default())
        .find(|c| c["goal"] == "ig-10k")
        .unwrap_or_else(|| panic!("no chart for ig-10k: {}", out.stdout));
    let p = &chart["projection"];
    assert_eq!(p["label"], "2026-12");
    assert_eq!(p["latest"]["label"], "2026-09");
    assert_close(p["needed_per_day"].as_f64().expect("needed"), 200.0 / 92.0);

    // Markdown: 2 goals, the deadline's row and its projection column.
    let md = ws().args(&["report"]).run();
    md.status(0);
    assert!(
        md.stdout
            .contains("2 goals: 2 pass, 0 warn, 0 fail, 0 no data"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains("| 2026-12 (projected) |"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains(
            "Projection: 10,252.19 projected for 2026-12; needs +2.17/day from 9,800 (2026-09), trend +4.7/day."
        ),
        "{}",
        md.stdout
    );

    // HTML: the goal in the table, the projection drawn and told.
    let html = ws().args(&["report", "--format", "html"]).run();
    html.status(0);
    assert!(
        html.stdout.contains("<code>ig-10k</code>"),
        "{}",
        html.stdout
    );
    assert!(
        html.stdout.contains("class=\"projection\""),
        "{}",
        html.stdout
    );
    assert!(
        html.stdout
            .contains("needs +2.17/day from 9,800 (September 2026)"),
        "{}",
        html.stdout
    );
}

#[test]
fn the_demo_report_counts_its_sixteen_goals() {
    let out = Test::new()
        .args(&[
            "--workspace",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo"),
            "report",
            "--format",
            "json",
        ])
        .run();
    out.status(0);
    let doc = out.json();
    let ids: std::collections::BTreeSet<&str> = doc["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .filter_map(|g| g["id"].as_str())
        .collect();
    // Thirteen on the brand alone, three against the competitor panel.
    assert_eq!(ids.len(), 16, "{ids:?}");
    assert!(ids.contains("ig-10k-followers"), "{ids:?}");
    assert!(ids.contains("ig-er-rank"), "{ids:?}");
}

#[test]
fn a_deadline_trend_leaves_out_the_month_the_data_starts_in() {
    // The data starts 2026-06-20 with 5000 followers: June is partial and,
    // like a month in progress, not fitted on. The line through July..
    // September (9550, 9700, 9800 at x = 7, 8, 9): mean 9683.33, slope
    // ((9800 - 9683.33) - (9550 - 9683.33)) / 2 = 125 a month, so 9683.33 +
    // 125 × (12 - 8) = 10183.33 for 2026-12. With June's 5000 in, the line
    // would climb 1342 a month.
    let data = "\
date,network,account,followers
2026-06-20,instagram,acme,5000
2026-07-31,instagram,acme,9550
2026-08-31,instagram,acme,9700
2026-09-30,instagram,acme,9800
";
    let out = Test::new()
        .file("kpiscope.toml", &format!("{HEAD}{DEADLINE_GOALS}"))
        .file("data.csv", data)
        .args(&["check", "ig-10k", "--format", "json"])
        .run();
    out.status(0);
    let g = goal(&out, "ig-10k");
    let basis: Vec<&str> = g["projection"]["basis"]
        .as_array()
        .expect("basis")
        .iter()
        .filter_map(|b| b.as_str())
        .collect();
    assert_eq!(basis, ["2026-07", "2026-08", "2026-09"]);
    assert_close(
        g["value"].as_f64().expect("value"),
        9683.333333333334 + 500.0,
    );
    assert_eq!(g["status"], "pass");
}

#[test]
fn a_change_from_the_month_the_data_starts_in_says_it_is_partial() {
    // September has the data's first ten days (from 09-20): reach 100;
    // October is whole: 300. (300 - 100) / 100 × 100 = +200%.
    let data = "\
date,network,account,post,reach
2026-09-20,instagram,acme,p1,100
2026-10-10,instagram,acme,p2,300
2026-10-31,instagram,acme,p3,0
";
    let config = format!(
        "{HEAD}\n[[goal]]\nid = \"reach-up\"\nkpi = \"reach\"\nperiod = \"2026-10\"\nchange = \">= 10%\"\n"
    );
    let out = Test::new()
        .file("kpiscope.toml", &config)
        .file("data.csv", data)
        .args(&["check", "--format", "json"])
        .run();
    out.status(0);
    assert_result(
        &out,
        "reach-up",
        "pass",
        "+200% change (300 in 2026-10 vs 100 in 2026-09) meets the target >= 10% (2026-09 is partial: the data starts 2026-09-20)",
    );
}

/// A goal or a command filter that names nothing the data holds is a typo:
/// exit 2 with the nearest name, every such goal at once, at its place.
/// The data has instagram and facebook; accounts acme and bistro; the
/// campaigns spring and summer.
#[test]
fn a_name_the_data_does_not_hold_is_an_error_with_the_nearest() {
    let goals = [
        err_goal("net", "network = \"instagrm\""),
        err_goal("acc", "network = \"instagram\"\naccount = \"Acme\""),
        err_goal("dim", "where = { campain = \"spring\" }"),
        err_goal("val", "where = { campaign = \"sprng\" }"),
        err_goal("ok", "network = \"instagram\"\naccount = \"bistro\""),
    ]
    .concat();
    let out = ws(&goals).args(&["check"]).run();
    out.status(2);
    for message in [
        "goal `net`: network `instagrm` is in no record; did you mean `instagram`?",
        "goal `acc`: account `Acme` is in no record of instagram; did you mean `acme`?",
        "goal `dim`: dimension `campain` is in no record; did you mean `campaign`?",
        "goal `val`: no record has campaign `sprng`; did you mean `spring`?",
    ] {
        assert!(out.stderr.contains(message), "{message}\n{}", out.stderr);
    }
    assert!(out.stderr.contains("4 problems found"), "{}", out.stderr);
    assert!(!out.stderr.contains("goal `ok`"), "{}", out.stderr);
    assert!(out.stderr.contains("kpiscope.toml:"), "{}", out.stderr);

    // The same names on eval's command line.
    let out = ws("")
        .args(&[
            "eval",
            "--kpi",
            "reach",
            "--network",
            "instagrm",
            "--by",
            "campain",
        ])
        .run();
    out.status(2);
    assert!(
        out.stderr
            .contains("--network: network `instagrm` is in no record; did you mean `instagram`?"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "--by campain: dimension `campain` is in no record; did you mean `campaign`?"
        ),
        "{}",
        out.stderr
    );
    // A name that is in the data, outside the days asked: no data, no error.
    let out = ws("")
        .args(&[
            "eval",
            "--kpi",
            "reach",
            "--account",
            "bistro",
            "--from",
            "2026-10-01",
        ])
        .run();
    out.status(0);
}
