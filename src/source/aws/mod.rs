//! The AWS source, on the official SDK: credentials and settings from the standard chain
//! (environment, shared config and credentials files, SSO, web identity, the instance or task
//! role of a bastion), `--profile`, `--region` (several regions polled at once, each in its
//! own task), `--endpoint-url` and the SDK's own `AWS_ENDPOINT_URL[_<SERVICE>]`.
//!
//! lambdatop is read-only: it calls List*, Get* and GetMetricData, never a mutating API.
//! Retries (throttling, 5xx, timeouts, dropped connections) use the SDK's standard mode:
//! exponential backoff with jitter, within a bounded number of attempts and a time budget.

pub mod accounts;
pub mod alarms;
pub mod async_events;
pub mod bill;
pub mod bill_cache;
pub mod capacity;
pub mod console;
pub mod cost_explorer;
pub mod distribution;
pub mod errors;
pub mod event_sources;
pub mod identity;
pub mod insights;
pub mod inventory;
pub mod linked;
pub mod logs;
pub mod metrics;
pub mod metrics_insights;
pub mod pace;
pub mod plan;
pub mod region;
pub mod report_reads;
pub mod reports;
pub mod server_clock;
pub mod span_reads;
pub mod usage;
pub mod versions;

use std::time::Duration;

use anyhow::{Result, bail};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_types::error::display::DisplayErrorContext;

use super::Source;
use region::{Clients, RegionSource};

/// Why a GovCloud account has no bill on screen.
pub const NO_GOVCLOUD_BILL: &str = "Cost Explorer is not asked in AWS GovCloud (US): the bill is kept by the standard account the GovCloud account is linked to (run lambdatop cost with its credentials)";

/// How to reach the account, from the command line.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub regions: Vec<String>,
    pub endpoint_url: Option<String>,
    /// The share of each API's documented rate the dashboard may take (`--api-share`;
    /// `None`: `pace::DEFAULT_SHARE`).
    pub api_share: Option<f64>,
}

/// A reachable account: its settings and the regions to watch.
pub struct Account {
    config: SdkConfig,
    pub regions: Vec<String>,
    pub profile: Option<String>,
    /// Every request of every client, for the dashboard's own bill.
    pub usage: usage::UsageCounter,
    /// AWS's clock, from its answers: what minutes settle against.
    pub clock: server_clock::ServerClock,
    /// Where each function logs, as the inventory says.
    pub log_places: logs::LogPlaces,
    /// Whose account the credentials reach, asked once.
    pub who: identity::WhoAmI,
    /// A source account linked to the monitoring account whose credentials these are: its
    /// metrics and logs are read through them (`linked`).
    pub linked: Option<String>,
    /// The request budgets of the credentials: a linked account shares its monitoring
    /// account's, as AWS counts its requests against them.
    pub pace: pace::Pace,
}

/// Attempts per call (first try included) and the backoff between them.
fn retry_config() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(4)
        .with_initial_backoff(Duration::from_millis(250))
        .with_max_backoff(Duration::from_secs(8))
}

/// A call may take this long in all, retries and waits for its turn included: a dead network
/// must not hang a poll. Each attempt is timed from when it leaves, by the account's pace
/// (`pace::ATTEMPT_TIMEOUT`, 20 s), not from when it joined its budget's queue.
fn timeout_config() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .read_timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_secs(45))
        .build()
}

/// A region code as AWS writes them: `us-east-1`, `ap-southeast-2`, `us-gov-west-1`.
pub fn is_region_code(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// Loads the settings, picks the regions and makes sure there are credentials at all.
pub async fn connect(opts: &AwsOptions) -> Result<Account> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry_config())
        .timeout_config(timeout_config());
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;

    let regions: Vec<String> = if opts.regions.is_empty() {
        match config.region() {
            Some(r) => vec![r.to_string()],
            None => bail!(
                "no AWS region: pass --region (e.g. --region us-east-1,eu-west-1), set AWS_REGION or give the profile a region; or run `lambdatop --demo`"
            ),
        }
    } else {
        let mut seen = Vec::new();
        for r in &opts.regions {
            let r = r.trim().to_string();
            if !seen.contains(&r) {
                seen.push(r);
            }
        }
        seen
    };
    if let Some(bad) = regions.iter().find(|r| !is_region_code(r)) {
        bail!("'{bad}' is not an AWS region code (e.g. us-east-1)");
    }
    let partition = identity::partition_of(&regions[0]);
    if let Some(other) = regions
        .iter()
        .find(|r| identity::partition_of(r) != partition)
    {
        bail!(
            "--region mixes partitions ({} and {other}): one set of credentials reaches one; run one lambdatop per partition",
            regions[0]
        );
    }

    let Some(provider) = config.credentials_provider() else {
        bail!(
            "no AWS credentials provider is configured; run `lambdatop --demo` to see the demo fleet"
        );
    };
    match tokio::time::timeout(Duration::from_secs(20), provider.provide_credentials()).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => bail!(
            "no AWS credentials found ({}); set up a profile (--profile, AWS_PROFILE, `aws sso login`) or run `lambdatop --demo`",
            first_clause(&DisplayErrorContext(&e).to_string())
        ),
        Err(_) => bail!(
            "timed out looking for AWS credentials; set up a profile (--profile, AWS_PROFILE) or run `lambdatop --demo`"
        ),
    }
    let profile = opts
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok());
    let pace = pace::Pace::new(opts.api_share.unwrap_or(pace::DEFAULT_SHARE));
    Ok(Account::new(config, regions, profile, pace))
}

fn first_clause(s: &str) -> String {
    s.split(" (")
        .next()
        .unwrap_or(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Account {
    /// An account reached with `config`, watching `regions`, its requests paced by `pace`.
    pub fn new(
        config: SdkConfig,
        regions: Vec<String>,
        profile: Option<String>,
        pace: pace::Pace,
    ) -> Account {
        Self::counted(
            config,
            regions,
            profile,
            usage::UsageCounter::default(),
            pace,
        )
    }

    /// The same, counting its requests in `usage`.
    pub fn counted(
        config: SdkConfig,
        regions: Vec<String>,
        profile: Option<String>,
        usage: usage::UsageCounter,
        pace: pace::Pace,
    ) -> Account {
        let first = regions.first().map(String::as_str).unwrap_or("us-east-1");
        // The partition's home region, always enabled: a watched opt-in region that is not
        // enabled must not hide who the caller is.
        let home = identity::home_region(identity::partition_of(first));
        usage.paced_by(&pace);
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&config)
                .region(Region::new(home))
                .interceptor(usage::CountRequests(usage.clone()))
                .http_client(pace.http(&config))
                .build(),
        );
        let iam = aws_sdk_iam::Client::from_conf(
            aws_sdk_iam::config::Builder::from(&config)
                .region(Region::new(home))
                .interceptor(usage::CountRequests(usage.clone()))
                .http_client(pace.http(&config))
                .build(),
        );
        Account {
            config,
            regions,
            profile,
            usage,
            clock: server_clock::ServerClock::default(),
            log_places: logs::LogPlaces::default(),
            who: identity::WhoAmI::new(sts, iam),
            linked: None,
            pace,
        }
    }

    /// The SDK's HTTP client under every request of the account, paced by its budgets.
    fn http(&self) -> SharedHttpClient {
        self.pace.http(&self.config)
    }

    /// Source account `link`, read through this monitoring account's credentials: its own
    /// request count, clock and log places.
    pub fn linked_to(&self, link: &linked::Link) -> Account {
        let mut account = Account::new(
            self.config.clone(),
            link.regions.clone(),
            self.profile.clone(),
            self.pace.clone(),
        );
        account.linked = Some(link.account.clone());
        account
    }

    /// An Observability Access Manager client for `region`: the monitoring account's sinks.
    pub fn oam_client(&self, region: &str) -> aws_sdk_oam::Client {
        aws_sdk_oam::Client::from_conf(
            aws_sdk_oam::config::Builder::from(&self.config)
                .region(Region::new(region.to_string()))
                .interceptor(usage::CountRequests(self.usage.clone()))
                .http_client(self.http())
                .build(),
        )
    }

    /// An AWS Organizations client (its one endpoint is in the partition's home region).
    pub fn organizations_client(&self) -> aws_sdk_organizations::Client {
        let home = identity::home_region(self.partition());
        aws_sdk_organizations::Client::from_conf(
            aws_sdk_organizations::config::Builder::from(&self.config)
                .region(Region::new(home))
                .interceptor(usage::CountRequests(self.usage.clone()))
                .http_client(self.http())
                .build(),
        )
    }

    /// A CloudWatch Logs client for `region`.
    pub fn logs_client(&self, region: &str) -> aws_sdk_cloudwatchlogs::Client {
        let mut config = aws_sdk_cloudwatchlogs::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()));
        let overridden = self.config.endpoint_url().is_some()
            || std::env::var_os("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS").is_some();
        config = config
            .interceptor(usage::CountRequests(self.usage.clone()))
            .http_client(self.http())
            .interceptor(server_clock::ReadServerDate(self.clock.clone()));
        if overridden {
            config = config.interceptor(logs::NoHostPrefix);
        }
        aws_sdk_cloudwatchlogs::Client::from_conf(config.build())
    }

    /// The partition of the watched regions: `aws`, `aws-us-gov` or `aws-cn`.
    pub fn partition(&self) -> &'static str {
        identity::partition_of(
            self.regions
                .first()
                .map(String::as_str)
                .unwrap_or("us-east-1"),
        )
    }

    /// A Cost Explorer client: one endpoint for the partition, in us-east-1 (cn-northwest-1
    /// for the China regions), whatever regions are watched. GovCloud has none of its own:
    /// its bill is kept by the standard account it is linked to, which says why.
    pub fn cost_client(&self) -> Result<aws_sdk_costexplorer::Client, String> {
        let region = match self.partition() {
            "aws-us-gov" => return Err(NO_GOVCLOUD_BILL.to_string()),
            "aws-cn" => "cn-northwest-1",
            _ => "us-east-1",
        };
        Ok(aws_sdk_costexplorer::Client::from_conf(
            aws_sdk_costexplorer::config::Builder::from(&self.config)
                .region(Region::new(region))
                // Each attempt is billed: one retry at most.
                .retry_config(retry_config().with_max_attempts(2))
                .interceptor(usage::CountRequests(self.usage.clone()))
                .http_client(self.http())
                .build(),
        ))
    }

    /// A log reader over every watched region, reading where each function logs.
    pub fn log_reader(&self) -> crate::source::log_reader::LogReader {
        crate::source::log_reader::LogReader::Aws {
            clients: self
                .regions
                .iter()
                .map(|r| (r.clone(), self.logs_client(r)))
                .collect(),
            places: self.log_places.clone(),
        }
    }

    /// The endpoint every request goes to, when overridden.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.config.endpoint_url()
    }

    /// A Lambda client for `region`, counting its requests and reading AWS's clock.
    pub fn lambda_client(&self, r: &str) -> aws_sdk_lambda::Client {
        aws_sdk_lambda::Client::from_conf(
            aws_sdk_lambda::config::Builder::from(&self.config)
                .region(Region::new(r.to_string()))
                .interceptor(usage::CountRequests(self.usage.clone()))
                .http_client(self.http())
                // The inventory comes first in a poll: its answer sets the clock.
                .interceptor(server_clock::ReadServerDate(self.clock.clone()))
                .build(),
        )
    }

    /// A CloudWatch client for `region`, counting its requests and reading AWS's clock; of a
    /// linked account, every metric request names it.
    pub fn cloudwatch_client(&self, r: &str) -> aws_sdk_cloudwatch::Client {
        let mut config = aws_sdk_cloudwatch::config::Builder::from(&self.config)
            .region(Region::new(r.to_string()))
            .interceptor(usage::CountRequests(self.usage.clone()))
            .http_client(self.http())
            .interceptor(server_clock::ReadServerDate(self.clock.clone()));
        if let Some(account) = &self.linked {
            config = config.interceptor(linked::InLinkedAccount(account.clone()));
        }
        aws_sdk_cloudwatch::Client::from_conf(config.build())
    }

    /// An SQS client for `region`, counting its requests.
    pub fn sqs_client(&self, r: &str) -> aws_sdk_sqs::Client {
        aws_sdk_sqs::Client::from_conf(
            aws_sdk_sqs::config::Builder::from(&self.config)
                .region(Region::new(r.to_string()))
                .interceptor(usage::CountRequests(self.usage.clone()))
                .http_client(self.http())
                .build(),
        )
    }

    /// The clients of one region, each counting its requests.
    pub fn clients(&self, r: &str) -> Clients {
        let region = Region::new(r.to_string());
        Clients {
            lambda: self.lambda_client(r),
            cloudwatch: self.cloudwatch_client(r),
            tagging: aws_sdk_resourcegroupstagging::Client::from_conf(
                aws_sdk_resourcegroupstagging::config::Builder::from(&self.config)
                    .region(region)
                    .interceptor(usage::CountRequests(self.usage.clone()))
                    .http_client(self.http())
                    .build(),
            ),
        }
    }

    /// The sources of each region, each polled in its own task: inventory and metrics, the
    /// REPORT reads, the capacity reads (so that neither reading logs nor pacing the control
    /// plane ever delays a metrics poll), the alarms, the event sources, a long or past
    /// window, the distributions and the versions; and whose account it is. A linked
    /// account's are its metrics' alone: inventory and metrics, and the long or past window.
    pub fn sources(
        &self,
        cadence: Duration,
        inventory_every: Duration,
        history_minutes: u32,
    ) -> Vec<Box<dyn Source>> {
        let shared = region::Shared {
            usage: self.usage.clone(),
            clock: self.clock.clone(),
            places: self.log_places.clone(),
            capacity: capacity::Registry::default(),
            who: self.who.clone(),
            linked: self.linked.clone(),
        };
        let region_source = |r: &String| -> Box<dyn Source> {
            Box::new(RegionSource::new(
                r,
                self.clients(r),
                cadence,
                inventory_every,
                history_minutes,
                shared.clone(),
            ))
        };
        let span_source = |r: &String| -> Box<dyn Source> {
            Box::new(span_reads::SpanSource::new(
                r,
                self.cloudwatch_client(r),
                shared.clone(),
                cadence,
                history_minutes,
            ))
        };
        if self.linked.is_some() {
            // A linked account is what its metrics say: its functions and figures, the long
            // or past window; the Lambda API and its alarms are the account's own.
            return self
                .regions
                .iter()
                .flat_map(|r| [region_source(r), span_source(r)])
                .collect();
        }
        let mut sources: Vec<Box<dyn Source>> = self.regions.iter().map(region_source).collect();
        for r in &self.regions {
            sources.push(Box::new(report_reads::ReportSource::new(
                r,
                self.logs_client(r),
                shared.clone(),
                cadence,
                history_minutes,
            )));
        }
        for r in &self.regions {
            sources.push(Box::new(capacity::CapacitySource::new(
                r,
                self.lambda_client(r),
                shared.capacity.clone(),
                self.usage.clone(),
            )));
        }
        for r in &self.regions {
            sources.push(Box::new(alarms::AlarmSource::new(
                r,
                self.cloudwatch_client(r),
                cadence,
                inventory_every,
                history_minutes,
                self.usage.clone(),
            )));
        }
        for r in &self.regions {
            sources.push(Box::new(event_sources::MappingSource::new(
                r,
                event_sources::Clients {
                    lambda: self.lambda_client(r),
                    sqs: self.sqs_client(r),
                    cloudwatch: self.cloudwatch_client(r),
                },
                cadence,
                inventory_every,
                history_minutes,
                self.usage.clone(),
            )));
        }
        sources.extend(self.regions.iter().map(span_source));
        for r in &self.regions {
            sources.push(Box::new(distribution::DistributionSource::new(
                r,
                self.cloudwatch_client(r),
                self.log_places.clone(),
                self.usage.clone(),
            )));
        }
        for r in &self.regions {
            sources.push(Box::new(versions::VersionSource::new(
                r,
                self.lambda_client(r),
                self.cloudwatch_client(r),
                self.usage.clone(),
            )));
        }
        // Whose account: for the header, and for the bill's question and cache.
        sources.push(Box::new(identity::IdentitySource::new(
            self.who.clone(),
            self.usage.clone(),
        )));
        sources
    }
}

/// The names of the functions of `region` among `on_screen`: what a region's source watches.
pub fn names_in(region: &str, on_screen: &[crate::store::FunctionKey]) -> Vec<String> {
    on_screen
        .iter()
        .filter(|k| k.region == region)
        .map(|k| k.name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_regions(regions: &[&str]) -> Account {
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .build();
        Account::new(
            config,
            regions.iter().map(|r| r.to_string()).collect(),
            None,
            pace::Pace::default(),
        )
    }

    #[test]
    fn each_partition_asks_its_own_cost_explorer_or_says_why_not() {
        assert!(in_regions(&["eu-west-1"]).cost_client().is_ok());
        assert!(in_regions(&["cn-north-1"]).cost_client().is_ok());
        let gov = in_regions(&["us-gov-west-1"]).cost_client();
        assert!(gov.is_err_and(|why| why.contains("GovCloud") && why.contains("linked")));
    }

    #[test]
    fn region_codes() {
        for ok in ["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1"] {
            assert!(is_region_code(ok), "{ok}");
        }
        for bad in ["useast1", "us-east", "US-EAST-1", "us-east-x", "mars-1", ""] {
            assert!(!is_region_code(bad), "{bad}");
        }
    }
}
