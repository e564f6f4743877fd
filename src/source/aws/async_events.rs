//! Asynchronous invocation of a region's functions: which functions are invoked
//! asynchronously, and their queue figures. Lambda publishes `AsyncEventsReceived`,
//! `AsyncEventAge`, `AsyncEventsDropped`, `DeadLetterErrors` and `DestinationDeliveryFailures`
//! only for functions that receive asynchronous events (Lambda Developer Guide, *Types of
//! metrics for Lambda functions*: asynchronous invocation metrics), so those functions are
//! found with ListMetrics first (`RecentlyActive=PT3H`: metrics with data in the last three
//! hours, CloudWatch API Reference, *ListMetrics*) rather than asking for every function.

use std::collections::BTreeSet;

use aws_sdk_cloudwatch::types::{Dimension, DimensionFilter, RecentlyActive};

use super::errors::{AwsError, classify};
use super::metrics::fetch_group;
use crate::source::MetricUpdate;
use crate::store::{Metric, Minute, MinuteRange};

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
    fetch_group(
        client,
        region,
        functions,
        &QUERIES,
        &Metric::ASYNC,
        range,
        settled,
    )
    .await
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
