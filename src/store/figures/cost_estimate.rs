use super::*;

/// List prices of what the window shows: requests and duration, the INIT of the cold starts
/// whose REPORT lines were read (billed as duration since 1 August 2025), and provisioned
/// concurrency kept ready over the window — at the memory and architecture of the
/// configuration that carries the traffic.
pub(super) fn estimate(
    f: &Function,
    s: &FunctionStats,
    init_ms: f64,
    range: MinuteRange,
) -> Option<f64> {
    let n = s.invocations?;
    let (mb, arch, _) = f.serving_config();
    let region = f.facts.region.as_str();
    let provisioned = match (s.provisioned, mb) {
        (Some(p), Some(mb)) if p > 0 => {
            pricing::provisioned_usd(region, arch, mb, p, range.minutes() as f64 * 60.0)
        }
        _ => 0.0,
    };
    if n == 0.0 {
        return Some(provisioned);
    }
    let mb = mb?;
    Some(
        pricing::estimate_usd(region, arch, mb, n, s.duration_avg_ms?)
            + pricing::init_usd(region, arch, mb, init_ms)
            + provisioned,
    )
}

/// An estimate as rates (`FleetStats::cost_rate`): per hour over its window, and a month of
/// the current one at that rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostRate {
    pub per_hour: Option<f64>,
    pub month: Option<f64>,
}
