//! The embedded demo fleet: a `Source` that needs no AWS account. It plays the fleet of
//! `fleet` through the model of `traffic` on the live clock, at the cadence a real metrics
//! poller would have: the first poll fills the whole history, each later one sends the minutes
//! since the last settled one, with CloudWatch's timing (`source::timing`): the current minute
//! is partial, the two before it are still growing, and a job that runs for minutes lands
//! when it ends — its newest minutes are unknown until then, and provisional until its timeout
//! has passed.

mod alarms;
pub mod cost;
mod durations;
mod event_sources;
pub mod fixture;
mod fleet;
pub mod logs;
mod noise;
mod span;
mod traffic;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::timing::{SETTLE_MINUTES, settle_minutes};
use super::{MetricUpdate, Source, SourceEvent};
use crate::store::{Architecture, FunctionFacts, Metric, Minute, Pool};
pub use fleet::Fleet;
use fleet::Instance;
pub use traffic::Sample;

/// Seed used when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 7;

/// How often the demo reports, like a real CloudWatch metrics poller.
pub const DEFAULT_CADENCE: Duration = Duration::from_secs(60);

pub struct DemoSource {
    seed: u64,
    start: Minute,
    history_minutes: u32,
    cadence: Duration,
    fleet: Arc<Fleet>,
    /// The newest minute already sent settled, for functions that run at most a minute.
    sent_until: Option<Minute>,
    /// The poll being handed over in parts.
    pass: Option<Pass>,
    /// A function whose detail opened: its versions go with the next poll.
    inspect: Option<crate::store::FunctionKey>,
    /// The window figures are shown over (the dashboard says which): duration distributions
    /// are answered over it, and a long or past one at its period.
    window: crate::store::Window,
    /// The long or past window last answered, and the first bucket the next poll answers
    /// again (the first that was still filling).
    span_sent: Option<(crate::store::Span, Minute)>,
    /// The functions on screen: those whose distributions are asked for, as they would be
    /// of CloudWatch.
    watched: Vec<crate::store::FunctionKey>,
    /// Whose account, as GetCallerIdentity would say: a made-up one, named for what it is
    /// (one of several in a demo of several accounts).
    identity: crate::store::Identity,
    /// Whether it tells the month's bill: one account's among several would pass for all of
    /// theirs.
    bill: bool,
}

/// A fleet this small has every function's distribution read when nothing is on screen
/// (`snapshot`).
const DISTRIBUTIONS_OF_ALL_UP_TO: usize = 100;

/// Functions a part of a poll covers: a first poll of 10,000 functions' history would
/// otherwise sit in memory whole, several times the size of the store it fills.
const FUNCTIONS_PER_PART: usize = 50;

/// One poll in progress: what it covers and how far it got.
struct Pass {
    now: DateTime<Utc>,
    /// The first minute sent of a function that settles in `SETTLE_MINUTES`; slower ones start
    /// as many minutes earlier as they take longer to settle.
    first: Minute,
    /// The first minute of the region's figures: the slowest function's.
    region_first: Minute,
    current: Minute,
    fraction: f64,
    next: usize,
    /// The region as a whole: the sum of its functions' peaks, an upper bound as in life.
    /// Per region and minute: peak executions of all functions, and of those with a
    /// reservation (the unreserved pool is the difference).
    region_concurrency: BTreeMap<String, Vec<[f64; 2]>>,
    /// The long or past window this poll answers, if one is shown and due.
    span: Option<SpanPass>,
}

/// A long or past window being answered, part by part like the minutes.
struct SpanPass {
    span: crate::store::Span,
    range: crate::store::MinuteRange,
    /// The first bucket answered; the minutes from it up to `landed` are read.
    first: Minute,
    landed: Minute,
    /// The figures settled up to this minute: the window's end, or as the minutes settle.
    settled: Minute,
    /// The minute the poll is in.
    current: Minute,
    /// Per region and minute from `first`: invocations, errors, throttles, the sum of the
    /// functions' peaks, and of those with a reservation.
    region: BTreeMap<String, Vec<[f64; 5]>>,
}

impl DemoSource {
    /// A demo fleet starting at `start`, with `history_minutes` of history before it.
    pub fn new(seed: u64, start: DateTime<Utc>, history_minutes: u32, cadence: Duration) -> Self {
        Self {
            seed,
            start: Minute::of(start),
            history_minutes,
            cadence,
            fleet: Arc::new(Fleet::default()),
            sent_until: None,
            pass: None,
            inspect: None,
            window: crate::store::Window::M15,
            span_sent: None,
            watched: Vec::new(),
            identity: crate::store::Identity {
                account_id: cost::DEMO_ACCOUNT.to_string(),
                alias: Some("demo".to_string()),
                partition: "aws".to_string(),
            },
            bill: true,
        }
    }

    /// What CloudWatch's percentile ranks would say of `inst` over the window at `now`.
    fn distribution(&self, inst: Instance, now: DateTime<Utc>) -> SourceEvent {
        let range = self.window.range(now);
        let last = range.last_minute().min(Minute::of(now).minus(1));
        let samples = (range.first.0..=last.0).map(|m| self.sample(inst, Minute(m)));
        SourceEvent::DurationStats {
            key: crate::store::FunctionKey::new(inst.region, inst.name),
            stats: Box::new(durations::answer(inst, samples, range, now)),
        }
    }

    /// The distributions a poll reads: of the functions on screen, or of every function of a
    /// small fleet when none is.
    fn distributions(&self, now: DateTime<Utc>) -> Vec<SourceEvent> {
        let all = self.watched.is_empty() && self.fleet.len() <= DISTRIBUTIONS_OF_ALL_UP_TO;
        self.fleet
            .instances()
            .filter(|i| {
                all || self
                    .watched
                    .iter()
                    .any(|k| k.region == i.region && k.name == i.name)
            })
            .map(|i| self.distribution(i, now))
            .collect()
    }

    /// Plays `fleet` instead of the cast.
    pub fn with_fleet(mut self, fleet: Arc<Fleet>) -> Self {
        self.fleet = fleet;
        self
    }

    /// The demo as account `identity`, one of several: its bill is not told (Cost Explorer
    /// would answer for the management account, which the demo does not play).
    pub fn with_identity(mut self, identity: crate::store::Identity) -> Self {
        self.identity = identity;
        self.bill = false;
        self
    }

    /// The regions the demo fleet lives in.
    pub fn regions() -> Vec<String> {
        fleet::REGIONS.iter().map(|r| r.to_string()).collect()
    }

    fn facts(&self, inst: Instance) -> FunctionFacts {
        let s = inst.spec;
        let deployed = traffic::deployed_at_minute(self.seed, inst, self.start.0);
        let tags = BTreeMap::from([
            ("project".to_string(), s.project.to_string()),
            ("team".to_string(), format!("{}-team", s.project)),
            ("env".to_string(), "prod".to_string()),
        ]);
        let mut tags = tags;
        if let Some(class) = fleet::latency_tag(s.name) {
            tags.insert("latency-class".to_string(), class.to_string());
        }
        FunctionFacts {
            name: inst.name.to_string(),
            region: inst.region.to_string(),
            account: Default::default(),
            runtime: Some(s.runtime.to_string()),
            memory_mb: Some(s.memory_mb),
            architecture: if s.arm64 {
                Architecture::Arm64
            } else {
                Architecture::X86_64
            },
            timeout_s: Some(s.timeout_s),
            tags,
            last_modified: Some(Minute(deployed).start() + chrono::Duration::seconds(17)),
            arn: Some(format!(
                "arn:aws:lambda:{}:123456789012:function:{}",
                inst.region, inst.name
            )),
            logging: Default::default(),
            // A deploy is new code: its hash and revision follow the deploy's minute.
            code_sha256: Some(format!(
                "{:016x}{:016x}=",
                inst.id.wrapping_mul(0x9e37_79b9),
                deployed
            )),
            revision_id: Some(format!("rev-{:x}-{deployed:x}", inst.id)),
            // The media pipeline keeps failed uploads' events in a queue.
            dead_letter: (inst.spec.project == "media").then(|| {
                format!(
                    "arn:aws:sqs:{}:123456789012:media-failed-events",
                    inst.region
                )
            }),
        }
    }

    /// What ListVersionsByFunction and ListAliases would say of `inst`: three published
    /// versions, the newest deployed when its facts say. A function with provisioned
    /// concurrency takes its traffic through an alias `live` (provisioned concurrency is set on
    /// a version or an alias), and so does the function of the current bad deploy, mid-canary
    /// with a tenth of its traffic still on the version before; the others run `$LATEST`. The
    /// one truth of the demo's releases: what its versions pane lists and what serves it.
    fn release(
        &self,
        inst: Instance,
    ) -> (
        Vec<crate::store::versions::Version>,
        Vec<crate::store::versions::Alias>,
    ) {
        use crate::store::versions::{Alias, Version};
        let deployed = Minute(traffic::deployed_at_minute(self.seed, inst, self.start.0)).start();
        let newest = 3 + inst.id % 20;
        let versions: Vec<Version> = (0..3)
            .map(|k| Version {
                version: (newest - k).to_string(),
                last_modified: Some(deployed - chrono::Duration::days(12 * k as i64)),
                code_sha256: None,
            })
            .collect();
        let canary = traffic::is_incident(inst)
            && matches!(inst.spec.behaviour, fleet::Behaviour::BadDeploy { .. });
        let routes = if canary {
            vec![(newest.to_string(), 0.9), ((newest - 1).to_string(), 0.1)]
        } else {
            vec![(newest.to_string(), 1.0)]
        };
        let aliases = (canary || inst.provisioned() > 0)
            .then(|| Alias {
                name: "live".to_string(),
                routes,
            })
            .into_iter()
            .collect();
        (versions, aliases)
    }

    /// What ListVersionsByFunction and ListAliases would say of `key` (`release`). (The demo
    /// models no traffic per version: no figures by executed version.)
    fn versions(&self, key: crate::store::FunctionKey, now: DateTime<Utc>) -> Vec<SourceEvent> {
        let Some(inst) = self
            .fleet
            .instances()
            .find(|i| i.region == key.region && i.name == key.name)
        else {
            return Vec::new();
        };
        let (versions, aliases) = self.release(inst);
        vec![SourceEvent::Versions {
            key,
            versions: Box::new(crate::store::versions::Versions {
                versions,
                aliases,
                executed: Vec::new(),
                since: now - chrono::Duration::hours(1),
                read_at: now,
            }),
        }]
    }

    fn sample(&self, inst: Instance, m: Minute) -> Sample {
        traffic::sample(
            self.seed,
            inst,
            m.0,
            self.start.0,
            i64::from(self.history_minutes),
        )
    }

    /// The events of one whole poll at `now`.
    pub fn events_at(&mut self, now: DateTime<Utc>) -> Vec<SourceEvent> {
        let mut events = self.part_at(now);
        while self.pass.is_some() {
            events.extend(self.part_at(now));
        }
        events
    }

    /// The next part of the poll at `now`: the first part of a poll starts it (and brings the
    /// inventory), the last one ends it (and brings the regions' figures).
    pub fn part_at(&mut self, now: DateTime<Utc>) -> Vec<SourceEvent> {
        let mut events = Vec::new();
        let mut pass = match self.pass.take() {
            Some(pass) => pass,
            None => {
                if self.sent_until.is_none() {
                    events.extend(self.inventory(now));
                }
                self.begin(now)
            }
        };
        let minutes = usize::try_from(pass.current.0 - pass.region_first.0 + 1).unwrap_or(0);
        let fleet = Arc::clone(&self.fleet);
        let mut sums = std::mem::take(&mut pass.region_concurrency);
        for inst in fleet.instances().skip(pass.next).take(FUNCTIONS_PER_PART) {
            let region_sum = sums
                .entry(inst.region.to_string())
                .or_insert_with(|| vec![[0.0; 2]; minutes]);
            self.function_events(inst, &pass, region_sum, &mut events);
            if let Some(mut span) = pass.span.take() {
                self.span_events(inst, &mut span, &mut events);
                pass.span = Some(span);
            }
        }
        pass.region_concurrency = sums;
        pass.next += FUNCTIONS_PER_PART;
        if pass.next < fleet.len() {
            self.pass = Some(pass);
            return events;
        }
        for (region, sums) in pass.region_concurrency {
            // Claimed: unreserved use plus every reservation and provisioned allocation.
            let allocated: u32 = fleet
                .instances()
                .filter(|i| i.region == region)
                .map(|i| i.spec.reserved().unwrap_or(0) + i.provisioned())
                .sum();
            let at = |i: usize| pass.region_first.plus(i as i64);
            let series = |f: &dyn Fn(&[f64; 2]) -> f64| -> Vec<(Minute, Option<f64>)> {
                sums.iter()
                    .enumerate()
                    .map(|(i, v)| (at(i), Some(f(v))))
                    .collect()
            };
            for (pool, points) in [
                (Pool::All, series(&|v| v[0])),
                (Pool::Unreserved, series(&|v| v[0] - v[1])),
                (
                    Pool::Claimed,
                    series(&|v| v[0] - v[1] + f64::from(allocated)),
                ),
            ] {
                events.push(SourceEvent::RegionConcurrency {
                    region: region.clone(),
                    pool,
                    points,
                });
            }
        }
        self.sent_until = Some(pass.current.minus(SETTLE_MINUTES));
        if let Some(span) = pass.span.take() {
            // A live window's buckets still filling are answered again; a past one is done.
            let next = match span.span.end {
                Some(_) => span.range.last_minute().plus(1),
                None => span.settled.plus(1).floor(span.range.period()),
            };
            self.span_sent = Some((span.span, next));
            self.span_region_events(span, &mut events);
        }
        let mut by_region: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for inst in fleet.instances() {
            by_region
                .entry(inst.region)
                .or_default()
                .push(inst.name.to_string());
        }
        events.extend(
            by_region
                .into_iter()
                .map(|(region, functions)| SourceEvent::FiguresRead {
                    region: region.to_string(),
                    functions,
                    whole: true,
                    at: pass.now,
                }),
        );
        // What feeds the functions, and whether it still does.
        events.extend(event_sources::events(
            &fleet,
            self.start,
            pass.now,
            self.history_minutes,
        ));
        // What DescribeAlarms would say at this moment of the story.
        events.extend(alarms::events(
            &fleet,
            self.start,
            pass.now,
            self.history_minutes,
        ));
        events.extend(self.distributions(pass.now));
        events
    }

    /// Every function of every region, its limit, and the month's bill: the first poll's.
    fn inventory(&self, now: DateTime<Utc>) -> Vec<SourceEvent> {
        let mut events = vec![SourceEvent::Identity(self.identity.clone())];
        let mut by_region: BTreeMap<&str, Vec<FunctionFacts>> = BTreeMap::new();
        for inst in self.fleet.instances() {
            by_region
                .entry(inst.region)
                .or_default()
                .push(self.facts(inst));
        }
        for (region, functions) in by_region {
            events.push(SourceEvent::Inventory {
                region: region.to_string(),
                functions,
            });
            // What GetFunctionConcurrency and ListProvisionedConcurrencyConfigs would say.
            for inst in self.fleet.instances().filter(|i| i.region == region) {
                let key = crate::store::FunctionKey::new(inst.region, inst.name);
                events.push(SourceEvent::Reserved {
                    key: key.clone(),
                    reserved: inst.spec.reserved(),
                });
                events.push(SourceEvent::Provisioned {
                    key: key.clone(),
                    allocated: inst.provisioned(),
                });
                // What ListFunctionEventInvokeConfigs would say: the notifications send their
                // failed events to a topic.
                if is_async(inst) {
                    events.push(SourceEvent::OnFailure {
                        key: key.clone(),
                        destination: (inst.spec.project == "notifications").then(|| {
                            format!(
                                "arn:aws:sns:{}:123456789012:notifications-failed",
                                inst.region
                            )
                        }),
                    });
                }
                // What serves it, by the rule an account's aliases are read by.
                let (_, aliases) = self.release(inst);
                let serving = crate::store::versions::serving(&aliases).map(|(alias, version)| {
                    crate::store::Serving {
                        alias,
                        version,
                        memory_mb: Some(inst.spec.memory_mb),
                        architecture: if inst.spec.arm64 {
                            Architecture::Arm64
                        } else {
                            Architecture::X86_64
                        },
                        timeout_s: Some(inst.spec.timeout_s),
                    }
                });
                events.push(SourceEvent::Serving {
                    key,
                    serving: serving.map(Box::new),
                });
            }
            // The account limits, as GetAccountSettings would report them.
            let reserved: u32 = self
                .fleet
                .instances()
                .filter(|i| i.region == region)
                .filter_map(|i| i.spec.reserved())
                .sum();
            let limit = self.fleet.concurrency_limit();
            events.push(SourceEvent::RegionLimit {
                region: region.to_string(),
                concurrency_limit: Some(limit),
                unreserved_limit: Some(limit.saturating_sub(reserved)),
            });
        }
        if self.bill {
            events.push(SourceEvent::Cost(Box::new(cost::report(
                self.seed,
                &self.fleet,
                self.start,
                self.history_minutes,
                now,
                crate::store::cost::CostGroupBy::Project,
            ))));
        }
        events
    }

    /// A poll at `now` covers the minutes completed since the last and the current one; the
    /// first fills the history.
    fn begin(&self, now: DateTime<Utc>) -> Pass {
        let current = Minute::of(now);
        let oldest = current.minus(i64::from(self.history_minutes));
        let first = self.sent_until.map_or(oldest, |m| m.plus(1));
        let slowest = self
            .fleet
            .instances()
            .map(|i| settle_minutes(Some(i.spec.timeout_s)))
            .max()
            .unwrap_or(SETTLE_MINUTES);
        Pass {
            now,
            first,
            region_first: first.minus(slowest - SETTLE_MINUTES).max(oldest),
            current,
            fraction: f64::from(now.timestamp().rem_euclid(60) as u32) / 60.0,
            next: 0,
            region_concurrency: BTreeMap::new(),
            span: self.begin_span(now, slowest),
        }
    }

    /// The long or past window a poll at `now` answers: all of it the first time, then (a
    /// live one) from the first bucket still filling; a window in the past, once.
    fn begin_span(&self, now: DateTime<Utc>, slowest: i64) -> Option<SpanPass> {
        let span = self.window.span(now, self.history_minutes)?;
        let range = self.window.range(now);
        let current = Minute::of(now);
        let first = match self.span_sent {
            Some((sent, next)) if sent == span => next.max(range.first),
            _ => range.first,
        };
        let landed = range.last_minute().min(current.minus(1));
        if first > landed {
            return None;
        }
        Some(SpanPass {
            span,
            range,
            first,
            landed,
            settled: current.minus(slowest).min(range.last_minute()),
            current,
            region: BTreeMap::new(),
        })
    }

    /// One function's buckets of the window being answered.
    fn span_events(&self, inst: Instance, pass: &mut SpanPass, events: &mut Vec<SourceEvent>) {
        let key = crate::store::FunctionKey::new(inst.region, inst.name);
        let lands = landing_minutes(inst);
        let landed = pass.landed;
        let minutes = usize::try_from(pass.landed.0 - pass.first.0 + 1).unwrap_or(0);
        let region = pass
            .region
            .entry(inst.region.to_string())
            .or_insert_with(|| vec![[0.0; 5]; minutes]);
        let mut points: [Vec<(Minute, Option<f64>)>; 6] = Default::default();
        let settle = settle_minutes(Some(inst.spec.timeout_s));

        for b in pass
            .range
            .iter()
            .filter(|b| b.plus(i64::from(pass.range.period())) > pass.first)
        {
            // A job's minutes land when it ends: until then they are not known.
            let known = landed.min(pass.current.minus(lands.max(1)));
            let samples: Vec<Sample> = span::minutes_of(pass.range, b, known)
                .filter(|m| *m >= pass.first)
                .map(|m| self.sample(inst, m))
                .collect();
            for (m, s) in span::minutes_of(pass.range, b, known)
                .filter(|m| *m >= pass.first)
                .zip(&samples)
            {
                let sum = &mut region[(m.0 - pass.first.0) as usize];
                sum[0] += s.invocations;
                sum[1] += s.errors;
                sum[2] += s.throttles;
                sum[3] += s.concurrency_max;
                if inst.spec.reserved().is_some() {
                    sum[4] += s.concurrency_max;
                }
            }
            if samples.is_empty() {
                continue;
            }
            for (i, v) in span::bucket(&samples).into_iter().enumerate() {
                points[i].push((b, v));
            }
        }
        let settled = pass.range.last_minute().min(pass.current.minus(settle));
        for (metric, points) in crate::store::Metric::SPAN.into_iter().zip(points) {
            events.push(SourceEvent::SpanMetrics {
                span: pass.span,
                update: Box::new(MetricUpdate {
                    key: key.clone(),
                    metric,
                    points,
                    settled: Some(settled),
                }),
            });
        }
    }

    /// The regions' own buckets of the window answered, once every function was: their sums,
    /// and the peaks of their three pools as the minutes' are told (`part_at`).
    fn span_region_events(&self, pass: SpanPass, events: &mut Vec<SourceEvent>) {
        use crate::store::RegionFigure;
        let period = pass.range.period();
        for (region, minutes) in pass.region {
            // Claimed: unreserved use plus every reservation and provisioned allocation.
            let allocated: u32 = self
                .fleet
                .instances()
                .filter(|i| i.region == region)
                .map(|i| i.spec.reserved().unwrap_or(0) + i.provisioned())
                .sum();
            // Per bucket: the three sums, the peaks of all executions, of the unreserved ones,
            // and what is claimed.
            let mut buckets: BTreeMap<Minute, [f64; 6]> = BTreeMap::new();
            for (i, v) in minutes.iter().enumerate() {
                let b = pass.first.plus(i as i64).floor(period);
                let sum = buckets.entry(b).or_default();
                for k in 0..3 {
                    sum[k] += v[k];
                }
                sum[3] = sum[3].max(v[3]);
                sum[4] = sum[4].max(v[3] - v[4]);
                sum[5] = sum[4] + f64::from(allocated);
            }
            let figures = [
                RegionFigure::Sum(Metric::Invocations),
                RegionFigure::Sum(Metric::Errors),
                RegionFigure::Sum(Metric::Throttles),
                RegionFigure::Pool(Pool::All),
                RegionFigure::Pool(Pool::Unreserved),
                RegionFigure::Pool(Pool::Claimed),
            ];
            for (k, figure) in figures.into_iter().enumerate() {
                events.push(SourceEvent::SpanRegion {
                    span: pass.span,
                    region: region.clone(),
                    figure,
                    points: buckets.iter().map(|(b, v)| (*b, Some(v[k]))).collect(),
                    settled: Some(pass.settled),
                });
            }
        }
    }

    /// One function's minutes of the pass, its metrics and its cold starts' init durations.
    fn function_events(
        &self,
        inst: Instance,
        pass: &Pass,
        region_sum: &mut [[f64; 2]],
        events: &mut Vec<SourceEvent>,
    ) {
        let current = pass.current;
        let oldest = current.minus(i64::from(self.history_minutes));
        let settle = settle_minutes(Some(inst.spec.timeout_s));
        // Its own provisional minutes are sent again, as CloudWatch is read again.
        let first = pass.first.minus(settle - SETTLE_MINUTES).max(oldest);
        let lands = landing_minutes(inst);
        let key = crate::store::FunctionKey::new(inst.region, inst.name);
        let mut points: [Vec<(Minute, Option<f64>)>; Metric::COUNT] = Default::default();
        // Only a function with provisioned concurrency has its figures.
        let provisioned = inst.provisioned();
        let mut provisioned_points: [Vec<(Minute, Option<f64>)>; 2] = Default::default();
        // Only the functions invoked asynchronously have these.
        let asynchronous = is_async(inst);
        let mut async_points: [Vec<(Minute, Option<f64>)>; 5] = Default::default();
        // The init durations its REPORT lines would give, for the complete minutes.
        let mut samples: Vec<(Minute, f64)> = Vec::new();
        let mut m = first;
        // Not landed yet: nothing is known of these minutes.
        while m <= current.minus(lands) {
            let full = self.sample(inst, m);
            if m < current {
                for n in 0..(full.cold_starts as u64).min(20) {
                    samples.push((m, traffic::init_ms(inst, m.0, self.seed, n).round()));
                }
            }
            let s = match current.0 - m.0 {
                0 => traffic::partial(full, pass.fraction),
                // Invocations that ended late in the minute are still landing.
                1 if lands == 0 => traffic::partial(full, 0.95),
                _ => full,
            };
            for metric in Metric::ALL {
                points[metric.index()].push((m, value(&s, metric)));
            }
            if asynchronous {
                for (i, v) in async_sample(&s, m).into_iter().enumerate() {
                    async_points[i].push((m, Some(v)));
                }
            }
            if provisioned > 0 {
                let (use_, spilled) = traffic::provisioned_use(&s, provisioned);
                provisioned_points[0].push((m, Some(use_)));
                provisioned_points[1].push((m, Some(spilled)));
            }
            if m >= pass.region_first {
                let sum = &mut region_sum[(m.0 - pass.region_first.0) as usize];
                sum[0] += s.concurrency_max;
                if inst.spec.reserved().is_some() {
                    sum[1] += s.concurrency_max;
                }
            }
            m = m.plus(1);
        }
        let covered = crate::store::MinuteRange::new(first, current.minus(lands.max(1)));
        events.push(SourceEvent::InitDurations {
            key: key.clone(),
            covered,
            samples: samples.into(),
        });
        for metric in Metric::ALL {
            events.push(SourceEvent::Metrics(MetricUpdate {
                key: key.clone(),
                metric,
                points: std::mem::take(&mut points[metric.index()]),
                settled: Some(current.minus(settle)),
            }));
        }
        if asynchronous {
            for (metric, points) in Metric::ASYNC.into_iter().zip(async_points) {
                events.push(SourceEvent::Metrics(MetricUpdate {
                    key: key.clone(),
                    metric,
                    points,
                    settled: Some(current.minus(settle)),
                }));
            }
        }
        if provisioned > 0 {
            for (metric, points) in Metric::PROVISIONED.into_iter().zip(provisioned_points) {
                events.push(SourceEvent::Metrics(MetricUpdate {
                    key: key.clone(),
                    metric,
                    points,
                    settled: Some(current.minus(settle)),
                }));
            }
        }
    }
}

/// Minutes after its start an invocation's figures land: when it ends, and a minute after.
/// Request handlers land within their minute.
fn landing_minutes(inst: Instance) -> i64 {
    let d = inst.spec.duration_ms;
    if d < 60_000.0 {
        0
    } else {
        (d / 60_000.0).ceil() as i64 + 1
    }
}

/// The demo's functions invoked asynchronously: S3 uploads start the media pipeline, events
/// the notifications.
fn is_async(inst: Instance) -> bool {
    matches!(inst.spec.project, "media" | "notifications")
}

/// A minute of asynchronous invocation, in the order of `Metric::ASYNC`: every event is run
/// within a second, until the function throttles; then events wait in the queue (Lambda
/// retries throttled events for up to six hours, Developer Guide, *How Lambda handles errors
/// and retries with asynchronous invocation*), and those past the function's maximum event age
/// are dropped.
fn async_sample(s: &Sample, m: Minute) -> [f64; 5] {
    let received = s.invocations + s.throttles;
    let waiting = s.throttles > 0.0;
    let age_ms = if waiting {
        60_000.0 + s.throttles * 40.0
    } else {
        120.0 + (m.0.rem_euclid(7) as f64) * 37.0
    };
    let dropped = if waiting {
        (s.throttles * 0.02).round()
    } else {
        0.0
    };
    [received, age_ms, dropped, 0.0, 0.0]
}

fn value(s: &Sample, metric: Metric) -> Option<f64> {
    match metric {
        Metric::Invocations => Some(s.invocations),
        Metric::Errors => Some(s.errors),
        Metric::Throttles => Some(s.throttles),
        Metric::DurationAvg => s.duration_avg_ms,
        Metric::DurationP99 => s.duration_p99_ms,
        Metric::ConcurrencyMax => Some(s.concurrency_max),
        Metric::ColdStarts => Some(s.cold_starts),
        Metric::Timeouts => Some(s.timeouts),
        Metric::InitDurationMax => s.init_max_ms,
        Metric::MemoryUsedMax => s.memory_used_mb.filter(|_| s.invocations > 0.0),
        // No SnapStart in the demo fleet.
        Metric::Restores => Some(0.0),
        // Sent apart, for the one function that has provisioned concurrency, and for those
        // invoked asynchronously.
        Metric::ProvisionedUtilization
        | Metric::Spillover
        | Metric::AsyncReceived
        | Metric::AsyncAgeMax
        | Metric::AsyncDropped
        | Metric::DeadLetterErrors
        | Metric::DestinationFailures
        | Metric::IteratorAgeMax
        | Metric::OffsetLagMax => None,
    }
}

impl Source for DemoSource {
    fn name(&self) -> &str {
        "demo"
    }

    fn cadence(&self) -> Duration {
        self.cadence
    }

    fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
        // A part in progress keeps the moment its poll began.
        let now = self.pass.as_ref().map_or(now, |p| p.now);
        let mut events = self.part_at(now);
        if let Some(key) = self.inspect.take() {
            if let Some(inst) = self
                .fleet
                .instances()
                .find(|i| i.region == key.region && i.name == key.name)
            {
                events.push(self.distribution(inst, now));
            }
            events.extend(self.versions(key, now));
        }
        Box::pin(async move { events })
    }

    fn control(&mut self, control: &super::Control) -> bool {
        match control {
            super::Control::Inspect(k) => {
                self.inspect = Some(k.clone());
                true
            }
            super::Control::PollNow => true,
            super::Control::Window(w) => {
                let changed = self.window != *w;
                self.window = *w;
                // The store keeps one span: a window shown again is answered again.
                if changed {
                    self.span_sent = None;
                }
                changed
            }
            _ => false,
        }
    }

    fn watch(&mut self, on_screen: &[crate::store::FunctionKey]) {
        self.watched = on_screen.to_vec();
    }

    fn has_more(&self) -> bool {
        self.pass.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The detail once said "serves version 42 via alias live" above "alias live → 13 90%":
    /// what serves a demo function is what its aliases route to, read by the account's rule.
    #[test]
    fn what_serves_a_function_is_what_its_aliases_route_to() {
        let now = fixture::moment();
        let mut demo = DemoSource::new(DEFAULT_SEED, now, 60, DEFAULT_CADENCE);
        let servings: Vec<(
            crate::store::FunctionKey,
            Option<Box<crate::store::Serving>>,
        )> = demo
            .events_at(now)
            .into_iter()
            .filter_map(|e| match e {
                SourceEvent::Serving { key, serving } => Some((key, serving)),
                _ => None,
            })
            .collect();
        assert!(servings.len() > 20, "{}", servings.len());
        let mut served = 0;
        for (key, serving) in servings {
            let Some(SourceEvent::Versions { versions: v, .. }) =
                demo.versions(key.clone(), now).into_iter().next()
            else {
                panic!("no versions of {key:?}");
            };
            match serving {
                Some(s) => {
                    served += 1;
                    let alias = v.aliases.iter().find(|a| a.name == s.alias).unwrap();
                    assert_eq!(alias.routes[0].0, s.version, "{key:?}");
                    assert_eq!(v.versions[0].version, s.version, "the newest serves");
                }
                None => assert!(v.aliases.is_empty(), "{key:?}: {:?}", v.aliases),
            }
        }
        // The provisioned function and the one mid-canary take their traffic through `live`.
        assert!(served >= 2, "{served}");
    }
}
