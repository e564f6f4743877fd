//! Event sources against moto: SQS queues mapped to functions (moto's CreateEventSourceMapping,
//! one enabled and one disabled), listed with ListEventSourceMappings (`State`,
//! `StateTransitionReason`, `LastProcessingResult`, Lambda API Reference,
//! *EventSourceMappingConfiguration*), with each queue's backlog from GetQueueAttributes
//! (`ApproximateNumberOfMessages`, `RedrivePolicy` for its dead-letter queue, Amazon SQS API
//! Reference) and its oldest message's age from CloudWatch (`AWS/SQS`
//! `ApproximateAgeOfOldestMessage`, put here as SQS would publish it). A disabled mapping is a
//! breach even while its function is idle.

use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::Value;

use crate::fault_proxy::FaultProxy;
use crate::moto::{self, STEADY_MINUTES, Spec, create_function, put_metric, row, snapshot_json};
use crate::support::line_with;

const REGION: &str = "ap-southeast-4";

async fn queue(name: &str, attributes: &[(QueueAttributeName, String)]) -> (String, String) {
    let sqs = moto::sqs(REGION);
    let mut create = sqs.create_queue().queue_name(name);
    for (k, v) in attributes {
        create = create.attributes(k.clone(), v.clone());
    }
    let url = create
        .send()
        .await
        .expect("CreateQueue")
        .queue_url()
        .unwrap()
        .to_string();
    let arn = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("GetQueueAttributes")
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
        .unwrap();
    (url, arn)
}

async fn map(function: &str, queue_arn: &str, enabled: bool) {
    moto::lambda(REGION)
        .create_event_source_mapping()
        .function_name(function)
        .event_source_arn(queue_arn)
        .enabled(enabled)
        .send()
        .await
        .expect("CreateEventSourceMapping");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_consumer_breaches_and_each_queue_shows_its_backlog() {
    for name in ["src-worker", "src-paused", "src-idle"] {
        create_function(REGION, &Spec::new(name)).await;
    }
    put_metric(REGION, "src-worker", "Invocations", 10.0, STEADY_MINUTES).await;
    let (_, dlq_arn) = queue("src-orders-dlq", &[]).await;
    let redrive = serde_json::json!({ "deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5" });
    let (orders_url, orders_arn) = queue(
        "src-orders",
        &[(QueueAttributeName::RedrivePolicy, redrive.to_string())],
    )
    .await;
    let (_, paused_arn) = queue("src-paused-queue", &[]).await;
    // Messages wait before the mapping is made: moto would try to run the function for any
    // sent after.
    for i in 0..3 {
        moto::sqs(REGION)
            .send_message()
            .queue_url(&orders_url)
            .message_body(format!("order {i}"))
            .send()
            .await
            .expect("SendMessage");
    }
    map("src-worker", &orders_arn, true).await;
    map("src-paused", &paused_arn, false).await;
    crate::moto::put_metric_in(
        REGION,
        "AWS/SQS",
        &[("QueueName", "src-orders")],
        "ApproximateAgeOfOldestMessage",
        120.0,
        STEADY_MINUTES,
    )
    .await;

    let proxy = FaultProxy::start(&moto::url());
    let v = snapshot_json(&proxy.url, REGION, &[]);
    let worker = &row(&v, "src-worker")["event_sources"];
    assert_eq!(worker.as_array().map(Vec::len), Some(1), "{worker}");
    let m = &worker[0];
    assert_eq!(m["arn"], orders_arn.as_str());
    assert_eq!(m["kind"], "sqs");
    assert_eq!(m["state"], "Enabled");
    assert_eq!(m["messages_visible"], 3);
    assert_eq!(m["oldest_message_age_s"], 120.0);
    assert_eq!(m["dead_letter_queue"], dlq_arn.as_str());
    assert_eq!(m["dead_letter_messages_visible"], 0);
    assert_eq!(
        m["iterator_age_max_ms"],
        Value::Null,
        "a queue has no iterator"
    );
    let paused = &row(&v, "src-paused")["event_sources"][0];
    assert_eq!(paused["state"], "Disabled", "{paused}");
    assert_eq!(paused["messages_visible"], 0);
    // A function that reads nothing: `[]`, not null.
    assert_eq!(row(&v, "src-idle")["event_sources"], serde_json::json!([]));
    assert_eq!(proxy.seen("ListEventSourceMappings"), 1);

    // In a terminal: the header counts the stopped consumer, its row says `off` and breaches
    // though it is idle; the detail lists the queue with its backlog.
    let mut tui = moto::dashboard(&proxy.url, REGION, 160, 48);
    let screen = tui
        .wait_for(Duration::from_secs(40), |s| {
            s.contains("1 event source stopped or failing")
                && line_with(s, "src-paused").is_some_and(|r| r.contains("off"))
        })
        .unwrap_or_else(|s| panic!("no stopped consumer:\n{s}"));
    assert!(screen.contains("src-worker"), "{screen}");
    tui.send(":fn src-worker\r");
    let screen = tui
        .wait_for(Duration::from_secs(20), |s| {
            s.contains("src-orders · Enabled") && s.contains("3 waiting")
        })
        .unwrap_or_else(|s| panic!("no queue in the detail:\n{s}"));
    assert!(screen.contains("DLQ src-orders-dlq 0"), "{screen}");
    assert_eq!(tui.quit(), Some(0));
}
