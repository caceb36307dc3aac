//! The results store (issue 14): every `check` and `report` appends its goal
//! results, with what they were computed from, to a SQLite file in the
//! workspace (`.kpiscope/history.db` unless `[history] path` or `--history`
//! says otherwise); `kpiscope history` reads them back.
//!
//! Recording never changes what a check says: a store that cannot be written
//! (corrupt, locked past the busy timeout, from a newer kpiscope) is a
//! warning on stderr, and the check's output and exit code stay its own.

pub mod error;
pub mod fingerprint;
pub mod schema;
pub mod store;

use std::path::{Path, PathBuf};

pub use error::HistoryError;
pub use fingerprint::Input;
pub use store::{Query, Row, Run, Store};

use crate::goals::GoalResult;
use crate::session::Session;

/// Where the store is when neither `[history] path` nor `--history` moves it.
pub const DEFAULT_PATH: &str = ".kpiscope/history.db";

/// The store's file: `--history`, else `[history] path`, else the default;
/// relative paths are from the workspace's root.
pub fn path_of(root: &Path, configured: Option<&Path>, flag: Option<&Path>) -> PathBuf {
    let p = flag
        .or(configured)
        .map_or_else(|| PathBuf::from(DEFAULT_PATH), Path::to_path_buf);
    root.join(p)
}

/// Appends a run's results to the session's store, unless `--no-history`.
/// A failure is a warning: the results were computed and are printed anyway.
pub fn record(s: &Session, command: &str, as_of: Option<String>, results: &[GoalResult]) {
    let Some(path) = &s.history else {
        return;
    };
    let run = Run {
        at: now(),
        command: command.to_string(),
        as_of,
        version: env!("CARGO_PKG_VERSION").to_string(),
        inputs: fingerprint::of(&s.ws.root, &s.inputs()),
        results: results.iter().map(Row::of).collect(),
    };
    let written = Store::open(path, true).and_then(|mut st| st.append(&run));
    if let Err(e) = written {
        say!(
            "{} the results were not recorded in the history: {e}",
            crate::color::warning()
        );
    }
}

/// The time of a run, UTC, RFC 3339 to the second.
fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
