//! The demo fleet: deterministic for a seed and a start time, the size and shape the issue asks
//! for, a full history on the first poll, incremental polls after, and its scripted incidents
//! visible in the figures an on-call engineer would look at.

use chrono::Duration;
use lambdatop::source::SourceEvent;
use lambdatop::source::demo::DEFAULT_SEED;
use lambdatop::store::figures::{fleet_stats, function_stats};
use lambdatop::store::{FunctionKey, Metric, Minute, Window};

use crate::support::{demo_source, demo_store, t0};

#[test]
fn the_same_seed_and_start_give_the_same_fleet() {
    let a = demo_source(42, t0()).events_at(t0());
    let b = demo_source(42, t0()).events_at(t0());
    assert_eq!(a, b);
    let c = demo_source(43, t0()).events_at(t0());
    assert_ne!(a, c, "another seed, other noise");
}

#[test]
fn about_sixty_functions_in_six_projects_across_two_regions() {
    let store = demo_store();
    let n = store.functions().len();
    assert!((55..=65).contains(&n), "{n} functions");
    assert_eq!(store.projects().len(), 6);
    assert_eq!(
        store.regions().into_iter().collect::<Vec<_>>(),
        ["eu-west-1", "us-east-1"]
    );
}

#[test]
fn the_first_poll_fills_three_hours_and_marks_the_newest_minutes_provisional() {
    let store = demo_store();
    let now = Minute::of(t0());
    let f = store
        .function(&FunctionKey::new("us-east-1", "identity-authorizer"))
        .unwrap();
    // As on AWS: a function that runs under a minute settles three minutes late.
    assert!(f.history.is_provisional(now));
    assert!(f.history.is_provisional(now.minus(2)));
    assert!(!f.history.is_provisional(now.minus(3)));
    for m in [now.minus(180), now.minus(90), now.minus(1)] {
        assert!(
            f.history.get(Metric::Invocations, m).is_some(),
            "minute {m:?}"
        );
    }
    // Half-way through the minute, the partial count is about half a full one.
    let partial = f.history.get(Metric::Invocations, now).unwrap();
    let full = f.history.get(Metric::Invocations, now.minus(2)).unwrap();
    assert!(
        partial < full * 0.7 && partial > full * 0.3,
        "{partial} of {full}"
    );
}

/// The demo's 15-minute job reports as Lambda does: each run's figures land when it ends, so
/// its newest minutes are unknown (never zero), and they stay provisional for 17 minutes.
#[test]
fn a_long_job_lands_late_and_settles_after_its_timeout() {
    let store = demo_store();
    let now = Minute::of(t0());
    let f = store
        .function(&FunctionKey::new("us-east-1", "payments-ledger-reconcile"))
        .unwrap();
    assert_eq!(f.history.settled, Some(now.minus(17)));
    for k in 0..14 {
        assert_eq!(
            f.history.get(Metric::Invocations, now.minus(k)),
            None,
            "{k} minutes ago: not landed"
        );
    }
    assert!(f.history.get(Metric::Invocations, now.minus(14)).is_some());
    let later = t0() + Duration::minutes(5);
    let mut demo = demo_source(DEFAULT_SEED, t0());
    demo.events_at(t0());
    let mut store = demo_store();
    store.apply_all(demo.events_at(later));
    let f = store
        .function(&FunctionKey::new("us-east-1", "payments-ledger-reconcile"))
        .unwrap();
    assert!(
        f.history.get(Metric::Invocations, now.minus(13)).is_some(),
        "landed since"
    );
    assert_eq!(f.history.settled, Some(now.plus(5).minus(17)));
}

#[test]
fn later_polls_send_only_new_minutes_and_agree_with_the_history() {
    let mut demo = demo_source(DEFAULT_SEED, t0());
    demo.events_at(t0());
    let later = t0() + Duration::seconds(120);
    let events = demo.events_at(later);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, SourceEvent::Inventory { .. }))
    );
    let first_update = events
        .iter()
        .find_map(|e| match e {
            SourceEvent::Metrics(u) => Some(u),
            _ => None,
        })
        .unwrap();
    let minutes: Vec<Minute> = first_update.points.iter().map(|(m, _)| *m).collect();
    let now = Minute::of(t0());
    // The minutes that were provisional (read again, as CloudWatch is), the ones completed
    // since, and the new partial one.
    assert_eq!(
        minutes,
        [now.minus(2), now.minus(1), now, now.plus(1), now.plus(2)]
    );
    assert_eq!(first_update.settled, Some(now.minus(1)));

    // A fresh demo that starts at the same moment sees the same complete minutes.
    let mut fresh = demo_source(DEFAULT_SEED, t0());
    let history = fresh.events_at(later);
    let same_key_and_metric = history.iter().find_map(|e| match e {
        SourceEvent::Metrics(u) if u.key == first_update.key && u.metric == first_update.metric => {
            Some(u)
        }
        _ => None,
    });
    let value_at = |m: Minute| {
        same_key_and_metric
            .unwrap()
            .points
            .iter()
            .find(|(x, _)| *x == m)
            .unwrap()
            .1
    };
    assert_eq!(value_at(now.plus(1)), first_update.points[3].1);
}

fn stats_of(name: &str, region: &str, window: Window) -> lambdatop::store::figures::FunctionStats {
    let store = demo_store();
    let f = store.function(&FunctionKey::new(region, name)).unwrap();
    function_stats(f, window.range(t0()))
}

#[test]
fn a_bad_deploy_shows_as_an_error_spike_right_now() {
    let s = stats_of("checkout-api", "eu-west-1", Window::M15);
    assert!(s.error_rate.unwrap() > 0.05, "{:?}", s.error_rate);
    let healthy = stats_of("checkout-api", "us-east-1", Window::M15);
    assert!(
        healthy.error_rate.unwrap() < 0.01,
        "the other region is fine"
    );
    let store = demo_store();
    let deployed = store
        .function(&FunctionKey::new("eu-west-1", "checkout-api"))
        .unwrap()
        .facts
        .last_modified
        .unwrap();
    assert!((t0() - deployed).num_minutes() < 10, "deployed minutes ago");
}

#[test]
fn an_earlier_deploy_spike_is_in_the_last_hour_but_over() {
    let hour = stats_of("payments-charge", "us-east-1", Window::H1);
    assert!(hour.error_rate.unwrap() > 0.05);
    let now = stats_of("payments-charge", "us-east-1", Window::M15);
    assert!(now.error_rate.unwrap() < 0.01, "rolled back");
}

#[test]
fn a_throttling_episode_pins_concurrency_at_the_reserved_limit() {
    let s = stats_of("media-transcode", "us-east-1", Window::M15);
    assert!(s.throttles.unwrap() > 100.0, "{:?}", s.throttles);
    assert_eq!(s.concurrency_max, Some(40.0));
}

#[test]
fn one_function_creeps_toward_its_timeout() {
    let now = stats_of("search-indexer", "us-east-1", Window::M15);
    assert!(
        now.p99_peak_of_timeout.unwrap() >= 0.8,
        "{:?}",
        now.p99_peak_of_timeout
    );
    let store = demo_store();
    let f = store
        .function(&FunctionKey::new("us-east-1", "search-indexer"))
        .unwrap();
    let early = function_stats(
        f,
        lambdatop::store::MinuteRange::ending_at(Minute::of(t0()).minus(150), 15),
    );
    assert!(early.duration_avg_ms.unwrap() < now.duration_avg_ms.unwrap() * 0.8);
}

#[test]
fn cold_starts_put_init_time_in_the_java_tail() {
    // Java cold starts cost seconds: over three hours the worst minute's p99 shows one.
    let s = stats_of("notifications-email-render", "us-east-1", Window::H3);
    assert!(
        s.duration_p99_peak_ms.unwrap() > 2000.0,
        "{:?}",
        s.duration_p99_peak_ms
    );
    assert!(s.duration_avg_ms.unwrap() < 400.0);
}

#[test]
fn traffic_follows_the_time_of_day() {
    // us-east-1 at 03:07 UTC is 22:07 local, eu-west-1 is in the small hours: over three hours,
    // the curve bends and a scheduled job comes and goes.
    let store = demo_store();
    let stats = fleet_stats(&store, Window::H3, t0());
    assert!(stats.totals.invocations.unwrap() > 100_000.0);
    let cron = store
        .function(&FunctionKey::new("us-east-1", "checkout-abandoned-cart"))
        .unwrap();
    let minutes: Vec<f64> = cron
        .history
        .series(Metric::Invocations)
        .values(Window::H1.range(t0()))
        .flatten()
        .collect();
    let busy = minutes.iter().filter(|&&v| v > 100.0).count();
    let idle = minutes.iter().filter(|&&v| v == 0.0).count();
    assert_eq!(busy, 4, "every 15 minutes");
    assert!(idle > 40, "and idle between ({idle})");
}
