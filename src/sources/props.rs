//! Property tests of the whole reading path (decode, layouts, rows, the
//! plugin's kind): every built-in plugin's CSV fixtures, their cells replaced
//! by what real downloads hold (summary labels, decimal commas, the
//! network's error text, missing markers, long text), rows repeated, dropped
//! or blanked, read with the plugin. Reading must never panic, and when it
//! succeeds every row is accounted for: a `table` plugin makes one record of
//! a row or says why it made none.
//!
//! `PROPTEST_CASES` raises the number of cases (64 by default).

use proptest::prelude::*;

use super::context::FileCtx;
use super::emit::CollectSink;
use super::manifest::PluginKind;
use super::reader::read_file;
use super::registry::Registry;
use crate::records::tally::Tally;

/// Cells that broke readers before: labels of summary rows, both decimal
/// marks, thousands groups, missing markers, the network's own messages,
/// dates in other shapes, and text.
const CELLS: &[&str] = &[
    "",
    "Total",
    "Grand total",
    "Итого",
    "1,234",
    "44,53",
    "1 234,56",
    "1.234,56",
    "12.5%",
    "1.2K",
    "-",
    "N/A",
    "undefined",
    "0",
    "-7",
    "An error occurred while computing metadata",
    "Showing top 500 results",
    "Lifetime",
    "2026-03-01",
    "03/27/2026 06:08",
    "28 May",
    "Dec 15, 2023",
    "1.22158E+17",
    "nan",
    "inf",
    "1e308",
    "a \"quoted\" cell",
    "x,y",
    "line\nbreak",
    "数据概览",
];

/// How a fixture's rows are changed.
#[derive(Debug, Clone)]
enum Edit {
    /// Row `r` (modulo the rows), cell `c` (modulo its cells) becomes a cell of `CELLS`.
    Cell(usize, usize, usize),
    Repeat(usize),
    Drop(usize),
    Blank(usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        6 => (any::<usize>(), any::<usize>(), 0..CELLS.len()).prop_map(|(r, c, v)| Edit::Cell(r, c, v)),
        1 => any::<usize>().prop_map(Edit::Repeat),
        1 => any::<usize>().prop_map(Edit::Drop),
        1 => any::<usize>().prop_map(Edit::Blank),
    ];
    prop::collection::vec(edit, 0..12)
}

/// The built-in plugins' CSV fixtures (the text ones: `table` and `rhai`).
fn fixtures(registry: &Registry) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for p in &registry.plugins {
        if !matches!(p.manifest.kind, PluginKind::Table | PluginKind::Rhai) {
            continue;
        }
        for (name, bytes) in p.fixture_files() {
            if name.ends_with(".csv")
                && let Ok(text) = String::from_utf8(bytes)
            {
                out.push((p.manifest.name.clone(), name, text));
            }
        }
    }
    out.sort();
    assert!(out.len() > 20, "the fixtures are found");
    out
}

/// `text` with `edits` applied to its records (the header's included).
fn edited(text: &str, edits: &[Edit]) -> String {
    let mut rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .filter_map(|r| r.ok())
        .map(|r| r.iter().map(str::to_string).collect())
        .collect();
    for e in edits {
        if rows.is_empty() {
            break;
        }
        let n = rows.len();
        match *e {
            Edit::Cell(r, c, v) => {
                let row = &mut rows[r % n];
                if !row.is_empty() {
                    let len = row.len();
                    row[c % len] = CELLS[v].to_string();
                }
            }
            Edit::Repeat(r) => {
                let row = rows[r % n].clone();
                rows.insert(r % n, row);
            }
            Edit::Drop(r) => {
                rows.remove(r % n);
            }
            Edit::Blank(r) => {
                let len = rows[r % n].len();
                rows[r % n] = vec![String::new(); len];
            }
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in &rows {
        let _ = w.write_record(r);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

proptest! {
    #![proptest_config(crate::prop_config())]

    #[test]
    fn every_row_is_read_or_accounted_for(pick in any::<usize>(), edits in edits()) {
        let registry = Registry::load(std::path::Path::new("/nonexistent-workspace"))
            .expect("the built-in plugins load");
        let all = fixtures(&registry);
        let (plugin_name, name, text) = &all[pick % all.len()];
        let plugin = registry.get(plugin_name).expect("plugin");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(name);
        std::fs::write(&path, edited(text, &edits)).expect("write");
        let ctx = FileCtx::for_test(name, &path, dir.path(), plugin);
        let mut sink = CollectSink::default();
        let mut tally = Tally::new(name, plugin_name);
        let read = read_file(plugin, &registry, &ctx, &mut sink, &mut tally);
        match read {
            Ok(()) => {
                prop_assert_eq!(tally.records, sink.records.len() as u64);
                if plugin.manifest.kind == PluginKind::Table {
                    prop_assert_eq!(
                        tally.rows,
                        tally.records + tally.skipped_rows(),
                        "{}: {:?}", name, tally
                    );
                }
                for r in &sink.records {
                    for (m, x) in &r.metrics {
                        prop_assert!(x.is_finite(), "{name}: {m} = {x}");
                    }
                }
            }
            // An error names the file, and is one line a person can read.
            Err(e) => {
                let e = e.to_string();
                prop_assert!(e.contains(name.as_str()), "{e}");
                prop_assert!(!e.chars().any(|c| c.is_control() && c != '\n'), "{e}");
            }
        }
    }
}
