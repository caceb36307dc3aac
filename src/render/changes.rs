//! What changed since the last run, worded for people: the lines `check`
//! prints under its table (and in Markdown), and the figures the history
//! table shows.

use super::table::{self, Style};
use crate::history::{Change, Kind, changes::How};

/// A stored figure with its unit: four decimals at most (160/5000*100 is
/// 3.2, not 3.2000000000000006, and a restated figure still shows); `-`
/// for none. JSON and CSV keep figures whole.
pub fn figure(value: Option<f64>, unit: &str, currency: Option<&str>) -> String {
    let Some(v) = value else {
        return "-".into();
    };
    let suffix = match unit {
        "" | "count" => String::new(),
        "%" => "%".into(),
        "currency" => currency.map(|c| format!(" {c}")).unwrap_or_default(),
        u => format!(" {u}"),
    };
    format!("{}{suffix}", (v * 1e4).round() / 1e4)
}

/// One sentence for a change: both figures and statuses, the run compared
/// with, and for a restatement the inputs that changed.
pub fn sentence(c: &Change, currency: Option<&str>) -> String {
    let now = figure(c.value, &c.unit, currency);
    let was = figure(c.before.value, &c.unit, currency);
    let run = format!("run {}, {}", c.before.run, day_time(&c.before.at));
    let mut out = match c.kind {
        Kind::Restated => {
            let status = match c.status_changed() {
                true => format!("; {} → {}", c.before.status, c.status),
                false => String::new(),
            };
            format!("{was} → {now}{status} (last checked in {run})")
        }
        _ => {
            let period = match (&c.before.period, &c.period) {
                (Some(b), Some(p)) if b != p => format!(" in {b}"),
                _ => String::new(),
            };
            format!(
                "{} at {now}, was {} at {was}{period} ({run})",
                c.status, c.before.status
            )
        }
    };
    if !c.inputs.is_empty() {
        let files: Vec<String> = c
            .inputs
            .iter()
            .map(|i| {
                let how = match i.how {
                    How::Changed => "changed",
                    How::Added => "added",
                    How::Removed => "removed",
                };
                format!("{} {how}", i.path)
            })
            .collect();
        out += &format!("; inputs: {}", files.join(", "));
    } else if c.kind == Kind::Restated {
        out += "; no input changed: kpiscope or a setting outside the workspace did";
    }
    out
}

/// `2026-11-01T09:00:00Z` as `2026-11-01 09:00 UTC`.
fn day_time(at: &str) -> String {
    match (at.get(..10), at.get(11..16)) {
        (Some(d), Some(t)) if at.ends_with('Z') => format!("{d} {t} UTC"),
        _ => at.to_string(),
    }
}

/// Each change as its kind, goal, period and sentence: the columns of the
/// table, the items of the Markdown and HTML lists.
pub fn rows(changes: &[Change], currency: Option<&str>) -> Vec<Vec<String>> {
    changes
        .iter()
        .map(|c| {
            vec![
                c.kind.as_str().to_string(),
                c.goal.clone(),
                c.period.clone().unwrap_or_else(|| "-".into()),
                sentence(c, currency),
            ]
        })
        .collect()
}

/// The section under `check`'s table; empty when nothing changed.
pub fn section(changes: &[Change], currency: Option<&str>, style: Style) -> String {
    if changes.is_empty() {
        return String::new();
    }
    let mut out = format!("\n{}\n", style.paint("Since the last run", "bold"));
    out += &table::render(
        &["CHANGE", "GOAL", "PERIOD", "WHAT"],
        &rows(changes, currency),
        style,
        None,
    );
    out
}

/// The same, as a Markdown list under `## {title}`.
pub fn markdown(title: &str, changes: &[Change], currency: Option<&str>) -> String {
    if changes.is_empty() {
        return String::new();
    }
    let mut out = format!("\n## {title}\n\n");
    for r in rows(changes, currency) {
        out += &format!(
            "- **{}** `{}` {}: {}\n",
            r[0],
            r[1],
            r[2],
            super::markdown::escape(&r[3])
        );
    }
    out
}
