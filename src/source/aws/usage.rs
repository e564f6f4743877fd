//! The dashboard's own AWS bill: every request it makes, counted by service and operation as
//! it goes out (retries included, as each is a request), with the metrics GetMetricData is
//! billed for and the minutes Live Tail sessions stream. One interceptor serves every client;
//! sources report the running totals, which the store keeps.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

/// GetMetricData: $0.01 per 1,000 metrics requested.
pub const USD_PER_METRIC: f64 = 0.01 / 1000.0;
/// Cost Explorer: $0.01 per API request.
pub const USD_PER_COST_EXPLORER_REQUEST: f64 = 0.01;
/// The service name the SDK gives Cost Explorer's operations.
const COST_EXPLORER: &str = "Cost Explorer";
/// Live Tail: $0.01 per session-minute.
pub const USD_PER_LIVE_TAIL_MINUTE: f64 = 0.01;

/// Requests of one operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OperationUsage {
    pub requests: u64,
    /// Metrics requested (GetMetricData queries), which CloudWatch bills for.
    pub metrics: u64,
}

/// Everything asked of AWS so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApiUsage {
    /// By (service, operation).
    pub operations: BTreeMap<(String, String), OperationUsage>,
    pub live_tail_minutes: f64,
}

impl ApiUsage {
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

    /// What these requests cost: billed metrics, Cost Explorer requests and Live Tail minutes
    /// (ListFunctions, GetResources, FilterLogEvents and GetAccountSettings are not billed per
    /// request).
    pub fn est_cost_usd(&self) -> f64 {
        self.metrics() as f64 * USD_PER_METRIC
            + self.cost_explorer_requests() as f64 * USD_PER_COST_EXPLORER_REQUEST
            + self.live_tail_minutes * USD_PER_LIVE_TAIL_MINUTE
    }
}

/// The running count, shared by every client of an account.
#[derive(Debug, Clone, Default)]
pub struct UsageCounter(Arc<Mutex<ApiUsage>>);

impl UsageCounter {
    pub fn snapshot(&self) -> ApiUsage {
        self.0.lock().map(|u| u.clone()).unwrap_or_default()
    }

    fn record(&self, service: &str, operation: &str, metrics: u64) {
        if let Ok(mut u) = self.0.lock() {
            let o = u
                .operations
                .entry((service.to_string(), operation.to_string()))
                .or_default();
            o.requests += 1;
            o.metrics += metrics;
        }
    }

    pub fn add_live_tail_minutes(&self, minutes: f64) {
        if let Ok(mut u) = self.0.lock() {
            u.live_tail_minutes += minutes;
        }
    }
}

/// How many metrics the request being made asks for.
#[derive(Debug, Clone)]
struct MetricsAsked(u64);

impl Storable for MetricsAsked {
    type Storer = StoreReplace<Self>;
}

/// Counts each request a client sends.
#[derive(Debug, Clone)]
pub struct CountRequests(pub UsageCounter);

impl Intercept for CountRequests {
    fn name(&self) -> &'static str {
        "CountRequests"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataInput;
        if let Some(input) = context.input().downcast_ref::<GetMetricDataInput>() {
            let n = input.metric_data_queries().len() as u64;
            cfg.interceptor_state().store_put(MetricsAsked(n));
        }
        Ok(())
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(md) = cfg.load::<Metadata>() {
            let metrics = cfg.load::<MetricsAsked>().map_or(0, |m| m.0);
            self.0.record(md.service(), md.name(), metrics);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bill_counts_metrics_and_live_tail_minutes() {
        let c = UsageCounter::default();
        c.record("CloudWatch", "GetMetricData", 500);
        c.record("CloudWatch", "GetMetricData", 250);
        c.record("Lambda", "ListFunctions", 0);
        c.record("Cost Explorer", "GetCostAndUsage", 0);
        c.add_live_tail_minutes(3.0);
        let u = c.snapshot();
        assert_eq!((u.requests(), u.metrics()), (4, 750));
        assert!((u.est_cost_usd() - (0.0075 + 0.01 + 0.03)).abs() < 1e-12);
    }
}
