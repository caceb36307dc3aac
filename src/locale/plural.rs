//! Which form of a counted word a number takes: `1 post` / `2 posts`,
//! `0 publication` in French, `2 публикации` / `5 публикаций` in Russian.
//! A language file names its rule (`plural = "zero-one"`); the rules are
//! CLDR's for whole numbers, which is all a report counts.

/// A plural rule, as a language file names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plural {
    /// `one` for 1, `other` else: English, German, Spanish, Italian...
    One,
    /// `one` for 0 and 1, `other` else: French, Portuguese (Brazil).
    ZeroOne,
    /// `one` (1, 21, 31...), `few` (2–4, 22–24...), `many` (the rest):
    /// Russian, Ukrainian, Belarusian.
    Slavic,
    /// A single form: Japanese, Chinese, Korean, Turkish...
    None,
}

impl Plural {
    pub const NAMES: [&'static str; 4] = ["one", "zero-one", "slavic", "none"];

    pub fn parse(s: &str) -> Option<Plural> {
        Some(match s {
            "one" => Plural::One,
            "zero-one" => Plural::ZeroOne,
            "slavic" => Plural::Slavic,
            "none" => Plural::None,
            _ => return None,
        })
    }

    /// The form `n` takes: `one`, `few`, `many` or `other`.
    pub fn category(self, n: u64) -> &'static str {
        match self {
            Plural::One if n == 1 => "one",
            Plural::ZeroOne if n <= 1 => "one",
            Plural::Slavic => match (n % 10, n % 100) {
                (1, r) if r != 11 => "one",
                (2..=4, r) if !(12..=14).contains(&r) => "few",
                _ => "many",
            },
            _ => "other",
        }
    }
}

/// The forms a counted message may have, as the last part of its key.
pub const CATEGORIES: [&str; 4] = ["one", "few", "many", "other"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_by_rule() {
        for (rule, n, want) in [
            (Plural::One, 0, "other"),
            (Plural::One, 1, "one"),
            (Plural::One, 2, "other"),
            (Plural::ZeroOne, 0, "one"),
            (Plural::ZeroOne, 1, "one"),
            (Plural::ZeroOne, 2, "other"),
            (Plural::Slavic, 1, "one"),
            (Plural::Slavic, 11, "many"),
            (Plural::Slavic, 21, "one"),
            (Plural::Slavic, 3, "few"),
            (Plural::Slavic, 13, "many"),
            (Plural::Slavic, 24, "few"),
            (Plural::Slavic, 5, "many"),
            (Plural::Slavic, 0, "many"),
            (Plural::None, 1, "other"),
        ] {
            assert_eq!(rule.category(n), want, "{rule:?} {n}");
        }
    }
}
