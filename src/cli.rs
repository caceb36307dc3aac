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
    /// Colour in terminal output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only errors (check: no table; the exit code tells the result)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print what is loaded and how long it takes
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

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
}

/// What `report` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Html,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Warn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListWhat {
    Kpis,
    Metrics,
    Plugins,
    Goals,
    Sources,
}

/// Options that restrict the data and fix "now".
#[derive(Debug, Clone, clap::Args)]
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
        #[arg(long, default_value = "month", value_parser = ["day", "week", "month", "quarter", "year", "all"])]
        grain: String,
        /// Only this network
        #[arg(long)]
        network: Option<String>,
        /// Only this account
        #[arg(long)]
        account: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        range: Range,
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
    /// List KPIs, metrics, plugins, goals or sources
    List {
        #[arg(value_enum)]
        what: ListWhat,
    },
    /// A KPI's formula, inputs, dependencies and values for a period
    Explain {
        kpi: String,
        /// The period (default: the last complete month of the data)
        #[arg(long)]
        period: Option<String>,
        #[arg(long)]
        network: Option<String>,
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
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Only these goals (default: all)
    #[arg(value_name = "GOAL_ID")]
    pub goals: Vec<String>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
    /// Write the output to FILE (atomically) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also exit 1 when a goal warns
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    #[command(flatten)]
    pub range: Range,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// The period to report on: 2026-10, 2026-Q4, 2026, 2026-W41 (default: the last complete month)
    #[arg(long)]
    pub period: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Write the report to FILE (atomically) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
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
        name: String,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watch_takes_checks_options_without_the_word_check() {
        let cli = Cli::try_parse_from(["kpiscope", "watch", "ig-err", "--format", "json"])
            .expect("parses");
        let Command::Watch { what: None, check } = cli.command else {
            panic!("{:?}", cli.command);
        };
        assert_eq!(check.goals, ["ig-err"]);
        assert_eq!(check.format, CheckFormat::Json);
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
