//! A large text file as UTF-8 on disk, read again from any offset as often
//! as its tables' rows are: the file itself when it is UTF-8 (past its
//! byte-order mark), else a temporary copy decoded to UTF-8 (UTF-16 or
//! Windows-1252), so that no pass over it holds more than a buffer.
//!
//! The text is the one `text::decode_text` makes of the whole file: the
//! same marks, and Windows-1252 for a file any byte of which is not UTF-8.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::text::{Decoder, Encoding, encoding_of};

/// Bytes read from disk at a time.
pub const BLOCK: usize = 256 << 10;

#[derive(Debug)]
pub struct TextFile {
    /// The file, or its decoded copy.
    path: PathBuf,
    /// Where the text starts in `path`: past a UTF-8 byte-order mark.
    start: u64,
    /// Bytes of text.
    len: u64,
    /// When `path` was last written, as first read: a file written again
    /// in place between two passes is not the text the first one found.
    modified: Option<std::time::SystemTime>,
    /// The copy, deleted when the text is dropped.
    _copy: Option<tempfile::TempPath>,
}

impl TextFile {
    /// The text of the file at `path`.
    pub fn open(path: &Path) -> io::Result<TextFile> {
        let mut file = File::open(path)?;
        let meta = file.metadata()?;
        let size = meta.len();
        let mut head = Vec::new();
        // What `encoding_of` reads: the marks (5 bytes at most) and 4096
        // bytes past them.
        (&mut file).take(4096 + 5).read_to_end(&mut head)?;
        let (mark, encoding) = encoding_of(&head);
        let mark = mark as u64;
        let encoding = match encoding {
            Some(e) => e,
            None if is_utf8(&mut file, mark)? => {
                return Ok(TextFile {
                    path: path.to_path_buf(),
                    start: mark,
                    len: size - mark,
                    modified: meta.modified().ok(),
                    _copy: None,
                });
            }
            None => Encoding::Cp1252,
        };
        // Decoded once into a copy, which every later pass reads as UTF-8.
        let mut copy = tempfile::NamedTempFile::new()?;
        let mut decoder = Decoder::new(encoding);
        let mut out = String::new();
        let mut len = 0;
        let mut buf = vec![0; BLOCK];
        file.seek(SeekFrom::Start(mark))?;
        loop {
            let n = read_some(&mut file, &mut buf)?;
            out.clear();
            if n == 0 {
                decoder.finish(&mut out);
            } else {
                decoder.push(&buf[..n], &mut out);
            }
            copy.write_all(out.as_bytes())?;
            len += out.len() as u64;
            if n == 0 {
                break;
            }
        }
        copy.flush()?;
        Ok(TextFile {
            path: copy.path().to_path_buf(),
            start: 0,
            len,
            modified: copy.as_file().metadata()?.modified().ok(),
            _copy: Some(copy.into_temp_path()),
        })
    }

    /// Bytes of text.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first `max` bytes of the text, cut at a character.
    pub fn head(&self, max: usize) -> io::Result<String> {
        let mut bytes = Vec::new();
        self.reader(0, self.len.min(max as u64))?
            .read_to_end(&mut bytes)?;
        let valid = match std::str::from_utf8(&bytes) {
            Ok(s) => s.len(),
            Err(e) => e.valid_up_to(),
        };
        bytes.truncate(valid);
        String::from_utf8(bytes).map_err(|_| changed())
    }

    /// The text from byte `start` to byte `end`. The file must still hold
    /// them: one cut short or changed since it was opened is an error, not
    /// fewer rows.
    pub fn reader(&self, start: u64, end: u64) -> io::Result<BufReader<Exact>> {
        let mut file = File::open(&self.path)?;
        let meta = file.metadata()?;
        if meta.len() != self.start + self.len || meta.modified().ok() != self.modified {
            return Err(changed());
        }
        file.seek(SeekFrom::Start(self.start + start))?;
        Ok(BufReader::with_capacity(
            BLOCK,
            Exact {
                file,
                left: end.saturating_sub(start),
            },
        ))
    }
}

/// A file read again that is not the text it was when opened.
pub fn changed() -> io::Error {
    io::Error::other("the file changed while it was read: read it again when it is written")
}

/// A range of a file that must be there whole.
#[derive(Debug)]
pub struct Exact {
    file: File,
    left: u64,
}

impl Read for Exact {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Ok(0);
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.file.read(&mut buf[..want])?;
        if n == 0 {
            return Err(changed());
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Reads into `buf`, retrying an interrupted read.
fn read_some(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

/// Whether every byte of `file` from `from` on is UTF-8.
fn is_utf8(file: &mut File, from: u64) -> io::Result<bool> {
    file.seek(SeekFrom::Start(from))?;
    let mut buf = vec![0; BLOCK + 3];
    // Bytes of a character the last block cut, moved to the front.
    let mut carried = 0;
    loop {
        let n = read_some(file, &mut buf[carried..])?;
        if n == 0 {
            return Ok(carried == 0);
        }
        let filled = carried + n;
        carried = match std::str::from_utf8(&buf[..filled]) {
            Ok(_) => 0,
            Err(e) if e.error_len().is_none() => {
                let at = e.valid_up_to();
                buf.copy_within(at..filled, 0);
                filled - at
            }
            Err(_) => return Ok(false),
        };
    }
}
