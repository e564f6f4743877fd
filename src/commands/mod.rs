//! What `lambdatop` does when run: the dashboard, or a non-interactive command. They share the
//! same sources, store and figures.

pub mod check;
pub mod cost;
pub mod dashboard;
pub mod errors;
pub mod insights;
pub mod logs;
pub mod manpages;
pub mod record;
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
        accounts: None,
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
    if let Some(path) = &settings.replay {
        // A recording: the store as it was, and nothing to poll.
        let (store, _) = record::open(path)?;
        return Ok(Setup {
            store,
            sources: Vec::new(),
        });
    }
    let retention = DEFAULT_RETENTION_MINUTES;
    let cadence = Duration::from_secs(settings.interval);
    if settings.demo
        && let Some(n) = settings.demo_accounts
    {
        return Ok(demo_accounts(settings, clock, n));
    }
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
    let many = many(settings);
    if many.is_many() {
        return setup_many(settings, &many, with_cost).await;
    }
    // Real mode: an account or a clear error, never demo data in its place.
    let account = aws::connect(&aws_options(settings)).await?;
    Ok(setup_of(settings, &account, with_cost))
}

/// The store and sources of one account reached (`with_cost`: with Cost Explorer's bill).
pub fn setup_of(settings: &Settings, account: &aws::Account, with_cost: bool) -> Setup {
    let retention = DEFAULT_RETENTION_MINUTES;
    let cadence = Duration::from_secs(settings.interval);
    let session = Session {
        kind: SourceKind::Aws,
        profile: account.profile.clone(),
        regions: account.regions.clone(),
        accounts: Vec::new(),
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
        let query = cost_query(settings, account, CostGroupBy::Project);
        sources.push(Box::new(CostSource::new(
            account.cost_client(),
            query,
            settings.refresh,
            account.usage.clone(),
        )));
    }
    Setup {
        store: Store::new(session, retention, &settings.project_tag)
            .with_scrollback(settings.scrollback as usize)
            .with_classes(settings.classes.clone()),
        sources,
    }
}

/// Functions in each demo account of `--demo --accounts N`, unless `--functions` says the
/// whole: 300 in each of the demo's two regions.
pub const DEMO_FUNCTIONS_PER_ACCOUNT: usize = 600;

/// The demo fleet in `n` accounts (`--demo --accounts N`): each its own copy of the fleet,
/// seeded apart, under an id and alias of its own.
fn demo_accounts(settings: &Settings, clock: &SharedClock, n: u32) -> Setup {
    use crate::source::SourceEvent;
    use crate::source::account::InAccount;
    use crate::source::demo::fixture::demo_account;
    let retention = DEFAULT_RETENTION_MINUTES;
    let cadence = Duration::from_secs(settings.interval);
    let each = settings.functions.map_or(DEMO_FUNCTIONS_PER_ACCOUNT, |f| {
        (f as usize).div_ceil(n as usize)
    });
    let fleet = Arc::new(Fleet::sized(Some(each)));
    let session = crate::source::demo::fixture::accounts_session(n);
    let mut sources: Vec<Box<dyn Source>> = Vec::new();
    let mut identities = Vec::new();
    for i in 0..n {
        let (id, identity) = demo_account(i);
        identities.push(SourceEvent::Identity(identity.clone()).in_account(id));
        let seed = settings.seed.wrapping_add(u64::from(i));
        let demo = DemoSource::new(seed, clock.now(), retention, cadence)
            .with_fleet(fleet.clone())
            .with_identity(identity);
        let logs =
            DemoLogs::new(seed, Minute::of(clock.now()), retention).with_fleet(fleet.clone());
        sources.push(Box::new(InAccount::new(id, Box::new(demo))));
        sources.push(Box::new(InAccount::new(
            id,
            Box::new(
                TailSource::new(LogReader::Demo(logs), None)
                    .with_scrollback(settings.scrollback as usize),
            ),
        )));
    }
    let mut store = Store::new(session, retention, &settings.project_tag)
        .with_scrollback(settings.scrollback as usize)
        .with_classes(settings.classes.clone());
    store.apply_all(identities);
    Setup { store, sources }
}

/// The one account a command of one account reads (`logs`, `errors`, `insights`, `cost`):
/// the credentials' own, a single profile's, or the one account of `--accounts` (its role
/// assumed). Several are refused in one line: a function's name says nothing of whose it is.
pub async fn one_account(settings: &Settings, command: &str) -> Result<aws::Account> {
    let many = many(settings);
    if !many.is_many() {
        return aws::connect(&aws_options(settings)).await;
    }
    if many.org || many.monitoring || many.profiles.len() > 1 || many.accounts.len() > 1 {
        bail!(
            "`lambdatop {command}` reads one account: name it with one --profile or one --accounts ID"
        );
    }
    let mut reached = aws::accounts::connect_many(&aws_options(settings), &many).await?;
    if let Some(u) = reached.unreached.first() {
        bail!("{}", u.message);
    }
    match reached.accounts.pop() {
        Some((_, account)) => Ok(account),
        None => bail!("no account reached"),
    }
}

/// Which accounts the flags ask for, and how to reach them.
pub fn many(settings: &Settings) -> aws::accounts::Many {
    aws::accounts::Many {
        profiles: settings.profiles.clone(),
        accounts: settings.accounts.clone(),
        org: settings.org,
        role_name: Some(settings.role_name.clone()),
        role_arn_template: settings.role_arn_template.clone(),
        monitoring: settings.monitoring_account,
        roles_given: settings.roles_given,
    }
}

/// The store and sources of several accounts: each account's sources as for one, each
/// naming its account (`source::account::InAccount`), and one problem for each account that
/// could not be reached.
async fn setup_many(
    settings: &Settings,
    many: &aws::accounts::Many,
    with_cost: bool,
) -> Result<Setup> {
    use crate::source::SourceEvent;
    use crate::source::account::InAccount;
    use crate::store::account::Watched;
    let retention = DEFAULT_RETENTION_MINUTES;
    let cadence = Duration::from_secs(settings.interval);
    let reached = aws::accounts::connect_many(&aws_options(settings), many).await?;
    let mut regions: Vec<String> = Vec::new();
    let mut watched = Vec::new();
    let mut sources: Vec<Box<dyn Source>> = Vec::new();
    for (id, account) in &reached.accounts {
        for r in &account.regions {
            if !regions.contains(r) {
                regions.push(r.clone());
            }
        }
        watched.push(Watched {
            id: *id,
            regions: account.regions.clone(),
            metrics_only: reached.metrics_only.contains(id),
        });
        let mut own = account.sources(
            cadence,
            Duration::from_secs(settings.inventory_refresh),
            retention,
        );
        own.push(Box::new(
            TailSource::new(account.log_reader(), Some(account.usage.clone()))
                .with_scrollback(settings.scrollback as usize),
        ));
        sources.extend(
            own.into_iter()
                .map(|s| Box::new(InAccount::new(*id, s)) as Box<dyn Source>),
        );
    }
    let at = chrono::Utc::now();
    let mut problems = Vec::new();
    for u in &reached.unreached {
        if let Some(id) = &u.id {
            watched.push(Watched {
                id: *id,
                regions: regions.clone(),
                metrics_only: false,
            });
        }
        let problem = SourceEvent::Problem {
            source: "accounts".into(),
            scope: u.label.clone(),
            kind: u.kind,
            message: u.message.clone(),
            at,
        };
        problems.push(match &u.id {
            Some(id) => problem.in_account(*id),
            None => problem,
        });
    }
    // The bill: asked with the identity the roles were assumed from (an Organization's
    // management account sees its members'), else the first account's; narrowed to the
    // accounts watched.
    if with_cost
        && let Some(payer) = reached
            .caller
            .as_ref()
            .or(reached.accounts.first().map(|(_, a)| a))
    {
        let mut query = cost_query(settings, payer, CostGroupBy::Project);
        query.accounts = Some(watched.iter().map(|w| w.id.to_string()).collect());
        sources.push(Box::new(CostSource::new(
            payer.cost_client(),
            query,
            settings.refresh,
            payer.usage.clone(),
        )));
    }
    let session = Session {
        kind: SourceKind::Aws,
        profile: settings.profiles.first().cloned(),
        regions,
        accounts: watched,
    };
    let mut store = Store::new(session, retention, &settings.project_tag)
        .with_scrollback(settings.scrollback as usize)
        .with_classes(settings.classes.clone());
    store.apply_all(problems);
    // What was asked to find the accounts (ListAccounts, ListSinks…) is on the bill too.
    if let Some(caller) = &reached.caller {
        store.apply(SourceEvent::ApiUsage(caller.usage.snapshot()));
    }
    // A linked account's name is its link's label (its own identity is not asked).
    let partition = reached
        .caller
        .as_ref()
        .map_or("aws", |c| c.partition())
        .to_string();
    store.apply_all(reached.labels.iter().map(|(id, label)| {
        SourceEvent::Identity(crate::store::Identity {
            account_id: id.to_string(),
            alias: Some(label.clone()),
            partition: partition.clone(),
        })
        .in_account(*id)
    }));
    Ok(Setup { store, sources })
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
        profile: settings.profiles.first().cloned(),
        regions: settings.region.clone(),
        endpoint_url: settings.endpoint_url.clone(),
        api_share: Some(settings.api_share as f64 / 100.0),
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

/// The clock the flags ask for: a recording's time, frozen, with `--replay`; else the wall
/// clock.
pub fn clock_for(settings: &Settings) -> Result<SharedClock> {
    match &settings.replay {
        Some(path) => Ok(Arc::new(crate::clock::FixedClock(
            record::time_of(path)?.recorded_at,
        ))),
        None => Ok(system_clock()),
    }
}

pub fn system_clock() -> SharedClock {
    Arc::new(crate::clock::SystemClock)
}
