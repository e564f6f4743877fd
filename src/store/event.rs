//! The events the store accepts: what sources report, as plain data. The store defines them so
//! that it depends on no source; sources build them and the app loop applies them
//! (`Store::apply`).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::cost::CostReport;
use super::usage::ApiUsage;
use super::{FunctionFacts, FunctionKey, Metric, Minute, MinuteRange, ProblemKind};

/// Which world the store reflects: shown in the header and in `snapshot` JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Demo,
    Aws,
}

/// A region's concurrency, counted three ways (Lambda Developer Guide, *Monitoring
/// concurrency*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pool {
    /// Every function (`ConcurrentExecutions`), against the account limit.
    All,
    /// Functions without reserved concurrency (`UnreservedConcurrentExecutions`), against the
    /// unreserved limit: what they throttle at.
    Unreserved,
    /// The unreserved executions plus every reservation and provisioned allocation
    /// (`ClaimedAccountConcurrency`), against the account limit: above it, nothing more can
    /// be reserved or provisioned.
    Claimed,
}

/// A run of one metric of one function.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricUpdate {
    pub key: FunctionKey,
    pub metric: Metric,
    /// Minutes with their value, or `None` for a minute known to have no data.
    pub points: Vec<(Minute, Option<f64>)>,
    /// The newest minute that will not change any more; the minutes after it are provisional
    /// (CloudWatch still adds datapoints to them). `None`: the source says nothing of it.
    pub settled: Option<Minute>,
}

/// One of a region's own figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionFigure {
    /// Peak concurrent executions of a pool.
    Pool(Pool),
    /// The region's own sum of invocations, errors or throttles.
    Sum(Metric),
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
    /// A run of one metric of one function over a long or past window, at its period: kept
    /// beside the minutes while the store keeps that span, dropped otherwise.
    SpanMetrics {
        span: super::Span,
        /// Boxed: every event is as large as the largest.
        update: Box<MetricUpdate>,
    },
    /// A region's own figure over a long or past window, at its period.
    SpanRegion {
        span: super::Span,
        region: String,
        figure: RegionFigure,
        points: Vec<(Minute, Option<f64>)>,
        settled: Option<Minute>,
    },
    /// Something the source covers is unavailable: a region, a service, a statistic.
    Problem {
        source: String,
        scope: String,
        kind: ProblemKind,
        message: String,
        at: DateTime<Utc>,
    },
    /// The account's concurrency limits in a region (GetAccountSettings), where the caller
    /// may read them.
    RegionLimit {
        region: String,
        /// `AccountLimit.ConcurrentExecutions`.
        concurrency_limit: Option<u32>,
        /// `AccountLimit.UnreservedConcurrentExecutions`: the limit less every function's
        /// reserved concurrency, the pool unreserved functions share and throttle against.
        unreserved_limit: Option<u32>,
    },
    /// Peak concurrent executions of a region's pool, minute by minute.
    RegionConcurrency {
        region: String,
        pool: Pool,
        points: Vec<(Minute, Option<f64>)>,
    },
    /// A region's own sum of invocations, errors or throttles, minute by minute.
    RegionSum {
        region: String,
        metric: Metric,
        points: Vec<(Minute, Option<f64>)>,
        /// The newest minute of the region's figures that will not change any more.
        settled: Option<Minute>,
    },
    /// Init durations of a function's cold starts over `covered` (replacing what the store had
    /// for those minutes).
    InitDurations {
        key: FunctionKey,
        covered: MinuteRange,
        /// A slice, not a `Vec`: every event is as large as the largest.
        samples: Box<[(Minute, f64)]>,
    },
    /// Durations of a function's invocations counted per minute from REPORT lines over
    /// `covered` (replacing what the store had for those minutes).
    ReportDurations {
        key: FunctionKey,
        covered: MinuteRange,
        counted: Box<[(Minute, [u32; super::distribution::BUCKETS])]>,
    },
    /// CloudWatch's percentiles and percentile ranks of a function's durations over a window.
    DurationStats {
        key: FunctionKey,
        /// Boxed: every event is as large as the largest.
        stats: Box<super::distribution::CloudWatchDurations>,
    },
    /// A function's reserved concurrency (`None`: none reserved).
    Reserved {
        key: FunctionKey,
        reserved: Option<u32>,
    },
    /// The published version a function's aliases route its traffic to (`None`: no alias,
    /// or one to `$LATEST`).
    Serving {
        key: FunctionKey,
        /// Boxed: most functions have none, and every event is as large as the largest.
        serving: Option<Box<super::Serving>>,
    },
    /// A function's provisioned concurrency, allocated over its versions and aliases (0:
    /// none configured).
    Provisioned {
        key: FunctionKey,
        allocated: u32,
    },
    /// A region's alarms as last read (DescribeAlarms): they replace what the store had.
    Alarms {
        region: String,
        /// Boxed: every event is as large as the largest.
        alarms: Box<super::alarms::RegionAlarms>,
    },
    /// A region's event-source mappings by function name, as last read (they replace what the
    /// store had), with their queues' backlog.
    EventSources {
        region: String,
        /// Boxed: every event is as large as the largest.
        by_function:
            Box<std::collections::BTreeMap<String, Vec<super::event_sources::EventSource>>>,
    },
    /// A function's versions and aliases, and each routed version's figures.
    Versions {
        key: FunctionKey,
        versions: Box<super::versions::Versions>,
    },
    /// Where a function's failed asynchronous events go (an on-failure destination; `None`:
    /// none configured).
    OnFailure {
        key: FunctionKey,
        destination: Option<String>,
    },
    /// Log events of what is being tailed (possibly seen before: the store keeps each once).
    Logs(Vec<LogEvent>),
    /// The tail follows something new: the lines of the old target go.
    LogsReset,
    /// Whether the lines streaming in are a sample (Live Tail above 500 events a second).
    LogsSampled(bool),
    /// A Logs Insights query the log pane ran, answered (or failed).
    Insights(Box<super::insights::InsightsResult>),
    /// A poll read these functions' figures at `at`; `whole`: every figure of the region was
    /// read, its own included. What the data's age is told from: a poll where most requests
    /// failed leaves the age growing.
    FiguresRead {
        region: String,
        functions: Vec<String>,
        whole: bool,
        at: DateTime<Utc>,
    },
    /// Whose account the credentials reach.
    Identity(super::Identity),
    /// Cost Explorer's month to date (fresh, or from the disk cache).
    Cost(Box<CostReport>),
    /// The dashboard's own requests to AWS so far (running totals).
    ApiUsage(ApiUsage),
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
    /// What a source of one account among several reports: its functions, regions, problems,
    /// identity and API usage are that account's (`store::account`).
    InAccount {
        account: super::account::AccountId,
        /// Boxed: every event is as large as the largest.
        event: Box<SourceEvent>,
    },
}

impl SourceEvent {
    /// `self` as a source of `account` reported it (the session's one account: as it is).
    pub fn in_account(self, account: super::account::AccountId) -> SourceEvent {
        if account.is_own() {
            return self;
        }
        SourceEvent::InAccount {
            account,
            event: Box::new(self),
        }
    }

    /// `self` with every function it names, and every source, in `account`.
    pub fn keyed_in(self, account: super::account::AccountId) -> SourceEvent {
        let key = |k: FunctionKey| k.in_account(account);
        let source = |s: String| super::account::source_in(account, &s);
        match self {
            SourceEvent::Inventory {
                region,
                mut functions,
            } => {
                for f in &mut functions {
                    f.account = account;
                }
                SourceEvent::Inventory { region, functions }
            }
            SourceEvent::Metrics(mut u) => {
                u.key = key(u.key);
                SourceEvent::Metrics(u)
            }
            SourceEvent::SpanMetrics { span, mut update } => {
                update.key = key(update.key);
                SourceEvent::SpanMetrics { span, update }
            }
            SourceEvent::InitDurations {
                key: k,
                covered,
                samples,
            } => SourceEvent::InitDurations {
                key: key(k),
                covered,
                samples,
            },
            SourceEvent::ReportDurations {
                key: k,
                covered,
                counted,
            } => SourceEvent::ReportDurations {
                key: key(k),
                covered,
                counted,
            },
            SourceEvent::DurationStats { key: k, stats } => {
                SourceEvent::DurationStats { key: key(k), stats }
            }
            SourceEvent::Reserved { key: k, reserved } => SourceEvent::Reserved {
                key: key(k),
                reserved,
            },
            SourceEvent::Serving { key: k, serving } => SourceEvent::Serving {
                key: key(k),
                serving,
            },
            SourceEvent::Provisioned { key: k, allocated } => SourceEvent::Provisioned {
                key: key(k),
                allocated,
            },
            SourceEvent::Versions { key: k, versions } => SourceEvent::Versions {
                key: key(k),
                versions,
            },
            SourceEvent::OnFailure {
                key: k,
                destination,
            } => SourceEvent::OnFailure {
                key: key(k),
                destination,
            },
            SourceEvent::Logs(mut events) => {
                for e in &mut events {
                    e.function.account = account;
                }
                SourceEvent::Logs(events)
            }
            SourceEvent::Problem {
                source: s,
                scope,
                kind,
                message,
                at,
            } => SourceEvent::Problem {
                source: source(s),
                scope,
                kind,
                message,
                at,
            },
            SourceEvent::Resolved { source: s, scope } => SourceEvent::Resolved {
                source: source(s),
                scope,
            },
            SourceEvent::Status {
                source: s,
                state,
                at,
            } => SourceEvent::Status {
                source: source(s),
                state,
                at,
            },
            // Named by region, by sequence or by nothing: `apply_in` places them in the
            // account it is given. Listed one by one, so that a new variant naming a function
            // or a source cannot pass through here unkeyed: it fails to compile until placed.
            e @ (SourceEvent::SpanRegion { .. }
            | SourceEvent::RegionLimit { .. }
            | SourceEvent::RegionConcurrency { .. }
            | SourceEvent::RegionSum { .. }
            | SourceEvent::Alarms { .. }
            | SourceEvent::EventSources { .. }
            | SourceEvent::FiguresRead { .. }
            | SourceEvent::LogsReset
            | SourceEvent::LogsSampled(_)
            | SourceEvent::Insights(_)
            | SourceEvent::Identity(_)
            | SourceEvent::Cost(_)
            | SourceEvent::ApiUsage(_)
            | SourceEvent::InAccount { .. }) => e,
        }
    }

    /// What was reported, whatever account it is of.
    pub fn inner(&self) -> &SourceEvent {
        match self {
            SourceEvent::InAccount { event, .. } => event.inner(),
            e => e,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LoadingState {
    Loading,
    Loaded,
    Failed,
}

/// One log event, as read: the message is still untrusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    pub function: FunctionKey,
    /// Milliseconds since the Unix epoch.
    pub at_ms: i64,
    pub stream: String,
    /// Unique within a log group; the key for de-duplication.
    pub event_id: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event is as large as the largest variant, and a first poll of 10,000 functions
    /// holds some 150,000 of them at once: a large variant is boxed.
    #[test]
    fn events_stay_small() {
        assert!(
            std::mem::size_of::<SourceEvent>() <= 104,
            "{} bytes",
            std::mem::size_of::<SourceEvent>()
        );
    }
}
