//! The PostgreSQL-protocol client the warehouse stages share (reading a
//! source summed by the server, `load --to postgres`): connecting as libpq
//! would (`conninfo`), TLS (`tls`), and the server's errors worded for the
//! person who runs kpiscope (`error`).

pub mod conninfo;
pub mod error;
pub mod tls;

use std::path::PathBuf;
use std::time::Duration;

pub use error::PgError;

use conninfo::{ConnInfo, Env, ProcessEnv};

/// Where a `connection = "env:VAR"` comes from, for messages.
fn from_env(var: &str, env: &dyn Env) -> Result<String, PgError> {
    env.var(var).ok_or_else(|| {
        PgError::Config(format!(
            "`connection = \"env:{var}\"`: {var} is not set (export it, e.g. {var}=postgres://user@host/db)"
        ))
    })
}

/// The settings `connection` names (`env:VAR`, a URL, `key=value` words,
/// or nothing: the `PG*` variables), completed as libpq would.
pub fn settings(connection: Option<&str>) -> Result<ConnInfo, PgError> {
    let env = ProcessEnv;
    let text = match connection.map(str::trim) {
        Some(c) if c.starts_with("env:") => from_env(&c[4..], &env)?,
        Some(c) => c.to_string(),
        None => String::new(),
    };
    ConnInfo::parse(&text)
        .and_then(|i| i.complete(&env))
        .map_err(PgError::Config)
}

/// Connects with `info`, waiting at most `timeout` (or its
/// `connect_timeout`) for the server.
pub fn connect(info: &ConnInfo, timeout: Duration) -> Result<postgres::Client, PgError> {
    let mut config = postgres::Config::new();
    for host in info.get("host").unwrap_or("localhost").split(',') {
        config.host(host.trim());
    }
    if let Some(addr) = info.get("hostaddr") {
        let ip = addr
            .parse()
            .map_err(|_| PgError::Config(format!("hostaddr `{addr}` is not an IP address")))?;
        config.hostaddr(ip);
    }
    let port = info.get("port").unwrap_or("5432");
    config.port(
        port.parse()
            .map_err(|_| PgError::Config(format!("port `{port}` is not a port number")))?,
    );
    config.dbname(info.get("dbname").unwrap_or_default());
    config.user(info.get("user").unwrap_or_default());
    if let Some(pw) = info.get("password") {
        config.password(pw);
    }
    if let Some(o) = info.get("options") {
        config.options(o);
    }
    config.application_name(info.get("application_name").unwrap_or("kpiscope"));
    let wait = match info.get("connect_timeout").map(str::parse::<u64>) {
        Some(Ok(s)) if s > 0 => Duration::from_secs(s),
        Some(Err(_)) => {
            return Err(PgError::Config(
                "connect_timeout is a whole number of seconds".into(),
            ));
        }
        _ => timeout,
    };
    config.connect_timeout(wait);
    let shown = info.shown();
    let mode = info.get("sslmode").unwrap_or("prefer");
    let check = match mode {
        "disable" => None,
        "allow" | "prefer" | "require" if info.get("sslrootcert").is_none() => {
            Some(tls::Check::Nothing)
        }
        // A root certificate given makes `require` check the chain (libpq).
        "allow" | "prefer" | "require" | "verify-ca" => Some(tls::Check::Chain),
        "verify-full" => Some(tls::Check::Full),
        other => {
            return Err(PgError::Config(format!(
                "sslmode `{other}`: one of disable, allow, prefer, require, verify-ca, verify-full"
            )));
        }
    };
    let connected = match check {
        None => {
            config.ssl_mode(postgres::config::SslMode::Disable);
            config.connect(postgres::NoTls)
        }
        Some(check) => {
            config.ssl_mode(match mode {
                "allow" | "prefer" => postgres::config::SslMode::Prefer,
                _ => postgres::config::SslMode::Require,
            });
            let rootcert = info
                .get("sslrootcert")
                .filter(|r| *r != "system")
                .map(PathBuf::from);
            let roots = tls::roots(rootcert.as_deref()).map_err(PgError::Config)?;
            let tls = tls::config(check, roots).map_err(PgError::Config)?;
            config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
        }
    };
    connected.map_err(|e| PgError::connecting(&shown, e))
}
