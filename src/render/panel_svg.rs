//! The competitor panel's chart for the HTML report (issue 16): ER by
//! followers per period, one line per account, the brand's own lines drawn
//! thick in the report's series colour and the competitors' thin in greys
//! and muted hues, with a legend on the right; gaps where an account has no
//! value (never drawn as zeros). Built on `svg`'s axis and labels.

use std::fmt::Write;

use super::html::escape;
use super::people::People;
use super::report::Chart;
use super::svg::{
    Axis, BOTTOM, GRID, HEIGHT, LEFT, LINE, MUTED, RIGHT, TEXT, TOP, WIDTH, axis_labels, r,
};
use crate::report::model::PanelLine;

/// The competitors' colours, in turn: distinct from the own blue and from
/// the statuses' red and amber.
const THEIRS: [&str; 6] = [
    "#6b7280", "#059669", "#7c3aed", "#db2777", "#0891b2", "#a16207",
];

/// The `<svg>` of `lines` over `c`'s periods, titled `title`.
pub fn chart(c: &Chart, lines: &[PanelLine], title: &str, who: &People) -> String {
    let n = c.points.len().max(1);
    let unit = |v: f64| who.value(v, &c.unit, c.decimals);
    let all: Vec<f64> = lines
        .iter()
        .flat_map(|l| l.values.iter().flatten().copied())
        .collect();
    let axis = Axis::fit(&all);
    let plot_w = WIDTH - LEFT - RIGHT;
    let slot = plot_w / n as f64;
    let x = |i: usize| LEFT + slot * (i as f64 + 0.5);
    let bottom = HEIGHT - BOTTOM;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart panel" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{t}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="11"><title>{t}</title>"#,
        W = WIDTH,
        H = HEIGHT,
        t = escape(title)
    );
    for (i, p) in c.points.iter().enumerate() {
        if p.highlight {
            super::svg::highlight(&mut s, x(i), slot, bottom);
        }
    }
    for t in axis.ticks() {
        let y = r(axis.y(t));
        let _ = write!(
            s,
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{GRID}"/><text x="{}" y="{}" text-anchor="end" fill="{TEXT}">{}</text>"#,
            r(LEFT),
            r(WIDTH - RIGHT),
            r(LEFT - 6.0),
            r(axis.y(t) + 4.0),
            escape(&unit(t)),
        );
    }
    super::svg::axes(&mut s, bottom);
    let shown = axis_labels(c, who);
    let every = super::svg::label_every(&shown, slot);
    for (i, label) in shown.iter().enumerate() {
        if i % every != 0 && !c.points[i].highlight {
            continue;
        }
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle" fill="{TEXT}">{}</text>"#,
            r(x(i)),
            r(bottom + 16.0),
            escape(label)
        );
    }
    let mut theirs = THEIRS.iter().cycle();
    for (k, l) in lines.iter().enumerate() {
        let (colour, width) = match l.own {
            true => (LINE, 3.0),
            false => (*theirs.next().unwrap_or(&MUTED), 1.5),
        };
        let mut d = String::new();
        let mut pen_down = false;
        for (i, v) in l.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{} {} ",
                        if pen_down { "L" } else { "M" },
                        r(x(i)),
                        r(axis.y(*v))
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        if !d.is_empty() {
            let _ = write!(
                s,
                r#"<path class="account" d="{}" fill="none" stroke="{colour}" stroke-width="{width}" stroke-linejoin="round"><title>{}</title></path>"#,
                d.trim_end(),
                escape(&l.account)
            );
        }
        for (i, v) in l.values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    s,
                    r#"<circle cx="{}" cy="{}" r="{}" fill="{colour}"><title>{}: {}</title></circle>"#,
                    r(x(i)),
                    r(axis.y(*v)),
                    if l.own { 3.5 } else { 2.5 },
                    escape(&l.account),
                    escape(&unit(*v))
                );
            }
        }
        // The legend, one row per account, right of the plot.
        let y = TOP + 8.0 + 16.0 * k as f64;
        let _ = write!(
            s,
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{colour}" stroke-width="{width}"/><text x="{}" y="{}" fill="{TEXT}"{}>{}</text>"#,
            r(WIDTH - RIGHT + 8.0),
            r(WIDTH - RIGHT + 24.0),
            r(WIDTH - RIGHT + 28.0),
            r(y + 4.0),
            if l.own { r#" font-weight="bold""# } else { "" },
            escape(&l.account),
            y = r(y),
        );
    }
    s.push_str("</svg>");
    s
}
