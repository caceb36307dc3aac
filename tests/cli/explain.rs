//! `kpiscope explain`: the formula, the dependency tree with each value, and
//! the result, on the goals fixture (values computed by hand in goals.rs).

use crate::goals::ws;

#[test]
fn explain_shows_the_tree_with_values_for_a_period_and_network() {
    let out = ws("")
        .args(&[
            "explain",
            "err",
            "--period",
            "2026-09",
            "--network",
            "instagram",
        ])
        .run();
    out.status(0);
    // Instagram in 2026-09: posts i1, b1, i2.
    let tree = out
        .stdout
        .split_once("2026-09 instagram:\n")
        .expect("period heading")
        .1;
    assert_eq!(
        tree,
        "  err = 3.5%
  ├─ engagements = 140
  │  ├─ comments = 16
  │  ├─ likes = 113
  │  └─ shares = 11
  └─ reach = 4000
"
    );
    assert!(
        out.stdout.contains("engagements() / reach * 100"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("defined in <standard>/engagement.rhai:")
    );
}

#[test]
fn explain_shows_the_previous_period_a_kpi_reads() {
    let out = ws("")
        .args(&[
            "explain",
            "follower_growth_pop",
            "--period",
            "2026-09",
            "--account",
            "acme",
        ])
        .run();
    out.status(0);
    // acme: 1200 + 520 at the end of September, 1100 + 400 at the end of August.
    assert!(
        out.stdout.ends_with(
            "2026-09 acme:
  follower_growth_pop = 14.67%
  ├─ followers = 1720
  └─ previous(\"followers\") = 1500 (in 2026-08)
"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn explain_a_period_outside_the_data_says_where_the_data_is() {
    let out = ws("")
        .args(&["explain", "err", "--period", "2025-01"])
        .run();
    out.status(0);
    assert!(
        out.stdout.ends_with(
            "2025-01 all networks:\n  no data in this period (the data runs from 2026-08-01 to 2026-10-15)\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn explain_rejects_a_bad_period_and_suggests_a_kpi() {
    let out = ws("")
        .args(&["explain", "err", "--period", "2026-13"])
        .run();
    out.status(2);
    assert!(
        out.stderr.contains("`2026-13` is not a period"),
        "{}",
        out.stderr
    );
    let out = ws("").args(&["explain", "engagment"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("did you mean `engagements`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn explain_with_where_computes_as_a_goal_filtered_on_a_dimension() {
    // Campaign spring in 2026-09: posts i1 (instagram, 100 engagements, 2000
    // reach) and f2 (facebook, 20, 1000): 120 / 3000 * 100 = 4%.
    let out = ws("")
        .args(&[
            "explain",
            "err",
            "--period",
            "2026-09",
            "--where",
            "campaign=spring",
        ])
        .run();
    out.status(0);
    let tree = out
        .stdout
        .split_once("2026-09 campaign=spring:\n")
        .expect("heading")
        .1;
    assert!(tree.starts_with("  err = 4%\n"), "{}", out.stdout);
    assert!(tree.contains("└─ reach = 3000\n"), "{}", out.stdout);
    let out = ws("").args(&["explain", "err", "--where", "spring"]).run();
    out.status(2);
    assert!(out.stderr.contains("write DIM=VALUE"), "{}", out.stderr);
}

/// A KPI's helpers and the params it reads, with the values this run gives
/// them: what redoing its number by hand needs.
#[test]
fn explain_names_helpers_and_param_values() {
    let script = "fn per_k(a, b) { a / b * 1000 }\n/// Weighted likes per thousand reached\nfn wl() { per_k(likes * params.w + comments * params.missing, reach) }\n";
    let out = crate::harness::Test::new()
        .file(
            "kpiscope.toml",
            &format!("{}\n[params]\nw = 2\n", crate::goals::HEAD),
        )
        .file("data.csv", crate::goals::DATA)
        .file("scripts/w.rhai", script)
        .args(&["explain", "wl", "--period", "2026-09"])
        .run();
    out.status(0);
    assert!(
        out.stdout.contains(
            "reads: comments, likes, reach, params.missing (not set), params.w = 2\ncalls: per_k (helper)\n"
        ),
        "{}",
        out.stdout
    );
}
