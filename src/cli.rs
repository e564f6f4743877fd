//! Command-line interface: every flag is documented in `--help`.

use std::ops::RangeInclusive;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::source::demo::DEFAULT_SEED;
use crate::store::Window;
use crate::store::project::DEFAULT_PROJECT_TAG;

/// Seconds between metric polls (the config file's `interval` too).
pub const INTERVAL_SECS: RangeInclusive<u64> = 5..=3600;
/// The percent of each API's documented rate the dashboard may take (the config file's
/// `api_share` too).
pub const API_SHARE_PERCENT: RangeInclusive<u64> = 1..=100;
/// Seconds between inventory polls.
pub const INVENTORY_SECS: RangeInclusive<u64> = 10..=86_400;
/// Log lines the log pane keeps.
pub const SCROLLBACK_LINES: RangeInclusive<u64> = 100..=1_000_000;

/// `lambdatop --version`: the version and the commit it was built from (named by `build.rs`),
/// so a binary found on a bastion says which source it is.
pub const VERSION: &str = crate::store::recording::THIS_BUILD;

#[derive(Debug, Parser)]
#[command(
    name = "lambdatop",
    version = VERSION,
    about = "A terminal dashboard for AWS Lambda fleets: failures, throttles, latency and cost.",
    long_about = "A terminal dashboard for AWS Lambda fleets, for on-call engineers.\n\n\
        Run `lambdatop --demo` to try it on the embedded demo fleet, no AWS account needed.\n\
        Press ? in the dashboard for every key."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The flags every command takes, as given; `settings::Settings` resolves them with the config
/// file.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Show the embedded demo fleet instead of an AWS account (labelled DEMO on screen).
    #[arg(long, global = true)]
    pub demo: bool,

    /// Open a recording (`lambdatop record`, `:save`) instead of an account: the dashboard,
    /// `snapshot` and `check` show it as it was, frozen at its time (labelled REPLAY).
    #[arg(long, global = true, value_name = "FILE")]
    pub replay: Option<PathBuf>,

    /// AWS profile from the shared config and credentials files (default: AWS_PROFILE, then the
    /// default profile). SSO, web identity and instance roles work through the standard chain.
    /// Several (repeatable or comma-separated) are several accounts in one view, each with
    /// its own credentials and regions.
    #[arg(long, global = true, value_name = "NAME", value_delimiter = ',')]
    pub profile: Vec<String>,

    /// Accounts to watch by assuming a role in each (--role-name, --role-arn-template), from
    /// the profile's credentials: repeatable or comma-separated twelve-digit ids. With --demo,
    /// a number: the demo fleet copied into that many accounts.
    #[arg(long, global = true, value_name = "ID,…|N", value_delimiter = ',')]
    pub accounts: Vec<String>,

    /// Accounts to watch as --accounts does, one id a line (`#` comments, a name after the id
    /// ignored).
    #[arg(long, global = true, value_name = "PATH")]
    pub accounts_file: Option<PathBuf>,

    /// Watch every active account of the Organization (organizations:ListAccounts, from the
    /// management account or a delegated administrator), assuming the role in each.
    #[arg(long, global = true)]
    pub org: bool,

    /// These credentials are a CloudWatch monitoring account: watch it and every source
    /// account linked to its sinks (oam:ListSinks, oam:ListAttachedLinks), their metrics and
    /// logs read through it. With --role-name or --role-arn-template, an account where that
    /// role can be assumed is read whole; the others show what their metrics know.
    #[arg(long, global = true)]
    pub monitoring_account: bool,

    /// The role assumed in each account of --accounts, --accounts-file and --org.
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        default_value = "lambdatop-read"
    )]
    pub role_name: String,

    /// The role assumed in each account, as an ARN with {account} for its id:
    /// arn:aws:iam::{account}:role/team/observer. Instead of --role-name.
    #[arg(long, global = true, value_name = "ARN", value_parser = parse_role_template)]
    pub role_arn_template: Option<String>,

    /// Region(s) to watch, repeatable or comma-separated; each is polled in its own task.
    /// Default: the profile's or AWS_REGION's region.
    #[arg(long, global = true, value_name = "REGION", value_delimiter = ',')]
    pub region: Vec<String>,

    /// Send every AWS request to this endpoint (e.g. a local emulator). The SDK's own
    /// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> work too.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Seed of the demo fleet: the same seed and start time give the same fleet.
    #[arg(long, global = true, value_name = "N", default_value_t = DEFAULT_SEED)]
    pub seed: u64,

    /// Size of the demo fleet: the first N of its functions, or steady copies added up to N
    /// (to try a big account: `--demo --functions 10000`).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub functions: Option<u32>,

    /// Look-back window for sums and charts: 15m, 1h, 3h, 6h, 24h, 7d, up to 63d. Beyond the 3
    /// hours kept minute by minute it is read at a coarser period (a day by 5 minutes, a week
    /// by 30). Default: 1h in the dashboard, 15m for `snapshot`.
    #[arg(long, global = true, value_name = "WINDOW")]
    pub window: Option<Window>,

    /// End the window at TIME instead of now: `02:00` (the last time the local clock read it),
    /// `2026-12-05 02:00` (local), RFC 3339 (`2026-12-05T02:00:00Z`) or a time ago (`-9h`).
    /// The dashboard's `:at TIME` does the same, and `:at now` comes back. `logs`, `errors`
    /// and `insights` read their `--since` back from it.
    #[arg(long, global = true, value_name = "TIME", allow_hyphen_values = true)]
    pub at: Option<String>,

    /// Tag whose value names a function's project (then the CloudFormation stack, then the
    /// name's prefix before the first - or _).
    #[arg(long, global = true, value_name = "KEY", default_value = DEFAULT_PROJECT_TAG)]
    pub project_tag: String,

    /// Seconds between metric polls.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(INTERVAL_SECS))]
    pub interval: u64,

    /// Percent of each AWS API's documented request rate (per account and region) lambdatop
    /// may use; the rest stays free for the account's own deploys and tools.
    #[arg(long, global = true, value_name = "PERCENT", default_value_t = 33,
          value_parser = clap::value_parser!(u64).range(API_SHARE_PERCENT))]
    pub api_share: u64,

    /// Ask Cost Explorer once now ($0.01 a request) instead of using its cached answer.
    #[arg(long, global = true)]
    pub refresh: bool,

    /// Ask Cost Explorer for every account of the bill (from an Organization's management
    /// account: the whole organisation) instead of the caller's own account.
    #[arg(long, global = true)]
    pub all_accounts: bool,

    /// How long a Cost Explorer answer is kept (in the XDG cache directory) and used: 30m, 6h,
    /// 1d.
    #[arg(long, global = true, value_name = "AGE", default_value = "6h", value_parser = parse_age)]
    pub cost_ttl: std::time::Duration,

    /// Log lines the log pane keeps.
    #[arg(long, global = true, value_name = "LINES", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(SCROLLBACK_LINES))]
    pub scrollback: u64,

    /// Seconds between inventory polls (functions, configuration and tags).
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(INVENTORY_SECS))]
    pub inventory_refresh: u64,

    /// Color theme: dark, light, high-contrast, solarized-dark, a NAME.toml in the config
    /// directory's themes/, or a theme file's path.
    #[arg(long, global = true, value_name = "NAME|PATH", default_value = "dark")]
    pub theme: String,

    /// No color at all (also when NO_COLOR is set): emphasis by bold, underline and reverse.
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Draw charts with block characters instead of braille, for fonts without braille
    /// (automatic on the Linux console).
    #[arg(long, global = true)]
    pub ascii: bool,

    /// Read settings from this file instead of ~/.config/lambdatop/config.toml (flags still
    /// override it); `lambdatop config --print-default` writes a commented one.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Write diagnostics here instead of lambdatop.log in the XDG state directory.
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the fleet over a window and exit: a table for people, JSON for scripts.
    Snapshot(SnapshotArgs),
    /// Print functions' logs, safe for the terminal, like `aws logs tail`; --follow keeps going.
    Logs(LogsArgs),
    /// Print functions' errors grouped by kind (ids, numbers and quoted values set aside), worst
    /// first: how many, first and last seen, one sample, and whether the kind is new since the
    /// function's last deploy.
    Errors(ErrorsArgs),
    /// Run a Logs Insights query (or a named one: cold-starts, slowest, memory, errors) over
    /// functions' log groups and print its answer, with what it scanned and cost.
    Insights(InsightsArgs),
    /// Read the account once over --window (default 3h) and write what was read — functions,
    /// every minute's figures, alarms, problems, the API bill — to a recording that
    /// `--replay FILE` opens later, anywhere: `lambdatop record --out incident.ltrec`.
    Record(RecordArgs),
    /// Judge the fleet as the dashboard does, over settled minutes: exit 0 when healthy, 1 on a
    /// breach (one line each), 2 when the account could not be read. --wait polls until healthy:
    /// `lambdatop check --project payments --wait 10m` after a rollback.
    Check(CheckArgs),
    /// Print the month's Lambda cost so far from Cost Explorer, grouped, with the forecast and
    /// the estimate from metrics.
    Cost(CostArgs),
    /// Draw each main view of the demo fleet off-screen and write them as SVG files
    /// (OUT/THEME/VIEW.svg), in the --theme's colors or in every built-in theme.
    Screenshot(ScreenshotArgs),
    /// The config file: --print-default writes a commented default to standard output.
    Config(ConfigArgs),
    /// Print a shell completion script: `lambdatop completions bash > /etc/bash_completion.d/lambdatop`.
    Completions(CompletionsArgs),
    /// Write the man pages (lambdatop.1 and one per command) into DIR:
    /// `lambdatop manpages ~/.local/share/man/man1`.
    Manpages(ManpagesArgs),
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The file to write (0600; gzip-compressed JSON, README "Recordings").
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    /// Keep the last 15 minutes of logs of the N functions most in breach (the most errors
    /// first), for `l` in the replay; 0: no logs.
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(0..=100))]
    pub logs: u32,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Only this project's functions (repeatable).
    #[arg(long, value_name = "NAME")]
    pub project: Vec<String>,

    /// Only this function (repeatable; a name, or region/name).
    #[arg(long, value_name = "NAME")]
    pub function: Vec<String>,

    /// A function breaches at or above this share of failed invocations (1%, 0.5%), as the
    /// dashboard flags it; default: the config file's error_rate, else 5%.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub max_error_rate: Option<f64>,

    /// A function breaches above this many throttled requests in the window.
    #[arg(long, value_name = "N")]
    pub max_throttles: Option<u64>,

    /// A function breaches when its peak p99 duration (its worst minute's) reaches this share
    /// of its timeout (80%, the default).
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub max_p99_of_timeout: Option<f64>,

    /// Leave alarms out: by default a function an alarm in ALARM watches breaches.
    #[arg(long)]
    pub no_alarms: bool,

    /// Poll until healthy, for at most this long (30s, 10m): exit 0 as soon as a poll finds
    /// no breach, 1 if the time runs out.
    #[arg(long, value_name = "DURATION", value_parser = parse_age)]
    pub wait: Option<std::time::Duration>,

    /// Output format: a line per breach, or JSON for machines.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `1%`, `0.5%` or a bare share (`0.01`), as a share of one.
fn parse_percent(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let value = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|v| v / 100.0),
        None => t.parse::<f64>(),
    }
    .map_err(|_| format!("'{s}' is not a percentage (1%, 0.5%)"))?;
    if !(0.0..=10.0).contains(&value) || !value.is_finite() {
        return Err(format!("'{s}' is out of range (0% to 1000%)"));
    }
    Ok(value)
}

#[derive(Debug, Args)]
pub struct ManpagesArgs {
    /// Folder to write the pages into (made if missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The command line, with `after_help` (the dashboard's keys, from the key map) at the end
/// of `--help`.
pub fn command(after_help: String) -> clap::Command {
    use clap::CommandFactory;
    Cli::command().after_long_help(after_help)
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Write the commented default config (redirect it to ~/.config/lambdatop/config.toml).
    #[arg(long)]
    pub print_default: bool,
}

#[derive(Debug, Args)]
pub struct ScreenshotArgs {
    /// Directory to write into.
    #[arg(long, value_name = "DIR", default_value = "screenshots")]
    pub out: PathBuf,

    /// Every built-in theme instead of --theme's.
    #[arg(long)]
    pub all_themes: bool,
}

#[derive(Debug, Args)]
pub struct CostArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// How to split the month: by the project tag (--project-tag), by function (estimates
    /// only: Cost Explorer does not split Lambda by function), by region, or by linked
    /// account (from a management account, with --all-accounts: each member's bill).
    #[arg(long, value_enum, default_value_t = GroupBy::Project)]
    pub group_by: GroupBy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    Project,
    Function,
    Region,
    /// Each linked account's bill (from an Organization's management account).
    Account,
}

impl From<GroupBy> for crate::store::cost::CostGroupBy {
    fn from(g: GroupBy) -> Self {
        match g {
            GroupBy::Project => Self::Project,
            GroupBy::Function => Self::Function,
            GroupBy::Region => Self::Region,
            GroupBy::Account => Self::Account,
        }
    }
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Functions whose logs to print (a name, or a log group name starting with /).
    // Its own id: `--functions` is the demo fleet's size, a global flag.
    #[arg(id = "function_names", required = true, value_name = "FUNCTION")]
    pub functions: Vec<String>,

    /// How far back to start: 30s, 10m, 2h, 1d.
    #[arg(long, value_name = "AGE", default_value = "10m", value_parser = parse_age)]
    pub since: std::time::Duration,

    /// A CloudWatch Logs filter pattern, e.g. ERROR, "Task timed out", ?ERROR ?WARN.
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,

    /// Keep printing new lines until Ctrl-C.
    #[arg(long, short = 'f')]
    pub follow: bool,

    /// Output format: lines like `aws logs tail`, or one JSON object per line.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub format: LogFormat,
}

#[derive(Debug, Args)]
pub struct ErrorsArgs {
    /// Functions whose errors to group (a name, or a log group name starting with /).
    #[arg(id = "function_names", required = true, value_name = "FUNCTION")]
    pub functions: Vec<String>,

    /// How far back to read: 30s, 10m, 2h, 1d.
    #[arg(long, value_name = "AGE", default_value = "1h", value_parser = parse_age)]
    pub since: std::time::Duration,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct InsightsArgs {
    /// The query, in the Logs Insights language, or the name of one in the config.
    #[arg(value_name = "QUERY")]
    pub query: String,

    /// A function whose log group to query (repeat for more).
    #[arg(
        id = "query_functions",
        long = "function",
        value_name = "FUNCTION",
        required = true
    )]
    pub functions: Vec<String>,

    /// How far back to query: 30s, 10m, 2h, 1d.
    #[arg(long, value_name = "AGE", default_value = "1h", value_parser = parse_age)]
    pub since: std::time::Duration,

    /// How long to wait for the answer before printing what it has: 30s, 5m.
    #[arg(long, value_name = "AGE", default_value = "5m", value_parser = parse_age)]
    pub wait: std::time::Duration,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// A role ARN with `{account}` where each account's id goes.
pub fn parse_role_template(s: &str) -> Result<String, String> {
    if !s.starts_with("arn:") || !s.contains(":role/") {
        return Err(format!(
            "'{s}' is not a role ARN like arn:aws:iam::{{account}}:role/NAME"
        ));
    }
    if !s.contains("{account}") {
        return Err(format!(
            "'{s}' has no {{account}}: every account would assume the same role"
        ));
    }
    Ok(s.to_string())
}

/// `30s`, `10m`, `2h`, `1d`.
pub fn parse_age(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{s}' is not an age like 30s, 10m, 2h or 1d"))?;
    let seconds = match unit {
        "s" => n,
        "m" | "" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("'{s}' is not an age like 30s, 10m, 2h or 1d")),
    };
    if seconds == 0 || seconds > 30 * 86_400 {
        return Err(format!("'{s}': the age must be between 1s and 30d"));
    }
    Ok(std::time::Duration::from_secs(seconds))
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Output format: a table, JSON, or CSV (one row per function, the JSON's fields as
    /// columns).
    #[arg(long, value_enum, default_value_t = SnapshotFormat::Table)]
    pub format: SnapshotFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SnapshotFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}
