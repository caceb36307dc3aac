//! Checking goals: pick the goal's period, evaluate its KPI in that group and
//! compare the value with the target (fail-check, then warn, then pass).

use serde::Serialize;

use super::condition::fmt_value;
use super::goal::{Goal, NoData, PeriodSpec, Rule};
use crate::aggregate::{Calendar, Day, Period};
use crate::diagnostic::Diagnostic;
use crate::kpi::{Evaluator, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    NoData,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::NoData => "no_data",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodOut {
    pub label: String,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone)]
pub struct GoalResult {
    pub goal: Goal,
    pub period: Option<PeriodOut>,
    pub value: Option<f64>,
    pub unit: String,
    pub status: Status,
    pub message: String,
}

impl GoalResult {
    /// Whether this result makes the run fail, given `--fail-on warn`.
    pub fn fails(&self, fail_on_warn: bool) -> bool {
        let counts_as = match (self.status, self.goal.no_data) {
            (Status::NoData, NoData::Fail) => Status::Fail,
            (Status::NoData, NoData::Warn) => Status::Warn,
            (Status::NoData, NoData::Pass) => Status::Pass,
            (s, _) => s,
        };
        counts_as == Status::Fail || (fail_on_warn && counts_as == Status::Warn)
    }
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub no_data: usize,
}

impl Summary {
    pub fn of(results: &[GoalResult]) -> Summary {
        let mut s = Summary::default();
        for r in results {
            match r.status {
                Status::Pass => s.pass += 1,
                Status::Warn => s.warn += 1,
                Status::Fail => s.fail += 1,
                Status::NoData => s.no_data += 1,
            }
        }
        s
    }
}

/// The period a goal looks at, as of `as_of` (the data's last day by default).
pub fn resolve_period(goal: &Goal, calendar: &Calendar, as_of: Day) -> Period {
    match goal.period {
        PeriodSpec::Fixed(p) => p,
        PeriodSpec::All => Period {
            grain: crate::aggregate::Grain::All,
            index: 0,
        },
        PeriodSpec::Current => calendar.period_of(goal.grain, as_of),
        PeriodSpec::Last => calendar.last_complete(goal.grain, as_of),
    }
}

pub fn period_out(calendar: &Calendar, p: Period, range: (Day, Day)) -> PeriodOut {
    let (s, e) = calendar.bounds(p, range);
    PeriodOut {
        label: calendar.label(p),
        start: crate::aggregate::period::format_day(s),
        end: crate::aggregate::period::format_day(e),
    }
}

/// Checks one goal with the evaluator of its view.
pub fn check(
    goal: &Goal,
    ev: &Evaluator,
    unit: &str,
    currency: Option<&str>,
    as_of: Option<Day>,
) -> Result<GoalResult, Diagnostic> {
    let groups = ev.groups();
    let calendar = ev.calendar();
    let no_data = |period: Option<PeriodOut>, message: String| GoalResult {
        goal: goal.clone(),
        period,
        value: None,
        unit: unit.to_string(),
        status: Status::NoData,
        message,
    };
    let Some(as_of) = as_of else {
        return Ok(no_data(None, "no data: the sources hold no records".into()));
    };
    let period = resolve_period(goal, &calendar, as_of);
    let out = period_out(&calendar, period, groups.range);
    let Some(i) = groups.find(&[], period) else {
        let (from, to) = groups.range;
        return Ok(no_data(
            Some(out.clone()),
            format!(
                "no data for {} in {} (the data runs from {} to {})",
                scope_text(goal),
                out.label,
                crate::aggregate::period::format_day(from),
                crate::aggregate::period::format_day(to)
            ),
        ));
    };
    let value = match ev.eval(&goal.kpi, i)? {
        Value::Number(x) => x,
        Value::NoData(reason) => return Ok(no_data(Some(out), format!("no data: {reason}"))),
    };
    // A gap in % is in points; currency amounts carry the currency.
    let money = |s: String| match (unit, currency) {
        ("currency", Some(c)) => format!("{s} {c}"),
        _ => s,
    };
    let shown = |x: f64| money(fmt_value(x, unit));
    let Rule::Target { target, warn } = &goal.rule;
    let status = if target.holds(value) {
        Status::Pass
    } else if warn.is_some_and(|w| w.holds(value)) {
        Status::Warn
    } else {
        Status::Fail
    };
    let message = if status == Status::Pass {
        format!(
            "{} meets the target {}",
            shown(value),
            money(target.display(unit))
        )
    } else {
        let gap = target.gap(value);
        let dir = if gap > 0.0 { "below" } else { "above" };
        format!(
            "{} is {} {dir} the target {}",
            shown(value),
            money(fmt_value(gap.abs(), unit).trim_end_matches('%').to_string()),
            money(target.threshold(unit))
        )
    };
    Ok(GoalResult {
        goal: goal.clone(),
        period: Some(out),
        value: Some(value),
        unit: unit.to_string(),
        status,
        message,
    })
}

fn scope_text(goal: &Goal) -> String {
    let f = &goal.filter;
    let mut parts: Vec<String> = f.network.iter().chain(f.account.iter()).cloned().collect();
    parts.extend(f.dims.iter().map(|(k, v)| format!("{k}={v}")));
    if parts.is_empty() {
        "all networks".into()
    } else {
        parts.join("/")
    }
}
