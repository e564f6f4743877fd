//! The dashboard's own AWS bill: every request it makes, counted by service and operation as
//! it goes out (retries included, as each is a request), with the metrics GetMetricData is
//! billed for and the minutes Live Tail sessions stream. One interceptor serves every client;
//! sources report the running totals (`store::usage::ApiUsage`), which the store keeps.

use std::sync::{Arc, Mutex, OnceLock};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

pub use crate::store::usage::ApiUsage;

use super::pace::Pace;

/// The running count, shared by every client of an account, and the request budgets its
/// calls go through.
#[derive(Debug, Clone, Default)]
pub struct UsageCounter(Arc<Mutex<ApiUsage>>, Arc<OnceLock<Pace>>);

impl UsageCounter {
    /// What was asked so far, with the budgets as they stand.
    pub fn snapshot(&self) -> ApiUsage {
        let mut u = self.0.lock().map(|u| u.clone()).unwrap_or_default();
        if let Some(p) = self.1.get() {
            u.paced = p.report();
        }
        u
    }

    /// Reports `pace`'s budgets with the count (the first one given stays).
    pub fn paced_by(&self, pace: &Pace) {
        let _ = self.1.set(pace.clone());
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

    /// A request made outside the clients' interceptors (an assumed role's credentials).
    pub fn count(&self, service: &str, operation: &str) {
        self.record(service, operation, 0);
    }

    /// A Logs Insights query's `bytesScanned`, which it is billed by.
    pub fn add_insights_bytes(&self, bytes: f64) {
        if let Ok(mut u) = self.0.lock() {
            u.insights_bytes_scanned += bytes;
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
        c.record("CloudWatch", "DescribeAlarms", 0);
        c.record("CloudWatch", "DescribeAlarms", 0);
        c.add_live_tail_minutes(3.0);
        c.add_insights_bytes(2e9);
        let u = c.snapshot();
        assert_eq!((u.requests(), u.metrics()), (6, 750));
        assert_eq!(u.cloudwatch_requests(), 2);
        assert!((u.est_cost_usd() - (0.0075 + 0.00002 + 0.01 + 0.03 + 0.01)).abs() < 1e-12);
    }
}
