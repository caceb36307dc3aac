//! `kpiscope check`: evaluate goals; the exit code says whether they passed.

use crate::Outcome;
use crate::aggregate::Cube;
use crate::cli::{CheckArgs, CheckFormat, FailOn};
use crate::diagnostic::suggest;
use crate::error::{Error, Result};
use crate::goals::evaluate::{evaluate_with_panel, load_panel, views_of};
use crate::goals::{Goal, GoalResult};
use crate::history;
use crate::render::{self, meta::Meta, table::Style};
use crate::session::Session;

pub fn run(s: &Session, args: &CheckArgs, style: Style) -> Result<Outcome> {
    let mut checked = compute(s, args, style)?;
    finish(s, args, &mut checked)?;
    // `-q` leaves out the table, not what broke: cron mail and CI logs
    // name each goal that fails or warns (`watch -q` says changes instead).
    if quiet_table(s, args) {
        render::write_output(None, &render::check::problems(&checked.results, style))?;
    }
    Ok(checked.outcome)
}

/// `-q` on a terminal table: the table is not printed.
fn quiet_table(s: &Session, args: &CheckArgs) -> bool {
    s.quiet && args.format().ok() == Some(CheckFormat::Table) && args.output.is_none()
}

/// A check that is done but not yet written. `watch` computes first and
/// writes only a run that succeeded, so a broken run never replaces the last
/// good output.
pub struct Checked {
    pub text: String,
    pub results: Vec<GoalResult>,
    pub outcome: Outcome,
    /// The results as they will be recorded, and what changed since the
    /// last run; `None` with `--no-history`.
    pub history: Option<history::Entry>,
}

/// Evaluates the selected goals and renders them in the asked format.
pub fn compute(s: &Session, args: &CheckArgs, style: Style) -> Result<Checked> {
    let goals = select(&s.ws.goals, &args.goals)?;
    let cube = s.load(&views_of(&goals), &args.range)?;
    check_names(s, &goals, &cube)?;
    let panel = load_panel(s, &goals, &args.range)?;
    let results = evaluate_with_panel(s, &goals, &args.range, &cube, panel.as_ref())?;
    let as_of_day = s.as_of(&args.range, &cube)?;
    let as_of = as_of_day.map(crate::aggregate::period::format_day);
    if args.fail_on.contains(&FailOn::Restated) && s.history.is_none() {
        return Err(Error::usage(
            "--fail-on restated compares with the history, which --no-history leaves out",
        ));
    }
    let entry = history::prepare(s, "check", None, &args.range, as_of, &results);
    let changes = entry.as_ref().map_or(&[][..], |e| &e.changes[..]);
    let currency = s.ws.currency.as_deref();
    let text = match args.format()? {
        CheckFormat::Table => {
            render::check::table(&s.ws.name, &results, style)
                + render::changes::section(changes, currency, style).as_str()
        }
        CheckFormat::Json => {
            let meta = Meta::new(&s.ws.name, as_of_day);
            // Every file read, the competitors' too.
            let inputs: Vec<_> = cube
                .tallies
                .iter()
                .chain(panel.iter().flat_map(|p| p.tallies.iter()))
                .cloned()
                .collect();
            render::check::json(&meta, currency, &results, &inputs, changes)
        }
        CheckFormat::Csv => render::check::csv(&results, currency),
        CheckFormat::Markdown => {
            render::markdown::check(&s.ws.name, currency, &results)
                + render::changes::markdown("Since the last run", changes, currency).as_str()
        }
        CheckFormat::Html => render::html::check(&s.ws.name, &results, changes),
        CheckFormat::Junit => {
            render::junit::check(&s.ws.name, &results, args.fail_on.contains(&FailOn::Warn))
        }
        CheckFormat::Github => {
            let config = s.ws.root.join(s.ws.config_file());
            // GitHub places an annotation by its path from the job's folder.
            let shown = std::env::current_dir()
                .ok()
                .and_then(|d| config.strip_prefix(d).ok().map(|p| p.to_path_buf()))
                .unwrap_or(config);
            let line = |g: &Goal| crate::diagnostic::line_of(&s.ws.config_text, g.kpi_span.start);
            render::check::github(&results, &shown.display().to_string(), line)
        }
    };
    let fail_on_warn = args.fail_on.contains(&FailOn::Warn);
    let restated = args.fail_on.contains(&FailOn::Restated)
        && entry
            .as_ref()
            .is_some_and(|e| e.changes.iter().any(|c| c.kind == history::Kind::Restated));
    let outcome = if restated || results.iter().any(|r| r.fails(fail_on_warn)) {
        Outcome::GoalsFailed
    } else {
        Outcome::Success
    };
    Ok(Checked {
        text,
        results,
        outcome,
        history: entry,
    })
}

/// Writes a computed check, records it in the history (a run whose output
/// could not be written is not one to compare the next with), then sends
/// its alerts: an alert tells of results already written and kept.
pub fn finish(s: &Session, args: &CheckArgs, checked: &mut Checked) -> Result<()> {
    write(s, args, checked)?;
    history::record(checked.history.as_mut());
    let sent = crate::notify::deliver(s, &checked.results, checked.history.as_mut());
    if sent.failed > 0 && args.fail_on.contains(&FailOn::Notify) {
        checked.outcome = Outcome::GoalsFailed;
    }
    Ok(())
}

/// Writes a computed check to `-o FILE` (atomically) or stdout.
pub fn write(s: &Session, args: &CheckArgs, checked: &Checked) -> Result<()> {
    let output = args.output.as_deref();
    if !quiet_table(s, args) {
        render::write_output(output, &checked.text)?;
    }
    Ok(())
}

fn select(all: &[Goal], ids: &[String]) -> Result<Vec<Goal>> {
    if all.is_empty() {
        return Err(Error::usage(
            "the workspace has no goals: add a [[goal]] to kpiscope.toml",
        ));
    }
    if ids.is_empty() {
        return Ok(all.to_vec());
    }
    // Every unknown id at once, not the first alone.
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    for id in ids {
        match all.iter().find(|g| g.id == *id) {
            Some(g) => found.push(g.clone()),
            None => {
                let hint = suggest(id, all.iter().map(|g| g.id.as_str()))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| "; `kpiscope list goals` shows them".into());
                unknown.push(format!("no goal has the id `{id}`{hint}"));
            }
        }
    }
    match unknown.is_empty() {
        true => Ok(found),
        false => Err(Error::usages(unknown)),
    }
}

/// A goal whose network, account or `where` names nothing the data holds
/// is a typo, not a goal without data: every such goal is an error at its
/// place in kpiscope.toml, with the nearest name. (`kpiscope test` gives
/// goals records of its own, where a missing network is a case to test.)
fn check_names(s: &Session, goals: &[Goal], cube: &Cube) -> Result<()> {
    let names = cube.names();
    let mut problems = crate::diagnostic::Diagnostics::default();
    // A `rank` or `vs` goal's network may hold competitors only: the
    // panel's own check says that, naming both sides.
    for g in goals.iter().filter(|g| g.against.is_none()) {
        for p in names.problems(&g.filter) {
            problems.push(crate::diagnostic::Diagnostic::at_span(
                &s.ws.config_file(),
                &s.ws.config_text,
                g.kpi_span.clone(),
                format!("goal `{}`: {p}", g.id),
            ));
        }
    }
    problems.into_result(())
}
