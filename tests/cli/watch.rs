//! `kpiscope watch`: the real binary in a temporary workspace, driven by real
//! file changes (no mocked watcher) and stopped with real signals.
//!
//! Each test reads the binary's stdout and stderr line by line on threads and
//! waits for what it expects with a deadline, rather than sleeping.
//!
//! Fixture: one month of Instagram posts; the goal `engagement` is ERR
//! (engagements / reach × 100, ratio of sums) in 2026-10, with `target = ">=
//! 4"` and `warn = ">= 3"`; the goal `saves` is the workspace script's
//! `save_rate` (saves / reach × 100), with `target = ">= 1"`.
//!
//! | post | reach | likes | comments | shares | saves |
//! |------|-------|-------|----------|--------|-------|
//! | p1   | 1500  | 52    | 9        | 6      | 20    |
//! | p2   | 1000  | 28    | 3        | 2      | 6     |
//!
//! - ERR: (52+9+6 + 28+3+2) / 2500 × 100 = 100/2500 × 100 = 4% → pass.
//! - With p1's likes at 40, 30 and then 20: 88, 78, 68 / 2500 → 3.52%,
//!   3.12%, 2.72% (the last: fail, 1.28 below 4).
//! - save_rate: (20+6) / 2500 × 100 = 1.04% → pass.
//! - Adding p3 (reach 500, 60+10+2 engagements, 4 saves) to likes-20 data:
//!   ERR (68+72) / 3000 × 100 = 4.666…% → "4.67%"; save_rate 30/3000 = 1%.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const CONFIG: &str = r#"[workspace]
name = "Watch test"

[[source]]
plugin = "canonical"
path = "data/*.csv"

[[goal]]
id = "engagement"
kpi = "err"
period = "2026-10"
target = ">= 4"
warn = ">= 3"

[[goal]]
id = "saves"
kpi = "save_rate"
period = "2026-10"
target = ">= 1"
"#;

const SCRIPT: &str = "/// Save rate
/// unit: %
fn save_rate() {
    saves / reach * 100
}
";

const HEADER: &str = "date,network,account,post,reach,likes,comments,shares,saves\n";

/// The posts with p1's likes at `likes`.
fn posts(likes: u32) -> String {
    format!(
        "{HEADER}2026-10-03,instagram,acme,p1,1500,{likes},9,6,20\n\
         2026-10-20,instagram,acme,p2,1000,28,3,2,6\n"
    )
}

const MORE: &str = "2026-10-25,instagram,acme,p3,500,60,10,2,4\n";

/// How long a test waits for a line before it fails.
const DEADLINE: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Out,
    Err,
}

/// A running `kpiscope watch` and every line it has printed so far.
struct Watch {
    child: Child,
    dir: tempfile::TempDir,
    lines: Receiver<(Stream, String)>,
    seen: Vec<(Stream, String)>,
    /// Where [`Watch::wait_for`] starts looking: the first line read after
    /// the last change the test made.
    cursor: usize,
}

impl Watch {
    /// The fixture workspace, watched with `args` after `kpiscope`.
    fn start(args: &[&str]) -> Watch {
        Watch::start_with(args, CONFIG)
    }

    /// The fixture workspace with `config` as its kpiscope.toml.
    fn start_with(args: &[&str], config: &str) -> Watch {
        let dir = tempfile::tempdir().expect("temp dir");
        let w = |p: &str, text: &str| {
            let full = dir.path().join(p);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(full, text).expect("write fixture");
        };
        w("kpiscope.toml", config);
        w("scripts/my.rhai", SCRIPT);
        w("data/posts.csv", &posts(52));
        let mut child = Command::new(env!("CARGO_BIN_EXE_kpiscope"))
            .args(args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run kpiscope");
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().expect("stdout");
        let err = child.stderr.take().expect("stderr");
        for (stream, pipe) in [
            (Stream::Out, Box::new(out) as Box<dyn std::io::Read + Send>),
            (Stream::Err, Box::new(err)),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if tx.send((stream, line)).is_err() {
                        break;
                    }
                }
            });
        }
        Watch {
            child,
            dir,
            lines,
            seen: Vec::new(),
            cursor: 0,
        }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    /// Changes a file; what is waited for next comes after this.
    fn write(&mut self, p: &str, text: &str) {
        self.drain();
        self.cursor = self.seen.len();
        std::fs::write(self.path(p), text).expect("write");
    }

    /// Waits for a line of `stream` that contains `text`, printed since the
    /// last change; returns its index in `seen`.
    #[track_caller]
    fn wait_for(&mut self, stream: Stream, text: &str) -> usize {
        self.wait_from(stream, text, self.cursor)
    }

    /// Waits for a line of `stream` containing `text` at index `from` or later.
    #[track_caller]
    fn wait_from(&mut self, stream: Stream, text: &str, from: usize) -> usize {
        let end = Instant::now() + DEADLINE;
        loop {
            if let Some(i) = (from..self.seen.len())
                .find(|&i| self.seen[i].0 == stream && self.seen[i].1.contains(text))
            {
                return i;
            }
            let left = end.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => panic!(
                    "no {stream:?} line with {text:?} within {DEADLINE:?}; the output:\n{}",
                    self.log()
                ),
            }
        }
    }

    /// Takes in the lines printed so far without waiting.
    fn drain(&mut self) {
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
    }

    /// The stderr lines that start a run after a change.
    fn reruns(&self) -> Vec<&str> {
        self.seen
            .iter()
            .filter(|(s, l)| *s == Stream::Err && l.contains("changed: re-"))
            .map(|(_, l)| l.as_str())
            .collect()
    }

    fn count(&self, stream: Stream, text: &str) -> usize {
        self.seen
            .iter()
            .filter(|(s, l)| *s == stream && l.contains(text))
            .count()
    }

    fn log(&self) -> String {
        self.seen
            .iter()
            .map(|(s, l)| format!("{}| {l}\n", if *s == Stream::Out { "out" } else { "err" }))
            .collect()
    }

    /// Sends `signal` and returns the exit code, with every line printed.
    fn stop(mut self, signal: libc::c_int) -> (i32, String) {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: a plain kill(2) of our own child.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill");
        let end = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                break s;
            }
            if Instant::now() > end {
                let _ = self.child.kill();
                panic!("watch did not stop within {DEADLINE:?}:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // The pipes close with the process: every line is in.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        let log = self.log();
        assert!(!log.contains("panicked"), "{log}");
        let code = status
            .code()
            .unwrap_or_else(|| panic!("ended by a signal ({status:?}), not an exit:\n{log}"));
        (code, log)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        // A failed assertion must not leave the process running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn reruns_once_after_a_burst_of_writes_and_on_new_files() {
    let mut w = Watch::start(&["watch"]);
    // The first run at once, with the hand-computed values.
    w.wait_for(
        Stream::Out,
        "pass    engagement  2026-10  4% meets the target >= 4%",
    );
    w.wait_for(
        Stream::Out,
        "pass    saves       2026-10  1.04% meets the target >= 1%",
    );
    w.wait_for(Stream::Err, "watching kpiscope.toml, scripts/, data/*.csv");

    // An export saved in three quick steps: one run, with the last values.
    for likes in [40, 30, 20] {
        w.write("data/posts.csv", &posts(likes));
        std::thread::sleep(Duration::from_millis(30));
    }
    w.wait_for(Stream::Err, "data/posts.csv changed: re-checking");
    w.wait_for(
        Stream::Out,
        "fail    engagement  2026-10  2.72% is 1.28 below the target 4%",
    );
    w.wait_for(Stream::Out, "1 pass, 0 warn, 1 fail, 0 no data");

    // A new file that the source's glob matches counts too.
    w.write("data/more.csv", &format!("{HEADER}{MORE}"));
    w.wait_for(Stream::Err, "data/more.csv changed: re-checking");
    w.wait_for(
        Stream::Out,
        "pass    engagement  2026-10  4.67% meets the target >= 4%",
    );
    w.wait_for(
        Stream::Out,
        "pass    saves       2026-10  1% meets the target >= 1%",
    );

    // Exactly one run per change: the burst did not run three times, and
    // no intermediate value was ever shown.
    assert_eq!(w.reruns().len(), 2, "{}", w.log());
    assert_eq!(
        w.count(Stream::Out, "3.52%") + w.count(Stream::Out, "3.12%"),
        0
    );
    // Output to a pipe: the screen is never cleared.
    assert!(!w.log().contains('\x1b'), "{}", w.log());

    let (code, log) = w.stop(libc::SIGINT);
    assert_eq!(code, 0, "the last run passed:\n{log}");
    assert!(log.contains("] stopped"), "{log}");
}

/// A file written with pauses longer than the quiet time (a download, a
/// copy from a slow disk) is read once it is closed: half of it is a valid
/// export with fewer rows, whose numbers would be wrong.
#[cfg(target_os = "linux")]
#[test]
fn a_file_still_being_written_is_read_once_closed() {
    use std::io::Write;
    let mut w = Watch::start(&["watch"]);
    w.wait_for(Stream::Err, "watching");
    w.drain();
    w.cursor = w.seen.len();
    // The first post alone (likes 20): ERR 35/1500 = 2.33%, a fail.
    let full = format!("{}{MORE}", posts(20));
    let (half, rest) = full.split_at(HEADER.len() + 35);
    let mut f = std::fs::File::create(w.path("data/posts.csv")).expect("create");
    f.write_all(half.as_bytes()).expect("write");
    f.flush().expect("flush");
    w.wait_for(
        Stream::Err,
        "waiting for data/posts.csv to be written completely",
    );
    std::thread::sleep(Duration::from_millis(1200));
    f.write_all(rest.as_bytes()).expect("write");
    drop(f);
    w.wait_for(Stream::Err, "data/posts.csv changed: re-checking");
    w.wait_for(
        Stream::Out,
        "pass    engagement  2026-10  4.67% meets the target >= 4%",
    );
    assert_eq!(w.reruns().len(), 1, "{}", w.log());
    assert_eq!(w.count(Stream::Out, "2.33%"), 0, "{}", w.log());
}

#[test]
fn a_broken_config_or_script_keeps_the_last_results_and_recovers() {
    let mut w = Watch::start(&["watch", "check"]);
    w.wait_for(Stream::Out, "2 goals: 2 pass, 0 warn, 0 fail, 0 no data");
    w.wait_for(Stream::Err, "watching");

    // A typo in the config: the error as `check` prints it, with its place.
    w.write("kpiscope.toml", &format!("{CONFIG}colour = 3\n"));
    let at = w.wait_for(
        Stream::Err,
        "error: kpiscope.toml:20:1: [[goal]]: unknown key `colour`",
    );
    w.wait_from(Stream::Err, "20 | colour = 3", at);
    w.wait_from(Stream::Err, "   | ^^^^^^", at);
    w.wait_from(Stream::Err, "kept the last good results (from ", at);

    // Fixed, with a stricter saves goal: it re-runs and says it recovered.
    w.write(
        "kpiscope.toml",
        &CONFIG.replace(r#"target = ">= 1""#, r#"target = ">= 2""#),
    );
    w.wait_for(
        Stream::Out,
        "fail    saves       2026-10  1.04% is 0.96 below the target 2%",
    );
    w.wait_for(Stream::Err, "fixed: the results are up to date again");

    // A misspelt metric in the script: its line and column, and a hint.
    w.write(
        "scripts/my.rhai",
        &SCRIPT.replace("saves / reach", "saves / reahc"),
    );
    let at = w.wait_for(
        Stream::Err,
        "error: scripts/my.rhai:4:13: unknown name `reahc`",
    );
    w.wait_from(Stream::Err, "4 |     saves / reahc * 100", at);
    w.wait_from(Stream::Err, "  |             ^^^^^", at);
    w.wait_from(Stream::Err, "did you mean `reach`?", at);
    w.wait_from(Stream::Err, "kept the last good results (from ", at);

    // A script that divides saves by engagements now: 26 / 100 × 100 = 26%.
    w.write(
        "scripts/my.rhai",
        &SCRIPT.replace("saves / reach", "saves / (likes + comments + shares)"),
    );
    w.wait_for(
        Stream::Out,
        "pass    saves       2026-10  26% meets the target >= 2%",
    );
    w.wait_for(Stream::Err, "fixed: the results are up to date again");

    let (code, log) = w.stop(libc::SIGTERM);
    assert_eq!(code, 0, "{log}");
}

#[test]
fn an_output_file_in_the_workspace_does_not_loop_and_keeps_its_last_good_content() {
    let mut w = Watch::start(&["watch", "check", "--format", "json", "-o", "out.json"]);
    w.wait_for(
        Stream::Err,
        "wrote out.json: 2 goals: 2 pass, 0 warn, 0 fail, 0 no data",
    );
    w.wait_for(Stream::Err, "watching");
    let first = std::fs::read_to_string(w.path("out.json")).expect("out.json");
    let json: serde_json::Value = serde_json::from_str(&first).expect("json");
    assert_eq!(json["goals"][0]["value"], 4.0);
    assert_eq!(json["goals"][0]["status"], "pass");

    // Editor and office leftovers beside the data are not inputs.
    for junk in [
        "data/.posts.csv.swp",
        "data/posts.csv~",
        "data/#posts.csv#",
        "data/posts.csv.crdownload",
        ".kpiscope.toml.swp",
    ] {
        w.write(junk, "junk");
    }
    // Several quiet periods, for a loop or a junk file to show itself.
    std::thread::sleep(Duration::from_millis(1500));
    w.drain();
    assert_eq!(w.reruns(), Vec::<&str>::new(), "{}", w.log());

    // A broken config: the file keeps the last good results.
    w.write("kpiscope.toml", &format!("{CONFIG}colour = 3\n"));
    let at = w.wait_for(Stream::Err, "error: kpiscope.toml:20:1");
    w.wait_from(
        Stream::Err,
        "out.json keeps the last good results (from ",
        at,
    );
    assert_eq!(std::fs::read_to_string(w.path("out.json")).unwrap(), first);

    // Fixed, with new data: one good run writes the new values.
    w.write("data/posts.csv", &posts(20));
    w.write("kpiscope.toml", CONFIG);
    w.wait_for(
        Stream::Err,
        "wrote out.json: 2 goals: 1 pass, 0 warn, 1 fail, 0 no data",
    );
    w.wait_for(Stream::Err, "fixed: the results are up to date again");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("out.json")).unwrap()).unwrap();
    assert_eq!(json["goals"][0]["status"], "fail");
    assert!((json["goals"][0]["value"].as_f64().unwrap() - 2.72).abs() < 1e-9);

    std::thread::sleep(Duration::from_millis(1000));
    w.drain();
    // Two runs after the first, each caused by the inputs, none by out.json
    // or its temporary file; nothing but the JSON's summary on stdout.
    let reruns = w.reruns();
    assert_eq!(reruns.len(), 2, "{}", w.log());
    assert!(
        reruns.iter().all(|l| !l.contains("out.json")),
        "{}",
        w.log()
    );
    assert_eq!(w.count(Stream::Out, ""), 0, "{}", w.log());
    // No temporary file left behind.
    let left: Vec<_> = std::fs::read_dir(w.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp"))
        .collect();
    assert_eq!(left, Vec::<String>::new());

    let (code, log) = w.stop(libc::SIGINT);
    assert_eq!(code, 1, "the last run failed a goal:\n{log}");
}

#[test]
fn ctrl_c_exits_with_the_last_runs_code() {
    // A failing goal: 1.
    let mut w = Watch::start(&["watch"]);
    w.wait_for(Stream::Out, "2 goals");
    w.write("data/posts.csv", &posts(20));
    w.wait_for(Stream::Out, "1 fail");
    let (code, log) = w.stop(libc::SIGINT);
    assert_eq!(code, 1, "{log}");

    // A last run that could not be done: 2, and it says why.
    let mut w = Watch::start(&["watch"]);
    w.wait_for(Stream::Out, "2 goals");
    w.write("kpiscope.toml", "[workspace\n");
    w.wait_for(Stream::Err, "watching for a fix");
    let (code, log) = w.stop(libc::SIGINT);
    assert_eq!(code, 2, "{log}");
    assert!(
        log.contains("error: watch stopped while the last run could not be done"),
        "{log}"
    );
}

#[test]
fn quiet_prints_only_errors_and_changes_of_state() {
    let mut w = Watch::start(&["-q", "watch"]);
    w.wait_for(Stream::Err, "2 goals: 2 pass, 0 warn, 0 fail, 0 no data");
    w.write("data/posts.csv", &posts(20));
    w.wait_for(
        Stream::Err,
        "engagement: pass → fail: 2.72% is 1.28 below the target 4%",
    );
    let (code, log) = w.stop(libc::SIGINT);
    assert_eq!(code, 1, "{log}");
    // No table, no progress lines, and `saves`, unchanged, is not mentioned.
    assert!(!log.contains("out|"), "{log}");
    assert!(
        !log.contains("re-checking") && !log.contains("saves"),
        "{log}"
    );
}

#[test]
fn report_is_rewritten_on_changes() {
    let mut w = Watch::start(&["watch", "report", "--period", "2026-10", "-o", "report.md"]);
    w.wait_for(Stream::Err, "wrote report.md");
    w.write("data/posts.csv", &posts(20));
    w.wait_for(Stream::Err, "data/posts.csv changed: re-writing the report");
    w.wait_for(Stream::Err, "wrote report.md");
    assert!(Path::new(&w.path("report.md")).is_file());
    let (code, log) = w.stop(libc::SIGINT);
    assert!(code == 0 || code == 1, "{log}");
}

#[test]
fn each_run_that_changes_a_status_sends_its_alert() {
    let http = crate::servers::Http::start();
    let config = format!(
        "{CONFIG}\n[[notify]]\nwebhook = \"{}\"\n",
        http.url("/watch")
    );
    let mut w = Watch::start_with(&["watch"], &config);
    w.wait_for(Stream::Err, "watching kpiscope.toml, scripts/, data/*.csv");
    // The first run has nothing to compare with.
    assert!(http.requests().is_empty());

    w.write("data/posts.csv", &posts(20));
    w.wait_for(Stream::Err, "sent alert to `json`");
    let reqs = http.requests();
    assert_eq!(reqs.len(), 1);
    let body = reqs[0].json();
    assert_eq!(body["summary"], "kpiscope: 1 goal changed in Watch test");
    assert_eq!(body["changes"][0]["kind"], "new_failure");
    assert_eq!(body["changes"][0]["goal"], "engagement");
    assert_eq!(body["run"], 2);

    let (code, log) = w.stop(libc::SIGTERM);
    assert_eq!(code, 1, "the last run failed:\n{log}");
    assert_eq!(http.requests().len(), 1, "{log}");
}
