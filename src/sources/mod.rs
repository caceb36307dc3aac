//! Sources: each `[[source]]` names files (a glob) and the plugin that reads
//! them. Plugins turn files into canonical records, which stream into the cube.

pub mod canonical;
pub mod manifest;
pub mod number;
pub mod registry;

use std::path::{Path, PathBuf};

use crate::aggregate::Cube;
use crate::diagnostic::{Diagnostics, suggest};
use crate::error::{Error, Result};
use crate::workspace::{Source, Workspace};
use manifest::PluginKind;
pub use registry::{Plugin, Registry};

/// What a plugin needs to know while reading a file.
pub struct SourceCtx<'a> {
    pub source: &'a Source,
    pub root: &'a Path,
    pub timezone: jiff::tz::TimeZone,
}

impl SourceCtx<'_> {
    /// A file's path as messages show it: relative to the workspace.
    pub fn shown(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// A source with its files and plugin resolved.
pub struct Resolved<'a> {
    pub source: &'a Source,
    pub files: Vec<(PathBuf, &'a Plugin)>,
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
        let files = match ws.source_files(source) {
            Ok(f) => f,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let mut resolved = Vec::new();
        for file in files {
            let plugin = match explicit {
                Some(p) => p,
                None => match detect(&file, registry) {
                    Ok(p) => p,
                    Err(message) => {
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
        });
    }
    problems.into_result(out)
}

fn detect<'a>(file: &Path, registry: &'a Registry) -> std::result::Result<&'a Plugin, String> {
    let shown = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(file)
        .map_err(|e| format!("{shown}: {e}"))?;
    let mut header = csv::StringRecord::new();
    rdr.read_record(&mut header)
        .map_err(|e| format!("{shown}: {e}"))?;
    let header: Vec<String> = header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let found = registry.detect(&header);
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "no plugin recognises the columns of {shown} ({})",
            header.join(", ")
        )),
        many => Err(format!(
            "several plugins recognise {shown}: {}",
            many.iter()
                .map(|p| p.manifest.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Reads every resolved file into the cube.
pub fn load(ws: &Workspace, resolved: &[Resolved], cube: &mut Cube) -> Result<()> {
    for r in resolved {
        let ctx = SourceCtx {
            source: r.source,
            root: &ws.root,
            timezone: ws.timezone.clone(),
        };
        for (file, plugin) in &r.files {
            for (name, kind) in &plugin.manifest.metrics {
                cube.declare_metric(name, *kind, &plugin.manifest.name);
            }
            match plugin.manifest.kind {
                PluginKind::Canonical => canonical::read(file, &ctx, cube)?,
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
