//! REPORT reads as a source of their own, one per region, so that reading logs can never
//! delay a metrics poll. Each poll reads the REPORT and `Task timed out` lines of a few
//! functions (within FilterLogEvents' request quota): half of them among the functions on
//! screen, in turn, then a few of those the metrics saw failing lately, in turn, and the rest
//! round the whole region, each since it was last read and never before the history kept. A
//! row someone is looking at, or a function in breach, has its cold starts and timeouts
//! within a few polls, whatever the fleet's size. Pages are folded as they arrive, and a read stops
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
/// Of those, how many may be functions on screen,
const ON_SCREEN_PER_POLL: usize = FUNCTIONS_PER_POLL / 2;
/// and how many functions that failed lately (the rest go round the region).
const IN_BREACH_PER_POLL: usize = 3;
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
    /// Which functions the region's metrics saw failing lately.
    capacity: super::capacity::Registry,
    clock: super::server_clock::ServerClock,
    usage: super::usage::UsageCounter,
    cadence: Duration,
    history_minutes: u32,
    /// Per function, the newest minute whose REPORT lines were read whole.
    read: HashMap<String, Minute>,
    /// Where the round-robin goes on.
    cursor: usize,
    /// This region's functions on screen, and where their turns go on.
    on_screen: Vec<String>,
    /// Where the turns of the functions in breach go on.
    in_breach_cursor: usize,
    on_screen_cursor: usize,
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
            capacity: shared.capacity,
            clock: shared.clock,
            usage: shared.usage,
            cadence,
            history_minutes,
            read: HashMap::new(),
            cursor: 0,
            on_screen: Vec::new(),
            on_screen_cursor: 0,
            in_breach_cursor: 0,
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
        let in_breach = self.capacity.failing_of(&self.region);
        let picked = pick(
            &functions,
            [
                (
                    &self.on_screen,
                    ON_SCREEN_PER_POLL,
                    &mut self.on_screen_cursor,
                ),
                (&in_breach, IN_BREACH_PER_POLL, &mut self.in_breach_cursor),
            ],
            &mut self.cursor,
        );
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
                Err(e) => {
                    let group = self.places.place(&key).group;
                    failure = Some(super::logs::with_class(&self.logs, &[&group], e).await);
                }
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

/// The functions a poll reads, of the region's `functions` (sorted): for each of the
/// `first` lanes (the rows on screen, the functions in breach), up to as many of its names as
/// it may take, in turn from its cursor and not picked already; then the next ones round the
/// region from `cursor` until `FUNCTIONS_PER_POLL`. Every cursor moves on.
fn pick<'a>(
    functions: &'a [String],
    first: [(&Vec<String>, usize, &mut usize); 2],
    cursor: &mut usize,
) -> Vec<&'a String> {
    let n = functions.len();
    let limit = FUNCTIONS_PER_POLL.min(n);
    let mut picked: Vec<&'a String> = Vec::with_capacity(limit);
    for (names, most, lane_cursor) in first {
        let lane: Vec<&'a String> = names
            .iter()
            .filter_map(|s| functions.binary_search(s).ok().map(|i| &functions[i]))
            .filter(|f| !picked.contains(f))
            .collect();
        if lane.is_empty() {
            continue;
        }
        let take = most.min(lane.len()).min(limit - picked.len());
        let from = *lane_cursor % lane.len();
        picked.extend((0..take).map(|k| lane[(from + k) % lane.len()]));
        *lane_cursor = (from + take) % lane.len();
    }
    let mut visited = 0;
    while picked.len() < limit && visited < n {
        let f = &functions[(*cursor + visited) % n];
        if !picked.contains(&f) {
            picked.push(f);
        }
        visited += 1;
    }
    *cursor = (*cursor + visited) % n.max(1);
    picked
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

    /// The rows on screen are read first (half of each poll's reads).
    fn watch(&mut self, on_screen: &[FunctionKey]) {
        self.on_screen = super::names_in(&self.region, on_screen);
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

    /// Half of a poll's reads go to the functions on screen, in turn, then three to those
    /// in breach (the metrics saw them fail lately), in turn; the rest go on round the region,
    /// so a big fleet is still covered and a row looked at, or a function failing, is read
    /// within a few polls rather than hundreds.
    #[test]
    fn a_poll_reads_the_rows_on_screen_then_those_in_breach_then_the_rest() {
        let functions: Vec<String> = (0..100).map(|i| format!("f{i:03}")).collect();
        let names = |v: Vec<&String>| v.into_iter().cloned().collect::<Vec<_>>();
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        let (mut cursor, mut shown_cursor, mut breach_cursor) = (0, 0, 0);
        let mut poll = |fns: &[String], shown: &Vec<String>, breach: &Vec<String>| {
            let lanes = [
                (shown, ON_SCREEN_PER_POLL, &mut shown_cursor),
                (breach, IN_BREACH_PER_POLL, &mut breach_cursor),
            ];
            names(pick(fns, lanes, &mut cursor))
        };
        let none = Vec::new();
        // Nothing on screen or in breach: ten in turn.
        assert_eq!(poll(&functions, &none, &none), functions[..10]);
        // Seven on screen (one of another region): five of them, then five more in turn.
        let on_screen = list(&["f090", "f091", "f092", "f093", "f094", "f095", "gone"]);
        assert_eq!(
            poll(&functions, &on_screen, &none),
            list(&[
                "f090", "f091", "f092", "f093", "f094", "f010", "f011", "f012", "f013", "f014"
            ])
        );
        // The next poll takes the ones on screen not read yet, then three of the four in
        // breach (one of them on screen, read already), then the region goes on.
        let in_breach = list(&["f050", "f060", "f070", "f093"]);
        let third = poll(&functions, &on_screen, &in_breach);
        assert_eq!(&third[..5], ["f095", "f090", "f091", "f092", "f093"]);
        assert_eq!(&third[5..8], ["f050", "f060", "f070"]);
        assert_eq!(&third[8..], ["f015", "f016"]);
        // In breach alone: they go first, in turn.
        let fourth = poll(&functions, &none, &in_breach);
        assert_eq!(&fourth[..3], ["f050", "f060", "f070"]);
        assert_eq!(
            &fourth[3..],
            ["f017", "f018", "f019", "f020", "f021", "f022", "f023"]
        );
        // A small region is read whole, each once.
        let few: Vec<String> = functions[..4].to_vec();
        let all = poll(&few, &few[2..].to_vec(), &few[..1].to_vec());
        assert_eq!(all.len(), 4);
        assert!(few.iter().all(|f| all.contains(f)), "{all:?}");
    }
}
