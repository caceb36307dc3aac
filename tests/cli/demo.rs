//! The bundled demo workspace, as the README's main command runs it: every
//! goal's value against `examples/demo/EXPECTED.md`, computed from the export
//! files (Business Suite, x.com, GA4, Ads Manager) without kpiscope
//! (`examples/demo/tools/expected.py`).

use std::process::Command;

/// Goal id, value (to the 4 decimals of EXPECTED.md), status.
const EXPECTED: &[(&str, f64, &str)] = &[
    ("ig-err", 7.9162, "pass"),
    ("ig-posting", 0.5806, "pass"), // 18 posts / 31 days
    ("ig-fake-followers", 1.7565, "pass"),
    ("fb-er", 9.8516, "warn"),
    ("fb-fake-followers", 19.4786, "warn"),
    ("x-ctr", 1.2147, "pass"),
    ("social-traffic-quality", 2.0, "pass"),
    ("social-roi", 67.9385, "pass"),
    ("ads-cpc", 0.5406, "pass"),
    ("summer-cpl", 4.6958, "pass"),
];

#[test]
fn demo_check_matches_expected() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo");
    let out = Command::new(env!("CARGO_BIN_EXE_kpiscope"))
        .args(["--workspace", demo, "check", "--format", "json"])
        .output()
        .expect("run kpiscope");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let goals = json["goals"].as_array().expect("goals");
    assert_eq!(goals.len(), EXPECTED.len());
    for (id, value, status) in EXPECTED {
        let g = goals
            .iter()
            .find(|g| g["id"] == *id)
            .unwrap_or_else(|| panic!("goal {id}"));
        let got = g["value"]
            .as_f64()
            .unwrap_or_else(|| panic!("{id} has no value: {g}"));
        assert!(
            (got - value).abs() < 5e-5,
            "{id}: expected {value}, got {got}"
        );
        assert_eq!(g["status"], *status, "{id}");
    }
    assert_eq!(json["summary"]["pass"], 8);
    assert_eq!(json["summary"]["warn"], 2);
}

#[test]
fn demo_fails_with_fail_on_warn() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo");
    let out = Command::new(env!("CARGO_BIN_EXE_kpiscope"))
        .args([
            "--workspace",
            demo,
            "check",
            "--fail-on",
            "warn",
            "--format",
            "json",
        ])
        .output()
        .expect("run kpiscope");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn quiet_check_prints_nothing_and_keeps_the_exit_code() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo");
    let out = Command::new(env!("CARGO_BIN_EXE_kpiscope"))
        .args(["-q", "--workspace", demo, "check", "--fail-on", "warn"])
        .output()
        .expect("run kpiscope");
    assert_eq!(out.status.code(), Some(1), "two goals warn");
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}
