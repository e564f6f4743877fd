//! Looking back: windows longer than the three hours kept minute by minute, and windows that
//! end in the past, against moto seeded with a day of one-minute data for a function that
//! failed for two hours in the night.
//!
//! CloudWatch keeps one-minute datapoints for 15 days (CloudWatch User Guide, *CloudWatch
//! concepts*, "Metrics retention"), and GetMetricData returns one datapoint per period of the
//! query, stamped with the period's start (CloudWatch API Reference, *GetMetricData*,
//! *MetricStat*: "Period"): a day is read by five minutes, and its sums are the sums of the
//! minutes. moto answers periods the same way, so the figures must come out exact.

use std::time::Duration;

use chrono::{SecondsFormat, Utc};

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
    // An hour of the afternoon before: no failure.
    let before = snapshot(&["--window", "1h", "--at", &minutes_ago(900)]);
    assert_eq!(row(&before, NAME)["errors"], 0);
}

#[test]
fn a_time_to_come_or_unreadable_is_one_line_of_error() {
    for (at, says) in [
        ("2999-01-01T00:00:00Z", "is in the future"),
        ("yesterday", "invalid time 'yesterday'"),
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
    let end_ms = chrono::DateTime::parse_from_rfc3339(&at)
        .unwrap()
        .timestamp_millis();
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
    let until = &at[11..16];
    let s = tui
        .wait_for(wait, |s| {
            s.contains(&format!("PAST to {until} UTC"))
                && crate::support::line_with(s, NAME).is_some_and(|r| r.contains("40%"))
        })
        .unwrap_or_else(|s| panic!("the night never showed:\n{s}"));
    let flow = crate::support::line_with(&s, "Task flow").unwrap();
    assert!(
        flow.contains(&format!("per minute, 1h to {until} UTC")),
        "{flow}"
    );
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
