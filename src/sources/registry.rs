//! The plugin registry: built-in plugins from the repository's `plugins/`,
//! embedded in the binary, plus a workspace's `plugins/`, which add to them or
//! override them by name.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rhai::AST;

use include_dir::{Dir, include_dir};

use super::manifest::{Manifest, PluginKind};
use super::script::SCRIPT;
use crate::diagnostic::{Diagnostic, Diagnostics, suggest};
use crate::kpi::sandbox::{forbidden_statement, sandboxed_engine, too_large};
use crate::limits::Limits;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/plugins");

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    /// A plugin in this folder; `overrides` when a built-in has its name.
    Workspace {
        dir: PathBuf,
        overrides: bool,
    },
}

/// Where a plugin's files are.
#[derive(Debug, Clone)]
pub enum Files {
    Embedded(&'static Dir<'static>),
    /// A folder, and the folder as messages show it.
    Disk(PathBuf, PathBuf),
}

#[derive(Debug, Clone)]
pub struct Plugin {
    pub manifest: Manifest,
    pub origin: Origin,
    pub files: Files,
    /// A rhai plugin's `map.rhai`, compiled once: a workspace plugin's when
    /// the registry checks it, a built-in's (the binary's own, which the
    /// tests check) when a file first needs it, as most runs read none
    /// through it and compiling the seven took longer than the rest of
    /// opening a workspace.
    script: OnceLock<Option<Arc<AST>>>,
}

impl Plugin {
    /// A plugin as its manifest and files describe it, its script not yet
    /// compiled.
    pub fn new(manifest: Manifest, origin: Origin, files: Files) -> Plugin {
        Plugin {
            manifest,
            origin,
            files,
            script: OnceLock::new(),
        }
    }

    /// A rhai plugin's compiled `map.rhai`; `None` for other plugins.
    pub fn script(&self) -> Option<Arc<AST>> {
        self.script
            .get_or_init(|| {
                // Only a built-in's is left to now (see `Registry::add`).
                let source = self.file_text(SCRIPT)?;
                let shown = self.shown_file(SCRIPT);
                check_script(&shown, &source, &Limits::default(), &self.origin)
                    .ok()
                    .map(Arc::new)
            })
            .clone()
    }

    /// Whether the plugin's script reads whole JSON documents.
    pub fn maps_documents(&self) -> bool {
        self.script().as_ref().is_some_and(|ast| {
            ast.iter_functions()
                .any(|f| f.name == "map_document" && f.params.len() == 1)
        })
    }

    /// A file of the plugin's folder, as text.
    pub fn file_text(&self, rel: &str) -> Option<String> {
        match &self.files {
            Files::Embedded(d) => d
                .get_file(d.path().join(rel))
                .and_then(|f| f.contents_utf8())
                .map(str::to_string),
            Files::Disk(p, _) => std::fs::read_to_string(p.join(rel)).ok(),
        }
    }

    /// A file of the plugin as messages show it.
    pub fn shown_file(&self, rel: &str) -> String {
        match &self.files {
            Files::Embedded(d) => format!("plugins/{}/{rel}", d.path().display()),
            Files::Disk(_, shown) => shown.join(rel).display().to_string(),
        }
    }

    /// The files of `fixtures/`, sorted by name: (name, bytes).
    pub fn fixture_files(&self) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<(String, Vec<u8>)> = match &self.files {
            Files::Embedded(d) => d
                .get_dir(d.path().join("fixtures"))
                .map(|f| {
                    f.files()
                        .map(|file| {
                            let name = file.path().file_name().unwrap_or_default();
                            (
                                name.to_string_lossy().into_owned(),
                                file.contents().to_vec(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            Files::Disk(p, _) => std::fs::read_dir(p.join("fixtures"))
                .map(|rd| {
                    rd.filter_map(|e| e.ok())
                        .filter(|e| e.path().is_file())
                        .filter_map(|e| {
                            let bytes = std::fs::read(e.path()).ok()?;
                            Some((e.file_name().to_string_lossy().into_owned(), bytes))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub plugins: Vec<Plugin>,
}

impl Registry {
    /// Built-ins, then the workspace's plugins; every manifest problem at once.
    pub fn load(workspace: &Path) -> Result<Registry, Diagnostics> {
        let (reg, problems) = Self::load_partial(workspace);
        if problems.is_empty() {
            Ok(reg)
        } else {
            Err(problems)
        }
    }

    /// The plugins that load, and the problems of those that do not: a
    /// broken plugin should not hide what the others declare.
    pub fn load_partial(workspace: &Path) -> (Registry, Diagnostics) {
        Self::load_limited(workspace, &Limits::default())
    }

    /// [`Registry::load_partial`] with a workspace's limits (the size of a
    /// `map.rhai`).
    pub fn load_limited(workspace: &Path, limits: &Limits) -> (Registry, Diagnostics) {
        Self::load_from(Some(workspace), limits)
    }

    /// The built-in plugins alone: outside a workspace, a `plugins/` folder
    /// of the current directory (this repository's, say) is nobody's.
    pub fn builtin() -> Registry {
        Self::load_from(None, &Limits::default()).0
    }

    fn load_from(workspace: Option<&Path>, limits: &Limits) -> (Registry, Diagnostics) {
        let mut reg = Registry::default();
        let mut problems = Diagnostics::default();
        let mut builtin: Vec<_> = BUILTIN.dirs().collect();
        builtin.sort_by_key(|d| d.path());
        for dir in builtin {
            let Some(file) = dir.get_file(dir.path().join("plugin.toml")) else {
                continue;
            };
            let text = file.contents_utf8().unwrap_or_default();
            let shown = format!("plugins/{}", file.path().display());
            match Manifest::parse(&shown, text) {
                Ok(m) => reg.add(
                    Plugin::new(m, Origin::Builtin, Files::Embedded(dir)),
                    &mut problems,
                    limits,
                ),
                Err(d) => problems.0.extend(d.0),
            }
        }
        let Some(workspace) = workspace else {
            return (reg, problems);
        };
        let dir = workspace.join("plugins");
        // The workspace plugins loaded so far, by name: two folders with one
        // name would leave one of them unused without a word.
        let mut own: Vec<(String, PathBuf)> = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
            entries.sort();
            for plugin_dir in entries
                .into_iter()
                .filter(|p| p.join("plugin.toml").is_file())
            {
                let shown = plugin_dir
                    .strip_prefix(workspace)
                    .unwrap_or(&plugin_dir)
                    .to_path_buf();
                match load_dir(&plugin_dir, &shown, limits) {
                    Ok(p) if own.iter().any(|(n, _)| *n == p.manifest.name) => {
                        let first = own
                            .iter()
                            .find(|(n, _)| *n == p.manifest.name)
                            .map(|(_, d)| d.display().to_string())
                            .unwrap_or_default();
                        let file = shown.join("plugin.toml").display().to_string();
                        let text = p.file_text("plugin.toml").unwrap_or_default();
                        problems.push(
                            Diagnostic::at_span(
                                &file,
                                &text,
                                p.manifest.name_span.clone(),
                                format!(
                                    "two workspace plugins are named `{}`: {first} and {}",
                                    p.manifest.name,
                                    shown.display()
                                ),
                            )
                            .with_hint("a plugin's name is what `plugin = \"...\"` in kpiscope.toml names: rename one, or remove the folder that is not used"),
                        );
                    }
                    Ok(mut p) => {
                        own.push((p.manifest.name.clone(), shown.clone()));
                        let overrides = reg.get(&p.manifest.name).is_some();
                        reg.plugins.retain(|q| q.manifest.name != p.manifest.name);
                        p.origin = Origin::Workspace {
                            dir: plugin_dir.clone(),
                            overrides,
                        };
                        reg.add(p, &mut problems, limits);
                    }
                    Err(d) => problems.0.extend(d.0),
                }
            }
        }
        (reg, problems)
    }

    /// Adds a plugin after checking what the manifest alone cannot: that a
    /// rhai plugin has its script.
    fn add(&mut self, p: Plugin, problems: &mut Diagnostics, limits: &Limits) {
        // A built-in's script is compiled when first needed (see
        // `Plugin::script`).
        if p.manifest.kind == PluginKind::Rhai && p.origin != Origin::Builtin {
            let shown = p.shown_file(SCRIPT);
            match p.file_text(SCRIPT) {
                Some(source) => match check_script(&shown, &source, limits, &p.origin) {
                    Ok(ast) => {
                        let _ = p.script.set(Some(Arc::new(ast)));
                    }
                    Err(d) => problems.push(d),
                },
                None => problems.push(Diagnostic::file(
                    &p.shown_file("plugin.toml"),
                    format!("a rhai plugin needs {SCRIPT} beside its plugin.toml"),
                )),
            }
        }
        self.plugins.push(p);
    }

    pub fn get(&self, name: &str) -> Option<&Plugin> {
        self.plugins.iter().find(|p| p.manifest.name == name)
    }

    /// The workspace plugins that replace a built-in one of their name, as
    /// `validate` and `-v` say: replacing is allowed, but should not go
    /// unnoticed.
    pub fn replacements(&self) -> Vec<String> {
        self.plugins
            .iter()
            .filter_map(|p| match &p.files {
                Files::Disk(_, shown)
                    if matches!(
                        p.origin,
                        Origin::Workspace {
                            overrides: true,
                            ..
                        }
                    ) =>
                {
                    Some(format!(
                        "{} replaces the built-in plugin `{}`",
                        shown.display(),
                        p.manifest.name
                    ))
                }
                _ => None,
            })
            .collect()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.plugins.iter().map(|p| p.manifest.name.as_str())
    }
}

/// A plugin's `map.rhai`, compiled, if it defines `map_row(row)` or
/// `map_document(doc)`; else the problem, with its place.
fn check_script(
    shown: &str,
    source: &str,
    limits: &Limits,
    origin: &Origin,
) -> Result<AST, Diagnostic> {
    // Before parsing: rhai parses some large inputs in quadratic time. A
    // built-in plugin's script is the binary's own, never too large.
    if let Some(message) = too_large(source, limits)
        && !matches!(origin, Origin::Builtin)
    {
        return Err(Diagnostic::file(shown, message));
    }
    let at = |pos: rhai::Position, message: String| {
        Diagnostic::at(
            shown,
            source,
            pos.line().unwrap_or(1),
            pos.position().unwrap_or(1),
            message,
        )
    };
    let ast = sandboxed_engine(limits)
        .compile(source)
        .map_err(|e| at(e.1, e.0.to_string()))?;
    if let Some((pos, message)) = forbidden_statement(&ast) {
        return Err(at(pos, message));
    }
    let defines = |name: &str| {
        ast.iter_functions()
            .any(|f| f.name == name && f.params.len() == 1)
    };
    if defines("map_row") || defines("map_document") {
        return Ok(ast);
    }
    let names: Vec<String> = ast.iter_functions().map(|f| f.name.to_string()).collect();
    let hint = suggest("map_row", names.iter().map(String::as_str))
        .map(|n| format!(" (is `{n}` meant to be `map_row`?)"))
        .unwrap_or_default();
    Err(Diagnostic::file(
        shown,
        format!("the script defines neither `fn map_row(row)` nor `fn map_document(doc)`{hint}"),
    ))
}

/// A plugin folder on disk, shown in messages as `shown`, loaded with a
/// workspace's limits (the size of a `map.rhai`).
pub fn load_dir(dir: &Path, shown: &Path, limits: &Limits) -> Result<Plugin, Diagnostics> {
    let path = dir.join("plugin.toml");
    let shown_toml = shown.join("plugin.toml").display().to_string();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Diagnostics(vec![Diagnostic::file(&shown_toml, e.to_string())]))?;
    let manifest = Manifest::parse(&shown_toml, &text)?;
    let p = Plugin::new(
        manifest,
        Origin::Workspace {
            dir: dir.to_path_buf(),
            overrides: false,
        },
        Files::Disk(dir.to_path_buf(), shown.to_path_buf()),
    );
    let mut problems = Diagnostics::default();
    let mut reg = Registry::default();
    reg.add(p, &mut problems, limits);
    if problems.is_empty() {
        Ok(reg.plugins.remove(0))
    } else {
        Err(problems)
    }
}
