//! Aligned text tables for the terminal, with optional colour.

/// Colours by status word; `None` leaves text plain.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
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

/// Renders rows under a header, each column as wide as its widest cell. The
/// first column may be coloured by `status_of(row)`.
pub fn render(
    header: &[&str],
    rows: &[Vec<String>],
    style: Style,
    status_col: Option<usize>,
) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<String>, out: &mut String| {
        let last = cells.len() - 1;
        for (i, c) in cells.into_iter().enumerate() {
            out.push_str(&c);
            if i < last {
                out.push_str(&" ".repeat(widths[i] - strip_ansi_len(&c) + 2));
            }
        }
        out.push('\n');
    };
    line(
        header.iter().map(|h| style.paint(h, "bold")).collect(),
        &mut out,
    );
    for r in rows {
        let cells = r
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
        line(cells, &mut out);
    }
    out
}

fn strip_ansi_len(s: &str) -> usize {
    let mut n = 0;
    let mut in_esc = false;
    for c in s.chars() {
        match (in_esc, c) {
            (false, '\x1b') => in_esc = true,
            (true, 'm') => in_esc = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}
