//! Sources: each `[[source]]` names files (a glob) and the plugin that reads
//! them. Plugins turn files into canonical records, which stream into the cube.

pub mod canonical;
pub mod command;
pub mod context;
pub mod date_cache;
pub mod decode;
pub mod emit;
pub mod fixture;
pub mod layout;
pub mod manifest;
pub mod number;
pub mod postgres;
pub mod progress;
#[cfg(test)]
mod props;
pub mod reader;
pub mod registry;
pub mod rows;
pub mod script;
pub mod table;

use std::path::{Path, PathBuf};

use crate::aggregate::Cube;
use crate::diagnostic::{Diagnostics, suggest};
use crate::error::{Error, Result};
use crate::records::tally::Tally;
use crate::workspace::{Source, Workspace};
pub use context::{FileCtx, SourceCtx};
use manifest::PluginKind;
pub use registry::{Plugin, Registry};

/// A source with its files and plugin resolved.
pub struct Resolved<'a> {
    pub source: &'a Source,
    pub files: Vec<(PathBuf, &'a Plugin)>,
    /// A command plugin run once for the source, which names no files.
    pub command: Option<&'a Plugin>,
    /// How the glob found the files (links followed twice...), for `-v`.
    pub notes: Vec<String>,
    /// A warehouse source's checked mapping, and its network when no
    /// column gives it.
    pub warehouse: Option<(crate::workspace::warehouse::Warehouse, Option<String>)>,
}

impl Resolved<'_> {
    /// What reading the source's files needs to know of it and the workspace.
    pub fn ctx<'w>(&'w self, ws: &'w Workspace) -> SourceCtx<'w> {
        SourceCtx {
            source: self.source,
            root: &ws.root,
            timezone: ws.timezone.clone(),
            limits: ws.limits,
        }
    }

    /// Each file with its plugin, then the command a source runs once.
    pub fn runs(&self) -> impl Iterator<Item = (Option<&Path>, &Plugin)> {
        self.files
            .iter()
            .map(|(f, p)| (Some(f.as_path()), *p))
            .chain(self.command.map(|p| (None, p)))
    }
}

/// Resolves every source's files and plugin, reporting every problem at once.
pub fn resolve<'a>(ws: &'a Workspace, registry: &'a Registry) -> Result<Vec<Resolved<'a>>> {
    let at = ws.located();
    let mut problems = Diagnostics::default();
    let mut out = Vec::new();
    for source in &ws.sources {
        let explicit = match &source.plugin {
            Some(name) => match registry.get(name) {
                Some(p) => Some(p),
                None => {
                    let hint = suggest(name, registry.names())
                        .map(|s| format!("did you mean `{s}`? "))
                        .unwrap_or_default();
                    problems.push(
                        at.diagnostic(
                            source.plugin_span.clone(),
                            format!("unknown plugin `{name}`"),
                        )
                        .with_hint(format!(
                            "{hint}the plugins are: {}",
                            registry.names().collect::<Vec<_>>().join(", ")
                        )),
                    );
                    continue;
                }
            },
            None => None,
        };
        let is_warehouse = explicit.is_some_and(|p| p.manifest.kind == PluginKind::Postgres);
        if is_warehouse || !source.warehouse.is_empty() {
            let (plugin, raw) = match explicit {
                Some(p) if is_warehouse => (
                    p,
                    source
                        .warehouse
                        .over(&p.manifest.warehouse, source.plugin_span.clone()),
                ),
                _ => {
                    problems.push(at.diagnostic(
                        source.plugin_span.clone(),
                        format!("{}: `connection`, `table`, `query`, `dialect` and `columns` are a warehouse source's keys: write `plugin = \"postgres\"` (or a plugin of kind postgres)", source.describe()),
                    ));
                    continue;
                }
            };
            if let Some(path) = &source.pattern {
                problems.push(at.diagnostic(
                    source.pattern_span.clone(),
                    format!(
                        "{}: a warehouse source reads no file: drop `path = \"{path}\"`",
                        source.describe()
                    ),
                ));
                continue;
            }
            let network = source.network.clone().or(plugin.manifest.network.clone());
            let mut located = ws.located();
            match crate::workspace::warehouse::Warehouse::check(
                &raw,
                source.span.clone(),
                source.account.as_deref(),
                network.as_deref(),
                &mut located,
            ) {
                Some(wh) => out.push(Resolved {
                    source,
                    files: Vec::new(),
                    command: None,
                    notes: Vec::new(),
                    warehouse: Some((wh, network)),
                }),
                None => problems.0.extend(located.diagnostics.0),
            }
            continue;
        }
        if source.pattern.is_none() {
            match explicit {
                Some(p) if p.manifest.kind == PluginKind::Command => out.push(Resolved {
                    source,
                    files: Vec::new(),
                    command: Some(p),
                    notes: Vec::new(),
                    warehouse: None,
                }),
                _ => problems.push(at.diagnostic(
                    source.plugin_span.clone(),
                    format!("{}: a [[source]] needs `path`, a glob relative to the workspace (only a command plugin reads no file)", source.describe()),
                )),
            }
            continue;
        }
        let matched = match ws.source_files(source) {
            Ok(m) => m,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let mut resolved = Vec::new();
        for file in matched.files {
            let plugin = match explicit {
                Some(p) => p,
                None => match detect(&file, registry) {
                    Ok(p) => p,
                    Err(Undetected::Unreadable(message)) => {
                        // A file that is no export (a PDF, a damaged
                        // spreadsheet): naming a plugin would not help.
                        problems.push(at.diagnostic(
                            source.pattern_span.clone(),
                            format!("{}: {message}", source.describe()),
                        ));
                        continue;
                    }
                    Err(Undetected::Unrecognised(message)) => {
                        problems.push(
                            at.diagnostic(
                                source.pattern_span.clone(),
                                format!("{}: {message}", source.describe()),
                            )
                            .with_hint("name the plugin with `plugin = \"...\"` in the [[source]]"),
                        );
                        continue;
                    }
                },
            };
            resolved.push((file, plugin));
        }
        out.push(Resolved {
            source,
            files: resolved,
            command: None,
            notes: matched.notes,
            warehouse: None,
        });
    }
    problems.into_result(out)
}

/// Why no one plugin was found for a file.
enum Undetected {
    /// The file could not be read or is no export at all.
    Unreadable(String),
    /// No plugin, or several, recognise its columns.
    Unrecognised(String),
}

/// The one plugin whose layouts recognise `file`. Specific plugins win over
/// `canonical`, which takes a header of canonical names only.
fn detect<'a>(file: &Path, registry: &'a Registry) -> std::result::Result<&'a Plugin, Undetected> {
    let shown = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let decoded = sniff(file, &shown).map_err(Undetected::Unreadable)?;
    let mut found: Vec<&Plugin> = registry
        .plugins
        .iter()
        .filter(|p| p.manifest.kind != PluginKind::Canonical)
        .filter(|p| !reader::match_layouts(&decoded, &p.manifest.layouts).is_empty())
        .collect();
    if found.is_empty() {
        found.extend(
            registry
                .plugins
                .iter()
                .filter(|p| p.manifest.kind == PluginKind::Canonical)
                .filter(|_| {
                    decoded
                        .grids
                        .first()
                        .and_then(|g| g.rows.first())
                        .is_some_and(|r| canonical::is_canonical_header(&r.cells))
                }),
        );
    }
    if found.len() > 1 {
        found = named_first(&found, &decoded, &shown);
    }
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(Undetected::Unrecognised(format!(
            "no plugin recognises the columns of {shown} ({})",
            decoded
                .grids
                .iter()
                .find_map(|g| g.likely_header())
                .map(|r| r
                    .cells
                    .iter()
                    .map(|c| decode::text::printable(c.trim(), 80).into_owned())
                    .collect::<Vec<_>>()
                    .join(", "))
                .unwrap_or_default()
        ))),
        many => Err(Undetected::Unrecognised(format!(
            "several plugins recognise {shown}: {}{}",
            many.iter()
                .map(|p| p.manifest.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            if many
                .iter()
                .any(|p| network_named(p, &decoded, &shown).is_some())
            {
                ""
            } else {
                ", and neither the titles above its tables nor its name say which network it is from"
            }
        ))),
    }
}

/// Of several plugins that recognise a file, those whose network the file
/// names first: in the title above a table's header ("Instagram reach" above
/// Business Suite's `Date,Primary`), else in the file's name. Reading a
/// title-less header the same way, Facebook's and Instagram's plugins both
/// claim every daily series; the title is what tells them apart. A file whose
/// tables name several networks goes to the plugin of the first, which reads
/// each table under the network its title names. All of them when the file
/// names none of their networks: then the source must name the plugin.
fn named_first<'a>(
    found: &[&'a Plugin],
    decoded: &decode::Decoded,
    shown: &str,
) -> Vec<&'a Plugin> {
    let at: Vec<Option<usize>> = found
        .iter()
        .map(|p| network_named(p, decoded, shown))
        .collect();
    match at.iter().flatten().min() {
        Some(first) => found
            .iter()
            .zip(&at)
            .filter(|(_, a)| *a == &Some(*first))
            .map(|(p, _)| *p)
            .collect(),
        None => found.to_vec(),
    }
}

/// Where a file first names the plugin's network as a word: the index of the
/// table whose title lines (above the header its layouts find) name it, or
/// after every table, the file's name.
fn network_named(plugin: &Plugin, decoded: &decode::Decoded, shown: &str) -> Option<usize> {
    let network = plugin.manifest.network.as_deref()?.to_lowercase();
    let names = |text: &str| {
        text.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == network)
    };
    let matches = reader::match_layouts(decoded, &plugin.manifest.layouts);
    decoded
        .grids
        .iter()
        .position(|g| {
            matches.iter().any(|(m, h, _)| {
                std::ptr::eq(*m, g) && g.rows[..*h].iter().any(|r| r.cells.iter().any(&names))
            })
        })
        .or_else(|| names(shown).then_some(decoded.grids.len()))
}

/// Enough of a file to recognise it: the first 64 KiB of CSV, all of JSON, a
/// spreadsheet or a zip (what a file is comes from its first bytes, not its
/// name). A message names the file.
fn sniff(file: &Path, shown: &str) -> std::result::Result<decode::Decoded, String> {
    use std::io::Read;
    let limit = decode::limits::SNIFF_BYTES;
    let mut bytes = Vec::new();
    let mut f = std::fs::File::open(file).map_err(|e| format!("{shown}: {e}"))?;
    (&mut f)
        .take(limit as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{shown}: {e}"))?;
    // JSON, too, is read whole: a document cut short is not JSON.
    let json = matches!(
        decode::Format::named(shown),
        Some(decode::Format::Json | decode::Format::Ndjson)
    ) || {
        let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        start
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| matches!(b, b'{' | b'['))
    };
    if json || decode::Content::needs_whole_file(&bytes) {
        f.read_to_end(&mut bytes)
            .map_err(|e| format!("{shown}: {e}"))?;
    } else if bytes.len() == limit {
        let cut = bytes
            .iter()
            .rposition(|&b| b == b'\n')
            .unwrap_or(bytes.len());
        bytes.truncate(cut);
    }
    decode::decode(shown, bytes, None, None).map_err(|e| format!("{shown}: {e}"))
}

/// Each resolved file's size and modification time, in order: what tells a
/// file that changed between two reads of a load.
pub fn stamps(resolved: &[Resolved]) -> Vec<(u64, Option<std::time::SystemTime>)> {
    resolved
        .iter()
        .flat_map(|r| &r.files)
        .map(|(f, _)| match f.metadata() {
            Ok(m) => (m.len(), m.modified().ok()),
            Err(_) => (0, None),
        })
        .collect()
}

/// The first file whose stamp differs from `before`'s.
pub fn changed<'a>(
    resolved: &'a [Resolved],
    before: &[(u64, Option<std::time::SystemTime>)],
) -> Option<&'a Path> {
    let files = resolved.iter().flat_map(|r| &r.files);
    stamps(resolved)
        .iter()
        .zip(before)
        .zip(files)
        .find(|((now, then), _)| now != then)
        .map(|(_, (f, _))| f.as_path())
}

/// Reads every resolved file into the cube, with a tally of each.
pub fn load(
    ws: &Workspace,
    registry: &Registry,
    resolved: &[Resolved],
    cube: &mut Cube,
    progress: &progress::Progress,
    pushed: &postgres::Pushdown,
) -> Result<()> {
    for r in resolved {
        if let Some((wh, network)) = &r.warehouse {
            let shown = postgres::shown(r.source, wh);
            let mut tally = Tally::new(&shown, "postgres");
            cube.next_file();
            let sent = postgres::load(
                ws,
                r.source,
                wh,
                network.as_deref(),
                cube,
                pushed,
                &mut tally,
            )?;
            cube.finish_file(&mut tally);
            tally.merged += sent.merged;
            cube.tallies.push(tally);
            if let Some(message) = cube.span_problem(ws.limits.date_span_years) {
                return Err(Error::usage(message));
            }
            continue;
        }
        let ctx = r.ctx(ws);
        for (file, plugin) in r.runs() {
            let m = &plugin.manifest;
            for (name, kind) in m.all_metrics() {
                cube.declare_metric(&name, kind, &m.name);
            }
            if let Some(f) = file {
                progress.file(&ctx.shown(f));
            }
            let file_ctx = ctx.file_ctx(file, plugin);
            let mut tally = Tally::new(&file_ctx.shown, &m.name);
            cube.next_file();
            let rows = cube.rows();
            match (m.kind, file) {
                (PluginKind::Canonical, Some(file)) => {
                    canonical::read(file, &ctx, cube, progress)?;
                    tally.rows = cube.rows() - rows;
                    tally.records = tally.rows;
                }
                _ => {
                    let mut sink = emit::CubeSink::new(cube, &m.name);
                    reader::read_file(plugin, registry, &file_ctx, &mut sink, &mut tally)?;
                    sink.finish();
                    progress.inc(file.and_then(|f| f.metadata().ok()).map_or(0, |m| m.len()));
                }
            }
            cube.finish_file(&mut tally);
            cube.tallies.push(tally);
            // After each file: a year typo must stop the run before the
            // next files add to what its span costs.
            if let Some(message) = cube.span_problem(ws.limits.date_span_years) {
                return Err(Error::usage(message));
            }
        }
    }
    Ok(())
}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Error {
        Error::Diagnostics(d)
    }
}
