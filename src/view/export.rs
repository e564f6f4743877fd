//! Rows as CSV (RFC 4180): `:export` writes the fleet table's rows as the view shows them,
//! `snapshot --format csv` every function. Text from AWS is untrusted here too: a cell
//! that a spreadsheet would run as a formula is quoted as text.

use chrono::SecondsFormat;

use crate::store::Store;
use crate::store::figures::FleetStats;

/// One CSV field: quoted when it holds a separator, a quote or a line break; a leading
/// `=`, `+`, `-` or `@` of text (not of a number) gets a `'` so that no spreadsheet runs it.
pub fn field(text: &str, is_number: bool) -> String {
    let guarded = if !is_number && text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// A header line and the rows, each field already written by `field`; CRLF line ends, as
/// RFC 4180 says.
pub fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = header
        .iter()
        .map(|h| field(h, false))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    for row in rows {
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The columns `:export` writes, named as `snapshot`'s JSON names them.
pub const FLEET_COLUMNS: [&str; 23] = [
    "name",
    "account_id",
    "region",
    "project",
    "runtime",
    "memory_mb",
    "timeout_s",
    "invocations",
    "errors",
    "error_rate",
    "throttles",
    "duration_avg_ms",
    "duration_p99_ms",
    "duration_p99_peak_ms",
    "p99_peak_of_timeout",
    "concurrency_max",
    "cold_starts",
    "memory_used_max_mb",
    "est_cost_usd",
    "alarms_firing",
    "provisional_from",
    "reports_read.read",
    "reports_read.of",
];

/// The fleet table's rows in its order (store indices), over the window `stats` are of.
/// An unknown figure is an empty field, never 0.
pub fn fleet(store: &Store, stats: &FleetStats, order: &[usize]) -> String {
    let text = |s: Option<String>| field(&s.unwrap_or_default(), false);
    let number = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
    let whole = |v: Option<f64>| v.map(|v| format!("{}", v.round())).unwrap_or_default();
    let rows = order.iter().filter_map(|&i| {
        let f = store.functions().get(i)?;
        let s = stats.functions.get(i)?;
        Some(vec![
            text(Some(f.facts.name.clone())),
            text(store.account_id(f.facts.account)),
            text(Some(f.facts.region.clone())),
            text(Some(f.project.clone())),
            text(f.facts.runtime.clone()),
            f.facts.memory_mb.map(|m| m.to_string()).unwrap_or_default(),
            f.facts.timeout_s.map(|m| m.to_string()).unwrap_or_default(),
            whole(s.invocations),
            whole(s.errors),
            number(s.error_rate),
            whole(s.throttles),
            number(s.duration_avg_ms),
            number(s.duration_p99_ms),
            number(s.duration_p99_peak_ms),
            number(s.p99_peak_of_timeout),
            whole(s.concurrency_max),
            whole(s.cold_starts),
            whole(s.memory_used_max_mb),
            number(s.est_cost_usd),
            s.alarms_firing.map(|n| n.to_string()).unwrap_or_default(),
            s.provisional_from
                .map(|m| m.start().to_rfc3339_opts(SecondsFormat::Secs, true))
                .unwrap_or_default(),
            s.reports_read
                .map(|c| c.read.to_string())
                .unwrap_or_default(),
            s.reports_read.map(|c| c.of.to_string()).unwrap_or_default(),
        ])
    });
    csv(&FLEET_COLUMNS, rows)
}

/// JSON rows as CSV: nested objects flattened to `a.b` columns, lists kept as JSON text,
/// null as an empty field. The columns are `first`, then every other field any row has.
pub fn json_rows(first: &[&str], rows: &[serde_json::Value]) -> String {
    fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String, bool)>) {
        use serde_json::Value;
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    let name = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    flatten(&name, v, out);
                }
            }
            Value::Null => out.push((prefix.to_string(), String::new(), false)),
            Value::String(s) => out.push((prefix.to_string(), s.clone(), false)),
            Value::Number(n) => out.push((prefix.to_string(), n.to_string(), true)),
            Value::Bool(b) => out.push((prefix.to_string(), b.to_string(), true)),
            Value::Array(_) => out.push((prefix.to_string(), v.to_string(), false)),
        }
    }
    let flat: Vec<Vec<(String, String, bool)>> = rows
        .iter()
        .map(|r| {
            let mut out = Vec::new();
            flatten("", r, &mut out);
            out
        })
        .collect();
    let mut columns: Vec<String> = first.iter().map(|c| c.to_string()).collect();
    let mut seen: std::collections::HashSet<String> = columns.iter().cloned().collect();
    for row in &flat {
        for (name, _, _) in row {
            if seen.insert(name.clone()) {
                columns.push(name.clone());
            }
        }
    }
    // A field null in one row and an object in another is that object's columns only.
    let parents: std::collections::HashSet<String> = columns
        .iter()
        .filter_map(|c| c.rsplit_once('.').map(|(p, _)| p.to_string()))
        .collect();
    columns.retain(|c| !parents.contains(c));
    let header: Vec<&str> = columns.iter().map(String::as_str).collect();
    let lines = flat.into_iter().map(|row| {
        let mut by_name: std::collections::HashMap<String, (String, bool)> = row
            .into_iter()
            .map(|(n, v, number)| (n, (v, number)))
            .collect();
        columns
            .iter()
            .map(|c| {
                by_name
                    .remove(c)
                    .map(|(v, number)| field(&v, number))
                    .unwrap_or_default()
            })
            .collect()
    });
    csv(&header, lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_kept_as_text() {
        assert_eq!(field("checkout", false), "checkout");
        assert_eq!(field("a,b", false), "\"a,b\"");
        assert_eq!(field("say \"hi\"", false), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)", false), "'=HYPERLINK(1)");
        assert_eq!(field("-1.5", true), "-1.5");
    }

    #[test]
    fn json_rows_flatten_and_leave_unknowns_empty() {
        let rows = vec![
            serde_json::json!({"name": "a", "errors": 2, "serving": {"alias": "live"}, "tags": [1]}),
            serde_json::json!({"name": "b", "errors": null, "serving": null, "tags": []}),
        ];
        assert_eq!(
            json_rows(&["name"], &rows),
            "name,errors,serving.alias,tags\r\na,2,live,[1]\r\nb,,,[]\r\n"
        );
    }
}
