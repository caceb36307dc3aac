//! `kpiscope report`: the periodic SMM report of KPIS.md, per network with the
//! all-networks total first, as Markdown or one standalone HTML file.
//!
//! Everything is computed through the same pipeline as `eval` and `check`:
//! views of the loaded cube, the session's evaluator (so a workspace's own
//! `posting_frequency` or `engagements` is the one used), and goal statuses
//! from `check::evaluate_in` on the same cube, as of the report's period. This file gathers the
//! numbers into a [`Report`]; `render::markdown` and `render::html` lay it out.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::Outcome;
use crate::aggregate::period::format_day;
use crate::aggregate::{By, Cube, Day, Filter, Grain, Period, View};
use crate::cli::{Range, ReportArgs, ReportFormat};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::goals::{GoalResult, Measure};
use crate::kpi::{Evaluator, Value};
use crate::render::report::{
    Chart, ChartProjection, Figure, FigureKind, Point, RankBy, Report, Section, Span, TopPost,
};
use crate::render::{self};
use crate::session::{Companion, Session};

/// How many posts the report lists per section, and periods per chart.
const TOP_POSTS: usize = 5;
const CHART_PERIODS: i32 = 12;

pub fn run(s: &Session, args: &ReportArgs) -> Result<Outcome> {
    let report = build(s, args.period.as_deref())?;
    let text = match args.format()? {
        ReportFormat::Markdown => render::markdown::report(&report),
        ReportFormat::Html => render::html::report(&report),
        ReportFormat::Json => render::report_json::json(&report),
    };
    render::write_output(args.output.as_deref(), &text)?;
    // A report is a document, not a check: it succeeds whatever the goals
    // say (`kpiscope check` is the command whose exit code judges them).
    Ok(Outcome::Success)
}

fn diag(d: Diagnostic) -> Error {
    Error::Diagnostics(Diagnostics(vec![d]))
}

/// A view over every record, at `grain`, broken down by `by`.
fn view(grain: Grain, by: Vec<By>) -> View {
    View {
        grain,
        by,
        filter: Filter::default(),
    }
}

fn no_range(as_of: Option<String>) -> Range {
    Range {
        from: None,
        to: None,
        as_of,
    }
}

/// Computes the report for `period` (default: the last complete month).
pub fn build(s: &Session, period: Option<&str>) -> Result<Report> {
    let cal = s.ws.calendar;
    let asked = period
        .map(|text| {
            cal.parse_label(text).ok_or_else(|| {
                Error::usage(format!(
                    "`--period {text}` is not a period: write a label such as 2026-10, 2026-Q4, 2026, 2026-W41 or 2026-10-03"
                ))
            })
        })
        .transpose()?;
    let grain = asked.map_or(Grain::Month, |p| p.grain);

    let total_view = view(grain, Vec::new());
    let network_view = view(grain, vec![By::Network]);
    let post_by = vec![By::Network, By::Account, By::Post];
    let post_view = view(grain, post_by);
    // A view by day makes the posts' cube keep days, so that each post's
    // group knows its first day: its publish day (where its metrics count).
    // The total by day is a group a day, not one per post and day.
    let day_view = view(Grain::Day, Vec::new());
    let mut views = vec![total_view.clone(), network_view.clone()];
    views.extend(super::check::views_of(&s.ws.goals));
    views.sort();
    views.dedup();
    // A report is as of its period's end: data after it (a later export, the
    // months since) must not change its goals, say a Q3 goal in July's report.
    let cut = asked
        .filter(|p| p.grain != Grain::All)
        .map(|p| cal.bounds(p, (0, 0)).1);
    // The posts of the period load with the goals' cube, into a companion
    // that keeps one group per post of the period, not of the whole history.
    // An asked period's days are known; the default period, the last
    // complete month, is known when the load ends, so the companion keeps
    // the days from the month before the data's last day on.
    let post_views = [post_view.clone(), day_view];
    let post_days = asked
        .filter(|p| p.grain != Grain::All)
        .map(|p| cal.bounds(p, (0, 0)));
    let mut cube = s.load_with(
        &views,
        &Range {
            from: None,
            to: cut.map(format_day),
            as_of: None,
        },
        Some(Companion {
            views: &post_views,
            days: post_days,
            trailing: asked.is_none(),
        }),
    )?;
    let mut post_cube = cube
        .companion
        .take()
        .ok_or_else(|| Error::usage("the report's posts were not loaded"))?;

    let data = match (cube.data_range(), cut) {
        (Some(range), _) => Some(range),
        // Nothing up to the period's end: load it all to say where the data is.
        (None, Some(_)) => s
            .load(std::slice::from_ref(&total_view), &no_range(None))?
            .data_range(),
        (None, None) => None,
    };
    let Some((first, last)) = data else {
        return Err(Error::usage(
            "the sources hold no records: there is nothing to report",
        ));
    };
    let period = asked.unwrap_or_else(|| cal.last_complete(Grain::Month, last));
    let (start, end) = cal.bounds(period, (first, last));
    if end < first || start > last {
        let label = cal.label(period);
        let runs = format!(
            "the data runs from {} to {}",
            format_day(first),
            format_day(last)
        );
        return Err(Error::usage(match asked {
            Some(_) => format!("no data for {label}: {runs}; pick a period in that range"),
            None => format!(
                "the data has no complete month yet ({runs}): pick a period with --period, such as {}",
                cal.label(cal.period_of(Grain::Month, last))
            ),
        }));
    }
    // Goals are judged as of the period's end, or the data's last day when
    // the period is still in progress (a `last` goal then looks at the last
    // complete period, not at a partial one).
    let as_of = end.min(last);
    // One evaluator per goal view, for the goals' results and their charts.
    let goal_evaluators = s.evaluators(super::check::views_of(&s.ws.goals), &cube);
    let mut other_results = 0;
    let results = if s.ws.goals.is_empty() {
        Vec::new()
    } else {
        let all = super::check::evaluate_in(s, &s.ws.goals, &cube, &goal_evaluators, Some(as_of))?;
        let keep = shown_results(&results_periods(&all), &format_day(start), &format_day(end));
        other_results = all.len() - keep.len();
        all.into_iter()
            .enumerate()
            .filter(|(i, _)| keep.contains(i))
            .map(|(_, r)| r)
            .collect()
    };
    post_cube.keep_days(start, end);

    let evaluator = |cube: &Cube, v: &View| s.evaluator(Arc::new(cube.view(v)), &cube.catalog);
    let total = evaluator(&cube, &total_view);
    let by_network = evaluator(&cube, &network_view);
    let posts = evaluator(&post_cube, &post_view);

    let previous = period.previous();
    // A period in progress has its followers as of the data's last day.
    let figures_of = |ev: &Evaluator, scope: &[Option<String>]| figures(ev, scope, period, as_of);

    let mut networks: BTreeSet<String> = by_network
        .groups()
        .groups
        .iter()
        .filter(|g| g.period == period || Some(g.period) == previous)
        .filter_map(|g| g.network.clone())
        .collect();
    let goal_networks: BTreeSet<String> =
        s.ws.goals
            .iter()
            .filter_map(|g| g.filter.network.clone())
            .collect();
    networks.extend(goal_networks.iter().cloned());

    let ranked = rank_posts(&posts, period)?;
    let engagements = |mut top: Vec<TopPost>, ids: &[usize]| -> Result<Vec<TopPost>> {
        // Only the listed posts need their engagements (one script call
        // each), and their impressions when another figure ranked them.
        for (t, &i) in top.iter_mut().zip(ids) {
            t.engagements = posts.eval("engagements", i).map_err(diag)?.number();
            if t.rank_by == RankBy::Reach {
                t.impressions = posts.eval("impressions", i).map_err(diag)?.number();
            }
        }
        Ok(top)
    };
    let top_of = |network: Option<&str>| -> Result<(Vec<TopPost>, usize)> {
        let mine: Vec<&(usize, TopPost)> = ranked
            .iter()
            .filter(|(_, p)| network.is_none_or(|n| p.network == n))
            .collect();
        let seen = posts
            .groups()
            .groups
            .iter()
            .filter(|g| g.period == period && g.post.is_some())
            .filter(|g| network.is_none_or(|n| g.network.as_deref() == Some(n)))
            .count();
        let chosen: Vec<&(usize, TopPost)> = mine.into_iter().take(TOP_POSTS).collect();
        let ids: Vec<usize> = chosen.iter().map(|(i, _)| *i).collect();
        // Only the listed posts need their text, link and format.
        let top = chosen
            .iter()
            .map(|(_, p)| {
                let mut p = p.clone();
                if let Some(a) = post_cube.post_attrs(&p.network, &p.account, &p.post) {
                    p.title.clone_from(&a.title);
                    p.url.clone_from(&a.url);
                    p.format.clone_from(&a.format);
                }
                p
            })
            .collect();
        Ok((engagements(top, &ids)?, seen))
    };

    let charts = charts(
        s,
        &goal_evaluators,
        &results,
        ChartSpan {
            first,
            as_of,
            start,
            end,
        },
    )?;
    let mut charts_of: BTreeMap<Option<String>, Vec<Chart>> = BTreeMap::new();
    for (network, chart) in charts {
        charts_of.entry(network).or_default().push(chart);
    }

    let (top_posts, posts_seen) = top_of(None)?;
    let mut sections = vec![Section {
        network: None,
        figures: figures_of(&total, &[])?,
        top_posts,
        posts_seen,
        charts: charts_of.remove(&None).unwrap_or_default(),
    }];
    let mut quiet_networks = Vec::new();
    for n in networks {
        let figures = figures_of(&by_network, &[Some(n.clone())])?;
        let (top_posts, posts_seen) = top_of(Some(&n))?;
        let charts = charts_of.remove(&Some(n.clone())).unwrap_or_default();
        // Posts 0 and a frequency of 0 are what the pipeline says of a
        // network without post records: not something to report on.
        let has_figures = figures.iter().any(|f| {
            [f.value, f.previous]
                .into_iter()
                .flatten()
                .any(|v| v != 0.0)
        });
        if !has_figures && charts.is_empty() && !goal_networks.contains(&n) {
            quiet_networks.push(n);
            continue;
        }
        sections.push(Section {
            network: Some(n),
            figures,
            top_posts,
            posts_seen,
            charts,
        });
    }

    Ok(Report {
        workspace: s.ws.name.clone(),
        currency: s.ws.currency.clone(),
        period: Span {
            label: cal.label(period),
            start: format_day(start),
            end: format_day(end),
        },
        previous: previous.map(|p| cal.label(p)),
        data: (format_day(first), format_day(last)),
        as_of: format_day(as_of),
        in_progress: last < end,
        results,
        other_results,
        sections,
        quiet_networks,
    })
}

/// Each result's goal id and period (first and last day), for [`shown_results`].
fn results_periods(results: &[GoalResult]) -> Vec<(&str, Option<(&str, &str)>)> {
    results
        .iter()
        .map(|r| {
            (
                r.goal.id.as_str(),
                r.period
                    .as_ref()
                    .map(|p| (p.start.as_str(), p.end.as_str())),
            )
        })
        .collect()
}

/// Which results the report lists: every goal's, so that no goal goes
/// missing. A goal with one result has it listed, whatever its period: a
/// deadline goal's result is about the deadline's period, judged on its
/// projection as of the report's period; a goal on a period after the
/// report's says it has no data yet. Of a goal with one result per period
/// (`period = "each"`), those whose period overlaps the report's
/// (`start..=end`, `YYYY-MM-DD` text compares as dates), else its latest
/// before the report's end: its history is its chart, and a report on
/// 2025-Q4 does not judge it on 2026-Q3.
fn shown_results(
    results: &[(&str, Option<(&str, &str)>)],
    start: &str,
    end: &str,
) -> BTreeSet<usize> {
    let mut by_goal: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (id, _)) in results.iter().enumerate() {
        by_goal.entry(id).or_default().push(i);
    }
    let mut keep = BTreeSet::new();
    for idx in by_goal.values() {
        if idx.len() == 1 {
            keep.extend(idx);
            continue;
        }
        let due: Vec<usize> = idx
            .iter()
            .copied()
            .filter(|&i| results[i].1.is_none_or(|(a, _)| a <= end))
            .collect();
        let overlapping: Vec<usize> = due
            .iter()
            .copied()
            .filter(|&i| results[i].1.is_some_and(|(a, b)| a <= end && b >= start))
            .collect();
        if overlapping.is_empty() {
            // The latest that is due; of results all after the report's
            // end, the first, so the goal is still there.
            let latest = due
                .iter()
                .copied()
                .max_by_key(|&i| results[i].1.map(|(_, b)| b))
                .or_else(|| idx.first().copied());
            keep.extend(latest);
        } else {
            keep.extend(overlapping);
        }
    }
    keep
}

/// A KPI's or metric's value in the group of `scope` and `period`; `None`
/// when there is no such group or the value is no data.
fn value_in(
    ev: &Evaluator,
    scope: &[Option<String>],
    period: Option<Period>,
    name: &str,
) -> Result<Option<f64>> {
    let Some(i) = period.and_then(|p| ev.groups().find(scope, p)) else {
        return Ok(None);
    };
    Ok(match ev.eval(name, i).map_err(diag)? {
        Value::Number(x) => Some(x),
        Value::NoData(_) => None,
    })
}

/// The key figures of one scope in `period` and the period before; `end`
/// is the day the community is counted on.
fn figures(
    ev: &Evaluator,
    scope: &[Option<String>],
    period: Period,
    end: Day,
) -> Result<Vec<Figure>> {
    let prev = period.previous();
    let prev2 = prev.and_then(Period::previous);
    let at = |p: Option<Period>, name: &str| value_in(ev, scope, p, name);
    let both = |name: &str| -> Result<(Option<f64>, Option<f64>)> {
        Ok((at(Some(period), name)?, at(prev, name)?))
    };
    let figure = |label: &str, kind: FigureKind, (value, previous)| Figure {
        label: label.to_string(),
        kind,
        value,
        previous,
    };
    let followers = [
        at(Some(period), "followers")?,
        at(prev, "followers")?,
        at(prev2, "followers")?,
    ];
    // Growth from the end of the period before: absolute, and in % of it.
    let growth = |now: Option<f64>, before: Option<f64>| match (now, before) {
        (Some(a), Some(b)) => (Some(a - b), (b != 0.0).then(|| (a - b) / b * 100.0)),
        _ => (None, None),
    };
    let (g, pct) = growth(followers[0], followers[1]);
    let (g_prev, previous_pct) = growth(followers[1], followers[2]);
    Ok(vec![
        figure(
            &format!("Community: followers on {}", format_day(end)),
            FigureKind::Count,
            (followers[0], followers[1]),
        ),
        figure(
            "Follower growth over the period",
            FigureKind::Growth { pct, previous_pct },
            (g, g_prev),
        ),
        figure("Reach", FigureKind::Count, both("reach")?),
        figure(
            "Unique visitors (new sessions)",
            FigureKind::Count,
            both("sessions_new")?,
        ),
        figure("Views", FigureKind::Count, both("views")?),
        figure("Posts", FigureKind::Count, both("posts")?),
        figure(
            "Posting frequency (posts a day)",
            FigureKind::PerDay,
            both("posting_frequency")?,
        ),
    ])
}

/// The period's posts that may be listed, best first, each with its group
/// in the post view: the first [`TOP_POSTS`] of each network, which hold
/// the first of all networks too. A network's posts rank by reach when some
/// of them have one, else by impressions (X gives none), else by views, so
/// that no network with figures shows an empty table; a post without its
/// network's figure is not ranked. Ties: earlier, then by network and id,
/// so that the order never depends on loading. Their text, link and format
/// are left for the posts listed (see `build`).
fn rank_posts<'a>(posts: &'a Evaluator, period: Period) -> Result<Vec<(usize, TopPost)>> {
    let groups = &posts.groups().groups;
    // Every post of the period is a candidate: kept small (no text copied)
    // until the few that are listed are known.
    struct Candidate<'a> {
        group: usize,
        network: &'a str,
        value: Option<f64>,
        by: RankBy,
    }
    let mut candidates = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        if g.period != period || g.account.is_none() || g.post.is_none() {
            continue;
        }
        let Some(network) = g.network.as_deref() else {
            continue;
        };
        candidates.push(Candidate {
            group: i,
            network,
            value: posts.eval("reach", i).map_err(diag)?.number(),
            by: RankBy::Reach,
        });
    }
    // A network's fallback figure is read only when it has none before it.
    let has = |candidates: &[Candidate<'a>]| -> Vec<&'a str> {
        candidates
            .iter()
            .filter(|c| c.value.is_some())
            .map(|c| c.network)
            .collect()
    };
    let mut ranked: BTreeSet<&str> = has(&candidates).into_iter().collect();
    for by in [RankBy::Impressions, RankBy::Views] {
        for c in candidates.iter_mut() {
            if ranked.contains(c.network) || c.value.is_some() {
                continue;
            }
            c.value = posts.eval(by.label(), c.group).map_err(diag)?.number();
            c.by = by;
        }
        ranked.extend(has(&candidates));
    }
    candidates.retain(|c| c.value.is_some());
    let key = |c: &Candidate| {
        let g = &groups[c.group];
        (g.first, &g.network, &g.account, &g.post)
    };
    candidates.sort_by(|a, b| {
        let (va, vb) = (a.value.unwrap_or(0.0), b.value.unwrap_or(0.0));
        vb.total_cmp(&va).then_with(|| key(a).cmp(&key(b)))
    });
    let mut listed: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for c in candidates {
        let n = listed.entry(c.network).or_default();
        if *n == TOP_POSTS {
            continue;
        }
        *n += 1;
        let g = &groups[c.group];
        let figure = |by: RankBy| (c.by == by).then_some(c.value).flatten();
        out.push((
            c.group,
            TopPost {
                network: c.network.to_string(),
                account: g.account.clone().unwrap_or_default(),
                post: g.post.clone().unwrap_or_default(),
                published: format_day(g.first),
                title: None,
                url: None,
                format: None,
                reach: figure(RankBy::Reach),
                impressions: figure(RankBy::Impressions),
                views: figure(RankBy::Views),
                engagements: None,
                rank_by: c.by,
            },
        ));
    }
    Ok(out)
}

/// The days a chart is drawn for: the data's first day, the day goals are
/// judged as of, and the report's period.
struct ChartSpan {
    first: Day,
    as_of: Day,
    start: Day,
    end: Day,
}

/// One chart per goal (the first of several tables with the same id), with
/// the network whose section shows it.
fn charts(
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
                        (Some(v), Some(b)) if b != 0.0 => Some((v - b) / b.abs() * 100.0),
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
                unit,
                currency: s.ws.currency.clone(),
                target: Some(goal.target),
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
fn chart_periods(cal: &crate::aggregate::Calendar, grain: Grain, span: &ChartSpan) -> Vec<Period> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_goals_show_the_reports_periods() {
        let results = [
            ("once", Some(("2026-07-01", "2026-09-30"))),
            ("each", Some(("2026-08-01", "2026-08-31"))),
            ("each", Some(("2026-09-01", "2026-09-30"))),
            ("weekly", Some(("2026-09-21", "2026-09-27"))),
            ("weekly", Some(("2026-09-28", "2026-10-04"))),
            ("weekly", Some(("2026-10-05", "2026-10-11"))),
            ("old", Some(("2026-06-01", "2026-06-30"))),
            ("old", Some(("2026-07-01", "2026-07-31"))),
            ("none", None),
            // A deadline goal's one result, about its deadline's quarter.
            ("later", Some(("2026-10-01", "2026-12-31"))),
            ("weekly-later", Some(("2026-10-05", "2026-10-11"))),
            ("weekly-later", Some(("2026-10-12", "2026-10-18"))),
        ];
        let keep = shown_results(&results, "2026-09-01", "2026-09-30");
        // Every goal is there: `later` with its one result, `weekly-later`
        // (every result after the report) with its first.
        assert_eq!(
            keep.into_iter().collect::<Vec<_>>(),
            [0, 2, 3, 4, 7, 8, 9, 10]
        );
    }
}
