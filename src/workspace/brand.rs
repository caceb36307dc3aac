//! `[report]` checked: the agency's brand on the periodic report (its name,
//! logo, colours and opening words) and a template of its own. Files are
//! checked when the workspace loads, so that a missing logo is an error at
//! its line in kpiscope.toml, not a broken image in a client's inbox.

use std::path::{Path, PathBuf};

use super::Located;
use super::raw::RawReport;
use crate::limits::{MAX_LOGO_BYTES, MAX_TEMPLATE_BYTES};

/// The report's colours when the workspace gives none.
pub const PRIMARY: &str = "#1d4ed8";
pub const ACCENT: &str = "#0f766e";

#[derive(Debug, Clone)]
pub struct Brand {
    pub agency: Option<String>,
    pub logo: Option<Logo>,
    /// `#rrggbb`: headings, the chart line.
    pub primary: String,
    /// `#rrggbb`: rules and highlights.
    pub accent: String,
    /// Paragraphs opening the report.
    pub intro: Vec<String>,
    /// A template replacing the built-in HTML one: its path (for messages)
    /// and text.
    pub template: Option<(PathBuf, String)>,
}

impl Default for Brand {
    fn default() -> Self {
        Brand {
            agency: None,
            logo: None,
            primary: PRIMARY.into(),
            accent: ACCENT.into(),
            intro: Vec::new(),
            template: None,
        }
    }
}

/// A logo read whole, with its media type, to embed in the report.
#[derive(Debug, Clone)]
pub struct Logo {
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Brand {
    /// The checked brand of `raw`; each problem is reported at its place.
    pub fn check(raw: RawReport, root: &Path, at: &mut Located) -> Brand {
        let mut brand = Brand {
            agency: raw.agency.filter(|a| !a.trim().is_empty()),
            intro: paragraphs(raw.intro.as_deref().unwrap_or("")),
            ..Brand::default()
        };
        for (value, slot) in [
            (&raw.primary_color, &mut brand.primary),
            (&raw.accent_color, &mut brand.accent),
        ] {
            if let Some(v) = value {
                match color(v.get_ref()) {
                    Some(c) => *slot = c,
                    None => at.error(
                        v.span(),
                        format!(
                            "`{}` is not a colour: write it as #rrggbb or #rgb, such as \"#0f766e\"",
                            v.get_ref()
                        ),
                    ),
                }
            }
        }
        if let Some(logo) = &raw.logo {
            let path = root.join(logo.get_ref());
            let media_type = media_type(&path);
            match (media_type, read_limited(&path, MAX_LOGO_BYTES)) {
                (None, _) => at.error(
                    logo.span(),
                    format!(
                        "`{}`: a logo is a .png, .jpg, .svg, .gif or .webp file",
                        logo.get_ref()
                    ),
                ),
                (_, Err(why)) => at.error(logo.span(), format!("logo `{}`: {why}", logo.get_ref())),
                (Some(media_type), Ok(bytes)) => brand.logo = Some(Logo { media_type, bytes }),
            }
        }
        if let Some(t) = &raw.template {
            let path = root.join(t.get_ref());
            match read_limited(&path, MAX_TEMPLATE_BYTES)
                .and_then(|b| String::from_utf8(b).map_err(|_| "it is not UTF-8 text".to_string()))
            {
                Ok(text) => brand.template = Some((PathBuf::from(t.get_ref()), text)),
                Err(why) => at.error(t.span(), format!("template `{}`: {why}", t.get_ref())),
            }
        }
        brand
    }
}

/// `#rgb` or `#rrggbb`, as `#rrggbb` in lower case.
fn color(text: &str) -> Option<String> {
    let hex = text.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_ascii_lowercase())),
        3 => Some(
            hex.chars()
                .flat_map(|c| [c, c])
                .fold(String::from("#"), |mut s, c| {
                    s.push(c.to_ascii_lowercase());
                    s
                }),
        ),
        _ => None,
    }
}

fn media_type(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "svg" => "image/svg+xml",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => return None,
    })
}

/// The file's bytes, refused above `max` bytes.
fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file in the workspace".to_string(),
        _ => e.to_string(),
    })?;
    if !meta.is_file() {
        return Err("it is not a file".into());
    }
    if meta.len() > max {
        return Err(format!(
            "{} KB, more than the {} KB allowed",
            meta.len().div_ceil(1024),
            max / 1024
        ));
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

/// Paragraphs split on blank lines, each on one line.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_hex() {
        for (text, want) in [
            ("#0F766E", Some("#0f766e")),
            ("#abc", Some("#aabbcc")),
            (" #123456 ", Some("#123456")),
            ("red", None),
            ("#12345", None),
            ("#ggg", None),
            ("0f766e", None),
        ] {
            assert_eq!(color(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn intro_paragraphs_split_on_blank_lines() {
        assert_eq!(
            paragraphs("Hello,\nthis month\n\n  went well.\n\n\n"),
            ["Hello, this month", "went well."]
        );
    }
}
