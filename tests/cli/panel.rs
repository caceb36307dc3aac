//! Competitor panels (issue 16) end to end: competitor sources never change
//! an own figure; `rank` and `vs` goals place the brand among the network's
//! panel; `share_of_voice` reads the panel's mentions; a competitor without
//! a metric is "no data: not public", never zero; and every way a panel
//! goal can be impossible is an error with its place in kpiscope.toml.
//!
//! The panel, VK, March 2026, worked out by hand:
//!
//! | account | role | followers (31 Mar) | engagements (likes + comments + shares) | er | mentions |
//! |---|---|---:|---:|---:|---:|
//! | acme | own | 1,000 | 50+10+5 + 30+5+0 = 100 | 10% | 40 |
//! | rival_a | competitor | 2,000 | 150+20+10 = 180 | 9% | 60 |
//! | rival_b | competitor | 500 | 20+4+1 = 25 | 5% | 20 |
//! | rival_roasters | competitor (Popsters, no followers) | - | 4,000+1,049+461 = 5,510 | not public | - |

use crate::harness::{Output, Test, assert_close};

pub const POPSTERS_RU: &str = include_str!("../../plugins/popsters/fixtures/posts_ru.csv");

pub const OWN: &str = "date,network,account,post,followers,likes,comments,shares,mentions,reach
2026-03-01,vk,acme,,980,,,,,
2026-03-31,vk,acme,,1000,,,,40,
2026-03-10,vk,acme,p1,,50,10,5,,2000
2026-03-20,vk,acme,p2,,30,5,0,,1500
";

pub const RIVALS: &str = "date,network,account,post,followers,likes,comments,shares,mentions
2026-03-01,vk,rival_a,,1900,,,,
2026-03-31,vk,rival_a,,2000,,,,60
2026-03-05,vk,rival_a,a1,,150,20,10,
2026-03-01,vk,rival_b,,480,,,,
2026-03-31,vk,rival_b,,500,,,,20
2026-03-12,vk,rival_b,b1,,20,4,1,
";

pub const SOURCES: &str = r#"[workspace]
name = "Panel test"
timezone = "UTC"

[[source]]
plugin = "canonical"
path = "data/own.csv"

[[source]]
plugin = "canonical"
path = "data/rivals.csv"
role = "competitor"

[[source]]
plugin = "popsters"
path = "data/popsters/*.csv"
account = "rival_roasters"
role = "competitor"
"#;

fn ws(goals: &str) -> Test {
    Test::new()
        .file("kpiscope.toml", &format!("{SOURCES}\n{goals}"))
        .file("data/own.csv", OWN)
        .file("data/rivals.csv", RIVALS)
        .file("data/popsters/rival_roasters.csv", POPSTERS_RU)
}

pub fn goal<'a>(out: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    out["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .find(|g| g["id"] == id)
        .unwrap_or_else(|| panic!("no goal {id} in {out}"))
}

/// One account of a panel goal's JSON `panel.accounts`.
pub fn panel_account<'a>(g: &'a serde_json::Value, account: &str) -> &'a serde_json::Value {
    g["panel"]["accounts"]
        .as_array()
        .and_then(|all| all.iter().find(|a| a["account"] == account))
        .unwrap_or_else(|| panic!("no account {account} in {g}"))
}

pub fn check(t: Test) -> Output {
    t.args(&["check", "--format", "json", "--no-history"]).run()
}

const RANK: &str = r#"[[goal]]
id = "vk-er-rank"
kpi = "er"
network = "vk"
account = "acme"
rank = "<= 2"
"#;

#[test]
fn competitors_never_change_an_own_figure() {
    // The own likes of March: 50 + 30, whatever the competitors post.
    let out = ws(RANK)
        .args(&[
            "eval",
            "--kpi",
            "likes,er,followers",
            "--by",
            "account",
            "--format",
            "json",
            "--grain",
            "month",
        ])
        .run();
    out.status(0);
    let rows = out.rows();
    assert!(rows.iter().all(|r| r["account"] == "acme"), "{rows:?}");
    assert_close(out.value("likes", "2026-03", None).unwrap(), 80.0);
    assert_close(out.value("followers", "2026-03", None).unwrap(), 1000.0);
    assert_close(out.value("er", "2026-03", None).unwrap(), 10.0);
}

#[test]
fn a_rank_goal_places_the_account_in_the_panel() {
    let out = check(ws(RANK));
    out.status(0);
    let j = out.json();
    let g = goal(&j, "vk-er-rank");
    assert_eq!(g["kind"], "rank");
    assert_eq!(g["status"], "pass");
    assert_eq!(g["value"], 1.0);
    assert_eq!(g["period"]["label"], "2026-03");
    let p = &g["panel"];
    assert_eq!(p["subject"], "acme");
    assert_eq!(p["rank"], 1);
    assert_eq!(p["ranked"], 3);
    assert_close(p["value"].as_f64().unwrap(), 10.0);
    let accounts: Vec<(String, Option<u64>, Option<f64>)> = p["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["account"].as_str().unwrap().to_string(),
                a["rank"].as_u64(),
                a["value"].as_f64(),
            )
        })
        .collect();
    assert_eq!(
        accounts,
        [
            ("acme".to_string(), Some(1), Some(10.0)),
            ("rival_a".to_string(), Some(2), Some(9.0)),
            ("rival_b".to_string(), Some(3), Some(5.0)),
            ("rival_roasters".to_string(), None, None),
        ]
    );
    assert_eq!(
        g["message"],
        "rank 1 of 3 on vk by er (acme 10%, rival_a 9%, rival_b 5%; no data for rival_roasters: not public: followers is not in rival_roasters's export for vk/rival_roasters 2026-03) meets the target rank <= 2"
    );
    // Every file read is accounted for, the competitors' too: the Popsters
    // export's 4 rows are 3 posts and its "Итого" row.
    let files: Vec<&str> = j["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "data/own.csv",
            "data/rivals.csv",
            "data/popsters/rival_roasters.csv"
        ]
    );
    let popsters = &j["inputs"][2];
    assert_eq!(popsters["rows"], 4);
    assert_eq!(popsters["records"], 3);
}

#[test]
fn a_competitor_export_without_followers_is_not_public_never_zero() {
    let out = check(ws(r#"[[goal]]
id = "vs-roasters"
kpi = "er"
network = "vk"
vs = "rival_roasters"
target = ">= 1x"
no_data = "warn"
"#));
    out.status(0);
    let j = out.json();
    let g = goal(&j, "vs-roasters");
    assert_eq!(g["status"], "no_data");
    assert_eq!(g["value"], serde_json::Value::Null);
    assert_eq!(
        g["message"],
        "no data: rival_roasters: not public: followers is not in rival_roasters's export for vk/rival_roasters 2026-03"
    );
    let roasters = panel_account(g, "rival_roasters");
    assert_eq!(roasters["value"], serde_json::Value::Null);
    assert_eq!(roasters["role"], "competitor");
}

#[test]
fn vs_goals_compare_with_the_median_the_best_and_an_account() {
    let out = check(ws(r#"[[goal]]
id = "vs-median"
kpi = "er"
network = "vk"
vs = "median"
target = ">= 1.1x"

[[goal]]
id = "vs-best"
kpi = "er"
network = "vk"
vs = "best"
target = ">= 0"

[[goal]]
id = "vs-b"
kpi = "engagements"
network = "vk"
vs = "rival_a"
target = ">= 1x"
warn = ">= 0.5x"
"#));
    out.status(0);
    let j = out.json();
    // The competitors' er: 9 and 5 (rival_roasters has none): median 7;
    // 10 / 7 = 1.4286x.
    let m = goal(&j, "vs-median");
    assert_eq!(m["kind"], "vs");
    assert_eq!(m["unit"], "x");
    assert_eq!(m["status"], "pass");
    assert_close(m["value"].as_f64().unwrap(), 10.0 / 7.0);
    assert_close(m["panel"]["reference"]["value"].as_f64().unwrap(), 7.0);
    assert_eq!(
        m["message"],
        "10% is 1.43x the competitors' median 7% and meets the target >= 1.1x"
    );
    // The best competitor, rival_a at 9%: 1 point above it.
    let b = goal(&j, "vs-best");
    assert_eq!(b["status"], "pass");
    assert_close(b["value"].as_f64().unwrap(), 1.0);
    assert_eq!(b["panel"]["reference"]["account"], "rival_a");
    assert_eq!(
        b["message"],
        "10% is 1 point above the best competitor, rival_a 9% and meets the target >= 0%"
    );
    // Engagements: 100 against rival_a's 180: 0.56x, between the warn band
    // 0.5x and the target 1x.
    let e = goal(&j, "vs-b");
    assert_eq!(e["status"], "warn");
    assert_close(e["value"].as_f64().unwrap(), 100.0 / 180.0);
}

#[test]
fn share_of_voice_reads_the_panels_mentions() {
    // Mentions: 40 own, 60 + 20 the competitors' (the Popsters export has
    // none, and adds nothing): 40 / (40 + 80) = 33.33%. Engagements: 100
    // own; the competitors' likes 150 + 20 + 4,000, comments 20 + 4 + 1,049,
    // shares 10 + 1 + 461: 5,715; 100 / (100 + 5,715) = 1.7197%.
    let out = ws("")
        .args(&[
            "eval",
            "--kpi",
            "share_of_voice,share_of_voice_engagement",
            "--network",
            "vk",
            "--grain",
            "month",
            "--format",
            "json",
        ])
        .run();
    out.status(0);
    assert_close(
        out.value("share_of_voice", "2026-03", None).unwrap(),
        40.0 / 120.0 * 100.0,
    );
    assert_close(
        out.value("share_of_voice_engagement", "2026-03", None)
            .unwrap(),
        100.0 / 5815.0 * 100.0,
    );
    let goal = ws(r#"[[goal]]
id = "sov"
kpi = "share_of_voice"
network = "vk"
target = ">= 30"
"#);
    let out = check(goal);
    out.status(0);
    assert_close(goal_value(&out, "sov"), 100.0 / 3.0);
}

fn goal_value(out: &Output, id: &str) -> f64 {
    let j = out.json();
    goal(&j, id)["value"].as_f64().expect("a value")
}

#[test]
fn explain_shows_the_share_of_voice_formula() {
    let out = ws("")
        .args(&[
            "explain",
            "share_of_voice",
            "--network",
            "vk",
            "--period",
            "2026-03",
        ])
        .run();
    out.status(0);
    assert!(
        out.stdout
            .contains("mentions / (mentions + panel(\"mentions\")) * 100"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("share_of_voice = 33.33%"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("panel(\"mentions\") = 80 (the competitors' total)"),
        "{}",
        out.stdout
    );
}

#[test]
fn share_of_voice_without_a_panel_is_no_data_with_the_reason() {
    let out = Test::new()
        .file(
            "kpiscope.toml",
            "[workspace]\nname = \"Alone\"\ntimezone = \"UTC\"\n[[source]]\nplugin = \"canonical\"\npath = \"data/own.csv\"\n",
        )
        .file("data/own.csv", OWN)
        .args(&["eval", "--kpi", "share_of_voice", "--network", "vk", "--grain", "month", "--format", "json"])
        .run();
    out.status(0);
    let rows = out.rows();
    assert_eq!(rows[0]["value"], serde_json::Value::Null);
    assert_eq!(
        rows[0]["reason"],
        "panel(\"mentions\") has no competitor panel for vk 2026-03: no [[source]] has role = \"competitor\""
    );
}

#[test]
fn a_panel_with_no_own_account_is_an_error() {
    let out = check(
        ws(r#"[[goal]]
id = "tg-rank"
kpi = "likes"
network = "telegram"
rank = "<= 1"
"#)
        .file(
            "data/rivals.csv",
            &format!("{RIVALS}2026-03-15,telegram,rival_tg,t1,,10,1,1,\n"),
        ),
    );
    out.fails_with(
        "kpiscope.toml:24:8: goal `tg-rank`: the telegram panel has no own account: every telegram record comes from competitor sources (rival_tg)",
    );
    assert!(
        out.stderr
            .contains("add your own telegram export as a [[source]] (role = \"own\" is the default), or drop the goal"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_rank_goal_on_a_kpi_competitors_cannot_have_is_an_error_at_validate() {
    let out = ws(r#"[[goal]]
id = "err-rank"
kpi = "err"
network = "vk"
rank = "<= 2"
"#)
    .args(&["validate"])
    .run();
    out.fails_with(
        "kpiscope.toml:22:7: goal `err-rank`: `rank` compares `err` with competitors, who cannot have it: it reads `reach`, which a competitor's page does not show",
    );
    // The caret under the KPI's name, and the public metrics named.
    assert!(
        out.stderr.contains("22 | kpi = \"err\"\n   |       ^^^^^"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("a panel compares KPIs of public metrics only (followers, followers_new"),
        "{}",
        out.stderr
    );
}

#[test]
fn panel_goals_without_competitor_sources_or_network_are_errors() {
    let out = Test::new()
        .file(
            "kpiscope.toml",
            r#"[workspace]
name = "Alone"
[[source]]
plugin = "canonical"
path = "data/own.csv"
[[goal]]
id = "lonely"
kpi = "er"
network = "vk"
rank = "<= 1"
[[goal]]
id = "nowhere"
kpi = "er"
vs = "median"
target = ">= 1x"
[[source]]
path = "data/x.csv"
role = "rival"
"#,
        )
        .file("data/own.csv", OWN)
        .args(&["validate"])
        .run();
    out.fails_with(
        "kpiscope.toml:10:8: goal `lonely`: `rank` compares with the competitor panel, but no [[source]] has role = \"competitor\"",
    );
    assert!(
        out.stderr.contains("kpiscope.toml:14:6: goal `nowhere`: a panel is one network's accounts: add `network = \"...\"` to compare with its competitors"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("kpiscope.toml:18:8: `role = \"rival\"`: a source's role is own (the brand's accounts, the default) or competitor (a competitor's public page, for the panel)"),
        "{}",
        out.stderr
    );
}

#[test]
fn vs_an_account_not_in_the_panel_names_the_panel() {
    let out = check(ws(r#"[[goal]]
id = "vs-typo"
kpi = "er"
network = "vk"
vs = "rival_c"
target = ">= 1x"
"#));
    out.fails_with(
        "goal `vs-typo`: `vs = \"rival_c\"` is not median, best or an account of the vk panel",
    );
    assert!(
        out.stderr
            .contains("did you mean `rival_a`? the panel: acme, rival_a, rival_b, rival_roasters"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_report_has_a_vs_competitors_section() {
    // March on VK, by hand: love_rate = likes / followers (acme 80 / 1,000
    // = 8%, rival_a 150 / 2,000 = 7.5%, rival_b 20 / 500 = 4%); talk_rate =
    // comments / followers (15 / 1,000 = 1.5%, 20 / 2,000 = 1%, 4 / 500 =
    // 0.8%); amplification_rate = shares / posts x 100 (acme 5 / 2 = 250%,
    // rival_a 1,000%, rival_b 100%, rival_roasters 461 / 3 = 15,366.67%).
    let out = ws(RANK)
        .args(&[
            "report",
            "--period",
            "2026-03",
            "--format",
            "markdown",
            "--no-history",
        ])
        .run();
    out.status(0);
    let md = &out.stdout;
    assert!(md.contains("\n### vs competitors\n"), "{md}");
    assert!(
        md.contains(
            "| **acme** (own) | 10% (#1 of 3) | 8% (#1 of 3) | 1.5% (#1 of 3) | 250% (#3 of 4) |"
        ),
        "{md}"
    );
    assert!(
        md.contains("| rival\\_roasters | — | — | — | 15,366.67% (#1 of 4) |"),
        "{md}"
    );
    assert!(
        md.contains("not public: followers is not in rival\\_roasters's export for vk/rival\\_roasters 2026-03"),
        "{md}"
    );
    assert!(
        md.contains("Share of voice: 33.33% of the mentions, 1.72% of the engagements"),
        "{md}"
    );
    // The same in the report's JSON, for machines.
    let json = ws(RANK)
        .args(&[
            "report",
            "--period",
            "2026-03",
            "--format",
            "json",
            "--no-history",
        ])
        .run();
    json.status(0);
    let doc = json.json();
    let vk = doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["network"] == "vk")
        .expect("a vk section");
    let panel = &vk["panel"];
    assert_eq!(panel["kpis"][0], "er");
    assert_eq!(panel["accounts"][0]["account"], "acme");
    assert_eq!(panel["accounts"][0]["role"], "own");
    assert_close(
        panel["accounts"][0]["values"][0]["value"].as_f64().unwrap(),
        10.0,
    );
    assert_eq!(panel["accounts"][0]["values"][0]["rank"], 1);
    assert_close(panel["share_of_voice"].as_f64().unwrap(), 100.0 / 3.0);
    // The HTML page: the table (one row per KPI, one column per account),
    // the chart with a line per account, the share of voice.
    let html = ws(RANK)
        .args(&[
            "report",
            "--period",
            "2026-03",
            "--format",
            "html",
            "-o",
            "r.html",
            "--no-history",
        ])
        .run();
    html.status(0);
    let page = html.read("r.html");
    assert!(
        page.contains("<h3 class=\"panel\">VK vs competitors</h3>"),
        "{page}"
    );
    assert!(page.contains("<strong>acme (own)</strong>"), "{page}");
    assert!(
        page.contains("<strong>10% (rank 1 of 3)</strong>"),
        "{page}"
    );
    assert!(page.contains(r#"<svg class="chart panel""#), "{page}");
    assert_eq!(
        page.matches(r#"<path class="account""#).count(),
        3,
        "acme, rival_a, rival_b"
    );
    assert!(page.contains("Share of voice: 33.33%"), "{page}");
}

#[test]
fn every_account_of_the_panel_counts_the_same_days() {
    // Posts per day in March: the competitors' exports start at their first
    // post, 2 March, yet their March has the own data's 31 days, as
    // everyone's: acme 2 / 31, rival_roasters 3 / 31, rival_a and rival_b
    // 1 / 31 (not 3 / 30, which would rank rival_roasters higher for an
    // export that starts later).
    // The competitors' first records: their posts of 2, 5 and 12 March.
    let rivals: String = RIVALS
        .lines()
        .filter(|l| !l.starts_with("2026-03-01"))
        .map(|l| format!("{l}\n"))
        .collect();
    let out = check(
        ws(r#"[[goal]]
id = "freq"
kpi = "posting_frequency"
network = "vk"
account = "acme"
rank = "<= 2"
"#)
        .file("data/rivals.csv", &rivals),
    );
    out.status(0);
    let j = out.json();
    let g = goal(&j, "freq");
    let value = |a: &str| panel_account(g, a)["value"].as_f64().unwrap_or(f64::NAN);
    assert_close(value("acme"), 2.0 / 31.0);
    assert_close(value("rival_roasters"), 3.0 / 31.0);
    assert_close(value("rival_a"), 1.0 / 31.0);
    assert_close(value("rival_b"), 1.0 / 31.0);
    assert_eq!(g["value"], 2.0);
}

#[test]
fn a_panel_goal_against_itself_or_on_a_misspelt_account_is_an_error() {
    let out = check(ws(r#"[[goal]]
id = "self"
kpi = "er"
network = "vk"
account = "acme"
vs = "acme"
target = ">= 1x"
"#));
    out.fails_with("goal `self`: `vs = \"acme\"` compares acme with itself");
    assert!(
        out.stderr.contains("compare acme with median, best, a competitor (rival_a, rival_b, rival_roasters), or another own account"),
        "{}",
        out.stderr
    );
    let out = check(ws(r#"[[goal]]
id = "typo"
kpi = "er"
network = "vk"
account = "acmee"
rank = "<= 2"
"#));
    out.fails_with("goal `typo`: `acmee` is not an own vk account");
    assert!(
        out.stderr
            .contains("did you mean `acme`? the own vk accounts are acme"),
        "{}",
        out.stderr
    );
    // `vs` without a target names both forms it takes, once.
    let out = ws(r#"[[goal]]
id = "bare"
kpi = "er"
network = "vk"
vs = "median"
"#)
    .args(&["validate"])
    .run();
    out.fails_with("goal `bare`: `vs` needs a `target`, such as `target = \">= 1.1x\"` (a multiple of the reference) or `target = \">= 0\"` (the difference from it), or a `change`, such as `change = \">= 0%\"` (its change against the reference's)");
    assert!(!out.stderr.contains("has no `target`"), "{}", out.stderr);
}

/// The report says `vs = "median"` in its own language, and names a
/// workspace KPI by the title of its doc comment.
#[test]
fn the_report_says_the_reference_and_own_kpis_in_its_words() {
    let goals = r#"[[goal]]
id = "vs-median"
kpi = "my_er"
network = "vk"
vs = "median"
target = ">= 1.1x"
"#;
    let script = "/// Engagement per follower\n/// unit: %\nfn my_er() { (likes + comments + shares) / followers * 100 }\n";
    let out = Test::new()
        .file(
            "kpiscope.toml",
            &format!(
                "{}\n{goals}",
                SOURCES.replace("[workspace]", "[workspace]\nlocale = \"fr-FR\"")
            ),
        )
        .file("data/own.csv", OWN)
        .file("data/rivals.csv", RIVALS)
        .file("data/popsters/rival_roasters.csv", POPSTERS_RU)
        .file("scripts/mine.rhai", script)
        .args(&["report", "--format", "html", "-o", "-"])
        .run();
    out.status(0);
    assert!(
        out.stdout
            .contains("≥ 1,1× face à la médiane des concurrents"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Engagement per follower"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains(">my_er<"), "{}", out.stdout);
}

/// A network whose competitors have no records in the days read (a report
/// of a month before their exports start) is no data for its panel goals,
/// said, not a run stopped for one goal.
#[test]
fn a_network_without_competitor_records_is_no_data() {
    let out = check(
        ws(r#"[[goal]]
id = "tg-rank"
kpi = "likes"
network = "telegram"
rank = "<= 1"
no_data = "warn"
"#)
        .file(
            "data/own.csv",
            &format!("{OWN}2026-03-15,telegram,acme_tg,t1,,10,1,1,,\n"),
        ),
    );
    out.status(0);
    let j = out.json();
    let g = goal(&j, "tg-rank");
    assert_eq!(g["status"], "no_data");
    assert_eq!(
        g["message"],
        "no data: the competitor sources hold no telegram records in the days read, so telegram has no panel; give the competitors' exports of this network a [[source]] with role = \"competitor\""
    );
}
