//! The periodic report as data: what the report stage computed for one
//! period, before any wording or layout. `render` turns it into Markdown,
//! HTML, e-mail or JSON; nothing here is formatted for people.

use crate::goals::GoalResult;

pub struct Report {
    pub workspace: String,
    /// The workspace's currency, shown with currency values.
    pub currency: Option<String>,
    pub period: Span,
    /// The period before, whose figures the report compares with.
    pub previous: Option<String>,
    /// First and last day of the data.
    pub data: (String, String),
    /// The day goals were judged as of: the period's last day, or the data's
    /// last day when the period is still in progress.
    pub as_of: String,
    /// The data ends inside the period.
    pub in_progress: bool,
    /// The goal results of the period, as `check` gives them: one per goal,
    /// or several for a goal checked in each of several periods.
    pub results: Vec<GoalResult>,
    /// Results of such goals in other periods: not listed (their charts show
    /// that history), but counted, so that the report says so.
    pub other_results: usize,
    /// All networks first, then one per network.
    pub sections: Vec<Section>,
    /// Networks that have records but none of the report's figures (a
    /// website's `web` sessions, say): named, so nothing disappears silently.
    pub quiet_networks: Vec<String>,
    /// What changed since the last report, from the results store: goals
    /// that recovered or now fail, figures restated. Filled by the command
    /// that records the report (the model is the same with `--no-history`).
    pub since: Vec<crate::history::Change>,
}

/// A period as the report names it.
pub struct Span {
    pub label: String,
    pub start: String,
    pub end: String,
}

pub struct Section {
    /// `None`: all networks together.
    pub network: Option<String>,
    pub figures: Vec<Figure>,
    /// Figures the data cannot give, with the export that would.
    pub missing: Vec<Missing>,
    pub top_posts: Vec<TopPost>,
    /// Posts published in the period (some may lack a reach figure).
    pub posts_seen: usize,
    /// One per goal on this scope, in the order of kpiscope.toml.
    pub charts: Vec<Chart>,
    /// The network's competitor panel, when it has one.
    pub panel: Option<PanelSection>,
}

/// One key figure of a section, in the period and the one before.
pub struct Figure {
    /// The KPI or metric it shows (`follower_growth`: the change of
    /// `followers`), for a renderer to name it in its own words.
    pub key: &'static str,
    pub label: String,
    pub kind: FigureKind,
    /// Which way of change is good news: a falling CPC is.
    pub better: Better,
    pub value: Option<f64>,
    pub previous: Option<f64>,
}

/// A figure the data cannot give in either period: left out of the table,
/// named once with the export that would give it.
pub struct Missing {
    pub key: &'static str,
    pub label: String,
    pub export: &'static str,
}

/// The direction in which a figure improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    /// Neither is good news in itself (spend, the number of posts).
    Neither,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FigureKind {
    /// A count: `224,362`; the change is shown in %.
    Count,
    /// Posts a day: `0.58`.
    PerDay,
    /// A rate in %: `4.02%`; the change is shown in points.
    Percent,
    /// An amount in the workspace's currency: `0.44 EUR`.
    Money,
    /// A difference of counts: `+1,583 (+5.1%)`, with the % of growth of
    /// the period and of the one before.
    Growth {
        pct: Option<f64>,
        previous_pct: Option<f64>,
    },
}

#[derive(Debug, Clone)]
pub struct TopPost {
    pub network: String,
    pub account: String,
    pub post: String,
    /// Its first day in the period: its publish day, where post metrics count.
    pub published: String,
    /// The first non-empty line of its text, trimmed and cut at about 120
    /// characters; `None` when the export gave no text.
    pub title: Option<String>,
    pub url: Option<String>,
    /// `photo`, `video`, `reel`, `carousel`, `text`, `link`, `story`, or the
    /// export's own word.
    pub format: Option<String>,
    pub reach: Option<f64>,
    pub impressions: Option<f64>,
    pub views: Option<f64>,
    pub engagements: Option<f64>,
    /// The figure that ranked it (it has a value).
    pub rank_by: RankBy,
}

impl TopPost {
    /// Its figure `by`.
    pub fn rank_value_of(&self, by: RankBy) -> Option<f64> {
        match by {
            RankBy::Reach => self.reach,
            RankBy::Impressions => self.impressions,
            RankBy::Views => self.views,
        }
    }

    /// The value it was ranked on.
    pub fn rank_value(&self) -> f64 {
        self.rank_value_of(self.rank_by).unwrap_or(0.0)
    }
}

/// The figure a network's posts are ranked by: reach where its posts have
/// one; else impressions (X gives no reach); else views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankBy {
    Reach,
    Impressions,
    Views,
}

impl RankBy {
    /// In the order they are tried.
    pub const ALL: [RankBy; 3] = [RankBy::Reach, RankBy::Impressions, RankBy::Views];

    /// The metric's name, as JSON and the tables say it.
    pub fn label(self) -> &'static str {
        match self {
            RankBy::Reach => "reach",
            RankBy::Impressions => "impressions",
            RankBy::Views => "views",
        }
    }
}

/// A goal KPI over the periods up to the report's, at the goal's grain.
pub struct Chart {
    pub goal_id: String,
    pub title: String,
    pub kpi: String,
    /// The KPI's title from its doc comment, for a KPI the report's
    /// language has no words for (a workspace's own).
    pub kpi_title: String,
    pub unit: String,
    pub currency: Option<String>,
    /// The goal's pass condition, when it is on the KPI's value.
    pub target: Option<crate::goals::Condition>,
    /// The goal's warn condition, drawn beside the target.
    pub warn: Option<crate::goals::Condition>,
    pub points: Vec<Point>,
    /// Indices into [`Report::results`]: this goal's results.
    pub results: Vec<usize>,
    /// A deadline goal's projection, drawn beyond the last point.
    pub projection: Option<ChartProjection>,
    /// The decimals the goal is judged at (two, or those of a finer bound):
    /// values and the target are shown with as many.
    pub decimals: usize,
}

/// Where a deadline goal is heading: the value projected for the deadline's
/// period, `periods_after` periods after the chart's last point, drawn from
/// the point of `latest` (the last period the trend was fitted on).
pub struct ChartProjection {
    pub label: String,
    pub value: f64,
    pub periods_after: usize,
    pub latest: String,
    /// The value of `latest`, the pace still needed from it to the deadline
    /// and the trend's pace, both per day (as the goal's message gives them).
    pub latest_value: f64,
    pub needed_per_day: Option<f64>,
    pub trend_per_day: Option<f64>,
}

pub struct Point {
    pub label: String,
    /// `None`: no data in that period (a gap, not a zero).
    pub value: Option<f64>,
    /// The report's period (or the period the goal was judged on).
    pub highlight: bool,
    /// The data covers only part of the period (it starts or stops in it).
    pub partial: bool,
}

/// A network's competitor panel in the report's period (issue 16): the
/// panel's comparable KPIs for each account with its rank, ER by followers
/// over time one line per account, and the brand's share of voice.
pub struct PanelSection {
    /// The table's KPI columns: comparable KPIs that some account has a
    /// value of in the period.
    pub kpis: Vec<PanelKpi>,
    /// One row per account: the own ones first, then the competitors.
    pub accounts: Vec<PanelAccount>,
    /// `er` per period up to the report's, one line per account.
    pub er_chart: Chart,
    pub er_lines: Vec<PanelLine>,
    /// The own accounts' share of the network's mentions and engagements.
    pub share_of_voice: Option<f64>,
    pub share_of_voice_engagement: Option<f64>,
    /// Why share of voice has no value (`mentions` in no export, say).
    pub share_of_voice_reason: Option<String>,
}

pub struct PanelKpi {
    pub name: String,
    /// Its title from its doc comment (see [`Chart::kpi_title`]).
    pub title: String,
    pub unit: String,
}

pub struct PanelAccount {
    pub account: String,
    pub own: bool,
    /// One per [`PanelSection::kpis`].
    pub cells: Vec<PanelCell>,
}

pub struct PanelCell {
    pub value: Option<f64>,
    /// 1 the best among the accounts with a value.
    pub rank: Option<usize>,
    /// How many accounts have a value of the KPI (the rank is "of" them).
    pub of: usize,
    /// Why there is no value: `not public: followers is not in ...`.
    pub reason: Option<String>,
}

/// One account's line on the panel's chart.
pub struct PanelLine {
    pub account: String,
    pub own: bool,
    /// One per point of [`PanelSection::er_chart`]; `None` is a gap.
    pub values: Vec<Option<f64>>,
}
