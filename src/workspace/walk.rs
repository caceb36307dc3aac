//! Expanding a `[[source]]` `path` glob into files, by our own walk rather
//! than `glob::glob`: that one follows every symlink into every folder, so a
//! link back up the tree (`data/loop -> .`) made a `**` read a file once per
//! level until the path grew too long (41 times), two such links made it walk
//! 2^40 paths (every command hung, `validate` too), and a folder it could not
//! read was skipped without a word.
//!
//! Here the glob is a small machine, one state per component of the pattern,
//! and a folder is walked at most once in each state (folders are known by
//! device and inode, which no link disguises): a loop ends where it comes
//! back, and the walk costs at most folders × components. Real folders are
//! walked before those reached only through links, so that a file reached
//! both ways is kept under its own path; a file reached twice is kept once.
//! `glob::Pattern` still matches each component, so the syntax is the same.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ffi::OsString;
use std::io;
use std::path::{Component, Path, PathBuf};

use glob::{MatchOptions, Pattern};

/// What a walk found: the files, sorted, and notes for `-v` (what a link
/// led to twice, which broken links were passed over).
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<PathBuf>,
    pub notes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("bad glob: {0}")]
    Pattern(String),
    /// A folder the walk had to look into, or a matched file, that cannot be
    /// read: an error, not a skip, so that no export goes missing unseen.
    #[error("cannot read the {} {}: {error}", if *folder { "folder" } else { "file" }, path.display())]
    Unreadable {
        path: PathBuf,
        folder: bool,
        error: io::Error,
    },
    #[error("matches more than {limit} files")]
    TooMany { limit: usize },
}

/// One component of the pattern.
enum Part {
    /// A name without wildcards: looked up, not listed.
    Literal(OsString),
    /// `**`: any number of folders, none included.
    Any,
    Glob(Pattern),
}

/// A file or folder as the file system knows it, whatever path reached it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Id {
    #[cfg(unix)]
    Node(u64, u64),
    #[cfg(not(unix))]
    Path(PathBuf),
}

fn id_of(path: &Path, meta: &std::fs::Metadata) -> io::Result<Id> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let _ = path;
        Ok(Id::Node(meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Ok(Id::Path(std::fs::canonicalize(path)?))
    }
}

/// Hidden files (editors' swap files) match only a pattern that names the
/// dot, as with `glob`'s `require_literal_leading_dot`.
const OPTIONS: MatchOptions = MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: true,
};

fn parts(pattern: &str) -> Result<(PathBuf, Vec<Part>), WalkError> {
    let mut start = PathBuf::new();
    let mut parts = Vec::new();
    for c in Path::new(pattern).components() {
        match c {
            // An absolute pattern starts at its root; only a leading
            // component can be one.
            Component::Prefix(_) | Component::RootDir => start.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => parts.push(Part::Literal("..".into())),
            Component::Normal(name) => {
                let text = name.to_string_lossy();
                if text == "**" {
                    parts.push(Part::Any);
                } else if text.contains(['*', '?', '[', ']']) {
                    let p =
                        Pattern::new(&text).map_err(|e| WalkError::Pattern(e.msg.to_string()))?;
                    parts.push(Part::Glob(p));
                } else {
                    parts.push(Part::Literal(name.to_os_string()));
                }
            }
        }
    }
    Ok((start, parts))
}

/// A folder to walk in a state, and whether a link led to it.
struct Visit {
    dir: PathBuf,
    state: usize,
    linked: bool,
}

/// A matched file.
struct Found {
    path: PathBuf,
    linked: bool,
}

struct Walk<'a> {
    root: &'a Path,
    parts: Vec<Part>,
    /// Real folders first, then those reached through a link.
    real: Vec<Visit>,
    linked: VecDeque<Visit>,
    seen: HashSet<(Id, usize)>,
    found: HashMap<Id, Vec<Found>>,
    notes: Vec<String>,
    limit: usize,
}

/// The files under `root` that `pattern` (relative to `root`, or absolute)
/// matches, each once, sorted; more than `limit` is an error.
pub fn expand(root: &Path, pattern: &str, limit: usize) -> Result<Walked, WalkError> {
    let (start, parts) = parts(pattern)?;
    if parts.is_empty() {
        return Ok(Walked::default());
    }
    let mut walk = Walk {
        root,
        parts,
        real: Vec::new(),
        linked: VecDeque::new(),
        seen: HashSet::new(),
        found: HashMap::new(),
        notes: Vec::new(),
        limit,
    };
    let start = root.join(start);
    walk.enter(start, 0, false)?;
    loop {
        let next = match walk.real.pop() {
            Some(v) => v,
            None => match walk.linked.pop_front() {
                Some(v) => v,
                None => break,
            },
        };
        walk.visit(next)?;
    }
    walk.finish()
}

impl Walk<'_> {
    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Queues `dir` in `state`, unless it was walked in that state already.
    fn enter(&mut self, dir: PathBuf, state: usize, linked: bool) -> Result<(), WalkError> {
        let meta = match std::fs::metadata(&dir) {
            Ok(m) if m.is_dir() => m,
            Ok(_) => return Ok(()),
            Err(e) if gone(&e) => return Ok(()),
            Err(error) => {
                return Err(WalkError::Unreadable {
                    path: dir,
                    folder: true,
                    error,
                });
            }
        };
        let id = id_of(&dir, &meta).map_err(|error| WalkError::Unreadable {
            path: dir.clone(),
            folder: true,
            error,
        })?;
        if !self.seen.insert((id, state)) {
            if linked {
                self.notes.push(format!(
                    "{} leads to a folder already walked (a link): not walked again",
                    self.shown(&dir)
                ));
            }
            return Ok(());
        }
        let visit = Visit { dir, state, linked };
        if linked {
            self.linked.push_back(visit);
        } else {
            self.real.push(visit);
        }
        Ok(())
    }

    fn visit(&mut self, v: Visit) -> Result<(), WalkError> {
        let last = v.state + 1 == self.parts.len();
        match &self.parts[v.state] {
            Part::Literal(name) => {
                let path = v.dir.join(name);
                let linked = v.linked || is_link(&path);
                if last {
                    self.candidate(path, linked)?;
                } else {
                    self.enter(path, v.state + 1, linked)?;
                }
            }
            Part::Glob(_) | Part::Any => {
                let any = matches!(self.parts[v.state], Part::Any);
                if any && !last {
                    // `**` matching no folder at all.
                    self.enter(v.dir.clone(), v.state + 1, v.linked)?;
                }
                for (name, path, kind) in self.list(&v.dir)? {
                    let text = name.to_string_lossy();
                    let matched = match &self.parts[v.state] {
                        Part::Glob(p) => p.matches_with(&text, OPTIONS),
                        _ => !text.starts_with('.'),
                    };
                    if !matched {
                        continue;
                    }
                    let link = kind.as_ref().is_none_or(|t| t.is_symlink());
                    let linked = v.linked || link;
                    // The listing's own type, but for a link (or a file
                    // system that does not say): where it leads.
                    let is_dir = match kind.filter(|t| !t.is_symlink()) {
                        Some(t) => t.is_dir(),
                        None => match std::fs::metadata(&path) {
                            Ok(m) => m.is_dir(),
                            Err(e) if gone(&e) => {
                                self.notes.push(format!(
                                    "{} is a broken link: skipped",
                                    self.shown(&path)
                                ));
                                continue;
                            }
                            // Listed but not to be looked at: the folder
                            // can be read but not searched (no `x`).
                            Err(error) => {
                                return Err(WalkError::Unreadable {
                                    path: v.dir.clone(),
                                    folder: true,
                                    error,
                                });
                            }
                        },
                    };
                    match (is_dir, any) {
                        // `**` goes on into every folder below, in its own state.
                        (true, true) => self.enter(path, v.state, linked)?,
                        (true, false) if !last => self.enter(path, v.state + 1, linked)?,
                        (false, _) if last => self.candidate(path, linked)?,
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }

    /// The entries of `dir`: name, path, and type as listed (`None` when
    /// the file system cannot say).
    fn list(
        &self,
        dir: &Path,
    ) -> Result<Vec<(OsString, PathBuf, Option<std::fs::FileType>)>, WalkError> {
        let unreadable = |error| WalkError::Unreadable {
            path: dir.to_path_buf(),
            folder: true,
            error,
        };
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(unreadable)? {
            let entry = entry.map_err(unreadable)?;
            out.push((entry.file_name(), entry.path(), entry.file_type().ok()));
        }
        // Sorted, so that which of two paths to one file is kept never
        // depends on the order the file system lists them in.
        out.sort_by(|a, b| a.0.cmp(&b.0));
        // Popped from the end of the stack: reversed to walk in order.
        out.reverse();
        Ok(out)
    }

    /// A path the whole pattern matched: kept when it is a readable file.
    fn candidate(&mut self, path: PathBuf, linked: bool) -> Result<(), WalkError> {
        // Office's lock files (`~$posts.xlsx`, there while the export is
        // open in Excel) are never exports.
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("~$"))
        {
            return Ok(());
        }
        let meta = match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => m,
            Ok(_) => return Ok(()),
            Err(e) if gone(&e) => return Ok(()),
            Err(error) => {
                return Err(WalkError::Unreadable {
                    path,
                    folder: false,
                    error,
                });
            }
        };
        // Opened now, so that a file kpiscope may not read is named here,
        // before any plugin is picked for it, rather than halfway through.
        if let Err(error) = std::fs::File::open(&path) {
            return Err(WalkError::Unreadable {
                path,
                folder: false,
                error,
            });
        }
        let id = id_of(&path, &meta).map_err(|error| WalkError::Unreadable {
            path: path.clone(),
            folder: false,
            error,
        })?;
        let linked = linked || is_link(&path);
        if !self.found.contains_key(&id) && self.found.len() >= self.limit {
            return Err(WalkError::TooMany { limit: self.limit });
        }
        self.found
            .entry(id)
            .or_default()
            .push(Found { path, linked });
        Ok(())
    }

    fn finish(self) -> Result<Walked, WalkError> {
        let mut notes = self.notes;
        let mut files = Vec::with_capacity(self.found.len());
        for (_, mut paths) in self.found {
            // Its own path (no link on the way) first, then the first in order.
            paths.sort_by(|a, b| (a.linked, &a.path).cmp(&(b.linked, &b.path)));
            paths.dedup_by(|a, b| a.path == b.path);
            let kept = paths.remove(0).path;
            for other in paths {
                let shown = |p: &Path| p.strip_prefix(self.root).unwrap_or(p).display().to_string();
                notes.push(format!(
                    "{} is {} (reached again through a link): read once",
                    shown(&other.path),
                    shown(&kept)
                ));
            }
            files.push(kept);
        }
        files.sort();
        notes.sort();
        notes.dedup();
        Ok(Walked { files, notes })
    }
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Not there (any more), or a link that leads nowhere or round in a circle:
/// nothing to read, as with a name that does not match.
fn gone(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::NotFound
        || e.kind() == io::ErrorKind::NotADirectory
        || e.raw_os_error() == Some(libc_eloop())
}

fn libc_eloop() -> i32 {
    #[cfg(unix)]
    {
        libc::ELOOP
    }
    #[cfg(not(unix))]
    {
        -1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for f in files {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, "x").expect("write");
        }
        dir
    }

    fn found(root: &Path, pattern: &str) -> Vec<String> {
        expand(root, pattern, 100)
            .expect("walk")
            .files
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .expect("under root")
                    .display()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn the_syntax_of_glob() {
        let dir = tree(&[
            "data/a.csv",
            "data/b.xlsx",
            "data/.hidden.csv",
            "data/~$lock.csv",
            "data/x/c.csv",
            "data/x/y/d.csv",
            "data/.git/e.csv",
            "other/f.csv",
        ]);
        let root = dir.path();
        assert_eq!(found(root, "data/*.csv"), ["data/a.csv"]);
        assert_eq!(found(root, "./data/a.csv"), ["data/a.csv"]);
        // `**` matches no folder too, and never a hidden one.
        assert_eq!(
            found(root, "data/**/*.csv"),
            ["data/a.csv", "data/x/c.csv", "data/x/y/d.csv"]
        );
        assert_eq!(found(root, "data/.*.csv"), ["data/.hidden.csv"]);
        assert_eq!(found(root, "*/?.csv"), ["data/a.csv", "other/f.csv"]);
        assert_eq!(
            found(root, "data/x/../[ab].*"),
            ["data/x/../a.csv", "data/x/../b.xlsx"]
        );
        assert_eq!(
            found(root, "data/**"),
            [
                "data/a.csv",
                "data/b.xlsx",
                "data/x/c.csv",
                "data/x/y/d.csv"
            ]
        );
        assert!(found(root, "nowhere/**/*.csv").is_empty());
        assert!(found(root, "data/a.csv/*.csv").is_empty());
        assert!(matches!(
            expand(root, "data/a**.csv", 100),
            Err(WalkError::Pattern(_))
        ));
    }

    #[test]
    fn more_files_than_the_limit() {
        let dir = tree(&["a.csv", "b.csv", "c.csv"]);
        assert_eq!(expand(dir.path(), "*.csv", 3).expect("walk").files.len(), 3);
        assert!(matches!(
            expand(dir.path(), "*.csv", 2),
            Err(WalkError::TooMany { limit: 2 })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn links_in_a_circle_end_and_a_file_is_kept_once_under_its_own_path() {
        use std::os::unix::fs::symlink;
        let dir = tree(&["data/z/a.csv"]);
        let root = dir.path();
        // Sorted before the real folder, and both loop back.
        symlink("z", root.join("data/b")).expect("link");
        symlink("..", root.join("data/z/up")).expect("link");
        symlink("../..", root.join("data/z/top")).expect("link");
        symlink("z/a.csv", root.join("data/a.csv")).expect("link");
        symlink("self", root.join("data/self")).expect("link");
        let walked = expand(root, "data/**/*.csv", 100).expect("walk");
        assert_eq!(walked.files, [root.join("data/z/a.csv")]);
        assert!(
            walked.notes.contains(
                &"data/a.csv is data/z/a.csv (reached again through a link): read once".to_string()
            ),
            "{:?}",
            walked.notes
        );
    }
}
