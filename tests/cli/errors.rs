//! Runs that cannot be done: exit 2, a message naming `file:line(:col)`, and
//! no half-written output file. And the one thing that is not an error: a
//! zero denominator is "no data".

use crate::goals::{DATA, HEAD, err_goal};
use crate::harness::{Output, Test};

/// Asserts the run could not be done, left no `out.json`, and names `place`.
#[track_caller]
fn assert_error(out: &Output, place: &str) {
    out.status(2);
    assert!(
        !out.file_exists("out.json"),
        "a failed run left out.json behind"
    );
    assert!(
        out.stderr.contains(place),
        "stderr does not name {place}:\n{}",
        out.stderr
    );
    assert_eq!(out.stdout, "", "nothing on stdout");
}

fn check(config: &str) -> Output {
    Test::new()
        .file("kpiscope.toml", config)
        .file("data.csv", DATA)
        .args(&["check", "-o", "out.json", "--format", "json"])
        .run()
}

#[test]
fn malformed_toml() {
    let config =
        "[workspace]\nname = \"x\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\n";
    let out = check(config);
    // The unclosed string of line 6.
    assert_error(&out, "kpiscope.toml:6:");
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn two_unknown_keys_are_both_reported() {
    let config = format!(
        "[workspace]\nname = \"x\"\ncolour = \"red\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\"\n\n[goals]\nkpi = \"err\"\n{}",
        err_goal("g", "colour = \"blue\"")
    );
    let out = check(&config);
    out.status(2);
    // `colour` in [workspace] (line 3), `[goals]` (line 9), `colour` in [[goal]] (line 17).
    assert_error(&out, "kpiscope.toml:3:1:");
    assert_error(&out, "kpiscope.toml:9:2:");
    assert_error(&out, "kpiscope.toml:17:1:");
    assert!(
        out.stderr.contains("did you mean `goal`?"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("3 problems found"), "{}", out.stderr);
    insta::assert_snapshot!(out.stderr);
}

/// serde stops at a table's first unknown key: every one of a table is
/// still reported in one run, each with its nearest key, and no second
/// error follows from the one misspelt (a `perod` is not also "no period").
#[test]
fn every_unknown_key_of_one_table_is_reported() {
    let config = format!(
        "{HEAD}\n[[goal]]\nid = \"g\"\nkpi = \"err\"\nperod = \"last\"\ntargt = \">= 4\"\n"
    );
    let out = check(&config);
    out.status(2);
    assert_error(&out, "kpiscope.toml:12:1: [[goal]]: unknown key `perod`");
    assert_error(&out, "kpiscope.toml:13:1: [[goal]]: unknown key `targt`");
    assert!(
        out.stderr.contains("did you mean `period`?"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `target`?"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("2 problems found"), "{}", out.stderr);
}

#[test]
fn source_glob_matching_nothing() {
    let config = format!(
        "{}{}",
        HEAD.replace("path = \"data.csv\"", "path = \"exports/*.csv\""),
        err_goal("g", "")
    );
    let out = check(&config);
    // Line 7 holds `path = "exports/*.csv"`; the value starts at column 8.
    assert_error(&out, "kpiscope.toml:7:8:");
    assert!(out.stderr.contains("source #1"), "{}", out.stderr);
    assert!(
        out.stderr.contains("`exports/*.csv` matches no file"),
        "{}",
        out.stderr
    );
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn source_without_path() {
    let config = format!(
        "{}\n[[source]]\nplugin = \"canonical\"\n{}",
        HEAD,
        err_goal("g", "")
    );
    let out = check(&config);
    // The second [[source]] names its plugin on line 10.
    assert_error(&out, "kpiscope.toml:10:10:");
    assert!(out.stderr.contains("needs `path`"), "{}", out.stderr);
    insta::assert_snapshot!(out.stderr);
}

fn with_data(data: &str) -> Output {
    Test::new()
        .file("kpiscope.toml", &format!("{HEAD}{}", err_goal("g", "")))
        .file("data.csv", data)
        .args(&["check", "-o", "out.json"])
        .run()
}

#[test]
fn ragged_row() {
    // Line 1 header (6 fields), line 2 fine, line 3 has 5 fields.
    let data = "date,network,account,post,reach,likes\n2026-09-01,instagram,acme,p1,100,5\n2026-09-02,instagram,acme,p2,100\n2026-09-03,instagram,acme,p3,100,5\n";
    let out = with_data(data);
    assert_error(&out, "data.csv:3:");
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn ragged_row_in_a_quoted_file() {
    // Quotes take the csv reader's path; line 4 has 7 fields.
    let data = "date,network,account,post,reach,likes\n2026-09-01,instagram,acme,p1,100,5\n2026-09-02,instagram,acme,\"p2\",100,5\n2026-09-03,instagram,acme,p3,100,5,7\n";
    let out = with_data(data);
    assert_error(&out, "data.csv:4:");
}

#[test]
fn non_numeric_metric_cell() {
    let data = "date,network,account,post,reach,likes\n2026-09-01,instagram,acme,p1,100,5\n2026-09-02,instagram,acme,p2,100,5\n2026-09-03,instagram,acme,p3,lots,5\n";
    let out = with_data(data);
    assert_error(&out, "data.csv:4:");
    assert!(
        out.stderr.contains("`lots`") && out.stderr.contains("column `reach`"),
        "{}",
        out.stderr
    );
    insta::assert_snapshot!(out.stderr);
}

fn with_script(kpi: &str, script: &str) -> Output {
    Test::new()
        .file(
            "kpiscope.toml",
            &format!("{HEAD}\n[[goal]]\nid = \"g\"\nkpi = \"{kpi}\"\ntarget = \">= 4\"\n"),
        )
        .file("data.csv", DATA)
        .file("scripts/x.rhai", script)
        .args(&["check", "-o", "out.json"])
        .run()
}

#[test]
fn script_syntax_error() {
    let script = "/// X\n/// unit: %\nfn x() {\n    let a = reach * 2;\n    a +* 3\n}\n";
    let out = with_script("x", script);
    // `*` at line 5, column 8.
    assert_error(&out, "scripts/x.rhai:5:8:");
    assert!(
        out.stderr.contains("a +* 3") && out.stderr.contains('^'),
        "source line and caret:\n{}",
        out.stderr
    );
    insta::assert_snapshot!(out.stderr);
}

/// Script mistakes said where they are and how to mend them, not as the
/// script engine's words at the place it gave up.
#[test]
fn script_mistakes_are_said_where_they_are() {
    let cases = [
        // A `{` never closed: Rhai stops past the last line.
        (
            "/// X\nfn x() {\n    likes / reach * 100\n",
            "scripts/x.rhai:2:8: this `{` is not closed: the file ends inside it",
            "add the `}` that closes it",
        ),
        // A missing `;`: Rhai stops at the next statement.
        (
            "/// X\nfn x() {\n    let a = likes\n    a / reach\n}\n",
            "scripts/x.rhai:4:5: Expecting ';' to terminate this statement",
            "is one missing at the end of line 3 (`let a = likes`)?",
        ),
        // A helper called with too few arguments exists all the same.
        (
            "/// X\nfn x() { per_k(likes) }\nfn per_k(a, b) { a / b * 1000 }\n",
            "scripts/x.rhai:2:10: `per_k` takes 2 arguments (a, b), and is called with 1",
            "",
        ),
        // Goals, `--kpi` and JSON name a KPI as written: one way only.
        (
            "/// X\nfn x() { likes }\n/// A\nfn A_Rate() { likes / reach }\n",
            "scripts/x.rhai:4:4: KPI `A_Rate`: KPI names are snake_case",
            "name it `a_rate`",
        ),
        // Data grown without end: the limit is named.
        (
            "/// X\nfn x() { let s = \"ab\"; loop { s += s; } }\n",
            "KPI `x`: a string grew past 64 KB, the limit of a script's data",
            "",
        ),
    ];
    for (script, message, hint) in cases {
        let out = with_script("x", script);
        out.status(2);
        assert!(out.stderr.contains(message), "{}", out.stderr);
        assert!(out.stderr.contains(hint), "{}", out.stderr);
    }
}

#[test]
fn unknown_name_in_a_script_suggests_a_metric() {
    let script = "/// X\n/// unit: %\nfn x() {\n    likes / reacch * 100\n}\n";
    let out = with_script("x", script);
    assert_error(&out, "scripts/x.rhai:4:13:");
    assert!(
        out.stderr.contains("did you mean `reach`?"),
        "{}",
        out.stderr
    );
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn endless_loop_is_stopped() {
    let script = "/// X\n/// unit: %\nfn x() {\n    loop {}\n    1\n}\n";
    let out = with_script("x", script);
    assert_error(&out, "scripts/x.rhai:");
    assert!(out.stderr.contains("endless loop"), "{}", out.stderr);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn kpi_returning_a_string() {
    let script = "/// X\nfn x() {\n    \"high\"\n}\n";
    let out = with_script("x", script);
    assert_error(&out, "scripts/x.rhai:2:");
    assert!(out.stderr.contains("returned a string"), "{}", out.stderr);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn cycle_between_two_kpis() {
    let script = "/// A\nfn a() {\n    b() * 2\n}\n\n/// B\nfn b() {\n    a() + reach\n}\n";
    let out = with_script("a", script);
    assert_error(&out, "scripts/x.rhai:2:4:");
    assert!(out.stderr.contains("a → b → a"), "{}", out.stderr);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn goal_on_an_unknown_kpi_suggests_the_nearest() {
    let config = format!("{HEAD}\n[[goal]]\nid = \"g\"\nkpi = \"engagments\"\ntarget = \">= 4\"\n");
    let out = check(&config);
    // `kpi = "engagments"` on line 11, value at column 7.
    assert_error(&out, "kpiscope.toml:11:7:");
    assert!(
        out.stderr.contains("did you mean `engagements`?"),
        "{}",
        out.stderr
    );
    insta::assert_snapshot!(out.stderr);
}

/// reach is 0 in 2026-09 (the denominator of err), engagements are not.
const ZERO_REACH: &str = "date,network,account,post,reach,likes,comments,shares\n2026-09-01,instagram,acme,p1,0,5,1,1\n2026-09-30,instagram,acme,p2,0,3,1,1\n";

fn zero(no_data: Option<&str>) -> Output {
    let extra = no_data
        .map(|n| format!("no_data = \"{n}\""))
        .unwrap_or_default();
    Test::new()
        .file("kpiscope.toml", &format!("{HEAD}{}", err_goal("g", &extra)))
        .file("data.csv", ZERO_REACH)
        .args(&["check", "--format", "json", "-o", "out.json"])
        .run()
}

#[test]
fn zero_denominator_is_no_data_and_fails_by_default() {
    let out = zero(None);
    // no_data defaults to fail → exit 1; the output is still written.
    out.status(1);
    let j: serde_json::Value = serde_json::from_str(&out.read("out.json")).unwrap();
    let g = &j["goals"][0];
    assert_eq!(g["status"], "no_data");
    assert_eq!(g["value"], serde_json::Value::Null);
    assert_eq!(g["period"]["label"], "2026-09");
    let msg = g["message"].as_str().unwrap();
    assert!(msg.contains("reach is 0"), "{msg}");
    assert!(!msg.contains("inf") && !msg.contains("NaN"), "{msg}");
    assert_eq!(j["summary"]["no_data"], 1);
    assert_eq!(j["summary"]["fail"], 0);
}

#[test]
fn zero_denominator_with_no_data_pass_exits_0() {
    let out = zero(Some("pass"));
    out.status(0);
    let j: serde_json::Value = serde_json::from_str(&out.read("out.json")).unwrap();
    assert_eq!(j["goals"][0]["status"], "no_data");
    assert_eq!(j["goals"][0]["value"], serde_json::Value::Null);
}

#[test]
fn zero_denominator_with_no_data_warn() {
    // Counts as a warning: exit 0, but 1 with --fail-on warn.
    zero(Some("warn")).status(0);
    let out = Test::new()
        .file(
            "kpiscope.toml",
            &format!("{HEAD}{}", err_goal("g", "no_data = \"warn\"")),
        )
        .file("data.csv", ZERO_REACH)
        .args(&["check", "--fail-on", "warn"])
        .run();
    out.status(1);
}

#[test]
fn zero_denominator_reason_names_the_denominator() {
    // shares is 0 (a term of the numerator, harmless), reach is 0 (the denominator).
    let data = "date,network,account,post,reach,likes,comments,shares\n2026-09-01,instagram,acme,p1,0,5,1,0\n";
    let out = Test::new()
        .file("kpiscope.toml", HEAD)
        .file("data.csv", data)
        .args(&["eval", "--kpi", "err", "--format", "json"])
        .run();
    out.status(0);
    let r = &out.rows()[0];
    assert_eq!(r["value"], serde_json::Value::Null);
    let reason = r["reason"].as_str().unwrap();
    assert!(reason.contains("reach is 0"), "reason: {reason}");
}

#[test]
fn from_after_to_is_bad_usage() {
    let out = Test::new()
        .file("kpiscope.toml", HEAD)
        .file("data.csv", DATA)
        .args(&[
            "eval",
            "--kpi",
            "err",
            "--from",
            "2026-10-01",
            "--to",
            "2026-09-01",
            "-o",
            "out.json",
        ])
        .run();
    assert_error(
        &out,
        "--from 2026-10-01 is after --to 2026-09-01: the range holds no day",
    );
}

#[test]
fn bad_date_in_data() {
    // Line 3: 2026-02-30 does not exist.
    let data = "date,network,account,post,reach,likes\n2026-02-01,instagram,acme,p1,100,5\n2026-02-30,instagram,acme,p2,100,5\n";
    let out = with_data(data);
    assert_error(&out, "data.csv:3:");
    assert!(out.stderr.contains("2026-02-30"), "{}", out.stderr);
}

/// Config values that parse but make no sense: a year no export has, a
/// standard metric given another kind, a warn band on the passing side of
/// its target. Each is an error at its value, reported with the others.
#[test]
fn config_values_that_make_no_sense_are_reported_together() {
    let config = "[workspace]
name = \"x\"
colour = \"red\"

[metrics]
followers = \"sum\"

[[source]]
plugin = \"canonical\"
path = \"data.csv\"
year = -5

[[goal]]
id = \"g\"
kpi = \"err\"
target = \">= 4\"
warn = \"<= 3\"
";
    let out = check(config);
    assert_error(&out, "kpiscope.toml:3:1: [workspace]: unknown key `colour`");
    assert_error(
        &out,
        "kpiscope.toml:6:13: `followers` is a standard metric, combined by `last` (a stock: the last value of the period): it cannot be made a `sum`",
    );
    assert_error(&out, "6 | followers = \"sum\"\n  |             ^^^^^");
    assert_error(
        &out,
        "kpiscope.toml:11:8: `year = -5`: the year of year-less dates is between 1900 and 2200",
    );
    assert_error(&out, "11 | year = -5\n   |        ^^");
    assert_error(
        &out,
        "kpiscope.toml:17:8: `warn = \"<= 3\"` with `target = \">= 4\"`: the warn band must lie on the failing side of the target, next to it",
    );
    assert_error(&out, "17 | warn = \"<= 3\"\n   |        ^^^^^^");
    assert!(out.stderr.contains("4 problems found"), "{}", out.stderr);
}

#[test]
fn years_of_a_source_outside_1900_to_2200_are_refused() {
    for (year, ok) in [
        ("1899", false),
        ("1900", true),
        ("2026", true),
        ("2200", true),
        ("2201", false),
        ("0", false),
        ("2147483647", false),
        ("99999999999", false),
    ] {
        let config = format!("{HEAD}year = {year}\n{}", err_goal("g", ""));
        let out = check(&config);
        if ok {
            assert!(!out.stderr.contains("year-less"), "{year}: {}", out.stderr);
        } else {
            assert_error(
                &out,
                &format!(
                    "kpiscope.toml:8:8: `year = {year}`: the year of year-less dates is between 1900 and 2200"
                ),
            );
        }
    }
}

#[test]
fn a_standard_metric_keeps_its_kind() {
    for (line, refused) in [
        (
            "followers = \"sum\"",
            Some("`followers` is a standard metric, combined by `last`"),
        ),
        (
            "reach = \"last\"",
            Some(
                "`reach` is a standard metric, combined by `sum` (added up over the period): it cannot be made a `last`",
            ),
        ),
        ("followers = \"last\"", None),
        ("reach = \"sum\"", None),
        ("open_tickets = \"last\"", None),
    ] {
        let config = format!("{HEAD}\n[metrics]\n{line}\n{}", err_goal("g", ""));
        let out = check(&config);
        match refused {
            Some(say) => {
                assert_error(&out, "kpiscope.toml:10:");
                assert_error(&out, say);
                assert_error(&out, "give your metric a name of its own");
            }
            None => assert!(
                !out.stderr.contains("standard metric"),
                "{line}: {}",
                out.stderr
            ),
        }
    }
}

#[test]
fn a_warn_band_must_lie_on_the_failing_side_of_its_target() {
    for (target, warn, say) in [
        ("target = \">= 4\"", "<= 3", "must lie on the failing side"),
        ("target = \"<= 4\"", ">= 5", "must lie on the failing side"),
        (
            "target = \">= 4\"",
            "between 1 and 2",
            "must lie on the failing side",
        ),
        ("target = \">= 4\"", ">= 5", "never warns"),
        (
            "change = \">= 2%\"",
            "<= 0%",
            "must lie on the failing side",
        ),
    ] {
        let config =
            format!("{HEAD}\n[[goal]]\nid = \"g\"\nkpi = \"err\"\n{target}\nwarn = \"{warn}\"\n");
        let out = check(&config);
        assert_error(
            &out,
            &format!(
                "kpiscope.toml:13:8: `warn = \"{warn}\"` with `{}",
                target.split(" = ").next().unwrap_or_default()
            ),
        );
        assert_error(&out, say);
    }
    // The warn band beside the target is fine.
    let config = format!("{HEAD}{}", err_goal("g", ""));
    let out = check(&config);
    assert!(!out.stderr.contains("warn band"), "{}", out.stderr);
}

/// A script reading `params.w_likes` where `[params]` has `w_like`: no
/// data at run time, so `validate` names it, at its place, with the nearest.
#[test]
fn a_params_typo_is_caught_by_validate() {
    let script = "/// Weighted\nfn weighted() {\n    likes * params.w_likes + comments * params[\"w_comment\"]\n}\n";
    let config = format!("{HEAD}\n[params]\nw_like = 1\n");
    let out = Test::new()
        .file("kpiscope.toml", &config)
        .file("data.csv", DATA)
        .file("scripts/w.rhai", script)
        .args(&["validate"])
        .run();
    out.status(2);
    assert!(
        out.stderr.contains("scripts/w.rhai:3:20: `params.w_likes` in `weighted` is not set in [params] of kpiscope.toml"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `params.w_like`?"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("`params.w_comment` in `weighted` is not set"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("add `w_comment = ...` to [params]"),
        "{}",
        out.stderr
    );
    // Set in [params], or by a test file: valid.
    let config = format!("{HEAD}\n[params]\nw_likes = 1\n");
    let out = Test::new()
        .file("kpiscope.toml", &config)
        .file("data.csv", DATA)
        .file("scripts/w.rhai", script)
        .file(
            "tests/w.toml",
            "[[test]]\nname = \"w\"\nparams = { w_comment = 2 }\n[[test.input]]\ndate = \"2026-03-01\"\nnetwork = \"x\"\nlikes = 1\ncomments = 1\n[[test.expect]]\nkpi = \"weighted\"\nperiod = \"2026-03\"\nvalue = 3\n",
        )
        .args(&["validate"])
        .run();
    assert_eq!(out.status, 0, "{}", out.stderr);
}

/// Doc-comment metadata with a value its key does not allow is an error at
/// the value, with the nearest allowed one, and so is a known key misspelt;
/// free keys are kept as they are.
#[test]
fn a_kpi_doc_comment_value_must_be_one_its_key_allows() {
    let script = "/// Like rate\n/// unit: percent\n/// stage: awarenes\n/// owner: growth team\nfn like_rate() {\n    likes / reach * 100\n}\n/// Talk rate\n/// Units: %\nfn talk() {\n    comments / reach * 100\n}\n";
    let out = Test::new()
        .file("kpiscope.toml", HEAD)
        .file("data.csv", DATA)
        .file("scripts/l.rhai", script)
        .args(&["validate"])
        .run();
    out.status(2);
    assert!(
        out.stderr.contains("scripts/l.rhai:2:11: `unit: percent` is not a unit: the values are `%`, `count`, `currency`, `seconds`, `ratio`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("scripts/l.rhai:3:12: `stage: awarenes` is not a stage"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `awareness`?"),
        "{}",
        out.stderr
    );
    // A known key misspelt with one of its values: the KPI would lose it.
    assert!(
        out.stderr.contains("scripts/l.rhai:9:5: `Units: %` is no metadata key, and the KPI would have no unit: the keys are `unit`, `stage`, `better`, `kind`, in lowercase"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("owner"), "{}", out.stderr);
}
