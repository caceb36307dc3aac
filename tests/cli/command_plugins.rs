//! Command plugins that misbehave (issue 10): a child left holding the
//! pipes, output without end, lines that are no records, and a workspace
//! named by a relative path.

use std::time::{Duration, Instant};

use crate::harness::{Output, Test, assert_close};

fn manifest(run: &str, timeout: &str) -> String {
    format!(
        "name = \"gamma\"\ntitle = \"Gamma\"\napi = 1\nkind = \"command\"\nnetwork = \"gamma\"\n\n[command]\nrun = {run}\ntimeout = {timeout}\n"
    )
}

const CONFIG: &str =
    "[workspace]\nname = \"t\"\ntimezone = \"UTC\"\n\n[[source]]\nplugin = \"gamma\"\n";

/// A workspace whose one source is the command `run` with `script` as
/// `plugins/gamma/fetch.sh` (or `.py`).
fn command(script_name: &str, script: &str, run: &str, timeout: &str) -> Test {
    Test::new()
        .file("kpiscope.toml", CONFIG)
        .file("plugins/gamma/plugin.toml", &manifest(run, timeout))
        .file(&format!("plugins/gamma/{script_name}"), script)
}

/// A workspace whose one source is `python3 fetch.py`, with `script`.
fn python(script: &str) -> Test {
    command("fetch.py", script, "[\"python3\", \"fetch.py\"]", "60")
}

fn eval(t: Test) -> Output {
    t.args(&["eval", "--kpi", "followers", "--format", "json"])
        .run()
}

/// Whether process `pid` still runs (a zombie counts as gone) two seconds
/// after the run: a killed process may take a moment to go on a loaded
/// machine.
fn alive(pid: &str) -> bool {
    let runs = || {
        std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
            .is_ok_and(|s| !s.split(") ").nth(1).is_some_and(|r| r.starts_with('Z')))
    };
    let end = Instant::now() + Duration::from_secs(2);
    while runs() {
        if Instant::now() > end {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[cfg(target_os = "linux")]
#[test]
fn a_child_that_keeps_the_pipes_open_is_stopped_at_the_time_limit() {
    // The program exits at once; what it left in the background holds
    // stdout open for a minute, which kept the run waiting for it.
    let script = "sleep 60 &\necho $! > child.pid\necho '{\"date\": \"2026-03-01\", \"metrics\": {\"followers\": 10}}'\n";
    let started = Instant::now();
    let out = eval(command("fetch.sh", script, "[\"sh\", \"fetch.sh\"]", "1"));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    out.fails_with("error: plugin `gamma`: `sh fetch.sh` ran past its time limit of 1 s and was stopped, with what it started");
    let pid = out.read("child.pid");
    assert!(!alive(&pid), "the background child {pid} outlived the run");
}

#[cfg(target_os = "linux")]
#[test]
fn a_program_past_its_time_limit_is_stopped_with_its_children() {
    let script = "sleep 60 &\necho $! > child.pid\nwait\n";
    let started = Instant::now();
    let out = eval(command("fetch.sh", script, "[\"sh\", \"fetch.sh\"]", "0.5"));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    out.fails_with("ran past its time limit of 0.5 s");
    let pid = out.read("child.pid");
    assert!(!alive(&pid), "the child {pid} outlived the run");
}

#[test]
fn output_past_the_limit_is_stopped_with_a_message() {
    // 257 lines of 1 MiB of spaces: blank lines, so only their size counts
    // (MAX_COMMAND_OUTPUT is 256 MiB). Before, all of it was held, and
    // 10 GB of records took the machine's memory.
    let script = "import sys\nline = ' ' * ((1 << 20) - 1) + '\\n'\nfor _ in range(257):\n    sys.stdout.write(line)\n";
    let out = eval(python(script));
    out.fails_with("error: plugin `gamma`: `python3 fetch.py` printed more than 256 MiB on stdout and was stopped");
}

#[test]
fn a_line_past_the_limit_names_its_line() {
    let script = "import sys\nprint('{\"date\": \"2026-03-01\", \"metrics\": {\"followers\": 10}}')\nsys.stdout.write('x' * (2 << 20))\n";
    let out = eval(python(script));
    out.fails_with("error: plugin `gamma`: `python3 fetch.py` output line 2: longer than 1024 KiB, which is no record");
    // The message does not echo the line.
    assert!(out.stderr.len() < 1000, "{}", out.stderr.len());
}

#[test]
fn a_line_that_is_not_utf8_names_its_line() {
    let script = "import sys\nsys.stdout.buffer.write(b'{\"date\": \"2026-03-01\", \"metrics\": {\"followers\": 10}}\\n\\n{\"date\": \"caf\\xe9\"}\\n')\n";
    let out = eval(python(script));
    out.fails_with("error: plugin `gamma`: `python3 fetch.py` output line 3: not UTF-8 text (byte 0xe9 at column 14)");
}

#[test]
fn a_line_that_is_not_json_names_its_line() {
    let script = "print('{\"date\": \"2026-03-01\", \"metrics\": {\"followers\": 10}}')\nprint('debug: here')\n";
    let out = eval(python(script));
    out.fails_with("error: plugin `gamma`: `python3 fetch.py` output line 2: invalid JSON (expected value at line 1 column 1): `debug: here`");
}

#[test]
fn a_relative_workspace_runs_command_plugins() {
    // The plugin reads the source's file: both the program's path and the
    // file's were relative to where kpiscope started, not to the workspace
    // the program runs in.
    let script = "import json, os, sys\nn = int(open(os.environ['KPISCOPE_FILE']).read())\nassert os.path.isabs(sys.argv[1])\nprint(json.dumps({'date': '2026-03-31', 'metrics': {'followers': n}}))\n";
    let out = Test::new()
        .file(
            "ws/kpiscope.toml",
            &format!("{CONFIG}path = \"exports/*.txt\"\n"),
        )
        .file(
            "ws/plugins/gamma/plugin.toml",
            &manifest("[\"python3\", \"fetch.py\"]", "60"),
        )
        .file("ws/plugins/gamma/fetch.py", script)
        .file("ws/exports/followers.txt", "42")
        .current_dir("elsewhere")
        .args(&[
            "--workspace",
            "../ws",
            "eval",
            "--kpi",
            "followers",
            "--format",
            "json",
        ])
        .run();
    out.status(0);
    assert_close(
        out.value("followers", "2026-03", None).expect("a value"),
        42.0,
    );
}

#[test]
fn stderr_that_is_not_utf8_is_shown_and_does_not_stall_the_program() {
    // 256 KiB of cp1252 on stderr, more than a pipe holds: the reading
    // stopped at the first bad byte and closed the pipe, and the program
    // died of a broken pipe (the run failed for a message it logged).
    let script = "import sys\nfor _ in range(32768):\n    sys.stderr.buffer.write(b'caf\\xe9 \\n')\nprint('{\"date\": \"2026-03-01\", \"metrics\": {\"followers\": 10}}')\n";
    let out = eval(command(
        "fetch.py",
        script,
        "[\"python3\", \"fetch.py\"]",
        "20",
    ));
    out.status(0);
    assert!(
        out.stderr.starts_with("gamma: caf\u{FFFD} \n"),
        "{}",
        &out.stderr[..200.min(out.stderr.len())]
    );
    assert_close(
        out.value("followers", "2026-03", None).expect("a value"),
        10.0,
    );
}
