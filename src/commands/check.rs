//! `lambdatop check`: the dashboard's breach rules as an exit code, for deploy and rollback
//! scripts. Only settled minutes are judged: CloudWatch still adds datapoints to a minute
//! for a while after it ends (`source::timing`), and a gate that judged a half-filled
//! minute would pass a failing deploy.

use std::process::ExitCode;

use anyhow::Result;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::Serialize;

use crate::cli::{CheckArgs, Format};
use crate::clock::SharedClock;
use crate::settings::Settings;
use crate::source::timing::settle_minutes;
use crate::store::figures::{FunctionStats, fleet_stats};
use crate::store::health::{Breach, Thresholds};
use crate::store::{Function, MinuteRange, Store, Window};

/// Healthy, a breach, or an account that could not be read (`snapshot::poll_all`'s error,
/// a recording that cannot be opened, a selection that matches nothing).
pub const HEALTHY: u8 = 0;
pub const BREACH: u8 = 1;
pub const UNREAD: u8 = 2;

/// One function over one threshold.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BreachRow {
    pub function: String,
    pub region: String,
    pub account_id: Option<String>,
    /// `errors`, `throttles`, `timeout`, `memory`, `alarm`, `async_lost`, `async_age`,
    /// `event_source`, `budget`.
    pub rule: &'static str,
    pub value: Option<f64>,
    pub limit: Option<f64>,
    /// The line printed for people.
    pub message: String,
    /// The settled minutes judged, RFC 3339: the first's start and the last's end.
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
struct Verdict {
    healthy: bool,
    exit_code: u8,
    functions: usize,
    /// The settled minutes judged (of the functions with the shortest timeouts; longer ones
    /// settle later and are judged further back).
    judged_from: Option<String>,
    judged_to: Option<String>,
    breaches: Vec<BreachRow>,
    problems: Vec<String>,
    polls: u32,
}

/// The thresholds the flags set over the dashboard's (config file, then defaults).
fn thresholds(settings: &Settings, args: &CheckArgs) -> Thresholds {
    let mut t = settings.thresholds;
    if let Some(r) = args.max_error_rate {
        t.error_rate = r;
    }
    if let Some(r) = args.max_p99_of_timeout {
        t.p99_of_timeout = r;
    }
    t
}

/// Whether `f` is one the flags name (all when they name none).
fn selected(f: &Function, args: &CheckArgs) -> bool {
    let project = args.project.is_empty() || args.project.contains(&f.project);
    let function = args.function.is_empty()
        || args.function.iter().any(|n| {
            *n == f.facts.name
                || n.split_once('/')
                    .is_some_and(|(r, name)| r == f.facts.region && name == f.facts.name)
        });
    project && function
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Every breach of the selected functions over `window`'s settled minutes at `now`, and the
/// range judged for the functions that settle soonest.
pub fn judge(
    store: &Store,
    window: Window,
    now: DateTime<Utc>,
    t: &Thresholds,
    args: &CheckArgs,
) -> (Vec<BreachRow>, usize, Option<MinuteRange>) {
    let chosen: Vec<usize> = store
        .functions()
        .iter()
        .enumerate()
        .filter(|(_, f)| selected(f, args))
        .map(|(i, _)| i)
        .collect();
    // Functions settle after their timeout: each is judged as the dashboard would have drawn
    // it that many minutes ago (alarms and event sources as they are now).
    let mut by_settle: std::collections::BTreeMap<i64, Vec<usize>> = Default::default();
    for &i in &chosen {
        let f = &store.functions()[i];
        by_settle
            .entry(settle_minutes(f.facts.timeout_s))
            .or_default()
            .push(i);
    }
    let mut breaches = Vec::new();
    let mut first_range = None;
    for (settle, indices) in by_settle {
        let stats = fleet_stats(store, window, now - Duration::minutes(settle));
        first_range.get_or_insert(stats.range);
        let from = rfc(stats.range.first.start());
        let to = rfc(stats.range.last_minute().plus(1).start());
        for i in indices {
            let f = &store.functions()[i];
            let s = &stats.functions[i];
            for (rule, value, limit, message) in broken(s, t, args) {
                breaches.push(BreachRow {
                    function: f.facts.name.clone(),
                    region: f.facts.region.clone(),
                    account_id: store.account_id(f.facts.account),
                    rule,
                    value,
                    limit,
                    // "name (region)", and the account among several.
                    message: format!("{}: {message}", f.facts.key()),
                    from: from.clone(),
                    to: to.clone(),
                });
            }
        }
    }
    breaches.sort_by(|a, b| {
        (&a.function, &a.region, &a.account_id).cmp(&(&b.function, &b.region, &b.account_id))
    });
    (breaches, chosen.len(), first_range)
}

type Broken = (&'static str, Option<f64>, Option<f64>, String);

/// The rules `s` breaks, in the dashboard's order, each with its figure and limit.
fn broken(s: &FunctionStats, t: &Thresholds, args: &CheckArgs) -> Vec<Broken> {
    let b = Breach::of(s, t);
    let mut out = Vec::new();
    if b.errors {
        let rate = s.error_rate.unwrap_or(0.0);
        out.push((
            "errors",
            s.error_rate,
            Some(t.error_rate),
            format!(
                "error rate {} ≥ {} ({} errors of {} invocations)",
                pct(rate),
                pct(t.error_rate),
                s.errors.unwrap_or(0.0),
                s.invocations.unwrap_or(0.0)
            ),
        ));
    }
    let max_throttles = args.max_throttles.unwrap_or(0) as f64;
    if let Some(n) = s.throttles.filter(|n| *n > max_throttles) {
        out.push((
            "throttles",
            Some(n),
            Some(max_throttles),
            format!("{n} throttled requests > {max_throttles}"),
        ));
    }
    if b.timeout {
        let r = s.p99_peak_of_timeout.unwrap_or(0.0);
        out.push((
            "timeout",
            s.p99_peak_of_timeout,
            Some(t.p99_of_timeout),
            format!(
                "peak p99 duration at {} of its timeout ≥ {}",
                pct(r),
                pct(t.p99_of_timeout)
            ),
        ));
    }
    if b.memory {
        out.push((
            "memory",
            s.memory_used_ratio,
            Some(t.memory_used),
            format!(
                "peak memory at {} of its size ≥ {}",
                pct(s.memory_used_ratio.unwrap_or(0.0)),
                pct(t.memory_used)
            ),
        ));
    }
    if b.alarm && !args.no_alarms {
        let n = s.alarms_firing.unwrap_or(0);
        out.push((
            "alarm",
            Some(f64::from(n)),
            Some(0.0),
            format!("{n} alarm(s) in ALARM"),
        ));
    }
    if b.async_lost {
        out.push((
            "async_lost",
            s.async_lost(),
            Some(0.0),
            format!("{} asynchronous events lost", s.async_lost().unwrap_or(0.0)),
        ));
    }
    if b.async_age {
        out.push((
            "async_age",
            s.async_age_max_ms,
            Some(t.async_event_age_s * 1000.0),
            format!(
                "oldest queued event {:.0} s old > {:.0} s",
                s.async_age_max_ms.unwrap_or(0.0) / 1000.0,
                t.async_event_age_s
            ),
        ));
    }
    if b.event_source {
        out.push((
            "event_source",
            s.sources_in_breach.map(f64::from),
            Some(0.0),
            "an event-source mapping stopped or fails".to_string(),
        ));
    }
    if b.budget {
        out.push((
            "budget",
            s.budget_used,
            Some(1.0),
            format!(
                "wait plus p99 at {} of its latency class's budget",
                pct(s.budget_used.unwrap_or(0.0))
            ),
        ));
    }
    out
}

fn range_words(r: MinuteRange) -> String {
    format!(
        "{} to {} UTC ({} settled minute{})",
        r.first.start().format("%H:%M"),
        r.last_minute().plus(1).start().format("%H:%M"),
        r.len(),
        if r.len() == 1 { "" } else { "s" }
    )
}

pub async fn run(settings: &Settings, args: &CheckArgs, clock: SharedClock) -> ExitCode {
    match check(settings, args, clock).await {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("lambdatop: {e:#}");
            ExitCode::from(UNREAD)
        }
    }
}

async fn check(settings: &Settings, args: &CheckArgs, clock: SharedClock) -> Result<u8> {
    let window = super::window(
        settings,
        Window::from_minutes(5).unwrap_or(Window::M15),
        clock.now(),
    )?;
    if window.is_past() {
        anyhow::bail!("check judges the last settled minutes: leave out --at");
    }
    let t = thresholds(settings, args);
    let started = std::time::Instant::now();
    let mut setup = super::setup(settings, &clock, false).await?;
    let replay = setup.store.recorded().is_some();
    let mut polls = 0;
    loop {
        if !replay {
            super::snapshot::poll_all(&mut setup, window, &clock).await?;
        }
        if polls == 0 && args.wait.is_some() {
            // The functions judged are read every poll, as rows on screen are (the failing
            // ones are anyway): a later poll sees them recover.
            let judged: Vec<crate::store::FunctionKey> = setup
                .store
                .functions()
                .iter()
                .filter(|f| selected(f, args))
                .map(|f| f.facts.key())
                .collect();
            for source in &mut setup.sources {
                source.watch(&judged);
            }
        }
        polls += 1;
        let now = clock.now();
        let store = &setup.store;
        let (breaches, functions, range) = judge(store, window, now, &t, args);
        if functions == 0 {
            anyhow::bail!(
                "no function matches{}{} (of {} read)",
                args.project
                    .iter()
                    .map(|p| format!(" --project {p}"))
                    .collect::<String>(),
                args.function
                    .iter()
                    .map(|f| format!(" --function {f}"))
                    .collect::<String>(),
                store.functions().len()
            );
        }
        let problems: Vec<String> = store
            .problems()
            .iter()
            .map(|p| format!("{}: {}", p.scope, p.message))
            .collect();
        // A figure that could not be read is unknown, never a pass of its own: the problem is
        // said on stderr (and in the JSON). The account as a whole unread is exit 2 (above).
        let code = if breaches.is_empty() { HEALTHY } else { BREACH };
        let waited = started.elapsed();
        let more = args
            .wait
            .is_some_and(|w| code != HEALTHY && !replay && waited < w);
        let judged = range.map(range_words).unwrap_or_default();
        if more {
            let pause = std::time::Duration::from_secs(settings.interval)
                .min(args.wait.unwrap_or_default().saturating_sub(waited));
            eprintln!(
                "lambdatop: {} breach(es), {} problem(s) over {judged}; polling again in {}s",
                breaches.len(),
                problems.len(),
                pause.as_secs().max(1)
            );
            tokio::time::sleep(pause.max(std::time::Duration::from_secs(1))).await;
            continue;
        }
        eprintln!("lambdatop: judged {functions} function(s) over {judged}");
        for p in &problems {
            eprintln!("lambdatop: warning: {p}");
        }
        match args.format {
            Format::Json => super::print_json(&Verdict {
                healthy: code == HEALTHY,
                exit_code: code,
                functions,
                judged_from: range.map(|r| rfc(r.first.start())),
                judged_to: range.map(|r| rfc(r.last_minute().plus(1).start())),
                breaches,
                problems,
                polls,
            })?,
            Format::Table => {
                let lines: Vec<String> = breaches.iter().map(|b| b.message.clone()).collect();
                if !lines.is_empty() {
                    super::print_line(&lines.join("\n"))?;
                }
            }
        }
        return Ok(code);
    }
}
