//! The SQLite file: opened in WAL mode with a busy timeout so that two runs
//! at once wait for each other instead of failing or corrupting it; each run
//! written in one transaction, so a crash leaves the store as it was.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::changes::Range;
use super::error::HistoryError;
use super::fingerprint::Input;
use super::schema;
use crate::goals::GoalResult;

/// How long a run waits for another one's write before giving up.
const BUSY: Duration = Duration::from_secs(10);

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// A run to append.
#[derive(Debug, Clone)]
pub struct Run {
    pub at: String,
    pub command: String,
    pub as_of: Option<String>,
    pub version: String,
    /// `--from` and `--to`, when the run read part of the data.
    pub range: Range,
    pub inputs: Vec<Input>,
    pub results: Vec<Row>,
}

/// One goal result of one run, as stored and as `history` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub run: i64,
    pub at: String,
    pub as_of: Option<String>,
    pub goal: String,
    pub period: Option<String>,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub value: Option<f64>,
    pub unit: String,
    pub status: String,
}

impl Row {
    /// A result as it will be stored (the run's fields are filled on reading).
    pub fn of(r: &GoalResult) -> Row {
        Row {
            run: 0,
            at: String::new(),
            as_of: None,
            goal: r.goal.id.clone(),
            period: r.period.as_ref().map(|p| p.label.clone()),
            first_day: r.period.as_ref().map(|p| p.start.clone()),
            last_day: r.period.as_ref().map(|p| p.end.clone()),
            // NaN and infinities are no figures: stored as NULL.
            value: r.value.filter(|v| v.is_finite()),
            unit: r.unit.clone(),
            status: r.status.as_str().to_string(),
        }
    }
}

#[cfg(test)]
impl Row {
    /// A result of `period` (`2026-09`: 1 to 30 September) in %, for tests.
    pub(crate) fn sample(goal: &str, period: &str, value: f64, status: &str) -> Row {
        Row {
            run: 0,
            at: String::new(),
            as_of: None,
            goal: goal.into(),
            period: Some(period.into()),
            first_day: Some(format!("{period}-01")),
            last_day: Some(format!("{period}-30")),
            value: Some(value),
            unit: "%".into(),
            status: status.into(),
        }
    }
}

/// What `history` asks for; every field narrows.
#[derive(Debug, Default, Clone)]
pub struct Query {
    pub goal: Option<String>,
    pub period: Option<String>,
    /// Runs on or after this day (UTC, YYYY-MM-DD).
    pub since: Option<String>,
    /// Only the last N runs that match.
    pub last: Option<usize>,
}

impl Store {
    /// Opens the store at `path`; `create` makes it (and its folder) when
    /// missing, else a missing store is [`HistoryError::Missing`].
    pub fn open(path: &Path, create: bool) -> Result<Store, HistoryError> {
        if !path.exists() {
            if !create {
                return Err(HistoryError::Missing { path: path.into() });
            }
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|source| HistoryError::Folder {
                    path: path.into(),
                    source,
                })?;
            }
        }
        // Two first runs at once both make the file and ask for WAL; SQLite
        // answers the loser "locked" at once, without waiting as it does for
        // a write: it tries again until the busy timeout.
        let started = std::time::Instant::now();
        loop {
            match Store::connect(path) {
                Err(e) if e.is_busy() && started.elapsed() < BUSY => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    fn connect(path: &Path) -> Result<Store, HistoryError> {
        let sql = |source| HistoryError::Sqlite {
            path: path.into(),
            source,
        };
        let conn = Connection::open(path).map_err(sql)?;
        conn.busy_timeout(BUSY).map_err(sql)?;
        let mut store = Store {
            conn,
            path: path.into(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The store's file, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for the tables kept beside the runs (`outbox`).
    pub(super) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(super) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    fn sql(&self, source: rusqlite::Error) -> HistoryError {
        HistoryError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Creates the tables in a new store; refuses a newer one. The version
    /// is read and set inside one write transaction, so two first runs at
    /// once do not both create the tables.
    fn migrate(&mut self) -> Result<(), HistoryError> {
        // WAL lets readers run beside a writer; asked before any
        // transaction, as SQLite requires.
        self.conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))
            .map_err(|e| self.sql(e))?;
        let found: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        if found == schema::VERSION {
            return Ok(());
        }
        if found > schema::VERSION {
            return Err(HistoryError::Newer {
                path: self.path.clone(),
                found,
                known: schema::VERSION,
            });
        }
        let sql = sqlite_error(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        let now: i64 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(sql)?;
        if now < schema::VERSION {
            for step in &schema::MIGRATIONS[now.max(0) as usize..] {
                tx.execute_batch(step).map_err(sql)?;
            }
            tx.pragma_update(None, "user_version", schema::VERSION)
                .map_err(sql)?;
        }
        tx.commit().map_err(sql)
    }

    /// Appends `run` in one transaction; returns its id.
    pub fn append(&mut self, run: &Run) -> Result<i64, HistoryError> {
        let sql = sqlite_error(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        tx.execute(
            "INSERT INTO run (at, command, as_of, kpiscope_version, range_from, range_to)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                run.at,
                run.command,
                run.as_of,
                run.version,
                run.range.0,
                run.range.1
            ],
        )
        .map_err(sql)?;
        let id = tx.last_insert_rowid();
        {
            let mut input = tx
                .prepare("INSERT INTO input (run_id, path, size, modified, hash) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(sql)?;
            for i in &run.inputs {
                // SQLite integers are signed 64-bit: no file is that large.
                let size = i64::try_from(i.size).unwrap_or(i64::MAX);
                input
                    .execute(params![id, i.path, size, i.modified, i.hash])
                    .map_err(sql)?;
            }
            let mut result = tx
                .prepare(
                    "INSERT INTO result (run_id, goal, period, first_day, last_day, value, status, unit)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(sql)?;
            for r in &run.results {
                result
                    .execute(params![
                        id,
                        r.goal,
                        r.period,
                        r.first_day,
                        r.last_day,
                        r.value,
                        r.status,
                        r.unit
                    ])
                    .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(id)
    }

    /// The results that match `q`, oldest run first, then by goal and period.
    pub fn rows(&self, q: &Query) -> Result<Vec<Row>, HistoryError> {
        let sql = |e| self.sql(e);
        // The last N runs among those with a matching row.
        let cutoff: Option<i64> = match q.last {
            None => None,
            Some(n) => self
                .conn
                .query_row(
                    "SELECT MIN(run_id) FROM (
                        SELECT DISTINCT run_id FROM history
                        WHERE (?1 IS NULL OR goal = ?1) AND (?2 IS NULL OR period = ?2)
                          AND (?3 IS NULL OR at >= ?3)
                        ORDER BY run_id DESC LIMIT ?4)",
                    params![
                        q.goal,
                        q.period,
                        q.since,
                        i64::try_from(n).unwrap_or(i64::MAX)
                    ],
                    |r| r.get::<_, Option<i64>>(0),
                )
                .optional()
                .map_err(sql)?
                .flatten()
                .or(Some(i64::MAX)),
        };
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM history
                 WHERE (?1 IS NULL OR goal = ?1) AND (?2 IS NULL OR period = ?2)
                   AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR run_id >= ?4)
                 ORDER BY run_id, goal, first_day, period"
            ))
            .map_err(sql)?;
        let rows = stmt
            .query_map(params![q.goal, q.period, q.since, cutoff], row_of)
            .map_err(sql)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(sql)
    }

    /// The latest result of `goal` for `period`, among the runs of
    /// `command` (any when `None`) that read the same `range`.
    pub fn latest(
        &self,
        goal: &str,
        period: Option<&str>,
        command: Option<&str>,
        range: &Range,
    ) -> Result<Option<Row>, HistoryError> {
        self.one(
            "goal = ?1 AND period IS ?2",
            "run_id DESC",
            params![goal, period, command, range.0, range.1],
        )
    }

    /// The latest result of `goal` for the last period that began before
    /// `first_day`, among the same runs as [`Store::latest`].
    pub fn before(
        &self,
        goal: &str,
        first_day: Option<&str>,
        command: Option<&str>,
        range: &Range,
    ) -> Result<Option<Row>, HistoryError> {
        self.one(
            "goal = ?1 AND first_day < ?2",
            "first_day DESC, run_id DESC",
            params![goal, first_day, command, range.0, range.1],
        )
    }

    /// The first row of `history` in `order` where `cond` holds, `?3` to
    /// `?5` being the command and the range.
    fn one(
        &self,
        cond: &str,
        order: &str,
        p: impl rusqlite::Params,
    ) -> Result<Option<Row>, HistoryError> {
        let q = format!(
            "SELECT {COLUMNS} FROM history
             WHERE {cond} AND (?3 IS NULL OR command = ?3)
               AND range_from IS ?4 AND range_to IS ?5
             ORDER BY {order} LIMIT 1"
        );
        self.conn
            .query_row(&q, p, row_of)
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Every goal id the store has results for.
    pub fn goals(&self) -> Result<Vec<String>, HistoryError> {
        let sql = |e| self.sql(e);
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT goal FROM result ORDER BY goal")
            .map_err(sql)?;
        let goals = stmt.query_map([], |r| r.get(0)).map_err(sql)?;
        goals.collect::<Result<Vec<_>, _>>().map_err(sql)
    }

    /// The inputs of run `id`, by path.
    pub fn inputs(&self, id: i64) -> Result<Vec<Input>, HistoryError> {
        let sql = |e| self.sql(e);
        let mut stmt = self
            .conn
            .prepare("SELECT path, size, modified, hash FROM input WHERE run_id = ?1 ORDER BY path")
            .map_err(sql)?;
        let inputs = stmt
            .query_map([id], |r| {
                Ok(Input {
                    path: r.get(0)?,
                    size: r.get::<_, i64>(1)?.max(0) as u64,
                    modified: r.get(2)?,
                    hash: r.get(3)?,
                })
            })
            .map_err(sql)?;
        inputs.collect::<Result<Vec<_>, _>>().map_err(sql)
    }
}

/// The `history` view's columns that make a [`Row`], in [`row_of`]'s order.
const COLUMNS: &str = "run_id, at, as_of, goal, period, first_day, last_day, value, unit, status";

fn row_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        run: r.get(0)?,
        at: r.get(1)?,
        as_of: r.get(2)?,
        goal: r.get(3)?,
        period: r.get(4)?,
        first_day: r.get(5)?,
        last_day: r.get(6)?,
        value: r.get(7)?,
        unit: r.get(8)?,
        status: r.get(9)?,
    })
}

/// A SQLite error on the store at `path`, for `map_err`.
fn sqlite_error(path: &std::path::Path) -> impl Fn(rusqlite::Error) -> HistoryError + Copy + '_ {
    move |source| HistoryError::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(goal: &str, period: &str, value: f64, status: &str) -> Row {
        Row::sample(goal, period, value, status)
    }

    fn run(at: &str, results: Vec<Row>) -> Run {
        Run {
            at: at.into(),
            command: "check".into(),
            as_of: Some("2026-10-15".into()),
            version: "0.1.0".into(),
            range: (None, None),
            inputs: vec![Input {
                path: "data.csv".into(),
                size: 10,
                modified: None,
                hash: "00ff".into(),
            }],
            results,
        }
    }

    #[test]
    fn runs_are_read_back_filtered_and_the_last_n_kept() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("h").join("history.db");
        let mut st = Store::open(&path, true).expect("open");
        st.append(&run(
            "2026-11-01T10:00:00Z",
            vec![
                row("err", "2026-09", 3.2, "warn"),
                row("reach", "2026-09", 5000.0, "pass"),
            ],
        ))
        .expect("append");
        st.append(&run(
            "2026-11-02T10:00:00Z",
            vec![row("err", "2026-09", 4.5, "pass")],
        ))
        .expect("append");
        st.append(&run(
            "2026-11-03T10:00:00Z",
            vec![row("err", "2026-10", 3.0, "warn")],
        ))
        .expect("append");
        let all = st.rows(&Query::default()).expect("rows");
        assert_eq!(all.len(), 4);
        let err = |q: Query| -> Vec<(i64, Option<f64>)> {
            st.rows(&q)
                .expect("rows")
                .iter()
                .map(|r| (r.run, r.value))
                .collect()
        };
        let goal = || Query {
            goal: Some("err".into()),
            ..Default::default()
        };
        assert_eq!(
            err(goal()),
            vec![(1, Some(3.2)), (2, Some(4.5)), (3, Some(3.0))]
        );
        assert_eq!(
            err(Query {
                period: Some("2026-09".into()),
                ..goal()
            }),
            vec![(1, Some(3.2)), (2, Some(4.5))]
        );
        assert_eq!(
            err(Query {
                last: Some(2),
                ..goal()
            }),
            vec![(2, Some(4.5)), (3, Some(3.0))]
        );
        assert_eq!(
            err(Query {
                since: Some("2026-11-02".into()),
                ..goal()
            }),
            vec![(2, Some(4.5)), (3, Some(3.0))]
        );
        assert_eq!(
            err(Query {
                goal: Some("nope".into()),
                last: Some(1),
                ..Default::default()
            }),
            vec![]
        );
        assert_eq!(st.goals().expect("goals"), vec!["err", "reach"]);
        assert_eq!(st.inputs(2).expect("inputs")[0].hash, "00ff");
    }

    #[test]
    fn a_newer_store_is_refused_and_a_missing_one_is_not_made_for_reading() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("history.db");
        assert!(matches!(
            Store::open(&path, false),
            Err(HistoryError::Missing { .. })
        ));
        assert!(!path.exists());
        drop(Store::open(&path, true).expect("open"));
        let c = Connection::open(&path).expect("raw");
        c.pragma_update(None, "user_version", 7).expect("set");
        drop(c);
        match Store::open(&path, true) {
            Err(HistoryError::Newer {
                found: 7, known: 2, ..
            }) => {}
            other => panic!("{:?}", other.err()),
        }
    }

    #[test]
    fn a_version_1_store_is_migrated_and_keeps_its_runs() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("history.db");
        let c = Connection::open(&path).expect("raw");
        c.execute_batch(schema::V1).expect("v1");
        c.execute_batch(
            "INSERT INTO run (at, command, as_of, kpiscope_version)
                 VALUES ('2026-11-01T10:00:00Z', 'check', '2026-10-15', '0.1.0');
             INSERT INTO result (run_id, goal, period, first_day, last_day, value, status, unit)
                 VALUES (1, 'err', '2026-09', '2026-09-01', '2026-09-30', 3.2, 'warn', '%');
             PRAGMA user_version = 1;",
        )
        .expect("a v1 run");
        drop(c);
        let mut st = Store::open(&path, true).expect("migrated");
        let old = st
            .latest("err", Some("2026-09"), None, &(None, None))
            .expect("latest")
            .expect("the v1 run");
        assert_eq!((old.run, old.value), (1, Some(3.2)));
        st.append(&run(
            "2026-11-02T10:00:00Z",
            vec![row("err", "2026-09", 4.0, "pass")],
        ))
        .expect("append");
        assert_eq!(st.rows(&Query::default()).expect("rows").len(), 2);
        let v: i64 = st
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("version");
        assert_eq!(v, schema::VERSION);
    }
}
