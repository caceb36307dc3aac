//! The checked goal model, built from `[[goal]]` tables.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use super::condition::Condition;
use crate::aggregate::{Calendar, Filter, Grain, Period, View};
use crate::workspace::Located;
use crate::workspace::raw::RawGoal;

/// Which period a goal looks at.
#[derive(Debug, Clone, PartialEq)]
pub enum PeriodSpec {
    /// The last complete period as of the data's last day (or `--as-of`).
    Last,
    /// The period that holds that day.
    Current,
    Fixed(Period),
    /// Grain `all`: the whole data range.
    All,
}

/// What a goal asks of its value.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// Pass when `target` holds; else warn when `warn` holds; else fail.
    Target {
        target: Condition,
        warn: Option<Condition>,
    },
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
    pub rule: Rule,
    pub no_data: NoData,
    /// The conditions as written, for outputs.
    pub target_text: Option<String>,
    pub warn_text: Option<String>,
    /// Where the `kpi = ...` value stands, for diagnostics found later.
    pub kpi_span: Range<usize>,
}

impl Goal {
    pub fn view(&self) -> View {
        View {
            grain: self.grain,
            by: Vec::new(),
            filter: self.filter.clone(),
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
                            "unknown grain `{}`: use one of {}",
                            g.get_ref(),
                            Grain::NAMES.join(", ")
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
            "each" => {
                fail(
                    at,
                    span_of(&raw.period),
                    "`period = \"each\"` is not supported by this version of kpiscope yet".into(),
                );
                PeriodSpec::Last
            }
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
                PeriodSpec::All | PeriodSpec::Last | PeriodSpec::Current
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
        if let Some(c) = &raw.change {
            fail(
                at,
                c.span(),
                "`change` goals are not supported by this version of kpiscope yet".into(),
            );
        }
        if let Some(b) = &raw.by {
            fail(
                at,
                b.span(),
                "deadline goals (`by`) are not supported by this version of kpiscope yet".into(),
            );
        }
        let target = cond(at, &raw.target);
        let warn = cond(at, &raw.warn);
        if raw.target.is_none() && raw.change.is_none() {
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
                    format!("`no_data = \"{other}\"`: use fail, warn or pass"),
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
            None => derive_id(&kpi, &filter, grain),
        };
        if at.diagnostics.0.len() > before {
            return None;
        }
        Some(Goal {
            title: raw
                .title
                .clone()
                .unwrap_or_else(|| default_title(&kpi, &filter, grain, raw.target.as_ref())),
            id,
            kpi,
            filter,
            grain,
            period,
            rule: Rule::Target {
                target: target?,
                warn,
            },
            no_data,
            target_text: raw.target.as_ref().map(|s| s.get_ref().trim().to_string()),
            warn_text: raw.warn.as_ref().map(|s| s.get_ref().trim().to_string()),
            kpi_span: raw.kpi.span(),
        })
    }
}

fn span_of(s: &Option<Spanned<String>>) -> Range<usize> {
    s.as_ref().map_or(0..0, |s| s.span())
}

/// A stable id from what the goal is about: `err-instagram-acme-campaign=spring-month`.
fn derive_id(kpi: &str, f: &Filter, grain: Grain) -> String {
    let mut parts = vec![kpi.to_string()];
    parts.extend(f.network.clone());
    parts.extend(f.account.clone());
    parts.extend(f.dims.iter().map(|(k, v)| format!("{k}={v}")));
    parts.push(grain.to_string());
    parts.join("-")
}

fn default_title(kpi: &str, f: &Filter, grain: Grain, target: Option<&Spanned<String>>) -> String {
    let mut scope: Vec<String> = f.network.iter().chain(f.account.iter()).cloned().collect();
    scope.extend(f.dims.iter().map(|(k, v)| format!("{k}={v}")));
    let scope = if scope.is_empty() {
        String::new()
    } else {
        format!(" ({})", scope.join(", "))
    };
    let target = target
        .map(|t| format!(" {}", t.get_ref().trim()))
        .unwrap_or_default();
    format!("{kpi}{scope}{target} per {grain}")
}

/// Filters as JSON shows them.
pub fn where_map(f: &Filter) -> BTreeMap<String, String> {
    f.dims.clone()
}
