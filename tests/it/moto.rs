//! moto's server, started by `scripts/test` and shared by the whole run: where it is, clients
//! with test credentials, and seeding helpers. Tests may call mutating APIs to set moto up;
//! lambdatop itself never does. Each test works in a region of its own, so tests can run in
//! parallel on one server without seeing each other's functions.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output};
use std::sync::OnceLock;

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Architecture, FunctionCode, Runtime};
use chrono::Utc;

/// moto's address, from `scripts/test`.
pub fn url() -> String {
    std::env::var("LAMBDATOP_TEST_MOTO_URL").expect(
        "LAMBDATOP_TEST_MOTO_URL is not set: run the tests with ./scripts/test, which starts moto's server",
    )
}

fn credentials() -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new("testing", "testing", None, None, "lambdatop-tests")
}

pub fn lambda(region: &str) -> aws_sdk_lambda::Client {
    aws_sdk_lambda::Client::from_conf(
        aws_sdk_lambda::Config::builder()
            .behavior_version(aws_sdk_lambda::config::BehaviorVersion::latest())
            .region(aws_sdk_lambda::config::Region::new(region.to_string()))
            .endpoint_url(url())
            .credentials_provider(credentials())
            .build(),
    )
}

pub fn sqs(region: &str) -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::from_conf(
        aws_sdk_sqs::Config::builder()
            .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
            .region(aws_sdk_sqs::config::Region::new(region.to_string()))
            .endpoint_url(url())
            .credentials_provider(credentials())
            .build(),
    )
}

pub fn logs(region: &str) -> aws_sdk_cloudwatchlogs::Client {
    aws_sdk_cloudwatchlogs::Client::from_conf(
        aws_sdk_cloudwatchlogs::Config::builder()
            .behavior_version(aws_sdk_cloudwatchlogs::config::BehaviorVersion::latest())
            .region(aws_sdk_cloudwatchlogs::config::Region::new(
                region.to_string(),
            ))
            .endpoint_url(url())
            .credentials_provider(credentials())
            .build(),
    )
}

/// Writes `(milliseconds, message)` events to `function`'s log group, stream `stream`
/// (creating both when needed).
pub async fn put_logs(region: &str, function: &str, stream: &str, events: &[(i64, String)]) {
    put_logs_in(region, &format!("/aws/lambda/{function}"), stream, events).await;
}

/// Writes `(milliseconds, message)` events to log group `group`, stream `stream` (creating
/// both when needed).
pub async fn put_logs_in(region: &str, group: &str, stream: &str, events: &[(i64, String)]) {
    put_logs_with(&logs(region), group, stream, events).await;
}

/// The same through `client` (another account's).
pub async fn put_logs_with(
    client: &aws_sdk_cloudwatchlogs::Client,
    group: &str,
    stream: &str,
    events: &[(i64, String)],
) {
    let _ = client.create_log_group().log_group_name(group).send().await;
    let _ = client
        .create_log_stream()
        .log_group_name(group)
        .log_stream_name(stream)
        .send()
        .await;
    let mut sorted = events.to_vec();
    sorted.sort_by_key(|(t, _)| *t);
    let batch: Vec<aws_sdk_cloudwatchlogs::types::InputLogEvent> = sorted
        .into_iter()
        .map(|(t, m)| {
            aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                .timestamp(t)
                .message(m)
                .build()
                .unwrap()
        })
        .collect();
    client
        .put_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .set_log_events(Some(batch))
        .send()
        .await
        .unwrap_or_else(|e| panic!("PutLogEvents {group}: {e:?}"));
}

pub fn cloudwatch(region: &str) -> aws_sdk_cloudwatch::Client {
    aws_sdk_cloudwatch::Client::from_conf(
        aws_sdk_cloudwatch::Config::builder()
            .behavior_version(aws_sdk_cloudwatch::config::BehaviorVersion::latest())
            .region(aws_sdk_cloudwatch::config::Region::new(region.to_string()))
            .endpoint_url(url())
            .credentials_provider(credentials())
            .build(),
    )
}

/// A raw HTTP/1.1 request to a loopback server: (status, body).
pub fn http(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("loopback server reachable");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

/// The execution role moto wants to exist before it creates a function (IAM is global).
fn ensure_role() {
    static ROLE: OnceLock<()> = OnceLock::new();
    ROLE.get_or_init(|| {
        // moto tells services apart by the credential scope of the Authorization header.
        let auth = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0";
        let body = "Action=CreateRole&Version=2010-05-08&RoleName=lambda-role&AssumeRolePolicyDocument=%7B%7D";
        let (status, text) = http(
            &url(),
            "POST",
            "/",
            &[("Authorization", auth), ("Content-Type", "application/x-www-form-urlencoded")],
            body,
        );
        assert!(status == 200 || text.contains("EntityAlreadyExists"), "CreateRole: {status} {text}");
    });
}

/// A Query-protocol request to moto (STS, IAM) signed with `access_key`: moto tells the
/// account by it.
pub fn query(access_key: &str, service: &str, body: &str) -> String {
    let (status, xml) = http(
        &url(),
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            (
                "Authorization",
                &format!(
                    "AWS4-HMAC-SHA256 Credential={access_key}/20261201/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"
                ),
            ),
        ],
        body,
    );
    assert_eq!(status, 200, "{xml}");
    xml
}

/// Credentials of `account` through `sts:AssumeRole` on moto, as env vars: what `aws sts
/// assume-role` or `aws-vault` would export, with no profile to tell them apart.
pub fn assumed(account: &str) -> Vec<(String, String)> {
    let xml = query(
        "testing",
        "sts",
        &format!(
            "Action=AssumeRole&Version=2011-06-15&RoleSessionName=oncall&RoleArn=arn%3Aaws%3Aiam%3A%3A{account}%3Arole%2Flambdatop-read"
        ),
    );
    let field = |name: &str| {
        let from = xml.find(&format!("<{name}>")).unwrap() + name.len() + 2;
        let to = xml[from..].find('<').unwrap() + from;
        xml[from..to].to_string()
    };
    vec![
        ("AWS_ACCESS_KEY_ID".into(), field("AccessKeyId")),
        ("AWS_SECRET_ACCESS_KEY".into(), field("SecretAccessKey")),
        ("AWS_SESSION_TOKEN".into(), field("SessionToken")),
    ]
}

/// A function to create in moto.
pub struct Spec<'a> {
    pub name: &'a str,
    pub memory_mb: i32,
    pub arm64: bool,
    pub timeout_s: i32,
    pub tags: &'a [(&'a str, &'a str)],
}

impl<'a> Spec<'a> {
    pub fn new(name: &'a str) -> Self {
        Spec {
            name,
            memory_mb: 128,
            arm64: false,
            timeout_s: 3,
            tags: &[],
        }
    }
}

/// The smallest valid zip archive: an end-of-central-directory record.
pub const EMPTY_ZIP: [u8; 22] = [
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

pub async fn create_function(region: &str, spec: &Spec<'_>) {
    ensure_role();
    let mut req = lambda(region)
        .create_function()
        .function_name(spec.name)
        .runtime(Runtime::Python312)
        .role("arn:aws:iam::123456789012:role/lambda-role")
        .handler("app.handler")
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(EMPTY_ZIP.to_vec()))
                .build(),
        )
        .memory_size(spec.memory_mb)
        .timeout(spec.timeout_s)
        .architectures(if spec.arm64 {
            Architecture::Arm64
        } else {
            Architecture::X8664
        });
    for (k, v) in spec.tags {
        req = req.tags(*k, *v);
    }
    req.send()
        .await
        .unwrap_or_else(|e| panic!("CreateFunction {}: {e:?}", spec.name));
}

/// Puts `value` of a Lambda metric for `function` at each of `minutes_ago` (whole minutes
/// before the current one); the instants it put them at, for a test whose figures depend on
/// which side of a day or a month they fell.
pub async fn put_metric(
    region: &str,
    function: &str,
    metric: &str,
    value: f64,
    minutes_ago: impl IntoIterator<Item = i64>,
) -> Vec<chrono::DateTime<Utc>> {
    put_metric_with(
        region,
        &[("FunctionName", function)],
        metric,
        value,
        minutes_ago,
    )
    .await
}

/// Puts `value` of a Lambda metric with `dimensions` (none: the region as a whole; a
/// function and its `Resource`: a version or alias) at each of `minutes_ago`.
pub async fn put_metric_with(
    region: &str,
    dimensions: &[(&str, &str)],
    metric: &str,
    value: f64,
    minutes_ago: impl IntoIterator<Item = i64>,
) -> Vec<chrono::DateTime<Utc>> {
    put_metric_in(region, "AWS/Lambda", dimensions, metric, value, minutes_ago).await
}

/// `put_metric_with` in another namespace (`AWS/SQS`: a queue's figures).
pub async fn put_metric_in(
    region: &str,
    namespace: &str,
    dimensions: &[(&str, &str)],
    metric: &str,
    value: f64,
    minutes_ago: impl IntoIterator<Item = i64>,
) -> Vec<chrono::DateTime<Utc>> {
    let function = dimensions.first().map_or("(region)", |d| d.1);
    let now = Utc::now();
    let this_minute = now.timestamp() - now.timestamp().rem_euclid(60);
    let unit = match metric {
        "Duration" => StandardUnit::Milliseconds,
        _ => StandardUnit::Count,
    };
    let at: Vec<i64> = minutes_ago
        .into_iter()
        .map(|k| this_minute - k * 60 + 10)
        .collect();
    let data: Vec<MetricDatum> = at
        .iter()
        .map(|&t| {
            MetricDatum::builder()
                .metric_name(metric)
                .set_dimensions(Some(
                    dimensions
                        .iter()
                        .map(|(n, v)| Dimension::builder().name(*n).value(*v).build())
                        .collect(),
                ))
                .timestamp(aws_smithy_types::DateTime::from_secs(t))
                .value(value)
                .unit(unit.clone())
                .build()
        })
        .collect();
    for chunk in data.chunks(20) {
        cloudwatch(region)
            .put_metric_data()
            .namespace(namespace)
            .set_metric_data(Some(chunk.to_vec()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("PutMetricData {function} {metric}: {e:?}"));
    }
    at.iter()
        .map(|&t| chrono::DateTime::from_timestamp(t, 0).unwrap())
        .collect()
}

/// A steady minute-by-minute load over minutes 2..=13 ago: inside a 15-minute window even if
/// a minute turns between seeding and reading.
pub const STEADY_MINUTES: std::ops::RangeInclusive<i64> = 2..=13;

/// Runs the real binary against `endpoint` with test credentials and nothing from the
/// developer's own AWS configuration.
pub fn lambdatop(endpoint: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(args)
        .envs(env(endpoint))
        .output()
        .unwrap()
}

/// The environment the binary gets in these tests.
pub fn env(endpoint: &str) -> Vec<(String, String)> {
    let state = std::env::temp_dir().join("lambdatop-tests");
    // Cost Explorer answers are kept per endpoint: never in the developer's own cache.
    let cache = state.join("cache");
    [
        ("AWS_ENDPOINT_URL", endpoint),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_CONFIG_FILE", "/nonexistent/lambdatop-tests/config"),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/lambdatop-tests/credentials",
        ),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("LAMBDATOP_LOG", "off"),
        ("XDG_STATE_HOME", state.to_str().unwrap()),
        ("XDG_CACHE_HOME", cache.to_str().unwrap()),
        // Nor the developer's own config file.
        ("XDG_CONFIG_HOME", state.join("config").to_str().unwrap()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// `lambdatop snapshot --format json --window 15m --region REGION` (and `extra`) against
/// `endpoint`, which must succeed.
pub fn snapshot_json(endpoint: &str, region: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "snapshot", "--format", "json", "--window", "15m", "--region", region,
    ];
    args.extend_from_slice(extra);
    let out = lambdatop(endpoint, &args);
    assert!(
        out.status.success(),
        "snapshot failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The row of function `name` in a snapshot's JSON.
pub fn row<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {v}"))
}

/// The live dashboard on `region` through `endpoint`, polling every 5 s, in a `cols`×`rows`
/// pseudo-terminal.
pub fn dashboard(endpoint: &str, region: &str, cols: u16, rows: u16) -> crate::pty::Pty {
    let mut env = env(endpoint);
    env.push(("TERM".into(), "xterm-256color".into()));
    crate::pty::Pty::spawn(
        &["--region", region, "--window", "15m", "--interval", "5"],
        &env,
        cols,
        rows,
    )
}
