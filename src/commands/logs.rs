//! `lambdatop logs`: functions' logs on stdout, made safe for the terminal, as `aws logs tail`
//! prints them (`TIMESTAMP STREAM MESSAGE`) or as JSON lines. Polls that overlap (CloudWatch Logs
//! ingests late) are de-duplicated by event id, so every line is printed exactly once; with
//! --follow it keeps polling until Ctrl-C.

use std::io::Write;
use std::time::Duration;

use anyhow::{Result, bail};
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

use crate::cli::{LogFormat, LogsArgs};
use crate::clock::SharedClock;
use crate::logtext::filter::Pattern;
use crate::logtext::sanitize::clean_log;
use crate::settings::Settings;
use crate::source::aws;
use crate::source::aws::logs::log_group_of;
use crate::source::demo::logs::DemoLogs;
use crate::source::log_reader::{LogReader, Streamed};
use crate::source::logs::{Dedupe, LogEvent, OVERLAP_MS};
use crate::store::{DEFAULT_RETENTION_MINUTES, FunctionKey, Minute};

/// Between polls when following: well inside FilterLogEvents' request quota.
const FOLLOW_EVERY: Duration = Duration::from_secs(2);
/// A message longer than this is cut (saying how much), even on stdout.
const MAX_CHARS: usize = 1 << 20;

/// The shared log reader over the functions asked for: each name in every region watched.
pub(super) struct Reader {
    pub logs: LogReader,
    pub targets: Vec<FunctionKey>,
    pattern: Option<String>,
    /// Whether a function missing from a region is normal (the demo's are in both).
    aws: bool,
    /// When each function was last deployed (its `LastModified`), where it could be asked.
    pub deployed_ms: std::collections::HashMap<FunctionKey, i64>,
}

impl Reader {
    /// How many regions lines can come from.
    fn regions(&self) -> usize {
        let mut r: Vec<&str> = self.targets.iter().map(|k| k.region.as_str()).collect();
        r.sort_unstable();
        r.dedup();
        r.len()
    }

    /// The lines from `from_ms` to `to_ms`, handed to `emit` in time order as they are read.
    pub(super) async fn read_each(
        &self,
        from_ms: i64,
        to_ms: i64,
        emit: impl FnMut(Vec<LogEvent>),
    ) -> Streamed {
        self.logs
            .read_each(&self.targets, from_ms, to_ms, self.pattern.as_deref(), emit)
            .await
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

/// The reader of `functions`' logs (filtered by `filter`, if given), on the demo fleet or the
/// account the flags name.
pub(super) async fn reader(
    settings: &Settings,
    functions: &[String],
    filter: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Reader> {
    if settings.demo {
        let logs = DemoLogs::new(settings.seed, Minute::of(now), DEFAULT_RETENTION_MINUTES)
            .with_fleet(super::demo_fleet(settings));
        if let Some(unknown) = functions.iter().find(|f| !logs.knows(f)) {
            bail!(
                "the demo fleet has no function '{unknown}' (try checkout-api or payments-charge)"
            );
        }
        // The demo applies the patterns lambdatop itself understands: a bad one is an error.
        if let Some(p) = filter {
            Pattern::parse(p).map_err(anyhow::Error::msg)?;
        }
        let regions = crate::source::demo::DemoSource::regions();
        let targets = keys(&regions, functions);
        let deployed_ms = targets
            .iter()
            .filter_map(|k| Some((k.clone(), logs.deployed_ms(k)?)))
            .collect();
        return Ok(Reader {
            logs: LogReader::Demo(logs),
            targets,
            pattern: filter.map(str::to_string),
            aws: false,
            deployed_ms,
        });
    }
    let account = super::one_account(settings, "logs").await?;
    let targets = keys(&account.regions, functions);
    // Where each function logs (a group of its own choosing, JSON lines): its configuration
    // says. A function it cannot be asked of (not there, not allowed) is read where Lambda
    // logs by default.
    let asks = targets
        .iter()
        .filter(|k| !k.name.starts_with('/'))
        .map(|k| {
            let lambda = account.lambda_client(&k.region);
            async move {
                let logging = aws::inventory::logging_of_function(&lambda, &k.name).await;
                (k, logging)
            }
        });
    let mut deployed_ms = std::collections::HashMap::new();
    for (key, logging) in futures::future::join_all(asks).await {
        match logging {
            Ok((logging, last_modified)) => {
                account.log_places.know(key, logging);
                if let Some(t) = last_modified {
                    deployed_ms.insert(key.clone(), t.timestamp_millis());
                }
            }
            Err(e) => tracing::info!("{key}: no logging configuration ({e}); the default group"),
        }
    }
    Ok(Reader {
        logs: account.log_reader(),
        targets,
        pattern: filter.map(str::to_string),
        aws: true,
        deployed_ms,
    })
}

/// Each function in each region.
fn keys(regions: &[String], functions: &[String]) -> Vec<FunctionKey> {
    regions
        .iter()
        .flat_map(|r| functions.iter().map(move |f| FunctionKey::new(r, f)))
        .collect()
}

/// One line for the failures of a poll; `None` when only missing log groups of functions that
/// other regions have were at fault.
pub(super) fn describe_failures(read: &Streamed, reader: &Reader) -> Option<String> {
    if !reader.aws {
        return None;
    }
    let targets = &reader.targets;
    if let Some((key, e)) = read.failures.first() {
        return Some(format!("{key}: {}", e.message));
    }
    // A function whose log group exists in no region is worth saying.
    let missing = |name: &str| {
        targets
            .iter()
            .filter(|k| k.name == name)
            .all(|k| read.missing.contains(k))
    };
    targets
        .iter()
        .map(|k| k.name.as_str())
        .find(|n| missing(n))
        .map(|n| {
            let regions: Vec<&str> = targets.iter().map(|k| k.region.as_str()).collect();
            format!(
                "no log group {} in {} (has the function run yet?)",
                log_group_of(n),
                regions.join(", ")
            )
        })
}

pub async fn run(settings: &Settings, args: &LogsArgs, clock: SharedClock) -> Result<()> {
    let now = clock.now();
    // `--since` back from `--at` (as `aws logs tail --since … --until`), or from now.
    let until = super::until(settings, now)?;
    if args.follow && until != now {
        bail!("--follow reads on from now: leave out --at, or --follow to read up to it");
    }
    let reader = reader(settings, &args.functions, args.filter.as_deref(), now).await?;
    let origin = Origin {
        functions: args.functions.len() > 1,
        regions: reader.regions() > 1,
    };
    let start_ms = until.timestamp_millis() - args.since.as_millis() as i64;
    let mut from_ms = start_ms;
    let mut dedupe = Dedupe::default();
    let mut printed = 0usize;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    loop {
        let to_ms = if settings.at.is_some() {
            until.timestamp_millis()
        } else {
            clock.now().timestamp_millis()
        };
        // Lines go out page by page as they are read: memory stays flat however long the span.
        let mut broken: Option<std::io::Error> = None;
        // A read meets a line again only where the next one looks back: over the last minute,
        // or from the last millisecond printed when a page failed. Only those lines are
        // remembered, so a long first read keeps next to none.
        let remember_from = to_ms - OVERLAP_MS;
        let read = reader
            .read_each(from_ms, to_ms, |batch| {
                if broken.is_some() {
                    return;
                }
                let newest = batch.last().map_or(remember_from, |e| e.at_ms);
                for e in batch {
                    if dedupe.contains(&e.function, &e.event_id) {
                        continue;
                    }
                    dedupe.note(e.at_ms, &e.function, &e.event_id);
                    if let Err(err) = writeln!(out, "{}", format_event(&e, args.format, origin)) {
                        broken = Some(err);
                        return;
                    }
                    printed += 1;
                }
                if let Err(err) = out.flush() {
                    broken = Some(err);
                }
                dedupe.forget_before(remember_from.min(newest));
            })
            .await;
        if let Some(err) = broken {
            return super::quiet_broken_pipe(Err(err));
        }
        if let Some(problem) = describe_failures(&read, &reader) {
            // Before anything was printed, a failure is the answer; while following, a warning.
            if printed == 0 {
                bail!(problem);
            }
            let through = time_of(read.through_ms).format("%H:%M:%S UTC");
            if args.follow {
                eprintln!("lambdatop: {problem}; lines are whole up to {through}; still trying");
            } else {
                bail!("{problem}; the lines above are whole up to {through}");
            }
        }
        if !args.follow {
            return Ok(());
        }
        from_ms = next_from(from_ms, to_ms, start_ms, &read);
        dedupe.forget_before(from_ms);
        tokio::select! {
            _ = tokio::time::sleep(FOLLOW_EVERY) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

/// Where the next read of `--follow` starts: a minute behind the end of a read that went
/// through (CloudWatch Logs ingests late); right after the lines that were whole when one
/// failed, so the rest is read again (nothing printed twice, nothing skipped).
fn next_from(from_ms: i64, to_ms: i64, start_ms: i64, read: &Streamed) -> i64 {
    if read.failures.is_empty() {
        (to_ms - OVERLAP_MS).max(start_ms)
    } else {
        (read.through_ms + 1).max(from_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_failed_is_read_again_from_where_its_lines_stopped() {
        let (start, from, to) = (0, 100_000, 200_000);
        let whole = Streamed {
            through_ms: to,
            ..Streamed::default()
        };
        assert_eq!(next_from(from, to, start, &whole), to - OVERLAP_MS);
        let failed = |through_ms| Streamed {
            failures: vec![(
                FunctionKey::new("r", "f"),
                crate::source::aws::errors::AwsError::new(
                    crate::store::ProblemKind::Throttled,
                    "Rate exceeded",
                ),
            )],
            through_ms,
            ..Streamed::default()
        };
        assert_eq!(next_from(from, to, start, &failed(150_000)), 150_001);
        assert_eq!(
            next_from(from, to, start, &failed(from - 1)),
            from,
            "nothing read: all of it again"
        );
        assert_eq!(
            next_from(0, 30_000, 10_000, &whole),
            10_000,
            "never before --since"
        );
    }
}
