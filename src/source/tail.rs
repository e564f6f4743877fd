//! The log tail: a `Source` that follows whatever the log pane shows (a function, or a
//! project's functions), told by `Control::Tail`. A new target first fills the last 15 minutes
//! (FilterLogEvents, or the demo fleet's logs). On AWS it then opens a CloudWatch Logs Live Tail
//! session per region (StartLiveTail, streamed: `live_tail`) and hands on what streams in at each
//! poll; the regions where the account does not allow Live Tail (no permission, an endpoint
//! without it) or whose session failed or ended are polled with FilterLogEvents every two
//! seconds meanwhile, each poll looking back a minute for late-ingested lines. Either way only events not sent before are sent: polled
//! lines by FilterLogEvents' own event ids (two identical lines in one millisecond stay two),
//! and a line seen both ways — polled and streamed, when one takes over from the other — by
//! its content (stream, time and message), since Live Tail events carry no id.
//!
//! A read that failed leaves the cursor where it was, so the next poll reads the span again
//! (at most the last 15 minutes); the pages read before a failure are handed on meanwhile.

use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::time::Duration;

use tokio::sync::mpsc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::aws::insights::Patience;
use super::aws::usage::UsageCounter;
use super::live_tail::Live;
use super::log_reader::LogReader;
use super::logs::{DEDUPE_HORIZON_MS, Dedupe, LogEvent, OVERLAP_MS};
use super::{Control, Source, SourceEvent, TailTarget};
use crate::store::FunctionKey;
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
    /// The target's Live Tail sessions, by region.
    live: Live,
    /// Whether the store was told Live Tail's lines are sampled.
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

/// An id for an event from what it is, the same whichever way it was read.
pub fn content_id(stream: &str, at_ms: i64, message: &str) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (stream, at_ms, message).hash(&mut h);
    format!("c{at_ms}-{:016x}", h.finish())
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
            live: Live::default(),
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
        let sessions = self.live.sessions();
        if let Some(usage) = &self.usage
            && sessions > 0
        {
            let since = self.live_counted_ms.unwrap_or(now_ms);
            usage
                .add_live_tail_minutes((now_ms - since).max(0) as f64 / 60_000.0 * sessions as f64);
        }
        self.live_counted_ms = (sessions > 0).then_some(now_ms);
    }

    /// The events not sent before (`polled` with CloudWatch's ids, `streamed` by Live Tail with
    /// content ids), with the problem of this poll (or its end).
    fn hand_on(
        &mut self,
        polled: Vec<LogEvent>,
        streamed: Vec<LogEvent>,
        // `None`: nothing was read this poll, so nothing new to say of reading.
        failures: Option<Vec<String>>,
        now: DateTime<Utc>,
    ) -> Vec<SourceEvent> {
        let horizon = now.timestamp_millis() - DEDUPE_HORIZON_MS;
        self.dedupe.forget_before(horizon);
        self.polled_content.forget_before(horizon);
        self.streamed_content.forget_before(horizon);
        let content = |e: &LogEvent| content_id(&e.stream, e.at_ms, &e.message);
        // A line that came the other way already is the same line, also when both ways bring
        // it in one poll (a session streams while a region's lines are read).
        let polled: Vec<LogEvent> = polled
            .into_iter()
            .filter(|e| !self.streamed_content.contains(&e.function, &content(e)))
            .collect();
        for e in &polled {
            self.polled_content.note(e.at_ms, &e.function, &content(e));
        }
        let streamed: Vec<LogEvent> = streamed
            .into_iter()
            .filter(|e| !self.polled_content.contains(&e.function, &e.event_id))
            .collect();
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
        match failures.as_ref().map(|f| f.first()) {
            None => {}
            Some(Some(message)) => out.push(SourceEvent::Problem {
                source: "logs".into(),
                scope: "logs".into(),
                kind: crate::store::ProblemKind::Service,
                message: message.clone(),
                at: now,
            }),
            Some(None) => out.push(SourceEvent::Resolved {
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
        let sampled = self.live.sampled();
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

    /// `functions`' lines over the span (of the target's first `MAX_TAILED`), with CloudWatch's
    /// event ids, what to say of it (failures, and log groups that are not there), and whether
    /// the read was whole. Only the newest `keep` lines are held while reading (the pane shows
    /// no more): a first fill of a busy project stays small.
    async fn fetch(
        &self,
        target: &TailTarget,
        functions: &[FunctionKey],
        from_ms: i64,
        to_ms: i64,
    ) -> (Vec<LogEvent>, Vec<String>, bool) {
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
                self.live = Live::default();
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
                return self.hand_on(events, Vec::new(), Some(failures), now);
            }
            if self.done {
                return Vec::new();
            }
            self.count_live_minutes(now_ms);
            let mut streamed = Vec::new();
            self.live.drain(&mut streamed, now_ms);
            let tailed = &target.functions[..target.functions.len().min(MAX_TAILED)];
            // A fixed span and a first fill read every function; after that only those of
            // the regions Live Tail does not stream.
            let polled: Vec<FunctionKey> = match (target.range_ms, self.cursor_ms) {
                (None, Some(_)) => tailed
                    .iter()
                    .filter(|k| !self.live.streams(&k.region))
                    .cloned()
                    .collect(),
                _ => tailed.to_vec(),
            };
            let (from_ms, to_ms) = match (target.range_ms, self.cursor_ms) {
                (Some(range), _) => range,
                (None, Some(_)) if polled.is_empty() => {
                    // Every region streams: nothing to poll.
                    self.cursor_ms = Some(now_ms);
                    return self.hand_on(Vec::new(), streamed, Some(Vec::new()), now);
                }
                (None, Some(c)) => {
                    if now_ms - c < polled.len() as i64 * POLL_MS_PER_FUNCTION {
                        // Not yet time to poll the others: what streamed goes on now.
                        return self.hand_on(Vec::new(), streamed, None, now);
                    }
                    // After failed reads, never further back than a new target's fill.
                    ((c - OVERLAP_MS).max(now_ms - FILL_MS), now_ms)
                }
                (None, None) => (now_ms - FILL_MS, now_ms),
            };
            let (events, failures, whole) = self.fetch(&target, &polled, from_ms, to_ms).await;
            // Marked read only once read whole: a poll cut short, or a read that failed, reads
            // the span again.
            self.done = target.range_ms.is_some() && whole;
            // After the first fill, and again in a region whose session ended (not where
            // refused).
            if target.range_ms.is_none() {
                self.live.start(&self.reader, &target, now_ms);
            }
            if whole {
                self.cursor_ms = Some(to_ms);
            }
            self.hand_on(events, streamed, Some(failures), now)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::demo::logs::DemoLogs;
    use crate::store::{FunctionKey, Minute};

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

    /// A line polled and streamed in the same poll (a region's session streams while its
    /// lines are read to fill the pane) is one line: Live Tail's has no event id, so it is
    /// matched by its content.
    #[test]
    fn a_line_polled_and_streamed_in_one_poll_is_shown_once() {
        let start = Minute(29_000_000);
        let mut tail = TailSource::new(LogReader::Demo(DemoLogs::new(7, start, 180)), None);
        let now = start.start();
        let line = |event_id: &str| LogEvent {
            function: FunctionKey::new("eu-west-1", "f"),
            at_ms: now.timestamp_millis() - 1_000,
            event_id: event_id.to_string(),
            stream: "2026/12/07/[$LATEST]s".into(),
            message: "the same line".into(),
        };
        let streamed = line(&content_id(
            "2026/12/07/[$LATEST]s",
            now.timestamp_millis() - 1_000,
            "the same line",
        ));
        let out = tail.hand_on(vec![line("3712")], vec![streamed], Some(Vec::new()), now);
        let lines: usize = out
            .iter()
            .map(|e| match e {
                SourceEvent::Logs(l) => l.len(),
                _ => 0,
            })
            .sum();
        assert_eq!(lines, 1);
    }
}
