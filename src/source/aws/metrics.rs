//! CloudWatch metrics of one region's functions through GetMetricData: at most 500 queries a
//! request, one-minute periods. The base statistics (sums, average, maximum) and the p99 go in
//! separate requests, so that a failure of percentiles (some endpoints refuse them) leaves the
//! rest intact. Each failed request is reported on its own; the others still count.
//!
//! CloudWatch publishes no datapoint for a minute in which a function did nothing, so a queried
//! minute without a datapoint is a real zero for sums, and a gap for averages and maxima — but
//! only once the minute has settled. Lambda stamps a datapoint with the invocation's start and
//! sends it when the invocation ends ("if your function has a 10-minute timeout, look more than
//! 10 minutes in the past for accurate metrics", Lambda Developer Guide, *Viewing metrics*), so
//! each function settles after its own timeout (`plan::settle_minutes`): until then a missing
//! datapoint means "not yet", which must never be written as a zero, and the values there are
//! provisional.
//!
//! An answer of HTTP 200 can still hold failed queries: each `MetricDataResult` has its own
//! `StatusCode` (`Complete`, `PartialData`, `InternalError`, `Forbidden`) and `Messages`
//! (CloudWatch API Reference, *GetMetricData* and *MetricDataResult*). A query that did not end
//! `Complete` — after every page (`NextToken`) the paginator follows — leaves the store alone:
//! its minutes are neither written as zeros nor counted as read, and it is reported.

use std::collections::HashMap;

use aws_sdk_cloudwatch::types::{
    Dimension, Metric as CwMetric, MetricDataQuery, MetricDataResult, MetricStat, ScanBy,
    StatusCode,
};
use aws_smithy_types::DateTime as SmithyTime;

use super::errors::{AwsError, classify};
use crate::source::MetricUpdate;
use crate::store::{FunctionKey, Metric, Minute, MinuteRange, ProblemKind};

/// The most queries CloudWatch accepts in one GetMetricData request.
pub const MAX_QUERIES: usize = 500;

/// A CloudWatch statistic the store keeps as one of its metrics.
#[derive(Debug, Clone, Copy)]
pub struct Stat {
    pub metric: Metric,
    pub cloudwatch_name: &'static str,
    pub statistic: &'static str,
    /// A sum: a missing settled minute is zero.
    pub sum: bool,
}

const fn stat(
    metric: Metric,
    cloudwatch_name: &'static str,
    statistic: &'static str,
    sum: bool,
) -> Stat {
    Stat {
        metric,
        cloudwatch_name,
        statistic,
        sum,
    }
}

/// The sums every poll can afford: what the error rate and the fleet's totals come from.
pub const SUMS: [Stat; 3] = [
    stat(Metric::Invocations, "Invocations", "Sum", true),
    stat(Metric::Errors, "Errors", "Sum", true),
    stat(Metric::Throttles, "Throttles", "Sum", true),
];

/// The shape of the load: average duration and peak concurrency.
pub const SHAPE: [Stat; 2] = [
    stat(Metric::DurationAvg, "Duration", "Average", false),
    stat(
        Metric::ConcurrencyMax,
        "ConcurrentExecutions",
        "Maximum",
        false,
    ),
];

pub const P99: [Stat; 1] = [stat(Metric::DurationP99, "Duration", "p99", false)];

/// What one fetch brought: updates for the store and the failures of individual requests.
#[derive(Debug, Default)]
pub struct Fetched {
    pub updates: Vec<MetricUpdate>,
    pub failures: Vec<AwsError>,
    /// Functions a query of which failed (inside an answer, or with its whole request): their
    /// minutes are not all read, so they must be read again, and are not settled.
    pub unread: std::collections::HashSet<String>,
    pub requests: usize,
    /// Metrics requested, for the bill: CloudWatch charges per metric.
    pub metrics_requested: usize,
}

fn query(id: String, function: &str, s: &Stat, period: i32) -> MetricDataQuery {
    lambda_query_over(
        &id,
        s.cloudwatch_name,
        &[("FunctionName", function)],
        s.statistic,
        period,
    )
}

fn minute_of(t: &SmithyTime) -> Minute {
    Minute(t.secs().div_euclid(60))
}

/// Fetches `stats` of `functions` in `region` over `range`. Each function's minutes up to its
/// own `settled` minute (same index) are complete in CloudWatch; the later ones are provisional.
pub async fn fetch(
    client: &aws_sdk_cloudwatch::Client,
    region: &str,
    functions: &[String],
    settled: &[Minute],
    stats: &[Stat],
    range: MinuteRange,
) -> Fetched {
    let mut fetched = Fetched::default();
    // Query ids: q<function index>_<stat index>; CloudWatch wants ^[a-z][a-zA-Z0-9_]*$.
    let pairs: Vec<(usize, usize)> = (0..functions.len())
        .flat_map(|f| (0..stats.len()).map(move |s| (f, s)))
        .collect();
    for batch in pairs.chunks(MAX_QUERIES) {
        let queries: Vec<MetricDataQuery> = batch
            .iter()
            .map(|&(f, s)| query(format!("q{f}_{s}"), &functions[f], &stats[s], 60))
            .collect();
        fetched.requests += 1;
        fetched.metrics_requested += queries.len();
        match run(client, queries, range).await {
            Ok(answer) => {
                if let Some(e) = answer.failure(batch.len()) {
                    fetched.failures.push(e);
                }
                for &(f, s) in batch {
                    let id = format!("q{f}_{s}");
                    if answer.failed.contains_key(&id) {
                        fetched.unread.insert(functions[f].clone());
                        continue;
                    }
                    let got = answer.values.get(&id);
                    fetched.updates.push(update(
                        FunctionKey::new(region, &functions[f]),
                        &stats[s],
                        got,
                        range,
                        settled[f],
                    ));
                }
            }
            Err(e) => {
                fetched
                    .unread
                    .extend(batch.iter().map(|&(f, _)| functions[f].clone()));
                fetched.failures.push(e);
            }
        }
    }
    // A function not read whole is not settled by what was read of it: the minutes its
    // failed query left unknown stay provisional until they are read.
    for u in &mut fetched.updates {
        if fetched.unread.contains(&u.key.name) {
            u.settled = None;
        }
    }
    fetched
}

/// What a read of a group of figures brought: the updates of the functions read whole, the
/// functions a query of which failed (left alone, to be read again: their marks must not move
/// on), and the failure, for the problem line.
#[derive(Debug, Default)]
pub struct GroupRead {
    pub updates: Vec<MetricUpdate>,
    pub unread: Vec<String>,
    pub failure: Option<AwsError>,
}

/// Provisioned-concurrency figures of the functions that have some, per version or alias
/// (CloudWatch publishes them with the `FunctionName` and `Resource` dimensions, Lambda
/// Developer Guide, *Types of metrics*; `Resource` names the function and its qualifier,
/// `NAME:QUALIFIER`, as for every per-version figure): the busiest qualifier's utilization
/// and the sum of spillover invocations, for each function over `range`.
pub async fn fetch_provisioned(
    client: &aws_sdk_cloudwatch::Client,
    region: &str,
    functions: &[(String, Vec<String>)],
    range: MinuteRange,
    settled: Minute,
) -> Result<GroupRead, AwsError> {
    let query_of = |id: String, name: &str, qualifier: &str, metric: &str, stat: &str| {
        let resource = format!("{name}:{qualifier}");
        lambda_query(
            &id,
            metric,
            &[("FunctionName", name), ("Resource", resource.as_str())],
            stat,
        )
    };
    let mut queries = Vec::new();
    let mut of_query: Vec<(usize, bool)> = Vec::new();
    for (f, (name, qualifiers)) in functions.iter().enumerate() {
        for q in qualifiers {
            let n = of_query.len();
            queries.push(query_of(
                format!("u{n}"),
                name,
                q,
                "ProvisionedConcurrencyUtilization",
                "Maximum",
            ));
            of_query.push((f, false));
            let n = of_query.len();
            queries.push(query_of(
                format!("u{n}"),
                name,
                q,
                "ProvisionedConcurrencySpilloverInvocations",
                "Sum",
            ));
            of_query.push((f, true));
        }
    }
    let mut updates = Vec::new();
    let mut per_function: Vec<[HashMap<Minute, f64>; 2]> =
        vec![Default::default(); functions.len()];
    let mut failed: Vec<bool> = vec![false; functions.len()];
    let mut failure = None;
    for (batch, offset) in queries.chunks(MAX_QUERIES).zip((0..).step_by(MAX_QUERIES)) {
        let answer = run(client, batch.to_vec(), range).await?;
        failure = failure.or(answer.failure(batch.len()));
        for (i, &(f, spill)) in of_query.iter().enumerate().skip(offset).take(batch.len()) {
            let id = format!("u{i}");
            if answer.failed.contains_key(&id) {
                failed[f] = true;
                continue;
            }
            for (m, v) in answer.values.get(&id).into_iter().flatten() {
                let slot = per_function[f][usize::from(spill)].entry(*m).or_default();
                *slot = if spill { *slot + v } else { slot.max(*v) };
            }
        }
    }
    let mut unread = Vec::new();
    for (f, (name, _)) in functions.iter().enumerate() {
        if failed[f] {
            unread.push(name.clone());
            continue;
        }
        let key = FunctionKey::new(region, name);
        for (k, metric) in Metric::PROVISIONED.into_iter().enumerate() {
            // Utilization is a fraction: ".5 indicates that 50 percent of allocated provisioned
            // concurrency is in use" (Lambda Developer Guide, *Types of metrics*). A settled
            // minute without spillover had none; utilization is unknown.
            let points = settled_points(
                Some(&per_function[f][k]),
                range,
                settled,
                metric == Metric::Spillover,
            );
            updates.push(MetricUpdate {
                key: key.clone(),
                metric,
                points,
                settled: None,
            });
        }
    }
    Ok(GroupRead {
        updates,
        unread,
        failure,
    })
}

/// Per-function figures of a group of the store's lazily kept metrics (`metrics`, asked as
/// `queries`: CloudWatch name and statistic, in the same order) over `range`; each function's
/// minutes up to `settled` are complete: there a missing sum is a zero, a missing maximum
/// unknown. A function whose query failed is left alone, to be read again.
pub async fn fetch_group(
    client: &aws_sdk_cloudwatch::Client,
    region: &str,
    functions: &[String],
    queries: &[(&str, &str)],
    metrics: &[Metric],
    range: MinuteRange,
    settled: Minute,
) -> Result<GroupRead, AwsError> {
    let mut asked = Vec::with_capacity(functions.len() * queries.len());
    for (f, name) in functions.iter().enumerate() {
        for (q, (metric, stat)) in queries.iter().enumerate() {
            asked.push(lambda_query(
                &format!("g{f}_{q}"),
                metric,
                &[("FunctionName", name)],
                stat,
            ));
        }
    }
    let mut answers: HashMap<String, HashMap<Minute, f64>> = HashMap::new();
    let mut failed: Vec<bool> = vec![false; functions.len()];
    let mut failure = None;
    for batch in asked.chunks(MAX_QUERIES) {
        let answer = run(client, batch.to_vec(), range).await?;
        failure = failure.or(answer.failure(batch.len()));
        for id in answer.failed.keys() {
            let f = id
                .strip_prefix('g')
                .and_then(|r| r.split_once('_'))
                .and_then(|(f, _)| f.parse::<usize>().ok());
            if let Some(f) = f.filter(|f| *f < failed.len()) {
                failed[f] = true;
            }
        }
        answers.extend(answer.values);
    }
    let mut updates = Vec::new();
    let mut unread = Vec::new();
    for (f, name) in functions.iter().enumerate() {
        if failed[f] {
            unread.push(name.clone());
            continue;
        }
        let key = FunctionKey::new(region, name.as_str());
        for (q, (&metric, (_, stat))) in metrics.iter().zip(queries).enumerate() {
            let got = answers.get(&format!("g{f}_{q}"));
            let points = settled_points(got, range, settled, *stat == "Sum");
            updates.push(MetricUpdate {
                key: key.clone(),
                metric,
                points,
                settled: None,
            });
        }
    }
    Ok(GroupRead {
        updates,
        unread,
        failure,
    })
}

/// The minutes (or buckets of a longer period) of `range` from what CloudWatch gave (`got`):
/// a settled one without a datapoint is a zero for a sum (nothing ran), unknown otherwise; a
/// provisional one without a datapoint is left alone, as it may still come.
pub fn settled_points(
    got: Option<&HashMap<Minute, f64>>,
    range: MinuteRange,
    settled: Minute,
    sum: bool,
) -> Vec<(Minute, Option<f64>)> {
    let last_of = |b: Minute| b.plus(i64::from(range.period()) - 1);
    range
        .iter()
        .filter_map(|b| match got.and_then(|g| g.get(&b)) {
            Some(v) => Some((b, Some(*v))),
            None if last_of(b) <= settled => Some((b, sum.then_some(0.0))),
            None => None,
        })
        .collect()
}

/// A one-minute query of the Lambda metric `name` with `dimensions` (none: the region as a
/// whole).
pub fn lambda_query(
    id: &str,
    name: &str,
    dimensions: &[(&str, &str)],
    stat: &str,
) -> MetricDataQuery {
    lambda_query_over(id, name, dimensions, stat, 60)
}

/// The same over periods of `period` seconds.
pub fn lambda_query_over(
    id: &str,
    name: &str,
    dimensions: &[(&str, &str)],
    stat: &str,
    period: i32,
) -> MetricDataQuery {
    let mut metric = CwMetric::builder()
        .namespace("AWS/Lambda")
        .metric_name(name);
    for (n, v) in dimensions {
        metric = metric.dimensions(Dimension::builder().name(*n).value(*v).build());
    }
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(
            MetricStat::builder()
                .metric(metric.build())
                .period(period)
                .stat(stat)
                .build(),
        )
        .return_data(true)
        .build()
}

/// Peak concurrent executions (all, unreserved and claimed), invocations, errors and
/// throttles of the region as a whole (the metrics without dimensions), in one request of six
/// queries.
pub async fn fetch_region(
    client: &aws_sdk_cloudwatch::Client,
    range: MinuteRange,
    settled: Minute,
) -> Result<RegionFigures, AwsError> {
    let region_query = |id: &str, name: &str, stat: &str| lambda_query(id, name, &[], stat);
    let queries = vec![
        region_query("region", "ConcurrentExecutions", "Maximum"),
        // The pools that throttle: unreserved functions share what reservations leave
        // (Lambda Developer Guide, *Monitoring concurrency*).
        region_query("unreserved", "UnreservedConcurrentExecutions", "Maximum"),
        region_query("claimed", "ClaimedAccountConcurrency", "Maximum"),
        region_query("invocations", "Invocations", "Sum"),
        region_query("errors", "Errors", "Sum"),
        region_query("throttles", "Throttles", "Sum"),
    ];
    let answer = run(client, queries, range).await?;
    let values = &answer.values;
    let mut failures: HashMap<Minute, f64> = HashMap::new();
    for id in ["errors", "throttles"] {
        for (m, v) in values.get(id).into_iter().flatten() {
            *failures.entry(*m).or_default() += v;
        }
    }
    // A settled minute without a datapoint is known to be empty; a newer one may yet come. A
    // query that failed gives no points at all.
    let points = |id: &str| -> Points {
        if answer.failed.contains_key(id) {
            return Vec::new();
        }
        let got = values.get(id);
        range
            .iter()
            .filter_map(|m| match got.and_then(|v| v.get(&m)) {
                Some(v) => Some((m, Some(*v))),
                None if m <= settled => Some((m, None)),
                None => None,
            })
            .collect()
    };
    Ok(RegionFigures {
        concurrency: points("region"),
        unreserved: points("unreserved"),
        claimed: points("claimed"),
        sums: vec![
            (Metric::Invocations, points("invocations")),
            (Metric::Errors, points("errors")),
            (Metric::Throttles, points("throttles")),
        ],
        failures,
        failure: answer.failure(6),
    })
}

/// Minutes with their value, or `None` for a minute known to have no data.
pub type Points = Vec<(Minute, Option<f64>)>;

/// The region as a whole, minute by minute.
#[derive(Debug, Default)]
pub struct RegionFigures {
    /// Peak concurrent executions.
    pub concurrency: Points,
    /// Peak executions of functions without reserved concurrency.
    pub unreserved: Points,
    /// Peak unreserved executions plus every reservation and provisioned allocation.
    pub claimed: Points,
    /// Invocations, errors and throttles of all its functions together.
    pub sums: Vec<(Metric, Points)>,
    /// Errors and throttles of all its functions together.
    pub failures: HashMap<Minute, f64>,
    /// The queries that failed inside the answer, if any (their series are left out).
    pub failure: Option<AwsError>,
}

/// One GetMetricData answer, every page: values by query id and minute, and the queries
/// whose own status says they failed.
#[derive(Debug, Default)]
pub struct Answer {
    pub values: HashMap<String, HashMap<Minute, f64>>,
    pub failed: HashMap<String, AwsError>,
}

impl Answer {
    /// One error for the failed queries of a request of `asked` queries, if any failed.
    fn failure(&self, asked: usize) -> Option<AwsError> {
        let mut ids: Vec<&String> = self.failed.keys().collect();
        ids.sort();
        let first = &self.failed[*ids.first()?];
        let kind = first.kind;
        let message = format!(
            "GetMetricData: {} of {asked} queries failed ({})",
            ids.len(),
            first.message
        );
        Some(AwsError::new(kind, message))
    }
}

/// What went wrong with one query of an answer, if it did not end `Complete`.
fn query_failure(result: &MetricDataResult) -> Option<AwsError> {
    let (kind, status) = match result.status_code() {
        None | Some(StatusCode::Complete) => return None,
        Some(StatusCode::Forbidden) => (ProblemKind::AccessDenied, "Forbidden"),
        Some(StatusCode::PartialData) => (ProblemKind::Service, "PartialData"),
        Some(StatusCode::InternalError) => (ProblemKind::Service, "InternalError"),
        Some(other) => (ProblemKind::Service, other.as_str()),
    };
    let said: Vec<String> = result
        .messages()
        .iter()
        .filter_map(|m| m.value().or(m.code()))
        .map(str::to_string)
        .collect();
    let message = if said.is_empty() {
        status.to_string()
    } else {
        format!("{status}: {}", said.join("; "))
    };
    Some(AwsError::new(kind, message))
}

/// One GetMetricData request over `range`'s buckets, every page (the paginator follows
/// `NextToken`, which a `PartialData` answer carries): values by query id and bucket, and what
/// each query's last status said.
pub async fn run(
    client: &aws_sdk_cloudwatch::Client,
    queries: Vec<MetricDataQuery>,
    range: MinuteRange,
) -> Result<Answer, AwsError> {
    let mut answer = Answer::default();
    let mut pages = client
        .get_metric_data()
        .set_metric_data_queries(Some(queries))
        .start_time(SmithyTime::from_secs(range.first.0 * 60))
        .end_time(SmithyTime::from_secs((range.last_minute().0 + 1) * 60))
        .scan_by(ScanBy::TimestampAscending)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("GetMetricData", &e))?;
        for result in page.metric_data_results() {
            let Some(id) = result.id() else { continue };
            // The last page's word on a query is its status: a later page completes it.
            match query_failure(result) {
                Some(e) => answer.failed.insert(id.to_string(), e),
                None => answer.failed.remove(id),
            };
            let series = answer.values.entry(id.to_string()).or_default();
            // A datapoint is stamped with its period's start: the bucket it is.
            for (t, v) in result.timestamps().iter().zip(result.values()) {
                series.insert(minute_of(t).floor(range.period()), *v);
            }
        }
    }
    Ok(answer)
}

/// The store update of one function's statistic over `range`.
fn update(
    key: FunctionKey,
    s: &Stat,
    values: Option<&HashMap<Minute, f64>>,
    range: MinuteRange,
    settled: Minute,
) -> MetricUpdate {
    let mut points = Vec::with_capacity(range.len());
    for m in range.iter() {
        match values.and_then(|v| v.get(&m)) {
            Some(v) => points.push((m, Some(*v))),
            // Settled and silent: nothing ran (a zero sum, no duration or concurrency).
            None if m <= settled => points.push((m, if s.sum { Some(0.0) } else { None })),
            // Not settled yet: leave whatever the store has.
            None => {}
        }
    }
    MetricUpdate {
        key,
        metric: s.metric,
        points,
        settled: Some(settled),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silent_settled_minutes_are_zero_sums_and_gaps_otherwise() {
        let range = MinuteRange::ending_at(Minute(100), 5);
        let values = HashMap::from([(Minute(97), 4.0)]);
        let key = FunctionKey::new("r", "f");
        let sums = update(key.clone(), &SUMS[0], Some(&values), range, Minute(98));
        assert_eq!(
            sums.points,
            vec![
                (Minute(96), Some(0.0)),
                (Minute(97), Some(4.0)),
                (Minute(98), Some(0.0))
            ],
            "99 and 100 are not settled: left alone"
        );
        assert_eq!(sums.settled, Some(Minute(98)), "99 and 100 are provisional");
        let avg = update(key, &SHAPE[0], Some(&values), range, Minute(98));
        assert_eq!(avg.points[0], (Minute(96), None));
        assert_eq!(avg.points[1], (Minute(97), Some(4.0)));
    }
}
