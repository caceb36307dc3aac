//! What every JSON output says of itself, so that a file read months later,
//! or by another program, tells what wrote it, when, for which workspace,
//! and as of which day; and units as a reader of the output needs them.

use serde::Serialize;

/// The fields every JSON output opens with, beside `version` and `command`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Meta {
    /// The kpiscope that wrote the file.
    pub kpiscope_version: String,
    /// When it was written, RFC 3339 in UTC (`SOURCE_DATE_EPOCH`, in
    /// seconds, sets it for reproducible output).
    pub generated_at: String,
    /// The workspace's `name`.
    pub workspace: String,
    /// The day the results are as of: `--as-of`, else the data's last day;
    /// null when there is no data.
    pub as_of: Option<String>,
}

impl Meta {
    pub fn new(workspace: &str, as_of: Option<crate::aggregate::Day>) -> Meta {
        let now = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .and_then(|s| jiff::Timestamp::from_second(s).ok())
            .unwrap_or_else(jiff::Timestamp::now);
        Meta {
            kpiscope_version: env!("CARGO_PKG_VERSION").to_string(),
            generated_at: now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            workspace: workspace.to_string(),
            as_of: as_of.map(crate::aggregate::period::format_day),
        }
    }
}

/// A KPI's unit as outputs write it: a money KPI's is the workspace's
/// currency code (`EUR`), not the word `currency`, where the workspace
/// names one.
pub fn unit_code<'a>(unit: &'a str, currency: Option<&'a str>) -> &'a str {
    match (unit, currency) {
        ("currency", Some(c)) => c,
        _ => unit,
    }
}
