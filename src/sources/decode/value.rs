//! Cell values as exports write them: numbers with thousands separators,
//! suffixes and percent signs, missing markers, and durations.

/// How a plugin reads its numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumberStyle {
    /// `1,5` and `1,234` both read with a decimal comma.
    pub decimal_comma: bool,
    /// `12.5%` reads as 0.125 (true) or 12.5.
    pub percent_fraction: bool,
}

impl Default for NumberStyle {
    fn default() -> Self {
        NumberStyle {
            decimal_comma: false,
            percent_fraction: true,
        }
    }
}

/// A cell that holds text where a number (or duration) was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotANumber;

/// Cells that mean "no value" (not zero).
pub fn is_missing(cell: &str) -> bool {
    let t = cell.trim();
    t.is_empty()
        || matches!(t, "-" | "--" | "—" | "–")
        || ["na", "n/a", "null", "undefined", "none", "nan", "#n/a"]
            .iter()
            .any(|m| t.eq_ignore_ascii_case(m))
}

/// A number, `Ok(None)` for a missing marker, `Err` when the cell is text.
pub fn parse_value(cell: &str, style: NumberStyle) -> Result<Option<f64>, NotANumber> {
    if is_missing(cell) {
        return Ok(None);
    }
    let mut t = cell.trim();
    // With a decimal comma, a dot groups thousands (`1.234` is 1234): the
    // plain parser, which reads it as a decimal point, is only for cells
    // without one.
    if !(style.decimal_comma && t.contains('.'))
        && let Some(x) = super::super::number::parse_number(t.as_bytes())
    {
        return Ok(Some(x));
    }
    if !style.decimal_comma
        && let Some(x) = grouped_integer(t)
    {
        return Ok(Some(x));
    }
    let mut sign = 1.0;
    if let Some(inner) = t.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
        sign = -1.0;
        t = inner.trim();
    }
    if let Some(rest) = t.strip_prefix('-').or_else(|| t.strip_prefix('−')) {
        sign = -sign;
        t = rest.trim_start();
    } else if let Some(rest) = t.strip_prefix('+') {
        t = rest.trim_start();
    }
    t = t.trim_matches(|c: char| "$€£¥₽₹".contains(c) || c.is_whitespace());
    let mut scale = 1.0;
    if let Some(rest) = t.strip_suffix('%') {
        t = rest.trim_end();
        if style.percent_fraction {
            scale = 0.01;
        }
    } else if let Some(last) = t.chars().last() {
        let suffix = match last {
            'k' | 'K' => 1e3,
            'm' | 'M' => 1e6,
            'b' | 'B' => 1e9,
            _ => 1.0,
        };
        // `last` is ASCII when it is a suffix, so slicing it off is safe.
        if suffix != 1.0 {
            let rest = &t[..t.len() - 1];
            if rest.chars().last().is_some_and(|c| c.is_ascii_digit()) {
                scale = suffix;
                t = rest;
            }
        }
    }
    let digits: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\''))
        .collect();
    let plain = normalise_separators(&digits, style.decimal_comma).ok_or(NotANumber)?;
    let x: f64 = plain.parse().map_err(|_| NotANumber)?;
    // Checked after the suffix's scale: `1e308K` overflows only then.
    let x = sign * x * scale;
    if !x.is_finite() {
        return Err(NotANumber);
    }
    Ok(Some(x))
}

/// `12,345` and `1,234,567`, the commonest export number that is not plain,
/// read without allocating.
fn grouped_integer(t: &str) -> Option<f64> {
    let b = t.as_bytes();
    let first = b.iter().position(|&c| c == b',')?;
    if first == 0 || first > 3 || !(b.len() - first).is_multiple_of(4) {
        return None;
    }
    let mut n: u64 = 0;
    for (i, &c) in b.iter().enumerate() {
        let comma_here = i >= first && (i - first) % 4 == 0;
        match (comma_here, c) {
            (true, b',') => {}
            (false, b'0'..=b'9') => n = n.checked_mul(10)?.checked_add(u64::from(c - b'0'))?,
            _ => return None,
        }
    }
    // A leading 0 (`0,125`) is a decimal comma, not a thousands separator.
    (b[0] != b'0').then_some(n as f64)
}

/// Rewrites `1,234.5`, `1.234,5`, `1,5` and `1.234.567` to `str::parse`'s form.
fn normalise_separators(s: &str, decimal_comma: bool) -> Option<String> {
    let commas = s.matches(',').count();
    let dots = s.matches('.').count();
    let three_digit_groups = |sep: char| {
        let mut parts = s.split(sep);
        let first = parts.next().unwrap_or("");
        !first.is_empty()
            && first.len() <= 3
            && first != "0"
            && parts.all(|p| p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
    };
    Some(match (commas, dots) {
        // `1.234` where the comma is the decimal mark: one group of thousands.
        (0, _) if decimal_comma && three_digit_groups('.') => s.replace('.', ""),
        (0, 0) | (0, 1) => s.to_string(),
        (_, 0) if decimal_comma && commas == 1 => s.replace(',', "."),
        (_, 0) if three_digit_groups(',') => s.replace(',', ""),
        (1, 0) => s.replace(',', "."),
        (0, _) if three_digit_groups('.') => s.replace('.', ""),
        _ => {
            let last_comma = s.rfind(',')?;
            let last_dot = s.rfind('.')?;
            if last_dot > last_comma && dots == 1 {
                s.replace(',', "")
            } else if last_comma > last_dot && commas == 1 {
                s.replace('.', "").replace(',', ".")
            } else {
                return None;
            }
        }
    })
}

/// A duration in seconds: `00:03:25`, `3:25` (minutes:seconds), `1:02:03.5`,
/// or a plain number of seconds. `Ok(None)` for a missing marker.
pub fn parse_duration(cell: &str) -> Result<Option<f64>, NotANumber> {
    if is_missing(cell) {
        return Ok(None);
    }
    let t = cell.trim();
    if !t.contains(':') {
        return parse_value(t, NumberStyle::default());
    }
    let parts: Vec<&str> = t.split(':').collect();
    if parts.len() > 3 {
        return Err(NotANumber);
    }
    let mut seconds = 0.0;
    for p in &parts {
        let x: f64 = p.trim().parse().map_err(|_| NotANumber)?;
        // `str::parse` reads `inf` and `NaN`, which no clock shows; and
        // `!(x >= 0)` refuses a NaN where `x < 0` would let it through.
        if !(x >= 0.0 && x.is_finite()) {
            return Err(NotANumber);
        }
        seconds = seconds * 60.0 + x;
    }
    // Parts that are each finite can still add up past f64 (`1e308:0`).
    if !seconds.is_finite() {
        return Err(NotANumber);
    }
    Ok(Some(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_exports_write_them() {
        let us = NumberStyle::default();
        let fr = NumberStyle {
            decimal_comma: true,
            percent_fraction: true,
        };
        let pct = NumberStyle {
            decimal_comma: false,
            percent_fraction: false,
        };
        for (cell, style, want) in [
            ("1234", us, Some(1234.0)),
            ("1938.0", us, Some(1938.0)),
            ("1,234", us, Some(1234.0)),
            ("12,400", us, Some(12400.0)),
            ("1,234,567.5", us, Some(1234567.5)),
            ("1 234,56", us, Some(1234.56)),
            ("1\u{a0}234,56", us, Some(1234.56)),
            ("1.234,56", us, Some(1234.56)),
            ("1.234.567", us, Some(1234567.0)),
            ("1,5", us, Some(1.5)),
            ("0,125", us, Some(0.125)),
            ("1,234", fr, Some(1.234)),
            // A dot groups thousands where the comma is the decimal mark.
            ("1.000", fr, Some(1000.0)),
            ("1.234", fr, Some(1234.0)),
            ("12.345.678", fr, Some(12_345_678.0)),
            ("1.5", fr, Some(1.5)),
            ("0.125", fr, Some(0.125)),
            ("1.2345", fr, Some(1.2345)),
            ("1.2K", us, Some(1200.0)),
            ("3.5M", us, Some(3_500_000.0)),
            ("2B", us, Some(2e9)),
            ("$123", us, Some(123.0)),
            ("€1.50", us, Some(1.5)),
            ("(12)", us, Some(-12.0)),
            ("-7", us, Some(-7.0)),
            ("12.5%", us, Some(0.125)),
            ("38%", pct, Some(38.0)),
            ("1.22158E+17", us, Some(1.22158e17)),
            ("-", us, None),
            ("N/A", us, None),
            ("undefined", us, None),
            ("", us, None),
        ] {
            assert_eq!(parse_value(cell, style), Ok(want), "{cell}");
        }
        for bad in [
            "abc",
            "1,2,3",
            "12 apples",
            "Lifetime",
            "Soldes d’été",
            "28 апреля",
            // Finite as written, not once the suffix has scaled it.
            "1e308K",
            "-1.7e308B",
        ] {
            assert_eq!(parse_value(bad, us), Err(NotANumber), "{bad}");
        }
    }

    #[test]
    fn durations() {
        for (cell, want) in [
            ("00:03:25", Some(205.0)),
            ("3:25", Some(205.0)),
            ("0:12", Some(12.0)),
            ("1:02:03.5", Some(3723.5)),
            ("42", Some(42.0)),
            ("-", None),
        ] {
            assert_eq!(parse_duration(cell), Ok(want), "{cell}");
        }
        assert_eq!(parse_duration("a:b"), Err(NotANumber));
        // Not finite, in a part or in the sum: no duration, not `inf`.
        for bad in [
            "infinity:0",
            "0:inf",
            "NaN:1",
            "1:nan",
            "1e308:0:0",
            "-0:-1",
        ] {
            assert_eq!(parse_duration(bad), Err(NotANumber), "{bad}");
        }
    }
}
