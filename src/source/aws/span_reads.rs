//! A long or past window as a source of its own, one per region: GetMetricData at the
//! window's period over the whole window — invocations, errors and throttles (Sum), duration
//! (Average and p99) and concurrency (Maximum) of every function, and the region's own sums
//! and peak — so a day costs what an hour does (GetMetricData bills per metric, not per
//! datapoint) and the sums are CloudWatch's own over each period, the average weighted by
//! every invocation, the p99 CloudWatch's percentile of the period (CloudWatch User Guide,
//! *Statistics definitions*), never an average of minutes.
//!
//! A window in the past does not change: it is read once. A live one moves on: the functions
//! on screen are read again as each period passes (at most every five minutes), the others
//! every half hour, the region's own figures every period — as the minutes are (`plan`). A
//! read goes in parts of 100 functions (one request of the base statistics, one of the p99,
//! which some endpoints refuse), handed on as they come, so a 10,000 function fleet's day never
//! sits in memory whole.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::errors::AwsError;
use super::metrics::{self, MAX_QUERIES, lambda_query_over, settled_points};
use super::plan::SETTLE_MINUTES;
use crate::source::{Control, MetricUpdate, Source, SourceEvent};
use crate::store::{FunctionKey, Metric, Minute, MinuteRange, Pool, RegionFigure, Span, Window};

/// A statistic a window at a period is read for, per function: name, statistic, the store's
/// metric, and whether a settled bucket without a datapoint is a zero (a sum) or unknown.
type Stat = (&'static str, &'static str, Metric, bool);

/// The base statistics, in one request.
const BASE: [Stat; 5] = [
    ("Invocations", "Sum", Metric::Invocations, true),
    ("Errors", "Sum", Metric::Errors, true),
    ("Throttles", "Sum", Metric::Throttles, true),
    ("Duration", "Average", Metric::DurationAvg, false),
    (
        "ConcurrentExecutions",
        "Maximum",
        Metric::ConcurrencyMax,
        false,
    ),
];

/// The p99 in a request of its own, as the minutes' (`metrics`): some endpoints refuse
/// percentiles, which must cost the p99 column only.
const P99: [Stat; 1] = [("Duration", "p99", Metric::DurationP99, false)];

/// The region's own figures (no dimension), read with every pass: its sums, and the peaks of
/// its three pools (Lambda Developer Guide, *Monitoring concurrency*).
const REGION: [(&str, &str, RegionFigure); 6] = [
    ("Invocations", "Sum", RegionFigure::Sum(Metric::Invocations)),
    ("Errors", "Sum", RegionFigure::Sum(Metric::Errors)),
    ("Throttles", "Sum", RegionFigure::Sum(Metric::Throttles)),
    (
        "ConcurrentExecutions",
        "Maximum",
        RegionFigure::Pool(Pool::All),
    ),
    (
        "UnreservedConcurrentExecutions",
        "Maximum",
        RegionFigure::Pool(Pool::Unreserved),
    ),
    (
        "ClaimedAccountConcurrency",
        "Maximum",
        RegionFigure::Pool(Pool::Claimed),
    ),
];

/// Functions in one part: each asks `BASE.len()` queries of the 500 a request takes (and one
/// more in the p99's request).
const FUNCTIONS_PER_PART: usize = MAX_QUERIES / BASE.len();
/// A live window's functions off screen are read again this often.
const ALL_EVERY: chrono::Duration = chrono::Duration::minutes(30);
/// A live window's functions on screen, at most this often.
const WATCHED_EVERY_MIN: chrono::Duration = chrono::Duration::minutes(5);
/// A function runs up to 15 minutes, and its figures land when it ends: a live window's buckets
/// newer than this are provisional.
const SLOWEST_SETTLE: i64 = 15 + SETTLE_MINUTES - 1;
/// How long the first poll waits for the region's inventory.
const INVENTORY_WAIT: Duration = Duration::from_secs(45);

pub struct SpanSource {
    name: String,
    region: String,
    cloudwatch: aws_sdk_cloudwatch::Client,
    places: super::logs::LogPlaces,
    usage: super::usage::UsageCounter,
    clock: super::server_clock::ServerClock,
    cadence: Duration,
    history_minutes: u32,
    window: Window,
    watched: Vec<String>,
    /// The span being read, and what is left of its pass.
    pass: Option<Pass>,
    /// The span read last, and when its functions were (all, and those on screen) and its
    /// region's figures.
    read: Option<Read>,
}

struct Pass {
    span: Span,
    range: MinuteRange,
    now: DateTime<Utc>,
    settled: Minute,
    functions: Vec<String>,
    next: usize,
    region: bool,
    /// Whether this pass reads every function, or those on screen (else the region's
    /// figures alone).
    all: bool,
    watched: bool,
    failure: Option<AwsError>,
    p99_failure: Option<AwsError>,
}

#[derive(Debug, Clone, Copy)]
struct Read {
    span: Span,
    all_at: Option<DateTime<Utc>>,
    watched_at: Option<DateTime<Utc>>,
    region_at: DateTime<Utc>,
}

impl Read {
    /// What of a live window read before is due again at `now`, for periods of `period`:
    /// every function, those on screen, the region's figures.
    fn due(&self, now: DateTime<Utc>, period: chrono::Duration) -> (bool, bool, bool) {
        (
            self.all_at.is_none_or(|at| now - at >= ALL_EVERY),
            self.watched_at
                .is_none_or(|at| now - at >= period.max(WATCHED_EVERY_MIN)),
            now - self.region_at >= period,
        )
    }

    /// What was read once `pass` went through (`before`: what was read of its span before).
    fn after(before: Option<Read>, pass: &Pass) -> Read {
        let mut read = before.unwrap_or(Read {
            span: pass.span,
            all_at: None,
            watched_at: None,
            region_at: pass.now,
        });
        read.region_at = pass.now;
        if pass.all {
            read.all_at = Some(pass.now);
        }
        // A pass of the region's figures alone read no function.
        if pass.all || pass.watched {
            read.watched_at = Some(pass.now);
        }
        read
    }
}

impl SpanSource {
    pub fn new(
        region: &str,
        cloudwatch: aws_sdk_cloudwatch::Client,
        shared: super::region::Shared,
        cadence: Duration,
        history_minutes: u32,
    ) -> Self {
        Self {
            name: format!("aws {region} span"),
            region: region.to_string(),
            cloudwatch,
            places: shared.places,
            usage: shared.usage,
            clock: shared.clock,
            cadence,
            history_minutes,
            window: Window::M15,
            watched: Vec::new(),
            pass: None,
            read: None,
        }
    }

    /// The pass a poll at `now` starts, if one is due: the whole window when it is new, else
    /// (a live one) what is due again.
    async fn begin(&mut self, now: DateTime<Utc>) -> Option<Pass> {
        let span = self.window.span(now, self.history_minutes)?;
        let range = self.window.range(now);
        let period = chrono::Duration::minutes(i64::from(range.period()));
        let (all, watched, region) = match self.read.filter(|r| r.span == span) {
            None => (true, false, true),
            // A window in the past does not change.
            Some(_) if span.end.is_some() => return None,
            Some(r) => r.due(now, period),
        };
        if !all && !watched && !region {
            return None;
        }
        let wait_until = tokio::time::Instant::now() + INVENTORY_WAIT;
        while !self.places.was_asked(&self.region) && tokio::time::Instant::now() < wait_until {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let functions = if all {
            self.places.functions_of(&self.region)
        } else if watched {
            self.watched.clone()
        } else {
            Vec::new()
        };
        let current = Minute::of(now);
        let settled = current.minus(SLOWEST_SETTLE).min(range.last_minute());
        Some(Pass {
            span,
            range,
            now,
            settled,
            functions,
            next: 0,
            region: true,
            all,
            watched,
            failure: None,
            p99_failure: None,
        })
    }

    /// The next part of the pass: the region's figures first, then a request's worth of
    /// functions.
    async fn part(&mut self, mut pass: Pass) -> Vec<SourceEvent> {
        let mut events = Vec::new();
        if std::mem::take(&mut pass.region) {
            match self.read_region(&pass).await {
                Ok(e) => events.extend(e),
                Err(e) => {
                    pass.failure.get_or_insert(e);
                }
            }
        }
        let end = (pass.next + FUNCTIONS_PER_PART).min(pass.functions.len());
        let batch = &pass.functions[pass.next..end];
        if !batch.is_empty() {
            // The functions answered stand; one whose query failed is read with the next pass.
            match self.read_functions(batch, &pass, &BASE).await {
                Ok((e, failed)) => {
                    events.extend(e);
                    if let Some(f) = failed {
                        pass.failure.get_or_insert(f);
                    }
                }
                Err(e) => {
                    pass.failure.get_or_insert(e);
                }
            }
            // A p99 refused is said under the region's p99 problem, and not asked again
            // and again: the window's other figures stand without it.
            let p99 = match self.read_functions(batch, &pass, &P99).await {
                Ok((e, failed)) => {
                    events.extend(e);
                    failed
                }
                Err(e) => Some(e),
            };
            if let Some(e) = p99 {
                pass.p99_failure.get_or_insert(e);
            }
        }
        pass.next = end;
        if pass.next < pass.functions.len() {
            self.pass = Some(pass);
        } else {
            self.finish(pass, &mut events);
        }
        events.push(SourceEvent::ApiUsage(self.usage.snapshot()));
        events
    }

    /// A pass done: when its parts were read, and its problem raised or cleared.
    fn finish(&mut self, pass: Pass, events: &mut Vec<SourceEvent>) {
        if let Some(e) = &pass.p99_failure {
            // The region source's name and scope: one line says percentiles fail here.
            let source = format!("aws {}", self.region);
            events.push(e.problem(&source, format!("{} p99", self.region), pass.now));
        }
        let scope = format!("{} span", self.region);
        match pass.failure {
            // Read again next poll: nothing is taken as read.
            Some(e) => events.push(e.problem(&self.name, scope, pass.now)),
            None => {
                let before = self.read.filter(|r| r.span == pass.span);
                self.read = Some(Read::after(before, &pass));
                events.push(super::errors::resolved(&self.name, scope));
            }
        }
    }

    /// `stats` of `functions` over the pass's window: the events of those answered whole, and
    /// the first failure of the others.
    async fn read_functions(
        &self,
        functions: &[String],
        pass: &Pass,
        stats: &[Stat],
    ) -> Result<(Vec<SourceEvent>, Option<AwsError>), AwsError> {
        let period = period_secs(pass.range);
        let queries = functions
            .iter()
            .enumerate()
            .flat_map(|(f, name)| {
                stats
                    .iter()
                    .enumerate()
                    .map(move |(k, (metric, stat, _, _))| {
                        let dims = [("FunctionName", name.as_str())];
                        lambda_query_over(&format!("s{f}_{k}"), metric, &dims, stat, period)
                    })
            })
            .collect();
        let answer = metrics::run(&self.cloudwatch, queries, pass.range).await?;
        let mut failure = None;
        let mut events = Vec::new();
        for (f, name) in functions.iter().enumerate() {
            let id = |k: usize| format!("s{f}_{k}");
            // A function with a query that failed keeps what the store had.
            if let Some(e) = (0..stats.len()).find_map(|k| answer.failed.get(&id(k))) {
                failure.get_or_insert_with(|| e.clone());
                continue;
            }
            for (k, (_, _, metric, sum)) in stats.iter().enumerate() {
                let got = answer.values.get(&id(k));
                events.push(SourceEvent::SpanMetrics {
                    span: pass.span,
                    update: Box::new(MetricUpdate {
                        key: FunctionKey::new(&self.region, name),
                        metric: *metric,
                        points: settled_points(got, pass.range, pass.settled, *sum),
                        settled: Some(pass.settled),
                    }),
                });
            }
        }
        Ok((events, failure))
    }

    async fn read_region(&self, pass: &Pass) -> Result<Vec<SourceEvent>, AwsError> {
        let period = period_secs(pass.range);
        let queries = REGION
            .iter()
            .enumerate()
            .map(|(k, (metric, stat, _))| {
                lambda_query_over(&format!("r{k}"), metric, &[], stat, period)
            })
            .collect();
        let answer = metrics::run(&self.cloudwatch, queries, pass.range).await?;
        let mut events = Vec::new();
        for (k, (_, stat, figure)) in REGION.iter().enumerate() {
            let id = format!("r{k}");
            if let Some(e) = answer.failed.get(&id) {
                return Err(e.clone());
            }
            events.push(SourceEvent::SpanRegion {
                span: pass.span,
                region: self.region.clone(),
                figure: *figure,
                points: settled_points(
                    answer.values.get(&id),
                    pass.range,
                    pass.settled,
                    *stat == "Sum",
                ),
                settled: Some(pass.settled),
            });
        }
        Ok(events)
    }
}

/// The period of `range`'s buckets, in seconds, as GetMetricData takes it.
fn period_secs(range: MinuteRange) -> i32 {
    i32::try_from(i64::from(range.period()) * 60).unwrap_or(i32::MAX)
}

impl Source for SpanSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn cadence(&self) -> Duration {
        self.cadence
    }

    fn poll(&mut self, local: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
        Box::pin(async move {
            let pass = match self.pass.take() {
                Some(p) => Some(p),
                None => self.begin(self.clock.now(local)).await,
            };
            match pass {
                Some(p) => self.part(p).await,
                None => Vec::new(),
            }
        })
    }

    fn control(&mut self, control: &Control) -> bool {
        match control {
            Control::Window(w) if *w != self.window => {
                self.window = *w;
                // A pass of another window is of no use now, and what was read for one shown
                // before is gone from the store: a window shown again is read again.
                self.pass = None;
                self.read = None;
                true
            }
            _ => false,
        }
    }

    fn watch(&mut self, on_screen: &[FunctionKey]) {
        self.watched = super::names_in(&self.region, on_screen);
    }

    fn has_more(&self) -> bool {
        self.pass.is_some()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// A live six hours: the region's figures are due every minute, the functions on screen
    /// every five, the others every half hour.
    #[test]
    fn a_pass_of_the_region_alone_leaves_the_functions_on_screen_due() {
        // A moment of its own, not the wall clock's: the test says the same at any hour.
        let t0 = chrono::TimeZone::with_ymd_and_hms(&Utc, 2027, 1, 1, 0, 2, 30).unwrap();
        let minute = chrono::Duration::minutes(1);
        let span = Span {
            period: 1,
            buckets: 360,
            end: None,
        };
        let pass = |now, all, watched| Pass {
            span,
            range: MinuteRange::buckets_ending_at(Minute::of(now), 360, 1),
            now,
            settled: Minute::of(now),
            functions: Vec::new(),
            next: 0,
            region: false,
            all,
            watched,
            failure: None,
            p99_failure: None,
        };
        let read = Read::after(None, &pass(t0, true, false));
        assert_eq!(read.due(t0 + minute, minute), (false, false, true));
        // The region's figures alone, a minute later, then four more minutes.
        let read = Read::after(Some(read), &pass(t0 + minute, false, false));
        assert_eq!(read.due(t0 + minute * 5, minute), (false, true, true));
        let read = Read::after(Some(read), &pass(t0 + minute * 5, false, true));
        assert_eq!(read.due(t0 + minute * 6, minute), (false, false, true));
        assert!(
            read.due(t0 + minute * 30, minute).0,
            "every function, each half hour"
        );
    }

    #[test]
    fn a_settled_bucket_without_a_datapoint_is_a_zero_sum_and_an_unknown_average() {
        let range = MinuteRange::buckets_ending_at(Minute(1_019), 4, 5);
        let got = HashMap::from([(Minute(1_005), 7.0)]);
        // Settled up to 1,014: the buckets of 1,000, 1,005 and 1,010; 1,015 still fills.
        let sums = settled_points(Some(&got), range, Minute(1_014), true);
        assert_eq!(
            sums,
            vec![
                (Minute(1_000), Some(0.0)),
                (Minute(1_005), Some(7.0)),
                (Minute(1_010), Some(0.0))
            ]
        );
        let averages = settled_points(Some(&got), range, Minute(1_014), false);
        assert_eq!(averages[0], (Minute(1_000), None));
        assert_eq!(averages.len(), 3);
    }
}
