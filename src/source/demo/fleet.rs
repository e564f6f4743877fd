//! The demo fleet's cast: about 60 functions in 6 projects across 2 regions, each with the
//! traffic it usually sees and, for a few, the incident it is having. Scenario times are
//! minutes relative to the moment the demo starts, so every run opens on the same story.

pub const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

/// Hours from UTC to the region's business day, for the daily load curve.
pub fn utc_offset_hours(region: &str) -> f64 {
    match region {
        "eu-west-1" => 0.0,
        _ => -5.0,
    }
}

/// How a function behaves beyond its steady daily curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Behaviour {
    Steady,
    /// Short bursts of several times the usual load.
    Bursty,
    /// Runs on a schedule: `every` minutes, `batch` invocations at once.
    Scheduled {
        every: i64,
        batch: f64,
    },
    /// A deploy at minute `at` (relative to start) raises errors to `peak` for `lasts` minutes.
    BadDeploy {
        at: i64,
        lasts: i64,
        peak: f64,
    },
    /// Demand rises `surge`-fold from `from` to `until`, against a reserved concurrency `limit`.
    ThrottleEpisode {
        from: i64,
        until: i64,
        surge: f64,
        limit: f64,
    },
    /// The duration grows steadily: by `ms_per_minute` each minute from the start of history.
    CreepingDuration {
        ms_per_minute: f64,
    },
    /// A dependency fails from `from` to `until`: `error_rate` more of its requests fail, each
    /// running `slowdown` times as long while it waits on it.
    Outage {
        from: i64,
        until: i64,
        error_rate: f64,
        slowdown: f64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    pub name: &'static str,
    pub project: &'static str,
    pub runtime: &'static str,
    pub memory_mb: u32,
    pub arm64: bool,
    pub timeout_s: u32,
    /// Invocations a minute at the daily peak in us-east-1.
    pub rate: f64,
    pub duration_ms: f64,
    pub error_rate: f64,
    /// `None`: both regions; `Some(i)`: only `REGIONS[i]`.
    pub only_region: Option<usize>,
    pub behaviour: Behaviour,
    /// Share of its memory a function typically uses at its peak.
    pub memory_use: f64,
}

// One row of the cast table: positional arguments keep each function on one readable line.
#[allow(clippy::too_many_arguments)]
const fn spec(
    name: &'static str,
    project: &'static str,
    runtime: &'static str,
    memory_mb: u32,
    arm64: bool,
    timeout_s: u32,
    rate: f64,
    duration_ms: f64,
) -> Spec {
    Spec {
        name,
        project,
        runtime,
        memory_mb,
        arm64,
        timeout_s,
        rate,
        duration_ms,
        error_rate: 0.002,
        only_region: None,
        behaviour: Behaviour::Steady,
        memory_use: 0.45,
    }
}

impl Spec {
    /// Its reserved concurrency: the cap a throttle episode runs into.
    pub fn reserved(&self) -> Option<u32> {
        match self.behaviour {
            Behaviour::ThrottleEpisode { limit, .. } => Some(limit as u32),
            _ => None,
        }
    }

    const fn errors(mut self, rate: f64) -> Self {
        self.error_rate = rate;
        self
    }
    const fn only(mut self, region: usize) -> Self {
        self.only_region = Some(region);
        self
    }
    const fn memory(mut self, share: f64) -> Self {
        self.memory_use = share;
        self
    }
    const fn behaves(mut self, b: Behaviour) -> Self {
        self.behaviour = b;
        self
    }
}

const US: usize = 0;
const EU: usize = 1;
const NODE: &str = "nodejs20.x";
const PY: &str = "python3.12";
const JAVA: &str = "java21";
const AL2023: &str = "provided.al2023";

/// The cast. Incidents are per region: see `incident_region`.
pub const SPECS: &[Spec] = &[
    // checkout
    spec(
        "checkout-api",
        "checkout",
        NODE,
        1024,
        true,
        29,
        900.0,
        120.0,
    )
    .errors(0.003)
    .behaves(Behaviour::BadDeploy {
        at: -6,
        lasts: 22,
        peak: 0.24,
    }),
    spec(
        "checkout-cart-sync",
        "checkout",
        PY,
        512,
        true,
        60,
        300.0,
        80.0,
    ),
    spec(
        "checkout-tax-calc",
        "checkout",
        PY,
        256,
        false,
        10,
        420.0,
        45.0,
    ),
    spec(
        "checkout-inventory-hold",
        "checkout",
        NODE,
        512,
        true,
        15,
        380.0,
        95.0,
    ),
    spec(
        "checkout-receipt-pdf",
        "checkout",
        JAVA,
        2048,
        false,
        60,
        60.0,
        1400.0,
    )
    .only(US),
    spec(
        "checkout-abandoned-cart",
        "checkout",
        NODE,
        256,
        true,
        300,
        0.0,
        8000.0,
    )
    .only(US)
    .behaves(Behaviour::Scheduled {
        every: 15,
        batch: 180.0,
    }),
    // payments
    spec(
        "payments-charge",
        "payments",
        JAVA,
        1536,
        false,
        30,
        500.0,
        350.0,
    )
    .behaves(Behaviour::BadDeploy {
        at: -47,
        lasts: 18,
        peak: 0.31,
    }),
    spec(
        "payments-refund",
        "payments",
        JAVA,
        1024,
        false,
        30,
        40.0,
        420.0,
    ),
    spec(
        "payments-webhook",
        "payments",
        AL2023,
        128,
        true,
        15,
        700.0,
        25.0,
    )
    // The night's incident, outside the three hours kept live: its payment provider timed out
    // for two hours, eleven to nine hours before the demo starts (`--at -10h`, or window `5`).
    .behaves(Behaviour::Outage {
        from: -11 * 60,
        until: -9 * 60,
        error_rate: 0.55,
        slowdown: 40.0,
    }),
    spec(
        "payments-ledger-writer",
        "payments",
        NODE,
        512,
        true,
        60,
        480.0,
        70.0,
    ),
    spec(
        "payments-fraud-score",
        "payments",
        PY,
        3008,
        false,
        15,
        500.0,
        600.0,
    )
    .only(US),
    spec(
        "payments-payout-batch",
        "payments",
        PY,
        1024,
        false,
        900,
        0.0,
        95_000.0,
    )
    .only(US)
    .behaves(Behaviour::Scheduled {
        every: 60,
        batch: 4.0,
    }),
    // search
    spec("search-query", "search", AL2023, 256, true, 6, 2400.0, 18.0),
    spec("search-suggest", "search", NODE, 512, true, 3, 1800.0, 12.0),
    spec(
        "search-ranking-features",
        "search",
        PY,
        1024,
        true,
        10,
        650.0,
        140.0,
    ),
    spec(
        "search-indexer",
        "search",
        PY,
        2048,
        false,
        30,
        30.0,
        11_000.0,
    )
    .only(US)
    .behaves(Behaviour::CreepingDuration {
        ms_per_minute: 58.0,
    }),
    spec(
        "search-reindex-batch",
        "search",
        PY,
        3008,
        false,
        900,
        0.0,
        240_000.0,
    )
    .only(US)
    .behaves(Behaviour::Scheduled {
        every: 30,
        batch: 1.0,
    }),
    spec(
        "search-synonyms-sync",
        "search",
        NODE,
        256,
        true,
        60,
        12.0,
        700.0,
    )
    .only(EU),
    // media
    spec(
        "media-transcode",
        "media",
        PY,
        3008,
        false,
        900,
        120.0,
        9000.0,
    )
    .only(US)
    .behaves(Behaviour::ThrottleEpisode {
        from: -20,
        until: 12,
        surge: 3.5,
        limit: 40.0,
    }),
    spec(
        "media-thumbnail",
        "media",
        NODE,
        1024,
        true,
        30,
        350.0,
        420.0,
    ),
    // Scans big uploads: peaks close to its memory size.
    spec(
        "media-upload-scan",
        "media",
        PY,
        2048,
        false,
        120,
        90.0,
        2500.0,
    )
    .memory(0.94),
    spec(
        "media-metadata-extract",
        "media",
        PY,
        1024,
        true,
        60,
        160.0,
        800.0,
    ),
    spec(
        "media-watermark",
        "media",
        NODE,
        1536,
        true,
        60,
        70.0,
        1900.0,
    ),
    spec(
        "media-cdn-invalidate",
        "media",
        NODE,
        128,
        true,
        30,
        15.0,
        300.0,
    )
    .only(US),
    // notifications
    spec(
        "notifications-dispatch",
        "notifications",
        AL2023,
        256,
        true,
        30,
        600.0,
        40.0,
    )
    .behaves(Behaviour::Bursty),
    spec(
        "notifications-email-render",
        "notifications",
        JAVA,
        1024,
        false,
        30,
        200.0,
        250.0,
    ),
    spec(
        "notifications-sms",
        "notifications",
        NODE,
        256,
        true,
        10,
        40.0,
        180.0,
    )
    .errors(0.015),
    spec(
        "notifications-push",
        "notifications",
        PY,
        512,
        true,
        30,
        800.0,
        60.0,
    )
    .behaves(Behaviour::Bursty),
    spec(
        "notifications-bounce-handler",
        "notifications",
        PY,
        256,
        true,
        30,
        55.0,
        120.0,
    ),
    spec(
        "notifications-digest",
        "notifications",
        PY,
        1024,
        false,
        600,
        0.0,
        45_000.0,
    )
    .only(EU)
    .behaves(Behaviour::Scheduled {
        every: 60,
        batch: 12.0,
    }),
    // identity
    spec(
        "identity-token-issuer",
        "identity",
        AL2023,
        256,
        true,
        5,
        3000.0,
        9.0,
    ),
    spec(
        "identity-authorizer",
        "identity",
        NODE,
        256,
        true,
        5,
        4200.0,
        6.0,
    ),
    spec(
        "identity-user-sync",
        "identity",
        PY,
        512,
        false,
        120,
        20.0,
        900.0,
    ),
    spec(
        "identity-password-reset",
        "identity",
        NODE,
        256,
        true,
        10,
        25.0,
        160.0,
    ),
    spec(
        "identity-session-cleanup",
        "identity",
        PY,
        256,
        true,
        300,
        0.0,
        12_000.0,
    )
    .behaves(Behaviour::Scheduled {
        every: 10,
        batch: 1.0,
    }),
    spec(
        "identity-mfa-sender",
        "identity",
        NODE,
        256,
        true,
        10,
        60.0,
        210.0,
    )
    .only(EU),
    // payments, added last so the others keep their place in the model: a 15-minute job whose
    // slowest runs hit the timeout. Its figures land when each run ends, up to 17 minutes
    // after the minute they are stamped with.
    spec(
        "payments-ledger-reconcile",
        "payments",
        PY,
        2048,
        false,
        900,
        0.0,
        780_000.0,
    )
    .only(US)
    .behaves(Behaviour::Scheduled {
        every: 20,
        batch: 2.0,
    }),
];

/// Incidents of functions deployed to both regions happen in one region only, so the other
/// shows what normal looks like.
pub fn incident_region(spec: &Spec) -> &'static str {
    match spec.name {
        "checkout-api" => "eu-west-1",
        _ => "us-east-1",
    }
}

/// Cold start cost of a runtime, in milliseconds.
/// The latency class a few functions are tagged with, where their figures alone would mislead:
/// syncs that take about a second are not APIs, and the nightly reconciliation is a batch job
/// even on the nights it finishes fast.
pub fn latency_tag(name: &str) -> Option<&'static str> {
    match name {
        "identity-user-sync" | "search-synonyms-sync" => Some("background"),
        "payments-ledger-reconcile" | "payments-payout-batch" => Some("batch"),
        _ => None,
    }
}

pub fn typical_init_ms(runtime: &str) -> f64 {
    match runtime {
        JAVA => 2600.0,
        PY => 650.0,
        NODE => 320.0,
        _ => 90.0,
    }
}

/// The functions a demo plays: the cast, cut to a size or grown to it (`--functions N`).
#[derive(Debug, Clone)]
pub struct Fleet {
    specs: Vec<Spec>,
    members: Vec<Member>,
}

#[derive(Debug, Clone)]
struct Member {
    spec: usize,
    name: String,
    region: &'static str,
}

impl Default for Fleet {
    fn default() -> Self {
        Self::sized(None)
    }
}

impl Fleet {
    /// The cast; with `functions`, its first that many functions, or the cast followed by
    /// steady copies of it (`checkout-api-2` in one region) up to that many. Copies carry
    /// the load of big accounts, not incidents: the cast's story stays the one to find.
    pub fn sized(functions: Option<usize>) -> Self {
        let mut specs: Vec<Spec> = SPECS.to_vec();
        let mut members = Vec::new();
        for (i, s) in SPECS.iter().enumerate() {
            for (r, region) in REGIONS.iter().enumerate() {
                if s.only_region.is_none_or(|only| only == r) {
                    members.push(Member {
                        spec: i,
                        name: s.name.to_string(),
                        region,
                    });
                }
            }
        }
        let wanted = functions.unwrap_or(members.len());
        members.truncate(wanted);
        let steady = |s: &Spec| match s.behaviour {
            Behaviour::Bursty | Behaviour::Scheduled { .. } => s.behaviour,
            _ => Behaviour::Steady,
        };
        // A big account is mostly small functions: a tenth of the cast's traffic each.
        let copies: Vec<Spec> = SPECS
            .iter()
            .map(|s| Spec {
                rate: s.rate * 0.1,
                ..s.behaves(steady(s))
            })
            .collect();
        let first_copy = specs.len();
        specs.extend(copies);
        let mut k = 0;
        while members.len() < wanted {
            let base = k % SPECS.len();
            let round = k / SPECS.len();
            members.push(Member {
                spec: first_copy + base,
                name: format!("{}-{}", SPECS[base].name, round / REGIONS.len() + 2),
                region: REGIONS[round % REGIONS.len()],
            });
            k += 1;
        }
        Self { specs, members }
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Every function of the fleet, in a stable order; `id` is the position.
    pub fn instances(&self) -> impl Iterator<Item = Instance<'_>> {
        self.members.iter().enumerate().map(|(id, m)| Instance {
            spec: &self.specs[m.spec],
            name: &m.name,
            region: m.region,
            id: id as u64,
        })
    }

    /// The account's concurrency limit in each region: the default, or the raised one an
    /// account of thousands of functions has asked for.
    pub fn concurrency_limit(&self) -> u32 {
        if self.members.len() > 1_000 {
            10_000
        } else {
            1_000
        }
    }

    /// Whether a function of that name runs in some region.
    pub fn knows(&self, name: &str) -> bool {
        self.members.iter().any(|m| m.name == name)
    }
}

/// The function that keeps provisioned concurrency warm (in us-east-1, its original only).
pub const PROVISIONED_FUNCTION: &str = "payments-charge";
/// How much: the demo bill's provisioned-concurrency line is its cost.
pub const PROVISIONED: u32 = 10;

impl Instance<'_> {
    /// Provisioned concurrency allocated to this instance.
    pub fn provisioned(&self) -> u32 {
        if self.name == PROVISIONED_FUNCTION && self.region == REGIONS[0] {
            PROVISIONED
        } else {
            0
        }
    }
}

/// Coordinates of one function instance in the model.
#[derive(Debug, Clone, Copy)]
pub struct Instance<'a> {
    pub spec: &'a Spec,
    /// The function's name: the spec's, or a copy's (`checkout-api-2`).
    pub name: &'a str,
    pub region: &'a str,
    /// Stable number of the instance, mixed into its noise.
    pub id: u64,
}
