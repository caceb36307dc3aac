//! What can go wrong choosing a locale: a tag that is no language tag, a
//! language kpiscope has no file for, or (a bug caught by the tests) a
//! language file of `locales/` that does not read.

/// A locale that cannot be used. The message is meant for the person who
/// wrote the tag: it lists the languages there are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocaleError {
    /// Not shaped like `fr`, `fr-FR` or `fr_FR`.
    #[error(
        "`{tag}` is not a language tag: write a language code with an optional region, such as `fr-FR` or `en`"
    )]
    Syntax { tag: String },
    /// A well-formed tag in a language that has no file in `locales/`.
    #[error("unknown language `{language}` in `{tag}`: the languages are {known}")]
    UnknownLanguage {
        tag: String,
        language: String,
        /// `en (English), fr (français)`.
        known: String,
    },
    /// A file of `locales/` that does not read or is incomplete: caught by
    /// the tests before a release, reported rather than panicking.
    #[error("locales/{file}: {message}")]
    File { file: String, message: String },
}
