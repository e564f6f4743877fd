//! Capacity as AWS enforces it, against moto and the realistic peer: reserved concurrency set
//! with moto's PutFunctionConcurrency and read with GetFunctionConcurrency; the account's
//! limits (GetAccountSettings, which moto does not serve) and provisioned concurrency
//! (ListProvisionedConcurrencyConfigs, likewise) answered by the peer as the Lambda API
//! Reference documents them (*GetAccountSettings*, *ListProvisionedConcurrencyConfigs*);
//! the pools' metrics as the Lambda Developer Guide names them (*Monitoring concurrency*:
//! `UnreservedConcurrentExecutions`, `ClaimedAccountConcurrency`; *Types of metrics*:
//! `ProvisionedConcurrencyUtilization`, `ProvisionedConcurrencySpilloverInvocations`, per
//! `FunctionName` and `Resource`).

use chrono::{Duration, Utc};
use lambdatop::app::{App, AppOptions};
use lambdatop::source::Source;
use lambdatop::store::figures::{ThrottleCause, fleet_stats};
use lambdatop::store::{FunctionKey, Pool, Window, pricing};
use lambdatop::ui::theme::Theme;

use crate::fault_proxy::FaultProxy;
use crate::moto::{self, STEADY_MINUTES, Spec, create_function, put_metric, put_metric_with};
use crate::support::{account_at, empty_store, screen};

/// An account with 1,000 concurrent executions of which 900 are reserved: the functions that
/// share the remaining 100 throttle at 98 while all executions are far from 1,000. The header
/// shows that pool; each throttling function says what it ran into; provisioned concurrency is
/// read, costed and its use shown.
#[tokio::test(flavor = "multi_thread")]
async fn the_pool_that_throttles_and_each_functions_cap_are_shown() {
    let region = "eu-west-3";
    for name in ["cap-capped", "cap-warm", "cap-shared", "cap-aliased"] {
        create_function(region, &Spec::new(name)).await;
    }
    // An alias-based deploy: version 1 at 128 MB serves through `live` while `$LATEST` has
    // been raised to 1,024 MB.
    let lambda = moto::lambda(region);
    let v1 = lambda
        .publish_version()
        .function_name("cap-aliased")
        .send()
        .await
        .expect("PublishVersion");
    lambda
        .update_function_configuration()
        .function_name("cap-aliased")
        .memory_size(1024)
        .send()
        .await
        .expect("UpdateFunctionConfiguration");
    lambda
        .create_alias()
        .function_name("cap-aliased")
        .name("live")
        .function_version(v1.version().unwrap())
        .send()
        .await
        .expect("CreateAlias");
    moto::lambda(region)
        .put_function_concurrency()
        .function_name("cap-capped")
        .reserved_concurrent_executions(5)
        .send()
        .await
        .expect("PutFunctionConcurrency");
    for (name, metric, value) in [
        ("cap-capped", "Invocations", 10.0),
        ("cap-capped", "Throttles", 3.0),
        ("cap-capped", "ConcurrentExecutions", 5.0),
        ("cap-shared", "Invocations", 20.0),
        ("cap-shared", "Throttles", 2.0),
        ("cap-shared", "ConcurrentExecutions", 60.0),
        // No Duration in this region: moto fails percentiles of functions that have some,
        // and other tests here expect none to fail.
    ] {
        put_metric(region, name, metric, value, STEADY_MINUTES).await;
    }
    for (metric, value) in [
        ("UnreservedConcurrentExecutions", 98.0),
        ("ClaimedAccountConcurrency", 300.0),
    ] {
        put_metric_with(region, &[], metric, value, STEADY_MINUTES).await;
    }
    // CloudWatch names a version's or alias's figures `Resource=FUNCTION:QUALIFIER` (Lambda
    // Developer Guide, *Types of metrics*: the `Resource` dimension; as aws-cdk's `Alias.metric`
    // builds it, and as the per-version figures of `source/aws/versions.rs` read it).
    let live = [("FunctionName", "cap-warm"), ("Resource", "cap-warm:live")];
    put_metric_with(
        region,
        &live,
        "ProvisionedConcurrencyUtilization",
        0.75,
        STEADY_MINUTES,
    )
    .await;
    put_metric_with(
        region,
        &live,
        "ProvisionedConcurrencySpilloverInvocations",
        2.0,
        STEADY_MINUTES,
    )
    .await;

    let proxy = FaultProxy::start(&moto::url());
    proxy.answer(
        "GetAccountSettings",
        r#"{"AccountLimit":{"ConcurrentExecutions":1000,"UnreservedConcurrentExecutions":100,
            "CodeSizeUnzipped":262144000,"CodeSizeZipped":52428800,"TotalCodeSize":80530636800},
            "AccountUsage":{"FunctionCount":3,"TotalCodeSize":0}}"#,
    );
    proxy.answer(
        "ListProvisionedConcurrencyConfigs",
        r#"{"ProvisionedConcurrencyConfigs":[]}"#,
    );
    proxy.answer_where(
        "ListProvisionedConcurrencyConfigs",
        "/functions/cap-warm/",
        r#"{"ProvisionedConcurrencyConfigs":[{
            "FunctionArn":"arn:aws:lambda:eu-west-3:123456789012:function:cap-warm:live",
            "RequestedProvisionedConcurrentExecutions":4,
            "AvailableProvisionedConcurrentExecutions":4,
            "AllocatedProvisionedConcurrentExecutions":4,
            "Status":"READY","LastModified":"2026-11-30T08:00:00+0000"}]}"#,
    );

    let account = account_at(&proxy.url, region);
    let mut sources = account.sources(
        std::time::Duration::from_secs(60),
        std::time::Duration::from_secs(300),
        180,
    );
    let find = |sources: &[Box<dyn Source>], name: &str| {
        sources
            .iter()
            .position(|s| s.name() == name)
            .unwrap_or_else(|| panic!("no source {name}"))
    };
    let (metrics, capacity) = (
        find(&sources, &format!("aws {region}")),
        find(&sources, &format!("capacity {region}")),
    );
    // On screen: these three are read first, whatever else the region holds.
    let keys: Vec<FunctionKey> = ["cap-capped", "cap-warm", "cap-shared", "cap-aliased"]
        .map(|n| FunctionKey::new(region, n))
        .to_vec();
    sources[capacity].watch(&keys);
    let mut store = empty_store();
    let now = Utc::now();
    store.apply_all(sources[metrics].poll(now).await);
    store.apply_all(sources[capacity].poll(now).await);
    // The next poll reads the provisioned functions' utilization and spillover.
    store.apply_all(sources[metrics].poll(now + Duration::seconds(60)).await);

    let f = |n: &str| store.function(&FunctionKey::new(region, n)).unwrap();
    assert_eq!(f("cap-capped").capacity.reserved, Some(Some(5)));
    assert_eq!(
        f("cap-shared").capacity.reserved,
        Some(None),
        "none reserved"
    );
    assert_eq!(f("cap-warm").capacity.provisioned, Some(4));
    assert_eq!(f("cap-shared").capacity.provisioned, Some(0));
    assert!(proxy.seen("GetFunctionConcurrency") >= 4);
    let aliased = f("cap-aliased");
    assert_eq!(aliased.facts.memory_mb, Some(1024), "$LATEST");
    let serving = aliased
        .capacity
        .serving
        .clone()
        .flatten()
        .expect("an aliased version");
    assert_eq!(
        (serving.alias.as_str(), serving.version.as_str()),
        ("live", "1")
    );
    assert_eq!(serving.memory_mb, Some(128), "what the traffic runs on");
    assert_eq!(f("cap-shared").capacity.serving, Some(None), "no alias");

    let stats = fleet_stats(&store, Window::M15, now + Duration::seconds(60));
    let of = |n: &str| {
        let i = store
            .functions()
            .iter()
            .position(|x| x.facts.name == n && x.facts.region == region)
            .unwrap();
        stats.functions[i]
    };
    assert_eq!(
        of("cap-capped").throttle_cause,
        Some(ThrottleCause::Reserved)
    );
    assert_eq!(
        of("cap-shared").throttle_cause,
        Some(ThrottleCause::Account),
        "98 of the 100 unreserved"
    );
    assert_eq!(of("cap-warm").throttle_cause, None, "no throttles");
    assert_eq!(of("cap-warm").provisioned_use_max, Some(0.75));
    assert!(of("cap-warm").spillover.is_some_and(|n| n >= 2.0));
    // Four 128 MB environments kept ready over the window are in the estimate.
    let ready = pricing::provisioned_usd(
        region,
        Default::default(),
        128,
        4,
        f64::from(Window::M15.minutes()) * 60.0 + 60.0,
    );
    assert!(
        of("cap-warm")
            .est_cost_usd
            .is_some_and(|usd| usd >= ready * 0.9),
        "{:?} against {ready}",
        of("cap-warm").est_cost_usd
    );
    let r = stats.regions.iter().find(|r| r.region == region).unwrap();
    assert_eq!(r.unreserved_limit, Some(100));
    assert_eq!(r.tightest().map(|t| t.0), Some(Pool::Unreserved));

    // What the header says: the unreserved pool, not 60 of 1,000.
    let mut app = App::new(
        store,
        Theme::default(),
        AppOptions {
            window: Window::M15,
            ..AppOptions::default()
        },
        now + Duration::seconds(60),
    );
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 48)).unwrap();
    lambdatop::app::frame::draw_all(&mut terminal, &mut app).unwrap();
    let s = screen(&terminal);
    assert!(
        s.contains(&format!("unreserved concurrency 98 of 100 in {region}")),
        "{s}"
    );

    // A quota increase shows with the next inventory, without a restart.
    proxy.answer_where(
        "GetAccountSettings",
        "account-settings",
        r#"{"AccountLimit":{"ConcurrentExecutions":3000,"UnreservedConcurrentExecutions":2100},
            "AccountUsage":{"FunctionCount":4}}"#,
    );
    sources[metrics].forget_cached();
    app.store
        .apply_all(sources[metrics].poll(now + Duration::seconds(120)).await);
    let limits =
        &app.store.region_states()[&lambdatop::store::Place::new(Default::default(), region)];
    assert_eq!(
        (limits.concurrency_limit, limits.unreserved_limit),
        (Some(3000), Some(2100))
    );
}
