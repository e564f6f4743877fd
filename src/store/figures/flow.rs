use super::*;

/// Per-minute task flow over a range: what started, completed, failed and was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub range: MinuteRange,
    pub started: Vec<Option<f64>>,
    pub completed: Vec<Option<f64>>,
    pub errors: Vec<Option<f64>>,
    pub throttles: Vec<Option<f64>>,
    /// Invocations that hit their timeout (from REPORT lines).
    pub timeouts: Vec<Option<f64>>,
    /// The first minute whose figures may still grow, if any: charts draw it and the minutes
    /// after it apart.
    pub provisional_from: Option<Minute>,
    /// The deploys of the functions it adds up, inside the range, oldest first.
    pub deploys: Vec<crate::store::Deploy>,
}

impl Flow {
    /// The flow of the functions `include` accepts.
    pub fn of<'a>(functions: impl IntoIterator<Item = &'a Function>, range: MinuteRange) -> Flow {
        let n = range.len();
        let mut flow = Flow {
            range,
            started: vec![None; n],
            completed: vec![None; n],
            errors: vec![None; n],
            throttles: vec![None; n],
            timeouts: vec![None; n],
            provisional_from: None,
            deploys: Vec::new(),
        };
        for f in functions {
            flow.deploys.extend(
                f.deploys
                    .iter()
                    .filter(|d| range.contains(Minute::of(d.at)))
                    .copied(),
            );
            let h = f.history_over(range);
            flow.provisional_from =
                earliest(flow.provisional_from, provisional_from(h.settled, range));
            for (i, m) in range.iter().enumerate() {
                flow.started[i] = add(flow.started[i], h.get(Metric::Invocations, m));
                flow.errors[i] = add(flow.errors[i], h.get(Metric::Errors, m));
                flow.throttles[i] = add(flow.throttles[i], h.get(Metric::Throttles, m));
                flow.timeouts[i] = add(flow.timeouts[i], h.get(Metric::Timeouts, m));
            }
        }
        flow.deploys.sort_by_key(|d| d.at);
        flow.complete();
        flow
    }

    /// The whole fleet's flow: per region, the region's own sums where CloudWatch gave them
    /// (fresh every poll), else the sum of its functions (some of which are asked for less
    /// often, see `source/aws/plan.rs`).
    pub fn of_fleet(store: &Store, range: MinuteRange) -> Flow {
        let mut regions: BTreeSet<(crate::store::AccountId, &str)> = store
            .functions()
            .iter()
            .map(|f| (f.facts.account, f.facts.region.as_str()))
            .collect();
        regions.extend(
            store
                .region_states()
                .keys()
                .map(|p| (p.account, p.region.as_str())),
        );
        let mut fleet = Flow::of(std::iter::empty(), range);
        for (account, region) in regions {
            let mine = store
                .functions()
                .iter()
                .filter(|f| f.facts.region == region && f.facts.account == account);
            let mut flow = Flow::of(mine, range);
            let place = Place::new(account, region);
            if let Some(state) = store.region_states().get(&place).map(|s| s.over(range)) {
                flow.provisional_from = earliest(
                    flow.provisional_from,
                    provisional_from(state.settled, range),
                );
                for (metric, values) in [
                    (Metric::Invocations, &mut flow.started),
                    (Metric::Errors, &mut flow.errors),
                    (Metric::Throttles, &mut flow.throttles),
                ] {
                    let Some(series) = state.sum(metric) else {
                        continue;
                    };
                    for (v, own) in values.iter_mut().zip(series.values(range)) {
                        if own.is_some() {
                            *v = own;
                        }
                    }
                }
            }
            for (total, part) in [
                (&mut fleet.started, &flow.started),
                (&mut fleet.errors, &flow.errors),
                (&mut fleet.throttles, &flow.throttles),
                (&mut fleet.timeouts, &flow.timeouts),
            ] {
                for (t, p) in total.iter_mut().zip(part) {
                    *t = add(*t, *p);
                }
            }
            fleet.provisional_from = earliest(fleet.provisional_from, flow.provisional_from);
            fleet.deploys.extend(flow.deploys);
        }
        fleet.deploys.sort_by_key(|d| d.at);
        fleet.complete();
        fleet
    }

    /// Completed: what started and did not fail.
    fn complete(&mut self) {
        for (c, (s, e)) in self
            .completed
            .iter_mut()
            .zip(self.started.iter().zip(&self.errors))
        {
            *c = s.map(|s| (s - e.unwrap_or(0.0)).max(0.0));
        }
    }
}
