//! The figures computed over a window: the one place where sums, rates, averages,
//! project roll-ups, fleet totals, task-flow series and cost estimates are derived. Panes and
//! `snapshot` both read these, so a number can never differ between screen and script.
//!
//! Sums cover the window's minutes up to the one before the current (which is still filling
//! and left out). The newest of those may be *provisional*: CloudWatch still adds datapoints
//! to them (a function's REPORT of a long invocation lands when it ends), so their counts can
//! only grow. They are counted, and every figure says from which minute it is provisional
//! (`provisional_from`), so a chart can draw them apart and a script can tell. A figure no
//! minute had data for is `None`, never 0.
//!
//! A file per family: a function's own figures (`function`), its cost (`cost_estimate`), latency
//! classes (`classes`), projects, accounts, regions and the fleet (`fleet`), and the task
//! flow's series (`flow`).

mod classes;
mod cost_estimate;
mod fleet;
mod flow;
mod function;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::distribution::{self, Coverage, Durations, Histogram};
use super::latency::{ClassBy, ClassFacts, ClassRule, LatencyClass};
use super::pricing;
use super::window::Window;
use super::{Function, History, Metric, Minute, MinuteRange, Place, Pool, Store};

pub use classes::{ClassStats, Waits, queue_age_ms, waits};
pub use cost_estimate::CostRate;
pub use fleet::{FleetStats, ProjectStats, RegionStats, Totals, fleet_stats};
pub use flow::Flow;
pub use function::{FunctionStats, SinceDeploy, ThrottleCause, function_stats, since_deploy};

// Shared between the families.
use classes::{class_stats, classify, ran};
use cost_estimate::estimate;
use function::POOL_FULL;

/// Adds two optional figures: unknown plus known is the known one.
pub fn add(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x + y),
        (x, None) => x,
        (None, y) => y,
    }
}

fn max(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Orders two optional figures worst (largest) first, or smallest first when `ascending`;
/// an unknown figure sorts after any known one either way.
pub fn unknown_last(a: Option<f64>, b: Option<f64>, ascending: bool) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(x), Some(y)) if ascending => x.total_cmp(&y),
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Errors over invocations, undefined when nothing ran or the errors are unknown.
pub fn ratio(errors: Option<f64>, invocations: Option<f64>) -> Option<f64> {
    match (errors, invocations) {
        (Some(e), Some(n)) if n > 0.0 => Some(e / n),
        // Errors that could not be read are no 0%: the rate is unknown too.
        _ => None,
    }
}

/// The first bucket of `range` holding a minute after `settled`, if the range reaches past
/// it.
pub fn provisional_from(settled: Option<Minute>, range: MinuteRange) -> Option<Minute> {
    let s = settled?;
    (s < range.last_minute()).then(|| s.plus(1).floor(range.period()).max(range.first))
}

/// The earlier of two provisional marks: a sum is provisional from its first part's.
fn earliest(a: Option<Minute>, b: Option<Minute>) -> Option<Minute> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The nearest-rank percentile `p` (0..=100) of `values`.
pub fn percentile(values: &mut [f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * values.len() as f64).ceil().max(1.0) as usize;
    Some(values[rank.min(values.len()) - 1])
}
