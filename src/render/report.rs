//! The periodic report as data (what `kpiscope report` computed) and the
//! wording both renderers share, so that the Markdown and the HTML report say
//! the same thing in the same words and differ only in layout.

use crate::goals::condition::fmt_number;
use crate::goals::{Condition, GoalResult, Measure, Status};
pub use crate::report::model::{
    Better, Chart, ChartProjection, Figure, FigureKind, Missing, Point, RankBy, Report, Section,
    Span, TopPost,
};

/// What "no value" looks like: never a fake zero.
pub const NONE: &str = "—";

impl Section {
    pub fn title(&self) -> String {
        match &self.network {
            None => "All networks".into(),
            Some(n) => n.clone(),
        }
    }
}

impl Figure {
    pub fn value_text(&self, currency: Option<&str>) -> String {
        self.text(self.value, self.growth_pct(false), currency)
    }

    pub fn previous_text(&self, currency: Option<&str>) -> String {
        self.text(self.previous, self.growth_pct(true), currency)
    }

    fn growth_pct(&self, previous: bool) -> Option<f64> {
        match self.kind {
            FigureKind::Growth { pct, previous_pct } => {
                if previous {
                    previous_pct
                } else {
                    pct
                }
            }
            _ => None,
        }
    }

    fn text(&self, v: Option<f64>, pct: Option<f64>, currency: Option<&str>) -> String {
        let Some(v) = v else { return NONE.into() };
        match self.kind {
            FigureKind::Count => count(v),
            FigureKind::PerDay => fmt_number(v),
            FigureKind::Percent => with_unit(v, "%", currency),
            FigureKind::Money => with_unit(v, "currency", currency),
            FigureKind::Growth { .. } => match pct {
                Some(p) => format!("{} ({})", signed(v, count), signed(p, percent)),
                None => signed(v, count),
            },
        }
    }

    /// Whether the change is good or bad news, by the figure's `better`
    /// direction (a falling CPC is good news): `"good"`, `"bad"`, or `""`
    /// when it is neither or there is no change to judge.
    pub fn change_tone(&self) -> &'static str {
        let delta = match (self.kind, self.value, self.previous) {
            (FigureKind::Growth { .. }, Some(v), _) => v,
            (_, Some(v), Some(p)) => v - p,
            _ => return "",
        };
        // No tone for a change that shows as none (`0 pts`, `+0%`): a rate
        // of 4.0199 against 4.02 is no bad news.
        let shown_zero = match (self.kind, self.value, self.previous) {
            (FigureKind::Percent, _, _) => (delta * 100.0).round() == 0.0,
            (FigureKind::Growth { .. }, _, _) => delta.round() == 0.0,
            (_, Some(v), Some(p)) => {
                crate::kpi::percent_change(v, p).is_some_and(|c| (c * 10.0).round() == 0.0)
            }
            _ => false,
        };
        if shown_zero {
            return "";
        }
        match (self.better, delta.partial_cmp(&0.0)) {
            (Better::Higher, Some(std::cmp::Ordering::Greater))
            | (Better::Lower, Some(std::cmp::Ordering::Less)) => "good",
            (Better::Higher, Some(std::cmp::Ordering::Less))
            | (Better::Lower, Some(std::cmp::Ordering::Greater)) => "bad",
            _ => "",
        }
    }

    /// The change from the previous period in %, of a rate in points
    /// (`+0.5 pts`: a rate going from 4% to 4.5%); empty for a growth (it is
    /// a change already), "—" when either value is missing or the previous is 0.
    pub fn change_text(&self) -> String {
        match self.kind {
            FigureKind::Growth { .. } => return String::new(),
            FigureKind::Percent => {
                return match (self.value, self.previous) {
                    (Some(v), Some(p)) => format!("{} pts", signed(v - p, fmt_number)),
                    _ => NONE.into(),
                };
            }
            _ => {}
        }
        match (self.value, self.previous) {
            (Some(v), Some(p)) => {
                crate::kpi::percent_change(v, p).map_or_else(|| NONE.into(), |c| signed(c, percent))
            }
            _ => NONE.into(),
        }
    }
}

/// The one line under a section's figures naming those the data cannot
/// give, each with the export that would (`missing.*` in the locale's
/// words): figures that share an export are named together.
pub fn missing_line(
    s: &Section,
    loc: &crate::locale::Locale,
    label: &dyn Fn(&Missing) -> String,
) -> Option<String> {
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for m in &s.missing {
        match groups.iter_mut().find(|(e, _)| *e == m.export) {
            Some((_, labels)) => labels.push(label(m)),
            None => groups.push((m.export, vec![label(m)])),
        }
    }
    (!groups.is_empty()).then(|| {
        let items: Vec<String> = groups
            .iter()
            .map(|(export, labels)| {
                loc.message(
                    "missing.item",
                    &[
                        ("figures", &labels.join(", ")),
                        ("export", &loc.text(&format!("missing.{export}"))),
                    ],
                )
            })
            .collect();
        loc.message("missing.line", &[("items", &items.join("; "))])
    })
}

/// The top posts of a section as plain text, for each format to mark up:
/// the all-networks section has a network column, and a column that says
/// which figure ranks each row (networks without reach rank by another).
pub struct PostTable {
    pub header: Vec<&'static str>,
    /// Right-aligned (numbers) columns.
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
    /// The column that names the post: its headline, else its id.
    pub post_column: usize,
    /// Row by row, what the post column shows.
    pub posts: Vec<PostCell>,
}

/// How a top-posts table words its cells: the network, the publish day
/// (`YYYY-MM-DD`), the format, a figure, the figure that ranked a post.
pub struct PostWords<'a> {
    pub network: &'a dyn Fn(&str) -> String,
    pub day: &'a dyn Fn(&str) -> String,
    pub format: &'a dyn Fn(&str) -> String,
    pub number: &'a dyn Fn(f64) -> String,
    pub rank_by: &'a dyn Fn(RankBy) -> String,
}

/// How a post is named in its table: by its headline, linked to the post
/// when the export gave a link; by its id (shown as code) when it has no text.
pub struct PostCell {
    pub text: String,
    pub url: Option<String>,
    /// `text` is the post's id, not its headline.
    pub is_id: bool,
}

impl PostTable {
    /// The heading of a section's top posts: `Top posts by reach`, by the
    /// figure that ranks them all, or `Top posts` when networks rank by
    /// different figures (the table then says which, row by row).
    pub fn title(s: &Section) -> String {
        match Self::ranked_by(s) {
            Some(by) => format!("Top posts by {}", by.label()),
            None => "Top posts".into(),
        }
    }

    /// The figure that ranks every listed post, if one does (reach when
    /// none is listed).
    pub fn ranked_by(s: &Section) -> Option<RankBy> {
        let mut by = s.top_posts.iter().map(|p| p.rank_by);
        let first = by.next().unwrap_or(RankBy::Reach);
        by.all(|b| b == first).then_some(first)
    }

    /// The table in English, as the Markdown report shows it.
    pub fn of(s: &Section) -> PostTable {
        Self::worded(
            s,
            &PostWords {
                network: &|n| n.to_string(),
                day: &|d| d.to_string(),
                format: &|f| f.to_string(),
                number: &count,
                rank_by: &|b| b.label().to_string(),
            },
        )
    }

    /// The table with its cells worded by `w`.
    pub fn worded(s: &Section, w: &PostWords) -> PostTable {
        let all = s.network.is_none();
        let views = s.top_posts.iter().any(|p| p.rank_by == RankBy::Views);
        let mut header = vec!["#"];
        let mut numeric = vec![true];
        if all {
            header.push("Network");
            numeric.push(false);
        }
        let post_column = header.len() + 1;
        header.extend([
            "Account",
            "Post",
            "Format",
            "Published",
            "Reach",
            "Impressions",
        ]);
        numeric.extend([false, false, false, false, true, true]);
        if views {
            header.push("Views");
            numeric.push(true);
        }
        header.push("Engagements");
        numeric.push(true);
        if all {
            header.push("Ranked by");
            numeric.push(false);
        }
        let figure = |v: Option<f64>| v.map_or_else(|| NONE.into(), w.number);
        let mut posts = Vec::new();
        let rows = s
            .top_posts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let cell = match &p.title {
                    Some(t) => PostCell {
                        text: t.clone(),
                        url: p.url.clone(),
                        is_id: false,
                    },
                    None => PostCell {
                        text: p.post.clone(),
                        url: p.url.clone(),
                        is_id: true,
                    },
                };
                let mut row = vec![(i + 1).to_string()];
                if all {
                    row.push((w.network)(&p.network));
                }
                row.extend([
                    p.account.clone(),
                    cell.text.clone(),
                    p.format.as_deref().map_or_else(|| NONE.into(), w.format),
                    (w.day)(&p.published),
                    figure(p.reach),
                    figure(p.impressions),
                ]);
                if views {
                    row.push(figure(p.views));
                }
                row.push(figure(p.engagements));
                if all {
                    row.push((w.rank_by)(p.rank_by));
                }
                posts.push(cell);
                row
            })
            .collect();
        PostTable {
            header,
            numeric,
            rows,
            post_column,
            posts,
        }
    }
}

impl ChartProjection {
    /// `10,252 projected for 2026-12; needs +9.09/day from 9,800, trend +4.7/day`.
    pub fn text(&self, c: &Chart) -> String {
        let mut out = format!(
            "{} projected for {}",
            c.value_text(Some(self.value)),
            self.label
        );
        if let Some(n) = self.needed_per_day {
            out += &format!(
                "; needs {} from {} ({})",
                per_day(n),
                c.value_text(Some(self.latest_value)),
                self.latest
            );
        }
        if let Some(t) = self.trend_per_day {
            out += &format!(", trend {}", per_day(t));
        }
        out
    }
}

/// `+9.09/day`, `-2/day`.
pub fn per_day(x: f64) -> String {
    format!("{}/day", signed(x, fmt_number))
}

impl Chart {
    /// A value with the KPI's unit and the workspace's currency: `7.92%`, `0.54 EUR`.
    pub fn value_text(&self, v: Option<f64>) -> String {
        match v {
            Some(v) => with_unit_at(v, &self.unit, self.currency.as_deref(), self.decimals),
            None => NONE.into(),
        }
    }

    /// `target >= 4%`, for the chart's dashed line.
    pub fn target_text(&self) -> Option<String> {
        self.target.map(|t| {
            format!(
                "target {}",
                condition_text_at(&t, &self.unit, self.currency.as_deref(), self.decimals)
            )
        })
    }
}

/// `0.54 EUR` for currency KPIs, `7.92%`, `12 s`, `1.5`, `8,800`: the
/// thousands grouped, as in the report's figures.
pub fn with_unit(v: f64, unit: &str, currency: Option<&str>) -> String {
    with_unit_at(v, unit, currency, crate::goals::condition::SHOWN_DECIMALS)
}

/// [`with_unit`] with up to `decimals` decimals.
pub fn with_unit_at(v: f64, unit: &str, currency: Option<&str>, decimals: usize) -> String {
    let n = count_at(v, decimals);
    let s = match unit {
        "%" => format!("{n}%"),
        "seconds" => format!("{n} s"),
        "x" => format!("{n}x"),
        _ => n,
    };
    money(s, unit, currency)
}

/// A condition with its values in `unit`: `>= 5,000`, `between 2% and 5%`.
pub fn condition_text(c: &Condition, unit: &str, currency: Option<&str>) -> String {
    condition_text_at(c, unit, currency, c.decimals())
}

/// [`condition_text`] with up to `decimals` decimals.
fn condition_text_at(c: &Condition, unit: &str, currency: Option<&str>, decimals: usize) -> String {
    let v = |x: f64| with_unit_at(x, unit, currency, decimals);
    match *c {
        Condition::Cmp(op, x) => format!("{op} {}", v(x)),
        Condition::Between(a, b) => format!("between {} and {}", v(a), v(b)),
    }
}

fn money(s: String, unit: &str, currency: Option<&str>) -> String {
    match (unit, currency) {
        ("currency", Some(c)) => format!("{s} {c}"),
        _ => s,
    }
}

/// A goal result's value with its unit, "—" without one.
pub fn result_value(r: &GoalResult, currency: Option<&str>) -> String {
    r.value.map_or_else(
        || NONE.into(),
        |v| with_unit_at(v, &r.unit, currency, r.goal.decimals()),
    )
}

/// The goal's condition as people read it: `>= 4% (warn >= 3%)`.
pub fn result_target(r: &GoalResult, currency: Option<&str>) -> String {
    let g = &r.goal;
    let (target, warn) = (
        condition_text_at(&g.target, &r.unit, currency, g.decimals()),
        g.warn
            .map(|w| condition_text_at(&w, &r.unit, currency, g.decimals())),
    );
    // A change goal's condition is on the change; a deadline's on the value
    // projected to it.
    let target = Some(match (&g.against, g.measure) {
        (Some(a), measure) => match (&a.what, &a.gate) {
            (crate::goals::against::Versus::Rank, None) => format!("rank {target}"),
            (crate::goals::against::Versus::Rank, Some((c, _))) => format!(
                "rank {target} by change, change {}",
                condition_text_at(c, "%", currency, c.decimals())
            ),
            (crate::goals::against::Versus::Vs { reference, .. }, _) => match measure {
                Measure::Change => format!("change {target} vs {reference}"),
                _ => format!("{target} vs {reference}"),
            },
        },
        (None, Measure::Value) => target,
        (None, Measure::Change) => format!("change {target}"),
        (None, Measure::Deadline(day)) => {
            format!("{target} by {}", crate::aggregate::period::format_day(day))
        }
    });
    match (target, warn) {
        (Some(t), Some(w)) => format!("{t} (warn {w})"),
        (Some(t), None) => t,
        (None, _) => NONE.into(),
    }
}

/// A status as a word with a sign, so that it never relies on colour alone.
pub fn status_label(s: Status) -> &'static str {
    match s {
        Status::Pass => "✓ pass",
        Status::Warn => "! warn",
        Status::Fail => "✗ fail",
        Status::NoData => "– no data",
    }
}

/// `4 goals: 3 pass, 1 warn, 0 fail, 0 no data` (one count per result).
pub fn summary_line(results: &[GoalResult]) -> String {
    let s = crate::goals::Summary::of(results);
    format!(
        "{}: {} pass, {} warn, {} fail, {} no data",
        super::goals_counted(results),
        s.pass,
        s.warn,
        s.fail,
        s.no_data
    )
}

/// The note under the goals table when results of other periods are left out.
pub fn other_results_note(r: &Report) -> Option<String> {
    (r.other_results > 0).then(|| {
        format!(
            "{} {} not listed (those of goals checked in each period are in their charts).",
            super::count(
                r.other_results,
                "result for another period",
                "results for other periods"
            ),
            if r.other_results == 1 { "is" } else { "are" }
        )
    })
}

/// `224,362`; decimals (at most two) are kept: `1,234.5`.
pub fn count(x: f64) -> String {
    count_at(x, crate::goals::condition::SHOWN_DECIMALS)
}

/// [`count`] with up to `decimals` decimals.
fn count_at(x: f64, decimals: usize) -> String {
    let s = crate::goals::condition::fmt_decimals(x, decimals);
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

fn percent(x: f64) -> String {
    // One decimal is what a growth figure needs; more is noise.
    let s = format!("{x:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s).to_string();
    if s == "-0" {
        "0%".into()
    } else {
        format!("{s}%")
    }
}

/// A change with its sign: `+1,583`, `-2.5%`, `0`.
fn signed(x: f64, fmt: fn(f64) -> String) -> String {
    let s = fmt(x);
    // Not on what rounds to zero: "+0%" would claim a rise that is not shown.
    if x > 0.0 && s.trim_end_matches('%') != "0" {
        format!("+{s}")
    } else {
        s
    }
}

/// `report --format json`: the report's numbers, versioned as `check`'s
/// JSON is, with its goals in `check`'s shape and each chart's points and
/// projection, for a dashboard to lay out its own way.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_that_shows_as_none_has_no_tone() {
        let f = |kind, better, value: f64, previous: f64| Figure {
            key: "err",
            label: String::new(),
            kind,
            better,
            value: Some(value),
            previous: Some(previous),
        };
        // 4.0199% against 4.02%: `0 pts`, neither good nor bad.
        assert_eq!(
            f(FigureKind::Percent, Better::Higher, 4.0199, 4.02).change_tone(),
            ""
        );
        assert_eq!(
            f(FigureKind::Percent, Better::Higher, 4.1, 4.02).change_tone(),
            "good"
        );
        // A CPC 0.01% lower shows as `0%`; 5% lower is good news.
        assert_eq!(
            f(FigureKind::Money, Better::Lower, 0.99999, 1.0).change_tone(),
            ""
        );
        assert_eq!(
            f(FigureKind::Money, Better::Lower, 0.95, 1.0).change_tone(),
            "good"
        );
        assert_eq!(
            f(FigureKind::Count, Better::Higher, 90.0, 100.0).change_tone(),
            "bad"
        );
    }

    #[test]
    fn counts_are_grouped() {
        assert_eq!(count(0.0), "0");
        assert_eq!(count(999.0), "999");
        assert_eq!(count(1000.0), "1,000");
        assert_eq!(count(224362.0), "224,362");
        assert_eq!(count(-1234567.5), "-1,234,567.5");
    }

    #[test]
    fn growth_has_its_sign_and_percent() {
        let f = Figure {
            key: "follower_growth",
            better: crate::report::model::Better::Higher,
            label: String::new(),
            kind: FigureKind::Growth {
                pct: Some(5.06),
                previous_pct: None,
            },
            value: Some(1583.0),
            previous: Some(-20.0),
        };
        assert_eq!(f.value_text(None), "+1,583 (+5.1%)");
        assert_eq!(f.previous_text(None), "-20");
        assert_eq!(f.change_text(), "");
        let c = Figure {
            key: "reach",
            better: crate::report::model::Better::Higher,
            label: String::new(),
            kind: FigureKind::Count,
            value: Some(110.0),
            previous: Some(100.0),
        };
        assert_eq!(c.change_text(), "+10%");
        assert_eq!(signed(0.7, percent), "+0.7%");
        assert_eq!(signed(0.001, percent), "0%");
        let none = Figure { value: None, ..c };
        assert_eq!(none.value_text(None), NONE);
        assert_eq!(none.change_text(), NONE);
    }
}
