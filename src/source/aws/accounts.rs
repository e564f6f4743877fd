//! Several accounts in one view, on AWS's own means of reaching them: several profiles, each
//! with its own credentials and regions; or one identity assuming a role in each account of a
//! list (given, from a file, or the Organization's `organizations:ListAccounts`). Each account
//! reached is an `Account` of its own, with its own clients, usage count and clock.
//!
//! Assumed credentials come from `aws_config::sts::AssumeRoleProvider` behind the SDK's
//! identity cache, which asks for new ones before the old expire (IAM User Guide, *Using IAM
//! roles*: an assumed role's session lasts an hour by default). Each role is assumed once
//! before anything else is asked: an account whose role cannot be assumed is one problem on
//! its own line, and the others go on.

use std::time::Duration;

use anyhow::{Result, bail};
use aws_config::Region;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_types::error::display::DisplayErrorContext;
use futures::StreamExt;

use super::errors::classify;
use super::{Account, AwsOptions, connect};
use crate::store::{AccountId, ProblemKind};

/// The role assumed in each account unless told otherwise.
pub const DEFAULT_ROLE_NAME: &str = "lambdatop-read";

/// Accounts reached at once, at most: 50 accounts' roles are assumed a few at a time.
const AT_ONCE: usize = 8;

/// Which accounts to watch, and how to reach them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Many {
    /// Profiles, each its own account (`--profile a,b`); one is the usual single account.
    pub profiles: Vec<String>,
    /// Accounts to assume a role in (`--accounts`, `--accounts-file`).
    pub accounts: Vec<String>,
    /// Add every active account of the Organization (`--org`).
    pub org: bool,
    /// `--role-name`: the role's name in each account.
    pub role_name: Option<String>,
    /// `--role-arn-template`: the role's ARN with `{account}` for the account's id.
    pub role_arn_template: Option<String>,
    /// `--monitoring-account`: the caller's linked source accounts, read through it.
    pub monitoring: bool,
    /// Whether a role was named: a linked account is then tried with it first.
    pub roles_given: bool,
}

impl Many {
    /// Whether more than one set of credentials is asked for.
    pub fn is_many(&self) -> bool {
        self.profiles.len() > 1 || !self.accounts.is_empty() || self.org || self.monitoring
    }

    /// The role to assume in `account`, in `partition`.
    pub fn role_arn(&self, account: &str, partition: &str) -> String {
        match &self.role_arn_template {
            Some(t) => t.replace("{account}", account),
            None => format!(
                "arn:{partition}:iam::{account}:role/{}",
                self.role_name.as_deref().unwrap_or(DEFAULT_ROLE_NAME)
            ),
        }
    }
}

/// An account that could not be reached, and why: a problem on its own line.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreached {
    /// Its id where known (a role's account), else the profile's name.
    pub label: String,
    /// Its id, where known.
    pub id: Option<AccountId>,
    pub kind: ProblemKind,
    pub message: String,
}

/// Every account asked for: those reached, by id, and those not.
pub struct Reached {
    pub accounts: Vec<(AccountId, Account)>,
    pub unreached: Vec<Unreached>,
    /// The identity everything was reached from, where roles were assumed: what the bill
    /// is asked with (an Organization's management account sees every member's).
    pub caller: Option<Account>,
    /// The accounts read through a monitoring account's metrics and logs only.
    pub metrics_only: Vec<AccountId>,
    /// Names known without asking each account: a linked account's label.
    pub labels: Vec<(AccountId, String)>,
}

/// Reaches every account `many` asks for. An error only when none can be tried at all (no
/// credentials to start from, bad regions, no Organization to list).
pub async fn connect_many(opts: &AwsOptions, many: &Many) -> Result<Reached> {
    if many.monitoring {
        return by_links(opts, many).await;
    }
    if many.accounts.is_empty() && !many.org {
        return by_profiles(opts, &many.profiles).await;
    }
    let caller = connect(&AwsOptions {
        profile: many.profiles.first().cloned().or(opts.profile.clone()),
        ..opts.clone()
    })
    .await?;
    let mut ids = many.accounts.clone();
    if many.org {
        ids.extend(organization_accounts(&caller).await?);
    }
    let mut seen = Vec::new();
    ids.retain(|id| {
        let new = !seen.contains(id);
        seen.push(id.clone());
        new
    });
    let partition = caller.partition();
    let tries = futures::stream::iter(ids.into_iter().map(|id| {
        let arn = many.role_arn(&id, partition);
        let caller = &caller;
        async move {
            let reached = assume(caller, &id, &arn).await;
            (id, arn, reached)
        }
    }))
    .buffered(AT_ONCE)
    .collect::<Vec<_>>()
    .await;
    let mut accounts = Vec::new();
    let mut unreached = Vec::new();
    for (id, arn, reached) in tries {
        // Checked when the flags were read: twelve digits.
        let Some(account_id) = AccountId::parse(&id) else {
            continue;
        };
        match reached {
            Ok(account) => accounts.push((account_id, account)),
            Err((kind, why)) => unreached.push(Unreached {
                label: id.clone(),
                id: Some(account_id),
                kind,
                message: format!("cannot assume {arn}: {why}"),
            }),
        }
    }
    Ok(Reached {
        accounts,
        unreached,
        caller: Some(caller),
        metrics_only: Vec::new(),
        labels: Vec::new(),
    })
}

/// The monitoring account itself and every source account linked to its sinks: each read
/// whole where the role named can be assumed in it, else through the monitoring account's
/// metrics and logs.
async fn by_links(opts: &AwsOptions, many: &Many) -> Result<Reached> {
    let caller = connect(&AwsOptions {
        profile: many.profiles.first().cloned().or(opts.profile.clone()),
        ..opts.clone()
    })
    .await?;
    let own = caller.who.identity().await.map_err(|e| {
        anyhow::anyhow!(
            "--monitoring-account: cannot tell whose account this is: {}",
            e.message
        )
    })?;
    let Some(own_id) = AccountId::parse(&own.account_id) else {
        bail!("--monitoring-account: GetCallerIdentity named no account id");
    };
    let clients: Vec<(String, aws_sdk_oam::Client)> = caller
        .regions
        .iter()
        .map(|r| (r.clone(), caller.oam_client(r)))
        .collect();
    let links = super::linked::links(&clients).await.map_err(|e| {
        anyhow::anyhow!("--monitoring-account: cannot list the linked accounts: {e}")
    })?;
    if links.is_empty() {
        bail!(
            "--monitoring-account: no source account shares its metrics with this account's sinks in {} (oam:ListSinks, oam:ListAttachedLinks)",
            caller.regions.join(", ")
        );
    }
    let partition = caller.partition();
    // The monitoring account watched as any other, with a request count of its own.
    let itself = Account::new(
        caller.config.clone(),
        caller.regions.clone(),
        caller.profile.clone(),
        caller.pace.clone(),
    );
    let mut accounts = vec![(own_id, itself)];
    let mut metrics_only = Vec::new();
    let mut labels = Vec::new();
    for link in &links {
        let Some(id) = AccountId::parse(&link.account) else {
            continue;
        };
        if let Some(label) = &link.label {
            labels.push((id, label.clone()));
        }
        if many.roles_given {
            let arn = many.role_arn(&link.account, partition);
            match assume(&caller, &link.account, &arn).await {
                Ok(mut whole) => {
                    whole.regions = link.regions.clone();
                    accounts.push((id, whole));
                    continue;
                }
                Err((_, why)) => {
                    tracing::info!("{}: metrics only, {arn} not assumed: {why}", link.account)
                }
            }
        }
        metrics_only.push(id);
        accounts.push((id, caller.linked_to(link)));
    }
    Ok(Reached {
        accounts,
        unreached: Vec::new(),
        caller: Some(caller),
        metrics_only,
        labels,
    })
}

/// Each profile its own account, asked whose it is at once (GetCallerIdentity needs no
/// permission): a profile that reaches none is a problem of its own.
async fn by_profiles(opts: &AwsOptions, profiles: &[String]) -> Result<Reached> {
    let mut accounts: Vec<(AccountId, Account)> = Vec::new();
    let mut unreached = Vec::new();
    for profile in profiles {
        let one = AwsOptions {
            profile: Some(profile.clone()),
            ..opts.clone()
        };
        let account = match connect(&one).await {
            Ok(a) => a,
            Err(e) => {
                unreached.push(Unreached {
                    label: profile.clone(),
                    id: None,
                    kind: ProblemKind::Credentials,
                    message: format!("profile {profile}: {e}"),
                });
                continue;
            }
        };
        match account.who.identity().await {
            Ok(who) => match AccountId::parse(&who.account_id) {
                Some(id) if accounts.iter().any(|(seen, _)| *seen == id) => {
                    tracing::info!("profile {profile} reaches {id} again");
                }
                Some(id) => accounts.push((id, account)),
                None => unreached.push(Unreached {
                    label: profile.clone(),
                    id: None,
                    kind: ProblemKind::Service,
                    message: format!(
                        "profile {profile}: GetCallerIdentity named no account id ({})",
                        who.account_id
                    ),
                }),
            },
            Err(e) => unreached.push(Unreached {
                label: profile.clone(),
                id: None,
                kind: e.kind,
                message: format!("profile {profile}: {}", e.message),
            }),
        }
    }
    if accounts.is_empty()
        && let Some(first) = unreached.first()
    {
        bail!("{}", first.message);
    }
    Ok(Reached {
        accounts,
        unreached,
        caller: None,
        metrics_only: Vec::new(),
        labels: Vec::new(),
    })
}

/// `caller` assuming `role_arn` in `account`, tried once now.
async fn assume(
    caller: &Account,
    account: &str,
    role_arn: &str,
) -> std::result::Result<Account, (ProblemKind, String)> {
    let home = super::identity::home_region(caller.partition());
    let provider = aws_config::sts::AssumeRoleProvider::builder(role_arn)
        .session_name("lambdatop")
        .region(Region::new(home))
        .configure(&caller.config)
        .build()
        .await;
    match tokio::time::timeout(Duration::from_secs(20), provider.provide_credentials()).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            let text = DisplayErrorContext(&e).to_string();
            let kind = if text.contains("AccessDenied") {
                ProblemKind::AccessDenied
            } else {
                ProblemKind::Credentials
            };
            return Err((kind, reason(&text)));
        }
        Err(_) => return Err((ProblemKind::Network, "no answer from STS in 20 s".into())),
    }
    // The account's own bill counts each AssumeRole: the one above, and each refresh.
    let usage = super::usage::UsageCounter::default();
    usage.count("STS", "AssumeRole");
    let config = caller
        .config
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(Counted {
            inner: provider,
            usage: usage.clone(),
        }))
        .build();
    tracing::info!("assumed {role_arn} in {account}");
    // Another account: budgets of its own, at the caller's share.
    Ok(Account::counted(
        config,
        caller.regions.clone(),
        caller.profile.clone(),
        usage,
        super::pace::Pace::new(caller.pace.share()),
    ))
}

/// A role's credentials, each asking counted: the SDK's identity cache asks only when the
/// ones it holds near their expiry.
#[derive(Debug)]
struct Counted {
    inner: aws_config::sts::AssumeRoleProvider,
    usage: super::usage::UsageCounter,
}

impl ProvideCredentials for Counted {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        self.usage.count("STS", "AssumeRole");
        self.inner.provide_credentials()
    }
}

/// The service's own words from an SDK error's chain: its code and message, on one line.
fn reason(text: &str) -> String {
    let code = [
        "AccessDenied",
        "ExpiredToken",
        "InvalidClientTokenId",
        "RegionDisabled",
    ]
    .into_iter()
    .find(|c| text.contains(c));
    let message = text
        .split("message: \"")
        .nth(1)
        .and_then(|m| m.split('"').next())
        .map(crate::logtext::sanitize::clean_field);
    match (code, message) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_string(),
        (None, Some(m)) => m,
        (None, None) => crate::logtext::sanitize::clean_field(
            text.split(':').next_back().unwrap_or(text).trim(),
        ),
    }
}

/// Every active account of the caller's Organization (`organizations:ListAccounts`, from the
/// management account or a delegated administrator).
async fn organization_accounts(caller: &Account) -> Result<Vec<String>> {
    let client = caller.organizations_client();
    let mut pages = client.list_accounts().into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            anyhow::anyhow!(
                "--org: cannot list the Organization's accounts: {}",
                classify("ListAccounts", &e)
            )
        })?;
        for a in page.accounts() {
            let active = a
                .state()
                .map(|s| s.as_str() == "ACTIVE")
                .or(a.status().map(|s| s.as_str() == "ACTIVE"))
                .unwrap_or(true);
            if let Some(id) = a.id().filter(|_| active) {
                out.push(id.to_string());
            }
        }
    }
    if out.is_empty() {
        bail!("--org: the Organization lists no active account");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_is_named_or_templated() {
        let mut many = Many::default();
        assert_eq!(
            many.role_arn("111111111111", "aws"),
            "arn:aws:iam::111111111111:role/lambdatop-read"
        );
        many.role_name = Some("ops-read".into());
        assert_eq!(
            many.role_arn("111111111111", "aws-us-gov"),
            "arn:aws-us-gov:iam::111111111111:role/ops-read"
        );
        many.role_arn_template = Some("arn:aws:iam::{account}:role/team/observer".into());
        assert_eq!(
            many.role_arn("222222222222", "aws"),
            "arn:aws:iam::222222222222:role/team/observer"
        );
    }

    #[test]
    fn a_refusal_is_told_in_the_services_words() {
        let text = "dispatch failure: service error: unhandled error (AccessDenied): Error { code: \"AccessDenied\", message: \"User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: sts:AssumeRole\" }";
        assert_eq!(
            reason(text),
            "AccessDenied: User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: sts:AssumeRole"
        );
    }
}
