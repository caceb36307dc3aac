//! Reading one file with one plugin: decode it, find which of the plugin's
//! layouts each grid is, and hand the rows to the plugin's kind, whose
//! records go to a sink (the cube, or a list for `plugin test`).

use std::path::{Path, PathBuf};

use super::decode::value::{is_missing, parse_value};
use std::borrow::Cow;

use super::decode::grid::{RowsAfter, normalise};
use super::decode::{self, Decoded, Grid, Row};
use super::emit::{Sink, push_record};
use super::layout::Layout;
use super::manifest::PluginKind;
use super::{Plugin, Registry, command, script, table};
use crate::diagnostic::suggest;
use crate::error::{Error, Result};
use crate::records::Record;

/// What reading a file needs besides the plugin: where it is and the
/// source's settings.
#[derive(Debug, Clone)]
pub struct FileCtx {
    /// The file as messages show it.
    pub shown: String,
    pub path: Option<PathBuf>,
    pub root: PathBuf,
    pub timezone: jiff::tz::TimeZone,
    /// The source's `year` for year-less dates.
    pub year: Option<i32>,
    /// The source's `account`, which wins over an account column.
    pub account: Option<String>,
    /// The source's `network`, which wins over the plugin's.
    pub network: Option<String>,
    pub plugin_network: Option<String>,
    pub settings: toml::Table,
}

impl FileCtx {
    /// The source's network, else the row's, else the plugin's.
    pub fn network<'a>(&'a self, from_row: Option<&'a str>) -> &'a str {
        self.network
            .as_deref()
            .or(from_row.filter(|n| !n.is_empty()))
            .or(self.plugin_network.as_deref())
            .unwrap_or("unknown")
    }

    /// The source's account, else the row's, else the network's name (one
    /// account per network needs no setting).
    pub fn account<'a>(&'a self, from_row: Option<&'a str>, network: &'a str) -> &'a str {
        self.account
            .as_deref()
            .or(from_row.filter(|a| !a.is_empty()))
            .unwrap_or(network)
    }
}

/// The data rows of a grid below its header: never a `Total` row, a second
/// header row of descriptions, a repeated header or an empty row.
pub struct DataRows<'g> {
    rows: RowsAfter<'g>,
    header: &'g csv::StringRecord,
    first: bool,
}

impl<'g> DataRows<'g> {
    pub fn new(grid: &'g Grid, h: usize) -> DataRows<'g> {
        DataRows {
            rows: grid.rows_after(h),
            header: &grid.rows[h].cells,
            first: true,
        }
    }
}

impl<'g> Iterator for DataRows<'g> {
    type Item = Cow<'g, Row>;
    fn next(&mut self) -> Option<Cow<'g, Row>> {
        loop {
            let row = self.rows.next()?;
            let first = std::mem::take(&mut self.first);
            if row.cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let is_total = row.cells.iter().take(2).any(|c| {
                let c = c.trim();
                [
                    "total",
                    "totals",
                    "grand total",
                    "итого",
                    "total général",
                    "gesamt",
                ]
                .iter()
                .any(|t| c.eq_ignore_ascii_case(t) || (!c.is_ascii() && c.to_lowercase() == *t))
            });
            // A repeated header is a verbatim copy: no need to fold case.
            let repeats_header = row.cells.len() == self.header.len()
                && row
                    .cells
                    .iter()
                    .zip(self.header)
                    .all(|(a, b)| a.trim() == b.trim().trim_start_matches('\u{feff}'));
            if is_total || repeats_header {
                continue;
            }
            if first && describes(&row.cells) {
                continue;
            }
            return Some(row);
        }
    }
}

/// Whether a row is a second header row of descriptions: sentences, no
/// numbers. At least half of its cells hold five words or more (a date holds
/// four at most, so a first post with a date, a message and no figures yet is
/// data).
fn describes(cells: &csv::StringRecord) -> bool {
    let filled: Vec<&str> = cells
        .iter()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let sentences = filled
        .iter()
        .filter(|c| c.split_whitespace().count() >= 5)
        .count();
    filled.len() >= 2
        && sentences * 2 >= filled.len()
        && filled
            .iter()
            .all(|c| !is_missing(c) && parse_value(c, Default::default()).is_err())
}

/// Reads `file` with `plugin`. `registry` names what the file looks like
/// when the plugin does not read it.
pub fn read_file(
    plugin: &Plugin,
    registry: &Registry,
    ctx: &FileCtx,
    sink: &mut dyn Sink,
) -> Result<()> {
    let m = &plugin.manifest;
    let push_all = |records: Vec<Record>, sink: &mut dyn Sink| {
        for r in &records {
            push_record(sink, r);
        }
    };
    if m.kind == PluginKind::Command {
        push_all(command::run(plugin, ctx)?, sink);
        return Ok(());
    }
    let decoded = decode_for(plugin, ctx)?;
    if m.kind == PluginKind::Canonical {
        for g in &decoded.grids {
            push_all(super::canonical::records_of(g, ctx)?, sink);
        }
        return Ok(());
    }
    if m.kind == PluginKind::Rhai && decoded.json.is_some() && plugin.maps_documents() {
        push_all(script::map_document(plugin, &decoded, ctx)?, sink);
        return Ok(());
    }
    let matches = match_layouts(&decoded, &m.layouts);
    if matches.is_empty() {
        return Err(not_this_plugin(plugin, registry, &decoded, ctx));
    }
    for (grid, h, layout) in matches {
        match (m.kind, &layout.mapping) {
            (PluginKind::Table, Some(map)) => table::read(grid, h, layout, map, ctx, sink)?,
            (PluginKind::Rhai, _) => {
                push_all(script::map_rows(plugin, grid, h, layout, ctx)?, sink)
            }
            _ => {}
        }
    }
    Ok(())
}

/// The file's bytes decoded. What the bytes are decides first (an XLSX is a
/// spreadsheet whatever its name, and a PDF is refused); for text, the
/// format all the plugin's layouts share picks CSV or JSON, and their shared
/// delimiter CSV's. A layout's `format = "csv"` names the table an export
/// holds, so it reads a spreadsheet download of the same report too.
pub fn decode_for(plugin: &Plugin, ctx: &FileCtx) -> Result<Decoded> {
    let layouts = &plugin.manifest.layouts;
    let format = layouts
        .first()
        .and_then(|l| l.format)
        .filter(|f| layouts.iter().all(|l| l.format == Some(*f)));
    let delimiter = layouts
        .first()
        .and_then(|l| l.delimiter)
        .filter(|d| layouts.iter().all(|l| l.delimiter == Some(*d)));
    let bytes = match &ctx.path {
        Some(p) => read_bytes(p, &ctx.shown)?,
        // No file (a command's source): nothing to decode, and no "empty file".
        None => return Ok(Decoded::default()),
    };
    decode::decode(&ctx.shown, bytes, format, delimiter).map_err(|message| Error::Data {
        file: ctx.shown.clone(),
        line: 0,
        message,
    })
}

pub fn read_bytes(path: &Path, shown: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::Data {
        file: shown.to_string(),
        line: 0,
        message: format!("cannot read the file: {e}"),
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
        .map(|r| r.cells.iter().map(|c| c.trim().to_string()).collect())
        .unwrap_or_default();
    let found = decoded
        .grids
        .iter()
        .find_map(|g| g.likely_header())
        .map(|r| {
            r.cells
                .iter()
                .map(|c| format!("`{}`", c.trim()))
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
    use super::DataRows;
    use crate::sources::decode::delimited::grids;

    fn kept(text: &str) -> Vec<u64> {
        let g = &grids(text.to_string(), "t.csv", None)[0];
        DataRows::new(g, 0).map(|r| r.line).collect()
    }

    #[test]
    fn data_rows_skip_what_is_not_data() {
        // A description row (legacy Page Insights), a Total row, a repeated
        // header (Ads Manager) and an empty row are not data.
        assert_eq!(
            kept(
                "Date,Daily Reach,Weekly Reach\n,Daily: The number of people reached,Weekly: The number of people reached\n01/02/22,5,9\nTotal,5,9\nDate,Daily Reach,Weekly Reach\n,,\n01/03/22,6,10\n"
            ),
            [3, 7]
        );
        // A first post with text but no figures yet is data.
        assert_eq!(
            kept(
                "Post,Published,Message,Reach,Likes,Comments\np1,\"Mar 2, 2026\",Our new spring blend is here,,,\np2,\"Mar 3, 2026\",Hi,5,1,0\n"
            ),
            [2, 3]
        );
    }
}
