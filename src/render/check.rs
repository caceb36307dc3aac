//! Rendering goal results: table, JSON (DESIGN §7) and CSV.

use std::collections::BTreeMap;

use serde::Serialize;

use super::meta::{Meta, unit_code};
use super::table::{self, Style};
use crate::goals::check::{PeriodOut, Previous, Projection};
use crate::goals::{GoalResult, Measure, Status, Summary};
use crate::history::Change;
use crate::panel::out::PanelOut;
use crate::records::tally::Tally;

/// A goal result as `check --format json` writes it; `report --format json`
/// lists goals the same way.
#[derive(Serialize, schemars::JsonSchema)]
pub struct GoalJson<'a> {
    id: &'a str,
    kpi: &'a str,
    title: &'a str,
    network: Option<&'a str>,
    account: Option<&'a str>,
    #[serde(rename = "where")]
    where_: &'a BTreeMap<String, String>,
    grain: String,
    period: Option<&'a PeriodOut>,
    value: Option<f64>,
    /// `count`, `%`, `x`, a currency code (`EUR`) for money...: the KPI's unit.
    unit: &'a str,
    target: Option<&'a str>,
    warn: Option<&'a str>,
    status: &'a str,
    message: &'a str,
    /// `target`, `change`, `deadline`, `rank` (`value` is the rank, 1 the
    /// best) or `vs` (`value` is the multiple of the reference, unit `x`, or
    /// the difference from it): what `value` is.
    kind: &'a str,
    by: Option<String>,
    /// Change goals: the KPI's value in the period, and in the one before.
    kpi_value: Option<f64>,
    previous: Option<&'a Previous>,
    /// Deadline goals: how the value was projected.
    projection: Option<&'a Projection>,
    /// `rank` and `vs` goals: the competitor panel in the period, ranked.
    /// Absent from other goals (added by issue 16: the goals of earlier
    /// versions are written as they were).
    #[serde(skip_serializing_if = "Option::is_none")]
    panel: Option<&'a PanelOut>,
}

/// `kpiscope check --format json`: what `docs/schema/check.schema.json`
/// describes.
#[derive(Serialize, schemars::JsonSchema)]
pub struct CheckJson<'a> {
    /// The version of this layout: 1.
    version: u32,
    /// `check`.
    command: &'a str,
    #[serde(flatten)]
    meta: &'a Meta,
    goals: Vec<GoalJson<'a>>,
    summary: Summary,
    /// What reading each input found (rows, records, skipped rows...).
    inputs: &'a [Tally],
    /// What differs from the results stored before (new failures,
    /// recoveries, restated figures); empty on a first run and with
    /// `--no-history`.
    changes: &'a [Change],
}

pub fn goal_json<'a>(r: &'a GoalResult, currency: Option<&'a str>) -> GoalJson<'a> {
    let g = &r.goal;
    GoalJson {
        id: &g.id,
        kpi: &g.kpi,
        title: &g.title,
        network: g.filter.network.as_deref(),
        account: g.filter.account.as_deref(),
        where_: &g.filter.dims,
        grain: g.grain.to_string(),
        period: r.period.as_ref(),
        value: r.value,
        unit: unit_code(&r.unit, currency),
        target: g.target_text.as_deref(),
        warn: g.warn_text.as_deref(),
        status: r.status.as_str(),
        message: &r.message,
        kind: match (g.against.as_ref(), g.measure) {
            (Some(a), _) => a.kind(),
            (None, Measure::Value) => "target",
            (None, Measure::Change) => "change",
            (None, Measure::Deadline(_)) => "deadline",
        },
        by: match g.measure {
            Measure::Deadline(day) => Some(crate::aggregate::period::format_day(day)),
            _ => None,
        },
        kpi_value: r.kpi_value,
        previous: r.previous.as_ref(),
        projection: r.projection.as_ref(),
        panel: r.panel.as_ref(),
    }
}

pub fn json(
    meta: &Meta,
    currency: Option<&str>,
    results: &[GoalResult],
    inputs: &[Tally],
    changes: &[Change],
) -> String {
    let doc = CheckJson {
        version: 1,
        command: "check",
        meta,
        goals: results.iter().map(|r| goal_json(r, currency)).collect(),
        summary: Summary::of(results),
        inputs,
        changes,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

pub fn csv(results: &[GoalResult], currency: Option<&str>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "id", "kpi", "title", "network", "account", "where", "grain", "period", "start", "end",
        "value", "unit", "target", "warn", "status", "message",
    ]);
    for r in results {
        let g = goal_json(r, currency);
        let where_: Vec<String> = g.where_.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let p = r.period.as_ref();
        let value = r.value.map(|v| v.to_string()).unwrap_or_default();
        let fields = [
            g.id,
            g.kpi,
            g.title,
            g.network.unwrap_or(""),
            g.account.unwrap_or(""),
            &where_.join(";"),
            &g.grain,
            p.map_or("", |p| &p.label),
            p.map_or("", |p| &p.start),
            p.map_or("", |p| &p.end),
            &value,
            g.unit,
            g.target.unwrap_or(""),
            g.warn.unwrap_or(""),
            g.status,
            g.message,
        ];
        // Titles and messages come from the workspace and the exports: no
        // cell may run as a formula in a spreadsheet.
        let _ = w.write_record(fields.map(super::csv_cell).iter().map(|c| c.as_bytes()));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// `check --format github`: a GitHub Actions annotation per result that
/// fails (error), warns (warning) or has no data (notice), on the line of
/// its goal in `config` (the path GitHub shows it at), then the summary.
pub fn github(
    results: &[GoalResult],
    config: &str,
    line_of: impl Fn(&crate::goals::Goal) -> usize,
) -> String {
    let mut out = String::new();
    for r in results {
        let level = match r.status {
            Status::Fail => "error",
            Status::Warn => "warning",
            Status::NoData => "notice",
            Status::Pass => continue,
        };
        let title = match &r.period {
            Some(p) => format!("goal {} ({}): {}", r.goal.id, p.label, r.status.as_str()),
            None => format!("goal {}: {}", r.goal.id, r.status.as_str()),
        };
        out += &super::errors::annotation(
            level,
            Some(config),
            Some(line_of(&r.goal)),
            None,
            Some(&title),
            &r.message,
        );
    }
    out += &super::report::summary_line(results);
    out.push('\n');
    out
}

/// What `check -q` prints: one line per result that fails or warns, so
/// that cron mail and CI logs say what broke; nothing when all pass.
pub fn problems(results: &[GoalResult], style: Style) -> String {
    results
        .iter()
        .filter(|r| matches!(r.status, Status::Fail | Status::Warn))
        .map(|r| {
            format!(
                "{}  {}  {}  {}\n",
                style.paint(r.status.as_str(), r.status.as_str()),
                r.goal.id,
                r.period.as_ref().map_or("-", |p| p.label.as_str()),
                r.message
            )
        })
        .collect()
}

pub fn table(workspace: &str, results: &[GoalResult], style: Style) -> String {
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            vec![
                r.status.as_str().to_string(),
                r.goal.id.clone(),
                r.period.as_ref().map_or("-".into(), |p| p.label.clone()),
                r.message.clone(),
            ]
        })
        .collect();
    let s = Summary::of(results);
    let mut out = format!("{}\n\n", style.paint(workspace, "bold"));
    out += &table::render(
        &["STATUS", "GOAL", "PERIOD", "RESULT"],
        &rows,
        style,
        Some(0),
    );
    out += &format!(
        "\n{}: {} pass, {} warn, {} fail, {} no data\n",
        super::goals_counted(results),
        style.paint(&s.pass.to_string(), "pass"),
        style.paint(&s.warn.to_string(), "warn"),
        style.paint(&s.fail.to_string(), "fail"),
        s.no_data
    );
    out
}
