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
    /// which is said otherwise).
    pub fn problems(&self, filter: &Filter) -> Vec<String> {
        let mut out = Vec::new();
        if self.networks.is_empty() {
            return out;
        }
        let near = |name: &str, among: &mut dyn Iterator<Item = &str>| {
            let all: Vec<&str> = among.collect();
            match suggest(name, all.iter().copied()) {
                Some(s) => format!("; did you mean `{s}`?"),
                None => format!("; the data has {}", shown(&all)),
            }
        };
        if let Some(net) = &filter.network
            && !self.networks.contains(net)
        {
            out.push(format!(
                "network `{net}` is in no record{}",
                near(net, &mut self.networks.iter().map(String::as_str))
            ));
            return out;
        }
        if let Some(acc) = &filter.account {
            let in_scope = |n: &String| filter.network.as_ref().is_none_or(|f| f == n);
            if !self.accounts.iter().any(|(n, a)| in_scope(n) && a == acc) {
                let scope = filter
                    .network
                    .as_ref()
                    .map(|n| format!(" of {n}"))
                    .unwrap_or_default();
                out.push(format!(
                    "account `{acc}` is in no record{scope}{}",
                    near(
                        acc,
                        &mut self
                            .accounts
                            .iter()
                            .filter(|(n, _)| in_scope(n))
                            .map(|(_, a)| a.as_str())
                    )
                ));
            }
        }
        for (dim, value) in &filter.dims {
            if !self.dims.contains(dim) {
                out.push(format!(
                    "dimension `{dim}` is in no record{}",
                    near(dim, &mut self.dims.iter().map(String::as_str))
                ));
            } else if !self.partial
                && let Some(values) = self.values.get(dim)
                && !values.contains(value)
            {
                out.push(format!(
                    "no record has {dim} `{value}`{}",
                    near(value, &mut values.iter().map(String::as_str))
                ));
            }
        }
        out
    }

    /// The problem of breaking down by `dim`, a dimension no record has.
    pub fn by_problem(&self, dim: &str) -> Option<String> {
        (!self.networks.is_empty() && !self.dims.contains(dim)).then(|| {
            let all: Vec<&str> = self.dims.iter().map(String::as_str).collect();
            match suggest(dim, all.iter().copied()) {
                Some(s) => {
                    format!("--by {dim}: dimension `{dim}` is in no record; did you mean `{s}`?")
                }
                None if all.is_empty() => format!("--by {dim}: no record has dimensions"),
                None => format!(
                    "--by {dim}: dimension `{dim}` is in no record; the data has {}",
                    shown(&all)
                ),
            }
        })
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
