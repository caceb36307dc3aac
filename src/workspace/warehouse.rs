//! A warehouse source's mapping: which table (or read-only query) of a SQL
//! engine speaking the PostgreSQL protocol holds the records, and which of
//! its columns are the canonical record's date, account, post, dimensions
//! and metrics. Written in a `[[source]]` (`plugin = "postgres"`) or in a
//! plugin manifest of kind `postgres`, so a team maps its tables once.
//!
//! Names from the config end up in SQL, so they are checked here, before
//! anything connects: an identifier is letters, digits, `_` and `$`, not
//! starting with a digit, and is always quoted when sent; values never are
//! identifiers (they travel as parameters, see `sources::postgres::query`).

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::Located;
use crate::records::catalog::is_metric_name;

/// `[source.columns]` (or `[postgres.columns]` in a manifest) as written.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawColumns {
    pub date: Option<Spanned<String>>,
    pub account: Option<Spanned<String>>,
    pub post: Option<Spanned<String>>,
    pub network: Option<Spanned<String>>,
    pub dims: Option<BTreeMap<String, Spanned<String>>>,
    pub metrics: Option<BTreeMap<String, Spanned<String>>>,
    /// A post's title (its text's first line), link and format, for the
    /// report's top posts.
    pub title: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub format: Option<Spanned<String>>,
}

/// The warehouse keys of a `[[source]]` or a manifest's `[postgres]`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawWarehouse {
    pub connection: Option<Spanned<String>>,
    pub table: Option<Spanned<String>>,
    pub query: Option<Spanned<String>>,
    pub dialect: Option<Spanned<String>>,
    pub columns: Option<RawColumns>,
}

impl RawWarehouse {
    /// Whether any warehouse key is written.
    pub fn is_empty(&self) -> bool {
        self.connection.is_none()
            && self.table.is_none()
            && self.query.is_none()
            && self.dialect.is_none()
            && self.columns.is_none()
    }

    /// The keys of `self`, with `base`'s (a manifest's) where `self` has
    /// none. `base`'s positions are in another file: they become `at` (the
    /// source's `plugin = ...`), so that a message about a manifest's column
    /// points at the source that uses it.
    pub fn over(&self, base: &RawWarehouse, at: Range<usize>) -> RawWarehouse {
        let moved = |s: &Option<Spanned<String>>| {
            s.as_ref()
                .map(|s| Spanned::new(at.clone(), s.get_ref().clone()))
        };
        let moved_map = |m: &Option<BTreeMap<String, Spanned<String>>>| {
            m.as_ref().map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), Spanned::new(at.clone(), v.get_ref().clone())))
                    .collect()
            })
        };
        let theirs = base.columns.clone().unwrap_or_default();
        let mine = self.columns.clone();
        let columns = match (mine, base.columns.is_some()) {
            (None, false) => None,
            (mine, _) => {
                let m = mine.unwrap_or_default();
                Some(RawColumns {
                    date: m.date.or(moved(&theirs.date)),
                    account: m.account.or(moved(&theirs.account)),
                    post: m.post.or(moved(&theirs.post)),
                    network: m.network.or(moved(&theirs.network)),
                    dims: m.dims.or(moved_map(&theirs.dims)),
                    metrics: m.metrics.or(moved_map(&theirs.metrics)),
                    title: m.title.or(moved(&theirs.title)),
                    url: m.url.or(moved(&theirs.url)),
                    format: m.format.or(moved(&theirs.format)),
                })
            }
        };
        RawWarehouse {
            connection: self.connection.clone(),
            // A source's query replaces a manifest's table, and the reverse.
            table: self
                .table
                .clone()
                .or(moved(&base.table).filter(|_| self.query.is_none())),
            query: self
                .query
                .clone()
                .or(moved(&base.query).filter(|_| self.table.is_none())),
            dialect: self.dialect.clone().or(moved(&base.dialect)),
            columns,
        }
    }
}

/// The SQL engines kpiscope's queries are written for: what they share is
/// the default; where they differ, the dialect says how (docs/warehouse.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// PostgreSQL, and the engines that extend it: Citus, TimescaleDB.
    Postgres,
    /// CockroachDB and YugabyteDB: no `pg_index` look-up of unique keys.
    Cockroach,
    /// Amazon Redshift and Greenplum: no `FILTER (WHERE …)` on aggregates,
    /// unique keys not enforced.
    Redshift,
}

impl Dialect {
    pub const NAMES: &'static [&'static str] = &["postgres", "cockroach", "redshift"];

    fn parse(s: &str) -> Option<Dialect> {
        match s {
            "postgres" | "postgresql" | "citus" | "timescaledb" => Some(Dialect::Postgres),
            "cockroach" | "cockroachdb" | "yugabyte" | "yugabytedb" => Some(Dialect::Cockroach),
            "redshift" | "greenplum" => Some(Dialect::Redshift),
            _ => None,
        }
    }

    /// Whether the engine enforces unique keys and shows them in `pg_index`,
    /// so that a key proves each post is on one row.
    pub fn trusts_unique_keys(self) -> bool {
        self == Dialect::Postgres
    }

    /// Whether aggregates take `FILTER (WHERE …)`.
    pub fn has_filter(self) -> bool {
        self != Dialect::Redshift
    }
}

/// Where the records are: a table (or view) by its quoted name, or a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Relation {
    /// The name's parts (`schema`, `table`), each a checked identifier.
    Table(Vec<String>),
    /// A read-only `select` the engine runs as a subquery.
    Query(String),
}

impl Relation {
    /// How messages name it.
    pub fn shown(&self) -> String {
        match self {
            Relation::Table(parts) => parts.join("."),
            Relation::Query(_) => "the source's query".into(),
        }
    }

    /// The relation as SQL's `FROM` takes it.
    pub fn sql(&self) -> String {
        match self {
            Relation::Table(parts) => parts.iter().map(|p| quote(p)).collect::<Vec<_>>().join("."),
            Relation::Query(q) => format!("({q})"),
        }
    }
}

/// A mapped column: its checked name and where the config wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct Col {
    pub name: String,
    pub span: Range<usize>,
}

impl Col {
    pub fn sql(&self) -> String {
        format!("src.{}", quote(&self.name))
    }
}

/// The checked mapping of a warehouse source.
#[derive(Debug, Clone)]
pub struct Warehouse {
    /// `env:VAR`, a URL or `key=value` words; `None`: libpq's `PG*`
    /// variables, `~/.pgpass` and service file alone.
    pub connection: Option<String>,
    pub relation: Relation,
    pub relation_span: Range<usize>,
    pub dialect: Dialect,
    pub date: Col,
    /// `None`: the source's `account`.
    pub account: Option<Col>,
    pub post: Option<Col>,
    /// `None`: the source's (or manifest's) `network`.
    pub network: Option<Col>,
    /// Dimension name → column, sorted by name.
    pub dims: Vec<(String, Col)>,
    /// Metric name → column, sorted by name.
    pub metrics: Vec<(String, Col)>,
    /// A post's title, link and format columns.
    pub attrs: [Option<Col>; 3],
}

/// Quotes an identifier for SQL (checked names hold no `"`, but a quote is
/// doubled all the same).
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Whether `name` is an identifier a mapping may name: what PostgreSQL takes
/// unquoted, in any case (it is quoted when sent, so its case is kept).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        && name.len() <= 63
}

impl Warehouse {
    /// Checks `raw` (written at `at`), reporting every problem at once.
    /// `account` and `network` are the source's fixed values, which stand
    /// in for a column.
    pub fn check(
        raw: &RawWarehouse,
        whole: Range<usize>,
        account: Option<&str>,
        network: Option<&str>,
        at: &mut Located,
    ) -> Option<Warehouse> {
        let before = at.diagnostics.0.len();
        let ident = |s: &Spanned<String>, what: &str, at: &mut Located| -> Option<Col> {
            let name = s.get_ref().trim();
            if is_identifier(name) {
                Some(Col {
                    name: name.to_string(),
                    span: s.span(),
                })
            } else {
                at.error(
                    s.span(),
                    format!(
                        "{what} `{name}` is not a column name: a name is letters, digits, `_` and `$`, not starting with a digit (at most 63 bytes); for an expression, write a `query` that names it"
                    ),
                );
                None
            }
        };
        let relation = match (&raw.table, &raw.query) {
            (Some(t), None) => {
                let parts: Vec<&str> = t.get_ref().split('.').map(str::trim).collect();
                if parts.len() <= 3 && parts.iter().all(|p| is_identifier(p)) {
                    Some((
                        Relation::Table(parts.iter().map(|p| p.to_string()).collect()),
                        t.span(),
                    ))
                } else {
                    at.error(
                        t.span(),
                        format!(
                            "`table = \"{}\"` is not a table name: write `table` or `schema.table`, each part letters, digits, `_` and `$`",
                            t.get_ref()
                        ),
                    );
                    None
                }
            }
            (None, Some(q)) => {
                let text = q.get_ref().trim().trim_end_matches(';').trim();
                let first = text
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_lowercase();
                if first != "select" && first != "with" && first != "values" {
                    at.error(
                        q.span(),
                        "`query` is a read-only `select` (or `with … select`): kpiscope runs it as a subquery, in a read-only transaction",
                    );
                    None
                } else if text.contains(';') {
                    at.error(q.span(), "`query` is one statement: drop the `;` inside it");
                    None
                } else {
                    Some((Relation::Query(text.to_string()), q.span()))
                }
            }
            (Some(t), Some(_)) => {
                at.error(
                    t.span(),
                    "a warehouse source reads a `table` or a `query`, not both",
                );
                None
            }
            (None, None) => {
                at.error(
                    whole.clone(),
                    "a warehouse source needs `table = \"schema.table\"` or `query = \"select …\"`",
                );
                None
            }
        };
        let dialect = match &raw.dialect {
            None => Dialect::Postgres,
            Some(d) => Dialect::parse(&d.get_ref().to_lowercase()).unwrap_or_else(|| {
                at.error(
                    d.span(),
                    format!(
                        "unknown dialect `{}`: one of {}{}",
                        d.get_ref(),
                        Dialect::NAMES.join(", "),
                        crate::diagnostic::did_you_mean(
                            d.get_ref(),
                            Dialect::NAMES.iter().copied()
                        )
                    ),
                );
                Dialect::Postgres
            }),
        };
        let columns = raw.columns.clone().unwrap_or_default();
        let date = match &columns.date {
            Some(d) => ident(d, "`date`", at),
            None => {
                at.error(
                    whole.clone(),
                    "a warehouse source needs `[source.columns] date = \"…\"`: the column of each record's day (a date or a timestamp)",
                );
                None
            }
        };
        let col = |c: &Option<Spanned<String>>, what: &str, at: &mut Located| {
            c.as_ref().and_then(|c| ident(c, what, at))
        };
        let account_col = col(&columns.account, "`account`", at);
        if account_col.is_none() && columns.account.is_none() && account.is_none() {
            at.error(
                whole.clone(),
                "a warehouse source needs the account: `[source.columns] account = \"…\"`, or `account = \"…\"` in the [[source]] when the table holds one account",
            );
        }
        let network_col = col(&columns.network, "`network`", at);
        if network_col.is_none() && columns.network.is_none() && network.is_none() {
            at.error(
                whole.clone(),
                "a warehouse source needs the network: `network = \"instagram\"` in the [[source]], or `[source.columns] network = \"…\"`",
            );
        }
        let post = col(&columns.post, "`post`", at);
        let attrs = [
            col(&columns.title, "`title`", at),
            col(&columns.url, "`url`", at),
            col(&columns.format, "`format`", at),
        ];
        let named = |map: &Option<BTreeMap<String, Spanned<String>>>,
                     what: &str,
                     at: &mut Located|
         -> Vec<(String, Col)> {
            let mut out = Vec::new();
            for (name, c) in map.iter().flatten() {
                if what == "metric" && !is_metric_name(name) {
                    at.error(c.span(), format!("metric name `{name}` must be snake_case"));
                    continue;
                }
                if let Some(c) = ident(c, &format!("{what} `{name}`'s column"), at) {
                    out.push((name.clone(), c));
                }
            }
            out
        };
        let dims = named(&columns.dims, "dimension", at);
        let metrics = named(&columns.metrics, "metric", at);
        if metrics.is_empty() && columns.metrics.is_none() {
            at.error(
                whole,
                "a warehouse source needs `[source.columns] metrics = { reach = \"reach\", … }`: the metrics and the columns that hold them",
            );
        }
        if at.diagnostics.0.len() > before {
            return None;
        }
        let (relation, relation_span) = relation?;
        Some(Warehouse {
            connection: raw.connection.as_ref().map(|c| c.get_ref().clone()),
            relation,
            relation_span,
            dialect,
            date: date?,
            account: account_col,
            post,
            network: network_col,
            dims,
            metrics,
            attrs,
        })
    }

    /// Checks the names `raw` writes (a manifest's part of a mapping): what
    /// can be told before the source completes it.
    pub fn check_names(raw: &RawWarehouse, at: &mut Located) {
        let c = raw.columns.clone().unwrap_or_default();
        let singles = [
            c.date, c.account, c.post, c.network, c.title, c.url, c.format,
        ];
        let maps = c
            .dims
            .iter()
            .chain(&c.metrics)
            .flat_map(|m| m.values().cloned());
        for s in singles.into_iter().flatten().chain(maps) {
            if !is_identifier(s.get_ref().trim()) {
                at.error(
                    s.span(),
                    format!(
                        "`{}` is not a column name: a name is letters, digits, `_` and `$`, not starting with a digit",
                        s.get_ref()
                    ),
                );
            }
        }
        if let Some(t) = &raw.table
            && !t.get_ref().split('.').all(|p| is_identifier(p.trim()))
        {
            at.error(
                t.span(),
                format!(
                    "`table = \"{}\"` is not a table name: write `table` or `schema.table`",
                    t.get_ref()
                ),
            );
        }
    }

    /// Every mapped column once, with what it is for: what the catalog is
    /// checked against.
    pub fn columns(&self) -> Vec<(&Col, String)> {
        let mut out = vec![(&self.date, "date".to_string())];
        out.extend(self.account.iter().map(|c| (c, "account".to_string())));
        out.extend(self.post.iter().map(|c| (c, "post".to_string())));
        out.extend(self.network.iter().map(|c| (c, "network".to_string())));
        out.extend(
            self.dims
                .iter()
                .map(|(n, c)| (c, format!("dimension `{n}`"))),
        );
        out.extend(
            self.metrics
                .iter()
                .map(|(n, c)| (c, format!("metric `{n}`"))),
        );
        for (c, what) in self.attrs.iter().zip(["title", "url", "format"]) {
            out.extend(c.iter().map(|c| (c, what.to_string())));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for ok in ["reach", "published_at", "Reach", "_x", "a$1", "охват"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "1a", "a b", "a;drop", "a\"b", "sum(x)", "a.b", "a-b"] {
            assert!(!is_identifier(bad), "{bad}");
        }
        assert_eq!(quote("Reach"), "\"Reach\"");
        assert_eq!(
            Relation::Table(vec!["social".into(), "post_metrics".into()]).sql(),
            "\"social\".\"post_metrics\""
        );
    }
}
