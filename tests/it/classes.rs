//! Latency classes and duration distributions: the demo's classes and histograms, and a
//! function seeded with known percentile ranks read back through the realistic peer (moto
//! answers percentiles with HTTP 500; the peer answers `pNN` and `PR(a:b)` as CloudWatch
//! does, CloudWatch User Guide, *Statistics definitions*).

use lambdatop::commands::snapshot::build;
use lambdatop::store::Window;
use serde_json::Value;

use crate::fault_proxy::FaultProxy;
use crate::moto::row as function;
use crate::moto::{self, Spec, create_function, snapshot_json};
use crate::support::{demo_store, t0};

fn counts(f: &Value) -> Vec<(f64, f64)> {
    f["duration_histogram"]
        .as_array()
        .unwrap_or_else(|| panic!("no histogram: {f}"))
        .iter()
        .map(|b| (b["le_ms"].as_f64().unwrap(), b["count"].as_f64().unwrap()))
        .collect()
}

#[test]
fn every_demo_function_has_a_class_and_each_class_has_members() {
    let v = serde_json::to_value(build(&demo_store(), Window::H1, t0())).unwrap();
    let functions = v["functions"].as_array().unwrap();
    for f in functions {
        assert!(
            ["real-time", "background", "batch"].contains(&f["latency_class"].as_str().unwrap()),
            "{}: {}",
            f["name"],
            f["latency_class"]
        );
    }
    let class_of = |name: &str, region: &str| {
        functions
            .iter()
            .find(|f| f["name"] == name && f["region"] == region)
            .map(|f| (f["latency_class"].clone(), f["latency_class_by"].clone()))
            .unwrap()
    };
    // An API behind a gateway, by its median; the media pipeline by its trigger (S3 invokes
    // it asynchronously); the nightly reconciliation by its tag.
    assert_eq!(class_of("checkout-api", "us-east-1").0, "real-time");
    assert_eq!(class_of("media-transcode", "us-east-1").0, "background");
    assert_eq!(class_of("media-transcode", "us-east-1").1, "trigger");
    assert_eq!(
        class_of("payments-ledger-reconcile", "us-east-1").0,
        "batch"
    );
    assert_eq!(class_of("payments-ledger-reconcile", "us-east-1").1, "tag");
    let classes: Vec<&str> = v["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["class"].as_str().unwrap())
        .collect();
    assert_eq!(classes, ["real-time", "background", "batch"]);
    let functions_in_classes: u64 = v["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["functions"].as_u64().unwrap())
        .sum();
    assert_eq!(functions_in_classes, functions.len() as u64);

    // A tight API and a long-tailed pipeline: the histogram says which is which.
    let api = functions
        .iter()
        .find(|f| f["name"] == "identity-authorizer" && f["region"] == "us-east-1")
        .unwrap();
    let h = counts(api);
    let total: f64 = h.iter().map(|(_, n)| n).sum();
    assert!(
        (total - api["invocations"].as_f64().unwrap()).abs() / total < 0.05,
        "the histogram counts the window's invocations: {total} vs {}",
        api["invocations"]
    );
    let under_20ms: f64 = h.iter().filter(|(le, _)| *le <= 20.0).map(|(_, n)| n).sum();
    assert!(under_20ms / total > 0.95, "{h:?}");
    let p50 = api["duration_p50_ms"].as_f64().unwrap();
    let p90 = api["duration_p90_ms"].as_f64().unwrap();
    assert!(p50 <= p90 && p90 <= api["duration_p99_ms"].as_f64().unwrap() * 1.5);
}

#[tokio::test]
async fn a_function_seeded_with_percentile_ranks_gets_the_matching_histogram() {
    let region = "mx-central-1";
    create_function(
        region,
        &Spec {
            timeout_s: 10,
            ..Spec::new("ranked-api")
        },
    )
    .await;
    let proxy = FaultProxy::start(&moto::url());
    proxy.seed_durations(
        "ranked-api",
        &[
            ("SampleCount", 1000.0),
            ("p50", 45.0),
            ("p90", 180.0),
            ("p99", 800.0),
            ("p99.9", 1400.0),
            ("PR(20:50)", 50.0),
            ("PR(50:100)", 30.0),
            ("PR(100:200)", 12.0),
            ("PR(500:1000)", 8.0),
        ],
    );
    let v = snapshot_json(&proxy.url, region, &[]);
    let f = function(&v, "ranked-api");
    assert_eq!(f["duration_source"], "cloudwatch");
    let nonzero: Vec<(f64, f64)> = counts(f).into_iter().filter(|(_, n)| *n > 0.0).collect();
    assert_eq!(
        nonzero,
        [
            (50.0, 500.0),
            (100.0, 300.0),
            (200.0, 120.0),
            (1000.0, 80.0)
        ],
        "each rank's share of the sample count"
    );
    assert_eq!(f["duration_p50_ms"], 45.0, "CloudWatch's own percentile");
    assert_eq!(f["duration_p90_ms"], 180.0);
    // Its median puts it in real-time; its p99 uses 80 % of the one-second budget.
    assert_eq!(f["latency_class"], "real-time");
    assert_eq!(f["latency_class_by"], "duration");
    assert_eq!(f["budget_used"], 0.8);
    // One query a figure, over the whole window (15 minutes: a 900-second period).
    let asked = proxy
        .bodies("GetMetricData")
        .into_iter()
        .find(|b| b.contains("PR%2820%3A50%29"))
        .expect("a percentile-rank query");
    assert!(asked.contains("Period=900"), "{asked}");
    assert!(asked.contains("Stat=SampleCount"));
    assert!(
        v["api_usage"]["metrics_requested"].as_u64().unwrap() >= 24,
        "the ranks are on the bill: {}",
        v["api_usage"]
    );
}
