//! What one target is told about one run: the changes and failing results
//! it asked for (`on`, `goals`), worded once, then written in its format
//! (`payload`).

use serde::Serialize;

use super::target::{On, Target};
use crate::goals::GoalResult;
use crate::history::{Change, Kind};
use crate::limits::notify::MAX_LINES;
use crate::render::changes::{figure, sentence};

/// The version of the generic JSON body; a new one only for a change that
/// breaks a reader (removed or retyped fields), not for added fields.
pub const JSON_VERSION: u32 = 1;

/// One alert, before it is written in a target's format.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    /// Always [`JSON_VERSION`]: readers check it before anything else.
    pub kpiscope_alert: u32,
    pub workspace: String,
    /// The run in the history (`kpiscope history`); `null` with `--no-history`.
    pub run: Option<i64>,
    /// When the run was, UTC, RFC 3339.
    pub at: String,
    /// The data's last day, YYYY-MM-DD.
    pub as_of: Option<String>,
    /// Why it was sent: the target's `on`.
    pub on: &'static str,
    /// One line for people: the e-mail's subject, the chat message's title.
    pub summary: String,
    /// What changed since the last run, as `check --format json` says it.
    pub changes: Vec<Change>,
    /// The results that fail now (a `no_data` that counts as a failure too).
    pub failing: Vec<Failing>,
    /// Every result's status, counted.
    pub counts: Counts,
    pub kpiscope_version: &'static str,
    /// The currency of `currency` units, for wording figures.
    #[serde(skip)]
    pub currency: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Failing {
    pub goal: String,
    pub title: String,
    pub period: Option<String>,
    pub value: Option<f64>,
    pub unit: String,
    pub status: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub no_data: usize,
}

/// The run an alert is about.
pub struct RunFacts<'a> {
    pub workspace: &'a str,
    pub currency: Option<&'a str>,
    pub run: Option<i64>,
    pub at: &'a str,
    pub as_of: Option<&'a str>,
    pub changes: &'a [Change],
    pub results: &'a [GoalResult],
}

impl Alert {
    /// The alert `target` is sent for this run; `None` when it asked for
    /// nothing this run has (no change, nothing failing).
    pub fn for_target(target: &Target, run: &RunFacts<'_>) -> Option<Alert> {
        let results: Vec<&GoalResult> = run
            .results
            .iter()
            .filter(|r| target.covers(&r.goal.id))
            .collect();
        let changes: Vec<Change> = run
            .changes
            .iter()
            .filter(|c| target.covers(&c.goal))
            .cloned()
            .collect();
        let failing: Vec<Failing> = results
            .iter()
            .filter(|r| r.fails(false))
            .map(|r| Failing {
                goal: r.goal.id.clone(),
                title: r.goal.title.clone(),
                period: r.period.as_ref().map(|p| p.label.clone()),
                value: r.value.filter(|v| v.is_finite()),
                unit: r.unit.clone(),
                status: r.status.as_str().to_string(),
                message: r.message.clone(),
            })
            .collect();
        let mut counts = Counts::default();
        for r in &results {
            match r.status {
                crate::goals::Status::Pass => counts.pass += 1,
                crate::goals::Status::Warn => counts.warn += 1,
                crate::goals::Status::Fail => counts.fail += 1,
                crate::goals::Status::NoData => counts.no_data += 1,
            }
        }
        let ws = run.workspace;
        let summary = match target.on {
            On::Change if changes.is_empty() => return None,
            On::Fail if failing.is_empty() => return None,
            On::Always if results.is_empty() => return None,
            On::Change => {
                let mut goals: Vec<&str> = changes.iter().map(|c| c.goal.as_str()).collect();
                goals.sort_unstable();
                goals.dedup();
                format!("kpiscope: {} changed in {ws}", goals_word(goals.len()))
            }
            On::Fail => format!("kpiscope: {} failing in {ws}", goals_word(failing.len())),
            On::Always => format!(
                "kpiscope: {} checked in {ws}, {} failing",
                goals_word(results.len()),
                failing.len()
            ),
        };
        Some(Alert {
            kpiscope_alert: JSON_VERSION,
            workspace: ws.to_string(),
            run: run.run,
            at: run.at.to_string(),
            as_of: run.as_of.map(str::to_string),
            on: target.on.as_str(),
            summary,
            changes,
            failing,
            counts,
            kpiscope_version: env!("CARGO_PKG_VERSION"),
            currency: run.currency.map(str::to_string),
        })
    }

    /// One line per change, for people.
    pub fn change_lines(&self) -> Vec<String> {
        self.changes
            .iter()
            .map(|c| {
                let period = c
                    .period
                    .as_deref()
                    .map(|p| format!(" {p}"))
                    .unwrap_or_default();
                format!(
                    "{} {}{period}: {}: {}",
                    icon(c.kind, &c.status),
                    c.goal,
                    c.kind.as_str(),
                    sentence(c, self.currency.as_deref())
                )
            })
            .collect()
    }

    /// One line per failing result, for people.
    pub fn failing_lines(&self) -> Vec<String> {
        self.failing
            .iter()
            .map(|f| {
                let period = f
                    .period
                    .as_deref()
                    .map(|p| format!(" {p}"))
                    .unwrap_or_default();
                let value = figure(f.value, &f.unit, self.currency.as_deref());
                let message = match f.message.is_empty() {
                    true => String::new(),
                    false => format!(" ({})", f.message),
                };
                format!("🔴 {}{period}: {} at {value}{message}", f.goal, f.status)
            })
            .collect()
    }

    /// The run, its data's last day and kpiscope's version, in one line.
    pub fn footer(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = self.run {
            parts.push(format!("run {r}"));
        }
        if let Some(d) = &self.as_of {
            parts.push(format!("data as of {d}"));
        }
        parts.push(format!(
            "{} pass, {} warn, {} fail",
            self.counts.pass, self.counts.warn, self.counts.fail
        ));
        parts.push(format!("kpiscope {}", self.kpiscope_version));
        parts.join(" · ")
    }
}

/// `lines` past [`MAX_LINES`] counted in a last line.
pub fn capped(lines: Vec<String>) -> Vec<String> {
    let n = lines.len();
    if n <= MAX_LINES {
        return lines;
    }
    let mut out: Vec<String> = lines.into_iter().take(MAX_LINES).collect();
    out.push(format!("… and {} more", n - MAX_LINES));
    out
}

fn goals_word(n: usize) -> String {
    match n {
        1 => "1 goal".into(),
        n => format!("{n} goals"),
    }
}

/// A mark a reader sees before the words: red for worse, green for better.
fn icon(kind: Kind, status: &str) -> &'static str {
    match kind {
        Kind::NewFailure => "🔴",
        Kind::Recovered => "🟢",
        Kind::Restated => "✏️",
        Kind::Status => match status {
            "pass" => "🟢",
            "fail" => "🔴",
            _ => "🟡",
        },
    }
}
