//! Words for people: the stage that turns the report's numbers, periods,
//! network ids and KPI names into what a client reads, in the workspace's
//! language (`[workspace] locale = "fr-FR"`).
//!
//! A language is one file of `locales/` (embedded at build time): its
//! number conventions, its date words and patterns, its currency symbols,
//! regional variants of these, and its messages. A message missing from a
//! language is taken from English, so a new language can start small.
//!
//! ```
//! use kpiscope::locale::Locale;
//! let fr = Locale::parse("fr-FR").unwrap();
//! assert_eq!(fr.money(0.57, "EUR", 2), "0,57\u{a0}€");
//! assert_eq!(fr.number(1234.5, 1), "1\u{202f}234,5");
//! let us = Locale::parse("en-US").unwrap();
//! assert_eq!(us.money(-1.2, "EUR", 2), "\u{2212}€1.20");
//! ```

pub mod catalog;
pub mod currency;
pub mod dates;
pub mod error;
pub mod language;
pub mod networks;
pub mod numbers;
pub mod pattern;
pub mod plural;
pub mod raw;
pub mod tag;
pub mod titles;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::aggregate::period::{Calendar, Day, Period};

pub use error::LocaleError;
pub use titles::title_of;

use language::{Conventions, FALLBACK, Language};
use numbers::Sign;
use tag::Tag;

/// What a number that is not one (NaN, an infinity) is shown as: the
/// report's mark for "no value", never `NaN` or `inf`.
pub const NO_VALUE: &str = "—";

/// The tag of a workspace that names no locale.
pub const DEFAULT: &str = "en-US";

/// A language and region: how numbers, money, periods and the report's
/// words are written. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Locale {
    language: Arc<Language>,
    /// English, where the language lacks a message.
    fallback: Arc<Language>,
    region: String,
    conventions: Arc<Conventions>,
}

impl Default for Locale {
    /// `en-US`.
    fn default() -> Locale {
        // The English file is embedded and checked by the tests: it loads.
        Locale::parse(DEFAULT).unwrap_or_else(|e| panic!("the built-in locale {DEFAULT}: {e}"))
    }
}

impl Locale {
    /// The locale of a tag such as `fr-FR`. An unknown language is an
    /// error listing the known ones; a known language with a region it has
    /// no conventions for gets the language's default region (`fr-BE` is
    /// written as `fr-FR`): close enough to read, and not worth stopping a
    /// report for.
    pub fn parse(tag: &str) -> Result<Locale, LocaleError> {
        let t = Tag::parse(tag)?;
        let Some(language) = language::find(&t.language)? else {
            return Err(LocaleError::UnknownLanguage {
                tag: tag.trim().to_string(),
                language: t.language,
                known: known()?,
            });
        };
        let fallback = match language::find(FALLBACK)? {
            Some(en) => en,
            None => language.clone(),
        };
        let region = match t.region {
            Some(r) if language.has_region(&r) => r,
            _ => language.default_region.clone(),
        };
        let conventions = language
            .conventions(&region)
            .map_err(|message| LocaleError::File {
                file: format!("{}.toml", language.code),
                message,
            })?;
        Ok(Locale {
            language,
            fallback,
            region,
            conventions: Arc::new(conventions),
        })
    }

    /// The tag this locale writes by: `fr-FR` (for `fr`, and for `fr-BE`
    /// when the French file has no Belgian conventions).
    pub fn tag(&self) -> String {
        format!("{}-{}", self.language.code, self.region)
    }

    /// The language code alone, for `<html lang="fr">`.
    pub fn language(&self) -> &str {
        &self.language.code
    }

    /// The language's name in itself: `français`.
    pub fn language_name(&self) -> &str {
        &self.language.name
    }

    // ---- numbers -------------------------------------------------------

    fn n(&self) -> &numbers::Numbers {
        &self.conventions.numbers
    }

    /// `x` with exactly `decimals` decimals: `1,234.5` / `1 234,5`.
    pub fn number(&self, x: f64, decimals: usize) -> String {
        or_none(self.n().number(x, decimals, false, Sign::Negative))
    }

    /// `x` with at most `decimals` decimals, trailing zeros dropped:
    /// `0.58`, `2`, `7.9`.
    pub fn number_up_to(&self, x: f64, decimals: usize) -> String {
        or_none(self.n().number(x, decimals, true, Sign::Negative))
    }

    /// A whole count, rounded and grouped: `224,362` / `224 362`.
    pub fn count(&self, x: f64) -> String {
        self.number(x, 0)
    }

    /// A percentage, `x` being in percent already (12.5 for 12.5%):
    /// `12.5%` / `12,5 %`.
    pub fn percent(&self, x: f64, decimals: usize) -> String {
        or_none(self.n().percent(x, decimals, false, Sign::Negative))
    }

    /// [`Locale::percent`] with at most `decimals` decimals: `7.92%`, `10%`.
    pub fn percent_up_to(&self, x: f64, decimals: usize) -> String {
        or_none(self.n().percent(x, decimals, true, Sign::Negative))
    }

    /// An amount of `currency` (an ISO 4217 code): `€0.57` / `0,57 €`,
    /// `−€1.20`; a code without a symbol as a code, `12.00 XYZ`. Always
    /// `decimals` decimals ([`currency::decimals`] gives the usual ones).
    pub fn money(&self, x: f64, currency: &str, decimals: usize) -> String {
        self.money_signed(x, currency, decimals, Sign::Negative)
    }

    /// A change with its sign: `+1,583`, `−20`, and `0` with none.
    pub fn signed_count(&self, x: f64) -> String {
        or_none(self.n().number(x, 0, false, Sign::Always))
    }

    /// A change with its sign and exactly `decimals` decimals: `+0.50`.
    pub fn signed_number(&self, x: f64, decimals: usize) -> String {
        or_none(self.n().number(x, decimals, false, Sign::Always))
    }

    /// A change with its sign and at most `decimals` decimals: `+9.09`, `−2`.
    pub fn signed_number_up_to(&self, x: f64, decimals: usize) -> String {
        or_none(self.n().number(x, decimals, true, Sign::Always))
    }

    /// A change in percent with its sign: `+5.1%`, `−3.2%`, `0.0%` for
    /// what rounds to zero (no rise or fall is claimed that is not shown).
    pub fn signed_percent(&self, x: f64, decimals: usize) -> String {
        or_none(self.n().percent(x, decimals, false, Sign::Always))
    }

    /// [`Locale::signed_percent`] with at most `decimals` decimals: `+10%`.
    pub fn signed_percent_up_to(&self, x: f64, decimals: usize) -> String {
        or_none(self.n().percent(x, decimals, true, Sign::Always))
    }

    /// A change of an amount with its sign: `+€0.05`, `−0,05 €`.
    pub fn signed_money(&self, x: f64, currency: &str, decimals: usize) -> String {
        self.money_signed(x, currency, decimals, Sign::Always)
    }

    fn money_signed(&self, x: f64, currency: &str, decimals: usize, sign: Sign) -> String {
        let code = currency.trim().to_ascii_uppercase();
        if code.is_empty() {
            return or_none(self.n().number(x, decimals, false, sign));
        }
        let symbol = self
            .conventions
            .currencies
            .get(&code)
            .map(String::as_str)
            .or_else(|| currency::symbol(&code));
        or_none(self.n().money(x, symbol, &code, decimals, sign))
    }

    /// A KPI's value in its unit (a KPI doc comment's `unit:`), as the
    /// report shows values: `7.92%`, `12 s`, `€0.54` (with `currency`, at
    /// exactly `decimals` decimals), `8,800`, `1.5`; at most `decimals`
    /// decimals but for money.
    pub fn value(&self, x: f64, unit: &str, currency: Option<&str>, decimals: usize) -> String {
        match (unit, currency) {
            ("%", _) => self.percent_up_to(x, decimals),
            ("currency", Some(c)) => self.money(x, c, decimals),
            ("seconds", _) if x.is_finite() => {
                self.message("unit.seconds", &[("n", &self.number_up_to(x, decimals))])
            }
            // A multiple of a panel reference: `1.43x` (×, the sign itself).
            ("x", _) if x.is_finite() => format!("{}×", self.number_up_to(x, decimals)),
            _ => self.number_up_to(x, decimals),
        }
    }

    // ---- periods -------------------------------------------------------

    /// A period as people name it: `October 2026`, `Q3 2026`,
    /// `Week 41, 2026`, `3 October 2026` (en-US `October 3, 2026`), `2026`,
    /// `All time`; `octobre 2026`, `T3 2026`, `Semaine 41, 2026`. A week of
    /// a calendar whose weeks do not start on Monday has no ISO number and
    /// is named by its first day: `Week of 4 October 2026`.
    pub fn period(&self, period: Period, calendar: &Calendar) -> String {
        self.conventions.dates.period(period, calendar, false)
    }

    /// A period on a chart axis, where its year is read from the axis:
    /// `Oct` / `oct.`, `W41` / `S41`, `3 Oct`, `Q3 2026`.
    pub fn period_short(&self, period: Period, calendar: &Calendar) -> String {
        self.conventions.dates.period(period, calendar, true)
    }

    /// A day: `3 October 2026`, `October 3, 2026`, `1er octobre 2026`.
    pub fn day(&self, day: Day) -> String {
        self.conventions.dates.day(day)
    }

    /// A day on a chart axis: `3 Oct`, `Oct 3`, `3 oct.`.
    pub fn day_short(&self, day: Day) -> String {
        self.conventions.dates.day_short(day)
    }

    /// The name of month `month` (1 = January): `October`, `octobre`.
    pub fn month_name(&self, month: u32) -> &str {
        let i = month.clamp(1, 12) as usize - 1;
        &self.conventions.dates.months[i]
    }

    /// The short name of month `month` (1 = January), for chart axes:
    /// `Oct`, `oct.`.
    pub fn month_short(&self, month: u32) -> &str {
        let i = month.clamp(1, 12) as usize - 1;
        &self.conventions.dates.months_short[i]
    }

    // ---- messages ------------------------------------------------------

    /// The text of a message without placeholders: `status.pass`.
    pub fn text(&self, key: &str) -> String {
        self.message(key, &[])
    }

    /// A message with its `{name}` placeholders filled: `report.data_range`
    /// with `first` and `last`. A key the language lacks is taken from
    /// English; one English lacks too is shown as the key itself, so that
    /// a slip shows rather than an empty cell.
    pub fn message(&self, key: &str, args: &[(&str, &str)]) -> String {
        let text = self
            .language
            .catalog
            .get(key)
            .or_else(|| self.fallback.catalog.get(key))
            .unwrap_or(key);
        pattern::fill(text, args)
    }

    /// A counted message, in the form `n` takes in the language
    /// (`count.posts`: `1 post`, `2 posts`; `0 publication`), with `{n}`
    /// the count as this locale writes it, and `args` besides.
    pub fn counted(&self, key: &str, n: u64, args: &[(&str, &str)]) -> String {
        let shown = self.count(n as f64);
        let mut all: Vec<(&str, &str)> = vec![("n", &shown)];
        all.extend_from_slice(args);
        for lang in [&self.language, &self.fallback] {
            let form = lang.plural.category(n);
            let found = lang
                .catalog
                .get(&format!("{key}.{form}"))
                .or_else(|| lang.catalog.get(&format!("{key}.other")));
            if let Some(text) = found {
                return pattern::fill(text, &all);
            }
        }
        key.to_string()
    }

    /// A goal status as a word: `pass` / `atteint`, `no data` / `sans données`.
    pub fn status(&self, status: crate::goals::Status) -> String {
        self.text(&format!("status.{}", status.as_str()))
    }

    /// A network as its brand writes it: `instagram` → Instagram, `x` → X,
    /// `web` → Website / Site web; an id the table does not know as written.
    pub fn network(&self, id: &str) -> String {
        let key = format!("network.{}", id.trim().to_ascii_lowercase());
        self.language
            .catalog
            .get(&key)
            .or_else(|| self.fallback.catalog.get(&key))
            .or_else(|| networks::brand(id))
            .unwrap_or(id)
            .to_string()
    }

    /// A message of this language, else English, without placeholders filled.
    pub(crate) fn raw_text(&self, key: &str) -> Option<&str> {
        self.language
            .catalog
            .get(key)
            .or_else(|| self.fallback.catalog.get(key))
    }
}

/// `en (English), fr (français)`: the languages there are.
pub fn known() -> Result<String, LocaleError> {
    Ok(language::all()?
        .iter()
        .map(|l| format!("{} ({})", l.code, l.name))
        .collect::<Vec<_>>()
        .join(", "))
}

fn or_none(s: Option<String>) -> String {
    s.unwrap_or_else(|| NO_VALUE.to_string())
}
