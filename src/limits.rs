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

/// Bytes a command plugin may print on stdout in one run. Its records are
/// held until it exits (a failing program's records are not used), so this
/// bounds that memory: 256 MiB is about a million records of 250 bytes, far
/// more than any API hands out in a run, while a program printing in a
/// loop is stopped long before it fills the machine's memory.
pub const MAX_COMMAND_OUTPUT: u64 = 256 << 20;

/// Bytes of one line of a command plugin's stdout. A record is one line of
/// JSON of a few hundred bytes, a few KiB with many dimensions; a line past
/// 1 MiB is not a record, and stopping there keeps one line from being held
/// whole in memory.
pub const MAX_COMMAND_LINE: usize = 1 << 20;

// ---------------------------------------------------------------------------
// Scripts (KPIs and map.rhai) and aggregation: what evaluating may cost.
// ---------------------------------------------------------------------------
