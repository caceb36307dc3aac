//! Layouts: the exports a plugin reads, how each is recognised, and for
//! `table` plugins how its columns map to canonical records.

use super::decode::Format;
use super::decode::date::IdClock;
use super::decode::value::NumberStyle;
use crate::records::Level;

/// Alternative names of one column: the first present in the header is used.
#[derive(Debug, Clone, PartialEq)]
pub struct Cols(pub Vec<String>);

impl Cols {
    pub fn describe(&self) -> String {
        self.0
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum DateFrom {
    Column(Cols),
    /// A `# Key: value` line of the preamble (GA4's `Start date`).
    Preamble(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DateSpec {
    pub from: DateFrom,
    pub formats: Vec<String>,
    /// The column read instead when the date cell says `Lifetime`.
    pub lifetime: Option<Cols>,
    /// `year_from`: year-less dates take the year nearest to the creation
    /// time held by the post id (the mapping's `post` column).
    pub year_from: Option<IdClock>,
}

impl DateSpec {
    /// Whether some format reads dates without a year, whose year then
    /// depends on the rows before (it rolls over at January).
    pub fn yearless(&self) -> bool {
        self.formats.iter().any(|f| {
            !matches!(f.as_str(), "s" | "ms")
                && !["%Y", "%y", "%F", "%D", "%G", "%s"]
                    .iter()
                    .any(|y| f.contains(y))
        })
    }

    /// Whether the year of a date depends on the rows before it: year-less
    /// dates given no `year_from` roll over at January, so the rows are
    /// read in order, after a look over the whole column.
    pub fn rolls_over(&self) -> bool {
        self.yearless() && self.year_from.is_none()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricSpec {
    pub metric: String,
    pub cols: Cols,
    pub duration: bool,
    /// Overrides the layout's reading of `12.5%`.
    pub percent_fraction: Option<bool>,
    pub scale: f64,
    pub optional: bool,
}

/// The columns of a post's attributes (`[table.attrs]`): each optional,
/// and read only when the header has it, as exports add and drop them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttrCols {
    pub title: Option<Cols>,
    pub url: Option<Cols>,
    pub format: Option<Cols>,
}

impl AttrCols {
    pub fn all(&self) -> impl Iterator<Item = &Cols> {
        [&self.title, &self.url, &self.format].into_iter().flatten()
    }
}

/// A `table` plugin's mapping of one layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    pub level: Level,
    pub post: Option<Cols>,
    pub date: DateSpec,
    pub account: Option<Cols>,
    pub network: Option<Cols>,
    pub dims: Vec<(String, Cols)>,
    pub metrics: Vec<MetricSpec>,
    /// A post's text, link and format (post-level mappings only).
    pub attrs: AttrCols,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub name: String,
    pub title: String,
    /// Header names that identify the export.
    pub detect: Vec<String>,
    /// Text in a row above the header that identifies the export too.
    pub detect_title: Option<String>,
    pub format: Option<Format>,
    pub sheet: Option<String>,
    pub member: Option<String>,
    pub delimiter: Option<u8>,
    pub style: NumberStyle,
    pub mapping: Option<Mapping>,
}

impl Layout {
    /// Whether this layout reads the grid named `grid_name`, by sheet or member.
    pub fn accepts_name(&self, grid_name: &str) -> bool {
        let sheet_ok = self.sheet.as_ref().is_none_or(|s| {
            grid_name
                .to_lowercase()
                .ends_with(&format!("[{}]", s.to_lowercase()))
        });
        let member_ok = self.member.as_ref().is_none_or(|m| {
            grid_name
                .rsplit('/')
                .next()
                .is_some_and(|n| n.eq_ignore_ascii_case(m))
        });
        sheet_ok && member_ok
    }
}
