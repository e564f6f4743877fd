//! Logs Insights: a query over log groups with StartQuery, its answer polled with
//! GetQueryResults until the query ends (CloudWatch Logs API Reference, *StartQuery*,
//! *GetQueryResults*: `Scheduled` and `Running` return partial results, `Complete`, `Failed`,
//! `Cancelled` and `Timeout` are final). A query runs on for up to 60 minutes, billed for what
//! it scans and holding one of the account's concurrent queries, which every dashboard of the
//! account shares (*StartQuery*): so a query that outlasts our patience, or is dropped
//! unfinished (a new query replaces it, its view is left), is stopped (*StopQuery*: "Stops a
//! CloudWatch Logs Insights query that is in progress"). StopQuery ends only lambdatop's own
//! query; nothing else of the account changes.
//!
//! AWS takes at most 50 log groups a query (*StartQuery*: `logGroupNames`, 50 items), times in
//! epoch seconds, and writes `@timestamp` as `2024-01-02 03:04:05.678` (UTC). What a query
//! scanned (`statistics.bytesScanned`) is what it costs, and goes on the dashboard's own bill.

use std::time::Duration;

use super::errors::{AwsError, classify};
use super::usage::UsageCounter;
use crate::logtext::sanitize::clean_field;
use crate::store::ProblemKind;
use crate::store::insights::{InsightsAnswer, QueryState};

/// Log groups StartQuery takes at once.
pub const MAX_GROUPS: usize = 50;
/// Records asked for when the query names no `limit` (AWS's default is 10,000; a table on a
/// terminal needs far fewer).
pub const DEFAULT_LIMIT: i32 = 1000;
/// Characters of a value kept: a message is shown on one row of a table.
const VALUE_MAX: usize = 4096;

/// A query to run in one region.
#[derive(Debug, Clone)]
pub struct Query<'a> {
    pub text: &'a str,
    pub groups: Vec<String>,
    pub from_ms: i64,
    pub to_ms: i64,
}

/// How often the answer is asked for, and how long at most.
#[derive(Debug, Clone, Copy)]
pub struct Patience {
    pub every: Duration,
    pub at_most: Duration,
}

impl Default for Patience {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(1),
            at_most: Duration::from_secs(300),
        }
    }
}

/// Runs `query` and waits for its answer: the final one, or the partial one when patience
/// runs out (its state says `running`). `partial` sees each answer while it runs.
pub async fn run(
    client: &aws_sdk_cloudwatchlogs::Client,
    query: &Query<'_>,
    usage: Option<&UsageCounter>,
    patience: Patience,
    mut partial: impl FnMut(&InsightsAnswer),
) -> Result<InsightsAnswer, AwsError> {
    if query.groups.is_empty() {
        return Err(AwsError::new(ProblemKind::Service, "no log group to query"));
    }
    if query.groups.len() > MAX_GROUPS {
        return Err(AwsError::new(
            ProblemKind::Service,
            format!(
                "Logs Insights takes at most {MAX_GROUPS} log groups a query; this one has {}: narrow it",
                query.groups.len()
            ),
        ));
    }
    let limited = query.text.to_ascii_lowercase().contains("limit ");
    let request = client.start_query();
    // A linked account's groups are named by ARN (*StartQuery*: `logGroupIdentifiers`,
    // which a monitoring account may use for its source accounts' groups).
    let request = if query.groups.iter().any(|g| g.starts_with("arn:")) {
        request.set_log_group_identifiers(Some(query.groups.clone()))
    } else {
        request.set_log_group_names(Some(query.groups.clone()))
    };
    let started = request
        .start_time(query.from_ms.div_euclid(1000))
        // Whole seconds, rounded out: the span's last milliseconds are in it.
        .end_time((query.to_ms + 999).div_euclid(1000))
        .query_string(query.text)
        .set_limit((!limited).then_some(DEFAULT_LIMIT))
        .send()
        .await;
    let started = match started {
        Ok(started) => started,
        Err(e) => {
            let groups: Vec<&str> = query.groups.iter().map(String::as_str).collect();
            return Err(super::logs::with_class(client, &groups, classify("StartQuery", &e)).await);
        }
    };
    let Some(id) = started.query_id().map(str::to_string) else {
        return Err(AwsError::new(
            ProblemKind::Service,
            "StartQuery returned no query id",
        ));
    };
    // Until it ends, dropping this stops the query.
    let mut running = Running {
        client: client.clone(),
        id: Some(id.clone()),
    };
    let give_up = tokio::time::Instant::now() + patience.at_most;
    loop {
        tokio::time::sleep(patience.every).await;
        let out = client
            .get_query_results()
            .query_id(&id)
            .send()
            .await
            .map_err(|e| classify("GetQueryResults", &e))?;
        let answer = answer_of(&out);
        if answer.state.is_final() {
            running.id = None;
        }
        let done = answer.state.is_final() || tokio::time::Instant::now() >= give_up;
        if done {
            // Out of patience: the partial answer is shown, and the query stopped now.
            if let Some(id) = running.id.take() {
                stop(client, &id).await;
            }
            if let (Some(u), Some(b)) = (usage, answer.bytes_scanned) {
                u.add_insights_bytes(b);
            }
            return Ok(answer);
        }
        partial(&answer);
    }
}

/// A query started and not yet ended: dropped (its task aborted, a new query in its place),
/// it is stopped in the background.
struct Running {
    client: aws_sdk_cloudwatchlogs::Client,
    id: Option<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let Some(id) = self.id.take() else {
            return;
        };
        // Only from within a runtime still running: a program that is exiting leaves the
        // query to end on its own.
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            let client = self.client.clone();
            handle.spawn(async move { stop(&client, &id).await });
        }
    }
}

/// Stops query `id`. A query that ended meanwhile is an error AWS gives, and nothing to do.
async fn stop(client: &aws_sdk_cloudwatchlogs::Client, id: &str) {
    if let Err(e) = client.stop_query().query_id(id).send().await {
        tracing::debug!("StopQuery {id}: {}", classify("StopQuery", &e).message);
    }
}

fn answer_of(
    out: &aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput,
) -> InsightsAnswer {
    let state = out
        .status()
        .map_or(QueryState::Unknown, |s| QueryState::parse(s.as_str()));
    let mut answer = InsightsAnswer::empty(state);
    for record in out.results() {
        // Values are log text: untrusted, and made terminal-safe before the store keeps them.
        let clean: Vec<(String, String)> = record
            .iter()
            .map(|f| {
                // One row a record: a stack trace's breaks and a line's tabs read as spaces.
                let value: String = f
                    .value()
                    .unwrap_or_default()
                    .trim_end()
                    .chars()
                    .take(VALUE_MAX)
                    .map(|c| {
                        if matches!(c, '\t' | '\n' | '\r') {
                            ' '
                        } else {
                            c
                        }
                    })
                    .collect();
                (
                    clean_field(f.field().unwrap_or_default()),
                    clean_field(&value),
                )
            })
            .collect();
        answer.push_record(clean.iter().map(|(f, v)| (f.as_str(), v.as_str())));
    }
    if let Some(s) = out.statistics() {
        answer.bytes_scanned = Some(s.bytes_scanned());
        answer.records_matched = Some(s.records_matched());
        answer.records_scanned = Some(s.records_scanned());
    }
    answer
}

/// The query made to read only `names`' lines where they share a group with others: their
/// streams carry their names (`YYYY/MM/DD/NAME[VERSION]…`).
pub fn only_streams_of(names: &[&str], query: &str) -> String {
    let alternatives: Vec<String> = names
        .iter()
        .map(|n| {
            n.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect()
        })
        .collect();
    format!(
        "filter @logStream like /\\/({})\\[/ | {query}",
        alternatives.join("|")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_group_is_narrowed_to_the_functions_streams() {
        assert_eq!(
            only_streams_of(&["orders", "bad/name"], "fields @message"),
            "filter @logStream like /\\/(orders|badname)\\[/ | fields @message"
        );
    }
}
