//! `kpiscope test`: unit tests of KPI scripts and goals (`tests/*.toml`,
//! docs/testing.md), the workspace plugins' fixtures, the demo's tests and
//! the standard library's own (`--stdlib`).

use std::process::Command;

use crate::harness::Test;

const WS: &str = r#"[workspace]
name = "Tested"
timezone = "UTC"

[params]
benchmark_cpc = 0.85

[metrics]
open_tickets = "last"

[[goal]]
id = "ig-err"
kpi = "err"
network = "instagram"
grain = "month"
period = "last"
target = ">= 4"
warn = ">= 3"

[[goal]]
id = "tickets"
kpi = "open_tickets"
grain = "month"
period = "last"
target = "<= 10"
"#;

const SCRIPT: &str = r#"/// Save rate
/// unit: %
fn save_rate() {
    saves / reach * 100
}

/// Cost of the sessions at the benchmark CPC
/// unit: currency
fn cost_per_session() {
    params.benchmark_cpc * sessions
}
"#;

/// Passing tests, one of each kind of expectation.
const PASSING: &str = r#"
[[test]]
name = "save rate of a month"
[[test.input]]
date = "2026-10-05"
network = "instagram"
post = "p1"
reach = 1500
saves = 20
[[test.input]]
date = "2026-10-19"
network = "instagram"
post = "p2"
reach = 500
saves = 10
[[test.expect]]
kpi = "save_rate"
period = "2026-10"
value = 1.5                 # 30 / 2000 * 100
[[test.expect]]
kpi = "save_rate"
period = "2026-10-05"
post = "p1"
value = 1.33                # 20 / 1500 * 100, to 2 decimals
[[test.expect]]
kpi = "save_rate"
period = "2026-10"
network = "facebook"
no_data = true
reason = "no records"

[[test]]
name = "a stock of my own: the last value of the month"
[[test.input]]
date = "2026-10-03"
open_tickets = 15
[[test.input]]
date = "2026-10-31"
open_tickets = 8
[[test.expect]]
kpi = "open_tickets"
period = "2026-10"
value = 8
[[test.goal]]
id = "tickets"
status = "pass"
value = 8

[[test]]
name = "dimensions filter with where"
[[test.input]]
date = "2026-10-02"
dim.campaign = "spring"
clicks = 30
impressions = 1000
[[test.input]]
date = "2026-10-09"
dim.campaign = "autumn"
clicks = 10
impressions = 1000
[[test.expect]]
kpi = "ctr"
period = "2026-10"
where = { campaign = "spring" }
value = 3                   # 30 / 1000 * 100
[[test.expect]]
kpi = "ctr"
period = "2026-10"
value = 2                   # (30 + 10) / 2000 * 100

[[test]]
name = "a test's params win over the workspace's"
params = { benchmark_cpc = 2 }
[[test.input]]
period = "2026-10"
sessions = 10
[[test.expect]]
kpi = "cost_per_session"
period = "2026-10"
value = 20
"#;

/// One passing test and one failing three ways (a value, a no-data case and
/// a goal's status).
const FAILING: &str = r#"
[[test]]
name = "err of a month"
[[test.input]]
period = "2026-10"
network = "instagram"
likes = 100
comments = 20
shares = 0
reach = 4000
[[test.expect]]
kpi = "err"
period = "2026-10"
value = 3.0                 # 120 / 4000 * 100
[[test.goal]]
id = "ig-err"
status = "warn"

[[test]]
name = "err with a wrong hand computation"
[[test.input]]
period = "2026-10"
network = "instagram"
likes = 100
comments = 20
shares = 10
reach = 4000
[[test.expect]]
kpi = "err"
period = "2026-10"
network = "instagram"
value = 3.0
[[test.expect]]
kpi = "err"
period = "2026-Q4"
no_data = true
[[test.goal]]
id = "ig-err"
status = "pass"
"#;

fn ws() -> Test {
    Test::new()
        .file("kpiscope.toml", WS)
        .file("scripts/mine.rhai", SCRIPT)
}

#[test]
fn passing_tests() {
    let out = ws().file("tests/mine.toml", PASSING).args(&["test"]).run();
    out.status(0);
    assert!(
        out.stdout
            .contains("tests/mine.toml:3  save rate of a month  ok"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.ends_with("\n4 tests, 4 passed, 0 failed\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_failing_expectation_says_where_what_and_what_came() {
    let out = ws().file("tests/err.toml", FAILING).args(&["test"]).run();
    out.status(1);
    insta::assert_snapshot!(out.stdout);
    assert!(out.stdout.contains("2 tests, 1 passed, 1 failed"));
    // -q: only the failures, no summary.
    let quiet = ws()
        .file("tests/err.toml", FAILING)
        .args(&["-q", "test"])
        .run();
    quiet.status(1);
    assert!(!quiet.stdout.contains("ok"), "{}", quiet.stdout);
    assert!(!quiet.stdout.contains("passed"), "{}", quiet.stdout);
    assert!(quiet.stdout.contains("FAILED"), "{}", quiet.stdout);
}

#[test]
fn filter_keeps_the_tests_whose_name_contains_the_text() {
    let out = ws()
        .file("tests/mine.toml", PASSING)
        .file("tests/err.toml", FAILING)
        .args(&["test", "--filter", "err of"])
        .run();
    out.status(0);
    assert!(out.stdout.contains("err of a month  ok"), "{}", out.stdout);
    assert!(
        out.stdout.contains("1 test, 1 passed, 0 failed"),
        "{}",
        out.stdout
    );

    let none = ws()
        .file("tests/mine.toml", PASSING)
        .args(&["test", "--filter", "nothing like this"])
        .run();
    none.status(2);
    assert!(
        none.stderr
            .contains("no test's name contains `nothing like this`"),
        "{}",
        none.stderr
    );
}

#[test]
fn an_unknown_key_is_shown_with_a_caret() {
    let out = ws()
        .file(
            "tests/bad.toml",
            r#"[[test]]
name = "typo"
[[test.input]]
date = "2026-10-01"
reach = 10
[[test.expect]]
kpi = "err"
period = "2026-10"
valeu = 3
"#,
        )
        .args(&["test"])
        .run();
    out.status(2);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn unknown_names_suggest_the_nearest_and_bad_periods_are_reported_all_at_once() {
    let out = ws()
        .file(
            "tests/bad.toml",
            r#"[[test]]
name = "typos"
[[test.input]]
period = "2026-10"
likez = 3
reach = 10
[[test.input]]
period = "October"
reach = 10
[[test.expect]]
kpi = "eer"
period = "2026-10"
value = 3
[[test.expect]]
kpi = "err"
period = "2026-13"
value = 3
[[test.goal]]
id = "ig-er"
status = "pass"
"#,
        )
        .args(&["test"])
        .run();
    out.status(2);
    insta::assert_snapshot!(out.stderr);
    // `validate` reads test files too.
    let validate = ws()
        .file("tests/bad.toml", "[[test]]\nname = \"x\"\n[[test.expect]]\nkpi = \"eer\"\nperiod = \"2026-10\"\nvalue = 1\n")
        .args(&["validate"])
        .run();
    validate.status(2);
    assert!(
        validate
            .stderr
            .contains("tests/bad.toml:4:7: unknown KPI `eer`"),
        "{}",
        validate.stderr
    );
}

#[test]
fn a_period_input_covers_the_whole_period() {
    // One input for October: `days` is 31, and `last` sees October complete.
    // posting_frequency = 2 posts / 31 days; with dated inputs only, the
    // month runs to the last of them (10-10): 2 / 10.
    let out = ws()
        .file(
            "tests/days.toml",
            r#"[[test]]
name = "whole month"
[[test.input]]
period = "2026-10"
post = "p1"
[[test.input]]
period = "2026-10"
post = "p2"
[[test.expect]]
kpi = "posting_frequency"
period = "2026-10"
value = 0.0645              # 2 / 31
tolerance = 0.0001

[[test]]
name = "month in progress"
[[test.input]]
date = "2026-10-01"
post = "p1"
[[test.input]]
date = "2026-10-10"
post = "p2"
[[test.expect]]
kpi = "posting_frequency"
period = "2026-10"
value = 0.2                 # 2 / 10
"#,
        )
        .args(&["test"])
        .run();
    out.status(0);
}

/// A goal checked on a day of its own (`as_of`), and an `each`-style pick of
/// one result by its period.
#[test]
fn as_of_moves_the_last_period_and_period_picks_a_result() {
    let out = ws()
        .file(
            "tests/asof.toml",
            r#"[[test]]
name = "as of november"
as_of = "2026-11-30"
[[test.input]]
period = "2026-10"
network = "instagram"
likes = 200
comments = 0
shares = 0
reach = 4000
[[test.input]]
period = "2026-11"
network = "instagram"
likes = 100
comments = 0
shares = 0
reach = 4000
[[test.goal]]
id = "ig-err"
period = "2026-11"
status = "fail"
value = 2.5                 # 100 / 4000 * 100
message = "below the target 4%"
"#,
        )
        .args(&["test"])
        .run();
    out.status(0);
    let wrong = ws()
        .file(
            "tests/asof.toml",
            r#"[[test]]
name = "wrong period"
[[test.input]]
period = "2026-10"
network = "instagram"
likes = 200
comments = 0
shares = 0
reach = 4000
[[test.goal]]
id = "ig-err"
period = "2026-09"
status = "pass"
"#,
        )
        .args(&["test"])
        .run();
    wrong.status(1);
    assert!(
        wrong
            .stdout
            .contains("+ no result for that period (the goal's results: 2026-10)"),
        "{}",
        wrong.stdout
    );
}

/// Workspace plugins' fixtures are tests too; `--filter` picks them by
/// `plugin/file`.
#[test]
fn workspace_plugin_fixtures_are_run() {
    let manifest = r#"name = "alpha"
title = "Alpha post export"
api = 1
kind = "table"
network = "alpha"

[input]
detect = ["Post ID", "Published", "Views"]

[table]
level = "post"
post = "Post ID"
date = { column = "Published", format = "%Y-%m-%d" }

[table.metrics]
views = "Views"
"#;
    let csv = "Post ID,Published,Views\na1,2026-03-02,1200\na2,2026-03-30,2500\n";
    let expected = "{\"date\":\"2026-03-02\",\"network\":\"alpha\",\"account\":\"alpha\",\"post\":\"a1\",\"metrics\":{\"views\":1200}}\n\
{\"date\":\"2026-03-30\",\"network\":\"alpha\",\"account\":\"alpha\",\"post\":\"a2\",\"metrics\":{\"views\":2500}}\n";
    let with = |expected: &str, args: &[&str]| {
        ws().file("tests/mine.toml", PASSING)
            .file("plugins/alpha/plugin.toml", manifest)
            .file("plugins/alpha/fixtures/posts.csv", csv)
            .file("plugins/alpha/fixtures/posts.expected.jsonl", expected)
            .args(args)
            .run()
    };
    let out = with(expected, &["test"]);
    out.status(0);
    assert!(
        out.stdout
            .contains("plugin fixture  alpha/posts.csv  ok (2 records)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("5 tests, 5 passed, 0 failed"),
        "{}",
        out.stdout
    );

    let out = with(
        &expected.replace("2500", "2400"),
        &["test", "--filter", "alpha/"],
    );
    out.status(1);
    assert!(
        out.stdout.contains("alpha/posts.csv  FAILED"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("    - {\"date\":\"2026-03-30\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("1 test, 0 passed, 1 failed"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_script_error_fails_the_test_with_its_place() {
    let out = ws()
        .file(
            "scripts/broken.rhai",
            "/// Broken\nfn broken() {\n    \"text\"\n}\n",
        )
        .file(
            "tests/broken.toml",
            r#"[[test]]
name = "broken"
[[test.input]]
period = "2026-10"
reach = 1
[[test.expect]]
kpi = "broken"
period = "2026-10"
value = 1
"#,
        )
        .args(&["test"])
        .run();
    out.status(1);
    assert!(
        out.stdout
            .contains("tests/broken.toml:7: broken in 2026-10"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("error: scripts/broken.rhai:2:"),
        "{}",
        out.stdout
    );
}

#[test]
fn no_tests_is_not_an_error() {
    let out = ws().args(&["test"]).run();
    out.status(0);
    assert!(out.stdout.contains("no tests"), "{}", out.stdout);
}

#[test]
fn init_writes_a_sample_test_that_passes() {
    let out = Test::new().args(&["init", "acme"]).run();
    out.status(0);
    assert!(out.file_exists("acme/tests/my_kpis.toml"));
    let dir = out.dir.join("acme");
    let test = Test::new()
        .args(&["--workspace", dir.to_str().expect("utf-8 path"), "test"])
        .run();
    test.status(0);
    assert!(
        test.stdout.contains("3 tests, 3 passed, 0 failed"),
        "{}",
        test.stdout
    );
}

#[test]
fn the_demo_tests_pass() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo");
    let out = Command::new(env!("CARGO_BIN_EXE_kpiscope"))
        .args(["--workspace", demo, "test"])
        .env("NO_COLOR", "1")
        .output()
        .expect("run kpiscope");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

/// The standard library's own tests (scripts/tests/*.toml), through the
/// same runner; they need no workspace.
#[test]
fn the_standard_library_tests_pass() {
    let out = Test::new().args(&["test", "--stdlib"]).run();
    out.status(0);
    assert!(
        out.stdout
            .contains("<standard>/tests/engagement.toml:15  engagement rates of a month  ok"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(" passed, 0 failed"), "{}", out.stdout);
    // A workspace's own KPI of a standard name does not change them.
    let out = ws()
        .file("scripts/err.rhai", "/// Not err\nfn err() {\n    1\n}\n")
        .args(&["test", "--stdlib", "--filter", "engagement rates"])
        .run();
    out.status(0);
}
