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

/// Bytes of one row of a table (all its cells). The longest texts exports
/// carry, a Facebook post's 63,206 characters or a YouTube description's
/// 5,000, fit in 256 KB; a row of megabytes is a damaged file or a quote
/// never closed, and holding it is what a hostile file would want.
pub const MAX_ROW_BYTES: usize = 4 << 20;

/// Columns of a table's header: Excel's own limit, which no export reaches
/// (Business Suite's widest has about 40).
pub const MAX_COLUMNS: usize = 16_384;

/// How much a file may make the host hold while it is decoded: each limit
/// refuses a file with a message rather than let a damaged or hostile one
/// take the machine.
pub mod decode {
    /// What one zip member (an export in an archive, or a part of a
    /// workbook such as a sheet's XML) may inflate to.
    pub const MAX_MEMBER_BYTES: u64 = 1 << 30;
    /// What all the members of one zip may inflate to together.
    pub const MAX_ARCHIVE_BYTES: u64 = 4 << 30;
    /// Members in one zip.
    pub const MAX_MEMBERS: usize = 10_000;
    /// A member's inflated size over its compressed size: text compresses
    /// 10 to 50 times, a zip bomb a thousand times and more. Small members
    /// are not held to it.
    pub const MAX_RATIO: u64 = 200;
    /// Below this inflated size a member is not held to `MAX_RATIO`.
    pub const RATIO_FROM_BYTES: u64 = 64 << 20;
    /// Zips inside zips.
    pub const MAX_NESTING: usize = 3;
    /// Cells of one sheet, counted over its rows and columns as the grid
    /// holds them (Excel's own sheets stop at 1,048,576 × 16,384).
    pub const MAX_SHEET_CELLS: u64 = 50_000_000;
    /// Rows and columns of a sheet, Excel's own limits.
    pub const MAX_SHEET_ROWS: u32 = 1_048_576;
    pub const MAX_SHEET_COLUMNS: u32 = 16_384;
    /// The head of a text file read to recognise it (`sniff`).
    pub const SNIFF_BYTES: usize = 64 << 10;
}

// ---------------------------------------------------------------------------
// Scripts (KPIs and map.rhai) and aggregation: what evaluating may cost.
// ---------------------------------------------------------------------------

use std::time::Duration;

/// Operations one script call may run (one KPI in one group, one `map.rhai`
/// row or document): a formula takes hundreds, a helper looping over an
/// array some thousands; a million is an endless loop, stopped in well
/// under a second. `[limits] script_operations`.
pub const SCRIPT_OPERATIONS: u64 = 1_000_000;

/// Wall clock of one script call (one KPI in one group, one `map.rhai` row or
/// document). A formula takes microseconds; two seconds is a script that
/// waits or loops, not one that computes. Held whatever the script calls:
/// the clock is read between operations, and no function that blocks
/// (`sleep`) is available. `[limits] script_seconds`.
pub const SCRIPT_TIME: Duration = Duration::from_secs(2);

/// Wall clock of all the calls of one evaluation (one view's KPIs over its
/// groups) or of one `map.rhai` file: each call under [`SCRIPT_TIME`] still
/// adds up to hours over a hundred thousand groups or rows of a script that
/// is slow on purpose. Ten minutes is far beyond what a real workspace
/// needs (a million rows map in about twenty seconds).
/// `[limits] script_run_seconds`.
pub const SCRIPT_RUN_TIME: Duration = Duration::from_secs(600);

/// How long one statement a warehouse runs for kpiscope may take (the
/// query of a source, a file's upsert in `load --to postgres`): the server
/// stops it past this, so that a query that scans a table without end does
/// not hold the warehouse. Summing 20 million rows takes seconds; ten
/// minutes leaves room for tables a hundred times larger.
/// `[limits] warehouse_seconds`.
pub const WAREHOUSE_TIME: Duration = Duration::from_secs(600);

/// How long connecting to a warehouse may take (unless its
/// `connect_timeout` says otherwise).
pub const WAREHOUSE_CONNECT_TIME: Duration = Duration::from_secs(10);

/// Size of one script file (a KPI script or a `map.rhai`), in bytes. Rhai's
/// parser looks variables up among all the functions seen so far, which is
/// quadratic in their number (a 2.4 MB script took minutes; 20,000 one-line
/// functions, 560 KB, take 6 s). The standard library's largest file is
/// under 4 KB and a hand-written one rarely reaches 50 KB; at 128 KB the
/// worst shape found parses in half a second. `[limits] script_kb`.
pub const SCRIPT_BYTES: usize = 128 * 1024;

/// Memory one script call may take, in bytes, counted as what its thread
/// allocates and has not freed since the call began. Rhai's own limits are
/// per value and leave gaps (a map's keys are not counted: one map of 64 KB
/// keys reached 600 MB); counting allocations bounds every way of holding
/// data. 256 MB is a hundred times what a KPI or a row needs, and a few of
/// them at once (one per core) still fit a laptop. `[limits] script_mb`.
pub const SCRIPT_MEMORY: usize = 256 * 1024 * 1024;

/// Nested function calls in a script (a KPI calling a KPI calling a helper
/// ...). Each level takes some kilobytes of the native stack, and KPIs run
/// on worker threads with 2 MiB stacks; 64 is rhai's own default and
/// leaves room for a chain of 60 KPIs calling each other.
pub const SCRIPT_CALL_DEPTH: usize = 64;

/// Bytes of the strings one script value holds (rhai's `max_string_size`,
/// counted over a whole array or map). A KPI handles names and labels; a
/// `map.rhai` a cell or a post's caption: 64 KB is far past both.
pub const SCRIPT_STRING_BYTES: usize = 64 * 1024;

/// Items of the arrays one script value holds, nested ones included
/// (rhai's `max_array_size`): a year of days is 366, a JSON export's list
/// of posts some thousands.
pub const SCRIPT_ARRAY_ITEMS: usize = 100_000;

/// Entries of the maps one script value holds, nested ones included
/// (rhai's `max_map_size`): a record is a dozen, a table of column names a
/// hundred. Keys are not counted by rhai: [`SCRIPT_MEMORY`] bounds them.
pub const SCRIPT_MAP_ITEMS: usize = 10_000;

/// Variables alive at once in a script, over all its nested calls: a
/// formula has a handful; a thousand is a script generated to fill memory.
pub const SCRIPT_VARIABLES: usize = 1_000;

/// Nesting of one expression, and of one expression inside a function
/// (rhai's `max_expr_depths`): the parser recurses per level, and a
/// written formula nests a few levels.
pub const SCRIPT_EXPR_DEPTH: (usize, usize) = (64, 32);

/// Lines that `print()` and `debug()` in scripts may write to stderr in one
/// run; the rest are counted and the count told at the end. A script that
/// prints in a loop over a hundred thousand groups would bury every other
/// message.
pub const SCRIPT_PRINT_LINES: usize = 100;

/// Characters of one printed line that are shown; the rest is cut, with
/// the number of characters left out. A value printed whole can be 64 KB.
pub const SCRIPT_PRINT_CHARS: usize = 500;

/// Span of the days with data, in years. Periods are made for every day,
/// week or month between the first and the last: two typos in a three-row
/// file (`0026-01-05`, `9999-12-31`) made 3.6 million days of periods (42 s,
/// 6.4 GB). Fifty years holds any social-media history.
/// `[limits] date_span_years`.
pub const DATE_SPAN_YEARS: u32 = 50;

/// Years a date in data is expected in; a date outside is read, with a
/// warning naming the file and line: `0026` or `9999` is a typo more likely
/// than a post.
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// The limits a workspace runs with: the defaults above, raised or lowered
/// by `[limits]` in `kpiscope.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub script_operations: u64,
    pub script_time: Duration,
    pub script_run_time: Duration,
    pub script_bytes: usize,
    pub script_memory: usize,
    pub date_span_years: u32,
    pub warehouse_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            script_operations: SCRIPT_OPERATIONS,
            script_time: SCRIPT_TIME,
            script_run_time: SCRIPT_RUN_TIME,
            script_bytes: SCRIPT_BYTES,
            script_memory: SCRIPT_MEMORY,
            date_span_years: DATE_SPAN_YEARS,
            warehouse_time: WAREHOUSE_TIME,
        }
    }
}

/// What a row past [`MAX_ROW_BYTES`] is told.
pub fn long_row() -> String {
    format!(
        "this row is longer than {}, which no export's row is: the file is damaged, or a quote opened in this row is never closed",
        show_bytes(MAX_ROW_BYTES)
    )
}

/// What a header of `n` columns, past [`MAX_COLUMNS`], is told.
pub fn wide_header(n: usize) -> String {
    format!(
        "the header has {n} columns, more than the {MAX_COLUMNS} a table may have: this is no export"
    )
}

/// A size in bytes as messages show it: `128 KB`, `2.4 MB`.
pub fn show_bytes(n: usize) -> String {
    const KB: f64 = 1024.0;
    let x = n as f64;
    if x < KB {
        format!("{n} bytes")
    } else if x < KB * KB {
        format!("{} KB", trim(x / KB))
    } else {
        format!("{} MB", trim(x / KB / KB))
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

impl Limits {
    /// The defaults with `[limits]`' values, each checked; a bad value is
    /// reported at its place and the default kept.
    pub fn from_raw(
        raw: &crate::workspace::raw::RawLimits,
        at: &mut crate::workspace::Located,
    ) -> Limits {
        let mut limits = Limits::default();
        // A whole number of at least 1 (of its unit), else reported.
        let mut whole = |v: &Option<toml::Spanned<i64>>, key: &str, unit: &str| {
            let v = v.as_ref()?;
            match u64::try_from(*v.get_ref()) {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    at.error(
                        v.span(),
                        format!("`[limits] {key}` is a whole number of {unit}, at least 1"),
                    );
                    None
                }
            }
        };
        if let Some(n) = whole(&raw.script_operations, "script_operations", "operations") {
            limits.script_operations = n;
        }
        if let Some(n) = whole(&raw.script_kb, "script_kb", "kilobytes") {
            limits.script_bytes = usize::try_from(n.saturating_mul(1024)).unwrap_or(usize::MAX);
        }
        if let Some(n) = whole(&raw.script_mb, "script_mb", "megabytes") {
            limits.script_memory =
                usize::try_from(n.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX);
        }
        if let Some(n) = whole(&raw.date_span_years, "date_span_years", "years") {
            limits.date_span_years = u32::try_from(n).unwrap_or(u32::MAX);
        }
        let mut secs = |v: &Option<toml::Spanned<f64>>, key: &str| {
            let v = v.as_ref()?;
            // A day at most: a limit is there to stop a script, not to wait on it.
            match Duration::try_from_secs_f64(*v.get_ref()) {
                Ok(d) if d > Duration::ZERO && d <= Duration::from_secs(86_400) => Some(d),
                _ => {
                    at.error(
                        v.span(),
                        format!("`[limits] {key}` is a number of seconds above 0, at most 86400"),
                    );
                    None
                }
            }
        };
        if let Some(d) = secs(&raw.script_seconds, "script_seconds") {
            limits.script_time = d;
        }
        if let Some(d) = secs(&raw.script_run_seconds, "script_run_seconds") {
            limits.script_run_time = d;
        }
        if let Some(d) = secs(&raw.warehouse_seconds, "warehouse_seconds") {
            limits.warehouse_time = d;
        }
        limits
    }
}

/// The largest logo `[report] logo` may name: it is embedded in every report
/// (HTML, e-mail, PDF), so a photo-sized file is a mistake, not a logo.
pub const MAX_LOGO_BYTES: u64 = 512 << 10;

/// The largest report template `[report] template` may name.
pub const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(show_bytes(900), "900 bytes");
        assert_eq!(show_bytes(1024), "1 KB");
        assert_eq!(show_bytes(2500), "2.4 KB");
        assert_eq!(show_bytes(SCRIPT_BYTES), "128 KB");
        assert_eq!(show_bytes(SCRIPT_MEMORY), "256 MB");
        assert_eq!(show_bytes(2_400_000), "2.3 MB");
    }
}

// ---------------------------------------------------------------------------
// Alerts (`[[notify]]`): what delivering them may cost a run.
// ---------------------------------------------------------------------------

pub mod notify {
    use std::time::Duration;

    /// How long one delivery (a webhook's POST, an SMTP dialogue) may take
    /// when its `[[notify]]` gives no `timeout`: Slack and Teams answer in
    /// well under a second; a server that has not answered in 10 s is down
    /// or hanging, and a cron job must not wait on it.
    pub const TIMEOUT: Duration = Duration::from_secs(10);

    /// The longest `timeout` a `[[notify]]` may ask: a slow mail relay
    /// takes some seconds; past two minutes a run would look stuck.
    pub const MAX_TIMEOUT: Duration = Duration::from_secs(120);

    /// Attempts of one alert before it is given up (left in the `delivery`
    /// table, unsent, with its last error): a webhook down for five runs in
    /// a row is a removed webhook, not a passing outage.
    pub const MAX_ATTEMPTS: i64 = 5;

    /// Days after which an undelivered alert is no longer retried: news of
    /// a goal's status a week late is noise, and the runs since then have
    /// sent their own.
    pub const MAX_AGE_DAYS: i64 = 7;

    /// Pending alerts retried by one run, oldest first: a backlog of a
    /// watch left running against a dead server is drained over some runs
    /// rather than making one run wait on each of them.
    pub const RETRIES_PER_RUN: usize = 20;

    /// Bytes of a failing server's answer kept in the warning and the
    /// store's `last_error`: enough for its reason, never a whole page.
    pub const ERROR_BODY_BYTES: usize = 200;

    /// Changes or failing results listed in one alert; the rest are
    /// counted ("… and 12 more"): Slack cuts a section at 3,000 characters,
    /// and a message of hundreds of lines is read by no one.
    pub const MAX_LINES: usize = 20;
}
