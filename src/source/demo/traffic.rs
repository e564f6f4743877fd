//! The demo fleet's traffic model: what one function did in one minute, as a pure function of
//! the seed, the function and the minute. A daily load curve, noise that wanders, bursts,
//! schedules, cold starts when concurrency grows, and the scripted incidents of `fleet`.

use super::fleet::{self, Behaviour, Instance, Spec};
use super::noise::{smooth, unit};

/// One function's minute, complete.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sample {
    pub invocations: f64,
    pub errors: f64,
    pub throttles: f64,
    /// `None` when nothing ran.
    pub duration_avg_ms: Option<f64>,
    pub duration_p99_ms: Option<f64>,
    pub concurrency_max: f64,
    pub cold_starts: f64,
    pub timeouts: f64,
    /// The longest init of the minute's cold starts, in ms.
    pub init_max_ms: Option<f64>,
    /// The most memory any invocation used, in MB.
    pub memory_used_mb: Option<f64>,
}

// Noise channels: separate streams so that one figure's noise does not echo in another.
const LOAD: u64 = 1;
const JITTER: u64 = 2;
const BURST: u64 = 3;
const ERRORS: u64 = 4;
const DURATION: u64 = 5;
const PEAK: u64 = 6;
const TAIL: u64 = 7;
const CHURN: u64 = 8;
const MEMORY: u64 = 9;
const INIT: u64 = 10;

/// The init duration of the `n`th cold start of minute `m`, in ms.
pub fn init_ms(inst: Instance, m: i64, seed: u64, n: u64) -> f64 {
    fleet::typical_init_ms(inst.spec.runtime) * (0.8 + 0.3 * unit(seed, inst.id, m, INIT + n))
}

/// Load multiplier of the daily curve: 1.0 at 14:00 local time, about 0.3 at 02:00.
pub fn daily_curve(minute: i64, region: &str) -> f64 {
    let hour = (minute.rem_euclid(24 * 60) as f64 / 60.0 + fleet::utc_offset_hours(region))
        .rem_euclid(24.0);
    let phase = (hour - 14.0) / 24.0 * std::f64::consts::TAU;
    0.3 + 0.7 * (0.5 + 0.5 * phase.cos())
}

/// Demand (invocations wanted) in minute `m`, before any throttling.
fn demand(seed: u64, inst: Instance, m: i64, start: i64) -> f64 {
    let s = inst.spec;
    let region_scale = if inst.region == "eu-west-1" { 0.6 } else { 1.0 };
    let mut load = match s.behaviour {
        Behaviour::Scheduled { every, batch } => {
            let phase = (inst.id as i64 * 7).rem_euclid(every);
            return match (m - phase).rem_euclid(every) {
                0 => batch,
                1 if batch > 2.0 => (batch * 0.15).round(),
                _ => 0.0,
            };
        }
        _ => s.rate * region_scale * daily_curve(m, inst.region),
    };
    // Wander ±15% over ten minutes, jitter ±5% per minute.
    load *= 0.85 + 0.3 * smooth(seed, inst.id, m, LOAD, 10);
    load *= 0.95 + 0.1 * unit(seed, inst.id, m, JITTER);
    match s.behaviour {
        Behaviour::Bursty if unit(seed, inst.id, m.div_euclid(3), BURST) < 0.06 => {
            load *= 2.5 + 1.5 * unit(seed, inst.id, m, BURST);
        }
        Behaviour::ThrottleEpisode {
            from, until, surge, ..
        } if is_incident(inst) && (start + from..start + until).contains(&m) => {
            // A surge is an event (a backfill, a viral upload), not a share of the daily load.
            load = load.max(s.rate * surge * (0.9 + 0.2 * unit(seed, inst.id, m, BURST)));
        }
        _ => {}
    }
    load.round().max(0.0)
}

pub(super) fn is_incident(inst: Instance) -> bool {
    inst.name == inst.spec.name && fleet::incident_region(inst.spec) == inst.region
}

/// Extra error rate from a bad deploy: a sharp rise, a plateau, a tail after the rollback.
pub fn deploy_error_rate(inst: Instance, m: i64, start: i64) -> f64 {
    let Behaviour::BadDeploy { at, lasts, peak } = inst.spec.behaviour else {
        return 0.0;
    };
    if !is_incident(inst) {
        return 0.0;
    }
    let since = m - (start + at);
    match since {
        s if s < 0 || s >= lasts + 3 => 0.0,
        0 => peak * 0.4,
        s if s < lasts => peak,
        s => peak * 0.3 / f64::from((s - lasts + 1) as i32),
    }
}

/// Extra error rate while a dependency is down.
pub fn outage_error_rate(inst: Instance, m: i64, start: i64) -> f64 {
    match inst.spec.behaviour {
        Behaviour::Outage {
            from,
            until,
            error_rate,
            ..
        } if is_incident(inst) && (start + from..start + until).contains(&m) => error_rate,
        _ => 0.0,
    }
}

/// When the demo says a function was last deployed.
pub fn deployed_at_minute(seed: u64, inst: Instance, start: i64) -> i64 {
    match inst.spec.behaviour {
        Behaviour::BadDeploy { at, .. } if is_incident(inst) => start + at,
        _ => {
            let days = 2.0 + 60.0 * unit(seed, inst.id, 0, 99);
            start - (days * 24.0 * 60.0) as i64
        }
    }
}

/// The complete minute `m` of a function, for a demo started at minute `start` and holding
/// `history` minutes before it.
pub fn sample(seed: u64, inst: Instance, m: i64, start: i64, history: i64) -> Sample {
    let s = inst.spec;
    let wanted = demand(seed, inst, m, start);
    let mut out = Sample::default();

    // Duration: the usual, growing for the creeping function, slower during a bad deploy.
    let mut avg = s.duration_ms * (0.9 + 0.2 * smooth(seed, inst.id, m, DURATION, 7));
    if let Behaviour::CreepingDuration { ms_per_minute } = s.behaviour
        && is_incident(inst)
    {
        avg += ms_per_minute * (m - (start - history)).max(0) as f64;
    }
    let outage_errors = outage_error_rate(inst, m, start);
    if outage_errors > 0.0
        && let Behaviour::Outage { slowdown, .. } = s.behaviour
    {
        avg *= slowdown;
    }
    let deploy_errors = deploy_error_rate(inst, m, start);
    if deploy_errors > 0.0 {
        avg *= 1.35;
    }

    // Throttling: accepted work is capped by the reserved concurrency.
    let mut accepted = wanted;
    if let Behaviour::ThrottleEpisode { limit, .. } = s.behaviour {
        let capacity = (limit * 60_000.0 / avg).floor();
        if accepted > capacity {
            out.throttles = accepted - capacity;
            accepted = capacity;
        }
    }
    out.invocations = accepted;
    if accepted == 0.0 {
        return out;
    }

    // Concurrency by Little's law with a burst factor, and cold starts when it grows.
    let peak_factor = 1.3 + 0.7 * unit(seed, inst.id, m, PEAK);
    let mut concurrency = (accepted * avg / 60_000.0 * peak_factor).ceil().max(1.0);
    if let Behaviour::ThrottleEpisode { limit, .. } = s.behaviour {
        concurrency = concurrency.min(limit);
    }
    // A job that runs for minutes: the minute's starts are what runs (Little's law over one
    // minute would count each run once for every minute it lasts).
    if avg >= 60_000.0 {
        concurrency = concurrency.min(accepted.max(1.0));
    }
    let before = demand(seed, inst, m - 1, start) * avg / 60_000.0 * peak_factor;
    let churn = (concurrency * 0.02 + unit(seed, inst.id, m, CHURN)).floor();
    let mut cold = (concurrency - before.ceil()).max(0.0) + churn;
    if deploy_errors > 0.0 && m == start + deploy_minute(s) {
        cold += concurrency; // every environment is new after a deploy
    }
    out.cold_starts = cold.min(accepted);
    out.concurrency_max = concurrency;
    if out.cold_starts > 0.0 {
        let colds = (out.cold_starts as u64).clamp(1, 20);
        let longest = (0..colds)
            .map(|n| init_ms(inst, m, seed, n).round())
            .fold(0.0, f64::max);
        out.init_max_ms = Some(longest);
    }
    let used = s.memory_use * (0.85 + 0.3 * smooth(seed, inst.id, m, MEMORY, 20));
    out.memory_used_mb = Some((f64::from(s.memory_mb) * used.min(0.995)).round());

    // The tail: p99 is a few times the mean, and a cold start's init lands in it when more
    // than one in a hundred invocations was cold.
    // Long-running jobs have a tight tail; request handlers a wide one.
    let u = unit(seed, inst.id, m, TAIL);
    // The media pipeline has a long tail: most uploads are small, a few are huge.
    let spread = if s.project == "media" {
        3.0 + 1.0 * u
    } else if s.duration_ms >= 5000.0 {
        1.15 + 0.1 * u
    } else {
        1.8 + 0.8 * u
    };
    let mut p99 = avg * spread;
    if out.cold_starts / accepted >= 0.01 {
        p99 = p99.max(avg + fleet::typical_init_ms(s.runtime));
    }

    // Timeouts once the tail passes the configured limit.
    let timeout_ms = f64::from(s.timeout_s) * 1000.0;
    if p99 > timeout_ms {
        let over = ((p99 - timeout_ms) / timeout_ms * 3.0).min(0.5);
        out.timeouts = (accepted * over).round().max(1.0);
        p99 = timeout_ms;
        avg = avg.min(timeout_ms * 0.9);
    }

    let rate = s.error_rate + deploy_errors + outage_errors;
    out.errors =
        ((accepted * rate + unit(seed, inst.id, m, ERRORS)).floor() + out.timeouts).min(accepted);
    out.duration_avg_ms = Some(avg.round());
    out.duration_p99_ms = Some(p99.round());
    out
}

fn deploy_minute(s: &Spec) -> i64 {
    match s.behaviour {
        Behaviour::BadDeploy { at, .. } => at,
        _ => i64::MIN / 2,
    }
}

/// The still-filling minute `m`, `fraction` of the way through: counts so far, the same
/// averages and peaks.
pub fn partial(full: Sample, fraction: f64) -> Sample {
    let f = fraction.clamp(0.0, 1.0);
    Sample {
        invocations: (full.invocations * f).floor(),
        errors: (full.errors * f).floor(),
        throttles: (full.throttles * f).floor(),
        cold_starts: (full.cold_starts * f).floor(),
        timeouts: (full.timeouts * f).floor(),
        init_max_ms: full
            .init_max_ms
            .filter(|_| (full.cold_starts * f).floor() > 0.0),
        ..full
    }
}

/// How a minute's load sits on `provisioned` environments: the share in use at the peak
/// (0 to 1), and the invocations that spilled over to on-demand ones.
pub fn provisioned_use(s: &Sample, provisioned: u32) -> (f64, f64) {
    let p = f64::from(provisioned.max(1));
    let used = (s.concurrency_max / p).min(1.0);
    let spilled = if s.concurrency_max > p {
        (s.invocations * (1.0 - p / s.concurrency_max)).round()
    } else {
        0.0
    };
    (used, spilled)
}
