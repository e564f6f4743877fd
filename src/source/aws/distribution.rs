//! Duration distributions from CloudWatch, over every invocation of the window (REPORT reads
//! may see a part of them, so where both are read this one is shown): one GetMetricData query
//! per figure with a period as long as the window, so each answers with one datapoint —
//! `Duration` SampleCount, `p50`, `p90`, `p99`, `p99.9`, and one percentile rank `PR(a:b)` per
//! bucket (CloudWatch User Guide, *Statistics definitions*: "the percentage of data points
//! that have a value between a and b", lower bound exclusive, upper inclusive). That is 24 metrics a function, billed per metric like every
//! GetMetricData query, so only what is on screen or opened is asked for, and each at most
//! every `REREAD` (a small fleet with nothing on screen — `snapshot` — is asked for whole).
//!
//! A region whose percentiles fail (some endpoints refuse them) says so under the same
//! problem as its p99: it is the same statistic family, and one line says it.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::errors::AwsError;
use super::metrics::{MAX_QUERIES, lambda_query_over, run};
use crate::source::{Control, Source, SourceEvent};
use crate::store::distribution::{BUCKETS, CloudWatchDurations, PERCENTILES, rank_statistic};
use crate::store::{FunctionKey, Window};

/// A function's distribution is asked for again at most this often.
const REREAD: chrono::Duration = chrono::Duration::minutes(10);
/// Functions on screen read in one poll, at most.
const PER_POLL: usize = 40;
/// With nothing on screen, a region this small is read whole.
const ALL_UP_TO: usize = 100;
/// How long the first poll waits for the region's inventory.
const INVENTORY_WAIT: Duration = Duration::from_secs(45);
/// Figures asked for per function: the sample count, the percentiles, the ranks.
pub const PER_FUNCTION: usize = 1 + PERCENTILES.len() + BUCKETS;

pub struct DistributionSource {
    name: String,
    region: String,
    cloudwatch: aws_sdk_cloudwatch::Client,
    places: super::logs::LogPlaces,
    usage: super::usage::UsageCounter,
    window: Window,
    /// On screen in this region, as the app last said (`None`: it never said).
    watched: Option<Vec<String>>,
    /// The function whose detail opened, read at once.
    inspected: Option<String>,
    /// When each function was last read, and over which window.
    read: HashMap<String, (DateTime<Utc>, Window)>,
}

impl DistributionSource {
    pub fn new(
        region: &str,
        cloudwatch: aws_sdk_cloudwatch::Client,
        places: super::logs::LogPlaces,
        usage: super::usage::UsageCounter,
    ) -> Self {
        Self {
            // The region source's name: its p99 problem is this one's too.
            name: format!("aws {region}"),
            region: region.to_string(),
            cloudwatch,
            places,
            usage,
            window: Window::M15,
            watched: None,
            inspected: None,
            read: HashMap::new(),
        }
    }

    /// The functions this poll reads: the one opened, then those on screen not read lately.
    async fn due(&mut self, now: DateTime<Utc>) -> Vec<String> {
        let mut due: Vec<String> = self.inspected.take().into_iter().collect();
        let stale = |read: &HashMap<String, (DateTime<Utc>, Window)>, name: &String| {
            read.get(name)
                .is_none_or(|(at, w)| *w != self.window || now - *at >= REREAD)
        };
        let cap = if self.watched.is_some() {
            PER_POLL
        } else {
            ALL_UP_TO
        };
        let candidates = match &self.watched {
            Some(names) => names.clone(),
            None => {
                let wait_until = tokio::time::Instant::now() + INVENTORY_WAIT;
                while !self.places.was_asked(&self.region)
                    && tokio::time::Instant::now() < wait_until
                {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                let all = self.places.functions_of(&self.region);
                if all.len() > ALL_UP_TO {
                    Vec::new()
                } else {
                    all
                }
            }
        };
        for name in candidates {
            if due.len() >= cap {
                break;
            }
            if !due.contains(&name) && stale(&self.read, &name) {
                due.push(name);
            }
        }
        due
    }

    /// Reads `functions`' distributions: the events of those answered whole, and the first
    /// failure, if any (a function with a failed query keeps what the store had, and is read
    /// again next poll; the others stand).
    async fn read(
        &self,
        functions: &[String],
        now: DateTime<Utc>,
    ) -> (Vec<(String, SourceEvent)>, Option<AwsError>) {
        let range = self.window.range(now);
        // One period as long as the window's buckets: one datapoint a statistic.
        let period = i32::try_from(range.minutes() * 60).unwrap_or(i32::MAX);
        let mut events = Vec::new();
        let mut failure = None;
        for batch in functions.chunks(MAX_QUERIES / PER_FUNCTION) {
            let queries = batch
                .iter()
                .enumerate()
                .flat_map(|(f, name)| {
                    statistics().into_iter().enumerate().map(move |(k, stat)| {
                        let dims = [("FunctionName", name.as_str())];
                        lambda_query_over(&format!("d{f}_{k}"), "Duration", &dims, &stat, period)
                    })
                })
                .collect();
            let answer = match run(&self.cloudwatch, queries, range).await {
                Ok(answer) => answer,
                Err(e) => {
                    failure.get_or_insert(e);
                    continue;
                }
            };
            for (f, name) in batch.iter().enumerate() {
                let id = |k: usize| format!("d{f}_{k}");
                if let Some(e) = (0..PER_FUNCTION).find_map(|k| answer.failed.get(&id(k))) {
                    failure.get_or_insert_with(|| e.clone());
                    continue;
                }
                let value = |k: usize| {
                    answer
                        .values
                        .get(&id(k))
                        .and_then(|v| v.values().next().copied())
                };
                // No datapoint for the sample count: nothing ran, so no distribution.
                let samples = value(0);
                let stats = CloudWatchDurations {
                    range,
                    read_at: now,
                    samples,
                    percentiles: std::array::from_fn(|i| value(1 + i)),
                    shares: std::array::from_fn(|i| {
                        value(1 + PERCENTILES.len() + i).or(samples.map(|_| 0.0))
                    }),
                };
                let event = SourceEvent::DurationStats {
                    key: FunctionKey::new(&self.region, name),
                    stats: Box::new(stats),
                };
                events.push((name.clone(), event));
            }
        }
        (events, failure)
    }

    async fn poll_at(&mut self, now: DateTime<Utc>) -> Vec<SourceEvent> {
        let due = self.due(now).await;
        if due.is_empty() {
            return Vec::new();
        }
        let (read, failure) = self.read(&due, now).await;
        let mut events = Vec::with_capacity(read.len() + 2);
        for (name, event) in read {
            self.read.insert(name, (now, self.window));
            events.push(event);
        }
        if let Some(e) = failure {
            events.push(e.problem(&self.name, format!("{} p99", self.region), now));
        }
        events.push(SourceEvent::ApiUsage(self.usage.snapshot()));
        events
    }
}

/// The statistics asked for per function, in the order of the query ids.
fn statistics() -> Vec<String> {
    let mut out = vec!["SampleCount".to_string()];
    out.extend(PERCENTILES.iter().map(|p| p.to_string()));
    out.extend((0..BUCKETS).map(rank_statistic));
    out
}

impl Source for DistributionSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn cadence(&self) -> Duration {
        Duration::from_secs(60)
    }

    fn tracks_status(&self) -> bool {
        false
    }

    fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
        Box::pin(self.poll_at(now))
    }

    fn control(&mut self, control: &Control) -> bool {
        match control {
            Control::Inspect(k) if k.region == self.region => {
                self.inspected = Some(k.name.clone());
                true
            }
            Control::Window(w) => {
                self.window = *w;
                false
            }
            _ => false,
        }
    }

    fn watch(&mut self, on_screen: &[FunctionKey]) {
        self.watched = Some(super::names_in(&self.region, on_screen));
    }
}
