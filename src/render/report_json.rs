//! `kpiscope report --format json`: the report's model as typed JSON, so
//! that `docs/schema/report.schema.json` is generated from what writes it.

use serde::Serialize;

use super::check::GoalJson;
use super::meta::{Meta, unit_code};
use super::report::{Chart, Figure, FigureKind, Report, TopPost};
use crate::goals::Summary;
use crate::report::model::Better;

/// The periodic report, as `docs/schema/report.schema.json` describes it.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ReportJson<'a> {
    /// The version of this layout: 1.
    version: u32,
    /// `report`.
    command: &'a str,
    #[serde(flatten)]
    meta: Meta,
    /// The workspace's currency code, where it names one.
    currency: Option<&'a str>,
    period: SpanJson<'a>,
    /// The label of the period the figures are compared with.
    previous: Option<&'a str>,
    /// The first and the last day of the data.
    data: DataJson<'a>,
    /// The data ends inside the period.
    in_progress: bool,
    /// Every goal's result in the period, as `check` writes them.
    goals: Vec<GoalJson<'a>>,
    summary: Summary,
    /// Results of goals checked each period, in other periods: counted, not listed.
    other_results: usize,
    /// All networks first (`network` null), then one per network.
    sections: Vec<SectionJson<'a>>,
    /// Networks with records but none of the report's figures.
    quiet_networks: &'a [String],
    /// What differs from the last report's results (goals that recovered
    /// or now fail, restated figures); empty on a first report and with
    /// `--no-history`.
    changes: &'a [crate::history::Change],
}

#[derive(Serialize, schemars::JsonSchema)]
struct SpanJson<'a> {
    label: &'a str,
    start: &'a str,
    end: &'a str,
}

#[derive(Serialize, schemars::JsonSchema)]
struct DataJson<'a> {
    start: &'a str,
    end: &'a str,
}

#[derive(Serialize, schemars::JsonSchema)]
struct SectionJson<'a> {
    network: Option<&'a str>,
    figures: Vec<FigureJson<'a>>,
    /// Figures the data cannot give in either period, left out of `figures`.
    missing: Vec<MissingJson<'a>>,
    top_posts: Vec<PostJson<'a>>,
    /// Posts published in the period.
    posts_seen: usize,
    charts: Vec<ChartJson<'a>>,
    /// A network with a competitor panel: the panel's KPIs per account,
    /// ER by followers per period and account, and the share of voice.
    #[serde(skip_serializing_if = "Option::is_none")]
    panel: Option<PanelJson<'a>>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct PanelJson<'a> {
    /// The KPIs compared, in the order of each account's `values`.
    kpis: Vec<&'a str>,
    accounts: Vec<PanelAccountJson<'a>>,
    /// The periods of `er` per account.
    periods: Vec<&'a str>,
    share_of_voice: Option<f64>,
    share_of_voice_engagement: Option<f64>,
    /// Why `share_of_voice` has no value.
    share_of_voice_reason: Option<&'a str>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct PanelAccountJson<'a> {
    account: &'a str,
    /// `own` or `competitor`.
    role: &'a str,
    /// One per KPI: its value (`null`: no data, with `reason`) and rank.
    values: Vec<PanelValueJson<'a>>,
    /// `er` in each of `periods`; `null` where the account has none.
    er: Vec<Option<f64>>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct PanelValueJson<'a> {
    value: Option<f64>,
    rank: Option<usize>,
    /// How many accounts have a value of the KPI.
    of: usize,
    reason: Option<&'a str>,
}

fn panel(p: &crate::report::model::PanelSection) -> PanelJson<'_> {
    PanelJson {
        kpis: p.kpis.iter().map(|k| k.name.as_str()).collect(),
        accounts: p
            .accounts
            .iter()
            .map(|a| PanelAccountJson {
                account: &a.account,
                role: if a.own { "own" } else { "competitor" },
                values: a
                    .cells
                    .iter()
                    .map(|c| PanelValueJson {
                        value: c.value,
                        rank: c.rank,
                        of: c.of,
                        reason: c.reason.as_deref(),
                    })
                    .collect(),
                er: p
                    .er_lines
                    .iter()
                    .find(|l| l.account == a.account)
                    .map_or_else(|| vec![None; p.er_chart.points.len()], |l| l.values.clone()),
            })
            .collect(),
        periods: p.er_chart.points.iter().map(|q| q.label.as_str()).collect(),
        share_of_voice: p.share_of_voice,
        share_of_voice_engagement: p.share_of_voice_engagement,
        share_of_voice_reason: p.share_of_voice_reason.as_deref(),
    }
}

#[derive(Serialize, schemars::JsonSchema)]
struct MissingJson<'a> {
    /// The KPI or metric, as in `figures`.
    key: &'a str,
    label: &'a str,
    /// The export that would give it, or why the network has none.
    export: String,
}

#[derive(Serialize, schemars::JsonSchema)]
struct FigureJson<'a> {
    /// The KPI or metric shown (`follower_growth`: the change of `followers`).
    key: &'a str,
    label: &'a str,
    /// Which way of change is good news: `higher`, `lower` or `neither`.
    better: &'static str,
    value: Option<f64>,
    previous: Option<f64>,
    /// The change of `value` from `previous`, in %.
    change_pct: Option<f64>,
    /// `follower_growth` only: the growth in % of the followers at the
    /// start of the period (`value` over the followers then).
    growth_pct: Option<f64>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct PostJson<'a> {
    network: &'a str,
    account: &'a str,
    /// The network's id of the post.
    post: &'a str,
    /// The first non-empty line of its text, trimmed, cut at about 120
    /// characters with `…`; null when the export gave no text.
    title: Option<&'a str>,
    /// The link to the post, where the export gave one.
    url: Option<&'a str>,
    /// photo, video, reel, carousel, text, link, story, or the export's own word.
    format: Option<&'a str>,
    /// Its first day in the period.
    published: &'a str,
    reach: Option<f64>,
    impressions: Option<f64>,
    views: Option<f64>,
    engagements: Option<f64>,
    /// The figure it is ranked by: `reach`, else `impressions` (networks
    /// without reach, such as X), else `views`.
    rank_by: &'a str,
}

#[derive(Serialize, schemars::JsonSchema)]
struct ChartJson<'a> {
    goal: &'a str,
    title: &'a str,
    kpi: &'a str,
    unit: &'a str,
    target: Option<String>,
    /// The periods of the goal's results, among `points`.
    results: Vec<&'a str>,
    points: Vec<PointJson<'a>>,
    /// A deadline goal's projection, beyond the last point.
    projection: Option<ProjectionJson<'a>>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct PointJson<'a> {
    label: &'a str,
    /// null: no data in that period (a gap, not a zero).
    value: Option<f64>,
    highlight: bool,
    /// The data covers only part of the period.
    partial: bool,
}

#[derive(Serialize, schemars::JsonSchema)]
struct ProjectionJson<'a> {
    label: &'a str,
    value: f64,
    latest: LatestJson<'a>,
    needed_per_day: Option<f64>,
    trend_per_day: Option<f64>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct LatestJson<'a> {
    label: &'a str,
    value: f64,
}

fn figure(f: &Figure) -> FigureJson<'_> {
    // A growth's own % (of the followers) is no change from the growth
    // before: each has its field.
    let change_pct = match (f.value, f.previous) {
        (Some(v), Some(p)) => crate::kpi::percent_change(v, p),
        _ => None,
    };
    let growth_pct = match f.kind {
        FigureKind::Growth { pct, .. } => pct,
        _ => None,
    };
    FigureJson {
        key: f.key,
        label: &f.label,
        better: match f.better {
            Better::Higher => "higher",
            Better::Lower => "lower",
            Better::Neither => "neither",
        },
        value: f.value,
        previous: f.previous,
        change_pct,
        growth_pct,
    }
}

fn post(p: &TopPost) -> PostJson<'_> {
    PostJson {
        network: &p.network,
        account: &p.account,
        post: &p.post,
        title: p.title.as_deref(),
        url: p.url.as_deref(),
        format: p.format.as_deref(),
        published: &p.published,
        reach: p.reach,
        impressions: p.impressions,
        views: p.views,
        engagements: p.engagements,
        rank_by: p.rank_by.label(),
    }
}

fn chart<'a>(r: &'a Report, c: &'a Chart) -> ChartJson<'a> {
    ChartJson {
        goal: &c.goal_id,
        title: &c.title,
        kpi: &c.kpi,
        unit: unit_code(&c.unit, r.currency.as_deref()),
        target: c.target_text(),
        results: c
            .results
            .iter()
            .filter_map(|&i| r.results.get(i))
            .filter_map(|res| res.period.as_ref().map(|p| p.label.as_str()))
            .collect(),
        points: c
            .points
            .iter()
            .map(|p| PointJson {
                label: &p.label,
                value: p.value,
                highlight: p.highlight,
                partial: p.partial,
            })
            .collect(),
        projection: c.projection.as_ref().map(|p| ProjectionJson {
            label: &p.label,
            value: p.value,
            latest: LatestJson {
                label: &p.latest,
                value: p.latest_value,
            },
            needed_per_day: p.needed_per_day,
            trend_per_day: p.trend_per_day,
        }),
    }
}

pub fn json(r: &Report) -> String {
    let currency = r.currency.as_deref();
    // Machine output: its words are English, whatever the report's locale.
    let english = crate::locale::Locale::default();
    let mut meta = Meta::new(&r.workspace, None);
    meta.as_of = Some(r.as_of.clone());
    let doc = ReportJson {
        version: 1,
        command: "report",
        meta,
        currency,
        period: SpanJson {
            label: &r.period.label,
            start: &r.period.start,
            end: &r.period.end,
        },
        previous: r.previous.as_deref(),
        data: DataJson {
            start: &r.data.0,
            end: &r.data.1,
        },
        in_progress: r.in_progress,
        goals: r
            .results
            .iter()
            .map(|g| super::check::goal_json(g, currency))
            .collect(),
        summary: Summary::of(&r.results),
        other_results: r.other_results,
        sections: r
            .sections
            .iter()
            .map(|s| SectionJson {
                network: s.network.as_deref(),
                figures: s.figures.iter().map(figure).collect(),
                missing: s
                    .missing
                    .iter()
                    .map(|m| MissingJson {
                        key: m.key,
                        label: &m.label,
                        export: english.text(&format!("missing.{}", m.export)),
                    })
                    .collect(),
                top_posts: s.top_posts.iter().map(post).collect(),
                posts_seen: s.posts_seen,
                charts: s.charts.iter().map(|c| chart(r, c)).collect(),
                panel: s.panel.as_ref().map(panel),
            })
            .collect(),
        quiet_networks: &r.quiet_networks,
        changes: &r.since,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
