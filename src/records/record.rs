//! One canonical record, borrowed from whatever the plugin decoded, so that
//! loading a row allocates nothing on the hot path.

use super::{AttrsRef, MetricId};
use crate::aggregate::period::Day;

/// Whether a record is about one post or about an account on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Post,
    Account,
}

#[derive(Debug, Clone, Copy)]
pub struct RowRef<'a> {
    pub date: Day,
    pub network: &'a str,
    pub account: &'a str,
    /// The post id; `None` on a post-level row means the id is unknown and
    /// the row is keyed on its content.
    pub post: Option<&'a str>,
    pub level: Level,
    pub dims: &'a [(&'a str, &'a str)],
    /// Metric values present in the row (an empty cell is simply absent).
    pub metrics: &'a [(MetricId, f64)],
    /// The post's text, link and format, where the export has them; none on
    /// account rows.
    pub attrs: AttrsRef<'a>,
    /// The file line the row came from, for messages; 0 when it has none.
    pub line: u64,
}
