//! `kind = "command"`: any program that prints one record map per line as
//! JSON. It runs in the workspace folder with the source's settings in
//! `KPISCOPE_SETTINGS`; its stderr is shown; a non-zero exit, a line that is
//! not a record, or running past its time limit stops the run.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Instant;

use super::context::FileCtx;
use super::decode::value::NumberStyle;
use super::registry::Origin;
use super::{Plugin, emit::from_json};
use crate::error::{Error, Result};
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
        .current_dir(&ctx.root)
        .env(
            "KPISCOPE_SETTINGS",
            super::script::toml_to_json(&ctx.settings).to_string(),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(tz) = ctx.timezone.iana_name() {
        cmd.env("KPISCOPE_TIMEZONE", tz);
    }
    if let Some(a) = &ctx.account {
        cmd.env("KPISCOPE_ACCOUNT", a);
    }
    if let Some(p) = &ctx.path {
        cmd.arg(p).env("KPISCOPE_FILE", p);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| fail(format!("cannot run `{shown}`: {e}")))?;
    let mut stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    let out_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let r = stdout.read_to_string(&mut s);
        r.map(|_| s)
    });
    let label = name.clone();
    let err_thread = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
            eprintln!("{label}: {line}");
        }
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > spec.timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(format!(
                    "`{shown}` ran past its time limit of {} s and was stopped (raise `timeout` in [command])",
                    spec.timeout.as_secs_f64()
                )));
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(10)),
            Err(e) => return Err(fail(format!("waiting for `{shown}`: {e}"))),
        }
    };
    let _ = err_thread.join();
    let output = out_thread
        .join()
        .ok()
        .and_then(|r| r.ok())
        .ok_or_else(|| fail(format!("`{shown}` printed output that is not UTF-8 text")))?;
    if !status.success() {
        return Err(fail(format!("`{shown}` failed ({status})")));
    }
    let mut records = Vec::new();
    for (i, line) in output.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = |message: String| fail(format!("`{shown}` output line {}: {message}", i + 1));
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| {
            let shown: String = line.chars().take(80).collect();
            at(format!(
                "invalid JSON ({e}): `{shown}`; print one record per line on stdout, and logs on stderr"
            ))
        })?;
        let r = from_json(&v, NumberStyle::default(), ctx)
            .map_err(|e| at(format!("not a record: {e}")))?;
        records.push(r);
    }
    Ok(records)
}
