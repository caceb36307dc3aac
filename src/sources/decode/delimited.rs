//! Delimited text (CSV, TSV, `;`): a `sep=` first line, `#` preambles, the
//! delimiter detected, quoted cells with newlines, and several tables in one
//! file separated by blank lines.
//!
//! The text is read as a stream, held or on disk alike (`Stored`): one pass
//! finds the tables, then each table's first rows are parsed and the rest
//! is left to be read as it is iterated.

use std::io::BufRead;
use std::sync::Arc;

use super::grid::{Grid, Rest, Row};
use super::records::Records;
use super::stored::Stored;
use super::text_file::changed;
use crate::limits;

/// Rows parsed at once; a table's later rows are read as they are iterated.
/// Every header is found within the first 30 rows.
const HEAD: usize = 64;

/// Splits `text` into its tables. A row of the head past the row or
/// column limits is an error; later rows are held to them by `rows`.
pub fn grids(text: String, name: &str, forced: Option<u8>) -> Result<Vec<Grid>, String> {
    grids_of(&Stored::Held(Arc::new(text)), name, forced)
}

/// Splits the stored `text` into its tables, reading it as a stream: one
/// pass finds where each table starts and ends, then each table's head is
/// parsed, and its rest left to be read as it is iterated. Held text and a
/// file on disk go the same way, so a large file reads as a small one does.
pub fn grids_of(text: &Stored, name: &str, forced: Option<u8>) -> Result<Vec<Grid>, String> {
    let io = |e: std::io::Error| format!("cannot read the file: {e}");
    let mut delimiter = forced;
    let mut preamble = Vec::new();
    let mut out = Vec::new();
    for (i, table) in tables(text).map_err(io)?.into_iter().enumerate() {
        let mut lines = text.reader(table.start, table.end).map_err(io)?;
        let mut line = table.line;
        let mut body_at = table.start;
        let mut l = Vec::new();
        loop {
            l.clear();
            if lines.read_until(b'\n', &mut l).map_err(io)? == 0 {
                break;
            }
            let l = std::str::from_utf8(&l).map_err(|_| io(changed()))?;
            let t = l.trim().trim_matches('"');
            if i == 0
                && line == 1
                && t.len() > 4
                // `get`: the first line may hold a multi-byte character across byte 4.
                && t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("sep="))
            {
                delimiter = delimiter.or(t.as_bytes().get(4).copied());
            } else if let Some(comment) = t.strip_prefix('#') {
                // `# Key: value`, or a bare line kept whole as a key (`# 20190101-20190131`).
                match comment.split_once(':') {
                    Some((k, v)) => preamble.push((k.trim().to_string(), v.trim().to_string())),
                    None if !comment.trim().is_empty() => {
                        preamble.push((comment.trim().to_string(), String::new()))
                    }
                    None => {}
                }
            } else if !t.is_empty() {
                break;
            }
            body_at += l.len() as u64;
            line += 1;
        }
        drop(lines);
        // Only preamble and blank lines: no table. Otherwise the body
        // starts with a line that holds more than spaces and quotes.
        if body_at == table.end {
            continue;
        }
        let delim = match delimiter {
            Some(d) => d,
            None => detect_delimiter(text.reader(body_at, table.end).map_err(io)?).map_err(io)?,
        };
        let mut records = Records::new(text.reader(body_at, table.end).map_err(io)?, line, delim);
        let mut rows = Vec::new();
        while rows.len() < HEAD
            && let Some((line, record)) = records.next_record()?
        {
            if record.as_slice().len() > limits::MAX_ROW_BYTES {
                return Err(format!("line {line}: {}", limits::long_row()));
            }
            if record.len() > limits::MAX_COLUMNS {
                return Err(format!(
                    "line {line}: {}",
                    limits::wide_header(record.len())
                ));
            }
            rows.push(Row {
                line,
                cells: super::grid::compact(record),
            });
        }
        // The rest starts at its first record, past the line end csv may
        // have left (it stops between `\r` and `\n`).
        let rest = if rows.len() == HEAD {
            let at = body_at + records.position().min(table.end - body_at);
            let line = records.line_before(records.position());
            let after = line_ends(text, at, table.end).map_err(io)?;
            (!after.blank).then(|| Rest {
                text: text.clone(),
                start: after.next,
                end: table.end,
                line: line + after.newlines,
                delimiter: delim,
            })
        } else {
            None
        };
        out.push(Grid {
            name: name.to_string(),
            rows,
            preamble: preamble.clone(),
            year_hint: None,
            rest,
            delimiter: Some(delim),
        });
    }
    Ok(out)
}

/// One table of the text: its bytes and the line of the first.
#[derive(Debug, PartialEq, Eq)]
struct Table {
    line: u64,
    start: u64,
    end: u64,
}

/// The text's tables: a blank line outside quotes ends a table, and so does
/// a one-cell title line followed by a copy of the table's header (Business
/// Suite writes a Facebook and an Instagram daily series one below the
/// other, each with its title and `"Date","Primary"`). One pass over the
/// text, which holds a line at a time (a line runs to its end outside
/// quotes).
fn tables(text: &Stored) -> std::io::Result<Vec<Table>> {
    let len = text.len();
    let mut input = text.reader(0, len)?;
    let mut out = Vec::new();
    let (mut start, mut start_line, mut line) = (0u64, 1u64, 1u64);
    let mut in_quotes = false;
    let mut line_start = 0u64;
    let mut seen_content = false;
    // The table's header (its first line of several cells), and the line
    // before this one when it held one cell: (its start, its line number).
    let mut header: Option<String> = None;
    let mut title: Option<(u64, u64)> = None;
    // The bytes of this line read so far.
    let mut this_line: Vec<u8> = Vec::new();
    let mut offset = 0u64;
    loop {
        let block = input.fill_buf()?;
        if block.is_empty() {
            break;
        }
        let mut from = 0;
        for i in memchr::memchr2_iter(b'"', b'\n', block) {
            if block[i] == b'"' {
                in_quotes = !in_quotes;
                continue;
            }
            if !in_quotes {
                this_line.extend_from_slice(&block[from..i]);
                from = i + 1;
                let end = offset + i as u64;
                let this = std::str::from_utf8(&this_line)
                    .map_err(|_| changed())?
                    .trim()
                    .trim_start_matches('\u{feff}');
                let is_blank = this.is_empty();
                if is_blank && seen_content {
                    out.push(Table {
                        line: start_line,
                        start,
                        end: line_start,
                    });
                    start = end + 1;
                    start_line = line + 1;
                    seen_content = false;
                    header = None;
                } else if !is_blank && !this.starts_with('#') {
                    seen_content = true;
                    if let Some((at, at_line)) = title
                        && header.as_deref() == Some(this)
                        && at > start
                    {
                        out.push(Table {
                            line: start_line,
                            start,
                            end: at,
                        });
                        start = at;
                        start_line = at_line;
                    }
                    let sep = this
                        .trim_matches('"')
                        .get(..4)
                        .is_some_and(|p| p.eq_ignore_ascii_case("sep="));
                    if header.is_none() && !sep && cells_over_one(this) {
                        header = Some(this.to_string());
                    }
                }
                title = (!is_blank && !cells_over_one(this)).then_some((line_start, line));
                line_start = end + 1;
                this_line.clear();
            }
            line += 1;
        }
        this_line.extend_from_slice(&block[from..]);
        let n = block.len();
        offset += n as u64;
        input.consume(n);
    }
    if start < len {
        out.push(Table {
            line: start_line,
            start,
            end: len,
        });
    }
    Ok(out)
}

/// What follows the head of a table from byte `at`: the line ends csv left
/// there, and whether anything but spaces is left after them.
struct After {
    /// The byte past those line ends.
    next: u64,
    /// The line ends passed.
    newlines: u64,
    /// Whether the rest holds nothing but spaces (a table that fit its head).
    blank: bool,
}

fn line_ends(text: &Stored, at: u64, end: u64) -> std::io::Result<After> {
    let mut input = text.reader(at, end)?;
    let (mut next, mut newlines) = (at, 0);
    // Bytes of a character a block cut, carried to the next.
    let mut carry: Vec<u8> = Vec::new();
    let mut passing = true;
    loop {
        let block = input.fill_buf()?;
        if block.is_empty() {
            return Ok(After {
                next,
                newlines,
                blank: true,
            });
        }
        let mut skip = 0;
        if passing {
            skip = block
                .iter()
                .position(|b| !matches!(b, b'\r' | b'\n'))
                .unwrap_or(block.len());
            newlines += memchr::memchr_iter(b'\n', &block[..skip]).count() as u64;
            next += skip as u64;
            passing = skip == block.len();
        }
        carry.extend_from_slice(&block[skip..]);
        let n = block.len();
        input.consume(n);
        let valid = match std::str::from_utf8(&carry) {
            Ok(s) => s.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => return Err(changed()),
        };
        // `str::trim`'s spaces: any other character is a row.
        let text_part = std::str::from_utf8(&carry[..valid]).unwrap_or_default();
        if !text_part.chars().all(char::is_whitespace) {
            return Ok(After {
                next,
                newlines,
                blank: false,
            });
        }
        carry.drain(..valid);
    }
}

/// Whether a line holds a delimiter outside quotes.
fn cells_over_one(line: &str) -> bool {
    let mut in_quotes = false;
    line.bytes().any(|b| {
        if b == b'"' {
            in_quotes = !in_quotes;
        }
        !in_quotes && matches!(b, b',' | b';' | b'\t' | b'|')
    })
}

/// The delimiter that splits the first line (outside quotes) the most. A
/// line no candidate splits (a report's title above its header) is passed
/// over, for a few lines: the header below it tells.
fn detect_delimiter(mut body: Box<dyn BufRead + '_>) -> std::io::Result<u8> {
    /// Title lines passed over at most before the default is taken.
    const TITLE_LINES: usize = 8;
    let mut counts = [0usize; 4];
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut in_quotes = false;
    let mut lines = 0;
    'read: loop {
        let block = body.fill_buf()?;
        if block.is_empty() {
            break;
        }
        for &b in block {
            match b {
                b'"' => in_quotes = !in_quotes,
                b'\n' if !in_quotes && (counts != [0; 4] || lines >= TITLE_LINES) => break 'read,
                b'\n' if !in_quotes => lines += 1,
                _ if !in_quotes => {
                    if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                        counts[i] += 1;
                    }
                }
                _ => {}
            }
        }
        let n = block.len();
        body.consume(n);
    }
    let best = (0..4).max_by_key(|&i| (counts[i], 4 - i)).unwrap_or(0);
    Ok(if counts[best] == 0 {
        b','
    } else {
        CANDIDATES[best]
    })
}

#[cfg(test)]
mod tests {
    use super::grids;

    fn cells(g: &super::Grid) -> Vec<(u64, Vec<&str>)> {
        g.rows
            .iter()
            .map(|r| (r.line, r.cells.iter().collect()))
            .collect()
    }

    #[test]
    fn sep_line_preamble_quotes_and_second_table() {
        let text = "# Account: Acme\n# Start date: 20260701\n\nChannel;Sessions\n\"Organic\nSocial\";\"1 234\"\nGrand total;5\n\nDay Index;Sessions\n1;4\n";
        let g = grids(text.to_string(), "ga.csv", None).expect("grids");
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].preamble("start date"), Some("20260701"));
        assert_eq!(
            cells(&g[0]),
            [
                (4, vec!["Channel", "Sessions"]),
                (5, vec!["Organic\nSocial", "1 234"]),
                (7, vec!["Grand total", "5"])
            ]
        );
        assert_eq!(
            cells(&g[1]),
            [(9, vec!["Day Index", "Sessions"]), (10, vec!["1", "4"])]
        );

        let g = grids(
            "sep=,\n\"Facebook follows\"\n\"Date\",\"Primary\"\r\n\"2025-08-01T00:00:00\",\"20\"\r\n".to_string(),
            "f.csv",
            None,
        ).expect("grids");
        assert_eq!(
            cells(&g[0]),
            [
                (2, vec!["Facebook follows"]),
                (3, vec!["Date", "Primary"]),
                (4, vec!["2025-08-01T00:00:00", "20"])
            ]
        );
        let g = grids("a\tb\n1,5\t2\n".to_string(), "t.tsv", None).expect("grids");
        assert_eq!(cells(&g[0])[1].1, ["1,5", "2"]);
    }

    #[test]
    fn a_title_line_without_delimiters_leaves_the_header_to_tell() {
        let text = "Threads insights - Overview\nDate;Views;Followers\nApr 1;501;1 201\n";
        let g = grids(text.to_string(), "t.csv", None).expect("grids");
        assert_eq!(
            cells(&g[0]),
            [
                (1, vec!["Threads insights - Overview"]),
                (2, vec!["Date", "Views", "Followers"]),
                (3, vec!["Apr 1", "501", "1 201"])
            ]
        );
    }

    #[test]
    fn a_title_over_a_repeated_header_starts_a_table() {
        // Two daily series one below the other, without a blank line.
        let text = "sep=,\r\n\"Facebook reach\"\r\n\"Date\",\"Primary\"\r\n\"2025-07-01T00:00:00\",\"10\"\r\n\"Instagram reach\"\r\n\"Date\",\"Primary\"\r\n\"2025-07-01T00:00:00\",\"4\"\r\n";
        let g = grids(text.to_string(), "f.csv", None).expect("grids");
        assert_eq!(g.len(), 2);
        assert_eq!(
            cells(&g[0]),
            [
                (2, vec!["Facebook reach"]),
                (3, vec!["Date", "Primary"]),
                (4, vec!["2025-07-01T00:00:00", "10"])
            ]
        );
        assert_eq!(
            cells(&g[1]),
            [
                (5, vec!["Instagram reach"]),
                (6, vec!["Date", "Primary"]),
                (7, vec!["2025-07-01T00:00:00", "4"])
            ]
        );
        // A repeated header after a data row (Ads Manager) stays in its
        // table, and so does a one-column table's repeated value.
        for text in ["Ad,Spend\na,1\nAd,Spend\nb,2\n", "Name\nx\nName\nx\n"] {
            assert_eq!(
                grids(text.to_string(), "t.csv", None).expect("grids").len(),
                1,
                "{text}"
            );
        }
    }

    #[test]
    fn rows_past_the_head_are_read_as_iterated_with_their_lines() {
        // 100 rows, CRLF line ends, and a quoted cell over two lines at row 80.
        let mut text = String::from("id,text\r\n");
        for i in 1..=100 {
            if i == 80 {
                text.push_str("80,\"two\r\nlines\"\r\n");
            } else {
                text.push_str(&format!("{i},t{i}\r\n"));
            }
        }
        let g = &grids(text, "big.csv", None).expect("grids")[0];
        assert!(g.rest.is_some(), "the table is longer than its head");
        let rows: Vec<(u64, String)> = g
            .rows_after(0)
            .map(|r| (r.line, r.cells.get(0).unwrap_or("").to_string()))
            .collect();
        assert_eq!(rows.len(), 100);
        assert_eq!(rows[63], (65, "64".to_string()));
        assert_eq!(rows[64], (66, "65".to_string()));
        assert_eq!(rows[79], (81, "80".to_string()));
        // Row 81 comes after the two-line cell.
        assert_eq!(rows[80], (83, "81".to_string()));
        assert_eq!(rows[99], (102, "100".to_string()));
    }

    /// Every row of every grid, with the grids' preambles and delimiters.
    fn all_rows(grids: &[super::Grid]) -> Vec<String> {
        grids
            .iter()
            .flat_map(|g| {
                let head = format!("{:?} {:?} {:?}", g.preamble, g.delimiter, g.rest.is_some());
                std::iter::once(head).chain(
                    g.rows
                        .first()
                        .into_iter()
                        .chain(g.rows_after(0).collect::<Vec<_>>().iter().map(|r| &**r))
                        .map(|r| format!("{} {:?}", r.line, r.cells.iter().collect::<Vec<_>>()))
                        .collect::<Vec<_>>(),
                )
            })
            .collect()
    }

    #[test]
    fn a_file_on_disk_splits_and_reads_as_held_text_does() {
        use super::super::{stored::Stored, text::decode_text, text_file::TextFile};
        let mut long = String::from("# Account: Acme\r\n\r\nid,text\r\n");
        for i in 1..=3000 {
            long.push_str(&format!("{i},\"t{i}\r\nover, two\"\r\n"));
        }
        long.push_str("\r\n\r\n\u{feff}Day,Views\r\n");
        for i in 1..=200 {
            long.push_str(&format!("{i},{}\n", i * 2));
        }
        long.push_str("\"Instagram reach\"\nDay,Views\n1,2\n  \n\n");
        let dir = tempfile::tempdir().expect("temp dir");
        for text in [
            long.as_str(),
            "# Account: Acme\n# Start date: 20260701\n\nChannel;Sessions\n\"Organic\nSocial\";\"1 234\"\nGrand total;5\n\nDay Index;Sessions\n1;4\n",
            "sep=;\r\n\"Facebook reach\"\r\n\"Date\",\"Primary\"\r\n\"2025-07-01T00:00:00\",\"10\"\r\n\"Instagram reach\"\r\n\"Date\",\"Primary\"\r\n\"2025-07-01T00:00:00\",\"4\"\r\n",
            "Ad,Spend\na,1\nAd,Spend\nb,2",
            "a,\"never closed\nb,2\n\nc,3\n",
            "\n\n  \n",
        ] {
            let held = grids(text.to_string(), "t.csv", None).expect("grids");
            for (variant, bytes) in [
                ("utf8", text.as_bytes().to_vec()),
                ("bom", [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat()),
                (
                    "utf16",
                    [0xFF, 0xFE]
                        .into_iter()
                        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                        .collect(),
                ),
                ("cp1252", [text.as_bytes(), b"\xE9"].concat()),
            ] {
                let path = dir.path().join(variant);
                std::fs::write(&path, &bytes).expect("write");
                let file = TextFile::open(&path).expect("open");
                let on_disk =
                    super::grids_of(&Stored::OnDisk(std::sync::Arc::new(file)), "t.csv", None)
                        .expect("grids");
                let held = match variant {
                    "utf8" => held.clone(),
                    _ => grids(decode_text(bytes), "t.csv", None).expect("grids"),
                };
                assert_eq!(all_rows(&held), all_rows(&on_disk), "{variant}: {text:?}");
            }
        }
        assert_eq!(grids(long, "t.csv", None).expect("grids").len(), 3);
    }

    #[test]
    fn a_first_line_with_a_multibyte_character_across_byte_4() {
        for first in ["数据概览", "Visão geral", "abcé", "sepé=", "\"abé\""] {
            let g = grids(
                format!("{first}\nDate,Views\n2026-01-01,5\n"),
                "t.csv",
                None,
            )
            .expect("grids");
            assert_eq!(g[0].rows[0].cells.get(0), Some(first.trim_matches('"')));
            assert_eq!(cells(&g[0])[1].1, ["Date", "Views"]);
        }
    }
}
