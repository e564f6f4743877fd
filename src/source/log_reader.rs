//! The one way lambdatop reads logs: a span of time of some functions' logs, from the demo
//! fleet or from CloudWatch Logs (`FilterLogEvents`, every page, all functions at once). The
//! log pane's tail and `lambdatop logs` both read through it; each adds its own pacing and
//! de-duplication (`logs::Dedupe`).
//!
//! `read_each` hands the lines on in time order as pages arrive, holding at most a page of
//! each function, so memory stays flat however long the span: CloudWatch returns each log
//! group's events sorted by time, so the lines of every function up to the oldest of their
//! newest ones read so far are complete and can go.

use std::collections::{HashMap, VecDeque};

use super::aws::errors::AwsError;
use super::aws::logs::{LogPlaces, PageReader, is_missing_group, with_class};
use super::demo::logs::DemoLogs;
use super::logs::{LogEvent, sort};
use crate::logtext::filter::Pattern;
use crate::store::FunctionKey;

/// How much of the demo's lines are made at once by `read_each`.
const DEMO_SLICE_MS: i64 = 60_000;

/// One function's read in a `read_each`: its pages, and the lines of them not handed on yet.
struct Cursor {
    pages: PageReader,
    held: VecDeque<LogEvent>,
    done: bool,
    /// Its read failed (a missing log group is no failure: no lines).
    failed: bool,
}

/// What a `read_each` could not read, and up to when its lines are whole.
#[derive(Debug, Default)]
pub struct Streamed {
    pub failures: Vec<(FunctionKey, AwsError)>,
    /// Functions without a log group in their region (they never ran there).
    pub missing: Vec<FunctionKey>,
    /// Every line up to this millisecond (included) was handed on.
    pub through_ms: i64,
}

#[derive(Clone)]
pub enum LogReader {
    Demo(DemoLogs),
    /// CloudWatch Logs clients by region, and where each function logs.
    Aws {
        clients: HashMap<String, aws_sdk_cloudwatchlogs::Client>,
        places: LogPlaces,
    },
}

/// The demo's lines of `functions` from `from_ms` to `to_ms` (both included) that match
/// `pattern`, as lambdatop understands it (a pattern only CloudWatch does passes everything).
fn demo_lines(
    logs: &DemoLogs,
    functions: &[FunctionKey],
    from_ms: i64,
    to_ms: i64,
    pattern: Option<&str>,
) -> Vec<LogEvent> {
    let local = pattern.and_then(|p| Pattern::parse(p).ok());
    let mut events = Vec::new();
    for f in functions {
        events.extend(
            logs.events(std::slice::from_ref(&f.name), from_ms, to_ms)
                .into_iter()
                .filter(|e| e.function == *f)
                .filter(|e| local.as_ref().is_none_or(|p| p.matches(&e.message))),
        );
    }
    events
}

impl LogReader {
    /// The events of `functions` from `from_ms` to `to_ms` (both included) that match
    /// `pattern`, handed to `emit` in batches in time order (ties by function, stream and id)
    /// as they are read. A function whose read fails stops the read at the time its lines
    /// reached: everything before is handed on, and `through_ms` says how far the lines are
    /// whole. A function without a log group (it never ran) has no lines.
    pub async fn read_each(
        &self,
        functions: &[FunctionKey],
        from_ms: i64,
        to_ms: i64,
        pattern: Option<&str>,
        mut emit: impl FnMut(Vec<LogEvent>),
    ) -> Streamed {
        match self {
            LogReader::Demo(logs) => {
                // The demo makes its lines a slice of time at a time, a minute of them at most.
                let mut at = from_ms;
                while at <= to_ms {
                    let end = (at + DEMO_SLICE_MS - 1).min(to_ms);
                    let mut events = demo_lines(logs, functions, at, end, pattern);
                    sort(&mut events);
                    if !events.is_empty() {
                        emit(events);
                    }
                    at = end + 1;
                }
                Streamed {
                    through_ms: to_ms,
                    ..Streamed::default()
                }
            }
            LogReader::Aws { clients, places } => {
                // A function in a shared group is read a day of its streams at a time.
                let mut cursors: Vec<Cursor> = Vec::new();
                for f in functions {
                    let Some(client) = clients.get(&f.region) else {
                        continue;
                    };
                    let place = places.place(f);
                    for prefix in place.prefixes(from_ms, to_ms) {
                        let at = (place.group.as_str(), prefix.as_deref());
                        cursors.push(Cursor {
                            pages: PageReader::new(client, f, at, from_ms, to_ms, pattern),
                            held: VecDeque::new(),
                            done: false,
                            failed: false,
                        });
                    }
                }
                let (mut failures, mut missing) = (Vec::new(), Vec::new());
                loop {
                    // Every function holds lines or is read to its end.
                    let pending = cursors
                        .iter_mut()
                        .filter(|c| !c.done && c.held.is_empty())
                        .map(|c| async move {
                            let page = c.pages.next().await;
                            (c, page)
                        });
                    for (c, page) in futures::future::join_all(pending).await {
                        match page {
                            Some(Ok(events)) => c.held.extend(events),
                            None => c.done = true,
                            Some(Err(e)) => {
                                c.done = true;
                                if is_missing_group(&e) {
                                    if !missing.contains(c.pages.function()) {
                                        missing.push(c.pages.function().clone());
                                    }
                                } else {
                                    c.failed = true;
                                    // A group of a class that does not offer the read says so.
                                    let f = c.pages.function().clone();
                                    let e = match clients.get(&f.region) {
                                        Some(client) => {
                                            with_class(client, &[&places.place(&f).group], e).await
                                        }
                                        None => e,
                                    };
                                    failures.push((f, e));
                                }
                            }
                        }
                    }
                    if cursors.iter().any(|c| c.held.is_empty() && !c.done) {
                        continue; // an empty page with more to come
                    }
                    // A failure stops the read before the millisecond the failed function's
                    // lines reached (its next page may hold more of that millisecond).
                    let stop = cursors
                        .iter()
                        .filter(|c| c.failed)
                        .map(|c| c.pages.reached_ms().unwrap_or(from_ms) - 1)
                        .min();
                    // Lines up to the oldest newest line of the functions still being read.
                    let watermark = cursors
                        .iter()
                        .filter(|c| !c.done)
                        .filter_map(|c| c.held.back().map(|e| e.at_ms))
                        .min()
                        .unwrap_or(i64::MAX)
                        .min(stop.unwrap_or(i64::MAX));
                    let mut batch = Vec::new();
                    for c in &mut cursors {
                        while c.held.front().is_some_and(|e| e.at_ms <= watermark) {
                            batch.extend(c.held.pop_front());
                        }
                    }
                    // A page older than the one before it (never from AWS, which sorts) could
                    // hold every reader back: hand on what is held rather than wait forever.
                    if batch.is_empty()
                        && stop.is_none()
                        && cursors.iter().all(|c| !c.held.is_empty() || c.done)
                    {
                        for c in &mut cursors {
                            batch.extend(c.held.drain(..));
                        }
                    }
                    if !batch.is_empty() {
                        sort(&mut batch);
                        emit(batch);
                    }
                    if let Some(stop) = stop {
                        return Streamed {
                            failures,
                            missing,
                            through_ms: stop,
                        };
                    }
                    if cursors.iter().all(|c| c.done && c.held.is_empty()) {
                        return Streamed {
                            failures,
                            missing,
                            through_ms: to_ms,
                        };
                    }
                }
            }
        }
    }

    /// Where a function's lines are (AWS only).
    pub fn place(&self, key: &FunctionKey) -> Option<super::aws::logs::LogPlace> {
        match self {
            LogReader::Aws { places, .. } => Some(places.place(key)),
            LogReader::Demo(_) => None,
        }
    }

    /// The CloudWatch Logs client of a region (AWS only).
    pub fn client(&self, region: &str) -> Option<&aws_sdk_cloudwatchlogs::Client> {
        match self {
            LogReader::Aws { clients, .. } => clients.get(region),
            LogReader::Demo(_) => None,
        }
    }
}
