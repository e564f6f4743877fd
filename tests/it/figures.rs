//! One figure, one answer: the invariants every surface keeps, over demo seeds, fleet sizes,
//! live and past windows. A percentile never overtakes a higher one, errors never outnumber
//! invocations, projects add up to the fleet, and a figure read on the table, in the detail,
//! in `snapshot`'s JSON, in the CSV export and in `check`'s verdict is the same number under
//! the same name, an unknown one `–`, empty and null alike. (A replay of a recording is the
//! JSON of its moment: `recording::record_writes_0600_and_snapshot_replays_it_as_json_and_csv`;
//! `cost`'s estimate is `snapshot`'s over the month: `cost::cost_json_…`.)

use lambdatop::app::Action;
use lambdatop::commands::snapshot::build;
use lambdatop::source::{MetricUpdate, SourceEvent};
use lambdatop::store::figures::fleet_stats;
use lambdatop::store::{FunctionKey, Metric, Minute, Window};
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
        app.dashboard.fleet.select(key.clone());
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

/// How many decimals `snapshot` keeps of a CSV column's figure (`None`: a whole count).
fn decimals(column: &str) -> Option<i32> {
    match column {
        "error_rate" | "est_cost_usd" | "p99_peak_of_timeout" => Some(6),
        c if c.ends_with("_ms") => Some(2),
        _ => None,
    }
}

/// The cells of a table row under each column title of `header`, by where the titles stand:
/// a name, project or region is left-aligned under its title, up to the next title; a figure
/// is right-aligned, ending where its title ends.
fn cells(header: &str, line: &str, titles: &[&str]) -> Vec<(String, String)> {
    const LEFT: [&str; 4] = ["FUNCTION", "PROJECT", "REGION", "RGN"];
    let head: Vec<char> = header.chars().collect();
    let row: Vec<char> = line.chars().collect();
    let find = |t: &str| {
        let t: Vec<char> = t.chars().collect();
        (1..head.len().saturating_sub(t.len())).find(|&i| {
            head[i..i + t.len()] == t[..]
                && matches!(head[i - 1], ' ' | '│')
                && matches!(head.get(i + t.len()), Some(' ' | '│'))
        })
    };
    let mut at: Vec<(usize, &str)> = titles.iter().filter_map(|t| Some((find(t)?, *t))).collect();
    at.sort();
    let end = |k: usize| at[k].0 + at[k].1.chars().count();
    (0..at.len())
        .map(|k| {
            let (from, to) = if LEFT.contains(&at[k].1) {
                (at[k].0, at.get(k + 1).map_or(row.len(), |n| n.0))
            } else {
                (if k == 0 { at[k].0 } else { end(k - 1) }, end(k))
            };
            let (from, to) = (from.min(row.len()), to.min(row.len()));
            let text: String = row[from..to].iter().collect();
            (at[k].1.to_string(), text.trim().to_string())
        })
        .collect()
}

/// The fleet table, the CSV export and the JSON show every figure they share the same, and
/// an unknown one as `–`, an empty field and null alike.
#[test]
fn the_table_the_csv_and_the_json_agree_on_every_figure() {
    // The demo with holes: its first function's errors and durations unread over the hour,
    // so its error rate, average, and cost are unknown too; its second's REPORT lines unread
    // for the first half hour, so its cold starts and memory are a floor.
    let mut store = demo_store();
    let key = store.functions()[0].facts.key();
    let gaps: Vec<(Minute, Option<f64>)> =
        Window::H1.range(t0()).iter().map(|m| (m, None)).collect();
    for metric in [Metric::Errors, Metric::DurationAvg] {
        store.apply(SourceEvent::Metrics(MetricUpdate {
            key: key.clone(),
            metric,
            points: gaps.clone(),
            settled: None,
        }));
    }
    let floor = store.functions()[1].facts.key();
    for metric in [Metric::ColdStarts, Metric::MemoryUsedMax] {
        store.apply(SourceEvent::Metrics(MetricUpdate {
            key: floor.clone(),
            metric,
            points: gaps[..30].to_vec(),
            settled: None,
        }));
    }
    let holed = store.clone();
    let stats = fleet_stats(&store, Window::H1, t0());
    let json = serde_json::to_value(build(&store, Window::H1, t0())).unwrap();
    let order: Vec<usize> = (0..store.functions().len()).collect();
    let csv = lambdatop::view::export::fleet(&store, &stats, &order);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row_of = |name: &str, region: &str| {
        json["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name && f["region"] == region)
            .unwrap_or_else(|| panic!("{name} {region} not in the JSON"))
            .clone()
    };
    let mut compared = 0;
    let mut unknown = 0;
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let at = |k: &str| cells[header.iter().position(|h| *h == k).unwrap()];
        let (name, region) = (at("name"), at("region"));
        let row = row_of(name, region);
        for (column, field) in header.iter().zip(&cells) {
            let want = match *column {
                "name" | "account_id" | "region" | "project" | "runtime" => continue,
                // The CSV counts the alarms in ALARM; the JSON names them.
                "alarms_firing" => row["alarms"].as_array().map(|a| a.len() as f64).into(),
                // A nested figure's column names its path: `reports_read.of`.
                c => c.split('.').fold(row.clone(), |v, k| v[k].clone()),
            };
            let context = format!("{name} ({region}) {column}: CSV {field:?}, JSON {want}");
            if field.is_empty() || want.is_null() {
                assert!(field.is_empty() && want.is_null(), "{context}");
                unknown += 1;
                continue;
            }
            if *column == "provisional_from" {
                assert_eq!(Some(*field), want.as_str(), "{context}");
                continue;
            }
            let csv_value: f64 = field.parse().unwrap_or_else(|_| panic!("{context}"));
            let csv_value = match decimals(column) {
                Some(d) => (csv_value * 10f64.powi(d)).round() / 10f64.powi(d),
                None => csv_value,
            };
            let json_value = want.as_f64().unwrap();
            assert!(
                (csv_value - json_value).abs() <= 1e-9 * json_value.abs().max(1.0),
                "{context}"
            );
            compared += 1;
        }
    }
    assert!(compared > 500, "{compared} figures compared");
    assert!(
        unknown > 0,
        "the demo has figures not read, and they must agree too"
    );

    // The table: each visible row's cells are the JSON's figures, formatted.
    let mut app = app_with(holed, Window::H1);
    let table = screen(&render(&mut app, 220, 90));
    let titles = [
        "FUNCTION", "PROJECT", "REGION", "RGN", "ALM", "INV/MIN", "ERRORS", "ERR%", "THROT", "AVG",
        "P99", "PK/TO", "CONC", "CAP", "LOST", "CLASS", "SRC", "AGE", "COLD", "MEM%", "EST$/H",
    ];
    let head = table
        .lines()
        .find(|l| l.contains("FUNCTION") && l.contains("PK/TO"))
        .expect("the table's header");
    let mut rows_read = 0;
    for line in table.lines().skip_while(|l| *l != head).skip(1) {
        let c: std::collections::BTreeMap<String, String> =
            cells(head, line, &titles).into_iter().collect();
        let (Some(name), Some(rgn)) = (c.get("FUNCTION"), c.get("REGION").or(c.get("RGN"))) else {
            continue;
        };
        let Some(f) = json["functions"].as_array().unwrap().iter().find(|f| {
            f["name"] == name.as_str()
                && (f["region"] == rgn.as_str()
                    || lambdatop::ui::text::short_region(f["region"].as_str().unwrap()) == *rgn)
        }) else {
            continue;
        };
        rows_read += 1;
        // Counted over part of the window's minutes, a REPORT figure is shown as a floor.
        let read = &f["reports_read"];
        let partial = read["read"].as_u64() < read["of"].as_u64();
        let memory_known = !f["memory_used_max_mb"].is_null() && !f["memory_mb"].is_null();
        assert_eq!(
            c["MEM%"].starts_with('≥'),
            partial && memory_known,
            "{name} ({rgn}) MEM%: {line}"
        );
        for (title, shown) in [
            (
                "COLD",
                format::at_least(format::count(num(&f["cold_starts"])), partial),
            ),
            ("ERRORS", format::count(num(&f["errors"]))),
            ("ERR%", format::percent(num(&f["error_rate"]))),
            ("THROT", format::count(num(&f["throttles"]))),
            ("AVG", format::millis(num(&f["duration_avg_ms"]))),
            ("P99", format::millis(num(&f["duration_p99_ms"]))),
            ("PK/TO", format::percent(num(&f["p99_peak_of_timeout"]))),
            ("CONC", format::count(num(&f["concurrency_max"]))),
        ] {
            assert_eq!(c[title], shown, "{name} ({rgn}) {title}: {line}");
        }
    }
    assert!(
        rows_read > 20,
        "{rows_read} rows read off the table:\n{table}"
    );
    // The function with its REPORT lines read for half the hour says so, in the JSON and the
    // table.
    let f = row_of(&floor.name, &floor.region);
    assert!(
        f["reports_read"]["read"].as_u64() < f["reports_read"]["of"].as_u64(),
        "{f}"
    );
    let line = table
        .lines()
        .find(|l| l.contains(&format!("│{} ", floor.name)) && l.contains('≥'))
        .unwrap_or_else(|| panic!("{} shows no floor:\n{table}", floor.name));
    assert!(
        line.contains(&format!("≥{}", format::count(num(&f["cold_starts"])))),
        "{line}"
    );
}

/// `check`'s verdict is the figure `snapshot` gives over the same settled minutes.
#[test]
fn checks_verdict_is_the_snapshots_figure_over_the_minutes_it_judged() {
    use clap::Parser;
    let store = demo_store();
    let cli = lambdatop::cli::Cli::parse_from(["lambdatop", "check"]);
    let Some(lambdatop::cli::Command::Check(args)) = cli.command else {
        panic!("check's arguments");
    };
    let t = lambdatop::store::health::Thresholds::default();
    let (breaches, _, _) = lambdatop::commands::check::judge(&store, Window::M15, t0(), &t, &args);
    let mut judged = 0;
    for b in &breaches {
        let key = match b.rule {
            "errors" => "error_rate",
            "throttles" => "throttles",
            "timeout" => "p99_peak_of_timeout",
            _ => continue,
        };
        let from = chrono::DateTime::parse_from_rfc3339(&b.from)
            .unwrap()
            .to_utc();
        let to = chrono::DateTime::parse_from_rfc3339(&b.to)
            .unwrap()
            .to_utc();
        let minutes = (to - from).num_minutes() as u32;
        let window = Window::from_minutes(minutes)
            .unwrap()
            .ending(Some(lambdatop::store::Minute::of(to)));
        let snap = serde_json::to_value(build(&store, window, t0())).unwrap();
        let row = snap["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == b.function.as_str() && f["region"] == b.region.as_str())
            .unwrap();
        let shown = num(&row[key]).unwrap();
        let judged_value = b.value.unwrap();
        assert!(
            (shown - judged_value).abs() <= 1e-6 * judged_value.abs().max(1.0),
            "{} {}: check {judged_value}, snapshot {shown} over {} – {}",
            b.function,
            b.rule,
            b.from,
            b.to
        );
        judged += 1;
    }
    assert!(judged >= 2, "{breaches:#?}");
}
