//! What is paging: CloudWatch alarms against moto, and through the realistic peer where moto
//! falls short. Moto serves metric alarms (PutMetricAlarm, SetAlarmState, DescribeAlarms with
//! `StateValue`) but not composite alarms, and it returns every kind whatever `AlarmTypes`
//! says; the peer serves a composite alarm as the CloudWatch API Reference documents
//! (*DescribeAlarms*: without `AlarmTypes`, "only metric alarms are returned, even if composite
//! alarms exist in the account"; *CompositeAlarm*: `AlarmRule`, `StateTransitionedTimestamp`).

use std::time::Duration;

use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, Metric, MetricDataQuery, MetricStat, StateValue, Statistic,
};
use serde_json::Value;

use crate::fault_proxy::{Composite, Fault, FaultProxy};
use crate::moto::{self, STEADY_MINUTES, Spec, create_function, put_metric, row, snapshot_json};
use crate::support::line_with;

const REGION: &str = "ap-southeast-4";

fn function_dimension(name: &str) -> Dimension {
    Dimension::builder()
        .name("FunctionName")
        .value(name)
        .build()
}

/// A metric alarm on a function's errors, put into `state` with `reason`.
async fn errors_alarm(name: &str, function: &str, state: StateValue, reason: &str) {
    let cw = moto::cloudwatch(REGION);
    cw.put_metric_alarm()
        .alarm_name(name)
        .namespace("AWS/Lambda")
        .metric_name("Errors")
        .dimensions(function_dimension(function))
        .statistic(Statistic::Sum)
        .period(60)
        .evaluation_periods(2)
        .threshold(5.0)
        .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
        .send()
        .await
        .expect("PutMetricAlarm");
    set_state(name, state, reason).await;
}

async fn set_state(name: &str, state: StateValue, reason: &str) {
    moto::cloudwatch(REGION)
        .set_alarm_state()
        .alarm_name(name)
        .state_value(state)
        .state_reason(reason)
        .send()
        .await
        .expect("SetAlarmState");
}

fn names(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .unwrap_or_else(|| panic!("a list: {v}"))
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn alarms_in_alarm_are_mapped_to_their_functions_shown_and_printed() {
    for name in ["alm-failing", "alm-math", "alm-quiet"] {
        create_function(REGION, &Spec::new(name)).await;
    }
    put_metric(REGION, "alm-failing", "Invocations", 50.0, STEADY_MINUTES).await;
    put_metric(REGION, "alm-failing", "Errors", 9.0, STEADY_MINUTES).await;
    put_metric(REGION, "alm-quiet", "Invocations", 20.0, STEADY_MINUTES).await;

    let reason = "Threshold Crossed: 2 out of the last 2 datapoints were greater than or equal to the threshold (5.0).";
    errors_alarm(
        "alm-failing-errors",
        "alm-failing",
        StateValue::Alarm,
        reason,
    )
    .await;
    errors_alarm("alm-quiet-errors", "alm-quiet", StateValue::Ok, "fine").await;
    // A metric-math alarm: the function is named in its query, not its own dimensions.
    let query = MetricDataQuery::builder()
        .id("p99")
        .metric_stat(
            MetricStat::builder()
                .metric(
                    Metric::builder()
                        .namespace("AWS/Lambda")
                        .metric_name("Duration")
                        .dimensions(function_dimension("alm-math"))
                        .build(),
                )
                .period(60)
                .stat("p99")
                .build(),
        )
        .return_data(true)
        .build();
    moto::cloudwatch(REGION)
        .put_metric_alarm()
        .alarm_name("alm-math-p99")
        .metrics(query)
        .evaluation_periods(3)
        .threshold(2000.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .expect("PutMetricAlarm with metrics");
    // What paged may watch no function at all: it is listed, with no function.
    moto::cloudwatch(REGION)
        .put_metric_alarm()
        .alarm_name("alm-queue-depth")
        .namespace("AWS/SQS")
        .metric_name("ApproximateAgeOfOldestMessage")
        .dimensions(
            Dimension::builder()
                .name("QueueName")
                .value("orders")
                .build(),
        )
        .statistic(Statistic::Maximum)
        .period(60)
        .evaluation_periods(1)
        .threshold(300.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .expect("PutMetricAlarm on SQS");
    set_state(
        "alm-queue-depth",
        StateValue::Alarm,
        "oldest message 20 min",
    )
    .await;

    let proxy = FaultProxy::start(&moto::url());
    proxy.composite_alarm(Composite {
        name: "alm-health".into(),
        rule: r#"ALARM("alm-failing-errors") OR ALARM(arn:aws:cloudwatch:ap-southeast-4:123456789012:alarm:alm-math-p99)"#.into(),
        state: "ALARM".into(),
        reason: "arn:aws:cloudwatch:ap-southeast-4:123456789012:alarm:alm-failing-errors transitioned to ALARM".into(),
        since: "2026-12-04T01:58:00Z".into(),
    });

    let v = snapshot_json(&proxy.url, REGION, &[]);
    // The top-level list: every alarm in ALARM, watching a function or not.
    let alarms = v["alarms"].as_array().expect("alarms read");
    let by_name = |n: &str| {
        alarms
            .iter()
            .find(|a| a["name"] == n)
            .unwrap_or_else(|| panic!("{n} in {alarms:?}"))
    };
    assert_eq!(alarms.len(), 3, "{alarms:?}");
    let failing = by_name("alm-failing-errors");
    assert_eq!(failing["state"], "ALARM");
    assert_eq!(failing["region"], REGION);
    assert_eq!(failing["function"], "alm-failing");
    assert_eq!(failing["reason"], reason);
    assert_eq!(failing["kind"], "metric");
    assert!(
        failing["since"].as_str().unwrap().ends_with('Z'),
        "{failing}"
    );
    let health = by_name("alm-health");
    assert_eq!(health["kind"], "composite");
    assert_eq!(health["since"], "2026-12-04T01:58:00Z");
    assert_eq!(
        names(&health["functions"]),
        ["alm-failing", "alm-math"],
        "a composite alarm watches what its children watch"
    );
    assert_eq!(by_name("alm-queue-depth")["function"], Value::Null);

    // Each row: the names of its alarms in ALARM.
    assert_eq!(
        names(&row(&v, "alm-failing")["alarms"]),
        ["alm-failing-errors", "alm-health"]
    );
    assert_eq!(names(&row(&v, "alm-math")["alarms"]), ["alm-health"]);
    assert_eq!(row(&v, "alm-quiet")["alarms"], serde_json::json!([]));

    // Every question named both kinds: the composite came only because it was asked for.
    let asked = proxy.bodies("DescribeAlarms");
    assert!(!asked.is_empty());
    assert!(
        asked
            .iter()
            .all(|b| b.contains("AlarmTypes.member.2=CompositeAlarm")
                || b.contains("AlarmTypes.member.1=CompositeAlarm")),
        "{asked:?}"
    );
    // Counted in the dashboard's own bill.
    let ops = v["api_usage"]["operations"].as_array().unwrap();
    assert!(
        ops.iter()
            .any(|o| o["operation"] == "DescribeAlarms" && o["requests"].as_u64() >= Some(1)),
        "{ops:?}"
    );

    // The same account in a terminal: the header counts them, the rows are marked and come
    // first, `a` lists them, Enter goes to the function.
    let mut tui = moto::dashboard(&proxy.url, REGION, 120, 36);
    let wait = Duration::from_secs(40);
    let screen = tui
        .wait_for(wait, |s| {
            s.contains("3 alarms in ALARM") && line_with(s, "alm-math").is_some()
        })
        .unwrap_or_else(|s| panic!("no alarms in the header:\n{s}"));
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains("alm-")).collect();
    // alm-math has no errors but an alarm in ALARM: above alm-quiet.
    assert!(
        rows[0].contains("alm-failing") && rows[1].contains("alm-math"),
        "{screen}"
    );
    assert!(
        line_with(&screen, "alm-failing").unwrap().contains(" 2 "),
        "{screen}"
    );
    tui.send("a");
    let screen = tui
        .wait_for(wait, |s| s.contains("Alarms · 3 in ALARM"))
        .unwrap_or_else(|s| panic!("no alarms view:\n{s}"));
    let listed: Vec<&str> = screen.lines().filter(|l| l.contains("alm-")).collect();
    assert!(listed[0].contains("alm-queue-depth") || listed[0].contains("alm-failing-errors"));
    assert!(
        line_with(&screen, "alm-failing-errors")
            .is_some_and(|l| l.contains("ALARM") && l.contains("Threshold Crossed")),
        "{screen}"
    );
    assert!(
        line_with(&screen, "alm-quiet-errors").is_some_and(|l| l.contains("OK")),
        "alarms not in ALARM follow:\n{screen}"
    );
    // The firing alarms come first; the composite is the oldest of them.
    let position = |n: &str| listed.iter().position(|l| l.contains(n)).unwrap();
    assert!(
        position("alm-health") < position("alm-quiet-errors"),
        "{screen}"
    );
    // Down to the failing function's own alarm, and Enter: its detail.
    let target = position("alm-failing-errors");
    for _ in 0..target {
        tui.send("j");
    }
    tui.send("\r");
    let screen = tui
        .wait_for(wait, |s| s.contains("alarms ▲ alm-failing-errors in ALARM"))
        .unwrap_or_else(|s| panic!("no detail of alm-failing:\n{s}"));
    assert!(screen.contains("alm-failing"), "{screen}");
    assert_eq!(tui.quit(), Some(0));

    // Alarms that cannot be read are unknown, not none; the figures stay.
    proxy.inject("DescribeAlarms", Fault::AccessDenied, None);
    let v = snapshot_json(&proxy.url, REGION, &[]);
    assert_eq!(v["alarms"], Value::Null, "{}", v["alarms"]);
    assert_eq!(row(&v, "alm-failing")["alarms"], Value::Null);
    assert_eq!(
        row(&v, "alm-failing")["errors"],
        108,
        "9 a minute for 12 minutes"
    );
    let problems = v["problems"].to_string();
    assert!(problems.contains("alarms"), "{problems}");
}

/// A monitoring account's alarm on a linked account's function names that account in its
/// query (CloudWatch API Reference, *MetricDataQuery*: `AccountId`, "the ID of the account
/// where the metrics are located"). It watches the linked account's function, not the
/// monitoring account's own function of the same name: that one is not marked as alarming.
#[tokio::test]
async fn a_cross_account_alarm_is_not_pinned_to_a_function_of_the_same_name_here() {
    use crate::accounts::create_in;
    const MONITORING: &str = "717171717171";
    let region = "eu-west-1";
    create_in(MONITORING, region, "orders-worker", &[]).await;
    let cw = crate::accounts::cloudwatch_of(MONITORING, region);
    let query = |account: Option<&str>| {
        MetricDataQuery::builder()
            .id("errors")
            .set_account_id(account.map(str::to_string))
            .metric_stat(
                MetricStat::builder()
                    .metric(
                        Metric::builder()
                            .namespace("AWS/Lambda")
                            .metric_name("Errors")
                            .dimensions(function_dimension("orders-worker"))
                            .build(),
                    )
                    .period(60)
                    .stat("Sum")
                    .build(),
            )
            .return_data(true)
            .build()
    };
    for (name, account) in [
        ("linked-orders-errors", Some("828282828282")),
        ("own-orders-errors", Some(MONITORING)),
    ] {
        alarming(&cw, name, query(account)).await;
    }
    // moto keeps no query's AccountId: the peer gives it back as AWS does.
    let proxy = FaultProxy::start(&moto::url());
    proxy.query_account("linked-orders-errors", "828282828282");
    proxy.query_account("own-orders-errors", MONITORING);
    let args = ["--window", "15m", "--region", region];
    let v = crate::accounts::snapshot_as(&proxy.url, MONITORING, &args);
    assert_eq!(
        names(&row(&v, "orders-worker")["alarms"]),
        ["own-orders-errors"],
        "only the alarm on this account's function"
    );
    let linked = v["alarms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "linked-orders-errors")
        .expect("the cross-account alarm is listed");
    assert_eq!(linked["functions"], serde_json::json!([]), "{linked}");
}

/// An alarm on a Metrics Insights query watches the functions its `WHERE` names (CloudWatch
/// User Guide, *Create an alarm on a Metrics Insights query*; *Metrics Insights query
/// components and syntax*): `FunctionName = '…'` or `IN (…)`. Before, such an alarm matched no
/// function, so the one it pages about was not marked. One over every function (`GROUP BY`,
/// no name) names none.
#[tokio::test]
async fn a_metrics_insights_alarm_watches_the_functions_its_query_names() {
    use crate::accounts::create_in;
    const ACCOUNT: &str = "676767676767";
    let region = "eu-west-1";
    for name in ["mi-orders", "mi-payments", "mi-quiet"] {
        create_in(ACCOUNT, region, name, &[]).await;
    }
    let cw = crate::accounts::cloudwatch_of(ACCOUNT, region);
    for (alarm, sql) in [
        (
            "mi-orders-errors",
            "SELECT MAX(Errors) FROM SCHEMA(\"AWS/Lambda\", FunctionName) WHERE FunctionName = 'mi-orders'",
        ),
        (
            "mi-pair-throttles",
            "SELECT SUM(Throttles) FROM \"AWS/Lambda\" WHERE FunctionName IN ('mi-orders', 'mi-payments')",
        ),
        (
            "mi-every-function",
            "SELECT MAX(Errors) FROM SCHEMA(\"AWS/Lambda\", FunctionName) GROUP BY FunctionName",
        ),
    ] {
        let query = MetricDataQuery::builder()
            .id("q1")
            .expression(sql)
            .period(60)
            .return_data(true)
            .build();
        alarming(&cw, alarm, query).await;
    }
    let args = ["--window", "15m", "--region", region];
    let v = crate::accounts::snapshot_as(&moto::url(), ACCOUNT, &args);
    assert_eq!(
        names(&row(&v, "mi-orders")["alarms"]),
        ["mi-orders-errors", "mi-pair-throttles"]
    );
    assert_eq!(
        names(&row(&v, "mi-payments")["alarms"]),
        ["mi-pair-throttles"]
    );
    assert!(names(&row(&v, "mi-quiet")["alarms"]).is_empty());
    let every = v["alarms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "mi-every-function")
        .expect("listed, watching no function by name");
    assert_eq!(every["functions"], serde_json::json!([]), "{every}");
}

/// Puts alarm `name` on `query` (over 1 in one period) and sets it in ALARM, as a breach would.
async fn alarming(cw: &aws_sdk_cloudwatch::Client, name: &str, query: MetricDataQuery) {
    cw.put_metric_alarm()
        .alarm_name(name)
        .metrics(query)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .expect("PutMetricAlarm");
    cw.set_alarm_state()
        .alarm_name(name)
        .state_value(StateValue::Alarm)
        .state_reason("threshold crossed")
        .send()
        .await
        .expect("SetAlarmState");
}
