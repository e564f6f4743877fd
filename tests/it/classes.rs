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
    // The window's p99 and p99.9 are CloudWatch's over the window, from the same answer.
    assert_eq!(f["duration_p99_ms"], 800.0);
    assert_eq!(f["duration_p999_ms"], 1400.0);
    crate::figures::invariants(&v).unwrap();
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

fn key(c: char) -> ratatui::crossterm::event::KeyEvent {
    ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Char(c))
}

#[test]
fn the_classes_view_judges_each_class_against_its_budget_and_narrows_the_fleet() {
    use crate::support::{demo_app, line_with, render, screen};
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    let mut app = demo_app();
    app.handle_key(key('c'));
    for (w, h) in [(80, 24), (120, 40), (160, 48)] {
        let s = screen(&render(&mut app, w, h));
        let real_time = line_with(&s, "│real-time").unwrap_or_else(|| panic!("{s}"));
        assert!(real_time.contains("1.0s"), "its budget: {real_time}");
        let background = line_with(&s, "│background").unwrap();
        assert!(background.contains("1m00s"), "{background}");
        assert!(line_with(&s, "│batch").unwrap().contains("1h00m"));
        assert!(s.contains("real-time durations, log scales"), "{s}");
        assert!(s.contains("real-time waits"), "{s}");
        // The slowest API first: the fraud score's p99 is over its second.
        let worst = line_with(&s, "worst against the budget first").unwrap();
        assert!(worst.contains("over"), "{worst}");
        let first_member = s
            .lines()
            .skip_while(|l| !l.contains("worst against the budget first"))
            .nth(2)
            .unwrap();
        assert!(first_member.contains("payments-fraud-score"), "{s}");
        insta::assert_snapshot!(format!("classes_{w}x{h}"), s);
    }
    // Enter: the fleet of the background class only; Esc widens again.
    app.handle_key(key('j'));
    app.handle_key(KeyEvent::from(KeyCode::Enter));
    let s = screen(&render(&mut app, 160, 48));
    assert!(s.contains("class background: 31 functions"), "{s}");
    let stats = app.figures().stats();
    assert!(!app.figures().order().is_empty());
    for &i in app.figures().order() {
        assert_eq!(
            stats.functions[i].latency_class,
            Some(lambdatop::store::latency::LatencyClass::Background)
        );
    }
    app.handle_key(KeyEvent::from(KeyCode::Esc));
    assert_eq!(app.figures().order().len(), app.store.functions().len());
}

/// In a real terminal against moto: opening a function's detail asks CloudWatch for its
/// percentile ranks (the peer answers them), and the detail draws them on log scales; the
/// classes view counts it in its class.
#[tokio::test]
async fn the_detail_draws_the_ranks_cloudwatch_gave_in_a_real_terminal() {
    use std::time::Duration;
    let region = "mx-central-1";
    let name = "ranked-ui";
    create_function(
        region,
        &Spec {
            timeout_s: 10,
            ..Spec::new(name)
        },
    )
    .await;
    let proxy = FaultProxy::start(&moto::url());
    proxy.seed_durations(
        name,
        &[
            ("SampleCount", 2000.0),
            ("p50", 30.0),
            ("p90", 90.0),
            ("p99", 1500.0),
            ("p99.9", 1900.0),
            ("PR(20:50)", 70.0),
            ("PR(50:100)", 25.0),
            ("PR(1000:2000)", 5.0),
        ],
    );
    let mut tui = moto::dashboard(&proxy.url, region, 160, 48);
    tui.wait_for(Duration::from_secs(40), |s| s.contains(name))
        .unwrap_or_else(|s| panic!("no fleet:\n{s}"));
    tui.send(&format!(":fn {name}\r"));
    let s = tui
        .wait_for(Duration::from_secs(40), |s| {
            s.contains("p50 30ms p90 90ms p99 1.5s · CloudWatch")
        })
        .unwrap_or_else(|s| panic!("no distribution in the detail:\n{s}"));
    assert!(s.contains("Durations, log scales"), "{s}");
    // Its p99 is over a real-time second: 150 % of the budget, in the classes view.
    tui.send("\x1b");
    tui.wait_for(Duration::from_secs(10), |s| {
        s.contains(" Functions ") && s.contains("Task flow")
    })
    .unwrap_or_else(|s| panic!("no fleet after Esc:\n{s}"));
    tui.send("c");
    let s = tui
        .wait_for(Duration::from_secs(20), |s| {
            s.contains("worst against the budget first") && s.contains(name)
        })
        .unwrap_or_else(|s| panic!("no classes view:\n{s}"));
    let row = crate::support::line_with(&s, name).unwrap();
    assert!(row.contains("1.5s") && row.contains("150%"), "{row}");
    assert_eq!(tui.quit(), Some(0));
}
