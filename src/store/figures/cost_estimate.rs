use super::*;

/// List prices of what the window shows: requests and duration, the INIT of the cold starts
/// whose REPORT lines were read (billed as duration since 1 August 2025), and provisioned
/// concurrency kept ready over the window — at the memory and architecture of the
/// configuration that carries the traffic. The invocations provisioned concurrency served pay
/// its own, lower duration price, and only its spillover the on-demand one; where the
/// spillover could not be read, every invocation is priced on demand (the most it can cost).
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
    let avg_ms = s.duration_avg_ms?;
    // Served by provisioned concurrency: all but the spillover, when the spillover was read.
    let served = match (s.provisioned, s.spillover) {
        (Some(p), Some(spillover)) if p > 0 => (n - spillover).clamp(0.0, n),
        _ => 0.0,
    };
    Some(
        pricing::requests_usd(region, n)
            + pricing::duration_usd(region, arch, mb, n - served, avg_ms)
            + pricing::provisioned_duration_usd(region, arch, mb, served, avg_ms)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Architecture, FunctionFacts, Session, SourceEvent, SourceKind};

    /// A 1 GB x86 function with provisioned concurrency: the invocations it served pay its
    /// duration price, the spillover the on-demand one, and with the spillover unread every
    /// invocation is priced on demand.
    #[test]
    fn invocations_provisioned_concurrency_served_pay_its_duration_price() {
        let session = Session {
            kind: SourceKind::Aws,
            profile: None,
            regions: vec!["us-east-1".into()],
            accounts: Vec::new(),
        };
        let mut store = Store::new(session, 180, "project");
        store.apply(SourceEvent::Inventory {
            region: "us-east-1".into(),
            functions: vec![FunctionFacts {
                name: "f".into(),
                region: "us-east-1".into(),
                memory_mb: Some(1024),
                ..FunctionFacts::default()
            }],
        });
        let f = &store.functions()[0];
        let range = MinuteRange::ending_at(Minute(29_000_000), 60);
        let stats = |spillover| FunctionStats {
            invocations: Some(1e6),
            duration_avg_ms: Some(100.0),
            provisioned: Some(10),
            spillover,
            ..FunctionStats::default()
        };
        let x86 = Architecture::X86_64;
        let kept = pricing::provisioned_usd("us-east-1", x86, 1024, 10, 3600.0);
        let requests = pricing::requests_usd("us-east-1", 1e6);
        let cost = |spillover| estimate(f, &stats(spillover), 0.0, range).unwrap() - kept;
        let all_on_demand = pricing::estimate_usd("us-east-1", x86, 1024, 1e6, 100.0);
        // 100,000 GB-seconds at $0.0000097222 instead of $0.0000166667.
        assert!((cost(Some(0.0)) - (requests + 1e5 * 0.000_009_722_2)).abs() < 1e-9);
        assert!((all_on_demand - (requests + 1e5 * 0.000_016_666_7)).abs() < 1e-9);
        // A quarter spilled over: that quarter at the on-demand price.
        let quarter = requests + 2.5e4 * 0.000_016_666_7 + 7.5e4 * 0.000_009_722_2;
        assert!((cost(Some(2.5e5)) - quarter).abs() < 1e-9);
        assert!((cost(None) - all_on_demand).abs() < 1e-9);
    }
}
