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
    Test::new()
        .file("kpiscope.toml", CONFIG)
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
            "`i6`",
            "2026-09-28",
            "2,500",
            "115"
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
    // No data is a dash, never a zero.
    assert_eq!(figures("Unique visitors (new sessions)"), ["—", "—", "—"]);
    assert_eq!(figures("Views"), ["—", "—", "—"]);
    assert_eq!(top_posts(fb), ["f2", "f3"]);
    assert_eq!(
        row(fb, "2"),
        ["2", "acme", "`f3`", "2026-09-20", "300", "6"]
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
    let out = Test::new()
        .file("kpiscope.toml", &config)
        .file("data.csv", DATA)
        .args(&["report"])
        .run();
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
    // 4000 pixels tall (not a laptop's 2000): tall enough to hold the first
    // charts below the goals table and the figures.
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
        .arg("--window-size=1280,4000")
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
    assert_eq!((w, h), (1280, 4000));
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
