//! Any bytes as an export read end to end by a built-in plugin (the table
//! and rhai paths, and the canonical reader's parallel fast path), then
//! aggregated and evaluated with `eval`: what a user's file goes through.
//! The plugin is picked by the input's length, so that every seed (a
//! plugin's fixture) is read by several plugins.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use clap::Parser;
use kpiscope::cli::Cli;
use libfuzzer_sys::fuzz_target;

const PLUGINS: [&str; 11] = [
    "canonical",
    "facebook",
    "ga4",
    "instagram",
    "linkedin",
    "meta_ads",
    "telegram",
    "tiktok",
    "vk",
    "x",
    "youtube",
];

/// One workspace per plugin, made once: `data.csv` is rewritten per input.
fn workspaces() -> &'static (tempfile::TempDir, Vec<PathBuf>) {
    static WS: OnceLock<(tempfile::TempDir, Vec<PathBuf>)> = OnceLock::new();
    WS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let roots = PLUGINS
            .iter()
            .map(|p| {
                let root = dir.path().join(p);
                std::fs::create_dir_all(&root).expect("mkdir");
                std::fs::write(
                    root.join("kpiscope.toml"),
                    format!(
                        "[workspace]\nname = \"fuzz\"\ntimezone = \"UTC\"\n\n[[source]]\nplugin = \"{p}\"\npath = \"data.csv\"\naccount = \"acme\"\nyear = 2026\n"
                    ),
                )
                .expect("config");
                root
            })
            .collect();
        (dir, roots)
    })
}

fuzz_target!(|data: &[u8]| {
    let (_, roots) = workspaces();
    let root = &roots[data.len() % roots.len()];
    std::fs::write(root.join("data.csv"), data).expect("write data");
    let out = root.join("out.json");
    let args = [
        "kpiscope",
        "--workspace",
        root.to_str().expect("utf-8 temp path"),
        "-q",
        "eval",
        "--grain",
        "month",
        "--format",
        "json",
        "-o",
        out.to_str().expect("utf-8 temp path"),
    ];
    let cli = Cli::try_parse_from(args).expect("arguments");
    let _ = kpiscope::commands::run(cli);
});
