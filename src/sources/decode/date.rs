//! Dates in the export's own format, turned into the workspace's days.
//!
//! A time with an offset (`2016-12-23 18:50 +0000`) is converted to the
//! workspace's time zone before the day is taken; a time without one is
//! already local. Month names and the words around them may be in the
//! languages exports are written in (`8 de marzo`, `1er mars`). Year-less
//! dates (`28 May`, TikTok) take a year from the source and roll over only
//! at January, forward or back as the column goes up or down by date
//! ([`DateReader::plan`]), or take the year of their post's id
//! ([`IdClock`]).

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
        "февр",
        "фев",
    ],
    &[
        "mars",
        "märz",
        "mär",
        "mrz",
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
        "сент",
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
        "нояб",
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

/// A post id that carries its creation time, for `year_from`: year-less
/// dates of a post are put in the year nearest to the time its id was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdClock {
    /// A TikTok video id: Unix seconds in its top 32 bits (`id >> 32`).
    TikTok,
    /// An X (Twitter) snowflake: milliseconds since 1288834974657 in
    /// `id >> 22`.
    X,
}

impl IdClock {
    /// The values `year_from` takes, for messages.
    pub const NAMES: &'static str = "\"tiktok_id\" or \"x_id\"";

    pub fn parse(name: &str) -> Option<IdClock> {
        match name {
            "tiktok_id" => Some(IdClock::TikTok),
            "x_id" => Some(IdClock::X),
            _ => None,
        }
    }

    fn what(self) -> &'static str {
        match self {
            IdClock::TikTok => "a TikTok video id",
            IdClock::X => "an X post id",
        }
    }

    /// The creation time of the post whose id is `cell`, or the digits at
    /// the end of its link (`https://www.tiktok.com/@handle/video/<id>`,
    /// `https://x.com/handle/status/<id>`).
    pub fn created(self, cell: &str) -> Result<jiff::Timestamp, String> {
        let t = cell.trim();
        let path = t.split(['?', '#']).next().unwrap_or("");
        let digits = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        if t.is_empty() {
            return Err(format!("the row has no post id: {} is needed", self.what()));
        }
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("`{t}` does not end with {} (digits)", self.what()));
        }
        let id: u64 = digits
            .parse()
            .map_err(|_| format!("`{digits}` is too large for {}", self.what()))?;
        // Unix milliseconds, and the span of times an id of the kind can hold:
        // TikTok began in 2016; X's snowflakes on 2010-11-04 (older ids are
        // counters, which would all read as that day).
        let (ms, from, from_text) = match self {
            IdClock::TikTok => ((id >> 32) as i64 * 1000, 1_451_606_400, "2016"),
            IdClock::X => (
                (id >> 22) as i64 + 1_288_834_974_657,
                1_288_915_200,
                "2010-11-05",
            ),
        };
        let secs = ms.div_euclid(1000);
        if !(from..4_102_444_800).contains(&secs) {
            return Err(format!(
                "`{digits}` is not {}: the time it holds ({}) is not between {from_text} and 2100",
                self.what(),
                jiff::Timestamp::from_second(secs)
                    .map(|ts| ts.to_string())
                    .unwrap_or_else(|_| format!("{secs} s"))
            ));
        }
        jiff::Timestamp::from_millisecond(ms).map_err(|e| e.to_string())
    }
}

/// Why a date cell gave no day.
#[derive(Debug, Clone, PartialEq)]
pub enum DateError {
    /// The cell fits none of the formats.
    Format(String),
    /// The cell was read but has no year, and none can be given to it.
    Year(String),
    /// `year_from`: the post id tells no creation time.
    Id(String),
}

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateError::Format(e) | DateError::Year(e) | DateError::Id(e) => f.write_str(e),
        }
    }
}

/// A cell read by a format: a day, or a month and day without a year.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fields {
    Day(Day),
    YearLess { month: i8, day: i8 },
}

/// How year-less dates of a column get their years, once the column has
/// been looked over ([`DateReader::plan`]).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Roll {
    /// Every year-less date is in the given year.
    Fixed,
    /// Dates go up: the year goes forward when the date goes down (Dec→Jan).
    Up { year: i32, last: u16 },
    /// Dates go down (newest first): the year goes back when the date goes
    /// up (Jan→Dec).
    Down { year: i32, last: u16 },
}

/// Reads dates of one column, in order, so that year-less dates can roll
/// over at January.
#[derive(Debug, Clone)]
pub struct DateReader {
    formats: Vec<String>,
    tz: TimeZone,
    /// The year given to year-less dates: the year of the earliest one.
    year: Option<i32>,
    year_from: Option<IdClock>,
    roll: Roll,
    /// The last cell read and its day: exports repeat a date row after row.
    last: Option<(String, Day)>,
    /// When `year` is the file name's (a guess that the name's year is the
    /// earliest date's): today, which no day of an export comes after.
    guessed_before: Option<Day>,
}

/// Years a date can be in.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// Half a year, in days: how far apart two neighbouring year-less dates of
/// a sorted file can be, either way round the calendar.
const HALF_YEAR: u16 = 183;

/// The day of the year of a month and day, in a leap year (1..=366).
fn ordinal(month: i8, day: i8) -> u16 {
    const BEFORE: [u16; 12] = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335];
    BEFORE[(month.clamp(1, 12) - 1) as usize] + day.max(1) as u16
}

/// Days forward from the day of the year `a` to `b`, round the calendar.
fn forward(a: u16, b: u16) -> u16 {
    (b + 366 - a) % 366
}

fn in_range(year: i32) -> Result<i32, DateError> {
    if YEARS.contains(&year) {
        Ok(year)
    } else {
        Err(DateError::Year(format!(
            "the year {year} is out of range ({}..{})",
            YEARS.start(),
            YEARS.end()
        )))
    }
}

/// The day of a date jiff has read. jiff's dates span the years -9999 to
/// 9999, and `%Y` reads `0000` or `-0001`: days outside [`YEARS`] are
/// errors here, as they are for year-less dates, so that no year 0 or
/// before reaches the periods.
fn civil_day(d: jiff::civil::Date) -> Result<Day, DateError> {
    let year = in_range(d.year() as i32)?;
    Ok(day_from_ymd(year, d.month() as u32, d.day() as u32))
}

fn ymd(year: i32, month: i8, day: i8) -> Result<Day, DateError> {
    let year = in_range(year)?;
    jiff::civil::Date::new(year as i16, month, day)
        .map_err(|e| DateError::Format(e.to_string()))?;
    Ok(day_from_ymd(year, month as u32, day as u32))
}

impl DateReader {
    pub fn new(formats: Vec<String>, tz: TimeZone, year: Option<i32>) -> DateReader {
        DateReader {
            formats,
            tz,
            year,
            year_from: None,
            roll: Roll::Fixed,
            last: None,
            guessed_before: None,
        }
    }

    /// `year` is a guess from the file's name: a year-less date it puts
    /// after today is an error (the name's date was when the file was
    /// saved, say, not its first day), never a day in the future.
    pub fn year_guessed(mut self, guessed: bool) -> DateReader {
        self.guessed_before = guessed.then(|| {
            let today = jiff::Zoned::now().with_time_zone(self.tz.clone()).date();
            day_from_ymd(
                today.year() as i32,
                today.month() as u32,
                today.day() as u32,
            )
        });
        self
    }

    /// Year-less dates take the year nearest to their post id's creation
    /// time (see [`DateReader::read_post`]) instead of a year of the source.
    pub fn year_from(mut self, clock: Option<IdClock>) -> DateReader {
        self.year_from = clock;
        self
    }

    pub fn formats(&self) -> String {
        self.formats.join("` or `")
    }

    /// Looks over the date cells of a column (with their lines), before
    /// they are read one by one, to tell how year-less dates roll over.
    ///
    /// A year is given (the source's `year`, or the file's name): it is the
    /// year of the earliest date. The order of the dates is told by their
    /// first change: dates that go up roll over to the next year when they
    /// go down past January (Dec→Jan); dates that go down (newest first)
    /// roll back to the year before when they go up past January (Jan→Dec),
    /// and the first row is then in the given year plus the roll-overs
    /// below it. Neighbouring dates more than half a year apart the file's
    /// way are no order at all: that is an error at the line, unless
    /// `year_set` (the source sets `year`), when every date is in that year.
    pub fn plan<S: AsRef<str>>(
        &mut self,
        cells: impl IntoIterator<Item = (usize, S)>,
        year_set: bool,
    ) -> Result<(), (usize, String)> {
        self.roll = Roll::Fixed;
        let Some(base) = self.year else {
            return Ok(());
        };
        // (line, day of the year, cell) at each change of date.
        let mut steps: Vec<(usize, u16, String)> = Vec::new();
        for (line, cell) in cells {
            let cell = cell.as_ref().trim();
            if let Ok(Fields::YearLess { month, day }) = self.fields(cell) {
                let o = ordinal(month, day);
                if steps.last().is_none_or(|s| s.1 != o) {
                    steps.push((line, o, cell.to_string()));
                }
            }
        }
        let Some(first) = steps.first().map(|s| s.1) else {
            return Ok(());
        };
        let up = steps.get(1).is_none_or(|s| forward(first, s.1) < HALF_YEAR);
        let mut rolls = 0;
        for w in steps.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            let ahead = forward(a.1, b.1);
            let in_order = if up {
                ahead < HALF_YEAR
            } else {
                366 - ahead < HALF_YEAR
            };
            if !in_order {
                if year_set {
                    return Ok(());
                }
                return Err((
                    b.0,
                    format!(
                        "the dates have no year and are not sorted by date: `{}` follows `{}` in dates going {}, so their years cannot be told; export the file sorted by date, or set `year` on the source if every date is in that one year",
                        b.2,
                        a.2,
                        if up { "up" } else { "down (newest first)" }
                    ),
                ));
            }
            if (up && b.1 < a.1) || (!up && b.1 > a.1) {
                rolls += 1;
            }
        }
        self.roll = if up {
            Roll::Up {
                year: base,
                last: first,
            }
        } else {
            Roll::Down {
                year: base.saturating_add(rolls),
                last: first,
            }
        };
        Ok(())
    }

    /// The day of `cell`; the error says why it could not be read.
    pub fn read(&mut self, cell: &str) -> Result<Day, DateError> {
        self.read_post(cell, None)
    }

    /// The day of `cell`, of the post whose id (or link) is `post`: with
    /// `year_from`, a year-less date is put in the year nearest to the
    /// time the id was made.
    pub fn read_post(&mut self, cell: &str, post: Option<&str>) -> Result<Day, DateError> {
        let t = cell.trim();
        if self.year_from.is_none()
            && let Some((text, day)) = &self.last
            && text == t
        {
            return Ok(*day);
        }
        let day = match self.fields(t)? {
            Fields::Day(d) => d,
            Fields::YearLess { month, day } => self.give_year(month, day, post)?,
        };
        self.last = Some((t.to_string(), day));
        Ok(day)
    }

    fn give_year(&mut self, month: i8, day: i8, post: Option<&str>) -> Result<Day, DateError> {
        if let Some(clock) = self.year_from {
            let created = clock
                .created(post.unwrap_or(""))
                .map_err(DateError::Id)?
                .to_zoned(self.tz.clone())
                .date();
            let made = day_from_ymd(
                created.year() as i32,
                created.month() as u32,
                created.day() as u32,
            );
            let y = created.year() as i32;
            return (y - 1..=y + 1)
                .filter_map(|y| ymd(y, month, day).ok())
                .min_by_key(|d| (d - made).abs())
                .ok_or_else(|| DateError::Format(format!("no month {month} has a day {day}")));
        }
        let Some(base) = self.year else {
            return Err(DateError::Year("the date has no year: set `year` in the [[source]], or put the year in the file's name".into()));
        };
        let o = ordinal(month, day);
        let year = match &mut self.roll {
            Roll::Fixed => base,
            Roll::Up { year, last } => {
                if o < *last {
                    *year = year.saturating_add(1);
                }
                *last = o;
                *year
            }
            Roll::Down { year, last } => {
                if o > *last {
                    *year = year.saturating_sub(1);
                }
                *last = o;
                *year
            }
        };
        let found = ymd(year, month, day)?;
        if let Some(today) = self.guessed_before
            && found > today
        {
            return Err(DateError::Year(format!(
                "it has no year, and the year {base} from the file's name, taken as its earliest date's, puts it on {}, after today ({}): if the name's date is when the file was saved rather than its first day, set `year` in the [[source]] to the year of the earliest date",
                crate::aggregate::period::format_day(found),
                crate::aggregate::period::format_day(today)
            )));
        }
        Ok(found)
    }

    /// The cell read by the first format it fits as written, else by the
    /// first it fits without the words that join a day to its month
    /// (`8 de marzo`, `1er mars`, `8. März`). The error is the last
    /// format's, on the cell as written.
    fn fields(&self, t: &str) -> Result<Fields, DateError> {
        let mut last_err = String::new();
        if let Some(found) = self.fields_as(t, &mut last_err)? {
            return Ok(found);
        }
        let plain = without_connectors(t);
        if plain != t
            && let Some(found) = self.fields_as(&plain, &mut String::new())?
        {
            return Ok(found);
        }
        Err(DateError::Format(last_err))
    }

    fn fields_as(&self, t: &str, last_err: &mut String) -> Result<Option<Fields>, DateError> {
        for f in &self.formats {
            if matches!(f.as_str(), "ms" | "s") {
                let Ok(n) = t.parse::<f64>() else {
                    *last_err = "not a number".into();
                    continue;
                };
                if !n.is_finite() {
                    return Err(DateError::Format(format!(
                        "`{t}` is not a time: a Unix time is a finite number"
                    )));
                }
                let secs = if f == "ms" { n / 1000.0 } else { n };
                let ts = jiff::Timestamp::from_second(secs.floor() as i64)
                    .map_err(|e| DateError::Format(e.to_string()))?;
                return Ok(Some(Fields::Day(self.local_day(ts)?)));
            }
            let english = to_english(t, f.contains("%B"));
            match BrokenDownTime::parse(f, english.as_bytes()) {
                Ok(tm) => return self.tm_fields(tm).map(Some),
                Err(e) => {
                    // jiff chains its context ("strptime parsing failed: %d
                    // failed: ..."); the innermost part says what was wrong.
                    let e = e.to_string();
                    *last_err = e.rsplit(": ").next().unwrap_or(&e).to_string();
                }
            }
        }
        Ok(None)
    }

    fn tm_fields(&self, tm: BrokenDownTime) -> Result<Fields, DateError> {
        if tm.offset().is_some() && tm.year().is_some() {
            let ts = tm
                .to_timestamp()
                .map_err(|e| DateError::Format(e.to_string()))?;
            return Ok(Fields::Day(self.local_day(ts)?));
        }
        match (tm.year(), tm.month(), tm.day()) {
            (None, Some(month), Some(day)) => Ok(Fields::YearLess { month, day }),
            _ => {
                let d = tm.to_date().map_err(|e| DateError::Format(e.to_string()))?;
                civil_day(d).map(Fields::Day)
            }
        }
    }

    fn local_day(&self, ts: jiff::Timestamp) -> Result<Day, DateError> {
        civil_day(ts.to_zoned(self.tz.clone()).date())
    }
}

/// `t` without the words that join a day, its month and its year in the
/// languages month names are read in: Spanish and Portuguese `de`/`del`
/// (`8 de marzo de 2026`), Russian `г.`/`года` after a year
/// (`8 марта 2026 г.`), French `le` and `1er`, English `of` and `1st`,
/// Portuguese and Italian `1º`, and German `8.` (a day with a dot, when a
/// word follows). Words are put back with single spaces.
fn without_connectors(t: &str) -> String {
    const WORDS: &[&str] = &["de", "del", "do", "г.", "г", "года", "le", "of"];
    const ORDINALS: &[&str] = &["er", "º", "ª", "°", ".º", ".ª", "st", "nd", "rd", "th", "."];
    let words: Vec<&str> = t.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        // `2026 г.,` keeps its comma.
        let bare = w.trim_end_matches([',', ';']);
        let tail = &w[bare.len()..];
        if WORDS.contains(&bare.to_lowercase().as_str()) {
            if !tail.is_empty()
                && let Some(prev) = out.last_mut()
            {
                prev.push_str(tail);
            }
            continue;
        }
        let digits = bare.len() - bare.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let suffix = &bare[digits..];
        let next_is_word = words
            .get(i + 1)
            .is_some_and(|n| n.starts_with(char::is_alphabetic));
        if (1..=2).contains(&digits)
            && ORDINALS.contains(&suffix.to_lowercase().as_str())
            && (suffix != "." || next_is_word)
        {
            out.push(format!("{}{tail}", &bare[..digits]));
            continue;
        }
        out.push(w.to_string());
    }
    out.join(" ")
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
        read_all(&mut r, cells)
    }

    /// Each cell's day, or its error, as text.
    fn read_all(r: &mut DateReader, cells: &[&str]) -> Vec<String> {
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

    /// Reads `cells` as the rows of one column: looked over first (as a
    /// table does), then read one by one.
    fn read_column(year: Option<i32>, year_set: bool, cells: &[&str]) -> Vec<String> {
        let formats = ["%d %b", "%b %d", "%d %B", "%B %d"];
        let mut r = DateReader::new(
            formats.iter().map(|s| s.to_string()).collect(),
            TimeZone::UTC,
            year,
        );
        if let Err((line, e)) = r.plan(cells.iter().enumerate().map(|(i, c)| (i + 2, c)), year_set)
        {
            return vec![format!("line {line}: {e}")];
        }
        read_all(&mut r, cells)
    }

    #[test]
    fn yearless_dates_roll_over_at_january() {
        for (what, year, cells, want) in [
            (
                "ascending across a year end: forward at Dec→Jan",
                2025,
                &["28 Dec", "December 31", "1 Jan", "28 апреля"][..],
                &["2025-12-28", "2025-12-31", "2026-01-01", "2026-04-28"][..],
            ),
            (
                "newest first within a year: no roll-over at all",
                2025,
                &["28 Dec", "27 Dec", "1 Dec", "30 Nov", "2 Nov"],
                &[
                    "2025-12-28",
                    "2025-12-27",
                    "2025-12-01",
                    "2025-11-30",
                    "2025-11-02",
                ],
            ),
            (
                "newest first across a year end: back at Jan→Dec; the year is the earliest date's",
                2025,
                &["2 Jan", "1 Jan", "1 Jan", "31 Dec", "30 Dec"],
                &[
                    "2026-01-02",
                    "2026-01-01",
                    "2026-01-01",
                    "2025-12-31",
                    "2025-12-30",
                ],
            ),
            (
                "newest first across two year ends",
                2024,
                &[
                    "3 Jan", "1 Jan", "20 Dec", "1 Oct", "1 Jun", "1 Feb", "20 Dec",
                ],
                &[
                    "2026-01-03",
                    "2026-01-01",
                    "2025-12-20",
                    "2025-10-01",
                    "2025-06-01",
                    "2025-02-01",
                    "2024-12-20",
                ],
            ),
            (
                "one date repeated: the given year",
                2025,
                &["8 Mar", "8 Mar"],
                &["2025-03-08", "2025-03-08"],
            ),
            (
                "ascending with gaps shorter than half a year",
                2025,
                &["Nov 20", "Feb 3", "Jun 1", "Oct 2", "Jan 5"],
                &[
                    "2025-11-20",
                    "2026-02-03",
                    "2026-06-01",
                    "2026-10-02",
                    "2027-01-05",
                ],
            ),
        ] {
            assert_eq!(read_column(Some(year), false, cells), want, "{what}");
        }
    }

    #[test]
    fn yearless_dates_out_of_order_are_refused() {
        // Sorted by views: neither up nor down by date.
        let got = read_column(Some(2025), false, &["8 Mar", "3 Mar", "15 Mar", "1 Mar"]);
        assert_eq!(got.len(), 1);
        assert!(got[0].starts_with("line 4: "), "{got:?}");
        assert!(got[0].contains("`15 Mar` follows `3 Mar`"), "{got:?}");
        assert!(got[0].contains("sorted by date") && got[0].contains("`year`"));
        // A jump around a year end is no roll-over: Dec 30 after Jan 3 in
        // dates going up would be almost a year later.
        let got = read_column(Some(2025), false, &["Dec 28", "Jan 3", "Dec 30"]);
        assert!(got[0].starts_with("line 4: "), "{got:?}");
        // A year set on the source dates every one of them in that year.
        assert_eq!(
            read_column(Some(2025), true, &["8 Mar", "3 Mar", "15 Mar"]),
            ["2025-03-08", "2025-03-03", "2025-03-15"]
        );
        // In order, a set year is the earliest date's, as a file name's is.
        assert_eq!(
            read_column(Some(2025), true, &["1 Jan", "31 Dec"]),
            ["2026-01-01", "2025-12-31"]
        );
        assert!(read_column(None, false, &["28 May"])[0].contains("no year"));
    }

    #[test]
    fn years_out_of_range_and_non_finite_times_are_errors() {
        for (formats, year, cell, want) in [
            (
                &["%d %b"][..],
                Some(i32::MAX),
                "28 May",
                "the year 2147483647 is out of range",
            ),
            (&["%d %b"], Some(0), "28 May", "the year 0 is out of range"),
            (&["%d %b"], Some(-5), "28 May", "out of range"),
            (&["s"], None, "nan", "not a time"),
            (&["ms"], None, "NaN", "not a time"),
            (&["s"], None, "inf", "not a time"),
            (&["ms"], None, "-infinity", "not a time"),
            (&["s"], None, "1e300", "error"),
            // Years jiff reads but no period holds: 0 and before.
            (
                &["%Y-%m-%d"],
                None,
                "0000-01-01",
                "the year 0 is out of range",
            ),
            (
                &["%Y-%m-%d"],
                None,
                "000-01-01",
                "the year 0 is out of range",
            ),
            (&["%Y-%m-%d"], None, "-0005-03-01", "out of range"),
            (
                &["%m/%d/%Y"],
                None,
                "12/31/0000",
                "the year 0 is out of range",
            ),
            // Year 1 at an offset east of UTC is year 0 in UTC.
            (
                &["%Y-%m-%d %H:%M %z"],
                None,
                "0001-01-01 00:30 +0100",
                "the year 0 is out of range",
            ),
            // A Unix time before year 1.
            (&["s"], None, "-62135596801", "the year 0 is out of range"),
            (&["ms"], None, "-300000000000000", "out of range"),
        ] {
            let got = read(formats, "UTC", year, &[cell]);
            assert!(
                got[0].starts_with("error: ") && got[0].contains(want),
                "{formats:?} {cell}: {got:?}"
            );
        }
        // A roll-over past the last year is an error too, not a wrapped year.
        assert_eq!(
            read_column(Some(9999), false, &["Dec 31", "Jan 1"])[1],
            "error: the year 10000 is out of range (1..9999)"
        );
    }

    #[test]
    fn words_between_day_month_and_year() {
        let yearless = ["%d %b", "%b %d", "%d %B", "%B %d"];
        let dated = ["%d %B %Y", "%d %b %Y", "%B %d %Y", "%d. %B %Y"];
        for (formats, cell, want) in [
            // Spanish and Portuguese: `de`, `del`.
            (&yearless[..], "8 de marzo", "2025-03-08"),
            (&yearless, "28 de diciembre", "2025-12-28"),
            (&yearless, "8 de março", "2025-03-08"),
            (&yearless, "1 de ene.", "2025-01-01"),
            (&yearless, "8 de Marzo", "2025-03-08"),
            (&dated, "28 de mayo de 2026", "2026-05-28"),
            (&dated, "28 de diciembre del 2024", "2024-12-28"),
            (&dated, "3 de fevereiro de 2026", "2026-02-03"),
            // Russian: `г.` or `года` after the year.
            (&dated, "8 марта 2026 г.", "2026-03-08"),
            (&dated, "8 марта 2026 года", "2026-03-08"),
            (&dated, "8 марта 2026 г", "2026-03-08"),
            // French: `1er`, `le`.
            (&yearless, "1er mars", "2025-03-01"),
            (&dated, "le 1er janvier 2026", "2026-01-01"),
            // German: a day with a dot.
            (&yearless, "8. März", "2025-03-08"),
            (&dated, "3. März 2026", "2026-03-03"),
            // Abbreviations with a dot.
            (&dated, "3 сент. 2025 г.", "2025-09-03"),
            (&dated, "3 нояб. 2025 г.", "2025-11-03"),
            (&dated, "3 февр. 2025 г.", "2025-02-03"),
            (&dated, "3. Mrz. 2025", "2025-03-03"),
            // Italian and Portuguese ordinals, English ones.
            (&yearless, "1º maggio", "2025-05-01"),
            (&yearless, "1.º de maio", "2025-05-01"),
            (&yearless, "March 1st", "2025-03-01"),
            (&yearless, "3rd of June", "2025-06-03"),
            // Nothing else is dropped.
            (&yearless, "8 xx marzo", "error"),
            (&yearless, "de marzo", "error"),
        ] {
            let got = read(formats, "UTC", Some(2025), &[cell]);
            assert!(got[0].starts_with(want), "{cell}: {got:?}");
        }
    }

    #[test]
    fn year_from_the_post_id() {
        // A TikTok id holds Unix seconds in its top 32 bits.
        let tiktok = |secs: u64| {
            format!(
                "https://www.tiktok.com/@acme/video/{}",
                (secs << 32) | 123_456
            )
        };
        let x = |ms: u64| {
            format!(
                "https://x.com/acme/status/{}",
                ((ms - 1_288_834_974_657) << 22) | 42
            )
        };
        let read = |tz: &str, clock: IdClock, cell: &str, post: &str| {
            let mut r = DateReader::new(
                ["%Y-%m-%d %H:%M:%S", "%b %d", "%d %b", "%d %B", "%m-%d"]
                    .map(String::from)
                    .to_vec(),
                TimeZone::get(tz).unwrap(),
                Some(1999),
            )
            .year_from(Some(clock));
            r.read_post(cell, Some(post))
                .map(format_day)
                .unwrap_or_else(|e| format!("error: {e}"))
        };
        for (tz, clock, cell, post, want) in [
            // 2025-12-31T23:30Z, shown as Jan 1 in a UTC+1 account.
            (
                "Etc/GMT-1",
                IdClock::TikTok,
                "Jan 1",
                tiktok(1_767_223_800),
                "2026-01-01",
            ),
            (
                "UTC",
                IdClock::TikTok,
                "Dec 31",
                tiktok(1_767_223_800),
                "2025-12-31",
            ),
            // Created on 2025-06-03T10:00Z.
            (
                "UTC",
                IdClock::TikTok,
                "Jun 3",
                tiktok(1_748_944_800),
                "2025-06-03",
            ),
            (
                "UTC",
                IdClock::TikTok,
                "3 juin",
                tiktok(1_748_944_800),
                "2025-06-03",
            ),
            (
                "UTC",
                IdClock::TikTok,
                "3 de junio",
                tiktok(1_748_944_800),
                "2025-06-03",
            ),
            (
                "UTC",
                IdClock::TikTok,
                "6-3",
                tiktok(1_748_944_800),
                "2025-06-03",
            ),
            (
                "UTC",
                IdClock::TikTok,
                "06-03",
                tiktok(1_748_944_800),
                "2025-06-03",
            ),
            // Scheduled: posted a little after the id was made.
            (
                "UTC",
                IdClock::TikTok,
                "Jun 20",
                tiktok(1_748_944_800),
                "2025-06-20",
            ),
            // A date with a year keeps it; the id is not read.
            (
                "UTC",
                IdClock::TikTok,
                "2024-06-03 18:22:05",
                "no id".into(),
                "2024-06-03",
            ),
            // X: ms since 1288834974657 in id >> 22; 2026-01-01T00:30Z.
            (
                "UTC",
                IdClock::X,
                "Jan 1",
                x(1_767_227_400_000),
                "2026-01-01",
            ),
            (
                "America/New_York",
                IdClock::X,
                "Dec 31",
                x(1_767_227_400_000),
                "2025-12-31",
            ),
            (
                "UTC",
                IdClock::TikTok,
                "Jun 3",
                "https://www.tiktok.com/@acme/video/7376123456789012345/?lang=en".into(),
                "2024-06-03",
            ),
        ] {
            assert_eq!(read(tz, clock, cell, &post), want, "{cell} {post}");
        }
        for (clock, post, want) in [
            (
                IdClock::TikTok,
                "",
                "the row has no post id: a TikTok video id is needed",
            ),
            (
                IdClock::TikTok,
                "https://www.tiktok.com/@acme",
                "does not end with a TikTok video id",
            ),
            (
                IdClock::TikTok,
                "https://www.tiktok.com/@acme/video/12ab",
                "does not end with",
            ),
            (IdClock::TikTok, "99999999999999999999999", "too large"),
            // 1 << 32 is 1970; u32::MAX << 32 is 2106.
            (
                IdClock::TikTok,
                "4294967296",
                "is not a TikTok video id: the time it holds (1970-01-01T00:00:01Z)",
            ),
            (
                IdClock::TikTok,
                "18446744069414584320",
                "not between 2016 and 2100",
            ),
            // A pre-snowflake tweet id (a counter).
            (IdClock::X, "20", "is not an X post id"),
        ] {
            let got = read("UTC", clock, "Jun 3", post);
            assert!(
                got.starts_with("error: ") && got.contains(want),
                "{post}: {got}"
            );
        }
    }

    #[test]
    fn file_names_give_a_year() {
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
