//! The conventions users bring from cargo, ruff and dbt: completions and a
//! man page, "did you mean" on the command line and in config files, every
//! unknown name at once, one help line after a usage error, colour by
//! NO_COLOR / CLICOLOR_FORCE / TERM, and listing the standard library
//! outside a workspace.

use crate::goals::{DATA, HEAD, err_goal, ws};
use crate::harness::Test;

#[test]
fn completions_name_the_subcommands_in_each_shell() {
    let out = Test::new().args(&["completions", "bash"]).run();
    out.status(0);
    for sub in ["check", "eval", "report", "explain", "completions", "man"] {
        assert!(out.stdout.contains(sub), "bash script without `{sub}`");
    }
    // What each shell's script is recognised by.
    for (shell, mark) in [
        ("bash", "complete -F _kpiscope"),
        ("zsh", "#compdef kpiscope"),
        (
            "fish",
            "-a \"check\" -d 'Evaluate goals; exit 0 when all pass, 1 when one fails'",
        ),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = Test::new().args(&["completions", shell]).run();
        out.status(0);
        assert!(out.stdout.contains(mark), "{shell}: {}", out.stdout);
        if shell == "zsh" {
            assert!(out.stdout.starts_with(mark), "{}", out.stdout);
        }
    }
}

#[test]
fn man_is_a_roff_page_named_kpiscope() {
    let out = Test::new().args(&["man"]).run();
    out.status(0);
    assert!(
        out.stdout.starts_with(".ie \\n(.g .ds Aq \\(aq\n"),
        "{}",
        out.stdout
    );
    let th = out
        .stdout
        .lines()
        .find(|l| l.starts_with(".TH "))
        .expect(".TH");
    assert!(th.starts_with(".TH kpiscope 1"), "{th}");
    assert!(out.stdout.contains("kpiscope\\-check"), "{}", out.stdout);
}

#[test]
fn a_usage_error_says_where_help_is_once() {
    let out = Test::new().args(&["eval", "--zzz"]).run();
    out.status(2);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: unexpected argument '--zzz' found\n\n\
         Usage: kpiscope eval [OPTIONS]\n\n\
         For more information, try '--help'.\n"
    );
}

#[test]
fn a_mistyped_value_on_the_command_line_is_suggested() {
    for (args, tip) in [
        (&["eval", "--grain", "monthly"][..], "month"),
        (&["check", "--format", "jsn"], "json"),
        (&["list", "kpi"], "kpis"),
        (&["completions", "bsh"], "bash"),
    ] {
        let out = Test::new().args(args).run();
        out.status(2);
        assert!(
            out.stderr
                .contains(&format!("tip: a similar value exists: '{tip}'")),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn a_mistyped_grain_in_the_config_is_suggested_at_its_place() {
    let out = ws(&err_goal("g", "grain = \"monthly\""))
        .args(&["check"])
        .run();
    // HEAD is 7 lines; the goal starts with a blank line and `[[goal]]`.
    out.fails_with(
        "kpiscope.toml:14:9: unknown grain `monthly`: use one of day, week, month, quarter, year, all; did you mean \"month\"?",
    );
}

#[test]
fn a_mistyped_plugin_kind_is_suggested_at_its_place() {
    let out = Test::new()
        .file("kpiscope.toml", HEAD)
        .file("data.csv", DATA)
        .file(
            "plugins/mine/plugin.toml",
            "name = \"mine\"\ntitle = \"Mine\"\nversion = \"1.0.0\"\napi = 1\nkind = \"tabel\"\n",
        )
        .args(&["validate"])
        .run();
    out.fails_with(
        "plugins/mine/plugin.toml:5:8: unknown plugin kind `tabel`: use table, rhai, command or postgres; did you mean \"table\"?",
    );
}

#[test]
fn every_unknown_kpi_is_named_at_once() {
    let out = ws("")
        .args(&["eval", "--kpi", "nope1", "--kpi", "err", "--kpi", "reech"])
        .run();
    out.status(2);
    assert_eq!(
        out.stderr,
        "error: unknown KPI or metric `nope1`; `kpiscope list kpis` and `kpiscope list metrics` show the names (a metric a rhai or command plugin gives must be declared in its plugin.toml's [metrics])\n\
         error: unknown KPI or metric `reech`; did you mean `reach`?\n\
         2 problems found\n"
    );
}

#[test]
fn every_unknown_goal_id_is_named_at_once() {
    let out = ws(&err_goal("ig-err", ""))
        .args(&["check", "ig-er", "nope"])
        .run();
    out.status(2);
    assert_eq!(
        out.stderr,
        "error: no goal has the id `ig-er`; did you mean `ig-err`?\n\
         error: no goal has the id `nope`; `kpiscope list goals` shows them\n\
         2 problems found\n"
    );
}

#[test]
fn colour_follows_no_color_clicolor_force_and_term() {
    let run = |envs: &[(&str, &str)], args: &[&str]| {
        let mut t = ws(&err_goal("ig-err", ""));
        for (k, v) in envs {
            t = t.env(k, v);
        }
        t.args(args).run()
    };
    let coloured = |s: &str| s.contains("\x1b[");
    // Piped, and NO_COLOR=1 from the harness: plain.
    let out = run(&[], &["check"]);
    assert!(!coloured(&out.stdout), "{}", out.stdout);
    let out = run(&[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")], &["check"]);
    assert!(coloured(&out.stdout), "{}", out.stdout);
    // NO_COLOR set (not empty) wins over CLICOLOR_FORCE.
    let out = run(&[("CLICOLOR_FORCE", "1")], &["check"]);
    assert!(!coloured(&out.stdout), "{}", out.stdout);
    let out = run(&[("NO_COLOR", ""), ("CLICOLOR_FORCE", "0")], &["check"]);
    assert!(!coloured(&out.stdout), "{}", out.stdout);
    // --color wins over the environment.
    let out = run(&[], &["--color", "always", "check"]);
    assert!(coloured(&out.stdout), "{}", out.stdout);
    let out = run(
        &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")],
        &["--color", "never", "check"],
    );
    assert!(!coloured(&out.stdout), "{}", out.stdout);

    // kpiscope's own `error:` is bold red, as clap's is, when stderr gets colour.
    let out = run(
        &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")],
        &["eval", "--kpi", "reech"],
    );
    out.status(2);
    assert_eq!(
        out.stderr,
        "\x1b[1m\x1b[31merror:\x1b[0m unknown KPI or metric `reech`; did you mean `reach`?\n"
    );
    let out = run(&[], &["eval", "--kpi", "reech"]);
    assert_eq!(
        out.stderr,
        "error: unknown KPI or metric `reech`; did you mean `reach`?\n"
    );
    // clap's own usage errors follow --color too, read before clap parses.
    let out = run(&[], &["--color", "always", "eval", "--zzz"]);
    assert!(
        out.stderr
            .starts_with("\x1b[1m\x1b[31merror:\x1b[0m unexpected argument"),
        "{:?}",
        out.stderr
    );
    let out = run(
        &[("TERM", "dumb")],
        &["--color", "always", "eval", "--kpi", "reech"],
    );
    assert!(
        out.stderr.starts_with("\x1b[1m\x1b[31merror:"),
        "{:?}",
        out.stderr
    );
}

#[test]
fn a_piped_table_is_never_cut_to_the_columns() {
    let out = Test::new()
        .env("COLUMNS", "20")
        .args(&["list", "kpis"])
        .run();
    out.status(0);
    assert!(
        out.stdout.lines().any(|l| l.len() > 60),
        "a piped table was wrapped:\n{}",
        out.stdout
    );
}

#[test]
fn the_standard_library_is_listed_and_explained_outside_a_workspace() {
    let out = Test::new().args(&["list", "kpis"]).run();
    out.status(0);
    let first = out.stdout.lines().next().expect("a header");
    assert!(first.starts_with("KPI "), "{}", out.stdout);
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("err ") && l.contains("standard")),
        "{}",
        out.stdout
    );

    let out = Test::new().args(&["list", "metrics"]).run();
    out.status(0);
    assert!(
        out.stdout.lines().any(|l| l.starts_with("reach ")),
        "{}",
        out.stdout
    );

    let out = Test::new().args(&["explain", "err"]).run();
    out.status(0);
    assert!(out.stdout.starts_with("err — "), "{}", out.stdout);
    assert!(out.stdout.contains("\nreads: "), "{}", out.stdout);
    assert!(
        out.stdout.ends_with(
            "\nno values: not in a workspace (`kpiscope init` creates one, or pass --workspace DIR)\n"
        ),
        "{}",
        out.stdout
    );

    let out = Test::new().args(&["explain", "reech"]).run();
    out.fails_with("error: unknown KPI or metric `reech`; did you mean `reach`?");

    // Goals and sources are the workspace's own.
    let out = Test::new().args(&["list", "goals"]).run();
    out.status(2);
}

#[test]
fn lists_are_json_arrays_of_the_table_columns() {
    let out = Test::new()
        .args(&["list", "kpis", "--format", "json"])
        .run();
    out.status(0);
    let kpis = out.json();
    let err = kpis
        .as_array()
        .expect("an array")
        .iter()
        .find(|k| k["kpi"] == "err")
        .expect("err");
    assert_eq!(err.as_object().map(|o| o.len()), Some(5), "five columns");
    // The keys in the table's order of columns.
    assert!(
        out.stdout.starts_with(
            "[\n  {\n    \"kpi\": \"amplification_rate\",\n    \"unit\": \"%\",\n    \"stage\": \"engagement\",\n    \"from\": \"standard\",\n    \"title\": \"Amplification rate\"\n  },\n"
        ),
        "{}",
        out.stdout
    );
    assert_eq!(err["from"], "standard");
    assert_eq!(err["unit"], "%");

    let out = Test::new()
        .args(&["list", "plugins", "--format", "json"])
        .run();
    out.status(0);
    assert!(
        out.json()
            .as_array()
            .expect("an array")
            .iter()
            .any(|p| p["plugin"] == "canonical" && p["from"] == "built-in"),
        "{}",
        out.stdout
    );

    let out = ws(&err_goal("ig-err", ""))
        .args(&["list", "goals", "--format", "json"])
        .run();
    out.status(0);
    let goals = out.json();
    assert_eq!(goals[0]["goal"], "ig-err");
    assert_eq!(goals[0]["kpi"], "err");

    let out = ws("").args(&["list", "sources", "--format", "json"]).run();
    out.status(0);
    let sources = out.json();
    assert_eq!(sources[0]["number"], "1");
    assert_eq!(sources[0]["plugin"], "canonical");
    assert_eq!(sources[0]["path"], "data.csv");
    assert_eq!(sources[0]["files"], "1");

    let out = ws("").args(&["list", "metrics", "--format", "json"]).run();
    out.status(0);
    assert!(
        out.json()
            .as_array()
            .expect("an array")
            .iter()
            .any(|m| m["metric"] == "reach" && m["kind"] == "sum"),
        "{}",
        out.stdout
    );
}

#[test]
fn wide_characters_line_up_in_tables() {
    let out = Test::new()
        .file(
            "kpiscope.toml",
            "[workspace]\nname = \"x\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\"\n",
        )
        .file(
            "data.csv",
            "date,network,account,post,dim.campaign,reach\n\
             2026-01-01,instagram,acme,p1,春のキャンペーン,1200\n\
             2026-01-02,instagram,acme,p2,spring,30\n",
        )
        .args(&["eval", "--kpi", "reach", "--by", "campaign", "--grain", "all"])
        .run();
    out.status(0);
    // `春のキャンペーン` is 8 characters but 16 columns on a terminal.
    assert_eq!(
        out.stdout,
        "KPI    campaign          PERIOD  VALUE\n\
         reach  spring            all     30\n\
         reach  春のキャンペーン  all     1200\n"
    );
}

#[test]
fn mistyped_values_in_config_files_are_all_suggested_with_their_lines() {
    let out = ws(&err_goal("g", "grain = \"monthly\"\nno_data = \"wran\""))
        .file(
            "plugins/mine/plugin.toml",
            "name = \"mine\"\ntitle = \"Mine\"\nversion = \"1.0.0\"\napi = 1\nkind = \"tabel\"\n\n[metrics]\nmine_views = \"summ\"\n",
        )
        .args(&["validate"])
        .run();
    out.status(2);
    insta::assert_snapshot!(out.stderr);
}
