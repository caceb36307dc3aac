//! `[[test.expect]]`, checked: a KPI's (or a metric's) value, or its having
//! no data, in one period and scope.

use super::raw::RawExpect;
use super::suite::{label, tolerance};
use crate::aggregate::{By, Filter, Period, View};
use crate::diagnostic::line_of;
use crate::session::Session;
use crate::workspace::Located;

/// `[[test.expect]]`, checked.
#[derive(Debug, Clone)]
pub struct Expect {
    pub line: usize,
    pub kpi: String,
    pub view: View,
    /// The group's scope in `view`: the post, when one is named.
    pub scope: Vec<Option<String>>,
    pub period: Period,
    pub label: String,
    pub want: Want,
    pub tolerance: f64,
}

impl Expect {
    /// `err in 2026-10 (instagram, account acme)`, for messages.
    pub fn describe(&self) -> String {
        match self.scope_text() {
            Some(scope) => format!("{} in {} ({scope})", self.kpi, self.label),
            None => format!("{} in {}", self.kpi, self.label),
        }
    }

    /// `instagram, account acme, post p1, campaign=spring`; `None` for all
    /// networks together.
    pub fn scope_text(&self) -> Option<String> {
        let f = &self.view.filter;
        let mut scope: Vec<String> = Vec::new();
        scope.extend(f.network.iter().cloned());
        scope.extend(f.account.iter().map(|a| format!("account {a}")));
        scope.extend(self.scope.iter().flatten().map(|p| format!("post {p}")));
        scope.extend(f.dims.iter().map(|(k, v)| format!("{k}={v}")));
        (!scope.is_empty()).then(|| scope.join(", "))
    }
}

/// What an expectation wants.
#[derive(Debug, Clone, PartialEq)]
pub enum Want {
    Value(f64),
    /// No data; when a reason is given, the reason contains it.
    NoData {
        reason: Option<String>,
    },
}

impl Expect {
    pub(super) fn check(
        s: &Session,
        at: &mut Located,
        r: RawExpect,
        tolerance_default: f64,
    ) -> Option<Expect> {
        let before = at.diagnostics.0.len();
        let kpi = r.kpi.get_ref().trim().to_string();
        if let Some(hint) = crate::session::unknown_kpi(&s.library, &s.catalog, &kpi) {
            let d = at.diagnostic(r.kpi.span(), format!("unknown KPI `{kpi}`"));
            at.diagnostics.push(d.with_hint(hint));
        }
        let period = label(at, &s.ws.calendar, &r.period);
        let want = match (&r.value, &r.no_data) {
            (Some(v), None) => Some(Want::Value(*v.get_ref())),
            (None, Some(n)) if *n.get_ref() => Some(Want::NoData {
                reason: r.reason.as_ref().map(|s| s.get_ref().clone()),
            }),
            (Some(v), Some(_)) => {
                at.error(
                    v.span(),
                    "an expectation has a `value` or `no_data = true`, not both",
                );
                None
            }
            _ => {
                at.error(
                    r.kpi.span(),
                    format!("what should `{kpi}` be? add `value = ...` or `no_data = true`"),
                );
                None
            }
        };
        if let (Some(reason), Some(Want::Value(_))) = (&r.reason, &want) {
            at.error(reason.span(), "`reason` goes with `no_data = true`");
        }
        let tolerance = tolerance(at, r.tolerance.as_ref(), tolerance_default);
        if at.diagnostics.0.len() > before {
            return None;
        }
        let period = period?;
        let by_post = r.post.is_some();
        Some(Expect {
            line: line_of(&at.source, r.kpi.span().start),
            label: s.ws.calendar.label(period),
            kpi,
            view: View {
                grain: period.grain,
                by: if by_post { vec![By::Post] } else { Vec::new() },
                filter: Filter {
                    network: r.network,
                    account: r.account,
                    dims: r.where_.unwrap_or_default(),
                },
            },
            scope: if by_post { vec![r.post] } else { Vec::new() },
            period,
            want: want?,
            tolerance: tolerance?,
        })
    }
}
