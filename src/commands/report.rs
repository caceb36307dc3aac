//! `kpiscope report`: builds the periodic report of one period (the `report`
//! stage) and writes it in the format asked for.

use crate::Outcome;
use crate::cli::{ReportArgs, ReportFormat};
use crate::error::Result;
use crate::render;
use crate::report::build;
use crate::session::Session;

pub fn run(s: &Session, args: &ReportArgs) -> Result<Outcome> {
    let report = build(s, args.period.as_deref())?;
    let text = match args.format()? {
        ReportFormat::Markdown => render::markdown::report(&report),
        ReportFormat::Html => {
            render::html::report(&report, &s.ws.brand, &s.ws.locale, &s.ws.calendar)?
        }
        ReportFormat::Json => render::report_json::json(&report),
    };
    render::write_output(args.output.as_deref(), &text)?;
    // A report is a document, not a check: it succeeds whatever the goals
    // say (`kpiscope check` is the command whose exit code judges them).
    Ok(Outcome::Success)
}
