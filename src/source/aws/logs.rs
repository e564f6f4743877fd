//! CloudWatch Logs reads: FilterLogEvents over a function's log group, every page, lines of all
//! its streams interleaved. Read-only, like everything else.

use aws_sdk_cloudwatchlogs::Client;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::endpoint::EndpointPrefix;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::{Duration, TimeZone, Utc};

use super::errors::{AwsError, classify};
use crate::source::logs::LogEvent;
use crate::store::{FunctionFacts, FunctionKey, Logging};

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

/// Where a function's lines are read: its log group and, in a group of its own choosing (which
/// other functions may share), only its own streams, which Lambda names
/// `YYYY/MM/DD/<function_name>[<function_version>][<execution_environment_GUID>]` (Lambda
/// Developer Guide, *Configuring CloudWatch log groups*).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPlace {
    pub group: String,
    /// In a custom group: the function whose streams are its own.
    pub own_streams: Option<String>,
    /// Lines are JSON records (`LogFormat = JSON`).
    pub json: bool,
}

impl LogPlace {
    /// Where function `name` logs, by its `LoggingConfig`; a `name` that starts with `/` is a
    /// log group itself.
    pub fn of(name: &str, logging: &Logging) -> LogPlace {
        match &logging.group {
            // Its own group named by ARN (a linked account's, read from the monitoring
            // account): every stream is its own.
            Some(arn)
                if arn.starts_with("arn:")
                    && arn.ends_with(&format!(":log-group:{}", log_group_of(name))) =>
            {
                LogPlace {
                    group: arn.clone(),
                    own_streams: None,
                    json: logging.json,
                }
            }
            Some(group) if !name.starts_with('/') => LogPlace {
                group: group.clone(),
                own_streams: Some(name.to_string()),
                json: logging.json,
            },
            _ => LogPlace {
                group: log_group_of(name),
                own_streams: None,
                json: logging.json,
            },
        }
    }

    /// The stream-name prefixes a read from `from_ms` to `to_ms` goes through: none in a
    /// function's own group; in a custom one, the function's streams of each UTC day from the
    /// day before `from_ms` (an execution environment keeps the day it started in its stream's
    /// name while it lives) to the day of `to_ms`.
    pub fn prefixes(&self, from_ms: i64, to_ms: i64) -> Vec<Option<String>> {
        let Some(name) = &self.own_streams else {
            return vec![None];
        };
        let day = |ms: i64| {
            Utc.timestamp_millis_opt(ms)
                .single()
                .map(|t| t.date_naive())
        };
        let (Some(first), Some(last)) = (day(from_ms - 86_400_000), day(to_ms)) else {
            return vec![None];
        };
        let mut out = Vec::new();
        let mut d = first;
        while d <= last {
            out.push(Some(format!("{}/{name}[", d.format("%Y/%m/%d"))));
            d += Duration::days(1);
        }
        out
    }
}

/// Where each function logs, as the inventory last said, shared by an account's region sources
/// (which learn it) and its log readers (which read there).
#[derive(Debug, Clone, Default)]
pub struct LogPlaces(Arc<RwLock<Places>>);

#[derive(Debug, Default)]
struct Places {
    by_function: HashMap<FunctionKey, Logging>,
    /// Regions whose inventory was asked for at least once, answered or not.
    asked: std::collections::HashSet<String>,
}

impl LogPlaces {
    /// The inventory of `region`: its functions and how each logs (the ones gone are
    /// forgotten).
    pub fn learn(&self, region: &str, functions: &[FunctionFacts]) {
        if let Ok(mut p) = self.0.write() {
            p.by_function.retain(|k, _| k.region != region);
            for f in functions {
                p.by_function.insert(f.key(), f.logging.clone());
            }
        }
    }

    /// How one function logs, learnt some other way (GetFunctionConfiguration).
    pub fn know(&self, key: &FunctionKey, logging: Logging) {
        if let Ok(mut p) = self.0.write() {
            p.by_function.insert(key.clone(), logging);
        }
    }

    /// `region`'s inventory was asked for (answered or not): readers need wait no longer.
    pub fn asked(&self, region: &str) {
        if let Ok(mut p) = self.0.write() {
            p.asked.insert(region.to_string());
        }
    }

    /// Whether `region`'s inventory was asked for.
    pub fn was_asked(&self, region: &str) -> bool {
        self.0.read().is_ok_and(|p| p.asked.contains(region))
    }

    /// The functions of `region` the inventory gave, by name.
    pub fn functions_of(&self, region: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .0
            .read()
            .map(|p| {
                p.by_function
                    .keys()
                    .filter(|k| k.region == region)
                    .map(|k| k.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The functions of `region` whose REPORT records Lambda sends (not withheld by their
    /// system log level), by name.
    pub fn reporting_functions_of(&self, region: &str) -> Vec<String> {
        let withheld: std::collections::HashSet<String> = self
            .0
            .read()
            .map(|p| {
                p.by_function
                    .iter()
                    .filter(|(k, l)| k.region == region && l.reports_withheld())
                    .map(|(k, _)| k.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        let mut names = self.functions_of(region);
        names.retain(|n| !withheld.contains(n));
        names
    }

    /// Where `key`'s lines are: its own group in text until told otherwise.
    pub fn place(&self, key: &FunctionKey) -> LogPlace {
        let logging = self
            .0
            .read()
            .ok()
            .and_then(|p| p.by_function.get(key).cloned())
            .unwrap_or_default();
        LogPlace::of(&key.name, &logging)
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

/// A log class other than Standard, in words (CloudWatch Logs API Reference, *CreateLogGroup*,
/// `logGroupClass`: "The Infrequent Access log class supports a subset of CloudWatch Logs
/// features"; the Delivery class keeps events "for only one day" and "doesn't offer … Logs
/// Insights queries").
fn class_in_words(class: &aws_sdk_cloudwatchlogs::types::LogGroupClass) -> Option<&'static str> {
    use aws_sdk_cloudwatchlogs::types::LogGroupClass;
    match class {
        LogGroupClass::Standard => None,
        LogGroupClass::InfrequentAccess => {
            Some("the Infrequent Access log class, which offers a subset of CloudWatch Logs' reads")
        }
        LogGroupClass::Delivery => Some(
            "the Delivery log class, which keeps events one day and offers no Logs Insights queries",
        ),
        _ => Some("a log class other than Standard, which may not offer this read"),
    }
}

/// A read of `groups` that failed, said with the log class of the first of them that is not
/// Standard: such a class offers only part of CloudWatch Logs' reads, and a read it does not
/// offer fails like any other, so the class is what tells the reader why. Asked
/// (DescribeLogGroups: by prefix for one group's name, else by `logGroupIdentifiers`, names or
/// ARNs, which a monitoring account may use for its source accounts' groups) only when a read
/// failed.
pub async fn with_class(client: &Client, groups: &[&str], e: AwsError) -> AwsError {
    use crate::store::ProblemKind;
    // Throttled, cut off or refused for want of credentials: no class is the reason, and
    // another request would only add to it.
    let about_the_group = matches!(
        e.kind,
        ProblemKind::Service | ProblemKind::NotSupported | ProblemKind::AccessDenied
    );
    if groups.is_empty() || !about_the_group || is_missing_group(&e) {
        return e;
    }
    let request = client.describe_log_groups();
    let request = match groups {
        [one] if !one.starts_with("arn:") => request.log_group_name_prefix(*one).limit(1),
        many => request
            .set_log_group_identifiers(Some(many.iter().take(50).map(|g| g.to_string()).collect())),
    };
    let Ok(answer) = request.send().await else {
        return e;
    };
    let asked = |g: &aws_sdk_cloudwatchlogs::types::LogGroup| -> Option<String> {
        let name = g.log_group_name()?;
        let arn = g.log_group_arn().map(|a| a.trim_end_matches(":*"));
        groups
            .iter()
            .find(|asked| **asked == name || Some(**asked) == arn)
            .map(|_| name.to_string())
    };
    let said = answer.log_groups().iter().find_map(|g| {
        let words = class_in_words(g.log_group_class()?)?;
        Some((asked(g)?, words))
    });
    match said {
        Some((group, words)) => AwsError::new(
            ProblemKind::NotSupported,
            format!("{group} is in {words}: {}", e.message),
        ),
        None => e,
    }
}

/// Lines a page holds at most. CloudWatch's default (and most) is 10,000 in at most 1 MB; half
/// of that keeps a long read under 40 MiB resident, for twice the requests (a day of a busy
/// function is still a few hundred).
const PAGE_EVENTS: i32 = 5_000;
/// Waits (1 s, 2 s, 4 s) for a throttled page before it fails.
const THROTTLED_WAITS: u32 = 3;

/// The pages of one FilterLogEvents read, one at a time: CloudWatch returns a log group's
/// events sorted by timestamp ("The returned log events are sorted by event timestamp", API
/// Reference, *FilterLogEvents*), so a reader can print a page before asking for the next and
/// hold no more than a page (`PAGE_EVENTS`) of each log group.
pub struct PageReader {
    client: Client,
    function: FunctionKey,
    group: String,
    /// Only streams whose names start so (a function's own in a shared group).
    stream_prefix: Option<String>,
    span: (i64, i64),
    pattern: Option<String>,
    /// Where the next page starts; `None` before the first.
    next_token: Option<String>,
    done: bool,
    /// The newest timestamp read so far.
    reached_ms: Option<i64>,
}

impl PageReader {
    /// A read of `function`'s lines in `group` (only the streams named `stream_prefix…` when
    /// given) from `start_ms` to `end_ms` (both inclusive), of the events that match the
    /// CloudWatch filter `pattern` if one is given.
    pub fn new(
        client: &Client,
        function: &FunctionKey,
        (group, stream_prefix): (&str, Option<&str>),
        start_ms: i64,
        end_ms: i64,
        pattern: Option<&str>,
    ) -> PageReader {
        PageReader {
            client: client.clone(),
            function: function.clone(),
            group: group.to_string(),
            stream_prefix: stream_prefix.map(str::to_string),
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
        // FilterLogEvents has a small request quota (5 a second per account and region, shared
        // with every other reader): when the SDK's own retries were not enough, wait a little
        // longer each time before giving up on the page.
        let mut attempt = 0;
        let page = loop {
            let request = self.client.filter_log_events();
            // A linked account's group is named by ARN from the monitoring account
            // (*FilterLogEvents*: `logGroupIdentifier`).
            let request = if self.group.starts_with("arn:") {
                request.log_group_identifier(&self.group)
            } else {
                request.log_group_name(&self.group)
            };
            #[allow(deprecated)] // `interleaved`: see below
            let sent = request
                .set_log_stream_name_prefix(self.stream_prefix.clone())
                .start_time(self.span.0)
                .end_time(self.span.1)
                .set_filter_pattern(self.pattern.clone())
                // AWS interleaves streams whatever this says (the parameter is ignored since
                // 2019); a peer that honours it sorts by time as AWS does.
                .interleaved(true)
                .limit(PAGE_EVENTS)
                .set_next_token(asked.clone())
                .send()
                .await;
            match sent {
                Ok(page) => break page,
                Err(e) => {
                    let e = classify("FilterLogEvents", &e);
                    attempt += 1;
                    if e.kind == crate::store::ProblemKind::Throttled && attempt <= THROTTLED_WAITS
                    {
                        tokio::time::sleep(std::time::Duration::from_millis(500 << attempt)).await;
                        continue;
                    }
                    self.done = true;
                    return Some(Err(e));
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A function in a shared group is read through its own streams, a day of them at a time,
    /// from the day before the span (an environment's stream keeps the day it started).
    #[test]
    fn a_shared_group_is_read_by_each_days_streams_of_the_function() {
        let shared = Logging {
            json: false,
            group: Some("/apps/shop".into()),
            system_level: None,
        };
        let place = LogPlace::of("shop-cart", &shared);
        assert_eq!(place.group, "/apps/shop");
        let noon = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
        let ms = noon.timestamp_millis();
        assert_eq!(
            place.prefixes(ms - 600_000, ms),
            vec![
                Some("2026/11/30/shop-cart[".to_string()),
                Some("2026/12/01/shop-cart[".to_string())
            ]
        );
        let own = LogPlace::of("orders-api", &Logging::default());
        assert_eq!(own.group, "/aws/lambda/orders-api");
        assert_eq!(own.prefixes(ms - 600_000, ms), vec![None]);
        assert_eq!(
            LogPlace::of("/custom/group", &shared).group,
            "/custom/group"
        );
    }
}
