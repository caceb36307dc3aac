//! One file per command; each returns an [`Outcome`] and leaves exit codes to
//! `error::exit_code`.

pub(crate) mod check;
mod completions;
mod eval;
mod explain;
mod history;
mod init;
mod list;
mod load;
mod man;
mod new;
mod notify;
mod plugin;
mod report;
mod test;
mod validate;
mod watch;

use crate::Outcome;
use crate::cli::{Cli, ColorChoice, Command, Format, ListWhat, NewWhat, PluginAction, WatchWhat};
use crate::render::table::{Style, stdout_width};
use crate::session::Session;
use crate::workspace::discover;

pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    // A table written to `-o FILE` is not on the terminal: no colour
    // (unless forced with --color always) and no wrapping.
    let to_file = match &cli.command {
        Command::Check(args) => args.output.is_some(),
        Command::Eval { output, .. } => output.is_some(),
        _ => false,
    };
    let style = match to_file {
        false => Style {
            color: crate::color::stdout(cli.color),
            width: stdout_width(),
        },
        true => Style {
            color: cli.color == ColorChoice::Always,
            width: None,
        },
    };
    // Outside a workspace, the standard library and metric catalog can
    // still be listed and explained, as the built-in plugins can.
    let outside = || cli.workspace.is_none() && discover::find(None).is_err();
    match &cli.command {
        Command::Init { dir } => return Ok(init::run(dir, cli.quiet)?),
        Command::Completions { shell } => return Ok(completions::run(*shell)?),
        Command::Man => return Ok(man::run()?),
        Command::Plugin {
            action: PluginAction::Test { plugin, update },
        } => {
            return Ok(plugin::test(
                cli.workspace.as_deref(),
                plugin.as_deref(),
                *update,
                cli.quiet,
                style,
            )?);
        }
        Command::New {
            what: NewWhat::Plugin { name, kind },
        } => {
            return Ok(new::plugin(
                cli.workspace.as_deref(),
                name,
                *kind,
                cli.quiet,
            )?);
        }
        Command::List {
            what: ListWhat::Plugins,
            format,
        } if outside() => {
            return Ok(list::builtin_plugins(*format, style)?);
        }
        Command::List {
            what: what @ (ListWhat::Kpis | ListWhat::Metrics),
            format,
        } if outside() => {
            let session = Session::standard(cli.verbose, cli.quiet)?;
            return Ok(list::run(&session, *what, *format, style)?);
        }
        Command::Explain { kpi, .. } if outside() => {
            let session = Session::standard(cli.verbose, cli.quiet)?;
            return Ok(explain::standard(&session, kpi, style)?);
        }
        Command::Watch { what, check } => {
            let what = what
                .clone()
                .unwrap_or_else(|| WatchWhat::Check(check.clone()));
            return Ok(watch::run(&cli, &what, style)?);
        }
        // The standard library's tests need no workspace, and must not see one
        // (its scripts could override the KPIs under test).
        Command::Test(args) if args.stdlib => {
            let session = Session::standard(cli.verbose, cli.quiet)?;
            return Ok(test::run(&session, args, style)?);
        }
        _ => {}
    }
    let session = Session::open(&cli)?;
    let outcome = match &cli.command {
        Command::Check(args) => check::run(&session, args, style)?,
        Command::Report(args) => report::run(&session, args)?,
        Command::History(args) => history::run(&session, args, style)?,
        Command::Notify { targets, test } => notify::run(&session, targets, *test, style)?,
        Command::Test(args) => test::run(&session, args, style)?,
        Command::Eval {
            kpi,
            by,
            grain,
            network,
            account,
            where_,
            format,
            output,
            range,
        } => {
            let args = eval::Args {
                kpis: kpi,
                by,
                grain,
                network,
                account,
                where_,
                format: crate::cli::format_for(*format, output.as_deref(), Format::Table)?,
                output: output.as_deref(),
                range,
            };
            eval::run(&session, &args, style)?
        }
        Command::Validate => validate::run(&session, cli.quiet)?,
        Command::Load {
            to: _,
            connection,
            table,
        } => load::run(&session, connection.as_deref(), table, cli.quiet)?,
        Command::List { what, format } => list::run(&session, *what, *format, style)?,
        Command::Explain {
            kpi,
            period,
            network,
            account,
            where_,
        } => {
            let scope = explain::Scope {
                network: network.clone(),
                account: account.clone(),
                dims: explain::dims(where_)?,
            };
            explain::run(&session, kpi, period.as_deref(), scope, style)?
        }
        Command::Init { .. }
        | Command::Plugin { .. }
        | Command::New { .. }
        | Command::Completions { .. }
        | Command::Man
        | Command::Watch { .. } => {
            unreachable!("handled above")
        }
    };
    Ok(outcome)
}
