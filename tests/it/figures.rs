//! One figure, one answer: the invariants every surface keeps, over demo seeds, fleet sizes,
//! live and past windows. A percentile never overtakes a higher one, errors never outnumber
//! invocations, projects add up to the fleet, and a figure read on the table, in the detail,
//! in `snapshot`'s JSON and in the CSV export is the same number under the same name.

use lambdatop::app::Action;
use lambdatop::commands::snapshot::build;
use lambdatop::store::figures::fleet_stats;
use lambdatop::store::{FunctionKey, Window};
use lambdatop::ui::format;
use proptest::prelude::*;
use serde_json::Value;

use crate::support::{app_with, demo_store, lambdatop_without_aws, line_with, render, screen, t0};

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Every invariant one snapshot's JSON must keep, as the first broken one in words.
pub fn invariants(v: &Value) -> Result<(), String> {
    let functions = v["functions"].as_array().ok_or("no functions")?;
    for f in functions {
        let name = format!("{} ({})", f["name"], f["region"]);
        // p50 ≤ p90 ≤ p99 ≤ p99.9, wherever two of them are known.
        let known: Vec<(&str, f64)> = [
            "duration_p50_ms",
            "duration_p90_ms",
            "duration_p99_ms",
            "duration_p999_ms",
        ]
        .into_iter()
        .filter_map(|k| Some((k, num(&f[k])?)))
        .collect();
        for pair in known.windows(2) {
            if pair[0].1 > pair[1].1 {
                return Err(format!(
                    "{name}: {} {} > {} {}",
                    pair[0].0, pair[0].1, pair[1].0, pair[1].1
                ));
            }
        }
        // The window's p99 is never above its worst minute's.
        if let (Some(p99), Some(peak)) =
            (num(&f["duration_p99_ms"]), num(&f["duration_p99_peak_ms"]))
            && p99 > peak * 1.01 + 1.0
        {
            return Err(format!("{name}: p99 {p99} above its peak p99 {peak}"));
        }
        if let (Some(e), Some(n)) = (num(&f["errors"]), num(&f["invocations"]))
            && e > n
        {
            return Err(format!("{name}: {e} errors of {n} invocations"));
        }
        if f["invocations"].is_null() && !f["error_rate"].is_null() {
            return Err(format!("{name}: an error rate without invocations"));
        }
        for k in [
            "throttles",
            "timeouts",
            "cold_starts",
            "errors",
            "invocations",
        ] {
            if num(&f[k]).is_some_and(|x| x < 0.0) {
                return Err(format!("{name}: {k} {}", f[k]));
            }
        }
    }
    // A project's functions add up to the project, the projects to the fleet, wherever every
    // part was read.
    let projects = v["projects"].as_array().ok_or("no projects")?;
    for k in ["invocations", "errors", "throttles"] {
        for p in projects {
            let parts: Vec<Option<f64>> = functions
                .iter()
                .filter(|f| f["project"] == p["name"])
                .map(|f| num(&f[k]))
                .collect();
            if let Some(sum) = parts.iter().copied().sum::<Option<f64>>()
                && num(&p[k]) != Some(sum)
            {
                return Err(format!("project {}: {k} {} ≠ Σ {sum}", p["name"], p[k]));
            }
        }
        let parts: Option<f64> = projects.iter().map(|p| num(&p[k])).sum();
        if let Some(sum) = parts
            && num(&v["totals"][k]) != Some(sum)
        {
            return Err(format!("totals: {k} {} ≠ Σ projects {sum}", v["totals"][k]));
        }
    }
    Ok(())
}

fn snapshot(args: &[&str]) -> Value {
    let mut all = vec!["snapshot", "--demo", "--format", "json"];
    all.extend_from_slice(args);
    let out = lambdatop_without_aws(&all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The issue's own sighting: `snapshot --demo --window 1h` gave a p90 above the p99, the
/// window's p90 beside the worst minute's p99.
#[test]
fn snapshot_keeps_percentiles_in_order_over_every_preset_window() {
    for window in ["15m", "1h", "3h", "24h", "7d"] {
        let v = snapshot(&["--window", window]);
        if let Err(e) = invariants(&v) {
            panic!("--window {window}: {e}");
        }
        let with_p99 = v["functions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| !f["duration_p99_ms"].is_null())
            .count();
        assert!(with_p99 > 0, "--window {window}: no p99 at all");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    /// Any seed, any fleet size, live or in the past.
    #[test]
    fn every_demo_fleet_keeps_the_invariants(
        seed in 0u64..10_000,
        functions in 5usize..160,
        window in prop::sample::select(vec!["15m", "1h", "3h", "6h"]),
        at in prop::sample::select(vec![None, Some("-90m"), Some("-2h")]),
    ) {
        let (seed, functions) = (seed.to_string(), functions.to_string());
        let mut args = vec!["--seed", &seed, "--functions", &functions, "--window", window];
        if let Some(at) = at {
            args.extend(["--at", at]);
        }
        let v = snapshot(&args);
        prop_assert_eq!(invariants(&v), Ok(()), "{:?}", args);
    }
}

/// The same function's figures in the library's snapshot (what `--format json` prints) and in
/// the store's figures, for every function of the fixed demo: one derivation, no copies.
#[test]
fn the_fixed_demo_keeps_the_invariants_in_every_window() {
    let store = demo_store();
    for window in [Window::M15, Window::H1, Window::H3] {
        let v = serde_json::to_value(build(&store, window, t0())).unwrap();
        if let Err(e) = invariants(&v) {
            panic!("{} minutes: {e}", window.minutes());
        }
    }
}

/// The number after `label` on `line`: `p99 986ms` gives `986ms`.
fn after<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    let at = line.find(&format!("{label} "))? + label.len() + 1;
    line[at..]
        .split(|c: char| c.is_whitespace() || c == '│')
        .next()
        .filter(|v| !v.is_empty())
}

/// The detail's facts and its durations caption name one p99, and it is the JSON's.
#[test]
fn the_detail_shows_one_p99_and_it_is_the_snapshots() {
    let store = demo_store();
    let json = serde_json::to_value(build(&store, Window::H1, t0())).unwrap();
    for name in [
        "payments-charge",
        "checkout-abandoned-cart",
        "search-indexer",
    ] {
        let key = FunctionKey::new("us-east-1", name);
        let mut app = app_with(demo_store(), Window::H1);
        app.fleet.select(key.clone());
        app.update(Action::OpenDetail);
        let s = screen(&render(&mut app, 160, 48));
        let row = json["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name && f["region"] == "us-east-1")
            .unwrap();
        let p99 = format::millis(num(&row["duration_p99_ms"]));
        let fact = line_with(&s, "duration").expect("the duration fact");
        assert_eq!(after(fact, "p99"), Some(p99.as_str()), "{name}: {fact}");
        if let Some(caption) = s
            .lines()
            .find(|l| l.contains(" p50 ") && l.contains(" p90 "))
        {
            assert_eq!(
                after(caption, "p99"),
                Some(p99.as_str()),
                "{name}: {caption}"
            );
        }
        // The worst minute keeps a name of its own.
        let peak = format::millis(num(&row["duration_p99_peak_ms"]));
        let fact = line_with(&s, "of timeout").expect("the peak p99 fact");
        assert_eq!(
            after(fact, "peak p99"),
            Some(peak.as_str()),
            "{name}: {fact}"
        );
    }
}

/// The fleet table, the CSV export and the JSON show each function's p99 the same.
#[test]
fn the_table_the_csv_and_the_json_agree_on_each_p99() {
    let store = demo_store();
    let stats = fleet_stats(&store, Window::H1, t0());
    let json = serde_json::to_value(build(&store, Window::H1, t0())).unwrap();
    let order: Vec<usize> = (0..store.functions().len()).collect();
    let csv = lambdatop::view::export::fleet(&store, &stats, &order);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |k: &str| header.iter().position(|h| *h == k).unwrap();
    let (name_at, region_at, p99_at) = (col("name"), col("region"), col("duration_p99_ms"));
    let mut app = app_with(demo_store(), Window::H1);
    let table = screen(&render(&mut app, 220, 90));
    let mut seen_in_table = 0;
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let row = json["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == cells[name_at] && f["region"] == cells[region_at])
            .unwrap();
        let csv_p99 = cells[p99_at].parse::<f64>().ok();
        let json_p99 = num(&row["duration_p99_ms"]);
        assert_eq!(
            csv_p99.map(|v| (v * 100.0).round() / 100.0),
            json_p99,
            "{} {}",
            cells[name_at],
            cells[region_at]
        );
        // The table names the region in full, or in short where it is narrow.
        let short = lambdatop::ui::text::short_region(cells[region_at]);
        if let Some(t) = table.lines().find(|l| {
            l.starts_with(&format!("│{} ", cells[name_at]))
                && l.split_whitespace()
                    .any(|c| c == short || c == cells[region_at])
        }) {
            seen_in_table += 1;
            let p99 = format::millis(json_p99);
            assert!(
                t.split_whitespace().any(|c| c == p99),
                "{}: {p99} not in {t}",
                cells[name_at]
            );
        }
    }
    assert!(seen_in_table > 5, "{seen_in_table} rows read off the table");
}
