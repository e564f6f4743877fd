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
use super::metrics::{GroupRead, fetch_group};
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
) -> Result<GroupRead, AwsError> {
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

/// How often a function invoked asynchronously that is neither on screen nor losing events
/// is read: as the sums of functions off screen are (`plan`), so that watching stays cheap.
const COLD_EVERY: chrono::Duration = chrono::Duration::minutes(10);
/// A function that lost events this recently is read every poll.
const HOT_MINUTES: i64 = 15;

/// Which asynchronous functions a poll reads: those on screen and those losing events every
/// poll, the others every ten minutes.
#[derive(Debug, Default)]
pub struct Plan {
    watched: BTreeSet<String>,
    /// The newest minute each lost events in, among what was read.
    lost_in: std::collections::HashMap<String, Minute>,
    read_at: std::collections::HashMap<String, chrono::DateTime<chrono::Utc>>,
    settled: std::collections::HashMap<String, Minute>,
}

impl Plan {
    pub fn watch(&mut self, names: impl Iterator<Item = String>) {
        self.watched = names.collect();
    }

    /// The functions of `all` due at `now`, and the oldest settled minute among them (`None`:
    /// one was never read).
    pub fn due(
        &self,
        all: &[String],
        now: chrono::DateTime<chrono::Utc>,
    ) -> (Vec<String>, Option<Minute>) {
        let current = Minute::of(now);
        let hot = |f: &String| {
            self.watched.contains(f)
                || self
                    .lost_in
                    .get(f)
                    .is_some_and(|m| current.0 - m.0 <= HOT_MINUTES)
        };
        let due: Vec<String> = all
            .iter()
            .filter(|f| {
                hot(f)
                    || self
                        .read_at
                        .get(*f)
                        .is_none_or(|at| now - *at >= COLD_EVERY)
            })
            .cloned()
            .collect();
        let oldest = due
            .iter()
            .map(|f| self.settled.get(f).copied())
            .min()
            .flatten();
        (due, oldest)
    }

    /// What a read of `functions` at `now` gave, settled up to `settled`.
    pub fn read(
        &mut self,
        functions: &[String],
        updates: &[MetricUpdate],
        now: chrono::DateTime<chrono::Utc>,
        settled: Minute,
    ) {
        for f in functions {
            self.read_at.insert(f.clone(), now);
            self.settled.insert(f.clone(), settled);
        }
        for u in updates {
            let lost = matches!(
                u.metric,
                Metric::AsyncDropped | Metric::DeadLetterErrors | Metric::DestinationFailures
            );
            let newest = u
                .points
                .iter()
                .filter(|(_, v)| lost && v.is_some_and(|x| x > 0.0))
                .map(|(m, _)| *m)
                .max();
            if let Some(m) = newest {
                let e = self.lost_in.entry(u.key.name.clone()).or_insert(m);
                *e = (*e).max(m);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn functions_on_screen_or_losing_events_are_read_every_poll_the_others_every_ten_minutes() {
        let all: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let mut plan = Plan::default();
        let t0 = Utc.with_ymd_and_hms(2026, 12, 4, 3, 0, 0).unwrap();
        let (due, oldest) = plan.due(&all, t0);
        assert_eq!((due.len(), oldest), (3, None), "all, the first time, whole");
        let lost = MetricUpdate {
            key: crate::store::FunctionKey::new("r", "b"),
            metric: Metric::AsyncDropped,
            points: vec![(Minute::of(t0).minus(3), Some(2.0))],
            settled: None,
        };
        plan.read(&all, &[lost], t0, Minute::of(t0).minus(3));
        plan.watch(["a".to_string()].into_iter());
        let later = t0 + chrono::Duration::minutes(1);
        let (due, oldest) = plan.due(&all, later);
        assert_eq!(due, ["a", "b"], "on screen, and losing events");
        assert_eq!(oldest, Some(Minute::of(t0).minus(3)));
        let (due, _) = plan.due(&all, t0 + chrono::Duration::minutes(10));
        assert_eq!(due, ["a", "b", "c"], "the rest every ten minutes");
    }
}
