//! KPI scripts (DESIGN §4): every public, parameterless function in
//! `scripts/*.rhai` is a KPI. `library` finds and checks them, `engine`
//! evaluates them per group in a sandbox.

pub mod docs;
pub mod engine;
pub mod formula;
pub mod library;
pub mod public;
pub mod sandbox;
pub mod uses;

pub use engine::{Evaluator, Value};
pub use library::{Kpi, Library};

/// The % change from `before` to `now`, against the size of `before` (a
/// rise from -10 to -5 is +50%); none from 0, where a % change is undefined.
pub fn percent_change(now: f64, before: f64) -> Option<f64> {
    (before != 0.0).then(|| (now - before) / before.abs() * 100.0)
}
