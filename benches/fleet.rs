//! The two hot paths at 10,000 functions with 3 hours of history, timed by criterion:
//!
//! - `render`: one frame of the fleet view at 160×48 (target: 2 ms median), with the view
//!   cached as the app keeps it between frames; and, for comparison, a new minute of data end
//!   to end (ingest, figures, sort and flow recomputed, frame drawn), which happens once a
//!   minute;
//! - `ingest`: one one-minute refresh of 10,000 functions × 6 metrics into the store (target:
//!   20 ms);
//! - `recording`: what `:save` costs at 10,000 functions: the copy of the store the loop
//!   makes (all a frame waits for), and the writing and reading done off the loop's thread.
//!   The file's size is printed.
//!
//! `cargo bench --bench fleet`

use std::hint::black_box;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use lambdatop::app::{App, AppOptions, frame};
use lambdatop::source::SourceEvent;
use lambdatop::source::demo::fixture::{demo_accounts_store, demo_of, moment};
use lambdatop::source::demo::{DEFAULT_SEED, DemoSource, Fleet};
use lambdatop::store::{DEFAULT_RETENTION_MINUTES, Metric, Store};
use lambdatop::ui::theme::Theme;

// The binary's allocator, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const FUNCTIONS: usize = 10_000;

/// The big demo fleet with its 3 hours filled in, and the demo to take the next minute from.
fn big_demo(now: DateTime<Utc>) -> (DemoSource, Store) {
    let fleet = Arc::new(Fleet::sized(Some(FUNCTIONS)));
    demo_of(DEFAULT_SEED, fleet, now, DEFAULT_RETENTION_MINUTES)
}

/// The minute after `start` of every function, six metrics each, as a metrics poller sends it.
fn one_refresh(demo: &mut DemoSource, start: DateTime<Utc>) -> Vec<SourceEvent> {
    let six = [
        Metric::Invocations,
        Metric::Errors,
        Metric::Throttles,
        Metric::DurationAvg,
        Metric::DurationP99,
        Metric::ConcurrencyMax,
    ];
    let events: Vec<SourceEvent> = demo
        .events_at(start + Duration::minutes(1))
        .into_iter()
        .filter(|e| matches!(e, SourceEvent::Metrics(u) if six.contains(&u.metric)))
        .collect();
    assert_eq!(events.len(), FUNCTIONS * six.len());
    events
}

fn render(c: &mut Criterion) {
    let now = moment();
    let (mut demo, store) = big_demo(now);
    let mut app = App::new(store, Theme::default(), AppOptions::default(), now);
    assert_eq!(app.store.functions().len(), FUNCTIONS);
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("test terminal");
    let mut group = c.benchmark_group("render");
    group.bench_function("fleet view 10k functions 160x48", |b| {
        b.iter(|| {
            frame::draw_all(&mut terminal, black_box(&mut app)).expect("draw");
        })
    });
    // What a new minute of data costs end to end, once a minute: taking it into the store,
    // recomputing the figures, the sort and the flow, and drawing.
    let refresh = one_refresh(&mut demo, now);
    group.bench_function("new minute 10k functions: ingest, recompute, draw", |b| {
        b.iter_batched(
            || refresh.clone(),
            |events| {
                app.store.apply_all(events);
                app.recompute();
                frame::draw_all(&mut terminal, black_box(&mut app)).expect("draw");
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

/// Several accounts at scale: 50 accounts of 600 functions (30,000 functions in all, as
/// `--demo --accounts 50`), the ACCOUNT column shown. The target scales the 10,000-function
/// frame linearly at most: 6 ms.
fn render_accounts(c: &mut Criterion) {
    let now = moment();
    let store = demo_accounts_store(DEFAULT_SEED, 50, 600, now, DEFAULT_RETENTION_MINUTES);
    let mut app = App::new(store, Theme::default(), AppOptions::default(), now);
    assert_eq!(app.store.functions().len(), 30_000);
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("test terminal");
    c.bench_function(
        "render/fleet view 30k functions in 50 accounts 160x48",
        |b| {
            b.iter(|| {
                frame::draw_all(&mut terminal, black_box(&mut app)).expect("draw");
            })
        },
    );
}

fn ingest(c: &mut Criterion) {
    let now = moment();
    let (mut demo, mut store) = big_demo(now);
    let refresh = one_refresh(&mut demo, now);
    c.bench_function("ingest one refresh 10k functions x 6 metrics", |b| {
        b.iter_batched(
            || refresh.clone(),
            |events| store.apply_all(events),
            BatchSize::LargeInput,
        )
    });
}

fn recording(c: &mut Criterion) {
    let now = moment();
    let (_, store) = big_demo(now);
    let recorded = lambdatop::store::recording::Recorded {
        lambdatop: "bench".into(),
        recorded_at: now,
    };
    let mut bytes = Vec::new();
    store.write_recording(&mut bytes, &recorded).expect("write");
    eprintln!(
        "a recording of {FUNCTIONS} functions over 3 h: {} bytes",
        bytes.len()
    );
    let mut group = c.benchmark_group("recording");
    group.sample_size(10);
    group.bench_function(
        "copy of the store 10k functions (the loop's part of :save)",
        |b| b.iter(|| black_box(store.clone())),
    );
    group.bench_function("write 10k functions (off the loop)", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(bytes.len());
            store.write_recording(&mut out, &recorded).expect("write");
            out
        })
    });
    group.bench_function("read 10k functions (--replay)", |b| {
        b.iter(|| Store::read_recording(bytes.as_slice()).expect("read"))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = render, render_accounts, ingest, recording
}
criterion_main!(benches);
