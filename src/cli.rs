//! The command line (DESIGN §7), parsed by clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "kpiscope",
    version,
    about = "KPI engine for social-media marketing: load exports, evaluate KPI scripts, check goals"
)]
pub struct Cli {
    /// The workspace folder (default: the current folder or the nearest parent with a kpiscope.toml)
    #[arg(long, global = true, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// Colour in terminal output; auto: off with NO_COLOR, on with CLICOLOR_FORCE, off with TERM=dumb, else on a terminal
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only errors (check: one line per goal that warns or fails, no table)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print what is loaded and how long it takes
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// The results store (default: [history] path in kpiscope.toml, else .kpiscope/history.db)
    #[arg(long, global = true, value_name = "PATH")]
    pub history: Option<PathBuf>,
    /// Do not record this run's results in the history
    #[arg(long, global = true, conflicts_with = "history")]
    pub no_history: bool,
    /// Send no alert ([[notify]]): a dry run, a CI job; alerts kept for retrying wait for the next run
    #[arg(long, global = true)]
    pub no_notify: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// `auto` colours a stream that is a terminal, unless the environment says
/// otherwise (`NO_COLOR`, `CLICOLOR_FORCE`, `TERM=dumb`; see `crate::color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// What `check` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Table,
    Json,
    Csv,
    Markdown,
    Html,
    Junit,
    /// GitHub Actions annotations on the goals' lines of kpiscope.toml
    Github,
}

/// What `report` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Html,
    Json,
    /// The HTML report printed to PDF by headless Chromium
    Pdf,
    /// An RFC 5322 message (.eml): HTML with the charts as PNG parts, and the Markdown as its text
    Email,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A goal that warns
    Warn,
    /// A past period's figure that changed since it was last checked
    Restated,
    /// An alert ([[notify]]) that could not be delivered
    Notify,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListWhat {
    Kpis,
    Metrics,
    Plugins,
    Goals,
    Sources,
}

/// What `list` can write: the table, or the same columns as JSON objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

/// The shells `completions` writes a script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

/// Options that restrict the data and fix "now".
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Range {
    /// Ignore records before this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Ignore records after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// The day that `last` and `current` periods count from (default: the data's last day)
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate goals; exit 0 when all pass, 1 when one fails
    Check(CheckArgs),
    /// KPI values per period and scope
    Eval {
        /// KPIs (or metrics) to evaluate, comma-separated (default: every KPI)
        #[arg(long, value_delimiter = ',')]
        kpi: Vec<String>,
        /// Break down by network, account, post or a dimension, comma-separated
        #[arg(long, value_delimiter = ',')]
        by: Vec<String>,
        /// The length of the periods
        #[arg(long, default_value = "month", value_parser = ["day", "week", "month", "quarter", "year", "all"])]
        grain: String,
        /// Only this network
        #[arg(long)]
        network: Option<String>,
        /// Only this account
        #[arg(long)]
        account: Option<String>,
        /// Only records with this dimension value, as a goal's `where`: --where campaign=spring
        #[arg(long = "where", value_name = "DIM=VALUE")]
        where_: Vec<String>,
        /// The output format (default: from -o FILE's extension, else table)
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Write the output to FILE (atomically) instead of stdout
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        range: Range,
    },
    /// Goals' status and value over runs and periods, from the results store
    History(HistoryArgs),
    /// The alert targets ([[notify]]) and their undelivered alerts; --test sends each a sample
    Notify {
        /// Only these targets, by name (default: all)
        #[arg(value_name = "NAME")]
        targets: Vec<String>,
        /// Send a sample alert to each target now (not kept, not retried)
        #[arg(long)]
        test: bool,
    },
    /// The periodic report: community, reach, posts, top posts and goals, per network
    Report(ReportArgs),
    /// Re-run `check` (or `report`) whenever data, scripts, plugins or the config change
    #[command(args_conflicts_with_subcommands = true)]
    Watch {
        #[command(subcommand)]
        what: Option<WatchWhat>,
        /// `watch [GOAL_ID...] [check options]` is `watch check ...`
        #[command(flatten)]
        check: CheckArgs,
    },
    /// Run the workspace's tests of KPI scripts and goals (tests/*.toml) and its plugins' fixtures
    Test(TestArgs),
    /// Load config, plugins and scripts and report every problem; read no data
    Validate,
    /// Write the records the file sources read into a warehouse table (upsert; one transaction a file)
    Load {
        /// Where to: `postgres` (or an engine speaking its protocol)
        #[arg(long, value_parser = ["postgres"])]
        to: String,
        /// The server: `env:VAR`, a URL or `key=value` words (default: libpq's PG* variables, ~/.pgpass)
        #[arg(long, value_name = "CONNECTION")]
        connection: Option<String>,
        /// The table, created when missing
        #[arg(long, default_value = "kpiscope.records", value_name = "SCHEMA.TABLE")]
        table: String,
    },
    /// List KPIs, metrics, plugins, goals or sources
    List {
        /// What to list
        #[arg(value_enum)]
        what: ListWhat,
        /// A table, or a JSON array of objects with the table's columns
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// A KPI's formula, inputs, dependencies and values for a period
    Explain {
        /// A KPI or metric name
        kpi: String,
        /// The period (default: the last complete month of the data)
        #[arg(long)]
        period: Option<String>,
        /// Only this network
        #[arg(long)]
        network: Option<String>,
        /// Only this account
        #[arg(long)]
        account: Option<String>,
        /// Only records with this dimension value, as a goal's `where`: --where campaign=spring
        #[arg(long = "where", value_name = "DIM=VALUE")]
        where_: Vec<String>,
    },
    /// Work on source plugins: `plugin test [NAME|DIR]` checks their fixtures
    Plugin {
        #[command(subcommand)]
        action: PluginAction,
    },
    /// Scaffold something new: `new plugin NAME --kind table|rhai|command`
    New {
        #[command(subcommand)]
        what: NewWhat,
    },
    /// Create a new workspace with sample data, a KPI script and goals
    Init {
        /// The folder to create the workspace in
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Print a completion script for a shell
    ///
    /// bash: kpiscope completions bash > ~/.local/share/bash-completion/completions/kpiscope
    /// zsh:  kpiscope completions zsh > ~/.zfunc/_kpiscope (with fpath+=~/.zfunc before compinit)
    /// fish: kpiscope completions fish > ~/.config/fish/completions/kpiscope.fish
    /// PowerShell: kpiscope completions powershell >> $PROFILE
    #[command(verbatim_doc_comment)]
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff) to stdout
    ///
    /// kpiscope man > ~/.local/share/man/man1/kpiscope.1, then: man kpiscope
    #[command(verbatim_doc_comment)]
    Man,
}

#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Only these goals (default: all)
    #[arg(value_name = "GOAL_ID")]
    pub goals: Vec<String>,
    /// The output format (default: from -o FILE's extension, else table)
    #[arg(long, value_enum)]
    pub format: Option<CheckFormat>,
    /// Write the output to FILE (atomically) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also exit 1 when a goal warns, a past figure was restated, or an alert was not delivered (comma-separated)
    #[arg(long, value_enum, value_delimiter = ',')]
    pub fail_on: Vec<FailOn>,
    #[command(flatten)]
    pub range: Range,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// The period to report on: 2026-10, 2026-Q4, 2026, 2026-W41 (default: the last complete month)
    #[arg(long)]
    pub period: Option<String>,
    /// The output format (default: from -o FILE's extension, else markdown)
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write the report to FILE (atomically) instead of stdout; `-o -` is stdout (a PDF needs one or the other)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With --format html: the charts as PNG data: URIs instead of inline SVG, and no script
    #[arg(long)]
    pub inline: bool,
}

#[derive(Debug, Clone, clap::Args)]
pub struct HistoryArgs {
    /// Only this goal (default: all)
    #[arg(value_name = "GOAL_ID")]
    pub goal: Option<String>,
    /// Only this period's results: 2026-10, 2026-Q4...
    #[arg(long)]
    pub period: Option<String>,
    /// A table, a JSON array of the results, or CSV
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Only runs on or after this day (UTC, YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only the last N runs
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum WatchWhat {
    /// Re-run `check` (the default)
    Check(CheckArgs),
    /// Re-write the report
    Report(ReportArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct TestArgs {
    /// Only the tests whose name contains this text (a plugin fixture's name is PLUGIN/FILE)
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Run the standard KPI library's own tests (built into the binary) instead of the workspace's
    #[arg(long)]
    pub stdlib: bool,
}

#[derive(Debug, Subcommand)]
pub enum PluginAction {
    /// Read each fixture with its plugin and diff the records against `<stem>.expected.jsonl`
    Test {
        /// A plugin name, or a plugin folder (default: every plugin)
        plugin: Option<String>,
        /// Write the expected files from what the plugin gives (plugins on disk only)
        #[arg(long)]
        update: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum NewWhat {
    /// A source plugin in the workspace's plugins/ folder, with a fixture and its expected records
    Plugin {
        /// The plugin's name, snake_case
        name: String,
        /// How the plugin reads its exports: a mapped table, a Rhai script or a command
        #[arg(long, value_enum, default_value_t = PluginKindArg::Table)]
        kind: PluginKindArg,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PluginKindArg {
    Table,
    Rhai,
    Command,
}

/// `-o FILE`'s extensions and the format each names, for a command given
/// `-o` without `--format`.
const EXTENSIONS: &[(&str, &str)] = &[
    ("json", "json"),
    ("csv", "csv"),
    ("md", "markdown"),
    ("markdown", "markdown"),
    ("html", "html"),
    ("htm", "html"),
    ("pdf", "pdf"),
    ("eml", "email"),
    ("xml", "junit"),
    ("txt", "table"),
];

/// The format asked with `--format`; else the one `-o FILE`'s extension
/// names, which must be one the command writes (`-o results.json` writes
/// JSON; `-o results.xyz` is an error rather than a table in a `.xyz`);
/// else (no `-o`, or a file without extension) `default`.
pub fn format_for<F: ValueEnum>(
    asked: Option<F>,
    output: Option<&std::path::Path>,
    default: F,
) -> crate::error::Result<F> {
    if let Some(f) = asked {
        return Ok(f);
    }
    let Some(path) = output else {
        return Ok(default);
    };
    // No extension (`-o out`, `-o /dev/stdout`): nothing to tell.
    let Some(ext) = path.extension().map(|e| e.to_string_lossy().to_lowercase()) else {
        return Ok(default);
    };
    if let Some(f) = EXTENSIONS
        .iter()
        .find(|(x, _)| *x == ext)
        .and_then(|(_, name)| F::from_str(name, true).ok())
    {
        return Ok(f);
    }
    let names: Vec<String> = F::value_variants()
        .iter()
        .filter_map(|v| Some(v.to_possible_value()?.get_name().to_string()))
        .collect();
    let extensions: Vec<&str> = names
        .iter()
        .filter_map(|n| EXTENSIONS.iter().find(|(_, f)| f == n).map(|(x, _)| *x))
        .collect();
    Err(crate::error::Error::usage(format!(
        "cannot tell the format from `{}`: add --format ({}), or name the file .{}",
        path.display(),
        names.join(", "),
        extensions.join(", .")
    )))
}

impl Cli {
    /// How the run's errors are shown besides stderr: as its `--format`
    /// asked (JSON, GitHub annotations) for the program that reads stdout.
    pub fn errors_as(&self) -> crate::ErrorsAs {
        use crate::ErrorsAs;
        // With `-o FILE` the program reads the file, which a failed run
        // leaves as it was: stdout is not where it looks.
        match &self.command {
            Command::Check(CheckArgs {
                format: Some(CheckFormat::Json),
                output: None,
                ..
            })
            | Command::Eval {
                format: Some(Format::Json),
                output: None,
                ..
            } => ErrorsAs::Json,
            Command::Check(CheckArgs {
                format: Some(CheckFormat::Github),
                ..
            }) => ErrorsAs::Github,
            _ => ErrorsAs::Text,
        }
    }
}

impl CheckArgs {
    pub fn format(&self) -> crate::error::Result<CheckFormat> {
        format_for(self.format, self.output.as_deref(), CheckFormat::Table)
    }
}

impl ReportArgs {
    pub fn format(&self) -> crate::error::Result<ReportFormat> {
        format_for(self.format, self.output.as_deref(), ReportFormat::Markdown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every argument and subcommand says what it is for in `--help`, the
    /// man page and the completions (zsh and fish show the help text).
    #[test]
    fn every_arg_and_subcommand_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {}", arg.get_id()));
                }
            }
            for sub in cmd.get_subcommands() {
                let path = format!("{path} {}", sub.get_name());
                if sub.get_about().is_none() && sub.get_long_about().is_none() {
                    missing.push(path.clone());
                }
                walk(sub, &path, missing);
            }
        }
        let mut cmd = <Cli as clap::CommandFactory>::command();
        // Built so that clap adds --help, --version and `help` as it does at
        // run time: they are walked too.
        cmd.build();
        let mut missing = Vec::new();
        walk(&cmd, "kpiscope", &mut missing);
        assert!(missing.is_empty(), "without help text: {missing:#?}");
    }

    #[test]
    fn watch_takes_checks_options_without_the_word_check() {
        let cli = Cli::try_parse_from(["kpiscope", "watch", "ig-err", "--format", "json"])
            .expect("parses");
        let Command::Watch { what: None, check } = cli.command else {
            panic!("{:?}", cli.command);
        };
        assert_eq!(check.goals, ["ig-err"]);
        assert_eq!(check.format, Some(CheckFormat::Json));
        let cli = Cli::try_parse_from(["kpiscope", "watch", "report", "--period", "2026-10"])
            .expect("parses");
        assert!(matches!(
            cli.command,
            Command::Watch {
                what: Some(WatchWhat::Report(_)),
                ..
            }
        ));
    }
}
