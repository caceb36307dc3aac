//! A shard: the cells and the dedup table of the accounts that hash to it.
//! Each shard folds its rows in file order, on its own thread.

use rustc_hash::FxHashMap;

use rustc_hash::FxHashSet;

use super::acc::Acc;
use super::folded::{Folded, prefetch};
use super::key_log::KeyLog;
use super::period::{Calendar, Day, Grain};
use super::period_index::{PeriodCache, PeriodIndex};
use super::seen::{Claim, Seen};
use super::spec::{Prepared, SeriesKey};
use crate::records::{Kind, Level, MetricId};

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
    /// Each post's hash, by id (to index them again when cells are dropped).
    post_hashes: Vec<u64>,
    post_index: FxHashMap<u64, u32>,
    pub cells: Vec<Cell>,
    /// Cells without a post, by series and period: a direct index, as every
    /// account-level or post-counting row looks one up.
    by_period: Vec<PeriodIndex>,
    /// Cells of single posts (`--by post`).
    post_cells: FxHashMap<(u32, i32, u32), u32>,
    period_cache: PeriodCache,
    /// The cells' accumulators, `stride` per cell, by slot: one block of
    /// memory, so that folding a row touches a couple of cache lines.
    accs: Vec<Acc>,
    stride: usize,
    /// Which keys `seen` tracks.
    pub(super) track: Track,
    /// Per record key, the slots already counted (bit = slot < 64).
    pub(super) seen: Seen,
    /// Per record key and slot past 64, the file that counted it.
    seen_wide: FxHashMap<(u64, u16), u32>,
    pub(super) first_day: Option<Day>,
    pub(super) last_day: Option<Day>,
    pub(super) rows: u64,
    pub(super) duplicate_values: u64,
    /// Rows added to an earlier row of the same file with the same content
    /// key (the same day and dimensions of an account, a post without an id).
    pub(super) merged_rows: u64,
    /// Values of stocks (and other metrics that do not add up) in such rows:
    /// only one of them can stand for the day.
    pub(super) merged_stocks: u64,
    fresh: Vec<bool>,
    /// Scratch of `merge_folded`: a folded cell and its cell here.
    merge_to: Vec<(u32, u32)>,
}

/// How a shard tells a duplicate.
#[derive(Default)]
pub enum Track {
    /// Every key goes through `seen`: exact in one pass, but `seen` grows
    /// with the records (inputs that cannot be read twice, test records).
    #[default]
    All,
    /// Every row folds as new and its key is written down; the log says
    /// afterwards whether a key came twice (see `key_log`).
    Log(KeyLog),
    /// Only these keys (met more than once, as `key_log` found) go through
    /// `seen`; every other key is met once.
    Only(FxHashSet<u64>),
}

/// The values in `metrics` of metrics that do not add up (stocks): what a
/// row merged into another of its day loses (see `key_log`).
pub(super) fn stock_values(
    metrics: &[(MetricId, f64)],
    slot_of: &[u16],
    slot_kind: &[Kind],
) -> u32 {
    metrics
        .iter()
        .filter(|(m, _)| slot_kind[slot_of[*m as usize] as usize] != Kind::Sum)
        .count() as u32
}

/// What a shard needs to know of the whole cube while folding rows.
pub(super) struct Ctx<'a> {
    pub base: Grain,
    pub calendar: Calendar,
    /// The file the rows come from, numbered from 1.
    pub file: u32,
    pub slot_of: &'a [u16],
    pub slot_kind: &'a [Kind],
}

impl Shard {
    /// The accumulators of cell `i`, by slot.
    pub fn cell_accs(&self, i: usize) -> &[Acc] {
        &self.accs[i * self.stride..(i + 1) * self.stride]
    }

    /// For each account-level series and month, which slots it has a value
    /// of: the metrics for which the account's own figures win that month.
    pub fn own_months(
        &self,
        calendar: &Calendar,
        base: Grain,
        range: (Day, Day),
    ) -> FxHashMap<(u32, i32), Vec<bool>> {
        let mut out: FxHashMap<(u32, i32), Vec<bool>> = FxHashMap::default();
        for (ci, cell) in self.cells.iter().enumerate() {
            if cell.post != NO_POST || self.series[cell.series as usize].posts {
                continue;
            }
            let start = calendar
                .bounds(
                    super::period::Period {
                        grain: base,
                        index: cell.period,
                    },
                    range,
                )
                .0;
            let month = calendar.period_of(Grain::Month, start).index;
            let has = out
                .entry((cell.series, month))
                .or_insert_with(|| vec![false; self.stride]);
            for (slot, a) in self.cell_accs(ci).iter().enumerate() {
                has[slot] |= a.n > 0;
            }
        }
        out
    }

    /// Keeps only the cells whose period `keep` accepts, and the posts they
    /// name; the days seen are held to `days`.
    pub fn retain_periods(&mut self, keep: &impl Fn(i32) -> bool, days: (Day, Day)) {
        if self.cells.iter().all(|c| keep(c.period)) {
            return;
        }
        let cells = std::mem::take(&mut self.cells);
        let accs = std::mem::take(&mut self.accs);
        let posts = std::mem::take(&mut self.posts);
        let hashes = std::mem::take(&mut self.post_hashes);
        self.post_index.clear();
        self.post_cells.clear();
        self.by_period.clear();
        let mut renamed: FxHashMap<u32, u32> = FxHashMap::default();
        for (i, c) in cells.iter().enumerate().filter(|(_, c)| keep(c.period)) {
            let next = self.cells.len() as u32;
            let post = if c.post == NO_POST {
                if self.by_period.len() <= c.series as usize {
                    self.by_period
                        .resize_with(c.series as usize + 1, PeriodIndex::default);
                }
                self.by_period[c.series as usize].set(c.period, next);
                NO_POST
            } else {
                let id = *renamed.entry(c.post).or_insert_with(|| {
                    let id = self.posts.len() as u32;
                    self.posts.push(posts[c.post as usize].clone());
                    self.post_hashes.push(hashes[c.post as usize]);
                    self.post_index.insert(hashes[c.post as usize], id);
                    id
                });
                self.post_cells.insert((c.series, c.period, id), next);
                id
            };
            self.cells.push(Cell {
                series: c.series,
                period: c.period,
                post,
            });
            self.accs
                .extend_from_slice(&accs[i * self.stride..(i + 1) * self.stride]);
        }
        let (from, to) = days;
        self.first_day = self.first_day.map(|d| d.max(from));
        self.last_day = self.last_day.map(|d| d.min(to));
        if self.cells.is_empty() || self.first_day > self.last_day {
            (self.first_day, self.last_day) = (None, None);
        }
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
    /// Merges the cells of a folded batch that fall to shard `s`, and
    /// writes down their keys.
    pub(super) fn merge_folded(
        &mut self,
        ctx: &Ctx,
        f: &Folded,
        s: usize,
        series: &FxHashMap<u64, SeriesKey>,
        posts: &FxHashMap<u64, String>,
    ) {
        self.rows += f.rows[s];
        if let Some((a, b)) = f.days[s] {
            self.first_day = Some(self.first_day.map_or(a, |d| d.min(a)));
            self.last_day = Some(self.last_day.map_or(b, |d| d.max(b)));
        }
        if let Track::Log(log) = &mut self.track {
            for &k in &f.ids[s] {
                log.id(k);
            }
            for &(k, stocks) in &f.content[s] {
                log.content(k, ctx.file, stocks);
            }
        }
        self.restride(ctx.slot_kind.len());
        // First each cell's place in the shard, then the sums, fetching the
        // places a few cells ahead: they lie anywhere in the shard's cells.
        let mut to = std::mem::take(&mut self.merge_to);
        to.clear();
        for &i in &f.touched {
            let c = &f.cells[i as usize];
            if f.ctx.shard_of(c.account) != s {
                continue;
            }
            let cell = self.cell_at(
                c.series,
                c.period,
                c.post,
                || series[&c.series].clone(),
                || posts[&c.post].clone(),
            );
            to.push((i, cell));
        }
        const AHEAD: usize = 8;
        for (j, &(i, cell)) in to.iter().enumerate() {
            if let Some(&(_, ahead)) = to.get(j + AHEAD) {
                prefetch(&self.accs[ahead as usize * self.stride..][..f.stride]);
            }
            let from = &f.accs[i as usize * f.stride..][..f.stride];
            let into = &mut self.accs[cell as usize * self.stride..][..f.stride];
            for (slot, (a, &o)) in into.iter_mut().zip(from).enumerate() {
                a.merge(ctx.slot_kind[slot], o, false);
            }
        }
        self.merge_to = to;
    }

    pub(super) fn apply(
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

        let row = metrics
            .iter()
            .fold(0u64, |m, &(id, _)| match ctx.slot_of[id as usize] {
                slot if slot < 64 => m | 1 << slot,
                _ => m,
            });
        let tracked = match &mut self.track {
            Track::All => true,
            Track::Only(keys) => keys.contains(&p.key.max(1)),
            Track::Log(log) => {
                if p.by_id {
                    log.id(p.key);
                } else {
                    let stocks = metrics
                        .iter()
                        .filter(|(m, _)| {
                            ctx.slot_kind[ctx.slot_of[*m as usize] as usize] != Kind::Sum
                        })
                        .count();
                    log.content(p.key, ctx.file, stocks as u32);
                }
                false
            }
        };
        let claim = if tracked {
            self.seen.check(p.key, row, ctx.file, p.by_id)
        } else {
            // A key met once so far, as far as this pass knows: all is new.
            Claim {
                new_bits: row,
                new_record: true,
                merged: false,
            }
        };
        self.merged_rows += u64::from(claim.merged);
        let mut fresh = std::mem::take(&mut self.fresh);
        fresh.clear();
        for &(m, _) in metrics {
            let slot = ctx.slot_of[m as usize];
            let new = if !tracked {
                true
            } else if slot < 64 {
                claim.new_bits & 1 << slot != 0
            } else {
                match self.seen_wide.entry((p.key, slot)) {
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(ctx.file);
                        true
                    }
                    std::collections::hash_map::Entry::Occupied(e) => {
                        !p.by_id && *e.get() == ctx.file
                    }
                }
            };
            self.duplicate_values += u64::from(!new);
            fresh.push(new);
        }
        if claim.merged {
            self.merged_stocks += metrics
                .iter()
                .zip(&fresh)
                .filter(|((m, _), new)| {
                    **new && ctx.slot_kind[ctx.slot_of[*m as usize] as usize] != Kind::Sum
                })
                .count() as u64;
        }
        let counts_post = p.level == Level::Post && claim.new_record && !p.gives_posts;
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
        let period = self.period_cache.period(&ctx.calendar, ctx.base, p.date);
        self.cell_at(p.series, period, p.post, series_key, post_id)
    }

    /// The cell of a series, base period and post (by their hashes; post 0
    /// is none), made when new.
    fn cell_at(
        &mut self,
        series_hash: u64,
        period: i32,
        post_hash: u64,
        series_key: impl FnOnce() -> SeriesKey,
        post_id: impl FnOnce() -> String,
    ) -> u32 {
        let series = match self.series_index.get(&series_hash) {
            Some(&id) => id,
            None => {
                let id = self.series.len() as u32;
                self.series.push(series_key());
                self.series_index.insert(series_hash, id);
                id
            }
        };
        let next = self.cells.len() as u32;
        let post = if post_hash == 0 {
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
            match self.post_index.get(&post_hash) {
                Some(&id) => id,
                None => {
                    let id = self.posts.len() as u32;
                    self.posts.push(post_id());
                    self.post_hashes.push(post_hash);
                    self.post_index.insert(post_hash, id);
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
