//! Plugin fixtures: each file of a plugin's `fixtures/` is read with the
//! plugin and compared, as a set of records, with `<stem>.expected.jsonl`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::context::FileCtx;
use super::decode::value::{NumberStyle, parse_value};
use super::emit::CollectSink;
use super::reader::read_file;
use super::{Plugin, Registry};
use crate::error::{Error, Result};
use crate::records::Record;
use crate::records::tally::Tally;

pub const EXPECTED: &str = ".expected.jsonl";
pub const SIDECAR: &str = ".source.toml";

/// `<stem>.source.toml`: how a fixture is read.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Sidecar {
    account: Option<String>,
    network: Option<String>,
    timezone: Option<String>,
    year: Option<i32>,
    decimal: Option<char>,
    settings: Option<toml::Table>,
}

/// One fixture's outcome.
pub struct Outcome {
    pub fixture: String,
    /// What the plugin gave, as expected-file lines.
    pub got: Vec<String>,
    /// `None` when the expected file is missing.
    pub expected: Option<Vec<String>>,
    /// Lines only in the expected file (`-`) or only in what the plugin gave (`+`).
    pub diff: Vec<(char, String)>,
    pub error: Option<String>,
    /// Post records the plugin gave more than once (the same post id):
    /// kpiscope keeps the first value of each metric.
    pub collisions: usize,
    /// Records without a post id that repeat another's day, account and
    /// dimensions: rows of one file, whose values add up.
    pub merged: usize,
    /// What reading the fixture found.
    pub tally: Tally,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.expected.is_some() && self.diff.is_empty()
    }
}

fn stem(name: &str) -> &str {
    name.split_once('.').map_or(name, |(s, _)| s)
}

/// Runs every fixture of `plugin`. Fixture files live in a temp folder
/// while read, so that built-in plugins' embedded fixtures read like files.
pub fn run(
    plugin: &Plugin,
    registry: &Registry,
    root: &Path,
    limits: &crate::limits::Limits,
) -> Result<Vec<Outcome>> {
    let files = plugin.fixture_files();
    let tmp = tempfile::tempdir().map_err(|e| Error::io(Path::new("fixtures"), e))?;
    let mut out = Vec::new();
    for (name, bytes) in &files {
        if name.ends_with(EXPECTED)
            || name.ends_with(SIDECAR)
            || name.starts_with('.')
            || name.ends_with(".md")
        {
            continue;
        }
        let s = stem(name);
        let find = |suffix: &str| {
            files
                .iter()
                .find(|(n, _)| *n == format!("{s}{suffix}"))
                .map(|(_, b)| b)
        };
        let shown = format!("fixtures/{name}");
        let path: PathBuf = tmp.path().join(name);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        let sidecar: Sidecar = match find(SIDECAR) {
            Some(b) => toml::from_str(&String::from_utf8_lossy(b)).map_err(|e| Error::Data {
                file: format!("fixtures/{s}{SIDECAR}"),
                line: 0,
                message: e.message().to_string(),
            })?,
            None => Sidecar::default(),
        };
        let timezone = jiff::tz::TimeZone::get(sidecar.timezone.as_deref().unwrap_or("UTC"))
            .map_err(|e| Error::Data {
                file: format!("fixtures/{s}{SIDECAR}"),
                line: 0,
                message: e.to_string(),
            })?;
        let ctx = FileCtx {
            shown: shown.clone(),
            path: Some(path),
            root: root.to_path_buf(),
            timezone,
            year: sidecar.year,
            decimal: sidecar.decimal,
            account: sidecar.account,
            network: sidecar.network,
            plugin_network: plugin.manifest.network.clone(),
            settings: sidecar.settings.unwrap_or_default(),
            limits: *limits,
        };
        let mut sink = CollectSink::default();
        let mut tally = Tally::new(&shown, &plugin.manifest.name);
        let read = read_file(plugin, registry, &ctx, &mut sink, &mut tally).map(|()| sink.records);
        let repeats = |by_id: bool, records: &[Record]| {
            let mut keys: Vec<String> = records
                .iter()
                .filter(|r| r.post.is_some() == by_id)
                .map(Record::key)
                .collect();
            keys.sort();
            let before = keys.len();
            keys.dedup();
            before - keys.len()
        };
        let (got, error, collisions, merged) = match read {
            Ok(records) => (
                lines(&records),
                None,
                repeats(true, &records),
                repeats(false, &records),
            ),
            Err(e) => (Vec::new(), Some(e.to_string()), 0, 0),
        };
        let expected = find(EXPECTED).map(|b| {
            String::from_utf8_lossy(b)
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| normalise_line(l).unwrap_or_else(|| l.to_string()))
                .collect::<Vec<_>>()
        });
        let diff = match &expected {
            Some(e) => diff(e, &got),
            None => Vec::new(),
        };
        out.push(Outcome {
            fixture: name.clone(),
            got,
            expected,
            diff,
            error,
            collisions,
            merged,
            tally,
        });
    }
    Ok(out)
}

/// The records as expected-file lines, sorted so that files diff well.
pub fn lines(records: &[Record]) -> Vec<String> {
    let mut v: Vec<String> = records.iter().map(Record::to_line).collect();
    v.sort();
    v
}

/// An expected line rewritten the way the plugin's output is written, so that
/// key order and `1938.0` against `1938` do not count as differences.
fn normalise_line(line: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let r = Record::from_json(&v, &jiff::tz::TimeZone::UTC, &|t| {
        parse_value(t, NumberStyle::default()).map_err(|_| format!("`{t}` is not a number"))
    })
    .ok()?;
    Some(r.to_line())
}

/// Records compared as a set; numbers within a relative 1e-9.
fn diff(expected: &[String], got: &[String]) -> Vec<(char, String)> {
    let parse = |l: &String| serde_json::from_str::<serde_json::Value>(l).ok();
    let same = |a: &String, b: &String| match (parse(a), parse(b)) {
        (Some(x), Some(y)) => close(&x, &y),
        _ => a == b,
    };
    let mut unmatched: Vec<&String> = got.iter().collect();
    let mut out = Vec::new();
    for e in expected {
        match unmatched.iter().position(|g| same(e, g)) {
            Some(i) => {
                unmatched.remove(i);
            }
            None => out.push(('-', e.clone())),
        }
    }
    out.extend(unmatched.into_iter().map(|g| ('+', g.clone())));
    // Pair each missing record with its changed version, for reading.
    out.sort_by_key(|(sign, line)| (key_of(line), *sign == '+'));
    out
}

fn key_of(line: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(serde_json::Value::Object(mut m)) => {
            m.remove("metrics");
            serde_json::Value::Object(m).to_string()
        }
        _ => line.to_string(),
    }
}

fn close(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs())
        }
        (Object(x), Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| close(v, w)),
        _ => a == b,
    }
}

/// Writes `<stem>.expected.jsonl` beside each fixture of a plugin on disk.
pub fn update(dir: &Path, outcomes: &[Outcome]) -> Result<usize> {
    let mut n = 0;
    for o in outcomes.iter().filter(|o| o.error.is_none()) {
        let path = dir
            .join("fixtures")
            .join(format!("{}{EXPECTED}", stem(&o.fixture)));
        let mut text = o.got.join("\n");
        text.push('\n');
        crate::render::output::write_with(Some(&path), |w| w.write_all(text.as_bytes()))?;
        n += 1;
    }
    Ok(n)
}
