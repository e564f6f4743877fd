//! A Lambda function as the store holds it: its facts (configuration and tags) and its
//! history (one `Series` per metric, plus the mark on the newest, still-filling minute).

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::account::{AccountId, Place};
use super::metric::Metric;
use super::minute::{Minute, MinuteRange};
use super::series::Series;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, serde::Deserialize)]
pub enum Architecture {
    #[default]
    #[serde(rename = "x86_64")]
    X86_64,
    #[serde(rename = "arm64")]
    Arm64,
}

impl Architecture {
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        }
    }
}

impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A function is unique by account, region and name.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct FunctionKey {
    /// `OWN` for the one account of a session of one set of credentials (`store::account`).
    pub account: AccountId,
    pub region: String,
    pub name: String,
}

/// "name (region)", as panes and messages name a function; "name (region, account)" among
/// several accounts.
impl std::fmt::Display for FunctionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.account.is_own() {
            write!(f, "{} ({})", self.name, self.region)
        } else {
            write!(f, "{} ({}, {})", self.name, self.region, self.account)
        }
    }
}

impl FunctionKey {
    /// A function of the session's one account.
    pub fn new(region: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            account: AccountId::OWN,
            region: region.into(),
            name: name.into(),
        }
    }

    /// The same function name and region in `account`.
    pub fn in_account(mut self, account: AccountId) -> Self {
        self.account = account;
        self
    }

    /// The account's region it belongs to.
    pub fn place(&self) -> Place {
        Place::new(self.account, &self.region)
    }
}

/// Configuration and tags, as an inventory poll reports them.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct FunctionFacts {
    pub name: String,
    pub region: String,
    /// Whose account, as `FunctionKey::account`.
    pub account: AccountId,
    pub runtime: Option<String>,
    pub memory_mb: Option<u32>,
    pub architecture: Architecture,
    pub timeout_s: Option<u32>,
    pub tags: BTreeMap<String, String>,
    pub last_modified: Option<DateTime<Utc>>,
    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME`, where the inventory gives it.
    pub arn: Option<String>,
    /// Where and how it logs (Lambda's `LoggingConfig`).
    pub logging: Logging,
    /// The queue or topic its failed asynchronous events go to (`DeadLetterConfig.TargetArn`).
    pub dead_letter: Option<String>,
    /// The deployment package's hash (`CodeSha256`): a new one is new code.
    pub code_sha256: Option<String>,
    /// Changes with every update of code or configuration (`RevisionId`).
    pub revision_id: Option<String>,
}

/// What a deploy changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeployKind {
    /// New code (`CodeSha256` changed).
    Code,
    /// Configuration only: memory, environment, timeout… (`RevisionId` changed, the code did
    /// not).
    Config,
    /// A `LastModified` inside the history when the function was first seen: what changed
    /// cannot be told.
    Unknown,
}

/// A change to a function, seen by the inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deploy {
    pub at: DateTime<Utc>,
    pub kind: DeployKind,
}

/// Where a function's logs go and in which format: Lambda's `LoggingConfig` (API Reference,
/// *LoggingConfig*). By default, plain text in `/aws/lambda/NAME`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Logging {
    /// `LogFormat = JSON`: every line, REPORT included, is a JSON record.
    pub json: bool,
    /// A log group of its own choosing, possibly shared with other functions (`None`: the
    /// default `/aws/lambda/NAME`).
    pub group: Option<String>,
    /// `SystemLogLevel` (`DEBUG`, `INFO`, `WARN`), where it was given: in the JSON format,
    /// the level of Lambda's own records it sends.
    #[serde(default)]
    pub system_level: Option<String>,
}

impl Logging {
    /// Whether Lambda withholds the START and REPORT records: in the JSON format with system
    /// logs at `WARN`, it sends none of them (Lambda Developer Guide, *Log-level filtering*:
    /// "By default, Lambda sets the system log level to INFO. With this setting, Lambda
    /// automatically sends "start" and "report" log messages"; `WARN` sends less). Cold starts,
    /// init, timeouts and memory read from them are then unknown, never zero.
    pub fn reports_withheld(&self) -> bool {
        self.json
            && self.system_level.as_deref().is_some_and(|l| {
                matches!(l.to_ascii_uppercase().as_str(), "WARN" | "ERROR" | "FATAL")
            })
    }
}

impl FunctionFacts {
    /// Whether these are the facts of the function `key` names.
    pub fn is(&self, key: &FunctionKey) -> bool {
        self.name == key.name && self.region == key.region && self.account == key.account
    }

    pub fn key(&self) -> FunctionKey {
        FunctionKey::new(&self.region, &self.name).in_account(self.account)
    }

    /// The account's region it belongs to.
    pub fn place(&self) -> Place {
        Place::new(self.account, &self.region)
    }
}

/// Init durations kept per function for percentiles: enough for hours of cold starts.
const INIT_SAMPLES: usize = 1024;

/// Per-minute metric history of one function.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct History {
    series: [Series; Metric::COUNT],
    /// `Metric::PROVISIONED`, for the few functions that have provisioned concurrency: most
    /// never need the room.
    provisioned: Option<Box<[Series; 2]>>,
    /// `Metric::ASYNC`, for the functions invoked asynchronously, likewise.
    asynchronous: Option<Box<[Series; 5]>>,
    /// `Metric::STREAM`, for the functions that read a stream, likewise.
    streams: Option<Box<[Series; 2]>>,
    /// The newest minute whose figures will not change any more: the ones after it are
    /// provisional (their counts may still grow). `None`: no source said.
    pub settled: Option<Minute>,
    /// When its figures were last read (`None`: not yet, or by a source that does not say).
    pub read_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Init durations of cold starts (ms), by minute, oldest first: percentiles need samples.
    /// The minute is kept in 32 bits (epoch minutes fit until the year 6053), so that a
    /// sample takes 8 bytes, not 16: thousands of functions keep hundreds each.
    init_samples: std::collections::VecDeque<(i32, f32)>,
}

impl History {
    pub fn new(capacity: usize) -> Self {
        Self::with_period(capacity, 1)
    }

    /// A span's history: `capacity` buckets of `period` minutes of what CloudWatch keeps of
    /// every function (`Metric::SPAN`); the figures of REPORT lines, which are not read back
    /// for days, get no room.
    pub fn span(capacity: usize, period: u32) -> Self {
        let mut h = Self::with_period(1, period);
        for m in Metric::SPAN {
            h.series[m.index()] = Series::with_period(capacity, period);
        }
        h
    }

    /// A history of `capacity` buckets of `period` minutes each.
    pub fn with_period(capacity: usize, period: u32) -> Self {
        Self {
            series: std::array::from_fn(|_| Series::with_period(capacity, period)),
            provisioned: None,
            asynchronous: None,
            streams: None,
            settled: None,
            read_at: None,
            init_samples: std::collections::VecDeque::new(),
        }
    }

    /// Makes `samples` the init durations of the minutes of `covered`: a report read twice
    /// replaces itself rather than counting twice.
    pub fn set_init_samples(&mut self, covered: MinuteRange, samples: &[(Minute, f64)]) {
        self.init_samples
            .retain(|(m, _)| !covered.contains(Minute(i64::from(*m))));
        let at = self
            .init_samples
            .partition_point(|(m, _)| i64::from(*m) < covered.first.0);
        let kept = samples
            .iter()
            .filter(|(m, _)| covered.contains(*m))
            .filter_map(|(m, v)| Some((i32::try_from(m.0).ok()?, *v as f32)));
        for (i, sample) in kept.enumerate() {
            self.init_samples.insert(at + i, sample);
        }
        while self.init_samples.len() > INIT_SAMPLES {
            self.init_samples.pop_front();
        }
    }

    /// Init durations of the minutes of `range`.
    pub fn init_samples(&self, range: MinuteRange) -> Vec<f64> {
        self.init_samples
            .iter()
            .filter(|(m, _)| range.contains(Minute(i64::from(*m))))
            .map(|(_, v)| f64::from(*v))
            .collect()
    }

    pub fn series(&self, metric: Metric) -> &Series {
        static NONE: std::sync::LazyLock<Series> = std::sync::LazyLock::new(|| Series::new(1));
        if let Some(i) = metric.provisioned_index() {
            return self.provisioned.as_ref().map_or(&NONE, |p| &p[i]);
        }
        if let Some(i) = metric.async_index() {
            return self.asynchronous.as_ref().map_or(&NONE, |a| &a[i]);
        }
        if let Some(i) = metric.stream_index() {
            return self.streams.as_ref().map_or(&NONE, |s| &s[i]);
        }
        &self.series[metric.index()]
    }

    /// Whether it has ever had asynchronous-invocation figures.
    pub fn is_async(&self) -> bool {
        self.asynchronous.is_some()
    }

    /// Minutes a bucket spans.
    pub fn period(&self) -> u32 {
        self.series[0].period()
    }

    /// Whether its buckets can hold every bucket of `range`: the same period, and none of
    /// them older than it keeps (a range reaching past its newest bucket only has gaps
    /// there). Nothing written yet holds nothing.
    pub fn covers(&self, range: MinuteRange) -> bool {
        let s = &self.series[0];
        s.period() == range.period()
            && s.newest().is_some_and(|newest| {
                range.first.0 > newest.0 - (s.capacity() as i64) * i64::from(s.period())
            })
    }

    pub fn series_mut(&mut self, metric: Metric) -> &mut Series {
        let capacity = self.series[0].capacity();
        let period = self.series[0].period();
        let new = || Series::with_period(capacity, period);
        if let Some(i) = metric.provisioned_index() {
            return &mut self
                .provisioned
                .get_or_insert_with(|| Box::new(std::array::from_fn(|_| new())))[i];
        }
        if let Some(i) = metric.async_index() {
            return &mut self
                .asynchronous
                .get_or_insert_with(|| Box::new(std::array::from_fn(|_| new())))[i];
        }
        if let Some(i) = metric.stream_index() {
            return &mut self
                .streams
                .get_or_insert_with(|| Box::new(std::array::from_fn(|_| new())))[i];
        }
        &mut self.series[metric.index()]
    }

    /// Writes a run of one metric, and how far it is settled where the source says.
    pub fn write(&mut self, update: super::event::MetricUpdate) {
        if update.settled.is_some() {
            self.settled = update.settled;
        }
        let series = self.series_mut(update.metric);
        for (m, v) in update.points {
            series.set(m, v);
        }
    }

    pub fn get(&self, metric: Metric, m: Minute) -> Option<f64> {
        self.series(metric).get(m)
    }

    /// Whether the figures of the bucket starting at `m` may still change.
    pub fn is_provisional(&self, m: Minute) -> bool {
        let last = m.plus(i64::from(self.period()) - 1);
        self.settled.is_some_and(|s| last > s)
    }
}

/// The published version that carries a function's traffic through its aliases, with that
/// version's configuration: what is billed and what times out, where `$LATEST`'s may differ.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Serving {
    /// The alias that routes to it (the first, by name, of those that do).
    pub alias: String,
    pub version: String,
    pub memory_mb: Option<u32>,
    pub architecture: Architecture,
    pub timeout_s: Option<u32>,
}

/// What a function may run at once beyond the account's shared pool, and what serves it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Capacity {
    /// Reserved concurrency: `Some(None)` none reserved, `None` not read (yet).
    #[serde(with = "super::recording::known")]
    pub reserved: Option<Option<u32>>,
    /// Provisioned concurrency allocated over its versions and aliases: `Some(0)` none,
    /// `None` not read (yet).
    pub provisioned: Option<u32>,
    /// The version its aliases route to: `Some(None)` none (traffic runs on `$LATEST`), `None`
    /// not read (yet).
    #[serde(with = "super::recording::known")]
    pub serving: Option<Option<Serving>>,
    /// Where its asynchronous events go when they fail (an on-failure destination of its
    /// event-invoke configuration): `Some(None)` none, `None` not read (yet).
    #[serde(with = "super::recording::known")]
    pub on_failure: Option<Option<String>>,
}

impl Function {
    /// Memory, architecture and timeout of the configuration that carries the traffic: the
    /// aliased version's where there is one, else `$LATEST`'s.
    pub fn serving_config(&self) -> (Option<u32>, Architecture, Option<u32>) {
        match &self.capacity.serving {
            Some(Some(s)) => (s.memory_mb, s.architecture, s.timeout_s),
            _ => (
                self.facts.memory_mb,
                self.facts.architecture,
                self.facts.timeout_s,
            ),
        }
    }
}

/// One function in the store.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Function {
    pub facts: FunctionFacts,
    /// Derived by the project rule when the facts arrive.
    pub project: String,
    pub history: History,
    /// Kept across inventories: it is read apart, function by function.
    pub capacity: Capacity,
    /// Its deploys inside the history kept, oldest first.
    pub deploys: Vec<Deploy>,
    /// Its versions and aliases, once its detail asked for them.
    pub versions: Option<Box<super::versions::Versions>>,
    /// How long its invocations ran, as far as it was read.
    pub durations: DurationReads,
    /// Its figures over the store's span (a long or past window), at the span's period, once
    /// read: beside `history`, which keeps the last hours minute by minute.
    pub span: Option<Box<History>>,
}

impl Function {
    /// The history that holds `range`: the minutes kept live where they reach back far
    /// enough, else the span's buckets where they match; else the minutes for a range of
    /// minutes (gaps where they have none), else nothing (every figure unknown, never zero).
    pub fn history_over(&self, range: MinuteRange) -> &History {
        if self.history.covers(range) {
            return &self.history;
        }
        match &self.span {
            Some(s) if s.covers(range) => s,
            _ if range.period() == 1 => &self.history,
            _ => History::empty(),
        }
    }
}

impl History {
    /// A history with nothing in it: every figure unknown.
    pub fn empty() -> &'static History {
        static EMPTY: std::sync::LazyLock<History> = std::sync::LazyLock::new(|| History::new(1));
        &EMPTY
    }
}

/// A function's duration distribution as read: REPORT lines counted by minute, and
/// CloudWatch's answer over a window. Boxed: most functions have neither.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DurationReads {
    pub reports: Option<Box<super::distribution::ReportDurations>>,
    pub cloudwatch: Option<Box<super::distribution::CloudWatchDurations>>,
}

impl DurationReads {
    /// The distribution over `range`, from what was read.
    pub fn over(&self, range: MinuteRange) -> Option<super::distribution::Durations> {
        super::distribution::Durations::of(
            self.reports.as_deref(),
            self.cloudwatch.as_deref(),
            range,
        )
    }
}
