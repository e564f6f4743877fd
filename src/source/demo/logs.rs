//! The demo fleet's logs: what each function would have written, derived from the same traffic
//! model as its metrics, so an error spike on the graph has error lines behind it. A few
//! invocations a minute are logged (START, application lines, END, REPORT), every error with
//! its message, every timeout with Lambda's own line, every cold start with its Init Duration.
//! One function logs with ANSI colours, as many loggers do, to show they never reach the
//! terminal. Deterministic like the rest of the demo.

use std::sync::Arc;

use super::fleet::Instance;
use super::fleet::{self, Fleet, Spec};
use super::noise::unit;
use super::traffic;
use crate::source::logs::LogEvent;
use crate::store::FunctionKey;

const PICK: u64 = 20;
const OFFSET: u64 = 21;
const STREAM: u64 = 22;
const MEMORY: u64 = 23;

/// At most this many ordinary invocations are logged a minute.
const SAMPLED: usize = 4;

fn request_id(seed: u64, id: u64, minute: i64, n: usize) -> String {
    let a = (unit(seed, id, minute, 30 + n as u64) * 4_294_967_296.0) as u64;
    let b = (unit(seed, id, minute, 60 + n as u64) * 281_474_976_710_656.0) as u64;
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        a,
        (b >> 32) & 0xffff,
        (b >> 20) & 0xfff,
        (b >> 8) & 0xfff,
        b
    )
}

fn stream(seed: u64, inst: Instance, minute: i64, n: usize, concurrency: f64) -> String {
    let envs = concurrency.clamp(1.0, 8.0) as u64;
    let k = (unit(seed, inst.id, minute, STREAM + n as u64) * envs as f64) as u64;
    let day = crate::store::Minute(minute).start().format("%Y/%m/%d");
    let word = |c: u64| (unit(seed, inst.id, k as i64, STREAM + c) * 4_294_967_296.0) as u64;
    format!(
        "{day}/[$LATEST]{:08x}{:08x}{:08x}{:08x}",
        word(0),
        word(1),
        word(2),
        word(3)
    )
}

/// What the application says on success, in the runtime's usual style.
fn app_line(name: &str, s: &Spec, request: &str, ms: f64) -> String {
    match name {
        // A logger that colours its level, as many do: the colours must be stripped.
        "checkout-cart-sync" => {
            format!("\x1b[32mINFO\x1b[0m cart synced request={request} items=3 took={ms:.0}ms")
        }
        _ if s.runtime.starts_with("python") => {
            format!("[INFO]\t{request}\tprocessed event in {ms:.0} ms")
        }
        _ => format!(
            r#"{{"level":"INFO","requestId":"{request}","msg":"request handled","function":"{name}","durationMs":{ms:.0}}}"#
        ),
    }
}

/// The error a bad deploy brought: one the function never logged before it.
fn deploy_error_line(s: &Spec, request: &str) -> String {
    if s.runtime.starts_with("java") {
        format!(
            r#"{{"level":"ERROR","requestId":"{request}","msg":"unhandled exception","errorType":"java.lang.NullPointerException","errorMessage":"Cannot invoke \"Order.total()\" because \"order\" is null","stackTrace":["com.example.Handler.handleRequest(Handler.java:57)"]}}"#
        )
    } else {
        format!(
            r#"{{"level":"ERROR","requestId":"{request}","msg":"unhandled rejection","errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'currency')","stack":"TypeError: Cannot read properties of undefined (reading 'currency')\n    at priceCart (/var/task/cart.js:57:31)"}}"#
        )
    }
}

fn error_line(s: &Spec, request: &str) -> String {
    if s.runtime.starts_with("python") {
        format!(
            "[ERROR] ConnectionError: upstream {} returned 502\rTraceback (most recent call last):\r  File \"/var/task/app.py\", line 42, in handler\r    resp = client.post(url, json=body)\r  File \"/var/task/client.py\", line 88, in post\r    raise ConnectionError(f\"upstream {{host}} returned {{status}}\")",
            s.project
        )
    } else {
        format!(
            r#"{{"level":"ERROR","requestId":"{request}","msg":"request failed","error":"UpstreamError: {} returned 502","retryable":true}}"#,
            s.project
        )
    }
}

/// The events of one instance in minute `m`.
fn minute_events(seed: u64, inst: Instance, m: i64, start: i64, history: i64) -> Vec<LogEvent> {
    let s = inst.spec;
    let sample = traffic::sample(seed, inst, m, start, history);
    let invocations = sample.invocations as usize;
    let errors = (sample.errors as usize).min(3);
    let timeouts = (sample.timeouts as usize).min(2);
    let colds = (sample.cold_starts as usize).min(2);
    let logged = invocations.min(SAMPLED.max(errors + timeouts));
    let key = FunctionKey::new(inst.region, inst.name);
    let avg = sample.duration_avg_ms.unwrap_or(s.duration_ms);
    let mut out = Vec::new();
    for n in 0..logged {
        let request = request_id(seed, inst.id, m, n);
        let stream = stream(seed, inst, m, n, sample.concurrency_max);
        let t0 = m * 60_000 + (unit(seed, inst.id, m, OFFSET + n as u64) * 50_000.0) as i64;
        let timed_out = n < timeouts;
        let failed = !timed_out && n < timeouts + errors;
        let cold = n >= logged.saturating_sub(colds);
        let init = fleet::typical_init_ms(s.runtime)
            * (0.85 + 0.3 * unit(seed, inst.id, m, PICK + n as u64));
        let ms = if timed_out {
            f64::from(s.timeout_s) * 1000.0
        } else {
            avg * (0.7 + 0.6 * unit(seed, inst.id, m, PICK + 40 + n as u64))
        };
        let used = (f64::from(s.memory_mb) * (0.3 + 0.5 * unit(seed, inst.id, m, MEMORY))).round();
        let mut lines = vec![format!("START RequestId: {request} Version: $LATEST")];
        if timed_out {
            let at = crate::store::Minute(m).start() + chrono::Duration::milliseconds(t0 % 60_000);
            lines.push(format!(
                "{} {request} Task timed out after {}.00 seconds",
                at.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
                s.timeout_s
            ));
        } else if failed && n == timeouts && traffic::deploy_error_rate(inst, m, start) > 0.0 {
            lines.push(deploy_error_line(s, &request));
        } else if failed && traffic::outage_error_rate(inst, m, start) > 0.0 {
            lines.push(format!(
                r#"{{"level":"ERROR","requestId":"{request}","msg":"charge notification failed","errorType":"ProviderTimeout","errorMessage":"payment provider did not answer within 10000 ms","retryable":true}}"#
            ));
        } else if failed {
            lines.push(error_line(s, &request));
        } else {
            lines.push(app_line(inst.name, s, &request, ms));
        }
        lines.push(format!("END RequestId: {request}"));
        let mut report = format!(
            "REPORT RequestId: {request}\tDuration: {ms:.2} ms\tBilled Duration: {:.0} ms\tMemory Size: {} MB\tMax Memory Used: {used:.0} MB\t",
            ms.ceil(),
            s.memory_mb
        );
        if cold {
            report.push_str(&format!("Init Duration: {init:.2} ms\t"));
        }
        if timed_out {
            report.push_str("Status: timeout");
        }
        lines.push(report);
        let span = (ms as i64).max(lines.len() as i64);
        for (k, message) in lines.into_iter().enumerate() {
            let at_ms = t0 + span * k as i64 / 3;
            out.push(LogEvent {
                function: key.clone(),
                at_ms,
                stream: stream.clone(),
                event_id: format!("{at_ms:020}{:06}{n:03}{k:02}", inst.id),
                message,
            });
        }
    }
    out
}

/// Logs of the demo fleet.
#[derive(Clone)]
pub struct DemoLogs {
    seed: u64,
    start: i64,
    history: i64,
    fleet: Arc<Fleet>,
}

impl DemoLogs {
    pub fn new(seed: u64, start: crate::store::Minute, history_minutes: u32) -> Self {
        Self {
            seed,
            start: start.0,
            history: i64::from(history_minutes),
            fleet: Arc::new(Fleet::default()),
        }
    }

    /// The logs of `fleet` instead of the cast's.
    pub fn with_fleet(mut self, fleet: Arc<Fleet>) -> Self {
        self.fleet = fleet;
        self
    }

    /// When the demo says the function was last deployed.
    pub fn deployed_ms(&self, key: &FunctionKey) -> Option<i64> {
        let inst = self
            .fleet
            .instances()
            .find(|i| i.name == key.name && i.region == key.region)?;
        Some(traffic::deployed_at_minute(self.seed, inst, self.start) * 60_000)
    }

    /// Whether the demo fleet has a function of that name.
    pub fn knows(&self, name: &str) -> bool {
        self.fleet.knows(name)
    }

    /// Events of the named functions (in every region they run in) from `from_ms` to `to_ms`,
    /// inclusive. Minutes still to come have no logs yet.
    pub fn events(&self, names: &[String], from_ms: i64, to_ms: i64) -> Vec<LogEvent> {
        let mut out = Vec::new();
        for inst in self.fleet.instances() {
            if !names.iter().any(|n| n == inst.name) {
                continue;
            }
            for m in from_ms.div_euclid(60_000)..=to_ms.div_euclid(60_000) {
                out.extend(
                    minute_events(self.seed, inst, m, self.start, self.history)
                        .into_iter()
                        .filter(|e| (from_ms..=to_ms).contains(&e.at_ms)),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logtext::report;

    fn logs() -> DemoLogs {
        DemoLogs::new(7, crate::store::Minute(29_000_000), 180)
    }

    #[test]
    fn every_invocation_logged_has_start_end_and_a_parsable_report() {
        let l = logs();
        let from = 29_000_000 * 60_000 - 10 * 60_000;
        let events = l.events(&["payments-charge".into()], from, from + 10 * 60_000);
        let starts = events
            .iter()
            .filter(|e| e.message.starts_with("START"))
            .count();
        let ends = events
            .iter()
            .filter(|e| e.message.starts_with("END"))
            .count();
        let reports: Vec<_> = events
            .iter()
            .filter_map(|e| report::parse(&e.message))
            .collect();
        assert!(starts > 10);
        assert_eq!((starts, ends), (reports.len(), reports.len()));
        assert!(reports.iter().all(|r| r.memory_mb == Some(1536)));
    }

    #[test]
    fn the_bad_deploy_has_error_lines_and_cold_starts() {
        let l = logs();
        // payments-charge went bad 47 minutes before the start.
        let from = (29_000_000 - 45) * 60_000;
        let events = l.events(&["payments-charge".into()], from, from + 5 * 60_000);
        assert!(events.iter().any(|e| e.message.contains("\"level\":\"ERROR\"") || e.message.contains("[ERROR]")));
        let deploy = (29_000_000 - 47) * 60_000;
        let at_deploy = l.events(&["payments-charge".into()], deploy, deploy + 59_999);
        assert!(
            at_deploy
                .iter()
                .filter_map(|e| report::parse(&e.message))
                .any(|r| r.cold_start())
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_lines_and_ids_are_unique() {
        let from = 29_000_000 * 60_000 - 30 * 60_000;
        let names = vec!["checkout-api".to_string(), "search-indexer".to_string()];
        let a = logs().events(&names, from, from + 30 * 60_000);
        assert_eq!(a, logs().events(&names, from, from + 30 * 60_000));
        let ids: std::collections::HashSet<_> = a.iter().map(|e| &e.event_id).collect();
        assert_eq!(ids.len(), a.len());
    }
}
