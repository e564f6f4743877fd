//! Latency classes: what a task is allowed, end to end. A real-time task (an API behind API
//! Gateway, an ALB or a function URL) has about a second; a background one (async invokes,
//! queues, streams) seconds to minutes; a batch job minutes to hours. Each function gets one:
//! its tag wins; else what triggers it, where that is known (event-source mappings and
//! asynchronous invocation rule out real-time); else its median duration (its average where
//! percentiles cannot be read); else its timeout.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LatencyClass {
    RealTime,
    Background,
    Batch,
}

impl LatencyClass {
    pub const ALL: [LatencyClass; 3] = [
        LatencyClass::RealTime,
        LatencyClass::Background,
        LatencyClass::Batch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LatencyClass::RealTime => "real-time",
            LatencyClass::Background => "background",
            LatencyClass::Batch => "batch",
        }
    }

    /// A tag's value as a class: the names, and the spellings people use.
    pub fn parse(value: &str) -> Option<LatencyClass> {
        match value
            .trim()
            .to_ascii_lowercase()
            .replace(['_', ' '], "-")
            .as_str()
        {
            "real-time" | "realtime" | "rt" | "interactive" | "sync" => {
                Some(LatencyClass::RealTime)
            }
            "background" | "bg" | "async" => Some(LatencyClass::Background),
            "batch" | "job" | "scheduled" => Some(LatencyClass::Batch),
            _ => None,
        }
    }
}

impl fmt::Display for LatencyClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a function is in its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClassBy {
    Tag,
    Trigger,
    Duration,
    Timeout,
}

impl ClassBy {
    pub fn as_str(self) -> &'static str {
        match self {
            ClassBy::Tag => "tag",
            ClassBy::Trigger => "trigger",
            ClassBy::Duration => "duration",
            ClassBy::Timeout => "timeout",
        }
    }
}

/// The classing rule: the tag that names a class, and each class's budget for wait plus run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClassRule {
    pub tag: String,
    /// Milliseconds, in the order of `LatencyClass::ALL`.
    pub budgets_ms: [f64; 3],
}

/// Where a class's budget is looked up.
fn index(c: LatencyClass) -> usize {
    match c {
        LatencyClass::RealTime => 0,
        LatencyClass::Background => 1,
        LatencyClass::Batch => 2,
    }
}

impl Default for ClassRule {
    fn default() -> Self {
        Self {
            tag: "latency-class".into(),
            budgets_ms: [1_000.0, 60_000.0, 3_600_000.0],
        }
    }
}

/// What a function's class is told from.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClassFacts<'a> {
    pub tag: Option<&'a str>,
    /// It has event-source mappings, or is invoked asynchronously.
    pub triggered: bool,
    /// Its median duration (or its mean, where percentiles cannot be read).
    pub median_ms: Option<f64>,
    pub timeout_s: Option<u32>,
}

/// Timeouts of at least this many seconds, with nothing else known, mean a batch job.
const BATCH_TIMEOUT_S: u32 = 300;
/// At most this many, a real-time one (API Gateway's integration limit is 29 s).
const REAL_TIME_TIMEOUT_S: u32 = 30;

impl ClassRule {
    pub fn budget_ms(&self, c: LatencyClass) -> f64 {
        self.budgets_ms[index(c)]
    }

    pub fn classify(&self, f: ClassFacts<'_>) -> (LatencyClass, ClassBy) {
        if let Some(c) = f.tag.and_then(LatencyClass::parse) {
            return (c, ClassBy::Tag);
        }
        let by_duration = |ms: f64| {
            if ms <= self.budget_ms(LatencyClass::RealTime) {
                LatencyClass::RealTime
            } else if ms <= self.budget_ms(LatencyClass::Background) {
                LatencyClass::Background
            } else {
                LatencyClass::Batch
            }
        };
        if f.triggered {
            // Nobody waits on a queue's consumer in real time; a long one is a batch job.
            let c = match f.median_ms.map(by_duration) {
                Some(LatencyClass::Batch) => LatencyClass::Batch,
                _ => LatencyClass::Background,
            };
            return (c, ClassBy::Trigger);
        }
        if let Some(ms) = f.median_ms {
            return (by_duration(ms), ClassBy::Duration);
        }
        let c = match f.timeout_s {
            Some(t) if t >= BATCH_TIMEOUT_S => LatencyClass::Batch,
            Some(t) if t > REAL_TIME_TIMEOUT_S => LatencyClass::Background,
            _ => LatencyClass::RealTime,
        };
        (c, ClassBy::Timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_wins_then_the_trigger_then_the_median() {
        let rule = ClassRule::default();
        let facts = ClassFacts {
            tag: Some("Batch"),
            triggered: true,
            median_ms: Some(20.0),
            timeout_s: Some(3),
        };
        assert_eq!(rule.classify(facts), (LatencyClass::Batch, ClassBy::Tag));
        let facts = ClassFacts { tag: None, ..facts };
        assert_eq!(
            rule.classify(facts),
            (LatencyClass::Background, ClassBy::Trigger)
        );
        let facts = ClassFacts {
            median_ms: Some(120_000.0),
            ..facts
        };
        assert_eq!(
            rule.classify(facts),
            (LatencyClass::Batch, ClassBy::Trigger)
        );
        let facts = ClassFacts {
            triggered: false,
            median_ms: Some(40.0),
            ..facts
        };
        assert_eq!(
            rule.classify(facts),
            (LatencyClass::RealTime, ClassBy::Duration)
        );
        let facts = ClassFacts {
            median_ms: None,
            timeout_s: Some(900),
            ..facts
        };
        assert_eq!(
            rule.classify(facts),
            (LatencyClass::Batch, ClassBy::Timeout)
        );
        assert_eq!(
            LatencyClass::parse("real_time"),
            Some(LatencyClass::RealTime)
        );
        assert_eq!(LatencyClass::parse("whatever"), None);
    }
}
