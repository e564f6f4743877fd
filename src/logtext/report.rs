//! Lambda's per-invocation REPORT line, in the text form
//! `REPORT RequestId: … Duration: 102.25 ms Billed Duration: 103 ms Memory Size: 128 MB
//! Max Memory Used: 75 MB Init Duration: 118.45 ms [Status: timeout]` (fields separated by tabs,
//! or spaces once copied around) and in the JSON log format's `platform.report` record; and
//! the `Task timed out after N seconds` line. From them come cold starts (an Init Duration),
//! SnapStart restores (a `Restore Duration` in place of an Init Duration: a snapshot resumed,
//! counted apart), init times, memory headroom and timeouts.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub request_id: String,
    pub duration_ms: f64,
    pub billed_ms: Option<f64>,
    pub memory_mb: Option<u32>,
    pub max_memory_mb: Option<u32>,
    /// Present on a cold start.
    pub init_ms: Option<f64>,
    /// Present when a SnapStart snapshot was restored for it (Lambda Developer Guide,
    /// *Monitoring for Lambda SnapStart*).
    pub restore_ms: Option<f64>,
    pub timed_out: bool,
}

impl Report {
    pub fn cold_start(&self) -> bool {
        self.init_ms.is_some()
    }

    /// Max memory used over memory size.
    pub fn memory_used(&self) -> Option<f64> {
        match (self.max_memory_mb, self.memory_mb) {
            (Some(used), Some(size)) if size > 0 => Some(f64::from(used) / f64::from(size)),
            _ => None,
        }
    }
}

// The longer labels first: one that contains another wins where both match.
const LABELS: [&str; 9] = [
    "Billed Restore Duration:",
    "Restore Duration:",
    "RequestId:",
    "Billed Duration:",
    "Init Duration:",
    "Max Memory Used:",
    "Memory Size:",
    "Duration:",
    "Status:",
];

/// Parses a REPORT line in either form; `None` for any other line.
pub fn parse(message: &str) -> Option<Report> {
    let m = message.trim_start();
    if m.starts_with('{') {
        return parse_json(m);
    }
    let rest = m.strip_prefix("REPORT")?;
    // Where each label stands; a longer label wins over the shorter one it contains.
    let mut found: Vec<(usize, usize, &str)> = Vec::new();
    for label in LABELS {
        for (at, _) in rest.match_indices(label) {
            let overlaps = found.iter().any(|&(s, e, _)| at >= s && at < e);
            if !overlaps {
                found.push((at, at + label.len(), label));
            }
        }
    }
    found.sort_unstable();
    let value = |label: &str| -> Option<&str> {
        let i = found.iter().position(|&(_, _, l)| l == label)?;
        let end = found.get(i + 1).map_or(rest.len(), |&(s, _, _)| s);
        Some(rest[found[i].1..end].trim())
    };
    let number = |label: &str| -> Option<f64> {
        value(label)?
            .split_whitespace()
            .next()?
            .parse::<f64>()
            .ok()
            .and_then(sane)
    };
    Some(Report {
        request_id: value("RequestId:")?.split_whitespace().next()?.to_string(),
        duration_ms: number("Duration:")?,
        billed_ms: number("Billed Duration:"),
        memory_mb: number("Memory Size:").map(|v| v as u32),
        max_memory_mb: number("Max Memory Used:").map(|v| v as u32),
        init_ms: number("Init Duration:"),
        restore_ms: number("Restore Duration:"),
        timed_out: value("Status:").is_some_and(|s| s.starts_with("timeout")),
    })
}

#[derive(Deserialize)]
struct JsonEvent {
    #[serde(rename = "type")]
    kind: String,
    record: JsonRecord,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonRecord {
    request_id: String,
    metrics: JsonMetrics,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonMetrics {
    duration_ms: f64,
    billed_duration_ms: Option<f64>,
    #[serde(rename = "memorySizeMB")]
    memory_size_mb: Option<u32>,
    #[serde(rename = "maxMemoryUsedMB")]
    max_memory_used_mb: Option<u32>,
    init_duration_ms: Option<f64>,
    restore_duration_ms: Option<f64>,
}

/// A duration a line may claim: a hostile or broken line's negative one would drag the
/// percentiles below zero.
fn sane(v: f64) -> Option<f64> {
    (v.is_finite() && v >= 0.0).then_some(v)
}

fn parse_json(m: &str) -> Option<Report> {
    let e: JsonEvent = serde_json::from_str(m).ok()?;
    if e.kind != "platform.report" {
        return None;
    }
    Some(Report {
        request_id: e.record.request_id,
        duration_ms: sane(e.record.metrics.duration_ms)?,
        billed_ms: e.record.metrics.billed_duration_ms.and_then(sane),
        memory_mb: e.record.metrics.memory_size_mb,
        max_memory_mb: e.record.metrics.max_memory_used_mb,
        init_ms: e.record.metrics.init_duration_ms.and_then(sane),
        restore_ms: e.record.metrics.restore_duration_ms.and_then(sane),
        timed_out: e.record.status.as_deref() == Some("timeout"),
    })
}

/// `Task timed out after 3.00 seconds`, as the runtimes write it.
pub fn is_timeout(message: &str) -> bool {
    message.contains("Task timed out after")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A SnapStart function's REPORT has a Restore Duration instead of an Init Duration: no
    /// cold start, and the labels that contain `Duration:` do not hide the real one.
    #[test]
    fn a_snapstart_restore_is_no_cold_start() {
        let text = "REPORT RequestId: r1\tDuration: 20.50 ms\tBilled Duration: 21 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tRestore Duration: 474.16 ms\tBilled Restore Duration: 101 ms\t";
        let r = parse(text).unwrap();
        assert_eq!(r.duration_ms, 20.5);
        assert_eq!(r.billed_ms, Some(21.0));
        assert_eq!(r.restore_ms, Some(474.16));
        assert!(!r.cold_start());
        let json = r#"{"type":"platform.report","record":{"requestId":"r2","metrics":{"durationMs":20.5,"restoreDurationMs":474.16},"status":"success"}}"#;
        let r = parse(json).unwrap();
        assert_eq!(r.restore_ms, Some(474.16));
        assert!(!r.cold_start());
    }

    #[test]
    fn a_cold_start_report_with_tabs() {
        let r = parse("REPORT RequestId: 3f0c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 128 MB\tMax Memory Used: 75 MB\tInit Duration: 118.45 ms\t\n").unwrap();
        assert_eq!(r.request_id, "3f0c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6");
        assert_eq!(r.duration_ms, 102.25);
        assert_eq!(r.billed_ms, Some(103.0));
        assert_eq!(r.memory_mb, Some(128));
        assert_eq!(r.max_memory_mb, Some(75));
        assert_eq!(r.init_ms, Some(118.45));
        assert!(r.cold_start() && !r.timed_out);
        assert!((r.memory_used().unwrap() - 75.0 / 128.0).abs() < 1e-12);
    }

    #[test]
    fn a_warm_timeout_with_spaces() {
        let r = parse("REPORT RequestId: abc Duration: 3000.00 ms Billed Duration: 3000 ms Memory Size: 256 MB Max Memory Used: 256 MB Status: timeout").unwrap();
        assert_eq!(r.duration_ms, 3000.0);
        assert_eq!(r.init_ms, None);
        assert!(r.timed_out && !r.cold_start());
    }

    #[test]
    fn the_json_log_format() {
        let r = parse(r#"{"time":"2026-11-23T03:07:00.000Z","type":"platform.report","record":{"requestId":"r1","metrics":{"durationMs":12.5,"billedDurationMs":13,"memorySizeMB":512,"maxMemoryUsedMB":100,"initDurationMs":250.1},"status":"success"}}"#).unwrap();
        assert_eq!(
            (r.request_id.as_str(), r.duration_ms, r.init_ms),
            ("r1", 12.5, Some(250.1))
        );
        assert!(parse(r#"{"type":"platform.start","record":{}}"#).is_none());
        // A negative duration is no duration, in either form (the fuzz target checks it too).
        let negative = r#"{"type":"platform.report","record":{"requestId":"r","metrics":{"durationMs":-5,"initDurationMs":-1}}}"#;
        assert!(parse(negative).is_none());
        let init = r#"{"type":"platform.report","record":{"requestId":"r","metrics":{"durationMs":5,"initDurationMs":-1}}}"#;
        assert_eq!(parse(init).unwrap().init_ms, None);
        assert!(parse("REPORT RequestId: r\tDuration: -5 ms").is_none());
    }

    #[test]
    fn other_lines_are_not_reports() {
        assert!(parse("START RequestId: abc Version: $LATEST").is_none());
        assert!(parse("REPORT without fields").is_none());
        assert!(parse("{not json").is_none());
        assert!(is_timeout(
            "2026-11-23T03:07:03.005Z abc Task timed out after 3.00 seconds"
        ));
    }
}
