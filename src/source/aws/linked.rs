//! CloudWatch cross-account observability: from a monitoring account, the source accounts
//! linked to its sinks (`oam:ListSinks`, `oam:ListAttachedLinks`), and their functions and
//! figures read through it. A linked account's functions are the `FunctionName`s of its
//! `AWS/Lambda` metrics (`ListMetrics` with `IncludeLinkedAccounts` and `OwningAccount`:
//! CloudWatch API Reference, *ListMetrics*), and every `GetMetricData` query asked for it
//! carries its `AccountId` (*MetricDataQuery*: "the ID of the account where the metrics are
//! located", in a monitoring account). Its logs are read by log-group ARN, which a monitoring
//! account may name (CloudWatch Logs API Reference, *FilterLogEvents*: `logGroupIdentifier`).
//! What CloudWatch does not hold — runtime, memory, tags, capacity — is left unknown: such
//! rows show what the metrics know.

use std::collections::BTreeSet;

use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataInput;
use aws_sdk_cloudwatch::operation::list_metrics::ListMetricsInput;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::errors::{AwsError, classify};
use crate::store::{FunctionFacts, Logging};

/// The metric CloudWatch publishes for every function that ran in two weeks: whose
/// `FunctionName` dimension lists a linked account's functions.
const LISTED_BY: &str = "Invocations";

/// A source account linked to one of the monitoring account's sinks.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub account: String,
    /// The link's label: the account's name or alias, as the link was made to show it.
    pub label: Option<String>,
    /// The watched regions it shares its metrics in.
    pub regions: Vec<String>,
}

/// `arn:aws:oam:eu-west-1:111111111111:link/abc` → `111111111111`.
fn account_of_link(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(4)
        .filter(|a| crate::store::account::is_account_id(a))
}

/// Every source account linked to the monitoring account's sinks in `regions`, sharing its
/// metrics (`AWS::CloudWatch::Metric`); none when the caller has no sink.
pub async fn links(clients: &[(String, aws_sdk_oam::Client)]) -> Result<Vec<Link>, AwsError> {
    let mut out: Vec<Link> = Vec::new();
    for (region, client) in clients {
        let mut sinks = client.list_sinks().into_paginator().send();
        while let Some(page) = sinks.next().await {
            let page = page.map_err(|e| classify("ListSinks", &e))?;
            for sink in page.items() {
                let Some(arn) = sink.arn() else { continue };
                let mut links = client
                    .list_attached_links()
                    .sink_identifier(arn)
                    .into_paginator()
                    .send();
                while let Some(page) = links.next().await {
                    let page = page.map_err(|e| classify("ListAttachedLinks", &e))?;
                    for link in page.items() {
                        let shares_metrics = link
                            .resource_types()
                            .iter()
                            .any(|t| t == "AWS::CloudWatch::Metric");
                        let Some(account) = link.link_arn().and_then(account_of_link) else {
                            continue;
                        };
                        if !shares_metrics {
                            continue;
                        }
                        let label = link
                            .label()
                            .filter(|l| !l.is_empty())
                            .map(crate::logtext::sanitize::clean_field);
                        match out.iter_mut().find(|l| l.account == account) {
                            Some(known) => {
                                if !known.regions.contains(region) {
                                    known.regions.push(region.clone());
                                }
                            }
                            None => out.push(Link {
                                account: account.to_string(),
                                label,
                                regions: vec![region.clone()],
                            }),
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The functions of linked `account` in `region`, as its Lambda metrics name them.
pub async fn list_functions(
    client: &aws_sdk_cloudwatch::Client,
    region: &str,
    account: &str,
) -> Result<Vec<FunctionFacts>, AwsError> {
    let mut names = BTreeSet::new();
    let mut pages = client
        .list_metrics()
        .namespace("AWS/Lambda")
        .metric_name(LISTED_BY)
        .include_linked_accounts(true)
        .owning_account(account)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListMetrics", &e))?;
        let owners = page.owning_accounts();
        for (i, metric) in page.metrics().iter().enumerate() {
            // "A 1:1 mapping between each metric that is returned and the ID of the owning
            // account" (*ListMetrics*): another account's metric is not this one's function.
            if owners.get(i).is_some_and(|o| o != account) {
                continue;
            }
            // A function's own metric has the one dimension; versions and aliases add
            // `Resource`, `ExecutedVersion`.
            if let [d] = metric.dimensions()
                && d.name() == Some("FunctionName")
                && let Some(name) = d.value()
            {
                names.insert(name.to_string());
            }
        }
    }
    let partition = super::identity::partition_of(region);
    Ok(names
        .into_iter()
        .map(|name| FunctionFacts {
            arn: Some(format!(
                "arn:{partition}:lambda:{region}:{account}:function:{name}"
            )),
            // Read by ARN from the monitoring account.
            logging: Logging {
                json: false,
                group: Some(format!(
                    "arn:{partition}:logs:{region}:{account}:log-group:/aws/lambda/{name}"
                )),
                system_level: None,
            },
            name,
            region: region.to_string(),
            ..FunctionFacts::default()
        })
        .collect())
}

/// Makes every metric request of a client a linked account's: each `GetMetricData` query
/// names its `AccountId`, and `ListMetrics` includes linked accounts.
#[derive(Debug, Clone)]
pub struct InLinkedAccount(pub String);

impl Intercept for InLinkedAccount {
    fn name(&self) -> &'static str {
        "InLinkedAccount"
    }

    fn modify_before_serialization(
        &self,
        context: &mut BeforeSerializationInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let input = context.input_mut();
        if let Some(input) = input.downcast_mut::<GetMetricDataInput>() {
            for q in input.metric_data_queries.iter_mut().flatten() {
                q.account_id = Some(self.0.clone());
            }
        } else if let Some(input) = input.downcast_mut::<ListMetricsInput>() {
            input.include_linked_accounts = Some(true);
            input.owning_account = Some(self.0.clone());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_links_arn_names_its_source_account() {
        assert_eq!(
            account_of_link("arn:aws:oam:eu-west-1:111111111111:link/a1b2"),
            Some("111111111111")
        );
        assert_eq!(account_of_link("arn:aws:oam:eu-west-1::link/a1b2"), None);
    }
}
