//! Windows and the figures computed over them: the one place where sums, rates, averages,
//! project roll-ups, fleet totals, task-flow series and cost estimates are derived. Panes and
//! `snapshot` both read these, so a number can never differ between screen and script.
//!
//! Sums cover the window's minutes up to the one before the current (which is still filling
//! and left out). The newest of those may be *provisional*: CloudWatch still adds datapoints
//! to them (a function's REPORT of a long invocation lands when it ends), so their counts can
//! only grow. They are counted, and every figure says from which minute it is provisional
//! (`provisional_from`), so a chart can draw them apart and a script can tell. A figure no
//! minute had data for is `None`, never 0.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Utc};

use super::distribution::{self, Durations, Histogram};
use super::latency::{ClassBy, ClassFacts, ClassRule, LatencyClass};
use super::pricing;
use super::span::{MAX_BUCKETS, Span};
use super::{Function, Metric, Minute, MinuteRange, Place, Pool, Store};

/// A look-back window of whole minutes, ending now (live) or at a moment in the past.
///
/// CloudWatch keeps one-minute datapoints for 15 days, five-minute ones for 63 days and
/// hourly ones for 455 days ("Amazon CloudWatch retains metric data as follows",
/// CloudWatch API Reference, *GetMetricData*), and GetMetricData bills per metric, not per
/// datapoint. So a window is read at the finest period CloudWatch still keeps for its oldest
/// minute, coarsened until it fits `MAX_BUCKETS`: 6 hours minute by minute, a day by five
/// minutes, a week by half hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    minutes: u32,
    /// The minute after its last, for a window in the past (`None`: it ends now).
    end: Option<Minute>,
}

/// The periods a window may be read at, in minutes: each a whole number of CloudWatch's
/// (one minute, five, an hour) and dividing a day.
const PERIODS: [u32; 12] = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];

/// The longest window: CloudWatch's five-minute data reaches back 63 days.
pub const MAX_MINUTES: u32 = 63 * 24 * 60;

/// The period CloudWatch keeps for datapoints `age_minutes` old.
fn kept_period(age_minutes: i64) -> u32 {
    const DAY: i64 = 24 * 60;
    match age_minutes {
        a if a <= 15 * DAY => 1,
        a if a <= 63 * DAY => 5,
        _ => 60,
    }
}

impl Window {
    pub const M15: Window = Window::last(15);
    pub const H1: Window = Window::last(60);
    pub const H3: Window = Window::last(180);
    pub const H6: Window = Window::last(6 * 60);
    pub const H24: Window = Window::last(24 * 60);
    pub const D7: Window = Window::last(7 * 24 * 60);
    pub const PRESETS: [Window; 6] = [Self::M15, Self::H1, Self::H3, Self::H6, Self::H24, Self::D7];

    const fn last(minutes: u32) -> Window {
        Window { minutes, end: None }
    }

    pub fn from_minutes(minutes: u32) -> Option<Window> {
        (1..=MAX_MINUTES)
            .contains(&minutes)
            .then_some(Window::last(minutes))
    }

    pub fn minutes(self) -> u32 {
        self.minutes
    }

    pub fn hours(self) -> f64 {
        f64::from(self.minutes) / 60.0
    }

    /// The same length, ending at `end` (the minute after its last; `None`: now).
    pub fn ending(self, end: Option<Minute>) -> Window {
        Window { end, ..self }
    }

    /// Where a window in the past ends (`None`: it ends now).
    pub fn end(self) -> Option<Minute> {
        self.end
    }

    /// Whether it ends before now.
    pub fn is_past(self) -> bool {
        self.end.is_some()
    }

    /// A cost over the window as a rate per hour.
    pub fn per_hour(self, usd: Option<f64>) -> Option<f64> {
        usd.map(|c| c / self.hours())
    }

    /// The window if CloudWatch still keeps any of it at `now`: its hourly datapoints go after
    /// 455 days.
    pub fn kept_at(self, now: DateTime<Utc>) -> Result<Window, String> {
        let end = self.end.unwrap_or(Minute::of(now));
        if Minute::of(now).0 - end.0 > 455 * 24 * 60 {
            return Err(format!(
                "CloudWatch keeps metrics for 455 days: nothing is left of the window to {}",
                end.start().format("%Y-%m-%d %H:%M UTC")
            ));
        }
        Ok(self)
    }

    /// The same length, ending at the moment `text` says (`parse_moment`), if CloudWatch
    /// still keeps any of it: what `--at` and `:at` do.
    pub fn ending_at<Tz: chrono::TimeZone>(
        self,
        text: &str,
        now: DateTime<Utc>,
        tz: &Tz,
    ) -> Result<Window, String> {
        let at = parse_moment(text, now, tz)?;
        self.ending(at.map(Minute::of)).kept_at(now)
    }

    /// Minutes a bucket of the window spans at `now`.
    pub fn period(self, now: DateTime<Utc>) -> u32 {
        let by_length = PERIODS
            .into_iter()
            .find(|p| self.minutes.div_ceil(*p) <= MAX_BUCKETS)
            .unwrap_or(1440);
        let end = self.end.map_or(Minute::of(now), |e| e.min(Minute::of(now)));
        let oldest = end.minus(i64::from(self.minutes));
        by_length.max(kept_period(Minute::of(now).0 - oldest.0))
    }

    /// The window's buckets at `now`. A live one ends with the minute before the current one
    /// (still filling, left out); with a period longer than a minute its last bucket holds
    /// that minute and may be partial. One in the past ends at the last whole bucket before
    /// its end.
    pub fn range(self, now: DateTime<Utc>) -> MinuteRange {
        let period = self.period(now);
        let buckets = self.minutes.div_ceil(period);
        let last = match self.end {
            None => Minute::of(now).minus(1),
            Some(end) => end.min(Minute::of(now)).floor(period).minus(1),
        };
        MinuteRange::buckets_ending_at(last, buckets, period)
    }

    /// The span the store must keep beside its `kept` minutes for this window at `now`:
    /// `None` when those minutes hold it.
    pub fn span(self, now: DateTime<Utc>, kept: u32) -> Option<Span> {
        let range = self.range(now);
        let oldest_kept = Minute::of(now).minus(i64::from(kept));
        if range.period() == 1 && range.first >= oldest_kept {
            return None;
        }
        Some(Span {
            period: range.period(),
            buckets: range.len() as u32,
            end: self.end.map(|_| range.last_minute().plus(1)),
        })
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.minutes;
        if m.is_multiple_of(24 * 60) && m > 24 * 60 {
            write!(f, "{}d", m / (24 * 60))
        } else if m.is_multiple_of(60) {
            write!(f, "{}h", m / 60)
        } else {
            write!(f, "{m}m")
        }
    }
}

impl std::str::FromStr for Window {
    type Err = String;

    /// `15m`, `1h`, `90m`, `24h`, `7d` or a bare number of minutes.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let (digits, factor) = if let Some(d) = t.strip_suffix('d') {
            (d, 24 * 60)
        } else if let Some(h) = t.strip_suffix('h') {
            (h, 60)
        } else if let Some(m) = t.strip_suffix('m') {
            (m, 1)
        } else {
            (t.as_str(), 1)
        };
        digits
            .parse::<u32>()
            .ok()
            .and_then(|n| n.checked_mul(factor))
            .and_then(Window::from_minutes)
            .ok_or_else(|| {
                format!("invalid window '{s}': expected e.g. 15m, 1h, 24h or 7d (at most 63d)")
            })
    }
}

/// A moment a window may end at, as typed after `--at` or `:at`: RFC 3339
/// (`2026-12-05T02:00:00Z`), a date and clock time (`2026-12-05 02:00`), a clock time alone
/// (`02:00`: the last time the clock of `tz` read it), or a time ago (`-9h`, `-90m`, `-2d`).
/// `now` and `live` come back as `None`: the window ends now. A moment to come is refused.
pub fn parse_moment<Tz: chrono::TimeZone>(
    text: &str,
    now: DateTime<Utc>,
    tz: &Tz,
) -> Result<Option<DateTime<Utc>>, String> {
    use chrono::{NaiveDateTime, NaiveTime};
    let t = text.trim();
    let bad = || {
        format!(
            "invalid time '{text}': expected 02:00, 2026-12-05 02:00, 2026-12-05T02:00:00Z, -9h or now"
        )
    };
    if t.eq_ignore_ascii_case("now") || t.eq_ignore_ascii_case("live") {
        return Ok(None);
    }
    let local = |n: NaiveDateTime| -> Option<DateTime<Utc>> {
        tz.from_local_datetime(&n)
            .earliest()
            .map(|d| d.with_timezone(&Utc))
    };
    let at = if let Some(ago) = t.strip_prefix('-') {
        let w: Window = ago.parse().map_err(|_| bad())?;
        now - chrono::Duration::minutes(i64::from(w.minutes()))
    } else if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        d.with_timezone(&Utc)
    } else if let Some(n) = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    {
        local(n).ok_or_else(bad)?
    } else if let Some(clock) = ["%H:%M", "%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
    {
        let today = now.with_timezone(tz).date_naive();
        let at = local(today.and_time(clock)).ok_or_else(bad)?;
        if at > now {
            let yesterday = today.pred_opt().ok_or_else(bad)?;
            local(yesterday.and_time(clock)).ok_or_else(bad)?
        } else {
            at
        }
    } else {
        return Err(bad());
    };
    if at > now {
        return Err(format!(
            "time '{text}' is in the future ({}): a window can only end now or before",
            at.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    Ok(Some(at))
}

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

/// Errors over invocations, undefined when nothing ran or the errors are unknown.
pub fn ratio(errors: Option<f64>, invocations: Option<f64>) -> Option<f64> {
    match (errors, invocations) {
        (Some(e), Some(n)) if n > 0.0 => Some(e / n),
        // Errors that could not be read are no 0%: the rate is unknown too.
        _ => None,
    }
}

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
const POOL_FULL: f64 = 0.9;

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

/// List prices of what the window shows: requests and duration, the INIT of the cold starts
/// whose REPORT lines were read (billed as duration since 1 August 2025), and provisioned
/// concurrency kept ready over the window — at the memory and architecture of the
/// configuration that carries the traffic.
fn estimate(f: &Function, s: &FunctionStats, init_ms: f64, range: MinuteRange) -> Option<f64> {
    let n = s.invocations?;
    let (mb, arch, _) = f.serving_config();
    let region = f.facts.region.as_str();
    let provisioned = match (s.provisioned, mb) {
        (Some(p), Some(mb)) if p > 0 => {
            pricing::provisioned_usd(region, arch, mb, p, range.minutes() as f64 * 60.0)
        }
        _ => 0.0,
    };
    if n == 0.0 {
        return Some(provisioned);
    }
    let mb = mb?;
    Some(
        pricing::estimate_usd(region, arch, mb, n, s.duration_avg_ms?)
            + pricing::init_usd(region, arch, mb, init_ms)
            + provisioned,
    )
}

/// A project's roll-up over a window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProjectStats {
    pub name: String,
    pub functions: usize,
    pub invocations: Option<f64>,
    pub errors: Option<f64>,
    pub throttles: Option<f64>,
    pub error_rate: Option<f64>,
    /// The highest peak p99 of its functions: its worst function's worst minute. (Its own
    /// p99 is its `durations`', over the functions whose distributions were read.)
    pub duration_p99_peak_ms: Option<f64>,
    pub est_cost_usd: Option<f64>,
    /// The first minute of the window whose sums may still grow, if any.
    pub provisional_from: Option<Minute>,
    /// Its functions' duration distributions summed, where any were read.
    pub durations: Option<Durations>,
}

/// A latency class's roll-up over a window.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassStats {
    pub class: LatencyClass,
    pub functions: usize,
    pub invocations: Option<f64>,
    pub errors: Option<f64>,
    /// Its members' invocations as a share of the fleet's.
    pub share: Option<f64>,
    /// The members' distributions summed, and the class's p99 from them (never an average
    /// of the members' p99s).
    pub durations: Option<Durations>,
    /// Members over the class's budget at p99.
    pub over_budget: usize,
    /// The longest a member's tasks waited.
    pub wait_max_ms: Option<f64>,
    /// Its members' waits summed: function-minutes by how long their tasks waited at worst.
    pub waits: Option<Histogram>,
}

/// What a function's tasks wait on, and how long they waited over `range`: minute by minute
/// at their worst, the oldest async event (`AsyncEventAge`) or how far behind its stream it
/// reads (`IteratorAge`); for a queue's consumer, its queue's oldest message at the last read
/// (`ApproximateAgeOfOldestMessage`: one reading, not a history). `None`: nothing queues
/// before it runs.
pub fn waits(f: &Function, range: MinuteRange, queue_age_ms: Option<f64>) -> Option<Waits> {
    let h = f.history_over(range);
    let series = if h.is_async() {
        Some(("async event age", Metric::AsyncAgeMax))
    } else if h
        .series(Metric::IteratorAgeMax)
        .values(range)
        .any(|v| v.is_some())
    {
        Some(("stream iterator age", Metric::IteratorAgeMax))
    } else {
        None
    };
    match (series, queue_age_ms) {
        (Some((what, m)), _) => Some(Waits {
            what,
            histogram: distribution::waits(h.series(m).values(range).flatten())?,
        }),
        (None, Some(ms)) => Some(Waits {
            what: "queue's oldest message, last read",
            histogram: distribution::waits([ms])?,
        }),
        (None, None) => None,
    }
}

/// How long a function's tasks waited, and on what.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Waits {
    pub what: &'static str,
    pub histogram: Histogram,
}

/// The oldest message of the queues feeding a function, at their last read, in milliseconds.
pub fn queue_age_ms(sources: Option<&[super::event_sources::EventSource]>) -> Option<f64> {
    sources?
        .iter()
        .filter_map(|m| m.backlog.as_ref()?.oldest_age_s)
        .map(|s| s * 1000.0)
        .fold(None, |a, b| max(a, Some(b)))
}

/// Sets `s`'s class from its facts and figures, and how much of the class's budget its wait
/// plus p99 uses.
fn classify(f: &Function, s: &mut FunctionStats, triggered: bool, rule: &ClassRule) {
    let (_, _, timeout_s) = f.serving_config();
    let facts = ClassFacts {
        tag: f.facts.tags.get(&rule.tag).map(String::as_str),
        triggered,
        median_ms: s.duration_p50_ms.or(s.duration_avg_ms),
        timeout_s,
    };
    let (class, by) = rule.classify(facts);
    s.latency_class = Some(class);
    s.class_by = Some(by);
    // The window's p99: a budget is for how long tasks take, not for their worst minute.
    s.budget_used = s
        .duration_p99_ms
        .map(|p| (p + s.wait_max_ms.unwrap_or(0.0)) / rule.budget_ms(class));
}

/// How many of `functions` ran in the window, or may have (their invocations unknown): the
/// ones a group's summed distribution ought to count.
fn ran<'a>(functions: impl IntoIterator<Item = &'a FunctionStats>) -> u32 {
    let n = functions
        .into_iter()
        .filter(|s| s.invocations != Some(0.0) || s.durations.is_some())
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn class_stats(functions: &[FunctionStats]) -> Vec<ClassStats> {
    let fleet = functions.iter().fold(None, |a, s| add(a, s.invocations));
    LatencyClass::ALL
        .into_iter()
        .filter_map(|class| {
            let members: Vec<&FunctionStats> = functions
                .iter()
                .filter(|s| s.latency_class == Some(class))
                .collect();
            if members.is_empty() {
                return None;
            }
            let invocations = members.iter().fold(None, |a, s| add(a, s.invocations));
            Some(ClassStats {
                class,
                functions: members.len(),
                invocations,
                errors: members.iter().fold(None, |a, s| add(a, s.errors)),
                share: ratio(invocations, fleet),
                durations: Durations::sum(
                    members.iter().filter_map(|s| s.durations.as_ref()),
                    ran(members.iter().copied()),
                ),
                over_budget: members
                    .iter()
                    .filter(|s| s.budget_used.is_some_and(|u| u > 1.0))
                    .count(),
                wait_max_ms: members.iter().fold(None, |a, s| max(a, s.wait_max_ms)),
                waits: None,
            })
        })
        .collect()
}

/// The whole fleet's roll-up.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Totals {
    pub functions: usize,
    pub invocations: Option<f64>,
    pub invocations_per_min: Option<f64>,
    pub errors: Option<f64>,
    pub throttles: Option<f64>,
    pub error_rate: Option<f64>,
    pub est_cost_usd: Option<f64>,
    /// The first minute of the window whose sums may still grow, if any.
    pub provisional_from: Option<Minute>,
}

impl Totals {
    /// Adds one function's figures to a roll-up of its own functions (an account's, a
    /// project's share in an account).
    fn count(&mut self, s: &FunctionStats) {
        self.functions += 1;
        self.invocations = add(self.invocations, s.invocations);
        self.errors = add(self.errors, s.errors);
        self.throttles = add(self.throttles, s.throttles);
        self.est_cost_usd = add(self.est_cost_usd, s.est_cost_usd);
        self.provisional_from = earliest(self.provisional_from, s.provisional_from);
    }

    /// The rates, once every function is counted, over a window of `minutes`.
    fn finish(&mut self, minutes: u32) {
        self.error_rate = ratio(self.errors, self.invocations);
        self.invocations_per_min = self.invocations.map(|n| n / f64::from(minutes));
    }
}

/// A region's concurrency over a window, against the account's limits.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionStats {
    /// Whose account (`store::account`: `OWN` for the session's one account).
    pub account: super::AccountId,
    pub region: String,
    pub concurrency_max: Option<f64>,
    pub concurrency_limit: Option<u32>,
    /// Peak of the pool unreserved functions share, and its limit.
    pub unreserved_max: Option<f64>,
    pub unreserved_limit: Option<u32>,
    /// Peak of what is claimed (unreserved use plus reservations and provisioned
    /// allocations), against the account limit.
    pub claimed_max: Option<f64>,
}

impl RegionStats {
    /// Each pool's peak and limit, where both are known.
    pub fn pools(&self) -> Vec<(Pool, f64, u32)> {
        [
            (Pool::All, self.concurrency_max, self.concurrency_limit),
            (Pool::Unreserved, self.unreserved_max, self.unreserved_limit),
            (Pool::Claimed, self.claimed_max, self.concurrency_limit),
        ]
        .into_iter()
        .filter_map(|(p, peak, limit)| Some((p, peak?, limit?)))
        .collect()
    }

    /// The pool nearest its limit: with most of the limit reserved, unreserved functions
    /// throttle at a small number while all executions look far from the account limit.
    pub fn tightest(&self) -> Option<(Pool, f64, u32)> {
        self.pools()
            .into_iter()
            .max_by(|a, b| use_of(a.1, a.2).total_cmp(&use_of(b.1, b.2)))
    }

    /// Peak use of the tightest pool as a fraction of its limit.
    pub fn utilization(&self) -> Option<f64> {
        self.tightest().map(|(_, peak, limit)| use_of(peak, limit))
    }
}

fn use_of(peak: f64, limit: u32) -> f64 {
    match limit {
        0 if peak > 0.0 => f64::INFINITY,
        0 => 0.0,
        l => peak / f64::from(l),
    }
}

/// Every figure of the fleet over one window, computed once per data change.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetStats {
    pub window: Window,
    pub range: MinuteRange,
    /// Indexed like `Store::functions`.
    pub functions: Vec<FunctionStats>,
    /// Each latency class with members, in the order of `LatencyClass::ALL`.
    pub classes: Vec<ClassStats>,
    /// Sorted by name.
    pub projects: Vec<ProjectStats>,
    pub totals: Totals,
    /// Each account's totals (one for a session of one set of credentials): the header's on
    /// `:account`, the sums of the account's functions.
    pub accounts: BTreeMap<super::AccountId, Totals>,
    /// Among several accounts, each project's share in each account: a project tag shared
    /// across accounts is one project, broken down by account in the projects pane.
    pub project_accounts: BTreeMap<(String, super::AccountId), Totals>,
    /// The whole fleet's task flow (`Flow::of_fleet`), which the totals are the sums of.
    pub flow: Flow,
    /// Sorted by region.
    pub regions: Vec<RegionStats>,
}

impl FleetStats {
    /// The totals of the fleet, or of one project or account when narrowed to it (the
    /// project's when narrowed to both).
    pub fn totals_of(&self, project: Option<&str>, account: Option<super::AccountId>) -> Totals {
        let narrowed = project.and_then(|p| self.projects.iter().find(|s| s.name == p));
        if narrowed.is_none()
            && let Some(a) = account
        {
            return self.accounts.get(&a).cloned().unwrap_or_default();
        }
        match narrowed {
            Some(p) => Totals {
                functions: p.functions,
                invocations: p.invocations,
                invocations_per_min: p.invocations.map(|n| n / f64::from(self.window.minutes())),
                errors: p.errors,
                throttles: p.throttles,
                error_rate: p.error_rate,
                est_cost_usd: p.est_cost_usd,
                provisional_from: p.provisional_from,
            },
            None => self.totals.clone(),
        }
    }

    /// The region nearest its account concurrency limit (or, without limits, the busiest).
    pub fn busiest_region(&self) -> Option<&RegionStats> {
        self.regions
            .iter()
            .filter(|r| r.concurrency_max.is_some())
            .max_by(|a, b| {
                let key = |r: &RegionStats| {
                    (
                        r.utilization().unwrap_or(0.0),
                        r.concurrency_max.unwrap_or(0.0),
                    )
                };
                key(a)
                    .partial_cmp(&key(b))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
    }
}

pub fn fleet_stats(store: &Store, window: Window, now: DateTime<Utc>) -> FleetStats {
    let range = window.range(now);
    let functions: Vec<FunctionStats> = store
        .functions()
        .iter()
        .map(|f| function_stats(f, range))
        .collect();
    let mut projects: BTreeMap<&str, ProjectStats> = BTreeMap::new();
    let mut project_durations: BTreeMap<&str, (Vec<&Durations>, u32)> = BTreeMap::new();
    let mut totals = Totals::default();
    let mut accounts: BTreeMap<super::AccountId, Totals> = BTreeMap::new();
    let mut project_accounts: BTreeMap<(String, super::AccountId), Totals> = BTreeMap::new();
    let several = store.session().accounts.len() > 1;
    for (f, s) in store.functions().iter().zip(&functions) {
        if several {
            project_accounts
                .entry((f.project.clone(), f.facts.account))
                .or_default()
                .count(s);
        }
        accounts.entry(f.facts.account).or_default().count(s);
        let (parts, of) = project_durations.entry(f.project.as_str()).or_default();
        parts.extend(&s.durations);
        *of += ran([s]);
        let p = projects
            .entry(f.project.as_str())
            .or_insert_with(|| ProjectStats {
                name: f.project.clone(),
                ..ProjectStats::default()
            });
        p.functions += 1;
        p.invocations = add(p.invocations, s.invocations);
        p.errors = add(p.errors, s.errors);
        p.throttles = add(p.throttles, s.throttles);
        p.duration_p99_peak_ms = max(p.duration_p99_peak_ms, s.duration_p99_peak_ms);
        p.est_cost_usd = add(p.est_cost_usd, s.est_cost_usd);
        p.provisional_from = earliest(p.provisional_from, s.provisional_from);

        totals.functions += 1;
        totals.est_cost_usd = add(totals.est_cost_usd, s.est_cost_usd);
    }
    let mut projects: Vec<ProjectStats> = projects.into_values().collect();
    for p in &mut projects {
        p.error_rate = ratio(p.errors, p.invocations);
        let (parts, of) = project_durations
            .remove(p.name.as_str())
            .unwrap_or_default();
        p.durations = Durations::sum(parts, of);
    }
    // The fleet's sums from its regions' own figures where they have them: at one-minute
    // freshness even while functions off screen are asked for every ten minutes.
    let flow = Flow::of_fleet(store, range);
    let sum = |v: &[Option<f64>]| v.iter().fold(None, |a, b| add(a, *b));
    totals.invocations = sum(&flow.started);
    totals.errors = sum(&flow.errors);
    totals.throttles = sum(&flow.throttles);
    totals.error_rate = ratio(totals.errors, totals.invocations);
    totals.invocations_per_min = totals.invocations.map(|n| n / f64::from(window.minutes()));
    for a in accounts.values_mut().chain(project_accounts.values_mut()) {
        a.finish(window.minutes());
    }
    totals.provisional_from = flow.provisional_from;
    let regions: Vec<RegionStats> = store
        .region_states()
        .iter()
        .map(|(place, state)| RegionStats {
            account: place.account,
            region: place.region.clone(),
            concurrency_max: state.over(range).concurrency.values(range).fold(None, max),
            concurrency_limit: state.concurrency_limit,
            unreserved_max: state.over(range).unreserved.values(range).fold(None, max),
            unreserved_limit: state.unreserved_limit,
            claimed_max: state.over(range).claimed.values(range).fold(None, max),
        })
        .collect();
    // Throttles not explained by the function itself, in a region whose pool was at its
    // limit: the account's.
    let mut functions = functions;
    // A region's functions sit together in the store: their place is made once, not once a
    // function.
    let mut place = Place::default();
    for (f, st) in store.functions().iter().zip(functions.iter_mut()) {
        // Alarms and event sources are read as they are now: a window in the past says nothing
        // of them rather than lend it the present's.
        if window.is_past() {
            classify(f, st, f.history.is_async(), store.class_rule());
            continue;
        }
        if place.account != f.facts.account || place.region != f.facts.region {
            place = f.facts.place();
        }
        st.alarms_firing = store
            .alarms()
            .get(&place)
            .map(|r| u16::try_from(r.firing_for(&f.facts.name).count()).unwrap_or(u16::MAX));
        let sources = store.event_sources_in(&place, &f.facts.name);
        st.sources_in_breach = sources
            .map(|m| u16::try_from(m.iter().filter(|m| m.breach()).count()).unwrap_or(u16::MAX));
        let mapped = sources.is_some_and(|m| !m.is_empty());
        st.wait_max_ms = max(st.wait_max_ms, queue_age_ms(sources));
        classify(f, st, mapped || f.history.is_async(), store.class_rule());
    }
    let mut classes = class_stats(&functions);
    for c in &mut classes {
        let mut h = Histogram::default();
        for (f, st) in store.functions().iter().zip(&functions) {
            if st.latency_class != Some(c.class) {
                continue;
            }
            let sources = store.event_sources_in(&f.facts.place(), &f.facts.name);
            if let Some(w) = waits(f, range, queue_age_ms(sources)) {
                h.merge(&w.histogram);
            }
        }
        c.waits = (h.total() > 0.0).then_some(h);
    }
    for (f, st) in store.functions().iter().zip(functions.iter_mut()) {
        if st.throttle_cause.is_some() || st.throttles.is_none_or(|t| t <= 0.0) {
            continue;
        }
        // A reservation is the function's own: the account's pool cannot throttle it.
        if matches!(st.reserved, Some(Some(_))) {
            continue;
        }
        let full = regions
            .iter()
            .find(|r| r.region == f.facts.region)
            .is_some_and(|r| {
                r.pools()
                    .iter()
                    .any(|(_, peak, limit)| *peak >= f64::from(*limit) * POOL_FULL)
            });
        if full {
            st.throttle_cause = Some(ThrottleCause::Account);
        }
    }
    FleetStats {
        accounts,
        project_accounts,
        window,
        range,
        functions,
        classes,
        projects,
        totals,
        flow,
        regions,
    }
}

/// Per-minute task flow over a range: what started, completed, failed and was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub range: MinuteRange,
    pub started: Vec<Option<f64>>,
    pub completed: Vec<Option<f64>>,
    pub errors: Vec<Option<f64>>,
    pub throttles: Vec<Option<f64>>,
    /// Invocations that hit their timeout (from REPORT lines).
    pub timeouts: Vec<Option<f64>>,
    /// The first minute whose figures may still grow, if any: charts draw it and the minutes
    /// after it apart.
    pub provisional_from: Option<Minute>,
    /// The deploys of the functions it adds up, inside the range, oldest first.
    pub deploys: Vec<super::Deploy>,
}

impl Flow {
    /// The flow of the functions `include` accepts.
    pub fn of<'a>(functions: impl IntoIterator<Item = &'a Function>, range: MinuteRange) -> Flow {
        let n = range.len();
        let mut flow = Flow {
            range,
            started: vec![None; n],
            completed: vec![None; n],
            errors: vec![None; n],
            throttles: vec![None; n],
            timeouts: vec![None; n],
            provisional_from: None,
            deploys: Vec::new(),
        };
        for f in functions {
            flow.deploys.extend(
                f.deploys
                    .iter()
                    .filter(|d| range.contains(Minute::of(d.at)))
                    .copied(),
            );
            let h = f.history_over(range);
            flow.provisional_from =
                earliest(flow.provisional_from, provisional_from(h.settled, range));
            for (i, m) in range.iter().enumerate() {
                flow.started[i] = add(flow.started[i], h.get(Metric::Invocations, m));
                flow.errors[i] = add(flow.errors[i], h.get(Metric::Errors, m));
                flow.throttles[i] = add(flow.throttles[i], h.get(Metric::Throttles, m));
                flow.timeouts[i] = add(flow.timeouts[i], h.get(Metric::Timeouts, m));
            }
        }
        flow.deploys.sort_by_key(|d| d.at);
        flow.complete();
        flow
    }

    /// The whole fleet's flow: per region, the region's own sums where CloudWatch gave them
    /// (fresh every poll), else the sum of its functions (some of which are asked for less
    /// often, see `source/aws/plan.rs`).
    pub fn of_fleet(store: &Store, range: MinuteRange) -> Flow {
        let mut regions: BTreeSet<(super::AccountId, &str)> = store
            .functions()
            .iter()
            .map(|f| (f.facts.account, f.facts.region.as_str()))
            .collect();
        regions.extend(
            store
                .region_states()
                .keys()
                .map(|p| (p.account, p.region.as_str())),
        );
        let mut fleet = Flow::of(std::iter::empty(), range);
        for (account, region) in regions {
            let mine = store
                .functions()
                .iter()
                .filter(|f| f.facts.region == region && f.facts.account == account);
            let mut flow = Flow::of(mine, range);
            let place = Place::new(account, region);
            if let Some(state) = store.region_states().get(&place).map(|s| s.over(range)) {
                flow.provisional_from = earliest(
                    flow.provisional_from,
                    provisional_from(state.settled, range),
                );
                for (metric, values) in [
                    (Metric::Invocations, &mut flow.started),
                    (Metric::Errors, &mut flow.errors),
                    (Metric::Throttles, &mut flow.throttles),
                ] {
                    let Some(series) = state.sum(metric) else {
                        continue;
                    };
                    for (v, own) in values.iter_mut().zip(series.values(range)) {
                        if own.is_some() {
                            *v = own;
                        }
                    }
                }
            }
            for (total, part) in [
                (&mut fleet.started, &flow.started),
                (&mut fleet.errors, &flow.errors),
                (&mut fleet.throttles, &flow.throttles),
                (&mut fleet.timeouts, &flow.timeouts),
            ] {
                for (t, p) in total.iter_mut().zip(part) {
                    *t = add(*t, *p);
                }
            }
            fleet.provisional_from = earliest(fleet.provisional_from, flow.provisional_from);
            fleet.deploys.extend(flow.deploys);
        }
        fleet.deploys.sort_by_key(|d| d.at);
        fleet.complete();
        fleet
    }

    /// Completed: what started and did not fail.
    fn complete(&mut self) {
        for (c, (s, e)) in self
            .completed
            .iter_mut()
            .zip(self.started.iter().zip(&self.errors))
        {
            *c = s.map(|s| (s - e.unwrap_or(0.0)).max(0.0));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, TimeZone};

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 5, h, m, 30).unwrap()
    }

    #[test]
    fn moments_as_typed() {
        let now = at(15, 13);
        let utc = Utc;
        let p = |t: &str| parse_moment(t, now, &utc);
        assert_eq!(p("now"), Ok(None));
        assert_eq!(p("-9h"), Ok(Some(now - chrono::Duration::hours(9))));
        assert_eq!(p("-2d"), Ok(Some(now - chrono::Duration::days(2))));
        assert_eq!(
            p("2026-12-05T02:00:00Z"),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 5, 2, 0, 0).unwrap()))
        );
        assert_eq!(
            p("2026-12-04 23:30"),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 4, 23, 30, 0).unwrap()))
        );
        // A clock time is the last time the clock read it: today's 02:00, yesterday's 16:00.
        assert_eq!(
            p("02:00"),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 5, 2, 0, 0).unwrap()))
        );
        assert_eq!(
            p("16:00"),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 4, 16, 0, 0).unwrap()))
        );
        // On a clock two hours ahead of UTC, 02:00 local is midnight UTC.
        let east = FixedOffset::east_opt(2 * 3600).unwrap();
        assert_eq!(
            parse_moment("02:00", now, &east),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 5, 0, 0, 0).unwrap()))
        );
        assert!(
            p("2027-01-01T00:00:00Z")
                .unwrap_err()
                .contains("in the future")
        );
        assert!(
            p("yesterday")
                .unwrap_err()
                .starts_with("invalid time 'yesterday'")
        );
    }

    #[test]
    fn the_period_fits_the_screen_and_what_cloudwatch_keeps() {
        let now = at(15, 13);
        let w = |s: &str| s.parse::<Window>().unwrap();
        assert_eq!(w("3h").period(now), 1);
        assert_eq!(w("6h").period(now), 1);
        assert_eq!(w("24h").period(now), 5);
        assert_eq!(w("7d").period(now), 30);
        assert_eq!(w("7d").to_string(), "7d");
        assert_eq!(w("24h").to_string(), "24h");
        // An hour three weeks ago: CloudWatch has only five-minute data left of it.
        let past = w("1h").ending(Some(Minute::of(now - chrono::Duration::days(21))));
        assert_eq!(past.period(now), 5);
        // Beyond 63 days, hours.
        let old = w("1h").ending(Some(Minute::of(now - chrono::Duration::days(90))));
        assert_eq!(old.period(now), 60);
        assert!("64d".parse::<Window>().is_err());
    }

    #[test]
    fn a_window_in_the_past_ends_at_its_last_whole_bucket() {
        let now = at(15, 13);
        let end = Minute::of(Utc.with_ymd_and_hms(2026, 12, 5, 3, 7, 0).unwrap());
        let r = Window::H1.ending(Some(end)).range(now);
        assert_eq!(r.period(), 1);
        assert_eq!(r.len(), 60);
        assert_eq!(r.last, end.minus(1));
        let day = Window::H24.ending(Some(end)).range(now);
        assert_eq!(day.period(), 5);
        assert_eq!(day.len(), 288);
        assert_eq!(day.last_minute().plus(1), end.floor(5), "ends at 03:05");
        // It needs a span of its own; a live hour does not.
        let span = Window::H1.ending(Some(end)).span(now, 180).unwrap();
        assert_eq!((span.period, span.buckets), (1, 60));
        assert_eq!(span.end, Some(end));
        assert_eq!(Window::H1.span(now, 180), None);
        assert_eq!(Window::H3.span(now, 180), None);
        let live_day = Window::H24.span(now, 180).unwrap();
        assert_eq!(
            (live_day.period, live_day.buckets, live_day.end),
            (5, 288, None)
        );
    }
}
