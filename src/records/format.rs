//! A post's format in kpiscope's words, from whatever word an export uses:
//! the one place where `IMAGE`, `Photo`, `Carousel album` and `Reels` become
//! `photo`, `carousel` and `reel`, so that every plugin and the canonical CSV
//! agree and a report reads the same whatever the network.
//!
//! | kpiscope   | export words (case and spaces ignored)                                   |
//! |------------|--------------------------------------------------------------------------|
//! | `photo`    | photo, photos, image, picture, Image post, IG image, IMAGE (Graph API)   |
//! | `video`    | video, videos, Video post, IG video, Shared video, Live, Live video, VIDEO (Graph API) |
//! | `reel`     | reel, reels, IG reel, Facebook reel, REELS (Graph API), short, shorts, YouTube Shorts |
//! | `carousel` | carousel, album, Carousel post, IG carousel, Multi-image, CAROUSEL_ALBUM (Graph API) |
//! | `text`     | text, Text post, status (the legacy Page export's word for a text post)  |
//! | `link`     | link, links, Link post, Shared link                                      |
//! | `story`    | story, stories, IG story, Facebook story, STORY (Graph API)              |
//!
//! Any other word is kept as the export wrote it (trimmed): a format never
//! guessed is better than a wrong one.

/// The formats kpiscope names, in the order the table above lists them.
pub const KNOWN: &[&str] = &[
    "photo", "video", "reel", "carousel", "text", "link", "story",
];

/// The format of an export's `raw` word: one of [`KNOWN`], or `raw` itself
/// (trimmed) when it is none of the words above; `None` for an empty cell.
pub fn normalise(raw: &str) -> Option<&str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    // Lowercase ASCII letters only, so `CAROUSEL_ALBUM`, `Carousel album`
    // and `carousel-album` are one word; a long cell is no format word.
    let mut key = [0u8; 24];
    let mut n = 0;
    for b in raw.bytes() {
        if b.is_ascii_alphabetic() {
            if n == key.len() {
                return Some(raw);
            }
            key[n] = b.to_ascii_lowercase();
            n += 1;
        }
    }
    let known = match &key[..n] {
        b"photo" | b"photos" | b"image" | b"images" | b"picture" | b"imagepost" | b"photopost"
        | b"igimage" => "photo",
        b"video" | b"videos" | b"videopost" | b"igvideo" | b"sharedvideo" | b"live"
        | b"livevideo" => "video",
        b"reel" | b"reels" | b"igreel" | b"facebookreel" | b"short" | b"shorts"
        | b"youtubeshorts" => "reel",
        b"carousel" | b"carouselalbum" | b"album" | b"carouselpost" | b"igcarousel"
        | b"multiimage" => "carousel",
        b"text" | b"status" | b"textpost" => "text",
        b"link" | b"links" | b"linkpost" | b"sharedlink" => "link",
        b"story" | b"stories" | b"igstory" | b"facebookstory" => "story",
        _ => return Some(raw),
    };
    Some(known)
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn export_words_become_kpiscope_formats() {
        let cases = [
            ("IMAGE", "photo"),
            ("Photo", "photo"),
            ("VIDEO", "video"),
            ("CAROUSEL_ALBUM", "carousel"),
            ("Carousel album", "carousel"),
            ("Reels", "reel"),
            ("IG reel", "reel"),
            ("Shorts", "reel"),
            ("Text", "text"),
            ("Status", "text"),
            ("Links", "link"),
            ("IG story", "story"),
            ("IG image", "photo"),
            ("IG carousel", "carousel"),
            (" Video ", "video"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalise(raw), Some(want), "{raw}");
        }
    }

    #[test]
    fn unknown_words_are_kept_and_empty_cells_are_none() {
        // LinkedIn's documents and articles are formats of their own.
        assert_eq!(normalise("Document"), Some("Document"));
        assert_eq!(normalise("Article"), Some("Article"));
        assert_eq!(normalise(" Job posting "), Some("Job posting"));
        assert_eq!(
            normalise("a very long description of a thing"),
            Some("a very long description of a thing")
        );
        assert_eq!(normalise("  "), None);
        assert_eq!(normalise(""), None);
    }
}
