//! Goal results and the periodic report as one standalone HTML page: inline
//! CSS (with a print stylesheet, so a browser prints it to PDF), inline SVG
//! charts, system fonts, and nothing fetched from anywhere, so the file can
//! be mailed, archived or opened offline as it is. `check`'s page is written
//! here; the report's page is laid out by a MiniJinja template
//! (`templates/`) from [`page::Page`].

use std::fmt::Write;

use super::page;
use super::report::{NONE, Report, result_target, result_value, status_label, summary_line};
use crate::aggregate::Calendar;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::goals::{GoalResult, Status};
use crate::history::Change;
use crate::locale::Locale;
use crate::workspace::brand::Brand;

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
footer { margin-top: 2.5rem; color: #6b7280; font-size: .85rem; }
@media print {
  @page { margin: 14mm 12mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .scroll { overflow: visible; }
  tr { break-inside: avoid; page-break-inside: avoid; }
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
pub fn check(workspace: &str, results: &[GoalResult], changes: &[Change]) -> String {
    let title = format!("{workspace}: goals");
    let mut body = format!("<h1>{}</h1>\n", escape(&title));
    if results.is_empty() {
        body += "<p>No goals.</p>\n";
    } else {
        body += &summary_badges(results);
        // `check` is given no workspace currency: its messages name it.
        body += &goal_table(results, None);
    }
    if !changes.is_empty() {
        body += "<h2>Since the last run</h2>\n<ul class=\"changes\">\n";
        for r in super::changes::rows(changes, None) {
            body += &format!(
                "<li><strong>{}</strong> <code>{}</code> {}: {}</li>\n",
                escape(&r[0]),
                escape(&r[1]),
                escape(&r[2]),
                escape(&r[3])
            );
        }
        body += "</ul>\n";
    }
    page(&title, &body)
}

/// The built-in report template; `[report] template` replaces it.
const REPORT_TEMPLATE: &str = include_str!("../../templates/report.html");

/// The built-in e-mail template: the same page in tables and inline styles.
const EMAIL_TEMPLATE: &str = include_str!("../../templates/email.html");

/// The e-mail's plain-text part, from the same page.
const EMAIL_TEXT_TEMPLATE: &str = include_str!("../../templates/email.txt");

/// Which layout of the report's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The page for a browser, a PDF or a file: the workspace's template if
    /// it has one.
    Page,
    /// The page for a mail client.
    Email,
    /// The e-mail's plain text, for a client that shows no HTML.
    Text,
}

/// `kpiscope report --format html`: the report's page laid out by the
/// built-in template or the workspace's own. A template that does not
/// compile or render is an error at its line.
pub fn report(
    r: &Report,
    brand: &Brand,
    loc: &Locale,
    cal: &Calendar,
    layout: Layout,
) -> Result<String> {
    let (name, source) = match (layout, &brand.template) {
        (Layout::Email, _) => ("<built-in>/email.html".to_string(), EMAIL_TEMPLATE),
        (Layout::Text, _) => ("<built-in>/email.txt".to_string(), EMAIL_TEXT_TEMPLATE),
        (Layout::Page, Some((path, text))) => (path.display().to_string(), text.as_str()),
        (Layout::Page, None) => ("<built-in>/report.html".to_string(), REPORT_TEMPLATE),
    };
    let mut env = minijinja::Environment::new();
    // Every value is text to escape, whatever the template file is called.
    let escape_html = layout != Layout::Text;
    env.set_auto_escape_callback(move |_| match escape_html {
        true => minijinja::AutoEscape::Html,
        false => minijinja::AutoEscape::None,
    });
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // Escaped as the rest of kpiscope's HTML is (`&<>"'`): MiniJinja's own
    // escaping also writes `/` as `&#x2f;`, which makes every link and
    // date unreadable in the page's source.
    env.set_formatter(move |out, state, value| {
        if !escape_html || value.is_safe() || value.is_undefined() || value.is_none() {
            return minijinja::escape_formatter(out, state, value);
        }
        let text = match value.as_str() {
            Some(s) => escape(s),
            None => escape(&value.to_string()),
        };
        out.write_str(&text)
            .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
    });
    let rendered = env
        .template_from_named_str(&name, source)
        .and_then(|t| t.render(page::page(r, brand, loc, cal)));
    rendered.map_err(|e| template_error(&name, source, &e))
}

/// A template's error at its place, with the chain of causes.
fn template_error(name: &str, source: &str, e: &minijinja::Error) -> Error {
    let mut message = format!("the report template: {}", e.kind());
    if let Some(detail) = e.detail() {
        message += &format!(": {detail}");
    }
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        message += &format!(": {c}");
        cause = c.source();
    }
    let span = e.range().or_else(|| {
        let line = e.line()?;
        let start = source
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum::<usize>();
        Some(start..start)
    });
    match span {
        Some(span) => Error::Diagnostics(Diagnostics(vec![Diagnostic::at_span(
            name, source, span, message,
        )])),
        None => Error::usage(format!("{name}: {message}")),
    }
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
