//! One chart per goal: its KPI over the periods up to the report's, with the
//! target and, for a deadline goal, the projection to its deadline.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Chart, ChartProjection, Point};
use super::value::value_in;
use crate::aggregate::{Day, Grain, Period, View};
use crate::error::Result;
use crate::goals::{GoalResult, Measure};
use crate::kpi::Evaluator;
use crate::session::Session;

/// How many periods a chart shows.
const CHART_PERIODS: i32 = 12;

/// The days a chart is drawn for: the data's first day, the day goals are
/// judged as of, and the report's period.
#[derive(Clone, Copy)]
pub struct ChartSpan {
    pub first: Day,
    pub as_of: Day,
    pub start: Day,
    pub end: Day,
}

/// One chart per goal (the first of several tables with the same id), with
/// the network whose section shows it.
pub fn charts(
    s: &Session,
    evaluators: &BTreeMap<View, Evaluator>,
    results: &[GoalResult],
    span: ChartSpan,
) -> Result<Vec<(Option<String>, Chart)>> {
    let cal = s.ws.calendar;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for goal in &s.ws.goals {
        if !seen.insert(goal.id.clone()) {
            continue;
        }
        let view = goal.view();
        let Some(ev) = evaluators.get(&view) else {
            continue;
        };
        let mine: Vec<usize> = results
            .iter()
            .enumerate()
            .filter(|(_, r)| r.goal.id == goal.id)
            .map(|(i, _)| i)
            .collect();
        let judged: BTreeSet<&str> = mine
            .iter()
            .filter_map(|&i| results[i].period.as_ref().map(|p| p.label.as_str()))
            .collect();
        let periods = chart_periods(&cal, goal.grain, &span);
        let projection = mine
            .iter()
            .filter_map(|&i| results[i].projection.as_ref())
            .find(|p| !p.passed)
            .and_then(|p| {
                let d = cal.parse_label(&p.period.label)?;
                let last = periods.last()?;
                let latest = p.latest.as_ref()?;
                Some(ChartProjection {
                    label: p.period.label.clone(),
                    value: p.projected,
                    periods_after: usize::try_from(d.index - last.index).ok()?,
                    latest: latest.label.clone(),
                    latest_value: latest.value,
                    needed_per_day: p.needed_per_day,
                    trend_per_day: p.trend_per_day,
                })
            });
        let points = periods
            .into_iter()
            .map(|p| {
                let (a, b) = cal.bounds(p, (span.first, span.as_of));
                let label = cal.label(p);
                let value = value_in(ev, &[], Some(p), &goal.kpi)?;
                // A change goal is judged on the change: chart that.
                let value = match goal.measure {
                    Measure::Change => match (value, value_in(ev, &[], p.previous(), &goal.kpi)?) {
                        (Some(v), Some(b)) => crate::kpi::percent_change(v, b),
                        _ => None,
                    },
                    _ => value,
                };
                Ok(Point {
                    value,
                    // The data's first day or the judging day cuts it.
                    partial: p.grain != Grain::All && (a < span.first || b > span.as_of),
                    highlight: (a <= span.end && b >= span.start)
                        || judged.contains(label.as_str()),
                    label,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let (kpi, unit) = match goal.measure {
            Measure::Change => (format!("{} change", goal.kpi), "%".to_string()),
            _ => (goal.kpi.clone(), s.unit_of(&goal.kpi)),
        };
        out.push((
            goal.filter.network.clone(),
            Chart {
                goal_id: goal.id.clone(),
                title: goal.title.clone(),
                kpi,
                kpi_title: s.kpi_title(&goal.kpi),
                unit,
                currency: s.ws.currency.clone(),
                // A rank's or a multiple's condition is no line on the
                // KPI's own axis.
                target: goal.against.is_none().then_some(goal.target),
                warn: goal.warn.filter(|_| goal.against.is_none()),
                points,
                results: mine,
                projection,
                decimals: goal.decimals(),
            },
        ));
    }
    Ok(out)
}

/// Up to [`CHART_PERIODS`] periods of `grain` ending with the last complete
/// one as of the judging day, none before the data's first period.
pub fn chart_periods(
    cal: &crate::aggregate::Calendar,
    grain: Grain,
    span: &ChartSpan,
) -> Vec<Period> {
    if grain == Grain::All {
        return vec![Period { grain, index: 0 }];
    }
    let first = cal.period_of(grain, span.first).index;
    let mut last = cal.last_complete(grain, span.as_of).index;
    if last < first {
        // No complete period yet: the one in progress is all there is.
        last = cal.period_of(grain, span.as_of).index;
    }
    (first.max(last - CHART_PERIODS + 1)..=last)
        .map(|index| Period { grain, index })
        .collect()
}
