//! The record keys already loaded, with the metrics counted for each: the
//! table behind "each record counts once". It holds one entry per distinct
//! post, so it is the largest thing loading keeps, and every row probes it at
//! a random place. So it is kept small and cache-friendly: an open-addressing
//! table of 64-bit keys, and beside it one byte per entry naming the entry's
//! set of counted metrics among the few distinct sets a load meets (most rows
//! of a file carry the same columns). Both arrays live on huge pages where the
//! system offers them, and are prefetched ahead of use.
//!
//! A duplicate needs proof (DESIGN §3): an id the network gives, or the same
//! key met in another file (the same export twice, overlapping exports). Rows
//! of one file keyed on their content (an account's day and dimensions, a
//! post without an id) are distinct rows of the export, and add up: so a
//! content key also remembers, in a map beside the table, the file that last
//! met it and what the files before that one had counted. Keys of posts with
//! an id, the many, need neither, and cost the table's nine bytes alone.

use std::alloc::{Layout, alloc, dealloc, handle_alloc_error};

use rustc_hash::FxHashMap;

const HUGE: usize = 2 << 20;
/// The tag of an entry whose mask lives in `Seen::overflow`.
const OVERFLOW: u8 = u8::MAX;

/// A zeroed array of `len` `T`s, on huge pages when it is large.
struct Block<T> {
    ptr: *mut T,
    len: usize,
}

// SAFETY: `Block` owns its allocation like a `Vec` does.
unsafe impl<T: Send> Send for Block<T> {}
unsafe impl<T: Sync> Sync for Block<T> {}

impl<T: Copy> Block<T> {
    fn layout(len: usize) -> Layout {
        let bytes = (len * size_of::<T>()).max(1);
        let align = if bytes >= HUGE { HUGE } else { align_of::<T>() };
        Layout::from_size_align(bytes, align).expect("table size fits in memory")
    }

    fn zeroed(len: usize) -> Self {
        let layout = Self::layout(len);
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { alloc(layout) };
        if ptr.is_null() {
            handle_alloc_error(layout);
        }
        #[cfg(target_os = "linux")]
        if layout.size() >= HUGE {
            // SAFETY: advice on memory we own; failure only means small pages.
            unsafe { libc::madvise(ptr.cast(), layout.size(), libc::MADV_HUGEPAGE) };
        }
        // Written, not calloc'd: a zeroed mapping read first and written later
        // faults twice per page and makes the kernel flush every core's TLB.
        // SAFETY: `ptr` points to `layout.size()` writable bytes; all-zero
        // bytes are a valid `T` for the integer types used here.
        unsafe { std::ptr::write_bytes(ptr, 0, layout.size()) };
        Block {
            ptr: ptr.cast(),
            len,
        }
    }

    #[inline]
    fn get(&self, i: usize) -> T {
        assert!(i < self.len);
        // SAFETY: in bounds, initialised.
        unsafe { *self.ptr.add(i) }
    }

    #[inline]
    fn set(&mut self, i: usize, v: T) {
        assert!(i < self.len);
        // SAFETY: in bounds.
        unsafe { *self.ptr.add(i) = v }
    }

    #[inline]
    fn prefetch(&self, i: usize) {
        #[cfg(target_arch = "x86_64")]
        if i < self.len {
            // SAFETY: prefetching is a hint; the address is within the block.
            unsafe {
                std::arch::x86_64::_mm_prefetch(
                    self.ptr.add(i) as *const i8,
                    std::arch::x86_64::_MM_HINT_T0,
                )
            };
        }
    }
}

impl<T> Drop for Block<T> {
    fn drop(&mut self) {
        let bytes = (self.len * size_of::<T>()).max(1);
        let align = if bytes >= HUGE { HUGE } else { align_of::<T>() };
        // SAFETY: allocated by `Block::zeroed` with this layout.
        unsafe {
            dealloc(
                self.ptr.cast(),
                Layout::from_size_align_unchecked(bytes, align),
            )
        };
    }
}

/// Keys are hashes; 0 marks an empty slot, so key 0 is stored as 1.
pub struct Seen {
    keys: Block<u64>,
    /// Per entry, the index of its mask in `masks`, or `OVERFLOW`.
    tags: Block<u8>,
    len: usize,
    masks: Vec<u64>,
    mask_index: FxHashMap<u64, u8>,
    overflow: FxHashMap<u64, u64>,
    /// Per content key: the last file (numbered from 1) that met it, and
    /// the metrics the files before that one had counted.
    content: FxHashMap<u64, (u32, u64)>,
}

/// What a row of a key may count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    /// The metric bits not counted before for this key.
    pub new_bits: u64,
    /// The row is a record of its own: the key's first sight, or another
    /// row of the same file with a content key no earlier file counted.
    pub new_record: bool,
    /// The row adds to an earlier row of the same file with the same key.
    pub merged: bool,
}

impl Default for Seen {
    fn default() -> Self {
        Seen {
            keys: Block::zeroed(16),
            tags: Block::zeroed(16),
            len: 0,
            masks: Vec::new(),
            mask_index: FxHashMap::default(),
            overflow: FxHashMap::default(),
            content: FxHashMap::default(),
        }
    }
}

#[inline]
fn fix(key: u64) -> u64 {
    key.max(1)
}

impl Seen {
    #[inline]
    fn home(&self, key: u64) -> usize {
        // Multiply-shift onto any capacity: no power-of-two waste.
        ((key as u128 * self.keys.len as u128) >> 64) as usize
    }

    /// Hints the CPU to fetch the slot of `key` ahead of [`Seen::check`].
    #[inline]
    pub fn prefetch(&self, key: u64) {
        let i = self.home(fix(key));
        self.keys.prefetch(i);
        self.tags.prefetch(i);
    }

    fn mask(&self, i: usize, key: u64) -> u64 {
        match self.tags.get(i) {
            OVERFLOW => self.overflow.get(&key).copied().unwrap_or(0),
            t => self.masks[t as usize],
        }
    }

    fn tag_of(&mut self, mask: u64) -> u8 {
        match self.mask_index.get(&mask) {
            Some(&t) => t,
            None if self.masks.len() < OVERFLOW as usize => {
                let t = self.masks.len() as u8;
                self.masks.push(mask);
                self.mask_index.insert(mask, t);
                t
            }
            None => OVERFLOW,
        }
    }

    fn store(&mut self, i: usize, key: u64, mask: u64) {
        let tag = self.tag_of(mask);
        if tag == OVERFLOW {
            self.overflow.insert(key, mask);
        } else if self.tags.get(i) == OVERFLOW {
            self.overflow.remove(&key);
        }
        self.tags.set(i, tag);
    }

    /// Records that a row of `key` from `file` (numbered from 1) carries the
    /// metrics in `row` (bit = slot). A key proven by an id (`by_id`) counts
    /// each metric once, whatever file the rows come from; a content key
    /// counts once per key across files, but every row of the file that
    /// first counted it.
    #[inline]
    pub fn check(&mut self, key: u64, row: u64, file: u32, by_id: bool) -> Claim {
        if (self.len + 1) * 10 > self.keys.len * 8 {
            self.grow(self.keys.len * 2);
        }
        let key = fix(key);
        let cap = self.keys.len;
        let mut i = self.home(key);
        loop {
            let k = self.keys.get(i);
            if k == key {
                let old = self.mask(i, key);
                if old | row != old {
                    self.store(i, key, old | row);
                }
                if by_id {
                    return Claim {
                        new_bits: row & !old,
                        new_record: false,
                        merged: false,
                    };
                }
                let (last, before) = self.content.entry(key).or_insert((file, 0));
                let same_file = *last == file;
                if !same_file {
                    *last = file;
                    *before = old;
                }
                return Claim {
                    new_bits: row & !*before,
                    new_record: same_file && *before == 0,
                    merged: same_file,
                };
            }
            if k == 0 {
                self.keys.set(i, key);
                self.store(i, key, row);
                if !by_id {
                    self.content.insert(key, (file, 0));
                }
                self.len += 1;
                return Claim {
                    new_bits: row,
                    new_record: true,
                    merged: false,
                };
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    /// Puts an entry back as it was, while growing.
    fn reinsert(&mut self, key: u64, mask: u64) {
        let mut i = self.home(key);
        while self.keys.get(i) != 0 {
            i += 1;
            if i == self.keys.len {
                i = 0;
            }
        }
        self.keys.set(i, key);
        self.store(i, key, mask);
        self.len += 1;
    }

    /// Room for `n` more keys at a load of about 0.7.
    pub fn reserve(&mut self, n: usize) {
        let want = (self.len + n) * 10 / 7 + 16;
        if want > self.keys.len {
            self.grow(want);
        }
    }

    fn grow(&mut self, cap: usize) {
        let keys = std::mem::replace(&mut self.keys, Block::zeroed(cap));
        let tags = std::mem::replace(&mut self.tags, Block::zeroed(cap));
        let overflow = std::mem::take(&mut self.overflow);
        self.len = 0;
        for i in 0..keys.len {
            let k = keys.get(i);
            if k != 0 {
                let mask = match tags.get(i) {
                    OVERFLOW => overflow.get(&k).copied().unwrap_or(0),
                    t => self.masks[t as usize],
                };
                self.reinsert(k, mask);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_metric_of_a_key_once_through_growth() {
        let mut s = Seen::default();
        let key = |k: u64| k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let claim = |new_bits, new_record| Claim {
            new_bits,
            new_record,
            merged: false,
        };
        for k in 0..100_000u64 {
            // 300 distinct masks: some land in the overflow map.
            assert_eq!(
                s.check(key(k), k % 300 + 1, 1, true),
                claim(k % 300 + 1, true)
            );
        }
        assert_eq!(s.len(), 100_000);
        for k in 0..100_000u64 {
            let old = k % 300 + 1;
            // A second row with one more metric: only that one is new.
            assert_eq!(
                s.check(key(k), old | 1 << 40, 1, true),
                claim(1 << 40, false)
            );
            assert_eq!(s.check(key(k), old, 2, true), claim(0, false));
        }
        assert!(
            !s.check(0, 1, 1, true).new_record,
            "key 0 (k = 0) was stored first, as 1"
        );
    }

    #[test]
    fn content_keys_add_up_within_a_file_and_count_once_across_files() {
        let mut s = Seen::default();
        // File 1: two rows of one day (ads sharing a name): both count.
        assert_eq!(
            s.check(7, 0b11, 1, false),
            Claim {
                new_bits: 0b11,
                new_record: true,
                merged: false
            }
        );
        assert_eq!(
            s.check(7, 0b11, 1, false),
            Claim {
                new_bits: 0b11,
                new_record: true,
                merged: true
            }
        );
        // File 2, the same export again: nothing counts, however many rows.
        for _ in 0..3 {
            assert_eq!(s.check(7, 0b11, 2, false).new_bits, 0);
        }
        // File 2 brings a metric file 1 lacked: every row of file 2 adds it.
        assert_eq!(s.check(7, 0b100, 2, false).new_bits, 0b100);
        assert_eq!(s.check(7, 0b101, 2, false).new_bits, 0b100);
        // An id proves identity within a file too.
        assert_eq!(s.check(9, 1, 1, true).new_bits, 1);
        assert_eq!(s.check(9, 1, 1, true).new_bits, 0);
        // Through growth, what each file counted is kept.
        for k in 100..5000 {
            s.check(k, 1, 3, false);
        }
        assert_eq!(s.check(7, 0b111, 2, false).new_bits, 0b100);
        assert_eq!(s.check(7, 0b111, 4, false).new_bits, 0);
    }
}
