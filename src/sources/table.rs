//! `kind = "table"`: a layout's declarative mapping applied to a grid.
//! Every column it names is looked up once in the header; each data row then
//! becomes one canonical record.

use super::decode::date::{DateError, DateReader};
use super::decode::value::{NumberStyle, is_missing, parse_duration, parse_value};
use std::borrow::Cow;

use rayon::prelude::*;

use super::context::FileCtx;
use super::decode::text::printable;
use super::decode::{Grid, Row, grid::normalise};
use super::emit::Sink;
use super::layout::{Cols, DateFrom, Layout, Mapping};
use super::rows::{DataRows, Undated, check_dated, skip::NO_DATE};
use crate::aggregate::batch::Batch;
use crate::error::{Error, Result};
use crate::records::tally::Tally;
use crate::records::{AttrsRef, Level, MetricId, RowRef};

/// Why a data row made no record.
const NO_POST: &str = "post row without an id or a figure";

/// What one data row made.
enum Made {
    Record,
    /// A post's record without a post id: counted as a post of its own,
    /// and told, since nothing proves two such rows are not one post.
    IdlessPost,
    Skipped(&'static str),
}

/// Columns resolved against one header.
struct Resolved {
    date: Option<usize>,
    lifetime: Option<usize>,
    post: Option<usize>,
    account: Option<usize>,
    network: Option<usize>,
    dims: Vec<(String, usize)>,
    metrics: Vec<(usize, usize)>,
    /// The title, url and format columns the header has.
    attrs: [Option<usize>; 3],
}

impl Resolved {
    /// The columns the mapping reads.
    fn used(&self) -> Vec<usize> {
        [
            self.date,
            self.lifetime,
            self.post,
            self.account,
            self.network,
        ]
        .into_iter()
        .flatten()
        .chain(self.dims.iter().map(|(_, i)| *i))
        .chain(self.metrics.iter().map(|(_, i)| *i))
        .chain(self.attrs.iter().flatten().copied())
        .collect()
    }
}

fn find(header: &csv::StringRecord, cols: &Cols) -> Option<usize> {
    let header: Vec<String> = header.iter().map(normalise).collect();
    cols.0
        .iter()
        .find_map(|c| header.iter().position(|h| *h == normalise(c)))
}

/// A mapped column the header holds twice: which of the two is meant
/// cannot be told, and reading either could be the wrong figure.
fn twice(header: &csv::StringRecord, cols: &Cols) -> Option<String> {
    let i = find(header, cols)?;
    let name = normalise(&header[i]);
    let j = header
        .iter()
        .skip(i + 1)
        .position(|h| normalise(h) == name)?
        + i
        + 1;
    Some(format!(
        "`{}` is the header of columns {} and {}",
        header[i].trim(),
        i + 1,
        j + 1
    ))
}

/// Reads the rows of `grid` below its header at `h` into records.
pub fn read(
    grid: &Grid,
    h: usize,
    layout: &Layout,
    map: &Mapping,
    ctx: &FileCtx,
    sink: &mut dyn Sink,
    tally: &mut Tally,
) -> Result<()> {
    let header = &grid.rows[h].cells;
    let mut missing = Vec::new();
    let mut need = |cols: &Option<Cols>, what: &str| -> Option<usize> {
        let c = cols.as_ref()?;
        let i = find(header, c);
        if i.is_none() {
            missing.push(format!("{} ({what})", c.describe()));
        }
        i
    };
    let date_cols = match &map.date.from {
        DateFrom::Column(c) => Some(c.clone()),
        DateFrom::Preamble(_) => None,
    };
    let mut r = Resolved {
        date: need(&date_cols, "date"),
        lifetime: map.date.lifetime.as_ref().and_then(|c| find(header, c)),
        post: need(&map.post, "post id"),
        account: need(&map.account, "account"),
        network: need(&map.network, "network"),
        dims: Vec::new(),
        metrics: Vec::new(),
        attrs: [&map.attrs.title, &map.attrs.url, &map.attrs.format]
            .map(|c| c.as_ref().and_then(|c| find(header, c))),
    };
    for (name, cols) in &map.dims {
        if let Some(i) = need(&Some(cols.clone()), &format!("dimension {name}")) {
            r.dims.push((name.clone(), i));
        }
    }
    for (m, spec) in map.metrics.iter().enumerate() {
        match find(header, &spec.cols) {
            Some(i) => r.metrics.push((m, i)),
            None if spec.optional => {}
            None => missing.push(format!("{} (metric {})", spec.cols.describe(), spec.metric)),
        }
    }
    let mut doubled: Vec<String> = [&date_cols, &map.post, &map.account, &map.network]
        .into_iter()
        .flatten()
        .chain(map.dims.iter().map(|(_, c)| c))
        .chain(map.metrics.iter().map(|m| &m.cols))
        .chain(map.attrs.all())
        .filter_map(|c| twice(header, c))
        .collect();
    doubled.dedup();
    if !doubled.is_empty() {
        return Err(Error::Data {
            file: grid.name.clone(),
            line: grid.rows[h].line as usize,
            message: format!(
                "{}: the plugin cannot tell which one to read; rename or remove one of them",
                doubled.join("; ")
            ),
        });
    }
    if !missing.is_empty() {
        return Err(Error::Data {
            file: grid.name.clone(),
            line: grid.rows[h].line as usize,
            message: format!(
                "this {} has no column {}; the columns found are: {}",
                layout.title,
                missing.join(", "),
                header
                    .iter()
                    .map(|c| format!("`{}`", printable(c.trim(), 80)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    let preamble_date = match &map.date.from {
        DateFrom::Preamble(key) => Some(grid.preamble(key).ok_or_else(|| Error::Data {
            file: grid.name.clone(),
            line: 1,
            message: format!(
                "the file has no `# {key}: ...` line, which the {} gives its date in",
                layout.title
            ),
        })?),
        DateFrom::Column(_) => None,
    };
    let ids: Vec<MetricId> = r
        .metrics
        .iter()
        .map(|&(m, _)| sink.metric(&map.metrics[m].metric))
        .collect();
    let parser = RowParser {
        grid,
        header,
        layout,
        map,
        ctx,
        r,
        ids,
        preamble_date,
    };

    let mut first_dates = DateReader::new(
        map.date.formats.clone(),
        ctx.timezone.clone(),
        ctx.year.or(grid.year_hint),
    )
    .year_from(map.date.year_from)
    .year_guessed(ctx.year.is_none() && grid.year_hint.is_some());
    let mut rows = DataRows::of(grid, h, ctx.decimal, layout.style);
    if map.date.rolls_over() {
        // Whether year-less dates go up or down, and so which way they roll
        // over, is told by the whole column.
        let mut column = rows.rewound();
        let cells = column.by_ref().map(|row| {
            let (text, _) = parser.date_cell(&row);
            (row.line as usize, text.to_string())
        });
        let planned = first_dates.plan(cells, ctx.year.is_some());
        // A column the file stopped giving is no column to plan from.
        if let Some(e) = column.take_unreadable() {
            return Err(e);
        }
        planned.map_err(|(line, message)| Error::Data {
            file: grid.name.clone(),
            line,
            message,
        })?;
    }
    let dates = || first_dates.clone();
    let used = parser.r.used();
    tally.unmapped.extend(
        rows.numeric_columns()
            .filter(|i| !used.contains(i))
            .map(|i| header.get(i).unwrap_or("").trim().to_string()),
    );
    // Rows the mapping made no record of, counted as they come: told to
    // `tally` after the rows' own skips, as the reasons' first lines were.
    let mut skips = Tally::default();
    let mut undated = Undated::default();
    let mut skip = |why: &'static str, line: u64| {
        if why == NO_DATE {
            undated.add(line);
        }
        skips.skip(why, line);
    };
    let mut records = 0u64;
    let mut idless: Vec<u64> = Vec::new();
    // Rows are parsed on every core when the sink folds batches and no date
    // depends on the rows before it (year-less dates roll over in order).
    match sink.spec() {
        Some(spec) if !map.date.rolls_over() => {
            // A round of rows at a time, read (and, for a large file, decoded)
            // in order, then parsed in chunks on every core; within a round
            // every chunk's result is kept, so the error reported is the
            // first in the file whichever core met it first.
            let round = CHUNK * rayon::current_num_threads().max(1) * 2;
            let empty = sink.new_batch();
            loop {
                let batch_rows: Vec<Cow<Row>> = rows.by_ref().take(round).collect();
                if batch_rows.is_empty() {
                    break;
                }
                type Parsed = (Batch, Vec<(&'static str, u64)>, u64, Vec<u64>);
                let parsed: Vec<Result<Parsed>> = batch_rows
                    .par_chunks(CHUNK)
                    .map(|chunk| {
                        let mut batch = empty.clone();
                        let mut skipped = Vec::new();
                        let mut made = 0;
                        let mut idless = Vec::new();
                        let mut dates = dates();
                        let mut metrics = Vec::new();
                        for row in chunk {
                            match parser.parse(row, &mut dates, &mut metrics, &mut |r| {
                                batch.push(&spec, r)
                            })? {
                                Made::Skipped(why) => skipped.push((why, row.line)),
                                Made::Record => made += 1,
                                Made::IdlessPost => {
                                    made += 1;
                                    idless.push(row.line);
                                }
                            }
                        }
                        Ok((batch, skipped, made, idless))
                    })
                    .collect();
                let mut batches = Vec::new();
                for p in parsed {
                    let (batch, skipped, made, lines) = p?;
                    batches.push(batch);
                    for (why, line) in skipped {
                        skip(why, line);
                    }
                    records += made;
                    idless.extend(lines);
                }
                sink.push_batches(batches);
            }
        }
        _ => {
            let mut dates = dates();
            let mut metrics = Vec::new();
            for row in rows.by_ref() {
                match parser.parse(&row, &mut dates, &mut metrics, &mut |r| sink.push(r))? {
                    Made::Skipped(why) => skip(why, row.line),
                    Made::Record => records += 1,
                    Made::IdlessPost => {
                        records += 1;
                        idless.push(row.line);
                    }
                }
            }
        }
    }
    rows.finish(tally)?;
    tally.records += records;
    tally.absorb(skips);
    if let Some(first) = idless.iter().min() {
        let n = idless.len();
        tally.warn(format!(
            "{n} post row{} without a post id ({} empty{}): each counted as a post of its own, since no id says two are one",
            if n == 1 { "" } else { "s" },
            map.post.as_ref().map(|c| c.describe()).unwrap_or_default(),
            match n {
                1 => format!(", line {first}"),
                _ => format!(", the first at line {first}"),
            }
        ));
    }
    let column = match &map.date.from {
        DateFrom::Column(cols) => cols.describe(),
        DateFrom::Preamble(key) => format!("the `# {key}:` line"),
    };
    check_dated(&grid.name, &undated, records, &layout.title, &column)?;
    Ok(())
}

/// Rows at a time for one core.
const CHUNK: usize = 8192;

/// Everything a row needs, resolved once per file.
struct RowParser<'a> {
    grid: &'a Grid,
    header: &'a csv::StringRecord,
    layout: &'a Layout,
    map: &'a Mapping,
    ctx: &'a FileCtx,
    r: Resolved,
    ids: Vec<MetricId>,
    preamble_date: Option<&'a str>,
}

impl RowParser<'_> {
    /// The date cell of `row` (the `lifetime` column's when it says
    /// `Lifetime`) and its column, or the preamble's date.
    fn date_cell<'r>(&'r self, row: &'r Row) -> (&'r str, Option<usize>) {
        let cell = |i: usize| row.cells.get(i).unwrap_or("");
        match (self.preamble_date, self.r.date) {
            (Some(p), _) => (p, None),
            (None, Some(i)) => {
                let t = cell(i);
                match self.r.lifetime {
                    Some(l) if t.trim().eq_ignore_ascii_case("lifetime") => (cell(l), Some(l)),
                    _ => (t, Some(i)),
                }
            }
            (None, None) => unreachable!("a date column was resolved above"),
        }
    }

    /// Reads one data row and hands its record to `emit`, or says why the
    /// row makes none; `metrics` is scratch space reused from row to row.
    fn parse(
        &self,
        row: &Row,
        dates: &mut DateReader,
        metrics: &mut Vec<(MetricId, f64)>,
        emit: &mut dyn FnMut(&RowRef),
    ) -> Result<Made> {
        let (grid, header, layout, map, ctx, r) = (
            self.grid,
            self.header,
            self.layout,
            self.map,
            self.ctx,
            &self.r,
        );
        let ids = &self.ids;
        let mut dims: Vec<(&str, &str)> = Vec::new();
        let err = |message: String| Error::Data {
            file: grid.name.clone(),
            line: row.line as usize,
            message,
        };
        let cell = |i: usize| row.cells.get(i).unwrap_or("");
        let (date_text, date_col) = self.date_cell(row);
        if is_missing(date_text) {
            return Ok(Made::Skipped(NO_DATE));
        }
        let column = || {
            date_col
                .map(|c| format!(" in column `{}`", header[c].trim()))
                .unwrap_or_default()
        };
        let date = dates
            .read_post(date_text, r.post.map(cell))
            .map_err(|e| match e {
                DateError::Format(e) => err(format!(
                    "cannot read the date `{}`{}: expected the format `{}` ({e})",
                    printable(date_text.trim(), 80),
                    column(),
                    dates.formats()
                )),
                DateError::Year(e) => err(format!(
                    "cannot date `{}`{}: {e}",
                    printable(date_text.trim(), 80),
                    column()
                )),
                DateError::Id(e) => err(format!(
                    "cannot date `{}`{}: it has no year, which the post id{} gives (`date.year_from`), and {e}",
                    printable(date_text.trim(), 80),
                    column(),
                    r.post
                        .map(|c| format!(" in column `{}`", header[c].trim()))
                        .unwrap_or_default()
                )),
            })?;
        metrics.clear();
        for (&(m, i), &id) in r.metrics.iter().zip(ids.iter()) {
            let spec = &map.metrics[m];
            let text = cell(i);
            let style = NumberStyle {
                percent_fraction: spec
                    .percent_fraction
                    .unwrap_or(layout.style.percent_fraction),
                ..layout.style
            };
            let value = if spec.duration {
                parse_duration(text)
            } else {
                parse_value(text, style)
            };
            match value {
                Ok(Some(x)) => metrics.push((id, x * spec.scale)),
                Ok(None) => {}
                Err(_) => {
                    // Quoted as the file has it: a decimal-comma column's
                    // cells reach here rewritten with a dot.
                    let written = grid
                        .rows_after(0)
                        .find(|r| r.line == row.line)
                        .and_then(|r| r.cells.get(i).map(str::to_string))
                        .unwrap_or_else(|| text.to_string());
                    return Err(err(format!(
                        "column `{}`: `{}` is not a {}",
                        header[i].trim(),
                        printable(written.trim(), 80),
                        if spec.duration {
                            "duration (like 00:03:25)"
                        } else {
                            "number"
                        }
                    )));
                }
            }
        }
        let text_of = |i: Option<usize>| i.map(cell).map(str::trim).filter(|s| !s.is_empty());
        let post = text_of(r.post).filter(|p| !is_missing(p));
        if map.level == Level::Post && post.is_none() && r.post.is_some() && metrics.is_empty() {
            return Ok(Made::Skipped(NO_POST));
        }
        let network = ctx.network(text_of(r.network));
        let account = ctx.account(text_of(r.account), network);
        dims.clear();
        dims.extend(
            r.dims
                .iter()
                .filter_map(|(name, i)| Some((name.as_str(), text_of(Some(*i))?))),
        );
        let post = if map.level == Level::Post { post } else { None };
        // A blank cell is no text, and a `-` no link or format (a post may
        // say "None"); the text is kept as exported, newlines and all.
        let attr = |i: Option<usize>, marker_is_none: bool| {
            i.map(cell).filter(|s| {
                post.is_some() && !s.trim().is_empty() && !(marker_is_none && is_missing(s))
            })
        };
        emit(&RowRef {
            date,
            network,
            account,
            post,
            level: map.level,
            dims: &dims,
            metrics: metrics.as_slice(),
            attrs: AttrsRef {
                title: attr(r.attrs[0], false),
                url: attr(r.attrs[1], true),
                format: attr(r.attrs[2], true),
            },
            line: row.line,
        });
        // A layout without a post column has posts without ids by design.
        Ok(
            match map.level == Level::Post && post.is_none() && r.post.is_some() {
                true => Made::IdlessPost,
                false => Made::Record,
            },
        )
    }
}
