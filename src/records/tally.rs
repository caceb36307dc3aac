//! What reading one input found: the rows read, the records made, every row
//! skipped with its reason, the values dropped as duplicates, and the columns
//! left unmapped. Nothing a file holds goes unaccounted for: `-v` prints a
//! tally per file, `check`/`eval --format json` carry them, `plugin test`
//! shows them.

use std::collections::BTreeMap;

use serde::Serialize;

/// Rows skipped for one reason.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Skipped {
    pub rows: u64,
    /// The first such row's line, for a person to look at.
    pub first_line: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Tally {
    /// The file as messages show it (or the command's source).
    pub file: String,
    pub plugin: String,
    /// The layouts that read its tables.
    pub layouts: Vec<String>,
    /// Data rows met below the headers (titles, headers and blank lines
    /// are not rows).
    pub rows: u64,
    pub records: u64,
    /// Rows that are not data, by reason: `Total` rows, notes and errors the
    /// network writes into its exports, rows without a date...
    pub skipped: BTreeMap<String, Skipped>,
    /// Values dropped because an earlier file (or the same post id) already
    /// counted them.
    pub duplicates: u64,
    /// Rows added to an earlier row of the same file with the same day,
    /// account and dimensions (a breakdown the plugin does not map, or ads
    /// sharing a name).
    pub merged: u64,
    /// Columns that hold numbers and that the plugin does not map.
    pub unmapped: Vec<String>,
    /// What a person should look at: an ambiguous decimal mark, a row that
    /// looks like a summary but is not the sum of the others...
    pub warnings: Vec<String>,
    /// The first and the last day of the records the file brought, for the
    /// error on a span beyond sense (see `Cube::span_problem`).
    #[serde(skip)]
    pub days: Option<(i32, i32)>,
    /// The cube's number of this input, for what is counted after loading.
    #[serde(skip)]
    pub input: u32,
    /// Values of stocks in merged rows: one row's stands for the day.
    #[serde(skip)]
    pub merged_stocks: u64,
}

impl Tally {
    pub fn new(file: &str, plugin: &str) -> Tally {
        Tally {
            file: file.to_string(),
            plugin: plugin.to_string(),
            ..Tally::default()
        }
    }

    /// The warning for values of stocks in merged rows, once their count is
    /// known.
    pub fn warn_merged_stocks(&mut self) {
        let stocks = self.merged_stocks;
        if stocks > 0 {
            self.warn(format!(
                "{stocks} values of metrics that do not add up (followers, or another `last`, `max`, `min` or `mean` metric) fall on a day, account and dimensions that another row of this file gives too: one row's value stands for the day; does the export break the account down by something the plugin does not keep (a region, a network)?"
            ));
        }
    }

    pub fn skip(&mut self, reason: &str, line: u64) {
        self.skip_rows(reason.to_string(), 1, line);
    }

    /// `rows` rows skipped for `reason`, the first of them at `first_line`.
    fn skip_rows(&mut self, reason: String, rows: u64, first_line: u64) {
        let s = self.skipped.entry(reason).or_default();
        if s.rows == 0 {
            s.first_line = first_line;
        }
        s.rows += rows;
    }

    /// Adds what a part of the file (one table's rows) found.
    pub fn absorb(&mut self, part: Tally) {
        self.rows += part.rows;
        for (why, s) in part.skipped {
            self.skip_rows(why, s.rows, s.first_line);
        }
        for w in part.warnings {
            self.warn(w);
        }
    }

    pub fn skipped_rows(&self) -> u64 {
        self.skipped.values().map(|s| s.rows).sum()
    }

    pub fn warn(&mut self, message: String) {
        if !self.warnings.contains(&message) {
            self.warnings.push(message);
        }
    }

    pub fn layout(&mut self, title: &str) {
        if !self.layouts.iter().any(|l| l == title) {
            self.layouts.push(title.to_string());
        }
    }

    /// One line for `-v`: `data/x.csv (x: X tweet-activity export): 120
    /// rows, 118 records; skipped 1 Total row (line 2), ...`.
    pub fn summary(&self) -> String {
        let mut out = format!("{} ({}", self.file, self.plugin);
        if !self.layouts.is_empty() {
            out.push_str(&format!(": {}", self.layouts.join(", ")));
        }
        out.push_str(&format!("): {} rows, {} records", self.rows, self.records));
        if !self.skipped.is_empty() {
            let parts: Vec<String> = self
                .skipped
                .iter()
                .map(|(why, s)| format!("{} {why} (line {})", s.rows, s.first_line))
                .collect();
            out.push_str(&format!("; skipped {}", parts.join(", ")));
        }
        if self.duplicates > 0 {
            out.push_str(&format!("; {} duplicate values dropped", self.duplicates));
        }
        if self.merged > 0 {
            out.push_str(&format!(
                "; {} rows added to an earlier row of the same day and dimensions",
                self.merged
            ));
        }
        if !self.unmapped.is_empty() {
            out.push_str(&format!(
                "; columns not mapped: {}",
                self.unmapped.join(", ")
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Tally;

    #[test]
    fn summary_accounts_for_every_row() {
        let mut t = Tally::new("data/ads.csv", "meta_ads");
        t.layout("Meta Ads Manager export");
        t.rows = 5;
        t.records = 3;
        t.skip("summary row", 2);
        t.skip("repeated header", 3);
        t.duplicates = 4;
        t.unmapped = vec!["CTR (all)".into()];
        assert_eq!(t.skipped_rows(), 2);
        assert_eq!(
            t.summary(),
            "data/ads.csv (meta_ads: Meta Ads Manager export): 5 rows, 3 records; skipped 1 repeated header (line 3), 1 summary row (line 2); 4 duplicate values dropped; columns not mapped: CTR (all)"
        );
    }
}
