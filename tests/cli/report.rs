//! The periodic report (`kpiscope report`) and `check --format markdown|html`,
//! against a small canonical fixture whose figures are computed by hand; and
//! the demo's HTML report, screenshot in headless Chromium.
//!
//! Fixture [`DATA`]: networks `instagram` and `facebook` (account `acme`
//! each), from 2026-07-31 to 2026-10-05, so the default period is 2026-09,
//! the last complete month (compared with 2026-08); 2026-10 is in progress.
//!
//! | post | day        | network   | reach | views | likes+comments+shares |
//! |------|------------|-----------|-------|-------|-----------------------|
//! | i1   | 2026-08-05 | instagram | 1000  | 1500  | 30+5+5 = 40           |
//! | f1   | 2026-08-20 | facebook  | 400   |       | 10+0+0 = 10           |
//! | i2   | 2026-09-02 | instagram | 2000  | 2500  | 60+10+10 = 80         |
//! | i3   | 2026-09-10 | instagram | 800   | 900   | 20+2+2 = 24           |
//! | f2   | 2026-09-12 | facebook  | 1200  |       | 30+5+5 = 40           |
//! | i4   | 2026-09-15 | instagram | 1500  | 1800  | 40+4+4 = 48           |
//! | f3   | 2026-09-20 | facebook  | 300   |       | 5+1+0 = 6             |
//! | i5   | 2026-09-25 | instagram | 500   | 600   | 10+1+1 = 12           |
//! | i6   | 2026-09-28 | instagram | 2500  | 3000  | 100+10+5 = 115        |
//! | i7   | 2026-10-05 | instagram | 100   | 100   | 1+0+0 = 1             |
//!
//! Followers (stock, last value of the month): instagram 1000 (07-31), 1100
//! (08-31), 1210 (09-30); facebook 500, 520, 510. New sessions (instagram
//! account rows only): 80 in August, 70 + 30 = 100 in September.
//!
//! 2026-09, all networks (2026-08 in brackets):
//! - followers 1210 + 510 = 1720 (1100 + 520 = 1620; July 1500)
//! - growth 1720 - 1620 = +100, 100 / 1620 = +6.2% (+120, 120 / 1500 = +8%)
//! - reach 2000+800+1500+500+2500 + 1200+300 = 8800 (1000 + 400 = 1400): +528.6%
//! - unique visitors 100 (80): +25%
//! - views 2500+900+1800+600+3000 = 8800 (1500): +486.7%
//! - posts 7 (2), posting frequency 7/30 = 0.23 (2/31 = 0.06)
//!
//! instagram: followers 1210 (1100), growth +110 (+10%) (+100, +10%), reach
//! 7300 (1000), visitors 100 (80), views 8800 (1500), posts 5 (1), 5/30 = 0.17
//! (1/31 = 0.03). facebook: followers 510 (520), growth -10 (-1.9%) (+20,
//! +4%), reach 1500 (400), no visitors, no views, posts 2 (1), 2/30 = 0.07
//! (1/31 = 0.03).
//!
//! Top posts by reach in 2026-09: all networks i6 2500, i2 2000, i4 1500,
//! f2 1200, i3 800; instagram i6, i2, i4, i3, i5; facebook f2, f3.
//!
//! Goals, as of 2026-09-30:
//! - `ig-err`: instagram ERR (80+24+48+12+115) / 7300 = 279/7300 = 3.82%:
//!   warn (>= 3, not >= 4). August 40/1000 = 4%; July has no reach: a gap.
//! - `reach`: all networks' reach 8800 >= 5000: pass. July: no data.
//! - `fb-posts`: facebook posts 2, target >= 4: fail.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{Output, Test};

const DATA: &str = "\
date,network,account,post,reach,views,likes,comments,shares,followers,sessions_new
2026-07-31,instagram,acme,,,,,,,1000,
2026-07-31,facebook,acme,,,,,,,500,
2026-08-05,instagram,acme,i1,1000,1500,30,5,5,,
2026-08-10,instagram,acme,,,,,,,,80
2026-08-20,facebook,acme,f1,400,,10,0,0,,
2026-08-31,instagram,acme,,,,,,,1100,
2026-08-31,facebook,acme,,,,,,,520,
2026-09-02,instagram,acme,i2,2000,2500,60,10,10,,
2026-09-10,instagram,acme,i3,800,900,20,2,2,,
2026-09-12,facebook,acme,f2,1200,,30,5,5,,
2026-09-15,instagram,acme,i4,1500,1800,40,4,4,,
2026-09-15,instagram,acme,,,,,,,,70
2026-09-16,instagram,acme,,,,,,,,30
2026-09-20,facebook,acme,f3,300,,5,1,0,,
2026-09-25,instagram,acme,i5,500,600,10,1,1,,
2026-09-28,instagram,acme,i6,2500,3000,100,10,5,,
2026-09-30,instagram,acme,,,,,,,1210,
2026-09-30,facebook,acme,,,,,,,510,
2026-10-05,instagram,acme,i7,100,100,1,0,0,,
";

const CONFIG: &str = r#"[workspace]
name = "Report test"
currency = "EUR"

[[source]]
plugin = "canonical"
path = "data.csv"

[[goal]]
id = "ig-err"
kpi = "err"
title = "Instagram ERR at least 4%"
network = "instagram"
target = ">= 4"
warn = ">= 3"

[[goal]]
id = "reach"
kpi = "reach"
title = "Reach <b>5,000</b> a month | all networks & more"
target = ">= 5000"

[[goal]]
id = "fb-posts"
kpi = "posts"
title = "Facebook: at least 4 posts a month"
network = "facebook"
target = ">= 4"
"#;

fn ws() -> Test {
    ws_with(CONFIG)
}

/// The test data with kpiscope.toml `config`.
fn ws_with(config: &str) -> Test {
    Test::new()
        .file("kpiscope.toml", config)
        .file("data.csv", DATA)
}

/// The text of the `## title` section of a Markdown report, up to the next one.
fn section<'a>(md: &'a str, title: &str) -> &'a str {
    let head = format!("\n## {title}\n");
    let start = md
        .find(&head)
        .unwrap_or_else(|| panic!("no section {title} in\n{md}"))
        + head.len();
    let rest = &md[start..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

/// The cells of the table row whose first cell is `first`.
#[track_caller]
fn row(text: &str, first: &str) -> Vec<String> {
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("| {first} |")))
        .unwrap_or_else(|| panic!("no row {first} in\n{text}"));
    line.trim_matches('|')
        .split(" | ")
        .map(|c| c.trim().to_string())
        .collect()
}

/// The post ids of a section's top posts, in order.
fn top_posts(text: &str) -> Vec<String> {
    let table = &text[text.find("### Top posts by reach").expect("top posts")..];
    table
        .lines()
        .filter_map(|l| l.split(" | ").find(|c| c.starts_with('`')))
        .map(|c| c.trim_matches('`').to_string())
        .collect()
}

#[test]
fn report_figures_by_network_with_the_total_first() {
    // JSON: follower growth +100 (+120 the month before): a change of
    // 100 / 120 - 1 = -16.67%, and a growth of 100 / 1,620 = 6.17% of the
    // followers, each in its field.
    let json = ws().args(&["report", "--format", "json"]).run();
    json.status(0);
    let j = json.json();
    let growth = j["sections"][0]["figures"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["key"] == "follower_growth"))
        .expect("follower_growth")
        .clone();
    assert_eq!(growth["value"], 100.0);
    assert_eq!(growth["previous"], 120.0);
    crate::harness::assert_close(
        growth["change_pct"].as_f64().unwrap(),
        (100.0 / 120.0 - 1.0) * 100.0,
    );
    crate::harness::assert_close(
        growth["growth_pct"].as_f64().unwrap(),
        100.0 / 1620.0 * 100.0,
    );

    let out = ws().args(&["report"]).run();
    out.status(0);
    let md = &out.stdout;
    assert!(md.starts_with("# Report test: social media report for 2026-09\n"));
    // All networks first, then each network in name order.
    let order: Vec<usize> = ["\n## All networks\n", "\n## facebook\n", "\n## instagram\n"]
        .iter()
        .map(|h| md.find(h).unwrap_or_else(|| panic!("{h} in\n{md}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");

    let all = section(md, "All networks");
    let figures = |label: &str| row(all, label)[1..].to_vec();
    assert_eq!(
        row(all, "Figure"),
        ["Figure", "2026-09", "2026-08", "Change"]
    );
    assert_eq!(
        figures("Community: followers on 2026-09-30"),
        ["1,720", "1,620", "+6.2%"]
    );
    assert_eq!(
        figures("Follower growth over the period"),
        ["+100 (+6.2%)", "+120 (+8%)", ""]
    );
    assert_eq!(figures("Reach"), ["8,800", "1,400", "+528.6%"]);
    assert_eq!(
        figures("Unique visitors (new sessions)"),
        ["100", "80", "+25%"]
    );
    assert_eq!(figures("Views"), ["8,800", "1,500", "+486.7%"]);
    assert_eq!(figures("Posts"), ["7", "2", "+250%"]);
    assert_eq!(
        figures("Posting frequency (posts a day)"),
        ["0.23", "0.06", "+261.7%"]
    );
    assert_eq!(top_posts(all), ["i6", "i2", "i4", "f2", "i3"]);
    assert_eq!(
        row(all, "1"),
        [
            "1",
            "instagram",
            "acme",
            // No text in the canonical file: the id names the post.
            "`i6`",
            "—",
            "2026-09-28",
            "2,500",
            "—",
            "115",
            "reach"
        ]
    );

    let ig = section(md, "instagram");
    let figures = |label: &str| row(ig, label)[1..].to_vec();
    assert_eq!(
        figures("Follower growth over the period"),
        ["+110 (+10%)", "+100 (+10%)", ""]
    );
    assert_eq!(figures("Reach"), ["7,300", "1,000", "+630%"]);
    assert_eq!(
        figures("Posting frequency (posts a day)")[..2],
        ["0.17", "0.03"]
    );
    assert_eq!(top_posts(ig), ["i6", "i2", "i4", "i3", "i5"]);

    let fb = section(md, "facebook");
    let figures = |label: &str| row(fb, label)[1..].to_vec();
    assert_eq!(
        figures("Community: followers on 2026-09-30"),
        ["510", "520", "-1.9%"]
    );
    assert_eq!(
        figures("Follower growth over the period"),
        ["-10 (-1.9%)", "+20 (+4%)", ""]
    );
    // Engagements: f2 30+5+5, f3 5+1+0; by followers 46/510, by reach 46/1,500.
    assert_eq!(figures("Engagements"), ["46", "10", "+360%"]);
    assert_eq!(
        figures("Engagement rate by followers"),
        ["9.02%", "1.92%", "+7.1 pts"]
    );
    assert_eq!(
        figures("Engagement rate by reach"),
        ["3.07%", "2.5%", "+0.57 pts"]
    );
    // A figure with no data in either period is not a row of dashes: it is
    // named once, with the export that would give it.
    assert!(!fb.contains("| Views |"), "{fb}");
    assert!(
        fb.contains("Not in the data: Impressions — Meta reports views instead of impressions since 2025; Views — the network's post export with a Views column; Unique visitors (new sessions), Social traffic (site sessions) — GA4's Traffic acquisition export by session source;"),
        "{fb}"
    );
    assert_eq!(top_posts(fb), ["f2", "f3"]);
    assert_eq!(
        row(fb, "2"),
        ["2", "acme", "`f3`", "—", "2026-09-20", "300", "—", "6"]
    );
}

#[test]
fn report_goals_are_judged_as_of_the_period() {
    // The whole report, for review; it names no temporary path.
    let out = ws().args(&["report", "--format", "markdown"]).run();
    out.status(0);
    insta::assert_snapshot!(out.stdout);

    // As of August, `last` goals look at August: ERR 40/1000 = 4% passes.
    let out = ws().args(&["report", "--period", "2026-08"]).run();
    out.status(0);
    let goals = section(&out.stdout, "Goals");
    assert_eq!(
        row(goals, "✓ pass")[..4],
        [
            "✓ pass",
            "`ig-err` Instagram ERR at least 4%",
            "2026-08",
            "4%"
        ]
    );
    // The chart ends with the report's period, bold.
    let ig = section(&out.stdout, "instagram");
    assert!(ig.contains("| `err` | — | **4%** |"), "{ig}");
}

#[test]
fn check_as_markdown() {
    let out = ws().args(&["check", "--format", "markdown"]).run();
    // fb-posts fails: the exit code is check's, whatever the format.
    out.status(1);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn check_as_html_is_one_escaped_page() {
    let out = ws().args(&["check", "--format", "html"]).run();
    out.status(1);
    let html = &out.stdout;
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("Reach &lt;b&gt;5,000&lt;/b&gt; a month | all networks &amp; more"));
    assert!(!html.contains("<b>5,000"));
    assert!(html.contains("<span class=\"status warn\">! warn</span>"));
    assert_standalone(html);
}

/// No resource from elsewhere: no external `src`/`href`, no script, no CSS import.
#[track_caller]
fn assert_standalone(html: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in [
        "src=\"http",
        "src='http",
        "href=\"http",
        "href='http",
        "href=\"//",
        "src=\"//",
        "<script",
        "@import",
        "url(",
        "<link",
        "<img",
        "<iframe",
    ] {
        assert!(!lower.contains(bad), "the page has `{bad}`");
    }
}

#[test]
fn html_report_is_standalone_with_a_chart_per_goal() {
    let out = ws()
        .args(&["report", "--format", "html", "-o", "report.html"])
        .run();
    out.status(0);
    assert_eq!(out.stdout, "");
    let html = out.read("report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_standalone(&html);
    // One chart per goal (3), each with its dashed target line and its label.
    assert_eq!(html.matches("<svg").count(), 3, "{html}");
    assert_eq!(html.matches("class=\"target\"").count(), 3);
    assert!(html.contains("stroke-dasharray"));
    assert!(html.contains(">target<tspan") && html.contains("&gt;= 5,000</tspan>"));
    // July has no reach: a gap in the line, said so, not a zero.
    assert!(html.contains(">no data</text>"));
    // Status in words, not colour alone; user text escaped.
    assert!(html.contains("✗ fail"));
    assert!(html.contains("Reach &lt;b&gt;5,000&lt;/b&gt;"));
    assert!(!html.contains("<b>5,000"));
    // Printable: a print stylesheet that keeps charts whole.
    assert!(html.contains("@media print"));
    assert!(html.contains("break-inside: avoid"));
}

#[test]
fn a_period_outside_the_data_is_an_error() {
    let out = ws().args(&["report", "--period", "2025-01"]).run();
    out.status(2);
    assert_eq!(
        out.stderr,
        "error: no data for 2025-01: the data runs from 2026-07-31 to 2026-10-05; pick a period in that range\n"
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn a_period_that_is_not_one_is_an_error() {
    let out = ws().args(&["report", "--period", "September"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("`--period September` is not a period"),
        "{}",
        out.stderr
    );
}

#[test]
fn output_into_a_missing_folder_writes_nothing() {
    let out = ws()
        .args(&["report", "--format", "html", "-o", "missing/report.html"])
        .run();
    out.status(2);
    assert!(out.stderr.contains("does not exist"), "{}", out.stderr);
    assert!(!out.file_exists("missing"));
    assert!(!out.file_exists("missing/report.html"));
}

#[test]
fn a_quarter_has_no_previous_figures_before_the_data() {
    let out = ws().args(&["report", "--period", "2026-Q3"]).run();
    out.status(0);
    let all = section(&out.stdout, "All networks");
    assert_eq!(
        row(all, "Community: followers on 2026-09-30")[1..],
        ["1,720", "—", "—"]
    );
    assert_eq!(row(all, "Reach")[1..], ["10,200", "—", "—"]);
    assert_eq!(row(all, "Posts")[1..], ["9", "—", "—"]);
}

#[test]
fn a_period_in_progress_is_said_so_and_goals_look_at_the_last_complete_one() {
    let out = ws().args(&["report", "--period", "2026-10"]).run();
    out.status(0);
    let md = &out.stdout;
    assert!(
        md.contains("goals judged as of 2026-10-05.\n\n**The period is still in progress:** the data ends on 2026-10-05.\n"),
        "{md}"
    );
    let goals = section(md, "Goals");
    assert_eq!(row(goals, "! warn")[2], "2026-09");
    let all = section(md, "All networks");
    // No follower count in October yet: a dash, not a drop to zero.
    assert_eq!(
        row(all, "Community: followers on 2026-10-05")[1..],
        ["—", "1,720", "—"]
    );
    assert_eq!(row(all, "Reach")[1..], ["100", "8,800", "-98.9%"]);
    assert_eq!(top_posts(all), ["i7"]);
    // The charts end with the last complete month, the one judged, in bold.
    let ig = section(md, "instagram");
    assert!(ig.contains("| `err` | — | 4% | **3.82%** |"), "{ig}");
}

#[test]
fn a_workspace_without_goals_still_has_its_report() {
    let config = CONFIG[..CONFIG.find("[[goal]]").expect("goals")].to_string();
    let out = ws_with(&config).args(&["report"]).run();
    out.status(0);
    assert!(
        out.stdout
            .contains("## Goals\n\nThe workspace has no goals.\n")
    );
    assert!(!out.stdout.contains("### Goals over time"));
    assert_eq!(row(section(&out.stdout, "All networks"), "Posts")[1], "7");
}

// ---------------------------------------------------------------------------
// The demo's HTML report in a real browser.

/// Chromium on the PATH, if any.
fn chromium() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// Decodes a PNG into 8-bit RGB pixels.
fn rgb_pixels(png_file: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let file = std::fs::File::open(png_file).expect("open screenshot");
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let step = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected screenshot colour type {other:?}"),
    };
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(step)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, pixels)
}

/// `#2563eb` as RGB.
fn hex(s: &str) -> [u8; 3] {
    let n = u32::from_str_radix(s.trim_start_matches('#'), 16).expect("hex colour");
    [(n >> 16) as u8, (n >> 8) as u8, n as u8]
}

#[test]
fn demo_html_report_renders_in_chromium() {
    let Some(browser) = chromium() else {
        if std::env::var("KPISCOPE_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
            panic!("KPISCOPE_REQUIRE_CHROMIUM=1 but no chromium on the PATH");
        }
        eprintln!("skipped: no chromium on the PATH (apt-get install chromium)");
        return;
    };
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo");
    let out = Test::new()
        .args(&[
            "--workspace",
            demo,
            "report",
            "--format",
            "html",
            "-o",
            "report.html",
        ])
        .run();
    out.status(0);
    let Output { dir, .. } = &out;
    let html = dir.join("report.html");
    let shot = dir.join("shot.png");
    // 5000 pixels tall (not a laptop's 2000): tall enough to hold the first
    // charts below the goals table (16 goals since the competitor panel's,
    // whose rank messages name the panel) and the figures.
    let mut child = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg("--window-size=1280,5000")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", html.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    loop {
        match child.try_wait().expect("wait for chromium") {
            Some(_) => break,
            None if started.elapsed() > Duration::from_secs(120) => {
                let _ = child.kill();
                panic!("chromium took more than 120 s");
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    assert!(shot.is_file(), "chromium wrote no screenshot");
    let (w, h, pixels) = rgb_pixels(&shot);
    assert_eq!((w, h), (1280, 5000));
    let ink = pixels.iter().filter(|p| p.iter().any(|&c| c < 235)).count();
    assert!(
        ink * 100 > pixels.len() * 3,
        "the page looks blank: {ink} of {} pixels are not white",
        pixels.len()
    );
    let distinct: std::collections::HashSet<&[u8; 3]> = pixels.iter().collect();
    assert!(distinct.len() > 100, "{} colours", distinct.len());
    let near = |c: [u8; 3]| {
        pixels
            .iter()
            .filter(|p| p.iter().zip(c).all(|(&a, b)| a.abs_diff(b) <= 12))
            .count()
    };
    // The charts' series line and dashed target lines were drawn.
    let line = near(hex("#2563eb"));
    let target = near(hex("#dc2626"));
    assert!(line > 500, "series colour on {line} pixels");
    assert!(target > 200, "target colour on {target} pixels");
    // Chromium's profile is tens of megabytes: not worth leaving in /tmp.
    let _ = std::fs::remove_dir_all(dir.join("profile"));
}

#[test]
fn a_report_is_as_of_its_periods_end() {
    // A Q3 goal in August's report sees July and August only: reach
    // 1000 (i1) + 400 (f1) = 1400, not the 10,200 that September adds.
    let out = Test::new()
        .file(
            "kpiscope.toml",
            &format!("{CONFIG}\n[[goal]]\nid = \"q3-reach\"\nkpi = \"reach\"\nperiod = \"2026-Q3\"\ntarget = \">= 1\"\n"),
        )
        .file("data.csv", DATA)
        .args(&["report", "--period", "2026-08"])
        .run();
    out.status(0);
    let goals = section(&out.stdout, "Goals");
    let line = goals
        .lines()
        .find(|l| l.contains("`q3-reach`"))
        .unwrap_or_else(|| panic!("{goals}"));
    assert!(
        line.contains("| 1,400 |")
            && line.contains("(partial: the data runs from 2026-07-31 to 2026-08-31)"),
        "{line}"
    );
    assert!(
        out.stdout.contains("Data from 2026-07-31 to 2026-08-31;"),
        "{}",
        out.stdout
    );
}

/// A year of posts, in date order, over two read chunks (5 MB): the
/// report reads its posts in the same load as its goals, keeping only the
/// last months while the load goes on. Its top posts must be those of the
/// last complete month, as when the month is asked for by name.
#[test]
fn the_report_reads_once_and_keeps_the_posts_of_its_month() {
    let mut csv = String::from("date,network,account,post,reach,likes\n");
    let mut november: Vec<(u64, String)> = Vec::new();
    let mut i = 0u64;
    for day in 0..349 {
        // 2025-01-01 to 2025-12-15: November 2025 is the last complete month.
        let date = jiff::civil::date(2025, 1, 1) + jiff::Span::new().days(day);
        for _ in 0..330 {
            let reach = i * 7919 % 100_003;
            let post = format!("p{i}");
            csv.push_str(&format!(
                "{date},instagram,acme,{post},{reach},{}\n",
                i % 97
            ));
            if date.month() == 11 {
                november.push((reach, post));
            }
            i += 1;
        }
    }
    // The canonical reader's chunks are 4 MiB.
    assert!(csv.len() > 4 << 20, "more than one chunk: {}", csv.len());
    november.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let want: Vec<String> = november.iter().take(5).map(|p| p.1.clone()).collect();

    let run = |args: &[&str]| {
        let out = Test::new()
            .file("kpiscope.toml", "[workspace]\nname = \"Year\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\"\n")
            .file("data.csv", &csv)
            .args(args)
            .run();
        out.status(0);
        out.stdout.clone()
    };
    let by_default = run(&["report"]);
    assert!(
        by_default.starts_with("# Year: social media report for 2025-11\n"),
        "{by_default}"
    );
    assert_eq!(top_posts(section(&by_default, "All networks")), want);
    // Asked by name, the month cuts the data at its end (the header says
    // so); every figure and post below is the same.
    let body = |md: &str| md[md.find("## Goals").expect("goals")..].to_string();
    assert_eq!(
        body(&by_default),
        body(&run(&["report", "--period", "2025-11"]))
    );
}

/// `[report]` brands the page: the agency, its logo embedded, its colours
/// and intro; a template of its own replaces the built-in one.
#[test]
fn report_carries_the_agency_brand() {
    let config = format!(
        "{CONFIG}\n[report]\nagency = \"Studio Nord\"\nlogo = \"brand/logo.svg\"\nprimary_color = \"#0F766E\"\naccent_color = \"#f59e0b\"\nintro = \"\"\"\nDear client,\nhere is September.\n\nA good month.\"\"\"\n"
    );
    let out = ws_with(&config)
        .file(
            "brand/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .args(&["report", "--format", "html"])
        .run();
    out.status(0);
    let html = &out.stdout;
    assert!(html.contains("Prepared by Studio Nord"), "{html}");
    // base64 of the logo's 41 bytes, as a data URI: the report stays one file.
    assert!(
        html.contains("src=\"data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=\""),
        "{html}"
    );
    assert!(html.contains("--primary: #0f766e; --accent: #f59e0b;"));
    assert!(html.contains("<p>Dear client, here is September.</p><p>A good month.</p>"));
}

#[test]
fn report_template_of_the_workspace_replaces_the_built_in_one() {
    let config = format!("{CONFIG}\n[report]\ntemplate = \"mine.html\"\n");
    let out = ws_with(&config)
        .file(
            "mine.html",
            "<h1>{{ workspace }} {{ period }}</h1>{% for s in sections %}<p>{{ s.title }}: {{ s.figures[0].value }}</p>{% endfor %}",
        )
        .args(&["report", "--format", "html"])
        .run();
    out.status(0);
    assert_eq!(
        out.stdout,
        "<h1>Report test September 2026</h1><p>All networks: 1,720</p><p>Facebook: 510</p><p>Instagram: 1,210</p>"
    );
}

#[test]
fn report_template_errors_point_at_their_line() {
    let config = format!("{CONFIG}\n[report]\ntemplate = \"mine.html\"\n");
    let out = ws_with(&config)
        .file(
            "mine.html",
            "<h1>{{ period }}</h1>\n<p>{{ no_such_value }}</p>\n",
        )
        .args(&["report", "--format", "html", "-o", "r.html"])
        .run();
    out.status(2);
    assert!(out.stderr.contains("mine.html:2:"), "{}", out.stderr);
    assert!(out.stderr.contains("undefined value"), "{}", out.stderr);
    assert!(!out.dir.join("r.html").exists(), "nothing half-written");
}

#[test]
fn report_brand_problems_are_all_reported_at_their_place() {
    let config = format!(
        "{CONFIG}\n[report]\nlogo = \"brand/none.png\"\nprimary_color = \"blue\"\ntemplate = \"missing.html\"\n"
    );
    let out = ws_with(&config).args(&["report"]).run();
    out.status(2);
    let lines = CONFIG.lines().count();
    for (line, text) in [
        (
            lines + 3,
            "logo `brand/none.png`: no such file in the workspace",
        ),
        (
            lines + 4,
            "`blue` is not a colour: write it as #rrggbb or #rgb",
        ),
        (
            lines + 5,
            "template `missing.html`: no such file in the workspace",
        ),
    ] {
        assert!(
            out.stderr.contains(&format!("kpiscope.toml:{line}:")) && out.stderr.contains(text),
            "{line} {text}\n{}",
            out.stderr
        );
    }
}

/// `locale = "fr-FR"`: the report in French, its numbers and money in the
/// French conventions (ads-cpc is 0.5673 EUR, EXPECTED.md).
#[test]
fn demo_report_in_french() {
    let dir = crate::harness::demo_with("locale = \"fr-FR\"");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kpiscope"))
        .args(["--workspace"])
        .arg(dir.path())
        .args(["report", "--format", "html"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = String::from_utf8(out.stdout).expect("utf-8");
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("<h1>octobre 2026</h1>"), "{html}");
    // ads-cpc: 0.5673 EUR to two decimals, a no-break space before the euro sign.
    assert!(
        html.contains("<td class=\"num\" data-label=\"Valeur\">0,57\u{a0}€</td>"),
        "{html}"
    );
    assert!(html.contains("0,57\u{a0}€ atteint l’objectif ≤ 0,60\u{a0}€"));
    // 31,529 followers on 2026-10-31 (all networks), grouped with U+202F.
    assert!(html.contains("<div class=\"value\">31\u{202f}529</div>"));
    assert!(html.contains("Communauté : abonnés au 31 octobre 2026"));
    assert!(html.contains("<h2>Tous les réseaux</h2>"));
    assert!(html.contains("✓ atteint"));
}

// ---------------------------------------------------------------------------
// The report as an e-mail, a PDF and screenshots.

/// One part of a MIME message: its headers (unfolded) and its body.
struct MimePart {
    headers: Vec<(String, String)>,
    body: String,
}

impl MimePart {
    fn parse(text: &str) -> MimePart {
        let (head, body) = text.split_once("\r\n\r\n").expect("headers end");
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                let last = headers.last_mut().expect("a folded line follows a header");
                last.1.push_str(line);
            } else {
                let (name, value) = line.split_once(':').expect("name: value");
                headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        MimePart {
            headers,
            body: body.to_string(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == &name.to_ascii_lowercase())
            .map(|(_, v)| v.as_str())
    }

    fn content_type(&self) -> &str {
        let t = self.header("content-type").expect("content-type");
        t.split(';').next().unwrap_or(t).trim()
    }

    /// A multipart's parts, split on its boundary, which must appear
    /// nowhere else.
    fn children(&self) -> Vec<MimePart> {
        let t = self.header("content-type").expect("content-type");
        let b = t
            .split("boundary=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("boundary");
        let body = format!("\r\n{}", self.body);
        let pieces: Vec<&str> = body.split(&format!("\r\n--{b}")).collect();
        assert_eq!(pieces[0], "", "no preamble");
        let last = pieces.last().expect("closing delimiter");
        assert!(last.starts_with("--"), "closed with --{b}--");
        assert_eq!(
            body.matches(&format!("--{b}")).count(),
            pieces.len() - 1,
            "the boundary appears only as a delimiter"
        );
        pieces[1..pieces.len() - 1]
            .iter()
            .map(|p| MimePart::parse(p.strip_prefix("\r\n").expect("CRLF after the delimiter")))
            .collect()
    }

    /// The body decoded as its Content-Transfer-Encoding says.
    fn decoded(&self) -> Vec<u8> {
        match self.header("content-transfer-encoding") {
            Some("base64") => {
                for line in self.body.split("\r\n") {
                    assert!(line.len() <= 76, "base64 line of {}", line.len());
                }
                base64_decode(&self.body)
            }
            Some("quoted-printable") => qp_decode(&self.body),
            other => panic!("encoding {other:?}"),
        }
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert_eq!(clean.len() % 4, 0, "base64 padded to 4");
    let mut out = Vec::new();
    for q in clean.chunks(4) {
        let pad = q.iter().filter(|&&c| c == b'=').count();
        let n = q
            .iter()
            .take(4 - pad)
            .fold(0u32, |n, &c| (n << 6) | u32::from(value(c)))
            << (6 * pad);
        out.extend_from_slice(&n.to_be_bytes()[1..4 - pad]);
    }
    out
}

fn qp_decode(text: &str) -> Vec<u8> {
    let joined = text.replace("=\r\n", "");
    let b = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("=XX"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .expect("utf-8")
        .replace("\r\n", "\n")
        .into_bytes()
}

/// A PNG's width and height, from its IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |s: &[u8]| u32::from_be_bytes(s.try_into().expect("4 bytes"));
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

#[test]
fn email_report_is_a_mime_message_with_a_png_per_chart() {
    let out = ws().args(&["report", "-o", "report.eml"]).run();
    out.status(0);
    let eml = out.read("report.eml");
    // Lines end with CRLF, none longer than 78 characters.
    assert!(!eml.replace("\r\n", "").contains('\n'), "a bare LF");
    assert!(!eml.replace("\r\n", "").contains('\r'), "a bare CR");
    for line in eml.split("\r\n") {
        assert!(line.len() <= 78, "line of {}: {line}", line.len());
    }
    let m = MimePart::parse(&eml);
    assert_eq!(m.header("mime-version"), Some("1.0"));
    assert_eq!(
        m.header("subject"),
        Some("Report test: social media report for September 2026")
    );
    assert!(
        m.header("date")
            .is_some_and(|d| d.ends_with("+0000") || d.len() > 20)
    );
    assert_eq!(m.header("from"), None, "addressed in the mail client");
    assert_eq!(m.content_type(), "multipart/alternative");
    let alt = m.children();
    assert_eq!(alt.len(), 2);
    // The plain-text part is the same page in words, for a client
    // without HTML: the goals, each section's figures, its top posts.
    assert_eq!(alt[0].content_type(), "text/plain");
    let text = String::from_utf8(alt[0].decoded()).expect("utf-8");
    assert!(
        text.starts_with("Report test: social media report for September 2026\n"),
        "{text}"
    );
    for line in [
        "3 goals: 1 pass, 1 warn, 1 fail, 0 no data",
        "! warn  Instagram ERR at least 4%",
        "    September 2026: 3.82% (Target ≥ 4% (warn ≥ 3%))",
        "== Facebook ==",
        "- Engagements: 46 / 10 / +360%",
        "- Engagement rate by reach: 3.82% / 4% / −0.18 pts",
        "   Account: acme · Published: Sep 12 · Reach: 1,200 · Engagements: 40",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    assert!(
        !text.contains('<') || text.contains("Reach <b>5,000</b>"),
        "no markup but the goal's own title"
    );
    assert_eq!(alt[1].content_type(), "multipart/related");
    let related = alt[1].children();
    assert_eq!(related[0].content_type(), "text/html");
    let html = String::from_utf8(related[0].decoded()).expect("utf-8");
    assert!(!html.contains("<svg"), "no SVG left");
    assert!(!html.contains("<script"), "no script");
    // Three goals, three charts, each referenced once and each a PNG of
    // the drawing's 760 x 260 units at twice the size.
    let cids: Vec<&str> = html
        .split("src=\"cid:")
        .skip(1)
        .map(|s| s.split('"').next().expect("cid"))
        .collect();
    assert_eq!(cids.len(), 3, "{cids:?}");
    let images = &related[1..];
    assert_eq!(images.len(), 3);
    let ids: std::collections::BTreeSet<&str> = images
        .iter()
        .map(|p| {
            p.header("content-id")
                .and_then(|v| v.strip_prefix('<'))
                .and_then(|v| v.strip_suffix('>'))
                .expect("content-id in brackets")
        })
        .collect();
    assert_eq!(ids.len(), 3, "content ids are unique");
    for cid in &cids {
        assert!(ids.contains(cid), "cid:{cid} has no part");
    }
    for p in images {
        assert_eq!(p.content_type(), "image/png");
        assert_eq!(png_size(&p.decoded()), (1520, 520));
    }
    // The HTML part as a mail client gets it; the image ids hash the
    // images, which a new resvg or font may draw a pixel apart.
    let mut shown = html.clone();
    for (i, cid) in cids.iter().enumerate() {
        shown = shown.replace(cid, &format!("chart-{}.[HASH]@kpiscope", i + 1));
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn inline_html_has_its_charts_as_png_data() {
    let out = ws().args(&["report", "--format", "html", "--inline"]).run();
    out.status(0);
    assert!(!out.stdout.contains("<svg"));
    let uris: Vec<&str> = out
        .stdout
        .split("src=\"data:image/png;base64,")
        .skip(1)
        .map(|s| s.split('"').next().expect("uri"))
        .collect();
    assert_eq!(uris.len(), 3);
    for u in uris {
        assert_eq!(png_size(&base64_decode(u)), (1520, 520));
    }
    let out = ws().args(&["report", "--format", "json", "--inline"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("--inline is for --format html"),
        "{}",
        out.stderr
    );
}

#[test]
fn pdf_without_chromium_says_how_to_get_one() {
    // On macOS an app in /Applications is found whatever the PATH says.
    let apps = ["Google Chrome.app", "Chromium.app"];
    if cfg!(target_os = "macos")
        && apps
            .iter()
            .any(|a| Path::new("/Applications").join(a).exists())
    {
        eprintln!("skipped: a Chromium app is installed in /Applications");
        return;
    }
    let empty = tempfile::tempdir().expect("temp dir");
    let out = ws()
        .env("PATH", &empty.path().display().to_string())
        .env("KPISCOPE_CHROMIUM", "")
        .args(&["report", "-o", "report.pdf"])
        .run();
    out.status(2);
    for said in [
        "`report --format pdf` needs headless Chromium, and none was found",
        "set KPISCOPE_CHROMIUM",
        "apt-get install chromium",
        "kpiscope report --format html -o report.html",
    ] {
        assert!(out.stderr.contains(said), "{said}: {}", out.stderr);
    }
    assert!(!out.file_exists("report.pdf"));
    let out = ws()
        .env("KPISCOPE_CHROMIUM", "/no/such/chromium")
        .args(&["report", "-o", "report.pdf"])
        .run();
    out.status(2);
    assert!(
        out.stderr
            .contains("KPISCOPE_CHROMIUM is `/no/such/chromium`, which is not a file"),
        "{}",
        out.stderr
    );
    // A PDF is not for a terminal: a file, or stdout asked with `-o -`.
    let out = ws().args(&["report", "--format", "pdf"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("-o report.pdf, or to stdout with -o -"),
        "{}",
        out.stderr
    );
}

/// Chromium as kpiscope finds it, or why the test skips.
fn browser_or_skip() -> Option<kpiscope::render::chromium::Chromium> {
    match kpiscope::render::chromium::Chromium::find("this test") {
        Ok(b) => Some(b),
        Err(e) if std::env::var("KPISCOPE_REQUIRE_CHROMIUM").as_deref() == Ok("1") => {
            panic!("KPISCOPE_REQUIRE_CHROMIUM=1 but: {e}")
        }
        Err(_) => {
            eprintln!("skipped: no chromium on the PATH (apt-get install chromium)");
            None
        }
    }
}

#[test]
fn pdf_report_is_printed_by_chromium() {
    if browser_or_skip().is_none() {
        return;
    }
    // No results store either: the folder holds the PDF and the inputs alone.
    let out = ws()
        .args(&["report", "-o", "report.pdf", "--no-history"])
        .run();
    out.status(0);
    let pdf = std::fs::read(out.dir.join("report.pdf")).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"), "a PDF header");
    let tail = String::from_utf8_lossy(&pdf[pdf.len().saturating_sub(64)..]).into_owned();
    assert!(tail.contains("%%EOF"), "a whole PDF: {tail:?}");
    assert!(pdf.len() > 10_000, "{} bytes", pdf.len());
    // Written atomically: nothing else is left beside it.
    let mut files: Vec<String> = std::fs::read_dir(&out.dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["data.csv", "kpiscope.toml", "report.pdf"]);
    // Asked for with `-o -`, the PDF goes to stdout, and no file is made.
    let out = ws().args(&["report", "--format", "pdf", "-o", "-"]).run();
    out.status(0);
    assert!(out.stdout.starts_with("%PDF-"), "a PDF on stdout");
    assert!(!out.file_exists("-"));
}

/// The demo report's page, and whether the screenshots go to docs/.
fn demo_html() -> String {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo");
    let out = Test::new()
        .args(&["--workspace", demo, "report", "--format", "html"])
        .run();
    out.status(0);
    out.stdout
}

/// Asserts a screenshot is a page: mostly white, with text and colour.
fn assert_a_page(name: &str, png_file: &Path) {
    let (_, _, pixels) = rgb_pixels(png_file);
    let ink = pixels.iter().filter(|p| p.iter().any(|&c| c < 200)).count();
    assert!(
        ink * 100 > pixels.len() && ink * 2 < pixels.len(),
        "{name} looks blank or black: {ink} of {} pixels dark",
        pixels.len()
    );
    let distinct: std::collections::HashSet<&[u8; 3]> = pixels.iter().collect();
    assert!(distinct.len() > 50, "{name}: {} colours", distinct.len());
}

#[test]
fn demo_report_screenshots_at_desktop_and_phone_width_and_its_pdf() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let html = demo_html();
    let dir = tempfile::tempdir().expect("temp dir");
    let write = std::env::var("KPISCOPE_WRITE_SCREENSHOTS").as_deref() == Ok("1");
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    let mut shots = Vec::new();
    for (name, w, h) in [
        ("report-desktop.png", 1400, 1800),
        ("report-phone.png", 390, 1600),
    ] {
        let png = browser.screenshot(&html, w, h).expect("screenshot");
        assert_eq!(png_size(&png), (w, h), "{name}");
        let file = dir.path().join(name);
        std::fs::write(&file, &png).expect("write");
        assert_a_page(name, &file);
        shots.push((name, file));
    }
    // At 390 px the page does not scroll sideways: the document is no
    // wider than the window (tables scroll inside their own box).
    // Headless Chromium lays out no window narrower than 500 px: the runner
    // puts the page in a 390 px frame, whose parent's DOM is the one dumped.
    let measured = html.replace(
        "</body>",
        "<script>(parent || window).document.body.setAttribute('data-scroll-width', \
         document.documentElement.scrollWidth)</script></body>",
    );
    let dom = browser.dump_dom(&measured, 390, 1600).expect("dump dom");
    let width: u32 = dom
        .split("data-scroll-width=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .expect("the page wrote its width");
    assert!(width <= 390, "the page is {width} px wide at 390 px");

    // The PDF's first page, as pdftoppm draws it.
    let pdf = browser.print_pdf(&html).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let pdf_file = dir.path().join("report.pdf");
    std::fs::write(&pdf_file, &pdf).expect("write pdf");
    let page = dir.path().join("report-pdf");
    match Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf_file)
        .arg(&page)
        .status()
    {
        Ok(s) => {
            assert!(s.success(), "pdftoppm failed");
            let file = page.with_extension("png");
            let (w, h, _) = rgb_pixels(&file);
            // Letter or A4 at 80 dpi, upright.
            assert!(
                (650..=690).contains(&w) && (880..=940).contains(&h),
                "{w} x {h}"
            );
            assert_a_page("the PDF's first page", &file);
            shots.push(("report-pdf.png", file));
        }
        Err(e) if std::env::var("KPISCOPE_REQUIRE_CHROMIUM").as_deref() == Ok("1") => {
            panic!("pdftoppm: {e} (apt-get install poppler-utils)")
        }
        Err(e) => {
            eprintln!("the PDF's page not drawn: pdftoppm: {e} (apt-get install poppler-utils)")
        }
    }
    if write {
        std::fs::create_dir_all(&docs).expect("docs/screenshots");
        for (name, file) in shots {
            std::fs::copy(file, docs.join(name)).expect("copy screenshot");
        }
    }
}

/// Posts a person recognises: text, link and format from the canonical
/// CSV's `title`, `url` and `format`; X, without reach, ranked by
/// impressions; a re-export with an edited text wins.
///
/// | post | day        | network   | reach | impressions | likes+comments+shares |
/// |------|------------|-----------|-------|-------------|-----------------------|
/// | i1   | 2026-09-02 | instagram | 900   | 1400        | 30+5+5 = 40           |
/// | i2   | 2026-09-05 | instagram | 1500  | 2100        | 60+10+10 = 80         |
/// | x1   | 2026-09-07 | x         |       | 800         | 8+1+2 = 11            |
/// | x2   | 2026-09-08 | x         |       | 1200        | 5+0+1 = 6             |
/// | x3   | 2026-09-10 | x         |       |             | 1+0+0 = 1             |
///
/// All networks, each by its own figure: i2 1500 (reach), x2 1200
/// (impressions), i1 900 (reach), x1 800 (impressions); x3 has neither.
#[test]
fn top_posts_have_their_text_link_and_format() {
    const POSTS: &str = "\
date,network,account,post,title,url,format,reach,impressions,likes,comments,shares
2026-09-02,instagram,acme,i1,\"Autumn menu \nPumpkin latte\",https://www.instagram.com/p/i1/,IG carousel,900,1400,30,5,5
2026-09-05,instagram,acme,i2,,https://www.instagram.com/reel/i2/,Reels,1500,2100,60,10,10
2026-09-07,x,acme,x1,Launch day | finally [1],https://x.com/acme/status/1,,,800,8,1,2
2026-09-08,x,acme,x2,Second tweet,https://x.com/acme/status/2,,,1200,5,0,1
2026-09-10,x,acme,x3,No impressions yet,,,,,1,0,0
2026-10-01,instagram,acme,,,,,10,,,,
";
    // Read after posts.csv: i1's text as edited since (its figures are the
    // same record's, counted once).
    const REEXPORT: &str = "\
date,network,account,post,title,url,format,reach,impressions,likes,comments,shares
2026-09-02,instagram,acme,i1,\"  Autumn menu, edited \n\nPumpkin latte\",https://www.instagram.com/p/i1/,IG carousel,900,1400,30,5,5
";
    let ws = || {
        Test::new()
            .file(
                "kpiscope.toml",
                "[workspace]\nname = \"Posts\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"posts.csv\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"reexport.csv\"\n",
            )
            .file("posts.csv", POSTS)
            .file("reexport.csv", REEXPORT)
    };
    let out = ws().args(&["report"]).run();
    out.status(0);
    let md = &out.stdout;
    let all = section(md, "All networks");
    assert!(all.contains("\n### Top posts\n"), "{all}");
    assert_eq!(
        row(all, "#"),
        [
            "#",
            "Network",
            "Account",
            "Post",
            "Format",
            "Published",
            "Reach",
            "Impressions",
            "Engagements",
            "Ranked by"
        ]
    );
    assert_eq!(
        row(all, "1"),
        [
            "1",
            "instagram",
            "acme",
            // No text: the id names it, linked.
            "[`i2`](https://www.instagram.com/reel/i2/)",
            "reel",
            "2026-09-05",
            "1,500",
            "2,100",
            "80",
            "reach"
        ]
    );
    assert_eq!(
        row(all, "2"),
        [
            "2",
            "x",
            "acme",
            "[Second tweet](https://x.com/acme/status/2)",
            "—",
            "2026-09-08",
            "—",
            "1,200",
            "6",
            "impressions"
        ]
    );
    assert_eq!(
        row(all, "3"),
        [
            "3",
            "instagram",
            "acme",
            "[Autumn menu, edited](https://www.instagram.com/p/i1/)",
            "carousel",
            "2026-09-02",
            "900",
            "1,400",
            "40",
            "reach"
        ]
    );
    assert_eq!(
        row(all, "4"),
        [
            "4",
            "x",
            "acme",
            r"[Launch day \| finally \[1\]](https://x.com/acme/status/1)",
            "—",
            "2026-09-07",
            "—",
            "800",
            "11",
            "impressions"
        ]
    );
    assert!(
        !all.lines().any(|l| l.starts_with("| 5 |")),
        "x3 has no figure to rank it:\n{md}"
    );
    let x = section(md, "x");
    assert!(x.contains("\n### Top posts by impressions\n"), "{x}");
    assert_eq!(
        row(x, "1")[2],
        "[Second tweet](https://x.com/acme/status/2)"
    );
    let ig = section(md, "instagram");
    assert!(ig.contains("\n### Top posts by reach\n"), "{ig}");

    let json = ws().args(&["report", "--format", "json"]).run();
    json.status(0);
    let j = json.json();
    let top = &j["sections"][0]["top_posts"];
    assert_eq!(top[1]["post"], "x2");
    assert_eq!(top[1]["title"], "Second tweet");
    assert_eq!(top[1]["url"], "https://x.com/acme/status/2");
    assert_eq!(top[1]["format"], serde_json::Value::Null);
    assert_eq!(top[1]["reach"], serde_json::Value::Null);
    assert_eq!(top[1]["impressions"], 1200.0);
    assert_eq!(top[1]["rank_by"], "impressions");
    assert_eq!(top[2]["title"], "Autumn menu, edited");
    assert_eq!(top[2]["format"], "carousel");
    assert_eq!(top[2]["rank_by"], "reach");
    assert_eq!(top[0]["title"], serde_json::Value::Null);

    let html = ws().args(&["report", "--format", "html"]).run();
    html.status(0);
    assert!(
        html.stdout
            .contains("<a href=\"https://x.com/acme/status/2\">Second tweet</a>"),
        "{}",
        html.stdout
    );
    assert!(
        html.stdout
            .contains("<a href=\"https://www.instagram.com/reel/i2/\"><code>i2</code></a>")
    );
    assert!(html.stdout.contains("Launch day | finally [1]</a>"));
}

/// The report in each text format, for review: the HTML page from its
/// template (in English and in French), and the JSON. None names a path;
/// the version is filtered so that a release does not churn them.
#[test]
fn report_formats_snapshots() {
    let version = env!("CARGO_PKG_VERSION");
    // The version, and the time the JSON was written, change from run to run.
    let filtered = |text: &str| {
        let mut out = text.replace(version, "[VERSION]");
        if let Some(at) = out.find("\"generated_at\": \"") {
            let start = at + "\"generated_at\": \"".len();
            if let Some(len) = out[start..].find('"') {
                out.replace_range(start..start + len, "[TIME]");
            }
        }
        out
    };
    let html = ws().args(&["report", "--format", "html"]).run();
    html.status(0);
    insta::assert_snapshot!("report_html_en", filtered(&html.stdout));
    let french = CONFIG.replacen(
        "currency = \"EUR\"",
        "currency = \"EUR\"\nlocale = \"fr-FR\"",
        1,
    );
    let html = ws_with(&french).args(&["report", "--format", "html"]).run();
    html.status(0);
    insta::assert_snapshot!("report_html_fr", filtered(&html.stdout));
    let json = ws().args(&["report", "--format", "json"]).run();
    json.status(0);
    insta::assert_snapshot!("report_json", filtered(&json.stdout));
}
