//! Aligned text tables for the terminal, with optional colour, fitted to the
//! terminal's width.

use std::io::IsTerminal;

use unicode_width::UnicodeWidthStr;

/// How tables are shown: coloured by status word or plain, and how wide the
/// terminal is (`None`: not a terminal, and nothing is wrapped).
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    pub width: Option<usize>,
}

impl Style {
    pub fn paint(&self, text: &str, status: &str) -> String {
        if !self.color {
            return text.to_string();
        }
        let code = match status {
            "pass" => "32",
            "warn" => "33",
            "fail" => "31",
            "no_data" | "dim" => "90",
            "bold" => "1",
            _ => return text.to_string(),
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

/// The width tables fit in: stdout's terminal's (`COLUMNS` when set, as
/// shells set it, else the terminal's own), and none when stdout is a pipe
/// or a file, whose reader gets whole lines.
pub fn stdout_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
        .or_else(terminal_columns)
}

#[cfg(unix)]
fn terminal_columns() -> Option<usize> {
    // SAFETY: winsize is plain data, and TIOCGWINSZ only writes into it.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

#[cfg(not(unix))]
fn terminal_columns() -> Option<usize> {
    None
}

/// Renders rows under a header, each column as wide as its widest cell (in
/// terminal columns: `春` takes two). The `status_col` is coloured by its
/// own word. A table wider than `style.width` has its widest column of text
/// wrapped at whole words.
pub fn render(
    header: &[&str],
    rows: &[Vec<String>],
    style: Style,
    status_col: Option<usize>,
) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| shown_width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(shown_width(c));
        }
    }
    let wrapped = style
        .width
        .and_then(|limit| fit(header, rows, &widths, limit, status_col));
    if let Some((col, width)) = wrapped {
        widths[col] = width;
    }
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        let start = out.len();
        let last = cells.len() - 1;
        for (i, c) in cells.iter().enumerate() {
            out.push_str(c);
            if i < last {
                out.push_str(&" ".repeat(widths[i].saturating_sub(shown_width(c)) + 2));
            }
        }
        // A wrapped line may end in empty cells: no trailing blanks.
        if wrapped.is_some() {
            let kept = out[start..].trim_end_matches(' ').len();
            out.truncate(start + kept);
        }
        out.push('\n');
    };
    let header: Vec<String> = header.iter().map(|h| style.paint(h, "bold")).collect();
    line(&header, &mut out);
    for r in rows {
        let mut cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if Some(i) == status_col {
                    style.paint(c, c)
                } else {
                    c.clone()
                }
            })
            .collect();
        let Some((col, width)) = wrapped else {
            line(&cells, &mut out);
            continue;
        };
        let parts = wrap(&r[col], width);
        for (n, part) in parts.into_iter().enumerate() {
            if n > 0 {
                cells.iter_mut().for_each(String::clear);
            }
            cells[col] = part;
            line(&cells, &mut out);
        }
    }
    out
}

/// The column to wrap and its new width, when the table is wider than
/// `limit`: the widest column with words to wrap at (not the status
/// column), made as narrow as the room left, but never narrower than its
/// longest word, so that no word is cut.
fn fit(
    header: &[&str],
    rows: &[Vec<String>],
    widths: &[usize],
    limit: usize,
    status_col: Option<usize>,
) -> Option<(usize, usize)> {
    let total = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    if total <= limit {
        return None;
    }
    let col = (0..widths.len())
        .filter(|i| Some(*i) != status_col)
        .filter(|i| rows.iter().any(|r| r[*i].trim().contains(' ')))
        .max_by_key(|i| (widths[*i], std::cmp::Reverse(*i)))?;
    let longest_word = rows
        .iter()
        .flat_map(|r| r[col].split(' '))
        .map(shown_width)
        .chain([shown_width(header[col])])
        .max()
        .unwrap_or(0);
    let room = limit.saturating_sub(total - widths[col]);
    let width = room.max(longest_word);
    (width < widths[col]).then_some((col, width))
}

/// `text` in lines of at most `width` columns, broken between words; a
/// word wider than that is a line of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !current.is_empty() && shown_width(&current) + 1 + shown_width(word) > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(current);
    lines
}

/// The columns `s` takes on a terminal: colour codes take none, and East
/// Asian wide characters take two.
fn shown_width(s: &str) -> usize {
    if !s.contains('\x1b') {
        return s.width();
    }
    let mut plain = String::with_capacity(s.len());
    let mut in_esc = false;
    for c in s.chars() {
        match (in_esc, c) {
            (false, '\x1b') => in_esc = true,
            (true, 'm') => in_esc = false,
            (true, _) => {}
            (false, c) => plain.push(c),
        }
    }
    plain.width()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(width: Option<usize>) -> Style {
        Style {
            color: false,
            width,
        }
    }

    #[test]
    fn wide_characters_line_up_by_the_columns_they_take() {
        let rows = vec![
            vec!["春のキャンペーン".to_string(), "12".to_string()],
            vec!["spring".to_string(), "3".to_string()],
        ];
        assert_eq!(
            render(&["CAMPAIGN", "POSTS"], &rows, plain(None), None),
            "CAMPAIGN          POSTS\n\
             春のキャンペーン  12\n\
             spring            3\n"
        );
    }

    #[test]
    fn a_table_too_wide_wraps_its_widest_text_column_at_words() {
        let rows = vec![
            vec![
                "err".to_string(),
                "%".to_string(),
                "Engagement rate by reach of the posts".to_string(),
            ],
            vec!["reach".to_string(), "".to_string(), "Reach".to_string()],
        ];
        let header = ["KPI", "UNIT", "TITLE"];
        // Unwrapped it is 49 columns; piped (no width) it stays whole.
        let whole = render(&header, &rows, plain(None), None);
        assert_eq!(
            whole.lines().next().map(str::len),
            Some("KPI    UNIT  TITLE".len())
        );
        assert!(whole.contains("Engagement rate by reach of the posts\n"));
        assert_eq!(render(&header, &rows, plain(Some(80)), None), whole);
        assert_eq!(
            render(&header, &rows, plain(Some(30)), None),
            "KPI    UNIT  TITLE\n\
             err    %     Engagement rate\n\
             \x20            by reach of the\n\
             \x20            posts\n\
             reach        Reach\n"
        );
        // Never narrower than the longest word: no word is cut.
        let narrow = render(&header, &rows, plain(Some(5)), None);
        assert!(narrow.contains("Engagement\n"), "{narrow}");
        assert!(narrow.lines().all(|l| !l.ends_with(' ')), "{narrow:?}");
    }

    #[test]
    fn colour_codes_take_no_room_and_the_status_column_is_not_wrapped() {
        let rows = vec![vec![
            "no_data".to_string(),
            "reach of the spring campaign posts".to_string(),
        ]];
        let style = Style {
            color: true,
            width: Some(30),
        };
        assert_eq!(
            render(&["STATUS", "GOAL"], &rows, style, Some(0)),
            "\x1b[1mSTATUS\x1b[0m   \x1b[1mGOAL\x1b[0m\n\
             \x1b[90mno_data\x1b[0m  reach of the spring\n\
             \x20        campaign posts\n"
        );
    }

    #[test]
    fn wrapping_breaks_between_words_only() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(
            wrap("averyveryverylongword x", 4),
            ["averyveryverylongword", "x"]
        );
        assert_eq!(wrap("", 4), [""]);
        assert_eq!(wrap("春の キャンペーン", 6), ["春の", "キャンペーン"]);
    }
}
