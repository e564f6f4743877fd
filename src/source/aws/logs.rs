//! CloudWatch Logs reads: FilterLogEvents over a function's log group, every page, lines of all
//! its streams interleaved. Read-only, like everything else.

use aws_sdk_cloudwatchlogs::Client;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::endpoint::EndpointPrefix;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::errors::{AwsError, classify};
use crate::source::logs::LogEvent;
use crate::store::FunctionKey;

/// Keeps the SDK from prefixing the host of an overridden endpoint (Live Tail's `streaming-`):
/// an emulator or a private endpoint answers on the address it was given, as the AWS CLI's
/// `inject_host_prefix = false` has it.
#[derive(Debug)]
pub struct NoHostPrefix;

impl aws_sdk_cloudwatchlogs::config::Intercept for NoHostPrefix {
    fn name(&self) -> &'static str {
        "NoHostPrefix"
    }

    fn modify_before_retry_loop(
        &self,
        _context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().unset::<EndpointPrefix>();
        Ok(())
    }
}

/// The log group of a function: Lambda's default, or the argument itself when it is a group.
pub fn log_group_of(function: &str) -> String {
    if function.starts_with('/') {
        function.to_string()
    } else {
        format!("/aws/lambda/{function}")
    }
}

/// The ARN of a function's default log group, from the function's ARN (Live Tail names log
/// groups by ARN): `arn:aws:lambda:eu-west-1:1234:function:f` →
/// `arn:aws:logs:eu-west-1:1234:log-group:/aws/lambda/f`.
pub fn log_group_arn(function_arn: &str) -> Option<String> {
    let parts: Vec<&str> = function_arn.split(':').collect();
    match parts.as_slice() {
        [
            "arn",
            partition,
            "lambda",
            region,
            account,
            "function",
            name,
            ..,
        ] => Some(format!(
            "arn:{partition}:logs:{region}:{account}:log-group:/aws/lambda/{name}"
        )),
        _ => None,
    }
}

/// Whether an error says the log group does not exist (the function never logged there).
pub fn is_missing_group(e: &AwsError) -> bool {
    e.message.contains("ResourceNotFoundException")
}

/// What a read brought: the events of every page read, and the error that stopped it, if one
/// did (the pages before it are kept: a reader that reads the span again de-duplicates).
#[derive(Debug, Default)]
pub struct Pages {
    pub events: Vec<LogEvent>,
    pub error: Option<AwsError>,
}

impl Pages {
    /// The events, if the read went through to its end.
    pub fn whole(self) -> Result<Vec<LogEvent>, AwsError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.events),
        }
    }
}

/// Lines a page holds at most. CloudWatch's default (and most) is 10,000 in at most 1 MB; half
/// of that keeps a long read under 40 MiB resident, for twice the requests (a day of a busy
/// function is still a few hundred).
const PAGE_EVENTS: i32 = 5_000;

/// The pages of one FilterLogEvents read, one at a time: CloudWatch returns a log group's
/// events sorted by timestamp ("The returned log events are sorted by event timestamp", API
/// Reference, *FilterLogEvents*), so a reader can print a page before asking for the next and
/// hold no more than a page (`PAGE_EVENTS`) of each log group.
pub struct PageReader {
    client: Client,
    function: FunctionKey,
    span: (i64, i64),
    pattern: Option<String>,
    /// Where the next page starts; `None` before the first.
    next_token: Option<String>,
    done: bool,
    /// The newest timestamp read so far.
    reached_ms: Option<i64>,
}

impl PageReader {
    /// A read of `function`'s log group from `start_ms` to `end_ms` (both inclusive), of the
    /// events that match the CloudWatch filter `pattern` if one is given.
    pub fn new(
        client: &Client,
        function: &FunctionKey,
        start_ms: i64,
        end_ms: i64,
        pattern: Option<&str>,
    ) -> PageReader {
        PageReader {
            client: client.clone(),
            function: function.clone(),
            span: (start_ms, end_ms),
            pattern: pattern.map(str::to_string),
            next_token: None,
            done: false,
            reached_ms: None,
        }
    }

    pub fn function(&self) -> &FunctionKey {
        &self.function
    }

    /// The newest timestamp of the lines read so far: sorted by time, the lines up to it are
    /// all read.
    pub fn reached_ms(&self) -> Option<i64> {
        self.reached_ms
    }

    /// The next page's events, with CloudWatch's own event ids (a page may be empty while more
    /// follow); `None` once read to the end. After an error, `None`.
    pub async fn next(&mut self) -> Option<Result<Vec<LogEvent>, AwsError>> {
        if self.done {
            return None;
        }
        let asked = self.next_token.take();
        #[allow(deprecated)] // `interleaved`: see below
        let sent = self
            .client
            .filter_log_events()
            .log_group_name(log_group_of(&self.function.name))
            .start_time(self.span.0)
            .end_time(self.span.1)
            .set_filter_pattern(self.pattern.clone())
            // AWS interleaves streams whatever this says (the parameter is ignored since 2019);
            // a peer that honours it sorts by time as AWS does.
            .interleaved(true)
            .limit(PAGE_EVENTS)
            .set_next_token(asked.clone())
            .send()
            .await;
        let page = match sent {
            Ok(page) => page,
            Err(e) => {
                self.done = true;
                return Some(Err(classify("FilterLogEvents", &e)));
            }
        };
        // The paginator's rule: the last page has no token, or the one it was asked with.
        let token = page
            .next_token()
            .filter(|t| Some(*t) != asked.as_deref())
            .map(str::to_string);
        self.done = token.is_none();
        self.next_token = token;
        // Taken, not copied: a page is up to 10,000 lines.
        let events = page
            .events
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| {
                Some(LogEvent {
                    function: self.function.clone(),
                    at_ms: e.timestamp?,
                    stream: e.log_stream_name.unwrap_or_default(),
                    event_id: e.event_id?,
                    message: e.message.unwrap_or_default(),
                })
            })
            .collect::<Vec<LogEvent>>();
        let mut events = events;
        // Sorted by time, as AWS sends them: what the readers that merge pages rely on.
        events.sort_by_key(|e| e.at_ms);
        if let Some(newest) = events.iter().map(|e| e.at_ms).max() {
            self.reached_ms = Some(self.reached_ms.map_or(newest, |r| r.max(newest)));
        }
        Some(Ok(events))
    }
}

/// Every event of `function`'s log group from `start_ms` to `end_ms` (both inclusive), that
/// matches the CloudWatch filter `pattern` if one is given, with CloudWatch's own event ids.
pub async fn filter_events(
    client: &Client,
    function: &FunctionKey,
    start_ms: i64,
    end_ms: i64,
    pattern: Option<&str>,
) -> Pages {
    let mut reader = PageReader::new(client, function, start_ms, end_ms, pattern);
    let mut out = Vec::new();
    while let Some(page) = reader.next().await {
        match page {
            Ok(events) => out.extend(events),
            Err(e) => {
                return Pages {
                    events: out,
                    error: Some(e),
                };
            }
        }
    }
    Pages {
        events: out,
        error: None,
    }
}
