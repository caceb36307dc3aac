//! Owned records into the cube, through the same batches as the canonical
//! reader, so de-duplication and rollups treat every plugin alike.

use super::decode::value::{NumberStyle, parse_value};
use super::reader::FileCtx;
use crate::aggregate::Cube;
use crate::aggregate::batch::Batch;
use crate::records::{Kind, MetricId, Record, RowRef};

/// A record map from a script or a command, its text numbers read in
/// `style`, with the source's network and account applied.
pub fn from_json(
    v: &serde_json::Value,
    style: NumberStyle,
    ctx: &FileCtx,
) -> Result<Record, String> {
    let r = Record::from_json(v, &ctx.timezone, &|t| {
        parse_value(t, style).map_err(|_| format!("`{t}` is not a number"))
    })?;
    Ok(finish(r, ctx))
}

/// Applies the source's `network` and `account`, which win over a record's,
/// and names the account after the network when nothing names it.
pub fn finish(mut r: Record, ctx: &FileCtx) -> Record {
    let from_row = Some(r.network.clone()).filter(|n| !n.is_empty());
    r.network = ctx.network(from_row);
    let account = Some(r.account.clone()).filter(|a| !a.is_empty());
    r.account = ctx.account(account, &r.network);
    r
}

/// Folds `records` into the cube; metrics the catalog lacks are declared
/// as sums on behalf of `origin`.
pub fn emit(records: &[Record], cube: &mut Cube, origin: &str) {
    let spec = cube.spec.clone();
    let mut batch = Batch::default();
    let mut metrics: Vec<(MetricId, f64)> = Vec::new();
    let mut dims: Vec<(&str, &str)> = Vec::new();
    for r in records {
        metrics.clear();
        for (name, &x) in &r.metrics {
            // Declaring gives the metric a slot; a known metric keeps its kind.
            metrics.push((cube.declare_metric(name, Kind::Sum, origin), x));
        }
        dims.clear();
        dims.extend(r.dims.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        batch.push(
            &spec,
            &RowRef {
                date: r.date,
                network: &r.network,
                account: &r.account,
                post: r.post.as_deref(),
                level: r.level,
                dims: &dims,
                metrics: &metrics,
            },
        );
        if batch.rows.len() >= 4096 {
            cube.add_batches(std::slice::from_ref(&batch));
            batch.clear();
        }
    }
    cube.add_batches(std::slice::from_ref(&batch));
}
