//! How long tasks run (and wait), as distributions on a logarithmic scale: short tasks
//! dominate a fleet, so linear buckets would put nearly everything in the first one.
//!
//! Two sources fill a function's distribution. REPORT lines already read give each
//! invocation's duration, counted into the buckets minute by minute (exact for the sample
//! read). For functions whose logs are not read, CloudWatch's own statistics over the window
//! do: the percentiles `p50`, `p90`, `p99`, `p99.9`, and one percentile rank `PR(a:b)` per
//! bucket, "the percentage of data points that have a value between a and b", lower bound
//! exclusive, upper bound inclusive (CloudWatch User Guide, *Statistics definitions*), with
//! the `SampleCount` that turns shares into counts.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use super::minute::{Minute, MinuteRange};

/// Bucket upper bounds in milliseconds, on a 1-2-5 scale from 1 ms to Lambda's 15-minute
/// limit: bucket `i` holds values in `(EDGES_MS[i-1], EDGES_MS[i]]`, the first `[0, 1]`.
pub const EDGES_MS: [f64; 19] = [
    1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5,
    5e5, 9e5,
];
pub const BUCKETS: usize = EDGES_MS.len();

/// The lower bound of bucket `i` (exclusive), in milliseconds.
pub fn lower_ms(i: usize) -> f64 {
    if i == 0 { 0.0 } else { EDGES_MS[i - 1] }
}

/// The bucket a value falls in; values past the last bound count in the last.
pub fn bucket_of(ms: f64) -> usize {
    EDGES_MS
        .iter()
        .position(|&e| ms <= e)
        .unwrap_or(BUCKETS - 1)
}

/// Counts per bucket (fractional where they come from CloudWatch's shares).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Histogram {
    pub counts: [f64; BUCKETS],
}

impl Histogram {
    pub fn add(&mut self, ms: f64, n: f64) {
        self.counts[bucket_of(ms)] += n;
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
    }

    pub fn total(&self) -> f64 {
        self.counts.iter().sum()
    }

    /// The value below which a share `q` (0..=1) of the counts lies, interpolated on the log
    /// scale inside its bucket: an estimate, as good as the buckets are narrow.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let total = self.total();
        if total <= 0.0 {
            return None;
        }
        let target = q.clamp(0.0, 1.0) * total;
        let mut seen = 0.0;
        for (i, &n) in self.counts.iter().enumerate() {
            if n > 0.0 && seen + n >= target {
                let within = ((target - seen) / n).clamp(0.0, 1.0);
                let (lo, hi) = (lower_ms(i).max(0.5), EDGES_MS[i]);
                return Some(lo * (hi / lo).powf(within));
            }
            seen += n;
        }
        Some(EDGES_MS[BUCKETS - 1])
    }
}

/// What CloudWatch said of a function's durations over one period (a window).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CloudWatchDurations {
    /// The minutes the period covered.
    pub range: MinuteRange,
    pub read_at: DateTime<Utc>,
    /// Invocations measured (`Duration`, SampleCount).
    pub samples: Option<f64>,
    /// `p50`, `p90`, `p99`, `p99.9`, as CloudWatch computed them (`None`: not answered).
    pub percentiles: [Option<f64>; 4],
    /// `PR(lower:upper)` of each bucket, in percent (`None`: not answered).
    pub shares: [Option<f64>; BUCKETS],
}

impl CloudWatchDurations {
    /// Counts from the shares and the sample count, when both were answered.
    pub fn histogram(&self) -> Option<Histogram> {
        let n = self.samples?;
        let mut h = Histogram::default();
        let mut any = false;
        for (c, s) in h.counts.iter_mut().zip(self.shares) {
            if let Some(s) = s {
                *c = s / 100.0 * n;
                any = true;
            }
        }
        any.then_some(h)
    }
}

/// The percentiles CloudWatch is asked for, in the order of `CloudWatchDurations::percentiles`.
pub const PERCENTILES: [&str; 4] = ["p50", "p90", "p99", "p99.9"];

/// The percentile-rank statistic of bucket `i`: `PR(:1)`, `PR(1:2)`, … (CloudWatch's syntax:
/// an empty lower bound is everything up to the upper one).
pub fn rank_statistic(i: usize) -> String {
    let fmt = |v: f64| format!("{v}");
    if i == 0 {
        format!("PR(:{})", fmt(EDGES_MS[0]))
    } else if i == BUCKETS - 1 {
        // Anything past the last bound counts in the last bucket.
        format!("PR({}:)", fmt(EDGES_MS[i - 1]))
    } else {
        format!("PR({}:{})", fmt(EDGES_MS[i - 1]), fmt(EDGES_MS[i]))
    }
}

/// REPORT durations counted per minute, only for minutes whose lines were read: oldest first,
/// at most as many minutes as the history keeps. 80 bytes a minute with lines.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ReportDurations {
    minutes: VecDeque<(i32, [u32; BUCKETS])>,
}

impl ReportDurations {
    /// Makes `counted` the counts of the minutes of `covered` (a read again replaces itself),
    /// keeping at most `keep` minutes.
    pub fn set(&mut self, covered: MinuteRange, counted: &[(Minute, [u32; BUCKETS])], keep: usize) {
        self.minutes
            .retain(|(m, _)| !covered.contains(Minute(i64::from(*m))));
        for (m, c) in counted.iter().filter(|(m, _)| covered.contains(*m)) {
            let Ok(mm) = i32::try_from(m.0) else { continue };
            let at = self.minutes.partition_point(|(x, _)| *x < mm);
            self.minutes.insert(at, (mm, *c));
        }
        while self.minutes.len() > keep.max(1) {
            self.minutes.pop_front();
        }
    }

    /// The counts of the minutes of `range` (`None`: no minute of it was read).
    pub fn over(&self, range: MinuteRange) -> Option<Histogram> {
        let mut h = Histogram::default();
        let mut any = false;
        for (m, c) in &self.minutes {
            if range.contains(Minute(i64::from(*m))) {
                any = true;
                for (a, b) in h.counts.iter_mut().zip(c) {
                    *a += f64::from(*b);
                }
            }
        }
        any.then_some(h)
    }
}

/// Where a distribution's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DistributionSource {
    /// REPORT lines read: exact for the invocations read.
    Reports,
    /// CloudWatch's percentile and percentile-rank statistics over the window.
    Cloudwatch,
}

/// A duration distribution as panes and `snapshot` show it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Durations {
    pub source: DistributionSource,
    pub histogram: Histogram,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub p999_ms: Option<f64>,
    /// For several functions' distributions summed: how many of them it counts. `None` for
    /// one function's own.
    pub coverage: Option<Coverage>,
}

/// How much of what a figure should count it counts: `read` of `of` — of a group's functions
/// that ran (or whose figures are unknown), those a summed distribution counts; of a
/// function's minutes with invocations, those whose REPORT lines were read. Fewer than all,
/// the figure is of those read only, and says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    pub read: u32,
    pub of: u32,
}

impl Coverage {
    pub fn is_partial(self) -> bool {
        self.read < self.of
    }
}

/// Percentiles, lowest first, made to keep their order: a higher one is never below a lower
/// one. CloudWatch answers each percentile on its own (and an estimate over several sets of
/// data), so two answers could cross by a rounding; shown side by side they must not.
fn in_order(mut p: [Option<f64>; 4]) -> [Option<f64>; 4] {
    let mut floor: Option<f64> = None;
    for v in p.iter_mut().flatten() {
        if let Some(f) = floor {
            *v = v.max(f);
        }
        floor = Some(*v);
    }
    p
}

impl Durations {
    /// The distribution of `histogram`, its percentiles read off its counts.
    fn counted(source: DistributionSource, histogram: Histogram) -> Durations {
        Durations::with(
            source,
            histogram,
            [0.5, 0.9, 0.99, 0.999].map(|q| histogram.quantile(q)),
        )
    }

    fn with(
        source: DistributionSource,
        histogram: Histogram,
        percentiles: [Option<f64>; 4],
    ) -> Durations {
        let [p50_ms, p90_ms, p99_ms, p999_ms] = in_order(percentiles);
        Durations {
            source,
            histogram,
            p50_ms,
            p90_ms,
            p99_ms,
            p999_ms,
            coverage: None,
        }
    }

    /// CloudWatch's answer for a window as long as `range` that ends inside it, where one was
    /// read: its percentiles are computed over every invocation of the window, where REPORT
    /// lines may have been read for a part of them only. Else the REPORT counts of `range`,
    /// where any were read.
    pub fn of(
        reports: Option<&ReportDurations>,
        cloudwatch: Option<&CloudWatchDurations>,
        range: MinuteRange,
    ) -> Option<Durations> {
        let cw = cloudwatch
            .filter(|c| c.range.minutes() == range.minutes() && range.contains(c.range.last))
            .and_then(|cw| {
                let histogram = cw.histogram();
                (histogram.is_some() || cw.percentiles.iter().any(Option::is_some)).then(|| {
                    Durations::with(
                        DistributionSource::Cloudwatch,
                        histogram.unwrap_or_default(),
                        cw.percentiles,
                    )
                })
            });
        cw.or_else(|| {
            reports
                .and_then(|r| r.over(range))
                .filter(|h| h.total() > 0.0)
                .map(|h| Durations::counted(DistributionSource::Reports, h))
        })
    }

    /// Percentiles held under `ceiling`, the highest minute p99 CloudWatch computed over the
    /// same minutes: the p99 (and p50, p90) of the whole window can never be above the worst
    /// of its minutes' (a share under a value in every part is under it in the whole). An
    /// interpolation inside a 1-2-5 bucket can overshoot it; CloudWatch's own window answer
    /// never does, so there the cap never binds.
    pub fn capped(mut self, ceiling: Option<f64>) -> Durations {
        if let Some(c) = ceiling {
            for p in [&mut self.p50_ms, &mut self.p90_ms, &mut self.p99_ms] {
                *p = p.map(|v| v.min(c));
            }
        }
        self
    }

    /// Several functions' distributions as one: counts add up; the percentiles come from the
    /// summed counts (percentiles of parts never average into the whole's). `of`: how many
    /// functions of the group ran, or may have (the parts are those read of them).
    pub fn sum<'a>(parts: impl IntoIterator<Item = &'a Durations>, of: u32) -> Option<Durations> {
        let mut h = Histogram::default();
        let mut sources = Vec::new();
        for d in parts {
            h.merge(&d.histogram);
            sources.push(d.source);
        }
        let read = u32::try_from(sources.len()).unwrap_or(u32::MAX);
        if h.total() <= 0.0 {
            return None;
        }
        let source = if sources.iter().all(|s| *s == DistributionSource::Reports) {
            DistributionSource::Reports
        } else {
            DistributionSource::Cloudwatch
        };
        Some(Durations {
            coverage: Some(Coverage {
                read,
                of: of.max(read),
            }),
            ..Durations::counted(source, h)
        })
    }
}

/// How long tasks waited before they ran, from the per-minute maxima CloudWatch keeps of it
/// (`AsyncEventAge`, `IteratorAge`, a queue's oldest message): one count per minute at its
/// worst wait, so the histogram says how many minutes waited how long.
pub fn waits(minute_maxima: impl IntoIterator<Item = f64>) -> Option<Histogram> {
    let mut h = Histogram::default();
    for ms in minute_maxima {
        h.add(ms.max(0.0), 1.0);
    }
    (h.total() > 0.0).then_some(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the README's Performance section says they cost.
    #[test]
    fn what_a_function_keeps_of_its_distributions() {
        assert_eq!(
            std::mem::size_of::<(i32, [u32; BUCKETS])>(),
            80,
            "a minute of REPORT counts"
        );
        let answer = std::mem::size_of::<CloudWatchDurations>();
        assert!(answer <= 424, "a CloudWatch answer: {answer} B");
    }

    #[test]
    fn percentiles_never_cross() {
        assert_eq!(
            in_order([Some(80.0), Some(990.0), Some(950.0), None]),
            [Some(80.0), Some(990.0), Some(990.0), None]
        );
        assert_eq!(
            in_order([None, Some(700.0), None, Some(650.0)]),
            [None, Some(700.0), None, Some(700.0)]
        );
    }

    #[test]
    fn buckets_hold_their_upper_bound_and_not_their_lower() {
        assert_eq!(bucket_of(0.3), 0);
        assert_eq!(bucket_of(1.0), 0);
        assert_eq!(bucket_of(1.01), 1);
        assert_eq!(bucket_of(100.0), 6);
        assert_eq!(bucket_of(5e6), BUCKETS - 1);
        assert_eq!(rank_statistic(0), "PR(:1)");
        assert_eq!(rank_statistic(6), "PR(50:100)");
        assert_eq!(rank_statistic(BUCKETS - 1), "PR(500000:)");
    }

    #[test]
    fn a_quantile_falls_inside_its_bucket() {
        let mut h = Histogram::default();
        h.add(30.0, 90.0);
        h.add(3000.0, 10.0);
        let p50 = h.quantile(0.5).unwrap();
        assert!((20.0..=50.0).contains(&p50), "{p50}");
        let p99 = h.quantile(0.99).unwrap();
        assert!((2000.0..=5000.0).contains(&p99), "{p99}");
    }

    #[test]
    fn shares_become_counts_and_cloudwatch_wins_over_a_part_read() {
        let range = MinuteRange::ending_at(Minute(100), 60);
        let mut shares = [None; BUCKETS];
        shares[6] = Some(75.0);
        shares[9] = Some(25.0);
        let cw = CloudWatchDurations {
            range,
            read_at: Utc::now(),
            samples: Some(400.0),
            percentiles: [Some(80.0), Some(700.0), Some(950.0), None],
            shares,
        };
        let d = Durations::of(None, Some(&cw), range).unwrap();
        assert_eq!(d.source, DistributionSource::Cloudwatch);
        assert_eq!(d.histogram.counts[6], 300.0);
        assert_eq!(d.histogram.counts[9], 100.0);
        assert_eq!(d.p50_ms, Some(80.0), "CloudWatch's own percentile");
        assert_eq!(d.p999_ms, None, "not answered");
        let mut r = ReportDurations::default();
        let mut c = [0u32; BUCKETS];
        c[3] = 5;
        r.set(range, &[(Minute(99), c)], 180);
        // Five REPORT lines read of 400 invocations: CloudWatch's answer covers them all.
        let d = Durations::of(Some(&r), Some(&cw), range).unwrap();
        assert_eq!(d.source, DistributionSource::Cloudwatch);
        assert_eq!(d.p99_ms, Some(950.0));
        // Where CloudWatch's answer is not this window's, the REPORT lines read are.
        let d = Durations::of(Some(&r), None, range).unwrap();
        assert_eq!(d.source, DistributionSource::Reports);
        assert_eq!(d.histogram.total(), 5.0);
        // A window of another length is not this one's answer.
        let other = MinuteRange::ending_at(Minute(100), 15);
        assert!(Durations::of(None, Some(&cw), other).is_none());
    }
}
