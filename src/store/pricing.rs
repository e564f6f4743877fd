//! The one price table: AWS Lambda's on-demand list prices, used for every cost estimate.
//!
//! Requests, compute (GB-seconds, by architecture; the INIT phase is billed as compute since
//! 1 August 2025) and provisioned concurrency, per region. The estimate is list prices times
//! what the metrics and REPORT lines show; what it cannot see is said wherever it is shown
//! (`WINDOW_LEAVES_OUT`): in the panes, `snapshot` and `cost`, whose month-to-date estimate
//! is the same figure over the month's days.

use super::Architecture;

/// What the estimate leaves out, said wherever it is shown.
pub const WINDOW_LEAVES_OUT: [&str; 6] = [
    "free tier",
    "volume discounts beyond 6 billion GB-seconds a month",
    "INIT of cold starts whose REPORT lines were not read",
    "SnapStart cache and restore charges",
    "ephemeral storage above 512 MB",
    "data transfer",
];

/// "a, b and c".
pub fn in_words(items: &[&str]) -> String {
    match items.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The window estimate's omissions in words.
pub fn leaves_out() -> String {
    in_words(&WINDOW_LEAVES_OUT)
}

// The dashboard's own requests, at AWS's list prices.
/// GetMetricData: $0.01 per 1,000 metrics requested.
pub const USD_PER_METRIC: f64 = 0.01 / 1000.0;
/// CloudWatch's other API requests (DescribeAlarms, ListMetrics): $0.01 per 1,000 requests,
/// counted here without the free tier's first million a month, as every estimate is.
pub const USD_PER_CLOUDWATCH_REQUEST: f64 = 0.01 / 1000.0;
/// Amazon SQS: $0.40 per million requests (standard queues), counted without the free tier's
/// first million a month.
pub const USD_PER_SQS_REQUEST: f64 = 0.40 / 1_000_000.0;
/// Cost Explorer: $0.01 per API request.
pub const USD_PER_COST_EXPLORER_REQUEST: f64 = 0.01;
/// Live Tail: $0.01 per session-minute.
pub const USD_PER_LIVE_TAIL_MINUTE: f64 = 0.01;
/// Logs Insights: $0.005 per GB of log data scanned.
pub const USD_PER_INSIGHTS_GB: f64 = 0.005;

/// Prices of one region.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegionPrices {
    pub per_million_requests: f64,
    pub per_gb_second_x86_64: f64,
    pub per_gb_second_arm64: f64,
}

impl RegionPrices {
    /// On-demand compute (handler and INIT alike), per GB-second.
    pub fn per_gb_second(&self, arch: Architecture) -> f64 {
        match arch {
            Architecture::Arm64 => self.per_gb_second_arm64,
            Architecture::X86_64 => self.per_gb_second_x86_64,
        }
    }

    /// Provisioned concurrency kept ready, per GB-second configured. The pricing page
    /// gives it per region at the same ratio to on-demand compute as in US East
    /// ($0.0000041667 against $0.0000166667 on x86): the ratio is applied.
    pub fn per_provisioned_gb_second(&self, arch: Architecture) -> f64 {
        let ratio = match arch {
            Architecture::Arm64 => 0.000_003_333_4 / STANDARD.per_gb_second_arm64,
            Architecture::X86_64 => 0.000_004_166_7 / STANDARD.per_gb_second_x86_64,
        };
        self.per_gb_second(arch) * ratio
    }

    /// The duration of invocations that provisioned concurrency served, per GB-second (AWS
    /// Lambda Pricing, *Provisioned Concurrency Pricing*: "you also pay for Requests and
    /// Duration based on the prices below"; in US East $0.0000097222 on x86 and $0.0000077778
    /// on Arm, against on-demand's $0.0000166667 and $0.0000133334). Invocations beyond it
    /// (spillover) pay the on-demand price. Other regions at the same ratio, as above.
    pub fn per_provisioned_duration_gb_second(&self, arch: Architecture) -> f64 {
        let ratio = match arch {
            Architecture::Arm64 => 0.000_007_777_8 / STANDARD.per_gb_second_arm64,
            Architecture::X86_64 => 0.000_009_722_2 / STANDARD.per_gb_second_x86_64,
        };
        self.per_gb_second(arch) * ratio
    }
}

/// The first tier of the public on-demand price in US East (N. Virginia), which most
/// regions share.
pub const STANDARD: RegionPrices = RegionPrices {
    per_million_requests: 0.20,
    per_gb_second_x86_64: 0.000_016_666_7,
    per_gb_second_arm64: 0.000_013_333_4,
};

const fn at(per_million_requests: f64, x86_64: f64, arm64: f64) -> RegionPrices {
    RegionPrices {
        per_million_requests,
        per_gb_second_x86_64: x86_64,
        per_gb_second_arm64: arm64,
    }
}

/// Every commercial region where Lambda runs, with its first-tier on-demand prices.
/// Source: https://aws.amazon.com/lambda/pricing/ (its region selector), as mirrored by the
/// price table of the AWS Lambda Power Tuning project (`lambda/utils` compute prices, per
/// GB-second by architecture); read 2026-12-01. The regions that price compute above US
/// East: Cape Town, Hong Kong, Milan, Bahrain and the UAE. Request prices: Milan's $0.23 a
/// million from the same public tables; the others' request prices could not be confirmed
/// there and are taken at US East's $0.20 (README, *Cost*). The China regions bill in CNY and
/// GovCloud through its own price list: neither is in this table (the standard price stands
/// for them, as for a region newer than the table).
const REGIONS: &[(&str, RegionPrices)] = &[
    ("us-east-1", STANDARD),
    ("us-east-2", STANDARD),
    ("us-west-1", STANDARD),
    ("us-west-2", STANDARD),
    ("af-south-1", at(0.20, 0.000_022_1, 0.000_017_68)),
    ("ap-east-1", at(0.20, 0.000_022_92, 0.000_018_3)),
    ("ap-east-2", STANDARD),
    ("ap-south-1", STANDARD),
    ("ap-south-2", STANDARD),
    ("ap-northeast-1", STANDARD),
    ("ap-northeast-2", STANDARD),
    ("ap-northeast-3", STANDARD),
    ("ap-southeast-1", STANDARD),
    ("ap-southeast-2", STANDARD),
    ("ap-southeast-3", STANDARD),
    ("ap-southeast-4", STANDARD),
    ("ap-southeast-5", STANDARD),
    ("ap-southeast-7", STANDARD),
    ("ca-central-1", STANDARD),
    ("ca-west-1", STANDARD),
    ("eu-central-1", STANDARD),
    ("eu-central-2", STANDARD),
    ("eu-west-1", STANDARD),
    ("eu-west-2", STANDARD),
    ("eu-west-3", STANDARD),
    ("eu-north-1", STANDARD),
    ("eu-south-1", at(0.23, 0.000_019_517_2, 0.000_015_613_8)),
    ("eu-south-2", STANDARD),
    ("il-central-1", STANDARD),
    ("me-south-1", at(0.20, 0.000_020_666_7, 0.000_016_533_4)),
    ("me-central-1", at(0.20, 0.000_020_666_7, 0.000_016_533_4)),
    ("mx-central-1", STANDARD),
    ("sa-east-1", STANDARD),
];

/// Prices for a region; a region not in the table uses the standard price.
pub fn prices(region: &str) -> RegionPrices {
    REGIONS
        .iter()
        .find(|(code, _)| *code == region)
        .map(|(_, p)| *p)
        .unwrap_or(STANDARD)
}

/// GB-seconds of `ms` milliseconds on `memory_mb`.
fn gb_seconds(ms: f64, memory_mb: u32) -> f64 {
    ms / 1000.0 * f64::from(memory_mb) / 1024.0
}

/// The INIT phase of cold starts that took `init_ms` in all, billed as compute.
pub fn init_usd(region: &str, arch: Architecture, memory_mb: u32, init_ms: f64) -> f64 {
    gb_seconds(init_ms, memory_mb) * prices(region).per_gb_second(arch)
}

/// `allocated` provisioned environments of `memory_mb` kept ready for `seconds`.
pub fn provisioned_usd(
    region: &str,
    arch: Architecture,
    memory_mb: u32,
    allocated: u32,
    seconds: f64,
) -> f64 {
    gb_seconds(seconds * 1000.0, memory_mb)
        * f64::from(allocated)
        * prices(region).per_provisioned_gb_second(arch)
}

/// The duration of `invocations` served by provisioned concurrency, averaging
/// `avg_duration_ms` on `memory_mb` (their requests are priced by `estimate_usd`).
pub fn provisioned_duration_usd(
    region: &str,
    arch: Architecture,
    memory_mb: u32,
    invocations: f64,
    avg_duration_ms: f64,
) -> f64 {
    gb_seconds(avg_duration_ms * invocations, memory_mb)
        * prices(region).per_provisioned_duration_gb_second(arch)
}

/// Estimated on-demand cost of `invocations` requests averaging `avg_duration_ms` on a
/// function with `memory_mb` of memory.
pub fn estimate_usd(
    region: &str,
    arch: Architecture,
    memory_mb: u32,
    invocations: f64,
    avg_duration_ms: f64,
) -> f64 {
    requests_usd(region, invocations)
        + duration_usd(region, arch, memory_mb, invocations, avg_duration_ms)
}

/// The request charge of `invocations`, however they were served.
pub fn requests_usd(region: &str, invocations: f64) -> f64 {
    invocations / 1_000_000.0 * prices(region).per_million_requests
}

/// The on-demand duration of `invocations` averaging `avg_duration_ms` on `memory_mb`.
pub fn duration_usd(
    region: &str,
    arch: Architecture,
    memory_mb: u32,
    invocations: f64,
    avg_duration_ms: f64,
) -> f64 {
    gb_seconds(avg_duration_ms * invocations, memory_mb) * prices(region).per_gb_second(arch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_million_requests_of_one_gb_second_on_x86() {
        let usd = estimate_usd("us-east-1", Architecture::X86_64, 1024, 1e6, 1000.0);
        assert!((usd - (0.20 + 16.6667)).abs() < 1e-6, "{usd}");
    }

    #[test]
    fn regions_that_price_above_us_east_cost_more() {
        let in_ = |r| estimate_usd(r, Architecture::X86_64, 1024, 1e6, 1000.0);
        assert!((in_("af-south-1") - (0.20 + 22.1)).abs() < 1e-6);
        assert!(in_("eu-south-1") > in_("eu-west-1") * 1.15);
        assert_eq!(in_("eu-west-1"), in_("us-east-1"));
        assert_eq!(in_("not-a-region-1"), in_("us-east-1"));
        assert_eq!(REGIONS.len(), 33, "every commercial region is listed");
    }

    #[test]
    fn init_and_provisioned_concurrency_are_priced() {
        // One second of INIT on 1 GB: one GB-second of compute.
        let init = init_usd("us-east-1", Architecture::X86_64, 1024, 1000.0);
        assert!((init - 0.000_016_666_7).abs() < 1e-12);
        // Ten 1 GB environments for an hour: 36,000 GB-seconds at $0.0000041667.
        let pc = provisioned_usd("us-east-1", Architecture::X86_64, 1024, 10, 3600.0);
        assert!((pc - 36_000.0 * 0.000_004_166_7).abs() < 1e-9, "{pc}");
        let arm = provisioned_usd("us-east-1", Architecture::Arm64, 1024, 10, 3600.0);
        assert!((arm - 36_000.0 * 0.000_003_333_4).abs() < 1e-9, "{arm}");
    }

    /// A second on 1 GB that provisioned concurrency served costs $0.0000097222 in US East
    /// (x86; $0.0000077778 on Arm), not on-demand's $0.0000166667.
    #[test]
    fn provisioned_concurrency_has_its_own_duration_price() {
        let x86 = provisioned_duration_usd("us-east-1", Architecture::X86_64, 1024, 1.0, 1000.0);
        assert!((x86 - 0.000_009_722_2).abs() < 1e-12, "{x86}");
        let arm = provisioned_duration_usd("us-east-1", Architecture::Arm64, 1024, 1.0, 1000.0);
        assert!((arm - 0.000_007_777_8).abs() < 1e-12, "{arm}");
        // Where compute costs more, so does this, in the same proportion.
        let cape = provisioned_duration_usd("af-south-1", Architecture::X86_64, 1024, 1.0, 1000.0);
        assert!((cape / x86 - 0.000_022_1 / 0.000_016_666_7).abs() < 1e-9);
    }

    #[test]
    fn arm_is_cheaper_per_gb_second() {
        let x86 = estimate_usd("eu-west-1", Architecture::X86_64, 512, 1000.0, 200.0);
        let arm = estimate_usd("eu-west-1", Architecture::Arm64, 512, 1000.0, 200.0);
        assert!(arm < x86);
        assert!(
            (arm - (0.0002 + 100.0 * 0.000_013_333_4)).abs() < 1e-12,
            "{arm}"
        );
    }
}
