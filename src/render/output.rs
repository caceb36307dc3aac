//! Where rendered output goes: stdout, or a file written atomically (a
//! temporary file beside it, renamed into place).

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

pub fn write_output(path: Option<&Path>, text: &str) -> Result<()> {
    write_with(path, |w| w.write_all(text.as_bytes()))
}

/// Streams output through `render` into stdout or, atomically, into `path`.
/// Large outputs are written as they are rendered, through a small buffer,
/// rather than built in memory first.
pub fn write_with(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let Some(path) = path else {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = render(&mut out).and_then(|_| out.flush());
        return Ok(());
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::usage(format!(
            "cannot write {}: the folder {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, tmp);
    render(&mut w)
        .and_then(|_| w.flush())
        .map_err(|e| Error::io(path, e))?;
    let tmp = w
        .into_inner()
        .map_err(|e| Error::io(path, e.into_error()))?;
    // A temporary file is private (0600); a report is meant to be shared:
    // keep the mode of the file it replaces, else the usual 0644 less umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match std::fs::metadata(path) {
            Ok(m) => m.permissions().mode() & 0o777,
            Err(_) => 0o666 & !umask(),
        };
        let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode));
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// The process's umask (read by setting it and putting it back: there is no
/// other way to read it).
#[cfg(unix)]
fn umask() -> u32 {
    // SAFETY: umask only swaps the process's file-creation mask.
    unsafe {
        let old = libc::umask(0o022);
        libc::umask(old);
        old as u32
    }
}
