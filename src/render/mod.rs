//! Rendering results: terminal tables, JSON (versioned, DESIGN §7), CSV,
//! Markdown and HTML (goal results and the periodic report); and
//! writing them atomically, so that a failed run leaves no half-written file.

pub mod changes;
pub mod check;
pub mod chromium;
pub mod email;
pub mod errors;
pub mod eval;
pub mod html;
pub mod junit;
pub mod markdown;
pub mod meta;
pub mod mime;
pub mod output;
pub mod page;
pub mod panel_svg;
pub mod people;
pub mod png;
pub mod report;
pub mod report_json;
pub mod schema;
pub mod svg;
pub mod table;

pub use output::{write_output, write_with};

/// `2 goals`, or with goals checked in each period `13 goals, 24 results`.
pub fn goals_counted(results: &[crate::goals::GoalResult]) -> String {
    let ids: std::collections::BTreeSet<&str> =
        results.iter().map(|r| r.goal.id.as_str()).collect();
    let goals = count(ids.len(), "goal", "goals");
    if ids.len() == results.len() {
        goals
    } else {
        format!("{goals}, {}", count(results.len(), "result", "results"))
    }
}

/// A CSV cell as a spreadsheet may open it safely. A text cell starting
/// with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
/// spreadsheets skip before looking) is read as a formula by Excel and its
/// kin: a post title or campaign name from an export, `=HYPERLINK(...)`,
/// would run when the CSV is opened. As OWASP recommends for CSV, such a
/// cell gets a leading `'`, which spreadsheets show as text. A number
/// (`-12.5`, `+3`, `-1e-3`) is left as it is, to stay a number.
pub fn csv_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell
        .as_bytes()
        .first()
        .is_some_and(|b| matches!(b, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
    // Checked only for a risky first byte: a large eval writes millions of
    // cells, nearly all of them safe.
    let number = || {
        cell.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
            && cell.parse::<f64>().is_ok()
    };
    if risky && !number() {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// `1 goal`, `2 goals`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_are_text() {
        for (cell, shown) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("-inf", "'-inf"),
            ("-12.5", "-12.5"),
            ("+3", "+3"),
            ("-1e-3", "-1e-3"),
            ("12", "12"),
            ("spring sale", "spring sale"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(cell), shown, "{cell:?}");
        }
    }
}
