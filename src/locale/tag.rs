//! A BCP 47 language tag, read leniently: `fr`, `fr-FR`, `fr_FR`, `FR-fr`,
//! `zh-Hant-TW`. Only the language and the region matter to kpiscope; a
//! script, variants and extensions are read past.

use super::error::LocaleError;
use super::language::is_region;

/// The language (lowercase) and region (uppercase) of a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub language: String,
    pub region: Option<String>,
}

impl Tag {
    pub fn parse(tag: &str) -> Result<Tag, LocaleError> {
        let syntax = || LocaleError::Syntax {
            tag: tag.to_string(),
        };
        let mut parts = tag.trim().split(['-', '_']);
        let language = parts.next().unwrap_or_default();
        if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic())
        {
            return Err(syntax());
        }
        let mut region = None;
        for part in parts {
            if !(1..=8).contains(&part.len()) || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(syntax());
            }
            // An extension (`-u-nu-latn`) or private use (`-x-...`): the rest
            // is its own, and no region follows.
            if part.len() == 1 {
                break;
            }
            let upper = part.to_ascii_uppercase();
            if region.is_none() && is_region(&upper) {
                region = Some(upper);
            }
        }
        Ok(Tag {
            language: language.to_ascii_lowercase(),
            region,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        let t = |l: &str, r: Option<&str>| Tag {
            language: l.into(),
            region: r.map(Into::into),
        };
        for (s, want) in [
            ("fr", t("fr", None)),
            ("fr-FR", t("fr", Some("FR"))),
            ("fr_fr", t("fr", Some("FR"))),
            ("EN-gb", t("en", Some("GB"))),
            ("zh-Hant-TW", t("zh", Some("TW"))),
            ("es-419", t("es", Some("419"))),
            ("de-DE-u-nu-latn", t("de", Some("DE"))),
            (" ru-RU ", t("ru", Some("RU"))),
        ] {
            assert_eq!(Tag::parse(s), Ok(want), "{s}");
        }
        for bad in [
            "",
            "f",
            "french",
            "fr-",
            "fr--FR",
            "12",
            "fr-FR.UTF-8",
            "fr FR",
        ] {
            assert!(
                matches!(Tag::parse(bad), Err(LocaleError::Syntax { .. })),
                "{bad:?}"
            );
        }
    }
}
