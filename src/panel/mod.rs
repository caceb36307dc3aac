//! Competitor panels (issue 16): per network and period, the brand's own
//! accounts (from the main cube, which competitor records never reach) and
//! every competitor account (from the panel cube), each evaluated with the
//! same KPI engine, so that a workspace's own KPIs work in panels too.
//! `standing` ranks them, `judge` checks `rank` and `vs` goals, `out` is
//! what the outputs show.

pub mod entry;
pub mod judge;
pub mod out;
pub mod standing;

use std::sync::Arc;

use crate::aggregate::{By, Cube, Filter, Grain, Period, View};
use crate::diagnostic::Diagnostic;
use crate::kpi::public::{Comparable, comparable, inputs};
use crate::kpi::{Evaluator, Library, Value};
use crate::records::Catalog;
use crate::session::Session;
pub use entry::Entry;
pub use standing::Standing;

/// One network's panel at one grain.
pub struct Panel<'s> {
    pub network: String,
    library: &'s Library,
    /// The own accounts one by one, and all of them together.
    own: Evaluator<'s>,
    together: Evaluator<'s>,
    /// The competitor accounts, from the panel cube (with its catalog).
    theirs: Evaluator<'s>,
    theirs_catalog: Catalog,
    /// The own accounts with public figures (see [`Panel::own_accounts`]).
    own_accounts: Vec<String>,
}

/// The view of one network at `grain`, by account or not.
pub fn network_view(network: &str, grain: Grain, by_account: bool) -> View {
    View {
        grain,
        by: if by_account {
            vec![By::Account]
        } else {
            Vec::new()
        },
        filter: Filter {
            network: Some(network.to_string()),
            ..Filter::default()
        },
    }
}

/// The view `panel("metric")` reads for an evaluator of `view`: the panel
/// cube by network, at the same grain, kept to the view's network.
pub fn sums_view(view: &View) -> View {
    View {
        grain: view.grain,
        by: vec![By::Network],
        filter: Filter {
            network: view.filter.network.clone(),
            ..Filter::default()
        },
    }
}

impl<'s> Panel<'s> {
    pub fn new(s: &'s Session, main: &Cube, panel: &Cube, network: &str, grain: Grain) -> Self {
        let ev = |cube: &Cube, by_account: bool| {
            let view = network_view(network, grain, by_account);
            s.evaluator(Arc::new(cube.view(&view)), &cube.catalog)
        };
        let own = ev(main, true);
        // The competitors over the own data's days: a period's `days` are
        // the same for every account of the panel.
        let theirs = {
            let view = network_view(network, grain, true);
            let g = own.groups();
            s.evaluator(
                Arc::new(panel.view_over(&view, g.range, g.covered_from)),
                &panel.catalog,
            )
        };
        // An own account is in the panel when it has a public figure: the
        // ads account (spend, clicks) and the website's sessions from the
        // network are no profile to rank against competitors.
        let public: Vec<usize> = crate::records::catalog::PUBLIC
            .iter()
            .filter(|m| **m != "posts")
            .filter_map(|m| main.catalog.id(m).map(|id| id as usize))
            .collect();
        let posts = crate::records::catalog::POSTS as usize;
        let mut own_accounts: Vec<String> = own
            .groups()
            .groups
            .iter()
            .filter(|g| {
                g.values.get(posts).is_some_and(|p| *p > 0.0)
                    || public
                        .iter()
                        .any(|&id| g.values.get(id).is_some_and(|v| !v.is_nan()))
            })
            .filter_map(|g| g.account.clone())
            .collect();
        own_accounts.sort();
        own_accounts.dedup();
        Panel {
            network: network.to_string(),
            library: &s.library,
            own,
            together: ev(main, false),
            theirs,
            theirs_catalog: panel.catalog.clone(),
            own_accounts,
        }
    }

    fn accounts(ev: &Evaluator) -> Vec<String> {
        let mut out: Vec<String> = ev
            .groups()
            .groups
            .iter()
            .filter_map(|g| g.account.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The brand's accounts on this network that have a public figure
    /// (followers, posts, likes...) in some period.
    pub fn own_accounts(&self) -> Vec<String> {
        self.own_accounts.clone()
    }

    /// The competitors' accounts on this network.
    pub fn competitors(&self) -> Vec<String> {
        Self::accounts(&self.theirs)
    }

    /// Every period either side has records in, in order.
    pub fn periods(&self) -> Vec<Period> {
        let mut p: Vec<Period> = self
            .own
            .groups()
            .groups
            .iter()
            .chain(&self.theirs.groups().groups)
            .map(|g| g.period)
            .collect();
        p.sort();
        p.dedup();
        p
    }

    /// The days the own data runs over: what goals' periods count from.
    pub fn own_range(&self) -> (crate::aggregate::Day, crate::aggregate::Day) {
        self.own.groups().range
    }

    /// Whether lower values of `kpi` are the better ones (`better: lower`).
    pub fn lower_is_better(&self, kpi: &str) -> bool {
        self.library
            .get(kpi)
            .and_then(|k| k.meta.get("better"))
            .is_some_and(|b| b == "lower")
    }

    /// The panel ranked by `kpi` in `period`: the own accounts one by one
    /// (those without a value left out, but `subject`: an ads account has
    /// no followers, and is nobody's competitor), or all of them as one
    /// entry when `subject` is `None`; and every competitor with records in
    /// the period, with a value or the reason it has none.
    pub fn standing(
        &self,
        kpi: &str,
        period: Period,
        subject: Option<&str>,
    ) -> Result<Standing, Diagnostic> {
        let mut entries = Vec::new();
        let own = self.own_accounts();
        if subject.is_none() {
            if let Some(i) = self.together.groups().find(&[], period) {
                entries.push(Entry {
                    account: own.join("+"),
                    own: true,
                    value: self.together.eval(kpi, i)?,
                    rank: None,
                });
            }
        } else {
            for a in &own {
                if let Some(i) = self.own.groups().find(&[Some(a.clone())], period) {
                    let value = self.own.eval(kpi, i)?;
                    if value.number().is_none() && subject != Some(a.as_str()) {
                        continue;
                    }
                    entries.push(Entry {
                        account: a.clone(),
                        own: true,
                        value,
                        rank: None,
                    });
                }
            }
        }
        for a in self.competitors() {
            if let Some(i) = self.theirs.groups().find(&[Some(a.clone())], period) {
                entries.push(Entry {
                    value: self.competitor_value(kpi, &a, i)?,
                    account: a,
                    own: false,
                    rank: None,
                });
            }
        }
        Ok(Standing::new(entries, self.lower_is_better(kpi)))
    }

    /// A competitor's value of `kpi` in group `i`: "not public" when the
    /// KPI reads a metric no public page shows, or one this competitor's
    /// export lacks; never a zero.
    fn competitor_value(&self, kpi: &str, account: &str, i: usize) -> Result<Value, Diagnostic> {
        match comparable(self.library, kpi) {
            Comparable::NotPublic(m) => {
                return Ok(Value::NoData(format!(
                    "not public: {kpi} reads {m}, which a competitor's page does not show"
                )));
            }
            Comparable::ReadsPanel => {
                return Ok(Value::NoData(format!(
                    "{kpi} is a figure of the brand against the panel, not of a competitor"
                )));
            }
            Comparable::Yes => {}
        }
        let g = &self.theirs.groups().groups[i];
        for m in inputs(self.library, kpi) {
            let x = self
                .theirs_catalog
                .id(&m)
                .and_then(|id| g.values.get(id as usize).copied())
                .unwrap_or(f64::NAN);
            if x.is_nan() {
                return Ok(Value::NoData(format!(
                    "not public: {m} is not in {account}'s export for {}/{account} {}",
                    self.network,
                    self.theirs.calendar().label(g.period)
                )));
            }
        }
        self.theirs.eval(kpi, i)
    }
}
