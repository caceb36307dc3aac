//! Reading one file with one plugin: decode it, find which of the plugin's
//! layouts each grid is, and hand the rows to the plugin's kind, whose
//! records go to a sink (the cube, or a list for `plugin test`).

use super::context::FileCtx;
use super::decode::grid::normalise;
use super::decode::text::printable;
use super::decode::{self, Decoded, Grid};
use super::emit::{Sink, push_record};
use super::layout::Layout;
use super::manifest::PluginKind;
use super::{Plugin, Registry, command, script, table};
use crate::diagnostic::suggest;
use crate::error::{Error, Result};
use crate::records::Record;
use crate::records::tally::Tally;

/// Reads `file` with `plugin`, and accounts for its rows in `tally`.
/// `registry` names what the file looks like when the plugin does not read it.
///
/// The way from bytes to records is the same for every plugin kind: decode
/// the bytes into grids (`decode`), find each grid's layout and header
/// (`match_layouts`), take its data rows (`rows::DataRows`), and let the
/// plugin's kind map each row (`table`, `script`). A large file of
/// delimited text is not held: its grids hold their first rows, and the
/// rest is read from disk as it is mapped, each record handed to `sink` as
/// it is made (`decode::decode_file`).
pub fn read_file(
    plugin: &Plugin,
    registry: &Registry,
    ctx: &FileCtx,
    sink: &mut dyn Sink,
    tally: &mut Tally,
) -> Result<()> {
    read_file_from(plugin, registry, ctx, sink, tally, decode::STREAM_FROM)
}

/// [`read_file`], streaming delimited text of `stream_from` bytes or more
/// (tests stream small files, to compare both ways).
fn read_file_from(
    plugin: &Plugin,
    registry: &Registry,
    ctx: &FileCtx,
    sink: &mut dyn Sink,
    tally: &mut Tally,
    stream_from: u64,
) -> Result<()> {
    let m = &plugin.manifest;
    let push_all = |records: Vec<Record>, sink: &mut dyn Sink, tally: &mut Tally| {
        tally.records += records.len() as u64;
        for r in &records {
            push_record(sink, r);
        }
    };
    if m.kind == PluginKind::Command {
        let records = command::run(plugin, ctx)?;
        tally.rows += records.len() as u64;
        push_all(records, sink, tally);
        return Ok(());
    }
    let decoded = decode_for(plugin, ctx, stream_from)?;
    if m.kind == PluginKind::Canonical {
        for g in &decoded.grids {
            let records = super::canonical::records_of(g, ctx)?;
            tally.rows += records.len() as u64;
            push_all(records, sink, tally);
        }
        return Ok(());
    }
    if m.kind == PluginKind::Rhai && decoded.json.is_some() && plugin.maps_documents() {
        push_all(script::map_document(plugin, &decoded, ctx)?, sink, tally);
        return Ok(());
    }
    let matches = match_layouts(&decoded, &m.layouts);
    if matches.is_empty() {
        return Err(not_this_plugin(plugin, registry, &decoded, ctx));
    }
    unread_tables(&decoded, &matches, tally)?;
    for (grid, h, layout) in matches {
        tally.layout(&layout.title);
        match (m.kind, &layout.mapping) {
            (PluginKind::Table, Some(map)) => table::read(grid, h, layout, map, ctx, sink, tally)?,
            (PluginKind::Rhai, _) => script::map_rows(plugin, grid, h, layout, ctx, sink, tally)?,
            _ => {}
        }
    }
    Ok(())
}

/// Accounts for the tables of a file that no layout reads: a table with a
/// header of its own (GA4's chart series after its blank line) is counted as
/// skipped rows; rows of data with no header, after a blank line that split a
/// table, would be lost, and stop the file.
fn unread_tables(
    decoded: &Decoded,
    matches: &[(&Grid, usize, &super::layout::Layout)],
    tally: &mut Tally,
) -> Result<()> {
    use super::decode::value::{NumberStyle, is_missing, parse_value};
    use super::rows::blank;
    for g in &decoded.grids {
        if matches.iter().any(|(m, _, _)| std::ptr::eq(*m, g)) {
            continue;
        }
        let Some(first) = g.rows.iter().find(|r| !blank(r)) else {
            continue;
        };
        // A Total row below a blank line (the last rows of an export that
        // set its sums apart): a summary, as it would be without the blank.
        let filled = |r: &&super::decode::Row| !blank(r);
        let continues = matches
            .iter()
            .any(|(m, h, _)| m.rows[*h].cells.len() == first.cells.len());
        if continues
            && g.rows
                .iter()
                .filter(filled)
                .all(|r| super::rows::labelled_total(&r.cells))
        {
            for r in g.rows.iter().filter(filled) {
                tally.rows += 1;
                tally.skip(super::rows::skip::TOTAL, r.line);
            }
            continue;
        }
        let figures = first
            .cells
            .iter()
            .filter(|c| !is_missing(c) && parse_value(c, NumberStyle::default()).is_ok())
            .count();
        let width = first.cells.iter().filter(|c| !c.trim().is_empty()).count();
        if figures > 0 && width > 1 && continues {
            return Err(Error::Data {
                file: g.name.clone(),
                line: first.line as usize,
                message: "a blank line above this row splits the table, and the rows below it have no header: they would not be read; remove the blank line".into(),
            });
        }
        let header: Vec<&str> = first
            .cells
            .iter()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let why = format!("row of a table no layout reads (`{}`)", header.join("`, `"));
        let mut rows = g.rows_after(0);
        for r in rows.by_ref() {
            if !blank(&r) {
                tally.rows += 1;
                tally.skip(&why, r.line);
            }
        }
        if let Some(e) = rows.error() {
            return Err(Error::Data {
                file: g.name.clone(),
                line: 0,
                message: e.to_string(),
            });
        }
    }
    Ok(())
}

/// The file's bytes decoded. What the bytes are decides first (an XLSX is a
/// spreadsheet whatever its name, and a PDF is refused); for text, the
/// format all the plugin's layouts share picks CSV or JSON, and their shared
/// delimiter CSV's. A layout's `format = "csv"` names the table an export
/// holds, so it reads a spreadsheet download of the same report too.
pub fn decode_for(plugin: &Plugin, ctx: &FileCtx, stream_from: u64) -> Result<Decoded> {
    let layouts = &plugin.manifest.layouts;
    let format = layouts
        .first()
        .and_then(|l| l.format)
        .filter(|f| layouts.iter().all(|l| l.format == Some(*f)));
    let delimiter = layouts
        .first()
        .and_then(|l| l.delimiter)
        .filter(|d| layouts.iter().all(|l| l.delimiter == Some(*d)));
    let Some(path) = &ctx.path else {
        // No file (a command's source): nothing to decode, and no "empty file".
        return Ok(Decoded::default());
    };
    decode::decode_file(path, &ctx.shown, format, delimiter, stream_from).map_err(|message| {
        Error::Data {
            file: ctx.shown.clone(),
            line: 0,
            message,
        }
    })
}

/// Every grid a layout reads, with its header row and the layout.
pub fn match_layouts<'a>(
    decoded: &'a Decoded,
    layouts: &'a [Layout],
) -> Vec<(&'a Grid, usize, &'a Layout)> {
    decoded
        .grids
        .iter()
        .filter_map(|g| {
            layouts.iter().find_map(|l| {
                if l.detect.is_empty() || !l.accepts_name(&g.name) {
                    return None;
                }
                g.find_header(&l.detect, l.detect_title.as_deref())
                    .map(|h| (g, h, l))
            })
        })
        .collect()
}

/// Why `plugin` does not read the file: what it looks like instead, or which
/// of the columns the plugin needs are missing.
fn not_this_plugin(
    plugin: &Plugin,
    registry: &Registry,
    decoded: &Decoded,
    ctx: &FileCtx,
) -> Error {
    let m = &plugin.manifest;
    let others: Vec<String> = registry
        .plugins
        .iter()
        .filter(|p| p.manifest.name != m.name)
        .filter(|p| {
            p.manifest.kind != PluginKind::Canonical
                || decoded
                    .grids
                    .first()
                    .and_then(|g| g.rows.first())
                    .is_some_and(|r| super::canonical::is_canonical_header(&r.cells))
        })
        .flat_map(|p| {
            match_layouts(decoded, &p.manifest.layouts)
                .into_iter()
                .map(|(_, _, l)| format!("{} (plugin `{}`)", l.title, p.manifest.name))
                .collect::<Vec<_>>()
        })
        .collect();
    let header: Vec<String> = decoded
        .grids
        .iter()
        .find_map(|g| g.likely_header())
        .map(|r| {
            r.cells
                .iter()
                .map(|c| printable(c.trim(), 80).into_owned())
                .collect()
        })
        .unwrap_or_default();
    let found = decoded
        .grids
        .iter()
        .find_map(|g| g.likely_header())
        .map(|r| {
            r.cells
                .iter()
                .map(|c| format!("`{}`", printable(c.trim(), 80)))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_else(|| "none".into());
    let message = if let Some(other) = others.first() {
        format!(
            "this looks like {}, which plugin `{}` does not read: name the right plugin in the [[source]]",
            article(other),
            m.name
        )
    } else {
        let wanted =
            m.layouts
                .iter()
                .map(|l| {
                    let missing: Vec<String> =
                        l.detect
                            .iter()
                            .filter(|d| {
                                !decoded.grids.iter().any(|g| {
                                    g.rows.iter().take(30).any(|r| {
                                        r.cells.iter().any(|c| normalise(c) == normalise(d))
                                    })
                                })
                            })
                            .map(|d| {
                                // The nearest column found, for a renamed or misspelled header.
                                let near = suggest(d, header.iter().map(String::as_str))
                                    .map(|n| format!(" (found `{n}`)"))
                                    .unwrap_or_default();
                                format!("`{d}`{near}")
                            })
                            .collect();
                    if missing.is_empty() {
                        format!(
                            "{} (its header row with `{}` not found)",
                            l.title,
                            l.detect_title.clone().unwrap_or_default()
                        )
                    } else {
                        format!("{} needs {}", l.title, missing.join(", "))
                    }
                })
                .collect::<Vec<_>>()
                .join("; ");
        format!(
            "plugin `{}` does not read this file: {wanted}. The columns found are: {found}",
            m.name
        )
    };
    Error::Data {
        file: ctx.shown.clone(),
        line: 0,
        message,
    }
}

fn article(s: &str) -> String {
    // "an X export": a lone letter can sound like a vowel.
    let first = s.split_whitespace().next().unwrap_or("");
    let vowel = first.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u'])
        || (first.len() == 1 && "FHLMNRSX".contains(first));
    format!("{} {s}", if vowel { "an" } else { "a" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::emit::CollectSink;
    use std::path::Path;

    /// What reading `path` gives, streamed from `stream_from` bytes: the
    /// records in the order made, and the tally; or the error.
    fn read(plugin: &Plugin, path: &Path, stream_from: u64) -> (Vec<String>, Tally, String) {
        let registry = Registry::builtin();
        let shown = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let root = path.parent().unwrap_or(Path::new("/"));
        let ctx = FileCtx::for_test(&shown, path, root, plugin);
        let mut sink = CollectSink::default();
        let mut tally = Tally::new(&shown, &plugin.manifest.name);
        let error = read_file_from(plugin, &registry, &ctx, &mut sink, &mut tally, stream_from)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        let records = sink.records.iter().map(Record::to_line).collect();
        (records, tally, error)
    }

    /// Reading `bytes` streamed gives exactly what reading them whole does.
    fn same_both_ways(plugin: &Plugin, dir: &Path, name: &str, bytes: &[u8]) -> (usize, String) {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        let whole = read(plugin, &path, u64::MAX);
        let streamed = read(plugin, &path, 0);
        assert_eq!(whole.2, streamed.2, "{name}: the error");
        assert_eq!(whole.1, streamed.1, "{name}: the tally");
        assert!(whole.0 == streamed.0, "{name}: the records differ");
        (whole.0.len(), whole.2)
    }

    #[test]
    fn every_fixture_reads_the_same_streamed_in_every_encoding() {
        let registry = Registry::builtin();
        let dir = tempfile::tempdir().expect("temp dir");
        let mut read_some = 0;
        for plugin in &registry.plugins {
            if !matches!(plugin.manifest.kind, PluginKind::Table | PluginKind::Rhai) {
                continue;
            }
            for (name, bytes) in plugin.fixture_files() {
                if name.ends_with(".jsonl") || name.ends_with(".toml") || name.ends_with(".md") {
                    continue;
                }
                let (records, _) = same_both_ways(plugin, dir.path(), &name, &bytes);
                read_some += usize::from(records > 0);
                let Ok(text) = std::str::from_utf8(&bytes) else {
                    continue;
                };
                // UTF-16 with a mark and without, and a byte no UTF-8 holds
                // at the end, which makes the whole file Windows-1252.
                let le: Vec<u8> = [0xFF, 0xFE]
                    .into_iter()
                    .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                    .collect();
                let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
                let mut cp1252 = bytes.clone();
                cp1252.extend_from_slice(b"\n\xE9t\xE9\n");
                for (variant, bytes) in [("le", le), ("be", be), ("cp1252", cp1252)] {
                    same_both_ways(plugin, dir.path(), &format!("{variant}_{name}"), &bytes);
                }
            }
        }
        assert!(read_some > 30, "the fixtures are read: {read_some}");
    }

    /// An X daily export of `rows` data rows: a summary row of the sums
    /// first (Ads Manager's and X's "include totals"), CRLF line ends, a
    /// cell over two lines, and `bad` written in the impressions of the row
    /// at index `bad_at`.
    fn x_daily(rows: usize, bad_at: Option<(usize, &str)>) -> String {
        // The columns the plugin maps, and one it does not.
        let header = "\"Date\",\"Tweets published\",\"impressions\",\"engagements\",\"retweets\",\"replies\",\"likes\",\"email tweet\",\"user profile clicks\",\"url clicks\",\"hashtag clicks\",\"detail expands\",\"permalink clicks\"\r\n";
        let clicks = ",\"1\",\"2\",\"0\",\"3\",\"1\"";
        let mut body = String::new();
        let mut sums = [0u64; 5];
        for i in 0..rows {
            let figures = [i % 97, i % 13, i % 7, i % 5, i % 11].map(|x| x as u64);
            for (s, x) in sums.iter_mut().zip(figures) {
                *s += x;
            }
            let impressions = match bad_at {
                Some((at, bad)) if at == i => bad.to_string(),
                _ => format!("{}.0", figures[0]),
            };
            let note = if i == 7 { "\"a\r\nb\"" } else { "\"0\"" };
            body.push_str(&format!(
                "\"2019-{:02}-{:02}\",\"1\",\"{impressions}\",\"{}.0\",\"{}.0\",\"{}.0\",\"{}.0\",{note}{clicks}\r\n",
                i / 28 % 12 + 1,
                i % 28 + 1,
                figures[1],
                figures[2],
                figures[3],
                figures[4],
            ));
        }
        let summary = format!(
            "\"\",\"\",\"{}.0\",\"{}.0\",\"{}.0\",\"{}.0\",\"{}.0\",\"\",\"{rows}\",\"{}\",\"0\",\"{}\",\"{rows}\"\r\n",
            sums[0],
            sums[1],
            sums[2],
            sums[3],
            sums[4],
            2 * rows,
            3 * rows
        );
        format!("{header}{summary}{body}")
    }

    #[test]
    fn a_file_larger_than_the_streaming_size_reads_as_it_does_whole() {
        let registry = Registry::builtin();
        let x = registry.get("x").expect("the x plugin");
        let dir = tempfile::tempdir().expect("temp dir");
        // Past the size files stream from, and many blocks and csv buffers
        // long; a Total row last, then a blank line and a second table,
        // which no layout reads.
        let mut text = x_daily(70_000, None);
        text.push_str("\"Total\",\"\",\"1.0\",\"1.0\",\"1.0\",\"1.0\",\"1.0\",\"\",\"1\",\"1\",\"1\",\"1\",\"1\"\r\n\r\n");
        text.push_str("\"Tweet id\",\"Tweet text\"\r\n\"1\",\"hello\"\r\n\"2\",\"again\"\r\n");
        assert!(text.len() as u64 > decode::STREAM_FROM, "{}", text.len());
        let path = dir.path().join("daily_tweet_activity_metrics_acme.csv");
        std::fs::write(&path, &text).expect("write");
        // Its rows are on disk, not held.
        let decoded =
            decode::decode_file(&path, "t.csv", None, None, decode::STREAM_FROM).expect("decoded");
        assert!(matches!(
            decoded.grids[0].rest.as_ref().map(|r| &r.text),
            Some(decode::stored::Stored::OnDisk(_))
        ));
        let whole = read(x, &path, u64::MAX);
        let streamed = read(x, &path, decode::STREAM_FROM);
        assert_eq!(streamed.2, "");
        assert_eq!(whole.1, streamed.1);
        assert!(whole.0 == streamed.0, "the records differ");
        let t = &streamed.1;
        assert_eq!(t.records, 70_000, "{t:?}");
        assert_eq!(t.rows, 70_000 + 2 + 2, "{t:?}");
        let skipped: Vec<(&str, u64, u64)> = t
            .skipped
            .iter()
            .map(|(why, s)| (why.as_str(), s.rows, s.first_line))
            .collect();
        // The summary row on line 2; the cell over two lines on row 7 puts
        // the Total row on line 70,000 + 2 + 1 + 1.
        assert_eq!(
            skipped,
            [
                ("Total row", 1, 70_004),
                (
                    "row of a table no layout reads (`Tweet id`, `Tweet text`)",
                    2,
                    70_007
                ),
                ("summary row (the other rows' sums)", 1, 2),
            ]
        );
    }

    #[test]
    fn a_row_error_deep_in_a_streamed_file_names_its_line() {
        let registry = Registry::builtin();
        let x = registry.get("x").expect("the x plugin");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("daily_tweet_activity_metrics_acme.csv");
        std::fs::write(&path, x_daily(60_000, Some((54_321, "12x")))).expect("write");
        let (_, _, error) = read(x, &path, 0);
        // Line: the header, the summary, the row's index from 1, and the
        // cell over two lines before it.
        assert_eq!(
            error,
            "daily_tweet_activity_metrics_acme.csv:54325: column `impressions`: `12x` is not a number"
        );
    }

    #[test]
    fn split_daily_series_stream_through_a_script_plugin() {
        // Business Suite's daily series one below the other, each with its
        // title and a copy of the header, no blank line between: the
        // facebook plugin's map.rhai reads each under its own network.
        let registry = Registry::builtin();
        let facebook = registry.get("facebook").expect("the facebook plugin");
        let dir = tempfile::tempdir().expect("temp dir");
        let mut text = String::from("sep=,\r\n");
        for (title, days) in [("Facebook reach", 3000), ("Instagram reach", 2500)] {
            text.push_str(&format!("\"{title}\"\r\n\"Date\",\"Primary\"\r\n"));
            for i in 0..days {
                text.push_str(&format!(
                    "\"{}T00:00:00\",\"{}\"\r\n",
                    crate::aggregate::period::format_day(
                        crate::aggregate::period::parse_day("2020-01-01").expect("day") + i
                    ),
                    i % 50
                ));
            }
        }
        let (records, error) = same_both_ways(facebook, dir.path(), "Reach.csv", text.as_bytes());
        assert_eq!(error, "");
        assert_eq!(records, 5500);
    }
}
