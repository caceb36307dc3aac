//! The report as a page: every string the HTML template shows, worded and
//! formatted, with the agency's brand. The template (built in, or the
//! workspace's own `[report] template`) only lays it out, so that a designer
//! edits one file and never a number; `docs/report-template.md` lists what
//! it receives.

use base64::Engine;
use serde::Serialize;

use super::people::People;
use super::report::{self, Chart, Figure, Missing, NONE, PostTable, PostWords, Report, Section};
use crate::aggregate::Calendar;
use crate::goals::{Status, Summary};
use crate::locale::{Locale, NO_VALUE};
use crate::workspace::brand::Brand;

#[derive(Serialize)]
pub struct Page {
    pub lang: String,
    /// The browser tab's title and the e-mail's subject.
    pub title: String,
    pub workspace: String,
    /// The period as people name it: `2026-10`.
    pub period: String,
    /// `2026-10-01 to 2026-10-31, compared with 2026-09.`
    pub period_note: String,
    /// `Data from … to …; goals judged as of ….`
    pub data_note: String,
    /// Set when the data ends inside the period.
    pub in_progress: Option<String>,
    pub brand: BrandView,
    pub words: Words,
    pub summary: Option<SummaryView>,
    pub goals: Vec<GoalRow>,
    pub goals_note: Option<String>,
    /// The all-networks section's figures shown as tiles at the top.
    pub highlights: Vec<FigureRow>,
    pub sections: Vec<SectionView>,
    pub quiet_note: Option<String>,
    pub generator: String,
}

#[derive(Serialize)]
pub struct BrandView {
    pub agency: Option<String>,
    /// `Prepared by {agency}`, in the report's language.
    pub prepared_by: Option<String>,
    /// A `data:` URI: the report stays one file.
    pub logo: Option<String>,
    pub primary: String,
    pub accent: String,
    pub intro: Vec<String>,
}

/// The template's own words, in the workspace's language.
#[derive(Serialize)]
pub struct Words {
    pub report: String,
    pub goals: String,
    pub no_goals: String,
    pub status: String,
    pub goal: String,
    pub period: String,
    pub value: String,
    pub target: String,
    pub result: String,
    pub figure: String,
    pub change: String,
    pub key_figures: String,
    pub top_posts: String,
    pub goals_over_time: String,
    pub contents: String,
}

impl Words {
    fn of(loc: &Locale) -> Words {
        let t = |k: &str| loc.text(k);
        Words {
            report: t("report.subtitle"),
            goals: t("section.goals"),
            no_goals: t("goals.none"),
            status: t("column.status"),
            goal: t("column.goal"),
            period: t("column.period"),
            value: t("column.value"),
            target: t("column.target"),
            result: t("column.result"),
            figure: t("column.figure"),
            change: t("column.change"),
            key_figures: t("section.key_figures"),
            top_posts: t("section.top_posts"),
            goals_over_time: t("section.goals_over_time"),
            contents: t("report.contents"),
        }
    }
}

#[derive(Serialize)]
pub struct SummaryView {
    pub text: String,
    pub counts: Vec<StatusCount>,
}

#[derive(Serialize)]
pub struct StatusCount {
    /// `pass`, `warn`, `fail`, `no_data`: a CSS class.
    pub status: &'static str,
    pub label: String,
    pub count: usize,
}

#[derive(Serialize)]
pub struct GoalRow {
    pub status: &'static str,
    pub status_label: String,
    pub id: String,
    pub title: String,
    pub period: String,
    pub value: String,
    pub target: String,
    pub message: String,
    /// What changed since the last report (from the results store).
    pub since: Option<String>,
}

#[derive(Serialize)]
pub struct FigureRow {
    pub key: &'static str,
    pub label: String,
    pub value: String,
    pub previous: String,
    pub change: String,
    /// `good`, `bad` or empty: the change by the figure's better direction.
    pub tone: &'static str,
}

#[derive(Serialize)]
pub struct SectionView {
    /// An HTML id: `all-networks`, `network-instagram`.
    pub id: String,
    pub title: String,
    pub period: String,
    pub previous: String,
    pub figures: Vec<FigureRow>,
    pub missing: Option<String>,
    pub posts: PostsView,
    pub charts: Vec<ChartView>,
    /// The "vs competitors" part of a network with a competitor panel.
    pub panel: Option<PanelView>,
}

/// A network's competitor panel (issue 16), worded: one row per KPI, one
/// column per account (a panel has a handful of accounts, and more KPIs).
#[derive(Serialize)]
pub struct PanelView {
    /// `Instagram vs competitors`.
    pub title: String,
    /// `KPI`, then the accounts (`northwind (own)`).
    pub header: Vec<String>,
    /// Column by column: one of the brand's own accounts.
    pub own: Vec<bool>,
    pub rows: Vec<PanelRowView>,
    /// Said instead of the table when no KPI has a value.
    pub empty: Option<String>,
    /// What a "—" means here, and why each competitor lacks a value.
    pub note: String,
    pub chart_title: String,
    pub svg: Option<String>,
    /// `Share of voice: 33.3%`, and weighted by engagements.
    pub share_of_voice: Vec<String>,
}

#[derive(Serialize)]
pub struct PanelRowView {
    /// The KPI's title.
    pub kpi: String,
    /// Account by account: `57.48% (rank 2 of 4)`, or `—`.
    pub cells: Vec<String>,
}

#[derive(Serialize)]
pub struct PostsView {
    /// `Top posts by reach`.
    pub title: String,
    /// Said instead of a table when there is no post to list.
    pub empty: Option<String>,
    pub header: Vec<String>,
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
    /// The column that names the post, from `links`.
    pub post_column: usize,
    /// Row by row, the post: its headline (else its id) and its link.
    pub links: Vec<PostLink>,
}

#[derive(Serialize)]
pub struct PostLink {
    pub text: String,
    /// A web link to the post, when the export gave one.
    pub url: Option<String>,
    /// `text` is the post's id: no headline in the export.
    pub is_id: bool,
}

#[derive(Serialize)]
pub struct ChartView {
    pub id: String,
    pub title: String,
    pub results: Vec<ChartResult>,
    /// The chart as inline SVG markup (trusted: kpiscope draws it).
    pub svg: String,
    pub legend: String,
}

#[derive(Serialize)]
pub struct ChartResult {
    pub status: &'static str,
    pub status_label: String,
    pub period: Option<String>,
    pub message: String,
}

/// The page of report `r` in `brand`'s colours and `loc`'s words.
pub fn page(r: &Report, brand: &Brand, loc: &Locale, cal: &Calendar) -> Page {
    let people = People {
        loc,
        cal,
        currency: r.currency.as_deref(),
    };
    let p = &people;
    let period = p.period(&r.period.label);
    let previous = r.previous.as_deref().map(|x| p.period(x));
    let (start, end) = (p.day(&r.period.start), p.day(&r.period.end));
    let mut period_note = match &previous {
        Some(prev) => loc.message(
            "report.period_compared",
            &[("start", &start), ("end", &end), ("previous", prev)],
        ),
        None => loc.message("report.period", &[("start", &start), ("end", &end)]),
    };
    period_note.push('.');
    let data_note = loc.message(
        "report.data_note",
        &[
            (
                "data",
                &loc.message(
                    "report.data_range",
                    &[("first", &p.day(&r.data.0)), ("last", &p.day(&r.data.1))],
                ),
            ),
            (
                "judged",
                &loc.message("report.judged_as_of", &[("day", &p.day(&r.as_of))]),
            ),
        ],
    );
    let summary = (!r.results.is_empty()).then(|| {
        let s = Summary::of(&r.results);
        let n = |x: usize| loc.count(x as f64);
        SummaryView {
            text: loc.message(
                "goals.summary",
                &[
                    (
                        "goals",
                        &loc.counted("count.goals", r.results.len() as u64, &[]),
                    ),
                    ("pass", &n(s.pass)),
                    ("warn", &n(s.warn)),
                    ("fail", &n(s.fail)),
                    ("no_data", &n(s.no_data)),
                ],
            ),
            counts: [
                (Status::Pass, s.pass),
                (Status::Warn, s.warn),
                (Status::Fail, s.fail),
                (Status::NoData, s.no_data),
            ]
            .into_iter()
            .map(|(status, count)| StatusCount {
                status: status.as_str(),
                label: p.status(status),
                count,
            })
            .collect(),
        }
    });
    let goals = r
        .results
        .iter()
        .map(|g| GoalRow {
            status: g.status.as_str(),
            status_label: p.status(g.status),
            id: g.goal.id.clone(),
            title: g.goal.title.clone(),
            period: g
                .period
                .as_ref()
                .map_or(NO_VALUE.into(), |x| p.period(&x.label)),
            value: p.result_value(g),
            target: p.result_target(g),
            message: p.result_message(g),
            since: r
                .since
                .iter()
                .find(|c| {
                    c.goal == g.goal.id
                        && c.period.as_deref() == g.period.as_ref().map(|x| x.label.as_str())
                })
                .map(|c| p.since(g, c)),
        })
        .collect();
    let sections: Vec<SectionView> = r
        .sections
        .iter()
        .map(|s| section(r, s, p, &period, previous.as_deref()))
        .collect();
    // The tiles: the all-networks figures a client looks at first.
    let highlights = r
        .sections
        .first()
        .map(|s| {
            s.figures
                .iter()
                .filter(|f| {
                    ["followers", "reach", "engagements", "err", "impressions"].contains(&f.key)
                })
                .take(4)
                .map(|f| figure_row(f, p, &r.as_of))
                .collect()
        })
        .unwrap_or_default();
    Page {
        lang: loc.language().to_string(),
        title: loc.message(
            "report.title",
            &[("workspace", &r.workspace), ("period", &period)],
        ),
        workspace: r.workspace.clone(),
        period,
        period_note,
        data_note,
        in_progress: r.in_progress.then(|| {
            format!(
                "{} {}",
                loc.text("report.in_progress_title"),
                loc.message("report.in_progress", &[("day", &p.day(&r.data.1))])
            )
        }),
        brand: brand_view(brand, loc),
        words: Words::of(loc),
        summary,
        goals,
        goals_note: (r.other_results > 0)
            .then(|| loc.counted("goals.other_results", r.other_results as u64, &[])),
        highlights,
        sections,
        quiet_note: (!r.quiet_networks.is_empty()).then(|| {
            let names: Vec<String> = r.quiet_networks.iter().map(|n| loc.network(n)).collect();
            loc.message("report.quiet_networks", &[("networks", &names.join(", "))])
        }),
        generator: loc.message(
            "report.made_with",
            &[("version", env!("CARGO_PKG_VERSION"))],
        ),
    }
}

/// A figure's row; `as_of` is the day the community is counted on.
fn figure_row(f: &Figure, p: &People, as_of: &str) -> FigureRow {
    FigureRow {
        key: f.key,
        label: figure_label(f.key, p, as_of),
        value: p.figure(f, false),
        previous: p.figure(f, true),
        change: p.change(f),
        tone: f.change_tone(),
    }
}

/// A figure's name in the report's language.
fn figure_label(key: &str, p: &People, as_of: &str) -> String {
    let message = match key {
        "followers" => {
            return p
                .loc
                .message("figure.community_on", &[("day", &p.day(as_of))]);
        }
        "follower_growth" => "figure.follower_growth_period",
        "sessions_new" => "figure.unique_visitors",
        "posting_frequency" => "figure.posting_frequency_per_day",
        "er" => "figure.engagement_rate_by_followers",
        "err" => "figure.engagement_rate_by_reach",
        "sessions" => "figure.social_traffic",
        "cpc" | "cpl" => return p.loc.text(&format!("kpi.{key}")),
        other => return p.loc.text(&format!("figure.{other}")),
    };
    p.loc.text(message)
}

fn brand_view(b: &Brand, loc: &Locale) -> BrandView {
    BrandView {
        agency: b.agency.clone(),
        prepared_by: b
            .agency
            .as_ref()
            .map(|a| loc.message("report.prepared_by", &[("agency", a)])),
        logo: b.logo.as_ref().map(|l| {
            format!(
                "data:{};base64,{}",
                l.media_type,
                base64::engine::general_purpose::STANDARD.encode(&l.bytes)
            )
        }),
        primary: b.primary.clone(),
        accent: b.accent.clone(),
        intro: b.intro.clone(),
    }
}

fn section(
    r: &Report,
    s: &Section,
    p: &People,
    period: &str,
    previous: Option<&str>,
) -> SectionView {
    let id = match &s.network {
        None => "all-networks".to_string(),
        Some(n) => format!(
            "network-{}",
            n.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect::<String>()
        ),
    };
    let figures = s
        .figures
        .iter()
        .map(|f| figure_row(f, p, &r.as_of))
        .collect();
    let label = |m: &Missing| figure_label(m.key, p, &r.as_of);
    SectionView {
        id,
        title: match &s.network {
            None => p.loc.text("section.all_networks"),
            Some(n) => p.loc.network(n),
        },
        period: period.to_string(),
        previous: previous.map_or_else(|| p.loc.text("column.previous"), str::to_string),
        figures,
        missing: report::missing_line(s, p.loc, &label),
        posts: posts(r, s, p),
        charts: s.charts.iter().map(|c| chart(r, c, p)).collect(),
        panel: s.panel.as_ref().map(|panel| panel_view(s, panel, p)),
    }
}

fn posts(r: &Report, s: &Section, p: &People) -> PostsView {
    let loc = p.loc;
    let period = p.period(&r.period.label);
    let empty = s.top_posts.is_empty().then(|| {
        if s.posts_seen == 0 {
            loc.message("posts.none_published", &[("period", &period)])
        } else {
            let figures = ["reach", "impressions", "views"]
                .map(|m| loc.text(&format!("measure.{m}")))
                .join(" / ");
            loc.counted(
                "posts.none_ranked",
                s.posts_seen as u64,
                &[("period", &period), ("figure", &figures)],
            )
        }
    });
    let t = PostTable::worded(
        s,
        &PostWords {
            network: &|n| loc.network(n),
            day: &|d| p.day_short(d),
            format: &|f| {
                loc.raw_text(&format!("format.{f}"))
                    .map_or_else(|| f.to_string(), str::to_string)
            },
            number: &|v| loc.number_up_to(v, 2),
            rank_by: &|b| loc.text(&format!("measure.{}", b.label())),
        },
    );
    let header: Vec<String> = t
        .header
        .iter()
        .map(|h| match *h {
            "#" => "#".to_string(),
            other => loc.text(&format!(
                "column.{}",
                other.to_lowercase().replace(' ', "_")
            )),
        })
        .collect();
    let links = t
        .posts
        .iter()
        .map(|cell| PostLink {
            text: cell.text.clone(),
            // Only web links are made links: a `javascript:` URL in an
            // export must not become one.
            url: cell
                .url
                .clone()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
            is_id: cell.is_id,
        })
        .collect();
    // A figure (or format) no listed post has is a column of dashes: left out (an
    // Instagram post has views, not impressions, since 2025).
    let (mut header, mut numeric, mut rows) = (header, t.numeric, t.rows);
    let empty_columns: Vec<usize> = t
        .header
        .iter()
        .enumerate()
        .filter(|(c, h)| {
            ["Format", "Reach", "Impressions", "Views", "Engagements"].contains(h)
                && rows.iter().all(|r| r[*c] == NONE)
        })
        .map(|(c, _)| c)
        .collect();
    for &c in empty_columns.iter().rev() {
        header.remove(c);
        numeric.remove(c);
        for r in &mut rows {
            r.remove(c);
        }
    }
    let title = match PostTable::ranked_by(s) {
        Some(by) => loc.text(&format!("section.top_posts_by_{}", by.label())),
        None => loc.text("section.top_posts"),
    };
    PostsView {
        title,
        empty,
        header,
        numeric,
        rows,
        post_column: t.post_column,
        links,
    }
}

fn chart(r: &Report, c: &Chart, p: &People) -> ChartView {
    let results = c
        .results
        .iter()
        .map(|&i| {
            let res = &r.results[i];
            ChartResult {
                status: res.status.as_str(),
                status_label: p.status(res.status),
                period: res.period.as_ref().map(|x| p.period(&x.label)),
                message: p.result_message(res),
            }
        })
        .collect();
    let loc = p.loc;
    let mut legend = vec![loc.message(
        "chart.per_period",
        &[("kpi", &kpi_title(&c.kpi, &c.kpi_title, loc))],
    )];
    if let Some(t) = &c.target {
        legend.push(format!(
            "{} {}",
            loc.text("word.target"),
            p.condition(t, &c.unit, c.decimals)
        ));
    }
    if let Some(w) = &c.warn {
        legend.push(format!(
            "{} {}",
            loc.text("word.warn"),
            p.condition(w, &c.unit, c.decimals)
        ));
    }
    legend.push(loc.text("chart.shaded"));
    if c.points.iter().any(|x| x.value.is_none()) {
        legend.push(loc.text("chart.gap"));
    }
    if c.points.iter().any(|x| x.partial && x.value.is_some()) {
        legend.push(loc.text("chart.open_point"));
    }
    if let Some(proj) = &c.projection {
        legend.push(loc.message(
            "chart.projection_legend",
            &[
                ("period", &p.period(&proj.label)),
                ("projection", &p.projection(c, proj)),
            ],
        ));
    }
    let mut legend = legend.join("; ");
    legend.push('.');
    ChartView {
        id: format!("goal-{}", c.goal_id),
        title: c.title.clone(),
        results,
        svg: super::svg::chart(c, p),
        legend,
    }
}

/// `+7,92/jour`.
pub fn per_day(loc: &Locale, x: f64) -> String {
    loc.message("unit.per_day", &[("n", &loc.signed_number_up_to(x, 2))])
}

/// A KPI's title in the report's language (`err` → `Engagement rate by
/// reach (ERR)`); a change goal's chart shows `<kpi> change`.
/// The "vs competitors" part of a section, in the report's words.
fn panel_view(s: &Section, panel: &crate::report::model::PanelSection, p: &People) -> PanelView {
    let loc = p.loc;
    let own = loc.text("panel.own");
    let mut header = vec![loc.text("panel.kpi")];
    header.extend(panel.accounts.iter().map(|a| match a.own {
        true => format!("{} ({own})", a.account),
        false => a.account.clone(),
    }));
    let mut own_columns = vec![false];
    own_columns.extend(panel.accounts.iter().map(|a| a.own));
    let rows = panel
        .kpis
        .iter()
        .enumerate()
        .map(|(k, kpi)| PanelRowView {
            kpi: kpi_title(&kpi.name, &kpi.title, loc),
            cells: panel
                .accounts
                .iter()
                .map(|a| {
                    let c = &a.cells[k];
                    match (c.value, c.rank) {
                        (Some(v), Some(rank)) => format!(
                            "{} ({})",
                            p.value(v, &kpi.unit, 2),
                            loc.message(
                                "panel.rank",
                                &[("rank", &rank.to_string()), ("of", &c.of.to_string())]
                            )
                        ),
                        (Some(v), None) => p.value(v, &kpi.unit, 2),
                        _ => NO_VALUE.to_string(),
                    }
                })
                .collect(),
        })
        .collect();
    let reasons: std::collections::BTreeSet<&str> = panel
        .accounts
        .iter()
        .flat_map(|a| a.cells.iter().filter_map(|c| c.reason.as_deref()))
        .collect();
    let mut note = loc.message("panel.legend", &[("own", &own)]);
    if !reasons.is_empty() {
        note += &format!(" {}", reasons.into_iter().collect::<Vec<_>>().join("; "));
    }
    let chart_title = loc.text("panel.chart");
    let sov = |key: &str, v: Option<f64>| {
        format!(
            "{}: {}",
            loc.text(key),
            v.map_or_else(|| NO_VALUE.to_string(), |v| p.value(v, "%", 2))
        )
    };
    PanelView {
        title: format!(
            "{} {}",
            s.network
                .as_deref()
                .map_or_else(String::new, |n| loc.network(n)),
            loc.text("section.vs_competitors")
        ),
        header,
        own: own_columns,
        rows,
        empty: panel.kpis.is_empty().then(|| loc.text("panel.no_panel")),
        note,
        svg: (!panel.er_lines.is_empty())
            .then(|| super::panel_svg::chart(&panel.er_chart, &panel.er_lines, &chart_title, p)),
        chart_title,
        share_of_voice: vec![
            sov("panel.share_of_voice", panel.share_of_voice),
            sov(
                "panel.share_of_voice_engagement",
                panel.share_of_voice_engagement,
            ),
        ]
        .into_iter()
        .chain(panel.share_of_voice_reason.clone())
        .collect(),
    }
}

pub fn kpi_title(kpi: &str, title: &str, loc: &Locale) -> String {
    match kpi.strip_suffix(" change") {
        Some(k) => format!("{} ({})", kpi_title(k, title, loc), loc.text("word.change")),
        None => loc
            .raw_text(&format!("kpi.{kpi}"))
            .or_else(|| loc.raw_text(&format!("metric.{kpi}")))
            .map(str::to_string)
            .or_else(|| (!title.is_empty()).then(|| title.to_string()))
            .unwrap_or_else(|| kpi.to_string()),
    }
}
