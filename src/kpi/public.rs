//! Which KPIs a competitor panel can compare (issue 16): those whose every
//! input, through the KPIs and helpers they call, is a public metric
//! ([`crate::records::catalog::PUBLIC`]). A competitor's value of any other
//! KPI is "no data: not public", never a zero.

use super::Library;
use crate::records::catalog::is_public;

/// Whether the panel can compare a KPI (or a metric), and why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparable {
    Yes,
    /// It reads this metric, which competitors' pages do not show.
    NotPublic(String),
    /// It reads the panel itself (`panel("mentions")`): a figure of the
    /// brand's accounts against the panel, such as share of voice.
    ReadsPanel,
}

/// Whether competitors can have `name` (a KPI, else a metric).
pub fn comparable(library: &Library, name: &str) -> Comparable {
    if library.get(name).is_none() {
        return match is_public(name) {
            true => Comparable::Yes,
            false => Comparable::NotPublic(name.to_string()),
        };
    }
    let (metrics, panel) = library.metrics_read(name);
    if panel {
        return Comparable::ReadsPanel;
    }
    match metrics.into_iter().find(|m| !is_public(m)) {
        Some(m) => Comparable::NotPublic(m),
        None => Comparable::Yes,
    }
}

/// The metrics `name` reads (itself, for a metric).
pub fn inputs(library: &Library, name: &str) -> Vec<String> {
    match library.get(name) {
        Some(_) => library.metrics_read(name).0,
        None => vec![name.to_string()],
    }
}
