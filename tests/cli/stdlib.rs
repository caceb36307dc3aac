#![allow(clippy::excessive_precision)] // hand-computed expectations keep all their digits
//! The standard KPI library (`scripts/*.rhai`) against a hand-made canonical
//! fixture whose expected values are computed by hand (see KPIS.md).
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
//!   mentions_positive 12+10 = 22, mentions_negative 3+5 = 8.
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
//!   mentions_positive 20+19+6 = 45, mentions_negative 4+6+2 = 12.

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

/// (kpi, period, expected value computed by hand from the fixture)
const CASES: &[(&str, &str, f64)] = &[
    // ---- Awareness, 2026-10
    ("follower_growth", OCT, 4.0),                    // 400/10000*100
    ("net_follower_growth", OCT, 3.2),                // (400-80)/10000*100
    ("follower_growth_pop", OCT, 2.0408163265306123), // (10000-9800)/9800*100
    ("reach_growth", OCT, 33.333333333333333),        // (8000-6000)/6000*100
    ("organic_reach_share", OCT, 75.0),               // 6000/8000*100
    ("paid_reach_share", OCT, 25.0),                  // 2000/8000*100
    ("posting_frequency", OCT, 0.12903225806451613),  // 4/31
    ("impressions_per_post", OCT, 3750.0),            // 15000/4
    ("reach_per_post", OCT, 2000.0),                  // 8000/4
    // ---- Engagement, 2026-10
    ("engagements", OCT, 590.0),                       // 500+60+30
    ("er", OCT, 5.9),                                  // 590/10000*100
    ("er_users", OCT, 6.0),                            // 600/10000*100
    ("err", OCT, 7.375),                               // 590/8000*100
    ("er_day", OCT, 0.19032258064516128),              // 590/31/10000*100
    ("er_post", OCT, 1.475),                           // 590/4/10000*100
    ("er_view", OCT, 10.727272727272727),              // 590/5500*100
    ("er_impressions", OCT, 3.9333333333333333),       // 590/15000*100
    ("love_rate", OCT, 5.0),                           // 500/10000*100
    ("talk_rate", OCT, 0.6),                           // 60/10000*100
    ("amplification_rate", OCT, 750.0),                // 30/4*100
    ("virality_rate", OCT, 0.375),                     // 30/8000*100
    ("cost_per_engagement", OCT, 0.847457627118644),   // 500/590
    ("response_rate", OCT, 83.333333333333333),        // 25/30*100
    ("avg_response_time", OCT, 416.0),                 // 10400/25
    ("response_time_change", OCT, 44.230769230769231), // (9600/16=600) / 416 - 1, *100
    ("net_sentiment", OCT, 47.142857142857143),        // (45-12)/70*100
    // ---- Conversion, 2026-10
    ("ctr", OCT, 1.6666666666666667),      // 250/15000*100
    ("cpc", OCT, 2.0),                     // 500/250
    ("cpm", OCT, 33.333333333333333),      // 500/15000*1000
    ("smm_cpc", OCT, 6.8),                 // (500+1200)/250
    ("cpl", OCT, 20.0),                    // 500/25
    ("cpa", OCT, 50.0),                    // 500/10
    ("conversion_rate", OCT, 2.5),         // 25/1000*100
    ("social_traffic_share", OCT, 25.0),   // 1000/4000*100
    ("bounce_rate", OCT, 40.0),            // 400/1000*100
    ("pages_per_session", OCT, 3.0),       // 3000/1000
    ("avg_time_on_site", OCT, 90.0),       // 90000/1000
    ("returning_visitor_rate", OCT, 30.0), // 300/1000*100
    ("target_action_rate", OCT, 10.0),     // 100/1000*100
    ("revenue_per_customer", OCT, 200.0),  // 2000/10
    ("roas", OCT, 4.0),                    // 2000/500
    ("roi", OCT, 17.647058823529412),      // (2000-(500+1200))/(500+1200)*100 = 300/1700*100
    ("earned_media_value", OCT, 850.0),    // 1000*0.85
    // ---- Advocacy, 2026-10
    ("mention_growth", OCT, 75.0), // (70-40)/40*100
    ("share_of_positive_mentions", OCT, 64.285714285714286), // 45/70*100
    // ---- 2026-09 (KPIs that do not need a previous period)
    ("follower_growth", SEP, 3.0612244897959184), // 300/9800*100
    ("net_follower_growth", SEP, 2.4489795918367347), // (300-60)/9800*100
    ("organic_reach_share", SEP, 80.0),           // 4800/6000*100
    ("paid_reach_share", SEP, 20.0),              // 1200/6000*100
    ("posting_frequency", SEP, 0.1),              // 3/30
    ("impressions_per_post", SEP, 3000.0),        // 9000/3
    ("reach_per_post", SEP, 2000.0),              // 6000/3
    ("engagements", SEP, 345.0),                  // 300+30+15
    ("er", SEP, 3.5204081632653061),              // 345/9800*100
    ("er_users", SEP, 4.0816326530612245),        // 400/9800*100
    ("err", SEP, 5.75),                           // 345/6000*100
    ("er_day", SEP, 0.11734693877551020),         // 345/30/9800*100
    ("er_post", SEP, 1.1734693877551020),         // 345/3/9800*100
    ("er_view", SEP, 11.5),                       // 345/3000*100
    ("er_impressions", SEP, 3.8333333333333333),  // 345/9000*100
    ("love_rate", SEP, 3.0612244897959184),       // 300/9800*100
    ("talk_rate", SEP, 0.30612244897959184),      // 30/9800*100
    ("amplification_rate", SEP, 500.0),           // 15/3*100
    ("virality_rate", SEP, 0.25),                 // 15/6000*100
    ("cost_per_engagement", SEP, 0.86956521739130435), // 300/345
    ("response_rate", SEP, 80.0),                 // 16/20*100
    ("avg_response_time", SEP, 600.0),            // 9600/16
    ("net_sentiment", SEP, 35.0),                 // (22-8)/40*100
    ("ctr", SEP, 1.3333333333333333),             // 120/9000*100
    ("cpc", SEP, 2.5),                            // 300/120
    ("cpm", SEP, 33.333333333333333),             // 300/9000*1000
    ("smm_cpc", SEP, 10.833333333333333),         // (300+1000)/120
    ("cpl", SEP, 20.0),                           // 300/15
    ("cpa", SEP, 60.0),                           // 300/5
    ("conversion_rate", SEP, 3.0),                // 15/500*100
    ("social_traffic_share", SEP, 20.0),          // 500/2500*100
    ("bounce_rate", SEP, 48.0),                   // 240/500*100
    ("pages_per_session", SEP, 2.8),              // 1400/500
    ("avg_time_on_site", SEP, 120.0),             // 60000/500
    ("returning_visitor_rate", SEP, 30.0),        // 150/500*100
    ("target_action_rate", SEP, 9.0),             // 45/500*100
    ("revenue_per_customer", SEP, 150.0),         // 750/5
    ("roas", SEP, 2.5),                           // 750/300
    ("roi", SEP, -42.307692307692308),            // (750-(300+1000))/(300+1000)*100 = -550/1300*100
    ("earned_media_value", SEP, 425.0),           // 500*0.85
    ("share_of_positive_mentions", SEP, 55.0),    // 22/40*100
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

    // Every KPI the run evaluated (the standard library, as the workspace has no
    // scripts) has a hand-computed case for 2026-10, and vice versa.
    let mut evaluated: Vec<&str> = json["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["period"]["label"] == OCT)
        .map(|r| r["kpi"].as_str().expect("kpi"))
        .collect();
    evaluated.sort_unstable();
    evaluated.dedup();
    let mut cased: Vec<&str> = CASES.iter().filter(|c| c.1 == OCT).map(|c| c.0).collect();
    cased.sort_unstable();
    assert_eq!(
        evaluated, cased,
        "the evaluated KPIs and the 2026-10 cases differ"
    );
    assert_eq!(cased.len(), 45, "KPIS.md lists 45 KPIs");

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
