//! Rendering results: terminal tables, JSON (versioned, DESIGN §7), CSV; and
//! writing them atomically, so that a failed run leaves no half-written file.

pub mod check;
pub mod eval;
pub mod output;
pub mod table;

pub use output::{write_output, write_with};
