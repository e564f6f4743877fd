//! A Logs Insights query's answer as the store keeps it: the result table, how far the query
//! got, and what it scanned, which is what it is billed for ($0.005 per GB scanned, CloudWatch
//! pricing, *Logs Insights*). One answer is kept: the latest the log pane asked for.

use super::pricing::USD_PER_INSIGHTS_GB;

/// How a query ended, as GetQueryResults says (`status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum QueryState {
    Scheduled,
    Running,
    Complete,
    Failed,
    Cancelled,
    Timeout,
    Unknown,
}

impl QueryState {
    pub fn parse(s: &str) -> QueryState {
        match s {
            "Scheduled" => QueryState::Scheduled,
            "Running" => QueryState::Running,
            "Complete" => QueryState::Complete,
            "Failed" => QueryState::Failed,
            "Cancelled" => QueryState::Cancelled,
            "Timeout" => QueryState::Timeout,
            _ => QueryState::Unknown,
        }
    }

    /// Whether the query will not change any more.
    pub fn is_final(self) -> bool {
        !matches!(self, QueryState::Scheduled | QueryState::Running)
    }

    pub fn word(self) -> &'static str {
        match self {
            QueryState::Scheduled => "scheduled",
            QueryState::Running => "running",
            QueryState::Complete => "complete",
            QueryState::Failed => "failed",
            QueryState::Cancelled => "cancelled",
            QueryState::Timeout => "timed out",
            QueryState::Unknown => "unknown",
        }
    }
}

/// What a query returned: its fields in order (`@ptr`, the record's pointer, left out), one
/// row of values per record, and its statistics where AWS gave them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InsightsAnswer {
    pub state: QueryState,
    pub fields: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub bytes_scanned: Option<f64>,
    pub records_matched: Option<f64>,
    pub records_scanned: Option<f64>,
}

impl InsightsAnswer {
    pub fn empty(state: QueryState) -> Self {
        Self {
            state,
            fields: Vec::new(),
            rows: Vec::new(),
            bytes_scanned: None,
            records_matched: None,
            records_scanned: None,
        }
    }

    /// Adds a record of `(field, value)` pairs; fields met for the first time join the
    /// columns (records of one query can carry different fields).
    pub fn push_record<'a>(&mut self, record: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let mut row = vec![String::new(); self.fields.len()];
        for (field, value) in record {
            if field == "@ptr" {
                continue;
            }
            let at = match self.fields.iter().position(|f| f == field) {
                Some(i) => i,
                None => {
                    self.fields.push(field.to_string());
                    for r in &mut self.rows {
                        r.push(String::new());
                    }
                    row.push(String::new());
                    self.fields.len() - 1
                }
            };
            row[at] = value.to_string();
        }
        self.rows.push(row);
    }

    /// Another region's answer to the same query, added: rows after rows, statistics summed
    /// (unknown if either is), the least finished state.
    pub fn merge(&mut self, other: InsightsAnswer) {
        let fields = other.fields.clone();
        for row in other.rows {
            self.push_record(
                fields
                    .iter()
                    .map(String::as_str)
                    .zip(row.iter().map(String::as_str)),
            );
        }
        let sum = |a: Option<f64>, b: Option<f64>| Some(a? + b?);
        self.bytes_scanned = sum(self.bytes_scanned, other.bytes_scanned);
        self.records_matched = sum(self.records_matched, other.records_matched);
        self.records_scanned = sum(self.records_scanned, other.records_scanned);
        if self.state == QueryState::Complete {
            self.state = other.state;
        }
    }

    /// What the query cost, from the bytes it scanned.
    pub fn cost_usd(&self) -> Option<f64> {
        self.bytes_scanned.map(insights_cost_usd)
    }
}

/// Logs Insights' price of scanning `bytes` (GB of 10⁹ bytes, as AWS bills data).
pub fn insights_cost_usd(bytes: f64) -> f64 {
    bytes / 1e9 * USD_PER_INSIGHTS_GB
}

/// The Logs Insights queries every user has, by name, over the fields Lambda's REPORT lines
/// give (CloudWatch Logs User Guide, *Supported logs and discovered fields*: `@type`,
/// `@duration`, `@billedDuration`, `@initDuration`, `@maxMemoryUsed`, `@memorySize`, in ms
/// and bytes).
pub const NAMED_QUERIES: [(&str, &str); 4] = [
    (
        "cold-starts",
        "filter @type = \"REPORT\" and ispresent(@initDuration) | stats count(*) as coldStarts, avg(@initDuration) as avgInitMs, max(@initDuration) as maxInitMs by bin(5m)",
    ),
    (
        "slowest",
        "filter @type = \"REPORT\" | fields @timestamp, @requestId, @duration, @billedDuration, @maxMemoryUsed / 1000000 as usedMB | sort @duration desc | limit 25",
    ),
    (
        "memory",
        "filter @type = \"REPORT\" and @maxMemoryUsed / @memorySize > 0.8 | fields @timestamp, @requestId, @maxMemoryUsed / 1000000 as usedMB, @memorySize / 1000000 as sizeMB | sort @maxMemoryUsed desc | limit 50",
    ),
    (
        "errors",
        "filter @message like /(?i)(error|exception|task timed out)/ | stats count(*) as count, earliest(@timestamp) as first, latest(@timestamp) as last by @message | sort count desc | limit 25",
    ),
];

/// The built-in named queries, as owned pairs.
pub fn named_queries() -> Vec<(String, String)> {
    NAMED_QUERIES
        .iter()
        .map(|(n, q)| (n.to_string(), q.to_string()))
        .collect()
}

/// The query text of `name_or_query`: a named query's, else the text itself.
pub fn query_text(queries: &[(String, String)], name_or_query: &str) -> String {
    let t = name_or_query.trim();
    queries
        .iter()
        .find(|(n, _)| n == t)
        .map_or_else(|| t.to_string(), |(_, q)| q.clone())
}

/// A query the log pane ran, and its answer when there is one.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InsightsResult {
    /// Which of the pane's queries this answers: the app numbers them.
    pub seq: u64,
    pub query: String,
    /// What was queried: "checkout-api (eu-west-1)", "project payments".
    pub label: String,
    pub from_ms: i64,
    pub to_ms: i64,
    pub answer: Option<InsightsAnswer>,
    /// Why there is no answer, or why it is partial.
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_with_different_fields_share_the_columns_and_regions_add_up() {
        let mut a = InsightsAnswer::empty(QueryState::Complete);
        a.push_record([("@ptr", "p"), ("@timestamp", "t1"), ("@message", "m1")]);
        a.push_record([("@timestamp", "t2"), ("@duration", "5")]);
        assert_eq!(a.fields, ["@timestamp", "@message", "@duration"]);
        assert_eq!(a.rows, [vec!["t1", "m1", ""], vec!["t2", "", "5"]]);
        a.bytes_scanned = Some(2e9);
        let mut b = InsightsAnswer::empty(QueryState::Running);
        b.push_record([("@message", "m3")]);
        b.bytes_scanned = Some(1e9);
        a.merge(b);
        assert_eq!(a.rows.len(), 3);
        assert_eq!(a.rows[2], ["", "m3", ""]);
        assert_eq!(a.state, QueryState::Running);
        assert!((a.cost_usd().unwrap() - 0.015).abs() < 1e-12);
        let mut c = InsightsAnswer::empty(QueryState::Complete);
        c.merge(InsightsAnswer::empty(QueryState::Complete));
        assert_eq!(c.cost_usd(), None, "unknown, not $0");
    }
}
