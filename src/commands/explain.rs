//! `kpiscope explain KPI`: the formula, where it is defined, what it reads,
//! and the tree of its dependencies with their values in one period.

use std::sync::Arc;

use crate::Outcome;
use crate::aggregate::{Filter, Grain, View};
use crate::cli::Range;
use crate::diagnostic::Diagnostics;
use crate::error::{Error, Result};
use crate::goals::condition::fmt_value;
use crate::kpi::{Evaluator, Value};
use crate::render::table::Style;
use crate::session::Session;

/// Which records the values are computed on: a goal's filters.
pub type Scope = Filter;

/// `--where campaign=spring` options as a goal's `where`.
pub fn dims(pairs: &[String]) -> Result<std::collections::BTreeMap<String, String>> {
    pairs
        .iter()
        .map(|p| match p.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                Ok((k.trim().to_string(), v.trim().to_string()))
            }
            _ => Err(Error::usage(format!(
                "--where `{p}`: write DIM=VALUE, such as --where campaign=spring"
            ))),
        })
        .collect()
}

pub fn run(
    s: &Session,
    name: &str,
    period: Option<&str>,
    scope: Scope,
    style: Style,
) -> Result<Outcome> {
    let network = scope.network.as_deref();
    let account = scope.account.as_deref();
    let mut out = describe(s, name, style)?;
    let range = Range {
        from: None,
        to: None,
        as_of: None,
    };
    let (grain, fixed) = match period {
        Some(p) => {
            let parsed = s.ws.calendar.parse_label(p).ok_or_else(|| {
                Error::usage(format!("`{p}` is not a period: write 2026-10, 2026-Q4, 2026, 2026-W41, 2026-10-03 or all"))
            })?;
            (parsed.grain, Some(parsed))
        }
        None => (Grain::Month, None),
    };
    let view = View {
        grain,
        by: Vec::new(),
        filter: scope.clone(),
    };
    let cube = s.load(std::slice::from_ref(&view), &range)?;
    let problems = cube.names().problems(&view.filter);
    if !problems.is_empty() {
        return Err(Error::usages(problems));
    }
    let Some(as_of) = cube.last_day() else {
        out += "\nno data loaded\n";
        crate::render::write_output(None, &out)?;
        return Ok(Outcome::Success);
    };
    let p = fixed.unwrap_or_else(|| s.ws.calendar.last_complete(grain, as_of));
    let groups = Arc::new(cube.view(&view));
    let mut parts: Vec<String> = [network, account]
        .into_iter()
        .flatten()
        .map(str::to_string)
        .collect();
    parts.extend(scope.dims.iter().map(|(k, v)| format!("{k}={v}")));
    let scope = if parts.is_empty() {
        "all networks".to_string()
    } else {
        parts.join("/")
    };
    out += &format!("\n{} {}:\n", s.ws.calendar.label(p), scope);
    let Some(i) = groups.find(&[], p) else {
        let (from, to) = groups.range;
        out += &format!(
            "  no data in this period (the data runs from {} to {})\n",
            crate::aggregate::period::format_day(from),
            crate::aggregate::period::format_day(to)
        );
        crate::render::write_output(None, &out)?;
        return Ok(Outcome::Success);
    };
    let mut ev = s.evaluator(groups.clone(), &cube.catalog);
    if s.needs_panel([name], false)
        && let Some(panel) = s.load_panel(
            std::slice::from_ref(&crate::panel::sums_view(&view)),
            &range,
        )?
    {
        let sums = Arc::new(panel.view(&crate::panel::sums_view(&view)));
        ev = ev.with_panel(sums, &panel.catalog);
    }
    let mut lines = Vec::new();
    tree(s, &ev, name, i, "", "", &mut lines, 0)
        .map_err(|d| Error::Diagnostics(Diagnostics(vec![d])))?;
    for l in lines {
        out += &format!("  {l}\n");
    }
    crate::render::write_output(None, &out)?;
    Ok(Outcome::Success)
}

/// `explain` outside a workspace: a standard KPI or metric described, with
/// no values (there is no data to compute them on).
pub fn standard(s: &Session, name: &str, style: Style) -> Result<Outcome> {
    let mut out = describe(s, name, style)?;
    out +=
        "\nno values: not in a workspace (`kpiscope init` creates one, or pass --workspace DIR)\n";
    crate::render::write_output(None, &out)?;
    Ok(Outcome::Success)
}

/// What `name` is: a KPI's title, description, where it is defined, its
/// code and what it reads and calls; or a metric's kind and origin.
fn describe(s: &Session, name: &str, style: Style) -> Result<String> {
    s.check_names(&[name.to_string()])?;
    let mut out = String::new();
    match s.library.get(name) {
        Some(k) => {
            let f = &s.library.files[k.file];
            out += &format!("{} — {}\n", style.paint(&k.name, "bold"), k.title);
            if !k.description.is_empty() {
                out += &format!("{}\n", k.description);
            }
            let meta: Vec<String> = k.meta.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            if !meta.is_empty() {
                out += &format!("{}\n", meta.join("   "));
            }
            out += &format!(
                "defined in {}:{}{}\n\n",
                f.shown,
                k.line,
                if k.overrides {
                    " (overrides the standard KPI)"
                } else {
                    ""
                }
            );
            out += &format!("{}\n\n", k.code);
            // `params` as the values this run gives them, so that the
            // number below can be redone by hand.
            let mut inputs: Vec<String> = k
                .inputs
                .iter()
                .filter(|i| *i != "params")
                .cloned()
                .collect();
            inputs.extend(k.params.iter().map(|p| match s.ws.params.get(p) {
                Some(v) => format!("params.{p} = {v}"),
                None => format!("params.{p} (not set)"),
            }));
            out += &format!(
                "reads: {}\n",
                if inputs.is_empty() {
                    "-".into()
                } else {
                    inputs.join(", ")
                }
            );
            let mut calls = k.deps.clone();
            calls.extend(
                s.library
                    .helpers_of(&k.name)
                    .into_iter()
                    .map(|h| format!("{h} (helper)")),
            );
            out += &format!(
                "calls: {}\n",
                if calls.is_empty() {
                    "-".into()
                } else {
                    calls.join(", ")
                }
            );
        }
        None => {
            let id = s.catalog.id(name).expect("checked");
            let m = s.catalog.get(id);
            out += &format!(
                "{} — a metric (kind {}, from {})\n",
                m.name, m.kind, m.origin
            );
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn tree(
    s: &Session,
    ev: &Evaluator,
    name: &str,
    group: usize,
    lead: &str,
    child_lead: &str,
    lines: &mut Vec<String>,
    depth: usize,
) -> std::result::Result<(), crate::diagnostic::Diagnostic> {
    let unit = s.unit_of(name);
    let shown = match ev.eval(name, group)? {
        Value::Number(x) => fmt_value(x, &unit),
        Value::NoData(r) => format!("no data ({r})"),
    };
    lines.push(format!("{lead}{name} = {shown}"));
    let Some(k) = s.library.get(name) else {
        return Ok(());
    };
    if depth > 16 {
        return Ok(());
    }
    let children: Vec<&String> = k
        .deps
        .iter()
        .chain(k.inputs.iter().filter(|i| {
            s.catalog.id(i).is_some()
                || *i == "days"
                || i.starts_with("previous(")
                || i.starts_with("panel(")
        }))
        .collect();
    for (n, c) in children.iter().enumerate() {
        let last = n + 1 == children.len();
        let (l, cl) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        if *c == "days" {
            lines.push(format!(
                "{child_lead}{l}days = {}",
                ev.groups().groups[group].days
            ));
            continue;
        }
        if let Some(name) = c
            .strip_prefix("panel(\"")
            .and_then(|r| r.strip_suffix("\")"))
        {
            let shown = match ev.panel_value(name, group) {
                Value::Number(x) => format!(
                    "{} (the competitors' total)",
                    fmt_value(x, &s.unit_of(name))
                ),
                Value::NoData(r) => format!("no data ({r})"),
            };
            lines.push(format!("{child_lead}{l}{c} = {shown}"));
            continue;
        }
        if let Some(name) = c
            .strip_prefix("previous(\"")
            .and_then(|r| r.strip_suffix("\")"))
        {
            let shown = match ev.groups().previous(group) {
                Some(prev) => {
                    let p = s.ws.calendar.label(ev.groups().groups[prev].period);
                    match ev.eval(name, prev)? {
                        Value::Number(x) => format!("{} (in {p})", fmt_value(x, &s.unit_of(name))),
                        Value::NoData(r) => format!("no data ({r})"),
                    }
                }
                None => "no previous period".to_string(),
            };
            lines.push(format!("{child_lead}{l}{c} = {shown}"));
            continue;
        }
        tree(
            s,
            ev,
            c,
            group,
            &format!("{child_lead}{l}"),
            &format!("{child_lead}{cl}"),
            lines,
            depth + 1,
        )?;
    }
    Ok(())
}
