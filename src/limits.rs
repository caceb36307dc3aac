//! Every limit kpiscope holds a run to, in one place: what a hostile or
//! broken input can cost is bounded here, and a person who needs more finds
//! the number to raise (and, where it says so, the `[limits]` key of
//! `kpiscope.toml` that raises it).

// ---------------------------------------------------------------------------
// Files, sources and commands: what reading the workspace may cost.
// ---------------------------------------------------------------------------

/// Files one `[[source]]` glob may match. Ten years of daily exports is
/// 3,650 files, and a folder of one JSON file per post for a busy account a
/// few thousand a year; 50,000 leaves room for that while a `**` that
/// wandered into a home folder or a backup tree is stopped with a message,
/// before it opens and reads every file there.
pub const MAX_FILES_PER_SOURCE: usize = 50_000;

// ---------------------------------------------------------------------------
// Scripts (KPIs and map.rhai) and aggregation: what evaluating may cost.
// ---------------------------------------------------------------------------
