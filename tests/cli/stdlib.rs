#![allow(clippy::excessive_precision)] // hand-computed expectations keep all their digits
//! The standard KPI library (`scripts/*.rhai`) read from a hand-made
//! canonical CSV through `eval`: every KPI has a value, spot values computed
//! by hand, units, and no-data reasons. The formulas themselves are tested
//! KPI by KPI in `scripts/tests/*.toml` (`kpiscope test --stdlib`).
//!
//! Fixture `tests/fixtures/stdlib/data.csv`: network `instagram`, account `acme`.
//!
//! 2026-09 (days = 30), posts p1, p2, p3 (posts = 3):
//!   likes 100+80+120 = 300, comments 10+6+14 = 30, shares 5+4+6 = 15,
//!   engagements 300+30+15 = 345, reach 2000+1500+2500 = 6000,
//!   reach_organic 1500+1500+1800 = 4800, reach_paid 500+0+700 = 1200,
//!   impressions 3000+2200+3800 = 9000, views 1000+800+1200 = 3000,
//!   clicks 40+20+60 = 120.
//!   Account days 09-01 and 09-30: followers (last) = 9800,
//!   followers_new 100+200 = 300, followers_lost 20+40 = 60,
//!   engaged_users 150+250 = 400, spend 100+200 = 300, cost 500+500 = 1000,
//!   leads 5+10 = 15, conversions 2+3 = 5, revenue 300+450 = 750,
//!   sessions 200+300 = 500, site_sessions 1000+1500 = 2500,
//!   sessions_returning 50+100 = 150, bounces 100+140 = 240,
//!   pageviews 500+900 = 1400, time_on_site 20000+40000 = 60000,
//!   target_action_users 20+25 = 45, questions 10+10 = 20, responses 8+8 = 16,
//!   response_time 4800+4800 = 9600, mentions 20+20 = 40,
//!   mentions_positive 12+10 = 22, mentions_negative 3+5 = 8,
//!   assisted_conversions 3+4 = 7, direct_conversions 1+2 = 3.
//!
//! 2026-10 (days = 31), posts p4, p5, p6, p7 (posts = 4):
//!   likes 150+90+200+60 = 500, comments 20+8+25+7 = 60, shares 10+2+15+3 = 30,
//!   engagements 500+60+30 = 590, reach 3000+1800+2200+1000 = 8000,
//!   reach_organic 2000+1800+1200+1000 = 6000, reach_paid 1000+0+1000+(empty) = 2000,
//!   impressions 4500+2500+6000+2000 = 15000, views 1500+900+2500+600 = 5500,
//!   clicks 90+30+120+10 = 250.
//!   Account days 10-01, 10-15, 10-31: followers (last day that has one: 10-15)
//!   = 10000, followers_new 150+250 = 400, followers_lost 30+50 = 80,
//!   engaged_users 300+300 = 600, spend 250+250 = 500, cost 600+600 = 1200,
//!   leads 12+13 = 25, conversions 4+6 = 10, revenue 800+1200 = 2000,
//!   sessions 400+600 = 1000, site_sessions 1600+2400 = 4000,
//!   sessions_returning 100+200 = 300, bounces 150+250 = 400,
//!   pageviews 1200+1800 = 3000, time_on_site 36000+54000 = 90000,
//!   target_action_users 40+60 = 100, questions 15+15 = 30, responses 12+13 = 25,
//!   response_time 6000+4400 = 10400, mentions 30+30+10 = 70,
//!   mentions_positive 20+19+6 = 45, mentions_negative 4+6+2 = 12,
//!   assisted_conversions 4+2 = 6, direct_conversions 2+4 = 6.

use crate::harness::{Test, assert_close};

const WORKSPACE: &str = r#"[workspace]
name = "Stdlib test"

[params]
benchmark_cpc = 0.85

[[source]]
plugin = "canonical"
path = "data.csv"
"#;

const DATA: &str = include_str!("../fixtures/stdlib/data.csv");
const ZERO_REACH: &str = include_str!("../fixtures/stdlib/zero_reach.csv");

const SEP: &str = "2026-09";
const OCT: &str = "2026-10";

/// (kpi, period, expected value computed by hand from the fixture): spot
/// checks of what this CSV path adds (a stock's last day, an empty cell,
/// `days`, `[params]`). Every standard KPI's formula, with its no-data
/// cases, is tested in `scripts/tests/*.toml` (`kpiscope test --stdlib`,
/// run by `kpitest::the_standard_library_tests_pass`).
const CASES: &[(&str, &str, f64)] = &[
    ("follower_growth_pop", OCT, 2.0408163265306123), // (10000-9800)/9800*100: 10-15 is October's last day with followers
    ("paid_reach_share", OCT, 25.0), // 2000/8000*100: p7's empty reach_paid adds nothing
    ("posting_frequency", OCT, 0.12903225806451613), // 4/31
    ("err", OCT, 7.375),             // 590/8000*100
    ("err", SEP, 5.75),              // 345/6000*100
    ("response_time_change", OCT, 44.230769230769231), // (9600/16=600) / 416 - 1, *100
    ("net_sentiment", OCT, 47.142857142857143), // (45-12)/70*100: 10-31 gives mentions only
    ("earned_media_value", OCT, 850.0), // 1000*0.85 from [params]
    ("assisted_conversion_share", SEP, 70.0), // 7/(7+3)*100
    ("assisted_conversion_share", OCT, 50.0), // 6/(6+6)*100
    ("roi", SEP, -42.307692307692308), // (750-(300+1000))/(300+1000)*100 = -550/1300*100
];

/// KPIs of the standard library that need the previous period.
const NEEDS_PREVIOUS: &[&str] = &[
    "follower_growth_pop",
    "reach_growth",
    "response_time_change",
    "mention_growth",
];

/// (kpi, unit) spot checks of the doc-comment metadata.
const UNITS: &[(&str, &str)] = &[
    ("err", "%"),
    ("engagements", "count"),
    ("posting_frequency", "ratio"),
    ("cpc", "currency"),
    ("avg_response_time", "seconds"),
    ("roas", "ratio"),
];

fn eval(data: &str) -> crate::harness::Output {
    let out = Test::new()
        .file("kpiscope.toml", WORKSPACE)
        .file("data.csv", data)
        .args(&["eval", "--grain", "month", "--format", "json"])
        .run();
    out.status(0);
    out
}

fn row<'a>(json: &'a serde_json::Value, kpi: &str, period: &str) -> &'a serde_json::Value {
    json["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["kpi"] == kpi && r["period"]["label"] == period)
        .unwrap_or_else(|| panic!("no row for {kpi} {period} in\n{json:#}"))
}

#[test]
fn stdlib_values_match_hand_computed_cases() {
    let out = eval(DATA);
    let json = out.json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["command"], "eval");

    // Every KPI of the standard library (the workspace has no scripts) has a
    // value in 2026-10, when every metric is there.
    let october: Vec<&serde_json::Value> = json["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["period"]["label"] == OCT)
        .collect();
    assert_eq!(
        october.len(),
        49,
        "KPIS.md lists 45 KPIs; then assisted_conversion_share, share_of_voice, share_of_voice_engagement and views_per_post"
    );
    // But the two that weigh the brand against a competitor panel, which
    // this workspace has none of: no data with the reason (tests/cli/panel.rs
    // and scripts/tests/advocacy.toml give them their values).
    for sov in ["share_of_voice", "share_of_voice_engagement"] {
        let r = row(&json, sov, OCT);
        assert!(r["value"].is_null(), "{r}");
        assert!(
            r["reason"]
                .as_str()
                .is_some_and(|why| why.contains("has no competitor panel")),
            "{r}"
        );
    }
    let without: Vec<String> = october
        .iter()
        .filter(|r| r["value"].is_null())
        .filter(|r| {
            !r["kpi"]
                .as_str()
                .is_some_and(|k| k.starts_with("share_of_voice"))
        })
        .map(|r| format!("{}: {}", r["kpi"], r["reason"]))
        .collect();
    assert!(
        without.is_empty(),
        "no value in 2026-10:\n{}",
        without.join("\n")
    );

    let mut failures = Vec::new();
    for &(kpi, period, expected) in CASES {
        let r = row(&json, kpi, period);
        assert!(
            r["network"].is_null(),
            "{kpi} {period}: network should be null: {r}"
        );
        match r["value"].as_f64() {
            None => failures.push(format!("{kpi} {period}: no value, reason {}", r["reason"])),
            Some(actual) => {
                if std::panic::catch_unwind(|| assert_close(actual, expected)).is_err() {
                    failures.push(format!("{kpi} {period}: expected {expected}, got {actual}"));
                }
            }
        }
        assert!(
            r["reason"].is_null(),
            "{kpi} {period}: unexpected reason {}",
            r["reason"]
        );
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // The same through the harness helper, for one case.
    assert_close(out.value("err", OCT, None).expect("err 2026-10"), 7.375);

    // 2026-09 is the first period: the period-over-period KPIs have no data.
    for kpi in NEEDS_PREVIOUS {
        let r = row(&json, kpi, SEP);
        assert!(r["value"].is_null(), "{kpi} 2026-09 should be no data: {r}");
        let reason = r["reason"].as_str().unwrap_or("");
        assert!(!reason.is_empty(), "{kpi} 2026-09 has no reason: {r}");
    }

    for &(kpi, unit) in UNITS {
        assert_eq!(row(&json, kpi, OCT)["unit"], unit, "unit of {kpi}");
    }
}

#[test]
fn stdlib_no_data_has_a_reason() {
    // 2026-10 only: two posts with reach 0 and impressions 0 (clicks 3+2), followers 500.
    let out = eval(ZERO_REACH);
    let json = out.json();

    // The data loaded: er = (10+5 + 2+1 + 1+1)/500*100 = 20/500*100 = 4.
    assert_close(out.value("er", OCT, None).expect("er 2026-10"), 4.0);

    // A zero denominator: reach is 0 (sum of 0 and 0).
    for kpi in ["err", "virality_rate"] {
        let r = row(&json, kpi, OCT);
        assert!(r["value"].is_null(), "{kpi} should be no data: {r}");
        let reason = r["reason"]
            .as_str()
            .unwrap_or_else(|| panic!("{kpi}: no reason: {r}"));
        assert!(!reason.is_empty(), "{kpi}: empty reason");
        assert!(
            reason.contains("reach"),
            "{kpi}: reason does not name reach: {reason}"
        );
    }
    // impressions is 0 too, while clicks = 3+2 = 5.
    let r = row(&json, "ctr", OCT);
    assert!(r["value"].is_null(), "ctr should be no data: {r}");
    let reason = r["reason"].as_str().unwrap_or("");
    assert!(
        reason.contains("impressions"),
        "ctr: reason does not name impressions: {r}"
    );

    // No previous period: the first month has no follower growth period over period.
    let r = row(&json, "follower_growth_pop", OCT);
    assert!(
        r["value"].is_null(),
        "follower_growth_pop should be no data: {r}"
    );
    let reason = r["reason"].as_str().unwrap_or("");
    assert!(!reason.is_empty(), "follower_growth_pop: empty reason: {r}");
}
