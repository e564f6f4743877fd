//! The log tail: a `Source` that follows whatever the log pane shows (a function, or a
//! project's functions), told by `Control::Tail`. A new target first fills the last 15 minutes
//! (FilterLogEvents, or the demo fleet's logs). On AWS it then opens a CloudWatch Logs Live Tail
//! session per region (StartLiveTail, streamed) and hands on what streams in at each poll; where
//! the account does not allow Live Tail (no permission, an endpoint without it) or a session
//! fails, it falls back to polling FilterLogEvents every two seconds, each poll looking back a
//! minute for late-ingested lines. Either way only events not sent before are sent: polled
//! lines by FilterLogEvents' own event ids (two identical lines in one millisecond stay two),
//! and a line seen both ways — polled and streamed, when one takes over from the other — by
//! its content (stream, time and message), since Live Tail events carry no id.
//!
//! A read that failed leaves the cursor where it was, so the next poll reads the span again
//! (at most the last 15 minutes); the pages read before a failure are handed on meanwhile.

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::time::Duration;

use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use tokio::sync::mpsc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::aws::errors::{AwsError, classify};
use super::aws::insights::Patience;
use super::aws::inventory::function_name_of_arn;
use super::aws::logs::log_group_arn;
use super::aws::usage::UsageCounter;
use super::log_reader::LogReader;
use super::logs::{DEDUPE_HORIZON_MS, Dedupe, LogEvent, OVERLAP_MS};
use super::{Control, Source, SourceEvent, TailTarget};
use crate::store::ProblemKind;
use crate::store::insights::InsightsResult;

pub const CADENCE: Duration = Duration::from_secs(2);
/// Lines handed on in one event at most (a page of FilterLogEvents holds 5,000).
pub const HAND_ON_LINES: usize = 1_000;
/// How far back a new target starts.
const FILL_MS: i64 = 15 * 60_000;
const MAX_TAILED: usize = TailTarget::MAX_FUNCTIONS;
/// When polling, each tailed function costs this much of the time between polls, so a
/// project's tail stays near two requests a second.
const POLL_MS_PER_FUNCTION: i64 = 500;

pub struct TailSource {
    reader: LogReader,
    /// The account's request count (AWS only).
    usage: Option<UsageCounter>,
    /// Lines held of a read at most: the pane's scrollback.
    keep: usize,
    target: Option<TailTarget>,
    cursor_ms: Option<i64>,
    dedupe: Dedupe,
    /// Content ids of the lines polled and of those streamed, to match a line across the two.
    polled_content: Dedupe,
    streamed_content: Dedupe,
    /// A fixed range was read: nothing more to fetch until the target changes.
    done: bool,
    /// The Live Tail sessions of the target, while they stream.
    live: Option<Live>,
    /// Live Tail was refused for this target (denied, not offered, or failing again and
    /// again): poll instead.
    live_refused: bool,
    /// Live Tail failed lately: how often in a row, and when to try it again.
    live_failures: u32,
    live_retry_at_ms: Option<i64>,
    /// Whether Live Tail's latest lines were sampled, and whether the store was told so.
    sampled: bool,
    sampled_said: bool,
    /// The target changed: the store's lines of the old one are to go.
    reset_pending: bool,
    /// Until when the streaming Live Tail sessions were counted on the bill.
    live_counted_ms: Option<i64>,
    /// A request whose lines are to be read whole, at the next poll.
    request: Option<(crate::store::FunctionKey, String, i64)>,
    /// A Logs Insights query to start at the next poll: (seq, query, from, to).
    insights: Option<(u64, String, i64, i64)>,
    /// Answers of the queries running on tasks of their own (a query can take minutes: the
    /// tail goes on meanwhile).
    insights_tx: mpsc::Sender<InsightsResult>,
    insights_rx: mpsc::Receiver<InsightsResult>,
    insights_task: Option<tokio::task::JoinHandle<()>>,
}

/// How far either side of a request's known lines its other lines are looked for: past the
/// longest a function runs (15 minutes).
const REQUEST_SPAN_MS: i64 = 16 * 60_000;

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

/// Consecutive failures of Live Tail after which a target is polled for good.
const LIVE_TRIES: u32 = 5;
/// The wait before opening Live Tail again after a failure: doubled each time, at most
/// `LIVE_RETRY_MAX_MS`.
const LIVE_RETRY_MS: i64 = 2_000;
const LIVE_RETRY_MAX_MS: i64 = 60_000;

/// Running Live Tail sessions; dropping it ends them.
struct Live {
    rx: mpsc::Receiver<LiveMsg>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Live {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// An id for an event from what it is, the same whichever way it was read.
pub fn content_id(stream: &str, at_ms: i64, message: &str) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (stream, at_ms, message).hash(&mut h);
    format!("c{at_ms}-{:016x}", h.finish())
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
fn group_arn(function_arn: &str, place: Option<&super::aws::logs::LogPlace>) -> Option<String> {
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
    tailed: std::collections::HashSet<String>,
    filter: Option<String>,
    tx: mpsc::Sender<LiveMsg>,
) {
    let out = match client
        .start_live_tail()
        .set_log_group_identifiers(Some(arns))
        .set_log_event_filter_pattern(filter)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => {
            let _ = tx
                .send(LiveMsg::Failed(classify("StartLiveTail", &e)))
                .await;
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
                            function: crate::store::FunctionKey::new(&region, &name),
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
        if tx.send(msg).await.is_err() || last {
            return;
        }
    }
}

impl TailSource {
    /// Holds at most `lines` of a read: what the log pane keeps.
    pub fn with_scrollback(mut self, lines: usize) -> Self {
        self.keep = lines.max(1);
        self
    }

    pub fn new(reader: LogReader, usage: Option<UsageCounter>) -> Self {
        let (insights_tx, insights_rx) = mpsc::channel(4);
        Self {
            reader,
            usage,
            keep: crate::store::logs::DEFAULT_SCROLLBACK,
            target: None,
            cursor_ms: None,
            dedupe: Dedupe::default(),
            polled_content: Dedupe::default(),
            streamed_content: Dedupe::default(),
            done: false,
            live: None,
            live_refused: false,
            live_failures: 0,
            live_retry_at_ms: None,
            sampled: false,
            sampled_said: false,
            reset_pending: false,
            live_counted_ms: None,
            request: None,
            insights: None,
            insights_tx,
            insights_rx,
            insights_task: None,
        }
    }

    /// Starts the query asked for, if any (a newer one replaces one still running, whose
    /// answer would be stale), and hands on the answers that came in.
    fn run_insights(&mut self) -> Vec<SourceEvent> {
        if let (Some((seq, query, from_ms, to_ms)), Some(target)) =
            (self.insights.take(), self.target.clone())
        {
            if let Some(t) = self.insights_task.take() {
                t.abort();
            }
            let reader = self.reader.clone();
            let usage = self.usage.clone();
            let tx = self.insights_tx.clone();
            self.insights_task = Some(tokio::spawn(async move {
                // All of a project's functions, not only those tailed: a query takes 50 groups.
                let functions = target.functions.clone();
                let (answer, error) = super::insights::query(
                    &reader,
                    &functions,
                    &query,
                    (from_ms, to_ms),
                    usage.as_ref(),
                    Patience::default(),
                )
                .await;
                let _ = tx
                    .send(InsightsResult {
                        seq,
                        query,
                        label: target.label.clone(),
                        from_ms,
                        to_ms,
                        answer,
                        error,
                    })
                    .await;
            }));
        }
        let mut out = Vec::new();
        while let Ok(r) = self.insights_rx.try_recv() {
            out.push(SourceEvent::Insights(Box::new(r)));
            if let Some(u) = &self.usage {
                out.push(SourceEvent::ApiUsage(u.snapshot()));
            }
        }
        out
    }

    /// Live Tail is billed by the session-minute: count the minutes since the last poll.
    fn count_live_minutes(&mut self, now_ms: i64) {
        if let (Some(live), Some(usage)) = (&self.live, &self.usage) {
            let since = self.live_counted_ms.unwrap_or(now_ms);
            let sessions = live.tasks.len() as f64;
            usage.add_live_tail_minutes((now_ms - since).max(0) as f64 / 60_000.0 * sessions);
        }
        self.live_counted_ms = self.live.as_ref().map(|_| now_ms);
    }

    /// The events not sent before (`polled` with CloudWatch's ids, `streamed` by Live Tail with
    /// content ids), with the problem of this poll (or its end).
    fn hand_on(
        &mut self,
        polled: Vec<LogEvent>,
        streamed: Vec<LogEvent>,
        failures: Vec<String>,
        now: DateTime<Utc>,
    ) -> Vec<SourceEvent> {
        let horizon = now.timestamp_millis() - DEDUPE_HORIZON_MS;
        self.dedupe.forget_before(horizon);
        self.polled_content.forget_before(horizon);
        self.streamed_content.forget_before(horizon);
        let content = |e: &LogEvent| content_id(&e.stream, e.at_ms, &e.message);
        // A line that came the other way already is the same line.
        let polled: Vec<LogEvent> = polled
            .into_iter()
            .filter(|e| !self.streamed_content.contains(&e.function, &content(e)))
            .collect();
        let streamed: Vec<LogEvent> = streamed
            .into_iter()
            .filter(|e| !self.polled_content.contains(&e.function, &e.event_id))
            .collect();
        for e in &polled {
            self.polled_content.note(e.at_ms, &e.function, &content(e));
        }
        for e in &streamed {
            self.streamed_content
                .note(e.at_ms, &e.function, &e.event_id);
        }
        let mut events = polled;
        events.extend(streamed);
        let fresh = self.dedupe.fresh(events);
        let mut out = Vec::new();
        if std::mem::take(&mut self.reset_pending) {
            out.push(SourceEvent::LogsReset);
        }
        match failures.first() {
            Some(message) => out.push(SourceEvent::Problem {
                source: "logs".into(),
                scope: "logs".into(),
                kind: crate::store::ProblemKind::Service,
                message: message.clone(),
                at: now,
            }),
            None => out.push(SourceEvent::Resolved {
                source: "logs".into(),
                scope: "logs".into(),
            }),
        }
        // In parts: the app takes a storm's lines a frame's worth at a time, keys between.
        let mut fresh = fresh.into_iter().peekable();
        while fresh.peek().is_some() {
            out.push(SourceEvent::Logs(
                fresh.by_ref().take(HAND_ON_LINES).collect(),
            ));
        }
        // Polling reads every line: only Live Tail samples.
        let sampled = self.sampled && self.live.is_some();
        if sampled != self.sampled_said {
            self.sampled_said = sampled;
            tracing::debug!(sampled, "Live Tail's sampling changed");
            out.push(SourceEvent::LogsSampled(sampled));
        }
        if let Some(usage) = &self.usage {
            out.push(SourceEvent::ApiUsage(usage.snapshot()));
        }
        out
    }

    /// Opens Live Tail sessions for the target (one per region), where it can, and once any
    /// wait after a failure is over.
    fn start_live(&mut self, target: &TailTarget, now_ms: i64) {
        if self.live_retry_at_ms.is_some_and(|at| now_ms < at) {
            return;
        }
        // Log groups by region, from the function ARNs the inventory gave and where each
        // function logs (a shared group once).
        let mut by_region: HashMap<&str, Vec<String>> = HashMap::new();
        let mut tailed: std::collections::HashSet<String> = Default::default();
        for arn in target.function_arns.iter().take(MAX_TAILED) {
            let (Some(region), Some(name)) = (arn.split(':').nth(3), function_name_of_arn(arn))
            else {
                continue;
            };
            let place = self
                .reader
                .place(&crate::store::FunctionKey::new(region, name));
            let Some(group) = group_arn(arn, place.as_ref()) else {
                continue;
            };
            tailed.insert(name.to_string());
            let groups = by_region.entry(region).or_default();
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
        if self.live_refused || by_region.is_empty() {
            return;
        }
        // Up to a few polls' worth of session messages wait here between polls.
        let (tx, rx) = mpsc::channel(256);
        let tasks = by_region
            .into_iter()
            .filter_map(|(region, arns)| {
                let client = self.reader.client(region)?.clone();
                Some(tokio::spawn(live_session(
                    client,
                    region.to_string(),
                    arns,
                    tailed.clone(),
                    target.filter.clone(),
                    tx.clone(),
                )))
            })
            .collect();
        self.live = Some(Live { rx, tasks });
    }

    /// What the Live Tail sessions streamed since the last poll; `false` when they stopped
    /// and polling must take over (for good only when Live Tail is denied or not offered, or
    /// keeps failing; otherwise it is opened again, after a wait that grows).
    fn drain_live(&mut self, events: &mut Vec<LogEvent>, now_ms: i64) -> bool {
        let Some(live) = self.live.as_mut() else {
            return false;
        };
        loop {
            match live.rx.try_recv() {
                Ok(LiveMsg::Events(e, sampled)) => {
                    if !e.is_empty() {
                        self.sampled = sampled;
                    }
                    events.extend(e);
                    self.live_failures = 0;
                }
                Ok(LiveMsg::Failed(e)) => {
                    self.live = None;
                    self.live_failures += 1;
                    let for_good = matches!(
                        e.kind,
                        ProblemKind::AccessDenied
                            | ProblemKind::NotSupported
                            | ProblemKind::Credentials
                    ) || self.live_failures >= LIVE_TRIES;
                    if for_good {
                        tracing::info!("Live Tail not available, polling FilterLogEvents: {e}");
                        self.live_refused = true;
                    } else {
                        let wait =
                            (LIVE_RETRY_MS << (self.live_failures - 1)).min(LIVE_RETRY_MAX_MS);
                        tracing::info!(
                            "Live Tail failed ({e}); polling, trying it again in {wait} ms"
                        );
                        self.live_retry_at_ms = Some(now_ms + wait);
                    }
                    return false;
                }
                Ok(LiveMsg::Ended) | Err(mpsc::error::TryRecvError::Disconnected) => {
                    self.live = None;
                    return false;
                }
                Err(mpsc::error::TryRecvError::Empty) => return true,
            }
        }
    }

    /// The target's lines over the span (at most `MAX_TAILED` functions), with CloudWatch's
    /// event ids, what to say of it (failures, and log groups that are not there), and whether
    /// the read was whole. Only the newest `keep` lines are held while reading (the pane shows
    /// no more): a first fill of a busy project stays small.
    async fn fetch(
        &self,
        target: &TailTarget,
        from_ms: i64,
        to_ms: i64,
    ) -> (Vec<LogEvent>, Vec<String>, bool) {
        let functions = &target.functions[..target.functions.len().min(MAX_TAILED)];
        let mut kept: VecDeque<LogEvent> = VecDeque::new();
        let keep = self.keep;
        let read = self
            .reader
            .read_each(
                functions,
                from_ms,
                to_ms,
                target.filter.as_deref(),
                |batch| {
                    kept.extend(batch);
                    let over = kept.len().saturating_sub(keep);
                    kept.drain(..over);
                },
            )
            .await;
        let mut failures: Vec<String> = read.failures.into_iter().map(|(_, e)| e.message).collect();
        // Not a failure to read again, but the pane must not be silently empty.
        let missing = read.missing.iter().map(|k| {
            let group = self
                .reader
                .place(k)
                .map_or_else(|| super::aws::logs::log_group_of(&k.name), |p| p.group);
            format!("no log group {group} for {} (has it run yet?)", k.name)
        });
        let whole = failures.is_empty();
        failures.extend(missing);
        (kept.into(), failures, whole)
    }
}

impl TailSource {
    /// Every line of one request: FilterLogEvents with the request id as a quoted term, over
    /// the span it can have run in.
    async fn fetch_request(
        &self,
        function: &crate::store::FunctionKey,
        request_id: &str,
        around_ms: i64,
        now_ms: i64,
    ) -> (Vec<LogEvent>, Vec<String>) {
        let id: String = request_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let pattern = format!("\"{id}\"");
        let mut events = Vec::new();
        let read = self
            .reader
            .read_each(
                std::slice::from_ref(function),
                around_ms - REQUEST_SPAN_MS,
                (around_ms + REQUEST_SPAN_MS).min(now_ms),
                Some(&pattern),
                |batch| events.extend(batch),
            )
            .await;
        let failures = read.failures.into_iter().map(|(_, e)| e.message).collect();
        (events, failures)
    }
}

impl Source for TailSource {
    fn name(&self) -> &str {
        "logs"
    }

    fn cadence(&self) -> Duration {
        CADENCE
    }

    fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
        // A person is looking at these lines: their reads go ahead of the background's in
        // each API's budget (the REPORT reads share FilterLogEvents' few a second).
        Box::pin(super::aws::pace::foreground(async move {
            // The lines first: a poll cut short while they are read loses nothing of a query
            // (it starts, and its answer is handed on, at the next poll).
            let mut out = self.poll_lines(now).await;
            out.extend(self.run_insights());
            out
        }))
    }

    fn polls_may_be_cut(&self) -> bool {
        // Nothing is kept of a poll until its lines are read: a new target need not wait.
        true
    }

    fn control(&mut self, control: &Control) -> bool {
        match control {
            Control::Tail(target) => {
                self.target = target.clone();
                self.cursor_ms = None;
                self.dedupe = Dedupe::default();
                self.polled_content = Dedupe::default();
                self.streamed_content = Dedupe::default();
                self.done = false;
                self.live = None;
                self.live_refused = false;
                self.live_failures = 0;
                self.live_retry_at_ms = None;
                self.sampled = false;
                self.sampled_said = false;
                self.reset_pending = true;
                true
            }
            Control::ReadRequest {
                function,
                request_id,
                around_ms,
            } => {
                self.request = Some((function.clone(), request_id.clone(), *around_ms));
                true
            }
            Control::Insights {
                seq,
                query,
                from_ms,
                to_ms,
            } => {
                self.insights = Some((*seq, query.clone(), *from_ms, *to_ms));
                true
            }
            Control::PollNow => true,
            Control::Inspect(_) | Control::Window(_) => false,
        }
    }
}

impl TailSource {
    /// The lines of this poll: a request asked for, the fill of a new target, or what came
    /// since the last poll.
    async fn poll_lines(&mut self, now: DateTime<Utc>) -> Vec<SourceEvent> {
        {
            let Some(target) = self.target.clone() else {
                return Vec::new();
            };
            let now_ms = now.timestamp_millis();
            if let Some((function, id, around)) = self.request.take()
                && target.functions.contains(&function)
            {
                let (events, failures) = self.fetch_request(&function, &id, around, now_ms).await;
                return self.hand_on(events, Vec::new(), failures, now);
            }
            if self.done {
                return Vec::new();
            }
            self.count_live_minutes(now_ms);
            let mut streamed = Vec::new();
            let (from_ms, to_ms) = match (target.range_ms, self.cursor_ms) {
                (Some(range), _) => range,
                (None, Some(_)) if self.drain_live(&mut streamed, now_ms) => {
                    // Live Tail streams: nothing to poll.
                    self.cursor_ms = Some(now_ms);
                    return self.hand_on(Vec::new(), streamed, Vec::new(), now);
                }
                (None, Some(c)) => {
                    let n = target.functions.len().min(MAX_TAILED) as i64;
                    if now_ms - c < n * POLL_MS_PER_FUNCTION {
                        return Vec::new();
                    }
                    // After failed reads, never further back than a new target's fill.
                    ((c - OVERLAP_MS).max(now_ms - FILL_MS), now_ms)
                }
                (None, None) => (now_ms - FILL_MS, now_ms),
            };
            let (events, failures, whole) = self.fetch(&target, from_ms, to_ms).await;
            // Marked read only once read whole: a poll cut short, or a read that failed, reads
            // the span again.
            self.done = target.range_ms.is_some() && whole;
            // After the first fill, and again after a session ended (but not if refused).
            if target.range_ms.is_none() && self.live.is_none() {
                self.start_live(&target, now_ms);
            }
            if whole {
                self.cursor_ms = Some(to_ms);
            }
            self.hand_on(events, streamed, failures, now)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::demo::logs::DemoLogs;
    use crate::store::{FunctionKey, Minute};

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
        let place = crate::source::aws::logs::LogPlace::of(
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

    #[tokio::test]
    async fn a_minute_is_read_once_and_a_follow_keeps_going() {
        let start = Minute(29_000_000);
        let mut tail = TailSource::new(LogReader::Demo(DemoLogs::new(7, start, 180)), None);
        let key = FunctionKey::new("us-east-1", "payments-charge");
        let m = start.minus(10);
        let range = m.ms_range();
        assert!(tail.control(&Control::Tail(Some(TailTarget {
            functions: vec![key.clone()],
            label: "x".into(),
            range_ms: Some(range),
            function_arns: Vec::new(),
            filter: None,
        }))));
        let now = start.start();
        let first = tail.poll(now).await;
        let lines: Vec<&LogEvent> = first
            .iter()
            .filter_map(|e| match e {
                SourceEvent::Logs(l) => Some(l),
                _ => None,
            })
            .flatten()
            .collect();
        assert!(!lines.is_empty());
        assert!(
            lines
                .iter()
                .all(|e| (range.0..=range.1).contains(&e.at_ms) && e.function == key)
        );
        assert!(tail.poll(now).await.is_empty(), "read once");

        tail.control(&Control::Tail(Some(TailTarget {
            functions: vec![key],
            label: "x".into(),
            range_ms: None,
            function_arns: Vec::new(),
            filter: None,
        })));
        let filled = tail.poll(now).await;
        let filled: Vec<&LogEvent> = filled
            .iter()
            .filter_map(|e| match e {
                SourceEvent::Logs(l) => Some(l),
                _ => None,
            })
            .flatten()
            .collect();
        assert!(filled.len() > lines.len());
        let again = tail.poll(now + chrono::Duration::seconds(2)).await;
        assert!(
            !again.iter().any(|e| matches!(e, SourceEvent::Logs(_))),
            "nothing new, nothing sent"
        );
    }

    /// A session that fails for a passing reason is tried again after a wait that doubles;
    /// after `LIVE_TRIES` failures in a row, or at once when denied, the tail polls for good.
    #[test]
    fn live_tail_failures_retry_with_backoff_and_denial_gives_up() {
        let start = Minute(29_000_000);
        let mut tail = TailSource::new(LogReader::Demo(DemoLogs::new(7, start, 180)), None);
        let fail = |tail: &mut TailSource, kind: ProblemKind, now_ms: i64| {
            let (tx, rx) = mpsc::channel(4);
            tx.try_send(LiveMsg::Failed(AwsError::new(kind, "x")))
                .unwrap();
            tail.live = Some(Live {
                rx,
                tasks: Vec::new(),
            });
            tail.drain_live(&mut Vec::new(), now_ms)
        };
        let t = 1_000_000;
        assert!(!fail(&mut tail, ProblemKind::Network, t));
        assert!(!tail.live_refused, "a network failure is tried again");
        assert_eq!(tail.live_retry_at_ms, Some(t + 2_000));
        fail(&mut tail, ProblemKind::Service, t);
        assert_eq!(tail.live_retry_at_ms, Some(t + 4_000), "the wait doubles");
        for _ in 2..LIVE_TRIES {
            fail(&mut tail, ProblemKind::Service, t);
        }
        assert!(
            tail.live_refused,
            "{LIVE_TRIES} failures in a row: poll for good"
        );

        let mut tail = TailSource::new(LogReader::Demo(DemoLogs::new(7, start, 180)), None);
        fail(&mut tail, ProblemKind::AccessDenied, t);
        assert!(tail.live_refused, "denied: poll for good at once");
    }
}
