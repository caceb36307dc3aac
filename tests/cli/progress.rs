//! The loading progress bar: drawn on a terminal for large loads, never into
//! a pipe or a file, never with `-q`.

use crate::harness::Test;

/// 17 MiB of canonical rows: above the size worth a bar.
fn big_workspace() -> Test {
    let mut data = String::from("date,network,account,post,reach\n");
    let mut i = 0;
    while data.len() < 17 << 20 {
        data += &format!(
            "2026-{:02}-{:02},instagram,acme,p{i},{}\n",
            1 + i % 12,
            1 + i % 28,
            i % 997
        );
        i += 1;
    }
    Test::new()
        .file(
            "kpiscope.toml",
            "[workspace]\nname = \"big\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\"\n",
        )
        .file("data.csv", &data)
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let out = big_workspace()
        .args(&["eval", "--kpi", "posts", "--grain", "all"])
        .run();
    out.status(0);
    assert_eq!(out.stderr, "");
}

#[test]
fn progress_bar_on_a_terminal_unless_quiet() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: `script` (util-linux) is not installed to give kpiscope a terminal");
        return;
    }
    let t = big_workspace();
    let out = t.args(&["--version"]).run();
    let ws = out.dir.display().to_string();
    let bin = env!("CARGO_BIN_EXE_kpiscope");
    let on_tty = |extra: &str| {
        let cmd =
            format!("{bin} --color never --workspace {ws} {extra} eval --kpi posts --grain all");
        let o = std::process::Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .output()
            .expect("script");
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let shown = on_tty("");
    assert!(
        shown.contains("loading") && shown.contains("MiB"),
        "{shown}"
    );
    // The bar is cleared before the results print.
    assert!(shown.contains("posts"), "{shown}");
    let quiet = on_tty("-q");
    assert!(!quiet.contains("loading"), "{quiet}");
}
