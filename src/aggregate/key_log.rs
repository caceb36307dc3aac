//! The record keys of a load, written down instead of remembered.
//!
//! "Each record counts once" needs every key a load met. Held in a table,
//! they are the one thing loading keeps that grows with the rows (8 million
//! posts: 100 MB), and every row probes that table at a random place. Most
//! loads meet no key twice, though: so rows are folded as new, their keys are
//! appended here (eight bytes a post, sixteen an account-day), cut by their
//! first byte into parts that go to a temporary file once they fill a small
//! buffer. When the load ends, [`KeyLog::settle`] reads each part back on its
//! own, small enough for the cache, and names the keys met more than once:
//! an id twice anywhere, a content key in two files. None (the usual case):
//! the cube is exact as folded. Some: the load is read again with only those
//! keys tracked, exactly as before (see `Session::load`).
//!
//! Rows of one file that share a content key add up (ads sharing a name): they
//! are no duplicates, but the tally counts them, so the part also says, per
//! file, how many rows were merged and how many values of stocks they held.

use std::io::{Read, Seek, SeekFrom, Write};

use rustc_hash::{FxHashMap, FxHashSet};

/// Parts a log is cut into: a part of 8 million posts is 250 KB, read back
/// within the cache.
const PARTS: usize = 256;
/// Bytes a part holds in memory before it goes to the file: 256 parts of
/// two logs keep at most 4 MiB per shard.
const PART_BUFFER: usize = 8 << 10;

/// One kind of entry, of a fixed size, in parts.
struct Parts {
    width: usize,
    buffers: Vec<Vec<u8>>,
    /// Spilled runs: part, offset in the file, length.
    runs: Vec<(u16, u64, u32)>,
    file: Option<std::fs::File>,
    /// The file could not be made: parts stay in memory.
    no_file: bool,
    at: u64,
}

impl Parts {
    fn new(width: usize) -> Parts {
        Parts {
            width,
            buffers: vec![Vec::new(); PARTS],
            runs: Vec::new(),
            file: None,
            no_file: false,
            at: 0,
        }
    }

    #[inline]
    fn push(&mut self, key: u64, entry: &[u8]) -> std::io::Result<()> {
        let p = (key >> 56) as usize;
        self.buffers[p].extend_from_slice(entry);
        if self.buffers[p].len() >= PART_BUFFER && !self.no_file {
            self.spill(p)?;
        }
        Ok(())
    }

    fn spill(&mut self, p: usize) -> std::io::Result<()> {
        if self.file.is_none() {
            match tempfile::tempfile() {
                Ok(f) => self.file = Some(f),
                // No temporary folder to write to: memory still works.
                Err(_) => {
                    self.no_file = true;
                    return Ok(());
                }
            }
        }
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        let buf = &mut self.buffers[p];
        file.write_all(buf)?;
        self.runs.push((p as u16, self.at, buf.len() as u32));
        self.at += buf.len() as u64;
        buf.clear();
        Ok(())
    }

    /// The entries of part `p`, in the order they were pushed.
    fn part(&mut self, p: usize, out: &mut Vec<u8>) -> std::io::Result<()> {
        out.clear();
        if let Some(file) = self.file.as_mut() {
            for &(_, at, len) in self.runs.iter().filter(|r| r.0 as usize == p) {
                file.seek(SeekFrom::Start(at))?;
                let start = out.len();
                out.resize(start + len as usize, 0);
                file.read_exact(&mut out[start..])?;
            }
        }
        out.extend_from_slice(&self.buffers[p]);
        debug_assert_eq!(out.len() % self.width, 0);
        Ok(())
    }
}

/// The keys of one shard's rows.
pub struct KeyLog {
    /// Keys proven by an id: eight bytes each.
    ids: Parts,
    /// Content keys: key, file, values of stocks in the row.
    content: Parts,
    /// The first write error, reported by `settle`.
    failed: Option<std::io::Error>,
}

/// What a shard's log found.
#[derive(Debug, Default)]
pub struct Settled {
    /// Keys met more than once that may not add up: tracked when the load
    /// is read again.
    pub suspects: FxHashSet<u64>,
    /// Per file: rows merged into an earlier row of the file with the same
    /// content key, and values of stocks they held (keys not suspected).
    pub merged: FxHashMap<u32, (u64, u64)>,
}

impl Default for KeyLog {
    fn default() -> Self {
        KeyLog {
            ids: Parts::new(8),
            content: Parts::new(16),
            failed: None,
        }
    }
}

impl KeyLog {
    #[inline]
    pub fn id(&mut self, key: u64) {
        if let Err(e) = self.ids.push(key, &key.to_le_bytes()) {
            self.failed.get_or_insert(e);
        }
    }

    #[inline]
    pub fn content(&mut self, key: u64, file: u32, stocks: u32) {
        let mut e = [0u8; 16];
        e[..8].copy_from_slice(&key.to_le_bytes());
        e[8..12].copy_from_slice(&file.to_le_bytes());
        e[12..].copy_from_slice(&stocks.to_le_bytes());
        if let Err(e) = self.content.push(key, &e) {
            self.failed.get_or_insert(e);
        }
    }

    /// Reads the log back, part by part, and says which keys were met more
    /// than once and what rows of one file merged.
    pub fn settle(mut self) -> std::io::Result<Settled> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let mut out = Settled::default();
        let mut bytes = Vec::new();
        let mut table: Vec<u64> = Vec::new();
        let mut rows: Vec<(u64, u32, u32)> = Vec::new();
        for p in 0..PARTS {
            self.ids.part(p, &mut bytes)?;
            repeated_ids(&bytes, &mut table, &mut out.suspects);
            self.content.part(p, &mut bytes)?;
            rows.clear();
            rows.extend(bytes.chunks_exact(16).map(|e| {
                let n = |r: std::ops::Range<usize>| {
                    u32::from_le_bytes(e[r].try_into().unwrap_or_default())
                };
                (
                    u64::from_le_bytes(e[..8].try_into().unwrap_or_default()),
                    n(8..12),
                    n(12..16),
                )
            }));
            content_repeats(&mut rows, &mut out);
        }
        Ok(out)
    }
}

/// Adds to `suspects` the ids met more than once in `bytes`: an
/// open-addressing set over the part (keys are hashes: their low bits
/// spread well), cleared and reused from part to part.
fn repeated_ids(bytes: &[u8], table: &mut Vec<u64>, suspects: &mut FxHashSet<u64>) {
    let n = bytes.len() / 8;
    if n < 2 {
        return;
    }
    let cap = (n * 2).next_power_of_two();
    table.clear();
    table.resize(cap, 0);
    let mask = cap - 1;
    for e in bytes.chunks_exact(8) {
        // 0 marks an empty slot: key 0 is stored as 1, as in `Seen`.
        let key = u64::from_le_bytes(e.try_into().unwrap_or_default()).max(1);
        let mut i = key as usize & mask;
        loop {
            match table[i] {
                0 => {
                    table[i] = key;
                    break;
                }
                k if k == key => {
                    suspects.insert(key);
                    break;
                }
                _ => i = (i + 1) & mask,
            }
        }
    }
}

/// Of a part's content keys (key, file, stocks, in load order): keys of two
/// files are suspects; a key's further rows within its one file are merged.
fn content_repeats(rows: &mut [(u64, u32, u32)], out: &mut Settled) {
    // Stable: within a key and file, rows stay in file order.
    rows.sort_by_key(|r| (r.0, r.1));
    for same in rows.chunk_by(|a, b| a.0 == b.0) {
        if same.first().map(|r| r.1) != same.last().map(|r| r.1) {
            out.suspects.insert(same[0].0.max(1));
            continue;
        }
        for r in &same[1..] {
            let m = out.merged.entry(r.1).or_default();
            m.0 += 1;
            m.1 += u64::from(r.2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread(k: u64) -> u64 {
        k.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }

    #[test]
    fn names_ids_met_twice_through_spills() {
        let mut log = KeyLog::default();
        // Enough keys for every part to spill several times.
        for k in 0..300_000u64 {
            log.id(spread(k));
        }
        for k in [5u64, 77_777, 299_999] {
            log.id(spread(k));
        }
        assert!(log.ids.file.is_some(), "parts went to the file");
        let s = log.settle().unwrap();
        let want: FxHashSet<u64> = [5u64, 77_777, 299_999].map(spread).into_iter().collect();
        assert_eq!(s.suspects, want);
        assert!(s.merged.is_empty());
    }

    #[test]
    fn content_keys_merge_within_a_file_and_are_suspect_across_files() {
        let mut log = KeyLog::default();
        // Key 1: three rows of file 2 (two merged, with 1 and 2 stocks).
        log.content(spread(1), 2, 5);
        log.content(spread(1), 2, 1);
        log.content(spread(1), 2, 2);
        // Key 2: in files 2 and 3: a suspect, its rows not counted as merged.
        log.content(spread(2), 2, 0);
        log.content(spread(2), 3, 0);
        log.content(spread(2), 3, 4);
        // Key 3: once.
        log.content(spread(3), 3, 1);
        let s = log.settle().unwrap();
        assert_eq!(s.suspects, [spread(2)].into_iter().collect());
        assert_eq!(s.merged.get(&2), Some(&(2, 3)));
        assert_eq!(s.merged.get(&3), None);
    }
}
