//! Cost Explorer for the AWS Lambda service: GetCostAndUsage for the month to date, daily,
//! grouped by the project tag or by region, and GetCostForecast for the rest of the month.
//! Cost Explorer bills $0.01 a request, so callers go through the disk cache (`bill_cache`).
//!
//! The question is narrowed to what the dashboard watches (`CostScope`): the caller's linked
//! account (from an Organization's management account an unfiltered answer is the whole
//! organisation's), the watched regions, and each charge type apart (grouped by
//! `RECORD_TYPE`), so that usage at on-demand rates — what the list-price estimate is
//! comparable with — and the net figure after Savings Plans, credits and refunds are both
//! read from one request (*GetCostAndUsage*: up to two GroupBy definitions).

use std::collections::BTreeMap;

use aws_sdk_costexplorer::types::{
    DateInterval, Dimension, DimensionValues, Expression, Granularity, GroupDefinition,
    GroupDefinitionType, Metric,
};
use chrono::{DateTime, NaiveDate, Utc};

use super::errors::{AwsError, classify};
use crate::store::ProblemKind;
use crate::store::cost::{
    self, Accounts, COST_METRIC as METRIC, CostGroup, CostGroupBy, CostReport, CostScope, UNTAGGED,
    USAGE_RECORD_TYPES,
};
/// Cost Explorer's name of the service.
const SERVICE: &str = "AWS Lambda";
/// Pages followed at most: a month of days grouped by project fits in one or two.
const MAX_PAGES: usize = 20;

fn interval(start: NaiveDate, end: NaiveDate) -> Result<DateInterval, AwsError> {
    DateInterval::builder()
        .start(start.format("%Y-%m-%d").to_string())
        .end(end.format("%Y-%m-%d").to_string())
        .build()
        .map_err(|e| AwsError::new(ProblemKind::Service, e.to_string()))
}

fn dimension(key: Dimension, values: &[String]) -> Expression {
    Expression::builder()
        .dimensions(
            DimensionValues::builder()
                .key(key)
                .set_values(Some(values.to_vec()))
                .build(),
        )
        .build()
}

/// The Lambda service in the scope's accounts and regions; `usage_only` narrows to the usage
/// charge types (the forecast, which cannot group).
fn filter(scope: &CostScope, usage_only: bool) -> Expression {
    let mut all = vec![dimension(Dimension::Service, &[SERVICE.to_string()])];
    if let Accounts::Only(ids) = &scope.accounts {
        all.push(dimension(Dimension::LinkedAccount, ids));
    }
    if !scope.regions.is_empty() {
        all.push(dimension(Dimension::Region, &scope.regions));
    }
    if usage_only {
        all.push(dimension(Dimension::RecordType, &scope.record_types));
    }
    Expression::builder().set_and(Some(all)).build()
}

/// Whether a charge type counts as usage. An answer without one (a single grouping) is usage.
fn is_usage(record_type: Option<&str>) -> bool {
    record_type.is_none_or(|t| USAGE_RECORD_TYPES.contains(&t))
}

/// The Lambda service's month to date at `now` over `scope`, grouped as asked; `tag` names
/// the project tag. The forecast is asked for separately (`from_today`).
pub async fn month_to_date(
    client: &aws_sdk_costexplorer::Client,
    scope: &CostScope,
    group_by: CostGroupBy,
    tag: &str,
    now: DateTime<Utc>,
) -> Result<CostReport, AwsError> {
    let (start, end) = cost::month_to_date(now.date_naive());
    let grouping = match group_by {
        CostGroupBy::Project => Some(
            GroupDefinition::builder()
                .r#type(GroupDefinitionType::Tag)
                .key(tag)
                .build(),
        ),
        CostGroupBy::Region => Some(
            GroupDefinition::builder()
                .r#type(GroupDefinitionType::Dimension)
                .key("REGION")
                .build(),
        ),
        CostGroupBy::Account => Some(
            GroupDefinition::builder()
                .r#type(GroupDefinitionType::Dimension)
                .key("LINKED_ACCOUNT")
                .build(),
        ),
        // Cost Explorer has no function dimension for Lambda: the total only.
        CostGroupBy::Function => None,
    };
    let by_record_type = GroupDefinition::builder()
        .r#type(GroupDefinitionType::Dimension)
        .key("RECORD_TYPE")
        .build();
    let grouping: Vec<GroupDefinition> = grouping.into_iter().chain([by_record_type]).collect();
    let mut days: Vec<NaiveDate> = Vec::new();
    let mut daily: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let mut groups: BTreeMap<String, BTreeMap<NaiveDate, f64>> = BTreeMap::new();
    let mut net: BTreeMap<String, f64> = BTreeMap::new();
    let mut net_total = 0.0;
    let mut estimated = false;
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let out = client
            .get_cost_and_usage()
            .time_period(interval(start, end)?)
            .granularity(Granularity::Daily)
            .metrics(METRIC)
            .filter(filter(scope, false))
            .set_group_by(Some(grouping.clone()))
            .set_next_page_token(token.take())
            .send()
            .await
            .map_err(|e| classify("GetCostAndUsage", &e))?;
        for r in out.results_by_time() {
            let Some(day) = r
                .time_period()
                .and_then(|p| NaiveDate::parse_from_str(p.start(), "%Y-%m-%d").ok())
            else {
                continue;
            };
            if !days.contains(&day) {
                days.push(day);
            }
            estimated |= r.estimated();
            // Grouped answers leave the day's total empty: it is the sum of its groups.
            let mut day_total = 0.0;
            for g in r.groups() {
                let keys = g.keys();
                // The record type is the last key; with a grouping of its own, the first.
                let (group, record_type) = match (group_by, keys) {
                    (CostGroupBy::Function, [t, ..]) => (None, Some(t.as_str())),
                    (_, [k, t, ..]) => (Some(k.as_str()), Some(t.as_str())),
                    (_, [k]) => (Some(k.as_str()), None),
                    (_, []) => (None, None),
                };
                let key = group.map(|k| group_key(group_by, tag, Some(k)));
                let usd = amount(g.metrics());
                net_total += usd;
                if let Some(key) = &key {
                    *net.entry(key.clone()).or_default() += usd;
                }
                if !is_usage(record_type) {
                    continue;
                }
                if let Some(key) = key {
                    *groups.entry(key).or_default().entry(day).or_default() += usd;
                }
                day_total += usd;
            }
            *daily.entry(day).or_default() += day_total;
        }
        match out.next_page_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    days.sort();
    // A group with charges but no usage (a credit alone) still shows, at no usage.
    for key in net.keys() {
        groups.entry(key.clone()).or_default();
    }
    let mut groups: Vec<CostGroup> = groups
        .into_iter()
        .map(|(key, by_day)| CostGroup {
            net_usd: net.get(&key).copied().unwrap_or(0.0),
            key,
            mtd_usd: by_day.values().sum(),
            daily_usd: days
                .iter()
                .map(|d| by_day.get(d).copied().unwrap_or(0.0))
                .collect(),
        })
        .collect();
    groups.sort_by(|a, b| b.mtd_usd.total_cmp(&a.mtd_usd).then(a.key.cmp(&b.key)));
    let daily_usd: Vec<f64> = days
        .iter()
        .map(|d| daily.get(d).copied().unwrap_or(0.0))
        .collect();
    Ok(CostReport {
        start,
        end,
        group_by,
        tag: (group_by == CostGroupBy::Project).then(|| tag.to_string()),
        scope: scope.clone(),
        groups,
        total_usd: daily_usd.iter().sum(),
        net_usd: net_total,
        days,
        daily_usd,
        forecast_usd: None,
        forecast_problem: None,
        estimated,
        fetched_at: now,
    })
}

/// The Lambda service's forecast usage over `scope` from today to the end of the month (the
/// same charge types as the month to date, so the two add up). Today, not
/// tomorrow: the month to date ends with Cost Explorer's last refresh, part way through today,
/// so a forecast from tomorrow left up to a day in neither (and on the month's last day, none
/// at all). GetCostForecast takes a start of today ("must be equal to or later than the
/// current date", API Reference, *GetCostForecast*).
pub async fn from_today(
    client: &aws_sdk_costexplorer::Client,
    scope: &CostScope,
    now: DateTime<Utc>,
) -> Result<Option<f64>, AwsError> {
    let today = now.date_naive();
    let end = cost::month_end(today);
    let out = client
        .get_cost_forecast()
        .time_period(interval(today, end)?)
        .metric(Metric::UnblendedCost)
        .granularity(Granularity::Monthly)
        .filter(filter(scope, true))
        .send()
        .await
        .map_err(|e| classify("GetCostForecast", &e))?;
    Ok(out
        .total()
        .and_then(|m| m.amount())
        .and_then(|a| a.parse().ok()))
}

fn amount(
    metrics: Option<&std::collections::HashMap<String, aws_sdk_costexplorer::types::MetricValue>>,
) -> f64 {
    metrics
        .and_then(|m| m.get(METRIC))
        .and_then(|v| v.amount())
        .and_then(|a| a.parse::<f64>().ok())
        .filter(|a| a.is_finite())
        .unwrap_or(0.0)
}

/// A group's key as people read it: a tag group `project$payments` is `payments`, and
/// `project$` (no such tag) is "(untagged)".
fn group_key(group_by: CostGroupBy, tag: &str, key: Option<&str>) -> String {
    let key = crate::logtext::sanitize::clean_field(key.unwrap_or_default());
    let value = match group_by {
        CostGroupBy::Project => key
            .strip_prefix(tag)
            .and_then(|k| k.strip_prefix('$'))
            .unwrap_or(key.split_once('$').map_or(key.as_str(), |(_, v)| v))
            .to_string(),
        _ => key,
    };
    if value.trim().is_empty() {
        UNTAGGED.to_string()
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_group_keys_read_as_the_tag_value() {
        let g = |k| group_key(CostGroupBy::Project, "project", Some(k));
        assert_eq!(g("project$payments"), "payments");
        assert_eq!(g("project$"), UNTAGGED);
        assert_eq!(g("other$x"), "x");
        assert_eq!(
            group_key(CostGroupBy::Region, "project", Some("eu-west-1")),
            "eu-west-1"
        );
        assert_eq!(
            group_key(CostGroupBy::Region, "project", Some("NoRegion")),
            "NoRegion"
        );
        assert_eq!(g("project$\u{1b}[2Jevil"), "\\x1b[2Jevil");
    }
}
