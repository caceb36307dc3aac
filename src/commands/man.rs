//! `kpiscope man`: the man page, in roff, made by clap_mangen from the
//! command tree: `kpiscope man > ~/.local/share/man/man1/kpiscope.1`.

use clap::CommandFactory;

use crate::Outcome;
use crate::cli::Cli;
use crate::error::Result;

pub fn run() -> Result<Outcome> {
    let man = clap_mangen::Man::new(Cli::command());
    crate::render::write_with(None, |w| man.render(w))?;
    Ok(Outcome::Success)
}
