//! Any bytes as an export: content sniffing, delimited text, XLSX, XLS,
//! ODS, zip (nested too), JSON, NDJSON, UTF-16; then every row of every
//! table through the data-row rules (summaries, decimal marks, notes).
//! Nothing may panic, abort or run past the decode limits.
#![no_main]

use kpiscope::sources::decode::{self, value::NumberStyle};
use kpiscope::sources::rows::DataRows;
use libfuzzer_sys::fuzz_target;

/// The name a file may have: it picks the format only where the bytes
/// do not tell it (text).
const NAMES: [&str; 5] = ["x.csv", "x.json", "x.tsv", "x.ndjson", "x 2026.xlsx"];

fuzz_target!(|data: &[u8]| {
    let name = NAMES[data.len() % NAMES.len()];
    let Ok(decoded) = decode::decode(name, data.to_vec(), None, None) else {
        return;
    };
    // Rows are read from a header row, as the reader finds one: a table
    // without rows has none.
    for g in decoded.grids.iter().filter(|g| !g.rows.is_empty()) {
        let h = g
            .likely_header()
            .and_then(|r| g.rows.iter().position(|x| x.line == r.line))
            .unwrap_or(0);
        let mut rows = DataRows::of(g, h, None, NumberStyle::default());
        for row in rows.by_ref() {
            std::hint::black_box(row.cells.len());
        }
        let mut tally = kpiscope::records::tally::Tally::default();
        let _ = rows.finish(&mut tally);
    }
});
