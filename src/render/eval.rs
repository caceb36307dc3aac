//! Rendering KPI values: table, JSON (DESIGN §7) and flat CSV.

use std::collections::BTreeMap;

use serde::Serialize;

use super::table::{self, Style};
use crate::goals::check::PeriodOut;
use crate::goals::condition::fmt_value;

/// One KPI value in one group.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub kpi: String,
    pub network: Option<String>,
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post: Option<String>,
    pub dims: BTreeMap<String, String>,
    pub period: PeriodOut,
    pub value: Option<f64>,
    pub unit: String,
    pub reason: Option<String>,
}

#[derive(Serialize)]
struct EvalJson<'a> {
    version: u32,
    command: &'a str,
    rows: &'a [Row],
}

pub fn json(rows: &[Row]) -> String {
    serde_json::to_string_pretty(&EvalJson { version: 1, command: "eval", rows }).unwrap_or_default() + "\n"
}

/// `kpi,network,account,<one column per --by dimension>,period,start,end,value,unit,reason`
pub fn csv(rows: &[Row], dims: &[String], with_post: bool) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["kpi", "network", "account"];
    if with_post {
        header.push("post");
    }
    header.extend(dims.iter().map(String::as_str));
    header.extend(["period", "start", "end", "value", "unit", "reason"]);
    let _ = w.write_record(&header);
    let mut rec: Vec<String> = Vec::with_capacity(header.len());
    for r in rows {
        rec.clear();
        rec.push(r.kpi.clone());
        rec.push(r.network.clone().unwrap_or_default());
        rec.push(r.account.clone().unwrap_or_default());
        if with_post {
            rec.push(r.post.clone().unwrap_or_default());
        }
        rec.extend(dims.iter().map(|d| r.dims.get(d).cloned().unwrap_or_default()));
        rec.push(r.period.label.clone());
        rec.push(r.period.start.clone());
        rec.push(r.period.end.clone());
        rec.push(r.value.map(|v| v.to_string()).unwrap_or_default());
        rec.push(r.unit.clone());
        rec.push(r.reason.clone().unwrap_or_default());
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

pub fn table(rows: &[Row], by: &[String], style: Style) -> String {
    let mut header: Vec<&str> = vec!["KPI"];
    header.extend(by.iter().map(|b| b.as_str()));
    header.extend(["PERIOD", "VALUE"]);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut c = vec![r.kpi.clone()];
            for b in by {
                c.push(match b.as_str() {
                    "network" => r.network.clone(),
                    "account" => r.account.clone(),
                    "post" => r.post.clone(),
                    d => r.dims.get(d).cloned(),
                }
                .unwrap_or_else(|| "-".into()));
            }
            c.push(r.period.label.clone());
            c.push(match (r.value, &r.reason) {
                (Some(v), _) => fmt_value(v, &r.unit),
                (None, Some(reason)) => style.paint(&format!("no data ({reason})"), "dim"),
                (None, None) => "no data".into(),
            });
            c
        })
        .collect();
    table::render(&header, &cells, style, None)
}
