//! `kpiscope eval`: breakdowns, grains, ranges and formats, on the fixture of
//! `goals.rs` (its doc comment has the hand computations).

use crate::goals::{HEAD, ws};
use crate::harness::{Test, assert_close};

fn csv_lines(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.expect("csv").iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn csv_header_without_by() {
    let out = ws("")
        .args(&["eval", "--kpi", "err", "--format", "csv"])
        .run();
    out.status(0);
    let first = out.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "kpi,network,account,period,start,end,value,unit,reason"
    );
    let rows = csv_lines(&out.stdout);
    // Three months; 2026-09 = 160/5000*100 = 3.2, network and account empty (not broken down).
    assert_eq!(rows.len(), 4, "{}", out.stdout);
    let sep = rows
        .iter()
        .find(|r| r[3] == "2026-09")
        .expect("2026-09 row");
    assert_eq!(sep[0], "err");
    assert_eq!((sep[1].as_str(), sep[2].as_str()), ("", ""));
    assert_eq!(
        (sep[4].as_str(), sep[5].as_str()),
        ("2026-09-01", "2026-09-30")
    );
    assert_close(sep[6].parse().unwrap(), 3.2);
    assert_eq!(sep[7], "%");
    assert_eq!(sep[8], "");
}

#[test]
fn csv_header_with_a_dimension_and_empty_cells_for_null() {
    let out = ws("")
        .args(&[
            "eval", "--kpi", "err", "--by", "campaign", "--format", "csv",
        ])
        .run();
    out.status(0);
    assert_eq!(
        out.stdout.lines().next().unwrap(),
        "kpi,network,account,campaign,period,start,end,value,unit,reason"
    );
    let rows = csv_lines(&out.stdout);
    // spring 2026-09: 120/3000*100 = 4.
    let spring = rows
        .iter()
        .find(|r| r[3] == "spring" && r[4] == "2026-09")
        .expect("spring row");
    assert_close(spring[7].parse().unwrap(), 4.0);
    // Records without a campaign in 2026-09 are account-day rows only (no
    // reach, no likes): no value, an empty cell, and a reason.
    let none = rows
        .iter()
        .find(|r| r[3].is_empty() && r[4] == "2026-09")
        .expect("no-campaign row");
    assert_eq!(none[7], "", "value cell of a null is empty: {none:?}");
    assert!(!none[9].is_empty(), "a null has a reason: {none:?}");
}

#[test]
fn csv_null_value_for_zero_denominator() {
    let data = "date,network,account,post,reach,likes,comments,shares\n2026-09-01,instagram,acme,p1,0,5,1,1\n";
    let out = Test::new()
        .file("kpiscope.toml", HEAD)
        .file("data.csv", data)
        .args(&["eval", "--kpi", "err", "--format", "csv"])
        .run();
    out.status(0);
    let rows = csv_lines(&out.stdout);
    assert_eq!(rows.len(), 2);
    // (5+1+1)/0: no value, reason names reach.
    assert_eq!(rows[1][6], "");
    assert!(rows[1][8].contains("reach is 0"), "{:?}", rows[1]);
}

/// A division by 0 in a script is no data with where it happened, whether
/// it divides figures (an infinite result) or whole numbers (which Rhai
/// stops at): never a failed run.
#[test]
fn a_division_by_zero_in_a_script_is_no_data_with_the_place() {
    let script = "/// A\nfn a() { likes / (likes - likes) }\n/// B\nfn b() { let x = 5; let y = 0; x / y }\n/// C\nfn c() { halve(4, 0) }\nfn halve(a, b) { a / b }\n";
    let out = Test::new()
        .file("kpiscope.toml", HEAD)
        .file("data.csv", crate::goals::DATA)
        .file("scripts/zero.rhai", script)
        .args(&[
            "eval", "--kpi", "a,b,c", "--grain", "all", "--format", "json",
        ])
        .run();
    out.status(0);
    let reasons: Vec<String> = out
        .rows()
        .iter()
        .map(|r| r["reason"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        reasons,
        [
            "the result is infinite (a division by 0) for all networks all",
            "division by 0 at scripts/zero.rhai:4:34 for all networks all",
            "division by 0 at scripts/zero.rhai:7:20 for all networks all",
        ]
    );
}

#[test]
fn by_network_rows() {
    let out = ws("")
        .args(&[
            "eval", "--kpi", "err", "--by", "network", "--format", "json",
        ])
        .run();
    out.status(0);
    let rows = out.rows();
    // 2 networks × 3 months.
    assert_eq!(rows.len(), 6, "{}", out.stdout);
    let v = |p: &str, n: &str| out.value("err", p, Some(n)).unwrap();
    assert_close(v("2026-08", "instagram"), 5.0); // 50/1000*100
    assert_close(v("2026-08", "facebook"), 1.0); // 10/1000*100
    assert_close(v("2026-09", "instagram"), 3.5); // 140/4000*100
    assert_close(v("2026-09", "facebook"), 2.0); // 20/1000*100
    assert_close(v("2026-10", "instagram"), 3.0); // 60/2000*100
    assert_close(v("2026-10", "facebook"), 5.0); // 50/1000*100
    for r in &rows {
        // Not broken down by account: null.
        assert_eq!(r["account"], serde_json::Value::Null, "{r}");
        assert_eq!(r["dims"], serde_json::json!({}), "{r}");
    }
}

#[test]
fn by_campaign_rows() {
    let out = ws("")
        .args(&[
            "eval", "--kpi", "err", "--by", "campaign", "--format", "json",
        ])
        .run();
    out.status(0);
    let rows = out.rows();
    let v = |c: &str, p: &str| {
        rows.iter()
            .find(|r| r["dims"]["campaign"] == c && r["period"]["label"] == p)
            .unwrap_or_else(|| panic!("no row {c} {p} in\n{}", out.stdout))["value"]
            .as_f64()
    };
    assert_close(v("spring", "2026-08").unwrap(), 5.0); // a1: 50/1000*100
    assert_close(v("spring", "2026-09").unwrap(), 4.0); // i1+f2: 120/3000*100
    assert_close(v("spring", "2026-10").unwrap(), 3.0); // i3: 60/2000*100
    assert_close(v("summer", "2026-09").unwrap(), 2.0); // b1+i2: 40/2000*100
    // summer has posts only in 2026-09.
    assert!(
        !rows
            .iter()
            .any(|r| r["dims"]["campaign"] == "summer" && r["period"]["label"] != "2026-09")
    );
    for r in &rows {
        assert_eq!(r["network"], serde_json::Value::Null, "{r}");
    }
}

/// `--where` keeps the records of one dimension value, as a goal's `where`
/// does, and a name the data does not hold is a typo with the nearest one.
#[test]
fn where_keeps_one_dimension_value() {
    let out = ws("")
        .args(&[
            "eval",
            "--kpi",
            "err",
            "--where",
            "campaign=spring",
            "--format",
            "json",
        ])
        .run();
    out.status(0);
    // As `--by campaign`'s spring rows: a1, i1+f2, i3.
    assert_close(out.value("err", "2026-08", None).unwrap(), 5.0);
    assert_close(out.value("err", "2026-09", None).unwrap(), 4.0);
    assert_close(out.value("err", "2026-10", None).unwrap(), 3.0);
    let out = ws("")
        .args(&["eval", "--kpi", "err", "--where", "campaign=sprng"])
        .run();
    out.fails_with("--where campaign=sprng: no record has campaign `sprng`");
    let out = ws("")
        .args(&["eval", "--kpi", "err", "--where", "campaign"])
        .run();
    out.fails_with("--where `campaign`: write DIM=VALUE, such as --where campaign=spring");
}

/// Saturday 2026-09-05 (10 likes), Sunday 09-06 (20), Monday 09-07 (40).
fn weeks(week_start: &str) -> Test {
    let config = format!(
        "[workspace]\nname = \"Weeks\"\nweek_start = \"{week_start}\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\"\n"
    );
    let data = "date,network,account,post,likes\n2026-09-05,instagram,acme,p1,10\n2026-09-06,instagram,acme,p2,20\n2026-09-07,instagram,acme,p3,40\n";
    Test::new()
        .file("kpiscope.toml", &config)
        .file("data.csv", data)
}

#[test]
fn week_grain_follows_week_start() {
    // Likes on Sat 09-05 = 10, Sun 09-06 = 20, Mon 09-07 = 40. By hand:
    // Monday weeks: 08-31..09-06 (ISO 2026-W36) = 10 + 20 = 30; 09-07.. (W37) = 40.
    // Sunday weeks: 08-30..09-05 = 10; 09-06..09-12 = 20 + 40 = 60.
    /// Week start, two (label, likes), and one week's (label, start, end).
    type Case<'a> = (&'a str, [(&'a str, f64); 2], (&'a str, &'a str, &'a str));
    let cases: &[Case] = &[
        (
            "monday",
            [("2026-W36", 30.0), ("2026-W37", 40.0)],
            ("2026-W36", "2026-08-31", "2026-09-06"),
        ),
        (
            "sunday",
            [("2026-08-30/week", 10.0), ("2026-09-06/week", 60.0)],
            ("2026-09-06/week", "2026-09-06", "2026-09-12"),
        ),
    ];
    for (start, values, (label, first, last)) in cases {
        let out = weeks(start)
            .args(&[
                "eval", "--kpi", "likes", "--grain", "week", "--format", "json",
            ])
            .run();
        out.status(0);
        assert_eq!(out.rows().len(), 2, "{start}");
        for (period, value) in values {
            assert_close(out.value("likes", period, None).unwrap(), *value);
        }
        let row = out
            .rows()
            .into_iter()
            .find(|r| r["period"]["label"] == *label)
            .expect("week row");
        assert_eq!(
            (
                row["period"]["start"].as_str(),
                row["period"]["end"].as_str()
            ),
            (Some(*first), Some(*last)),
            "{start}"
        );
    }
}

#[test]
fn quarter_grain() {
    let out = ws("")
        .args(&[
            "eval",
            "--kpi",
            "err,followers",
            "--grain",
            "quarter",
            "--format",
            "json",
        ])
        .run();
    out.status(0);
    // Q3 (Aug + Sep): 220/7000*100; Q4 (Oct): 110/3000*100.
    assert_close(
        out.value("err", "2026-Q3", None).unwrap(),
        220.0 / 7000.0 * 100.0,
    );
    assert_close(
        out.value("err", "2026-Q4", None).unwrap(),
        110.0 / 3000.0 * 100.0,
    );
    // Followers in Q3: each account's last value: 1200 + 300 + 520 = 2020.
    assert_close(out.value("followers", "2026-Q3", None).unwrap(), 2020.0);
}

#[test]
fn all_grain() {
    let out = ws("")
        .args(&[
            "eval",
            "--kpi",
            "err,posts",
            "--grain",
            "all",
            "--format",
            "json",
        ])
        .run();
    out.status(0);
    // 330/10000*100 = 3.3; posts a1 a2 i1 b1 f2 i2 i3 f3 = 8.
    assert_close(out.value("err", "all", None).unwrap(), 3.3);
    assert_close(out.value("posts", "all", None).unwrap(), 8.0);
    let r = &out.rows()[0];
    assert_eq!(r["period"]["start"], "2026-08-01");
    assert_eq!(r["period"]["end"], "2026-10-15");
}

#[test]
fn from_and_to_restrict_the_data() {
    let out = ws("")
        .args(&[
            "eval",
            "--kpi",
            "err,likes",
            "--grain",
            "all",
            "--from",
            "2026-09-06",
            "--to",
            "2026-10-05",
            "--format",
            "json",
        ])
        .run();
    out.status(0);
    // Posts from 09-06 to 10-05: b1 (1000, 30), f2 (1000, 20), i2 (1000, 10), i3 (2000, 60):
    // err = (30+20+10+60)/(1000+1000+1000+2000) = 120/5000*100 = 2.4;
    // likes = 25+15+8+50 = 98.
    assert_close(out.value("err", "all", None).unwrap(), 2.4);
    assert_close(out.value("likes", "all", None).unwrap(), 98.0);
    // Monthly, September from 09-06 on: (30+20+10)/(3000) = 2.
    let out = ws("")
        .args(&[
            "eval",
            "--kpi",
            "err",
            "--from",
            "2026-09-06",
            "--to",
            "2026-10-05",
            "--format",
            "json",
        ])
        .run();
    out.status(0);
    assert_close(out.value("err", "2026-09", None).unwrap(), 2.0);
    assert!(
        out.rows().iter().all(|r| r["period"]["label"] != "2026-08"),
        "{}",
        out.stdout
    );
}

#[test]
fn kpi_may_be_a_metric() {
    let out = ws("")
        .args(&["eval", "--kpi", "likes", "--format", "json"])
        .run();
    out.status(0);
    // 2026-09: 80 + 25 + 15 + 8 = 128.
    assert_close(out.value("likes", "2026-09", None).unwrap(), 128.0);
    let r = out
        .rows()
        .into_iter()
        .find(|r| r["period"]["label"] == "2026-09")
        .unwrap();
    assert_eq!(r["unit"], "count");
}

#[test]
fn unknown_kpi_suggests_the_nearest() {
    let out = ws("")
        .args(&[
            "eval", "--kpi", "reacch", "-o", "out.csv", "--format", "csv",
        ])
        .run();
    out.status(2);
    assert!(
        out.stderr.contains("did you mean `reach`?"),
        "{}",
        out.stderr
    );
    assert!(!out.file_exists("out.csv"));
    insta::assert_snapshot!(out.stderr);
}

/// The group's description reaches scripts: `network`, `account`, `period`,
/// `days` and `posts`, and `[params]`.
#[test]
fn scripts_see_the_group_and_params() {
    let script = r#"
/// Network code: 1 on instagram, 2 elsewhere, 0 when not broken down.
fn net_code() {
    if network == () { 0 } else if network == "instagram" { 1 } else { 2 }
}
/// Days of September, only in September.
fn september_days() {
    if period == "2026-09" { days } else { 0.0 }
}
/// Posts per day times a parameter.
fn weighted_posts() {
    posts / days * params.weight
}
"#;
    let out = Test::new()
        .file("kpiscope.toml", &format!("{HEAD}\n[params]\nweight = 30\n"))
        .file("data.csv", crate::goals::DATA)
        .file("scripts/group.rhai", script)
        .args(&[
            "eval",
            "--kpi",
            "net_code,september_days,weighted_posts",
            "--by",
            "network",
            "--format",
            "json",
        ])
        .run();
    out.status(0);
    assert_eq!(
        out.value("net_code", "2026-09", Some("instagram")),
        Some(1.0)
    );
    assert_eq!(
        out.value("net_code", "2026-09", Some("facebook")),
        Some(2.0)
    );
    assert_eq!(
        out.value("september_days", "2026-09", Some("instagram")),
        Some(30.0)
    );
    assert_eq!(
        out.value("september_days", "2026-08", Some("instagram")),
        Some(0.0)
    );
    // September on instagram: posts i1, b1, i2 = 3 → 3 / 30 days × 30 = 3.
    assert_close(
        out.value("weighted_posts", "2026-09", Some("instagram"))
            .unwrap(),
        3.0,
    );
}
