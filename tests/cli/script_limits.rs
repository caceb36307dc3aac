//! Hostile scripts (issue 10): whatever a KPI script or a plugin's
//! `map.rhai` does, the run ends within its limits with a message that names
//! the place and the limit, and exit 2; `[limits]` raises or lowers them.

use std::time::{Duration, Instant};

use crate::harness::{Output, Test};

const WS: &str = "[workspace]\nname = \"x\"\ntimezone = \"UTC\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\"\n";

const DATA: &str = "date,network,account,reach\n2026-01-05,instagram,acme,100\n";

/// `eval --kpi kpi` in a workspace with `scripts/x.rhai` and `limits` (the
/// lines of a `[limits]` table, or nothing).
fn eval(script: &str, kpi: &str, limits: &str) -> Output {
    Test::new()
        .file("kpiscope.toml", &format!("{WS}\n[limits]\n{limits}\n"))
        .file("data.csv", DATA)
        .file("scripts/x.rhai", script)
        .args(&["eval", "--kpi", kpi])
        .run()
}

#[track_caller]
fn assert_error(out: &Output, parts: &[&str]) {
    out.status(2);
    for p in parts {
        assert!(
            out.stderr.contains(p),
            "stderr lacks {p:?}:\n{}",
            out.stderr
        );
    }
    assert_eq!(out.stdout, "", "nothing on stdout");
}

#[test]
fn sleep_in_a_kpi_is_refused_at_once() {
    let started = Instant::now();
    let out = eval("fn x() {\n    sleep(30);\n    reach\n}\n", "x", "");
    assert_error(
        &out,
        &[
            "scripts/x.rhai:2:",
            "`sleep()` is not available in kpiscope scripts",
        ],
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn an_endless_loop_stops_at_the_configured_wall_clock() {
    // Operations high enough that the clock, not the count, stops it.
    let out = eval(
        "fn x() {\n    let i = 0;\n    loop { i += 1; }\n}\n",
        "x",
        "script_operations = 100000000000\nscript_seconds = 0.3",
    );
    assert_error(
        &out,
        &[
            "scripts/x.rhai:",
            "KPI `x` ran longer than 0.3 s, the limit of one call (`[limits] script_seconds` in kpiscope.toml)",
        ],
    );
}

#[test]
fn a_script_too_large_is_refused_before_parsing() {
    // 20,000 one-line functions (560 KB): rhai's parser is quadratic in
    // the number of functions, and took 6 s over them.
    let script: String = (0..20_000)
        .map(|i| format!("fn f{i}() {{ reach + {i} }}\n"))
        .collect();
    let started = Instant::now();
    let out = eval(&script, "f1", "");
    assert_error(
        &out,
        &[
            "error: scripts/x.rhai: the script is 564.2 KB: a script may be at most 128 KB (`[limits] script_kb` in kpiscope.toml raises it)",
        ],
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    // And a workspace may lower (or raise) the limit.
    let out = eval(
        &format!("fn x() {{ {} reach }}\n", "1 + ".repeat(500)),
        "x",
        "script_kb = 1",
    );
    assert_error(
        &out,
        &["error: scripts/x.rhai: the script is 2 KB: a script may be at most 1 KB"],
    );
}

#[test]
fn memory_is_bounded_per_call_map_keys_too() {
    // Rhai does not count a map's keys: 9,000 keys of 60 KB reached 600 MB.
    let script = r#"fn x() {
    let s = "x";
    s.pad(60000, "y");
    let m = #{};
    for i in 0..9000 { m[s + i] = 1; }
    m.len()
}
"#;
    let out = eval(script, "x", "script_mb = 32");
    assert_error(
        &out,
        &[
            "KPI `x` held more than 32 MB of data, the limit of one call (`[limits] script_mb` in kpiscope.toml)",
        ],
    );
}

#[test]
fn print_is_capped_and_the_rest_counted() {
    let out = eval(
        "fn x() {\n    for i in 0..250 { print(`line ${i}`); }\n    reach\n}\n",
        "x",
        "",
    );
    out.status(0);
    let printed = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("script: "))
        .count();
    assert_eq!(printed, 100, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "warning: scripts printed 150 more lines with print() or debug(), not shown: a run shows the first 100"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("100"), "{}", out.stdout);
}

#[test]
fn a_long_printed_line_is_cut() {
    let out = eval(
        "fn x() {\n    let s = \"\";\n    s.pad(2000, \"a\");\n    debug(s);\n    reach\n}\n",
        "x",
        "",
    );
    out.status(0);
    assert!(
        out.stderr.contains("… (1502 more characters)"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_import_is_an_error_not_ignored() {
    let out = eval(
        "import \"helpers\" as h;\n\nfn x() {\n    reach\n}\n",
        "x",
        "",
    );
    assert_error(
        &out,
        &["scripts/x.rhai:1:1: `import` is not available: kpiscope scripts have no modules"],
    );
}

#[test]
fn deep_recursion_is_blamed_on_the_recursive_helper() {
    let script = "fn x() {\n    depth(1000) + reach\n}\n\nfn depth(n) {\n    if n == 0 { 0 } else { depth(n - 1) + 1 }\n}\n";
    let out = eval(script, "x", "");
    assert_error(
        &out,
        &[
            "scripts/x.rhai:5:4: function `depth` calls itself too deeply: more than 64 nested calls",
            "while evaluating KPI `x`",
        ],
    );
}

/// KPIs `k0` … `k{n-1}`, each calling the next; the last reads reach.
fn chain(n: usize) -> String {
    (0..n)
        .map(|i| {
            let next = if i + 1 < n {
                format!("k{}()", i + 1)
            } else {
                "reach".into()
            };
            format!("fn k{i}() {{ {next} }}\n")
        })
        .collect()
}

#[test]
fn a_chain_of_60_kpis_works() {
    let out = eval(&chain(60), "k0", "");
    out.status(0);
    assert!(out.stdout.contains("k0   2026-01  100"), "{}", out.stdout);
}

#[test]
fn a_chain_too_long_says_the_limit_and_the_chain() {
    let out = eval(&chain(80), "k0", "");
    assert_error(
        &out,
        &[
            "scripts/x.rhai:1:4: calls nest more than 64 deep: `k0` → `k1` → `k2` → `k3` → `k4` → … 70 more … → `k75` → `k76` → `k77` → `k78` → `k79`",
        ],
    );
    assert!(!out.stderr.contains("calls itself"), "{}", out.stderr);
}

#[test]
fn bad_limits_are_reported_at_their_place() {
    let out = eval("fn x() { reach }\n", "x", "script_secs = 5");
    assert_error(
        &out,
        &[
            "kpiscope.toml:10:1: [limits]: unknown key `script_secs`",
            "did you mean `script_seconds`?",
        ],
    );
    let out = eval(
        "fn x() { reach }\n",
        "x",
        "script_seconds = -1\nscript_kb = 0",
    );
    assert_error(
        &out,
        &[
            "kpiscope.toml:10:18: `[limits] script_seconds` is a number of seconds above 0, at most 86400",
            "kpiscope.toml:11:13: `[limits] script_kb` is a whole number of kilobytes, at least 1",
        ],
    );
}

// map.rhai: the same sandbox, limited per row and per file.

const PLUGIN: &str = r#"name = "beta"
title = "Beta"
api = 1
kind = "rhai"
network = "web"

[input]
detect = ["day", "sessions"]
"#;

const BETA_CSV: &str = "day,sessions\n20260301,10\n20260302,20\n";

fn map(script: &str, limits: &str) -> Output {
    Test::new()
        .file(
            "kpiscope.toml",
            &format!(
                "[workspace]\nname = \"x\"\ntimezone = \"UTC\"\n\n[limits]\n{limits}\n\n[[source]]\npath = \"beta.csv\"\n"
            ),
        )
        .file("plugins/beta/plugin.toml", PLUGIN)
        .file("plugins/beta/map.rhai", script)
        .file("beta.csv", BETA_CSV)
        .args(&["eval", "--kpi", "sessions"])
        .run()
}

const ROW: &str =
    "#{ date: date(row.day, \"%Y%m%d\"), account: \"acme\", metrics: #{ sessions: row.sessions } }";

#[test]
fn map_rhai_works_within_its_limits() {
    let out = map(&format!("fn map_row(row) {{\n    {ROW}\n}}\n"), "");
    out.status(0);
    assert!(out.stdout.contains("30"), "{}", out.stdout);
}

#[test]
fn sleep_in_map_rhai_is_refused() {
    let started = Instant::now();
    let out = map(
        &format!("fn map_row(row) {{\n    sleep(30);\n    {ROW}\n}}\n"),
        "",
    );
    assert_error(
        &out,
        &[
            "beta.csv:2",
            "plugins/beta/map.rhai:2:",
            "`sleep()` is not available in kpiscope scripts",
        ],
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn map_rhai_has_a_wall_clock_per_row() {
    let out = map(
        &format!("fn map_row(row) {{\n    let i = 0;\n    loop {{ i += 1; }}\n    {ROW}\n}}\n"),
        "script_operations = 100000000000\nscript_seconds = 0.3",
    );
    assert_error(
        &out,
        &[
            "beta.csv:2",
            "map_row in plugins/beta/map.rhai",
            "stopped: it ran longer than 0.3 s, the limit of one call (`[limits] script_seconds` in kpiscope.toml)",
        ],
    );
}

#[test]
fn map_rhai_has_a_wall_clock_per_file() {
    // Each row under the call's limit, the file past the run's.
    let out = map(
        &format!(
            "fn map_row(row) {{\n    let i = 0;\n    while i < 100000000 {{ i += 1; }}\n    {ROW}\n}}\n"
        ),
        "script_operations = 100000000000\nscript_seconds = 60\nscript_run_seconds = 0.3",
    );
    assert_error(
        &out,
        &[
            "beta.csv:2",
            "stopped: it ran past 0.3 s of scripts, the limit of one run (`[limits] script_run_seconds` in kpiscope.toml)",
        ],
    );
}

#[test]
fn map_rhai_too_large_or_importing_is_refused() {
    let big = format!(
        "fn map_row(row) {{\n    {ROW}\n}}\n{}",
        "// padding\n".repeat(200)
    );
    let out = map(&big, "script_kb = 1");
    assert_error(
        &out,
        &["error: plugins/beta/map.rhai: the script is 2.3 KB: a script may be at most 1 KB"],
    );
    let out = map(
        &format!("import \"x\" as x;\nfn map_row(row) {{\n    {ROW}\n}}\n"),
        "",
    );
    assert_error(
        &out,
        &["plugins/beta/map.rhai:1:1: `import` is not available"],
    );
}
