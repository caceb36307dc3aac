//! Output under faults (issue 10): a full disk on stdout, a closed pipe,
//! Ctrl-C while `-o FILE` is written or a command plugin runs, and CSV cells
//! a spreadsheet would run as formulas.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Test, workspace};

const CONFIG: &str = "[workspace]\nname = \"t\"\ntimezone = \"UTC\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"data/*.csv\"\n\n[[goal]]\nkpi = \"reach\"\ntarget = \">= 0\"\n";
const DATA: &str = "date,network,account,reach\n2026-01-05,instagram,acme,100\n";

fn kpiscope(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kpiscope"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// Runs with stdout on /dev/full, a disk with no room left.
#[cfg(target_os = "linux")]
fn to_full_disk(dir: &Path, args: &[&str]) -> (i32, String) {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = kpiscope(dir, args)
        .stdout(full)
        .output()
        .expect("run kpiscope");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// stderr on a full disk or closed: the warnings, notes and errors that
/// cannot be written are dropped, and the run goes on to its results and
/// its exit code (`eprintln!` panicked, exit 101).
#[cfg(target_os = "linux")]
#[test]
fn stderr_full_or_closed_changes_nothing_else() {
    // A row dated 1989 warns; the check passes; -v notes every file.
    let data =
        "date,network,account,reach\n1989-12-31,instagram,acme,1\n2026-01-05,instagram,acme,100\n";
    let dir = workspace(&[("kpiscope.toml", CONFIG), ("data/a.csv", data)]);
    for closed in [false, true] {
        let mut cmd = kpiscope(&dir, &["-v", "eval", "--kpi", "reach", "--grain", "all"]);
        let out = if closed {
            // A pipe whose reader is gone: every write fails (EPIPE).
            let mut child = cmd
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("run kpiscope");
            drop(child.stderr.take());
            child.wait_with_output().expect("wait")
        } else {
            let full = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .expect("/dev/full");
            cmd.stderr(full).output().expect("run kpiscope")
        };
        assert_eq!(out.status.code(), Some(0), "closed: {closed}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("reach  all     101"), "{stdout}");
        // An error still gives its exit code with nowhere to print it.
        let out = kpiscope(&dir, &["eval", "--kpi", "nope"])
            .stderr(Stdio::from(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .expect("/dev/full"),
            ))
            .output()
            .expect("run kpiscope");
        assert_eq!(out.status.code(), Some(2));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn stdout_on_a_full_disk_is_an_error() {
    // Exit 0 with truncated JSON before; `validate` and `list` print with
    // println!, which panicked.
    let dir = workspace(&[("kpiscope.toml", CONFIG), ("data/a.csv", DATA)]);
    for args in [
        &["eval", "--kpi", "reach", "--format", "json"][..],
        &["check", "--format", "csv"],
        &["validate"],
        &["list", "kpis"],
    ] {
        let (code, err) = to_full_disk(&dir, args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(
            err,
            "error: cannot write the output to stdout: No space left on device (os error 28); what was written is incomplete\n",
            "{args:?}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn o_on_a_device_writes_to_it_and_reports_its_error() {
    let dir = workspace(&[("kpiscope.toml", CONFIG), ("data/a.csv", DATA)]);
    let out = kpiscope(&dir, &["eval", "--kpi", "reach", "-o", "/dev/full"])
        .output()
        .expect("run kpiscope");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: cannot write the output to /dev/full: No space left on device (os error 28); what was written is incomplete\n"
    );
    // Written to, not renamed over: the device is still there.
    use std::os::unix::fs::FileTypeExt;
    let meta = std::fs::metadata("/dev/full").expect("/dev/full");
    assert!(meta.file_type().is_char_device());
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_is_not_an_error() {
    let dir = workspace(&[("kpiscope.toml", CONFIG), ("data/a.csv", DATA)]);
    // A reader that has gone (`| head -c 0`): the rest is not wanted.
    let mut child = kpiscope(&dir, &["validate"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kpiscope");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// Sends SIGINT to `child` once `ready` is true, as Ctrl-C would.
#[cfg(unix)]
fn interrupt_when(child: &mut Child, mut ready: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ready() {
        if child.try_wait().expect("wait").is_some() {
            panic!("kpiscope ended before the moment to interrupt it came");
        }
        assert!(started.elapsed() < Duration::from_secs(60), "never ready");
        std::thread::sleep(Duration::from_millis(1));
    }
    // SAFETY: kill only sends a signal to our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_o_is_written_leaves_no_temporary_file() {
    // 100,000 posts by day: a few MB of CSV, written for long enough to be
    // interrupted in the middle.
    let mut data = String::from("date,network,account,post,reach\n");
    for i in 0..100_000 {
        data.push_str(&format!(
            "2026-{:02}-{:02},instagram,acme,p{i},{i}\n",
            1 + i % 12,
            1 + i % 28
        ));
    }
    let dir = workspace(&[("kpiscope.toml", CONFIG), ("data/a.csv", &data)]);
    let temporary = |dir: &Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .expect("list")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".tmp"))
            .collect()
    };
    let mut child = kpiscope(
        &dir,
        &[
            "eval", "--kpi", "reach", "--by", "post", "--grain", "day", "--format", "csv", "-o",
            "out.csv",
        ],
    )
    .stderr(Stdio::null())
    .spawn()
    .expect("run kpiscope");
    interrupt_when(&mut child, || !temporary(&dir).is_empty());
    let status = child.wait().expect("wait");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status:?}");
    assert_eq!(temporary(&dir), Vec::<String>::new());
    assert!(!dir.join("out.csv").exists());
}

#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_while_a_command_plugin_runs_stops_it_and_what_it_started() {
    // In a process group of its own, the plugin no longer gets the
    // terminal's Ctrl-C: kpiscope passes it on.
    let manifest = "name = \"gamma\"\ntitle = \"Gamma\"\napi = 1\nkind = \"command\"\nnetwork = \"gamma\"\n\n[command]\nrun = [\"sh\", \"fetch.sh\"]\ntimeout = 60\n";
    let dir = workspace(&[
        (
            "kpiscope.toml",
            "[workspace]\nname = \"t\"\n\n[[source]]\nplugin = \"gamma\"\n",
        ),
        ("plugins/gamma/plugin.toml", manifest),
        (
            "plugins/gamma/fetch.sh",
            "sleep 60 &\necho $! > child.tmp\nmv child.tmp child.pid\nwait\n",
        ),
    ]);
    let mut child = kpiscope(&dir, &["eval", "--kpi", "followers"])
        .stderr(Stdio::null())
        .spawn()
        .expect("run kpiscope");
    let pid_file = dir.join("child.pid");
    interrupt_when(&mut child, || pid_file.exists());
    child.wait().expect("wait");
    let pid = std::fs::read_to_string(&pid_file).expect("pid");
    // Killed, not only sent the signal: gone within a moment.
    let started = Instant::now();
    let alive = |pid: &str| {
        std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
            .is_ok_and(|s| !s.split(") ").nth(1).is_some_and(|r| r.starts_with('Z')))
    };
    while alive(&pid) && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!alive(&pid), "the plugin's child {pid} outlived Ctrl-C");
}

#[test]
fn csv_cells_that_would_run_as_formulas_are_text() {
    let config = "[workspace]\nname = \"t\"\ntimezone = \"UTC\"\n\n[metrics]\ndelta = \"sum\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\"\n\n[[goal]]\nid = \"g\"\nkpi = \"delta\"\ntitle = \"=HYPERLINK(\\\"http://evil.example\\\",\\\"click\\\")\"\ntarget = \">= 0\"\n";
    let data = "date,network,account,dim.campaign,delta\n2026-01-05,instagram,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",@SUM(A1),-12.5\n2026-01-06,instagram,acme,+33 6 12,3\n";
    let out = Test::new()
        .file("kpiscope.toml", config)
        .file("data.csv", data)
        .args(&[
            "eval",
            "--kpi",
            "delta",
            "--by",
            "account,campaign",
            "--format",
            "csv",
        ])
        .run();
    out.status(0);
    // Text gets a leading `'`; the number -12.5 stays a number.
    assert_eq!(
        out.stdout,
        "kpi,network,account,campaign,period,start,end,value,unit,reason\n\
         delta,,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",'@SUM(A1),2026-01,2026-01-01,2026-01-31,-12.5,count,\n\
         delta,,acme,'+33 6 12,2026-01,2026-01-01,2026-01-31,3,count,\n"
    );
    let out = Test::new()
        .file("kpiscope.toml", config)
        .file("data.csv", data)
        .args(&["check", "--format", "csv"])
        .run();
    let title = out
        .stdout
        .lines()
        .nth(1)
        .expect("a goal")
        .split(",,")
        .next();
    assert_eq!(
        title,
        Some("g,delta,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""),
        "{}",
        out.stdout
    );
}

#[cfg(target_os = "linux")]
#[test]
fn an_io_error_says_its_cause_once() {
    // `-o` naming a folder: the rename fails. The cause was printed twice.
    let dir = workspace(&[
        ("kpiscope.toml", CONFIG),
        ("data/a.csv", DATA),
        ("out/x", ""),
    ]);
    let out = kpiscope(&dir, &["eval", "--kpi", "reach", "-o", "out"])
        .output()
        .expect("run kpiscope");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: out: Is a directory (os error 21)\n"
    );
}
