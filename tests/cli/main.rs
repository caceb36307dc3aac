//! The integration tests: one binary, one module per area.

mod demo;
mod errors;
mod eval;
mod goals;
mod harness;
mod plugins;
mod real_data;
mod report;
mod stdlib;
mod workspace;
