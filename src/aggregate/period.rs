//! Calendar days, grains and periods. Days are counted from 1970-01-01 so that
//! the loading loop does integer arithmetic, not date-library calls.

use std::fmt;

/// Days since 1970-01-01 (a calendar day in the workspace's time zone).
pub type Day = i32;

/// Days from the civil date (Howard Hinnant's algorithm).
pub const fn day_from_ymd(y: i32, m: u32, d: u32) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date of a day.
pub fn ymd(day: Day) -> (i32, u32, u32) {
    let z = day + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses `YYYY-MM-DD` exactly, checking the calendar.
///
/// The canonical reader calls it on every row, so it reads the eight digits
/// as one 64-bit word and checks them with a few masks, with no loop and no
/// branch on the digits themselves.
pub fn parse_day(s: &str) -> Option<Day> {
    let b: &[u8; 10] = s.as_bytes().try_into().ok()?;
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    // "YYYYMMDD", the first digit in the lowest byte.
    let v = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[5], b[6], b[8], b[9]]);
    // Any byte outside '0'..='9' sets its own high bit in one of the two
    // terms (a digit never carries or borrows into its neighbour).
    if (v.wrapping_add(0x4646_4646_4646_4646) | v.wrapping_sub(0x3030_3030_3030_3030))
        & 0x8080_8080_8080_8080
        != 0
    {
        return None;
    }
    // Each even byte becomes the two-digit number starting there: YY, YY, MM, DD.
    let v = v - 0x3030_3030_3030_3030;
    let pairs = v * 10 + (v >> 8);
    let pair = |i: u32| (pairs >> (i * 16)) as u32 & 0xFF;
    let (y, m, d) = (pair(0) * 100 + pair(1), pair(2), pair(3));
    if !(1..=12).contains(&m) || d == 0 || d > month_length(y, m) {
        return None;
    }
    Some(day_from_ymd_0_9999(y, m, d))
}

/// [`days_in_month`] for a month of 1..=12 and a year of 0..=9999: the
/// leap-year test (three divisions) only for February, the other months
/// from their parity (31 days for odd months up to July, even ones after).
#[inline]
fn month_length(y: u32, m: u32) -> u32 {
    if m == 2 {
        let leap = y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
        28 + u32::from(leap)
    } else {
        30 + ((m + (m >> 3)) & 1)
    }
}

/// [`day_from_ymd`] for the years four digits can write (0..=9999), with
/// unsigned arithmetic and a table of the days before each month instead
/// of the March-based year.
#[inline]
fn day_from_ymd_0_9999(y: u32, m: u32, d: u32) -> Day {
    const BEFORE: [u16; 13] = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    // Leap days before the date: those of the years 0..y (0 is a leap
    // year), and this year's once February is over. Counted on a year moved
    // on by 399 so that the divisions round up, not down; the moved count
    // is the true one plus 96.
    let moved = y + 399 + u32::from(m > 2);
    let leap_days = moved / 4 - moved / 100 + moved / 400 - 96;
    // 719528: the days from 0000-01-01 to 1970-01-01.
    (y * 365 + leap_days + u32::from(BEFORE[m as usize]) + d - 1) as i32 - 719_528
}

/// Whether `day` falls in [`crate::limits::PLAUSIBLE_YEARS`]: a date
/// outside is read, with a warning (a typo in a year more likely than data).
pub fn plausible(day: Day) -> bool {
    (PLAUSIBLE_DAYS.0..=PLAUSIBLE_DAYS.1).contains(&day)
}

/// The first and the last day of the plausible years, computed once: every
/// loaded row is checked against them.
const PLAUSIBLE_DAYS: (Day, Day) = (
    day_from_ymd(*crate::limits::PLAUSIBLE_YEARS.start(), 1, 1),
    day_from_ymd(*crate::limits::PLAUSIBLE_YEARS.end(), 12, 31),
);

pub fn format_day(day: Day) -> String {
    let (y, m, d) = ymd(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Day of the week, 0 = Monday … 6 = Sunday.
pub fn weekday(day: Day) -> i32 {
    // 1970-01-01 was a Thursday.
    (day + 3).rem_euclid(7)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Grain {
    Day,
    Week,
    Month,
    Quarter,
    Year,
    All,
}

impl Grain {
    pub const NAMES: [&'static str; 6] = ["day", "week", "month", "quarter", "year", "all"];

    pub fn parse(s: &str) -> Option<Grain> {
        Some(match s {
            "day" => Grain::Day,
            "week" => Grain::Week,
            "month" => Grain::Month,
            "quarter" => Grain::Quarter,
            "year" => Grain::Year,
            "all" => Grain::All,
            _ => return None,
        })
    }

    /// Whether periods of `self` are unions of periods of `finer`.
    pub fn rolls_up_from(self, finer: Grain) -> bool {
        match finer {
            Grain::Day => true,
            Grain::Week => matches!(self, Grain::Week | Grain::All),
            Grain::Month => matches!(
                self,
                Grain::Month | Grain::Quarter | Grain::Year | Grain::All
            ),
            Grain::Quarter => matches!(self, Grain::Quarter | Grain::Year | Grain::All),
            Grain::Year => matches!(self, Grain::Year | Grain::All),
            Grain::All => self == Grain::All,
        }
    }
}

impl fmt::Display for Grain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Grain::NAMES[*self as usize])
    }
}

/// Maps days to periods: the calendar of a workspace (its week start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Calendar {
    /// 0 = Monday … 6 = Sunday.
    pub week_start: i32,
}

/// One period of a grain, by its index (day number, week number, y*12+m...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub grain: Grain,
    pub index: i32,
}

impl Calendar {
    pub fn period_of(&self, grain: Grain, day: Day) -> Period {
        let index = match grain {
            Grain::Day => day,
            Grain::Week => (day - self.first_week_start()).div_euclid(7),
            Grain::Month => {
                let (y, m, _) = ymd(day);
                y * 12 + m as i32 - 1
            }
            Grain::Quarter => {
                let (y, m, _) = ymd(day);
                y * 4 + (m as i32 - 1) / 3
            }
            Grain::Year => ymd(day).0,
            Grain::All => 0,
        };
        Period { grain, index }
    }

    /// The first day of week 0: the week-start day on or before 1970-01-01.
    fn first_week_start(&self) -> Day {
        -(weekday(0) - self.week_start).rem_euclid(7)
    }

    /// First and last day of a period; `All` spans `range`.
    pub fn bounds(&self, p: Period, range: (Day, Day)) -> (Day, Day) {
        match p.grain {
            Grain::Day => (p.index, p.index),
            Grain::Week => {
                let s = self.first_week_start() + p.index * 7;
                (s, s + 6)
            }
            Grain::Month => {
                let (y, m) = (p.index.div_euclid(12), p.index.rem_euclid(12) as u32 + 1);
                (
                    day_from_ymd(y, m, 1),
                    day_from_ymd(y, m, days_in_month(y, m)),
                )
            }
            Grain::Quarter => {
                let (y, q) = (p.index.div_euclid(4), p.index.rem_euclid(4) as u32);
                let m2 = q * 3 + 3;
                (
                    day_from_ymd(y, q * 3 + 1, 1),
                    day_from_ymd(y, m2, days_in_month(y, m2)),
                )
            }
            Grain::Year => (day_from_ymd(p.index, 1, 1), day_from_ymd(p.index, 12, 31)),
            Grain::All => range,
        }
    }

    /// The last period of `grain` that is complete on `day`: the one ending
    /// that day, else the one before.
    pub fn last_complete(&self, grain: Grain, day: Day) -> Period {
        let p = self.period_of(grain, day);
        if self.bounds(p, (day, day)).1 == day {
            p
        } else {
            p.previous().unwrap_or(p)
        }
    }

    /// `2026-10-03`, `2026-W41` (weeks starting Monday; otherwise the start
    /// day, `2026-10-04/week`), `2026-10`, `2026-Q4`, `2026`, `all`.
    pub fn label(&self, p: Period) -> String {
        match p.grain {
            Grain::Day => format_day(p.index),
            Grain::Week => {
                let (start, _) = self.bounds(p, (0, 0));
                if self.week_start == 0 {
                    // ISO week: the year of its Thursday.
                    let thursday = start + 3;
                    let (y, _, _) = ymd(thursday);
                    let week = (thursday - day_from_ymd(y, 1, 1)) / 7 + 1;
                    format!("{y:04}-W{week:02}")
                } else {
                    format!("{}/week", format_day(start))
                }
            }
            Grain::Month => format!(
                "{:04}-{:02}",
                p.index.div_euclid(12),
                p.index.rem_euclid(12) + 1
            ),
            Grain::Quarter => format!(
                "{:04}-Q{}",
                p.index.div_euclid(4),
                p.index.rem_euclid(4) + 1
            ),
            Grain::Year => format!("{:04}", p.index),
            Grain::All => "all".to_string(),
        }
    }

    /// Parses a period label, telling its grain: the inverse of [`Calendar::label`].
    pub fn parse_label(&self, s: &str) -> Option<Period> {
        if s == "all" {
            return Some(Period {
                grain: Grain::All,
                index: 0,
            });
        }
        if let Some(day) = parse_day(s) {
            return Some(self.period_of(Grain::Day, day));
        }
        if let Some(start) = s.strip_suffix("/week").and_then(parse_day) {
            return Some(self.period_of(Grain::Week, start));
        }
        let (y, rest) = s.split_at_checked(4)?;
        let y: i32 = y.parse().ok()?;
        if !s.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            return None;
        }
        if rest.is_empty() {
            return Some(Period {
                grain: Grain::Year,
                index: y,
            });
        }
        if let Some(q) = rest.strip_prefix("-Q") {
            let q: i32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            return Some(Period {
                grain: Grain::Quarter,
                index: y * 4 + q - 1,
            });
        }
        if let Some(w) = rest.strip_prefix("-W") {
            let w: i32 = w.parse().ok().filter(|w| (1..=53).contains(w))?;
            // ISO week 1 holds January 4th.
            let jan4 = day_from_ymd(y, 1, 4);
            let monday = jan4 - weekday(jan4) + (w - 1) * 7;
            return Some(self.period_of(Grain::Week, monday + self.week_start));
        }
        if let Some(m) = rest.strip_prefix('-') {
            let m: i32 = m
                .parse()
                .ok()
                .filter(|m| (1..=12).contains(m))
                .filter(|_| m.len() == 2)?;
            return Some(Period {
                grain: Grain::Month,
                index: y * 12 + m - 1,
            });
        }
        None
    }
}

impl Period {
    pub fn previous(self) -> Option<Period> {
        (self.grain != Grain::All).then_some(Period {
            grain: self.grain,
            index: self.index - 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for (s, n) in [
            ("1970-01-01", 0),
            ("2026-10-31", 20757),
            ("2024-02-29", 19782),
            ("1969-12-31", -1),
        ] {
            assert_eq!(parse_day(s), Some(n), "{s}");
            assert_eq!(format_day(n), s);
        }
        assert_eq!(parse_day("2026-02-29"), None);
        assert_eq!(parse_day("2026-13-01"), None);
    }

    #[test]
    fn labels_round_trip() {
        let cal = Calendar::default();
        let d = parse_day("2026-10-07").unwrap();
        let cases = [
            (Grain::Day, "2026-10-07"),
            (Grain::Week, "2026-W41"),
            (Grain::Month, "2026-10"),
            (Grain::Quarter, "2026-Q4"),
            (Grain::Year, "2026"),
        ];
        for (grain, label) in cases {
            let p = cal.period_of(grain, d);
            assert_eq!(cal.label(p), label);
            assert_eq!(cal.parse_label(label), Some(p), "{label}");
            let (s, e) = cal.bounds(p, (0, 0));
            assert!(s <= d && d <= e);
        }
        let week = cal.period_of(Grain::Week, d);
        assert_eq!(
            cal.bounds(week, (0, 0)),
            (
                parse_day("2026-10-05").unwrap(),
                parse_day("2026-10-11").unwrap()
            )
        );
        let sunday = Calendar { week_start: 6 };
        let w = sunday.period_of(Grain::Week, d);
        assert_eq!(sunday.label(w), "2026-10-04/week");
        assert_eq!(sunday.parse_label("2026-10-04/week"), Some(w));
    }

    /// `parse_day` before the word-at-a-time one, kept as the reference.
    fn parse_day_before(s: &str) -> Option<Day> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32)
            })
        };
        let (y, m, d) = (num(0..4)? as i32, num(5..7)?, num(8..10)?);
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        Some(day_from_ymd(y, m, d))
    }

    /// Every `YYYY-MM-DD` of the years 0000..=9999, months 00..=13 and days
    /// 00..=32: every date four digits can write and the invalid ones beside
    /// them. The valid ones come in order, so each is the day after the last.
    #[test]
    fn every_date_as_before() {
        let mut buf = *b"0000-00-00";
        let mut last = None;
        let mut valid = 0;
        for y in 0..=9999u32 {
            buf[..4].copy_from_slice(format!("{y:04}").as_bytes());
            for m in 0..=13u8 {
                buf[5..7].copy_from_slice(&[b'0' + m / 10, b'0' + m % 10]);
                for d in 0..=32u8 {
                    buf[8..].copy_from_slice(&[b'0' + d / 10, b'0' + d % 10]);
                    let s = std::str::from_utf8(&buf).expect("ASCII");
                    let got = parse_day(s);
                    assert_eq!(got, parse_day_before(s), "{s}");
                    if let Some(day) = got {
                        if let Some(last) = last {
                            assert_eq!(day, last + 1, "{s}");
                        }
                        last = Some(day);
                        valid += 1;
                    }
                }
            }
        }
        // 25 cycles of 400 Gregorian years.
        assert_eq!(valid, 25 * 146_097);
        assert_eq!(last, Some(day_from_ymd(9999, 12, 31)));
        assert_eq!(parse_day("0000-01-01"), Some(day_from_ymd(0, 1, 1)));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: crate::prop_config().cases.max(2048),
            ..crate::prop_config()
        })]

        /// A valid date with one byte replaced: a separator, a digit out of
        /// range, the bytes beside '0'..='9', or a multi-byte character.
        #[test]
        fn mutated_dates_as_before(
            y in 0..=9999u32,
            m in 1..=12u32,
            d in 1..=31u32,
            at in 0usize..10,
            c in proptest::prop_oneof![
                proptest::sample::select(&['/', ':', '-', ' ', '0', '9', '٣', 'é', '\0'][..]),
                proptest::arbitrary::any::<char>(),
            ],
        ) {
            let mut s = format!("{y:04}-{m:02}-{d:02}");
            proptest::prop_assert_eq!(parse_day(&s), parse_day_before(&s), "{}", s);
            s.replace_range(at..at + 1, c.encode_utf8(&mut [0; 4]));
            proptest::prop_assert_eq!(parse_day(&s), parse_day_before(&s), "{:?}", s);
        }

        #[test]
        fn malformed_days_as_before(s in "[0-9/: \u{0663}é-]{0,12}|\\PC{0,12}") {
            proptest::prop_assert_eq!(parse_day(&s), parse_day_before(&s), "{:?}", s);
        }

        #[test]
        fn ten_bytes_as_before(b in proptest::arbitrary::any::<[u8; 10]>()) {
            if let Ok(s) = std::str::from_utf8(&b) {
                proptest::prop_assert_eq!(parse_day(s), parse_day_before(s), "{:?}", s);
            }
        }
    }
}
