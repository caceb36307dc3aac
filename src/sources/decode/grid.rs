//! A grid: a decoded table of text cells, whatever file it came from, with
//! each row's line in that file for messages.

/// One row of cells and where it was in the file.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based line (CSV), row (XLSX) or element (JSON) number.
    pub line: u64,
    /// The cells in one buffer (one allocation a row, not one a cell).
    pub cells: csv::StringRecord,
}

#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// As messages show it: `data/posts.csv`, `book.xlsx [All posts]`,
    /// `export.zip/Overview.csv`.
    pub name: String,
    pub rows: Vec<Row>,
    /// `# Key: value` lines before the table.
    pub preamble: Vec<(String, String)>,
    /// The year a year-less date belongs to, from the file's (or zip's) name.
    pub year_hint: Option<i32>,
}

/// A header cell as compared: trimmed, without a byte-order mark, lowercase.
pub fn normalise(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
}

impl Grid {
    /// The index of the first row (among the first 30) that holds every
    /// `detect` name, with `title` (if any) in a row above it.
    pub fn find_header(&self, detect: &[String], title: Option<&str>) -> Option<usize> {
        let want: Vec<String> = detect.iter().map(|d| normalise(d)).collect();
        let title = title.map(|t| t.to_lowercase());
        self.rows
            .iter()
            .take(30)
            .position(|row| {
                let cells: Vec<String> = row.cells.iter().map(normalise).collect();
                want.iter().all(|w| cells.contains(w))
            })
            .filter(|&h| match &title {
                None => true,
                Some(t) => self.rows[..h].iter().any(|r| {
                    r.cells
                        .iter()
                        .any(|c| c.to_lowercase().contains(t.as_str()))
                }),
            })
    }

    /// The fullest of the first rows, the first of equals: the header as a
    /// person sees it (title lines above it hold a cell or two).
    pub fn likely_header(&self) -> Option<&Row> {
        let filled = |r: &Row| r.cells.iter().filter(|c| !c.trim().is_empty()).count();
        self.rows
            .iter()
            .take(30)
            .filter(|r| filled(r) >= 2)
            .reduce(|best, r| if filled(r) > filled(best) { r } else { best })
    }

    pub fn preamble(&self, key: &str) -> Option<&str> {
        self.preamble
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key.trim()))
            .map(|(_, v)| v.as_str())
    }
}
