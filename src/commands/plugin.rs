//! `kpiscope plugin test [NAME|DIR]`: every fixture of a plugin read with it
//! and diffed against its expected records.

use std::path::Path;

use crate::Outcome;
use crate::diagnostic::suggest;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::render::table::Style;
use crate::sources::fixture;
use crate::sources::registry::{Files, Plugin, Registry, load_dir};
use crate::workspace::Workspace;
use crate::workspace::discover;

pub fn test(
    workspace: Option<&Path>,
    target: Option<&str>,
    update: bool,
    quiet: bool,
    style: Style,
) -> Result<Outcome> {
    // In a workspace, fixtures are read with its `[limits]`, as its
    // sources are; outside one, with the defaults.
    let (root, limits) = match discover::find(workspace) {
        Ok(r) => {
            let limits = Workspace::load(&r)?.limits;
            (r, limits)
        }
        Err(e) if workspace.is_some() => return Err(e),
        Err(_) => (
            std::env::current_dir().map_err(|e| Error::io(".", e))?,
            Limits::default(),
        ),
    };
    let (mut registry, problems) = Registry::load_limited(&root, &limits);
    if !problems.is_empty() {
        return Err(problems.into());
    }
    let chosen: Vec<Plugin> = match target {
        Some(t) if Path::new(t).join("plugin.toml").is_file() => {
            let p = load_dir(Path::new(t), Path::new(t), &limits)?;
            registry
                .plugins
                .retain(|q| q.manifest.name != p.manifest.name);
            registry.plugins.push(p.clone());
            vec![p]
        }
        Some(t) => match registry.get(t) {
            Some(p) => vec![p.clone()],
            None => {
                let hint = suggest(t, registry.names())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                return Err(Error::usage(format!(
                    "no plugin `{t}` and no folder {t}/plugin.toml\n  = hint: {hint}the plugins are: {}",
                    registry.names().collect::<Vec<_>>().join(", ")
                )));
            }
        },
        None => registry.plugins.clone(),
    };
    let (mut passed, mut failed, mut missing) = (0, 0, 0);
    for plugin in &chosen {
        let name = &plugin.manifest.name;
        let outcomes = fixture::run(plugin, &registry, &root, &limits)?;
        if update {
            let Files::Disk(dir, _) = &plugin.files else {
                return Err(Error::usage(format!(
                    "plugin `{name}` is built in: pass its folder (plugin test plugins/{name} --update) to write its expected files"
                )));
            };
            let n = fixture::update(dir, &outcomes)?;
            if !quiet {
                crate::outln!(
                    "{name}: wrote {n} expected file(s); read them before you commit them"
                )?;
            }
        }
        for o in &outcomes {
            let verdict = if o.passed() {
                passed += 1;
                style.paint("ok", "pass")
            } else if o.error.is_none() && o.expected.is_none() && !update {
                missing += 1;
                style.paint("no expected records", "warn")
            } else if o.error.is_none() && update {
                passed += 1;
                style.paint("updated", "pass")
            } else {
                failed += 1;
                style.paint("FAILED", "fail")
            };
            if quiet {
                continue;
            }
            crate::outln!("{name}  {}  {verdict} ({} records)", o.fixture, o.got.len())?;
            if let Some(e) = &o.error {
                crate::outln!("    error: {e}")?;
            }
            if o.error.is_none() {
                crate::outln!("    read: {}", o.tally.summary())?;
                for w in &o.tally.warnings {
                    crate::outln!("    {}: {w}", style.paint("warning", "warn"))?;
                }
            }
            if o.collisions > 0 {
                crate::outln!(
                    "    note: {} post record(s) repeat another's post id; only the first value of each metric counts",
                    o.collisions
                )?;
            }
            if o.merged > 0 {
                crate::outln!(
                    "    note: {} record(s) repeat another's day, account and dimensions; rows of one file add up",
                    o.merged
                )?;
            }
            if o.expected.is_none() && o.error.is_none() && !update {
                crate::outln!(
                    "    write fixtures/{}.expected.jsonl, or run `kpiscope plugin test <folder> --update` and check it",
                    o.fixture.split('.').next().unwrap_or("")
                )?;
            }
            if !update && o.error.is_none() {
                for (sign, line) in &o.diff {
                    let status = if *sign == '-' { "fail" } else { "pass" };
                    crate::outln!("    {}", style.paint(&format!("{sign} {line}"), status))?;
                }
            }
        }
    }
    if !quiet {
        crate::outln!(
            "\n{} fixture(s): {passed} passed, {failed} failed{}",
            passed + failed + missing,
            if missing > 0 {
                format!(", {missing} without expected records")
            } else {
                String::new()
            }
        )?;
        if failed > 0 && !update {
            crate::outln!("(- expected, + what the plugin gave)")?;
        }
    }
    Ok(if failed + missing > 0 {
        Outcome::GoalsFailed
    } else {
        Outcome::Success
    })
}
