//! The integration tests: one binary, one module per area.

mod aggregate_limits;
mod command_plugins;
mod conventions;
mod decode;
mod demo;
mod errors;
mod eval;
mod explain;
mod exports;
mod globs;
mod goal_truth;
mod goals;
mod goals_over_time;
mod harness;
mod history;
mod kpitest;
mod machine_output;
mod output_safety;
mod plugins;
mod progress;
mod real_data;
mod report;
mod script_limits;
mod stdlib;
mod watch;
mod workspace;
