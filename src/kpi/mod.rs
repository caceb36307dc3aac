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
