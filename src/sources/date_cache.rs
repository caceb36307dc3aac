//! The days of the date cells a chunk met lately, by their text: an export's
//! rows come from a few hundred days, and a look-up (two loads and a
//! compare) costs a fifth of reading the date again.

use crate::aggregate::period::Day;

/// Entries: a power of two, so that the index is the hash's top bits. 4096
/// (64 KiB, within the core's cache) hold two years of days with few
/// collisions (one in twelve rows dated at random over them misses).
const BITS: u32 = 12;

/// `YYYY-MM-DD` texts and their days, one per slot, the last met winning.
pub struct DateCache {
    /// The text's first eight bytes, its last two, and its day; a first
    /// word of 0xff bytes (which UTF-8 text never holds) marks an empty slot.
    slots: Vec<(u64, u16, Day)>,
}

impl Default for DateCache {
    fn default() -> Self {
        DateCache {
            slots: vec![(u64::MAX, 0, 0); 1 << BITS],
        }
    }
}

impl DateCache {
    /// The day of `text` as `parse` reads it: cached for ten-byte texts that
    /// `parse` accepts (the same text always gives the same day), else
    /// `parse`'s answer.
    #[inline]
    pub fn day(&mut self, text: &str, parse: impl FnOnce(&str) -> Option<Day>) -> Option<Day> {
        let Ok(b) = <&[u8; 10]>::try_from(text.as_bytes()) else {
            return parse(text);
        };
        let head = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        let tail = u16::from_le_bytes([b[8], b[9]]);
        // The digits that vary: the year's last two and the month (bytes 2
        // to 6 of the word, the century shifted out) and the day (the tail,
        // laid above them); multiplied, the top bits mix them all. Two years
        // of days fill 676 of the 4096 slots (a random spread: 669).
        let mixed = ((head >> 16) ^ (u64::from(tail) << 48)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let slot = &mut self.slots[(mixed >> (64 - BITS)) as usize];
        if slot.0 == head && slot.1 == tail {
            return Some(slot.2);
        }
        let day = parse(text)?;
        *slot = (head, tail, day);
        Some(day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::period::parse_day;

    #[test]
    fn a_cached_day_is_the_parsed_day() {
        let mut cache = DateCache::default();
        let texts = [
            "2024-06-19",
            "2024-06-19",
            "2025-12-31",
            "2024-02-30",
            "2024-06-1",
            "2024-06-190",
            "",
            "\0\0\0\0\0\0\0\0\0\0",
            "2025-12-31",
        ];
        for _ in 0..2 {
            for t in texts {
                assert_eq!(cache.day(t, parse_day), parse_day(t), "{t:?}");
            }
        }
        // Every day of ten years, twice: colliding slots give their own day.
        let days: Vec<String> = (0..3653)
            .map(|d| crate::aggregate::period::format_day(19_000 + d))
            .collect();
        for _ in 0..2 {
            for t in &days {
                assert_eq!(cache.day(t, parse_day), parse_day(t), "{t}");
            }
        }
    }
}
