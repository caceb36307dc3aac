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
    for g in &decoded.grids {
        if matches.iter().any(|(m, _, _)| std::ptr::eq(*m, g)) {
            continue;
        }
        let Some(first) = g
            .rows
            .iter()
            .find(|r| r.cells.iter().any(|c| !c.trim().is_empty()))
        else {
            continue;
        };
        let figures = first
            .cells
            .iter()
            .filter(|c| !is_missing(c) && parse_value(c, NumberStyle::default()).is_ok())
            .count();
        let width = first.cells.iter().filter(|c| !c.trim().is_empty()).count();
        let continues = matches
            .iter()
            .any(|(m, h, _)| m.rows[*h].cells.len() == first.cells.len());
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
            if r.cells.iter().any(|c| !c.trim().is_empty()) {
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
