//! The store: the single truth the panes render and `snapshot` prints.
//!
//! It holds per-function facts and minute history, open problems and each source's loading
//! state. Only the app loop (or a command) owns it and applies `SourceEvent`s (defined here, in
//! `event`) to it; every change to what figures come from bumps `version`, which is how views
//! know their cached sort, filter and sums are stale. It imports nothing from sources, the app
//! or the panes.

pub mod account;
pub mod alarms;
pub mod clean;
pub mod cost;
pub mod distribution;
pub mod error_groups;
pub mod event;
pub mod event_sources;
pub mod figures;
mod function;
pub mod health;
pub mod insights;
pub mod invocations;
pub mod latency;
pub mod logs;
mod metric;
mod minute;
pub mod pricing;
mod problems;
pub mod project;
pub mod recording;
mod series;
pub mod span;
pub mod usage;
pub mod versions;
pub mod window;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};

pub use account::{AccountId, Place};
pub use function::{
    Architecture, Capacity, Deploy, DeployKind, DurationReads, Function, FunctionFacts,
    FunctionKey, History, Logging, Serving,
};
pub use metric::Metric;
pub use minute::{Minute, MinuteRange};
pub use problems::{Problem, ProblemKind, Problems};
pub use series::Series;
pub use span::Span;
pub use window::Window;

pub use event::{LoadingState, Pool, RegionFigure, SourceEvent, SourceKind};

use crate::logtext::sanitize::clean_field;

/// History kept per function by default: 3 hours of complete minutes plus the filling one.
pub const DEFAULT_RETENTION_MINUTES: u32 = 180;

/// Who the store speaks for: shown in the header and in `snapshot`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub kind: SourceKind,
    pub profile: Option<String>,
    pub regions: Vec<String>,
    /// The accounts of a session of several (profiles, or roles assumed in each), those
    /// that could not be reached included; empty for a session of one set of credentials.
    pub accounts: Vec<account::Watched>,
}

/// Whose account the figures are of, as AWS names the caller (`sts:GetCallerIdentity`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    /// Twelve digits: what everything kept per account is keyed by.
    pub account_id: String,
    /// The account's alias, where `iam:ListAccountAliases` is allowed.
    pub alias: Option<String>,
    /// `aws`, `aws-us-gov` or `aws-cn`.
    pub partition: String,
}

/// What applying an event changed, least first: a batch of events changed the most of its
/// events' (`max`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Changed {
    Nothing,
    /// Problems, loading states, versions, the identity or the API usage: read directly by
    /// the panes, which need only be drawn again.
    Status,
    /// The log lines (and what the log pane's views fold from them).
    Logs,
    /// Functions, their history, region figures or the bill: the figures must be recomputed.
    Figures,
}

/// Loading state of one source.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SourceStatus {
    pub state: LoadingState,
    pub last_success: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct Store {
    session: Session,
    retention_minutes: u32,
    project_tag: String,
    functions: Vec<Function>,
    index: HashMap<FunctionKey, usize>,
    problems: Problems,
    sources: BTreeMap<String, SourceStatus>,
    regions: BTreeMap<Place, RegionState>,
    /// The regions whose functions have been listed at least once.
    inventoried: BTreeSet<Place>,
    logs: logs::LogBuffer,
    /// The log pane's latest Logs Insights query, once answered.
    insights: Option<insights::InsightsResult>,
    /// Every account's requests together.
    api_usage: Option<usage::ApiUsage>,
    /// Each account's requests (the session's one account under `OWN`).
    usage_by_account: BTreeMap<AccountId, usage::ApiUsage>,
    cost: Option<cost::CostReport>,
    /// Whose each account is, once AWS has said (the session's one account under `OWN`).
    identities: BTreeMap<AccountId, Identity>,
    /// Each region's alarms, once read.
    alarms: BTreeMap<Place, alarms::RegionAlarms>,
    /// Every alarm as the alarms view lists them (`alarm_list`): its region and its index
    /// there, ordered once when alarms are read rather than on every key and frame.
    alarm_order: Vec<(Place, usize)>,
    /// Each region's event-source mappings by function name, once read.
    event_sources: BTreeMap<Place, BTreeMap<String, Vec<event_sources::EventSource>>>,
    /// How functions are sorted into latency classes, and each class's budget.
    class_rule: latency::ClassRule,
    /// The long or past window kept beside the minutes, if one is shown.
    span: Option<Span>,
    /// Where the store came from a recording: when it was made, and by what. A replay is
    /// frozen there.
    recorded: Option<recording::Recorded>,
    version: u64,
}

/// What the store knows of a region as a whole.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RegionState {
    /// The account's concurrent-executions limit, where the caller may read it.
    pub concurrency_limit: Option<u32>,
    /// The limit less every reservation: what unreserved functions share.
    pub unreserved_limit: Option<u32>,
    /// Peak concurrent executions of all the region's functions together, per minute.
    pub concurrency: Series,
    /// Peak executions of the functions without a reservation, per minute.
    pub unreserved: Series,
    /// Peak unreserved executions plus every reservation and provisioned allocation.
    pub claimed: Series,
    /// The region's own invocations, errors and throttles (CloudWatch's figures without a
    /// function dimension), in the order of `REGION_SUMS`: they keep the fleet's totals at
    /// one-minute freshness while functions off screen are asked for less often.
    pub sums: [Series; 3],
    /// The newest minute of the region's own figures that will not change any more.
    pub settled: Option<Minute>,
    /// When a poll last read every figure of the region.
    pub read_at: Option<DateTime<Utc>>,
    /// The same over the store's span, at its period, once read.
    pub span: Option<Box<RegionState>>,
}

/// The sums a region reports of itself.
pub const REGION_SUMS: [Metric; 3] = [Metric::Invocations, Metric::Errors, Metric::Throttles];

impl RegionState {
    fn new(capacity: usize, period: u32) -> Self {
        let series = || Series::with_period(capacity, period);
        RegionState {
            concurrency_limit: None,
            unreserved_limit: None,
            concurrency: series(),
            unreserved: series(),
            claimed: series(),
            sums: std::array::from_fn(|_| series()),
            settled: None,
            read_at: None,
            span: None,
        }
    }

    /// The figures that hold `range`: the minutes kept live where they reach back far
    /// enough, else the span's where it holds it; else the minutes for a range of minutes
    /// (gaps where they have none), else none (unknown, never zero).
    pub fn over(&self, range: MinuteRange) -> &RegionState {
        static EMPTY: std::sync::LazyLock<RegionState> =
            std::sync::LazyLock::new(|| RegionState::new(1, 1));
        let holds = |s: &RegionState| {
            [&s.concurrency, &s.unreserved, &s.claimed]
                .into_iter()
                .chain(&s.sums)
                .any(|series| {
                    series.period() == range.period()
                        && series.newest().is_some_and(|newest| {
                            range.first.0
                                > newest.0 - (series.capacity() as i64) * i64::from(series.period())
                        })
                })
        };
        if holds(self) {
            return self;
        }
        match &self.span {
            Some(s) if holds(s) => s,
            _ if range.period() == 1 => self,
            _ => &EMPTY,
        }
    }

    /// The region's own sum of `metric`, where it has one.
    pub fn sum(&self, metric: Metric) -> Option<&Series> {
        let i = REGION_SUMS.iter().position(|m| *m == metric)?;
        Some(&self.sums[i])
    }
}

impl Store {
    pub fn new(session: Session, retention_minutes: u32, project_tag: &str) -> Self {
        Self {
            session,
            retention_minutes: retention_minutes.max(1),
            project_tag: project_tag.to_string(),
            functions: Vec::new(),
            index: HashMap::new(),
            problems: Problems::default(),
            sources: BTreeMap::new(),
            regions: BTreeMap::new(),
            inventoried: BTreeSet::new(),
            logs: logs::LogBuffer::new(logs::DEFAULT_SCROLLBACK),
            insights: None,
            api_usage: None,
            usage_by_account: BTreeMap::new(),
            cost: None,
            identities: BTreeMap::new(),
            alarms: BTreeMap::new(),
            alarm_order: Vec::new(),
            event_sources: BTreeMap::new(),
            class_rule: latency::ClassRule::default(),
            span: None,
            recorded: None,
            version: 0,
        }
    }

    /// When and by what the recording this store was read from was made (`None`: live).
    pub fn recorded(&self) -> Option<&recording::Recorded> {
        self.recorded.as_ref()
    }

    /// The long or past window kept beside the minutes (`None`: the minutes suffice).
    pub fn span(&self) -> Option<Span> {
        self.span
    }

    /// Keeps `span` beside the minutes from now on: what was kept of another span goes (a
    /// window in the past does not move, so its buckets are not the new one's).
    pub fn set_span(&mut self, span: Option<Span>) {
        if self.span == span {
            return;
        }
        self.span = span;
        for f in &mut self.functions {
            f.span = None;
        }
        for r in self.regions.values_mut() {
            r.span = None;
        }
        self.version += 1;
    }

    /// Sorts functions into latency classes by `rule`.
    pub fn with_classes(mut self, rule: latency::ClassRule) -> Self {
        self.class_rule = rule;
        self
    }

    pub fn class_rule(&self) -> &latency::ClassRule {
        &self.class_rule
    }

    /// Keeps at most `lines` log lines (the log pane's scrollback).
    pub fn with_scrollback(mut self, lines: usize) -> Self {
        self.logs = logs::LogBuffer::new(lines);
        self
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn retention_minutes(&self) -> u32 {
        self.retention_minutes
    }

    /// Bumped by every change to what figures are computed from (functions and their history,
    /// region figures); views compare it to know when to recompute. Problems, loading states
    /// and log lines, which panes read directly, leave it alone: a status every two seconds
    /// must not recompute a 10,000-function fleet.
    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn functions(&self) -> &[Function] {
        &self.functions
    }

    fn function_mut(&mut self, key: &FunctionKey) -> Option<&mut Function> {
        let &i = self.index.get(key)?;
        self.functions.get_mut(i)
    }

    pub fn function(&self, key: &FunctionKey) -> Option<&Function> {
        self.index.get(key).map(|&i| &self.functions[i])
    }

    pub fn problems(&self) -> &Problems {
        &self.problems
    }

    pub fn sources(&self) -> &BTreeMap<String, SourceStatus> {
        &self.sources
    }

    /// Log lines of what is being tailed, oldest first.
    pub fn logs(&self) -> &logs::LogBuffer {
        &self.logs
    }

    /// The log pane's latest Logs Insights answer.
    pub fn insights(&self) -> Option<&insights::InsightsResult> {
        self.insights.as_ref()
    }

    /// What the dashboard has asked of AWS so far (`None` on the demo fleet).
    pub fn api_usage(&self) -> Option<&usage::ApiUsage> {
        self.api_usage.as_ref()
    }

    /// What the dashboard has asked of AWS in `account` so far (`None`: nothing yet).
    pub fn api_usage_of(&self, account: AccountId) -> Option<&usage::ApiUsage> {
        self.usage_by_account.get(&account)
    }

    /// Cost Explorer's month to date, once it has answered (or its cache has).
    pub fn cost(&self) -> Option<&cost::CostReport> {
        self.cost.as_ref()
    }

    /// Whose account this is, once AWS has said (`None` on the demo fleet, and until then;
    /// `None` too among several accounts: `identity_of` names each).
    pub fn identity(&self) -> Option<&Identity> {
        self.identities.get(&AccountId::OWN)
    }

    /// Whose `account` is (`OWN`: the session's one account), once AWS has said.
    pub fn identity_of(&self, account: AccountId) -> Option<&Identity> {
        self.identities.get(&account)
    }

    /// The id of `account` as rows show it: the session's one account is the identity's.
    pub fn account_id(&self, account: AccountId) -> Option<String> {
        if account.is_own() {
            self.identity().map(|i| i.account_id.clone())
        } else {
            Some(account.to_string())
        }
    }

    /// How `account` is named on screen: its alias where known, else its id (`None` while
    /// the session's one account is unknown).
    pub fn account_name(&self, account: AccountId) -> Option<String> {
        match self.identities.get(&account).and_then(|i| i.alias.clone()) {
            Some(alias) => Some(alias),
            None => self.account_id(account),
        }
    }

    /// The account of a session of several that `name` names: its id, or its alias.
    pub fn account_named(&self, name: &str) -> Option<AccountId> {
        self.session.accounts.iter().map(|w| w.id).find(|&id| {
            id.to_string() == name
                || self
                    .identity_of(id)
                    .and_then(|i| i.alias.as_deref())
                    .is_some_and(|alias| alias.eq_ignore_ascii_case(name))
        })
    }

    /// How each account of a session of several is named: its alias, else its id.
    pub fn account_names(&self) -> Vec<String> {
        self.session
            .accounts
            .iter()
            .filter_map(|w| self.account_name(w.id))
            .collect()
    }

    /// Whether any region of `account` has had its functions listed: none listed is 0
    /// functions only then.
    pub fn inventoried(&self, account: AccountId) -> bool {
        self.inventoried.iter().any(|p| p.account == account)
    }

    /// Each region's alarms, by account and region: a region missing has not been read.
    pub fn alarms(&self) -> &BTreeMap<Place, alarms::RegionAlarms> {
        &self.alarms
    }

    /// The event-source mappings of function `name` of `place`: none is `[]`; `None` while
    /// the region's mappings are unknown.
    pub fn event_sources_in(
        &self,
        place: &Place,
        name: &str,
    ) -> Option<&[event_sources::EventSource]> {
        let region = self.event_sources.get(place)?;
        Some(region.get(name).map_or(&[], Vec::as_slice))
    }

    /// Mappings that stopped or fail, in every region: what the header counts.
    pub fn event_sources_in_breach(&self) -> usize {
        self.event_sources
            .values()
            .flat_map(|r| r.values().flatten())
            .filter(|m| m.breach())
            .count()
    }

    /// Every alarm known, with its account's region: those in ALARM first, the newest first;
    /// then the others by state and name. The alarms view lists them so.
    pub fn alarm_list(&self) -> Vec<(&Place, &alarms::Alarm)> {
        self.alarm_order
            .iter()
            .filter_map(|(r, i)| {
                let (r, a) = self.alarms.get_key_value(r)?;
                Some((r, a.alarms.get(*i)?))
            })
            .collect()
    }

    /// Orders every region's alarms as `alarm_list` gives them, after a read.
    fn order_alarms(&mut self) {
        let mut order: Vec<(&Place, usize, &alarms::Alarm)> = self
            .alarms
            .iter()
            .flat_map(|(r, a)| a.alarms.iter().enumerate().map(move |(i, a)| (r, i, a)))
            .collect();
        order.sort_by(|(ra, _, a), (rb, _, b)| {
            use std::cmp::Reverse;
            (a.state, Reverse(a.since), *ra, &a.name).cmp(&(
                b.state,
                Reverse(b.since),
                *rb,
                &b.name,
            ))
        });
        self.alarm_order = order.into_iter().map(|(r, i, _)| (r.clone(), i)).collect();
    }

    /// Every alarm in ALARM, with its account's region: the newest first.
    pub fn firing_alarms(&self) -> Vec<(&Place, &alarms::Alarm)> {
        let mut all = self.alarm_list();
        all.retain(|(_, a)| a.firing());
        all
    }

    /// Region-wide figures, by account and region.
    pub fn region_states(&self) -> &BTreeMap<Place, RegionState> {
        &self.regions
    }

    fn region_state(&mut self, region: Place) -> &mut RegionState {
        let capacity = self.retention_minutes as usize + 1;
        self.regions
            .entry(region)
            .or_insert_with(|| RegionState::new(capacity, 1))
    }

    /// The age of the data on screen: the oldest of the sources' last successful polls and of
    /// the regions' last whole reads (a poll can succeed in part: its region's age grows).
    pub fn data_as_of(&self) -> Option<DateTime<Utc>> {
        let mut oldest = None;
        for s in self.sources.values() {
            let t = s.last_success?;
            oldest = Some(oldest.map_or(t, |o: DateTime<Utc>| o.min(t)));
        }
        for r in self.regions.values() {
            if let (Some(t), Some(o)) = (r.read_at, oldest) {
                oldest = Some(o.min(t));
            }
        }
        oldest
    }

    /// When each account's region's figures were last read whole, oldest first.
    pub fn region_ages(&self) -> Vec<(&Place, Option<DateTime<Utc>>)> {
        let mut ages: Vec<(&Place, Option<DateTime<Utc>>)> =
            self.regions.iter().map(|(r, s)| (r, s.read_at)).collect();
        ages.sort_by_key(|(_, at)| *at);
        ages
    }

    /// True while any source is still on its first load.
    pub fn is_loading(&self) -> bool {
        self.sources.is_empty()
            || self
                .sources
                .values()
                .any(|s| s.last_success.is_none() && s.state == LoadingState::Loading)
    }

    /// Project names, sorted.
    pub fn projects(&self) -> BTreeSet<&str> {
        self.functions.iter().map(|f| f.project.as_str()).collect()
    }

    /// The functions of `project`.
    pub fn keys_of_project<'a>(
        &'a self,
        project: &'a str,
    ) -> impl Iterator<Item = FunctionKey> + 'a {
        self.functions
            .iter()
            .filter(move |f| f.project == project)
            .map(|f| f.facts.key())
    }

    /// Where `key` sits among `functions()`, and so among the figures' per-function stats.
    pub fn position(&self, key: &FunctionKey) -> Option<usize> {
        self.index.get(key).copied()
    }

    /// Regions that hold functions, sorted.
    pub fn regions(&self) -> BTreeSet<&str> {
        self.functions
            .iter()
            .map(|f| f.facts.region.as_str())
            .collect()
    }

    pub fn apply_all(&mut self, events: impl IntoIterator<Item = SourceEvent>) {
        for e in events {
            self.apply(e);
        }
    }

    /// Applies one event and says what it changed. Only `Changed::Figures` bumps `version`
    /// (and so recomputes the fleet's figures): a status every two seconds must not recompute
    /// a 10,000-function fleet.
    pub fn apply(&mut self, event: SourceEvent) -> Changed {
        let changed = self.apply_event(event);
        if changed == Changed::Figures {
            self.version += 1;
        }
        changed
    }

    fn apply_event(&mut self, event: SourceEvent) -> Changed {
        self.apply_in(AccountId::OWN, event)
    }

    /// Applies an event of `account` (`OWN`: the session's one account) whose functions and
    /// sources already name it.
    fn apply_in(&mut self, account: AccountId, event: SourceEvent) -> Changed {
        let place = |region: String| Place::new(account, region);
        match event {
            SourceEvent::InAccount { account, event } => {
                let event = event.keyed_in(account);
                self.apply_in(account, event)
            }
            SourceEvent::Inventory { region, functions } => {
                let region = place(region);
                self.replace_region(&region, functions);
                self.inventoried.insert(region);
                Changed::Figures
            }
            SourceEvent::Metrics(update) => {
                let Some(&i) = self.index.get(&update.key) else {
                    // Metrics of a function the inventory does not know (yet): nothing to show.
                    return Changed::Nothing;
                };
                self.functions[i].history.write(update);
                Changed::Figures
            }
            SourceEvent::SpanMetrics { span, update } => {
                let update = *update;
                if self.span != Some(span) {
                    // Read for a window no longer shown.
                    return Changed::Nothing;
                }
                let Some(&i) = self.index.get(&update.key) else {
                    return Changed::Nothing;
                };
                self.functions[i]
                    .span
                    .get_or_insert_with(|| Box::new(History::span(span.capacity(), span.period)))
                    .write(update);
                Changed::Figures
            }
            SourceEvent::SpanRegion {
                span,
                region,
                figure,
                points,
                settled,
            } => {
                if self.span != Some(span) {
                    return Changed::Nothing;
                }
                let state = self
                    .region_state(place(region))
                    .span
                    .get_or_insert_with(|| {
                        Box::new(RegionState::new(span.capacity(), span.period))
                    });
                if settled.is_some() {
                    state.settled = settled;
                }
                let series = match figure {
                    RegionFigure::Pool(Pool::All) => &mut state.concurrency,
                    RegionFigure::Pool(Pool::Unreserved) => &mut state.unreserved,
                    RegionFigure::Pool(Pool::Claimed) => &mut state.claimed,
                    RegionFigure::Sum(metric) => {
                        let Some(i) = REGION_SUMS.iter().position(|m| *m == metric) else {
                            return Changed::Nothing;
                        };
                        &mut state.sums[i]
                    }
                };
                for (m, v) in points {
                    series.set(m, v);
                }
                Changed::Figures
            }
            SourceEvent::Problem {
                source,
                scope,
                kind,
                message,
                at,
            } => {
                self.problems.raise(Problem {
                    account,
                    source,
                    scope,
                    kind,
                    message: clean_field(&message),
                    since: at,
                });
                Changed::Status
            }
            SourceEvent::RegionLimit {
                region,
                concurrency_limit,
                unreserved_limit,
            } => {
                let state = self.region_state(place(region));
                state.concurrency_limit = concurrency_limit;
                state.unreserved_limit = unreserved_limit;
                Changed::Figures
            }
            SourceEvent::RegionConcurrency {
                region,
                pool,
                points,
            } => {
                let state = self.region_state(place(region));
                let series = match pool {
                    Pool::All => &mut state.concurrency,
                    Pool::Unreserved => &mut state.unreserved,
                    Pool::Claimed => &mut state.claimed,
                };
                for (m, v) in points {
                    series.set(m, v);
                }
                Changed::Figures
            }
            SourceEvent::RegionSum {
                region,
                metric,
                points,
                settled,
            } => {
                let Some(i) = REGION_SUMS.iter().position(|m| *m == metric) else {
                    return Changed::Nothing;
                };
                let state = self.region_state(place(region));
                if settled.is_some() {
                    state.settled = settled;
                }
                let series = &mut state.sums[i];
                for (m, v) in points {
                    series.set(m, v);
                }
                Changed::Figures
            }
            SourceEvent::InitDurations {
                key,
                covered,
                samples,
            } => {
                let Some(&i) = self.index.get(&key) else {
                    return Changed::Nothing;
                };
                self.functions[i]
                    .history
                    .set_init_samples(covered, &samples);
                Changed::Figures
            }
            SourceEvent::ReportDurations {
                key,
                covered,
                counted,
            } => {
                let keep = self.retention_minutes as usize + 1;
                let Some(f) = self.function_mut(&key) else {
                    return Changed::Nothing;
                };
                f.durations
                    .reports
                    .get_or_insert_with(Default::default)
                    .set(covered, &counted, keep);
                Changed::Figures
            }
            SourceEvent::DurationStats { key, stats } => {
                let Some(f) = self.function_mut(&key) else {
                    return Changed::Nothing;
                };
                f.durations.cloudwatch = Some(stats);
                Changed::Figures
            }
            SourceEvent::Reserved { key, reserved } => {
                let Some(&i) = self.index.get(&key) else {
                    return Changed::Nothing;
                };
                self.functions[i].capacity.reserved = Some(reserved);
                Changed::Figures
            }
            SourceEvent::Serving { key, serving } => {
                let Some(&i) = self.index.get(&key) else {
                    return Changed::Nothing;
                };
                self.functions[i].capacity.serving = Some(serving.map(|s| {
                    let mut s = *s;
                    s.alias = clean_field(&s.alias);
                    s.version = clean_field(&s.version);
                    s
                }));
                Changed::Figures
            }
            SourceEvent::Provisioned { key, allocated } => {
                let Some(&i) = self.index.get(&key) else {
                    return Changed::Nothing;
                };
                self.functions[i].capacity.provisioned = Some(allocated);
                Changed::Figures
            }
            SourceEvent::Alarms { region, alarms } => {
                let mut alarms = *alarms;
                for a in &mut alarms.alarms {
                    a.name = clean_field(&a.name);
                    a.reason = clean_field(&a.reason);
                    for f in &mut a.functions {
                        *f = clean_field(f);
                    }
                }
                for r in &mut alarms.recovered {
                    r.alarm = clean_field(&r.alarm);
                    for f in &mut r.functions {
                        *f = clean_field(f);
                    }
                }
                alarms.sort();
                let region = place(region);
                let same = self.alarms.get(&region).is_some_and(|old| {
                    old.alarms == alarms.alarms && old.recovered == alarms.recovered
                });
                self.alarms.insert(region, alarms);
                self.order_alarms();
                // Rows sort and breach by their alarms: only a change recomputes the figures.
                if same {
                    Changed::Status
                } else {
                    Changed::Figures
                }
            }
            SourceEvent::EventSources {
                region,
                by_function,
            } => {
                let mut by_function = *by_function;
                for m in by_function.values_mut().flatten() {
                    m.arn = clean_field(&m.arn);
                    m.state = clean_field(&m.state);
                    m.state_reason = m.state_reason.as_deref().map(clean_field);
                    m.last_result = m.last_result.as_deref().map(clean_field);
                    if let Some((arn, _)) = &mut m.dead_letter {
                        *arn = clean_field(arn);
                    }
                }
                let region = place(region);
                if self.event_sources.get(&region) == Some(&by_function) {
                    return Changed::Nothing;
                }
                self.event_sources.insert(region, by_function);
                Changed::Figures
            }
            SourceEvent::Versions { key, versions } => {
                let Some(&i) = self.index.get(&key) else {
                    return Changed::Nothing;
                };
                let mut versions = versions;
                for v in &mut versions.versions {
                    v.version = clean_field(&v.version);
                    v.code_sha256 = v.code_sha256.as_deref().map(clean_field);
                }
                for a in &mut versions.aliases {
                    a.name = clean_field(&a.name);
                    for (v, _) in &mut a.routes {
                        *v = clean_field(v);
                    }
                }
                for e in &mut versions.executed {
                    e.alias = clean_field(&e.alias);
                    e.version = clean_field(&e.version);
                }
                self.functions[i].versions = Some(versions);
                Changed::Status
            }
            SourceEvent::OnFailure { key, destination } => {
                let Some(&i) = self.index.get(&key) else {
                    return Changed::Nothing;
                };
                self.functions[i].capacity.on_failure =
                    Some(destination.as_deref().map(clean_field));
                Changed::Figures
            }
            SourceEvent::LogsReset => {
                // Among several accounts, each account's tail resets its own lines only.
                if account.is_own() {
                    self.logs.clear();
                } else {
                    self.logs.clear_account(account);
                }
                Changed::Logs
            }
            SourceEvent::FiguresRead {
                region,
                functions,
                whole,
                at,
            } => {
                for name in functions {
                    let key = FunctionKey::new(&region, name).in_account(account);
                    if let Some(&i) = self.index.get(&key) {
                        self.functions[i].history.read_at = Some(at);
                    }
                }
                if whole {
                    self.region_state(place(region)).read_at = Some(at);
                }
                Changed::Status
            }
            SourceEvent::Insights(result) => {
                // Only the newest query's answer is kept: an older one arriving late is stale.
                if self.insights.as_ref().is_none_or(|r| r.seq <= result.seq) {
                    self.insights = Some(*result);
                }
                Changed::Logs
            }
            SourceEvent::LogsSampled(sampled) => {
                self.logs.set_sampled(sampled);
                Changed::Logs
            }
            SourceEvent::ApiUsage(usage) => {
                // Sources report the same running count at different moments: keep the newest.
                let mine = self.usage_by_account.entry(account).or_default();
                if usage.requests() >= mine.requests() {
                    *mine = usage;
                    let mut all = usage::ApiUsage::default();
                    for u in self.usage_by_account.values() {
                        all.add(u);
                    }
                    self.api_usage = Some(all);
                }
                Changed::Status
            }
            SourceEvent::Identity(identity) => {
                self.identities.insert(account, identity);
                Changed::Status
            }
            SourceEvent::Cost(report) => {
                self.cost = Some(*report);
                // The projects' order and the pane's lines follow the bill.
                Changed::Figures
            }
            SourceEvent::Logs(events) => {
                for e in events {
                    self.logs.insert(e);
                }
                Changed::Logs
            }
            SourceEvent::Resolved { source, scope } => {
                self.problems.clear(&source, &scope);
                Changed::Status
            }
            SourceEvent::Status { source, state, at } => {
                let status = self.sources.entry(source).or_insert(SourceStatus {
                    state,
                    last_success: None,
                });
                status.state = state;
                if state == LoadingState::Loaded {
                    status.last_success = Some(at);
                }
                Changed::Status
            }
        }
    }

    /// Makes `functions` the whole of `region`: new ones appear, deleted ones leave, the
    /// history of the ones that stay is kept.
    fn replace_region(&mut self, place: &Place, functions: Vec<FunctionFacts>) {
        let incoming: BTreeSet<FunctionKey> = functions
            .iter()
            .map(|f| f.key().in_account(place.account))
            .collect();
        let mut i = 0;
        while i < self.functions.len() {
            let key = self.functions[i].facts.key();
            if key.region == place.region
                && key.account == place.account
                && !incoming.contains(&key)
            {
                self.index.remove(&key);
                self.functions.swap_remove(i);
                if let Some(moved) = self.functions.get(i) {
                    self.index.insert(moved.facts.key(), i);
                }
            } else {
                i += 1;
            }
        }
        for mut facts in functions {
            facts.region = place.region.clone();
            facts.account = place.account;
            sanitize_facts(&mut facts);
            let project = project::project_of(&facts.name, &facts.tags, &self.project_tag);
            let kept = chrono::Duration::minutes(i64::from(self.retention_minutes));
            match self.index.get(&facts.key()) {
                Some(&i) => {
                    let f = &mut self.functions[i];
                    if let Some(d) = deploy_between(&f.facts, &facts) {
                        f.deploys.push(d);
                    }
                    if let Some(newest) = f.deploys.last().map(|d| d.at) {
                        f.deploys.retain(|d| newest - d.at <= kept);
                    }
                    f.facts = facts;
                    f.project = project;
                }
                None => {
                    // A change inside the history kept, before it was first seen.
                    let deploys = facts
                        .last_modified
                        .map(|at| Deploy {
                            at,
                            kind: DeployKind::Unknown,
                        })
                        .into_iter()
                        .collect();
                    self.index.insert(facts.key(), self.functions.len());
                    self.functions.push(Function {
                        facts,
                        project,
                        history: History::new(self.retention_minutes as usize + 1),
                        capacity: Capacity::default(),
                        deploys,
                        versions: None,
                        durations: DurationReads::default(),
                        span: None,
                    });
                }
            }
        }
    }
}

/// The deploy that took a function from `old` to `new`, if its code or configuration
/// changed: at its new `LastModified`.
fn deploy_between(old: &FunctionFacts, new: &FunctionFacts) -> Option<Deploy> {
    let at = new.last_modified?;
    let code = old.code_sha256.is_some() && old.code_sha256 != new.code_sha256;
    let changed = old.revision_id != new.revision_id || old.last_modified != new.last_modified;
    match (code, changed) {
        (true, _) => Some(Deploy {
            at,
            kind: DeployKind::Code,
        }),
        (false, true) => Some(Deploy {
            at,
            kind: DeployKind::Config,
        }),
        _ => None,
    }
}

/// Names, runtimes and tags come from the account and are shown on a terminal: no control
/// character may pass.
fn sanitize_facts(facts: &mut FunctionFacts) {
    facts.name = clean_field(&facts.name);
    facts.runtime = facts.runtime.as_deref().map(clean_field);
    facts.dead_letter = facts.dead_letter.as_deref().map(clean_field);
    facts.code_sha256 = facts.code_sha256.as_deref().map(clean_field);
    facts.revision_id = facts.revision_id.as_deref().map(clean_field);
    facts.tags = std::mem::take(&mut facts.tags)
        .into_iter()
        .map(|(k, v)| (clean_field(&k), clean_field(&v)))
        .collect();
}
