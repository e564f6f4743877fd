//! A region's event-source mappings as a source of its own: what feeds each function, and
//! whether it still does. With the inventory's cadence it lists every mapping
//! (ListEventSourceMappings: `State`, `StateTransitionReason`, `LastProcessingResult`, Lambda
//! API Reference, *EventSourceMappingConfiguration*); every poll it reads the backlog of each
//! SQS queue read and of its redrive dead-letter queue (GetQueueAttributes:
//! `ApproximateNumberOfMessages`, `RedrivePolicy`; CloudWatch `AWS/SQS`
//! `ApproximateAgeOfOldestMessage`, Amazon SQS Developer Guide, *Available CloudWatch metrics
//! for Amazon SQS*), and how far behind their streams the stream consumers read (`IteratorAge`,
//! and `OffsetLag` for Kafka, Lambda Developer Guide, *Types of metrics for Lambda
//! functions*).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName;
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::errors::{AwsError, classify};
use super::metrics::{fetch_group, run};
use crate::source::{Source, SourceEvent};
use crate::store::event_sources::{Backlog, EventSource, SourceType};
use crate::store::{Metric, Minute, MinuteRange};

/// The stream figures, in the order of `Metric::STREAM`.
const STREAM_QUERIES: [(&str, &str); 2] = [("IteratorAge", "Maximum"), ("OffsetLag", "Maximum")];
/// Minutes of a queue's age asked for: its newest datapoint is the one shown.
const QUEUE_MINUTES: i64 = 15;

/// The function a mapping invokes: the name in `arn:aws:lambda:R:A:function:NAME[:QUALIFIER]`.
fn function_of(arn: &str) -> Option<&str> {
    let rest = arn.split_once(":function:")?.1;
    Some(rest.split(':').next().unwrap_or(rest))
}

/// Every mapping of the region, by function name.
async fn list(
    client: &aws_sdk_lambda::Client,
) -> Result<BTreeMap<String, Vec<EventSource>>, AwsError> {
    let mut out: BTreeMap<String, Vec<EventSource>> = BTreeMap::new();
    let mut pages = client.list_event_source_mappings().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListEventSourceMappings", &e))?;
        for m in page.event_source_mappings() {
            let Some(function) = m.function_arn().and_then(function_of) else {
                continue;
            };
            // A self-managed Kafka cluster has no ARN: it is named by a bootstrap server.
            let kafka = m
                .self_managed_event_source()
                .and_then(|s| s.endpoints())
                .and_then(|e| e.values().flatten().next().cloned());
            let arn = m.event_source_arn().map(str::to_string).or(kafka);
            out.entry(function.to_string())
                .or_default()
                .push(EventSource {
                    uuid: m.uuid().unwrap_or_default().to_string(),
                    kind: SourceType::of(m.event_source_arn()),
                    arn: arn.unwrap_or_default(),
                    state: m.state().unwrap_or("Unknown").to_string(),
                    state_reason: m.state_transition_reason().map(str::to_string),
                    last_result: m.last_processing_result().map(str::to_string),
                    backlog: None,
                    dead_letter: None,
                });
        }
    }
    Ok(out)
}

/// `arn:aws:sqs:REGION:ACCOUNT:NAME` → (ACCOUNT, NAME).
fn queue_of(arn: &str) -> Option<(&str, &str)> {
    let mut parts = arn.split(':').skip(4);
    Some((parts.next()?, parts.next()?))
}

/// The dead-letter queue a `RedrivePolicy` names (`{"deadLetterTargetArn": …}`).
fn dead_letter_of(policy: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(policy).ok()?;
    v["deadLetterTargetArn"].as_str().map(str::to_string)
}

pub struct MappingSource {
    name: String,
    region: String,
    lambda: aws_sdk_lambda::Client,
    sqs: aws_sdk_sqs::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    cadence: Duration,
    list_every: chrono::Duration,
    history_minutes: u32,
    listed_at: Option<DateTime<Utc>>,
    mappings: BTreeMap<String, Vec<EventSource>>,
    /// Queue URLs by ARN, once asked (GetQueueUrl).
    urls: HashMap<String, String>,
    streams_settled: Option<Minute>,
    usage: super::usage::UsageCounter,
}

/// What a mapping source needs of its account.
pub struct Clients {
    pub lambda: aws_sdk_lambda::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
}

impl MappingSource {
    pub fn new(
        region: &str,
        clients: Clients,
        cadence: Duration,
        list_every: Duration,
        history_minutes: u32,
        usage: super::usage::UsageCounter,
    ) -> Self {
        Self {
            name: format!("event sources {region}"),
            region: region.to_string(),
            lambda: clients.lambda,
            sqs: clients.sqs,
            cloudwatch: clients.cloudwatch,
            cadence,
            list_every: chrono::Duration::from_std(list_every)
                .unwrap_or(chrono::Duration::minutes(5)),
            history_minutes,
            listed_at: None,
            mappings: BTreeMap::new(),
            urls: HashMap::new(),
            streams_settled: None,
            usage,
        }
    }

    fn problem(&self, scope: &str, e: AwsError, now: DateTime<Utc>) -> SourceEvent {
        e.problem(&self.name, format!("{} {scope}", self.region), now)
    }

    fn resolved(&self, scope: &str) -> SourceEvent {
        super::errors::resolved(&self.name, format!("{} {scope}", self.region))
    }

    async fn url(&mut self, arn: &str) -> Result<String, AwsError> {
        if let Some(u) = self.urls.get(arn) {
            return Ok(u.clone());
        }
        let (account, name) = queue_of(arn)
            .ok_or_else(|| AwsError::new(crate::store::ProblemKind::Service, "not a queue ARN"))?;
        let out = self
            .sqs
            .get_queue_url()
            .queue_name(name)
            .queue_owner_aws_account_id(account)
            .send()
            .await
            .map_err(|e| classify("GetQueueUrl", &e))?;
        let url = out.queue_url().unwrap_or_default().to_string();
        self.urls.insert(arn.to_string(), url.clone());
        Ok(url)
    }

    /// Messages waiting in the queue `arn`, and its redrive dead-letter queue.
    async fn attributes(&mut self, arn: &str) -> Result<(Option<u64>, Option<String>), AwsError> {
        let url = self.url(arn).await?;
        let out = self
            .sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::RedrivePolicy)
            .send()
            .await
            .map_err(|e| classify("GetQueueAttributes", &e))?;
        let a = out.attributes();
        let visible = a
            .and_then(|a| a.get(&QueueAttributeName::ApproximateNumberOfMessages))
            .and_then(|v| v.parse().ok());
        let dead_letter = a
            .and_then(|a| a.get(&QueueAttributeName::RedrivePolicy))
            .and_then(|p| dead_letter_of(p));
        Ok((visible, dead_letter))
    }

    /// The oldest message's age of each queue, the newest minute's.
    async fn oldest_ages(
        &self,
        queues: &[String],
        current: Minute,
    ) -> Result<HashMap<String, f64>, AwsError> {
        use aws_sdk_cloudwatch::types::{
            Dimension, Metric as CwMetric, MetricDataQuery, MetricStat,
        };
        let queries: Vec<MetricDataQuery> = queues
            .iter()
            .enumerate()
            .filter_map(|(i, arn)| {
                let (_, name) = queue_of(arn)?;
                let metric = CwMetric::builder()
                    .namespace("AWS/SQS")
                    .metric_name("ApproximateAgeOfOldestMessage")
                    .dimensions(Dimension::builder().name("QueueName").value(name).build())
                    .build();
                Some(
                    MetricDataQuery::builder()
                        .id(format!("q{i}"))
                        .metric_stat(
                            MetricStat::builder()
                                .metric(metric)
                                .period(60)
                                .stat("Maximum")
                                .build(),
                        )
                        .return_data(true)
                        .build(),
                )
            })
            .collect();
        let mut out = HashMap::new();
        if queries.is_empty() {
            return Ok(out);
        }
        let range = MinuteRange::new(current.minus(QUEUE_MINUTES), current);
        let answer = run(&self.cloudwatch, queries, range).await?;
        for (i, arn) in queues.iter().enumerate() {
            let newest = answer
                .values
                .get(&format!("q{i}"))
                .and_then(|v| v.iter().max_by_key(|(m, _)| **m))
                .map(|(_, v)| *v);
            if let Some(v) = newest {
                out.insert(arn.clone(), v);
            }
        }
        Ok(out)
    }

    /// Each SQS mapping's backlog and its dead-letter queue's.
    async fn read_queues(&mut self, now: DateTime<Utc>, events: &mut Vec<SourceEvent>) {
        let queues: BTreeSet<String> = self
            .mappings
            .values()
            .flatten()
            .filter(|m| m.kind == SourceType::Sqs)
            .map(|m| m.arn.clone())
            .collect();
        if queues.is_empty() {
            return;
        }
        let mut read: HashMap<String, (Option<u64>, Option<String>)> = HashMap::new();
        let mut failure = None;
        for q in &queues {
            match self.attributes(q).await {
                Ok(a) => {
                    read.insert(q.clone(), a);
                }
                Err(e) => failure = Some(e),
            }
        }
        let dead_letters: BTreeSet<String> = read.values().filter_map(|(_, d)| d.clone()).collect();
        let mut dlq_visible: HashMap<String, Option<u64>> = HashMap::new();
        for d in &dead_letters {
            match self.attributes(d).await {
                Ok((v, _)) => {
                    dlq_visible.insert(d.clone(), v);
                }
                Err(e) => failure = Some(e),
            }
        }
        let all: Vec<String> = queues.iter().chain(&dead_letters).cloned().collect();
        let ages = match self.oldest_ages(&all, Minute::of(now)).await {
            Ok(a) => a,
            Err(e) => {
                failure = Some(e);
                HashMap::new()
            }
        };
        for m in self.mappings.values_mut().flatten() {
            if m.kind != SourceType::Sqs {
                continue;
            }
            let Some((visible, dead_letter)) = read.get(&m.arn) else {
                continue;
            };
            m.backlog = Some(Backlog {
                visible: *visible,
                oldest_age_s: ages.get(&m.arn).copied(),
            });
            m.dead_letter = dead_letter.as_ref().map(|d| {
                let backlog = Backlog {
                    visible: dlq_visible.get(d).copied().flatten(),
                    oldest_age_s: ages.get(d).copied(),
                };
                (d.clone(), backlog)
            });
        }
        match failure {
            Some(e) => events.push(self.problem("queues", e, now)),
            None => events.push(self.resolved("queues")),
        }
    }

    /// How far behind their streams the stream consumers read.
    async fn read_streams(&mut self, now: DateTime<Utc>, events: &mut Vec<SourceEvent>) {
        let functions: Vec<String> = self
            .mappings
            .iter()
            .filter(|(_, ms)| ms.iter().any(|m| m.kind.is_stream()))
            .map(|(f, _)| f.clone())
            .collect();
        if functions.is_empty() {
            return;
        }
        let current = Minute::of(now);
        let oldest = current.minus(i64::from(self.history_minutes));
        let range = MinuteRange::new(
            self.streams_settled.map_or(oldest, |s| {
                s.minus(super::plan::OVERLAP_MINUTES - 1).max(oldest)
            }),
            current,
        );
        let settled = current.minus(super::plan::SETTLE_MINUTES);
        let fetched = fetch_group(
            &self.cloudwatch,
            &self.region,
            &functions,
            &STREAM_QUERIES,
            &Metric::STREAM,
            range,
            settled,
        )
        .await;
        match fetched {
            Ok(read) => {
                // One mark for all of them: it moves on only when every query was answered.
                if read.unread.is_empty() {
                    self.streams_settled = Some(settled);
                }
                events.extend(read.updates.into_iter().map(SourceEvent::Metrics));
                events.push(match read.failure {
                    Some(e) => self.problem("streams", e, now),
                    None => self.resolved("streams"),
                });
            }
            Err(e) => events.push(self.problem("streams", e, now)),
        }
    }

    async fn poll_at(&mut self, now: DateTime<Utc>) -> Vec<SourceEvent> {
        let mut events = Vec::new();
        let due = self.listed_at.is_none_or(|at| now - at >= self.list_every);
        if due {
            match list(&self.lambda).await {
                Ok(mut listed) => {
                    // Backlogs stay until read again.
                    for (f, ms) in &mut listed {
                        for m in ms {
                            let old = self
                                .mappings
                                .get(f)
                                .and_then(|o| o.iter().find(|x| x.uuid == m.uuid));
                            if let Some(old) = old {
                                m.backlog = old.backlog.clone();
                                m.dead_letter = old.dead_letter.clone();
                            }
                        }
                    }
                    self.mappings = listed;
                    self.listed_at = Some(now);
                    events.push(self.resolved("event sources"));
                }
                Err(e) => {
                    events.push(self.problem("event sources", e, now));
                    if self.listed_at.is_none() {
                        events.push(SourceEvent::ApiUsage(self.usage.snapshot()));
                        return events;
                    }
                }
            }
        }
        self.read_queues(now, &mut events).await;
        self.read_streams(now, &mut events).await;
        events.push(SourceEvent::EventSources {
            region: self.region.clone(),
            by_function: Box::new(self.mappings.clone()),
        });
        events.push(SourceEvent::ApiUsage(self.usage.snapshot()));
        events
    }
}

impl Source for MappingSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn cadence(&self) -> Duration {
        self.cadence
    }

    /// Shown with problems of their own when they fail: they say nothing of the figures' age.
    fn tracks_status(&self) -> bool {
        false
    }

    fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
        Box::pin(self.poll_at(now))
    }

    fn forget_cached(&mut self) {
        self.listed_at = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_arns_and_the_redrive_policy() {
        assert_eq!(
            function_of("arn:aws:lambda:us-east-1:123456789012:function:orders-worker:live"),
            Some("orders-worker")
        );
        assert_eq!(
            function_of("arn:aws:lambda:us-east-1:123456789012:function:orders-worker"),
            Some("orders-worker")
        );
        assert_eq!(
            queue_of("arn:aws:sqs:us-east-1:123456789012:orders"),
            Some(("123456789012", "orders"))
        );
        assert_eq!(
            dead_letter_of(
                r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:orders-dlq","maxReceiveCount":5}"#
            )
            .as_deref(),
            Some("arn:aws:sqs:us-east-1:123456789012:orders-dlq")
        );
        assert_eq!(dead_letter_of("not json"), None);
    }
}
