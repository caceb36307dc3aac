//! A grid: a decoded table of text cells, whatever file it came from, with
//! each row's line in that file for messages. A delimited table keeps only
//! its first rows parsed; the rest is read from its text (held, or on disk
//! for a large file) each time it is iterated, so that a file is not held
//! twice, nor a large one at all.

use std::borrow::Cow;

use super::records::Records;
use super::stored::Stored;

/// One row of cells and where it was in the file.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based line (CSV), row (XLSX) or element (JSON) number.
    pub line: u64,
    /// The cells in one buffer (one allocation a row, not one a cell).
    pub cells: csv::StringRecord,
}

#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// As messages show it: `data/posts.csv`, `book.xlsx [All posts]`,
    /// `export.zip/Overview.csv`.
    pub name: String,
    pub rows: Vec<Row>,
    /// `# Key: value` lines before the table.
    pub preamble: Vec<(String, String)>,
    /// The year a year-less date belongs to, from the file's (or zip's) name.
    pub year_hint: Option<i32>,
    /// The rows after `rows`, not parsed yet.
    pub rest: Option<Rest>,
    /// The delimiter of a delimited table, which tells how it was saved
    /// (`;` by a decimal-comma Excel).
    pub delimiter: Option<u8>,
}

/// The unparsed end of a delimited table: `text[start..end]`, whose first
/// record is on line `line`.
#[derive(Debug, Clone)]
pub struct Rest {
    pub text: Stored,
    pub start: u64,
    pub end: u64,
    pub line: u64,
    pub delimiter: u8,
}

/// Every row after a header: the parsed ones, then the rest as it is read.
/// A rest that cannot be read (a file failing or changed underneath) ends
/// the rows, and [`RowsAfter::error`] says why.
pub struct RowsAfter<'g> {
    head: std::slice::Iter<'g, Row>,
    rest: Option<Records<'g>>,
    error: Option<String>,
}

impl RowsAfter<'_> {
    /// Why the rows ended before the table did, if they did.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
}

impl<'g> Iterator for RowsAfter<'g> {
    type Item = Cow<'g, Row>;
    fn next(&mut self) -> Option<Cow<'g, Row>> {
        if let Some(row) = self.head.next() {
            return Some(Cow::Borrowed(row));
        }
        match self.rest.as_mut()?.next_row() {
            Ok(row) => row.map(Cow::Owned),
            Err(e) => {
                self.error = Some(e);
                self.rest = None;
                None
            }
        }
    }
}

/// A copy of `record` that holds its cells and no more: csv's buffer keeps
/// the size of the longest row read into it, and a clone copies all of it
/// (one long cell made every later row cost as much).
pub fn compact(record: &csv::StringRecord) -> csv::StringRecord {
    let mut out = csv::StringRecord::with_capacity(record.as_slice().len(), record.len());
    out.extend(record.iter());
    out
}

/// A header cell as compared: without a byte-order mark, lowercase, and
/// runs of spaces (non-breaking ones too, and line breaks) as one space.
pub fn normalise(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Grid {
    /// The rows after row `h`, the unparsed rest included.
    pub fn rows_after(&self, h: usize) -> RowsAfter<'_> {
        let mut error = None;
        let rest = self
            .rest
            .as_ref()
            .and_then(|r| match r.text.reader(r.start, r.end) {
                Ok(input) => Some(Records::new(input, r.line, r.delimiter)),
                Err(e) => {
                    error = Some(format!("cannot read the file: {e}"));
                    None
                }
            });
        RowsAfter {
            head: self.rows.get(h + 1..).unwrap_or_default().iter(),
            rest,
            error,
        }
    }

    /// The index of the first row (among the first 30) that holds every
    /// `detect` name, with `title` (if any) in a row above it.
    pub fn find_header(&self, detect: &[String], title: Option<&str>) -> Option<usize> {
        let want: Vec<String> = detect.iter().map(|d| normalise(d)).collect();
        let title = title.map(|t| t.to_lowercase());
        self.rows
            .iter()
            .take(30)
            .position(|row| {
                let cells: Vec<String> = row.cells.iter().map(normalise).collect();
                want.iter().all(|w| cells.contains(w))
            })
            .filter(|&h| match &title {
                None => true,
                Some(t) => self.rows[..h].iter().any(|r| {
                    r.cells
                        .iter()
                        .any(|c| c.to_lowercase().contains(t.as_str()))
                }),
            })
    }

    /// The fullest of the first rows, the first of equals: the header as a
    /// person sees it (title lines above it hold a cell or two).
    pub fn likely_header(&self) -> Option<&Row> {
        let filled = |r: &Row| r.cells.iter().filter(|c| !c.trim().is_empty()).count();
        self.rows
            .iter()
            .take(30)
            .filter(|r| filled(r) >= 2)
            .reduce(|best, r| if filled(r) > filled(best) { r } else { best })
    }

    pub fn preamble(&self, key: &str) -> Option<&str> {
        self.preamble
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key.trim()))
            .map(|(_, v)| v.as_str())
    }
}
