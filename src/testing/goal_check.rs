//! `[[test.goal]]`, checked: a goal of `kpiscope.toml` and the result it
//! should give on the test's inputs.

use toml::Spanned;

use super::raw::RawGoalCheck;
use super::suite::{label, tolerance};
use crate::aggregate::Calendar;
use crate::diagnostic::line_of;
use crate::diagnostic::suggest;
use crate::goals::Status;
use crate::session::Session;
use crate::workspace::Located;

/// `[[test.goal]]`, checked.
#[derive(Debug, Clone)]
pub struct GoalCheck {
    pub line: usize,
    pub id: String,
    /// Picks one of a goal's results by its period label (normalised).
    pub period: Option<String>,
    pub status: Status,
    pub value: Option<f64>,
    /// A text the result's message contains.
    pub message: Option<String>,
    pub tolerance: f64,
}

impl GoalCheck {
    pub(super) fn check(
        s: &Session,
        at: &mut Located,
        r: RawGoalCheck,
        calendar: &Calendar,
        tolerance_default: f64,
    ) -> Option<GoalCheck> {
        let before = at.diagnostics.0.len();
        let id = r.id.get_ref().trim().to_string();
        let goal = s.ws.goals.iter().find(|g| g.id == id);
        if goal.is_none() {
            let mut d = at.diagnostic(
                r.id.span(),
                format!("no goal of kpiscope.toml has the id `{id}`"),
            );
            d = match suggest(&id, s.ws.goals.iter().map(|g| g.id.as_str())) {
                Some(near) => d.with_hint(format!("did you mean `{near}`?")),
                None if s.ws.goals.is_empty() => d.with_hint("the workspace has no goals"),
                None => d.with_hint("`kpiscope list goals` shows them"),
            };
            at.diagnostics.push(d);
        }
        let period = r.period.as_ref().and_then(|p| {
            let period = label(at, calendar, p)?;
            if let Some(g) = goal
                && g.grain != period.grain
            {
                at.error(
                    p.span(),
                    format!(
                        "goal `{id}` is checked per {}, and `{}` is a {}",
                        g.grain,
                        p.get_ref(),
                        period.grain
                    ),
                );
            }
            Some(calendar.label(period))
        });
        let status = match r.status.get_ref().as_str() {
            "pass" => Some(Status::Pass),
            "warn" => Some(Status::Warn),
            "fail" => Some(Status::Fail),
            "no_data" => Some(Status::NoData),
            other => {
                let hint = suggest(other, ["pass", "warn", "fail", "no_data"])
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                at.error(
                    r.status.span(),
                    format!("`status = \"{other}\"`: use pass, warn, fail or no_data{hint}"),
                );
                None
            }
        };
        let tolerance = tolerance(at, r.tolerance.as_ref(), tolerance_default);
        if at.diagnostics.0.len() > before {
            return None;
        }
        Some(GoalCheck {
            line: line_of(&at.source, r.id.span().start),
            id,
            period,
            status: status?,
            value: r.value.map(Spanned::into_inner),
            message: r.message.map(Spanned::into_inner),
            tolerance: tolerance?,
        })
    }
}
