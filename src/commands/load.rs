//! `kpiscope load --to postgres`: the file sources' records into a
//! warehouse table (the `load` stage), then what was written and the
//! `[[source]]` that reads the table back.

use crate::Outcome;
use crate::error::Result;
use crate::session::Session;

pub fn run(s: &Session, connection: Option<&str>, table: &str, quiet: bool) -> Result<Outcome> {
    let relation = crate::load::relation(table)?;
    let summary = crate::load::run(s, connection, relation)?;
    if quiet {
        return Ok(Outcome::Success);
    }
    for f in &summary.files {
        println!("{}: {} records, {} new", f.file, f.records, f.new);
        for w in &f.tally_warnings {
            say!("{} {}: {w}", crate::color::warning(), f.file);
        }
    }
    let (records, new): (u64, u64) = summary
        .files
        .iter()
        .fold((0, 0), |(a, b), f| (a + f.records, b + f.new));
    let tables: Vec<String> = summary
        .tables
        .iter()
        .map(|(_, t)| t.relation.shown())
        .collect();
    let sources: Vec<String> = summary
        .tables
        .iter()
        .map(|(role, t)| t.source_toml(connection, *role == crate::workspace::Role::Competitor))
        .collect();
    println!(
        "loaded {} files into {}: {records} records, {new} new\n\nRead it back with {} (instead of the file sources):\n\n{}",
        summary.files.len(),
        tables.join(" and "),
        if sources.len() == 1 {
            "this [[source]]"
        } else {
            "these [[source]]s"
        },
        sources.join("\n")
    );
    Ok(Outcome::Success)
}
