//! Goals judged on a loaded cube: the one path `check`, `report`, `watch`
//! and `kpiscope test` share, so that each judges a goal exactly alike.

use std::collections::BTreeMap;

use super::{Goal, GoalResult, check};
use crate::aggregate::{Cube, View};
use crate::cli::Range;
use crate::error::{Error, Result};
use crate::kpi::Evaluator;
use crate::session::Session;

/// Checks each goal on the cube that `load` builds for the goals' views:
/// the sources' data (`check`), or a test's records (`kpiscope test`), so
/// that tests judge goals exactly as `check` does.
pub fn evaluate_with(
    s: &Session,
    goals: &[Goal],
    range: &Range,
    load: impl FnOnce(&[View]) -> Result<Cube>,
) -> Result<Vec<GoalResult>> {
    evaluate_on(s, goals, range, &load(&views_of(goals))?)
}

/// Checks each goal on `cube`, loaded for (at least) [`views_of`] the goals.
pub fn evaluate_on(
    s: &Session,
    goals: &[Goal],
    range: &Range,
    cube: &Cube,
) -> Result<Vec<GoalResult>> {
    let panel = load_panel(s, goals, range)?;
    evaluate_with_panel(s, goals, range, cube, panel.as_ref())
}

/// [`evaluate_on`] with the competitor panel already loaded (`check` keeps
/// it, to account for its files' rows too).
pub fn evaluate_with_panel(
    s: &Session,
    goals: &[Goal],
    range: &Range,
    cube: &Cube,
    panel: Option<&Cube>,
) -> Result<Vec<GoalResult>> {
    let as_of = s.as_of(range, cube)?;
    let evaluators = s.evaluators_with(views_of(goals), cube, panel);
    evaluate_in(s, goals, cube, panel, &evaluators, as_of)
}

/// The competitor panel's cube, when a goal ranks in it or reads it
/// (`share_of_voice`); loaded for the goals' grains, by account.
pub fn load_panel(s: &Session, goals: &[Goal], range: &Range) -> Result<Option<Cube>> {
    let against = goals.iter().any(|g| g.against.is_some());
    if !s.needs_panel(goals.iter().map(|g| g.kpi.as_str()), against) {
        return Ok(None);
    }
    let mut views: Vec<View> = goals
        .iter()
        .map(|g| crate::panel::sums_view(&g.view()))
        .collect();
    views.sort();
    views.dedup();
    s.load_panel(&views, range)
}

/// The views goals need: what a cube must be loaded for to check them.
pub fn views_of(goals: &[Goal]) -> Vec<View> {
    let mut views: Vec<_> = goals.iter().map(Goal::view).collect();
    views.sort();
    views.dedup();
    views
}

/// Checks each goal with `evaluators` of (at least) [`views_of`] the goals
/// on `cube`, as of `as_of`.
pub fn evaluate_in(
    s: &Session,
    goals: &[Goal],
    cube: &Cube,
    panel: Option<&Cube>,
    evaluators: &BTreeMap<View, Evaluator>,
    as_of: Option<crate::aggregate::Day>,
) -> Result<Vec<GoalResult>> {
    let mut results = Vec::new();
    for g in goals {
        if g.against.is_some() {
            results.extend(crate::panel::judge::check(
                s,
                g,
                cube,
                panel,
                as_of,
                cube.spec.range.0,
            )?);
            continue;
        }
        let unit = s.unit_of(&g.kpi);
        results.extend(
            check::check(
                g,
                &evaluators[&g.view()],
                &unit,
                s.ws.currency.as_deref(),
                as_of,
                cube.spec.range.0,
            )
            .map_err(|d| Error::Diagnostics(crate::diagnostic::Diagnostics(vec![d])))?,
        );
    }
    Ok(results)
}
