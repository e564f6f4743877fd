//! A function's versions and aliases, read when its detail opens (`Control::Inspect`), as a
//! source of its own that is otherwise idle: ListVersionsByFunction, ListAliases (with each
//! alias's routing weights), and per alias and routed version the last hour's `Invocations`,
//! `Errors` (Sum) and `Duration` (Average) with the `FunctionName`, `Resource` (`NAME:ALIAS`)
//! and `ExecutedVersion` dimensions, which CloudWatch publishes for invocations through an alias
//! (Lambda Developer Guide, *Types of metrics*): what a canary or a rollback does, version by
//! version.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::errors::{AwsError, classify};
use super::metrics::{lambda_query, run};
use crate::source::{Control, Source, SourceEvent};
use crate::store::versions::{Alias, Executed, Version, Versions};
use crate::store::{FunctionKey, Minute, MinuteRange};

/// The figures cover this many minutes before the read.
const MINUTES: i64 = 60;

async fn versions_of(
    client: &aws_sdk_lambda::Client,
    name: &str,
) -> Result<Vec<Version>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client
        .list_versions_by_function()
        .function_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListVersionsByFunction", &e))?;
        for v in page.versions() {
            let Some(version) = v.version().filter(|v| *v != "$LATEST") else {
                continue;
            };
            out.push(Version {
                version: version.to_string(),
                last_modified: v
                    .last_modified()
                    .and_then(super::inventory::parse_last_modified),
                code_sha256: v.code_sha256().map(str::to_string),
            });
        }
    }
    out.sort_by_key(|v| std::cmp::Reverse(v.version.parse::<u64>().unwrap_or(0)));
    out.truncate(Versions::KEPT);
    Ok(out)
}

/// Every alias of function `name`, with where it routes: its primary version first, with the
/// share the additional versions leave it.
pub async fn aliases_of(
    client: &aws_sdk_lambda::Client,
    name: &str,
) -> Result<Vec<Alias>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client
        .list_aliases()
        .function_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListAliases", &e))?;
        for a in page.aliases() {
            let (Some(alias), Some(primary)) = (a.name(), a.function_version()) else {
                continue;
            };
            let extra: HashMap<String, f64> = a
                .routing_config()
                .and_then(|r| r.additional_version_weights())
                .cloned()
                .unwrap_or_default();
            let mut routes = vec![(primary.to_string(), 1.0 - extra.values().sum::<f64>())];
            let mut others: Vec<(String, f64)> = extra.into_iter().collect();
            others.sort_by(|a, b| a.0.cmp(&b.0));
            routes.extend(others);
            out.push(Alias {
                name: alias.to_string(),
                routes,
            });
        }
    }
    Ok(out)
}

/// Each alias's routed versions' figures over `range`.
async fn executed(
    client: &aws_sdk_cloudwatch::Client,
    name: &str,
    aliases: &[Alias],
    range: MinuteRange,
) -> Result<Vec<Executed>, AwsError> {
    let pairs: Vec<(&str, &str)> = aliases
        .iter()
        .flat_map(|a| {
            a.routes
                .iter()
                .map(move |(v, _)| (a.name.as_str(), v.as_str()))
        })
        .filter(|(_, v)| *v != "$LATEST")
        .collect();
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let mut queries = Vec::new();
    for (i, (alias, version)) in pairs.iter().enumerate() {
        let resource = format!("{name}:{alias}");
        let dims = [
            ("FunctionName", name),
            ("Resource", resource.as_str()),
            ("ExecutedVersion", *version),
        ];
        queries.push(lambda_query(
            &format!("v{i}_0"),
            "Invocations",
            &dims,
            "Sum",
        ));
        queries.push(lambda_query(&format!("v{i}_1"), "Errors", &dims, "Sum"));
        queries.push(lambda_query(
            &format!("v{i}_2"),
            "Duration",
            &dims,
            "Average",
        ));
    }
    let answer = run(client, queries, range).await?;
    let get = |i: usize, q: usize| answer.values.get(&format!("v{i}_{q}"));
    Ok(pairs
        .iter()
        .enumerate()
        .map(|(i, (alias, version))| {
            let sum = |q: usize| get(i, q).map(|v| v.values().sum::<f64>());
            let invocations = get(i, 0);
            let weighted = get(i, 2).and_then(|d| {
                let (mut ms, mut n) = (0.0, 0.0);
                for (m, avg) in d {
                    let w = invocations
                        .and_then(|inv| inv.get(m))
                        .copied()
                        .unwrap_or(0.0);
                    ms += avg * w;
                    n += w;
                }
                (n > 0.0).then(|| ms / n)
            });
            Executed {
                alias: alias.to_string(),
                version: version.to_string(),
                invocations: sum(0),
                errors: sum(1),
                duration_avg_ms: weighted,
            }
        })
        .collect())
}

pub struct VersionSource {
    name: String,
    region: String,
    lambda: aws_sdk_lambda::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    /// The function whose detail is open, waiting to be read.
    wanted: Option<String>,
    usage: super::usage::UsageCounter,
}

impl VersionSource {
    pub fn new(
        region: &str,
        lambda: aws_sdk_lambda::Client,
        cloudwatch: aws_sdk_cloudwatch::Client,
        usage: super::usage::UsageCounter,
    ) -> Self {
        Self {
            name: format!("versions {region}"),
            region: region.to_string(),
            lambda,
            cloudwatch,
            wanted: None,
            usage,
        }
    }

    async fn read(&self, name: &str, now: DateTime<Utc>) -> Result<Versions, AwsError> {
        let versions = versions_of(&self.lambda, name).await?;
        let aliases = aliases_of(&self.lambda, name).await?;
        let current = Minute::of(now);
        let range = MinuteRange::new(current.minus(MINUTES), current);
        let executed = executed(&self.cloudwatch, name, &aliases, range).await?;
        Ok(Versions {
            versions,
            aliases,
            executed,
            since: range.first.start(),
            read_at: now,
        })
    }

    async fn poll_at(&mut self, now: DateTime<Utc>) -> Vec<SourceEvent> {
        let Some(name) = self.wanted.take() else {
            return Vec::new();
        };
        let scope = format!("{} versions", self.region);
        let mut events = match self.read(&name, now).await {
            Ok(v) => vec![
                SourceEvent::Versions {
                    key: FunctionKey::new(&self.region, name),
                    versions: Box::new(v),
                },
                super::errors::resolved(&self.name, scope),
            ],
            Err(e) => vec![e.problem(&self.name, scope, now)],
        };
        events.push(SourceEvent::ApiUsage(self.usage.snapshot()));
        events
    }
}

impl Source for VersionSource {
    fn name(&self) -> &str {
        &self.name
    }

    /// Idle but for the detail's asking: its order is carried out at once.
    fn cadence(&self) -> Duration {
        Duration::from_secs(60)
    }

    fn tracks_status(&self) -> bool {
        false
    }

    fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
        // The detail that asked is open and waiting: ahead of the inventory's pages.
        Box::pin(super::pace::foreground(self.poll_at(now)))
    }

    fn control(&mut self, control: &Control) -> bool {
        match control {
            Control::Inspect(k) if k.region == self.region => {
                self.wanted = Some(k.name.clone());
                true
            }
            _ => false,
        }
    }
}
