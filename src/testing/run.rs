//! Running one test through the real pipeline: its records go into a cube
//! through the same sink as a plugin's (de-duplication, metric kinds, the
//! account-over-posts rule), its KPIs are evaluated by the KPI engine and its
//! goals judged by `check`'s own code.

use super::expect::{Expect, Want};
use super::goal_check::GoalCheck;
use super::suite::Case;
use crate::aggregate::{Cube, View};
use crate::cli::Range;
use crate::diagnostic::Diagnostics;
use crate::error::Error;
use crate::goals::evaluate::evaluate_with;
use crate::goals::{Goal, GoalResult};
use crate::kpi::Value;
use crate::session::Session;
use crate::sources::emit::{CubeSink, push_record};

/// An expectation that did not hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// What was expected and what came.
    Mismatch {
        line: usize,
        what: String,
        expected: String,
        got: String,
    },
    /// The expectation could not be checked: a script failed, say.
    Error {
        line: usize,
        what: String,
        message: String,
    },
}

/// Runs `case`; no problems means it passed.
pub fn run_case(s: &Session, case: &Case) -> Vec<Problem> {
    let own;
    let s = if case.params.is_empty() {
        s
    } else {
        own = s.with_params(&case.params);
        &own
    };
    let mut problems = expectations(s, case);
    if !case.goals.is_empty() {
        problems.extend(goals(s, case));
    }
    problems.sort_by_key(|p| match p {
        Problem::Mismatch { line, .. } | Problem::Error { line, .. } => *line,
    });
    problems
}

/// A cube fit for `views` holding the test's records, loaded as a source's.
fn cube(s: &Session, case: &Case, views: &[View]) -> Cube {
    filled(s, &case.records, views)
}

/// A cube fit for `views` holding `records`.
fn filled(s: &Session, records: &[crate::records::Record], views: &[View]) -> Cube {
    let mut cube = s.empty_cube(views, (None, None));
    let mut sink = CubeSink::new(&mut cube, "test");
    for r in records {
        push_record(&mut sink, r);
    }
    sink.finish();
    cube
}

fn expectations(s: &Session, case: &Case) -> Vec<Problem> {
    if case.expects.is_empty() {
        return Vec::new();
    }
    let mut views: Vec<View> = case.expects.iter().map(|e| e.view.clone()).collect();
    views.sort();
    views.dedup();
    let cube = cube(s, case, &views);
    // The inputs with `role = "competitor"` are the panel `panel("...")` reads.
    let panel = (!case.panel.is_empty()).then(|| {
        let sums: Vec<View> = views.iter().map(crate::panel::sums_view).collect();
        filled(s, &case.panel, &sums)
    });
    let evaluators = s.evaluators_with(views, &cube, panel.as_ref());
    case.expects
        .iter()
        .filter_map(|e| {
            let ev = &evaluators[&e.view];
            let got = match ev.groups().find(&e.scope, e.period) {
                Some(i) => ev.eval(&e.kpi, i),
                None => Ok(Value::NoData(match e.scope_text() {
                    Some(scope) => format!("the inputs have no records for {scope} in {}", e.label),
                    None => format!("the inputs have no records in {}", e.label),
                })),
            };
            match got {
                Ok(v) => compare(e, &v),
                Err(d) => Some(Problem::Error {
                    line: e.line,
                    what: e.describe(),
                    message: d.to_string(),
                }),
            }
        })
        .collect()
}

fn compare(e: &Expect, got: &Value) -> Option<Problem> {
    let mismatch = |expected: String| {
        Some(Problem::Mismatch {
            line: e.line,
            what: e.describe(),
            expected,
            got: shown(got),
        })
    };
    match (&e.want, got) {
        (Want::Value(want), Value::Number(x)) if close(*x, *want, e.tolerance) => None,
        (Want::Value(want), _) => mismatch(with_tolerance(*want, e.tolerance)),
        (Want::NoData { reason: None }, Value::NoData(_)) => None,
        (Want::NoData { reason: Some(r) }, Value::NoData(got)) if got.contains(r.as_str()) => None,
        (Want::NoData { reason }, _) => mismatch(match reason {
            Some(r) => format!("no data, the reason containing \"{r}\""),
            None => "no data".into(),
        }),
    }
}

fn goals(s: &Session, case: &Case) -> Vec<Problem> {
    let mut chosen: Vec<Goal> = Vec::new();
    for c in &case.goals {
        if !chosen.iter().any(|g| g.id == c.id)
            && let Some(g) = s.ws.goals.iter().find(|g| g.id == c.id)
        {
            chosen.push(g.clone());
        }
    }
    let range = Range {
        from: None,
        to: None,
        as_of: case.as_of.clone(),
    };
    match evaluate_with(s, &chosen, &range, |views| Ok(cube(s, case, views))) {
        Ok(results) => case
            .goals
            .iter()
            .filter_map(|c| judge(c, &results))
            .collect(),
        Err(e) => {
            let message = match e {
                Error::Diagnostics(Diagnostics(d)) => d
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
                other => other.to_string(),
            };
            case.goals
                .iter()
                .map(|c| Problem::Error {
                    line: c.line,
                    what: format!("goal `{}`", c.id),
                    message: message.clone(),
                })
                .collect()
        }
    }
}

/// Compares a goal's result with what the test expects of it.
fn judge(c: &GoalCheck, results: &[GoalResult]) -> Option<Problem> {
    let mine: Vec<&GoalResult> = results.iter().filter(|r| r.goal.id == c.id).collect();
    let label = |r: &GoalResult| r.period.as_ref().map(|p| p.label.clone());
    let labels = || {
        mine.iter()
            .map(|r| label(r).unwrap_or_else(|| "no period".into()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let what = |period: Option<String>| match period {
        Some(p) => format!("goal `{}` in {p}", c.id),
        None => format!("goal `{}`", c.id),
    };
    let picked: Vec<&GoalResult> = match &c.period {
        Some(p) => mine
            .iter()
            .copied()
            .filter(|r| label(r).as_deref() == Some(p.as_str()))
            .collect(),
        None => mine.clone(),
    };
    let r = match picked.as_slice() {
        [r] => *r,
        [] => {
            return Some(Problem::Mismatch {
                line: c.line,
                what: what(c.period.clone()),
                expected: expected_goal(c),
                got: format!(
                    "no result for that period (the goal's results: {})",
                    labels()
                ),
            });
        }
        _ => {
            return Some(Problem::Error {
                line: c.line,
                what: what(None),
                message: format!(
                    "the goal has {} results ({}): add `period = \"...\"` to pick one",
                    picked.len(),
                    labels()
                ),
            });
        }
    };
    let status_ok = r.status == c.status;
    let value_ok = match (c.value, r.value) {
        (None, _) => true,
        (Some(want), Some(x)) => close(x, want, c.tolerance),
        (Some(_), None) => false,
    };
    let message_ok = c
        .message
        .as_ref()
        .is_none_or(|m| r.message.contains(m.as_str()));
    if status_ok && value_ok && message_ok {
        return None;
    }
    let value = r
        .value
        .map(|x| format!(", value {}", number(x)))
        .unwrap_or_default();
    Some(Problem::Mismatch {
        line: c.line,
        what: what(label(r)),
        expected: expected_goal(c),
        got: format!("{}{value}: {}", r.status.as_str(), r.message),
    })
}

fn expected_goal(c: &GoalCheck) -> String {
    let mut s = c.status.as_str().to_string();
    if let Some(v) = c.value {
        s.push_str(&format!(", value {}", with_tolerance(v, c.tolerance)));
    }
    if let Some(m) = &c.message {
        s.push_str(&format!(", the message containing \"{m}\""));
    }
    s
}

/// Whether `got` is within `tolerance` of `want` (and a rounding error).
fn close(got: f64, want: f64, tolerance: f64) -> bool {
    (got - want).abs() <= tolerance + 1e-12 * want.abs().max(1.0)
}

fn with_tolerance(x: f64, tolerance: f64) -> String {
    format!("{} (± {})", number(x), number(tolerance))
}

fn shown(v: &Value) -> String {
    match v {
        Value::Number(x) => number(*x),
        Value::NoData(reason) => format!("no data: {reason}"),
    }
}

/// A number with every digit it has, so that a near miss shows.
fn number(x: f64) -> String {
    if x == 0.0 { "0".into() } else { format!("{x}") }
}
