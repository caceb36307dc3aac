//! Errors for programs: the problems that stopped a run as JSON (when
//! `--format json` was asked, a program reads stdout and must not have to
//! parse English), or as GitHub Actions annotations (`--format github`),
//! which GitHub shows on the lines of the files they name.

use serde::Serialize;

use crate::error::Error;

/// One problem: where it is (when it is in a file) and what to do.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ErrorJson {
    /// The file, relative to the workspace where it is in one.
    pub file: Option<String>,
    /// 1-based; null for a problem with the whole file or with no file.
    pub line: Option<usize>,
    pub col: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

/// `{"version": 1, "errors": [...]}`: what a run that could not be done
/// prints on stdout when JSON was asked.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ErrorsJson {
    /// The version of this layout: 1.
    pub version: u32,
    pub errors: Vec<ErrorJson>,
}

/// Every problem of `e`, one entry each.
pub fn entries(e: &anyhow::Error) -> Vec<ErrorJson> {
    let positive = |n: usize| (n > 0).then_some(n);
    match e.downcast_ref::<Error>() {
        Some(Error::Diagnostics(d)) => {
            d.0.iter()
                .map(|p| ErrorJson {
                    file: Some(p.file.clone()),
                    line: positive(p.line),
                    col: positive(p.col),
                    message: p.message.clone(),
                    hint: p.hint.clone(),
                })
                .collect()
        }
        Some(Error::Data {
            file,
            line,
            message,
        }) => vec![ErrorJson {
            file: Some(file.clone()),
            line: positive(*line),
            col: None,
            message: message.clone(),
            hint: None,
        }],
        Some(Error::Io { path, source }) => vec![ErrorJson {
            file: Some(path.clone()),
            line: None,
            col: None,
            message: source.to_string(),
            hint: None,
        }],
        Some(Error::Usages(all)) => all.iter().cloned().map(plain).collect(),
        Some(other) => vec![plain(other.to_string())],
        None => vec![plain(format!("{e:#}"))],
    }
}

fn plain(message: String) -> ErrorJson {
    // A usage error carries its hint on a line of its own (`  = hint: ...`).
    let (message, hint) = match message.split_once("\n  = hint: ") {
        Some((m, h)) => (m.to_string(), Some(h.to_string())),
        None => (message, None),
    };
    ErrorJson {
        file: None,
        line: None,
        col: None,
        message,
        hint,
    }
}

pub fn json(e: &anyhow::Error) -> String {
    let doc = ErrorsJson {
        version: 1,
        errors: entries(e),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The errors as `::error file=F,line=L,col=C::message` workflow commands.
pub fn github(e: &anyhow::Error) -> String {
    entries(e)
        .iter()
        .map(|p| {
            let message = match &p.hint {
                Some(h) => format!("{}\nhint: {h}", p.message),
                None => p.message.clone(),
            };
            annotation("error", p.file.as_deref(), p.line, p.col, None, &message)
        })
        .collect()
}

/// One GitHub workflow command line: `::level file=...,line=...::message`.
/// Values are escaped as the runner reads them (`%`, line ends, and in
/// properties `:` and `,`).
pub fn annotation(
    level: &str,
    file: Option<&str>,
    line: Option<usize>,
    col: Option<usize>,
    title: Option<&str>,
    message: &str,
) -> String {
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut props = Vec::new();
    if let Some(f) = file {
        props.push(format!("file={}", property(f)));
    }
    if let Some(l) = line {
        props.push(format!("line={l}"));
    }
    if let Some(c) = col {
        props.push(format!("col={c}"));
    }
    if let Some(t) = title {
        props.push(format!("title={}", property(t)));
    }
    let props = if props.is_empty() {
        String::new()
    } else {
        format!(" {}", props.join(","))
    };
    format!("::{level}{props}::{}\n", data(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_escape_what_the_runner_reads() {
        assert_eq!(
            annotation(
                "error",
                Some("a,b:c.toml"),
                Some(3),
                Some(7),
                Some("goal x"),
                "50% off\nnext"
            ),
            "::error file=a%2Cb%3Ac.toml,line=3,col=7,title=goal x::50%25 off%0Anext\n"
        );
        assert_eq!(
            annotation("notice", None, None, None, None, "hi"),
            "::notice::hi\n"
        );
    }
}
