//! `kpiscope notify`: the workspace's alert targets and the alerts kept for
//! each; `--test` sends each a sample now, to try a webhook or a mail
//! server before a goal changes.

use crate::Outcome;
use crate::diagnostic::suggest;
use crate::error::{Error, Result};
use crate::history::Store;
use crate::limits::notify::MAX_ATTEMPTS;
use crate::notify::{self, Target};
use crate::render::table::{self, Style};
use crate::session::Session;

pub fn run(s: &Session, names: &[String], test: bool, style: Style) -> Result<Outcome> {
    let targets = select(&s.ws.notify, names)?;
    if !test {
        let pending = pending(s);
        let rows: Vec<Vec<String>> = targets
            .iter()
            .map(|t| {
                let kept = pending.iter().filter(|d| d.target == t.name).count();
                vec![
                    t.name.clone(),
                    t.destination(),
                    t.on.as_str().to_string(),
                    match t.goals.is_empty() {
                        true => "all".into(),
                        false => t.goals.join(", "),
                    },
                    kept.to_string(),
                ]
            })
            .collect();
        let text = table::render(
            &["name", "sends to", "on", "goals", "undelivered"],
            &rows,
            style,
            None,
        );
        crate::render::write_output(None, &text)?;
        return Ok(Outcome::Success);
    }
    let mut failed = false;
    for t in targets {
        match notify::send(t, &notify::sample(t, s)) {
            Ok(()) => say!("sent a test alert to {}", t.describe()),
            Err(e) => {
                failed = true;
                say!(
                    "{} the test alert was not delivered: {e}",
                    crate::color::error()
                );
            }
        }
    }
    Ok(match failed {
        true => Outcome::GoalsFailed,
        false => Outcome::Success,
    })
}

/// The targets named (all when none is), every unknown name at once.
fn select<'a>(all: &'a [Target], names: &[String]) -> Result<Vec<&'a Target>> {
    if all.is_empty() {
        return Err(Error::usage(
            "the workspace has no [[notify]]: add one to kpiscope.toml (README, \"Alerts\")",
        ));
    }
    if names.is_empty() {
        return Ok(all.iter().collect());
    }
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    for n in names {
        match all.iter().find(|t| t.name == *n) {
            Some(t) => found.push(t),
            None => {
                let hint = suggest(n, all.iter().map(|t| t.name.as_str()))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                unknown.push(format!("no [[notify]] is named `{n}`{hint}"));
            }
        }
    }
    match unknown.is_empty() {
        true => Ok(found),
        false => Err(Error::usages(unknown)),
    }
}

/// The alerts kept for retrying, from the store when there is one.
fn pending(s: &Session) -> Vec<crate::history::Delivery> {
    let Some(path) = &s.history else {
        return Vec::new();
    };
    Store::open(path, false)
        .and_then(|st| st.pending(MAX_ATTEMPTS, "", i64::MAX, usize::MAX))
        .unwrap_or_default()
}
