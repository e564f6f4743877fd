//! What changed: deploys told apart from ListFunctions, as the Lambda API Reference describes
//! its fields (*FunctionConfiguration*: `CodeSha256` is the package's hash, `RevisionId`
//! "represents the latest updated revision", `LastModified` "the date and time that the
//! function was last updated"), against moto's UpdateFunctionCode and
//! UpdateFunctionConfiguration. Moto changes the hash but neither the revision nor the time of
//! an update; the peer gives them as AWS does.

use aws_sdk_lambda::primitives::Blob;
use chrono::{Duration, Utc};
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
