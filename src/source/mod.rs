//! Sources: background tasks that read the world (the demo fleet now, AWS next) and send plain
//! data to the app loop. They never touch the terminal and never see the store; a failure is
//! data too (`SourceEvent::Problem`).

pub mod aws;
pub mod cost;
pub mod cost_cache;
pub mod demo;
pub mod logs;
pub mod runner;
pub mod tail;

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::Serialize;

use crate::store::{FunctionFacts, FunctionKey, Metric, Minute, MinuteRange, ProblemKind};

/// Which world the store reflects: shown in the header and in `snapshot` JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Demo,
    Aws,
}

/// A run of one metric of one function.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricUpdate {
    pub key: FunctionKey,
    pub metric: Metric,
    /// Minutes with their value, or `None` for a minute known to have no data.
    pub points: Vec<(Minute, Option<f64>)>,
    /// The newest minute when it is still filling.
    pub partial: Option<Minute>,
}

/// What a source reports.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceEvent {
    /// Every function of a region: those missing from it have been deleted.
    Inventory {
        region: String,
        functions: Vec<FunctionFacts>,
    },
    Metrics(MetricUpdate),
    /// Something the source covers is unavailable: a region, a service, a statistic.
    Problem {
        source: String,
        scope: String,
        kind: ProblemKind,
        message: String,
        at: DateTime<Utc>,
    },
    /// The account's concurrent-executions limit in a region, where the caller may read it.
    RegionLimit {
        region: String,
        concurrency_limit: Option<u32>,
    },
    /// Peak concurrent executions of a region as a whole, minute by minute.
    RegionConcurrency {
        region: String,
        points: Vec<(Minute, Option<f64>)>,
    },
    /// A region's own sum of invocations, errors or throttles, minute by minute.
    RegionSum {
        region: String,
        metric: Metric,
        points: Vec<(Minute, Option<f64>)>,
    },
    /// Init durations of a function's cold starts over `covered` (replacing what the store had
    /// for those minutes).
    InitDurations {
        key: FunctionKey,
        covered: MinuteRange,
        samples: Vec<(Minute, f64)>,
    },
    /// Log events of what is being tailed (possibly seen before: the store keeps each once).
    Logs(Vec<logs::LogEvent>),
    /// The tail follows something new: the lines of the old target go.
    LogsReset,
    /// Cost Explorer's month to date (fresh, or from the disk cache).
    Cost(Box<crate::store::cost::CostReport>),
    /// The dashboard's own requests to AWS so far (running totals).
    ApiUsage(aws::usage::ApiUsage),
    /// The problem of that scope is over.
    Resolved {
        source: String,
        scope: String,
    },
    /// A poll started or ended: panes show loading state and data age from it.
    Status {
        source: String,
        state: LoadingState,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadingState {
    Loading,
    Loaded,
    Failed,
}

/// What the log pane follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailTarget {
    pub functions: Vec<FunctionKey>,
    /// How the pane names it: a function, or a project.
    pub label: String,
    /// Only these milliseconds (both ends included), read once: the logs of a minute picked
    /// on a graph. `None`: follow.
    pub range_ms: Option<(i64, i64)>,
    /// Log group ARNs by region, for a Live Tail session (where the functions' ARNs are known).
    pub log_group_arns: Vec<(String, String)>,
    /// A filter pattern for CloudWatch to apply (the JSON and space-delimited forms, which only
    /// it understands); text patterns are applied on screen.
    pub filter: Option<String>,
}

/// What the app asks of sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Poll now instead of waiting for the next tick.
    RefreshNow,
    /// Follow these functions' logs (`None`: stop).
    Tail(Option<TailTarget>),
    /// The functions on screen now: metric pollers keep these at full cadence.
    Watch(Vec<FunctionKey>),
}

/// A poller: the runner calls `poll` at its cadence and on demand.
pub trait Source: Send + 'static {
    /// Short name used in problems and the status line, e.g. `demo`, `metrics`.
    fn name(&self) -> &str;

    /// How often the runner polls.
    fn cadence(&self) -> Duration;

    /// Everything new since the previous poll; the first poll fills the history.
    fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>>;

    /// Whether the poll in progress has more parts: a source that hands a long poll over in
    /// parts (so that the whole never sits in memory at once) is polled again at once.
    fn has_more(&self) -> bool {
        false
    }

    /// Whether its polls count for the data age and the loading state on screen.
    fn tracks_status(&self) -> bool {
        true
    }

    /// The user asked for fresh data: the next poll should refresh everything it caches.
    fn refresh_all(&mut self) {}

    /// A command from the app; returns whether to poll at once.
    fn command(&mut self, command: &Command) -> bool {
        match command {
            Command::RefreshNow => {
                self.refresh_all();
                true
            }
            Command::Tail(_) | Command::Watch(_) => false,
        }
    }
}
