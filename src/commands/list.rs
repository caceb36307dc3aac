//! `kpiscope list kpis|metrics|plugins|goals|sources`.

use crate::Outcome;
use crate::cli::ListWhat;
use crate::error::Result;
use crate::render::table::{Style, render};
use crate::session::Session;
use crate::sources::Registry;
use crate::sources::registry::Origin;

/// `list plugins` outside a workspace: the built-in plugins, so that one can
/// see what reads which export before writing `kpiscope.toml`.
pub fn builtin_plugins(style: Style) -> Result<Outcome> {
    let nowhere = std::path::Path::new("");
    let (registry, _) = Registry::load_partial(nowhere);
    crate::render::write_output(None, &plugins(&registry, nowhere, style))?;
    Ok(Outcome::Success)
}

fn plugins(registry: &Registry, root: &std::path::Path, style: Style) -> String {
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
    render(
        &["PLUGIN", "KIND", "VERSION", "FROM", "READS"],
        &rows,
        style,
        None,
    )
}

pub fn run(s: &Session, what: ListWhat, style: Style) -> Result<Outcome> {
    let text = match what {
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
            render(
                &["KPI", "UNIT", "STAGE", "FROM", "TITLE"],
                &rows,
                style,
                None,
            )
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
            render(
                &["METRIC", "KIND", "GROUP", "UNIT", "FROM"],
                &rows,
                style,
                None,
            )
        }
        ListWhat::Plugins => plugins(&s.registry, &s.ws.root, style),
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
            render(
                &["GOAL", "KPI", "PERIOD", "TARGET", "WARN", "TITLE"],
                &rows,
                style,
                None,
            )
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
                        src.account.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            render(
                &["#", "PLUGIN", "PATH", "FILES", "ACCOUNT"],
                &rows,
                style,
                None,
            )
        }
    };
    crate::render::write_output(None, &text)?;
    Ok(Outcome::Success)
}
