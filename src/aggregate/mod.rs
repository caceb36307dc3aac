//! Aggregation: records are folded, as they stream in, into cells of the
//! finest grain a run needs (the [`Cube`]); cells roll up into the groups of a
//! [`View`] (grain × scope × filter), each metric by its kind.

pub mod acc;
pub mod batch;
pub mod cube;
pub mod folded;
pub mod key_log;
pub mod names;
pub mod period;
pub mod period_index;
pub mod seen;
pub mod shard;
pub mod spec;
pub mod view;

pub use cube::Cube;
pub use period::{Calendar, Day, Grain, Period};
pub use view::{By, Filter, Group, Groups, View};
