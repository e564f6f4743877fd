//! `snapshot`: the JSON contract scripts rely on, built in-process at a fixed time and also
//! through the real binary.

use std::process::Command;

use lambdatop::commands::snapshot::{build, table};
use lambdatop::store::Window;
use serde_json::Value;

use crate::support::{demo_store, t0};

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

fn sorted(mut k: Vec<&'static str>) -> Vec<&'static str> {
    k.sort_unstable();
    k
}

#[test]
fn the_json_has_exactly_the_documented_shape() {
    let snap = build(&demo_store(), Window::M15, t0());
    let v = serde_json::to_value(&snap).unwrap();
    assert_eq!(
        keys(&v),
        sorted(vec![
            "generated_at",
            "source",
            "account_id",
            "account_alias",
            "window_minutes",
            "window_end",
            "period_minutes",
            "regions",
            "accounts",
            "functions",
            "projects",
            "totals",
            "problems",
            "region_concurrency",
            "api_usage",
            "alarms",
            "classes",
        ])
    );
    // A live window ends at the current minute (the one still filling, left out).
    assert_eq!(v["window_end"], "2026-11-23T03:07:00Z");
    assert_eq!(v["period_minutes"], 1);
    assert_eq!(v["generated_at"], "2026-11-23T03:07:30Z");
    assert_eq!(v["source"], "demo");
    assert_eq!(
        v["account_id"], "000000000000",
        "the demo's made-up account"
    );
    assert_eq!(v["window_minutes"], 15);
    // The one account, as whose the identity says it is.
    assert_eq!(
        v["accounts"],
        serde_json::json!([{
            "id": "000000000000",
            "alias": "demo",
            "regions": ["us-east-1", "eu-west-1"],
            "functions": v["functions"].as_array().unwrap().len(),
            "problems": 0,
            "metrics_only": false,
            "api_requests": null,
            "api_est_cost_usd": null,
        }])
    );
    assert_eq!(v["functions"][0]["account_id"], "000000000000");
    assert_eq!(
        keys(&v["functions"][0]),
        sorted(vec![
            "name",
            "region",
            "account_id",
            "project",
            "runtime",
            "memory_mb",
            "architecture",
            "timeout_s",
            "invocations",
            "errors",
            "error_rate",
            "throttles",
            "duration_avg_ms",
            "duration_p99_ms",
            "concurrency_max",
            "est_cost_usd",
            "cold_starts",
            "timeouts",
            "init_p50_ms",
            "init_p99_ms",
            "memory_used_max_mb",
            "provisional_from",
            "figures_read_at",
            "restores",
            "reserved_concurrency",
            "provisioned_concurrency",
            "provisioned_utilization_max",
            "spillover_invocations",
            "throttle_cause",
            "serving",
            "alarms",
            "async_events_received",
            "async_events_dropped",
            "async_event_age_max_ms",
            "dead_letter_errors",
            "destination_delivery_failures",
            "dead_letter_target",
            "on_failure_destination",
            "event_sources",
            "last_modified",
            "code_sha256",
            "deploys",
            "latency_class",
            "latency_class_by",
            "budget_used",
            "duration_p50_ms",
            "duration_p90_ms",
            "duration_p999_ms",
            "duration_p99_peak_ms",
            "p99_peak_of_timeout",
            "duration_source",
            "duration_histogram",
            "wait_max_ms",
            "reports_read",
        ])
    );
    // The demo reads every minute's REPORT lines: none of its REPORT figures is a floor.
    for f in v["functions"].as_array().unwrap() {
        let read = &f["reports_read"];
        assert!(read.is_null() || read["read"] == read["of"], "{f}");
    }
    // What pages: checkout-api's error alarm in eu-west-1, and the composite over it.
    let alarms = v["alarms"].as_array().unwrap();
    assert_eq!(alarms.len(), 2, "{alarms:?}");
    assert_eq!(
        keys(&alarms[0]),
        sorted(vec![
            "name",
            "region",
            "account_id",
            "state",
            "since",
            "reason",
            "function",
            "functions",
            "kind"
        ])
    );
    for a in alarms {
        assert_eq!(
            (a["state"].as_str(), a["region"].as_str()),
            (Some("ALARM"), Some("eu-west-1"))
        );
        assert_eq!(a["function"], "checkout-api");
    }
    assert_eq!(
        keys(&v["projects"][0]),
        sorted(vec![
            "name",
            "functions",
            "invocations",
            "errors",
            "throttles",
            "est_cost_usd",
            "provisional_from"
        ])
    );
    assert_eq!(
        keys(&v["totals"]),
        sorted(vec![
            "functions",
            "invocations",
            "errors",
            "throttles",
            "est_cost_usd",
            "provisional_from"
        ])
    );
    // The demo plays CloudWatch's timing: the newest minutes of the fleet are provisional, as
    // long as its slowest function takes to settle: here the whole window.
    assert_eq!(v["totals"]["provisional_from"], "2026-11-23T02:52:00Z");
    assert_eq!(v["problems"], serde_json::json!([]));
    assert_eq!(
        keys(&v["region_concurrency"][0]),
        sorted(vec![
            "region",
            "account_id",
            "concurrency_max",
            "concurrency_limit",
            "unreserved_concurrency_max",
            "unreserved_concurrency_limit",
            "claimed_concurrency_max",
            "claimed_concurrency_limit",
        ])
    );
    // The demo reserves 40 for media-transcode in us-east-1: the rest share 960.
    assert_eq!(v["region_concurrency"][1]["region"], "us-east-1");
    assert_eq!(
        v["region_concurrency"][1]["unreserved_concurrency_limit"],
        960
    );
    let row = |name: &str, region: &str| {
        v["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name && f["region"] == region)
            .unwrap()
            .clone()
    };
    // A row names its alarms in ALARM; none is `[]`.
    assert_eq!(
        row("checkout-api", "eu-west-1")["alarms"],
        serde_json::json!(["checkout-api-errors", "checkout-health"])
    );
    assert_eq!(
        row("checkout-api", "us-east-1")["alarms"],
        serde_json::json!([])
    );
    assert_eq!(
        row("payments-charge", "us-east-1")["alarms"],
        serde_json::json!([]),
        "recovered"
    );
    // Invoked asynchronously: media-transcode's throttled events wait past a minute and some
    // are dropped; a request handler has no such figures.
    let media = row("media-transcode", "us-east-1");
    assert!(media["async_events_dropped"].as_u64() > Some(0), "{media}");
    assert!(
        media["async_event_age_max_ms"].as_f64() > Some(60_000.0),
        "{media}"
    );
    assert_eq!(media["dead_letter_errors"], 0);
    assert_eq!(
        media["dead_letter_target"],
        "arn:aws:sqs:us-east-1:123456789012:media-failed-events"
    );
    let push = row("notifications-push", "us-east-1");
    assert_eq!(push["async_events_dropped"], 0);
    assert_eq!(
        push["on_failure_destination"],
        "arn:aws:sns:us-east-1:123456789012:notifications-failed"
    );
    // What feeds them: the digest's queue was left disabled; the indexer's stream falls behind.
    let digest = row("notifications-digest", "eu-west-1");
    assert_eq!(digest["event_sources"][0]["state"], "Disabled");
    assert!(digest["event_sources"][0]["messages_visible"].as_u64() > Some(10_000));
    let indexer = &row("search-indexer", "us-east-1")["event_sources"][0];
    assert_eq!(indexer["kind"], "dynamodb");
    assert!(
        indexer["iterator_age_max_ms"].as_f64() > Some(300_000.0),
        "{indexer}"
    );
    assert_eq!(
        keys(indexer),
        sorted(vec![
            "arn",
            "kind",
            "uuid",
            "state",
            "state_reason",
            "last_processing_result",
            "iterator_age_max_ms",
            "offset_lag_max",
            "oldest_message_age_s",
            "messages_visible",
            "dead_letter_queue",
            "dead_letter_messages_visible",
        ])
    );
    // checkout-api changed 6 minutes before the demo's moment: inside the window.
    let api = row("checkout-api", "eu-west-1");
    assert_eq!(api["last_modified"], "2026-11-23T03:01:17Z");
    assert_eq!(api["deploys"][0]["kind"], "unknown", "{api}");
    assert!(api["code_sha256"].as_str().is_some());
    let charge = row("payments-charge", "us-east-1");
    assert_eq!(charge["async_events_received"], serde_json::Value::Null);
    assert_eq!(charge["dead_letter_target"], serde_json::Value::Null);
    let transcode = row("media-transcode", "us-east-1");
    assert_eq!(transcode["reserved_concurrency"], 40);
    assert_eq!(transcode["throttle_cause"], "reserved");
    let charge = row("payments-charge", "us-east-1");
    assert_eq!(charge["provisioned_concurrency"], 10);
    assert!(charge["reserved_concurrency"].is_null(), "none reserved");
    assert!(charge["throttle_cause"].is_null());
    assert_eq!(charge["serving"]["alias"], "live");
    assert!(transcode["serving"].is_null(), "no alias: $LATEST serves");
    assert_eq!(v["region_concurrency"][0]["region"], "eu-west-1");
    assert_eq!(v["region_concurrency"][0]["concurrency_limit"], 1000);
    assert!(v["api_usage"].is_null(), "the demo fleet costs nothing");
    assert!(
        v["region_concurrency"][0]["concurrency_max"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[test]
fn figures_a_source_cannot_give_are_null_not_zero() {
    let snap = build(&demo_store(), Window::M15, t0());
    let v = serde_json::to_value(&snap).unwrap();
    // The hourly digest job did not run in these 15 minutes: zero invocations is known, its
    // duration and error rate are not.
    let digest = v["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "notifications-digest")
        .unwrap();
    assert_eq!(digest["invocations"], 0);
    assert_eq!(digest["errors"], 0);
    assert!(digest["error_rate"].is_null());
    assert!(digest["duration_avg_ms"].is_null());
    assert!(digest["duration_p99_ms"].is_null());
    assert_eq!(digest["est_cost_usd"], 0.0);
}

/// Requests and duration at list price, the INIT of the cold starts read from REPORT lines
/// (billed as duration since 1 August 2025, AWS Lambda pricing), and provisioned
/// concurrency kept ready over the window; the invocations it served at its own duration price
/// ($0.0000097222 per GB-second on x86, $0.0000077778 on arm64, *Provisioned Concurrency
/// Pricing*) and its spillover on demand.
#[test]
fn the_estimate_follows_the_price_table() {
    let store = demo_store();
    let snap = build(&store, Window::M15, t0());
    let range = Window::M15.range(t0());
    let mut with_init = 0;
    let mut with_provisioned = 0;
    for f in &snap.functions {
        let (Some(n), Some(avg), Some(mem)) = (f.invocations, f.duration_avg_ms, f.memory_mb)
        else {
            continue;
        };
        let per_gbs = if f.architecture == "arm64" {
            0.000_013_333_4
        } else {
            0.000_016_666_7
        };
        let gb_s = |ms: f64| ms / 1000.0 * f64::from(mem) / 1024.0;
        let function = store
            .function(&lambdatop::store::FunctionKey::new(&f.region, &f.name))
            .unwrap();
        let init_ms: f64 = function.history.init_samples(range).iter().sum();
        if init_ms > 0.0 {
            with_init += 1;
        }
        let ready =
            f.provisioned_concurrency.unwrap_or(0) as f64 * gb_s(range.len() as f64 * 60_000.0);
        let ready_per_gbs = if f.architecture == "arm64" {
            0.000_003_333_4
        } else {
            0.000_004_166_7
        };
        let (served_per_gbs, served) = match (f.architecture, f.spillover_invocations) {
            (_, None) => (0.0, 0.0),
            ("arm64", Some(spilled)) => (0.000_007_777_8, (n - spilled) as f64),
            (_, Some(spilled)) => (0.000_009_722_2, (n - spilled) as f64),
        };
        let served = if f.provisioned_concurrency.unwrap_or(0) > 0 {
            served
        } else {
            0.0
        };
        if served > 0.0 {
            with_provisioned += 1;
        }
        let expected = n as f64 * 0.2e-6
            + gb_s(avg * (n as f64 - served)) * per_gbs
            + gb_s(avg * served) * served_per_gbs
            + gb_s(init_ms) * per_gbs
            + ready * ready_per_gbs;
        let got = f.est_cost_usd.unwrap();
        // The JSON keeps 6 decimals; the average duration 2.
        assert!(
            (got - expected).abs() < 1e-5 + expected * 1e-4,
            "{}: {got} vs {expected}",
            f.name
        );
    }
    assert!(with_init > 10, "cold starts' INIT is in the estimate");
    assert_eq!(
        with_provisioned, 1,
        "payments-charge's provisioned invocations at their price"
    );
    let total: f64 = snap.functions.iter().filter_map(|f| f.est_cost_usd).sum();
    assert!((snap.totals.est_cost_usd.unwrap() - total).abs() < 1e-4);
}

#[test]
fn the_table_puts_the_worst_first_and_ends_with_totals() {
    let text = table(&build(&demo_store(), Window::M15, t0()));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("DEMO fleet · us-east-1, eu-west-1 · last 15 min"));
    // What pages comes first: the alarms in ALARM, above the functions.
    assert!(lines[2].starts_with("ALARM "), "{text}");
    assert!(lines[3].starts_with("checkout-api-errors") || lines[3].starts_with("checkout-health"));
    assert!(lines[3].contains("eu-west-1") && lines[3].contains("checkout-api"));
    let table = lines
        .iter()
        .position(|l| l.starts_with("FUNCTION"))
        .unwrap();
    assert_eq!(table, 6, "{text}");
    assert!(
        lines[table + 1].starts_with("checkout-api") && lines[table + 1].contains("eu-west-1"),
        "{}",
        lines[table + 1]
    );
    assert!(lines.iter().any(|l| l.starts_with("TOTAL")));
}

fn lambdatop(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(args)
        .env("LAMBDATOP_LOG", "off")
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join("lambdatop-tests"),
        )
        .output()
        .unwrap()
}

#[test]
fn the_binary_prints_the_demo_fleet_as_json() {
    let out = lambdatop(&["snapshot", "--demo", "--format", "json", "--window", "15m"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["source"], "demo");
    assert_eq!(v["window_minutes"], 15);
    assert!(v["functions"].as_array().unwrap().len() >= 40);
    assert!(v["projects"].as_array().unwrap().len() >= 4);
    assert_eq!(v["regions"].as_array().unwrap().len(), 2);
    let sum: u64 = v["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["invocations"].as_u64().unwrap())
        .sum();
    assert_eq!(v["totals"]["invocations"].as_u64().unwrap(), sum);
    assert!(chrono::DateTime::parse_from_rfc3339(v["generated_at"].as_str().unwrap()).is_ok());
}

#[test]
fn the_same_seed_gives_the_same_fleet_from_the_binary() {
    let a = lambdatop(&["snapshot", "--demo", "--seed", "3", "--format", "json"]);
    let b = lambdatop(&["snapshot", "--demo", "--seed", "3", "--format", "json"]);
    let names = |o: &std::process::Output| -> Vec<String> {
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["functions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{}/{}", f["region"], f["name"]))
            .collect()
    };
    assert_eq!(names(&a), names(&b));
}

#[test]
fn the_demo_fleet_takes_its_size_from_functions() {
    let out = lambdatop(&[
        "snapshot",
        "--demo",
        "--functions",
        "250",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let functions = v["functions"].as_array().unwrap();
    assert_eq!(functions.len(), 250);
    assert_eq!(v["totals"]["functions"], 250);
    // The cast first, then steady copies of it, each unique by region and name.
    let keys: std::collections::HashSet<String> = functions
        .iter()
        .map(|f| format!("{}/{}", f["region"], f["name"]))
        .collect();
    assert_eq!(keys.len(), 250);
    assert!(functions.iter().any(|f| f["name"] == "payments-charge"));
    assert!(functions.iter().any(|f| f["name"] == "checkout-api-2"));
    // Smaller than the cast: its first functions (and --demo before the subcommand counts).
    let out = lambdatop(&["--demo", "snapshot", "--functions", "5", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["functions"].as_array().unwrap().len(), 5);
    // The copies log too.
    let out = lambdatop(&[
        "logs",
        "--demo",
        "--functions",
        "250",
        "checkout-api-2",
        "--since",
        "3m",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("START RequestId"));
    // Without --demo, or out of range: one line, exit 2.
    for args in [
        &["snapshot", "--functions", "10"][..],
        &["snapshot", "--demo", "--functions", "0"][..],
    ] {
        let out = lambdatop(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(
            err.contains("--demo") || err.contains("1..=100000"),
            "{err}"
        );
    }
}
