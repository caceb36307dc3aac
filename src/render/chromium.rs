//! Headless Chromium, to print the HTML report to PDF (`report --format
//! pdf`) and to take screenshots of it (the tests, the README's pictures).
//!
//! The browser is the one in `KPISCOPE_CHROMIUM`, else `chromium`,
//! `chromium-browser`, `google-chrome` or `google-chrome-stable` on the PATH,
//! else (on macOS) the Chromium or Google Chrome app in /Applications.
//! Each run gets a temporary folder holding the page, a profile of its own
//! (so a user's open browser is never touched) and what the browser writes;
//! it is removed afterwards. A run has a time limit, past which the browser's
//! whole process group is killed. The page's host names resolve to nothing,
//! so a report renders offline and fetches nothing from anywhere.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The names a Chromium goes by on the PATH, in the order tried.
pub const NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// Where the apps put their browser on macOS, tried after the PATH.
#[cfg(target_os = "macos")]
const APPS: [&str; 2] = [
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];
#[cfg(not(target_os = "macos"))]
const APPS: [&str; 0] = [];

/// The environment variable that names the browser to use.
pub const ENV: &str = "KPISCOPE_CHROMIUM";

/// How long one run may take: a cold start on a small machine takes a few
/// seconds; a minute more is a browser that hangs.
pub const TIMEOUT: Duration = Duration::from_secs(90);

#[derive(Debug, thiserror::Error)]
pub enum ChromiumError {
    #[error(
        "{what} needs headless Chromium, and none was found (looked for {} on the PATH; set {ENV} to the browser's path). \
         Install it (Debian, Ubuntu: `apt-get install chromium`; Fedora: `dnf install chromium`; macOS: `brew install --cask chromium`), \
         or print the report by hand: `kpiscope report --format html -o report.html`, open it in a browser and print it to PDF",
        NAMES.join(", ")
    )]
    NotFound { what: String },
    #[error("{ENV} is `{}`, which is not a file: set it to the path of a Chromium or Chrome", .0.display())]
    NotAFile(PathBuf),
    #[error("cannot start {}: {source}", path.display())]
    Start {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} took more than {} s to {what} and was stopped", path.display(), TIMEOUT.as_secs())]
    Timeout { path: PathBuf, what: String },
    #[error("{} could not {what} (exit status {status}){}", path.display(), stderr_tail(.stderr))]
    Failed {
        path: PathBuf,
        what: String,
        status: String,
        stderr: String,
    },
    #[error("{} ended without writing the {what}{}", path.display(), stderr_tail(.stderr))]
    NoOutput {
        path: PathBuf,
        what: String,
        stderr: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl From<ChromiumError> for crate::error::Error {
    fn from(e: ChromiumError) -> Self {
        crate::error::Error::usage(e.to_string())
    }
}

/// The last lines of the browser's stderr, for an error message.
fn stderr_tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return String::new();
    }
    let tail = &lines[lines.len().saturating_sub(5)..];
    format!(": {}", tail.join(" | "))
}

/// A Chromium found on this machine.
#[derive(Debug, Clone)]
pub struct Chromium {
    path: PathBuf,
}

impl Chromium {
    /// The browser in [`ENV`] (when set and not empty), else the first of
    /// [`NAMES`] on the PATH. `what` says what it is needed for, in the
    /// error when there is none ("`report --format pdf`").
    pub fn find(what: &str) -> Result<Chromium, ChromiumError> {
        if let Some(p) = std::env::var_os(ENV).filter(|p| !p.is_empty()) {
            let path = PathBuf::from(p);
            return match path.is_file() {
                true => Ok(Chromium { path }),
                false => Err(ChromiumError::NotAFile(path)),
            };
        }
        std::env::var_os("PATH")
            .iter()
            .flat_map(std::env::split_paths)
            .flat_map(|dir| NAMES.map(|n| dir.join(n)))
            .chain(APPS.iter().map(PathBuf::from))
            .find(|p| is_executable(p))
            .map(|path| Chromium { path })
            .ok_or_else(|| ChromiumError::NotFound {
                what: what.to_string(),
            })
    }

    /// A browser at `path`.
    pub fn at(path: impl Into<PathBuf>) -> Chromium {
        Chromium { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `html` printed to PDF, on the paper size of the page's `@page` rule
    /// (Letter when it names none), without the browser's header and footer.
    pub fn print_pdf(&self, html: &str) -> Result<Vec<u8>, ChromiumError> {
        self.run(html, "print the report to PDF", "out.pdf", |out| {
            vec![
                format!("--print-to-pdf={}", out.display()),
                "--no-pdf-header-footer".into(),
                // The flag's name before Chromium 120, ignored after.
                "--print-to-pdf-no-header".into(),
            ]
        })
    }

    /// A PNG screenshot of the first `width` x `height` pixels of `html`,
    /// laid out in a window that wide (a phone's too: see [`framed`]).
    pub fn screenshot(
        &self,
        html: &str,
        width: u32,
        height: u32,
    ) -> Result<Vec<u8>, ChromiumError> {
        let html = framed(html, width, height);
        self.run(&html, "take a screenshot", "shot.png", |out| {
            vec![
                format!("--screenshot={}", out.display()),
                format!("--window-size={width},{height}"),
                "--hide-scrollbars".into(),
            ]
        })
    }

    /// The DOM of `html` once loaded in a window `width` x `height` (after
    /// its scripts ran: a test's page can write what it measured).
    /// A page narrower than [`MIN_WIDTH`] is in a frame (see [`framed`]):
    /// the DOM is the frame's parent's, so the page's script writes what it
    /// measured into `parent.document` (the same origin).
    pub fn dump_dom(&self, html: &str, width: u32, height: u32) -> Result<String, ChromiumError> {
        let dir = workdir()?;
        let page = write_page(dir.path(), &framed(html, width, height))?;
        let out = self.spawn(
            dir.path(),
            &page,
            "read the page",
            vec![
                "--dump-dom".into(),
                format!("--window-size={width},{height}"),
            ],
        )?;
        Ok(out.stdout)
    }

    /// Runs the browser on `html` with the flags `flags(output path)`, and
    /// reads what it wrote there.
    fn run(
        &self,
        html: &str,
        what: &str,
        output: &str,
        flags: impl FnOnce(&Path) -> Vec<String>,
    ) -> Result<Vec<u8>, ChromiumError> {
        let dir = workdir()?;
        let page = write_page(dir.path(), html)?;
        let out_path = dir.path().join(output);
        let ran = self.spawn(dir.path(), &page, what, flags(&out_path))?;
        match std::fs::read(&out_path) {
            Ok(bytes) if !bytes.is_empty() => Ok(bytes),
            _ => Err(ChromiumError::NoOutput {
                path: self.path.clone(),
                what: output.rsplit('.').next().unwrap_or(output).to_uppercase(),
                stderr: ran.stderr,
            }),
        }
    }

    fn spawn(
        &self,
        dir: &Path,
        page: &Path,
        what: &str,
        flags: Vec<String>,
    ) -> Result<Ran, ChromiumError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ChromiumError::Io { path, source }
        };
        let stdout_path = dir.join("stdout");
        let stderr_path = dir.join("stderr");
        let stdout = std::fs::File::create(&stdout_path).map_err(io(&stdout_path))?;
        let stderr = std::fs::File::create(&stderr_path).map_err(io(&stderr_path))?;
        let mut cmd = Command::new(&self.path);
        cmd.args([
            "--headless",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--mute-audio",
            // Every host name resolves to nothing: the page is ours and
            // needs nothing from the network, and none of it is sent anywhere.
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .args(&flags)
        .arg(file_url(page))
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr);
        // Chromium refuses to start as root unless its sandbox is off (a
        // container, CI); as anyone else it keeps it.
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // SAFETY: geteuid only reads the process's user id.
            if unsafe { libc::geteuid() } == 0 {
                cmd.arg("--no-sandbox");
            }
            // A group of its own, so that its helper processes go with it.
            cmd.process_group(0);
        }
        let mut child = cmd.spawn().map_err(|source| ChromiumError::Start {
            path: self.path.clone(),
            source,
        })?;
        let guard = crate::interrupt::GroupGuard::new(child.id());
        let started = Instant::now();
        let finished = loop {
            match crate::interrupt::exited_unreaped(&mut child) {
                Ok(true) => break true,
                Ok(false) if started.elapsed() > TIMEOUT => break false,
                Ok(false) => std::thread::sleep(Duration::from_millis(50)),
                Err(source) => {
                    kill_group(&child);
                    let _ = child.wait();
                    return Err(ChromiumError::Start {
                        path: self.path.clone(),
                        source,
                    });
                }
            }
        };
        // Helpers left behind (a crash handler) go with the browser. It is
        // not reaped yet, so the group's id is still its own.
        kill_group(&child);
        drop(guard);
        let status = child.wait().map_err(|source| ChromiumError::Start {
            path: self.path.clone(),
            source,
        })?;
        if !finished {
            return Err(ChromiumError::Timeout {
                path: self.path.clone(),
                what: what.to_string(),
            });
        }
        let read = |p: &Path| {
            std::fs::read(p)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        };
        let ran = Ran {
            stdout: read(&stdout_path),
            stderr: read(&stderr_path),
        };
        if !status.success() {
            return Err(ChromiumError::Failed {
                path: self.path.clone(),
                what: what.to_string(),
                status: status
                    .code()
                    .map_or_else(|| "killed by a signal".into(), |c| c.to_string()),
                stderr: ran.stderr,
            });
        }
        Ok(ran)
    }
}

/// The narrowest window headless Chromium lays a page out in: asked for a
/// narrower one, it lays the page out 500 px wide and crops the screenshot.
pub const MIN_WIDTH: u32 = 500;

/// `html` as Chromium lays it out in a window `width` wide. Below
/// [`MIN_WIDTH`], the page goes into a frame exactly `width` x `height`
/// at the window's top left corner (`srcdoc`, so the frame has its
/// parent's origin), where its media queries and widths are a phone's.
fn framed(html: &str, width: u32, height: u32) -> std::borrow::Cow<'_, str> {
    if width >= MIN_WIDTH {
        return html.into();
    }
    let doc = html.replace('&', "&amp;").replace('"', "&quot;");
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>html, body {{ margin: 0; padding: 0; overflow: hidden; }} \
         iframe {{ display: block; border: 0; width: {width}px; height: {height}px; }}</style></head>\
         <body><iframe srcdoc=\"{doc}\"></iframe></body></html>\n"
    )
    .into()
}

/// What a finished run printed.
struct Ran {
    stdout: String,
    stderr: String,
}

fn kill_group(child: &std::process::Child) {
    #[cfg(unix)]
    // SAFETY: kill only sends a signal; the group is the browser's own
    // (started with `process_group(0)`).
    unsafe {
        libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
    }
    #[cfg(not(unix))]
    let _ = child;
}

fn workdir() -> Result<tempfile::TempDir, ChromiumError> {
    tempfile::Builder::new()
        .prefix("kpiscope-chromium-")
        .tempdir()
        .map_err(|source| ChromiumError::Io {
            path: std::env::temp_dir(),
            source,
        })
}

fn write_page(dir: &Path, html: &str) -> Result<PathBuf, ChromiumError> {
    let page = dir.join("report.html");
    std::fs::write(&page, html).map_err(|source| ChromiumError::Io {
        path: page.clone(),
        source,
    })?;
    Ok(page)
}

/// `file:///…` for an absolute path, with the bytes a URL cannot hold
/// percent-encoded.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(b as char)
            }
            _ => url.push_str(&format!("%{b:02X}")),
        }
    }
    url
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_are_percent_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/r%port.html")),
            "file:///tmp/a%20b/r%25port.html"
        );
    }

    #[test]
    fn stderr_tail_keeps_the_last_lines() {
        assert_eq!(stderr_tail(""), "");
        assert_eq!(stderr_tail("a\n\nb\nc\nd\ne\nf\n"), ": b | c | d | e | f");
    }
}
