//! Asynchronous invocation of a region's functions: which functions are invoked
//! asynchronously, and their queue figures. Lambda publishes `AsyncEventsReceived`,
//! `AsyncEventAge`, `AsyncEventsDropped`, `DeadLetterErrors` and `DestinationDeliveryFailures`
//! only for functions that receive asynchronous events (Lambda Developer Guide, *Types of
//! metrics for Lambda functions*: asynchronous invocation metrics), so those functions are
//! found with ListMetrics first (`RecentlyActive=PT3H`: metrics with data in the last three
//! hours, CloudWatch API Reference, *ListMetrics*) rather than asking for every function.

use std::collections::{BTreeSet, HashMap};

use aws_sdk_cloudwatch::types::{Dimension, DimensionFilter, RecentlyActive};

use super::errors::{AwsError, classify};
use super::metrics::{MAX_QUERIES, lambda_query, run};
use crate::source::MetricUpdate;
use crate::store::{FunctionKey, Metric, Minute, MinuteRange};

/// The CloudWatch names and statistics of `Metric::ASYNC`, in its order.
const QUERIES: [(&str, &str); 5] = [
    ("AsyncEventsReceived", "Sum"),
    ("AsyncEventAge", "Maximum"),
    ("AsyncEventsDropped", "Sum"),
    ("DeadLetterErrors", "Sum"),
    ("DestinationDeliveryFailures", "Sum"),
];

/// The functions of the region that received asynchronous events in the last three hours.
pub async fn functions(client: &aws_sdk_cloudwatch::Client) -> Result<Vec<String>, AwsError> {
    let mut out = BTreeSet::new();
    let mut pages = client
        .list_metrics()
        .namespace("AWS/Lambda")
        .metric_name("AsyncEventsReceived")
        .dimensions(DimensionFilter::builder().name("FunctionName").build())
        .recently_active(RecentlyActive::Pt3H)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListMetrics", &e))?;
        for m in page.metrics() {
            // Per function only: the same metric per version or alias (`Resource`) repeats it.
            let dims: Vec<&Dimension> = m.dimensions().iter().collect();
            if let [d] = dims.as_slice()
                && d.name() == Some("FunctionName")
                && let Some(name) = d.value()
            {
                out.insert(name.to_string());
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// The five figures of `functions` over `range`, each function's minutes up to `settled`
/// complete: there a missing sum is a zero, a missing age unknown.
pub async fn fetch(
    client: &aws_sdk_cloudwatch::Client,
    region: &str,
    functions: &[String],
    range: MinuteRange,
    settled: Minute,
) -> Result<Vec<MetricUpdate>, AwsError> {
    let mut queries = Vec::with_capacity(functions.len() * QUERIES.len());
    for (f, name) in functions.iter().enumerate() {
        for (q, (metric, stat)) in QUERIES.iter().enumerate() {
            queries.push(lambda_query(
                &format!("a{f}_{q}"),
                metric,
                &[("FunctionName", name)],
                stat,
            ));
        }
    }
    let mut answers: HashMap<String, HashMap<Minute, f64>> = HashMap::new();
    let mut failed: BTreeSet<usize> = BTreeSet::new();
    for batch in queries.chunks(MAX_QUERIES) {
        let answer = run(client, batch.to_vec(), range).await?;
        for id in answer.failed.keys() {
            if let Some(f) = id
                .strip_prefix('a')
                .and_then(|r| r.split_once('_'))
                .and_then(|(f, _)| f.parse().ok())
            {
                failed.insert(f);
            }
        }
        answers.extend(answer.values);
    }
    let mut updates = Vec::new();
    for (f, name) in functions.iter().enumerate() {
        // A query that failed leaves the function's minutes alone, to be read again.
        if failed.contains(&f) {
            continue;
        }
        let key = FunctionKey::new(region, name.as_str());
        for (q, metric) in Metric::ASYNC.into_iter().enumerate() {
            let got = answers.get(&format!("a{f}_{q}"));
            let sum = metric != Metric::AsyncAgeMax;
            let points = range
                .iter()
                .filter_map(|m| match got.and_then(|g| g.get(&m)) {
                    Some(v) => Some((m, Some(*v))),
                    None if m <= settled && sum => Some((m, Some(0.0))),
                    None if m <= settled => Some((m, None)),
                    None => None,
                })
                .collect();
            updates.push(MetricUpdate {
                key: key.clone(),
                metric,
                points,
                settled: None,
            });
        }
    }
    Ok(updates)
}

/// Event-invoke configurations read a poll: each is one control-plane request.
pub const CONFIGS_PER_INVENTORY: usize = 20;

/// Where function `name`'s failed asynchronous events go: the on-failure destination of its
/// event-invoke configurations (Lambda API Reference, *ListFunctionEventInvokeConfigs*), the
/// unqualified function's first, else any version's or alias's.
pub async fn on_failure_of(
    client: &aws_sdk_lambda::Client,
    name: &str,
) -> Result<Option<String>, AwsError> {
    let mut found: Vec<(bool, String)> = Vec::new();
    let mut pages = client
        .list_function_event_invoke_configs()
        .function_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListFunctionEventInvokeConfigs", &e))?;
        for c in page.function_event_invoke_configs() {
            let Some(to) = c
                .destination_config()
                .and_then(|d| d.on_failure())
                .and_then(|o| o.destination())
                .filter(|d| !d.is_empty())
            else {
                continue;
            };
            // `arn:…:function:NAME` is the function itself; `…:NAME:QUALIFIER` a version or
            // alias.
            let unqualified = c
                .function_arn()
                .is_some_and(|arn| arn.ends_with(&format!(":function:{name}")));
            found.push((unqualified, to.to_string()));
        }
    }
    found.sort_by_key(|(unqualified, _)| !unqualified);
    Ok(found.into_iter().next().map(|(_, to)| to))
}
