//! Checking `rank` and `vs` goals (issue 16): the goal's own account (or
//! the network's own accounts together) placed among the network's panel in
//! each of the goal's periods, and judged on its rank, or on its value
//! against the competitors' median, the best competitor, or an account.

use super::out::{AccountOut, PanelOut, ReferenceOut};
use super::{Panel, Standing};
use crate::aggregate::period::format_day;
use crate::aggregate::{Cube, Day, Period};
use crate::diagnostic::{Diagnostic, Diagnostics, suggest};
use crate::error::{Error, Result};
use crate::goals::Goal;
use crate::goals::against::Versus;
use crate::goals::check::{GoalResult, Status, period_out, resolve_periods};
use crate::goals::condition::{fmt_value_at, shown_as};
use crate::kpi::Value;
use crate::session::Session;

/// An error at the goal's `rank` or `vs` in kpiscope.toml.
fn at_goal(s: &Session, goal: &Goal, message: String, hint: Option<String>) -> Error {
    let span = goal
        .against
        .as_ref()
        .map_or(goal.kpi_span.clone(), |a| a.span.clone());
    let d = Diagnostic::at_span(&s.ws.config_file(), &s.ws.config_text, span, message);
    let d = match hint {
        Some(h) => d.with_hint(h),
        None => d,
    };
    Error::Diagnostics(Diagnostics(vec![d]))
}

/// Checks one panel goal: one result, or one per period with `each`.
pub fn check(
    s: &Session,
    goal: &Goal,
    main: &Cube,
    panel: Option<&Cube>,
    as_of: Option<Day>,
    from: Option<Day>,
) -> Result<Vec<GoalResult>> {
    let Some(against) = &goal.against else {
        return Ok(Vec::new());
    };
    let network = goal.filter.network.clone().unwrap_or_default();
    let Some(panel) = panel else {
        return Err(at_goal(
            s,
            goal,
            format!(
                "goal `{}`: `{}` compares with the competitor panel, but no [[source]] has role = \"competitor\"",
                goal.id,
                against.kind()
            ),
            None,
        ));
    };
    let p = Panel::new(s, main, panel, &network, goal.grain);
    let own = p.own_accounts();
    let competitors = p.competitors();
    if own.is_empty() && competitors.is_empty() {
        return Err(at_goal(
            s,
            goal,
            format!(
                "goal `{}`: no source, own or competitor, holds a {network} record",
                goal.id
            ),
            Some(
                "check the goal's `network`: `kpiscope list sources` shows what each source holds"
                    .into(),
            ),
        ));
    }
    if own.is_empty() {
        return Err(at_goal(
            s,
            goal,
            format!(
                "goal `{}`: the {network} panel has no own account: every {network} record comes from competitor sources{}",
                goal.id,
                match competitors.is_empty() {
                    true => String::new(),
                    false => format!(" ({})", competitors.join(", ")),
                }
            ),
            Some(format!(
                "add your own {network} export as a [[source]] (role = \"own\" is the default), or drop the goal"
            )),
        ));
    }
    if competitors.is_empty() {
        return Err(at_goal(
            s,
            goal,
            format!(
                "goal `{}`: the competitor sources hold no {network} account, so {network} has no panel",
                goal.id
            ),
            Some("give the competitors' exports of this network a [[source]] with role = \"competitor\"".into()),
        ));
    }
    if let Some(a) = &goal.filter.account
        && !own.contains(a)
    {
        let hint = match competitors.contains(a) {
            true => format!(
                "`{a}` is a competitor: a panel goal judges one of your accounts ({})",
                own.join(", ")
            ),
            false => format!("the own {network} accounts are {}", own.join(", ")),
        };
        return Err(at_goal(
            s,
            goal,
            format!("goal `{}`: `{a}` is not an own {network} account", goal.id),
            Some(hint),
        ));
    }
    if let Versus::Vs { reference, .. } = &against.what
        && reference != "median"
        && reference != "best"
        && !own.contains(reference)
        && !competitors.contains(reference)
    {
        let names = ["median", "best"]
            .into_iter()
            .chain(own.iter().map(String::as_str))
            .chain(competitors.iter().map(String::as_str));
        let near = suggest(reference, names.clone())
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        return Err(at_goal(
            s,
            goal,
            format!(
                "goal `{}`: `vs = \"{reference}\"` is not median, best or an account of the {network} panel",
                goal.id
            ),
            Some(format!(
                "{near}the panel: {}",
                names.skip(2).collect::<Vec<_>>().join(", ")
            )),
        ));
    }
    let subject = goal.filter.account.clone().unwrap_or_else(|| own.join("+"));
    let judge = Judge {
        s,
        goal,
        panel: &p,
        subject,
        unit: s.unit_of(&goal.kpi),
    };
    let calendar = s.ws.calendar;
    let Some(as_of) = as_of else {
        return Ok(vec![judge.result(
            None,
            None,
            Status::NoData,
            "no data: the sources hold no records".into(),
            None,
        )]);
    };
    let periods = resolve_periods(goal, &calendar, as_of, p.own_range(), from);
    if periods.is_empty() {
        return Ok(vec![judge.result(
            None,
            None,
            Status::NoData,
            format!(
                "no data: no {} is complete as of {}",
                goal.grain,
                format_day(as_of)
            ),
            None,
        )]);
    }
    periods.into_iter().map(|period| judge.at(period)).collect()
}

struct Judge<'a> {
    s: &'a Session,
    goal: &'a Goal,
    panel: &'a Panel<'a>,
    subject: String,
    unit: String,
}

impl Judge<'_> {
    fn result(
        &self,
        period: Option<Period>,
        value: Option<f64>,
        status: Status,
        message: String,
        panel: Option<PanelOut>,
    ) -> GoalResult {
        let unit = match &self.goal.against.as_ref().map(|a| &a.what) {
            Some(Versus::Rank) => "rank".to_string(),
            Some(Versus::Vs { multiple: true, .. }) => "x".to_string(),
            _ => self.unit.clone(),
        };
        GoalResult {
            goal: self.goal.clone(),
            period: period.map(|p| period_out(&self.s.ws.calendar, p, self.panel.own_range())),
            value,
            unit,
            status,
            message,
            kpi_value: panel.as_ref().and_then(|p| p.value),
            previous: None,
            projection: None,
            panel,
        }
    }

    /// A value of the KPI as people read it, with the workspace's currency.
    fn shown(&self, x: f64) -> String {
        let s = fmt_value_at(x, &self.unit, 2);
        match (self.unit.as_str(), &self.s.ws.currency) {
            ("currency", Some(c)) => format!("{s} {c}"),
            _ => s,
        }
    }

    /// Pass, warn or fail on `x`, and the words that say which.
    fn verdict(&self, x: f64) -> (Status, &'static str) {
        let d = self.goal.decimals();
        if self.goal.target.holds_at(x, d) {
            (Status::Pass, "meets")
        } else if self.goal.warn.is_some_and(|w| w.holds_at(x, d)) {
            (Status::Warn, "misses")
        } else {
            (Status::Fail, "misses")
        }
    }

    /// The panel's accounts in order, for a message: `rival_a 4.2%, acme 3.1%`.
    fn listing(&self, standing: &Standing) -> String {
        let ranked: Vec<String> = standing
            .entries
            .iter()
            .filter_map(|e| Some(format!("{} {}", e.account, self.shown(e.value.number()?))))
            .collect();
        let missing: Vec<String> = standing
            .entries
            .iter()
            .filter_map(|e| Some(format!("{}: {}", e.account, e.value.reason()?)))
            .collect();
        match missing.is_empty() {
            true => ranked.join(", "),
            false => format!("{}; no data for {}", ranked.join(", "), missing.join("; ")),
        }
    }

    fn at(&self, period: Period) -> Result<GoalResult> {
        let standing = self
            .panel
            .standing(&self.goal.kpi, period, self.goal.filter.account.as_deref())
            .map_err(|d| Error::Diagnostics(Diagnostics(vec![d])))?;
        let label = self.s.ws.calendar.label(period);
        let network = &self.panel.network;
        let kind = self.goal.against.as_ref().map_or("rank", |a| a.kind());
        let mut out = PanelOut {
            kind: kind.into(),
            network: network.clone(),
            subject: self.subject.clone(),
            value: None,
            rank: None,
            ranked: standing.ranked(),
            reference: None,
            accounts: AccountOut::all(&standing),
        };
        let no_data = |message: String, out: PanelOut| {
            Ok(self.result(Some(period), None, Status::NoData, message, Some(out)))
        };
        let Some(entry) = standing.get(&self.subject) else {
            return no_data(
                format!("no data: no {network}/{} records in {label}", self.subject),
                out,
            );
        };
        let own = match &entry.value {
            Value::Number(x) => *x,
            Value::NoData(reason) => return no_data(format!("no data: {reason}"), out),
        };
        out.value = Some(own);
        out.rank = entry.rank;
        let target = self.goal.target_display(&self.unit);
        let no_competitor = || {
            format!(
                "no data: no competitor has a value of {} in {label} ({})",
                self.goal.kpi,
                self.listing(&standing)
            )
        };
        match &self.goal.against.as_ref().map(|a| a.what.clone()) {
            Some(Versus::Vs {
                reference,
                multiple,
            }) => {
                let (value, account, what) = match reference.as_str() {
                    "median" => match standing.median() {
                        Some(m) => (
                            m,
                            None,
                            format!("the competitors' median {}", self.shown(m)),
                        ),
                        None => return no_data(no_competitor(), out),
                    },
                    "best" => match standing.best() {
                        Some(b) => {
                            let v = b.value.number().unwrap_or(f64::NAN);
                            (
                                v,
                                Some(b.account.clone()),
                                format!("the best competitor, {} {}", b.account, self.shown(v)),
                            )
                        }
                        None => return no_data(no_competitor(), out),
                    },
                    account => match standing.get(account).map(|e| &e.value) {
                        Some(Value::Number(v)) => (
                            *v,
                            Some(account.to_string()),
                            format!("{account}'s {}", self.shown(*v)),
                        ),
                        Some(Value::NoData(reason)) => {
                            return no_data(format!("no data: {account}: {reason}"), out);
                        }
                        None => {
                            return no_data(
                                format!("no data: no {network}/{account} records in {label}"),
                                out,
                            );
                        }
                    },
                };
                out.reference = Some(ReferenceOut {
                    of: reference.clone(),
                    account,
                    value,
                });
                let d = self.goal.decimals();
                let (measure, said) = if *multiple {
                    if value == 0.0 {
                        return no_data(
                            format!("no data: {what} is 0, and a multiple of 0 is undefined"),
                            out,
                        );
                    }
                    let r = own / value;
                    (
                        r,
                        format!("{} is {} {what}", self.shown(own), fmt_value_at(r, "x", d)),
                    )
                } else {
                    let diff = own - value;
                    let side = if shown_as(diff, d) >= 0.0 {
                        "above"
                    } else {
                        "below"
                    };
                    let gap = fmt_value_at(diff.abs(), &self.unit, d);
                    (diff, format!("{} is {gap} {side} {what}", self.shown(own)))
                };
                let (status, word) = self.verdict(measure);
                let target = match multiple {
                    true => self.goal.target.display("x"),
                    false => self.goal.target.display(&self.unit),
                };
                let message = format!("{said} and {word} the target {target}");
                Ok(self.result(Some(period), Some(measure), status, message, Some(out)))
            }
            _ => {
                let rank = entry.rank.unwrap_or(0);
                let (status, word) = self.verdict(rank as f64);
                let message = format!(
                    "rank {rank} of {} on {network} by {} ({}) {word} the target {target}",
                    standing.ranked(),
                    self.goal.kpi,
                    self.listing(&standing)
                );
                Ok(self.result(Some(period), Some(rank as f64), status, message, Some(out)))
            }
        }
    }
}
