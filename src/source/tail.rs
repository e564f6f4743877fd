//! The log tail: a `Source` that follows whatever the log pane shows (a function, or a
//! project's functions), told by `Command::Tail`. It polls FilterLogEvents (or the demo fleet's
//! logs) every two seconds, each poll looking back a minute for late-ingested lines, and sends
//! only events it has not sent before. A new target first fills the last 15 minutes.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::aws::logs::{filter_events, is_missing_group};
use super::demo::logs::DemoLogs;
use super::logs::{Dedupe, LogEvent};
use super::{Command, Source, SourceEvent, TailTarget};

pub const CADENCE: Duration = Duration::from_secs(2);
/// How far back a new target starts.
const FILL_MS: i64 = 15 * 60_000;
/// How far each poll looks behind the previous one.
const OVERLAP_MS: i64 = 60_000;
/// At most this many functions are tailed at once: FilterLogEvents has a request-rate quota.
pub const MAX_TAILED: usize = 10;

pub enum Fetcher {
    Demo(DemoLogs),
    /// CloudWatch Logs clients by region.
    Aws(HashMap<String, aws_sdk_cloudwatchlogs::Client>),
}

pub struct TailSource {
    fetcher: Fetcher,
    target: Option<TailTarget>,
    cursor_ms: Option<i64>,
    dedupe: Dedupe,
    /// A fixed range was read: nothing more to fetch until the target changes.
    done: bool,
}

impl TailSource {
    pub fn new(fetcher: Fetcher) -> Self {
        Self {
            fetcher,
            target: None,
            cursor_ms: None,
            dedupe: Dedupe::default(),
            done: false,
        }
    }

    async fn fetch(
        &self,
        target: &TailTarget,
        from_ms: i64,
        to_ms: i64,
    ) -> (Vec<LogEvent>, Vec<String>) {
        let functions = &target.functions[..target.functions.len().min(MAX_TAILED)];
        match &self.fetcher {
            Fetcher::Demo(logs) => {
                let mut events = Vec::new();
                for f in functions {
                    events.extend(
                        logs.events(std::slice::from_ref(&f.name), from_ms, to_ms)
                            .into_iter()
                            .filter(|e| e.function == *f),
                    );
                }
                (events, Vec::new())
            }
            Fetcher::Aws(clients) => {
                let reads = futures::future::join_all(functions.iter().filter_map(|f| {
                    let client = clients.get(&f.region)?;
                    Some(async move { filter_events(client, f, from_ms, to_ms, None).await })
                }))
                .await;
                let mut events = Vec::new();
                let mut failures = Vec::new();
                for r in reads {
                    match r {
                        Ok(e) => events.extend(e),
                        // A function that never ran has no log group yet: nothing to show.
                        Err(e) if is_missing_group(&e) => {}
                        Err(e) => failures.push(e.message),
                    }
                }
                (events, failures)
            }
        }
    }
}

impl Source for TailSource {
    fn name(&self) -> &str {
        "logs"
    }

    fn cadence(&self) -> Duration {
        CADENCE
    }

    fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
        Box::pin(async move {
            let Some(target) = self.target.clone() else {
                return Vec::new();
            };
            if self.done {
                return Vec::new();
            }
            let (from_ms, to_ms) = match (target.range_ms, self.cursor_ms) {
                (Some(range), _) => {
                    self.done = true;
                    range
                }
                (None, Some(c)) => (c - OVERLAP_MS, now.timestamp_millis()),
                (None, None) => (now.timestamp_millis() - FILL_MS, now.timestamp_millis()),
            };
            let (events, failures) = self.fetch(&target, from_ms, to_ms).await;
            self.cursor_ms = Some(to_ms);
            self.dedupe.forget_before(to_ms - 10 * OVERLAP_MS);
            let fresh = self.dedupe.fresh(events);
            let mut out = Vec::new();
            match failures.first() {
                Some(message) => out.push(SourceEvent::Problem {
                    source: "logs".into(),
                    scope: "logs".into(),
                    kind: crate::store::ProblemKind::Service,
                    message: message.clone(),
                    at: now,
                }),
                None => out.push(SourceEvent::Resolved {
                    source: "logs".into(),
                    scope: "logs".into(),
                }),
            }
            if !fresh.is_empty() {
                out.push(SourceEvent::Logs(fresh));
            }
            out
        })
    }

    fn command(&mut self, command: &Command) -> bool {
        match command {
            Command::Tail(target) => {
                self.target = target.clone();
                self.cursor_ms = None;
                self.dedupe = Dedupe::default();
                self.done = false;
                true
            }
            Command::RefreshNow => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{FunctionKey, Minute};

    #[test]
    fn a_minute_is_read_once_and_a_follow_keeps_going() {
        let start = Minute(29_000_000);
        let mut tail = TailSource::new(Fetcher::Demo(DemoLogs::new(7, start, 180)));
        let key = FunctionKey::new("us-east-1", "payments-charge");
        let m = start.minus(10);
        let range = (m.0 * 60_000, m.0 * 60_000 + 59_999);
        assert!(tail.command(&Command::Tail(Some(TailTarget {
            functions: vec![key.clone()],
            label: "x".into(),
            range_ms: Some(range),
        }))));
        let now = start.start();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let first = rt.block_on(tail.poll(now));
        let lines: Vec<&LogEvent> = first
            .iter()
            .filter_map(|e| match e {
                SourceEvent::Logs(l) => Some(l),
                _ => None,
            })
            .flatten()
            .collect();
        assert!(!lines.is_empty());
        assert!(
            lines
                .iter()
                .all(|e| (range.0..=range.1).contains(&e.at_ms) && e.function == key)
        );
        assert!(rt.block_on(tail.poll(now)).is_empty(), "read once");

        tail.command(&Command::Tail(Some(TailTarget {
            functions: vec![key],
            label: "x".into(),
            range_ms: None,
        })));
        let filled = rt.block_on(tail.poll(now));
        assert!(
            filled
                .iter()
                .any(|e| matches!(e, SourceEvent::Logs(l) if l.len() > lines.len()))
        );
        let again = rt.block_on(tail.poll(now + chrono::Duration::seconds(2)));
        assert!(
            !again.iter().any(|e| matches!(e, SourceEvent::Logs(_))),
            "nothing new, nothing sent"
        );
    }
}
