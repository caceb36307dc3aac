//! The warehouse table `load --to postgres` writes (docs/warehouse.md):
//!
//! ```sql
//! CREATE TABLE kpiscope.records (
//!     day date NOT NULL, network text NOT NULL, account text NOT NULL,
//!     post text,                      -- NULL: an account's record
//!     dims text NOT NULL DEFAULT '',  -- the dimensions' identity: name=value, sorted
//!     file text NOT NULL,             -- the export it came from
//!     loaded_at timestamptz NOT NULL DEFAULT now(),
//!     post_title text, post_url text, post_format text,  -- a post's text, link, format
//!     -- then a text column per dimension (dim_campaign) and a double
//!     -- precision column per metric (reach), added as files bring them
//! );
//! UNIQUE (network, account, post)                       -- a post once
//! UNIQUE (network, account, day, dims) WHERE post IS NULL -- an account's day once
//! ```
//!
//! The first unique key is what lets a `postgres` source skip looking for
//! posts on two rows. A file's rows are copied into a temporary table, then
//! inserted; a record already there keeps its values and gains those it
//! lacked (the duplicate rule's "first value wins").

use std::collections::BTreeSet;
use std::io::Write;
use std::time::Duration;

use super::records::Row;
use crate::aggregate::period::format_day;
use crate::workspace::warehouse::{Relation, quote};

/// The columns every table has, which no metric or dimension may take.
const FIXED: &[&str] = &[
    "day",
    "network",
    "account",
    "post",
    "dims",
    "file",
    "loaded_at",
    "post_title",
    "post_url",
    "post_format",
];

/// Why a file could not be written.
#[derive(Debug)]
pub enum UpsertError {
    Pg(postgres::Error),
    /// A metric or dimension whose name cannot be a column.
    Name(String),
}

impl From<postgres::Error> for UpsertError {
    fn from(e: postgres::Error) -> Self {
        UpsertError::Pg(e)
    }
}

/// The table, with the dimension and metric columns it has.
#[derive(Debug, Clone)]
pub struct Table {
    pub relation: Relation,
    pub dims: BTreeSet<String>,
    pub metrics: BTreeSet<String>,
}

fn dim_column(name: &str) -> String {
    format!("dim_{name}")
}

impl Table {
    pub fn new(relation: Relation) -> Table {
        Table {
            relation,
            dims: BTreeSet::new(),
            metrics: BTreeSet::new(),
        }
    }

    fn parts(&self) -> (String, String) {
        match &self.relation {
            Relation::Table(p) if p.len() == 2 => (p[0].clone(), p[1].clone()),
            Relation::Table(p) => ("public".into(), p.last().cloned().unwrap_or_default()),
            Relation::Query(_) => ("public".into(), String::new()),
        }
    }

    /// Creates the schema, table and keys when missing, and learns the
    /// dimension and metric columns it has.
    pub fn create(
        &mut self,
        client: &mut postgres::Client,
        limit: Duration,
    ) -> Result<(), postgres::Error> {
        let (schema, name) = self.parts();
        let rel = self.relation.sql();
        let mut tx = client.transaction()?;
        tx.batch_execute(&format!(
            "SET LOCAL statement_timeout = {ms};
             CREATE SCHEMA IF NOT EXISTS {s};
             CREATE TABLE IF NOT EXISTS {rel} (
                 day date NOT NULL,
                 network text NOT NULL,
                 account text NOT NULL,
                 post text,
                 dims text NOT NULL DEFAULT '',
                 file text NOT NULL,
                 loaded_at timestamptz NOT NULL DEFAULT now(),
                 post_title text,
                 post_url text,
                 post_format text
             );
             CREATE UNIQUE INDEX IF NOT EXISTS {post_key} ON {rel} (network, account, post);
             CREATE UNIQUE INDEX IF NOT EXISTS {day_key} ON {rel} (network, account, day, dims) WHERE post IS NULL;",
            ms = limit.as_millis(),
            s = quote(&schema),
            post_key = quote(&format!("{name}_post")),
            day_key = quote(&format!("{name}_account_day")),
        ))?;
        let cols = tx.query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2",
            &[&schema, &name],
        )?;
        tx.commit()?;
        for c in cols {
            let (col, ty): (String, String) = (c.get(0), c.get(1));
            if FIXED.contains(&col.as_str()) {
                continue;
            }
            match col.strip_prefix("dim_") {
                Some(d) if ty == "text" => {
                    self.dims.insert(d.to_string());
                }
                _ => {
                    self.metrics.insert(col);
                }
            }
        }
        Ok(())
    }

    /// Adds the columns `rows` need that the table lacks.
    fn widen(&mut self, tx: &mut postgres::Transaction, rows: &[Row]) -> Result<(), UpsertError> {
        let rel = self.relation.sql();
        for r in rows {
            for d in r.dims.keys() {
                if self.dims.contains(d) {
                    continue;
                }
                if !crate::workspace::warehouse::is_identifier(&dim_column(d)) {
                    return Err(UpsertError::Name(format!(
                        "dimension `{d}` cannot be a column name (letters, digits and `_`)"
                    )));
                }
                tx.batch_execute(&format!(
                    "ALTER TABLE {rel} ADD COLUMN IF NOT EXISTS {} text",
                    quote(&dim_column(d))
                ))?;
                self.dims.insert(d.clone());
            }
            for m in r.metrics.keys() {
                if self.metrics.contains(m) {
                    continue;
                }
                if FIXED.contains(&m.as_str()) || m.starts_with("dim_") {
                    return Err(UpsertError::Name(format!(
                        "metric `{m}` has the name of one of the table's own columns ({}, dim_*): rename it in its plugin",
                        FIXED.join(", ")
                    )));
                }
                tx.batch_execute(&format!(
                    "ALTER TABLE {rel} ADD COLUMN IF NOT EXISTS {} double precision",
                    quote(m)
                ))?;
                self.metrics.insert(m.clone());
            }
        }
        Ok(())
    }

    /// Writes one file's rows in one transaction; returns how many records
    /// the table did not hold before.
    pub fn upsert(
        &mut self,
        client: &mut postgres::Client,
        file: &str,
        rows: &[Row],
        limit: Duration,
    ) -> Result<u64, UpsertError> {
        let mut tx = client.transaction()?;
        tx.batch_execute(&format!(
            "SET LOCAL statement_timeout = {}",
            limit.as_millis()
        ))?;
        self.widen(&mut tx, rows)?;
        let rel = self.relation.sql();
        let dims: Vec<&String> = self.dims.iter().collect();
        let metrics: Vec<&String> = self.metrics.iter().collect();
        // The fixed columns a file writes: all but the time of the load.
        let mut cols: Vec<String> = FIXED
            .iter()
            .filter(|c| **c != "loaded_at")
            .map(|c| c.to_string())
            .collect();
        cols.extend(dims.iter().map(|d| quote(&dim_column(d))));
        cols.extend(metrics.iter().map(|m| quote(m)));
        let list = cols.join(", ");
        tx.batch_execute(&format!(
            "CREATE TEMP TABLE kpiscope_load (LIKE {rel} INCLUDING DEFAULTS) ON COMMIT DROP"
        ))?;
        let mut copy = tx.copy_in(&format!("COPY kpiscope_load ({list}) FROM STDIN"))?;
        let mut line = String::new();
        for r in rows {
            line.clear();
            line.push_str(&format_day(r.day));
            let a = &r.attrs;
            for field in [
                Some(r.network.as_str()),
                Some(r.account.as_str()),
                r.post.as_deref(),
                Some(&r.dims_key()),
                Some(file),
                a.title.as_deref(),
                a.url.as_deref(),
                a.format.as_deref(),
            ] {
                line.push('\t');
                escape(&mut line, field);
            }
            for d in &dims {
                line.push('\t');
                escape(&mut line, r.dims.get(*d).map(String::as_str));
            }
            for m in &metrics {
                line.push('\t');
                match r.metrics.get(*m) {
                    Some(x) if x.is_finite() => line.push_str(&format!("{x:?}")),
                    _ => line.push_str("\\N"),
                }
            }
            line.push('\n');
            copy.write_all(line.as_bytes())
                .map_err(|e| UpsertError::Name(format!("cannot send the rows: {e}")))?;
        }
        copy.finish()?;
        let keep = |target: &str| {
            let sets: Vec<String> = ["post_title", "post_url", "post_format"]
                .iter()
                .map(|c| c.to_string())
                .chain(dims.iter().map(|d| quote(&dim_column(d))))
                .chain(metrics.iter().map(|m| quote(m)))
                .map(|c| format!("{c} = COALESCE(t.{c}, EXCLUDED.{c})"))
                .collect();
            format!(
                "WITH ins AS (INSERT INTO {rel} AS t ({list}) SELECT {list} FROM kpiscope_load WHERE {target} \
                 DO UPDATE SET {} RETURNING (xmax = 0) AS new) SELECT count(*) FILTER (WHERE new) FROM ins",
                sets.join(", ")
            )
        };
        let mut new = 0i64;
        for target in [
            "post IS NOT NULL ON CONFLICT (network, account, post)",
            "post IS NULL ON CONFLICT (network, account, day, dims) WHERE post IS NULL",
        ] {
            new += tx.query_one(&keep(target), &[])?.get::<_, i64>(0);
        }
        tx.commit()?;
        Ok(new as u64)
    }

    /// The `[[source]]` to paste into kpiscope.toml.
    pub fn source_toml(&self, connection: Option<&str>, competitor: bool) -> String {
        let mut out = String::from("[[source]]\nplugin = \"postgres\"\n");
        if competitor {
            out.push_str("role = \"competitor\"\n");
        }
        if let Some(c) = connection {
            out.push_str(&format!("connection = \"{c}\"\n"));
        }
        out.push_str(&format!(
            "table = \"{}\"\n[source.columns]\n",
            self.relation.shown()
        ));
        out.push_str(
            "date = \"day\"\nnetwork = \"network\"\naccount = \"account\"\npost = \"post\"\n",
        );
        out.push_str("title = \"post_title\"\nurl = \"post_url\"\nformat = \"post_format\"\n");
        let pairs = |items: Vec<(String, String)>| {
            items
                .iter()
                .map(|(k, v)| format!("{k} = \"{v}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.dims.is_empty() {
            out.push_str(&format!(
                "dims = {{ {} }}\n",
                pairs(
                    self.dims
                        .iter()
                        .map(|d| (d.clone(), dim_column(d)))
                        .collect()
                )
            ));
        }
        out.push_str(&format!(
            "metrics = {{ {} }}\n",
            pairs(
                self.metrics
                    .iter()
                    .map(|m| (m.clone(), m.clone()))
                    .collect()
            )
        ));
        out
    }
}

/// Appends `field` in COPY's text format (`\N` for none).
fn escape(out: &mut String, field: Option<&str>) {
    let Some(s) = field else {
        out.push_str("\\N");
        return;
    };
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}
