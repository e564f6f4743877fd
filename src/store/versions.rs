//! A function's published versions and aliases, read when its detail opens: what each alias
//! routes where (Lambda API Reference, *AliasRoutingConfiguration*: a primary version and
//! additional versions with weights), and each routed version's invocations, errors and
//! duration over the last hour, from the metrics CloudWatch publishes per `ExecutedVersion` for
//! invocations through an alias (Lambda Developer Guide, *Types of metrics*: dimensions).

use std::collections::HashMap;

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
        super::figures::ratio(self.errors, self.invocations)
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

/// The published version that serves a function, and the alias that names it: the version
/// most aliases route to by their primary route (an alias's extra weights, a canary, are left
/// to the primary; a tie: the newest, by number), named by the first such alias by name. None
/// when every alias routes to `$LATEST`, or there is none: then `$LATEST`'s configuration is
/// what the traffic runs on. One rule for an account's aliases and the demo's.
pub fn serving(aliases: &[Alias]) -> Option<(String, String)> {
    let primaries: Vec<(&str, &str)> = aliases
        .iter()
        .filter_map(|a| Some((a.name.as_str(), a.routes.first()?.0.as_str())))
        .filter(|(_, v)| *v != "$LATEST")
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (_, v) in &primaries {
        *counts.entry(v).or_default() += 1;
    }
    let version = counts
        .into_iter()
        .max_by_key(|(v, n)| (*n, v.parse::<u64>().unwrap_or(0)))?
        .0;
    let alias = primaries
        .iter()
        .filter(|(_, v)| *v == version)
        .map(|(a, _)| *a)
        .min()?;
    Some((alias.to_string(), version.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_most_aliases_route_to_serves() {
        let a = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(a, v)| Alias {
                    name: a.to_string(),
                    routes: vec![(v.to_string(), 1.0)],
                })
                .collect::<Vec<_>>()
        };
        let serves = |alias: &str, version: &str| Some((alias.into(), version.into()));
        assert_eq!(serving(&a(&[("live", "7")])), serves("live", "7"));
        assert_eq!(
            serving(&a(&[("prod", "7"), ("live", "7"), ("beta", "9")])),
            serves("live", "7"),
            "named by the first alias, by name"
        );
        assert_eq!(
            serving(&a(&[("a", "9"), ("b", "10")])),
            serves("b", "10"),
            "a tie: the newest, by number"
        );
        assert_eq!(serving(&a(&[("dev", "$LATEST")])), None);
        assert_eq!(serving(&[]), None);
        // A canary's extra weight is left to the primary.
        let canary = [Alias {
            name: "live".into(),
            routes: vec![("13".into(), 0.9), ("12".into(), 0.1)],
        }];
        assert_eq!(serving(&canary), serves("live", "13"));
    }
}
