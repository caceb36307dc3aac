//! Hostile folders under a source's glob (issue 10): symlink loops, a file
//! reached twice through links, folders and files kpiscope may not read, and
//! more files than a source may have.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::workspace;

const ROW: &str = "date,network,account,reach\n2026-01-01,instagram,acme,100\n";

fn config(plugin: Option<&str>) -> String {
    let plugin = plugin
        .map(|p| format!("plugin = \"{p}\"\n"))
        .unwrap_or_default();
    format!("[workspace]\nname = \"t\"\n\n[[source]]\n{plugin}path = \"data/**/*.csv\"\n")
}

#[cfg(unix)]
fn link(target: &str, at: &Path) {
    std::os::unix::fs::symlink(target, at).expect("symlink");
}

/// Runs `kpiscope args` in `dir`, failing the test past `limit` instead of
/// hanging with the command.
fn run_within(
    dir: &Path,
    args: &[&str],
    limit: Duration,
    uid: Option<u32>,
) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kpiscope"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    #[cfg(unix)]
    if let Some(uid) = uid {
        use std::os::unix::process::CommandExt;
        cmd.uid(uid).gid(uid);
    }
    let mut child = cmd.spawn().expect("run kpiscope");
    // Read while it runs, so that a full pipe does not stop it.
    let drain = |r: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut r) = r {
                let _ = r.read_to_string(&mut text);
            }
            text
        })
    };
    let out = drain(child.stdout.take().map(|r| Box::new(r) as _));
    let err = drain(child.stderr.take().map(|r| Box::new(r) as _));
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let shown = dir.to_string_lossy();
            let text = |t: std::thread::JoinHandle<String>| {
                t.join().expect("reader").replace(&*shown, "[WS]")
            };
            return (status.code().unwrap_or(-1), text(out), text(err));
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("kpiscope {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn two_symlink_loops_under_a_double_star_end() {
    // Each link leads back up the tree: `glob` walked 2^40 paths here.
    let dir = workspace(&[
        ("kpiscope.toml", &config(Some("canonical"))),
        ("data/a.csv", ROW),
        ("data/sub/b.csv", ROW),
    ]);
    link(".", &dir.join("data/loop"));
    link("..", &dir.join("data/sub/up"));
    link("../..", &dir.join("data/sub/top"));
    for command in [&["validate"][..], &["eval", "--kpi", "reach"]] {
        let (code, _, err) = run_within(&dir, command, Duration::from_secs(20), None);
        assert_eq!(code, 0, "{command:?}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn a_file_reached_twice_through_links_is_read_once_and_v_says_so() {
    let dir = workspace(&[
        ("kpiscope.toml", &config(Some("canonical"))),
        ("data/a.csv", ROW),
    ]);
    link(".", &dir.join("data/loop"));
    link("a.csv", &dir.join("data/alias.csv"));
    let args = ["eval", "--kpi", "reach", "--format", "json", "-v"];
    let (code, out, err) = run_within(&dir, &args, Duration::from_secs(20), None);
    assert_eq!(code, 0, "{err}");
    // Read once, under its own path: one input, not 41.
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let inputs = json["inputs"].as_array().expect("inputs").clone();
    assert_eq!(inputs.len(), 1, "{inputs:?}");
    assert_eq!(inputs[0]["file"], "data/a.csv");
    assert!(
        err.contains(
            "note: source #1 (canonical, data/**/*.csv): data/alias.csv is data/a.csv (reached again through a link): read once"
        ),
        "{}",
        err
    );
    assert!(
        err.contains("data/loop leads to a folder already walked (a link): not walked again"),
        "{}",
        err
    );
}

/// Whom to run as for a permission error to happen: root reads everything,
/// so as root the test runs kpiscope as `nobody` (uid 65534).
#[cfg(unix)]
fn unprivileged(dir: &Path) -> Option<u32> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    // `nobody` must reach the workspace inside the private temp folder.
    use std::os::unix::fs::PermissionsExt;
    for d in [dir.to_path_buf(), dir.join("data")] {
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    Some(65534)
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_under_a_double_star_is_an_error_naming_it() {
    let dir = workspace(&[
        ("kpiscope.toml", &config(Some("canonical"))),
        ("data/a.csv", ROW),
        ("data/private/b.csv", ROW),
    ]);
    let uid = unprivileged(&dir);
    chmod(&dir.join("data/private"), 0o000);
    let (code, _, err) = run_within(&dir, &["validate"], Duration::from_secs(20), uid);
    chmod(&dir.join("data/private"), 0o755);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with(
            "error: kpiscope.toml:6:8: source #1 (canonical, data/**/*.csv): cannot read the folder data/private: Permission denied"
        ),
        "{err}"
    );
    assert!(
        err.contains("every folder the glob reaches is read"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_an_error_without_the_name_the_plugin_hint() {
    // No `plugin`: auto-detection would have said "name the plugin".
    let dir = workspace(&[
        ("kpiscope.toml", &config(None)),
        ("data/a.csv", ROW),
        ("data/b.csv", ROW),
    ]);
    let uid = unprivileged(&dir);
    chmod(&dir.join("data/b.csv"), 0o000);
    let (code, _, err) = run_within(&dir, &["validate"], Duration::from_secs(20), uid);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with(
            "error: kpiscope.toml:5:8: source #1 (data/**/*.csv): cannot read data/b.csv: Permission denied"
        ),
        "{err}"
    );
    assert!(!err.contains("name the plugin"), "{err}");
}

#[test]
fn more_files_than_a_source_may_have_is_an_error() {
    let dir = workspace(&[("kpiscope.toml", &config(Some("canonical")))]);
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    // MAX_FILES_PER_SOURCE in src/limits.rs, and one more. (Not imported:
    // linking the library into this binary makes `String + &String`
    // ambiguous in the other tests.)
    for i in 0..=50_000 {
        std::fs::File::create(data.join(format!("{i}.csv"))).expect("create");
    }
    let (code, _, err) = run_within(&dir, &["validate"], Duration::from_secs(120), None);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with(
            "error: kpiscope.toml:6:8: source #1 (canonical, data/**/*.csv): `data/**/*.csv` matches more than 50000 files"
        ),
        "{err}"
    );
    assert!(err.contains("narrow the glob"), "{err}");
}

#[test]
fn a_bad_glob_says_what_is_wrong() {
    let dir = workspace(&[(
        "kpiscope.toml",
        &config(Some("canonical")).replace("data/**/*.csv", "data/a**.csv"),
    )]);
    let (code, _, err) = run_within(&dir, &["validate"], Duration::from_secs(20), None);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with(
            "error: kpiscope.toml:6:8: bad glob `data/a**.csv`: recursive wildcards must form a single path component"
        ),
        "{err}"
    );
}
