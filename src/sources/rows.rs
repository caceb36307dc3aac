//! The data rows of a table, as every plugin kind receives them: below its
//! header, without what the export adds around its data, and with numbers in
//! one form. This is the one place that decides, for every plugin:
//!
//! - which rows are not data, each counted with its reason: blank rows, a
//!   repeated header, a second header row of descriptions, `Total` rows
//!   (labelled, or unlabelled with the other rows' sums), notes and error
//!   rows the network writes into its exports;
//! - the decimal mark of each numeric column, from all its cells and the
//!   delimiter (`6,892` in a column that also holds `44,53` is 6.892): cells
//!   of a column with a decimal comma are rewritten as `6.892`, so that the
//!   plugin's number reading needs no locale.

use std::borrow::Cow;

use super::decode::text::printable;
use super::decode::value::{NumberStyle, is_missing, parse_duration, parse_value};
use super::decode::{Grid, Row, grid::RowsAfter, grid::normalise};
use crate::error::{Error, Result};
use crate::records::tally::Tally;

/// How a source or plugin says its decimal mark, when the cells do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decimal {
    Dot,
    Comma,
}

/// What a row that is not data is.
pub mod skip {
    pub const REPEATED_HEADER: &str = "repeated header";
    pub const DESCRIPTIONS: &str = "header description row";
    pub const TOTAL: &str = "Total row";
    pub const SUMMARY: &str = "summary row (the other rows' sums)";
    pub const NOTE: &str = "note row";
    pub const NETWORK_ERROR: &str = "error row written by the network";
    pub const NO_DATE: &str = "row without a date";
}

/// The rows a mapping found without a date: how many, and the first's line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Undated {
    rows: u64,
    first: Option<u64>,
}

impl Undated {
    pub fn add(&mut self, line: u64) {
        self.rows += 1;
        self.first = self.first.or(Some(line));
    }
}

/// A few rows without a date are the network's (a deleted video, a post
/// Meta could not compute); most of them mean the plugin reads the wrong
/// date column: then the file is an error, not a near-empty load.
pub fn check_dated(
    file: &str,
    undated: &Undated,
    records: u64,
    layout: &str,
    column: &str,
) -> crate::error::Result<()> {
    match undated.first {
        Some(line) if undated.rows > records => Err(crate::error::Error::Data {
            file: file.to_string(),
            line: line as usize,
            message: format!(
                "{} of {} rows have no date in {column}: is it the column this {layout} dates its rows by?",
                undated.rows,
                undated.rows + records,
            ),
        }),
        _ => Ok(()),
    }
}

/// Labels of summary rows, compared case-insensitively (trailing `:` off).
const TOTAL_LABELS: &[&str] = &[
    "total",
    "totals",
    "grand total",
    "sum",
    "summary",
    "итого",
    "всего",
    // Yandex.Metrica's first row: the sums of counts and the means of rates.
    "итого и средние",
    "total and averages",
    "total général",
    "total general",
    "totale",
    "totaal",
    "gesamt",
    "gesamtsumme",
    "summe",
    "suma",
    "razem",
    "toplam",
    "合计",
    "总计",
    "合計",
];

/// How rows the network writes about its own export begin: an error it met
/// while exporting. Such a row is skipped only when most figures are missing.
const NETWORK_ERRORS: &[&str] = &[
    "an error occurred",
    "an error has occurred",
    "error occurred while",
    "une erreur",
    "se produjo un error",
    "ocorreu um erro",
    "ein fehler ist aufgetreten",
    "произошла ошибка",
];

/// A numeric column's decimal mark, as decided from its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Dot,
    Comma,
    /// Both marks met: each cell is read on its own, with a warning.
    Mixed,
}

/// What one cell says about its column's decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Evidence {
    None,
    Dot,
    Comma,
    /// `6,892`: a decimal comma, or a thousands separator.
    AmbiguousComma,
    /// `1.234`: a decimal dot, or a thousands separator.
    AmbiguousDot,
}

fn evidence(cell: &str) -> Evidence {
    // Most cells hold no mark at all: told without looking further.
    if memchr::memchr2(b',', b'.', cell.as_bytes()).is_none() {
        return Evidence::None;
    }
    let t = cell.trim();
    let (Some(first), Some(last)) = (
        t.find(|c: char| c.is_ascii_digit()),
        t.rfind(|c: char| c.is_ascii_digit()),
    ) else {
        return Evidence::None;
    };
    let core = &t[first..=last];
    if core.chars().any(|c| {
        !(c.is_ascii_digit() || matches!(c, ',' | '.' | ' ' | '\u{a0}' | '\u{202f}' | '\''))
    }) {
        // Not a number (a date, a duration, text with figures).
        return Evidence::None;
    }
    let spaced = core.contains([' ', '\u{a0}', '\u{202f}', '\'']);
    let commas = core.matches(',').count();
    let dots = core.matches('.').count();
    let after = |sep: char| core.rsplit(sep).next().map_or(0, str::len);
    let leading_zero = core.starts_with("0,") || core.starts_with("0.");
    match (commas, dots) {
        (0, 0) => Evidence::None,
        (0, 1) if leading_zero || after('.') != 3 => Evidence::Dot,
        (0, 1) if spaced => Evidence::Comma,
        (0, 1) => Evidence::AmbiguousDot,
        (0, _) => Evidence::Comma,
        (1, 0) if leading_zero || after(',') != 3 || spaced => Evidence::Comma,
        (1, 0) => Evidence::AmbiguousComma,
        (_, 0) => Evidence::Dot,
        _ => {
            if core.rfind(',') > core.rfind('.') {
                Evidence::Comma
            } else {
                Evidence::Dot
            }
        }
    }
}

/// A cell of a decimal-comma column in the form every reader takes:
/// `1 234,56 €` → `1234.56 €`, `1.234` → `1234`.
fn with_dot(cell: &str) -> String {
    let b: Vec<char> = cell.chars().collect();
    let digit = |i: usize| b.get(i).is_some_and(char::is_ascii_digit);
    let mut out = String::with_capacity(cell.len());
    for (i, &c) in b.iter().enumerate() {
        let between = i > 0 && digit(i - 1) && digit(i + 1);
        match c {
            '.' | ' ' | '\u{a0}' | '\u{202f}' | '\'' if between => {}
            ',' if between => out.push('.'),
            _ => out.push(c),
        }
    }
    out
}

/// Whether `cell` starts with `prefix` (lowercase), case folded, without
/// allocating for the ASCII prefixes every row of a large file is tried with.
fn starts_with_folded(cell: &str, prefix: &str) -> bool {
    // The first letters differ for nearly every cell: told at once.
    let (Some(c0), Some(p0)) = (cell.chars().next(), prefix.chars().next()) else {
        return false;
    };
    if !c0.to_lowercase().eq(std::iter::once(p0)) {
        return false;
    }
    if prefix.is_ascii() {
        cell.as_bytes()
            .get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
    } else {
        let n = prefix.chars().count();
        cell.chars()
            .take(n)
            .flat_map(char::to_lowercase)
            .eq(prefix.chars())
    }
}

/// A copy of the header (Ads Manager repeats it below itself).
fn repeats(cells: &csv::StringRecord, header: &csv::StringRecord) -> bool {
    // The first cells compared as they are first: a data row differs there,
    // and every row of a large file is asked.
    let first = |r: &csv::StringRecord| {
        r.get(0)
            .unwrap_or("")
            .trim_start_matches('\u{feff}')
            .trim()
            .len()
    };
    cells.len() == header.len()
        && first(cells) == first(header)
        && cells
            .iter()
            .zip(header)
            .all(|(a, b)| normalise(a) == normalise(b))
}

/// A row labelled as a summary in one of its first two cells.
pub(super) fn labelled_total(cells: &csv::StringRecord) -> bool {
    total_label(cells).is_some()
}

/// The summary label of a row, in one of its first two cells.
fn total_label(cells: &csv::StringRecord) -> Option<&str> {
    cells.iter().take(2).find(|c| {
        // No label is longer than this: a data cell is let go at once.
        if c.len() > 40 {
            return false;
        }
        let c = c.trim().trim_end_matches(':').trim();
        // Labels begin with few letters: most cells are let go on the first.
        let first = c
            .chars()
            .next()
            .map(|f| f.to_lowercase().next().unwrap_or(f));
        first.is_some_and(|f| TOTAL_LABELS.iter().any(|t| t.starts_with(f)))
            && TOTAL_LABELS
                .iter()
                .any(|t| c.eq_ignore_ascii_case(t) || (!c.is_ascii() && c.to_lowercase() == *t))
    })
}

fn is_number(cell: &str) -> bool {
    let t = cell.trim();
    !is_missing(t)
        && (parse_value(t, NumberStyle::default()).is_ok()
            || (t.contains(':') && parse_duration(t).is_ok()))
}

/// What the header and the rows say about each column.
#[derive(Clone)]
struct Plan {
    /// Columns whose filled cells are mostly numbers.
    numeric: Vec<bool>,
    /// Numeric columns whose cells are rewritten with a decimal dot.
    comma: Vec<bool>,
    /// Text columns that every sampled data row fills (a name, a date): a
    /// row that leaves one empty may be a summary.
    key: Vec<bool>,
}

/// The data rows of a grid below its header, each counted: rows that are
/// not data are skipped, with their reason, into the tally that
/// [`DataRows::finish`] hands over.
pub struct DataRows<'g> {
    rows: RowsAfter<'g>,
    header: &'g csv::StringRecord,
    first: bool,
    seen_data: bool,
    plan: Plan,
    /// Rows read ahead of the one returned, to tell whether a row is the
    /// table's last data row.
    ahead: std::collections::VecDeque<Cow<'g, Row>>,
    /// Lines of the rows skipped as summaries, which the sums leave out.
    summaries: Vec<u64>,
    /// A row that cannot be data as it stands: the rows stop there, and
    /// [`DataRows::finish`] returns it.
    error: Option<Error>,
    /// The table's text could not be read to its end (a file failing or
    /// changed underneath): the rows stop there too, never fewer rows in
    /// silence.
    unreadable: Option<Error>,
    grid: &'g Grid,
    h: usize,
    tally: Tally,
}

impl<'g> DataRows<'g> {
    /// The rows of `grid` below its header at `h` (an index of `grid.rows`,
    /// as the reader finds it); `decimal` is the
    /// source's (or plugin's) decimal mark for columns the cells leave
    /// undecided, `forced` one that wins over the cells.
    pub fn new(grid: &'g Grid, h: usize, decimal: Option<Decimal>, forced: bool) -> DataRows<'g> {
        let mut tally = Tally::default();
        match plan(grid, h, decimal, forced, &mut tally) {
            Ok(plan) => DataRows::start(grid, h, plan, tally),
            Err(e) => {
                let n = grid.rows[h].cells.len();
                let none = Plan {
                    numeric: vec![false; n],
                    comma: vec![false; n],
                    key: vec![false; n],
                };
                let mut rows = DataRows::start(grid, h, none, tally);
                rows.unreadable = Some(rows.unreadable_error(e));
                rows
            }
        }
    }

    fn start(grid: &'g Grid, h: usize, plan: Plan, tally: Tally) -> DataRows<'g> {
        DataRows {
            rows: grid.rows_after(h),
            header: &grid.rows[h].cells,
            first: true,
            seen_data: false,
            ahead: Default::default(),
            summaries: Vec::new(),
            error: None,
            unreadable: None,
            plan,
            grid,
            h,
            tally,
        }
    }

    /// The same rows from the top, on this table's plan: a pass before the
    /// reading one (year-less dates look over their whole column first)
    /// decides the columns' marks once, not twice.
    pub fn rewound(&self) -> DataRows<'g> {
        DataRows::start(self.grid, self.h, self.plan.clone(), Tally::default())
    }

    /// The rows of a table a plugin reads: the source's `decimal` (`,` or
    /// `.`) wins over the cells; the layout's decides the columns they
    /// leave open.
    pub fn of(grid: &'g Grid, h: usize, source: Option<char>, layout: NumberStyle) -> DataRows<'g> {
        match source {
            Some(c) => {
                let mark = if c == ',' {
                    Decimal::Comma
                } else {
                    Decimal::Dot
                };
                DataRows::new(grid, h, Some(mark), true)
            }
            None => DataRows::new(
                grid,
                h,
                layout.decimal_comma.then_some(Decimal::Comma),
                false,
            ),
        }
    }

    /// The columns whose cells are mostly numbers, ids aside: what a
    /// plugin that leaves one unmapped leaves out.
    pub fn numeric_columns(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.plan.numeric.len()).filter(|&i| {
            let name = normalise(self.header.get(i).unwrap_or(""));
            self.plan.numeric[i]
                && !(name == "id" || name.ends_with(" id") || name.ends_with("_id"))
        })
    }

    /// The skipped rows, the warnings and the count of data rows, added to
    /// `tally`; the error of a row that stopped the rows.
    pub fn finish(self, tally: &mut Tally) -> Result<()> {
        tally.absorb(self.tally);
        match self.error.or(self.unreadable) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Why the rows stopped before the table's end for want of its text,
    /// if they did: a pass that is not finished (the year-less dates' look
    /// over their column) must not go on as if the table ended there.
    pub fn take_unreadable(&mut self) -> Option<Error> {
        self.unreadable.take()
    }

    fn unreadable_error(&self, message: String) -> Error {
        Error::Data {
            file: self.grid.name.clone(),
            line: 0,
            message,
        }
    }

    /// Notes why the table's rows ended, when it was not their end.
    fn note_unreadable(&mut self, error: Option<&str>) {
        if let Some(e) = error
            && self.unreadable.is_none()
        {
            self.unreadable = Some(self.unreadable_error(e.to_string()));
        }
    }

    /// Why `row` is not data, if it is not; `first` says it is the first
    /// row below the header. Blank rows are not rows at all.
    fn not_data(&self, row: &Row, first: bool) -> Option<&'static str> {
        let cells = &row.cells;
        if repeats(cells, self.header) {
            return Some(skip::REPEATED_HEADER);
        }
        if first && describes(cells) {
            return Some(skip::DESCRIPTIONS);
        }
        if labelled_total(cells) {
            return Some(skip::TOTAL);
        }
        let mut filled = cells.iter().map(str::trim).filter(|c| !c.is_empty());
        // Most figures missing (an id may be there) and a message of the
        // network's: checked in that order of cost, the message first.
        // Only text columns hold a message (a post's id does not).
        let message = cells
            .iter()
            .zip(self.plan.numeric.iter().chain(std::iter::repeat(&false)))
            .filter(|(_, n)| !**n)
            .any(|(c, _)| {
                let c = c.trim_start();
                NETWORK_ERRORS.iter().any(|m| starts_with_folded(c, m))
            });
        if message {
            let numeric = self.plan.numeric.iter().filter(|&&n| n).count();
            let figures = cells
                .iter()
                .zip(&self.plan.numeric)
                .filter(|(c, n)| **n && is_number(c))
                .count();
            if figures * 2 < numeric {
                return Some(skip::NETWORK_ERROR);
            }
        }
        // One sentence in a row of a wide table: a footer or a note
        // (`Showing top 500 results`, `Data is updated daily`).
        if self.header.len() >= 3
            && let (Some(only), None) = (filled.next(), filled.next())
            && only.contains(' ')
            && !is_number(only)
        {
            return Some(skip::NOTE);
        }
        None
    }

    /// The next row of the table, read ahead or not.
    fn next_raw(&mut self) -> Option<Cow<'g, Row>> {
        if let Some(row) = self.ahead.pop_front() {
            return Some(row);
        }
        let row = self.rows.next();
        if row.is_none() {
            self.check_read_own();
        }
        row
    }

    /// Notes why the rows this iterates ended, when it was not their end.
    fn check_read_own(&mut self) {
        let error = self.rows.error().map(str::to_string);
        self.note_unreadable(error.as_deref());
    }

    /// Whether no data row follows the rows returned so far (reading ahead
    /// to the next data row, which is kept for later).
    fn at_last_data_row(&mut self) -> bool {
        let mut i = 0;
        loop {
            if i == self.ahead.len() {
                match self.rows.next() {
                    Some(r) => self.ahead.push_back(r),
                    None => {
                        self.check_read_own();
                        return true;
                    }
                }
            }
            let r = &self.ahead[i];
            if !blank(r) && self.not_data(r, false).is_none() {
                return false;
            }
            i += 1;
        }
    }

    /// Whether `row` leaves empty a column every other row fills: then it
    /// may be a summary, which its figures tell.
    fn may_summarise(&self, row: &Row) -> bool {
        self.plan
            .key
            .iter()
            .enumerate()
            .any(|(i, &k)| k && row.cells.get(i).is_none_or(|c| c.trim().is_empty()))
    }

    /// The numeric cells of `row`, by column.
    fn figures(&self, row: &Row) -> Vec<Option<f64>> {
        (0..self.header.len())
            .map(|i| {
                let c = row.cells.get(i)?;
                if !self.plan.numeric[i] {
                    return None;
                }
                let c: Cow<str> = if self.plan.comma[i] {
                    with_dot(c).into()
                } else {
                    c.into()
                };
                parse_value(&c, NumberStyle::default()).ok().flatten()
            })
            .collect()
    }

    /// The sums of every data row below the header but `candidate`'s and
    /// the summaries' found so far; and the same without the table's last
    /// data row too, when that one may be a summary as well (a first and a
    /// last summary row each hold the sums of the rows between them).
    fn totals_without(&mut self, candidate: u64) -> [Vec<(f64, u64)>; 2] {
        let mut out = vec![(0.0, 0); self.header.len()];
        let mut last: Option<Vec<Option<f64>>> = None;
        let mut first = true;
        let mut rows = self.grid.rows_after(self.h);
        for row in rows.by_ref() {
            if blank(&row) {
                continue;
            }
            let not_data = self.not_data(&row, std::mem::take(&mut first)).is_some();
            if not_data || row.line == candidate || self.summaries.contains(&row.line) {
                continue;
            }
            let figures = self.figures(&row);
            for (i, x) in figures.iter().enumerate() {
                if let Some(x) = x {
                    out[i].0 += x;
                    out[i].1 += 1;
                }
            }
            last = self.may_summarise(&row).then_some(figures);
        }
        self.note_unreadable(rows.error());
        let mut inner = out.clone();
        for (i, x) in last.unwrap_or_default().into_iter().enumerate() {
            if let Some(x) = x {
                inner[i].0 -= x;
                inner[i].1 -= 1;
            }
        }
        [out, inner]
    }

    /// Whether `row`'s figures are the `sums` of the other rows: two
    /// columns at least (one when the table has one), as rates and unique
    /// counts (reach) of a summary are not sums.
    fn sums_up(&self, row: &Row, sums: &[(f64, u64)]) -> bool {
        let (mut compared, mut matched) = (0, 0);
        for (i, x) in self.figures(row).into_iter().enumerate() {
            let (Some(x), Some(&(s, n))) = (x, sums.get(i)) else {
                continue;
            };
            if n == 0 {
                continue;
            }
            compared += 1;
            if s != 0.0 && (x - s).abs() <= 1e-4 * s.abs() + 0.011 {
                matched += 1;
            }
        }
        compared > 0 && matched >= compared.min(2)
    }
}

impl<'g> Iterator for DataRows<'g> {
    type Item = Cow<'g, Row>;
    fn next(&mut self) -> Option<Cow<'g, Row>> {
        if self.error.is_some() || self.unreadable.is_some() {
            return None;
        }
        loop {
            let row = self.next_raw()?;
            if row.cells.as_slice().len() > crate::limits::MAX_ROW_BYTES {
                self.error = Some(Error::Data {
                    file: self.grid.name.clone(),
                    line: row.line as usize,
                    message: crate::limits::long_row(),
                });
                return None;
            }
            if blank(&row) {
                continue;
            }
            self.tally.rows += 1;
            let first = std::mem::take(&mut self.first);
            if let Some(why) = self.not_data(&row, first) {
                // A Total row between data rows may be a subtotal, or data
                // that happens to say Total (a post titled so): skipped, and
                // said, since only the first and last rows are summaries for sure.
                if why == skip::TOTAL && self.seen_data && !self.at_last_data_row() {
                    self.tally.warn(format!(
                        "line {}: a row labelled `{}` between data rows is skipped as a subtotal; if it is data (a post titled so), change that cell in the file",
                        row.line,
                        printable(total_label(&row.cells).unwrap_or(""), 40)
                    ));
                }
                self.tally.skip(why, row.line);
                continue;
            }
            let first_data = !std::mem::replace(&mut self.seen_data, true);
            // A summary is the first data row or the last: a row with an
            // empty name between two data rows is data.
            if self.may_summarise(&row)
                && (first_data || self.at_last_data_row())
                && self
                    .totals_without(row.line)
                    .iter()
                    .any(|sums| self.sums_up(&row, sums))
            {
                if self.unreadable.is_some() {
                    return None;
                }
                self.summaries.push(row.line);
                self.tally.skip(skip::SUMMARY, row.line);
                continue;
            }
            // A quote never closed makes the rest of the file one cell: rows
            // swallowed whole, which must not pass for one row without a date.
            // The swallowing cell is the row's last, the row short of cells.
            if let Some(d) = self.grid.delimiter
                && self.header.len() > 2
                && row.cells.len() < self.header.len()
                && row.cells.iter().next_back().is_some_and(|c| {
                    memchr::memchr(b'\n', c.as_bytes()).is_some()
                        && c.lines()
                            .filter(|l| {
                                memchr::memchr_iter(d, l.as_bytes()).count() + 2 > self.header.len()
                            })
                            .count()
                            >= 2
                })
            {
                self.error = Some(Error::Data {
                    file: self.grid.name.clone(),
                    line: row.line as usize,
                    message: "a quote opened in this row is never closed, so the rows below it are read as one cell: the export is damaged or was cut short; export it again".into(),
                });
                return None;
            }
            // Cells past the header's: a delimiter inside an unquoted cell
            // (`1,200` in a `,`-separated file) has shifted every cell after
            // it, so no cell of the row can be trusted.
            if let Some(extra) = row
                .cells
                .iter()
                .skip(self.header.len())
                .position(|c| !c.trim().is_empty())
            {
                let delimiter = self.grid.delimiter.map(char::from).unwrap_or(',');
                self.error = Some(Error::Data {
                    file: self.grid.name.clone(),
                    line: row.line as usize,
                    message: format!(
                        "this row has {} cells where the header has {} (`{}` is past the last column): a cell holds the delimiter `{delimiter}` without quotes, as `1{delimiter}200` would, and every cell after it is shifted; quote that cell, or export the file again",
                        row.cells.len(),
                        self.header.len(),
                        printable(
                            row.cells
                                .get(self.header.len() + extra)
                                .unwrap_or("")
                                .trim(),
                            80
                        )
                    ),
                });
                return None;
            }
            if self.plan.comma.iter().any(|&c| c) {
                let cells: Vec<String> = row
                    .cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if self.plan.comma.get(i).copied().unwrap_or(false) {
                            with_dot(c)
                        } else {
                            c.to_string()
                        }
                    })
                    .collect();
                return Some(Cow::Owned(Row {
                    line: row.line,
                    cells: cells.into(),
                }));
            }
            return Some(row);
        }
    }
}

/// A row whose cells are all empty or spaces.
pub(super) fn blank(row: &Row) -> bool {
    row.cells.iter().all(|c| c.trim().is_empty())
}

/// Decides each column's kind and decimal mark from the rows parsed with
/// the header, and from the rest of the table when those leave a numeric
/// column's mark open.
fn plan(
    grid: &Grid,
    h: usize,
    decimal: Option<Decimal>,
    forced: bool,
    tally: &mut Tally,
) -> std::result::Result<Plan, String> {
    let header = &grid.rows[h].cells;
    let n = header.len();
    let sample: Vec<&Row> = grid.rows[h + 1..]
        .iter()
        .filter(|r| {
            r.cells.iter().any(|c| !c.trim().is_empty())
                && !repeats(&r.cells, header)
                && !labelled_total(&r.cells)
        })
        .collect();
    let mut numbers = vec![0usize; n];
    let mut filled = vec![0usize; n];
    for r in &sample {
        for (i, c) in r.cells.iter().enumerate().take(n) {
            if !is_missing(c) {
                filled[i] += 1;
                numbers[i] += usize::from(is_number(c));
            }
        }
    }
    let numeric: Vec<bool> = (0..n)
        .map(|i| filled[i] > 0 && numbers[i] * 2 > filled[i])
        .collect();
    // A key column: text filled in every sampled row but two at most (the
    // first and the last may be summaries); its sums tell the rest.
    let rows_of_data = sample
        .iter()
        .filter(|r| r.cells.iter().filter(|c| !c.trim().is_empty()).count() > 1)
        .count();
    let key: Vec<bool> = (0..n)
        .map(|i| {
            let filled = sample
                .iter()
                .filter(|r| r.cells.get(i).is_some_and(|c| !c.trim().is_empty()))
                .count();
            !numeric[i] && filled >= 2 && filled + 2 >= rows_of_data
        })
        .collect();

    let mut seen: Vec<[bool; 4]> = vec![[false; 4]; n];
    let note = |i: usize, c: &str, seen: &mut Vec<[bool; 4]>| match evidence(c) {
        Evidence::Dot => seen[i][0] = true,
        Evidence::Comma => seen[i][1] = true,
        Evidence::AmbiguousComma => seen[i][2] = true,
        Evidence::AmbiguousDot => seen[i][3] = true,
        Evidence::None => {}
    };
    for r in &sample {
        for (i, c) in r.cells.iter().enumerate().take(n) {
            if numeric[i] {
                note(i, c, &mut seen);
            }
        }
    }
    let decided = |s: &[bool; 4]| s[0] || s[1];
    let open = (0..n).any(|i| numeric[i] && !decided(&seen[i]));
    if open && grid.rest.is_some() && !forced {
        let mut rows = grid.rows_after(h);
        for r in rows.by_ref().skip(grid.rows.len() - h - 1) {
            for (i, c) in r.cells.iter().enumerate().take(n) {
                if numeric[i] && !decided(&seen[i]) {
                    note(i, c, &mut seen);
                }
            }
        }
        if let Some(e) = rows.error() {
            return Err(e.to_string());
        }
    }
    let mark_of = |s: &[bool; 4]| match (s[0], s[1]) {
        (true, true) => Some(Mark::Mixed),
        (true, false) => Some(Mark::Dot),
        (false, true) => Some(Mark::Comma),
        (false, false) => None,
    };
    // Columns the cells decide tell how the file was saved.
    let file_marks: Vec<Mark> = (0..n).filter_map(|i| mark_of(&seen[i])).collect();
    let file_mark = if file_marks.contains(&Mark::Comma) && !file_marks.contains(&Mark::Dot) {
        Some(Decimal::Comma)
    } else if file_marks.contains(&Mark::Dot) && !file_marks.contains(&Mark::Comma) {
        Some(Decimal::Dot)
    } else {
        None
    };
    let delimiter = grid.delimiter;
    let mut comma = vec![false; n];
    for i in (0..n).filter(|&i| numeric[i]) {
        let name = printable(header.get(i).unwrap_or("").trim(), 80);
        let ambiguous = seen[i][2] || seen[i][3];
        comma[i] = match (forced, mark_of(&seen[i])) {
            (true, _) => decimal == Some(Decimal::Comma),
            (false, Some(Mark::Dot)) => false,
            (false, Some(Mark::Comma)) => true,
            (false, Some(Mark::Mixed)) => {
                tally.warn(format!(
                    "column `{name}` holds numbers with a decimal dot and others with a decimal comma: each is read as written; set `decimal = \".\"` or `\",\"` on the [[source]] to decide"
                ));
                false
            }
            (false, None) if !ambiguous => false,
            (false, None) => match decimal.or(file_mark) {
                Some(d) => d == Decimal::Comma,
                None => match delimiter {
                    // Excel saves `;`-separated files where the comma is the
                    // decimal mark; a `,`-separated file quotes `12,400`
                    // only when the comma groups thousands.
                    Some(b';') => true,
                    Some(b',') => false,
                    _ => {
                        tally.warn(format!(
                            "column `{name}` holds numbers like `1,234` or `1.234` and nothing else tells the decimal mark: read with a decimal dot (`1,234` is 1234, `1.234` is 1.234); set `decimal = \",\"` on the [[source]] if the comma is the decimal mark (`1.234` is then 1234)"
                        ));
                        false
                    }
                },
            },
        };
    }
    Ok(Plan {
        numeric,
        comma,
        key,
    })
}

/// Whether a row is a second header row of descriptions: sentences, no
/// numbers. At least half of its cells hold five words or more (a date holds
/// four at most, so a first post with a date, a message and no figures yet is
/// data).
fn describes(cells: &csv::StringRecord) -> bool {
    let filled: Vec<&str> = cells
        .iter()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let sentences = filled
        .iter()
        .filter(|c| c.split_whitespace().count() >= 5)
        .count();
    filled.len() >= 2
        && sentences * 2 >= filled.len()
        && filled
            .iter()
            .all(|c| !is_missing(c) && parse_value(c, Default::default()).is_err())
}

/// Skipped rows by reason, for tests.
#[cfg(test)]
fn read(text: &str, decimal: Option<Decimal>) -> (Vec<(u64, Vec<String>)>, Tally) {
    let g = &super::decode::delimited::grids(text.to_string(), "t.csv", None).expect("grids")[0];
    read_grid(g, decimal)
}

#[cfg(test)]
fn read_grid(g: &Grid, decimal: Option<Decimal>) -> (Vec<(u64, Vec<String>)>, Tally) {
    let mut rows = DataRows::new(g, 0, decimal, false);
    let kept = rows
        .by_ref()
        .map(|r| (r.line, r.cells.iter().map(str::to_string).collect()))
        .collect();
    let mut tally = Tally::default();
    rows.finish(&mut tally).expect("rows read");
    (kept, tally)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn lines(text: &str) -> Vec<u64> {
        read(text, None).0.into_iter().map(|(l, _)| l).collect()
    }

    fn skipped(text: &str) -> BTreeMap<String, (u64, u64)> {
        read(text, None)
            .1
            .skipped
            .into_iter()
            .map(|(k, s)| (k, (s.rows, s.first_line)))
            .collect()
    }

    #[test]
    fn rows_that_are_not_data_are_skipped_and_counted() {
        // A description row (legacy Page Insights), a Total row, a repeated
        // header (Ads Manager) and an empty row are not data.
        let text = "Date,Daily Reach,Weekly Reach\n,Daily: The number of people reached,Weekly: The number of people reached\n01/02/22,5,9\nTotal,5,9\nDate,Daily Reach,Weekly Reach\n,,\n01/03/22,6,10\n";
        assert_eq!(lines(text), [3, 7]);
        let (_, t) = read(text, None);
        assert_eq!(t.rows, 5, "the blank row is not a row");
        assert_eq!(
            skipped(text),
            BTreeMap::from([
                (skip::DESCRIPTIONS.to_string(), (1, 2)),
                (skip::REPEATED_HEADER.to_string(), (1, 5)),
                (skip::TOTAL.to_string(), (1, 4)),
            ])
        );
        // A first post with text but no figures yet is data.
        assert_eq!(
            lines(
                "Post,Published,Message,Reach,Likes,Comments\np1,\"Mar 2, 2026\",Our new spring blend is here,,,\np2,\"Mar 3, 2026\",Hi,5,1,0\n"
            ),
            [2, 3]
        );
    }

    #[test]
    fn an_unclosed_quote_stops_the_rows() {
        let g = &crate::sources::decode::delimited::grids(
            "date,text,reach,likes\n2026-03-01,ok,1,2\n2026-03-02,\"broken,3,4\n2026-03-03,a,5,6\n2026-03-04,b,7,8\n".to_string(),
            "t.csv",
            None,
        )
        .expect("grids")[0];
        let mut rows = DataRows::new(g, 0, None, false);
        assert_eq!(rows.by_ref().count(), 1);
        let e = rows.finish(&mut Tally::default()).unwrap_err().to_string();
        assert!(
            e.contains("t.csv:3: a quote opened in this row is never closed"),
            "{e}"
        );
        // A post's text over several lines is a cell, not swallowed rows.
        assert_eq!(
            lines("date,text,reach\n2026-03-01,\"one\ntwo, three\nfour\",1\n"),
            [2]
        );
    }

    #[test]
    fn metricas_totals_and_averages_row_is_a_total() {
        // Yandex.Metrica writes it right below the header, in either language.
        for label in ["Итого и средние", "Total and averages"] {
            let text = format!(
                "Source,Visits,Bounce rate\n{label},\"1 300\",0.21\nvk.com,1000,0.2\nok.ru,300,0.25\n"
            );
            assert_eq!(lines(&text), [3, 4]);
            assert_eq!(
                skipped(&text),
                BTreeMap::from([(skip::TOTAL.to_string(), (1, 2))])
            );
        }
    }

    #[test]
    fn a_total_row_between_data_rows_is_a_warning() {
        let (rows, t) = read("Post,Reach\np1,10\nTotal,5\np2,7\n", None);
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
        assert!(t.warnings[0].starts_with("line 3: a row labelled `Total`"));
        // The warning names the label, not the id beside it.
        let (_, t) = read("Id,Post,Reach\n1,p1,10\n2,Summary,5\n3,p2,7\n", None);
        assert!(
            t.warnings[0].starts_with("line 3: a row labelled `Summary` between data rows is skipped as a subtotal; if it is data (a post titled so), change that cell in the file"),
            "{:?}",
            t.warnings
        );
        // First and last: summaries, nothing to say.
        let (_, t) = read("Post,Reach\nTotal,17\np1,10\np2,7\nGrand total,17\n", None);
        assert!(t.warnings.is_empty(), "{:?}", t.warnings);
    }

    #[test]
    fn network_notes_and_errors_are_not_data_but_a_post_text_is() {
        // Business Suite's error row (no figures) and YouTube's footer.
        let text = "Post ID,Publish time,Description,Data comment,Reach,Likes\n\
            1,03/27/2026 06:08,Spring,,120,4\n\
            2,,,An error occurred while computing metadata for content with ID 2,,\n\
            3,03/28/2026 07:00,An error occurred in our shop: sorry!,,80,2\n\
            Showing top 500 results,,,,,\n";
        assert_eq!(lines(text), [2, 4]);
        assert_eq!(
            skipped(text),
            BTreeMap::from([
                (skip::NETWORK_ERROR.to_string(), (1, 3)),
                (skip::NOTE.to_string(), (1, 5)),
            ])
        );
    }

    #[test]
    fn an_unlabelled_summary_row_is_told_by_its_sums() {
        // Ads Manager's "Include summary row": first, names empty, spend
        // and impressions the sums (reach, a unique count, is not).
        let text = "Reporting starts,Campaign name,Ad name,Amount spent (USD),Reach,Impressions\n\
            2026-07-01,,,100.5,900,3000\n\
            2026-07-01,Spring,Ad A,40.25,500,1000\n\
            2026-07-01,Spring,Ad A,60.25,450,2000\n\
            2026-07-01,Summer,Ad B,0,0,0\n";
        assert_eq!(lines(text), [3, 4, 5]);
        assert_eq!(
            skipped(text),
            BTreeMap::from([(skip::SUMMARY.to_string(), (1, 2))])
        );
        // The same at the end of the table.
        let text = "Region,Spend,Impressions\nParis,10,100\nLyon,5,50\nNice,1,10\n,16,160\n";
        assert_eq!(lines(text), [2, 3, 4]);
        // A row with an empty name whose figures are not the sums is data.
        let text = "Region,Spend,Impressions\n,3,30\nParis,10,100\nLyon,5,50\nNice,1,10\n";
        assert_eq!(lines(text), [2, 3, 4, 5]);
        // A summary first and last, each the sums of the data rows; a note
        // after the last one does not hide it.
        let text = "Region,Spend,Impressions\n,16,160\nParis,10,100\nLyon,5,50\nNice,1,10\n,16,160\nShowing top 3 results,,\n";
        assert_eq!(lines(text), [3, 4, 5]);
        // Between data rows, a row with an empty name is data, whatever its
        // figures.
        let text =
            "Region,Spend,Impressions\nParis,10,100\nLyon,5,50\n,15,150\nNice,1,10\nNantes,2,20\n";
        assert_eq!(lines(text), [2, 3, 4, 5, 6]);
    }

    #[test]
    fn the_decimal_mark_is_decided_per_column() {
        // Re-saved by a French Excel: `;`, and 6,892 beside 44,53.
        let (rows, t) = read(
            "Vidéo;Durée de visionnage (heures);Vues\nv1;6,892;1 234\nv2;44,53;12\nv3;0,5;7\n",
            None,
        );
        // Vues holds no decimal mark: left as written (`1 234` reads as 1234).
        assert_eq!(rows[0].1, ["v1", "6.892", "1 234"]);
        assert_eq!(rows[1].1, ["v2", "44.53", "12"]);
        assert!(t.warnings.is_empty(), "{:?}", t.warnings);
        // Only `1,234`-like cells, `;`-separated: a decimal comma.
        let (rows, _) = read("a;b\nx;1,234\ny;2,500\nz;3\n", None);
        assert_eq!(rows[0].1, ["x", "1.234"]);
        // A `,`-separated file quotes 12,400 when the comma groups thousands.
        let (rows, _) = read("a,b\nx,\"12,400\"\ny,5\nz,3\n", None);
        assert_eq!(rows[0].1, ["x", "12,400"]);
        // Tab-separated with nothing to tell: read with a dot, and a warning.
        let (rows, t) = read("a\tb\nx\t1,234\ny\t2,500\nz\t3\n", None);
        assert_eq!(rows[0].1, ["x", "1,234"]);
        assert_eq!(t.warnings.len(), 1);
        assert!(t.warnings[0].contains("column `b`"), "{:?}", t.warnings);
        // The source decides then.
        let (rows, t) = read("a\tb\nx\t1,234\ny\t2,500\nz\t3\n", Some(Decimal::Comma));
        assert_eq!(rows[0].1, ["x", "1.234"]);
        assert!(t.warnings.is_empty());
        // Another column of the file decides an ambiguous one.
        let (rows, _) = read("a\tb\tc\nx\t1,234\t4,5\ny\t2,500\t1\nz\t3\t2\n", None);
        assert_eq!(rows[0].1, ["x", "1.234", "4.5"]);
        // Mixed marks: read as written, with a warning.
        let (_, t) = read("a\tb\nx\t1.5\ny\t2,5\nz\t3\n", None);
        assert!(
            t.warnings[0].contains("decimal dot and others"),
            "{:?}",
            t.warnings
        );
    }

    #[test]
    fn a_row_wider_than_its_header_stops_the_rows() {
        // `1,200` unquoted: every cell after it shifted.
        let g = &crate::sources::decode::delimited::grids(
            "date,reach,likes\n2026-03-01,300,4\n2026-03-02,1,200,5\n2026-03-03,7,\n".to_string(),
            "t.csv",
            None,
        )
        .expect("grids")[0];
        let mut rows = DataRows::new(g, 0, None, false);
        assert_eq!(rows.by_ref().map(|r| r.line).collect::<Vec<_>>(), [2]);
        let e = rows.finish(&mut Tally::default()).unwrap_err().to_string();
        assert!(e.contains("t.csv:3"), "{e}");
        assert!(e.contains("4 cells where the header has 3"), "{e}");
        // Trailing empty cells are only a ragged end.
        assert_eq!(lines("a,b\n1,2,\n3,4,,\n"), [2, 3]);
    }

    /// `text` read from a file on disk, as a large file is: its rest read
    /// again for each pass.
    fn read_on_disk(text: &str, decimal: Option<Decimal>) -> (Vec<(u64, Vec<String>)>, Tally) {
        use crate::sources::decode::{delimited, stored::Stored, text_file::TextFile};
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.csv");
        std::fs::write(&path, text).expect("write");
        let file = TextFile::open(&path).expect("open");
        let text = Stored::OnDisk(std::sync::Arc::new(file));
        read_grid(
            &delimited::grids_of(&text, "t.csv", None).expect("grids")[0],
            decimal,
        )
    }

    #[test]
    fn what_the_whole_table_decides_is_decided_alike_on_disk() {
        let many = |row: &str, n: usize| row.repeat(n);
        for (text, want) in [
            // The head leaves the mark open; a cell far below decides it.
            (format!("a;b\n{}y;4,5\n", many("x;1,234\n", 300)), "1.234"),
            // Tab-separated, nothing decides: a warning, read with a dot.
            (format!("a\tb\n{}", many("x\t1,234\n", 300)), "1,234"),
            // A summary first and last, each the sums of all the rows.
            (
                format!(
                    "Region,Spend,Impressions\n,600,6000\n{},600,6000\n",
                    many("Paris,2,20\n", 300)
                ),
                "2",
            ),
            // A Total row between data rows: a warning at its line.
            (
                format!(
                    "Post,Reach\n{}Total,5\n{}",
                    many("p,1\n", 100),
                    many("q,2\n", 100)
                ),
                "1",
            ),
        ] {
            let held = read(&text, None);
            let on_disk = read_on_disk(&text, None);
            assert_eq!(held.1, on_disk.1);
            assert_eq!(held.0, on_disk.0);
            assert_eq!(held.0[0].1[1], want, "{:?}", held.1);
        }
        // The summaries are found, from the first row's sums to the last's.
        let text = format!(
            "Region,Spend,Impressions\n,600,6000\n{},600,6000\n",
            many("Paris,2,20\n", 300)
        );
        assert_eq!(read_on_disk(&text, None).1.skipped[skip::SUMMARY].rows, 2);
    }

    #[test]
    fn a_file_changed_while_its_rows_are_read_is_an_error_not_fewer_rows() {
        use crate::sources::decode::{delimited, stored::Stored, text_file::TextFile};
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.csv");
        // Its decimal mark told by the head: no pass over the rest before.
        let text = format!("a,b\n{}", "x,1.5\n".repeat(500));
        std::fs::write(&path, &text).expect("write");
        let file = TextFile::open(&path).expect("open");
        let grids = delimited::grids_of(&Stored::OnDisk(std::sync::Arc::new(file)), "t.csv", None)
            .expect("grids");
        // Cut short after the tables were found, as a download still being
        // written over would be.
        std::fs::write(&path, &text[..text.len() / 2]).expect("write");
        let mut rows = DataRows::new(&grids[0], 0, None, false);
        assert_eq!(rows.by_ref().count(), 63, "the head's rows");
        let e = rows.finish(&mut Tally::default()).unwrap_err().to_string();
        assert!(
            e.contains("t.csv: cannot read the file: the file changed while it was read"),
            "{e}"
        );
    }

    #[test]
    fn evidence_of_each_cell() {
        for (cell, want) in [
            ("1234", Evidence::None),
            ("44,53", Evidence::Comma),
            ("6,892", Evidence::AmbiguousComma),
            ("0,125", Evidence::Comma),
            ("1 234,56", Evidence::Comma),
            ("1.234,56", Evidence::Comma),
            ("1,234.56", Evidence::Dot),
            ("1,234,567", Evidence::Dot),
            ("1.234.567", Evidence::Comma),
            ("12.5", Evidence::Dot),
            ("1.234", Evidence::AmbiguousDot),
            ("12,5 %", Evidence::Comma),
            ("$1,234.50", Evidence::Dot),
            ("2026-07-01", Evidence::None),
            ("00:03:25", Evidence::None),
        ] {
            assert_eq!(evidence(cell), want, "{cell}");
        }
        assert_eq!(with_dot("1 234,56 €"), "1234.56 €");
        assert_eq!(with_dot("1.234"), "1234");
        assert_eq!(with_dot("12,5%"), "12.5%");
    }
}
