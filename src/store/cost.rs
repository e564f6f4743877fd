//! What the bill says: Cost Explorer's month to date for the Lambda service, grouped, day by
//! day, with the month-end forecast. These are billed figures, beside the estimate of
//! `figures` (which leaves out what `pricing::WINDOW_LEAVES_OUT` lists: the free tier,
//! storage, transfer…).

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
    /// By linked account (`LINKED_ACCOUNT`): from an Organization's management account
    /// (`--all-accounts`, or several accounts), each member's bill on a line of its own.
    Account,
}

impl fmt::Display for CostGroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CostGroupBy::Project => "project",
            CostGroupBy::Function => "function",
            CostGroupBy::Region => "region",
            CostGroupBy::Account => "account",
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

/// The cost metric asked for: what Cost Explorer's console shows by default, each charge on
/// the day it is incurred.
pub const COST_METRIC: &str = "UnblendedCost";

/// Charge types that are usage at its on-demand rate, whatever pays for it: what a list-price
/// estimate is comparable with. The others (Savings Plan negation and fees, credits, refunds,
/// tax) make the net figure.
pub const USAGE_RECORD_TYPES: [&str; 3] = ["Usage", "SavingsPlanCoveredUsage", "DiscountedUsage"];

/// Whose bill the question covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Accounts {
    /// `"all"`: every account the caller's bill covers (from an Organization's management
    /// account, the whole organisation), as `--all-accounts` asks.
    All(AllAccounts),
    /// These linked accounts only (the caller's, by default).
    Only(Vec<String>),
}

/// The word `"all"` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllAccounts {
    All,
}

/// What a bill figure covers: said in `cost` JSON and in the pane's frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostScope {
    pub accounts: Accounts,
    /// The watched regions: the bill of other regions is not asked for.
    pub regions: Vec<String>,
    pub cost_metric: String,
    /// The charge types the month-to-date figures count; the net figures count every type.
    pub record_types: Vec<String>,
}

impl CostScope {
    /// The caller's own account (or every account) in `regions`, usage at on-demand rates.
    pub fn new(accounts: Accounts, regions: &[String]) -> Self {
        let mut regions = regions.to_vec();
        regions.sort();
        Self {
            accounts,
            regions,
            cost_metric: COST_METRIC.to_string(),
            record_types: USAGE_RECORD_TYPES.iter().map(|t| t.to_string()).collect(),
        }
    }

    /// In words, for the pane's frame and the table's title: "account 123456789012 ·
    /// eu-west-1 · usage before Savings Plans and credits".
    pub fn words(&self) -> String {
        format!(
            "{} · {} · usage before Savings Plans and credits",
            self.accounts_in_words(),
            self.regions.join(", ")
        )
    }

    /// "account 123456789012", or "every account of the bill".
    pub fn accounts_in_words(&self) -> String {
        match &self.accounts {
            Accounts::All(_) => "every account of the bill".to_string(),
            Accounts::Only(ids) if ids.len() == 1 => format!("account {}", ids[0]),
            Accounts::Only(ids) => format!("accounts {}", ids.join(", ")),
        }
    }
}

/// One group's share of the month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostGroup {
    pub key: String,
    /// Usage at on-demand rates (`CostScope::record_types`).
    pub mtd_usd: f64,
    /// Day by day, aligned with `CostReport::days`.
    pub daily_usd: Vec<f64>,
    /// Every charge type: usage less Savings Plans, credits and refunds, plus fees and tax.
    #[serde(default)]
    pub net_usd: f64,
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
    /// What the question covered.
    pub scope: CostScope,
    /// Largest first.
    pub groups: Vec<CostGroup>,
    pub days: Vec<NaiveDate>,
    /// The fleet's cost per day.
    pub daily_usd: Vec<f64>,
    pub total_usd: f64,
    /// The month to date, every charge type (see `CostGroup::net_usd`).
    pub net_usd: f64,
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
