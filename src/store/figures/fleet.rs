use super::*;

/// A project's roll-up over a window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProjectStats {
    pub name: String,
    pub functions: usize,
    pub invocations: Option<f64>,
    pub invocations_per_min: Option<f64>,
    /// Its part of the fleet's invocations.
    pub share: Option<f64>,
    pub errors: Option<f64>,
    pub throttles: Option<f64>,
    pub error_rate: Option<f64>,
    /// The highest peak p99 of its functions: its worst function's worst minute. (Its own
    /// p99 is its `durations`', over the functions whose distributions were read.)
    pub duration_p99_peak_ms: Option<f64>,
    pub est_cost_usd: Option<f64>,
    /// The first minute of the window whose sums may still grow, if any.
    pub provisional_from: Option<Minute>,
    /// Its functions' duration distributions summed, where any were read.
    pub durations: Option<Durations>,
}

/// The whole fleet's roll-up.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Totals {
    pub functions: usize,
    pub invocations: Option<f64>,
    pub invocations_per_min: Option<f64>,
    pub errors: Option<f64>,
    pub throttles: Option<f64>,
    pub error_rate: Option<f64>,
    pub est_cost_usd: Option<f64>,
    /// The first minute of the window whose sums may still grow, if any.
    pub provisional_from: Option<Minute>,
}

impl Totals {
    /// Adds one function's figures to a roll-up of its own functions (an account's, a
    /// project's share in an account).
    fn count(&mut self, s: &FunctionStats) {
        self.functions += 1;
        self.invocations = add(self.invocations, s.invocations);
        self.errors = add(self.errors, s.errors);
        self.throttles = add(self.throttles, s.throttles);
        self.est_cost_usd = add(self.est_cost_usd, s.est_cost_usd);
        self.provisional_from = earliest(self.provisional_from, s.provisional_from);
    }

    /// The rates, once every function is counted, over a window of `minutes`.
    fn finish(&mut self, minutes: u32) {
        self.error_rate = ratio(self.errors, self.invocations);
        self.invocations_per_min = self.invocations.map(|n| n / f64::from(minutes));
    }
}

/// A region's concurrency over a window, against the account's limits.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionStats {
    /// Whose account (`store::account`: `OWN` for the session's one account).
    pub account: crate::store::AccountId,
    pub region: String,
    pub concurrency_max: Option<f64>,
    pub concurrency_limit: Option<u32>,
    /// Peak of the pool unreserved functions share, and its limit.
    pub unreserved_max: Option<f64>,
    pub unreserved_limit: Option<u32>,
    /// Peak of what is claimed (unreserved use plus reservations and provisioned
    /// allocations), against the account limit.
    pub claimed_max: Option<f64>,
}

impl RegionStats {
    /// Each pool's peak and limit, where both are known.
    pub fn pools(&self) -> Vec<(Pool, f64, u32)> {
        [
            (Pool::All, self.concurrency_max, self.concurrency_limit),
            (Pool::Unreserved, self.unreserved_max, self.unreserved_limit),
            (Pool::Claimed, self.claimed_max, self.concurrency_limit),
        ]
        .into_iter()
        .filter_map(|(p, peak, limit)| Some((p, peak?, limit?)))
        .collect()
    }

    /// The pool nearest its limit: with most of the limit reserved, unreserved functions
    /// throttle at a small number while all executions look far from the account limit.
    pub fn tightest(&self) -> Option<(Pool, f64, u32)> {
        self.pools()
            .into_iter()
            .max_by(|a, b| use_of(a.1, a.2).total_cmp(&use_of(b.1, b.2)))
    }

    /// Peak use of the tightest pool as a fraction of its limit.
    pub fn utilization(&self) -> Option<f64> {
        self.tightest().map(|(_, peak, limit)| use_of(peak, limit))
    }
}

fn use_of(peak: f64, limit: u32) -> f64 {
    match limit {
        0 if peak > 0.0 => f64::INFINITY,
        0 => 0.0,
        l => peak / f64::from(l),
    }
}

/// Every figure of the fleet over one window, computed once per data change.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetStats {
    pub window: Window,
    pub range: MinuteRange,
    /// The hours of the month the figures were computed in: a month at an estimate's rate.
    pub month_hours: f64,
    /// Indexed like `Store::functions`.
    pub functions: Vec<FunctionStats>,
    /// Each latency class with members, in the order of `LatencyClass::ALL`.
    pub classes: Vec<ClassStats>,
    /// Sorted by name.
    pub projects: Vec<ProjectStats>,
    pub totals: Totals,
    /// Each account's totals (one for a session of one set of credentials): the header's on
    /// `:account`, the sums of the account's functions.
    pub accounts: BTreeMap<crate::store::AccountId, Totals>,
    /// Among several accounts, each project's share in each account: a project tag shared
    /// across accounts is one project, broken down by account in the projects pane.
    pub project_accounts: BTreeMap<(String, crate::store::AccountId), Totals>,
    /// The whole fleet's task flow (`Flow::of_fleet`), which the totals are the sums of.
    pub flow: Flow,
    /// Sorted by region.
    pub regions: Vec<RegionStats>,
}

impl FleetStats {
    /// An estimate over the window as the rates every pane shows: per hour, and a month at
    /// that rate.
    pub fn cost_rate(&self, est_cost_usd: Option<f64>) -> CostRate {
        let per_hour = self.window.per_hour(est_cost_usd);
        CostRate {
            per_hour,
            month: per_hour.map(|h| h * self.month_hours),
        }
    }

    /// The totals of the fleet, or of one project or account when narrowed to it (the
    /// project's when narrowed to both).
    pub fn totals_of(
        &self,
        project: Option<&str>,
        account: Option<crate::store::AccountId>,
    ) -> Totals {
        let narrowed = project.and_then(|p| self.projects.iter().find(|s| s.name == p));
        if narrowed.is_none()
            && let Some(a) = account
        {
            return self.accounts.get(&a).cloned().unwrap_or_default();
        }
        match narrowed {
            Some(p) => Totals {
                functions: p.functions,
                invocations: p.invocations,
                invocations_per_min: p.invocations.map(|n| n / f64::from(self.window.minutes())),
                errors: p.errors,
                throttles: p.throttles,
                error_rate: p.error_rate,
                est_cost_usd: p.est_cost_usd,
                provisional_from: p.provisional_from,
            },
            None => self.totals.clone(),
        }
    }

    /// The region nearest its account concurrency limit (or, without limits, the busiest).
    pub fn busiest_region(&self) -> Option<&RegionStats> {
        self.regions
            .iter()
            .filter(|r| r.concurrency_max.is_some())
            .max_by(|a, b| {
                let key = |r: &RegionStats| {
                    (
                        r.utilization().unwrap_or(0.0),
                        r.concurrency_max.unwrap_or(0.0),
                    )
                };
                key(a)
                    .partial_cmp(&key(b))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
    }
}

pub fn fleet_stats(store: &Store, window: Window, now: DateTime<Utc>) -> FleetStats {
    let range = window.range(now);
    let functions: Vec<FunctionStats> = store
        .functions()
        .iter()
        .map(|f| function_stats(f, range))
        .collect();
    let mut projects: BTreeMap<&str, ProjectStats> = BTreeMap::new();
    let mut project_durations: BTreeMap<&str, (Vec<&Durations>, u32)> = BTreeMap::new();
    let mut totals = Totals::default();
    let mut accounts: BTreeMap<crate::store::AccountId, Totals> = BTreeMap::new();
    let mut project_accounts: BTreeMap<(String, crate::store::AccountId), Totals> = BTreeMap::new();
    let several = store.session().accounts.len() > 1;
    for (f, s) in store.functions().iter().zip(&functions) {
        if several {
            project_accounts
                .entry((f.project.clone(), f.facts.account))
                .or_default()
                .count(s);
        }
        accounts.entry(f.facts.account).or_default().count(s);
        let (parts, of) = project_durations.entry(f.project.as_str()).or_default();
        parts.extend(&s.durations);
        *of += ran([s]);
        let p = projects
            .entry(f.project.as_str())
            .or_insert_with(|| ProjectStats {
                name: f.project.clone(),
                ..ProjectStats::default()
            });
        p.functions += 1;
        p.invocations = add(p.invocations, s.invocations);
        p.errors = add(p.errors, s.errors);
        p.throttles = add(p.throttles, s.throttles);
        p.duration_p99_peak_ms = max(p.duration_p99_peak_ms, s.duration_p99_peak_ms);
        p.est_cost_usd = add(p.est_cost_usd, s.est_cost_usd);
        p.provisional_from = earliest(p.provisional_from, s.provisional_from);

        totals.functions += 1;
        totals.est_cost_usd = add(totals.est_cost_usd, s.est_cost_usd);
    }
    let mut projects: Vec<ProjectStats> = projects.into_values().collect();
    for p in &mut projects {
        p.error_rate = ratio(p.errors, p.invocations);
        let (parts, of) = project_durations
            .remove(p.name.as_str())
            .unwrap_or_default();
        p.durations = Durations::sum(parts, of);
    }
    // The fleet's sums from its regions' own figures where they have them: at one-minute
    // freshness even while functions off screen are asked for every ten minutes.
    let flow = Flow::of_fleet(store, range);
    let sum = |v: &[Option<f64>]| v.iter().fold(None, |a, b| add(a, *b));
    totals.invocations = sum(&flow.started);
    totals.errors = sum(&flow.errors);
    totals.throttles = sum(&flow.throttles);
    totals.error_rate = ratio(totals.errors, totals.invocations);
    totals.invocations_per_min = totals.invocations.map(|n| n / f64::from(window.minutes()));
    for a in accounts.values_mut().chain(project_accounts.values_mut()) {
        a.finish(window.minutes());
    }
    totals.provisional_from = flow.provisional_from;
    for p in &mut projects {
        p.invocations_per_min = p.invocations.map(|n| n / f64::from(window.minutes()));
        p.share = match (p.invocations, totals.invocations) {
            (Some(n), Some(all)) if all > 0.0 => Some(n / all),
            _ => None,
        };
    }
    let regions: Vec<RegionStats> = store
        .region_states()
        .iter()
        .map(|(place, state)| RegionStats {
            account: place.account,
            region: place.region.clone(),
            concurrency_max: state.over(range).concurrency.values(range).fold(None, max),
            concurrency_limit: state.concurrency_limit,
            unreserved_max: state.over(range).unreserved.values(range).fold(None, max),
            unreserved_limit: state.unreserved_limit,
            claimed_max: state.over(range).claimed.values(range).fold(None, max),
        })
        .collect();
    // Throttles not explained by the function itself, in a region whose pool was at its
    // limit: the account's.
    let mut functions = functions;
    // A region's functions sit together in the store: their place is made once, not once a
    // function.
    let mut place = Place::default();
    for (f, st) in store.functions().iter().zip(functions.iter_mut()) {
        // Alarms and event sources are read as they are now: a window in the past says nothing
        // of them rather than lend it the present's.
        if window.is_past() {
            classify(f, st, f.history.is_async(), store.class_rule());
            continue;
        }
        if place.account != f.facts.account || place.region != f.facts.region {
            place = f.facts.place();
        }
        st.alarms_firing = store
            .alarms()
            .get(&place)
            .map(|r| u16::try_from(r.firing_for(&f.facts.name).count()).unwrap_or(u16::MAX));
        let sources = store.event_sources_in(&place, &f.facts.name);
        st.sources_in_breach = sources
            .map(|m| u16::try_from(m.iter().filter(|m| m.breach()).count()).unwrap_or(u16::MAX));
        let mapped = sources.is_some_and(|m| !m.is_empty());
        st.wait_max_ms = max(st.wait_max_ms, queue_age_ms(sources));
        classify(f, st, mapped || f.history.is_async(), store.class_rule());
    }
    let mut classes = class_stats(&functions);
    for c in &mut classes {
        let mut h = Histogram::default();
        for (f, st) in store.functions().iter().zip(&functions) {
            if st.latency_class != Some(c.class) {
                continue;
            }
            let sources = store.event_sources_in(&f.facts.place(), &f.facts.name);
            if let Some(w) = waits(f, range, queue_age_ms(sources)) {
                h.merge(&w.histogram);
            }
        }
        c.waits = (h.total() > 0.0).then_some(h);
    }
    for (f, st) in store.functions().iter().zip(functions.iter_mut()) {
        if st.throttle_cause.is_some() || st.throttles.is_none_or(|t| t <= 0.0) {
            continue;
        }
        // A reservation is the function's own: the account's pool cannot throttle it.
        if matches!(st.reserved, Some(Some(_))) {
            continue;
        }
        let full = regions
            .iter()
            .find(|r| r.region == f.facts.region)
            .is_some_and(|r| {
                r.pools()
                    .iter()
                    .any(|(_, peak, limit)| *peak >= f64::from(*limit) * POOL_FULL)
            });
        if full {
            st.throttle_cause = Some(ThrottleCause::Account);
        }
    }
    FleetStats {
        accounts,
        project_accounts,
        window,
        range,
        month_hours: crate::store::cost::hours_in_month(now.date_naive()),
        functions,
        classes,
        projects,
        totals,
        flow,
        regions,
    }
}
