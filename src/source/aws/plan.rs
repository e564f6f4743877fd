//! Which metrics of which functions a poll asks CloudWatch for. GetMetricData bills every
//! metric requested ($0.01 per 1,000), so on a large fleet asking for everything every minute
//! costs dollars an hour. Instead:
//!
//! - hot functions — on screen, or with errors or throttles in the last `FAILING_WITHIN`
//!   minutes — get every
//!   statistic every poll (at most `HOT_MAX` of them);
//! - the rest get invocations, errors and throttles every `SUMS_EVERY`, duration and concurrency
//!   every `SHAPE_EVERY`, and no p99 (rows come on screen, and so into the hot set, before
//!   anyone reads their p99);
//! - the region's own errors and throttles (asked for every poll with its invocations, which
//!   keep the fleet's totals fresh) watch the rest: when the
//!   region failed more in a settled minute than the functions asked for that poll did, a
//!   function off screen is failing, and the next poll sweeps every function's sums at once (at most every
//!   `SWEEP_AT_MOST`), after which the failing one is hot;
//! - a fleet of at most `SMALL_FLEET` functions is all hot: it costs little either way;
//! - the first poll asks for everything, so the first screen (and `snapshot`) is whole.
//!
//! Each function keeps, per group of statistics, the newest minute fetched once settled, so a
//! function asked for less often still gets every minute when it is asked.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};

use super::metrics::{self, Stat};
use crate::store::Minute;

pub use crate::source::timing::{SETTLE_MINUTES, settle_minutes};
/// Minutes before the last settled one asked for again, to pick up late datapoints.
pub const OVERLAP_MINUTES: i64 = 2;
/// Errors or throttles this many minutes old or newer make a function hot.
pub const FAILING_WITHIN: i64 = 15;
/// Fleets this small are polled whole every time.
pub const SMALL_FLEET: usize = 100;
/// Functions polled in full every poll, at most.
pub const HOT_MAX: usize = 60;
/// How often functions off screen get their sums.
pub const SUMS_EVERY: Duration = Duration::minutes(10);
/// Early sweeps of the sums, when the region fails more than the hot functions explain, at
/// most this often.
pub const SWEEP_AT_MOST: Duration = Duration::minutes(3);
/// How often functions off screen get their duration and concurrency.
pub const SHAPE_EVERY: Duration = Duration::minutes(15);

/// Statistics asked for together, on one cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Sums,
    Shape,
    P99,
}

impl Group {
    pub const ALL: [Group; 3] = [Group::Sums, Group::Shape, Group::P99];

    pub fn stats(self) -> &'static [Stat] {
        match self {
            Group::Sums => &metrics::SUMS,
            Group::Shape => &metrics::SHAPE,
            Group::P99 => &metrics::P99,
        }
    }

    /// How often a function off screen gets this group; `None`: only while hot.
    fn cold_every(self) -> Option<Duration> {
        match self {
            Group::Sums => Some(SUMS_EVERY),
            Group::Shape => Some(SHAPE_EVERY),
            Group::P99 => None,
        }
    }

    /// The name problems carry for this group's failures.
    pub fn scope(self) -> &'static str {
        match self {
            Group::Sums | Group::Shape => "metrics",
            Group::P99 => "p99",
        }
    }
}

/// What one function of one group is due for.
#[derive(Debug, Clone, Default)]
struct Fetched {
    /// Newest minute fetched once settled.
    settled: Option<Minute>,
    /// When it was last asked for.
    at: Option<DateTime<Utc>>,
}

/// The plan's memory: what was fetched when, and which functions are hot.
#[derive(Debug, Default)]
pub struct Planner {
    fetched: HashMap<(Group, String), Fetched>,
    /// On screen, as the app last said.
    watched: HashSet<String>,
    /// The newest minute each function had errors or throttles in.
    failing: HashMap<String, Minute>,
    /// Minutes each function takes to settle (from its timeout; as late as any may if unknown).
    settle: HashMap<String, i64>,
    /// The next poll sweeps every function's sums.
    sweep: bool,
    swept_at: Option<DateTime<Utc>>,
}

/// One request's worth of a plan: these functions, these statistics, from `first`.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub group: Group,
    pub first: Minute,
    pub functions: Vec<String>,
}

impl Planner {
    /// Takes each function's timeout, which says how late its datapoints can land.
    pub fn set_timeouts<'a>(&mut self, timeouts: impl IntoIterator<Item = (&'a str, Option<u32>)>) {
        self.settle = timeouts
            .into_iter()
            .map(|(name, t)| (name.to_string(), settle_minutes(t)))
            .collect();
    }

    /// The newest minute of `name` that will not change any more at `now`.
    pub fn settled(&self, name: &str, now: DateTime<Utc>) -> Minute {
        let lag = self
            .settle
            .get(name)
            .copied()
            .unwrap_or_else(|| settle_minutes(None));
        Minute::of(now).minus(lag)
    }

    /// The newest minute of the region's own figures that will not change any more at `now`:
    /// they include every function's, so they settle with the slowest.
    pub fn region_settled(&self, now: DateTime<Utc>) -> Minute {
        let lag = self
            .settle
            .values()
            .copied()
            .max()
            .unwrap_or(SETTLE_MINUTES);
        Minute::of(now).minus(lag)
    }

    /// The functions that failed within `FAILING_WITHIN` minutes of `now` (errors or
    /// throttles), by name: after the rows on screen, what paced reads take first.
    pub fn failing_lately(&self, now: DateTime<Utc>) -> Vec<String> {
        let since = Minute::of(now).minus(FAILING_WITHIN);
        let mut failing: Vec<String> = self
            .failing
            .iter()
            .filter(|(_, m)| **m >= since)
            .map(|(f, _)| f.clone())
            .collect();
        failing.sort();
        failing
    }

    pub fn watch(&mut self, names: impl IntoIterator<Item = String>) {
        self.watched = names.into_iter().collect();
    }

    /// Notes the newest minute with errors or throttles among a function's latest figures (if
    /// any): it stays hot for `FAILING_WITHIN` minutes after it, even when the polls after it
    /// (which read only the newest minutes) show nothing.
    pub fn note_failing(&mut self, name: &str, newest_failure: Option<Minute>) {
        if let Some(m) = newest_failure {
            let at = self.failing.entry(name.to_string()).or_insert(m);
            *at = (*at).max(m);
        }
    }

    /// The region failed more than the hot functions explain: sweep the sums next poll,
    /// unless a sweep ran lately. Returns whether one is coming.
    pub fn request_sweep(&mut self, now: DateTime<Utc>) -> bool {
        if self.swept_at.is_none_or(|at| now - at >= SWEEP_AT_MOST) {
            self.sweep = true;
        }
        self.sweep
    }

    /// The hot functions among `functions` at `now`: watched first, then those that failed
    /// within `FAILING_WITHIN` minutes, `HOT_MAX` at most; all of them on a small fleet.
    pub fn hot<'a>(&self, functions: &'a [String], now: DateTime<Utc>) -> HashSet<&'a str> {
        if functions.len() <= SMALL_FLEET {
            return functions.iter().map(String::as_str).collect();
        }
        let since = Minute::of(now).minus(FAILING_WITHIN);
        let failed_lately = |f: &String| self.failing.get(f).is_some_and(|m| *m >= since);
        let watched = functions.iter().filter(|f| self.watched.contains(*f));
        let failing = functions
            .iter()
            .filter(|f| failed_lately(f) && !self.watched.contains(*f));
        watched
            .chain(failing)
            .take(HOT_MAX)
            .map(String::as_str)
            .collect()
    }

    /// The requests of a poll at `now`: per group, the due functions, batched by the minute
    /// each must start from (`history` minutes back for a function never fetched).
    pub fn plan(&self, functions: &[String], now: DateTime<Utc>, history: u32) -> Vec<Batch> {
        let current = Minute::of(now);
        let oldest = current.minus(i64::from(history));
        let hot = self.hot(functions, now);
        let mut out: Vec<Batch> = Vec::new();
        for group in Group::ALL {
            let mut by_first: Vec<(Minute, Vec<String>)> = Vec::new();
            for name in functions {
                let seen = self.fetched.get(&(group, name.clone()));
                let never = seen.and_then(|s| s.at).is_none();
                let due = never
                    || hot.contains(name.as_str())
                    || (self.sweep && group == Group::Sums)
                    || match (group.cold_every(), seen.and_then(|s| s.at)) {
                        (Some(every), Some(at)) => now - at >= every,
                        _ => false,
                    };
                if !due {
                    continue;
                }
                let first = seen
                    .and_then(|s| s.settled)
                    .map_or(oldest, |s| s.minus(OVERLAP_MINUTES - 1).max(oldest));
                match by_first.iter_mut().find(|(f, _)| *f == first) {
                    Some((_, names)) => names.push(name.clone()),
                    None => by_first.push((first, vec![name.clone()])),
                }
            }
            out.extend(by_first.into_iter().map(|(first, functions)| Batch {
                group,
                first,
                functions,
            }));
        }
        out
    }

    /// The plan of a poll went out: a requested sweep is done.
    pub fn planned(&mut self, now: DateTime<Utc>) {
        if self.sweep {
            self.sweep = false;
            self.swept_at = Some(now);
        }
    }

    /// Records that `name`'s `group` was fetched at `now`, complete up to `settled`.
    pub fn fetched(&mut self, group: Group, name: &str, now: DateTime<Utc>, settled: Minute) {
        let f = self.fetched.entry((group, name.to_string())).or_default();
        f.at = Some(now);
        f.settled = Some(settled);
    }

    /// Forgets functions that are gone.
    pub fn retain(&mut self, functions: &[String]) {
        let alive: HashSet<&String> = functions.iter().collect();
        self.fetched.retain(|(_, name), _| alive.contains(name));
        self.failing.retain(|name, _| alive.contains(name));
        self.settle.retain(|name, _| alive.contains(name));
    }
}

/// Metrics a poll plan requests: what CloudWatch bills.
pub fn metrics_requested(batches: &[Batch]) -> usize {
    batches
        .iter()
        .map(|b| b.functions.len() * b.group.stats().len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("fn-{i:04}")).collect()
    }

    /// Runs `polls` one-minute polls of a fleet with `watched` on screen and returns the
    /// metrics requested in the last hour of them.
    fn metrics_per_hour(fleet: usize, watched: usize, failing: usize) -> usize {
        let functions = names(fleet);
        let mut p = Planner::default();
        p.watch(functions.iter().take(watched).cloned());
        let start = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap();
        let mut last_hour = 0;
        for k in 0..120 {
            let now = start + Duration::minutes(k);
            // The failing ones keep failing, minute after minute.
            for f in functions.iter().skip(watched).take(failing) {
                p.note_failing(f, Some(Minute::of(now)));
            }
            let batches = p.plan(&functions, now, 180);
            if k >= 60 {
                last_hour += metrics_requested(&batches);
            }
            let settled = Minute::of(now).minus(SETTLE_MINUTES);
            for b in &batches {
                for f in &b.functions {
                    p.fetched(b.group, f, now, settled);
                }
            }
        }
        last_hour
    }

    /// A function off screen that failed ten minutes ago is still hot, although the polls
    /// since read only its newest minutes, which show nothing: the README's fifteen minutes.
    #[test]
    fn a_function_that_failed_stays_hot_for_fifteen_minutes() {
        let functions = names(1000);
        let mut p = Planner::default();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap();
        p.note_failing("fn-0500", Some(Minute::of(t0)));
        // The next polls' points hold no failure.
        p.note_failing("fn-0500", None);
        let hot_at = |p: &Planner, k: i64| {
            p.hot(&functions, t0 + Duration::minutes(k))
                .contains("fn-0500")
        };
        assert!(hot_at(&p, 1) && hot_at(&p, 10) && hot_at(&p, FAILING_WITHIN));
        assert!(!hot_at(&p, FAILING_WITHIN + 1), "then it cools");
        // An older failure noted late does not move the newest back.
        p.note_failing("fn-0500", Some(Minute::of(t0).minus(30)));
        assert!(hot_at(&p, 10));
    }

    #[test]
    fn a_thousand_functions_cost_well_under_a_dollar_an_hour() {
        // 40 rows on screen and 20 failing elsewhere: the hot set is full.
        let metrics = metrics_per_hour(1000, 40, 20);
        let usd = metrics as f64 * crate::store::pricing::USD_PER_METRIC;
        // 60 hot × 6 × 60 + 940 × 3 × 6 + 940 × 2 × 4
        assert_eq!(metrics, 21_600 + 16_920 + 7_520);
        assert!(usd < 0.5, "{usd}");
        // The usual screen: 40 rows, nothing failing off screen.
        let usual = metrics_per_hour(1000, 40, 0) as f64 * crate::store::pricing::USD_PER_METRIC;
        assert!(usual < 0.4, "{usual}");
    }

    #[test]
    fn an_unexplained_failure_sweeps_the_sums_once_then_rests() {
        let functions = names(300);
        let mut p = Planner::default();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap();
        for f in &functions {
            for g in Group::ALL {
                p.fetched(g, f, t0, Minute::of(t0).minus(SETTLE_MINUTES));
            }
        }
        let now = t0 + Duration::minutes(1);
        assert!(p.request_sweep(now));
        let sums = |p: &Planner, now| {
            p.plan(&functions, now, 180)
                .iter()
                .filter(|b| b.group == Group::Sums)
                .map(|b| b.functions.len())
                .sum::<usize>()
        };
        assert_eq!(sums(&p, now), 300, "every function's sums");
        p.planned(now);
        assert!(!p.request_sweep(now + Duration::minutes(1)), "resting");
        assert_eq!(sums(&p, now + Duration::minutes(1)), 0);
        assert!(p.request_sweep(now + Duration::minutes(3)));
    }

    /// 50 accounts of 3 regions of 200 functions (30,000): each account's region plans its
    /// own polls, and the 40 rows on screen are hot in whichever account's region they are.
    /// The README's API cost at that scale.
    #[test]
    fn fifty_accounts_of_three_regions_cost_what_their_functions_do() {
        let quiet = metrics_per_hour(200, 0, 0);
        // 200 × 3 sums every 10 minutes, 200 × 2 shapes every 15.
        assert_eq!(quiet, 200 * 3 * 6 + 200 * 2 * 4);
        let on_screen = metrics_per_hour(200, 40, 0);
        // The region's own six figures every minute, in each of the 150 regions.
        let regions = 6 * 60;
        let metrics = 149 * (quiet + regions) + on_screen + regions;
        assert_eq!(metrics, 847_360);
        let usd = metrics as f64 * crate::store::pricing::USD_PER_METRIC;
        assert!((usd - 8.4736).abs() < 1e-9, "{usd}");
    }

    #[test]
    fn a_small_fleet_is_polled_whole_every_time() {
        assert_eq!(metrics_per_hour(100, 0, 0), 100 * 6 * 60);
    }

    #[test]
    fn the_first_poll_asks_for_everything_from_the_start_of_history() {
        let functions = names(500);
        let p = Planner::default();
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap();
        let batches = p.plan(&functions, now, 180);
        assert_eq!(metrics_requested(&batches), 500 * 6);
        assert!(
            batches
                .iter()
                .all(|b| b.first == Minute::of(now).minus(180))
        );
    }

    #[test]
    fn a_function_asked_for_less_often_starts_from_its_own_settled_minute() {
        let functions = names(200);
        let mut p = Planner::default();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap();
        for f in &functions {
            for g in Group::ALL {
                p.fetched(g, f, t0, Minute::of(t0).minus(SETTLE_MINUTES));
            }
        }
        p.watch([functions[7].clone()]);
        let now = t0 + SUMS_EVERY;
        let batches = p.plan(&functions, now, 180);
        let sums: Vec<&Batch> = batches.iter().filter(|b| b.group == Group::Sums).collect();
        assert_eq!(sums.len(), 1, "all due at once, from the same minute");
        assert_eq!(sums[0].functions.len(), 200);
        assert_eq!(sums[0].first, Minute::of(t0).minus(4));
        let p99: Vec<&Batch> = batches.iter().filter(|b| b.group == Group::P99).collect();
        assert_eq!(
            p99[0].functions,
            vec![functions[7].clone()],
            "only the watched one"
        );
    }
}
