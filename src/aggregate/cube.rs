//! The cube: what loading builds. Rows stream in and are folded at once into
//! cells keyed by (series, base period, post), so memory grows with the number
//! of cells and distinct posts, never with the size of the files. Duplicate
//! rows (the same export loaded twice, overlapping exports) are dropped here,
//! first value wins, keyed on network, account, post or day, and metric.

use rustc_hash::{FxHashMap, FxHashSet};
use xxhash_rust::xxh3::Xxh3;

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

#[derive(Debug, Clone)]
pub struct Cell {
    pub series: u32,
    /// Index of the base-grain period.
    pub period: i32,
    /// Interned post id, or `NO_POST`.
    pub post: u32,
    /// By metric id; shorter than the catalog where later metrics are absent.
    pub accs: Vec<Acc>,
}

pub const NO_POST: u32 = u32::MAX;

pub struct Cube {
    pub spec: CubeSpec,
    pub calendar: Calendar,
    pub catalog: Catalog,
    pub series: Vec<SeriesKey>,
    series_index: FxHashMap<u64, u32>,
    pub posts: Vec<String>,
    post_index: FxHashMap<u64, u32>,
    pub cells: Vec<Cell>,
    cell_index: FxHashMap<(u32, i32, u32), u32>,
    /// Per record key, the metrics already counted (bit = metric id < 64).
    seen: FxHashMap<u64, u64>,
    seen_wide: FxHashSet<(u64, MetricId)>,
    pub first_day: Option<Day>,
    pub last_day: Option<Day>,
    pub rows: u64,
    pub duplicate_values: u64,
    kinds: Vec<Kind>,
}

fn hash_parts(tag: u8, parts: &[&[u8]]) -> u64 {
    let mut h = Xxh3::new();
    h.update(&[tag]);
    for p in parts {
        h.update(p);
        h.update(&[0xff]);
    }
    h.digest()
}

impl Cube {
    pub fn new(spec: CubeSpec, calendar: Calendar, catalog: Catalog) -> Cube {
        let kinds = catalog.iter().map(|(_, d)| d.kind).collect();
        Cube {
            spec,
            calendar,
            catalog,
            series: Vec::new(),
            series_index: FxHashMap::default(),
            posts: Vec::new(),
            post_index: FxHashMap::default(),
            cells: Vec::new(),
            cell_index: FxHashMap::default(),
            seen: FxHashMap::default(),
            seen_wide: FxHashSet::default(),
            first_day: None,
            last_day: None,
            rows: 0,
            duplicate_values: 0,
            kinds,
        }
    }

    /// Declares a metric a source brings (a plugin's or a canonical column).
    pub fn declare_metric(&mut self, name: &str, kind: Kind, origin: &str) -> MetricId {
        let id = self.catalog.declare(name, kind, origin);
        self.kinds = self.catalog.iter().map(|(_, d)| d.kind).collect();
        id
    }

    pub fn kind(&self, id: MetricId) -> Kind {
        self.kinds[id as usize]
    }

    fn series_id(&mut self, row: &RowRef) -> u32 {
        let mut parts: Vec<&[u8]> = Vec::with_capacity(2 + self.spec.keep_dims.len());
        parts.push(row.network.as_bytes());
        parts.push(row.account.as_bytes());
        let dim_values: Vec<Option<&str>> = self
            .spec
            .keep_dims
            .iter()
            .map(|k| row.dims.iter().find(|(n, _)| n == k).map(|(_, v)| *v).filter(|v| !v.is_empty()))
            .collect();
        for v in &dim_values {
            parts.push(v.map_or(b"\x00" as &[u8], str::as_bytes));
        }
        let h = hash_parts(b's', &parts);
        if let Some(&id) = self.series_index.get(&h) {
            return id;
        }
        let id = self.series.len() as u32;
        self.series.push(SeriesKey {
            network: row.network.to_string(),
            account: row.account.to_string(),
            dims: dim_values.into_iter().map(|v| v.map(str::to_string)).collect(),
        });
        self.series_index.insert(h, id);
        id
    }

    fn record_key(row: &RowRef) -> u64 {
        match (row.level, row.post) {
            (Level::Post, Some(post)) => hash_parts(b'p', &[row.network.as_bytes(), row.account.as_bytes(), post.as_bytes()]),
            (level, _) => {
                // Account-day rows, and post rows without an id: keyed on content.
                let date = row.date.to_le_bytes();
                let mut parts: Vec<Vec<u8>> = vec![row.network.into(), row.account.into(), date.to_vec()];
                let mut dims: Vec<_> = row.dims.iter().filter(|(_, v)| !v.is_empty()).collect();
                dims.sort();
                for (k, v) in dims {
                    parts.push(format!("{k}={v}").into_bytes());
                }
                if level == Level::Post {
                    for (m, x) in row.metrics {
                        parts.push(format!("{m}={x}").into_bytes());
                    }
                }
                let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
                hash_parts(if level == Level::Post { b'c' } else { b'a' }, &refs)
            }
        }
    }

    /// Folds one record into the cube.
    pub fn add(&mut self, row: &RowRef) {
        let (from, to) = self.spec.range;
        if from.is_some_and(|f| row.date < f) || to.is_some_and(|t| row.date > t) {
            return;
        }
        self.rows += 1;
        self.first_day = Some(self.first_day.map_or(row.date, |d| d.min(row.date)));
        self.last_day = Some(self.last_day.map_or(row.date, |d| d.max(row.date)));

        let key = Self::record_key(row);
        let mut first_sight = false;
        let mask = *self.seen.entry(key).or_insert_with(|| {
            first_sight = true;
            0
        });
        let mut new_mask = mask;
        let mut fresh: smallvec_lite::Buf = smallvec_lite::Buf::new();
        for &(m, x) in row.metrics {
            let new = if m < 64 {
                let bit = 1u64 << m;
                let new = new_mask & bit == 0;
                new_mask |= bit;
                new
            } else {
                self.seen_wide.insert((key, m))
            };
            if new {
                fresh.push((m, x));
            } else {
                self.duplicate_values += 1;
            }
        }
        let counts_post = row.level == Level::Post && first_sight && !row.metrics.iter().any(|(m, _)| *m == POSTS);
        if new_mask != mask {
            self.seen.insert(key, new_mask);
        }
        if fresh.is_empty() && !counts_post {
            return;
        }

        let series = self.series_id(row);
        let period = self.calendar.period_of(self.spec.base, row.date).index;
        let post = match (self.spec.keep_posts, row.post) {
            (true, Some(p)) => {
                let h = hash_parts(b'i', &[p.as_bytes()]);
                match self.post_index.get(&h) {
                    Some(&id) => id,
                    None => {
                        let id = self.posts.len() as u32;
                        self.posts.push(p.to_string());
                        self.post_index.insert(h, id);
                        id
                    }
                }
            }
            _ => NO_POST,
        };
        let next = self.cells.len() as u32;
        let ci = *self.cell_index.entry((series, period, post)).or_insert(next);
        if ci == next {
            self.cells.push(Cell { series, period, post, accs: Vec::new() });
        }
        let cell = &mut self.cells[ci as usize];
        let day = row.date;
        for &(m, x) in fresh.iter() {
            if cell.accs.len() <= m as usize {
                cell.accs.resize(m as usize + 1, Acc::default());
            }
            cell.accs[m as usize].add(self.kinds[m as usize], x, day);
        }
        if counts_post {
            if cell.accs.len() <= POSTS as usize {
                cell.accs.resize(POSTS as usize + 1, Acc::default());
            }
            cell.accs[POSTS as usize].add(Kind::Sum, 1.0, day);
        }
    }

    /// The range of days with data, if any.
    pub fn data_range(&self) -> Option<(Day, Day)> {
        Some((self.first_day?, self.last_day?))
    }
}

/// A tiny inline buffer for the metrics of one row, to keep `add` free of
/// heap allocation for typical rows.
mod smallvec_lite {
    use crate::records::MetricId;

    pub struct Buf {
        inline: [(MetricId, f64); 32],
        len: usize,
        spill: Vec<(MetricId, f64)>,
    }

    impl Buf {
        pub fn new() -> Self {
            Buf { inline: [(0, 0.0); 32], len: 0, spill: Vec::new() }
        }
        pub fn push(&mut self, v: (MetricId, f64)) {
            if self.len < 32 {
                self.inline[self.len] = v;
                self.len += 1;
            } else {
                self.spill.push(v);
            }
        }
        pub fn is_empty(&self) -> bool {
            self.len == 0
        }
        pub fn iter(&self) -> impl Iterator<Item = &(MetricId, f64)> {
            self.inline[..self.len].iter().chain(self.spill.iter())
        }
    }
}
