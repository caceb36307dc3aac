//! A real PostgreSQL server for the `postgres` source's tests (issue 15).
//!
//! [`database`] gives a test a fresh, empty database and its URL; [`PgDb::psql`]
//! runs SQL in it with the `psql` command line (to fill tables, or to look).
//!
//! Where the server comes from:
//!
//! - **`KPISCOPE_TEST_PG`** set (`.ci/run` sets it): a URL to a server where
//!   its user may create databases (`postgres://user:pw@127.0.0.1:port/postgres`).
//!   Each call creates a database there, named from the hint, the process id
//!   and a counter. They are not dropped: CI's server is thrown away whole,
//!   and on a developer's own server `kpt_*` databases can be dropped at will.
//! - otherwise the test process starts **its own server**, once (a
//!   `OnceLock`): `initdb` into a temp folder (with a superuser `kpiscope` and
//!   a random password, scram-sha-256 over TCP), `postgres` listening on
//!   127.0.0.1 only, at a free port, with its socket in that folder. `initdb`
//!   refuses to run as root, so as root the folder is given to `nobody` and
//!   the programs run as `nobody` through `runuser` (or `setpriv`).
//!   The programs are found by `pg_config --bindir`, then Debian's
//!   `/usr/lib/postgresql/<major>/bin` (the highest), then `initdb` in `PATH`.
//! - neither: `database` prints `skipped: <reason>` to stderr and returns
//!   `None`, and the test returns; with `KPISCOPE_REQUIRE_PG=1` (CI, where
//!   PostgreSQL is installed) it panics instead.
//!
//! **Stopping the server the test process started.** Rust runs no destructor
//! for a static, and a test binary can be killed, so nothing in the process
//! can be relied on to stop it. Instead the server's whole life is a small
//! shell ([`LIFELINE`]: `initdb; postgres … & read _; kill -INT $pid; wait;
//! rm -rf DIR`), in its own process group, whose standard input is a pipe
//! whose only write end is held in a static of the test process (Rust opens
//! it close-on-exec, so the `kpiscope` and `psql` processes the tests run do
//! not inherit it). However the test process ends (tests done, a panic, a
//! Ctrl-C, a kill -9, even during initdb), the kernel closes the pipe, `read`
//! returns, and the shell makes a fast shutdown and removes the folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A fresh, empty database on the test server, or None (after printing
/// "skipped: <reason>" to stderr) when no PostgreSQL can be found or started.
pub fn database(name_hint: &str) -> Option<PgDb> {
    let made = match std::env::var("KPISCOPE_TEST_PG") {
        Ok(url) if !url.trim().is_empty() => {
            create_database(url.trim(), &psql_program(), name_hint)
                .map_err(|e| format!("KPISCOPE_TEST_PG: {e}"))
        }
        _ => own_server().and_then(|s| create_database(&s.admin_url, &s.psql, name_hint)),
    };
    match made {
        Ok(db) => Some(db),
        Err(reason) => {
            if std::env::var("KPISCOPE_REQUIRE_PG").is_ok_and(|v| v == "1") {
                panic!("KPISCOPE_REQUIRE_PG=1 but no PostgreSQL database could be had: {reason}");
            }
            eprintln!("skipped: {reason}");
            None
        }
    }
}

/// A database on the test server.
pub struct PgDb {
    /// `postgres://user:pw@127.0.0.1:port/db`
    pub url: String,
    /// The database's name.
    pub name: String,
    psql: PathBuf,
}

impl PgDb {
    /// Runs `sql` (one or more statements, or psql's backslash commands) in
    /// the database with `psql -X -At -v ON_ERROR_STOP=1` and returns what it
    /// printed, without the last newline: unaligned rows, `|` between columns.
    /// (Also `-q`: no command tags such as `INSERT 0 2`, only rows; and `-w`:
    /// psql never waits for a password at a terminal.)
    /// Panics with psql's stderr when a statement fails.
    pub fn psql(&self, sql: &str) -> String {
        run_psql(&self.psql, &self.url, sql)
            .unwrap_or_else(|e| panic!("psql in {}: {e}", self.name))
    }
}

/// The server this test process started, shared by its tests.
struct OwnServer {
    admin_url: String,
    psql: PathBuf,
    /// The write end of the shell's stdin: closed when the process ends,
    /// which stops the server. Never written to.
    _lifeline: ChildStdin,
}

static OWN: OnceLock<Result<OwnServer, String>> = OnceLock::new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn own_server() -> Result<&'static OwnServer, String> {
    OWN.get_or_init(start_own).as_ref().map_err(Clone::clone)
}

fn run_psql(psql: &Path, url: &str, sql: &str) -> Result<String, String> {
    let mut child = Command::new(psql)
        .args([
            "-X",
            "-q",
            "-At",
            "-w",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-f",
            "-",
        ])
        .env("PGCONNECT_TIMEOUT", "10")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", psql.display()))?;
    let mut stdin = child.stdin.take().expect("psql stdin");
    let text = sql.to_string();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(text.as_bytes());
    });
    let out = child.wait_with_output().map_err(|e| format!("psql: {e}"))?;
    let _ = writer.join();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "psql failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end(),
            if stdout.trim().is_empty() {
                String::new()
            } else {
                format!("\nstdout: {}", stdout.trim_end())
            }
        ));
    }
    Ok(stdout.strip_suffix('\n').unwrap_or(&stdout).to_string())
}

/// `url` with its database (the path) replaced by `db`, query kept.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{db}?{q}"),
        None => format!("{root}/{db}"),
    }
}

fn create_database(admin_url: &str, psql: &Path, hint: &str) -> Result<PgDb, String> {
    let mut clean: String = hint
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    clean.truncate(30);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = format!("kpt_{clean}_{}_{n}", std::process::id());
    run_psql(
        psql,
        admin_url,
        &format!("CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"),
    )?;
    Ok(PgDb {
        url: with_database(admin_url, &name),
        name,
        psql: psql.to_path_buf(),
    })
}

fn psql_program() -> PathBuf {
    if let Ok(bin) = server_bindir() {
        let p = bin.join("psql");
        if p.is_file() {
            return p;
        }
    }
    PathBuf::from("psql")
}

/// The folder of `initdb`, `postgres` (Debian keeps them out of `PATH`).
fn server_bindir() -> Result<PathBuf, String> {
    let ok = |d: &Path| d.join("initdb").is_file() && d.join("postgres").is_file();
    if let Ok(out) = Command::new("pg_config")
        .arg("--bindir")
        .stderr(Stdio::null())
        .output()
    {
        let d = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && ok(&d) {
            return Ok(d);
        }
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((major, e.path().join("bin")))
        })
        .filter(|(_, d)| ok(d))
        .collect();
    debian.sort();
    if let Some((_, d)) = debian.pop() {
        return Ok(d);
    }
    for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
        if ok(&dir) {
            return Ok(dir);
        }
    }
    Err(
        "no PostgreSQL server programs (initdb, postgres) found: install the postgresql package, \
         or set KPISCOPE_TEST_PG to a server's URL"
            .into(),
    )
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `program args…`, as `nobody` when we are root (initdb and postgres refuse root).
fn as_server_user(root: bool, program: &Path) -> Command {
    if !root {
        return Command::new(program);
    }
    if Path::new("/usr/sbin/runuser").is_file() || Path::new("/sbin/runuser").is_file() {
        let mut c = Command::new("runuser");
        c.args(["-u", "nobody", "--"]).arg(program);
        c
    } else {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"])
            .arg(program);
        c
    }
}

fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

fn start_own() -> Result<OwnServer, String> {
    let bin = server_bindir()?;
    let mut last = String::new();
    // A free port can be taken between the probe and postgres's bind: three tries.
    for _ in 0..3 {
        match start_once(&bin) {
            Ok(s) => return Ok(s),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The server's whole life, run by `sh` as the server's user, with the test
/// process's pipe as stdin: initdb, postgres in the background, then wait for
/// the pipe to close (even when that happens while the server is still
/// starting), fast shutdown, remove the folder. Terminal signals are
/// ignored (the shell is in its own process group too): a Ctrl-C of the test
/// run ends the test process, which closes the pipe.
const LIFELINE: &str = r#"trap '' HUP INT
dir="$1"; bin="$2"; shift 2
if "$bin/initdb" -D "$dir/data" -U kpiscope --pwfile="$dir/pw" --auth-host=scram-sha-256 \
    --auth-local=trust -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1; then
    rm -f "$dir/pw"
    (trap - HUP INT; exec "$bin/postgres" -D "$dir/data" "$@") </dev/null >"$dir/log" 2>&1 &
    pid=$!
    # Its signal handlers are in place once it writes its pid file: an INT
    # before that would be lost (the subshell ignored it until the exec).
    n=0
    while [ ! -e "$dir/data/postmaster.pid" ] && [ $n -lt 600 ] && ! grep -q FATAL "$dir/log"; do
        sleep 0.1; n=$((n + 1))
    done
else
    : >"$dir/initdb.failed"
    pid=
fi
read _ || true
if [ -n "$pid" ]; then kill -INT "$pid" 2>/dev/null; wait "$pid"; fi
rm -rf "$dir"
"#;

fn start_once(bin: &Path) -> Result<OwnServer, String> {
    let root = is_root();
    let dir = tempfile::Builder::new()
        .prefix("kpiscope-pg-test.")
        .tempdir()
        .map_err(|e| format!("temp dir: {e}"))?
        .keep();
    let remove = |e: String| {
        let _ = std::fs::remove_dir_all(&dir);
        e
    };
    let password = format!("{:032x}", random_bits());
    std::fs::write(dir.join("pw"), format!("{password}\n"))
        .map_err(|e| remove(format!("write pw: {e}")))?;
    if root {
        let st = Command::new("chown")
            .args(["-R", "nobody:"])
            .arg(&dir)
            .status()
            .map_err(|e| remove(format!("chown: {e}")))?;
        if !st.success() {
            return Err(remove(format!("cannot give {} to nobody", dir.display())));
        }
    }
    let port = free_port().map_err(remove)?;
    let mut shell = as_server_user(root, Path::new("/bin/sh"));
    shell.args(["-c", LIFELINE, "sh"]).arg(&dir).arg(bin);
    for setting in [
        "listen_addresses=127.0.0.1".to_string(),
        format!("port={port}"),
        format!("unix_socket_directories={}", dir.display()),
        "fsync=off".into(),
        "full_page_writes=off".into(),
        "synchronous_commit=off".into(),
    ] {
        shell.arg("-c").arg(setting);
    }
    let mut child = std::os::unix::process::CommandExt::process_group(&mut shell, 0)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| remove(format!("cannot start postgres: {e}")))?;
    let lifeline = child.stdin.take().expect("shell stdin");
    let admin_url = format!("postgres://kpiscope:{password}@127.0.0.1:{port}/postgres");
    let psql = psql_program();
    let started = Instant::now();
    loop {
        if run_psql(&psql, &admin_url, "select 1").is_ok() {
            return Ok(OwnServer {
                admin_url,
                psql,
                _lifeline: lifeline,
            });
        }
        let failure = if dir.join("initdb.failed").exists() {
            Some(format!("initdb failed: {}", tail(&dir.join("initdb.log"))))
        } else {
            let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
            if log.contains("FATAL") || log.contains("database system is shut down") {
                Some(format!(
                    "postgres did not start on 127.0.0.1:{port}: {}",
                    tail(&dir.join("log"))
                ))
            } else if started.elapsed() > Duration::from_secs(60) {
                Some(format!(
                    "postgres did not answer within 60 s: {}",
                    tail(&dir.join("log"))
                ))
            } else {
                None
            }
        };
        if let Some(e) = failure {
            // Closing the lifeline makes the shell stop postgres and remove the folder.
            drop(lifeline);
            let _ = child.wait();
            return Err(e);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The last lines of a log file.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(10)..].join("\n")
}

fn random_bits() -> u128 {
    let mut b = [0u8; 16];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        let _ = std::io::Read::read_exact(&mut f, &mut b);
    }
    u128::from_ne_bytes(b)
}

#[test]
fn a_database_is_created_and_psql_answers() {
    let Some(db) = database("self test") else {
        return;
    };
    assert!(db.name.starts_with("kpt_self_test_"), "{}", db.name);
    assert!(
        db.url.starts_with("postgres://") && db.url.ends_with(&format!("/{}", db.name)),
        "{}",
        db.url
    );
    assert_eq!(db.psql("select current_database()"), db.name);
    let out = db.psql(
        "create table t (n int, s text);\n\
         insert into t values (1, 'a'), (2, 'b');\n\
         select count(*), sum(n) from t;\n\
         select s from t order by n;",
    );
    assert_eq!(out, "2|3\na\nb");
    assert_eq!(
        db.psql("select current_setting('listen_addresses')"),
        "127.0.0.1"
    );
}

#[test]
fn each_database_is_new_and_empty() {
    let Some(a) = database("empty") else { return };
    let Some(b) = database("empty") else { return };
    assert_ne!(a.name, b.name);
    a.psql("create table only_in_a (x int)");
    assert_eq!(
        b.psql("select count(*) from pg_tables where schemaname = 'public'"),
        "0"
    );
    assert_eq!(
        a.psql("select count(*) from pg_tables where schemaname = 'public'"),
        "1"
    );
}

#[test]
fn a_failing_statement_panics_with_psql_stderr() {
    let Some(db) = database("fails") else { return };
    let err = std::panic::catch_unwind(|| db.psql("select 1; select no_such_column from pg_class"))
        .expect_err("a bad statement must panic");
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(
        msg.contains("no_such_column") && msg.contains("does not exist"),
        "{msg}"
    );
}

#[test]
fn url_database_is_replaced() {
    assert_eq!(
        with_database("postgres://u:p@127.0.0.1:5/postgres", "x"),
        "postgres://u:p@127.0.0.1:5/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h:5", "x"),
        "postgres://u:p@h:5/x"
    );
    assert_eq!(
        with_database("postgresql://u@h:5/postgres?sslmode=disable", "x"),
        "postgresql://u@h:5/x?sslmode=disable"
    );
}

/// The server a developer's `cargo test` starts, also in CI (where the tests
/// use CI's server): initdb as nobody, 127.0.0.1 only, a password over TCP.
#[test]
fn the_test_process_starts_its_own_server() {
    if server_bindir().is_err() && std::env::var("KPISCOPE_REQUIRE_PG").is_err() {
        eprintln!("skipped: no PostgreSQL server programs");
        return;
    }
    let server = own_server().unwrap_or_else(|e| panic!("{e}"));
    let db = create_database(&server.admin_url, &server.psql, "own").expect("create database");
    assert_eq!(
        db.psql("select current_setting('listen_addresses'), rolsuper, current_setting('password_encryption') from pg_roles where rolname = current_user"),
        "127.0.0.1|t|scram-sha-256"
    );
    if is_root() {
        let owner = db.psql("select setting from pg_settings where name = 'data_directory'");
        let meta = std::fs::metadata(&owner).expect("data directory");
        assert_ne!(
            std::os::unix::fs::MetadataExt::uid(&meta),
            0,
            "the server's files must not be root's"
        );
    }
    // Without the password, TCP is refused.
    let no_pw = db
        .url
        .replacen(&format!(":{}@", password_of(&db.url)), "@", 1);
    assert!(
        run_psql(&server.psql, &no_pw, "select 1").is_err(),
        "a connection without the password was let in"
    );
}

fn password_of(url: &str) -> &str {
    let userinfo = url
        .split("://")
        .nth(1)
        .and_then(|r| r.split('@').next())
        .unwrap_or("");
    userinfo.split_once(':').map_or("", |(_, p)| p)
}
