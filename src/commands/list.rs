//! `kpiscope list kpis|metrics|plugins|goals|sources`.

use crate::Outcome;
use crate::cli::{ListFormat, ListWhat};
use crate::error::Result;
use crate::render::table::{Style, render};
use crate::session::Session;
use crate::sources::Registry;
use crate::sources::registry::Origin;

/// `list plugins` outside a workspace: the built-in plugins, so that one can
/// see what reads which export before writing `kpiscope.toml`.
pub fn builtin_plugins(format: ListFormat, style: Style) -> Result<Outcome> {
    let registry = Registry::builtin();
    let (header, rows) = plugins(&registry, std::path::Path::new(""));
    write(format, header, &rows, style)
}

/// A listing: its column headers and its rows.
type Listing = (&'static [&'static str], Vec<Vec<String>>);

/// The listing as a table, or as a JSON array of objects keyed by the
/// table's headers in lower case (`#` is `number`).
fn write(
    format: ListFormat,
    header: &[&str],
    rows: &[Vec<String>],
    style: Style,
) -> Result<Outcome> {
    let text = match format {
        ListFormat::Table => render(header, rows, style, None),
        ListFormat::Json => {
            let keys: Vec<String> = header
                .iter()
                .map(|h| match *h {
                    "#" => "number".to_string(),
                    h => h.to_lowercase(),
                })
                .collect();
            let objects: Vec<Object> = rows.iter().map(|r| Object(&keys, r)).collect();
            let mut json =
                serde_json::to_string_pretty(&objects).expect("strings always serialize");
            json.push('\n');
            json
        }
    };
    crate::render::write_output(None, &text)?;
    Ok(Outcome::Success)
}

/// A row as a JSON object, its keys in the table's order of columns.
struct Object<'a>(&'a [String], &'a [String]);

impl serde::Serialize for Object<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0.iter().zip(self.1) {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

fn plugins(registry: &Registry, root: &std::path::Path) -> Listing {
    let rows: Vec<Vec<String>> = registry
        .plugins
        .iter()
        .map(|p| {
            let origin = match &p.origin {
                Origin::Builtin => "built-in".to_string(),
                Origin::Workspace { dir, overrides } => {
                    let d = dir.strip_prefix(root).unwrap_or(dir).display().to_string();
                    if *overrides {
                        format!("{d} (overrides built-in)")
                    } else {
                        d
                    }
                }
            };
            let m = &p.manifest;
            vec![
                m.name.clone(),
                format!("{:?}", m.kind).to_lowercase(),
                m.version.clone(),
                origin,
                m.reads(),
            ]
        })
        .collect();
    (&["PLUGIN", "KIND", "VERSION", "FROM", "READS"], rows)
}

pub fn run(s: &Session, what: ListWhat, format: ListFormat, style: Style) -> Result<Outcome> {
    let (header, rows): Listing = match what {
        ListWhat::Kpis => {
            let rows: Vec<Vec<String>> = s
                .library
                .kpis
                .iter()
                .map(|k| {
                    let origin = match (k.standard, k.overrides) {
                        (true, _) => "standard".to_string(),
                        (false, true) => {
                            format!("{} (overrides standard)", s.library.files[k.file].shown)
                        }
                        (false, false) => s.library.files[k.file].shown.clone(),
                    };
                    vec![
                        k.name.clone(),
                        k.unit().to_string(),
                        k.meta.get("stage").cloned().unwrap_or_default(),
                        origin,
                        k.title.clone(),
                    ]
                })
                .collect();
            (&["KPI", "UNIT", "STAGE", "FROM", "TITLE"], rows)
        }
        ListWhat::Metrics => {
            let rows: Vec<Vec<String>> = s
                .catalog
                .iter()
                .map(|(_, m)| {
                    vec![
                        m.name.clone(),
                        m.kind.to_string(),
                        m.group.to_string(),
                        m.unit().to_string(),
                        m.origin.clone(),
                    ]
                })
                .collect();
            (&["METRIC", "KIND", "GROUP", "UNIT", "FROM"], rows)
        }
        ListWhat::Plugins => plugins(&s.registry, &s.ws.root),
        ListWhat::Goals => {
            let rows: Vec<Vec<String>> =
                s.ws.goals
                    .iter()
                    .map(|g| {
                        let unit = s.unit_of(&g.kpi);
                        vec![
                            g.id.clone(),
                            g.kpi.clone(),
                            g.period_text(&s.ws.calendar),
                            g.target_display(&unit),
                            g.warn_display(&unit).unwrap_or_default(),
                            g.title.clone(),
                        ]
                    })
                    .collect();
            (&["GOAL", "KPI", "PERIOD", "TARGET", "WARN", "TITLE"], rows)
        }
        ListWhat::Sources => {
            // What detection picked, file by file, when the sources resolve.
            let resolved = crate::sources::resolve(&s.ws, &s.registry).ok();
            let rows: Vec<Vec<String>> = s
                .ws
                .sources
                .iter()
                .map(|src| {
                    let files =
                        s.ws.source_files(src)
                            .map(|m| m.files.len().to_string())
                            .unwrap_or_else(|_| "none".into());
                    let plugin = match &src.plugin {
                        Some(p) => p.clone(),
                        None => {
                            let mut picked: Vec<&str> = resolved
                                .iter()
                                .flatten()
                                .filter(|r| r.source.number == src.number)
                                .flat_map(|r| r.files.iter().map(|(_, p)| p.manifest.name.as_str()))
                                .collect();
                            picked.sort();
                            picked.dedup();
                            match picked.is_empty() {
                                true => "(detect)".into(),
                                false => format!("{} (detected)", picked.join(", ")),
                            }
                        }
                    };
                    vec![
                        src.number.to_string(),
                        plugin,
                        src.pattern.clone().unwrap_or_else(|| "(command)".into()),
                        files,
                        // A competitor's source says so where its account
                        // is named (issue 16): its records are the panel's.
                        match src.role {
                            crate::workspace::Role::Own => src.account.clone().unwrap_or_default(),
                            crate::workspace::Role::Competitor => {
                                format!("{} (competitor)", src.account.as_deref().unwrap_or("-"))
                            }
                        },
                    ]
                })
                .collect();
            (&["#", "PLUGIN", "PATH", "FILES", "ACCOUNT"], rows)
        }
    };
    write(format, header, &rows, style)
}
