//! The report's charts as PNG images, for the readers that cannot show its
//! inline SVG: mail clients (Gmail and Outlook show neither SVG nor, for
//! most, `data:` URIs) get each chart as an image part of the message.
//!
//! The work is on the rendered HTML string, not on the report's data: each
//! top-level `<svg>…</svg>` element of the page is found, rasterised with
//! resvg (pure Rust), and replaced by an `<img>` whose source the caller
//! chooses (`cid:` for a MIME part, `data:` for `--inline`). So whatever
//! template draws the page, its charts come out as it drew them.
//!
//! Text is drawn with DejaVu Sans, embedded (a Latin subset, `assets/fonts`,
//! with its licence), never with the machine's fonts: a server without fonts
//! draws the same labels as a desktop, and the same PNG bytes come out
//! everywhere.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

/// The embedded fonts: DejaVu Sans, regular and bold.
const FONTS: [&[u8]; 2] = [
    include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"),
];
const FAMILY: &str = "DejaVu Sans";

/// Pixels per SVG unit: twice the drawing's size, so that a chart stays
/// sharp on a high-density screen when the mail client scales it to fit.
pub const SCALE: f32 = 2.0;

/// The largest image drawn, in pixels a side: a chart is at most a few
/// thousand; a drawing that asks for more is no chart of ours.
const MAX_SIDE: f32 = 8192.0;

#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("chart {index} of the report is not SVG that can be drawn: {message}")]
    Parse { index: usize, message: String },
    #[error("chart {index} of the report has no drawable size ({width} x {height})")]
    Size {
        index: usize,
        width: f32,
        height: f32,
    },
    #[error("chart {index} of the report could not be encoded as PNG: {message}")]
    Encode { index: usize, message: String },
    #[error("the report's HTML has an unclosed <svg> element at byte {0}")]
    Unclosed(usize),
}

impl From<PngError> for crate::error::Error {
    fn from(e: PngError) -> Self {
        crate::error::Error::usage(e.to_string())
    }
}

/// A chart drawn as PNG.
#[derive(Debug, Clone)]
pub struct Png {
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// The font database, built once: only the embedded fonts, every generic
/// family (`sans-serif`, `system-ui` falling through) mapped to them.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        for font in FONTS {
            db.load_font_data(font.to_vec());
        }
        db.set_sans_serif_family(FAMILY);
        db.set_serif_family(FAMILY);
        db.set_monospace_family(FAMILY);
        db.set_cursive_family(FAMILY);
        db.set_fantasy_family(FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Draws one SVG element (as the page has it: HTML's inline SVG may lack
/// `xmlns` and use HTML's named character references) at [`SCALE`].
/// `index` numbers the chart in errors, from 1.
pub fn rasterise(svg: &str, index: usize) -> Result<Png, PngError> {
    let xml = as_xml(svg);
    let options = usvg::Options {
        font_family: FAMILY.to_string(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&xml, &options).map_err(|e| PngError::Parse {
        index,
        message: e.to_string(),
    })?;
    let size = tree.size();
    let (w, h) = (size.width() * SCALE, size.height() * SCALE);
    let bad_size = || PngError::Size {
        index,
        width: size.width(),
        height: size.height(),
    };
    if !(w >= 1.0 && h >= 1.0 && w <= MAX_SIDE && h <= MAX_SIDE) {
        return Err(bad_size());
    }
    let mut pixmap =
        tiny_skia::Pixmap::new(w.ceil() as u32, h.ceil() as u32).ok_or_else(bad_size)?;
    // Mail clients in dark mode put a transparent image on a dark page,
    // where the chart's dark text would vanish: the chart brings its white.
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    let bytes = pixmap.encode_png().map_err(|e| PngError::Encode {
        index,
        message: e.to_string(),
    })?;
    Ok(Png {
        width: pixmap.width(),
        height: pixmap.height(),
        bytes,
    })
}

/// The named character references an HTML template may put in SVG text,
/// which XML does not know, as numeric ones.
const ENTITIES: &[(&str, &str)] = &[
    ("nbsp", "#160"),
    ("ndash", "#8211"),
    ("mdash", "#8212"),
    ("minus", "#8722"),
    ("hellip", "#8230"),
    ("thinsp", "#8201"),
    ("middot", "#183"),
    ("times", "#215"),
    ("euro", "#8364"),
    ("le", "#8804"),
    ("ge", "#8805"),
    ("rarr", "#8594"),
    ("larr", "#8592"),
    ("uarr", "#8593"),
    ("darr", "#8595"),
    ("rsquo", "#8217"),
    ("lsquo", "#8216"),
    ("rdquo", "#8221"),
    ("ldquo", "#8220"),
    ("laquo", "#171"),
    ("raquo", "#187"),
];

/// An inline SVG element as a standalone XML document.
fn as_xml(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() + 48);
    let open_end = svg.find('>').unwrap_or(svg.len());
    if svg[..open_end].contains("xmlns=") {
        out.push_str(svg);
    } else {
        out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\"");
        out.push_str(&svg[4..]);
    }
    if !out.contains('&') {
        return out;
    }
    let mut fixed = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(i) = rest.find('&') {
        fixed.push_str(&rest[..i]);
        rest = &rest[i..];
        let name_end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map(|j| j + 1);
        match name_end
            .filter(|&j| rest[j..].starts_with(';'))
            .and_then(|j| ENTITIES.iter().find(|(n, _)| *n == &rest[1..j]))
        {
            Some((name, number)) => {
                fixed.push('&');
                fixed.push_str(number);
                rest = &rest[1 + name.len()..];
            }
            None => {
                fixed.push('&');
                rest = &rest[1..];
            }
        }
    }
    fixed.push_str(rest);
    fixed
}

/// Where each top-level `<svg>` element of `html` is (an `<svg>` nested in
/// another is part of its parent). Comments are skipped.
pub fn find_svgs(html: &str) -> Result<Vec<Range<usize>>, PngError> {
    let lower = html.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while let Some(j) = lower[i..].find('<') {
        let at = i + j;
        let rest = &lower[at..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(lower.len(), |k| at + k + 3);
            continue;
        }
        let opens = rest.starts_with("<svg")
            && bytes
                .get(at + 4)
                .is_some_and(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'));
        if opens {
            let tag_end = rest.find('>').map_or(lower.len(), |k| at + k + 1);
            let self_closing = lower[..tag_end].ends_with("/>");
            if depth == 0 {
                start = at;
                if self_closing {
                    out.push(at..tag_end);
                }
            }
            if !self_closing {
                depth += 1;
            }
            i = tag_end;
        } else if rest.starts_with("</svg") && depth > 0 {
            let tag_end = rest.find('>').map_or(lower.len(), |k| at + k + 1);
            depth -= 1;
            if depth == 0 {
                out.push(start..tag_end);
            }
            i = tag_end;
        } else {
            i = at + 1;
        }
    }
    if depth > 0 {
        return Err(PngError::Unclosed(start));
    }
    Ok(out)
}

/// A chart of the page, found by [`charts`].
#[derive(Debug)]
pub struct Chart {
    /// Its place in the page.
    pub range: Range<usize>,
    pub png: Png,
    /// Its description for `alt`, HTML-escaped: the SVG's `aria-label`,
    /// else its `<title>`, else "Chart".
    pub alt: String,
}

/// Every top-level chart of `html`, drawn as PNG.
pub fn charts(html: &str) -> Result<Vec<Chart>, PngError> {
    find_svgs(html)?
        .into_iter()
        .enumerate()
        .map(|(i, range)| {
            let svg = &html[range.clone()];
            Ok(Chart {
                png: rasterise(svg, i + 1)?,
                alt: alt_of(svg),
                range,
            })
        })
        .collect()
}

/// `html` with each chart replaced by an `<img>` whose `src` is
/// `src(index, chart)`, at the chart's drawing size and never wider than
/// its column.
pub fn replace_charts(
    html: &str,
    charts: &[Chart],
    src: impl Fn(usize, &Chart) -> String,
) -> String {
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    for (i, c) in charts.iter().enumerate() {
        out.push_str(&html[last..c.range.start]);
        let (w, h) = (
            (c.png.width as f32 / SCALE).round(),
            (c.png.height as f32 / SCALE).round(),
        );
        out.push_str(&format!(
            "<img class=\"chart\" src=\"{}\" alt=\"{}\" width=\"{w}\" height=\"{h}\" \
             style=\"display:block;width:100%;max-width:{w}px;height:auto;border:0\">",
            src(i, c),
            c.alt
        ));
        last = c.range.end;
    }
    out.push_str(&html[last..]);
    out
}

/// The value of attribute `name` in the opening tag of `element`, as
/// written (still escaped).
fn attribute<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    let tag = &element[..element.find('>')?];
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = tag[..at].ends_with(|c: char| c.is_ascii_whitespace());
        let rest = tag[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let rest = rest[1..].trim_start();
        let quote = rest.chars().next()?;
        if quote == '"' || quote == '\'' {
            return rest[1..].find(quote).map(|j| &rest[1..1 + j]);
        }
    }
    None
}

/// What an `<img>` standing for `svg` says to a reader who cannot see it.
fn alt_of(svg: &str) -> String {
    if let Some(label) = attribute(svg, "aria-label").filter(|l| !l.trim().is_empty()) {
        return label.replace('"', "&quot;");
    }
    let lower = svg.to_ascii_lowercase();
    if let Some(i) = lower.find("<title>") {
        let text = &svg[i + 7..];
        if let Some(j) = text.to_ascii_lowercase().find("</title>") {
            return text[..j].trim().replace('"', "&quot;");
        }
    }
    "Chart".to_string()
}

/// `html` without its `<script>` elements: a mail client drops them, and a
/// message that carries them is taken for spam.
pub fn without_scripts(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    let mut i = 0;
    while let Some(j) = lower[i..].find("<script") {
        let at = i + j;
        let end = lower[at..]
            .find("</script")
            .and_then(|k| lower[at + k..].find('>').map(|m| at + k + m + 1))
            .unwrap_or(lower.len());
        out.push_str(&html[last..at]);
        last = end;
        i = end;
    }
    out.push_str(&html[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg class="chart" viewBox="0 0 200 100" width="200" height="100" role="img" aria-label="Reach: reach per period" font-family="system-ui, sans-serif" font-size="11"><title>Reach: reach per period</title><rect x="0" y="0" width="100" height="100" fill="#2563eb"/><text x="150" y="50" fill="#000000">Sept&nbsp;0,57&#160;€</text></svg>"##;

    fn pixels(png: &Png) -> Vec<[u8; 4]> {
        let pixmap = tiny_skia::Pixmap::decode_png(&png.bytes).expect("decode");
        pixmap
            .pixels()
            .iter()
            .map(|p| {
                let c = p.demultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            })
            .collect()
    }

    #[test]
    fn a_chart_is_drawn_at_twice_its_size_with_its_text() {
        let png = rasterise(SVG, 1).expect("draw");
        assert_eq!((png.width, png.height), (400, 200));
        assert!(png.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        let px = pixels(&png);
        // The left half is the blue rectangle, the background white.
        assert_eq!(px[100 * 400 + 50], [0x25, 0x63, 0xeb, 255]);
        assert_eq!(px[10 * 400 + 390], [255, 255, 255, 255]);
        // The text was drawn (with the embedded font: there is no other):
        // dark pixels in its box, right of the rectangle.
        let dark = (60..110)
            .flat_map(|y| (290..400).map(move |x| (x, y)))
            .filter(|&(x, y)| px[y * 400 + x][0] < 128)
            .count();
        assert!(dark > 150, "{dark} dark pixels where the text is");
    }

    #[test]
    fn top_level_svgs_are_found_nested_and_commented_ones_not() {
        let html = "<p>a</p><SVG width=\"1\"><svg><g/></svg></SVG><!-- <svg> --><svgx></svgx>\
                    <svg/><svg\nviewBox=\"0 0 1 1\"></svg>";
        let found: Vec<&str> = find_svgs(html)
            .expect("svgs")
            .into_iter()
            .map(|r| &html[r])
            .collect();
        assert_eq!(
            found,
            [
                "<SVG width=\"1\"><svg><g/></svg></SVG>",
                "<svg/>",
                "<svg\nviewBox=\"0 0 1 1\"></svg>"
            ]
        );
        assert!(matches!(
            find_svgs("<p><svg><g></p>"),
            Err(PngError::Unclosed(3))
        ));
    }

    #[test]
    fn charts_become_images_with_their_label() {
        let html = format!("<div>{SVG}</div><p>end</p>");
        let charts = charts(&html).expect("charts");
        assert_eq!(charts.len(), 1);
        let out = replace_charts(&html, &charts, |i, _| format!("cid:c{i}"));
        assert_eq!(
            out,
            "<div><img class=\"chart\" src=\"cid:c0\" alt=\"Reach: reach per period\" \
             width=\"200\" height=\"100\" style=\"display:block;width:100%;max-width:200px;\
             height:auto;border:0\"></div><p>end</p>"
        );
    }

    #[test]
    fn entities_html_knows_are_made_numeric() {
        assert_eq!(
            as_xml("<svg><text>a&nbsp;&amp;&minus;b &x; &</text></svg>"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>a&#160;&amp;&#8722;b &x; &</text></svg>"
        );
    }

    #[test]
    fn scripts_are_dropped() {
        assert_eq!(
            without_scripts("<p>a</p><SCRIPT>x()</script ><p>b</p><script src=y></script>"),
            "<p>a</p><p>b</p>"
        );
    }

    #[test]
    fn a_broken_chart_is_an_error_that_names_it() {
        let e = rasterise("<svg><g></svg>", 3).expect_err("broken");
        assert!(
            e.to_string()
                .starts_with("chart 3 of the report is not SVG"),
            "{e}"
        );
    }
}
