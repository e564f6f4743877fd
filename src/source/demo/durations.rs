//! What CloudWatch's percentile and percentile-rank statistics would say of a demo function's
//! durations over a window. Each minute's invocations are drawn as a log-normal body whose mean
//! and 99th percentile are the model's, plus its cold starts, which run their init on top: the
//! long tail of a function that starts many environments.

use chrono::{DateTime, Utc};

use super::fleet::{self, Instance};
use super::traffic::Sample;
use crate::store::MinuteRange;
use crate::store::distribution::{BUCKETS, CloudWatchDurations, EDGES_MS, Histogram, lower_ms};

/// The standard normal distribution function (Abramowitz and Stegun 7.1.26, within 1.5e-7).
fn phi(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erfc = poly * (-z * z).exp();
    if x >= 0.0 {
        1.0 - erfc / 2.0
    } else {
        erfc / 2.0
    }
}

/// The log-normal's σ whose mean is `avg` and 99th percentile `p99`: p99/mean = e^(2.326σ − σ²/2).
fn sigma(avg: f64, p99: f64) -> f64 {
    const Z99: f64 = 2.326_347_874;
    let r = (p99 / avg).max(1.0001).ln();
    let d = Z99 * Z99 - 2.0 * r;
    if d <= 0.0 { Z99 } else { Z99 - d.sqrt() }
}

/// `n` invocations of a log-normal of median `median` and σ `s`.
#[derive(Clone, Copy)]
struct Part {
    n: f64,
    median: f64,
    s: f64,
}

impl Part {
    fn of(n: f64, avg: f64, s: f64) -> Part {
        Part {
            n,
            median: avg / (s * s / 2.0).exp(),
            s,
        }
    }

    /// The share of its invocations that ran at most `ms`.
    fn cdf(self, ms: f64) -> f64 {
        if ms <= 0.0 {
            0.0
        } else {
            phi((ms / self.median).ln() / self.s.max(1e-6))
        }
    }
}

/// The duration below which a share `q` of all the parts' invocations ran: what CloudWatch
/// computes from the datapoints themselves, not from buckets (bisection on the log scale).
fn quantile(parts: &[Part], q: f64) -> Option<f64> {
    let total: f64 = parts.iter().map(|p| p.n).sum();
    if total <= 0.0 {
        return None;
    }
    let below = |ms: f64| parts.iter().map(|p| p.n * p.cdf(ms)).sum::<f64>() / total;
    let (mut lo, mut hi) = (0.01f64.ln(), EDGES_MS[BUCKETS - 1].ln());
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if below(mid.exp()) < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(hi.exp())
}

/// `n` invocations of a log-normal with mean `avg` and σ `s`, spread over the buckets.
fn spread(h: &mut Histogram, part: Part) {
    if part.n <= 0.0 || part.median <= 0.0 || !part.median.is_finite() {
        return;
    }
    let (n, cdf) = (part.n, |ms: f64| part.cdf(ms));
    for (i, count) in h.counts.iter_mut().enumerate() {
        let share = if i == BUCKETS - 1 {
            1.0 - cdf(lower_ms(i))
        } else {
            cdf(EDGES_MS[i]) - cdf(lower_ms(i))
        };
        *count += n * share;
    }
}

/// The window's answer for one function, from its minutes' samples.
pub fn answer(
    inst: Instance,
    samples: impl Iterator<Item = Sample>,
    range: MinuteRange,
    now: DateTime<Utc>,
) -> CloudWatchDurations {
    let mut h = Histogram::default();
    let mut parts = Vec::new();
    let init = fleet::typical_init_ms(inst.spec.runtime);
    for s in samples {
        let (Some(avg), Some(p99)) = (s.duration_avg_ms, s.duration_p99_ms) else {
            continue;
        };
        let warm = (s.invocations - s.cold_starts).max(0.0);
        let body_p99 = if s.cold_starts / s.invocations.max(1.0) >= 0.01 {
            // The model's p99 is the cold starts' there: the warm body is tighter, and never
            // wider than the minute's p99 CloudWatch reports for it.
            (avg * 2.0).min(p99)
        } else {
            p99
        };
        let sd = sigma(avg, body_p99);
        for part in [
            Part::of(warm, avg, sd),
            Part::of(s.cold_starts, avg + init, 0.25),
        ] {
            if part.n > 0.0 && part.median > 0.0 {
                spread(&mut h, part);
                parts.push(part);
            }
        }
    }
    let total = h.total();
    let shares = std::array::from_fn(|i| {
        Some(if total > 0.0 {
            h.counts[i] / total * 100.0
        } else {
            0.0
        })
    });
    let q = |p: f64| quantile(&parts, p).map(|v| v.round());
    CloudWatchDurations {
        range,
        read_at: now,
        samples: Some(total.round()),
        percentiles: if total > 0.0 {
            [q(0.5), q(0.9), q(0.99), q(0.999)]
        } else {
            [None; 4]
        },
        shares,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_keeps_its_mean_and_tail() {
        assert!((phi(0.0) - 0.5).abs() < 1e-7);
        assert!((phi(2.326_347_874) - 0.99).abs() < 1e-5);
        let s = sigma(100.0, 250.0);
        let mut h = Histogram::default();
        let part = Part::of(10_000.0, 100.0, s);
        spread(&mut h, part);
        assert!((h.total() - 10_000.0).abs() < 1.0);
        let p99 = h.quantile(0.99).unwrap();
        assert!((200.0..=500.0).contains(&p99), "{p99}");
        // The model's own p99, as CloudWatch would compute it from the data.
        let exact = quantile(&[part], 0.99).unwrap();
        assert!((exact - 250.0).abs() < 1.0, "{exact}");
    }
}
