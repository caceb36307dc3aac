//! Rows folded where they are parsed. When every row of a load counts as new
//! (its keys are written down, see `key_log`), a batch needs not keep its
//! rows for the shards to fold in order: it sums them at once into cells of
//! its own, a few thousand that stay in the cache, and the shards merge those
//! cells in batch order. Each value then crosses memory once, not three times
//! (parsed row, batch, cell).

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::acc::Acc;
use super::period::{Calendar, Day, Grain};
use super::period_index::{PeriodCache, PeriodIndex};
use super::shard::stock_values;
use super::spec::Prepared;
use crate::records::{Kind, Level, MetricId};

/// What folding needs of the cube, fixed while a file is read.
#[derive(Debug)]
pub struct FoldCtx {
    pub base: Grain,
    pub calendar: Calendar,
    pub slot_of: Vec<u16>,
    pub slot_kind: Vec<Kind>,
    pub shards: u64,
}

impl FoldCtx {
    /// The shard of an account's hash: `account % shards`, without a
    /// division when the shards are a power of two (the usual core counts).
    #[inline]
    pub fn shard_of(&self, account: u64) -> usize {
        if self.shards.is_power_of_two() {
            (account & (self.shards - 1)) as usize
        } else {
            (account % self.shards) as usize
        }
    }
}

/// Accumulators a batch keeps its cells for, from one chunk to the next:
/// past them it starts afresh, so that a file whose cells change as it goes
/// (dated in order) does not make the batch grow with it.
const KEEP_ACCS: usize = 1 << 17;

/// A folded cell: series, base period and post, by their hashes, and the
/// hash of its account (which picks the shard).
#[derive(Debug, Clone, Copy)]
pub struct FoldedCell {
    pub series: u64,
    pub account: u64,
    pub period: i32,
    pub post: u64,
}

/// A batch's rows, folded.
#[derive(Debug, Clone)]
pub struct Folded {
    pub ctx: Arc<FoldCtx>,
    /// Cells of single posts, by series, period and post.
    index: FxHashMap<(u64, i32, u64), u32>,
    /// Cells without a post: the series' number in this batch, then a
    /// direct index by period, small enough to stay in the cache where a
    /// table of every cell would not.
    series_ids: FxHashMap<u64, u32>,
    by_period: Vec<PeriodIndex>,
    /// Cells are kept from one chunk to the next (up to [`KEEP_ACCS`]), as
    /// the next chunk's rows mostly fall into the same cells: their look-up
    /// is then warm and made once, not once per chunk.
    pub cells: Vec<FoldedCell>,
    /// `stride` accumulators per cell, by slot; empty in a cell not touched.
    pub accs: Vec<Acc>,
    /// The cells this chunk's rows went to, in the order first met: what
    /// the shards merge.
    pub touched: Vec<u32>,
    live: Vec<bool>,
    pub stride: usize,
    /// Per shard: the keys proven by an id, and content keys with the values
    /// of stocks in their row, in row order.
    pub ids: Vec<Vec<u64>>,
    pub content: Vec<Vec<(u64, u32)>>,
    /// Per shard: rows, and their first and last day.
    pub rows: Vec<u64>,
    pub days: Vec<Option<(Day, Day)>>,
    period_cache: PeriodCache,
    /// The last row pushed, summed into its cell only when the next row
    /// comes (or at [`Folded::finish`]): its cell's accumulators are fetched
    /// from memory meanwhile, while the next row is parsed, instead of the
    /// parser waiting on them.
    pending: Pending,
}

/// A row waiting for its cell's accumulators (see `Folded::pending`).
#[derive(Debug, Clone, Default)]
struct Pending {
    /// `NONE` when no row waits.
    cell: u32,
    date: Day,
    counts_post: bool,
    metrics: Vec<(MetricId, f64)>,
}

const NONE: u32 = u32::MAX;

impl Folded {
    pub fn new(ctx: Arc<FoldCtx>) -> Folded {
        let shards = ctx.shards as usize;
        Folded {
            stride: ctx.slot_kind.len(),
            ctx,
            index: FxHashMap::default(),
            series_ids: FxHashMap::default(),
            by_period: Vec::new(),
            cells: Vec::new(),
            accs: Vec::new(),
            touched: Vec::new(),
            live: Vec::new(),
            ids: vec![Vec::new(); shards],
            content: vec![Vec::new(); shards],
            rows: vec![0; shards],
            days: vec![None; shards],
            period_cache: PeriodCache::default(),
            pending: Pending {
                cell: NONE,
                ..Pending::default()
            },
        }
    }

    pub fn clear(&mut self) {
        if self.accs.len() > KEEP_ACCS {
            self.index.clear();
            self.series_ids.clear();
            self.by_period.clear();
            self.cells.clear();
            self.accs.clear();
            self.live.clear();
        } else {
            for &c in &self.touched {
                self.accs[c as usize * self.stride..][..self.stride].fill(Acc::default());
                self.live[c as usize] = false;
            }
        }
        self.touched.clear();
        self.ids.iter_mut().for_each(Vec::clear);
        self.content.iter_mut().for_each(Vec::clear);
        self.rows.iter_mut().for_each(|r| *r = 0);
        self.days.iter_mut().for_each(|d| *d = None);
        self.pending.cell = NONE;
    }

    /// Sums the row still waiting for its cell: the batch is then whole.
    pub fn finish(&mut self) {
        let p = &mut self.pending;
        if p.cell == NONE {
            return;
        }
        let ctx = &*self.ctx;
        // The tables as slices held here: read through `ctx`, their length
        // and place were read again for every value, as a store into `accs`
        // might have changed them for all the compiler knows.
        let (slot_of, kinds) = (ctx.slot_of.as_slice(), ctx.slot_kind.as_slice());
        let accs = &mut self.accs[p.cell as usize * self.stride..][..self.stride];
        for &(m, x) in &p.metrics {
            let slot = slot_of[m as usize] as usize;
            accs[slot].add(kinds[slot], x, p.date);
        }
        if p.counts_post {
            // Slot 0 is `posts`.
            accs[0].add(Kind::Sum, 1.0, p.date);
        }
        p.cell = NONE;
    }

    /// Whether every row pushed is summed (see [`Folded::finish`]).
    pub fn is_finished(&self) -> bool {
        self.pending.cell == NONE
    }

    /// Folds a row as new, as `Shard::apply` does for a key met once; true
    /// when it made a cell (kept cells were named when they were made: the
    /// shards know them from then).
    #[inline]
    pub fn push(&mut self, p: &Prepared, metrics: &[(MetricId, f64)]) -> bool {
        let ctx = &*self.ctx;
        let shard = ctx.shard_of(p.account);
        self.rows[shard] += 1;
        let days = &mut self.days[shard];
        *days = Some(days.map_or((p.date, p.date), |(a, b)| (a.min(p.date), b.max(p.date))));
        if p.by_id {
            self.ids[shard].push(p.key);
        } else {
            let stocks = stock_values(metrics, &ctx.slot_of, &ctx.slot_kind);
            self.content[shard].push((p.key, stocks));
        }
        let counts_post = p.level == Level::Post && !p.gives_posts;
        if metrics.is_empty() && !counts_post {
            return false;
        }
        let period = self.period_cache.period(&ctx.calendar, ctx.base, p.date);
        let next = self.cells.len() as u32;
        let cell = if p.post == 0 {
            let n = self.series_ids.len() as u32;
            let id = *self.series_ids.entry(p.series).or_insert(n) as usize;
            if id == self.by_period.len() {
                self.by_period.push(PeriodIndex::default());
            }
            let index = &mut self.by_period[id];
            index.get(period).unwrap_or_else(|| {
                index.set(period, next);
                next
            })
        } else {
            *self.index.entry((p.series, period, p.post)).or_insert(next)
        };
        if cell == next {
            self.cells.push(FoldedCell {
                series: p.series,
                account: p.account,
                period,
                post: p.post,
            });
            self.accs
                .resize(self.cells.len() * self.stride, Acc::default());
            self.live.push(false);
        }
        if !self.live[cell as usize] {
            self.live[cell as usize] = true;
            self.touched.push(cell);
        }
        prefetch(&self.accs[cell as usize * self.stride..][..self.stride]);
        self.finish();
        let wait = &mut self.pending;
        wait.cell = cell;
        wait.date = p.date;
        wait.counts_post = counts_post;
        wait.metrics.clear();
        wait.metrics.extend_from_slice(metrics);
        cell == next
    }
}

/// Asks the cache for the lines of `accs`, without waiting for them.
#[inline]
pub(super) fn prefetch(accs: &[Acc]) {
    #[cfg(target_arch = "x86_64")]
    {
        let bytes = std::mem::size_of_val(accs);
        let start = accs.as_ptr().cast::<i8>();
        let mut at = 0;
        while at < bytes {
            // SAFETY: prefetching is a hint; the address is within `accs`.
            unsafe {
                std::arch::x86_64::_mm_prefetch(start.add(at), std::arch::x86_64::_MM_HINT_T0)
            };
            at += 64;
        }
        // The last line, when `accs` ends past the line of a 64-byte step.
        if bytes > 0 {
            // SAFETY: as above, the last byte of `accs`.
            unsafe {
                std::arch::x86_64::_mm_prefetch(
                    start.add(bytes - 1),
                    std::arch::x86_64::_MM_HINT_T0,
                )
            };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = accs;
}

#[cfg(test)]
mod tests {
    use super::super::Cube;
    use super::super::period::{Calendar, Grain, parse_day};
    use super::super::spec::CubeSpec;
    use super::super::view::{By, Filter, View};
    use crate::records::catalog::POSTS;
    use crate::records::{Catalog, Kind, Level, RowRef};

    /// Loads `chunks` chunks through one folded batch, as the canonical
    /// reader does: in each, every account posts once, in January when its
    /// number is even, else in February, with a reach of (chunk + 1) / 2.
    /// Gives each account's posts and reach, by month.
    fn load(accounts: usize, chunks: usize) -> Vec<(String, i32, f64, f64)> {
        let spec = CubeSpec {
            base: Grain::Month,
            keep_dims: Vec::new(),
            keep_posts: false,
            range: (None, None),
        };
        let mut cube = Cube::new(spec.clone(), Calendar::default(), Catalog::standard());
        let reach = cube.declare_metric("reach", Kind::Sum, "test");
        cube.log_keys();
        let mut batch = cube.batch();
        let names: Vec<String> = (0..accounts).map(|a| format!("acct{a}")).collect();
        for chunk in 0..chunks {
            batch.clear();
            for (a, account) in names.iter().enumerate() {
                let day = if a % 2 == 0 {
                    "2025-01-10"
                } else {
                    "2025-02-10"
                };
                let post = format!("p{chunk}-{a}");
                let metrics = [(reach, (chunk + 1) as f64 * 0.5)];
                batch.push(
                    &spec,
                    &RowRef {
                        date: parse_day(day).unwrap(),
                        network: "x",
                        account,
                        post: Some(&post),
                        level: Level::Post,
                        dims: &[],
                        metrics: &metrics,
                        attrs: Default::default(),
                        line: 0,
                    },
                );
            }
            batch.finish();
            cube.add_batches(std::slice::from_ref(&batch));
        }
        let view = View {
            grain: Grain::Month,
            by: vec![By::Account],
            filter: Filter::default(),
        };
        let mut out: Vec<(String, i32, f64, f64)> = cube
            .view(&view)
            .groups
            .iter()
            .map(|g| {
                (
                    g.account.clone().unwrap_or_default(),
                    g.period.index,
                    g.values[POSTS as usize],
                    g.values[reach as usize],
                )
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        out
    }

    #[test]
    fn kept_cells_count_each_chunk_once() {
        // Three chunks: 3 posts per account, reach 0.5 + 1 + 1.5 = 3.
        let got = load(3, 3);
        let jan = 2025 * 12;
        let want = vec![
            ("acct0".to_string(), jan, 3.0, 3.0),
            ("acct1".to_string(), jan + 1, 3.0, 3.0),
            ("acct2".to_string(), jan, 3.0, 3.0),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn a_batch_past_its_kept_cells_starts_afresh_and_loses_nothing() {
        // 70,000 cells of two slots each are more than a batch keeps
        // (2^17 accumulators): every chunk starts with no cells.
        let got = load(70_000, 2);
        assert_eq!(got.len(), 70_000);
        // Two posts per account, reach 0.5 + 1 = 1.5.
        assert!(
            got.iter().all(|g| g.2 == 2.0 && g.3 == 1.5),
            "{:?}",
            &got[..3]
        );
        let posts: f64 = got.iter().map(|g| g.2).sum();
        assert_eq!(posts, 140_000.0);
    }
}
