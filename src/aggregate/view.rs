//! Views: the cube rolled up to one grain and scope. A view's groups are what
//! KPI scripts run on, one evaluation per group.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::acc::Acc;
use super::cube::Cube;
use super::shard::NO_POST;
use super::spec::SeriesKey;

use super::period::{Day, Grain, Period};

/// A scope field: what a view breaks down by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum By {
    Network,
    Account,
    Post,
    Dim(String),
}

impl By {
    pub fn parse(s: &str) -> By {
        match s {
            "network" => By::Network,
            "account" => By::Account,
            "post" => By::Post,
            other => By::Dim(other.strip_prefix("dim.").unwrap_or(other).to_string()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            By::Network => "network",
            By::Account => "account",
            By::Post => "post",
            By::Dim(d) => d,
        }
    }
}

/// Which records a view keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Filter {
    pub network: Option<String>,
    pub account: Option<String>,
    pub dims: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct View {
    pub grain: Grain,
    pub by: Vec<By>,
    pub filter: Filter,
}

#[derive(Debug, Clone)]
pub struct Group {
    /// One value per `View::by` field.
    pub scope: Vec<Option<String>>,
    pub network: Option<String>,
    pub account: Option<String>,
    pub post: Option<String>,
    pub dims: BTreeMap<String, String>,
    pub period: Period,
    pub start: Day,
    pub end: Day,
    /// The first day with data in the group, at the cube's base grain: a
    /// post's publish day when the cube is loaded by day.
    pub first: Day,
    /// Days of the period that the data covers: from the data's first day,
    /// up to its last.
    pub days: f64,
    /// By metric id; NaN where there is no value.
    pub values: Vec<f64>,
}

pub struct Groups {
    pub view: View,
    pub groups: Vec<Group>,
    index: FxHashMap<(Vec<Option<String>>, Period), usize>,
    /// First and last day of the data.
    pub range: (Day, Day),
    /// The first day the data covers: `--from` when given (the records
    /// after it start with the first post, not with the export's first
    /// day), else the data's first day. A period starting before it is partial.
    pub covered_from: Day,
}

impl Groups {
    /// Orders the groups by scope, then period, and indexes them.
    fn new(view: View, mut groups: Vec<Group>, range: (Day, Day), covered_from: Day) -> Groups {
        groups.sort_by(|a, b| a.scope.cmp(&b.scope).then(a.period.cmp(&b.period)));
        let index = groups
            .iter()
            .enumerate()
            .map(|(i, g)| ((g.scope.clone(), g.period), i))
            .collect();
        Groups {
            view,
            groups,
            index,
            range,
            covered_from,
        }
    }

    pub fn find(&self, scope: &[Option<String>], period: Period) -> Option<usize> {
        self.index.get(&(scope.to_vec(), period)).copied()
    }

    /// The group of the same scope in the previous period.
    pub fn previous(&self, i: usize) -> Option<usize> {
        let g = &self.groups[i];
        self.find(&g.scope, g.period.previous()?)
    }

    /// Groups of one scope, ordered by period.
    pub fn series_of(&self, scope: &[Option<String>]) -> impl Iterator<Item = &Group> {
        self.groups.iter().filter(move |g| g.scope == scope)
    }
}

impl Cube {
    /// Rolls the cube up into the groups of `view`.
    pub fn view(&self, view: &View) -> Groups {
        let range = self.data_range().unwrap_or((0, 0));
        let covered_from = self.spec.range.0.map_or(range.0, |from| from.min(range.0));
        self.view_over(view, range, covered_from)
    }

    /// Rolls the cube up into the groups of `view` as if its data ran over
    /// `range` (covered from `covered_from`): what a period's `days` count.
    /// A competitor panel is viewed over the own data's days, so that an
    /// export starting at a competitor's first post does not make its
    /// period shorter than the brand's, and its posts per day higher.
    pub fn view_over(&self, view: &View, range: (Day, Day), covered_from: Day) -> Groups {
        let dim_pos = |d: &str| self.spec.keep_dims.iter().position(|k| k == d);
        let f = &view.filter;
        let keep = |s: &SeriesKey| {
            f.network.as_ref().is_none_or(|n| *n == s.network)
                && f.account.as_ref().is_none_or(|a| *a == s.account)
                && f.dims
                    .iter()
                    .all(|(k, v)| dim_pos(k).is_some_and(|i| s.dims[i].as_deref() == Some(v)))
        };

        // A series may be spread over shards: number them across the cube.
        let mut global: FxHashMap<&SeriesKey, u32> = FxHashMap::default();
        let local_to_global: Vec<Vec<u32>> = self
            .shards
            .iter()
            .map(|sh| {
                sh.series
                    .iter()
                    .map(|k| {
                        let next = global.len() as u32;
                        *global.entry(k).or_insert(next)
                    })
                    .collect()
            })
            .collect();

        // First over time within each series, then across series: stocks take
        // each series' last value and add them up.
        let slots = self.slot_metric.len();
        // Scopes are interned: a series' scope is computed once, not per cell.
        let mut scopes: Vec<Vec<Option<String>>> = Vec::new();
        let mut scope_index: FxHashMap<Vec<Option<String>>, u32> = FxHashMap::default();
        let mut intern = |scope: Vec<Option<String>>| -> u32 {
            if let Some(&id) = scope_index.get(&scope) {
                return id;
            }
            let id = scopes.len() as u32;
            scopes.push(scope.clone());
            scope_index.insert(scope, id);
            id
        };
        let by_post = view.by.contains(&By::Post);
        let mut keys: Vec<(u32, Period)> = Vec::new();
        // Each group's first day with data (at the cube's base grain).
        let mut firsts: Vec<Day> = Vec::new();
        let mut key_index: FxHashMap<(u32, Period), u32> = FxHashMap::default();
        // (group, series) → its accumulators, `slots` each, in one block.
        let mut per_series_index: FxHashMap<(u32, u32), u32> = FxHashMap::default();
        let mut per_series: Vec<Acc> = Vec::new();
        for (shard_no, shard) in self.shards.iter().enumerate() {
            let mut series_scope: Vec<Option<u32>> = vec![None; shard.series.len()];
            let dims_of = |s: &SeriesKey| -> Vec<Option<String>> {
                view.by
                    .iter()
                    .map(|b| match b {
                        By::Network => Some(s.network.clone()),
                        By::Account => Some(s.account.clone()),
                        By::Post => None,
                        By::Dim(d) => dim_pos(d).and_then(|i| s.dims[i].clone()),
                    })
                    .collect()
            };
            // An account's own figure for a metric (its daily reach, say)
            // already counts its posts': where one lands in the same group as
            // its posts in a month, the posts' figures of that metric and month
            // are left out. Decided month by month whatever the view's grain,
            // so that days and weeks add up to their months; and by group, not
            // by series, so that a post's dimensions (kept for another view)
            // do not hide it from its account's figures. Views by post keep
            // every post's figures.
            let mut own: FxHashMap<(&str, &str, u32, i32), Vec<bool>> = FxHashMap::default();
            if !by_post {
                for (&(t, month), has) in &shard.own_months(&self.calendar, self.spec.base, range) {
                    let k = &shard.series[t as usize];
                    if !keep(k) {
                        continue;
                    }
                    let scope = intern(dims_of(k));
                    series_scope[t as usize] = Some(scope);
                    let slots = own
                        .entry((k.network.as_str(), k.account.as_str(), scope, month))
                        .or_insert_with(|| vec![false; has.len()]);
                    for (o, h) in slots.iter_mut().zip(has) {
                        *o |= *h;
                    }
                }
            }
            for (ci, cell) in shard.cells.iter().enumerate() {
                let s = &shard.series[cell.series as usize];
                if !keep(s) {
                    continue;
                }
                let scope_of = || -> Vec<Option<String>> {
                    let mut scope = dims_of(s);
                    if let Some(i) = view.by.iter().position(|b| *b == By::Post) {
                        scope[i] =
                            (cell.post != NO_POST).then(|| shard.posts[cell.post as usize].clone());
                    }
                    scope
                };
                let scope = match (by_post, series_scope[cell.series as usize]) {
                    (false, Some(id)) => id,
                    _ => {
                        let id = intern(scope_of());
                        series_scope[cell.series as usize] = Some(id);
                        id
                    }
                };
                let base = Period {
                    grain: self.spec.base,
                    index: cell.period,
                };
                let start = self.calendar.bounds(base, range).0;
                let period = self.calendar.period_of(view.grain, start);
                let next = keys.len() as u32;
                let gid = *key_index.entry((scope, period)).or_insert(next);
                if gid == next {
                    keys.push((scope, period));
                    firsts.push(start);
                } else {
                    let f = &mut firsts[gid as usize];
                    *f = (*f).min(start);
                }
                let series = local_to_global[shard_no][cell.series as usize];
                let next = (per_series.len() / slots.max(1)) as u32;
                let at = *per_series_index.entry((gid, series)).or_insert(next) as usize * slots;
                if at == per_series.len() {
                    per_series.resize(at + slots, Acc::default());
                }
                let own = if s.posts && !own.is_empty() {
                    let month = self.calendar.period_of(Grain::Month, start).index;
                    own.get(&(s.network.as_str(), s.account.as_str(), scope, month))
                } else {
                    None
                };
                for (slot, a) in shard.cell_accs(ci).iter().enumerate() {
                    if own.is_some_and(|o| o.get(slot) == Some(&true)) {
                        continue;
                    }
                    per_series[at + slot].merge(self.slot_kind(slot), *a, false);
                }
            }
        }
        let mut totals: Vec<Vec<Acc>> = vec![vec![Acc::default(); slots]; keys.len()];
        for (&(gid, _), &at) in &per_series_index {
            let t = &mut totals[gid as usize];
            let accs = &per_series[at as usize * slots..(at as usize + 1) * slots];
            for (slot, a) in accs.iter().enumerate() {
                t[slot].merge(self.slot_kind(slot), *a, true);
            }
        }

        // Made in the order `Groups::new` sorts them, which then finds them
        // sorted: scopes are ranked once, instead of compared per pair of
        // groups.
        let mut by_scope: Vec<u32> = (0..scopes.len() as u32).collect();
        by_scope.sort_by(|&a, &b| scopes[a as usize].cmp(&scopes[b as usize]));
        let mut rank = vec![0u32; scopes.len()];
        for (r, &id) in by_scope.iter().enumerate() {
            rank[id as usize] = r as u32;
        }
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_unstable_by_key(|&g| (rank[keys[g].0 as usize], keys[g].1));
        let mut totals: Vec<Option<Vec<Acc>>> = totals.into_iter().map(Some).collect();
        let groups: Vec<Group> = order
            .into_iter()
            .map(|g| (keys[g], totals[g].take().unwrap_or_default(), firsts[g]))
            .map(|((scope, period), accs, first)| {
                let scope = scopes[scope as usize].clone();
                let (start, end) = self.calendar.bounds(period, range);
                // A period the data starts or stops in counts the days the
                // data covers: from its first day, up to its last one.
                let (lo, hi) = (start.max(covered_from), end.min(range.1));
                let field = |b: By| {
                    view.by
                        .iter()
                        .position(|x| *x == b)
                        .and_then(|i| scope[i].clone())
                };
                let mut dims = view.filter.dims.clone();
                for (i, b) in view.by.iter().enumerate() {
                    if let (By::Dim(d), Some(v)) = (b, &scope[i]) {
                        dims.insert(d.clone(), v.clone());
                    }
                }
                let mut values = vec![f64::NAN; self.catalog.len()];
                for (slot, a) in accs.iter().enumerate() {
                    if let Some(v) = a.value(self.slot_kind(slot)) {
                        values[self.slot_metric[slot] as usize] = v;
                    }
                }
                // `posts` is always there: no post records means none were published.
                let posts = crate::records::catalog::POSTS as usize;
                if values[posts].is_nan() {
                    values[posts] = 0.0;
                }
                Group {
                    network: field(By::Network).or_else(|| view.filter.network.clone()),
                    account: field(By::Account).or_else(|| view.filter.account.clone()),
                    post: field(By::Post),
                    dims,
                    scope,
                    period,
                    start,
                    end,
                    first,
                    days: (hi - lo + 1).max(0) as f64,
                    values,
                }
            })
            .collect();
        Groups::new(view.clone(), groups, range, covered_from)
    }
}

impl Groups {
    /// Two months in which every metric is 1: what `validate` runs each KPI
    /// on to find script errors without reading data.
    pub fn synthetic(metrics: usize, calendar: &super::Calendar) -> Groups {
        let groups: Vec<Group> = (0..2)
            .map(|m| {
                let period = Period {
                    grain: Grain::Month,
                    index: 2026 * 12 + m,
                };
                let (start, end) = calendar.bounds(period, (0, 0));
                Group {
                    scope: Vec::new(),
                    network: Some("example".into()),
                    account: Some("example".into()),
                    post: None,
                    dims: BTreeMap::new(),
                    period,
                    start,
                    end,
                    first: start,
                    days: (end - start + 1) as f64,
                    values: vec![1.0; metrics],
                }
            })
            .collect();
        let range = (groups[0].start, groups[1].end);
        let view = View {
            grain: Grain::Month,
            by: Vec::new(),
            filter: Filter::default(),
        };
        Groups::new(view, groups, range, range.0)
    }
}
