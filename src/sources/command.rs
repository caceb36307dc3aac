//! `kind = "command"`: any program that prints one record map per line as
//! JSON. It runs in the workspace folder with the source's settings in
//! `KPISCOPE_SETTINGS`; its stderr is shown; a non-zero exit, a line that is
//! not a record, too much output, or running past its time limit stops the
//! run, and with it every process the program started.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::context::FileCtx;
use super::decode::value::NumberStyle;
use super::registry::Origin;
use super::{Plugin, emit::from_json};
use crate::error::{Error, Result};
use crate::limits::{MAX_COMMAND_LINE, MAX_COMMAND_OUTPUT};
use crate::records::Record;

pub fn run(plugin: &Plugin, ctx: &FileCtx) -> Result<Vec<Record>> {
    let m = &plugin.manifest;
    let name = &m.name;
    // Name the file the program was reading, if any, as well as the plugin.
    let place = match &ctx.path {
        Some(_) => format!("{} (plugin `{name}`)", ctx.shown),
        None => format!("plugin `{name}`"),
    };
    let fail = |message: String| Error::Data {
        file: place.clone(),
        line: 0,
        message,
    };
    let Some(spec) = &m.command else {
        return Err(fail("the manifest has no [command]".into()));
    };
    let Origin::Workspace { dir, .. } = &plugin.origin else {
        return Err(fail(
            "command plugins run from a workspace's plugins/ folder".into(),
        ));
    };
    // The program runs in the workspace folder: paths relative to where
    // kpiscope was started (`--workspace ../ws`) would name nothing there.
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let dir = absolute(dir);
    let args: Vec<String> = spec
        .run
        .iter()
        .map(|a| {
            let p = dir.join(a);
            if p.exists() {
                p.display().to_string()
            } else {
                a.clone()
            }
        })
        .collect();
    let shown = spec.run.join(" ");
    let mut cmd = Command::new(&args[0]);
    cmd.args(&args[1..])
        .current_dir(absolute(&ctx.root))
        .env(
            "KPISCOPE_SETTINGS",
            super::script::toml_to_json(&ctx.settings).to_string(),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // A group of its own, so that the time limit stops what the program
    // started too: a child left holding the pipes kept the run waiting.
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    if let Some(tz) = ctx.timezone.iana_name() {
        cmd.env("KPISCOPE_TIMEZONE", tz);
    }
    if let Some(a) = &ctx.account {
        cmd.env("KPISCOPE_ACCOUNT", a);
    }
    if let Some(p) = &ctx.path {
        let p = absolute(p);
        cmd.arg(&p).env("KPISCOPE_FILE", &p);
    }
    let child = cmd
        .spawn()
        .map_err(|e| fail(format!("cannot run `{shown}`: {e}")))?;
    let mut child = Running::new(child);
    let deadline = Instant::now() + spec.timeout;
    let timed_out = || {
        fail(format!(
            "`{shown}` ran past its time limit of {} s and was stopped, with what it started (raise `timeout` in [command])",
            spec.timeout.as_secs_f64()
        ))
    };
    let stdout = child.child.stdout.take().expect("piped stdout");
    let stderr = child.child.stderr.take().expect("piped stderr");
    let lines = read_lines(stdout);
    let label = name.clone();
    let (err_done, err_finished) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        show_stderr(stderr, &label);
        let _ = err_done.send(());
    });

    // Records are made as lines come, so that output is never held whole;
    // they are kept until the program has exited well.
    let mut records = Vec::new();
    let mut number = 0;
    loop {
        // Checked before each line too: a program printing faster than it
        // is read always has a line waiting.
        let remaining = deadline.saturating_duration_since(Instant::now());
        let next = match remaining.is_zero() {
            true => Err(RecvTimeoutError::Timeout),
            false => lines.recv_timeout(remaining),
        };
        let line = match next {
            Ok(Line::Text(bytes)) => bytes,
            Ok(Line::End) | Err(RecvTimeoutError::Disconnected) => break,
            Ok(Line::Failed(e)) => {
                child.stop();
                return Err(fail(format!("reading the output of `{shown}`: {e}")));
            }
            Ok(Line::TooLong) => {
                child.stop();
                return Err(fail(format!(
                    "`{shown}` output line {}: longer than {} KiB, which is no record; print one record per line on stdout, and logs on stderr",
                    number + 1,
                    MAX_COMMAND_LINE >> 10
                )));
            }
            Ok(Line::TooMuch) => {
                child.stop();
                return Err(fail(format!(
                    "`{shown}` printed more than {} MiB on stdout and was stopped: the most a command may print in a run",
                    MAX_COMMAND_OUTPUT >> 20
                )));
            }
            Err(RecvTimeoutError::Timeout) => {
                child.stop();
                return Err(timed_out());
            }
        };
        number += 1;
        match record(&line, ctx) {
            Ok(Some(mut r)) => {
                r.line = number;
                records.push(r)
            }
            Ok(None) => {}
            Err(message) => {
                child.stop();
                return Err(fail(format!("`{shown}` output line {number}: {message}")));
            }
        }
    }
    // Its output is closed: wait for it to exit, within the same limit.
    let status = loop {
        match child.exited() {
            Ok(true) => break Ok(()),
            Ok(false) if Instant::now() >= deadline => break Err(timed_out()),
            Ok(false) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => break Err(fail(format!("waiting for `{shown}`: {e}"))),
        }
    };
    // Whatever it left running in its group goes with it: nothing of a
    // plugin outlives its run. (Killed before the program is reaped, so the
    // group's id cannot belong to anyone else yet.)
    let status = status.and_then(|()| {
        child.kill_group();
        child
            .reap()
            .map_err(|e| fail(format!("waiting for `{shown}`: {e}")))
    });
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            child.stop();
            return Err(e);
        }
    };
    // Its last messages, unless a process that escaped the group holds
    // stderr open: then the run does not wait for it.
    let _ = err_finished.recv_timeout(Duration::from_secs(1));
    if !status.success() {
        return Err(fail(format!("`{shown}` failed ({status})")));
    }
    Ok(records)
}

/// Shows the program's stderr line by line, with its name in front. Read to
/// the end whatever it holds: a line that is not UTF-8 is shown lossily (it
/// stopped the reading and closed the pipe, and the program died of a
/// broken pipe), and a line without end is cut at MAX_COMMAND_LINE.
fn show_stderr(stderr: impl Read, label: &str) {
    let mut reader = BufReader::new(stderr);
    let mut line = Vec::new();
    loop {
        line.clear();
        let limit = MAX_COMMAND_LINE as u64;
        match (&mut reader).take(limit).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let cut = line.len() as u64 == limit && line.last() != Some(&b'\n');
        if cut {
            // The rest of the long line, not shown.
            loop {
                let mut rest = Vec::new();
                match (&mut reader).take(limit).read_until(b'\n', &mut rest) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if rest.last() == Some(&b'\n') => break,
                    Ok(_) => {}
                }
            }
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        say!("{label}: {text}{}", if cut { " [cut]" } else { "" });
    }
}

/// One line of the program's stdout, without its line ending, or why
/// reading stopped.
enum Line {
    Text(Vec<u8>),
    End,
    TooLong,
    TooMuch,
    Failed(std::io::Error),
}

/// Reads `out` line by line on a thread of its own, so that the caller can
/// stop waiting at the time limit; a bounded channel keeps the reader at
/// most a few lines ahead, and the limits hold a line and the whole output.
fn read_lines(out: impl Read + Send + 'static) -> mpsc::Receiver<Line> {
    let (tx, rx) = mpsc::sync_channel(256);
    std::thread::spawn(move || {
        let mut reader = BufReader::with_capacity(64 << 10, out);
        let mut total: u64 = 0;
        loop {
            let mut line = Vec::new();
            // One byte past the limit tells a line of exactly the limit from
            // a longer one.
            let limit = MAX_COMMAND_LINE as u64 + 2;
            let read = (&mut reader).take(limit).read_until(b'\n', &mut line);
            let message = match read {
                Ok(0) => Line::End,
                Ok(n) => {
                    total += n as u64;
                    if total > MAX_COMMAND_OUTPUT {
                        Line::TooMuch
                    } else {
                        if line.last() == Some(&b'\n') {
                            line.pop();
                        }
                        if line.last() == Some(&b'\r') {
                            line.pop();
                        }
                        if line.len() > MAX_COMMAND_LINE {
                            Line::TooLong
                        } else {
                            Line::Text(line)
                        }
                    }
                }
                Err(e) => Line::Failed(e),
            };
            let last = !matches!(message, Line::Text(_));
            if tx.send(message).is_err() || last {
                return;
            }
        }
    });
    rx
}

/// The record of one output line; `None` for a blank line.
fn record(line: &[u8], ctx: &FileCtx) -> std::result::Result<Option<Record>, String> {
    let text = std::str::from_utf8(line).map_err(|e| {
        let at = e.valid_up_to();
        format!(
            "not UTF-8 text (byte 0x{:02x} at column {}); print records as UTF-8 JSON",
            line[at],
            at + 1
        )
    })?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let shown: String = text.chars().take(80).collect();
        format!(
            "invalid JSON ({e}): `{shown}`; print one record per line on stdout, and logs on stderr"
        )
    })?;
    from_json(&v, NumberStyle::default(), ctx)
        .map(Some)
        .map_err(|e| format!("not a record: {e}"))
}

/// A running program and its process group.
struct Running {
    child: Child,
    /// Kills the group on Ctrl-C: in a group of its own, the program no
    /// longer gets the terminal's signal. Released before the program is
    /// reaped, after which the group's id may be another's.
    guard: Option<crate::interrupt::GroupGuard>,
}

impl Running {
    fn new(child: Child) -> Running {
        let guard = Some(crate::interrupt::GroupGuard::new(child.id()));
        Running { child, guard }
    }

    /// Whether the program has exited, leaving it unreaped so that its
    /// process group keeps its id until [`Running::kill_group`].
    fn exited(&mut self) -> std::io::Result<bool> {
        crate::interrupt::exited_unreaped(&mut self.child)
    }

    /// Kills the program's whole process group: what it started too.
    fn kill_group(&mut self) {
        #[cfg(unix)]
        // SAFETY: kill only sends a signal; the group is the program's own
        // (started with `process_group(0)`, and not reaped yet).
        unsafe {
            libc::kill(-(self.child.id() as libc::pid_t), libc::SIGKILL);
        }
        #[cfg(not(unix))]
        let _ = self.child.kill();
    }

    fn reap(&mut self) -> std::io::Result<std::process::ExitStatus> {
        self.guard = None;
        self.child.wait()
    }

    /// Stops the program and all it started, and reaps it.
    fn stop(&mut self) {
        self.kill_group();
        let _ = self.child.kill();
        let _ = self.reap();
    }
}
