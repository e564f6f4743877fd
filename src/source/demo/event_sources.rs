//! The demo fleet's event-source mappings, as ListEventSourceMappings, GetQueueAttributes and
//! CloudWatch would tell them: a queue read as it should be, a digest queue whose mapping was
//! disabled and whose backlog grows, a DynamoDB stream whose consumer falls behind, and a
//! Kinesis stream read on time.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::fleet::{Fleet, REGIONS};
use crate::source::{MetricUpdate, SourceEvent};
use crate::store::event_sources::{Backlog, EventSource, SourceType};
use crate::store::{FunctionKey, Metric, Minute};

/// Minutes before the demo's start at which the indexer's stream starts to fall behind.
const BEHIND_FROM: i64 = 40;

fn mapping(uuid: &str, arn: String, state: &str, result: &str) -> EventSource {
    EventSource {
        uuid: uuid.to_string(),
        kind: SourceType::of(Some(&arn)),
        arn,
        state: state.to_string(),
        state_reason: Some("USER_INITIATED".to_string()),
        last_result: Some(result.to_string()),
        backlog: None,
        dead_letter: None,
    }
}

/// How far behind its stream a consumer reads at minute `m`, in milliseconds.
fn iterator_age_ms(function: &str, m: Minute, start: Minute) -> f64 {
    let wobble = (m.0.rem_euclid(5) as f64) * 40.0;
    match function {
        "search-indexer" => {
            let behind = m.0 - start.minus(BEHIND_FROM).0;
            if behind > 0 {
                300.0 + behind as f64 * 15_000.0
            } else {
                300.0 + wobble
            }
        }
        _ => 250.0 + wobble,
    }
}

/// Each region's mappings at `now`, and the stream consumers' iterator ages over the history.
pub fn events(fleet: &Fleet, start: Minute, now: DateTime<Utc>, history: u32) -> Vec<SourceEvent> {
    let current = Minute::of(now);
    let grown = (current.0 - start.0).max(0) as u64;
    let mut out = Vec::new();
    for region in REGIONS {
        let account = "123456789012";
        let sqs = |name: &str| format!("arn:aws:sqs:{region}:{account}:{name}");
        let mut by_function: BTreeMap<String, Vec<EventSource>> = BTreeMap::new();
        for inst in fleet
            .instances()
            .filter(|i| i.region == region && i.name == i.spec.name)
        {
            let m = match inst.name {
                "notifications-dispatch" => {
                    let mut m = mapping("1f0c", sqs("notifications-outbox"), "Enabled", "OK");
                    m.backlog = Some(Backlog {
                        visible: Some(12),
                        oldest_age_s: Some(4.0),
                    });
                    m.dead_letter = Some((
                        sqs("notifications-outbox-dlq"),
                        Backlog {
                            visible: Some(3),
                            oldest_age_s: Some(5_400.0),
                        },
                    ));
                    m
                }
                // Disabled during last week's incident and never enabled again: nothing
                // runs, the queue fills.
                "notifications-digest" => {
                    let mut m = mapping(
                        "7a31",
                        sqs("notifications-digest-queue"),
                        "Disabled",
                        "No records processed",
                    );
                    m.backlog = Some(Backlog {
                        visible: Some(18_240 + grown * 140),
                        oldest_age_s: Some(8_040.0 + grown as f64 * 60.0),
                    });
                    m
                }
                "search-indexer" => mapping(
                    "c9e2",
                    format!(
                        "arn:aws:dynamodb:{region}:{account}:table/catalog/stream/2026-09-01T00:00:00.000"
                    ),
                    "Enabled",
                    "OK",
                ),
                "payments-ledger-writer" => mapping(
                    "5b7d",
                    format!("arn:aws:kinesis:{region}:{account}:stream/payments-ledger"),
                    "Enabled",
                    "OK",
                ),
                _ => continue,
            };
            if m.kind.is_stream() {
                let points = (0..=i64::from(history))
                    .map(|k| current.minus(k))
                    .map(|m| (m, Some(iterator_age_ms(inst.name, m, start))))
                    .collect();
                out.push(SourceEvent::Metrics(MetricUpdate {
                    key: FunctionKey::new(region, inst.name),
                    metric: Metric::IteratorAgeMax,
                    points,
                    settled: None,
                }));
            }
            by_function
                .entry(inst.name.to_string())
                .or_default()
                .push(m);
        }
        out.push(SourceEvent::EventSources {
            region: region.to_string(),
            by_function: Box::new(by_function),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disabled_queue_and_a_stream_falling_behind() {
        let fleet = Fleet::default();
        let start = Minute(29_000_000);
        let events = events(&fleet, start, start.start(), 180);
        let mut stopped = Vec::new();
        for e in &events {
            if let SourceEvent::EventSources {
                region,
                by_function,
            } = e
            {
                for (f, ms) in by_function.iter() {
                    for m in ms.iter().filter(|m| m.breach()) {
                        stopped.push((region.clone(), f.clone(), m.state.clone()));
                    }
                }
            }
        }
        assert_eq!(
            stopped,
            [(
                "eu-west-1".to_string(),
                "notifications-digest".to_string(),
                "Disabled".to_string()
            )]
        );
        assert!(
            iterator_age_ms("search-indexer", start, start) > 500_000.0,
            "ten minutes behind"
        );
        assert!(iterator_age_ms("payments-ledger-writer", start, start) < 1_000.0);
    }
}
