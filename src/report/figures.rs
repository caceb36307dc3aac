//! The headline figures of a section, as the monthly reports of social media
//! tools give them: the community and its growth, reach, impressions, views,
//! publishing, engagement, clicks, and for paid and web the spend, costs,
//! leads and social traffic. A figure the data cannot give is not a row of
//! "no data": it is left out and named in [`Missing`], with the export that
//! would give it.

use super::missing::export_for;
use super::model::{Better, Figure, FigureKind, Missing};
use super::value::value_in;
use crate::aggregate::period::format_day;
use crate::aggregate::{Day, Period};
use crate::error::Result;
use crate::kpi::Evaluator;

/// The figures after the community, in the report's order: the KPI or
/// metric each shows (a workspace's own script of that name is the one
/// used), its label, how it is shown and which way is good news.
const HEADLINE: &[(&str, &str, FigureKind, Better)] = &[
    ("reach", "Reach", FigureKind::Count, Better::Higher),
    (
        "impressions",
        "Impressions",
        FigureKind::Count,
        Better::Higher,
    ),
    ("views", "Views", FigureKind::Count, Better::Higher),
    (
        "sessions_new",
        "Unique visitors (new sessions)",
        FigureKind::Count,
        Better::Higher,
    ),
    ("posts", "Posts", FigureKind::Count, Better::Neither),
    (
        "posting_frequency",
        "Posting frequency (posts a day)",
        FigureKind::PerDay,
        Better::Neither,
    ),
    (
        "engagements",
        "Engagements",
        FigureKind::Count,
        Better::Higher,
    ),
    (
        "er",
        "Engagement rate by followers",
        FigureKind::Percent,
        Better::Higher,
    ),
    (
        "err",
        "Engagement rate by reach",
        FigureKind::Percent,
        Better::Higher,
    ),
    ("clicks", "Clicks", FigureKind::Count, Better::Higher),
    (
        "sessions",
        "Social traffic (site sessions)",
        FigureKind::Count,
        Better::Higher,
    ),
    ("spend", "Ad spend", FigureKind::Money, Better::Neither),
    (
        "cpc",
        "Cost per click (CPC)",
        FigureKind::Money,
        Better::Lower,
    ),
    ("leads", "Leads", FigureKind::Count, Better::Higher),
    (
        "cpl",
        "Cost per lead (CPL)",
        FigureKind::Money,
        Better::Lower,
    ),
];

/// The key figures of one scope (`network`, `None` for all networks) in
/// `period` and the period before, and those the data cannot give; `end` is
/// the day the community is counted on.
pub fn figures(
    ev: &Evaluator,
    scope: &[Option<String>],
    network: Option<&str>,
    period: Period,
    end: Day,
) -> Result<(Vec<Figure>, Vec<Missing>)> {
    let prev = period.previous();
    let prev2 = prev.and_then(Period::previous);
    let at = |p: Option<Period>, name: &str| value_in(ev, scope, p, name);
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
    let mut all = vec![
        Figure {
            key: "followers",
            label: format!("Community: followers on {}", format_day(end)),
            kind: FigureKind::Count,
            better: Better::Higher,
            value: followers[0],
            previous: followers[1],
        },
        Figure {
            key: "follower_growth",
            label: "Follower growth over the period".into(),
            kind: FigureKind::Growth { pct, previous_pct },
            better: Better::Higher,
            value: g,
            previous: g_prev,
        },
    ];
    for &(key, label, kind, better) in HEADLINE {
        all.push(Figure {
            key,
            label: label.into(),
            kind,
            better,
            value: at(Some(period), key)?,
            previous: at(prev, key)?,
        });
    }
    let (shown, absent): (Vec<Figure>, Vec<Figure>) = all
        .into_iter()
        .partition(|f| f.value.is_some() || f.previous.is_some());
    let missing = absent
        .into_iter()
        .map(|f| Missing {
            key: f.key,
            label: f.label,
            export: export_for(f.key, network),
        })
        .collect();
    Ok((shown, missing))
}
