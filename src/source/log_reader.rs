//! The one way lambdatop reads logs: a span of time of some functions' logs, from the demo
//! fleet or from CloudWatch Logs (`FilterLogEvents`, every page, all functions at once). The
//! log pane's tail and `lambdatop logs` both read through it; each adds its own pacing and
//! de-duplication (`logs::Dedupe`).

use std::collections::HashMap;

use super::aws::errors::AwsError;
use super::aws::logs::filter_events;
use super::demo::logs::DemoLogs;
use super::logs::LogEvent;
use crate::logtext::filter::Pattern;
use crate::store::FunctionKey;

pub enum LogReader {
    Demo(DemoLogs),
    /// CloudWatch Logs clients by region.
    Aws(HashMap<String, aws_sdk_cloudwatchlogs::Client>),
}

/// What one read brought, and which functions it could not read (whole: the events of their
/// pages before the failure are among `events`).
#[derive(Debug, Default)]
pub struct Read {
    pub events: Vec<LogEvent>,
    pub failures: Vec<(FunctionKey, AwsError)>,
}

impl LogReader {
    /// The events of `functions` from `from_ms` to `to_ms` (both included) that match
    /// `pattern`: CloudWatch applies it on AWS; the demo applies the patterns lambdatop
    /// understands (and passes everything for one only CloudWatch does).
    pub async fn read(
        &self,
        functions: &[FunctionKey],
        from_ms: i64,
        to_ms: i64,
        pattern: Option<&str>,
    ) -> Read {
        match self {
            LogReader::Demo(logs) => {
                let local = pattern.and_then(|p| Pattern::parse(p).ok());
                let mut events = Vec::new();
                for f in functions {
                    events.extend(
                        logs.events(std::slice::from_ref(&f.name), from_ms, to_ms)
                            .into_iter()
                            .filter(|e| e.function == *f)
                            .filter(|e| local.as_ref().is_none_or(|p| p.matches(&e.message))),
                    );
                }
                Read {
                    events,
                    failures: Vec::new(),
                }
            }
            LogReader::Aws(clients) => {
                let reads =
                    futures::future::join_all(
                        functions.iter().filter_map(|f| {
                            let client = clients.get(&f.region)?;
                            Some(async move {
                                (f, filter_events(client, f, from_ms, to_ms, pattern).await)
                            })
                        }),
                    )
                    .await;
                let mut read = Read::default();
                for (f, pages) in reads {
                    // What was read before a page failed still counts.
                    read.events.extend(pages.events);
                    if let Some(e) = pages.error {
                        read.failures.push((f.clone(), e));
                    }
                }
                read
            }
        }
    }

    /// The CloudWatch Logs client of a region (AWS only).
    pub fn client(&self, region: &str) -> Option<&aws_sdk_cloudwatchlogs::Client> {
        match self {
            LogReader::Aws(clients) => clients.get(region),
            LogReader::Demo(_) => None,
        }
    }
}
