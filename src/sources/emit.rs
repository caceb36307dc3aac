//! Where plugins' records go: into the cube, through the same batches as
//! the canonical reader, or into a list for `plugin test`.

use super::context::FileCtx;
use super::decode::value::{NumberStyle, parse_value};
use crate::aggregate::Cube;
use crate::aggregate::batch::Batch;
use crate::aggregate::spec::CubeSpec;
use crate::records::{Catalog, Kind, MetricId, PostAttrs, Record, RowRef};

/// A record map from a script or a command, its text numbers read in
/// `style`, with the source's network and account applied.
pub fn from_json(
    v: &serde_json::Value,
    style: NumberStyle,
    ctx: &FileCtx,
) -> Result<Record, String> {
    let r = Record::from_json(v, &ctx.timezone, &|t| {
        parse_value(t, style).map_err(|_| {
            format!(
                "`{}` is not a number",
                super::decode::text::printable(t, 80)
            )
        })
    })?;
    Ok(finish(r, ctx))
}

/// Applies the source's `network` and `account`, which win over a record's,
/// and names the account after the network when nothing names it.
pub fn finish(mut r: Record, ctx: &FileCtx) -> Record {
    let network = ctx.network(Some(&r.network)).to_string();
    r.account = ctx.account(Some(&r.account), &network).to_string();
    r.network = network;
    r
}

/// Where a plugin's records go, one at a time, so that a large export is
/// never held as records: the cube (loading), or a list (`plugin test`).
pub trait Sink {
    /// The id of a metric; one the catalog lacks is declared as a sum.
    fn metric(&mut self, name: &str) -> MetricId;
    fn push(&mut self, row: &RowRef);
    /// The cube's spec, when the sink takes whole batches, which readers
    /// may then build on every core.
    fn spec(&self) -> Option<CubeSpec> {
        None
    }
    /// An empty batch for [`Sink::push_batches`].
    fn new_batch(&self) -> Batch {
        Batch::default()
    }
    /// Batches built with `spec`, in file order.
    fn push_batches(&mut self, _batches: Vec<Batch>) {}
}

/// Records folded into the cube through the same batches as the canonical
/// reader, so de-duplication and rollups treat every plugin alike.
pub struct CubeSink<'a> {
    cube: &'a mut Cube,
    spec: CubeSpec,
    batch: Batch,
    origin: String,
}

impl<'a> CubeSink<'a> {
    pub fn new(cube: &'a mut Cube, origin: &str) -> CubeSink<'a> {
        CubeSink {
            spec: cube.spec.clone(),
            batch: cube.row_batch(),
            cube,
            origin: origin.to_string(),
        }
    }

    /// Folds what is left in the batch.
    pub fn finish(mut self) {
        self.flush();
    }

    fn flush(&mut self) {
        self.cube.add_batches(std::slice::from_ref(&self.batch));
        self.batch.clear();
    }
}

impl Sink for CubeSink<'_> {
    fn metric(&mut self, name: &str) -> MetricId {
        // Declaring gives the metric a slot; a known metric keeps its kind.
        self.cube.declare_metric(name, Kind::Sum, &self.origin)
    }

    fn push(&mut self, row: &RowRef) {
        self.batch.push(&self.spec, row);
        if self.batch.rows.len() >= 4096 {
            self.flush();
        }
    }

    fn spec(&self) -> Option<CubeSpec> {
        Some(self.spec.clone())
    }

    fn new_batch(&self) -> Batch {
        self.cube.row_batch()
    }

    fn push_batches(&mut self, batches: Vec<Batch>) {
        self.flush();
        self.cube.add_batches(&batches);
    }
}

/// Records kept as owned records, for `plugin test`.
pub struct CollectSink {
    catalog: Catalog,
    pub records: Vec<Record>,
}

impl Default for CollectSink {
    fn default() -> CollectSink {
        CollectSink {
            catalog: Catalog::standard(),
            records: Vec::new(),
        }
    }
}

impl Sink for CollectSink {
    fn metric(&mut self, name: &str) -> MetricId {
        self.catalog.declare(name, Kind::Sum, "plugin")
    }

    fn push(&mut self, row: &RowRef) {
        let text = |s: &str| s.to_string();
        self.records.push(Record {
            date: row.date,
            network: text(row.network),
            account: text(row.account),
            post: row.post.map(text),
            level: row.level,
            dims: row.dims.iter().map(|(k, v)| (text(k), text(v))).collect(),
            metrics: row
                .metrics
                .iter()
                .map(|&(id, x)| (self.catalog.get(id).name.clone(), x))
                .collect(),
            attrs: PostAttrs::of(&row.attrs),
            line: row.line,
        });
    }
}

/// Pushes an owned record (from a script, a command or the canonical
/// fixture reader) into `sink`.
pub fn push_record(sink: &mut dyn Sink, r: &Record) {
    let metrics: Vec<(MetricId, f64)> = r
        .metrics
        .iter()
        .map(|(name, &x)| (sink.metric(name), x))
        .collect();
    let dims: Vec<(&str, &str)> = r
        .dims
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    sink.push(&RowRef {
        date: r.date,
        network: &r.network,
        account: &r.account,
        post: r.post.as_deref(),
        level: r.level,
        dims: &dims,
        metrics: &metrics,
        attrs: r.attrs.borrowed(),
        line: r.line,
    });
}
