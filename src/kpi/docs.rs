//! Doc comments and definitions as written in a script: a KPI's title,
//! description and `key: value` metadata, its line, and its source text (for
//! `explain`).

use std::collections::BTreeMap;

/// A function definition found in the text, with its doc comment.
pub struct Def {
    pub name: String,
    pub line: usize,
    pub col: usize,
    pub docs: Vec<String>,
    pub code: String,
    /// Last line of the body.
    pub end: usize,
}

pub fn scan_defs(text: &str) -> Vec<Def> {
    let lines: Vec<&str> = text.lines().collect();
    let mut defs = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let rest = t.strip_prefix("private ").map(str::trim_start).unwrap_or(t);
        let Some(rest) = rest.strip_prefix("fn ") else {
            continue;
        };
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        let col = line.find(name.as_str()).map_or(1, |c| c + 1);
        let mut docs = Vec::new();
        let mut j = i;
        while j > 0 && lines[j - 1].trim_start().starts_with("///") {
            j -= 1;
        }
        for l in &lines[j..i] {
            let d = l.trim_start().trim_start_matches("///");
            docs.push(d.strip_prefix(' ').unwrap_or(d).trim_end().to_string());
        }
        // The body: up to the line whose closing brace balances the opening one.
        let mut depth = 0i32;
        let mut end = i;
        'outer: for (k, l) in lines.iter().enumerate().skip(i) {
            for c in l.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = k;
                            break 'outer;
                        }
                    }
                    _ => {}
                }
            }
            end = k;
        }
        defs.push(Def {
            name,
            line: i + 1,
            col,
            docs,
            code: lines[i..=end].join("\n"),
            end: end + 1,
        });
    }
    defs
}

/// The doc-comment keys kpiscope reads, and the values each allows
/// (docs/kpi-scripts.md). Other lowercase `key: value` lines are kept as
/// free metadata.
pub const KEYS: &[(&str, &[&str])] = &[
    ("unit", &["%", "count", "currency", "seconds", "ratio"]),
    (
        "stage",
        &["awareness", "engagement", "conversion", "advocacy"],
    ),
    ("better", &["higher", "lower"]),
    ("kind", &["leading", "lagging"]),
];

/// A metadata value that its key does not allow: the line (1-based, in the
/// file), the column of the value, the message and the nearest allowed value.
pub struct BadMeta {
    pub line: usize,
    pub col: usize,
    pub width: usize,
    pub message: String,
    pub nearest: Option<&'static str>,
}

/// Every metadata line of `def`'s doc comment whose value its key does not
/// allow (`unit: percent`, `stage: awarenes`): a wrong unit formats every
/// value wrongly, a wrong stage files the KPI nowhere.
pub fn check_meta(def: &Def) -> Vec<BadMeta> {
    let first = def.line - def.docs.len();
    let mut out = Vec::new();
    for (i, d) in def.docs.iter().enumerate().skip(1) {
        let Some((k, v)) = d.split_once(':') else {
            continue;
        };
        let Some((key, allowed)) = KEYS.iter().find(|(key, _)| *key == k.trim()) else {
            // `Unit: %`, `units: %`: a known key misspelt, with one of its
            // values, would be a description line or metadata of its own,
            // and the KPI silently without it.
            let written = k.trim();
            let near = KEYS.iter().find(|(key, allowed)| {
                crate::diagnostic::suggest(&written.to_lowercase(), [*key]).is_some()
                    && allowed.contains(&v.trim())
            });
            if let Some((key, _)) = near
                && !written.contains(' ')
            {
                out.push(BadMeta {
                    line: first + i,
                    col: 5 + (k.len() - k.trim_start().len()),
                    width: written.chars().count().max(1),
                    message: format!(
                        "`{written}: {}` is no metadata key, and the KPI would have no {key}: the keys are {}, in lowercase",
                        v.trim(),
                        KEYS.iter()
                            .map(|(k, _)| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    nearest: Some(key),
                });
            }
            continue;
        };
        let value = v.trim();
        if allowed.contains(&value) {
            continue;
        }
        out.push(BadMeta {
            line: first + i,
            // `/// ` before the text, then the key and its colon.
            col: 5 + k.len() + 1 + (v.len() - v.trim_start().len()),
            width: value.chars().count().max(1),
            message: format!(
                "`{key}: {value}` is not a {key}: the values are {}",
                allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            nearest: crate::diagnostic::suggest(value, allowed.iter().copied()),
        });
    }
    out
}

/// Splits a doc comment into title, description and `key: value` metadata.
pub fn parse_docs(docs: &[String]) -> (String, String, BTreeMap<String, String>) {
    let mut title = String::new();
    let mut description = Vec::new();
    let mut meta = BTreeMap::new();
    for d in docs {
        let meta_line = d.split_once(':').filter(|(k, _)| {
            KEYS.iter().any(|(key, _)| *key == k.trim())
                || (!k.contains(' ') && k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        });
        if let (Some((k, v)), false) = (meta_line, title.is_empty()) {
            meta.insert(k.trim().to_string(), v.trim().to_string());
        } else if title.is_empty() {
            title = d.trim().to_string();
        } else if !d.trim().is_empty() {
            description.push(d.trim().to_string());
        }
    }
    (title, description.join(" "), meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_comments() {
        let text = "/// Engagement rate by reach (ERR)\n/// Share of the people reached.\n/// unit: %\n/// stage: engagement\nfn err() {\n    likes / reach\n}\n";
        let defs = scan_defs(text);
        assert_eq!(defs.len(), 1);
        let (title, description, meta) = parse_docs(&defs[0].docs);
        assert_eq!(title, "Engagement rate by reach (ERR)");
        assert_eq!(description, "Share of the people reached.");
        assert_eq!(meta.get("unit").map(String::as_str), Some("%"));
        assert_eq!(defs[0].line, 5);
        assert_eq!(defs[0].code, "fn err() {\n    likes / reach\n}");
    }
}
