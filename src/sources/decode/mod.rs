//! The decoding every export needs, done once for every plugin: encodings,
//! CSV shapes, JSON, spreadsheets and archives become grids of text cells;
//! `value` and `date` read the cells.

pub mod archive;
pub mod date;
pub mod delimited;
pub mod grid;
pub mod json;
pub mod text;
pub mod value;
pub mod xlsx;

pub use grid::{Grid, Row};

/// The file formats the host reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Ndjson,
    Xlsx,
    Zip,
}

impl Format {
    pub const NAMES: &'static str = "csv, json, ndjson, xlsx, zip";

    pub fn parse(s: &str) -> Option<Format> {
        Some(match s.to_ascii_lowercase().as_str() {
            "csv" | "tsv" | "txt" => Format::Csv,
            "json" => Format::Json,
            "ndjson" | "jsonl" => Format::Ndjson,
            "xlsx" | "xls" | "xlsm" | "ods" => Format::Xlsx,
            "zip" => Format::Zip,
            _ => return None,
        })
    }

    /// The format a file's extension names; CSV when it names none.
    pub fn of_file(name: &str) -> Format {
        name.rsplit_once('.')
            .and_then(|(_, ext)| Format::parse(ext))
            .unwrap_or(Format::Csv)
    }
}

/// A decoded file: its grids, and the parsed document for JSON.
#[derive(Debug, Default)]
pub struct Decoded {
    pub grids: Vec<Grid>,
    pub json: Option<serde_json::Value>,
}

/// Decodes `bytes` of the file shown as `name`. `format` forces a format
/// (otherwise the extension decides); `delimiter` forces CSV's.
pub fn decode(
    name: &str,
    bytes: Vec<u8>,
    format: Option<Format>,
    delimiter: Option<u8>,
) -> Result<Decoded, String> {
    let year = date::year_in_name(name.rsplit('/').next().unwrap_or(name));
    let format = format.unwrap_or_else(|| Format::of_file(name));
    let mut out = Decoded::default();
    match format {
        Format::Csv => out.grids = delimited::grids(text::decode_text(bytes), name, delimiter),
        Format::Json => {
            let text = text::decode_text(bytes);
            let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                format!(
                    "invalid JSON at line {}, column {}: {e}",
                    e.line(),
                    e.column()
                )
            })?;
            out.grids.extend(json::grids(&doc, name));
            out.json = Some(doc);
        }
        Format::Ndjson => {
            let grid = json::ndjson_grid(&text::decode_text(bytes), name)
                .map_err(|(line, e)| format!("invalid JSON at line {line}: {e}"))?;
            out.grids.push(grid);
        }
        Format::Xlsx => out.grids = xlsx::grids(bytes, name)?,
        Format::Zip => {
            for (member, data) in archive::members(bytes, name)? {
                let inner = decode(&member, data, None, delimiter)?;
                out.grids.extend(inner.grids);
            }
        }
    }
    for g in &mut out.grids {
        g.year_hint = g.year_hint.or_else(|| date::year_in_name(&g.name)).or(year);
    }
    Ok(out)
}
