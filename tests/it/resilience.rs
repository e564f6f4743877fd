//! AWS misbehaving while the dashboard runs: bursts of throttling, 500s, dropped connections,
//! answers so slow that every poller is busy, and an account where every call fails. The
//! keys keep answering, data on screen stays, stale data says how old it is, and recovery
//! needs no one.

use std::time::{Duration, Instant};

use chrono::Duration as Minutes;
use lambdatop::source::{LoadingState, SourceEvent};
use lambdatop::store::{ProblemKind, Window};

use crate::fault_proxy::{ANY, Fault, FaultProxy};
use crate::moto::{self, STEADY_MINUTES, Spec, create_function, put_metric};
use crate::pty::Pty;
use crate::support::{app_with, demo_store, line_with, render, screen, t0};

const WAIT: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread")]
async fn a_storm_of_faults_never_stops_the_keys_nor_loses_what_is_shown() {
    let region = "ap-east-1";
    create_function(
        region,
        &Spec {
            tags: &[("project", "storm")],
            ..Spec::new("storm-api")
        },
    )
    .await;
    put_metric(region, "storm-api", "Invocations", 30.0, STEADY_MINUTES).await;
    put_metric(region, "storm-api", "Errors", 3.0, STEADY_MINUTES).await;

    let proxy = FaultProxy::start(&moto::url());
    let mut tui = Pty::spawn(
        &["--region", region, "--window", "15m", "--interval", "5"],
        &moto::env(&proxy.url),
        120,
        36,
    );
    let shown = |s: &str| line_with(s, "storm-api").is_some_and(|r| r.contains("10%"));
    tui.wait_for(WAIT, shown)
        .unwrap_or_else(|s| panic!("fleet never appeared:\n{s}"));

    // Bursts: throttling, 500s and dropped connections on every kind of call.
    proxy.inject("GetMetricData", Fault::Throttle, Some(8));
    proxy.inject("ListFunctions", Fault::ServerError, Some(4));
    proxy.inject("GetResources", Fault::Drop, Some(3));
    proxy.inject("GetAccountSettings", Fault::Throttle, Some(3));
    tui.send("r");
    std::thread::sleep(Duration::from_secs(4));
    let s = tui.text();
    assert!(shown(&s), "the figures stay through the bursts:\n{s}");

    // Every answer slow: every poller is busy. A key still reaches the screen at once.
    proxy.inject(ANY, Fault::Slow(Duration::from_secs(20)), None);
    tui.send("r");
    std::thread::sleep(Duration::from_secs(1));
    let pressed = Instant::now();
    tui.send("?");
    // Looked for every 5 ms (`wait_for` looks every 100 ms): the latency is the figure.
    while !tui.text().contains("Help") {
        assert!(
            pressed.elapsed() < Duration::from_secs(5),
            "a key went unanswered while AWS was slow:\n{}",
            tui.text()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let latency = pressed.elapsed();
    // For the README's Performance table (`--nocapture` shows it).
    eprintln!("a key while every poller waits on AWS: on screen after {latency:?}");
    // One frame is 33 ms; the pty and the test's polling add their own delays.
    assert!(latency < Duration::from_millis(1500), "{latency:?}");
    tui.send("\x1b");
    tui.wait_for(WAIT, |s| !s.contains("Help · Esc"))
        .unwrap_or_else(|s| panic!("help did not close:\n{s}"));
    assert!(shown(&tui.text()), "data kept while slow");

    // AWS is well again: no one has to do anything.
    proxy.clear();
    let s = tui
        .wait_for(Duration::from_secs(60), |s| {
            s.contains("no problems") && shown(s)
        })
        .unwrap_or_else(|s| panic!("did not recover by itself:\n{s}"));
    assert!(s.lines().next().unwrap().contains(" AWS "));
    // A throttle holds every GetMetricData request back for a while (`source/aws/pace.rs`),
    // so fewer of them meet the burst than were set for it.
    assert!(
        proxy.injected("GetMetricData") >= 1,
        "the bursts were served"
    );
    assert_eq!(tui.quit(), Some(0));
}

#[tokio::test]
async fn an_account_where_every_call_fails_is_one_line_and_a_failure() {
    for (region, fault, says) in [
        ("me-central-1", Fault::ServerError, "failed (500)"),
        ("ap-southeast-5", Fault::AccessDenied, "AccessDenied"),
    ] {
        let proxy = FaultProxy::start(&moto::url());
        proxy.inject(ANY, fault, None);
        let out = moto::lambdatop(&proxy.url, &["snapshot", "--region", region]);
        assert!(!out.status.success(), "{fault:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(says), "{fault:?}: {err}");
        assert!(out.stdout.is_empty());
        assert!(proxy.seen_total() > 0);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_of_an_account_where_every_call_fails_says_so_and_answers_keys() {
    let proxy = FaultProxy::start(&moto::url());
    proxy.inject(ANY, Fault::AccessDenied, None);
    let mut tui = Pty::spawn(
        &["--region", "ap-southeast-7", "--interval", "5"],
        &moto::env(&proxy.url),
        120,
        36,
    );
    let s = tui
        .wait_for(WAIT, |s| s.contains("AccessDenied"))
        .unwrap_or_else(|s| panic!("the failure never showed:\n{s}"));
    assert!(!s.contains("DEMO"), "never demo data in its place");
    tui.send("?");
    tui.wait_for(Duration::from_secs(5), |s| s.contains("Help"))
        .unwrap_or_else(|s| panic!("no help:\n{s}"));
    assert_eq!(tui.quit(), Some(0));
}

#[test]
fn stale_data_shows_its_age_in_the_warning_style_and_keeps_its_rows() {
    let mut store = demo_store();
    store.apply(SourceEvent::Problem {
        source: "metrics".into(),
        scope: "us-east-1".into(),
        kind: ProblemKind::Network,
        message: "cannot reach AWS".into(),
        at: t0() + Minutes::minutes(1),
    });
    store.apply(SourceEvent::Status {
        source: "demo".into(),
        state: LoadingState::Failed,
        at: t0() + Minutes::minutes(1),
    });
    let mut app = app_with(store, Window::H1);
    let fresh = screen(&render(&mut app, 160, 48));
    assert!(fresh.contains("data <1m old"), "{fresh}");

    app.set_now(t0() + Minutes::minutes(7));
    let terminal = render(&mut app, 160, 48);
    let s = screen(&terminal);
    let header = s.lines().next().unwrap();
    assert!(header.contains("data 7m old"), "{header}");
    assert!(
        header.contains("cannot reach AWS") || s.contains("cannot reach AWS"),
        "{s}"
    );
    let x = header.find("data 7m").unwrap();
    let x = unicode_width::UnicodeWidthStr::width(&header[..x]) as u16;
    let cell = &terminal.backend().buffer()[(x, 0)];
    assert_eq!(
        cell.fg,
        app.theme.warn.fg.unwrap(),
        "stale is drawn as a warning"
    );
    for name in ["payments-charge", "checkout-api", "identity-authorizer"] {
        assert!(line_with(&s, name).is_some(), "{name} kept:\n{s}");
    }
}

/// A watched opt-in region the account has not enabled refuses the credentials
/// (`UnrecognizedClientException`) while every other region takes them. That is said as
/// what it is, not as expired or bad credentials; the other region goes on (AWS General
/// Reference, *Managing AWS Regions*: opt-in regions must be enabled before use).
#[tokio::test]
async fn an_opt_in_region_not_enabled_is_called_that_not_bad_credentials() {
    let proxy = FaultProxy::start(&moto::url());
    // The signing region is in every request's Authorization header.
    proxy.inject_where(ANY, Some("/il-central-1/"), Fault::UnrecognizedClient, None);
    let out = moto::lambdatop(
        &proxy.url,
        &[
            "snapshot",
            "--format",
            "json",
            "--region",
            "eu-west-3,il-central-1",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = v["problems"].to_string();
    assert!(
        problems.contains("il-central-1 is an opt-in region this account has not enabled"),
        "{problems}"
    );
    assert!(!problems.contains("credentials"), "{problems}");
    assert_eq!(v["account_id"], "123456789012", "the caller is known");
    assert!(proxy.injected("ListFunctions") > 0);
}
