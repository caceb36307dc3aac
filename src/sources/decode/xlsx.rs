//! Spreadsheets (XLSX, XLS, ODS): one grid per sheet, named `file [Sheet]`.
//! Cells stored as dates read as `YYYY-MM-DD` (with the time when there is
//! one), so a date mapping uses `%Y-%m-%d`; numbers read as Excel shows them
//! (15 significant digits, so `0.1 + 0.2` is `0.3`).
//!
//! A damaged workbook must not take the process: its zip parts are held to
//! `limits` before calamine inflates them, an XLS is scanned for sheet sizes
//! no workbook has (`xls_guard`), a sheet's cells are gathered here (not by
//! calamine, which would allocate every cell of a range a corrupted cell
//! reference spans), and a panic in the decoder is a message (`guarded`).

use std::io::Cursor;

use calamine::{Data, Ods, Reader, Xls, Xlsx, XlsxError};

use super::grid::{Grid, Row};
use super::limits::{MAX_SHEET_CELLS, MAX_SHEET_COLUMNS, MAX_SHEET_ROWS};
use super::text::printable;
use crate::aggregate::period::format_day;

/// Which kind of workbook the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Book {
    Xlsx,
    Xls,
    Ods,
}

pub fn grids(bytes: Vec<u8>, name: &str, book: Book) -> Result<Vec<Grid>, String> {
    super::guarded("spreadsheet", || read(bytes, name, book))
}

fn damaged(e: impl std::fmt::Display) -> String {
    format!(
        "this spreadsheet is damaged: {}",
        printable(&e.to_string(), 300)
    )
}

fn read(bytes: Vec<u8>, name: &str, book: Book) -> Result<Vec<Grid>, String> {
    let mut out = Vec::new();
    match book {
        Book::Xlsx => {
            let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).map_err(damaged)?;
            super::archive::check_sizes(&mut zip)?;
            drop(zip);
            let mut book = Xlsx::new(Cursor::new(bytes)).map_err(damaged)?;
            for sheet in book.sheet_names() {
                let mut cells = Cells::default();
                let mut reader = match book.worksheet_cells_reader(&sheet) {
                    Ok(r) => r,
                    // A chart sheet holds no cells.
                    Err(XlsxError::NotAWorksheet(_)) => continue,
                    Err(e) => return Err(damaged(e)),
                };
                while let Some(cell) = reader.next_cell().map_err(damaged)? {
                    let (row, col) = cell.get_position();
                    cells.push(row, col, &Data::from(cell.get_value().clone()), &sheet)?;
                }
                out.push(cells.grid(name, &sheet)?);
            }
        }
        Book::Ods => {
            let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).map_err(damaged)?;
            super::archive::check_sizes(&mut zip)?;
            drop(zip);
            let mut book = Ods::new(Cursor::new(bytes)).map_err(damaged)?;
            for sheet in book.sheet_names() {
                let range = book.worksheet_range(&sheet).map_err(damaged)?;
                out.push(range_grid(&range, name, &sheet)?);
            }
        }
        Book::Xls => {
            xls_guard::check(&bytes)?;
            let mut book = Xls::new(Cursor::new(bytes)).map_err(damaged)?;
            for sheet in book.sheet_names() {
                let range = book.worksheet_range(&sheet).map_err(damaged)?;
                out.push(range_grid(&range, name, &sheet)?);
            }
        }
    }
    Ok(out)
}

fn range_grid(range: &calamine::Range<Data>, name: &str, sheet: &str) -> Result<Grid, String> {
    let mut cells = Cells::default();
    for (row, col, value) in range.used_cells() {
        let (r0, c0) = range.start().unwrap_or((0, 0));
        cells.push(r0 + row as u32, c0 + col as u32, value, sheet)?;
    }
    cells.grid(name, sheet)
}

/// A sheet's filled cells, gathered before its grid is laid out.
#[derive(Default)]
struct Cells {
    cells: Vec<(u32, u32, String)>,
}

impl Cells {
    fn push(&mut self, row: u32, col: u32, value: &Data, sheet: &str) -> Result<(), String> {
        if row >= MAX_SHEET_ROWS || col >= MAX_SHEET_COLUMNS {
            return Err(damaged(format!(
                "sheet `{}` has a cell at row {}, column {}, past the last a spreadsheet has",
                printable(sheet, 80),
                u64::from(row) + 1,
                u64::from(col) + 1
            )));
        }
        let text = text(value);
        if !text.is_empty() {
            self.cells.push((row, col, text));
            if self.cells.len() as u64 > MAX_SHEET_CELLS {
                return Err(too_many(sheet));
            }
        }
        Ok(())
    }

    /// The grid: every row from the first filled one to the last, each as
    /// wide as the widest, columns counted from A (as the sheet shows them).
    fn grid(mut self, name: &str, sheet: &str) -> Result<Grid, String> {
        self.cells.sort_by_key(|&(r, c, _)| (r, c));
        let (Some(first), Some(last)) = (self.cells.first(), self.cells.last()) else {
            return Ok(Grid {
                name: format!("{name} [{sheet}]"),
                ..Grid::default()
            });
        };
        let (first, last) = (first.0, last.0);
        let width = self.cells.iter().map(|c| c.1).max().unwrap_or(0) as usize + 1;
        let height = (last - first) as u64 + 1;
        if height * width as u64 > MAX_SHEET_CELLS {
            return Err(too_many(sheet));
        }
        let mut rows = Vec::with_capacity(height as usize);
        let mut cells = self.cells.into_iter().peekable();
        for r in first..=last {
            let mut line = vec![String::new(); width];
            while let Some((_, c, text)) = cells.next_if(|c| c.0 == r) {
                line[c as usize] = text;
            }
            rows.push(Row {
                line: u64::from(r) + 1,
                cells: line.into(),
            });
        }
        Ok(Grid {
            name: format!("{name} [{sheet}]"),
            rows,
            ..Grid::default()
        })
    }
}

fn too_many(sheet: &str) -> String {
    format!(
        "sheet `{}` spans more than {MAX_SHEET_CELLS} cells, more than kpiscope reads from a sheet: the spreadsheet is damaged, or export less at once",
        printable(sheet, 80)
    )
}

fn text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            // Serial days since 1899-12-30 (Excel's epoch after its 1900 leap-year bug).
            let serial = dt.as_f64();
            if !serial.is_finite() || !(-1e6..1e7).contains(&serial) {
                return number(serial);
            }
            let day = serial.floor() as i32 - 25569;
            let secs = ((serial - serial.floor()) * 86400.0).round() as i64;
            if secs == 0 || !dt.is_datetime() {
                format_day(day)
            } else if secs == 86400 {
                format_day(day + 1)
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

/// A number cell as Excel shows it: 15 significant digits, so the binary
/// noise of a float (`0.30000000000000004`) is gone, and no `.0` on a whole
/// number.
fn number(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    if rounded == rounded.trunc() && rounded.abs() < 1e21 {
        format!("{rounded:.0}")
    } else {
        rounded.to_string()
    }
}

/// Scans a legacy Excel (OLE2) file's Workbook stream for what would make
/// calamine allocate without bound: a sheet's declared dimensions, and cell
/// records past the columns BIFF8 has. A file this scan cannot follow is
/// left to calamine, whose errors (and panics) are caught.
mod xls_guard {
    use super::{MAX_SHEET_CELLS, damaged};

    fn u16_at(b: &[u8], at: usize) -> Option<usize> {
        Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize)
    }
    fn u32_at(b: &[u8], at: usize) -> Option<usize> {
        Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize)
    }

    pub fn check(bytes: &[u8]) -> Result<(), String> {
        match workbook_stream(bytes) {
            Some(stream) => check_records(&stream),
            None => Ok(()),
        }
    }

    /// The `Workbook` (or `Book`) stream, followed through the FAT.
    fn workbook_stream(b: &[u8]) -> Option<Vec<u8>> {
        let shift = u16_at(b, 0x1E)?;
        if !(7..=16).contains(&shift) {
            return None;
        }
        let size = 1usize << shift;
        let sectors = b.len().saturating_sub(512) / size + 1;
        let sector = |id: usize| -> Option<&[u8]> {
            let start = 512usize.checked_add(id.checked_mul(size)?)?;
            b.get(start..start.checked_add(size)?)
        };
        // The FAT: its sectors are listed in the header (109 of them), then
        // in a chain of DIFAT sectors.
        let mut fat_sectors: Vec<usize> = (0..109)
            .filter_map(|i| u32_at(b, 0x4C + i * 4))
            .filter(|&s| s < sectors)
            .collect();
        let mut difat = u32_at(b, 0x44)?;
        let mut hops = 0;
        while difat < sectors && hops <= sectors {
            let s = sector(difat)?;
            let n = size / 4 - 1;
            fat_sectors.extend(
                (0..n)
                    .filter_map(|i| u32_at(s, i * 4))
                    .filter(|&x| x < sectors),
            );
            difat = u32_at(s, n * 4)?;
            hops += 1;
        }
        let mut fat = Vec::new();
        for &s in &fat_sectors {
            let s = sector(s)?;
            fat.extend((0..size / 4).filter_map(|i| u32_at(s, i * 4)));
        }
        let chain = |start: usize, max_len: usize| -> Option<Vec<u8>> {
            let mut out = Vec::new();
            let mut id = start;
            while id < sectors && out.len() < max_len {
                out.extend_from_slice(sector(id)?);
                if out.len() > sectors * size {
                    return None; // a loop in the chain
                }
                id = *fat.get(id)? as usize;
            }
            out.truncate(max_len);
            Some(out)
        };
        let dirs = chain(u32_at(b, 0x30)?, sectors * size)?;
        for entry in dirs.chunks_exact(128) {
            let name_len = u16_at(entry, 0x40)?.min(64);
            let name: Vec<u16> = (0..name_len / 2)
                .filter_map(|i| u16_at(entry, i * 2).map(|u| u as u16))
                .take_while(|&u| u != 0)
                .collect();
            let name = String::from_utf16_lossy(&name);
            if entry[0x42] == 2 && (name == "Workbook" || name == "Book") {
                let (start, len) = (u32_at(entry, 0x74)?, u32_at(entry, 0x78)?);
                if len >= u32_at(b, 0x38)? {
                    return chain(start, len.min(sectors * size));
                }
                // A small stream lives in the mini stream (the root entry's
                // stream), in 64-byte sectors chained by the mini FAT.
                let mini = chain(u32_at(&dirs, 0x74)?, u32_at(&dirs, 0x78)?)?;
                let minifat_bytes = chain(u32_at(b, 0x3C)?, u32_at(b, 0x40)?.min(sectors) * size)?;
                let minifat: Vec<usize> = (0..minifat_bytes.len() / 4)
                    .filter_map(|i| u32_at(&minifat_bytes, i * 4))
                    .collect();
                let mut out = Vec::new();
                let mut id = start;
                while out.len() < len && out.len() <= mini.len() {
                    out.extend_from_slice(mini.get(id * 64..id * 64 + 64)?);
                    id = *minifat.get(id)?;
                }
                out.truncate(len);
                return Some(out);
            }
        }
        None
    }

    /// BIFF records: `DIMENSIONS` and cell records.
    fn check_records(s: &[u8]) -> Result<(), String> {
        let mut at = 0;
        while let (Some(typ), Some(len)) = (u16_at(s, at), u16_at(s, at + 2)) {
            let data = s.get(at + 4..(at + 4 + len).min(s.len())).unwrap_or(&[]);
            match typ {
                // DIMENSIONS: rows first..last, columns first..last.
                0x0200 => {
                    let (rf, rl, cf, cl) = match data.len() {
                        10 => (
                            u16_at(data, 0),
                            u16_at(data, 2),
                            u16_at(data, 4),
                            u16_at(data, 6),
                        ),
                        14 | 16 => (
                            u32_at(data, 0),
                            u32_at(data, 4),
                            u16_at(data, 8),
                            u16_at(data, 10),
                        ),
                        _ => (None, None, None, None),
                    };
                    if let (Some(rf), Some(rl), Some(cf), Some(cl)) = (rf, rl, cf, cl) {
                        let rows = rl.saturating_sub(rf).saturating_add(1) as u64;
                        let cols = cl.saturating_sub(cf).saturating_add(1) as u64;
                        if rl < rf || cl < cf || rows.saturating_mul(cols) > MAX_SHEET_CELLS {
                            return Err(damaged(format!(
                                "a sheet declares {rows} rows by {cols} columns"
                            )));
                        }
                    }
                }
                // Cells: NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST,
                // MULRK, FORMULA; row then column. BIFF8 has 256 columns.
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x00BD | 0x0006 => {
                    if let Some(col) = u16_at(data, 2)
                        && col > 0xFF
                    {
                        return Err(damaged(format!(
                            "a cell is in column {}, past the 256 an XLS sheet has",
                            col + 1
                        )));
                    }
                }
                _ => {}
            }
            at += 4 + len;
        }
        Ok(())
    }
}

/// Workbooks built in tests: the smallest XLSX Excel and calamine open, a
/// cell per value (numbers as number cells, the rest as inline strings).
#[cfg(test)]
pub mod build {
    use std::io::Write;

    pub fn xlsx(sheet: &str, rows: &[Vec<String>]) -> Vec<u8> {
        let mut data = String::new();
        for (r, row) in rows.iter().enumerate() {
            data.push_str(&format!("<row r=\"{}\">", r + 1));
            for (c, v) in row.iter().enumerate() {
                let at = format!("{}{}", column(c), r + 1);
                let esc = v
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                if v.parse::<f64>().is_ok_and(f64::is_finite) && !v.is_empty() {
                    data.push_str(&format!("<c r=\"{at}\"><v>{esc}</v></c>"));
                } else if !v.is_empty() {
                    data.push_str(&format!(
                        "<c r=\"{at}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{esc}</t></is></c>"
                    ));
                }
            }
            data.push_str("</row>");
        }
        let files = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
            ),
            (
                "xl/workbook.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
                ),
            ),
        ];
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in files {
            zip.start_file(name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn column(mut c: usize) -> String {
        let mut s = String::new();
        loop {
            s.insert(0, (b'A' + (c % 26) as u8) as char);
            if c < 26 {
                return s;
            }
            c = c / 26 - 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::decode::{self, Format};

    fn fixture(path: &str) -> Vec<u8> {
        std::fs::read(format!("{}/plugins/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn rows(g: &Grid) -> Vec<Vec<&str>> {
        g.rows.iter().map(|r| r.cells.iter().collect()).collect()
    }

    #[test]
    fn numbers_read_as_excel_shows_them() {
        for (f, want) in [
            (0.1 + 0.2, "0.3"),
            (1938.0, "1938"),
            (1234.5, "1234.5"),
            (0.029411764705882353, "0.0294117647058824"),
            (-12.0, "-12"),
            (1.80451e16, "18045100000000000"),
            (1e-7, "0.0000001"),
            (f64::NAN, ""),
        ] {
            assert_eq!(number(f), want, "{f}");
        }
    }

    #[test]
    fn an_xlsx_named_csv_with_a_csv_format_is_read_as_a_spreadsheet() {
        let book = build::xlsx(
            "Data",
            &[
                vec!["Date".into(), "Views".into(), "Rate".into()],
                vec!["2026-07-01".into(), "1234".into(), (0.1 + 0.2).to_string()],
            ],
        );
        let d = decode::decode("export.csv", book, Some(Format::Csv), None).unwrap();
        assert_eq!(d.grids.len(), 1);
        assert_eq!(d.grids[0].name, "export.csv [Data]");
        assert_eq!(
            rows(&d.grids[0]),
            [
                vec!["Date", "Views", "Rate"],
                vec!["2026-07-01", "1234", "0.3"]
            ]
        );
    }

    #[test]
    fn the_fixture_workbooks_read_every_sheet() {
        let d = decode::decode(
            "c.xls",
            fixture("linkedin/fixtures/content_export_2022.xls"),
            None,
            None,
        )
        .unwrap();
        assert!(d.grids.iter().any(|g| g.rows.len() > 1), "{d:?}");
        let d = decode::decode(
            "c.csv",
            fixture("linkedin/fixtures/content_export.xlsx"),
            Some(Format::Csv),
            None,
        )
        .unwrap();
        assert!(d.grids.iter().any(|g| g.rows.len() > 1), "{d:?}");
    }

    /// Every error of a damaged workbook is one clean line.
    fn assert_clean(e: &str) {
        assert!(!e.chars().any(|c| c.is_control()), "{e:?}");
        assert!(!e.contains('\u{fffd}'), "{e:?}");
    }

    #[test]
    fn a_truncated_or_corrupted_xlsx_is_an_error_not_a_panic() {
        let book = fixture("linkedin/fixtures/content_export.xlsx");
        for cut in (0..book.len()).step_by(97) {
            match decode::decode("c.xlsx", book[..cut].to_vec(), None, None) {
                Ok(_) => {}
                Err(e) => assert_clean(&e),
            }
        }
        let e = decode::decode("c.xlsx", book[..book.len() / 2].to_vec(), None, None).unwrap_err();
        assert!(e.contains("damaged"), "{e}");
        for at in (0..book.len()).step_by(13) {
            let mut bad = book.clone();
            bad[at] ^= 0xFF;
            if let Err(e) = decode::decode("c.xlsx", bad, None, None) {
                assert_clean(&e);
            }
        }
    }

    #[test]
    fn a_corrupted_xls_is_an_error_not_a_panic() {
        let book = fixture("linkedin/fixtures/content_export_2022.xls");
        for cut in (0..book.len()).step_by(61) {
            if let Err(e) = decode::decode("c.xls", book[..cut].to_vec(), None, None) {
                assert_clean(&e);
            }
        }
        let e = decode::decode("c.xls", book[..1000].to_vec(), None, None).unwrap_err();
        assert!(e.contains("damaged"), "{e}");
        for at in 0..book.len() {
            let mut bad = book.clone();
            bad[at] ^= if at % 2 == 0 { 0xFF } else { 0x80 };
            if let Err(e) = decode::decode("c.xls", bad, None, None) {
                assert_clean(&e);
            }
        }
    }

    #[test]
    fn an_xls_declaring_a_sheet_of_billions_of_cells_is_refused_before_calamine_allocates_it() {
        let mut book = fixture("linkedin/fixtures/content_export_2022.xls");
        // The sheet's DIMENSIONS record (type 0x0200, 14 bytes): its last row
        // made 4 billion; calamine would reserve terabytes for its cells.
        let at = book
            .windows(4)
            .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
            .unwrap();
        book[at + 8..at + 12].copy_from_slice(&0xFFFF_FF00u32.to_le_bytes());
        let e = decode::decode("c.xls", book, None, None).unwrap_err();
        assert_eq!(
            e,
            "this spreadsheet is damaged: a sheet declares 4294967041 rows by 21 columns"
        );
    }

    #[test]
    fn a_cell_past_the_last_column_is_refused_before_it_is_laid_out() {
        let mut cells = Cells::default();
        let e = cells
            .push(3, MAX_SHEET_COLUMNS, &Data::Int(1), "Sheet1")
            .unwrap_err();
        assert!(
            e.starts_with(
                "this spreadsheet is damaged: sheet `Sheet1` has a cell at row 4, column 16385"
            ),
            "{e}"
        );
        // A1 and a cell at the far corner: a range calamine would allocate whole.
        let mut cells = Cells::default();
        cells.push(0, 0, &Data::Int(1), "S").unwrap();
        cells
            .push(
                MAX_SHEET_ROWS - 1,
                MAX_SHEET_COLUMNS - 1,
                &Data::Int(1),
                "S",
            )
            .unwrap();
        let e = cells.grid("b.xlsx", "S").unwrap_err();
        assert!(e.contains("more than 50000000 cells"), "{e}");
    }

    #[test]
    fn a_panic_in_a_decoder_is_a_message() {
        let e = crate::sources::decode::guarded("spreadsheet", || -> Result<(), String> {
            panic!("index out of bounds \u{1}\u{fffd}")
        })
        .unwrap_err();
        assert_eq!(
            e,
            "this spreadsheet is damaged: index out of bounds \\u{1}\\u{fffd}…"
        );
    }
}
