//! CloudWatch alarms as the panes read them: in each region, the alarms that watch functions
//! (in any state) and every alarm in ALARM (watching a function or not: it may be what paged),
//! since when and why, with the functions each one watches; and the alarms that left ALARM
//! lately, for the task flow. A region whose alarms were never read has no entry: its rows'
//! alarms are unknown, never "none".

use chrono::{DateTime, Utc};

/// An alarm's state (CloudWatch API Reference, *MetricAlarm*: `StateValue`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum AlarmState {
    Alarm,
    InsufficientData,
    Ok,
}

impl AlarmState {
    /// From `StateValue`; an unknown value reads as insufficient data, the state that claims
    /// nothing.
    pub fn parse(s: &str) -> AlarmState {
        match s {
            "ALARM" => AlarmState::Alarm,
            "OK" => AlarmState::Ok,
            _ => AlarmState::InsufficientData,
        }
    }

    /// As CloudWatch writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
            AlarmState::Ok => "OK",
        }
    }
}

/// A metric alarm, or a composite alarm over others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AlarmKind {
    Metric,
    Composite,
}

/// One alarm of a region.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Alarm {
    pub name: String,
    pub kind: AlarmKind,
    pub state: AlarmState,
    /// When its state last changed (`StateTransitionedTimestamp`, else
    /// `StateUpdatedTimestamp`).
    pub since: Option<DateTime<Utc>>,
    /// `StateReason`, as CloudWatch wrote it (untrusted: sanitized when the store takes it).
    pub reason: String,
    /// The region's functions it watches, sorted: through its `FunctionName` dimension, its
    /// metric-math queries' dimensions, or, for a composite alarm, its children's.
    pub functions: Vec<String>,
}

impl Alarm {
    pub fn firing(&self) -> bool {
        self.state == AlarmState::Alarm
    }
}

/// An alarm that left ALARM, seen between two reads.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Recovery {
    pub alarm: String,
    pub functions: Vec<String>,
    pub at: DateTime<Utc>,
}

/// What a region's alarms were at their last read.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RegionAlarms {
    /// Alarms that watch functions, and every alarm in ALARM; firing first, newest first.
    pub alarms: Vec<Alarm>,
    /// Alarms that left ALARM in the last hours, oldest first.
    pub recovered: Vec<Recovery>,
    pub read_at: DateTime<Utc>,
}

impl RegionAlarms {
    /// Firing first, the newest alarm first among them; then by name.
    pub fn sort(&mut self) {
        self.alarms.sort_by(|a, b| {
            (a.state, std::cmp::Reverse(a.since), &a.name).cmp(&(
                b.state,
                std::cmp::Reverse(b.since),
                &b.name,
            ))
        });
    }

    pub fn firing(&self) -> impl Iterator<Item = &Alarm> {
        self.alarms.iter().filter(|a| a.firing())
    }

    /// The names of the alarms in ALARM that watch `function`.
    pub fn firing_for<'a>(&'a self, function: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.firing()
            .filter(move |a| a.functions.iter().any(|f| f == function))
            .map(|a| a.name.as_str())
    }

    /// Every alarm that watches `function`, firing first.
    pub fn of<'a>(&'a self, function: &'a str) -> impl Iterator<Item = &'a Alarm> + 'a {
        self.alarms
            .iter()
            .filter(move |a| a.functions.iter().any(|f| f == function))
    }
}

/// A moment an alarm changed, for the task flow: into ALARM (`firing`) or out of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition<'a> {
    pub alarm: &'a str,
    pub region: &'a super::Place,
    pub functions: &'a [String],
    pub at: DateTime<Utc>,
    pub firing: bool,
}

/// Every transition the regions' alarms tell of: each firing alarm's move into ALARM, and
/// each recovery seen.
pub fn transitions<'a>(
    regions: impl Iterator<Item = (&'a super::Place, &'a RegionAlarms)>,
) -> Vec<Transition<'a>> {
    let mut out = Vec::new();
    for (region, r) in regions {
        for a in r.firing() {
            if let Some(at) = a.since {
                out.push(Transition {
                    alarm: &a.name,
                    region,
                    functions: &a.functions,
                    at,
                    firing: true,
                });
            }
        }
        for rec in &r.recovered {
            out.push(Transition {
                alarm: &rec.alarm,
                region,
                functions: &rec.functions,
                at: rec.at,
                firing: false,
            });
        }
    }
    out.sort_by_key(|t| t.at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn alarm(name: &str, state: AlarmState, minute: u32, functions: &[&str]) -> Alarm {
        Alarm {
            name: name.into(),
            kind: AlarmKind::Metric,
            state,
            since: Some(Utc.with_ymd_and_hms(2026, 12, 4, 2, minute, 0).unwrap()),
            reason: String::new(),
            functions: functions.iter().map(|f| f.to_string()).collect(),
        }
    }

    #[test]
    fn firing_alarms_come_first_newest_first_and_name_their_functions() {
        let mut r = RegionAlarms {
            alarms: vec![
                alarm("ok-one", AlarmState::Ok, 50, &["a"]),
                alarm("old", AlarmState::Alarm, 1, &["a", "b"]),
                alarm("new", AlarmState::Alarm, 30, &["a"]),
                alarm("nodata", AlarmState::InsufficientData, 40, &["b"]),
            ],
            recovered: vec![],
            read_at: Utc::now(),
        };
        r.sort();
        let names: Vec<&str> = r.alarms.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["new", "old", "nodata", "ok-one"]);
        assert_eq!(r.firing_for("a").collect::<Vec<_>>(), ["new", "old"]);
        assert_eq!(r.firing_for("b").collect::<Vec<_>>(), ["old"]);
        assert_eq!(r.firing_for("c").count(), 0);
        assert_eq!(r.of("b").count(), 2);
    }
}
