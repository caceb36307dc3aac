//! The cube: what loading builds. Rows stream in and are folded at once into
//! cells keyed by (series, base period, post), so memory grows with the number
//! of cells and distinct posts, never with the size of the files. Duplicate
//! rows (the same export loaded twice, overlapping exports) are dropped here,
//! first value wins, keyed on network, account, post or day, and metric;
//! rows of one file are dropped only when the network's id proves them the
//! same (see `seen`).
//!
//! The cube is split into shards by account, so that batches of parsed rows
//! are deduplicated and folded on every core at once; a record always lands
//! in the same shard, and each shard takes rows in file order, so "first
//! value wins" holds exactly.

use rayon::prelude::*;

use rustc_hash::{FxHashMap, FxHashSet};

use super::batch::{Batch, Companion, note_odd};
use super::folded::{FoldCtx, Folded};
use super::key_log::{KeyLog, Settled};
use super::period::Period;
use super::period::{Calendar, Day, format_day};
use super::shard::{Ctx, Shard, Track};
use super::spec::CubeSpec;
use crate::limits::PLAUSIBLE_YEARS;
use crate::records::catalog::POSTS;
use crate::records::tally::Tally;
use crate::records::{Catalog, Kind, MetricId, PostAttrs};

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
    /// The file being read, numbered from 1: rows of one file are never
    /// collapsed by their content, only matched against other files'.
    file: u32,
    /// What reading each input found, in the order read.
    pub tallies: Vec<Tally>,
    /// The dates the file being read brought: what [`Cube::finish_file`]
    /// tells its tally.
    file_dates: FileDates,
    /// Duplicate values, merged rows and merged stocks before the file
    /// being read: what it added is told to its tally.
    file_start: (u64, u64, u64),
    /// Dimension names rows brought, and accounts of rows outside the
    /// loaded days: with the series, what filters may name (`names`).
    pub(super) dim_names: std::collections::BTreeSet<String>,
    pub(super) outside: std::collections::BTreeSet<(String, String)>,
    /// Values of kept dimensions a source told without rows: a warehouse
    /// that sent only the rows a filter accepts (see `note_names`).
    pub(super) told_values: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    /// A second cube fed by the same load, with a spec of its own: the
    /// report's posts of one period beside its goals' history, read once.
    pub companion: Option<Box<Cube>>,
    /// Keeps only the days from the month before the main cube's last day
    /// on (a companion for the last complete month, which is known only
    /// once the load ends).
    trailing: bool,
    /// A trailing companion's first day, shared with the batches being
    /// filled so that they stop taking older rows at once.
    floor: std::sync::Arc<std::sync::atomic::AtomicI32>,
    /// Post attributes (text, link, format) by the post's dedup key: kept
    /// by a companion only, for the rows on its days, so that memory is
    /// bounded by the posts of the period it serves.
    attrs: Option<FxHashMap<u64, Versions>>,
    /// Rows of attributes folded so far: the order "latest" falls back on.
    attrs_seen: u64,
}

/// One version of a post's attributes and the last row that gave it.
#[derive(Debug)]
struct KeptAttrs {
    attrs: PostAttrs,
    /// The row's day, file and place in the load: the latest wins.
    at: (Day, u32, u64),
}

/// The versions of a post's attributes: nearly always one, kept inline so
/// that a post costs no list of its own.
#[derive(Debug)]
struct Versions {
    first: KeptAttrs,
    others: Vec<KeptAttrs>,
}

impl Versions {
    fn iter(&self) -> impl Iterator<Item = &KeptAttrs> {
        std::iter::once(&self.first).chain(&self.others)
    }

    /// Notes `attrs` seen `at`: a version already kept moves to the later
    /// of its two times.
    fn note(&mut self, attrs: &PostAttrs, at: (Day, u32, u64)) {
        match std::iter::once(&mut self.first)
            .chain(&mut self.others)
            .find(|v| v.attrs == *attrs)
        {
            Some(v) => v.at = v.at.max(at),
            None => self.others.push(KeptAttrs {
                attrs: attrs.clone(),
                at,
            }),
        }
    }

    /// Keeps the versions seen on a day of `days`; false when none is left.
    fn retain(&mut self, days: &std::ops::RangeInclusive<Day>) -> bool {
        self.others.retain(|v| days.contains(&v.at.0));
        if days.contains(&self.first.at.0) {
            return true;
        }
        match self.others.pop() {
            Some(v) => {
                self.first = v;
                true
            }
            None => false,
        }
    }
}

/// The days one file brought into the cube: its range, and the dates
/// outside [`PLAUSIBLE_YEARS`] (a typo in a year more likely than data).
#[derive(Debug, Default)]
struct FileDates {
    range: Option<(Day, Day)>,
    /// Rows dated outside the plausible years, and the first few such
    /// dates with their lines.
    odd_rows: u64,
    odd: Vec<(Day, u64)>,
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
            file: 1,
            tallies: Vec::new(),
            file_dates: FileDates::default(),
            file_start: (0, 0, 0),
            dim_names: Default::default(),
            outside: Default::default(),
            told_values: Default::default(),
            companion: None,
            trailing: false,
            floor: std::sync::Arc::new(std::sync::atomic::AtomicI32::new(Day::MIN)),
            attrs: None,
            attrs_seen: 0,
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
        if let Some(c) = &mut self.companion {
            c.declare_metric(name, kind, origin);
        }
        id
    }

    /// Starts the rows of another file (or command, or test input).
    pub fn next_file(&mut self) {
        if let Some(c) = &mut self.companion {
            c.next_file();
        }
        self.file += 1;
        self.file_dates = FileDates::default();
        self.file_start = (
            self.duplicate_values(),
            self.merged_rows(),
            self.merged_stocks(),
        );
    }

    /// Tells `tally` what the file just read brought: its duplicate values
    /// and merged rows, its days (for [`Cube::span_problem`]) and a warning
    /// for dates outside [`PLAUSIBLE_YEARS`], naming the first few with
    /// their lines.
    pub fn finish_file(&mut self, tally: &mut Tally) {
        let (duplicates, merged, stocks) = self.file_start;
        tally.input = self.file;
        tally.duplicates = self.duplicate_values() - duplicates;
        tally.merged = self.merged_rows() - merged;
        tally.merged_stocks = self.merged_stocks() - stocks;
        if !self.logging() {
            tally.warn_merged_stocks();
        }
        let dates = std::mem::take(&mut self.file_dates);
        tally.days = dates.range;
        if dates.odd_rows == 0 {
            return;
        }
        let mut shown: Vec<String> = dates
            .odd
            .iter()
            .map(|&(d, line)| match line {
                0 => format_day(d),
                _ => format!("line {line}: {}", format_day(d)),
            })
            .collect();
        if dates.odd_rows > shown.len() as u64 {
            shown.push("…".into());
        }
        tally.warn(format!(
            "{} {} dated outside the years {}–{} ({}): is the year a typo?",
            dates.odd_rows,
            if dates.odd_rows == 1 {
                "row is"
            } else {
                "rows are"
            },
            PLAUSIBLE_YEARS.start(),
            PLAUSIBLE_YEARS.end(),
            shown.join(", ")
        ));
    }

    /// The error for data whose days span more than `years`, naming the
    /// first and the last date and the files that hold them: periods are
    /// made for every day between them (two typos, `0026-01-05` and
    /// `9999-12-31`, took 42 s and 6.4 GB).
    pub fn span_problem(&self, years: u32) -> Option<String> {
        let (first, last) = self.data_range()?;
        // 365.2425 days a year: the Gregorian calendar's mean.
        let max_days = (f64::from(years) * 365.2425).ceil();
        let span = f64::from(last) - f64::from(first);
        if span <= max_days {
            return None;
        }
        let holder = |day: Day| -> String {
            self.tallies
                .iter()
                .filter(|t| t.days.is_some_and(|(a, b)| a == day || b == day))
                .map(|t| t.file.clone())
                .next()
                .unwrap_or_else(|| "the data".into())
        };
        Some(format!(
            "the data spans {:.0} years, from {} ({}) to {} ({}): more than the {years} years a run may span (`[limits] date_span_years` in kpiscope.toml); is a year mistyped? (`--from` and `--to` read a part of the data)",
            span / 365.2425,
            format_day(first),
            holder(first),
            format_day(last),
            holder(last)
        ))
    }

    /// Folds batches, in order, every shard on its own thread. The batches'
    /// metrics must have been declared.
    pub fn add_batches(&mut self, batches: &[Batch]) {
        let refs: Vec<&Batch> = batches.iter().collect();
        self.fold(&refs);
        let last = self.last_day();
        if let Some(c) = &mut self.companion {
            let theirs: Vec<&Batch> = batches
                .iter()
                .filter_map(|b| b.companion.as_ref().map(|c| &c.batch))
                .collect();
            c.fold(&theirs);
            if c.trailing
                && let Some(last) = last
            {
                c.slide(last);
            }
        }
    }

    fn fold(&mut self, batches: &[&Batch]) {
        // A row left out would be a wrong sum, not a slower one.
        assert!(
            batches.iter().all(|b| b.is_finished()),
            "a folded batch must be finished before it is added"
        );
        self.note_dates(batches);
        self.keep_attrs(batches);
        for b in batches {
            for n in &b.dim_names {
                if !self.dim_names.contains(n) {
                    self.dim_names.insert(n.clone());
                }
            }
            self.outside.extend(b.outside.iter().cloned());
        }
        let n = self.shards.len() as u64;
        let ctx = Ctx {
            base: self.spec.base,
            calendar: self.calendar,
            file: self.file,
            slot_of: &self.slot_of,
            slot_kind: &self.slot_kind,
        };
        let spec = &self.spec;
        // How far ahead to fetch dedup slots: enough to overlap cache misses.
        const AHEAD: usize = 8;
        self.shards
            .par_iter_mut()
            .enumerate()
            .for_each(|(s, shard)| {
                for &b in batches {
                    if let Some(f) = &b.folded {
                        shard.merge_folded(&ctx, f, s, &b.series, &b.posts);
                        continue;
                    }
                    // A trailing companion's range moves on while batches
                    // made before are still filled: they are held to it here.
                    let mine: Vec<u32> = (0..b.rows.len() as u32)
                        .filter(|&i| {
                            let p = &b.rows[i as usize];
                            (p.account % n) as usize == s && spec.in_range(p.date)
                        })
                        .collect();
                    for (j, &i) in mine.iter().enumerate() {
                        if let Some(&ahead) = mine.get(j + AHEAD)
                            && matches!(shard.track, Track::All)
                        {
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

    /// Keeps the batches' post attributes, in order: of two rows of a post
    /// that disagree (a re-export with an edited text), the later day wins,
    /// then the later file, then the later row.
    fn keep_attrs(&mut self, batches: &[&Batch]) {
        let Some(kept) = &mut self.attrs else {
            return;
        };
        for b in batches {
            for (key, day, attrs) in b.attrs.iter().flatten() {
                // A trailing companion's range may have moved past the day.
                if !self.spec.in_range(*day) {
                    continue;
                }
                self.attrs_seen += 1;
                let at = (*day, self.file, self.attrs_seen);
                match kept.entry(*key) {
                    std::collections::hash_map::Entry::Occupied(mut e) => {
                        e.get_mut().note(attrs, at)
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(Versions {
                            first: KeptAttrs {
                                attrs: attrs.clone(),
                                at,
                            },
                            others: Vec::new(),
                        });
                    }
                }
            }
        }
    }

    /// The attributes of a post (by its network, account and id) on the
    /// days this cube keeps: the latest row's, when the cube keeps them.
    pub fn post_attrs(&self, network: &str, account: &str, post: &str) -> Option<&PostAttrs> {
        let kept = self.attrs.as_ref()?;
        // The key its rows were kept by: their dedup key.
        let key = CubeSpec::post_key(network, account, post);
        kept.get(&key)?
            .iter()
            .max_by_key(|v| v.at)
            .map(|v| &v.attrs)
    }

    /// Notes the range of the batches' days and their implausible dates.
    fn note_dates(&mut self, batches: &[&Batch]) {
        let f = &mut self.file_dates;
        let folded = batches
            .iter()
            .filter_map(|b| b.folded.as_ref())
            .flat_map(|f| f.days.iter().flatten().copied());
        let rows = batches
            .iter()
            .flat_map(|b| &b.rows)
            .map(|p| (p.date, p.date));
        for (first, last) in folded.chain(rows) {
            f.range = Some(
                f.range
                    .map_or((first, last), |(a, b)| (a.min(first), b.max(last))),
            );
        }
        for b in batches {
            f.odd_rows += b.odd_rows;
            for &(day, line) in &b.odd {
                note_odd(&mut f.odd, day, line);
            }
        }
    }

    /// Makes room for about `n` more distinct records, to avoid rehashing
    /// (when every key is tracked).
    pub fn reserve(&mut self, n: usize) {
        let per = n / self.shards.len() + 1;
        for s in &mut self.shards {
            if matches!(s.track, Track::All) {
                s.seen.reserve(per);
            }
        }
    }

    /// Folds every row as new and writes its key down, for
    /// [`Cube::settle`] to find the keys met twice (see `key_log`).
    pub fn log_keys(&mut self) {
        for s in &mut self.shards {
            s.track = Track::Log(KeyLog::default());
        }
        // The companion's rows are some of these: this log speaks for them.
        if let Some(c) = &mut self.companion {
            c.track_only(&FxHashSet::default());
        }
    }

    /// An empty batch for rows whose metrics are all declared: one that
    /// folds its rows at once when every row counts as new (see `folded`).
    pub fn batch(&self) -> Batch {
        let mut b = self.row_batch();
        b.folded = self.logging().then(|| {
            Folded::new(std::sync::Arc::new(FoldCtx {
                base: self.spec.base,
                calendar: self.calendar,
                slot_of: self.slot_of.clone(),
                slot_kind: self.slot_kind.clone(),
                shards: self.shards.len() as u64,
            }))
        });
        b
    }

    /// An empty batch that keeps its rows (for rows whose metrics may be
    /// declared as they come), with the companion's part.
    pub fn row_batch(&self) -> Batch {
        let mut b = Batch::default();
        b.attrs = self.attrs.is_some().then(Vec::new);
        if let Some(c) = &self.companion {
            b.companion = Some(Box::new(Companion {
                spec: c.spec.clone(),
                floor: c.floor.clone(),
                batch: c.row_batch(),
            }));
        }
        b
    }

    /// Names the data holds that a source tells without sending their
    /// rows (a warehouse that summed only the rows the command's filters
    /// accept): what a filter naming something else is checked against.
    pub fn note_names(
        &mut self,
        accounts: impl IntoIterator<Item = (String, String)>,
        dims: impl IntoIterator<Item = String>,
        values: impl IntoIterator<Item = (String, String)>,
    ) {
        self.outside.extend(accounts);
        self.dim_names.extend(dims);
        for (dim, value) in values {
            self.told_values.entry(dim).or_default().insert(value);
        }
    }

    /// Makes `companion` a second cube of this load. `trailing`: it keeps
    /// the days from the month before this cube's last day on, whatever its
    /// spec's range.
    /// The companion keeps its posts' attributes ([`Cube::post_attrs`]).
    pub fn with_companion(&mut self, mut companion: Cube, trailing: bool) {
        companion.trailing = trailing;
        companion.attrs = Some(FxHashMap::default());
        self.companion = Some(Box::new(companion));
    }

    /// Takes the companion out, for a source that fills each cube with a
    /// query of its own (a warehouse): rows pushed meanwhile go to this
    /// cube alone. [`Cube::put_companion`] puts it back.
    pub fn take_companion(&mut self) -> Option<Box<Cube>> {
        self.companion.take()
    }

    /// Puts back a companion [`Cube::take_companion`] took, moved on to
    /// this cube's last day if it trails it.
    pub fn put_companion(&mut self, mut companion: Box<Cube>) {
        if let (true, Some(last)) = (companion.trailing, self.last_day()) {
            companion.slide(last);
        }
        self.companion = Some(companion);
    }

    /// The first day a trailing companion keeps when the main cube's last
    /// day is `last`; `None` for one that does not trail.
    pub fn trailing_from(&self, last: Day) -> Option<Day> {
        self.trailing.then(|| {
            let month = self.calendar.period_of(super::Grain::Month, last);
            self.calendar
                .bounds(month.previous().unwrap_or(month), (last, last))
                .0
        })
    }

    /// A trailing companion moves its first day to the start of the month
    /// before `last`, and drops what lies before.
    fn slide(&mut self, last: Day) {
        let Some(from) = self.trailing_from(last) else {
            return;
        };
        if self.spec.range.0.is_some_and(|f| f >= from) {
            return;
        }
        self.spec.range.0 = Some(from);
        self.floor.store(from, std::sync::atomic::Ordering::Relaxed);
        self.keep_days(from, Day::MAX);
    }

    /// Drops the cells outside the days `from..=to`: a companion trimmed to
    /// the period it serves, as if it had loaded those days alone.
    pub fn keep_days(&mut self, from: Day, to: Day) {
        let (cal, base) = (self.calendar, self.spec.base);
        let keep = |period: i32| {
            let (start, end) = cal.bounds(
                Period {
                    grain: base,
                    index: period,
                },
                (from, to),
            );
            start >= from && end <= to
        };
        for s in &mut self.shards {
            s.retain_periods(&keep, (from, to));
        }
        if let Some(kept) = &mut self.attrs {
            kept.retain(|_, versions| versions.retain(&(from..=to)));
        }
    }

    fn logging(&self) -> bool {
        self.shards.iter().any(|s| matches!(s.track, Track::Log(_)))
    }

    /// Reads back the keys [`Cube::log_keys`] wrote down: the keys met more
    /// than once (to track when the inputs are read again), and the rows
    /// merged within a file.
    pub fn settle(&mut self) -> std::io::Result<Settled> {
        let parts: Vec<std::io::Result<Settled>> = self
            .shards
            .par_iter_mut()
            .map(|s| match std::mem::take(&mut s.track) {
                Track::Log(log) => log.settle(),
                _ => Ok(Settled::default()),
            })
            .collect();
        let mut all = Settled::default();
        for part in parts {
            let part = part?;
            all.suspects.extend(part.suspects);
            for (file, (rows, stocks)) in part.merged {
                let m = all.merged.entry(file).or_default();
                m.0 += rows;
                m.1 += stocks;
            }
        }
        Ok(all)
    }

    /// Tracks only `keys`, the keys met more than once: every other row is
    /// a record of its own.
    pub fn track_only(&mut self, keys: &FxHashSet<u64>) {
        for s in &mut self.shards {
            s.track = Track::Only(keys.clone());
        }
        if let Some(c) = &mut self.companion {
            c.track_only(keys);
        }
    }

    /// Adds to the tallies the rows each file merged, as the key log found.
    pub fn add_merged(&mut self, merged: &FxHashMap<u32, (u64, u64)>) {
        for t in &mut self.tallies {
            if let Some(&(rows, stocks)) = merged.get(&t.input) {
                t.merged += rows;
                t.merged_stocks += stocks;
            }
            t.warn_merged_stocks();
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

    /// Rows added to an earlier row of their file with the same content key.
    pub fn merged_rows(&self) -> u64 {
        self.shards.iter().map(|s| s.merged_rows).sum()
    }

    /// Values of metrics that do not add up (stocks) in such rows.
    pub fn merged_stocks(&self) -> u64 {
        self.shards.iter().map(|s| s.merged_stocks).sum()
    }

    pub fn slot_kind(&self, slot: usize) -> Kind {
        self.slot_kind[slot]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::Grain;
    use crate::aggregate::period::parse_day;
    use crate::records::{AttrsRef, Level, RowRef};

    fn spec() -> CubeSpec {
        CubeSpec {
            base: Grain::Day,
            keep_dims: Vec::new(),
            keep_posts: true,
            range: (None, None),
        }
    }

    fn day(s: &str) -> Day {
        parse_day(s).unwrap_or_default()
    }

    /// Folds one post row of x/acme dated `date` with `title`.
    fn push(cube: &mut Cube, date: &str, post: &str, title: &str) {
        let reach = cube.declare_metric("reach", Kind::Sum, "test");
        let mut batch = cube.row_batch();
        let spec = cube.spec.clone();
        batch.push(
            &spec,
            &RowRef {
                date: day(date),
                network: "x",
                account: "acme",
                post: Some(post),
                level: Level::Post,
                dims: &[],
                metrics: &[(reach, 10.0)],
                attrs: AttrsRef {
                    title: Some(title),
                    url: Some("https://x.com/acme/status/1"),
                    format: Some("IMAGE"),
                },
                line: 2,
            },
        );
        cube.add_batches(std::slice::from_ref(&batch));
    }

    fn title<'a>(cube: &'a Cube, post: &str) -> Option<&'a str> {
        cube.companion
            .as_ref()?
            .post_attrs("x", "acme", post)?
            .title
            .as_deref()
    }

    fn loaded() -> Cube {
        let mut cube = Cube::new(spec(), Calendar::default(), Catalog::standard());
        let companion = Cube::new(spec(), Calendar::default(), Catalog::standard());
        cube.with_companion(companion, false);
        cube
    }

    #[test]
    fn the_companion_keeps_the_latest_attributes_of_a_post() {
        let mut cube = loaded();
        // File 1: p1 as first written; p2 on its later day.
        push(&mut cube, "2026-10-05", "p1", "Old text\nsecond line");
        push(&mut cube, "2026-10-09", "p2", "p2 on the 9th");
        cube.next_file();
        // File 2, a re-export: p1 edited on the same day wins (later
        // file); p2 on an earlier day does not (the later day wins).
        push(&mut cube, "2026-10-05", "p1", "  Edited text ");
        push(&mut cube, "2026-10-07", "p2", "p2 on the 7th");
        cube.next_file();
        // File 3 writes p1's old text again: the same version, seen later.
        push(&mut cube, "2026-10-05", "p1", "Old text\nsecond line");
        assert_eq!(title(&cube, "p1"), Some("Old text"));
        assert_eq!(title(&cube, "p2"), Some("p2 on the 9th"));
        let a = cube
            .companion
            .as_ref()
            .and_then(|c| c.post_attrs("x", "acme", "p2"));
        assert_eq!(a.and_then(|a| a.format.as_deref()), Some("photo"));
        assert_eq!(title(&cube, "p3"), None);
        // Another account's p1 is another post.
        let other = cube
            .companion
            .as_ref()
            .and_then(|c| c.post_attrs("x", "acme2", "p1"));
        assert!(other.is_none());
        // The main cube keeps no text.
        assert!(cube.post_attrs("x", "acme", "p1").is_none());
    }

    #[test]
    fn keeping_days_keeps_the_attributes_of_those_days() {
        let mut cube = loaded();
        push(&mut cube, "2026-10-05", "p1", "October");
        push(&mut cube, "2026-11-02", "p1", "November");
        push(&mut cube, "2026-11-03", "p2", "Only November");
        let Some(mut c) = cube.companion.take() else {
            panic!("a companion")
        };
        assert_eq!(
            c.post_attrs("x", "acme", "p1")
                .and_then(|a| a.title.as_deref()),
            Some("November")
        );
        // The report of October: November's rows are not its posts'.
        c.keep_days(day("2026-10-01"), day("2026-10-31"));
        assert_eq!(
            c.post_attrs("x", "acme", "p1")
                .and_then(|a| a.title.as_deref()),
            Some("October")
        );
        assert!(c.post_attrs("x", "acme", "p2").is_none());
    }
}
