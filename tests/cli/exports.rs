//! Exports as people download and re-save them: one test per kind of failure
//! seen on real files, each on a small export written here in the network's
//! layout. Every expected figure is counted by hand in the comment above it.

use crate::harness::{Output, Test, assert_close};

/// `eval --kpi <metric> --grain <grain> [--by <by>] --format json` in a
/// workspace of one source.
fn eval(source: &str, files: &[(&str, &str)], metric: &str, grain: &str, by: &[&str]) -> Output {
    let mut t = Test::new().file(
        "kpiscope.toml",
        &format!("[workspace]\nname = \"Acme\"\ntimezone = \"UTC\"\n\n{source}"),
    );
    for (path, text) in files {
        t = t.file(path, text);
    }
    let mut args = vec![
        "eval", "--kpi", metric, "--grain", grain, "--format", "json",
    ];
    for b in by {
        args.extend(["--by", b]);
    }
    let out = t.args(&args).run();
    assert_eq!(
        out.status, 0,
        "stdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    out
}

/// The rows' values, with the period label and the `--by` value first.
fn values(out: &Output, by: Option<&str>) -> Vec<(String, f64)> {
    out.json()["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| {
            let label = match by {
                Some(b) => r["dims"][b].as_str().unwrap_or("").to_string(),
                None => r["period"]["label"].as_str().unwrap_or("").to_string(),
            };
            Some((label, r["value"].as_f64()?))
        })
        .collect()
}

/// The JSON tally of the input file whose name ends with `name`.
fn input(out: &Output, name: &str) -> serde_json::Value {
    out.json()["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["file"].as_str().is_some_and(|f| f.ends_with(name)))
        .cloned()
        .unwrap_or_else(|| panic!("no input {name} in {}", out.stdout))
}

/// The run stopped with exit code 2, saying `message`.
fn fails_with(out: &Output, message: &str) {
    assert_eq!(
        out.status, 2,
        "stdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    assert!(out.stderr.contains(message), "{}", out.stderr);
}

fn skipped(input: &serde_json::Value, why: &str) -> u64 {
    input["skipped"][why]["rows"].as_u64().unwrap_or(0)
}

/// Ads Manager, ad level, no `Ad ID` column: "New post engagement ad" is
/// three ads in two ad sets, and the header says `Ad Set Name`. With
/// "Include summary row", the first row holds the account's totals.
const ADS_SHARING_NAMES: &str = "\u{feff}Reporting starts,Reporting ends,Campaign name,Ad Set Name,Ad Name,Amount spent (USD),Impressions,Reach,Link clicks\n\
2026-03-01,2026-03-31,,,,\"1,234.50\",50000,30000,900\n\
2026-03-01,2026-03-31,Spring,Paris,New post engagement ad,300.25,12000,8000,200\n\
2026-03-01,2026-03-31,Spring,Paris,New post engagement ad,100.25,4000,3000,100\n\
2026-03-01,2026-03-31,Spring,Lyon,New post engagement ad,434,20000,12000,350\n\
2026-03-01,2026-03-31,Summer,Lyon,Carousel,400,14000,9000,250\n";

#[test]
fn ads_sharing_a_name_are_all_counted_and_the_summary_row_is_not() {
    let source = "[[source]]\nplugin = \"meta_ads\"\npath = \"ads/*.csv\"\n";
    let files = [("ads/march.csv", ADS_SHARING_NAMES)];
    // 300.25 + 100.25 + 434 + 400 = 1234.50, the file's own summary row.
    let out = eval(source, &files, "spend", "month", &[]);
    assert_eq!(values(&out, None), [("2026-03".to_string(), 1234.5)]);
    let file = input(&out, "march.csv");
    assert_eq!(file["rows"], 5);
    assert_eq!(file["records"], 4);
    assert_eq!(skipped(&file, "summary row (the other rows' sums)"), 1);
    assert_eq!(file["duplicates"], 0);
    // Rows 3 and 4 share their day and every dimension: added up, counted.
    assert_eq!(file["merged"], 1);
    // `Ad Set Name` is the plugin's `Ad set name`: Paris 300.25 + 100.25,
    // Lyon 434 + 400.
    let out = eval(source, &files, "spend", "all", &["ad_set"]);
    let mut by_set = values(&out, Some("ad_set"));
    by_set.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        by_set,
        [("Lyon".to_string(), 834.0), ("Paris".to_string(), 400.5)]
    );
}

#[test]
fn the_same_export_twice_counts_once_and_says_so() {
    let source = "[[source]]\nplugin = \"meta_ads\"\npath = \"ads/*.csv\"\n";
    let files = [
        ("ads/march.csv", ADS_SHARING_NAMES),
        ("ads/march (1).csv", ADS_SHARING_NAMES),
    ];
    let out = eval(source, &files, "spend", "month", &[]);
    assert_eq!(values(&out, None), [("2026-03".to_string(), 1234.5)]);
    // Files are read in name order: `march (1).csv` first. The second
    // file's 4 rows of 6 metrics each (spend, impressions, impressions_paid,
    // reach, reach_paid, clicks) are 24 values dropped.
    assert_eq!(input(&out, "march (1).csv")["duplicates"], 0);
    assert_eq!(input(&out, "/march.csv")["duplicates"], 24);
}

/// Ads Manager broken down by region and by month: `Reporting starts` is
/// the report's first day on every row, `Month` each row's own; the summary
/// row first, its region and month empty.
#[test]
fn a_summary_row_is_never_a_month_of_data() {
    let text = "Reporting starts,Reporting ends,Region,Month,Amount spent (EUR),Impressions\n\
        2026-01-01,2026-03-31,,,350,3500\n\
        2026-01-01,2026-03-31,Île-de-France,2026-01-01 - 2026-01-31,100,1000\n\
        2026-01-01,2026-03-31,Occitanie,2026-01-01 - 2026-01-31,50,500\n\
        2026-01-01,2026-03-31,Île-de-France,2026-02-01 - 2026-02-28,80,800\n\
        2026-01-01,2026-03-31,Occitanie,2026-02-01 - 2026-02-28,20,200\n\
        2026-01-01,2026-03-31,Île-de-France,2026-03-01 - 2026-03-31,70,700\n\
        2026-01-01,2026-03-31,Occitanie,2026-03-01 - 2026-03-31,30,300\n";
    let source = "[[source]]\nplugin = \"meta_ads\"\npath = \"ads.csv\"\n";
    // January 100 + 50, February 80 + 20, March 70 + 30: not 350 in January.
    let out = eval(source, &[("ads.csv", text)], "spend", "month", &[]);
    assert_eq!(
        values(&out, None),
        [
            ("2026-01".to_string(), 150.0),
            ("2026-02".to_string(), 100.0),
            ("2026-03".to_string(), 100.0)
        ]
    );
    let file = input(&out, "ads.csv");
    assert_eq!(skipped(&file, "summary row (the other rows' sums)"), 1);
    // Each month's second region adds to its first (the plugin keeps no
    // region): 3 rows merged, none dropped.
    assert_eq!(file["merged"], 3);
    assert_eq!(file["duplicates"], 0);
}

/// YouTube's table re-saved by a French Excel: `;`, decimal commas, spaces
/// grouping thousands; a video without a publish date and YouTube's footer.
#[test]
fn decimal_commas_of_a_resaved_table_are_decimals() {
    let text = "Content;Video title;Video publish time;Views;Watch time (hours);Subscribers\n\
        Total;;;12 010;51,422;30\n\
        vid1;Espresso 101;Dec 15, 2023;8 000;6,892;20\n\
        vid2;Latte art;Dec 18, 2023;4 000;44,53;10\n\
        vid3;Deleted video;;10;0,1;0\n\
        Showing top 500 results;;;;;\n";
    let source = "[[source]]\nplugin = \"youtube\"\npath = \"yt.csv\"\n";
    let files = [("yt.csv", text)];
    // (6.892 + 44.53) h × 3600 = 185119.2 s; vid3 has no date.
    let out = eval(source, &files, "watch_time", "all", &[]);
    assert_close(values(&out, None)[0].1, 185_119.2);
    let out = eval(source, &files, "views", "all", &[]);
    assert_close(values(&out, None)[0].1, 12_000.0);
    let file = input(&out, "yt.csv");
    assert_eq!(file["rows"], 5);
    assert_eq!(file["records"], 2);
    assert_eq!(skipped(&file, "Total row"), 1);
    assert_eq!(skipped(&file, "row without a date"), 1);
    assert_eq!(skipped(&file, "note row"), 1);
    assert_eq!(file["skipped"]["row without a date"]["first_line"], 5);
}

#[test]
fn an_ambiguous_decimal_mark_is_a_warning_and_the_source_decides() {
    // Tab-separated, every figure like `1,234`: nothing tells the mark.
    let text = "date\tspend\n2026-03-01\t1,250\n2026-03-02\t2,500\n2026-03-03\t3\n";
    let canonical_like =
        |decimal: &str| format!("[[source]]\nplugin = \"ads\"\npath = \"spend.tsv\"\n{decimal}\n");
    let plugin = "name = \"ads\"\ntitle = \"Ad spend\"\nversion = \"1.0.0\"\napi = 1\nkind = \"table\"\nnetwork = \"ads\"\n\n[input]\ndetect = [\"date\", \"spend\"]\n\n[table]\nlevel = \"account\"\ndate = { column = \"date\", format = \"%Y-%m-%d\" }\n\n[table.metrics]\nspend = \"spend\"\n";
    let run = |decimal: &str| {
        Test::new()
            .file(
                "kpiscope.toml",
                &format!(
                    "[workspace]\nname = \"Acme\"\n\n{}",
                    canonical_like(decimal)
                ),
            )
            .file("plugins/ads/plugin.toml", plugin)
            .file("spend.tsv", text)
            .args(&[
                "eval", "--kpi", "spend", "--grain", "all", "--format", "json",
            ])
            .run()
    };
    // Read with a dot (1250 + 2500 + 3), and said.
    let out = run("");
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_close(values(&out, None)[0].1, 3753.0);
    assert!(
        out.stderr
            .contains("warning: spend.tsv: column `spend` holds numbers like `1,234`"),
        "{}",
        out.stderr
    );
    // `decimal = ","`: 1.25 + 2.5 + 3, and nothing to warn about.
    let out = run("decimal = \",\"");
    assert_close(values(&out, None)[0].1, 6.75);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    // A bad mark is a config error.
    let out = run("decimal = \";\"");
    out.fails_with("the decimal mark is \".\" or \",\"");
}

/// Business Suite's post export with Meta's own error rows (no date, no
/// figures) between posts.
#[test]
fn the_networks_error_rows_are_skipped_and_counted() {
    let text = "\u{feff}Post ID,Page ID,Page name,Title,Description,Duration (sec),Publish time,Caption type,Permalink,Is crosspost,Is share,Post type,Languages,Custom labels,Funded content status,Data comment,Date,Views,Reach,\"Reactions, Comments and Shares\",Reactions,Comments,Shares,Total clicks,Link Clicks,Other Clicks\n\
122158390526123456,110253467891234,Acme Coffee,Autumn menu,,,03/27/2026 06:08,,https://www.facebook.com/110253467891234/posts/122158390526123456,No,No,Photos,,,,,Lifetime,\"12,400\",\"8,215\",342,301,29,12,\"1,025\",980,45\n\
122158390526123457,110253467891234,Acme Coffee,,,,,,,,,,,,,An error occurred while computing metadata for content with ID 122158390526123457,,,,,,,,,,\n\
122158390526123458,110253467891234,Acme Coffee,Spring,,,03/28/2026 09:00,,https://www.facebook.com/110253467891234/posts/122158390526123458,No,No,Photos,,,,,Lifetime,900,785,40,30,6,4,50,20,30\n";
    let source = "[[source]]\nplugin = \"facebook\"\npath = \"posts.csv\"\n";
    // Reach 8215 + 785.
    let out = eval(source, &[("posts.csv", text)], "reach", "all", &[]);
    assert_close(values(&out, None)[0].1, 9000.0);
    let file = input(&out, "posts.csv");
    assert_eq!(file["records"], 2);
    assert_eq!(skipped(&file, "error row written by the network"), 1);
    assert_eq!(
        file["skipped"]["error row written by the network"]["first_line"],
        3
    );
}

#[test]
fn verbose_accounts_for_every_row_of_every_file() {
    let out = Test::new()
        .file(
            "kpiscope.toml",
            "[workspace]\nname = \"Acme\"\n\n[[source]]\nplugin = \"meta_ads\"\npath = \"ads.csv\"\n",
        )
        .file("ads.csv", ADS_SHARING_NAMES)
        .args(&["-v", "eval", "--kpi", "spend", "--grain", "all"])
        .run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "read ads.csv (meta_ads: Meta Ads Manager export): 5 rows, 4 records; skipped 1 summary row (the other rows' sums) (line 2); 1 rows added to an earlier row of the same day and dimensions"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_column_twice_in_a_header_is_an_error_not_a_double_figure() {
    let run = |plugin: &str, text: &str| {
        Test::new()
            .file(
                "kpiscope.toml",
                &format!(
                    "[workspace]\nname = \"Acme\"\n\n[[source]]\nplugin = \"{plugin}\"\npath = \"data.csv\"\nnetwork = \"instagram\"\naccount = \"acme\"\n"
                ),
            )
            .file("data.csv", text)
            .args(&["eval", "--kpi", "reach", "--grain", "all"])
            .run()
    };
    // Canonical: `reach,reach` counted 3300 for 300 (both columns summed).
    let out = run("canonical", "date,reach,reach\n2026-03-01,300,3000\n");
    fails_with(
        &out,
        "data.csv:1: `reach` is the header of columns 2 and 3: rename or remove one of them",
    );
    // A table plugin whose mapped column is there twice.
    let out = run(
        "tiktok",
        "Date,Video Views,Profile Views,Likes,Comments,Shares,Likes\n28 May,10,2,3,1,0,5\n",
    );
    out.fails_with("`Likes` is the header of columns 4 and 7");
}

#[test]
fn rows_after_a_blank_line_are_read_or_the_file_stops() {
    let run = |text: &str| {
        Test::new()
            .file(
                "kpiscope.toml",
                "[workspace]\nname = \"Acme\"\n\n[[source]]\nplugin = \"tiktok\"\npath = \"Overview.csv\"\nyear = 2026\n",
            )
            .file("Overview.csv", text)
            .args(&["eval", "--kpi", "views", "--grain", "all", "--format", "json"])
            .run()
    };
    // The rows below the blank line were lost: 10 instead of 22.
    let out = run(
        "\"Date\",\"Video Views\",\"Profile Views\",\"Likes\",\"Comments\",\"Shares\"\n\"28 May\",\"10\",\"2\",\"3\",\"1\",\"0\"\n\n\"29 May\",\"12\",\"1\",\"2\",\"0\",\"1\"\n",
    );
    fails_with(
        &out,
        "Overview.csv:4: a blank line above this row splits the table",
    );
    // A table of its own below the blank line (a chart's series) is counted
    // as rows no layout reads.
    let out = run(
        "\"Date\",\"Video Views\",\"Profile Views\",\"Likes\",\"Comments\",\"Shares\"\n\"28 May\",\"10\",\"2\",\"3\",\"1\",\"0\"\n\n\"Day\",\"Views\"\n\"1\",\"10\"\n",
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(values(&out, None)[0].1, 10.0);
    let file = input(&out, "Overview.csv");
    assert_eq!(file["rows"], 2);
    assert_eq!(
        skipped(&file, "row of a table no layout reads (`Day`, `Views`)"),
        1
    );
    // A Total row set apart by a blank line is the export's summary, as it
    // would be without the blank: skipped and counted, 10 + 12.
    let out = run(
        "\"Date\",\"Video Views\",\"Profile Views\",\"Likes\",\"Comments\",\"Shares\"\n\"28 May\",\"10\",\"2\",\"3\",\"1\",\"0\"\n\"29 May\",\"12\",\"1\",\"2\",\"0\",\"1\"\n\n\"Total\",\"22\",\"3\",\"5\",\"1\",\"1\"\n",
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(values(&out, None)[0].1, 22.0);
    let file = input(&out, "Overview.csv");
    assert_eq!(file["rows"], 3);
    assert_eq!(skipped(&file, "Total row"), 1);
}

#[test]
fn a_file_that_is_no_export_gets_no_hint_to_name_a_plugin() {
    let out = Test::new()
        .file(
            "kpiscope.toml",
            "[workspace]\nname = \"Acme\"\n\n[[source]]\npath = \"exports/*\"\n",
        )
        .bytes(
            "exports/report.csv",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        )
        .args(&["validate"])
        .run();
    assert_eq!(out.status, 2, "{}", out.stdout);
    assert!(out.stderr.contains("PDF"), "{}", out.stderr);
    assert!(!out.stderr.contains("name the plugin"), "{}", out.stderr);
}

/// `eval` of the reach over all the data, as JSON.
const REACH_IN_ALL: &[&str] = &[
    "eval", "--kpi", "reach", "--grain", "all", "--format", "json",
];

/// A canonical source of `data.csv` holding `text`, and `args`.
fn canonical(text: &str, args: &[&str]) -> Output {
    Test::new()
        .file(
            "kpiscope.toml",
            "[workspace]\nname = \"Acme\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\"\n",
        )
        .file("data.csv", text)
        .args(args)
        .run()
}

#[test]
fn a_crlf_canonical_file_names_the_right_line() {
    let out = canonical(
        "date,network,account,reach\r\n2026-03-01,x,acme,1\r\n2026-03-02,x,acme,abc\r\n",
        &["eval", "--kpi", "reach"],
    );
    out.fails_with("data.csv:3: `abc` in column `reach` is not a number");
}

#[test]
fn a_canonical_file_with_bare_cr_line_ends_is_read() {
    let out = canonical(
        "date,network,account,reach\r2026-03-01,x,acme,100\r2026-03-02,x,acme,20\r",
        REACH_IN_ALL,
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(values(&out, None), [("all".to_string(), 120.0)]);
}

#[test]
fn two_stocks_of_one_day_in_one_file_are_a_warning() {
    // Two regions of one account-day: reach adds up, followers cannot.
    let out = canonical(
        "date,network,account,followers,reach\n2026-03-01,x,acme,1000,10\n2026-03-01,x,acme,200,5\n",
        REACH_IN_ALL,
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(values(&out, None), [("all".to_string(), 15.0)]);
    assert!(
        out.stderr
            .contains("warning: data.csv: 1 values of metrics that do not add up (followers"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_broken_config_does_not_hide_a_broken_plugin() {
    let out = Test::new()
        .file("kpiscope.toml", "[workspace]\nname = \"t\n")
        .file(
            "plugins/p/plugin.toml",
            "name = \"p\"\ntitle = \"P\"\napi = 1\nkind = \"table\"\nnetwork = \"p\"\nwhat = 2\n",
        )
        .args(&["validate"])
        .run();
    out.fails_with("kpiscope.toml:2:10: invalid TOML")
        .fails_with("plugins/p/plugin.toml:6:1: unknown key `what`");
}

/// A row past the row limit (4 MB) is an error at its line, whatever the
/// plugin kind: the canonical reader used to cut it at its 2 MiB chunk and
/// report a false field count. A header past the column limit too.
#[test]
fn a_row_or_header_past_the_limits_is_an_error_at_its_line() {
    let long = "a".repeat(5 << 20);
    let out = canonical(
        &format!(
            "date,network,account,dim.caption,reach\n2026-03-01,x,acme,hi,1\n2026-03-02,x,acme,\"{long}\",2\n"
        ),
        REACH_IN_ALL,
    );
    out.fails_with("data.csv:3: this row is longer than 4 MB");
    // The same without quotes, where the reader splits on commas only.
    let out = canonical(
        &format!("date,network,account,dim.caption,reach\n2026-03-01,x,acme,{long},2\n"),
        REACH_IN_ALL,
    );
    out.fails_with("data.csv:2: this row is longer than 4 MB");
    let wide: Vec<String> = (0..20_000).map(|i| format!("m{i}")).collect();
    let out = canonical(
        &format!("date,network,account,{}\n", wide.join(",")),
        REACH_IN_ALL,
    );
    out.fails_with(
        "data.csv:1: the header has 20003 columns, more than the 16384 a table may have",
    );

    // A table plugin's export: the long row is the 101st, past the rows
    // parsed with the header.
    let head = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Replies,Reposts\n";
    let row = |i: u32, text: &str| {
        format!(
            "{i},\"Sat, Nov 29, 2025\",\"{text}\",https://x.com/a/status/{i},\"1,445\",27,60,1,1\n"
        )
    };
    let mut text = head.to_string();
    for i in 1..=100 {
        text.push_str(&row(i, "hi"));
    }
    text.push_str(&row(101, &long));
    let out = Test::new()
        .file(
            "kpiscope.toml",
            "[workspace]\nname = \"Acme\"\n\n[[source]]\nplugin = \"x\"\npath = \"x.csv\"\n",
        )
        .file("x.csv", &text)
        .args(REACH_IN_ALL)
        .run();
    out.fails_with("x.csv:102: this row is longer than 4 MB");
    // In the rows parsed with the header, and a header too wide there.
    let out = Test::new()
        .file(
            "kpiscope.toml",
            "[workspace]\nname = \"Acme\"\n\n[[source]]\nplugin = \"x\"\npath = \"x.csv\"\n",
        )
        .file("x.csv", &format!("{head}{}", row(1, &long)))
        .args(REACH_IN_ALL)
        .run();
    out.fails_with("x.csv: line 2: this row is longer than 4 MB");
}

/// A canonical file that stops being UTF-8 past its first kilobytes (two
/// files joined, one saved in Latin-1): an error at the line and column of
/// the first byte that is not UTF-8, not a number read from mojibake.
#[test]
fn a_canonical_file_that_stops_being_utf8_names_the_place() {
    let mut bytes = b"date,network,account,dim.city,reach\n".to_vec();
    for i in 0..400 {
        bytes.extend_from_slice(format!("2026-03-{:02},x,acme,Lyon,{i}\n", i % 28 + 1).as_bytes());
    }
    // Line 402: `Orl\xe9ans` in Latin-1.
    bytes.extend_from_slice(b"2026-03-01,x,acme,Orl\xe9ans,5\n");
    let out = Test::new()
        .file(
            "kpiscope.toml",
            "[workspace]\nname = \"Acme\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\"\n",
        )
        .bytes("data.csv", &bytes)
        .args(REACH_IN_ALL)
        .run();
    out.fails_with("data.csv:402: not UTF-8 text (byte 0xe9 at column 22): save the file as UTF-8");
}

/// A post row whose id cell is empty is counted as a post of its own, and
/// said: nothing proves it is not a post read elsewhere.
#[test]
fn post_rows_without_an_id_are_counted_and_told() {
    let export = "Дата;Ссылка;Текст;Тип;Лайки;Репосты;Комментарии;Просмотры;ER;ERview\n\
28.03.2026 18:30;https://vk.com/wall-1_1;a;Фото;10;1;2;100;1%;1%\n\
14.03.2026 09:05;;b;Фото;20;2;3;200;1%;1%\n";
    let out = Test::new()
        .file(
            "kpiscope.toml",
            "[workspace]\nname = \"Acme\"\n\n[[source]]\nplugin = \"popsters\"\npath = \"posts.csv\"\naccount = \"acme\"\n",
        )
        .file("posts.csv", export)
        .args(&["eval", "--kpi", "likes,posts", "--grain", "all", "--format", "json"])
        .run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(
        out.value("likes", "all", None),
        Some(30.0),
        "{}",
        out.stdout
    );
    assert_eq!(out.value("posts", "all", None), Some(2.0));
    let file = input(&out, "posts.csv");
    assert_eq!(file["records"], 2);
    assert_eq!(
        file["warnings"][0],
        "1 post row without a post id (`Ссылка` empty, line 3): each counted as a post of its own, since no id says two are one"
    );
}

/// A cell that is not a number is quoted as the file has it, though a
/// decimal-comma column is read with its commas turned to dots.
#[test]
fn a_bad_number_is_quoted_as_written() {
    let export = "Дата;Ссылка;Текст;Тип;Лайки;Репосты;Комментарии;Просмотры;ER;ERview\n\
28.03.2026 18:30;https://vk.com/wall-1_1;a;Фото;10;1;2;100,5;1%;1%\n\
20.03.2026 10:00;https://vk.com/wall-1_3;c;Фото;10;1;2;2,5;1%;1%\n\
14.03.2026 09:05;https://vk.com/wall-1_2;b;Фото;20;2;3;1,5 Tsd.;1%;1%\n";
    let out = Test::new()
        .file(
            "kpiscope.toml",
            "[workspace]\nname = \"Acme\"\n\n[[source]]\nplugin = \"popsters\"\npath = \"posts.csv\"\naccount = \"acme\"\n",
        )
        .file("posts.csv", export)
        .args(&["eval", "--kpi", "views", "--grain", "all"])
        .run();
    fails_with(
        &out,
        "posts.csv:4: column `Просмотры`: `1,5 Tsd.` is not a number",
    );
}
