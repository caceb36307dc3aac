//! Property tests of the config parser: `kpiscope.toml` texts (the demo's
//! and the TOML strings of `tests/cli/*.rs`), mutated line by line and
//! character by character, and arbitrary texts, fed to
//! [`Workspace::parse`]. It must never panic, and every diagnostic must
//! point inside the text: a line of it, and a column of that line (or just
//! past its end).
//!
//! The mutations are shared with the plugin manifest's property tests.
//!
//! `PROPTEST_CASES` raises the number of cases (64 by default).

use std::path::Path;

use proptest::prelude::*;

use super::Workspace;
use crate::diagnostic::Diagnostic;
use crate::error::Error;

/// Lines that config and manifest files are made of, right and wrong.
pub(crate) const SNIPPETS: &[&str] = &[
    "[workspace]",
    "[[source]]",
    "[[goal]]",
    "[metrics]",
    "[params]",
    "[limits]",
    "[layout]",
    "[[layout]]",
    "[layout.metrics]",
    "name = \"x\"",
    "timezone = \"Europe/Paris\"",
    "timezone = \"Mars/Olympus\"",
    "week_start = \"caturday\"",
    "locale = \"fr-FR\"",
    "locale = \"xx-\u{301}\"",
    "plugin = \"canonical\"",
    "plugin = \"nope\"",
    "path = \"data/*.csv\"",
    "path = \"**/../../**\"",
    "year = -5",
    "year = 2147483647",
    "year = 2026",
    "year = \"2026\"",
    "decimal = \",\"",
    "decimal = \"·\"",
    "followers = \"sum\"",
    "reach = \"last\"",
    "my_metric = \"median\"",
    "kpi = \"err\"",
    "kpi = \"\"",
    "id = \"g\"",
    "target = \">= 4\"",
    "target = \"<= 3\"",
    "target = \"between 1 and\"",
    "warn = \">= 3\"",
    "warn = \"<= 3\"",
    "warn = \">= 1e999\"",
    "grain = \"month\"",
    "grain = \"fortnight\"",
    "period = \"last\"",
    "period = \"2026-13\"",
    "period = \"9999-12-31..0001-01-01\"",
    "each = true",
    "network = \"instagram\"",
    "date = { column = \"Date\", format = \"%Y-%m-%d\" }",
    "date = { column = \"Date\", format = [] }",
    "date = { column = \"Date\", format = \"%\", year_from = \"x_id\" }",
    "kind = \"table\"",
    "kind = \"command\"",
    "api = 1",
    "api = -1",
    "detect = [\"a\", \"b\"]",
    "header = 99999999999",
    "skip = -1",
    "x = { a = { b = { c = [[[[1]]]] } } }",
    "\"\" = 1",
    "a.b.c = 1",
    "é = \"ü\"",
    "k = '''",
    "k = \"\"\"",
    "k = \"\\u{0}\"",
    "k = 1979-05-27T07:32:00Z",
    "k = inf",
    "k = nan",
    "k = 0x7fffffffffffffff",
    "=",
    "[",
    "]]",
    "#",
    "\t",
    "数据概览",
    "",
];

/// A way to damage a TOML text.
#[derive(Debug, Clone)]
pub(crate) enum Edit {
    /// A line replaced by a snippet.
    Replace(prop::sample::Index, &'static str),
    /// A snippet put before a line.
    Insert(prop::sample::Index, &'static str),
    Remove(prop::sample::Index),
    Repeat(prop::sample::Index),
    /// A character put at a character position.
    Char(prop::sample::Index, char),
    /// The text cut at a character position.
    Cut(prop::sample::Index),
}

pub(crate) fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let snippet = || prop::sample::select(SNIPPETS);
    let c = prop_oneof![
        3 => prop::sample::select(vec!['"', '\'', '=', '[', ']', '{', '}', ',', '\n', '#', '.', '\\', ' ', '-', '0']),
        1 => any::<char>(),
    ];
    let one = prop_oneof![
        3 => (any::<prop::sample::Index>(), snippet()).prop_map(|(i, s)| Edit::Replace(i, s)),
        3 => (any::<prop::sample::Index>(), snippet()).prop_map(|(i, s)| Edit::Insert(i, s)),
        1 => any::<prop::sample::Index>().prop_map(Edit::Remove),
        1 => any::<prop::sample::Index>().prop_map(Edit::Repeat),
        2 => (any::<prop::sample::Index>(), c).prop_map(|(i, c)| Edit::Char(i, c)),
        1 => any::<prop::sample::Index>().prop_map(Edit::Cut),
    ];
    prop::collection::vec(one, 1..8)
}

pub(crate) fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    for e in edits {
        match e {
            Edit::Replace(i, s) => {
                let i = i.index(lines.len());
                lines[i] = s.to_string();
            }
            Edit::Insert(i, s) => {
                let i = i.index(lines.len() + 1);
                lines.insert(i, s.to_string());
            }
            Edit::Remove(i) if lines.len() > 1 => {
                lines.remove(i.index(lines.len()));
            }
            Edit::Repeat(i) => {
                let i = i.index(lines.len());
                lines.insert(i, lines[i].clone());
            }
            Edit::Char(i, c) => {
                let mut chars: Vec<char> = lines.join("\n").chars().collect();
                chars.insert(i.index(chars.len() + 1), *c);
                lines = chars
                    .into_iter()
                    .collect::<String>()
                    .split('\n')
                    .map(str::to_string)
                    .collect();
            }
            Edit::Cut(i) => {
                let joined = lines.join("\n");
                let chars: Vec<char> = joined.chars().collect();
                let kept: String = chars[..i.index(chars.len() + 1)].iter().collect();
                lines = kept.split('\n').map(str::to_string).collect();
            }
            _ => {}
        }
    }
    lines.join("\n")
}

/// The string literals of a Rust file that look like TOML (a table
/// header in them): `"..."` with its escapes read, and `r#"..."#`.
pub(crate) fn toml_literals(rust: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b: Vec<char> = rust.chars().collect();
    let mut i = 0;
    while i < b.len() {
        if b[i] == 'r' && b.get(i + 1) == Some(&'#') && b.get(i + 2) == Some(&'"') {
            let start = i + 3;
            let mut j = start;
            while j + 1 < b.len() && !(b[j] == '"' && b[j + 1] == '#') {
                j += 1;
            }
            out.push(b[start..j.min(b.len())].iter().collect());
            i = j + 2;
        } else if b[i] == '"' && (i == 0 || b[i - 1] != '\'') {
            let mut s = String::new();
            let mut j = i + 1;
            while j < b.len() && b[j] != '"' {
                if b[j] == '\\' && j + 1 < b.len() {
                    j += 1;
                    match b[j] {
                        'n' => s.push('\n'),
                        't' => s.push('\t'),
                        // A line continuation: the next line's indent is dropped.
                        '\n' => {
                            while j + 1 < b.len() && b[j + 1].is_whitespace() {
                                j += 1;
                            }
                        }
                        c => s.push(c),
                    }
                } else {
                    s.push(b[j]);
                }
                j += 1;
            }
            out.push(s);
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out.retain(|s| s.contains('[') && s.contains('='));
    out
}

/// The seed texts: the demo's config and the TOML of the CLI tests, read
/// once for all cases.
fn seeds() -> &'static [String] {
    static SEEDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(read_seeds)
}

fn read_seeds() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![std::fs::read_to_string(root.join("examples/demo/kpiscope.toml")).unwrap()];
    for f in std::fs::read_dir(root.join("tests/cli")).unwrap().flatten() {
        if f.path().extension().is_some_and(|e| e == "rs") {
            out.extend(toml_literals(&std::fs::read_to_string(f.path()).unwrap()));
        }
    }
    out.sort();
    out.dedup();
    assert!(out.len() > 20, "the seeds are found: {}", out.len());
    out
}

/// Checks that a diagnostic of `file` points inside `text`.
pub(crate) fn points_inside(d: &Diagnostic, file: &str, text: &str) {
    if d.file != file {
        return;
    }
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(
        d.line >= 1 && d.line <= lines.len(),
        "line {} of {} in {d:?}\n{text}",
        d.line,
        lines.len()
    );
    // A `\r` counts: a lone one at the end of the text is where TOML
    // reports that it is not followed by a newline.
    let width = lines[d.line - 1].chars().count();
    assert!(
        d.col >= 1 && d.col <= width + 1,
        "column {} of a line of {width} in {d:?}\n{text}",
        d.col
    );
}

fn check(text: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo");
    match Workspace::parse(&root, text) {
        Ok(ws) => {
            for d in &ws.problems.0 {
                points_inside(d, "kpiscope.toml", text);
            }
        }
        Err(Error::Diagnostics(ds)) => {
            assert!(!ds.is_empty(), "an error with no diagnostic:\n{text}");
            for d in &ds.0 {
                points_inside(d, "kpiscope.toml", text);
            }
        }
        Err(e) => panic!("not a diagnostic: {e}\n{text}"),
    }
}

#[test]
fn every_seed_parses_without_panicking() {
    for s in seeds() {
        check(s);
    }
}

proptest! {
    #![proptest_config(crate::prop_config())]

    #[test]
    fn mutated_configs_point_inside_the_text(
        pick in any::<prop::sample::Index>(),
        damage in edits(),
    ) {
        let seeds = seeds();
        check(&apply(&seeds[pick.index(seeds.len())], &damage));
    }

    #[test]
    fn arbitrary_texts_point_inside_the_text(text in "\\PC{0,64}(\n\\PC{0,64}){0,6}") {
        check(&text);
    }
}
