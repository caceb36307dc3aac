//! `kpiscope test`: the workspace's unit tests of KPI scripts and goals.

use crate::Outcome;
use crate::cli::TestArgs;
use crate::error::{Error, Result};
use crate::render::table::Style;
use crate::session::Session;

pub fn run(_s: &Session, _args: &TestArgs, _style: Style) -> Result<Outcome> {
    Err(Error::usage("`test` is being built"))
}
