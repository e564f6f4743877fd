//! What panes may read of the store besides figures: the facts as they were read (functions,
//! alarms, problems, log lines, the bill, the session). The store itself stays out of the
//! panes' reach, so none of them can derive a figure of its own; every figure comes from
//! `Figures`, computed once for every pane, command and export.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::store::alarms::{Alarm, RegionAlarms};
use crate::store::cost::CostReport;
use crate::store::event_sources::EventSource;
use crate::store::latency::ClassRule;
use crate::store::logs::LogBuffer;
use crate::store::recording::Recorded;
use crate::store::usage::ApiUsage;
use crate::store::{AccountId, Function, FunctionKey, Identity, Place, Problems, Session, Store};

/// The store's facts, read-only, for one frame.
#[derive(Clone, Copy)]
pub struct Facts<'a>(&'a Store);

impl<'a> Facts<'a> {
    pub fn of(store: &'a Store) -> Self {
        Self(store)
    }

    /// Every function, in the store's order (the figures' per-function stats share it).
    pub fn functions(&self) -> &'a [Function] {
        self.0.functions()
    }

    pub fn function(&self, key: &FunctionKey) -> Option<&'a Function> {
        self.0.function(key)
    }

    /// A function's index in the store, and so in the figures' per-function stats.
    pub(super) fn position(&self, key: &FunctionKey) -> Option<usize> {
        self.0.position(key)
    }

    pub fn session(&self) -> &'a Session {
        self.0.session()
    }

    /// More than one account is shown: rows and totals name theirs.
    pub fn many_accounts(&self) -> bool {
        self.0.session().accounts.len() > 1
    }

    pub fn account_name(&self, account: AccountId) -> Option<String> {
        self.0.account_name(account)
    }

    pub fn identity(&self) -> Option<&'a Identity> {
        self.0.identity()
    }

    pub fn problems(&self) -> &'a Problems {
        self.0.problems()
    }

    /// True while any source is still on its first load.
    pub fn is_loading(&self) -> bool {
        self.0.is_loading()
    }

    /// The oldest time every source and region was last read.
    pub fn data_as_of(&self) -> Option<DateTime<Utc>> {
        self.0.data_as_of()
    }

    /// When each account's region was last read whole, oldest first.
    pub fn region_ages(&self) -> Vec<(&'a Place, Option<DateTime<Utc>>)> {
        self.0.region_ages()
    }

    /// The account's concurrency limit in a region, where it was read.
    pub fn concurrency_limit(&self, place: &Place) -> Option<u32> {
        self.0
            .region_states()
            .get(place)
            .and_then(|r| r.concurrency_limit)
    }

    pub fn alarms(&self) -> &'a BTreeMap<Place, RegionAlarms> {
        self.0.alarms()
    }

    /// Every alarm in the alarms view's order.
    pub fn alarm_list(&self) -> Vec<(&'a Place, &'a Alarm)> {
        self.0.alarm_list()
    }

    /// The event sources a function reads, where they were read.
    pub fn event_sources_of(&self, f: &Function) -> Option<&'a [EventSource]> {
        self.0.event_sources_in(&f.facts.place(), &f.facts.name)
    }

    /// Event sources stopped or failing, fleet-wide.
    pub fn event_sources_in_breach(&self) -> usize {
        self.0.event_sources_in_breach()
    }

    pub fn class_rule(&self) -> &'a ClassRule {
        self.0.class_rule()
    }

    pub fn logs(&self) -> &'a LogBuffer {
        self.0.logs()
    }

    pub fn cost(&self) -> Option<&'a CostReport> {
        self.0.cost()
    }

    pub fn api_usage(&self) -> Option<&'a ApiUsage> {
        self.0.api_usage()
    }

    /// The recording the store was opened from (`--replay`), if any.
    pub fn recorded(&self) -> Option<&'a Recorded> {
        self.0.recorded()
    }
}
