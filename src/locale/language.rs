//! One language file of `locales/`, read and checked: its header, its
//! number and date conventions (the language's and each region's), its
//! currency symbols and its messages. The files are embedded in the binary,
//! so adding a language is adding a file there.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use include_dir::{Dir, include_dir};

use super::catalog::Catalog;
use super::dates::Dates;
use super::error::LocaleError;
use super::numbers::Numbers;
use super::plural::Plural;
use super::raw::{RawLanguage, RawRegion};

static FILES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/locales");

/// The language every other falls back to, word by word.
pub const FALLBACK: &str = "en";

#[derive(Debug)]
pub struct Language {
    pub code: String,
    /// Its name in itself: `français`.
    pub name: String,
    pub default_region: String,
    pub plural: Plural,
    pub catalog: Catalog,
    raw: RawLanguage,
}

/// The conventions of one region of a language, merged over the language's.
#[derive(Debug, Clone)]
pub struct Conventions {
    pub numbers: Numbers,
    pub dates: Dates,
    /// Currency code → symbol, the region's over the language's.
    pub currencies: BTreeMap<String, String>,
}

impl Language {
    /// Reads `text`, the file `file` (`fr.toml`), and checks that the
    /// conventions of its default region and of each region it lists are
    /// complete, so that choosing any of them cannot fail later.
    pub fn parse(file: &str, text: &str) -> Result<Language, LocaleError> {
        let err = |message: String| LocaleError::File {
            file: file.to_string(),
            message,
        };
        let raw: RawLanguage = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let code = raw.language.code.clone();
        if Some(code.as_str()) != file.strip_suffix(".toml") {
            return Err(err(format!(
                "the file of language `{code}` is named `{code}.toml`"
            )));
        }
        if !(2..=3).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(err(format!(
                "`code = \"{code}\"`: a language code is 2 or 3 lowercase letters"
            )));
        }
        let plural = Plural::parse(&raw.language.plural).ok_or_else(|| {
            err(format!(
                "`plural = \"{}\"`: the rules are {}",
                raw.language.plural,
                Plural::NAMES.join(", ")
            ))
        })?;
        let catalog = Catalog::from_table(&raw.messages).map_err(err)?;
        let lang = Language {
            name: raw.language.name.clone(),
            default_region: raw.language.default_region.clone(),
            code,
            plural,
            catalog,
            raw,
        };
        for region in std::iter::once(&lang.default_region).chain(lang.raw.regions.keys()) {
            if !is_region(region) {
                return Err(err(format!(
                    "`{region}` is not a region code: 2 uppercase letters or 3 digits"
                )));
            }
            lang.conventions(region)
                .map_err(|m| err(format!("region {region}: {m}")))?;
        }
        Ok(lang)
    }

    /// Whether the file gives conventions for `region` (or it is the default).
    pub fn has_region(&self, region: &str) -> bool {
        region == self.default_region || self.raw.regions.contains_key(region)
    }

    /// The regions the file knows, the default first.
    pub fn regions(&self) -> Vec<&str> {
        let mut out = vec![self.default_region.as_str()];
        out.extend(
            self.raw
                .regions
                .keys()
                .map(String::as_str)
                .filter(|r| *r != self.default_region),
        );
        out
    }

    /// The conventions of `region`, the language's where it gives none.
    pub fn conventions(&self, region: &str) -> Result<Conventions, String> {
        let empty = RawRegion::default();
        let patch = self.raw.regions.get(region).unwrap_or(&empty);
        let mut currencies = self.raw.currencies.clone();
        currencies.extend(patch.currencies.clone());
        Ok(Conventions {
            numbers: Numbers::resolve(&self.raw.numbers, &patch.numbers)?,
            dates: Dates::resolve(&self.raw.dates, &patch.dates)?,
            currencies,
        })
    }
}

/// `FR`, `US`, or a UN M.49 area such as `419`.
pub fn is_region(s: &str) -> bool {
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()))
        || (s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()))
}

/// Every language of `locales/`, read once, sorted by code.
pub fn all() -> Result<&'static [Arc<Language>], LocaleError> {
    static ALL: OnceLock<Result<Vec<Arc<Language>>, LocaleError>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut files: Vec<_> = FILES
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort_by_key(|f| f.path());
        files
            .into_iter()
            .map(|f| {
                let name = f.path().display().to_string();
                let text = f.contents_utf8().ok_or_else(|| LocaleError::File {
                    file: name.clone(),
                    message: "not UTF-8 text".into(),
                })?;
                Language::parse(&name, text).map(Arc::new)
            })
            .collect()
    })
    .as_ref()
    .map(Vec::as_slice)
    .map_err(Clone::clone)
}

/// The language of `code`, if there is a file for it.
pub fn find(code: &str) -> Result<Option<Arc<Language>>, LocaleError> {
    Ok(all()?.iter().find(|l| l.code == code).cloned())
}
