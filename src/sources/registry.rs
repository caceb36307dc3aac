//! The plugin registry: built-in plugins from the repository's `plugins/`,
//! embedded in the binary, plus a workspace's `plugins/`, which add to them or
//! override them by name.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use super::manifest::Manifest;
use crate::diagnostic::Diagnostics;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/plugins");

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    /// A workspace plugin, in this folder; `overrides` when a built-in has its name.
    Workspace {
        dir: PathBuf,
        overrides: bool,
    },
}

#[derive(Debug, Clone)]
pub struct Plugin {
    pub manifest: Manifest,
    pub origin: Origin,
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub plugins: Vec<Plugin>,
}

impl Registry {
    /// Built-ins, then the workspace's plugins; every manifest problem at once.
    pub fn load(workspace: &Path) -> Result<Registry, Diagnostics> {
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
                Ok(m) => reg.plugins.push(Plugin {
                    manifest: m,
                    origin: Origin::Builtin,
                }),
                Err(d) => problems.0.extend(d.0),
            }
        }
        let dir = workspace.join("plugins");
        if let Ok(entries) = std::fs::read_dir(&dir) {
            let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
            entries.sort();
            for plugin_dir in entries
                .into_iter()
                .filter(|p| p.join("plugin.toml").is_file())
            {
                let path = plugin_dir.join("plugin.toml");
                let shown = path
                    .strip_prefix(workspace)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                let text = match std::fs::read_to_string(&path) {
                    Ok(t) => t,
                    Err(e) => {
                        problems.push(crate::diagnostic::Diagnostic::file(&shown, e.to_string()));
                        continue;
                    }
                };
                match Manifest::parse(&shown, &text) {
                    Ok(m) => {
                        let overrides = reg.plugins.iter().any(|p| p.manifest.name == m.name);
                        reg.plugins.retain(|p| p.manifest.name != m.name);
                        reg.plugins.push(Plugin {
                            manifest: m,
                            origin: Origin::Workspace {
                                dir: plugin_dir.clone(),
                                overrides,
                            },
                        });
                    }
                    Err(d) => problems.0.extend(d.0),
                }
            }
        }
        if problems.is_empty() {
            Ok(reg)
        } else {
            Err(problems)
        }
    }

    pub fn get(&self, name: &str) -> Option<&Plugin> {
        self.plugins.iter().find(|p| p.manifest.name == name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.plugins.iter().map(|p| p.manifest.name.as_str())
    }

    /// Plugins whose `detect` headers all appear in `header` (case-insensitive).
    pub fn detect(&self, header: &[String]) -> Vec<&Plugin> {
        let lower: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        self.plugins
            .iter()
            .filter(|p| {
                !p.manifest.detect.is_empty()
                    && p.manifest
                        .detect
                        .iter()
                        .all(|d| lower.iter().any(|h| *h == d.to_lowercase()))
            })
            .collect()
    }
}
