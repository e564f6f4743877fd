//! Looking back: windows longer than the three hours kept minute by minute, and windows that
//! end in the past, against moto seeded with a day of one-minute data for a function that
//! failed for two hours in the night.
//!
//! CloudWatch keeps one-minute datapoints for 15 days (CloudWatch API Reference,
//! *GetMetricData*: "Amazon CloudWatch retains metric data as follows"), and GetMetricData
//! returns one datapoint per period of the query, stamped with the period's start (*MetricStat*:
//! "Period"), paging past 100,800 datapoints (`MaxDatapoints`): a day is read by five minutes,
//! and its sums are the sums of the minutes. moto answers periods the same way, so the figures must come out exact.

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use lambdatop::store::{Minute, MinuteRange};
use lambdatop::ui::format;

use crate::moto::{self, Spec, create_function, put_logs, put_metric, row};
use crate::pty::Pty;

/// Shared with a test whose every call is refused: nothing of this one's is read there.
const REGION: &str = "ap-southeast-7";
const NAME: &str = "night-payments";
/// Minutes ago with data: a day's worth, none in the last half hour (so that no window reads
/// a bucket still filling) and none past 24 hours, so a day's window holds all of it.
const DAY: std::ops::RangeInclusive<i64> = 30..=1_400;
/// The night: two hours of failures, ten to twelve hours ago.
const NIGHT: std::ops::RangeInclusive<i64> = 600..=719;

/// The function and its day, seeded once for the tests of this file.
async fn seeded() {
    static SEEDED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    SEEDED
        .get_or_init(|| async {
            create_function(
                REGION,
                &Spec {
                    timeout_s: 10,
                    ..Spec::new(NAME)
                },
            )
            .await;
            put_metric(REGION, NAME, "Invocations", 100.0, DAY).await;
            put_metric(REGION, NAME, "Duration", 250.0, DAY).await;
            put_metric(REGION, NAME, "Errors", 40.0, NIGHT).await;
        })
        .await;
}

/// `snapshot --format json --region REGION` with `extra`, against moto.
fn snapshot(extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["snapshot", "--format", "json", "--region", REGION];
    args.extend_from_slice(extra);
    let out = moto::lambdatop(&moto::url(), &args);
    assert!(
        out.status.success(),
        "snapshot failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The minute `minutes_ago` whole minutes before the current one, in RFC 3339.
fn minutes_ago(minutes: i64) -> String {
    let now = Utc::now();
    let this_minute = now.timestamp() - now.timestamp().rem_euclid(60);
    chrono::DateTime::from_timestamp(this_minute - minutes * 60, 0)
        .unwrap()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Milliseconds since the epoch of an RFC 3339 time.
fn ms_of(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp_millis()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_day_window_sums_every_minute_of_the_day_by_five_minutes() {
    seeded().await;
    let v = snapshot(&["--window", "24h"]);
    assert_eq!(v["window_minutes"], 1440);
    assert_eq!(v["period_minutes"], 5, "a day is read by five minutes");
    let f = row(&v, NAME);
    let minutes = (DAY.end() - DAY.start() + 1) as u64;
    let night = (NIGHT.end() - NIGHT.start() + 1) as u64;
    assert_eq!(f["invocations"], minutes * 100, "{f}");
    assert_eq!(f["errors"], night * 40, "{f}");
    assert_eq!(f["throttles"], 0, "{f}");
    assert_eq!(f["duration_avg_ms"], 250.0, "{f}");
    // The REPORT lines of a day are not read back: unknown, never zero.
    assert!(f["cold_starts"].is_null(), "{f}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_hour_inside_the_night_says_what_happened_then() {
    seeded().await;
    // The hour that ended 630 minutes ago: 631 to 690 minutes ago, all of it failing.
    let at = minutes_ago(630);
    let v = snapshot(&["--window", "1h", "--at", &at]);
    assert_eq!(v["window_minutes"], 60);
    assert_eq!(v["window_end"], at.as_str());
    assert_eq!(
        v["period_minutes"], 1,
        "ten hours ago CloudWatch still keeps minutes"
    );
    let f = row(&v, NAME);
    assert_eq!(f["invocations"], 6000, "{f}");
    assert_eq!(f["errors"], 2400, "{f}");
    assert_eq!(f["error_rate"], 0.4, "{f}");
    assert!(
        f["provisional_from"].is_null(),
        "a night long gone is settled: {f}"
    );
    // Alarms are read as they are now: the past has none to lend.
    assert!(f["alarms"].is_null(), "{f}");
    // The same hour asked as a time ago.
    let relative = snapshot(&["--window", "1h", "--at", "-630m"]);
    let g = row(&relative, NAME);
    assert_eq!(
        (&g["invocations"], &g["errors"]),
        (&f["invocations"], &f["errors"])
    );
    // The past window is read beside what a live snapshot reads, and is on the bill: one
    // request of the five base statistics of the one function, one of its p99, one of the
    // region's six figures (sums and pools). (moto refuses percentiles with HTTP 500, which the SDK tries
    // again, and every try is counted: at least these.)
    let live = snapshot(&["--window", "1h"]);
    let usage = |v: &serde_json::Value, k: &str| v["api_usage"][k].as_u64().unwrap();
    assert!(
        usage(&v, "metrics_requested") >= usage(&live, "metrics_requested") + 5 + 1 + 6,
        "{} against {}",
        v["api_usage"],
        live["api_usage"]
    );
    assert!(usage(&v, "requests") >= usage(&live, "requests") + 3);
    // An hour of the afternoon before: no failure.
    let before = snapshot(&["--window", "1h", "--at", &minutes_ago(900)]);
    assert_eq!(row(&before, NAME)["errors"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_read_their_span_back_from_at() {
    seeded().await;
    let at = minutes_ago(640);
    let end_ms = ms_of(&at);
    put_logs(
        REGION,
        NAME,
        "2026/12/05/[$LATEST]logs-at",
        &[
            (end_ms - 90_000, "inside: provider answered 504".into()),
            (end_ms + 90_000, "after: the hour that came next".into()),
        ],
    )
    .await;
    let out = moto::lambdatop(
        &moto::url(),
        &[
            "logs", NAME, "--region", REGION, "--since", "5m", "--at", &at,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("inside: provider answered 504"), "{text}");
    assert!(!text.contains("after:"), "nothing past --at: {text}");
    // Following reads on from now: it takes no time in the past.
    let out = moto::lambdatop(
        &moto::url(),
        &["logs", NAME, "--region", REGION, "--at", &at, "--follow"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--follow reads on from now"));
}

#[test]
fn a_time_to_come_or_unreadable_is_one_line_of_error() {
    for (at, says) in [
        ("2999-01-01T00:00:00Z", "is in the future"),
        ("yesterday", "invalid time 'yesterday'"),
        (
            "2020-01-01T00:00:00Z",
            "CloudWatch keeps metrics for 455 days",
        ),
    ] {
        let out = crate::support::lambdatop_without_aws(&["snapshot", "--demo", "--at", at]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_at_a_night_hour_shows_its_task_flow_and_its_logs() {
    seeded().await;
    let at = minutes_ago(630);
    let end_ms = ms_of(&at);
    // What the function logged in the window's last minute.
    put_logs(
        REGION,
        NAME,
        "2026/12/05/[$LATEST]night",
        &[(
            end_ms - 30_000,
            "[ERROR] ProviderTimeout: payment provider did not answer within 10000 ms".into(),
        )],
    )
    .await;
    let mut env = moto::env(&moto::url());
    env.push(("TERM".into(), "xterm-256color".into()));
    let mut tui = Pty::spawn(
        &["--region", REGION, "--window", "1h", "--interval", "5"],
        &env,
        160,
        48,
    );
    let wait = Duration::from_secs(60);
    tui.wait_for(wait, |s| s.contains(NAME))
        .unwrap_or_else(|s| panic!("no fleet:\n{s}"));
    tui.send(&format!(":at {at}\r"));
    // Where the window ends, by the program's own rule: the time alone on today's date, the day
    // too when it was yesterday (before 10:30 UTC, 630 minutes ago is). Asked again at each look,
    // so a run that crosses midnight waits for the screen to name the day as it then should.
    let last = Minute::of_ms(end_ms).minus(1);
    let until = || format::until(MinuteRange::ending_at(last, 60), Utc::now());
    let s = tui
        .wait_for(wait, |s| {
            let until = until();
            s.contains(&format!("PAST to {until}"))
                && crate::support::line_with(s, "Task flow")
                    .is_some_and(|l| l.contains(&format!("per minute, 1h to {until}")))
                && crate::support::line_with(s, NAME).is_some_and(|r| r.contains("40%"))
        })
        .unwrap_or_else(|s| panic!("the night never showed (to {}):\n{s}", until()));
    assert!(
        s.contains("errors 40"),
        "the failures' chart ends at 40 a minute:\n{s}"
    );
    // The window's last minute, picked on the task flow, and its logs.
    tui.send("\t");
    tui.send("\x1b[D");
    tui.send("l");
    let s = tui
        .wait_for(wait, |s| s.contains("payment provider did not answer"))
        .unwrap_or_else(|s| panic!("no logs of that minute:\n{s}"));
    assert!(s.contains("that minute only"), "{s}");
    // Esc closes the logs, and Esc again comes back to now.
    tui.send("\x1b");
    tui.wait_for(wait, |s| s.contains("Task flow") && !s.contains("Logs ·"))
        .unwrap_or_else(|s| panic!("the logs stayed:\n{s}"));
    // The picked minute goes first, then the past.
    tui.send("\x1b");
    std::thread::sleep(Duration::from_millis(300));
    tui.send("\x1b");
    tui.wait_for(wait, |s| !s.contains("PAST to") && s.contains("last 1h"))
        .unwrap_or_else(|s| panic!("never back to now:\n{s}"));
    assert_eq!(tui.quit(), Some(0));
}

mod panes {
    //! The past on screen, drawn through `TestBackend` from the demo fleet at its fixed moment:
    //! the night's incident ten hours before it, and the last day.

    use lambdatop::app::Action;
    use lambdatop::source::demo::DEFAULT_SEED;
    use lambdatop::source::demo::fixture::demo_store_over;
    use lambdatop::store::{Minute, Window};

    use crate::support::{app_with, line_with, render, screen, t0};

    const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

    /// The hour that ended ten hours before the fixture's moment: 17:07 UTC the day before.
    fn night() -> Window {
        Window::H1.ending(Some(Minute::of(t0() - chrono::Duration::hours(10))))
    }

    #[test]
    fn the_night_hour_is_labelled_past_and_its_failing_function_leads() {
        for (w, h) in SIZES {
            let mut app = app_with(demo_store_over(DEFAULT_SEED, t0(), night()), night());
            let s = screen(&render(&mut app, w, h));
            let first = s.lines().next().unwrap();
            let badge = if w < 120 {
                " PAST Nov 22 17:07 "
            } else {
                " PAST to Nov 22 17:07 UTC "
            };
            assert!(first.contains(badge), "{first}");
            // Sorted by errors, the night's incident leads: over half its requests failed.
            let row = s.lines().nth(4).unwrap();
            assert!(
                row.contains("payments-webhook") && row.contains("55%"),
                "{row}"
            );
            let flow = line_with(&s, "Task flow").unwrap();
            assert!(flow.contains("1h to Nov 22 17:07 UTC"), "{flow}");
            if w == 160 {
                assert!(flow.contains("per minute"), "{flow}");
                // Alarms are read as they are now: the past's column says nothing.
                assert!(row.contains("   – "), "{row}");
            }
            insta::assert_snapshot!(format!("past_night_{w}x{h}"), s);
            // `l` reads the selected function's lines of that hour, not of now.
            app.update(Action::OpenLogs);
            let s = screen(&render(&mut app, w, h));
            let title = line_with(&s, "Logs ·").unwrap();
            assert!(
                title.contains("payments-webhook (us-east-1) · 1h to Nov 22 17:07 UTC"),
                "{title}"
            );
            if w == 160 {
                assert!(title.contains("that window only"), "{title}");
            }
        }
    }

    #[test]
    fn the_last_day_is_drawn_by_five_minutes_and_its_periods_are_picked() {
        let mut app = app_with(
            demo_store_over(DEFAULT_SEED, t0(), Window::H24),
            Window::H24,
        );
        let s = screen(&render(&mut app, 160, 48));
        assert!(!s.contains("PAST"), "the last day ends now");
        // The region's pools over the day, as over the hour: claimed is nearest its limit.
        let totals = s.lines().nth(1).unwrap();
        assert!(totals.contains("claimed concurrency"), "{totals}");
        let flow = line_with(&s, "Task flow").unwrap();
        assert!(flow.contains("per 5 min, last 24h"), "{flow}");
        // Each chart's legend says how long a point is: both of the task flow's.
        assert_eq!(s.matches("still filling   per 5 min").count(), 2, "{s}");
        // A day's axis names the days.
        assert!(s.contains("Nov 22 ") && s.contains("Nov 23 "), "{s}");
        // The night's failures are in the day's sums: after what pages now (an alarm, a
        // stopped consumer), payments-webhook's errors lead.
        let rows: Vec<&str> = s.lines().skip(4).take(3).collect();
        assert!(rows[2].contains("payments-webhook"), "{rows:?}");
        // ←: the newest period (03:05, still filling), ← again the one before, five minutes
        // wide; its logs are those five minutes.
        app.update(Action::FocusNext);
        app.update(Action::CursorLeft);
        app.update(Action::CursorLeft);
        let s = screen(&render(&mut app, 160, 48));
        assert!(s.contains("▸ 03:00–03:05 UTC "), "{s}");
        insta::assert_snapshot!("past_day_160x48", s);
        let narrow = screen(&render(&mut app, 80, 24));
        // The picked period's figures, cut at the right with `…`, never at the left.
        let picked = line_with(&narrow, "▸ 03:00–03:05").expect(&narrow);
        assert!(picked.ends_with("…┘"), "{picked}");
        insta::assert_snapshot!("past_day_80x24", narrow);
        app.update(Action::OpenLogs);
        let s = screen(&render(&mut app, 160, 48));
        assert!(
            s.contains("03:00–03:05 UTC · that period only"),
            "{}",
            s.lines().take(4).collect::<Vec<_>>().join("\n")
        );
    }

    #[test]
    fn at_moves_the_end_keys_keep_it_and_esc_comes_back_to_now() {
        use lambdatop::source::Control;
        use ratatui::crossterm::event::{KeyCode, KeyEvent};
        let mut app = app_with(demo_store_over(DEFAULT_SEED, t0(), Window::H1), Window::H1);
        let typed = |app: &mut lambdatop::app::App, text: &str| {
            for c in text.chars() {
                app.handle_key(KeyEvent::from(KeyCode::Char(c)));
            }
        };
        typed(&mut app, ":at 2026-11-22T17:07:00Z");
        app.handle_key(KeyEvent::from(KeyCode::Enter));
        assert_eq!(app.scope.window, night());
        // The sources are told: they read the night at its period.
        assert!(app.take_controls().contains(&Control::Window(night())));
        // `5`: the day up to then.
        typed(&mut app, "5");
        assert_eq!(app.scope.window.end(), night().end());
        assert_eq!(app.scope.window.minutes(), 24 * 60);
        let s = screen(&render(&mut app, 80, 24));
        assert!(
            s.lines().next().unwrap().contains("PAST Nov 22 17:05"),
            "{s}"
        );
        app.handle_key(KeyEvent::from(KeyCode::Esc));
        assert_eq!(
            app.scope.window,
            Window::H24,
            "Esc: the last day, ending now"
        );
        // A time to come is refused in the footer; nothing moves.
        typed(&mut app, ":at 2999-01-01T00:00:00Z");
        app.handle_key(KeyEvent::from(KeyCode::Enter));
        assert!(app.message().is_some_and(|m| m.contains("in the future")));
        assert_eq!(app.scope.window, Window::H24);
    }
}

mod store {
    //! The span kept beside the minutes.

    use lambdatop::source::MetricUpdate;
    use lambdatop::store::figures::fleet_stats;
    use lambdatop::store::{FunctionKey, Metric, Minute, SourceEvent, Window};

    use crate::support::{demo_store, t0};

    fn update(span: lambdatop::store::Span, value: f64) -> SourceEvent {
        let range = Window::H24.range(t0());
        SourceEvent::SpanMetrics {
            span,
            update: Box::new(MetricUpdate {
                key: FunctionKey::new("us-east-1", "payments-webhook"),
                metric: Metric::Invocations,
                points: range.iter().map(|b| (b, Some(value))).collect(),
                settled: Some(range.last_minute()),
            }),
        }
    }

    #[test]
    fn a_span_is_kept_while_shown_and_what_comes_for_another_is_dropped() {
        let mut store = demo_store();
        let day = Window::H24.span(t0(), store.retention_minutes()).unwrap();
        assert_eq!((day.period, day.buckets), (5, 288));
        // Not shown yet: dropped.
        store.apply(update(day, 10.0));
        let stats = fleet_stats(&store, Window::H24, t0());
        let i = store
            .position(&FunctionKey::new("us-east-1", "payments-webhook"))
            .unwrap();
        assert_eq!(stats.functions[i].invocations, None, "unknown, never zero");
        store.set_span(Some(day));
        store.apply(update(day, 10.0));
        let stats = fleet_stats(&store, Window::H24, t0());
        assert_eq!(
            stats.functions[i].invocations,
            Some(2880.0),
            "sums of the buckets"
        );
        assert_eq!(stats.functions[i].invocations_per_min, Some(2.0));
        // The minutes still answer the live hour, from the ring.
        let hour = fleet_stats(&store, Window::H1, t0());
        assert!(hour.functions[i].invocations.unwrap() > 2880.0);
        // Another span shown: the day's buckets go, and a late answer for it is dropped.
        let week = Window::D7.span(t0(), store.retention_minutes());
        store.set_span(week);
        store.apply(update(day, 10.0));
        let stats = fleet_stats(&store, Window::H24, t0());
        assert_eq!(stats.functions[i].invocations, None);
        assert_eq!(Minute::of(t0()).floor(5), Minute::of(t0()).minus(2));
    }
}

mod demo {
    //! The demo answers a long or past window as GetMetricData at its period would.

    use lambdatop::source::{Control, Source, SourceEvent};
    use lambdatop::store::{Minute, Window};

    use crate::support::{demo_source, t0};

    fn span_events(events: &[SourceEvent]) -> usize {
        events
            .iter()
            .filter(|e| matches!(e, SourceEvent::SpanMetrics { .. }))
            .count()
    }

    #[test]
    fn a_window_shown_again_is_answered_again_and_a_past_one_once() {
        let night = Window::H1.ending(Some(Minute::of(t0() - chrono::Duration::hours(10))));
        let mut demo = demo_source(7, t0());
        demo.control(&Control::Window(night));
        assert!(span_events(&demo.events_at(t0())) > 0, "the night, at once");
        let later = t0() + chrono::Duration::minutes(1);
        assert_eq!(
            span_events(&demo.events_at(later)),
            0,
            "the past does not change"
        );
        demo.control(&Control::Window(Window::H1));
        assert_eq!(
            span_events(&demo.events_at(later)),
            0,
            "the live hour needs none"
        );
        // Back to the night: the store dropped it when the window changed.
        demo.control(&Control::Window(night));
        assert!(span_events(&demo.events_at(later)) > 0);
    }
}
