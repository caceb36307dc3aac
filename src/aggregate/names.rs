//! The names the loaded data holds: networks, accounts, dimensions and the
//! values of the dimensions a view keeps. A goal or a command that filters
//! on a name the data never holds (`network = "instagrm"`) is a mistake to
//! report with the nearest name, not a period without data.

use std::collections::{BTreeMap, BTreeSet};

use super::{Cube, Filter};
use crate::diagnostic::suggest;

#[derive(Debug, Default)]
pub struct Names {
    pub networks: BTreeSet<String>,
    /// (network, account)
    pub accounts: BTreeSet<(String, String)>,
    pub dims: BTreeSet<String>,
    /// Values of the dimensions the cube keeps, from the loaded days.
    pub values: BTreeMap<String, BTreeSet<String>>,
    /// Days were left out (`--from`, `--to`): values outside them are not
    /// known, so values are not checked.
    pub partial: bool,
}

impl Cube {
    pub fn names(&self) -> Names {
        let mut n = Names {
            dims: self.dim_names.clone(),
            partial: self.spec.range != (None, None),
            ..Names::default()
        };
        for (network, account) in self
            .shards
            .iter()
            .flat_map(|s| &s.series)
            .map(|k| (&k.network, &k.account))
            .chain(self.outside.iter().map(|(a, b)| (a, b)))
        {
            n.networks.insert(network.clone());
            n.accounts.insert((network.clone(), account.clone()));
        }
        for (dim, values) in &self.told_values {
            n.values
                .entry(dim.clone())
                .or_default()
                .extend(values.iter().cloned());
        }
        for key in self.shards.iter().flat_map(|s| &s.series) {
            for (name, value) in self.spec.keep_dims.iter().zip(&key.dims) {
                if let Some(v) = value {
                    n.values.entry(name.clone()).or_default().insert(v.clone());
                }
            }
        }
        n
    }
}

impl Names {
    /// What in `filter` names nothing the data holds, each with the nearest
    /// name; empty when every name is there (or there is no data at all,
    /// which is said otherwise). A network that is not there is the one
    /// problem told: its accounts and values would only repeat it.
    pub fn problems(&self, filter: &Filter) -> Vec<String> {
        if let Some(p) = filter.network.as_deref().and_then(|n| self.network(n)) {
            return vec![p];
        }
        let mut out: Vec<String> = filter
            .account
            .as_deref()
            .and_then(|a| self.account(filter.network.as_deref(), a))
            .into_iter()
            .collect();
        for (dim, value) in &filter.dims {
            out.extend(self.dim(dim).or_else(|| self.dim_value(dim, value)));
        }
        out
    }

    /// `network` when no record has it.
    pub fn network(&self, network: &str) -> Option<String> {
        (!self.networks.is_empty() && !self.networks.contains(network)).then(|| {
            format!(
                "network `{network}` is in no record{}",
                nearest(network, self.networks.iter().map(String::as_str))
            )
        })
    }

    /// `account` when no record (of `network`, if given) has it.
    pub fn account(&self, network: Option<&str>, account: &str) -> Option<String> {
        let in_scope = |n: &String| network.is_none_or(|f| f == n);
        let held = self
            .accounts
            .iter()
            .filter(|(n, _)| in_scope(n))
            .map(|(_, a)| a.as_str());
        (!self.networks.is_empty() && !held.clone().any(|a| a == account)).then(|| {
            let scope = network.map(|n| format!(" of {n}")).unwrap_or_default();
            format!(
                "account `{account}` is in no record{scope}{}",
                nearest(account, held)
            )
        })
    }

    /// `dim` when no record has that dimension.
    pub fn dim(&self, dim: &str) -> Option<String> {
        (!self.networks.is_empty() && !self.dims.contains(dim)).then(|| {
            format!(
                "dimension `{dim}` is in no record{}",
                nearest(dim, self.dims.iter().map(String::as_str))
            )
        })
    }

    /// `value` of `dim` when no loaded record has it (not checked when days
    /// were left out: values outside them are not known).
    pub fn dim_value(&self, dim: &str, value: &str) -> Option<String> {
        let values = self.values.get(dim).filter(|_| !self.partial)?;
        (!values.contains(value)).then(|| {
            format!(
                "no record has {dim} `{value}`{}",
                nearest(value, values.iter().map(String::as_str))
            )
        })
    }
}

/// `; did you mean `x`?`, or the names there are.
fn nearest<'a>(name: &str, among: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = among.collect();
    match suggest(name, all.iter().copied()) {
        Some(s) => format!("; did you mean `{s}`?"),
        None => format!("; the data has {}", shown(&all)),
    }
}

/// Names as a message lists them: the first ten, then how many more.
fn shown(all: &[&str]) -> String {
    let mut s: Vec<String> = all.iter().take(10).map(|n| format!("`{n}`")).collect();
    if all.len() > 10 {
        s.push(format!("and {} more", all.len() - 10));
    }
    if s.is_empty() {
        "none".into()
    } else {
        s.join(", ")
    }
}
