//! What can go wrong with the results store, each said so a user can act.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(
        "{path}: the history was written by a newer kpiscope (schema version {found}, this one reads up to {known}): upgrade kpiscope, or point --history elsewhere"
    )]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{path}: no history yet: `kpiscope check` records one")]
    Missing { path: PathBuf },
    #[error("{path}: cannot create its folder: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {}", describe(source))]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

impl HistoryError {
    /// Another process holds the store's lock.
    pub fn is_busy(&self) -> bool {
        matches!(self, HistoryError::Sqlite { source, .. } if matches!(
            source.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        ))
    }
}

/// SQLite's own words, with what they mean for the user's file.
fn describe(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode::*;
    match e.sqlite_error_code() {
        Some(NotADatabase) | Some(DatabaseCorrupt) => {
            format!(
                "the history file is corrupt or not a SQLite database ({e}): move it aside and the next run starts a new one"
            )
        }
        Some(DatabaseBusy) | Some(DatabaseLocked) => {
            format!(
                "the history is locked by another process for longer than the busy timeout ({e})"
            )
        }
        _ => e.to_string(),
    }
}
