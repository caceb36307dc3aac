//! What reading needs to know besides the bytes: the source a file belongs
//! to (`SourceCtx`), and for one file with its plugin (`FileCtx`): where it
//! is, how messages name it, and the source's settings. Every plugin kind
//! reads it; none of them calls back into the reader that dispatched to it.

use std::path::{Path, PathBuf};

use super::Plugin;
use crate::limits::Limits;
use crate::workspace::Source;

/// What the canonical reader needs to know while reading a file.
pub struct SourceCtx<'a> {
    pub source: &'a Source,
    pub root: &'a Path,
    pub timezone: jiff::tz::TimeZone,
    /// The workspace's limits (what a `map.rhai` may cost).
    pub limits: Limits,
}

impl SourceCtx<'_> {
    /// A file's path as messages show it: relative to the workspace.
    pub fn shown(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// What a plugin needs to read `path` (`None`: a command that reads no file).
    pub fn file_ctx(&self, path: Option<&Path>, plugin: &Plugin) -> FileCtx {
        FileCtx {
            shown: path
                .map(|p| self.shown(p))
                .unwrap_or_else(|| self.source.describe()),
            path: path.map(Path::to_path_buf),
            root: self.root.to_path_buf(),
            timezone: self.timezone.clone(),
            year: self.source.year,
            decimal: self.source.decimal,
            account: self.source.account.clone(),
            network: self.source.network.clone(),
            plugin_network: plugin.manifest.network.clone(),
            settings: self.source.settings.clone(),
            limits: self.limits,
        }
    }
}

/// What reading a file needs besides the plugin: where it is and the
/// source's settings.
#[derive(Debug, Clone)]
pub struct FileCtx {
    /// The file as messages show it.
    pub shown: String,
    pub path: Option<PathBuf>,
    pub root: PathBuf,
    pub timezone: jiff::tz::TimeZone,
    /// The source's `year` for year-less dates.
    pub year: Option<i32>,
    /// The source's decimal mark, which wins over the cells'.
    pub decimal: Option<char>,
    /// The source's `account`, which wins over an account column.
    pub account: Option<String>,
    /// The source's `network`, which wins over the plugin's.
    pub network: Option<String>,
    pub plugin_network: Option<String>,
    pub settings: toml::Table,
    /// The workspace's limits (what a `map.rhai` may cost).
    pub limits: Limits,
}

impl FileCtx {
    /// The context of a test reading `path` with `plugin`: UTC, year-less
    /// dates in 2026, no source settings.
    #[cfg(test)]
    pub fn for_test(shown: &str, path: &Path, root: &Path, plugin: &Plugin) -> FileCtx {
        FileCtx {
            shown: shown.to_string(),
            path: Some(path.to_path_buf()),
            root: root.to_path_buf(),
            timezone: jiff::tz::TimeZone::UTC,
            year: Some(2026),
            decimal: None,
            account: None,
            network: None,
            plugin_network: plugin.manifest.network.clone(),
            settings: toml::Table::new(),
            limits: Default::default(),
        }
    }

    /// The source's network, else the row's, else the plugin's.
    pub fn network<'a>(&'a self, from_row: Option<&'a str>) -> &'a str {
        self.network
            .as_deref()
            .or(from_row.filter(|n| !n.is_empty()))
            .or(self.plugin_network.as_deref())
            .unwrap_or("unknown")
    }

    /// The source's account, else the row's, else the network's name (one
    /// account per network needs no setting).
    pub fn account<'a>(&'a self, from_row: Option<&'a str>, network: &'a str) -> &'a str {
        self.account
            .as_deref()
            .or(from_row.filter(|a| !a.is_empty()))
            .unwrap_or(network)
    }
}
