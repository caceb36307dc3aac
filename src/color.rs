//! Whether to colour a stream, by the conventions other command-line tools
//! follow (cargo, ruff, clap): `--color always|never` wins; else `NO_COLOR`
//! (set and not empty) turns colour off, `CLICOLOR_FORCE` (set, not empty
//! and not `0`) turns it on, `TERM=dumb` turns it off, and otherwise a
//! stream is coloured when it is a terminal. stdout (tables) and stderr
//! (`error:` and `warning:`) are decided apart: `kpiscope check | less`
//! still gets red errors on the terminal.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::ColorChoice;

/// Whether a stream that `is_terminal` (or not) gets colour, with the
/// environment read through `env`.
pub fn decide(
    choice: ColorChoice,
    env: impl Fn(&str) -> Option<OsString>,
    is_terminal: bool,
) -> bool {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if set("NO_COLOR").is_some() {
                false
            } else if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                true
            } else if env("TERM").is_some_and(|t| t == "dumb") {
                false
            } else {
                is_terminal
            }
        }
    }
}

/// [`decide`] for stdout, with this process's environment.
pub fn stdout(choice: ColorChoice) -> bool {
    decide(
        choice,
        |n| std::env::var_os(n),
        std::io::stdout().is_terminal(),
    )
}

/// [`decide`] for stderr, with this process's environment.
pub fn stderr(choice: ColorChoice) -> bool {
    decide(
        choice,
        |n| std::env::var_os(n),
        std::io::stderr().is_terminal(),
    )
}

/// Whether kpiscope's own messages on stderr are coloured: set once the
/// command line is parsed, read by every `error:` and `warning:` printed
/// after. Until then (and in the library's unit tests) messages are plain.
static STDERR: AtomicBool = AtomicBool::new(false);

pub fn set_stderr(on: bool) {
    STDERR.store(on, Ordering::Relaxed);
}

/// `error:` in bold red when stderr is coloured, as clap prints its own.
pub fn error() -> &'static str {
    if STDERR.load(Ordering::Relaxed) {
        "\x1b[1m\x1b[31merror:\x1b[0m"
    } else {
        "error:"
    }
}

/// `warning:` in bold yellow when stderr is coloured.
pub fn warning() -> &'static str {
    if STDERR.load(Ordering::Relaxed) {
        "\x1b[1m\x1b[33mwarning:\x1b[0m"
    } else {
        "warning:"
    }
}

/// The `--color` on the command line, read before clap parses it, so that
/// clap's own errors (a usage error has no parsed `Cli`) follow it too. The
/// last one wins, as clap takes it; a bad value is left to clap to report.
pub fn from_args(args: &[OsString]) -> ColorChoice {
    let mut choice = ColorChoice::Auto;
    let mut iter = args.iter().skip(1);
    while let Some(a) = iter.next() {
        let Some(a) = a.to_str() else { continue };
        if a == "--" {
            break;
        }
        let value = match a.strip_prefix("--color") {
            Some("") => iter.next().and_then(|v| v.to_str()),
            Some(v) => v.strip_prefix('='),
            None => None,
        };
        choice = match value {
            Some("always") => ColorChoice::Always,
            Some("never") => ColorChoice::Never,
            Some("auto") => ColorChoice::Auto,
            _ => choice,
        };
    }
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.into())
    }

    #[test]
    fn the_environment_decides_auto_and_the_flag_wins() {
        use ColorChoice::*;
        for (choice, vars, tty, colour) in [
            (Auto, &[][..], true, true),
            (Auto, &[], false, false),
            (Auto, &[("NO_COLOR", "1")], true, false),
            // Set but empty is not set, says no-color.org.
            (Auto, &[("NO_COLOR", "")], true, true),
            (Auto, &[("CLICOLOR_FORCE", "1")], false, true),
            (Auto, &[("CLICOLOR_FORCE", "0")], false, false),
            (Auto, &[("CLICOLOR_FORCE", "")], false, false),
            (
                Auto,
                &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")],
                true,
                false,
            ),
            (Auto, &[("TERM", "dumb")], true, false),
            (
                Auto,
                &[("TERM", "dumb"), ("CLICOLOR_FORCE", "1")],
                false,
                true,
            ),
            (Auto, &[("TERM", "xterm-256color")], true, true),
            (Always, &[("NO_COLOR", "1"), ("TERM", "dumb")], false, true),
            (Never, &[("CLICOLOR_FORCE", "1")], true, false),
        ] {
            assert_eq!(
                decide(choice, with(vars), tty),
                colour,
                "{choice:?} {vars:?} terminal: {tty}"
            );
        }
    }

    #[test]
    fn the_color_flag_is_read_before_clap() {
        let args = |a: &[&str]| -> Vec<OsString> { a.iter().map(OsString::from).collect() };
        assert_eq!(from_args(&args(&["k", "check"])), ColorChoice::Auto);
        assert_eq!(
            from_args(&args(&["k", "--color", "never", "eval", "--grain", "x"])),
            ColorChoice::Never
        );
        assert_eq!(
            from_args(&args(&["k", "eval", "--color=always"])),
            ColorChoice::Always
        );
        assert_eq!(
            from_args(&args(&["k", "--color", "bogus"])),
            ColorChoice::Auto
        );
        assert_eq!(
            from_args(&args(&["k", "--", "--color=always"])),
            ColorChoice::Auto
        );
    }
}
