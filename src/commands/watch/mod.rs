//! `kpiscope watch`: runs `check` (or `report`) at once, then again whenever
//! the workspace's data, scripts, plugins, tests or config change.
//!
//! - Each run opens the whole session again, since any input may have
//!   changed, and starts once the files have been quiet for [`QUIET`]
//!   and those written to are closed (see `Writing`): editors and
//!   downloads write a file in several steps.
//! - A run that fails (a broken config, script, plugin or export) prints its
//!   error as the plain command does, with file:line:col and a caret, and
//!   keeps the last good results: on screen, and in the `-o` file, which is
//!   written only by a run that succeeded. The next good run says so.
//! - Ctrl-C or SIGTERM ends the watch between two runs (see `signals`).
//!   The exit code is that of the last finished run, as for `check`: 0 its
//!   goals passed, 1 one failed, 2 it could not be done. A script that stops
//!   the watch thus learns the state it left the workspace in.
//!
//! Progress lines (`[10:42:03] data/x.csv changed: re-checking`) go to
//! stderr, the results to stdout or the `-o` file. On a terminal the screen
//! is cleared before each good `check` table; never when stdout is a pipe or
//! a file.

mod paths;
mod signals;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::{check, report};
use crate::Outcome;
use crate::cli::{CheckArgs, Cli, Command, ReportArgs, WatchWhat};
use crate::error::{Error, Result};
use crate::goals::Status;
use crate::render::table::Style;
use crate::session::Session;
use crate::workspace::discover;
use paths::{Plan, Watches};

/// How long the files must stay quiet before a run starts.
const QUIET: Duration = Duration::from_millis(300);

/// What reaches the main loop: a file event, or Ctrl-C / SIGTERM.
enum Msg {
    Fs(notify::Result<notify::Event>),
    Stop,
}

#[derive(Clone, Copy)]
enum Job<'a> {
    Check(&'a CheckArgs),
    Report(&'a ReportArgs),
}

pub fn run(cli: &Cli, what: &WatchWhat, style: Style) -> Result<Outcome> {
    // Before anything else: threads started from here on inherit the mask.
    let blocked = signals::block()?;
    let job = match what {
        WatchWhat::Check(args) => Job::Check(args),
        WatchWhat::Report(args) => Job::Report(args),
    };
    // Without a workspace there is nothing to watch: that ends at once.
    let root = discover::find(cli.workspace.as_deref())?;

    let (tx, rx) = mpsc::channel();
    let stop = tx.clone();
    signals::forward(blocked, move || {
        let _ = stop.send(Msg::Stop);
    });
    let watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(Msg::Fs(event));
    })
    .map_err(|e| Error::usage(format!("cannot watch the workspace's files: {e}")))?;

    let mut w = Watcher::new(cli, &root, job, style, watcher);
    w.run_once(&[], true);
    while let Some(changed) = next_change(&rx, &w.plan) {
        w.run_once(&changed, false);
    }
    w.finish()
}

/// Waits for relevant changes and for [`QUIET`] after the last one, and
/// for every file being written to be closed (see [`Writing`]); `None`
/// when the watch is to stop.
fn next_change(rx: &Receiver<Msg>, plan: &Plan) -> Option<Vec<PathBuf>> {
    let mut changed: Vec<PathBuf> = Vec::new();
    let mut deadline: Option<Instant> = None;
    let mut writing = Writing::default();
    loop {
        let msg = match deadline {
            None => rx.recv().ok()?,
            Some(d) => match rx.recv_timeout(d.saturating_duration_since(Instant::now())) {
                Ok(m) => m,
                // Files still being written: look again after [`QUIET`].
                Err(RecvTimeoutError::Timeout) if writing.still_open(plan) => {
                    deadline = Some(Instant::now() + QUIET);
                    continue;
                }
                Err(RecvTimeoutError::Timeout) => return Some(changed),
                Err(RecvTimeoutError::Disconnected) => return None,
            },
        };
        match msg {
            Msg::Stop => return None,
            Msg::Fs(Ok(event)) => {
                // The kernel's queue overflowed: something changed, what is lost.
                let mut any = event.need_rescan();
                if paths::is_change(&event.kind) {
                    for p in &event.paths {
                        if plan.relevant(&event.kind, p) {
                            any = true;
                            writing.note(&event.kind, p);
                            if !changed.contains(p) {
                                changed.push(p.clone());
                            }
                        }
                    }
                }
                if any {
                    deadline = Some(Instant::now() + QUIET);
                }
            }
            Msg::Fs(Err(e)) => say(&format!("[{}] warning: watching files: {e}", clock())),
        }
    }
}

/// Files written to and not closed yet: a download or a copy from a slow
/// disk pauses longer than [`QUIET`] between writes, and a run in such a
/// pause reads half an export, which can be a valid file with fewer rows:
/// wrong numbers, and a goal that seems to fail. Where the system says when
/// a file written to is closed (Linux), a run waits for that, up to
/// [`SETTLE_MAX`]; elsewhere [`QUIET`] alone decides.
#[derive(Default)]
struct Writing {
    open: Vec<PathBuf>,
    /// When the wait for open files began, and whether it was said.
    since: Option<Instant>,
}

/// The longest a run waits for a file still open for writing: a program
/// that keeps a file open (a logger) must not stop the watch.
const SETTLE_MAX: Duration = Duration::from_secs(30);

impl Writing {
    fn note(&mut self, kind: &notify::EventKind, p: &Path) {
        use notify::EventKind as K;
        use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, ModifyKind};
        if !cfg!(target_os = "linux") {
            return;
        }
        match kind {
            K::Access(AccessKind::Close(AccessMode::Write)) | K::Remove(_) => {
                self.open.retain(|o| o != p)
            }
            K::Create(CreateKind::File | CreateKind::Any)
            | K::Modify(ModifyKind::Data(
                DataChange::Any | DataChange::Content | DataChange::Size,
            )) if !self.open.iter().any(|o| o == p) => self.open.push(p.to_path_buf()),
            _ => {}
        }
    }

    /// Whether a file written to is still open, so the run is to wait.
    fn still_open(&mut self, plan: &Plan) -> bool {
        // A file removed or renamed away since is not being written.
        self.open.retain(|p| p.is_file());
        if self.open.is_empty() {
            return false;
        }
        let shown = self
            .open
            .iter()
            .map(|p| plan.show(p))
            .collect::<Vec<_>>()
            .join(", ");
        let since = *self.since.get_or_insert_with(|| {
            say(&format!(
                "[{}] waiting for {shown} to be written completely",
                clock()
            ));
            Instant::now()
        });
        if since.elapsed() >= SETTLE_MAX {
            say(&format!(
                "[{}] {} {shown} still open for writing after {} s: reading it as it is",
                clock(),
                crate::color::warning(),
                SETTLE_MAX.as_secs()
            ));
            self.open.clear();
            return false;
        }
        true
    }
}

/// The last good run, kept while later runs fail.
struct Good {
    at: String,
    /// Each goal's id, status and message, to tell what changed under `-q`.
    statuses: Vec<(String, Status, String)>,
}

/// How the last finished run ended.
enum Last {
    Done(Outcome),
    Failed,
}

struct Watcher<'a> {
    cli: &'a Cli,
    /// The same options with `--workspace` set to the root found at the
    /// start, so that every run opens that workspace, even while its
    /// kpiscope.toml is being replaced (rather than a parent's).
    session_cli: Cli,
    job: Job<'a>,
    style: Style,
    plan: Plan,
    watches: Watches,
    /// Clear the screen before each good table.
    clear: bool,
    good: Option<Good>,
    last: Last,
    /// Watch problems already reported, so that each is said once.
    warned: Vec<String>,
}

/// What a good run left to report.
struct Done {
    outcome: Outcome,
    statuses: Vec<(String, Status, String)>,
    /// The goals, their results (a goal with `each` gives one per period)
    /// and their statuses counted, as `check` counts them.
    summary: Option<String>,
}

impl<'a> Watcher<'a> {
    fn new(
        cli: &'a Cli,
        root: &Path,
        job: Job<'a>,
        style: Style,
        watcher: notify::RecommendedWatcher,
    ) -> Self {
        let output = match job {
            Job::Check(a) => a.output.as_deref(),
            Job::Report(a) => a.output.as_deref(),
        };
        let clear = matches!(job, Job::Check(a) if a.output.is_none())
            && !cli.quiet
            && std::io::stdout().is_terminal();
        let mut w = Watcher {
            cli,
            session_cli: Cli {
                workspace: Some(root.to_path_buf()),
                color: cli.color,
                quiet: cli.quiet,
                verbose: cli.verbose,
                history: cli.history.clone(),
                no_history: cli.no_history,
                no_notify: cli.no_notify,
                command: Command::Validate,
            },
            job,
            style,
            plan: Plan::new(root, output),
            watches: Watches::new(watcher),
            clear,
            good: None,
            last: Last::Done(Outcome::Success),
            warned: Vec::new(),
        };
        // Before the first run, so that a broken config can be fixed even
        // when the sources it names are not known yet.
        w.watch_plan();
        w
    }

    fn output(&self) -> Option<&'a Path> {
        match self.job {
            Job::Check(a) => a.output.as_deref(),
            Job::Report(a) => a.output.as_deref(),
        }
    }

    fn watch_plan(&mut self) {
        for p in self.watches.apply(&self.plan) {
            if !self.warned.contains(&p) {
                say(&format!("[{}] {} {p}", clock(), crate::color::warning()));
                self.warned.push(p);
            }
        }
    }

    /// One run, reported.
    fn run_once(&mut self, changed: &[PathBuf], first: bool) {
        let at = clock();
        let header = format!("[{at}] {}", self.reason(changed, first));
        let quiet = self.cli.quiet;
        // On a cleared screen the header waits for the clearing.
        if !quiet && !self.clear {
            self.print_header(&header, changed);
        }
        let result = self.attempt();
        // Each run's scripts may print their own first lines.
        crate::report_unprinted();
        match result {
            Ok((done, pending)) => {
                if self.clear {
                    // Cleared only now: a failed run leaves the last good
                    // table on screen, above its error.
                    let mut out = std::io::stdout().lock();
                    let _ = write!(out, "\x1b[H\x1b[2J");
                    let _ = out.flush();
                    self.print_header(&header, changed);
                }
                if let (Some((s, mut checked)), Job::Check(args)) = (pending, self.job) {
                    // To stdout: a closed pipe is ignored, but a full disk
                    // is said, and the watch goes on.
                    if let Err(e) = check::finish(&s, args, &mut checked) {
                        crate::print_error(&anyhow::Error::from(e));
                    }
                }
                self.report_good(&at, &done);
            }
            Err(e) => {
                if !quiet && self.clear {
                    self.print_header(&header, changed);
                }
                crate::print_error(&anyhow::Error::from(e));
                let kept = match (&self.good, self.output()) {
                    (Some(g), Some(o)) => format!(
                        "{} keeps the last good results (from {})",
                        o.display(),
                        g.at
                    ),
                    (Some(g), None) => format!("kept the last good results (from {})", g.at),
                    (None, _) => "no good results yet".to_string(),
                };
                say(&format!("[{at}] {kept}; watching for a fix"));
                self.last = Last::Failed;
            }
        }
        if !quiet && (first || self.clear) {
            say(&format!(
                "[{at}] watching {} (Ctrl-C stops)",
                self.plan.describe()
            ));
        }
    }

    fn print_header(&self, header: &str, changed: &[PathBuf]) {
        say(header);
        if self.cli.verbose {
            for p in changed {
                say(&format!("  changed: {}", self.plan.show(p)));
            }
        }
    }

    /// Opens the session, follows its sources, and runs the job. A check
    /// is returned unwritten (with its session) when its writing must wait
    /// for the screen to be cleared.
    fn attempt(&mut self) -> Result<(Done, Option<(Session, check::Checked)>)> {
        let s = Session::open(&self.session_cli)?;
        // Before the data is read: a file changed from now on causes a run.
        self.plan = self
            .plan
            .with_sources(s.ws.sources.iter().filter_map(|x| x.pattern.as_deref()));
        self.watch_plan();
        match self.job {
            Job::Check(args) => {
                let mut c = check::compute(&s, args, self.style)?;
                let done = Done {
                    outcome: c.outcome,
                    statuses: c
                        .results
                        .iter()
                        .map(|r| (r.goal.id.clone(), r.status, r.message.clone()))
                        .collect(),
                    summary: Some(crate::render::report::summary_line(&c.results)),
                };
                if self.clear {
                    return Ok((done, Some((s, c))));
                }
                check::finish(&s, args, &mut c)?;
                Ok((done, None))
            }
            Job::Report(args) => {
                let outcome = report::run(&s, args)?;
                Ok((
                    Done {
                        outcome,
                        statuses: Vec::new(),
                        summary: None,
                    },
                    None,
                ))
            }
        }
    }

    fn report_good(&mut self, at: &str, done: &Done) {
        let quiet = self.cli.quiet;
        let counts = &done.summary;
        if let (Some(o), false) = (self.output(), quiet) {
            match counts {
                Some(c) => say(&format!("[{at}] wrote {}: {c}", o.display())),
                None => say(&format!("[{at}] wrote {}", o.display())),
            }
        }
        if quiet {
            // Only what changed: the state at the start, then each goal
            // whose status moved.
            match (&self.good, counts) {
                (None, Some(c)) => say(&format!("[{at}] {c}")),
                (Some(g), _) => {
                    for (id, status, message) in &done.statuses {
                        let before = g.statuses.iter().find(|(i, ..)| i == id).map(|x| x.1);
                        if before != Some(*status) {
                            let was = before.map_or("new", Status::as_str);
                            say(&format!(
                                "[{at}] {id}: {was} → {}: {message}",
                                status.as_str()
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        if matches!(self.last, Last::Failed) {
            say(&format!("[{at}] fixed: the results are up to date again"));
        }
        self.good = Some(Good {
            at: at.to_string(),
            statuses: done.statuses.clone(),
        });
        self.last = Last::Done(done.outcome);
    }

    /// The header's text: what changed and what runs.
    fn reason(&self, changed: &[PathBuf], first: bool) -> String {
        let action = match (self.job, first) {
            (Job::Check(_), true) => return "checking".into(),
            (Job::Report(_), true) => return "writing the report".into(),
            (Job::Check(_), false) => "re-checking",
            (Job::Report(_), false) => "re-writing the report",
        };
        let shown: Vec<String> = changed.iter().map(|p| self.plan.show(p)).collect();
        let what = match shown.as_slice() {
            [] => "files".to_string(),
            [one] => one.clone(),
            [a, b] => format!("{a} and {b}"),
            [a, rest @ ..] => format!("{a} and {} other files", rest.len()),
        };
        format!("{what} changed: {action}")
    }

    /// The exit code's outcome: the last finished run's.
    fn finish(self) -> Result<Outcome> {
        if !self.cli.quiet {
            // After the terminal's echo of ^C, on a line of its own.
            if std::io::stderr().is_terminal() {
                say("");
            }
            say(&format!("[{}] stopped", clock()));
        }
        match self.last {
            Last::Done(o) => Ok(o),
            Last::Failed => Err(Error::usage(
                "watch stopped while the last run could not be done (its error is above)",
            )),
        }
    }
}

/// The time of day for progress lines.
fn clock() -> String {
    jiff::Zoned::now().strftime("%H:%M:%S").to_string()
}

/// A progress line on stderr; a closed stderr is no reason to stop watching.
fn say(line: &str) {
    say!("{line}");
}
