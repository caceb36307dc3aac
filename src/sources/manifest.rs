//! `plugin.toml`: a source plugin's manifest, parsed then validated into
//! layouts. Every problem is reported at once, as `plugin.toml:LINE:COL`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::decode::Format;
use super::decode::value::NumberStyle;
use super::layout::{Cols, DateFrom, DateSpec, Layout, Mapping, MetricSpec};
use crate::diagnostic::{Diagnostics, suggest};
use crate::records::{Kind, Level, catalog::is_metric_name};
use crate::workspace::{Located, de, parse_toml};

/// The manifest API version this kpiscope reads.
pub const API: u32 = 1;

const TOP_LEVEL: &[&str] = &[
    "name", "title", "version", "api", "kind", "network", "input", "table", "layout", "command",
    "metrics",
];

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawInput {
    format: Option<Spanned<String>>,
    #[serde(default)]
    detect: Vec<String>,
    detect_title: Option<String>,
    sheet: Option<String>,
    member: Option<String>,
    delimiter: Option<Spanned<String>>,
    decimal: Option<Spanned<String>>,
    percent: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTable {
    level: Option<Spanned<String>>,
    post: Option<Spanned<DeOwned>>,
    date: Option<Spanned<DeOwned>>,
    account: Option<Spanned<DeOwned>>,
    network: Option<Spanned<DeOwned>>,
    dims: Option<BTreeMap<String, Spanned<DeOwned>>>,
    metrics: Option<BTreeMap<String, Spanned<DeOwned>>>,
}

/// `[[layout]]`'s own keys; the others are `[input]`'s and `[table]`'s.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayoutHead {
    name: Spanned<String>,
    title: Option<String>,
}

const INPUT_KEYS: &[&str] = &[
    "format",
    "detect",
    "detect_title",
    "sheet",
    "member",
    "delimiter",
    "decimal",
    "percent",
];
const TABLE_KEYS: &[&str] = &[
    "level", "post", "date", "account", "network", "dims", "metrics",
];

/// A value kept as TOML to be read by hand, for messages that say what fits.
type DeOwned = toml::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommand {
    run: Spanned<Vec<String>>,
    timeout: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDate {
    column: Option<DeOwned>,
    preamble: Option<String>,
    format: Option<DeOwned>,
    lifetime: Option<DeOwned>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetric {
    column: DeOwned,
    unit: Option<String>,
    percent: Option<String>,
    scale: Option<f64>,
    #[serde(default)]
    optional: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluginKind {
    /// The generic CSV layout of DESIGN §3, read natively.
    Canonical,
    Table,
    Rhai,
    Command,
}

#[derive(Debug, Clone)]
pub struct CommandSpec {
    pub run: Vec<String>,
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct Manifest {
    pub name: String,
    pub title: String,
    pub version: String,
    pub kind: PluginKind,
    pub network: Option<String>,
    pub layouts: Vec<Layout>,
    pub command: Option<CommandSpec>,
    pub metrics: Vec<(String, Kind)>,
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
            Some((other, span)) => {
                at.error(
                    span,
                    format!("unknown plugin kind `{other}`: use table, rhai or command"),
                );
                None
            }
            None => {
                at.error(
                    whole.clone(),
                    "the manifest has no `kind`: use table, rhai or command",
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
                        "a metric's kind is one of sum, last, max, min, mean",
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

        let plugin_name = name.clone().unwrap_or_default();
        let plugin_title = title.clone().unwrap_or_else(|| plugin_name.clone());
        let mut layouts = Vec::new();
        let mapped = matches!(kind, Some(PluginKind::Table));
        match top.get("layout") {
            Some(v) => {
                if let Some(t) = top.get("input").or(top.get("table")) {
                    at.error(
                        t.span(),
                        "a manifest has either [input] and [table], or [[layout]] tables, not both",
                    );
                }
                match v.get_ref() {
                    DeValue::Array(items) => {
                        for item in items.iter() {
                            let DeValue::Table(t) = item.get_ref() else {
                                at.error(item.span(), "write `[[layout]]` tables");
                                continue;
                            };
                            // A layout takes the keys of [input] and [table]:
                            // each part is checked by its own struct.
                            let (mut head, mut input, mut table) =
                                (DeTable::new(), DeTable::new(), DeTable::new());
                            for (k, v) in t.iter() {
                                let key: &str = k.get_ref();
                                let part = if INPUT_KEYS.contains(&key) {
                                    &mut input
                                } else if TABLE_KEYS.contains(&key) {
                                    &mut table
                                } else if matches!(key, "name" | "title") {
                                    &mut head
                                } else {
                                    let all = INPUT_KEYS.iter().chain(TABLE_KEYS).copied();
                                    let hint = suggest(key, all.chain(["name", "title"]))
                                        .map(|s| format!("; did you mean `{s}`?"))
                                        .unwrap_or_default();
                                    at.error(
                                        k.span(),
                                        format!("[[layout]]: unknown key `{key}`: a layout has name, title and the keys of [input] and [table]{hint}"),
                                    );
                                    continue;
                                };
                                part.insert(k.clone(), v.clone());
                            }
                            let span = item.span();
                            let head = de::<RawLayoutHead>(
                                &mut at,
                                Spanned::new(span.clone(), DeValue::Table(head)),
                                "[[layout]]",
                            );
                            let input = de::<RawInput>(
                                &mut at,
                                Spanned::new(span.clone(), DeValue::Table(input)),
                                "[[layout]]",
                            );
                            let table = de::<RawTable>(
                                &mut at,
                                Spanned::new(span, DeValue::Table(table)),
                                "[[layout]]",
                            );
                            if let (Some(h), Some(input), Some(table)) = (head, input, table) {
                                let lname = h.name.into_inner();
                                let ltitle = h.title.unwrap_or_else(|| lname.clone());
                                if let Some(layout) = layout(
                                    &mut at,
                                    lname,
                                    ltitle,
                                    input,
                                    table,
                                    mapped,
                                    item.span(),
                                ) {
                                    layouts.push(layout);
                                }
                            }
                        }
                    }
                    _ => at.error(v.span(), "write `[[layout]]` tables"),
                }
            }
            None => {
                let input = top
                    .get("input")
                    .and_then(|v| de::<RawInput>(&mut at, v.clone(), "[input]"))
                    .unwrap_or_default();
                // A [table] that does not parse is reported once, not again as empty.
                let (table, span, parsed) = match top.get("table") {
                    Some(v) => match de::<RawTable>(&mut at, v.clone(), "[table]") {
                        Some(t) => (t, v.span(), true),
                        None => (RawTable::default(), v.span(), false),
                    },
                    None => (RawTable::default(), whole.clone(), true),
                };
                if !mapped && top.contains_key("table") {
                    at.error(span.clone(), "[table] is for `kind = \"table\"` plugins");
                }
                if let Some(l) = layout(
                    &mut at,
                    plugin_name.clone(),
                    plugin_title.clone(),
                    input,
                    table,
                    mapped && parsed,
                    span,
                ) {
                    layouts.push(l);
                }
            }
        }
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
                version: version.unwrap_or_else(|| "0.0.0".into()),
                kind,
                network,
                layouts,
                command,
                metrics,
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

fn one_char(
    at: &mut Located,
    v: &Option<Spanned<String>>,
    what: &str,
    allowed: &[&str],
) -> Option<String> {
    let v = v.as_ref()?;
    let s = v.get_ref().replace("\\t", "\t");
    if allowed.contains(&s.as_str()) {
        Some(s)
    } else {
        at.error(
            v.span(),
            format!(
                "`{what}` is one of {}",
                allowed
                    .iter()
                    .map(|a| format!("{a:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        None
    }
}

fn layout(
    at: &mut Located,
    name: String,
    title: String,
    input: RawInput,
    table: RawTable,
    mapped: bool,
    span: std::ops::Range<usize>,
) -> Option<Layout> {
    let errors_before = at.diagnostics.0.len();
    let format = input.format.as_ref().and_then(|f| {
        let p = Format::parse(f.get_ref());
        if p.is_none() {
            at.error(
                f.span(),
                format!(
                    "unknown format `{}`: use one of {}",
                    f.get_ref(),
                    Format::NAMES
                ),
            );
        }
        p
    });
    let delimiter = one_char(at, &input.delimiter, "delimiter", &[",", ";", "\t", "|"])
        .map(|s| s.as_bytes()[0]);
    let decimal = one_char(at, &input.decimal, "decimal", &[".", ","]);
    let percent = one_char(at, &input.percent, "percent", &["fraction", "number"]);
    let style = NumberStyle {
        decimal_comma: decimal.as_deref() == Some(","),
        percent_fraction: percent.as_deref() != Some("number"),
    };
    let mapping = if mapped {
        mapping(at, table, &span)
    } else {
        None
    };
    if at.diagnostics.0.len() > errors_before {
        return None;
    }
    Some(Layout {
        name,
        title,
        detect: input.detect,
        detect_title: input.detect_title,
        format,
        sheet: input.sheet,
        member: input.member,
        delimiter,
        style,
        mapping,
    })
}

fn cols(at: &mut Located, v: &Spanned<DeOwned>, what: &str) -> Option<Cols> {
    match v.get_ref() {
        toml::Value::String(s) => Some(Cols(vec![s.clone()])),
        toml::Value::Array(a) if !a.is_empty() && a.iter().all(|x| x.is_str()) => Some(Cols(
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
        )),
        _ => {
            at.error(
                v.span(),
                format!("{what} is a column name, or a list of alternative names"),
            );
            None
        }
    }
}

fn cols_value(
    at: &mut Located,
    v: &DeOwned,
    span: std::ops::Range<usize>,
    what: &str,
) -> Option<Cols> {
    cols(at, &Spanned::new(span, v.clone()), what)
}

fn mapping(at: &mut Located, t: RawTable, span: &std::ops::Range<usize>) -> Option<Mapping> {
    let level = match t.level.as_ref().map(|l| (l.get_ref().as_str(), l.span())) {
        Some(("post", _)) => Level::Post,
        Some(("account", _)) => Level::Account,
        Some((other, s)) => {
            at.error(
                s,
                format!("`level` is \"post\" or \"account\", not `{other}`"),
            );
            return None;
        }
        None => {
            at.error(
                span.clone(),
                "a table mapping needs `level = \"post\"` or `level = \"account\"`",
            );
            return None;
        }
    };
    let post = t.post.as_ref().and_then(|p| cols(at, p, "`post`"));
    let account = t.account.as_ref().and_then(|p| cols(at, p, "`account`"));
    let network = t.network.as_ref().and_then(|p| cols(at, p, "`network`"));
    let date = match &t.date {
        None => {
            at.error(
                span.clone(),
                "a table mapping needs `date = { column = \"...\", format = \"...\" }`",
            );
            None
        }
        Some(d) => date_spec(at, d),
    };
    let mut dims = Vec::new();
    for (name, v) in t.dims.unwrap_or_default() {
        if !is_metric_name(&name) {
            at.error(
                v.span(),
                format!("dimension name `{name}` must be snake_case"),
            );
        }
        if let Some(c) = cols(at, &v, "a dimension") {
            dims.push((name, c));
        }
    }
    let mut metrics = Vec::new();
    for (name, v) in t.metrics.unwrap_or_default() {
        if !is_metric_name(&name) {
            at.error(v.span(), format!("metric name `{name}` must be snake_case"));
            continue;
        }
        let spec = match v.get_ref() {
            toml::Value::Table(_) => {
                let raw: Result<RawMetric, _> = v.get_ref().clone().try_into();
                match raw {
                    Err(e) => {
                        at.error(
                            v.span(),
                            format!(
                                "metric `{name}`: {}",
                                e.message().trim().replace("unknown field", "unknown key")
                            ),
                        );
                        continue;
                    }
                    Ok(m) => {
                        let Some(c) = cols_value(at, &m.column, v.span(), "`column`") else {
                            continue;
                        };
                        let duration = match m.unit.as_deref() {
                            None | Some("number") => false,
                            Some("duration") => true,
                            Some(u) => {
                                at.error(v.span(), format!("metric `{name}`: `unit` is \"number\" or \"duration\", not `{u}`"));
                                continue;
                            }
                        };
                        let percent_fraction = match m.percent.as_deref() {
                            None => None,
                            Some("fraction") => Some(true),
                            Some("number") => Some(false),
                            Some(p) => {
                                at.error(v.span(), format!("metric `{name}`: `percent` is \"fraction\" or \"number\", not `{p}`"));
                                continue;
                            }
                        };
                        MetricSpec {
                            metric: name,
                            cols: c,
                            duration,
                            percent_fraction,
                            scale: m.scale.unwrap_or(1.0),
                            optional: m.optional,
                        }
                    }
                }
            }
            _ => {
                let Some(c) = cols(at, &v, &format!("metric `{name}`")) else {
                    continue;
                };
                MetricSpec {
                    metric: name,
                    cols: c,
                    duration: false,
                    percent_fraction: None,
                    scale: 1.0,
                    optional: false,
                }
            }
        };
        metrics.push(spec);
    }
    if metrics.is_empty() {
        at.error(
            span.clone(),
            "a table mapping needs `[table.metrics]`: metric = \"column\"",
        );
    }
    Some(Mapping {
        level,
        post,
        date: date?,
        account,
        network,
        dims,
        metrics,
    })
}

fn date_spec(at: &mut Located, d: &Spanned<DeOwned>) -> Option<DateSpec> {
    let raw: RawDate = match d.get_ref().clone().try_into() {
        Ok(r) => r,
        Err(e) => {
            at.error(
                d.span(),
                format!(
                    "`date` is {{ column = \"Date\", format = \"%Y-%m-%d\" }}: {}",
                    e.message().trim().replace("unknown field", "unknown key")
                ),
            );
            return None;
        }
    };
    let from = match (raw.column, raw.preamble) {
        (Some(c), None) => DateFrom::Column(cols_value(at, &c, d.span(), "`date.column`")?),
        (None, Some(p)) => DateFrom::Preamble(p),
        _ => {
            at.error(d.span(), "`date` takes either `column` or `preamble`");
            return None;
        }
    };
    let formats = match raw.format {
        Some(f) => cols_value(at, &f, d.span(), "`date.format`")?.0,
        None => vec!["%Y-%m-%d".to_string()],
    };
    for f in &formats {
        if f != "ms" && f != "s" && !f.contains('%') {
            at.error(
                d.span(),
                format!("date format `{f}` has no `%` field: write it like `%Y-%m-%d`"),
            );
            return None;
        }
    }
    let lifetime = match raw.lifetime {
        Some(l) => Some(cols_value(at, &l, d.span(), "`date.lifetime`")?),
        None => None,
    };
    Some(DateSpec {
        from,
        formats,
        lifetime,
    })
}
