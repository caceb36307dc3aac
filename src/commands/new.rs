//! `kpiscope new plugin NAME --kind table|rhai|command`: a working plugin in
//! the workspace's `plugins/`, with a fixture and its expected records, that
//! `kpiscope plugin test` passes at once. Edit it to fit the real export.

use std::path::Path;

use crate::Outcome;
use crate::cli::PluginKindArg;
use crate::error::{Error, Result};
use crate::records::catalog::is_metric_name;
use crate::workspace::discover;

const SAMPLE: &str = "Post ID,Published,Impressions,Likes,Comments\n\
p1,2026-03-02,\"1,200\",45,3\n\
p2,2026-03-05,980,-,1\n\
Total,,2180,45,4\n";

const EXPECTED: &str = r#"{"date":"2026-03-02","network":"NAME","account":"NAME","post":"p1","metrics":{"comments":3,"impressions":1200,"likes":45}}
{"date":"2026-03-05","network":"NAME","account":"NAME","post":"p2","metrics":{"comments":1,"impressions":980}}
"#;

const HEAD: &str = r#"name = "NAME"
title = "TITLE post export"
version = "0.1.0"
api = 1
network = "NAME"
"#;

const TABLE: &str = r#"kind = "table"

# The header names that identify this export (compared case-insensitively).
[input]
detect = ["Post ID", "Published", "Impressions"]

[table]
level = "post"                  # one row per post; "account" for one row per day
post = "Post ID"
date = { column = "Published", format = "%Y-%m-%d" }

# canonical metric = column in the export (kpiscope list metrics shows them)
[table.metrics]
impressions = "Impressions"
likes = "Likes"
comments = "Comments"
"#;

const RHAI: &str = r#"kind = "rhai"

[input]
detect = ["Post ID", "Published", "Impressions"]
"#;

const MAP_RHAI: &str = r#"/// Called once per data row. `row` maps each header, as written in the
/// export, to the cell's text. Return a record, an array of records, or ()
/// to skip the row. Metric values given as text go through kpiscope's number
/// parser ("1,200" is 1200; "-" is no value).
fn map_row(row) {
    #{
        date: date(row["Published"], "%Y-%m-%d"),
        post: row["Post ID"],
        metrics: #{
            impressions: row["Impressions"],
            likes: row["Likes"],
            comments: row["Comments"],
        }
    }
}
"#;

const COMMAND: &str = r#"kind = "command"

[command]
run = ["python3", "fetch.py"]   # relative paths are taken from this folder
timeout = 60                    # seconds
"#;

const FETCH_PY: &str = r#"#!/usr/bin/env python3
"""A kpiscope command plugin: print one record per line as JSON.

kpiscope runs this in the workspace folder. The [[source]]'s `settings` table
is in KPISCOPE_SETTINGS (JSON); when the source has a `path`, the file is the
last argument. A live fetcher would call an API here, with its token taken
from the environment (never from kpiscope.toml).
"""
import csv
import json
import os
import sys

settings = json.loads(os.environ.get("KPISCOPE_SETTINGS", "{}"))

if len(sys.argv) < 2:
    sys.exit("give an export file: set `path` in the [[source]]")

with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    for row in csv.DictReader(f):
        if row["Post ID"] == "Total":
            continue
        print(json.dumps({
            "date": row["Published"],
            "post": row["Post ID"],
            # Text values go through kpiscope's number parser.
            "metrics": {
                "impressions": row["Impressions"],
                "likes": row["Likes"],
                "comments": row["Comments"],
            },
        }))
"#;

pub fn plugin(
    workspace: Option<&Path>,
    name: &str,
    kind: PluginKindArg,
    quiet: bool,
) -> Result<Outcome> {
    if !is_metric_name(name) {
        return Err(Error::usage(format!(
            "a plugin's name is snake_case, like `my_network`, not `{name}`"
        )));
    }
    let root = discover::find(workspace)?;
    let dir = root.join("plugins").join(name);
    if dir.exists() {
        return Err(Error::usage(format!("{} exists already", dir.display())));
    }
    let mut title = name.replace('_', " ");
    if let Some(first) = title.get(..1) {
        title = first.to_uppercase() + &title[1..];
    }
    let fill = |s: &str| s.replace("TITLE", &title).replace("NAME", name);
    let mut files: Vec<(&str, String)> = vec![
        ("fixtures/sample.csv", SAMPLE.to_string()),
        ("fixtures/sample.expected.jsonl", fill(EXPECTED)),
    ];
    let body = match kind {
        PluginKindArg::Table => TABLE,
        PluginKindArg::Rhai => {
            files.push(("map.rhai", MAP_RHAI.to_string()));
            RHAI
        }
        PluginKindArg::Command => {
            files.push(("fetch.py", FETCH_PY.to_string()));
            COMMAND
        }
    };
    files.push(("plugin.toml", format!("{}{body}", fill(HEAD))));
    // Written into a temp folder first and renamed, so a failure leaves nothing half-made.
    let plugins = root.join("plugins");
    std::fs::create_dir_all(&plugins).map_err(|e| Error::io(&plugins, e))?;
    let tmp = tempfile::tempdir_in(&plugins).map_err(|e| Error::io(&plugins, e))?;
    for (rel, text) in &files {
        let path = tmp.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    }
    let kept = tmp.keep();
    std::fs::rename(&kept, &dir).map_err(|e| Error::io(&dir, e))?;
    if !quiet {
        let shown = dir
            .strip_prefix(&root)
            .unwrap_or(&dir)
            .display()
            .to_string();
        crate::outln!(
            "created {shown}/ ({} plugin):",
            format!("{kind:?}").to_lowercase()
        )?;
        let mut names: Vec<&str> = files.iter().map(|(r, _)| *r).collect();
        names.sort();
        for n in names {
            crate::outln!("  {shown}/{n}")?;
        }
        let mapping = match kind {
            PluginKindArg::Table => "map its columns in plugin.toml",
            PluginKindArg::Rhai => {
                "map its columns in map.rhai (and its `detect` headers in plugin.toml)"
            }
            PluginKindArg::Command => "turn its rows into records in fetch.py",
        };
        crate::outln!(
            "\nnext: put a real export in {shown}/fixtures/, {mapping}, write the records you expect in <name>.expected.jsonl, and run\n  kpiscope plugin test {name}"
        )?;
    }
    Ok(Outcome::Success)
}
