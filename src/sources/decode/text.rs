//! Bytes to text: exports come in UTF-8 (with or without a byte-order mark),
//! UTF-16 with a mark (Business Suite's daily series) or without one (found
//! by its NUL bytes), or Windows-1252 (old X and Excel exports). What is not
//! text (mostly control characters or undecodable bytes) is refused, and so
//! is an HTML page saved by a browser instead of the export.

use std::borrow::Cow;

/// How many characters the text checks look at: the head of a file tells
/// whether it is text.
const CHECKED_CHARS: usize = 64 << 10;

/// The file's text, or why it holds none an export would.
pub fn read_text(bytes: Vec<u8>) -> Result<String, String> {
    let text = decode_text(bytes);
    check_text(&text)?;
    Ok(text)
}

/// Why text whose head is `head` is no export, if it is not: the checks
/// look at the first characters only, so a streamed file's head says the
/// same as its whole text would.
pub fn check_text(head: &str) -> Result<(), String> {
    let head = head.trim_start_matches('\u{feff}');
    let (mut chars, mut bad) = (0usize, 0usize);
    for c in head.chars().take(CHECKED_CHARS) {
        chars += 1;
        if is_unprintable(c) {
            bad += 1;
        }
    }
    // One character in ten: a text export has none (a stray one in a post's
    // text is fine); a binary file read as text has them everywhere.
    if chars > 0 && bad * 10 > chars {
        return Err(format!(
            "this is not text: {}% of its first characters are control characters or bytes no text encoding holds, so it is not a CSV or JSON export (a binary file?): download the report as CSV or XLSX",
            (bad * 100).div_ceil(chars).min(100)
        ));
    }
    if let Some(what) = markup(head) {
        return Err(what);
    }
    Ok(())
}

/// Bytes of text that hold the characters `check_text` looks at, whatever
/// the encoding (four bytes a character at most).
pub const CHECKED_BYTES: usize = CHECKED_CHARS * 4;

/// Whether `c` cannot be shown in a message: a control character other
/// than tab and line ends, or the replacement character of a bad byte.
fn is_unprintable(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == char::REPLACEMENT_CHARACTER
}

/// A web page or an XML spreadsheet where an export was expected.
fn markup(text: &str) -> Option<String> {
    let start: String = text
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    if start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || (start.starts_with("<!--") && start.contains("<html"))
        || (start.starts_with("<?xml") && start.contains("<html"))
    {
        return Some("this is an HTML page (a web page saved by the browser), not an export: download the report itself as CSV or XLSX".into());
    }
    if start.starts_with("<?xml") && start.contains("urn:schemas-microsoft-com:office:spreadsheet")
    {
        return Some("this is an Excel 2003 XML spreadsheet, which kpiscope does not read: save it as XLSX or CSV".into());
    }
    None
}

/// `s` fit to be shown in a one-line message: control characters (line
/// ends too) escaped (`\u{1}`, `\n`),
/// a run of replacement characters shown once as `\u{fffd}…`, and at most
/// `max` characters.
pub fn printable(s: &str, max: usize) -> Cow<'_, str> {
    let hidden = |c: char| c.is_control() || c == char::REPLACEMENT_CHARACTER;
    if s.chars().count() <= max && !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut last_bad = false;
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        match c {
            char::REPLACEMENT_CHARACTER if last_bad => continue,
            char::REPLACEMENT_CHARACTER => {
                out.push_str("\\u{fffd}…");
                last_bad = true;
                continue;
            }
            c if hidden(c) => out.extend(c.escape_default()),
            c => out.push(c),
        }
        last_bad = false;
    }
    Cow::Owned(out)
}

/// Decodes a file's bytes, whatever encoding the network chose. UTF-8, the
/// common case, is taken over without a copy.
pub fn decode_text(mut bytes: Vec<u8>) -> String {
    let (mark, encoding) = encoding_of(&bytes);
    bytes.drain(..mark);
    let encoding = match encoding {
        Some(e) => e,
        None => match String::from_utf8(bytes) {
            Ok(s) => return s,
            Err(e) => {
                bytes = e.into_bytes();
                Encoding::Cp1252
            }
        },
    };
    let mut out = String::with_capacity(bytes.len());
    let mut decoder = Decoder::new(encoding);
    decoder.push(&bytes, &mut out);
    decoder.finish(&mut out);
    out
}

/// An encoding other than UTF-8, which text is decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf16Le,
    Utf16Be,
    Cp1252,
}

/// What the text of a file starting with `head` is in: the bytes of its
/// marks, and its encoding, or `None` for UTF-8 if every byte after the
/// marks is UTF-8, else Windows-1252 (which only the whole file tells).
/// `head` needs 4096 bytes past the marks to tell UTF-16 without a mark.
pub fn encoding_of(head: &[u8]) -> (usize, Option<Encoding>) {
    let mark = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let rest = &head[mark..];
    if rest.starts_with(&[0xFF, 0xFE]) {
        return (mark + 2, Some(Encoding::Utf16Le));
    }
    if rest.starts_with(&[0xFE, 0xFF]) {
        return (mark + 2, Some(Encoding::Utf16Be));
    }
    // UTF-16 without a mark is valid UTF-8 when it is ASCII: its NUL bytes
    // tell it, so it is looked for first.
    (mark, utf16_without_mark(rest))
}

/// Decodes bytes of one encoding as they come, in pieces cut anywhere: a
/// UTF-16 unit or surrogate pair cut in two waits for its other half.
pub struct Decoder {
    encoding: Encoding,
    /// Bytes of the last piece not decoded yet: an odd byte, or a high
    /// surrogate whose low one may follow.
    carry: Vec<u8>,
}

impl Decoder {
    pub fn new(encoding: Encoding) -> Decoder {
        Decoder {
            encoding,
            carry: Vec::new(),
        }
    }

    /// Decodes `bytes` onto `out`.
    pub fn push(&mut self, bytes: &[u8], out: &mut String) {
        let read: fn([u8; 2]) -> u16 = match self.encoding {
            Encoding::Cp1252 => {
                out.extend(bytes.iter().map(|&b| cp1252(b)));
                return;
            }
            Encoding::Utf16Le => u16::from_le_bytes,
            Encoding::Utf16Be => u16::from_be_bytes,
        };
        let joined;
        let bytes = if self.carry.is_empty() {
            bytes
        } else {
            self.carry.extend_from_slice(bytes);
            joined = std::mem::take(&mut self.carry);
            &joined[..]
        };
        let mut whole = bytes.len() & !1;
        // A high surrogate last: its pair may start the next piece.
        if whole >= 2 && (0xD800..0xDC00).contains(&read([bytes[whole - 2], bytes[whole - 1]])) {
            whole -= 2;
        }
        out.push_str(&utf16(&bytes[..whole], read));
        self.carry = bytes[whole..].to_vec();
    }

    /// Decodes what the last piece left: a lone high surrogate is a
    /// replacement character; an odd last byte is no character.
    pub fn finish(&mut self, out: &mut String) {
        if self.encoding != Encoding::Cp1252 && self.carry.len() >= 2 {
            out.push(char::REPLACEMENT_CHARACTER);
        }
        self.carry.clear();
    }
}

/// UTF-16 text without a byte-order mark: most of its first characters are
/// Latin or digits, whose high byte is NUL, so NUL bytes fill one of the two
/// positions of a pair and (almost) never the other.
fn utf16_without_mark(bytes: &[u8]) -> Option<Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even, mut odd) = (0, 0);
    for pair in head.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let many = |n: usize| n * 10 >= pairs * 4;
    let few = |n: usize| n * 20 <= pairs;
    if many(odd) && few(even) {
        Some(Encoding::Utf16Le)
    } else if many(even) && few(odd) {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

fn utf16(bytes: &[u8], read: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|c| read([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Windows-1252: Latin-1 except for 0x80..0x9F, where it puts typography.
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

#[cfg(test)]
mod tests {
    use super::{decode_text, printable, read_text};

    #[test]
    fn every_encoding_an_export_uses() {
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Date,€".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Date,€".encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        for (bytes, want) in [
            (b"Date,caf\xc3\xa9".to_vec(), "Date,café"),
            (b"\xEF\xBB\xBFDate".to_vec(), "Date"),
            (utf16le, "Date,€"),
            (utf16be, "Date,€"),
            (b"caf\xe9 \x93quoted\x94 \x80".to_vec(), "café “quoted” €"),
        ] {
            assert_eq!(decode_text(bytes), want);
        }
    }

    #[test]
    fn text_decoded_in_pieces_is_the_text_decoded_whole() {
        use super::{Decoder, Encoding};
        // Surrogate pairs, a lone high surrogate last, and an odd last byte.
        let text = "Date,€ 😀 views\n2026-07-01,\u{1F600}5\n";
        let mut le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        le.extend_from_slice(&0xD83Du16.to_le_bytes());
        le.push(b'x');
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let cp: Vec<u8> = (0u8..=255).collect();
        for (encoding, bytes) in [
            (Encoding::Utf16Le, le),
            (Encoding::Utf16Be, be),
            (Encoding::Cp1252, cp),
        ] {
            let mut whole = String::new();
            let mut d = Decoder::new(encoding);
            d.push(&bytes, &mut whole);
            d.finish(&mut whole);
            for piece in 1..7 {
                let mut out = String::new();
                let mut d = Decoder::new(encoding);
                for chunk in bytes.chunks(piece) {
                    d.push(chunk, &mut out);
                }
                d.finish(&mut out);
                assert_eq!(out, whole, "{encoding:?} in pieces of {piece}");
            }
        }
    }

    #[test]
    fn utf16_without_a_mark_is_found_by_its_nul_bytes() {
        let text = "Date,Impressions\n2026-07-01,1 234\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(read_text(le).unwrap(), text);
        assert_eq!(read_text(be).unwrap(), text);
    }

    #[test]
    fn what_is_not_text_says_so_without_its_bytes() {
        let binary: Vec<u8> = (0..2000u32).map(|i| (i * 7 % 256) as u8).collect();
        for bytes in [binary, vec![1, 2, 3, 4, b'a', 0x1b, 0x7f, 0x00, 0x05]] {
            let e = read_text(bytes).unwrap_err();
            assert!(e.starts_with("this is not text"), "{e}");
            assert!(!e.chars().any(|c| c.is_control()), "{e:?}");
        }
        let e = read_text(b"\xEF\xBB\xBF\n <!DOCTYPE html>\n<html><head>".to_vec()).unwrap_err();
        assert!(e.starts_with("this is an HTML page"), "{e}");
        // A stray control character in a post's text is still text.
        let csv = format!("id,text\n{}", "1,hello\u{7}world\n".repeat(5));
        assert!(read_text(csv.into_bytes()).is_ok());
    }

    #[test]
    fn printable_escapes_what_a_terminal_would_not_show() {
        assert_eq!(printable("Date", 80), "Date");
        assert_eq!(
            printable("a\u{1}b\u{fffd}\u{fffd}\u{fffd}c", 80),
            "a\\u{1}b\\u{fffd}…c"
        );
        assert_eq!(printable("abcdef", 3), "abc…");
        assert_eq!(printable("left: 1\n right: 0", 80), "left: 1\\n right: 0");
    }
}
