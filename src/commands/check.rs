//! `kpiscope check`: evaluate goals; the exit code says whether they passed.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::Outcome;
use crate::cli::{Format, Range};
use crate::diagnostic::suggest;
use crate::error::{Error, Result};
use crate::goals::{Goal, GoalResult, check};
use crate::render::{self, table::Style};
use crate::session::Session;

pub fn run(
    s: &Session,
    ids: &[String],
    format: Format,
    output: Option<&Path>,
    fail_on_warn: bool,
    range: &Range,
    style: Style,
) -> Result<Outcome> {
    let goals = select(&s.ws.goals, ids)?;
    let results = evaluate(s, &goals, range)?;
    let text = match format {
        Format::Table => render::check::table(&s.ws.name, &results, style),
        Format::Json => render::check::json(&s.ws.name, &results),
        Format::Csv => render::check::csv(&results),
    };
    // `-q` keeps a terminal quiet for cron: the exit code says it all.
    if !(s.quiet && format == Format::Table && output.is_none()) {
        render::write_output(output, &text)?;
    }
    Ok(if results.iter().any(|r| r.fails(fail_on_warn)) {
        Outcome::GoalsFailed
    } else {
        Outcome::Success
    })
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
    ids.iter()
        .map(|id| {
            all.iter().find(|g| g.id == *id).cloned().ok_or_else(|| {
                let hint = suggest(id, all.iter().map(|g| g.id.as_str()))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| "; `kpiscope list goals` shows them".into());
                Error::usage(format!("no goal has the id `{id}`{hint}"))
            })
        })
        .collect()
}

/// Loads the data once for every goal's view and checks each goal.
pub fn evaluate(s: &Session, goals: &[Goal], range: &Range) -> Result<Vec<GoalResult>> {
    let mut views: Vec<_> = goals.iter().map(Goal::view).collect();
    views.sort();
    views.dedup();
    let cube = s.load(&views, range)?;
    let as_of = s.as_of(range, &cube)?;
    let evaluators: BTreeMap<_, _> = views
        .iter()
        .map(|v| {
            let groups = Arc::new(cube.view(v));
            (v.clone(), s.evaluator(groups, &cube.catalog))
        })
        .collect();
    goals
        .iter()
        .map(|g| {
            let unit = s.unit_of(&g.kpi);
            check::check(
                g,
                &evaluators[&g.view()],
                &unit,
                s.ws.currency.as_deref(),
                as_of,
            )
            .map_err(|d| Error::Diagnostics(crate::diagnostic::Diagnostics(vec![d])))
        })
        .collect()
}
