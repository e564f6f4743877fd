//! Command-line interface: every flag is documented in `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::source::demo::DEFAULT_SEED;
use crate::store::Window;
use crate::store::project::DEFAULT_PROJECT_TAG;

#[derive(Debug, Parser)]
#[command(
    name = "lambdatop",
    version,
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

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Show the embedded demo fleet instead of an AWS account (labelled DEMO on screen).
    #[arg(long, global = true)]
    pub demo: bool,

    /// AWS profile from the shared config and credentials files (default: AWS_PROFILE, then the
    /// default profile). SSO, web identity and instance roles work through the standard chain.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

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

    /// Look-back window for sums and charts: 15m, 1h, 3h or any number of minutes up to 3h.
    /// Default: 1h in the dashboard, 15m for `snapshot`.
    #[arg(long, global = true, value_name = "WINDOW")]
    pub window: Option<Window>,

    /// Tag whose value names a function's project (then the CloudFormation stack, then the
    /// name's prefix before the first - or _).
    #[arg(long, global = true, value_name = "KEY", default_value = DEFAULT_PROJECT_TAG)]
    pub project_tag: String,

    /// Seconds between metric polls.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(5..=3600))]
    pub refresh: u64,

    /// Seconds between inventory polls (functions, configuration and tags).
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(10..=86400))]
    pub inventory_refresh: u64,

    /// Write diagnostics here instead of lambdatop.log in the XDG state directory.
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the fleet over a window and exit: a table for people, JSON for scripts.
    Snapshot(SnapshotArgs),
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}
