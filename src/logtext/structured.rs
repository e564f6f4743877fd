//! Structured (JSON) log lines read for what matters first: the level, the message, the error,
//! then the rest. Loggers name these fields differently — Lambda's own JSON format (`level`,
//! `message`, `errorType`, `errorMessage`), pino (`level` as a number, `msg`, `err`), Powertools
//! (`level`, `message`, `error`), structlog and bunyan — so each is looked for under the names
//! they use. Lambda's platform events in the JSON format (`{"type":"platform.report",
//! "record":{…}}`) read as their type.

use serde_json::{Map, Value};

/// A structured line, read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lead {
    /// The level as written, upper-cased (`ERROR`, `WARN`); pino's numbers as their names.
    pub level: Option<String>,
    pub message: Option<String>,
    /// `Type: text` of the error the line carries.
    pub error: Option<String>,
    /// Every other field, `key=value`, in the order of their names.
    pub rest: Vec<(String, String)>,
}

const LEVEL_KEYS: &[&str] = &[
    "level",
    "severity",
    "levelname",
    "lvl",
    "loglevel",
    "log.level",
];
const MESSAGE_KEYS: &[&str] = &["message", "msg", "errorMessage"];
const ERROR_KEYS: &[&str] = &["error", "err", "exception"];

/// The line read as a JSON object, or `None` if it is not one.
pub fn lead(text: &str) -> Option<Lead> {
    let t = text.trim();
    if !t.starts_with('{') {
        return None;
    }
    let Value::Object(mut map) = serde_json::from_str::<Value>(t).ok()? else {
        return None;
    };
    let level = take_first(&mut map, LEVEL_KEYS).map(|v| level_name(&v));
    let mut error = error_of(&mut map);
    let mut message = take_first(&mut map, MESSAGE_KEYS).map(|v| plain(&v));
    if message.is_none() {
        // A platform event: its type says what it is.
        message = map.remove("type").map(|v| plain(&v));
    }
    if message.is_some() && message == error {
        error = None;
    }
    let mut rest = Vec::new();
    for (k, v) in map {
        match v {
            Value::Object(inner) => rest.extend(
                inner
                    .into_iter()
                    .map(|(k2, v2)| (format!("{k}.{k2}"), plain(&v2))),
            ),
            v => rest.push((k, plain(&v))),
        }
    }
    Some(Lead {
        level,
        message,
        error,
        rest,
    })
}

/// Fields that hold a stack trace, under the names loggers give them.
const STACK_KEYS: &[&str] = &[
    "stack",
    "stackTrace",
    "error.stack",
    "error.stackTrace",
    "exc_info",
    "traceback",
];

pub fn is_stack(key: &str) -> bool {
    STACK_KEYS.contains(&key)
}

/// The stack trace a structured line carries, a line per frame: a string's lines, or an
/// array's items (Lambda's `stackTrace`).
pub fn stack_lines(lead: &Lead) -> Vec<String> {
    let mut out = Vec::new();
    for (_, v) in lead.rest.iter().filter(|(k, _)| is_stack(k)) {
        match serde_json::from_str::<Vec<String>>(v) {
            Ok(items) => out.extend(items.iter().flat_map(|i| i.lines().map(str::to_string))),
            Err(_) => out.extend(v.lines().map(str::to_string)),
        }
    }
    out
}

/// The level of a structured line, if it is one and says.
pub fn level(text: &str) -> Option<String> {
    let t = text.trim_start();
    // Cheap first: most lines are not JSON, and most JSON lines name their level.
    if !t.starts_with('{') || !LEVEL_KEYS.iter().any(|k| t.contains(&format!("\"{k}\""))) {
        return None;
    }
    lead(t)?.level
}

fn take_first(map: &mut Map<String, Value>, keys: &[&str]) -> Option<Value> {
    keys.iter().find_map(|k| {
        let found = map.keys().find(|n| n.eq_ignore_ascii_case(k))?.clone();
        map.remove(&found)
    })
}

/// pino's numeric levels, else the word upper-cased.
fn level_name(v: &Value) -> String {
    match v.as_u64() {
        Some(n) => match n {
            0..=10 => "TRACE",
            11..=20 => "DEBUG",
            21..=30 => "INFO",
            31..=40 => "WARN",
            41..=50 => "ERROR",
            _ => "FATAL",
        }
        .to_string(),
        None => plain(v).to_ascii_uppercase(),
    }
}

/// The error a line carries: Lambda's `errorType`/`errorMessage`, or an `error`/`err` field
/// (a string, or an object with a type or name and a message). Its stack stays in the rest.
fn error_of(map: &mut Map<String, Value>) -> Option<String> {
    if let Some(kind) = map.remove("errorType") {
        let text = map.get("errorMessage").map(plain);
        map.remove("errorMessage");
        return Some(join_error(Some(plain(&kind)), text));
    }
    let v = take_first(map, ERROR_KEYS)?;
    match v {
        Value::Object(mut o) => {
            let kind = take_first(&mut o, &["type", "name", "errorType"]).map(|v| plain(&v));
            let text = take_first(&mut o, &["message", "msg", "errorMessage"]).map(|v| plain(&v));
            for (k, v) in o {
                map.insert(format!("error.{k}"), v);
            }
            Some(join_error(kind, text))
        }
        Value::Null => None,
        v => Some(plain(&v)),
    }
}

fn join_error(kind: Option<String>, text: Option<String>) -> String {
    match (kind, text) {
        (Some(k), Some(t)) if !t.is_empty() => format!("{k}: {t}"),
        (Some(k), _) => k,
        (None, Some(t)) => t,
        (None, None) => String::new(),
    }
}

/// A value as one line of text: strings bare, the rest as compact JSON.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_error_leads_with_level_message_and_error() {
        let l = lead(r#"{"level":"ERROR","requestId":"r1","msg":"request failed","error":"UpstreamError: checkout returned 502","retryable":true}"#).unwrap();
        assert_eq!(l.level.as_deref(), Some("ERROR"));
        assert_eq!(l.message.as_deref(), Some("request failed"));
        assert_eq!(
            l.error.as_deref(),
            Some("UpstreamError: checkout returned 502")
        );
        assert_eq!(
            l.rest,
            [
                ("requestId".to_string(), "r1".to_string()),
                ("retryable".to_string(), "true".to_string())
            ]
        );
    }

    #[test]
    fn lambda_json_format_pino_and_platform_events() {
        // Lambda's JSON log format for an uncaught Python error.
        let l = lead(r#"{"timestamp":"2024-01-01T00:00:00Z","level":"ERROR","message":"boom","errorType":"KeyError","errorMessage":"'id'","stackTrace":["x"]}"#).unwrap();
        assert_eq!(l.message.as_deref(), Some("boom"));
        assert_eq!(l.error.as_deref(), Some("KeyError: 'id'"));
        // pino: numeric level, `msg`, `err` object.
        let p = lead(
            r#"{"level":50,"msg":"failed","err":{"type":"Error","message":"nope","stack":"s"}}"#,
        )
        .unwrap();
        assert_eq!(p.level.as_deref(), Some("ERROR"));
        assert_eq!(p.error.as_deref(), Some("Error: nope"));
        assert!(p.rest.iter().any(|(k, _)| k == "error.stack"));
        let r = lead(r#"{"time":"t","type":"platform.report","record":{"requestId":"r","metrics":{"durationMs":3}}}"#).unwrap();
        assert_eq!(r.message.as_deref(), Some("platform.report"));
        assert!(r.rest.contains(&("record.requestId".into(), "r".into())));
        assert_eq!(lead("[ERROR] not json"), None);
        assert_eq!(lead("{broken"), None);
        assert_eq!(
            level(r#"{"severity":"warning"}"#).as_deref(),
            Some("WARNING")
        );
        assert_eq!(level(r#"{"msg":"no level"}"#), None);
    }
}
