//! `lambdatop logs` against moto's FilterLogEvents and on the demo fleet: hostile lines come
//! out inert, every line exactly once — also across the overlapping polls of --follow; and the
//! log pane's tail, which reads a failed fill again and keeps identical lines apart.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::Utc;

use crate::moto::{self, put_logs};

/// No control byte but the newline between lines, no C1 control, no bidi override.
fn assert_inert(out: &str) {
    for (i, c) in out.char_indices() {
        let n = c as u32;
        let bad =
            (n < 0x20 && c != '\n') || (0x7f..=0x9f).contains(&n) || (0x202a..=0x202e).contains(&n);
        assert!(
            !bad,
            "control U+{n:04X} at byte {i}: {:?}",
            &out[i.saturating_sub(40)..(i + 40).min(out.len())]
        );
    }
}

/// `lambdatop snapshot` of `region` over 15 minutes, as JSON; it must succeed.
fn snapshot_15m(endpoint: &str, region: &str) -> serde_json::Value {
    let out = moto::lambdatop(
        endpoint,
        &[
            "snapshot", "--format", "json", "--window", "15m", "--region", region,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[tokio::test]
async fn hostile_lines_come_out_once_and_inert() {
    let region = "il-central-1";
    let now = Utc::now().timestamp_millis();
    let long = format!("{}LONG-END", "x".repeat(200_000));
    let events: Vec<(i64, String)> = vec![
        (now - 20 * 60_000, "START RequestId: r-1 Version: $LATEST".into()),
        (now - 19 * 60_000, "\x1b[31mERROR\x1b[0m payment declined".into()),
        (now - 18 * 60_000, "clipboard \x1b]52;c;cm0gLXJmIC8K\x07 grab".into()),
        (now - 17 * 60_000, "title \x1b]0;pwned\x1b\\ set".into()),
        (now - 16 * 60_000, "csi8bit \u{9b}2J clear".into()),
        (now - 15 * 60_000, "bell\x07 backspace\x08 cr\roverwrite".into()),
        (now - 14 * 60_000, "rtl \u{202e}evil\u{202c} text".into()),
        (now - 13 * 60_000, long.clone()),
        (now - 12 * 60_000, "決済 完了 🚀 ok".into()),
        (now - 11 * 60_000, "Traceback (most recent call last):\n  File \"app.py\", line 1".into()),
        (now - 10 * 60_000, "REPORT RequestId: r-1\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t".into()),
    ];
    put_logs(
        region,
        "hostile-fn",
        "2026/11/23/[$LATEST]aaaa",
        &events[..6],
    )
    .await;
    put_logs(
        region,
        "hostile-fn",
        "2026/11/23/[$LATEST]bbbb",
        &events[6..],
    )
    .await;

    let out = moto::lambdatop(
        &moto::url(),
        &["logs", "hostile-fn", "--since", "30m", "--region", region],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8 out");
    assert_inert(&text);
    for marker in [
        "START RequestId: r-1",
        "ERROR payment declined",
        "clipboard  grab",
        "title  set",
        "csi8bit  clear",
        "bell\\x07 backspace\\x08 cr\noverwrite",
        "rtl \\u{202e}evil\\u{202c} text",
        "LONG-END",
        "決済 完了 🚀 ok",
        "  File \"app.py\", line 1",
        "REPORT RequestId: r-1",
    ] {
        assert_eq!(
            count(&text, marker),
            1,
            "{marker:?} once in:\n{}",
            &text[..text.len().min(3000)]
        );
    }
    assert_eq!(
        count(&text, &"x".repeat(200_000)),
        1,
        "the 200 KB line whole, once"
    );
    // Streams interleave by time: the events of both streams in order.
    let positions: Vec<usize> = ["START", "payment declined", "rtl", "決済", "REPORT"]
        .iter()
        .map(|m| text.find(m).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    // Lines read like `aws logs tail`: timestamp, stream, message.
    let first = text.lines().next().unwrap();
    assert!(
        first.ends_with(" 2026/11/23/[$LATEST]aaaa START RequestId: r-1 Version: $LATEST"),
        "{first}"
    );
    assert!(chrono::DateTime::parse_from_rfc3339(first.split(' ').next().unwrap()).is_ok());

    let json = moto::lambdatop(
        &moto::url(),
        &[
            "logs",
            "hostile-fn",
            "--since",
            "30m",
            "--region",
            region,
            "--format",
            "json",
        ],
    );
    let text = String::from_utf8(json.stdout).unwrap();
    assert_eq!(
        text.lines().count(),
        events.len(),
        "one JSON object per event"
    );
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["function"], "hostile-fn");
        assert_eq!(v["region"], region);
        assert_inert(v["message"].as_str().unwrap());
    }
}

#[tokio::test]
async fn a_filter_pattern_goes_to_cloudwatch() {
    let region = "ap-southeast-3";
    let now = Utc::now().timestamp_millis();
    put_logs(
        region,
        "filtered-fn",
        "s",
        &[
            (now - 60_000, "INFO fine".into()),
            (now - 50_000, "ERROR broken".into()),
        ],
    )
    .await;
    let out = moto::lambdatop(
        &moto::url(),
        &[
            "logs",
            "filtered-fn",
            "--since",
            "5m",
            "--region",
            region,
            "--filter",
            "ERROR",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("ERROR broken") && !text.contains("INFO fine"),
        "{text}"
    );
}

#[test]
fn a_missing_log_group_is_one_line() {
    let out = moto::lambdatop(
        &moto::url(),
        &["logs", "never-ran", "--region", "ap-southeast-4"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("no log group /aws/lambda/never-ran in ap-southeast-4"),
        "{err}"
    );
}

#[tokio::test]
async fn follow_prints_late_and_boundary_events_exactly_once() {
    let region = "mx-central-1";
    let start = Utc::now().timestamp_millis();
    put_logs(
        region,
        "tail-fn",
        "s1",
        &[(start - 30_000, "before-start".into())],
    )
    .await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args([
            "logs", "tail-fn", "--follow", "--since", "5m", "--region", region,
        ])
        .envs(moto::env(&moto::url()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    // Ingested after the first poll, stamped at its moment: only the overlap finds it.
    put_logs(
        region,
        "tail-fn",
        "s2",
        &[(start + 500, "late-at-boundary".into())],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    put_logs(
        region,
        "tail-fn",
        "s1",
        &[(Utc::now().timestamp_millis(), "fresh".into())],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(4500)).await;
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    let mut text = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert!(status.success(), "Ctrl-C ends --follow cleanly: {status:?}");
    for m in ["before-start", "late-at-boundary", "fresh"] {
        assert_eq!(count(&text, m), 1, "{m} once in:\n{text}");
    }
}

#[test]
fn the_demo_fleet_logs_safely_and_filters_locally() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
            .args(args)
            .env("LAMBDATOP_LOG", "off")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // This function's logger colours its levels: the colours never reach the terminal.
    let text = run(&["logs", "--demo", "checkout-cart-sync", "--since", "10m"]);
    assert_inert(&text);
    assert!(text.contains("INFO cart synced"));
    // Each event names its region (the demo runs in two); continuation lines of a multi-line
    // event (a traceback) follow their event as they do in `aws logs tail`.
    let starts: Vec<&str> = text.lines().filter(|l| l.starts_with("20")).collect();
    assert!(!starts.is_empty());
    assert!(starts.iter().all(|l| {
        l.split(' ')
            .nth(1)
            .is_some_and(|s| s.starts_with("us-east-1/") || s.starts_with("eu-west-1/"))
    }));
    let errors = run(&[
        "logs",
        "--demo",
        "checkout-api",
        "--since",
        "10m",
        "--filter",
        "ERROR",
    ]);
    assert!(!errors.is_empty());
    assert!(errors.lines().all(|l| l.contains("ERROR")), "{errors}");
}

#[tokio::test]
async fn report_lines_give_cold_starts_init_times_memory_and_timeouts() {
    let region = "ca-west-1";
    moto::create_function(
        region,
        &moto::Spec {
            memory_mb: 256,
            ..moto::Spec::new("reporting-fn")
        },
    )
    .await;
    moto::put_metric(
        region,
        "reporting-fn",
        "Invocations",
        2.0,
        moto::STEADY_MINUTES,
    )
    .await;
    let minute = |k: i64| {
        let now = Utc::now().timestamp_millis();
        now - now.rem_euclid(60_000) - k * 60_000 + 5_000
    };
    let report = |id: &str, used: u32, init: Option<f64>, status: &str| {
        let init = init
            .map(|i| format!("Init Duration: {i:.2} ms\t"))
            .unwrap_or_default();
        format!(
            "REPORT RequestId: {id}\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 256 MB\tMax Memory Used: {used} MB\t{init}{status}"
        )
    };
    put_logs(
        region,
        "reporting-fn",
        "s",
        &[
            (minute(8), report("a", 100, Some(400.0), "")),
            (minute(8) + 10, report("b", 110, None, "")),
            (minute(6), report("c", 120, Some(500.0), "")),
            (minute(5), report("d", 230, Some(900.0), "")),
            (
                minute(4),
                "2026-11-23T00:00:00.000Z e Task timed out after 3.00 seconds".into(),
            ),
            (minute(4) + 10, report("e", 150, None, "Status: timeout")),
            (minute(4) + 20, "INFO not a report".into()),
            // SnapStart resumed a snapshot: a restore, no cold start.
            (
                minute(3) - 30_000,
                "REPORT RequestId: f\tDuration: 9.00 ms\tBilled Duration: 9 ms\tMemory Size: 256 MB\tMax Memory Used: 90 MB\tRestore Duration: 474.16 ms\tBilled Restore Duration: 101 ms\t".into(),
            ),
        ],
    )
    .await;
    let v = snapshot_15m(&moto::url(), region);
    let f = &v["functions"][0];
    assert_eq!(f["name"], "reporting-fn");
    assert_eq!(f["cold_starts"], 3, "a SnapStart restore is no cold start");
    assert_eq!(f["restores"], 1);
    assert_eq!(f["timeouts"], 1, "a timeout's two lines count once");
    assert_eq!(f["init_p50_ms"], 500.0);
    assert_eq!(f["init_p99_ms"], 900.0);
    assert_eq!(f["memory_used_max_mb"], 230);
}

/// The log pane against moto, through the fault proxy: a first fill that fails is read again
/// (the cursor stays where it was), and two identical lines in one millisecond on one stream
/// stay two, since polled lines are told apart by FilterLogEvents' own event ids
/// (CloudWatch Logs API Reference, *FilterLogEvents*: `eventId`, unique per event).
#[tokio::test(flavor = "multi_thread")]
async fn the_log_pane_reads_a_failed_fill_again_and_keeps_identical_lines_apart() {
    use crate::fault_proxy::{Fault, FaultProxy};
    use crate::moto::{Spec, create_function};
    use crate::pty::Pty;

    let region = "ap-east-2";
    create_function(region, &Spec::new("twin-lines")).await;
    let now = Utc::now().timestamp_millis();
    let events = [
        (
            now - 200_000,
            "older line, before the last minute".to_string(),
        ),
        (now - 30_000, "same line".to_string()),
        (now - 30_000, "same line".to_string()),
    ];
    put_logs(region, "twin-lines", "2026/12/01/[$LATEST]twins", &events).await;
    let proxy = FaultProxy::start(&moto::url());
    let mut env = moto::env(&proxy.url);
    env.push(("TERM".into(), "xterm-256color".into()));
    // One metric poll an hour: the only FilterLogEvents calls after the first are the tail's.
    let mut tui = Pty::spawn(&["--region", region, "--interval", "3600"], &env, 120, 36);
    tui.wait_for(Duration::from_secs(20), |s| s.contains("twin-lines"))
        .unwrap_or_else(|s| panic!("no fleet:\n{s}"));
    tui.wait_for(Duration::from_secs(20), |s| !s.contains("loading"))
        .unwrap_or_else(|s| panic!("still loading:\n{s}"));
    // The tail's first read (the last 15 minutes) is refused once.
    proxy.inject("FilterLogEvents", Fault::AccessDenied, Some(1));
    tui.send("l");
    let screen = tui
        .wait_for(Duration::from_secs(30), |s| {
            s.contains("older line, before the last minute") && s.matches("same line").count() == 2
        })
        .unwrap_or_else(|s| panic!("the failed fill was not read again, or lines merged:\n{s}"));
    assert_eq!(proxy.injected("FilterLogEvents"), 1, "{screen}");
    assert_eq!(screen.matches("older line").count(), 1, "{screen}");
    assert_eq!(tui.quit(), Some(0));
}

/// A read of many pages prints each page as it arrives, in time order across streams, and
/// holds no more than a page (see the README's Performance section for the memory measured).
/// When a page fails, the lines before it are printed and the one error line says up to when
/// they are whole. AWS returns a log group's events sorted by time (CloudWatch Logs API
/// Reference, *FilterLogEvents*); the request asks moto to do the same (`interleaved`).
#[tokio::test]
async fn a_long_read_prints_each_page_as_it_arrives_in_time_order() {
    use crate::fault_proxy::{Fault, FaultProxy};
    // Shared with `aws::several_regions_are_read_at_once`, which has no logs.
    let region = "eu-west-3";
    let base = Utc::now().timestamp_millis() - 20 * 60_000;
    // 24,000 lines in two streams, alternating in time: five pages of at most 5,000.
    for (stream, offset) in [("a", 0), ("b", 20)] {
        let lines: Vec<(i64, String)> = (0..12_000)
            .map(|i| (base + i * 40 + offset, format!("line {stream}{i}")))
            .collect();
        for chunk in lines.chunks(4_000) {
            put_logs(region, "bulk-fn", stream, chunk).await;
        }
    }
    let proxy = FaultProxy::start(&moto::url());
    // The second page takes four seconds.
    proxy.inject_where(
        "FilterLogEvents",
        Some("nextToken"),
        Fault::Slow(Duration::from_secs(4)),
        Some(1),
    );
    let started = std::time::Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["logs", "bulk-fn", "--since", "30m", "--region", region])
        .envs(moto::env(&proxy.url))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    let first_at = started.elapsed();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    let done_at = started.elapsed();
    assert!(status.success(), "{status:?}");
    assert!(
        done_at - first_at > Duration::from_secs(3),
        "the first page printed while the second was read: first line at {first_at:?}, end at {done_at:?}"
    );
    let text = first + &rest;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 24_000);
    let stamps: Vec<&str> = lines.iter().map(|l| l.split(' ').next().unwrap()).collect();
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]), "in time order");
    assert!(
        lines[0].ends_with("line a0") && lines[1].ends_with("line b0"),
        "streams interleaved"
    );
    assert_eq!(proxy.seen("FilterLogEvents"), 5, "one request a page");

    // Above FilterLogEvents' request quota, pages are throttled, retried and all printed
    // (all of the documented 5 a second taken, where a quota of 2 is met).
    proxy.rate_limit("FilterLogEvents", 2);
    let out = moto::lambdatop(
        &proxy.url,
        &[
            "logs",
            "bulk-fn",
            "--since",
            "30m",
            "--region",
            region,
            "--api-share",
            "100",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 24_000);
    assert!(proxy.injected("FilterLogEvents") > 0, "the quota was met");

    // The second page fails for good: the first is printed, and one line says so.
    proxy.clear();
    proxy.inject_where(
        "FilterLogEvents",
        Some("nextToken"),
        Fault::AccessDenied,
        None,
    );
    let out = moto::lambdatop(
        &proxy.url,
        &["logs", "bulk-fn", "--since", "30m", "--region", region],
    );
    assert!(!out.status.success());
    let printed = String::from_utf8_lossy(&out.stdout).lines().count();
    assert_eq!(
        printed, 5_000,
        "the first page, printed before the next failed"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("AccessDenied") && err.contains("the lines above are whole up to"),
        "{err}"
    );
}

/// Functions that log where Lambda's `LoggingConfig` says (API Reference, *LoggingConfig*),
/// through a peer that gives it (moto drops it) and filters as AWS does: in the JSON format,
/// whose REPORT is a `platform.report` record a text pattern never matches (Lambda Developer
/// Guide, *Telemetry API*), and in a custom group shared by two functions, whose streams are
/// `YYYY/MM/DD/NAME[VERSION]GUID` (*Configuring CloudWatch log groups*). Each shows its own
/// cold starts, timeouts and memory, and `lambdatop logs` prints only its own lines. Read in
/// `/aws/lambda/NAME` with the text pattern, all of them were "never ran".
#[tokio::test]
async fn functions_are_read_where_and_as_their_logging_config_says() {
    use crate::fault_proxy::FaultProxy;
    use crate::moto::put_logs_in;
    // Shared with `aws::several_regions_are_read_at_once` and the timing tests, which look
    // only at their own functions.
    let region = "eu-west-3";
    for name in ["jsonfmt-fn", "shop-cart", "shop-pay"] {
        moto::create_function(region, &moto::Spec::new(name)).await;
        moto::put_metric(region, name, "Invocations", 2.0, moto::STEADY_MINUTES).await;
    }
    let minute = |k: i64| {
        let now = Utc::now().timestamp_millis();
        now - now.rem_euclid(60_000) - k * 60_000 + 5_000
    };
    let day = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .unwrap()
            .format("%Y/%m/%d")
            .to_string()
    };
    let record = |id: &str, init: Option<f64>, used: u32, status: &str| {
        let init = init
            .map(|i| format!(",\"initDurationMs\":{i}"))
            .unwrap_or_default();
        format!(
            r#"{{"time":"2026-12-01T00:00:00.000Z","type":"platform.report","record":{{"requestId":"{id}","metrics":{{"durationMs":12.0,"billedDurationMs":12,"memorySizeMB":128,"maxMemoryUsedMB":{used}{init}}},"status":"{status}"}}}}"#
        )
    };
    put_logs_in(
        region,
        "/aws/lambda/jsonfmt-fn",
        &format!("{}/[$LATEST]0a1b2c", day(minute(8))),
        &[
            (
                minute(8),
                r#"{"type":"platform.start","record":{"requestId":"j1"}}"#.into(),
            ),
            (minute(8) + 5, record("j1", Some(300.0), 90, "success")),
            (
                minute(6),
                r#"{"level":"ERROR","message":"upstream gone"}"#.into(),
            ),
            (minute(6) + 5, record("j2", None, 120, "timeout")),
        ],
    )
    .await;
    let report = |id: &str, used: u32, init: Option<f64>| {
        let init = init
            .map(|i| format!("Init Duration: {i:.2} ms\t"))
            .unwrap_or_default();
        format!(
            "REPORT RequestId: {id}\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: {used} MB\t{init}"
        )
    };
    put_logs_in(
        region,
        "/apps/shop",
        &format!("{}/shop-cart[$LATEST]aaaa", day(minute(7))),
        &[
            (minute(7), "cart line".into()),
            (minute(7) + 5, report("c1", 110, Some(400.0))),
            (minute(6), report("c2", 100, None)),
        ],
    )
    .await;
    put_logs_in(
        region,
        "/apps/shop",
        &format!("{}/shop-pay[$LATEST]bbbb", day(minute(7))),
        &[
            (minute(7), "pay line".into()),
            (minute(7) + 5, report("p1", 200, Some(700.0))),
            (minute(5), report("p2", 150, Some(800.0))),
        ],
    )
    .await;
    let proxy = FaultProxy::start(&moto::url());
    proxy.logging_config("jsonfmt-fn", "JSON", None);
    proxy.logging_config("shop-cart", "Text", Some("/apps/shop"));
    proxy.logging_config("shop-pay", "Text", Some("/apps/shop"));
    proxy.filter_logs_as_aws();

    let v = snapshot_15m(&proxy.url, region);
    let row = |name: &str| {
        v["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {v}"))
            .clone()
    };
    let json = row("jsonfmt-fn");
    assert_eq!(json["cold_starts"], 1, "{json}");
    assert_eq!(json["timeouts"], 1, "{json}");
    assert_eq!(json["memory_used_max_mb"], 120, "{json}");
    assert_eq!(json["init_p50_ms"], 300.0, "{json}");
    let cart = row("shop-cart");
    assert_eq!(cart["cold_starts"], 1, "only its own streams: {cart}");
    assert_eq!(cart["memory_used_max_mb"], 110, "{cart}");
    let pay = row("shop-pay");
    assert_eq!(pay["cold_starts"], 2, "{pay}");
    assert_eq!(pay["memory_used_max_mb"], 200, "{pay}");
    assert!(
        v["problems"].as_array().unwrap().is_empty(),
        "{}",
        v["problems"]
    );

    let out = moto::lambdatop(
        &proxy.url,
        &["logs", "shop-cart", "--since", "30m", "--region", region],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("cart line") && text.contains("RequestId: c2"),
        "{text}"
    );
    assert!(
        !text.contains("pay line"),
        "another function's lines: {text}"
    );
}

/// `lambdatop errors` against moto: error lines that differ only in request ids, order
/// numbers, addresses and durations fold into one group per kind, worst first, with the right
/// counts; INFO lines and platform lines are read but not counted as errors.
#[tokio::test]
async fn errors_fold_lines_that_differ_in_ids_and_numbers_into_one_group_a_kind() {
    let region = "ap-southeast-4";
    let name = "erring-fn";
    moto::create_function(region, &moto::Spec::new(name)).await;
    let now = Utc::now().timestamp_millis();
    let uuid = |i: i64| format!("{:08x}-1f18-48d2-afde-1f188d2fde{:02x}", 0x627e274a + i, i);
    let mut events = Vec::new();
    for i in 0..5 {
        events.push((
            now - 50 * 60_000 + i * 60_000,
            format!(
                r#"{{"level":"ERROR","requestId":"{}","message":"charge failed for order {}","errorType":"UpstreamError"}}"#,
                uuid(i),
                41_000 + i * 37
            ),
        ));
    }
    for i in 0..3 {
        events.push((
            now - 30 * 60_000 + i * 1_000,
            format!(
                "{}\t{}\tERROR\tInvoke Error \tconnect to 10.0.{i}.{} timed out after {}ms",
                "2026-12-04T03:05:09.817Z",
                uuid(10 + i),
                20 + i,
                300 + i * 11
            ),
        ));
    }
    for i in 0..2 {
        events.push((
            now - 20 * 60_000 + i * 1_000,
            format!(
                "2026-12-04T03:05:{:02}.000Z {} Task timed out after {}.00 seconds",
                10 + i,
                uuid(20 + i),
                3 + i
            ),
        ));
    }
    for i in 0..4 {
        events.push((
            now - 10 * 60_000 + i * 1_000,
            format!(
                r#"{{"level":"INFO","requestId":"{}","msg":"ok"}}"#,
                uuid(30 + i)
            ),
        ));
        events.push((
            now - 10 * 60_000 + i * 1_000 + 1,
            format!("END RequestId: {}", uuid(30 + i)),
        ));
    }
    put_logs(region, name, "2026/12/04/[$LATEST]abc", &events).await;

    let out = moto::lambdatop(
        &moto::url(),
        &[
            "errors", name, "--since", "1h", "--region", region, "--format", "json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["functions"], serde_json::json!([name]));
    assert_eq!(v["lines_read"], 18);
    assert_eq!(v["error_lines"], 10);
    let groups = v["groups"].as_array().unwrap();
    let counts: Vec<u64> = groups
        .iter()
        .map(|g| g["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [5, 3, 2], "{groups:#?}");
    assert!(
        groups[0]["sample"]
            .as_str()
            .unwrap()
            .contains("charge failed for order")
    );
    assert!(
        groups[1]["sample"]
            .as_str()
            .unwrap()
            .contains("timed out after")
    );
    assert!(
        groups[2]["sample"]
            .as_str()
            .unwrap()
            .contains("Task timed out")
    );
    for g in groups {
        assert_eq!(g["function"], name);
        assert_eq!(g["region"], region);
        // The function was created (deployed) after every line: none is new since.
        assert_eq!(g["new_since_deploy"], false, "{g}");
        let per: u64 = g["per_interval"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .sum();
        assert_eq!(per, g["count"].as_u64().unwrap());
    }
    assert!(v["incomplete"].is_null());

    // The table: one row a kind, the counts and the samples readable.
    let out = moto::lambdatop(
        &moto::url(),
        &["errors", name, "--since", "1h", "--region", region],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Errors of erring-fn from "), "{text}");
    assert!(
        text.contains("10 error lines of 18 read, 3 kinds"),
        "{text}"
    );
    let row = text
        .lines()
        .find(|l| l.contains("charge failed"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.starts_with("erring-fn (ap-southeast-4)"), "{row}");
    assert!(row.split_whitespace().nth(2) == Some("5"), "{row}");
}

/// `lambdatop insights` against moto behind a peer that answers Logs Insights as AWS does
/// (CloudWatch Logs API Reference, *StartQuery*: times in epoch seconds, the groups by name;
/// *GetQueryResults*: `Running` with no rows at first, `@timestamp` as `YYYY-MM-DD
/// HH:MM:SS.mmm`, `statistics.bytesScanned`): the command waits for the answer, prints its
/// rows in the query's order, and what the scan cost at $0.005 per GB.
#[tokio::test]
async fn insights_waits_for_the_query_and_prints_its_rows_scan_and_cost() {
    use crate::fault_proxy::{FaultProxy, INSIGHTS_BYTES_SCANNED};

    let region = "ap-southeast-4";
    let name = "queried-fn";
    moto::create_function(region, &moto::Spec::new(name)).await;
    let now = Utc::now().timestamp_millis();
    let events: Vec<(i64, String)> = (0..8)
        .map(|i| (now - 40 * 60_000 + i * 60_000, format!("step {i} done")))
        .collect();
    put_logs(region, name, "2026/12/04/[$LATEST]q", &events).await;
    let proxy = FaultProxy::start(&moto::url());
    proxy.insights_as_aws();

    let query = "fields @timestamp, @message | sort @timestamp desc | limit 5";
    let out = moto::lambdatop(
        &proxy.url,
        &[
            "insights",
            query,
            "--function",
            name,
            "--since",
            "1h",
            "--region",
            region,
            "--format",
            "json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["query"], query);
    assert!(v["name"].is_null());
    assert_eq!(v["status"], "complete");
    assert_eq!(v["fields"], serde_json::json!(["@timestamp", "@message"]));
    let rows = v["rows"].as_array().unwrap();
    let messages: Vec<&str> = rows.iter().map(|r| r[1].as_str().unwrap()).collect();
    assert_eq!(
        messages,
        [
            "step 7 done",
            "step 6 done",
            "step 5 done",
            "step 4 done",
            "step 3 done"
        ]
    );
    let newest = chrono::DateTime::from_timestamp_millis(events[7].0).unwrap();
    assert_eq!(
        rows[0][0],
        newest.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
        "AWS's time format, as AWS writes it"
    );
    assert_eq!(v["bytes_scanned"], INSIGHTS_BYTES_SCANNED);
    assert!(
        (v["cost_usd"].as_f64().unwrap() - 0.0125).abs() < 1e-9,
        "{v}"
    );
    assert_eq!(v["records_matched"], 5.0);
    assert!(v["error"].is_null());
    // It asked again while the query ran, and had nothing to stop once it completed.
    assert!(proxy.seen("GetQueryResults") >= 2);
    assert_eq!(proxy.seen("StopQuery"), 0);
    let start = &proxy.bodies("StartQuery")[0];
    assert!(
        start.contains("\"logGroupNames\":[\"/aws/lambda/queried-fn\"]"),
        "{start}"
    );
    assert!(
        !start.contains("\"limit\""),
        "the query's own limit stands: {start}"
    );

    // A named query, as a table; one the account has no log group for says so.
    let out = moto::lambdatop(
        &proxy.url,
        &[
            "insights",
            "slowest",
            "--function",
            name,
            "--region",
            region,
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.lines().last().unwrap().contains("· complete · ")
            && text.contains("scanned 2.5 GB ($0.01)"),
        "{text}"
    );
    let start = proxy.bodies("StartQuery").pop().unwrap();
    assert!(
        start.contains("sort @duration desc"),
        "the named query ran: {start}"
    );
    let out = moto::lambdatop(
        &proxy.url,
        &[
            "insights",
            "slowest",
            "--function",
            "never-ran",
            "--region",
            region,
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no log group to query in ap-southeast-4"),
        "{err}"
    );
}

/// The log pane's invocations, errors and Logs Insights views against moto, in the real
/// binary: requests are read from START to REPORT (duration, memory, cold start, status),
/// errors fold by kind, and Enter on a request asks CloudWatch Logs for every line of it —
/// FilterLogEvents with the request id as a quoted term (CloudWatch Logs User Guide, *Filter
/// pattern syntax*: "a term in double quotes matches it exactly"). `:insights` runs a query
/// over the function's group through a peer that answers as AWS does (CloudWatch Logs API
/// Reference, *GetQueryResults*: `Running` first, then rows and `statistics`), shows the rows,
/// the scan and its cost, and the dashboard's own bill counts it.
#[tokio::test(flavor = "multi_thread")]
async fn the_invocations_errors_and_insights_views_read_moto() {
    use crate::fault_proxy::FaultProxy;
    use crate::moto::{Spec, create_function};
    use crate::pty::Pty;

    // The resilience test's region where every call fails: no other function lives here.
    let region = "me-central-1";
    let name = "invoked-fn";
    create_function(region, &Spec::new(name)).await;
    let now = Utc::now().timestamp_millis();
    let ok = "5e1c0a77-0000-4000-8000-00000000000a";
    let bad = "5e1c0a77-0000-4000-8000-00000000000b";
    let report = |id: &str, ms: f64, used: u32, init: &str| {
        format!(
            "REPORT RequestId: {id}\tDuration: {ms:.2} ms\tBilled Duration: {} ms\tMemory Size: 128 MB\tMax Memory Used: {used} MB\t{init}",
            ms.ceil()
        )
    };
    let mut events = vec![
        (
            now - 300_000,
            format!("START RequestId: {ok} Version: $LATEST"),
        ),
        (
            now - 299_990,
            format!("2026-12-04T03:00:00.000Z\t{ok}\tINFO\thandled"),
        ),
        (now - 299_980, format!("END RequestId: {ok}")),
        (
            now - 299_970,
            report(ok, 41.5, 70, "Init Duration: 312.40 ms\t"),
        ),
        (
            now - 120_000,
            format!("START RequestId: {bad} Version: $LATEST"),
        ),
    ];
    for i in 0..3 {
        events.push((
            now - 119_990 + i,
            format!("2026-12-04T03:03:00.000Z\t{bad}\tERROR\tpayment 77{i} declined by 10.1.0.{i}"),
        ));
    }
    events.push((now - 119_000, format!("END RequestId: {bad}")));
    events.push((now - 118_990, report(bad, 980.0, 120, "")));
    put_logs(region, name, "2026/12/04/[$LATEST]inv", &events).await;

    let proxy = FaultProxy::start(&moto::url());
    proxy.insights_as_aws();
    let mut env = moto::env(&proxy.url);
    env.push(("TERM".into(), "xterm-256color".into()));
    let mut tui = Pty::spawn(&["--region", region, "--interval", "3600"], &env, 160, 40);
    tui.wait_for(Duration::from_secs(20), |s| {
        s.contains(name) && !s.contains("loading")
    })
    .unwrap_or_else(|s| panic!("no fleet:\n{s}"));
    tui.send("l");
    tui.wait_for(Duration::from_secs(30), |s| s.contains("declined by"))
        .unwrap_or_else(|s| panic!("no lines:\n{s}"));

    tui.send("e");
    let s = tui
        .wait_for(Duration::from_secs(10), |s| s.contains("┌ Errors · "))
        .unwrap_or_else(|s| panic!("no errors view:\n{s}"));
    assert!(s.contains("3 error lines of 1 kind"), "{s}");
    tui.send("\x1b");
    tui.wait_for(Duration::from_secs(10), |s| s.contains("┌ Logs · "))
        .unwrap_or_else(|s| panic!("Esc did not go back:\n{s}"));

    tui.send("i");
    let s = tui
        .wait_for(Duration::from_secs(10), |s| s.contains("┌ Invocations · "))
        .unwrap_or_else(|s| panic!("no invocations view:\n{s}"));
    assert!(s.contains("1 failed of 2"), "{s}");
    let failed = s.lines().find(|l| l.contains(bad)).unwrap();
    assert!(
        failed.contains(" error ") && failed.contains("980ms") && failed.contains("120/128"),
        "{failed}"
    );
    let fine = s.lines().find(|l| l.contains(ok)).unwrap();
    assert!(
        fine.contains(" ok ") && fine.contains("312ms"),
        "a cold start's init: {fine}"
    );

    // The newest (the failed one) is selected: Enter reads all of its lines.
    let before = proxy.bodies("FilterLogEvents").len();
    tui.send("\r");
    let s = tui
        .wait_for(Duration::from_secs(20), |s| {
            s.contains(&format!("· request {bad}"))
        })
        .unwrap_or_else(|s| panic!("Enter did not narrow to the request:\n{s}"));
    assert!(!s.contains(&format!("START RequestId: {ok}")), "{s}");
    assert_eq!(s.matches("declined by").count(), 3, "{s}");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let asked = proxy.bodies("FilterLogEvents")[before..]
            .iter()
            .any(|b| b.contains(&format!("\\\"{bad}\\\"")));
        if asked {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the request was not read"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // Logs Insights over the function's group, for the window.
    let api_usd = |s: &str| -> f64 {
        let at = s.find("requests, $").expect("the API bill in the header") + 11;
        s[at..].split_whitespace().next().unwrap().parse().unwrap()
    };
    let billed_before = api_usd(&tui.text());
    tui.send(":insights fields @timestamp, @message | sort @timestamp desc | limit 3\r");
    let s = tui
        .wait_for(Duration::from_secs(30), |s| {
            s.contains("┌ Logs Insights · complete · 3 rows · invoked-fn")
        })
        .unwrap_or_else(|s| panic!("no Insights answer:\n{s}"));
    assert!(s.contains("· 3 rows "), "{s}");
    assert!(s.contains("scanned 2.5 GB ($0.01)"), "{s}");
    let header = s.lines().position(|l| l.contains("│@timestamp "));
    let first = &s.lines().nth(header.expect("a header row") + 1).unwrap();
    assert!(
        first.contains(&format!("REPORT RequestId: {bad}")),
        "newest first: {first}"
    );
    // $0.0125 more, as the header rounds to the cent.
    let billed = api_usd(&s) - billed_before;
    assert!(
        (0.005..0.02).contains(&billed),
        "the bill counts the scan: {billed}\n{s}"
    );
    assert_eq!(proxy.bodies("StartQuery").len(), 1);
    tui.send("\x1b");
    tui.wait_for(Duration::from_secs(10), |s| s.contains("┌ Logs · "))
        .unwrap_or_else(|s| panic!("Esc did not go back:\n{s}"));
    assert_eq!(tui.quit(), Some(0));
}

/// A Logs Insights query lambdatop no longer waits for is stopped, never left to scan on:
/// a query runs for up to 60 minutes, billed for what it scans, and an account runs 30 at once
/// across every dashboard (CloudWatch Logs API Reference, *StartQuery*; *StopQuery*: "Stops a
/// CloudWatch Logs Insights query that is in progress", answering `{"success": true}`). The
/// peer keeps each query running; one that outlasts the patience is stopped before its partial
/// answer comes back, and one dropped unfinished (as when a new query replaces it, or its view
/// is left) is stopped all the same.
#[tokio::test]
async fn a_query_no_longer_waited_for_is_stopped() {
    use crate::fault_proxy::FaultProxy;
    use lambdatop::source::aws::insights::{self, Patience, Query};
    use lambdatop::store::insights::QueryState;

    let region = "ap-southeast-4";
    let name = "stopped-query-fn";
    moto::create_function(region, &moto::Spec::new(name)).await;
    let now = Utc::now().timestamp_millis();
    put_logs(
        region,
        name,
        "2026/12/07/[$LATEST]s",
        &[(now - 60_000, "hello".into())],
    )
    .await;
    let proxy = FaultProxy::start(&moto::url());
    proxy.answer(
        "GetQueryResults",
        r#"{"status":"Running","results":[],"statistics":{"recordsMatched":0.0,"recordsScanned":0.0,"bytesScanned":0.0}}"#,
    );
    proxy.answer("StopQuery", r#"{"success":true}"#);
    let client = crate::support::account_at(&proxy.url, region).logs_client(region);
    let query = Query {
        text: "fields @message",
        groups: vec![format!("/aws/lambda/{name}")],
        from_ms: now - 3_600_000,
        to_ms: now,
    };
    let patience = Patience {
        every: Duration::from_millis(50),
        at_most: Duration::from_millis(300),
    };
    let id_in = |body: &str| {
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        v["queryId"].as_str().unwrap().to_string()
    };

    // Out of patience: the partial answer, and the query stopped.
    let answer = insights::run(&client, &query, None, patience, |_| {})
        .await
        .unwrap();
    assert_eq!(answer.state, QueryState::Running);
    let first = id_in(&proxy.bodies("GetQueryResults")[0]);
    let stopped: Vec<String> = proxy.bodies("StopQuery").iter().map(|b| id_in(b)).collect();
    assert_eq!(stopped, std::slice::from_ref(&first));

    // Dropped while it runs: stopped in the background.
    let asked = proxy.bodies("GetQueryResults").len();
    let patient = Patience {
        at_most: Duration::from_secs(600),
        ..patience
    };
    let dropped = tokio::time::timeout(
        Duration::from_millis(400),
        insights::run(&client, &query, None, patient, |_| {}),
    )
    .await;
    assert!(dropped.is_err(), "the query was still running when dropped");
    let second = id_in(&proxy.bodies("GetQueryResults")[asked]);
    assert_ne!(first, second);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while proxy.bodies("StopQuery").len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the dropped query was not stopped"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stopped: Vec<String> = proxy.bodies("StopQuery").iter().map(|b| id_in(b)).collect();
    assert_eq!(stopped, [first, second]);
}

/// A function in the JSON log format whose system logs are at `WARN` gets no START or REPORT
/// record from Lambda (Lambda Developer Guide, *Log-level filtering*: "By default, Lambda sets
/// the system log level to INFO. With this setting, Lambda automatically sends "start" and
/// "report" log messages"): its cold starts, timeouts, init and memory are unknown, never a
/// count of none, and its detail says why. Beside it, one at `INFO` is read as ever.
#[tokio::test]
async fn system_logs_at_warn_leave_report_figures_unknown_and_say_why() {
    use crate::fault_proxy::FaultProxy;
    use lambdatop::store::Logging;

    // Shared with a test that looks only at its own function.
    let region = "ap-northeast-2";
    let (quiet, told) = ("warnsys-fn", "infosys-fn");
    for name in [quiet, told] {
        moto::create_function(region, &moto::Spec::new(name)).await;
        moto::put_metric(region, name, "Invocations", 2.0, moto::STEADY_MINUTES).await;
    }
    let minute = |k: i64| {
        let now = Utc::now().timestamp_millis();
        now - now.rem_euclid(60_000) - k * 60_000 + 5_000
    };
    let day = chrono::DateTime::from_timestamp_millis(minute(8))
        .unwrap()
        .format("%Y/%m/%d")
        .to_string();
    // What AWS sends at WARN: the application's records, none of Lambda's own.
    put_logs(
        region,
        quiet,
        &format!("{day}/[$LATEST]warn"),
        &[(
            minute(8),
            r#"{"level":"WARN","message":"retrying upstream"}"#.into(),
        )],
    )
    .await;
    put_logs(
        region,
        told,
        &format!("{day}/[$LATEST]info"),
        &[
            (minute(8), r#"{"type":"platform.start","record":{"requestId":"i1"}}"#.into()),
            (
                minute(8) + 5,
                r#"{"time":"2026-12-01T00:00:00.000Z","type":"platform.report","record":{"requestId":"i1","metrics":{"durationMs":12.0,"billedDurationMs":12,"memorySizeMB":128,"maxMemoryUsedMB":70,"initDurationMs":250.0},"status":"success"}}"#.into(),
            ),
        ],
    )
    .await;
    let proxy = FaultProxy::start(&moto::url());
    proxy.logging_levels(quiet, "WARN");
    proxy.logging_levels(told, "INFO");
    proxy.filter_logs_as_aws();

    let v = snapshot_15m(&proxy.url, region);
    let row = |name: &str| moto::row(&v, name).clone();
    let q = row(quiet);
    for k in [
        "cold_starts",
        "timeouts",
        "init_p50_ms",
        "memory_used_max_mb",
    ] {
        assert!(q[k].is_null(), "{k} of {quiet}: {q}");
    }
    let t = row(told);
    assert_eq!(t["cold_starts"], 1, "{t}");
    assert_eq!(t["timeouts"], 0, "{t}");
    assert_eq!(t["memory_used_max_mb"], 70, "{t}");

    // The detail says why, where the figures would be.
    let quiet_logging = Logging {
        json: true,
        group: None,
        system_level: Some("WARN".into()),
    };
    assert!(quiet_logging.reports_withheld());
    assert!(
        !Logging {
            system_level: Some("INFO".into()),
            ..quiet_logging.clone()
        }
        .reports_withheld()
    );
    let mut store = crate::support::demo_store();
    let key = store.functions()[0].facts.key();
    let mut facts = store.functions()[0].facts.clone();
    facts.logging = quiet_logging;
    store.apply(lambdatop::source::SourceEvent::Inventory {
        region: facts.region.clone(),
        functions: store
            .functions()
            .iter()
            .filter(|f| f.facts.region == facts.region)
            .map(|f| {
                if f.facts.key() == key {
                    facts.clone()
                } else {
                    f.facts.clone()
                }
            })
            .collect(),
    });
    let mut app = crate::support::app_with(store, lambdatop::store::Window::H1);
    app.dashboard.fleet.select(key.clone());
    app.update(lambdatop::app::Action::OpenDetail);
    let screen = crate::support::screen(&crate::support::render(&mut app, 160, 48));
    let line =
        crate::support::line_with(&screen, "cold starts").unwrap_or_else(|| panic!("{screen}"));
    assert!(
        line.contains("– · system logs at WARN: no REPORT"),
        "{line}"
    );
}

/// A log group of a class other than Standard offers only part of CloudWatch Logs' reads (the
/// Delivery class keeps events one day and offers no Logs Insights queries: CloudWatch Logs
/// API Reference, *CreateLogGroup*, `logGroupClass`), and a read it does not offer fails as
/// any other would. The failure names the group's class, read with DescribeLogGroups once the
/// read failed (moto keeps no class: the peer answers as AWS does), instead of a bare error.
#[tokio::test]
async fn a_read_its_log_class_does_not_offer_names_the_class() {
    use crate::fault_proxy::{Fault, FaultProxy};
    let region = "ap-southeast-4";
    let now = Utc::now().timestamp_millis();
    put_logs(
        region,
        "delivered-logs",
        "2026/12/01/[$LATEST]d",
        &[(now - 60_000, "INFO kept a day".into())],
    )
    .await;
    let proxy = FaultProxy::start(&moto::url());
    proxy.answer(
        "DescribeLogGroups",
        r#"{"logGroups":[{"logGroupName":"/aws/lambda/delivered-logs","logGroupClass":"DELIVERY","arn":"arn:aws:logs:ap-southeast-4:123456789012:log-group:/aws/lambda/delivered-logs:*"}]}"#,
    );
    proxy.inject_where(
        "FilterLogEvents",
        Some("delivered-logs"),
        Fault::InvalidOperation,
        None,
    );
    let out = moto::lambdatop(
        &proxy.url,
        &[
            "logs",
            "delivered-logs",
            "--region",
            region,
            "--since",
            "10m",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("/aws/lambda/delivered-logs is in the Delivery log class")
            && err.contains("InvalidOperationException"),
        "{err}"
    );
    assert!(proxy.seen("DescribeLogGroups") >= 1);
}
