//! Goals over time: `change`, `period = "each"` and `by` deadlines, against a
//! fixture whose values are computed by hand.
//!
//! Fixture [`DATA`]: one Instagram account, 2026-03-01 to 2026-10-15 (the
//! data's last day, so the last complete month is 2026-09). One post a month
//! (reach, comments) and the account's followers at each month's end.
//!
//! | month   | reach | comments | followers (month end) |
//! |---------|-------|----------|-----------------------|
//! | 2026-03 | 1000  | 0        | 9000                  |
//! | 2026-04 | 1200  | 5        | 9100                  |
//! | 2026-05 | 1100  | 4        | 9250                  |
//! | 2026-06 | 1500  | 6        | 9380                  |
//! | 2026-07 | 1500  | 6        | 9550                  |
//! | 2026-08 | 1400  | 7        | 9700                  |
//! | 2026-09 | 1750  | 8        | 9800                  |
//! | 2026-10 | 900   | 2        | 9850 (on the 15th)    |
//!
//! Month-over-month change of reach: 04 +20%, 05 −8.333…%, 06 +36.3636…%,
//! 07 0%, 08 −6.666…%, 09 +25%.
//!
//! Followers by 2026-12-31, as of 2026-10-15: the trend of the six complete
//! months 2026-04..09 (9100, 9250, 9380, 9550, 9700, 9800 at x = 1..6) has
//! mean x 3.5, mean y 9463.333…, Sxx 17.5, Sxy 2510, slope 143.428571…;
//! December is x = 9: 9463.333… + 143.428571… × 5.5 = 10252.190476…
//! (FORECAST.LINEAR(9; ys; 1..6) gives the same). Days left: 2026-10-15 to
//! 2026-12-31 = 77. Trend per day: 143.428571… / 30.5 (the mean length of
//! April..September, 183 / 6 days) = 4.702576…

use crate::harness::{Output, Test, assert_close};

const DATA: &str = "\
date,network,account,post,reach,comments,followers
2026-03-01,instagram,acme,,,,8950
2026-03-10,instagram,acme,p03,1000,0,
2026-03-31,instagram,acme,,,,9000
2026-04-10,instagram,acme,p04,1200,5,
2026-04-30,instagram,acme,,,,9100
2026-05-10,instagram,acme,p05,1100,4,
2026-05-31,instagram,acme,,,,9250
2026-06-10,instagram,acme,p06,1500,6,
2026-06-30,instagram,acme,,,,9380
2026-07-10,instagram,acme,p07,1500,6,
2026-07-31,instagram,acme,,,,9550
2026-08-10,instagram,acme,p08,1400,7,
2026-08-31,instagram,acme,,,,9700
2026-09-10,instagram,acme,p09,1750,8,
2026-09-30,instagram,acme,,,,9800
2026-10-10,instagram,acme,p10,900,2,
2026-10-15,instagram,acme,,,,9850
";

const HEAD: &str = r#"[workspace]
name = "Over time"

[[source]]
plugin = "canonical"
path = "data.csv"
"#;

fn ws(goals: &str) -> Test {
    Test::new()
        .file("kpiscope.toml", &format!("{HEAD}\n{goals}"))
        .file("data.csv", DATA)
}

fn check(goals: &str, extra: &[&str]) -> Output {
    let mut args = vec!["check", "--format", "json"];
    args.extend(extra);
    ws(goals).args(&args).run()
}

/// Every result of goal `id`, in order.
fn results(out: &Output, id: &str) -> Vec<serde_json::Value> {
    out.json()["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .filter(|g| g["id"] == id)
        .cloned()
        .collect()
}

fn one(out: &Output, id: &str) -> serde_json::Value {
    let r = results(out, id);
    assert_eq!(r.len(), 1, "{id}: {r:#?}\n{}", out.stderr);
    r[0].clone()
}

#[test]
fn change_passes_on_the_change_from_the_previous_month() {
    let out = check(
        "[[goal]]\nid = \"reach-up\"\nkpi = \"reach\"\nchange = \">= 10%\"\n",
        &[],
    );
    out.status(0);
    let g = one(&out, "reach-up");
    assert_eq!(g["period"]["label"], "2026-09");
    assert_close(g["value"].as_f64().expect("value"), 25.0);
    assert_eq!(g["unit"], "%");
    assert_eq!(g["kind"], "change");
    assert_eq!(g["target"], ">= 10%");
    assert_close(g["kpi_value"].as_f64().expect("kpi_value"), 1750.0);
    assert_eq!(g["previous"]["label"], "2026-08");
    assert_eq!(g["previous"]["start"], "2026-08-01");
    assert_close(g["previous"]["value"].as_f64().expect("previous"), 1400.0);
    assert_eq!(g["status"], "pass");
    assert_eq!(
        g["message"],
        "+25% change (1750 in 2026-09 vs 1400 in 2026-08) meets the target >= 10%"
    );
}

#[test]
fn change_warn_is_a_condition_on_the_change_too() {
    // Followers 9700 -> 9800: +1.0309…%, below 2% but at least 0%.
    let out = check(
        "[[goal]]\nid = \"growth\"\nkpi = \"followers\"\nchange = \">= 2%\"\nwarn = \">= 0%\"\n",
        &[],
    );
    out.status(0);
    let g = one(&out, "growth");
    assert_close(g["value"].as_f64().expect("value"), 100.0 / 9700.0 * 100.0);
    assert_eq!(g["status"], "warn");
    assert_eq!(g["warn"], ">= 0%");
    assert_eq!(
        g["message"],
        "+1.03% change (9800 in 2026-09 vs 9700 in 2026-08) is 0.97 below the target 2%"
    );
}

#[test]
fn change_without_a_previous_period_is_no_data_with_the_reason() {
    let out = check(
        "[[goal]]\nid = \"first\"\nkpi = \"reach\"\nperiod = \"2026-03\"\nchange = \">= 0%\"\nno_data = \"warn\"\n",
        &[],
    );
    out.status(0);
    let g = one(&out, "first");
    assert_eq!(g["status"], "no_data");
    assert!(g["value"].is_null());
    assert_eq!(
        g["message"],
        "no data: no previous month to compare 2026-03 with (the data starts 2026-03-01)"
    );
}

#[test]
fn change_from_zero_is_no_data() {
    let out = check(
        "[[goal]]\nid = \"talk\"\nkpi = \"comments\"\nperiod = \"2026-04\"\nchange = \">= 0%\"\n",
        &[],
    );
    out.status(1);
    let g = one(&out, "talk");
    assert_eq!(g["status"], "no_data");
    assert_close(g["kpi_value"].as_f64().expect("kpi_value"), 5.0);
    assert_eq!(
        g["message"],
        "no data: comments was 0 in 2026-03, and a % change from 0 is undefined"
    );
}

#[test]
fn each_gives_one_result_per_complete_period() {
    let out = check(
        "[[goal]]\nid = \"reach-monthly\"\nkpi = \"reach\"\nperiod = \"each\"\ntarget = \">= 1200\"\nwarn = \">= 1100\"\n",
        &[],
    );
    // March fails: the run fails.
    out.status(1);
    let r = results(&out, "reach-monthly");
    let got: Vec<(String, f64, String)> = r
        .iter()
        .map(|g| {
            (
                g["period"]["label"].as_str().expect("label").to_string(),
                g["value"].as_f64().expect("value"),
                g["status"].as_str().expect("status").to_string(),
            )
        })
        .collect();
    let want = [
        ("2026-03", 1000.0, "fail"),
        ("2026-04", 1200.0, "pass"),
        ("2026-05", 1100.0, "warn"),
        ("2026-06", 1500.0, "pass"),
        ("2026-07", 1500.0, "pass"),
        ("2026-08", 1400.0, "pass"),
        ("2026-09", 1750.0, "pass"),
    ];
    let want: Vec<(String, f64, String)> = want
        .iter()
        .map(|(l, v, s)| (l.to_string(), *v, s.to_string()))
        .collect();
    assert_eq!(got, want);
    let s = &out.json()["summary"];
    assert_eq!(
        (s["pass"].as_u64(), s["warn"].as_u64(), s["fail"].as_u64()),
        (Some(5), Some(1), Some(1))
    );
}

#[test]
fn each_change_starts_with_the_second_period() {
    // March has no month before it in the data: judging it would give "no
    // data" (and fail the run) every time, so `each` starts with April.
    let out = check(
        "[[goal]]\nkpi = \"reach\"\nperiod = \"each\"\nchange = \">= 0%\"\n",
        &[],
    );
    out.status(1);
    // The derived id says what the goal is about, not its threshold.
    let r = results(&out, "reach-month-change-each");
    let got: Vec<(&str, f64, &str)> = r
        .iter()
        .map(|g| {
            (
                g["period"]["label"].as_str().expect("label"),
                g["value"].as_f64().expect("value"),
                g["status"].as_str().expect("status"),
            )
        })
        .collect();
    let want = [
        ("2026-04", 20.0, "pass"),
        ("2026-05", -100.0 / 1200.0 * 100.0, "fail"),
        ("2026-06", 400.0 / 1100.0 * 100.0, "pass"),
        ("2026-07", 0.0, "pass"),
        ("2026-08", -100.0 / 1500.0 * 100.0, "fail"),
        ("2026-09", 25.0, "pass"),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            g.0 == w.0 && (g.1 - w.1).abs() < 1e-9 && g.2 == w.2,
            "{g:?} vs {w:?}"
        );
    }
}

#[test]
fn each_skips_a_period_cut_by_from() {
    // --from 2026-06-15 cuts June in half: June is not judged on its last days.
    let out = check(
        "[[goal]]\nid = \"r\"\nkpi = \"reach\"\nperiod = \"each\"\ntarget = \">= 1\"\n",
        &["--from", "2026-06-15"],
    );
    out.status(0);
    let labels: Vec<String> = results(&out, "r")
        .iter()
        .map(|g| g["period"]["label"].as_str().expect("label").to_string())
        .collect();
    assert_eq!(labels, ["2026-07", "2026-08", "2026-09"]);
}

#[test]
fn a_period_the_data_stops_in_says_it_is_partial() {
    let out = check(
        "[[goal]]\nid = \"q\"\nkpi = \"reach\"\nperiod = \"2026-Q3\"\ntarget = \">= 1\"\n",
        &["--to", "2026-08-31"],
    );
    out.status(0);
    assert_eq!(
        one(&out, "q")["message"],
        "2900 meets the target >= 1 (partial: the data ends 2026-08-31)"
    );
}

#[test]
fn each_respects_from_and_to() {
    let out = check(
        "[[goal]]\nid = \"r\"\nkpi = \"reach\"\nperiod = \"each\"\ntarget = \">= 1200\"\n",
        &["--from", "2026-06-01", "--to", "2026-08-31"],
    );
    out.status(0);
    let labels: Vec<String> = results(&out, "r")
        .iter()
        .map(|g| g["period"]["label"].as_str().expect("label").to_string())
        .collect();
    assert_eq!(labels, ["2026-06", "2026-07", "2026-08"]);
}

const FOLLOWERS_BY: &str = "[[goal]]\nid = \"10k\"\nkpi = \"followers\"\nby = \"2026-12-31\"\n";

fn deadline(target: &str, extra: &str) -> Output {
    check(
        &format!("{FOLLOWERS_BY}target = \"{target}\"\n{extra}"),
        &[],
    )
}

const PROJECTED: f64 = 56_780.0 / 6.0 + 2510.0 / 17.5 * 5.5;

#[test]
fn deadline_on_track_shows_the_projection_and_the_pace() {
    let out = deadline(">= 10200", "");
    out.status(0);
    let g = one(&out, "10k");
    assert_eq!(g["kind"], "deadline");
    assert_eq!(g["by"], "2026-12-31");
    assert_eq!(g["status"], "pass");
    assert_eq!(g["period"]["label"], "2026-12");
    assert_close(g["value"].as_f64().expect("value"), PROJECTED);
    let p = &g["projection"];
    assert_close(p["projected"].as_f64().expect("projected"), PROJECTED);
    assert_eq!(p["deadline"], "2026-12-31");
    assert_eq!(p["days_left"], 77);
    assert_eq!(p["latest"]["label"], "2026-09");
    assert_close(p["latest"]["value"].as_f64().expect("latest"), 9800.0);
    assert_close(
        p["needed_per_day"].as_f64().expect("needed"),
        (10200.0 - 9800.0) / 77.0,
    );
    assert_close(
        p["trend_per_day"].as_f64().expect("trend"),
        2510.0 / 17.5 / 30.5,
    );
    assert_eq!(
        p["basis"],
        serde_json::json!([
            "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"
        ])
    );
    assert_eq!(p["passed"], false);
    assert_eq!(
        g["message"],
        "on track: 10252.19 projected for 2026-12 (trend of 2026-04..2026-09) meets the target >= 10200; needs +5.19/day from 9800, trend +4.7/day"
    );
}

#[test]
fn deadline_at_risk_within_a_tenth_of_the_target() {
    // 10500 - 10252.19 = 247.81, within 1050.
    let out = deadline(">= 10500", "");
    out.status(0);
    let g = one(&out, "10k");
    assert_eq!(g["status"], "warn");
    assert_eq!(
        g["message"],
        "at risk: 10252.19 projected for 2026-12 (trend of 2026-04..2026-09) is 247.81 below the target 10500; needs +9.09/day from 9800, trend +4.7/day"
    );
}

#[test]
fn deadline_off_track_and_an_explicit_warn() {
    let out = deadline(">= 12000", "");
    out.status(1);
    assert_eq!(one(&out, "10k")["status"], "fail");
    // With `warn`, "at risk" is what `warn` says.
    let out = deadline(">= 10500", "warn = \">= 10300\"");
    out.status(1);
    assert_eq!(one(&out, "10k")["status"], "fail");
    let out = deadline(">= 12000", "warn = \">= 10000\"");
    out.status(0);
    assert_eq!(one(&out, "10k")["status"], "warn");
}

#[test]
fn deadline_in_the_past_is_judged_on_the_actual_value() {
    let out = check(
        "[[goal]]\nid = \"aug\"\nkpi = \"followers\"\nby = \"2026-08-31\"\ntarget = \">= 9750\"\n",
        &[],
    );
    out.status(1);
    let g = one(&out, "aug");
    assert_eq!(g["status"], "fail");
    assert_eq!(g["projection"]["passed"], true);
    assert_close(g["value"].as_f64().expect("value"), 9700.0);
    assert_eq!(
        g["message"],
        "the deadline 2026-08-31 has passed: 9700 in 2026-08 is 50 below the target 9750"
    );
}

#[test]
fn deadline_needs_two_periods_to_project() {
    let out = ws(&format!("{FOLLOWERS_BY}target = \">= 10000\"\n"))
        .args(&["check", "--format", "json", "--from", "2026-09-01"])
        .run();
    out.status(1);
    let g = one(&out, "10k");
    assert_eq!(g["status"], "no_data");
    assert_eq!(
        g["message"],
        "no data: projecting to the deadline 2026-12-31 needs at least two complete months with a value before it, and there is one (2026-09)"
    );
}

#[test]
fn derived_ids_name_the_kind_of_goal() {
    let out = ws("[[goal]]\nkpi = \"followers\"\nby = \"2026-12-31\"\ntarget = \">= 10000\"\n\n[[goal]]\nkpi = \"reach\"\nchange = \">= 0%\"\n\n[[goal]]\nkpi = \"reach\"\nperiod = \"each\"\ntarget = \">= 1\"\n")
        .args(&["list", "goals"])
        .run();
    out.status(0);
    for (id, period, target) in [
        (
            "followers-month-by-2026-12-31",
            "month by 2026-12-31",
            ">= 10000",
        ),
        ("reach-month-change", "month last", "change >= 0%"),
        ("reach-month-each", "month each", ">= 1"),
    ] {
        let line = out
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no {id} in\n{}", out.stdout));
        assert!(line.contains(period) && line.contains(target), "{line}");
    }
}

#[test]
fn goal_kinds_that_do_not_combine_are_all_reported() {
    let out = ws(r#"[[goal]]
id = "a"
kpi = "reach"
target = ">= 1"
change = ">= 5%"

[[goal]]
id = "b"
kpi = "followers"
by = "2026-12-31"
period = "last"
target = ">= 1"

[[goal]]
id = "c"
kpi = "followers"
by = "next december"
target = ">= 1"

[[goal]]
id = "d"
kpi = "reach"
grain = "all"
change = ">= 5%"
"#)
    .args(&["check"])
    .run();
    out.status(2);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn check_to_moves_the_last_complete_period() {
    let out = check(
        "[[goal]]\nid = \"r\"\nkpi = \"reach\"\ntarget = \">= 1\"\n",
        &["--to", "2026-08-31"],
    );
    out.status(0);
    let g = one(&out, "r");
    assert_eq!(g["period"]["label"], "2026-08");
    assert_close(g["value"].as_f64().expect("value"), 1400.0);
}

#[test]
fn a_fixed_period_outside_the_data_is_no_data_saying_where_the_data_is() {
    let out = check(
        "[[goal]]\nid = \"old\"\nkpi = \"reach\"\nperiod = \"2025-01\"\ntarget = \">= 1\"\n",
        &[],
    );
    out.status(1);
    assert_eq!(
        one(&out, "old")["message"],
        "no data for all networks in 2025-01, which is before the data (the data runs from 2026-03-01 to 2026-10-15)"
    );
}

#[test]
fn junit_has_a_testcase_per_result() {
    let out = ws(
        "[[goal]]\nid = \"reach-monthly\"\nkpi = \"reach\"\nperiod = \"each\"\ntarget = \">= 1200\"\nwarn = \">= 1100\"\ntitle = \"Reach & more\"\n\n[[goal]]\nid = \"x\"\nkpi = \"reach\"\nperiod = \"2020-01\"\ntarget = \">= 1\"\nno_data = \"pass\"\n",
    )
    .args(&["check", "--format", "junit", "--to", "2026-07-31"])
    .run();
    // March (1000) fails.
    out.status(1);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn output_into_a_missing_folder_is_exit_2_and_writes_nothing() {
    for format in ["table", "json", "csv", "markdown", "html", "junit"] {
        let out = ws("[[goal]]\nid = \"r\"\nkpi = \"reach\"\ntarget = \">= 1\"\n")
            .args(&["check", "--format", format, "-o", "reports/out.txt"])
            .run();
        out.status(2);
        assert_eq!(
            out.stderr, "error: cannot write reports/out.txt: the folder reports does not exist\n",
            "{format}"
        );
        assert!(!out.file_exists("reports"), "{format}");
        let written: Vec<_> = std::fs::read_dir(&out.dir)
            .expect("workspace")
            .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
            .collect();
        let mut written = written;
        written.sort();
        assert_eq!(written, ["data.csv", "kpiscope.toml"], "{format}");
    }
}

#[cfg(unix)]
#[test]
fn output_files_are_readable_like_any_file_not_private() {
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: reads the umask by swapping it twice.
    let umask = unsafe {
        let old = libc::umask(0o022);
        libc::umask(old);
        old as u32
    };
    let out = ws("[[goal]]\nid = \"r\"\nkpi = \"reach\"\ntarget = \">= 1\"\n")
        .args(&["check", "--format", "html", "-o", "goals.html"])
        .run();
    out.status(0);
    let mode = std::fs::metadata(out.dir.join("goals.html"))
        .expect("written")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o666 & !umask);
}

#[test]
fn junit_counts_warnings_as_failures_with_fail_on_warn() {
    // May (1100) warns: with --fail-on warn the run exits 1, and the JUnit
    // report says so too.
    let out = ws("[[goal]]\nid = \"may\"\nkpi = \"reach\"\nperiod = \"2026-05\"\ntarget = \">= 1200\"\nwarn = \">= 1100\"\n")
        .args(&["check", "--format", "junit", "--fail-on", "warn"])
        .run();
    out.status(1);
    assert!(out.stdout.contains("failures=\"1\""), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("<failure message=\"1100 is 100 below the target 1200\" type=\"goal\">"),
        "{}",
        out.stdout
    );
}

#[test]
fn change_after_a_gap_says_the_period_before_has_no_records() {
    let out = Test::new()
        .file("kpiscope.toml", &format!("{HEAD}\n[[goal]]\nid = \"c\"\nkpi = \"reach\"\nperiod = \"2026-03\"\nchange = \">= 0%\"\n"))
        .file(
            "data.csv",
            "date,network,account,post,reach\n2026-01-10,instagram,acme,a,100\n2026-03-10,instagram,acme,b,120\n",
        )
        .args(&["check", "--format", "json"])
        .run();
    out.status(1);
    assert_eq!(
        one(&out, "c")["message"],
        "no data: the month before, 2026-02, has no records for all networks"
    );
}

#[test]
fn a_period_the_data_starts_in_says_it_is_partial() {
    // The data starts on Sunday 2026-03-01: the week 2026-W09 (Monday
    // 2026-02-23 to 2026-03-01) holds one day of it, with no reach.
    // Followers that day: 8950.
    let out = check(
        "[[goal]]\nid = \"w\"\nkpi = \"followers\"\ngrain = \"week\"\nperiod = \"each\"\ntarget = \">= 1\"\nno_data = \"pass\"\n",
        &[],
    );
    out.status(0);
    let first = &results(&out, "w")[0];
    assert_eq!(first["period"]["label"], "2026-W09");
    assert_eq!(
        first["message"],
        "8950 meets the target >= 1 (partial: the data starts 2026-03-01)"
    );
}
