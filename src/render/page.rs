//! The report as a page: every string the HTML template shows, worded and
//! formatted, with the agency's brand. The template (built in, or the
//! workspace's own `[report] template`) only lays it out, so that a designer
//! edits one file and never a number; `docs/report-template.md` lists what
//! it receives.

use base64::Engine;
use serde::Serialize;

use super::report::{
    self, Chart, NONE, PostTable, Report, Section, result_target, result_value, status_label,
    summary_line,
};
use crate::goals::{Status, Summary};
use crate::workspace::brand::Brand;

#[derive(Serialize)]
pub struct Page {
    pub lang: &'static str,
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
    /// A `data:` URI: the report stays one file.
    pub logo: Option<String>,
    pub primary: String,
    pub accent: String,
    pub intro: Vec<String>,
}

/// The template's own words.
#[derive(Serialize)]
pub struct Words {
    pub report: &'static str,
    pub prepared_by: &'static str,
    pub goals: &'static str,
    pub no_goals: &'static str,
    pub status: &'static str,
    pub goal: &'static str,
    pub period: &'static str,
    pub value: &'static str,
    pub target: &'static str,
    pub result: &'static str,
    pub figure: &'static str,
    pub change: &'static str,
    pub key_figures: &'static str,
    pub top_posts: &'static str,
    pub goals_over_time: &'static str,
    pub contents: &'static str,
}

const ENGLISH: Words = Words {
    report: "Social media report",
    prepared_by: "Prepared by",
    goals: "Goals",
    no_goals: "The workspace has no goals.",
    status: "Status",
    goal: "Goal",
    period: "Period",
    value: "Value",
    target: "Target",
    result: "Result",
    figure: "Figure",
    change: "Change",
    key_figures: "Key figures",
    top_posts: "Top posts",
    goals_over_time: "Goals over time",
    contents: "Contents",
};

#[derive(Serialize)]
pub struct SummaryView {
    pub text: String,
    pub counts: Vec<StatusCount>,
}

#[derive(Serialize)]
pub struct StatusCount {
    /// `pass`, `warn`, `fail`, `no_data`: a CSS class.
    pub status: &'static str,
    pub label: &'static str,
    pub count: usize,
}

#[derive(Serialize)]
pub struct GoalRow {
    pub status: &'static str,
    pub status_label: &'static str,
    pub id: String,
    pub title: String,
    pub period: String,
    pub value: String,
    pub target: String,
    pub message: String,
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
}

#[derive(Serialize)]
pub struct PostsView {
    /// `Top posts by reach`.
    pub title: String,
    /// Said instead of a table when there is no post to list.
    pub empty: Option<String>,
    pub header: Vec<&'static str>,
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
    pub post_column: usize,
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
    pub status_label: &'static str,
    pub period: Option<String>,
    pub message: String,
}

/// The page of report `r` in `brand`'s colours.
pub fn page(r: &Report, brand: &Brand) -> Page {
    let currency = r.currency.as_deref();
    let mut period_note = format!("{} to {}", r.period.start, r.period.end);
    if let Some(p) = &r.previous {
        period_note += &format!(", compared with {p}");
    }
    period_note.push('.');
    let summary = (!r.results.is_empty()).then(|| {
        let s = Summary::of(&r.results);
        SummaryView {
            text: summary_line(&r.results),
            counts: [
                (Status::Pass, s.pass),
                (Status::Warn, s.warn),
                (Status::Fail, s.fail),
                (Status::NoData, s.no_data),
            ]
            .into_iter()
            .map(|(status, count)| StatusCount {
                status: status.as_str(),
                label: status_label(status),
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
            status_label: status_label(g.status),
            id: g.goal.id.clone(),
            title: g.goal.title.clone(),
            period: g.period.as_ref().map_or(NONE.into(), |p| p.label.clone()),
            value: result_value(g, currency),
            target: result_target(g, currency),
            message: g.message.clone(),
        })
        .collect();
    let sections: Vec<SectionView> = r.sections.iter().map(|s| section(r, s)).collect();
    // The tiles: the all-networks figures a client looks at first.
    let highlights = sections
        .first()
        .map(|s| {
            s.figures
                .iter()
                .filter(|f| {
                    ["followers", "reach", "engagements", "err", "impressions"].contains(&f.key)
                })
                .take(4)
                .map(|f| FigureRow {
                    key: f.key,
                    label: f.label.clone(),
                    value: f.value.clone(),
                    previous: f.previous.clone(),
                    change: f.change.clone(),
                    tone: f.tone,
                })
                .collect()
        })
        .unwrap_or_default();
    Page {
        lang: "en",
        title: format!(
            "{}: social media report for {}",
            r.workspace, r.period.label
        ),
        workspace: r.workspace.clone(),
        period: r.period.label.clone(),
        period_note,
        data_note: format!(
            "Data from {} to {}; goals judged as of {}.",
            r.data.0, r.data.1, r.as_of
        ),
        in_progress: r.in_progress.then(|| {
            format!(
                "The period is still in progress: the data ends on {}.",
                r.data.1
            )
        }),
        brand: brand_view(brand),
        words: ENGLISH,
        summary,
        goals,
        goals_note: report::other_results_note(r),
        highlights,
        sections,
        quiet_note: (!r.quiet_networks.is_empty()).then(|| {
            format!(
                "Not shown: {}, with records but none of the figures above.",
                r.quiet_networks.join(", ")
            )
        }),
        generator: format!("Made with kpiscope {}.", env!("CARGO_PKG_VERSION")),
    }
}

fn brand_view(b: &Brand) -> BrandView {
    BrandView {
        agency: b.agency.clone(),
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

fn section(r: &Report, s: &Section) -> SectionView {
    let currency = r.currency.as_deref();
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
        .map(|f| FigureRow {
            key: f.key,
            label: f.label.clone(),
            value: f.value_text(currency),
            previous: f.previous_text(currency),
            change: f.change_text(),
            tone: f.change_tone(),
        })
        .collect();
    SectionView {
        id,
        title: s.title(),
        period: r.period.label.clone(),
        previous: r.previous.clone().unwrap_or_else(|| "Previous".into()),
        figures,
        missing: report::missing_line(s),
        posts: posts(r, s),
        charts: s.charts.iter().map(|c| chart(r, c)).collect(),
    }
}

fn posts(r: &Report, s: &Section) -> PostsView {
    let empty = s.top_posts.is_empty().then(|| {
        if s.posts_seen == 0 {
            format!("No post was published in {}.", r.period.label)
        } else {
            format!(
                "None of the {} published in {} has a reach figure.",
                super::count(s.posts_seen, "post", "posts"),
                r.period.label
            )
        }
    });
    let t = PostTable::of(s);
    PostsView {
        title: "Top posts by reach".into(),
        empty,
        header: t.header,
        numeric: t.numeric,
        rows: t.rows,
        post_column: t.post_column,
    }
}

fn chart(r: &Report, c: &Chart) -> ChartView {
    let results = c
        .results
        .iter()
        .map(|&i| {
            let res = &r.results[i];
            ChartResult {
                status: res.status.as_str(),
                status_label: status_label(res.status),
                period: res.period.as_ref().map(|p| p.label.clone()),
                message: res.message.clone(),
            }
        })
        .collect();
    let mut legend = format!("{} per period", c.kpi);
    if let Some(t) = c.target_text() {
        legend += &format!("; dashed: {t}");
    }
    if let Some(w) = &c.warn {
        legend += &format!(
            "; dotted amber: warn {}",
            report::condition_text(w, &c.unit, c.currency.as_deref())
        );
    }
    legend += "; shaded: the period this report looks at";
    if c.points.iter().any(|p| p.value.is_none()) {
        legend += "; a gap is a period without data";
    }
    if c.points.iter().any(|p| p.partial && p.value.is_some()) {
        legend += "; an open point is a period the data covers only in part";
    }
    if let Some(p) = &c.projection {
        legend += &format!(
            "; dotted: the trend projected to {}, the deadline's period ({})",
            p.label,
            p.text(c)
        );
    }
    legend.push('.');
    ChartView {
        id: format!("goal-{}", c.goal_id),
        title: c.title.clone(),
        results,
        svg: super::svg::chart(c),
        legend,
    }
}
