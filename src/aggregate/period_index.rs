//! The two look-ups every folded row makes by period, shared by the shards
//! and the folded batches: a day's base period, and a series' cell of a
//! period. Both are direct indexes, small enough to stay in the cache.

use super::period::{Calendar, Day, Grain};

/// A series' cells by period: `cells[period - first]`, `u32::MAX` for none.
#[derive(Debug, Default, Clone)]
pub struct PeriodIndex {
    first: i32,
    cells: Vec<u32>,
}

impl PeriodIndex {
    pub fn get(&self, period: i32) -> Option<u32> {
        let i = usize::try_from(period.checked_sub(self.first)?).ok()?;
        self.cells.get(i).copied().filter(|&c| c != u32::MAX)
    }

    pub fn set(&mut self, period: i32, cell: u32) {
        if self.cells.is_empty() {
            self.first = period;
        } else if period < self.first {
            let shift = (self.first - period) as usize;
            self.cells
                .splice(0..0, std::iter::repeat_n(u32::MAX, shift));
            self.first = period;
        }
        let i = (period - self.first) as usize;
        if i >= self.cells.len() {
            self.cells.resize(i + 1, u32::MAX);
        }
        self.cells[i] = cell;
    }
}

/// Day → base period, for the days seen lately: rows of a file come from
/// a few days at a time, and the calendar's arithmetic costs more.
#[derive(Debug, Clone)]
pub struct PeriodCache(Vec<(Day, i32)>);

impl Default for PeriodCache {
    fn default() -> Self {
        PeriodCache(vec![(Day::MIN, 0); 1024])
    }
}

impl PeriodCache {
    #[inline]
    pub fn period(&mut self, calendar: &Calendar, base: Grain, day: Day) -> i32 {
        let cached = &mut self.0[day as usize & 1023];
        if cached.0 != day {
            *cached = (day, calendar.period_of(base, day).index);
        }
        cached.1
    }
}
