//! A language file of `locales/` as written: serde structs that reject
//! unknown keys, so that a misspelt setting in a new language's file is an
//! error in the tests, not a convention silently left at its default.
//! [`super::language::Language`] checks them into a usable language.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLanguage {
    pub language: RawHeader,
    pub numbers: RawNumbers,
    /// Currency symbols that differ from the common table (`USD = "$US"`).
    #[serde(default)]
    pub currencies: BTreeMap<String, String>,
    pub dates: RawDates,
    /// Conventions of a region that differ from the language's (`[regions.US]`).
    #[serde(default)]
    pub regions: BTreeMap<String, RawRegion>,
    /// The report's words, nested tables read as dotted keys.
    #[serde(default)]
    pub messages: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    /// The language code, the file's name: `fr`.
    pub code: String,
    /// The language's name in itself: `français`.
    pub name: String,
    /// The region a tag without one (or with an unknown one) means: `FR`.
    pub default_region: String,
    /// The plural rule: `one`, `zero-one`, `slavic` or `none`.
    pub plural: String,
}

/// Number conventions. Every field is optional here so that a region can
/// give only what it changes; the language's own table must give them all.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawNumbers {
    pub decimal: Option<String>,
    pub group: Option<String>,
    /// The fewest digits before the decimal mark that are grouped at all:
    /// 4 in Spanish and Polish (`1234`, `12 345`), 1 elsewhere.
    pub min_grouping: Option<usize>,
    pub minus: Option<String>,
    pub plus: Option<String>,
    /// `{n}%`, `{n} %`.
    pub percent: Option<String>,
    /// `{symbol}{n}`, `{n} {symbol}`.
    pub currency: Option<String>,
    /// For a currency without a symbol: `{n} {code}`.
    pub currency_code: Option<String>,
}

/// Date words and patterns; optional for the same reason as [`RawNumbers`].
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawDates {
    /// The month names as a month is named alone: `octobre`, `октябрь`.
    pub months: Option<Vec<String>>,
    /// The month names inside a date, where a language declines them
    /// (`3 октября`); the same as `months` when not given.
    pub day_months: Option<Vec<String>>,
    /// For chart axes: `Oct`, `oct.`.
    pub months_short: Option<Vec<String>>,
    /// The short names inside a short date (`3 мая`), where a language
    /// declines them; the same as `months_short` when not given.
    pub day_months_short: Option<Vec<String>>,
    /// How the first day of a month is written, when not as a number (`1er`).
    pub first_day: Option<String>,
    pub day: Option<String>,
    pub day_short: Option<String>,
    pub month: Option<String>,
    pub month_short: Option<String>,
    pub quarter: Option<String>,
    pub week: Option<String>,
    pub week_short: Option<String>,
    /// A week that does not start on Monday has no ISO number: `Week of {date}`.
    pub week_of: Option<String>,
    pub year: Option<String>,
    pub all: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawRegion {
    #[serde(default)]
    pub numbers: RawNumbers,
    #[serde(default)]
    pub dates: RawDates,
    #[serde(default)]
    pub currencies: BTreeMap<String, String>,
}
