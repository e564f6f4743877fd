//! `lambdatop errors`: functions' error lines over a span, grouped by kind (`ErrorFold`), worst
//! first, as a table or JSON. The lines are read with FilterLogEvents page by page and folded
//! as they come: memory holds the groups, never the lines, however long the span.

use anyhow::{Result, bail};
use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use serde::Serialize;

use crate::cli::{ErrorsArgs, Format};
use crate::clock::SharedClock;
use crate::logtext::sanitize::clean_log;
use crate::settings::Settings;
use crate::store::error_groups::{ErrorFold, ErrorGroup};
use crate::store::logs::MAX_LINE_CHARS;
use crate::ui::format::bars;
use crate::ui::text::truncate;

#[derive(Serialize)]
struct Output {
    functions: Vec<String>,
    since: String,
    until: String,
    lines_read: u64,
    error_lines: u64,
    /// Error lines of kinds past the groups kept.
    other_kinds: u64,
    groups: Vec<Group>,
    /// What could not be read, if anything: the groups are of the lines before it.
    incomplete: Option<String>,
}

#[derive(Serialize)]
struct Group {
    function: String,
    region: String,
    fingerprint: String,
    sample: String,
    count: u64,
    first_seen: String,
    last_seen: String,
    /// `null`: the span read starts after the last deploy, or it is not known.
    new_since_deploy: Option<bool>,
    /// Counts across the span, oldest first.
    per_interval: Vec<u32>,
}

fn time_of(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn rfc3339(ms: i64) -> String {
    time_of(ms).to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn group_of(g: ErrorGroup) -> Group {
    Group {
        function: g.function.name,
        region: g.function.region,
        fingerprint: g.fingerprint,
        sample: g.sample,
        count: g.count,
        first_seen: rfc3339(g.first_seen_ms),
        last_seen: rfc3339(g.last_seen_ms),
        new_since_deploy: g.new_since_deploy,
        per_interval: g.buckets,
    }
}

/// The table: one row a group, worst first.
fn table(o: &Output) -> String {
    let mut out = format!(
        "Errors of {} from {} to {} UTC: {} error lines of {} read, {} kinds\n",
        o.functions.join(", "),
        &o.since[..16].replace('T', " "),
        &o.until[11..16],
        o.error_lines,
        o.lines_read,
        o.groups.len()
    );
    if o.groups.is_empty() {
        out.push_str("no error lines\n");
    } else {
        out.push_str(&format!(
            "{:<28} {:>6}  {:<24}  {:<5}  {:<5}  {:<3}  {}\n",
            "FUNCTION", "COUNT", "OVER THE SPAN", "FIRST", "LAST", "NEW", "ERROR"
        ));
    }
    for g in &o.groups {
        let counts: Vec<Option<f64>> = g.per_interval.iter().map(|&c| Some(f64::from(c))).collect();
        let new = match g.new_since_deploy {
            Some(true) => "new",
            Some(false) => "",
            None => "–",
        };
        out.push_str(&format!(
            "{:<28} {:>6}  {:<24}  {:<5}  {:<5}  {:<3}  {}\n",
            truncate(&format!("{} ({})", g.function, g.region), 28),
            g.count,
            bars(&counts, 24),
            &g.first_seen[11..16],
            &g.last_seen[11..16],
            new,
            truncate(&g.sample, 200)
        ));
    }
    if o.other_kinds > 0 {
        out.push_str(&format!(
            "{} more error lines of further kinds were counted, not grouped\n",
            o.other_kinds
        ));
    }
    if o.groups.iter().any(|g| g.new_since_deploy.is_none()) {
        out.push_str("NEW –: the span starts after the function's last deploy, so there is no telling; a longer --since can\n");
    }
    if let Some(why) = &o.incomplete {
        out.push_str(&format!("incomplete: {why}\n"));
    }
    out.pop();
    out
}

pub async fn run(settings: &Settings, args: &ErrorsArgs, clock: SharedClock) -> Result<()> {
    let now = clock.now();
    let reader = super::logs::reader(settings, &args.functions, None, now).await?;
    // `--since` back from `--at`, or from now.
    let to_ms = super::until(settings, now)?.timestamp_millis();
    let from_ms = to_ms - args.since.as_millis() as i64;
    let mut fold = ErrorFold::new(from_ms, to_ms, settings.error_words.clone());
    let read = reader
        .read_each(from_ms, to_ms, |batch| {
            for e in batch {
                let clean = clean_log(&e.message, MAX_LINE_CHARS);
                fold.add(&e.function, e.at_ms, &clean.text);
            }
        })
        .await;
    let incomplete = super::logs::describe_failures(&read, &reader);
    if let Some(why) = &incomplete
        && fold.lines == 0
    {
        bail!("{why}");
    }
    let incomplete = incomplete.map(|why| {
        format!(
            "{why}; the groups are of the lines up to {}",
            time_of(read.through_ms).format("%H:%M:%S UTC")
        )
    });
    let (lines, errors, overflow) = (fold.lines, fold.errors, fold.overflow);
    let groups = fold.finish(|k| reader.deployed_ms.get(k).copied());
    let output = Output {
        functions: args.functions.clone(),
        since: rfc3339(from_ms),
        until: rfc3339(to_ms),
        lines_read: lines,
        error_lines: errors,
        other_kinds: overflow,
        groups: groups.into_iter().map(group_of).collect(),
        incomplete,
    };
    match args.format {
        Format::Json => super::print_line(&serde_json::to_string_pretty(&output)?),
        Format::Table => super::print_line(&table(&output)),
    }
}
