//! `kpiscope init [DIR]`: a new workspace that works at once: sample data in
//! the canonical layout, one KPI script and two goals.

use std::path::Path;

use crate::Outcome;
use crate::error::{Error, Result};

const CONFIG: &str = r#"[workspace]
name = "My company"
currency = "EUR"
timezone = "Europe/Paris"
week_start = "monday"

[params]
benchmark_cpc = 0.85

[[source]]
plugin = "canonical"
path = "data/*.csv"

[[goal]]
id = "engagement"
kpi = "err"
title = "Engagement rate by reach at least 4% each month"
grain = "month"
period = "last"
target = ">= 4"
warn = ">= 3"

[[goal]]
id = "saves"
kpi = "save_rate"
title = "Save rate at least 1%"
target = ">= 1"
"#;

const SCRIPT: &str = r#"/// Save rate
/// Share of the people reached who saved a post.
/// unit: %
/// stage: engagement
/// better: higher
fn save_rate() {
    saves / reach * 100
}
"#;

const DATA: &str = "date,network,account,post,followers,reach,likes,comments,shares,saves
2026-09-01,instagram,mycompany,,1000,,,,,
2026-09-10,instagram,mycompany,p1,,1200,60,8,4,15
2026-09-24,instagram,mycompany,p2,,900,30,2,1,6
2026-09-30,instagram,mycompany,,1050,,,,,
2026-10-05,instagram,mycompany,p3,,1500,52,9,6,20
2026-10-19,instagram,mycompany,p4,,1100,28,3,2,9
2026-10-31,instagram,mycompany,,1090,,,,,
";

pub fn run(dir: &Path, quiet: bool) -> Result<Outcome> {
    let config = dir.join("kpiscope.toml");
    if config.exists() {
        return Err(Error::usage(format!(
            "{} already exists: kpiscope init does not overwrite a workspace",
            config.display()
        )));
    }
    for (path, text) in [
        ("kpiscope.toml", CONFIG),
        ("scripts/my_kpis.rhai", SCRIPT),
        ("data/sample.csv", DATA),
    ] {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&full, text).map_err(|e| Error::io(&full, e))?;
    }
    if !quiet {
        println!(
            "created a workspace in {}: kpiscope.toml, scripts/my_kpis.rhai, data/sample.csv\nnext: cd {} && kpiscope check",
            dir.display(),
            dir.display()
        );
    }
    Ok(Outcome::Success)
}
