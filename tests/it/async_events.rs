//! Asynchronous invocation against moto: the functions that receive asynchronous events are
//! found with ListMetrics (`AsyncEventsReceived`, `RecentlyActive=PT3H`), their queue figures
//! read (Lambda Developer Guide, *Types of metrics for Lambda functions*: `AsyncEventsReceived`,
//! `AsyncEventAge`, `AsyncEventsDropped`, `DeadLetterErrors`, `DestinationDeliveryFailures`),
//! and where failed events go: the dead-letter queue of the function's configuration
//! (`DeadLetterConfig`, which moto accepts but leaves out of its answers, so the peer adds it as
//! the Lambda API Reference's *FunctionConfiguration* gives it) and its on-failure destination
//! (moto's PutFunctionEventInvokeConfig, read with ListFunctionEventInvokeConfigs).

use std::time::Duration;

use aws_sdk_lambda::types::{DestinationConfig, OnFailure};
use serde_json::Value;

use crate::fault_proxy::FaultProxy;
use crate::moto::{self, STEADY_MINUTES, Spec, create_function, put_metric, row, snapshot_json};
use crate::support::line_with;

const REGION: &str = "ap-southeast-4";

#[tokio::test(flavor = "multi_thread")]
async fn lost_and_ageing_events_are_read_for_the_functions_that_have_them() {
    for name in ["evt-thumbnailer", "evt-api"] {
        create_function(REGION, &Spec::new(name)).await;
        put_metric(REGION, name, "Invocations", 30.0, STEADY_MINUTES).await;
    }
    let dlq = "arn:aws:sqs:ap-southeast-4:123456789012:evt-thumbnailer-dlq";
    let destination = "arn:aws:sns:ap-southeast-4:123456789012:evt-failures";
    moto::lambda(REGION)
        .put_function_event_invoke_config()
        .function_name("evt-thumbnailer")
        .destination_config(
            DestinationConfig::builder()
                .on_failure(OnFailure::builder().destination(destination).build())
                .build(),
        )
        .send()
        .await
        .expect("PutFunctionEventInvokeConfig");
    for (metric, value) in [
        ("AsyncEventsReceived", 30.0),
        ("AsyncEventAge", 45_000.0),
        ("AsyncEventsDropped", 2.0),
        ("DestinationDeliveryFailures", 1.0),
    ] {
        put_metric(REGION, "evt-thumbnailer", metric, value, STEADY_MINUTES).await;
    }
    let proxy = FaultProxy::start(&moto::url());
    proxy.configuration_field(
        "evt-thumbnailer",
        "DeadLetterConfig",
        serde_json::json!({ "TargetArn": dlq }),
    );

    let v = snapshot_json(&proxy.url, REGION, &[]);
    let t = row(&v, "evt-thumbnailer");
    // Twelve minutes of each.
    assert_eq!(t["async_events_received"], 360);
    assert_eq!(t["async_events_dropped"], 24);
    assert_eq!(t["async_event_age_max_ms"], 45_000.0);
    assert_eq!(t["dead_letter_errors"], 0, "read, and none");
    assert_eq!(t["destination_delivery_failures"], 12);
    assert_eq!(t["dead_letter_target"], dlq);
    assert_eq!(
        t["on_failure_destination"], destination,
        "{}",
        v["problems"]
    );
    // A function with no asynchronous events has none of these figures, and is not asked.
    let api = row(&v, "evt-api");
    for field in [
        "async_events_received",
        "async_events_dropped",
        "async_event_age_max_ms",
        "dead_letter_errors",
        "destination_delivery_failures",
    ] {
        assert_eq!(api[field], Value::Null, "{field}");
    }
    assert!(
        proxy
            .bodies("GetMetricData")
            .concat()
            .contains("AsyncEventAge")
    );
    let listed = proxy.bodies("ListMetrics");
    assert_eq!(listed.len(), 1, "once, with the inventory");
    assert!(
        listed[0].contains("RecentlyActive=PT3H")
            && listed[0].contains("MetricName=AsyncEventsReceived"),
        "{listed:?}"
    );
    assert_eq!(
        proxy.seen("ListFunctionEventInvokeConfigs"),
        1,
        "only the async function"
    );

    // In a terminal: the row breaches, with its lost events and the oldest event's wait.
    let tui = moto::dashboard(&proxy.url, REGION, 160, 48);
    let screen = tui
        .wait_for(Duration::from_secs(40), |s| {
            line_with(s, "evt-thumbnailer").is_some_and(|r| r.contains(" 36 "))
        })
        .unwrap_or_else(|s| panic!("no lost events on the row:\n{s}"));
    let header = line_with(&screen, "FUNCTION").unwrap();
    assert!(
        header.contains("LOST") && header.contains("AGE"),
        "{header}"
    );
    assert!(
        line_with(&screen, "evt-thumbnailer")
            .unwrap()
            .contains("45s"),
        "{screen}"
    );
    assert_eq!(tui.quit(), Some(0));
}
