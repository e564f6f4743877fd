//! Sources: background tasks that read the world (the demo fleet, or AWS) and send plain
//! data to the app loop. They never touch the terminal and never see the store; a failure is
//! data too (`SourceEvent::Problem`).

pub mod account;
pub mod aws;
pub mod demo;
pub mod insights;
pub mod live_tail;
pub mod log_reader;
pub mod logs;
pub mod runner;
pub mod tail;
pub mod timing;

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
    /// The functions' ARNs, where the inventory gave them: the tail finds their log groups
    /// from them for a Live Tail session.
    pub function_arns: Vec<String>,
    /// A filter pattern for CloudWatch to apply (the JSON and space-delimited forms, which only
    /// it understands); text patterns are applied on screen.
    pub filter: Option<String>,
}

impl TailTarget {
    /// At most this many functions are tailed at once: FilterLogEvents has a request-rate
    /// quota.
    pub const MAX_FUNCTIONS: usize = 10;

    /// Follow `functions` (with the ARNs known of them).
    pub fn follow(label: String, functions: Vec<FunctionKey>, function_arns: Vec<String>) -> Self {
        Self {
            functions,
            label,
            range_ms: None,
            function_arns,
            filter: None,
        }
    }

    /// Read `functions` over `range_ms` once.
    pub fn minute(label: String, functions: Vec<FunctionKey>, range_ms: (i64, i64)) -> Self {
        Self {
            functions,
            label,
            range_ms: Some(range_ms),
            function_arns: Vec::new(),
            filter: None,
        }
    }
}

/// What the app orders of the sources. Each order arrives: they travel on a channel of their
/// own, apart from the latest-wins list of what is on screen (`Source::watch`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// Poll now instead of waiting for the next tick.
    PollNow,
    /// Follow these functions' logs (`None`: stop).
    Tail(Option<TailTarget>),
    /// Read this function's versions and aliases: its detail is open.
    Inspect(FunctionKey),
    /// The window figures are shown over: what duration distributions are read over, and,
    /// for a window longer than the minutes kept or in the past, what is read at its period.
    Window(crate::store::Window),
    /// Read every line of one request of a tailed function (FilterLogEvents with its id),
    /// around the time its lines held say: its invocation was opened.
    ReadRequest {
        function: FunctionKey,
        request_id: String,
        around_ms: i64,
    },
    /// Run a Logs Insights query over the tailed functions' logs from `from_ms` to `to_ms`;
    /// `seq` numbers the pane's queries, so an old answer never stands for a new one.
    Insights {
        seq: u64,
        query: String,
        from_ms: i64,
        to_ms: i64,
    },
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

    /// The user asked for fresh data: the next poll re-reads everything it caches.
    fn forget_cached(&mut self) {}

    /// An order from the app; returns whether to poll at once.
    fn control(&mut self, control: &Control) -> bool {
        match control {
            Control::PollNow => {
                self.forget_cached();
                true
            }
            _ => false,
        }
    }

    /// The functions on screen now: metric pollers keep these at full cadence.
    fn watch(&mut self, _on_screen: &[FunctionKey]) {}

    /// Whether a poll may be dropped half-way when an order arrives, so that the order is
    /// carried out at once instead of after a slow poll.
    fn polls_may_be_cut(&self) -> bool {
        false
    }
}
