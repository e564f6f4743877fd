//! The demo fleet's bill, as Cost Explorer would give it: the month to date per project (or
//! region) day by day, from the same traffic model the metrics come from, minute by minute as
//! the metrics are (so the bill and the dashboard's estimate agree on what both see), and the
//! provisioned concurrency the payments project keeps warm all day. Like a real
//! bill it holds what the dashboard's estimate cannot see: functions deleted earlier in the
//! month left untagged cost behind.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{Fleet, traffic};
use crate::store::cost::{self, CostGroup, CostGroupBy, CostReport, UNTAGGED};
use crate::store::pricing;
use crate::store::{Architecture, Minute};

/// Minutes between samples of the model: every minute, as the demo's metrics have them.
const STEP: i64 = 1;
const PROVISIONED_PROJECT: &str = "payments";
const PROVISIONED_REGION: &str = "us-east-1";
/// What deleted, untagged functions cost per day.
const UNTAGGED_USD_PER_DAY: f64 = 0.41;
/// The demo account's Compute Savings Plan: the share of usage the bill nets out.
const SAVINGS_PLAN_DISCOUNT: f64 = 0.17;
/// The demo account's id, as the header and JSON show it.
pub const DEMO_ACCOUNT: &str = "000000000000";

/// The month to date at `now`, as the demo's Cost Explorer would answer it, for a demo
/// started at `start` with `history` minutes before it.
pub fn report(
    seed: u64,
    fleet: &Fleet,
    start: Minute,
    history: u32,
    now: DateTime<Utc>,
    group_by: CostGroupBy,
) -> CostReport {
    let today = now.date_naive();
    let (first_day, end) = cost::month_to_date(today);
    let days: Vec<NaiveDate> = first_day.iter_days().take_while(|d| *d < end).collect();
    // By function there are no groups (see `groups` below), only the total.
    let by = match group_by {
        CostGroupBy::Region => CostGroupBy::Region,
        CostGroupBy::Account => CostGroupBy::Account,
        _ => CostGroupBy::Project,
    };
    let mut groups = modelled(seed, fleet, start, history, now, by, &days);
    // What only the bill sees, under the project or the region it belongs to.
    let (provisioned, untagged) = match by {
        CostGroupBy::Region => (PROVISIONED_REGION, PROVISIONED_REGION),
        // The demo is one account: all of it is its bill.
        CostGroupBy::Account => (DEMO_ACCOUNT, DEMO_ACCOUNT),
        _ => (PROVISIONED_PROJECT, UNTAGGED),
    };
    for (key, per_day) in [
        (provisioned, provisioned_per_day(fleet)),
        (untagged, UNTAGGED_USD_PER_DAY),
    ] {
        let daily = groups
            .entry(key.to_string())
            .or_insert_with(|| vec![0.0; days.len()]);
        for (i, v) in daily.iter_mut().enumerate() {
            *v += per_day * day_fraction(days[i], now);
        }
    }
    let mut groups: Vec<CostGroup> = groups
        .into_iter()
        .map(|(key, daily_usd)| {
            let mtd_usd: f64 = daily_usd.iter().sum();
            CostGroup {
                key,
                mtd_usd,
                daily_usd,
                net_usd: mtd_usd * (1.0 - SAVINGS_PLAN_DISCOUNT),
            }
        })
        .collect();
    groups.sort_by(|a, b| b.mtd_usd.total_cmp(&a.mtd_usd).then(a.key.cmp(&b.key)));
    let daily_usd: Vec<f64> = (0..days.len())
        .map(|i| groups.iter().map(|g| g.daily_usd[i]).sum())
        .collect();
    let total: f64 = daily_usd.iter().sum();
    // The forecast: the complete days' mean for every day left.
    let complete = days.len().saturating_sub(1);
    let per_day = if complete > 0 {
        daily_usd[..complete].iter().sum::<f64>() / complete as f64
    } else {
        daily_usd.first().copied().unwrap_or(0.0) / day_fraction(today, now).max(0.01)
    };
    let left = (cost::month_end(today) - today).num_days() as f64 - day_fraction(today, now);
    CostReport {
        start: first_day,
        end,
        group_by,
        tag: (group_by == CostGroupBy::Project).then(|| "project".to_string()),
        scope: cost::CostScope::new(
            cost::Accounts::Only(vec![DEMO_ACCOUNT.to_string()]),
            &super::fleet::REGIONS.map(str::to_string),
        ),
        groups: if group_by == CostGroupBy::Function {
            Vec::new()
        } else {
            groups
        },
        days,
        daily_usd,
        total_usd: total,
        net_usd: total * (1.0 - SAVINGS_PLAN_DISCOUNT),
        forecast_usd: Some(total + per_day * left.max(0.0)),
        forecast_problem: None,
        estimated: true,
        // As if asked an hour ago and kept in the cache.
        fetched_at: now - Duration::hours(1),
    }
}

/// The month to date of what the metrics see (the estimate's view), per group and day; by
/// function the key is `name (region)`.
fn modelled(
    seed: u64,
    fleet: &Fleet,
    start: Minute,
    history: u32,
    now: DateTime<Utc>,
    group_by: CostGroupBy,
    days: &[NaiveDate],
) -> BTreeMap<String, Vec<f64>> {
    let current = Minute::of(now);
    let mut groups: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    // A copy (`--functions`) is billed what the first copy of its spec in its region is: a
    // month of minutes for 10,000 functions would take the demo a minute to start.
    // Keyed by the spec's own name: a copy's spec keeps its original's.
    let mut copies: HashMap<(&str, &str), Vec<f64>> = HashMap::new();
    for inst in fleet.instances() {
        let s = inst.spec;
        let key = match group_by {
            CostGroupBy::Project => s.project.to_string(),
            CostGroupBy::Region => inst.region.to_string(),
            CostGroupBy::Function => format!("{} ({})", inst.name, inst.region),
            CostGroupBy::Account => DEMO_ACCOUNT.to_string(),
        };
        let arch = if s.arm64 {
            Architecture::Arm64
        } else {
            Architecture::X86_64
        };
        let daily = groups.entry(key).or_insert_with(|| vec![0.0; days.len()]);
        let copy = inst.name != s.name;
        if let Some(usd) = copy.then(|| copies.get(&(s.name, inst.region))).flatten() {
            daily.iter_mut().zip(usd).for_each(|(d, u)| *d += u);
            continue;
        }
        let mut usd_by_day = vec![0.0; days.len()];
        for (i, day) in days.iter().enumerate() {
            let first = Minute::of(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
            let mut m = first;
            while m.0 < first.0 + 24 * 60 && m < current {
                let sample = traffic::sample(seed, inst, m.0, start.0, i64::from(history));
                // The model's creeping function runs backwards far into the past: not below 1 ms.
                let avg = sample.duration_avg_ms.unwrap_or(0.0).max(1.0);
                // What provisioned concurrency served pays its own duration price, as AWS bills
                // it; the spillover, and every other function, the on-demand one.
                let n = sample.invocations;
                let served = match inst.provisioned() {
                    0 => 0.0,
                    p => n - traffic::provisioned_use(&sample, p).1,
                };
                let usd = pricing::requests_usd(inst.region, n)
                    + pricing::duration_usd(inst.region, arch, s.memory_mb, n - served, avg)
                    + pricing::provisioned_duration_usd(
                        inst.region,
                        arch,
                        s.memory_mb,
                        served,
                        avg,
                    );
                usd_by_day[i] += usd * STEP as f64;
                m = m.plus(STEP);
            }
        }
        daily.iter_mut().zip(&usd_by_day).for_each(|(d, u)| *d += u);
        if copy {
            copies.insert((s.name, inst.region), usd_by_day);
        }
    }
    groups
}

/// What the fleet's provisioned concurrency costs a day at list price, kept ready all day.
fn provisioned_per_day(fleet: &Fleet) -> f64 {
    fleet
        .instances()
        .filter(|i| i.provisioned() > 0)
        .map(|i| {
            let arch = if i.spec.arm64 {
                Architecture::Arm64
            } else {
                Architecture::X86_64
            };
            pricing::provisioned_usd(i.region, arch, i.spec.memory_mb, i.provisioned(), 86_400.0)
        })
        .sum()
}

/// How much of `day` has passed at `now`.
fn day_fraction(day: NaiveDate, now: DateTime<Utc>) -> f64 {
    let start = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    ((now - start).num_seconds() as f64 / 86_400.0).clamp(0.0, 1.0)
}
