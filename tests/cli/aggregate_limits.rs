//! Hostile values (issue 10): an aggregate past f64's range is no data with
//! its reason, never `inf` passing a goal; a year typo is a warning, and a
//! span of dates beyond sense an error naming the dates and their files.

use std::time::{Duration, Instant};

use crate::harness::{Output, Test};

const WS: &str = "[workspace]\nname = \"x\"\ntimezone = \"UTC\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\"\n";

const HEAD: &str = "date,network,account,reach\n";

fn run(data: &str, extra: &str, args: &[&str]) -> Output {
    Test::new()
        .file("kpiscope.toml", &format!("{WS}\n{extra}"))
        .file("data.csv", &format!("{HEAD}{data}"))
        .args(args)
        .run()
}

const GOAL: &str = "[[goal]]\nkpi = \"reach\"\ntarget = \">= 100\"\nperiod = \"2026-01\"\n";

#[test]
fn a_sum_that_overflows_is_no_data_not_inf() {
    let data = "2026-01-05,instagram,acme,1.7e308\n2026-01-06,instagram,acme,1.7e308\n";
    let out = run(data, GOAL, &["check", "--format", "json"]);
    // No data fails the goal (the default `no_data = "fail"`), never passes.
    out.status(1);
    let json = out.json();
    let result = &json["goals"][0];
    assert_eq!(result["status"], "no_data", "{json:#}");
    assert_eq!(result["value"], serde_json::Value::Null, "{json:#}");
    assert!(
        result["message"]
            .as_str()
            .is_some_and(|m| m.contains("the sum of reach overflows for all networks 2026-01")),
        "{json:#}"
    );
    // A KPI over the sum has no value either.
    let out = run(data, "", &["eval", "--kpi", "reach,reach_per_post"]);
    out.status(0);
    for kpi in ["reach           2026-01", "reach_per_post  2026-01"] {
        assert!(
            out.stdout.contains(&format!(
                "{kpi}  no data (the sum of reach overflows for all networks 2026-01)"
            )),
            "{}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains("inf"), "{}", out.stdout);
}

#[test]
fn two_year_typos_are_an_error_naming_the_dates_at_once() {
    let data = "0026-01-05,instagram,acme,100\n2026-01-06,instagram,acme,50\n9999-12-31,instagram,acme,10\n";
    let goal =
        "[[goal]]\nkpi = \"reach\"\ntarget = \">= 100\"\ngrain = \"day\"\nperiod = \"each\"\n";
    let started = Instant::now();
    let out = run(data, goal, &["check"]);
    out.status(2);
    assert!(
        out.stderr.contains(
            "error: the data spans 9974 years, from 0026-01-05 (data.csv) to 9999-12-31 (data.csv): more than the 50 years a run may span (`[limits] date_span_years` in kpiscope.toml); is a year mistyped?"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
    assert!(started.elapsed() < Duration::from_secs(10));
    // A range leaves the odd dates out, as the message says.
    let out = run(
        data,
        "",
        &[
            "eval",
            "--kpi",
            "reach",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
        ],
    );
    out.status(0);
    assert!(out.stdout.contains("reach  2026-01  50"), "{}", out.stdout);
}

#[test]
fn the_span_names_the_files_of_both_ends_and_is_configurable() {
    let t = Test::new()
        .file(
            "kpiscope.toml",
            "[workspace]\nname = \"x\"\ntimezone = \"UTC\"\n\n[limits]\ndate_span_years = 10\n\n[[source]]\nplugin = \"canonical\"\npath = \"*.csv\"\n",
        )
        .file("a.csv", &format!("{HEAD}2005-03-01,instagram,acme,1\n"))
        .file("b.csv", &format!("{HEAD}2026-03-01,instagram,acme,2\n"));
    let out = t.args(&["eval", "--kpi", "reach"]).run();
    out.status(2);
    assert!(
        out.stderr.contains(
            "the data spans 21 years, from 2005-03-01 (a.csv) to 2026-03-01 (b.csv): more than the 10 years a run may span"
        ),
        "{}",
        out.stderr
    );
    // Within the default 50 years, the same data is read.
    let out = Test::new()
        .file("kpiscope.toml", &WS.replace("data.csv", "*.csv"))
        .file("a.csv", &format!("{HEAD}2005-03-01,instagram,acme,1\n"))
        .file("b.csv", &format!("{HEAD}2026-03-01,instagram,acme,2\n"))
        .args(&["eval", "--kpi", "reach", "--grain", "all"])
        .run();
    out.status(0);
    assert!(out.stdout.contains("3"), "{}", out.stdout);
}

#[test]
fn a_year_outside_1990_2100_is_a_warning_naming_the_file_and_line() {
    let data = "1989-12-31,instagram,acme,100\n2026-01-06,instagram,acme,50\n";
    let out = run(data, "", &["eval", "--kpi", "reach", "--grain", "all"]);
    out.status(0);
    assert!(
        out.stderr.contains(
            "warning: data.csv: 1 row is dated outside the years 1990–2100 (line 2: 1989-12-31): is the year a typo?"
        ),
        "{}",
        out.stderr
    );
    // The row is still read: a warning, not a loss.
    assert!(out.stdout.contains("150"), "{}", out.stdout);
    // Dates inside the years warn of nothing.
    let out = run(
        "2026-01-06,instagram,acme,50\n",
        "",
        &["eval", "--kpi", "reach"],
    );
    out.status(0);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}
