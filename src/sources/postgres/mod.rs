//! A warehouse source: a table or query of a SQL engine that speaks the
//! PostgreSQL protocol, summed by the server into the cells the command
//! needs (`query`), so that kpiscope receives cells, never the table's rows.
//! The cells go into the cube like a file's records: an account's own
//! figures still win over its posts', and a post the table holds twice is
//! refused rather than guessed at, so the numbers are those of the same rows
//! read from canonical CSV.

pub mod catalog;
pub mod query;

use std::time::Instant;

use crate::aggregate::period::format_day;
use crate::aggregate::{Cube, Filter, Grain};
use crate::diagnostic::{Diagnostics, suggest};
use crate::error::{Error, Result};
use crate::limits::WAREHOUSE_CONNECT_TIME;
use crate::pg::{self, PgError};
use crate::records::tally::Tally;
use crate::records::{Kind, Level, MetricId, RowRef};
use crate::sources::emit::{CubeSink, Sink};
use crate::workspace::warehouse::Warehouse;
use crate::workspace::{Source, Workspace};
use postgres::fallible_iterator::FallibleIterator;
use query::{Asked, DateType, Need, Plan};

/// What a warehouse source is told besides the cube's spec: the rows the
/// command's views accept (every row when `None`), and whether to say what
/// the server did (`-v`).
#[derive(Debug, Clone, Default)]
pub struct Pushdown {
    pub filters: Option<Vec<Filter>>,
    pub verbose: bool,
}

impl Pushdown {
    /// The filters of `views`: none when a view takes every row.
    pub fn of<'a>(
        views: impl IntoIterator<Item = &'a crate::aggregate::View>,
        verbose: bool,
    ) -> Pushdown {
        let mut filters = Vec::new();
        for v in views {
            if v.filter == Filter::default() {
                return Pushdown {
                    filters: None,
                    verbose,
                };
            }
            if !filters.contains(&v.filter) {
                filters.push(v.filter.clone());
            }
        }
        Pushdown {
            filters: (!filters.is_empty()).then_some(filters),
            verbose,
        }
    }
}

/// What one source's load did, for `-v`: the rows the server summed and the
/// cells it sent.
pub struct Transfer {
    pub rows: u64,
    pub cells: u64,
    /// An account's rows of one day and dimensions summed into one cell:
    /// what a file's tally calls rows added to an earlier row.
    pub merged: u64,
    pub sql: String,
}

/// Reads `wh` (of `source`) into `cube`: the cells of its spec, for the rows
/// `filters` accept (every row when `None`).
pub fn load(
    ws: &Workspace,
    source: &Source,
    wh: &Warehouse,
    network: Option<&str>,
    cube: &mut Cube,
    pushed: &Pushdown,
    tally: &mut Tally,
) -> Result<Transfer> {
    let (filters, verbose) = (pushed.filters.clone(), pushed.verbose);
    let started = Instant::now();
    let at = ws.located();
    let info = pg::settings(wh.connection.as_deref())?;
    let mut client = pg::connect(&info, WAREHOUSE_CONNECT_TIME)?;
    let what = shown(source, wh);
    let mut tx = client
        .build_transaction()
        .read_only(true)
        .start()
        .map_err(|e| PgError::statement(&what, e))?;
    // PostgreSQL sorts 20M rows to group them when it cannot tell how few
    // cells there are (no statistics on the month's expression: 63 s); a
    // hash of the cells takes 50 s there, and changes nothing where the
    // statistics let it sum on every core (24 s). Other engines keep
    // their own ways.
    let hash = match wh.dialect.trusts_unique_keys() {
        true => "; SET LOCAL enable_sort = off",
        false => "",
    };
    tx.batch_execute(&format!(
        "SET LOCAL statement_timeout = {}{hash}",
        ws.limits.warehouse_time.as_millis()
    ))
    .map_err(|e| PgError::statement(&what, e))?;

    // The mapping against the relation's columns: every problem at once.
    let columns = catalog::columns(&mut tx, wh)?;
    let mut problems = Diagnostics::default();
    let mut date_type = DateType::Date;
    for (col, role) in wh.columns() {
        let Some(found) = columns.iter().find(|c| c.name == col.name) else {
            let hint = suggest(&col.name, columns.iter().map(|c| c.name.as_str()))
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| {
                    format!(
                        "its columns are {}",
                        columns
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
            problems.push(
                at.diagnostic(
                    col.span.clone(),
                    format!(
                        "{}: the {role} column `{}` is not in {}",
                        source.describe(),
                        col.name,
                        wh.relation.shown()
                    ),
                )
                .with_hint(hint),
            );
            continue;
        };
        if role == "date" {
            match catalog::date_type(&found.ty) {
                Some(t) => date_type = t,
                None => problems.push(at.diagnostic(
                    col.span.clone(),
                    format!(
                        "{}: the date column `{}` is of type {}: a date column is a date, a timestamp or a timestamptz (in a `query`, cast it: `CAST(day AS date) AS day`)",
                        source.describe(),
                        col.name,
                        found.ty
                    ),
                )),
            }
        } else if role.starts_with("metric") && !catalog::is_number(&found.ty) {
            problems.push(at.diagnostic(
                col.span.clone(),
                format!(
                    "{}: the {role} column `{}` is of type {}, not a number",
                    source.describe(),
                    col.name,
                    found.ty
                ),
            ).with_hint("map a column of numbers (integer, numeric, real, double precision), or cast it in a `query`"));
        }
    }
    let mut asked = Vec::new();
    for (name, col) in &wh.metrics {
        let kind = cube.declare_metric(name, Kind::Sum, "postgres");
        let kind = cube.catalog.get(kind).kind;
        if kind == Kind::Mean {
            problems.push(
                at.diagnostic(
                    col.span.clone(),
                    format!(
                        "{}: metric `{name}` is a mean, which a warehouse cannot sum for kpiscope",
                        source.describe()
                    ),
                )
                .with_hint("map the sum and the count as two metrics, and divide them in a KPI"),
            );
        }
        let integer = columns
            .iter()
            .find(|c| c.name == col.name)
            .is_some_and(|c| catalog::is_integer(&c.ty));
        asked.push(Asked {
            metric: name.clone(),
            kind,
            integer,
        });
    }
    if !problems.is_empty() {
        return Err(Error::Diagnostics(problems));
    }

    let tz = ws.timezone.iana_name().unwrap_or("UTC").to_string();
    let from = From {
        source,
        network,
        what: &what,
        wh,
        date_type,
        asked: &asked,
        timezone: &tz,
        unique: wh.post.is_some() && catalog::unique_post(&mut tx, wh),
    };
    // The report's companion (its month's posts) gets a query of its own,
    // for its days, so that the main one folds posts away.
    let companion = cube.take_companion();
    let spec = cube.spec.clone();
    let (transfer, plan, bucket) = cells(&mut tx, &from, cube, &spec, filters.clone(), tally)?;
    if let Some(filters) = &filters {
        let names = names(
            &mut tx,
            wh,
            &plan,
            filters,
            network,
            source.account.as_deref(),
        )
        .map_err(|e| PgError::statement(&what, e))?;
        cube.note_names(names.0, Vec::new(), names.1);
    }
    // A mapped dimension is in every row, as a file's column is.
    cube.note_names(
        Vec::new(),
        wh.dims.iter().map(|(d, _)| d.clone()),
        Vec::new(),
    );
    if let Some(mut c) = companion {
        let mut spec = c.spec.clone();
        if let Some(from) = cube.last_day().and_then(|last| c.trailing_from(last)) {
            spec.range.0 = Some(spec.range.0.map_or(from, |f| f.max(from)));
        }
        let mut theirs = Tally::new(&what, "postgres");
        let (t, _, _) = cells(&mut tx, &from, &mut c, &spec, filters, &mut theirs)?;
        if verbose {
            say!(
                "note: {what}: the server summed {} rows into {} cells for the posts of {} on",
                t.rows,
                t.cells,
                spec.range.0.map_or("every day".into(), format_day)
            );
        }
        cube.put_companion(c);
    }
    tx.commit().map_err(|e| PgError::statement(&what, e))?;
    if verbose {
        say!(
            "note: {what}: the server summed {} rows into {} cells ({} bucket) in {:.2?}",
            transfer.rows,
            transfer.cells,
            if bucket == Grain::Month {
                "month"
            } else {
                "day"
            },
            started.elapsed()
        );
        let params = match plan.params.len() {
            0 => "no parameters".to_string(),
            _ => format!("parameters: {}", plan.params.join(", ")),
        };
        say!("note: {what}: the query ({params}):\n{}", plan.sql);
    }
    Ok(transfer)
}

/// Asks for the cells of `spec` (for the rows `filters` accept) and folds
/// them into `cube`: the query, the look-up of posts on two rows where no
/// key proves there is none, the fetch. Returns what was sent, the plan and
/// the bucket.
fn cells(
    tx: &mut postgres::Transaction,
    from: &From,
    cube: &mut Cube,
    spec: &crate::aggregate::spec::CubeSpec,
    filters: Option<Vec<Filter>>,
    tally: &mut Tally,
) -> Result<(Transfer, Plan, Grain)> {
    let (wh, what, network, source) = (from.wh, from.what, from.network, from.source);
    let kinds: Vec<Kind> = from.asked.iter().map(|a| a.kind).collect();
    let need = Need {
        bucket: Plan::bucket(spec.base, &kinds, wh.dialect),
        keep_dims: &spec.keep_dims,
        keep_posts: spec.keep_posts,
        range: spec.range,
        filters,
        timezone: from.timezone,
        network,
        account: source.account.as_deref(),
    };
    let plan = Plan::build(wh, from.date_type, from.asked, &need);
    let params: Vec<&(dyn postgres::types::ToSql + Sync)> = plan
        .params
        .iter()
        .map(|p| p as &(dyn postgres::types::ToSql + Sync))
        .collect();
    if wh.post.is_some() && !from.unique {
        let sql = query::repeated_posts(wh, &plan).unwrap_or_default();
        let rows = tx
            .query(&sql, &params)
            .map_err(|e| PgError::statement(what, e))?;
        if let Some(r) = rows.first() {
            let keyed = plan.has_network as usize + plan.has_account as usize;
            let text = |i: usize| {
                r.try_get::<_, Option<String>>(i)
                    .ok()
                    .flatten()
                    .unwrap_or_default()
            };
            let mut who: Vec<String> = (0..keyed).map(text).collect();
            if !plan.has_network {
                who.insert(0, network.unwrap_or_default().to_string());
            }
            if !plan.has_account {
                who.push(source.account.clone().unwrap_or_default());
            }
            let n: i64 = r.try_get(keyed + 1).unwrap_or(0);
            let first: i32 = r.try_get(keyed + 2).unwrap_or(0);
            let last: i32 = r.try_get(keyed + 3).unwrap_or(0);
            return Err(Error::usage(format!(
                "{what}: post {} of {} is on {n} rows ({} to {}){}: kpiscope counts a post once and cannot tell which row is right; keep one row a post (a unique key on ({}) proves it, and `kpiscope load --to postgres` keeps one)",
                text(keyed),
                who.join("/"),
                format_day(first),
                format_day(last),
                if rows.len() > 1 { ", among others" } else { "" },
                [wh.network.as_ref(), wh.account.as_ref(), wh.post.as_ref()]
                    .into_iter()
                    .flatten()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let transfer = fetch(tx, &plan, &params, from, &spec.keep_dims, cube, tally)?;
    Ok((transfer, plan, need.bucket))
}

/// The accounts the relation holds (on any day) and the values of the
/// dimensions the filters name (on the command's days): what a filter is
/// checked against when only the rows it accepts were summed.
#[allow(clippy::type_complexity)]
fn names(
    tx: &mut postgres::Transaction,
    wh: &Warehouse,
    plan: &Plan,
    filters: &[Filter],
    network: Option<&str>,
    account: Option<&str>,
) -> std::result::Result<(Vec<(String, String)>, Vec<(String, String)>), postgres::Error> {
    let text =
        |c: &crate::workspace::warehouse::Col| format!("NULLIF(CAST({} AS text), '')", c.sql());
    let keys: Vec<String> = [wh.network.as_ref(), wh.account.as_ref()]
        .into_iter()
        .flatten()
        .map(text)
        .collect();
    let mut accounts = Vec::new();
    if keys.is_empty() {
        accounts.extend(
            network
                .zip(account)
                .map(|(n, a)| (n.to_string(), a.to_string())),
        );
    } else {
        let sql = format!(
            "SELECT DISTINCT {} FROM {} AS src",
            keys.join(", "),
            wh.relation.sql()
        );
        for r in tx.query(&sql, &[])? {
            let mut i = 0;
            let mut next = |fixed: Option<&str>, has: bool| -> Option<String> {
                match has {
                    true => {
                        i += 1;
                        r.get::<_, Option<String>>(i - 1)
                    }
                    false => fixed.map(str::to_string),
                }
            };
            let n = next(network, wh.network.is_some());
            let a = next(account, wh.account.is_some());
            accounts.extend(n.zip(a));
        }
    }
    let mut values = Vec::new();
    let filtered: std::collections::BTreeSet<&String> =
        filters.iter().flat_map(|f| f.dims.keys()).collect();
    // The days of the command, without its filters: the plan's parameters
    // before the filters' are the time zone and the days.
    let days_only = plan.day_params;
    let params: Vec<&(dyn postgres::types::ToSql + Sync)> = plan.params[..days_only]
        .iter()
        .map(|p| p as &(dyn postgres::types::ToSql + Sync))
        .collect();
    for dim in filtered {
        let Some((_, c)) = wh.dims.iter().find(|(n, _)| n == dim) else {
            continue;
        };
        let sql = format!(
            "SELECT DISTINCT {} FROM {} AS src{}",
            text(c),
            wh.relation.sql(),
            plan.days_where
        );
        for r in tx.query(&sql, &params)? {
            if let Some(v) = r.get::<_, Option<String>>(0) {
                values.push((dim.clone(), v));
            }
        }
    }
    Ok((accounts, values))
}

/// How messages name a warehouse source: `source #2 (postgres, social.posts)`.
pub fn shown(source: &Source, wh: &Warehouse) -> String {
    format!(
        "source #{} ({}, {})",
        source.number,
        source.plugin.as_deref().unwrap_or("postgres"),
        wh.relation.shown()
    )
}

/// Where cells come from: the source, its fixed network, and how messages
/// name it.
#[derive(Clone, Copy)]
struct From<'a> {
    source: &'a Source,
    network: Option<&'a str>,
    what: &'a str,
    wh: &'a Warehouse,
    date_type: DateType,
    asked: &'a [Asked],
    timezone: &'a str,
    /// A unique key proves no post is on two rows.
    unique: bool,
}

/// Streams the plan's cells into the cube, a portal's fetch at a time.
fn fetch(
    tx: &mut postgres::Transaction,
    plan: &Plan,
    params: &[&(dyn postgres::types::ToSql + Sync)],
    from: &From,
    keep_dims: &[String],
    cube: &mut Cube,
    tally: &mut Tally,
) -> Result<Transfer> {
    let (source, network, what) = (from.source, from.network, from.what);
    let ids: Vec<MetricId> = plan
        .metrics
        .iter()
        .map(|m| cube.declare_metric(&m.metric, m.kind, "postgres"))
        .collect();
    let posts_id = cube.declare_metric("posts", Kind::Sum, "postgres");
    let mut sink = CubeSink::new(cube, "postgres");
    let (mut rows_total, mut cells) = (0u64, 0u64);
    let mut first_day: Option<(i32, String, String)> = None;
    let mut earliest_cell = i32::MAX;
    let mut ambiguous: (u64, Option<String>) = (0, None);
    let mut merged = 0u64;
    let mut metrics: Vec<(MetricId, f64)> = Vec::new();
    let bad = |e: postgres::Error| Error::from(PgError::statement(what, e));
    // Streamed as the server sends it: the client holds one message at a
    // time, so memory does not grow with the cells. (A portal fetched so
    // many rows at a time would keep PostgreSQL from summing on every core.)
    let mut stream = tx
        .query_raw(plan.sql.as_str(), params.iter().copied())
        .map_err(bad)?;
    while let Some(row) = stream.next().map_err(bad)? {
        let r = &row;
        let text = |i: usize| -> Result<Option<String>> { r.try_get(i).map_err(bad) };
        let last: i32 = r.try_get(0).map_err(bad)?;
        let first: i32 = r.try_get(1).map_err(bad)?;
        let n: i64 = r.try_get(2).map_err(bad)?;
        let mut i = 3;
        let net = match plan.has_network {
            true => {
                i += 1;
                text(i - 1)?
            }
            false => network.map(str::to_string),
        };
        let acc = match plan.has_account {
            true => {
                i += 1;
                text(i - 1)?
            }
            false => source.account.clone(),
        };
        let mut dims: Vec<(&str, String)> = Vec::new();
        for &d in &plan.dims {
            if let Some(v) = text(i)? {
                dims.push((keep_dims[d].as_str(), v));
            }
            i += 1;
        }
        let is_post = match plan.has_level {
            true => {
                i += 1;
                r.try_get::<_, bool>(i - 1).map_err(bad)?
            }
            false => false,
        };
        let post = match plan.has_post {
            true => {
                i += 1;
                text(i - 1)?
            }
            false => None,
        };
        let mut attrs: [Option<String>; 3] = Default::default();
        for (a, has) in attrs.iter_mut().zip(plan.attrs) {
            if has {
                *a = text(i)?;
                i += 1;
            }
        }
        metrics.clear();
        for (m, &id) in plan.metrics.iter().zip(&ids) {
            let mut stock_day: Option<i32> = None;
            let (v, least, count) = match (m.kind, plan.stock_arrays) {
                (Kind::Last, true) => {
                    // The last day's greatest and least value: packed
                    // (day * 2^32 + value, and -day * 2^32 + value) for
                    // the integers that fit, as [day, value] arrays for
                    // the others; the later day wins, then the value.
                    let mut hi: Option<(i64, f64)> = None;
                    let mut lo: Option<(i64, f64)> = None;
                    if m.integer {
                        let packed =
                            |i: usize| -> Result<Option<i64>> { r.try_get(i).map_err(bad) };
                        let unpack =
                            |k: i64| (k.div_euclid(query::PACK), k.rem_euclid(query::PACK) as f64);
                        hi = packed(i)?.map(unpack);
                        lo = packed(i + 1)?.map(unpack).map(|(d, v)| (-d, v));
                        i += 2;
                    }
                    let pair = |i: usize| -> Result<Option<(i64, f64)>> {
                        let p: Option<Vec<f64>> = r.try_get(i).map_err(bad)?;
                        Ok(p.and_then(|p| Some((*p.first()? as i64, *p.get(1)?))))
                    };
                    let (ahi, alo) = (pair(i)?, pair(i + 1)?.map(|(d, v)| (-d, v)));
                    i += 2;
                    let later =
                        |a: Option<(i64, f64)>, b: Option<(i64, f64)>, high: bool| match (a, b) {
                            (Some(a), Some(b)) if a.0 != b.0 => Some(if a.0 > b.0 { a } else { b }),
                            (Some(a), Some(b)) => {
                                Some((a.0, if high { a.1.max(b.1) } else { a.1.min(b.1) }))
                            }
                            (a, b) => a.or(b),
                        };
                    let (hi, lo) = (later(hi, ahi, true), later(lo, alo, false));
                    stock_day = hi.map(|(d, _)| d as i32);
                    (hi.map(|h| h.1), lo.map(|l| l.1), 2)
                }
                (Kind::Last, false) => {
                    let v: Option<f64> = r.try_get(i).map_err(bad)?;
                    let least: Option<f64> = r.try_get(i + 1).map_err(bad)?;
                    let count: i64 = r.try_get(i + 2).map_err(bad)?;
                    i += 3;
                    (v, least, count)
                }
                _ => {
                    i += 1;
                    (r.try_get(i - 1).map_err(bad)?, None, 0)
                }
            };
            if m.kind == Kind::Last && count > 1 && least != v {
                ambiguous.0 += 1;
                ambiguous.1.get_or_insert_with(|| {
                    format!(
                        "{}/{} {}: {} and {}",
                        net.as_deref().unwrap_or_default(),
                        acc.as_deref().unwrap_or_default(),
                        format_day(stock_day.unwrap_or(last)),
                        least.unwrap_or_default(),
                        v.unwrap_or_default()
                    )
                });
            }
            if let Some(v) = v {
                metrics.push((id, v));
            }
        }
        if plan.has_level {
            let counted: i64 = r.try_get(i).map_err(bad)?;
            let given = metrics.iter().position(|(id, _)| *id == posts_id);
            match given {
                Some(g) => metrics[g].1 += counted as f64,
                None if is_post => metrics.push((posts_id, counted as f64)),
                None => {}
            }
        }
        let (Some(net), Some(acc)) = (net, acc) else {
            // A row without network or account is no record: counted,
            // as a file's row without them would be.
            tally.skip("rows without a network or account", 0);
            continue;
        };
        if !is_post && first == last && n > 1 {
            merged += n as u64 - 1;
        }
        rows_total += n as u64;
        cells += 1;
        earliest_cell = earliest_cell.min(last);
        if first_day.as_ref().is_none_or(|f| first < f.0) {
            first_day = Some((first, net.clone(), acc.clone()));
        }
        let dim_refs: Vec<(&str, &str)> = dims.iter().map(|(k, v)| (*k, v.as_str())).collect();
        sink.push(&RowRef {
            date: last,
            network: &net,
            account: &acc,
            post: post.as_deref(),
            level: if is_post { Level::Post } else { Level::Account },
            dims: &dim_refs,
            metrics: &metrics,
            attrs: crate::records::AttrsRef {
                title: attrs[0].as_deref(),
                url: attrs[1].as_deref(),
                format: attrs[2].as_deref(),
            },
            line: 0,
        });
    }
    // A month's cell is dated by its last day; the data's first day, which
    // periods such as `each` start from, is told by an empty record.
    if let Some((day, net, acc)) = first_day
        && day < earliest_cell
    {
        sink.push(&RowRef {
            date: day,
            network: &net,
            account: &acc,
            post: None,
            level: Level::Account,
            dims: &[],
            metrics: &[],
            attrs: Default::default(),
            line: 0,
        });
    }
    sink.finish();
    tally.rows = rows_total;
    tally.records = cells;
    if ambiguous.0 > 0 {
        tally.warn(format!(
            "{} cells of a stock have more than one value on their day (first: {}): the largest is used",
            ambiguous.0,
            ambiguous.1.unwrap_or_default()
        ));
    }
    Ok(Transfer {
        rows: rows_total,
        cells,
        merged,
        sql: plan.sql.clone(),
    })
}
