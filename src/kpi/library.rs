//! The KPI library: the standard scripts embedded in the binary plus the
//! workspace's `scripts/*.rhai`, compiled once into one AST. A workspace KPI
//! with a standard name overrides it. Names are checked before any data is
//! read: unknown variables (with the nearest metric or KPI), KPI calls of
//! unknown names, and cycles between KPIs.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use include_dir::{Dir, include_dir};
use rhai::AST;

use super::docs::{check_meta, parse_docs, scan_defs};
use super::uses::{Uses, uses_of};

use crate::diagnostic::{Diagnostic, Diagnostics, suggest};
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::records::Catalog;

static STANDARD: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/scripts");

/// Names a KPI can read besides metrics.
pub const BUILTIN_VARS: &[&str] = &["days", "posts", "network", "account", "period", "params"];

#[derive(Debug, Clone)]
pub struct ScriptFile {
    /// As messages show it: `scripts/x.rhai`, or `<standard>/x.rhai`.
    pub shown: String,
    pub text: String,
    pub standard: bool,
}

#[derive(Debug, Clone)]
pub struct Kpi {
    pub name: String,
    pub title: String,
    pub description: String,
    /// `key: value` lines of the doc comment (unit, stage, better, kind...).
    pub meta: BTreeMap<String, String>,
    pub file: usize,
    pub line: usize,
    pub col: usize,
    pub standard: bool,
    /// A workspace KPI that replaces a standard one of the same name.
    pub overrides: bool,
    /// KPIs it calls.
    pub deps: Vec<String>,
    /// Metrics and built-in names it reads, and names given to `previous`.
    pub inputs: Vec<String>,
    /// Names it reads from `params` (`params.w_like`, `params["w_like"]`).
    pub params: Vec<String>,
    /// The function's source text, for `explain`.
    pub code: String,
}

impl Kpi {
    pub fn unit(&self) -> &str {
        self.meta.get("unit").map(String::as_str).unwrap_or("")
    }
}

/// Where the standard library's own tests are, beside its scripts.
pub const STANDARD_TESTS: &str = "tests";

/// The standard library's own tests (`scripts/tests/*.toml`), embedded with
/// its scripts, sorted: (as messages show them, text).
pub fn standard_tests() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = STANDARD
        .get_dir(STANDARD_TESTS)
        .map(|d| {
            d.files()
                .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
                .map(|f| {
                    (
                        format!("<standard>/{}", f.path().display()),
                        f.contents_utf8().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[derive(Clone)]
pub struct Library {
    pub files: Vec<ScriptFile>,
    pub kpis: Vec<Kpi>,
    pub ast: Arc<AST>,
    by_name: HashMap<String, usize>,
    /// Which file defines each function (helpers too), for runtime errors.
    fn_file: HashMap<String, usize>,
    /// The script functions each function calls (`previous("kpi")` too).
    callees: HashMap<String, Vec<String>>,
    /// What each function (helpers too) reads itself: metrics, built-ins,
    /// `previous("x")` and `panel("x")`; what `public` follows through calls.
    fn_inputs: HashMap<String, Vec<String>>,
    /// `params.NAME` read by the workspace's scripts, each with a
    /// diagnostic at its place: `validate` keeps those `[params]` lacks.
    pub params_read: Vec<(String, Diagnostic)>,
}

impl Library {
    /// The standard library plus `root/scripts/*.rhai` (when `root` is given).
    pub fn load(root: Option<&Path>, catalog: &Catalog, limits: &Limits) -> Result<Library> {
        let mut files = Vec::new();
        let mut oversize = Diagnostics::default();
        let mut std_files: Vec<_> = STANDARD
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "rhai"))
            .collect();
        std_files.sort_by_key(|f| f.path());
        for f in std_files {
            files.push(ScriptFile {
                shown: format!("<standard>/{}", f.path().display()),
                text: f.contents_utf8().unwrap_or_default().to_string(),
                standard: true,
            });
        }
        if let Some(root) = root {
            let dir = root.join("scripts");
            if let Ok(entries) = std::fs::read_dir(&dir) {
                let mut paths: Vec<_> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "rhai"))
                    .collect();
                paths.sort();
                for p in paths {
                    let shown = p.strip_prefix(root).unwrap_or(&p).display().to_string();
                    // Told from the size on disk: a script of gigabytes is
                    // not read into memory only to be refused.
                    let len = std::fs::metadata(&p).map_err(|e| Error::io(&p, e))?.len();
                    if let Some(message) = super::sandbox::too_many_bytes(len, limits) {
                        oversize.push(Diagnostic::file(&shown, message));
                        continue;
                    }
                    let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
                    files.push(ScriptFile {
                        shown,
                        text,
                        standard: false,
                    });
                }
            }
        }
        // Alone: the other scripts' calls of its KPIs would be reported
        // as unknown, which they are not.
        if !oversize.is_empty() {
            return Err(Error::Diagnostics(oversize));
        }
        Self::build(files, catalog, limits)
    }

    pub fn build(files: Vec<ScriptFile>, catalog: &Catalog, limits: &Limits) -> Result<Library> {
        let engine = super::sandbox::sandboxed_engine(limits);
        let mut problems = Diagnostics::default();
        let mut asts = Vec::new();
        for (i, f) in files.iter().enumerate() {
            // Before parsing: rhai parses some large inputs in quadratic
            // time. The standard scripts are the binary's own, never too large.
            if let Some(message) = super::sandbox::too_large(&f.text, limits)
                && !f.standard
            {
                problems.push(Diagnostic::file(&f.shown, message));
                continue;
            }
            match engine.compile(&f.text) {
                Ok(ast) => match super::sandbox::forbidden_statement(&ast) {
                    Some((pos, message)) => problems.push(Diagnostic::at(
                        &f.shown,
                        &f.text,
                        pos.line().unwrap_or(1),
                        pos.position().unwrap_or(1),
                        message,
                    )),
                    None => asts.push((i, ast)),
                },
                Err(e) => problems.push(syntax_error(&f.shown, &f.text, &e)),
            }
        }
        if !problems.is_empty() {
            return Err(Error::Diagnostics(problems));
        }

        let mut merged = AST::empty();
        // By name while they are found: a workspace of thousands of
        // functions is looked up in constant time, not searched (which was
        // quadratic: 20,000 one-line functions took seconds).
        let mut found: HashMap<String, Kpi> = HashMap::new();
        let mut fn_file = HashMap::new();
        let mut all_uses: HashMap<String, (usize, Uses)> = HashMap::new();
        let mut callees: HashMap<String, Vec<String>> = HashMap::new();
        let mut fn_inputs: HashMap<String, Vec<String>> = HashMap::new();
        for (i, ast) in &asts {
            let f = &files[*i];
            let defs = scan_defs(&f.text);
            let mut uses = uses_of(ast, &defs);
            let def_of: HashMap<&str, &super::docs::Def> =
                defs.iter().rev().map(|d| (d.name.as_str(), d)).collect();
            for func in ast.iter_functions() {
                fn_file.insert(func.name.to_string(), *i);
                if let Some(u) = uses.remove(func.name) {
                    all_uses.insert(func.name.to_string(), (*i, u));
                }
                if !func.params.is_empty() || func.access == rhai::FnAccess::Private {
                    if found.get(func.name).is_some_and(|k| k.file != *i) {
                        found.remove(func.name);
                    }
                    continue;
                }
                let def = def_of.get(func.name).copied();
                // Goals, `--kpi` and JSON name KPIs as written: one way only.
                if !is_snake_case(func.name) {
                    let (line, col) = def.map_or((1, 1), |d| (d.line, d.col));
                    let mut d = Diagnostic::at(
                        &f.shown,
                        &f.text,
                        line,
                        col,
                        format!("KPI `{}`: KPI names are snake_case", func.name),
                    )
                    .with_hint(format!("name it `{}`", to_snake_case(func.name)));
                    d.width = func.name.len();
                    problems.push(d);
                }
                for bad in def.map(check_meta).unwrap_or_default() {
                    let mut d = Diagnostic::at(&f.shown, &f.text, bad.line, bad.col, bad.message);
                    d.width = bad.width;
                    problems.push(match bad.nearest {
                        Some(n) => d.with_hint(format!("did you mean `{n}`?")),
                        None => d.with_hint("docs/kpi-scripts.md lists the keys and their values"),
                    });
                }
                let (title, description, meta) =
                    def.map(|d| parse_docs(&d.docs)).unwrap_or_default();
                let replaced = found.remove(func.name);
                let overrides = replaced.is_some_and(|r| r.standard) && !f.standard;
                found.insert(
                    func.name.to_string(),
                    Kpi {
                        name: func.name.to_string(),
                        title: if title.is_empty() {
                            func.name.to_string()
                        } else {
                            title
                        },
                        description,
                        meta,
                        file: *i,
                        line: def.map_or(1, |d| d.line),
                        col: def.map_or(1, |d| d.col),
                        standard: f.standard,
                        overrides,
                        deps: Vec::new(),
                        inputs: Vec::new(),
                        params: Vec::new(),
                        code: def.map(|d| d.code.clone()).unwrap_or_default(),
                    },
                );
            }
            merged = merged.merge(ast);
        }
        let mut kpis: Vec<Kpi> = found.into_values().collect();
        kpis.sort_by(|a, b| a.name.cmp(&b.name));
        let by_name: HashMap<String, usize> = kpis
            .iter()
            .enumerate()
            .map(|(i, k)| (k.name.clone(), i))
            .collect();

        // Names: every free variable is a metric or a built-in; a zero-argument
        // call is a KPI or a function; `previous` names a metric or a KPI.
        let known_fns: Vec<String> = merged
            .iter_functions()
            .map(|f| f.name.to_string())
            .collect();
        let mut names: Vec<&str> = catalog.names().collect();
        names.extend(BUILTIN_VARS);
        let kpi_owned: Vec<String> = kpis.iter().map(|k| k.name.clone()).collect();
        let kpi_names: Vec<&str> = kpi_owned.iter().map(String::as_str).collect();
        // The lists keep their order for `suggest`; these answer `contains`.
        let known_fns: std::collections::HashSet<&str> =
            known_fns.iter().map(String::as_str).collect();
        let name_set: std::collections::HashSet<&str> = names.iter().copied().collect();
        let kpi_set: std::collections::HashSet<&str> = kpi_names.iter().copied().collect();
        let mut params_read = Vec::new();
        let mut sorted_uses: Vec<_> = all_uses.iter().collect();
        sorted_uses.sort_by_key(|(name, (file, _))| (*file, (*name).clone()));
        for (fname, (file, uses)) in sorted_uses {
            let f = &files[*file];
            let at = |pos: rhai::Position, msg: String| {
                Diagnostic::at(
                    &f.shown,
                    &f.text,
                    pos.line().unwrap_or(1),
                    pos.position().unwrap_or(1),
                    msg,
                )
            };
            let mut inputs = Vec::new();
            for (v, pos) in &uses.vars {
                if name_set.contains(v.as_str()) {
                    inputs.push(v.clone());
                } else if kpi_set.contains(v.as_str()) {
                    let mut d = at(*pos, format!("`{v}` is a KPI, not a metric"));
                    d.width = v.len();
                    problems.push(d.with_hint(format!("call it: `{v}()`")));
                } else {
                    let mut d = at(
                        *pos,
                        format!(
                            "unknown name `{v}` in `{fname}`: not a metric, a KPI or a local variable"
                        ),
                    );
                    d.width = v.len();
                    let candidates = names.iter().chain(kpi_names.iter()).copied();
                    let d = match suggest(v, candidates) {
                        Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                        None => d.with_hint("metrics are listed by `kpiscope list metrics`; a plugin can add its own"),
                    };
                    problems.push(d);
                }
            }
            // The standard library reads a param only where the workspace
            // opts in (`params.benchmark_cpc`): checked for workspace scripts.
            if !f.standard {
                for (p, pos) in &uses.params {
                    let mut d = at(
                        *pos,
                        format!(
                            "`params.{p}` in `{fname}` is not set in [params] of kpiscope.toml"
                        ),
                    );
                    d.width = p.chars().count();
                    params_read.push((p.clone(), d));
                }
            }
            let mut deps = Vec::new();
            for (c, pos) in &uses.calls {
                if kpi_set.contains(c.as_str()) {
                    deps.push(c.clone());
                } else if !known_fns.contains(c.as_str())
                    && let Some(s) = suggest(c, kpi_names.iter().copied())
                {
                    let mut d = at(*pos, format!("unknown KPI `{c}()`"));
                    d.width = c.len();
                    problems.push(d.with_hint(format!("did you mean `{s}()`?")));
                }
            }
            for (p, pos) in &uses.previous {
                if name_set.contains(p.as_str()) || kpi_set.contains(p.as_str()) {
                    inputs.push(format!("previous(\"{p}\")"));
                } else {
                    let hint = suggest(p, names.iter().chain(kpi_names.iter()).copied())
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| "name a metric or a KPI".into());
                    problems.push(
                        at(
                            *pos,
                            format!("`previous(\"{p}\")`: `{p}` is not a metric or a KPI"),
                        )
                        .with_hint(hint),
                    );
                }
            }
            for (p, pos) in &uses.panel {
                if catalog.id(p).is_some() {
                    inputs.push(format!("panel(\"{p}\")"));
                } else {
                    let hint = suggest(p, names.iter().copied())
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| "name a metric: the panel sums metrics".into());
                    problems.push(
                        at(*pos, format!("`panel(\"{p}\")`: `{p}` is not a metric"))
                            .with_hint(hint),
                    );
                }
            }
            let mut called: Vec<String> = uses
                .callees
                .iter()
                .chain(uses.previous.iter().map(|(p, _)| p))
                .filter(|c| known_fns.contains(c.as_str()))
                .cloned()
                .collect();
            called.sort();
            called.dedup();
            callees.insert(fname.clone(), called);
            inputs.sort();
            inputs.dedup();
            fn_inputs.insert(fname.clone(), inputs.clone());
            deps.sort();
            deps.dedup();
            if let Some(&k) = by_name.get(fname)
                && kpis[k].file == *file
            {
                kpis[k].inputs = inputs;
                kpis[k].deps = deps;
                let mut params: Vec<String> = uses.params.iter().map(|(p, _)| p.clone()).collect();
                params.sort();
                params.dedup();
                kpis[k].params = params;
            }
        }
        problems
            .0
            .sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
        let lib = Library {
            files,
            kpis,
            ast: Arc::new(merged),
            by_name,
            fn_file,
            callees,
            fn_inputs,
            params_read,
        };
        if let Some(cycle) = lib.find_cycle() {
            let k = lib.get(&cycle[0]).expect("cycle of known KPIs");
            let f = &lib.files[k.file];
            problems.push(
                Diagnostic::at(&f.shown, &f.text, k.line, k.col, format!("KPIs call each other in a cycle: {}", cycle.join(" → ")))
                    .with_hint("a KPI may read its own past value with previous(\"name\"), but not call itself"),
            );
        }
        problems.into_result(lib)
    }

    fn find_cycle(&self) -> Option<Vec<String>> {
        // 0 unvisited, 1 on the stack, 2 done.
        let mut state = vec![0u8; self.kpis.len()];
        let mut stack: Vec<usize> = Vec::new();
        fn visit(
            lib: &Library,
            i: usize,
            state: &mut [u8],
            stack: &mut Vec<usize>,
        ) -> Option<Vec<String>> {
            state[i] = 1;
            stack.push(i);
            for d in &lib.kpis[i].deps {
                let j = lib.by_name[d];
                if state[j] == 1 {
                    let from = stack.iter().position(|&s| s == j).unwrap_or(0);
                    let mut cycle: Vec<String> = stack[from..]
                        .iter()
                        .map(|&s| lib.kpis[s].name.clone())
                        .collect();
                    cycle.push(lib.kpis[j].name.clone());
                    return Some(cycle);
                }
                if state[j] == 0
                    && let Some(c) = visit(lib, j, state, stack)
                {
                    return Some(c);
                }
            }
            stack.pop();
            state[i] = 2;
            None
        }
        (0..self.kpis.len()).find_map(|i| {
            if state[i] == 0 {
                visit(self, i, &mut state, &mut stack)
            } else {
                None
            }
        })
    }

    /// The calls that can nest deepest from function `from`, as read from
    /// the scripts: a path to a function that calls itself (directly or
    /// not) ending with that function again, else the longest chain. Rhai
    /// reports a too deep nesting at the outermost call only; this names
    /// the function to look at.
    pub fn deepest_calls(&self, from: &str) -> Vec<String> {
        fn walk<'a>(
            lib: &'a Library,
            f: &'a str,
            path: &mut Vec<&'a str>,
            longest: &mut HashMap<&'a str, Vec<&'a str>>,
        ) -> Result<Vec<&'a str>, Vec<&'a str>> {
            if path.contains(&f) {
                let mut cycle = path.clone();
                cycle.push(f);
                return Err(cycle);
            }
            if let Some(l) = longest.get(f) {
                return Ok(l.clone());
            }
            path.push(f);
            let mut best: Vec<&str> = Vec::new();
            for c in lib.callees.get(f).into_iter().flatten() {
                let sub = walk(lib, c, path, longest)?;
                if sub.len() > best.len() {
                    best = sub;
                }
            }
            path.pop();
            best.insert(0, f);
            longest.insert(f, best.clone());
            Ok(best)
        }
        let found = walk(self, from, &mut Vec::new(), &mut HashMap::new());
        found
            .unwrap_or_else(|cycle| cycle)
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    /// A diagnostic at the definition of function `name`, a KPI or a helper.
    pub fn at_function(&self, name: &str, message: String) -> Diagnostic {
        if self.get(name).is_some() {
            return self.at_definition(name, message);
        }
        match self.file_of(name) {
            Some(f) => {
                let def = scan_defs(&f.text).into_iter().find(|d| d.name == name);
                let (line, col) = def.map_or((1, 1), |d| (d.line, d.col));
                let mut d = Diagnostic::at(&f.shown, &f.text, line, col, message);
                d.width = name.len();
                d
            }
            None => Diagnostic::file("scripts", message),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Kpi> {
        self.by_name.get(name).map(|&i| &self.kpis[i])
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.kpis.iter().map(|k| k.name.as_str())
    }

    /// Every metric `name` reads, through the KPIs and helpers it calls and
    /// the KPIs it asks `previous` for, sorted; and whether it reads the
    /// competitor panel (`panel("...")`) anywhere on the way. Built-ins
    /// (`days`, `network`...) are left out, `posts` is a metric.
    pub fn metrics_read(&self, name: &str) -> (Vec<String>, bool) {
        let mut seen = std::collections::HashSet::new();
        let mut todo = vec![name.to_string()];
        let mut metrics = std::collections::BTreeSet::new();
        let mut panel = false;
        while let Some(f) = todo.pop() {
            if !seen.insert(f.clone()) {
                continue;
            }
            for input in self.fn_inputs.get(&f).into_iter().flatten() {
                if let Some(p) = input.strip_prefix("panel(\"") {
                    panel = true;
                    metrics.insert(p.trim_end_matches("\")").to_string());
                } else if let Some(p) = input.strip_prefix("previous(\"") {
                    let p = p.trim_end_matches("\")");
                    match self.fn_file.contains_key(p) {
                        true => todo.push(p.to_string()),
                        false => {
                            metrics.insert(p.to_string());
                        }
                    }
                } else if input == "posts" || !BUILTIN_VARS.contains(&input.as_str()) {
                    metrics.insert(input.clone());
                }
            }
            todo.extend(self.callees.get(&f).into_iter().flatten().cloned());
        }
        (metrics.into_iter().collect(), panel)
    }

    /// The helper functions (not KPIs) `name` calls itself.
    pub fn helpers_of(&self, name: &str) -> Vec<String> {
        self.callees
            .get(name)
            .into_iter()
            .flatten()
            .filter(|c| self.get(c).is_none() && self.fn_file.contains_key(c.as_str()))
            .cloned()
            .collect()
    }

    /// The workspace KPIs that replace a standard one, as notes say them.
    pub fn replacements(&self) -> Vec<String> {
        self.kpis
            .iter()
            .filter(|k| k.overrides)
            .map(|k| {
                format!(
                    "{}:{} replaces the standard KPI `{}`",
                    self.files[k.file].shown, k.line, k.name
                )
            })
            .collect()
    }

    /// The file that defines function `name`, if any.
    pub fn file_of(&self, name: &str) -> Option<&ScriptFile> {
        self.fn_file.get(name).map(|&i| &self.files[i])
    }

    /// A diagnostic at the definition of KPI `name`.
    pub fn at_definition(&self, name: &str, message: String) -> Diagnostic {
        match self.get(name) {
            Some(k) => {
                let f = &self.files[k.file];
                let mut d = Diagnostic::at(&f.shown, &f.text, k.line, k.col, message);
                d.width = name.len();
                d
            }
            None => Diagnostic::file("scripts", message),
        }
    }
}

/// A script that does not parse, said where the mistake is: Rhai reports a
/// `{` never closed at the end of the file (past its last line), and a
/// missing `;` at the start of the statement after it.
fn syntax_error(shown: &str, text: &str, e: &rhai::ParseError) -> Diagnostic {
    let pos = e.position();
    let (line, col) = (pos.line().unwrap_or(1), pos.position().unwrap_or(1));
    let message = e.err_type().to_string();
    let lines: Vec<&str> = text.lines().collect();
    if line > lines.len()
        && let Some((l, c)) = unclosed_brace(text)
    {
        return Diagnostic::at(
            shown,
            text,
            l,
            c,
            "this `{` is not closed: the file ends inside it".to_string(),
        )
        .with_hint("add the `}` that closes it");
    }
    let d = Diagnostic::at(shown, text, line, col, message);
    let starts_line = lines
        .get(line.saturating_sub(1))
        .is_some_and(|l| l.len() - l.trim_start().len() + 1 == col);
    let before = lines[..line.saturating_sub(1).min(lines.len())]
        .iter()
        .enumerate()
        .rev()
        .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with("//"));
    match (e.err_type(), starts_line, before) {
        (rhai::ParseErrorType::MissingToken(t, _), true, Some((i, l)))
            if t == ";" && !l.trim_end().ends_with([';', '{', '}']) =>
        {
            d.with_hint(format!(
                "a statement ends with `;`: is one missing at the end of line {} (`{}`)?",
                i + 1,
                l.trim()
            ))
        }
        _ => d,
    }
}

/// The line and column (1-based) of the innermost `{` a script never
/// closes, outside comments and strings.
fn unclosed_brace(text: &str) -> Option<(usize, usize)> {
    let mut open: Vec<(usize, usize)> = Vec::new();
    let (mut line, mut col) = (1, 0);
    let mut chars = text.chars().peekable();
    let mut in_str: Option<char> = None;
    while let Some(c) = chars.next() {
        col += 1;
        if c == '\n' {
            (line, col) = (line + 1, 0);
            continue;
        }
        if let Some(q) = in_str {
            if c == '\\' {
                chars.next();
                col += 1;
            } else if c == q {
                in_str = None;
            }
            continue;
        }
        match c {
            '"' | '`' | '\'' => in_str = Some(c),
            '/' if chars.peek() == Some(&'/') => {
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
            }
            '{' => open.push((line, col)),
            '}' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

/// Lowercase letters, digits and `_`, starting with a letter.
fn is_snake_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `ClickRate`, `A_Rate` → `click_rate`, `a_rate`.
fn to_snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
