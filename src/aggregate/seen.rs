//! The record keys already loaded, with the metrics counted for each: the
//! table behind "each record counts once". It holds one entry per distinct
//! post, so it is the largest thing loading keeps; an open-addressing table of
//! 16-byte entries, sized to the expected rows, with prefetching, keeps it
//! small and its cache misses overlapped.

/// Keys are hashes; 0 marks an empty slot, so key 0 is stored as 1.
pub struct Seen {
    entries: Vec<[u64; 2]>,
    len: usize,
}

impl Default for Seen {
    fn default() -> Self {
        Seen { entries: vec![[0, 0]; 16], len: 0 }
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
        ((key as u128 * self.entries.len() as u128) >> 64) as usize
    }

    /// Hints the CPU to fetch the slot of `key` ahead of [`Seen::entry`].
    #[inline]
    pub fn prefetch(&self, key: u64) {
        #[cfg(target_arch = "x86_64")]
        unsafe {
            // SAFETY: prefetching is a hint; the pointer is within the table.
            let p = self.entries.as_ptr().add(self.home(fix(key)));
            std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0);
        }
    }

    /// The mask stored for `key`, inserting 0; `true` when it is new.
    #[inline]
    pub fn entry(&mut self, key: u64) -> (&mut u64, bool) {
        if (self.len + 1) * 10 > self.entries.len() * 8 {
            self.grow(self.entries.len() * 2);
        }
        let key = fix(key);
        let cap = self.entries.len();
        let mut i = self.home(key);
        loop {
            let k = self.entries[i][0];
            if k == key {
                return (&mut self.entries[i][1], false);
            }
            if k == 0 {
                self.entries[i][0] = key;
                self.len += 1;
                return (&mut self.entries[i][1], true);
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
        if want > self.entries.len() {
            self.grow(want);
        }
    }

    fn grow(&mut self, cap: usize) {
        // Written, not calloc'd: a zeroed mapping read first and written later
        // faults twice per page and makes the kernel flush every core's TLB.
        let mut fresh = Vec::with_capacity(cap);
        fresh.extend(std::iter::repeat_n([0u64, 0], cap));
        let old = std::mem::replace(&mut self.entries, fresh);
        self.len = 0;
        for [k, m] in old {
            if k != 0 {
                *self.entry(k).0 = m;
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
    fn keeps_masks_through_growth() {
        let mut s = Seen::default();
        for k in 0..10_000u64 {
            let (m, new) = s.entry(k.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            assert!(new);
            *m = k;
        }
        assert_eq!(s.len(), 10_000);
        for k in 0..10_000u64 {
            let (m, new) = s.entry(k.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            assert!(!new);
            assert_eq!(*m, k);
        }
    }
}
