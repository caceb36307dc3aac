//! `kpiscope history`: goals' status and value over runs and periods, read
//! from the results store that `check` and `report` append to.

use crate::Outcome;
use crate::aggregate::period::parse_day;
use crate::cli::{Format, HistoryArgs};
use crate::diagnostic::suggest;
use crate::error::{Error, Result};
use crate::history::{Query, Row, Store};
use crate::render::{self, table::Style};
use crate::session::Session;

pub fn run(s: &Session, args: &HistoryArgs, style: Style) -> Result<Outcome> {
    let Some(path) = &s.history else {
        return Err(Error::usage(
            "--no-history: there is no store to read; give --history PATH or leave it out",
        ));
    };
    if let Some(d) = &args.since
        && parse_day(d).is_none()
    {
        return Err(Error::usage(format!(
            "--since `{d}` is not a date: write YYYY-MM-DD"
        )));
    }
    if args.last == Some(0) {
        return Err(Error::usage("--last 0 shows nothing: give 1 or more"));
    }
    let store = Store::open(path, false).map_err(|e| Error::usage(e.to_string()))?;
    if let Some(goal) = &args.goal {
        let known = store.goals().map_err(|e| Error::usage(e.to_string()))?;
        if !known.contains(goal) {
            let hint = suggest(goal, known.iter().map(String::as_str))
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            return Err(Error::usage(format!(
                "no run recorded a result for goal `{goal}`{hint}"
            )));
        }
    }
    let query = Query {
        goal: args.goal.clone(),
        period: args.period.clone(),
        since: args.since.clone(),
        last: args.last,
    };
    let rows = store
        .rows(&query)
        .map_err(|e| Error::usage(e.to_string()))?;
    let text = match args.format {
        Format::Table => table(&rows, s.ws.currency.as_deref(), style),
        Format::Json => json(&rows),
        Format::Csv => csv(&rows),
    };
    render::write_output(None, &text)?;
    Ok(Outcome::Success)
}

const HEADER: [&str; 9] = [
    "run", "at", "as_of", "goal", "period", "start", "end", "value", "status",
];

fn value(r: &Row, currency: Option<&str>) -> String {
    render::changes::figure(r.value, &r.unit, currency)
}

fn cells(r: &Row, currency: Option<&str>) -> Vec<String> {
    let o = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    vec![
        r.run.to_string(),
        r.at.clone(),
        o(&r.as_of),
        r.goal.clone(),
        o(&r.period),
        o(&r.first_day),
        o(&r.last_day),
        value(r, currency),
        r.status.clone(),
    ]
}

fn table(rows: &[Row], currency: Option<&str>, style: Style) -> String {
    let cells: Vec<Vec<String>> = rows.iter().map(|r| cells(r, currency)).collect();
    render::table::render(&HEADER, &cells, style, Some(8))
}

fn json(rows: &[Row]) -> String {
    let mut text = serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}

fn csv(rows: &[Row]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "run", "at", "as_of", "goal", "period", "start", "end", "value", "unit", "status",
    ];
    let mut lines = vec![header.map(String::from).to_vec()];
    for r in rows {
        let mut c = cells(r, None);
        c[7] = r.value.map(|v| v.to_string()).unwrap_or_default();
        c.insert(8, r.unit.clone());
        lines.push(c);
    }
    for l in lines {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&l);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
