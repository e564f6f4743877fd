//! The dashboard against moto's server, live, as a user sees it in a terminal: the fleet
//! appears, changes when the account changes, survives the endpoint going away (the problem
//! shows in the header, the data already on screen stays) and recovers by itself.

use std::time::Duration;

use crate::fault_proxy::{Fault, FaultProxy};
use crate::moto::{self, STEADY_MINUTES, Spec, create_function, put_metric};
use crate::pty::Pty;
use crate::support::line_with;

// Generous: a loaded CI machine polls slowly.
const WAIT: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_follows_the_account_through_an_outage() {
    let region = "me-south-1";
    create_function(
        region,
        &Spec {
            tags: &[("project", "geo")],
            memory_mb: 256,
            ..Spec::new("geo-lookup")
        },
    )
    .await;
    create_function(
        region,
        &Spec {
            tags: &[("project", "geo")],
            ..Spec::new("geo-retired")
        },
    )
    .await;
    put_metric(region, "geo-lookup", "Invocations", 40.0, STEADY_MINUTES).await;
    put_metric(region, "geo-lookup", "Errors", 8.0, STEADY_MINUTES).await;
    put_metric(region, "geo-lookup", "Duration", 300.0, STEADY_MINUTES).await;

    let proxy = FaultProxy::start(&moto::url());
    let mut env = moto::env(&proxy.url);
    env.push(("TERM".into(), "xterm-256color".into()));
    let mut tui = Pty::spawn(
        &["--region", region, "--window", "15m", "--interval", "5"],
        &env,
        120,
        36,
    );

    // The fleet, labelled AWS, with its figures.
    let screen = tui
        .wait_for(WAIT, |s| {
            line_with(s, "geo-lookup").is_some_and(|r| r.contains("20%"))
        })
        .unwrap_or_else(|s| panic!("fleet never appeared:\n{s}"));
    assert!(screen.lines().next().unwrap().contains(" AWS "), "{screen}");
    assert!(!screen.contains("DEMO"));
    let r = line_with(&screen, "geo-lookup").unwrap();
    assert!(r.contains(" 96 "), "8 errors a minute for 12 minutes: {r}");
    assert!(
        screen.contains("me-south-1 p99"),
        "the p99 problem is in the header:\n{screen}"
    );

    // The account changes: one function deleted, one added; `r` refreshes at once.
    moto::lambda(region)
        .delete_function()
        .function_name("geo-retired")
        .send()
        .await
        .unwrap();
    create_function(region, &Spec::new("geo-fresh")).await;
    tui.send("r");
    tui.wait_for(WAIT, |s| {
        s.contains("geo-fresh") && !s.contains("geo-retired")
    })
    .unwrap_or_else(|s| panic!("inventory did not follow the account:\n{s}"));

    // The endpoint goes away: the header says so, the data on screen stays.
    proxy.set_down(true);
    tui.send("r");
    let screen = tui
        .wait_for(WAIT, |s| s.contains("cannot reach AWS"))
        .unwrap_or_else(|s| panic!("the outage never showed:\n{s}"));
    assert!(
        line_with(&screen, "geo-lookup").is_some_and(|r| r.contains("20%")),
        "data kept:\n{screen}"
    );

    // Keys still answer during the outage.
    tui.send("?");
    tui.wait_for(WAIT, |s| s.contains("Help"))
        .unwrap_or_else(|s| panic!("no help:\n{s}"));
    tui.send("\x1b");
    // A lone Esc must not run into the next key (it would read as Alt-key): wait it out.
    tui.wait_for(WAIT, |s| !s.contains("Help · Esc"))
        .unwrap_or_else(|s| panic!("help did not close:\n{s}"));

    // Back up: the problem clears by itself on the next poll.
    proxy.set_down(false);
    tui.wait_for(Duration::from_secs(30), |s| {
        !s.contains("cannot reach AWS") && s.contains("geo-lookup")
    })
    .unwrap_or_else(|s| panic!("did not recover:\n{s}"));

    // Expired credentials mid-run show as such, and clear when they are fixed.
    proxy.inject("ListFunctions", Fault::ExpiredToken, None);
    tui.send("r");
    tui.wait_for(WAIT, |s| s.contains("ExpiredTokenException"))
        .unwrap_or_else(|s| panic!("expired credentials not shown:\n{s}"));
    proxy.clear();
    tui.send("r");
    tui.wait_for(WAIT, |s| !s.contains("ExpiredTokenException"))
        .unwrap_or_else(|s| panic!("did not recover from expired credentials:\n{s}"));

    assert_eq!(tui.quit(), Some(0));
}

#[test]
fn the_demo_log_pane_follows_live() {
    let env = vec![
        ("LAMBDATOP_LOG".to_string(), "off".to_string()),
        ("TERM".to_string(), "xterm-256color".to_string()),
    ];
    let mut tui = Pty::spawn(&["--demo"], &env, 120, 36);
    tui.wait_for(WAIT, |s| {
        s.contains("DEMO") && s.contains("payments-charge")
    })
    .unwrap_or_else(|s| panic!("no dashboard:\n{s}"));
    // Which function leads the error sort depends on the hour: pick one by name.
    let screen = tui.logs_of("payments-charge", WAIT);
    assert!(screen.contains("following"));
    assert_eq!(tui.quit(), Some(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_log_pane_follows_a_function_on_aws_and_filters() {
    let region = "ap-northeast-3";
    create_function(region, &Spec::new("tailed-fn")).await;
    let now = chrono::Utc::now().timestamp_millis();
    let put = |ms: i64, m: &str| (ms, m.to_string());
    crate::moto::put_logs(
        region,
        "tailed-fn",
        "s",
        &[
            put(now - 120_000, "INFO warming up"),
            put(now - 60_000, "ERROR \x1b[31mbad\x1b[0m thing"),
        ],
    )
    .await;

    let mut env = moto::env(&moto::url());
    env.push(("TERM".into(), "xterm-256color".into()));
    let mut tui = Pty::spawn(&["--region", region], &env, 120, 36);
    tui.wait_for(WAIT, |s| s.contains("tailed-fn"))
        .unwrap_or_else(|s| panic!("no fleet:\n{s}"));
    tui.send("l");
    let screen = tui
        .wait_for(WAIT, |s| {
            s.contains("Logs · tailed-fn (ap-northeast-3)") && s.contains("ERROR bad thing")
        })
        .unwrap_or_else(|s| panic!("no logs:\n{s}"));
    assert!(screen.contains("INFO warming up"));

    // A line written now arrives within a few polls.
    crate::moto::put_logs(
        region,
        "tailed-fn",
        "s",
        &[put(
            chrono::Utc::now().timestamp_millis(),
            "INFO fresh line",
        )],
    )
    .await;
    tui.wait_for(WAIT, |s| s.contains("INFO fresh line"))
        .unwrap_or_else(|s| panic!("not followed:\n{s}"));

    // The filter narrows what is shown.
    tui.send("/ERROR\r");
    let screen = tui
        .wait_for(WAIT, |s| {
            s.contains("filter 'ERROR'") && !s.contains("INFO fresh line")
        })
        .unwrap_or_else(|s| panic!("filter did not apply:\n{s}"));
    assert!(screen.contains("ERROR bad thing"));
    assert_eq!(tui.quit(), Some(0));
}

/// The log pane of a function that logs to a group shared with another (its `LoggingConfig`,
/// given by the test peer since moto drops it): its own lines, none of the other's, and
/// none of the "never ran" of a reader that looked in `/aws/lambda/NAME`.
#[tokio::test(flavor = "multi_thread")]
async fn the_log_pane_reads_a_function_in_a_shared_group() {
    use crate::fault_proxy::FaultProxy;
    // Shared with other tests: the fleet is narrowed to these functions with the filter.
    let region = "eu-west-3";
    create_function(region, &Spec::new("pane-cart")).await;
    create_function(region, &Spec::new("pane-pay")).await;
    let now = chrono::Utc::now();
    let day = now.format("%Y/%m/%d");
    let ms = now.timestamp_millis() - 60_000;
    for (name, line) in [
        ("pane-cart", "INFO cart checked out"),
        ("pane-pay", "INFO pay captured"),
    ] {
        crate::moto::put_logs_in(
            region,
            "/apps/pane",
            &format!("{day}/{name}[$LATEST]0123abcd"),
            &[(ms, line.to_string())],
        )
        .await;
    }
    let proxy = FaultProxy::start(&moto::url());
    proxy.logging_config("pane-cart", "Text", Some("/apps/pane"));
    proxy.logging_config("pane-pay", "Text", Some("/apps/pane"));
    proxy.filter_logs_as_aws();
    let mut env = moto::env(&proxy.url);
    env.push(("TERM".into(), "xterm-256color".into()));
    let mut tui = Pty::spawn(&["--region", region], &env, 120, 36);
    tui.wait_for(WAIT, |s| s.contains("pane-cart"))
        .unwrap_or_else(|s| panic!("no fleet:\n{s}"));
    tui.send("/pane-cart\r");
    tui.wait_for(WAIT, |s| s.contains("filter 'pane-cart'"))
        .unwrap_or_else(|s| panic!("no filter:\n{s}"));
    tui.send("l");
    let screen = tui
        .wait_for(WAIT, |s| {
            s.contains("Logs · pane-cart") && s.contains("INFO cart checked out")
        })
        .unwrap_or_else(|s| panic!("no logs:\n{s}"));
    assert!(!screen.contains("INFO pay captured"), "{screen}");
    assert!(!screen.contains("no log group"), "{screen}");
    assert_eq!(tui.quit(), Some(0));
}
