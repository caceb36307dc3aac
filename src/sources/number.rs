//! Numbers as exports write them. The fast path reads plain decimals without
//! a float parser; anything else goes through `str::parse`.

/// Parses a plain number (`1234`, `-0.5`, `1.5e3`); `None` when it is not one
/// or not finite.
pub fn parse_number(cell: &[u8]) -> Option<f64> {
    if let Some(x) = fast_decimal(cell) {
        return Some(x);
    }
    let s = std::str::from_utf8(cell).ok()?.trim();
    fast_decimal(s.as_bytes()).or_else(|| s.parse::<f64>().ok().filter(|x| x.is_finite()))
}

/// Digits with at most one `.` and 15 significant digits: the mantissa and
/// the power of ten are exact in f64, so one division is correctly rounded.
#[inline]
fn fast_decimal(b: &[u8]) -> Option<f64> {
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut dot = usize::MAX;
    for (i, &c) in digits.iter().enumerate() {
        let d = c.wrapping_sub(b'0');
        if d < 10 {
            mantissa = mantissa * 10 + d as u64;
        } else if c == b'.' && dot == usize::MAX {
            dot = i;
        } else {
            return None;
        }
    }
    let count = digits.len() - usize::from(dot != usize::MAX);
    if count == 0 || count > 15 {
        return None;
    }
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let scale = if dot == usize::MAX {
        0
    } else {
        digits.len() - dot - 1
    };
    let x = mantissa as f64 / POW10[scale];
    Some(if neg { -x } else { x })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        let cases: &[(&str, Option<f64>)] = &[
            ("1234", Some(1234.0)),
            ("-0.5", Some(-0.5)),
            ("12.34", Some(12.34)),
            (" 7 ", Some(7.0)),
            ("1.5e3", Some(1500.0)),
            ("0.1", Some(0.1)),
            ("abc", None),
            ("1,234", None),
            ("inf", None),
            ("NaN", None),
            (".", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_number(s.as_bytes()), *want, "{s}");
        }
        // The fast path agrees with the correctly rounded parser.
        for s in ["39.99", "0.07", "123456.789", "3.3333333"] {
            assert_eq!(parse_number(s.as_bytes()), s.parse().ok(), "{s}");
        }
    }
}
