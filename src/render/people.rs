//! The report's values as people read them, in the workspace's locale:
//! periods named (`octobre 2026`), days written out, numbers and money in
//! the local conventions (`0,57 €`), conditions and goal results in words.
//! The HTML page and its charts take every value from here.

use super::page::per_day;
use super::report::{Chart, ChartProjection, Figure, FigureKind};
use crate::aggregate::Calendar;
use crate::aggregate::period::parse_day;
use crate::goals::condition::{Op, SHOWN_DECIMALS};
use crate::goals::{Condition, GoalResult, Measure, Status};
use crate::history::{Change, Kind};
use crate::locale::{Locale, NO_VALUE};

pub struct People<'a> {
    pub loc: &'a Locale,
    pub cal: &'a Calendar,
    pub currency: Option<&'a str>,
}

impl People<'_> {
    /// A period label (`2026-10`) as people name it (`October 2026`); a
    /// label that is not a period is shown as it is.
    pub fn period(&self, label: &str) -> String {
        self.cal
            .parse_label(label)
            .map_or_else(|| label.to_string(), |p| self.loc.period(p, self.cal))
    }

    /// A period label on a chart's axis: `Oct`, `W41`.
    pub fn period_short(&self, label: &str) -> String {
        self.cal
            .parse_label(label)
            .map_or_else(|| label.to_string(), |p| self.loc.period_short(p, self.cal))
    }

    /// A `YYYY-MM-DD` day written out: `31 October 2026`.
    pub fn day(&self, text: &str) -> String {
        parse_day(text).map_or_else(|| text.to_string(), |d| self.loc.day(d))
    }

    /// A `YYYY-MM-DD` day in short, its year left to the page: `25 Oct`.
    pub fn day_short(&self, text: &str) -> String {
        parse_day(text).map_or_else(|| text.to_string(), |d| self.loc.day_short(d))
    }

    /// A value in a KPI's unit with up to `decimals` decimals.
    pub fn value(&self, v: f64, unit: &str, decimals: usize) -> String {
        self.loc.value(v, unit, self.currency, decimals)
    }

    /// What changed in a goal's result since the last report, in a sentence:
    /// a recovery or a new failure with the status and value before, a
    /// restated figure with both values and the inputs that changed.
    pub fn since(&self, r: &GoalResult, c: &Change) -> String {
        let figure = |x: Option<f64>| {
            x.map_or_else(
                || NO_VALUE.into(),
                |v| self.value(v, &c.unit, r.goal.decimals()),
            )
        };
        let was = figure(c.before.value);
        let day = self.day(c.before.at.get(..10).unwrap_or(&c.before.at));
        let mut out = match c.kind {
            Kind::Restated => self.loc.message(
                "since.restated",
                &[("was", &was), ("now", &figure(c.value)), ("day", &day)],
            ),
            kind => {
                let key = match kind {
                    Kind::NewFailure => "since.new_failure",
                    Kind::Recovered => "since.recovered",
                    _ => "since.status",
                };
                let status = Status::parse(&c.before.status)
                    .map_or_else(|| c.before.status.clone(), |s| self.status(s));
                let period = c
                    .before
                    .period
                    .as_deref()
                    .map_or(NO_VALUE.into(), |p| self.period(p));
                self.loc.message(
                    key,
                    &[("was_status", &status), ("was", &was), ("period", &period)],
                )
            }
        };
        if !c.inputs.is_empty() {
            let files: Vec<&str> = c.inputs.iter().map(|i| i.path.as_str()).collect();
            out.push(' ');
            out += &self
                .loc
                .message("since.inputs", &[("files", &files.join(", "))]);
        }
        out
    }

    /// `≥ 4 %`, `between 2 % and 5 %`.
    pub fn condition(&self, c: &Condition, unit: &str, decimals: usize) -> String {
        let v = |x: f64| self.value(x, unit, decimals);
        match *c {
            // The signs people write, not the ones kpiscope.toml is typed with.
            Condition::Cmp(op, x) => {
                let sign = match op {
                    Op::Ge => "≥",
                    Op::Gt => ">",
                    Op::Le => "≤",
                    Op::Lt => "<",
                    Op::Eq => "=",
                };
                format!("{sign} {}", v(x))
            }
            Condition::Between(a, b) => self
                .loc
                .message("goals.between", &[("low", &v(a)), ("high", &v(b))]),
        }
    }

    /// A figure's value (`previous`: of the period before).
    pub fn figure(&self, f: &Figure, previous: bool) -> String {
        let Some(v) = (if previous { f.previous } else { f.value }) else {
            return NO_VALUE.into();
        };
        match f.kind {
            FigureKind::Count => self.loc.number_up_to(v, SHOWN_DECIMALS),
            FigureKind::PerDay => self.loc.number_up_to(v, SHOWN_DECIMALS),
            FigureKind::Percent => self.loc.percent_up_to(v, SHOWN_DECIMALS),
            FigureKind::Money => self.value(v, "currency", SHOWN_DECIMALS),
            FigureKind::Growth { pct, previous_pct } => {
                let count = self.loc.signed_count(v);
                match if previous { previous_pct } else { pct } {
                    Some(p) => format!("{count} ({})", self.loc.signed_percent_up_to(p, 1)),
                    None => count,
                }
            }
        }
    }

    /// A figure's change from the period before: in %, of a rate in points.
    pub fn change(&self, f: &Figure) -> String {
        match (f.kind, f.value, f.previous) {
            (FigureKind::Growth { .. }, _, _) => String::new(),
            (FigureKind::Percent, Some(v), Some(p)) => self.loc.message(
                "unit.points",
                &[("n", &self.loc.signed_number_up_to(v - p, SHOWN_DECIMALS))],
            ),
            (_, Some(v), Some(p)) if p != 0.0 => crate::kpi::percent_change(v, p)
                .map_or_else(|| NO_VALUE.into(), |c| self.loc.signed_percent_up_to(c, 1)),
            _ => NO_VALUE.into(),
        }
    }

    /// A goal result's value, "—" without one.
    pub fn result_value(&self, r: &GoalResult) -> String {
        r.value.map_or_else(
            || NO_VALUE.into(),
            |v| self.value(v, &r.unit, r.goal.decimals()),
        )
    }

    /// The goal's condition in words: `≥ 4 % (warn ≥ 3 %)`, `change ≥ 2 %`,
    /// `≥ 10 000 by 31 December 2026`.
    pub fn result_target(&self, r: &GoalResult) -> String {
        let g = &r.goal;
        let target = self.condition(&g.target, &r.unit, g.decimals());
        let target = match (&g.against, g.measure) {
            (Some(a), measure) => {
                let change = |condition: &str| {
                    self.loc
                        .message("goals.target_change", &[("condition", condition)])
                };
                match &a.what {
                    crate::goals::against::Versus::Rank => {
                        let rank = self
                            .loc
                            .message("panel.target_rank", &[("condition", &target)]);
                        match &a.gate {
                            Some((c, _)) => {
                                let c = self.condition(c, "%", c.decimals());
                                format!("{rank}, {}", change(&c))
                            }
                            None => rank,
                        }
                    }
                    crate::goals::against::Versus::Vs { reference, .. } => {
                        let target = match measure {
                            Measure::Change => change(&target),
                            _ => target,
                        };
                        let reference = match reference.as_str() {
                            "median" | "best" => self.loc.text(&format!("panel.{reference}")),
                            account => account.to_string(),
                        };
                        self.loc.message(
                            "panel.target_vs",
                            &[("condition", &target), ("reference", &reference)],
                        )
                    }
                }
            }
            (None, Measure::Value) => target,
            (None, Measure::Change) => self
                .loc
                .message("goals.target_change", &[("condition", &target)]),
            (None, Measure::Deadline(day)) => self.loc.message(
                "goals.target_by",
                &[("condition", &target), ("day", &self.loc.day(day))],
            ),
        };
        match g.warn {
            Some(w) => self.loc.message(
                "goals.target_with_warn",
                &[
                    ("target", &target),
                    ("warn", &self.condition(&w, &r.unit, g.decimals())),
                ],
            ),
            None => target,
        }
    }

    /// What a result says: the checker's own sentence in English, which
    /// tells by how much; in another language the same verdict in its words,
    /// with a deadline's projection and the pace it needs.
    pub fn result_message(&self, r: &GoalResult) -> String {
        if self.loc.language() == "en" {
            return r.message.clone();
        }
        let value = self.result_value(r);
        let target = self.condition(&r.goal.target, &r.unit, r.goal.decimals());
        let mut out = match r.status {
            Status::Pass => self
                .loc
                .message("result.meets", &[("value", &value), ("target", &target)]),
            Status::Warn => self
                .loc
                .message("result.warn", &[("value", &value), ("target", &target)]),
            Status::Fail => self
                .loc
                .message("result.misses", &[("value", &value), ("target", &target)]),
            Status::NoData => self.loc.text("result.no_data"),
        };
        if let Some(p) = &r.projection
            && !p.passed
        {
            let (value, needs, trend) = self.projection_parts(
                &r.unit,
                r.goal.decimals(),
                (p.projected, &p.period.label),
                p.needed_per_day
                    .zip(p.latest.as_ref().map(|l| (l.value, l.label.as_str()))),
                p.trend_per_day,
            );
            let parts: Vec<String> = [Some(value), needs, trend].into_iter().flatten().collect();
            out = format!("{out} ({})", parts.join(", "));
        }
        out
    }

    /// A deadline's projection in words: `10 137 projetés pour décembre
    /// 2026 ; il faut +7,92/jour depuis 9 517 (octobre 2026), tendance …`.
    pub fn projection(&self, c: &Chart, p: &ChartProjection) -> String {
        let (mut out, needs, trend) = self.projection_parts(
            &c.unit,
            c.decimals,
            (p.value, &p.label),
            p.needed_per_day
                .map(|n| (n, (p.latest_value, p.latest.as_str()))),
            p.trend_per_day,
        );
        if let Some(n) = needs {
            out += &format!("; {n}");
        }
        if let Some(t) = trend {
            out += &format!(", {t}");
        }
        out
    }

    /// A projection's three parts in words: the value projected for its
    /// period; the pace needed from the latest value, when known; the
    /// trend's pace, when known.
    fn projection_parts(
        &self,
        unit: &str,
        decimals: usize,
        (projected, period): (f64, &str),
        needed: Option<(f64, (f64, &str))>,
        trend: Option<f64>,
    ) -> (String, Option<String>, Option<String>) {
        let loc = self.loc;
        let rate = |x: f64| per_day(loc, x);
        let value = loc.message(
            "projection.value",
            &[
                ("value", &self.value(projected, unit, decimals)),
                ("period", &self.period(period)),
            ],
        );
        let needs = needed.map(|(n, (latest, label))| {
            loc.message(
                "projection.needs",
                &[
                    ("rate", &rate(n)),
                    ("value", &self.value(latest, unit, decimals)),
                    ("period", &self.period(label)),
                ],
            )
        });
        let trend = trend.map(|t| loc.message("projection.trend", &[("rate", &rate(t))]));
        (value, needs, trend)
    }

    pub fn status(&self, s: Status) -> String {
        let sign = match s {
            Status::Pass => "✓",
            Status::Warn => "!",
            Status::Fail => "✗",
            Status::NoData => "–",
        };
        format!(
            "{sign} {}",
            self.loc.text(&format!("status.{}", s.as_str()))
        )
    }
}
