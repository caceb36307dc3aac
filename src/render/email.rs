//! The report as an e-mail (`report --format email`) and as HTML whose
//! charts are PNG `data:` URIs (`report --format html --inline`), both made
//! from the page `render::html` writes, whatever its template.
//!
//! Mail clients show neither inline SVG nor, for the most used ones, `data:`
//! images, and run no script: the message is `multipart/alternative`, the
//! Markdown report as its plain-text part for clients without HTML, then a
//! `multipart/related` holding the HTML part (scripts dropped, each chart an
//! `<img src="cid:…">`) and each chart as an `image/png` part with that
//! `Content-ID`. The message has no `From` nor `To`: it is a draft
//! (`X-Unsent: 1`, which Outlook opens as a message to send), addressed in
//! the mail client, which adds them with the `Message-ID`.

use super::mime::{Message, Part};
use super::png::{self, PngError};

/// The page with each chart as a PNG `data:` URI, and no script.
pub fn inline_html(html: &str) -> Result<String, PngError> {
    let html = png::without_scripts(html);
    let charts = png::charts(&html)?;
    Ok(png::replace_charts(&html, &charts, |_, c| {
        format!(
            "data:image/png;base64,{}",
            super::mime::base64(&c.png.bytes)
        )
    }))
}

/// The message of the page `html` and its plain-text version `text`. Its
/// subject is the page's `<title>` (the report's title and period), else
/// `fallback_subject`; `date` is its `Date` header (RFC 5322 format).
pub fn message(
    html: &str,
    text: &str,
    fallback_subject: &str,
    date: &str,
) -> Result<Message, PngError> {
    let html = png::without_scripts(html);
    let charts = png::charts(&html)?;
    let ids: Vec<String> = charts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            // The image's hash makes the id unique across messages too: a
            // client that caches images by id never shows last month's.
            let hash = xxhash_rust::xxh3::xxh3_64(&c.png.bytes);
            format!("chart-{}.{hash:016x}@kpiscope", i + 1)
        })
        .collect();
    let body_html = png::replace_charts(&html, &charts, |i, _| format!("cid:{}", ids[i]));
    let html_part = Part::text("text/html", body_html);
    let rich = if charts.is_empty() {
        html_part
    } else {
        let mut parts = vec![html_part];
        parts.extend(
            charts
                .into_iter()
                .zip(&ids)
                .enumerate()
                .map(|(i, (c, id))| {
                    Part::binary("image/png", c.png.bytes)
                        .content_id(id)
                        .inline(&format!("chart-{}.png", i + 1))
                }),
        );
        Part::multipart("related", parts)
    };
    let body = Part::multipart("alternative", vec![Part::text("text/plain", text), rich]);
    let subject = title_of(&html).unwrap_or_else(|| fallback_subject.to_string());
    Ok(Message::new(body)
        .header("Subject", &subject)
        .header("Date", date)
        .header("X-Unsent", "1"))
}

/// Now, as a `Date` header gives it.
pub fn now() -> String {
    let now = jiff::Zoned::now();
    jiff::fmt::rfc2822::to_string(&now).unwrap_or_else(|_| {
        // A time zone RFC 2822 cannot write: the same instant in UTC.
        jiff::fmt::rfc2822::to_string(&now.with_time_zone(jiff::tz::TimeZone::UTC))
            .unwrap_or_default()
    })
}

/// The text of the page's `<title>`, its character references read.
fn title_of(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let text = unescape(&html[start..end]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// HTML text with its character references read: the five the renderer
/// writes, numeric ones, and `&nbsp;`.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_is_the_pages_title() {
        assert_eq!(
            title_of(
                "<html><head><TITLE>Acme &amp; Co: report\n for 2026-09 &#8212; &#x2713;</title>"
            ),
            Some("Acme & Co: report for 2026-09 — ✓".to_string())
        );
        assert_eq!(title_of("<title> </title>"), None);
        assert_eq!(unescape("a &b; &amp c &lt;"), "a &b; &amp c <");
    }

    #[test]
    fn a_page_without_charts_is_html_and_text() {
        let m = message(
            "<title>T</title><p>x</p>",
            "x",
            "F",
            "Thu, 3 Dec 2026 01:00:00 +0000",
        )
        .expect("message");
        let text = String::from_utf8(m.to_bytes()).expect("ascii");
        assert!(text.contains("Subject: T\r\n"), "{text}");
        assert!(
            text.contains("Date: Thu, 3 Dec 2026 01:00:00 +0000\r\n"),
            "{text}"
        );
        assert!(!text.contains("multipart/related"), "{text}");
        assert_eq!(text.matches("Content-Type: text/").count(), 2, "{text}");
    }

    #[test]
    fn a_date_header_is_rfc_2822() {
        let d = now();
        let parsed = jiff::fmt::rfc2822::parse(&d).expect("parses back");
        assert!(
            (jiff::Timestamp::now() - parsed.timestamp())
                .get_seconds()
                .abs()
                < 60
        );
    }
}
