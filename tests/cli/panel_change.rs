//! Panel goals with `change` (issue 16): every account of the panel is
//! measured by its % change from the period before, as a `change` goal
//! measures the brand alone; `rank` ranks the panel by it, `vs` compares
//! the brand's change with the reference's, in points.
//!
//! February 2026 on VK, added to the panel's March (see panel.rs), by hand:
//!
//! | account | followers (28 Feb) | engagements | er Feb | er Mar | change |
//! |---|---:|---:|---:|---:|---:|
//! | acme | 1,000 | 60+15+5 = 80 | 8% | 10% | +25% |
//! | rival_a | 2,000 | 160+30+10 = 200 | 10% | 9% | -10% |
//! | rival_b | 400 | 15+4+1 = 20 | 5% | 5% | 0% |
//! | rival_roasters | - | | not public | not public | - |
//!
//! The competitors' changes: -10% and 0%; their median -5%, the best 0%.

use crate::harness::{Output, Test, assert_close};
use crate::panel::{OWN, POPSTERS_RU, RIVALS, SOURCES, check, goal};

const OWN_FEB: &str = "date,network,account,post,followers,likes,comments,shares
2026-02-28,vk,acme,,1000,,,
2026-02-12,vk,acme,p0,,60,15,5
";

const RIVALS_FEB: &str = "date,network,account,post,followers,likes,comments,shares
2026-02-28,vk,rival_a,,2000,,,
2026-02-06,vk,rival_a,a0,,160,30,10
2026-02-28,vk,rival_b,,400,,,
2026-02-14,vk,rival_b,b0,,15,4,1
";

fn ws(goals: &str) -> Test {
    let feb = r#"
[[source]]
plugin = "canonical"
path = "data/own_feb.csv"

[[source]]
plugin = "canonical"
path = "data/rivals_feb.csv"
role = "competitor"
"#;
    Test::new()
        .file("kpiscope.toml", &format!("{SOURCES}{feb}\n{goals}"))
        .file("data/own.csv", OWN)
        .file("data/rivals.csv", RIVALS)
        .file("data/own_feb.csv", OWN_FEB)
        .file("data/rivals_feb.csv", RIVALS_FEB)
        .file("data/popsters/rival_roasters.csv", POPSTERS_RU)
}

fn accounts(g: &serde_json::Value) -> Vec<(String, Option<u64>, Option<f64>)> {
    g["panel"]["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| {
            (
                a["account"].as_str().unwrap_or_default().to_string(),
                a["rank"].as_u64(),
                a["value"].as_f64().map(|v| (v * 1e9).round() / 1e9),
            )
        })
        .collect()
}

#[test]
fn a_rank_goal_with_change_ranks_the_panel_by_growth() {
    let out = check(ws(r#"[[goal]]
id = "er-growth-rank"
kpi = "er"
network = "vk"
account = "acme"
rank = "<= 1"
change = ">= 0%"
"#));
    out.status(0);
    let j = out.json();
    let g = goal(&j, "er-growth-rank");
    assert_eq!(g["kind"], "rank");
    assert_eq!(g["status"], "pass");
    assert_eq!(g["value"], 1.0);
    assert_eq!(g["unit"], "rank");
    assert_eq!(g["target"], "<= 1");
    let p = &g["panel"];
    assert_eq!(p["measure"], "change");
    assert_eq!(p["from"], "2026-02");
    assert_eq!(p["change"], ">= 0%");
    assert_close(p["value"].as_f64().unwrap(), 25.0);
    assert_eq!(
        accounts(g),
        [
            ("acme".to_string(), Some(1), Some(25.0)),
            ("rival_b".to_string(), Some(2), Some(0.0)),
            ("rival_a".to_string(), Some(3), Some(-10.0)),
            ("rival_roasters".to_string(), None, None),
        ]
    );
    // The KPI itself, now and in the period before, as a change goal gives.
    assert_close(g["kpi_value"].as_f64().unwrap(), 10.0);
    assert_eq!(g["previous"]["label"], "2026-02");
    assert_close(g["previous"]["value"].as_f64().unwrap(), 8.0);
    assert_eq!(
        g["message"],
        "rank 1 of 3 on vk by er change from 2026-02 (acme +25%, rival_b 0%, rival_a -10%; no data for rival_roasters: not public: followers is not in rival_roasters's export for vk/rival_roasters 2026-03) meets the target rank <= 1; +25% change (10% in 2026-03 vs 8% in 2026-02) meets the target change >= 0%"
    );
}

#[test]
fn first_in_the_panel_is_no_pass_when_the_own_change_misses_its_condition() {
    let out = check(ws(r#"[[goal]]
id = "growth-30"
kpi = "er"
network = "vk"
account = "acme"
rank = "<= 2"
change = ">= 30%"
"#));
    out.status(1);
    let j = out.json();
    let g = goal(&j, "growth-30");
    assert_eq!(g["status"], "fail");
    assert_eq!(g["value"], 1.0);
    assert!(
        g["message"].as_str().unwrap().ends_with(
            "meets the target rank <= 2; +25% change (10% in 2026-03 vs 8% in 2026-02) misses the target change >= 30%"
        ),
        "{}",
        g["message"]
    );
}

#[test]
fn vs_goals_with_change_compare_the_changes_in_points() {
    let out = check(ws(r#"[[goal]]
id = "vs-median-change"
kpi = "er"
network = "vk"
vs = "median"
change = ">= 20%"
warn = ">= 0%"

[[goal]]
id = "vs-best-change"
kpi = "er"
network = "vk"
vs = "best"
change = ">= 30%"
warn = ">= 20%"

[[goal]]
id = "vs-a-change"
kpi = "er"
network = "vk"
account = "acme"
vs = "rival_a"
change = ">= 40%"
"#));
    out.status(1);
    let j = out.json();
    // +25% against the median of -10% and 0%, -5%: 30 points above.
    let m = goal(&j, "vs-median-change");
    assert_eq!(m["kind"], "vs");
    assert_eq!(m["unit"], "%");
    assert_eq!(m["status"], "pass");
    assert_close(m["value"].as_f64().unwrap(), 30.0);
    assert_close(m["panel"]["reference"]["value"].as_f64().unwrap(), -5.0);
    assert_eq!(m["panel"]["reference"]["account"], serde_json::Value::Null);
    assert_eq!(
        m["message"],
        "+25% change (10% in 2026-03 vs 8% in 2026-02) is 30 points above the competitors' median change -5% and meets the target change >= 20%"
    );
    // The best competitor by change is rival_b, 0%: 25 points, in the
    // warn band.
    let b = goal(&j, "vs-best-change");
    assert_eq!(b["status"], "warn");
    assert_close(b["value"].as_f64().unwrap(), 25.0);
    assert_eq!(b["panel"]["reference"]["account"], "rival_b");
    assert_eq!(
        b["message"],
        "+25% change (10% in 2026-03 vs 8% in 2026-02) is 25 points above the best competitor, rival_b change 0% and misses the target change >= 30%"
    );
    // rival_a fell 10%: 35 points, short of 40.
    let a = goal(&j, "vs-a-change");
    assert_eq!(a["status"], "fail");
    assert_close(a["value"].as_f64().unwrap(), 35.0);
    assert_eq!(
        a["message"],
        "+25% change (10% in 2026-03 vs 8% in 2026-02) is 35 points above rival_a's change -10% and misses the target change >= 40%"
    );
}

#[test]
fn each_period_with_change_starts_with_the_second() {
    // February has no month before it in the data: only March is judged.
    let out = check(ws(r#"[[goal]]
id = "each-growth"
kpi = "er"
network = "vk"
account = "acme"
period = "each"
rank = "<= 1"
change = "> 0%"
"#));
    out.status(0);
    let j = out.json();
    let results: Vec<&serde_json::Value> = j["goals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["id"] == "each-growth")
        .collect();
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0]["period"]["label"], "2026-03");
    assert_eq!(results[0]["status"], "pass");
}

#[test]
fn a_panel_without_the_period_before_is_no_data_with_the_reason() {
    // The panel of panel.rs alone: March only.
    let out: Output = check(
        Test::new()
            .file(
                "kpiscope.toml",
                &format!(
                    "{SOURCES}\n[[goal]]\nid = \"g\"\nkpi = \"er\"\nnetwork = \"vk\"\naccount = \"acme\"\nrank = \"<= 1\"\nchange = \">= 0%\"\nno_data = \"warn\"\n"
                ),
            )
            .file("data/own.csv", OWN)
            .file("data/rivals.csv", RIVALS)
            .file("data/popsters/rival_roasters.csv", POPSTERS_RU),
    );
    out.status(0);
    let j = out.json();
    let g = goal(&j, "g");
    assert_eq!(g["status"], "no_data");
    assert_eq!(
        g["message"],
        "no data: no records in 2026-02, the period before"
    );
    assert_eq!(
        g["panel"]["accounts"][0]["reason"],
        "no records in 2026-02, the period before"
    );
}

#[test]
fn a_multiple_of_a_change_is_refused_with_the_way_to_write_it() {
    let out = ws(r#"[[goal]]
id = "x-change"
kpi = "er"
network = "vk"
vs = "median"
change = ">= 1.5x"
"#)
    .args(&["validate"])
    .run();
    out.fails_with(
        "kpiscope.toml:34:10: goal `x-change`: `change = \">= 1.5x\"`: with `vs`, a change is judged by how many points it is above or below the reference's change, not as a multiple of it (a multiple of a fall reads upside down): write `change = \">= 0%\"` for at least as fast as the reference, `\">= 5%\"` for 5 points faster",
    );
    // One problem, not a second one about `1.5x` not being a number.
    assert!(!out.stderr.contains("is not a number"), "{}", out.stderr);
}

#[test]
fn the_report_says_why_share_of_voice_has_no_value() {
    // February's own export has no mentions column: share of voice is no
    // data, and the report says why instead of a bare dash; the
    // engagement-weighted form still has a value: 80 / (80 + 200 + 20).
    let out = ws("")
        .args(&[
            "report", "--period", "2026-02", "--format", "json", "-o", "-",
        ])
        .run();
    out.status(0);
    let j = out.json();
    let panel = j["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|s| s.get("panel").filter(|p| !p.is_null()))
        .expect("a section with a panel");
    assert_eq!(panel["share_of_voice"], serde_json::Value::Null);
    assert_eq!(
        panel["share_of_voice_reason"],
        "mentions is missing for vk 2026-02"
    );
    assert_close(
        panel["share_of_voice_engagement"].as_f64().unwrap(),
        80.0 / 300.0 * 100.0,
    );
    let md = ws("")
        .args(&[
            "report", "--period", "2026-02", "--format", "markdown", "-o", "-",
        ])
        .run();
    assert!(
        md.stdout.contains("Share of voice: — of the mentions, 26.67% of the engagements (`share_of_voice`, `share_of_voice_engagement`); no data: mentions is missing for vk 2026-02."),
        "{}",
        md.stdout
    );
}
