//! The store: bucketing, gaps, the partial minute, ring eviction, window sums, the project
//! rule on ingest, inventory replacement, problems and data age.

use std::collections::BTreeMap;

use chrono::Duration;
use lambdatop::source::{LoadingState, MetricUpdate, SourceEvent};
use lambdatop::store::figures::{Flow, fleet_stats, function_stats};
use lambdatop::store::{
    Architecture, FunctionFacts, FunctionKey, Metric, Minute, ProblemKind, Store, Window,
};

use crate::support::{empty_store, t0};

fn facts(region: &str, name: &str, tags: &[(&str, &str)]) -> FunctionFacts {
    FunctionFacts {
        name: name.into(),
        region: region.into(),
        account: Default::default(),
        runtime: Some("python3.12".into()),
        memory_mb: Some(1024),
        architecture: Architecture::X86_64,
        timeout_s: Some(10),
        tags: tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        last_modified: None,
        arn: None,
        logging: Default::default(),
        dead_letter: None,
        code_sha256: None,
        revision_id: None,
    }
}

fn metric(
    key: &FunctionKey,
    metric: Metric,
    points: &[(Minute, Option<f64>)],
    settled: Option<Minute>,
) -> SourceEvent {
    SourceEvent::Metrics(MetricUpdate {
        key: key.clone(),
        metric,
        points: points.to_vec(),
        settled,
    })
}

/// One function with 15 complete minutes before t0, settled, and the current minute filling.
fn one_function() -> (Store, FunctionKey) {
    let mut store = empty_store();
    store.apply(SourceEvent::Inventory {
        region: "us-east-1".into(),
        functions: vec![facts("us-east-1", "orders-api", &[("project", "orders")])],
    });
    let key = FunctionKey::new("us-east-1", "orders-api");
    let now = Minute::of(t0());
    let complete: Vec<Minute> = (1..=15).map(|k| now.minus(k)).collect();
    let with = |v: f64| complete.iter().map(|&m| (m, Some(v))).collect::<Vec<_>>();
    let mut inv = with(100.0);
    inv.push((now, Some(40.0)));
    store.apply(metric(&key, Metric::Invocations, &inv, Some(now.minus(1))));
    store.apply(metric(&key, Metric::Errors, &with(5.0), Some(now.minus(1))));
    store.apply(metric(
        &key,
        Metric::Throttles,
        &with(0.0),
        Some(now.minus(1)),
    ));
    store.apply(metric(
        &key,
        Metric::DurationAvg,
        &with(200.0),
        Some(now.minus(1)),
    ));
    store.apply(metric(
        &key,
        Metric::DurationP99,
        &with(900.0),
        Some(now.minus(1)),
    ));
    store.apply(metric(
        &key,
        Metric::ConcurrencyMax,
        &with(3.0),
        Some(now.minus(1)),
    ));
    (store, key)
}

#[test]
fn window_sums_cover_the_complete_minutes_only() {
    let (store, key) = one_function();
    let f = store.function(&key).unwrap();
    assert!(f.history.is_provisional(Minute::of(t0())));
    assert!(!f.history.is_provisional(Minute::of(t0()).minus(1)));
    let s = function_stats(f, Window::M15.range(t0()));
    assert_eq!(
        s.provisional_from, None,
        "every minute of the window settled"
    );
    // 15 complete minutes of 100; the partial minute's 40 is left out.
    assert_eq!(s.invocations, Some(1500.0));
    assert_eq!(s.invocations_per_min, Some(100.0));
    assert_eq!(s.errors, Some(75.0));
    assert_eq!(s.error_rate, Some(0.05));
    assert_eq!(s.throttles, Some(0.0));
    assert_eq!(s.duration_avg_ms, Some(200.0));
    // Minute p99s make the peak; with no distribution read, the window's p99 is unknown.
    assert_eq!(s.duration_p99_peak_ms, Some(900.0));
    assert_eq!(s.duration_p99_ms, None);
    assert_eq!(s.p99_peak_of_timeout, Some(0.09));
    assert_eq!(s.concurrency_max, Some(3.0));
    // $0.20 per million requests + 1500 × 0.2 s × 1 GB × $0.0000166667.
    let expected = 1500.0 * 0.2e-6 + 1500.0 * 0.2 * 0.000_016_666_7;
    assert!((s.est_cost_usd.unwrap() - expected).abs() < 1e-12);
}

#[test]
fn a_window_with_no_data_is_unknown_not_zero() {
    let (store, key) = one_function();
    let f = store.function(&key).unwrap();
    // A window entirely before the data: nothing known.
    let range = lambdatop::store::MinuteRange::ending_at(Minute::of(t0()).minus(30), 5);
    let s = function_stats(f, range);
    assert_eq!(s.invocations, None);
    assert_eq!(s.error_rate, None);
    assert_eq!(s.duration_avg_ms, None);
    assert_eq!(s.est_cost_usd, None);
}

#[test]
fn average_duration_is_weighted_by_invocations() {
    let (mut store, key) = one_function();
    let m = Minute::of(t0()).minus(1);
    // The last minute: 300 invocations at 600 ms; the other 14 stay 100 at 200 ms.
    store.apply(metric(&key, Metric::Invocations, &[(m, Some(300.0))], None));
    store.apply(metric(&key, Metric::DurationAvg, &[(m, Some(600.0))], None));
    let s = function_stats(store.function(&key).unwrap(), Window::M15.range(t0()));
    let expected = (14.0 * 100.0 * 200.0 + 300.0 * 600.0) / (1400.0 + 300.0);
    assert!((s.duration_avg_ms.unwrap() - expected).abs() < 1e-9);
    assert_eq!(s.invocations, Some(1700.0));
}

#[test]
fn a_gap_stays_a_gap_in_sums_and_flows() {
    let (mut store, key) = one_function();
    let gap = Minute::of(t0()).minus(3);
    store.apply(metric(&key, Metric::Invocations, &[(gap, None)], None));
    let f = store.function(&key).unwrap();
    assert_eq!(f.history.get(Metric::Invocations, gap), None);
    let s = function_stats(f, Window::M15.range(t0()));
    assert_eq!(s.invocations, Some(1400.0));
    // The rate divides by the minutes that had data.
    assert_eq!(s.invocations_per_min, Some(100.0));
    let flow = Flow::of(store.functions(), Window::M15.range(t0()));
    assert_eq!(flow.started[12], None, "the gap is the 13th of 15 minutes");
    assert_eq!(flow.completed[12], None);
    assert_eq!(flow.started[11], Some(100.0));
    assert_eq!(flow.completed[11], Some(95.0));
}

#[test]
fn the_ring_keeps_three_hours_and_evicts_older_minutes() {
    let (mut store, key) = one_function();
    let now = Minute::of(t0());
    let later = now.plus(200);
    store.apply(metric(
        &key,
        Metric::Invocations,
        &[(later, Some(1.0))],
        None,
    ));
    let f = store.function(&key).unwrap();
    assert_eq!(
        f.history.get(Metric::Invocations, now.minus(1)),
        None,
        "evicted"
    );
    assert_eq!(f.history.get(Metric::Invocations, later), Some(1.0));
    assert_eq!(
        f.history.series(Metric::Invocations).oldest(),
        Some(later.minus(180)),
        "180 complete minutes plus the filling one"
    );
}

#[test]
fn a_complete_value_replaces_the_partial_one_and_settles_it() {
    let (mut store, key) = one_function();
    let now = Minute::of(t0());
    store.apply(metric(
        &key,
        Metric::Invocations,
        &[(now, Some(101.0))],
        Some(now),
    ));
    let f = store.function(&key).unwrap();
    assert!(!f.history.is_provisional(now));
    assert!(f.history.is_provisional(now.plus(1)));
    let s = function_stats(f, Window::M15.range(t0() + Duration::minutes(1)));
    assert_eq!(s.invocations, Some(14.0 * 100.0 + 101.0));
}

#[test]
fn inventory_replaces_a_region_and_applies_the_project_rule() {
    let (mut store, _) = one_function();
    store.apply(SourceEvent::Inventory {
        region: "eu-west-1".into(),
        functions: vec![facts(
            "eu-west-1",
            "billing_export",
            &[("aws:cloudformation:stack-name", "billing-stack")],
        )],
    });
    assert_eq!(store.functions().len(), 2);
    store.apply(SourceEvent::Inventory {
        region: "us-east-1".into(),
        functions: vec![facts("us-east-1", "search-api", &[])],
    });
    let names: Vec<(&str, &str)> = store
        .functions()
        .iter()
        .map(|f| (f.facts.name.as_str(), f.project.as_str()))
        .collect();
    assert!(names.contains(&("billing_export", "billing-stack")));
    assert!(names.contains(&("search-api", "search")));
    assert!(
        !names.iter().any(|(n, _)| *n == "orders-api"),
        "deleted function left"
    );
    assert!(
        store
            .function(&FunctionKey::new("eu-west-1", "billing_export"))
            .is_some()
    );
}

#[test]
fn hostile_tags_are_defused_on_ingest() {
    let mut store = empty_store();
    store.apply(SourceEvent::Inventory {
        region: "us-east-1".into(),
        functions: vec![facts(
            "us-east-1",
            "x-api",
            &[("project", "evil\x1b]52;c;aGk=\x07")],
        )],
    });
    let p = &store.functions()[0].project;
    assert_eq!(p, "evil\\x1b]52;c;aGk=\\x07");
}

#[test]
fn problems_are_raised_and_cleared_by_scope() {
    let mut store = empty_store();
    let problem = |scope: &str| SourceEvent::Problem {
        source: "metrics".into(),
        scope: scope.into(),
        kind: ProblemKind::AccessDenied,
        message: "AccessDenied on GetMetricData".into(),
        at: t0(),
    };
    store.apply(problem("us-east-1"));
    store.apply(problem("eu-west-1"));
    store.apply(problem("us-east-1"));
    assert_eq!(store.problems().len(), 2);
    store.apply(SourceEvent::Resolved {
        source: "metrics".into(),
        scope: "us-east-1".into(),
    });
    let left: Vec<&str> = store.problems().iter().map(|p| p.scope.as_str()).collect();
    assert_eq!(left, ["eu-west-1"]);
}

#[test]
fn data_age_is_the_oldest_successful_poll() {
    let mut store = empty_store();
    assert!(store.is_loading());
    let status = |source: &str, state, at| SourceEvent::Status {
        source: source.into(),
        state,
        at,
    };
    store.apply(status("inventory", LoadingState::Loaded, t0()));
    store.apply(status("metrics", LoadingState::Loading, t0()));
    assert!(store.is_loading(), "metrics has not loaded once");
    store.apply(status(
        "metrics",
        LoadingState::Loaded,
        t0() + Duration::seconds(30),
    ));
    store.apply(status(
        "metrics",
        LoadingState::Failed,
        t0() + Duration::seconds(90),
    ));
    assert!(!store.is_loading());
    assert_eq!(store.data_as_of(), Some(t0()));
    assert_eq!(
        store.sources()["metrics"].last_success,
        Some(t0() + Duration::seconds(30))
    );
}

#[test]
fn fleet_totals_and_projects_add_up() {
    let store = crate::support::demo_store();
    let stats = fleet_stats(&store, Window::H1, t0());
    let sum = |f: fn(&lambdatop::store::figures::FunctionStats) -> Option<f64>| {
        stats.functions.iter().filter_map(f).sum::<f64>()
    };
    assert_eq!(stats.totals.functions, store.functions().len());
    assert_eq!(stats.totals.invocations, Some(sum(|s| s.invocations)));
    assert_eq!(stats.totals.errors, Some(sum(|s| s.errors)));
    let project_sum: f64 = stats.projects.iter().filter_map(|p| p.invocations).sum();
    assert_eq!(Some(project_sum), stats.totals.invocations);
    let project_fns: usize = stats.projects.iter().map(|p| p.functions).sum();
    assert_eq!(project_fns, store.functions().len());
}

#[test]
fn the_regions_own_sums_keep_fleet_totals_fresh_while_rows_off_screen_lag() {
    // orders-api is on screen (every minute); batch-job is off screen: its sums were last
    // asked for ten minutes ago. The region's own figures cover every minute.
    let (mut store, _) = one_function();
    store.apply(SourceEvent::Inventory {
        region: "us-east-1".into(),
        functions: vec![
            facts("us-east-1", "orders-api", &[("project", "orders")]),
            facts("us-east-1", "batch-job", &[("project", "batch")]),
        ],
    });
    let now = Minute::of(t0());
    let batch = FunctionKey::new("us-east-1", "batch-job");
    let old: Vec<(Minute, Option<f64>)> = (11..=15).map(|k| (now.minus(k), Some(50.0))).collect();
    store.apply(metric(&batch, Metric::Invocations, &old, None));
    let sums = |v: f64| {
        (1..=15)
            .map(|k| (now.minus(k), Some(v)))
            .collect::<Vec<_>>()
    };
    let stats = fleet_stats(&store, Window::M15, t0());
    // Without the region's figures: what the rows know, 15 × 100 + 5 × 50.
    assert_eq!(stats.totals.invocations, Some(1750.0));
    for (m, v) in [
        (Metric::Invocations, 150.0),
        (Metric::Errors, 7.0),
        (Metric::Throttles, 1.0),
    ] {
        store.apply(SourceEvent::RegionSum {
            region: "us-east-1".into(),
            metric: m,
            points: sums(v),
            settled: None,
        });
    }
    let stats = fleet_stats(&store, Window::M15, t0());
    assert_eq!(stats.totals.invocations, Some(15.0 * 150.0));
    assert_eq!(stats.totals.errors, Some(15.0 * 7.0));
    assert_eq!(stats.totals.throttles, Some(15.0));
    let flow = Flow::of_fleet(&store, stats.range);
    assert_eq!(
        flow.started.last(),
        Some(&Some(150.0)),
        "the newest minute is whole"
    );
    assert_eq!(flow.completed.last(), Some(&Some(143.0)));
    // Rows keep their own figures; a minute the region has no figure for falls back to them.
    assert_eq!(
        stats
            .functions
            .iter()
            .filter_map(|s| s.invocations)
            .sum::<f64>(),
        1750.0
    );
    store.apply(SourceEvent::RegionSum {
        region: "us-east-1".into(),
        metric: Metric::Invocations,
        points: vec![(now.minus(1), None)],
        settled: None,
    });
    let stats = fleet_stats(&store, Window::M15, t0());
    assert_eq!(stats.totals.invocations, Some(14.0 * 150.0 + 100.0));
}

/// A 15-minute job's figures settle 17 minutes late: the minutes after its settled one are
/// counted (their counts can only grow) and every figure says from which minute it is
/// provisional, the function's, its project's and the fleet's (where the region's own figures
/// settle with its slowest function).
#[test]
fn provisional_minutes_are_counted_and_marked_on_every_figure() {
    let (mut store, key) = one_function();
    let now = Minute::of(t0());
    let range = Window::M15.range(t0());
    store.apply(metric(
        &key,
        Metric::Errors,
        &[(now.minus(10), Some(9.0))],
        Some(now.minus(18)),
    ));
    let f = store.function(&key).unwrap();
    let s = function_stats(f, range);
    assert_eq!(s.errors, Some(14.0 * 5.0 + 9.0), "counted, not left out");
    assert_eq!(s.provisional_from, Some(range.first), "the whole window");
    let stats = fleet_stats(&store, Window::M15, t0());
    assert_eq!(stats.totals.provisional_from, Some(range.first));
    assert_eq!(stats.projects[0].provisional_from, Some(range.first));
    assert_eq!(stats.flow.provisional_from, Some(range.first));

    // Settled again up to the minute before now: nothing provisional in the window.
    store.apply(metric(&key, Metric::Errors, &[], Some(now.minus(1))));
    let stats = fleet_stats(&store, Window::M15, t0());
    assert_eq!(stats.functions[0].provisional_from, None);
    assert_eq!(stats.totals.provisional_from, None);
    // The region's own figures include a slower function's: they settle later.
    store.apply(SourceEvent::RegionSum {
        region: "us-east-1".into(),
        metric: Metric::Errors,
        points: vec![],
        settled: Some(now.minus(4)),
    });
    let stats = fleet_stats(&store, Window::M15, t0());
    assert_eq!(stats.flow.provisional_from, Some(now.minus(3)));
    assert_eq!(stats.totals.provisional_from, Some(now.minus(3)));
    assert_eq!(stats.functions[0].provisional_from, None, "the row's own");
}

#[test]
fn a_late_correction_of_an_older_minute_keeps_the_provisional_mark() {
    let (mut store, key) = one_function();
    let now = Minute::of(t0());
    store.apply(metric(
        &key,
        Metric::Errors,
        &[(now.minus(5), Some(6.0))],
        None,
    ));
    let f = store.function(&key).unwrap();
    assert!(f.history.is_provisional(now));
    assert_eq!(f.history.get(Metric::Errors, now.minus(5)), Some(6.0));
}

#[test]
fn only_what_figures_come_from_makes_views_recompute() {
    use lambdatop::store::Changed;
    let (mut store, key) = one_function();
    let before = store.version();
    // What each says it changed is what the dashboard's loop does: draws again, recomputes.
    let said = [
        store.apply(SourceEvent::Status {
            source: "logs".into(),
            state: LoadingState::Loaded,
            at: t0(),
        }),
        store.apply(SourceEvent::Problem {
            source: "metrics".into(),
            scope: "x".into(),
            kind: ProblemKind::Network,
            message: "down".into(),
            at: t0(),
        }),
        store.apply(SourceEvent::Resolved {
            source: "metrics".into(),
            scope: "x".into(),
        }),
        store.apply(SourceEvent::LogsReset),
    ];
    assert_eq!(
        said,
        [
            Changed::Status,
            Changed::Status,
            Changed::Status,
            Changed::Logs
        ]
    );
    assert_eq!(
        store.version(),
        before,
        "status, problems and logs leave the figures alone"
    );
    let said = store.apply(metric(
        &key,
        Metric::Errors,
        &[(Minute::of(t0()).minus(1), Some(1.0))],
        None,
    ));
    assert_eq!(said, Changed::Figures);
    assert!(store.version() > before);
    // A batch changed the most of what its events changed.
    assert_eq!(
        Changed::Status.max(Changed::Figures).max(Changed::Nothing),
        Changed::Figures
    );
}

/// The header's age is the oldest of the sources' polls and the regions' whole reads: a
/// region whose last polls failed in part is named, its age counting, while the other region
/// and the poller itself are fresh.
#[test]
fn the_header_names_the_region_whose_figures_are_behind() {
    let (mut store, _) = one_function();
    let now = t0();
    store.apply(SourceEvent::Status {
        source: "aws us-east-1".into(),
        state: LoadingState::Loaded,
        at: now,
    });
    for (region, at) in [
        ("us-east-1", now - Duration::minutes(6)),
        ("eu-west-1", now),
    ] {
        store.apply(SourceEvent::FiguresRead {
            region: region.into(),
            functions: vec!["orders-api".into()],
            whole: true,
            at,
        });
    }
    assert_eq!(store.data_as_of(), Some(now - Duration::minutes(6)));
    let mut app = crate::support::app_with(store, Window::M15);
    app.set_now(now);
    let s = crate::support::screen(&crate::support::render(&mut app, 160, 48));
    let header = s.lines().next().unwrap();
    assert!(header.contains("data 6m old in us-east-1"), "{header}");
    let row = crate::support::line_with(&s, "orders-api").unwrap();
    assert!(row.contains("orders-api (6m old)"), "{row}");
}

/// With alias-based deploys traffic runs on a published version whose memory, architecture
/// and timeout can differ from `$LATEST`'s, while the metrics (the `FunctionName` dimension)
/// cover every version: the estimate and p99/timeout follow the version the aliases route to.
#[test]
fn the_aliased_version_is_what_is_billed_and_what_times_out() {
    let (mut store, key) = one_function();
    let range = Window::M15.range(t0());
    let latest = function_stats(store.function(&key).unwrap(), range);
    store.apply(SourceEvent::Serving {
        key: key.clone(),
        serving: Some(Box::new(lambdatop::store::Serving {
            alias: "live".into(),
            version: "7".into(),
            memory_mb: Some(256),
            architecture: Architecture::Arm64,
            timeout_s: Some(3),
        })),
    });
    let f = store.function(&key).unwrap();
    let served = function_stats(f, range);
    // 15 minutes of 100 invocations of 200 ms: on 256 MB arm64 now, not 1024 MB x86_64.
    let n = 1500.0;
    let expected = n * 0.2e-6 + n * 0.2 * 0.25 * 0.000_013_333_4;
    assert!(
        (served.est_cost_usd.unwrap() - expected).abs() < 1e-12,
        "{:?} vs {expected}",
        served.est_cost_usd
    );
    assert!(served.est_cost_usd < latest.est_cost_usd);
    // A peak p99 of 900 ms is 30 % of the version's 3 s timeout (9 % of $LATEST's 10 s).
    assert!((served.p99_peak_of_timeout.unwrap() - 0.3).abs() < 1e-9);
    assert!((latest.p99_peak_of_timeout.unwrap() - 0.09).abs() < 1e-9);
}

/// Among several accounts, what a source of one account reports is that account's: the same
/// name and region in two accounts are two functions with their own figures, an inventory
/// of one account leaves the other's functions alone, each account's tail starts over on its
/// own lines only, and the API bill is the sum of each account's running count.
#[test]
fn the_same_function_in_two_accounts_is_two_functions() {
    use lambdatop::source::LogEvent;
    use lambdatop::store::AccountId;
    use lambdatop::store::usage::{ApiUsage, OperationUsage};
    let (a, b) = (
        AccountId::parse("111111111111").unwrap(),
        AccountId::parse("222222222222").unwrap(),
    );
    let mut store = empty_store();
    let inventory = |names: &[&str]| SourceEvent::Inventory {
        region: "eu-west-1".into(),
        functions: names.iter().map(|n| facts("eu-west-1", n, &[])).collect(),
    };
    store.apply(inventory(&["checkout", "a-only"]).in_account(a));
    store.apply(inventory(&["checkout"]).in_account(b));
    let m = Minute::of(t0()).minus(5);
    for (account, n) in [(a, 10.0), (b, 20.0)] {
        store.apply(
            SourceEvent::Metrics(MetricUpdate {
                key: FunctionKey::new("eu-west-1", "checkout"),
                metric: Metric::Invocations,
                points: vec![(m, Some(n))],
                settled: None,
            })
            .in_account(account),
        );
    }
    let of = |store: &Store, account| {
        let key = FunctionKey::new("eu-west-1", "checkout").in_account(account);
        store
            .function(&key)
            .map(|f| f.history.get(Metric::Invocations, m))
    };
    assert_eq!(
        (of(&store, a), of(&store, b)),
        (Some(Some(10.0)), Some(Some(20.0)))
    );
    assert_eq!(store.functions().len(), 3);

    // b's inventory without checkout: b's goes, a's stays.
    store.apply(inventory(&[]).in_account(b));
    assert_eq!(store.functions().len(), 2);
    assert_eq!(of(&store, b), None);
    assert_eq!(of(&store, a), Some(Some(10.0)));

    let line = |account, id: &str| LogEvent {
        function: FunctionKey::new("eu-west-1", "checkout").in_account(account),
        at_ms: t0().timestamp_millis(),
        stream: "s".into(),
        event_id: id.into(),
        message: "hello".into(),
    };
    store.apply(SourceEvent::Logs(vec![line(a, "1")]).in_account(a));
    store.apply(SourceEvent::Logs(vec![line(b, "2")]).in_account(b));
    assert_eq!(store.logs().len(), 2);
    store.apply(SourceEvent::LogsReset.in_account(b));
    assert_eq!(store.logs().len(), 1, "a's line stays");

    let usage = |requests| {
        let mut u = ApiUsage::default();
        u.operations.insert(
            ("Lambda".into(), "ListFunctions".into()),
            OperationUsage {
                requests,
                metrics: 0,
            },
        );
        SourceEvent::ApiUsage(u)
    };
    store.apply(usage(3).in_account(a));
    store.apply(usage(4).in_account(b));
    store.apply(usage(5).in_account(a));
    assert_eq!(store.api_usage().unwrap().requests(), 9);
    assert_eq!(store.api_usage_of(b).unwrap().requests(), 4);
}
