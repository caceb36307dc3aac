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
        return stdout_result(render(&mut out).and_then(|_| out.flush()));
    };
    // A device, a pipe or an open descriptor (`-o /dev/stdout`, a FIFO,
    // `/dev/fd/3`) is written to as it is: renamed over, it would be
    // replaced by a plain file (as root, even /dev/null or /dev/stdout
    // itself), and the reader would get nothing.
    let special = path.starts_with("/dev") || path.starts_with("/proc");
    if std::fs::metadata(path).is_ok_and(|m| special || (!m.is_file() && !m.is_dir())) {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        return render(&mut w)
            .and_then(|_| w.flush())
            .map_err(|error| Error::Output {
                to: path.display().to_string(),
                error,
            });
    }
    // A link is followed: the file it leads to is replaced, and the link
    // stays.
    let resolved;
    let path = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => match std::fs::canonicalize(path) {
            Ok(p) => {
                resolved = p;
                resolved.as_path()
            }
            Err(_) => path,
        },
        _ => path,
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
    // Removed by the signal handler if Ctrl-C comes while it is written (on
    // an error, NamedTempFile's drop removes it); kept until it is renamed.
    // Registered before the file is created, so that no moment is left in
    // which the file exists and an interrupt would leave it.
    let mut guard = None;
    let tmp = tempfile::Builder::new()
        .make_in(dir, |name| {
            guard = Some(crate::interrupt::TempGuard::new(name));
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(name)
        })
        .map_err(|e| Error::io(dir, e))?;
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

/// What a write to stdout comes to: a closed pipe (`| head`) is no error
/// worth reporting, as the reader wanted no more; any other error (a full
/// disk) is, since the output is cut short and the exit code must say so.
pub fn stdout_result(result: std::io::Result<()>) -> Result<()> {
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Output {
            to: "stdout".into(),
            error: e,
        }),
        _ => Ok(()),
    }
}

/// `println!` that returns a write error instead of panicking on it (a full
/// disk, a closed pipe), classified by [`stdout_result`].
#[macro_export]
macro_rules! outln {
    () => { $crate::render::output::print(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::render::output::print(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes to stdout for [`outln!`].
pub fn print(args: std::fmt::Arguments) -> Result<()> {
    let mut out = std::io::stdout().lock();
    stdout_result(out.write_fmt(args).and_then(|_| out.flush()))
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
