//! `load --to postgres`: the records the workspace's file sources read,
//! written into a warehouse table that a `postgres` source then reads, so a
//! team can drop exports into a folder, load them, and check from the
//! warehouse. Each file is one transaction; loading again changes nothing,
//! because a record's identity in the table is the one the duplicate rule
//! uses (`table`), and a value already there wins, as the first file's
//! value wins when files are read.

pub mod records;
pub mod table;

use std::time::Instant;

use crate::error::{Error, Result};
use crate::limits::WAREHOUSE_CONNECT_TIME;
use crate::pg::{self, PgError};
use crate::records::tally::Tally;
use crate::session::Session;
use crate::sources::{self, emit::CollectSink, reader};
use crate::workspace::Role;
use crate::workspace::warehouse::{Relation, is_identifier};
use table::Table;

/// What loading one file did.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub file: String,
    pub records: u64,
    /// Records the table did not hold before.
    pub new: u64,
    pub tally_warnings: Vec<String>,
}

/// The whole load: per file, and the table's mapping for a `[[source]]`.
#[derive(Debug, Clone)]
pub struct Summary {
    pub files: Vec<Loaded>,
    /// The brand's own records' table, then the competitors' (named after
    /// it, `_competitors`) when a source holds a competitor's.
    pub tables: Vec<(Role, Table)>,
}

/// Parses `schema.table` (or `table`, in schema `public`).
pub fn relation(name: &str) -> Result<Relation> {
    let parts: Vec<&str> = name.split('.').map(str::trim).collect();
    if parts.len() > 2 || !parts.iter().all(|p| is_identifier(p)) {
        return Err(Error::usage(format!(
            "--table `{name}` is not a table name: write `schema.table`, each part letters, digits, `_` and `$`"
        )));
    }
    Ok(Relation::Table(
        parts.iter().map(|p| p.to_string()).collect(),
    ))
}

/// Reads every file source of `session` and writes its records into
/// `relation` at `connection`.
pub fn run(session: &Session, connection: Option<&str>, relation: Relation) -> Result<Summary> {
    let started = Instant::now();
    let ws = &session.ws;
    let resolved = sources::resolve(ws, &session.registry)?;
    let info = pg::settings(connection)?;
    let mut client = pg::connect(&info, WAREHOUSE_CONNECT_TIME)?;
    // A competitor's records never mix with the brand's: they go to a
    // table of their own, read back by a source with role = "competitor".
    let competitors = match &relation {
        Relation::Table(parts) => {
            let mut parts = parts.clone();
            if let Some(last) = parts.last_mut() {
                last.push_str("_competitors");
            }
            Relation::Table(parts)
        }
        Relation::Query(q) => Relation::Query(q.clone()),
    };
    let mut tables: Vec<(Role, Table)> = Vec::new();
    for (role, relation) in [(Role::Own, relation), (Role::Competitor, competitors)] {
        if role == Role::Competitor && !resolved.iter().any(|r| r.source.role == role) {
            continue;
        }
        let mut table = Table::new(relation);
        table
            .create(&mut client, ws.limits.warehouse_time)
            .map_err(|e| PgError::statement(&table.relation.shown(), e))?;
        tables.push((role, table));
    }
    let mut files = Vec::new();
    for r in &resolved {
        if r.warehouse.is_some() {
            continue;
        }
        let Some((_, table)) = tables.iter_mut().find(|(role, _)| *role == r.source.role) else {
            continue;
        };
        let ctx = r.ctx(ws);
        for (file, plugin) in r.runs() {
            let file_ctx = ctx.file_ctx(file, plugin);
            let mut tally = Tally::new(&file_ctx.shown, &plugin.manifest.name);
            let mut sink = CollectSink::default();
            reader::read_file(plugin, &session.registry, &file_ctx, &mut sink, &mut tally)?;
            let kinds = |m: &str| {
                session
                    .catalog
                    .id(m)
                    .map_or(crate::records::Kind::Sum, |id| session.catalog.get(id).kind)
            };
            let rows = records::identify(sink.records, &kinds);
            let new = table
                .upsert(
                    &mut client,
                    &file_ctx.shown,
                    &rows,
                    ws.limits.warehouse_time,
                )
                .map_err(|e| match e {
                    table::UpsertError::Pg(e) => {
                        Error::from(PgError::statement(&file_ctx.shown, e))
                    }
                    table::UpsertError::Name(m) => Error::usage(format!("{}: {m}", file_ctx.shown)),
                })?;
            files.push(Loaded {
                file: file_ctx.shown.clone(),
                records: rows.len() as u64,
                new,
                tally_warnings: tally.warnings.clone(),
            });
            if session.verbose {
                say!("read {}", tally.summary());
            }
        }
    }
    if session.verbose {
        say!(
            "loaded {} files into {} in {:.2?}",
            files.len(),
            tables
                .iter()
                .map(|(_, t)| t.relation.shown())
                .collect::<Vec<_>>()
                .join(" and "),
            started.elapsed()
        );
    }
    Ok(Summary { files, tables })
}
