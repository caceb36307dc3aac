//! A language's (and region's) way of naming days and periods: month
//! names, and the patterns of a day, a month, a quarter, a week, a year and
//! the whole data (`3 October 2026`, `October 2026`, `Q3 2026`,
//! `Week 41, 2026`, `2026`, `All time`), with the short forms of chart axes.

use crate::aggregate::period::{Calendar, Day, Grain, Period, ymd};

use super::pattern::fill;
use super::raw::RawDates;

/// The date words of one locale, complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dates {
    pub months: Vec<String>,
    pub day_months: Vec<String>,
    pub months_short: Vec<String>,
    pub day_months_short: Vec<String>,
    pub first_day: Option<String>,
    pub day: String,
    pub day_short: String,
    pub month: String,
    pub month_short: String,
    pub quarter: String,
    pub week: String,
    pub week_short: String,
    pub week_of: String,
    pub year: String,
    pub all: String,
}

impl Dates {
    /// `patch` (a region's table) over `base` (its language's); every
    /// field must then be given, with twelve months and the placeholders
    /// each pattern needs.
    pub fn resolve(base: &RawDates, patch: &RawDates) -> Result<Dates, String> {
        fn pick<T: Clone>(patch: &Option<T>, base: &Option<T>, key: &str) -> Result<T, String> {
            patch
                .clone()
                .or_else(|| base.clone())
                .ok_or_else(|| format!("[dates] lacks `{key}`"))
        }
        let months = pick(&patch.months, &base.months, "months")?;
        let months_short = pick(&patch.months_short, &base.months_short, "months_short")?;
        let d = Dates {
            day_months_short: patch
                .day_months_short
                .clone()
                .or_else(|| base.day_months_short.clone())
                .unwrap_or_else(|| months_short.clone()),
            months_short,
            day_months: patch
                .day_months
                .clone()
                .or_else(|| base.day_months.clone())
                .unwrap_or_else(|| months.clone()),
            months,
            first_day: patch.first_day.clone().or_else(|| base.first_day.clone()),
            day: pick(&patch.day, &base.day, "day")?,
            day_short: pick(&patch.day_short, &base.day_short, "day_short")?,
            month: pick(&patch.month, &base.month, "month")?,
            month_short: pick(&patch.month_short, &base.month_short, "month_short")?,
            quarter: pick(&patch.quarter, &base.quarter, "quarter")?,
            week: pick(&patch.week, &base.week, "week")?,
            week_short: pick(&patch.week_short, &base.week_short, "week_short")?,
            week_of: pick(&patch.week_of, &base.week_of, "week_of")?,
            year: pick(&patch.year, &base.year, "year")?,
            all: pick(&patch.all, &base.all, "all")?,
        };
        for (key, names) in [
            ("months", &d.months),
            ("day_months", &d.day_months),
            ("months_short", &d.months_short),
            ("day_months_short", &d.day_months_short),
        ] {
            if names.len() != 12 {
                return Err(format!("[dates] `{key}` has {} names, not 12", names.len()));
            }
        }
        for (key, pattern, needs) in [
            ("day", &d.day, &["day", "month", "year"][..]),
            ("day_short", &d.day_short, &["day", "month"][..]),
            ("month", &d.month, &["month", "year"][..]),
            ("month_short", &d.month_short, &["month"][..]),
            ("quarter", &d.quarter, &["quarter", "year"][..]),
            ("week", &d.week, &["week", "year"][..]),
            ("week_short", &d.week_short, &["week"][..]),
            ("week_of", &d.week_of, &["date"][..]),
            ("year", &d.year, &["year"][..]),
        ] {
            for p in needs {
                if !pattern.contains(&format!("{{{p}}}")) {
                    return Err(format!("[dates] `{key} = \"{pattern}\"` lacks `{{{p}}}`"));
                }
            }
        }
        Ok(d)
    }

    /// The day of the month as a date writes it: `3`, or `1er` in French.
    fn day_number(&self, d: u32) -> String {
        match (&self.first_day, d) {
            (Some(first), 1) => first.clone(),
            _ => d.to_string(),
        }
    }

    /// `3 October 2026`, `October 3, 2026`, `3 octobre 2026`.
    pub fn day(&self, day: Day) -> String {
        let (y, m, d) = ymd(day);
        fill(
            &self.day,
            &[
                ("day", &self.day_number(d)),
                ("month", &self.day_months[m as usize - 1]),
                ("year", &y.to_string()),
            ],
        )
    }

    /// `3 Oct`, `Oct 3`, `3 oct.`: a day on a chart axis.
    pub fn day_short(&self, day: Day) -> String {
        let (_, m, d) = ymd(day);
        fill(
            &self.day_short,
            &[
                ("day", &self.day_number(d)),
                ("month", &self.day_months_short[m as usize - 1]),
            ],
        )
    }

    /// A period as people name it; `short` for a chart axis (`Oct`,
    /// `W41`), where the year is read from the axis.
    pub fn period(&self, p: Period, calendar: &Calendar, short: bool) -> String {
        match p.grain {
            Grain::Day if short => self.day_short(p.index),
            Grain::Day => self.day(p.index),
            Grain::Week => {
                let (start, _) = calendar.bounds(p, (0, 0));
                match iso_week(calendar, p) {
                    Some((year, week)) => fill(
                        if short { &self.week_short } else { &self.week },
                        &[("week", &week.to_string()), ("year", &year.to_string())],
                    ),
                    // A week that starts on another day has no ISO number:
                    // it is named by its first day.
                    None if short => self.day_short(start),
                    None => fill(&self.week_of, &[("date", &self.day(start))]),
                }
            }
            Grain::Month => {
                let (y, m) = (p.index.div_euclid(12), p.index.rem_euclid(12) as usize);
                if short {
                    fill(
                        &self.month_short,
                        &[("month", &self.months_short[m]), ("year", &y.to_string())],
                    )
                } else {
                    fill(
                        &self.month,
                        &[("month", &self.months[m]), ("year", &y.to_string())],
                    )
                }
            }
            Grain::Quarter => fill(
                &self.quarter,
                &[
                    ("quarter", &(p.index.rem_euclid(4) + 1).to_string()),
                    ("year", &p.index.div_euclid(4).to_string()),
                ],
            ),
            Grain::Year => fill(&self.year, &[("year", &p.index.to_string())]),
            Grain::All => self.all.clone(),
        }
    }
}

/// The ISO year and number of a week of a calendar whose weeks start on
/// Monday, read from the calendar's own label (`2026-W41`) so that both
/// always agree; `None` for weeks starting on another day.
fn iso_week(calendar: &Calendar, p: Period) -> Option<(i32, u32)> {
    let label = calendar.label(p);
    let (y, w) = label.split_once("-W")?;
    Some((y.parse().ok()?, w.parse().ok()?))
}
