//! REPORT reads as a source of their own, one per region, so that reading logs can never
//! delay a metrics poll. Each poll reads the REPORT and `Task timed out` lines of the next few
//! functions (round-robin, within FilterLogEvents' request quota), each since it was last
//! read and never before the history kept. Pages are folded as they arrive, and a read stops
//! after `LINES_PER_READ` lines at the last minute it read whole: the minutes after it are read
//! on the function's next turn, and a figure is never made from part of a minute's lines.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::errors::AwsError;
use super::logs::{LogPlaces, PageReader, is_missing_group};
use super::plan::{OVERLAP_MINUTES, SETTLE_MINUTES};
use super::reports::{Fold, pattern};
use crate::source::{Source, SourceEvent};
use crate::store::{FunctionKey, Minute, MinuteRange, ProblemKind};

/// Functions whose REPORT lines are read each poll.
const FUNCTIONS_PER_POLL: usize = 10;
/// How far back the first read of a function's REPORT lines goes.
const FIRST_MINUTES: i64 = 15;
/// How long the first poll waits for the region's inventory (a call's whole time budget).
const INVENTORY_WAIT: Duration = Duration::from_secs(45);
/// Lines a read folds at most before it stops at the last whole minute.
pub const LINES_PER_READ: usize = 20_000;

pub struct ReportSource {
    name: String,
    region: String,
    logs: aws_sdk_cloudwatchlogs::Client,
    places: LogPlaces,
    clock: super::server_clock::ServerClock,
    usage: super::usage::UsageCounter,
    cadence: Duration,
    history_minutes: u32,
    /// Per function, the newest minute whose REPORT lines were read whole.
    read: HashMap<String, Minute>,
    /// Where the round-robin goes on.
    cursor: usize,
}

/// What one function's read brought: the minutes it covered whole, and its figures.
struct Read {
    covered: MinuteRange,
    events: Vec<SourceEvent>,
}

impl ReportSource {
    pub fn new(
        region: &str,
        logs: aws_sdk_cloudwatchlogs::Client,
        shared: super::region::Shared,
        cadence: Duration,
        history_minutes: u32,
    ) -> Self {
        Self {
            name: format!("aws {region} reports"),
            region: region.to_string(),
            logs,
            places: shared.places,
            clock: shared.clock,
            usage: shared.usage,
            cadence,
            history_minutes,
            read: HashMap::new(),
            cursor: 0,
        }
    }

    async fn poll_reports(&mut self, local: DateTime<Utc>) -> Vec<SourceEvent> {
        // The functions come from the region's inventory, asked for at the same moment.
        let wait_until = tokio::time::Instant::now() + INVENTORY_WAIT;
        while !self.places.was_asked(&self.region) && tokio::time::Instant::now() < wait_until {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // A function whose system logs are at WARN sends no REPORT record: nothing to read,
        // and its figures stay unknown rather than counted as none.
        let functions = self.places.reporting_functions_of(&self.region);
        if functions.is_empty() {
            return Vec::new();
        }
        let now = self.clock.now(local);
        let current = Minute::of(now);
        // A REPORT line is stamped when its invocation ends, and logs land in seconds.
        let settled = current.minus(SETTLE_MINUTES);
        let n = functions.len();
        let picked: Vec<&String> = (0..FUNCTIONS_PER_POLL.min(n))
            .map(|k| &functions[(self.cursor + k) % n])
            .collect();
        self.cursor = (self.cursor + picked.len()) % n;
        let history = self.history_minutes;
        let reads = futures::future::join_all(picked.iter().map(|name| {
            let first = read_from(self.read.get(*name).copied(), current, history);
            let key = FunctionKey::new(&self.region, name.as_str());
            let range = MinuteRange::new(first, settled);
            read_one(&self.logs, &self.places, key, range, now)
        }))
        .await;
        let mut events = Vec::new();
        let mut failure = None;
        for (key, read) in reads {
            match read {
                Ok(read) => {
                    events.extend(read.events);
                    self.read.insert(key.name, read.covered.last);
                }
                // In its own group: never ran, so never logged; nothing to read yet. A group
                // its configuration names should be there: its figures cannot be read.
                Err(e) if is_missing_group(&e) => {
                    let place = self.places.place(&key);
                    if place.own_streams.is_some() {
                        failure = Some(AwsError::new(
                            ProblemKind::Service,
                            format!(
                                "no log group {} (named in {}'s logging configuration)",
                                place.group, key.name
                            ),
                        ));
                    }
                }
                Err(e) => failure = Some(e),
            }
        }
        let scope = format!("{} reports", self.region);
        events.push(match failure {
            Some(e) => SourceEvent::Problem {
                source: self.name.clone(),
                scope,
                kind: e.kind,
                message: e.message,
                at: local,
            },
            None => SourceEvent::Resolved {
                source: self.name.clone(),
                scope,
            },
        });
        events.push(SourceEvent::ApiUsage(self.usage.snapshot()));
        events
    }
}

/// Reads `key`'s REPORT lines over `range` (settled minutes), folding pages as they arrive,
/// and stops after `LINES_PER_READ` lines at the last minute read whole.
async fn read_one(
    client: &aws_sdk_cloudwatchlogs::Client,
    places: &LogPlaces,
    key: FunctionKey,
    range: MinuteRange,
    now: DateTime<Utc>,
) -> (FunctionKey, Result<Read, AwsError>) {
    let place = places.place(&key);
    let (from_ms, to_ms) = (range.first.start_ms(), now.timestamp_millis());
    let mut fold = Fold::default();
    let mut lines = 0usize;
    let mut covered = range;
    // A shared group's days in order: a cut in one leaves the minutes before it whole.
    'read: for prefix in place.prefixes(from_ms, to_ms) {
        let at = (place.group.as_str(), prefix.as_deref());
        let mut pages =
            PageReader::new(client, &key, at, from_ms, to_ms, Some(pattern(place.json)));
        while let Some(page) = pages.next().await {
            let events = match page {
                Ok(events) => events,
                Err(e) => return (key, Err(e)),
            };
            lines += events.len();
            fold.add(&events);
            if lines >= LINES_PER_READ {
                // The newest minute read may have more lines on the next page.
                let reached = pages.reached_ms().map_or(range.first, Minute::of_ms);
                covered.last = covered.last.min(reached.minus(1));
                break 'read;
            }
        }
    }
    if covered.last < covered.first {
        // Not one minute whole: read again from the same place next turn.
        let events = Vec::new();
        let covered = MinuteRange::new(range.first, range.first.minus(OVERLAP_MINUTES));
        return (key, Ok(Read { covered, events }));
    }
    let events = fold.finish(&key, covered, covered.last);
    (key, Ok(Read { covered, events }))
}

/// Where a function's REPORT read starts: a little before where its last one settled, or 15
/// minutes back the first time — and never before the history kept, however long ago the last
/// read was (on a big fleet each function's turn comes round hours apart).
fn read_from(last: Option<Minute>, current: Minute, history_minutes: u32) -> Minute {
    let oldest = current.minus(i64::from(history_minutes));
    last.map_or(current.minus(FIRST_MINUTES), |m| {
        m.minus(OVERLAP_MINUTES - 1)
    })
    .max(oldest)
}

impl Source for ReportSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn cadence(&self) -> Duration {
        self.cadence
    }

    fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
        Box::pin(self.poll_reports(now))
    }

    /// Its figures are a column among many: a slow read of logs is no stale dashboard.
    fn tracks_status(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_read_never_reaches_before_the_history_kept() {
        let now = Minute(1_000_000);
        assert_eq!(read_from(None, now, 180), now.minus(FIRST_MINUTES));
        assert_eq!(
            read_from(Some(now.minus(10)), now, 180),
            now.minus(10 + OVERLAP_MINUTES - 1)
        );
        // Last read sixteen hours ago: only the three hours the store keeps.
        assert_eq!(read_from(Some(now.minus(960)), now, 180), now.minus(180));
    }
}
