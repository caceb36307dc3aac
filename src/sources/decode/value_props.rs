//! Property tests of cell numbers: [`parse_value`], [`parse_duration`] and
//! [`parse_number`] on arbitrary cells never panic and never give a value
//! that is not finite; `parse_number` agrees with `str::parse::<f64>` on
//! plain decimals; an integer written with thousands separators reads back
//! as that integer.
//!
//! `PROPTEST_CASES` raises the number of cases (64 by default).

use proptest::prelude::*;

use super::value::{NumberStyle, parse_duration, parse_value};
use crate::sources::number::parse_number;

fn styles() -> impl Strategy<Value = NumberStyle> {
    (any::<bool>(), any::<bool>()).prop_map(|(decimal_comma, percent_fraction)| NumberStyle {
        decimal_comma,
        percent_fraction,
    })
}

/// Cells made of what numbers are made of, and of what is near them.
fn cells() -> impl Strategy<Value = String> {
    prop_oneof![
        "[-+(]?[$€]?[0-9]{0,4}([,. \u{a0}'][0-9]{0,4}){0,4}[%kKmMbB)]?",
        "[-+]?[0-9]{1,3}(\\.[0-9]*)?[eE][-+]?[0-9]{1,4}[%kKmMbB]?",
        "[-+0-9.,:eE ]{0,24}",
        "[0-9]{0,3}(:[-+0-9.eE]{0,6}){0,4}",
        "(nan|NaN|inf|-inf|infinity|1e308|1e309|-1e308)[:%kKmMbB]?(:?[0-9e.]{0,5})",
        any::<f64>().prop_map(|x| x.to_string()),
        any::<f64>().prop_map(|x| format!("{x:e}")),
        "\\PC{0,16}",
    ]
}

fn finite(x: Result<Option<f64>, super::value::NotANumber>, what: &str) {
    if let Ok(Some(x)) = x {
        assert!(x.is_finite(), "{what}: {x}");
    }
}

/// `n` written with `sep` between groups of three digits.
fn grouped(n: u64, sep: &str) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

proptest! {
    #![proptest_config(crate::prop_config())]

    #[test]
    fn arbitrary_cells_give_finite_values(cell in cells(), style in styles()) {
        finite(parse_value(&cell, style), &cell);
        finite(parse_duration(&cell), &cell);
        if let Some(x) = parse_number(cell.as_bytes()) {
            prop_assert!(x.is_finite(), "{cell}: {x}");
        }
    }

    #[test]
    fn arbitrary_bytes_give_finite_numbers(bytes in prop::collection::vec(any::<u8>(), 0..32)) {
        if let Some(x) = parse_number(&bytes) {
            prop_assert!(x.is_finite(), "{bytes:?}: {x}");
        }
    }

    #[test]
    fn plain_decimals_read_as_str_parse_does(
        cell in "[-+]?[0-9]{0,20}(\\.[0-9]{0,20})?([eE][-+]?[0-9]{1,3})?",
        pad in "[ \t]{0,2}",
    ) {
        let want = cell.parse::<f64>().ok().filter(|x| x.is_finite());
        let got = parse_number(cell.as_bytes());
        // Bit for bit: -0 is -0, and the fast path rounds as the parser does.
        prop_assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{}", cell);
        let padded = format!("{pad}{cell}{pad}");
        prop_assert_eq!(parse_number(padded.as_bytes()).map(f64::to_bits), want.map(f64::to_bits), "{:?}", padded);
    }

    #[test]
    fn grouped_integers_read_back(
        n in prop_oneof![0..10_000u64, 0..1_000_000_000_000_000u64 / 1000],
        sep in prop::sample::select(&[",", " ", "\u{a0}", "\u{202f}", "'", "."][..]),
        decimal_comma in any::<bool>(),
        percent_fraction in any::<bool>(),
    ) {
        // A dot groups digits only where the comma is the decimal mark, and
        // a comma only where it is not.
        let decimal_comma = match sep {
            "." => true,
            "," => false,
            _ => decimal_comma,
        };
        let cell = grouped(n, sep);
        let style = NumberStyle { decimal_comma, percent_fraction };
        prop_assert_eq!(parse_value(&cell, style), Ok(Some(n as f64)), "{:?} {:?}", cell, style);
        // With the decimals the other mark.
        let with_decimals = format!("{cell}{}25", if decimal_comma { ',' } else { '.' });
        prop_assert_eq!(
            parse_value(&with_decimals, style),
            Ok(Some(n as f64 + 0.25)),
            "{:?} {:?}", with_decimals, style
        );
    }
}
