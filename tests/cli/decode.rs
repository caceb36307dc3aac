//! Exports as downloaded: a spreadsheet whatever its name or the plugin's
//! layout format says, read to the same records as the CSV; and a file that
//! is no export refused in one line, exit 2.

use std::io::Write;

use crate::goals::DATA;
use crate::harness::{Output, Test};

/// The smallest XLSX calamine opens: one sheet, numbers as number cells,
/// the rest inline strings.
fn xlsx(sheet: &str, csv: &str) -> Vec<u8> {
    let mut data = String::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    for (r, row) in rdr.records().enumerate() {
        data.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, v) in row.unwrap().iter().enumerate() {
            let at = format!("{}{}", (b'A' + c as u8) as char, r + 1);
            let v = v.replace('&', "&amp;").replace('<', "&lt;");
            if v.is_empty() {
                continue;
            } else if v.parse::<f64>().is_ok() {
                data.push_str(&format!("<c r=\"{at}\"><v>{v}</v></c>"));
            } else {
                data.push_str(&format!(
                    "<c r=\"{at}\" t=\"inlineStr\"><is><t>{v}</t></is></c>"
                ));
            }
        }
        data.push_str("</row>");
    }
    let rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ),
        (
            "xl/workbook.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{rels}"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// An X tweet-activity export: numbers written `1938.0`, as X writes them.
const TWEETS: &str = "\
Tweet id,Tweet permalink,Tweet text,time,impressions,engagements,engagement rate,retweets,replies,likes,user profile clicks,url clicks,hashtag clicks,detail expands,permalink clicks
812371839283000001,https://twitter.com/acme/status/812371839283000001,New release,2016-12-23 18:50 +0000,1938.0,57.0,0.029411764705882353,4.0,2.0,12.0,3.0,20.0,1.0,9.0,0.0
815337004061000002,https://twitter.com/acme/status/815337004061000002,Thank you all!,2016-12-31 23:10 +0000,1204.0,31.0,0.025747508305647840,1.0,0.0,25.0,1.0,0.0,0.0,4.0,1.0
";

fn eval(config: &str, path: &str, bytes: &[u8]) -> Output {
    Test::new()
        .file("kpiscope.toml", config)
        .bytes(path, bytes)
        .args(&[
            "eval",
            "--kpi",
            "impressions,likes,shares,comments,reach,followers",
            "--by",
            "network,account,post",
            "--grain",
            "day",
            "--format",
            "csv",
        ])
        .run()
}

fn source(plugin: Option<&str>, path: &str) -> String {
    let plugin = plugin
        .map(|p| format!("plugin = \"{p}\"\n"))
        .unwrap_or_default();
    format!(
        "[workspace]\nname = \"Decode\"\ntimezone = \"UTC\"\n\n[[source]]\n{plugin}path = \"{path}\"\n"
    )
}

#[test]
fn an_xlsx_named_csv_read_by_a_csv_layout_plugin_gives_the_records_of_the_csv() {
    let from_csv = eval(
        &source(Some("x"), "data/tweets.csv"),
        "data/tweets.csv",
        TWEETS.as_bytes(),
    );
    from_csv.status(0);
    assert!(from_csv.stdout.contains("1938"), "{}", from_csv.stdout);
    let book = xlsx("tweet_activity", TWEETS);
    for config in [
        // The plugin named (its layouts say format = "csv"), and detected.
        source(Some("x"), "data/tweets.csv"),
        source(None, "data/tweets.csv"),
    ] {
        let from_xlsx = eval(&config, "data/tweets.csv", &book);
        from_xlsx.status(0);
        assert_eq!(from_xlsx.stdout, from_csv.stdout);
    }
    let from_xlsx = eval(
        &source(Some("x"), "data/tweets.xlsx"),
        "data/tweets.xlsx",
        &book,
    );
    from_xlsx.status(0);
    assert_eq!(from_xlsx.stdout, from_csv.stdout);
}

#[test]
fn a_canonical_xlsx_gives_the_records_of_the_canonical_csv() {
    let from_csv = eval(
        &source(Some("canonical"), "data.csv"),
        "data.csv",
        DATA.as_bytes(),
    );
    from_csv.status(0);
    let book = xlsx("data", DATA);
    for path in ["data.xlsx", "data.csv"] {
        let from_xlsx = eval(&source(Some("canonical"), path), path, &book);
        from_xlsx.status(0);
        assert_eq!(from_xlsx.stdout, from_csv.stdout, "{path}");
    }
    // UTF-16 with its mark, as a spreadsheet saves "Unicode text".
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(DATA.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let from_utf16 = eval(&source(Some("canonical"), "data.csv"), "data.csv", &utf16);
    from_utf16.status(0);
    assert_eq!(from_utf16.stdout, from_csv.stdout);
}

#[test]
fn a_pdf_given_as_a_source_says_it_is_a_pdf() {
    let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n\x00\x01\x02";
    for plugin in [Some("x"), Some("canonical"), None] {
        let out = eval(&source(plugin, "data/report.csv"), "data/report.csv", pdf);
        out.status(2);
        // Named with its folder when the plugin is named; by auto-detection,
        // the source's message names the path and the file.
        let file = if plugin.is_some() {
            "data/report.csv"
        } else {
            "source #1 (data/report.csv): report.csv"
        };
        assert!(
            out.stderr.contains(&format!(
                "{file}: this is a PDF document, not an export: download the report as CSV or XLSX"
            )),
            "{plugin:?}: {}",
            out.stderr
        );
        assert!(
            !out.stderr.chars().any(|c| c.is_control() && c != '\n'),
            "{:?}",
            out.stderr
        );
        assert_eq!(out.stdout, "");
    }
}

#[test]
fn a_damaged_spreadsheet_is_one_line_exit_2() {
    let book = xlsx("tweet_activity", TWEETS);
    let out = eval(
        &source(Some("x"), "data/tweets.xlsx"),
        "data/tweets.xlsx",
        &book[..book.len() / 2],
    );
    out.status(2);
    assert!(
        out.stderr
            .contains("data/tweets.xlsx: this spreadsheet is damaged:"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.chars().any(|c| c.is_control() && c != '\n'),
        "{:?}",
        out.stderr
    );
}

/// A JSON export over the 64 KiB read to recognise a CSV is recognised
/// whole, whatever it is named.
#[test]
fn a_large_json_export_is_recognised_whole() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/plugins/facebook/fixtures/graph_insights.json"
    ))
    .unwrap();
    // Indentation, as a pretty-printer writes, past 64 KiB.
    let large = doc.replacen(
        "\n \"data\"",
        &format!("\n{}\"data\"", " ".repeat(70_000)),
        1,
    );
    let small = eval(
        &source(None, "insights.json"),
        "insights.json",
        doc.as_bytes(),
    );
    small.status(0);
    for name in ["insights.json", "insights.csv"] {
        let out = eval(&source(None, name), name, large.as_bytes());
        out.status(0);
        assert_eq!(out.stdout, small.stdout, "{name}");
    }
}

const ALPHA: &str = r#"name = "alpha"
title = "Alpha post export"
version = "1.0.0"
api = 1
kind = "table"
network = "alpha"

[[layout]]
name = "posts"
title = "Alpha posts"
format = "csv"
detect = ["Post ID", "Published", "Views"]
level = "post"
post = "Post ID"
date = { column = "Published", format = "%Y-%m-%d" }

[layout.metrics]
views = "Views"
likes = "Likes"
"#;

const ALPHA_CSV: &str = "Post ID,Published,Views,Likes\n\
a1,2026-03-02,1938.0,45\n\
a2,2026-03-30,2500,\n\
Total,,4438,45\n";

const ALPHA_EXPECTED: &str = "{\"date\":\"2026-03-02\",\"network\":\"alpha\",\"account\":\"alpha\",\"post\":\"a1\",\"metrics\":{\"likes\":45,\"views\":1938}}\n\
{\"date\":\"2026-03-30\",\"network\":\"alpha\",\"account\":\"alpha\",\"post\":\"a2\",\"metrics\":{\"views\":2500}}\n";

/// `plugin test` compares records exactly: the XLSX download, named .csv,
/// gives the CSV's records to a plugin whose layout says `format = "csv"`.
#[test]
fn a_csv_layout_plugin_reads_the_xlsx_download_to_the_same_records() {
    let out = Test::new()
        .file(
            "kpiscope.toml",
            "[workspace]\nname = \"P\"\ntimezone = \"UTC\"\n",
        )
        .file("plugins/alpha/plugin.toml", ALPHA)
        .file("plugins/alpha/fixtures/posts.csv", ALPHA_CSV)
        .file(
            "plugins/alpha/fixtures/posts.expected.jsonl",
            ALPHA_EXPECTED,
        )
        .bytes(
            "plugins/alpha/fixtures/posts_saved_as_xlsx.csv",
            &xlsx("Posts", ALPHA_CSV),
        )
        .file(
            "plugins/alpha/fixtures/posts_saved_as_xlsx.expected.jsonl",
            ALPHA_EXPECTED,
        )
        .args(&["plugin", "test", "alpha"])
        .run();
    out.status(0);
    assert!(
        out.stdout.contains("alpha  posts.csv  ok (2 records)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("alpha  posts_saved_as_xlsx.csv  ok (2 records)"),
        "{}",
        out.stdout
    );
}
