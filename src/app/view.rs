//! The fleet as the panes see it: window figures, the filtered and sorted row order, and the
//! task-flow series. Each part is cached and recomputed only when its inputs change (the
//! store's version, the window, the minute, the query, the sort, the scope), never per frame.

use chrono::{DateTime, Utc};

use crate::store::cost::CostReport;
use crate::store::window::{FleetStats, Flow, FunctionStats, ProjectStats, fleet_stats};
use crate::store::{FunctionKey, Minute, Store, Window};

/// Columns of the fleet table, in the order `s` cycles them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Name,
    Project,
    Region,
    InvocationsPerMin,
    Errors,
    ErrorRate,
    Throttles,
    DurationAvg,
    DurationP99,
    P99OfTimeout,
    Concurrency,
    ColdStarts,
    MemoryUsed,
    Cost,
}

impl SortColumn {
    pub const ALL: [SortColumn; 14] = [
        SortColumn::Name,
        SortColumn::Project,
        SortColumn::Region,
        SortColumn::InvocationsPerMin,
        SortColumn::Errors,
        SortColumn::ErrorRate,
        SortColumn::Throttles,
        SortColumn::DurationAvg,
        SortColumn::DurationP99,
        SortColumn::P99OfTimeout,
        SortColumn::Concurrency,
        SortColumn::ColdStarts,
        SortColumn::MemoryUsed,
        SortColumn::Cost,
    ];

    pub fn next(self) -> SortColumn {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// Text columns read best ascending, figures descending (worst first).
    pub fn descending_by_default(self) -> bool {
        !matches!(
            self,
            SortColumn::Name | SortColumn::Project | SortColumn::Region
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            SortColumn::Name => "name",
            SortColumn::Project => "project",
            SortColumn::Region => "region",
            SortColumn::InvocationsPerMin => "invocations/min",
            SortColumn::Errors => "errors",
            SortColumn::ErrorRate => "error %",
            SortColumn::Throttles => "throttles",
            SortColumn::DurationAvg => "avg duration",
            SortColumn::DurationP99 => "p99 duration",
            SortColumn::P99OfTimeout => "p99 % of timeout",
            SortColumn::Concurrency => "concurrency",
            SortColumn::ColdStarts => "cold starts",
            SortColumn::MemoryUsed => "memory used",
            SortColumn::Cost => "est. cost",
        }
    }

    fn figure(self, s: &FunctionStats) -> Option<f64> {
        match self {
            SortColumn::InvocationsPerMin => s.invocations_per_min,
            SortColumn::Errors => s.errors,
            SortColumn::ErrorRate => s.error_rate,
            SortColumn::Throttles => s.throttles,
            SortColumn::DurationAvg => s.duration_avg_ms,
            SortColumn::DurationP99 => s.duration_p99_ms,
            SortColumn::P99OfTimeout => s.p99_of_timeout,
            SortColumn::Concurrency => s.concurrency_max,
            SortColumn::ColdStarts => s.cold_starts,
            SortColumn::MemoryUsed => s.memory_used_ratio,
            SortColumn::Cost => s.est_cost_usd,
            SortColumn::Name | SortColumn::Project | SortColumn::Region => None,
        }
    }
}

/// Columns of the projects pane, in the order `s` cycles them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectSort {
    Errors,
    ErrorRate,
    Invocations,
    CostPerHour,
    MonthToDate,
    Name,
}

impl ProjectSort {
    pub const ALL: [ProjectSort; 6] = [
        ProjectSort::Errors,
        ProjectSort::ErrorRate,
        ProjectSort::Invocations,
        ProjectSort::CostPerHour,
        ProjectSort::MonthToDate,
        ProjectSort::Name,
    ];

    pub fn next(self) -> ProjectSort {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    pub fn label(self) -> &'static str {
        match self {
            ProjectSort::Errors => "errors",
            ProjectSort::ErrorRate => "error %",
            ProjectSort::Invocations => "invocations",
            ProjectSort::CostPerHour => "est. $/h",
            ProjectSort::MonthToDate => "month to date",
            ProjectSort::Name => "name",
        }
    }
}

/// The projects in the order the pane lists them: indices into `stats.projects`, the sort's
/// worst first (A to Z by name), or the other way round when `reversed`; unknown figures last
/// either way; ties by name.
pub fn sorted_projects(
    stats: &FleetStats,
    cost: Option<&CostReport>,
    sort: ProjectSort,
    reversed: bool,
) -> Vec<usize> {
    let figure = |p: &ProjectStats| match sort {
        ProjectSort::Errors => p.errors,
        ProjectSort::ErrorRate => p.error_rate,
        ProjectSort::Invocations => p.invocations,
        ProjectSort::CostPerHour => p.est_cost_usd,
        ProjectSort::MonthToDate => cost.and_then(|c| c.group(&p.name)).map(|g| g.mtd_usd),
        ProjectSort::Name => None,
    };
    let mut order: Vec<usize> = (0..stats.projects.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&stats.projects[a], &stats.projects[b]);
        let flip = |o: std::cmp::Ordering| if reversed { o.reverse() } else { o };
        match (sort, figure(pa), figure(pb)) {
            (ProjectSort::Name, _, _) => flip(pa.name.cmp(&pb.name)),
            (_, Some(x), Some(y)) => flip(y.total_cmp(&x)),
            (_, Some(_), None) => std::cmp::Ordering::Less,
            (_, None, Some(_)) => std::cmp::Ordering::Greater,
            (_, None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| pa.name.cmp(&pb.name))
    });
    order
}

/// What the task-flow graph adds up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowScope {
    Fleet,
    Project(String),
    Function(FunctionKey),
}

/// Does `query` select a function? Case-insensitive substring of name, project or region, or
/// else a fuzzy match: the query's characters in order within the name.
pub fn matches_filter(query: &str, name: &str, project: &str, region: &str) -> bool {
    if query.is_empty() {
        return true;
    }
    let q = query.to_lowercase();
    let name = name.to_lowercase();
    if name.contains(&q) || project.to_lowercase().contains(&q) || region.contains(&q) {
        return true;
    }
    let mut rest = name.chars();
    q.chars()
        .filter(|c| !c.is_whitespace())
        .all(|c| rest.any(|n| n == c))
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
    sort: SortColumn,
    descending: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct FlowKey {
    stats: StatsKey,
    scope: FlowScope,
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
}

/// The cached view.
#[derive(Debug, Default)]
pub struct FleetView {
    stats: Option<(StatsKey, FleetStats)>,
    order: Option<(OrderKey, Vec<usize>)>,
    flow: Option<(FlowKey, Flow)>,
    project_chart: Option<(ProjectChartKey, ProjectChart)>,
}

/// Inputs of the view.
pub struct Query<'a> {
    pub window: Window,
    pub filter: &'a str,
    /// Only this project's functions (the projects pane narrowed to it).
    pub project: Option<&'a str>,
    pub sort: SortColumn,
    pub descending: bool,
    pub scope: &'a FlowScope,
    /// The project the projects pane charts, while it is open.
    pub chart_project: Option<&'a str>,
}

impl FleetView {
    /// Brings every part up to date with the store and the query; cheap when nothing changed.
    pub fn refresh(&mut self, store: &Store, q: &Query, now: DateTime<Utc>) {
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
                let chart = ProjectChart {
                    project: project.to_string(),
                    fleet,
                    selected: Flow::of(mine, stats.range).started,
                };
                self.project_chart = Some((key, chart));
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
                FlowScope::Function(k) => Flow::of(
                    fns.filter(|f| f.facts.name == k.name && f.facts.region == k.region),
                    stats.range,
                ),
            };
            self.flow = Some((flow_key, flow));
        }
    }

    /// Figures of the last refresh. Panics if `refresh` was never called.
    pub fn stats(&self) -> &FleetStats {
        &self
            .stats
            .as_ref()
            .expect("FleetView::refresh before use")
            .1
    }

    /// Store indices of the rows, filtered and sorted.
    pub fn order(&self) -> &[usize] {
        self.order.as_ref().map_or(&[], |(_, o)| o.as_slice())
    }

    /// The projects pane's chart, once it has been asked for.
    pub fn project_chart(&self) -> Option<&ProjectChart> {
        self.project_chart.as_ref().map(|(_, c)| c)
    }

    pub fn flow(&self) -> &Flow {
        &self.flow.as_ref().expect("FleetView::refresh before use").1
    }
}

fn sorted_order(store: &Store, stats: &FleetStats, q: &Query) -> Vec<usize> {
    let fns = store.functions();
    let mut order: Vec<usize> = (0..fns.len())
        .filter(|&i| {
            let f = &fns[i];
            q.project.is_none_or(|p| f.project == p)
                && matches_filter(q.filter, &f.facts.name, &f.project, &f.facts.region)
        })
        .collect();
    let by_name = |a: usize, b: usize| {
        (&fns[a].facts.name, &fns[a].facts.region).cmp(&(&fns[b].facts.name, &fns[b].facts.region))
    };
    order.sort_by(|&a, &b| {
        let primary = match q.sort {
            SortColumn::Name => std::cmp::Ordering::Equal,
            SortColumn::Project => fns[a].project.cmp(&fns[b].project),
            SortColumn::Region => fns[a].facts.region.cmp(&fns[b].facts.region),
            col => {
                // Figures: unknown values always sort last, whatever the direction.
                let (x, y) = (
                    col.figure(&stats.functions[a]),
                    col.figure(&stats.functions[b]),
                );
                match (x, y) {
                    (Some(x), Some(y)) => {
                        let o = x.total_cmp(&y);
                        if q.descending { o.reverse() } else { o }
                    }
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_by_substring_then_fuzzy() {
        assert!(matches_filter(
            "PAY",
            "payments-charge",
            "payments",
            "us-east-1"
        ));
        assert!(matches_filter("eu-west", "x", "y", "eu-west-1"));
        assert!(matches_filter(
            "pchg",
            "payments-charge",
            "payments",
            "us-east-1"
        ));
        assert!(!matches_filter(
            "chp",
            "payments-charge",
            "payments",
            "us-east-1"
        ));
        assert!(matches_filter("", "a", "b", "c"));
    }
}
