//! Canonical records: what every source plugin produces (DESIGN §3), and the
//! metric catalog that says how each metric combines over a period.

pub mod catalog;
pub mod record;

pub use catalog::{Catalog, Kind, MetricId};
pub use record::{Level, RowRef};
