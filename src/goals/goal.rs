//! The checked goal model, built from `[[goal]]` tables.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use super::against::{Against, Versus, strip_multiple};
use super::condition::{Condition, Marks};
use crate::aggregate::period::{format_day, parse_day};
use crate::aggregate::{Calendar, Day, Filter, Grain, Period, View};
use crate::workspace::Located;
use crate::workspace::raw::RawGoal;

/// Which period a goal looks at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PeriodSpec {
    /// The last complete period as of the data's last day (or `--as-of`).
    Last,
    /// The period that holds that day.
    Current,
    Fixed(Period),
    /// Grain `all`: the whole data range.
    All,
    /// Every period of the data range, one result each.
    Each,
}

/// What a goal's conditions are checked on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    /// The KPI's value in the period.
    Value,
    /// The % change of the KPI from the previous period (`change = ">= 5%"`).
    Change,
    /// The KPI's value in the period holding the deadline, projected from
    /// its trend until that period is over (`by = "2026-12-31"`).
    Deadline(Day),
}

/// What a goal with no value counts as, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoData {
    Fail,
    Warn,
    Pass,
}

#[derive(Debug, Clone)]
pub struct Goal {
    pub id: String,
    pub kpi: String,
    pub title: String,
    pub filter: Filter,
    pub grain: Grain,
    pub period: PeriodSpec,
    pub measure: Measure,
    /// Pass when `target` holds on the measure; else warn when `warn` holds; else fail.
    pub target: Condition,
    pub warn: Option<Condition>,
    pub no_data: NoData,
    /// The conditions as written, for outputs (`change`'s text for a change goal).
    pub target_text: Option<String>,
    pub warn_text: Option<String>,
    /// Where the `kpi = ...` value stands, for diagnostics found later.
    pub kpi_span: Range<usize>,
    /// Where the `target` (or `change`) and `warn` values stand, and how
    /// their numbers are written (with `%` or not): whether a `%` fits the
    /// KPI's unit is known once the KPIs are loaded.
    pub target_at: (Range<usize>, Marks),
    pub warn_at: Option<(Range<usize>, Marks)>,
    /// A panel goal's `rank` or `vs` (issue 16): judged against the
    /// network's competitors instead of on the value alone.
    pub against: Option<Against>,
}

/// A condition whose units do not fit its goal: where, why, and how to write it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitProblem {
    pub span: Range<usize>,
    pub message: String,
    pub hint: String,
}

impl Goal {
    /// The period as `list goals` shows it: `month last`, `week each`, `month by 2026-12-31`.
    pub fn period_text(&self, calendar: &Calendar) -> String {
        let which = match (self.measure, self.period) {
            (Measure::Deadline(day), _) => format!("by {}", format_day(day)),
            (_, PeriodSpec::Last) => "last".into(),
            (_, PeriodSpec::Current) => "current".into(),
            (_, PeriodSpec::All) => "all".into(),
            (_, PeriodSpec::Each) => "each".into(),
            (_, PeriodSpec::Fixed(p)) => calendar.label(p),
        };
        format!("{} {which}", self.grain)
    }

    /// The pass condition with its unit: `>= 4%`, `change >= 5%`.
    pub fn target_display(&self, unit: &str) -> String {
        match &self.against {
            Some(Against {
                what: Versus::Rank,
                gate,
                ..
            }) => {
                let rank = format!("rank {}", self.target.display(""));
                return match gate {
                    Some((c, _)) => format!("{rank} by change, change {}", c.display("%")),
                    None => rank,
                };
            }
            Some(Against {
                what:
                    Versus::Vs {
                        reference,
                        multiple,
                    },
                ..
            }) => {
                let t = match (self.measure, multiple) {
                    (Measure::Change, _) => format!("change {}", self.target.display("%")),
                    (_, true) => self.target.display("x"),
                    (_, false) => self.target.display(unit),
                };
                return format!("{t} vs {reference}");
            }
            None => {}
        }
        match self.measure {
            Measure::Change => format!("change {}", self.target.display("%")),
            _ => self.target.display(unit),
        }
    }

    /// The decimals the goal's value is judged and shown at: those of its
    /// conditions (see [`Condition::decimals`]), so that the target and the
    /// warn band judge one and the same number.
    pub fn decimals(&self) -> usize {
        self.warn
            .iter()
            .fold(self.target.decimals(), |d, w| d.max(w.decimals()))
    }

    /// The warn condition with its unit, if any.
    pub fn warn_display(&self, unit: &str) -> Option<String> {
        let unit = match (&self.against, self.measure) {
            (
                Some(Against {
                    what: Versus::Rank, ..
                }),
                _,
            ) => "",
            (
                Some(Against {
                    what: Versus::Vs { multiple: true, .. },
                    ..
                }),
                Measure::Value,
            ) => "x",
            (_, Measure::Change) => "%",
            _ => unit,
        };
        self.warn.map(|w| w.display(unit))
    }

    pub fn view(&self) -> View {
        View {
            grain: self.grain,
            by: Vec::new(),
            filter: self.filter.clone(),
        }
    }

    /// Where the goal's conditions say something its KPI's unit (`unit`, as
    /// the KPI's `unit:` line gives it) cannot mean. A `%` is a
    /// percentage: on a KPI in % it is that KPI's own unit, on a change it is
    /// the change; on an amount, a count, seconds or a ratio it would be read
    /// as a plain number (`<= 30%` on a cost per click in EUR as 30 EUR), so
    /// it is refused rather than guessed. A change is always in %: `>= 0.02`
    /// could be 2% written as a ratio or 0.02%, so it must say which.
    pub fn unit_problems(&self, unit: &str, currency: Option<&str>) -> Vec<UnitProblem> {
        let mut out = Vec::new();
        // A rank is a position and a `vs` multiple a ratio: neither is in
        // the KPI's unit. A change against the panel is in % as any change
        // is; a rank goal's `warn` is still on the rank.
        let change_text = match &self.against {
            None => self.target_text.as_deref(),
            Some(_) if self.measure != Measure::Change => return out,
            Some(a) => a
                .gate
                .as_ref()
                .map(|g| g.1.as_str())
                .or(self.target_text.as_deref()),
        };
        let warn_too = !matches!(
            self.against,
            Some(Against {
                what: Versus::Rank,
                ..
            })
        );
        let conditions = std::iter::once((&self.target_at, change_text, true)).chain(
            self.warn_at
                .iter()
                .filter(|_| warn_too)
                .map(|w| (w, self.warn_text.as_deref(), false)),
        );
        for ((span, marks), text, is_target) in conditions {
            let text = text.unwrap_or_default();
            let key = match (self.measure, is_target) {
                (_, false) => "warn",
                (Measure::Change, true) => "change",
                (_, true) => "target",
            };
            let problem = |message: String, hint: String| UnitProblem {
                span: span.clone(),
                message: format!("goal `{}`: {message}", self.id),
                hint,
            };
            if self.measure == Measure::Change {
                if marks.bare {
                    out.push(problem(
                        format!(
                            "`{key} = \"{text}\"`: a change is a % change, and a number without `%` could be a ratio or a percentage"
                        ),
                        format!(
                            "write `%` after each number: `{}` for a rise of at least 2% (a ratio of 0.02), `>= 0.02%` for 0.02%",
                            match key {
                                "warn" => "warn = \">= 2%\"",
                                _ => "change = \">= 2%\"",
                            }
                        ),
                    ));
                }
                continue;
            }
            if !marks.percent || unit == "%" {
                continue;
            }
            let plain = text.replace('%', "");
            let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
            let what = match (unit, currency) {
                ("currency", Some(c)) => format!("an amount in {c} (unit: currency)"),
                ("currency", None) => "an amount of money (unit: currency)".to_string(),
                ("count", _) => "a count (unit: count)".to_string(),
                ("seconds", _) => "a duration in seconds (unit: seconds)".to_string(),
                ("ratio", _) => "a ratio (unit: ratio)".to_string(),
                ("", _) => {
                    "a number without a unit (its doc comment has no `unit:` line)".to_string()
                }
                (other, _) => format!("in {other} (unit: {other})"),
            };
            let hint = match unit {
                "ratio" => format!(
                    "a ratio of 0.3 is 30%: write the ratio (`{key} = \"{}\"`)",
                    ratio_of(self.target_for(is_target), &plain)
                ),
                "" => format!(
                    "add `/// unit: %` to the KPI's doc comment if its values are percentages, or write `{key} = \"{plain}\"`"
                ),
                _ if key == "target" && self.measure == Measure::Value => format!(
                    "write the number in the KPI's unit (`target = \"{plain}\"`), or for a % change from the period before, `change = \"{text}\"`"
                ),
                _ => format!("write the number in the KPI's unit: `{key} = \"{plain}\"`"),
            };
            out.push(problem(
                format!("`{key} = \"{text}\"` is in %, but `{}` is {what}", self.kpi),
                hint,
            ));
        }
        out
    }

    fn target_for(&self, is_target: bool) -> Option<Condition> {
        if is_target {
            Some(self.target)
        } else {
            self.warn
        }
    }

    /// Builds a goal, reporting every problem of the table into `at`.
    pub fn check(raw: RawGoal, calendar: &Calendar, at: &mut Located) -> Option<Goal> {
        let before = at.diagnostics.0.len();
        let fail = |at: &mut Located, span: Range<usize>, msg: String| at.error(span, msg);
        let explicit_grain = match &raw.grain {
            Some(g) => match Grain::parse(g.get_ref()) {
                Some(grain) => Some(grain),
                None => {
                    fail(
                        at,
                        g.span(),
                        format!(
                            "unknown grain `{}`: use one of {}{}",
                            g.get_ref(),
                            Grain::NAMES.join(", "),
                            crate::diagnostic::did_you_mean(g.get_ref(), Grain::NAMES)
                        ),
                    );
                    None
                }
            },
            None => None,
        };
        let period_text = raw
            .period
            .as_ref()
            .map(|p| p.get_ref().as_str())
            .unwrap_or("last");
        let mut grain = explicit_grain.unwrap_or(Grain::Month);
        let period = match period_text {
            "last" => PeriodSpec::Last,
            "current" => PeriodSpec::Current,
            "all" => PeriodSpec::All,
            "each" => PeriodSpec::Each,
            label => match calendar.parse_label(label) {
                Some(p) => {
                    if explicit_grain.is_some_and(|g| g != p.grain) {
                        fail(
                            at,
                            span_of(&raw.period),
                            format!(
                                "period `{label}` is a {} but the goal's grain is {}",
                                p.grain, grain
                            ),
                        );
                    }
                    grain = p.grain;
                    PeriodSpec::Fixed(p)
                }
                None => {
                    fail(
                        at,
                        span_of(&raw.period),
                        format!(
                            "`{label}` is not a period: use last, current, all, or a label such as 2026-10, 2026-Q4, 2026, 2026-W41, 2026-10-03"
                        ),
                    );
                    PeriodSpec::Last
                }
            },
        };
        if grain == Grain::All
            && !matches!(
                period,
                PeriodSpec::All | PeriodSpec::Last | PeriodSpec::Current | PeriodSpec::Each
            )
        {
            fail(
                at,
                span_of(&raw.period),
                "grain `all` goes with `period = \"all\"`".into(),
            );
        }
        if period == PeriodSpec::All && grain != Grain::All {
            if explicit_grain.is_some() {
                fail(
                    at,
                    span_of(&raw.period),
                    "`period = \"all\"` goes with `grain = \"all\"`".into(),
                );
            }
            grain = Grain::All;
        }
        let period = if grain == Grain::All {
            PeriodSpec::All
        } else {
            period
        };

        let cond = |at: &mut Located, s: &Option<Spanned<String>>| -> Option<Condition> {
            let s = s.as_ref()?;
            match Condition::parse(s.get_ref()) {
                Ok(c) => Some(c),
                Err(e) => {
                    at.error(s.span(), e);
                    None
                }
            }
        };
        let measure = measure(&raw, grain, &period, at);
        let against = against(&raw, at);
        // A change is compared with the reference's change in points: a
        // multiple of a change would turn upside down on a fall.
        if raw.vs.is_some() && raw.change.is_some() {
            for (key, s) in [("change", &raw.change), ("warn", &raw.warn)] {
                if let Some(s) = s
                    && strip_multiple(s.get_ref()).1
                {
                    at.error(
                        s.span(),
                        format!("{}: `{key} = \"{}\"`: with `vs`, a change is judged by how many points it is above or below the reference's change, not as a multiple of it (a multiple of a fall reads upside down): write `{key} = \">= 0%\"` for at least as fast as the reference, `\">= 5%\"` for 5 points faster", who(&raw), s.get_ref().trim()),
                    );
                }
            }
        }
        // A `vs` target may be a multiple of the reference: `>= 1.1x`.
        let mut multiple = false;
        let mut cond_vs = |at: &mut Located, s: &Option<Spanned<String>>| -> Option<Condition> {
            let s = s.as_ref()?;
            let (text, x) = match raw.vs.is_some() {
                true => strip_multiple(s.get_ref()),
                false => (s.get_ref().clone(), false),
            };
            multiple |= x;
            match Condition::parse(&text) {
                Ok(c) => Some(c),
                Err(e) => {
                    at.error(s.span(), e);
                    None
                }
            }
        };
        // A rank goal's target is its rank; with `change` the panel is
        // ranked by the change, and the own change meets `change` too.
        let target = if raw.rank.is_some() {
            cond(at, &raw.rank)
        } else if raw.change.is_some() && raw.vs.is_some() {
            // Its `x`, refused above, is not a second error.
            cond_vs(at, &raw.change)
        } else if raw.change.is_some() {
            cond(at, &raw.change)
        } else {
            cond_vs(at, &raw.target)
        };
        let gate = match raw.rank.is_some() {
            true => cond(at, &raw.change)
                .zip(raw.change.as_ref().map(|c| c.get_ref().trim().to_string())),
            false => None,
        };
        let warn = cond_vs(at, &raw.warn);
        let against = against.map(|mut a| {
            if let Versus::Vs { multiple: m, .. } = &mut a.what {
                *m = multiple && raw.change.is_none();
            }
            a.gate = gate;
            a
        });
        if let (Some(t), Some(w), Some(w_text)) = (target, warn, &raw.warn)
            && let Some(problem) = t.warn_problem(&w)
        {
            let target_text = raw
                .rank
                .as_ref()
                .or(raw.change.as_ref())
                .or(raw.target.as_ref());
            at.error(
                w_text.span(),
                format!(
                    "`warn = \"{}\"` with `{} = \"{}\"`: {problem}; {}",
                    w_text.get_ref().trim(),
                    if raw.rank.is_some() {
                        "rank"
                    } else if raw.change.is_some() {
                        "change"
                    } else {
                        "target"
                    },
                    target_text.map_or("", |s| s.get_ref().trim()),
                    warn_example(&t)
                ),
            );
        }
        // A `vs` without one says so itself, with the forms it takes.
        if raw.target.is_none() && raw.change.is_none() && raw.rank.is_none() && raw.vs.is_none() {
            fail(
                at,
                raw.kpi.span(),
                format!(
                    "goal on `{}` has no `target`: add one such as `target = \">= 4\"`",
                    raw.kpi.get_ref()
                ),
            );
        }
        let no_data = match raw
            .no_data
            .as_ref()
            .map(|s| (s.get_ref().as_str(), s.span()))
        {
            None | Some(("fail", _)) => NoData::Fail,
            Some(("warn", _)) => NoData::Warn,
            Some(("pass", _)) => NoData::Pass,
            Some((other, span)) => {
                fail(
                    at,
                    span,
                    format!(
                        "`no_data = \"{other}\"`: use fail, warn or pass{}",
                        crate::diagnostic::did_you_mean(other, ["fail", "warn", "pass"])
                    ),
                );
                NoData::Fail
            }
        };
        let filter = Filter {
            network: raw.network.clone(),
            account: raw.account.clone(),
            dims: raw.where_.clone().unwrap_or_default(),
        };
        let kpi = raw.kpi.get_ref().clone();
        let id = match &raw.id {
            Some(id) => id.get_ref().clone(),
            None => derive_id(&kpi, &filter, grain, measure, &period, against.as_ref()),
        };
        if at.diagnostics.0.len() > before {
            return None;
        }
        Some(Goal {
            title: raw
                .title
                .clone()
                .unwrap_or_else(|| default_title(&kpi, &filter, grain, &raw)),
            id,
            kpi,
            filter,
            grain,
            period,
            measure: measure?,
            target: target?,
            warn,
            no_data,
            target_text: raw
                .rank
                .as_ref()
                .or(raw.change.as_ref())
                .or(raw.target.as_ref())
                .map(|s| s.get_ref().trim().to_string()),
            warn_text: raw.warn.as_ref().map(|s| s.get_ref().trim().to_string()),
            kpi_span: raw.kpi.span(),
            target_at: raw
                .change
                .as_ref()
                .or(raw.target.as_ref())
                .map(|s| (s.span(), Marks::of(s.get_ref())))
                .unwrap_or_default(),
            warn_at: raw
                .warn
                .as_ref()
                .map(|s| (s.span(), Marks::of(s.get_ref()))),
            against,
        })
    }
}

/// `c` with its numbers divided by 100, as written: `>= 0.3` for `>= 30%`.
fn ratio_of(c: Option<Condition>, plain: &str) -> String {
    let r = |x: f64| super::condition::fmt_decimals(x / 100.0, 12);
    match c {
        Some(Condition::Cmp(op, x)) => format!("{op} {}", r(x)),
        Some(Condition::Between(a, b)) => format!("between {} and {}", r(a), r(b)),
        None => plain.to_string(),
    }
}

/// A `warn` that goes with `target`, for messages.
fn warn_example(target: &Condition) -> &'static str {
    use super::condition::Op;
    match target {
        Condition::Cmp(Op::Ge | Op::Gt, _) => {
            "with a target from below, a warn is `>=` a smaller number (`target = \">= 4\"`, `warn = \">= 3\"`)"
        }
        Condition::Cmp(Op::Le | Op::Lt, _) => {
            "with a target from above, a warn is `<=` a larger number (`target = \"<= 25\"`, `warn = \"<= 30\"`)"
        }
        _ => {
            "around a target, a warn is a wider band around it (`target = \"between 2 and 5\"`, `warn = \"between 1 and 6\"`)"
        }
    }
}

/// What the conditions apply to, from `change` and `by`, with the
/// combinations that make no sense reported.
fn measure(raw: &RawGoal, grain: Grain, period: &PeriodSpec, at: &mut Located) -> Option<Measure> {
    let before = at.diagnostics.0.len();
    // Name the goal: these problems concern how its keys combine.
    let who = who(raw);
    if let (Some(t), Some(_)) = (&raw.target, &raw.change) {
        at.error(
            t.span(),
            format!("{who} has `target` (on the value) or `change` (on the % change from the previous period), not both"),
        );
    }
    if let Some(c) = &raw.change
        && grain == Grain::All
    {
        at.error(
            c.span(),
            format!("{who}: `change` compares a period with the one before: give the goal a grain such as `grain = \"month\"`"),
        );
    }
    let measure = match &raw.by {
        None if raw.change.is_some() => Measure::Change,
        None => Measure::Value,
        Some(b) => {
            let day = parse_day(b.get_ref().trim());
            if day.is_none() {
                at.error(
                    b.span(),
                    format!(
                        "{who}: `by = \"{}\"` is not a date: write YYYY-MM-DD",
                        b.get_ref()
                    ),
                );
            }
            if raw.change.is_some() {
                at.error(
                    b.span(),
                    format!("{who}: a deadline goal projects the value itself: use `target` with `by`, not `change`"),
                );
            }
            if let Some(p) = &raw.period {
                at.error(
                    p.span(),
                    format!("{who}: a deadline goal looks at the period that holds its deadline: drop `period` (the grain sets the period's length)"),
                );
            }
            if grain == Grain::All || *period == PeriodSpec::All {
                at.error(
                    b.span(),
                    format!("{who}: a deadline goal projects per period: give it a grain such as `grain = \"month\"`"),
                );
            }
            Measure::Deadline(day.unwrap_or_default())
        }
    };
    (at.diagnostics.0.len() == before).then_some(measure)
}

/// The goal as messages about its keys name it.
fn who(raw: &RawGoal) -> String {
    match &raw.id {
        Some(id) => format!("goal `{}`", id.get_ref()),
        None => format!("goal on `{}`", raw.kpi.get_ref()),
    }
}

/// A goal's `rank` or `vs`, with the keys that cannot go with them reported.
fn against(raw: &RawGoal, at: &mut Located) -> Option<Against> {
    let key = raw.rank.as_ref().or(raw.vs.as_ref())?;
    let word = if raw.rank.is_some() { "rank" } else { "vs" };
    let who = who(raw);
    let before = at.diagnostics.0.len();
    if let (Some(r), Some(_)) = (&raw.rank, &raw.vs) {
        at.error(
            r.span(),
            format!(
                "{who} has `rank` (a position in the panel) or `vs` (a reference from it), not both"
            ),
        );
    }
    if let (Some(_), Some(t)) = (&raw.rank, &raw.target) {
        at.error(
            t.span(),
            format!("{who}: `rank = \"...\"` is the goal's target: drop `target`"),
        );
    }
    if raw.vs.is_some() && raw.target.is_none() && raw.change.is_none() {
        at.error(
            key.span(),
            format!("{who}: `vs` needs a `target`, such as `target = \">= 1.1x\"` (a multiple of the reference) or `target = \">= 0\"` (the difference from it), or a `change`, such as `change = \">= 0%\"` (its change against the reference's)"),
        );
    }
    if let Some(v) = &raw.by {
        at.error(
            v.span(),
            format!("{who}: `{word}` judges each period against the panel: `by` (a deadline) does not go with it; drop `by`, and give `period` the period to judge (`period = \"2026-12\"`)"),
        );
    }
    if raw.network.is_none() {
        at.error(
            key.span(),
            format!("{who}: a panel is one network's accounts: add `network = \"...\"` to compare with its competitors"),
        );
    }
    if raw.where_.as_ref().is_some_and(|w| !w.is_empty()) {
        at.error(
            key.span(),
            format!(
                "{who}: competitors' exports have no dimensions: `{word}` does not go with `where`"
            ),
        );
    }
    let what = match &raw.vs {
        Some(v) if raw.rank.is_none() => {
            let r = v.get_ref().trim();
            if r.is_empty() {
                at.error(
                    v.span(),
                    format!("{who}: `vs` is median, best or an account of the panel"),
                );
            }
            Versus::Vs {
                reference: r.to_string(),
                multiple: false,
            }
        }
        _ => Versus::Rank,
    };
    (at.diagnostics.0.len() == before).then(|| Against {
        what,
        span: key.span(),
        gate: None,
    })
}

fn span_of(s: &Option<Spanned<String>>) -> Range<usize> {
    s.as_ref().map_or(0..0, |s| s.span())
}

/// A stable id from what the goal is about, not from its thresholds (so
/// that tuning a target keeps the id): `err-instagram-acme-campaign=spring-month`,
/// `followers-instagram-month-by-2026-12-31`, `reach-month-change-each`.
fn derive_id(
    kpi: &str,
    f: &Filter,
    grain: Grain,
    measure: Option<Measure>,
    period: &PeriodSpec,
    against: Option<&Against>,
) -> String {
    let mut parts = vec![kpi.to_string()];
    parts.extend(f.network.clone());
    parts.extend(f.account.clone());
    parts.extend(f.dims.iter().map(|(k, v)| format!("{k}={v}")));
    parts.push(grain.to_string());
    if let Some(a) = against {
        parts.push(a.label().replace(' ', "-"));
    }
    match measure {
        Some(Measure::Change) => parts.push("change".into()),
        Some(Measure::Deadline(day)) => parts.push(format!("by-{}", format_day(day))),
        _ => {}
    }
    if *period == PeriodSpec::Each {
        parts.push("each".into());
    }
    parts.join("-")
}

fn default_title(kpi: &str, f: &Filter, grain: Grain, raw: &RawGoal) -> String {
    let mut scope: Vec<String> = f.network.iter().chain(f.account.iter()).cloned().collect();
    scope.extend(f.dims.iter().map(|(k, v)| format!("{k}={v}")));
    let scope = if scope.is_empty() {
        String::new()
    } else {
        format!(" ({})", scope.join(", "))
    };
    let text = |s: &Option<Spanned<String>>| s.as_ref().map(|t| t.get_ref().trim().to_string());
    let rule = match (text(&raw.change), text(&raw.target), text(&raw.by)) {
        (c, _, _) if raw.rank.is_some() => format!(
            " rank {}{}",
            text(&raw.rank).unwrap_or_default(),
            c.map_or(String::new(), |c| format!(" by change (change {c})"))
        ),
        (c, t, _) if raw.vs.is_some() => {
            let rule = c.map_or(t.unwrap_or_default(), |c| format!("change {c}"));
            format!(" {rule} vs {}", text(&raw.vs).unwrap_or_default())
        }
        (Some(c), _, _) => format!(" change {c}"),
        (None, Some(t), Some(by)) => format!(" {t} by {by}"),
        (None, Some(t), None) => format!(" {t}"),
        (None, None, _) => String::new(),
    };
    let each = if raw.period.as_ref().is_some_and(|p| p.get_ref() == "each") {
        "every"
    } else {
        "per"
    };
    if raw.by.is_some() {
        // The deadline says when; "per month" would read as a rate.
        return format!("{kpi}{scope}{rule}");
    }
    format!("{kpi}{scope}{rule} {each} {grain}")
}

/// Filters as JSON shows them.
pub fn where_map(f: &Filter) -> BTreeMap<String, String> {
    f.dims.clone()
}
