//! Inline SVG line charts for the HTML report: a goal KPI per period, its
//! target as a dashed line labelled with its value, the report's period
//! highlighted, and no-data periods left as gaps in the line (never drawn as
//! zeros). Plain SVG text written here, so the report needs no script, font
//! or image from anywhere. Inline in HTML, an `<svg>` needs no `xmlns`.

use std::fmt::Write;

use super::html::escape;
use super::page::{kpi_title, per_day};
use super::people::People;
use super::report::Chart;
use crate::goals::Condition;

/// The drawing's size in user units; it scales to the page's width.
pub(super) const WIDTH: f64 = 760.0;
pub(super) const HEIGHT: f64 = 260.0;
pub(super) const LEFT: f64 = 70.0;
/// The target's label stands right of the plot, where no point can hide it.
pub(super) const RIGHT: f64 = 118.0;
pub(super) const TOP: f64 = 28.0;
pub(super) const BOTTOM: f64 = 44.0;

/// The series colour; tests look for it in screenshots.
pub const LINE: &str = "#2563eb";
pub const TARGET: &str = "#dc2626";
/// The warn threshold, beside the target: amber, as the warn status is.
pub const WARN: &str = "#d97706";
pub(super) const HIGHLIGHT: &str = "#fde68a";
pub(super) const GRID: &str = "#e5e7eb";
pub(super) const TEXT: &str = "#374151";
pub(super) const MUTED: &str = "#9ca3af";

/// A step of 1, 2, 2.5 or 5 times a power of ten, near `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    let f = raw / p;
    let m = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * p
}

/// The lines a condition draws, with their labels: one, or two for `between`.
fn thresholds(c: &Condition, unit: &dyn Fn(f64) -> String) -> Vec<(f64, String)> {
    match *c {
        Condition::Cmp(op, x) => vec![(x, format!("{op} {}", unit(x)))],
        Condition::Between(a, b) => vec![
            (a, format!(">= {}", unit(a))),
            (b, format!("<= {}", unit(b))),
        ],
    }
}

/// The y axis: from its bottom to its top, with a tick every `step`.
pub(super) struct Axis {
    lo: f64,
    hi: f64,
    step: f64,
}

impl Axis {
    pub(super) fn fit(values: &[f64]) -> Axis {
        let mut lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let mut hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        // Counts, rates and money start at zero: a cut axis exaggerates.
        if lo > 0.0 {
            lo = 0.0;
        }
        if hi < 0.0 {
            hi = 0.0;
        }
        if hi - lo < 1e-12 {
            hi = lo + 1.0;
        }
        // Room above the highest point for its value label.
        hi += (hi - lo) * 0.08;
        let step = nice_step((hi - lo) / 4.0);
        Axis {
            lo: (lo / step).floor() * step,
            hi: (hi / step).ceil() * step,
            step,
        }
    }

    pub(super) fn y(&self, v: f64) -> f64 {
        let plot = HEIGHT - TOP - BOTTOM;
        TOP + plot * (1.0 - (v - self.lo) / (self.hi - self.lo))
    }

    pub(super) fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as i64;
        (0..=n).map(|i| self.lo + i as f64 * self.step).collect()
    }
}

/// Each point's label on the x axis: short (`Oct`, `W41`), with its year
/// on the first point and where the year changes.
pub(super) fn axis_labels(c: &Chart, who: &People) -> Vec<String> {
    let mut year = "";
    c.points
        .iter()
        .map(|p| {
            let short = who.period_short(&p.label);
            let y = p.label.get(..4).unwrap_or("");
            let with_year =
                y != year && y.chars().all(|ch| ch.is_ascii_digit()) && !short.contains(y);
            year = y;
            if with_year {
                format!("{short} {y}")
            } else {
                short
            }
        })
        .collect()
}

/// Round to what a drawing needs, so the SVG stays small and stable.
pub(super) fn r(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").unwrap_or(&s).to_string()
}

/// The chart of `c` as an `<svg>` element, its values and words as `who`
/// writes them.
pub fn chart(c: &Chart, who: &People) -> String {
    let loc = who.loc;
    // A deadline's projection takes slots of its own, after the last point.
    let after = c.projection.as_ref().map_or(0, |p| p.periods_after);
    let n = (c.points.len() + after).max(1);
    let unit = |v: f64| who.value(v, &c.unit, c.decimals);
    let kpi = kpi_title(&c.kpi, &c.kpi_title, loc);
    let targets = c
        .target
        .as_ref()
        .map(|t| thresholds(t, &unit))
        .unwrap_or_default();
    let warns = c
        .warn
        .as_ref()
        .map(|t| thresholds(t, &unit))
        .unwrap_or_default();
    let mut all: Vec<f64> = c.points.iter().filter_map(|p| p.value).collect();
    all.extend(targets.iter().map(|(t, _)| *t));
    all.extend(warns.iter().map(|(t, _)| *t));
    all.extend(c.projection.as_ref().map(|p| p.value));
    let axis = Axis::fit(&all);
    let plot_w = WIDTH - LEFT - RIGHT;
    let slot = plot_w / n as f64;
    let x = |i: usize| LEFT + slot * (i as f64 + 0.5);
    let bottom = HEIGHT - BOTTOM;

    let title = loc.message("chart.title", &[("title", &c.title), ("kpi", &kpi)]);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{t}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="11"><title>{t}</title>"#,
        W = WIDTH,
        H = HEIGHT,
        t = escape(&title)
    );

    // The report's period first, so that everything else is drawn over it.
    for (i, p) in c.points.iter().enumerate() {
        if p.highlight {
            highlight(&mut s, x(i), slot, bottom);
        }
    }

    // Grid and y labels.
    for t in axis.ticks() {
        let y = axis.y(t);
        let _ = write!(
            s,
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{GRID}"/><text x="{}" y="{}" text-anchor="end" fill="{TEXT}">{}</text>"#,
            r(LEFT),
            r(WIDTH - RIGHT),
            r(LEFT - 6.0),
            r(y + 4.0),
            escape(&unit(t)),
            y = r(y),
        );
    }
    axes(&mut s, bottom);

    // X labels: every period when they fit, else every k-th (the report's
    // periods always).
    let shown = axis_labels(c, who);
    let every = label_every(&shown, slot);
    // The last highlighted period always has its label; others only on the
    // rhythm, and not so near it that they would overlap (a month's report
    // highlights four or five weeks).
    let marked = c.points.iter().rposition(|p| p.highlight);
    for (i, p) in c.points.iter().enumerate() {
        let on_rhythm = i % every == 0 && marked.is_none_or(|m| i.abs_diff(m) >= every);
        if !(Some(i) == marked || on_rhythm) {
            continue;
        }
        let (fill, weight, note) = match (p.value, p.highlight) {
            (None, _) => (MUTED, "normal", true),
            (Some(_), true) => (TEXT, "bold", false),
            (Some(_), false) => (TEXT, "normal", false),
        };
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle" fill="{fill}" font-weight="{weight}">{}{}</text>"#,
            r(x(i)),
            r(bottom + 16.0),
            if note {
                format!("<title>{}</title>", escape(&loc.text("word.no_data")))
            } else {
                String::new()
            },
            escape(&shown[i])
        );
    }
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle" fill="{MUTED}">{}</text>"#,
        r(LEFT + plot_w / 2.0),
        r(HEIGHT - 6.0),
        escape(&loc.text("chart.axis_period"))
    );
    let y_title = match (c.unit.as_str(), c.currency.as_deref()) {
        ("currency", Some(cur)) => format!("{kpi} ({cur})"),
        ("%", _) => format!("{kpi} (%)"),
        _ => kpi.clone(),
    };
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" fill="{MUTED}">{}</text>"#,
        r(LEFT - 6.0),
        r(TOP - 12.0),
        escape(&y_title)
    );
    // A gap says so, so that nobody reads it as a drawing error or a zero.
    for (i, p) in c.points.iter().enumerate() {
        if p.value.is_none() {
            let _ = write!(
                s,
                r#"<text class="no-data" x="{}" y="{}" text-anchor="middle" fill="{MUTED}" font-size="10">{}</text>"#,
                r(x(i)),
                r(bottom - 10.0),
                escape(&loc.text("word.no_data"))
            );
        }
    }

    // The target: dashed, each threshold labelled with its value.
    for (t, text) in &targets {
        let y = axis.y(*t);
        let _ = write!(
            s,
            r#"<line class="target" x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="6 4"/><text class="target-label" x="{}" y="{}" fill="{TARGET}">{}<tspan x="{}" dy="13">{}</tspan></text>"#,
            r(LEFT),
            r(WIDTH - RIGHT),
            r(WIDTH - RIGHT + 6.0),
            r(y - 2.0),
            escape(&loc.text("word.target")),
            r(WIDTH - RIGHT + 6.0),
            escape(text),
            y = r(y),
        );
    }

    // The warn threshold: dotted, labelled on the left inside the plot, so
    // that it never runs into the target's label on the right.
    for (t, text) in &warns {
        let y = axis.y(*t);
        let _ = write!(
            s,
            r#"<line class="warn" x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{WARN}" stroke-width="1.5" stroke-dasharray="2 3"/><text class="warn-label" x="{}" y="{}" fill="{WARN}" stroke="white" stroke-width="3" paint-order="stroke">{} {}</text>"#,
            r(LEFT),
            r(WIDTH - RIGHT),
            r(LEFT + 4.0),
            r(y - 4.0),
            escape(&loc.text("word.warn")),
            escape(text),
            y = r(y),
        );
    }

    // The series: a path broken at every period without data.
    let mut d = String::new();
    let mut pen_down = false;
    for (i, p) in c.points.iter().enumerate() {
        match p.value {
            Some(v) => {
                let _ = write!(
                    d,
                    "{}{} {} ",
                    if pen_down { "L" } else { "M" },
                    r(x(i)),
                    r(axis.y(v))
                );
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if !d.is_empty() {
        let _ = write!(
            s,
            r#"<path class="series" d="{}" fill="none" stroke="{LINE}" stroke-width="2.5" stroke-linejoin="round"/>"#,
            d.trim_end()
        );
    }
    for (i, p) in c.points.iter().enumerate() {
        let Some(v) = p.value else { continue };
        let (cx, cy) = (r(x(i)), r(axis.y(v)));
        let radius = if p.highlight { "5" } else { "3.5" };
        // A period the data covers in part is an open point.
        let (fill, note) = if p.partial {
            ("white", format!(" ({})", loc.text("chart.partial_point")))
        } else {
            (LINE, String::new())
        };
        let _ = write!(
            s,
            r#"<circle cx="{cx}" cy="{cy}" r="{radius}" fill="{fill}" stroke="{LINE}" stroke-width="2"><title>{}: {}{}</title></circle>"#,
            escape(&who.period(&p.label)),
            escape(&unit(v)),
            escape(&note)
        );
        if p.highlight {
            let _ = write!(
                s,
                r#"<text x="{cx}" y="{}" text-anchor="middle" font-weight="bold" fill="{LINE}" stroke="white" stroke-width="3" paint-order="stroke">{}</text>"#,
                r(axis.y(v) - 9.0),
                escape(&unit(v))
            );
        }
    }
    // The projection: dashed from the last period the trend was fitted on
    // to the deadline's period, an open circle there, labelled.
    if let Some(p) = &c.projection
        && p.periods_after > 0
    {
        let from = c
            .points
            .iter()
            .position(|q| q.label == p.latest)
            .and_then(|i| c.points[i].value.map(|v| (i, v)));
        let at = c.points.len() + p.periods_after - 1;
        let (px, py) = (r(x(at)), r(axis.y(p.value)));
        // The labels end at the point: the right margin holds the target's
        // label, which they would run into.
        let tx = r(x(at) + 6.0);
        if let Some((i, v)) = from {
            let _ = write!(
                s,
                r#"<line class="projection" x1="{}" y1="{}" x2="{px}" y2="{py}" stroke="{LINE}" stroke-width="2" stroke-dasharray="3 4"/>"#,
                r(x(i)),
                r(axis.y(v))
            );
        }
        // The labels stand above the point, the pace needed on the line
        // below the value, and both rise above the highlighted point's
        // label when they would run into it (a projection near the last
        // value, as a deadline close to reach has).
        let lines = if p.needed_per_day.is_some() { 2.0 } else { 1.0 };
        let mut bottom_line = axis.y(p.value) - 9.0;
        let hl = c
            .points
            .iter()
            .rposition(|q| q.highlight && q.value.is_some());
        if let Some(h) = hl
            && let Some(v) = c.points[h].value
        {
            let label_top = axis.y(v) - 9.0 - 12.0;
            let width = 7.0 * (unit(p.value).len() as f64 + 10.0);
            let overlaps_x = x(h) + 4.0 * unit(v).len() as f64 > x(at) + 6.0 - width;
            if overlaps_x && bottom_line > label_top - 2.0 {
                bottom_line = label_top - 2.0;
            }
        }
        let value_line = bottom_line - (lines - 1.0) * 13.0;
        let _ = write!(
            s,
            r#"<circle class="projected" cx="{px}" cy="{py}" r="5" fill="white" stroke="{LINE}" stroke-width="2"><title>{t}</title></circle><text x="{tx}" y="{}" text-anchor="end" fill="{LINE}" stroke="white" stroke-width="3" paint-order="stroke">{v} {pr}</text><text x="{px}" y="{}" text-anchor="middle" fill="{TEXT}" font-weight="bold">{l}</text>"#,
            r(value_line),
            r(bottom + 16.0),
            l = escape(&who.period_short(&p.label)),
            v = escape(&unit(p.value)),
            pr = escape(&loc.text("word.projected")),
            t = escape(&who.projection(c, p)),
            tx = tx,
        );
        // The pace still needed: what the marketer acts on.
        if let Some(n) = p.needed_per_day {
            let _ = write!(
                s,
                r#"<text class="needed" x="{tx}" y="{}" text-anchor="end" fill="{TEXT}" stroke="white" stroke-width="3" paint-order="stroke">{}</text>"#,
                r(bottom_line),
                escape(&loc.message("chart.needs", &[("rate", &per_day(loc, n))]))
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// The y axis and the x axis, meeting at the bottom left.
pub(super) fn axes(s: &mut String, bottom: f64) {
    let _ = write!(
        s,
        r#"<line x1="{l}" y1="{t}" x2="{l}" y2="{b}" stroke="{TEXT}"/><line x1="{l}" y1="{b}" x2="{rr}" y2="{b}" stroke="{TEXT}"/>"#,
        l = r(LEFT),
        t = r(TOP),
        b = r(bottom),
        rr = r(WIDTH - RIGHT)
    );
}

/// Every how many periods an x label fits, `slot` wide each.
pub(super) fn label_every(shown: &[String], slot: f64) -> usize {
    let longest = shown.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    ((longest * 6.5 + 6.0) / slot).ceil().max(1.0) as usize
}

/// The band behind the report's period, centred on `x`, `slot` wide.
pub(super) fn highlight(s: &mut String, x: f64, slot: f64, bottom: f64) {
    let _ = write!(
        s,
        r#"<rect class="highlight" x="{}" y="{}" width="{}" height="{}" fill="{HIGHLIGHT}" fill-opacity="0.6"/>"#,
        r(x - slot / 2.0),
        r(TOP),
        r(slot),
        r(bottom - TOP)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::report::Point;

    fn chart(c: &Chart) -> String {
        let loc = crate::locale::Locale::default();
        let cal = crate::aggregate::Calendar::default();
        super::chart(
            c,
            &People {
                loc: &loc,
                cal: &cal,
                currency: None,
            },
        )
    }

    fn chart_of(values: &[Option<f64>]) -> Chart {
        Chart {
            goal_id: "g".into(),
            title: "A <b> goal".into(),
            kpi: "err".into(),
            kpi_title: "ERR".into(),
            unit: "%".into(),
            currency: None,
            target: Some(Condition::parse(">= 4").expect("condition")),
            warn: None,
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| Point {
                    label: format!("2026-{:02}", i + 1),
                    value: *v,
                    highlight: i + 1 == values.len(),
                    partial: false,
                })
                .collect(),
            results: Vec::new(),
            projection: None,
            decimals: 2,
        }
    }

    #[test]
    fn a_gap_breaks_the_line() {
        let svg = chart(&chart_of(&[
            Some(1.0),
            Some(2.0),
            None,
            Some(3.0),
            Some(5.0),
        ]));
        let d = svg.split("class=\"series\" d=\"").nth(1).expect("path");
        let d = &d[..d.find('"').expect("end")];
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(d.matches('L').count(), 2, "{d}");
        assert!(svg.contains("stroke-dasharray"));
        assert!(svg.contains("&gt;= 4%</tspan>"));
        assert!(svg.contains(">no data<"));
        assert!(svg.contains("A &lt;b&gt; goal"));
    }

    #[test]
    fn a_projection_is_drawn_after_the_last_point() {
        let mut c = chart_of(&[Some(1.0), Some(2.0), Some(3.0)]);
        c.projection = Some(crate::render::report::ChartProjection {
            label: "2026-05".into(),
            value: 5.0,
            periods_after: 2,
            latest: "2026-03".into(),
            latest_value: 3.0,
            needed_per_day: Some(0.05),
            trend_per_day: Some(0.03),
        });
        let svg = chart(&c);
        assert!(svg.contains("class=\"projection\""), "{svg}");
        assert!(svg.contains(">5% projected<"), "{svg}");
        assert!(svg.contains(">needs +0.05/day</text>"), "{svg}");
        // The pace needed from the latest period, (5 - 3) / 40 days say.
        assert!(
            svg.contains(
                "<title>5% projected for May 2026; needs +0.05/day from 3% (March 2026), trend +0.03/day</title>"
            ),
            "{svg}"
        );
        assert!(svg.contains(">May<"), "{svg}");
        // The axis names its periods short, the year where it starts.
        assert!(svg.contains(">Jan 2026<") && svg.contains(">Feb<"), "{svg}");
    }

    #[test]
    fn ticks_are_round() {
        let a = Axis::fit(&[3.2, 7.9, 4.0]);
        assert_eq!((a.lo, a.hi, a.step), (0.0, 10.0, 2.5));
        assert_eq!(nice_step(0.3), 0.5);
    }
}
