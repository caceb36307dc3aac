//! Batches: parsed rows on their way into the cube, with the series and post
//! names they bring, so that the cube asks for strings only the first time.

use rustc_hash::FxHashMap;

use super::period::Day;
use super::spec::{CubeSpec, Prepared, SeriesKey};
use crate::records::{MetricId, RowRef};

/// Parsed rows on their way into the cube.
#[derive(Debug, Default)]
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
}

/// Distinct implausible dates a warning names; the rest are counted.
pub const ODD_DATES_SHOWN: usize = 3;

impl Batch {
    pub fn push(&mut self, spec: &CubeSpec, row: &RowRef) {
        if !spec.in_range(row.date) {
            return;
        }
        if !super::period::plausible(row.date) {
            self.odd_rows += 1;
            if self.odd.len() < ODD_DATES_SHOWN && !self.odd.iter().any(|o| o.0 == row.date) {
                self.odd.push((row.date, row.line));
            }
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

    pub(super) fn metrics_of(&self, i: usize) -> &[(MetricId, f64)] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.metrics[start..self.ends[i] as usize]
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
    }
}
