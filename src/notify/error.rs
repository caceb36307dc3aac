//! Why an alert was not delivered, said so a user can act; no message
//! holds a secret (a webhook's path and query, a password).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(
        "{target}: the environment variable {var} is not set (or empty): export it where kpiscope runs"
    )]
    MissingEnv { target: String, var: String },
    #[error("{target}: the environment variable {var} holds no http(s):// URL")]
    NotAUrl { target: String, var: String },
    #[error("{target}: {user} is set but {password} is not: the SMTP login needs both")]
    MissingPassword {
        target: String,
        user: String,
        password: String,
    },
    #[error("{target}: cannot read the certificates of `ca_file` {}: {reason}", path.display())]
    CaFile {
        target: String,
        path: PathBuf,
        reason: String,
    },
    #[error("{target}: no answer within {seconds} s (its `timeout`)")]
    Timeout { target: String, seconds: f64 },
    #[error("{target}: the server answered HTTP {status}{body}")]
    Status {
        target: String,
        status: u16,
        body: String,
    },
    #[error("{target}: {reason}")]
    Send { target: String, reason: String },
}
