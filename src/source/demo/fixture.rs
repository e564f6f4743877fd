//! The demo fleet at a fixed moment, filled as its first poll leaves it: the one fixture the
//! screenshots, the tests and the benchmarks share, and the demo's session as the header
//! names it.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};

use super::{DEFAULT_CADENCE, DemoSource, Fleet};
use crate::source::Source;
use crate::store::{
    DEFAULT_RETENTION_MINUTES, LoadingState, Session, SourceEvent, SourceKind, Store, Window,
};

/// 03:07:30 UTC on 2026-11-23: the middle of an on-call night, and of the demo's incidents
/// (and half-way through a minute).
pub fn moment() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 3, 7, 30)
        .single()
        .unwrap_or_default()
}

/// Who the demo's store speaks for.
pub fn session() -> Session {
    Session {
        kind: SourceKind::Demo,
        profile: Some("demo".to_string()),
        regions: DemoSource::regions(),
        accounts: Vec::new(),
    }
}

/// The `i`th account of a demo of several: its id and whose it is (a team's, an
/// environment's), as `sts:GetCallerIdentity` and `iam:ListAccountAliases` would say.
pub fn demo_account(i: u32) -> (crate::store::AccountId, crate::store::Identity) {
    const TEAMS: [&str; 10] = [
        "payments", "search", "media", "identity", "orders", "growth", "data", "edge", "ops",
        "mobile",
    ];
    const ENVS: [&str; 5] = ["prod", "staging", "dev", "sandbox", "shared"];
    let id = format!("{:012}", 210_000_000_000_u64 + u64::from(i) * 1_111);
    let n = i as usize;
    let alias = format!(
        "{}-{}",
        TEAMS[n % TEAMS.len()],
        ENVS[(n / TEAMS.len()) % ENVS.len()]
    );
    let alias = if n >= TEAMS.len() * ENVS.len() {
        format!("{alias}-{}", n / (TEAMS.len() * ENVS.len()) + 1)
    } else {
        alias
    };
    (
        crate::store::AccountId::parse(&id).expect("twelve digits"),
        crate::store::Identity {
            account_id: id,
            alias: Some(alias),
            partition: "aws".into(),
        },
    )
}

/// The session of a demo of `n` accounts (`--demo --accounts N`).
pub fn accounts_session(n: u32) -> Session {
    let mut s = session();
    s.accounts = (0..n)
        .map(|i| crate::store::account::Watched {
            id: demo_account(i).0,
            regions: s.regions.clone(),
            metrics_only: false,
        })
        .collect();
    s
}

/// A demo of `accounts` accounts of `per_account` functions each, as their first polls at
/// `now` leave it (the scale benchmarks: 50 accounts × 600 functions).
pub fn demo_accounts_store(
    seed: u64,
    accounts: u32,
    per_account: usize,
    now: DateTime<Utc>,
    retention: u32,
) -> Store {
    let fleet = Arc::new(Fleet::sized(Some(per_account)));
    let mut store = Store::new(
        accounts_session(accounts),
        retention,
        crate::store::project::DEFAULT_PROJECT_TAG,
    );
    for i in 0..accounts {
        let (id, identity) = demo_account(i);
        let mut demo = DemoSource::new(
            seed.wrapping_add(u64::from(i)),
            now,
            retention,
            DEFAULT_CADENCE,
        )
        .with_fleet(fleet.clone())
        .with_identity(identity);
        demo.control(&crate::source::Control::Window(Window::H1));
        first_poll(&mut store, &mut demo, now, id);
    }
    store
}

/// The demo's first poll at `now` into `store`, as `account`'s, part by part as the runner
/// takes it (a big fleet's history never sits whole in memory), and its status recorded.
fn first_poll(
    store: &mut Store,
    demo: &mut DemoSource,
    now: DateTime<Utc>,
    account: crate::store::AccountId,
) {
    loop {
        store.apply_all(demo.part_at(now).into_iter().map(|e| e.in_account(account)));
        if !demo.has_more() {
            break;
        }
    }
    store.apply(SourceEvent::Status {
        source: "demo".into(),
        state: LoadingState::Loaded,
        at: now,
    });
}

/// An empty store for the demo, keeping `retention` minutes.
pub fn empty_store(retention: u32) -> Store {
    Store::new(
        session(),
        retention,
        crate::store::project::DEFAULT_PROJECT_TAG,
    )
}

/// The demo fleet as its first poll at `now` leaves it.
pub fn demo_store(seed: u64, now: DateTime<Utc>) -> Store {
    demo_store_of(seed, Arc::new(Fleet::default()), now)
}

/// `fleet` as the demo's first poll at `now` leaves it.
pub fn demo_store_of(seed: u64, fleet: Arc<Fleet>, now: DateTime<Utc>) -> Store {
    demo_of(seed, fleet, now, DEFAULT_RETENTION_MINUTES).1
}

/// `fleet` with `retention` minutes of history as the demo's first poll at `now` leaves it,
/// and the demo to poll on from there (benchmarks take its next minutes).
pub fn demo_of(
    seed: u64,
    fleet: Arc<Fleet>,
    now: DateTime<Utc>,
    retention: u32,
) -> (DemoSource, Store) {
    // Distributions over the dashboard's own first window.
    demo_over(seed, fleet, now, retention, Window::H1)
}

/// The demo fleet as its first poll at `now` leaves it for `window`: a long or past one is
/// kept beside the minutes, at its period.
pub fn demo_store_over(seed: u64, now: DateTime<Utc>, window: Window) -> Store {
    let fleet = Arc::new(Fleet::default());
    demo_over(seed, fleet, now, DEFAULT_RETENTION_MINUTES, window).1
}

/// `demo_of` for `window`.
pub fn demo_over(
    seed: u64,
    fleet: Arc<Fleet>,
    now: DateTime<Utc>,
    retention: u32,
    window: Window,
) -> (DemoSource, Store) {
    let mut store = empty_store(retention);
    store.set_span(window.span(now, retention));
    let mut demo = DemoSource::new(seed, now, retention, DEFAULT_CADENCE).with_fleet(fleet);
    demo.control(&crate::source::Control::Window(window));
    first_poll(&mut store, &mut demo, now, crate::store::AccountId::OWN);
    (demo, store)
}
