//! Canonical records: what every source plugin produces (DESIGN §3), and the
//! metric catalog that says how each metric combines over a period.

pub mod attrs;
pub mod catalog;
pub mod format;
pub mod owned;
pub mod record;
pub mod tally;

pub use attrs::{AttrsRef, PostAttrs};
pub use catalog::{Catalog, Kind, MetricId};
pub use owned::Record;
pub use record::{Level, RowRef};
