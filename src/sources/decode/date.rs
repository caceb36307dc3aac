//! Dates in the export's own format, turned into the workspace's days.
//!
//! A time with an offset (`2016-12-23 18:50 +0000`) is converted to the
//! workspace's time zone before the day is taken; a time without one is
//! already local. Year-less dates (`28 May`, TikTok) take a year from the
//! source and roll over at January.

use jiff::fmt::strtime::BrokenDownTime;
use jiff::tz::TimeZone;

use crate::aggregate::period::{Day, day_from_ymd};

/// Month names of the locales exports come in (TikTok writes dates in the
/// account's language), month by month; abbreviations may end with a dot.
const MONTHS: [&[&str]; 12] = [
    &[
        "janvier",
        "janv",
        "januar",
        "jän",
        "enero",
        "ene",
        "janeiro",
        "gennaio",
        "gen",
        "января",
        "январь",
        "янв",
    ],
    &[
        "février",
        "fevrier",
        "févr",
        "fevr",
        "februar",
        "febrero",
        "fevereiro",
        "fev",
        "febbraio",
        "febbr",
        "февраля",
        "февраль",
        "фев",
    ],
    &[
        "mars",
        "märz",
        "mär",
        "marzo",
        "março",
        "marco",
        "марта",
        "март",
        "мар",
    ],
    &[
        "avril",
        "avr",
        "abril",
        "abr",
        "aprile",
        "апреля",
        "апрель",
        "апр",
    ],
    &["mai", "mayo", "maio", "maggio", "mag", "мая", "май"],
    &[
        "juin", "juni", "junio", "junho", "giugno", "giu", "июня", "июнь", "июн",
    ],
    &[
        "juillet", "juil", "juli", "julio", "julho", "luglio", "lug", "июля", "июль", "июл",
    ],
    &["août", "aout", "agosto", "ago", "августа", "август", "авг"],
    &[
        "septembre",
        "sept",
        "septiembre",
        "setembro",
        "set",
        "settembre",
        "сентября",
        "сентябрь",
        "сен",
    ],
    &[
        "octobre",
        "oktober",
        "okt",
        "octubre",
        "outubro",
        "out",
        "ottobre",
        "ott",
        "октября",
        "октябрь",
        "окт",
    ],
    &[
        "novembre",
        "noviembre",
        "novembro",
        "ноября",
        "ноябрь",
        "ноя",
    ],
    &[
        "décembre",
        "decembre",
        "déc",
        "dezember",
        "dez",
        "diciembre",
        "dic",
        "dezembro",
        "dicembre",
        "декабря",
        "декабрь",
        "дек",
    ],
];

const ENGLISH: [(&str, &str); 12] = [
    ("Jan", "January"),
    ("Feb", "February"),
    ("Mar", "March"),
    ("Apr", "April"),
    ("May", "May"),
    ("Jun", "June"),
    ("Jul", "July"),
    ("Aug", "August"),
    ("Sep", "September"),
    ("Oct", "October"),
    ("Nov", "November"),
    ("Dec", "December"),
];

/// Reads dates of one column, in order, so that year-less dates can roll
/// over at January.
#[derive(Debug, Clone)]
pub struct DateReader {
    formats: Vec<String>,
    tz: TimeZone,
    /// The year of year-less dates, and the last month seen.
    year: Option<i32>,
    last_month: i8,
    /// The last cell read and its day: exports repeat a date row after row.
    last: Option<(String, Day)>,
}

impl DateReader {
    pub fn new(formats: Vec<String>, tz: TimeZone, year: Option<i32>) -> DateReader {
        DateReader {
            formats,
            tz,
            year,
            last_month: 0,
            last: None,
        }
    }

    pub fn formats(&self) -> String {
        self.formats.join("` or `")
    }

    /// The day of `cell`; the error says why it could not be read.
    pub fn read(&mut self, cell: &str) -> Result<Day, String> {
        let t = cell.trim();
        if let Some((text, day)) = &self.last
            && text == t
        {
            return Ok(*day);
        }
        let day = self.parse(t)?;
        self.last = Some((t.to_string(), day));
        Ok(day)
    }

    fn parse(&mut self, t: &str) -> Result<Day, String> {
        let mut last_err = String::new();
        for f in &self.formats {
            match f.as_str() {
                "ms" | "s" => {
                    let Ok(n) = t.parse::<f64>() else {
                        last_err = "not a number".into();
                        continue;
                    };
                    let secs = if f == "ms" { n / 1000.0 } else { n };
                    let ts = jiff::Timestamp::from_second(secs.floor() as i64)
                        .map_err(|e| e.to_string())?;
                    let d = ts.to_zoned(self.tz.clone()).date();
                    return Ok(day_from_ymd(
                        d.year() as i32,
                        d.month() as u32,
                        d.day() as u32,
                    ));
                }
                _ => {}
            }
            let english = to_english(t, f.contains("%B"));
            let parsed = BrokenDownTime::parse(f, english.as_bytes());
            let mut tm = match parsed {
                Ok(tm) => tm,
                Err(e) => {
                    // jiff chains its context ("strptime parsing failed: %d
                    // failed: ..."); the innermost part says what was wrong.
                    let e = e.to_string();
                    last_err = e.rsplit(": ").next().unwrap_or(&e).to_string();
                    continue;
                }
            };
            if tm.offset().is_some() {
                let ts = tm.to_timestamp().map_err(|e| e.to_string())?;
                let d = ts.to_zoned(self.tz.clone()).date();
                return Ok(day_from_ymd(
                    d.year() as i32,
                    d.month() as u32,
                    d.day() as u32,
                ));
            }
            if tm.year().is_none() {
                let Some(year) = self.year else {
                    return Err("the date has no year: set `year` in the [[source]], or put the year in the file's name".into());
                };
                let month = tm.month().unwrap_or(1);
                if month < self.last_month {
                    self.year = Some(year + 1);
                }
                self.last_month = month;
                tm.set_year(self.year.map(|y| y as i16))
                    .map_err(|e| e.to_string())?;
            }
            let d = tm.to_date().map_err(|e| e.to_string())?;
            return Ok(day_from_ymd(
                d.year() as i32,
                d.month() as u32,
                d.day() as u32,
            ));
        }
        Err(last_err)
    }
}

/// `t` with month names of other languages in English: abbreviated, or in
/// full when the format reads full names (`%B`).
fn to_english(t: &str, full: bool) -> std::borrow::Cow<'_, str> {
    let mut out = String::with_capacity(t.len());
    let mut changed = false;
    let mut rest = t;
    while !rest.is_empty() {
        let start = rest.find(char::is_alphabetic).unwrap_or(rest.len());
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let word = &rest[..end];
        let lower = word.to_lowercase();
        match MONTHS
            .iter()
            .position(|names| names.contains(&lower.as_str()))
        {
            Some(m) => {
                let (abbr, name) = ENGLISH[m];
                out.push_str(if full { name } else { abbr });
                changed = true;
                // "janv." and "sept." end with a dot the format does not have.
                rest = rest[end..].strip_prefix('.').unwrap_or(&rest[end..]);
            }
            None => {
                out.push_str(word);
                rest = &rest[end..];
            }
        }
    }
    if changed { out.into() } else { t.into() }
}

/// The first `YYYY` (1990..2100) in a file name: the start of an export's window.
pub fn year_in_name(name: &str) -> Option<i32> {
    let b = name.as_bytes();
    (0..b.len().saturating_sub(3)).find_map(|i| {
        let w = &b[i..i + 4];
        let edge_before = i == 0 || !b[i - 1].is_ascii_digit();
        if edge_before && w.iter().all(u8::is_ascii_digit) {
            let y: i32 = std::str::from_utf8(w).ok()?.parse().ok()?;
            (1990..2100).contains(&y).then_some(y)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::period::format_day;

    fn read(formats: &[&str], tz: &str, year: Option<i32>, cells: &[&str]) -> Vec<String> {
        let tz = TimeZone::get(tz).unwrap();
        let mut r = DateReader::new(formats.iter().map(|s| s.to_string()).collect(), tz, year);
        cells
            .iter()
            .map(|c| {
                r.read(c)
                    .map(format_day)
                    .unwrap_or_else(|e| format!("error: {e}"))
            })
            .collect()
    }

    #[test]
    fn export_date_formats() {
        for (format, cell, tz, want) in [
            ("%b %d, %Y", "Dec 15, 2023", "UTC", "2023-12-15"),
            ("%a, %b %d, %Y", "Tue, Jul 14, 2026", "UTC", "2026-07-14"),
            ("%m/%d/%Y %H:%M", "03/27/2026 06:08", "UTC", "2026-03-27"),
            (
                "%Y-%m-%d %H:%M %z",
                "2016-12-23 18:50 +0000",
                "UTC",
                "2016-12-23",
            ),
            (
                "%Y-%m-%d %H:%M %z",
                "2016-12-23 18:50 +0000",
                "Asia/Tokyo",
                "2016-12-24",
            ),
            (
                "%Y-%m-%dT%H:%M:%S%z",
                "2015-09-21T07:00:00+0000",
                "America/Los_Angeles",
                "2015-09-21",
            ),
            (
                "%Y-%m-%dT%H:%M:%S",
                "2025-08-01T00:00:00",
                "UTC",
                "2025-08-01",
            ),
            ("%m/%d/%y", "1/5/22", "UTC", "2022-01-05"),
            ("%Y%m%d", "20260701", "UTC", "2026-07-01"),
            ("ms", "1735689600000", "UTC", "2025-01-01"),
        ] {
            assert_eq!(
                read(&[format], tz, None, &[cell]),
                [want],
                "{format} {cell}"
            );
        }
    }

    #[test]
    fn yearless_dates_roll_over_at_january() {
        assert_eq!(
            read(
                &["%d %b", "%B %d"],
                "UTC",
                Some(2025),
                &["28 Dec", "December 31", "1 Jan", "28 апреля"]
            ),
            ["2025-12-28", "2025-12-31", "2026-01-01", "2026-04-28"]
        );
        assert!(read(&["%d %b"], "UTC", None, &["28 May"])[0].contains("no year"));
        assert_eq!(
            year_in_name("Overview_2025-08-28_2025-09-26.zip"),
            Some(2025)
        );
        assert_eq!(
            year_in_name("tweet_activity_metrics_x_20181101_20181201_en.csv"),
            Some(2018)
        );
        assert_eq!(year_in_name("Table data.csv"), None);
    }
}
