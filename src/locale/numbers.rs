//! A language's (and region's) way of writing numbers: the decimal mark,
//! the grouping of thousands, the signs, and where `%` and a currency go.
//! Only finite numbers are written: NaN and infinities become
//! [`super::NO_VALUE`], and what rounds to zero is written without a sign.
//! Rounding is Rust's formatting's, as `goals::condition::shown_as` judges
//! a value by it: a status never contradicts the number shown beside it.

use super::pattern::fill;
use super::raw::RawNumbers;

/// The number conventions of one locale, complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbers {
    pub decimal: String,
    pub group: String,
    pub min_grouping: usize,
    pub minus: String,
    pub plus: String,
    pub percent: String,
    pub currency: String,
    pub currency_code: String,
}

/// Whether a positive number gets its `+`: changes do, values do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    /// Only negative numbers have a sign.
    Negative,
    /// Changes: `+5.1%`, `−3.2%`, and `0%` with no sign.
    Always,
}

/// A number cut into what the patterns need: its sign (or none, for what
/// is shown as zero) and its digits in the locale's marks.
struct Digits {
    sign: &'static str,
    body: String,
}

impl Numbers {
    /// `patch` (a region's table) over `base` (its language's); every
    /// field must then be given, and the patterns hold their placeholders.
    pub fn resolve(base: &RawNumbers, patch: &RawNumbers) -> Result<Numbers, String> {
        fn pick<T: Clone>(patch: &Option<T>, base: &Option<T>, key: &str) -> Result<T, String> {
            patch
                .clone()
                .or_else(|| base.clone())
                .ok_or_else(|| format!("[numbers] lacks `{key}`"))
        }
        let n = Numbers {
            decimal: pick(&patch.decimal, &base.decimal, "decimal")?,
            group: pick(&patch.group, &base.group, "group")?,
            min_grouping: pick(&patch.min_grouping, &base.min_grouping, "min_grouping")?,
            minus: pick(&patch.minus, &base.minus, "minus")?,
            plus: pick(&patch.plus, &base.plus, "plus")?,
            percent: pick(&patch.percent, &base.percent, "percent")?,
            currency: pick(&patch.currency, &base.currency, "currency")?,
            currency_code: pick(&patch.currency_code, &base.currency_code, "currency_code")?,
        };
        for (key, pattern, needs) in [
            ("percent", &n.percent, &["n"][..]),
            ("currency", &n.currency, &["n", "symbol"][..]),
            ("currency_code", &n.currency_code, &["n", "code"][..]),
        ] {
            for p in needs {
                if !pattern.contains(&format!("{{{p}}}")) {
                    return Err(format!("[numbers] `{key} = \"{pattern}\"` lacks `{{{p}}}`"));
                }
            }
        }
        if n.decimal.is_empty() || n.decimal == n.group {
            return Err(
                "[numbers] `decimal` must be a mark of its own, not empty nor the `group` one"
                    .into(),
            );
        }
        if n.min_grouping == 0 {
            return Err("[numbers] `min_grouping` is at least 1".into());
        }
        Ok(n)
    }

    /// `x` with exactly `decimals` decimals, or up to `decimals` with
    /// trailing zeros dropped (`trim`); `None` for NaN and infinities.
    fn digits(&self, x: f64, decimals: usize, trim: bool, sign: Sign) -> Option<Digits> {
        if !x.is_finite() {
            return None;
        }
        let text = format!("{:.decimals$}", x.abs());
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) if trim => (i, f.trim_end_matches('0')),
            Some((i, f)) => (i, f),
            None => (text.as_str(), ""),
        };
        // The sign follows the number as shown: -0.001 at two decimals is
        // "0.00", not "-0.00", and a change that rounds to zero claims no rise.
        let zero = int.bytes().chain(frac.bytes()).all(|b| b == b'0');
        let sign = match (zero, x < 0.0, sign) {
            (true, _, _) => "",
            (false, true, _) => "-",
            (false, false, Sign::Always) => "+",
            (false, false, Sign::Negative) => "",
        };
        let mut body = String::with_capacity(int.len() * 2 + frac.len() + 2);
        let grouped = int.len() >= 3 + self.min_grouping;
        for (i, c) in int.chars().enumerate() {
            if grouped && i > 0 && (int.len() - i) % 3 == 0 {
                body.push_str(&self.group);
            }
            body.push(c);
        }
        if !frac.is_empty() {
            body.push_str(&self.decimal);
            body.push_str(frac);
        }
        Some(Digits { sign, body })
    }

    /// The sign as this locale writes it.
    fn sign(&self, d: &Digits) -> &str {
        match d.sign {
            "-" => &self.minus,
            "+" => &self.plus,
            _ => "",
        }
    }

    pub fn number(&self, x: f64, decimals: usize, trim: bool, sign: Sign) -> Option<String> {
        let d = self.digits(x, decimals, trim, sign)?;
        Some(format!("{}{}", self.sign(&d), d.body))
    }

    pub fn percent(&self, x: f64, decimals: usize, trim: bool, sign: Sign) -> Option<String> {
        let d = self.digits(x, decimals, trim, sign)?;
        Some(format!(
            "{}{}",
            self.sign(&d),
            fill(&self.percent, &[("n", &d.body)])
        ))
    }

    /// With `symbol` when the currency has one, else with its code. The
    /// sign goes first, before a leading symbol too (`−€1.20`).
    pub fn money(
        &self,
        x: f64,
        symbol: Option<&str>,
        code: &str,
        decimals: usize,
        sign: Sign,
    ) -> Option<String> {
        let d = self.digits(x, decimals, false, sign)?;
        let text = match symbol {
            Some(s) => fill(&spaced(&self.currency, s), &[("n", &d.body), ("symbol", s)]),
            None => fill(&self.currency_code, &[("n", &d.body), ("code", code)]),
        };
        Some(format!("{}{text}", self.sign(&d)))
    }
}

/// A currency pattern that puts a symbol made of letters (`CHF`) right
/// against the number gets a no-break space between them, as CLDR's
/// currency spacing does: `CHF 12.00`, but `€12.00` and `CA$12.00`.
fn spaced(pattern: &str, symbol: &str) -> String {
    let letter = |c: Option<char>| c.is_some_and(char::is_alphabetic);
    if letter(symbol.chars().last()) {
        pattern.replace("{symbol}{n}", "{symbol}\u{A0}{n}")
    } else if letter(symbol.chars().next()) {
        pattern.replace("{n}{symbol}", "{n}\u{A0}{symbol}")
    } else {
        pattern.to_string()
    }
}
