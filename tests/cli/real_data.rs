//! Real exports read by the built-in plugins, checked against figures counted
//! independently of kpiscope.
//!
//! The data lives in `shared/data/` beside the repository (`../shared` from the
//! crate root), which a developer's machine and CI have but a plain clone may
//! not: without it each test says why on stderr and passes.
//!
//! ## X: rOpenSci's tweet-activity exports
//!
//! `shared/data/x-ropensci/tweet_activity_metrics_rOpenSci_<start>_<end>_en.csv`:
//! 25 monthly analytics.twitter.com exports, 2017-12 to 2019-12, 738 tweets.
//! Every `time` is `+0000` and the test workspace says `timezone = "UTC"`, so a
//! tweet's day is its UTC day and each file's tweets fall in the file's month.
//! No tweet appears in two files (738 rows, 738 distinct ids and permalinks).
//!
//! The expected numbers were counted with Python's `csv` module, not kpiscope:
//!
//! ```python
//! import csv, glob, collections
//! tot = collections.defaultdict(collections.Counter); posts = collections.defaultdict(set)
//! for f in sorted(glob.glob('shared/data/x-ropensci/tweet_activity_metrics_*.csv')):
//!     for r in csv.DictReader(open(f, newline='', encoding='utf-8')):
//!         m = r['time'][:7]                      # all '+0000'; the workspace is UTC
//!         posts[m].add(r['Tweet permalink'])
//!         for col in ['impressions', 'engagements', 'likes', 'replies', 'retweets', 'url clicks']:
//!             tot[m][col] += float(r[col])
//! for m in sorted(tot): print(m, len(posts[m]), dict(tot[m]))
//! ```
//!
//! | month   | posts | impressions | engagements | likes | replies | retweets | url clicks |
//! |---------|-------|-------------|-------------|-------|---------|----------|------------|
//! | 2017-12 | 20    | 231614      | 5173        | 640   | 20      | 291      | 2144       |
//! | 2018-05 | 50    | 278024      | 4703        | 675   | 46      | 295      | 1467       |
//! | 2018-09 | 46    | 299468      | 4088        | 714   | 58      | 353      | 707        |
//! | 2019-01 | 31    | 199256      | 3585        | 570   | 24      | 254      | 986        |
//! | 2019-12 | 23    | 132785      | 1702        | 298   | 12      | 128      | 745        |
//! | all     | 738   | 5050128     | 81704       | 12525 | 529     | 6097     | 24770      |
//!
//! The plugin maps `engagements` to `total_engagements`, `replies` to
//! `comments`, `retweets` to `shares` and `url clicks` to `clicks`.

use std::path::PathBuf;

use crate::harness::{Output, Test, assert_close};

/// `../shared/data/<name>` from the crate root, or `None` (with the reason on
/// stderr) when this machine has no shared data.
fn shared_data(name: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(name);
    if dir.is_dir() {
        Some(dir.canonicalize().expect("canonical path"))
    } else {
        eprintln!(
            "skipped: {} is absent (the shared data sits beside the repository)",
            dir.display()
        );
        None
    }
}

/// A UTC workspace with one `[[source]]` per glob, each read by plugin `x`.
fn x_workspace(globs: &[String]) -> Test {
    let mut toml = String::from(
        "[workspace]\nname = \"rOpenSci on X\"\n# UTC: the exports' times are +0000, so a tweet counts on its UTC day.\ntimezone = \"UTC\"\n",
    );
    for g in globs {
        // A literal string: no escapes in the absolute path.
        toml.push_str(&format!("\n[[source]]\nplugin = \"x\"\npath = '{g}'\n"));
    }
    Test::new().file("kpiscope.toml", &toml)
}

fn tweet_activity_glob(dir: &std::path::Path) -> String {
    dir.join("tweet_activity_metrics_*.csv")
        .to_string_lossy()
        .into_owned()
}

const KPIS: &str = "posts,impressions,total_engagements,likes,comments,shares,clicks";

/// (month, posts, impressions, total_engagements, likes, comments, shares, clicks)
const MONTHS: &[(&str, [f64; 7])] = &[
    (
        "2017-12",
        [20.0, 231614.0, 5173.0, 640.0, 20.0, 291.0, 2144.0],
    ),
    (
        "2018-05",
        [50.0, 278024.0, 4703.0, 675.0, 46.0, 295.0, 1467.0],
    ),
    (
        "2018-09",
        [46.0, 299468.0, 4088.0, 714.0, 58.0, 353.0, 707.0],
    ),
    (
        "2019-01",
        [31.0, 199256.0, 3585.0, 570.0, 24.0, 254.0, 986.0],
    ),
    (
        "2019-12",
        [23.0, 132785.0, 1702.0, 298.0, 12.0, 128.0, 745.0],
    ),
];

const ALL: [f64; 7] = [738.0, 5050128.0, 81704.0, 12525.0, 529.0, 6097.0, 24770.0];

fn assert_period(out: &Output, period: &str, expected: &[f64; 7]) {
    for (kpi, want) in KPIS.split(',').zip(expected) {
        let got = out
            .value(kpi, period, None)
            .unwrap_or_else(|| panic!("{kpi} {period} has no value\n{}", out.stdout));
        assert!(
            ((got - want) / want.abs().max(1e-12)).abs() < 1e-9,
            "{kpi} in {period}: expected {want}, got {got}"
        );
    }
}

#[test]
fn x_tweet_activity_monthly_totals() {
    let Some(dir) = shared_data("x-ropensci") else {
        return;
    };
    let out = x_workspace(&[tweet_activity_glob(&dir)])
        .args(&[
            "eval", "--grain", "month", "--kpi", KPIS, "--format", "json",
        ])
        .run();
    out.status(0);
    for (month, expected) in MONTHS {
        assert_period(&out, month, expected);
    }
    // 25 months (2017-12 .. 2019-12) for each of the 7 KPIs.
    let rows = out.rows();
    assert_eq!(rows.len(), 25 * 7, "{}", out.stdout);
    let first = rows
        .iter()
        .filter_map(|r| r["period"]["label"].as_str())
        .min()
        .unwrap();
    let last = rows
        .iter()
        .filter_map(|r| r["period"]["label"].as_str())
        .max()
        .unwrap();
    assert_eq!((first, last), ("2017-12", "2019-12"));
}

#[test]
fn x_tweet_activity_all_time_totals() {
    let Some(dir) = shared_data("x-ropensci") else {
        return;
    };
    let out = x_workspace(&[tweet_activity_glob(&dir)])
        .args(&["eval", "--grain", "all", "--kpi", KPIS, "--format", "json"])
        .run();
    out.status(0);
    assert_period(&out, "all", &ALL);
}

#[test]
fn x_tweet_activity_loaded_twice_counts_once() {
    let Some(dir) = shared_data("x-ropensci") else {
        return;
    };
    // The same 25 files through two sources: every tweet is one post record.
    let glob = tweet_activity_glob(&dir);
    let out = x_workspace(&[glob.clone(), glob])
        .args(&["eval", "--grain", "all", "--kpi", KPIS, "--format", "json"])
        .run();
    out.status(0);
    assert_period(&out, "all", &ALL);
}

#[test]
fn x_tweet_with_blank_lines_and_hashtag_lines_in_its_text() {
    let Some(dir) = shared_data("x-ropensci") else {
        return;
    };
    // 2018-05-25 14:45 +0000, text "A sincere thank you to all participants in
    // #runconf18 \n\nThis thread...\n\n#rstats https://t.co/...": a blank line
    // and a line starting with `#` inside a quoted cell, neither of which ends
    // the table or is a comment. impressions "23607.0", likes "131.0".
    let out = x_workspace(&[tweet_activity_glob(&dir)])
        .args(&[
            "eval",
            "--grain",
            "day",
            "--by",
            "post",
            "--from",
            "2018-05-25",
            "--to",
            "2018-05-25",
            "--kpi",
            "impressions,likes",
            "--format",
            "json",
        ])
        .run();
    out.status(0);
    let post = "https://twitter.com/rOpenSci/status/1000024996876468224";
    let value = |kpi: &str| {
        out.rows()
            .iter()
            .find(|r| r["kpi"] == kpi && r["post"] == post)
            .unwrap_or_else(|| panic!("no {kpi} row for {post} in\n{}", out.stdout))["value"]
            .as_f64()
            .expect("a value")
    };
    assert_close(value("impressions"), 23607.0);
    assert_close(value("likes"), 131.0);
}
