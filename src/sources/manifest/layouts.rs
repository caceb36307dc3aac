//! `[input]` and `[table]`, or `[[layout]]` tables: the exports a plugin
//! reads, as written, checked into [`Layout`]s. A layout takes the keys of
//! `[input]` and `[table]`, each part checked by its own struct.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::suggest;
use crate::records::{Level, catalog::is_metric_name};
use crate::sources::decode::Format;
use crate::sources::decode::date::IdClock;
use crate::sources::decode::value::NumberStyle;
use crate::sources::layout::{AttrCols, Cols, DateFrom, DateSpec, Layout, Mapping, MetricSpec};
use crate::workspace::{Located, de};

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
    attrs: Option<Spanned<DeOwned>>,
}

/// `[table.attrs]`: the columns of a post's text, link and format.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttrs {
    title: Option<DeOwned>,
    url: Option<DeOwned>,
    format: Option<DeOwned>,
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
    "level", "post", "date", "account", "network", "dims", "metrics", "attrs",
];

/// A value kept as TOML to be read by hand, for messages that say what fits.
type DeOwned = toml::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDate {
    column: Option<DeOwned>,
    preamble: Option<String>,
    format: Option<DeOwned>,
    lifetime: Option<DeOwned>,
    year_from: Option<String>,
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

/// The layouts of a manifest's top-level tables (`top`); `mapped` for a
/// `table` plugin, whose layouts need a mapping. `whole` is the span used
/// for problems of the file as a whole.
pub(super) fn check(
    at: &mut Located,
    top: &BTreeMap<&str, Spanned<DeValue>>,
    plugin_name: &str,
    plugin_title: &str,
    mapped: bool,
    whole: Range<usize>,
) -> Vec<Layout> {
    let mut layouts = Vec::new();
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
                            at,
                            Spanned::new(span.clone(), DeValue::Table(head)),
                            "[[layout]]",
                        );
                        let input = de::<RawInput>(
                            at,
                            Spanned::new(span.clone(), DeValue::Table(input)),
                            "[[layout]]",
                        );
                        let table = de::<RawTable>(
                            at,
                            Spanned::new(span, DeValue::Table(table)),
                            "[[layout]]",
                        );
                        if let (Some(h), Some(input), Some(table)) = (head, input, table) {
                            let lname = h.name.into_inner();
                            let ltitle = h.title.unwrap_or_else(|| lname.clone());
                            if let Some(layout) =
                                layout(at, lname, ltitle, input, table, mapped, item.span())
                            {
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
                .and_then(|v| de::<RawInput>(at, v.clone(), "[input]"))
                .unwrap_or_default();
            // A [table] that does not parse is reported once, not again as empty.
            let (table, span, parsed) = match top.get("table") {
                Some(v) => match de::<RawTable>(at, v.clone(), "[table]") {
                    Some(t) => (t, v.span(), true),
                    None => (RawTable::default(), v.span(), false),
                },
                None => (RawTable::default(), whole.clone(), true),
            };
            if !mapped && top.contains_key("table") {
                at.error(span.clone(), "[table] is for `kind = \"table\"` plugins");
            }
            if let Some(l) = layout(
                at,
                plugin_name.to_string(),
                plugin_title.to_string(),
                input,
                table,
                mapped && parsed,
                span,
            ) {
                layouts.push(l);
            }
        }
    }
    layouts
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
                "`{what}` is one of {}{}",
                allowed
                    .iter()
                    .map(|a| format!("{a:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                crate::diagnostic::did_you_mean(&s, allowed.iter().copied())
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
                    "unknown format `{}`: use one of {}{}",
                    f.get_ref(),
                    Format::NAMES,
                    crate::diagnostic::did_you_mean(f.get_ref(), Format::NAMES.split(", "))
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
    if let (Some(d), Some(spec)) = (&t.date, &date)
        && spec.year_from.is_some()
        && post.is_none()
    {
        at.error(
            d.span(),
            "`date.year_from` reads the post id: the mapping needs `post = \"...\"`, the column of the id or link",
        );
    }
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
    let attrs = match &t.attrs {
        None => AttrCols::default(),
        Some(a) => attr_cols(at, a, level)?,
    };
    Some(Mapping {
        level,
        post,
        date: date?,
        account,
        network,
        dims,
        metrics,
        attrs,
    })
}

/// `attrs = { title = "Post title", url = "Post link", format = "Content Type" }`:
/// on post-level mappings only, as an account's day has no text.
fn attr_cols(at: &mut Located, a: &Spanned<DeOwned>, level: Level) -> Option<AttrCols> {
    let raw: RawAttrs = match a.get_ref().clone().try_into() {
        Ok(r) => r,
        Err(e) => {
            at.error(
                a.span(),
                format!(
                    "`attrs` is {{ title = \"Post title\", url = \"Post link\", format = \"Content Type\" }}: {}",
                    e.message().trim().replace("unknown field", "unknown key")
                ),
            );
            return None;
        }
    };
    if level != Level::Post {
        at.error(
            a.span(),
            "`attrs` names the columns of a post's text, link and format: it is for `level = \"post\"` mappings",
        );
        return None;
    }
    let mut col = |v: &Option<DeOwned>, what: &str| match v {
        None => Some(None),
        Some(v) => cols_value(at, v, a.span(), what).map(Some),
    };
    Some(AttrCols {
        title: col(&raw.title, "`attrs.title`")?,
        url: col(&raw.url, "`attrs.url`")?,
        format: col(&raw.format, "`attrs.format`")?,
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
    let year_from = match raw.year_from.as_deref() {
        None => None,
        Some(name) => match IdClock::parse(name) {
            Some(clock) => Some(clock),
            None => {
                at.error(
                    d.span(),
                    format!(
                        "`date.year_from` is {}, not `{name}`: the post id whose creation time dates year-less dates",
                        IdClock::NAMES
                    ),
                );
                return None;
            }
        },
    };
    let spec = DateSpec {
        from,
        formats,
        lifetime,
        year_from,
    };
    if year_from.is_some() && !spec.yearless() {
        at.error(
            d.span(),
            "`date.year_from` gives a year to year-less dates, and no `date.format` here reads one without a year",
        );
        return None;
    }
    Some(spec)
}

#[cfg(test)]
mod tests {
    use crate::sources::layout::Cols;
    use crate::sources::manifest::Manifest;

    const MANIFEST: &str = r#"name = "alpha"
title = "Alpha"
version = "1.0.0"
api = 1
kind = "table"
network = "alpha"

[input]
detect = ["Post ID", "Reach"]

[table]
level = "post"
post = "Post ID"
date = { column = "Published", format = "%Y-%m-%d" }
ATTRS

[table.metrics]
reach = "Reach"
"#;

    fn parse(attrs: &str) -> Result<Manifest, String> {
        Manifest::parse("plugin.toml", &MANIFEST.replace("ATTRS", attrs)).map_err(|d| d.to_string())
    }

    #[test]
    fn attrs_name_a_posts_text_link_and_format_columns() {
        let m = parse(r#"attrs = { title = "Text", url = ["Link", "Permalink"] }"#)
            .unwrap_or_else(|e| panic!("{e}"));
        let attrs = &m.layouts[0].mapping.as_ref().expect("a mapping").attrs;
        assert_eq!(attrs.title, Some(Cols(vec!["Text".into()])));
        assert_eq!(
            attrs.url,
            Some(Cols(vec!["Link".into(), "Permalink".into()]))
        );
        assert_eq!(attrs.format, None);
        let none = parse("").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            none.layouts[0]
                .mapping
                .as_ref()
                .map(|m| m.attrs.all().count()),
            Some(0)
        );
    }

    #[test]
    fn bad_attrs_are_errors_at_their_line() {
        for (attrs, want) in [
            (
                r#"attrs = { title = "Text", link = "Link" }"#,
                "plugin.toml:15:9: `attrs` is { title = \"Post title\", url = \"Post link\", format = \"Content Type\" }: unknown key `link`",
            ),
            (
                r#"attrs = { title = 3 }"#,
                "plugin.toml:15:9: `attrs.title` is a column name",
            ),
            (r#"attrs = "Text""#, "plugin.toml:15:9: `attrs` is {"),
        ] {
            let err = parse(attrs)
                .err()
                .unwrap_or_else(|| panic!("{attrs} parsed"));
            assert!(err.contains(want), "{attrs}: {err}");
        }
        let account = MANIFEST
            .replace("level = \"post\"", "level = \"account\"")
            .replace("ATTRS", r#"attrs = { title = "Text" }"#);
        let err = Manifest::parse("plugin.toml", &account)
            .err()
            .map(|d| d.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("it is for `level = \"post\"` mappings"),
            "{err}"
        );
    }
}
