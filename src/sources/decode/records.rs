//! The records of delimited text read from a stream, each with the line it
//! starts on. Lines are counted from the bytes themselves, as csv's own
//! count slips on `\r\n` line ends: the bytes csv has read are kept from
//! the last record's start on, which is all that counting the next one
//! needs, so a table of any length is read in the memory of a few records.

use std::io::{self, BufRead, Read};

use super::grid::{Row, compact};

/// csv's read buffer: large reads, few calls through the boxed reader.
const BUFFER: usize = 64 << 10;

pub struct Records<'a> {
    rdr: csv::Reader<Seen<Box<dyn BufRead + 'a>>>,
    record: csv::StringRecord,
    /// The stream offset lines are counted to, and its line.
    counted_to: u64,
    counted: u64,
}

impl<'a> Records<'a> {
    /// The records of `input`, split by `delimiter`, whose first byte is on
    /// line `line`.
    pub fn new(input: Box<dyn BufRead + 'a>, line: u64, delimiter: u8) -> Records<'a> {
        let rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(BUFFER)
            .from_reader(Seen {
                input,
                kept: Vec::new(),
                kept_from: 0,
            });
        Records {
            rdr,
            record: csv::StringRecord::new(),
            counted_to: 0,
            counted: line,
        }
    }

    /// The next record, as it stands (`record`, its cells in csv's buffer)
    /// and its line; `None` at the end. The text was UTF-8 when opened, so
    /// an error is the file failing or changing underneath.
    pub fn next_record(&mut self) -> Result<Option<(u64, &csv::StringRecord)>, String> {
        match self.rdr.read_record(&mut self.record) {
            Ok(true) => {
                let at = self.record.position().map_or(0, |p| p.byte());
                let line = self.line_at(at);
                Ok(Some((line, &self.record)))
            }
            Ok(false) => Ok(None),
            Err(e) => Err(format!("cannot read the file: {e}")),
        }
    }

    /// The next row, its cells held on their own.
    pub fn next_row(&mut self) -> Result<Option<Row>, String> {
        Ok(self.next_record()?.map(|(line, record)| Row {
            line,
            cells: compact(record),
        }))
    }

    /// Bytes of the stream read into records so far.
    pub fn position(&self) -> u64 {
        self.rdr.position().byte()
    }

    /// The line of the byte at `at`, at or after the last record's start,
    /// without passing line ends there.
    pub fn line_before(&mut self, at: u64) -> u64 {
        self.count_to(at, false)
    }

    /// The line of the record starting at byte `at`: csv leaves the line
    /// end of the record before (or the `\n` of its `\r\n`) at `at`.
    fn line_at(&mut self, at: u64) -> u64 {
        self.count_to(at, true)
    }

    fn count_to(&mut self, at: u64, past_line_ends: bool) -> u64 {
        let seen = self.rdr.get_mut();
        let end = seen.kept_from + seen.kept.len() as u64;
        let byte = |x: u64| seen.kept[(x - seen.kept_from) as usize];
        let mut at = at.clamp(seen.kept_from, end);
        while past_line_ends && at < end && matches!(byte(at), b'\r' | b'\n') {
            at += 1;
        }
        let at = at.max(self.counted_to);
        let from = (self.counted_to - seen.kept_from) as usize;
        let to = (at - seen.kept_from) as usize;
        self.counted += memchr::memchr_iter(b'\n', &seen.kept[from..to]).count() as u64;
        self.counted_to = at;
        seen.forget_before(at);
        self.counted
    }
}

/// A reader that keeps what it hands out, from the last record's start on.
struct Seen<R> {
    input: R,
    kept: Vec<u8>,
    /// The stream offset of `kept[0]`.
    kept_from: u64,
}

impl<R> Seen<R> {
    /// Lets go of the bytes before `at`, once they are half of what is kept
    /// (moving the rest down at every record would cost a copy a record).
    fn forget_before(&mut self, at: u64) {
        let done = (at - self.kept_from) as usize;
        if done > 0 && done * 2 >= self.kept.len() {
            self.kept.drain(..done);
            self.kept_from = at;
        }
    }
}

impl<R: Read> Read for Seen<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.input.read(buf)?;
        self.kept.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}
