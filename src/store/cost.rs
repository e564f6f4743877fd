//! What the bill says: Cost Explorer's month to date for the Lambda service, grouped, day by
//! day, with the month-end forecast. These are billed figures, beside the metric estimate of
//! `window` (which leaves the free tier, provisioned concurrency, storage and transfer out).

use std::fmt;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Cost Explorer's name for costs without the grouping tag.
pub const UNTAGGED: &str = "(untagged)";

/// How the month's cost is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostGroupBy {
    /// By the project tag (`--project-tag`).
    Project,
    /// By function: Cost Explorer cannot split Lambda by function, so only estimates.
    Function,
    Region,
}

impl fmt::Display for CostGroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CostGroupBy::Project => "project",
            CostGroupBy::Function => "function",
            CostGroupBy::Region => "region",
        })
    }
}

/// The month to date: from the first of the month to the end of today (end exclusive, as
/// Cost Explorer counts), so today's partial costs are in.
pub fn month_to_date(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = today.with_day(1).unwrap_or(today);
    (start, today.succ_opt().unwrap_or(today))
}

/// The first day of the next month: where the forecast ends.
pub fn month_end(today: NaiveDate) -> NaiveDate {
    today
        .with_day(1)
        .and_then(|d| d.checked_add_months(Months::new(1)))
        .unwrap_or(today)
}

/// Hours in the month of `today`: what "a month at this rate" multiplies by.
pub fn hours_in_month(today: NaiveDate) -> f64 {
    let start = today.with_day(1).unwrap_or(today);
    (month_end(today) - start).num_days() as f64 * 24.0
}

/// A month at `per_hour` (the estimate's projection), for the month of `today`.
pub fn month_at_rate(per_hour: Option<f64>, today: NaiveDate) -> Option<f64> {
    per_hour.map(|h| h * hours_in_month(today))
}

/// One group's share of the month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostGroup {
    pub key: String,
    pub mtd_usd: f64,
    /// Day by day, aligned with `CostReport::days`.
    pub daily_usd: Vec<f64>,
}

/// One answer of Cost Explorer, as cached and as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostReport {
    pub start: NaiveDate,
    /// Exclusive.
    pub end: NaiveDate,
    pub group_by: CostGroupBy,
    /// The tag grouped by, for `Project`.
    pub tag: Option<String>,
    /// Largest first.
    pub groups: Vec<CostGroup>,
    pub days: Vec<NaiveDate>,
    /// The fleet's cost per day.
    pub daily_usd: Vec<f64>,
    pub total_usd: f64,
    /// Month-end cost: the days before today plus Cost Explorer's forecast from today on.
    pub forecast_usd: Option<f64>,
    /// Why there is no forecast, when there is none.
    pub forecast_problem: Option<String>,
    /// Some days are still Cost Explorer's own estimate (the last day or two usually are).
    pub estimated: bool,
    pub fetched_at: DateTime<Utc>,
}

impl CostReport {
    /// Seconds since Cost Explorer answered.
    pub fn age_s(&self, now: DateTime<Utc>) -> i64 {
        (now - self.fetched_at).num_seconds().max(0)
    }

    /// What the days before `day` cost, whole days as Cost Explorer has them.
    pub fn before(&self, day: NaiveDate) -> f64 {
        self.days
            .iter()
            .zip(&self.daily_usd)
            .filter(|(d, _)| **d < day)
            .map(|(_, usd)| usd)
            .sum()
    }

    pub fn group(&self, key: &str) -> Option<&CostGroup> {
        self.groups.iter().find(|g| g.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_month_to_date_includes_today() {
        assert_eq!(
            month_to_date(d(2026, 11, 23)),
            (d(2026, 11, 1), d(2026, 11, 24))
        );
        assert_eq!(
            month_to_date(d(2026, 12, 31)),
            (d(2026, 12, 1), d(2027, 1, 1))
        );
        assert_eq!(
            month_to_date(d(2026, 11, 1)),
            (d(2026, 11, 1), d(2026, 11, 2))
        );
    }

    #[test]
    fn month_ends_and_lengths() {
        assert_eq!(month_end(d(2026, 11, 23)), d(2026, 12, 1));
        assert_eq!(month_end(d(2026, 12, 5)), d(2027, 1, 1));
        assert_eq!(hours_in_month(d(2026, 11, 23)), 720.0);
        assert_eq!(hours_in_month(d(2028, 2, 10)), 29.0 * 24.0);
    }
}
