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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Run;

    fn run(at: &str) -> Run {
        Run {
            at: at.into(),
            command: "check".into(),
            as_of: None,
            version: "0.1.0".into(),
            range: (None, None),
            inputs: Vec::new(),
            results: Vec::new(),
        }
    }

    #[test]
    fn pending_alerts_are_oldest_first_within_their_attempts_and_age() {
        let dir = tempfile::tempdir().expect("dir");
        let mut st = Store::open(&dir.path().join("h.db"), true).expect("open");
        let old = st.append(&run("2026-01-01T00:00:00Z")).expect("run");
        let new = st.append(&run("2026-12-01T00:00:00Z")).expect("run");
        st.queue(old, &[("a".into(), "{}".into())]).expect("queue");
        let ids = st
            .queue(new, &[("a".into(), "1".into()), ("b".into(), "2".into())])
            .expect("queue");
        let pending = |st: &Store, before| -> Vec<i64> {
            st.pending(3, "2026-06-01T00:00:00Z", before, 10)
                .expect("pending")
                .iter()
                .map(|d| d.id)
                .collect()
        };
        // Too old: run `old` is before the cutoff.
        assert_eq!(pending(&st, i64::MAX), ids);
        // Only the runs before the one asking.
        assert_eq!(pending(&st, new), Vec::<i64>::new());
        assert_eq!(st.failed(ids[0], "HTTP 500").expect("failed"), 1);
        assert_eq!(st.failed(ids[0], "HTTP 500").expect("failed"), 2);
        assert_eq!(pending(&st, i64::MAX), ids);
        assert_eq!(st.failed(ids[0], "HTTP 500").expect("failed"), 3);
        // Past its attempts: given up.
        assert_eq!(pending(&st, i64::MAX), vec![ids[1]]);
        st.delivered(ids[1], "2026-12-01T00:00:01Z").expect("sent");
        assert_eq!(pending(&st, i64::MAX), Vec::<i64>::new());
        let d = &st.pending(9, "", i64::MAX, 10).expect("pending")[1];
        assert_eq!(
            (d.target.as_str(), d.payload.as_str(), d.attempts),
            ("a", "1", 3)
        );
    }
}
