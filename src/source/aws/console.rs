//! Links into the AWS console, for the moment the reader wants a browser after all: a
//! function's page, its log group, a Logs Insights query over it. The console names a log
//! group in the URL's fragment with `/` written `$252F` (its own escaping of `%2F`), and takes
//! an Insights query as a `queryDetail` object in its compact `~(key~value)` notation, strings
//! led by `'` and their other characters written `*XX`. No request is made; the link is text.

use super::logs::LogPlace;
use crate::store::{FunctionKey, Logging, Store};

/// What a reader asks a link to: the app names the function (and the request) with the facts
/// the store holds; which page that is, and the log group's name, are the console's and
/// Lambda's conventions, kept here.
#[derive(Debug, Clone, Copy)]
pub enum Link<'a> {
    /// The function's page in the Lambda console.
    Function(&'a FunctionKey),
    /// The function's log group in the CloudWatch console.
    LogGroup {
        function: &'a FunctionKey,
        logging: &'a Logging,
    },
    /// Logs Insights over the function's log group, showing one request's lines, from
    /// `seconds` ago.
    Request {
        function: &'a FunctionKey,
        logging: &'a Logging,
        request_id: &'a str,
        seconds: i64,
    },
}

impl Link<'_> {
    /// The link for the account the store reads (its partition: `aws`, `aws-cn`…), and what it
    /// is in words, for the footer: `console URL of /aws/lambda/f`.
    pub fn url(self, store: &Store) -> (String, String) {
        let partition = store.identity().map_or("aws", |i| i.partition.as_str());
        match self {
            Link::Function(key) => (
                format!("console URL of {key}"),
                function_url(partition, &key.region, &key.name),
            ),
            Link::LogGroup { function, logging } => {
                let group = LogPlace::of(&function.name, logging).group;
                (
                    format!("console URL of {group}"),
                    log_group_url(partition, &function.region, &group),
                )
            }
            Link::Request {
                function,
                logging,
                request_id,
                seconds,
            } => {
                let group = LogPlace::of(&function.name, logging).group;
                (
                    format!("Logs Insights URL of request {request_id}"),
                    insights_url(
                        partition,
                        &function.region,
                        &group,
                        &request_query(request_id),
                        seconds,
                    ),
                )
            }
        }
    }
}

/// The console's host for a region, by partition.
fn host(partition: &str, region: &str) -> String {
    match partition {
        "aws-cn" => format!("https://{region}.console.amazonaws.cn"),
        "aws-us-gov" => "https://console.amazonaws-us-gov.com".to_string(),
        _ => format!("https://{region}.console.aws.amazon.com"),
    }
}

/// The function's page in the Lambda console.
pub fn function_url(partition: &str, region: &str, name: &str) -> String {
    format!(
        "{}/lambda/home?region={region}#/functions/{}",
        host(partition, region),
        percent(name)
    )
}

/// The log group's page in the CloudWatch console.
pub fn log_group_url(partition: &str, region: &str, group: &str) -> String {
    let escaped = percent(group).replace('%', "$25");
    format!(
        "{}/cloudwatch/home?region={region}#logsV2:log-groups/log-group/{escaped}",
        host(partition, region),
    )
}

/// Logs Insights with `query` over `group` for the last `seconds`, ready to run.
pub fn insights_url(
    partition: &str,
    region: &str,
    group: &str,
    query: &str,
    seconds: i64,
) -> String {
    let detail = format!(
        "~(end~0~start~-{seconds}~timeType~'RELATIVE~unit~'seconds~editorString~'{}~source~(~'{}))",
        compact(query),
        compact(group)
    );
    format!(
        "{}/cloudwatch/home?region={region}#logsV2:logs-insights$3FqueryDetail$3D{}",
        host(partition, region),
        percent_keep(&detail, "~()'*").replace('%', "$25")
    )
}

/// The Insights query that shows one request's lines, oldest first.
pub fn request_query(request_id: &str) -> String {
    let id: String = request_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!(
        "fields @timestamp, @logStream, @message\n| filter @message like \"{id}\"\n| sort @timestamp asc\n| limit 1000"
    )
}

/// A string in the console's compact notation: letters, digits, `-`, `_` and `.` as they are,
/// every other character as `*` and its hex code.
fn compact(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || "-_.".contains(c) {
            out.push(c);
        } else if c.is_ascii() {
            out.push_str(&format!("*{:02x}", c as u32));
        } else {
            out.push_str(&format!("**{:04x}", c as u32));
        }
    }
    out
}

fn percent(s: &str) -> String {
    percent_keep(s, "")
}

/// Percent-encoding of everything but unreserved characters and those of `keep`.
fn percent_keep(s: &str, keep: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || "-_.".contains(c) || keep.contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_the_region_and_escape_as_the_console_does() {
        assert_eq!(
            function_url("aws", "eu-west-1", "checkout-api"),
            "https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/checkout-api"
        );
        assert_eq!(
            log_group_url("aws", "us-east-1", "/aws/lambda/f"),
            "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Ff"
        );
        let q = insights_url("aws", "us-east-1", "/aws/lambda/f", "fields @message", 3600);
        assert!(q.ends_with("#logsV2:logs-insights$3FqueryDetail$3D~(end~0~start~-3600~timeType~'RELATIVE~unit~'seconds~editorString~'fields*20*40message~source~(~'*2faws*2flambda*2ff))"), "{q}");
        assert!(
            function_url("aws-cn", "cn-north-1", "f")
                .starts_with("https://cn-north-1.console.amazonaws.cn/")
        );
        assert!(request_query("8f5e\"; drop").contains("like \"8f5edrop\""));
    }
}
