//! What feeds each function: its event-source mappings (queues, streams, Kafka topics) as
//! Lambda reports them (API Reference, *EventSourceMappingConfiguration*: `State`,
//! `StateTransitionReason`, `LastProcessingResult`), with a queue's backlog. A consumer that
//! stopped must not look healthy because its function is idle: a mapping that is not
//! `Enabled`, or whose last processing result is a problem, is a breach on its own.

/// What a mapping reads, from its source's ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceType {
    Sqs,
    Kinesis,
    DynamoDb,
    Kafka,
    Mq,
    DocumentDb,
    Other,
}

impl SourceType {
    /// From the event source's ARN (a self-managed Kafka cluster has none: `None` is Kafka).
    pub fn of(arn: Option<&str>) -> SourceType {
        let Some(arn) = arn else {
            return SourceType::Kafka;
        };
        match arn.split(':').nth(2) {
            Some("sqs") => SourceType::Sqs,
            Some("kinesis") => SourceType::Kinesis,
            Some("dynamodb") => SourceType::DynamoDb,
            Some("kafka") => SourceType::Kafka,
            Some("mq") => SourceType::Mq,
            Some("rds") => SourceType::DocumentDb,
            _ => SourceType::Other,
        }
    }

    /// Whether it is read as a stream, with an iterator (or offset) that can fall behind.
    pub fn is_stream(self) -> bool {
        matches!(
            self,
            SourceType::Kinesis | SourceType::DynamoDb | SourceType::Kafka | SourceType::DocumentDb
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::Sqs => "sqs",
            SourceType::Kinesis => "kinesis",
            SourceType::DynamoDb => "dynamodb",
            SourceType::Kafka => "kafka",
            SourceType::Mq => "mq",
            SourceType::DocumentDb => "documentdb",
            SourceType::Other => "other",
        }
    }
}

/// A queue's backlog, now.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Backlog {
    /// Messages waiting (`ApproximateNumberOfMessages`, GetQueueAttributes).
    pub visible: Option<u64>,
    /// The oldest message's age, in seconds (CloudWatch `AWS/SQS`
    /// `ApproximateAgeOfOldestMessage`, the newest minute's maximum).
    pub oldest_age_s: Option<f64>,
}

/// One event-source mapping of a function.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EventSource {
    pub uuid: String,
    /// The queue, stream or cluster it reads (a self-managed Kafka cluster: its first
    /// bootstrap server).
    pub arn: String,
    pub kind: SourceType,
    /// `Enabled`, `Disabled`, `Creating`, `Enabling`, `Disabling`, `Updating`, `Deleting`.
    pub state: String,
    pub state_reason: Option<String>,
    /// `OK`, `No records processed`, or `PROBLEM: …`.
    pub last_result: Option<String>,
    /// An SQS queue's backlog (`None` for other kinds, or not read).
    pub backlog: Option<Backlog>,
    /// The queue's redrive dead-letter queue, and its backlog.
    pub dead_letter: Option<(String, Backlog)>,
}

impl EventSource {
    /// The queue, stream or table in a word: `orders` of `arn:aws:sqs:…:orders`, `catalog` of
    /// `…:table/catalog/stream/…`, `payments-ledger` of `…:stream/payments-ledger`.
    pub fn name(&self) -> &str {
        let arn = self.arn.as_str();
        if let Some((_, rest)) = arn.split_once(":table/") {
            return rest.split('/').next().unwrap_or(rest);
        }
        if let Some((_, rest)) = arn.split_once(":stream/") {
            return rest.split('/').next().unwrap_or(rest);
        }
        arn.rsplit(':').next().unwrap_or(arn)
    }

    /// Not reading: disabled, or on its way to or from it.
    pub fn stopped(&self) -> bool {
        self.state != "Enabled"
    }

    /// Its last batch could not be processed (`PROBLEM: …`).
    pub fn failing(&self) -> bool {
        self.last_result
            .as_deref()
            .is_some_and(|r| r.starts_with("PROBLEM"))
    }

    /// What on-call must look at, whatever the function's own figures say.
    pub fn breach(&self) -> bool {
        self.stopped() || self.failing()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_arn_and_a_stopped_or_failing_mapping_breaches() {
        assert_eq!(
            SourceType::of(Some("arn:aws:sqs:us-east-1:123456789012:orders")),
            SourceType::Sqs
        );
        assert_eq!(
            SourceType::of(Some(
                "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-01-01T00:00:00.000"
            )),
            SourceType::DynamoDb
        );
        assert_eq!(SourceType::of(None), SourceType::Kafka);
        assert!(SourceType::Kinesis.is_stream() && !SourceType::Sqs.is_stream());
        let mut m = EventSource {
            uuid: "u".into(),
            arn: "a".into(),
            kind: SourceType::Sqs,
            state: "Enabled".into(),
            state_reason: None,
            last_result: Some("OK".into()),
            backlog: None,
            dead_letter: None,
        };
        assert!(!m.breach());
        m.arn = "arn:aws:dynamodb:us-east-1:1:table/catalog/stream/2026-09-01T00:00:00.000".into();
        assert_eq!(m.name(), "catalog");
        m.arn = "arn:aws:kinesis:us-east-1:1:stream/payments-ledger".into();
        assert_eq!(m.name(), "payments-ledger");
        m.arn = "arn:aws:sqs:us-east-1:1:orders".into();
        assert_eq!(m.name(), "orders");
        m.last_result = Some("PROBLEM: Function call failed".into());
        assert!(m.failing() && m.breach());
        m.last_result = Some("No records processed".into());
        m.state = "Disabled".into();
        assert!(m.stopped() && m.breach());
    }
}
