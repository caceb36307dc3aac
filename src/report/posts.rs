//! The period's top posts: every post of the period ranked on the figure its
//! network reports (reach, else impressions, else views), so that the order
//! never depends on loading and no network with figures shows an empty table.

use std::collections::{BTreeMap, BTreeSet};

use super::TOP_POSTS;
use super::model::{RankBy, TopPost};
use super::value::diag;
use crate::aggregate::Period;
use crate::aggregate::period::format_day;
use crate::error::Result;
use crate::kpi::Evaluator;

/// The period's posts that may be listed, best first, each with its group
/// in the post view: the first [`TOP_POSTS`] of each network, which hold
/// the first of all networks too. A network's posts rank by reach when some
/// of them have one, else by impressions (X gives none), else by views, so
/// that no network with figures shows an empty table; a post without its
/// network's figure is not ranked. Ties: earlier, then by network and id,
/// so that the order never depends on loading. Their text, link and format
/// are left for the posts listed (see `build`).
pub fn rank_posts<'a>(posts: &'a Evaluator, period: Period) -> Result<Vec<(usize, TopPost)>> {
    let groups = &posts.groups().groups;
    // Every post of the period is a candidate: kept small (no text copied)
    // until the few that are listed are known.
    struct Candidate<'a> {
        group: usize,
        network: &'a str,
        value: Option<f64>,
        by: RankBy,
    }
    let mut candidates = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        if g.period != period || g.account.is_none() || g.post.is_none() {
            continue;
        }
        let Some(network) = g.network.as_deref() else {
            continue;
        };
        candidates.push(Candidate {
            group: i,
            network,
            value: posts.eval("reach", i).map_err(diag)?.number(),
            by: RankBy::Reach,
        });
    }
    // A network's fallback figure is read only when it has none before it.
    let has = |candidates: &[Candidate<'a>]| -> Vec<&'a str> {
        candidates
            .iter()
            .filter(|c| c.value.is_some())
            .map(|c| c.network)
            .collect()
    };
    let mut ranked: BTreeSet<&str> = has(&candidates).into_iter().collect();
    for by in [RankBy::Impressions, RankBy::Views] {
        for c in candidates.iter_mut() {
            if ranked.contains(c.network) || c.value.is_some() {
                continue;
            }
            c.value = posts.eval(by.label(), c.group).map_err(diag)?.number();
            c.by = by;
        }
        ranked.extend(has(&candidates));
    }
    candidates.retain(|c| c.value.is_some());
    let key = |c: &Candidate| {
        let g = &groups[c.group];
        (g.first, &g.network, &g.account, &g.post)
    };
    candidates.sort_by(|a, b| {
        let (va, vb) = (a.value.unwrap_or(0.0), b.value.unwrap_or(0.0));
        vb.total_cmp(&va).then_with(|| key(a).cmp(&key(b)))
    });
    let mut listed: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for c in candidates {
        let n = listed.entry(c.network).or_default();
        if *n == TOP_POSTS {
            continue;
        }
        *n += 1;
        let g = &groups[c.group];
        let figure = |by: RankBy| (c.by == by).then_some(c.value).flatten();
        out.push((
            c.group,
            TopPost {
                network: c.network.to_string(),
                account: g.account.clone().unwrap_or_default(),
                post: g.post.clone().unwrap_or_default(),
                published: format_day(g.first),
                title: None,
                url: None,
                format: None,
                reach: figure(RankBy::Reach),
                impressions: figure(RankBy::Impressions),
                views: figure(RankBy::Views),
                engagements: None,
                rank_by: c.by,
            },
        ));
    }
    Ok(out)
}
