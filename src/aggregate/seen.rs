//! The record keys already loaded, with the metrics counted for each: the
//! table behind "each record counts once". It holds one entry per distinct
//! post, so it is the largest thing loading keeps, and every row probes it at
//! a random place: an open-addressing table of 16-byte entries sized to the
//! expected rows, on huge pages where the system offers them (fewer TLB
//! misses), probed with prefetching (cache misses overlapped).

use std::alloc::{Layout, alloc, dealloc, handle_alloc_error};

const HUGE: usize = 2 << 20;

/// Keys are hashes; 0 marks an empty slot, so key 0 is stored as 1.
pub struct Seen {
    entries: *mut [u64; 2],
    cap: usize,
    len: usize,
}

// SAFETY: `Seen` owns its allocation like a `Vec` does.
unsafe impl Send for Seen {}
unsafe impl Sync for Seen {}

impl Default for Seen {
    fn default() -> Self {
        let mut s = Seen {
            entries: std::ptr::null_mut(),
            cap: 0,
            len: 0,
        };
        s.grow(16);
        s
    }
}

#[inline]
fn fix(key: u64) -> u64 {
    key.max(1)
}

fn layout(cap: usize) -> Layout {
    let bytes = cap * 16;
    let align = if bytes >= HUGE { HUGE } else { 16 };
    Layout::from_size_align(bytes, align).expect("table size fits in memory")
}

/// A zeroed table of `cap` entries, on huge pages when it is large.
fn allocate(cap: usize) -> *mut [u64; 2] {
    let layout = layout(cap);
    // SAFETY: the layout has a non-zero size (cap >= 16).
    let p = unsafe { alloc(layout) };
    if p.is_null() {
        handle_alloc_error(layout);
    }
    #[cfg(target_os = "linux")]
    if layout.size() >= HUGE {
        // SAFETY: advice on memory we own; failure only means small pages.
        unsafe { libc::madvise(p.cast(), layout.size(), libc::MADV_HUGEPAGE) };
    }
    // Written, not calloc'd: a zeroed mapping read first and written later
    // faults twice per page and makes the kernel flush every core's TLB.
    // SAFETY: `p` points to `layout.size()` writable bytes.
    unsafe { std::ptr::write_bytes(p, 0, layout.size()) };
    p.cast()
}

impl Drop for Seen {
    fn drop(&mut self) {
        // SAFETY: allocated by `allocate` with this capacity.
        unsafe { dealloc(self.entries.cast(), layout(self.cap)) };
    }
}

impl Seen {
    #[inline]
    fn home(&self, key: u64) -> usize {
        // Multiply-shift onto any capacity: no power-of-two waste.
        ((key as u128 * self.cap as u128) >> 64) as usize
    }

    #[inline]
    fn slot(&mut self, i: usize) -> &mut [u64; 2] {
        debug_assert!(i < self.cap);
        // SAFETY: `i < cap`, and the table holds `cap` initialised entries.
        unsafe { &mut *self.entries.add(i) }
    }

    /// Hints the CPU to fetch the slot of `key` ahead of [`Seen::entry`].
    #[inline]
    pub fn prefetch(&self, key: u64) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: prefetching is a hint; the address is within the table.
        unsafe {
            let p = self.entries.add(self.home(fix(key)));
            std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0);
        }
    }

    /// The mask stored for `key`, inserting 0; `true` when it is new.
    #[inline]
    pub fn entry(&mut self, key: u64) -> (&mut u64, bool) {
        if (self.len + 1) * 10 > self.cap * 8 {
            self.grow(self.cap * 2);
        }
        let key = fix(key);
        let cap = self.cap;
        let mut i = self.home(key);
        loop {
            let k = self.slot(i)[0];
            if k == key {
                return (&mut self.slot(i)[1], false);
            }
            if k == 0 {
                self.slot(i)[0] = key;
                self.len += 1;
                return (&mut self.slot(i)[1], true);
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    /// Room for `n` more keys at a load of about 0.7.
    pub fn reserve(&mut self, n: usize) {
        let want = (self.len + n) * 10 / 7 + 16;
        if want > self.cap {
            self.grow(want);
        }
    }

    fn grow(&mut self, cap: usize) {
        let old = std::mem::replace(&mut self.entries, allocate(cap));
        let old_cap = std::mem::replace(&mut self.cap, cap);
        self.len = 0;
        if old.is_null() {
            return;
        }
        for i in 0..old_cap {
            // SAFETY: `i < old_cap`, within the old table.
            let [k, m] = unsafe { *old.add(i) };
            if k != 0 {
                *self.entry(k).0 = m;
            }
        }
        // SAFETY: the old table was allocated with the old capacity.
        unsafe { dealloc(old.cast(), layout(old_cap)) };
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
    fn keeps_masks_through_growth() {
        let mut s = Seen::default();
        for k in 0..100_000u64 {
            let (m, new) = s.entry(k.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            assert!(new);
            *m = k;
        }
        assert_eq!(s.len(), 100_000);
        for k in 0..100_000u64 {
            let (m, new) = s.entry(k.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            assert!(!new);
            assert_eq!(*m, k);
        }
        let (_, new) = s.entry(0);
        assert!(!new, "key 0 (k = 0) was stored first, as 1");
    }
}
