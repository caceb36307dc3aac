//! Source plugins of the three kinds, written the way docs/plugins.md tells a
//! new user to, read end to end; and every way a plugin or an export can be
//! wrong: exit 2, a message with the place, nothing half-written.

use crate::harness::{Output, Test, assert_close};

const WS: &str = r#"[workspace]
name = "Plugins"
timezone = "UTC"
"#;

const ALPHA: &str = r#"name = "alpha"
title = "Alpha post export"
version = "1.0.0"
api = 1
kind = "table"
network = "alpha"

[input]
detect = ["Post ID", "Published", "Views"]

[table]
level = "post"
post = "Post ID"
date = { column = "Published", format = "%b %d, %Y" }

[table.metrics]
views = "Views"
likes = ["Likes", "Hearts"]
watch_time = { column = "Watch", unit = "duration" }

[metrics]
watch_time = "sum"
"#;

/// March: views 1,200 + 2,500 = 3,700; likes 45 (a2 has `-`); watch
/// 205 + 12 = 217 s; 2 posts. April: no views (`-`), likes 15, watch 60 s.
/// The `Total` row is not data.
const ALPHA_CSV: &str = "Post ID,Published,Views,Likes,Watch\n\
Total,,\"3,700\",60,00:10:00\n\
a1,\"Mar 2, 2026\",\"1,200\",45,00:03:25\n\
a2,\"Mar 30, 2026\",2.5K,-,0:12\n\
a3,\"Apr 1, 2026\",-,15,1:00\n";

const BETA: &str = r#"name = "beta"
title = "Beta traffic by source"
api = 1
kind = "rhai"
network = "web"

[input]
detect = ["day", "source", "sessions"]
"#;

const BETA_RHAI: &str = r#"/// Sessions from social networks, named by their referring host.
fn map_row(row) {
    let networks = #{ "t.co": "x", "l.facebook.com": "facebook" };
    let network = networks[row.source];
    if network == () { return (); }
    if row.source == "boom" { throw "cannot map " + row.source; }
    #{ date: date(row.day, "%Y%m%d"), network: network, account: "acme",
       metrics: #{ sessions: row.sessions } }
}
"#;

/// March: x 1,000 + 7 = 1,007 sessions; facebook 40; google is not social.
const BETA_CSV: &str = "# Report: Beta\n\
day,source,sessions\n\
20260301,t.co,\"1,000\"\n\
20260301,google,500\n\
20260302,l.facebook.com,40\n\
20260315,t.co,7\n";

const GAMMA: &str = r#"name = "gamma"
title = "Gamma followers API"
api = 1
kind = "command"
network = "gamma"

[command]
run = ["python3", "fetch.py"]
timeout = 20
"#;

/// Followers are a stock: March's value is the last day's, base + 5 = 15.
const GAMMA_PY: &str = r#"import json, os, sys
base = json.loads(os.environ["KPISCOPE_SETTINGS"])["base"]
print(json.dumps({"date": "2026-03-01", "metrics": {"followers": base}}))
print(json.dumps({"date": "2026-03-31", "metrics": {"followers": base + 5}}))
print("fetched 2 days", file=sys.stderr)
"#;

fn sources(extra: &str) -> String {
    format!(
        "{WS}\n[[source]]\nplugin = \"alpha\"\npath = \"exports/alpha.csv\"\n\n[[source]]\npath = \"exports/beta.csv\"\n\n[[source]]\nplugin = \"gamma\"\nsettings = {{ base = 10 }}\n{extra}"
    )
}

fn workspace(config: &str) -> Test {
    Test::new()
        .file("kpiscope.toml", config)
        .file("plugins/alpha/plugin.toml", ALPHA)
        .file("plugins/beta/plugin.toml", BETA)
        .file("plugins/beta/map.rhai", BETA_RHAI)
        .file("plugins/gamma/plugin.toml", GAMMA)
        .file("plugins/gamma/fetch.py", GAMMA_PY)
        .file("exports/alpha.csv", ALPHA_CSV)
        .file("exports/beta.csv", BETA_CSV)
}

#[test]
fn three_kinds_end_to_end() {
    let out = workspace(&sources(""))
        .args(&[
            "eval",
            "--grain",
            "month",
            "--by",
            "network",
            "--format",
            "json",
            "--kpi",
            "views,likes,watch_time,posts,sessions,followers",
        ])
        .run();
    out.status(0);
    for (kpi, period, network, want) in [
        ("views", "2026-03", "alpha", Some(3700.0)),
        ("likes", "2026-03", "alpha", Some(45.0)),
        ("watch_time", "2026-03", "alpha", Some(217.0)),
        ("posts", "2026-03", "alpha", Some(2.0)),
        ("views", "2026-04", "alpha", None),
        ("likes", "2026-04", "alpha", Some(15.0)),
        ("watch_time", "2026-04", "alpha", Some(60.0)),
        ("sessions", "2026-03", "x", Some(1007.0)),
        ("sessions", "2026-03", "facebook", Some(40.0)),
        ("followers", "2026-03", "gamma", Some(15.0)),
    ] {
        match (out.value(kpi, period, Some(network)), want) {
            (Some(got), Some(want)) => assert_close(got, want),
            (got, want) => assert_eq!(got, want, "{kpi} {period} {network}"),
        }
    }
    assert!(
        out.stderr.contains("gamma: fetched 2 days"),
        "{}",
        out.stderr
    );
}

#[test]
fn plugin_test_passes_and_shows_a_diff() {
    let expected = "{\"date\":\"2026-03-02\",\"network\":\"alpha\",\"account\":\"alpha\",\"post\":\"a1\",\"metrics\":{\"likes\":45,\"views\":1200,\"watch_time\":205}}\n\
{\"date\":\"2026-03-30\",\"network\":\"alpha\",\"account\":\"alpha\",\"post\":\"a2\",\"metrics\":{\"views\":2500,\"watch_time\":12}}\n\
{\"date\":\"2026-04-01\",\"network\":\"alpha\",\"account\":\"alpha\",\"post\":\"a3\",\"metrics\":{\"likes\":15,\"watch_time\":60}}\n";
    let out = workspace(WS)
        .file("plugins/alpha/fixtures/posts.csv", ALPHA_CSV)
        .file("plugins/alpha/fixtures/posts.expected.jsonl", expected)
        .args(&["plugin", "test", "alpha"])
        .run();
    out.status(0);
    assert!(
        out.stdout.contains("alpha  posts.csv  ok (3 records)"),
        "{}",
        out.stdout
    );

    let wrong = expected.replace("\"views\":2500", "\"views\":2400");
    let out = workspace(WS)
        .file("plugins/alpha/fixtures/posts.csv", ALPHA_CSV)
        .file("plugins/alpha/fixtures/posts.expected.jsonl", &wrong)
        .args(&["plugin", "test", "plugins/alpha"])
        .run();
    out.status(1);
    insta::assert_snapshot!(out.stdout);
    assert!(out.stdout.contains("FAILED"), "{}", out.stdout);
    assert!(out.stdout.contains("- {\"date\":\"2026-03-30\",\"network\":\"alpha\",\"account\":\"alpha\",\"post\":\"a2\",\"metrics\":{\"views\":2400,\"watch_time\":12}}"), "{}", out.stdout);
    assert!(out.stdout.contains("+ {\"date\":\"2026-03-30\",\"network\":\"alpha\",\"account\":\"alpha\",\"post\":\"a2\",\"metrics\":{\"views\":2500,\"watch_time\":12}}"), "{}", out.stdout);
}

#[test]
fn scaffolded_plugins_pass_their_own_fixtures() {
    for kind in ["table", "rhai", "command"] {
        let t = Test::new().file("kpiscope.toml", WS);
        let out = t.args(&["new", "plugin", "acme", "--kind", kind]).run();
        out.status(0);
        assert!(out.file_exists("plugins/acme/fixtures/sample.expected.jsonl"));
        let again = Test::new();
        drop(again);
        let test = std::process::Command::new(env!("CARGO_BIN_EXE_kpiscope"))
            .args(["plugin", "test", "acme"])
            .current_dir(&out.dir)
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&test.stdout);
        assert_eq!(test.status.code(), Some(0), "{kind}: {stdout}");
        assert!(
            stdout.contains("acme  sample.csv  ok (2 records)"),
            "{kind}: {stdout}"
        );
    }
}

/// Asserts the run could not be done, left no `out.json`, and says `what`.
#[track_caller]
fn assert_fails(out: &Output, what: &[&str]) {
    out.status(2);
    assert!(
        !out.file_exists("out.json"),
        "a failed run left out.json behind"
    );
    for w in what {
        assert!(
            out.stderr.contains(w),
            "stderr does not say {w:?}:\n{}",
            out.stderr
        );
    }
}

fn check_with(t: Test) -> Output {
    t.args(&["eval", "-o", "out.json", "--format", "json"])
        .run()
}

#[test]
fn bad_exports() {
    // (what the file holds, what the message must say)
    let cases: &[(&str, &[&str])] = &[
        (
            "Post ID,Published,Views,Likes\na1,\"Mar 2, 2026\",10,1\n",
            &[
                "exports/alpha.csv:1",
                "no column `Watch` (metric watch_time)",
                "the columns found are: `Post ID`, `Published`, `Views`, `Likes`",
            ],
        ),
        (
            "Post ID,Published,Views,Likes,Watch\na1,\"Mar 2, 2026\",10,1,0:10\na2,\"Mar 32, 2026\",10,1,0:10\n",
            &[
                "exports/alpha.csv:3",
                "cannot read the date `Mar 32, 2026`",
                "expected the format `%b %d, %Y`",
            ],
        ),
        (
            "Post ID,Published,Views,Likes,Watch\na1,\"Mar 2, 2026\",lots,1,0:10\n",
            &[
                "exports/alpha.csv:2",
                "column `Views`: `lots` is not a number",
            ],
        ),
        (
            "day,source,sessions\n20260301,t.co,5\n",
            &[
                "exports/alpha.csv",
                "this looks like a Beta traffic by source (plugin `beta`), which plugin `alpha` does not read",
            ],
        ),
    ];
    for (i, (data, what)) in cases.iter().enumerate() {
        let t = workspace(&sources("")).file("exports/alpha.csv", data);
        let out = check_with(t);
        assert_fails(&out, what);
        insta::assert_snapshot!(format!("bad_export_{i}"), out.stderr);
    }
}

#[test]
fn bad_scripts_and_commands() {
    let malformed = "fn map_row(row) { #{ date: \"2026-03-01\" } }\n";
    let throws = BETA_RHAI.replace("let networks = #{", "let networks = #{ \"boom\": \"x\", ");
    let cases: Vec<(Test, &[&str])> = vec![
        (
            workspace(&sources("")).file("plugins/beta/map.rhai", malformed),
            &[
                "exports/beta.csv:3",
                "malformed record: the record has no `metrics`",
            ],
        ),
        (
            workspace(&sources(""))
                .file("plugins/beta/map.rhai", &throws)
                .file(
                    "exports/beta.csv",
                    "day,source,sessions\n20260301,t.co,5\n20260302,boom,1\n",
                ),
            &["exports/beta.csv:3", "map.rhai:6:", "cannot map boom"],
        ),
        (
            workspace(&sources("")).file(
                "plugins/gamma/fetch.py",
                "import sys\nprint('quota exceeded', file=sys.stderr)\nsys.exit(3)\n",
            ),
            &[
                "plugin `gamma`",
                "`python3 fetch.py` failed (exit status: 3)",
                "gamma: quota exceeded",
            ],
        ),
        (
            workspace(&sources("")).file(
                "plugins/gamma/fetch.py",
                "print('{\"date\": \"2026-03-01\", \"metrics\": {}}')\nprint('{oops')\n",
            ),
            &["`python3 fetch.py` output line 2: invalid JSON"],
        ),
        (
            workspace(&sources(""))
                .file(
                    "plugins/gamma/plugin.toml",
                    &GAMMA.replace("timeout = 20", "timeout = 0.5"),
                )
                .file("plugins/gamma/fetch.py", "import time\ntime.sleep(10)\n"),
            &["ran past its time limit of 0.5 s"],
        ),
    ];
    for (t, what) in cases {
        assert_fails(&check_with(t), what);
    }
}

#[test]
fn manifest_problems_all_at_once() {
    let bad = ALPHA
        .replace("api = 1", "api = 2")
        .replace("level = \"post\"", "level = \"post\"\nlevle = \"post\"")
        .replace("watch_time = \"sum\"", "watch_time = \"average\"");
    let out = check_with(workspace(&sources("")).file("plugins/alpha/plugin.toml", &bad));
    assert_fails(
        &out,
        &[
            "plugins/alpha/plugin.toml:4:7: plugin API version 2 is not supported",
            "plugins/alpha/plugin.toml:13:1: [table]: unknown key `levle`",
            "plugins/alpha/plugin.toml:23:14: a metric's kind is one of sum, last, max, min, mean",
            "3 problems found",
        ],
    );
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn detection_names_the_candidates() {
    // A file no plugin reads, and one that two plugins read.
    let out = check_with(
        workspace(WS)
            .file(
                "kpiscope.toml",
                &format!("{WS}\n[[source]]\npath = \"exports/other.csv\"\n"),
            )
            .file("exports/other.csv", "when,what\n1,2\n"),
    );
    assert_fails(
        &out,
        &[
            "no plugin recognises the columns of other.csv (when, what)",
            "name the plugin",
        ],
    );
    let twin = ALPHA.replace("name = \"alpha\"", "name = \"alpha_copy\"");
    let out = check_with(
        workspace(WS)
            .file(
                "kpiscope.toml",
                &format!("{WS}\n[[source]]\npath = \"exports/alpha.csv\"\n"),
            )
            .file("plugins/alpha_copy/plugin.toml", &twin),
    );
    assert_fails(
        &out,
        &["several plugins recognise alpha.csv: alpha, alpha_copy"],
    );
}

/// A Business Suite daily series as downloaded (UTF-8 here; the fixtures
/// hold the UTF-16 originals): `sep=,`, then per table a title line and
/// `"Date","Primary"`.
fn daily_series(tables: &[(&str, &[(&str, &str)])]) -> String {
    let mut text = String::from("sep=,\r\n");
    for (i, (title, rows)) in tables.iter().enumerate() {
        if i > 0 {
            text.push_str("\r\n");
        }
        text.push_str(&format!("\"{title}\"\r\n\"Date\",\"Primary\"\r\n"));
        for (day, value) in *rows {
            text.push_str(&format!("\"{day}T00:00:00\",\"{value}\"\r\n"));
        }
    }
    text
}

/// The month's reach by network from one `[[source]]` reading `file`.
fn reach_by_network(file: &str, text: &str, plugin: Option<&str>) -> Output {
    let plugin = plugin
        .map(|p| format!("plugin = \"{p}\"\n"))
        .unwrap_or_default();
    Test::new()
        .file(
            "kpiscope.toml",
            &format!("{WS}\n[[source]]\n{plugin}path = \"exports/{file}\"\n"),
        )
        .file(&format!("exports/{file}"), text)
        .args(&[
            "eval", "--kpi", "reach", "--by", "network", "--grain", "month", "--format", "json",
        ])
        .run()
}

fn reach_of(out: &Output, network: &str) -> Option<f64> {
    out.rows()
        .iter()
        .find(|r| r["network"] == network && r["period"]["label"] == "2025-07")
        .and_then(|r| r["value"].as_f64())
}

/// One Business Suite download holding a Facebook table and then an
/// Instagram one, with or without a blank line between them: both load,
/// each under its own network, whichever plugin the source names or none. Facebook 2,310 + 1,985 = 4,295; Instagram
/// 640 + 702 = 1,342.
#[test]
fn a_daily_download_with_two_networks_loads_both() {
    let text = daily_series(&[
        (
            "Facebook reach",
            &[("2025-07-01", "2,310"), ("2025-07-02", "1,985")],
        ),
        (
            "Instagram reach",
            &[("2025-07-01", "640"), ("2025-07-02", "702")],
        ),
    ]);
    // The same download without the blank line between the tables: the
    // Instagram title over a second `"Date","Primary"` starts its table.
    let glued = text.replace("\r\n\r\n", "\r\n");
    for text in [&text, &glued] {
        for plugin in [None, Some("facebook"), Some("instagram")] {
            let out = reach_by_network("Reach.csv", text, plugin);
            out.status(0);
            assert_eq!(reach_of(&out, "facebook"), Some(4295.0), "{plugin:?}");
            assert_eq!(reach_of(&out, "instagram"), Some(1342.0), "{plugin:?}");
        }
    }
}

/// Since 2025 a series' title is the bare "Reach": the plugin the source
/// names decides the network; detection refuses to guess, unless the file's
/// name says it.
#[test]
fn a_bare_daily_series_title_needs_the_plugin_named() {
    let text = daily_series(&[("Reach", &[("2025-07-01", "50"), ("2025-07-03", "25")])]);
    let out = reach_by_network("Reach.csv", &text, None);
    out.status(2);
    for what in [
        "several plugins recognise Reach.csv: facebook, instagram, and neither the titles above its tables nor its name say which network it is from",
        "name the plugin with `plugin = \"...\"`",
    ] {
        assert!(out.stderr.contains(what), "{}", out.stderr);
    }
    for (file, plugin, network) in [
        ("Reach.csv", Some("instagram"), "instagram"),
        ("Reach.csv", Some("facebook"), "facebook"),
        ("instagram_reach.csv", None, "instagram"),
    ] {
        let out = reach_by_network(file, &text, plugin);
        out.status(0);
        assert_eq!(reach_of(&out, network), Some(75.0), "{file} {plugin:?}");
        assert_eq!(out.rows().len(), 1, "{}", out.stdout);
    }
    // A title that names the network is detected as before.
    let named = daily_series(&[("Instagram reach", &[("2025-07-01", "50")])]);
    let out = reach_by_network("Reach.csv", &named, None);
    out.status(0);
    assert_eq!(reach_of(&out, "instagram"), Some(50.0));
}

/// A series the plugins do not know, and two tables without the blank line
/// between them, are refused rather than read as something else.
#[test]
fn daily_series_the_plugins_cannot_place_are_refused() {
    let text = daily_series(&[("Net follows", &[("2025-07-01", "3")])]);
    let out = reach_by_network("Follows.csv", &text, Some("facebook"));
    out.status(2);
    assert!(
        out.stderr
            .contains("the daily series \"Net follows\" is not one this plugin knows"),
        "{}",
        out.stderr
    );
    // A one-cell line inside a table, with no header of its own below it:
    // its rows cannot be told from the first series'.
    let text = "sep=,\r\n\"Facebook reach\"\r\n\"Date\",\"Primary\"\r\n\"2025-07-01T00:00:00\",\"10\"\r\n\"Instagram reach\"\r\n\"2025-07-01T00:00:00\",\"4\"\r\n";
    let out = reach_by_network("Reach.csv", text, None);
    out.status(2);
    assert!(
        out.stderr.contains("exports/Reach.csv:5")
            && out.stderr.contains(
                "\"Instagram reach\" starts another table without the blank line before it"
            ),
        "{}",
        out.stderr
    );
}

/// X's tweet-activity export by day and by tweet, side by side and detected:
/// the daily one is the account's days, the other its tweets. November 2018,
/// by day: impressions 1,938 + 812 + 10,234 = 12,984, tweets published
/// 2 + 0 + 1 = 3, no post. December 2016, by tweet: 5 tweets.
#[test]
fn x_tweet_activity_by_day_and_by_tweet_are_told_apart() {
    let out = Test::new()
        .file(
            "kpiscope.toml",
            &format!("{WS}\n[[source]]\npath = \"exports/*.csv\"\n"),
        )
        .file(
            "exports/daily_tweet_activity_metrics_acme_20181101_20181201_en.csv",
            include_str!(
                "../../plugins/x/fixtures/daily_tweet_activity_metrics_acme_20181101_20181201_en.csv"
            ),
        )
        .file(
            "exports/tweet_activity_metrics_acme_20161201_20170101_en.csv",
            include_str!("../../plugins/x/fixtures/tweet_activity.csv"),
        )
        .args(&[
            "eval", "--kpi", "impressions,posts", "--by", "post", "--grain", "month", "--format",
            "json",
        ])
        .run();
    out.status(0);
    let rows = out.rows();
    let of = |kpi: &str, period: &str, account_level: bool| -> Vec<f64> {
        rows.iter()
            .filter(|r| {
                r["kpi"] == kpi
                    && r["period"]["label"] == period
                    && (r["post"].is_null() || r["post"] == "-") == account_level
            })
            .filter_map(|r| r["value"].as_f64())
            .collect()
    };
    assert_eq!(
        of("impressions", "2018-11", true),
        [12984.0],
        "{}",
        out.stdout
    );
    assert_eq!(of("posts", "2018-11", true), [3.0]);
    assert!(of("impressions", "2018-11", false).is_empty());
    assert!(of("impressions", "2016-12", true).is_empty());
    assert_eq!(of("posts", "2016-12", false).len(), 5);
}

/// YouTube Studio's table grouped by Date, detected, is the channel's days.
/// Watch time comes in hours and counts in seconds: January 2024 is
/// (85.2375 + 62.5 + 110.0417) h × 3,600 = 306,855 + 225,000 + 396,150.12
/// = 928,005.12 s. Subscribers gained 12 + 3 + 16 = 31, lost 3 + 5 + 1 = 9;
/// views 1,204 + 980 + 1,502 = 3,686 (the Total row says the same and is
/// not counted again).
#[test]
fn youtube_table_by_date_is_the_channels_days_in_seconds() {
    let out = Test::new()
        .file(
            "kpiscope.toml",
            &format!("{WS}\n[[source]]\npath = \"exports/Table data.csv\"\n"),
        )
        .file(
            "exports/Table data.csv",
            include_str!("../../plugins/youtube/fixtures/Table data by date.csv"),
        )
        .args(&[
            "eval",
            "--kpi",
            "watch_time,views,followers_new,followers_lost",
            "--grain",
            "month",
            "--format",
            "json",
        ])
        .run();
    out.status(0);
    let rows = out.rows();
    let value = |kpi: &str| {
        rows.iter()
            .find(|r| r["kpi"] == kpi && r["period"]["label"] == "2024-01")
            .and_then(|r| r["value"].as_f64())
    };
    assert_close(value("watch_time").expect("watch_time"), 928_005.12);
    assert_eq!(value("views"), Some(3686.0));
    assert_eq!(value("followers_new"), Some(31.0));
    assert_eq!(value("followers_lost"), Some(9.0));

    // A video's views per day (grouped by Date and by content) are refused:
    // read as the videos' records they kept one day's views each.
    let out = check_with(
        Test::new()
            .file(
                "kpiscope.toml",
                &format!("{WS}\n[[source]]\npath = \"exports/Chart data.csv\"\n"),
            )
            .file(
                "exports/Chart data.csv",
                "Date,Content,Video title,Video publish time,Views\n\
2024-01-15,dQw4w9WgXcQ,Espresso 101,\"Dec 15, 2023\",120\n\
2024-01-16,dQw4w9WgXcQ,Espresso 101,\"Dec 15, 2023\",95\n",
            ),
    );
    assert_fails(
        &out,
        &[
            "exports/Chart data.csv:2",
            "this export holds a video's views per day",
        ],
    );
}

/// A page export's daily reach already counts the people its posts reached:
/// where an account gives its own figure for a metric in a month, its
/// posts' figures of that metric that month are left out. acme gives its own
/// reach in March (100 + 50 = 150; its posts' 70 + 30 + 9 are left out, the
/// 9 of a day without a page figure too) but not its own likes (posts:
/// 5 + 6 + 1 = 12); solo gives posts only (reach 40). In April acme gives
/// posts only (reach 20). Days, weeks and the year add up to the months:
/// March 150 + 40 = 190, all 190 + 20 = 210, whatever the grain.
#[test]
fn account_figures_win_over_post_sums() {
    let data = "date,network,account,post,reach,likes\n\
2026-03-01,fb,acme,,100,\n\
2026-03-02,fb,acme,,50,\n\
2026-03-01,fb,acme,p1,70,5\n\
2026-03-02,fb,acme,p2,30,6\n\
2026-03-02,fb,solo,s1,40,2\n\
2026-03-20,fb,acme,p4,9,1\n\
2026-04-03,fb,acme,p3,20,1\n";
    // (grain, breakdown, KPI, period, account or all, value)
    let cases = [
        ("month", "account", "reach", "2026-03", Some("acme"), 150.0),
        ("month", "account", "likes", "2026-03", Some("acme"), 12.0),
        ("month", "account", "posts", "2026-03", Some("acme"), 3.0),
        ("month", "account", "reach", "2026-03", Some("solo"), 40.0),
        ("month", "account", "reach", "2026-04", Some("acme"), 20.0),
        ("month", "", "reach", "2026-03", None, 190.0),
        ("year", "", "reach", "2026", None, 210.0),
    ];
    for (grain, by, kpi, period, account, want) in cases {
        let mut args = vec!["eval", "--grain", grain, "--kpi", kpi, "--format", "json"];
        if !by.is_empty() {
            args.extend(["--by", by]);
        }
        let out = Test::new()
            .file(
                "kpiscope.toml",
                &format!("{WS}\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\"\n"),
            )
            .file("data.csv", data)
            .args(&args)
            .run();
        out.status(0);
        let got = out.rows().iter().find_map(|r| {
            (r["kpi"] == kpi
                && r["period"]["label"] == period
                && account.is_none_or(|a| r["account"] == a))
            .then(|| r["value"].as_f64())
            .flatten()
        });
        assert_eq!(got, Some(want), "{grain} {by} {kpi} {period} {account:?}");
    }
    // Finer grains add up to the months: the rule is decided month by month.
    for (grain, march, all) in [("day", 190.0, 210.0), ("week", 190.0, 210.0)] {
        let out = Test::new()
            .file(
                "kpiscope.toml",
                &format!("{WS}\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\"\n"),
            )
            .file("data.csv", data)
            .args(&[
                "eval", "--grain", grain, "--kpi", "reach", "--format", "json",
            ])
            .run();
        let values: Vec<(String, f64)> = out
            .rows()
            .iter()
            .filter_map(|r| {
                let start = r["period"]["start"].as_str()?.to_string();
                Some((start, r["value"].as_f64()?))
            })
            .collect();
        let sum = |pred: &dyn Fn(&str) -> bool| -> f64 {
            values.iter().filter(|(s, _)| pred(s)).map(|(_, v)| v).sum()
        };
        if grain == "day" {
            assert_close(sum(&|s| s.starts_with("2026-03")), march);
        }
        assert_close(sum(&|_| true), all);
    }
}

/// Every built-in plugin passes its own fixtures (export in the real layout →
/// the records counted by hand), the way `kpiscope plugin test` shows a user.
#[test]
fn every_builtin_plugin_passes_its_fixtures() {
    let out = Test::new().args(&["plugin", "test"]).run();
    out.status(0);
    for plugin in [
        "canonical",
        "x",
        "facebook",
        "instagram",
        "linkedin",
        "tiktok",
        "youtube",
        "ga4",
        "meta_ads",
        "vk",
        "telegram",
        "yandex_metrica",
        "ok",
        "popsters",
    ] {
        assert!(
            out.stdout.contains(&format!("\n{plugin}  "))
                || out.stdout.starts_with(&format!("{plugin}  ")),
            "{plugin} has no fixtures:\n{}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains("FAILED"), "{}", out.stdout);
    assert!(
        out.stdout.contains("80 fixture(s): 80 passed, 0 failed"),
        "{}",
        out.stdout
    );
}

/// `validate` reads no data but compiles every plugin script: a syntax error
/// has its place, and a script without `map_row` is named with the nearest
/// function.
#[test]
fn validate_checks_plugin_scripts() {
    let cases: &[(&str, &[&str])] = &[
        (
            "fn map_row(row) {\n    if row.source == \"t.co\":\n        1\n}\n",
            &["plugins/beta/map.rhai:2:"],
        ),
        (
            "fn map_rows(row) { () }\n",
            &[
                "plugins/beta/map.rhai: the script defines neither `fn map_row(row)` nor `fn map_document(doc)` (is `map_rows` meant to be `map_row`?)",
            ],
        ),
    ];
    for (script, what) in cases {
        let out = workspace(&sources(""))
            .file("plugins/beta/map.rhai", script)
            .args(&["validate"])
            .run();
        out.status(2);
        for w in *what {
            assert!(
                out.stderr.contains(w),
                "stderr does not say {w:?}:\n{}",
                out.stderr
            );
        }
    }
}

/// A `[[layout]]` takes `name`, `title` and the keys of `[input]` and
/// `[table]`; anything else is named with its place and the nearest key.
#[test]
fn layout_keys_are_checked() {
    let manifest = ALPHA
        .replace(
            "[input]\n",
            "[[layout]]\nname = \"posts\"\ndetetc = [\"Post ID\"]\n",
        )
        .replace("[table]\n", "")
        .replace("[table.metrics]", "[layout.metrics]");
    let out = check_with(workspace(&sources("")).file("plugins/alpha/plugin.toml", &manifest));
    assert_fails(
        &out,
        &[
            "plugins/alpha/plugin.toml:10:1: [[layout]]: unknown key `detetc`: a layout has name, title and the keys of [input] and [table]; did you mean `detect`?",
        ],
    );
}

/// A large export is parsed on every core: the totals are those of the
/// rows, and of two bad rows the first in the file is the one reported.
#[test]
fn large_exports_read_in_parallel_the_same() {
    let rows = 40_000;
    let mut csv = String::from("Post ID,Published,Views,Likes,Watch\n");
    // Views i, likes 1: March holds posts 0..20000, April the rest.
    for i in 0..rows {
        let day = if i < rows / 2 {
            "Mar 2, 2026"
        } else {
            "Apr 2, 2026"
        };
        csv.push_str(&format!("a{i},\"{day}\",\"{i}\",1,0:10\n"));
    }
    let out = workspace(&sources(""))
        .file("exports/alpha.csv", &csv)
        .args(&[
            "eval",
            "--grain",
            "month",
            "--network",
            "alpha",
            "--kpi",
            "views,likes,posts",
            "--format",
            "json",
        ])
        .run();
    out.status(0);
    let half = (rows / 2) as f64;
    // 0 + 1 + ... + 19999, and 20000 + ... + 39999.
    let march = half * (half - 1.0) / 2.0;
    assert_eq!(out.value("views", "2026-03", None), Some(march));
    assert_eq!(
        out.value("views", "2026-04", None),
        Some(march + half * half)
    );
    assert_eq!(out.value("likes", "2026-04", None), Some(half));
    assert_eq!(out.value("posts", "2026-04", None), Some(half));

    let bad = csv
        .replace(
            "a30000,\"Apr 2, 2026\",\"30000\"",
            "a30000,\"Apr 2, 2026\",\"lots\"",
        )
        .replace(
            "a12000,\"Mar 2, 2026\",\"12000\"",
            "a12000,\"Mar 2, 2026\",\"many\"",
        );
    let out = check_with(workspace(&sources("")).file("exports/alpha.csv", &bad));
    // Post a12000 is on line 12002 (after the header and post a0).
    assert_fails(
        &out,
        &["exports/alpha.csv:12002: column `Views`: `many` is not a number"],
    );
}

/// `date.year_from` is checked like every key: its value, that the layout
/// has a post column to read the id from, and that some format has no year.
#[test]
fn date_year_from_is_checked() {
    let date = "date = { column = \"Published\", format = \"%b %d, %Y\" }";
    for (with, say) in [
        (
            "date = { column = \"Published\", format = \"%b %d\", year_from = \"tiktok\" }",
            "`date.year_from` is \"tiktok_id\" or \"x_id\", not `tiktok`",
        ),
        (
            "date = { column = \"Published\", format = \"%b %d, %Y\", year_from = \"x_id\" }",
            "no `date.format` here reads one without a year",
        ),
        (
            "date = { column = \"Published\", format = \"%b %d\", year_from = \"x_id\", yaer = 2 }",
            "unknown key `yaer`",
        ),
    ] {
        let manifest = ALPHA.replace(date, with);
        let out = check_with(workspace(&sources("")).file("plugins/alpha/plugin.toml", &manifest));
        assert_fails(&out, &["plugins/alpha/plugin.toml:14:8: ", say]);
    }
    let manifest = ALPHA.replace("post = \"Post ID\"\n", "").replace(
        date,
        "date = { column = \"Published\", format = \"%b %d\", year_from = \"tiktok_id\" }",
    );
    let out = check_with(workspace(&sources("")).file("plugins/alpha/plugin.toml", &manifest));
    assert_fails(
        &out,
        &[
            "plugins/alpha/plugin.toml:13:8: `date.year_from` reads the post id: the mapping needs `post",
        ],
    );
}

/// Year-less dates of real exports get their year, or the run stops at the
/// line that cannot be dated: never a guessed year.
#[test]
fn yearless_dates_are_dated_or_refused() {
    const OVERVIEW: &str =
        "\"Date\",\"Video Views\",\"Profile Views\",\"Likes\",\"Comments\",\"Shares\"\n";
    const CONTENT: &str =
        "Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views\n";
    // 7513151508480000000 >> 32 is 1749291901 s, 2025-06-07.
    let ok = "https://www.tiktok.com/@a/video/7513151508480000000";
    let cases: Vec<(&str, &str, String, Vec<&str>)> = vec![
        (
            // Sorted by views: the dates go neither up nor down.
            "Overview_2025-03-01.csv",
            "",
            format!("{OVERVIEW}\"8 Mar\",5,1,1,0,0\n\"3 Mar\",9,1,1,0,0\n\"15 Mar\",2,1,1,0,0\n"),
            vec![
                "exports/Overview_2025-03-01.csv:4",
                "`15 Mar` follows `3 Mar` in dates going down",
                "export the file sorted by date, or set `year`",
            ],
        ),
        (
            // The name's date is when the file was saved, not its first day:
            // the name's year puts the dates after today.
            "Overview (saved 2099-01-20).csv",
            "",
            format!("{OVERVIEW}\"28 Dec\",5,1,1,0,0\n\"5 Jan\",9,1,1,0,0\n"),
            vec![
                "exports/Overview (saved 2099-01-20).csv:2",
                "cannot date `28 Dec` in column `Date`: it has no year, and the year 2099 from the file's name, taken as its earliest date's, puts it on 2099-12-28, after today (",
                "set `year` in the [[source]] to the year of the earliest date",
            ],
        ),
        (
            "Overview.csv",
            "year = 2147483647\n",
            format!("{OVERVIEW}\"8 de marzo\",5,1,1,0,0\n"),
            // Refused in the config, before any file is read.
            vec![
                "kpiscope.toml:",
                "`year = 2147483647`: the year of year-less dates is between 1900 and 2200",
            ],
        ),
        (
            "content.csv",
            "",
            format!("{CONTENT}a,{ok},Jun 7,1,1,1,10\nb,https://www.tiktok.com/@a,Jun 3,1,1,1,5\n"),
            vec![
                "exports/content.csv:3",
                "cannot date `Jun 3` in column `Post time`",
                "`https://www.tiktok.com/@a` does not end with a TikTok video id (digits)",
            ],
        ),
        (
            "content.csv",
            "",
            format!("{CONTENT}a,https://www.tiktok.com/@a/video/4294967296,Jun 3,1,1,1,5\n"),
            vec![
                "exports/content.csv:2",
                "`4294967296` is not a TikTok video id: the time it holds (1970-01-01T00:00:01Z) is not between 2016 and 2100",
            ],
        ),
    ];
    for (name, extra, data, say) in cases {
        let config =
            format!("{WS}\n[[source]]\nplugin = \"tiktok\"\npath = \"exports/{name}\"\n{extra}");
        let out = check_with(
            Test::new()
                .file("kpiscope.toml", &config)
                .file(&format!("exports/{name}"), &data),
        );
        assert_fails(&out, &say);
    }
}

/// Two workspace plugins with one name: one of them would go unused without
/// a word. An error names both folders.
#[test]
fn two_workspace_plugins_with_one_name_are_refused() {
    let out = check_with(
        workspace(&sources(""))
            .file("plugins/alpha2/plugin.toml", ALPHA)
            .file("plugins/alpha3/plugin.toml", ALPHA),
    );
    assert_fails(
        &out,
        &[
            "plugins/alpha2/plugin.toml:1:8: two workspace plugins are named `alpha`: plugins/alpha and plugins/alpha2",
            "1 | name = \"alpha\"\n  |        ^^^^^^^",
            "plugins/alpha3/plugin.toml:1:8: two workspace plugins are named `alpha`: plugins/alpha and plugins/alpha3",
            "rename one",
        ],
    );
}

/// A workspace plugin may replace a built-in one of its name; `validate`
/// and `-v` say so.
#[test]
fn a_workspace_plugin_replacing_a_built_in_one_is_said() {
    let t = || {
        Test::new()
            .file(
                "kpiscope.toml",
                &format!(
                    "{WS}\n[[source]]\nplugin = \"instagram\"\npath = \"exports/alpha.csv\"\n"
                ),
            )
            .file(
                "plugins/my_instagram/plugin.toml",
                &ALPHA.replace("name = \"alpha\"", "name = \"instagram\""),
            )
            .file("exports/alpha.csv", ALPHA_CSV)
    };
    let note = "note: plugins/my_instagram replaces the built-in plugin `instagram`";
    let out = t().args(&["validate"]).run();
    out.status(0);
    assert!(out.stdout.contains(note), "{}", out.stdout);
    let out = t().args(&["-v", "eval", "--kpi", "views"]).run();
    out.status(0);
    assert!(out.stderr.contains(note), "{}", out.stderr);
    // The replacement is read, not the built-in plugin.
    assert!(
        out.stdout.contains("3700") || out.stdout.contains("3,700"),
        "{}",
        out.stdout
    );
    let out = t().args(&["eval", "--kpi", "views"]).run();
    assert!(!out.stderr.contains("replaces"), "{}", out.stderr);
}

/// `list plugins` outside a workspace lists the built-in plugins, whatever
/// `plugins/` folder the current directory has (kpiscope's own repository
/// has one): it is no workspace's, and replaces nothing.
#[test]
fn list_plugins_outside_a_workspace_ignores_a_plugins_folder() {
    let out = Test::new()
        .file(
            "plugins/canonical/plugin.toml",
            &ALPHA.replace("name = \"alpha\"", "name = \"canonical\""),
        )
        .args(&["list", "plugins"])
        .run();
    out.status(0);
    let canonical = out
        .stdout
        .lines()
        .find(|l| l.starts_with("canonical "))
        .unwrap_or_default();
    assert!(canonical.contains("built-in"), "{}", out.stdout);
    assert!(!out.stdout.contains("overrides"), "{}", out.stdout);
    assert!(!out.stdout.contains("alpha"), "{}", out.stdout);
}

/// `plugin test` in a workspace reads fixtures with the workspace's
/// `[limits]`, as its sources are read: a fixture that passes with the
/// defaults stops at a lower operations limit, and the reverse.
#[test]
fn plugin_test_runs_with_the_workspaces_limits() {
    let busy = BETA_RHAI.replace(
        "fn map_row(row) {",
        "fn map_row(row) {\n    let n = 0;\n    for i in 0..500 { n += i; }",
    );
    let run = |config: &str| {
        workspace(config)
            .file("plugins/beta/map.rhai", &busy)
            .file("plugins/beta/fixtures/traffic.csv", BETA_CSV)
            .args(&["plugin", "test", "beta"])
            .run()
    };
    let out = run(WS);
    assert!(
        out.stdout
            .contains("beta  traffic.csv  no expected records (3 records)"),
        "{}",
        out.stdout
    );
    let out = run(&format!("{WS}\n[limits]\nscript_operations = 200\n"));
    out.status(1);
    assert!(out.stdout.contains("FAILED"), "{}", out.stdout);
    assert!(out.stdout.contains("operations"), "{}", out.stdout);
}
