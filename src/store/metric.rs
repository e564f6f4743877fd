//! The per-minute metrics the store keeps for every function.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Invocations started in the minute (CloudWatch `Invocations`, Sum).
    Invocations,
    /// Invocations that ended in a function error (`Errors`, Sum).
    Errors,
    /// Requests refused for lack of concurrency (`Throttles`, Sum).
    Throttles,
    /// Mean duration in milliseconds (`Duration`, Average).
    DurationAvg,
    /// 99th percentile duration in milliseconds (`Duration`, p99).
    DurationP99,
    /// Peak concurrent executions (`ConcurrentExecutions`, Maximum).
    ConcurrencyMax,
    /// Invocations that started a new environment (REPORT lines with an Init Duration).
    ColdStarts,
    /// Invocations that hit the timeout (REPORT `Status: timeout`, `Task timed out`).
    Timeouts,
    /// The longest Init Duration in the minute, in milliseconds.
    InitDurationMax,
    /// The most memory any invocation used in the minute, in MB (REPORT Max Memory Used).
    MemoryUsedMax,
    /// Invocations that resumed a SnapStart snapshot (REPORT lines with a Restore Duration):
    /// no cold start, counted apart.
    Restores,
    /// The busiest version's or alias's share of its provisioned concurrency in use
    /// (`ProvisionedConcurrencyUtilization`, Maximum; 0 to 1). Kept only for functions that
    /// have provisioned concurrency.
    ProvisionedUtilization,
    /// Invocations served on demand because provisioned concurrency was all in use
    /// (`ProvisionedConcurrencySpilloverInvocations`, Sum).
    Spillover,
    /// Events queued for asynchronous invocation (`AsyncEventsReceived`, Sum). This and the
    /// next four are kept only for the functions that are invoked asynchronously.
    AsyncReceived,
    /// The oldest event's time in the queue when it was read, in milliseconds
    /// (`AsyncEventAge`, Maximum).
    AsyncAgeMax,
    /// Events dropped without running: too old, or out of retries (`AsyncEventsDropped`, Sum).
    AsyncDropped,
    /// Events that could not be sent to the dead-letter queue (`DeadLetterErrors`, Sum).
    DeadLetterErrors,
    /// Events that could not be sent to an on-failure destination
    /// (`DestinationDeliveryFailures`, Sum).
    DestinationFailures,
    /// How far behind its stream a function reads: the age of the last record of a batch when
    /// it was read, in milliseconds (`IteratorAge`, Maximum). This and the next are kept only
    /// for the functions that read a stream.
    IteratorAgeMax,
    /// Records a Kafka consumer has yet to read (`OffsetLag`, Maximum).
    OffsetLagMax,
}

impl Metric {
    pub const ALL: [Metric; 11] = [
        Metric::Invocations,
        Metric::Errors,
        Metric::Throttles,
        Metric::DurationAvg,
        Metric::DurationP99,
        Metric::ConcurrencyMax,
        Metric::ColdStarts,
        Metric::Timeouts,
        Metric::InitDurationMax,
        Metric::MemoryUsedMax,
        Metric::Restores,
    ];
    pub const COUNT: usize = Self::ALL.len();
    /// What a long or past window is read for, of every function: CloudWatch's own figures
    /// (REPORT lines are not read back for days).
    pub const SPAN: [Metric; 6] = [
        Metric::Invocations,
        Metric::Errors,
        Metric::Throttles,
        Metric::DurationAvg,
        Metric::DurationP99,
        Metric::ConcurrencyMax,
    ];
    /// Kept only for functions with provisioned concurrency, beside `ALL`.
    pub const PROVISIONED: [Metric; 2] = [Metric::ProvisionedUtilization, Metric::Spillover];

    pub fn index(self) -> usize {
        self as usize
    }

    /// Kept only for functions invoked asynchronously, beside `ALL`.
    pub const ASYNC: [Metric; 5] = [
        Metric::AsyncReceived,
        Metric::AsyncAgeMax,
        Metric::AsyncDropped,
        Metric::DeadLetterErrors,
        Metric::DestinationFailures,
    ];

    /// Kept only for functions that read a stream (Kinesis, DynamoDB, Kafka), beside `ALL`.
    pub const STREAM: [Metric; 2] = [Metric::IteratorAgeMax, Metric::OffsetLagMax];

    /// Where a stream metric sits among `STREAM`.
    pub fn stream_index(self) -> Option<usize> {
        Self::STREAM.iter().position(|m| *m == self)
    }

    /// Where a provisioned-concurrency metric sits among `PROVISIONED`.
    pub fn provisioned_index(self) -> Option<usize> {
        Self::PROVISIONED.iter().position(|m| *m == self)
    }

    /// Where an asynchronous-invocation metric sits among `ASYNC`.
    pub fn async_index(self) -> Option<usize> {
        Self::ASYNC.iter().position(|m| *m == self)
    }
}
