//! `kpiscope report`: builds the periodic report of one period (the `report`
//! stage) and writes it in the format asked for.

use crate::Outcome;
use crate::cli::{ReportArgs, ReportFormat};
use crate::error::{Error, Result};
use crate::render;
use crate::render::html::Layout;
use crate::report::build;
use crate::session::Session;

pub fn run(s: &Session, args: &ReportArgs) -> Result<Outcome> {
    let format = args.format()?;
    // `-o -` is stdout, asked for: the one way to have a PDF there.
    let dash = args.output.as_deref() == Some(std::path::Path::new("-"));
    let output = args.output.as_deref().filter(|_| !dash);
    if args.inline && format != ReportFormat::Html {
        return Err(Error::usage(
            "--inline is for --format html (the e-mail's charts are always PNG)",
        ));
    }
    // Checked before the data is read: a missing browser is said at once.
    let chromium = match format {
        ReportFormat::Pdf if args.output.is_none() => {
            return Err(Error::usage(
                "a PDF is not text for a terminal: write it with -o report.pdf, or to stdout with -o -",
            ));
        }
        ReportFormat::Pdf => Ok(render::chromium::Chromium::find("`report --format pdf`")?),
        _ => Err(Error::usage("only a PDF is printed by Chromium")),
    };
    let mut report = build(s, args.period.as_deref())?;
    let mut entry = crate::history::prepare(
        s,
        "report",
        Some("report"),
        &crate::cli::Range::default(),
        Some(report.as_of.clone()),
        &report.results,
    );
    report.since = entry
        .as_ref()
        .map(|e| e.changes.clone())
        .unwrap_or_default();
    let html_as =
        |layout| render::html::report(&report, &s.ws.brand, &s.ws.locale, &s.ws.calendar, layout);
    let html = || html_as(Layout::Page);
    let bytes = match format {
        ReportFormat::Markdown => render::markdown::report(&report).into_bytes(),
        ReportFormat::Html if args.inline => render::email::inline_html(&html()?)?.into_bytes(),
        ReportFormat::Html => html()?.into_bytes(),
        ReportFormat::Json => render::report_json::json(&report).into_bytes(),
        ReportFormat::Pdf => chromium?.print_pdf(&html()?)?,
        ReportFormat::Email => render::email::message(
            &html_as(Layout::Email)?,
            &html_as(Layout::Text)?,
            &s.ws.locale.text("report.subtitle"),
            &render::email::now(),
        )?
        .to_bytes(),
    };
    render::write_with(output, |w| w.write_all(&bytes))?;
    crate::history::record(entry.as_mut());
    // A report is a document, not a check: it succeeds whatever the goals
    // say (`kpiscope check` is the command whose exit code judges them).
    Ok(Outcome::Success)
}
