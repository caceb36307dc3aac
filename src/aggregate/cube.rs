//! The cube: what loading builds. Rows stream in and are folded at once into
//! cells keyed by (series, base period, post), so memory grows with the number
//! of cells and distinct posts, never with the size of the files. Duplicate
//! rows (the same export loaded twice, overlapping exports) are dropped here,
//! first value wins, keyed on network, account, post or day, and metric.
//!
//! The cube is split into shards by account, so that batches of parsed rows
//! are deduplicated and folded on every core at once; a record always lands
//! in the same shard, and each shard takes rows in file order, so "first
//! value wins" holds exactly.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::acc::Acc;
use super::period::{Calendar, Day, Grain};
use crate::records::catalog::POSTS;
use crate::records::{Catalog, Kind, Level, MetricId, RowRef};

/// What a run needs from loading: the finest grain, the dimensions and whether
/// posts must stay apart. Anything else is folded away as it streams in.
#[derive(Debug, Clone)]
pub struct CubeSpec {
    pub base: Grain,
    /// Dimensions some view breaks down or filters by, sorted.
    pub keep_dims: Vec<String>,
    pub keep_posts: bool,
    /// Only days in this range are loaded (`--from`, `--to`).
    pub range: (Option<Day>, Option<Day>),
}

/// An account's time series: network, account and the kept dimension values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SeriesKey {
    pub network: String,
    pub account: String,
    /// One value per `CubeSpec::keep_dims`; `None` where the row has none.
    pub dims: Vec<Option<String>>,
}

/// A record reduced to the keys loading needs: computed where the row is
/// parsed (in parallel), applied to the cube in file order.
#[derive(Debug, Clone, Copy)]
pub struct Prepared {
    /// Dedup key: network, account and post, or the row's content.
    pub key: u64,
    /// Hash of network, account and kept dimensions.
    pub series: u64,
    /// Hash of network and account: picks the shard. Every key of a record
    /// holds its network and account, so duplicates meet in one shard.
    pub account: u64,
    /// Hash of the post id (for `--by post`), or 0.
    pub post: u64,
    pub date: Day,
    pub level: Level,
    /// The row gives `posts` itself, so it is not counted.
    pub gives_posts: bool,
}

/// Parsed rows on their way into the cube.
#[derive(Debug, Default)]
pub struct Batch {
    pub rows: Vec<Prepared>,
    /// Row `i`'s metrics are `metrics[ends[i - 1]..ends[i]]`.
    ends: Vec<u32>,
    metrics: Vec<(MetricId, f64)>,
    /// Series and posts first seen in this batch.
    series: FxHashMap<u64, SeriesKey>,
    posts: FxHashMap<u64, String>,
    scratch: Vec<u8>,
}

impl Batch {
    pub fn push(&mut self, spec: &CubeSpec, row: &RowRef) {
        if !spec.in_range(row.date) {
            return;
        }
        let mut buf = std::mem::take(&mut self.scratch);
        let p = spec.prepare(row, &mut buf);
        self.scratch = buf;
        self.series
            .entry(p.series)
            .or_insert_with(|| spec.series_key(row));
        if p.post != 0 {
            self.posts
                .entry(p.post)
                .or_insert_with(|| row.post.unwrap_or_default().to_string());
        }
        self.metrics.extend_from_slice(row.metrics);
        self.ends.push(self.metrics.len() as u32);
        self.rows.push(p);
    }

    fn metrics_of(&self, i: usize) -> &[(MetricId, f64)] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.metrics[start..self.ends[i] as usize]
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Empties the batch, keeping its memory for the next one.
    pub fn clear(&mut self) {
        self.rows.clear();
        self.ends.clear();
        self.metrics.clear();
        self.series.clear();
        self.posts.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Hashes `parts` separated by 0xff (which UTF-8 never contains).
fn hash_parts(buf: &mut Vec<u8>, tag: u8, parts: &[&[u8]]) -> u64 {
    buf.clear();
    buf.push(tag);
    for p in parts {
        buf.extend_from_slice(p);
        buf.push(0xff);
    }
    xxhash_rust::xxh3::xxh3_64(buf)
}

impl CubeSpec {
    fn dim_value<'a>(row: &RowRef<'a>, name: &str) -> Option<&'a str> {
        row.dims
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .filter(|v| !v.is_empty())
    }

    /// The keys of `row`; `buf` is scratch space reused between rows.
    pub fn prepare(&self, row: &RowRef, buf: &mut Vec<u8>) -> Prepared {
        let account = hash_parts(buf, b's', &[row.network.as_bytes(), row.account.as_bytes()]);
        let series = if self.keep_dims.is_empty() {
            account
        } else {
            let mut parts: Vec<&[u8]> = vec![row.network.as_bytes(), row.account.as_bytes()];
            for k in &self.keep_dims {
                parts.push(Self::dim_value(row, k).map_or(b"\x00" as &[u8], str::as_bytes));
            }
            hash_parts(buf, b's', &parts)
        };
        let key = match (row.level, row.post) {
            (Level::Post, Some(post)) => hash_parts(
                buf,
                b'p',
                &[
                    row.network.as_bytes(),
                    row.account.as_bytes(),
                    post.as_bytes(),
                ],
            ),
            (level, _) => {
                // Account-day rows, and post rows without an id: keyed on content.
                let mut parts: Vec<Vec<u8>> = vec![
                    row.network.into(),
                    row.account.into(),
                    row.date.to_le_bytes().to_vec(),
                ];
                let mut dims: Vec<_> = row.dims.iter().filter(|(_, v)| !v.is_empty()).collect();
                dims.sort();
                parts.extend(
                    dims.into_iter()
                        .map(|(k, v)| format!("{k}={v}").into_bytes()),
                );
                if level == Level::Post {
                    parts.extend(
                        row.metrics
                            .iter()
                            .map(|(m, x)| format!("{m}={x}").into_bytes()),
                    );
                }
                let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
                hash_parts(buf, if level == Level::Post { b'c' } else { b'a' }, &refs)
            }
        };
        let post = match (self.keep_posts, row.post) {
            (true, Some(p)) => hash_parts(buf, b'i', &[p.as_bytes()]) | 1,
            _ => 0,
        };
        Prepared {
            key,
            series,
            account,
            post,
            date: row.date,
            level: row.level,
            gives_posts: row.metrics.iter().any(|(m, _)| *m == POSTS),
        }
    }

    pub fn series_key(&self, row: &RowRef) -> SeriesKey {
        SeriesKey {
            network: row.network.to_string(),
            account: row.account.to_string(),
            dims: self
                .keep_dims
                .iter()
                .map(|k| Self::dim_value(row, k).map(str::to_string))
                .collect(),
        }
    }

    pub fn in_range(&self, day: Day) -> bool {
        let (from, to) = self.range;
        !(from.is_some_and(|f| day < f) || to.is_some_and(|t| day > t))
    }
}

#[derive(Debug, Clone)]
pub struct Cell {
    pub series: u32,
    /// Index of the base-grain period.
    pub period: i32,
    /// Interned post id, or `NO_POST`.
    pub post: u32,
}

pub const NO_POST: u32 = u32::MAX;

/// One shard's part of the cube.
#[derive(Default)]
pub struct Shard {
    pub series: Vec<SeriesKey>,
    series_index: FxHashMap<u64, u32>,
    pub posts: Vec<String>,
    post_index: FxHashMap<u64, u32>,
    pub cells: Vec<Cell>,
    /// Cells without a post, by series and period: a direct index, as every
    /// account-level or post-counting row looks one up.
    by_period: Vec<PeriodIndex>,
    /// Cells of single posts (`--by post`).
    post_cells: FxHashMap<(u32, i32, u32), u32>,
    /// Day → base period, for the days seen lately.
    period_cache: Vec<(Day, i32)>,
    /// The cells' accumulators, `stride` per cell, by slot: one block of
    /// memory, so that folding a row touches a couple of cache lines.
    accs: Vec<Acc>,
    stride: usize,
    /// Per record key, the slots already counted (bit = slot < 64).
    seen: super::seen::Seen,
    seen_wide: FxHashSet<(u64, u16)>,
    first_day: Option<Day>,
    last_day: Option<Day>,
    rows: u64,
    duplicate_values: u64,
    fresh: Vec<bool>,
}

/// A series' cells by period: `cells[period - first]`, `u32::MAX` for none.
#[derive(Default)]
struct PeriodIndex {
    first: i32,
    cells: Vec<u32>,
}

impl PeriodIndex {
    fn get(&self, period: i32) -> Option<u32> {
        let i = usize::try_from(period.checked_sub(self.first)?).ok()?;
        self.cells.get(i).copied().filter(|&c| c != u32::MAX)
    }

    fn set(&mut self, period: i32, cell: u32) {
        if self.cells.is_empty() {
            self.first = period;
        } else if period < self.first {
            let shift = (self.first - period) as usize;
            self.cells
                .splice(0..0, std::iter::repeat_n(u32::MAX, shift));
            self.first = period;
        }
        let i = (period - self.first) as usize;
        if i >= self.cells.len() {
            self.cells.resize(i + 1, u32::MAX);
        }
        self.cells[i] = cell;
    }
}

/// What a shard needs to know of the whole cube while folding rows.
struct Ctx<'a> {
    base: Grain,
    calendar: Calendar,
    slot_of: &'a [u16],
    slot_kind: &'a [Kind],
}

impl Shard {
    /// The accumulators of cell `i`, by slot.
    pub fn cell_accs(&self, i: usize) -> &[Acc] {
        &self.accs[i * self.stride..(i + 1) * self.stride]
    }

    /// Widens every cell to `slots` accumulators (a file brought new metrics).
    fn restride(&mut self, slots: usize) {
        if slots <= self.stride {
            return;
        }
        let mut accs = vec![Acc::default(); self.cells.len() * slots];
        for (i, chunk) in self
            .accs
            .chunks(self.stride.max(1))
            .enumerate()
            .take(self.cells.len())
        {
            accs[i * slots..i * slots + chunk.len()].copy_from_slice(chunk);
        }
        self.accs = accs;
        self.stride = slots;
    }
}

impl Shard {
    fn apply(
        &mut self,
        ctx: &Ctx,
        p: &Prepared,
        metrics: &[(MetricId, f64)],
        series_key: impl FnOnce() -> SeriesKey,
        post_id: impl FnOnce() -> String,
    ) {
        self.rows += 1;
        self.first_day = Some(self.first_day.map_or(p.date, |d| d.min(p.date)));
        self.last_day = Some(self.last_day.map_or(p.date, |d| d.max(p.date)));

        let (seen, first_sight) = self.seen.entry(p.key);
        let mut fresh = std::mem::take(&mut self.fresh);
        fresh.clear();
        for &(m, _) in metrics {
            let slot = ctx.slot_of[m as usize];
            let new = if slot < 64 {
                let bit = 1u64 << slot;
                let new = *seen & bit == 0;
                *seen |= bit;
                new
            } else {
                self.seen_wide.insert((p.key, slot))
            };
            self.duplicate_values += u64::from(!new);
            fresh.push(new);
        }
        let counts_post = p.level == Level::Post && first_sight && !p.gives_posts;
        if counts_post || fresh.contains(&true) {
            self.restride(ctx.slot_kind.len());
            let cell = self.cell(ctx, p, series_key, post_id) as usize;
            let accs = &mut self.accs[cell * self.stride..(cell + 1) * self.stride];
            for (&(m, x), _) in metrics.iter().zip(&fresh).filter(|(_, new)| **new) {
                let slot = ctx.slot_of[m as usize] as usize;
                accs[slot].add(ctx.slot_kind[slot], x, p.date);
            }
            if counts_post {
                // Slot 0 is `posts`.
                accs[0].add(Kind::Sum, 1.0, p.date);
            }
        }
        self.fresh = fresh;
    }

    fn cell(
        &mut self,
        ctx: &Ctx,
        p: &Prepared,
        series_key: impl FnOnce() -> SeriesKey,
        post_id: impl FnOnce() -> String,
    ) -> u32 {
        let series = match self.series_index.get(&p.series) {
            Some(&id) => id,
            None => {
                let id = self.series.len() as u32;
                self.series.push(series_key());
                self.series_index.insert(p.series, id);
                id
            }
        };
        if self.period_cache.is_empty() {
            self.period_cache = vec![(Day::MIN, 0); 1024];
        }
        let cached = &mut self.period_cache[p.date as usize & 1023];
        if cached.0 != p.date {
            *cached = (p.date, ctx.calendar.period_of(ctx.base, p.date).index);
        }
        let period = cached.1;
        let next = self.cells.len() as u32;
        let post = if p.post == 0 {
            if self.by_period.len() <= series as usize {
                self.by_period
                    .resize_with(series as usize + 1, PeriodIndex::default);
            }
            if let Some(ci) = self.by_period[series as usize].get(period) {
                return ci;
            }
            self.by_period[series as usize].set(period, next);
            self.cells.push(Cell {
                series,
                period,
                post: NO_POST,
            });
            self.accs
                .resize(self.cells.len() * self.stride, Acc::default());
            return next;
        } else {
            match self.post_index.get(&p.post) {
                Some(&id) => id,
                None => {
                    let id = self.posts.len() as u32;
                    self.posts.push(post_id());
                    self.post_index.insert(p.post, id);
                    id
                }
            }
        };
        let ci = *self
            .post_cells
            .entry((series, period, post))
            .or_insert(next);
        if ci == next {
            self.cells.push(Cell {
                series,
                period,
                post,
            });
            self.accs
                .resize(self.cells.len() * self.stride, Acc::default());
        }
        ci
    }
}

pub struct Cube {
    pub spec: CubeSpec,
    pub calendar: Calendar,
    pub catalog: Catalog,
    pub shards: Vec<Shard>,
    /// Metric id → slot in the cells' accumulators (`u16::MAX`: none yet).
    slot_of: Vec<u16>,
    /// Slot → metric id, and its kind.
    pub slot_metric: Vec<MetricId>,
    slot_kind: Vec<Kind>,
    scratch: Vec<u8>,
}

impl Cube {
    pub fn new(spec: CubeSpec, calendar: Calendar, catalog: Catalog) -> Cube {
        let shards = (0..rayon::current_num_threads().clamp(1, 64))
            .map(|_| Shard::default())
            .collect();
        let mut cube = Cube {
            spec,
            calendar,
            slot_of: vec![u16::MAX; catalog.len()],
            catalog,
            shards,
            slot_metric: Vec::new(),
            slot_kind: Vec::new(),
            scratch: Vec::new(),
        };
        cube.slot(POSTS);
        cube
    }

    fn slot(&mut self, id: MetricId) -> u16 {
        if self.slot_of.len() <= id as usize {
            self.slot_of.resize(id as usize + 1, u16::MAX);
        }
        if self.slot_of[id as usize] == u16::MAX {
            self.slot_of[id as usize] = self.slot_metric.len() as u16;
            self.slot_metric.push(id);
            self.slot_kind.push(self.catalog.get(id).kind);
        }
        self.slot_of[id as usize]
    }

    /// Declares a metric a source brings (a plugin's or a canonical column).
    pub fn declare_metric(&mut self, name: &str, kind: Kind, origin: &str) -> MetricId {
        let id = self.catalog.declare(name, kind, origin);
        self.slot(id);
        id
    }

    pub fn kind(&self, id: MetricId) -> Kind {
        self.catalog.get(id).kind
    }

    fn shard_of(&self, account: u64) -> usize {
        (account % self.shards.len() as u64) as usize
    }

    /// Folds one record into the cube.
    pub fn add(&mut self, row: &RowRef) {
        if !self.spec.in_range(row.date) {
            return;
        }
        for &(m, _) in row.metrics {
            self.slot(m);
        }
        let p = self.spec.prepare(row, &mut self.scratch);
        let shard = self.shard_of(p.account);
        let ctx = Ctx {
            base: self.spec.base,
            calendar: self.calendar,
            slot_of: &self.slot_of,
            slot_kind: &self.slot_kind,
        };
        let spec = &self.spec;
        self.shards[shard].apply(
            &ctx,
            &p,
            row.metrics,
            || spec.series_key(row),
            || row.post.unwrap_or_default().to_string(),
        );
    }

    /// Folds batches, in order, every shard on its own thread. The batches'
    /// metrics must have been declared.
    pub fn add_batches(&mut self, batches: &[Batch]) {
        let n = self.shards.len() as u64;
        let ctx = Ctx {
            base: self.spec.base,
            calendar: self.calendar,
            slot_of: &self.slot_of,
            slot_kind: &self.slot_kind,
        };
        // How far ahead to fetch dedup slots: enough to overlap cache misses.
        const AHEAD: usize = 8;
        self.shards
            .par_iter_mut()
            .enumerate()
            .for_each(|(s, shard)| {
                for b in batches {
                    let mine: Vec<u32> = (0..b.rows.len() as u32)
                        .filter(|&i| (b.rows[i as usize].account % n) as usize == s)
                        .collect();
                    for (j, &i) in mine.iter().enumerate() {
                        if let Some(&ahead) = mine.get(j + AHEAD) {
                            shard.seen.prefetch(b.rows[ahead as usize].key);
                        }
                        let p = &b.rows[i as usize];
                        shard.apply(
                            &ctx,
                            p,
                            b.metrics_of(i as usize),
                            || b.series[&p.series].clone(),
                            || b.posts[&p.post].clone(),
                        );
                    }
                }
            });
    }

    /// Makes room for about `n` more distinct records, to avoid rehashing.
    pub fn reserve(&mut self, n: usize) {
        let per = n / self.shards.len() + 1;
        for s in &mut self.shards {
            s.seen.reserve(per);
        }
    }

    /// The range of days with data, if any.
    pub fn data_range(&self) -> Option<(Day, Day)> {
        let first = self.shards.iter().filter_map(|s| s.first_day).min()?;
        let last = self.shards.iter().filter_map(|s| s.last_day).max()?;
        Some((first, last))
    }

    pub fn last_day(&self) -> Option<Day> {
        self.data_range().map(|r| r.1)
    }

    pub fn rows(&self) -> u64 {
        self.shards.iter().map(|s| s.rows).sum()
    }

    pub fn cell_count(&self) -> usize {
        self.shards.iter().map(|s| s.cells.len()).sum()
    }

    pub fn duplicate_values(&self) -> u64 {
        self.shards.iter().map(|s| s.duplicate_values).sum()
    }

    pub fn slot_kind(&self, slot: usize) -> Kind {
        self.slot_kind[slot]
    }
}
