//! One region of an AWS account as a `Source`: the inventory (functions and tags) every few
//! minutes, and metrics every poll as `plan` decides (every statistic of the functions on
//! screen or failing, the rest less often) — the first poll fills the whole history, later ones
//! ask each function only for the minutes since its last settled one, with an overlap so late
//! datapoints are corrected. Each part that fails is reported under its own scope (inventory,
//! tags, metrics, p99) and clears when it works again; the other parts go on. The REPORT reads
//! of the region are a source of their own (`report_reads`), which learns the functions from
//! this one through `LogPlaces`.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::errors::AwsError;
use super::plan::{Group, OVERLAP_MINUTES, SETTLE_MINUTES};
use super::{inventory, metrics};
use crate::source::{Source, SourceEvent};
use crate::store::{FunctionFacts, Metric, Minute, MinuteRange, Pool};

pub struct Clients {
    pub lambda: aws_sdk_lambda::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub tagging: aws_sdk_resourcegroupstagging::Client,
}

/// Says the region's inventory was asked for when it goes (after the functions are learnt).
struct Asked(super::logs::LogPlaces, String);

impl Drop for Asked {
    fn drop(&mut self) {
        self.0.asked(&self.1);
    }
}

/// What an account's region sources share: the request count, AWS's clock, and where each
/// function logs.
#[derive(Clone)]
pub struct Shared {
    pub usage: super::usage::UsageCounter,
    pub clock: super::server_clock::ServerClock,
    pub places: super::logs::LogPlaces,
    /// The inventory for the capacity reads, and their provisioned concurrency back.
    pub capacity: super::capacity::Registry,
    /// Whose account: tells a disabled opt-in region from refused credentials.
    pub who: super::identity::WhoAmI,
    /// The source account read through a monitoring account's credentials, if it is one.
    pub linked: Option<String>,
}

pub struct RegionSource {
    name: String,
    region: String,
    clients: Clients,
    cadence: Duration,
    inventory_every: chrono::Duration,
    history_minutes: u32,
    inventory_at: Option<DateTime<Utc>>,
    functions: Vec<String>,
    /// The last tags seen, kept when a tags call fails so projects do not jump around.
    tags: HashMap<String, BTreeMap<String, String>>,
    /// Newest minute of region-wide concurrency fetched once settled.
    settled: Option<Minute>,
    /// Which functions' metrics each poll asks for.
    planner: super::plan::Planner,
    /// What the capacity reads learn from the inventory, and tell of provisioned concurrency.
    capacity: super::capacity::Registry,
    /// Newest minute of provisioned-concurrency figures fetched once settled.
    provisioned_settled: Option<Minute>,
    /// The functions invoked asynchronously (learnt with the inventory), and the newest
    /// minute of their queue figures fetched once settled.
    async_functions: Vec<String>,
    async_plan: super::async_events::Plan,
    /// Where the next inventory goes on reading their event-invoke configurations, and
    /// whether an inventory has just asked for it.
    on_failure_next: usize,
    on_failure_due: bool,
    who: super::identity::WhoAmI,
    usage: super::usage::UsageCounter,
    /// AWS's clock: minutes settle by it, not by the local one.
    clock: super::server_clock::ServerClock,
    /// Where each function logs: learnt from the inventory, read by every log reader.
    places: super::logs::LogPlaces,
    /// The source account read through a monitoring account, if it is one: its functions
    /// are its metrics' (`linked`).
    linked: Option<String>,
}

impl RegionSource {
    pub fn new(
        region: &str,
        clients: Clients,
        cadence: Duration,
        inventory_every: Duration,
        history_minutes: u32,
        shared: Shared,
    ) -> Self {
        let Shared {
            usage,
            clock,
            places,
            capacity,
            who,
            linked,
        } = shared;
        Self {
            name: format!("aws {region}"),
            region: region.to_string(),
            clients,
            cadence,
            inventory_every: chrono::Duration::from_std(inventory_every)
                .unwrap_or(chrono::Duration::minutes(5)),
            history_minutes,
            inventory_at: None,
            functions: Vec::new(),
            tags: HashMap::new(),
            settled: None,
            planner: super::plan::Planner::default(),
            capacity,
            provisioned_settled: None,
            async_functions: Vec::new(),
            async_plan: Default::default(),
            on_failure_next: 0,
            on_failure_due: false,
            who,
            usage,
            clock,
            places,
            linked,
        }
    }

    fn problem(&self, scope: &str, e: &AwsError, now: DateTime<Utc>) -> SourceEvent {
        e.problem(&self.name, format!("{} {scope}", self.region), now)
    }

    fn resolved(&self, scope: &str) -> SourceEvent {
        super::errors::resolved(&self.name, format!("{} {scope}", self.region))
    }

    async fn poll_inventory(&mut self, now: DateTime<Utc>, events: &mut Vec<SourceEvent>) {
        let due = self
            .inventory_at
            .is_none_or(|at| now - at >= self.inventory_every);
        if !due {
            return;
        }
        if let Some(account) = self.linked.clone() {
            return self.poll_linked_inventory(&account, now, events).await;
        }
        let listed = inventory::list_functions(&self.clients.lambda, &self.region).await;
        // Answered or not: the REPORT reads of the region need wait no longer.
        let _asked = Asked(self.places.clone(), self.region.clone());
        let functions = match listed {
            Ok(f) => f,
            Err(e) => {
                let e = self.explain_refusal(e).await;
                events.push(self.problem("inventory", &e, now));
                return;
            }
        };
        events.push(self.resolved("inventory"));
        match inventory::tags_by_function(&self.clients.tagging).await {
            Ok(tags) => {
                self.tags = tags;
                events.push(self.resolved("tags"));
            }
            Err(e) => events.push(self.problem("tags", &e, now)),
        }
        let functions: Vec<FunctionFacts> = functions
            .into_iter()
            .map(|mut f| {
                f.tags = self.tags.get(&f.name).cloned().unwrap_or_default();
                f
            })
            .collect();
        self.learn(&functions, now);
        // The limits with every inventory: a quota increase shows without a restart.
        let limits = match super::capacity::account_limits(&self.clients.lambda).await {
            Ok(l) => Some(l),
            // "Where permitted": a refusal or an endpoint without the call is no incident.
            Err(e) => {
                tracing::info!(region = %self.region, "no account concurrency limits: {e}");
                None
            }
        };
        self.capacity
            .inventory(&self.region, &functions, limits, now);
        // Which functions are invoked asynchronously: few, so their queue figures are read
        // every poll.
        match super::async_events::functions(&self.clients.cloudwatch).await {
            Ok(names) => {
                self.async_functions = names;
                events.push(self.resolved("async"));
            }
            Err(e) => events.push(self.problem("async", &e, now)),
        }
        self.on_failure_due = true;
        events.push(SourceEvent::Inventory {
            region: self.region.clone(),
            functions,
        });
        if let Some(l) = limits {
            events.push(SourceEvent::RegionLimit {
                region: self.region.clone(),
                concurrency_limit: l.concurrency,
                unreserved_limit: l.unreserved,
            });
        }
    }

    /// The region's functions as an inventory at `now` gave them: what the metric polls ask
    /// for, when each settles, and where each logs.
    fn learn(&mut self, functions: &[FunctionFacts], now: DateTime<Utc>) {
        self.functions = functions.iter().map(|f| f.name.clone()).collect();
        self.places.learn(&self.region, functions);
        self.planner.retain(&self.functions);
        self.planner
            .set_timeouts(functions.iter().map(|f| (f.name.as_str(), f.timeout_s)));
        self.inventory_at = Some(now);
    }

    /// A linked account's inventory: the functions its metrics name, and nothing the Lambda
    /// API would tell (its configuration is its own account's).
    async fn poll_linked_inventory(
        &mut self,
        account: &str,
        now: DateTime<Utc>,
        events: &mut Vec<SourceEvent>,
    ) {
        let listed =
            super::linked::list_functions(&self.clients.cloudwatch, &self.region, account).await;
        let _asked = Asked(self.places.clone(), self.region.clone());
        let functions = match listed {
            Ok(f) => f,
            Err(e) => {
                events.push(self.problem("inventory", &e, now));
                return;
            }
        };
        events.push(self.resolved("inventory"));
        // Timeouts unknown: each function settles as late as any may.
        self.learn(&functions, now);
        events.push(SourceEvent::Inventory {
            region: self.region.clone(),
            functions,
        });
    }

    /// The minutes to read up to `current` for figures settled up to `settled`: the whole
    /// history the first time, then from the settled minute with an overlap for late
    /// datapoints.
    fn since(&self, settled: Option<Minute>, current: Minute) -> MinuteRange {
        let oldest = current.minus(i64::from(self.history_minutes));
        MinuteRange::new(
            settled.map_or(oldest, |s| s.minus(OVERLAP_MINUTES - 1).max(oldest)),
            current,
        )
    }

    /// Credentials refused in an opt-in region while AWS knows the caller elsewhere: the
    /// region is not enabled for the account, which is no credentials problem.
    async fn explain_refusal(&self, e: AwsError) -> AwsError {
        let opt_in = super::identity::OPT_IN_REGIONS.contains(&self.region.as_str());
        // What a disabled region answers; an expired token is the credentials' own doing.
        let unknown_there = ["UnrecognizedClient", "InvalidClientTokenId"]
            .iter()
            .any(|code| e.message.contains(code));
        if e.kind != crate::store::ProblemKind::Credentials || !opt_in || !unknown_there {
            return e;
        }
        match self.who.identity().await {
            Ok(_) => AwsError::new(
                crate::store::ProblemKind::NotSupported,
                format!(
                    "{} is an opt-in region this account has not enabled ({}): enable it in the account's settings (AWS Regions) or leave it out of --region",
                    self.region, e.message
                ),
            ),
            Err(_) => e,
        }
    }

    /// Utilization and spillover of the functions that have provisioned concurrency: few, so
    /// every poll, since the last settled minute.
    async fn poll_provisioned(
        &mut self,
        current: Minute,
        settled: Minute,
        local: DateTime<Utc>,
        events: &mut Vec<SourceEvent>,
    ) {
        let functions = self.capacity.provisioned(&self.region);
        if functions.is_empty() {
            return;
        }
        let range = self.since(self.provisioned_settled, current);
        let cw = &self.clients.cloudwatch;
        match metrics::fetch_provisioned(cw, &self.region, &functions, range, settled).await {
            Ok(read) => {
                // One mark for all of them: it moves on only when every query was answered.
                if read.unread.is_empty() {
                    self.provisioned_settled = Some(settled);
                }
                events.extend(read.updates.into_iter().map(SourceEvent::Metrics));
                events.push(match &read.failure {
                    Some(e) => self.problem("provisioned", e, local),
                    None => self.resolved("provisioned"),
                });
            }
            Err(e) => events.push(self.problem("provisioned", &e, local)),
        }
    }

    /// Where the failed events of the functions invoked asynchronously go: a batch each
    /// inventory, round the list.
    async fn read_on_failure(&mut self, now: DateTime<Utc>, events: &mut Vec<SourceEvent>) {
        let n = self.async_functions.len();
        if n == 0 {
            return;
        }
        let start = self.on_failure_next % n;
        let batch: Vec<String> = (0..n.min(super::async_events::CONFIGS_PER_INVENTORY))
            .map(|i| self.async_functions[(start + i) % n].clone())
            .collect();
        self.on_failure_next = start + batch.len();
        for name in batch {
            match super::async_events::on_failure_of(&self.clients.lambda, &name).await {
                Ok(destination) => {
                    events.push(SourceEvent::OnFailure {
                        key: crate::store::FunctionKey::new(&self.region, name),
                        destination,
                    });
                    events.push(self.resolved("destinations"));
                }
                Err(e) => {
                    events.push(self.problem("destinations", &e, now));
                    break;
                }
            }
        }
    }

    /// The queue figures of the functions invoked asynchronously, since the last settled
    /// minute.
    async fn poll_async(
        &mut self,
        current: Minute,
        settled: Minute,
        local: DateTime<Utc>,
        events: &mut Vec<SourceEvent>,
    ) {
        let now = self.clock.now(local);
        let (due, oldest) = self.async_plan.due(&self.async_functions, now);
        if due.is_empty() {
            return;
        }
        let range = self.since(oldest, current);
        let cw = &self.clients.cloudwatch;
        let fetched = super::async_events::fetch(cw, &self.region, &due, range, settled).await;
        match fetched {
            Ok(read) => {
                // A function a query of which failed keeps its mark: read again next poll.
                let whole: Vec<String> = due
                    .iter()
                    .filter(|f| !read.unread.contains(f))
                    .cloned()
                    .collect();
                self.async_plan.read(&whole, &read.updates, now, settled);
                events.extend(read.updates.into_iter().map(SourceEvent::Metrics));
                events.push(match &read.failure {
                    Some(e) => self.problem("async", e, local),
                    None => self.resolved("async"),
                });
            }
            Err(e) => events.push(self.problem("async", &e, local)),
        }
    }

    async fn poll_metrics(&mut self, local: DateTime<Utc>, events: &mut Vec<SourceEvent>) {
        if self.functions.is_empty() {
            return;
        }
        // Minutes settle by CloudWatch's clock; problems are stamped with the local one.
        let now = self.clock.now(local);
        let current = Minute::of(now);
        let batches = self
            .planner
            .plan(&self.functions, now, self.history_minutes);
        self.planner.planned(now);
        // The newest minute a function that runs at most a minute has settled: where the
        // region's own errors and throttles are compared with those of the functions asked for
        // this poll (the hot ones, and any swept).
        let compared = current.minus(SETTLE_MINUTES);
        let mut explained = 0.0;
        // Failures and requests per problem scope: percentiles fail on their own (some
        // endpoints refuse them) and cost only the p99 column.
        let mut outcomes: BTreeMap<&str, (Vec<AwsError>, usize)> = BTreeMap::new();
        // The newest minute each function failed in, among what this poll read.
        let mut failing: HashMap<String, Option<Minute>> = HashMap::new();
        let mut base_ok = true;
        // The functions whose sums this poll read: their rows' figures are this fresh.
        let mut read: Vec<String> = Vec::new();
        // The functions a query of whose sums or shape failed, and the minute before the first
        // this poll asked of them: they are settled no further than that.
        let mut unread: HashMap<String, Minute> = HashMap::new();
        for b in &batches {
            let range = MinuteRange::new(b.first, current);
            let settled: Vec<Minute> = b
                .functions
                .iter()
                .map(|f| self.planner.settled(f, now))
                .collect();
            let fetched = metrics::fetch(
                &self.clients.cloudwatch,
                &self.region,
                &b.functions,
                &settled,
                b.group.stats(),
                range,
            )
            .await;
            let outcome = outcomes.entry(b.group.scope()).or_default();
            outcome.1 += fetched.requests;
            base_ok &= b.group == Group::P99 || fetched.failures.is_empty();
            if b.group != Group::P99 {
                for name in &fetched.unread {
                    let before = b.first.minus(1);
                    let mark = unread.entry(name.clone()).or_insert(before);
                    *mark = (*mark).min(before);
                }
            }
            outcome.0.extend(fetched.failures);
            for u in &fetched.updates {
                if b.group == Group::Sums && u.metric == Metric::Invocations {
                    read.push(u.key.name.clone());
                }
                // A function one of whose queries failed is read again from where it was: the
                // failed metric's minutes are unknown, never skipped for good.
                if !fetched.unread.contains(&u.key.name) {
                    let settled = self.planner.settled(&u.key.name, now);
                    self.planner.fetched(b.group, &u.key.name, now, settled);
                }
                if matches!(u.metric, Metric::Errors | Metric::Throttles) {
                    explained += u
                        .points
                        .iter()
                        .filter(|(m, _)| *m == compared)
                        .filter_map(|(_, v)| *v)
                        .sum::<f64>();
                    let newest = u
                        .points
                        .iter()
                        .filter(|(_, v)| v.is_some_and(|x| x > 0.0))
                        .map(|(m, _)| *m)
                        .max();
                    let entry = failing.entry(u.key.name.clone()).or_default();
                    *entry = (*entry).max(newest);
                }
            }
            events.extend(fetched.updates.into_iter().map(SourceEvent::Metrics));
        }
        for (name, newest) in failing {
            self.planner.note_failing(&name, newest);
        }
        // Whatever else of theirs was read, the minutes asked are provisional (so every figure
        // over them says it may still change) until the failed metric is read too.
        for e in events.iter_mut() {
            if let SourceEvent::Metrics(u) = e
                && let Some(mark) = unread.get(&u.key.name)
            {
                u.settled = Some(*mark);
            }
        }

        for (scope, (failures, requests)) in &outcomes {
            report(self, scope, failures, *requests, local, events);
        }

        // The region's own figures include the slowest function's: they settle with it.
        let settled = self.planner.region_settled(now);
        let range = self.since(self.settled, current);
        let cw = &self.clients.cloudwatch;
        // The region's own figures settle with the functions': a failed read is read again.
        let mut region_ok = false;
        match metrics::fetch_region(cw, range, settled).await {
            Ok(region) => {
                region_ok = region.failure.is_none();
                // A function off screen failing shows in the region's figures first.
                let unexplained =
                    region.failures.get(&compared).copied().unwrap_or(0.0) > explained + 0.5;
                if unexplained && self.planner.request_sweep(now) {
                    tracing::info!(region = %self.region, "failures off screen: sweeping sums");
                }
                match &region.failure {
                    Some(e) => events.push(self.problem("concurrency", e, local)),
                    None => events.push(self.resolved("concurrency")),
                }
                for (pool, points) in [
                    (Pool::All, region.concurrency),
                    (Pool::Unreserved, region.unreserved),
                    (Pool::Claimed, region.claimed),
                ] {
                    events.push(SourceEvent::RegionConcurrency {
                        region: self.region.clone(),
                        pool,
                        points,
                    });
                }
                events.extend(region.sums.into_iter().map(|(metric, points)| {
                    SourceEvent::RegionSum {
                        region: self.region.clone(),
                        metric,
                        points,
                        settled: Some(settled),
                    }
                }));
            }
            Err(e) => events.push(self.problem("concurrency", &e, local)),
        }

        if base_ok && region_ok {
            self.settled = Some(settled);
        }
        self.poll_provisioned(current, settled, local, events).await;
        self.poll_async(current, settled, local, events).await;
        events.push(SourceEvent::FiguresRead {
            region: self.region.clone(),
            functions: read,
            whole: base_ok && region_ok,
            at: local,
        });
    }
}

/// Raises one problem for the failed requests of a scope, or clears it when all worked.
fn report(
    source: &RegionSource,
    scope: &str,
    failures: &[AwsError],
    requests: usize,
    now: DateTime<Utc>,
    events: &mut Vec<SourceEvent>,
) {
    let Some(first) = failures.first() else {
        events.push(source.resolved(scope));
        return;
    };
    let e = if requests > 1 {
        AwsError::new(
            first.kind,
            format!(
                "{} of {requests} requests failed: {}",
                failures.len(),
                first.message
            ),
        )
    } else {
        first.clone()
    };
    events.push(source.problem(scope, &e, now));
}

impl Source for RegionSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn cadence(&self) -> Duration {
        self.cadence
    }

    fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
        Box::pin(async move {
            let mut events = Vec::new();
            self.poll_inventory(now, &mut events).await;
            if std::mem::take(&mut self.on_failure_due) {
                self.read_on_failure(now, &mut events).await;
            }
            self.poll_metrics(now, &mut events).await;
            // What failed lately is read first by the capacity and REPORT reads (the capacity
            // reads wait for this).
            self.capacity
                .failing(&self.region, self.planner.failing_lately(now));
            events.push(SourceEvent::ApiUsage(self.usage.snapshot()));
            events
        })
    }

    fn forget_cached(&mut self) {
        self.inventory_at = None;
    }

    fn watch(&mut self, on_screen: &[crate::store::FunctionKey]) {
        let mine = super::names_in(&self.region, on_screen);
        self.async_plan.watch(mine.iter().cloned());
        self.planner.watch(mine);
    }
}
