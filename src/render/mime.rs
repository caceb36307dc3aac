//! A MIME message builder (RFC 5322, 2045–2047, 2387): headers, text
//! parts, binary parts and multiparts, written with CRLF line ends as a mail
//! client or an SMTP server takes them. The report's e-mail is built with it
//! (`render::email`); alerts sent over SMTP are meant to be too.
//!
//! Text goes as quoted-printable UTF-8 (readable when the source is shown,
//! and no line over 76 characters whatever the HTML's lines), binary as
//! base64 in lines of 76. Boundaries start with `=_`, which neither encoding
//! can produce, so no part's content can end a part early. A header value is
//! one line: a line break in it (a workspace name, a subject from a user's
//! file) would start a header of its own, so it becomes a space.

use std::fmt::Write as _;

/// One part of a message: its own headers and its content.
#[derive(Debug, Clone)]
pub struct Part {
    /// `Content-Type` with its parameters, but a multipart's boundary,
    /// which is chosen when the message is written.
    content_type: String,
    headers: Vec<(String, String)>,
    content: Content,
}

#[derive(Debug, Clone)]
enum Content {
    Text(String),
    Binary(Vec<u8>),
    Multipart(Vec<Part>),
}

impl Part {
    /// A text part (`text/plain`, `text/html`), in UTF-8.
    pub fn text(mime: &str, text: impl Into<String>) -> Part {
        Part {
            content_type: format!("{mime}; charset=utf-8"),
            headers: Vec::new(),
            content: Content::Text(text.into()),
        }
    }

    /// A binary part (`image/png`).
    pub fn binary(mime: &str, bytes: Vec<u8>) -> Part {
        Part {
            content_type: mime.to_string(),
            headers: Vec::new(),
            content: Content::Binary(bytes),
        }
    }

    /// A multipart of `subtype` (`alternative`: the same content in
    /// several forms, the best last; `related`: a document and the parts it
    /// refers to; `mixed`).
    pub fn multipart(subtype: &str, parts: Vec<Part>) -> Part {
        Part {
            content_type: format!("multipart/{subtype}"),
            headers: Vec::new(),
            content: Content::Multipart(parts),
        }
    }

    /// Adds a header to the part.
    pub fn header(mut self, name: &str, value: &str) -> Part {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The `Content-ID` by which an HTML part refers to this one
    /// (`<img src="cid:ID">`); `id` is written without its angle brackets.
    pub fn content_id(self, id: &str) -> Part {
        self.header("Content-ID", &format!("<{id}>"))
    }

    /// Shown in the body, with `filename` when it is saved.
    pub fn inline(self, filename: &str) -> Part {
        let name = filename.replace(['"', '\\'], "_");
        self.header(
            "Content-Disposition",
            &format!("inline; filename=\"{name}\""),
        )
    }

    fn write(&self, out: &mut String, boundaries: &mut usize, seed: u64) {
        let mut content_type = self.content_type.clone();
        let boundary = match &self.content {
            Content::Multipart(_) => {
                *boundaries += 1;
                let b = format!("=_kpiscope_{boundaries}_{seed:016x}");
                let _ = write!(content_type, "; boundary=\"{b}\"");
                Some(b)
            }
            _ => None,
        };
        header(out, "Content-Type", &content_type);
        match &self.content {
            Content::Text(_) => header(out, "Content-Transfer-Encoding", "quoted-printable"),
            Content::Binary(_) => header(out, "Content-Transfer-Encoding", "base64"),
            Content::Multipart(_) => {}
        }
        for (name, value) in &self.headers {
            header(out, name, value);
        }
        out.push_str("\r\n");
        match &self.content {
            Content::Text(text) => quoted_printable(text, out),
            Content::Binary(bytes) => base64_lines(bytes, out),
            Content::Multipart(parts) => {
                let b = boundary.unwrap_or_default();
                for p in parts {
                    let _ = write!(out, "--{b}\r\n");
                    p.write(out, boundaries, seed);
                    out.push_str("\r\n");
                }
                let _ = write!(out, "--{b}--\r\n");
            }
        }
    }

    /// Every byte of content, for the boundaries' seed.
    fn hash_into(&self, h: &mut xxhash_rust::xxh3::Xxh3) {
        h.update(self.content_type.as_bytes());
        match &self.content {
            Content::Text(t) => h.update(t.as_bytes()),
            Content::Binary(b) => h.update(b),
            Content::Multipart(parts) => parts.iter().for_each(|p| p.hash_into(h)),
        }
    }
}

/// A message: its headers (`Subject`, `Date`, `From`, …) and its body.
#[derive(Debug, Clone)]
pub struct Message {
    headers: Vec<(String, String)>,
    body: Part,
}

impl Message {
    pub fn new(body: Part) -> Message {
        Message {
            headers: Vec::new(),
            body,
        }
    }

    /// Adds a header; a value with other than ASCII is written as RFC 2047
    /// encoded words, so give an address header (`From`) its display name
    /// and address as ASCII.
    pub fn header(mut self, name: &str, value: &str) -> Message {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The message as it goes on the wire: CRLF line ends, every line at
    /// most 78 characters but a header that cannot be folded.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        self.body.hash_into(&mut h);
        let seed = h.digest();
        let mut out = String::new();
        header(&mut out, "MIME-Version", "1.0");
        for (name, value) in &self.headers {
            header(&mut out, name, value);
        }
        let mut boundaries = 0;
        self.body.write(&mut out, &mut boundaries, seed);
        out.into_bytes()
    }
}

/// Writes `name: value`, folded before 78 characters where it has spaces,
/// a value with other than printable ASCII as encoded words.
fn header(out: &mut String, name: &str, value: &str) {
    let value: String = value
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect();
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_graphic() && *c != ':')
        .collect();
    let words: Vec<String> = if value.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
        value.split(' ').map(str::to_string).collect()
    } else {
        encoded_words(&value)
    };
    out.push_str(&name);
    out.push(':');
    let mut line = name.len() + 1;
    for (i, w) in words.iter().enumerate() {
        // The first word always goes on the header's line; a word that
        // would pass 78 starts a continuation line (its leading space is
        // the fold's).
        if i > 0 && line + 1 + w.len() > 78 {
            out.push_str("\r\n");
            line = 0;
        }
        out.push(' ');
        out.push_str(w);
        line += 1 + w.len();
    }
    out.push_str("\r\n");
}

/// `text` as RFC 2047 `B` encoded words of at most 75 characters, each
/// holding whole characters.
fn encoded_words(text: &str) -> Vec<String> {
    // 45 bytes make 60 base64 characters; with `=?utf-8?B?` and `?=`, 72.
    const MAX: usize = 45;
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > MAX {
            words.push(chunk);
            chunk = String::new();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() || words.is_empty() {
        words.push(chunk);
    }
    words
        .into_iter()
        .map(|w| format!("=?utf-8?B?{}?=", base64(w.as_bytes())))
        .collect()
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64, padded, on one line.
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 in lines of 76 characters, CRLF between them (the CRLF after the
/// last is the next boundary's).
fn base64_lines(bytes: &[u8], out: &mut String) {
    // 57 bytes make one line of 76 characters.
    for (i, chunk) in bytes.chunks(57).enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        out.push_str(&base64(chunk));
    }
}

/// Quoted-printable (RFC 2045 §6.7), the text as it is (the CRLF after it
/// is the next boundary's): line ends become CRLF, lines longer
/// than 76 get soft breaks, and `=`, control bytes, other than ASCII and a
/// space or tab before a line end are `=XX`.
fn quoted_printable(text: &str, out: &mut String) {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    for (n, line) in lines.iter().enumerate() {
        let bytes = line.as_bytes();
        let mut width = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let last = i + 1 == bytes.len();
            let plain = (b == b' ' || b == b'\t') && !last || (33..=126).contains(&b) && b != b'=';
            let piece = if plain {
                (b as char).to_string()
            } else {
                format!("={b:02X}")
            };
            // A soft break (`=`) takes the 76th column; the last piece of
            // the line needs no room for one.
            let room = if last { 76 } else { 75 };
            if width + piece.len() > room {
                out.push_str("=\r\n");
                width = 0;
            }
            out.push_str(&piece);
            width += piece.len();
        }
        if n + 1 < lines.len() {
            out.push_str("\r\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qp(text: &str) -> String {
        let mut out = String::new();
        quoted_printable(text, &mut out);
        out
    }

    #[test]
    fn base64_pads_and_breaks_lines_at_76() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
        let mut out = String::new();
        base64_lines(&[0u8; 120], &mut out);
        let lines: Vec<&str> = out.split_terminator("\r\n").collect();
        // 120 bytes: 57 + 57 + 6, 76 + 76 + 8 characters.
        assert_eq!(
            lines.iter().map(|l| l.len()).collect::<Vec<_>>(),
            [76, 76, 8]
        );
    }

    #[test]
    fn quoted_printable_escapes_and_soft_breaks() {
        assert_eq!(qp("a=b é\n"), "a=3Db =C3=A9\r\n");
        // A space before a line end is encoded.
        assert_eq!(qp("end \nx"), "end=20\r\nx");
        let long = "x".repeat(200);
        let out = qp(&long);
        let lines: Vec<&str> = out.split("\r\n").collect();
        assert_eq!(lines[0], format!("{}=", "x".repeat(75)));
        assert!(lines.iter().all(|l| l.len() <= 76), "{out}");
        assert_eq!(out.replace("=\r\n", ""), long);
        // An escape is never cut by a soft break.
        let out = qp(&format!("{}é", "x".repeat(74)));
        assert_eq!(out, format!("{}=\r\n=C3=A9", "x".repeat(74)));
    }

    #[test]
    fn headers_fold_and_encode() {
        let mut out = String::new();
        header(&mut out, "Subject", "Acme: rapport\r\nBcc: x");
        assert_eq!(out, "Subject: Acme: rapport  Bcc: x\r\n");
        let mut out = String::new();
        header(&mut out, "Subject", "Rapport d’octobre");
        assert_eq!(out, "Subject: =?utf-8?B?UmFwcG9ydCBk4oCZb2N0b2JyZQ==?=\r\n");
        let mut out = String::new();
        header(&mut out, "Subject", &"word ".repeat(20));
        assert!(out.split("\r\n").all(|l| l.len() <= 78), "{out}");
        assert_eq!(
            out.replace("\r\n", ""),
            format!("Subject: {}\r\n", "word ".repeat(20)).replace("\r\n", "")
        );
    }

    #[test]
    fn a_message_nests_its_parts_with_distinct_boundaries() {
        let m = Message::new(Part::multipart(
            "alternative",
            vec![
                Part::text("text/plain", "hello\n"),
                Part::multipart(
                    "related",
                    vec![
                        Part::text("text/html", "<img src=\"cid:a@x\">\n"),
                        Part::binary("image/png", vec![1, 2, 3])
                            .content_id("a@x")
                            .inline("a.png"),
                    ],
                ),
            ],
        ))
        .header("Subject", "Report");
        let text = String::from_utf8(m.to_bytes()).expect("ascii");
        let seed = text
            .split("=_kpiscope_1_")
            .nth(1)
            .map(|s| &s[..16])
            .expect("boundary");
        let b1 = format!("=_kpiscope_1_{seed}");
        let b2 = format!("=_kpiscope_2_{seed}");
        let expected = format!(
            "MIME-Version: 1.0\r\nSubject: Report\r\n\
             Content-Type: multipart/alternative; boundary=\"{b1}\"\r\n\r\n\
             --{b1}\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\
             Content-Transfer-Encoding: quoted-printable\r\n\r\nhello\r\n\r\n\
             --{b1}\r\n\
             Content-Type: multipart/related; boundary=\"{b2}\"\r\n\r\n\
             --{b2}\r\n\
             Content-Type: text/html; charset=utf-8\r\n\
             Content-Transfer-Encoding: quoted-printable\r\n\r\n\
             <img src=3D\"cid:a@x\">\r\n\r\n\
             --{b2}\r\n\
             Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\
             Content-ID: <a@x>\r\nContent-Disposition: inline; filename=\"a.png\"\r\n\r\n\
             AQID\r\n\
             --{b2}--\r\n\r\n\
             --{b1}--\r\n"
        );
        assert_eq!(text, expected);
    }
}
