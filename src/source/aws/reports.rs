//! Figures from REPORT lines, for functions whose logs nobody is tailing: cold starts, timeouts,
//! init durations and peak memory, minute by minute. Each region's poll reads the REPORT and
//! `Task timed out` lines of a few functions (round-robin, within FilterLogEvents' quota) since
//! it last read them, so a large fleet is covered over several polls; a function not yet read
//! shows "–", never 0.

use std::collections::{BTreeMap, HashSet};

use crate::logtext::report;
use crate::source::logs::LogEvent;
use crate::source::{MetricUpdate, SourceEvent};
use crate::store::distribution::{BUCKETS, bucket_of};
use crate::store::{FunctionKey, Metric, Minute, MinuteRange};

/// The filter pattern for REPORT lines and the runtimes' timeout lines.
pub const PATTERN: &str = "?\"REPORT RequestId\" ?\"Task timed out\"";
/// The same in the JSON log format: the `platform.report` record, whose `status` says
/// `timeout` (Lambda Developer Guide, *Telemetry API* `platform.report`). A text pattern never
/// matches a JSON record's `type`, so each format needs its own.
pub const JSON_PATTERN: &str = "{ $.type = \"platform.report\" }";

/// The pattern for a function's REPORT records in its log format.
pub fn pattern(json: bool) -> &'static str {
    if json { JSON_PATTERN } else { PATTERN }
}

#[derive(Default)]
struct MinuteFigures {
    cold: f64,
    restores: f64,
    init_max: Option<f64>,
    memory_max: Option<f64>,
    inits: Vec<f64>,
    timed_out: HashSet<String>,
    /// Invocations by duration bucket (`store::distribution`).
    durations: [u32; BUCKETS],
}

/// The request id of a `… <request id> Task timed out after …` line.
fn timed_out_request(message: &str) -> Option<&str> {
    let before = &message[..message.find("Task timed out after")?];
    before.split_whitespace().last()
}

/// The store events that `events` (REPORT and timeout lines of `key` over `range`) make: the
/// REPORT metrics for each settled minute, and the init durations.
pub fn summarize(
    key: &FunctionKey,
    events: &[LogEvent],
    range: MinuteRange,
    settled: Minute,
) -> Vec<SourceEvent> {
    let mut fold = Fold::default();
    fold.add(events);
    fold.finish(key, range, settled)
}

/// REPORT figures folded page by page, so a read holds a page of lines, not all of them.
#[derive(Default)]
pub struct Fold {
    minutes: BTreeMap<Minute, MinuteFigures>,
}

impl Fold {
    /// Folds in a page of REPORT and timeout lines.
    pub fn add(&mut self, events: &[LogEvent]) {
        for e in events {
            let fig = self.minutes.entry(Minute::of_ms(e.at_ms)).or_default();
            if let Some(r) = report::parse(&e.message) {
                let b = &mut fig.durations[bucket_of(r.duration_ms)];
                *b = b.saturating_add(1);
                if r.restore_ms.is_some() {
                    fig.restores += 1.0;
                }
                if let Some(init) = r.init_ms {
                    fig.cold += 1.0;
                    fig.inits.push(init);
                    fig.init_max = Some(fig.init_max.map_or(init, |x: f64| x.max(init)));
                }
                if let Some(used) = r.max_memory_mb.map(f64::from) {
                    fig.memory_max = Some(fig.memory_max.map_or(used, |x: f64| x.max(used)));
                }
                if r.timed_out {
                    fig.timed_out.insert(r.request_id);
                }
            } else if let Some(id) = timed_out_request(&e.message) {
                fig.timed_out.insert(id.to_string());
            }
        }
    }

    /// The store events of the minutes of `range` up to `settled`: every line of them read.
    pub fn finish(
        self,
        key: &FunctionKey,
        range: MinuteRange,
        settled: Minute,
    ) -> Vec<SourceEvent> {
        let minutes = self.minutes;
        let settled_range = MinuteRange::new(range.first, range.last.min(settled));
        let series = |metric: Metric, f: &dyn Fn(Option<&MinuteFigures>) -> Option<f64>| {
            SourceEvent::Metrics(MetricUpdate {
                key: key.clone(),
                metric,
                points: settled_range
                    .iter()
                    .map(|m| (m, f(minutes.get(&m))))
                    .collect(),
                // Stamped at each invocation's end: these say nothing of when metrics settle.
                settled: None,
            })
        };
        let samples: Box<[(Minute, f64)]> = minutes
            .iter()
            .filter(|(m, _)| settled_range.contains(**m))
            .flat_map(|(m, fig)| fig.inits.iter().map(move |v| (*m, *v)))
            .collect();
        vec![
            // Read and silent: no cold start, no timeout.
            series(Metric::ColdStarts, &|f| Some(f.map_or(0.0, |f| f.cold))),
            series(Metric::Timeouts, &|f| {
                Some(f.map_or(0.0, |f| f.timed_out.len() as f64))
            }),
            series(Metric::InitDurationMax, &|f| f.and_then(|f| f.init_max)),
            series(Metric::MemoryUsedMax, &|f| f.and_then(|f| f.memory_max)),
            SourceEvent::InitDurations {
                key: key.clone(),
                covered: settled_range,
                samples,
            },
            series(Metric::Restores, &|f| Some(f.map_or(0.0, |f| f.restores))),
            SourceEvent::ReportDurations {
                key: key.clone(),
                covered: settled_range,
                counted: minutes
                    .iter()
                    .filter(|(m, f)| {
                        settled_range.contains(**m) && f.durations.iter().any(|n| *n > 0)
                    })
                    .map(|(m, f)| (*m, f.durations))
                    .collect(),
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(minute: i64, message: &str) -> LogEvent {
        LogEvent {
            function: FunctionKey::new("r", "f"),
            at_ms: minute * 60_000 + 1000,
            stream: "s".into(),
            event_id: format!("{minute}{message}"),
            message: message.into(),
        }
    }

    #[test]
    fn minutes_of_reports_and_timeouts() {
        let key = FunctionKey::new("r", "f");
        let events = [
            ev(
                10,
                "REPORT RequestId: a\tDuration: 5 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 300.5 ms\t",
            ),
            ev(
                10,
                "REPORT RequestId: b\tDuration: 3000 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 90 MB\tStatus: timeout",
            ),
            ev(
                10,
                "2026-11-23T00:10:03.000Z b Task timed out after 3.00 seconds",
            ),
            ev(
                11,
                "2026-11-23T00:11:03.000Z c Task timed out after 3.00 seconds",
            ),
            ev(
                13,
                "REPORT RequestId: d\tDuration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 61 MB\tInit Duration: 100 ms",
            ),
        ];
        let range = MinuteRange::ending_at(Minute(13), 4);
        let out = summarize(&key, &events, range, Minute(12));
        let points = |i: usize| match &out[i] {
            SourceEvent::Metrics(u) => u.points.clone(),
            e => panic!("{e:?}"),
        };
        assert_eq!(
            points(0),
            vec![
                (Minute(10), Some(1.0)),
                (Minute(11), Some(0.0)),
                (Minute(12), Some(0.0))
            ],
            "cold starts; 13 not settled"
        );
        assert_eq!(
            points(1)[..2],
            [(Minute(10), Some(1.0)), (Minute(11), Some(1.0))],
            "b counted once"
        );
        assert_eq!(points(2)[0], (Minute(10), Some(300.5)));
        assert_eq!(
            points(3)[..2],
            [(Minute(10), Some(90.0)), (Minute(11), None)]
        );
        assert!(
            matches!(&out[4], SourceEvent::InitDurations { samples, .. } if **samples == [(Minute(10), 300.5)])
        );
        // Each REPORT's duration in its bucket: 5 ms in (2, 5], 3000 ms in (2000, 5000]; minute
        // 13 is not settled, and minute 11 had no REPORT line.
        let SourceEvent::ReportDurations { counted, .. } = &out[6] else {
            panic!("{:?}", out[6]);
        };
        assert_eq!(counted.len(), 1, "{counted:?}");
        let (m, c) = counted[0];
        assert_eq!(m, Minute(10));
        assert_eq!((c[bucket_of(5.0)], c[bucket_of(3000.0)]), (1, 1));
        assert_eq!(c.iter().sum::<u32>(), 2);
    }
}
