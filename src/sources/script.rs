//! `kind = "rhai"`: `map.rhai` turns rows (`map_row(row)`) or a whole JSON
//! document (`map_document(doc)`) into record maps. Scripts run in the same
//! sandbox as KPI scripts, with the host's decoders as functions.

use std::sync::Arc;

use rhai::{AST, Array, CallFnOptions, Dynamic, Engine, Map, Scope};
use serde_json::Value;

use super::Plugin;
use super::context::FileCtx;
use super::decode::date::DateReader;
use super::decode::grid::normalise;
use super::decode::value::{NotANumber, NumberStyle, is_missing, parse_duration, parse_value};
use super::decode::{Decoded, Grid};
use super::emit::{Sink, from_json, push_record};
use super::layout::Layout;
use super::rows::{DataRows, Undated, check_dated, skip};
use crate::error::{Error, Result};
use crate::kpi::sandbox::{Stop, begin_call, sandboxed_engine};
use crate::records::Record;
use crate::records::tally::Tally;

/// The key of the map `skip(reason)` returns.
const SKIP: &str = "__skip";
/// Why a row the script returned `()` for made no record.
const SKIPPED_BY_SCRIPT: &str = "row the plugin's script skipped";

pub const SCRIPT: &str = "map.rhai";

struct Mapper {
    engine: Engine,
    ast: Arc<AST>,
    scope: Scope<'static>,
    shown: String,
    /// The header, for the hint on a misspelled column.
    columns: Vec<String>,
}

impl Mapper {
    fn new(
        plugin: &Plugin,
        ctx: &FileCtx,
        preamble: &[(String, String)],
        style: NumberStyle,
    ) -> Result<Mapper> {
        let shown = plugin.shown_file(SCRIPT);
        // Checked when the registry loaded the plugin (a built-in's: by the
        // tests), compiled once.
        let ast = plugin.script().ok_or_else(|| Error::Data {
            file: shown.clone(),
            line: 0,
            message: format!("a rhai plugin needs {SCRIPT} with `fn map_row(row)`"),
        })?;
        // One engine per file: its run clock is the file's
        // (`[limits] script_run_seconds`), each call's the row's.
        let mut engine = sandboxed_engine(&ctx.limits);
        engine.register_fn(
            "number",
            cell_reader("number", move |t| parse_value(t, style)),
        );
        engine.register_fn("duration", cell_reader("duration", parse_duration));
        // A row that is not data, with the reason the file's tally gives.
        engine.register_fn("skip", |reason: &str| -> Map {
            Map::from([(SKIP.into(), Dynamic::from(reason.to_string()))])
        });
        engine.register_fn("missing", |t: &str| is_missing(t));
        engine.register_fn("missing", |_: ()| true);
        // "41.2%" and "41.2" both as a fraction.
        engine.register_fn(
            "percent",
            cell_reader("percentage", |t| {
                let frac = NumberStyle {
                    decimal_comma: false,
                    percent_fraction: true,
                };
                let x = parse_value(t, frac)?;
                Ok(if t.trim().ends_with('%') {
                    x
                } else {
                    x.map(|x| x / 100.0)
                })
            }),
        );
        let (tz, year) = (ctx.timezone.clone(), ctx.year);
        // An empty cell is no date: a record dated `()` is a row without a
        // date, skipped and counted as a table plugin's is.
        engine.register_fn(
            "date",
            move |t: &str,
                  format: &str|
                  -> std::result::Result<Dynamic, Box<rhai::EvalAltResult>> {
                if is_missing(t) {
                    return Ok(Dynamic::UNIT);
                }
                DateReader::new(vec![format.to_string()], tz.clone(), year)
                    .read(t)
                    .map(|d| crate::aggregate::period::format_day(d).into())
                    .map_err(|e| format!("cannot read the date `{t}` as `{format}`: {e}").into())
            },
        );
        engine.register_fn("date", |_: (), _: &str| Dynamic::UNIT);
        engine.register_fn(
            "parse_json",
            |t: &str| -> std::result::Result<Dynamic, Box<rhai::EvalAltResult>> {
                serde_json::from_str::<Value>(t)
                    .map(|v| to_dynamic(&v))
                    .map_err(|e| format!("invalid JSON: {e}").into())
            },
        );
        let mut scope = Scope::new();
        scope.push_constant("settings", to_dynamic(&toml_to_json(&ctx.settings)));
        scope.push_constant(
            "file",
            ctx.shown
                .rsplit('/')
                .next()
                .unwrap_or(&ctx.shown)
                .to_string(),
        );
        let pre: Map = preamble
            .iter()
            .map(|(k, v)| (k.as_str().into(), Dynamic::from(v.clone())))
            .collect();
        scope.push_constant("preamble", pre);
        scope.push("line", 0_i64);
        Ok(Mapper {
            columns: Vec::new(),
            engine,
            ast,
            scope,
            shown,
        })
    }

    fn call(&mut self, func: &str, arg: Dynamic, file: &str, line: u64) -> Result<Dynamic> {
        self.scope.set_value("line", line as i64);
        let opts = CallFnOptions::new().eval_ast(false).rewind_scope(true);
        let call = begin_call();
        let result = self.engine.call_fn_with_options::<Dynamic>(
            opts,
            &mut self.scope,
            &self.ast,
            func,
            (arg,),
        );
        drop(call);
        result.map_err(|e| {
                // The innermost call holds the place and the real message.
                let mut err = &*e;
                while let rhai::EvalAltResult::ErrorInFunctionCall(_, _, inner, _) = err {
                    err = inner;
                }
                let pos = err.position();
                let at = if pos.is_none() {
                    self.shown.clone()
                } else {
                    format!(
                        "{}:{}:{}",
                        self.shown,
                        pos.line().unwrap_or(0),
                        pos.position().unwrap_or(0)
                    )
                };
                let mut msg = match (Stop::of(err), err) {
                    (Some(stop), _) => format!("stopped: it {}", stop.describe()),
                    (None, rhai::EvalAltResult::ErrorTooManyOperations(_)) => format!(
                        "stopped after {} operations, the limit of one call (`[limits] script_operations` in kpiscope.toml): is there an endless loop?",
                        self.engine.max_operations()
                    ),
                    _ => err.to_string(),
                };
                if let Some(i) = msg.find(" (line ") {
                    msg.truncate(i);
                }
                if msg.contains("()") && !self.columns.is_empty() {
                    msg.push_str(&format!(
                        ". A column the export does not have reads as (): is a name misspelled? The columns are: {}",
                        self.columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                    ));
                }
                Error::Data {
                    file: file.to_string(),
                    line: line as usize,
                    message: format!("{func} in {at}: {msg}"),
                }
            })
    }
}

type ScriptResult<T> = std::result::Result<T, Box<rhai::EvalAltResult>>;

/// A script function over one cell: a number, `()` for a missing marker,
/// or an error naming what the text is not.
fn cell_reader(
    what: &'static str,
    read: impl Fn(&str) -> std::result::Result<Option<f64>, NotANumber> + Send + Sync + 'static,
) -> impl Fn(&str) -> ScriptResult<Dynamic> + Send + Sync + 'static {
    move |t: &str| match read(t) {
        Ok(Some(x)) => Ok(Dynamic::from_float(x)),
        Ok(None) => Ok(Dynamic::UNIT),
        Err(_) => Err(format!("`{t}` is not a {what}").into()),
    }
}

/// `map_row(row)` over every data row of `grid`, each row's records handed
/// to `sink` as they are made (a large file is never held as records).
pub fn map_rows(
    plugin: &Plugin,
    grid: &Grid,
    h: usize,
    layout: &Layout,
    ctx: &FileCtx,
    sink: &mut dyn Sink,
    tally: &mut Tally,
) -> Result<()> {
    let style = layout.style;
    let mut mapper = Mapper::new(plugin, ctx, &grid.preamble, style)?;
    // Which export this is, and the text above its header (a daily series'
    // metric name), for scripts that read several layouts.
    let title: Vec<&str> = grid.rows[..h]
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()))
        .collect();
    mapper.scope.push_constant("layout", layout.name.clone());
    mapper.scope.push_constant("title", title.join(" "));
    // Headers are matched ignoring case and spacing, as a table plugin's
    // are: a column is in the row as written, and under each other spelling
    // the script gives it (`Ad set name` finds `Ad Set Name`).
    let spelled = names_in(&mapper.ast);
    let header: Vec<Vec<String>> = grid.rows[h]
        .cells
        .iter()
        .map(|c| {
            let written = c.trim().trim_start_matches('\u{feff}').trim().to_string();
            let mut names = vec![written.clone()];
            if let Some(spellings) = spelled.get(&normalise(&written)) {
                names.extend(spellings.iter().filter(|s| **s != written).cloned());
            }
            names
        })
        .collect();
    mapper.columns = header.iter().map(|n| n[0].clone()).collect();
    // A column the header holds twice reaches the script once, as the first.
    for (i, names) in header.iter().enumerate() {
        let n = normalise(&names[0]);
        if let Some(j) = header[i + 1..].iter().position(|o| normalise(&o[0]) == n) {
            tally.warn(format!(
                "`{}` is the header of columns {} and {}: the script sees the first",
                names[0],
                i + 1,
                i + j + 2
            ));
        }
    }

    let mut rows = DataRows::of(grid, h, ctx.decimal, style);
    // A column the script never names, and whose cells are numbers, is a
    // figure the plugin leaves out (a name before a bracket counts: the
    // script's `Amount spent` names `Amount spent (USD)`).
    tally.unmapped.extend(
        rows.numeric_columns()
            .map(|i| header[i][0].clone())
            .filter(|name| {
                let n = normalise(name);
                let bare = n.split(" (").next().unwrap_or(&n);
                !spelled.contains_key(&n) && !spelled.contains_key(bare)
            }),
    );
    // A row's records, handed on before the next row's.
    let mut out = Vec::new();
    let mut made = 0u64;
    let mut undated = Undated::default();
    for row in rows.by_ref() {
        let mut map = Map::new();
        for (names, cell) in header.iter().zip(row.cells.iter()) {
            for name in names {
                map.entry(name.as_str().into())
                    .or_insert_with(|| Dynamic::from(cell.to_string()));
            }
        }
        let result = mapper.call("map_row", map.into(), &grid.name, row.line)?;
        out.clear();
        match records(&result, ctx, &grid.name, row.line, style, &mut out)? {
            Some(why) => {
                if why == skip::NO_DATE {
                    undated.add(row.line);
                }
                tally.skip(&why, row.line)
            }
            None if out.is_empty() => tally.skip(SKIPPED_BY_SCRIPT, row.line),
            None => {}
        }
        // A row's records that came before a `skip` in its array are kept,
        // as they always were.
        made += out.len() as u64;
        for r in &out {
            push_record(sink, r);
        }
    }
    rows.finish(tally)?;
    check_dated(&grid.name, &undated, made, &layout.title, "the date column")?;
    // Counted once the table is read, as a table that fails counts none.
    tally.records += made;
    Ok(())
}

/// The strings a script names (its column names among them), by their
/// normalised form.
fn names_in(ast: &Arc<AST>) -> std::collections::HashMap<String, Vec<String>> {
    use rhai::{ASTNode, Expr};
    type Names = std::collections::HashMap<String, Vec<String>>;
    fn put(s: &str, out: &mut Names) {
        let spellings = out.entry(normalise(s)).or_default();
        if !spellings.iter().any(|x| x == s) {
            spellings.push(s.to_string());
        }
    }
    fn add(d: &Dynamic, out: &mut Names) {
        if let Some(s) = d.read_lock::<rhai::ImmutableString>() {
            put(&s, out);
        } else if let Some(m) = d.read_lock::<Map>() {
            for (k, v) in m.iter() {
                put(k, out);
                add(v, out);
            }
        } else if d.is_array()
            && let Some(a) = d.read_lock::<Array>()
        {
            for item in a.iter() {
                add(item, out);
            }
        }
    }
    let mut out = Names::new();
    ast.walk(&mut |path: &[ASTNode]| {
        match path.last() {
            Some(ASTNode::Expr(Expr::StringConstant(s, _))) => put(s, &mut out),
            // `#{ "Views": "views" }`: a table of column names as map keys.
            Some(ASTNode::Expr(Expr::Map(m, _))) => {
                for (key, _) in m.0.iter() {
                    put(&key.name, &mut out);
                }
            }
            Some(ASTNode::Expr(Expr::DynamicConstant(d, _))) => add(d, &mut out),
            _ => {}
        }
        true
    });
    out.remove("");
    out
}

/// `map_document(doc)` over a whole JSON document.
pub fn map_document(plugin: &Plugin, decoded: &Decoded, ctx: &FileCtx) -> Result<Vec<Record>> {
    let style = plugin
        .manifest
        .layouts
        .first()
        .map(|l| l.style)
        .unwrap_or_default();
    let mut mapper = Mapper::new(plugin, ctx, &[], style)?;
    let doc = decoded
        .json
        .as_ref()
        .map(to_dynamic)
        .unwrap_or(Dynamic::UNIT);
    let result = mapper.call("map_document", doc, &ctx.shown, 0)?;
    let mut out = Vec::new();
    if let Some(why) = records(&result, ctx, &ctx.shown, 0, style, &mut out)? {
        return Err(Error::Data {
            file: ctx.shown.clone(),
            line: 0,
            message: format!("the script skipped the whole document: {why}"),
        });
    }
    Ok(out)
}

/// A script's result: a record map, an array of them, `()`, or
/// `skip(reason)` (returned as the reason).
fn records(
    result: &Dynamic,
    ctx: &FileCtx,
    file: &str,
    line: u64,
    style: NumberStyle,
    out: &mut Vec<Record>,
) -> Result<Option<String>> {
    if let Some(m) = result.read_lock::<Map>()
        && let Some(why) = m.get(SKIP)
    {
        return Ok(Some(why.to_string()));
    }
    let items: Vec<Dynamic> = if result.is_unit() {
        return Ok(None);
    } else if result.is_array() {
        result.clone().cast::<Array>()
    } else {
        vec![result.clone()]
    };
    for item in items {
        if item.is_unit() {
            continue;
        }
        let json = to_json(&item);
        if json.get("date").is_some_and(serde_json::Value::is_null) {
            return Ok(Some(skip::NO_DATE.to_string()));
        }
        let mut record = from_json(&json, style, ctx).map_err(|e| Error::Data {
            file: file.to_string(),
            line: line as usize,
            message: format!("the script returned a malformed record: {e}"),
        })?;
        record.line = line;
        out.push(record);
    }
    Ok(None)
}

pub fn to_dynamic(v: &Value) -> Dynamic {
    match v {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Dynamic::from_int(i),
            None => Dynamic::from_float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Dynamic::from(s.clone()),
        Value::Array(a) => Dynamic::from_array(a.iter().map(to_dynamic).collect()),
        Value::Object(m) => Dynamic::from_map(
            m.iter()
                .map(|(k, v)| (k.as_str().into(), to_dynamic(v)))
                .collect(),
        ),
    }
}

fn to_json(d: &Dynamic) -> Value {
    if d.is_unit() {
        Value::Null
    } else if let Some(b) = d.clone().try_cast::<bool>() {
        Value::Bool(b)
    } else if let Ok(i) = d.as_int() {
        Value::from(i)
    } else if let Ok(f) = d.as_float() {
        serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    } else if d.is_string() {
        Value::String(d.clone().into_string().unwrap_or_default())
    } else if d.is_array() {
        Value::Array(d.clone().cast::<Array>().iter().map(to_json).collect())
    } else if d.is_map() {
        Value::Object(
            d.clone()
                .cast::<Map>()
                .iter()
                .map(|(k, v)| (k.to_string(), to_json(v)))
                .collect(),
        )
    } else {
        Value::String(d.to_string())
    }
}

pub fn toml_to_json(t: &toml::Table) -> Value {
    serde_json::to_value(t).unwrap_or(Value::Null)
}
