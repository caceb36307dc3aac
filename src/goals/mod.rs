//! Goals: a KPI, a scope, a period and a condition (DESIGN §6). The checked
//! model lives in `goal`, the conditions in `condition`, evaluation of one goal in `check`, of a workspace's goals on a cube in
//! `evaluate`.

pub mod against;
pub mod check;
pub mod condition;
pub mod evaluate;
pub mod goal;
pub mod projection;

pub use check::{GoalResult, Status, Summary};
pub use condition::Condition;
pub use goal::{Goal, Measure, NoData, PeriodSpec};
