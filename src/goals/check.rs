//! Checking goals: pick the goal's period (or every period, or the period of
//! its deadline), measure the KPI there (its value, its % change from the
//! period before, or its projection to the deadline) and compare the measure
//! with the target: fail-check, then warn, then pass.

use serde::Serialize;

use super::condition::{Condition, fmt_change_at, fmt_number, fmt_value_at};
use super::goal::{Goal, Measure, NoData, PeriodSpec};
use super::projection::Trend;
use crate::aggregate::period::format_day;
use crate::aggregate::{Calendar, Day, Grain, Period};
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

    /// The status [`Status::as_str`] wrote (in the results store).
    pub fn parse(s: &str) -> Option<Status> {
        [Status::Pass, Status::Warn, Status::Fail, Status::NoData]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PeriodOut {
    pub label: String,
    pub start: String,
    pub end: String,
}

/// The period a change goal compares with.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Previous {
    #[serde(flatten)]
    pub period: PeriodOut,
    pub value: f64,
}

/// How a deadline goal's value was projected.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Projection {
    pub deadline: String,
    /// The period that holds the deadline: the one the target is about.
    pub period: PeriodOut,
    /// The last period the projection starts from, and its value.
    pub latest: Option<Latest>,
    pub projected: f64,
    pub days_left: i32,
    /// What the value must gain per day from `latest` to meet the target.
    pub needed_per_day: Option<f64>,
    /// What it gains per day on its trend.
    pub trend_per_day: Option<f64>,
    /// The periods the trend is fitted on.
    pub basis: Vec<String>,
    /// The deadline's period is over: judged on its actual value.
    pub passed: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Latest {
    pub label: String,
    pub value: f64,
}

#[derive(Debug, Clone)]
pub struct GoalResult {
    pub goal: Goal,
    pub period: Option<PeriodOut>,
    /// What the target is checked on: the value, the % change, or the projection.
    pub value: Option<f64>,
    pub unit: String,
    pub status: Status,
    pub message: String,
    /// The KPI's own value in the period, for change goals.
    pub kpi_value: Option<f64>,
    pub previous: Option<Previous>,
    pub projection: Option<Projection>,
    /// `rank` and `vs` goals: how the panel stood in the period.
    pub panel: Option<crate::panel::out::PanelOut>,
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

#[derive(Debug, Clone, Copy, Default, Serialize, schemars::JsonSchema)]
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

/// The periods a goal looks at, as of `as_of` (the data's last day by
/// default): one, or for `each` every period from the data's first to the
/// last complete one. With `--from` (`from`), `each` starts with the first
/// period that starts on or after it: the one before is cut by the range,
/// and judging it on its last days would mislead. A change goal's `each`
/// starts a period later, with the first that has one before it.
pub fn resolve_periods(
    goal: &Goal,
    calendar: &Calendar,
    as_of: Day,
    data: (Day, Day),
    from: Option<Day>,
) -> Vec<Period> {
    match goal.period {
        PeriodSpec::Fixed(p) => vec![p],
        PeriodSpec::All => vec![Period {
            grain: Grain::All,
            index: 0,
        }],
        PeriodSpec::Current => vec![calendar.period_of(goal.grain, as_of)],
        PeriodSpec::Last => vec![calendar.last_complete(goal.grain, as_of)],
        PeriodSpec::Each if goal.grain == Grain::All => vec![Period {
            grain: Grain::All,
            index: 0,
        }],
        PeriodSpec::Each => {
            let mut first = calendar.period_of(goal.grain, data.0);
            if let Some(from) = from
                && calendar.bounds(first, data).0 < from
            {
                first.index += 1;
            }
            let last = calendar.last_complete(goal.grain, as_of);
            // A change in each period starts with the second: the first has
            // no period before it in the data, and would be "no data" on
            // every run.
            if goal.measure == Measure::Change && first.index < last.index {
                first.index += 1;
            }
            (first.index..=last.index)
                .map(|index| Period {
                    grain: goal.grain,
                    index,
                })
                .collect()
        }
    }
}

pub fn period_out(calendar: &Calendar, p: Period, range: (Day, Day)) -> PeriodOut {
    let (s, e) = calendar.bounds(p, range);
    PeriodOut {
        label: calendar.label(p),
        start: format_day(s),
        end: format_day(e),
    }
}

/// Checks one goal with the evaluator of its view: one result, or one per
/// period for `period = "each"`.
pub fn check(
    goal: &Goal,
    ev: &Evaluator,
    unit: &str,
    currency: Option<&str>,
    as_of: Option<Day>,
    from: Option<Day>,
) -> Result<Vec<GoalResult>, Diagnostic> {
    let judge = Judge {
        goal,
        ev,
        unit,
        currency,
        calendar: ev.calendar(),
    };
    let Some(as_of) = as_of else {
        return Ok(vec![
            judge.no_data(None, "no data: the sources hold no records".into()),
        ]);
    };
    if let Measure::Deadline(by) = goal.measure {
        return Ok(vec![judge.deadline(by, as_of)?]);
    }
    let periods = resolve_periods(goal, &judge.calendar, as_of, ev.groups().range, from);
    if periods.is_empty() {
        return Ok(vec![judge.no_data(
            None,
            format!(
                "no data: no {} is complete as of {}",
                goal.grain,
                format_day(as_of)
            ),
        )]);
    }
    periods.into_iter().map(|p| judge.at(p)).collect()
}

/// Why a period has no value.
enum Missing {
    /// No records of the goal's scope in the period.
    NoRecords,
    /// Records, but the KPI is no data there (a zero denominator, say).
    NoValue(String),
}

/// Checks one goal: what every way of measuring shares.
struct Judge<'a> {
    goal: &'a Goal,
    ev: &'a Evaluator<'a>,
    unit: &'a str,
    currency: Option<&'a str>,
    calendar: Calendar,
}

impl Judge<'_> {
    fn result(
        &self,
        period: Option<PeriodOut>,
        value: Option<f64>,
        status: Status,
        message: String,
    ) -> GoalResult {
        GoalResult {
            goal: self.goal.clone(),
            period,
            value,
            unit: match self.goal.measure {
                Measure::Change => "%".into(),
                _ => self.unit.to_string(),
            },
            status,
            message,
            kpi_value: None,
            previous: None,
            projection: None,
            panel: None,
        }
    }

    fn no_data(&self, period: Option<PeriodOut>, message: String) -> GoalResult {
        self.result(period, None, Status::NoData, message)
    }

    fn out(&self, p: Period) -> PeriodOut {
        period_out(&self.calendar, p, self.ev.groups().range)
    }

    /// The KPI's value in a period, or why there is none.
    fn value(&self, p: Period) -> Result<Result<f64, Missing>, Diagnostic> {
        let Some(i) = self.ev.groups().find(&[], p) else {
            return Ok(Err(Missing::NoRecords));
        };
        Ok(match self.ev.eval(&self.goal.kpi, i)? {
            Value::Number(x) if x.is_finite() => Ok(x),
            // The evaluator gives finite numbers only; should one slip
            // through, `inf >= target` must not pass.
            Value::Number(x) => Err(Missing::NoValue(format!(
                "{} is {x}, not a number a goal can judge",
                self.goal.kpi
            ))),
            Value::NoData(reason) => Err(Missing::NoValue(reason)),
        })
    }

    /// Why the goal has no value in period `p`, for its message.
    fn why(&self, p: Period, m: Missing) -> String {
        match m {
            Missing::NoRecords => {
                let range = self.ev.groups().range;
                let (start, end) = self.calendar.bounds(p, range);
                let label = self.calendar.label(p);
                let runs = format!(
                    "the data runs from {} to {}",
                    format_day(range.0),
                    format_day(range.1)
                );
                let scope = scope_text(self.goal);
                // Outside the data, the period is the cause; inside it, the
                // goal's scope is: its network, account or dimension has no
                // records there, while others do.
                if end < range.0 {
                    format!("no data for {scope} in {label}, which is before the data ({runs})")
                } else if start > range.1 {
                    format!("no data for {scope} in {label}, which is after the data ({runs})")
                } else {
                    let whose = if is_unfiltered(self.goal) {
                        String::new()
                    } else {
                        format!("{scope} ")
                    };
                    format!("no data: no {whose}records in {label}, though {runs}")
                }
            }
            Missing::NoValue(reason) => format!("no data: {reason}"),
        }
    }

    /// A value with its unit, at the decimals the goal is judged at;
    /// currency amounts carry the currency.
    fn shown(&self, x: f64, unit: &str) -> String {
        money(
            fmt_value_at(x, unit, self.goal.decimals()),
            unit,
            self.currency,
        )
    }

    /// The status of a measure, and the words that say why.
    fn verdict(&self, x: f64, unit: &str) -> (Status, String) {
        let (target, d) = (&self.goal.target, self.goal.decimals());
        let status = if target.holds_at(x, d) {
            Status::Pass
        } else if self.goal.warn.is_some_and(|w| w.holds_at(x, d)) {
            Status::Warn
        } else {
            Status::Fail
        };
        (status, self.against(x, unit, target))
    }

    /// `meets the target >= 4%`, `is 0.79 below the target 4%`, `is not
    /// above the target > 4%`. Worded from the value as shown, so that the
    /// words never contradict the number before them.
    fn against(&self, x: f64, unit: &str, target: &Condition) -> String {
        let d = self.goal.decimals();
        let display = |c: &Condition| money(c.display(unit), unit, self.currency);
        if target.holds_at(x, d) {
            return format!("meets the target {}", display(target));
        }
        if target.on_strict_bound(x, d) {
            let side = match target {
                Condition::Cmp(super::condition::Op::Gt, _) => "above",
                _ => "below",
            };
            return format!("is not {side} the target {}", display(target));
        }
        let gap = target.gap_at(x, d);
        let dir = if gap > 0.0 { "below" } else { "above" };
        format!(
            "is {} {dir} the target {}",
            money(
                fmt_value_at(gap.abs(), unit, d)
                    .trim_end_matches('%')
                    .to_string(),
                unit,
                self.currency
            ),
            money(target.threshold(unit), unit, self.currency)
        )
    }

    /// The goal in one period: its value, or its change from the period before.
    fn at(&self, p: Period) -> Result<GoalResult, Diagnostic> {
        let out = self.out(p);
        let v = match self.value(p)? {
            Ok(v) => v,
            Err(m) => return Ok(self.no_data(Some(out), self.why(p, m))),
        };
        // A period the data starts or stops in is judged on part of it: say so.
        let (first, last) = (self.ev.groups().covered_from, self.ev.groups().range.1);
        let (start, end) = self.calendar.bounds(p, (first, last));
        let partial = match (p.grain == Grain::All, start < first, end > last) {
            (true, _, _) | (false, false, false) => String::new(),
            (false, true, false) => format!(" (partial: the data starts {})", format_day(first)),
            (false, false, true) => format!(" (partial: the data ends {})", format_day(last)),
            (false, true, true) => format!(
                " (partial: the data runs from {} to {})",
                format_day(first),
                format_day(last)
            ),
        };
        if self.goal.measure != Measure::Change {
            let (status, verdict) = self.verdict(v, self.unit);
            let message = format!("{} {verdict}{partial}", self.shown(v, self.unit));
            return Ok(self.result(Some(out), Some(v), status, message));
        }
        let (from, _) = self.ev.groups().range;
        let prev = p
            .previous()
            .filter(|q| self.calendar.bounds(*q, (from, from)).1 >= from);
        let Some(q) = prev else {
            return Ok(self.no_data(
                Some(out),
                format!(
                    "no data: no previous {} to compare {} with (the data starts {})",
                    self.goal.grain,
                    self.calendar.label(p),
                    format_day(from)
                ),
            ));
        };
        let q_out = self.out(q);
        let before = match self.value(q)? {
            Ok(b) => match crate::kpi::percent_change(v, b) {
                Some(change) => Ok((b, change)),
                None => Err(format!(
                    "no data: {} was 0 in {}, and a % change from 0 is undefined",
                    self.goal.kpi, q_out.label
                )),
            },
            Err(Missing::NoRecords) => Err(format!(
                "no data: the {} before, {}, has no records for {}",
                self.goal.grain,
                q_out.label,
                scope_text(self.goal)
            )),
            Err(Missing::NoValue(reason)) => Err(format!(
                "no data: {} has no value in the {} before, {} ({reason})",
                self.goal.kpi, self.goal.grain, q_out.label
            )),
        };
        let (before, change) = match before {
            Ok(b) => b,
            Err(reason) => {
                let mut r = self.no_data(Some(out), reason);
                r.kpi_value = Some(v);
                return Ok(r);
            }
        };
        let (status, verdict) = self.verdict(change, "%");
        // The period before may be the one the data starts in: its value
        // is of the days covered, and the change is from that.
        let covered = self.ev.groups().covered_from;
        let partial =
            if partial.is_empty() && self.calendar.bounds(q, (covered, covered)).0 < covered {
                format!(
                    " ({} is partial: the data starts {})",
                    q_out.label,
                    format_day(covered)
                )
            } else {
                partial
            };
        let message = format!(
            "{} change ({} in {} vs {} in {}) {verdict}{partial}",
            fmt_change_at(change, self.goal.decimals()),
            self.shown(v, self.unit),
            out.label,
            self.shown(before, self.unit),
            q_out.label
        );
        let mut r = self.result(Some(out), Some(change), status, message);
        r.kpi_value = Some(v);
        r.previous = Some(Previous {
            period: q_out,
            value: before,
        });
        Ok(r)
    }

    /// A deadline goal: the value in the deadline's period, projected from
    /// the trend of the periods before it while that period is not over.
    fn deadline(&self, by: Day, as_of: Day) -> Result<GoalResult, Diagnostic> {
        let grain = self.goal.grain;
        let d = self.calendar.period_of(grain, by);
        let d_out = self.out(d);
        let d_end = self.calendar.bounds(d, (by, by)).1;
        let days_left = by - as_of;
        let mut projection = Projection {
            deadline: format_day(by),
            period: d_out.clone(),
            latest: None,
            projected: f64::NAN,
            days_left,
            needed_per_day: None,
            trend_per_day: None,
            basis: Vec::new(),
            passed: as_of >= d_end,
        };
        let unit = self.unit;
        if projection.passed {
            let v = match self.value(d)? {
                Ok(v) => v,
                Err(m) => {
                    return Ok(self.no_data(
                        Some(d_out),
                        format!(
                            "the deadline {} has passed, and {}",
                            format_day(by),
                            self.why(d, m)
                        ),
                    ));
                }
            };
            let (status, verdict) = self.verdict(v, unit);
            projection.projected = v;
            projection.latest = Some(Latest {
                label: d_out.label.clone(),
                value: v,
            });
            let message = format!(
                "the deadline {} has passed: {} in {} {verdict}",
                format_day(by),
                self.shown(v, unit),
                d_out.label
            );
            let mut r = self.result(Some(d_out), Some(v), status, message);
            r.projection = Some(projection);
            return Ok(r);
        }
        // The trend of the last complete periods that have a value. A period
        // the data starts in is partial, as one it stops in is: neither is
        // fitted on (a month of reach from its 20th would bend the line).
        let first_day = self.ev.groups().covered_from;
        let mut first = self.calendar.period_of(grain, first_day);
        if self.calendar.bounds(first, (first_day, first_day)).0 < first_day {
            first.index += 1;
        }
        let mut points = Vec::new();
        let mut p = self.calendar.last_complete(grain, as_of);
        while p.index >= first.index && points.len() < Trend::PERIODS && p < d {
            if let Ok(v) = self.value(p)? {
                points.push((p, v));
            }
            p.index -= 1;
        }
        points.reverse();
        if points.len() < 2 {
            return Ok(self.no_data(
                Some(d_out),
                format!(
                    "no data: projecting to the deadline {} needs at least two complete {grain}s with a value before it, and there {}",
                    format_day(by),
                    match points.len() {
                        0 => "are none".to_string(),
                        _ => format!("is one ({})", self.calendar.label(points[0].0)),
                    }
                ),
            ));
        }
        let trend = Trend::fit(points.iter().map(|(p, v)| (p.index as f64, *v)));
        let projected = trend.at(d.index as f64);
        let (lp, lv) = *points.last().expect("two points");
        let period_days: f64 = points
            .iter()
            .map(|(p, _)| {
                let (s, e) = self.calendar.bounds(*p, (0, 0));
                (e - s + 1) as f64
            })
            .sum::<f64>()
            / points.len() as f64;
        let threshold = self.goal.target.nearest_bound(lv);
        projection.projected = projected;
        projection.latest = Some(Latest {
            label: self.calendar.label(lp),
            value: lv,
        });
        projection.needed_per_day = (days_left > 0).then(|| (threshold - lv) / days_left as f64);
        projection.trend_per_day = Some(trend.slope / period_days);
        projection.basis = points
            .iter()
            .map(|(p, _)| self.calendar.label(*p))
            .collect();

        let (target, decimals) = (&self.goal.target, self.goal.decimals());
        let status = if target.holds_at(projected, decimals) {
            Status::Pass
        } else if match self.goal.warn {
            Some(w) => w.holds_at(projected, decimals),
            None => {
                target.gap_at(projected, decimals).abs()
                    <= 0.1 * target.nearest_bound(projected).abs()
            }
        } {
            Status::Warn
        } else {
            Status::Fail
        };
        let state = match status {
            Status::Pass => "on track",
            Status::Warn => "at risk",
            _ => "off track",
        };
        let per_day = |x: f64| {
            let sign = if x > 0.0 { "+" } else { "" };
            format!("{sign}{}/day", fmt_number(x))
        };
        let pace = match projection.needed_per_day {
            Some(n) => format!(
                "; needs {} from {}, trend {}",
                per_day(n),
                self.shown(lv, unit),
                per_day(trend.slope / period_days)
            ),
            None => String::new(),
        };
        let message = format!(
            "{state}: {} projected for {} (trend of {}..{}) {}{pace}",
            self.shown(projected, unit),
            d_out.label,
            projection.basis[0],
            projection.basis[projection.basis.len() - 1],
            self.against(projected, unit, target),
        );
        let mut r = self.result(Some(d_out), Some(projected), status, message);
        r.projection = Some(projection);
        Ok(r)
    }
}

fn money(s: String, unit: &str, currency: Option<&str>) -> String {
    match (unit, currency) {
        ("currency", Some(c)) => format!("{s} {c}"),
        _ => s,
    }
}

fn is_unfiltered(goal: &Goal) -> bool {
    let f = &goal.filter;
    f.network.is_none() && f.account.is_none() && f.dims.is_empty()
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
