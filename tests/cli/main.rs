//! The integration tests: one binary, one module per area.

mod demo;
mod errors;
mod eval;
mod goals;
mod plugins;
mod harness;
mod stdlib;
mod workspace;
