//! What `watch` watches, and which file events are worth a new run.
//!
//! A [`Plan`] is derived from the workspace: `kpiscope.toml` (through a
//! watch on the root folder alone, so that `target/`, `.git/` or a large
//! output folder are never walked), `scripts/`, `plugins/` and `tests/`, and
//! the base folder of each `[[source]]` glob (the part before its first
//! wildcard). An event counts when it is one of those files, or a file a glob
//! matches (new files too), or a folder the plan waits for appearing; never
//! the output file, a temporary file, an editor's swap or backup file, an
//! unfinished download, or anything in a hidden folder or `target/`.
//!
//! [`Watches`] keeps the notify watcher in line with the plan, which changes
//! when the config changes its sources.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use glob::{MatchOptions, Pattern};
use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::workspace::discover::CONFIG;

/// The workspace's own folders that hold inputs of a run.
const FOLDERS: [&str; 3] = ["scripts", "plugins", "tests"];

/// How a glob matches an event's path: as `glob::glob` finds files, `*` does
/// not cross a `/`.
const MATCH: MatchOptions = MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

#[derive(Debug, Clone)]
pub struct Plan {
    root: PathBuf,
    /// Folders to watch and how.
    dirs: Vec<(PathBuf, RecursiveMode)>,
    /// The sources' globs, as absolute patterns.
    patterns: Vec<Pattern>,
    /// Folders whose appearing or disappearing matters: the workspace's own
    /// folders and the globs' base folders.
    wanted: Vec<PathBuf>,
    /// Base folders of globs with a wildcard in a folder name: a folder moved
    /// in there may bring matching files without an event for each.
    recursive_bases: Vec<PathBuf>,
    /// The output file (its folder resolved, and its name), never a trigger.
    output: Option<(PathBuf, OsString)>,
}

impl Plan {
    /// The config and the workspace's folders; sources come with
    /// [`Plan::with_sources`] once the config could be read.
    pub fn new(root: &Path, output: Option<&Path>) -> Plan {
        let root = absolute(root);
        let mut dirs = vec![(root.clone(), RecursiveMode::NonRecursive)];
        let mut wanted = Vec::new();
        for f in FOLDERS {
            dirs.push((root.join(f), RecursiveMode::Recursive));
            wanted.push(root.join(f));
        }
        let output = output.and_then(|o| {
            let o = absolute(o);
            let name = o.file_name()?.to_os_string();
            let parent = o.parent()?;
            Some((resolved(parent), name))
        });
        Plan {
            root,
            dirs,
            patterns: Vec::new(),
            wanted,
            recursive_bases: Vec::new(),
            output,
        }
    }

    /// This plan plus the sources' globs (relative to the root, or absolute).
    pub fn with_sources<'a>(&self, globs: impl Iterator<Item = &'a str>) -> Plan {
        let mut plan = Plan::new(&self.root, None);
        plan.output = self.output.clone();
        for g in globs {
            let full = normalize(&self.root.join(g));
            let Ok(pattern) = Pattern::new(&full.to_string_lossy()) else {
                // The session reports a bad glob; nothing to watch for it.
                continue;
            };
            let (base, rest) = split_glob(&full);
            let mode = if rest > 1 {
                plan.recursive_bases.push(base.clone());
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            plan.dirs.push((base.clone(), mode));
            plan.wanted.push(base);
            plan.patterns.push(pattern);
        }
        plan
    }

    /// Whether an event of `kind` on `path` should cause a new run.
    pub fn relevant(&self, kind: &EventKind, path: &Path) -> bool {
        let Some(name) = path.file_name() else {
            return false;
        };
        if is_junk(&name.to_string_lossy()) || self.is_output(path) {
            return false;
        }
        if let Ok(rel) = path.strip_prefix(&self.root) {
            if rel.components().any(|c| {
                let c = c.as_os_str().to_string_lossy();
                c.starts_with('.') || c == "target"
            }) {
                return false;
            }
            if rel == Path::new(CONFIG) || FOLDERS.iter().any(|f| rel.starts_with(f)) {
                return true;
            }
        }
        if self
            .patterns
            .iter()
            .any(|p| p.matches_path_with(path, MATCH))
        {
            return true;
        }
        // A folder of the plan appearing or going (not the root itself:
        // without it there is nothing to run).
        let structural = matches!(
            kind,
            EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
        );
        structural
            && path != self.root
            && (self.wanted.iter().any(|w| w.starts_with(path))
                || (self.recursive_bases.iter().any(|b| path.starts_with(b)) && path.is_dir()))
    }

    fn is_output(&self, path: &Path) -> bool {
        let Some((dir, name)) = &self.output else {
            return false;
        };
        path.file_name() == Some(name.as_os_str())
            && path.parent().is_some_and(|p| resolved(p) == *dir)
    }

    /// A path as messages show it: relative to the workspace when inside it.
    pub fn show(&self, path: &Path) -> String {
        match path.strip_prefix(&self.root) {
            Ok(rel) if rel.as_os_str().is_empty() => ".".into(),
            Ok(rel) => rel.display().to_string(),
            Err(_) => path.display().to_string(),
        }
    }

    /// What is watched, for the line printed after the first run: the
    /// config, the workspace's folders that exist, and the sources' globs.
    pub fn describe(&self) -> String {
        let mut parts = vec![CONFIG.to_string()];
        for f in FOLDERS {
            if self.root.join(f).is_dir() {
                parts.push(format!("{f}/"));
            }
        }
        for p in &self.patterns {
            let shown = self.show(Path::new(p.as_str()));
            if !parts.contains(&shown) {
                parts.push(shown);
            }
        }
        parts.join(", ")
    }
}

/// Whether an event counts at all: a change of content, a file appearing,
/// going or renamed, or a file closed after writing. Opening and reading
/// files (which every run does) do not.
pub fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Files that editors, office suites, browsers and `-o` write beside real
/// files and that never are inputs: hidden files (vim's `.x.swp`, emacs's
/// `.#x`, LibreOffice's `.~lock.x#`, the `.tmpXXXX` of atomic writes),
/// backups `x~`, emacs's `#x#`, Office's `~$x.xlsx`, vim's `4913` probe, and
/// downloads still in progress.
fn is_junk(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with("~$")
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [".swp", ".swo", ".swx", ".crdownload", ".part", ".download"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// The folder before a glob's first wildcard, and how many path components
/// follow it (1: the wildcard is in the file name only).
fn split_glob(full: &Path) -> (PathBuf, usize) {
    let mut base = PathBuf::new();
    let mut components = full.components();
    for c in components.by_ref() {
        if c.as_os_str().to_string_lossy().contains(['*', '?', '[']) {
            return (base, 1 + components.count());
        }
        base.push(c);
    }
    // No wildcard: one file, watched through its folder.
    let folder = full.parent().map(Path::to_path_buf).unwrap_or(base);
    (folder, 1)
}

/// An absolute path, without `.` and `..` (lexically: watch paths and glob
/// patterns are compared as text, so both are made the same way).
fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        normalize(p)
    } else {
        let cwd = std::env::current_dir().unwrap_or_default();
        normalize(&cwd.join(p))
    }
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// A folder with its symlinks resolved when it exists, to recognise the
/// output file however its path was written.
fn resolved(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| normalize(dir))
}

/// The notify watcher and the folders it watches now.
pub struct Watches {
    watcher: RecommendedWatcher,
    active: Vec<Active>,
}

struct Active {
    path: PathBuf,
    mode: RecursiveMode,
    /// The folder's identity when watched: a folder deleted and made again
    /// is a new one and must be watched again.
    id: Option<(u64, u64)>,
}

impl Watches {
    pub fn new(watcher: RecommendedWatcher) -> Watches {
        Watches {
            watcher,
            active: Vec::new(),
        }
    }

    /// Watches what `plan` asks for and stops watching the rest. A folder
    /// that does not exist yet is waited for through its nearest existing
    /// parent. Returns the problems, as warnings: a watch that cannot be
    /// set does not stop the others.
    pub fn apply(&mut self, plan: &Plan) -> Vec<String> {
        let mut wanted: Vec<(PathBuf, RecursiveMode)> = Vec::new();
        for (dir, mode) in &plan.dirs {
            let (dir, mode) = if dir.is_dir() {
                (dir.clone(), *mode)
            } else {
                match dir.ancestors().skip(1).find(|a| a.is_dir()) {
                    Some(a) => (a.to_path_buf(), RecursiveMode::NonRecursive),
                    None => continue,
                }
            };
            match wanted.iter_mut().find(|(d, _)| *d == dir) {
                Some(w) if mode == RecursiveMode::Recursive => w.1 = mode,
                Some(_) => {}
                None => wanted.push((dir, mode)),
            }
        }
        // A folder inside one watched recursively is watched already.
        let covered = |d: &Path, all: &[(PathBuf, RecursiveMode)]| {
            all.iter()
                .any(|(a, m)| *m == RecursiveMode::Recursive && a != d && d.starts_with(a))
        };
        let wanted: Vec<_> = wanted
            .iter()
            .filter(|(d, _)| !covered(d, &wanted))
            .cloned()
            .collect();

        let mut problems = Vec::new();
        let watcher = &mut self.watcher;
        self.active.retain(|a| {
            let keep = wanted.contains(&(a.path.clone(), a.mode)) && identity(&a.path) == a.id;
            if !keep {
                // It may be gone already (its folder deleted): nothing to undo then.
                let _ = watcher.unwatch(&a.path);
            }
            keep
        });
        for (dir, mode) in wanted {
            if self.active.iter().any(|a| a.path == dir) {
                continue;
            }
            match self.watcher.watch(&dir, mode) {
                Ok(()) => self.active.push(Active {
                    id: identity(&dir),
                    path: dir,
                    mode,
                }),
                Err(e) => problems.push(format!("cannot watch {}: {e}", dir.display())),
            }
        }
        problems
    }
}

#[cfg(unix)]
fn identity(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(p: &Path) -> Option<(u64, u64)> {
    p.is_dir().then_some((0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange};

    fn plan() -> Plan {
        Plan::new(Path::new("/ws"), Some(Path::new("/ws/out.json")))
            .with_sources(["data/x/*.csv", "../shared/**/*.json", "costs.csv"].into_iter())
    }

    const DATA: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Content));
    const NEW: EventKind = EventKind::Create(CreateKind::Folder);

    #[test]
    fn inputs_count() {
        let p = plan();
        for path in [
            "/ws/kpiscope.toml",
            "/ws/scripts/my.rhai",
            "/ws/plugins/pin/plugin.toml",
            "/ws/tests/a.toml",
            "/ws/data/x/2026-10.csv",
            "/ws/costs.csv",
            "/shared/a/b/c.json",
        ] {
            assert!(p.relevant(&DATA, Path::new(path)), "{path}");
        }
        // Folders of the plan appearing.
        assert!(p.relevant(&NEW, Path::new("/ws/data")));
        assert!(p.relevant(&NEW, Path::new("/ws/scripts")));
        assert!(p.relevant(&NEW, Path::new("/shared")));
    }

    #[test]
    fn the_rest_does_not() {
        let p = plan();
        for path in [
            "/ws/out.json",
            "/ws/.tmpA1b2C3",
            "/ws/data/x/.2026-10.csv.swp",
            "/ws/data/x/2026-10.csv~",
            "/ws/data/x/#2026-10.csv#",
            "/ws/data/x/~$2026-10.csv",
            "/ws/data/x/4913",
            "/ws/data/x/2026-10.csv.crdownload",
            "/ws/data/x/notes.txt",
            "/ws/data/y/2026-10.csv",
            "/ws/scripts/.my.rhai.swp",
            "/ws/.git/index",
            "/ws/target/debug/x",
            "/ws/README.md",
            "/ws",
        ] {
            assert!(!p.relevant(&DATA, Path::new(path)), "{path}");
        }
        assert!(!p.relevant(&DATA, Path::new("/ws/data")));
    }

    #[test]
    fn reads_are_not_changes() {
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            notify::event::AccessMode::Any
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&DATA));
    }

    #[test]
    fn globs_split_at_the_first_wildcard() {
        assert_eq!(
            split_glob(Path::new("/ws/data/x/*.csv")),
            (PathBuf::from("/ws/data/x"), 1)
        );
        assert_eq!(
            split_glob(Path::new("/ws/data/*/posts.csv")),
            (PathBuf::from("/ws/data"), 2)
        );
        assert_eq!(
            split_glob(Path::new("/ws/costs.csv")),
            (PathBuf::from("/ws"), 1)
        );
        assert_eq!(normalize(Path::new("/ws/./a/../b")), PathBuf::from("/ws/b"));
    }
}
