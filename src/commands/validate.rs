//! `kpiscope validate`: config, plugins, scripts and goals are checked when
//! the session opens; here sources are resolved (globs, plugin detection) and
//! every KPI is run once on synthetic values to find script errors; test
//! files are read and checked, not run.

use std::sync::Arc;

use crate::Outcome;
use crate::aggregate::Groups;
use crate::diagnostic::{Diagnostics, suggest};
use crate::error::{Error, Result};
use crate::render::count;
use crate::session::Session;
use crate::sources;
use crate::testing;

pub fn run(s: &Session, quiet: bool) -> Result<Outcome> {
    let resolved = sources::resolve(&s.ws, &s.registry)?;
    s.note_files(&resolved);
    let groups = Arc::new(Groups::synthetic(s.catalog.len(), &s.ws.calendar));
    let ev = s.evaluator(groups, &s.catalog);
    let mut problems = Diagnostics::default();
    for k in &s.library.kpis {
        if let Err(d) = ev.eval(&k.name, 1) {
            problems.push(d);
        }
    }
    // Test files are checked too (names, periods, goal ids), without running them.
    let suites = testing::workspace_files(&s.ws.root).and_then(|f| testing::load(s, &f));
    // A param a script reads must be set: in [params], or by a test file.
    let mut set: Vec<&str> = s.ws.params.keys().map(String::as_str).collect();
    if let Ok(suites) = &suites {
        set.extend(
            suites
                .iter()
                .flat_map(|t| &t.tests)
                .flat_map(|c| c.params.keys().map(String::as_str)),
        );
    }
    for (name, d) in &s.library.params_read {
        if !set.contains(&name.as_str()) {
            let hint = match suggest(name, set.iter().copied()) {
                Some(near) => format!("did you mean `params.{near}`?"),
                None => format!("add `{name} = ...` to [params]"),
            };
            problems.push(d.clone().with_hint(hint));
        }
    }
    let tests: usize = match suites {
        Ok(suites) => suites.iter().map(|t| t.tests.len()).sum(),
        Err(Error::Diagnostics(d)) => {
            problems.0.extend(d.0);
            0
        }
        Err(e) => return Err(e),
    };
    if !problems.is_empty() {
        return Err(Error::Diagnostics(problems));
    }
    if !quiet {
        let files: usize = resolved.iter().map(|r| r.files.len()).sum();
        let own = s.library.kpis.iter().filter(|k| !k.standard).count();
        crate::outln!(
            "{}: ok — {} ({}), {}, {} ({own} from the workspace), {}",
            s.ws.name,
            count(s.ws.sources.len(), "source", "sources"),
            count(files, "file", "files"),
            count(s.registry.plugins.len(), "plugin", "plugins"),
            count(s.library.kpis.len(), "KPI", "KPIs"),
            count(s.ws.goals.len(), "goal", "goals")
        )?;
        // With -v the session has said it already.
        if !s.verbose {
            for r in s
                .registry
                .replacements()
                .into_iter()
                .chain(s.library.replacements())
            {
                crate::outln!("note: {r}")?;
            }
        }
        // Names are checked where the data is read: say what was not.
        if s.ws.goals.iter().any(|g| {
            g.filter.network.is_some() || g.filter.account.is_some() || !g.filter.dims.is_empty()
        }) {
            crate::outln!(
                "not checked without data: the networks, accounts and `where` values goals name (`check` does, with the nearest name)"
            )?;
        }
        if tests > 0 {
            crate::outln!(
                "{} in {}/ (`kpiscope test` runs them)",
                count(tests, "test", "tests"),
                testing::DIR
            )?;
        }
    }
    Ok(Outcome::Success)
}
