//! Currency symbols common to most languages (CLDR's English ones); a
//! language file's `[currencies]` (and a region's) gives those it writes
//! otherwise (`USD = "$US"` in French). A code in neither is written as a
//! code: `12.00 XYZ`.

/// ISO 4217 code → symbol. Codes whose symbol would be ambiguous across
/// countries are spelt so that a reader cannot take one for another
/// (`CA$`, `A$`, `CN¥`); Swiss francs have no symbol but their code.
const SYMBOLS: &[(&str, &str)] = &[
    ("AUD", "A$"),
    ("BRL", "R$"),
    ("CAD", "CA$"),
    ("CHF", "CHF"),
    ("CNY", "CN¥"),
    ("EUR", "€"),
    ("GBP", "£"),
    ("HKD", "HK$"),
    ("ILS", "₪"),
    ("INR", "₹"),
    ("JPY", "¥"),
    ("KRW", "₩"),
    ("KZT", "₸"),
    ("MXN", "MX$"),
    ("NZD", "NZ$"),
    ("PHP", "₱"),
    ("RUB", "₽"),
    ("UAH", "₴"),
    ("USD", "$"),
    ("VND", "₫"),
];

/// The common symbol of a currency code (upper case), if it has one.
pub fn symbol(code: &str) -> Option<&'static str> {
    SYMBOLS
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .ok()
        .map(|i| SYMBOLS[i].1)
}

/// The decimals a currency's amounts are written with: none for yen, won
/// and dong (they have no minor unit in use), two for the others.
pub fn decimals(code: &str) -> usize {
    match code.trim().to_ascii_uppercase().as_str() {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "HUF" => 0,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_its_search() {
        assert!(SYMBOLS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(symbol("EUR"), Some("€"));
        assert_eq!(symbol("XYZ"), None);
        assert_eq!(decimals("jpy"), 0);
        assert_eq!(decimals("EUR"), 2);
    }
}
