//! `kpiscope.toml` as written: serde structs that reject unknown keys. The
//! checked model is built from these in `workspace::model`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawWorkspace {
    pub name: Option<String>,
    pub currency: Option<String>,
    pub timezone: Option<Spanned<String>>,
    pub week_start: Option<Spanned<String>>,
    /// The language and region of the report's words and numbers: `fr-FR`.
    pub locale: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub plugin: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub account: Option<String>,
    pub network: Option<String>,
    /// Any integer TOML holds, so that a year out of range is reported as
    /// such rather than as a type error (checked in `Workspace::parse`).
    pub year: Option<Spanned<i64>>,
    pub decimal: Option<Spanned<String>>,
    pub settings: Option<toml::Table>,
    /// A warehouse source's server, relation and mapping (see `warehouse`).
    pub connection: Option<Spanned<String>>,
    pub table: Option<Spanned<String>>,
    pub query: Option<Spanned<String>>,
    pub dialect: Option<Spanned<String>>,
    pub columns: Option<super::warehouse::RawColumns>,
    /// `own` (default) or `competitor`: checked in `Workspace::parse`.
    pub role: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGoal {
    pub id: Option<Spanned<String>>,
    pub kpi: Spanned<String>,
    pub title: Option<String>,
    pub network: Option<String>,
    pub account: Option<String>,
    #[serde(rename = "where")]
    pub where_: Option<BTreeMap<String, String>>,
    pub grain: Option<Spanned<String>>,
    pub period: Option<Spanned<String>>,
    pub target: Option<Spanned<String>>,
    pub warn: Option<Spanned<String>>,
    pub change: Option<Spanned<String>>,
    pub by: Option<Spanned<String>>,
    pub no_data: Option<Spanned<String>>,
    /// A condition on the rank among the competitor panel: `"<= 2"`.
    pub rank: Option<Spanned<String>>,
    /// The panel reference the target is about: median, best or an account.
    pub vs: Option<Spanned<String>>,
}

/// `[limits]`: what a run may cost, where a workspace may need more (or
/// want less) than `crate::limits`' defaults. Whole numbers in the units
/// their names say.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    pub script_operations: Option<Spanned<i64>>,
    pub script_seconds: Option<Spanned<f64>>,
    pub script_run_seconds: Option<Spanned<f64>>,
    pub script_kb: Option<Spanned<i64>>,
    pub script_mb: Option<Spanned<i64>>,
    pub date_span_years: Option<Spanned<i64>>,
    pub warehouse_seconds: Option<Spanned<f64>>,
}

/// `[report]`: the agency's brand on the periodic report.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    /// Who sends the report ("Prepared by …").
    pub agency: Option<String>,
    pub logo: Option<Spanned<String>>,
    pub primary_color: Option<Spanned<String>>,
    pub accent_color: Option<Spanned<String>>,
    /// A paragraph or more opening the report; blank lines split paragraphs.
    pub intro: Option<String>,
    /// A template file replacing the built-in HTML one.
    pub template: Option<Spanned<String>>,
}

/// `[history]`: where the results store is (issue 14).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHistory {
    /// The SQLite file, from the workspace's root (default `.kpiscope/history.db`).
    pub path: Option<String>,
}

/// `[[notify]]`: where alerts go (issue 14), a webhook or e-mail over SMTP.
/// Checked into `crate::notify::Target`; secrets are never in the file:
/// `webhook = "env:VAR"` and the SMTP credentials come from the environment.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNotify {
    pub name: Option<Spanned<String>>,
    /// An http(s) URL, or `env:VAR` naming the variable that holds it.
    pub webhook: Option<Spanned<String>>,
    /// slack | teams | json.
    pub format: Option<Spanned<String>>,
    /// The recipients of an e-mail alert.
    pub email: Option<Spanned<Vec<Spanned<String>>>>,
    /// host[:port] of the SMTP server.
    pub smtp: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    /// starttls (default) | tls | none.
    pub tls: Option<Spanned<String>>,
    /// The variables holding the SMTP user and password.
    pub user_env: Option<Spanned<String>>,
    pub password_env: Option<Spanned<String>>,
    /// change (default) | fail | always.
    pub on: Option<Spanned<String>>,
    /// Only these goals' results and changes.
    pub goals: Option<Vec<Spanned<String>>>,
    /// How long one delivery may take: "10s", "500ms", "1m".
    pub timeout: Option<Spanned<String>>,
    /// A PEM file of the certificates to trust instead of the built-in roots.
    pub ca_file: Option<Spanned<String>>,
}

/// The top-level keys; anything else is reported with its position.
pub const TOP_LEVEL: &[&str] = &[
    "workspace",
    "params",
    "metrics",
    "limits",
    "report",
    "history",
    "notify",
    "source",
    "goal",
];
