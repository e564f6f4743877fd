//! `lambdatop check` against moto: the exit code a deploy or rollback script reads.
//!
//! CloudWatch keeps adding datapoints to a minute for a while after it ends (Lambda
//! Developer Guide, *Viewing metrics for Lambda functions*: "look more than N minutes in the
//! past for accurate metrics"): `check` judges only minutes that have settled, three or more
//! behind for a function that runs at most a minute.

use chrono::{Timelike, Utc};

use crate::moto::{self, Spec, create_function, lambdatop, put_metric};

const REGION: &str = "eu-central-2";

fn run(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["--region", REGION, "check"];
    all.extend_from_slice(args);
    let out = lambdatop(&moto::url(), &all);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_failing_function_exits_1_a_healthy_one_0_and_an_unreachable_account_2() {
    create_function(REGION, &Spec::new("gate-failing")).await;
    create_function(REGION, &Spec::new("gate-healthy")).await;
    for f in ["gate-failing", "gate-healthy"] {
        put_metric(REGION, f, "Invocations", 100.0, 1..=12).await;
        put_metric(REGION, f, "Duration", 120.0, 1..=12).await;
    }
    put_metric(REGION, "gate-failing", "Errors", 20.0, 1..=12).await;

    let (code, out, err) = run(&["--function", "gate-failing"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("gate-failing (eu-central-2): error rate 20.0% ≥ 5.0% (100 errors of 500"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "one line per breach: {out}");
    assert!(err.contains("5 settled minutes"), "{err}");

    // The flags' threshold, and JSON for machines.
    let (code, out, _) = run(&[
        "--function",
        "gate-failing",
        "--max-error-rate",
        "25%",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["healthy"], true);
    assert_eq!(v["functions"], 1);

    let (code, out, err) = run(&["--function", "gate-healthy"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out, "", "a healthy gate prints no breach");

    let (code, out, _) = run(&[
        "--function",
        "gate-failing",
        "--function",
        "gate-healthy",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["breaches"].as_array().unwrap().len(), 1);
    assert_eq!(v["breaches"][0]["function"], "gate-failing");
    assert_eq!(v["breaches"][0]["rule"], "errors");
    assert_eq!(v["breaches"][0]["value"], 0.2);

    // A name that matches nothing is not a pass.
    let (code, _, err) = run(&["--function", "gate-typo"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no function matches --function gate-typo"),
        "{err}"
    );

    // Nothing listening: the account could not be read.
    let (code, out, err) = run(&["--endpoint-url", "http://127.0.0.1:9"]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

#[tokio::test]
async fn wait_turns_a_breach_into_health_when_the_errors_stop() {
    // The errors stop at the minute judged now: the next minute to settle has none. Start
    // early in a minute, so that the first judgement sees them.
    let second = Utc::now().second();
    if second > 40 {
        tokio::time::sleep(std::time::Duration::from_secs(u64::from(61 - second))).await;
    }
    create_function(REGION, &Spec::new("gate-recovering")).await;
    put_metric(REGION, "gate-recovering", "Invocations", 100.0, 1..=12).await;
    put_metric(REGION, "gate-recovering", "Errors", 30.0, 4..=12).await;

    let (code, out, _) = run(&["--function", "gate-recovering", "--window", "1m"]);
    assert_eq!(code, 1, "the judged minute has errors: {out}");

    let began = std::time::Instant::now();
    let (code, out, err) = run(&[
        "--function",
        "gate-recovering",
        "--window",
        "1m",
        "--interval",
        "5",
        "--wait",
        "3m",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("1 breach(es)"),
        "it saw the breach first: {err}"
    );
    assert!(err.contains("polling again in 5s"), "{err}");
    assert_eq!(out, "");
    assert!(began.elapsed() < std::time::Duration::from_secs(90));
}
