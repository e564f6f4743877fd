//! CloudWatch's timing, through the realistic peer in front of moto: datapoints land when the
//! invocation they are stamped with ends, and "settled" is a matter of AWS's clock, not the
//! bastion's. Both follow the Lambda Developer Guide, *Viewing metrics* ("if your function has
//! a 10-minute timeout, look more than 10 minutes in the past for accurate metrics"), and the
//! HTTP `Date` header every AWS answer carries (RFC 9110, 6.6.1).

use std::time::Duration;

use chrono::Utc;
use lambdatop::store::{FunctionKey, Metric, Minute};

use crate::fault_proxy::FaultProxy;
use crate::moto::{self, STEADY_MINUTES, Spec, create_function, put_metric};
use crate::pty::Pty;
use crate::support::{account_at, empty_store, line_with};

/// The region's own source (inventory and metrics) of an account reached through `endpoint`,
/// polled by the test itself.
fn region_source(endpoint: &str, region: &str) -> Box<dyn lambdatop::source::Source> {
    let account = account_at(endpoint, region);
    let mut sources = account.sources(Duration::from_secs(60), Duration::from_secs(300), 180);
    sources.swap_remove(0)
}

/// A bastion six minutes fast must not take minutes CloudWatch has not filled for settled
/// ones: they stay unknown (not zero), are read again, and show their figures once AWS has
/// them. On the local clock alone, they were written as zeros and never read again.
#[tokio::test(flavor = "multi_thread")]
async fn minutes_settle_by_aws_clock_not_the_bastions() {
    // Shared with `aws::several_regions_are_read_at_once`, which only looks for its own function.
    let region = "eu-west-3";
    create_function(region, &Spec::new("skewed-orders")).await;
    put_metric(region, "skewed-orders", "Invocations", 10.0, STEADY_MINUTES).await;
    let proxy = FaultProxy::start(&moto::url());
    // AWS's clock is six minutes behind the bastion's: the last minutes are its future.
    proxy.set_clock_offset(-360);
    let mut source = region_source(&proxy.url, region);
    let mut store = empty_store();
    let local = Utc::now();
    store.apply_all(source.poll(local).await);
    let key = FunctionKey::new(region, "skewed-orders");
    let five_ago = Minute::of(local).minus(5);
    let at = |store: &lambdatop::store::Store, m: Minute| {
        store
            .function(&key)
            .unwrap()
            .history
            .get(Metric::Invocations, m)
    };
    assert_eq!(at(&store, five_ago), None, "not filled in AWS yet: unknown");
    // Provisional from the minute after AWS's settled one, not the bastion's.
    let aws_now = local - chrono::Duration::minutes(6);
    let settled = store.function(&key).unwrap().history.settled;
    assert!(
        settled.is_some_and(|s| s.0.abs_diff(Minute::of(aws_now).minus(3).0) <= 1),
        "{settled:?}"
    );
    assert_eq!(at(&store, Minute::of(local).minus(10)), Some(10.0));

    // Six minutes on, AWS has the minutes: the next poll reads them.
    proxy.set_clock_offset(0);
    store.apply_all(source.poll(local + chrono::Duration::minutes(6)).await);
    assert_eq!(at(&store, five_ago), Some(10.0), "read again once there");
}

/// The case: a 15-minute job that times out. Its error is stamped with the minute
/// the run started and lands when it ends. A dashboard left running shows it — in the row,
/// the header and the task flow — within one poll of it becoming visible. Settling every
/// function three minutes late wrote that minute as zero errors and never read it again.
#[tokio::test(flavor = "multi_thread")]
async fn a_late_timeout_of_a_long_job_shows_within_one_poll() {
    // Shared with `aws::several_regions_are_read_at_once`, whose function has no figures.
    let region = "us-west-1";
    create_function(
        region,
        &Spec {
            timeout_s: 900,
            ..Spec::new("nightly-export")
        },
    )
    .await;
    create_function(region, &Spec::new("export-api")).await;
    put_metric(region, "export-api", "Invocations", 20.0, STEADY_MINUTES).await;
    // The run started ten minutes ago and times out: one invocation, one error, stamped then.
    let started = 10;
    put_metric(region, "nightly-export", "Invocations", 1.0, [started]).await;
    put_metric(region, "nightly-export", "Errors", 1.0, [started]).await;
    let proxy = FaultProxy::start(&moto::url());
    let now = Utc::now().timestamp();
    let minute = now - now.rem_euclid(60) - started * 60;
    // It lands after the dashboard's first polls have read that minute.
    let lands = now + 12;
    proxy.land_late("nightly-export", minute, lands);

    let mut env = moto::env(&proxy.url);
    env.push(("TERM".into(), "xterm-256color".into()));
    let mut tui = Pty::spawn(
        &["--region", region, "--window", "15m", "--interval", "5"],
        &env,
        160,
        48,
    );
    let screen = tui
        .wait_for(Duration::from_secs(40), |s| {
            line_with(s, "nightly-export").is_some() && line_with(s, "export-api").is_some()
        })
        .unwrap_or_else(|s| panic!("fleet never appeared:\n{s}"));
    assert!(
        screen
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains("0 errors")),
        "nothing landed yet:\n{screen}"
    );
    while Utc::now().timestamp() < lands {
        std::thread::sleep(Duration::from_millis(200));
    }
    // Within one poll (five seconds) and a little for the screen.
    let screen = tui
        .wait_for(Duration::from_secs(10), |s| {
            s.lines().nth(1).is_some_and(|l| l.contains("1 errors"))
        })
        .unwrap_or_else(|s| panic!("the late error never showed in the header:\n{s}"));
    let row = line_with(&screen, "nightly-export").unwrap();
    assert!(row.contains("100%"), "its row: one run, one error: {row}");
    // The task flow, on the minute the run started: pick it with `<` and read its figures.
    let stamp = chrono::DateTime::from_timestamp(minute, 0)
        .unwrap()
        .format("%H:%M UTC")
        .to_string();
    let mut picked = String::new();
    for _ in 0..16 {
        tui.send("<");
        let before = picked.clone();
        picked = tui
            .wait_for(Duration::from_secs(3), |s| {
                s.contains("▸ ") && line_with(s, "▸ ") != line_with(&before, "▸ ")
            })
            .unwrap_or_else(|s| s);
        if picked.contains(&format!("▸ {stamp}")) {
            break;
        }
    }
    let cursor = line_with(&picked, &format!("▸ {stamp}")).unwrap_or_else(|| {
        panic!(
            "never picked {stamp}:\n{}",
            picked.lines().rev().take(20).collect::<Vec<_>>().join("\n")
        )
    });
    assert!(cursor.contains("errors 1"), "{cursor}");
    tui.send("q");
}

/// A poll in which a query failed is no fresh read: the region's age and the failed
/// function's keep counting, while the functions read are fresh. Before, any poll that
/// brought some data said `data <1m old`.
#[tokio::test(flavor = "multi_thread")]
async fn a_poll_that_failed_in_part_leaves_the_data_age_growing() {
    // Shared: it looks at the ages of the functions of this region, whoever made them.
    let region = "eu-west-3";
    for name in ["fresh-orders", "fresh-payments"] {
        create_function(region, &Spec::new(name)).await;
        put_metric(region, name, "Invocations", 5.0, STEADY_MINUTES).await;
    }
    let proxy = FaultProxy::start(&moto::url());
    // The first function's invocations fail inside a good answer.
    proxy.fail_query("q0_0", "InternalError");
    let mut source = region_source(&proxy.url, region);
    let mut store = empty_store();
    let t1 = Utc::now();
    store.apply_all(source.poll(t1).await);
    let place = lambdatop::store::Place::new(Default::default(), region);
    assert_eq!(store.region_ages(), vec![(&place, None)], "not read whole");
    let unread: Vec<&str> = store
        .functions()
        .iter()
        .filter(|f| f.history.read_at.is_none())
        .map(|f| f.facts.name.as_str())
        .collect();
    assert_eq!(unread.len(), 1, "only the failed one: {unread:?}");
    assert!(
        store
            .functions()
            .iter()
            .filter(|f| f.history.read_at == Some(t1))
            .count()
            >= 1
    );

    proxy.clear();
    let t2 = t1 + chrono::Duration::minutes(1);
    store.apply_all(source.poll(t2).await);
    assert_eq!(store.region_ages(), vec![(&place, Some(t2))]);
    assert!(
        store
            .functions()
            .iter()
            .all(|f| f.history.read_at == Some(t2))
    );
}

/// A query that fails inside a good answer (CloudWatch API Reference, *MetricDataResult*:
/// `StatusCode` `InternalError`) leaves its metric's minutes unknown, and they are read again:
/// the function's other statistics arriving must not move it on past them. Until they are
/// read, the function's figures over them are provisional, never settled with a hole. Before,
/// the sums' group moved on as soon as `Invocations` came, and the failed `Errors` of those
/// minutes stayed unknown for good: the error rate too low, the problem line cleared.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_querys_minutes_are_read_again_and_provisional_meanwhile() {
    // Shared only with the next test (a dead-endpoint test only names the region).
    let region = "eu-central-1";
    let name = "reread-orders";
    create_function(region, &Spec::new(name)).await;
    put_metric(region, name, "Invocations", 20.0, STEADY_MINUTES).await;
    put_metric(region, name, "Errors", 3.0, STEADY_MINUTES).await;
    let proxy = FaultProxy::start(&moto::url());
    // q0_1, q1_1: the second statistic, which in the sums' request is Errors, of the region's
    // first two functions (the other one is the next test's).
    proxy.fail_query("q0_1", "InternalError");
    proxy.fail_query("q1_1", "InternalError");
    let mut source = region_source(&proxy.url, region);
    let mut store = empty_store();
    let t1 = Utc::now();
    store.apply_all(source.poll(t1).await);
    let key = FunctionKey::new(region, name);
    let f = store.function(&key).expect("inventoried");
    // A settled minute of the load: its invocations read, its errors unknown, and the
    // function's minutes not settled past it.
    let old = Minute::of(t1).minus(10);
    assert_eq!(f.history.get(Metric::Invocations, old), Some(20.0));
    assert_eq!(f.history.get(Metric::Errors, old), None);
    assert!(
        f.history.settled.is_none_or(|s| s < old),
        "settled at {:?} over an unread minute {old:?}",
        f.history.settled
    );

    // CloudWatch answers whole again: the next poll reads those minutes.
    proxy.clear();
    let t2 = t1 + chrono::Duration::minutes(1);
    store.apply_all(source.poll(t2).await);
    let f = store.function(&key).unwrap();
    assert_eq!(f.history.get(Metric::Errors, old), Some(3.0));
    assert!(f.history.settled.is_some_and(|s| s >= old));
}

/// The same for the asynchronous figures: a query that fails inside a good answer (here
/// `Forbidden`, CloudWatch API Reference, *MetricDataResult*) is a problem on a line of its own,
/// leaves the function's figure unknown, and is read again next poll. Before, it was dropped
/// without a word and the function marked read: its lost events over those minutes never
/// counted, and nothing breached.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_async_query_is_a_problem_and_is_read_again() {
    // Shared only with the test above, whose function has no asynchronous events.
    let region = "eu-central-1";
    let name = "tail-async-lossy";
    create_function(region, &Spec::new(name)).await;
    for (metric, value) in [
        ("Invocations", 5.0),
        ("AsyncEventsReceived", 5.0),
        ("AsyncEventsDropped", 1.0),
    ] {
        put_metric(region, name, metric, value, STEADY_MINUTES).await;
    }
    let proxy = FaultProxy::start(&moto::url());
    // g0_2: the first asynchronous function's third figure, AsyncEventsDropped.
    proxy.fail_query("g0_2", "Forbidden");
    let mut source = region_source(&proxy.url, region);
    let mut store = empty_store();
    let t1 = Utc::now();
    store.apply_all(source.poll(t1).await);
    let key = FunctionKey::new(region, name);
    let old = Minute::of(t1).minus(10);
    let dropped = |store: &lambdatop::store::Store| {
        store
            .function(&key)
            .and_then(|f| f.history.get(Metric::AsyncDropped, old))
    };
    assert_eq!(dropped(&store), None, "unknown, not zero");
    let async_problem = |store: &lambdatop::store::Store| {
        store
            .problems()
            .iter()
            .any(|p| p.scope == format!("{region} async") && p.message.contains("Forbidden"))
    };
    assert!(async_problem(&store), "{:?}", store.problems());

    proxy.clear();
    let t2 = t1 + chrono::Duration::minutes(1);
    store.apply_all(source.poll(t2).await);
    assert_eq!(dropped(&store), Some(1.0));
    assert!(!async_problem(&store), "{:?}", store.problems());
}

/// The functions whose REPORT lines the peer saw read, in order.
fn report_reads(proxy: &FaultProxy) -> Vec<String> {
    proxy
        .bodies("FilterLogEvents")
        .iter()
        .filter(|b| b.contains("REPORT RequestId"))
        .filter_map(|b| {
            let v: serde_json::Value = serde_json::from_str(b).ok()?;
            let group = v["logGroupName"].as_str()?;
            Some(group.trim_start_matches("/aws/lambda/").to_string())
        })
        .collect()
}

/// REPORT reads are bounded: a read folds at most `LINES_PER_READ` lines and stops at the last
/// minute it read whole; the minutes after it stay unknown (never a count made from part of
/// their lines) until the function's next turn reads on from there.
#[tokio::test(flavor = "multi_thread")]
async fn a_busy_functions_report_read_stops_at_a_whole_minute_and_reads_on() {
    use lambdatop::source::aws::report_reads::LINES_PER_READ;
    // Shared: it looks only at its own function.
    let region = "eu-west-3";
    create_function(region, &Spec::new("report-heavy")).await;
    let now = Utc::now();
    let this_minute = now.timestamp_millis() - now.timestamp_millis().rem_euclid(60_000);
    let per_minute: usize = 3_125;
    let minutes: Vec<i64> = (5..=12).collect();
    let lines: Vec<(i64, String)> = minutes
        .iter()
        .flat_map(|k| {
            (0..per_minute).map(move |i| {
                (
                    this_minute - k * 60_000 + i as i64 * 10,
                    format!(
                        "REPORT RequestId: r{k}-{i}\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 100.00 ms\t"
                    ),
                )
            })
        })
        .collect();
    assert!(lines.len() > LINES_PER_READ);
    for chunk in lines.chunks(5_000) {
        crate::moto::put_logs(region, "report-heavy", "2026/12/01/[$LATEST]heavy", chunk).await;
    }
    let account = account_at(&moto::url(), region);
    let mut sources = account.sources(Duration::from_secs(60), Duration::from_secs(300), 180);
    let mut store = empty_store();
    store.apply_all(sources[0].poll(now).await);
    let key = FunctionKey::new(region, "report-heavy");
    let cold = |store: &lambdatop::store::Store, k: i64| {
        store
            .function(&key)
            .unwrap()
            .history
            .get(Metric::ColdStarts, Minute::of(now).minus(k))
    };
    // The round-robin reaches it within a few polls (other functions share the region).
    let mut polls = 0;
    while cold(&store, 12).is_none() && polls < 10 {
        store.apply_all(sources[1].poll(now).await);
        polls += 1;
    }
    assert_eq!(
        cold(&store, 12),
        Some(per_minute as f64),
        "whole minutes counted"
    );
    assert_eq!(cold(&store, 5), None, "past the cut: unknown, not a part");
    let read: usize = minutes
        .iter()
        .filter(|k| cold(&store, **k).is_some())
        .count();
    assert!(
        read < minutes.len() && read * per_minute <= LINES_PER_READ,
        "{read} minutes"
    );

    // Its next turn reads on from the cut.
    for _ in 0..10 {
        if cold(&store, 5).is_some() {
            break;
        }
        store.apply_all(sources[1].poll(now).await);
    }
    for k in &minutes {
        assert_eq!(cold(&store, *k), Some(per_minute as f64), "{k} minutes ago");
    }
}

/// The REPORT reads of a region favour the rows on screen: half of a poll's ten reads go to
/// them, the rest round the region. FilterLogEvents takes 5 requests a second per account and
/// region (AWS Knowledge Center, *How do I determine throttling in my CloudWatch logs?*), so a
/// big fleet's functions are read hours apart; before, a row someone looked at waited its
/// turn like any other (here, the last of 25 waited three polls).
#[tokio::test(flavor = "multi_thread")]
async fn the_rows_on_screen_have_their_report_lines_read_first() {
    use crate::accounts::{create_in, credentials_of};
    // An account of its own: its 25 functions are in no other test's region.
    const ACCOUNT: &str = "626262626262";
    let region = "eu-west-1";
    let _ = credentials_of(ACCOUNT);
    for i in 0..25 {
        create_in(ACCOUNT, region, &format!("rr-{i:02}"), &[]).await;
    }
    let proxy = FaultProxy::start(&moto::url());
    let account = crate::support::account_with(&proxy.url, region, credentials_of(ACCOUNT));
    let mut sources = account.sources(Duration::from_secs(60), Duration::from_secs(300), 180);
    let now = Utc::now();
    let mut store = empty_store();
    store.apply_all(sources[0].poll(now).await);
    assert_eq!(store.functions().len(), 25);
    let shown = ["rr-24", "rr-17"].map(|n| FunctionKey::new(region, n));
    sources[1].watch(&shown);
    store.apply_all(sources[1].poll(now).await);
    let read = report_reads(&proxy);
    assert_eq!(read.len(), 10, "{read:?}");
    for name in ["rr-24", "rr-17", "rr-00"] {
        assert!(read.iter().any(|r| r == name), "{name} not read: {read:?}");
    }
}

/// After the rows on screen, the REPORT reads take the functions in breach: one the metrics
/// saw failing (CloudWatch `Errors` in its newest minutes) is read in the first REPORT poll
/// after that metrics poll, three of whose ten reads go to such functions, instead of waiting
/// its round-robin turn (here, the 22nd of 25: the third poll).
#[tokio::test(flavor = "multi_thread")]
async fn functions_in_breach_have_their_report_lines_read_next() {
    use crate::accounts::{create_in, credentials_of, put_in};
    // An account of its own: its 25 functions are in no other test's region.
    const ACCOUNT: &str = "646464646464";
    let region = "eu-west-1";
    let _ = credentials_of(ACCOUNT);
    for i in 0..25 {
        create_in(ACCOUNT, region, &format!("rb-{i:02}"), &[]).await;
    }
    put_in(ACCOUNT, region, "rb-21", "Invocations", 10.0).await;
    put_in(ACCOUNT, region, "rb-21", "Errors", 4.0).await;
    let proxy = FaultProxy::start(&moto::url());
    let account = crate::support::account_with(&proxy.url, region, credentials_of(ACCOUNT));
    let mut sources = account.sources(Duration::from_secs(60), Duration::from_secs(300), 180);
    let now = Utc::now();
    let mut store = empty_store();
    store.apply_all(sources[0].poll(now).await);
    assert_eq!(store.functions().len(), 25);
    store.apply_all(sources[1].poll(now).await);
    let read = report_reads(&proxy);
    assert_eq!(read.len(), 10, "{read:?}");
    for name in ["rb-21", "rb-00"] {
        assert!(read.iter().any(|r| r == name), "{name} not read: {read:?}");
    }
}

/// A figure counted from REPORT lines says how many of the window's minutes it counts. A
/// function's first REPORT read goes 15 minutes back, and `snapshot` reads once: over the
/// last hour, the cold starts of the minutes before that read are not counted. The JSON says
/// of how many minutes with invocations the figure is (`reports_read`), instead of a count
/// that looks whole (before, `cold_starts: 1` of three and nothing said).
#[tokio::test]
async fn report_figures_over_minutes_not_read_say_of_how_many() {
    use crate::accounts::{create_in, credentials_of, put_in_at, put_logs_of};
    // An account of its own: its one function is the one read.
    const ACCOUNT: &str = "656565656565";
    let region = "us-west-2";
    let name = "report-floor";
    let _ = credentials_of(ACCOUNT);
    create_in(ACCOUNT, region, name, &[]).await;
    put_in_at(ACCOUNT, region, name, "Invocations", 2.0, 2..=50).await;
    let now = Utc::now().timestamp_millis();
    let this_minute = now - now.rem_euclid(60_000);
    // One cold start 6 minutes ago (inside the first read), two before it (outside).
    let cold = |k: i64| {
        (
            this_minute - k * 60_000 + 5_000,
            format!(
                "REPORT RequestId: c{k}\tDuration: 5.00 ms\tBilled Duration: 6 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 100.00 ms\t"
            ),
        )
    };
    put_logs_of(ACCOUNT, region, name, &[cold(6), cold(30), cold(45)]).await;
    let args = ["--window", "1h", "--region", region];
    let v = crate::accounts::snapshot_as(&moto::url(), ACCOUNT, &args);
    let f = moto::row(&v, name);
    assert_eq!(f["cold_starts"], 1, "{f}");
    let (read, of) = (
        f["reports_read"]["read"].as_u64().unwrap(),
        f["reports_read"]["of"].as_u64().unwrap(),
    );
    assert!(
        (8..=16).contains(&read) && (40..=49).contains(&of),
        "{read} of {of} minutes read: {f}"
    );
}
