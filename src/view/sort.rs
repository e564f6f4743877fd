//! Orders: the fleet table's sort columns, the projects pane's, and the fleet filter. Unknown
//! figures always sort last, whatever the direction.

use crate::store::cost::CostReport;
use crate::store::figures::{FleetStats, FunctionStats, ProjectStats};

pub use crate::store::figures::unknown_last;

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
            SortColumn::P99OfTimeout => "peak p99 % of timeout",
            SortColumn::Concurrency => "concurrency",
            SortColumn::ColdStarts => "cold starts",
            SortColumn::MemoryUsed => "memory used",
            SortColumn::Cost => "est. cost",
        }
    }

    pub(crate) fn figure(self, s: &FunctionStats) -> Option<f64> {
        match self {
            SortColumn::InvocationsPerMin => s.invocations_per_min,
            SortColumn::Errors => s.errors,
            SortColumn::ErrorRate => s.error_rate,
            SortColumn::Throttles => s.throttles,
            SortColumn::DurationAvg => s.duration_avg_ms,
            SortColumn::DurationP99 => s.duration_p99_ms,
            SortColumn::P99OfTimeout => s.p99_peak_of_timeout,
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
        match sort {
            ProjectSort::Name => flip(pa.name.cmp(&pb.name)),
            _ => unknown_last(figure(pa), figure(pb), reversed),
        }
        .then_with(|| pa.name.cmp(&pb.name))
    });
    order
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
