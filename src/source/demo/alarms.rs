//! The demo fleet's CloudWatch alarms, as DescribeAlarms would answer: an error alarm on each
//! function of the checkout and payments projects, which goes into ALARM two minutes into a
//! bad deploy (two datapoints of two above 5 %) and back to OK a minute after it ends; and a
//! composite alarm over checkout-api's, as teams page on.

use chrono::{DateTime, Duration, Utc};

use super::fleet::{Behaviour, Fleet, REGIONS};
use super::traffic;
use crate::source::SourceEvent;
use crate::store::Minute;
use crate::store::alarms::{Alarm, AlarmKind, AlarmState, Recovery, RegionAlarms};

/// Projects whose functions carry an error alarm.
const ALARMED: [&str; 2] = ["checkout", "payments"];
/// The composite alarm, and the function whose error alarm it follows.
const COMPOSITE: (&str, &str) = ("checkout-health", "checkout-api");

const FIRING: &str = "Threshold Crossed: 2 out of the last 2 datapoints were greater than or equal to the threshold (5.0) (minimum 2 datapoints for OK -> ALARM transition).";
const CALM: &str = "Threshold Crossed: 2 out of the last 2 datapoints were less than the threshold (5.0) (minimum 2 datapoints for ALARM -> OK transition).";

/// Each region's alarms at `now`, for a demo started at minute `start` with `history`
/// minutes before it.
pub fn events(fleet: &Fleet, start: Minute, now: DateTime<Utc>, history: u32) -> Vec<SourceEvent> {
    let current = Minute::of(now);
    let oldest = current.minus(i64::from(history));
    let mut out = Vec::new();
    for region in REGIONS {
        let mut alarms = Vec::new();
        let mut recovered = Vec::new();
        for inst in fleet.instances().filter(|i| i.region == region) {
            // Copies of the cast (a big synthetic fleet) carry no alarms: the story stays one.
            if inst.name != inst.spec.name || !ALARMED.contains(&inst.spec.project) {
                continue;
            }
            let (state, since) = match inst.spec.behaviour {
                Behaviour::BadDeploy { at, lasts, .. } if traffic::is_incident(inst) => {
                    let fired = start.plus(at + 2);
                    let cleared = start.plus(at + lasts + 1);
                    if current < fired {
                        (AlarmState::Ok, current.minus(3 * 24 * 60))
                    } else if current < cleared {
                        (AlarmState::Alarm, fired)
                    } else {
                        if cleared >= oldest {
                            recovered.push(Recovery {
                                alarm: format!("{}-errors", inst.name),
                                functions: vec![inst.name.to_string()],
                                at: cleared.start(),
                            });
                        }
                        (AlarmState::Ok, cleared)
                    }
                }
                _ => (AlarmState::Ok, start.minus(2 * 24 * 60 + inst.id as i64)),
            };
            let alarm = Alarm {
                name: format!("{}-errors", inst.name),
                kind: AlarmKind::Metric,
                state,
                since: Some(since.start() + Duration::seconds(31)),
                reason: if state == AlarmState::Alarm {
                    FIRING
                } else {
                    CALM
                }
                .to_string(),
                functions: vec![inst.name.to_string()],
            };
            if inst.name == COMPOSITE.1 && traffic::is_incident(inst) {
                alarms.push(Alarm {
                    name: COMPOSITE.0.to_string(),
                    kind: AlarmKind::Composite,
                    reason: format!(
                        "arn:aws:cloudwatch:{region}:123456789012:alarm:{} transitioned to {}",
                        alarm.name,
                        state.as_str()
                    ),
                    ..alarm.clone()
                });
                if let Some(r) = recovered.last().filter(|r| r.alarm == alarm.name).cloned() {
                    recovered.push(Recovery {
                        alarm: COMPOSITE.0.to_string(),
                        ..r
                    });
                }
            }
            alarms.push(alarm);
        }
        out.push(SourceEvent::Alarms {
            region: region.to_string(),
            alarms: Box::new(RegionAlarms {
                alarms,
                recovered,
                read_at: now,
            }),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(events: &[SourceEvent], region: &str) -> RegionAlarms {
        events
            .iter()
            .find_map(|e| match e {
                SourceEvent::Alarms { region: r, alarms } if r == region => {
                    Some((**alarms).clone())
                }
                _ => None,
            })
            .expect("the region's alarms")
    }

    #[test]
    fn the_bad_deploy_pages_and_the_older_one_has_recovered() {
        let fleet = Fleet::default();
        let start = Minute(29_000_000);
        let now = events(&fleet, start, start.start(), 180);
        let all: Vec<RegionAlarms> = REGIONS.iter().map(|r| at(&now, r)).collect();
        let firing: Vec<&str> = all
            .iter()
            .flat_map(|r| r.firing().map(|a| a.name.as_str()))
            .collect();
        // checkout-api went bad 6 minutes ago: its alarm and the composite over it fire.
        assert_eq!(firing.len(), 2, "{firing:?}");
        assert!(firing.contains(&"checkout-api-errors") && firing.contains(&"checkout-health"));
        // payments-charge went bad 47 minutes ago, for 18: recovered 28 minutes ago.
        let rec: Vec<&Recovery> = all.iter().flat_map(|r| &r.recovered).collect();
        assert_eq!(rec.len(), 1, "{rec:?}");
        assert_eq!(rec[0].alarm, "payments-charge-errors");
        assert_eq!(rec[0].at, start.plus(-47 + 18 + 1).start());
        // Twenty minutes on, checkout-api's deploy is over too.
        let later = events(&fleet, start, start.plus(20).start(), 180);
        let firing = REGIONS
            .iter()
            .map(|r| at(&later, r).firing().count())
            .sum::<usize>();
        assert_eq!(firing, 0);
    }
}
