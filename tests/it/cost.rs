//! `lambdatop cost` against moto: Cost Explorer's groups and total as the command prints them,
//! the disk cache that spares a second billed request, its expiry, `--refresh`, AccessDenied,
//! and untagged costs. moto serves GetCostAndUsage from results queued through its
//! `/moto-api/static/ce/cost-and-usage-results` endpoint; the forecast, which moto does not
//! serve, comes from the loopback proxy.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Datelike, Utc};
use serde_json::{Value, json};

use crate::fault_proxy::{Fault, FaultProxy};
use crate::moto::{self, STEADY_MINUTES, Spec, create_function, put_metric};

/// moto keeps one queue of Cost Explorer results for the whole server: tests that queue
/// results take turns, and each groups by a tag of its own so its requests differ.
pub static COST_EXPLORER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Queues one GetCostAndUsage answer: days of `(group key, amount)`, each charged as usage.
pub fn queue_cost_results(days: &[(&str, &[(&str, &str)])]) {
    let days: Vec<BilledDay> = days
        .iter()
        .map(|(day, groups)| {
            (
                *day,
                groups
                    .iter()
                    .map(|(k, a)| (vec![*k, "Usage"], *a))
                    .collect(),
            )
        })
        .collect();
    queue_cost_answer(None, &days);
}

/// A day of an answer: the day, and its groups as `(keys, amount)`.
pub type BilledDay<'a> = (&'a str, Vec<(Vec<&'a str>, &'a str)>);

/// Queues one GetCostAndUsage answer for `account` (moto's default when `None`): days of
/// `(group keys, amount)`, the keys as AWS gives them for the request's GroupBy (the project or
/// region, then the charge type, `RECORD_TYPE`).
pub fn queue_cost_answer(account: Option<&str>, days: &[BilledDay]) {
    let results: Vec<Value> = days
        .iter()
        .map(|(day, groups)| {
            let next = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .unwrap()
                .succ_opt()
                .unwrap();
            json!({
                "TimePeriod": {"Start": day, "End": next.format("%Y-%m-%d").to_string()},
                "Total": {},
                "Groups": groups.iter().map(|(k, a)| json!({
                    "Keys": k,
                    "Metrics": {"UnblendedCost": {"Amount": a, "Unit": "USD"}}
                })).collect::<Vec<_>>(),
                "Estimated": false
            })
        })
        .collect();
    let mut body = json!({"results": [{"ResultsByTime": results, "DimensionValueAttributes": []}]});
    if let Some(a) = account {
        body["account_id"] = json!(a);
    }
    let (status, text) = moto::http(
        &moto::url(),
        "POST",
        "/moto-api/static/ce/cost-and-usage-results",
        &[("Content-Type", "application/json")],
        &body.to_string(),
    );
    assert_eq!(status, 201, "{text}");
}

fn cache_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lambdatop-cost-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

pub fn cost(endpoint: &str, cache: &Path, args: &[&str]) -> (Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .arg("cost")
        .args(args)
        .args(["--format", "json"])
        .envs(moto::env(endpoint))
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "cost failed: {stderr}");
    let v = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    (v, stderr)
}

pub fn group<'a>(v: &'a Value, key: &str) -> &'a Value {
    v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key} in {v:#}"))
}

pub fn close(v: &Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() < 1e-6)
}

/// The month's first two days (or the first alone on the 1st), as Cost Explorer would list.
pub fn month_days() -> Vec<String> {
    let today = Utc::now().date_naive();
    let first = today.with_day(1).unwrap();
    let mut days = vec![first.format("%Y-%m-%d").to_string()];
    if today > first {
        days.push(first.succ_opt().unwrap().format("%Y-%m-%d").to_string());
    }
    days
}

/// A function's seeded load: when each minute's invocations were put, how many, and how long
/// each ran.
struct Load {
    invocations: Vec<DateTime<Utc>>,
    per_minute: f64,
    duration_ms: f64,
}

impl Load {
    /// Puts `per_minute` invocations of `duration_ms` each at every minute of `STEADY_MINUTES`.
    /// Lambda sends `Duration` once per invocation ("the amount of time that your function
    /// code spends processing an event", Lambda Developer Guide, *Types of metrics for Lambda
    /// functions*, performance metrics), so its `Average` is an invocation's: one datapoint of
    /// `duration_ms` a minute has the average that minute's invocations have.
    async fn put(region: &str, name: &str, per_minute: f64, duration_ms: f64) -> Self {
        let invocations = put_metric(region, name, "Invocations", per_minute, STEADY_MINUTES).await;
        put_metric(region, name, "Duration", duration_ms, STEADY_MINUTES).await;
        Load {
            invocations,
            per_minute,
            duration_ms,
        }
    }

    /// The list-price estimate (128 MB, x86_64, the standard rates of US East and Stockholm)
    /// of the part of the load put on or after `from`. A month-to-date estimate begins at the
    /// month's first minute, as Cost Explorer's month does: two minutes into a month, the
    /// minutes seeded before it belong to the month before, and the month so far has cost
    /// next to nothing.
    fn estimate_since(&self, from: DateTime<Utc>) -> f64 {
        let minutes = self.invocations.iter().filter(|t| **t >= from).count() as f64;
        let n = minutes * self.per_minute;
        n * 0.2e-6 + n * self.duration_ms / 1000.0 * 0.125 * 0.000_016_666_7
    }
}

/// Functions tagged with `tag` (two projects) and one without, with a steady load on two:
/// alpha-api's 10 invocations a minute of 20 ms, legacy-cron's one of 50 ms.
async fn seed(region: &str, tag: &str) -> [Load; 2] {
    create_function(
        region,
        &Spec {
            tags: &[(tag, "alpha")],
            ..Spec::new("alpha-api")
        },
    )
    .await;
    create_function(
        region,
        &Spec {
            tags: &[(tag, "beta")],
            ..Spec::new("beta-worker")
        },
    )
    .await;
    create_function(region, &Spec::new("legacy-cron")).await;
    [
        Load::put(region, "alpha-api", 10.0, 20.0).await,
        Load::put(region, "legacy-cron", 1.0, 50.0).await,
    ]
}

#[tokio::test]
async fn cost_json_gives_cost_explorers_groups_total_forecast_and_the_estimate() {
    let region = "eu-north-1";
    let tag = "costcentre";
    let [alpha_load, cron_load] = seed(region, tag).await;
    let _turn = COST_EXPLORER.lock().await;
    let days = month_days();
    let (a, b, u) = (
        format!("{tag}$alpha"),
        format!("{tag}$beta"),
        format!("{tag}$"),
    );
    let day1: Vec<(&str, &str)> = vec![(&a, "1.25"), (&b, "0.75"), (&u, "0.10")];
    let day2: Vec<(&str, &str)> = vec![(&a, "2.50"), (&b, "0.25"), (&u, "0.20")];
    let mut seeded: Vec<(&str, &[(&str, &str)])> = vec![(&days[0], &day1)];
    if days.len() > 1 {
        seeded.push((&days[1], &day2));
    }
    queue_cost_results(&seeded);
    let proxy = FaultProxy::start(&moto::url());
    // The estimate reads what the dashboard reads, percentiles too, which moto does not
    // compute: the peer answers them as CloudWatch would for the load seeded (a steady
    // duration is its own p99; an idle function has no datapoint).
    proxy.seed_durations("alpha-api", &[("p99", 20.0)]);
    proxy.seed_durations("legacy-cron", &[("p99", 50.0)]);
    proxy.seed_durations("beta-worker", &[]);
    proxy.answer(
        "GetCostForecast",
        r#"{"Total":{"Amount":"12.5","Unit":"USD"},"ForecastResultsByTime":[]}"#,
    );
    let cache = cache_dir("groups");
    let (v, _) = cost(
        &proxy.url,
        &cache,
        &["--region", region, "--project-tag", tag],
    );

    let two = days.len() > 1;
    let (alpha, beta, untagged) = if two {
        (3.75, 1.0, 0.3)
    } else {
        (1.25, 0.75, 0.1)
    };
    assert_eq!(v["source"], "aws");
    assert_eq!(v["group_by"], "project");
    assert_eq!(v["tag"], tag);
    // The month to date as the program took it (the run may have crossed midnight since the
    // answer was queued): from the first of the month of its today, to the end of its today.
    let day = |k: &str| {
        chrono::NaiveDate::parse_from_str(v["period"][k].as_str().unwrap(), "%Y-%m-%d").unwrap()
    };
    let (start, today) = (day("start"), day("end").pred_opt().unwrap());
    assert_eq!(start, today.with_day(1).unwrap(), "{v:#}");
    assert!(close(&group(&v, "alpha")["mtd_usd"], alpha), "{v:#}");
    assert!(close(&group(&v, "beta")["mtd_usd"], beta), "{v:#}");
    assert!(
        close(&group(&v, "(untagged)")["mtd_usd"], untagged),
        "{v:#}"
    );
    let total = alpha + beta + untagged;
    assert!(close(&v["total_usd"], total), "{v:#}");
    // The forecast is asked from today (GetCostForecast takes a start of the current date),
    // and adds to the whole days before it: today is in one or the other, never in neither.
    let today = today.format("%Y-%m-%d").to_string();
    let before_today: f64 = [
        (&days[0], 1.25 + 0.75 + 0.10),
        (days.last().unwrap(), 2.50 + 0.25 + 0.20),
    ]
    .iter()
    .take(days.len())
    .filter(|(d, _)| **d < today)
    .map(|(_, usd)| usd)
    .sum();
    assert!(close(&v["forecast_usd"], before_today + 12.5), "{v:#}");
    let asked = proxy.bodies("GetCostForecast");
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0].contains(&format!("\"Start\":\"{today}\"")),
        "{}",
        asked[0]
    );
    assert_eq!(v["cache_age_s"], 0);
    assert_eq!(v["groups"][0]["key"], "alpha", "largest bill first");

    // The estimate: 120 invocations of 20 ms on 128 MB, and untagged legacy-cron's 12 of 50 ms,
    // as far as they fall in the month.
    let month = start.and_hms_opt(0, 0, 0).unwrap().and_utc();
    let (alpha_est, cron_est) = (
        alpha_load.estimate_since(month),
        cron_load.estimate_since(month),
    );
    assert!(
        close(&group(&v, "alpha")["estimate_usd"], alpha_est),
        "{v:#}"
    );
    assert!(
        close(&group(&v, "(untagged)")["estimate_usd"], cron_est),
        "{v:#}"
    );
    // beta-worker ran nothing: a settled zero. In a month's first minutes, none of which has
    // settled yet (a minute settles three minutes on), that is unknown, never a zero.
    let into_month = (Utc::now() - month).num_minutes();
    let beta = &group(&v, "beta")["estimate_usd"];
    assert!(
        close(beta, 0.0) || (beta.is_null() && into_month < 5),
        "{v:#}"
    );
    assert!(close(&v["estimate_total_usd"], alpha_est + cron_est));
    // The dashboard's estimate: provisioned concurrency and INIT are in it, and what it
    // leaves out is what every pane says it leaves out.
    let leaves_out = v["estimate_leaves_out"].to_string();
    assert!(!leaves_out.contains("provisioned"), "{v:#}");
    assert!(
        leaves_out.contains("INIT of cold starts whose REPORT lines were not read"),
        "{v:#}"
    );
    assert_eq!(v["problems"], json!([]));

    // The request counter matches what reached the wire, operation by operation.
    let usage = &v["api_usage"];
    for op in usage["operations"].as_array().unwrap() {
        let name = op["operation"].as_str().unwrap();
        assert_eq!(
            op["requests"].as_u64().unwrap() as usize,
            proxy.seen(name),
            "{name}: {v:#}"
        );
    }
    assert_eq!(proxy.seen("GetCostAndUsage"), 1);
    assert_eq!(
        usage["requests"].as_u64().unwrap() as usize,
        proxy.seen_total()
    );
    // The estimate reads what the dashboard reads over the month: every query of every
    // GetMetricData request that went out is billed, with Cost Explorer's two requests and
    // CloudWatch's requests billed one by one (DescribeAlarms, ListMetrics).
    let queries: usize = proxy
        .bodies("GetMetricData")
        .iter()
        .map(|b| b.matches(".Id=").count())
        .sum();
    let metrics = usage["metrics_requested"].as_u64().unwrap();
    assert_eq!(metrics, queries as u64, "{usage:#}");
    let by_request = proxy.seen("DescribeAlarms") + proxy.seen("ListMetrics");
    assert!(
        close(
            &usage["est_cost_usd"],
            2.0 * 0.01 + (metrics as f64 + by_request as f64) * 0.00001
        ),
        "{usage:#}"
    );

    // One name, one number: the dashboard's estimate over the same days is the same figure
    // (asked after the bill above was counted: its requests go through the same peer).
    // The load lies in the last quarter hour; once the month is older than that, any window
    // from the month's first minute holds all of it, whichever minute each command ran in.
    if into_month > 20 {
        let window = format!("{into_month}m");
        let out = moto::lambdatop(
            &proxy.url,
            &[
                "snapshot", "--format", "json", "--window", &window, "--region", region,
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
        for (name, project) in [("alpha-api", "alpha"), ("legacy-cron", "(untagged)")] {
            let shown = &moto::row(&snap, name)["est_cost_usd"];
            assert!(
                close(&group(&v, project)["estimate_usd"], shown.as_f64().unwrap()),
                "{name}: cost {v:#} against snapshot {shown}"
            );
        }
    }
}

#[tokio::test]
async fn a_cached_answer_is_used_until_it_expires_or_refresh_asks() {
    let region = "us-west-2";
    let tag = "cachetag";
    seed(region, tag).await;
    let _turn = COST_EXPLORER.lock().await;
    let key = format!("{tag}$alpha");
    let day: Vec<(&str, &str)> = vec![(&key, "4.00")];
    queue_cost_results(&[(&month_days()[0], &day)]);
    let proxy = FaultProxy::start(&moto::url());
    let cache = cache_dir("ttl");
    let args = ["--region", region, "--project-tag", tag];

    let (first, _) = cost(&proxy.url, &cache, &args);
    assert_eq!(proxy.seen("GetCostAndUsage"), 1);
    assert!(close(&group(&first, "alpha")["mtd_usd"], 4.0));

    // Again within the TTL: the kept answer, no request to Cost Explorer.
    let (second, _) = cost(&proxy.url, &cache, &args);
    assert_eq!(proxy.seen("GetCostAndUsage"), 1, "a cache hit asks nothing");
    assert!(close(&group(&second, "alpha")["mtd_usd"], 4.0));
    assert!(second["cache_age_s"].as_i64().unwrap() >= 0);
    let ce = second["api_usage"]["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["service"] == "Cost Explorer")
        .count();
    assert_eq!(ce, 0, "no Cost Explorer request counted: {second:#}");

    // The table says the answer is a kept one.
    let table = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["cost", "--region", region, "--project-tag", tag])
        .envs(moto::env(&proxy.url))
        .env("XDG_CACHE_HOME", &cache)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("(cached)"), "{text}");
    assert!(text.contains("alpha") && text.contains("$4.00"), "{text}");
    assert_eq!(proxy.seen("GetCostAndUsage"), 1);

    // Seven hours later the answer has expired: one new request.
    let file = std::fs::read_dir(cache.join("lambdatop"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains(tag))
        .expect("the answer is kept on disk");
    let mut entry: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let old = Utc::now() - chrono::Duration::hours(7);
    entry["report"]["fetched_at"] = json!(old.to_rfc3339());
    std::fs::write(&file, entry.to_string()).unwrap();
    let (third, _) = cost(&proxy.url, &cache, &args);
    assert_eq!(proxy.seen("GetCostAndUsage"), 2, "expired: asked again");
    assert_eq!(third["cache_age_s"], 0);

    // --refresh asks even though the answer is fresh.
    let (_, _) = cost(&proxy.url, &cache, &[&args[..], &["--refresh"]].concat());
    assert_eq!(
        proxy.seen("GetCostAndUsage"),
        3,
        "--refresh forces one request"
    );

    // A shorter TTL by flag: the answer is already too old for it.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (_, _) = cost(
        &proxy.url,
        &cache,
        &[&args[..], &["--cost-ttl", "1s"]].concat(),
    );
    assert_eq!(proxy.seen("GetCostAndUsage"), 4);
    let _ = std::fs::remove_dir_all(cache);
}

#[tokio::test]
async fn access_denied_says_so_and_keeps_the_estimate_and_the_last_answer() {
    let region = "eu-west-2";
    let tag = "deniedtag";
    seed(region, tag).await;
    let proxy = FaultProxy::start(&moto::url());
    proxy.inject("GetCostAndUsage", Fault::AccessDenied, None);
    let cache = cache_dir("denied");
    let args = ["--region", region, "--project-tag", tag];
    let (v, _) = cost(&proxy.url, &cache, &args);
    assert_eq!(
        proxy.seen("GetCostAndUsage"),
        1,
        "AccessDenied is not retried"
    );
    assert_eq!(v["total_usd"], Value::Null);
    assert_eq!(v["forecast_usd"], Value::Null);
    assert_eq!(v["cache_age_s"], Value::Null);
    let problems = v["problems"].to_string();
    assert!(
        problems.contains("Cost Explorer: GetCostAndUsage: AccessDeniedException"),
        "{problems}"
    );
    assert_eq!(group(&v, "alpha")["mtd_usd"], Value::Null);
    assert!(group(&v, "alpha")["estimate_usd"].as_f64().unwrap() > 0.0);
    assert!(v["estimate_total_usd"].as_f64().unwrap() > 0.0);

    // With an older answer kept, that answer shows, with its age and the problem.
    let _turn = COST_EXPLORER.lock().await;
    let key = format!("{tag}$alpha");
    let day: Vec<(&str, &str)> = vec![(&key, "9.99")];
    queue_cost_results(&[(&month_days()[0], &day)]);
    proxy.clear();
    let (fresh, _) = cost(&proxy.url, &cache, &args);
    assert!(close(&fresh["total_usd"], 9.99), "{fresh:#}");
    proxy.inject("GetCostAndUsage", Fault::AccessDenied, None);
    let (kept, _) = cost(&proxy.url, &cache, &[&args[..], &["--refresh"]].concat());
    assert!(close(&kept["total_usd"], 9.99), "{kept:#}");
    assert!(
        kept["problems"]
            .to_string()
            .contains("showing the answer kept from"),
        "{kept:#}"
    );
    let _ = std::fs::remove_dir_all(cache);
}

#[tokio::test]
async fn by_region_and_by_function() {
    let region = "us-east-2";
    seed(region, "project").await;
    let _turn = COST_EXPLORER.lock().await;
    // Only the watched region is asked for, so only it is answered.
    let day: Vec<(&str, &str)> = vec![(region, "2.00")];
    queue_cost_results(&[(&month_days()[0], &day)]);
    let proxy = FaultProxy::start(&moto::url());
    let cache = cache_dir("region");
    let (v, _) = cost(
        &proxy.url,
        &cache,
        &["--region", region, "--group-by", "region"],
    );
    assert_eq!(v["group_by"], "region");
    assert!(close(&group(&v, region)["mtd_usd"], 2.0), "{v:#}");
    assert!(group(&v, region)["estimate_usd"].as_f64().unwrap() > 0.0);
    assert_eq!(v["groups"].as_array().unwrap().len(), 1, "{v:#}");
    assert!(close(&v["total_usd"], 2.0));
    let asked = proxy.bodies("GetCostAndUsage");
    assert!(
        asked[0].contains(&format!(r#"{{"Key":"REGION","Values":["{region}"]}}"#)),
        "the bill of the watched region only: {}",
        asked[0]
    );
    assert_eq!(v["scope"]["regions"], json!([region]));

    let (f, _) = cost(
        &proxy.url,
        &cache,
        &["--region", region, "--group-by", "function"],
    );
    let key = format!("alpha-api ({region})");
    assert_eq!(group(&f, &key)["mtd_usd"], Value::Null);
    assert!(group(&f, &key)["estimate_usd"].as_f64().unwrap() > 0.0);
    assert!(
        f["problems"]
            .to_string()
            .contains("does not split Lambda cost by function"),
        "{f:#}"
    );
    let _ = std::fs::remove_dir_all(cache);
}

#[test]
fn the_demo_fleet_has_a_bill_that_adds_up_and_says_it_is_demo() {
    let out = crate::support::lambdatop_without_aws(&["--demo", "cost", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["source"], "demo");
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 7, "six projects and (untagged): {v:#}");
    let sum: f64 = groups.iter().filter_map(|g| g["mtd_usd"].as_f64()).sum();
    assert!(
        close(&v["total_usd"], sum),
        "the groups add up to the total"
    );
    let estimates: f64 = groups
        .iter()
        .filter_map(|g| g["estimate_usd"].as_f64())
        .sum();
    assert!(close(&v["estimate_total_usd"], estimates));
    // The bill holds what the estimate cannot see: what deleted, untagged functions cost.
    assert!(group(&v, "(untagged)")["mtd_usd"].as_f64().unwrap() > 0.0);
    assert_eq!(group(&v, "(untagged)")["estimate_usd"], Value::Null);
    assert!(v["forecast_usd"].as_f64().unwrap() >= v["total_usd"].as_f64().unwrap());
    // The estimate is the dashboard's, provisioned concurrency included: payments-charge keeps
    // 10 environments of 1,536 MB ready in us-east-1 all month, at $0.0000041667 a GB-second
    // (x86_64), which the payments project's estimate holds (two minutes of slack for the run).
    let start =
        chrono::NaiveDate::parse_from_str(v["period"]["start"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
    let seconds = ((Utc::now() - start).num_seconds() - 120).max(0) as f64;
    let kept_ready = seconds * 10.0 * 1.5 * 0.000_004_166_7;
    assert!(
        group(&v, "payments")["estimate_usd"].as_f64().unwrap() >= kept_ready,
        "{kept_ready}: {v:#}"
    );
    assert_eq!(v["api_usage"], Value::Null);

    let table = crate::support::lambdatop_without_aws(&["--demo", "cost"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.starts_with("DEMO fleet · Lambda cost"), "{text}");
    assert!(text.contains("(untagged)") && text.contains("TOTAL") && text.contains("Forecast"));

    let bad = crate::support::lambdatop_without_aws(&["--demo", "cost", "--group-by", "team"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("--group-by"), "{err}");
}

/// A Query-protocol call to moto's `service`, signed (moto does not check signatures) with
/// `access_key`, whose account moto takes as the caller's: the XML answer.
/// `iam:CreateAccountAlias` on moto, in `access_key`'s account.
fn create_alias(access_key: &str, alias: &str) {
    moto::query(
        access_key,
        "iam",
        &format!("Action=CreateAccountAlias&Version=2010-05-08&AccountAlias={alias}"),
    );
}

fn cost_as(
    endpoint: &str,
    cache: &Path,
    creds: &[(String, String)],
    args: &[&str],
) -> (Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .arg("cost")
        .args(args)
        .args(["--format", "json"])
        .envs(moto::env(endpoint))
        .envs(creds.iter().cloned())
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "cost failed: {stderr}");
    (serde_json::from_slice(&out.stdout).expect("JSON"), stderr)
}

/// Two accounts reached with exported credentials and no profile (the second through
/// `sts:AssumeRole`) each get their own bill: the cache is keyed by the account id
/// GetCallerIdentity gives, never by the profile name, and each question is narrowed to its
/// account (*GetCostAndUsage*: a management account's unfiltered answer covers every linked
/// account; `LINKED_ACCOUNT` narrows it). The charge types come apart: usage at on-demand rates
/// beside the net after a Savings Plan (Cost Explorer's `RECORD_TYPE` dimension).
#[tokio::test]
async fn two_accounts_never_share_a_cached_bill_and_each_question_is_its_own() {
    let region = "eu-west-3";
    let tag = "billto";
    create_function(
        region,
        &Spec {
            tags: &[(tag, "ledger")],
            ..Spec::new("two-accounts-ledger")
        },
    )
    .await;
    let staging = "111111111111";
    let b = moto::assumed(staging);
    create_alias(&b[0].1, "staging-payments");
    let _turn = COST_EXPLORER.lock().await;
    let day = month_days()[0].clone();
    let ledger = format!("{tag}$ledger");
    queue_cost_answer(
        None,
        &[(
            &day,
            vec![
                (vec![&ledger, "Usage"], "4.00"),
                (vec![&ledger, "SavingsPlanCoveredUsage"], "6.00"),
                (vec![&ledger, "SavingsPlanNegation"], "-6.00"),
                (vec![&ledger, "Credit"], "-1.00"),
            ],
        )],
    );
    queue_cost_answer(
        Some(staging),
        &[(&day, vec![(vec![&ledger, "Usage"], "0.42")])],
    );
    let proxy = FaultProxy::start(&moto::url());
    proxy.answer(
        "GetCostForecast",
        r#"{"Total":{"Amount":"1.0","Unit":"USD"},"ForecastResultsByTime":[]}"#,
    );
    let cache = cache_dir("accounts");
    let args = ["--region", region, "--project-tag", tag];

    let (a, _) = cost_as(&proxy.url, &cache, &[], &args);
    assert_eq!(a["account_id"], "123456789012", "{a:#}");
    assert_eq!(a["from_cache"], false);
    assert!(close(&a["total_usd"], 10.0), "usage, gross: {a:#}");
    assert!(
        close(&a["net_total_usd"], 3.0),
        "after the plan and the credit: {a:#}"
    );
    assert!(close(&group(&a, "ledger")["net_usd"], 3.0), "{a:#}");
    assert_eq!(
        a["scope"],
        json!({
            "accounts": ["123456789012"],
            "regions": [region],
            "cost_metric": "UnblendedCost",
            "record_types": ["Usage", "SavingsPlanCoveredUsage", "DiscountedUsage"]
        })
    );
    let asked = proxy.bodies("GetCostAndUsage");
    assert!(
        asked[0].contains(r#"{"Key":"LINKED_ACCOUNT","Values":["123456789012"]}"#)
            && asked[0].contains(r#"{"Type":"DIMENSION","Key":"RECORD_TYPE"}"#),
        "{}",
        asked[0]
    );
    let forecast = proxy.bodies("GetCostForecast");
    assert!(
        forecast[0].contains(
            r#""Key":"RECORD_TYPE","Values":["Usage","SavingsPlanCoveredUsage","DiscountedUsage"]"#
        ),
        "the forecast is of the same charge types: {}",
        forecast[0]
    );

    // The other account, same cache, same (absent) profile: its own question and answer.
    let (s, _) = cost_as(&proxy.url, &cache, &b, &args);
    assert_eq!(s["account_id"], staging, "{s:#}");
    assert_eq!(s["from_cache"], false, "never the first account's answer");
    assert!(close(&s["total_usd"], 0.42), "{s:#}");
    assert_eq!(s["scope"]["accounts"], json!([staging]));
    assert_eq!(proxy.seen("GetCostAndUsage"), 2);

    // Each account's answer is kept apart and comes back for it alone.
    let (again, _) = cost_as(&proxy.url, &cache, &[], &args);
    assert_eq!(again["from_cache"], true);
    assert!(close(&again["total_usd"], 10.0), "{again:#}");
    let files = std::fs::read_dir(cache.join("lambdatop")).unwrap().count();
    assert_eq!(files, 2, "one cached bill per account");

    // The whole bill, when asked for: no account filter, and said so.
    queue_cost_answer(None, &[(&day, vec![(vec![&ledger, "Usage"], "25.00")])]);
    let (org, _) = cost_as(
        &proxy.url,
        &cache,
        &[],
        &[&args[..], &["--all-accounts"]].concat(),
    );
    assert_eq!(org["scope"]["accounts"], "all", "{org:#}");
    assert!(close(&org["total_usd"], 25.0), "{org:#}");
    let asked = proxy.bodies("GetCostAndUsage");
    assert!(!asked.last().unwrap().contains("LINKED_ACCOUNT"));

    // The snapshot and the header say whose account, with its alias where it has one.
    let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["snapshot", "--format", "json", "--region", region])
        .envs(moto::env(&moto::url()))
        .envs(b.iter().cloned())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(snap["account_id"], staging);
    assert_eq!(snap["account_alias"], "staging-payments");
    let _ = std::fs::remove_dir_all(cache);
}
