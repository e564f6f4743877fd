//! The `lambdatop` binary: parse the command line, start logging, run the chosen command.
//! Every failure ends as one line on stderr and a non-zero exit.

use std::process::ExitCode;

use clap::FromArgMatches;
use clap::error::ErrorKind;

use lambdatop::cli::{Cli, Command};
use lambdatop::commands;
use lambdatop::settings::Settings;

// See Cargo.toml: freeing a big refresh's many small blocks is several times faster.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let parsed = lambdatop::cli::command(lambdatop::app::keymap::keys_help())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (settings, command) = match parsed {
        // The config file under the flags: a bad one stops here, in one line.
        Ok((cli, matches)) => match Settings::resolve(cli.global, &matches) {
            Ok(settings) => (settings, cli.command),
            Err(e) => {
                eprintln!("lambdatop: {e}");
                return ExitCode::from(2);
            }
        },
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // clap explains over several lines; one line is what a script's log wants.
            // The indented lines that follow the first name what is missing: keep them.
            let text = e.to_string();
            let mut lines = text.lines();
            let first = lines.next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            let named: Vec<&str> = lines
                .take_while(|l| l.starts_with("  "))
                .map(str::trim)
                .collect();
            let what = if named.is_empty() {
                first.to_string()
            } else {
                format!("{first} {}", named.join(", "))
            };
            eprintln!("lambdatop: {what} (see lambdatop --help)");
            return ExitCode::from(2);
        }
    };
    let log_path = settings
        .log_file
        .clone()
        .unwrap_or_else(lambdatop::logging::default_path);
    // A log that cannot be written is no reason to stop: say so once, and go on without it.
    if let Err(e) = lambdatop::logging::init(&log_path) {
        eprintln!("lambdatop: warning: cannot write the log file {e}; logging is off");
    }

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lambdatop: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let replays = matches!(
        command,
        None | Some(Command::Snapshot(_)) | Some(Command::Check(_))
    );
    if settings.replay.is_some() && !replays {
        eprintln!("lambdatop: --replay opens a recording in the dashboard, snapshot or check");
        return ExitCode::from(2);
    }
    let clock = match commands::clock_for(&settings) {
        Ok(clock) => clock,
        Err(e) => {
            eprintln!("lambdatop: {e:#}");
            // `check` says 2 for what could not be read.
            let code = if matches!(command, Some(Command::Check(_))) {
                2
            } else {
                1
            };
            return ExitCode::from(code);
        }
    };
    let result = runtime.block_on(async {
        match &command {
            None => commands::dashboard::run(&settings, clock).await,
            Some(Command::Snapshot(args)) => commands::snapshot::run(&settings, args, clock).await,
            Some(Command::Logs(args)) => commands::logs::run(&settings, args, clock).await,
            Some(Command::Errors(args)) => commands::errors::run(&settings, args, clock).await,
            Some(Command::Insights(args)) => commands::insights::run(&settings, args, clock).await,
            Some(Command::Cost(args)) => commands::cost::run(&settings, args, clock).await,
            Some(Command::Record(args)) => commands::record::run(&settings, args, clock).await,
            Some(Command::Check(args)) => {
                return Ok(commands::check::run(&settings, args, clock).await);
            }
            Some(Command::Screenshot(args)) => commands::screenshot::run(&settings, args),
            Some(Command::Config(args)) => commands::print_config(args),
            Some(Command::Completions(args)) => commands::print_completions(args.shell),
            Some(Command::Manpages(args)) => commands::manpages::write(&args.dir),
        }
        .map(|()| ExitCode::SUCCESS)
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("lambdatop: {e:#}");
            ExitCode::FAILURE
        }
    }
}
