//! A small loopback HTTP proxy in front of moto that injects what moto cannot: throttling,
//! AccessDenied, expired credentials, 500s, dropped connections, slow answers, or a server that
//! is down — per operation, for a number of requests or until told otherwise. Faults are
//! answered in each service's own wire format (Lambda REST-JSON, tagging JSON, CloudWatch
//! Query XML) so the SDK classifies them as it would real ones.
//!
//! It also plays CloudWatch's timing, which moto does not: a clock of its own (every answer's
//! `Date`, and no datapoint from the peer's future), and datapoints that land late, when the
//! invocation they are stamped with ends (Lambda Developer Guide, *Viewing metrics*).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A rule for every operation: an account where every call fails, or every answer is slow.
pub const ANY: &str = "*";

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    Throttle,
    AccessDenied,
    ExpiredToken,
    /// Credentials AWS does not know there: what a region the account has not enabled says.
    UnrecognizedClient,
    /// A read the resource does not offer (CloudWatch Logs' `InvalidOperationException`).
    InvalidOperation,
    ServerError,
    Drop,
    Slow(Duration),
}

#[derive(Debug, Clone)]
struct Rule {
    operation: &'static str,
    body_contains: Option<String>,
    fault: Fault,
    /// How many more requests it applies to; `None`: until cleared.
    remaining: Option<usize>,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    /// Operations of the requests that got a fault, in order.
    injected: Vec<&'static str>,
    /// Operations of every request seen.
    seen: Vec<&'static str>,
    /// The service each request was signed for (its SigV4 credential scope), its operation,
    /// and when it arrived.
    arrivals: Vec<(String, &'static str, std::time::Instant)>,
    /// Bodies of every request seen, with their operation.
    bodies: Vec<(&'static str, String)>,
    /// Event-stream bodies to answer StartLiveTail with, held open like a live session: the
    /// first whose needle is in the request's head or body (its signing region), or has none.
    live_tail: Vec<(Option<String>, Vec<u8>)>,
    /// JSON answers for operations moto does not serve (GetCostForecast), by operation, and
    /// for requests whose first line holds a needle (a function's path), where given.
    answers: Vec<(&'static str, Option<String>, String)>,
    /// GetMetricData query ids answered with this status instead of their data.
    failed_queries: Vec<(String, &'static str)>,
    /// GetMetricData query ids answered in two pages: `PartialData` and a `NextToken`, then
    /// the rest.
    paged_queries: Vec<String>,
    /// The peer's clock ahead of the local one (negative: behind), in seconds.
    clock_offset: i64,
    /// `LoggingConfig` JSON to add to functions' configurations, by function name.
    logging: Vec<(String, serde_json::Value)>,
    /// Apply FilterLogEvents' stream prefix and filter pattern as AWS does.
    logs_as_aws: bool,
    /// Requests a second an operation is answered, beyond which it is throttled.
    rate_limits: Vec<(&'static str, usize)>,
    /// When each rate-limited request was answered.
    answered_at: Vec<(&'static str, std::time::Instant)>,
    /// Datapoints not landed yet.
    late: Vec<Late>,
    /// Composite alarms (which moto does not serve), added to DescribeAlarms answers.
    composites: Vec<Composite>,
    /// Alarms whose (first) metric query names an account, as AWS answers a cross-account
    /// alarm and moto does not: (alarm name, account id).
    query_accounts: Vec<(String, String)>,
    /// Fields of functions' configurations moto leaves out, by function name.
    fields: Vec<(String, String, serde_json::Value)>,
    /// Answer Logs Insights as AWS does: the first GetQueryResults of a query still running.
    insights_as_aws: bool,
    /// Query ids asked for once already.
    queries_polled: Vec<String>,
    /// Source accounts linked to the monitoring account the requests come from, each with
    /// moto credentials of its own: a metric request naming one (`AccountId`,
    /// `OwningAccount`) is answered from its data.
    linked: Vec<(String, String)>,
    /// `Duration` statistics by function, answered as CloudWatch would where moto cannot
    /// (percentiles and percentile ranks), by statistic name (`p50`, `PR(20:50)`, …).
    durations: Vec<(String, Vec<(String, f64)>)>,
}

/// What the peer says each Logs Insights query scanned, in bytes.
pub const INSIGHTS_BYTES_SCANNED: f64 = 2.5e9;

/// A composite alarm the peer serves, as the CloudWatch API Reference (*CompositeAlarm*)
/// describes one.
#[derive(Debug, Clone)]
pub struct Composite {
    pub name: String,
    pub rule: String,
    /// `ALARM`, `OK` or `INSUFFICIENT_DATA`.
    pub state: String,
    pub reason: String,
    /// `StateTransitionedTimestamp`, RFC 3339.
    pub since: String,
}

/// A function's datapoints stamped in one minute, visible from a moment on: an invocation
/// that started then and ends later.
#[derive(Debug, Clone)]
struct Late {
    function: String,
    /// Epoch seconds of the minute's start.
    minute: i64,
    /// Epoch seconds (local clock) from which they are visible.
    visible_at: i64,
}

pub struct FaultProxy {
    pub url: String,
    state: Arc<Mutex<State>>,
    down: Arc<AtomicBool>,
}

impl FaultProxy {
    /// Starts a proxy to `upstream` on a free loopback port, on a thread of its own.
    pub fn start(upstream: &str) -> FaultProxy {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", std_listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let down = Arc::new(AtomicBool::new(false));
        let upstream = upstream.trim_start_matches("http://").to_string();
        let (s, d) = (state.clone(), down.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = TcpListener::from_std(std_listener).unwrap();
                loop {
                    let Ok((client, _)) = listener.accept().await else {
                        continue;
                    };
                    if d.load(Ordering::SeqCst) {
                        drop(client); // down: every connection is closed at once
                        continue;
                    }
                    tokio::spawn(serve(client, upstream.clone(), s.clone()));
                }
            });
        });
        FaultProxy { url, state, down }
    }

    /// Injects `fault` into the next `times` requests of `operation` (all of them if `None`).
    pub fn inject(&self, operation: &'static str, fault: Fault, times: Option<usize>) {
        self.inject_where(operation, None, fault, times);
    }

    /// Like `inject`, only for requests whose head (path, headers: the signing region is in
    /// `Authorization`) or body contains `needle`.
    pub fn inject_where(
        &self,
        operation: &'static str,
        needle: Option<&str>,
        fault: Fault,
        times: Option<usize>,
    ) {
        self.state.lock().unwrap().rules.push(Rule {
            operation,
            body_contains: needle.map(str::to_string),
            fault,
            remaining: times,
        });
    }

    /// Answers StartLiveTail with `frames` (an event stream), and keeps the session open.
    pub fn serve_live_tail(&self, frames: Vec<u8>) {
        self.state.lock().unwrap().live_tail.push((None, frames));
    }

    /// Like `serve_live_tail`, only for requests whose head (the signing region is in
    /// `Authorization`) or body contains `needle`.
    pub fn serve_live_tail_where(&self, needle: &str, frames: Vec<u8>) {
        self.state
            .lock()
            .unwrap()
            .live_tail
            .insert(0, (Some(needle.to_string()), frames));
    }

    /// Answers GetMetricData's percentile and percentile-rank queries of `function`'s
    /// `Duration` with these values, one datapoint a period, as CloudWatch computes them from
    /// the raw datapoints (CloudWatch User Guide, *Statistics definitions*: `pNN`, and
    /// `PR(a:b)`, the percentage of values in (a, b]). Statistics not given have no datapoint.
    /// A request with percentiles that names such a function is answered whole by the peer:
    /// other functions' queries in it fail with `InternalError`, as moto fails them.
    pub fn seed_durations(&self, function: &str, stats: &[(&str, f64)]) {
        self.state.lock().unwrap().durations.push((
            function.to_string(),
            stats.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ));
    }

    /// Answers `operation` with `json` (AWS JSON 1.1), for what moto does not serve.
    pub fn answer(&self, operation: &'static str, json: &str) {
        self.state
            .lock()
            .unwrap()
            .answers
            .push((operation, None, json.to_string()));
    }

    /// Answers `operation` with `json` for requests whose first line (method and path)
    /// contains `needle`: one function's answer among many. Checked before `answer`'s.
    pub fn answer_where(&self, operation: &'static str, needle: &str, json: &str) {
        self.state
            .lock()
            .unwrap()
            .answers
            .insert(0, (operation, Some(needle.to_string()), json.to_string()));
    }

    /// Serves `alarm` in DescribeAlarms answers, as CloudWatch does a composite alarm: only to
    /// requests whose `AlarmTypes` name `CompositeAlarm` ("If you omit this parameter, only
    /// metric alarms are returned, even if composite alarms exist in the account", *DescribeAlarms*),
    /// filtered by `StateValue` and `AlarmNames` as the request asks.
    /// DescribeAlarms answers name `account` in alarm `alarm`'s metric query (`AccountId`,
    /// CloudWatch API Reference, *MetricDataQuery*), which moto leaves out.
    pub fn query_account(&self, alarm: &str, account: &str) {
        self.state
            .lock()
            .unwrap()
            .query_accounts
            .push((alarm.to_string(), account.to_string()));
    }

    pub fn composite_alarm(&self, alarm: Composite) {
        self.state.lock().unwrap().composites.push(alarm);
    }

    /// Answers the GetMetricData query `id` with `status` (`InternalError`, `Forbidden`,
    /// `PartialData`) and a message, and no data, inside an answer that is otherwise moto's:
    /// HTTP 200 with a failed query in it, as the CloudWatch API Reference (*MetricDataResult*)
    /// says an answer can be.
    pub fn fail_query(&self, id: &str, status: &'static str) {
        self.state
            .lock()
            .unwrap()
            .failed_queries
            .push((id.to_string(), status));
    }

    /// Sets the peer's clock `seconds` ahead of the local one (negative: behind): every
    /// answer's `Date` says so, and datapoints stamped after the peer's now are not there yet.
    pub fn set_clock_offset(&self, seconds: i64) {
        self.state.lock().unwrap().clock_offset = seconds;
    }

    /// Holds back `function`'s datapoints stamped in the minute starting at `minute` (epoch
    /// seconds) until `visible_at` (epoch seconds, local clock) — and the region's own figures
    /// of that minute, which include them: an invocation that started then and ends later, as
    /// Lambda sends its metrics.
    pub fn land_late(&self, function: &str, minute: i64, visible_at: i64) {
        self.state.lock().unwrap().late.push(Late {
            function: function.to_string(),
            minute: minute - minute.rem_euclid(60),
            visible_at,
        });
    }

    /// Gives `function` a `LoggingConfig` (moto drops it) in ListFunctions and
    /// GetFunctionConfiguration answers: `format` `JSON` or `Text`, and a custom `group`
    /// (Lambda API Reference, *LoggingConfig*).
    pub fn logging_config(&self, function: &str, format: &str, group: Option<&str>) {
        let default = format!("/aws/lambda/{function}");
        let config = serde_json::json!({
            "LogFormat": format,
            "LogGroup": group.unwrap_or(&default),
        });
        self.state
            .lock()
            .unwrap()
            .logging
            .push((function.to_string(), config));
    }

    /// Gives `function` the JSON log format in its own group, its application's records at
    /// `INFO` and Lambda's own at `system_level` (`SystemLogLevel`: `DEBUG`, `INFO` or `WARN`;
    /// Lambda API Reference, *LoggingConfig*).
    pub fn logging_levels(&self, function: &str, system_level: &str) {
        let config = serde_json::json!({
            "LogFormat": "JSON",
            "LogGroup": format!("/aws/lambda/{function}"),
            "ApplicationLogLevel": "INFO",
            "SystemLogLevel": system_level,
        });
        self.state
            .lock()
            .unwrap()
            .logging
            .push((function.to_string(), config));
    }

    /// Adds `field` with `value` to `function`'s configuration in ListFunctions and
    /// GetFunctionConfiguration answers, for what moto accepts but leaves out (Lambda API
    /// Reference, *FunctionConfiguration*: `DeadLetterConfig`).
    pub fn configuration_field(&self, function: &str, field: &str, value: serde_json::Value) {
        self.state
            .lock()
            .unwrap()
            .fields
            .push((function.to_string(), field.to_string(), value));
    }

    /// Answers FilterLogEvents as AWS does where moto is looser: only the streams that start
    /// with `logStreamNamePrefix`, and only the lines the filter pattern matches — text terms
    /// as lambdatop's own matcher reads them, and `{ $.KEY = "VALUE" }` on JSON lines
    /// (CloudWatch Logs User Guide, *Filter pattern syntax*).
    pub fn filter_logs_as_aws(&self) {
        self.state.lock().unwrap().logs_as_aws = true;
    }

    /// Answers Logs Insights as AWS does where moto does not (CloudWatch Logs API Reference,
    /// *GetQueryResults*): a query is `Running`, with no results yet, when first asked for;
    /// `@timestamp` is written `YYYY-MM-DD HH:MM:SS.mmm` in UTC, not in epoch milliseconds; and
    /// the answer carries `statistics` (`recordsMatched`, `recordsScanned`, `bytesScanned`:
    /// `INSIGHTS_BYTES_SCANNED` here), which moto leaves out.
    pub fn insights_as_aws(&self) {
        self.state.lock().unwrap().insights_as_aws = true;
    }

    /// Plays CloudWatch cross-account observability for source account `account` (its data
    /// in moto under `access_key`): a `GetMetricData` whose queries name its `AccountId`, or
    /// a `ListMetrics` with `IncludeLinkedAccounts` and its `OwningAccount`, is answered from
    /// its data, and `ListMetrics` says whose each metric is in `OwningAccounts` (CloudWatch
    /// API Reference, *ListMetrics*: "a 1:1 mapping between each metric that is returned and
    /// the ID of the owning account"). moto knows no linked accounts.
    pub fn link_account(&self, account: &str, access_key: &str) {
        self.state
            .lock()
            .unwrap()
            .linked
            .push((account.to_string(), access_key.to_string()));
    }

    /// Throttles `operation` beyond `per_second` requests a second, as AWS's request quotas do
    /// (FilterLogEvents: 5 a second per account and region by default, CloudWatch Logs User
    /// Guide, *CloudWatch Logs quotas*).
    pub fn rate_limit(&self, operation: &'static str, per_second: usize) {
        self.state
            .lock()
            .unwrap()
            .rate_limits
            .push((operation, per_second));
    }

    /// Answers the GetMetricData query `id` in two pages, as CloudWatch does when an answer
    /// is too big for one: the first half of its datapoints with `StatusCode` `PartialData`
    /// and a `NextToken`, the rest (`Complete`) when asked with that token (CloudWatch API
    /// Reference, *GetMetricData*: "PartialData ... retrieve additional data points by using
    /// the NextToken").
    pub fn page_query(&self, id: &str) {
        self.state
            .lock()
            .unwrap()
            .paged_queries
            .push(id.to_string());
    }

    pub fn clear(&self) {
        let mut s = self.state.lock().unwrap();
        s.rules.clear();
        s.failed_queries.clear();
        s.paged_queries.clear();
        s.rate_limits.clear();
        s.arrivals.clear();
    }

    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// How many requests of `operation` got a fault.
    pub fn injected(&self, operation: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .injected
            .iter()
            .filter(|o| **o == operation)
            .count()
    }

    /// Bodies of the requests of `operation` that arrived, oldest first.
    pub fn bodies(&self, operation: &str) -> Vec<String> {
        let s = self.state.lock().unwrap();
        s.bodies
            .iter()
            .filter(|(o, _)| *o == operation)
            .map(|(_, b)| b.clone())
            .collect()
    }

    /// The most requests signed for `service` that arrived within any one second (a
    /// half-open second, as a rate quota counts them), and how many arrived in all.
    pub fn most_in_a_second(&self, service: &str) -> (usize, usize) {
        let s = self.state.lock().unwrap();
        let at: Vec<std::time::Instant> = s
            .arrivals
            .iter()
            .filter(|(svc, _, _)| svc == service)
            .map(|(_, _, t)| *t)
            .collect();
        let most = (0..at.len())
            .map(|i| {
                at[i..]
                    .iter()
                    .take_while(|t| t.duration_since(at[i]) < Duration::from_secs(1))
                    .count()
            })
            .max()
            .unwrap_or(0);
        (most, at.len())
    }

    /// The operation of each request signed for `service` and when it arrived, oldest first.
    pub fn arrivals(&self, service: &str) -> Vec<(&'static str, std::time::Instant)> {
        let s = self.state.lock().unwrap();
        s.arrivals
            .iter()
            .filter(|(svc, _, _)| svc == service)
            .map(|(_, op, t)| (*op, *t))
            .collect()
    }

    /// How many requests arrived in all.
    pub fn seen_total(&self) -> usize {
        self.state.lock().unwrap().seen.len()
    }

    /// How many requests of `operation` arrived.
    pub fn seen(&self, operation: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .seen
            .iter()
            .filter(|o| **o == operation)
            .count()
    }
}

/// The operation of a request, from its method, path, target header or Query action.
/// The service of a request's SigV4 credential scope
/// (`Credential=<key>/<date>/<region>/<service>/aws4_request`).
fn signed_for(head: &str) -> Option<String> {
    let auth = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))?;
    let scope = auth.split("Credential=").nth(1)?.split([',', ' ']).next()?;
    scope.split('/').nth(3).map(str::to_string)
}

fn operation(head: &str, body: &str) -> &'static str {
    let first = head.lines().next().unwrap_or_default();
    let target = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("x-amz-target:"))
        .unwrap_or_default();
    if first.contains("/event-source-mappings") {
        "ListEventSourceMappings"
    } else if target.contains("AmazonSQS.GetQueueAttributes") {
        "GetQueueAttributes"
    } else if target.contains("AmazonSQS.GetQueueUrl") {
        "GetQueueUrl"
    } else if first.contains("/functions/") && first.contains("/event-invoke-config/list") {
        "ListFunctionEventInvokeConfigs"
    } else if first.contains("/2015-03-31/functions/") && first.contains("/configuration") {
        "GetFunctionConfiguration"
    } else if first.contains("/functions/") && first.contains("/provisioned-concurrency") {
        "ListProvisionedConcurrencyConfigs"
    } else if first.contains("/functions/") && first.contains("/concurrency") {
        "GetFunctionConcurrency"
    } else if first.contains("/functions/") && first.contains("/aliases") {
        "ListAliases"
    } else if first.contains("/2015-03-31/functions") {
        "ListFunctions"
    } else if first.starts_with("POST /ListSinks") {
        "ListSinks"
    } else if first.starts_with("POST /ListAttachedLinks") {
        "ListAttachedLinks"
    } else if first.contains("/account-settings") {
        "GetAccountSettings"
    } else if target.contains("GetResources") {
        "GetResources"
    } else if target.contains("StartLiveTail") {
        "StartLiveTail"
    } else if target.contains("GetCostAndUsage") {
        "GetCostAndUsage"
    } else if target.contains("GetCostForecast") {
        "GetCostForecast"
    } else if target.contains("Logs_20140328.StartQuery") {
        "StartQuery"
    } else if target.contains("GetQueryResults") {
        "GetQueryResults"
    } else if target.contains("Logs_20140328.StopQuery") {
        "StopQuery"
    } else if target.contains("FilterLogEvents") {
        "FilterLogEvents"
    } else if target.contains("DescribeLogGroups") {
        "DescribeLogGroups"
    } else if body.contains("Action=GetMetricData") {
        "GetMetricData"
    } else if body.contains("Action=ListMetrics") {
        "ListMetrics"
    } else if body.contains("Action=DescribeAlarms") {
        "DescribeAlarms"
    } else if body.contains("Action=AssumeRole") {
        "AssumeRole"
    } else if body.contains("Action=GetCallerIdentity") {
        "GetCallerIdentity"
    } else if body.contains("Action=ListAccountAliases") {
        "ListAccountAliases"
    } else {
        "other"
    }
}

fn fault_response(operation: &str, fault: Fault) -> String {
    let (code, message, status) = match fault {
        Fault::Throttle => ("ThrottlingException", "Rate exceeded", 400),
        Fault::AccessDenied => (
            "AccessDeniedException",
            "User: arn:aws:iam::123456789012:user/oncall is not authorized to perform this operation",
            403,
        ),
        Fault::ExpiredToken => (
            "ExpiredTokenException",
            "The security token included in the request is expired",
            403,
        ),
        Fault::UnrecognizedClient => (
            "UnrecognizedClientException",
            "The security token included in the request is invalid",
            403,
        ),
        Fault::InvalidOperation => (
            "InvalidOperationException",
            "The operation is not valid on the specified resource",
            400,
        ),
        Fault::ServerError => {
            let body = "<html><title>500 Internal Server Error</title></html>";
            return format!(
                "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        Fault::Drop | Fault::Slow(_) => unreachable!("not an answer"),
    };
    let (content_type, body, extra) = match operation {
        "ListFunctions"
        | "GetAccountSettings"
        | "GetFunctionConcurrency"
        | "ListProvisionedConcurrencyConfigs" => {
            let status_code = if fault == Fault::Throttle {
                429
            } else {
                status
            };
            let code = if fault == Fault::Throttle {
                "TooManyRequestsException"
            } else {
                code
            };
            let body = format!("{{\"message\":\"{message}\"}}");
            return format!(
                "HTTP/1.1 {status_code} Error\r\nContent-Type: application/json\r\nx-amzn-ErrorType: {code}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        // The Query protocol's errors (CloudWatch, STS, IAM).
        "GetMetricData" | "GetCallerIdentity" | "ListAccountAliases" | "AssumeRole" => {
            let code = match fault {
                Fault::Throttle => "Throttling",
                Fault::AccessDenied => "AccessDenied",
                Fault::ExpiredToken => "ExpiredToken",
                _ => code,
            };
            (
                "text/xml",
                format!(
                    "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>lambdatop-test</RequestId></ErrorResponse>"
                ),
                "",
            )
        }
        _ => (
            "application/x-amz-json-1.1",
            format!("{{\"__type\":\"{code}\",\"message\":\"{message}\"}}"),
            "",
        ),
    };
    format!(
        "HTTP/1.1 {status} Error\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    )
}

async fn serve(mut client: TcpStream, upstream: String, state: Arc<Mutex<State>>) {
    // Read one request: the head, then Content-Length bytes of body.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
    let op = operation(&head, &body);

    let fault = {
        let mut s = state.lock().unwrap();
        s.seen.push(op);
        if let Some(service) = signed_for(&head) {
            s.arrivals.push((service, op, std::time::Instant::now()));
        }
        s.bodies.push((op, body.clone()));
        let hit = s.rules.iter_mut().find(|r| {
            (r.operation == op || r.operation == ANY)
                && r.remaining != Some(0)
                && r.body_contains
                    .as_ref()
                    .is_none_or(|n| body.contains(n.as_str()) || head.contains(n.as_str()))
        });
        let mut fault = hit.map(|r| {
            if let Some(n) = r.remaining.as_mut() {
                *n -= 1;
            }
            r.fault
        });
        // Over the quota: throttled, as a rate-limited service answers.
        if let Some(&(_, limit)) = s.rate_limits.iter().find(|(o, _)| *o == op) {
            let now = std::time::Instant::now();
            s.answered_at
                .retain(|(_, at)| now.duration_since(*at) < Duration::from_secs(1));
            let recent = s.answered_at.iter().filter(|(o, _)| *o == op).count();
            if fault.is_none() && recent >= limit {
                fault = Some(Fault::Throttle);
            } else {
                s.answered_at.push((op, now));
            }
        }
        if fault.is_some() {
            s.injected.push(op);
        }
        fault
    };
    let live = if op == "StartLiveTail" && fault.is_none() {
        let s = state.lock().unwrap();
        s.live_tail
            .iter()
            .find(|(needle, _)| {
                needle
                    .as_ref()
                    .is_none_or(|n| head.contains(n.as_str()) || body.contains(n.as_str()))
            })
            .map(|(_, frames)| frames.clone())
    } else {
        None
    };
    if let Some(frames) = live {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.amazon.eventstream\r\nTransfer-Encoding: chunked\r\n\r\n";
        let _ = client.write_all(head.as_bytes()).await;
        let _ = client
            .write_all(format!("{:x}\r\n", frames.len()).as_bytes())
            .await;
        let _ = client.write_all(&frames).await;
        let _ = client.write_all(b"\r\n").await;
        let _ = client.flush().await;
        // A live session stays open: more events could come.
        tokio::time::sleep(Duration::from_secs(120)).await;
        return;
    }
    let answer = {
        let s = state.lock().unwrap();
        let line = head.lines().next().unwrap_or_default();
        s.answers
            .iter()
            .find(|(o, needle, _)| {
                *o == op && needle.as_ref().is_none_or(|n| line.contains(n.as_str()))
            })
            .map(|(_, _, a)| a.clone())
    };
    let answer = answer.or_else(|| {
        let mut s = state.lock().unwrap();
        if op != "GetQueryResults" || !s.insights_as_aws {
            return None;
        }
        let request: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let id = request["queryId"].as_str().unwrap_or_default().to_string();
        if s.queries_polled.contains(&id) {
            return None;
        }
        s.queries_polled.push(id);
        Some(
            r#"{"status":"Running","results":[],"statistics":{"recordsMatched":0.0,"recordsScanned":0.0,"bytesScanned":0.0}}"#
                .to_string(),
        )
    });
    if fault.is_none() && op == "GetMetricData" {
        let seeded = state.lock().unwrap().durations.clone();
        if let Some(xml) = percentiles_answer(&body, &seeded) {
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
                xml.len()
            );
            let _ = client.write_all(response.as_bytes()).await;
            let _ = client.shutdown().await;
            return;
        }
    }
    if let (None, Some(json)) = (fault, answer) {
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
            json.len()
        );
        let _ = client.write_all(response.as_bytes()).await;
        let _ = client.shutdown().await;
        return;
    }
    match fault {
        Some(Fault::Drop) => return,
        Some(Fault::Slow(d)) => tokio::time::sleep(d).await,
        Some(f) => {
            let _ = client.write_all(fault_response(op, f).as_bytes()).await;
            let _ = client.shutdown().await;
            return;
        }
        None => {}
    }

    // A linked account's metrics are its own data: the request goes as that account's.
    let linked = {
        let s = state.lock().unwrap();
        s.linked
            .iter()
            .find(|(account, _)| {
                matches!(op, "GetMetricData" | "ListMetrics")
                    && (body.contains(&format!("AccountId={account}"))
                        || (body.contains(&format!("OwningAccount={account}"))
                            && body.contains("IncludeLinkedAccounts=true")))
            })
            .cloned()
    };
    let head = match &linked {
        Some((_, key)) => as_account(&head, key),
        None => head,
    };
    // Forward, one request per connection, so every response ends with the connection.
    let Ok(mut up) = TcpStream::connect(&upstream).await else {
        return;
    };
    let mut request = Vec::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        if line.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        request.extend_from_slice(line.as_bytes());
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"Connection: close\r\n\r\n");
    request.extend_from_slice(&buf[head_end..]);
    if up.write_all(&request).await.is_err() {
        return;
    }
    let mut response = Vec::new();
    let _ = up.read_to_end(&mut response).await;
    let (offset, late) = {
        let s = state.lock().unwrap();
        (s.clock_offset, s.late.clone())
    };
    if op == "GetMetricData" {
        let failed = state.lock().unwrap().failed_queries.clone();
        if !failed.is_empty() {
            response = fail_queries(&response, &failed);
        }
        if offset != 0 || !late.is_empty() {
            response = land(&response, &body, offset, &late);
        }
        let paged = state.lock().unwrap().paged_queries.clone();
        if !paged.is_empty() {
            response = page_queries(&response, &paged, body.contains("NextToken=peer-more"));
        }
    }
    if offset != 0 {
        response = with_date(&response, offset);
    }
    let (logging, logs_as_aws, fields) = {
        let s = state.lock().unwrap();
        (s.logging.clone(), s.logs_as_aws, s.fields.clone())
    };
    if matches!(op, "ListFunctions" | "GetFunctionConfiguration") && !logging.is_empty() {
        response = rewrite_json(&response, |v| add_logging(v, &logging));
    }
    if matches!(op, "ListFunctions" | "GetFunctionConfiguration") && !fields.is_empty() {
        response = rewrite_json(&response, |v| add_fields(v, &fields));
    }
    // Moto writes this timestamp as an ISO string; Lambda's REST-JSON answers give it in epoch
    // seconds (Lambda API Reference, *FunctionEventInvokeConfig*: `LastModified`, a
    // timestamp), which is what the SDK reads.
    if op == "ListFunctionEventInvokeConfigs" {
        response = rewrite_json(&response, epoch_last_modified);
    }
    if let (Some((account, _)), "ListMetrics") = (&linked, op) {
        response = owning_accounts(&response, account);
    }
    let query_accounts = state.lock().unwrap().query_accounts.clone();
    if op == "DescribeAlarms" && !query_accounts.is_empty() {
        response = with_query_accounts(&response, &query_accounts);
    }
    let composites = state.lock().unwrap().composites.clone();
    if op == "DescribeAlarms" && !composites.is_empty() {
        response = add_composites(&response, &body, &composites);
    }
    if op == "GetQueryResults" && state.lock().unwrap().insights_as_aws {
        response = rewrite_json(&response, insights_as_aws);
    }
    if op == "FilterLogEvents" && logs_as_aws {
        let request: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        response = rewrite_json(&response, |v| filter_as_aws(v, &request));
    }
    let _ = client.write_all(&response).await;
    let _ = client.shutdown().await;
}

/// Where the data of query `id` is in a GetMetricData answer: from its `<Timestamps` to the end
/// of its `<Values>` (either may be empty, `<Values/>`), and the end of its status, all before
/// the next query's `<Id>`.
fn data_span(body: &str, id: &str) -> Option<(usize, usize, usize)> {
    let at = body.find(&format!("<Id>{id}</Id>"))?;
    let end = body[at + 4..]
        .find("<Id>")
        .map(|i| at + 4 + i)
        .or_else(|| body.find("</MetricDataResults>"))
        .unwrap_or(body.len());
    let result = &body[at..end];
    let from = at + result.find("<Timestamps")?;
    let values_end = at
        + result
            .find("</Values>")
            .map(|i| i + "</Values>".len())
            .or_else(|| result.find("<Values/>").map(|i| i + "<Values/>".len()))?;
    let status_end = result
        .find("</StatusCode>")
        .map_or(values_end, |i| at + i + "</StatusCode>".len());
    (from < values_end).then_some((from, values_end, status_end))
}

/// Moto's GetMetricData answer with the queries of `failed` turned into failures: their
/// timestamps and values emptied, their `StatusCode` set, a `Messages` entry added. The
/// Content-Length follows the new body.
fn fail_queries(response: &[u8], failed: &[(String, &'static str)]) -> Vec<u8> {
    let text = String::from_utf8_lossy(response).to_string();
    let Some(split) = text.find("\r\n\r\n") else {
        return response.to_vec();
    };
    let (head, body) = (&text[..split], &text[split + 4..]);
    let mut body = body.to_string();
    for (id, status) in failed {
        let Some((from, _, to)) = data_span(&body, id) else {
            continue;
        };
        let failure = format!(
            "<Timestamps></Timestamps><Values></Values><StatusCode>{status}</StatusCode><Messages><member><Code>{status}</Code><Value>An internal error occurred while reading the metric</Value></member></Messages>"
        );
        body.replace_range(from..to, &failure);
    }
    with_body(head, &body)
}

/// A DescribeAlarms answer whose named alarms' first metric query names its account.
fn with_query_accounts(response: &[u8], accounts: &[(String, String)]) -> Vec<u8> {
    let text = String::from_utf8_lossy(response).to_string();
    let Some(split) = text.find("\r\n\r\n") else {
        return response.to_vec();
    };
    let (head, body) = (&text[..split], &text[split + 4..]);
    let mut body = body.to_string();
    for (alarm, account) in accounts {
        let Some(at) = body.find(&format!("<AlarmName>{alarm}</AlarmName>")) else {
            continue;
        };
        let Some(id) = body[at..].find("</Id>").map(|i| at + i + "</Id>".len()) else {
            continue;
        };
        body.insert_str(id, &format!("<AccountId>{account}</AccountId>"));
    }
    with_body(head, &body)
}

/// The epoch seconds of now on the peer's clock.
fn peer_now(offset: i64) -> i64 {
    chrono::Utc::now().timestamp() + offset
}

/// The answer with its `Date` header from the peer's clock.
fn with_date(response: &[u8], offset: i64) -> Vec<u8> {
    let text = String::from_utf8_lossy(response).to_string();
    let Some(split) = text.find("\r\n\r\n") else {
        return response.to_vec();
    };
    let date = chrono::DateTime::from_timestamp(peer_now(offset), 0)
        .unwrap()
        .format("%a, %d %b %Y %H:%M:%S GMT");
    let head: Vec<String> = text[..split]
        .split("\r\n")
        .map(|l| {
            if l.to_ascii_lowercase().starts_with("date:") {
                format!("Date: {date}")
            } else {
                l.to_string()
            }
        })
        .collect();
    let mut out = head.join("\r\n").into_bytes();
    out.extend_from_slice(&response[split..]);
    out
}

/// The `FunctionName` of each query of a GetMetricData request (`None`: the region's own).
fn functions_of_queries(body: &str) -> Vec<(String, Option<String>)> {
    let pairs: Vec<(String, String)> = body
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect();
    let mut out = Vec::new();
    for (k, id) in &pairs {
        let Some(n) = k
            .strip_prefix("MetricDataQueries.member.")
            .and_then(|r| r.strip_suffix(".Id"))
        else {
            continue;
        };
        let dimension =
            format!("MetricDataQueries.member.{n}.MetricStat.Metric.Dimensions.member.1.Value");
        let function = pairs
            .iter()
            .find(|(k, _)| *k == dimension)
            .map(|(_, v)| v.clone());
        out.push((id.clone(), function));
    }
    out
}

/// The peer's own answer to a GetMetricData request that asks for percentiles of a function
/// seeded with them (`None`: not such a request; moto answers it).
fn percentiles_answer(body: &str, seeded: &[(String, Vec<(String, f64)>)]) -> Option<String> {
    if seeded.is_empty() {
        return None;
    }
    let pairs: Vec<(String, String)> = body
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect();
    let param = |k: &str| pairs.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
    let queries = functions_of_queries(body);
    let stat_of = |n: usize| param(&format!("MetricDataQueries.member.{n}.MetricStat.Stat"));
    let is_percentile = |s: &str| {
        s.starts_with("PR(")
            || (s.starts_with('p') && s[1..].starts_with(|c: char| c.is_ascii_digit()))
    };
    let asks = (1..=queries.len()).any(|n| stat_of(n).is_some_and(|s| is_percentile(&s)));
    let names_seeded = queries.iter().any(|(_, f)| {
        f.as_ref()
            .is_some_and(|f| seeded.iter().any(|(s, _)| s == f))
    });
    if !asks || !names_seeded {
        return None;
    }
    let time = |k: &str| {
        param(k)
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.timestamp())
    };
    let (start, end) = (time("StartTime")?, time("EndTime")?);
    let mut members = String::new();
    for (n, (id, function)) in queries.iter().enumerate() {
        let n = n + 1;
        let stat = stat_of(n).unwrap_or_default();
        let period: i64 = param(&format!("MetricDataQueries.member.{n}.MetricStat.Period"))
            .and_then(|p| p.parse().ok())
            .unwrap_or(60);
        let values = function
            .as_ref()
            .and_then(|f| seeded.iter().find(|(s, _)| s == f))
            .map(|(_, stats)| stats.iter().find(|(k, _)| *k == stat).map(|(_, v)| *v));
        let (status, value) = match values {
            None => ("InternalError", None),
            Some(v) => ("Complete", v),
        };
        let (mut ts, mut vs) = (String::new(), String::new());
        if let Some(v) = value {
            let mut t = start;
            while t < end {
                let at = chrono::DateTime::from_timestamp(t, 0).unwrap();
                ts.push_str(&format!(
                    "<member>{}</member>",
                    at.format("%Y-%m-%dT%H:%M:%SZ")
                ));
                vs.push_str(&format!("<member>{v}</member>"));
                t += period.max(1);
            }
        }
        members.push_str(&format!(
            "<member><Id>{id}</Id><Label>Duration</Label><StatusCode>{status}</StatusCode><Timestamps>{ts}</Timestamps><Values>{vs}</Values></member>"
        ));
    }
    Some(format!(
        "<GetMetricDataResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><GetMetricDataResult><MetricDataResults>{members}</MetricDataResults><Messages/></GetMetricDataResult><ResponseMetadata><RequestId>peer-percentiles</RequestId></ResponseMetadata></GetMetricDataResponse>"
    ))
}

/// Form-encoding undone: `%2F` and `+`.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).to_string()
}

/// Moto's GetMetricData answer as a peer with CloudWatch's timing gives it: no datapoint from
/// the peer's future, none that has not landed. The Content-Length follows the new body.
fn land(response: &[u8], request: &str, offset: i64, late: &[Late]) -> Vec<u8> {
    let text = String::from_utf8_lossy(response).to_string();
    let Some(split) = text.find("\r\n\r\n") else {
        return response.to_vec();
    };
    let (head, mut body) = (text[..split].to_string(), text[split + 4..].to_string());
    let now = chrono::Utc::now().timestamp();
    let peer = now + offset;
    for (id, function) in functions_of_queries(request) {
        let Some((from, to, _)) = data_span(&body, &id) else {
            continue;
        };
        let section = &body[from..to];
        let (stamps, values) = (members(section, "Timestamps"), members(section, "Values"));
        let visible = |stamp: &str| {
            let Ok(t) = chrono::DateTime::parse_from_rfc3339(stamp) else {
                return true;
            };
            let t = t.timestamp();
            t <= peer
                && !late.iter().any(|l| {
                    let theirs = function.as_ref().is_none_or(|f| *f == l.function);
                    theirs && (l.minute..l.minute + 60).contains(&t) && now < l.visible_at
                })
        };
        let kept: Vec<(&String, &String)> = stamps
            .iter()
            .zip(&values)
            .filter(|(s, _)| visible(s))
            .collect();
        let list = |v: Vec<&String>| -> String {
            v.iter().map(|x| format!("<member>{x}</member>")).collect()
        };
        let rebuilt = format!(
            "<Timestamps>{}</Timestamps><Values>{}</Values>",
            list(kept.iter().map(|(s, _)| *s).collect()),
            list(kept.iter().map(|(_, v)| *v).collect()),
        );
        body.replace_range(from..to, &rebuilt);
    }
    with_body(&head, &body)
}

/// The answer with its JSON body changed by `change`; the Content-Length follows.
fn rewrite_json(response: &[u8], change: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let text = String::from_utf8_lossy(response).to_string();
    let Some(split) = text.find("\r\n\r\n") else {
        return response.to_vec();
    };
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&text[split + 4..]) else {
        return response.to_vec();
    };
    change(&mut v);
    let body = v.to_string();
    with_body(&text[..split], &body)
}

/// Adds the `LoggingConfig` of each function named in `logging` to a ListFunctions answer
/// (`Functions`) or a GetFunctionConfiguration one (the configuration itself).
fn add_logging(v: &mut serde_json::Value, logging: &[(String, serde_json::Value)]) {
    let add = |f: &mut serde_json::Value| {
        let name = f["FunctionName"].as_str().unwrap_or_default().to_string();
        if let Some((_, config)) = logging.iter().find(|(n, _)| *n == name) {
            f["LoggingConfig"] = config.clone();
        }
    };
    match v.get_mut("Functions").and_then(|f| f.as_array_mut()) {
        Some(functions) => functions.iter_mut().for_each(add),
        None => add(v),
    }
}

/// Each event-invoke configuration's `LastModified` in epoch seconds.
fn epoch_last_modified(v: &mut serde_json::Value) {
    let Some(configs) = v
        .get_mut("FunctionEventInvokeConfigs")
        .and_then(|c| c.as_array_mut())
    else {
        return;
    };
    for c in configs {
        if let Some(t) = c["LastModified"]
            .as_str()
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        {
            c["LastModified"] = serde_json::json!(t.timestamp_millis() as f64 / 1000.0);
        }
    }
}

/// Adds each function's extra fields to a ListFunctions or GetFunctionConfiguration answer.
fn add_fields(v: &mut serde_json::Value, fields: &[(String, String, serde_json::Value)]) {
    let add = |f: &mut serde_json::Value| {
        let name = f["FunctionName"].as_str().unwrap_or_default().to_string();
        for (_, field, value) in fields.iter().filter(|(n, _, _)| *n == name) {
            f[field.as_str()] = value.clone();
        }
    };
    match v.get_mut("Functions").and_then(|f| f.as_array_mut()) {
        Some(functions) => functions.iter_mut().for_each(add),
        None => add(v),
    }
}

/// Keeps the events of a FilterLogEvents answer that AWS would give for `request`.
/// A GetQueryResults answer of moto's made as AWS writes it: `@timestamp` as a UTC date and
/// time to the millisecond, and the query's statistics.
fn insights_as_aws(v: &mut serde_json::Value) {
    let mut matched = 0.0;
    if let Some(records) = v["results"].as_array_mut() {
        matched = records.len() as f64;
        for field in records
            .iter_mut()
            .flat_map(|r| r.as_array_mut().into_iter().flatten())
        {
            if field["field"] == "@timestamp"
                && let Some(ms) = field["value"].as_str().and_then(|s| s.parse::<i64>().ok())
                && let Some(t) = chrono::DateTime::from_timestamp_millis(ms)
            {
                field["value"] = t.format("%Y-%m-%d %H:%M:%S%.3f").to_string().into();
            }
        }
    }
    v["statistics"] = serde_json::json!({
        "recordsMatched": matched,
        "recordsScanned": matched * 4.0,
        "bytesScanned": INSIGHTS_BYTES_SCANNED,
    });
}

fn filter_as_aws(v: &mut serde_json::Value, request: &serde_json::Value) {
    let prefix = request["logStreamNamePrefix"].as_str().unwrap_or_default();
    let pattern = request["filterPattern"].as_str().unwrap_or_default().trim();
    // `{ $.KEY = "VALUE" }`, the JSON form this peer knows.
    let selector = pattern
        .strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .and_then(|p| p.trim().strip_prefix("$."))
        .and_then(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').to_string()));
    let text = if pattern.is_empty() || selector.is_some() {
        None
    } else {
        lambdatop::logtext::filter::Pattern::parse(pattern).ok()
    };
    let keep = |e: &serde_json::Value| {
        let stream = e["logStreamName"].as_str().unwrap_or_default();
        let message = e["message"].as_str().unwrap_or_default();
        if !stream.starts_with(prefix) {
            return false;
        }
        if let Some((key, value)) = &selector {
            let record: serde_json::Value = serde_json::from_str(message).unwrap_or_default();
            return record[key.as_str()].as_str() == Some(value.as_str());
        }
        text.as_ref().is_none_or(|p| p.matches(message))
    };
    if let Some(events) = v.get_mut("events").and_then(|e| e.as_array_mut()) {
        events.retain(keep);
    }
}

/// Moto's GetMetricData answer as one of two pages for the queries of `paged`: their first half
/// of datapoints as `PartialData` with a `NextToken` (`second == false`), or the other half,
/// `Complete`.
fn page_queries(response: &[u8], paged: &[String], second: bool) -> Vec<u8> {
    let text = String::from_utf8_lossy(response).to_string();
    let Some(split) = text.find("\r\n\r\n") else {
        return response.to_vec();
    };
    let (head, mut body) = (text[..split].to_string(), text[split + 4..].to_string());
    for id in paged {
        let Some((from, to, status_end)) = data_span(&body, id) else {
            continue;
        };
        let section = body[from..to].to_string();
        let (stamps, values) = (members(&section, "Timestamps"), members(&section, "Values"));
        let half = stamps.len() / 2;
        let range = if second { half..stamps.len() } else { 0..half };
        let list = |v: &[String]| -> String {
            v.iter().map(|x| format!("<member>{x}</member>")).collect()
        };
        let status = if second { "Complete" } else { "PartialData" };
        let rebuilt = format!(
            "<Timestamps>{}</Timestamps><Values>{}</Values><StatusCode>{status}</StatusCode>",
            list(&stamps[range.clone()]),
            list(&values[range]),
        );
        body.replace_range(from..status_end, &rebuilt);
    }
    if !second {
        body = body.replacen(
            "</MetricDataResults>",
            "</MetricDataResults><NextToken>peer-more</NextToken>",
            1,
        );
    }
    with_body(&head, &body)
}

/// Moto's DescribeAlarms answer with the composite alarms a CloudWatch answer to `request`
/// would hold (see `FaultProxy::composite_alarm`).
fn add_composites(response: &[u8], request: &str, composites: &[Composite]) -> Vec<u8> {
    let text = String::from_utf8_lossy(response);
    let Some(split) = text.find("\r\n\r\n") else {
        return response.to_vec();
    };
    let (head, body) = (&text[..split], &text[split + 4..]);
    let params: Vec<(String, String)> = request
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect();
    let asked = |prefix: &str| -> Vec<&str> {
        params
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(_, v)| v.as_str())
            .collect()
    };
    if !asked("AlarmTypes.member.").contains(&"CompositeAlarm") {
        return response.to_vec();
    }
    let state = asked("StateValue");
    let names = asked("AlarmNames.member.");
    let members: String = composites
        .iter()
        .filter(|c| state.is_empty() || state.contains(&c.state.as_str()))
        .filter(|c| names.is_empty() || names.contains(&c.name.as_str()))
        .map(|c| {
            let esc = |s: &str| {
                s.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;")
            };
            format!(
                "<member><AlarmName>{n}</AlarmName><AlarmArn>arn:aws:cloudwatch:us-east-1:123456789012:alarm:{n}</AlarmArn><AlarmRule>{r}</AlarmRule><StateValue>{s}</StateValue><StateReason>{why}</StateReason><StateUpdatedTimestamp>{t}</StateUpdatedTimestamp><StateTransitionedTimestamp>{t}</StateTransitionedTimestamp></member>",
                n = esc(&c.name),
                r = esc(&c.rule),
                s = c.state,
                why = esc(&c.reason),
                t = c.since,
            )
        })
        .collect();
    let body = body.replacen(
        "<CompositeAlarms/>",
        &format!("<CompositeAlarms>{members}</CompositeAlarms>"),
        1,
    );
    with_body(head, &body)
}

/// An answer of `head` with `body`, its Content-Length following the body.
/// `head` signed with `access_key` instead: moto tells the account by it, not by the
/// signature.
fn as_account(head: &str, access_key: &str) -> String {
    head.split("\r\n")
        .map(|l| match l.find("Credential=") {
            Some(i) if l.to_ascii_lowercase().starts_with("authorization:") => {
                let from = i + "Credential=".len();
                let to = l[from..].find('/').map_or(l.len(), |j| from + j);
                format!("{}{access_key}{}", &l[..from], &l[to..])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// A `ListMetrics` answer with `OwningAccounts`: `account` for each metric.
fn owning_accounts(response: &[u8], account: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(response);
    let Some(split) = text.find("\r\n\r\n") else {
        return response.to_vec();
    };
    let (head, body) = (&text[..split], &text[split + 4..]);
    let metrics = body.matches("<MetricName>").count();
    let owners: String = (0..metrics)
        .map(|_| format!("<member>{account}</member>"))
        .collect();
    let body = body.replacen(
        "</ListMetricsResult>",
        &format!("<OwningAccounts>{owners}</OwningAccounts></ListMetricsResult>"),
        1,
    );
    with_body(head, &body)
}

fn with_body(head: &str, body: &str) -> Vec<u8> {
    let head: Vec<String> = head
        .split("\r\n")
        .map(|l| {
            if l.to_ascii_lowercase().starts_with("content-length:") {
                format!("Content-Length: {}", body.len())
            } else {
                l.to_string()
            }
        })
        .collect();
    format!("{}\r\n\r\n{body}", head.join("\r\n")).into_bytes()
}

/// The `<member>`s of a query's `<Timestamps>` or `<Values>` (none when it is empty).
fn members(section: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let (Some(a), Some(b)) = (section.find(&open), section.find(&close)) else {
        return Vec::new();
    };
    section[a + open.len()..b]
        .split("</member>")
        .filter_map(|m| m.trim().strip_prefix("<member>"))
        .map(str::to_string)
        .collect()
}
