//! The AWS source over real HTTP against moto's server: inventory, tags and the project rule,
//! window sums, average duration and estimated cost, the p99 failure as a problem, and the
//! faults moto cannot make (through the loopback fault proxy).

use serde_json::Value;

use crate::fault_proxy::{Fault, FaultProxy};
use crate::moto::row as function;
use crate::moto::{self, STEADY_MINUTES, Spec, create_function, put_metric, snapshot_json};

/// The `problems` of a snapshot, as their messages.
fn problem_messages(v: &Value) -> Vec<&str> {
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["message"].as_str().unwrap())
        .collect()
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64()
        .is_some_and(|a| (a - b).abs() <= 1e-6 + b.abs() * 1e-6)
}

/// Three functions, one per branch of the project rule, with a steady load on two of them.
async fn seed_fleet(region: &str) {
    create_function(
        region,
        &Spec {
            memory_mb: 1024,
            arm64: true,
            timeout_s: 10,
            tags: &[("project", "orders"), ("team", "checkout-team")],
            ..Spec::new("orders-api")
        },
    )
    .await;
    create_function(
        region,
        &Spec {
            memory_mb: 512,
            timeout_s: 60,
            tags: &[("aws:cloudformation:stack-name", "ledger-stack")],
            ..Spec::new("ledger-writer")
        },
    )
    .await;
    create_function(region, &Spec::new("billing_export")).await;
    for (metric, value) in [
        ("Invocations", 100.0),
        ("Errors", 5.0),
        ("Throttles", 2.0),
        ("Duration", 200.0),
    ] {
        put_metric(region, "orders-api", metric, value, STEADY_MINUTES).await;
    }
    put_metric(
        region,
        "orders-api",
        "ConcurrentExecutions",
        3.0,
        STEADY_MINUTES,
    )
    .await;
    for (metric, value) in [
        ("Invocations", 20.0),
        ("Duration", 1500.0),
        ("ConcurrentExecutions", 2.0),
    ] {
        put_metric(region, "ledger-writer", metric, value, STEADY_MINUTES).await;
    }
}

#[tokio::test]
async fn a_seeded_account_reads_back_exactly_and_p99_failure_is_a_problem() {
    let region = "ap-south-1";
    seed_fleet(region).await;
    let v = snapshot_json(&moto::url(), region, &[]);
    assert_eq!(v["source"], "aws");
    assert_eq!(v["regions"], serde_json::json!([region]));
    assert_eq!(v["functions"].as_array().unwrap().len(), 3);

    let minutes = STEADY_MINUTES.count() as f64;
    let orders = function(&v, "orders-api");
    assert_eq!(orders["project"], "orders");
    assert_eq!(orders["region"], region);
    assert_eq!(orders["runtime"], "python3.12");
    assert_eq!(orders["memory_mb"], 1024);
    assert_eq!(orders["architecture"], "arm64");
    assert_eq!(orders["timeout_s"], 10);
    assert_eq!(orders["invocations"], (100.0 * minutes) as u64);
    assert_eq!(orders["errors"], (5.0 * minutes) as u64);
    assert_eq!(orders["throttles"], (2.0 * minutes) as u64);
    assert!(
        close(&orders["error_rate"], 0.05),
        "{}",
        orders["error_rate"]
    );
    assert!(close(&orders["duration_avg_ms"], 200.0));
    assert!(
        orders["duration_p99_ms"].is_null(),
        "p99 unavailable, not zero"
    );
    assert!(orders["duration_p99_peak_ms"].is_null(), "{orders}");
    crate::figures::invariants(&v).unwrap();
    // $0.20 per million requests + GB-seconds at the arm64 price.
    let n = 100.0 * minutes;
    let cost = n * 0.2e-6 + n * 0.2 * 1.0 * 0.000_013_333_4;
    assert!(
        close(&orders["est_cost_usd"], (cost * 1e6).round() / 1e6),
        "{} vs {cost}",
        orders["est_cost_usd"]
    );

    let ledger = function(&v, "ledger-writer");
    assert_eq!(
        ledger["project"], "ledger-stack",
        "CloudFormation stack when no project tag"
    );
    assert_eq!(ledger["architecture"], "x86_64");
    assert_eq!(ledger["invocations"], (20.0 * minutes) as u64);
    assert_eq!(
        ledger["errors"], 0,
        "settled silent minutes are zero, not unknown"
    );
    assert!(close(&ledger["duration_avg_ms"], 1500.0));
    let n = 20.0 * minutes;
    let cost = n * 0.2e-6 + n * 1.5 * 0.5 * 0.000_016_666_7;
    assert!(close(&ledger["est_cost_usd"], (cost * 1e6).round() / 1e6));

    let billing = function(&v, "billing_export");
    assert_eq!(
        billing["project"], "billing",
        "name prefix as the last resort"
    );
    assert_eq!(billing["invocations"], 0);
    assert!(billing["duration_avg_ms"].is_null());

    let projects: Vec<&str> = v["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(projects, ["billing", "ledger-stack", "orders"]);
    assert_eq!(v["totals"]["invocations"], (120.0 * minutes) as u64);

    assert_eq!(orders["concurrency_max"], 3);
    // The region as a whole (moto has no GetAccountSettings: the limits are unknown, not 0;
    // nor does it publish the pools' metrics).
    assert_eq!(
        v["region_concurrency"],
        serde_json::json!([{
            "account_id": "123456789012",
            "region": region,
            "concurrency_max": 3,
            "concurrency_limit": null,
            "unreserved_concurrency_max": null,
            "unreserved_concurrency_limit": null,
            "claimed_concurrency_max": null,
            "claimed_concurrency_limit": null
        }])
    );

    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    let message = problems[0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("{region} p99")) && message.contains("500"),
        "{message}"
    );
}

#[tokio::test]
async fn the_project_tag_can_be_chosen() {
    let region = "ap-northeast-2";
    create_function(
        region,
        &Spec {
            tags: &[("team", "payments"), ("project", "x")],
            ..Spec::new("pay-api")
        },
    )
    .await;
    let v = snapshot_json(&moto::url(), region, &["--project-tag", "team"]);
    assert_eq!(function(&v, "pay-api")["project"], "payments");
}

#[tokio::test]
async fn an_empty_region_is_an_empty_fleet_not_an_error() {
    let v = snapshot_json(&moto::url(), "ca-central-1", &[]);
    assert_eq!(v["functions"], serde_json::json!([]));
    assert_eq!(v["totals"]["functions"], 0);
    assert!(v["totals"]["invocations"].is_null());
    assert_eq!(v["problems"], serde_json::json!([]));
}

#[tokio::test]
async fn several_regions_are_read_at_once() {
    let (a, b) = ("eu-west-3", "us-west-1");
    create_function(a, &Spec::new("alpha-api")).await;
    create_function(b, &Spec::new("beta-api")).await;
    let v = snapshot_json(&moto::url(), &format!("{a},{b}"), &[]);
    assert_eq!(v["regions"], serde_json::json!([a, b]));
    assert_eq!(function(&v, "alpha-api")["region"], a);
    assert_eq!(function(&v, "beta-api")["region"], b);
}

#[tokio::test]
async fn throttling_is_retried_until_it_succeeds() {
    let region = "sa-east-1";
    create_function(
        region,
        &Spec {
            tags: &[("project", "edge")],
            ..Spec::new("edge-api")
        },
    )
    .await;
    put_metric(region, "edge-api", "Invocations", 7.0, STEADY_MINUTES).await;
    let proxy = FaultProxy::start(&moto::url());
    proxy.inject("ListFunctions", Fault::Throttle, Some(2));
    proxy.inject("GetResources", Fault::Throttle, Some(1));
    proxy.inject("GetMetricData", Fault::Throttle, Some(2));
    let v = snapshot_json(&proxy.url, region, &[]);
    assert_eq!(proxy.injected("ListFunctions"), 2);
    assert_eq!(proxy.injected("GetMetricData"), 2);
    assert!(
        proxy.seen("ListFunctions") >= 3,
        "retried after the throttles"
    );
    let f = function(&v, "edge-api");
    assert_eq!(f["project"], "edge");
    assert_eq!(f["invocations"], 7 * STEADY_MINUTES.count() as u64);
    let problems = problem_messages(&v);
    // Retried to success: no throttle is left as a problem (moto gives no percentiles, so
    // a p99 problem may stand).
    assert!(
        problems.iter().all(|p| p.contains("p99")),
        "a problem beside p99's: {problems:?}"
    );
}

#[tokio::test]
async fn access_denied_on_tags_loses_only_the_tags() {
    let region = "ap-southeast-1";
    create_function(
        region,
        &Spec {
            tags: &[("project", "search")],
            ..Spec::new("query-api")
        },
    )
    .await;
    put_metric(region, "query-api", "Invocations", 3.0, STEADY_MINUTES).await;
    let proxy = FaultProxy::start(&moto::url());
    proxy.inject("GetResources", Fault::AccessDenied, None);
    let v = snapshot_json(&proxy.url, region, &[]);
    let f = function(&v, "query-api");
    assert_eq!(
        f["project"], "query",
        "falls back to the name prefix without tags"
    );
    assert_eq!(
        f["invocations"],
        3 * STEADY_MINUTES.count() as u64,
        "metrics unaffected"
    );
    let problems = problem_messages(&v);
    assert!(
        problems.iter().any(|p| p.starts_with(&format!(
            "{region} tags: GetResources: AccessDeniedException"
        ))),
        "{problems:?}"
    );
    assert_eq!(
        proxy.injected("GetResources"),
        1,
        "AccessDenied is not retried"
    );
}

#[tokio::test]
async fn a_failing_batch_marks_only_its_functions() {
    // 170 functions × 3 sums = 510 queries: two GetMetricData requests (and one more for
    // the 340 queries of average duration and concurrency).
    let region = "eu-south-1";
    let names: Vec<String> = (0..170).map(|i| format!("batch-fn-{i:03}")).collect();
    for n in &names {
        create_function(region, &Spec::new(n)).await;
        // One datapoint each: moto reads every datapoint for every query, and 510 queries
        // over 2,000 datapoints is slow on a loaded machine.
        put_metric(region, n, "Invocations", 1.0, [5]).await;
    }
    let proxy = FaultProxy::start(&moto::url());
    // The second request of sums carries the last functions' queries; only it asks for a
    // third statistic of function 169.
    proxy.inject_where("GetMetricData", Some("q169_2"), Fault::ServerError, None);
    let v = snapshot_json(&proxy.url, region, &[]);
    let fns = v["functions"].as_array().unwrap();
    let with_data = fns
        .iter()
        .filter(|f| f["invocations"].as_u64().is_some())
        .count();
    let without = fns.iter().filter(|f| f["invocations"].is_null()).count();
    assert_eq!(
        (with_data, without),
        (167, 3),
        "one batch lost, the others kept"
    );
    let problems = problem_messages(&v);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with(&format!("{region} metrics: 1 of 3 requests failed"))),
        "{problems:?}"
    );
}

#[tokio::test]
async fn a_dead_endpoint_is_one_line_and_a_failure() {
    let proxy = FaultProxy::start(&moto::url());
    proxy.set_down(true);
    let out = moto::lambdatop(&proxy.url, &["snapshot", "--region", "eu-central-1"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("cannot reach AWS"), "{err}");
}

#[tokio::test]
async fn expired_credentials_say_so() {
    let proxy = FaultProxy::start(&moto::url());
    proxy.inject("ListFunctions", Fault::ExpiredToken, None);
    let out = moto::lambdatop(&proxy.url, &["snapshot", "--region", "eu-central-2"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ExpiredTokenException"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1);
}

#[test]
fn no_credentials_is_one_line_that_suggests_the_demo() {
    let out = crate::support::lambdatop_without_aws(&["snapshot", "--region", "us-east-1"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("no AWS credentials") && err.contains("--demo"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "never demo data in its place");
}

#[tokio::test]
async fn dropped_connections_and_slow_answers_are_retried() {
    let region = "af-south-1";
    create_function(region, &Spec::new("flaky-api")).await;
    put_metric(region, "flaky-api", "Invocations", 9.0, STEADY_MINUTES).await;
    let proxy = FaultProxy::start(&moto::url());
    proxy.inject("ListFunctions", Fault::Drop, Some(2));
    proxy.inject(
        "GetMetricData",
        Fault::Slow(std::time::Duration::from_millis(400)),
        Some(1),
    );
    let v = snapshot_json(&proxy.url, region, &[]);
    assert_eq!(proxy.injected("ListFunctions"), 2);
    assert_eq!(
        function(&v, "flaky-api")["invocations"],
        9 * STEADY_MINUTES.count() as u64
    );
}

#[tokio::test]
async fn the_request_counter_matches_the_requests_made() {
    let region = "ap-south-2";
    for name in ["count-a", "count-b", "count-c"] {
        create_function(region, &Spec::new(name)).await;
        put_metric(region, name, "Invocations", 4.0, STEADY_MINUTES).await;
        put_metric(region, name, "Duration", 40.0, STEADY_MINUTES).await;
    }
    let proxy = FaultProxy::start(&moto::url());
    let v = snapshot_json(&proxy.url, region, &[]);
    let usage = &v["api_usage"];
    let ops = usage["operations"].as_array().unwrap();
    let counted = |op: &str| -> u64 {
        ops.iter()
            .filter(|o| o["operation"] == op)
            .map(|o| o["requests"].as_u64().unwrap())
            .sum()
    };
    for op in [
        "ListFunctions",
        "GetResources",
        "GetMetricData",
        "FilterLogEvents",
        "GetAccountSettings",
    ] {
        assert_eq!(counted(op), proxy.seen(op) as u64, "{op}: counted vs sent");
    }
    assert!(
        proxy.seen("GetMetricData") >= 3,
        "base, p99 (retried: moto answers 500) and region"
    );
    assert_eq!(
        usage["requests"],
        proxy.seen_total() as u64,
        "every request counted, retries too"
    );
    // Billed metrics: the queries of every GetMetricData request that went out.
    let queries: usize = proxy
        .bodies("GetMetricData")
        .iter()
        .map(|b| b.matches(".Id=").count())
        .sum();
    assert_eq!(usage["metrics_requested"], queries as u64);
    // Plus CloudWatch's requests billed one by one (DescribeAlarms, ListMetrics), $0.01 per
    // 1,000.
    let by_request = proxy.seen("DescribeAlarms") + proxy.seen("ListMetrics");
    assert!(proxy.seen("DescribeAlarms") >= 1, "the alarms were read");
    assert!(
        proxy.seen("ListMetrics") >= 1,
        "the async functions were looked for"
    );
    assert!(close(
        &usage["est_cost_usd"],
        (queries + by_request) as f64 * 0.01 / 1000.0
    ));
}

/// CloudWatch can answer HTTP 200 with a query that failed inside it: its `StatusCode` is
/// `InternalError` (or `Forbidden`, `PartialData`) and it carries `Messages` and no data
/// (CloudWatch API Reference, *GetMetricData*, *MetricDataResult*). Such a query's figure is
/// unknown — null, never zeros — and the failure is a problem on its own line; the queries
/// beside it in the same answer still count.
#[tokio::test]
async fn a_query_that_failed_inside_a_good_answer_is_unknown_not_zero() {
    let region = "ap-southeast-6";
    create_function(region, &Spec::new("orders-api")).await;
    for (metric, value) in [("Invocations", 100.0), ("Errors", 5.0)] {
        put_metric(region, "orders-api", metric, value, STEADY_MINUTES).await;
    }
    let proxy = FaultProxy::start(&moto::url());
    // q0_1: the first function's second statistic, which in the sums' request is Errors.
    proxy.fail_query("q0_1", "InternalError");
    let v = snapshot_json(&proxy.url, region, &[]);
    let orders = function(&v, "orders-api");
    assert!(orders["errors"].is_null(), "unknown, not zero: {orders}");
    assert!(orders["error_rate"].is_null(), "{orders}");
    let minutes = STEADY_MINUTES.count() as f64;
    assert_eq!(orders["invocations"], (100.0 * minutes) as u64, "{orders}");
    let problems = problem_messages(&v);
    assert!(
        problems.iter().any(|p| p.contains("GetMetricData: 1 of ")
            && p.contains("queries failed (InternalError: An internal error occurred")),
        "{problems:?}"
    );

    // Once CloudWatch answers whole again, the figure is there.
    proxy.clear();
    let v = snapshot_json(&proxy.url, region, &[]);
    let orders = function(&v, "orders-api");
    assert_eq!(orders["errors"], (5.0 * minutes) as u64, "{orders}");
    assert!(problem_messages(&v).is_empty(), "{v}");
}

/// An answer too big for one page comes as `PartialData` with a `NextToken`: the query is not
/// failed, its datapoints continue on the next page (CloudWatch API Reference,
/// *GetMetricData*). Every minute is read, from both pages, and no problem is raised.
#[tokio::test]
async fn a_query_answered_in_two_pages_is_read_whole() {
    // No function of another test lives here (the resilience test only meets refusals).
    let region = "ap-southeast-5";
    create_function(region, &Spec::new("paged-api")).await;
    put_metric(region, "paged-api", "Invocations", 10.0, STEADY_MINUTES).await;
    let proxy = FaultProxy::start(&moto::url());
    // q0_0: the first function's first statistic, Invocations.
    proxy.page_query("q0_0");
    let v = snapshot_json(&proxy.url, region, &[]);
    let paged = function(&v, "paged-api");
    let minutes = STEADY_MINUTES.count() as u64;
    assert_eq!(paged["invocations"], 10 * minutes, "{paged}");
    assert!(problem_messages(&v).is_empty(), "{v}");
    let second_pages = proxy
        .bodies("GetMetricData")
        .iter()
        .filter(|b| b.contains("NextToken=peer-more"))
        .count();
    assert!(second_pages >= 1, "the next page was asked for");
}
