//! What the dashboard has asked of AWS so far, as plain running totals: requests by service
//! and operation, the metrics GetMetricData is billed for, Live Tail minutes, the bytes Logs
//! Insights scanned, and what they cost. The AWS interceptor that counts them lives with the
//! AWS source.

use std::collections::BTreeMap;

use super::pricing::{
    USD_PER_CLOUDWATCH_REQUEST, USD_PER_COST_EXPLORER_REQUEST, USD_PER_INSIGHTS_GB,
    USD_PER_LIVE_TAIL_MINUTE, USD_PER_METRIC, USD_PER_SQS_REQUEST,
};

/// The service name the SDK gives Cost Explorer's operations.
const COST_EXPLORER: &str = "Cost Explorer";
/// The service name the SDK gives CloudWatch's operations.
const CLOUDWATCH: &str = "CloudWatch";
/// The service name the SDK gives Amazon SQS's operations.
const SQS: &str = "SQS";

/// Requests of one operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OperationUsage {
    pub requests: u64,
    /// Metrics requested (GetMetricData queries), which CloudWatch bills for.
    pub metrics: u64,
}

/// Everything asked of AWS so far.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ApiUsage {
    /// By (service, operation).
    #[serde(with = "super::recording::pairs")]
    pub operations: BTreeMap<(String, String), OperationUsage>,
    pub live_tail_minutes: f64,
    /// Bytes Logs Insights queries scanned (their statistics' `bytesScanned`).
    pub insights_bytes_scanned: f64,
    /// The request budgets the account's calls went through, by region and API.
    #[serde(default)]
    pub paced: Vec<Paced>,
}

/// One API's budget in one region (`source/aws/pace.rs`): the rate it is paced at against
/// the documented one, and what throttling it met.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Paced {
    pub region: String,
    /// The signing name (`lambda`, `monitoring`, `logs`).
    pub service: String,
    /// `*`: every call of the service shares the budget (Lambda's control plane).
    pub operation: String,
    /// AWS's documented rate, requests a second; `None`: no page gives one.
    pub documented_per_second: Option<f64>,
    /// At most this many requests a second go; `None`: not paced.
    pub per_second: Option<f64>,
    /// Throttled answers so far.
    pub throttled: u64,
    /// While a throttle holds every request of it back: until when.
    pub held_until: Option<chrono::DateTime<chrono::Utc>>,
}

impl Paced {
    /// The budget's API in words: `Lambda eu-west-1`, `GetMetricData eu-west-1`.
    pub fn label(&self) -> String {
        let api = match (self.service.as_str(), self.operation.as_str()) {
            ("lambda", "*") => "Lambda",
            (_, "*") => self.service.as_str(),
            (_, op) => op,
        };
        format!("{api} {}", self.region)
    }
}

impl ApiUsage {
    /// Adds `other`'s requests to these: several accounts' bills as one.
    pub fn add(&mut self, other: &ApiUsage) {
        for (op, u) in &other.operations {
            let mine = self.operations.entry(op.clone()).or_default();
            mine.requests += u.requests;
            mine.metrics += u.metrics;
        }
        self.live_tail_minutes += other.live_tail_minutes;
        self.insights_bytes_scanned += other.insights_bytes_scanned;
        // A budget shared by several accounts (a monitoring account's) is one budget.
        for p in &other.paced {
            match self.paced.iter_mut().find(|q| {
                (&q.region, &q.service, &q.operation) == (&p.region, &p.service, &p.operation)
            }) {
                Some(q) => {
                    q.throttled = q.throttled.max(p.throttled);
                    q.held_until = q.held_until.max(p.held_until);
                }
                None => self.paced.push(p.clone()),
            }
        }
    }

    /// The budgets a throttle holds back at `now`.
    pub fn held_at(&self, now: chrono::DateTime<chrono::Utc>) -> impl Iterator<Item = &Paced> {
        self.paced
            .iter()
            .filter(move |p| p.held_until.is_some_and(|h| h > now))
    }

    pub fn requests(&self) -> u64 {
        self.operations.values().map(|o| o.requests).sum()
    }

    pub fn metrics(&self) -> u64 {
        self.operations.values().map(|o| o.metrics).sum()
    }

    /// Cost Explorer requests, billed one by one.
    pub fn cost_explorer_requests(&self) -> u64 {
        self.operations
            .iter()
            .filter(|((service, _), _)| service == COST_EXPLORER)
            .map(|(_, o)| o.requests)
            .sum()
    }

    /// CloudWatch requests billed by the request (DescribeAlarms, ListMetrics), not by the
    /// metric as GetMetricData is.
    pub fn cloudwatch_requests(&self) -> u64 {
        self.operations
            .iter()
            .filter(|((service, op), _)| service == CLOUDWATCH && op != "GetMetricData")
            .map(|(_, o)| o.requests)
            .sum()
    }

    /// Amazon SQS requests (GetQueueUrl, GetQueueAttributes).
    pub fn sqs_requests(&self) -> u64 {
        self.operations
            .iter()
            .filter(|((service, _), _)| service == SQS)
            .map(|(_, o)| o.requests)
            .sum()
    }

    /// What these requests cost: billed metrics, CloudWatch's other requests, SQS requests,
    /// Cost Explorer requests, Live Tail minutes and the bytes Logs Insights scanned
    /// (ListFunctions, GetResources, FilterLogEvents, DescribeLogGroups and GetAccountSettings
    /// are not billed per request).
    pub fn est_cost_usd(&self) -> f64 {
        self.metrics() as f64 * USD_PER_METRIC
            + self.cloudwatch_requests() as f64 * USD_PER_CLOUDWATCH_REQUEST
            + self.sqs_requests() as f64 * USD_PER_SQS_REQUEST
            + self.cost_explorer_requests() as f64 * USD_PER_COST_EXPLORER_REQUEST
            + self.live_tail_minutes * USD_PER_LIVE_TAIL_MINUTE
            + self.insights_bytes_scanned / 1e9 * USD_PER_INSIGHTS_GB
    }
}
