//! Several accounts in one view, against moto's separate state per account behind
//! `sts:AssumeRole` (a role's credentials see that account's functions, metrics and logs).
//! The peer in front of moto refuses one account's role as STS does when the role's trust
//! policy does not name the caller (STS API Reference, *AssumeRole*: "AccessDenied … not
//! authorized to perform: sts:AssumeRole"); moto itself trusts every caller.

use std::process::Command;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, Runtime};
use serde_json::Value;

use crate::fault_proxy::{Fault, FaultProxy};
use crate::moto::{self, STEADY_MINUTES};

const A: &str = "111111111111";
const B: &str = "222222222222";
const DENIED: &str = "333333333333";

/// moto's credentials for `account`, as the SDK takes them.
pub(crate) fn credentials_of(account: &str) -> aws_credential_types::Credentials {
    let env = moto::assumed(account);
    let get = |k: &str| env.iter().find(|(n, _)| n == k).unwrap().1.clone();
    aws_credential_types::Credentials::new(
        get("AWS_ACCESS_KEY_ID"),
        get("AWS_SECRET_ACCESS_KEY"),
        Some(get("AWS_SESSION_TOKEN")),
        None,
        "moto-assumed",
    )
}

/// Creates function `name` with `tags` in `account`'s `region`, and its role there.
pub(crate) async fn create_in(account: &str, region: &str, name: &str, tags: &[(&str, &str)]) {
    let creds = credentials_of(account);
    let (status, text) = moto::http(
        &moto::url(),
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            (
                "Authorization",
                &format!(
                    "AWS4-HMAC-SHA256 Credential={}/20261201/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
                    creds.access_key_id()
                ),
            ),
        ],
        "Action=CreateRole&Version=2010-05-08&RoleName=lambda-role&AssumeRolePolicyDocument=%7B%7D",
    );
    assert!(
        status == 200 || text.contains("EntityAlreadyExists"),
        "CreateRole: {text}"
    );
    let lambda = aws_sdk_lambda::Client::from_conf(
        aws_sdk_lambda::Config::builder()
            .behavior_version(aws_sdk_lambda::config::BehaviorVersion::latest())
            .region(aws_sdk_lambda::config::Region::new(region.to_string()))
            .endpoint_url(moto::url())
            .credentials_provider(creds)
            .build(),
    );
    let mut req = lambda
        .create_function()
        .function_name(name)
        .runtime(Runtime::Python312)
        .role(format!("arn:aws:iam::{account}:role/lambda-role"))
        .handler("app.handler")
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(moto::EMPTY_ZIP.to_vec()))
                .build(),
        );
    for (k, v) in tags {
        req = req.tags(*k, *v);
    }
    req.send()
        .await
        .unwrap_or_else(|e| panic!("CreateFunction {name} in {account}: {e:?}"));
}

/// Puts `value` of `metric` for `function` in `account`'s `region` over `STEADY_MINUTES`.
pub(crate) async fn put_in(account: &str, region: &str, function: &str, metric: &str, value: f64) {
    put_in_at(account, region, function, metric, value, STEADY_MINUTES).await;
}

/// Puts `value` of `metric` for `function` in `account`'s `region` at each of `minutes_ago`.
pub(crate) async fn put_in_at(
    account: &str,
    region: &str,
    function: &str,
    metric: &str,
    value: f64,
    minutes_ago: impl IntoIterator<Item = i64>,
) {
    use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
    let cloudwatch = cloudwatch_of(account, region);
    let now = chrono::Utc::now().timestamp();
    let this_minute = now - now.rem_euclid(60);
    let data: Vec<MetricDatum> = minutes_ago
        .into_iter()
        .map(|k| {
            MetricDatum::builder()
                .metric_name(metric)
                .dimensions(
                    Dimension::builder()
                        .name("FunctionName")
                        .value(function)
                        .build(),
                )
                .timestamp(aws_smithy_types::DateTime::from_secs(
                    this_minute - k * 60 + 10,
                ))
                .value(value)
                .unit(StandardUnit::Count)
                .build()
        })
        .collect();
    // PutMetricData takes up to 1,000 metrics a request.
    for chunk in data.chunks(1_000) {
        cloudwatch
            .put_metric_data()
            .namespace("AWS/Lambda")
            .set_metric_data(Some(chunk.to_vec()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("PutMetricData {function} in {account}: {e:?}"));
    }
}

/// Writes `(milliseconds, message)` events to `function`'s log group in `account`'s
/// `region`, in one stream.
pub(crate) async fn put_logs_of(
    account: &str,
    region: &str,
    function: &str,
    events: &[(i64, String)],
) {
    let logs = aws_sdk_cloudwatchlogs::Client::from_conf(
        aws_sdk_cloudwatchlogs::Config::builder()
            .behavior_version(aws_sdk_cloudwatchlogs::config::BehaviorVersion::latest())
            .region(aws_sdk_cloudwatchlogs::config::Region::new(
                region.to_string(),
            ))
            .endpoint_url(moto::url())
            .credentials_provider(credentials_of(account))
            .build(),
    );
    let group = format!("/aws/lambda/{function}");
    moto::put_logs_with(&logs, &group, "2026/12/01/[$LATEST]a", events).await;
}

/// CloudWatch in `account`'s `region` on moto.
pub(crate) fn cloudwatch_of(account: &str, region: &str) -> aws_sdk_cloudwatch::Client {
    aws_sdk_cloudwatch::Client::from_conf(
        aws_sdk_cloudwatch::Config::builder()
            .behavior_version(aws_sdk_cloudwatch::config::BehaviorVersion::latest())
            .region(aws_sdk_cloudwatch::config::Region::new(region.to_string()))
            .endpoint_url(moto::url())
            .credentials_provider(credentials_of(account))
            .build(),
    )
}

/// `lambdatop snapshot --format json` with `args` against `endpoint` as `account` (its
/// credentials assumed, no profile), which must succeed.
pub(crate) fn snapshot_as(endpoint: &str, account: &str, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["snapshot", "--format", "json"])
        .args(args)
        .envs(moto::env(endpoint))
        .envs(moto::assumed(account))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "snapshot failed: {stderr}");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// `lambdatop snapshot --format json` with `args` against `endpoint`, which must succeed.
fn snapshot(endpoint: &str, env: &[(String, String)], args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["snapshot", "--format", "json", "--window", "15m"])
        .args(args)
        .envs(moto::env(endpoint))
        .envs(env.iter().cloned())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "snapshot failed: {stderr}");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The rows of `name`, by account id.
fn rows_of<'a>(v: &'a Value, name: &str) -> Vec<(&'a str, &'a Value)> {
    let mut rows: Vec<(&str, &Value)> = v["functions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"] == name)
        .map(|f| (f["account_id"].as_str().unwrap(), f))
        .collect();
    rows.sort_by_key(|(id, _)| *id);
    rows
}

fn account<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("no account {id} in {}", v["accounts"]))
}

/// The same function name in two accounts reached by assuming a role in each: two rows, each
/// under its account, each with its own figures; one project across both; and the account
/// whose role cannot be assumed is one problem of its own while the others are read.
#[tokio::test]
async fn roles_assumed_in_each_account_show_each_accounts_functions_apart() {
    let region = "eu-west-1";
    for (account, own) in [(A, "orders-a"), (B, "orders-b")] {
        create_in(account, region, "checkout", &[("project", "shop")]).await;
        create_in(account, region, own, &[]).await;
    }
    put_in(A, region, "checkout", "Invocations", 10.0).await;
    put_in(A, region, "checkout", "Errors", 1.0).await;
    put_in(B, region, "checkout", "Invocations", 20.0).await;
    put_in(B, region, "checkout", "Errors", 0.0).await;

    let proxy = FaultProxy::start(&moto::url());
    proxy.inject_where("AssumeRole", Some(DENIED), Fault::AccessDenied, None);
    let accounts = format!("{A},{B},{DENIED}");
    let v = snapshot(
        &proxy.url,
        &[],
        &["--region", region, "--accounts", &accounts],
    );

    let checkout = rows_of(&v, "checkout");
    assert_eq!(
        checkout.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        [A, B]
    );
    let minutes = STEADY_MINUTES.count() as u64;
    assert_eq!(checkout[0].1["invocations"], 10 * minutes);
    assert_eq!(checkout[0].1["errors"], minutes);
    assert_eq!(checkout[1].1["invocations"], 20 * minutes);
    assert_eq!(checkout[1].1["errors"], 0);
    assert_eq!(rows_of(&v, "orders-a")[0].0, A);
    assert_eq!(rows_of(&v, "orders-b")[0].0, B);
    assert!(rows_of(&v, "orders-a").len() == 1 && rows_of(&v, "orders-b").len() == 1);

    // One project across both accounts.
    let shop: Vec<&Value> = v["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] == "shop")
        .collect();
    assert_eq!(shop.len(), 1);
    assert_eq!(shop[0]["functions"], 2);
    assert_eq!(shop[0]["invocations"], 30 * minutes);

    // Each account listed; the refused one has no figure, and its one problem.
    assert_eq!(
        v["accounts"].as_array().unwrap().len(),
        3,
        "{}",
        v["accounts"]
    );
    assert_eq!(account(&v, A)["functions"], 2);
    assert_eq!(account(&v, A)["problems"], 0);
    assert_eq!(account(&v, A)["regions"], serde_json::json!([region]));
    assert_eq!(account(&v, DENIED)["functions"], Value::Null);
    assert_eq!(account(&v, DENIED)["problems"], 1);
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["account_id"], DENIED);
    let message = problems[0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!(
            "cannot assume arn:aws:iam::{DENIED}:role/lambdatop-read"
        )) && message.contains("AccessDenied"),
        "{message}"
    );
    // Each account reached has its own API bill; the refused one asked nothing.
    for id in [A, B] {
        assert!(
            account(&v, id)["api_requests"].as_u64().unwrap() > 0,
            "{}",
            v["accounts"]
        );
    }
    assert_eq!(account(&v, DENIED)["api_requests"], Value::Null);
    // Each account's requests are on the dashboard's bill, the roles assumed among them.
    let ops = v["api_usage"]["operations"].as_array().unwrap();
    let assumed = ops
        .iter()
        .find(|o| o["operation"] == "AssumeRole")
        .expect("AssumeRole on the bill");
    assert!(assumed["requests"].as_u64().unwrap() >= 2, "{assumed}");
    let listed = ops
        .iter()
        .find(|o| o["operation"] == "ListFunctions")
        .unwrap();
    assert_eq!(
        listed["requests"], 2,
        "one ListFunctions an account reached"
    );
}

/// Several profiles, each its own account: each profile's functions under the id its
/// credentials reach (GetCallerIdentity), and a profile with no credentials a problem of its
/// own while the others are read.
#[tokio::test]
async fn several_profiles_are_several_accounts() {
    let region = "ap-northeast-1";
    let (a, b) = ("444444444444", "555555555555");
    create_in(a, region, "render", &[]).await;
    create_in(b, region, "render", &[]).await;
    let dir = std::env::temp_dir().join(format!("lambdatop-profiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut credentials = String::new();
    for (profile, account) in [("prod", a), ("staging", b)] {
        let env = moto::assumed(account);
        let get = |k: &str| env.iter().find(|(n, _)| n == k).unwrap().1.clone();
        credentials.push_str(&format!(
            "[{profile}]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n\n",
            get("AWS_ACCESS_KEY_ID"),
            get("AWS_SECRET_ACCESS_KEY"),
            get("AWS_SESSION_TOKEN")
        ));
    }
    let file = dir.join("credentials");
    std::fs::write(&file, credentials).unwrap();
    let env = vec![
        (
            "AWS_SHARED_CREDENTIALS_FILE".to_string(),
            file.to_str().unwrap().to_string(),
        ),
        ("AWS_ACCESS_KEY_ID".to_string(), String::new()),
        ("AWS_SECRET_ACCESS_KEY".to_string(), String::new()),
    ];
    let v = snapshot(
        &moto::url(),
        &env,
        &["--region", region, "--profile", "prod,staging,nowhere"],
    );
    let render = rows_of(&v, "render");
    assert_eq!(render.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [a, b]);
    assert_eq!(account(&v, a)["functions"], 1);
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("profile nowhere"),
        "{problems:?}"
    );
}

/// The dashboard among several accounts, in a real terminal: an ACCOUNT column tells the
/// same name's rows apart, `:account` narrows every pane to one, `Esc` widens again, and the
/// account whose role cannot be assumed is counted among the problems.
#[tokio::test]
async fn the_dashboard_shows_whose_account_and_narrows_to_one() {
    // The dashboard asks Cost Explorer, whose answers moto queues for the whole server.
    let _turn = crate::cost::COST_EXPLORER.lock().await;
    let region = "sa-east-1";
    for account in [A, B] {
        create_in(account, region, "ingest", &[]).await;
    }
    create_in(B, region, "b-reports", &[]).await;
    let proxy = FaultProxy::start(&moto::url());
    proxy.inject_where("AssumeRole", Some(DENIED), Fault::AccessDenied, None);
    let mut env = moto::env(&proxy.url);
    env.push(("TERM".into(), "xterm-256color".into()));
    let accounts = format!("{A},{B},{DENIED}");
    let mut pty = crate::pty::Pty::spawn(
        &[
            "--region",
            region,
            "--window",
            "15m",
            "--accounts",
            &accounts,
        ],
        &env,
        120,
        30,
    );
    let wait = std::time::Duration::from_secs(30);
    let screen = pty
        .wait_for(wait, |s| {
            let row_of = |id: &str| s.lines().any(|l| l.contains("ingest") && l.contains(id));
            s.contains("ACCOUNT") && s.contains("b-reports") && row_of(A) && row_of(B)
        })
        .unwrap_or_else(|s| panic!("no ACCOUNT column with both accounts' rows:\n{s}"));
    assert!(screen.contains("3 acct"), "{screen}");
    assert!(screen.contains("⚠ 1 problem"), "{screen}");

    pty.send(&format!(":account {B}\r"));
    let narrowed = pty
        .wait_for(wait, |s| s.contains(&format!("account {B}: 2 functions")))
        .unwrap_or_else(|s| panic!("not narrowed to {B}:\n{s}"));
    assert!(
        !narrowed.lines().any(|l| l.contains(A)),
        "a row of {A} is left:\n{narrowed}"
    );
    pty.send("\x1b");
    pty.wait_for(wait, |s| {
        s.lines().any(|l| l.contains("ingest") && l.contains(A))
    })
    .unwrap_or_else(|s| panic!("Esc did not widen:\n{s}"));
    pty.quit();
}

/// The monitoring-account path, through the peer (moto serves neither Observability Access
/// Manager nor linked accounts): the source accounts linked to the caller's sink are found
/// with `oam:ListSinks` and `oam:ListAttachedLinks`, each one's functions with `ListMetrics`
/// (`IncludeLinkedAccounts`, `OwningAccount`), and its figures with `GetMetricData` queries
/// that carry its `AccountId` (CloudWatch API Reference, *ListMetrics*, *MetricDataQuery*;
/// OAM API Reference, *ListAttachedLinks*). With no role in them, their rows are what the
/// metrics know: no runtime or memory, and the account says it is read by its metrics only.
#[tokio::test]
async fn a_monitoring_account_reads_its_linked_accounts_through_their_metrics() {
    let region = "ap-northeast-1";
    let (payments, search) = ("666666666666", "777777777777");
    create_in(payments, region, "charge", &[]).await;
    create_in(search, region, "charge", &[]).await;
    put_in(payments, region, "charge", "Invocations", 10.0).await;
    put_in(payments, region, "charge", "Errors", 2.0).await;
    put_in(search, region, "charge", "Invocations", 5.0).await;

    let proxy = FaultProxy::start(&moto::url());
    let sink = format!("arn:aws:oam:{region}:123456789012:sink/f00d");
    proxy.answer(
        "ListSinks",
        &format!(r#"{{"Items":[{{"Arn":"{sink}","Id":"f00d","Name":"monitoring"}}]}}"#),
    );
    proxy.answer(
        "ListAttachedLinks",
        &format!(
            r#"{{"Items":[
                {{"Label":"payments-prod","LinkArn":"arn:aws:oam:{region}:{payments}:link/a1","ResourceTypes":["AWS::CloudWatch::Metric","AWS::Logs::LogGroup"]}},
                {{"Label":"search-prod","LinkArn":"arn:aws:oam:{region}:{search}:link/b2","ResourceTypes":["AWS::CloudWatch::Metric"]}},
                {{"Label":"traces-only","LinkArn":"arn:aws:oam:{region}:888888888888:link/c3","ResourceTypes":["AWS::XRay::Trace"]}}
            ]}}"#
        ),
    );
    for account in [payments, search] {
        proxy.link_account(account, credentials_of(account).access_key_id());
    }
    let v = snapshot(
        &proxy.url,
        &[],
        &["--region", region, "--monitoring-account"],
    );

    let charge = rows_of(&v, "charge");
    assert_eq!(
        charge.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        [payments, search]
    );
    let minutes = STEADY_MINUTES.count() as u64;
    assert_eq!(charge[0].1["invocations"], 10 * minutes);
    assert_eq!(charge[0].1["errors"], 2 * minutes);
    assert_eq!(charge[1].1["invocations"], 5 * minutes);
    // What the metrics do not hold is unknown, not made up.
    assert_eq!(charge[0].1["runtime"], Value::Null);
    assert_eq!(charge[0].1["memory_mb"], Value::Null);
    // Its timeout unknown, a linked function may be a 15-minute job whose invocations report
    // when they end (Lambda Developer Guide, *Viewing metrics*: "if your function has a
    // 10-minute timeout, then look more than 10 minutes in the past"): its last 17 minutes are
    // provisional, and a minute without a datapoint there is unknown, not a settled zero.
    assert!(
        charge[1].1["provisional_from"].is_string(),
        "{}",
        charge[1].1
    );
    assert_eq!(charge[1].1["errors"], Value::Null, "{}", charge[1].1);

    // The monitoring account itself and the two accounts sharing metrics; not the one that
    // shares only traces.
    let ids: Vec<&str> = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["123456789012", payments, search]);
    assert_eq!(account(&v, payments)["alias"], "payments-prod");
    assert_eq!(account(&v, payments)["metrics_only"], true);
    assert_eq!(account(&v, payments)["functions"], 1);
    assert_eq!(account(&v, "123456789012")["metrics_only"], false);

    // Every figure of a linked account was asked of the monitoring account by AccountId.
    let asked = proxy.bodies("GetMetricData");
    assert!(
        asked
            .iter()
            .any(|b| b.contains(&format!("AccountId={payments}"))),
        "{asked:?}"
    );
    for b in asked.iter().filter(|b| b.contains("AccountId=")) {
        let ids: std::collections::BTreeSet<&str> = b
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .filter(|(k, _)| k.ends_with(".AccountId"))
            .map(|(_, v)| v)
            .collect();
        assert_eq!(ids.len(), 1, "one account a request: {b}");
    }
    let listed = proxy.bodies("ListMetrics");
    assert!(
        listed
            .iter()
            .any(|b| b.contains("IncludeLinkedAccounts=true")
                && b.contains(&format!("OwningAccount={search}"))),
        "{listed:?}"
    );
    // What finding them cost is on the bill.
    let ops = v["api_usage"]["operations"].as_array().unwrap();
    for op in ["ListSinks", "ListAttachedLinks", "ListMetrics"] {
        assert!(
            ops.iter().any(|o| o["operation"] == op),
            "{op} not on the bill: {ops:?}"
        );
    }
}

/// The demo in three accounts, drawn off-screen: the ACCOUNT column at 80 and 160 columns,
/// `:account` narrowing the table, the task flow and the header's totals to one account, and
/// a project shared by the accounts broken down by account in the projects pane.
#[test]
fn several_accounts_on_screen_narrow_to_one_and_break_projects_down() {
    use crate::support::{app_with, line_with, render, screen, t0};
    use lambdatop::app::Screen;
    use lambdatop::source::demo::fixture::{demo_account, demo_accounts_store};
    use lambdatop::store::{DEFAULT_RETENTION_MINUTES, Window};
    use lambdatop::ui::format;
    use ratatui::crossterm::event::{KeyCode, KeyEvent};

    let store = demo_accounts_store(7, 3, 60, t0(), DEFAULT_RETENTION_MINUTES);
    let mut app = app_with(store, Window::H1);
    let type_in = |app: &mut lambdatop::app::App, s: &str| {
        for c in s.chars() {
            app.handle_key(KeyEvent::from(KeyCode::Char(c)));
        }
    };
    let (second, identity) = demo_account(1);
    let alias = identity.alias.clone().unwrap();
    for (w, h) in [(80, 24), (160, 48)] {
        let s = screen(&render(&mut app, w, h));
        assert!(s.contains("ACCOUNT"), "{w}x{h}:\n{s}");
        assert!(s.contains("3 acct") || s.contains("3 accounts"), "{s}");
        insta::assert_snapshot!(format!("accounts_{w}x{h}"), s);
    }
    let s = screen(&render(&mut app, 160, 48));
    // checkout-api of eu-west-1 in each of the three accounts: three rows.
    assert_eq!(
        s.lines()
            .filter(|l| l.contains("│checkout-api ") && l.contains("euw1"))
            .count(),
        3,
        "{s}"
    );

    type_in(&mut app, &format!(":account {alias}"));
    app.handle_key(KeyEvent::from(KeyCode::Enter));
    assert_eq!(app.scope.account, Some(second));
    let s = screen(&render(&mut app, 160, 48));
    let totals = app.figures().stats().accounts[&second].clone();
    assert!(
        s.contains(&format!("account {alias}: {} functions", totals.functions)),
        "{s}"
    );
    assert!(s.contains(&format!("Task flow · account {alias}")), "{s}");
    // Its alarms: the demo's two in ALARM, not the three accounts' six.
    assert!(s.contains("▲ 2 alarms in ALARM"), "{s}");
    // The header's totals are the account's.
    let second_line = s.lines().nth(1).unwrap();
    assert!(
        second_line.contains(&format!("{} errors", format::count(totals.errors))),
        "{second_line}"
    );
    // Its rows only: checkout-api of each of its two regions.
    let rows: Vec<&str> = s.lines().filter(|l| l.contains("│checkout-api ")).collect();
    assert_eq!(rows.len(), 2, "{s}");
    assert!(rows.iter().all(|r| r.contains(&alias)), "{rows:?}");
    app.handle_key(KeyEvent::from(KeyCode::Esc));
    assert_eq!(app.scope.account, None);

    // The projects pane: a project is one across the accounts, broken down by account.
    type_in(&mut app, "p");
    assert!(matches!(app.screen, Screen::Projects(_)));
    let s = screen(&render(&mut app, 160, 48));
    assert!(s.contains("in 3 accounts"), "{s}");
    let selected = app.figures().project_chart().unwrap().project.clone();
    let share = app.figures().stats().project_accounts[&(selected.clone(), second)].clone();
    let row = line_with(&s, &format!("│{}", &alias[..10])).expect("the account's row");
    assert!(
        row.contains(&format::count(share.invocations)),
        "{selected} in {alias}: {row}"
    );
}

/// From an Organization's management account, the bill by linked account: Cost Explorer
/// grouped by `LINKED_ACCOUNT` (and, as every question, by `RECORD_TYPE`: *GetCostAndUsage*
/// takes up to two GroupBy definitions), each member's month on a line of its own.
#[tokio::test]
async fn the_management_account_bills_each_linked_account_apart() {
    use crate::cost::{BilledDay, COST_EXPLORER, month_days, queue_cost_answer};
    let _turn = COST_EXPLORER.lock().await;
    let days = month_days();
    let day: Vec<(Vec<&str>, &str)> = vec![
        (vec![A, "Usage"], "4.00"),
        (vec![B, "Usage"], "1.50"),
        (vec![A, "SavingsPlanNegation"], "-1.00"),
    ];
    let seeded: Vec<BilledDay> = vec![(&days[0], day)];
    queue_cost_answer(None, &seeded);
    let proxy = FaultProxy::start(&moto::url());
    proxy.answer(
        "GetCostForecast",
        r#"{"Total":{"Amount":"1.0","Unit":"USD"},"ForecastResultsByTime":[]}"#,
    );
    let cache =
        std::env::temp_dir().join(format!("lambdatop-accounts-cost-{}", std::process::id()));
    let (v, _) = crate::cost::cost(
        &proxy.url,
        &cache,
        &[
            "--group-by",
            "account",
            "--all-accounts",
            "--refresh",
            "--region",
            "me-central-1",
        ],
    );
    assert_eq!(v["group_by"], "account");
    let group = |id: &str| crate::cost::group(&v, id).clone();
    let close = crate::cost::close;
    // Usage at on-demand rates, and the net after the Savings Plan, each account's own.
    assert!(close(&group(A)["mtd_usd"], 4.0), "{v:#}");
    assert!(close(&group(A)["net_usd"], 3.0), "{v:#}");
    assert!(close(&group(B)["mtd_usd"], 1.5), "{v:#}");
    // The estimate reads the caller's own functions only: another account's is unknown.
    assert_eq!(group(B)["estimate_usd"], Value::Null);
    let asked = proxy.bodies("GetCostAndUsage");
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0].contains(r#"{"Type":"DIMENSION","Key":"LINKED_ACCOUNT"}"#),
        "{}",
        asked[0]
    );
    // The whole bill: no account filter from the management account with --all-accounts.
    assert!(
        !asked[0].contains(r#""Key":"LINKED_ACCOUNT","Values""#),
        "{}",
        asked[0]
    );
}
