//! The dashboard shares each API's quota with the people it serves: every request of an
//! account goes through one budget per region and API, at a share of the documented rate,
//! and a throttled answer holds the whole API back (`source/aws/pace.rs`).

use std::process::Command;
use std::time::Duration;

use crate::accounts::{create_in, credentials_of};
use crate::fault_proxy::{Fault, FaultProxy};
use crate::moto;

/// An account of its own, so its 300 functions are in no other test's fleet.
const ACCOUNT: &str = "606060606060";

fn snapshot(proxy: &FaultProxy, region: &str) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["snapshot", "--format", "json", "--window", "15m"])
        .args(["--region", region])
        .envs(moto::env(&proxy.url))
        .envs(moto::assumed(ACCOUNT))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "snapshot failed: {stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["functions"].as_array().map(Vec::len), Some(300), "{v}");
    v
}

/// The budget of Lambda's control plane in `region`, as `snapshot` reports it.
fn lambda_budget<'a>(v: &'a serde_json::Value, region: &str) -> &'a serde_json::Value {
    v["api_usage"]["paced"]
        .as_array()
        .and_then(|p| {
            p.iter()
                .find(|b| b["service"] == "lambda" && b["region"] == region)
        })
        .unwrap_or_else(|| panic!("no Lambda budget in {}", v["api_usage"]))
}

/// Lambda's control plane takes 15 requests a second per account and region for every call
/// but invocations, GetFunction and GetPolicy together (Lambda Developer Guide, *Lambda
/// quotas*: "Control plane API requests"), and the team's deploys and rollbacks need it most
/// during an incident. A 300-function fleet's first read (inventory pages, the account's
/// limits, event-source mappings, asynchronous configurations, reserved and provisioned
/// concurrency, aliases: every source at once) sends at most the default share, 33 %, of it
/// in any second: 4.
#[tokio::test]
async fn a_fleets_first_read_keeps_to_its_share_of_lambdas_control_plane() {
    let region = "eu-west-1";
    let _ = credentials_of(ACCOUNT);
    for i in 0..300 {
        create_in(ACCOUNT, region, &format!("svc-{i:03}"), &[]).await;
    }
    let proxy = FaultProxy::start(&moto::url());
    let v = snapshot(&proxy, region);
    let (most, all) = proxy.most_in_a_second("lambda");
    assert!(all >= 20, "the first read asks Lambda {all} times");
    assert!(
        most <= 4,
        "{most} Lambda requests in one second, of {all}: more than 33 % of 15"
    );
    // The JSON says what it keeps to.
    let budget = lambda_budget(&v, region);
    assert_eq!(budget["documented_per_second"], 15.0, "{budget}");
    assert_eq!(budget["per_second"], 4.0, "{budget}");
    assert_eq!(budget["throttled"], 0, "{budget}");

    // Throttled once, the whole API waits: no Lambda request of any kind goes for the next
    // second, not just the one the SDK retries.
    proxy.clear();
    proxy.inject("ListFunctions", Fault::Throttle, Some(1));
    let v = snapshot(&proxy, region);
    assert_eq!(proxy.injected("ListFunctions"), 1);
    assert_eq!(lambda_budget(&v, region)["throttled"], 1);
    let at = proxy.arrivals("lambda");
    let throttled = at
        .iter()
        .position(|(op, _)| *op == "ListFunctions")
        .expect("ListFunctions asked");
    let (_, then) = at[throttled];
    let (next, when) = at.get(throttled + 1).expect("Lambda asked again");
    assert!(
        *when - then >= Duration::from_millis(900),
        "{next} went {:?} after the throttled ListFunctions",
        *when - then
    );
}

/// An account of its own for the log pane's turn: eight functions, no other test's.
const WAITING: &str = "616161616161";

/// Someone opening the log pane waits on no background read. FilterLogEvents takes 5
/// requests a second per account and region (AWS Knowledge Center, *How do I determine
/// throttling in my CloudWatch logs?*); at `--api-share 5` that is one every 4.4 s, and the
/// REPORT reads of eight functions wait their turns. The log pane's read takes the next turn,
/// ahead of those still waiting. Before, it queued behind them all: on a loaded machine the
/// log pane of a shared region stayed blank for over 40 s (`live::the_log_pane_reads_a_…`).
#[tokio::test(flavor = "multi_thread")]
async fn the_log_pane_reads_ahead_of_the_background_in_its_budget() {
    use crate::pty::Pty;
    let region = "eu-west-1";
    let _ = credentials_of(WAITING);
    for i in 0..8 {
        create_in(WAITING, region, &format!("tail-{i}"), &[]).await;
    }
    let proxy = FaultProxy::start(&moto::url());
    let mut env = moto::env(&proxy.url);
    env.extend(moto::assumed(WAITING));
    env.push(("TERM".into(), "xterm-256color".into()));
    let mut tui = Pty::spawn(&["--region", region, "--api-share", "5"], &env, 120, 36);
    let wait = Duration::from_secs(60);
    tui.wait_for(wait, |s| s.contains("tail-7"))
        .unwrap_or_else(|s| panic!("no fleet:\n{s}"));
    let report = |b: &String| b.contains("REPORT RequestId");
    let started = std::time::Instant::now();
    while !proxy.bodies("FilterLogEvents").iter().any(report) {
        assert!(started.elapsed() < wait, "no REPORT read");
        std::thread::sleep(Duration::from_millis(50));
    }
    tui.send("/tail-7\r");
    tui.wait_for(wait, |s| s.contains("filter 'tail-7'"))
        .unwrap_or_else(|s| panic!("no filter:\n{s}"));
    let sent = proxy.bodies("FilterLogEvents").len();
    tui.send("l");
    let pane = |b: &String| b.contains("/aws/lambda/tail-7") && !report(b);
    while !proxy.bodies("FilterLogEvents").iter().any(pane) {
        assert!(started.elapsed() < 2 * wait, "the log pane never read");
        std::thread::sleep(Duration::from_millis(50));
    }
    let bodies = proxy.bodies("FilterLogEvents");
    let first = bodies.iter().position(pane).unwrap();
    // Requests sent after the key: a REPORT read whose turn had already come, at most.
    let ahead = bodies[sent.min(first)..first].len();
    assert!(
        ahead <= 1,
        "the log pane's read waited behind {ahead} background reads:\n{bodies:#?}"
    );
    assert_eq!(tui.quit(), Some(0));
}
