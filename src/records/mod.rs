//! Canonical records: what every source plugin produces (DESIGN §3), and the
//! metric catalog that says how each metric combines over a period.

pub mod catalog;
pub mod owned;
pub mod record;
pub mod tally;

pub use catalog::{Catalog, Kind, MetricId};
pub use owned::Record;
pub use record::{Level, RowRef};
