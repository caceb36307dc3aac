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

/// Checks a legacy Excel (OLE2) file for what would make calamine allocate
/// without bound before calamine reads it: a loop in a sector chain (calamine
/// follows a chain until it ends or its length is read, which a loop never
/// does for the directory chain, or for a stream declaring gigabytes), a
/// sheet's declared dimensions, and cell records past the columns BIFF8 has.
/// The container is followed as calamine follows it; what this check cannot
/// follow is left to calamine, whose errors (and panics) are caught.
mod xls_guard {
    use super::{MAX_SHEET_CELLS, damaged};

    const ENDOFCHAIN: usize = 0xFFFF_FFFE;
    const DIFSECT: usize = 0xFFFF_FFFC;

    fn u16_at(b: &[u8], at: usize) -> Option<usize> {
        Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize)
    }
    fn u32_at(b: &[u8], at: usize) -> Option<usize> {
        Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize)
    }
    fn u64_at(b: &[u8], at: usize) -> Option<u64> {
        Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
    }

    pub fn check(bytes: &[u8]) -> Result<(), String> {
        match Container::new(bytes) {
            Some(c) => c.check(),
            None => Ok(()),
        }
    }

    /// The compound file as calamine reads it.
    struct Container<'b> {
        bytes: &'b [u8],
        size: usize,
        /// The last sector id calamine reads (`len / size`).
        maxid: usize,
        fat: Vec<usize>,
    }

    /// Where following a chain ended.
    enum Chain {
        /// Its end, its length, or an error calamine reports (or a panic it
        /// makes, which is caught).
        Read(Vec<u8>),
        /// A sector seen twice before the chain's length was read.
        Loops,
    }

    impl<'b> Container<'b> {
        fn new(b: &'b [u8]) -> Option<Self> {
            let size = match u16_at(b, 30)? {
                9 => 512,
                12 => 4096,
                _ => return None,
            };
            let maxid = b.len() / size;
            let mut c = Container {
                bytes: b,
                size,
                maxid,
                fat: Vec::new(),
            };
            // The FAT's sectors: 109 in the header, then chains of DIFAT
            // sectors whose last entry names the next.
            let mut difat: Vec<usize> = (0..109).filter_map(|i| u32_at(b, 76 + i * 4)).collect();
            let mut next = u32_at(b, 68)?;
            let mut hops = 0;
            while next < 0xFFFF_FFFA {
                hops += 1;
                if hops > maxid + 1 {
                    return None;
                }
                let s = c.sector(next)?;
                difat.extend((0..s.len() / 4).filter_map(|i| u32_at(s, i * 4)));
                next = difat.pop()?;
            }
            let mut fat = Vec::new();
            for id in difat.into_iter().filter(|&id| id < DIFSECT) {
                let s = c.sector(id)?;
                fat.extend((0..s.len() / 4).filter_map(|i| u32_at(s, i * 4)));
            }
            c.fat = fat;
            Some(c)
        }

        /// Sector `id`, cut at the end of the file, as calamine reads it: a
        /// sector past the end (up to `maxid`) is empty, not an error.
        fn sector(&self, id: usize) -> Option<&'b [u8]> {
            if id > self.maxid {
                return None;
            }
            let len = self.bytes.len();
            let start = (id + 1).saturating_mul(self.size).min(len);
            let end = start.saturating_add(self.size).min(len);
            Some(&self.bytes[start..end])
        }

        /// Follows a chain of sectors for `len` bytes, as calamine does.
        fn chain(&self, start: usize, len: u64) -> Chain {
            let mut seen = vec![false; self.maxid + 1];
            let mut out = Vec::new();
            let mut id = start;
            while id != ENDOFCHAIN && (out.len() as u64) < len {
                let Some(s) = self.sector(id) else {
                    return Chain::Read(out);
                };
                if std::mem::replace(&mut seen[id], true) {
                    return Chain::Loops;
                }
                let take = s
                    .len()
                    .min((len - out.len() as u64).min(usize::MAX as u64) as usize);
                out.extend_from_slice(&s[..take]);
                match self.fat.get(id) {
                    Some(&next) => id = next,
                    None => return Chain::Read(out),
                }
            }
            Chain::Read(out)
        }

        /// A small stream, in 64-byte sectors of the mini stream (the root
        /// entry's stream) chained by the mini FAT; empty where the chains
        /// cannot be followed.
        fn mini_chain(&self, entries: &[&[u8]], start: usize, len: usize) -> Vec<u8> {
            let read = |start: Option<usize>, len: u64| match start.map(|s| self.chain(s, len)) {
                Some(Chain::Read(d)) => d,
                _ => Vec::new(),
            };
            let Some(root) = entries.first() else {
                return Vec::new();
            };
            let root_len = u32_at(root, 120).unwrap_or(0) as u64;
            let mini = read(u32_at(root, 116), root_len);
            let mini_fat_len = u32_at(self.bytes, 64).unwrap_or(0) as u64;
            let fat = read(u32_at(self.bytes, 60), mini_fat_len * self.size as u64);
            let fat: Vec<usize> = (0..fat.len() / 4)
                .filter_map(|i| u32_at(&fat, i * 4))
                .collect();
            let mut out = Vec::new();
            let mut seen = vec![false; mini.len() / 64 + 1];
            let mut id = start;
            while out.len() < len {
                match (mini.get(id * 64..id * 64 + 64), seen.get_mut(id)) {
                    (Some(s), Some(seen)) if !*seen => {
                        *seen = true;
                        out.extend_from_slice(s);
                    }
                    _ => break,
                }
                match fat.get(id) {
                    Some(&next) => id = next,
                    None => break,
                }
            }
            out.truncate(len);
            out
        }

        fn check(&self) -> Result<(), String> {
            let loops = || Err(damaged("a chain of its sectors loops"));
            let b = self.bytes;
            let Some(dir_start) = u32_at(b, 48) else {
                return Ok(());
            };
            let dirs = match self.chain(dir_start, u64::MAX) {
                Chain::Loops => return loops(),
                Chain::Read(d) => d,
            };
            let entries: Vec<&[u8]> = dirs.chunks_exact(128).collect();
            let entry_len = |e: &[u8]| -> u64 {
                if self.size == 512 {
                    u32_at(e, 120).unwrap_or(0) as u64
                } else {
                    u64_at(e, 120).unwrap_or(0)
                }
            };
            let name = |e: &[u8]| -> String {
                let units: Vec<u16> = (0..32)
                    .filter_map(|i| u16_at(e, i * 2).map(|u| u as u16))
                    .take_while(|&u| u != 0)
                    .collect();
                String::from_utf16_lossy(&units)
            };
            // The mini stream (the root entry's) and the mini FAT.
            let mini_fat_len = u32_at(b, 64).unwrap_or(0);
            if mini_fat_len > 0
                && let Some(root) = entries.first()
            {
                let root_start = u32_at(root, 116).unwrap_or(ENDOFCHAIN);
                if let Chain::Loops = self.chain(root_start, entry_len(root)) {
                    return loops();
                }
                let mini_fat_start = u32_at(b, 60).unwrap_or(ENDOFCHAIN);
                let len = (mini_fat_len as u64).saturating_mul(self.size as u64);
                if let Chain::Loops = self.chain(mini_fat_start, len) {
                    return loops();
                }
            }
            // The streams calamine reads: the first entry of each name.
            for wanted in [
                "Workbook",
                "Book",
                "\u{5}SummaryInformation",
                "\u{5}DocumentSummaryInformation",
            ] {
                let Some(e) = entries
                    .iter()
                    .find(|e| name(e).eq_ignore_ascii_case(wanted))
                else {
                    continue;
                };
                let len = entry_len(e);
                let start = u32_at(e, 116).unwrap_or(ENDOFCHAIN);
                // Under 4 KiB a stream is in the mini stream, read for its
                // length at most: only its records need a look.
                if len < 4096 {
                    if wanted == "Workbook" || wanted == "Book" {
                        check_records(&self.mini_chain(&entries, start, len as usize))?;
                    }
                    continue;
                }
                match self.chain(start, len) {
                    Chain::Loops => return loops(),
                    Chain::Read(stream) if wanted == "Workbook" || wanted == "Book" => {
                        check_records(&stream)?
                    }
                    Chain::Read(_) => {}
                }
            }
            Ok(())
        }
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
                        // As calamine reads them (`parse_dimensions`): the
                        // last row and column are one past, and its sizes
                        // are u32 arithmetic.
                        let (rf, rl, cl) = (rf as u32, rl as u32, cl as u32);
                        let cf = if cf > 0xFF || (cl as usize) < cf {
                            0
                        } else {
                            cf as u32
                        };
                        let (rows, cols) = if rl >= 1 && cl >= 1 {
                            (
                                (rl - 1).wrapping_sub(rf).wrapping_add(1),
                                (cl - 1).wrapping_sub(cf).wrapping_add(1),
                            )
                        } else {
                            (1, 1)
                        };
                        let cells = u64::from(rows).saturating_mul(u64::from(cols));
                        if rows == 0 || cols == 0 || cells > MAX_SHEET_CELLS {
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
            "this spreadsheet is damaged: a sheet declares 4294967040 rows by 20 columns"
        );
    }

    #[test]
    fn an_xls_whose_directory_chain_loops_is_refused_before_calamine_follows_it_forever() {
        let mut book = fixture("linkedin/fixtures/content_export_2022.xls");
        let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        // The directory's first sector, and the FAT's first sector (512-byte sectors).
        let dir = u32_at(&book, 48) as usize;
        let fat = u32_at(&book, 76) as usize;
        // The directory's sector names itself as the next: calamine reads
        // the directory chain to its end, so it would grow without bound.
        let at = 512 + fat * 512 + dir * 4;
        book[at..at + 4].copy_from_slice(&(dir as u32).to_le_bytes());
        let e = decode::decode("c.xls", book, None, None).unwrap_err();
        assert_eq!(
            e,
            "this spreadsheet is damaged: a chain of its sectors loops"
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
