//! A session ties the pipeline together for a command: the workspace, its
//! plugins, its metric catalog and its KPI library, all checked before any
//! data is read; then loading into a cube shaped by the views the command needs.

use std::time::Instant;

use crate::aggregate::period::parse_day;
use crate::aggregate::spec::CubeSpec;
use crate::aggregate::{Cube, Day, Grain, View};
use crate::cli::{Cli, Range};
use crate::diagnostic::suggest;
use crate::error::{Error, Result};
use crate::kpi::{Evaluator, Library};
use crate::records::Catalog;
use crate::sources::{self, Registry};
use crate::workspace::{Role, Workspace, discover};

/// `None` when `name` is a KPI or a metric; else the hint for the
/// diagnostic that says so: the nearest name, or where to find them.
pub fn unknown_kpi(library: &Library, catalog: &Catalog, name: &str) -> Option<String> {
    if library.get(name).is_some() || catalog.id(name).is_some() {
        return None;
    }
    Some(
        match suggest(name, library.names().chain(catalog.names())) {
            Some(near) => format!("did you mean `{near}`?"),
            None => "`kpiscope list kpis` shows the KPIs".into(),
        },
    )
}

/// What makes a `rank` or `vs` goal impossible, known before any data is
/// read: a KPI competitors cannot have (it reads a metric no public page
/// shows, or the panel itself), or a workspace without competitor sources.
fn panel_goal_problems(
    g: &crate::goals::Goal,
    lib: &Library,
    ws: &Workspace,
    at: &crate::workspace::Located,
) -> Vec<crate::diagnostic::Diagnostic> {
    use crate::kpi::public::{Comparable, comparable};
    let Some(against) = &g.against else {
        return Vec::new();
    };
    let word = against.kind();
    let mut out = Vec::new();
    match comparable(lib, &g.kpi) {
        Comparable::Yes => {}
        Comparable::NotPublic(m) => out.push(
            at.diagnostic(
                g.kpi_span.clone(),
                format!(
                    "goal `{}`: `{word}` compares `{}` with competitors, who cannot have it: it reads `{m}`, which a competitor's page does not show",
                    g.id, g.kpi
                ),
            )
            .with_hint(format!(
                "a panel compares KPIs of public metrics only ({}), such as er, love_rate, talk_rate, amplification_rate, posting_frequency, follower_growth_pop, views_per_post",
                crate::records::catalog::PUBLIC.join(", ")
            )),
        ),
        Comparable::ReadsPanel => out.push(
            at.diagnostic(
                g.kpi_span.clone(),
                format!(
                    "goal `{}`: `{}` already measures the brand against the panel (it reads `panel(...)`): it has no rank among competitors",
                    g.id, g.kpi
                ),
            )
            .with_hint(format!("drop `{word}` and give the goal a plain target, such as `target = \">= 25\"`")),
        ),
    }
    if !ws.sources.iter().any(|s| s.role == Role::Competitor) {
        out.push(
            at.diagnostic(
                against.span.clone(),
                format!(
                    "goal `{}`: `{word}` compares with the competitor panel, but no [[source]] has role = \"competitor\"",
                    g.id
                ),
            )
            .with_hint("add the competitors' exports (Popsters, a canonical CSV...) as [[source]]s with role = \"competitor\""),
        );
    }
    out
}

/// The unit of a KPI or metric, as its doc comment or the catalog gives it.
fn unit_in<'a>(library: &'a Library, catalog: &'a Catalog, name: &str) -> &'a str {
    match library.get(name) {
        Some(k) => k.unit(),
        None => catalog.id(name).map_or("", |id| catalog.get(id).unit()),
    }
}

pub struct Session {
    pub ws: Workspace,
    pub registry: Registry,
    pub catalog: Catalog,
    pub library: Library,
    pub verbose: bool,
    /// `-q`: print only errors (and what was asked for with `--format` or `-o`).
    pub quiet: bool,
    /// The files' tallies were printed: a command that loads twice (the
    /// report) says what each file gave once.
    told: std::sync::atomic::AtomicBool,
    /// The same for the competitor panel's files.
    told_panel: std::sync::atomic::AtomicBool,
    /// The results store to append to; `None` with `--no-history`.
    pub history: Option<std::path::PathBuf>,
    /// Whether `[[notify]]` alerts are sent (not with `--no-notify`).
    pub notify: bool,
    /// The files the sources matched, for the history's fingerprint.
    inputs: std::sync::Mutex<Vec<std::path::PathBuf>>,
}

impl Session {
    /// Loads and checks config, plugins, scripts and goals; every problem at once.
    pub fn open(cli: &Cli) -> Result<Session> {
        let root = discover::find(cli.workspace.as_deref())?;
        let ws = match Workspace::load(&root) {
            Ok(ws) => ws,
            // A config that does not parse still leaves the plugins to check:
            // their problems in the same run. (Scripts wait: the names they
            // may use come from the config's [metrics] too.)
            Err(Error::Diagnostics(mut d)) => {
                d.0.extend(Registry::load_limited(&root, &Default::default()).1.0);
                return Err(Error::Diagnostics(d));
            }
            Err(e) => return Err(e),
        };
        let mut problems = ws.problems.clone();
        let (registry, plugin_problems) = Registry::load_limited(&root, &ws.limits);
        problems.0.extend(plugin_problems.0);
        let mut catalog = Catalog::standard();
        for p in &registry.plugins {
            for (name, kind) in p.manifest.all_metrics() {
                catalog.declare(&name, kind, &p.manifest.name);
            }
        }
        for (name, kind) in &ws.metrics {
            catalog.declare(name, *kind, "workspace");
        }
        let library = match Library::load(Some(&root), &catalog, &ws.limits) {
            Ok(l) => Some(l),
            Err(Error::Diagnostics(d)) => {
                problems.0.extend(d.0);
                None
            }
            Err(e) => return Err(e),
        };
        if let Some(lib) = &library {
            let at = ws.located();
            for g in &ws.goals {
                if let Some(hint) = unknown_kpi(lib, &catalog, &g.kpi) {
                    problems.push(
                        at.diagnostic(
                            g.kpi_span.clone(),
                            format!("goal `{}`: unknown KPI `{}`", g.id, g.kpi),
                        )
                        .with_hint(hint),
                    );
                    continue;
                }
                let unit = unit_in(lib, &catalog, &g.kpi);
                for p in g.unit_problems(unit, ws.currency.as_deref()) {
                    problems.push(at.diagnostic(p.span, p.message).with_hint(p.hint));
                }
                problems.0.extend(panel_goal_problems(g, lib, &ws, &at));
            }
        }
        problems
            .0
            .sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
        if cli.verbose {
            let kpis = library.as_ref().map(Library::replacements);
            for r in registry
                .replacements()
                .into_iter()
                .chain(kpis.into_iter().flatten())
            {
                say!("note: {r}");
            }
        }
        match library {
            Some(library) if problems.is_empty() => Ok(Session {
                registry,
                catalog,
                library,
                verbose: cli.verbose,
                quiet: cli.quiet,
                told: Default::default(),
                told_panel: Default::default(),
                history: (!cli.no_history).then(|| {
                    crate::history::path_of(
                        &ws.root,
                        ws.history_path.as_deref(),
                        cli.history.as_deref(),
                    )
                }),
                notify: !cli.no_notify,
                inputs: Default::default(),
                ws,
            }),
            _ => Err(Error::Diagnostics(problems)),
        }
    }

    /// The standard library alone, without a workspace: what
    /// `kpiscope test --stdlib` runs the library's own tests in. No sources,
    /// no plugins, no goals, no params; the default calendar (weeks start on
    /// Monday).
    pub fn standard(verbose: bool, quiet: bool) -> Result<Session> {
        // Nothing is read from this folder: the config text is empty.
        let mut ws = Workspace::parse(std::path::Path::new("."), "")?;
        ws.name = "the standard library".into();
        let catalog = Catalog::standard();
        let library = Library::load(None, &catalog, &ws.limits)?;
        Ok(Session {
            ws,
            registry: Registry::default(),
            catalog,
            library,
            verbose,
            quiet,
            told: Default::default(),
            told_panel: Default::default(),
            history: None,
            notify: false,
            inputs: Default::default(),
        })
    }

    /// This session with `params` added to (or replacing) the workspace's
    /// `[params]`: a test's own constants, seen by its KPIs and goals alike.
    pub fn with_params(&self, params: &toml::Table) -> Session {
        let mut ws = self.ws.clone();
        ws.params.extend(params.clone());
        Session {
            ws,
            registry: self.registry.clone(),
            catalog: self.catalog.clone(),
            library: self.library.clone(),
            verbose: self.verbose,
            quiet: self.quiet,
            told: Default::default(),
            told_panel: Default::default(),
            history: None,
            notify: false,
            inputs: Default::default(),
        }
    }

    /// An evaluator of this session's KPIs over `groups`.
    pub fn evaluator(
        &self,
        groups: std::sync::Arc<crate::aggregate::Groups>,
        catalog: &Catalog,
    ) -> Evaluator<'_> {
        Evaluator::new(
            &self.library,
            groups,
            catalog,
            &self.ws.params,
            self.ws.calendar,
            &self.ws.limits,
        )
    }

    /// An evaluator for each of `views`, on `cube`'s roll-up of it.
    pub fn evaluators(
        &self,
        views: impl IntoIterator<Item = View>,
        cube: &Cube,
    ) -> std::collections::BTreeMap<View, Evaluator<'_>> {
        views
            .into_iter()
            .map(|v| {
                let groups = std::sync::Arc::new(cube.view(&v));
                (v, self.evaluator(groups, &cube.catalog))
            })
            .collect()
    }

    /// [`Session::evaluators`] whose `panel("metric")` reads `panel`, the
    /// competitor panel's cube, when there is one.
    pub fn evaluators_with(
        &self,
        views: impl IntoIterator<Item = View>,
        cube: &Cube,
        panel: Option<&Cube>,
    ) -> std::collections::BTreeMap<View, Evaluator<'_>> {
        let mut evs = self.evaluators(views, cube);
        if let Some(panel) = panel {
            evs = evs
                .into_iter()
                .map(|(v, ev)| {
                    let sums = std::sync::Arc::new(panel.view(&crate::panel::sums_view(&v)));
                    let ev = ev.with_panel(sums, &panel.catalog);
                    (v, ev)
                })
                .collect();
        }
        evs
    }

    /// Whether evaluating `kpis` needs the competitor panel: one reads
    /// `panel("...")`, or `against` says a goal ranks in it.
    pub fn needs_panel<'a>(&self, kpis: impl IntoIterator<Item = &'a str>, against: bool) -> bool {
        self.has_panel()
            && (against
                || kpis
                    .into_iter()
                    .any(|k| self.library.get(k).is_some() && self.library.metrics_read(k).1))
    }

    /// The unit of a KPI or metric, as outputs show it.
    pub fn unit_of(&self, name: &str) -> String {
        unit_in(&self.library, &self.catalog, name).to_string()
    }

    /// A KPI's title from its doc comment; empty for a metric.
    pub fn kpi_title(&self, name: &str) -> String {
        self.library
            .get(name)
            .map(|k| k.title.clone())
            .unwrap_or_default()
    }

    /// Checks that every name is a KPI or a metric, reporting every
    /// unknown one at once.
    pub fn check_names(&self, names: &[String]) -> Result<()> {
        let mut unknown: Vec<String> = Vec::new();
        for n in names {
            if self.library.get(n).is_none() && self.catalog.id(n).is_none() {
                let hint = suggest(n, self.library.names().chain(self.catalog.names()))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| {
                        "; `kpiscope list kpis` and `kpiscope list metrics` show the names (a metric a rhai or command plugin gives must be declared in its plugin.toml's [metrics])".into()
                    });
                unknown.push(format!("unknown KPI or metric `{n}`{hint}"));
            }
        }
        match unknown.is_empty() {
            true => Ok(()),
            false => Err(Error::usages(unknown)),
        }
    }

    /// What loading must keep for `views`, for the days of `range`.
    pub fn cube_spec(&self, views: &[View], range: (Option<Day>, Option<Day>)) -> CubeSpec {
        // A month, or days when a view needs finer periods: an account's own
        // figures win over its posts' month by month, which needs cells that
        // do not straddle months (weeks do).
        let base = [Grain::Month, Grain::Day]
            .into_iter()
            .find(|g| views.iter().all(|v| v.grain.rolls_up_from(*g)))
            .unwrap_or(Grain::Day);
        let mut keep_dims: Vec<String> = views
            .iter()
            .flat_map(|v| {
                v.by.iter()
                    .filter_map(|b| match b {
                        crate::aggregate::By::Dim(d) => Some(d.clone()),
                        _ => None,
                    })
                    .chain(v.filter.dims.keys().cloned())
            })
            .collect();
        keep_dims.sort();
        keep_dims.dedup();
        let keep_posts = views
            .iter()
            .any(|v| v.by.contains(&crate::aggregate::By::Post));
        CubeSpec {
            base,
            keep_dims,
            keep_posts,
            range,
        }
    }

    /// An empty cube fit for `views`: what [`Session::load`] fills from the
    /// sources and `kpiscope test` from a test's records.
    pub fn empty_cube(&self, views: &[View], range: (Option<Day>, Option<Day>)) -> Cube {
        Cube::new(
            self.cube_spec(views, range),
            self.ws.calendar,
            self.catalog.clone(),
        )
    }

    /// With `-v`, how the sources' globs found their files: a file reached
    /// twice through links and read once, a link back to a folder walked.
    pub fn note_files(&self, resolved: &[sources::Resolved]) {
        if self.verbose {
            for r in resolved {
                for n in &r.notes {
                    say!("note: {}: {n}", r.source.describe());
                }
            }
        }
    }

    /// The files every load of this session read (a file read twice once).
    pub fn inputs(&self) -> Vec<std::path::PathBuf> {
        let mut files = self.inputs.lock().map(|f| f.clone()).unwrap_or_default();
        files.sort();
        files.dedup();
        files
    }

    /// Reads every source into a cube fit for `views`.
    pub fn load(&self, views: &[View], range: &Range) -> Result<Cube> {
        self.load_with(views, range, None)
    }

    /// Reads every source once into a cube fit for `views` and, when asked,
    /// a companion cube fit for `views` of its own, over the days given (all
    /// when none) or, `trailing`, from the month before the data's last day
    /// on ([`Cube::with_companion`]).
    pub fn load_with(
        &self,
        views: &[View],
        range: &Range,
        companion: Option<Companion<'_>>,
    ) -> Result<Cube> {
        self.load_role(views, range, companion, Role::Own)
    }

    /// Whether any `[[source]]` is a competitor's: the workspace has a panel.
    pub fn has_panel(&self) -> bool {
        self.ws.sources.iter().any(|s| s.role == Role::Competitor)
    }

    /// The panel cube: the competitor sources' records, fit for `views`;
    /// `None` when no source is a competitor's. A cube of its own, so that
    /// no competitor record can reach an own figure.
    pub fn load_panel(&self, views: &[View], range: &Range) -> Result<Option<Cube>> {
        if !self.has_panel() {
            return Ok(None);
        }
        self.load_role(views, range, None, Role::Competitor)
            .map(Some)
    }

    /// Reads the sources of one role into a cube fit for `views`.
    fn load_role(
        &self,
        views: &[View],
        range: &Range,
        companion: Option<Companion<'_>>,
        role: Role,
    ) -> Result<Cube> {
        let started = Instant::now();
        let mut resolved = sources::resolve(&self.ws, &self.registry)?;
        resolved.retain(|r| r.source.role == role);
        self.note_files(&resolved);
        if let Ok(mut inputs) = self.inputs.lock() {
            inputs.extend(
                resolved
                    .iter()
                    .flat_map(|r| r.files.iter().map(|f| f.0.clone())),
            );
        }
        let day = |s: &Option<String>, what: &str| -> Result<Option<Day>> {
            s.as_deref()
                .map(|s| {
                    parse_day(s).ok_or_else(|| {
                        Error::usage(format!("--{what} `{s}` is not a date: write YYYY-MM-DD"))
                    })
                })
                .transpose()
        };
        let (from, to) = (day(&range.from, "from")?, day(&range.to, "to")?);
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(Error::usage(format!(
                "--from {} is after --to {}: the range holds no day",
                range.from.as_deref().unwrap_or_default(),
                range.to.as_deref().unwrap_or_default()
            )));
        }
        let spec = self.cube_spec(views, (from, to));
        let fresh = || {
            let mut cube = Cube::new(spec.clone(), self.ws.calendar, self.catalog.clone());
            if let Some(Companion {
                views,
                days,
                trailing,
            }) = companion
            {
                let range = days.map_or((None, None), |(a, b)| (Some(a), Some(b)));
                let theirs = Cube::new(
                    self.cube_spec(views, range),
                    self.ws.calendar,
                    self.catalog.clone(),
                );
                cube.with_companion(theirs, trailing);
            }
            cube
        };
        let stamps = sources::stamps(&resolved);
        let bytes: u64 = stamps.iter().map(|s| s.0).sum();
        let progress = sources::progress::Progress::new(bytes, self.quiet);
        let mut cube = fresh();
        // Files can be read twice, so keys are written down rather than
        // remembered; a command's output cannot, so its load remembers them.
        let twice = resolved
            .iter()
            .all(|r| r.command.is_none() && r.warehouse.is_none());
        let pushed = sources::postgres::Pushdown::of(
            views.iter().chain(companion.iter().flat_map(|c| c.views)),
            self.verbose,
        );
        if twice {
            cube.log_keys();
        }
        let load = |cube: &mut Cube| {
            sources::load(
                &self.ws,
                &self.registry,
                &resolved,
                cube,
                &progress,
                &pushed,
            )
        };
        load(&mut cube)?;
        if twice {
            let log = std::env::temp_dir().join("kpiscope key log");
            let settled = cube.settle().map_err(|e| Error::io(&log, e))?;
            if !settled.suspects.is_empty() {
                if self.verbose {
                    say!(
                        "note: {} records met more than once: reading the sources again to count each once",
                        settled.suspects.len()
                    );
                }
                drop(cube);
                cube = fresh();
                cube.track_only(&settled.suspects);
                progress.restart();
                load(&mut cube)?;
                if let Some(file) = sources::changed(&resolved, &stamps) {
                    let shown = file.strip_prefix(&self.ws.root).unwrap_or(file);
                    return Err(Error::usage(format!(
                        "{} changed while it was read: run again once it is written",
                        shown.display()
                    )));
                }
            }
            cube.add_merged(&settled.merged);
        }
        drop(progress);
        let told = match role {
            Role::Own => &self.told,
            Role::Competitor => &self.told_panel,
        }
        .swap(true, std::sync::atomic::Ordering::Relaxed);
        for t in cube.tallies.iter().filter(|_| !told) {
            if self.verbose {
                say!("read {}", t.summary());
            }
            if !self.quiet {
                for w in &t.warnings {
                    say!("{} {}: {w}", crate::color::warning(), t.file);
                }
            }
        }
        if self.verbose {
            let files: usize = resolved.iter().map(|r| r.files.len()).sum();
            let commands = resolved.iter().filter(|r| r.command.is_some()).count();
            let warehouses = resolved.iter().filter(|r| r.warehouse.is_some()).count();
            let commands = match (commands, warehouses) {
                (0, 0) => String::new(),
                (n, 0) => format!(" and {n} command(s)"),
                (0, w) => format!(" and {w} warehouse source(s)"),
                (n, w) => format!(", {n} command(s) and {w} warehouse source(s)"),
            };
            say!(
                "loaded {} rows from {files} files{commands} into {} cells in {:.2?} ({} duplicate values dropped)",
                cube.rows(),
                cube.cell_count(),
                started.elapsed(),
                cube.duplicate_values()
            );
        }
        Ok(cube)
    }

    /// The day `last` and `current` count from: `--as-of`, else the data's last day.
    pub fn as_of(&self, range: &Range, cube: &Cube) -> Result<Option<Day>> {
        match &range.as_of {
            Some(s) => parse_day(s).map(Some).ok_or_else(|| {
                Error::usage(format!("--as-of `{s}` is not a date: write YYYY-MM-DD"))
            }),
            None => Ok(cube.last_day()),
        }
    }
}

/// A second cube for [`Session::load_with`] to fill from the same load.
#[derive(Clone, Copy)]
pub struct Companion<'a> {
    pub views: &'a [View],
    /// Its days; all when none.
    pub days: Option<(Day, Day)>,
    /// Keeps the days from the month before the data's last day on.
    pub trailing: bool,
}
