//! One test file, parsed then checked into the model the runner uses: every
//! input becomes canonical records, every expectation a view, a period and
//! what is wanted. Every problem of the file is reported at once, with its
//! place.

use std::ops::Range;

use toml::Spanned;
use toml::de::DeValue;

use super::expect::Expect;
use super::goal_check::GoalCheck;
use super::input::parse_input;
use super::raw::{RawExpect, RawGoalCheck, RawTest, TOP_LEVEL};
use crate::aggregate::period::parse_day;
use crate::aggregate::{Calendar, Day, Period};
use crate::diagnostic::{line_of, suggest};
use crate::records::Record;
use crate::session::Session;
use crate::workspace::{Located, de, parse_toml};

/// Values within this of the expected one pass: equal to two decimals.
pub const TOLERANCE: f64 = 0.005;

/// A test file: its tests in the order written.
#[derive(Debug, Clone)]
pub struct Suite {
    /// As messages show it: `tests/kpis.toml`.
    pub file: String,
    pub tests: Vec<Case>,
}

/// One `[[test]]`.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub file: String,
    /// The line of its `name`.
    pub line: usize,
    /// `last` and `current` count from this day (default: the inputs' last day).
    pub as_of: Option<String>,
    /// Added to the workspace's `[params]` for this test.
    pub params: toml::Table,
    /// The inputs as canonical records, in the order written. An input for a
    /// whole period is a record on its first day plus a record without
    /// metrics on its last day, so that the data cover the whole period.
    pub records: Vec<Record>,
    /// The inputs with `role = "competitor"`: the competitor panel's records.
    pub panel: Vec<Record>,
    pub expects: Vec<Expect>,
    pub goals: Vec<GoalCheck>,
}

impl Suite {
    /// Parses and checks `text`, reporting every problem into `at`.
    pub fn parse(s: &Session, at: &mut Located) -> Suite {
        let text = at.source.clone();
        let mut suite = Suite {
            file: at.file.clone(),
            tests: Vec::new(),
        };
        let Some(doc) = parse_toml(at, &text) else {
            return suite;
        };
        for (key, value) in doc.iter() {
            if key.get_ref() != "test" {
                let hint = suggest(key.get_ref(), TOP_LEVEL.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                at.error(
                    key.span(),
                    format!(
                        "unknown key `{}`: a test file has `[[test]]` tables{hint}",
                        key.get_ref()
                    ),
                );
                continue;
            }
            for item in tables(at, value, "test") {
                if let Some(case) = Case::parse(s, at, item) {
                    if suite.tests.iter().any(|t| t.name == case.name) {
                        at.error(
                            span_of_key(item, "name"),
                            format!(
                                "two tests are named `{}`: give each its own name",
                                case.name
                            ),
                        );
                    }
                    suite.tests.push(case);
                }
            }
        }
        suite
    }
}

impl Case {
    fn parse(s: &Session, at: &mut Located, item: &Spanned<DeValue>) -> Option<Case> {
        let before = at.diagnostics.0.len();
        let raw = de::<RawTest>(at, item.clone(), "[[test]]")?;
        let DeValue::Table(table) = item.get_ref() else {
            return None;
        };
        let name = raw.name.get_ref().trim().to_string();
        if name.is_empty() {
            at.error(raw.name.span(), "a test's `name` is empty");
        }
        let as_of = raw
            .as_of
            .as_ref()
            .and_then(|a| day(at, a.get_ref(), a.span(), "as_of").map(|_| a.get_ref().clone()));
        let tolerance = tolerance(at, raw.tolerance.as_ref(), TOLERANCE);
        let calendar = s.ws.calendar;

        let mut records = Vec::new();
        let mut panel = Vec::new();
        if let Some(v) = table.get("input") {
            for input in tables(at, v, "test.input") {
                match parse_input(s, at, input) {
                    (r, true) => panel.extend(r),
                    (r, false) => records.extend(r),
                }
            }
        }
        let mut expects = Vec::new();
        if let Some(v) = table.get("expect") {
            for e in tables(at, v, "test.expect") {
                let Some(r) = de::<RawExpect>(at, e.clone(), "[[test.expect]]") else {
                    continue;
                };
                expects.extend(Expect::check(s, at, r, tolerance.unwrap_or(TOLERANCE)));
            }
        }
        let mut goals = Vec::new();
        if let Some(v) = table.get("goal") {
            for g in tables(at, v, "test.goal") {
                let Some(r) = de::<RawGoalCheck>(at, g.clone(), "[[test.goal]]") else {
                    continue;
                };
                goals.extend(GoalCheck::check(
                    s,
                    at,
                    r,
                    &calendar,
                    tolerance.unwrap_or(TOLERANCE),
                ));
            }
        }
        if !table.contains_key("expect") && !table.contains_key("goal") {
            at.error(
                raw.name.span(),
                format!(
                    "test `{name}` expects nothing: add a [[test.expect]] (a KPI's value) or a [[test.goal]] (a goal's status)"
                ),
            );
        }
        if at.diagnostics.0.len() > before {
            return None;
        }
        Some(Case {
            name,
            file: at.file.clone(),
            line: line_of(&at.source, raw.name.span().start),
            as_of,
            params: raw.params.unwrap_or_default(),
            records,
            panel,
            expects,
            goals,
        })
    }
}

/// The tables of an array of tables (`[[key]]`), each reported when it is not one.
fn tables<'v, 'a>(
    at: &mut Located,
    value: &'v Spanned<DeValue<'a>>,
    key: &str,
) -> Vec<&'v Spanned<DeValue<'a>>> {
    let DeValue::Array(items) = value.get_ref() else {
        at.error(value.span(), format!("write `[[{key}]]` tables"));
        return Vec::new();
    };
    items
        .iter()
        .filter(|item| {
            let ok = matches!(item.get_ref(), DeValue::Table(_));
            if !ok {
                at.error(item.span(), format!("write `[[{key}]]` tables"));
            }
            ok
        })
        .collect()
}

/// Where a key's value stands in a table, else the table itself.
fn span_of_key(item: &Spanned<DeValue>, key: &str) -> Range<usize> {
    match item.get_ref() {
        DeValue::Table(t) => t.get(key).map_or(item.span(), |v| v.span()),
        _ => item.span(),
    }
}

pub(super) fn day(at: &mut Located, text: &str, span: Range<usize>, key: &str) -> Option<Day> {
    let d = parse_day(text);
    if d.is_none() {
        at.error(
            span,
            format!("`{key}` `{text}` is not a date: write YYYY-MM-DD"),
        );
    }
    d
}

pub(super) fn label(
    at: &mut Located,
    calendar: &Calendar,
    text: &Spanned<String>,
) -> Option<Period> {
    let p = calendar.parse_label(text.get_ref().trim());
    if p.is_none() {
        at.error(
            text.span(),
            format!(
                "`{}` is not a period: use a label such as 2026-10, 2026-Q4, 2026, 2026-W41, 2026-10-03, or all",
                text.get_ref()
            ),
        );
    }
    p
}

/// A `tolerance` key's value, else `default` (the enclosing test's, or
/// [`TOLERANCE`]); `None` when it is not a number of 0 or more.
pub(super) fn tolerance(at: &mut Located, t: Option<&Spanned<f64>>, default: f64) -> Option<f64> {
    let Some(t) = t else {
        return Some(default);
    };
    let x = *t.get_ref();
    if x.is_finite() && x >= 0.0 {
        Some(x)
    } else {
        at.error(t.span(), "`tolerance` is a number, 0 or more");
        None
    }
}
