//! A Logs Insights query over functions' logs, wherever they are: one query a region, over the
//! log groups the functions write to (their own, or the custom one their `LoggingConfig`
//! names, narrowed to their streams), the regions' answers added into one.

use std::collections::BTreeMap;

use super::aws::insights::{self, Patience, Query};
use super::aws::logs::is_missing_group;
use super::aws::usage::UsageCounter;
use super::log_reader::LogReader;
use crate::store::FunctionKey;
use crate::store::insights::InsightsAnswer;

/// Runs `text` over `functions`' logs from `from_ms` to `to_ms`. The answer covers the
/// regions that answered; `Err` says why none did, or what was left out.
pub async fn query(
    reader: &LogReader,
    functions: &[FunctionKey],
    text: &str,
    (from_ms, to_ms): (i64, i64),
    usage: Option<&UsageCounter>,
    patience: Patience,
) -> (Option<InsightsAnswer>, Option<String>) {
    let LogReader::Aws { clients, places } = reader else {
        return (
            None,
            Some(
                "Logs Insights queries CloudWatch Logs: the demo fleet has no query engine".into(),
            ),
        );
    };
    // By region: the groups, and the functions that share theirs with others.
    let mut regions: BTreeMap<&str, (Vec<String>, Vec<&str>)> = BTreeMap::new();
    for f in functions {
        let place = places.place(f);
        let (groups, shared) = regions.entry(f.region.as_str()).or_default();
        if !groups.contains(&place.group) {
            groups.push(place.group.clone());
        }
        if place.own_streams.is_some() {
            shared.push(f.name.as_str());
        }
    }
    let mut answer: Option<InsightsAnswer> = None;
    let mut errors = Vec::new();
    let mut missing = Vec::new();
    for (region, (groups, shared)) in regions {
        let Some(client) = clients.get(region) else {
            errors.push(format!("{region}: no client"));
            continue;
        };
        if !shared.is_empty() && shared.len() < groups.len() {
            errors.push(format!(
                "{region}: functions in shared log groups and in their own cannot be queried at once; query them apart"
            ));
            continue;
        }
        let text = if shared.is_empty() {
            text.to_string()
        } else {
            insights::only_streams_of(&shared, text)
        };
        let q = Query {
            text: &text,
            groups,
            from_ms,
            to_ms,
        };
        match insights::run(client, &q, usage, patience, |_| {}).await {
            Ok(a) => match &mut answer {
                Some(all) => all.merge(a),
                None => answer = Some(a),
            },
            // A function named in every region logs in the one it runs in.
            Err(e) if is_missing_group(&e) => missing.push(region),
            Err(e) => errors.push(format!("{region}: {}", e.message)),
        }
    }
    if answer.is_none() && errors.is_empty() && !missing.is_empty() {
        errors.push(format!(
            "no log group to query in {} (have the functions run yet?)",
            missing.join(", ")
        ));
    }
    let error = (!errors.is_empty()).then(|| errors.join("; "));
    (answer, error)
}
