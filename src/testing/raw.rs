//! Test files as written: serde structs that reject unknown keys. An input
//! table (`[[test.input]]`) is read key by key instead, in `suite`, as every
//! key besides its scope is a metric name.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;
use toml::Spanned;

/// A `[[test]]` table's own keys.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTest {
    pub name: Spanned<String>,
    pub as_of: Option<Spanned<String>>,
    pub tolerance: Option<Spanned<f64>>,
    pub params: Option<toml::Table>,
    // Read table by table in `suite`, so that each one's problems are
    // reported; named here so that a misspelt key is told these exist.
    pub input: Option<IgnoredAny>,
    pub expect: Option<IgnoredAny>,
    pub goal: Option<IgnoredAny>,
}

/// `[[test.expect]]`: a KPI's (or metric's) value in one period and scope.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    pub kpi: Spanned<String>,
    pub period: Spanned<String>,
    pub network: Option<String>,
    pub account: Option<String>,
    pub post: Option<String>,
    #[serde(rename = "where")]
    pub where_: Option<BTreeMap<String, String>>,
    pub value: Option<Spanned<f64>>,
    pub no_data: Option<Spanned<bool>>,
    pub reason: Option<Spanned<String>>,
    pub tolerance: Option<Spanned<f64>>,
}

/// `[[test.goal]]`: the result of a goal of `kpiscope.toml` on the test's input.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGoalCheck {
    pub id: Spanned<String>,
    pub period: Option<Spanned<String>>,
    pub status: Spanned<String>,
    pub value: Option<Spanned<f64>>,
    pub message: Option<Spanned<String>>,
    pub tolerance: Option<Spanned<f64>>,
}

/// The keys of an input table that are not metrics.
pub const INPUT_KEYS: &[&str] = &[
    "date", "period", "network", "account", "post", "dim", "role",
];

/// The top-level keys of a test file.
pub const TOP_LEVEL: &[&str] = &["test"];
