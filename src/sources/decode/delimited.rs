//! Delimited text (CSV, TSV, `;`): a `sep=` first line, `#` preambles, the
//! delimiter detected, quoted cells with newlines, and several tables in one
//! file separated by blank lines.

use std::sync::Arc;

use super::grid::{Grid, LineCounter, Rest, Row, compact};
use crate::limits;

/// Rows parsed at once; a table's later rows are read as they are iterated.
/// Every header is found within the first 30 rows.
const HEAD: usize = 64;

/// Splits `text` into its tables. A row of the head past the row or
/// column limits is an error; later rows are held to them by `rows`.
pub fn grids(text: String, name: &str, forced: Option<u8>) -> Result<Vec<Grid>, String> {
    let text = Arc::new(text);
    let mut delimiter = forced;
    let mut preamble = Vec::new();
    let mut out = Vec::new();
    for (i, (start_line, chunk)) in chunks(&text).into_iter().enumerate() {
        let mut lines = chunk.split_inclusive('\n').peekable();
        let mut line = start_line;
        let mut body_at = 0;
        while let Some(l) = lines.peek() {
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
            body_at += l.len();
            line += 1;
            lines.next();
        }
        let body = &chunk[body_at..];
        if body.trim().is_empty() {
            continue;
        }
        let delim = delimiter.unwrap_or_else(|| detect_delimiter(body));
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delim)
            .from_reader(body.as_bytes());
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        let mut lines = LineCounter::new(body, line);
        // The text is UTF-8 and rows may be ragged, so reading cannot fail.
        while rows.len() < HEAD
            && let Ok(true) = rdr.read_record(&mut record)
        {
            let at = record.position().map_or(0, |p| p.byte() as usize);
            let line = lines.line_at(at);
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
                cells: compact(&record),
            });
        }
        // The rest starts at its first record, past the line end csv may
        // have left (it stops between `\r` and `\n`).
        let mut next = (rdr.position().byte() as usize).min(body.len());
        while next < body.len() && matches!(body.as_bytes()[next], b'\r' | b'\n') {
            next += 1;
        }
        let body_start = body.as_ptr() as usize - text.as_ptr() as usize;
        let rest = (rows.len() == HEAD && !body[next..].trim().is_empty()).then(|| Rest {
            text: Arc::clone(&text),
            start: body_start + next,
            end: body_start + body.len(),
            line: lines.line_at(next),
            delimiter: delim,
        });
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

/// The text's tables with their first line: a blank line outside quotes
/// ends a table, and so does a one-cell title line followed by a copy of the
/// table's header (Business Suite writes a Facebook and an Instagram daily
/// series one below the other, each with its title and `"Date","Primary"`).
fn chunks(text: &str) -> Vec<(u64, &str)> {
    let mut out = Vec::new();
    let (mut start, mut start_line, mut line) = (0, 1u64, 1u64);
    let mut in_quotes = false;
    let mut line_start = 0;
    let mut seen_content = false;
    // The table's header (its first line of several cells), and the line
    // before this one when it held one cell: (its start, its line number).
    let mut header: Option<&str> = None;
    let mut title: Option<(usize, u64)> = None;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                let this = text[line_start..i].trim().trim_start_matches('\u{feff}');
                let is_blank = this.is_empty();
                if is_blank && seen_content {
                    out.push((start_line, &text[start..line_start]));
                    start = i + 1;
                    start_line = line + 1;
                    seen_content = false;
                    header = None;
                } else if !is_blank && !this.starts_with('#') {
                    seen_content = true;
                    if let Some((at, at_line)) = title
                        && header == Some(this)
                        && at > start
                    {
                        out.push((start_line, &text[start..at]));
                        start = at;
                        start_line = at_line;
                    }
                    let sep = this
                        .trim_matches('"')
                        .get(..4)
                        .is_some_and(|p| p.eq_ignore_ascii_case("sep="));
                    if header.is_none() && !sep && cells_over_one(this) {
                        header = Some(this);
                    }
                }
                title = (!is_blank && !cells_over_one(this)).then_some((line_start, line));
                line_start = i + 1;
            }
            _ => {}
        }
        if b == b'\n' {
            line += 1;
        }
    }
    if start < text.len() {
        out.push((start_line, &text[start..]));
    }
    out
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

/// The delimiter that splits the first line (outside quotes) the most.
fn detect_delimiter(body: &str) -> u8 {
    let mut counts = [0usize; 4];
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut in_quotes = false;
    for b in body.bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => break,
            _ if !in_quotes => {
                if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..4).max_by_key(|&i| (counts[i], 4 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        CANDIDATES[best]
    }
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
