//! `lambdatop cost`: the month's Lambda cost so far, from Cost Explorer (through the disk
//! cache), grouped, with the month-end forecast and, beside it, the dashboard's estimate over
//! the month to date (the account read once over that window, into a store of its own) — a
//! quick check from a shell. The JSON shape is a contract: later
//! versions add fields, never remove or rename them; what is unknown is `null`.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::snapshot::{ApiUsageRow, api_usage_row};
use crate::cli::{CostArgs, Format};
use crate::clock::SharedClock;
use crate::logtext::sanitize::clean_field;
use crate::settings::Settings;
use crate::source::SourceKind;
use crate::source::aws::bill::lookup;
use crate::source::demo::cost as demo_cost;
use crate::source::demo::{Fleet, fixture};
use crate::store::cost::{self, CostGroupBy, CostReport, CostScope, UNTAGGED};
use crate::store::figures::{self, function_stats};
use crate::store::pricing::{self, WINDOW_LEAVES_OUT};
use crate::store::window::Window;
use crate::store::{DEFAULT_RETENTION_MINUTES, Minute, Store};
use crate::ui::format;

#[derive(Debug, Serialize, PartialEq)]
pub struct CostOutput {
    pub source: SourceKind,
    /// The caller's account (`sts:GetCallerIdentity`); `null` when AWS could not say.
    pub account_id: Option<String>,
    /// What the bill figures cover: accounts, regions, cost metric and charge types.
    pub scope: Option<CostScope>,
    pub period: Period,
    pub group_by: CostGroupBy,
    /// The project tag grouped by (`project` grouping only).
    pub tag: Option<String>,
    pub groups: Vec<GroupRow>,
    /// Cost Explorer's month to date: usage at on-demand rates (`scope.record_types`),
    /// comparable with the estimate; `null` when it could not be read.
    pub total_usd: Option<f64>,
    /// The same month, every charge type: after Savings Plans, credits and refunds.
    pub net_total_usd: Option<f64>,
    /// Month-end cost: the month to date plus Cost Explorer's forecast of the rest.
    pub forecast_usd: Option<f64>,
    /// The dashboard's estimate (`est_cost_usd`) over the month to date: what every pane and
    /// `snapshot` show for a window of these days, added up.
    pub estimate_total_usd: Option<f64>,
    /// Age of Cost Explorer's answer (0 when just asked).
    pub cache_age_s: Option<i64>,
    /// Whether the answer came from the disk cache rather than a request of this run.
    pub from_cache: Option<bool>,
    /// Some days are still Cost Explorer's own estimate.
    pub cost_explorer_estimated: Option<bool>,
    pub estimate_leaves_out: Vec<&'static str>,
    pub problems: Vec<String>,
    /// What this run asked of AWS (`null` on the demo fleet).
    pub api_usage: Option<ApiUsageRow>,
}

/// The month to date, as Cost Explorer counts it: `end` is exclusive.
#[derive(Debug, Serialize, PartialEq)]
pub struct Period {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct GroupRow {
    pub key: String,
    pub mtd_usd: Option<f64>,
    pub estimate_usd: Option<f64>,
    /// Every charge type (see `net_total_usd`).
    pub net_usd: Option<f64>,
}

/// To the 1e-8 dollar, without float noise, and never -0.
fn round(v: f64) -> f64 {
    (v * 1e8).round() / 1e8 + 0.0
}

/// Joins Cost Explorer's groups and the estimate's: one row per key, the largest bill first.
#[allow(clippy::too_many_arguments)]
pub fn build(
    source: SourceKind,
    account_id: Option<String>,
    group_by: CostGroupBy,
    tag: &str,
    billed: Option<&CostReport>,
    estimates: Option<&BTreeMap<String, Option<f64>>>,
    now: DateTime<Utc>,
    problems: Vec<String>,
) -> CostOutput {
    let (start, end) = billed
        .map(|r| (r.start, r.end))
        .unwrap_or_else(|| cost::month_to_date(now.date_naive()));
    let mut rows: BTreeMap<String, GroupRow> = BTreeMap::new();
    for g in billed.map(|r| r.groups.as_slice()).unwrap_or_default() {
        let r = rows.entry(g.key.clone()).or_insert_with(|| GroupRow {
            key: g.key.clone(),
            mtd_usd: None,
            estimate_usd: None,
            net_usd: None,
        });
        r.mtd_usd = Some(round(r.mtd_usd.unwrap_or(0.0) + g.mtd_usd));
        r.net_usd = Some(round(r.net_usd.unwrap_or(0.0) + g.net_usd));
    }
    for (key, usd) in estimates.into_iter().flatten() {
        let row = rows.entry(key.clone()).or_insert_with(|| GroupRow {
            key: key.clone(),
            mtd_usd: None,
            estimate_usd: None,
            net_usd: None,
        });
        row.estimate_usd = usd.map(round);
        // Billed by group, yet no bill for this one: it cost nothing so far.
        if billed.is_some() && group_by != CostGroupBy::Function && row.mtd_usd.is_none() {
            row.mtd_usd = Some(0.0);
            row.net_usd = Some(0.0);
        }
    }
    let mut groups: Vec<GroupRow> = rows.into_values().collect();
    groups.sort_by(|a, b| {
        let key = |r: &GroupRow| (r.mtd_usd.unwrap_or(-1.0), r.estimate_usd.unwrap_or(-1.0));
        key(b)
            .partial_cmp(&key(a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.key.cmp(&b.key))
    });
    CostOutput {
        source,
        account_id,
        scope: billed.map(|r| r.scope.clone()),
        period: Period {
            start: start.format("%Y-%m-%d").to_string(),
            end: end.format("%Y-%m-%d").to_string(),
        },
        group_by,
        tag: (group_by == CostGroupBy::Project).then(|| tag.to_string()),
        groups,
        total_usd: billed.map(|r| round(r.total_usd)),
        net_total_usd: billed.map(|r| round(r.net_usd)),
        forecast_usd: billed.and_then(|r| r.forecast_usd).map(round),
        estimate_total_usd: estimates
            .and_then(|e| e.values().fold(None, |a, b| figures::add(a, *b)))
            .map(round),
        cache_age_s: billed.map(|r| r.age_s(now)),
        from_cache: billed.map(|_| false),
        cost_explorer_estimated: billed.map(|r| r.estimated),
        estimate_leaves_out: WINDOW_LEAVES_OUT.to_vec(),
        problems,
        api_usage: None,
    }
}

/// The table for people.
pub fn table(c: &CostOutput) -> String {
    let mut out = String::new();
    let source = match c.source {
        SourceKind::Demo => "DEMO fleet · ",
        SourceKind::Aws => "",
    };
    let answered = match (c.cache_age_s, c.from_cache) {
        (Some(s), Some(true)) => format!("Cost Explorer answered {} ago (cached)", format::age(s)),
        (Some(_), _) => "Cost Explorer asked now".to_string(),
        (None, _) => "no Cost Explorer figures".to_string(),
    };
    out.push_str(&format!(
        "{source}Lambda cost {} to {} (month to date) · by {} · {answered}\n",
        c.period.start, c.period.end, c.group_by
    ));
    match &c.scope {
        Some(scope) => out.push_str(&format!("Billed: {}\n\n", scope.words())),
        None => out.push('\n'),
    }
    let head = match c.group_by {
        CostGroupBy::Project => "PROJECT",
        CostGroupBy::Function => "FUNCTION",
        CostGroupBy::Region => "REGION",
        CostGroupBy::Account => "ACCOUNT",
    };
    let width = c
        .groups
        .iter()
        .map(|g| g.key.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(12, 48);
    out.push_str(&format!(
        "{head:<width$} {:>14} {:>14} {:>14}\n",
        "MONTH TO DATE", "ESTIMATE", "NET BILLED"
    ));
    for g in &c.groups {
        let key = crate::ui::text::truncate(&g.key, width);
        out.push_str(&format!(
            "{key:<width$} {:>14} {:>14} {:>14}\n",
            format::usd(g.mtd_usd),
            format::usd(g.estimate_usd),
            format::usd(g.net_usd)
        ));
    }
    out.push_str(&format!(
        "{:<width$} {:>14} {:>14} {:>14}\n",
        "TOTAL",
        format::usd(c.total_usd),
        format::usd(c.estimate_total_usd),
        format::usd(c.net_total_usd)
    ));
    if let Some(f) = c.forecast_usd {
        out.push_str(&format!(
            "\nForecast for the month (Cost Explorer): {}\n",
            format::usd(Some(f))
        ));
    }
    out.push_str(&format!(
        "\nMonth to date is usage at on-demand rates, as the estimate is; net billed is after Savings Plans, credits and refunds.\nThe estimate is the dashboard's over these days, from CloudWatch metrics, REPORT lines and list prices; it leaves out the {}.",
        pricing::in_words(&WINDOW_LEAVES_OUT)
    ));
    if let Some(u) = &c.api_usage {
        out.push_str(&format!(
            "\nThis run: {} AWS requests, {} metrics, est. {}.",
            u.requests,
            u.metrics_requested,
            format::usd(Some(u.est_cost_usd))
        ));
    }
    for p in &c.problems {
        out.push_str(&format!("\nproblem: {p}"));
    }
    out
}

/// A function's group, the way Cost Explorer groups: the project tag's value, else
/// "(untagged)"; the region; or the function itself. Deliberately narrower than the
/// dashboard's project rule (`store::project::project_of`, which falls back to the stack and
/// the name's prefix): the estimate must line up with the bill's own groups.
fn group_of(
    group_by: CostGroupBy,
    tag: &str,
    (name, region, account): (&str, &str, &str),
    tags: Option<&BTreeMap<String, String>>,
) -> String {
    match group_by {
        CostGroupBy::Account => account.to_string(),
        CostGroupBy::Project => tags
            .and_then(|t| t.get(tag))
            .map(|v| clean_field(v.trim()))
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| UNTAGGED.to_string()),
        CostGroupBy::Region => region.to_string(),
        CostGroupBy::Function => format!("{} ({region})", clean_field(name)),
    }
}

/// The month to date as a window ending now. Its first bucket begins at the month's first
/// minute, since every period a window is read at divides a day. `None` in that first
/// minute: nothing of the month has run yet.
pub fn month_window(now: DateTime<Utc>) -> Option<Window> {
    let (first_day, _) = cost::month_to_date(now.date_naive());
    let first = Minute::of(first_day.and_hms_opt(0, 0, 0)?.and_utc());
    Window::from_minutes(u32::try_from(Minute::of(now).0 - first.0).ok()?)
}

/// The store's estimate of each function over the month to date (`est_cost_usd`, as every
/// pane and `snapshot` derive it), added up by the bill's groups. A group none of whose
/// functions could be estimated is `None`; a month that has only begun costs nothing yet.
pub fn estimates_of(
    store: &Store,
    window: Option<Window>,
    now: DateTime<Utc>,
    (group_by, tag): (CostGroupBy, &str),
    account_id: &str,
) -> BTreeMap<String, Option<f64>> {
    let range = window.map(|w| w.range(now));
    let mut out: BTreeMap<String, Option<f64>> = BTreeMap::new();
    for f in store.functions() {
        let usd = match range {
            Some(r) => function_stats(f, r).est_cost_usd,
            None => Some(0.0),
        };
        let key = group_of(
            group_by,
            tag,
            (&f.facts.name, &f.facts.region, account_id),
            Some(&f.facts.tags),
        );
        let group = out.entry(key).or_default();
        *group = figures::add(*group, usd);
    }
    out
}

/// The demo fleet's month, as `cost` prints it: the bill its Cost Explorer would give, and
/// the dashboard's estimate over the same days.
pub fn demo_output(
    seed: u64,
    fleet: &Fleet,
    now: DateTime<Utc>,
    group_by: CostGroupBy,
) -> CostOutput {
    let start = Minute::of(now);
    let history = DEFAULT_RETENTION_MINUTES;
    let billed = demo_cost::report(seed, fleet, start, history, now, group_by);
    let window = month_window(now);
    let estimates = {
        let store = window.map(|w| {
            fixture::demo_over(seed, std::sync::Arc::new(fleet.clone()), now, history, w).1
        });
        let store = store.unwrap_or_else(|| fixture::empty_store(history));
        estimates_of(
            &store,
            window,
            now,
            (group_by, "project"),
            demo_cost::DEMO_ACCOUNT,
        )
    };
    let mut problems = Vec::new();
    if group_by == CostGroupBy::Function {
        problems.push(NO_FUNCTION_SPLIT.to_string());
    }
    let mut out = build(
        SourceKind::Demo,
        Some(demo_cost::DEMO_ACCOUNT.to_string()),
        group_by,
        "project",
        Some(&billed),
        Some(&estimates),
        now,
        problems,
    );
    out.from_cache = Some(true);
    out
}

pub async fn run(settings: &Settings, args: &CostArgs, clock: SharedClock) -> Result<()> {
    let now = clock.now();
    let group_by: CostGroupBy = args.group_by.into();
    let tag = settings.project_tag.as_str();
    let mut problems = Vec::new();
    let output = if settings.demo {
        demo_output(settings.seed, &super::demo_fleet(settings), now, group_by)
    } else {
        let account = super::one_account(settings, "cost").await?;
        let query = super::cost_query(settings, &account, group_by);
        let client = account.cost_client();
        let bill = async {
            match &client {
                Ok(c) => lookup(c, &query, settings.refresh, now).await,
                // GovCloud: no bill here, and why; the estimate goes on.
                Err(why) => crate::source::aws::bill::Lookup {
                    report: None,
                    requested: false,
                    problem: None,
                    identity: None,
                    note: Some(why.clone()),
                },
            }
        };
        // The estimate is the dashboard's: every source of the account read once over the
        // month to date, into a store of its own.
        let mut setup = super::setup_of(settings, &account, false);
        let window = month_window(now);
        let read = async {
            match window {
                Some(w) => super::snapshot::poll_all(&mut setup, w, &clock).await,
                None => Ok(()),
            }
        };
        let (found, read) = futures::future::join(bill, read).await;
        problems.extend(found.note.clone());
        if let Some(e) = &found.problem {
            let kept = match &found.report {
                Some(r) => format!(
                    "; showing the answer kept from {} ago",
                    format::age(r.age_s(now))
                ),
                None => String::new(),
            };
            problems.push(format!("Cost Explorer: {}{kept}", e.message));
        }
        if let Some(why) = found
            .report
            .as_ref()
            .and_then(|r| r.forecast_problem.as_ref())
        {
            problems.push(format!("no forecast: {why}"));
        }
        if group_by == CostGroupBy::Function {
            problems.push(NO_FUNCTION_SPLIT.to_string());
        }
        let account_id = match (&found.identity, setup.store.identity()) {
            (Some(i), _) | (None, Some(i)) => Some(i.account_id.clone()),
            (None, None) => account.who.identity().await.ok().map(|i| i.account_id),
        };
        let estimates = match read {
            Ok(()) => {
                problems.extend(
                    (setup.store.problems().iter())
                        .map(|p| format!("estimate: {}: {}", p.scope, p.message)),
                );
                Some(estimates_of(
                    &setup.store,
                    window,
                    now,
                    (group_by, tag),
                    account_id.as_deref().unwrap_or_default(),
                ))
            }
            Err(e) => {
                problems.push(format!("estimate: {e}"));
                None
            }
        };
        if found.report.is_none() && estimates.is_none() {
            anyhow::bail!("could not read the account's cost: {}", problems.join("; "));
        }
        let mut out = build(
            SourceKind::Aws,
            account_id,
            group_by,
            tag,
            found.report.as_ref(),
            estimates.as_ref(),
            now,
            problems,
        );
        out.from_cache = found
            .report
            .as_ref()
            .map(|_| !found.requested || found.problem.is_some());
        out.api_usage = Some(api_usage_row(&account.usage.snapshot()));
        out
    };
    match args.format {
        Format::Json => super::print_json(&output),
        Format::Table => super::print_line(&table(&output)),
    }
}

const NO_FUNCTION_SPLIT: &str = "Cost Explorer does not split Lambda cost by function: per-function figures are the metric estimate; the total is billed";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untagged_functions_group_as_cost_explorer_does() {
        let tags = BTreeMap::from([("project".to_string(), " pay ".to_string())]);
        let g = |t| group_of(CostGroupBy::Project, "project", ("f", "eu-west-1", "1"), t);
        assert_eq!(g(Some(&tags)), "pay");
        assert_eq!(g(None), UNTAGGED);
        assert_eq!(
            group_of(
                CostGroupBy::Function,
                "project",
                ("f", "eu-west-1", "1"),
                None
            ),
            "f (eu-west-1)"
        );
    }

    #[test]
    fn billed_groups_without_an_estimate_and_the_reverse_both_show() {
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 23, 3, 0, 0).unwrap();
        let d = now.date_naive();
        let billed = CostReport {
            start: d,
            end: d,
            group_by: CostGroupBy::Project,
            tag: Some("project".into()),
            scope: CostScope::new(
                cost::Accounts::Only(vec!["123456789012".into()]),
                &["eu-west-1".into()],
            ),
            groups: vec![cost::CostGroup {
                key: UNTAGGED.into(),
                mtd_usd: 2.5,
                daily_usd: vec![2.5],
                net_usd: 2.0,
            }],
            days: vec![d],
            daily_usd: vec![2.5],
            total_usd: 2.5,
            net_usd: 2.0,
            forecast_usd: Some(9.0),
            forecast_problem: None,
            estimated: false,
            fetched_at: now - chrono::Duration::minutes(5),
        };
        let est = BTreeMap::from([("pay".to_string(), Some(1.0))]);
        let c = build(
            SourceKind::Aws,
            Some("123456789012".into()),
            CostGroupBy::Project,
            "project",
            Some(&billed),
            Some(&est),
            now,
            vec![],
        );
        assert_eq!(c.groups.len(), 2);
        assert_eq!(c.groups[0].key, UNTAGGED);
        assert_eq!(c.groups[0].estimate_usd, None);
        assert_eq!(
            (c.groups[1].mtd_usd, c.groups[1].estimate_usd),
            (Some(0.0), Some(1.0))
        );
        assert_eq!(c.cache_age_s, Some(300));
        assert_eq!(c.groups[0].net_usd, Some(2.0));
        assert_eq!(c.net_total_usd, Some(2.0));
        assert!(table(&c).contains("Cost Explorer asked now"));
        assert!(
            table(&c).contains(
                "Billed: account 123456789012 · eu-west-1 · usage before Savings Plans and credits"
            ),
            "{}",
            table(&c)
        );
        let cached = CostOutput {
            from_cache: Some(true),
            ..c
        };
        assert!(table(&cached).contains("answered 5m ago (cached)"));
    }
}
