//! `kpiscope report`: the periodic SMM report of KPIS.md, per network with the
//! all-networks total first, as Markdown or one standalone HTML file.

use crate::Outcome;
use crate::cli::ReportArgs;
use crate::error::{Error, Result};
use crate::session::Session;

pub fn run(_s: &Session, _args: &ReportArgs) -> Result<Outcome> {
    Err(Error::usage("`report` is being built"))
}
