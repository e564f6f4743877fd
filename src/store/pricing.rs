//! The one price table: AWS Lambda on-demand prices used for every cost estimate.
//!
//! Public list prices for requests and compute (GB-seconds) by architecture. The estimate
//! deliberately leaves out the free tier, provisioned concurrency, ephemeral storage and data
//! transfer; panes and JSON say "estimate" for that reason.

use super::Architecture;

/// What the estimate leaves out, said wherever it is shown.
pub const ESTIMATE_LEAVES_OUT: [&str; 4] = [
    "free tier",
    "provisioned concurrency",
    "ephemeral storage",
    "data transfer",
];

/// "free tier, provisioned concurrency, ephemeral storage and data transfer".
pub fn leaves_out() -> String {
    let (last, rest) = ESTIMATE_LEAVES_OUT.split_last().unwrap_or((&"", &[]));
    format!("{} and {last}", rest.join(", "))
}

// The dashboard's own requests, at AWS's list prices.
/// GetMetricData: $0.01 per 1,000 metrics requested.
pub const USD_PER_METRIC: f64 = 0.01 / 1000.0;
/// Cost Explorer: $0.01 per API request.
pub const USD_PER_COST_EXPLORER_REQUEST: f64 = 0.01;
/// Live Tail: $0.01 per session-minute.
pub const USD_PER_LIVE_TAIL_MINUTE: f64 = 0.01;

/// Prices of one region.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegionPrices {
    pub per_million_requests: f64,
    pub per_gb_second_x86_64: f64,
    pub per_gb_second_arm64: f64,
}

impl RegionPrices {
    pub fn per_gb_second(&self, arch: Architecture) -> f64 {
        match arch {
            Architecture::Arm64 => self.per_gb_second_arm64,
            Architecture::X86_64 => self.per_gb_second_x86_64,
        }
    }
}

/// The first tier of the public on-demand price, which most regions share.
pub const STANDARD: RegionPrices = RegionPrices {
    per_million_requests: 0.20,
    per_gb_second_x86_64: 0.000_016_666_7,
    per_gb_second_arm64: 0.000_013_333_4,
};

/// Regions whose price differs from `STANDARD`, by region code.
const REGIONS: &[(&str, RegionPrices)] = &[];

/// Prices for a region; regions not listed use the standard price.
pub fn prices(region: &str) -> RegionPrices {
    REGIONS
        .iter()
        .find(|(code, _)| *code == region)
        .map(|(_, p)| *p)
        .unwrap_or(STANDARD)
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
    let p = prices(region);
    let requests = invocations / 1_000_000.0 * p.per_million_requests;
    let gb_seconds = avg_duration_ms / 1000.0 * invocations * f64::from(memory_mb) / 1024.0;
    requests + gb_seconds * p.per_gb_second(arch)
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
