//! `lambdatop snapshot`: poll every source once, then print the fleet over the window as a
//! table or as JSON. The JSON shape is a contract for scripts: later versions add fields, never
//! remove or rename them. A figure a source could not give is `null`, never 0.

use anyhow::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::cli::{SnapshotArgs, SnapshotFormat};
use crate::clock::SharedClock;
use crate::settings::Settings;
use crate::source::{SourceEvent, SourceKind};
use crate::store::Window;
use crate::store::distribution::{DistributionSource, EDGES_MS, Histogram};
use crate::store::figures::{FleetStats, ThrottleCause, fleet_stats};
use crate::store::latency::{ClassBy, LatencyClass};
use crate::store::{AccountId, Minute, Store};
use crate::ui::format;
use crate::ui::text::truncate;

#[derive(Debug, Serialize, PartialEq)]
pub struct Snapshot {
    pub generated_at: String,
    pub source: SourceKind,
    /// The caller's account (`sts:GetCallerIdentity`); `null` when AWS could not say.
    pub account_id: Option<String>,
    /// The account's alias, where `iam:ListAccountAliases` is allowed.
    pub account_alias: Option<String>,
    pub window_minutes: u32,
    /// Where the window ends (RFC 3339): the minute it stops before, now's for a live window,
    /// a moment in the past with `--at`.
    pub window_end: String,
    /// Minutes each of the window's figures was read over: 1 up to 6 hours, then coarser
    /// (CloudWatch's own sums, averages and percentiles over each period).
    pub period_minutes: u32,
    /// Whether the window ends before now (the table says "last" only of one ending now).
    #[serde(skip)]
    pub past: bool,
    pub regions: Vec<String>,
    /// Added with several accounts: each account watched (one for a session of one set of
    /// credentials, once AWS has said whose; none on the demo fleet of one account).
    pub accounts: Vec<AccountRow>,
    pub functions: Vec<FunctionRow>,
    pub projects: Vec<ProjectRow>,
    pub totals: TotalsRow,
    pub problems: Vec<ProblemRow>,
    /// Added after the first version: peak concurrency of each region as a whole.
    pub region_concurrency: Vec<RegionRow>,
    /// What this run asked of AWS and what that costs (`null` on the demo fleet).
    pub api_usage: Option<ApiUsageRow>,
    /// The alarms in ALARM in the watched regions, the newest first, whether or not they
    /// watch a function (`null` when no region's alarms could be read).
    pub alarms: Option<Vec<AlarmRow>>,
    /// Each latency class with members: its functions, invocations, errors, p99 (from the
    /// members' distributions summed; `null` where none was read) and members over budget.
    pub classes: Vec<ClassRow>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct ClassRow {
    pub class: LatencyClass,
    pub functions: usize,
    pub invocations: Option<u64>,
    pub errors: Option<u64>,
    /// The p99 of its functions' distributions summed: of the `p99_functions` read (fewer
    /// than `functions` where some were not; null where none was).
    pub p99_ms: Option<f64>,
    pub p99_functions: u32,
    pub over_budget: usize,
    /// Its budget for wait plus run, in milliseconds.
    pub budget_ms: f64,
}

/// One bucket of a duration histogram: invocations that took at most `le_ms` (and more than
/// the bucket before's).
#[derive(Debug, Serialize, PartialEq)]
pub struct BucketRow {
    pub le_ms: f64,
    pub count: f64,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct AlarmRow {
    pub name: String,
    pub region: String,
    /// Whose account the alarm is in (`null` while the session's one account is unknown).
    pub account_id: Option<String>,
    pub state: &'static str,
    /// When it went into ALARM, RFC 3339.
    pub since: Option<String>,
    pub reason: String,
    /// The function it watches (the first by name when it watches several; `null`: none).
    pub function: Option<String>,
    /// Every function it watches.
    pub functions: Vec<String>,
    /// `"metric"` or `"composite"`.
    pub kind: &'static str,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct ApiUsageRow {
    pub requests: u64,
    pub metrics_requested: u64,
    pub live_tail_minutes: f64,
    pub insights_bytes_scanned: f64,
    pub est_cost_usd: f64,
    pub operations: Vec<OperationRow>,
    /// The request budgets the calls went through: each API's documented rate, the most a
    /// second lambdatop sends, the throttles met (README, *Sharing the account's quotas*).
    pub paced: Vec<crate::store::usage::Paced>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct OperationRow {
    pub service: String,
    pub operation: String,
    pub requests: u64,
    pub metrics: u64,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct RegionRow {
    pub region: String,
    /// Whose account's region (`null` while the session's one account is unknown).
    pub account_id: Option<String>,
    pub concurrency_max: Option<u64>,
    pub concurrency_limit: Option<u32>,
    /// Peak executions of functions without a reservation, against what reservations leave
    /// them (`AccountLimit.UnreservedConcurrentExecutions`): where they throttle.
    pub unreserved_concurrency_max: Option<u64>,
    pub unreserved_concurrency_limit: Option<u32>,
    /// Peak unreserved executions plus every reservation and provisioned allocation
    /// (`ClaimedAccountConcurrency`), against the account limit.
    pub claimed_concurrency_max: Option<u64>,
    pub claimed_concurrency_limit: Option<u32>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct FunctionRow {
    pub name: String,
    pub region: String,
    /// Whose account (`null` while the session's one account is unknown).
    pub account_id: Option<String>,
    pub project: String,
    pub runtime: Option<String>,
    pub memory_mb: Option<u32>,
    pub architecture: &'static str,
    pub timeout_s: Option<u32>,
    pub invocations: Option<u64>,
    pub errors: Option<u64>,
    pub error_rate: Option<f64>,
    pub throttles: Option<u64>,
    pub duration_avg_ms: Option<f64>,
    /// The window's p99, from its duration distribution (CloudWatch's `p99` over the window
    /// where it was read, else the REPORT lines read): null where neither was.
    pub duration_p99_ms: Option<f64>,
    pub concurrency_max: Option<u64>,
    pub est_cost_usd: Option<f64>,
    // Added with REPORT lines: later fields, none renamed.
    pub cold_starts: Option<u64>,
    pub timeouts: Option<u64>,
    pub init_p50_ms: Option<f64>,
    pub init_p99_ms: Option<f64>,
    pub memory_used_max_mb: Option<u64>,
    /// The first minute whose figures may still grow (CloudWatch is still adding to it: a
    /// function settles after its timeout), RFC 3339; `null` when the window is all settled.
    pub provisional_from: Option<String>,
    /// When its figures were last read, RFC 3339 (`null`: not yet).
    pub figures_read_at: Option<String>,
    /// SnapStart restores (REPORT lines with a Restore Duration), apart from cold starts.
    pub restores: Option<u64>,
    /// Its reserved concurrency; `null` when none is reserved or it could not be read.
    pub reserved_concurrency: Option<u32>,
    /// Provisioned concurrency allocated over its versions and aliases (0: none); `null` when
    /// it could not be read.
    pub provisioned_concurrency: Option<u32>,
    /// The busiest version's peak share of its provisioned concurrency in use (0 to 1).
    pub provisioned_utilization_max: Option<f64>,
    /// Invocations served on demand because provisioned concurrency was all in use.
    pub spillover_invocations: Option<u64>,
    /// What its throttles ran into: `"reserved"`, `"account"`, `"provisioned-spillover"`, or
    /// `null` (no throttles, or no telling).
    pub throttle_cause: Option<ThrottleCause>,
    /// The published version its aliases route traffic to, whose memory, architecture and
    /// timeout the estimate and `p99_peak_of_timeout` use; `null` when traffic runs on
    /// `$LATEST` or it could not be read.
    pub serving: Option<ServingRow>,
    /// The names of its alarms in ALARM (`[]`: none; `null`: its region's alarms could not be
    /// read).
    pub alarms: Option<Vec<String>>,
    /// Asynchronous invocation over the window, for functions invoked asynchronously (null
    /// for the others): events dropped, the oldest event's age in the queue, events that
    /// could not reach the dead-letter queue or the on-failure destination.
    pub async_events_received: Option<u64>,
    pub async_events_dropped: Option<u64>,
    pub async_event_age_max_ms: Option<f64>,
    pub dead_letter_errors: Option<u64>,
    pub destination_delivery_failures: Option<u64>,
    /// Where failed asynchronous events go: the dead-letter queue or topic
    /// (`DeadLetterConfig`), and the on-failure destination (null: none, or not read).
    pub dead_letter_target: Option<String>,
    pub on_failure_destination: Option<String>,
    /// Its event-source mappings (`[]`: none; `null`: its region's could not be read).
    pub event_sources: Option<Vec<EventSourceRow>>,
    /// When its code or configuration last changed, RFC 3339, and its code's hash.
    pub last_modified: Option<String>,
    pub code_sha256: Option<String>,
    /// The changes the inventory saw inside the window, oldest first: `{"at", "kind"}` with
    /// `kind` `"code"`, `"config"`, or `"unknown"` (a change before it was first seen).
    pub deploys: Vec<DeployRow>,
    /// The peak p99 over the serving configuration's timeout (`PK/TO`): what `check`'s
    /// timeout rule judges.
    pub p99_peak_of_timeout: Option<f64>,
    /// `"real-time"`, `"background"` or `"batch"`, and what told it: `"tag"`, `"trigger"`,
    /// `"duration"` (its median) or `"timeout"` (nothing else was known).
    pub latency_class: Option<LatencyClass>,
    pub latency_class_by: Option<ClassBy>,
    /// Wait plus p99 duration as a share of the class's budget (over 1: over budget).
    pub budget_used: Option<f64>,
    /// Its durations over the window: percentiles and a log-scale histogram, from REPORT lines
    /// read (`"reports"`) or CloudWatch's percentile ranks (`"cloudwatch"`); null where
    /// neither could be read.
    pub duration_p50_ms: Option<f64>,
    pub duration_p90_ms: Option<f64>,
    pub duration_p999_ms: Option<f64>,
    /// The highest minute p99 of the window (CloudWatch's `p99` minute by minute): its worst
    /// minute, under a name of its own.
    pub duration_p99_peak_ms: Option<f64>,
    pub duration_source: Option<DistributionSource>,
    pub duration_histogram: Option<Vec<BucketRow>>,
    /// The longest its tasks waited to run (oldest async event, stream iterator age, its
    /// queue's oldest message).
    pub wait_max_ms: Option<f64>,
    /// Of the window's settled minutes with invocations (`of`; periods, in a window kept at a
    /// longer period), how many had their REPORT lines read (`read`): what `cold_starts`,
    /// `restores`, `timeouts`, the init percentiles and `memory_used_max_mb` count. Fewer than
    /// all, those figures are of the minutes read only (at least that many cold starts, at
    /// least that much memory). Null: no minute with invocations.
    pub reports_read: Option<ReportsReadRow>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct ReportsReadRow {
    pub read: u32,
    pub of: u32,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct DeployRow {
    pub at: String,
    pub kind: crate::store::DeployKind,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct EventSourceRow {
    pub arn: String,
    /// `"sqs"`, `"kinesis"`, `"dynamodb"`, `"kafka"`, `"mq"`, `"documentdb"` or `"other"`.
    pub kind: &'static str,
    pub uuid: String,
    /// `Enabled`, `Disabled`, `Creating`, …: anything but `Enabled` is not reading.
    pub state: String,
    pub state_reason: Option<String>,
    pub last_processing_result: Option<String>,
    /// A stream consumer's highest `IteratorAge` over the window (null for queues).
    pub iterator_age_max_ms: Option<f64>,
    /// A Kafka consumer's highest `OffsetLag` over the window.
    pub offset_lag_max: Option<u64>,
    /// An SQS queue's oldest message's age and messages waiting, now.
    pub oldest_message_age_s: Option<f64>,
    pub messages_visible: Option<u64>,
    /// Its redrive dead-letter queue, and the messages waiting there.
    pub dead_letter_queue: Option<String>,
    pub dead_letter_messages_visible: Option<u64>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct ServingRow {
    pub alias: String,
    pub version: String,
    pub memory_mb: Option<u32>,
    pub architecture: &'static str,
    pub timeout_s: Option<u32>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct ProjectRow {
    pub name: String,
    pub functions: usize,
    pub invocations: Option<u64>,
    pub errors: Option<u64>,
    pub throttles: Option<u64>,
    pub est_cost_usd: Option<f64>,
    pub provisional_from: Option<String>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct TotalsRow {
    pub functions: usize,
    pub invocations: Option<u64>,
    pub errors: Option<u64>,
    pub throttles: Option<u64>,
    pub est_cost_usd: Option<f64>,
    pub provisional_from: Option<String>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct ProblemRow {
    pub source: String,
    pub message: String,
    /// The account it is of, among several (`null`: the session's, or none in particular).
    pub account_id: Option<String>,
}

/// An account watched: its id, alias (where `iam:ListAccountAliases` allows), the regions
/// watched in it, its functions (`null`: never read) and its open problems.
#[derive(Debug, Serialize, PartialEq)]
pub struct AccountRow {
    pub id: String,
    pub alias: Option<String>,
    pub regions: Vec<String>,
    pub functions: Option<usize>,
    pub problems: usize,
    /// Read through a monitoring account (`--monitoring-account`) without a role in it: its
    /// functions' metrics and logs only; runtime, memory, tags and capacity are `null`.
    pub metrics_only: bool,
    /// What this run asked of AWS in this account, and what that costs (`null`: nothing).
    pub api_requests: Option<u64>,
    pub api_est_cost_usd: Option<f64>,
}

/// A minute as JSON gives it: the RFC 3339 time it starts.
fn minute(m: Option<Minute>) -> Option<String> {
    m.map(|m| m.start().to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn whole(v: Option<f64>) -> Option<u64> {
    v.map(|x| x.round().max(0.0) as u64)
}

/// Rounds away float noise: `digits` decimals.
fn round(v: Option<f64>, digits: i32) -> Option<f64> {
    let f = 10f64.powi(digits);
    v.map(|x| (x * f).round() / f)
}

/// The snapshot of `store` over `window` at `now`.
pub fn build(store: &Store, window: Window, now: DateTime<Utc>) -> Snapshot {
    let stats: FleetStats = fleet_stats(store, window, now);
    // Alarms and event sources are read as they are now: null for a window in the past.
    let present = !window.is_past();
    let mut functions: Vec<FunctionRow> = store
        .functions()
        .iter()
        .zip(&stats.functions)
        .map(|(f, s)| FunctionRow {
            name: f.facts.name.clone(),
            region: f.facts.region.clone(),
            account_id: store.account_id(f.facts.account),
            project: f.project.clone(),
            runtime: f.facts.runtime.clone(),
            memory_mb: f.facts.memory_mb,
            architecture: f.facts.architecture.as_str(),
            timeout_s: f.facts.timeout_s,
            invocations: whole(s.invocations),
            errors: whole(s.errors),
            error_rate: round(s.error_rate, 6),
            throttles: whole(s.throttles),
            duration_avg_ms: round(s.duration_avg_ms, 2),
            duration_p99_ms: round(s.duration_p99_ms, 2),
            p99_peak_of_timeout: round(s.p99_peak_of_timeout, 6),
            concurrency_max: whole(s.concurrency_max),
            est_cost_usd: round(s.est_cost_usd, 6),
            cold_starts: whole(s.cold_starts),
            timeouts: whole(s.timeouts),
            init_p50_ms: round(s.init_p50_ms, 2),
            init_p99_ms: round(s.init_p99_ms, 2),
            memory_used_max_mb: whole(s.memory_used_max_mb),
            provisional_from: minute(s.provisional_from),
            restores: whole(s.restores),
            reserved_concurrency: s.reserved.flatten(),
            provisioned_concurrency: s.provisioned,
            provisioned_utilization_max: round(s.provisioned_use_max, 4),
            spillover_invocations: whole(s.spillover),
            throttle_cause: s.throttle_cause,
            serving: f.capacity.serving.clone().flatten().map(|sv| ServingRow {
                alias: sv.alias,
                version: sv.version,
                memory_mb: sv.memory_mb,
                architecture: sv.architecture.as_str(),
                timeout_s: sv.timeout_s,
            }),
            figures_read_at: f
                .history
                .read_at
                .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            async_events_received: whole(s.async_received),
            async_events_dropped: whole(s.async_dropped),
            async_event_age_max_ms: round(s.async_age_max_ms, 2),
            dead_letter_errors: whole(s.dead_letter_errors),
            destination_delivery_failures: whole(s.destination_failures),
            dead_letter_target: f.facts.dead_letter.clone(),
            on_failure_destination: f.capacity.on_failure.clone().flatten(),
            event_sources: store
                .event_sources_in(&f.facts.place(), &f.facts.name)
                .filter(|_| present)
                .map(|ms| ms.iter().map(|m| event_source_row(m, s)).collect()),
            last_modified: f
                .facts
                .last_modified
                .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            code_sha256: f.facts.code_sha256.clone(),
            deploys: f
                .deploys
                .iter()
                .filter(|d| stats.range.contains(Minute::of(d.at)))
                .map(|d| DeployRow {
                    at: d.at.to_rfc3339_opts(SecondsFormat::Secs, true),
                    kind: d.kind,
                })
                .collect(),
            alarms: store
                .alarms()
                .get(&f.facts.place())
                .filter(|_| present)
                .map(|r| r.firing_for(&f.facts.name).map(str::to_string).collect()),
            latency_class: s.latency_class,
            latency_class_by: s.class_by,
            budget_used: round(s.budget_used, 4),
            duration_p50_ms: round(s.duration_p50_ms, 2),
            duration_p90_ms: round(s.duration_p90_ms, 2),
            duration_p999_ms: round(s.duration_p999_ms, 2),
            duration_p99_peak_ms: round(s.duration_p99_peak_ms, 2),
            reports_read: s.reports_read.map(|c| ReportsReadRow {
                read: c.read,
                of: c.of,
            }),
            duration_source: s.durations.map(|d| d.source),
            duration_histogram: s.durations.map(|d| histogram_rows(&d.histogram)),
            wait_max_ms: round(s.wait_max_ms, 2),
        })
        .collect();
    functions.sort_by(|a, b| {
        (&a.name, &a.region, &a.account_id).cmp(&(&b.name, &b.region, &b.account_id))
    });
    let projects = stats
        .projects
        .iter()
        .map(|p| ProjectRow {
            name: p.name.clone(),
            functions: p.functions,
            invocations: whole(p.invocations),
            errors: whole(p.errors),
            throttles: whole(p.throttles),
            est_cost_usd: round(p.est_cost_usd, 6),
            provisional_from: minute(p.provisional_from),
        })
        .collect();
    let t = &stats.totals;
    Snapshot {
        generated_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        source: store.session().kind,
        account_id: store.identity().map(|i| i.account_id.clone()),
        account_alias: store.identity().and_then(|i| i.alias.clone()),
        window_minutes: window.minutes(),
        window_end: stats
            .range
            .last_minute()
            .plus(1)
            .min(Minute::of(now))
            .start()
            .to_rfc3339_opts(SecondsFormat::Secs, true),
        period_minutes: stats.range.period(),
        past: window.is_past(),
        regions: store.session().regions.clone(),
        accounts: account_rows(store),
        functions,
        projects,
        totals: TotalsRow {
            functions: t.functions,
            invocations: whole(t.invocations),
            errors: whole(t.errors),
            throttles: whole(t.throttles),
            est_cost_usd: round(t.est_cost_usd, 6),
            provisional_from: minute(t.provisional_from),
        },
        problems: store
            .problems()
            .iter()
            .map(|p| ProblemRow {
                source: p.source.clone(),
                message: format!("{}: {}", p.scope, p.message),
                account_id: (!p.account.is_own()).then(|| p.account.to_string()),
            })
            .collect(),
        api_usage: store.api_usage().map(api_usage_row),
        region_concurrency: stats
            .regions
            .iter()
            .map(|r| RegionRow {
                region: r.region.clone(),
                account_id: store.account_id(r.account),
                concurrency_max: whole(r.concurrency_max),
                concurrency_limit: r.concurrency_limit,
                unreserved_concurrency_max: whole(r.unreserved_max),
                unreserved_concurrency_limit: r.unreserved_limit,
                claimed_concurrency_max: whole(r.claimed_max),
                claimed_concurrency_limit: r.concurrency_limit,
            })
            .collect(),
        alarms: (present && !store.alarms().is_empty()).then(|| alarm_rows(store)),
        classes: stats
            .classes
            .iter()
            .map(|c| ClassRow {
                class: c.class,
                functions: c.functions,
                invocations: whole(c.invocations),
                errors: whole(c.errors),
                p99_ms: round(c.durations.and_then(|d| d.p99_ms), 2),
                p99_functions: c.durations.and_then(|d| d.coverage).map_or(0, |c| c.read),
                over_budget: c.over_budget,
                budget_ms: store.class_rule().budget_ms(c.class),
            })
            .collect(),
    }
}

/// A histogram's buckets, counts rounded to a hundredth (CloudWatch's shares give fractions).
fn histogram_rows(h: &Histogram) -> Vec<BucketRow> {
    EDGES_MS
        .iter()
        .zip(h.counts)
        .map(|(le, n)| BucketRow {
            le_ms: *le,
            count: (n * 100.0).round() / 100.0,
        })
        .collect()
}

fn event_source_row(
    m: &crate::store::event_sources::EventSource,
    s: &crate::store::figures::FunctionStats,
) -> EventSourceRow {
    let stream = m.kind.is_stream();
    EventSourceRow {
        arn: m.arn.clone(),
        kind: m.kind.as_str(),
        uuid: m.uuid.clone(),
        state: m.state.clone(),
        state_reason: m.state_reason.clone(),
        last_processing_result: m.last_result.clone(),
        iterator_age_max_ms: round(s.iterator_age_max_ms.filter(|_| stream), 2),
        offset_lag_max: whole(s.offset_lag_max.filter(|_| stream)),
        oldest_message_age_s: m.backlog.as_ref().and_then(|b| b.oldest_age_s),
        messages_visible: m.backlog.as_ref().and_then(|b| b.visible),
        dead_letter_queue: m.dead_letter.as_ref().map(|(arn, _)| arn.clone()),
        dead_letter_messages_visible: m.dead_letter.as_ref().and_then(|(_, b)| b.visible),
    }
}

/// Each account watched, with what it holds and what went wrong in it.
fn account_rows(store: &Store) -> Vec<AccountRow> {
    let session = store.session();
    let watched: Vec<(AccountId, String, Vec<String>, bool)> = if session.accounts.is_empty() {
        // One set of credentials: the one account, once AWS has said whose.
        let one = |i: &crate::store::Identity| {
            let id = i.account_id.clone();
            (AccountId::OWN, id, session.regions.clone(), false)
        };
        store.identity().map(one).into_iter().collect()
    } else {
        session
            .accounts
            .iter()
            .map(|w| (w.id, w.id.to_string(), w.regions.clone(), w.metrics_only))
            .collect()
    };
    watched
        .into_iter()
        .map(|(key, id, regions, metrics_only)| {
            let problems = store.problems().iter().filter(|p| p.account == key).count();
            AccountRow {
                alias: store.identity_of(key).and_then(|i| i.alias.clone()),
                functions: store.inventoried(key).then(|| {
                    store
                        .functions()
                        .iter()
                        .filter(|f| f.facts.account == key)
                        .count()
                }),
                problems,
                regions,
                id,
                metrics_only,
                api_requests: store.api_usage_of(key).map(|u| u.requests()),
                api_est_cost_usd: store
                    .api_usage_of(key)
                    .map(|u| (u.est_cost_usd() * 1e6).round() / 1e6),
            }
        })
        .collect()
}

fn alarm_rows(store: &Store) -> Vec<AlarmRow> {
    store
        .firing_alarms()
        .into_iter()
        .map(|(place, a)| AlarmRow {
            name: a.name.clone(),
            region: place.region.clone(),
            account_id: store.account_id(place.account),
            state: a.state.as_str(),
            since: a
                .since
                .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            reason: a.reason.clone(),
            function: a.functions.first().cloned(),
            functions: a.functions.clone(),
            kind: match a.kind {
                crate::store::alarms::AlarmKind::Metric => "metric",
                crate::store::alarms::AlarmKind::Composite => "composite",
            },
        })
        .collect()
}

/// What was asked of AWS, as JSON shows it.
pub fn api_usage_row(u: &crate::store::usage::ApiUsage) -> ApiUsageRow {
    ApiUsageRow {
        requests: u.requests(),
        metrics_requested: u.metrics(),
        live_tail_minutes: (u.live_tail_minutes * 100.0).round() / 100.0,
        insights_bytes_scanned: u.insights_bytes_scanned,
        est_cost_usd: (u.est_cost_usd() * 1e6).round() / 1e6,
        operations: u
            .operations
            .iter()
            .map(|((service, operation), o)| OperationRow {
                service: service.clone(),
                operation: operation.clone(),
                requests: o.requests,
                metrics: o.metrics,
            })
            .collect(),
        paced: u.paced.clone(),
    }
}

/// The table for people: worst first (most errors), then the projects and the totals.
pub fn table(s: &Snapshot) -> String {
    let mut rows: Vec<&FunctionRow> = s.functions.iter().collect();
    rows.sort_by(|a, b| {
        b.errors
            .unwrap_or(0)
            .cmp(&a.errors.unwrap_or(0))
            .then_with(|| {
                (&a.name, &a.region, &a.account_id).cmp(&(&b.name, &b.region, &b.account_id))
            })
    });
    let n = |v: Option<u64>| format::count(v.map(|x| x as f64));
    let mut out = String::new();
    let source = match s.source {
        SourceKind::Demo => "DEMO fleet",
        SourceKind::Aws => "AWS",
    };
    let several = s.accounts.len() > 1;
    let account = if several {
        format!("{} accounts · ", s.accounts.len())
    } else {
        s.account_id
            .as_deref()
            .filter(|_| s.source == SourceKind::Aws)
            .map(|id| format!("account {id} · "))
            .unwrap_or_default()
    };
    // Among several accounts, each row says whose: the alias where known, else the id.
    let whose = |id: Option<&str>| -> String {
        if !several {
            return String::new();
        }
        let name = s
            .accounts
            .iter()
            .find(|a| Some(a.id.as_str()) == id)
            .and_then(|a| a.alias.as_deref())
            .or(id)
            .unwrap_or("–");
        format!("{:<14} ", truncate(name, 14))
    };
    out.push_str(&format!(
        "{source} · {account}{} · {}{} min to {}{} · {}\n\n",
        s.regions.join(", "),
        if s.past { "" } else { "last " },
        s.window_minutes,
        s.window_end,
        match s.period_minutes {
            1 => String::new(),
            p => format!(" by {p} min"),
        },
        if s.problems.is_empty() {
            "no problems".to_string()
        } else {
            let n = s.problems.len();
            format!("{n} problem{}", if n == 1 { "" } else { "s" })
        }
    ));
    // What is paging first.
    if let Some(alarms) = s.alarms.as_ref().filter(|a| !a.is_empty()) {
        out.push_str(&format!(
            "{:<32} {:<10} {:<32} {:<20} REASON\n",
            "ALARM", "REGION", "FUNCTION", "SINCE"
        ));
        for a in alarms {
            out.push_str(&format!(
                "{:<32} {:<10} {:<32} {:<20} {}\n",
                truncate(&a.name, 32),
                a.region,
                truncate(a.function.as_deref().unwrap_or("–"), 32),
                a.since.as_deref().unwrap_or("–"),
                truncate(&a.reason, 100),
            ));
        }
        out.push('\n');
    }
    if several {
        out.push_str(&format!("{:<14} ", "ACCOUNT"));
    }
    out.push_str(&format!(
        "{:<32} {:<10} {:<14} {:>8} {:>7} {:>6} {:>7} {:>7} {:>7} {:>6} {:>5} {:>9}\n",
        "FUNCTION",
        "REGION",
        "PROJECT",
        "INVOKED",
        "ERRORS",
        "ERR%",
        "THROT",
        "AVG",
        "P99",
        "PK/TO",
        "CONC",
        "EST.COST"
    ));
    for f in rows {
        let to = f.p99_peak_of_timeout;
        out.push_str(&whose(f.account_id.as_deref()));
        out.push_str(&format!(
            "{:<32} {:<10} {:<14} {:>8} {:>7} {:>6} {:>7} {:>7} {:>7} {:>6} {:>5} {:>9}\n",
            truncate(&f.name, 32),
            f.region,
            truncate(&f.project, 14),
            n(f.invocations),
            n(f.errors),
            format::percent(f.error_rate),
            n(f.throttles),
            format::millis(f.duration_avg_ms),
            format::millis(f.duration_p99_ms),
            format::percent(to),
            n(f.concurrency_max),
            format::usd(f.est_cost_usd),
        ));
    }
    out.push_str(&format!(
        "\n{:<24} {:>9} {:>8} {:>7} {:>7} {:>9}\n",
        "PROJECT", "FUNCTIONS", "INVOKED", "ERRORS", "THROT", "EST.COST"
    ));
    for p in &s.projects {
        out.push_str(&format!(
            "{:<24} {:>9} {:>8} {:>7} {:>7} {:>9}\n",
            truncate(&p.name, 24),
            p.functions,
            n(p.invocations),
            n(p.errors),
            n(p.throttles),
            format::usd(p.est_cost_usd)
        ));
    }
    let t = &s.totals;
    out.push_str(&format!(
        "{:<24} {:>9} {:>8} {:>7} {:>7} {:>9}\n",
        "TOTAL",
        t.functions,
        n(t.invocations),
        n(t.errors),
        n(t.throttles),
        format::usd(t.est_cost_usd)
    ));
    for p in &s.problems {
        out.push_str(&format!("\nproblem ({}): {}", p.source, p.message));
    }
    out
}

pub async fn run(settings: &Settings, args: &SnapshotArgs, clock: SharedClock) -> Result<()> {
    let window = super::window(settings, Window::M15, clock.now())?;
    let store = read_once(settings, window, &clock).await?;
    let snapshot = build(&store, window, clock.now());
    // A table for people says it is a recording's (the JSON is the one printed then).
    let replay = store.recorded().map(|r| {
        format!(
            "REPLAY of a recording made {} by lambdatop {}\n",
            r.recorded_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            r.lambdatop
        )
    });
    // The store is done with: 10,000 functions' history need not sit beside their output.
    drop(store);
    match args.format {
        SnapshotFormat::Json => super::print_json(&snapshot),
        SnapshotFormat::Csv => {
            let rows: Vec<serde_json::Value> = snapshot
                .functions
                .iter()
                .map(serde_json::to_value)
                .collect::<Result<_, _>>()?;
            super::print(
                crate::view::export::json_rows(&["name", "account_id", "region", "project"], &rows)
                    .as_bytes(),
            )
        }
        SnapshotFormat::Table => super::print_line(&format!(
            "{}{}",
            replay.unwrap_or_default(),
            table(&snapshot)
        )),
    }
}

/// The store every source leaves after one poll over `window` (a recording's, as it was):
/// what `snapshot` and `record` read.
pub async fn read_once(settings: &Settings, window: Window, clock: &SharedClock) -> Result<Store> {
    let mut setup = super::setup(settings, clock, false).await?;
    if setup.store.recorded().is_none() {
        poll_all(&mut setup, window, clock).await?;
    }
    Ok(setup.store)
}

/// Every source polled once over `window`, into the store; an error when nothing at all
/// could be read. Polled again, the sources read on from where they were.
pub async fn poll_all(setup: &mut super::Setup, window: Window, clock: &SharedClock) -> Result<()> {
    // A long or past window is kept beside the minutes, at its period.
    let retention = setup.store.retention_minutes();
    setup.store.set_span(window.span(clock.now(), retention));
    // Distributions are read over the window asked for.
    for source in &mut setup.sources {
        source.control(&crate::source::Control::Window(window));
    }
    // Every source once, at the same time: regions do not wait for each other. Among several
    // accounts, a bounded number at once.
    let now = clock.now();
    let at_once = if setup.store.session().accounts.len() > 1 {
        crate::source::runner::POLLS_AT_ONCE
    } else {
        setup.sources.len().max(1)
    };
    let batches: Vec<Vec<SourceEvent>> = {
        use futures::StreamExt;
        futures::stream::iter(setup.sources.iter_mut().map(|s| s.poll(now)))
            .buffered(at_once)
            .collect()
            .await
    };
    // Nothing read at all (a dead network, bad credentials): an error, not an empty fleet.
    let read_nothing = batches.iter().all(|events| {
        !events.iter().any(|e| {
            matches!(
                e.inner(),
                SourceEvent::Inventory { .. } | SourceEvent::Metrics(_)
            )
        })
    });
    // Each source's state after its poll, as the dashboard's runner reports it: a recording
    // of this store opens loaded, and a poll that brought only problems failed.
    let states: Vec<Option<SourceEvent>> = setup
        .sources
        .iter()
        .zip(&batches)
        .map(|(source, events)| {
            let brought = events.iter().any(|e| {
                matches!(
                    e.inner(),
                    SourceEvent::Inventory { .. } | SourceEvent::Metrics(_) | SourceEvent::Logs(_)
                )
            });
            let failed = !brought
                && events
                    .iter()
                    .any(|e| matches!(e.inner(), SourceEvent::Problem { .. }));
            source.tracks_status().then(|| SourceEvent::Status {
                source: source.name().to_string(),
                state: if failed {
                    crate::store::LoadingState::Failed
                } else {
                    crate::store::LoadingState::Loaded
                },
                at: now,
            })
        })
        .collect();
    for events in batches {
        setup.store.apply_all(events);
    }
    setup.store.apply_all(states.into_iter().flatten());
    // The rest of what came in parts, part by part.
    for source in &mut setup.sources {
        while source.has_more() {
            let events = source.poll(now).await;
            setup.store.apply_all(events);
        }
    }
    if read_nothing && let Some(p) = setup.store.problems().iter().next() {
        anyhow::bail!("could not read the account: {}: {}", p.scope, p.message);
    }
    Ok(())
}
