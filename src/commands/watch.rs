//! `kpiscope watch`: re-runs `check` (or `report`) whenever the workspace's
//! data, scripts, plugins or config change.

use crate::Outcome;
use crate::cli::{Cli, WatchWhat};
use crate::error::{Error, Result};
use crate::render::table::Style;

pub fn run(_cli: &Cli, _what: Option<&WatchWhat>, _style: Style) -> Result<Outcome> {
    Err(Error::usage("`watch` is being built"))
}
