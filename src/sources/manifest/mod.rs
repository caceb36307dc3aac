//! `plugin.toml`: a source plugin's manifest, parsed then validated into
//! layouts. Every problem is reported at once, as `plugin.toml:LINE:COL`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::layout::Layout;
use crate::diagnostic::{Diagnostics, suggest};
use crate::records::{Kind, catalog::is_metric_name};
use crate::workspace::warehouse::{RawWarehouse, Warehouse};
use crate::workspace::{Located, de, parse_toml};

mod layouts;
#[cfg(test)]
mod props;

/// The manifest API version this kpiscope reads.
pub const API: u32 = 1;

const TOP_LEVEL: &[&str] = &[
    "name", "title", "version", "api", "kind", "network", "input", "table", "layout", "command",
    "metrics", "postgres",
];
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommand {
    run: Spanned<Vec<String>>,
    timeout: Option<Spanned<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluginKind {
    /// The generic CSV layout of DESIGN §3, read natively.
    Canonical,
    Table,
    Rhai,
    Command,
    /// A table or query of a SQL engine speaking the PostgreSQL protocol,
    /// summed there into cells (`sources::postgres`).
    Postgres,
}

#[derive(Debug, Clone)]
pub struct CommandSpec {
    pub run: Vec<String>,
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct Manifest {
    pub name: String,
    /// Where `name = ...` stands in the manifest, for a name two plugins share.
    pub name_span: std::ops::Range<usize>,
    pub title: String,
    pub version: String,
    pub kind: PluginKind,
    pub network: Option<String>,
    pub layouts: Vec<Layout>,
    pub command: Option<CommandSpec>,
    pub metrics: Vec<(String, Kind)>,
    /// A `postgres` plugin's mapping (`[postgres]`), completed by the source.
    pub warehouse: RawWarehouse,
}

impl Manifest {
    /// Parses `text` (shown as `file` in messages), reporting every problem.
    pub fn parse(file: &str, text: &str) -> Result<Manifest, Diagnostics> {
        let mut at = Located::new(file, text);
        let Some(doc) = parse_toml(&mut at, text) else {
            return Err(at.diagnostics);
        };
        let mut top: BTreeMap<&str, Spanned<DeValue>> = BTreeMap::new();
        for (key, value) in doc.iter() {
            let k: &str = key.get_ref();
            match TOP_LEVEL.iter().find(|t| **t == k) {
                Some(t) => {
                    top.insert(t, value.clone());
                }
                None => {
                    let hint = suggest(k, TOP_LEVEL.iter().copied())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    at.error(
                        key.span(),
                        format!(
                            "unknown key `{k}`: a manifest has {}{hint}",
                            TOP_LEVEL.join(", ")
                        ),
                    );
                }
            }
        }
        let string = |at: &mut Located, key: &str| -> Option<Spanned<String>> {
            top.get(key)
                .and_then(|v| de::<Spanned<String>>(at, v.clone(), key))
        };
        let name = string(&mut at, "name");
        let title = string(&mut at, "title").map(Spanned::into_inner);
        let version = string(&mut at, "version").map(Spanned::into_inner);
        let network = string(&mut at, "network").map(Spanned::into_inner);
        let kind_raw = string(&mut at, "kind");
        let api = top
            .get("api")
            .and_then(|v| de::<Spanned<u32>>(&mut at, v.clone(), "api"));
        let whole = 0..text.len().min(1);
        let name_span = name.as_ref().map_or(whole.clone(), |n| n.span());
        let name = match name {
            Some(n) if is_metric_name(n.get_ref()) => Some(n.into_inner()),
            Some(n) => {
                at.error(
                    n.span(),
                    "a plugin's `name` is snake_case, like `my_network`",
                );
                None
            }
            None => {
                at.error(whole.clone(), "the manifest has no `name`");
                None
            }
        };
        match &api {
            Some(a) if *a.get_ref() != API => at.error(
                a.span(),
                format!(
                    "plugin API version {} is not supported: this kpiscope reads api = {API}",
                    a.get_ref()
                ),
            ),
            Some(_) => {}
            None => at.error(
                whole.clone(),
                format!("the manifest has no `api`: write `api = {API}`"),
            ),
        }
        let kind = match kind_raw.as_ref().map(|k| (k.get_ref().as_str(), k.span())) {
            Some(("canonical", _)) => Some(PluginKind::Canonical),
            Some(("table", _)) => Some(PluginKind::Table),
            Some(("rhai", _)) => Some(PluginKind::Rhai),
            Some(("command", _)) => Some(PluginKind::Command),
            Some(("postgres", _)) => Some(PluginKind::Postgres),
            Some((other, span)) => {
                at.error(
                    span,
                    format!(
                        "unknown plugin kind `{other}`: use table, rhai, command or postgres{}",
                        crate::diagnostic::did_you_mean(
                            other,
                            ["table", "rhai", "command", "postgres"]
                        )
                    ),
                );
                None
            }
            None => {
                at.error(
                    whole.clone(),
                    "the manifest has no `kind`: use table, rhai, command or postgres",
                );
                None
            }
        };

        let mut metrics = Vec::new();
        if let Some(v) = top.get("metrics")
            && let Some(m) =
                de::<BTreeMap<String, Spanned<String>>>(&mut at, v.clone(), "[metrics]")
        {
            let standard = crate::records::Catalog::standard();
            for (name, kind) in m {
                let canonical = standard.id(&name).map(|id| standard.get(id).kind);
                match Kind::parse(kind.get_ref()) {
                    Some(k) if canonical.is_some_and(|c| c != k) => at.error(
                        kind.span(),
                        format!(
                            "`{name}` is a canonical metric of kind {}: a plugin cannot change it (leave it out of [metrics], or name your metric otherwise)",
                            canonical.map(|c| format!("{c:?}").to_lowercase()).unwrap_or_default()
                        ),
                    ),
                    Some(k) if is_metric_name(&name) => metrics.push((name, k)),
                    Some(_) => at.error(
                        kind.span(),
                        format!("metric name `{name}` must be snake_case"),
                    ),
                    None => at.error(
                        kind.span(),
                        format!(
                            "a metric's kind is one of sum, last, max, min, mean{}",
                            crate::diagnostic::did_you_mean(kind.get_ref(), Kind::NAMES)
                        ),
                    ),
                }
            }
        }

        let command = top
            .get("command")
            .and_then(|v| de::<RawCommand>(&mut at, v.clone(), "[command]"))
            .and_then(|c| {
                if c.run.get_ref().is_empty() {
                    at.error(
                        c.run.span(),
                        "`run` names the program: `run = [\"python3\", \"fetch.py\"]`",
                    );
                    return None;
                }
                let timeout = match c.timeout {
                    Some(t) if *t.get_ref() > 0.0 => Duration::from_secs_f64(*t.get_ref()),
                    Some(t) => {
                        at.error(t.span(), "`timeout` is a number of seconds above 0");
                        return None;
                    }
                    None => Duration::from_secs(300),
                };
                Some(CommandSpec {
                    run: c.run.into_inner(),
                    timeout,
                })
            });

        let warehouse = top
            .get("postgres")
            .and_then(|v| de::<RawWarehouse>(&mut at, v.clone(), "[postgres]"))
            .unwrap_or_default();
        match kind {
            Some(PluginKind::Postgres) => {
                if let Some(c) = &warehouse.connection {
                    at.error(
                        c.span(),
                        "a manifest names no server: `connection` belongs in the workspace's [[source]] (or the environment)",
                    );
                }
                // The mapping's names, checked where they are written; what
                // the source adds is checked with the source.
                Warehouse::check_names(&warehouse, &mut at);
            }
            Some(_) if top.contains_key("postgres") => at.error(
                top["postgres"].span(),
                "[postgres] is for `kind = \"postgres\"` plugins",
            ),
            _ => {}
        }
        let plugin_name = name.clone().unwrap_or_default();
        let plugin_title = title.clone().unwrap_or_else(|| plugin_name.clone());
        let mapped = matches!(kind, Some(PluginKind::Table));
        let layouts = layouts::check(
            &mut at,
            &top,
            &plugin_name,
            &plugin_title,
            mapped,
            whole.clone(),
        );
        match kind {
            Some(PluginKind::Command) if command.is_none() && !top.contains_key("command") => at
                .error(
                    whole.clone(),
                    "a command plugin needs `[command] run = [...]`",
                ),
            Some(k) if k != PluginKind::Command && top.contains_key("command") => at.error(
                top["command"].span(),
                "[command] is for `kind = \"command\"` plugins",
            ),
            _ => {}
        }
        match (name, kind, at.diagnostics.is_empty()) {
            (Some(name), Some(kind), true) => Ok(Manifest {
                title: plugin_title,
                name,
                name_span,
                version: version.unwrap_or_else(|| "0.0.0".into()),
                kind,
                network,
                layouts,
                command,
                metrics,
                warehouse,
            }),
            _ => Err(at.diagnostics),
        }
    }

    /// The metrics the plugin declares, then those its table mappings name
    /// without declaring them (sums, unless the catalog knows them).
    pub fn all_metrics(&self) -> Vec<(String, Kind)> {
        let mut out = self.metrics.clone();
        let standard = crate::records::Catalog::standard();
        for l in &self.layouts {
            for m in l.mapping.iter().flat_map(|m| &m.metrics) {
                if !out.iter().any(|(n, _)| *n == m.metric) {
                    let kind = standard
                        .id(&m.metric)
                        .map_or(Kind::Sum, |id| standard.get(id).kind);
                    out.push((m.metric.clone(), kind));
                }
            }
        }
        out
    }

    /// What the plugin reads, for `list plugins`.
    pub fn reads(&self) -> String {
        if self.layouts.iter().all(|l| l.title == self.title) {
            return self.title.clone();
        }
        self.layouts
            .iter()
            .map(|l| l.title.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}
