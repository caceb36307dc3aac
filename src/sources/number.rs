//! Numbers as exports write them. The fast path reads plain decimals without
//! a float parser; anything else goes through `str::parse`.
//!
//! The canonical reader calls [`parse_number`] on every metric cell of every
//! row, so the common shapes (an integer, a short decimal) are read eight
//! bytes at a time, without a loop whose exit depends on the cell's length
//! (a branch that real data, unlike a benchmark, keeps mispredicting).

/// Parses a plain number (`1234`, `-0.5`, `1.5e3`); `None` when it is not one
/// or not finite.
#[inline]
pub fn parse_number(cell: &[u8]) -> Option<f64> {
    match fast_decimal(cell) {
        Some(x) => Some(x),
        None => parse_slow(cell),
    }
}

/// Everything the fast path declines: surrounding whitespace (Unicode's, as
/// `str::trim` has it), exponents, long mantissas, `inf`/`nan`, junk. Apart
/// from the fast path so that its code stays out of the hot loop.
#[cold]
#[inline(never)]
fn parse_slow(cell: &[u8]) -> Option<f64> {
    // Blank cells are common and need no UTF-8 check nor float parser.
    if cell.is_empty() {
        return None;
    }
    let s = std::str::from_utf8(cell).ok()?.trim();
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A sign, then digits with at most one `.`, read when the result is sure to
/// be the correctly rounded one, i.e. what `str::parse` gives: the mantissa
/// is at most 2^53 and the power of ten at most 10^22, both exact in f64, so
/// one IEEE division rounds the exact quotient once (Clinger's fast path).
/// `None` sends the cell to the slow path, never to an error by itself.
#[inline(always)]
fn fast_decimal(b: &[u8]) -> Option<f64> {
    let (neg, digits) = match b {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, b),
    };
    let (mantissa, scale) = if digits.len() <= 8 {
        short_decimal(digits)?
    } else {
        long_decimal(digits)?
    };
    // Exact: the mantissa is at most 2^53 on both paths.
    let mut x = mantissa as f64;
    if scale != 0 {
        x /= POW10[scale];
    }
    // The sign bit set by hand: `x` is never negative here, and `-0` must
    // stay `-0.0` as `str::parse` reads it.
    Some(f64::from_bits(x.to_bits() | u64::from(neg) << 63))
}

/// Powers of ten exact in f64 (10^22 is the last).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// One to eight bytes of digits and at most one `.`, as one 64-bit word:
/// the mantissa and the count of digits after the dot. Every such mantissa
/// is below 10^8 and every scale below 8, so no range check is needed.
#[inline(always)]
fn short_decimal(b: &[u8]) -> Option<(u64, usize)> {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let n = b.len();
    if n == 0 {
        return None;
    }
    // Right-aligned with '0's in front, the last byte of the cell in the
    // highest byte of the word: "1252" reads as "00001252".
    let pad = (8 - n) * 8;
    let v = (load_le(b) << pad) | (ZEROS ^ (ZEROS << pad));
    // An integer, the commonest cell, is done here.
    if is_8digits(v) {
        return Some((u64::from(parse_8digits(v)), 0));
    }
    // Else a dot: the lowest zero byte of `v ^ '.'…` (the classic zero-byte
    // test is exact for the lowest hit), i.e. the first dot of the cell; the
    // bytes above it are the fraction.
    let x = v ^ 0x2E2E_2E2E_2E2E_2E2E;
    let dots = x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080;
    // `n < 2`: a lone "." has no digit, and `str::parse` rejects it.
    if dots == 0 || n < 2 {
        return None;
    }
    let k = (dots.trailing_zeros() / 8) as usize;
    // The dot taken out: the bytes below it move up one and a '0' comes in
    // at the bottom. Another dot stays and fails the digit test.
    let above = (u64::MAX << (k * 8)) << 8;
    let w = (v & above) | ((v << 8) & !above) | 0x30;
    if !is_8digits(w) {
        return None;
    }
    Some((u64::from(parse_8digits(w)), 7 - k))
}

/// Nine bytes or more: a plain loop. The mantissa may wrap on more than 19
/// digits, but such a cell is declined before its value is used.
#[inline]
fn long_decimal(b: &[u8]) -> Option<(u64, usize)> {
    let mut mantissa: u64 = 0;
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        mantissa = mantissa
            .wrapping_mul(10)
            .wrapping_add(u64::from(b[i] - b'0'));
        i += 1;
    }
    let int_digits = i;
    let mut scale = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            mantissa = mantissa
                .wrapping_mul(10)
                .wrapping_add(u64::from(b[i] - b'0'));
            i += 1;
        }
        scale = i - start;
    }
    let count = int_digits + scale;
    if i != b.len() || count == 0 || count > 19 || mantissa > 1 << 53 || scale > 22 {
        return None;
    }
    Some((mantissa, scale))
}

/// The bytes of `b` (1 to 8) in a little-endian word, zeros above, with two
/// overlapping loads instead of a byte loop or a `memcpy` call.
#[inline]
fn load_le(b: &[u8]) -> u64 {
    let n = b.len();
    if n >= 4 {
        let lo = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let hi = u32::from_le_bytes([b[n - 4], b[n - 3], b[n - 2], b[n - 1]]);
        // The overlapping bytes are the same in both halves.
        u64::from(lo) | u64::from(hi) << ((n - 4) * 8)
    } else if n > 0 {
        // Bytes 0, n/2 and n-1 cover one to three bytes, overlapping.
        u64::from(b[0]) | u64::from(b[n / 2]) << (n / 2 * 8) | u64::from(b[n - 1]) << ((n - 1) * 8)
    } else {
        0
    }
}

/// Whether all eight bytes are ASCII digits. Any other byte sets its own
/// high bit in one of the two terms; a digit never carries or borrows.
#[inline]
fn is_8digits(v: u64) -> bool {
    (v.wrapping_add(0x4646_4646_4646_4646) | v.wrapping_sub(0x3030_3030_3030_3030))
        & 0x8080_8080_8080_8080
        == 0
}

/// Eight ASCII digits, the first in the lowest byte, as their value: pairs,
/// then quadruples, then the whole, with three multiplications.
#[inline]
fn parse_8digits(mut v: u64) -> u32 {
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    const MUL1: u64 = 100 + (1_000_000 << 32);
    const MUL2: u64 = 1 + (10_000 << 32);
    v = v.wrapping_sub(0x3030_3030_3030_3030);
    v = v.wrapping_mul(10).wrapping_add(v >> 8);
    v = (v & MASK)
        .wrapping_mul(MUL1)
        .wrapping_add(((v >> 16) & MASK).wrapping_mul(MUL2))
        >> 32;
    v as u32
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The contract in one line: the trimmed text as `str::parse` reads it,
    /// finite.
    fn by_std(cell: &[u8]) -> Option<f64> {
        let s = std::str::from_utf8(cell).ok()?.trim();
        s.parse::<f64>().ok().filter(|x| x.is_finite())
    }

    /// The implementation before the word-at-a-time one, kept verbatim as the
    /// reference the new one must match bit for bit.
    mod before {
        pub fn parse_number(cell: &[u8]) -> Option<f64> {
            if let Some(x) = fast_decimal(cell) {
                return Some(x);
            }
            let s = std::str::from_utf8(cell).ok()?.trim();
            fast_decimal(s.as_bytes()).or_else(|| s.parse::<f64>().ok().filter(|x| x.is_finite()))
        }

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
                1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                1e15,
            ];
            let scale = if dot == usize::MAX {
                0
            } else {
                digits.len() - dot - 1
            };
            let x = mantissa as f64 / POW10[scale];
            Some(if neg { -x } else { x })
        }
    }

    /// Bit for bit (`-0.0` is not `0.0`) against both references.
    fn same(cell: &[u8]) -> Result<(), TestCaseError> {
        let got = parse_number(cell).map(f64::to_bits);
        let text = String::from_utf8_lossy(cell);
        prop_assert_eq!(
            got,
            before::parse_number(cell).map(f64::to_bits),
            "{:?}",
            text
        );
        prop_assert_eq!(got, by_std(cell).map(f64::to_bits), "{:?}", text);
        Ok(())
    }

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
            ("", None),
            ("-", None),
            ("+.", None),
            ("1.2.3", None),
            ("5.", Some(5.0)),
            (".5", Some(0.5)),
            ("12345678", Some(12345678.0)),
            ("1234567.8", Some(1234567.8)),
            ("9007199254740993", Some(9007199254740992.0)),
            ("\u{a0}42\u{3000}", Some(42.0)),
        ];
        for (s, want) in cases {
            assert_eq!(parse_number(s.as_bytes()), *want, "{s}");
        }
        assert_eq!(
            parse_number(b"-0").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        // The fast path agrees with the correctly rounded parser.
        for s in ["39.99", "0.07", "123456.789", "3.3333333"] {
            assert_eq!(parse_number(s.as_bytes()), s.parse().ok(), "{s}");
        }
    }

    /// Every string of up to six symbols of an alphabet of the bytes that
    /// matter (digits at both ends of the range, the dot, both signs, an
    /// exponent, a space, and the bytes just outside '0'..='9'), and every
    /// one of seven to nine symbols of a smaller one: every position of a
    /// dot and a sign in and around the eight-byte word.
    #[test]
    fn every_short_string() {
        fn all(alphabet: &[u8], lengths: std::ops::RangeInclusive<u32>) {
            let mut cell = Vec::new();
            for len in lengths {
                for mut code in 0..alphabet.len().pow(len) {
                    cell.clear();
                    for _ in 0..len {
                        cell.push(alphabet[code % alphabet.len()]);
                        code /= alphabet.len();
                    }
                    if let Err(e) = same(&cell) {
                        panic!("{e}");
                    }
                }
            }
        }
        all(b"019.-+e /:", 0..=6);
        all(b"05.-", 7..=9);
        all(b"90.", 10..=12);
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: crate::prop_config().cases.max(2048),
            ..crate::prop_config()
        })]

        #[test]
        fn decimals_as_before(
            sign in "[-+]?",
            int in "[0-9]{0,22}",
            frac in prop::option::of("[0-9]{0,22}"),
            exp in prop::option::of("[eE][-+]?[0-9]{1,3}"),
            pad in prop::sample::select(&["", " ", "\t", "\u{a0}", "\u{3000}", "\n"][..]),
        ) {
            let mut cell = format!("{sign}{int}");
            if let Some(f) = frac {
                cell.push('.');
                cell.push_str(&f);
            }
            if let Some(e) = exp {
                cell.push_str(&e);
            }
            same(cell.as_bytes())?;
            same(format!("{pad}{cell}{pad}").as_bytes())?;
            same(format!("{pad}{cell}").as_bytes())?;
        }

        #[test]
        fn integers_and_floats_as_before(i in any::<i64>(), u in any::<u64>(), x in any::<f64>(), digits in 0usize..12) {
            same(i.to_string().as_bytes())?;
            same(u.to_string().as_bytes())?;
            same(x.to_string().as_bytes())?;
            same(format!("{x:e}").as_bytes())?;
            same(format!("{x:.digits$}").as_bytes())?;
            // The shapes of export cells: a small count, a short decimal.
            same((u % 100_000_000).to_string().as_bytes())?;
            same(format!("{}.{:0digits$}", i % 1_000_000, u % 10u64.pow(digits as u32)).as_bytes())?;
        }

        #[test]
        fn junk_as_before(cell in "[-+0-9.eE ,_xa\u{a0}é]{0,24}") {
            same(cell.as_bytes())?;
        }

        #[test]
        fn bytes_as_before(cell in prop::collection::vec(any::<u8>(), 0..24)) {
            same(&cell)?;
        }
    }
}
