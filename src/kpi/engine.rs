//! Evaluation: one sandboxed Rhai engine per view, where metric names resolve
//! to the current group's aggregated values. A missing metric, a zero
//! denominator, NaN or infinity make the KPI no data with a reason; script
//! errors become diagnostics at the script's `file:line:col`.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use rhai::{CallFnOptions, Dynamic, Engine, EvalAltResult, NativeCallContext, Position, Scope};
use rustc_hash::FxHashMap;

use super::formula::{Compiler, Formula};
use super::library::Library;
pub use super::sandbox::sandboxed_engine;
use super::sandbox::{Stop, begin_call};
use crate::aggregate::{Calendar, Groups};
use crate::diagnostic::Diagnostic;
use crate::limits::Limits;
use crate::records::{Catalog, Kind, MetricId};

/// A KPI's value in one group.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    /// No data, with the reason.
    NoData(String),
}

impl Value {
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Number(x) => Some(*x),
            Value::NoData(_) => None,
        }
    }
    pub fn reason(&self) -> Option<&str> {
        match self {
            Value::Number(_) => None,
            Value::NoData(r) => Some(r),
        }
    }
}

/// Carried in a Rhai runtime error to say "no data" rather than "bug".
#[derive(Debug, Clone)]
struct NoData(String);

/// The error that makes a KPI no data, with `reason`.
fn no_data(reason: String) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(Dynamic::from(NoData(reason)), Position::NONE).into()
}

/// `params` in scripts: reading a name missing from `[params]` is no data
/// with a reason, not an error about `()` deep inside a formula.
#[derive(Debug, Clone)]
struct Params(rhai::Map);

fn param(p: &mut Params, name: &str) -> Result<Dynamic, Box<EvalAltResult>> {
    p.0.get(name).cloned().ok_or_else(|| {
        no_data(format!(
            "params.{name} is not set: add `{name} = ...` to [params] in kpiscope.toml"
        ))
    })
}

thread_local! {
    /// The group being evaluated on this thread.
    static FRAME: Cell<usize> = const { Cell::new(0) };
    /// Metrics read as 0 during this evaluation: the likely zero denominators.
    static ZEROS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

struct Data {
    groups: Arc<Groups>,
    metrics: FxHashMap<String, MetricId>,
    /// Each metric's kind, by id: what an overflow message names.
    kinds: Vec<Kind>,
    params: Dynamic,
    calendar: Calendar,
    /// The competitor panel's groups by network, for `panel("metric")`;
    /// set by [`Evaluator::with_panel`] when the workspace has one.
    panel: std::sync::OnceLock<PanelSums>,
}

/// The competitors' aggregates by network and period, and their metric ids
/// (the panel's cube has a catalog of its own).
struct PanelSums {
    groups: Arc<Groups>,
    metrics: FxHashMap<String, MetricId>,
}

impl Data {
    /// `panel("name")` in group `i`: the competitors' total of a metric in
    /// the group's network (every network, for a group of all of them) and
    /// period; no data, with the reason, when there is no panel there or
    /// its exports lack the metric.
    fn panel_sum(&self, name: &str, i: usize) -> Result<Dynamic, Box<EvalAltResult>> {
        let g = &self.groups.groups[i];
        let Some(p) = self.panel.get() else {
            return Err(no_data(format!(
                "panel(\"{name}\") has no competitor panel for {}: no [[source]] has role = \"competitor\"",
                self.scope_text(i)
            )));
        };
        let members =
            p.groups.groups.iter().filter(|pg| {
                pg.period == g.period && (g.network.is_none() || pg.network == g.network)
            });
        let mut sum = 0.0;
        let mut any = false;
        let id = p.metrics.get(name).copied();
        for pg in members {
            any = true;
            let x = id
                .and_then(|id| pg.values.get(id as usize).copied())
                .unwrap_or(f64::NAN);
            if x.is_nan() {
                return Err(no_data(format!(
                    "not public: {name} is not in the competitors' exports for {}",
                    self.scope_text(i)
                )));
            }
            sum += x;
        }
        if !any {
            return Err(no_data(format!(
                "the competitor panel has no records for {}",
                self.scope_text(i)
            )));
        }
        if sum == 0.0 {
            ZEROS.with_borrow_mut(|z| z.push(format!("panel(\"{name}\")")));
        }
        Ok(Dynamic::from_float(sum))
    }

    fn scope_text(&self, i: usize) -> String {
        let g = &self.groups.groups[i];
        let mut parts: Vec<String> = Vec::new();
        match (&g.network, &g.account) {
            (Some(n), Some(a)) => parts.push(format!("{n}/{a}")),
            (Some(n), None) => parts.push(n.clone()),
            (None, Some(a)) => parts.push(a.clone()),
            (None, None) => parts.push("all networks".into()),
        }
        if let Some(p) = &g.post {
            parts.push(format!("post {p}"));
        }
        for (k, v) in &g.dims {
            parts.push(format!("{k}={v}"));
        }
        // A breakdown by a dimension has a group for the rows without one.
        for b in &self.groups.view.by {
            match b {
                crate::aggregate::By::Dim(d) if !g.dims.contains_key(d) => {
                    parts.push(format!("without {d}"))
                }
                crate::aggregate::By::Post if g.post.is_none() => {
                    parts.push("account-level rows".into())
                }
                _ => {}
            }
        }
        format!("{} {}", parts.join(" "), self.calendar.label(g.period))
    }

    fn metric(&self, id: MetricId, name: &str, i: usize) -> Result<Dynamic, Box<EvalAltResult>> {
        let x = self.groups.groups[i]
            .values
            .get(id as usize)
            .copied()
            .unwrap_or(f64::NAN);
        if x.is_nan() {
            return Err(no_data(format!(
                "{name} is missing for {}",
                self.scope_text(i)
            )));
        }
        // An aggregate past f64's range is no value: shown as `inf`, it
        // passed every `>=` goal.
        if x.is_infinite() {
            let what = match self.kinds.get(id as usize) {
                Some(Kind::Sum) => format!("the sum of {name} overflows"),
                Some(Kind::Mean) => format!("the mean of {name} overflows"),
                _ => format!("{name} is not a finite number"),
            };
            return Err(no_data(format!("{what} for {}", self.scope_text(i))));
        }
        if x == 0.0 {
            ZEROS.with_borrow_mut(|z| z.push(name.to_string()));
        }
        Ok(Dynamic::from_float(x))
    }
}

fn to_dynamic(v: &toml::Value) -> Dynamic {
    match v {
        toml::Value::String(s) => s.clone().into(),
        toml::Value::Integer(i) => Dynamic::from_float(*i as f64),
        toml::Value::Float(f) => Dynamic::from_float(*f),
        toml::Value::Boolean(b) => (*b).into(),
        toml::Value::Datetime(d) => d.to_string().into(),
        toml::Value::Array(a) => a.iter().map(to_dynamic).collect::<Vec<_>>().into(),
        toml::Value::Table(t) => Dynamic::from_map(
            t.iter()
                .map(|(k, v)| (k.as_str().into(), to_dynamic(v)))
                .collect(),
        ),
    }
}

pub struct Evaluator<'l> {
    engine: Engine,
    library: &'l Library,
    data: Arc<Data>,
    limits: Limits,
    /// The KPIs that are plain arithmetic, computed without Rhai (see
    /// `formula`).
    formulas: FxHashMap<String, Formula>,
}

/// Several KPIs evaluated by one script call per group: Rhai sets up its
/// caches per call, so one call for all of a group's KPIs is much cheaper
/// than one call each.
pub struct Many {
    names: Vec<String>,
    /// Each name's formula, if it has one.
    formulas: Vec<Option<Formula>>,
    /// The library plus a function returning every KPI of `names` without
    /// a formula in an array; `None` when fewer than two are such scripts.
    driver: Option<rhai::AST>,
}

const DRIVER: &str = "__kpiscope_all";

impl<'l> Evaluator<'l> {
    pub fn new(
        library: &'l Library,
        groups: Arc<Groups>,
        catalog: &Catalog,
        params: &toml::Table,
        calendar: Calendar,
        limits: &Limits,
    ) -> Self {
        let data = Arc::new(Data {
            groups,
            metrics: catalog.iter().map(|(id, d)| (d.name.clone(), id)).collect(),
            kinds: {
                let mut kinds = Vec::new();
                for (id, d) in catalog.iter() {
                    let id = id as usize;
                    if kinds.len() <= id {
                        kinds.resize(id + 1, Kind::Sum);
                    }
                    kinds[id] = d.kind;
                }
                kinds
            },
            params: Dynamic::from(Params(
                params
                    .iter()
                    .map(|(k, v)| (k.as_str().into(), to_dynamic(v)))
                    .collect(),
            )),
            calendar,
            panel: std::sync::OnceLock::new(),
        });
        let mut engine = sandboxed_engine(limits);
        engine
            .register_type_with_name::<Params>("params")
            .register_indexer_get(param);
        let d = data.clone();
        #[allow(deprecated)] // `on_var` is marked volatile, not deprecated.
        engine.on_var(move |name, index, _ctx| {
            if index > 0 {
                return Ok(None);
            }
            let i = FRAME.get();
            if let Some(&id) = d.metrics.get(name) {
                return d.metric(id, name, i).map(Some);
            }
            let g = &d.groups.groups[i];
            Ok(Some(match name {
                "days" => Dynamic::from_float(g.days),
                "network" => g.network.clone().map_or(Dynamic::UNIT, Into::into),
                "account" => g.account.clone().map_or(Dynamic::UNIT, Into::into),
                "period" => d.calendar.label(g.period).into(),
                "params" => d.params.clone(),
                _ => return Ok(None),
            }))
        });
        let d = data.clone();
        engine.register_fn(
            "previous",
            move |ctx: NativeCallContext, name: &str| -> Result<Dynamic, Box<EvalAltResult>> {
                let i = FRAME.get();
                let Some(prev) = d.groups.previous(i) else {
                    return Err(no_data(format!(
                        "{name} has no previous period before {}",
                        d.scope_text(i)
                    )));
                };
                if let Some(&id) = d.metrics.get(name) {
                    return d.metric(id, name, prev);
                }
                FRAME.set(prev);
                let result = ctx.call_fn::<Dynamic>(name, ());
                FRAME.set(i);
                let v = result?;
                match v.as_float() {
                    Ok(x) if x.is_finite() => Ok(v),
                    Ok(_) => Err(no_data(format!(
                        "{name} has no value for {}",
                        d.scope_text(prev)
                    ))),
                    Err(_) => Ok(v),
                }
            },
        );
        let d = data.clone();
        engine.register_fn(
            "panel",
            move |name: &str| -> Result<Dynamic, Box<EvalAltResult>> {
                d.panel_sum(name, FRAME.get())
            },
        );
        let mut compiler = Compiler::new(&library.ast, &data.metrics);
        let formulas = library
            .names()
            .filter_map(|n| Some((n.to_string(), compiler.formula(n)?)))
            .collect();
        Evaluator {
            engine,
            library,
            data,
            limits: *limits,
            formulas,
        }
    }

    /// Gives `panel("metric")` the competitor panel: `groups` are the panel
    /// cube's, by network at this evaluator's grain; `catalog` is that cube's.
    pub fn with_panel(self, groups: Arc<Groups>, catalog: &Catalog) -> Self {
        let _ = self.data.panel.set(PanelSums {
            groups,
            metrics: catalog.iter().map(|(id, d)| (d.name.clone(), id)).collect(),
        });
        self
    }

    /// `panel("name")` in group `i`, as a script reads it: what `explain`
    /// shows under a KPI that reads the panel.
    pub fn panel_value(&self, name: &str, i: usize) -> Value {
        match self.data.panel_sum(name, i) {
            Ok(v) => Value::Number(v.as_float().unwrap_or(f64::NAN)),
            Err(e) => Value::NoData(no_data_reason(&e).unwrap_or_default()),
        }
    }

    /// Prepares [`Evaluator::eval_many`] for `names` (KPIs or metrics).
    pub fn many(&self, names: &[String]) -> Many {
        let scripted: Vec<&String> = names
            .iter()
            .filter(|n| self.library.get(n).is_some() && !self.formulas.contains_key(*n))
            .collect();
        let driver = (scripted.len() > 1).then(|| {
            let calls: Vec<String> = scripted.iter().map(|n| format!("{n}()")).collect();
            let code = format!("fn {DRIVER}() {{ [{}] }}", calls.join(", "));
            let ast = self
                .engine
                .compile(&code)
                .expect("a list of KPI calls compiles");
            self.library.ast.merge(&ast)
        });
        Many {
            names: names.to_vec(),
            formulas: names
                .iter()
                .map(|n| self.formulas.get(n).cloned())
                .collect(),
            driver,
        }
    }

    /// The values of `many`'s names in group `i`, in their order.
    pub fn eval_many(&self, many: &Many, i: usize) -> Result<Vec<Value>, Diagnostic> {
        let fast = many.driver.as_ref().and_then(|ast| {
            FRAME.set(i);
            let _call = begin_call();
            let options = CallFnOptions::new().eval_ast(false).rewind_scope(true);
            self.engine
                .call_fn_with_options::<rhai::Array>(options, &mut Scope::new(), ast, DRIVER, ())
                .ok()
        });
        let mut scripted = fast.into_iter().flatten();
        let values = &self.data.groups.groups[i].values;
        many.names
            .iter()
            .zip(&many.formulas)
            .map(|(n, formula)| {
                if let Some(f) = formula {
                    return match f.eval(values) {
                        Some(x) if x.is_finite() => Ok(Value::Number(x)),
                        // No data: the script says why.
                        _ => self.eval(n, i),
                    };
                }
                if self.library.get(n).is_none() {
                    return self.eval(n, i);
                }
                match scripted.next().map(|v| (v.as_float(), v.as_int())) {
                    Some((Ok(x), _)) if x.is_finite() => Ok(Value::Number(x)),
                    Some((_, Ok(x))) => Ok(Value::Number(x as f64)),
                    // No data, or an error: the single call tells which, and why.
                    _ => self.eval(n, i),
                }
            })
            .collect()
    }

    pub fn groups(&self) -> &Groups {
        &self.data.groups
    }

    pub fn calendar(&self) -> Calendar {
        self.data.calendar
    }

    /// Evaluates KPI `name` (or a metric: its value) in group `i`.
    pub fn eval(&self, name: &str, i: usize) -> Result<Value, Diagnostic> {
        if let Some(f) = self.formulas.get(name)
            && let Some(x) = f.eval(&self.data.groups.groups[i].values)
            && x.is_finite()
        {
            return Ok(Value::Number(x));
        }
        if self.library.get(name).is_none()
            && let Some(&id) = self.data.metrics.get(name)
        {
            FRAME.set(i);
            return Ok(match self.data.metric(id, name, i) {
                Ok(v) => Value::Number(v.as_float().unwrap_or(f64::NAN)),
                Err(e) => Value::NoData(no_data_reason(&e).unwrap_or_default()),
            });
        }
        FRAME.set(i);
        ZEROS.with_borrow_mut(Vec::clear);
        let call = begin_call();
        let options = CallFnOptions::new().eval_ast(false).rewind_scope(true);
        let result = self.engine.call_fn_with_options::<Dynamic>(
            options,
            &mut Scope::new(),
            &self.library.ast,
            name,
            (),
        );
        drop(call);
        match result {
            Ok(v) => {
                if let Ok(x) = v.as_float() {
                    return Ok(self.finite(x, i));
                }
                if let Ok(x) = v.as_int() {
                    return Ok(Value::Number(x as f64));
                }
                if v.is_unit() {
                    return Ok(Value::NoData(format!(
                        "{name} returned no value for {}",
                        self.data.scope_text(i)
                    )));
                }
                Err(self.library.at_definition(
                    name,
                    format!(
                        "KPI `{name}` returned {} `{}`: a KPI returns a number",
                        article(v.type_name()),
                        v
                    ),
                ))
            }
            Err(e) => match no_data_reason(&e) {
                Some(reason) => Ok(Value::NoData(reason)),
                None => match self.division_by_zero(name, &e) {
                    Some(at) => Ok(Value::NoData(format!(
                        "division by 0 at {at} for {}",
                        self.data.scope_text(i)
                    ))),
                    None => Err(self.script_error(name, &e)),
                },
            },
        }
    }

    /// Where a whole-number division by 0 stopped the call (`file:line:col`):
    /// no data, as a division by 0 of figures is, not a failed run.
    fn division_by_zero(&self, kpi: &str, e: &EvalAltResult) -> Option<String> {
        let (mut func, mut err) = (kpi, e);
        while let EvalAltResult::ErrorInFunctionCall(name, _, inner, _) = err {
            func = name;
            err = inner;
        }
        let EvalAltResult::ErrorArithmetic(message, pos) = err else {
            return None;
        };
        if !message.starts_with("Division by zero") {
            return None;
        }
        let file = self.library.file_of(func)?;
        Some(format!(
            "{}:{}:{}",
            file.shown,
            pos.line()?,
            pos.position().unwrap_or(1)
        ))
    }

    fn finite(&self, x: f64, i: usize) -> Value {
        if x.is_finite() {
            return Value::Number(x);
        }
        let zeros = ZEROS.with_borrow(|z| z.clone());
        let scope = self.data.scope_text(i);
        // Operands are read left to right, so the divisor is the last zero read.
        Value::NoData(match zeros.last() {
            Some(z) => format!("{z} is 0 for {scope}"),
            None if x.is_infinite() => {
                format!("the result is infinite (a division by 0) for {scope}")
            }
            None => format!("the result is not a number (0 / 0) for {scope}"),
        })
    }

    fn script_error(&self, kpi: &str, e: &EvalAltResult) -> Diagnostic {
        // The innermost function call says which file the position is in;
        // the calls on the way there are the chain a too deep one reports.
        let mut chain: Vec<String> = Vec::new();
        let mut err = e;
        while let EvalAltResult::ErrorInFunctionCall(name, _, inner, _) = err {
            chain.push(name.clone());
            err = inner;
        }
        // The call of `kpi` itself may or may not be wrapped.
        if chain.first().is_none_or(|f| f != kpi) {
            chain.insert(0, kpi.to_string());
        }
        let func = chain.last().cloned().unwrap_or_else(|| kpi.to_string());
        let message = match err {
            EvalAltResult::ErrorTooManyOperations(_) => format!(
                "KPI `{kpi}` stopped after {} operations, the limit of one call (`[limits] script_operations` in kpiscope.toml): is there an endless loop?",
                self.limits.script_operations
            ),
            EvalAltResult::ErrorTerminated(..) => match Stop::of(err) {
                Some(stop @ Stop::Memory(_)) => format!("KPI `{kpi}` {}", stop.describe()),
                Some(stop) => format!("KPI `{kpi}` {}: is there an endless loop?", stop.describe()),
                None => format!("KPI `{kpi}` was stopped"),
            },
            EvalAltResult::ErrorStackOverflow(_) => {
                // Rhai stops at the outermost call; the scripts tell where
                // the nesting comes from.
                let mut chain = chain.clone();
                chain.pop();
                chain.extend(self.library.deepest_calls(&func));
                let (message, culprit) = too_deep(&chain, |f| {
                    if self.library.get(f).is_some() {
                        "KPI"
                    } else {
                        "function"
                    }
                });
                let d = self.library.at_function(&culprit, message);
                return if culprit == kpi {
                    d
                } else {
                    d.with_hint(format!("while evaluating KPI `{kpi}`"))
                };
            }
            // `throw`, or a host function's refusal (`sleep`): its own words.
            EvalAltResult::ErrorRuntime(v, _) => v.to_string(),
            EvalAltResult::ErrorVariableNotFound(v, _) => format!("unknown name `{v}`"),
            EvalAltResult::ErrorFunctionNotFound(f, _) => {
                let name = f.split(' ').next().unwrap_or(f);
                // `per_k (f64)`: the arguments given, in brackets.
                let given = f.split_once('(').map_or(0, |(_, a)| {
                    a.trim_end_matches(')')
                        .split(',')
                        .filter(|x| !x.trim().is_empty())
                        .count()
                });
                let defined: Vec<_> = self
                    .library
                    .ast
                    .iter_functions()
                    .filter(|d| d.name == name)
                    .collect();
                match defined.first() {
                    Some(d) if defined.iter().all(|d| d.params.len() != given) => format!(
                        "`{name}` takes {} ({}), and is called with {given}",
                        crate::render::count(d.params.len(), "argument", "arguments"),
                        d.params.join(", ")
                    ),
                    _ => format!("unknown function `{name}`, or wrong argument types: {f}"),
                }
            }
            EvalAltResult::ErrorDataTooLarge(what, _) => {
                use crate::limits::{SCRIPT_ARRAY_ITEMS, SCRIPT_MAP_ITEMS, SCRIPT_STRING_BYTES};
                let (data, limit) = match what.to_lowercase() {
                    w if w.contains("string") => {
                        ("a string", crate::limits::show_bytes(SCRIPT_STRING_BYTES))
                    }
                    w if w.contains("array") => ("an array", format!("{SCRIPT_ARRAY_ITEMS} items")),
                    _ => ("a map", format!("{SCRIPT_MAP_ITEMS} items")),
                };
                format!(
                    "KPI `{kpi}`: {data} grew past {limit}, the limit of a script's data: a KPI computes a number, and needs none this large"
                )
            }
            other => {
                let mut s = other.to_string();
                if let Some(i) = s.rfind(" (line ") {
                    s.truncate(i);
                }
                s
            }
        };
        let pos = err.position();
        match (self.library.file_of(&func), pos.line()) {
            (Some(f), Some(line)) => {
                let mut d = Diagnostic::at(
                    &f.shown,
                    &f.text,
                    line,
                    pos.position().unwrap_or(1),
                    message,
                );
                if func != kpi {
                    d = d.with_hint(format!("while evaluating KPI `{kpi}`"));
                }
                d
            }
            _ => self.library.at_definition(kpi, message),
        }
    }
}

/// The message of calls nested past [`crate::limits::SCRIPT_CALL_DEPTH`],
/// and the function it is about: the one that calls itself, when one does,
/// else the chain of calls and its first function. `what` says whether a
/// name is a KPI or a helper function.
fn too_deep(chain: &[String], what: impl Fn(&str) -> &'static str) -> (String, String) {
    let depth = crate::limits::SCRIPT_CALL_DEPTH;
    // A function met again further down calls itself, directly or not.
    let recursive = chain
        .iter()
        .enumerate()
        .find(|(i, f)| chain[i + 1..].contains(f))
        .map(|(_, f)| f);
    if let Some(f) = recursive {
        let message = format!(
            "{} `{f}` calls itself too deeply: more than {depth} nested calls",
            what(f)
        );
        return (message, f.clone());
    }
    let shown: Vec<String> = if chain.len() > 12 {
        let mut s: Vec<String> = chain[..5].iter().map(|f| format!("`{f}`")).collect();
        s.push(format!("… {} more …", chain.len() - 10));
        s.extend(chain[chain.len() - 5..].iter().map(|f| format!("`{f}`")));
        s
    } else {
        chain.iter().map(|f| format!("`{f}`")).collect()
    };
    let message = format!("calls nest more than {depth} deep: {}", shown.join(" → "));
    (message, chain.first().cloned().unwrap_or_default())
}

fn no_data_reason(e: &EvalAltResult) -> Option<String> {
    match e {
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _) => no_data_reason(inner),
        EvalAltResult::ErrorRuntime(d, _) => d.clone().try_cast::<NoData>().map(|n| n.0),
        _ => None,
    }
}

fn article(type_name: &str) -> String {
    let t = type_name.rsplit("::").next().unwrap_or(type_name);
    let t = match t {
        "ImmutableString" | "string" => "string",
        "bool" => "boolean",
        other => other,
    };
    if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {t}")
    } else {
        format!("a {t}")
    }
}

#[cfg(test)]
mod tests {
    use super::too_deep;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn kind(f: &str) -> &'static str {
        if f.starts_with('k') {
            "KPI"
        } else {
            "function"
        }
    }

    #[test]
    fn a_recursion_names_the_function_that_recurses() {
        let (message, culprit) = too_deep(&names(&["k0", "helper", "helper"]), kind);
        assert_eq!(
            message,
            "function `helper` calls itself too deeply: more than 64 nested calls"
        );
        assert_eq!(culprit, "helper");
        // Through another function, too.
        let (_, culprit) = too_deep(&names(&["k0", "a", "b", "a"]), kind);
        assert_eq!(culprit, "a");
    }

    #[test]
    fn a_long_chain_is_shown_cut_in_the_middle() {
        let chain: Vec<String> = (0..20).map(|i| format!("k{i}")).collect();
        let (message, culprit) = too_deep(&chain, kind);
        assert_eq!(
            message,
            "calls nest more than 64 deep: `k0` → `k1` → `k2` → `k3` → `k4` → … 10 more … → `k15` → `k16` → `k17` → `k18` → `k19`"
        );
        assert_eq!(culprit, "k0");
        let (message, _) = too_deep(&names(&["k0", "k1"]), kind);
        assert_eq!(message, "calls nest more than 64 deep: `k0` → `k1`");
    }
}
