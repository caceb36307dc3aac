//! A language's messages: the `[messages]` tables of its file read as
//! dotted keys (`[messages.status] pass = "pass"` is `status.pass`), each a
//! text with `{name}` placeholders. A counted message has one key per
//! plural form: `count.posts.one`, `count.posts.other`.

use std::collections::BTreeMap;

/// Key → text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    texts: BTreeMap<String, String>,
}

impl Catalog {
    /// The texts of `table`, or the first key that is not a text nor a table.
    pub fn from_table(table: &toml::Table) -> Result<Catalog, String> {
        let mut texts = BTreeMap::new();
        flatten("", table, &mut texts)?;
        Ok(Catalog { texts })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.texts.get(key).map(String::as_str)
    }

    /// Every key, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.texts.keys().map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.texts.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

fn flatten(
    prefix: &str,
    table: &toml::Table,
    out: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out)?,
            other => {
                return Err(format!(
                    "[messages] `{key}` is a {}, not a text",
                    other.type_str()
                ));
            }
        }
    }
    Ok(())
}
