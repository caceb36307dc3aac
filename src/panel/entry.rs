//! One account of a competitor panel in one period: its KPI value (or why it
//! has none) and its rank.

use crate::kpi::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The account, or for the brand's accounts of a network taken
    /// together, their names joined with `+`.
    pub account: String,
    /// One of the brand's own accounts (or all of them together).
    pub own: bool,
    pub value: Value,
    /// 1 is the best; accounts with the same value share a rank; `None`
    /// without a value.
    pub rank: Option<usize>,
}
