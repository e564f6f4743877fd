//! Health rules: when a figure is bad enough to flag. The thresholds the user sets, which
//! thresholds a function breaches, when data is stale and when a region is near its limit —
//! kept beside the figures they judge, so the panes, `snapshot` and the help say the same.

use super::figures::FunctionStats;

/// When a row is highlighted as breaching.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Error rate at or above which a function is failing.
    pub error_rate: f64,
    /// Peak p99 duration (its worst minute's) as a fraction of the timeout at or above which a
    /// function is at risk.
    pub p99_of_timeout: f64,
    /// Peak memory as a fraction of the memory size at or above which it is about to run out.
    pub memory_used: f64,
    /// The oldest queued asynchronous event's age, in seconds, above which a function falls
    /// behind.
    pub async_event_age_s: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            error_rate: 0.05,
            p99_of_timeout: 0.8,
            memory_used: 0.9,
            async_event_age_s: 30.0,
        }
    }
}

impl Thresholds {
    /// Whether an error rate is at or above the threshold (unknown is not).
    pub fn failing(&self, error_rate: Option<f64>) -> bool {
        error_rate.is_some_and(|r| r >= self.error_rate)
    }
}

/// Whether any request was throttled (unknown is not).
pub fn throttling(throttles: Option<f64>) -> bool {
    throttles.is_some_and(|n| n > 0.0)
}

/// Which thresholds a function breaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Breach {
    pub errors: bool,
    pub throttles: bool,
    pub timeout: bool,
    pub memory: bool,
    /// An alarm that watches it is in ALARM.
    pub alarm: bool,
    /// Asynchronous events were lost.
    pub async_lost: bool,
    /// The oldest queued asynchronous event waited longer than the threshold.
    pub async_age: bool,
    /// An event-source mapping of it stopped or fails.
    pub event_source: bool,
    /// Its wait plus p99 duration is over its latency class's budget.
    pub budget: bool,
}

impl Breach {
    pub fn of(s: &FunctionStats, t: &Thresholds) -> Breach {
        Breach {
            errors: t.failing(s.error_rate),
            throttles: throttling(s.throttles),
            timeout: s.p99_peak_of_timeout.is_some_and(|r| r >= t.p99_of_timeout),
            memory: s.memory_used_ratio.is_some_and(|r| r >= t.memory_used),
            alarm: s.alarms_firing.is_some_and(|n| n > 0),
            async_lost: s.async_lost().is_some_and(|n| n > 0.0),
            async_age: s
                .async_age_max_ms
                .is_some_and(|ms| ms > t.async_event_age_s * 1000.0),
            event_source: s.sources_in_breach.is_some_and(|n| n > 0),
            budget: s.budget_used.is_some_and(|u| u > 1.0),
        }
    }

    pub fn any(self) -> bool {
        self.errors
            || self.throttles
            || self.timeout
            || self.memory
            || self.alarm
            || self.async_lost
            || self.async_age
            || self.event_source
            || self.budget
    }
}

/// Polls missed before data counts as stale.
pub const STALE_AFTER_POLLS: u64 = 3;

/// Whether data `age_secs` old is stale for sources polled every `interval_secs`: older than
/// three polls (and never before a minute, CloudWatch's own resolution).
pub fn is_stale(age_secs: i64, interval_secs: u64) -> bool {
    let limit = (interval_secs.saturating_mul(STALE_AFTER_POLLS)).max(60);
    age_secs > i64::try_from(limit).unwrap_or(i64::MAX)
}

/// Share of the account's concurrency limit at which a region is about to throttle.
pub const NEAR_CONCURRENCY_LIMIT: f64 = 0.8;

/// Whether a region using `utilization` of its concurrency limit is near it.
pub fn near_concurrency_limit(utilization: Option<f64>) -> bool {
    utilization.is_some_and(|u| u >= NEAR_CONCURRENCY_LIMIT)
}

/// Whether a duration chart should draw the timeout line: only when the p99 comes within half
/// of it, or the line flattens the chart.
pub fn timeout_in_sight(p99_peak_ms: f64, timeout_ms: f64) -> bool {
    p99_peak_ms >= timeout_ms * 0.5
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staleness_scales_with_the_interval() {
        // The default one-minute interval: three minutes.
        assert!(!is_stale(180, 60) && is_stale(181, 60));
        // A five-second interval: never before a minute.
        assert!(!is_stale(60, 5) && is_stale(61, 5));
        // An hourly interval: a poll 70 minutes ago is not stale.
        assert!(!is_stale(70 * 60, 3600) && is_stale(3 * 3600 + 1, 3600));
    }
}
