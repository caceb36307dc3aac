//! A warehouse's failures, each worded with what to do: the server cannot
//! be reached, the login is refused, a table or column is missing, a query
//! ran past its time.

use postgres::error::SqlState;

#[derive(Debug, thiserror::Error)]
pub enum PgError {
    /// The connection settings themselves are wrong.
    #[error("{0}")]
    Config(String),
    /// The server could not be reached or refused the login.
    #[error("cannot connect to PostgreSQL at {target}: {reason}")]
    Connect { target: String, reason: String },
    /// The server answered a statement with an error.
    #[error("{0}")]
    Server(String),
}

impl PgError {
    pub fn connecting(target: &str, e: postgres::Error) -> PgError {
        let reason = match e.as_db_error() {
            Some(db) if db.code() == &SqlState::INVALID_PASSWORD => format!(
                "{}: check the password (in the connection's URL, PGPASSWORD or ~/.pgpass)",
                db.message()
            ),
            Some(db) if db.code() == &SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
                format!(
                    "{}: the server's pg_hba.conf does not let this user in from here",
                    db.message()
                )
            }
            Some(db) if db.code() == &SqlState::INVALID_CATALOG_NAME => {
                format!("{}: check the database name", db.message())
            }
            Some(db) => db.message().to_string(),
            None => {
                let text = source_text(&e);
                if text.contains("refused") {
                    format!("{text}: is the server running, and are the host and port right?")
                } else if text.contains("timed out") || text.contains("timeout") {
                    format!("{text}: the server did not answer in time")
                } else if text.contains("server does not support TLS") {
                    format!(
                        "{text}: the server has no TLS; use sslmode=prefer or disable on a trusted network"
                    )
                } else if text.contains("certificate") || text.contains("Certificate") {
                    format!(
                        "{text}: the server's certificate is not trusted (give its CA's PEM file as sslrootcert)"
                    )
                } else {
                    text
                }
            }
        };
        PgError::Connect {
            target: target.to_string(),
            reason,
        }
    }

    /// The error of a statement about `what` (a table, a query), with the
    /// server's detail and hint.
    pub fn statement(what: &str, e: postgres::Error) -> PgError {
        match e.as_db_error() {
            Some(db) => {
                let mut text = format!("{what}: {}", db.message());
                if db.code() == &SqlState::QUERY_CANCELED {
                    text.push_str(
                        " (the statement ran past its time: raise `[limits] warehouse_seconds`)",
                    );
                }
                if db.code() == &SqlState::READ_ONLY_SQL_TRANSACTION {
                    text.push_str(" (a source's query only reads: kpiscope runs it in a read-only transaction)");
                }
                if let Some(d) = db.detail() {
                    text.push_str(&format!("; {d}"));
                }
                if let Some(h) = db.hint() {
                    text.push_str(&format!("; hint: {h}"));
                }
                PgError::Server(text)
            }
            None => PgError::Server(format!("{what}: {}", source_text(&e))),
        }
    }
}

/// The error with its causes, which `postgres::Error`'s own text leaves out.
fn source_text(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    text
}

impl From<PgError> for crate::error::Error {
    fn from(e: PgError) -> Self {
        crate::error::Error::Usage(e.to_string())
    }
}
