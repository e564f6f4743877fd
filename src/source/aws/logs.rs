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

/// Every event of `function`'s log group from `start_ms` to `end_ms` (both inclusive), that
/// matches the CloudWatch filter `pattern` if one is given, with CloudWatch's own event ids.
pub async fn filter_events(
    client: &Client,
    function: &FunctionKey,
    start_ms: i64,
    end_ms: i64,
    pattern: Option<&str>,
) -> Pages {
    let group = log_group_of(&function.name);
    let mut out = Vec::new();
    let mut pages = client
        .filter_log_events()
        .log_group_name(&group)
        .start_time(start_ms)
        .end_time(end_ms)
        .set_filter_pattern(pattern.map(str::to_string))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(e) => {
                return Pages {
                    events: out,
                    error: Some(classify("FilterLogEvents", &e)),
                };
            }
        };
        for e in page.events() {
            let (Some(at_ms), Some(id)) = (e.timestamp(), e.event_id()) else {
                continue;
            };
            out.push(LogEvent {
                function: function.clone(),
                at_ms,
                stream: e.log_stream_name().unwrap_or_default().to_string(),
                event_id: id.to_string(),
                message: e.message().unwrap_or_default().to_string(),
            });
        }
    }
    Pages {
        events: out,
        error: None,
    }
}
