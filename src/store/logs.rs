//! The log lines the store holds for the log pane: sanitized once on arrival (so rendering never
//! touches raw text), classified for highlighting, kept in time order, each event once, and
//! bounded (the scrollback) so a chatty function cannot eat the bastion's memory.

use std::collections::{HashMap, HashSet, VecDeque};

use super::FunctionKey;
use super::event::LogEvent;
use crate::logtext::sanitize::clean_log;
use crate::logtext::{errors, report, request_id, structured};

/// Lines kept by default.
pub const DEFAULT_SCROLLBACK: usize = 10_000;
/// Characters of one line kept for the screen; the rest is counted, not stored.
pub const MAX_LINE_CHARS: usize = 4096;

/// What a line is, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LineKind {
    Plain,
    /// START and END lines: bookkeeping.
    Lifecycle,
    Report,
    Warn,
    Error,
    Timeout,
}

impl LineKind {
    pub fn of(text: &str) -> LineKind {
        if report::is_timeout(text)
            || text.contains("Status: timeout") && text.starts_with("REPORT")
        {
            LineKind::Timeout
        } else if text.starts_with("REPORT ") || text.contains("\"platform.report\"") {
            LineKind::Report
        } else if text.starts_with("START RequestId")
            || text.starts_with("END RequestId")
            || text.contains("\"type\":\"platform.")
        {
            LineKind::Lifecycle
        } else if let Some(level) = structured::level(text) {
            match level.as_str() {
                "ERROR" | "FATAL" | "CRITICAL" | "ALERT" | "EMERGENCY" | "PANIC" => LineKind::Error,
                "WARN" | "WARNING" => LineKind::Warn,
                _ => LineKind::Plain,
            }
        } else if contains_level(text, "ERROR")
            || text.contains("Traceback (most recent call last)")
        {
            LineKind::Error
        } else if contains_level(text, "WARN") {
            LineKind::Warn
        } else {
            LineKind::Plain
        }
    }
}

/// Lambda's own lines (START, END, REPORT, INIT_START, `platform.*` events…), which the pane
/// can hide; a timeout's `Task timed out` line is the function's error and stays.
pub fn is_platform(text: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "START RequestId",
        "END RequestId",
        "REPORT RequestId",
        "INIT_START ",
        "INIT_REPORT ",
        "RESTORE_START ",
        "RESTORE_REPORT ",
        "EXTENSION ",
        "TELEMETRY ",
        "LOGS ",
    ];
    PREFIXES.iter().any(|p| text.starts_with(p)) || text.contains("\"type\":\"platform.")
}

/// A level word as loggers write it: `ERROR`, `[ERROR]`, `ERROR:`.
fn contains_level(text: &str, level: &str) -> bool {
    errors::has_word(text, level)
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LogLine {
    pub function: FunctionKey,
    pub at_ms: i64,
    pub stream: String,
    pub event_id: String,
    /// Safe to show; `\n` separates the lines of a multi-line event.
    pub text: String,
    /// Bytes of the original left out because the line was too long.
    pub cut_bytes: usize,
    pub kind: LineKind,
    /// Lambda's own line, not the function's.
    pub platform: bool,
    /// The invocation it belongs to: named in the line, else the one open on its stream.
    pub request_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    ids: HashSet<(FunctionKey, String)>,
    capacity: usize,
    /// Bumped by every change, so views know when to look again.
    version: u64,
    /// The lines streaming in are a sample (Live Tail above 500 events a second).
    sampled: bool,
    /// Lines let go to keep the bound, since the last clear: a storm's count, on screen.
    dropped: u64,
    /// The request a stream is running (between its START and its END), for the lines that
    /// do not name theirs: an execution environment runs one request at a time.
    open: HashMap<String, String>,
}

/// Streams whose open request is remembered at most (each entry goes at the request's END).
const MAX_OPEN_STREAMS: usize = 4096;

/// What a recording keeps of the buffer: its lines and bounds; the ids are rebuilt from them.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct SavedLogs {
    lines: Vec<LogLine>,
    capacity: usize,
    sampled: bool,
    dropped: u64,
    open: Vec<(String, String)>,
}

impl LogBuffer {
    pub(super) fn saved(&self) -> SavedLogs {
        SavedLogs {
            lines: self.lines.iter().cloned().collect(),
            capacity: self.capacity,
            sampled: self.sampled,
            dropped: self.dropped,
            open: self
                .open
                .iter()
                .map(|(s, r)| (s.clone(), r.clone()))
                .collect(),
        }
    }

    /// The buffer a recording kept, within its bound: its newest lines, each id once, in
    /// time order whatever order the file gave them.
    pub(super) fn restored(saved: SavedLogs, max_capacity: usize) -> Self {
        let mut buffer = LogBuffer::new(saved.capacity.clamp(1, max_capacity));
        let mut lines = saved.lines;
        lines.sort_by(|a, b| (a.at_ms, &a.event_id).cmp(&(b.at_ms, &b.event_id)));
        let keep = lines.len().saturating_sub(buffer.capacity);
        for line in lines.into_iter().skip(keep) {
            if buffer
                .ids
                .insert((line.function.clone(), line.event_id.clone()))
            {
                buffer.lines.push_back(line);
            }
        }
        buffer.sampled = saved.sampled;
        buffer.dropped = saved.dropped;
        buffer.open = saved.open.into_iter().take(MAX_OPEN_STREAMS).collect();
        buffer.version = 1;
        buffer
    }

    pub fn new(capacity: usize) -> Self {
        Self {
            lines: VecDeque::new(),
            ids: HashSet::new(),
            capacity: capacity.max(1),
            version: 0,
            sampled: false,
            dropped: 0,
            open: HashMap::new(),
        }
    }

    /// Adds an event unless it is already held; returns whether it was new.
    pub fn insert(&mut self, e: LogEvent) -> bool {
        let id = (e.function.clone(), e.event_id.clone());
        if self.ids.contains(&id) {
            return false;
        }
        let clean = clean_log(&e.message, MAX_LINE_CHARS);
        let stream = crate::logtext::sanitize::clean_field(&e.stream);
        let request_id = self.request_of(&stream, &clean.text);
        let line = LogLine {
            kind: LineKind::of(&clean.text),
            platform: is_platform(&clean.text),
            request_id,
            function: e.function,
            at_ms: e.at_ms,
            stream,
            event_id: e.event_id,
            text: clean.text,
            cut_bytes: clean.cut_bytes,
        };
        // Mostly appended at the end; a late event goes where its time says.
        let at = self
            .lines
            .partition_point(|l| (l.at_ms, &l.event_id) <= (line.at_ms, &line.event_id));
        self.lines.insert(at, line);
        self.ids.insert(id);
        self.version += 1;
        while self.lines.len() > self.capacity {
            if let Some(old) = self.lines.pop_front() {
                self.ids.remove(&(old.function, old.event_id));
                self.dropped += 1;
            }
        }
        true
    }

    /// The request a line is of, keeping track of the one each stream runs.
    fn request_of(&mut self, stream: &str, text: &str) -> Option<String> {
        let Some(id) = request_id::request_id(text) else {
            return self.open.get(stream).cloned();
        };
        if text.starts_with("START RequestId") {
            if self.open.len() >= MAX_OPEN_STREAMS {
                self.open.clear();
            }
            self.open.insert(stream.to_string(), id.to_string());
        } else if text.starts_with("END RequestId") || text.starts_with("REPORT RequestId") {
            self.open.remove(stream);
        }
        Some(id.to_string())
    }

    /// Whether the lines streaming in are a sample of the real ones.
    pub fn sampled(&self) -> bool {
        self.sampled
    }

    pub fn set_sampled(&mut self, sampled: bool) {
        self.sampled = sampled;
    }

    /// Lines let go, oldest first, to stay within the scrollback.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Drops every line, keeping the capacity.
    pub fn clear(&mut self) {
        self.open.clear();
        self.dropped = 0;
        self.lines.clear();
        self.ids.clear();
        self.sampled = false;
        self.version += 1;
    }

    /// Lets go of `account`'s lines only: among several accounts, each account's tail starts
    /// over on its own.
    pub fn clear_account(&mut self, account: super::account::AccountId) {
        self.lines.retain(|l| l.function.account != account);
        self.ids.retain(|(f, _)| f.account != account);
        self.version += 1;
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn lines(&self) -> &VecDeque<LogLine> {
        &self.lines
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(at: i64, id: &str, message: &str) -> LogEvent {
        LogEvent {
            function: FunctionKey::new("r", "f"),
            at_ms: at,
            stream: "s".into(),
            event_id: id.into(),
            message: message.into(),
        }
    }

    #[test]
    fn lines_are_ordered_unique_bounded_and_clean() {
        let mut b = LogBuffer::new(3);
        assert!(b.insert(ev(20, "b", "\x1b[31mERROR\x1b[0m boom")));
        assert!(b.insert(ev(10, "a", "START RequestId: x")));
        assert!(!b.insert(ev(20, "b", "again")), "the same event once");
        assert!(b.insert(ev(30, "c", "Task timed out after 3.00 seconds")));
        assert!(b.insert(ev(40, "d", "WARN slow")));
        let texts: Vec<&str> = b.lines().iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "ERROR boom",
                "Task timed out after 3.00 seconds",
                "WARN slow"
            ]
        );
        let kinds: Vec<LineKind> = b.lines().iter().map(|l| l.kind).collect();
        assert_eq!(kinds, [LineKind::Error, LineKind::Timeout, LineKind::Warn]);
        assert!(b.insert(ev(10, "a", "START")), "evicted ids are forgotten");
        assert_eq!(b.dropped(), 2, "the lines let go are counted");
        b.clear();
        assert_eq!(b.dropped(), 0);
    }

    #[test]
    fn levels_are_words_not_substrings() {
        assert_eq!(LineKind::of("[ERROR] x"), LineKind::Error);
        assert_eq!(LineKind::of(r#"{"level":"ERROR"}"#), LineKind::Error);
        assert_eq!(LineKind::of("NOERRORS here"), LineKind::Plain);
        assert_eq!(
            LineKind::of("REPORT RequestId: a\tDuration: 1 ms"),
            LineKind::Report
        );
        assert_eq!(LineKind::of("END RequestId: a"), LineKind::Lifecycle);
    }
}
