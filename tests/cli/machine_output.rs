//! Machine output is a contract: JSON that its published schema
//! (docs/schema/) describes, with what wrote it and when; money named by its
//! currency code in JSON, CSV and Markdown; the format told by `-o FILE`'s
//! extension.

use std::path::Path;

use crate::harness::Test;

/// One account-day of Instagram: spend 6, clicks 12 → CPC 0.5 EUR; reach 300.
const CONFIG: &str = "[workspace]\nname = \"Acme\"\ntimezone = \"UTC\"\ncurrency = \"EUR\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"data.csv\"\n\n[[goal]]\nid = \"cpc\"\nkpi = \"cpc\"\nperiod = \"2026-03\"\ntarget = \"<= 1\"\n";
const DATA: &str = "date,network,account,spend,clicks,reach\n2026-03-10,instagram,acme,6,12,300\n";

fn ws() -> Test {
    Test::new()
        .file("kpiscope.toml", CONFIG)
        .file("data.csv", DATA)
        .env("SOURCE_DATE_EPOCH", "1790000000")
}

/// Checks `doc` against `docs/schema/NAME`, with every error listed.
fn assert_valid(name: &str, doc: &serde_json::Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/schema")
        .join(name);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("schema")).expect("json");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
}

#[test]
fn check_and_eval_json_follow_their_schema_and_say_what_wrote_them() {
    let out = ws().args(&["check", "--format", "json"]).run();
    out.status(0);
    let j = out.json();
    assert_valid("check.schema.json", &j);
    assert_eq!(j["kpiscope_version"], env!("CARGO_PKG_VERSION"));
    // 1790000000 s after 1970 is 2026-09-21 14:13:20 UTC.
    assert_eq!(j["generated_at"], "2026-09-21T14:13:20Z");
    assert_eq!(j["workspace"], "Acme");
    assert_eq!(j["as_of"], "2026-03-10");
    assert_eq!(j["goals"][0]["unit"], "EUR");
    assert_eq!(j["goals"][0]["value"], 0.5);

    let out = ws()
        .args(&[
            "eval", "--kpi", "cpc", "--kpi", "reach", "--grain", "month", "--format", "json",
        ])
        .run();
    out.status(0);
    let j = out.json();
    assert_valid("eval.schema.json", &j);
    assert_eq!(j["as_of"], "2026-03-10");
    assert_eq!(j["rows"][0]["unit"], "EUR");
    assert_eq!(j["rows"][1]["unit"], "count");
}

#[test]
fn report_json_follows_its_schema() {
    let out = ws()
        .args(&["report", "--period", "2026-03", "--format", "json"])
        .run();
    out.status(0);
    let j = out.json();
    assert_valid("report.schema.json", &j);
    assert_eq!(j["command"], "report");
    assert_eq!(j["generated_at"], "2026-09-21T14:13:20Z");
    // The month is in progress: goals are judged as of the data's last day.
    assert_eq!(j["as_of"], "2026-03-10");
    assert_eq!(j["goals"][0]["unit"], "EUR");
}

#[test]
fn money_is_named_by_its_currency_code_in_csv_and_markdown() {
    let out = ws()
        .args(&["eval", "--kpi", "cpc", "--grain", "all", "--format", "csv"])
        .run();
    assert_eq!(
        out.stdout,
        "kpi,network,account,period,start,end,value,unit,reason\ncpc,,,all,2026-03-10,2026-03-10,0.5,EUR,\n"
    );
    let out = ws().args(&["check", "--format", "csv"]).run();
    assert!(out.stdout.contains(",0.5,EUR,<= 1,"), "{}", out.stdout);
    let out = ws().args(&["check", "--format", "markdown"]).run();
    assert!(
        out.stdout.contains("| 2026-03 | 0.5 EUR | <= 1 EUR |"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_output_files_extension_tells_the_format() {
    let out = ws().args(&["check", "-o", "results.json"]).run();
    out.status(0);
    let j: serde_json::Value = serde_json::from_str(&out.read("results.json")).expect("JSON");
    assert_eq!(j["command"], "check");
    let out = ws().args(&["check", "-o", "results.xml"]).run();
    assert!(
        out.read("results.xml").starts_with("<?xml"),
        "{}",
        out.read("results.xml")
    );
    let out = ws()
        .args(&["eval", "--kpi", "reach", "-o", "values.csv"])
        .run();
    assert!(
        out.read("values.csv")
            .starts_with("kpi,network,account,period")
    );
    let out = ws()
        .args(&["report", "--period", "2026-03", "-o", "report.html"])
        .run();
    assert!(out.read("report.html").starts_with("<!DOCTYPE html>"));
    // --format wins over the extension.
    let out = ws()
        .args(&["check", "--format", "csv", "-o", "results.json"])
        .run();
    assert!(out.read("results.json").starts_with("id,kpi,"));
    // No extension: the default, a table.
    let out = ws().args(&["check", "-o", "results"]).run();
    assert!(
        out.read("results").contains("STATUS"),
        "{}",
        out.read("results")
    );
    // An extension the command does not write: an error, and no file.
    let out = ws()
        .args(&["eval", "--kpi", "reach", "-o", "values.md"])
        .run();
    out.fails_with(
        "cannot tell the format from `values.md`: add --format (table, json, csv), or name the file .txt, .json, .csv",
    );
    assert!(!out.file_exists("values.md"));
    let out = ws().args(&["check", "-o", "results.xlsx"]).run();
    out.fails_with("cannot tell the format from `results.xlsx`");
}

/// A goal below its target and a config with two problems: the JSON a
/// program reads, and the annotations GitHub shows on kpiscope.toml's lines.
#[test]
fn errors_and_results_for_programs_and_for_ci() {
    // `target = "<= 0.4"` on CPC 0.5: fails; the goal's `kpi` is on line 12.
    let failing = CONFIG.replace("<= 1", "<= 0.4");
    let out = Test::new()
        .file("kpiscope.toml", &failing)
        .file("data.csv", DATA)
        .args(&["check", "--format", "github"])
        .run();
    out.status(1);
    assert_eq!(
        out.stdout,
        "::error file=kpiscope.toml,line=12,title=goal cpc (2026-03)%3A fail::0.5 EUR is 0.1 EUR above the target 0.4 EUR (partial: the data runs from 2026-03-10 to 2026-03-10)\n\
         1 goal: 0 pass, 0 warn, 1 fail, 0 no data\n"
    );

    // Two problems at once: a time zone that does not exist, a misspelt key.
    let broken = CONFIG
        .replace("timezone = \"UTC\"", "timezone = \"Europe/Pariss\"")
        .replace("period = ", "perod = ");
    let out = Test::new()
        .file("kpiscope.toml", &broken)
        .file("data.csv", DATA)
        .args(&["check", "--format", "json"])
        .run();
    out.status(2);
    let j = out.json();
    assert_valid("errors.schema.json", &j);
    let errors = j["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 2, "{j:#}");
    for e in errors {
        assert_eq!(e["file"], "kpiscope.toml");
        assert!(e["line"].as_u64().is_some_and(|l| l == 3 || l == 13), "{e}");
        assert!(e["col"].as_u64().is_some(), "{e}");
    }
    // The person reading the log still gets the errors on stderr.
    assert!(out.stderr.contains("error:"), "{}", out.stderr);

    let out = Test::new()
        .file("kpiscope.toml", &broken)
        .file("data.csv", DATA)
        .args(&["check", "--format", "github"])
        .run();
    out.status(2);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("::error file=kpiscope.toml,line=")),
        "{}",
        out.stdout
    );
}
