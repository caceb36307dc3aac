//! `kpiscope eval`: KPI values for every period and scope of a view.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::Outcome;
use crate::aggregate::{By, Filter, Grain, View};
use crate::cli::{Format, Range};
use crate::diagnostic::Diagnostics;
use crate::error::{Error, Result};
use crate::goals::check::period_out;
use crate::render::{self, eval::Row, meta::Meta, meta::unit_code, table::Style};
use crate::session::Session;

pub struct Args<'a> {
    pub kpis: &'a [String],
    pub by: &'a [String],
    pub grain: &'a str,
    pub network: &'a Option<String>,
    pub account: &'a Option<String>,
    pub where_: &'a [String],
    pub format: Format,
    pub output: Option<&'a Path>,
    pub range: &'a Range,
}

pub fn run(s: &Session, a: &Args, style: Style) -> Result<Outcome> {
    let kpis: Vec<String> = if a.kpis.is_empty() {
        s.library.names().map(str::to_string).collect()
    } else {
        a.kpis.to_vec()
    };
    s.check_names(&kpis)?;
    let by: Vec<By> = a.by.iter().map(|b| By::parse(b)).collect();
    let grain = Grain::parse(a.grain)
        .ok_or_else(|| Error::usage(format!("unknown grain `{}`", a.grain)))?;
    let view = View {
        grain,
        by: by.clone(),
        filter: Filter {
            network: a.network.clone(),
            account: a.account.clone(),
            dims: super::explain::dims(a.where_)?,
        },
    };
    let t = std::time::Instant::now();
    let cube = s.load(std::slice::from_ref(&view), a.range)?;
    let t_load = t.elapsed();
    // A filter or breakdown that names nothing the data holds is a typo:
    // said with the nearest name, not printed as rows without data.
    let names = cube.names();
    let mut problems: Vec<String> = Vec::new();
    if let Some(n) = &a.network {
        problems.extend(names.network(n).map(|p| format!("--network: {p}")));
    }
    // Accounts of a network that is not there would only repeat it.
    if let Some(acc) = a.account.as_ref().filter(|_| problems.is_empty()) {
        problems.extend(
            names
                .account(a.network.as_deref(), acc)
                .map(|p| format!("--account: {p}")),
        );
    }
    for (dim, value) in &view.filter.dims {
        problems.extend(
            names
                .dim(dim)
                .or_else(|| names.dim_value(dim, value))
                .map(|p| format!("--where {dim}={value}: {p}")),
        );
    }
    problems.extend(by.iter().filter_map(|b| match b {
        By::Dim(d) => names.dim(d).map(|p| format!("--by {d}: {p}")),
        _ => None,
    }));
    if !problems.is_empty() {
        return Err(Error::usages(problems));
    }
    let groups = Arc::new(cube.view(&view));
    let mut ev = s.evaluator(groups.clone(), &cube.catalog);
    // `share_of_voice` and the like read the competitor panel.
    if s.needs_panel(kpis.iter().map(String::as_str), false)
        && let Some(panel) = s.load_panel(
            std::slice::from_ref(&crate::panel::sums_view(&view)),
            a.range,
        )?
    {
        let sums = Arc::new(panel.view(&crate::panel::sums_view(&view)));
        ev = ev.with_panel(sums, &panel.catalog);
    }
    // The table formats values by their unit; files for other programs
    // name money by its currency code.
    let units: Vec<String> = kpis
        .iter()
        .map(|k| match a.format {
            Format::Table => s.unit_of(k),
            _ => unit_code(&s.unit_of(k), s.ws.currency.as_deref()).to_string(),
        })
        .collect();

    // Each group's KPIs on one thread; groups in parallel.
    let many = ev.many(&kpis);
    let per_group: Vec<Vec<_>> = (0..groups.groups.len())
        .into_par_iter()
        .map(|i| ev.eval_many(&many, i))
        .collect::<std::result::Result<_, _>>()
        .map_err(|d| Error::Diagnostics(Diagnostics(vec![d])))?;

    // Groups share a few periods: each is worded once, not once per group.
    let mut periods = Vec::new();
    let mut period_at: rustc_hash::FxHashMap<_, usize> = Default::default();
    let group_period: Vec<usize> = groups
        .groups
        .iter()
        .map(|g| {
            *period_at.entry(g.period).or_insert_with(|| {
                periods.push(period_out(&s.ws.calendar, g.period, groups.range));
                periods.len() - 1
            })
        })
        .collect();
    let mut rows = Vec::with_capacity(kpis.len() * groups.groups.len());
    for (k, name) in kpis.iter().enumerate() {
        for (i, g) in groups.groups.iter().enumerate() {
            let v = &per_group[i][k];
            // A group names its network, account and post only where the
            // view breaks down or filters by them.
            rows.push(Row {
                kpi: name,
                network: g.network.as_deref(),
                account: g.account.as_deref(),
                post: g.post.as_deref(),
                dims: &g.dims,
                period: &periods[group_period[i]],
                value: v.number(),
                unit: &units[k],
                reason: v.reason(),
            });
        }
    }
    let dims: Vec<String> = by
        .iter()
        .filter_map(|b| match b {
            By::Dim(d) => Some(d.clone()),
            _ => None,
        })
        .collect();
    match a.format {
        Format::Table => {
            let by: Vec<String> = by.iter().map(|b| b.name().to_string()).collect();
            render::write_output(a.output, &render::eval::table(&rows, &by, style))?
        }
        Format::Json => {
            let meta = Meta::new(&s.ws.name, s.as_of(a.range, &cube)?);
            render::write_with(a.output, |w| {
                render::eval::json(w, &meta, &rows, &cube.tallies)
            })?
        }
        Format::Csv => render::write_with(a.output, |w| {
            render::eval::csv(w, &rows, &dims, by.contains(&By::Post))
        })?,
    }
    if s.verbose {
        say!(
            "evaluated {} values in {} groups and wrote them in {:.2?}",
            rows.len(),
            groups.groups.len(),
            t.elapsed() - t_load
        );
    }
    // Freeing every group's names and values one by one is the last thing
    // the run would wait for (9,600 groups: 18 of the 97 million
    // instructions of this function at 200,000 rows): another thread does
    // it while the command returns.
    drop(rows);
    drop(ev);
    let _ = std::thread::Builder::new().spawn(move || drop(groups));
    Ok(Outcome::Success)
}
