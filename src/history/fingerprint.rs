//! A run's inputs, fingerprinted cheaply: for each file its path (from the
//! workspace's root), size, modification time, and an xxh3 hash of its first
//! and last 64 KiB. A 600 MB export is not read again just to be hashed;
//! a change inside a large file that keeps its size and time would go unseen,
//! which the modification time makes unlikely (editors and downloads set it).

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// How much of each end of a file the hash covers.
const EDGE: u64 = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: String,
    pub size: u64,
    /// RFC 3339, UTC; `None` where the file system keeps no time.
    pub modified: Option<String>,
    /// xxh3-64 of the first and last 64 KiB (the whole file when smaller
    /// than 128 KiB), in hex; empty when the file could not be read.
    pub hash: String,
}

/// The fingerprints of `files`, sorted by path, each file once.
pub fn of(root: &Path, files: &[PathBuf]) -> Vec<Input> {
    let mut out: Vec<Input> = files.iter().map(|f| one(root, f)).collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    out
}

fn one(root: &Path, file: &Path) -> Input {
    let shown = file.strip_prefix(root).unwrap_or(file);
    let meta = std::fs::metadata(file).ok();
    let size = meta.as_ref().map_or(0, |m| m.len());
    let modified = meta
        .and_then(|m| m.modified().ok())
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.fZ").to_string());
    Input {
        path: shown.to_string_lossy().replace('\\', "/"),
        size,
        modified,
        hash: edges_hash(file, size).map_or_else(String::new, |h| format!("{h:016x}")),
    }
}

/// xxh3 of the first and last [`EDGE`] bytes, and the size.
fn edges_hash(file: &Path, size: u64) -> Option<u64> {
    let mut f = std::fs::File::open(file).ok()?;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&size.to_le_bytes());
    let mut buf = Vec::with_capacity(EDGE as usize);
    (&mut f).take(EDGE).read_to_end(&mut buf).ok()?;
    h.update(&buf);
    if size > EDGE {
        // The tail, without reading the first part again when they overlap.
        let from = (size - EDGE).max(EDGE);
        f.seek(SeekFrom::Start(from)).ok()?;
        buf.clear();
        f.take(EDGE).read_to_end(&mut buf).ok()?;
        h.update(&buf);
    }
    Some(h.digest())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_figure_changes_the_hash_and_the_path_is_relative() {
        let dir = tempfile::tempdir().expect("dir");
        let f = dir.path().join("data").join("x.csv");
        std::fs::create_dir_all(f.parent().expect("parent")).expect("mkdir");
        std::fs::write(&f, "a,b\n1,2\n").expect("write");
        let a = of(dir.path(), &[f.clone(), f.clone()]);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].path, "data/x.csv");
        assert_eq!(a[0].size, 8);
        std::fs::write(&f, "a,b\n1,3\n").expect("write");
        let b = of(dir.path(), &[f]);
        assert_eq!(b[0].size, 8);
        assert_ne!(a[0].hash, b[0].hash);
        assert_eq!(a[0].hash.len(), 16);
    }

    #[test]
    fn a_change_in_the_middle_of_a_large_file_is_not_hashed_but_its_ends_are() {
        let dir = tempfile::tempdir().expect("dir");
        let f = dir.path().join("big.csv");
        let mut bytes = vec![b'x'; 300 * 1024];
        std::fs::write(&f, &bytes).expect("write");
        let a = edges_hash(&f, bytes.len() as u64);
        bytes[150 * 1024] = b'y';
        std::fs::write(&f, &bytes).expect("write");
        assert_eq!(edges_hash(&f, bytes.len() as u64), a);
        let last = bytes.len() - 1;
        bytes[last] = b'y';
        std::fs::write(&f, &bytes).expect("write");
        assert_ne!(edges_hash(&f, bytes.len() as u64), a);
    }
}
