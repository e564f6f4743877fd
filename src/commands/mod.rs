//! What `lambdatop` does when run: the dashboard, or a non-interactive command. They share the
//! same sources, store and figures.

pub mod cost;
pub mod dashboard;
pub mod errors;
pub mod insights;
pub mod logs;
pub mod manpages;
pub mod screenshot;
pub mod snapshot;

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};

use crate::clock::SharedClock;
use crate::settings::Settings;
use crate::source::aws::bill::{CostQuery, CostSource};
use crate::source::aws::bill_cache::CostCache;
use crate::source::aws::{self, AwsOptions};
use crate::source::demo::logs::DemoLogs;
use crate::source::demo::{DemoSource, Fleet};
use crate::source::log_reader::LogReader;
use crate::source::tail::TailSource;
use crate::source::{Source, SourceKind};
use crate::store::cost::CostGroupBy;
use crate::store::{DEFAULT_RETENTION_MINUTES, Minute, Session, Store, Window};

/// The store and the sources that will fill it, as the flags ask.
pub struct Setup {
    pub store: Store,
    pub sources: Vec<Box<dyn Source>>,
}

/// The Cost Explorer lookup the flags describe, for an account.
pub fn cost_query(settings: &Settings, account: &aws::Account, group_by: CostGroupBy) -> CostQuery {
    let endpoint = account
        .endpoint_url()
        .map(str::to_string)
        .or_else(|| std::env::var("AWS_ENDPOINT_URL_COST_EXPLORER").ok())
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok());
    CostQuery {
        cache: CostCache::new(CostCache::default_dir(), settings.cost_ttl),
        endpoint,
        group_by,
        tag: settings.project_tag.clone(),
        regions: account.regions.clone(),
        all_accounts: settings.all_accounts,
        who: account.who.clone(),
    }
}

/// The demo fleet `--functions` asks for.
pub fn demo_fleet(settings: &Settings) -> Arc<Fleet> {
    Arc::new(Fleet::sized(settings.functions.map(|n| n as usize)))
}

/// The store and the sources the flags ask for; `with_cost` adds Cost Explorer (the
/// dashboard's), which snapshots leave out.
pub async fn setup(settings: &Settings, clock: &SharedClock, with_cost: bool) -> Result<Setup> {
    let retention = DEFAULT_RETENTION_MINUTES;
    let cadence = Duration::from_secs(settings.interval);
    if settings.demo {
        let session = crate::source::demo::fixture::session();
        let fleet = demo_fleet(settings);
        let demo = DemoSource::new(settings.seed, clock.now(), retention, cadence)
            .with_fleet(fleet.clone());
        let logs =
            DemoLogs::new(settings.seed, Minute::of(clock.now()), retention).with_fleet(fleet);
        return Ok(Setup {
            store: Store::new(session, retention, &settings.project_tag)
                .with_scrollback(settings.scrollback as usize)
                .with_classes(settings.classes.clone()),
            sources: vec![
                Box::new(demo),
                Box::new(
                    TailSource::new(LogReader::Demo(logs), None)
                        .with_scrollback(settings.scrollback as usize),
                ),
            ],
        });
    }
    // Real mode: an account or a clear error, never demo data in its place.
    let account = aws::connect(&aws_options(settings)).await?;
    let session = Session {
        kind: SourceKind::Aws,
        profile: account.profile.clone(),
        regions: account.regions.clone(),
    };
    let mut sources = account.sources(
        cadence,
        Duration::from_secs(settings.inventory_refresh),
        retention,
    );
    sources.push(Box::new(
        TailSource::new(account.log_reader(), Some(account.usage.clone()))
            .with_scrollback(settings.scrollback as usize),
    ));
    if with_cost {
        let query = cost_query(settings, &account, CostGroupBy::Project);
        sources.push(Box::new(CostSource::new(
            account.cost_client(),
            query,
            settings.refresh,
            account.usage.clone(),
        )));
    }
    Ok(Setup {
        store: Store::new(session, retention, &settings.project_tag)
            .with_scrollback(settings.scrollback as usize)
            .with_classes(settings.classes.clone()),
        sources,
    })
}

/// The window the flags ask for at `now`: `--window` (else `default`), ending at `--at`.
pub fn window(settings: &Settings, default: Window, now: DateTime<Utc>) -> Result<Window> {
    let w = settings.window.unwrap_or(default);
    let Some(at) = &settings.at else {
        return Ok(w);
    };
    w.ending_at(at, now, &chrono::Local)
        .map_err(|e| anyhow::anyhow!("--at: {e}"))
}

/// Where a span of logs read back ends: `--at`, else `now`.
pub fn until(settings: &Settings, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let Some(at) = &settings.at else {
        return Ok(now);
    };
    let end = crate::store::window::parse_moment(at, now, &chrono::Local)
        .map_err(|e| anyhow::anyhow!("--at: {e}"))?;
    Ok(end.unwrap_or(now))
}

/// The theme `--theme` names, in its own colors (or none with `--no-color`).
pub fn theme_unfitted(settings: &Settings) -> Result<crate::ui::theme::Theme> {
    let user_dir = crate::ui::theme::user_dir();
    let theme = crate::ui::theme::Theme::load(&settings.theme, user_dir.as_deref())
        .map_err(anyhow::Error::msg)?;
    Ok(if settings.no_color {
        theme.without_color()
    } else {
        theme
    })
}

/// The theme the flags and the environment ask for, fitted to the terminal, and how it was
/// fitted (for themes chosen later with `:theme`).
pub fn theme(
    settings: &Settings,
) -> Result<(
    crate::ui::theme::Theme,
    (crate::ui::theme::ColorDepth, bool),
)> {
    use crate::ui::theme::ColorDepth;
    let theme = theme_unfitted(settings)?;
    let env = |k: &str| std::env::var(k).ok();
    let depth = if settings.no_color {
        ColorDepth::None
    } else {
        ColorDepth::detect(env)
    };
    // The Linux console's font has no braille.
    let blocks = settings.ascii || env("TERM").as_deref() == Some("linux");
    Ok((theme.fitted(depth, blocks), (depth, blocks)))
}

/// Writes a command's output to stdout. A closed pipe (`| head`) is not an error worth a
/// message.
pub fn print(bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    quiet_broken_pipe(out.write_all(bytes).and_then(|_| out.flush()))
}

/// `value` as pretty JSON and a newline, written as it is made: a 10,000-function snapshot
/// is megabytes that need not be held twice.
pub fn print_json(value: &impl serde::Serialize) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush());
    quiet_broken_pipe(written)
}

/// How to reach the account, from the flags.
pub fn aws_options(settings: &Settings) -> AwsOptions {
    AwsOptions {
        profile: settings.profile.clone(),
        regions: settings.region.clone(),
        endpoint_url: settings.endpoint_url.clone(),
    }
}

/// A reader that went away (`| head`) is not an error.
pub(crate) fn quiet_broken_pipe(written: std::io::Result<()>) -> Result<()> {
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// `print` with a final newline.
pub fn print_line(text: &str) -> Result<()> {
    print(format!("{text}\n").as_bytes())
}

/// `lambdatop completions SHELL`.
pub fn print_completions(shell: clap_complete::Shell) -> Result<()> {
    let mut cmd = crate::cli::command(crate::app::keymap::keys_help());
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "lambdatop", &mut script);
    print(&script)
}

/// `lambdatop config`.
pub fn print_config(args: &crate::cli::ConfigArgs) -> Result<()> {
    if !args.print_default {
        bail!("say what to do: `lambdatop config --print-default` writes the commented default");
    }
    print(crate::config::DEFAULT.as_bytes())
}

pub fn system_clock() -> SharedClock {
    Arc::new(crate::clock::SystemClock)
}
