//! Batches: parsed rows on their way into the cube, with the series and post
//! names they bring, so that the cube asks for strings only the first time.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHashSet};

use super::folded::Folded;
use super::period::Day;
use super::spec::{CubeSpec, Prepared, SeriesKey};
use crate::records::{Level, MetricId, PostAttrs, RowRef};

/// Parsed rows on their way into the cube.
#[derive(Debug, Default, Clone)]
pub struct Batch {
    pub rows: Vec<Prepared>,
    /// Row `i`'s metrics are `metrics[ends[i - 1]..ends[i]]`.
    ends: Vec<u32>,
    metrics: Vec<(MetricId, f64)>,
    /// Series and posts first seen in this batch.
    pub(super) series: FxHashMap<u64, SeriesKey>,
    pub(super) posts: FxHashMap<u64, String>,
    scratch: Vec<u8>,
    /// Rows dated outside the plausible years: how many, and the first few
    /// dates with their lines.
    pub(super) odd_rows: u64,
    pub(super) odd: Vec<(Day, u64)>,
    /// The dimension names rows brought, and the network and account of
    /// rows outside the loaded days: what names a filter may use
    /// (see `names`), whatever the cube keeps.
    pub(super) dim_names: Vec<String>,
    pub(super) outside: Vec<(String, String)>,
    outside_seen: FxHashSet<u64>,
    /// Rows folded as they come instead of kept (see `folded`).
    pub folded: Option<Folded>,
    /// The rows a companion cube takes, prepared by its own spec (see
    /// `Cube::companion`).
    pub(super) companion: Option<Box<Companion>>,
    /// Post rows' attributes, by dedup key, with their day: only in a
    /// batch of a cube that keeps them (the report's companion), so that
    /// other loads copy no text.
    pub(super) attrs: Option<Vec<(u64, Day, PostAttrs)>>,
}

/// A companion cube's part of a batch: its spec, and the first day it
/// still takes, which moves on while the batch is filled.
#[derive(Debug, Clone)]
pub(super) struct Companion {
    pub spec: CubeSpec,
    pub floor: std::sync::Arc<std::sync::atomic::AtomicI32>,
    pub batch: Batch,
}

/// Accounts outside the loaded days a batch notes: names to check filters
/// against, not data.
const MAX_OUTSIDE: usize = 10_000;

/// Distinct implausible dates a warning names; the rest are counted.
const ODD_DATES_SHOWN: usize = 3;

/// Keeps `day` (first seen on `line`) among the implausible dates a warning
/// names, while there is room and it is not there yet.
pub(super) fn note_odd(odd: &mut Vec<(Day, u64)>, day: Day, line: u64) {
    if odd.len() < ODD_DATES_SHOWN && !odd.iter().any(|o| o.0 == day) {
        odd.push((day, line));
    }
}

impl Batch {
    pub fn push(&mut self, spec: &CubeSpec, row: &RowRef) {
        if let Some(c) = &mut self.companion
            && row.date >= c.floor.load(std::sync::atomic::Ordering::Relaxed)
            && c.spec.in_range(row.date)
        {
            c.batch.push(&c.spec, row);
        }
        for (name, _) in row.dims {
            if !self.dim_names.iter().any(|n| n == name) {
                self.dim_names.push(name.to_string());
            }
        }
        if !spec.in_range(row.date) {
            let mut h = rustc_hash::FxHasher::default();
            (row.network, row.account).hash(&mut h);
            if self.outside.len() < MAX_OUTSIDE && self.outside_seen.insert(h.finish()) {
                self.outside
                    .push((row.network.to_string(), row.account.to_string()));
            }
            return;
        }
        if !super::period::plausible(row.date) {
            self.odd_rows += 1;
            note_odd(&mut self.odd, row.date, row.line);
        }
        let p = spec.prepare(row, &mut self.scratch);
        if let Some(attrs) = &mut self.attrs
            && row.level == Level::Post
            && row.post.is_some()
            && !row.attrs.is_empty()
        {
            attrs.push((p.key, row.date, PostAttrs::kept(&row.attrs)));
        }
        // A folded batch names a series and a post when it makes their
        // cell: rows of a cell already made need no look-up.
        if let Some(f) = &mut self.folded
            && !f.push(&p, row.metrics)
        {
            return;
        }
        self.series
            .entry(p.series)
            .or_insert_with(|| spec.series_key(row));
        if p.post != 0 {
            self.posts
                .entry(p.post)
                .or_insert_with(|| row.post.unwrap_or_default().to_string());
        }
        if self.folded.is_some() {
            return;
        }
        self.metrics.extend_from_slice(row.metrics);
        self.ends.push(self.metrics.len() as u32);
        self.rows.push(p);
    }

    pub(super) fn metrics_of(&self, i: usize) -> &[(MetricId, f64)] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.metrics[start..self.ends[i] as usize]
    }

    /// Sums the last row of a folded batch, which waits for the next row
    /// (see `Folded::finish`): call once the batch is filled.
    pub fn finish(&mut self) {
        if let Some(f) = &mut self.folded {
            f.finish();
        }
        if let Some(c) = &mut self.companion {
            c.batch.finish();
        }
    }

    /// Whether every row pushed is summed (see [`Batch::finish`]).
    pub(super) fn is_finished(&self) -> bool {
        self.folded.as_ref().is_none_or(Folded::is_finished)
            && self
                .companion
                .as_ref()
                .is_none_or(|c| c.batch.is_finished())
    }

    /// Empties the batch, keeping its memory for the next one.
    pub fn clear(&mut self) {
        self.rows.clear();
        self.ends.clear();
        self.metrics.clear();
        self.series.clear();
        self.posts.clear();
        self.odd_rows = 0;
        self.odd.clear();
        self.dim_names.clear();
        self.outside.clear();
        self.outside_seen.clear();
        if let Some(f) = &mut self.folded {
            f.clear();
        }
        if let Some(c) = &mut self.companion {
            c.batch.clear();
        }
        if let Some(a) = &mut self.attrs {
            a.clear();
        }
    }
}
