//! Alerts that reach people (issue 14): after a `check` (or a `watch`
//! run) is written and recorded, each `[[notify]]` target is sent what it
//! asked for — a goal's status changed or a past figure was restated
//! (`on = "change"`), a goal fails (`"fail"`), or every run (`"always"`) —
//! by webhook (Slack, Teams, generic JSON) or e-mail over SMTP.
//!
//! Every alert is first written to the history's `delivery` table, then
//! sent. One that fails stays there, with its attempts and last error, and
//! the next run retries it before its own (oldest first, up to
//! `limits::notify::MAX_ATTEMPTS` attempts and `MAX_AGE_DAYS` days). A
//! failed delivery is a warning: the check's exit code keeps its meaning
//! unless `--fail-on notify` asks otherwise. With `--no-history` alerts are
//! still sent, but one that fails is not kept, so not retried.

pub mod alert;
pub mod error;
pub mod payload;
pub mod smtp;
pub mod target;
pub mod trust;
pub mod webhook;

use std::collections::{BTreeMap, BTreeSet};

pub use alert::Alert;
pub use error::NotifyError;
pub use target::Target;

use crate::goals::GoalResult;
use crate::history::{self, Entry};
use crate::limits::notify::{MAX_AGE_DAYS, MAX_ATTEMPTS, RETRIES_PER_RUN};
use crate::session::Session;

/// How the deliveries of a run went.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub delivered: usize,
    pub failed: usize,
}

/// Sends what this run's results (and the changes in `entry`) call for,
/// after retrying what earlier runs could not deliver. Never an error:
/// each problem is a warning, counted in [`Sent::failed`].
pub fn deliver(s: &Session, results: &[GoalResult], entry: Option<&mut Entry>) -> Sent {
    let targets = &s.ws.notify;
    if !s.notify || targets.is_empty() {
        return Sent::default();
    }
    let mut run = Run {
        s,
        sent: Sent::default(),
        down: BTreeSet::new(),
        deferred: BTreeMap::new(),
    };
    let at = history::now();
    let (id, changes, as_of) = match &entry {
        Some(e) => (e.id, &e.changes[..], e.run.as_of.clone()),
        None => (None, &[][..], None),
    };
    let facts = alert::RunFacts {
        workspace: &s.ws.name,
        currency: s.ws.currency.as_deref(),
        run: id,
        at: entry.as_ref().map_or(at.as_str(), |e| e.run.at.as_str()),
        as_of: as_of.as_deref(),
        changes,
        results,
    };
    let alerts: Vec<(&Target, String)> = targets
        .iter()
        .filter_map(|t| Alert::for_target(t, &facts).map(|a| (t, payload::build(t, &a))))
        .collect();
    // The outbox: the store, once this run is in it (a delivery belongs to
    // a run); else why there is none, for the warning of a failure.
    let outbox = match entry {
        None => Err("--no-history keeps no outbox"),
        Some(e) => match (e.id, e.store()) {
            (Some(id), Some(store)) => Ok((id, store)),
            _ => Err("the history could not be written"),
        },
    };
    match outbox {
        Ok((id, store)) => {
            // This run's alerts are kept before anything is sent: a run
            // stopped while an earlier alert is retried loses none of them.
            let queued = alerts
                .iter()
                .map(|(t, p)| (t.name.clone(), p.clone()))
                .collect::<Vec<_>>();
            let kept = store.queue(id, &queued);
            // The earlier runs' alerts first, so that a target receives
            // them in the order they happened.
            run.retry(store, id);
            match kept {
                Ok(ids) => {
                    for ((t, p), d) in alerts.iter().zip(ids) {
                        run.attempt_kept(store, t, d, p, 0, false);
                    }
                }
                Err(e) => {
                    say!(
                        "{} the alerts could not be kept for retrying: {e}",
                        crate::color::warning()
                    );
                    for (t, p) in &alerts {
                        run.attempt_once(t, p, "it could not be kept in the history");
                    }
                }
            }
        }
        Err(why) => {
            for (t, p) in &alerts {
                run.attempt_once(t, p, why);
            }
        }
    }
    for (name, n) in &run.deferred {
        let what = match n {
            1 => "1 more alert".to_string(),
            n => format!("{n} more alerts"),
        };
        say!(
            "{} {what} to `{name}` not tried after its failure: kept for the next run",
            crate::color::warning()
        );
    }
    run.sent
}

/// One run's deliveries: what was sent, and the targets that failed (not
/// tried again in this run: a hanging server costs its timeout once).
struct Run<'a> {
    s: &'a Session,
    sent: Sent,
    down: BTreeSet<String>,
    /// Kept alerts not tried because their target failed in this run.
    deferred: BTreeMap<String, usize>,
}

impl Run<'_> {
    /// Retries the alerts of earlier runs (before run `id`), oldest first.
    fn retry(&mut self, store: &mut history::Store, id: i64) {
        let since = jiff::Timestamp::now()
            .checked_sub(jiff::SignedDuration::from_hours(24 * MAX_AGE_DAYS))
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        let pending = match store.pending(MAX_ATTEMPTS, &since, id, RETRIES_PER_RUN) {
            Ok(p) => p,
            Err(e) => {
                say!(
                    "{} the alerts kept for retrying could not be read: {e}",
                    crate::color::warning()
                );
                return;
            }
        };
        let mut gone = BTreeSet::new();
        for d in pending {
            match self.s.ws.notify.iter().find(|t| t.name == d.target) {
                // A target renamed onto another of the other kind: its
                // JSON is no e-mail, an e-mail no JSON.
                Some(t)
                    if is_json(&d.payload) != matches!(t.kind, target::Kind::Webhook { .. }) =>
                {
                    if gone.insert(d.target.clone()) {
                        say!(
                            "{} an alert kept for `{}` is not retried: it was made for a target of another kind (it stays in the history's delivery table)",
                            crate::color::warning(),
                            d.target
                        );
                    }
                }
                Some(t) => self.attempt_kept(store, t, d.id, &d.payload, d.attempts, true),
                None => {
                    if gone.insert(d.target.clone()) {
                        say!(
                            "{} an alert kept for `{}` is not retried: no [[notify]] has that name any more (it stays in the history's delivery table)",
                            crate::color::warning(),
                            d.target
                        );
                    }
                }
            }
        }
    }

    /// Sends a stored alert and records how it went.
    fn attempt_kept(
        &mut self,
        store: &mut history::Store,
        t: &Target,
        id: i64,
        payload: &str,
        attempts: i64,
        earlier: bool,
    ) {
        if self.down.contains(&t.name) {
            // Not an attempt: kept as it is for the next run.
            self.sent.failed += 1;
            *self.deferred.entry(t.name.clone()).or_default() += 1;
            return;
        }
        match send(t, payload) {
            Ok(()) => {
                self.delivered(t, earlier);
                if let Err(e) = store.delivered(id, &history::now()) {
                    say!(
                        "{} the alert to {} was sent, but not marked sent in the history (the next run may send it again): {e}",
                        crate::color::warning(),
                        t.describe()
                    );
                }
            }
            Err(err) => {
                self.down.insert(t.name.clone());
                self.sent.failed += 1;
                let made = store.failed(id, &err.to_string()).unwrap_or(attempts + 1);
                let next = match made >= MAX_ATTEMPTS {
                    true => format!(
                        "given up after {made} attempts (it stays in the history's delivery table)"
                    ),
                    false => format!(
                        "kept, and retried by the next run (attempt {made} of {MAX_ATTEMPTS})"
                    ),
                };
                say!(
                    "{} an alert was not delivered: {err}; {next}",
                    crate::color::warning()
                );
            }
        }
    }

    /// Sends an alert that is not kept: a failure is said, and lost.
    fn attempt_once(&mut self, t: &Target, payload: &str, why: &str) {
        if self.down.contains(&t.name) {
            self.sent.failed += 1;
            say!(
                "{} an alert to {} was not tried after its failure; it will not be retried ({why})",
                crate::color::warning(),
                t.describe()
            );
            return;
        }
        match send(t, payload) {
            Ok(()) => self.delivered(t, false),
            Err(err) => {
                self.down.insert(t.name.clone());
                self.sent.failed += 1;
                say!(
                    "{} an alert was not delivered: {err}; it will not be retried ({why})",
                    crate::color::warning()
                );
            }
        }
    }

    fn delivered(&mut self, t: &Target, retried: bool) {
        self.sent.delivered += 1;
        if !self.s.quiet {
            let what = if retried { "an earlier alert" } else { "alert" };
            say!("sent {what} to {}", t.describe());
        }
    }
}

/// A sample alert for `kpiscope notify --test`: what the target's format
/// looks like, and whether the target takes it.
pub fn sample(t: &Target, s: &Session) -> String {
    let alert = Alert {
        kpiscope_alert: alert::JSON_VERSION,
        workspace: s.ws.name.clone(),
        run: None,
        at: history::now(),
        as_of: None,
        on: t.on.as_str(),
        summary: format!("kpiscope: a test alert from {}", s.ws.name),
        changes: Vec::new(),
        failing: Vec::new(),
        counts: alert::Counts::default(),
        kpiscope_version: env!("CARGO_PKG_VERSION"),
        currency: s.ws.currency.clone(),
    };
    payload::build(t, &alert)
}

/// Whether a stored payload is a webhook's JSON (an e-mail starts with
/// its headers).
fn is_json(payload: &str) -> bool {
    payload.trim_start().starts_with('{')
}

/// One attempt at delivering `payload` to `t`.
pub fn send(t: &Target, payload: &str) -> Result<(), NotifyError> {
    match &t.kind {
        target::Kind::Webhook { url, .. } => webhook::post(t, url, payload),
        target::Kind::Email(e) => smtp::send(t, e, payload),
    }
}
