//! Checking `rank` and `vs` goals (issue 16): the goal's own account (or
//! the network's own accounts together) placed among the network's panel in
//! each of the goal's periods, and judged on its rank, or on its value
//! against the competitors' median, the best competitor, or an account.
//! With `change`, every account is measured by its % change from the period
//! before instead of its value.

use super::out::{AccountOut, PanelOut, ReferenceOut};
use super::{Panel, Standing};
use crate::aggregate::period::format_day;
use crate::aggregate::{Cube, Day, Period};
use crate::diagnostic::{Diagnostic, Diagnostics, suggest};
use crate::error::{Error, Result};
use crate::goals::Goal;
use crate::goals::against::Versus;
use crate::goals::check::{GoalResult, Previous, Status, period_out, resolve_periods};
use crate::goals::condition::{fmt_change_at, fmt_value_at, shown_as};
use crate::goals::goal::Measure;
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
    if let Some(a) = &goal.filter.account
        && !own.contains(a)
    {
        let hint = match competitors.contains(a) {
            true => format!(
                "`{a}` is a competitor: a panel goal judges one of your accounts ({})",
                own.join(", ")
            ),
            false => format!(
                "{}the own {network} accounts are {}",
                suggest(a, own.iter().map(String::as_str))
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default(),
                own.join(", ")
            ),
        };
        return Err(at_goal(
            s,
            goal,
            format!("goal `{}`: `{a}` is not an own {network} account", goal.id),
            Some(hint),
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
    // No competitor record of the network in the days read (a report of a
    // month before the competitors' exports start): no data, said, not a
    // run stopped for one goal.
    if competitors.is_empty() {
        return Ok(vec![judge.result(
            None,
            None,
            Status::NoData,
            format!(
                "no data: the competitor sources hold no {network} records in the days read, so {network} has no panel; give the competitors' exports of this network a [[source]] with role = \"competitor\""
            ),
            None,
        )]);
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
    if let Versus::Vs { reference, .. } = &against.what
        && (*reference == judge.subject
            || (goal.filter.account.is_none() && own.contains(reference)))
    {
        let subject = &judge.subject;
        return Err(at_goal(
            s,
            goal,
            format!(
                "goal `{}`: `vs = \"{reference}\"` compares {subject} with itself",
                goal.id
            ),
            Some(match goal.filter.account.is_none() {
                true => format!(
                    "without `account`, the goal judges the own {network} accounts together ({}): compare them with median, best or a competitor ({})",
                    own.join(", "),
                    competitors.join(", ")
                ),
                false => format!(
                    "compare {subject} with median, best, a competitor ({}), or another own account",
                    competitors.join(", ")
                ),
            }),
        ));
    }
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
    fn by_change(&self) -> bool {
        self.goal.measure == Measure::Change
    }

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
            _ if self.by_change() => "%".to_string(),
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

    /// What the panel is ranked by as people read it: a value of the KPI,
    /// or a % change with its sign (`+5%`, `-2.5%`).
    fn shown_measure(&self, x: f64) -> String {
        match self.by_change() {
            true => fmt_change_at(x, 2),
            false => self.shown(x),
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
            .filter_map(|e| {
                Some(format!(
                    "{} {}",
                    e.account,
                    self.shown_measure(e.value.number()?)
                ))
            })
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

    /// The panel in `period` as the goal measures it: by value, or by the
    /// change from the period before (with that period and the subject's
    /// value in both, for the message).
    fn standing(&self, period: Period) -> Result<(Standing, Option<Before>)> {
        let diag = |d| Error::Diagnostics(Diagnostics(vec![d]));
        let account = self.goal.filter.account.as_deref();
        let now = self
            .panel
            .standing(&self.goal.kpi, period, account)
            .map_err(diag)?;
        if !self.by_change() {
            return Ok((now, None));
        }
        let q = period.previous();
        let then = match q {
            Some(q) => Some(
                self.panel
                    .standing(&self.goal.kpi, q, account)
                    .map_err(diag)?,
            ),
            None => None,
        };
        let label = q.map_or_else(
            || format!("the {} before", self.goal.grain),
            |q| self.s.ws.calendar.label(q),
        );
        let changes = now.changes(
            then.as_ref(),
            &self.goal.kpi,
            &label,
            self.panel.lower_is_better(&self.goal.kpi),
        );
        let value = |st: Option<&Standing>| {
            st.and_then(|st| st.get(&self.subject))
                .and_then(|e| e.value.number())
        };
        let before = Before {
            period: q,
            label,
            now: value(Some(&now)),
            then: value(then.as_ref()),
        };
        Ok((changes, Some(before)))
    }

    fn at(&self, period: Period) -> Result<GoalResult> {
        let (standing, before) = self.standing(period)?;
        let label = self.s.ws.calendar.label(period);
        let network = &self.panel.network;
        let kind = self.goal.against.as_ref().map_or("rank", |a| a.kind());
        let mut out = PanelOut {
            kind: kind.into(),
            network: network.clone(),
            subject: self.subject.clone(),
            measure: if self.by_change() { "change" } else { "value" }.into(),
            from: before.as_ref().map(|b| b.label.clone()),
            change: self
                .goal
                .against
                .as_ref()
                .and_then(|a| a.gate.as_ref())
                .map(|g| g.1.clone()),
            value: None,
            rank: None,
            ranked: standing.ranked(),
            reference: None,
            accounts: AccountOut::all(&standing),
        };
        // The subject's own value and the one it changed from, as a change
        // goal without a panel gives them.
        let with_before = |mut r: GoalResult| {
            if let Some(b) = &before {
                r.kpi_value = b.now;
                r.previous = b.period.zip(b.then).map(|(q, value)| Previous {
                    period: period_out(&self.s.ws.calendar, q, self.panel.own_range()),
                    value,
                });
            }
            r
        };
        let no_data = |message: String, out: PanelOut| {
            Ok(with_before(self.result(
                Some(period),
                None,
                Status::NoData,
                message,
                Some(out),
            )))
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
        let by = match &before {
            Some(b) => format!("{} change from {}", self.goal.kpi, b.label),
            None => self.goal.kpi.clone(),
        };
        let no_competitor = || {
            format!(
                "no data: no competitor has a value of {by} in {label} ({})",
                self.listing(&standing)
            )
        };
        // The subject as the message opens: `10%`, or `+10% change (10% in
        // 2026-03 vs 9.09% in 2026-02)`.
        let subject = match &before {
            Some(Before {
                now: Some(v),
                then: Some(t),
                label: q,
                ..
            }) => format!(
                "{} change ({} in {label} vs {} in {q})",
                self.shown_measure(own),
                self.shown(*v),
                self.shown(*t)
            ),
            _ => self.shown_measure(own),
        };
        match &self.goal.against.as_ref().map(|a| a.what.clone()) {
            Some(Versus::Vs {
                reference,
                multiple,
            }) => {
                let change = if self.by_change() { " change" } else { "" };
                let (value, account, what) = match reference.as_str() {
                    "median" => match standing.median() {
                        Some(m) => (
                            m,
                            None,
                            format!("the competitors' median{change} {}", self.shown_measure(m)),
                        ),
                        None => return no_data(no_competitor(), out),
                    },
                    "best" => match standing.best() {
                        Some(b) => {
                            let v = b.value.number().unwrap_or(f64::NAN);
                            (
                                v,
                                Some(b.account.clone()),
                                format!(
                                    "the best competitor, {}{change} {}",
                                    b.account,
                                    self.shown_measure(v)
                                ),
                            )
                        }
                        None => return no_data(no_competitor(), out),
                    },
                    account => match standing.get(account).map(|e| &e.value) {
                        Some(Value::Number(v)) => (
                            *v,
                            Some(account.to_string()),
                            format!("{account}'s{change} {}", self.shown_measure(*v)),
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
                        format!("{subject} is {} {what}", fmt_value_at(r, "x", d)),
                    )
                } else {
                    let diff = own - value;
                    let side = if shown_as(diff, d) >= 0.0 {
                        "above"
                    } else {
                        "below"
                    };
                    // A difference of two changes, or of two rates in %, is in
                    // points, not a % of either.
                    let gap = match self.by_change() || self.unit == "%" {
                        true => {
                            let n = fmt_value_at(diff.abs(), "", d);
                            let word = if n == "1" { "point" } else { "points" };
                            format!("{n} {word}")
                        }
                        false => fmt_value_at(diff.abs(), &self.unit, d),
                    };
                    (diff, format!("{subject} is {gap} {side} {what}"))
                };
                let (status, word) = self.verdict(measure);
                let target = match (self.by_change(), multiple) {
                    (true, _) => format!("change {}", self.goal.target.display("%")),
                    (false, true) => self.goal.target.display("x"),
                    (false, false) => self.goal.target.display(&self.unit),
                };
                let message = format!("{said} and {word} the target {target}");
                Ok(with_before(self.result(
                    Some(period),
                    Some(measure),
                    status,
                    message,
                    Some(out),
                )))
            }
            _ => {
                let rank = entry.rank.unwrap_or(0);
                let (mut status, word) = self.verdict(rank as f64);
                let mut message = format!(
                    "rank {rank} of {} on {network} by {by} ({}) {word} the target rank {}",
                    standing.ranked(),
                    self.listing(&standing),
                    self.goal.target.display("")
                );
                // First among those who all fell is no success: the own
                // change meets its own condition too.
                let gate = self.goal.against.as_ref().and_then(|a| a.gate.as_ref());
                if let Some((c, _)) = gate {
                    let d = c.decimals();
                    let holds = c.holds_at(own, d);
                    if !holds {
                        status = Status::Fail;
                    }
                    message = format!(
                        "{message}; {subject} {} the target change {}",
                        if holds { "meets" } else { "misses" },
                        c.display("%")
                    );
                }
                Ok(with_before(self.result(
                    Some(period),
                    Some(rank as f64),
                    status,
                    message,
                    Some(out),
                )))
            }
        }
    }
}

/// A change goal's period before: which it is, and the subject's value of
/// the KPI now and then.
struct Before {
    period: Option<Period>,
    label: String,
    now: Option<f64>,
    then: Option<f64>,
}
