//! The alerts to deliver (the `delivery` table): each alert is written here
//! before it is sent, marked sent when its target took it, and otherwise
//! kept with its attempts and last error for the next run to retry.

use rusqlite::params;

use super::error::HistoryError;
use super::store::Store;

/// An alert in the outbox.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    /// The `[[notify]]` it goes to, by name.
    pub target: String,
    /// The body, exactly as sent.
    pub payload: String,
    /// Failed attempts so far.
    pub attempts: i64,
}

impl Store {
    /// Writes run `run`'s alerts, `(target, payload)`, in one transaction;
    /// their ids in the same order.
    pub fn queue(
        &mut self,
        run: i64,
        alerts: &[(String, String)],
    ) -> Result<Vec<i64>, HistoryError> {
        let path = self.path().to_path_buf();
        let sql = |source| HistoryError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn_mut()
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        let mut ids = Vec::new();
        for (target, payload) in alerts {
            tx.execute(
                "INSERT INTO delivery (run_id, target, payload) VALUES (?1, ?2, ?3)",
                params![run, target, payload],
            )
            .map_err(sql)?;
            ids.push(tx.last_insert_rowid());
        }
        tx.commit().map_err(sql)?;
        Ok(ids)
    }

    /// The alerts not delivered yet, oldest first: at most `limit`, each
    /// with fewer than `max_attempts` failures, of runs at or after
    /// `since` (UTC, RFC 3339) and before run `before`.
    pub fn pending(
        &self,
        max_attempts: i64,
        since: &str,
        before: i64,
        limit: usize,
    ) -> Result<Vec<Delivery>, HistoryError> {
        let sql = |source| HistoryError::Sqlite {
            path: self.path().to_path_buf(),
            source,
        };
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT d.id, d.target, d.payload, d.attempts
                 FROM delivery d JOIN run r ON r.id = d.run_id
                 WHERE d.sent_at IS NULL AND d.attempts < ?1 AND r.at >= ?2 AND d.run_id < ?3
                 ORDER BY d.id LIMIT ?4",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map(
                params![
                    max_attempts,
                    since,
                    before,
                    i64::try_from(limit).unwrap_or(i64::MAX)
                ],
                |r| {
                    Ok(Delivery {
                        id: r.get(0)?,
                        target: r.get(1)?,
                        payload: r.get(2)?,
                        attempts: r.get(3)?,
                    })
                },
            )
            .map_err(sql)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(sql)
    }

    /// Marks alert `id` delivered at `at`.
    pub fn delivered(&self, id: i64, at: &str) -> Result<(), HistoryError> {
        self.conn()
            .execute(
                "UPDATE delivery SET sent_at = ?2 WHERE id = ?1",
                params![id, at],
            )
            .map(|_| ())
            .map_err(|source| HistoryError::Sqlite {
                path: self.path().to_path_buf(),
                source,
            })
    }

    /// Counts a failed attempt of alert `id`, keeping why; the attempts
    /// made so far.
    pub fn failed(&self, id: i64, error: &str) -> Result<i64, HistoryError> {
        let sql = |source| HistoryError::Sqlite {
            path: self.path().to_path_buf(),
            source,
        };
        self.conn()
            .execute(
                "UPDATE delivery SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
                params![id, error],
            )
            .map_err(sql)?;
        self.conn()
            .query_row("SELECT attempts FROM delivery WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(sql)
    }
}
