//! The rows a file gives the warehouse table, each with the identity the
//! duplicate rule keys it on: a post by its network, account and id; an
//! account's day by its network, account, day and dimensions. What the rule
//! does within one file is done here, so the table holds what reading the
//! file gives: an account's rows of the same day and dimensions add up (a
//! stock keeps the later value), a post met twice keeps its first values,
//! and a post without an id (keyed on its content) gets an id made of its
//! content and its place among identical rows of the file, the same on
//! every load of that file.

use std::collections::BTreeMap;

use crate::aggregate::Day;
use crate::records::{Kind, Level, Record};

/// One row of the warehouse table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub day: Day,
    pub network: String,
    pub account: String,
    /// `None` for an account's record.
    pub post: Option<String>,
    /// The dimensions, sorted by name.
    pub dims: BTreeMap<String, String>,
    pub metrics: BTreeMap<String, f64>,
    /// A post's title, link and format as the file gave them.
    pub attrs: crate::records::PostAttrs,
}

impl Row {
    /// The dimensions as the table's identity column holds them.
    pub fn dims_key(&self) -> String {
        self.dims
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("\u{1f}")
    }
}

/// The table's rows of one file's records, in the file's order.
pub fn identify(records: Vec<Record>, kind: &dyn Fn(&str) -> Kind) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    let mut at: BTreeMap<(String, String, String, Option<Day>, String), usize> = BTreeMap::new();
    let mut same_content: BTreeMap<u64, u32> = BTreeMap::new();
    for r in records {
        let dims: BTreeMap<String, String> =
            r.dims.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        let post = match (r.level, r.post) {
            (Level::Post, Some(id)) => Some(id),
            (Level::Post, None) => {
                let mut text = format!("{}\u{1f}{}\u{1f}{}", r.network, r.account, r.date);
                for (k, v) in &dims {
                    text.push_str(&format!("\u{1f}{k}={v}"));
                }
                for (m, x) in &r.metrics {
                    text.push_str(&format!("\u{1f}{m}={x}"));
                }
                let hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
                let nth = same_content.entry(hash).or_insert(0);
                *nth += 1;
                Some(format!("content:{hash:016x}:{nth}"))
            }
            (Level::Account, _) => None,
        };
        let row = Row {
            day: r.date,
            network: r.network,
            account: r.account,
            post,
            dims,
            metrics: r.metrics,
            attrs: r.attrs,
        };
        let key = match &row.post {
            Some(p) => (
                row.network.clone(),
                row.account.clone(),
                p.clone(),
                None,
                String::new(),
            ),
            None => (
                row.network.clone(),
                row.account.clone(),
                String::new(),
                Some(row.day),
                row.dims_key(),
            ),
        };
        match at.get(&key) {
            None => {
                at.insert(key, out.len());
                out.push(row);
            }
            Some(&i) => {
                let kept = &mut out[i];
                for (m, x) in row.metrics {
                    match (kept.post.is_some(), kept.metrics.get_mut(&m)) {
                        // A post's first value wins; a value it lacked is added.
                        (true, Some(_)) => {}
                        (_, None) => {
                            kept.metrics.insert(m, x);
                        }
                        (false, Some(v)) => match kind(&m) {
                            Kind::Sum | Kind::Mean => *v += x,
                            Kind::Last => *v = x,
                            Kind::Max => *v = v.max(x),
                            Kind::Min => *v = v.min(x),
                        },
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(day: Day, post: Option<&str>, level: Level, metrics: &[(&str, f64)]) -> Record {
        Record {
            date: day,
            network: "x".into(),
            account: "acme".into(),
            post: post.map(str::to_string),
            level,
            dims: BTreeMap::new(),
            metrics: metrics.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            attrs: Default::default(),
            line: 0,
        }
    }

    #[test]
    fn what_the_duplicate_rule_does_within_a_file() {
        let kind = |m: &str| {
            if m == "followers" {
                Kind::Last
            } else {
                Kind::Sum
            }
        };
        let rows = identify(
            vec![
                rec(1, Some("p1"), Level::Post, &[("likes", 5.0)]),
                rec(
                    1,
                    Some("p1"),
                    Level::Post,
                    &[("likes", 7.0), ("shares", 1.0)],
                ),
                rec(
                    1,
                    None,
                    Level::Account,
                    &[("reach", 10.0), ("followers", 100.0)],
                ),
                rec(
                    1,
                    None,
                    Level::Account,
                    &[("reach", 5.0), ("followers", 101.0)],
                ),
                rec(2, None, Level::Post, &[("likes", 1.0)]),
                rec(2, None, Level::Post, &[("likes", 1.0)]),
            ],
            &kind,
        );
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].metrics["likes"], 5.0);
        assert_eq!(rows[0].metrics["shares"], 1.0);
        assert_eq!(rows[1].metrics["reach"], 15.0);
        assert_eq!(rows[1].metrics["followers"], 101.0);
        // Two identical rows without an id are two posts, with ids that
        // differ and stay the same on the next load.
        let (a, b) = (rows[2].post.clone().unwrap(), rows[3].post.clone().unwrap());
        assert_ne!(a, b);
        assert!(a.starts_with("content:") && a.ends_with(":1") && b.ends_with(":2"));
    }
}
