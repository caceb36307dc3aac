//! The `canonical` plugin: the generic CSV layout of DESIGN §3. The header
//! names the columns: `date`, optional `network`, `account`, `post`,
//! `dim.<name>` dimensions, optional post attributes `title`, `url` and
//! `format`, and one column per metric. An empty cell is no value, not zero.
//!
//! Files are read in chunks cut at record boundaries; chunks are parsed on
//! every core, then folded into the cube in file order.

use std::io::{Read, Seek};
use std::path::Path;

use rayon::prelude::*;

use super::context::{FileCtx, SourceCtx};
use super::date_cache::DateCache;
use super::decode::text::printable;
use super::decode::{self, Format};
use super::emit::{CubeSink, push_record};
use super::number::parse_number;
use super::progress::Progress;
use crate::aggregate::Cube;
use crate::aggregate::batch::Batch;
use crate::aggregate::period::{Day, parse_day};
use crate::aggregate::spec::CubeSpec;
use crate::error::{Error, Result};
use crate::records::{AttrsRef, Kind, Level, MetricId, RowRef, catalog::is_metric_name};

/// Bytes a chunk holds: each chunk's cells are merged into the cube once,
/// so larger chunks merge less per row (4 MiB: 8% less CPU on 8M rows than
/// 2 MiB, for 6 MB more memory).
const CHUNK: usize = 4 << 20;

/// What each column of a file is.
struct Layout {
    names: Vec<String>,
    date: usize,
    network: Option<usize>,
    account: Option<usize>,
    post: Option<usize>,
    /// The `title`, `url` and `format` columns, and whether there is one.
    attrs: [Option<usize>; 3],
    has_attrs: bool,
    dims: Vec<(usize, String)>,
    metrics: Vec<(usize, MetricId)>,
}

/// The post attribute columns, in [`Layout::attrs`]'s order.
const ATTRS: [&str; 3] = ["title", "url", "format"];

impl Layout {
    fn from_header(
        header: &csv::ByteRecord,
        cube: &mut Cube,
        ctx: &SourceCtx,
        shown: &str,
    ) -> Result<Layout> {
        let err = |message: String| Error::Data {
            file: shown.to_string(),
            line: 1,
            message,
        };
        let mut l = Layout {
            names: Vec::new(),
            date: usize::MAX,
            network: None,
            account: None,
            post: None,
            attrs: [None; 3],
            has_attrs: false,
            dims: Vec::new(),
            metrics: Vec::new(),
        };
        if header.len() > crate::limits::MAX_COLUMNS {
            return Err(err(crate::limits::wide_header(header.len())));
        }
        // Lowercase names, to find a column named twice.
        let mut seen = std::collections::HashMap::new();
        for (i, raw) in header.iter().enumerate() {
            let name = String::from_utf8_lossy(raw)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_string();
            // Two columns of one name would both count (`reach,reach`: the
            // figure twice), or one would be dropped: neither is the file's.
            if let Some(j) = seen.insert(name.to_lowercase(), i) {
                return Err(err(format!(
                    "`{name}` is the header of columns {} and {}: rename or remove one of them",
                    j + 1,
                    i + 1
                )));
            }
            match name.to_lowercase().as_str() {
                "date" => l.date = i,
                "network" => l.network = Some(i),
                "account" => l.account = Some(i),
                "post" => l.post = Some(i),
                "title" => l.attrs[0] = Some(i),
                "url" => l.attrs[1] = Some(i),
                "format" => l.attrs[2] = Some(i),
                lower if lower.starts_with("dim.") && lower.len() > 4 => {
                    l.dims.push((i, name[4..].to_string()))
                }
                _ if is_metric_name(&name) => l
                    .metrics
                    .push((i, cube.declare_metric(&name, Kind::Sum, "canonical"))),
                _ => {
                    return Err(err(format!(
                        "column `{}` is not a metric name: the canonical layout has date, network, account, post, title, url, format, dim.<name> and snake_case metric columns",
                        printable(&name, 80)
                    )));
                }
            }
            l.names.push(name);
        }
        l.has_attrs = l.attrs.iter().any(Option::is_some);
        if l.date == usize::MAX {
            return Err(err(format!(
                "no `date` column; the columns are: {}",
                printable(&l.names.join(", "), 400)
            )));
        }
        if l.network.is_none() && ctx.source.network.is_none() {
            return Err(err(format!(
                "no `network` column, and {} sets no `network`",
                ctx.source.describe()
            )));
        }
        if l.account.is_none() && ctx.source.account.is_none() {
            return Err(err(format!(
                "no `account` column, and {} sets no `account`",
                ctx.source.describe()
            )));
        }
        Ok(l)
    }
}

/// A canonical file that is not plain UTF-8 CSV (an XLSX, UTF-16 text):
/// decoded as any plugin's file, then read by the same header rules, sheet by
/// sheet. Sheets without a canonical header are skipped; when none has one,
/// the first sheet's header says why.
fn read_decoded(path: &Path, ctx: &SourceCtx, cube: &mut Cube, progress: &Progress) -> Result<()> {
    let shown = ctx.shown(path);
    let bytes = std::fs::read(path).map_err(|e| Error::io(&shown, e))?;
    let size = bytes.len() as u64;
    let decoded =
        decode::decode(&shown, bytes, Some(Format::Csv), None).map_err(|message| Error::Data {
            file: shown.clone(),
            line: 0,
            message,
        })?;
    let with_rows: Vec<&decode::Grid> = decoded
        .grids
        .iter()
        .filter(|g| !g.rows.is_empty())
        .collect();
    let mut grids: Vec<&decode::Grid> = with_rows
        .iter()
        .copied()
        .filter(|g| is_canonical_header(&g.rows[0].cells))
        .collect();
    if grids.is_empty() {
        match with_rows.first() {
            Some(g) => grids.push(g),
            None => {
                return Err(Error::Data {
                    file: shown,
                    line: 1,
                    message: "the file holds no table: the canonical layout starts with a header"
                        .into(),
                });
            }
        }
    }
    for g in &grids {
        let header = &g.rows[0];
        Layout::from_header(header.cells.as_byte_record(), cube, ctx, &g.name).map_err(
            |e| match e {
                Error::Data { file, message, .. } => Error::Data {
                    file,
                    line: header.line as usize,
                    message,
                },
                e => e,
            },
        )?;
    }
    let fctx = FileCtx {
        shown: shown.clone(),
        path: Some(path.to_path_buf()),
        root: ctx.root.to_path_buf(),
        timezone: ctx.timezone.clone(),
        year: ctx.source.year,
        decimal: ctx.source.decimal,
        account: ctx.source.account.clone(),
        network: ctx.source.network.clone(),
        plugin_network: None,
        settings: ctx.source.settings.clone(),
        limits: ctx.limits,
    };
    let mut sink = CubeSink::new(cube, "canonical");
    for g in grids {
        for r in records_of(g, &fctx)? {
            push_record(&mut sink, &r);
        }
    }
    sink.finish();
    progress.inc(size);
    Ok(())
}

/// A run of whole records and the file line it starts on.
struct Chunk {
    bytes: Vec<u8>,
    line: usize,
}

/// Cuts a file into chunks of whole records: a newline ends a record only
/// outside quotes, and quotes outside fields come in pairs.
struct Chunker<R> {
    src: R,
    /// What is left to read of the file, as its size said: room is made
    /// for no more.
    left: u64,
    /// Read past the last chunk's end: the start of its next record.
    pending: Vec<u8>,
    line: usize,
    done: bool,
}

/// Why the next chunk could not be cut.
enum ChunkError {
    Io(std::io::Error),
    /// The record starting on this line is longer than
    /// [`limits::MAX_ROW_BYTES`](crate::limits::MAX_ROW_BYTES).
    LongRow(usize),
}

impl<R: Read> Chunker<R> {
    /// The next chunk, in `out` (a recycled buffer, so that reading a large
    /// file does not keep asking the system for fresh memory). A record
    /// longer than a chunk makes the chunk longer, up to the row limit: a
    /// record is never cut in two.
    fn next(&mut self, mut out: Vec<u8>) -> std::result::Result<Option<Chunk>, ChunkError> {
        // The file is read straight into `out`, after the record the last
        // chunk left cut: only that tail is copied, not the chunk.
        out.clear();
        out.extend_from_slice(&self.pending);
        self.pending.clear();
        let mut want = CHUNK;
        let cut = loop {
            while !self.done && out.len() < want {
                // Reads into spare room, never zeroing a chunk first: a
                // small file costs its size, not 2 MiB (100,000 small
                // files took minutes of zeroing).
                let need = (want - out.len()) as u64;
                out.reserve(need.min(self.left.saturating_add(1)) as usize);
                let n = (&mut self.src)
                    .take(need)
                    .read_to_end(&mut out)
                    .map_err(ChunkError::Io)? as u64;
                self.left = self.left.saturating_sub(n);
                self.done = n < need;
            }
            if out.is_empty() {
                return Ok(None);
            }
            if self.done {
                break out.len();
            }
            match record_boundary(&out) {
                Some(cut) => break cut,
                None if out.len() > crate::limits::MAX_ROW_BYTES => {
                    return Err(ChunkError::LongRow(self.line));
                }
                None => want = out.len() + CHUNK,
            }
        };
        self.pending.extend_from_slice(&out[cut..]);
        out.truncate(cut);
        let line = self.line;
        self.line += memchr::memchr_iter(b'\n', &out).count();
        Ok(Some(Chunk { bytes: out, line }))
    }
}

/// The end of the last whole record in `buf` (just after its newline).
fn record_boundary(buf: &[u8]) -> Option<usize> {
    if memchr::memchr(b'"', buf).is_none() {
        return memchr::memrchr(b'\n', buf).map(|i| i + 1);
    }
    let mut in_quotes = false;
    let mut last = None;
    for i in memchr::memchr2_iter(b'"', b'\n', buf) {
        match buf[i] {
            b'"' => in_quotes = !in_quotes,
            _ if !in_quotes => last = Some(i + 1),
            _ => {}
        }
    }
    last
}

pub fn read(path: &Path, ctx: &SourceCtx, cube: &mut Cube, progress: &Progress) -> Result<()> {
    let shown = ctx.shown(path);
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(&shown, e))?;
    // The fast path reads UTF-8 CSV; a spreadsheet, UTF-16, JSON or what is
    // no export at all goes through the host's decoding, as for any plugin.
    let mut head = Vec::new();
    (&mut file)
        .take(8 << 10)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(&shown, e))?;
    // Lines ended by a bare `\r` (old Mac exports) are not what the fast
    // reader splits on: the grid path's csv parser reads them.
    let bare_cr = head.windows(2).any(|w| w[0] == b'\r' && w[1] != b'\n');
    if !head.is_empty() && (!decode::is_plain_utf8_csv(&head) || bare_cr) {
        return read_decoded(path, ctx, cube, progress);
    }
    file.seek(std::io::SeekFrom::Start(0))
        .map_err(|e| Error::io(&shown, e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut chunker = Chunker {
        src: file,
        left: size,
        pending: Vec::new(),
        line: 1,
        done: false,
    };
    let io = |e: ChunkError| match e {
        ChunkError::Io(e) => Error::io(&shown, e),
        ChunkError::LongRow(line) => long_row(&shown, line),
    };
    let Some(first) = chunker.next(Vec::new()).map_err(io)? else {
        return Err(Error::Data {
            file: shown.clone(),
            line: 1,
            message: "the file is empty: the canonical layout starts with a header".into(),
        });
    };

    // The header, read by the csv parser for its quoting rules.
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(first.bytes.as_slice());
    let mut header = csv::ByteRecord::new();
    rdr.read_byte_record(&mut header).map_err(|e| Error::Data {
        file: shown.clone(),
        line: 1,
        message: e.to_string(),
    })?;
    // csv stops between a `\r` and its `\n`: the body starts past both, or
    // every line number of a CRLF file would be one too many.
    let mut body = rdr.position().byte() as usize;
    if first.bytes.get(body) == Some(&b'\n') {
        body += 1;
    }
    let layout = Layout::from_header(&header, cube, ctx, &shown)?;
    let mut first = first;
    first.bytes.drain(..body);
    first.line = 2;

    // Room for every record of the file, judged from the first chunk.
    let rows = memchr::memchr_iter(b'\n', &first.bytes).count().max(1);
    cube.reserve((size as f64 / first.bytes.len().max(1) as f64 * rows as f64 * 1.05) as usize);

    // A file of one chunk is parsed here: a reader thread and a round over
    // the cores cost more than its rows (100,000 small files took minutes).
    if chunker.done && chunker.pending.is_empty() {
        let mut batch = cube.batch();
        parse_chunk(&first, &layout, &cube.spec, ctx, &shown, &mut batch)?;
        cube.add_batches(std::slice::from_ref(&batch));
        progress.inc(first.bytes.len() as u64);
        return Ok(());
    }

    // Each round parses a chunk per thread, then folds them; buffers are reused.
    let round = rayon::current_num_threads();
    let mut batches: Vec<Batch> = (0..round).map(|_| cube.batch()).collect();
    // A reader thread keeps the next chunks coming while these are folded;
    // used buffers go back to it.
    let (chunk_tx, chunk_rx) =
        std::sync::mpsc::sync_channel::<std::result::Result<Chunk, ChunkError>>(round * 2);
    let (spare_tx, spare_rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            loop {
                let buf = spare_rx.try_recv().unwrap_or_default();
                match chunker.next(buf) {
                    Ok(Some(c)) => {
                        if chunk_tx.send(Ok(c)).is_err() {
                            return;
                        }
                    }
                    Ok(None) => return,
                    Err(e) => {
                        let _ = chunk_tx.send(Err(e));
                        return;
                    }
                }
            }
        });
        // Owned here, so that an early return hangs up on the reader.
        let chunk_rx = chunk_rx;
        let spec = cube.spec.clone();
        let mut chunks = vec![first];
        // Double buffering: while one round of batches is folded into the
        // cube, the next round is parsed, so no core waits at a phase's end.
        let mut parsed: Vec<Batch> = (0..round).map(|_| cube.batch()).collect();
        let mut ready = 0;
        loop {
            while chunks.len() < round {
                match chunk_rx.recv() {
                    Ok(c) => chunks.push(c.map_err(io)?),
                    Err(_) => break,
                }
            }
            if chunks.is_empty() && ready == 0 {
                return Ok(());
            }
            let parse = |batches: &mut Vec<Batch>| -> Result<()> {
                chunks
                    .par_iter()
                    .zip(batches.par_iter_mut())
                    .map(|(c, b)| {
                        b.clear();
                        parse_chunk(c, &layout, &spec, ctx, &shown, b)
                    })
                    .collect()
            };
            let fold = || cube.add_batches(&parsed[..ready]);
            let (_, result) = rayon::join(fold, || parse(&mut batches));
            result?;
            std::mem::swap(&mut parsed, &mut batches);
            ready = chunks.len();
            for c in chunks.drain(..) {
                progress.inc(c.bytes.len() as u64);
                let _ = spare_tx.send(c.bytes);
            }
        }
    })
}

/// Parses a chunk's rows into `batch`, which is then whole (see
/// [`Batch::finish`]).
fn parse_chunk(
    chunk: &Chunk,
    l: &Layout,
    spec: &CubeSpec,
    ctx: &SourceCtx,
    shown: &str,
    batch: &mut Batch,
) -> Result<()> {
    parse_rows(chunk, l, spec, ctx, shown, batch)?;
    batch.finish();
    Ok(())
}

fn parse_rows(
    chunk: &Chunk,
    l: &Layout,
    spec: &CubeSpec,
    ctx: &SourceCtx,
    shown: &str,
    batch: &mut Batch,
) -> Result<()> {
    let mut fields: Vec<&str> = Vec::with_capacity(l.names.len());
    // A row's values, written in place: at most one per metric column.
    let mut values: Vec<(MetricId, f64)> = vec![(0, 0.0); l.metrics.len()];
    let mut dates = DateCache::default();
    let mut row = |fields: &[&str], line: usize, batch: &mut Batch| -> Result<()> {
        let err = |message: String| Error::Data {
            file: shown.to_string(),
            line,
            message,
        };
        if fields.len() != l.names.len() {
            return Err(err(format!(
                "this row has {} fields but the header has {}",
                fields.len(),
                l.names.len()
            )));
        }
        // The chunk is UTF-8, checked once: a cell needs no check of its own.
        let text = |i: usize| trim(fields[i]);
        let date_text = text(l.date);
        let date = dates.day(date_text, |s| parse_date(s, &ctx.timezone)).ok_or_else(|| {
            err(format!(
                "date `{}` is not a date: write YYYY-MM-DD (or a date-time with its UTC offset)",
                printable(date_text, 80)
            ))
        })?;
        let network = match l.network.map(text).filter(|s| !s.is_empty()) {
            Some(n) => n,
            None => ctx
                .source
                .network
                .as_deref()
                .ok_or_else(|| err("the `network` cell is empty".into()))?,
        };
        let account = match l.account.map(text).filter(|s| !s.is_empty()) {
            Some(a) => a,
            None => ctx
                .source
                .account
                .as_deref()
                .ok_or_else(|| err("the `account` cell is empty".into()))?,
        };
        let post = l.post.map(text).filter(|s| !s.is_empty());
        let mut count = 0;
        for &(i, m) in &l.metrics {
            let cell = fields[i];
            if cell.is_empty() {
                continue;
            }
            let x = parse_number(cell.as_bytes()).ok_or_else(|| {
                err(format!(
                    "`{}` in column `{}` is not a number",
                    printable(cell.trim(), 80),
                    printable(&l.names[i], 80)
                ))
            })?;
            values[count] = (m, x);
            count += 1;
        }
        let mut dims: Vec<(&str, &str)> = Vec::with_capacity(l.dims.len());
        for (i, d) in &l.dims {
            dims.push((d.as_str(), text(*i)));
        }
        batch.push(
            spec,
            &RowRef {
                date,
                network,
                account,
                post,
                level: if post.is_some() {
                    Level::Post
                } else {
                    Level::Account
                },
                dims: &dims,
                metrics: &values[..count],
                attrs: attrs_of(l, fields, post.is_some()),
                line: line as u64,
            },
        );
        Ok(())
    };

    let bytes = chunk.bytes.as_slice();
    // One check of the whole chunk (fast on ASCII) instead of one per cell.
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        Error::Data {
            file: shown.to_string(),
            line: chunk.line + memchr::memchr_iter(b'\n', &bytes[..at]).count(),
            message: format!(
                "not UTF-8 text (byte 0x{:02x} at column {}): save the file as UTF-8",
                bytes[at],
                at - line_start + 1
            ),
        }
    })?;
    if memchr::memchr(b'"', bytes).is_none() {
        // No quotes: fields are what lies between commas. One pass over the
        // chunk finds every comma and line end; a row's commas are noted as
        // they come and its fields cut once its line ends.
        let (mut start, mut n) = (0, 0);
        let mut commas: Vec<usize> = Vec::with_capacity(l.names.len());
        let mut end_row = |at: usize, commas: &mut Vec<usize>| -> Result<()> {
            let line = chunk.line + n;
            let row_start = start;
            start = at + 1;
            n += 1;
            fields.clear();
            let mut from = row_start;
            fields.extend(commas.iter().map(|&c| {
                // SAFETY: `from..c` lies within `text`, between two of its
                // separators (or its start), which are ASCII: both ends
                // are char boundaries.
                let field = unsafe { text.get_unchecked(from..c) };
                from = c + 1;
                field
            }));
            commas.clear();
            let last = &text[from..at];
            fields.push(last.strip_suffix('\r').unwrap_or(last));
            if fields.len() == 1 && fields[0].is_empty() {
                return Ok(());
            }
            if at - row_start > crate::limits::MAX_ROW_BYTES {
                return Err(long_row(shown, line));
            }
            row(&fields, line, batch)
        };
        let mut result = Ok(());
        separators(bytes, |at, line_end| {
            if !line_end {
                commas.push(at);
            } else if result.is_ok() {
                result = end_row(at, &mut commas);
            }
        });
        result?;
        return end_row(bytes.len(), &mut commas);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => {
                let line = chunk.line + e.position().map_or(0, |p| p.line() as usize - 1);
                return Err(Error::Data {
                    file: shown.to_string(),
                    line,
                    message: e.to_string(),
                });
            }
        }
        let line = chunk.line + record.position().map_or(0, |p| p.line() as usize - 1);
        if record.as_slice().len() > crate::limits::MAX_ROW_BYTES {
            return Err(long_row(shown, line));
        }
        let fields: Vec<&str> = record.iter().collect();
        row(&fields, line, batch)?;
    }
}

/// A post row's `title` (as written), `url` and `format` cells; blank cells
/// and account rows have none.
#[inline]
fn attrs_of<'a>(l: &Layout, fields: &[&'a str], post: bool) -> AttrsRef<'a> {
    if !post || !l.has_attrs {
        return AttrsRef::default();
    }
    let cell = |i: Option<usize>, raw: bool| {
        let s = fields[i?];
        let s = if raw { s } else { trim(s) };
        (!s.trim().is_empty()).then_some(s)
    };
    AttrsRef {
        title: cell(l.attrs[0], true),
        url: cell(l.attrs[1], false),
        format: cell(l.attrs[2], false),
    }
}

/// Calls `f` with the index of every `,` and `\n` of `bytes`, in order, and
/// whether it is a line end: sixteen bytes at a time (SSE2, which every
/// x86-64 has), else eight (SWAR), a block's matches found at once, as cells
/// are short and a search called per cell or per match costs more.
fn separators(bytes: &[u8], mut f: impl FnMut(usize, bool)) {
    let mut base = 0;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
        };
        let mut blocks = bytes.chunks_exact(16);
        for block in &mut blocks {
            // SAFETY: SSE2 is part of x86-64; `block` is 16 bytes, loaded
            // unaligned.
            let (commas, ends) = unsafe {
                let v = _mm_loadu_si128(block.as_ptr().cast());
                (
                    _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b',' as i8))) as u32,
                    _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8))) as u32,
                )
            };
            let mut m = commas | ends;
            while m != 0 {
                let i = m.trailing_zeros();
                f(base + i as usize, (ends >> i) & 1 != 0);
                m &= m - 1;
            }
            base += 16;
        }
    }
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    /// The high bit of every byte of `w` that is zero, exactly.
    #[inline]
    fn zeros(w: u64) -> u64 {
        !(((w & LOW7) + LOW7) | w | LOW7)
    }
    let mut words = bytes[base..].chunks_exact(8);
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let ends = zeros(w ^ (ONES * u64::from(b'\n')));
        let mut m = zeros(w ^ (ONES * u64::from(b','))) | ends;
        while m != 0 {
            let i = m.trailing_zeros();
            f(base + i as usize / 8, (ends >> i) & 1 != 0);
            m &= m - 1;
        }
        base += 8;
    }
    for (i, &b) in words.remainder().iter().enumerate() {
        if b == b',' || b == b'\n' {
            f(base + i, b == b'\n');
        }
    }
}

/// `str::trim`, skipped when the cell neither starts nor ends with
/// whitespace (the common case: a search for every cell costs).
#[inline]
fn trim(cell: &str) -> &str {
    let b = cell.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l))
            if !f.is_ascii_whitespace()
                && !l.is_ascii_whitespace()
                && f.is_ascii()
                && l.is_ascii() =>
        {
            cell
        }
        _ => cell.trim(),
    }
}

fn long_row(shown: &str, line: usize) -> Error {
    Error::Data {
        file: shown.to_string(),
        line,
        message: crate::limits::long_row(),
    }
}

/// `YYYY-MM-DD`, or a date-time: with an offset it is converted to the
/// workspace's time zone; without one it is already local.
fn parse_date(s: &str, timezone: &jiff::tz::TimeZone) -> Option<Day> {
    if let Some(d) = parse_day(s) {
        return Some(d);
    }
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        let date = ts.to_zoned(timezone.clone()).date();
        return parse_day(&date.to_string());
    }
    let dt = s.parse::<jiff::civil::DateTime>().ok()?;
    parse_day(&dt.date().to_string())
}

/// Whether a header is the canonical layout's: `date` and only canonical
/// names. Auto-detection gives such files to this plugin.
pub fn is_canonical_header(cells: &csv::StringRecord) -> bool {
    let names: Vec<&str> = cells
        .iter()
        .map(|c| c.trim().trim_start_matches('\u{feff}'))
        .collect();
    names.contains(&"date")
        && names.iter().all(|n| {
            matches!(*n, "date" | "network" | "account" | "post")
                || ATTRS.contains(n)
                || n.strip_prefix("dim.").is_some_and(is_metric_name)
                || is_metric_name(n)
        })
}

/// The records of a canonical file read through the generic path, for
/// `kpiscope plugin test canonical`: the same layout rules as the fast
/// reader, one owned record per row.
pub fn records_of(
    grid: &super::decode::Grid,
    ctx: &FileCtx,
) -> Result<Vec<crate::records::Record>> {
    use std::collections::BTreeMap;
    let Some(header) = grid.rows.first() else {
        return Ok(Vec::new());
    };
    let names: Vec<String> = header
        .cells
        .iter()
        .map(|c| c.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let col = |n: &str| names.iter().position(|h| h == n);
    let err = |line: u64, message: String| Error::Data {
        file: grid.name.clone(),
        line: line as usize,
        message,
    };
    for (i, n) in names.iter().enumerate() {
        if let Some(j) = names[i + 1..]
            .iter()
            .position(|o| o.eq_ignore_ascii_case(n))
        {
            return Err(err(
                header.line,
                format!(
                    "`{n}` is the header of columns {} and {}: rename or remove one of them",
                    i + 1,
                    i + j + 2
                ),
            ));
        }
    }
    let date = col("date").ok_or_else(|| err(header.line, "no `date` column".into()))?;
    let mut out = Vec::new();
    for row in grid.rows_after(0) {
        let cell = |i: Option<usize>| {
            i.and_then(|i| row.cells.get(i))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let day = cell(Some(date))
            .as_deref()
            .and_then(|d| parse_date(d, &ctx.timezone))
            .ok_or_else(|| err(row.line, "the `date` cell is not YYYY-MM-DD".into()))?;
        let mut dims = BTreeMap::new();
        let mut metrics = BTreeMap::new();
        for (i, n) in names.iter().enumerate() {
            let Some(v) = cell(Some(i)) else { continue };
            if let Some(d) = n.strip_prefix("dim.") {
                dims.insert(d.to_string(), v);
            } else if !matches!(n.as_str(), "date" | "network" | "account" | "post")
                && !ATTRS.contains(&n.as_str())
            {
                let x = parse_number(v.as_bytes()).ok_or_else(|| {
                    err(
                        row.line,
                        format!(
                            "column `{}`: `{}` is not a number",
                            printable(n, 80),
                            printable(&v, 80)
                        ),
                    )
                })?;
                metrics.insert(n.clone(), x);
            }
        }
        let post = cell(col("post"));
        let network_cell = cell(col("network"));
        let account_cell = cell(col("account"));
        let network = ctx.network(network_cell.as_deref());
        let account = ctx.account(account_cell.as_deref(), network).to_string();
        let network = network.to_string();
        let raw = |name: &str| col(name).and_then(|i| row.cells.get(i));
        let attrs = crate::records::PostAttrs::of(&AttrsRef {
            title: raw("title"),
            url: raw("url"),
            format: raw("format"),
        });
        let mut r = crate::records::Record::new(day, network, account, post, dims, metrics)
            .with_attrs(attrs);
        r.line = row.line;
        out.push(r);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::separators;

    #[test]
    fn separators_are_every_comma_and_line_end() {
        let cases: &[&[u8]] = &[
            b"",
            b",",
            b"a,b\n",
            b"2024-06-19,linkedin,acct0187,p0,61566,11926\r\n2024-08-31,x,,1\n",
            "é,ü,\u{1F600},\n,,,,,,,,,,,,,,,,,\n\n".as_bytes(),
            &[b','; 23],
            b"2024-06-19,linkedin,acct0187,p0,61566,11926\n2024-08-31,x,acct0001,p1,1,2,3,4,5\n,\n",
            &[
                0x80,
                b',',
                0xff,
                b'\n',
                0x2c ^ 0x80,
                0x0a ^ 0x80,
                0xac,
                0x8a,
                0,
                b',',
            ],
        ];
        for bytes in cases {
            let mut got = Vec::new();
            separators(bytes, |i, end| got.push((i, end)));
            let want: Vec<(usize, bool)> = (0..bytes.len())
                .filter(|&i| bytes[i] == b',' || bytes[i] == b'\n')
                .map(|i| (i, bytes[i] == b'\n'))
                .collect();
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(bytes));
        }
    }
}
