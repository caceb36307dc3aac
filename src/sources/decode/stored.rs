//! Where the text of a delimited table is while its rows are read: held
//! (a zip's member, a sniffed head, a small file, a test's string) or a
//! file on disk, read again for each pass over its rows. Either is read
//! the same way, as a stream of bytes from an offset, so one reader serves
//! both.

use std::io::{self, BufRead};
use std::sync::Arc;

use super::text_file::TextFile;

#[derive(Debug, Clone)]
pub enum Stored {
    Held(Arc<String>),
    OnDisk(Arc<TextFile>),
}

impl Stored {
    /// Bytes of text.
    pub fn len(&self) -> u64 {
        match self {
            Stored::Held(t) => t.len() as u64,
            Stored::OnDisk(f) => f.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text from byte `start` to byte `end` (offsets the reader found
    /// at line or record starts, so at characters).
    pub fn reader(&self, start: u64, end: u64) -> io::Result<Box<dyn BufRead + '_>> {
        match self {
            Stored::Held(t) => {
                let bytes = t.as_bytes();
                let at = |x: u64| usize::try_from(x).unwrap_or(usize::MAX).min(bytes.len());
                Ok(Box::new(&bytes[at(start)..at(end).max(at(start))]))
            }
            Stored::OnDisk(f) => Ok(Box::new(f.reader(start, end)?)),
        }
    }
}
