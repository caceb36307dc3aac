//! Goals (`kpiscope check`) against a small canonical fixture whose values
//! are computed by hand.
//!
//! Fixture [`DATA`]: networks `instagram` (accounts `acme`, `bistro`) and
//! `facebook` (account `acme`), months 2026-08, 2026-09 and part of 2026-10
//! (the data's last day is 2026-10-15). Post rows (with `dim.campaign`) and
//! account-day rows (`followers`, a stock).
//!
//! Engagements (`likes + comments + shares`) and reach per post:
//!
//! | post | day        | network/account  | campaign | reach | engagements      |
//! |------|------------|------------------|----------|-------|------------------|
//! | a1   | 2026-08-10 | instagram/acme   | spring   | 1000  | 40+5+5 = 50      |
//! | a2   | 2026-08-20 | facebook/acme    |          | 1000  | 10+0+0 = 10      |
//! | i1   | 2026-09-05 | instagram/acme   | spring   | 2000  | 80+12+8 = 100    |
//! | b1   | 2026-09-12 | instagram/bistro | summer   | 1000  | 25+3+2 = 30      |
//! | f2   | 2026-09-15 | facebook/acme    | spring   | 1000  | 15+3+2 = 20      |
//! | i2   | 2026-09-20 | instagram/acme   | summer   | 1000  | 8+1+1 = 10       |
//! | i3   | 2026-10-03 | instagram/acme   | spring   | 2000  | 50+6+4 = 60      |
//! | f3   | 2026-10-08 | facebook/acme    |          | 1000  | 40+5+5 = 50      |
//!
//! ERR = engagements / reach * 100 (ratio of sums):
//! - 2026-08 all: (50+10)/(1000+1000) = 60/2000 = 3%
//! - 2026-09 all: (100+30+20+10)/(2000+1000+1000+1000) = 160/5000 = 3.2%
//! - 2026-09 instagram: (100+30+10)/(2000+1000+1000) = 140/4000 = 3.5%
//! - 2026-09 facebook: 20/1000 = 2%
//! - 2026-09 account acme (both networks): (100+20+10)/(2000+1000+1000) = 130/4000 = 3.25%
//! - 2026-09 campaign spring: (100+20)/(2000+1000) = 120/3000 = 4%
//! - 2026-09 campaign summer: (30+10)/(1000+1000) = 40/2000 = 2%
//! - 2026-10 all: (60+50)/(2000+1000) = 110/3000 = 3.666…%
//! - 2026-Q3 all: (60+160)/(2000+5000) = 220/7000 = 3.142857…%
//! - all: (60+160+110)/(2000+5000+3000) = 330/10000 = 3.3%
//!
//! Followers (stock: each account's last value in the month, summed):
//! - 2026-08: instagram/acme 1100 (08-31) + facebook/acme 400 (08-31) = 1500
//! - 2026-09: instagram/acme 1200 (09-30) + instagram/bistro 300 (09-28)
//!   + facebook/acme 520 (09-25) = 2020
//! - 2026-10: instagram/acme 1250 + facebook/acme 530 = 1780 (bistro has none)

use crate::harness::{Output, Test, assert_close};

pub const DATA: &str = "\
date,network,account,post,dim.campaign,reach,likes,comments,shares,followers
2026-08-01,instagram,acme,,,,,,,1000
2026-08-10,instagram,acme,a1,spring,1000,40,5,5,
2026-08-20,facebook,acme,a2,,1000,10,0,0,
2026-08-31,instagram,acme,,,,,,,1100
2026-08-31,facebook,acme,,,,,,,400
2026-09-01,instagram,acme,,,,,,,1120
2026-09-05,instagram,acme,i1,spring,2000,80,12,8,
2026-09-10,facebook,acme,,,,,,,500
2026-09-12,instagram,bistro,b1,summer,1000,25,3,2,
2026-09-15,facebook,acme,f2,spring,1000,15,3,2,
2026-09-20,instagram,acme,i2,summer,1000,8,1,1,
2026-09-25,facebook,acme,,,,,,,520
2026-09-28,instagram,bistro,,,,,,,300
2026-09-30,instagram,acme,,,,,,,1200
2026-10-03,instagram,acme,i3,spring,2000,50,6,4,
2026-10-08,facebook,acme,f3,,1000,40,5,5,
2026-10-15,instagram,acme,,,,,,,1250
2026-10-15,facebook,acme,,,,,,,530
";

pub const HEAD: &str = r#"[workspace]
name = "Goals test"
currency = "EUR"

[[source]]
plugin = "canonical"
path = "data.csv"
"#;

/// A goal on `err` (target >= 4, warn >= 3) with extra lines.
pub fn err_goal(id: &str, extra: &str) -> String {
    format!(
        "\n[[goal]]\nid = \"{id}\"\nkpi = \"err\"\ntarget = \">= 4\"\nwarn = \">= 3\"\n{extra}\n"
    )
}

/// The fixture workspace with these `[[goal]]` tables.
pub fn ws(goals: &str) -> Test {
    Test::new()
        .file("kpiscope.toml", &format!("{HEAD}{goals}"))
        .file("data.csv", DATA)
}

/// The goal of id `id` in a `check --format json` output.
pub fn goal(out: &Output, id: &str) -> serde_json::Value {
    out.json()["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .find(|g| g["id"] == id)
        .unwrap_or_else(|| panic!("no goal {id} in\n{}", out.stdout))
        .clone()
}

#[track_caller]
fn assert_goal(out: &Output, id: &str, label: &str, value: f64, status: &str, message: &str) {
    let g = goal(out, id);
    assert_eq!(g["period"]["label"], label, "{id}: {g:#}");
    assert_close(
        g["value"]
            .as_f64()
            .unwrap_or_else(|| panic!("{id}: no value: {g:#}")),
        value,
    );
    assert_eq!(g["status"], status, "{id}: {g:#}");
    assert_eq!(g["message"], message, "{id}: {g:#}");
}

/// The first and last day of goal `id`'s period.
fn assert_bounds(out: &Output, id: &str, start: &str, end: &str) {
    let g = goal(out, id);
    assert_eq!(
        (g["period"]["start"].as_str(), g["period"]["end"].as_str()),
        (Some(start), Some(end)),
        "{id}: {g:#}"
    );
}

#[test]
fn statuses_and_messages() {
    let goals = [
        err_goal("all", ""),
        err_goal("fb", "network = \"facebook\""),
        err_goal("spring", "where = { campaign = \"spring\" }"),
    ]
    .concat();
    let out = ws(&goals).args(&["check", "--format", "json"]).run();
    // One goal fails: exit 1.
    out.status(1);
    // period "last" as of 2026-10-15 (October is incomplete) = 2026-09.
    // 160/5000*100 = 3.2: not >= 4, but >= 3 → warn; gap 4 - 3.2 = 0.8.
    assert_goal(
        &out,
        "all",
        "2026-09",
        3.2,
        "warn",
        "3.2% is 0.8 below the target 4%",
    );
    // 20/1000*100 = 2: below the warn line 3 → fail; gap 4 - 2 = 2.
    assert_goal(
        &out,
        "fb",
        "2026-09",
        2.0,
        "fail",
        "2% is 2 below the target 4%",
    );
    // 120/3000*100 = 4 → pass.
    assert_goal(
        &out,
        "spring",
        "2026-09",
        4.0,
        "pass",
        "4% meets the target >= 4%",
    );
    let s = &out.json()["summary"];
    assert_eq!(
        (
            s["pass"].as_u64(),
            s["warn"].as_u64(),
            s["fail"].as_u64(),
            s["no_data"].as_u64()
        ),
        (Some(1), Some(1), Some(1), Some(0))
    );
}

#[test]
fn check_table_output() {
    let goals = [
        err_goal("all", ""),
        err_goal("fb", "network = \"facebook\""),
        err_goal("spring", "where = { campaign = \"spring\" }"),
    ]
    .concat();
    let out = ws(&goals).args(&["check"]).run();
    out.status(1);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn exit_0_when_goals_pass_or_warn() {
    // all = 3.2 (warn), spring = 4 (pass): no failure → exit 0.
    let goals = [
        err_goal("all", ""),
        err_goal("spring", "where = { campaign = \"spring\" }"),
    ]
    .concat();
    let out = ws(&goals).args(&["check"]).run();
    out.status(0);
}

#[test]
fn fail_on_warn_makes_a_warning_exit_1() {
    // Only warns (all = 3.2) and passes (spring = 4): `--fail-on warn` → exit 1.
    let goals = [
        err_goal("all", ""),
        err_goal("spring", "where = { campaign = \"spring\" }"),
    ]
    .concat();
    ws(&goals)
        .args(&["check", "--fail-on", "warn"])
        .run()
        .status(1);
    // Only passes: still 0 with `--fail-on warn`.
    ws(&err_goal("spring", "where = { campaign = \"spring\" }"))
        .args(&["check", "--fail-on", "warn"])
        .run()
        .status(0);
}

#[test]
fn exit_1_when_a_goal_fails() {
    // facebook 2026-09 = 2 < 3 → fail.
    ws(&err_goal("fb", "network = \"facebook\""))
        .args(&["check"])
        .run()
        .status(1);
}

#[test]
fn check_selects_one_goal_by_id() {
    let goals = [
        err_goal("fb", "network = \"facebook\""),
        err_goal("spring", "where = { campaign = \"spring\" }"),
    ]
    .concat();
    // Only the passing goal: fb's failure does not count → exit 0.
    let out = ws(&goals)
        .args(&["check", "spring", "--format", "json"])
        .run();
    out.status(0);
    let ids: Vec<String> = out.json()["goals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["spring"]);
    // Only the failing goal → exit 1.
    let out = ws(&goals).args(&["check", "fb", "--format", "json"]).run();
    out.status(1);
    assert_eq!(out.json()["goals"].as_array().unwrap().len(), 1);
    assert_eq!(out.json()["goals"][0]["id"], "fb");
}

#[test]
fn unknown_goal_id_suggests_the_nearest() {
    let goals = [
        err_goal("fb", "network = \"facebook\""),
        err_goal("spring", "where = { campaign = \"spring\" }"),
    ]
    .concat();
    let out = ws(&goals).args(&["check", "sprng", "-o", "out.json"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("did you mean `spring`?"),
        "{}",
        out.stderr
    );
    assert!(!out.file_exists("out.json"));
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn network_filter_changes_the_value() {
    // instagram 2026-09: 140/4000*100 = 3.5 → warn, gap 0.5.
    let out = ws(&err_goal("ig", "network = \"instagram\""))
        .args(&["check", "--format", "json"])
        .run();
    out.status(0);
    assert_goal(
        &out,
        "ig",
        "2026-09",
        3.5,
        "warn",
        "3.5% is 0.5 below the target 4%",
    );
    assert_eq!(goal(&out, "ig")["network"], "instagram");
}

#[test]
fn account_filter_changes_the_value() {
    // account acme (instagram + facebook) 2026-09: 130/4000*100 = 3.25 → warn, gap 0.75.
    let out = ws(&err_goal("acme", "account = \"acme\""))
        .args(&["check", "--format", "json"])
        .run();
    out.status(0);
    assert_goal(
        &out,
        "acme",
        "2026-09",
        3.25,
        "warn",
        "3.25% is 0.75 below the target 4%",
    );
    assert_eq!(goal(&out, "acme")["account"], "acme");
    // account bistro 2026-09: 30/1000*100 = 3 → warn (>= 3), gap 1.
    let out = ws(&err_goal("bistro", "account = \"bistro\""))
        .args(&["check", "--format", "json"])
        .run();
    assert_goal(
        &out,
        "bistro",
        "2026-09",
        3.0,
        "warn",
        "3% is 1 below the target 4%",
    );
}

#[test]
fn where_filter_changes_the_value() {
    // campaign summer 2026-09: 40/2000*100 = 2 → fail.
    let out = ws(&err_goal("summer", "where = { campaign = \"summer\" }"))
        .args(&["check", "--format", "json"])
        .run();
    out.status(1);
    assert_goal(
        &out,
        "summer",
        "2026-09",
        2.0,
        "fail",
        "2% is 2 below the target 4%",
    );
    assert_eq!(
        goal(&out, "summer")["where"],
        serde_json::json!({"campaign": "summer"})
    );
}

#[test]
fn period_last_is_the_last_complete_month() {
    // The data's last day is 2026-10-15: October is not complete, so "last" = 2026-09.
    let out = ws(&err_goal("g", "period = \"last\""))
        .args(&["check", "--format", "json"])
        .run();
    assert_goal(
        &out,
        "g",
        "2026-09",
        3.2,
        "warn",
        "3.2% is 0.8 below the target 4%",
    );
    assert_bounds(&out, "g", "2026-09-01", "2026-09-30");
}

#[test]
fn period_current_is_the_month_of_the_last_day() {
    // 2026-10: 110/3000*100 = 3.666… → warn; gap 4 - 3.666… = 0.333… shown 0.33.
    let out = ws(&err_goal("g", "period = \"current\""))
        .args(&["check", "--format", "json"])
        .run();
    out.status(0);
    assert_goal(
        &out,
        "g",
        "2026-10",
        110.0 / 3000.0 * 100.0,
        "warn",
        "3.67% is 0.33 below the target 4% (partial: the data ends 2026-10-15)",
    );
}

#[test]
fn period_fixed_month() {
    // 2026-08: 60/2000*100 = 3 → warn, gap 1.
    let out = ws(&err_goal("g", "period = \"2026-08\""))
        .args(&["check", "--format", "json"])
        .run();
    assert_goal(
        &out,
        "g",
        "2026-08",
        3.0,
        "warn",
        "3% is 1 below the target 4%",
    );
    // 2026-09 fixed = 3.2.
    let out = ws(&err_goal("g", "period = \"2026-09\""))
        .args(&["check", "--format", "json"])
        .run();
    assert_goal(
        &out,
        "g",
        "2026-09",
        3.2,
        "warn",
        "3.2% is 0.8 below the target 4%",
    );
}

#[test]
fn period_quarter_infers_the_grain() {
    // 2026-Q3 (Jul–Sep): 220/7000*100 = 3.142857… → warn, gap 0.857… shown 0.86.
    let out = ws(&err_goal("g", "period = \"2026-Q3\""))
        .args(&["check", "--format", "json"])
        .run();
    out.status(0);
    assert_goal(
        &out,
        "g",
        "2026-Q3",
        220.0 / 7000.0 * 100.0,
        "warn",
        "3.14% is 0.86 below the target 4% (partial: the data starts 2026-08-01)",
    );
    let g = goal(&out, "g");
    assert_eq!(g["grain"], "quarter");
    assert_bounds(&out, "g", "2026-07-01", "2026-09-30");
}

#[test]
fn grain_all_spans_the_data() {
    // All data: 330/10000*100 = 3.3 → warn, gap 0.7.
    let out = ws(&err_goal("g", "grain = \"all\""))
        .args(&["check", "--format", "json"])
        .run();
    assert_goal(
        &out,
        "g",
        "all",
        3.3,
        "warn",
        "3.3% is 0.7 below the target 4%",
    );
    let g = goal(&out, "g");
    assert_eq!(g["grain"], "all");
    assert_bounds(&out, "g", "2026-08-01", "2026-10-15");
}

#[test]
fn as_of_moves_last_and_current() {
    // (period, --as-of, expected label, value, message), each by hand:
    let cases: &[(&str, &str, &str, f64, &str)] = &[
        // October is complete on 10-31: last = 2026-10 = 110/3000*100.
        (
            "",
            "2026-10-31",
            "2026-10",
            110.0 / 3000.0 * 100.0,
            "3.67% is 0.33 below the target 4% (partial: the data ends 2026-10-15)",
        ),
        // On 09-15 September is not complete: last = 2026-08 = 60/2000*100.
        (
            "",
            "2026-09-15",
            "2026-08",
            3.0,
            "3% is 1 below the target 4%",
        ),
        // On 09-30 it is: last = 2026-09 = 160/5000*100.
        (
            "",
            "2026-09-30",
            "2026-09",
            3.2,
            "3.2% is 0.8 below the target 4%",
        ),
        // current on 09-15 = 2026-09.
        (
            "period = \"current\"",
            "2026-09-15",
            "2026-09",
            3.2,
            "3.2% is 0.8 below the target 4%",
        ),
    ];
    for (period, as_of, label, value, message) in cases {
        let out = ws(&err_goal("g", period))
            .args(&["check", "--format", "json", "--as-of", as_of])
            .run();
        assert_goal(&out, "g", label, *value, "warn", message);
    }
}

fn keys(v: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

fn sorted(k: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = k.iter().map(|s| s.to_string()).collect();
    k.sort();
    k
}

#[test]
fn json_has_the_keys_of_the_design_and_of_the_goal_kinds() {
    let out = ws(&err_goal("ig", "network = \"instagram\""))
        .args(&["check", "--format", "json"])
        .run();
    out.status(0);
    let j = out.json();
    assert_eq!(
        keys(&j),
        sorted(&[
            "version",
            "changes",
            "command",
            "kpiscope_version",
            "generated_at",
            "workspace",
            "as_of",
            "goals",
            "summary",
            "inputs"
        ])
    );
    assert_eq!(j["kpiscope_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(j["as_of"], "2026-10-15");
    // What reading each file found, every row accounted for.
    let inputs = j["inputs"].as_array().expect("inputs");
    assert!(!inputs.is_empty());
    assert_eq!(
        keys(&inputs[0]),
        sorted(&[
            "file",
            "plugin",
            "layouts",
            "rows",
            "records",
            "skipped",
            "duplicates",
            "merged",
            "unmapped",
            "warnings"
        ])
    );
    assert_eq!(j["version"], 1);
    assert_eq!(j["command"], "check");
    assert_eq!(j["workspace"], "Goals test");
    let g = &j["goals"][0];
    assert_eq!(
        keys(g),
        sorted(&[
            "id",
            "kpi",
            "title",
            "network",
            "account",
            "where",
            "grain",
            "period",
            "value",
            "unit",
            "target",
            "warn",
            "status",
            "message",
            "kind",
            "by",
            "kpi_value",
            "previous",
            "projection"
        ])
    );
    assert_eq!(keys(&g["period"]), sorted(&["label", "start", "end"]));
    assert_eq!(g["kind"], "target");
    for k in ["by", "kpi_value", "previous", "projection"] {
        assert!(g[k].is_null(), "{k} is only for change and deadline goals");
    }
    assert_eq!(
        keys(&j["summary"]),
        sorted(&["pass", "warn", "fail", "no_data"])
    );
    assert_eq!(g["kpi"], "err");
    assert_eq!(g["network"], "instagram");
    assert_eq!(g["account"], serde_json::Value::Null);
    assert_eq!(g["where"], serde_json::json!({}));
    assert_eq!(g["grain"], "month");
    assert_eq!(g["unit"], "%");
    assert_eq!(g["target"], ">= 4");
    assert_eq!(g["warn"], ">= 3");
    // 140/4000*100 = 3.5
    assert_close(g["value"].as_f64().unwrap(), 3.5);
}

#[test]
fn output_file_holds_the_same_json() {
    let goals = [
        err_goal("all", ""),
        err_goal("spring", "where = { campaign = \"spring\" }"),
    ]
    .concat();
    // One time for both runs: `generated_at` is the second a run writes.
    let stdout = ws(&goals)
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .args(&["check", "--format", "json"])
        .run();
    stdout.status(0);
    let file = ws(&goals)
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .args(&["check", "--format", "json", "-o", "out.json"])
        .run();
    file.status(0);
    assert_eq!(file.stdout, "", "nothing on stdout with -o");
    let written: serde_json::Value =
        serde_json::from_str(&file.read("out.json")).expect("out.json is JSON");
    assert_eq!(written, stdout.json());
}

fn eval_followers(t: Test, extra: &[&str]) -> Output {
    let mut args = vec!["eval", "--kpi", "followers", "--format", "json"];
    args.extend_from_slice(extra);
    let out = t.args(&args).run();
    out.status(0);
    out
}

#[test]
fn followers_is_a_stock_summed_over_accounts() {
    let out = eval_followers(ws(""), &[]);
    // 2026-08: 1100 + 400 = 1500 (not 1000+1100+400).
    assert_close(out.value("followers", "2026-08", None).unwrap(), 1500.0);
    // 2026-09: each account's last value: 1200 (09-30) + 300 (09-28) + 520 (09-25) = 2020,
    // not the value of the data's last day only (1200), nor a sum over days.
    assert_close(out.value("followers", "2026-09", None).unwrap(), 2020.0);
    // 2026-10: 1250 + 530 = 1780.
    assert_close(out.value("followers", "2026-10", None).unwrap(), 1780.0);
}

#[test]
fn followers_by_network_and_account() {
    let out = eval_followers(ws(""), &["--by", "network"]);
    // instagram 2026-09: acme 1200 + bistro 300 = 1500; facebook: 520.
    assert_close(
        out.value("followers", "2026-09", Some("instagram"))
            .unwrap(),
        1500.0,
    );
    assert_close(
        out.value("followers", "2026-09", Some("facebook")).unwrap(),
        520.0,
    );
    let out = eval_followers(ws(""), &["--by", "account"]);
    let rows = out.rows();
    let v = |acc: &str| {
        rows.iter()
            .find(|r| r["account"] == acc && r["period"]["label"] == "2026-09")
            .and_then(|r| r["value"].as_f64())
            .unwrap_or_else(|| panic!("no row for {acc}"))
    };
    // acme 2026-09: instagram 1200 + facebook 520 = 1720; bistro 300.
    assert_close(v("acme"), 1720.0);
    assert_close(v("bistro"), 300.0);
}

/// err, followers, posts and likes per month: the values of one load of [`DATA`].
#[track_caller]
fn assert_single_load_values(out: &Output) {
    out.status(0);
    let v = |k: &str, p: &str| {
        out.value(k, p, None)
            .unwrap_or_else(|| panic!("{k} {p} null"))
    };
    assert_close(v("err", "2026-08"), 3.0); // 60/2000*100
    assert_close(v("err", "2026-09"), 3.2); // 160/5000*100
    assert_close(v("err", "2026-10"), 110.0 / 3000.0 * 100.0);
    assert_close(v("followers", "2026-09"), 2020.0);
    assert_close(v("posts", "2026-08"), 2.0); // a1, a2
    assert_close(v("posts", "2026-09"), 4.0); // i1, b1, f2, i2
    assert_close(v("posts", "2026-10"), 2.0); // i3, f3
    assert_close(v("likes", "2026-09"), 128.0); // 80+25+15+8
    assert_close(v("reach", "2026-09"), 5000.0);
}

const EVAL: &[&str] = &[
    "eval",
    "--kpi",
    "err,followers,posts,likes,reach",
    "--format",
    "json",
];

#[test]
fn one_load_values() {
    assert_single_load_values(&ws("").args(EVAL).run());
}

#[test]
fn same_file_in_two_sources_counts_once() {
    let config = format!("{HEAD}\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\"\n");
    let out = Test::new()
        .file("kpiscope.toml", &config)
        .file("data.csv", DATA)
        .args(EVAL)
        .run();
    assert_single_load_values(&out);
}

#[test]
fn two_identical_files_count_once() {
    let config = HEAD.replace("path = \"data.csv\"", "path = \"exports/*.csv\"");
    let out = Test::new()
        .file("kpiscope.toml", &config)
        .file("exports/a.csv", DATA)
        .file("exports/b.csv", DATA)
        .args(EVAL)
        .run();
    assert_single_load_values(&out);
}

#[test]
fn overlapping_exports_count_once() {
    // Export 1: August and September; export 2: September and October, so
    // every September post and account-day is in both.
    let lines: Vec<&str> = DATA.lines().collect();
    let header = lines[0];
    let part = |keep: &dyn Fn(&str) -> bool| -> String {
        let mut s = format!("{header}\n");
        for l in &lines[1..] {
            if keep(l) {
                s += l;
                s += "\n";
            }
        }
        s
    };
    let first = part(&|l| l.starts_with("2026-08") || l.starts_with("2026-09"));
    let second = part(&|l| l.starts_with("2026-09") || l.starts_with("2026-10"));
    let config = HEAD.replace("path = \"data.csv\"", "path = \"exports/*.csv\"");
    let out = Test::new()
        .file("kpiscope.toml", &config)
        .file("exports/1-aug-sep.csv", &first)
        .file("exports/2-sep-oct.csv", &second)
        .args(EVAL)
        .run();
    assert_single_load_values(&out);
}

#[test]
fn posts_counts_distinct_post_ids() {
    // Post p1 comes in two rows (likes in one, reach in the other), p2 once:
    // posts = 2 (p1, p2), likes = 10 + 5 = 15, reach = 100 + 50 = 150.
    let data = "\
date,network,account,post,reach,likes
2026-09-01,instagram,acme,p1,,10
2026-09-01,instagram,acme,p1,100,
2026-09-02,instagram,acme,p2,50,5
";
    let config = HEAD;
    let out = Test::new()
        .file("kpiscope.toml", config)
        .file("data.csv", data)
        .args(&["eval", "--kpi", "posts,likes,reach", "--format", "json"])
        .run();
    out.status(0);
    assert_close(out.value("posts", "2026-09", None).unwrap(), 2.0);
    assert_close(out.value("likes", "2026-09", None).unwrap(), 15.0);
    assert_close(out.value("reach", "2026-09", None).unwrap(), 150.0);
}

/// A goal with its own target (no warn) on `kpi`.
fn target_goal(id: &str, kpi: &str, target: &str, extra: &str) -> String {
    format!("\n[[goal]]\nid = \"{id}\"\nkpi = \"{kpi}\"\ntarget = \"{target}\"\n{extra}\n")
}

#[test]
fn other_conditions_and_their_gaps() {
    let goals = [
        // 2026-09 err = 3.2: not between 3 and 3.1 → fail, 3.2 - 3.1 = 0.1 above.
        target_goal("btw", "err", "between 3 and 3.1", ""),
        // 3.2 > 3 → fail, 0.2 above.
        target_goal("le", "err", "<= 3", ""),
        // 3.2 < 3.5 → pass.
        target_goal("lt", "err", "< 3.5", ""),
    ]
    .concat();
    let out = ws(&goals).args(&["check", "--format", "json"]).run();
    out.status(1);
    assert_goal(
        &out,
        "btw",
        "2026-09",
        3.2,
        "fail",
        "3.2% is 0.1 above the target 3% to 3.1%",
    );
    assert_goal(
        &out,
        "le",
        "2026-09",
        3.2,
        "fail",
        "3.2% is 0.2 above the target 3%",
    );
    assert_goal(
        &out,
        "lt",
        "2026-09",
        3.2,
        "pass",
        "3.2% meets the target < 3.5%",
    );
}

#[test]
fn week_goal_looks_at_the_last_complete_week() {
    // 2026-10-15 is a Thursday: its week (Mon 10-12 to Sun 10-18) is not complete,
    // so "last" = 2026-W41 (10-05 to 10-11): f3 on 10-08 with 40 likes → 40 < 100, gap 60.
    let out = ws(&target_goal("wk", "likes", ">= 100", "grain = \"week\""))
        .args(&["check", "--format", "json"])
        .run();
    out.status(1);
    assert_goal(
        &out,
        "wk",
        "2026-W41",
        40.0,
        "fail",
        "40 is 60 below the target 100",
    );
    assert_bounds(&out, "wk", "2026-10-05", "2026-10-11");
}

#[test]
fn period_without_data_is_no_data() {
    let out = ws(&err_goal("dec", "period = \"2026-12\""))
        .args(&["check", "--format", "json"])
        .run();
    // no_data counts as fail by default.
    out.status(1);
    let g = goal(&out, "dec");
    assert_eq!(g["status"], "no_data");
    assert_eq!(g["value"], serde_json::Value::Null);
    assert_eq!(g["period"]["label"], "2026-12");
    let msg = g["message"].as_str().unwrap();
    assert!(
        msg.contains("2026-12") && msg.contains("2026-08-01") && msg.contains("2026-10-15"),
        "{msg}"
    );
}

#[test]
fn currency_values_name_the_currency() {
    // A workspace KPI in currency: 2026-09 spend 64 / likes 128 (80+25+15+8) = 0.5
    // → fails ">= 1", gap 0.5; the value is shown with the workspace's currency.
    let spend = "date,network,account,spend\n2026-09-30,instagram,acme,64\n";
    let config = format!(
        "{HEAD}\n[[source]]\nplugin = \"canonical\"\npath = \"spend.csv\"\n{}",
        target_goal("cpl", "cost_per_like", ">= 1", "")
    );
    let script =
        "/// Cost per like\n/// unit: currency\nfn cost_per_like() {\n    spend / likes\n}\n";
    let out = Test::new()
        .file("kpiscope.toml", &config)
        .file("data.csv", DATA)
        .file("spend.csv", spend)
        .file("scripts/money.rhai", script)
        .args(&["check", "--format", "json"])
        .run();
    out.status(1);
    let g = goal(&out, "cpl");
    assert_close(g["value"].as_f64().unwrap(), 0.5);
    assert_eq!(g["status"], "fail");
    // Machine output names money by its currency code.
    assert_eq!(g["unit"], "EUR");
    let msg = g["message"].as_str().unwrap();
    assert!(msg.starts_with("0.5 EUR is 0.5"), "{msg}");
    assert!(msg.contains("below the target 1"), "{msg}");
}

#[test]
fn a_goals_value_does_not_depend_on_the_other_goals() {
    // The account's own reach (5000) counts its posts' (1000 in the spring
    // campaign, 700 in none): the total is 5000 whether or not another goal
    // filters on the campaign (which keeps the campaign dimension apart while
    // loading). The campaign goal sees only the campaign's post: 1000.
    let data = "date,network,account,post,dim.campaign,reach\n\
                2026-10-01,instagram,acme,,,5000\n\
                2026-10-05,instagram,acme,p1,spring,1000\n\
                2026-10-06,instagram,acme,p2,,700\n";
    let total =
        "[[goal]]\nid = \"total\"\nkpi = \"reach\"\nperiod = \"2026-10\"\ntarget = \">= 1\"\n";
    let spring = "[[goal]]\nid = \"spring\"\nkpi = \"reach\"\nperiod = \"2026-10\"\nwhere = { campaign = \"spring\" }\ntarget = \">= 1\"\n";
    for goals in [total.to_string(), format!("{total}\n{spring}")] {
        let out = Test::new()
            .file("kpiscope.toml", &format!("{HEAD}\n{goals}"))
            .file("data.csv", data)
            .args(&["check", "--format", "json"])
            .run();
        out.status(0);
        assert_close(
            goal(&out, "total")["value"].as_f64().expect("value"),
            5000.0,
        );
        if goals.contains("spring") {
            assert_close(
                goal(&out, "spring")["value"].as_f64().expect("value"),
                1000.0,
            );
        }
    }
}
