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
