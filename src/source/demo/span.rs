//! The demo's answers over a long or past window: each bucket of the window's period as
//! GetMetricData with that period would give it — sums summed, the average weighted by
//! invocations, the peak the highest, and the p99 of the period's own invocations (the
//! duration below which 99 % of them ran), never an average of minutes' p99s.

use super::traffic::Sample;
use crate::store::{Minute, MinuteRange};

/// One bucket's figures, in the order of `Metric::SPAN` (`None`: no invocation, so no duration).
pub fn bucket(samples: &[Sample]) -> [Option<f64>; 6] {
    let sum = |f: fn(&Sample) -> f64| samples.iter().map(f).sum::<f64>();
    let invocations = sum(|s| s.invocations);
    let weighted = samples
        .iter()
        .filter_map(|s| Some(s.duration_avg_ms? * s.invocations))
        .sum::<f64>();
    // The 1 % slowest of the period's invocations lie in its slowest minutes' tails.
    let mut tails: Vec<(f64, f64)> = samples
        .iter()
        .filter_map(|s| Some((s.duration_p99_ms?, s.invocations)))
        .filter(|(_, n)| *n > 0.0)
        .collect();
    tails.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut above = 0.0;
    let mut p99 = None;
    for (ms, n) in tails {
        above += n * 0.01;
        p99 = Some(ms);
        if above >= invocations * 0.01 {
            break;
        }
    }
    let peak = samples
        .iter()
        .map(|s| s.concurrency_max)
        .fold(None, |a: Option<f64>, b| Some(a.map_or(b, |a| a.max(b))));
    [
        Some(invocations),
        Some(sum(|s| s.errors)),
        Some(sum(|s| s.throttles)),
        (invocations > 0.0).then(|| (weighted / invocations).round()),
        p99.filter(|_| invocations > 0.0),
        peak,
    ]
}

/// The minutes of bucket `b` of `range` whose figures have landed by `landed` (the newest
/// minute with figures).
pub fn minutes_of(range: MinuteRange, b: Minute, landed: Minute) -> impl Iterator<Item = Minute> {
    let last = b.plus(i64::from(range.period()) - 1).min(landed);
    (b.0..=last.0).map(Minute)
}
