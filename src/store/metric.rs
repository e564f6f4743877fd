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
}

impl Metric {
    pub const ALL: [Metric; 6] = [
        Metric::Invocations,
        Metric::Errors,
        Metric::Throttles,
        Metric::DurationAvg,
        Metric::DurationP99,
        Metric::ConcurrencyMax,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn index(self) -> usize {
        self as usize
    }
}
