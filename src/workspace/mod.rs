//! The workspace (DESIGN §2): `kpiscope.toml` parsed, then validated into a
//! checked model. Every problem is reported at once, as `file:line:col`.

pub mod brand;
pub mod discover;
#[cfg(test)]
pub(crate) mod props;
pub mod raw;
pub mod role;
pub mod walk;
pub mod warehouse;

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::aggregate::period::Calendar;
use crate::diagnostic::{Diagnostic, Diagnostics, suggest};
use crate::error::{Error, Result};
use crate::goals::Goal;
use crate::limits::{Limits, MAX_FILES_PER_SOURCE};
use crate::locale::Locale;
use crate::records::{
    Kind,
    catalog::{is_metric_name, standard_kind},
};
use brand::Brand;
use raw::{
    RawGoal, RawHistory, RawLimits, RawNotify, RawReport, RawSource, RawWorkspace, TOP_LEVEL,
};
pub use role::Role;

/// Collects diagnostics for one file, positions given as byte spans.
pub struct Located {
    pub file: String,
    pub source: String,
    pub diagnostics: Diagnostics,
}

impl Located {
    pub fn new(file: &str, source: &str) -> Self {
        Located {
            file: file.to_string(),
            source: source.to_string(),
            diagnostics: Diagnostics::default(),
        }
    }
    pub fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::at_span(&self.file, &self.source, span, message));
    }
    pub fn diagnostic(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at_span(&self.file, &self.source, span, message)
    }
}

#[derive(Debug, Clone)]
pub struct Source {
    /// 1-based position among the `[[source]]` tables, for messages.
    pub number: usize,
    pub plugin: Option<String>,
    pub plugin_span: Range<usize>,
    /// The glob of files; `None` for a command plugin that reads none.
    pub pattern: Option<String>,
    pub pattern_span: Range<usize>,
    /// The year of year-less dates, when the file's name does not say it.
    pub year: Option<i32>,
    /// The decimal mark of the source's numbers (`.` or `,`), which wins
    /// over what the cells suggest.
    pub decimal: Option<char>,
    pub account: Option<String>,
    pub network: Option<String>,
    pub settings: toml::Table,
    /// A warehouse source's keys as written, checked with its plugin's
    /// (`sources::postgres`); empty for a file source.
    pub warehouse: warehouse::RawWarehouse,
    /// The whole `[[source]]` table, for what is missing from it.
    pub span: Range<usize>,
    /// Whose records the source holds: the brand's, or a competitor's
    /// (loaded into the panel only).
    pub role: Role,
}

impl Source {
    pub fn describe(&self) -> String {
        match &self.plugin {
            Some(p) => match &self.pattern {
                Some(path) => format!("source #{} ({p}, {path})", self.number),
                None => format!("source #{} ({p})", self.number),
            },
            None => format!(
                "source #{} ({})",
                self.number,
                self.pattern.as_deref().unwrap_or("")
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub name: String,
    pub currency: Option<String>,
    pub timezone: jiff::tz::TimeZone,
    pub calendar: Calendar,
    /// How the report writes numbers, money, periods and its own words
    /// (`locale = "fr-FR"`; `en-US` when not given).
    pub locale: Locale,
    pub params: toml::Table,
    /// Kinds of the workspace's own metrics (`[metrics]`).
    pub metrics: Vec<(String, Kind)>,
    pub sources: Vec<Source>,
    pub goals: Vec<Goal>,
    /// What a run may cost: the defaults, with `[limits]`.
    pub limits: Limits,
    /// The agency's brand on the report: `[report]`.
    pub brand: Brand,
    /// `[history] path`: the results store's file, as written (from the root).
    pub history_path: Option<PathBuf>,
    /// `[[notify]]`: where alerts go.
    pub notify: Vec<crate::notify::Target>,
    /// The config text, for diagnostics found after loading (unknown KPI...).
    pub config_text: String,
    /// Problems found in the config. Kept with the model rather than returned
    /// at once, so that later checks (scripts, goals' KPIs) report theirs too.
    pub problems: Diagnostics,
}

/// The years a `[[source]]` may give its year-less dates.
pub const SOURCE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

impl Workspace {
    pub fn config_file(&self) -> String {
        discover::CONFIG.to_string()
    }

    pub fn located(&self) -> Located {
        Located::new(&self.config_file(), &self.config_text)
    }

    pub fn load(root: &Path) -> Result<Workspace> {
        let path = root.join(discover::CONFIG);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        Self::parse(root, &text)
    }

    /// Parses and validates the config text. TOML syntax errors are returned;
    /// other problems are kept in [`Workspace::problems`].
    pub fn parse(root: &Path, text: &str) -> Result<Workspace> {
        let mut at = Located::new(discover::CONFIG, text);
        let Some(doc) = parse_toml(&mut at, text) else {
            return Err(Error::Diagnostics(at.diagnostics));
        };

        let mut ws_raw = RawWorkspace::default();
        let mut params = toml::Table::new();
        let mut limits = Limits::default();
        let mut metrics = Vec::new();
        let mut raw_sources: Vec<(Spanned<DeValue>, RawSource)> = Vec::new();
        let mut raw_goals: Vec<RawGoal> = Vec::new();
        let mut raw_report = RawReport::default();
        let mut raw_history = RawHistory::default();
        let mut raw_notify: Vec<(Range<usize>, RawNotify)> = Vec::new();
        for (key, value) in doc.iter() {
            let name: &str = key.get_ref();
            match name {
                "workspace" => {
                    if let Some(w) = de::<RawWorkspace>(&mut at, value.clone(), "[workspace]") {
                        ws_raw = w;
                    }
                }
                "params" => {
                    if let Some(p) = de::<toml::Table>(&mut at, value.clone(), "[params]") {
                        params = p;
                    }
                }
                "report" => {
                    if let Some(r) = de::<RawReport>(&mut at, value.clone(), "[report]") {
                        raw_report = r;
                    }
                }
                "history" => {
                    if let Some(h) = de::<RawHistory>(&mut at, value.clone(), "[history]") {
                        raw_history = h;
                    }
                }
                "limits" => {
                    if let Some(l) = de::<RawLimits>(&mut at, value.clone(), "[limits]") {
                        limits = Limits::from_raw(&l, &mut at);
                    }
                }
                "metrics" => {
                    if let DeValue::Table(t) = value.get_ref() {
                        for (k, v) in t.iter() {
                            let kind = match v.get_ref() {
                                DeValue::String(s) => Kind::parse(s),
                                _ => None,
                            };
                            let standard = standard_kind(k.get_ref());
                            match kind {
                                // The standard KPIs are written for the
                                // canonical kinds: a sum of daily follower
                                // counts would be a wrong number in each of
                                // them, so a standard metric keeps its kind.
                                Some(kind) if standard.is_some_and(|s| s != kind) => at.error(
                                    v.span(),
                                    format!(
                                        "`{}` is a standard metric, combined by `{}`{}: it cannot be made a `{kind}`; drop the line, or give your metric a name of its own (`my_{}`)",
                                        k.get_ref(),
                                        standard.unwrap_or(kind),
                                        if standard == Some(Kind::Last) {
                                            " (a stock: the last value of the period)"
                                        } else {
                                            " (added up over the period)"
                                        },
                                        k.get_ref()
                                    ),
                                ),
                                Some(kind) if is_metric_name(k.get_ref()) => {
                                    metrics.push((k.get_ref().to_string(), kind))
                                }
                                Some(_) => at.error(
                                    k.span(),
                                    format!("metric name `{}` must be snake_case", k.get_ref()),
                                ),
                                None => at.error(
                                    v.span(),
                                    format!(
                                        "a metric's kind is one of sum, last, max, min, mean{}",
                                        match v.get_ref() {
                                            DeValue::String(s) => crate::diagnostic::did_you_mean(s, Kind::NAMES),
                                            _ => String::new(),
                                        }
                                    ),
                                ),
                            }
                        }
                    } else {
                        at.error(
                            value.span(),
                            "`metrics` is a table: `[metrics] my_metric = \"sum\"`",
                        );
                    }
                }
                "source" | "goal" | "notify" => {
                    let DeValue::Array(items) = value.get_ref() else {
                        at.error(value.span(), format!("write `[[{name}]]` tables"));
                        continue;
                    };
                    for item in items.iter() {
                        if name == "notify" {
                            if let Some(n) = de::<RawNotify>(&mut at, item.clone(), "[[notify]]") {
                                raw_notify.push((item.span(), n));
                            }
                        } else if name == "source" {
                            if let Some(s) = de::<RawSource>(&mut at, item.clone(), "[[source]]") {
                                raw_sources.push((item.clone(), s));
                            }
                        } else if let Some(g) = de::<RawGoal>(&mut at, item.clone(), "[[goal]]") {
                            raw_goals.push(g);
                        }
                    }
                }
                other => {
                    let hint = suggest(other, TOP_LEVEL.iter().copied())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    at.error(
                        key.span(),
                        format!(
                            "unknown key `{other}`: the file has {}{hint}",
                            TOP_LEVEL.join(", ")
                        ),
                    );
                }
            }
        }

        let timezone = match &ws_raw.timezone {
            None => jiff::tz::TimeZone::system(),
            Some(tz) => match jiff::tz::TimeZone::get(tz.get_ref()) {
                Ok(z) => z,
                Err(_) => {
                    at.error(
                        tz.span(),
                        format!(
                            "unknown time zone `{}`: use an IANA name such as Europe/Paris",
                            tz.get_ref()
                        ),
                    );
                    jiff::tz::TimeZone::UTC
                }
            },
        };
        let week_start = match &ws_raw.week_start {
            None => 0,
            Some(w) => match WEEKDAYS
                .iter()
                .position(|d| d.eq_ignore_ascii_case(w.get_ref()))
            {
                Some(i) => i as i32,
                None => {
                    at.error(
                        w.span(),
                        format!(
                            "`week_start` is a weekday name such as monday, not `{}`{}",
                            w.get_ref(),
                            crate::diagnostic::did_you_mean(
                                &w.get_ref().to_lowercase(),
                                WEEKDAYS.iter().copied()
                            )
                        ),
                    );
                    0
                }
            },
        };
        let calendar = Calendar { week_start };
        let brand = Brand::check(raw_report, root, &mut at);
        let locale = match &ws_raw.locale {
            None => Locale::default(),
            Some(tag) => match Locale::parse(tag.get_ref()) {
                Ok(l) => l,
                Err(e) => {
                    at.error(tag.span(), format!("`locale`: {e}"));
                    Locale::default()
                }
            },
        };

        let mut sources = Vec::new();
        for (i, (item, s)) in raw_sources.into_iter().enumerate() {
            if s.path.is_none() && s.plugin.is_none() {
                at.error(
                    item.span(),
                    "a [[source]] needs `path`, a glob relative to the workspace (only a command plugin reads no file)",
                );
                continue;
            }
            let decimal = match &s.decimal {
                Some(d) if d.get_ref() == "." || d.get_ref() == "," => d.get_ref().chars().next(),
                Some(d) => {
                    at.error(
                        d.span(),
                        format!(
                            "`decimal = \"{}\"`: the decimal mark is \".\" or \",\"",
                            d.get_ref()
                        ),
                    );
                    None
                }
                None => None,
            };
            // The year of year-less dates: a typo (`-5`, `20266`) would date
            // every row in a year no export has.
            let year = match &s.year {
                Some(y) => match i32::try_from(*y.get_ref()) {
                    Ok(v) if SOURCE_YEARS.contains(&v) => Some(v),
                    _ => {
                        at.error(
                            y.span(),
                            format!(
                                "`year = {}`: the year of year-less dates is between {} and {}",
                                y.get_ref(),
                                SOURCE_YEARS.start(),
                                SOURCE_YEARS.end()
                            ),
                        );
                        None
                    }
                },
                None => None,
            };
            let role = match &s.role {
                None => Role::Own,
                Some(r) => match Role::parse(r.get_ref()) {
                    Some(role) => role,
                    None => {
                        at.error(
                            r.span(),
                            format!(
                                "`role = \"{}\"`: a source's role is own (the brand's accounts, the default) or competitor (a competitor's public page, for the panel){}",
                                r.get_ref(),
                                crate::diagnostic::did_you_mean(r.get_ref(), Role::NAMES)
                            ),
                        );
                        Role::Own
                    }
                },
            };
            let span = s
                .path
                .as_ref()
                .or(s.plugin.as_ref())
                .map_or(item.span(), |p| p.span());
            sources.push(Source {
                number: i + 1,
                plugin_span: s.plugin.as_ref().map_or(span.clone(), |p| p.span()),
                plugin: s.plugin.map(|p| p.into_inner()),
                pattern_span: s.path.as_ref().map_or(span, |p| p.span()),
                pattern: s.path.map(|p| p.into_inner()),
                account: s.account,
                network: s.network,
                year,
                decimal,
                settings: s.settings.unwrap_or_default(),
                warehouse: warehouse::RawWarehouse {
                    connection: s.connection,
                    table: s.table,
                    query: s.query,
                    dialect: s.dialect,
                    columns: s.columns,
                },
                span: item.span(),
                role,
            });
        }

        let mut goals: Vec<Goal> = Vec::new();
        for raw in raw_goals {
            let id_span = raw.id.as_ref().map_or(raw.kpi.span(), |s| s.span());
            if let Some(goal) = Goal::check(raw, &calendar, &mut at) {
                if goals.iter().any(|g| g.id == goal.id) {
                    at.error(
                        id_span,
                        format!(
                            "two goals have the id `{}`: give one an `id = \"...\"`",
                            goal.id
                        ),
                    );
                }
                goals.push(goal);
            }
        }

        let goal_ids: Vec<&str> = goals.iter().map(|g| g.id.as_str()).collect();
        let notify = crate::notify::target::check(raw_notify, &goal_ids, root, &mut at);

        let ws = Workspace {
            root: root.to_path_buf(),
            name: ws_raw.name.unwrap_or_else(|| {
                root.canonicalize()
                    .ok()
                    .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_else(|| "workspace".into())
            }),
            currency: ws_raw.currency,
            timezone,
            calendar,
            locale,
            params,
            metrics,
            sources,
            goals,
            limits,
            brand,
            history_path: raw_history.path.map(PathBuf::from),
            notify,
            config_text: text.to_string(),
            problems: Diagnostics::default(),
        };
        let mut problems = at.diagnostics;
        problems.0.sort_by_key(|d| (d.line, d.col));
        Ok(Workspace { problems, ..ws })
    }

    /// The files a source's glob matches, each once and sorted, with notes
    /// for `-v`; no match, a folder or file that cannot be read, and more
    /// than [`MAX_FILES_PER_SOURCE`] files are errors.
    pub fn source_files(&self, source: &Source) -> std::result::Result<Matched, Diagnostic> {
        let at = self.located();
        let Some(glob_text) = &source.pattern else {
            return Ok(Matched::default());
        };
        let err = |message: String| {
            at.diagnostic(
                source.pattern_span.clone(),
                format!("{}: {message}", source.describe()),
            )
        };
        let walked = match walk::expand(&self.root, glob_text, MAX_FILES_PER_SOURCE) {
            Ok(w) => w,
            Err(walk::WalkError::Pattern(e)) => {
                return Err(at.diagnostic(
                    source.pattern_span.clone(),
                    format!("bad glob `{glob_text}`: {e}"),
                ));
            }
            Err(walk::WalkError::Unreadable {
                path,
                folder,
                error,
            }) => {
                let shown = path.strip_prefix(&self.root).unwrap_or(&path).display();
                let what = if folder { "the folder " } else { "" };
                return Err(err(format!("cannot read {what}{shown}: {error}"))
                    .with_hint(if folder {
                        "every folder the glob reaches is read, so that no export is missed: give kpiscope access, or narrow the glob"
                    } else {
                        "give kpiscope access to the file, or move it out of the glob's reach"
                    }));
            }
            Err(walk::WalkError::TooMany { limit }) => {
                return Err(
                    err(format!("`{glob_text}` matches more than {limit} files"))
                        .with_hint("narrow the glob, or split the files over several [[source]]s"),
                );
            }
        };
        if walked.files.is_empty() {
            return Err(
                err(format!("`{glob_text}` matches no file")).with_hint(format!(
                    "paths are relative to the workspace, {}",
                    self.root.display()
                )),
            );
        }
        Ok(Matched {
            files: walked.files,
            notes: walked.notes,
        })
    }
}

/// The files of a source, and what `-v` says about how they were found.
#[derive(Debug, Default)]
pub struct Matched {
    pub files: Vec<PathBuf>,
    pub notes: Vec<String>,
}

/// The TOML document, or `None` with every syntax error reported into `at`.
pub(crate) fn parse_toml<'a>(at: &mut Located, text: &'a str) -> Option<DeTable<'a>> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    for e in &errors {
        at.error(
            e.span().unwrap_or(0..0),
            format!("invalid TOML: {}", e.message().trim()),
        );
    }
    errors.is_empty().then(|| doc.into_inner())
}

/// Deserializes one table, reporting its first problem into `at`.
/// Unknown keys of one table reported before giving up on it.
const MAX_UNKNOWN_KEYS: usize = 16;

pub(crate) fn de<T: for<'a> Deserialize<'a>>(
    at: &mut Located,
    value: Spanned<DeValue<'_>>,
    what: &str,
) -> Option<T> {
    let span = value.span();
    let mut value = value;
    let mut unknown_keys = false;
    // serde stops at the first unknown key: each one is reported, taken out,
    // and the table read again, so that every mistake of a table (a
    // misspelt key and a bad value beside it) is told in one run.
    for _ in 0..MAX_UNKNOWN_KEYS {
        match T::deserialize(ValueDeserializer::from(value.clone())) {
            // Past unknown keys the rest of the table was read too; its
            // checks would only repeat them (a misspelt `valeu` is also a
            // missing `value`), so the table stops here.
            Ok(v) => return (!unknown_keys).then_some(v),
            Err(e) => {
                let msg = e.message().trim().replace("unknown field", "unknown key");
                let mut d =
                    at.diagnostic(e.span().unwrap_or(span.clone()), format!("{what}: {msg}"));
                // serde lists the keys it expected: name the nearest.
                let unknown = msg
                    .strip_prefix("unknown key `")
                    .and_then(|r| r.split_once("`, expected one of "));
                if let Some((key, expected)) = unknown {
                    let keys = expected.split(", ").map(|k| k.trim_matches('`'));
                    if let Some(near) = crate::diagnostic::suggest(key, keys) {
                        d = d.with_hint(format!("did you mean `{near}`?"));
                    }
                }
                at.diagnostics.push(d);
                let key = unknown.map(|(k, _)| k.to_string());
                match (key, value.get_mut()) {
                    (Some(key), DeValue::Table(t)) => {
                        let k = t.keys().find(|k| k.get_ref().as_ref() == key).cloned()?;
                        t.remove(&k);
                        unknown_keys = true;
                    }
                    _ => return None,
                }
            }
        }
    }
    None
}
