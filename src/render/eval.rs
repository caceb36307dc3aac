//! Rendering KPI values: table, JSON (DESIGN §7) and flat CSV.

use std::collections::BTreeMap;

use serde::Serialize;

use super::table::{self, Style};
use crate::goals::check::PeriodOut;
use crate::goals::condition::fmt_value;

/// One KPI value in one group, borrowed from the groups and results.
#[derive(Debug, Clone, Serialize)]
pub struct Row<'a> {
    pub kpi: &'a str,
    pub network: Option<&'a str>,
    pub account: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post: Option<&'a str>,
    pub dims: &'a BTreeMap<String, String>,
    pub period: &'a PeriodOut,
    pub value: Option<f64>,
    pub unit: &'a str,
    pub reason: Option<&'a str>,
}

#[derive(Serialize)]
struct EvalJson<'a> {
    version: u32,
    command: &'a str,
    rows: &'a [Row<'a>],
}

pub fn json(rows: &[Row<'_>]) -> String {
    serde_json::to_string_pretty(&EvalJson {
        version: 1,
        command: "eval",
        rows,
    })
    .unwrap_or_default()
        + "\n"
}

/// `kpi,network,account,<one column per --by dimension>,period,start,end,value,unit,reason`
pub fn csv(rows: &[Row<'_>], dims: &[String], with_post: bool) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["kpi", "network", "account"];
    if with_post {
        header.push("post");
    }
    header.extend(dims.iter().map(String::as_str));
    header.extend(["period", "start", "end", "value", "unit", "reason"]);
    let _ = w.write_record(&header);
    let mut value = String::new();
    for r in rows {
        for f in [r.kpi, r.network.unwrap_or(""), r.account.unwrap_or("")] {
            let _ = w.write_field(f);
        }
        if with_post {
            let _ = w.write_field(r.post.unwrap_or(""));
        }
        for d in dims {
            let _ = w.write_field(r.dims.get(d).map_or("", String::as_str));
        }
        value.clear();
        if let Some(v) = r.value {
            use std::fmt::Write;
            let _ = write!(value, "{v}");
        }
        for f in [&r.period.label, &r.period.start, &r.period.end, &value] {
            let _ = w.write_field(f);
        }
        let _ = w.write_field(r.unit);
        let _ = w.write_field(r.reason.unwrap_or(""));
        let _ = w.write_record(None::<&[u8]>);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
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
