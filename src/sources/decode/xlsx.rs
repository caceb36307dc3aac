//! Spreadsheets (XLSX, XLS, ODS): one grid per sheet, named `file [Sheet]`.
//! Cells stored as dates read as `YYYY-MM-DD` (with the time when there is
//! one), so a date mapping uses `%Y-%m-%d`.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use super::grid::{Grid, Row};
use crate::aggregate::period::format_day;

pub fn grids(bytes: Vec<u8>, name: &str) -> Result<Vec<Grid>, String> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).map_err(|e| e.to_string())?;
        let first = range.start().map(|(r, _)| r as u64).unwrap_or(0);
        let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
        let rows = range
            .rows()
            .enumerate()
            .map(|(i, cells)| Row {
                line: first + i as u64 + 1,
                cells: std::iter::repeat_n(String::new(), first_col)
                    .chain(cells.iter().map(text))
                    .collect::<Vec<String>>()
                    .into(),
            })
            .collect();
        out.push(Grid {
            name: format!("{name} [{sheet}]"),
            rows,
            ..Grid::default()
        });
    }
    Ok(out)
}

fn text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            // Serial days since 1899-12-30 (Excel's epoch after its 1900 leap-year bug).
            let serial = dt.as_f64();
            let day = serial.floor() as i32 - 25569;
            let secs = ((serial - serial.floor()) * 86400.0).round() as i64;
            if secs == 0 || !dt.is_datetime() {
                format_day(day)
            } else {
                format!(
                    "{} {:02}:{:02}:{:02}",
                    format_day(day),
                    secs / 3600,
                    secs / 60 % 60,
                    secs % 60
                )
            }
        }
    }
}
