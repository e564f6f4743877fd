//! Whose account the credentials reach: `sts:GetCallerIdentity` (which needs no permission, so
//! it always answers for valid credentials) and the account's alias where
//! `iam:ListAccountAliases` is allowed. The account id keys everything kept per account (the
//! bill's cache): a profile name says nothing of the account with exported credentials,
//! `aws-vault`, an assumed role or an instance role.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::errors::{AwsError, classify};
use crate::source::{Source, SourceEvent};
use crate::store::Identity;

/// The partition of a region: `aws`, `aws-us-gov` or `aws-cn`.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("cn-") {
        "aws-cn"
    } else {
        "aws"
    }
}

/// Where a partition's global services (IAM, STS's home) answer.
pub fn home_region(partition: &str) -> &'static str {
    match partition {
        "aws-us-gov" => "us-gov-west-1",
        "aws-cn" => "cn-north-1",
        _ => "us-east-1",
    }
}

/// Regions an account must enable before use ("opt-in" regions, AWS General Reference,
/// *Managing AWS Regions*). Credentials are refused there until it does, which says nothing
/// of the credentials themselves.
pub const OPT_IN_REGIONS: [&str; 17] = [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
];

/// `arn:aws-us-gov:sts::123456789012:assumed-role/x/y` → `aws-us-gov`.
fn partition_of_arn(arn: &str) -> Option<&str> {
    arn.split(':').nth(1).filter(|p| !p.is_empty())
}

/// Asks once who the credentials are, and keeps the answer for every part of the run.
#[derive(Clone)]
pub struct WhoAmI {
    sts: aws_sdk_sts::Client,
    iam: aws_sdk_iam::Client,
    known: Arc<tokio::sync::OnceCell<Identity>>,
}

impl WhoAmI {
    pub fn new(sts: aws_sdk_sts::Client, iam: aws_sdk_iam::Client) -> Self {
        Self {
            sts,
            iam,
            known: Arc::default(),
        }
    }

    /// The caller's account, asked once (a failure is asked again next time).
    pub async fn identity(&self) -> Result<Identity, AwsError> {
        self.known
            .get_or_try_init(|| async {
                let me = self
                    .sts
                    .get_caller_identity()
                    .send()
                    .await
                    .map_err(|e| classify("GetCallerIdentity", &e))?;
                let account_id = me.account().unwrap_or_default().to_string();
                if account_id.is_empty() {
                    return Err(AwsError::new(
                        crate::store::ProblemKind::Service,
                        "GetCallerIdentity named no account",
                    ));
                }
                Ok(Identity {
                    account_id,
                    alias: self.alias().await,
                    partition: me
                        .arn()
                        .and_then(partition_of_arn)
                        .unwrap_or("aws")
                        .to_string(),
                })
            })
            .await
            .cloned()
    }

    /// The account's alias, where the caller may list it; none is no incident.
    async fn alias(&self) -> Option<String> {
        match self.iam.list_account_aliases().send().await {
            Ok(out) => out
                .account_aliases()
                .first()
                .map(|a| crate::logtext::sanitize::clean_field(a)),
            Err(e) => {
                tracing::info!("no account alias: {}", classify("ListAccountAliases", &e));
                None
            }
        }
    }
}

/// Tells the store whose account it shows: asked at the start, and again until it answers.
pub struct IdentitySource {
    who: WhoAmI,
    told: bool,
    usage: super::usage::UsageCounter,
}

impl IdentitySource {
    pub fn new(who: WhoAmI, usage: super::usage::UsageCounter) -> Self {
        Self {
            who,
            told: false,
            usage,
        }
    }

    async fn poll_at(&mut self, now: DateTime<Utc>) -> Vec<SourceEvent> {
        if self.told {
            return Vec::new();
        }
        let mut events = match self.who.identity().await {
            Ok(identity) => {
                self.told = true;
                vec![
                    SourceEvent::Identity(identity),
                    SourceEvent::Resolved {
                        source: "account".into(),
                        scope: "account".into(),
                    },
                ]
            }
            Err(e) => vec![SourceEvent::Problem {
                source: "account".into(),
                scope: "account".into(),
                kind: e.kind,
                message: format!("cannot tell whose account this is: {}", e.message),
                at: now,
            }],
        };
        events.push(SourceEvent::ApiUsage(self.usage.snapshot()));
        events
    }
}

impl Source for IdentitySource {
    fn name(&self) -> &str {
        "account"
    }

    fn cadence(&self) -> Duration {
        Duration::from_secs(60)
    }

    fn tracks_status(&self) -> bool {
        false
    }

    fn poll(&mut self, now: DateTime<Utc>) -> BoxFuture<'_, Vec<SourceEvent>> {
        Box::pin(self.poll_at(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions() {
        assert_eq!(partition_of("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_of("cn-northwest-1"), "aws-cn");
        assert_eq!(partition_of("eu-west-1"), "aws");
        assert_eq!(
            partition_of_arn("arn:aws-us-gov:sts::1:assumed-role/r/s"),
            Some("aws-us-gov")
        );
    }
}
