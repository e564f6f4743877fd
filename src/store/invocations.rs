//! Invocations read from log lines: one per request id, from its START to its REPORT — when it
//! started, how long it ran and was billed, the memory it used, whether it was a cold start
//! and how long its init took, and how it ended (ok, error, timeout, out of memory; running
//! while no REPORT has come and nothing failed). An error line makes it an error even when
//! its REPORT says nothing: the REPORT only says how the platform saw the request end.

use std::collections::HashMap;

use super::FunctionKey;
use super::logs::LogLine;
use crate::logtext::errors::is_error;
use crate::logtext::report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// No REPORT yet.
    Running,
    Ok,
    Error,
    Timeout,
    OutOfMemory,
}

impl Status {
    pub fn word(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Ok => "ok",
            Status::Error => "error",
            Status::Timeout => "timeout",
            Status::OutOfMemory => "out of memory",
        }
    }

    pub fn failed(self) -> bool {
        matches!(self, Status::Error | Status::Timeout | Status::OutOfMemory)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    pub function: FunctionKey,
    pub request_id: String,
    /// Its START line's time, else its first line's.
    pub start_ms: i64,
    pub duration_ms: Option<f64>,
    pub billed_ms: Option<f64>,
    pub memory_used_mb: Option<u32>,
    pub memory_size_mb: Option<u32>,
    /// `Some` for a cold start: its init duration.
    pub init_ms: Option<f64>,
    pub status: Status,
    /// Its lines held, and how many of them are errors.
    pub lines: usize,
    pub error_lines: usize,
}

/// The invocations of `lines` (those naming or inheriting a request id), oldest first.
pub fn invocations<'a>(
    lines: impl IntoIterator<Item = &'a LogLine>,
    words: &[String],
) -> Vec<Invocation> {
    let mut by_id: HashMap<(&FunctionKey, &str), Invocation> = HashMap::new();
    for l in lines {
        let Some(id) = l.request_id.as_deref() else {
            continue;
        };
        let inv = by_id
            .entry((&l.function, id))
            .or_insert_with(|| Invocation {
                function: l.function.clone(),
                request_id: id.to_string(),
                start_ms: l.at_ms,
                duration_ms: None,
                billed_ms: None,
                memory_used_mb: None,
                memory_size_mb: None,
                init_ms: None,
                status: Status::Running,
                lines: 0,
                error_lines: 0,
            });
        inv.lines += 1;
        if l.text.starts_with("START RequestId") {
            inv.start_ms = l.at_ms;
        } else {
            inv.start_ms = inv.start_ms.min(l.at_ms);
        }
        if l.text.starts_with("REPORT RequestId")
            && let Some(r) = report::parse(&l.text)
        {
            inv.duration_ms = Some(r.duration_ms);
            inv.billed_ms = r.billed_ms;
            inv.memory_used_mb = r.max_memory_mb;
            inv.memory_size_mb = r.memory_mb;
            inv.init_ms = r.init_ms;
            let ended = if r.timed_out {
                Status::Timeout
            } else if l.text.contains("Runtime.OutOfMemory") {
                Status::OutOfMemory
            } else if l.text.contains("Status: error") {
                Status::Error
            } else {
                Status::Ok
            };
            inv.status = inv.status.max(ended);
            continue;
        }
        if is_error(&l.text, words) {
            inv.error_lines += 1;
            let failed = if report::is_timeout(&l.text) {
                Status::Timeout
            } else if l.text.contains("Runtime.OutOfMemory")
                || l.text.contains("Runtime exited with error: signal: killed")
            {
                Status::OutOfMemory
            } else {
                Status::Error
            };
            // An error line before the REPORT: it still says how the request ended.
            inv.status = match inv.status {
                Status::Running | Status::Ok => failed.max(Status::Error),
                s => s.max(failed),
            };
        }
    }
    let mut out: Vec<Invocation> = by_id.into_values().collect();
    out.sort_by(|a, b| {
        (a.start_ms, &a.function, &a.request_id).cmp(&(b.start_ms, &b.function, &b.request_id))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::event::LogEvent;
    use crate::store::logs::LogBuffer;

    #[test]
    fn each_request_from_start_to_report() {
        let f = FunctionKey::new("r", "f");
        let mut b = LogBuffer::new(100);
        let lines = [
            (1, "s1", "START RequestId: a Version: $LATEST"),
            (2, "s1", "[INFO] working"),
            (3, "s1", "END RequestId: a"),
            (
                4,
                "s1",
                "REPORT RequestId: a\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 200.00 ms\t",
            ),
            (5, "s2", "START RequestId: b Version: $LATEST"),
            (6, "s2", "[ERROR] boom"),
            (7, "s2", "END RequestId: b"),
            (
                8,
                "s2",
                "REPORT RequestId: b\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 61 MB\tStatus: timeout",
            ),
            (9, "s1", "START RequestId: c Version: $LATEST"),
            (10, "s1", "[ERROR] not over yet"),
        ];
        for (at, stream, text) in lines {
            b.insert(LogEvent {
                function: f.clone(),
                at_ms: at,
                stream: stream.into(),
                event_id: format!("{at}"),
                message: text.into(),
            });
        }
        let inv = invocations(b.lines(), &[]);
        let ids: Vec<&str> = inv.iter().map(|i| i.request_id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(inv[0].status, Status::Ok);
        assert_eq!(
            inv[0].lines, 4,
            "the line without an id belongs to its stream's request"
        );
        assert_eq!(
            (inv[0].duration_ms, inv[0].billed_ms),
            (Some(12.5), Some(13.0))
        );
        assert_eq!(
            (inv[0].memory_used_mb, inv[0].init_ms),
            (Some(60), Some(200.0))
        );
        assert_eq!(inv[1].status, Status::Timeout);
        assert_eq!(inv[1].error_lines, 1);
        assert_eq!(
            inv[2].status,
            Status::Error,
            "an error logged, its REPORT to come"
        );
        assert_eq!(inv[2].duration_ms, None);
    }
}
