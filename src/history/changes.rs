//! What changed since the last time a figure was computed: a goal that now
//! fails, one that recovered, and a **restated** figure — a period that was
//! already over when it was last checked and whose value is not the same now
//! (an export downloaded again with other numbers, a plugin fixed, a script
//! edited), told with both values and the inputs that changed in between.
//!
//! Each result is compared with the latest stored result of the same goal
//! and period, computed on the same part of the data (`--from`/`--to`). A
//! period seen for the first time (a month that just began) is compared with
//! the goal's period before it, for its status only: a value is restated
//! only against itself.

use std::collections::BTreeMap;

use serde::Serialize;

use super::error::HistoryError;
use super::fingerprint::Input;
use super::store::{Row, Store};

/// What kind of change; a restatement that also changed the status is a
/// restatement (both statuses are kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Fails now; did not before.
    NewFailure,
    /// No longer fails (or warned and passes now).
    Recovered,
    /// A past period's value differs from the value stored for it.
    Restated,
    /// Any other change of status (pass → warn, a figure now without data…).
    Status,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::NewFailure => "new failure",
            Kind::Recovered => "recovered",
            Kind::Restated => "restated",
            Kind::Status => "status changed",
        }
    }
}

/// The stored result a change is measured against.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Before {
    /// The run that computed it, and when (UTC, RFC 3339).
    pub run: i64,
    pub at: String,
    /// Its period: the same as the change's, or the period before it when
    /// this period had not been computed yet.
    pub period: Option<String>,
    pub value: Option<f64>,
    pub status: String,
}

/// How an input differs between the run before and this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum How {
    Changed,
    Added,
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct InputChange {
    /// From the workspace's root.
    pub path: String,
    pub how: How,
}

/// One goal result that differs from what was stored before.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Change {
    pub kind: Kind,
    pub goal: String,
    pub period: Option<String>,
    pub unit: String,
    pub value: Option<f64>,
    pub status: String,
    pub before: Before,
    /// For a restatement: the inputs (exports, scripts, plugins, the config)
    /// that differ between the run before and this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputChange>,
}

impl Change {
    /// Whether the goal's status is not the one it had.
    pub fn status_changed(&self) -> bool {
        self.status != self.before.status
    }
}

/// The part of the data a run read: `--from` and `--to`.
pub type Range = (Option<String>, Option<String>);

/// The changes of `now` (this run's results, as-of day and inputs) against
/// the store's latest results; `command` narrows the runs compared with
/// (`report` compares with the last report).
pub fn since(
    store: &Store,
    command: Option<&str>,
    range: &Range,
    as_of: Option<&str>,
    inputs: &[Input],
    now: &[Row],
) -> Result<Vec<Change>, HistoryError> {
    let mut out = Vec::new();
    let mut inputs_of: BTreeMap<i64, Vec<InputChange>> = BTreeMap::new();
    for r in now {
        let same = store.latest(&r.goal, r.period.as_deref(), command, range)?;
        let (prev, same_period) = match same {
            Some(p) => (p, true),
            None => match store.before(&r.goal, r.first_day.as_deref(), command, range)? {
                Some(p) => (p, false),
                None => continue,
            },
        };
        let restated = same_period && past(r, as_of) && past(&prev, prev.as_of.as_deref()) && {
            differs(prev.value, r.value)
        };
        let kind = if restated {
            Kind::Restated
        } else if prev.status == r.status {
            continue;
        } else if r.status == "fail" {
            Kind::NewFailure
        } else if matches!(
            (prev.status.as_str(), r.status.as_str()),
            ("fail", "pass" | "warn") | ("warn", "pass")
        ) {
            Kind::Recovered
        } else {
            Kind::Status
        };
        let changed_inputs = match kind {
            Kind::Restated => match inputs_of.get(&prev.run) {
                Some(c) => c.clone(),
                None => {
                    let c = diff(&store.inputs(prev.run)?, inputs);
                    inputs_of.insert(prev.run, c.clone());
                    c
                }
            },
            _ => Vec::new(),
        };
        out.push(Change {
            kind,
            goal: r.goal.clone(),
            period: r.period.clone(),
            unit: r.unit.clone(),
            value: r.value,
            status: r.status.clone(),
            before: Before {
                run: prev.run,
                at: prev.at,
                period: prev.period,
                value: prev.value,
                status: prev.status,
            },
            inputs: changed_inputs,
        });
    }
    Ok(out)
}

/// Whether the row's period was complete on the day its run counted from
/// (data through its last day, as a report of that period has).
fn past(r: &Row, as_of: Option<&str>) -> bool {
    matches!((r.last_day.as_deref(), as_of), (Some(last), Some(as_of)) if last <= as_of)
}

/// Two figures differ beyond the last bits of a float: a sum taken in
/// another order is the same figure.
fn differs(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() > 1e-9 * a.abs().max(b.abs()).max(1e-9),
        (None, None) => false,
        _ => true,
    }
}

/// The inputs added, removed or changed (size or content) between two runs;
/// a file downloaded again with the same bytes is not a change.
fn diff(before: &[Input], now: &[Input]) -> Vec<InputChange> {
    let old: BTreeMap<&str, &Input> = before.iter().map(|i| (i.path.as_str(), i)).collect();
    let new: BTreeMap<&str, &Input> = now.iter().map(|i| (i.path.as_str(), i)).collect();
    let mut out = Vec::new();
    for (path, n) in &new {
        let how = match old.get(path) {
            None => How::Added,
            Some(o) if o.size != n.size || o.hash != n.hash => How::Changed,
            Some(_) => continue,
        };
        out.push(InputChange {
            path: path.to_string(),
            how,
        });
    }
    for path in old.keys().filter(|p| !new.contains_key(*p)) {
        out.push(InputChange {
            path: path.to_string(),
            how: How::Removed,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::store::Run;

    fn row(goal: &str, period: &str, value: f64, status: &str) -> Row {
        Row::sample(goal, period, value, status)
    }

    fn input(path: &str, hash: &str) -> Input {
        Input {
            path: path.into(),
            size: 10,
            modified: None,
            hash: hash.into(),
        }
    }

    fn append(st: &mut Store, as_of: &str, inputs: Vec<Input>, results: Vec<Row>) {
        st.append(&Run {
            at: format!("{as_of}T09:00:00Z"),
            command: "check".into(),
            as_of: Some(as_of.into()),
            version: "0".into(),
            range: (None, None),
            inputs,
            results,
        })
        .expect("append");
    }

    #[test]
    fn new_failures_recoveries_and_restatements_against_the_last_run() {
        let dir = tempfile::tempdir().expect("dir");
        let mut st = Store::open(&dir.path().join("h.db"), true).expect("open");
        let old = vec![input("data/sep.csv", "aa"), input("data/oct.csv", "bb")];
        append(
            &mut st,
            "2026-10-15",
            old.clone(),
            vec![
                row("reach", "2026-09", 5000.0, "pass"),
                row("reach", "2026-10", 2000.0, "fail"),
                row("er", "2026-10", 3.0, "pass"),
                row("cpc", "2026-10", 0.5, "warn"),
            ],
        );
        let now = vec![input("data/sep.csv", "a2"), input("data/nov.csv", "cc")];
        let got = since(
            &st,
            None,
            &(None, None),
            Some("2026-11-02"),
            &now,
            &[
                // September was over at both runs and reads 5100 now.
                row("reach", "2026-09", 5100.0, "pass"),
                // October was not over when last checked: it grew, and passes.
                row("reach", "2026-10", 6000.0, "pass"),
                // A new period: compared with the one before, by status.
                row("er", "2026-11", 1.0, "fail"),
                row("cpc", "2026-10", 0.5, "warn"),
            ],
        )
        .expect("since");
        let kinds: Vec<(Kind, &str, Option<&str>)> = got
            .iter()
            .map(|c| (c.kind, c.goal.as_str(), c.before.period.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (Kind::Restated, "reach", Some("2026-09")),
                (Kind::Recovered, "reach", Some("2026-10")),
                (Kind::NewFailure, "er", Some("2026-10")),
            ]
        );
        assert_eq!(got[0].before.value, Some(5000.0));
        assert_eq!(got[0].value, Some(5100.0));
        assert_eq!(
            got[0].inputs,
            vec![
                InputChange {
                    path: "data/nov.csv".into(),
                    how: How::Added
                },
                InputChange {
                    path: "data/oct.csv".into(),
                    how: How::Removed
                },
                InputChange {
                    path: "data/sep.csv".into(),
                    how: How::Changed
                },
            ]
        );
        assert!(!got[0].status_changed());
        assert!(got[1].inputs.is_empty());
    }

    #[test]
    fn a_sum_in_another_order_and_another_range_are_not_restatements() {
        let dir = tempfile::tempdir().expect("dir");
        let mut st = Store::open(&dir.path().join("h.db"), true).expect("open");
        append(
            &mut st,
            "2026-11-02",
            vec![],
            vec![row("er", "2026-09", 3.2, "pass")],
        );
        let again = |value: f64, range: Range| {
            since(
                &st,
                None,
                &range,
                Some("2026-11-03"),
                &[],
                &[row("er", "2026-09", value, "pass")],
            )
            .expect("since")
            .len()
        };
        assert_eq!(again(3.2000000000000006, (None, None)), 0);
        assert_eq!(again(3.3, (None, None)), 1);
        assert_eq!(again(3.3, (Some("2026-09-10".into()), None)), 0);
    }
}
