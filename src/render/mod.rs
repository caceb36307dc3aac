//! Rendering results: terminal tables, JSON (versioned, DESIGN §7), CSV,
//! Markdown and HTML (goal results and the periodic report); and
//! writing them atomically, so that a failed run leaves no half-written file.

pub mod check;
pub mod eval;
pub mod html;
pub mod junit;
pub mod markdown;
pub mod output;
pub mod report;
pub mod svg;
pub mod table;

pub use output::{write_output, write_with};

/// `2 goals`, or with goals checked in each period `13 goals, 24 results`.
pub fn goals_counted(results: &[crate::goals::GoalResult]) -> String {
    let ids: std::collections::BTreeSet<&str> =
        results.iter().map(|r| r.goal.id.as_str()).collect();
    let goals = count(ids.len(), "goal", "goals");
    if ids.len() == results.len() {
        goals
    } else {
        format!("{goals}, {}", count(results.len(), "result", "results"))
    }
}

/// `1 goal`, `2 goals`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
