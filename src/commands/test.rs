//! `kpiscope test`: the workspace's unit tests of KPI scripts and goals
//! (`tests/*.toml`, see docs/testing.md), then the fixtures of its own
//! plugins, as `plugin test` runs them. `--stdlib` runs the standard
//! library's own tests, built into the binary, instead.

use crate::Outcome;
use crate::cli::TestArgs;
use crate::error::{Error, Result};
use crate::kpi::library::standard_tests;
use crate::render::{count, table::Style};
use crate::session::Session;
use crate::sources::fixture;
use crate::sources::registry::Origin;
use crate::testing::{self, Problem};

/// What a failed test prints under its name, and whether it shows a diff.
struct Failed {
    lines: Vec<String>,
    diff: bool,
}

/// Tests run so far, printed as they finish.
struct Report {
    style: Style,
    quiet: bool,
    passed: usize,
    failed: usize,
    /// Some failure showed `-` and `+` lines: the legend is printed.
    diffs: bool,
}

impl Report {
    fn test(&mut self, place: &str, name: &str, note: &str, failed: Option<Failed>) -> Result<()> {
        let Some(f) = failed else {
            self.passed += 1;
            if !self.quiet {
                crate::outln!("{place}  {name}  {}{note}", self.style.paint("ok", "pass"))?;
            }
            return Ok(());
        };
        self.failed += 1;
        self.diffs |= f.diff;
        crate::outln!(
            "{place}  {name}  {}{note}",
            self.style.paint("FAILED", "fail")
        )?;
        for l in f.lines {
            crate::outln!("{l}")?;
        }
        Ok(())
    }
}

pub fn run(s: &Session, args: &TestArgs, style: Style) -> Result<Outcome> {
    let files = if args.stdlib {
        standard_tests()
    } else {
        testing::workspace_files(&s.ws.root)?
    };
    // Every problem of every file before anything runs: a test that cannot be
    // read is a broken run (exit 2), not a failed test.
    let suites = testing::load(s, &files)?;
    let keep = |name: &str| args.filter.as_deref().is_none_or(|f| name.contains(f));
    let mut report = Report {
        style,
        quiet: s.quiet,
        passed: 0,
        failed: 0,
        diffs: false,
    };
    for case in suites
        .iter()
        .flat_map(|s| &s.tests)
        .filter(|c| keep(&c.name))
    {
        let problems = testing::run_case(s, case);
        let failed = (!problems.is_empty()).then(|| failure(&case.file, &problems, style));
        // `file:line` of its name, which editors and terminals can open.
        let place = format!("{}:{}", case.file, case.line);
        report.test(&place, &case.name, "", failed)?;
    }
    // The workspace's own plugins: their fixtures are tests of the workspace
    // too. The built-in plugins' are the binary's (`plugin test` runs them).
    let own = s
        .registry
        .plugins
        .iter()
        .filter(|p| !args.stdlib && matches!(p.origin, Origin::Workspace { .. }));
    for plugin in own {
        for o in fixture::run(plugin, &s.registry, &s.ws.root, &s.ws.limits)? {
            let name = format!("{}/{}", plugin.manifest.name, o.fixture);
            if !keep(&name) {
                continue;
            }
            let note = format!(" ({})", count(o.got.len(), "record", "records"));
            let failed = (!o.passed()).then(|| fixture_failure(&o, style));
            report.test("plugin fixture", &name, &note, failed)?;
        }
    }
    let total = report.passed + report.failed;
    if total == 0 {
        if let Some(f) = &args.filter {
            return Err(Error::usage(format!(
                "no test's name contains `{f}`: `kpiscope test` without --filter lists them all"
            )));
        }
        if !s.quiet {
            let place = if args.stdlib {
                "the standard library has no tests".to_string()
            } else {
                format!(
                    "no tests: write them in {}/*.toml (see docs/testing.md)",
                    testing::DIR
                )
            };
            crate::outln!("{place}")?;
        }
        return Ok(Outcome::Success);
    }
    if !s.quiet {
        crate::outln!(
            "\n{}, {} passed, {} failed",
            count(total, "test", "tests"),
            report.passed,
            report.failed
        )?;
        if report.diffs {
            crate::outln!("(- expected, + what came)")?;
        }
    }
    Ok(if report.failed > 0 {
        Outcome::GoalsFailed
    } else {
        Outcome::Success
    })
}

/// A failed test's lines: each expectation's place, then what was expected
/// (`-`) and what came (`+`), or the error that stopped it.
fn failure(file: &str, problems: &[Problem], style: Style) -> Failed {
    let mut lines = Vec::new();
    let mut diff = false;
    for p in problems {
        match p {
            Problem::Mismatch {
                line,
                what,
                expected,
                got,
            } => {
                diff = true;
                lines.push(format!("    {file}:{line}: {what}"));
                lines.push(format!(
                    "    {}",
                    style.paint(&format!("- {expected}"), "fail")
                ));
                lines.push(format!("    {}", style.paint(&format!("+ {got}"), "pass")));
            }
            Problem::Error {
                line,
                what,
                message,
            } => {
                lines.push(format!("    {file}:{line}: {what}"));
                lines.push(indented(&format!("error: {message}")));
            }
        }
    }
    Failed { lines, diff }
}

/// A plugin fixture's failure, as `plugin test` shows it.
fn fixture_failure(o: &fixture::Outcome, style: Style) -> Failed {
    let mut lines = Vec::new();
    if let Some(e) = &o.error {
        lines.push(indented(&format!("error: {e}")));
    } else if o.expected.is_none() {
        lines.push(format!(
            "    no expected records: write fixtures/{}{}, or run `kpiscope plugin test <folder> --update` and check it",
            o.fixture.split('.').next().unwrap_or(""),
            fixture::EXPECTED
        ));
    }
    let diff = o.error.is_none() && !o.diff.is_empty();
    if diff {
        for (sign, line) in &o.diff {
            let status = if *sign == '-' { "fail" } else { "pass" };
            lines.push(format!(
                "    {}",
                style.paint(&format!("{sign} {line}"), status)
            ));
        }
    }
    Failed { lines, diff }
}

/// `text` indented by four spaces, every line of it.
fn indented(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
