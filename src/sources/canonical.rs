//! The `canonical` plugin: the generic CSV layout of DESIGN §3. The header
//! names the columns: `date`, optional `network`, `account`, `post`,
//! `dim.<name>` dimensions, and one column per metric. An empty cell is no
//! value, not zero.

use std::path::Path;

use super::number::parse_number;
use super::SourceCtx;
use crate::aggregate::period::{parse_day, Day};
use crate::aggregate::Cube;
use crate::error::{Error, Result};
use crate::records::{catalog::is_metric_name, Kind, Level, MetricId, RowRef};

enum Role {
    Date,
    Network,
    Account,
    Post,
    Dim(String),
    Metric(MetricId),
}

pub fn read(path: &Path, ctx: &SourceCtx, cube: &mut Cube) -> Result<()> {
    let shown = ctx.shown(path);
    let file = std::fs::File::open(path).map_err(|e| Error::io(&shown, e))?;
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).buffer_capacity(1 << 20).from_reader(file);
    let data_err = |line: u64, message: String| Error::Data { file: shown.clone(), line: line as usize, message };
    let header = rdr.byte_headers().map_err(|e| data_err(1, e.to_string()))?.clone();

    let mut roles = Vec::with_capacity(header.len());
    let mut names = Vec::with_capacity(header.len());
    for raw in header.iter() {
        let name = String::from_utf8_lossy(raw).trim().trim_start_matches('\u{feff}').to_string();
        let role = match name.to_lowercase().as_str() {
            "date" => Role::Date,
            "network" => Role::Network,
            "account" => Role::Account,
            "post" => Role::Post,
            lower if lower.starts_with("dim.") && lower.len() > 4 => Role::Dim(name[4..].to_string()),
            _ if is_metric_name(&name) => Role::Metric(cube.declare_metric(&name, Kind::Sum, "canonical")),
            _ => {
                return Err(data_err(
                    1,
                    format!(
                        "column `{name}` is not a metric name: the canonical layout has date, network, account, post, dim.<name> and snake_case metric columns"
                    ),
                ))
            }
        };
        names.push(name);
        roles.push(role);
    }
    let Some(date_col) = roles.iter().position(|r| matches!(r, Role::Date)) else {
        return Err(data_err(1, format!("no `date` column; the columns are: {}", names.join(", "))));
    };
    let col = |want: fn(&Role) -> bool| roles.iter().position(want);
    let network_col = col(|r| matches!(r, Role::Network));
    let account_col = col(|r| matches!(r, Role::Account));
    let post_col = col(|r| matches!(r, Role::Post));
    if network_col.is_none() && ctx.source.network.is_none() {
        return Err(data_err(1, format!("no `network` column, and {} sets no `network`", ctx.source.describe())));
    }
    if account_col.is_none() && ctx.source.account.is_none() {
        return Err(data_err(1, format!("no `account` column, and {} sets no `account`", ctx.source.describe())));
    }
    let dims: Vec<(usize, &str)> = roles
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r {
            Role::Dim(d) => Some((i, d.as_str())),
            _ => None,
        })
        .collect();
    let metrics: Vec<(usize, MetricId)> = roles
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r {
            Role::Metric(m) => Some((i, *m)),
            _ => None,
        })
        .collect();

    let mut record = csv::ByteRecord::new();
    let mut values: Vec<(MetricId, f64)> = Vec::with_capacity(metrics.len());
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("this row has {len} fields but the header has {expected_len}")
                    }
                    _ => e.to_string(),
                };
                return Err(data_err(line, message));
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        let text = |i: usize| -> Result<&str> {
            std::str::from_utf8(&record[i]).map(str::trim).map_err(|_| data_err(line, format!("column `{}` is not UTF-8 text", names[i])))
        };
        let date_text = text(date_col)?;
        let date = parse_date(date_text, ctx).ok_or_else(|| {
            data_err(line, format!("date `{date_text}` is not a date: write YYYY-MM-DD (or a date-time with its UTC offset)"))
        })?;
        let network = match network_col.map(&text).transpose()?.filter(|s| !s.is_empty()) {
            Some(n) => n,
            None => ctx.source.network.as_deref().ok_or_else(|| data_err(line, "the `network` cell is empty".into()))?,
        };
        let account = match account_col.map(&text).transpose()?.filter(|s| !s.is_empty()) {
            Some(a) => a,
            None => ctx.source.account.as_deref().ok_or_else(|| data_err(line, "the `account` cell is empty".into()))?,
        };
        let post = post_col.map(&text).transpose()?.filter(|s| !s.is_empty());
        values.clear();
        for &(i, m) in &metrics {
            let cell = &record[i];
            if cell.is_empty() {
                continue;
            }
            let x = parse_number(cell).ok_or_else(|| {
                data_err(
                    line,
                    format!("`{}` in column `{}` is not a number", String::from_utf8_lossy(cell).trim(), names[i]),
                )
            })?;
            values.push((m, x));
        }
        let mut dim_values: Vec<(&str, &str)> = Vec::with_capacity(dims.len());
        for &(i, d) in &dims {
            dim_values.push((d, text(i)?));
        }
        cube.add(&RowRef {
            date,
            network,
            account,
            post,
            level: if post.is_some() { Level::Post } else { Level::Account },
            dims: &dim_values,
            metrics: &values,
        });
    }
    Ok(())
}

/// `YYYY-MM-DD`, or a date-time: with an offset it is converted to the
/// workspace's time zone; without one it is already local.
fn parse_date(s: &str, ctx: &SourceCtx) -> Option<Day> {
    if let Some(d) = parse_day(s) {
        return Some(d);
    }
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        let date = ts.to_zoned(ctx.timezone.clone()).date();
        return parse_day(&date.to_string());
    }
    let dt = s.parse::<jiff::civil::DateTime>().ok()?;
    parse_day(&dt.date().to_string())
}
