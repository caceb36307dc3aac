//! A small harness for running the `kpiscope` binary against a temporary
//! workspace, in the spirit of ripgrep's and just's integration tests.

use std::path::PathBuf;
use std::process::Command;

/// A temporary workspace plus the command line to run in it.
pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    envs: Vec<(String, String)>,
    current_dir: Option<PathBuf>,
}

/// A workspace in a temporary folder that outlives the test, for the links,
/// modes and programs the [`Test`] builder does not make.
pub fn workspace(files: &[(&str, &str)]) -> PathBuf {
    let dir = tempfile::tempdir().expect("temp dir").keep();
    for (path, text) in files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }
    dir
}

/// What a run produced.
#[derive(Debug)]
pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
    pub dir: PathBuf,
}

impl Test {
    /// An empty temporary folder; add `kpiscope.toml` and data with [`Test::file`].
    pub fn new() -> Self {
        Test {
            dir: tempfile::tempdir().expect("temp dir"),
            args: Vec::new(),
            envs: vec![("NO_COLOR".into(), "1".into())],
            current_dir: None,
        }
    }

    /// Writes `contents` to `path` (relative to the workspace), creating folders.
    pub fn file(self, path: &str, contents: &str) -> Self {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, contents).expect("write fixture");
        self
    }

    /// Writes `bytes` to `path` (relative to the workspace), creating folders:
    /// a spreadsheet, or a file that is no text.
    pub fn bytes(self, path: &str, bytes: &[u8]) -> Self {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, bytes).expect("write fixture");
        self
    }

    /// Command-line arguments after `kpiscope`.
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    /// Sets an environment variable of the run (replacing the harness's own
    /// `NO_COLOR=1` when it is that one).
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.envs.retain(|(k, _)| k != key);
        self.envs.push((key.into(), value.into()));
        self
    }

    /// Runs from a sub-folder of the workspace instead of its root.
    pub fn current_dir(mut self, sub: &str) -> Self {
        let d = self.dir.path().join(sub);
        std::fs::create_dir_all(&d).expect("mkdir");
        self.current_dir = Some(d);
        self
    }

    /// Runs `kpiscope` with the workspace as current directory. A run on
    /// another workspace (`--workspace examples/demo`) keeps its results
    /// store in the test's folder: the repository is never written to, and
    /// no test compares with another's runs.
    pub fn run(self) -> Output {
        let mut args = self.args.clone();
        let elsewhere = args.iter().any(|a| a == "--workspace")
            && !args.iter().any(|a| a == "--history" || a == "--no-history");
        if elsewhere {
            let store = self.dir.path().join(".kpiscope").join("history.db");
            args.splice(
                0..0,
                ["--history".into(), store.to_string_lossy().into_owned()],
            );
        }
        let out = Command::new(env!("CARGO_BIN_EXE_kpiscope"))
            .args(&args)
            .current_dir(self.current_dir.as_deref().unwrap_or(self.dir.path()))
            .envs(self.envs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .expect("run kpiscope");
        let dir = self.dir.path().to_path_buf();
        // Keep the folder alive for the caller to inspect written files.
        std::mem::forget(self.dir);
        Output {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).replace(&*dir.to_string_lossy(), "[WS]"),
            stderr: String::from_utf8_lossy(&out.stderr).replace(&*dir.to_string_lossy(), "[WS]"),
            dir,
        }
    }
}

impl Output {
    /// Whether `path` (relative to the workspace) exists after the run.
    pub fn file_exists(&self, path: &str) -> bool {
        self.dir.join(path).exists()
    }

    /// The text of `path` (relative to the workspace) after the run.
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.dir.join(path)).unwrap_or_else(|e| panic!("read {path}: {e}"))
    }

    /// The rows of an `eval --format json` output.
    pub fn rows(&self) -> Vec<serde_json::Value> {
        self.json()["rows"].as_array().expect("rows").clone()
    }

    /// The stdout parsed as JSON; panics with stderr when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts the exit status, showing the output when it differs.
    pub fn status(&self, code: i32) -> &Self {
        assert_eq!(
            self.status, code,
            "exit status\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// The run stopped with exit code 2, saying `message` on stderr.
    pub fn fails_with(&self, message: &str) -> &Self {
        self.status(2);
        assert!(self.stderr.contains(message), "{}", self.stderr);
        self
    }

    /// The value of `kpi` in an `eval --format json` output, for the row whose
    /// period label is `period` (and, when given, whose network is `network`).
    pub fn value(&self, kpi: &str, period: &str, network: Option<&str>) -> Option<f64> {
        let json = self.json();
        let rows = json["rows"].as_array().expect("rows");
        let row = rows
            .iter()
            .find(|r| {
                r["kpi"] == kpi
                    && r["period"]["label"] == period
                    && network.is_none_or(|n| r["network"] == n)
            })
            .unwrap_or_else(|| panic!("no row for {kpi} {period} {network:?} in\n{}", self.stdout));
        row["value"].as_f64()
    }
}

/// Asserts two floats agree to 1e-9 relative.
#[track_caller]
pub fn assert_close(actual: f64, expected: f64) {
    let scale = expected.abs().max(1e-12);
    assert!(
        ((actual - expected) / scale).abs() < 1e-9,
        "expected {expected}, got {actual}"
    );
}

/// A copy of the demo workspace whose kpiscope.toml gets `extra` after its
/// `[workspace]` table's first line.
pub fn demo_with(extra: &str) -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for e in std::fs::read_dir(from).expect("read demo") {
            let e = e.expect("entry");
            let target = to.join(e.file_name());
            // A results store left by a run by hand is not the demo's.
            if e.file_name() == ".kpiscope" {
                continue;
            }
            if e.file_type().expect("type").is_dir() {
                copy(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), &target).expect("copy");
            }
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let demo = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo"));
    copy(demo, dir.path());
    let config = dir.path().join("kpiscope.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    let text = text.replacen("[workspace]\n", &format!("[workspace]\n{extra}\n"), 1);
    std::fs::write(&config, text).expect("write config");
    dir
}
