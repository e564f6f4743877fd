//! `lambdatop logs`: functions' logs on stdout, made safe for the terminal, as `aws logs tail`
//! prints them (`TIMESTAMP STREAM MESSAGE`) or as JSON lines. Polls that overlap (CloudWatch Logs
//! ingests late) are de-duplicated by event id, so every line is printed exactly once; with
//! --follow it keeps polling until Ctrl-C.

use std::io::Write;
use std::time::Duration;

use anyhow::{Result, bail};
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

use crate::cli::{GlobalArgs, LogFormat, LogsArgs};
use crate::clock::SharedClock;
use crate::logtext::filter::Pattern;
use crate::logtext::sanitize::clean_log;
use crate::source::aws::errors::AwsError;
use crate::source::aws::logs::{filter_events, is_missing_group, log_group_of};
use crate::source::aws::{self, AwsOptions};
use crate::source::demo::logs::DemoLogs;
use crate::source::logs::{Dedupe, LogEvent};
use crate::store::{DEFAULT_RETENTION_MINUTES, FunctionKey, Minute};

/// How far each poll looks back past the previous one, for late-ingested events.
const OVERLAP_MS: i64 = 60_000;
/// Between polls when following: well inside FilterLogEvents' request quota.
const FOLLOW_EVERY: Duration = Duration::from_secs(2);
/// A message longer than this is cut (saying how much), even on stdout.
const MAX_CHARS: usize = 1 << 20;

enum Reader {
    Demo {
        logs: DemoLogs,
        names: Vec<String>,
        pattern: Option<Pattern>,
    },
    Aws {
        targets: Vec<(FunctionKey, aws_sdk_cloudwatchlogs::Client)>,
        pattern: Option<String>,
    },
}

/// What one poll read, and what it could not.
struct Read {
    events: Vec<LogEvent>,
    failures: Vec<(FunctionKey, AwsError)>,
}

impl Reader {
    /// How many regions lines can come from.
    fn regions(&self) -> usize {
        match self {
            Reader::Demo { .. } => crate::source::demo::DemoSource::regions().len(),
            Reader::Aws { targets, .. } => {
                let mut r: Vec<&str> = targets.iter().map(|(k, _)| k.region.as_str()).collect();
                r.sort_unstable();
                r.dedup();
                r.len()
            }
        }
    }

    async fn read(&self, from_ms: i64, to_ms: i64) -> Read {
        match self {
            Reader::Demo {
                logs,
                names,
                pattern,
            } => {
                let mut events = logs.events(names, from_ms, to_ms);
                if let Some(p) = pattern {
                    events.retain(|e| p.matches(&e.message));
                }
                Read {
                    events,
                    failures: Vec::new(),
                }
            }
            Reader::Aws { targets, pattern } => {
                let reads =
                    futures::future::join_all(targets.iter().map(|(key, client)| async move {
                        (
                            key,
                            filter_events(client, key, from_ms, to_ms, pattern.as_deref()).await,
                        )
                    }))
                    .await;
                let mut read = Read {
                    events: Vec::new(),
                    failures: Vec::new(),
                };
                for (key, result) in reads {
                    match result {
                        Ok(events) => read.events.extend(events),
                        Err(e) => read.failures.push((key.clone(), e)),
                    }
                }
                read
            }
        }
    }
}

#[derive(Serialize)]
struct JsonLine<'a> {
    timestamp: String,
    function: &'a str,
    region: &'a str,
    stream: &'a str,
    event_id: &'a str,
    message: &'a str,
}

fn time_of(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// One event as printed. Stream names are untrusted too.
/// Which parts of a line's origin the stream name alone does not tell.
#[derive(Debug, Clone, Copy)]
struct Origin {
    functions: bool,
    regions: bool,
}

fn format_event(e: &LogEvent, format: LogFormat, origin: Origin) -> String {
    let clean = clean_log(&e.message, MAX_CHARS);
    let mut message = clean.text;
    if clean.cut_bytes > 0 {
        message.push_str(&format!(" …[{} more bytes]", clean.cut_bytes));
    }
    let stream = crate::logtext::sanitize::clean_field(&e.stream);
    match format {
        LogFormat::Json => serde_json::to_string(&JsonLine {
            timestamp: time_of(e.at_ms).to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            function: &e.function.name,
            region: &e.function.region,
            stream: &stream,
            event_id: &e.event_id,
            message: &message,
        })
        .unwrap_or_default(),
        LogFormat::Text => {
            let ts = time_of(e.at_ms).format("%Y-%m-%dT%H:%M:%S%.6f+00:00");
            let region = if origin.regions {
                format!("{}/", e.function.region)
            } else {
                String::new()
            };
            let function = if origin.functions {
                format!("{}/", e.function.name)
            } else {
                String::new()
            };
            format!("{ts} {region}{function}{stream} {message}")
        }
    }
}

async fn reader(global: &GlobalArgs, args: &LogsArgs, now: DateTime<Utc>) -> Result<Reader> {
    if global.demo {
        let logs = DemoLogs::new(global.seed, Minute::of(now), DEFAULT_RETENTION_MINUTES)
            .with_fleet(super::demo_fleet(global));
        if let Some(unknown) = args.functions.iter().find(|f| !logs.knows(f)) {
            bail!(
                "the demo fleet has no function '{unknown}' (try checkout-api or payments-charge)"
            );
        }
        let pattern = args
            .filter
            .as_deref()
            .map(Pattern::parse)
            .transpose()
            .map_err(anyhow::Error::msg)?;
        return Ok(Reader::Demo {
            logs,
            names: args.functions.clone(),
            pattern,
        });
    }
    let account = aws::connect(&AwsOptions {
        profile: global.profile.clone(),
        regions: global.region.clone(),
        endpoint_url: global.endpoint_url.clone(),
    })
    .await?;
    let mut targets = Vec::new();
    for region in &account.regions {
        let client = account.logs_client(region);
        for f in &args.functions {
            targets.push((FunctionKey::new(region, f), client.clone()));
        }
    }
    Ok(Reader::Aws {
        targets,
        pattern: args.filter.clone(),
    })
}

/// One line for the failures of a poll; `None` when only missing log groups of functions that
/// other regions have were at fault.
fn describe_failures(read: &Read, reader: &Reader) -> Option<String> {
    let Reader::Aws { targets, .. } = reader else {
        return None;
    };
    let first_real = read.failures.iter().find(|(_, e)| !is_missing_group(e));
    if let Some((key, e)) = first_real {
        return Some(format!("{} ({}): {}", key.name, key.region, e.message));
    }
    // A function whose log group exists in no region is worth saying.
    let missing = |name: &str| {
        targets
            .iter()
            .filter(|(k, _)| k.name == name)
            .all(|(k, _)| read.failures.iter().any(|(f, _)| f == k))
    };
    targets
        .iter()
        .map(|(k, _)| k.name.as_str())
        .find(|n| missing(n))
        .map(|n| {
            let regions: Vec<&str> = targets.iter().map(|(k, _)| k.region.as_str()).collect();
            format!(
                "no log group {} in {} (has the function run yet?)",
                log_group_of(n),
                regions.join(", ")
            )
        })
}

pub async fn run(global: &GlobalArgs, args: &LogsArgs, clock: SharedClock) -> Result<()> {
    let now = clock.now();
    let reader = reader(global, args, now).await?;
    let origin = Origin {
        functions: args.functions.len() > 1,
        regions: reader.regions() > 1,
    };
    let start_ms = now.timestamp_millis() - args.since.as_millis() as i64;
    let mut from_ms = start_ms;
    let mut dedupe = Dedupe::default();
    let mut first = true;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    loop {
        let to_ms = clock.now().timestamp_millis();
        let read = reader.read(from_ms, to_ms).await;
        if let Some(problem) = describe_failures(&read, &reader) {
            // Before anything was printed, a failure is the answer; while following, a warning.
            if first && read.events.is_empty() {
                bail!(problem);
            }
            eprintln!("lambdatop: {problem}; still trying");
        }
        for e in dedupe.fresh(read.events) {
            let line = format_event(&e, args.format, origin);
            if let Err(err) = writeln!(out, "{line}") {
                return quiet_broken_pipe(err);
            }
        }
        if let Err(err) = out.flush() {
            return quiet_broken_pipe(err);
        }
        first = false;
        if !args.follow {
            return Ok(());
        }
        dedupe.forget_before(to_ms - 10 * OVERLAP_MS);
        from_ms = (to_ms - OVERLAP_MS).max(start_ms);
        tokio::select! {
            _ = tokio::time::sleep(FOLLOW_EVERY) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

/// A closed pipe (`| head`) ends the command quietly.
fn quiet_broken_pipe(err: std::io::Error) -> Result<()> {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(err.into())
    }
}
