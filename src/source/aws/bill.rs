//! The month's bill from Cost Explorer, at most once per cache TTL: the disk cache first, then
//! one request when the kept answer is too old (or `--refresh` asks). A failure keeps the last
//! answer on screen with its age and says why; the metric estimate goes on regardless.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use futures::future::BoxFuture;

use super::bill_cache::{CacheKey, CostCache};
use super::cost_explorer;
use super::errors::AwsError;
use super::identity::WhoAmI;
use crate::source::{Source, SourceEvent};
use crate::store::Identity;
use crate::store::cost::{Accounts, AllAccounts, CostGroupBy, CostReport, CostScope};

/// What a cost lookup gave.
#[derive(Debug)]
pub struct Lookup {
    /// Fresh, cached, or (after a failure) the last one kept, however old.
    pub report: Option<CostReport>,
    /// Whether Cost Explorer was asked (and billed).
    pub requested: bool,
    pub problem: Option<AwsError>,
    /// Whose account the credentials reach, where AWS said.
    pub identity: Option<Identity>,
    /// Why Cost Explorer was not asked at all, where that is the partition's doing.
    pub note: Option<String>,
}

/// How to look the month up.
#[derive(Clone)]
pub struct CostQuery {
    pub cache: CostCache,
    /// The endpoint asked, when overridden: answers of a test server are kept apart.
    pub endpoint: Option<String>,
    pub group_by: CostGroupBy,
    pub tag: String,
    /// The watched regions: the bill is asked for these only.
    pub regions: Vec<String>,
    /// Every account of the bill (`--all-accounts`) rather than the caller's own.
    pub all_accounts: bool,
    /// The accounts of a session of several, where the bill is narrowed to them instead of
    /// the caller's own.
    pub accounts: Option<Vec<String>>,
    pub who: WhoAmI,
}

impl CostQuery {
    /// What the question covers, for the caller `identity`.
    pub fn scope(&self, identity: &Identity) -> CostScope {
        let accounts = if self.all_accounts {
            Accounts::All(AllAccounts::All)
        } else {
            Accounts::Only(
                self.accounts
                    .clone()
                    .unwrap_or_else(|| vec![identity.account_id.clone()]),
            )
        };
        CostScope::new(accounts, &self.regions)
    }

    fn key(&self, identity: &Identity, now: DateTime<Utc>) -> CacheKey {
        CacheKey {
            account_id: identity.account_id.clone(),
            endpoint: self.endpoint.clone(),
            scope: self.scope(identity),
            group_by: self.group_by,
            tag: self.tag.clone(),
            // A dashboard left running into a new month asks about the new month.
            month: now.format("%Y-%m").to_string(),
        }
    }
}

/// The month to date for `query`: from the cache while fresh, unless `force`; else from Cost
/// Explorer, with the forecast of the rest of the month, kept in the cache. Whose account the
/// credentials reach is asked first: it keys the cache and narrows the question, and without
/// it Cost Explorer is not asked (the answer could be a whole organisation's).
pub async fn lookup(
    client: &aws_sdk_costexplorer::Client,
    query: &CostQuery,
    force: bool,
    now: DateTime<Utc>,
) -> Lookup {
    let identity = match query.who.identity().await {
        Ok(i) => i,
        Err(e) => {
            return Lookup {
                report: None,
                requested: false,
                problem: Some(AwsError::new(
                    e.kind,
                    format!(
                        "cannot tell whose account this is ({}), so its bill is not asked for",
                        e.message
                    ),
                )),
                identity: None,
                note: None,
            };
        }
    };
    let key = query.key(&identity, now);
    let scope = key.scope.clone();
    let kept = query.cache.load(&key);
    if !force
        && let Some(r) = &kept
        && query.cache.is_fresh(r.fetched_at, now)
    {
        return Lookup {
            report: kept,
            requested: false,
            problem: None,
            identity: Some(identity),
            note: None,
        };
    }
    match cost_explorer::month_to_date(client, &scope, query.group_by, &query.tag, now).await {
        Ok(mut report) => {
            match cost_explorer::from_today(client, &scope, now).await {
                // The days before today, billed, and the forecast of the rest from today on.
                Ok(rest) => {
                    let billed = report.before(now.date_naive());
                    report.forecast_usd = Some(billed + rest.unwrap_or(0.0));
                }
                // A young account has no forecast yet: a note, not an incident.
                Err(e) => report.forecast_problem = Some(e.message),
            }
            if let Err(e) = query.cache.save(&key, &report) {
                tracing::warn!(
                    "cannot keep the cost answer in {}: {e}",
                    query.cache.dir().display()
                );
            }
            Lookup {
                report: Some(report),
                requested: true,
                problem: None,
                identity: Some(identity),
                note: None,
            }
        }
        Err(e) => Lookup {
            report: kept,
            requested: true,
            problem: Some(e),
            identity: Some(identity),
            note: None,
        },
    }
}

/// How often the dashboard looks at the cache: cheap, and a new answer is due only per TTL.
const CADENCE: Duration = Duration::from_secs(600);
/// After a failure, wait this long before paying for another try.
const RETRY_AFTER: chrono::Duration = chrono::Duration::minutes(30);

/// Cost Explorer as a dashboard source.
pub struct CostSource {
    /// Cost Explorer, or why the partition has none to ask.
    client: Result<aws_sdk_costexplorer::Client, String>,
    query: CostQuery,
    force_next: bool,
    /// When the answer on screen was fetched, and the first day of its month.
    shown: Option<(DateTime<Utc>, NaiveDate)>,
    failed_at: Option<DateTime<Utc>>,
    usage: super::usage::UsageCounter,
}

impl CostSource {
    pub fn new(
        client: Result<aws_sdk_costexplorer::Client, String>,
        query: CostQuery,
        force: bool,
        usage: super::usage::UsageCounter,
    ) -> Self {
        Self {
            client,
            query,
            force_next: force,
            shown: None,
            failed_at: None,
            usage,
        }
    }

    async fn poll_at(&mut self, now: DateTime<Utc>) -> Vec<SourceEvent> {
        let client = match &self.client {
            Ok(c) => c.clone(),
            Err(why) => {
                // Said once: a note on the bill's place, not an incident.
                if self.failed_at.is_some() {
                    return Vec::new();
                }
                self.failed_at = Some(now);
                return vec![SourceEvent::Problem {
                    source: "cost".into(),
                    scope: "Cost Explorer".into(),
                    kind: crate::store::ProblemKind::NotSupported,
                    message: format!("{why}; the metric estimate goes on"),
                    at: now,
                }];
            }
        };
        let this_month = crate::store::cost::month_to_date(now.date_naive()).0;
        let due = self
            .shown
            .is_none_or(|(at, month)| !self.query.cache.is_fresh(at, now) || month != this_month);
        let resting = self.failed_at.is_some_and(|at| now - at < RETRY_AFTER);
        // `--refresh` asks once whatever the state; otherwise only when due and not resting.
        let ask = self.force_next || (due && !resting);
        if !ask {
            return Vec::new();
        }
        let found = lookup(&client, &self.query, self.force_next, now).await;
        self.force_next = false;
        let mut events = Vec::new();
        if let Some(r) = found.report {
            self.shown = Some((r.fetched_at, r.start));
            events.push(SourceEvent::Cost(Box::new(r)));
        }
        match found.problem {
            Some(e) => {
                self.failed_at = Some(now);
                events.push(SourceEvent::Problem {
                    source: "cost".into(),
                    scope: "Cost Explorer".into(),
                    kind: e.kind,
                    message: format!("{} (the metric estimate goes on)", e.message),
                    at: now,
                });
            }
            None => {
                self.failed_at = None;
                events.push(SourceEvent::Resolved {
                    source: "cost".into(),
                    scope: "Cost Explorer".into(),
                });
            }
        }
        if found.requested {
            events.push(SourceEvent::ApiUsage(self.usage.snapshot()));
        }
        events
    }
}

impl Source for CostSource {
    fn name(&self) -> &str {
        "cost"
    }

    fn cadence(&self) -> Duration {
        CADENCE
    }

    /// The bill is hours old by nature: it must not make the metrics look stale.
    fn tracks_status(&self) -> bool {
        false
    }

    fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
        Box::pin(self.poll_at(now))
    }

    /// `r` polls the metrics now, never the bill: Cost Explorer is billed per request and its
    /// answer changes a few times a day. `--refresh` is the way to ask it again.
    fn forget_cached(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::cost::CostGroupBy;
    use chrono::TimeZone;

    /// A source whose Cost Explorer is a closed loopback port: asking fails at once, which
    /// shows as a problem event.
    fn source(cache: &std::path::Path) -> CostSource {
        let config = aws_sdk_costexplorer::Config::builder()
            .behavior_version(aws_sdk_costexplorer::config::BehaviorVersion::latest())
            .region(aws_sdk_costexplorer::config::Region::new("us-east-1"))
            .endpoint_url("http://127.0.0.1:9")
            .credentials_provider(aws_credential_types::Credentials::new(
                "testing", "testing", None, None, "test",
            ))
            .retry_config(aws_sdk_costexplorer::config::retry::RetryConfig::disabled())
            .build();
        let sdk = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url("http://127.0.0.1:9")
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(
                    aws_credential_types::Credentials::new(
                        "testing", "testing", None, None, "test",
                    ),
                ),
            )
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .build();
        let query = CostQuery {
            cache: CostCache::new(
                cache.to_path_buf(),
                std::time::Duration::from_secs(6 * 3600),
            ),
            endpoint: None,
            group_by: CostGroupBy::Project,
            tag: "project".into(),
            regions: vec!["eu-west-1".into()],
            all_accounts: false,
            accounts: None,
            who: WhoAmI::new(
                aws_sdk_sts::Client::new(&sdk),
                aws_sdk_iam::Client::new(&sdk),
            ),
        };
        CostSource::new(
            Ok(aws_sdk_costexplorer::Client::from_conf(config)),
            query,
            false,
            Default::default(),
        )
    }

    fn asked(events: &[SourceEvent]) -> bool {
        events
            .iter()
            .any(|e| matches!(e, SourceEvent::Problem { scope, .. } if scope == "Cost Explorer"))
    }

    #[tokio::test]
    async fn asks_only_when_the_answer_is_old_or_of_another_month_and_rests_after_a_failure() {
        let dir =
            std::env::temp_dir().join(format!("lambdatop-cost-source-{}", std::process::id()));
        let mut s = source(&dir);
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap();
        let november = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        s.shown = Some((now - chrono::Duration::hours(1), november));
        assert!(
            s.poll_at(now).await.is_empty(),
            "a fresh answer: nothing asked"
        );
        s.shown = Some((now - chrono::Duration::hours(7), november));
        assert!(asked(&s.poll_at(now).await), "an old answer: asked");
        let later = now + chrono::Duration::minutes(10);
        assert!(
            s.poll_at(later).await.is_empty(),
            "resting after the failure"
        );
        // Past midnight of the first, last month's fresh answer is not this month's.
        let december = Utc.with_ymd_and_hms(2026, 12, 1, 0, 5, 0).unwrap();
        s.failed_at = None;
        s.shown = Some((december - chrono::Duration::minutes(30), november));
        assert!(asked(&s.poll_at(december).await), "a new month: asked");
        let _ = std::fs::remove_dir_all(dir);
    }
}
