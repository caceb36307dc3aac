//! Property tests of the manifest parser: the built-in plugins'
//! `plugin.toml`, mutated as the config's property tests mutate
//! `kpiscope.toml`, fed to [`Manifest::parse`]. It must never panic, and
//! every diagnostic must point inside the text.
//!
//! `PROPTEST_CASES` raises the number of cases (64 by default).

use std::path::Path;

use proptest::prelude::*;

use super::Manifest;
use crate::workspace::props::{apply, edits, points_inside};

/// Every built-in plugin's `plugin.toml`, read once for all cases.
fn manifests() -> &'static [String] {
    static MANIFESTS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    MANIFESTS.get_or_init(read_manifests)
}

fn read_manifests() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("plugins");
    let mut out: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .filter_map(|p| std::fs::read_to_string(p.path().join("plugin.toml")).ok())
        .collect();
    out.sort();
    assert!(out.len() >= 10, "the manifests are found");
    out
}

fn check(text: &str) {
    if let Err(ds) = Manifest::parse("plugin.toml", text) {
        assert!(!ds.is_empty(), "an error with no diagnostic:\n{text}");
        for d in &ds.0 {
            points_inside(d, "plugin.toml", text);
        }
    }
}

#[test]
fn every_manifest_parses() {
    for m in manifests() {
        assert!(Manifest::parse("plugin.toml", m).is_ok(), "{m}");
    }
}

proptest! {
    #![proptest_config(crate::prop_config())]

    #[test]
    fn mutated_manifests_point_inside_the_text(
        pick in any::<prop::sample::Index>(),
        damage in edits(),
    ) {
        let manifests = manifests();
        check(&apply(&manifests[pick.index(manifests.len())], &damage));
    }
}
