//! Goal results and the periodic report as one standalone HTML page: inline
//! CSS (with a print stylesheet, so a browser prints it to PDF), inline SVG
//! charts, system fonts, and nothing fetched from anywhere, so the file can
//! be mailed, archived or opened offline as it is.

use std::fmt::Write;

use super::report::{
    self, Chart, NONE, Report, Section, result_target, result_value, status_label, summary_line,
};
use crate::goals::{GoalResult, Status};

/// Text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Status colours always come with the status word and a sign: the colour
/// helps, the text tells (for colour-blind readers and black-and-white print).
const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1f2937; line-height: 1.45;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 2px solid #e5e7eb; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
p { margin: .4rem 0; }
.meta { color: #4b5563; }
.note { background: #fef3c7; border-left: 4px solid #d97706; padding: 6px 10px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #e5e7eb; }
th { background: #f9fafb; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.nowrap { white-space: nowrap; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; }
.status { display: inline-block; white-space: nowrap; padding: 1px 8px; border: 1px solid; border-radius: 999px;
  font-size: .85em; font-weight: 600; }
.status.pass { background: #dcfce7; color: #166534; border-color: #86efac; }
.status.warn { background: #fef3c7; color: #92400e; border-color: #fcd34d; }
.status.fail { background: #fee2e2; color: #991b1b; border-color: #fca5a5; }
.status.no_data { background: #f3f4f6; color: #374151; border-color: #d1d5db; }
.summary { display: flex; gap: 8px; flex-wrap: wrap; margin: .4rem 0; }
figure.goal { margin: 1rem 0 1.4rem; padding: 12px 14px; border: 1px solid #e5e7eb; border-radius: 8px; }
figure.goal figcaption { margin-bottom: 6px; }
figure.goal .result { margin: 2px 0; }
svg.chart { display: block; width: 100%; height: auto; }
.legend { color: #6b7280; font-size: .85rem; }
.legend .swatch { display: inline-block; width: 22px; height: 0; vertical-align: middle; margin: 0 4px 0 10px; }
footer { margin-top: 2.5rem; color: #6b7280; font-size: .85rem; }
@media print {
  @page { margin: 14mm 12mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .scroll { overflow: visible; }
  figure.goal, tr, table.figures, table.posts { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
}
"#;

/// The page around `body`.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}\
         <footer>Made with kpiscope {}.</footer>\n</main>\n</body>\n</html>\n",
        escape(title),
        env!("CARGO_PKG_VERSION")
    )
}

fn status_badge(s: Status) -> String {
    format!(
        "<span class=\"status {}\">{}</span>",
        s.as_str(),
        escape(status_label(s))
    )
}

fn summary_badges(results: &[GoalResult]) -> String {
    let s = crate::goals::Summary::of(results);
    let mut out = String::from("<div class=\"summary\">");
    for (status, n) in [
        (Status::Pass, s.pass),
        (Status::Warn, s.warn),
        (Status::Fail, s.fail),
        (Status::NoData, s.no_data),
    ] {
        let _ = write!(
            out,
            "<span class=\"status {}\">{} {}</span>",
            status.as_str(),
            n,
            escape(status_label(status))
        );
    }
    let _ = write!(out, "</div>\n<p>{}</p>\n", escape(&summary_line(results)));
    out
}

/// A table; `classes` gives each column's class (`num` for numbers, `nowrap`
/// for labels that must not break). Cells are HTML already.
fn table(class: &str, header: &[String], classes: &[&str], rows: &[Vec<String>]) -> String {
    let cls = |i: usize| match classes.get(i) {
        Some(c) if !c.is_empty() => format!(" class=\"{c}\""),
        _ => String::new(),
    };
    let mut out = format!("<div class=\"scroll\"><table class=\"{class}\">\n<thead><tr>");
    for (i, h) in header.iter().enumerate() {
        let _ = write!(out, "<th{}>{h}</th>", cls(i));
    }
    out += "</tr></thead>\n<tbody>\n";
    for r in rows {
        out += "<tr>";
        for (i, c) in r.iter().enumerate() {
            let _ = write!(out, "<td{}>{c}</td>", cls(i));
        }
        out += "</tr>\n";
    }
    out += "</tbody>\n</table></div>\n";
    out
}

fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

fn goal_table(results: &[GoalResult], currency: Option<&str>) -> String {
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            vec![
                status_badge(r.status),
                format!(
                    "{}<br><code>{}</code>",
                    escape(&r.goal.title),
                    escape(&r.goal.id)
                ),
                escape(r.period.as_ref().map_or(NONE, |p| p.label.as_str())),
                escape(&result_value(r, currency)),
                escape(&result_target(r, currency)),
                escape(&r.message),
            ]
        })
        .collect();
    table(
        "goals",
        &strings(&["Status", "Goal", "Period", "Value", "Target", "Result"]),
        &["", "", "nowrap", "num", "", ""],
        &rows,
    )
}

/// `kpiscope check --format html`.
pub fn check(workspace: &str, results: &[GoalResult]) -> String {
    let title = format!("{workspace}: goals");
    let mut body = format!("<h1>{}</h1>\n", escape(&title));
    if results.is_empty() {
        body += "<p>No goals.</p>\n";
    } else {
        body += &summary_badges(results);
        // `check` is given no workspace currency: its messages name it.
        body += &goal_table(results, None);
    }
    page(&title, &body)
}

/// `kpiscope report --format html`.
pub fn report(r: &Report) -> String {
    let title = format!(
        "{}: social media report for {}",
        r.workspace, r.period.label
    );
    let mut body = format!("<header>\n<h1>{}</h1>\n", escape(&title));
    let mut meta = format!("Period: {} to {}", r.period.start, r.period.end);
    if let Some(p) = &r.previous {
        let _ = write!(meta, ", compared with {p}");
    }
    let _ = write!(
        meta,
        ". Data from {} to {}; goals judged as of {}.",
        r.data.0, r.data.1, r.as_of
    );
    let _ = writeln!(body, "<p class=\"meta\">{}</p>", escape(&meta));
    if r.in_progress {
        let _ = writeln!(
            body,
            "<p class=\"note\"><strong>The period is still in progress:</strong> the data ends on {}.</p>",
            escape(&r.data.1)
        );
    }
    body += "</header>\n<section id=\"goals\">\n<h2>Goals</h2>\n";
    if r.results.is_empty() {
        body += "<p>The workspace has no goals.</p>\n";
    } else {
        body += &summary_badges(&r.results);
        body += &goal_table(&r.results, r.currency.as_deref());
        if let Some(note) = report::other_results_note(r) {
            let _ = writeln!(body, "<p class=\"meta\">{}</p>", escape(&note));
        }
    }
    body += "</section>\n";
    for s in &r.sections {
        body += &section(r, s);
    }
    if !r.quiet_networks.is_empty() {
        let _ = writeln!(
            body,
            "<p class=\"meta\">Not shown: {}, with records but none of the figures above.</p>",
            escape(&r.quiet_networks.join(", "))
        );
    }
    page(&title, &body)
}

fn section(r: &Report, s: &Section) -> String {
    let id = match &s.network {
        None => "all-networks".to_string(),
        Some(n) => format!(
            "network-{}",
            n.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect::<String>()
        ),
    };
    let mut out = format!(
        "<section class=\"network\" id=\"{}\">\n<h2>{}</h2>\n",
        escape(&id),
        escape(&s.title())
    );
    let rows: Vec<Vec<String>> = s
        .figures
        .iter()
        .map(|f| {
            vec![
                escape(&f.label),
                escape(&f.value_text()),
                escape(&f.previous_text()),
                escape(&f.change_text()),
            ]
        })
        .collect();
    out += &table(
        "figures",
        &[
            "Figure".to_string(),
            escape(&r.period.label),
            escape(r.previous.as_deref().unwrap_or("Previous")),
            "Change".to_string(),
        ],
        &["", "num", "num", "num"],
        &rows,
    );

    out += &format!("<h3>{}</h3>\n", escape(&report::PostTable::title(s)));
    out += &top_posts(r, s);

    if !s.charts.is_empty() {
        out += "<h3>Goals over time</h3>\n";
        for c in &s.charts {
            out += &chart(r, c);
        }
    }
    out += "</section>\n";
    out
}

fn top_posts(r: &Report, s: &Section) -> String {
    if s.top_posts.is_empty() {
        let text = if s.posts_seen == 0 {
            format!("No post was published in {}.", r.period.label)
        } else {
            format!(
                "None of the {} published in {} has a reach, impressions or views figure.",
                super::count(s.posts_seen, "post", "posts"),
                r.period.label
            )
        };
        return format!("<p>{}</p>\n", escape(&text));
    }
    let t = report::PostTable::of(s);
    let classes: Vec<&str> = t
        .header
        .iter()
        .zip(&t.numeric)
        .map(|(h, n)| match (*h, n) {
            (_, true) => "num",
            ("Published", _) => "nowrap",
            _ => "",
        })
        .collect();
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .zip(&t.posts)
        .map(|(row, post)| {
            row.iter()
                .enumerate()
                .map(|(c, v)| match c == t.post_column {
                    true => post_cell(post),
                    false => escape(v),
                })
                .collect()
        })
        .collect();
    table("posts", &strings(&t.header), &classes, &rows)
}

/// A post's headline as a link to it (its id as code when it has no text);
/// only web links are made links.
fn post_cell(p: &report::PostCell) -> String {
    let text = match p.is_id {
        true => format!("<code>{}</code>", escape(&p.text)),
        false => escape(&p.text),
    };
    match &p.url {
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
            format!("<a href=\"{}\">{text}</a>", escape(url))
        }
        _ => text,
    }
}

fn chart(r: &Report, c: &Chart) -> String {
    let mut out = format!(
        "<figure class=\"goal\" id=\"goal-{}\">\n<figcaption><strong>{}</strong> <code>{}</code>\n",
        escape(&c.goal_id),
        escape(&c.title),
        escape(&c.goal_id)
    );
    for &i in &c.results {
        let res = &r.results[i];
        let period = res
            .period
            .as_ref()
            .map_or(String::new(), |p| format!(" {}:", escape(&p.label)));
        let _ = writeln!(
            out,
            "<p class=\"result\">{}{period} {}</p>",
            status_badge(res.status),
            escape(&res.message)
        );
    }
    out += "</figcaption>\n";
    out += &super::svg::chart(c);
    let mut legend = format!(
        "<span class=\"swatch\" style=\"border-top: 3px solid {}\"></span><code>{}</code> per period",
        super::svg::LINE,
        escape(&c.kpi)
    );
    if let Some(t) = c.target_text() {
        let _ = write!(
            legend,
            "<span class=\"swatch\" style=\"border-top: 2px dashed {}\"></span>{}",
            super::svg::TARGET,
            escape(&t)
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
        let _ = write!(
            legend,
            "; dotted: the trend projected to {}, the deadline's period ({})",
            escape(&p.label),
            escape(&p.text(c))
        );
    }
    let _ = write!(out, "\n<p class=\"legend\">{legend}.</p>\n</figure>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
