//! Where a warehouse is and who connects: libpq's own rules, so that a
//! connection that works in `psql` works here. A `connection` (a URL or
//! `key=value` words) comes first; a `service` (from it or `PGSERVICE`)
//! fills what it leaves out from the service file; the `PG*` variables fill
//! the rest; a password still missing is looked up in `~/.pgpass`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// libpq keywords kpiscope reads; others are refused with their name, not
/// ignored (a setting the user believes applied would be a silent change).
const KEYWORDS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "sslmode",
    "sslrootcert",
    "connect_timeout",
    "application_name",
    "service",
    "options",
];

/// The `PG*` variable of each keyword.
const ENV: &[(&str, &str)] = &[
    ("host", "PGHOST"),
    ("hostaddr", "PGHOSTADDR"),
    ("port", "PGPORT"),
    ("dbname", "PGDATABASE"),
    ("user", "PGUSER"),
    ("password", "PGPASSWORD"),
    ("sslmode", "PGSSLMODE"),
    ("sslrootcert", "PGSSLROOTCERT"),
    ("connect_timeout", "PGCONNECT_TIMEOUT"),
    ("application_name", "PGAPPNAME"),
    ("options", "PGOPTIONS"),
];

/// The settings of one connection, keyword → value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnInfo(pub BTreeMap<String, String>);

/// Where the process's environment and files come from: the real ones, or a
/// test's.
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
    fn home(&self) -> Option<PathBuf>;
}

/// The process's own environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
    fn home(&self) -> Option<PathBuf> {
        std::env::var_os("HOME").map(PathBuf::from)
    }
}

impl ConnInfo {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Parses a URL (`postgres://user:pw@host:port/db?sslmode=require`) or
    /// `key=value` words (values quoted with `'` where they hold spaces).
    pub fn parse(text: &str) -> Result<ConnInfo, String> {
        let text = text.trim();
        let pairs = if let Some(rest) = text
            .strip_prefix("postgresql://")
            .or_else(|| text.strip_prefix("postgres://"))
        {
            parse_url(rest)?
        } else {
            parse_words(text)?
        };
        let mut out = BTreeMap::new();
        for (k, v) in pairs {
            if !KEYWORDS.contains(&k.as_str()) {
                return Err(format!(
                    "`{k}` is not a connection setting kpiscope reads (it reads {})",
                    KEYWORDS.join(", ")
                ));
            }
            out.insert(k, v);
        }
        Ok(ConnInfo(out))
    }

    /// Completes `self` as libpq does: the service's settings, then the
    /// `PG*` variables, then defaults, then `~/.pgpass` for the password.
    pub fn complete(mut self, env: &dyn Env) -> Result<ConnInfo, String> {
        let service = self
            .get("service")
            .map(str::to_string)
            .or_else(|| env.var("PGSERVICE"));
        if let Some(name) = service {
            for (k, v) in service_settings(&name, env)? {
                self.0.entry(k).or_insert(v);
            }
        }
        for (k, var) in ENV {
            if let Some(v) = env.var(var) {
                self.0.entry(k.to_string()).or_insert(v);
            }
        }
        if !self.0.contains_key("host") && !self.0.contains_key("hostaddr") {
            let socket = ["/var/run/postgresql", "/tmp"]
                .into_iter()
                .find(|d| Path::new(d).join(".s.PGSQL.5432").exists());
            self.0
                .insert("host".into(), socket.unwrap_or("localhost").to_string());
        }
        self.0.entry("port".into()).or_insert_with(|| "5432".into());
        if !self.0.contains_key("user") {
            let user = env
                .var("USER")
                .or_else(|| env.var("LOGNAME"))
                .unwrap_or_else(|| "postgres".into());
            self.0.insert("user".into(), user);
        }
        if !self.0.contains_key("dbname") {
            let user = self.0["user"].clone();
            self.0.insert("dbname".into(), user);
        }
        if !self.0.contains_key("password")
            && let Some(pw) = pgpass_password(&self, env)
        {
            self.0.insert("password".into(), pw);
        }
        Ok(self)
    }

    /// `host:port/dbname` as user name, for messages (never the password).
    pub fn shown(&self) -> String {
        format!(
            "{}:{}/{} as {}",
            self.get("hostaddr").or(self.get("host")).unwrap_or("?"),
            self.get("port").unwrap_or("5432"),
            self.get("dbname").unwrap_or("?"),
            self.get("user").unwrap_or("?")
        )
    }
}

fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("`{s}`: a `%` is followed by two hex digits in a URL"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("`{s}` is not UTF-8 once decoded"))
}

/// `user:pw@host:port/db?k=v` (after the scheme).
fn parse_url(rest: &str) -> Result<Vec<(String, String)>, String> {
    let (main, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, db) = main.split_once('/').unwrap_or((main, ""));
    let mut out = Vec::new();
    let hosts = match authority.rsplit_once('@') {
        Some((who, hosts)) => {
            let (user, pw) = match who.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (who, None),
            };
            if !user.is_empty() {
                out.push(("user".into(), percent_decode(user)?));
            }
            if let Some(pw) = pw {
                out.push(("password".into(), percent_decode(pw)?));
            }
            hosts
        }
        None => authority,
    };
    if !hosts.is_empty() {
        // host:port, or [v6]:port
        let (host, port) = if let Some(v6) = hosts.strip_prefix('[') {
            let (h, after) = v6.split_once(']').ok_or("an IPv6 host is written [::1]")?;
            (h.to_string(), after.strip_prefix(':').map(str::to_string))
        } else {
            match hosts.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p.to_string())),
                None => (hosts.to_string(), None),
            }
        };
        if !host.is_empty() {
            out.push(("host".into(), percent_decode(&host)?));
        }
        if let Some(p) = port.filter(|p| !p.is_empty()) {
            out.push(("port".into(), p));
        }
    }
    if !db.is_empty() {
        out.push(("dbname".into(), percent_decode(db)?));
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.push((percent_decode(k)?, percent_decode(v)?));
    }
    Ok(out)
}

/// `host=a port=5432 password='it''s'`.
fn parse_words(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(out);
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(format!(
                "`{key}` has no value: write a URL (postgres://user@host/db) or `key=value` words"
            ));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            loop {
                match chars.next() {
                    Some('\\') => value.extend(chars.next()),
                    Some('\'') => break,
                    Some(c) => value.push(c),
                    None => return Err(format!("the value of `{key}` has no closing quote")),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                if c == '\\' {
                    chars.next();
                    value.extend(chars.next());
                    continue;
                }
                value.push(c);
                chars.next();
            }
        }
        out.push((key, value));
    }
}

/// The settings of service `name`: `PGSERVICEFILE` or `~/.pg_service.conf`
/// first, then `PGSYSCONFDIR/pg_service.conf`.
fn service_settings(name: &str, env: &dyn Env) -> Result<Vec<(String, String)>, String> {
    let mut files: Vec<PathBuf> = Vec::new();
    match env.var("PGSERVICEFILE") {
        Some(f) => files.push(f.into()),
        None => files.extend(env.home().map(|h| h.join(".pg_service.conf"))),
    }
    files.push(
        env.var("PGSYSCONFDIR")
            .map_or_else(|| PathBuf::from("/etc/postgresql-common"), PathBuf::from)
            .join("pg_service.conf"),
    );
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let mut inside = false;
        let mut found = false;
        let mut out = Vec::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                inside = section.trim() == name;
                found |= inside;
                continue;
            }
            if inside && let Some((k, v)) = line.split_once('=') {
                out.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        if found {
            return Ok(out);
        }
    }
    Err(format!(
        "service `{name}` is not in {}",
        files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(" or ")
    ))
}

/// The password `~/.pgpass` (or `PGPASSFILE`) gives for `info`'s host,
/// port, database and user: the first line that matches, `*` matching any.
/// A file others can read is passed over, as libpq does.
fn pgpass_password(info: &ConnInfo, env: &dyn Env) -> Option<String> {
    let file = env
        .var("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| env.home().map(|h| h.join(".pgpass")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            say!(
                "warning: {} is readable by others and is not used (chmod 0600 it)",
                file.display()
            );
            return None;
        }
    }
    let text = std::fs::read_to_string(&file).ok()?;
    let host = info.get("host").unwrap_or_default();
    // A socket connection matches `localhost`, as in libpq.
    let host = if host.starts_with('/') {
        "localhost"
    } else {
        host
    };
    let want = [
        host,
        info.get("port").unwrap_or("5432"),
        info.get("dbname").unwrap_or_default(),
        info.get("user").unwrap_or_default(),
    ];
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split_pgpass(line);
            (fields.len() == 5
                && fields[..4]
                    .iter()
                    .zip(want)
                    .all(|(f, w)| f == "*" || f == w))
            .then(|| fields[4].clone())
        })
}

/// A `.pgpass` line's fields: `:` separates, `\` escapes `:` and `\`.
fn split_pgpass(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out
                .last_mut()
                .unwrap_or(&mut String::new())
                .extend(chars.next()),
            ':' => out.push(String::new()),
            c => {
                if let Some(f) = out.last_mut() {
                    f.push(c)
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TestEnv(BTreeMap<&'static str, String>, PathBuf);

    impl Env for TestEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).cloned()
        }
        fn home(&self) -> Option<PathBuf> {
            Some(self.1.clone())
        }
    }

    fn info(pairs: &[(&str, &str)]) -> ConnInfo {
        ConnInfo(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn urls_and_words() {
        let table: &[(&str, Result<ConnInfo, &str>)] = &[
            (
                "postgres://ana:p%40ss@db.example.com:6432/agency?sslmode=verify-full",
                Ok(info(&[
                    ("user", "ana"),
                    ("password", "p@ss"),
                    ("host", "db.example.com"),
                    ("port", "6432"),
                    ("dbname", "agency"),
                    ("sslmode", "verify-full"),
                ])),
            ),
            (
                "postgresql://[::1]:5433/x",
                Ok(info(&[("host", "::1"), ("port", "5433"), ("dbname", "x")])),
            ),
            ("postgres:///agency", Ok(info(&[("dbname", "agency")]))),
            (
                "host=db port = 5432 password='it''s' user=ana",
                Err("`'s'` has no value"),
            ),
            ("host=db password='open", Err("has no closing quote")),
            (
                "host=db password='a b\\'c' dbname=x",
                Ok(info(&[
                    ("host", "db"),
                    ("password", "a b'c"),
                    ("dbname", "x"),
                ])),
            ),
            (
                "host=db sslcert=x",
                Err("`sslcert` is not a connection setting"),
            ),
            ("host", Err("`host` has no value")),
        ];
        for (text, want) in table {
            match (ConnInfo::parse(text), want) {
                (Ok(got), Ok(want)) => assert_eq!(&got, want, "{text}"),
                (Err(e), Err(w)) => assert!(e.contains(w), "{text}: {e}"),
                (got, want) => panic!("{text}: {got:?}, want {want:?}"),
            }
        }
    }

    proptest::proptest! {
        /// Any text is a connection or a message, never a panic; a value
        /// written in quotes comes back as written.
        #[test]
        fn any_text_parses_or_is_refused(text in "\\PC{0,80}", value in "[a-z ']{0,12}") {
            let _ = ConnInfo::parse(&text);
            let _ = parse_url(&text);
            let quoted = format!("host='{}'", value.replace('\'', "\\'"));
            let got = ConnInfo::parse(&quoted).expect("a quoted value");
            proptest::prop_assert_eq!(got.get("host"), Some(value.as_str()));
        }
    }

    #[test]
    fn service_env_and_pgpass_fill_what_is_missing() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(
            home.path().join(".pg_service.conf"),
            "# agency\n[wh]\nhost=wh.internal\ndbname=warehouse\nport=6000\n[other]\nhost=x\n",
        )
        .unwrap();
        let pgpass = home.path().join(".pgpass");
        std::fs::write(
            &pgpass,
            "other:*:*:*:no\nwh.internal:6000:warehouse:ana:s\\:cret\n*:*:*:*:fallback\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let env = TestEnv(
            [
                ("PGUSER", "ana".to_string()),
                ("PGPORT", "7000".to_string()),
            ]
            .into_iter()
            .collect(),
            home.path().to_path_buf(),
        );
        // The conninfo wins over the service, the service over PG*.
        let got = ConnInfo::parse("service=wh")
            .unwrap()
            .complete(&env)
            .unwrap();
        assert_eq!(got.get("host"), Some("wh.internal"));
        assert_eq!(got.get("port"), Some("6000"));
        assert_eq!(got.get("user"), Some("ana"));
        assert_eq!(got.get("password"), Some("s:cret"));
        let got = ConnInfo::parse("host=h dbname=d")
            .unwrap()
            .complete(&env)
            .unwrap();
        assert_eq!(got.get("port"), Some("7000"));
        assert_eq!(got.get("password"), Some("fallback"));
        let err = ConnInfo::parse("service=nope")
            .unwrap()
            .complete(&env)
            .unwrap_err();
        assert!(err.contains("service `nope` is not in"), "{err}");
    }
}
