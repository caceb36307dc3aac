//! What the warehouse says about the relation a source maps: its columns
//! and their types (checked against the mapping before the query runs, so
//! that a missing or non-numeric column is named with a "did you mean"),
//! the tables there are (for a table not found), and whether a unique key
//! proves that each post is on one row.

use postgres::Transaction;
use postgres::types::Type;

use super::query::DateType;
use crate::diagnostic::suggest;
use crate::pg::PgError;
use crate::workspace::warehouse::{Relation, Warehouse};

/// A column of the relation: its name and type.
pub struct Column {
    pub name: String,
    pub ty: Type,
}

/// The relation's columns, or why it cannot be read.
pub fn columns(tx: &mut Transaction, wh: &Warehouse) -> Result<Vec<Column>, PgError> {
    let sql = format!("SELECT * FROM {} AS src LIMIT 0", wh.relation.sql());
    // In a savepoint: a table not found must leave the transaction usable
    // for the look-up of the tables there are.
    let what = wh.relation.shown();
    let mut sp = tx.transaction().map_err(|e| PgError::statement(&what, e))?;
    let prepared = sp.prepare(&sql);
    let prepared = match prepared {
        Ok(stmt) => {
            sp.commit().map_err(|e| PgError::statement(&what, e))?;
            Ok(stmt)
        }
        Err(e) => {
            drop(sp);
            Err(e)
        }
    };
    match prepared {
        Ok(stmt) => Ok(stmt
            .columns()
            .iter()
            .map(|c| Column {
                name: c.name().to_string(),
                ty: c.type_().clone(),
            })
            .collect()),
        Err(e) => {
            let missing = e
                .as_db_error()
                .is_some_and(|d| d.code() == &postgres::error::SqlState::UNDEFINED_TABLE);
            match (&wh.relation, missing) {
                (Relation::Table(parts), true) => {
                    let known = tables(tx);
                    let wanted = parts.join(".");
                    let hint = suggest(&wanted, known.iter().map(String::as_str))
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_else(|| match known.len() {
                            0 => "; the database has no table this user can see".into(),
                            _ => format!(
                                "; its tables: {}",
                                known
                                    .iter()
                                    .take(12)
                                    .cloned()
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        });
                    Err(PgError::Server(format!(
                        "table `{wanted}` is not in the database{hint}"
                    )))
                }
                _ => Err(PgError::statement(&what, e)),
            }
        }
    }
}

/// The tables and views the user can see, as `schema.table`.
fn tables(tx: &mut Transaction) -> Vec<String> {
    tx.query(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables \
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
        &[],
    )
    .map(|rows| rows.iter().filter_map(|r| r.try_get(0).ok()).collect())
    .unwrap_or_default()
}

/// What the date column's type makes of a row's day, or why it cannot.
pub fn date_type(ty: &Type) -> Option<DateType> {
    match *ty {
        Type::DATE => Some(DateType::Date),
        Type::TIMESTAMP => Some(DateType::Timestamp),
        Type::TIMESTAMPTZ => Some(DateType::TimestampTz),
        _ => None,
    }
}

/// Whether a metric's column holds numbers.
pub fn is_number(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::INT2 | Type::INT4 | Type::INT8 | Type::FLOAT4 | Type::FLOAT8 | Type::NUMERIC
    )
}

/// Whether a column holds integers.
pub fn is_integer(ty: &Type) -> bool {
    matches!(*ty, Type::INT2 | Type::INT4 | Type::INT8)
}

/// Whether a unique key of the table (or its primary key) holds only the
/// mapping's network, account and post columns: then no post is on two
/// rows, and the look-up of repeated posts is not needed.
pub fn unique_post(tx: &mut Transaction, wh: &Warehouse) -> bool {
    let (Relation::Table(_), Some(post)) = (&wh.relation, &wh.post) else {
        return false;
    };
    if !wh.dialect.trusts_unique_keys() {
        return false;
    }
    let identity: Vec<&str> = [Some(post), wh.account.as_ref(), wh.network.as_ref()]
        .into_iter()
        .flatten()
        .map(|c| c.name.as_str())
        .collect();
    let Ok(mut sp) = tx.transaction() else {
        return false;
    };
    let keys = sp.query(
        "SELECT array_agg(a.attname::text) FROM pg_index i \
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
         WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indpred IS NULL \
         GROUP BY i.indexrelid",
        &[&wh.relation.sql()],
    );
    let Ok(keys) = keys else {
        return false;
    };
    keys.iter().any(|r| {
        r.try_get::<_, Vec<String>>(0)
            .is_ok_and(|cols| cols.iter().all(|c| identity.contains(&c.as_str())))
    })
}
