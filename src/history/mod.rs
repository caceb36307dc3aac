//! The results store (issue 14): every `check` and `report` appends its goal
//! results, with what they were computed from, to a SQLite file in the
//! workspace (`.kpiscope/history.db` unless `[history] path` or `--history`
//! says otherwise); `kpiscope history` reads them back.
//!
//! Recording never changes what a check says: a store that cannot be written
//! (corrupt, locked past the busy timeout, from a newer kpiscope) is a
//! warning on stderr, and the check's output and exit code stay its own.

pub mod changes;
pub mod error;
pub mod fingerprint;
pub mod outbox;
pub mod schema;
pub mod store;

use std::path::{Path, PathBuf};

pub use changes::{Change, Kind};
pub use error::HistoryError;
pub use fingerprint::Input;
pub use outbox::Delivery;
pub use store::{Query, Row, Run, Store};

use crate::goals::GoalResult;
use crate::limits::MAX_FILES_PER_SOURCE;
use crate::session::Session;
use crate::workspace::walk;

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

/// A run's results about to be recorded, with what changed since the runs
/// before: made before the output is written (which shows the changes),
/// recorded after.
pub struct Entry {
    pub run: Run,
    /// What differs from the store's latest results; empty on a first run
    /// and when the store cannot be read (said when recording).
    pub changes: Vec<Change>,
    /// The run's id once [`record`]ed.
    pub id: Option<i64>,
    /// The open store (`None` before a first run makes it), or why it
    /// could not be opened.
    store: Result<Option<Store>, String>,
    path: PathBuf,
}

/// Compares `results` with the store (the runs of `compare_with`, any
/// command when `None`) and keeps them for [`record`]; `None` with
/// `--no-history`.
pub fn prepare(
    s: &Session,
    command: &str,
    compare_with: Option<&str>,
    range: &crate::cli::Range,
    as_of: Option<String>,
    results: &[GoalResult],
) -> Option<Entry> {
    let path = s.history.as_ref()?;
    let run = Run {
        at: now(),
        command: command.to_string(),
        as_of,
        version: env!("CARGO_PKG_VERSION").to_string(),
        range: (range.from.clone(), range.to.clone()),
        inputs: fingerprint::of(&s.ws.root, &inputs(s)),
        results: results.iter().map(Row::of).collect(),
    };
    // Not made yet: a run that fails to write its output leaves no store.
    let store = match Store::open(path, false) {
        Ok(st) => Ok(Some(st)),
        Err(HistoryError::Missing { .. }) => Ok(None),
        Err(e) => Err(e.to_string()),
    };
    let compared = match &store {
        Ok(Some(st)) => changes::since(
            st,
            compare_with,
            &run.range,
            run.as_of.as_deref(),
            &run.inputs,
            &run.results,
        ),
        // Nothing to compare with; a store that cannot be opened is said
        // when recording.
        _ => Ok(Vec::new()),
    };
    // Said, not passed over: no line under the table must not read as
    // "nothing changed" when the store could not be read.
    let changes = compared.unwrap_or_else(|e| {
        say!(
            "{} could not compare with the last run: {e}",
            crate::color::warning()
        );
        Vec::new()
    });
    Some(Entry {
        run,
        changes,
        id: None,
        store,
        path: path.clone(),
    })
}

/// Appends a prepared run to the store and keeps its id in the entry. A
/// failure is a warning: the results were computed and are printed anyway.
pub fn record(entry: Option<&mut Entry>) {
    let Some(entry) = entry else {
        return;
    };
    if let Ok(None) = entry.store {
        entry.store = Store::open(&entry.path, true)
            .map(Some)
            .map_err(|e| e.to_string());
    }
    let written = match &mut entry.store {
        Ok(Some(st)) => st.append(&entry.run).map_err(|e| e.to_string()),
        Ok(None) => return,
        Err(e) => Err(e.clone()),
    };
    match written {
        Ok(id) => entry.id = Some(id),
        Err(e) => say!(
            "{} the results were not recorded in the history: {e}",
            crate::color::warning()
        ),
    }
}

impl Entry {
    /// The store, for what is kept beside a run (alerts to deliver); `None`
    /// when it could not be opened (already said by [`record`]).
    pub fn store(&mut self) -> Option<&mut Store> {
        self.store.as_mut().ok().and_then(Option::as_mut)
    }
}

/// What a run is computed from: the files its sources read, the config,
/// and the workspace's scripts and plugins (an edited script restates
/// figures as surely as a new export). The folders are walked as a source's
/// glob is: hidden files (editors' swap files) left out, a link loop walked
/// once; one that cannot be read is left out of the fingerprint.
fn inputs(s: &Session) -> Vec<PathBuf> {
    let mut files = s.inputs();
    files.push(s.ws.root.join(s.ws.config_file()));
    for pattern in ["scripts/**/*", "plugins/**/*"] {
        if let Ok(w) = walk::expand(&s.ws.root, pattern, MAX_FILES_PER_SOURCE) {
            files.extend(w.files.into_iter().filter(|f| f.is_file()));
        }
    }
    files
}

/// The time of a run, UTC, RFC 3339 to the second.
pub fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
