//! The JSON Schemas of kpiscope's machine output, generated from the types
//! that write it, so that schema and output cannot drift apart. The
//! published copies live in `docs/schema/`; a test keeps them current.

/// Each published schema: its file name in `docs/schema/`, and the schema.
pub fn all() -> Vec<(&'static str, serde_json::Value)> {
    let schema = |s: schemars::Schema| s.to_value();
    vec![
        (
            "check.schema.json",
            schema(schemars::schema_for!(super::check::CheckJson<'static>)),
        ),
        (
            "eval.schema.json",
            schema(schemars::schema_for!(super::eval::EvalJson<'static>)),
        ),
        (
            "report.schema.json",
            schema(schemars::schema_for!(
                super::report_json::ReportJson<'static>
            )),
        ),
        (
            "errors.schema.json",
            schema(schemars::schema_for!(super::errors::ErrorsJson)),
        ),
    ]
}

#[cfg(test)]
mod tests {
    /// `docs/schema/*.json` are what the types generate: a changed output
    /// type fails here until the published schema is written again
    /// (`UPDATE_SCHEMA=1 cargo test --lib schema`).
    #[test]
    fn the_published_schemas_are_current() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema");
        for (name, schema) in super::all() {
            let text = serde_json::to_string_pretty(&schema).expect("schema") + "\n";
            let path = dir.join(name);
            if std::env::var_os("UPDATE_SCHEMA").is_some() {
                std::fs::create_dir_all(&dir).expect("docs/schema");
                std::fs::write(&path, &text).expect("write schema");
            }
            let published = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                published == text,
                "docs/schema/{name} is not what the output types generate: run `UPDATE_SCHEMA=1 cargo test --lib schema` and review the change"
            );
        }
    }
}
