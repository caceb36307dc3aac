//! Property tests of [`DateReader`]: every format the built-in plugins'
//! manifests and `map.rhai` scripts use, on arbitrary cells, on formatted
//! dates damaged a character at a time, and on columns of year-less dates
//! looked over by `plan` with any year a source may give. Reading must
//! never panic, never give a day outside the years 1..9999, and give the
//! same day for a cell read twice; a day formatted with a format reads
//! back as that day.
//!
//! `PROPTEST_CASES` raises the number of cases (64 by default).

use jiff::tz::TimeZone;
use proptest::prelude::*;

use super::date::DateReader;
use crate::aggregate::period::{Day, day_from_ymd, ymd};

/// The formats of `plugins/*/plugin.toml` (`date = ...`) and of the
/// `date(...)`/`day(...)` calls in `plugins/*/map.rhai`, and the Unix
/// times a layout may name.
const FORMATS: &[&str] = &[
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%Y%m%d",
    "%d %b",
    "%b %d",
    "%d %B",
    "%B %d",
    "%m-%d",
    "%b %d, %Y",
    "%a, %b %d, %Y",
    "%Y-%m-%d %H:%M %z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%z",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%y %H:%M",
    "ms",
    "s",
];

/// The lists of formats the plugins give one column.
const LISTS: &[&[&str]] = &[
    &["%m/%d/%Y", "%Y-%m-%d"],
    &["%d %b", "%b %d", "%d %B", "%B %d"],
    &[
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d",
        "%b %d, %Y",
        "%d %b",
        "%b %d",
        "%d %B",
        "%B %d",
        "%m-%d",
    ],
    &["%Y-%m-%d", "%b %d, %Y"],
    &["%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d"],
];

/// Years a source may give year-less dates, sensible or not.
fn years() -> impl Strategy<Value = Option<i32>> {
    prop_oneof![
        Just(None),
        (1990..2100).prop_map(Some),
        Just(Some(1)),
        Just(Some(0)),
        Just(Some(-5)),
        Just(Some(9999)),
        Just(Some(10_000)),
        Just(Some(i32::MAX)),
        Just(Some(i32::MIN)),
        any::<i32>().prop_map(Some),
    ]
}

fn zones() -> impl Strategy<Value = TimeZone> {
    prop_oneof![
        Just(TimeZone::UTC),
        Just(TimeZone::get("Asia/Tokyo").unwrap()),
        Just(TimeZone::get("America/Los_Angeles").unwrap()),
        Just(TimeZone::get("Pacific/Kiritimati").unwrap()),
        Just(TimeZone::get("Etc/GMT+12").unwrap()),
    ]
}

fn format_lists() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        prop::sample::select(FORMATS).prop_map(|f| vec![f.to_string()]),
        prop::sample::select(LISTS).prop_map(|l| l.iter().map(|f| f.to_string()).collect()),
    ]
}

/// Cells made of what dates are made of, and of what is near them.
fn cells() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{0,20}",
        "[-+]?[0-9]{1,6}[-/.][0-9]{1,3}[-/.][0-9]{1,6}( [0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2})?)?( [-+][0-9]{4})?",
        "[0-9]{1,3} (Jan|Feb|Dec|juin|марта|de marzo|1er|mars|Mrz\\.|г\\.|года|of|º)( [0-9]{1,5})?",
        "[-+0-9eE.a-zA-Z ]{0,24}",
        "\\PC{0,16}",
        any::<f64>().prop_map(|x| x.to_string()),
        any::<i64>().prop_map(|x| x.to_string()),
    ]
}

/// Checks a day: years 1..9999.
fn in_range(day: Day, what: &str) {
    let (y, _, _) = ymd(day);
    assert!((1..=9999).contains(&y), "{what}: the year {y}");
}

/// Reads `cell` with fresh readers, twice with each, and checks that the
/// outcome holds still and any day is in range.
fn read_twice(formats: &[String], tz: &TimeZone, year: Option<i32>, cell: &str) {
    let mut a = DateReader::new(formats.to_vec(), tz.clone(), year);
    let first = a.read(cell);
    let again = a.read(cell);
    let mut b = DateReader::new(formats.to_vec(), tz.clone(), year);
    let fresh = b.read(cell);
    let what = format!("{formats:?} {year:?} {cell:?}");
    assert_eq!(first, again, "{what}");
    assert_eq!(first, fresh, "{what}");
    if let Ok(day) = first {
        in_range(day, &what);
    }
}

/// A day with a year of 1..9999.
fn days() -> impl Strategy<Value = Day> {
    prop_oneof![
        day_from_ymd(1, 1, 1)..=day_from_ymd(9999, 12, 31),
        day_from_ymd(1900, 1, 1)..day_from_ymd(2100, 1, 1),
        Just(day_from_ymd(1, 1, 1)),
        Just(day_from_ymd(9999, 12, 31)),
        Just(day_from_ymd(2024, 2, 29)),
    ]
}

/// `day` written in `format`, at noon UTC; `None` when the format cannot
/// hold the day (`%y` outside 1969..2068).
fn written(day: Day, format: &str) -> Option<String> {
    let (y, m, d) = ymd(day);
    let noon = jiff::civil::date(y as i16, m as i8, d as i8)
        .at(12, 0, 0, 0)
        .to_zoned(TimeZone::UTC)
        .ok()?;
    match format {
        "s" => return Some(noon.timestamp().as_second().to_string()),
        "ms" => return Some(noon.timestamp().as_millisecond().to_string()),
        f if f.contains("%y") && !(1969..=2068).contains(&y) => return None,
        _ => {}
    }
    jiff::fmt::strtime::format(format, &noon).ok()
}

/// A character of a cell replaced, removed or added.
#[derive(Debug, Clone)]
enum Damage {
    Replace(prop::sample::Index, char),
    Remove(prop::sample::Index),
    Insert(prop::sample::Index, char),
}

fn damages() -> impl Strategy<Value = Vec<Damage>> {
    let c = prop_oneof![
        4 => prop::char::range('0', '9'),
        1 => prop::sample::select(vec!['-', '/', ':', '.', ',', ' ', '+', 'T', 'Z', 'é', '月', '\u{a0}']),
        1 => any::<char>(),
    ];
    let one = prop_oneof![
        (any::<prop::sample::Index>(), c.clone()).prop_map(|(i, c)| Damage::Replace(i, c)),
        any::<prop::sample::Index>().prop_map(Damage::Remove),
        (any::<prop::sample::Index>(), c).prop_map(|(i, c)| Damage::Insert(i, c)),
    ];
    prop::collection::vec(one, 1..4)
}

fn damage(cell: &str, damages: &[Damage]) -> String {
    let mut chars: Vec<char> = cell.chars().collect();
    for d in damages {
        match d {
            Damage::Replace(i, c) if !chars.is_empty() => {
                let i = i.index(chars.len());
                chars[i] = *c;
            }
            Damage::Remove(i) if !chars.is_empty() => {
                chars.remove(i.index(chars.len()));
            }
            Damage::Insert(i, c) => {
                let i = i.index(chars.len() + 1);
                chars.insert(i, *c);
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(crate::prop_config())]

    #[test]
    fn arbitrary_cells_read_in_range_and_alike(
        formats in format_lists(),
        tz in zones(),
        year in years(),
        cell in cells(),
    ) {
        read_twice(&formats, &tz, year, &cell);
    }

    #[test]
    fn damaged_dates_read_in_range_and_alike(
        format in prop::sample::select(FORMATS),
        formats in format_lists(),
        tz in zones(),
        year in years(),
        day in days(),
        hurt in damages(),
    ) {
        if let Some(cell) = written(day, format) {
            read_twice(&formats, &tz, year, &damage(&cell, &hurt));
        }
    }

    #[test]
    fn a_written_day_reads_back(format in prop::sample::select(FORMATS), day in days()) {
        if let Some(cell) = written(day, format) {
            let (y, _, _) = ymd(day);
            let mut r = DateReader::new(vec![format.to_string()], TimeZone::UTC, Some(y));
            prop_assert_eq!(r.read(&cell), Ok(day), "{} {}", format, cell);
        }
    }

    #[test]
    fn yearless_columns_read_in_range(
        formats in format_lists(),
        year in years(),
        year_set in any::<bool>(),
        column in prop::collection::vec(
            prop_oneof![
                3 => (days(), prop::sample::select(&["%d %b", "%b %d", "%B %d", "%m-%d"][..]))
                    .prop_map(|(d, f)| written(d, f).unwrap_or_default()),
                1 => cells(),
            ],
            0..24,
        ),
    ) {
        let mut r = DateReader::new(formats.clone(), TimeZone::UTC, year);
        if r.plan(column.iter().enumerate().map(|(i, c)| (i + 2, c)), year_set).is_ok() {
            for cell in &column {
                let first = r.read(cell);
                let again = r.read(cell);
                let what = format!("{formats:?} {year:?} {cell:?} in {column:?}");
                prop_assert_eq!(&first, &again, "{}", what);
                if let Ok(day) = first {
                    in_range(day, &what);
                }
            }
        }
    }
}
