//! `kpiscope init [DIR]`: a new workspace that works at once: sample data in
//! the canonical layout, one KPI script, two goals and a test file.

use std::path::Path;

use crate::Outcome;
use crate::error::{Error, Result};

const CONFIG: &str = r#"[workspace]
name = "My company"
currency = "EUR"
timezone = "Europe/Paris"
week_start = "monday"
# The report's language, numbers and money: en-US, en-GB, fr-FR, de-DE, ru-RU.
locale = "en-US"

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

# Goals over time (remove the `# ` to try them; see the README):
#
# [[goal]]
# id = "growth"
# kpi = "followers"
# change = ">= 2%"           # the % change from the month before
# warn = ">= 0%"
#
# [[goal]]
# id = "engagement-every-month"
# kpi = "err"
# period = "each"            # one result per month of the data
# target = ">= 4"
#
# [[goal]]
# id = "followers-by-year-end"
# kpi = "followers"
# by = "2026-12-31"          # projected from the trend of the last months
# target = ">= 2000"
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

const TESTS: &str = r#"# Tests of this workspace's KPIs and goals: `kpiscope test` runs them.
# Each [[test]] gives metric values ([[test.input]]) and expects KPI values
# ([[test.expect]]) and goal statuses ([[test.goal]]); see kpiscope's
# docs/testing.md. Values compare to 2 decimals.

[[test]]
name = "save_rate is saves over reach"
[[test.input]]
date = "2026-10-05"
network = "instagram"
post = "p1"
reach = 1500
saves = 20
[[test.input]]
date = "2026-10-19"
network = "instagram"
post = "p2"
reach = 500
saves = 10
[[test.expect]]
kpi = "save_rate"
period = "2026-10"
value = 1.5                 # (20 + 10) / (1500 + 500) * 100

[[test]]
name = "save_rate without reach is no data"
[[test.input]]
period = "2026-10"
network = "instagram"
saves = 3
[[test.expect]]
kpi = "save_rate"
period = "2026-10"
no_data = true
reason = "reach is missing"

[[test]]
name = "the engagement goal warns between 3% and 4%"
[[test.input]]
period = "2026-10"          # the whole month: "last" is then 2026-10
network = "instagram"
likes = 60
comments = 10
shares = 5
reach = 2000
[[test.goal]]
id = "engagement"
status = "warn"
value = 3.75                # (60 + 10 + 5) / 2000 * 100
"#;

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
        ("tests/my_kpis.toml", TESTS),
    ] {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&full, text).map_err(|e| Error::io(&full, e))?;
    }
    if !quiet {
        crate::outln!(
            "created a workspace in {}: kpiscope.toml, scripts/my_kpis.rhai, data/sample.csv, tests/my_kpis.toml\nnext: cd {} && kpiscope check && kpiscope test",
            dir.display(),
            dir.display()
        )?;
    }
    Ok(Outcome::Success)
}
