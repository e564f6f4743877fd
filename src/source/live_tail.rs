//! CloudWatch Logs Live Tail for the log tail: one session per region of the target
//! (StartLiveTail takes log groups of one region), each on a task of its own. Each region
//! streams, fails or ends on its own: a session that ends (they last three hours at most) is
//! opened again in its region alone; a region where Live Tail is refused (no permission, not
//! offered there) is polled for good while the others stream; one that fails again and again
//! waits longer each time. The tail polls FilterLogEvents only for the regions not streaming.

use std::collections::{HashMap, HashSet};

use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use tokio::sync::mpsc;

use super::TailTarget;
use super::aws::errors::{AwsError, classify};
use super::aws::inventory::function_name_of_arn;
use super::aws::logs::{LogPlace, log_group_arn};
use super::log_reader::LogReader;
use super::logs::LogEvent;
use super::tail::content_id;
use crate::store::{FunctionKey, ProblemKind};

/// Consecutive failures of Live Tail in a region after which it is polled for good.
const LIVE_TRIES: u32 = 5;
/// The wait before opening Live Tail again after a failure: doubled each time, at most
/// `LIVE_RETRY_MAX_MS`.
const LIVE_RETRY_MS: i64 = 2_000;
const LIVE_RETRY_MAX_MS: i64 = 60_000;

/// What a Live Tail session task reports.
enum LiveMsg {
    /// Lines, and whether Live Tail sampled them (above 500 events a second it sends a part:
    /// `sessionMetadata.sampled`, CloudWatch Logs API Reference, *LiveTailSessionMetadata*).
    Events(Vec<LogEvent>, bool),
    Failed(AwsError),
    /// The session ended (they last three hours at most, then `SessionTimeoutException`):
    /// open another.
    Ended,
}

/// A region's running session; dropping it ends it.
struct Session {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Why a region is not streaming: how often it failed in a row and when to try it again, or
/// that it is polled for good.
#[derive(Default)]
struct Setback {
    failures: u32,
    retry_at_ms: Option<i64>,
    refused: bool,
}

/// The Live Tail sessions of one target, by region.
pub struct Live {
    tx: mpsc::Sender<(String, LiveMsg)>,
    rx: mpsc::Receiver<(String, LiveMsg)>,
    sessions: HashMap<String, Session>,
    setbacks: HashMap<String, Setback>,
    /// Regions whose latest streamed lines were a sample (a session that ends after them
    /// leaves them shown, and another follows).
    sampled: HashSet<String>,
}

impl Default for Live {
    fn default() -> Self {
        // Up to a few polls' worth of session messages wait here between polls.
        let (tx, rx) = mpsc::channel(256);
        Live {
            tx,
            rx,
            sessions: HashMap::new(),
            setbacks: HashMap::new(),
            sampled: HashSet::new(),
        }
    }
}

impl Live {
    /// Whether `region`'s lines stream (no need to poll them).
    pub fn streams(&self, region: &str) -> bool {
        self.sessions.contains_key(region)
    }

    /// Sessions open now, for the bill (Live Tail is billed by the session-minute).
    pub fn sessions(&self) -> usize {
        self.sessions.len()
    }

    /// Whether a region's latest streamed lines were a sample.
    pub fn sampled(&self) -> bool {
        !self.sampled.is_empty()
    }

    /// Opens a session in each region of `target` that has none, where Live Tail is not
    /// refused and any wait after a failure is over.
    pub fn start(&mut self, reader: &LogReader, target: &TailTarget, now_ms: i64) {
        // Log groups by region, from the function ARNs the inventory gave and where each
        // function logs (a shared group once).
        let mut by_region: HashMap<&str, Vec<String>> = HashMap::new();
        let mut tailed: HashSet<String> = HashSet::new();
        for arn in target.function_arns.iter().take(TailTarget::MAX_FUNCTIONS) {
            let (Some(region), Some(name)) = (arn.split(':').nth(3), function_name_of_arn(arn))
            else {
                continue;
            };
            let place = reader.place(&FunctionKey::new(region, name));
            let Some(group) = group_arn(arn, place.as_ref()) else {
                continue;
            };
            tailed.insert(name.to_string());
            let groups = by_region.entry(region).or_default();
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
        for (region, arns) in by_region {
            let waiting = self
                .setbacks
                .get(region)
                .is_some_and(|s| s.refused || s.retry_at_ms.is_some_and(|at| now_ms < at));
            if waiting || self.sessions.contains_key(region) {
                continue;
            }
            let Some(client) = reader.client(region) else {
                continue;
            };
            let task = tokio::spawn(live_session(
                client.clone(),
                region.to_string(),
                arns,
                tailed.clone(),
                target.filter.clone(),
                self.tx.clone(),
            ));
            self.sessions.insert(region.to_string(), Session { task });
        }
    }

    /// What the sessions streamed since the last poll, into `events`. A region whose session
    /// failed or ended stops streaming (and is polled) until it is opened again.
    pub fn drain(&mut self, events: &mut Vec<LogEvent>, now_ms: i64) {
        while let Ok((region, msg)) = self.rx.try_recv() {
            match msg {
                LiveMsg::Events(e, sampled) => {
                    if !e.is_empty() && sampled {
                        self.sampled.insert(region.clone());
                    } else if !e.is_empty() {
                        self.sampled.remove(&region);
                    }
                    events.extend(e);
                    self.setbacks.remove(&region);
                }
                LiveMsg::Failed(e) => {
                    self.sessions.remove(&region);
                    let setback = self.setbacks.entry(region.clone()).or_default();
                    setback.failures += 1;
                    let for_good = matches!(
                        e.kind,
                        ProblemKind::AccessDenied
                            | ProblemKind::NotSupported
                            | ProblemKind::Credentials
                    ) || setback.failures >= LIVE_TRIES;
                    if for_good {
                        tracing::info!(
                            "Live Tail not available in {region}, polling FilterLogEvents: {e}"
                        );
                        setback.refused = true;
                        // Polled from now on: every line is read.
                        self.sampled.remove(&region);
                    } else {
                        let wait = (LIVE_RETRY_MS << (setback.failures - 1)).min(LIVE_RETRY_MAX_MS);
                        tracing::info!(
                            "Live Tail failed in {region} ({e}); polling, trying it again in {wait} ms"
                        );
                        setback.retry_at_ms = Some(now_ms + wait);
                    }
                }
                LiveMsg::Ended => {
                    self.sessions.remove(&region);
                }
            }
        }
    }
}

/// The function a Live Tail line is of: in a group of its own choosing (possibly shared), the
/// name its stream carries (`YYYY/MM/DD/NAME[VERSION]GUID`); in its own group, the group's.
fn function_of<'a>(group: &'a str, stream: &'a str) -> Option<&'a str> {
    let after_date = stream.splitn(4, '/').nth(3).unwrap_or_default();
    match after_date.split('[').next() {
        Some(name) if !name.is_empty() => Some(name),
        _ => {
            let name = group.split("/aws/lambda/").nth(1)?;
            Some(name.trim_end_matches(":*"))
        }
    }
}

/// The ARN of the log group a function's lines are in: its own, or the custom one its
/// `LoggingConfig` names (in the function's account and region).
fn group_arn(function_arn: &str, place: Option<&LogPlace>) -> Option<String> {
    match place.filter(|p| p.own_streams.is_some()) {
        Some(p) => {
            let parts: Vec<&str> = function_arn.split(':').collect();
            let [_, partition, _, region, account, ..] = parts.as_slice() else {
                return None;
            };
            Some(format!(
                "arn:{partition}:logs:{region}:{account}:log-group:{}",
                p.group
            ))
        }
        None => log_group_arn(function_arn),
    }
}

/// One Live Tail session over `arns` (log groups of `region`), until it ends or fails.
async fn live_session(
    client: aws_sdk_cloudwatchlogs::Client,
    region: String,
    arns: Vec<String>,
    // A shared group streams other functions' lines too: only these are kept.
    tailed: HashSet<String>,
    filter: Option<String>,
    tx: mpsc::Sender<(String, LiveMsg)>,
) {
    let out = match client
        .start_live_tail()
        .set_log_group_identifiers(Some(arns.clone()))
        .set_log_event_filter_pattern(filter)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => {
            let groups: Vec<&str> = arns.iter().map(String::as_str).collect();
            let e =
                super::aws::logs::with_class(&client, &groups, classify("StartLiveTail", &e)).await;
            let _ = tx.send((region, LiveMsg::Failed(e))).await;
            return;
        }
    };
    let mut stream = out.response_stream;
    loop {
        let msg = match stream.recv().await {
            Ok(Some(StartLiveTailResponseStream::SessionUpdate(update))) => LiveMsg::Events(
                update
                    .session_results()
                    .iter()
                    .filter_map(|e| {
                        let stream = e.log_stream_name().unwrap_or_default().to_string();
                        let name = function_of(e.log_group_identifier()?, &stream)?;
                        if !tailed.contains(name) {
                            return None;
                        }
                        let name = name.to_string();
                        let message = e.message().unwrap_or_default().to_string();
                        let at_ms = e.timestamp()?;
                        Some(LogEvent {
                            function: FunctionKey::new(&region, &name),
                            at_ms,
                            event_id: content_id(&stream, at_ms, &message),
                            stream,
                            message,
                        })
                    })
                    .collect(),
                update.session_metadata().is_some_and(|m| m.sampled()),
            ),
            Ok(Some(_)) => continue,
            Ok(None) => LiveMsg::Ended,
            // A session's normal end after three hours.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_session_timeout_exception()) =>
            {
                LiveMsg::Ended
            }
            Err(e) => LiveMsg::Failed(classify("Live Tail", &e)),
        };
        let last = !matches!(msg, LiveMsg::Events(..));
        if tx.send((region.clone(), msg)).await.is_err() || last {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Live Tail names a line's group and stream: in a shared group, the stream says whose.
    #[test]
    fn a_live_line_is_its_streams_function_in_a_shared_group() {
        let shared = "arn:aws:logs:eu-west-1:1:log-group:/apps/shop";
        assert_eq!(
            function_of(shared, "2026/12/01/shop-cart[$LATEST]0a1b"),
            Some("shop-cart")
        );
        let own = "arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/orders-api";
        assert_eq!(
            function_of(own, "2026/12/01/[$LATEST]0a1b"),
            Some("orders-api")
        );
        let place = LogPlace::of(
            "shop-cart",
            &crate::store::Logging {
                json: false,
                group: Some("/apps/shop".into()),
                system_level: None,
            },
        );
        let fn_arn = "arn:aws:lambda:eu-west-1:1:function:shop-cart";
        assert_eq!(group_arn(fn_arn, Some(&place)).as_deref(), Some(shared));
        assert_eq!(
            group_arn(fn_arn, None).as_deref(),
            Some("arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/shop-cart")
        );
    }

    fn session() -> Session {
        Session {
            task: tokio::spawn(std::future::pending()),
        }
    }

    /// Each region's session ends and fails on its own: an end in one region leaves the
    /// others streaming; a passing failure there is tried again after a wait that doubles,
    /// and after `LIVE_TRIES` in a row, or at once when denied, that region alone is polled for
    /// good.
    #[tokio::test]
    async fn a_regions_session_ends_and_fails_on_its_own() {
        let mut live = Live::default();
        live.sessions.insert("eu-west-1".into(), session());
        live.sessions.insert("us-east-1".into(), session());
        let send = |live: &mut Live, region: &str, msg: LiveMsg, now_ms: i64| {
            live.tx.try_send((region.to_string(), msg)).unwrap();
            live.drain(&mut Vec::new(), now_ms);
        };
        let fail = |kind| LiveMsg::Failed(AwsError::new(kind, "x"));
        let t = 1_000_000;
        send(&mut live, "eu-west-1", LiveMsg::Ended, t);
        assert!(!live.streams("eu-west-1") && live.streams("us-east-1"));
        assert!(
            !live.setbacks.contains_key("eu-west-1"),
            "an end is no failure"
        );

        send(&mut live, "eu-west-1", fail(ProblemKind::Network), t);
        let eu = &live.setbacks["eu-west-1"];
        assert!(!eu.refused, "a network failure is tried again");
        assert_eq!(eu.retry_at_ms, Some(t + 2_000));
        send(&mut live, "eu-west-1", fail(ProblemKind::Service), t);
        assert_eq!(
            live.setbacks["eu-west-1"].retry_at_ms,
            Some(t + 4_000),
            "the wait doubles"
        );
        for _ in 2..LIVE_TRIES {
            send(&mut live, "eu-west-1", fail(ProblemKind::Service), t);
        }
        assert!(
            live.setbacks["eu-west-1"].refused,
            "{LIVE_TRIES} failures in a row: poll for good"
        );
        assert!(live.streams("us-east-1"), "the other region streams on");

        send(&mut live, "us-east-1", fail(ProblemKind::AccessDenied), t);
        assert!(
            live.setbacks["us-east-1"].refused,
            "denied: poll for good at once"
        );
        assert_eq!(live.sessions(), 0);
    }
}
