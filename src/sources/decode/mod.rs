//! The decoding every export needs, done once for every plugin: encodings,
//! CSV shapes, JSON, spreadsheets and archives become grids of text cells;
//! `value` and `date` read the cells.
//!
//! What a file is comes from its bytes first (a spreadsheet named `.csv`, or
//! read by a plugin whose layouts say `format = "csv"`, is still read as a
//! spreadsheet); a file that is no export (a PDF, an image, a web page, an
//! empty file) is refused with one line saying what it is.
//!
//! A file is read whole into memory, but for delimited text of
//! [`STREAM_FROM`] bytes or more (`decode_file`): its tables are found in
//! one pass and their rows read from disk as they are iterated. What stays
//! whole, and why: spreadsheets and zips (a zip's directory is at its end),
//! and JSON documents (parsed as one value).

pub mod archive;
pub mod date;
#[cfg(test)]
mod date_props;
pub mod delimited;
pub mod grid;
pub mod json;
#[cfg(test)]
mod props;
pub mod records;
pub mod stored;
pub mod text;
pub mod text_file;
pub mod value;
#[cfg(test)]
mod value_props;
pub mod xlsx;

pub use grid::{Grid, Row};

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// Files of this size and larger are read as a stream when they hold
/// delimited text: a few MiB is nothing to hold, and a file that small is
/// read as fast whole.
pub const STREAM_FROM: u64 = 4 << 20;

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
        Format::named(name).unwrap_or(Format::Csv)
    }

    /// The format a file's extension names, if it names one.
    pub fn named(name: &str) -> Option<Format> {
        let base = name.rsplit('/').next().unwrap_or(name);
        base.rsplit_once('.')
            .and_then(|(_, ext)| Format::parse(ext))
    }
}

/// What decoding may hold: the limits live with every other in
/// `crate::limits`.
pub use crate::limits::decode as limits;

/// What a file's bytes are, from their first bytes (and a zip's member names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Text: CSV, JSON or NDJSON, told apart later.
    Text,
    /// A zip holding an Excel workbook (`[Content_Types].xml`, `xl/`).
    Xlsx,
    /// An OpenDocument spreadsheet (a zip with its `mimetype`).
    Ods,
    /// A legacy Excel workbook (an OLE2 compound file).
    Xls,
    /// A zip of exports.
    Zip,
    /// No export: what it is, said in a message.
    Not(&'static str),
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE2: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl Content {
    /// What `bytes` are. A zip's kind needs its member names, which are
    /// looked for in the whole of `bytes` (its central directory is at the
    /// end); a head of a zip is told from its first member's name.
    pub fn of(bytes: &[u8]) -> Content {
        if bytes.is_empty() {
            return Content::Not("empty");
        }
        if bytes.starts_with(ZIP) || bytes.starts_with(b"PK\x07\x08") {
            return zip_kind(bytes);
        }
        if bytes.starts_with(b"PK\x05\x06") {
            return Content::Not("an empty zip archive");
        }
        if bytes.starts_with(&OLE2[..4]) {
            return ole2_kind(bytes);
        }
        const MAGIC: &[(&[u8], &str)] = &[
            (b"%PDF", "a PDF document"),
            (b"\x89PNG", "a PNG image"),
            (b"\xFF\xD8\xFF", "a JPEG image"),
            (b"GIF87a", "a GIF image"),
            (b"GIF89a", "a GIF image"),
            (b"\x1F\x8B", "a gzip-compressed file"),
            (b"\xFD7zXZ\x00", "an xz-compressed file"),
            (b"\x28\xB5\x2F\xFD", "a zstd-compressed file"),
            (b"Rar!\x1A\x07", "a RAR archive"),
            (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
            (b"SQLite format 3\x00", "an SQLite database"),
            (b"\x7FELF", "a program (ELF)"),
        ];
        if let Some((_, what)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
            return Content::Not(what);
        }
        if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            return Content::Not("a WebP image");
        }
        // Two- and three-letter signatures a CSV could start with too are
        // checked further: bzip2's block magic, a Windows program's PE header.
        if bytes.len() >= 10 && bytes.starts_with(b"BZh") && &bytes[4..10] == b"1AY&SY" {
            return Content::Not("a bzip2-compressed file");
        }
        if bytes.starts_with(b"MZ")
            && let Some(pe) = bytes.get(0x3C..0x40)
            && let Ok(pe) = <[u8; 4]>::try_from(pe)
            && let Some(sig) = bytes.get(u32::from_le_bytes(pe) as usize..)
            && sig.starts_with(b"PE\0\0")
        {
            return Content::Not("a Windows program");
        }
        if bytes.iter().all(|&b| b == 0) {
            return Content::Not("NUL bytes only");
        }
        Content::Text
    }
}

impl Content {
    /// Whether a file starting with `head` must be read whole to be
    /// recognised (a zip's directory is at its end; so is much of an XLS).
    pub fn needs_whole_file(head: &[u8]) -> bool {
        head.starts_with(b"PK") || head.starts_with(&OLE2[..4])
    }
}

/// Whether a file starting with `head` is UTF-8 CSV that the canonical
/// plugin's fast reader takes as it is: text, no UTF-16, not JSON, nothing
/// `read_text` refuses. Anything else goes through `decode`.
pub fn is_plain_utf8_csv(head: &[u8]) -> bool {
    if Content::of(head) != Content::Text || memchr::memchr(0, head).is_some() {
        return false;
    }
    // The head may end inside a character.
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => return false,
    };
    text::read_text(head[..valid].to_vec()).is_ok_and(|t| {
        !t.trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with(['{', '['])
    })
}

/// An OLE2 compound file is an XLS, unless its directory names the streams
/// of a password-protected Office file or of a Word document.
fn ole2_kind(bytes: &[u8]) -> Content {
    let has = |name: &str| {
        let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        memchr::memmem::find(bytes, &utf16).is_some()
    };
    if has("EncryptedPackage") {
        Content::Not("a password-protected spreadsheet")
    } else if has("WordDocument") && !has("Workbook") {
        Content::Not("a Word document")
    } else {
        Content::Xls
    }
}

/// An XLSX, an ODS or a zip of exports, by the names its members have.
fn zip_kind(bytes: &[u8]) -> Content {
    let ods = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet";
    if bytes.len() >= 30 + ods.len() && &bytes[30..30 + ods.len()] == ods {
        return Content::Ods;
    }
    let names: Vec<String> = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(z) => z
            .file_names_raw()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect(),
        // A damaged zip: its local headers still name its members.
        Err(_) => {
            let has = |n: &[u8]| memchr::memmem::find(bytes, n).is_some();
            return if has(b"word/") {
                Content::Not("a Word document")
            } else if has(b"ppt/") {
                Content::Not("a PowerPoint presentation")
            } else if has(b"[Content_Types].xml") {
                Content::Xlsx
            } else {
                Content::Zip
            };
        }
    };
    let has = |n: &str| names.iter().any(|m| m == n);
    if has("xl/workbook.bin") {
        return Content::Not("an Excel binary workbook (XLSB)");
    }
    if has("word/document.xml") {
        return Content::Not("a Word document");
    }
    if has("ppt/presentation.xml") {
        return Content::Not("a PowerPoint presentation");
    }
    if names
        .iter()
        .any(|n| n == "xl/workbook.xml" || n == "xl/workbook.bin")
        || (names.iter().any(|n| n == "[Content_Types].xml")
            && names.iter().any(|n| n.starts_with("xl/")))
    {
        Content::Xlsx
    } else if names.iter().any(|n| n == "mimetype") && names.iter().any(|n| n == "content.xml") {
        Content::Ods
    } else {
        Content::Zip
    }
}

/// The one line that says a file is no export, and what to give instead.
fn not_an_export(what: &str, bytes: &[u8]) -> String {
    match what {
        "empty" => "the file is empty (0 bytes): the export was not downloaded completely; download it again".into(),
        "NUL bytes only" => format!(
            "the file holds only NUL bytes ({} of them), no export: it was not written out completely; download it again",
            bytes.len()
        ),
        "a gzip-compressed file" | "a bzip2-compressed file" | "an xz-compressed file"
        | "a zstd-compressed file" => format!(
            "this is {what}, not an export: decompress it and give the file inside"
        ),
        "a password-protected spreadsheet" => {
            "this spreadsheet is password-protected: open it and save it without a password, or download the report again".into()
        }
        "an Excel binary workbook (XLSB)" => format!(
            "this is {what}, which kpiscope does not read: save it as XLSX or CSV"
        ),
                "a RAR archive" | "a 7-Zip archive" => format!(
            "this is {what}, which kpiscope does not open: extract it and give the exports inside (or a zip of them)"
        ),
        _ => format!("this is {what}, not an export: download the report as CSV or XLSX"),
    }
}

/// A decoded file: its grids, and the parsed document for JSON.
#[derive(Debug, Default)]
pub struct Decoded {
    pub grids: Vec<Grid>,
    pub json: Option<serde_json::Value>,
}

/// Decodes `bytes` of the file shown as `name`. What the bytes are decides
/// first: a spreadsheet, a zip or no export at all, whatever the name or
/// `format` say. For text, `format` (a layout's) picks CSV, JSON or NDJSON
/// (otherwise the extension does), unless the text says otherwise (a
/// document starting with `{` is JSON); `delimiter` forces CSV's.
pub fn decode(
    name: &str,
    bytes: Vec<u8>,
    format: Option<Format>,
    delimiter: Option<u8>,
) -> Result<Decoded, String> {
    decode_nested(name, bytes, format, delimiter, 0)
}

fn decode_nested(
    name: &str,
    bytes: Vec<u8>,
    format: Option<Format>,
    delimiter: Option<u8>,
    depth: usize,
) -> Result<Decoded, String> {
    let mut out = Decoded::default();
    match Content::of(&bytes) {
        Content::Not(what) => return Err(not_an_export(what, &bytes)),
        Content::Xlsx => out.grids = xlsx::grids(bytes, name, xlsx::Book::Xlsx)?,
        Content::Ods => out.grids = xlsx::grids(bytes, name, xlsx::Book::Ods)?,
        Content::Xls => out.grids = xlsx::grids(bytes, name, xlsx::Book::Xls)?,
        Content::Zip => {
            if depth >= limits::MAX_NESTING {
                return Err(format!(
                    "zip archives nested more than {} deep: extract the exports",
                    limits::MAX_NESTING
                ));
            }
            // A member that cannot be an export (a PDF of notes, an image,
            // an empty file) is no data: it is skipped, unless nothing else is.
            let mut skipped = Vec::new();
            for (member, data) in archive::members(bytes, name)? {
                if let Content::Not(what) = Content::of(&data)
                    && what != "NUL bytes only"
                {
                    let shown = member.strip_prefix(name).unwrap_or(&member);
                    skipped.push(format!("{} ({what})", shown.trim_start_matches('/')));
                    continue;
                }
                let inner = decode_nested(&member, data, None, delimiter, depth + 1)
                    .map_err(|e| prefixed(&member, name, e))?;
                out.grids.extend(inner.grids);
            }
            if out.grids.is_empty() && !skipped.is_empty() {
                return Err(format!(
                    "this zip archive holds no export, only {}",
                    skipped.join(", ")
                ));
            }
        }
        Content::Text => {
            let text = text::read_text(bytes)?;
            match text_format(&text, format.or_else(|| Format::named(name))) {
                TextFormat::Csv => out.grids = delimited::grids(text, name, delimiter)?,
                TextFormat::Json(doc) => {
                    let doc = match doc {
                        Some(doc) => doc,
                        None => serde_json::from_str(&text).map_err(|e| {
                            format!(
                                "invalid JSON at line {}, column {}: {e}",
                                e.line(),
                                e.column()
                            )
                        })?,
                    };
                    out.grids.extend(json::grids(&doc, name));
                    out.json = Some(doc);
                }
                TextFormat::Ndjson => {
                    let grid = json::ndjson_grid(&text, name)
                        .map_err(|(line, e)| format!("invalid JSON at line {line}: {e}"))?;
                    out.grids.push(grid);
                }
            }
        }
    }
    year_hints(&mut out.grids, name);
    Ok(out)
}

/// The year a year-less date of each grid belongs to: the grid's own, or
/// the one its name (a zip member's) or the file's name gives.
fn year_hints(grids: &mut [Grid], name: &str) {
    let year = date::year_in_name(name.rsplit('/').next().unwrap_or(name));
    for g in grids {
        g.year_hint = g.year_hint.or_else(|| date::year_in_name(&g.name)).or(year);
    }
}

/// Decodes the file at `path`, shown as `name`, as [`decode`] decodes its
/// bytes; but delimited text of `stream_from` bytes or more is not held:
/// its tables are found in one pass over the file and their rows read from
/// disk as they are iterated ([`stored::Stored::OnDisk`]), so a file of any
/// size takes the memory of a few blocks and rows.
///
/// Spreadsheets, zips and JSON documents are read whole: a zip's directory
/// is at its end, and a JSON document is parsed as one value (a JSON plugin
/// maps the whole document).
pub fn decode_file(
    path: &Path,
    name: &str,
    format: Option<Format>,
    delimiter: Option<u8>,
    stream_from: u64,
) -> Result<Decoded, String> {
    let cannot = |e: std::io::Error| format!("cannot read the file: {e}");
    let size = std::fs::metadata(path).map_err(cannot)?.len();
    if size >= stream_from
        && let Some(mut grids) = streamed(path, name, delimiter)?
    {
        year_hints(&mut grids, name);
        return Ok(Decoded { grids, json: None });
    }
    let bytes = std::fs::read(path).map_err(cannot)?;
    decode(name, bytes, format, delimiter)
}

/// The grids of a file of delimited text, read from disk; `None` when the
/// file is something else (a spreadsheet, a zip, JSON, no export), which
/// [`decode`] reads whole and judges as it always does.
fn streamed(path: &Path, name: &str, delimiter: Option<u8>) -> Result<Option<Vec<Grid>>, String> {
    let cannot = |e: std::io::Error| format!("cannot read the file: {e}");
    // Enough to tell what the bytes are, and their encoding.
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(text::CHECKED_BYTES as u64).read_to_end(&mut head))
        .map_err(cannot)?;
    // What the head says is what the whole file would say, but for a
    // Windows program's header, found at an offset the head may not reach.
    if Content::of(&head) != Content::Text || head.starts_with(b"MZ") {
        return Ok(None);
    }
    // JSON, told early from the head before the file is decoded.
    if !is_delimited(&text::decode_text(head)) {
        return Ok(None);
    }
    let file = text_file::TextFile::open(path).map_err(cannot)?;
    let head = file.head(text::CHECKED_BYTES).map_err(cannot)?;
    text::check_text(&head)?;
    if !is_delimited(&head) {
        return Ok(None);
    }
    delimited::grids_of(&stored::Stored::OnDisk(Arc::new(file)), name, delimiter).map(Some)
}

/// Whether text starting with `head` is delimited text, as `text_format`
/// tells it: anything but a document starting with `{` or `[`. A head of
/// spaces alone leaves it open.
fn is_delimited(head: &str) -> bool {
    let start = head.trim_start_matches('\u{feff}').trim_start();
    !start.is_empty() && !start.starts_with(['{', '['])
}

/// A member's error, named by the member (the zip is the file in the message).
fn prefixed(member: &str, zip: &str, e: String) -> String {
    let inner = member
        .strip_prefix(zip)
        .unwrap_or(member)
        .trim_start_matches('/');
    format!("{}: {e}", text::printable(inner, 120))
}

enum TextFormat {
    Csv,
    /// JSON, parsed already when the text had to be tried.
    Json(Option<serde_json::Value>),
    Ndjson,
}

/// What text is: a document starting with `{` or `[` is JSON, or NDJSON when
/// it is one object a line, whatever it is named (unless it is named CSV and
/// is neither); any other text is CSV.
fn text_format(text: &str, named: Option<Format>) -> TextFormat {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if !start.starts_with(['{', '[']) {
        return TextFormat::Csv;
    }
    if named == Some(Format::Ndjson) {
        return TextFormat::Ndjson;
    }
    if let Ok(doc) = serde_json::from_str(text) {
        return TextFormat::Json(Some(doc));
    }
    let mut lines = start.lines().map(str::trim).filter(|l| !l.is_empty());
    let ndjson = lines.next().is_some_and(|l| {
        l.starts_with('{') && serde_json::from_str::<serde_json::Value>(l).is_ok()
    });
    match named {
        _ if ndjson => TextFormat::Ndjson,
        Some(Format::Csv) => TextFormat::Csv,
        _ => TextFormat::Json(None),
    }
}

thread_local! {
    /// Set while a decoder runs behind `guarded`: its panics are messages,
    /// not printed by the panic hook.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs a third-party decoder (calamine, zip) so that a panic on a damaged
/// file is an error for that file: "this spreadsheet is damaged: ...".
pub fn guarded<T>(what: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(|g| g.get()) {
                previous(info);
            }
        }));
    });
    let was = GUARDED.with(|g| g.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the decoder failed".into());
        // The first line: an assertion's `left`/`right` lines say nothing more.
        let first = message.lines().next().unwrap_or_default();
        Err(format!(
            "this {what} is damaged: {}",
            text::printable(first, 200)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(name: &str, bytes: &[u8], format: Option<Format>) -> String {
        let e = decode(name, bytes.to_vec(), format, None).unwrap_err();
        assert!(!e.chars().any(char::is_control), "{e:?}");
        assert!(!e.contains('\u{fffd}'), "{e:?}");
        e
    }

    #[test]
    fn what_is_no_export_says_what_it_is_in_one_line() {
        let csv = Some(Format::Csv);
        for (bytes, want) in [
            (
                &b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"[..],
                "this is a PDF document, not an export: download the report as CSV or XLSX",
            ),
            (
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
                "this is a PNG image, not an export: download the report as CSV or XLSX",
            ),
            (
                b"\xFF\xD8\xFF\xE0\0\x10JFIF",
                "this is a JPEG image, not an export: download the report as CSV or XLSX",
            ),
            (
                b"GIF89a\x01\0\x01\0",
                "this is a GIF image, not an export: download the report as CSV or XLSX",
            ),
            (
                b"\x1F\x8B\x08\0\0\0\0\0",
                "this is a gzip-compressed file, not an export: decompress it and give the file inside",
            ),
            (
                b"",
                "the file is empty (0 bytes): the export was not downloaded completely; download it again",
            ),
            (
                &[0u8; 4096],
                "the file holds only NUL bytes (4096 of them), no export: it was not written out completely; download it again",
            ),
            (
                b"<!DOCTYPE html>\n<html lang=\"en\"><head><title>Meta Business Suite</title>",
                "this is an HTML page (a web page saved by the browser), not an export: download the report itself as CSV or XLSX",
            ),
        ] {
            assert_eq!(error("report.csv", bytes, csv), want);
            assert_eq!(error("report.xlsx", bytes, None), want);
        }
        let e = error("x.csv", b"\x01\x02\x03\x04\x00\x10\x11\x12\x13\x14abc", csv);
        assert!(e.starts_with("this is not text:"), "{e}");
    }

    #[test]
    fn utf16_without_a_mark_and_json_named_csv_are_read_by_their_content() {
        let text = "Date,Views\n2026-07-01,5\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let d = decode("daily.csv", le, Some(Format::Csv), None).unwrap();
        assert_eq!(d.grids[0].rows[1].cells.get(1), Some("5"));

        let d = decode(
            "media.csv",
            b"\xEF\xBB\xBF [{\"id\": 1}]".to_vec(),
            None,
            None,
        )
        .unwrap();
        assert!(d.json.is_some());
        let d = decode("m.json", b"{\"a\": 1}\n{\"a\": 2}\n".to_vec(), None, None).unwrap();
        assert_eq!(d.grids[0].rows.len(), 3, "NDJSON: a header and two rows");
        // Text named .json that is not JSON is CSV.
        let d = decode("m.json", b"a,b\n1,2\n".to_vec(), Some(Format::Json), None).unwrap();
        assert!(d.json.is_none());
        assert_eq!(d.grids[0].rows[1].cells.get(1), Some("2"));
        // Broken JSON with no CSV name is a JSON error.
        let e = error("m", b"{\"a\": ", None);
        assert!(e.starts_with("invalid JSON at line 1"), "{e}");
    }

    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, data) in members {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_member_declaring_a_huge_size_is_refused_before_it_is_inflated() {
        let mut z = zip_of(&[("Overview.csv", b"Date,Views\n2026-07-01,5\n")]);
        // The central directory's uncompressed size (offset 24 of its entry).
        let at = z.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        z[at + 24..at + 28].copy_from_slice(&0xF000_0000u32.to_le_bytes());
        let e = error("tiktok_2026.zip", &z, None);
        assert_eq!(
            e,
            "Overview.csv: this zip member declares 4026531840 bytes, more than the 1024 MiB kpiscope reads from one member: the zip is damaged, or extract it and give the exports one by one"
        );
    }

    #[test]
    fn a_zip_reads_its_members_by_their_content() {
        let book = xlsx::build::xlsx("S", &[vec!["Date".into(), "Views".into()]]);
        let z = zip_of(&[
            ("Overview.csv", b"Date,Views\n2026-07-01,5\n"),
            ("book.csv", &book),
            ("__MACOSX/._Overview.csv", b"\0\x05\x16\x07"),
        ]);
        let d = decode("tiktok_2026.zip", z, Some(Format::Csv), None).unwrap();
        let names: Vec<&str> = d.grids.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "tiktok_2026.zip/Overview.csv",
                "tiktok_2026.zip/book.csv [S]"
            ]
        );
        assert_eq!(d.grids[0].year_hint, Some(2026));
        // What cannot be an export is skipped; a zip of nothing else says so.
        let z = zip_of(&[
            ("Overview.csv", b"Date,Views\n2026-07-01,5\n"),
            ("notes.pdf", b"%PDF-1.4"),
        ]);
        assert_eq!(decode("e.zip", z, None, None).unwrap().grids.len(), 1);
        let z = zip_of(&[("notes.pdf", b"%PDF-1.4"), ("empty.csv", b"")]);
        assert_eq!(
            error("e.zip", &z, None),
            "this zip archive holds no export, only notes.pdf (a PDF document), empty.csv (empty)"
        );
        // A member that is an export but damaged is an error, named.
        let z = zip_of(&[
            ("Overview.csv", b"Date,Views\n"),
            ("book.xlsx", &book[..200]),
        ]);
        let e = error("e.zip", &z, None);
        assert!(
            e.starts_with("book.xlsx: this spreadsheet is damaged"),
            "{e}"
        );
    }

    #[test]
    fn an_ods_named_csv_is_read_as_a_spreadsheet() {
        let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Data">
<table:table-row><table:table-cell office:value-type="string"><text:p>Date</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Views</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="date" office:date-value="2026-07-01"><text:p>07/01/26</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="0.30000000000000004"><text:p>0.3</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#;
        let ods = zip_of(&[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("META-INF/manifest.xml", br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#),
            ("content.xml", content.as_bytes()),
        ]);
        let d = decode("export.csv", ods, Some(Format::Csv), None).unwrap();
        let rows: Vec<Vec<&str>> = d.grids[0]
            .rows
            .iter()
            .map(|r| r.cells.iter().collect())
            .collect();
        assert_eq!(d.grids[0].name, "export.csv [Data]");
        assert_eq!(rows, [vec!["Date", "Views"], vec!["2026-07-01", "0.3"]]);
    }

    #[test]
    fn content_is_told_from_the_bytes() {
        let book = xlsx::build::xlsx("S", &[vec!["a".into()]]);
        assert_eq!(Content::of(&book), Content::Xlsx);
        assert_eq!(Content::of(&book[..book.len() / 2]), Content::Xlsx);
        assert_eq!(Content::of(&zip_of(&[("a.csv", b"x")])), Content::Zip);
        let ods = zip_of(&[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("content.xml", b"<x/>"),
        ]);
        assert_eq!(Content::of(&ods), Content::Ods);
        assert_eq!(
            Content::of(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
            Content::Xls
        );
        let xlsb = zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.bin", b"\x83\x01"),
        ]);
        assert_eq!(
            Content::of(&xlsb),
            Content::Not("an Excel binary workbook (XLSB)")
        );
        let mut encrypted = OLE2.to_vec();
        encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            error("r.xlsx", &encrypted, None),
            "this spreadsheet is password-protected: open it and save it without a password, or download the report again"
        );
        assert_eq!(Content::of(b"Date,Views\n"), Content::Text);
        // A header starting like a weak signature is still text.
        assert_eq!(Content::of(b"MZ code,BZh\n1,2\n"), Content::Text);
        assert_eq!(Content::of(b"BZh,x\n1,2\n"), Content::Text);
        assert_eq!(
            Content::of(b"BZh91AY&SY\x01\x02"),
            Content::Not("a bzip2-compressed file")
        );
        assert!(is_plain_utf8_csv(b"date,network\n2026-01-01,x\n"));
        assert!(is_plain_utf8_csv("date,сеть\n".as_bytes()));
        // Cut inside a character: still plain UTF-8.
        assert!(is_plain_utf8_csv(&"date,сеть".as_bytes()[..7]));
        assert!(!is_plain_utf8_csv(b"\xFF\xFEd\0a\0"));
        assert!(!is_plain_utf8_csv(b"[{\"date\": 1}]"));
        assert!(!is_plain_utf8_csv(&book));
        let docx = zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w/>"),
        ]);
        assert_eq!(Content::of(&docx), Content::Not("a Word document"));
        assert_eq!(
            Content::of(&docx[..docx.len() - 30]),
            Content::Not("a Word document")
        );
        // An XLSX cut short reads as a damaged spreadsheet, not as text.
        let e = error("r.csv", &book[..book.len() / 3], Some(Format::Csv));
        assert!(e.starts_with("this spreadsheet is damaged: "), "{e}");
    }
}
