//! A function's published versions and aliases, read when its detail opens: what each alias
//! routes where (Lambda API Reference, *AliasRoutingConfiguration*: a primary version and
//! additional versions with weights), and each routed version's invocations, errors and
//! duration over the last hour, from the metrics CloudWatch publishes per `ExecutedVersion` for
//! invocations through an alias (Lambda Developer Guide, *Types of metrics*: dimensions).

use chrono::{DateTime, Utc};

/// One published version.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Version {
    pub version: String,
    pub last_modified: Option<DateTime<Utc>>,
    pub code_sha256: Option<String>,
}

/// An alias, and the share of its traffic each version takes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Alias {
    pub name: String,
    /// (version, share 0..1), the primary first.
    pub routes: Vec<(String, f64)>,
}

/// One version's figures through one alias, over `Versions::since` to the read.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Executed {
    pub alias: String,
    pub version: String,
    pub invocations: Option<f64>,
    pub errors: Option<f64>,
    /// Invocation-weighted mean duration, in milliseconds.
    pub duration_avg_ms: Option<f64>,
}

impl Executed {
    pub fn error_rate(&self) -> Option<f64> {
        super::window::ratio(self.errors, self.invocations)
    }
}

/// What was read of a function's versions.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Versions {
    /// The newest first, at most `KEPT`.
    pub versions: Vec<Version>,
    pub aliases: Vec<Alias>,
    pub executed: Vec<Executed>,
    /// The figures of `executed` cover this moment to `read_at`.
    pub since: DateTime<Utc>,
    pub read_at: DateTime<Utc>,
}

impl Versions {
    /// Versions kept: the newest few are the ones a deploy or a rollback is about.
    pub const KEPT: usize = 10;
}
