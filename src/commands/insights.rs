//! `lambdatop insights`: a Logs Insights query (or a named one) over functions' log groups for
//! a span ending now, printed as a table or JSON with what it scanned and what that cost.
//! Statistics AWS did not give are null, never 0.

use anyhow::{Result, bail};
use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use serde::Serialize;

use crate::cli::{Format, InsightsArgs};
use crate::clock::SharedClock;
use crate::settings::Settings;
use crate::source::aws::insights::Patience;
use crate::store::insights::{InsightsAnswer, query_text};
use crate::ui::format;
use crate::ui::text::truncate;

#[derive(Serialize)]
struct Output {
    /// The query run, and the name it was asked by, if any.
    query: String,
    name: Option<String>,
    functions: Vec<String>,
    since: String,
    until: String,
    /// `complete`, or `running` when the wait ran out, `failed`, `cancelled`, `timed out`.
    status: String,
    fields: Vec<String>,
    /// One array a record, in the order of `fields`; null where a record has no such field.
    rows: Vec<Vec<Option<String>>>,
    bytes_scanned: Option<f64>,
    cost_usd: Option<f64>,
    records_matched: Option<f64>,
    records_scanned: Option<f64>,
    /// What could not be queried, if anything: the rows are of the rest.
    error: Option<String>,
}

fn rfc3339(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn output(
    args: &InsightsArgs,
    query: String,
    span: (i64, i64),
    a: InsightsAnswer,
    error: Option<String>,
) -> Output {
    let name = (query != args.query.trim()).then(|| args.query.trim().to_string());
    Output {
        query,
        name,
        functions: args.functions.clone(),
        since: rfc3339(span.0),
        until: rfc3339(span.1),
        status: a.state.word().to_string(),
        cost_usd: a.cost_usd(),
        bytes_scanned: a.bytes_scanned,
        records_matched: a.records_matched,
        records_scanned: a.records_scanned,
        rows: a
            .rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|v| (!v.is_empty()).then_some(v))
                    .collect()
            })
            .collect(),
        fields: a.fields,
        error,
    }
}

/// Values wider than this are cut in the table (the last column is never cut).
const COLUMN_MAX: usize = 60;

fn table(o: &Output) -> String {
    let mut out = String::new();
    if o.rows.is_empty() {
        out.push_str("no record matched\n");
    } else {
        let cell =
            |r: &[Option<String>], i: usize| r.get(i).and_then(|v| v.clone()).unwrap_or_default();
        let widths: Vec<usize> = (0..o.fields.len())
            .map(|i| {
                o.rows
                    .iter()
                    .map(|r| cell(r, i).chars().count())
                    .chain([o.fields[i].chars().count()])
                    .max()
                    .unwrap_or(0)
                    .min(COLUMN_MAX)
            })
            .collect();
        let line = |values: Vec<String>| {
            let last = values.len().saturating_sub(1);
            let cells: Vec<String> = values
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    if i == last {
                        v
                    } else {
                        format!("{:<w$}", truncate(&v, widths[i]), w = widths[i])
                    }
                })
                .collect();
            format!("{}\n", cells.join("  ").trim_end())
        };
        out.push_str(&line(o.fields.clone()));
        for r in &o.rows {
            out.push_str(&line((0..o.fields.len()).map(|i| cell(r, i)).collect()));
        }
    }
    out.push_str(&format!(
        "{} rows · {} · {} to {} · scanned {} ({}) · {} of {} records matched\n",
        o.rows.len(),
        o.status,
        o.since,
        o.until,
        format::bytes(o.bytes_scanned),
        format::usd(o.cost_usd),
        format::count(o.records_matched),
        format::count(o.records_scanned),
    ));
    if let Some(e) = &o.error {
        out.push_str(&format!("incomplete: {e}\n"));
    }
    out.pop();
    out
}

pub async fn run(settings: &Settings, args: &InsightsArgs, clock: SharedClock) -> Result<()> {
    let query = query_text(&settings.queries, &args.query);
    if query.is_empty() {
        bail!("the query is empty");
    }
    let now = clock.now();
    let reader = super::logs::reader(settings, &args.functions, None, now).await?;
    // `--since` back from `--at`, or from now.
    let to_ms = super::until(settings, now)?.timestamp_millis();
    let from_ms = to_ms - args.since.as_millis() as i64;
    let patience = Patience {
        at_most: args.wait,
        ..Patience::default()
    };
    let (answer, error) = crate::source::insights::query(
        &reader.logs,
        &reader.targets,
        &query,
        (from_ms, to_ms),
        None,
        patience,
    )
    .await;
    let Some(answer) = answer else {
        bail!(
            "{}",
            error.unwrap_or_else(|| "the query gave no answer".into())
        );
    };
    let o = output(args, query, (from_ms, to_ms), answer, error);
    match args.format {
        Format::Json => super::print_line(&serde_json::to_string_pretty(&o)?),
        Format::Table => super::print_line(&table(&o)),
    }
}
