//! The results store (`.kpiscope/history.db`) and `kpiscope history`, on a
//! real SQLite file: runs recorded by `check`, an export re-downloaded with
//! another figure between runs, stores that cannot be used, runs at once.
//!
//! The fixture is [`crate::goals`]'s: ERR (engagements / reach × 100) of
//! 2026-09 is 160/5000 = 3.2% (warn: target >= 4, warn >= 3), of 2026-08
//! 60/2000 = 3%. The re-downloaded export gives post i1 130 likes instead of
//! 80: 2026-09 becomes (160+50)/5000 = 4.2% (pass); 2026-08 is unchanged.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::goals::{DATA, HEAD, err_goal};
use crate::harness::{Output, assert_close, workspace};

const STORE: &str = ".kpiscope/history.db";

pub fn config(extra: &str) -> String {
    format!(
        "{HEAD}{extra}{}{}",
        err_goal("sep", "period = \"2026-09\""),
        err_goal("aug", "period = \"2026-08\"")
    )
}

fn fixture(extra: &str) -> PathBuf {
    workspace(&[("kpiscope.toml", &config(extra)), ("data.csv", DATA)])
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kpiscope"));
    c.args(args).current_dir(dir).env("NO_COLOR", "1");
    c
}

fn kp(dir: &Path, args: &[&str]) -> Output {
    output_of(dir, command(dir, args))
}

/// Runs `c` (a kpiscope command in `dir`) to its end.
pub fn output_of(dir: &Path, mut c: Command) -> Output {
    let out = c.output().expect("run kpiscope");
    Output {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        dir: dir.to_path_buf(),
    }
}

/// The export with i1's likes 80 → 130, the same size but for one byte.
pub fn redownload(dir: &Path) {
    let changed = DATA.replace(
        "2026-09-05,instagram,acme,i1,spring,2000,80,",
        "2026-09-05,instagram,acme,i1,spring,2000,130,",
    );
    assert_ne!(changed, DATA);
    std::fs::write(dir.join("data.csv"), changed).expect("rewrite");
}

/// (run, value, status) of each row of a `history --format json`.
fn series(out: &Output) -> Vec<(i64, f64, String)> {
    out.json()
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            (
                r["run"].as_i64().expect("run"),
                r["value"].as_f64().expect("value"),
                r["status"].as_str().expect("status").to_string(),
            )
        })
        .collect()
}

fn three_runs() -> PathBuf {
    let dir = fixture("");
    kp(&dir, &["check"]).status(0);
    redownload(&dir);
    kp(&dir, &["check"]).status(0);
    kp(&dir, &["check", "sep"]).status(0);
    dir
}

#[test]
fn three_runs_with_a_redownloaded_export_show_both_values() {
    let dir = three_runs();
    assert!(dir.join(STORE).is_file());
    let out = kp(&dir, &["history", "sep", "--format", "json"]);
    out.status(0);
    let s = series(&out);
    assert_eq!(s.len(), 3, "{}", out.stdout);
    assert_eq!(
        s.iter().map(|r| (r.0, r.2.as_str())).collect::<Vec<_>>(),
        vec![(1, "warn"), (2, "pass"), (3, "pass")]
    );
    assert_close(s[0].1, 3.2);
    assert_close(s[1].1, 4.2);
    assert_close(s[2].1, 4.2);
    let first = &out.json()[0];
    assert_eq!(first["goal"], "sep");
    assert_eq!(first["period"], "2026-09");
    assert_eq!(first["first_day"], "2026-09-01");
    assert_eq!(first["last_day"], "2026-09-30");
    assert_eq!(first["as_of"], "2026-10-15");
    assert_eq!(first["unit"], "%");

    // August's figure did not change; the third run checked `sep` alone.
    let aug = kp(&dir, &["history", "aug", "--format", "json"]);
    let a = series(&aug);
    assert_eq!(a.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 2]);
    assert_close(a[0].1, 3.0);
    assert_close(a[1].1, 3.0);

    // --last and --period narrow; --since today keeps all three.
    let last = kp(&dir, &["history", "--last", "1", "--format", "json"]);
    assert_eq!(
        series(&last).iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![3]
    );
    let period = kp(
        &dir,
        &["history", "--period", "2026-08", "--format", "json"],
    );
    assert_eq!(series(&period).len(), 2);
    let since = kp(
        &dir,
        &["history", "--since", "2000-01-01", "--format", "json"],
    );
    assert_eq!(series(&since).len(), 5);
    let future = kp(
        &dir,
        &["history", "--since", "2999-01-01", "--format", "json"],
    );
    assert_eq!(series(&future).len(), 0);

    // The table and the CSV say the same.
    let table = kp(&dir, &["history", "sep"]);
    table.status(0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].starts_with("run"), "{}", table.stdout);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("3.2%") && l.contains("warn")),
        "{}",
        table.stdout
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("4.2%") && l.contains("pass"))
            .count(),
        2
    );
    let csv = kp(&dir, &["history", "sep", "--format", "csv"]);
    let rows: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(
        rows[0],
        "run,at,as_of,goal,period,start,end,value,unit,status"
    );
    assert_eq!(rows.len(), 4);
    assert!(rows[1].starts_with("1,"), "{}", csv.stdout);
    assert!(
        rows[1].ends_with(",2026-10-15,sep,2026-09,2026-09-01,2026-09-30,3.2,%,warn"),
        "{}",
        csv.stdout
    );
}

#[test]
fn the_sqlite3_command_line_reads_the_store() {
    let Ok(probe) = Command::new("sqlite3").arg("-version").output() else {
        eprintln!("skipped: the sqlite3 command line is not installed");
        return;
    };
    assert!(probe.status.success());
    let dir = three_runs();
    let out = Command::new("sqlite3")
        .arg(dir.join(STORE))
        .arg(
            "PRAGMA user_version;
             SELECT run_id, goal, period, status FROM history WHERE goal = 'sep' ORDER BY run_id;
             SELECT COUNT(*), COUNT(DISTINCT hash), MIN(path), MIN(size) FROM input WHERE path = 'data.csv';
             SELECT COUNT(*), MIN(command), MIN(kpiscope_version) FROM run;",
        )
        .output()
        .expect("sqlite3");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        text,
        format!(
            "2\n1|sep|2026-09|warn\n2|sep|2026-09|pass\n3|sep|2026-09|pass\n3|2|data.csv|{}\n3|check|{}\n",
            DATA.len(),
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn a_store_from_a_newer_kpiscope_is_a_clear_error_and_check_still_answers() {
    let dir = fixture("");
    kp(&dir, &["check"]).status(0);
    let conn = rusqlite::Connection::open(dir.join(STORE)).expect("open");
    conn.pragma_update(None, "user_version", 99)
        .expect("version");
    drop(conn);
    kp(&dir, &["history"])
        .fails_with("written by a newer kpiscope (schema version 99, this one reads up to 2)");
    let check = kp(&dir, &["check"]);
    check.status(0);
    assert!(check.stdout.contains("sep"), "{}", check.stdout);
    assert!(check.stderr.contains("warning"), "{}", check.stderr);
    assert!(check.stderr.contains("newer kpiscope"), "{}", check.stderr);
    // Nothing was added to it.
    let conn = rusqlite::Connection::open(dir.join(STORE)).expect("open");
    let runs: i64 = conn
        .query_row("SELECT COUNT(*) FROM run", [], |r| r.get(0))
        .expect("count");
    assert_eq!(runs, 1);
}

#[test]
fn a_corrupt_store_is_a_warning_and_the_exit_code_keeps_its_meaning() {
    let dir = fixture(
        "\n[[goal]]\nid = \"fails\"\nkpi = \"err\"\nperiod = \"2026-08\"\ntarget = \">= 5\"\n",
    );
    std::fs::create_dir_all(dir.join(".kpiscope")).expect("mkdir");
    std::fs::write(dir.join(STORE), "this is no database, but a file of text long enough to look like one..........................................................").expect("write");
    let check = kp(&dir, &["check"]);
    check.status(1);
    assert!(check.stdout.contains("fails"), "{}", check.stdout);
    assert!(
        check.stderr.contains("corrupt or not a SQLite database"),
        "{}",
        check.stderr
    );
    kp(&dir, &["history"]).fails_with("corrupt or not a SQLite database");
}

#[test]
fn no_history_writes_nothing_and_history_without_a_store_says_so() {
    let dir = fixture("");
    kp(&dir, &["check", "--no-history"]).status(0);
    assert!(!dir.join(".kpiscope").exists());
    kp(&dir, &["history"]).fails_with("no history yet: `kpiscope check` records one");
    kp(&dir, &["check"]).status(0);
    kp(&dir, &["history", "nope"]).fails_with("no run recorded a result for goal `nope`");
    kp(&dir, &["history", "--since", "yesterday"]).fails_with("--since `yesterday` is not a date");
}

#[test]
fn the_store_goes_where_the_config_or_the_flag_says() {
    let dir = fixture("\n[history]\npath = \"store/results.db\"\n");
    kp(&dir, &["check"]).status(0);
    assert!(dir.join("store/results.db").is_file());
    assert!(!dir.join(STORE).exists());
    kp(&dir, &["check", "--history", "elsewhere.db"]).status(0);
    assert!(dir.join("elsewhere.db").is_file());
    let out = kp(&dir, &["history", "--format", "json"]);
    assert_eq!(
        series(&out).len(),
        2,
        "one run of two goals in store/results.db"
    );
    let bad = fixture("\n[history]\nfile = \"x.db\"\n");
    kp(&bad, &["check"]).fails_with("kpiscope.toml:");
}

#[test]
fn two_checks_at_once_both_land() {
    let dir = fixture("");
    let quiet = |mut c: Command| {
        c.stdout(std::process::Stdio::null());
        c.spawn().expect("spawn")
    };
    let mut a = quiet(command(&dir, &["check"]));
    let mut b = quiet(command(&dir, &["check"]));
    assert!(a.wait().expect("wait").success());
    assert!(b.wait().expect("wait").success());
    let out = kp(&dir, &["history", "sep", "--format", "json"]);
    let runs: Vec<i64> = series(&out).iter().map(|r| r.0).collect();
    assert_eq!(runs, vec![1, 2], "{}", out.stderr);
}

#[test]
fn a_store_locked_past_the_busy_timeout_is_a_warning_and_check_still_answers() {
    let dir = fixture("");
    kp(&dir, &["check"]).status(0);
    // Another process holding the write lock for longer than the 10-second
    // busy timeout.
    let holder = rusqlite::Connection::open(dir.join(STORE)).expect("open");
    holder.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    let check = kp(&dir, &["check"]);
    check.status(0);
    assert!(check.stdout.contains("sep"), "{}", check.stdout);
    assert!(
        check.stderr.contains("locked by another process"),
        "{}",
        check.stderr
    );
    holder.execute_batch("COMMIT").expect("unlock");
    drop(holder);
    let out = kp(&dir, &["history", "sep", "--format", "json"]);
    assert_eq!(series(&out).len(), 1, "the locked run added nothing");
}

#[test]
fn a_restated_figure_is_shown_with_both_values_and_the_export_that_changed() {
    let dir = fixture("");
    let first = kp(&dir, &["check", "--fail-on", "restated"]);
    first.status(0);
    assert!(
        !first.stdout.contains("Since the last run"),
        "{}",
        first.stdout
    );
    redownload(&dir);
    let second = kp(&dir, &["check", "--fail-on", "restated"]);
    // September was over at both runs: 3.2% then 4.2%, and it now passes;
    // the team that freezes its months is told by the exit code.
    second.status(1);
    let line = second
        .stdout
        .lines()
        .find(|l| l.starts_with("restated"))
        .unwrap_or_else(|| panic!("{}", second.stdout));
    assert!(line.contains("sep"), "{line}");
    assert!(line.contains("2026-09"), "{line}");
    assert!(line.contains("3.2% → 4.2%; warn → pass"), "{line}");
    assert!(line.contains("last checked in run 1"), "{line}");
    assert!(line.contains("inputs: data.csv changed"), "{line}");
    // August is the same figure: no line.
    let section = second
        .stdout
        .split("Since the last run")
        .nth(1)
        .unwrap_or_default();
    assert_eq!(
        section.lines().filter(|l| l.contains("aug")).count(),
        0,
        "{section}"
    );

    let json = kp(&dir, &["check", "--format", "json", "--no-history"]);
    assert_eq!(json.json()["changes"], serde_json::json!([]));
    // The third run compares with the second: nothing changed since.
    let third = kp(
        &dir,
        &["check", "--fail-on", "restated", "--format", "json"],
    );
    third.status(0);
    assert_eq!(third.json()["changes"], serde_json::json!([]));
}

#[test]
fn the_json_lists_new_failures_and_recoveries_against_the_last_run() {
    let dir = fixture("");
    kp(&dir, &["check"]).status(0);
    // A stricter warn threshold: August's 3% now fails, with the same figure.
    let stricter = config("").replace("warn = \">= 3\"", "warn = \">= 3.1\"");
    assert_ne!(stricter, config(""));
    std::fs::write(dir.join("kpiscope.toml"), &stricter).expect("config");
    let out = kp(&dir, &["check", "--format", "json"]);
    out.status(1);
    let changes = out.json()["changes"].clone();
    let kinds: Vec<(&str, &str)> = changes
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().expect("kind"),
                c["goal"].as_str().expect("goal"),
            )
        })
        .collect();
    assert_eq!(kinds, vec![("new_failure", "aug")]);
    let aug = &changes[0];
    assert_eq!(aug["status"], "fail");
    assert_eq!(aug["before"]["status"], "warn");
    assert_eq!(aug["before"]["run"], 1);
    assert_close(aug["value"].as_f64().expect("value"), 3.0);
    assert_close(aug["before"]["value"].as_f64().expect("before"), 3.0);
    assert!(aug.get("inputs").is_none(), "{aug}");

    std::fs::write(dir.join("kpiscope.toml"), config("")).expect("config");
    let back = kp(&dir, &["check", "--format", "markdown"]);
    back.status(0);
    assert!(
        back.stdout.contains("## Since the last run"),
        "{}",
        back.stdout
    );
    // No longer failing is a recovery, though it still warns.
    assert_eq!(
        back.stdout
            .matches("- **recovered** `aug` 2026-08: warn at 3%, was fail at 3% (run 2,")
            .count(),
        1,
        "{}",
        back.stdout
    );

    // The HTML page lists them too, escaped.
    std::fs::write(dir.join("kpiscope.toml"), &stricter).expect("config");
    let html = kp(&dir, &["check", "--format", "html"]);
    html.status(1);
    assert!(
        html.stdout.contains(
            "<li><strong>new failure</strong> <code>aug</code> 2026-08: fail at 3%, was warn at 3% (run 3, "
        ),
        "{}",
        html.stdout
    );
}

#[test]
fn fail_on_restated_needs_the_history() {
    let dir = fixture("");
    kp(
        &dir,
        &["check", "--fail-on", "warn,restated", "--no-history"],
    )
    .fails_with("--fail-on restated compares with the history");
}

#[test]
fn the_report_says_what_changed_since_the_last_report() {
    let dir = fixture("");
    // A check in between is not a report: the first report has no line.
    kp(&dir, &["check"]).status(0);
    let first = kp(&dir, &["report", "--period", "2026-09"]);
    first.status(0);
    assert!(
        !first.stdout.contains("Since the last report"),
        "{}",
        first.stdout
    );
    redownload(&dir);
    let md = kp(&dir, &["report", "--period", "2026-09"]);
    md.status(0);
    let since = md
        .stdout
        .split("## Since the last report")
        .nth(1)
        .unwrap_or_else(|| panic!("{}", md.stdout));
    assert!(
        since.contains(
            "- **restated** `sep` 2026-09: 3.2% → 4.2%; warn → pass (last checked in run 2,"
        ),
        "{since}"
    );
    assert!(since.contains("inputs: data.csv changed"), "{since}");
    let json = kp(&dir, &["report", "--period", "2026-09", "--format", "json"]);
    // The third report compares with the second: the figure is the same.
    assert_eq!(json.json()["changes"], serde_json::json!([]));

    // The page words it in the report's language, under the goal's result.
    redownload_back(&dir);
    let html = kp(&dir, &["report", "--period", "2026-09", "--format", "html"]);
    html.status(0);
    let line = html
        .stdout
        .split("<span class=\"since\">")
        .nth(1)
        .and_then(|s| s.split("</span>").next())
        .unwrap_or_else(|| panic!("no since line"));
    assert!(line.starts_with("Restated since the report of "), "{line}");
    assert!(
        line.ends_with(": 4.2% then, 3.2% now. Changed inputs: data.csv."),
        "{line}"
    );
}

/// The export as it was first downloaded.
fn redownload_back(dir: &Path) {
    std::fs::write(dir.join("data.csv"), DATA).expect("rewrite");
}

/// A disk that fills while the run is written: the file-size limit of the
/// process (RLIMIT_FSIZE) stops SQLite's writes past 4 KiB, as a full disk
/// would. The check prints its results and keeps its exit code; the store
/// keeps its runs, whole, and the next run with room is recorded.
#[cfg(unix)]
#[test]
fn a_disk_that_fills_while_recording_leaves_the_store_as_it_was() {
    use std::os::unix::process::CommandExt;
    let dir = fixture("");
    kp(&dir, &["check"]).status(0);
    let mut c = command(&dir, &["check"]);
    // SAFETY: between fork and exec only async-signal-safe calls are made.
    unsafe {
        c.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 4096,
                rlim_max: 4096,
            };
            // Past the limit a write fails with EFBIG instead of killing the
            // process with SIGXFSZ.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = c.output().expect("run kpiscope");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("sep"), "{stdout}");
    assert!(stderr.contains("were not recorded"), "{stderr}");
    let conn = rusqlite::Connection::open(dir.join(STORE)).expect("open");
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    assert_eq!(ok, "ok");
    let count = |conn: &rusqlite::Connection| -> (i64, i64) {
        conn.query_row(
            "SELECT (SELECT COUNT(*) FROM run), (SELECT COUNT(*) FROM result)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("count")
    };
    assert_eq!(count(&conn), (1, 2));
    drop(conn);
    kp(&dir, &["check"]).status(0);
    let conn = rusqlite::Connection::open(dir.join(STORE)).expect("open");
    assert_eq!(count(&conn), (2, 4));
}
