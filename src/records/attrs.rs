//! A post's attributes: its text, link and format, which let a person
//! recognise it in a report. They travel with post-level records as borrowed
//! cells ([`AttrsRef`]) and are copied ([`PostAttrs`]) only where a cube keeps
//! them: the report's posts of one period.

use super::format;

/// The attributes of a row as its cells hold them; all `None` on account
/// rows and on post rows whose export has no such columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttrsRef<'a> {
    /// The post's text (or title) as exported, newlines and all.
    pub title: Option<&'a str>,
    pub url: Option<&'a str>,
    /// The export's word for the format, normalised when kept.
    pub format: Option<&'a str>,
}

impl AttrsRef<'_> {
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.url.is_none() && self.format.is_none()
    }
}

/// A post's attributes as a record holds them: the text as exported (so a
/// fixture shows what the plugin read), the link, the format in kpiscope's
/// words ([`format::normalise`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostAttrs {
    pub title: Option<String>,
    pub url: Option<String>,
    pub format: Option<String>,
}

impl PostAttrs {
    /// Owned attributes of `a`: empty cells are none, the format normalised.
    pub fn of(a: &AttrsRef) -> PostAttrs {
        let text = |s: Option<&str>| s.filter(|s| !s.trim().is_empty()).map(str::to_string);
        PostAttrs {
            title: text(a.title),
            url: a
                .url
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            format: a.format.and_then(format::normalise).map(str::to_string),
        }
    }

    /// What a report keeps of them: the headline instead of the whole text,
    /// so that memory grows with posts, not with what their authors wrote.
    pub fn kept(a: &AttrsRef) -> PostAttrs {
        PostAttrs {
            title: a.title.and_then(headline),
            ..PostAttrs::of(&AttrsRef { title: None, ..*a })
        }
    }

    pub fn borrowed(&self) -> AttrsRef<'_> {
        AttrsRef {
            title: self.title.as_deref(),
            url: self.url.as_deref(),
            format: self.format.as_deref(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.borrowed().is_empty()
    }
}

/// How many characters of a post's first line a report shows.
pub const HEADLINE_CHARS: usize = 120;

/// The line a person recognises a post by: its first non-empty line,
/// whitespace and trailing links trimmed, cut at [`HEADLINE_CHARS`] characters with `…`;
/// `None` when the text is blank.
pub fn headline(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    // Links at the end of the line (`… https://t.co/x1`) name no post: a
    // line of links alone is kept as it is.
    let mut kept = line;
    while let Some((head, last)) = kept.rsplit_once(char::is_whitespace)
        && (last.starts_with("https://") || last.starts_with("http://"))
    {
        kept = head.trim_end();
    }
    let line = kept;
    match line.char_indices().nth(HEADLINE_CHARS) {
        None => Some(line.to_string()),
        Some((cut, _)) => {
            // Cut at the last space when there is one near the end, so that
            // the headline does not end inside a word.
            let head = &line[..cut];
            let head = match head.rfind(char::is_whitespace) {
                Some(i) if i > cut * 3 / 4 => &head[..i],
                _ => head,
            };
            Some(format!("{}…", head.trim_end()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headline_is_the_first_non_empty_line_trimmed() {
        assert_eq!(
            headline("\n  Launch day!  \r\nMore below.\n").as_deref(),
            Some("Launch day!")
        );
        assert_eq!(headline("One line ").as_deref(), Some("One line"));
        assert_eq!(
            headline("Autumn menu is here https://t.co/ab1 https://shop.example/m\nmore")
                .as_deref(),
            Some("Autumn menu is here")
        );
        assert_eq!(
            headline("https://t.co/ab1").as_deref(),
            Some("https://t.co/ab1")
        );
        assert_eq!(headline(" \n\t\n"), None);
        assert_eq!(headline(""), None);
    }

    #[test]
    fn a_long_line_is_cut_at_a_word_with_an_ellipsis() {
        let words = "word ".repeat(40); // 200 characters
        let h = headline(&words).unwrap_or_default();
        // 120 characters are "word " 24 times; the cut drops the last space.
        assert_eq!(h, format!("{}…", "word ".repeat(24).trim_end()));
        assert_eq!(h.chars().count(), 119 + 1);
        // No space near the end: cut at 120 characters exactly, even
        // inside a word, counting characters, not bytes.
        let long = "é".repeat(130);
        assert_eq!(headline(&long), Some(format!("{}…", "é".repeat(120))));
    }

    #[test]
    fn empty_cells_are_no_attribute_and_formats_are_normalised() {
        let a = PostAttrs::of(&AttrsRef {
            title: Some("  "),
            url: Some(" https://x.com/a/status/1 "),
            format: Some("IG reel"),
        });
        assert_eq!(
            a,
            PostAttrs {
                title: None,
                url: Some("https://x.com/a/status/1".into()),
                format: Some("reel".into()),
            }
        );
        let k = PostAttrs::kept(&AttrsRef {
            title: Some("Hello\nworld"),
            url: None,
            format: Some("Event"),
        });
        assert_eq!(k.title.as_deref(), Some("Hello"));
        assert_eq!(k.format.as_deref(), Some("Event"));
    }
}
