//! The period's top posts: every post of the period ranked on the figure its
//! network reports, so that the order never depends on loading.

use super::model::TopPost;
use super::value::diag;
use crate::aggregate::Period;
use crate::aggregate::period::format_day;
use crate::error::Result;
use crate::kpi::Evaluator;

/// The period's posts that have a reach, best first (ties: earlier, then by
/// network and id, so that the order never depends on loading), each with
/// its group in the post view.
pub fn rank_posts(posts: &Evaluator, period: Period) -> Result<Vec<(usize, TopPost)>> {
    let mut out = Vec::new();
    for (i, g) in posts.groups().groups.iter().enumerate() {
        if g.period != period {
            continue;
        }
        let (Some(n), Some(a), Some(p)) = (&g.network, &g.account, &g.post) else {
            continue;
        };
        let Some(reach) = posts.eval("reach", i).map_err(diag)?.number() else {
            continue;
        };
        let day = g.first;
        out.push((
            i,
            TopPost {
                network: n.clone(),
                account: a.clone(),
                post: p.clone(),
                published: format_day(day),
                reach,
                engagements: None,
            },
        ));
    }
    out.sort_by(|(_, a), (_, b)| {
        b.reach
            .total_cmp(&a.reach)
            .then_with(|| a.published.cmp(&b.published))
            .then_with(|| (&a.network, &a.account, &a.post).cmp(&(&b.network, &b.account, &b.post)))
    });
    Ok(out)
}
