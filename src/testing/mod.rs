//! Unit tests of KPI scripts and goals (`kpiscope test`), in the spirit of
//! `promtool test rules` and dbt unit tests: a test file gives metric values
//! per period, and expects KPI values and goal statuses. The format is
//! documented in docs/testing.md.
//!
//! `raw` is the file as written; `suite` (a file, its tests), `input`,
//! `expect` and `goal_check` the checked model; `run` runs one test through the real pipeline: its inputs become canonical records,
//! folded into a cube like any source's, evaluated by the KPI engine and
//! judged by the same goal checks as `kpiscope check`.

pub mod expect;
pub mod goal_check;
pub mod input;
pub mod raw;
pub mod run;
pub mod suite;

use std::path::Path;

pub use run::{Problem, run_case};
pub use suite::{Case, Suite};

use crate::error::{Error, Result};
use crate::session::Session;
use crate::workspace::Located;

/// The folder of a workspace that holds its test files.
pub const DIR: &str = "tests";

/// The workspace's `tests/*.toml`, sorted by name: (as shown, text).
pub fn workspace_files(root: &Path) -> Result<Vec<(String, String)>> {
    let dir = root.join(DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
            let shown = p.strip_prefix(root).unwrap_or(&p).display().to_string();
            Ok((shown, text))
        })
        .collect()
}

/// Parses and checks every file; every problem of every file at once.
pub fn load(s: &Session, files: &[(String, String)]) -> Result<Vec<Suite>> {
    let mut problems = crate::diagnostic::Diagnostics::default();
    let mut suites = Vec::new();
    for (shown, text) in files {
        let mut at = Located::new(shown, text);
        let suite = Suite::parse(s, &mut at);
        let mut found = at.diagnostics.0;
        // Keys of a table come sorted by name: put the problems in reading order.
        found.sort_by_key(|d| (d.line, d.col));
        problems.0.extend(found);
        suites.push(suite);
    }
    problems.into_result(suites)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::library::standard_tests;
    use expect::Want;

    /// KPIS.md's promise, kept by scripts/tests: every standard KPI has a
    /// hand-computed value and a no-data case.
    #[test]
    fn the_standard_library_tests_cover_every_standard_kpi() {
        let s = Session::standard(false, true).expect("the standard session");
        let suites = load(&s, &standard_tests()).expect("the standard tests read");
        let expects: Vec<_> = suites
            .iter()
            .flat_map(|s| &s.tests)
            .flat_map(|t| &t.expects)
            .collect();
        assert_eq!(
            s.library.kpis.len(),
            49,
            "KPIS.md lists 45 KPIs; then assisted_conversion_share, and the competitor panel's share_of_voice, share_of_voice_engagement and views_per_post (issue 16)"
        );
        let mut missing = Vec::new();
        for k in &s.library.kpis {
            let mine = || expects.iter().filter(|e| e.kpi == k.name);
            if !mine().any(|e| matches!(e.want, Want::Value(_))) {
                missing.push(format!("{}: no value", k.name));
            }
            if !mine().any(|e| matches!(e.want, Want::NoData { .. })) {
                missing.push(format!("{}: no no-data case", k.name));
            }
        }
        assert!(missing.is_empty(), "not covered:\n{}", missing.join("\n"));
    }
}
