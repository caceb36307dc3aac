//! `kpiscope completions SHELL`: a completion script for the shell, made by
//! clap_complete from the same command tree that parses the arguments, so
//! that it never lags behind a new option.

use clap::CommandFactory;

use crate::Outcome;
use crate::cli::{Cli, Shell};
use crate::error::Result;

pub fn run(shell: Shell) -> Result<Outcome> {
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
    };
    crate::render::write_with(None, |w| {
        clap_complete::generate(shell, &mut Cli::command(), "kpiscope", w);
        Ok(())
    })?;
    Ok(Outcome::Success)
}
