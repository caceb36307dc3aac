//! kpiscope: a KPI engine for social-media marketing.
//!
//! The pipeline, one module per stage:
//! `workspace` (kpiscope.toml) → `sources` (plugins read exports) → `records`
//! (canonical records, metric catalog) → `aggregate` (cube, views) → `kpi`
//! (Rhai scripts) → `goals` (targets, statuses) → `render` (table, json, csv).
//! `session` ties the stages together for the `commands`; `testing` runs the
//! workspace's unit tests of KPIs and goals through that same pipeline.
//!
//! ```
//! use kpiscope::aggregate::period::{parse_day, Calendar, Grain};
//! let cal = Calendar::default();
//! let p = cal.period_of(Grain::Quarter, parse_day("2026-11-23").unwrap());
//! assert_eq!(cal.label(p), "2026-Q4");
//! ```

/// `eprintln!` that cannot panic: a closed or full stderr is no reason to
/// stop a run whose results go to stdout or a file, and there is nowhere
/// left to say it. Every message of kpiscope goes through this.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

pub mod aggregate;
pub mod cli;
pub mod color;
pub mod commands;
pub mod diagnostic;
pub mod error;
pub mod goals;
pub mod history;
pub mod interrupt;
pub mod kpi;
pub mod limits;
pub mod load;
pub mod locale;
pub mod notify;
pub mod panel;
pub mod pg;
pub mod records;
pub mod render;
pub mod report;
pub mod session;
pub mod sources;
pub mod testing;
pub mod workspace;

/// What every property test of the crate runs with: 64 cases, or
/// `PROPTEST_CASES` for a longer run; failures are printed, not kept in files.
#[cfg(test)]
pub(crate) fn prop_config() -> proptest::prelude::ProptestConfig {
    proptest::prelude::ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(64),
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    }
}

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

pub use error::{Error, Outcome};

/// Runs the command line and reports errors: the whole of `main`.
pub fn main() -> ExitCode {
    let mut errors_as = ErrorsAs::Text;
    let result = run(&mut errors_as);
    report_unprinted();
    if let Err(e) = &result {
        print_error(e);
        // For a program: the same problems on stdout, in the format it asked.
        let text = match errors_as {
            ErrorsAs::Text => None,
            ErrorsAs::Json => Some(render::errors::json(e)),
            ErrorsAs::Github => Some(render::errors::github(e)),
        };
        if let Some(text) = text {
            use std::io::Write as _;
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    error::exit_code(&result)
}

/// How a run's errors are shown besides stderr: as the JSON or the GitHub
/// annotations its `--format` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorsAs {
    Text,
    Json,
    Github,
}

/// Says how many lines scripts printed past the cap of a run, and starts
/// the count again: at the end of a command, and after each run of `watch`.
pub fn report_unprinted() {
    let unprinted = kpi::sandbox::take_unprinted();
    if unprinted > 0 {
        say!(
            "{} scripts printed {unprinted} more lines with print() or debug(), not shown: a run shows the first {}",
            color::warning(),
            limits::SCRIPT_PRINT_LINES
        );
    }
}

/// Prints an error to stderr the way every command shows it; `watch` prints
/// the errors of its runs through this too, so they look the same there.
pub fn print_error(e: &anyhow::Error) {
    // Each problem its own `error:` line, so that every one stands out.
    let problems: Vec<String> = match e.downcast_ref::<Error>() {
        Some(Error::Diagnostics(d)) => d.0.iter().map(ToString::to_string).collect(),
        Some(Error::Usages(u)) => u.clone(),
        Some(Error::Reported) => return,
        // Our errors say their cause in their own message; `{:#}` would
        // repeat it ("kpiscope.toml: Permission denied: Permission denied").
        Some(e) => vec![e.to_string()],
        None => vec![format!("{e:#}")],
    };
    let error = color::error();
    for p in &problems {
        say!("{error} {p}");
    }
    if problems.len() > 1 {
        say!("{} problems found", problems.len());
    }
}

/// Parses the command line and runs it; `errors_as` learns the format its
/// errors are to be shown in as soon as the command line is read.
pub fn run(errors_as: &mut ErrorsAs) -> anyhow::Result<Outcome> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let choice = color::from_args(&args);
    color::set_stderr(color::stderr(choice));
    // clap colours its own help and errors by the same environment rules
    // (NO_COLOR, CLICOLOR_FORCE, TERM); only --color must be passed on.
    let mut cmd = cli::Cli::command().color(match choice {
        cli::ColorChoice::Auto => clap::ColorChoice::Auto,
        cli::ColorChoice::Always => clap::ColorChoice::Always,
        cli::ColorChoice::Never => clap::ColorChoice::Never,
    });
    // As `Parser::try_parse` does, with the command's colour.
    let parsed = cmd
        .try_get_matches_from_mut(args)
        .and_then(|mut m| cli::Cli::from_arg_matches_mut(&mut m))
        .map_err(|e| e.format(&mut cmd));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version
            e.print()?;
            return Ok(Outcome::Success);
        }
        Err(e) => {
            // clap's message ends with its own "try '--help'" line: exit 2
            // without a word more.
            e.print()?;
            return Err(Error::Reported.into());
        }
    };
    *errors_as = cli.errors_as();
    commands::run(cli)
}
