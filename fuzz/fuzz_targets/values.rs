//! Cells as numbers and dates: the first line is a list of date formats
//! (`|`-separated), each later line a cell, read as a number in both
//! decimal styles, as a duration, as a canonical number, and as a date
//! with the formats, with and without a year for year-less dates.
#![no_main]

use kpiscope::sources::decode::date::{DateReader, year_in_name};
use kpiscope::sources::decode::value::{NumberStyle, parse_duration, parse_value};
use kpiscope::sources::number::parse_number;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.lines();
    let formats: Vec<String> = lines
        .next()
        .unwrap_or("")
        .split('|')
        .map(str::to_string)
        .collect();
    let cells: Vec<&str> = lines.collect();
    for cell in &cells {
        for decimal_comma in [false, true] {
            let style = NumberStyle {
                decimal_comma,
                percent_fraction: !decimal_comma,
            };
            if let Ok(Some(x)) = parse_value(cell, style) {
                assert!(!x.is_nan(), "{cell:?} read as NaN");
            }
        }
        let _ = parse_duration(cell);
        if let Some(x) = parse_number(cell.as_bytes()) {
            assert!(!x.is_nan(), "{cell:?} read as NaN");
        }
        let _ = year_in_name(cell);
    }
    for year in [None, Some(2026)] {
        let mut reader = DateReader::new(formats.clone(), jiff::tz::TimeZone::UTC, year);
        let planned = reader.plan(cells.iter().enumerate().map(|(i, c)| (i + 2, *c)), false);
        if planned.is_err() {
            continue;
        }
        for cell in &cells {
            let _ = reader.read(cell);
        }
    }
});
