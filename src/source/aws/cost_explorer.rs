//! Cost Explorer for the AWS Lambda service: GetCostAndUsage for the month to date, daily,
//! grouped by the project tag or by region, and GetCostForecast for the rest of the month.
//! Cost Explorer bills $0.01 a request, so callers go through the disk cache (`cost_cache`).

use std::collections::BTreeMap;

use aws_sdk_costexplorer::types::{
    DateInterval, Dimension, DimensionValues, Expression, Granularity, GroupDefinition,
    GroupDefinitionType, Metric,
};
use chrono::{DateTime, NaiveDate, Utc};

use super::errors::{AwsError, classify};
use crate::store::ProblemKind;
use crate::store::cost::{self, CostGroup, CostGroupBy, CostReport, UNTAGGED};

/// The cost Cost Explorer's console shows by default.
const METRIC: &str = "UnblendedCost";
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

fn lambda_only() -> Expression {
    Expression::builder()
        .dimensions(
            DimensionValues::builder()
                .key(Dimension::Service)
                .values(SERVICE)
                .build(),
        )
        .build()
}

/// The Lambda service's month to date at `now`, grouped as asked; `tag` names the project
/// tag. The forecast is asked for separately (`forecast`).
pub async fn month_to_date(
    client: &aws_sdk_costexplorer::Client,
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
        // Cost Explorer has no function dimension for Lambda: the total only.
        CostGroupBy::Function => None,
    };
    let mut days: Vec<NaiveDate> = Vec::new();
    let mut daily: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let mut groups: BTreeMap<String, BTreeMap<NaiveDate, f64>> = BTreeMap::new();
    let mut estimated = false;
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let out = client
            .get_cost_and_usage()
            .time_period(interval(start, end)?)
            .granularity(Granularity::Daily)
            .metrics(METRIC)
            .filter(lambda_only())
            .set_group_by(grouping.clone().map(|g| vec![g]))
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
            let mut day_total = amount(r.total());
            for g in r.groups() {
                let key = group_key(group_by, tag, g.keys().first().map(String::as_str));
                let usd = amount(g.metrics());
                *groups.entry(key).or_default().entry(day).or_default() += usd;
                // Grouped answers leave the day's total empty: it is the sum of its groups.
                if r.total().is_none_or(|t| t.is_empty()) {
                    day_total += usd;
                }
            }
            *daily.entry(day).or_default() += day_total;
        }
        match out.next_page_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    days.sort();
    let mut groups: Vec<CostGroup> = groups
        .into_iter()
        .map(|(key, by_day)| CostGroup {
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
        groups,
        total_usd: daily_usd.iter().sum(),
        days,
        daily_usd,
        forecast_usd: None,
        forecast_problem: None,
        estimated,
        fetched_at: now,
    })
}

/// The Lambda service's forecast cost from today to the end of the month. Today, not
/// tomorrow: the month to date ends with Cost Explorer's last refresh, part way through today,
/// so a forecast from tomorrow left up to a day in neither (and on the month's last day, none
/// at all). GetCostForecast takes a start of today ("must be equal to or later than the
/// current date", API Reference, *GetCostForecast*).
pub async fn from_today(
    client: &aws_sdk_costexplorer::Client,
    now: DateTime<Utc>,
) -> Result<Option<f64>, AwsError> {
    let today = now.date_naive();
    let end = cost::month_end(today);
    let out = client
        .get_cost_forecast()
        .time_period(interval(today, end)?)
        .metric(Metric::UnblendedCost)
        .granularity(Granularity::Monthly)
        .filter(lambda_only())
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
