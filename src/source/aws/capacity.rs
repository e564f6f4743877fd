//! What each function and the account may run at once: the account's limits
//! (GetAccountSettings, re-read with every inventory so a quota increase shows without a
//! restart), each function's reserved concurrency (GetFunctionConcurrency) and its provisioned
//! concurrency (ListProvisionedConcurrencyConfigs, over every version and alias).
//!
//! Lambda has no call that lists reservations for a whole region, so functions are read one
//! by one, paced with every other Lambda call of the account within a share of Lambda's
//! control-plane rate (`pace.rs`): the functions on screen first, then those
//! failing, then the rest. A function is read again when its configuration changed,
//! everything when the account's unreserved limit moved (the sum of reservations changed),
//! and everything once an hour (a provisioned configuration can change without either).
//!
//! The reads are a source of their own (`CapacitySource`), so that their pacing never delays
//! a metrics poll; it learns the functions and limits from the region's inventory, and tells
//! the region which functions have provisioned concurrency, through a `Registry`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::errors::{AwsError, classify};
use crate::source::{Source, SourceEvent};
use crate::store::{Architecture, FunctionFacts, FunctionKey, ProblemKind, Serving};

/// Requests a poll may spend on reading functions' capacity (two per function).
pub const REQUESTS_PER_POLL: usize = 20;
/// Everything is read again this often.
const FULL_CYCLE: chrono::Duration = chrono::Duration::minutes(60);

/// The account's limits in a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub concurrency: Option<u32>,
    pub unreserved: Option<u32>,
}

/// GetAccountSettings' `AccountLimit`.
pub async fn account_limits(client: &aws_sdk_lambda::Client) -> Result<Limits, AwsError> {
    let out = client
        .get_account_settings()
        .send()
        .await
        .map_err(|e| classify("GetAccountSettings", &e))?;
    let limit = out.account_limit();
    Ok(Limits {
        concurrency: limit
            .map(|l| l.concurrent_executions())
            .and_then(|n| u32::try_from(n).ok()),
        unreserved: limit
            .and_then(|l| l.unreserved_concurrent_executions())
            .and_then(|n| u32::try_from(n).ok()),
    })
}

/// A function's reserved concurrency; `None`: none reserved (it shares the unreserved pool).
pub async fn reserved_of(
    client: &aws_sdk_lambda::Client,
    name: &str,
) -> Result<Option<u32>, AwsError> {
    let out = client
        .get_function_concurrency()
        .function_name(name)
        .send()
        .await
        .map_err(|e| classify("GetFunctionConcurrency", &e))?;
    Ok(out
        .reserved_concurrent_executions()
        .and_then(|n| u32::try_from(n).ok()))
}

/// One version's or alias's provisioned concurrency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provisioned {
    /// The version or alias (CloudWatch names it `FUNCTION:QUALIFIER` in `Resource`).
    pub qualifier: String,
    /// Environments ready now.
    pub allocated: u32,
}

/// Every provisioned configuration of a function (its versions and aliases).
pub async fn provisioned_of(
    client: &aws_sdk_lambda::Client,
    name: &str,
) -> Result<Vec<Provisioned>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client
        .list_provisioned_concurrency_configs()
        .function_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListProvisionedConcurrencyConfigs", &e))?;
        for c in page.provisioned_concurrency_configs() {
            let qualifier = c
                .function_arn()
                .and_then(|arn| arn.rsplit(':').next())
                .unwrap_or_default()
                .to_string();
            let allocated = c
                .allocated_provisioned_concurrent_executions()
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0);
            out.push(Provisioned {
                qualifier,
                allocated,
            });
        }
    }
    Ok(out)
}

/// The version a function's aliases route to, and its configuration: ListAliases, then
/// GetFunctionConfiguration of that version (which one serves: `versions::serving`). `None`:
/// no alias, or aliases to `$LATEST`, whose configuration the inventory has.
pub async fn serving_of(
    client: &aws_sdk_lambda::Client,
    name: &str,
) -> Result<Option<Serving>, AwsError> {
    let aliases = super::versions::aliases_of(client, name).await?;
    let Some((alias, version)) = crate::store::versions::serving(&aliases) else {
        return Ok(None);
    };
    let c = client
        .get_function_configuration()
        .function_name(name)
        .qualifier(&version)
        .send()
        .await
        .map_err(|e| classify("GetFunctionConfiguration", &e))?;
    Ok(Some(Serving {
        alias,
        version,
        memory_mb: c.memory_size().and_then(|m| u32::try_from(m).ok()),
        architecture: match c.architectures().first() {
            Some(aws_sdk_lambda::types::Architecture::Arm64) => Architecture::Arm64,
            _ => Architecture::X86_64,
        },
        timeout_s: c.timeout().and_then(|t| u32::try_from(t).ok()),
    }))
}

/// Which functions' capacity to read next, and what is known of each.
#[derive(Debug, Default)]
pub struct CapacityReader {
    queue: VecDeque<String>,
    queued: HashSet<String>,
    /// The configuration each function had when last read.
    seen: HashMap<String, Option<DateTime<Utc>>>,
    unreserved_limit: Option<Option<u32>>,
    full_at: Option<DateTime<Utc>>,
    /// Provisioned configurations of the functions that have some: their metrics are asked.
    pub provisioned: HashMap<String, Vec<Provisioned>>,
    /// Whether the endpoint serves ListProvisionedConcurrencyConfigs at all.
    provisioned_unsupported: bool,
    /// Each function's last modification, as the latest inventory said.
    modified: HashMap<String, Option<DateTime<Utc>>>,
}

/// A function as the inventory listed it: what tells a changed configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub name: String,
    pub last_modified: Option<DateTime<Utc>>,
}

impl From<&FunctionFacts> for Listed {
    fn from(f: &FunctionFacts) -> Self {
        Listed {
            name: f.name.clone(),
            last_modified: f.last_modified,
        }
    }
}

/// What one poll of capacity read.
pub struct Read {
    pub events: Vec<SourceEvent>,
    /// The first failure worth a problem (refused, throttled), if any.
    pub failure: Option<AwsError>,
}

impl CapacityReader {
    fn enqueue(&mut self, name: &str) {
        if self.queued.insert(name.to_string()) {
            self.queue.push_back(name.to_string());
        }
    }

    /// After an inventory: new and changed functions are read; deleted ones forgotten; all of
    /// them when the account's unreserved limit moved or the hour is up.
    pub fn inventory(&mut self, functions: &[Listed], limits: Option<Limits>, now: DateTime<Utc>) {
        let names: HashSet<&str> = functions.iter().map(|f| f.name.as_str()).collect();
        self.seen.retain(|n, _| names.contains(n.as_str()));
        self.provisioned.retain(|n, _| names.contains(n.as_str()));
        let moved = limits.is_some_and(|l| {
            let before = self.unreserved_limit.replace(l.unreserved);
            before.is_some_and(|b| b != l.unreserved)
        });
        let full = moved || self.full_at.is_none_or(|at| now - at >= FULL_CYCLE);
        if full {
            self.full_at = Some(now);
        }
        for f in functions {
            let changed = self.seen.get(&f.name).is_none_or(|m| *m != f.last_modified);
            if full || changed {
                self.enqueue(&f.name);
            }
        }
        self.modified = functions
            .iter()
            .map(|f| (f.name.clone(), f.last_modified))
            .collect();
    }

    /// The functions on screen are read before the others.
    pub fn first(&mut self, watched: &[String]) {
        for name in watched.iter().rev() {
            if self.queued.contains(name)
                && let Some(i) = self.queue.iter().position(|n| n == name)
            {
                let n = self.queue.remove(i).unwrap_or_default();
                self.queue.push_front(n);
            }
        }
    }

    /// Reads the next functions within the poll's budget.
    pub async fn read(&mut self, client: &aws_sdk_lambda::Client, region: &str) -> Read {
        // GetFunctionConcurrency, ListProvisionedConcurrencyConfigs and ListAliases (and a
        // GetFunctionConfiguration where an alias routes to a version).
        let per_function = if self.provisioned_unsupported { 2 } else { 3 };
        let take = (REQUESTS_PER_POLL / per_function).min(self.queue.len());
        let batch: Vec<String> = self.queue.drain(..take).collect();
        for n in &batch {
            self.queued.remove(n);
        }
        let ask_provisioned = !self.provisioned_unsupported;
        // One request at a time; the account's pace (`pace.rs`) spaces them within Lambda's
        // control-plane share, with every other Lambda call of the account's.
        let mut answers = Vec::with_capacity(batch.len());
        for name in batch {
            let reserved = reserved_of(client, &name).await;
            let provisioned = if ask_provisioned {
                Some(provisioned_of(client, &name).await)
            } else {
                None
            };
            let serving = serving_of(client, &name).await;
            answers.push((name, reserved, provisioned, serving));
        }
        let mut events = Vec::new();
        let mut failure = None;
        let worth = |e: AwsError, failure: &mut Option<AwsError>| {
            if failure.is_none()
                && matches!(
                    e.kind,
                    ProblemKind::AccessDenied | ProblemKind::Throttled | ProblemKind::Credentials
                )
            {
                *failure = Some(e);
            }
        };
        for (name, reserved, provisioned, serving) in answers {
            let key = FunctionKey::new(region, name.clone());
            let mut whole = true;
            match reserved {
                Ok(r) => events.push(SourceEvent::Reserved {
                    key: key.clone(),
                    reserved: r,
                }),
                Err(e) => {
                    whole = false;
                    worth(e, &mut failure);
                }
            }
            match provisioned {
                Some(Ok(configs)) => {
                    let allocated = configs.iter().map(|c| c.allocated).sum();
                    if configs.is_empty() {
                        self.provisioned.remove(&name);
                    } else {
                        self.provisioned.insert(name.clone(), configs);
                    }
                    events.push(SourceEvent::Provisioned { key, allocated });
                }
                Some(Err(e)) if e.kind == ProblemKind::NotSupported => {
                    // This endpoint (an emulator) has no such call: unknown, not zero.
                    tracing::info!(%region, "no provisioned concurrency configs: {e}");
                    self.provisioned_unsupported = true;
                }
                Some(Err(e)) => {
                    whole = false;
                    worth(e, &mut failure);
                }
                None => {}
            }
            match serving {
                Ok(serving) => events.push(SourceEvent::Serving {
                    key: FunctionKey::new(region, name.clone()),
                    serving: serving.map(Box::new),
                }),
                // An endpoint without aliases: `$LATEST`'s configuration stands.
                Err(e) if e.kind == ProblemKind::NotSupported => {}
                Err(e) => {
                    whole = false;
                    worth(e, &mut failure);
                }
            }
            if whole {
                let modified = self.modified.get(&name).copied().flatten();
                self.seen.insert(name.clone(), modified);
            } else {
                // Read again at the next poll's turn.
                self.enqueue(&name);
            }
        }
        Read { events, failure }
    }

    /// Functions still waiting to be read.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}

/// What a region's inventory tells its capacity reads, and what they tell its metrics.
#[derive(Clone, Default)]
pub struct Registry(Arc<RwLock<HashMap<String, Entry>>>);

/// One inventory as the capacity reads take it: its number (growing with each), the
/// functions, the account's limits, and when it was listed.
type Inventory = (u64, Vec<Listed>, Option<Limits>, DateTime<Utc>);

#[derive(Default)]
struct Entry {
    /// The latest inventory.
    listed: Option<Inventory>,
    /// Functions that failed lately, as the last metrics poll saw.
    failing: Vec<String>,
    /// Whether a metrics poll has run (and so `failing` says something).
    polled: bool,
    /// Provisioned configurations of the functions that have some.
    provisioned: HashMap<String, Vec<Provisioned>>,
}

impl Registry {
    fn with<T>(&self, region: &str, f: impl FnOnce(&mut Entry) -> T) -> T {
        let mut map = self.0.write().unwrap_or_else(|e| e.into_inner());
        f(map.entry(region.to_string()).or_default())
    }

    /// The region's inventory and the account's limits there.
    pub fn inventory(
        &self,
        region: &str,
        functions: &[FunctionFacts],
        limits: Option<Limits>,
        at: DateTime<Utc>,
    ) {
        let listed: Vec<Listed> = functions.iter().map(Listed::from).collect();
        self.with(region, |e| {
            let n = e.listed.as_ref().map_or(1, |(n, ..)| n + 1);
            e.listed = Some((n, listed, limits, at));
        });
    }

    /// The functions that failed lately, as a metrics poll saw: read before the others.
    pub fn failing(&self, region: &str, names: Vec<String>) {
        self.with(region, |e| {
            e.failing = names;
            e.polled = true;
        });
    }

    /// The functions the region's last metrics poll saw failing lately.
    pub fn failing_of(&self, region: &str) -> Vec<String> {
        self.with(region, |e| e.failing.clone())
    }

    /// The functions with provisioned concurrency, and their versions and aliases.
    pub fn provisioned(&self, region: &str) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = self.with(region, |e| {
            e.provisioned
                .iter()
                .map(|(n, c)| (n.clone(), c.iter().map(|p| p.qualifier.clone()).collect()))
                .collect()
        });
        out.sort();
        out
    }
}

/// How long the first capacity read waits for the region's first metrics poll, so that the
/// failing functions are read first (a `snapshot` polls every source once, at once).
const WAIT_FOR_METRICS: std::time::Duration = std::time::Duration::from_secs(30);

/// A region's capacity reads as a source.
pub struct CapacitySource {
    name: String,
    region: String,
    client: aws_sdk_lambda::Client,
    registry: Registry,
    reader: CapacityReader,
    /// The inventory last taken in.
    seen_inventory: u64,
    watched: Vec<String>,
    waited: bool,
    usage: super::usage::UsageCounter,
}

impl CapacitySource {
    pub fn new(
        region: &str,
        client: aws_sdk_lambda::Client,
        registry: Registry,
        usage: super::usage::UsageCounter,
    ) -> Self {
        Self {
            name: format!("capacity {region}"),
            region: region.to_string(),
            client,
            registry,
            reader: CapacityReader::default(),
            seen_inventory: 0,
            watched: Vec::new(),
            waited: false,
            usage,
        }
    }

    async fn poll_at(&mut self, now: DateTime<Utc>) -> Vec<SourceEvent> {
        if !self.waited {
            self.waited = true;
            let until = tokio::time::Instant::now() + WAIT_FOR_METRICS;
            while !self.registry.with(&self.region, |e| e.polled)
                && tokio::time::Instant::now() < until
            {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
        let listed = self.registry.with(&self.region, |e| match &e.listed {
            Some((n, l, limits, at)) if *n > self.seen_inventory => {
                Some((*n, l.clone(), *limits, *at))
            }
            _ => None,
        });
        if let Some((n, functions, limits, at)) = listed {
            self.seen_inventory = n;
            self.reader.inventory(&functions, limits, at.max(now));
        }
        if self.reader.pending() == 0 {
            return Vec::new();
        }
        let failing = self.registry.failing_of(&self.region);
        self.reader.first(&failing);
        self.reader.first(&self.watched);
        let read = self.reader.read(&self.client, &self.region).await;
        let provisioned = self.reader.provisioned.clone();
        self.registry
            .with(&self.region, |e| e.provisioned = provisioned);
        let mut events = read.events;
        let scope = format!("{} capacity", self.region);
        match read.failure {
            Some(e) => events.push(SourceEvent::Problem {
                source: self.name.clone(),
                scope,
                kind: e.kind,
                message: format!(
                    "{} (reserved and provisioned concurrency unknown)",
                    e.message
                ),
                at: now,
            }),
            None => events.push(SourceEvent::Resolved {
                source: self.name.clone(),
                scope,
            }),
        }
        events.push(SourceEvent::ApiUsage(self.usage.snapshot()));
        events
    }
}

impl Source for CapacitySource {
    fn name(&self) -> &str {
        &self.name
    }

    /// Often, and a small batch each time: paced reads that never hold a metrics poll up.
    fn cadence(&self) -> std::time::Duration {
        std::time::Duration::from_secs(5)
    }

    /// Capacity changes seldom: its reads say nothing of the figures' age.
    fn tracks_status(&self) -> bool {
        false
    }

    fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
        Box::pin(self.poll_at(now))
    }

    fn watch(&mut self, on_screen: &[FunctionKey]) {
        self.watched = super::names_in(&self.region, on_screen);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn facts(name: &str, modified: i64) -> Listed {
        Listed {
            name: name.into(),
            last_modified: Utc.timestamp_opt(modified, 0).single(),
        }
    }

    #[test]
    fn changed_functions_are_read_again_and_all_when_the_unreserved_limit_moves() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 3, 0, 0).unwrap();
        let limits = |u| {
            Some(Limits {
                concurrency: Some(1000),
                unreserved: Some(u),
            })
        };
        let mut r = CapacityReader::default();
        let fleet = [facts("a", 1), facts("b", 1), facts("c", 1)];
        r.inventory(&fleet, limits(900), now);
        assert_eq!(r.pending(), 3, "the first inventory reads all");
        r.first(&["c".to_string()]);
        assert_eq!(
            r.queue.front().map(String::as_str),
            Some("c"),
            "on screen first"
        );
        // As read: none pending, each seen with its configuration.
        r.queue.clear();
        r.queued.clear();
        for f in &fleet {
            r.seen.insert(f.name.clone(), f.last_modified);
        }
        let later = now + chrono::Duration::minutes(5);
        r.inventory(
            &[facts("a", 1), facts("b", 2), facts("c", 1)],
            limits(900),
            later,
        );
        assert_eq!(r.queue, ["b"], "a new deploy");
        r.queue.clear();
        r.queued.clear();
        r.seen.insert("b".into(), facts("b", 2).last_modified);
        r.inventory(
            &[facts("a", 1), facts("b", 2), facts("c", 1)],
            limits(850),
            later,
        );
        assert_eq!(r.pending(), 3, "someone reserved 50 more: all again");
    }
}
