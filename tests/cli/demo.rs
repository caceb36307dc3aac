//! The bundled demo workspace, as the README's main command runs it: every
//! goal's result against `examples/demo/EXPECTED.md`.
//!
//! Every number below comes from `examples/demo/tools/expected.py`, which reads
//! the export files (Business Suite, x.com, GA4, Ads Manager, the canonical
//! CSVs) in their own layouts and applies the formulas without kpiscope. After
//! `python3 examples/demo/tools/generate.py` changes the data, rerun
//! `python3 examples/demo/tools/expected.py` and copy its numbers here.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo");

/// The target goals as of the data's last day, 2026-10-31 (expected.py):
/// id, period, value (to the 4 decimals of EXPECTED.md), status.
const EXPECTED: &[(&str, &str, f64, &str)] = &[
    ("ig-err", "2026-10", 8.0041, "pass"),
    ("ig-posting", "2026-10", 0.5806, "pass"), // 18 posts / 31 days
    ("ig-fake-followers", "2026-10", 1.0366, "pass"),
    ("fb-er", "2026-10", 10.2486, "warn"),
    ("fb-fake-followers", "2026-10", 12.5240, "warn"),
    ("x-ctr", "2026-10", 1.0720, "pass"),
    ("social-traffic-quality", "2026-10", 2.0, "pass"),
    ("social-roi", "2026-10", 53.9626, "pass"),
    ("ads-cpc", "2026-10", 0.5673, "pass"),
    ("summer-cpl", "2026-Q3", 4.7215, "pass"),
];

/// The same goals with `--to 2026-09-30` (expected.py): September is the last
/// month, and the bought Facebook followers make `fb-fake-followers` fail.
const EXPECTED_SEPTEMBER: &[(&str, &str, f64, &str)] = &[
    ("ig-err", "2026-09", 7.9919, "pass"),
    ("ig-posting", "2026-09", 0.6000, "pass"),
    ("ig-fake-followers", "2026-09", 5.5066, "pass"),
    ("fb-er", "2026-09", 10.6154, "warn"),
    ("fb-fake-followers", "2026-09", 64.2490, "fail"),
    ("x-ctr", "2026-09", 1.0880, "pass"),
    ("social-traffic-quality", "2026-09", 2.0, "pass"),
    ("social-roi", "2026-09", 38.6755, "pass"),
    ("ads-cpc", "2026-09", 0.5839, "pass"),
    ("summer-cpl", "2026-Q3", 4.7215, "pass"),
];

/// `x-engagement-monthly` (`period = "each"`, `er_impressions` of x, target
/// `>= 1.5`, warn `>= 1`): one result a month from 2025-11 to 2026-10
/// (expected.py). X's dip in January and February warns.
const EXPECTED_EACH: &[(&str, f64, &str)] = &[
    ("2025-11", 1.8536, "pass"),
    ("2025-12", 1.8708, "pass"),
    ("2026-01", 1.3120, "warn"),
    ("2026-02", 1.1434, "warn"),
    ("2026-03", 1.5992, "pass"),
    ("2026-04", 1.8690, "pass"),
    ("2026-05", 2.0781, "pass"),
    ("2026-06", 1.7766, "pass"),
    ("2026-07", 1.8342, "pass"),
    ("2026-08", 1.9400, "pass"),
    ("2026-09", 1.8394, "pass"),
    ("2026-10", 1.8259, "pass"),
];

/// Runs `kpiscope --workspace DIR check --format json ARGS`: exit code, JSON.
fn check_json(workspace: &Path, args: &[&str]) -> (Option<i32>, Value) {
    // The repository's demo is read, never written: no results store.
    let out = Command::new(env!("CARGO_BIN_EXE_kpiscope"))
        .arg("--no-history")
        .arg("--workspace")
        .arg(workspace)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .expect("run kpiscope");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON on stdout ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), json)
}

/// The results of one goal id (an `each` goal has several).
fn results<'a>(json: &'a Value, id: &str) -> Vec<&'a Value> {
    json["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .filter(|g| g["id"] == id)
        .collect()
}

/// The only result of goal `id`.
fn result<'a>(json: &'a Value, id: &str) -> &'a Value {
    let rs = results(json, id);
    assert_eq!(rs.len(), 1, "goal {id}: {} results", rs.len());
    rs[0]
}

fn number(v: &Value, what: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("{what}: not a number: {v}"))
}

/// `got` equals the 4-decimal `expected` of EXPECTED.md.
fn assert_close(got: &Value, expected: f64, what: &str) {
    let got = number(got, what);
    assert!(
        (got - expected).abs() < 5e-5,
        "{what}: expected {expected}, got {got}"
    );
}

fn assert_results(json: &Value, expected: &[(&str, &str, f64, &str)]) {
    for (id, period, value, status) in expected {
        let g = result(json, id);
        assert_eq!(g["period"]["label"], *period, "{id}");
        assert_close(&g["value"], *value, id);
        assert_eq!(g["status"], *status, "{id}: {g}");
    }
}

#[test]
fn demo_check_matches_expected() {
    let (code, json) = check_json(Path::new(DEMO), &[]);
    assert_eq!(code, Some(0), "{json}");
    assert_results(&json, EXPECTED);
    // Nothing fails and everything has data.
    assert_eq!(json["summary"]["fail"], 0);
    assert_eq!(json["summary"]["no_data"], 0);
}

#[test]
fn demo_september_has_a_failing_goal() {
    let (code, json) = check_json(Path::new(DEMO), &["--to", "2026-09-30"]);
    assert_eq!(code, Some(1), "{json}");
    assert_results(&json, EXPECTED_SEPTEMBER);
    assert_eq!(json["summary"]["fail"], 1);
}

#[test]
fn demo_fails_with_fail_on_warn() {
    let (code, _) = check_json(Path::new(DEMO), &["--fail-on", "warn"]);
    assert_eq!(code, Some(1));
}

/// `-q` for cron and CI: no table, no progress, but one line per goal
/// result that fails or warns, so the mail says what broke; the exit code
/// as without it.
#[test]
fn quiet_check_prints_only_what_fails_or_warns() {
    let out = Command::new(env!("CARGO_BIN_EXE_kpiscope"))
        .args([
            "-q",
            "--no-history",
            "--workspace",
            DEMO,
            "check",
            "--fail-on",
            "warn",
        ])
        .env("NO_COLOR", "1")
        .output()
        .expect("run kpiscope");
    assert_eq!(out.status.code(), Some(1), "goals warn");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "warn  fb-er  2026-10  10.25% is 4.75 below the target 15%\n\
         warn  fb-fake-followers  2026-10  12.52% is 2.52 above the target 10%\n\
         warn  x-engagement-monthly  2026-01  1.31% is 0.19 below the target 1.5%\n\
         warn  x-engagement-monthly  2026-02  1.14% is 0.36 below the target 1.5%\n"
    );
    assert!(out.stderr.is_empty());
    // All passing: nothing at all.
    let out = Command::new(env!("CARGO_BIN_EXE_kpiscope"))
        .args(["-q", "--no-history", "--workspace", DEMO, "check", "ig-err"])
        .output()
        .expect("run kpiscope");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

// ------------------------------------------------- goals over time

#[test]
fn demo_check_with_every_kind_of_goal() {
    let dir = Path::new(DEMO);
    let (code, json) = check_json(dir, &[]);
    assert_eq!(code, Some(0), "{json}");
    assert_results(&json, EXPECTED);
    // 10 target goals + 1 change + 12 months of the each goal + 1 deadline
    // + the competitor panel's rank, vs and share-of-voice goals
    assert_eq!(json["goals"].as_array().expect("goals").len(), 27);
    assert_eq!(json["summary"]["pass"], 23);
    assert_eq!(json["summary"]["warn"], 4);
    assert_eq!(json["summary"]["fail"], 0);
    assert_eq!(json["summary"]["no_data"], 0);

    let (code, json) = check_json(dir, &["--to", "2026-09-30"]);
    assert_eq!(code, Some(1), "{json}");
    assert_results(&json, EXPECTED_SEPTEMBER);
    assert_eq!(json["goals"].as_array().expect("goals").len(), 26);
    assert_eq!(json["summary"]["pass"], 22);
    assert_eq!(json["summary"]["warn"], 3);
    assert_eq!(json["summary"]["fail"], 1);
    assert_eq!(json["summary"]["no_data"], 0);
}

/// The competitor panel's goals against EXPECTED.md's "Competitor panel"
/// (tools/competitors.py): @northwind's `er` 5470 / 9517 = 57.4761% in
/// 2026-10 between bluebird_coffee (9634 / 15540 = 61.9949%) and
/// copper_kettle (2120 / 5300 = 40%), daily_grind 4050 / 22500 = 18%.
#[test]
fn demo_panel_goals() {
    let dir = Path::new(DEMO);
    for (args, period, ranking, ratio, median, sov) in [
        (
            &[][..],
            "2026-10",
            [
                ("bluebird_coffee", 61.9949),
                ("northwind", 57.4761),
                ("copper_kettle", 40.0),
                ("daily_grind", 18.0),
            ],
            1.4369,
            40.0,
            26.8833, // 182 / (182 + 250 + 95 + 150)
        ),
        (
            &["--to", "2026-09-30"][..],
            "2026-09",
            [
                ("bluebird_coffee", 60.9961),
                ("northwind", 56.0070),
                ("copper_kettle", 39.7876),
                ("daily_grind", 17.5991),
            ],
            1.4076,
            39.7876,
            26.5957, // 175 / (175 + 244 + 91 + 148)
        ),
    ] {
        let (_, json) = check_json(dir, args);
        let rank = result(&json, "ig-er-rank");
        assert_eq!(rank["status"], "pass", "{rank}");
        assert_eq!(rank["kind"], "rank");
        assert_eq!(rank["period"]["label"], period);
        assert_close(&rank["value"], 2.0, "rank");
        let panel = &rank["panel"];
        assert_eq!(panel["subject"], "northwind");
        assert_eq!(panel["ranked"], 4);
        let accounts = panel["accounts"].as_array().expect("accounts");
        assert_eq!(
            accounts.len(),
            4,
            "the ads account has no followers: not in the panel"
        );
        for (i, (account, er)) in ranking.iter().enumerate() {
            assert_eq!(accounts[i]["account"], *account, "{period}");
            assert_eq!(accounts[i]["rank"], i + 1);
            assert_close(&accounts[i]["value"], *er, account);
        }
        let vs = result(&json, "ig-er-vs-median");
        assert_eq!(vs["status"], "pass");
        assert_eq!(vs["unit"], "x");
        assert_close(&vs["value"], ratio, "er / median");
        assert_close(&vs["panel"]["reference"]["value"], median, "median");
        let sov_goal = result(&json, "ig-share-of-voice");
        assert_eq!(sov_goal["status"], "pass");
        assert_close(&sov_goal["value"], sov, "share of voice");
    }
}

#[test]
fn demo_change_goal() {
    // ig-follower-growth: Instagram followers 9517 (2026-10-31) vs 9181
    // (2026-09-30): (9517 - 9181) / 9181 * 100 = 3.6597 % >= 2 % (expected.py).
    let dir = Path::new(DEMO);
    let (_, json) = check_json(dir, &[]);
    let g = result(&json, "ig-follower-growth");
    assert_eq!(g["status"], "pass", "{g}");
    assert_eq!(g["period"]["label"], "2026-10");
    assert_close(&g["value"], 3.6597, "change");
    assert_eq!(g["unit"], "%");
    assert_close(&g["kpi_value"], 9517.0, "kpi_value");
    let prev = &g["previous"];
    assert_eq!(prev["label"], "2026-09", "{g}");
    assert_eq!(prev["start"], "2026-09-01");
    assert_eq!(prev["end"], "2026-09-30");
    assert_close(&prev["value"], 9181.0, "previous value");

    // September: 9181 vs 8863 (2026-08-31) = +3.5879 %.
    let (_, json) = check_json(dir, &["--to", "2026-09-30"]);
    let g = result(&json, "ig-follower-growth");
    assert_eq!(g["period"]["label"], "2026-09");
    assert_close(&g["value"], 3.5879, "change in September");
    assert_close(
        &g["previous"]["value"],
        8863.0,
        "previous value in September",
    );
    assert_eq!(g["status"], "pass");
}

#[test]
fn demo_each_goal() {
    let dir = Path::new(DEMO);
    let (_, json) = check_json(dir, &[]);
    let rs = results(&json, "x-engagement-monthly");
    assert_eq!(rs.len(), EXPECTED_EACH.len(), "one result a month");
    for (label, value, status) in EXPECTED_EACH {
        let g = rs
            .iter()
            .find(|g| g["period"]["label"] == *label)
            .unwrap_or_else(|| panic!("no result for {label}"));
        assert_close(&g["value"], *value, label);
        assert_eq!(g["status"], *status, "{label}: {g}");
    }
    // Cut at September, the goal stops at 2026-09.
    let (_, json) = check_json(dir, &["--to", "2026-09-30"]);
    let rs = results(&json, "x-engagement-monthly");
    assert_eq!(rs.len(), 11);
    assert!(rs.iter().all(|g| g["period"]["label"] != "2026-10"));
}

#[test]
fn demo_deadline_goal() {
    // ig-10k-followers: 10,000 Instagram followers by 2026-12-31. D = 2026-12 is
    // not complete on 2026-10-31: least squares over 2026-05..2026-10
    // (7937, 8223, 8543, 8863, 9181, 9517; x = year*12 + month), slope
    // 316.9714 a month, projected to x = 24324: 10137.0381 >= 10000, on track.
    // 61 days left; needed (10000 - 9517) / 61 = 7.9180 a day; trend
    // 316.9714 / (184 / 6) = 10.3360 a day (expected.py).
    let dir = Path::new(DEMO);
    let (_, json) = check_json(dir, &[]);
    let g = result(&json, "ig-10k-followers");
    assert_eq!(g["status"], "pass", "{g}");
    assert_close(&g["value"], 10137.0381, "projected value");
    let p = &g["projection"];
    assert_eq!(p["deadline"], "2026-12-31", "{g}");
    assert_eq!(p["period"]["label"], "2026-12");
    assert_eq!(p["period"]["start"], "2026-12-01");
    assert_eq!(p["period"]["end"], "2026-12-31");
    assert_eq!(p["latest"]["label"], "2026-10");
    assert_close(&p["latest"]["value"], 9517.0, "latest");
    assert_close(&p["projected"], 10137.0381, "projected");
    assert_eq!(p["days_left"], 61);
    assert_close(&p["needed_per_day"], 7.9180, "needed_per_day");
    assert_close(&p["trend_per_day"], 10.3360, "trend_per_day");
    assert_eq!(
        p["basis"],
        serde_json::json!([
            "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"
        ])
    );
    assert_eq!(p["passed"], false);

    // Cut at September: 2026-04..2026-09, projected 10099.1619, 92 days left,
    // needed (10000 - 9181) / 92 = 8.9022, trend 309.5143 / 30.5 = 10.1480.
    let (_, json) = check_json(dir, &["--to", "2026-09-30"]);
    let g = result(&json, "ig-10k-followers");
    assert_eq!(g["status"], "pass", "{g}");
    let p = &g["projection"];
    assert_close(&p["projected"], 10099.1619, "projected in September");
    assert_eq!(p["days_left"], 92);
    assert_eq!(p["latest"]["label"], "2026-09");
    assert_close(&p["needed_per_day"], 8.9022, "needed_per_day in September");
    assert_close(&p["trend_per_day"], 10.1480, "trend_per_day in September");
    assert_eq!(p["basis"][0], "2026-04");
}

/// The demo report's top posts are named by their text and linked, on every
/// network of the demo: Business Suite's `Description` and `Permalink`, X's
/// `Post text` and `Post Link`. First rows of 2026-10, checked by hand in
/// the export files:
/// - instagram `Oct-01-2026_Oct-31-2026_….csv`, post 17990000385070530:
///   "Weekend at the café, Croix-Rousse", IG reel, 10/25/2026, reach 4,691;
///   likes 304 + comments 34 + shares 30 = 368 engagements.
/// - facebook, post 1220000178951908: the same text, Reels, 10/25/2026,
///   reach 3,143; reactions 128 + comments 13 + shares 20 = 161.
/// - x `account_analytics_content_2026-10-01_2026-10-31.csv`, post
///   2052000012769039098 (no reach: ranked by impressions), Oct 9, 3,303
///   impressions; likes 37 + replies 5 + reposts 11 = 53.
#[test]
fn demo_report_top_posts_have_text_and_link_on_every_network() {
    let out = Command::new(env!("CARGO_BIN_EXE_kpiscope"))
        .arg("--no-history")
        .arg("--workspace")
        .arg(DEMO)
        .args(["report", "--format", "json"])
        .output()
        .expect("run kpiscope");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let sections = json["sections"].as_array().expect("sections");
    let networks: Vec<&str> = sections
        .iter()
        .filter_map(|s| s["network"].as_str())
        .collect();
    assert_eq!(networks, ["facebook", "instagram", "x"]);
    for s in sections {
        let posts = s["top_posts"].as_array().expect("top posts");
        assert_eq!(posts.len(), 5, "{}", s["network"]);
        for p in posts {
            let title = p["title"].as_str().unwrap_or_default();
            let url = p["url"].as_str().unwrap_or_default();
            assert!(
                !title.is_empty() && url.starts_with("https://"),
                "{}: {p}",
                s["network"]
            );
        }
    }
    let first = |network: &str| -> &Value {
        let s = sections
            .iter()
            .find(|s| s["network"] == network)
            .unwrap_or_else(|| panic!("no {network} section"));
        &s["top_posts"][0]
    };
    let ig = first("instagram");
    assert_eq!(ig["title"], "Weekend at the café, Croix-Rousse");
    assert_eq!(ig["url"], "https://www.instagram.com/reel/YmSFHjERvDw/");
    assert_eq!(ig["format"], "reel");
    assert_eq!(ig["published"], "2026-10-25");
    assert_eq!(ig["reach"], 4691.0);
    assert_eq!(ig["engagements"], 368.0);
    assert_eq!(ig["rank_by"], "reach");
    let fb = first("facebook");
    assert_eq!(fb["post"], "1220000178951908");
    assert_eq!(fb["title"], "Weekend at the café, Croix-Rousse");
    assert_eq!(fb["url"], "https://www.facebook.com/reel/900000006298737");
    assert_eq!(fb["format"], "reel");
    assert_eq!(fb["reach"], 3143.0);
    assert_eq!(fb["engagements"], 161.0);
    let x = first("x");
    assert_eq!(x["title"], "New in the shop: the Lyon blend, 250 g");
    assert_eq!(
        x["url"],
        "https://x.com/northwindcoffee/status/2052000012769039098"
    );
    assert_eq!(x["format"], Value::Null);
    assert_eq!(x["published"], "2026-10-09");
    assert_eq!(x["reach"], Value::Null);
    assert_eq!(x["impressions"], 3303.0);
    assert_eq!(x["engagements"], 53.0);
    assert_eq!(x["rank_by"], "impressions");
    // All networks: each row says which figure ranked it.
    assert!(
        sections[0]["top_posts"]
            .as_array()
            .is_some_and(|p| p.iter().all(|p| p["rank_by"] == "reach"))
    );
}

/// The walkthrough of examples/demo/README.md: three checks, October's X
/// export downloaded again between the second and the third with 10% more
/// impressions (tools/redownload.py). x-ctr for October: 1.0720% (pass),
/// then 0.9745% (warn) — the same clicks over 10% more impressions.
#[test]
fn demo_history_after_a_redownloaded_export_shows_the_restatement() {
    let hook = crate::servers::Http::start();
    let dir = crate::harness::demo_with("");
    let root = dir.path();
    let mut config = std::fs::read_to_string(root.join("kpiscope.toml")).expect("config");
    config += "\n[[notify]]\nname = \"team\"\nwebhook = \"env:NORTHWIND_WEBHOOK\"\nformat = \"json\"\ngoals = [\"x-ctr\"]\n";
    std::fs::write(root.join("kpiscope.toml"), config).expect("config");
    let kp = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kpiscope"))
            .args(args)
            .current_dir(root)
            .env("NO_COLOR", "1")
            .env("NORTHWIND_WEBHOOK", hook.url("/northwind"))
            .output()
            .expect("run kpiscope");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    assert_eq!(kp(&["check"]).0, Some(0));
    let (code, second) = kp(&["check"]);
    assert_eq!(code, Some(0));
    assert!(!second.contains("Since the last run"), "{second}");
    let name = "account_analytics_content_2026-10-01_2026-10-31.csv";
    std::fs::copy(
        root.join("redownload/x").join(name),
        root.join("data/x").join(name),
    )
    .expect("the re-downloaded export");
    let (code, third) = kp(&["check", "--fail-on", "restated"]);
    assert_eq!(code, Some(1), "{third}");
    let lines: Vec<&str> = third
        .lines()
        .filter(|l| l.starts_with("restated"))
        .collect();
    assert_eq!(lines.len(), 2, "{third}");
    assert!(lines[0].contains("x-ctr"), "{}", lines[0]);
    assert!(
        lines[0].contains("1.072% → 0.9745%; pass → warn (last checked in run 2,"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].ends_with(&format!("inputs: data/x/{name} changed")),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("x-engagement-monthly  2026-10  1.8259% → 1.6598%"),
        "{}",
        lines[1]
    );
    let (code, history) = kp(&["history", "x-ctr", "--format", "csv"]);
    assert_eq!(code, Some(0));
    // To the 4 decimals of EXPECTED.md.
    let values: Vec<(f64, &str)> = history
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            let v: f64 = c[7].parse().expect("value");
            ((v * 1e4).round() / 1e4, c[9])
        })
        .collect();
    assert_eq!(
        values,
        vec![(1.072, "pass"), (1.072, "pass"), (0.9745, "warn")],
        "{history}"
    );

    // One alert, from the third run: nothing changed before it.
    let sent = hook.requests();
    assert_eq!(sent.len(), 1);
    let body = sent[0].json();
    assert_eq!(body["run"], 3);
    assert_eq!(
        body["summary"],
        "kpiscope: 1 goal changed in Northwind Coffee Roasters"
    );
    let change = &body["changes"][0];
    assert_eq!(change["kind"], "restated");
    assert_eq!(change["goal"], "x-ctr");
    assert_eq!(change["before"]["status"], "pass");
    assert_eq!(change["status"], "warn");
    assert_eq!(change["inputs"][0]["path"], format!("data/x/{name}"));
    assert_eq!(body["counts"]["warn"], 1);
}
