//! A region's CloudWatch alarms as a source of its own: what is paging, and which functions it
//! is about (CloudWatch API Reference, *DescribeAlarms*).
//!
//! Every poll asks for the alarms in ALARM (`StateValue=ALARM`); with the inventory's cadence
//! (and on the first poll) it lists every alarm instead, to learn which alarms watch which
//! functions. `AlarmTypes` names both kinds: without it DescribeAlarms answers metric alarms
//! only, "even if composite alarms exist in the account". An alarm that was in ALARM and is
//! missing from the next answer is asked for by name, to learn the state it went to and when.
//!
//! An alarm watches a function through a `FunctionName` dimension: its own, that of a metric
//! in its metric-math queries, or one its Metrics Insights query names (`WHERE FunctionName =
//! '…'`, `metrics_insights.rs`); a composite alarm watches what its children (`ALARM(…)`,
//! `OK(…)`, `INSUFFICIENT_DATA(…)` in its rule) watch.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_sdk_cloudwatch::types::{AlarmType, CompositeAlarm, MetricAlarm, StateValue};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::errors::{AwsError, classify};
use crate::source::{Source, SourceEvent};
use crate::store::alarms::{Alarm, AlarmKind, AlarmState, Recovery, RegionAlarms};

/// DescribeAlarms' largest page.
const PAGE: i32 = 100;
/// Composite alarms nest at most this deep here (CloudWatch allows deeper trees; beyond this
/// the functions of the deepest children are not followed).
const MAX_DEPTH: usize = 5;

/// An alarm as read, with what it names: the functions of its own dimensions and its
/// children.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    alarm: Alarm,
    direct: BTreeSet<String>,
    children: Vec<String>,
}

/// The alarms of one answer, by name.
type Entries = BTreeMap<String, Entry>;

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<DateTime<Utc>> {
    let t = t?;
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

fn state(s: Option<&StateValue>) -> AlarmState {
    AlarmState::parse(s.map_or("", |s| s.as_str()))
}

/// The account an alarm's ARN names (`arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME`).
fn account_of(arn: Option<&str>) -> Option<&str> {
    arn?.split(':').nth(4).filter(|a| !a.is_empty())
}

/// The functions a metric alarm's dimensions name, its own or its queries' (a metric's, or
/// those a Metrics Insights query's `WHERE` names) — of its own account only. A query with an
/// `AccountId` of another account (a monitoring account's cross-account alarm,
/// *MetricDataQuery*: "The ID of the account where the metrics are located") watches that
/// account's function of the name, not the one here that shares it.
fn functions_of_metric(a: &MetricAlarm) -> BTreeSet<String> {
    let own_account = account_of(a.alarm_arn());
    let own = a.dimensions().iter();
    let queries: Vec<_> = a
        .metrics()
        .iter()
        .filter(|q| match (q.account_id(), own_account) {
            (Some(theirs), Some(mine)) => theirs == mine,
            // Another account's, whichever this is not known to be.
            (Some(_), None) => false,
            (None, _) => true,
        })
        .collect();
    let of_metrics = queries
        .iter()
        .filter_map(|q| q.metric_stat()?.metric())
        .flat_map(|m| m.dimensions().iter());
    let of_sql = queries
        .iter()
        .filter_map(|q| q.expression())
        .flat_map(super::metrics_insights::functions_named);
    own.chain(of_metrics)
        .filter(|d| d.name() == Some("FunctionName"))
        .filter_map(|d| d.value())
        .map(str::to_string)
        .chain(of_sql)
        .collect()
}

/// The alarms a composite rule names: the arguments of its state functions, by name (an ARN
/// names the alarm after `:alarm:`).
pub fn children_of_rule(rule: &str) -> Vec<String> {
    let mut out = Vec::new();
    for function in ["ALARM(", "OK(", "INSUFFICIENT_DATA("] {
        let mut rest = rule;
        while let Some(at) = rest.find(function) {
            // `ALARM(` inside `INSUFFICIENT_DATA(`'s name, or a longer word, is not a call.
            let before = rest[..at].chars().next_back();
            rest = &rest[at + function.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let Some(end) = rest.find(')') else { break };
            let arg = rest[..end].trim().trim_matches('"').trim();
            let name = arg.rsplit_once(":alarm:").map_or(arg, |(_, n)| n);
            // `AT_LEAST(2, ALARM, (…))` names a state, not an alarm, as `ALARM,`.
            if !name.is_empty() && !name.contains(',') {
                out.push(name.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn metric_entry(a: &MetricAlarm) -> Option<Entry> {
    Some(Entry {
        alarm: Alarm {
            name: a.alarm_name()?.to_string(),
            kind: AlarmKind::Metric,
            state: state(a.state_value()),
            since: time(a.state_transitioned_timestamp()).or(time(a.state_updated_timestamp())),
            reason: a.state_reason().unwrap_or_default().to_string(),
            functions: Vec::new(),
        },
        direct: functions_of_metric(a),
        children: Vec::new(),
    })
}

fn composite_entry(a: &CompositeAlarm) -> Option<Entry> {
    Some(Entry {
        alarm: Alarm {
            name: a.alarm_name()?.to_string(),
            kind: AlarmKind::Composite,
            state: state(a.state_value()),
            since: time(a.state_transitioned_timestamp()).or(time(a.state_updated_timestamp())),
            reason: a.state_reason().unwrap_or_default().to_string(),
            functions: Vec::new(),
        },
        direct: BTreeSet::new(),
        children: children_of_rule(a.alarm_rule().unwrap_or_default()),
    })
}

/// Each alarm's functions: its own, and its children's, down to `MAX_DEPTH`.
fn resolve(entries: &mut Entries) {
    fn reach(entries: &Entries, name: &str, depth: usize, out: &mut BTreeSet<String>) {
        let Some(e) = entries.get(name) else { return };
        out.extend(e.direct.iter().cloned());
        if depth < MAX_DEPTH {
            for c in &e.children {
                reach(entries, c, depth + 1, out);
            }
        }
    }
    let names: Vec<String> = entries.keys().cloned().collect();
    for name in names {
        let mut out = BTreeSet::new();
        reach(entries, &name, 0, &mut out);
        if let Some(e) = entries.get_mut(&name) {
            e.alarm.functions = out.into_iter().collect();
        }
    }
}

/// How to ask: every alarm, those in a state, or some by name.
enum Ask<'a> {
    All,
    Firing,
    Named(&'a [String]),
}

/// One DescribeAlarms question, every page of it, both kinds of alarm.
async fn describe(client: &aws_sdk_cloudwatch::Client, ask: Ask<'_>) -> Result<Entries, AwsError> {
    let mut request = client
        .describe_alarms()
        .alarm_types(AlarmType::MetricAlarm)
        .alarm_types(AlarmType::CompositeAlarm)
        .max_records(PAGE);
    request = match ask {
        Ask::All => request,
        Ask::Firing => request.state_value(StateValue::Alarm),
        Ask::Named(names) => request.set_alarm_names(Some(names.to_vec())),
    };
    let mut pages = request.into_paginator().send();
    let mut out = Entries::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("DescribeAlarms", &e))?;
        let metric = page.metric_alarms().iter().filter_map(metric_entry);
        let composite = page.composite_alarms().iter().filter_map(composite_entry);
        for e in metric.chain(composite) {
            out.insert(e.alarm.name.clone(), e);
        }
    }
    Ok(out)
}

pub struct AlarmSource {
    name: String,
    region: String,
    client: aws_sdk_cloudwatch::Client,
    cadence: Duration,
    list_every: chrono::Duration,
    /// How long recoveries are kept for the task flow.
    keep: chrono::Duration,
    listed_at: Option<DateTime<Utc>>,
    /// Every alarm of the region, as last read.
    known: Entries,
    recovered: Vec<Recovery>,
    usage: super::usage::UsageCounter,
}

impl AlarmSource {
    pub fn new(
        region: &str,
        client: aws_sdk_cloudwatch::Client,
        cadence: Duration,
        list_every: Duration,
        history_minutes: u32,
        usage: super::usage::UsageCounter,
    ) -> Self {
        Self {
            name: format!("alarms {region}"),
            region: region.to_string(),
            client,
            cadence,
            list_every: chrono::Duration::from_std(list_every)
                .unwrap_or(chrono::Duration::minutes(5)),
            keep: chrono::Duration::minutes(i64::from(history_minutes)),
            listed_at: None,
            known: Entries::new(),
            recovered: Vec::new(),
            usage,
        }
    }

    /// Reads what changed: every alarm when the listing is due, else those in ALARM and those
    /// that left it.
    async fn read(&mut self, now: DateTime<Utc>) -> Result<(), AwsError> {
        let due = self.listed_at.is_none_or(|at| now - at >= self.list_every);
        let was_firing: Vec<String> = self
            .known
            .values()
            .filter(|e| e.alarm.firing())
            .map(|e| e.alarm.name.clone())
            .collect();
        let mut next = if due {
            describe(&self.client, Ask::All).await?
        } else {
            let mut next = self.known.clone();
            let firing = describe(&self.client, Ask::Firing).await?;
            let left: Vec<String> = was_firing
                .iter()
                .filter(|n| !firing.contains_key(*n))
                .cloned()
                .collect();
            for names in left.chunks(PAGE as usize) {
                let now_in = describe(&self.client, Ask::Named(names)).await?;
                for n in names {
                    match now_in.get(n) {
                        Some(e) => next.insert(n.clone(), e.clone()),
                        // Deleted since.
                        None => next.remove(n),
                    };
                }
            }
            next.extend(firing);
            next
        };
        resolve(&mut next);
        for name in &was_firing {
            let Some(old) = self.known.get(name) else {
                continue;
            };
            if next.get(name).is_none_or(|e| !e.alarm.firing()) {
                let at = next.get(name).and_then(|e| e.alarm.since).unwrap_or(now);
                self.recovered.push(Recovery {
                    alarm: name.clone(),
                    functions: old.alarm.functions.clone(),
                    at,
                });
            }
        }
        self.recovered.retain(|r| now - r.at <= self.keep);
        self.known = next;
        if due {
            self.listed_at = Some(now);
        }
        Ok(())
    }

    /// What the store keeps: alarms that watch functions, and every alarm in ALARM.
    fn alarms(&self, now: DateTime<Utc>) -> RegionAlarms {
        RegionAlarms {
            alarms: self
                .known
                .values()
                .filter(|e| e.alarm.firing() || !e.alarm.functions.is_empty())
                .map(|e| e.alarm.clone())
                .collect(),
            recovered: self.recovered.clone(),
            read_at: now,
        }
    }
}

impl Source for AlarmSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn cadence(&self) -> Duration {
        self.cadence
    }

    /// Alarms are shown with their own problem when they fail: they say nothing of the
    /// figures' age.
    fn tracks_status(&self) -> bool {
        false
    }

    fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
        Box::pin(async move {
            let scope = format!("{} alarms", self.region);
            let mut events = match self.read(now).await {
                Ok(()) => vec![
                    super::errors::resolved(&self.name, scope),
                    SourceEvent::Alarms {
                        region: self.region.clone(),
                        alarms: Box::new(self.alarms(now)),
                    },
                ],
                // What was read before stays on screen, beside the problem.
                Err(e) => vec![e.problem(&self.name, scope, now)],
            };
            events.push(SourceEvent::ApiUsage(self.usage.snapshot()));
            events
        })
    }

    fn forget_cached(&mut self) {
        self.listed_at = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_composite_rule_names_its_children() {
        let rule = r#"ALARM("checkout-errors") OR (ALARM(arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-p99) AND NOT OK( "db-cpu" )) OR INSUFFICIENT_DATA(feed)"#;
        assert_eq!(
            children_of_rule(rule),
            ["checkout-errors", "checkout-p99", "db-cpu", "feed"]
        );
        // A state named inside AT_LEAST is no alarm; `MY_ALARM(` is no call.
        assert_eq!(
            children_of_rule(r#"AT_LEAST(2, ALARM, (ALARM("a"), ALARM("b"))) OR MY_ALARM(x)"#),
            ["a", "b"]
        );
        assert!(children_of_rule("TRUE").is_empty());
    }

    /// A monitoring account's alarm on a linked account's function names that account in its
    /// query (*MetricDataQuery*, `AccountId`): it watches no function of the monitoring
    /// account's own, even one of the same name.
    #[test]
    fn a_query_of_another_account_names_none_of_this_accounts_functions() {
        use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
        let query = |id: &str, function: &str, account: Option<&str>| {
            MetricDataQuery::builder()
                .id(id)
                .set_account_id(account.map(str::to_string))
                .metric_stat(
                    MetricStat::builder()
                        .metric(
                            Metric::builder()
                                .namespace("AWS/Lambda")
                                .metric_name("Errors")
                                .dimensions(
                                    Dimension::builder()
                                        .name("FunctionName")
                                        .value(function)
                                        .build(),
                                )
                                .build(),
                        )
                        .period(60)
                        .stat("Sum")
                        .build(),
                )
                .build()
        };
        let alarm = MetricAlarm::builder()
            .alarm_name("errors-everywhere")
            .alarm_arn("arn:aws:cloudwatch:eu-west-1:111111111111:alarm:errors-everywhere")
            .metrics(query("mine", "checkout", None))
            .metrics(query("mine_named", "cart", Some("111111111111")))
            .metrics(query("theirs", "billing", Some("222222222222")))
            .build();
        assert_eq!(
            functions_of_metric(&alarm).into_iter().collect::<Vec<_>>(),
            ["cart", "checkout"]
        );
        // Without its ARN, a query naming any account is not taken as this one's.
        let bare = MetricAlarm::builder()
            .metrics(query("theirs", "billing", Some("222222222222")))
            .build();
        assert!(functions_of_metric(&bare).is_empty());
    }

    fn entry(name: &str, direct: &[&str], children: &[&str]) -> (String, Entry) {
        let e = Entry {
            alarm: Alarm {
                name: name.into(),
                kind: if children.is_empty() {
                    AlarmKind::Metric
                } else {
                    AlarmKind::Composite
                },
                state: AlarmState::Alarm,
                since: None,
                reason: String::new(),
                functions: Vec::new(),
            },
            direct: direct.iter().map(|s| s.to_string()).collect(),
            children: children.iter().map(|s| s.to_string()).collect(),
        };
        (name.into(), e)
    }

    #[test]
    fn composites_watch_what_their_children_watch_and_cycles_end() {
        let mut entries: Entries = [
            entry("errors", &["checkout-api"], &[]),
            entry("p99", &["checkout-api", "cart"], &[]),
            entry("db", &[], &[]),
            entry("checkout", &[], &["errors", "p99", "db"]),
            entry("top", &[], &["checkout", "missing"]),
            entry("loop-a", &["x"], &["loop-b"]),
            entry("loop-b", &[], &["loop-a"]),
        ]
        .into_iter()
        .collect();
        resolve(&mut entries);
        let f = |n: &str| entries[n].alarm.functions.clone();
        assert_eq!(f("checkout"), ["cart", "checkout-api"]);
        assert_eq!(f("top"), ["cart", "checkout-api"]);
        assert!(f("db").is_empty());
        assert_eq!(f("loop-b"), ["x"]);
    }
}
