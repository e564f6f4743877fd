//! Sources: background tasks that read the world (the demo fleet, or AWS) and send plain
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

use crate::store::FunctionKey;
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
// The events sources send are the store's vocabulary: it defines what it accepts.
pub use crate::store::event::{LoadingState, LogEvent, MetricUpdate, SourceEvent, SourceKind};

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
