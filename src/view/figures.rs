//! The fleet's figures as the panes see them: window figures, the filtered and sorted row
//! order, and the task-flow series. Each part is cached and recomputed only when its inputs
//! change (the store's version, the window, the minute, the query, the sort, the scope), never
//! per frame.

use chrono::{DateTime, Utc};

use super::sort::{SortColumn, matches_filter, unknown_last};
use crate::store::figures::{
    self as store_figures, FleetStats, Flow, SinceDeploy, Waits, fleet_stats,
};
use crate::store::latency::LatencyClass;
use crate::store::{FunctionKey, Minute, Store, Window};

/// What the task-flow graph adds up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowScope {
    Fleet,
    /// One account's functions (`:account`).
    Account(crate::store::AccountId),
    Project(String),
    Function(FunctionKey),
}

#[derive(Debug, Clone, PartialEq)]
struct StatsKey {
    version: u64,
    window: Window,
    minute: Minute,
}

#[derive(Debug, Clone, PartialEq)]
struct OrderKey {
    stats: StatsKey,
    filter: String,
    project: Option<String>,
    account: Option<crate::store::AccountId>,
    class: Option<LatencyClass>,
    sort: SortColumn,
    descending: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct FlowKey {
    stats: StatsKey,
    scope: FlowScope,
}

#[derive(Debug, Clone, PartialEq)]
struct DetailKey {
    stats: StatsKey,
    function: FunctionKey,
}

/// The open function's figures beyond its row's: what its newest deploy did, and how long its
/// tasks waited.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailFigures {
    pub since_deploy: Option<SinceDeploy>,
    pub waits: Option<Waits>,
}

#[derive(Debug, Clone, PartialEq)]
struct ProjectChartKey {
    stats: StatsKey,
    project: String,
}

/// Invocations per minute of one project against the fleet's, for the projects pane.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectChart {
    pub project: String,
    pub fleet: Vec<Option<f64>>,
    pub selected: Vec<Option<f64>>,
    /// Every project's starts per minute, busiest first: its index among the projects by name
    /// (which picks its colour), its name and its series.
    pub projects: Vec<(usize, String, Vec<Option<f64>>)>,
}

/// The cached figures.
#[derive(Debug, Default)]
pub struct Figures {
    stats: Option<(StatsKey, FleetStats)>,
    order: Option<(OrderKey, Vec<usize>)>,
    flow: Option<(FlowKey, Flow)>,
    project_chart: Option<(ProjectChartKey, ProjectChart)>,
    detail: Option<(DetailKey, DetailFigures)>,
}

/// Inputs of the figures.
pub struct Query<'a> {
    pub window: Window,
    pub filter: &'a str,
    /// Only this project's functions (the projects pane narrowed to it).
    pub project: Option<&'a str>,
    /// Only this account's functions (`:account`).
    pub account: Option<crate::store::AccountId>,
    /// Only this latency class's functions (the classes view narrowed to it).
    pub class: Option<LatencyClass>,
    pub sort: SortColumn,
    pub descending: bool,
    pub scope: &'a FlowScope,
    /// The project the projects pane charts, while it is open.
    pub chart_project: Option<&'a str>,
    /// The function whose detail is open.
    pub detail: Option<&'a FunctionKey>,
}

impl Figures {
    /// Brings every part up to date with the store and the query; cheap when nothing changed.
    pub fn update(&mut self, store: &Store, q: &Query, now: DateTime<Utc>) {
        let stats_key = StatsKey {
            version: store.version(),
            window: q.window,
            minute: Minute::of(now),
        };
        if self.stats.as_ref().is_none_or(|(k, _)| *k != stats_key) {
            self.stats = Some((stats_key.clone(), fleet_stats(store, q.window, now)));
        }
        let stats = &self.stats.as_ref().expect("stats just computed").1;

        let order_key = OrderKey {
            stats: stats_key.clone(),
            filter: q.filter.to_string(),
            project: q.project.map(str::to_string),
            account: q.account,
            class: q.class,
            sort: q.sort,
            descending: q.descending,
        };
        if self.order.as_ref().is_none_or(|(k, _)| *k != order_key) {
            self.order = Some((order_key, sorted_order(store, stats, q)));
        }

        if let Some(project) = q.chart_project {
            let key = ProjectChartKey {
                stats: stats_key.clone(),
                project: project.to_string(),
            };
            if self.project_chart.as_ref().is_none_or(|(k, _)| *k != key) {
                let fleet = stats.flow.started.clone();
                let mine = store.functions().iter().filter(|f| f.project == project);
                let mut projects: Vec<(usize, String, Vec<Option<f64>>)> = stats
                    .projects
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let of = store.functions().iter().filter(|f| f.project == p.name);
                        (i, p.name.clone(), Flow::of(of, stats.range).started)
                    })
                    .collect();
                let busy = |v: &[Option<f64>]| v.iter().flatten().sum::<f64>();
                projects.sort_by(|a, b| busy(&b.2).total_cmp(&busy(&a.2)));
                let chart = ProjectChart {
                    project: project.to_string(),
                    fleet,
                    selected: Flow::of(mine, stats.range).started,
                    projects,
                };
                self.project_chart = Some((key, chart));
            }
        }

        if let Some(function) = q.detail {
            let key = DetailKey {
                stats: stats_key.clone(),
                function: function.clone(),
            };
            if self.detail.as_ref().is_none_or(|(k, _)| *k != key) {
                let figures = store.function(function).map(|f| {
                    let sources = store.event_sources_in(&f.facts.place(), &f.facts.name);
                    DetailFigures {
                        since_deploy: store_figures::since_deploy(f, stats.range),
                        waits: store_figures::waits(
                            f,
                            stats.range,
                            store_figures::queue_age_ms(sources),
                        ),
                    }
                });
                self.detail = figures.map(|d| (key, d));
            }
        }

        let flow_key = FlowKey {
            stats: stats_key,
            scope: q.scope.clone(),
        };
        if self.flow.as_ref().is_none_or(|(k, _)| *k != flow_key) {
            let fns = store.functions().iter();
            let flow = match q.scope {
                FlowScope::Fleet => stats.flow.clone(),
                FlowScope::Project(p) => Flow::of(fns.filter(|f| f.project == *p), stats.range),
                FlowScope::Account(a) => {
                    Flow::of(fns.filter(|f| f.facts.account == *a), stats.range)
                }
                FlowScope::Function(k) => Flow::of(fns.filter(|f| f.facts.is(k)), stats.range),
            };
            self.flow = Some((flow_key, flow));
        }
    }

    /// Figures of the last update. Panics if `update` was never called.
    pub fn stats(&self) -> &FleetStats {
        &self.stats.as_ref().expect("Figures::update before use").1
    }

    /// Store indices of the rows, filtered and sorted.
    pub fn order(&self) -> &[usize] {
        self.order.as_ref().map_or(&[], |(_, o)| o.as_slice())
    }

    /// The projects pane's chart, once it has been asked for.
    pub fn project_chart(&self) -> Option<&ProjectChart> {
        self.project_chart.as_ref().map(|(_, c)| c)
    }

    /// The open function's own figures, once its detail has been asked for.
    pub fn detail(&self, function: &FunctionKey) -> Option<&DetailFigures> {
        self.detail
            .as_ref()
            .filter(|(k, _)| k.function == *function)
            .map(|(_, d)| d)
    }

    pub fn flow(&self) -> &Flow {
        &self.flow.as_ref().expect("Figures::update before use").1
    }
}

fn sorted_order(store: &Store, stats: &FleetStats, q: &Query) -> Vec<usize> {
    let fns = store.functions();
    let mut order: Vec<usize> = (0..fns.len())
        .filter(|&i| {
            let f = &fns[i];
            q.project.is_none_or(|p| f.project == p)
                && q.account.is_none_or(|a| f.facts.account == a)
                && q.class
                    .is_none_or(|c| stats.functions[i].latency_class == Some(c))
                && matches_filter(q.filter, &f.facts.name, &f.project, &f.facts.region)
        })
        .collect();
    let by_name = |a: usize, b: usize| {
        (&fns[a].facts.name, &fns[a].facts.region).cmp(&(&fns[b].facts.name, &fns[b].facts.region))
    };
    // The default sort (most errors first) puts what is paging first: rows with an alarm in
    // ALARM, however few their errors; then consumers that stopped, idle as they look.
    let paging_first = q.sort == SortColumn::Errors && q.descending;
    let paging = |i: usize| {
        let s = &stats.functions[i];
        match (s.alarms_firing, s.sources_in_breach) {
            (Some(n), _) if n > 0 => 2,
            (_, Some(n)) if n > 0 => 1,
            _ => 0,
        }
    };
    order.sort_by(|&a, &b| {
        if paging_first && paging(a) != paging(b) {
            return paging(b).cmp(&paging(a));
        }
        let primary = match q.sort {
            SortColumn::Name => std::cmp::Ordering::Equal,
            SortColumn::Project => fns[a].project.cmp(&fns[b].project),
            SortColumn::Region => fns[a].facts.region.cmp(&fns[b].facts.region),
            // Figures: unknown values always sort last, whatever the direction.
            col => unknown_last(
                col.figure(&stats.functions[a]),
                col.figure(&stats.functions[b]),
                !q.descending,
            ),
        };
        let primary = match q.sort {
            SortColumn::Name | SortColumn::Project | SortColumn::Region if q.descending => {
                primary.reverse()
            }
            _ => primary,
        };
        primary.then_with(|| {
            let o = by_name(a, b);
            if q.sort == SortColumn::Name && q.descending {
                o.reverse()
            } else {
                o
            }
        })
    });
    order
}
