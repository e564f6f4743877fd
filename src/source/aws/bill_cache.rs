//! Cost Explorer answers kept on disk (the XDG cache directory, `lambdatop/`), so that a
//! dashboard restarted on a bastion or a `cost` run from a script does not pay $0.01 again:
//! an answer younger than the TTL (default 6 h; Cost Explorer itself refreshes a few times a
//! day) is used as it is. One file per account (by id, never by profile name: exported
//! credentials, `aws-vault`, assumed and instance roles all look like the `default` profile),
//! endpoint, scope, grouping and month.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store::cost::{CostGroupBy, CostReport, CostScope};

/// How long an answer is used before Cost Explorer is asked again.
pub const DEFAULT_TTL: Duration = Duration::from_secs(6 * 3600);

/// What an answer is about: a different one of these is a different file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheKey {
    /// The caller's account, as `sts:GetCallerIdentity` names it.
    pub account_id: String,
    pub endpoint: Option<String>,
    /// Whose bill and which regions were asked about.
    pub scope: CostScope,
    pub group_by: CostGroupBy,
    pub tag: String,
    /// `2026-11`: last month's answer never stands for this month's.
    pub month: String,
}

impl CacheKey {
    fn file_name(&self) -> String {
        let raw = format!(
            "cost-{}-{}-{}-{}-{}-{:016x}.json",
            self.account_id,
            self.endpoint.as_deref().unwrap_or("aws"),
            self.group_by,
            self.tag,
            self.month,
            scope_hash(&self.scope)
        );
        raw.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }
}

/// A stable short name of a scope (FNV-1a of its JSON): the regions can be many.
fn scope_hash(scope: &CostScope) -> u64 {
    serde_json::to_string(scope)
        .unwrap_or_default()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    key: CacheKey,
    report: CostReport,
}

/// The cache directory and its TTL.
#[derive(Debug, Clone)]
pub struct CostCache {
    dir: PathBuf,
    ttl: Duration,
}

impl CostCache {
    /// `$XDG_CACHE_HOME/lambdatop` (else `~/.cache/lambdatop`).
    pub fn default_dir() -> PathBuf {
        dirs::cache_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("lambdatop")
    }

    pub fn new(dir: PathBuf, ttl: Duration) -> Self {
        Self { dir, ttl }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(key.file_name())
    }

    /// The answer kept for `key`, however old; `None` when there is none or it cannot be read
    /// (a damaged file is only a miss).
    pub fn load(&self, key: &CacheKey) -> Option<CostReport> {
        let path = self.path(key);
        let text = std::fs::read_to_string(&path).ok()?;
        match serde_json::from_str::<Entry>(&text) {
            Ok(e) if e.key == *key => Some(e.report),
            Ok(_) => None,
            Err(e) => {
                tracing::warn!("ignoring the unreadable cost cache {}: {e}", path.display());
                None
            }
        }
    }

    /// Whether an answer fetched at `fetched_at` is still good at `now`. One from the future
    /// (a clock that jumped back) is not.
    pub fn is_fresh(&self, fetched_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        let age = now - fetched_at;
        age >= chrono::Duration::zero() && age.to_std().is_ok_and(|a| a < self.ttl)
    }

    /// Keeps `report` for `key`: written aside, then renamed, so a reader never sees half —
    /// and the owner's only, as an account's bill is (`private`).
    pub fn save(&self, key: &CacheKey, report: &CostReport) -> std::io::Result<()> {
        crate::private::dir(&self.dir)?;
        let entry = Entry {
            key: key.clone(),
            report: report.clone(),
        };
        let text = serde_json::to_string_pretty(&entry).map_err(std::io::Error::other)?;
        crate::private::write(&self.path(key), &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::cost::{Accounts, AllAccounts};
    use chrono::{NaiveDate, TimeZone};

    fn scope(account: &str) -> CostScope {
        CostScope::new(Accounts::Only(vec![account.into()]), &["eu-west-1".into()])
    }

    fn report(at: DateTime<Utc>) -> CostReport {
        let d = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        CostReport {
            start: d,
            end: d.succ_opt().unwrap(),
            group_by: CostGroupBy::Project,
            tag: Some("project".into()),
            scope: scope("111111111111"),
            groups: vec![],
            days: vec![d],
            daily_usd: vec![1.5],
            total_usd: 1.5,
            net_usd: 1.5,
            forecast_usd: None,
            forecast_problem: None,
            estimated: true,
            fetched_at: at,
        }
    }

    fn key(account: &str) -> CacheKey {
        CacheKey {
            account_id: account.into(),
            endpoint: Some("http://127.0.0.1:5000".into()),
            scope: scope(account),
            group_by: CostGroupBy::Project,
            tag: "project".into(),
            month: "2026-11".into(),
        }
    }

    #[test]
    fn saved_answers_come_back_for_their_key_only() {
        let dir = std::env::temp_dir().join(format!("lambdatop-cache-{}", std::process::id()));
        let cache = CostCache::new(dir.clone(), DEFAULT_TTL);
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap();
        cache.save(&key("ops/../x"), &report(at)).unwrap();
        assert_eq!(cache.load(&key("ops/../x")), Some(report(at)));
        assert_eq!(cache.load(&key("other")), None);
        assert!(
            std::fs::read_dir(&dir).unwrap().count() == 1,
            "the key cannot leave the directory"
        );
        // The same account asked about other regions, or the whole organisation, is another
        // answer.
        let wider = CacheKey {
            scope: CostScope::new(Accounts::All(AllAccounts::All), &["eu-west-1".into()]),
            ..key("ops/../x")
        };
        assert_eq!(cache.load(&wider), None);
        assert_ne!(wider.file_name(), key("ops/../x").file_name());
        std::fs::write(cache.path(&key("bad")), "{not json").unwrap();
        assert_eq!(cache.load(&key("bad")), None);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn fresh_until_the_ttl() {
        let cache = CostCache::new(PathBuf::from("/nonexistent"), DEFAULT_TTL);
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap();
        let h = chrono::Duration::hours;
        assert!(cache.is_fresh(at, at + h(5)));
        assert!(!cache.is_fresh(at, at + h(6)));
        assert!(!cache.is_fresh(at, at - h(1)), "from the future");
    }
}
