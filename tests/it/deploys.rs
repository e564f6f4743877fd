//! What changed: deploys told apart from ListFunctions, as the Lambda API Reference describes
//! its fields (*FunctionConfiguration*: `CodeSha256` is the package's hash, `RevisionId`
//! "represents the latest updated revision", `LastModified` "the date and time that the
//! function was last updated"), against moto's UpdateFunctionCode and
//! UpdateFunctionConfiguration. Moto changes the hash but neither the revision nor the time of
//! an update; the peer gives them as AWS does.

use aws_sdk_lambda::primitives::Blob;
use chrono::{Duration, Utc};
use lambdatop::app::screens::detail::Detail;
use lambdatop::commands::snapshot::build;
use lambdatop::store::{DeployKind, FunctionKey, Window};

use crate::fault_proxy::FaultProxy;
use crate::moto::{self, Spec, create_function};
use crate::support::{account_at, empty_store};

/// A valid zip other than the one functions are created with: the empty archive with a
/// one-byte comment.
const OTHER_ZIP: [u8; 23] = [
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, b'x',
];

#[tokio::test(flavor = "multi_thread")]
async fn new_code_and_configuration_changes_are_told_apart() {
    let region = "ap-southeast-4";
    create_function(region, &Spec::new("dep-api")).await;
    let proxy = FaultProxy::start(&moto::url());
    // What AWS says of a function just updated: a new revision, and when.
    let updated = |revision: &str, at: chrono::DateTime<Utc>| {
        proxy.configuration_field("dep-api", "RevisionId", serde_json::json!(revision));
        let stamp = at.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string();
        proxy.configuration_field("dep-api", "LastModified", serde_json::json!(stamp));
    };
    let account = account_at(&proxy.url, region);
    let mut sources = account.sources(
        std::time::Duration::from_secs(60),
        std::time::Duration::from_secs(300),
        180,
    );
    let metrics = sources
        .iter()
        .position(|s| s.name() == format!("aws {region}"))
        .unwrap();
    let mut store = empty_store();
    let now = Utc::now();
    store.apply_all(sources[metrics].poll(now).await);
    let key = FunctionKey::new(region, "dep-api");
    let first = store.function(&key).unwrap();
    assert!(first.facts.code_sha256.is_some(), "CodeSha256 read");
    // Created a moment ago: a change inside the history, of no known kind.
    assert_eq!(
        first.deploys.iter().map(|d| d.kind).collect::<Vec<_>>(),
        [DeployKind::Unknown]
    );

    let lambda = moto::lambda(region);
    lambda
        .update_function_code()
        .function_name("dep-api")
        .zip_file(Blob::new(OTHER_ZIP.to_vec()))
        .send()
        .await
        .expect("UpdateFunctionCode");
    let code_at = now + Duration::seconds(30);
    updated("rev-2", code_at);
    sources[metrics].forget_cached();
    store.apply_all(sources[metrics].poll(now + Duration::seconds(60)).await);
    lambda
        .update_function_configuration()
        .function_name("dep-api")
        .memory_size(512)
        .send()
        .await
        .expect("UpdateFunctionConfiguration");
    let config_at = now + Duration::seconds(90);
    updated("rev-3", config_at);
    sources[metrics].forget_cached();
    store.apply_all(sources[metrics].poll(now + Duration::seconds(120)).await);
    let f = store.function(&key).unwrap();
    assert_eq!(
        f.deploys.iter().map(|d| d.kind).collect::<Vec<_>>(),
        [DeployKind::Unknown, DeployKind::Code, DeployKind::Config],
        "new code, then configuration only"
    );
    let sha = f.facts.code_sha256.clone();
    assert_eq!(f.deploys[1].at.timestamp(), code_at.timestamp());
    assert_eq!(f.deploys[2].at.timestamp(), config_at.timestamp());
    // An inventory with nothing changed is no deploy.
    sources[metrics].forget_cached();
    store.apply_all(sources[metrics].poll(now + Duration::seconds(180)).await);
    assert_eq!(store.function(&key).unwrap().deploys.len(), 3);

    let snap =
        serde_json::to_value(build(&store, Window::M15, now + Duration::seconds(180))).unwrap();
    let row = snap["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "dep-api")
        .unwrap()
        .clone();
    assert!(
        row["last_modified"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{row}"
    );
    assert_eq!(row["code_sha256"].as_str(), sha.as_deref());
    let kinds: Vec<&str> = row["deploys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["unknown", "code", "config"], "{row}");
}

/// The detail of a function behind a weighted alias (a canary: 10 % on the new version) reads
/// its versions and aliases when it opens (ListVersionsByFunction, ListAliases with
/// `RoutingConfig.AdditionalVersionWeights`, Lambda API Reference) and splits its errors by
/// `ExecutedVersion` (the dimension CloudWatch adds to invocations through an alias, Lambda
/// Developer Guide, *Types of metrics*): the new version fails, the old one does not.
#[tokio::test(flavor = "multi_thread")]
async fn the_detail_splits_errors_by_the_version_an_alias_ran() {
    use aws_sdk_lambda::types::AliasRoutingConfiguration;
    use lambdatop::app::{Action, App, AppOptions, Screen};
    use lambdatop::source::Control;
    use lambdatop::ui::theme::Theme;

    let region = "ap-southeast-4";
    create_function(region, &Spec::new("ver-api")).await;
    let lambda = moto::lambda(region);
    let v1 = lambda
        .publish_version()
        .function_name("ver-api")
        .send()
        .await
        .expect("PublishVersion 1");
    lambda
        .update_function_code()
        .function_name("ver-api")
        .zip_file(Blob::new(OTHER_ZIP.to_vec()))
        .send()
        .await
        .expect("UpdateFunctionCode");
    let v2 = lambda
        .publish_version()
        .function_name("ver-api")
        .send()
        .await
        .expect("PublishVersion 2");
    let (v1, v2) = (
        v1.version().unwrap().to_string(),
        v2.version().unwrap().to_string(),
    );
    lambda
        .create_alias()
        .function_name("ver-api")
        .name("live")
        .function_version(&v1)
        .routing_config(
            AliasRoutingConfiguration::builder()
                .additional_version_weights(&v2, 0.1)
                .build(),
        )
        .send()
        .await
        .expect("CreateAlias");
    let minutes = 2..=13;
    for (version, invocations, errors) in [(&v1, 90.0, 0.0), (&v2, 10.0, 4.0)] {
        let dims = [
            ("FunctionName", "ver-api"),
            ("Resource", "ver-api:live"),
            ("ExecutedVersion", version.as_str()),
        ];
        moto::put_metric_with(region, &dims, "Invocations", invocations, minutes.clone()).await;
        moto::put_metric_with(region, &dims, "Errors", errors, minutes.clone()).await;
    }

    let account = account_at(&moto::url(), region);
    let mut sources = account.sources(
        std::time::Duration::from_secs(60),
        std::time::Duration::from_secs(300),
        180,
    );
    let now = Utc::now();
    let mut store = empty_store();
    for s in sources
        .iter_mut()
        .filter(|s| s.name() == format!("aws {region}"))
    {
        store.apply_all(s.poll(now).await);
    }
    let key = FunctionKey::new(region, "ver-api");
    let mut app = App::new(store, Theme::default(), AppOptions::default(), now);
    app.dashboard.fleet.select(key.clone());
    app.update(Action::OpenDetail);
    assert_eq!(app.screen, Screen::Detail(Detail::open(key.clone())));
    let controls = app.take_controls();
    assert!(
        controls.contains(&Control::Inspect(key.clone())),
        "{controls:?}"
    );
    let versions = sources
        .iter_mut()
        .find(|s| s.name() == format!("versions {region}"))
        .unwrap();
    assert!(
        versions.control(&Control::Inspect(key.clone())),
        "read at once"
    );
    app.store.apply_all(versions.poll(now).await);
    let read = app
        .store
        .function(&key)
        .unwrap()
        .versions
        .clone()
        .expect("versions read");
    let listed: Vec<&str> = read.versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(listed, [v2.as_str(), v1.as_str()], "the newest first");
    assert_eq!(read.aliases[0].routes[0].0, v1);
    assert!((read.aliases[0].routes[1].1 - 0.1).abs() < 1e-9);
    let of = |v: &str| read.executed.iter().find(|e| e.version == v).unwrap();
    assert_eq!(of(&v1).errors, Some(0.0));
    assert_eq!(of(&v2).invocations, Some(120.0));
    assert_eq!(of(&v2).errors, Some(48.0));

    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 48)).unwrap();
    lambdatop::app::frame::draw_all(&mut terminal, &mut app).unwrap();
    let s = crate::support::screen(&terminal);
    assert!(
        s.contains(&format!("live → {v1} 90% (1.1k inv, 0% err,")),
        "{s}"
    );
    assert!(s.contains(&format!("{v2} 10% (120 inv, 40% err,")), "{s}");
}
