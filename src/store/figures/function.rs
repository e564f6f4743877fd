use super::*;

/// One function's figures over a window.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FunctionStats {
    pub invocations: Option<f64>,
    /// Mean invocations per minute over the minutes that had data.
    pub invocations_per_min: Option<f64>,
    pub errors: Option<f64>,
    pub throttles: Option<f64>,
    pub error_rate: Option<f64>,
    /// Invocation-weighted mean of the minutes' average durations.
    pub duration_avg_ms: Option<f64>,
    /// The window's p99: 99% of its invocations over the window ran at most this long, from
    /// its distribution (`durations`: CloudWatch's `p99` over the window where it was read,
    /// else the REPORT lines read). `None` where neither was.
    pub duration_p99_ms: Option<f64>,
    /// The window's p99.9, from the same distribution.
    pub duration_p999_ms: Option<f64>,
    /// The highest minute p99 in the window (CloudWatch's `p99` minute by minute): the worst
    /// the function got, its own figure under its own name ("peak p99").
    pub duration_p99_peak_ms: Option<f64>,
    /// `duration_p99_peak_ms` as a fraction of the configured timeout: how near its worst
    /// minute came to being cut off.
    pub p99_peak_of_timeout: Option<f64>,
    pub concurrency_max: Option<f64>,
    pub est_cost_usd: Option<f64>,
    /// From REPORT lines: cold starts, timeouts, init percentiles, peak memory.
    pub cold_starts: Option<f64>,
    /// SnapStart restores: no cold start, counted apart.
    pub restores: Option<f64>,
    pub timeouts: Option<f64>,
    pub init_p50_ms: Option<f64>,
    pub init_p99_ms: Option<f64>,
    pub memory_used_max_mb: Option<f64>,
    /// Peak memory used over the configured memory size: the headroom left.
    pub memory_used_ratio: Option<f64>,
    /// The first minute of the window whose figures may still grow, if any.
    pub provisional_from: Option<Minute>,
    /// Of the window's settled minutes with invocations, how many had their REPORT lines
    /// read: what `cold_starts`, `restores`, `timeouts`, the init percentiles and the peak
    /// memory count. Fewer than all (a busy fleet's reads take turns, a first read goes 15
    /// minutes back), those figures are of the minutes read only, a floor, and say so.
    /// `None`: no minute with invocations to read.
    pub reports_read: Option<Coverage>,
    /// Reserved concurrency: `Some(None)` none reserved, `None` not read.
    pub reserved: Option<Option<u32>>,
    /// Provisioned concurrency allocated (`Some(0)`: none), `None` not read.
    pub provisioned: Option<u32>,
    /// The busiest version's peak share of its provisioned concurrency (0 to 1).
    pub provisioned_use_max: Option<f64>,
    /// Invocations served on demand because provisioned concurrency was all in use.
    pub spillover: Option<f64>,
    /// What its throttles ran into, where it can be told.
    pub throttle_cause: Option<ThrottleCause>,
    /// Its alarms in ALARM (`None`: its region's alarms could not be read).
    pub alarms_firing: Option<u16>,
    /// Asynchronous invocation, for the functions that have any (`None` otherwise): events
    /// queued, the oldest event's age in the queue, and events lost — dropped, or failed to
    /// reach the dead-letter queue or the on-failure destination.
    pub async_received: Option<f64>,
    pub async_age_max_ms: Option<f64>,
    pub async_dropped: Option<f64>,
    pub dead_letter_errors: Option<f64>,
    pub destination_failures: Option<f64>,
    /// Its event-source mappings that stopped or fail (`None`: its region's mappings could
    /// not be read).
    pub sources_in_breach: Option<u16>,
    /// How far behind its streams it reads: the window's highest `IteratorAge` (ms) and
    /// Kafka `OffsetLag`, for functions that read a stream.
    pub iterator_age_max_ms: Option<f64>,
    pub offset_lag_max: Option<f64>,
    /// How long its invocations ran over the window, bucketed on a log scale, where REPORT
    /// lines or CloudWatch's percentile ranks were read; and its percentiles from the same.
    pub durations: Option<Durations>,
    pub duration_p50_ms: Option<f64>,
    pub duration_p90_ms: Option<f64>,
    /// Its latency class, and why (set with the fleet's figures).
    pub latency_class: Option<LatencyClass>,
    pub class_by: Option<ClassBy>,
    /// The longest its tasks waited before they ran over the window: the oldest async event,
    /// stream record, or (set with the fleet's figures) message of the queue feeding it.
    pub wait_max_ms: Option<f64>,
    /// Wait plus p99 duration as a share of its class's budget (`None`: its p99 is unknown).
    pub budget_used: Option<f64>,
}

impl FunctionStats {
    /// The REPORT-derived figures count only some of the minutes they should.
    pub fn reports_partial(&self) -> bool {
        self.reports_read.is_some_and(Coverage::is_partial)
    }

    /// Events lost over the window: dropped, plus those that failed to reach the dead-letter
    /// queue or the on-failure destination (`None`: not invoked asynchronously, or unread).
    pub fn async_lost(&self) -> Option<f64> {
        [
            self.async_dropped,
            self.dead_letter_errors,
            self.destination_failures,
        ]
        .into_iter()
        .fold(None, add)
    }
}

/// What a function's throttles ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThrottleCause {
    /// Its own reserved concurrency: it ran at its cap (or is held at 0).
    Reserved,
    /// The account's pool: the region's unreserved (or claimed) concurrency was at its limit.
    Account,
    /// Provisioned concurrency was all in use, and the invocations that spilled over to
    /// on-demand environments were refused.
    ProvisionedSpillover,
}

impl ThrottleCause {
    /// In words, for the detail.
    pub fn words(self) -> &'static str {
        match self {
            ThrottleCause::Reserved => "its reserved concurrency",
            ThrottleCause::Account => "the account's concurrency pool",
            ThrottleCause::ProvisionedSpillover => "spillover beyond its provisioned concurrency",
        }
    }
}

/// A pool at this share of its limit is where throttles come from.
pub(super) const POOL_FULL: f64 = 0.9;

pub fn function_stats(f: &Function, range: MinuteRange) -> FunctionStats {
    let h = f.history_over(range);
    let mut s = FunctionStats {
        provisional_from: provisional_from(h.settled, range),
        ..FunctionStats::default()
    };
    let mut minutes_with_invocations = 0u32;
    let (mut weighted_ms, mut weight) = (0.0, 0.0);
    for m in range.iter() {
        let inv = h.get(Metric::Invocations, m);
        if inv.is_some() {
            minutes_with_invocations += 1;
        }
        s.invocations = add(s.invocations, inv);
        s.errors = add(s.errors, h.get(Metric::Errors, m));
        s.throttles = add(s.throttles, h.get(Metric::Throttles, m));
        s.duration_p99_peak_ms = max(s.duration_p99_peak_ms, h.get(Metric::DurationP99, m));
        s.concurrency_max = max(s.concurrency_max, h.get(Metric::ConcurrencyMax, m));
        if let (Some(avg), Some(n)) = (h.get(Metric::DurationAvg, m), inv)
            && n > 0.0
        {
            weighted_ms += avg * n;
            weight += n;
        }
    }
    s.invocations_per_min = s
        .invocations
        .map(|n| n / f64::from(minutes_with_invocations.max(1) * range.period()));
    s.error_rate = ratio(s.errors, s.invocations);
    s.duration_avg_ms = (weight > 0.0).then(|| weighted_ms / weight);
    // The configuration that carries the traffic: an aliased version's, where there is one.
    let (_, _, timeout_s) = f.serving_config();
    s.p99_peak_of_timeout = match (s.duration_p99_peak_ms, timeout_s) {
        (Some(p99), Some(t)) if t > 0 => Some(p99 / (f64::from(t) * 1000.0)),
        _ => None,
    };
    for m in range.iter() {
        s.provisioned_use_max = max(
            s.provisioned_use_max,
            h.get(Metric::ProvisionedUtilization, m),
        );
        s.spillover = add(s.spillover, h.get(Metric::Spillover, m));
    }
    s.reserved = f.capacity.reserved;
    s.provisioned = f.capacity.provisioned;
    s.throttle_cause = own_throttle_cause(&s);
    let mut inits = h.init_samples(range);
    s.est_cost_usd = estimate(f, &s, inits.iter().sum(), range);
    s.reports_read = reports_read(h, range, s.provisional_from);
    for m in range.iter() {
        s.cold_starts = add(s.cold_starts, h.get(Metric::ColdStarts, m));
        s.restores = add(s.restores, h.get(Metric::Restores, m));
        s.timeouts = add(s.timeouts, h.get(Metric::Timeouts, m));
        s.memory_used_max_mb = max(s.memory_used_max_mb, h.get(Metric::MemoryUsedMax, m));
    }
    for m in range.iter() {
        s.iterator_age_max_ms = max(s.iterator_age_max_ms, h.get(Metric::IteratorAgeMax, m));
        s.offset_lag_max = max(s.offset_lag_max, h.get(Metric::OffsetLagMax, m));
    }
    if h.is_async() {
        for m in range.iter() {
            s.async_received = add(s.async_received, h.get(Metric::AsyncReceived, m));
            s.async_age_max_ms = max(s.async_age_max_ms, h.get(Metric::AsyncAgeMax, m));
            s.async_dropped = add(s.async_dropped, h.get(Metric::AsyncDropped, m));
            s.dead_letter_errors = add(s.dead_letter_errors, h.get(Metric::DeadLetterErrors, m));
            s.destination_failures = add(
                s.destination_failures,
                h.get(Metric::DestinationFailures, m),
            );
        }
    }
    s.durations = f
        .durations
        .over(range)
        .map(|d| d.capped(s.duration_p99_peak_ms));
    s.duration_p50_ms = s.durations.and_then(|d| d.p50_ms);
    s.duration_p90_ms = s.durations.and_then(|d| d.p90_ms);
    s.duration_p99_ms = s.durations.and_then(|d| d.p99_ms);
    s.duration_p999_ms = s.durations.and_then(|d| d.p999_ms);
    s.wait_max_ms = max(s.async_age_max_ms, s.iterator_age_max_ms);
    s.init_p50_ms = percentile(&mut inits, 50.0);
    s.init_p99_ms = percentile(&mut inits, 99.0);
    s.memory_used_ratio = match (s.memory_used_max_mb, f.facts.memory_mb) {
        (Some(used), Some(size)) if size > 0 => Some(used / f64::from(size)),
        _ => None,
    };
    s
}

/// Of the minutes of `range` before `provisional_from` that had invocations, how many had
/// their REPORT lines read (a read writes every minute it covers, a silent one as 0).
fn reports_read(
    h: &History,
    range: MinuteRange,
    provisional_from: Option<Minute>,
) -> Option<Coverage> {
    let (mut read, mut of) = (0, 0);
    for m in range
        .iter()
        .filter(|m| provisional_from.is_none_or(|p| *m < p))
    {
        if h.get(Metric::Invocations, m).is_some_and(|n| n > 0.0) {
            of += 1;
            read += u32::from(h.get(Metric::ColdStarts, m).is_some());
        }
    }
    (of > 0).then_some(Coverage { read, of })
}

/// What a function's throttles ran into as far as its own figures tell: its reserved cap,
/// or spillover past provisioned concurrency. The account's pool is told from the region's
/// figures (`fleet_stats`).
fn own_throttle_cause(s: &FunctionStats) -> Option<ThrottleCause> {
    if s.throttles.is_none_or(|t| t <= 0.0) {
        return None;
    }
    if let Some(Some(cap)) = s.reserved
        && (cap == 0
            || s.concurrency_max
                .is_some_and(|c| c >= f64::from(cap) * POOL_FULL))
    {
        return Some(ThrottleCause::Reserved);
    }
    if s.provisioned.is_some_and(|p| p > 0) && s.spillover.is_some_and(|n| n > 0.0) {
        return Some(ThrottleCause::ProvisionedSpillover);
    }
    None
}

/// What the newest deploy inside a window did: the function's figures after it, beside those
/// of as long before it, bucket by bucket at the window's period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SinceDeploy {
    pub at: DateTime<Utc>,
    pub kind: crate::store::DeployKind,
    pub after: FunctionStats,
    pub before: FunctionStats,
}

/// The newest deploy inside `range` (after its first bucket, so there is a before), and the
/// figures on either side of it.
pub fn since_deploy(f: &Function, range: MinuteRange) -> Option<SinceDeploy> {
    let d = f.deploys.last()?;
    let at = Minute::of(d.at);
    if !range.contains(at) || at == range.first {
        return None;
    }
    let period = range.period();
    let buckets = u32::try_from(range.len() - range.position(at)?).ok()?;
    let after = MinuteRange::buckets_ending_at(range.last, buckets, period);
    let before = MinuteRange::buckets_ending_at(at.floor(period).minus(1), buckets, period);
    Some(SinceDeploy {
        at: d.at,
        kind: d.kind,
        after: function_stats(f, after),
        before: function_stats(f, before),
    })
}
