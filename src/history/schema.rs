//! The store's tables, and its version in `PRAGMA user_version`: a store is
//! created at [`VERSION`]; one from a newer kpiscope is refused rather than
//! written in a shape it does not know.
//!
//! Other tools read it too (`sqlite3 .kpiscope/history.db`): the `history`
//! view gives one row per goal result with its run's time, as-of and version.

/// The schema this kpiscope writes and reads.
pub const VERSION: i64 = 2;

/// The steps from each version to the next: `MIGRATIONS[n]` takes a store
/// at version `n` to `n + 1`, all in the one transaction that sets
/// `user_version`, so a store is never left between two versions.
pub const MIGRATIONS: [&str; 2] = [V1, V2];

/// Version 1: runs, their inputs and their goal results.
pub const V1: &str = "
CREATE TABLE run (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,                 -- UTC, RFC 3339
    command TEXT NOT NULL,            -- check | report
    as_of TEXT,                       -- YYYY-MM-DD
    kpiscope_version TEXT NOT NULL
);
CREATE TABLE input (
    run_id INTEGER NOT NULL REFERENCES run(id),
    path TEXT NOT NULL,               -- from the workspace's root
    size INTEGER NOT NULL,
    modified TEXT,                    -- UTC, RFC 3339
    hash TEXT NOT NULL,               -- xxh3-64 of the first and last 64 KiB
    PRIMARY KEY (run_id, path)
);
CREATE TABLE result (
    run_id INTEGER NOT NULL REFERENCES run(id),
    goal TEXT NOT NULL,
    period TEXT,                      -- its label: 2026-10, 2026-Q4...
    first_day TEXT,
    last_day TEXT,
    value REAL,
    status TEXT NOT NULL,             -- pass | warn | fail | no_data
    unit TEXT NOT NULL
);
CREATE INDEX result_goal ON result (goal, period);
CREATE VIEW history AS
    SELECT run.id AS run_id, run.at, run.command, run.as_of, result.goal,
           result.period, result.first_day, result.last_day, result.value,
           result.status, result.unit, run.kpiscope_version
    FROM result JOIN run ON run.id = result.run_id;
";

/// Version 2: a run's `--from`/`--to` (a figure computed on part of the data
/// is compared only with figures computed on the same part), and the alerts
/// waiting to be delivered (a failed delivery is retried by the next run).
pub const V2: &str = "
ALTER TABLE run ADD COLUMN range_from TEXT;   -- --from, YYYY-MM-DD
ALTER TABLE run ADD COLUMN range_to TEXT;     -- --to, YYYY-MM-DD
CREATE TABLE delivery (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES run(id),
    target TEXT NOT NULL,             -- the [[notify]] it goes to
    payload TEXT NOT NULL,            -- the body, exactly as sent
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,                  -- why the last failed attempt failed (kept once sent)
    sent_at TEXT                      -- UTC, RFC 3339; NULL until delivered
);
CREATE INDEX delivery_pending ON delivery (sent_at);
DROP VIEW history;
CREATE VIEW history AS
    SELECT run.id AS run_id, run.at, run.command, run.as_of, result.goal,
           result.period, result.first_day, result.last_day, result.value,
           result.status, result.unit, run.kpiscope_version,
           run.range_from, run.range_to
    FROM result JOIN run ON run.id = result.run_id;
";
