//! One request budget per account, region and API, shared by every source and command.
//!
//! AWS throttles each API per account and region, and the people on call share those quotas
//! with the dashboard: Lambda's control plane (15 requests a second for every control-plane
//! call together, *Lambda quotas*) is what the team's deploys and rollbacks need during an
//! incident, and through an OAM monitoring account every linked account's GetMetricData is
//! signed by the monitoring account and spends its 50 a second. So every request of an
//! account's clients goes through one `Pace` (a linked account's through its monitoring
//! account's), which gives each (region, API) a steady share of the documented rate — a third
//! by default, `--api-share PERCENT` to change it — one request at a time, evenly spaced, so no second
//! ever holds more than the share. A throttled answer holds the whole budget back (1 s,
//! doubling to 8 s, reset by the next answer that is not throttled), not just the request
//! the SDK retries.
//!
//! What a person is waiting on goes first: a read made inside `foreground` (the log pane's,
//! a detail's versions) takes the next free turn of its budget ahead of every background read
//! already waiting (ten REPORT reads queued at FilterLogEvents' turn a second would otherwise
//! keep the log pane blank for ten seconds), without the budget ever going faster.
//!
//! The pace sits in the HTTP client under the SDK (`Pace::client`), so it sees every request
//! as it goes out, retries included, whatever source or command made it. It reads the API
//! from the request itself: the region and service from the SigV4 credential scope, the
//! operation from `X-Amz-Target` (JSON protocols) or `Action=` (Query protocol); Lambda's
//! REST calls share one budget, as they share one quota.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use tokio::sync::Notify;
use tokio::time::Instant;

/// The share of each documented rate the dashboard takes by default (`--api-share 33`): two
/// thirds stay free for the account's own deploys, scripts and other dashboards.
pub const DEFAULT_SHARE: f64 = 0.33;

/// The documented rate, in requests a second per account and region, of each API the
/// dashboard calls often, with the page that gives it. An API no AWS page gives a rate for
/// (Cost Explorer, the tagging API, SQS, STS, IAM, OAM, Organizations, most of CloudWatch
/// Logs') is not paced to an invented one; a throttled answer holds it back all the same.
pub const QUOTAS: &[(&str, &str, f64, &str)] = &[
    (
        "lambda",
        "*",
        15.0,
        "Lambda Developer Guide, Lambda quotas: control plane API requests",
    ),
    (
        "monitoring",
        "GetMetricData",
        50.0,
        "CloudWatch User Guide, CloudWatch service quotas",
    ),
    (
        "monitoring",
        "DescribeAlarms",
        9.0,
        "CloudWatch User Guide, CloudWatch service quotas",
    ),
    (
        "monitoring",
        "ListMetrics",
        25.0,
        "CloudWatch User Guide, CloudWatch service quotas",
    ),
    (
        "logs",
        "FilterLogEvents",
        5.0,
        "AWS Knowledge Center, How do I determine throttling in my CloudWatch logs?",
    ),
];

/// GetMetricData's other quota, in datapoints a second per account and region (CloudWatch
/// User Guide, *CloudWatch service quotas*: 180,000 "if the StartTime in the API request is
/// less than or equal to three hours from current time", 396,000 if it is further back).
/// Through a monitoring account, every linked account's reads spend the monitoring account's.
const DATAPOINTS_PER_SECOND: f64 = 180_000.0;
const DATAPOINTS_PER_SECOND_OLDER: f64 = 396_000.0;

/// Whether a GetMetricData request (Query protocol: a form) reaches back more than three hours
/// before `now` (its `StartTime`), where the datapoints quota is the higher one.
fn reaches_back_over_three_hours(form: &str, now: chrono::DateTime<chrono::Utc>) -> bool {
    form.split('&')
        .find_map(|kv| kv.strip_prefix("StartTime="))
        .map(|v| v.replace("%3A", ":").replace("%2B", "+"))
        .and_then(|v| chrono::DateTime::parse_from_rfc3339(&v).ok())
        .is_some_and(|start| now.signed_duration_since(start) > chrono::Duration::hours(3))
}

/// The datapoints a GetMetricData answer (Query protocol: XML) holds: the members of each of
/// its results' `Values`.
fn datapoints_returned(xml: &str) -> usize {
    let mut n = 0;
    let mut rest = xml;
    while let Some(at) = rest.find("<Values>") {
        rest = &rest[at + "<Values>".len()..];
        let end = rest.find("</Values>").unwrap_or(rest.len());
        n += rest[..end].matches("<member>").count();
        rest = &rest[end..];
    }
    n
}

/// How long one attempt may take once it has left: the SDK's own attempt timeout would count
/// the wait for its turn too, and a request queued behind its budget is no slow answer of
/// AWS's (ten REPORT reads at FilterLogEvents' one a second would time out waiting).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);

/// The first hold after a throttled answer, and the longest.
const FIRST_HOLD: Duration = Duration::from_secs(1);
const LONGEST_HOLD: Duration = Duration::from_secs(8);

/// The documented rate of `service`'s `operation`, where AWS documents one.
pub fn documented_rate(service: &str, operation: &str) -> Option<f64> {
    QUOTAS
        .iter()
        .find(|(s, o, _, _)| *s == service && (*o == "*" || *o == operation))
        .map(|(_, _, r, _)| *r)
}

/// Which budget a request spends: its region and API.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Api {
    pub region: String,
    pub service: String,
    /// `*` for a service whose calls share one quota (Lambda's control plane).
    pub operation: String,
}

impl Api {
    /// The budget of a signed request; `None` for one that is not signed (no budget of the
    /// account's is spent).
    pub fn of(request: &HttpRequest) -> Option<Api> {
        let auth = request.headers().get("authorization")?;
        let scope = auth.split("Credential=").nth(1)?.split([',', ' ']).next()?;
        // <key id>/<date>/<region>/<service>/aws4_request
        let mut parts = scope.split('/').skip(2);
        let region = parts.next()?.to_string();
        let service = parts.next()?.to_string();
        let operation = if QUOTAS.iter().any(|(s, o, _, _)| *s == service && *o == "*") {
            "*".to_string()
        } else if let Some(target) = request.headers().get("x-amz-target") {
            target.rsplit('.').next().unwrap_or(target).to_string()
        } else {
            request
                .body()
                .bytes()
                .and_then(|b| std::str::from_utf8(b).ok())
                .and_then(|form| {
                    form.split('&')
                        .find_map(|kv| kv.strip_prefix("Action="))
                        .map(str::to_string)
                })
                .unwrap_or_else(|| "*".to_string())
        };
        Some(Api {
            region,
            service,
            operation,
        })
    }
}

tokio::task_local! {
    /// Set while a person waits on what the task reads (`foreground`).
    static FOREGROUND: ();
}

/// Runs `read` with its requests ahead of the background's in every budget: for what a person
/// is looking at and waiting on.
pub async fn foreground<F: Future>(read: F) -> F::Output {
    FOREGROUND.scope((), read).await
}

/// Whether the running task reads for a person waiting (inside `foreground`).
fn in_foreground() -> bool {
    FOREGROUND.try_with(|_| ()).is_ok()
}

/// The requests waiting for an API's turn, by ticket: the foreground's, then the background's,
/// each in the order they came.
#[derive(Debug, Default)]
struct Queue {
    foreground: VecDeque<u64>,
    background: VecDeque<u64>,
    tickets: u64,
}

impl Queue {
    fn join(&mut self, foreground: bool) -> u64 {
        self.tickets += 1;
        let line = if foreground {
            &mut self.foreground
        } else {
            &mut self.background
        };
        line.push_back(self.tickets);
        self.tickets
    }

    /// The request whose turn is next.
    fn head(&self) -> Option<u64> {
        self.foreground.front().or(self.background.front()).copied()
    }

    fn leave(&mut self, ticket: u64) {
        self.foreground.retain(|t| *t != ticket);
        self.background.retain(|t| *t != ticket);
    }
}

/// One API's budget: when the next request may go, until when a throttle holds every
/// request back, how long the next throttle will, and who waits.
#[derive(Debug)]
struct Bucket {
    next: Instant,
    /// Until when the weight of its answers is paid for (GetMetricData's datapoints): each
    /// answer's cost is added to what is owed, so answers that come back together owe their
    /// sum.
    paid_until: Instant,
    held_until: Instant,
    /// When the hold in force began.
    hold_from: Instant,
    hold: Duration,
    throttled: u64,
    queue: Queue,
    /// Wakes the waiting when the head of the queue changes.
    moved: Arc<Notify>,
}

/// An account's budgets. Cloned, it is the same budgets.
#[derive(Debug, Clone)]
pub struct Pace(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    share: f64,
    buckets: Mutex<HashMap<Api, Bucket>>,
}

impl Default for Pace {
    fn default() -> Self {
        Pace::new(DEFAULT_SHARE)
    }
}

impl Pace {
    /// Budgets of `share` (0 < share ≤ 1) of each documented rate.
    pub fn new(share: f64) -> Pace {
        Pace(Arc::new(Inner {
            share: share.clamp(0.01, 1.0),
            buckets: Mutex::new(HashMap::new()),
        }))
    }

    /// The rate `service`'s `operation` is paced at, in requests a second (`None`: not paced).
    pub fn rate(&self, service: &str, operation: &str) -> Option<f64> {
        documented_rate(service, operation).map(|r| r * self.0.share)
    }

    /// How far apart `service`'s `operation` requests go: a whole number of them a second
    /// (4 of Lambda's 4.95), a tenth further apart than that, so that no second as AWS counts
    /// it holds more than the share even when requests arrive a little closer than they left.
    pub fn gap(&self, service: &str, operation: &str) -> Duration {
        self.most_per_second(service, operation)
            .map_or(Duration::ZERO, |n| Duration::from_secs_f64(1.1 / n))
    }

    /// The most requests of `service`'s `operation` that go in a second: the share's whole
    /// number (its rate itself below one).
    pub fn most_per_second(&self, service: &str, operation: &str) -> Option<f64> {
        self.rate(service, operation).map(|r| {
            let whole = (r + 1e-9).floor();
            if whole >= 1.0 { whole } else { r }
        })
    }

    /// How long after a GetMetricData request of `datapoints` the next may go, for the
    /// datapoints a second the share leaves (`older`: the request reaches back more than three
    /// hours, where the quota is higher).
    pub fn datapoints_gap(&self, datapoints: f64, older: bool) -> Duration {
        let quota = if older {
            DATAPOINTS_PER_SECOND_OLDER
        } else {
            DATAPOINTS_PER_SECOND
        };
        Duration::from_secs_f64(datapoints / (quota * self.0.share))
    }

    /// Adds `cost` to what `api` owes from now on: what an answer's weight (GetMetricData's
    /// datapoints) takes of the share; no request of it goes until it is paid.
    fn spent(&self, api: &Api, cost: Duration) {
        if let Ok(mut buckets) = self.0.buckets.lock()
            && let Some(b) = buckets.get_mut(api)
        {
            b.paid_until = b.paid_until.max(Instant::now()) + cost;
        }
    }

    /// Waits for `api`'s turn: requests go one at a time, `gap` apart, and none while a
    /// throttle holds the API back; the foreground's before the background's, each in the
    /// order they came.
    async fn turn(&self, api: &Api, foreground: bool) {
        let gap = self.gap(&api.service, &api.operation);
        let Some((ticket, moved)) = self.0.buckets.lock().ok().map(|mut buckets| {
            let now = Instant::now();
            let b = buckets.entry(api.clone()).or_insert(Bucket {
                next: now,
                paid_until: now,
                held_until: now,
                hold_from: now,
                hold: FIRST_HOLD,
                throttled: 0,
                queue: Queue::default(),
                moved: Arc::new(Notify::new()),
            });
            (b.queue.join(foreground), b.moved.clone())
        }) else {
            return;
        };
        // A request dropped while it waits (a poll cut short) leaves the queue.
        let mut place = Waiting {
            pace: self,
            api,
            ticket,
            served: false,
        };
        loop {
            // Listening before looking: a move between the look and the wait is not missed.
            let notified = moved.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let ready = {
                let Ok(mut buckets) = self.0.buckets.lock() else {
                    return;
                };
                let Some(b) = buckets.get_mut(api) else {
                    return;
                };
                if b.queue.head() != Some(ticket) {
                    None
                } else {
                    let now = Instant::now();
                    let ready = b.next.max(b.held_until).max(b.paid_until);
                    if ready <= now {
                        b.queue.leave(ticket);
                        b.next = now + gap;
                        place.served = true;
                        drop(buckets);
                        moved.notify_waiters();
                        return;
                    }
                    Some(ready)
                }
            };
            match ready {
                // Its turn at `ready`, unless a throttle or someone ahead comes meanwhile.
                Some(at) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(at) => {}
                        _ = &mut notified => {}
                    }
                }
                None => notified.await,
            }
        }
    }

    /// The answer to a request `sent` then came: a throttled one holds the whole budget back,
    /// longer each time in a row; any other lets the hold start small again. A request sent
    /// before the hold in force began is answered by that hold: it neither starts another
    /// nor lengthens the next (a burst in flight is one throttle, not many).
    fn answered(&self, api: &Api, sent: Instant, throttled: bool) {
        let Ok(mut buckets) = self.0.buckets.lock() else {
            return;
        };
        let Some(b) = buckets.get_mut(api) else {
            return;
        };
        if sent < b.hold_from {
            if throttled {
                b.throttled += 1;
            }
            return;
        }
        if throttled {
            let now = Instant::now();
            tracing::warn!(
                "{} {} {} throttled: the dashboard's requests to it wait {:?}",
                api.region,
                api.service,
                api.operation,
                b.hold
            );
            b.throttled += 1;
            b.hold_from = now;
            b.held_until = now + b.hold;
            b.next = b.next.max(b.held_until);
            b.hold = (b.hold * 2).min(LONGEST_HOLD);
        } else {
            b.hold = FIRST_HOLD;
        }
    }

    /// The share of each documented rate these budgets take.
    pub fn share(&self) -> f64 {
        self.0.share
    }

    /// Every budget a request went through, as the store keeps them: its rates, its
    /// throttles, and until when one holds it back.
    pub fn report(&self) -> Vec<crate::store::usage::Paced> {
        let Ok(buckets) = self.0.buckets.lock() else {
            return Vec::new();
        };
        let (now, wall) = (Instant::now(), chrono::Utc::now());
        let mut out: Vec<crate::store::usage::Paced> = buckets
            .iter()
            .map(|(api, b)| crate::store::usage::Paced {
                region: api.region.clone(),
                service: api.service.clone(),
                operation: api.operation.clone(),
                documented_per_second: documented_rate(&api.service, &api.operation),
                per_second: self.most_per_second(&api.service, &api.operation),
                throttled: b.throttled,
                held_until: (b.held_until > now).then(|| {
                    wall + chrono::Duration::from_std(b.held_until - now).unwrap_or_default()
                }),
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.region, &a.service, &a.operation).cmp(&(&b.region, &b.service, &b.operation))
        });
        out
    }

    /// `config`'s HTTP client (the SDK's default where it names none), paced.
    pub fn http(&self, config: &aws_config::SdkConfig) -> SharedHttpClient {
        self.client(config.http_client().unwrap_or_else(default_https))
    }

    /// `inner` with every request waiting its budget's turn.
    pub fn client(&self, inner: SharedHttpClient) -> SharedHttpClient {
        SharedHttpClient::new(PacedClient {
            pace: self.clone(),
            inner,
        })
    }
}

/// A request waiting in a queue; dropped before its turn, it leaves the queue.
struct Waiting<'a> {
    pace: &'a Pace,
    api: &'a Api,
    ticket: u64,
    served: bool,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if self.served {
            return;
        }
        let Ok(mut buckets) = self.pace.0.buckets.lock() else {
            return;
        };
        if let Some(b) = buckets.get_mut(self.api) {
            b.queue.leave(self.ticket);
            b.moved.notify_waiters();
        }
    }
}

/// The SDK's own default HTTPS client, as `aws-smithy-runtime` makes it for a client given
/// none (`default_https_client`): hyper 1, rustls on aws-lc, the proxy from the environment.
fn default_https() -> SharedHttpClient {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
    use aws_smithy_http_client::{Builder, ConnectorBuilder};
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut b =
            ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
        b.set_connector_settings(settings.cloned());
        if let Some(c) = components {
            b.set_sleep_impl(c.sleep_impl());
        }
        b.set_proxy_config(Some(ProxyConfig::from_env()));
        b.build()
    })
}

#[derive(Debug)]
struct PacedClient {
    pace: Pace,
    inner: SharedHttpClient,
}

impl HttpClient for PacedClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(PacedConnector {
            pace: self.pace.clone(),
            inner: self.inner.http_connector(settings, components),
        })
    }
}

#[derive(Debug)]
struct PacedConnector {
    pace: Pace,
    inner: SharedHttpConnector,
}

impl HttpConnector for PacedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let pace = self.pace.clone();
        let inner = self.inner.clone();
        // Asked now, in the task that sends it: the future may be polled elsewhere.
        let foreground = in_foreground();
        HttpConnectorFuture::new(async move {
            let Some(api) = Api::of(&request) else {
                return inner.call(request).await;
            };
            // GetMetricData is paced by its datapoints too (`datapoints_gap`).
            let datapoints = api.service == "monitoring" && api.operation == "GetMetricData";
            let older = datapoints
                && request
                    .body()
                    .bytes()
                    .and_then(|b| std::str::from_utf8(b).ok())
                    .is_some_and(|f| reaches_back_over_three_hours(f, chrono::Utc::now()));
            pace.turn(&api, foreground).await;
            let sent = Instant::now();
            let mut response =
                match tokio::time::timeout(ATTEMPT_TIMEOUT, inner.call(request)).await {
                    Ok(answer) => answer?,
                    Err(_) => {
                        return Err(ConnectorError::timeout(
                            format!("no answer in {} s", ATTEMPT_TIMEOUT.as_secs()).into(),
                        ));
                    }
                };
            let throttled = is_throttled(&mut response).await;
            pace.answered(&api, sent, throttled);
            // An answer of many datapoints keeps the next request back for as long as the
            // share of the datapoints a second takes to pay for them.
            if datapoints
                && response.status().is_success()
                && let Some(returned) = read_body(&mut response, datapoints_returned).await
            {
                pace.spent(&api, pace.datapoints_gap(returned as f64, older));
            }
            Ok(response)
        })
    }
}

/// Whether an answer says the caller was throttled: HTTP 429 (Lambda's
/// `TooManyRequestsException`), an error type naming it (JSON protocols' `x-amzn-errortype`),
/// or, for a Query-protocol 400, the error code in its body (`Throttling`), which is read
/// here and handed on unchanged.
async fn is_throttled(response: &mut HttpResponse) -> bool {
    const WORDS: [&str; 4] = [
        "Throttling",
        "TooManyRequests",
        "RequestLimitExceeded",
        "Rate exceeded",
    ];
    let status = response.status().as_u16();
    if status == 429 {
        return true;
    }
    if status != 400 {
        return false;
    }
    if let Some(kind) = response.headers().get("x-amzn-errortype") {
        return WORDS.iter().any(|w| kind.contains(w));
    }
    read_body(response, |t| WORDS.iter().any(|w| t.contains(w)))
        .await
        .unwrap_or(false)
}

/// What `read` makes of an answer's body as text, the body read whole and handed on unchanged.
async fn read_body<T>(response: &mut HttpResponse, read: impl FnOnce(&str) -> T) -> Option<T> {
    let body = response.take_body();
    let bytes: Vec<u8> = match body.bytes() {
        Some(b) => b.to_vec(),
        None => match ByteStream::new(body).collect().await {
            Ok(b) => b.to_vec(),
            Err(_) => return None,
        },
    };
    let made = std::str::from_utf8(&bytes).ok().map(read);
    *response.body_mut() = SdkBody::from(bytes);
    made
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(service: &str, target: Option<&str>, body: &str) -> HttpRequest {
        let mut r = HttpRequest::new(SdkBody::from(body.to_string()));
        r.headers_mut().insert(
            "authorization",
            format!(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261207/eu-west-1/{service}/aws4_request, SignedHeaders=host, Signature=0"
            ),
        );
        if let Some(t) = target {
            r.headers_mut().insert("x-amz-target", t.to_string());
        }
        r
    }

    #[test]
    fn a_request_names_its_budget() {
        let api = |r: &HttpRequest| Api::of(r).map(|a| (a.region, a.service, a.operation));
        assert_eq!(
            api(&signed("lambda", None, "")),
            Some(("eu-west-1".into(), "lambda".into(), "*".into()))
        );
        assert_eq!(
            api(&signed("logs", Some("Logs_20140328.FilterLogEvents"), "{}")),
            Some(("eu-west-1".into(), "logs".into(), "FilterLogEvents".into()))
        );
        assert_eq!(
            api(&signed(
                "monitoring",
                None,
                "Action=GetMetricData&Version=2010-08-01"
            )),
            Some((
                "eu-west-1".into(),
                "monitoring".into(),
                "GetMetricData".into()
            ))
        );
        assert_eq!(Api::of(&HttpRequest::new(SdkBody::empty())), None);
    }

    #[test]
    fn the_share_is_of_the_documented_rate() {
        let pace = Pace::default();
        let near = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-9);
        assert!(near(pace.rate("lambda", "ListFunctions"), 4.95));
        assert!(near(pace.rate("monitoring", "GetMetricData"), 16.5));
        assert!(near(Pace::new(1.0).rate("logs", "FilterLogEvents"), 5.0));
        assert_eq!(pace.rate("sqs", "GetQueueAttributes"), None);
    }

    /// GetMetricData's datapoints quota (CloudWatch service quotas: 180,000 a second, 396,000
    /// where a request reaches back over three hours) is spent by the datapoints an answer
    /// holds: the next request waits until the share of it has paid for them.
    #[tokio::test(start_paused = true)]
    async fn an_answer_of_many_datapoints_keeps_the_next_request_back() {
        let xml = "<GetMetricDataResponse><GetMetricDataResult><MetricDataResults>\
            <member><Id>q0</Id><Timestamps><member>t</member><member>t</member></Timestamps>\
            <Values><member>1.0</member><member>2.0</member></Values></member>\
            <member><Id>q1</Id><Values><member>3.0</member></Values></member>\
            <member><Id>q2</Id><Values/></member>\
            </MetricDataResults></GetMetricDataResult></GetMetricDataResponse>";
        assert_eq!(datapoints_returned(xml), 3);
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-08T12:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let form = |start: &str| format!("Action=GetMetricData&StartTime={start}&EndTime=x");
        assert!(!reaches_back_over_three_hours(
            &form("2026-12-08T09%3A00%3A00Z"),
            now
        ));
        assert!(reaches_back_over_three_hours(
            &form("2026-12-08T08%3A59%3A00Z"),
            now
        ));

        let pace = Pace::new(0.5);
        assert_eq!(pace.datapoints_gap(90_000.0, false), Duration::from_secs(1));
        assert_eq!(
            pace.datapoints_gap(99_000.0, true),
            Duration::from_millis(500)
        );
        let api = Api::of(&signed("monitoring", None, "Action=GetMetricData")).unwrap();
        pace.turn(&api, false).await;
        pace.spent(&api, pace.datapoints_gap(90_000.0, false));
        let start = Instant::now();
        pace.turn(&api, false).await;
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        // A light answer asks no more than the requests' own spacing.
        pace.spent(&api, pace.datapoints_gap(10.0, false));
        let start = Instant::now();
        pace.turn(&api, false).await;
        assert_eq!(start.elapsed(), pace.gap("monitoring", "GetMetricData"));
        // Two heavy answers that come back together owe their sum.
        pace.spent(&api, pace.datapoints_gap(90_000.0, false));
        pace.spent(&api, pace.datapoints_gap(45_000.0, false));
        let start = Instant::now();
        pace.turn(&api, false).await;
        assert_eq!(start.elapsed(), Duration::from_millis(1500));
    }

    /// What the connector under the SDK does with a GetMetricData answer: it counts the
    /// datapoints as the answer goes by, hands the answer on whole, and the next request waits
    /// for them to be paid for.
    #[tokio::test(start_paused = true)]
    async fn the_connector_pays_for_the_datapoints_an_answer_brought() {
        #[derive(Debug)]
        struct Canned(String);
        impl HttpConnector for Canned {
            fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
                let body = SdkBody::from(self.0.clone());
                let status = aws_smithy_runtime_api::http::StatusCode::try_from(200).unwrap();
                HttpConnectorFuture::ready(Ok(HttpResponse::new(status, body)))
            }
        }
        // 45,000 datapoints in one answer.
        let values = "<member>1.0</member>".repeat(45_000);
        let xml = format!("<R><member><Id>q0</Id><Values>{values}</Values></member></R>");
        let pace = Pace::new(0.5);
        let connector = PacedConnector {
            pace: pace.clone(),
            inner: SharedHttpConnector::new(Canned(xml.clone())),
        };
        let request = || {
            signed(
                "monitoring",
                None,
                "Action=GetMetricData&StartTime=2999-01-01T00%3A00%3A00Z&EndTime=x",
            )
        };
        let answer = connector.call(request()).await.unwrap();
        assert_eq!(
            answer.body().bytes(),
            Some(xml.as_bytes()),
            "handed on whole"
        );
        let start = Instant::now();
        connector.call(request()).await.unwrap();
        // Half of 180,000 a second: half a second for 45,000.
        assert_eq!(start.elapsed(), Duration::from_millis(500));
    }

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_and_a_throttle_holds_the_whole_budget() {
        // Lambda's 15 a second, a third of it: five a second, a tenth further apart.
        let pace = Pace::new(1.0 / 3.0);
        let api = Api::of(&signed("lambda", None, "")).unwrap();
        assert_eq!(pace.gap("lambda", "*"), Duration::from_millis(220));
        let start = Instant::now();
        for _ in 0..6 {
            pace.turn(&api, false).await;
        }
        assert_eq!(start.elapsed(), Duration::from_millis(1100));
        // The default share of it: four a second.
        assert_eq!(
            Pace::default().gap("lambda", "*"),
            Duration::from_millis(275)
        );
        // Below one a second, the rate itself.
        assert_eq!(
            Pace::new(0.1).gap("logs", "FilterLogEvents"),
            Duration::from_millis(2200)
        );
        pace.answered(&api, Instant::now(), true);
        let held = Instant::now();
        pace.turn(&api, false).await;
        assert_eq!(held.elapsed(), FIRST_HOLD);
        pace.answered(&api, Instant::now(), true);
        let held = Instant::now();
        pace.turn(&api, false).await;
        assert_eq!(held.elapsed(), FIRST_HOLD * 2);
        pace.answered(&api, Instant::now(), false);
        pace.answered(&api, Instant::now(), true);
        let held = Instant::now();
        pace.turn(&api, false).await;
        assert_eq!(held.elapsed(), FIRST_HOLD);
        pace.answered(&api, Instant::now(), false);

        // A request already waiting its turn when a throttle comes waits out the hold too.
        let waiting = {
            let pace = pace.clone();
            let api = api.clone();
            tokio::spawn(async move {
                pace.turn(&api, false).await;
                Instant::now()
            })
        };
        tokio::task::yield_now().await;
        let throttled_at = Instant::now();
        pace.answered(&api, Instant::now(), true);
        let went = waiting.await.unwrap();
        assert_eq!(went - throttled_at, FIRST_HOLD);
    }

    /// A read a person waits on goes at the next turn, ahead of every background read already
    /// waiting, and a request given up while it waits leaves its place: the budget keeps its
    /// pace throughout.
    #[tokio::test(start_paused = true)]
    async fn the_foreground_goes_first_and_a_request_given_up_leaves_the_queue() {
        // FilterLogEvents' 5 a second, a fifth of it: one a second, 1.1 s apart.
        let pace = Pace::new(0.2);
        let api = Api::of(&signed("logs", Some("Logs_20140328.FilterLogEvents"), "{}")).unwrap();
        let gap = pace.gap("logs", "FilterLogEvents");
        assert_eq!(gap, Duration::from_millis(1100));
        let start = Instant::now();
        let waiter = |foreground: bool| {
            let (pace, api) = (pace.clone(), api.clone());
            tokio::spawn(async move {
                // Asked inside the task, as the connector asks.
                let read = async { pace.turn(&api, super::in_foreground()).await };
                if foreground {
                    super::foreground(read).await;
                } else {
                    read.await;
                }
                Instant::now() - start
            })
        };
        // Ten background reads queue (the first goes at once), then one gives up.
        let background: Vec<_> = (0..10).map(|_| waiter(false)).collect();
        tokio::task::yield_now().await;
        background[9].abort();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let person = waiter(true);
        let person = person.await.unwrap();
        assert_eq!(person, gap, "the foreground's read takes the next turn");
        let mut went = Vec::new();
        for b in background.into_iter().take(9) {
            went.push(b.await.unwrap());
        }
        // The background's go in their order, a gap apart, one turn later for the foreground.
        let expected: Vec<Duration> = std::iter::once(Duration::ZERO)
            .chain((2..10).map(|k| gap * k))
            .collect();
        assert_eq!(went, expected);
        // The one given up held no turn: the next request goes a gap after the last.
        pace.turn(&api, false).await;
        assert_eq!(Instant::now() - start, gap * 10);
    }
}
