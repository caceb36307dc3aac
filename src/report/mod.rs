//! The report stage: the periodic SMM report of KPIS.md for one period, per
//! network with the all-networks total first, as data ([`model::Report`]).
//!
//! Everything is computed through the same pipeline as `eval` and `check`:
//! views of the loaded cube, the session's evaluator (so a workspace's own
//! `posting_frequency` or `engagements` is the one used), and goal statuses
//! from [`evaluate_in`] on the same cube, as of the report's period.
//! `render` lays the model out; nothing here is worded for people.

mod charts;
mod figures;
mod missing;
pub mod model;
mod panel;
mod posts;
mod shown;
mod value;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::aggregate::period::format_day;
use crate::aggregate::{By, Cube, Filter, Grain, View};
use crate::cli::Range;
use crate::error::{Error, Result};
use crate::goals::evaluate::{evaluate_in, views_of};
use crate::kpi::Evaluator;
use crate::session::{Companion, Session};
use charts::{ChartSpan, charts};
use figures::figures;
use model::{Chart, RankBy, Report, Section, Span, TopPost};
use posts::rank_posts;
use shown::{results_periods, shown_results};
use value::diag;

/// How many posts the report lists per section.
pub const TOP_POSTS: usize = 5;

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
    views.extend(views_of(&s.ws.goals));
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
    // The competitor panel (issue 16), cut at the period's end like the
    // own data: for `rank`/`vs` goals, `panel("...")` and the section.
    let mut panel_views = vec![view(grain, vec![By::Network])];
    panel_views.extend(views_of(&s.ws.goals).iter().map(crate::panel::sums_view));
    panel_views.sort();
    panel_views.dedup();
    let panel = s.load_panel(
        &panel_views,
        &Range {
            from: None,
            to: cut.map(format_day),
            as_of: None,
        },
    )?;
    let goal_evaluators = s.evaluators_with(views_of(&s.ws.goals), &cube, panel.as_ref());
    let mut other_results = 0;
    let results = if s.ws.goals.is_empty() {
        Vec::new()
    } else {
        let all = evaluate_in(
            s,
            &s.ws.goals,
            &cube,
            panel.as_ref(),
            &goal_evaluators,
            Some(as_of),
        )?;
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
    let figures_of = |ev: &Evaluator, scope: &[Option<String>]| {
        let network = scope.first().and_then(|n| n.as_deref());
        figures(ev, scope, network, period, as_of)
    };

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

    let span = ChartSpan {
        first,
        as_of,
        start,
        end,
    };
    let charts = charts(s, &goal_evaluators, &results, span)?;
    let mut charts_of: BTreeMap<Option<String>, Vec<Chart>> = BTreeMap::new();
    for (network, chart) in charts {
        charts_of.entry(network).or_default().push(chart);
    }

    let (top_posts, posts_seen) = top_of(None)?;
    let (figures, missing) = figures_of(&total, &[])?;
    let mut sections = vec![Section {
        network: None,
        figures,
        missing,
        top_posts,
        posts_seen,
        charts: charts_of.remove(&None).unwrap_or_default(),
        panel: None,
    }];
    let mut quiet_networks = Vec::new();
    for n in networks {
        let (figures, missing) = figures_of(&by_network, &[Some(n.clone())])?;
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
        let panel = match &panel {
            Some(p) => panel::section(s, &cube, p, &n, grain, period, &span)?,
            None => None,
        };
        if !has_figures && charts.is_empty() && !goal_networks.contains(&n) && panel.is_none() {
            quiet_networks.push(n);
            continue;
        }
        sections.push(Section {
            network: Some(n),
            figures,
            missing,
            top_posts,
            posts_seen,
            charts,
            panel,
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
        since: Vec::new(),
    })
}
