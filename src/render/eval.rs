//! Rendering KPI values: table, JSON (DESIGN §7) and flat CSV.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::meta::Meta;
use super::table::{self, Style};
use crate::goals::check::PeriodOut;
use crate::goals::condition::fmt_value;
use crate::records::tally::Tally;

/// One KPI value in one group, borrowed from the groups and results.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Row<'a> {
    pub kpi: &'a str,
    pub network: Option<&'a str>,
    pub account: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post: Option<&'a str>,
    pub dims: &'a BTreeMap<String, String>,
    pub period: &'a PeriodOut,
    pub value: Option<f64>,
    /// `count`, `%`, `x`, a currency code (`EUR`) for money...: the KPI's unit.
    pub unit: &'a str,
    /// Why `value` is null: `no data`, a division by zero...
    pub reason: Option<&'a str>,
}

/// `kpiscope eval --format json`: what `docs/schema/eval.schema.json`
/// describes.
#[derive(Serialize, schemars::JsonSchema)]
pub struct EvalJson<'a> {
    /// The version of this layout: 1.
    version: u32,
    /// `eval`.
    command: &'a str,
    #[serde(flatten)]
    meta: &'a Meta,
    rows: &'a [Row<'a>],
    /// What reading each input found (rows, records, skipped rows...).
    inputs: &'a [Tally],
}

pub fn json(
    w: &mut dyn std::io::Write,
    meta: &Meta,
    rows: &[Row<'_>],
    inputs: &[Tally],
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(
        &mut *w,
        &EvalJson {
            version: 1,
            command: "eval",
            meta,
            rows,
            inputs,
        },
    )?;
    w.write_all(
        b"
",
    )
}

/// `kpi,network,account,<one column per --by dimension>,period,start,end,value,unit,reason`
pub fn csv(
    w: &mut dyn std::io::Write,
    rows: &[Row<'_>],
    dims: &[String],
    with_post: bool,
) -> std::io::Result<()> {
    let mut header = vec!["kpi", "network", "account"];
    if with_post {
        header.push("post");
    }
    header.extend(dims.iter().map(String::as_str));
    header.extend(["period", "start", "end", "value", "unit", "reason"]);
    // Written by hand: a large eval writes millions of fields, and most need
    // no quoting. Blocks of rows are formatted on every core (numbers cost
    // most), then written in order.
    let mut line = String::new();
    write_line(&mut line, &header);
    w.write_all(line.as_bytes())?;
    // A round of blocks at a time, so that the text held is bounded.
    for round in rows.chunks(2048 * 32) {
        let blocks: Vec<String> = round
            .par_chunks(2048)
            .map(|block| {
                let mut out = String::new();
                let mut value = String::new();
                for r in block {
                    value.clear();
                    if let Some(v) = r.value {
                        use std::fmt::Write;
                        let _ = write!(value, "{v}");
                    }
                    let mut fields: Vec<&str> = Vec::with_capacity(header.len());
                    fields.extend([r.kpi, r.network.unwrap_or(""), r.account.unwrap_or("")]);
                    if with_post {
                        fields.push(r.post.unwrap_or(""));
                    }
                    fields.extend(
                        dims.iter()
                            .map(|d| r.dims.get(d).map_or("", String::as_str)),
                    );
                    fields.extend([
                        r.period.label.as_str(),
                        &r.period.start,
                        &r.period.end,
                        &value,
                        r.unit,
                        r.reason.unwrap_or(""),
                    ]);
                    write_line(&mut out, &fields);
                }
                out
            })
            .collect();
        for b in &blocks {
            w.write_all(b.as_bytes())?;
        }
    }
    Ok(())
}

/// One CSV record (RFC 4180): fields with a comma, quote or newline are
/// quoted, and text a spreadsheet would run as a formula made text
/// ([`super::csv_cell`]).
fn write_line(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let f = super::csv_cell(f);
        if f.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&f);
        }
    }
    out.push('\n');
}

pub fn table(rows: &[Row<'_>], by: &[String], style: Style) -> String {
    let mut header: Vec<&str> = vec!["KPI"];
    header.extend(by.iter().map(|b| b.as_str()));
    header.extend(["PERIOD", "VALUE"]);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut c = vec![r.kpi.to_string()];
            for b in by {
                c.push(
                    match b.as_str() {
                        "network" => r.network,
                        "account" => r.account,
                        "post" => r.post,
                        d => r.dims.get(d).map(String::as_str),
                    }
                    .unwrap_or("-")
                    .to_string(),
                );
            }
            c.push(r.period.label.clone());
            c.push(match (r.value, &r.reason) {
                (Some(v), _) => fmt_value(v, r.unit),
                (None, Some(reason)) => style.paint(&format!("no data ({reason})"), "dim"),
                (None, None) => "no data".into(),
            });
            c
        })
        .collect();
    table::render(&header, &cells, style, None)
}
