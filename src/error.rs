//! The error type of the library and the one place where outcomes become exit
//! codes: 0 every goal passed, 1 a goal failed, 2 the run could not be done.

use std::process::ExitCode;

use crate::diagnostic::Diagnostics;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the user's files, each with its position.
    #[error("{0}")]
    Diagnostics(Diagnostics),
    /// Bad use of the command line or of the workspace.
    #[error("{0}")]
    Usage(String),
    /// Several problems of the command line found together (every unknown
    /// name of a list), each its own `error:` line.
    #[error("{}", .0.join("\n"))]
    Usages(Vec<String>),
    /// A problem already printed in full (a usage error clap reported with
    /// its own help line): nothing more to say, but the run failed.
    #[error("the command line could not be parsed")]
    Reported,
    /// A data file that cannot be read as its plugin expects.
    #[error("{}: {message}", at(file, *line))]
    Data {
        file: String,
        line: usize,
        message: String,
    },
    /// Output that could not be written whole (a full disk): what was
    /// written is cut short.
    #[error("cannot write the output to {to}: {error}; what was written is incomplete")]
    Output { to: String, error: std::io::Error },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }
    /// Every problem of `problems` at once, each once (`--kpi a,a`): one is
    /// a [`Error::Usage`].
    pub fn usages(mut problems: Vec<String>) -> Self {
        let mut seen = std::collections::HashSet::new();
        problems.retain(|p| seen.insert(p.clone()));
        if problems.len() == 1 {
            Error::Usage(problems.remove(0))
        } else {
            Error::Usages(problems)
        }
    }
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How a command ended, before it becomes an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done, and every goal passed (or none were checked).
    Success,
    /// Done, and at least one goal failed.
    GoalsFailed,
}

/// The only place that maps outcomes and errors to exit codes.
pub fn exit_code(result: &anyhow::Result<Outcome>) -> ExitCode {
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::GoalsFailed) => ExitCode::from(1),
        Err(_) => ExitCode::from(2),
    }
}

/// `file:line`, or just `file` for a problem with the whole file (line 0).
fn at(file: &str, line: usize) -> String {
    if line == 0 {
        file.to_string()
    } else {
        format!("{file}:{line}")
    }
}
