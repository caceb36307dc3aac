//! A panel goal's standing as outputs show it: `check --format json`'s
//! `panel` field, which the markdown and HTML outputs read too.

use serde::Serialize;

use super::Standing;

/// How a `rank` or `vs` goal stood against its panel in its period.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PanelOut {
    /// `rank` or `vs`.
    pub kind: String,
    pub network: String,
    /// The account judged: the goal's own account, or the network's own
    /// accounts together (their names joined with `+`).
    pub subject: String,
    /// What the accounts are ranked and compared by: `value`, the KPI's
    /// value in the period, or `change`, its % change from the period
    /// before (a goal with `change`).
    pub measure: String,
    /// With `change`: the period before, that the changes are from.
    pub from: Option<String>,
    /// A `rank` goal with `change`: the condition the subject's own change
    /// meets too, as written (`>= 0%`).
    pub change: Option<String>,
    /// The subject's value of the goal's KPI, or its % change.
    pub value: Option<f64>,
    /// The subject's rank, 1 the best; `null` without a value.
    pub rank: Option<usize>,
    /// How many accounts of the panel have a value (and so a rank).
    pub ranked: usize,
    /// `vs` goals: what the subject was compared with.
    pub reference: Option<ReferenceOut>,
    /// Every account of the panel, ranked first, best first.
    pub accounts: Vec<AccountOut>,
}

/// A `vs` goal's reference: `median`, `best` or an account, and its value.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ReferenceOut {
    /// As written in `vs`.
    pub of: String,
    /// The account it is (`best`, an account); `null` for the median.
    pub account: Option<String>,
    pub value: f64,
}

/// One account of the panel in the goal's period.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AccountOut {
    pub account: String,
    /// `own` or `competitor`.
    pub role: String,
    pub value: Option<f64>,
    pub rank: Option<usize>,
    /// Why there is no value: `not public: followers is not in ...`.
    pub reason: Option<String>,
}

impl AccountOut {
    pub fn all(standing: &Standing) -> Vec<AccountOut> {
        standing
            .entries
            .iter()
            .map(|e| AccountOut {
                account: e.account.clone(),
                role: if e.own { "own" } else { "competitor" }.into(),
                value: e.value.number(),
                rank: e.rank,
                reason: e.value.reason().map(str::to_string),
            })
            .collect()
    }
}
