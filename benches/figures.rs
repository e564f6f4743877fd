//! Figures that are counts, not times, printed as a table for the README:
//!
//! - memory: the store's heap bytes for 1,000 and 10,000 demo functions with 3 hours of
//!   history, per function and per function-hour (counted by a global allocator), and what a
//!   24-hour and a 7-day window keep beside them;
//! - terminal output at 160×48: the first frame, a redraw with nothing new (must be 0 bytes),
//!   the seconds of an idle minute, and a one-minute refresh (what an SSH session carries);
//! - API economy: requests and billed metrics per one-minute refresh for 1,000 and 10,000
//!   functions, read off the dashboard's own request counter while the real region source
//!   polls moto's server (skipped without `LAMBDATOP_TEST_MOTO_URL`; `scripts/bench` starts
//!   one);
//! - `lambdatop logs` over 200,000 lines (30 minutes of a busy function, four streams) read from
//!   moto's FilterLogEvents: the peak RSS and the time of the real binary (needs moto, too).
//!
//! `scripts/bench figures` (or `cargo bench --bench figures` for the first two).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{self, Read, Write};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use lambdatop::app::frame::{self, Shown};
use lambdatop::app::{App, AppOptions};
use lambdatop::source::demo::fixture::{demo_of, demo_over, moment};
use lambdatop::source::demo::{DEFAULT_CADENCE, DEFAULT_SEED, Fleet};
use lambdatop::source::{LoadingState, SourceEvent};
use lambdatop::store::{DEFAULT_RETENTION_MINUTES, FunctionKey, Window};
use lambdatop::ui::theme::Theme;

/// Counts the bytes the process holds on the heap.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call goes to the system allocator unchanged; only the sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn loaded(at: DateTime<Utc>) -> SourceEvent {
    SourceEvent::Status {
        source: "demo".into(),
        state: LoadingState::Loaded,
        at,
    }
}

/// Heap bytes a store of `functions` holds with `retention` minutes of history.
fn store_bytes(functions: usize, retention: u32) -> usize {
    let fleet = Arc::new(Fleet::sized(Some(functions)));
    let before = LIVE.load(Ordering::Relaxed);
    // The parts of the first poll are consumed by the store as they come: what stays
    // allocated is what the store keeps (and the finished demo's few bytes).
    let demo = demo_of(DEFAULT_SEED, fleet, moment(), retention);
    let held = LIVE.load(Ordering::Relaxed) - before;
    drop(demo);
    held
}

/// Heap bytes a store of `functions` holds for `window` beyond what the same store holds for
/// the dashboard's first hour: the span kept beside the minutes.
fn span_bytes(functions: usize, window: Window) -> usize {
    let fleet = Arc::new(Fleet::sized(Some(functions)));
    let before = LIVE.load(Ordering::Relaxed);
    let with = demo_over(
        DEFAULT_SEED,
        fleet.clone(),
        moment(),
        DEFAULT_RETENTION_MINUTES,
        window,
    );
    let held = LIVE.load(Ordering::Relaxed) - before;
    drop(with);
    let before = LIVE.load(Ordering::Relaxed);
    let without = demo_of(DEFAULT_SEED, fleet, moment(), DEFAULT_RETENTION_MINUTES);
    let base = LIVE.load(Ordering::Relaxed) - before;
    drop(without);
    held.saturating_sub(base)
}

fn memory() {
    println!("## Memory (store heap bytes, demo fleet)");
    for (name, window) in [("24 h", Window::H24), ("7 d", Window::D7)] {
        let functions = 10_000;
        let span = span_bytes(functions, window);
        println!(
            "{functions:>6} functions, a {name} window beside the 3 h of minutes: {:>6.1} MiB more, {:>6} B/function",
            span as f64 / 1_048_576.0,
            span / functions
        );
    }
    // Several accounts: 50 of 600 functions (as `--demo --accounts 50`).
    let before = LIVE.load(Ordering::Relaxed);
    let store = lambdatop::source::demo::fixture::demo_accounts_store(
        DEFAULT_SEED,
        50,
        600,
        moment(),
        DEFAULT_RETENTION_MINUTES,
    );
    let held = LIVE.load(Ordering::Relaxed) - before;
    let functions = store.functions().len();
    drop(store);
    println!(
        "{functions:>6} functions in 50 accounts, 3 h: {:>6.1} MiB, {:>6} B/function",
        held as f64 / 1_048_576.0,
        held / functions
    );
    let hour = 60;
    for functions in [1_000, 10_000] {
        let full = store_bytes(functions, DEFAULT_RETENTION_MINUTES);
        let one_hour = store_bytes(functions, hour);
        let per_function_hour = (full - one_hour) as f64
            / (functions as f64 * f64::from(DEFAULT_RETENTION_MINUTES - hour) / 60.0);
        println!(
            "{functions:>6} functions, 3 h: {:>6.1} MiB, {:>6} B/function, {:>5.0} B/function-hour of history",
            full as f64 / 1_048_576.0,
            full / functions,
            per_function_hour
        );
    }
}

/// A writer that only counts.
#[derive(Default, Clone)]
struct Counter(Rc<Cell<usize>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn terminal_output() {
    println!("\n## Terminal output at 160x48 (bytes written)");
    for functions in [None, Some(10_000)] {
        let now = moment();
        let fleet = Arc::new(Fleet::sized(functions));
        let (mut source, store) = demo_of(DEFAULT_SEED, fleet, now, DEFAULT_RETENTION_MINUTES);
        let functions = store.functions().len();
        let mut app = App::new(store, Theme::default(), AppOptions::default(), now);
        let written = Counter::default();
        let mut terminal = Terminal::with_options(
            CrosstermBackend::new(written.clone()),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, 160, 48)),
            },
        )
        .expect("terminal");
        let mut shown = Shown::default();
        let mut bytes = |app: &mut App, terminal: &mut Terminal<CrosstermBackend<Counter>>| {
            let before = written.0.get();
            frame::draw(terminal, app, &mut shown).expect("draw");
            written.0.get() - before
        };
        let first = bytes(&mut app, &mut terminal);
        let again = bytes(&mut app, &mut terminal);
        // The seconds of a minute with no new data, as the one-second tick redraws them.
        let mut idle_seconds = 0;
        for s in 1..30 {
            app.set_now(now + Duration::seconds(s));
            idle_seconds += bytes(&mut app, &mut terminal);
        }
        // The next minute's poll.
        let next = now + Duration::minutes(1);
        app.store.apply_all(source.events_at(next));
        app.store.apply(loaded(next));
        app.set_now(next);
        let refresh = bytes(&mut app, &mut terminal);
        println!(
            "{functions:>6} functions: first frame {first} B, unchanged redraw {again} B, \
             29 idle seconds {idle_seconds} B, one-minute refresh {refresh} B"
        );
        assert_eq!(again + idle_seconds, 0, "an idle screen writes nothing");
    }
}

/// Posts a form to moto's IAM: the role moto wants before it creates functions.
fn ensure_role(url: &str) {
    let host = url.trim_start_matches("http://");
    let body =
        "Action=CreateRole&Version=2010-05-08&RoleName=lambda-role&AssumeRolePolicyDocument=%7B%7D";
    let auth = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0";
    let mut s = std::net::TcpStream::connect(host).expect("moto's server");
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: {host}\r\nAuthorization: {auth}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("request");
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
}

async fn create_functions(url: &str, region: &str, n: usize) {
    use aws_sdk_lambda::primitives::Blob;
    use aws_sdk_lambda::types::{FunctionCode, Runtime};
    let config = aws_sdk_lambda::Config::builder()
        .behavior_version(aws_sdk_lambda::config::BehaviorVersion::latest())
        .region(aws_sdk_lambda::config::Region::new(region.to_string()))
        .endpoint_url(url)
        .credentials_provider(aws_sdk_lambda::config::Credentials::for_tests())
        .build();
    let lambda = aws_sdk_lambda::Client::from_conf(config);
    let existing = lambda
        .list_functions()
        .max_items(1)
        .send()
        .await
        .map(|r| r.functions().len())
        .unwrap_or(0);
    if existing > 0 {
        return; // seeded by an earlier run against the same server
    }
    // The smallest valid zip archive: an end-of-central-directory record.
    let zip = [
        0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    let names: Vec<String> = (0..n).map(|i| format!("fn-{i:05}")).collect();
    for chunk in names.chunks(16) {
        let calls = chunk.iter().map(|name| {
            lambda
                .create_function()
                .function_name(name)
                .runtime(Runtime::Python312)
                .role("arn:aws:iam::123456789012:role/lambda-role")
                .handler("app.handler")
                .code(
                    FunctionCode::builder()
                        .zip_file(Blob::new(zip.to_vec()))
                        .build(),
                )
                .tags("project", format!("p{}", name.len() % 7))
                .send()
        });
        for r in futures::future::join_all(calls).await {
            r.expect("CreateFunction");
        }
    }
}

/// One function in ten receives asynchronous events: it publishes `AsyncEventsReceived`, so
/// ListMetrics finds it and its queue figures are read.
async fn seed_async(url: &str, region: &str, n: usize) {
    use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
    let config = aws_sdk_cloudwatch::Config::builder()
        .behavior_version(aws_sdk_cloudwatch::config::BehaviorVersion::latest())
        .region(aws_sdk_cloudwatch::config::Region::new(region.to_string()))
        .endpoint_url(url)
        .credentials_provider(aws_sdk_cloudwatch::config::Credentials::for_tests())
        .build();
    let cw = aws_sdk_cloudwatch::Client::from_conf(config);
    let now = Utc::now().timestamp();
    let data: Vec<MetricDatum> = (0..n)
        .step_by(10)
        .map(|i| {
            MetricDatum::builder()
                .metric_name("AsyncEventsReceived")
                .dimensions(
                    Dimension::builder()
                        .name("FunctionName")
                        .value(format!("fn-{i:05}"))
                        .build(),
                )
                .timestamp(aws_smithy_types::DateTime::from_secs(now - 120))
                .value(5.0)
                .build()
        })
        .collect();
    for chunk in data.chunks(20) {
        cw.put_metric_data()
            .namespace("AWS/Lambda")
            .set_metric_data(Some(chunk.to_vec()))
            .send()
            .await
            .expect("PutMetricData");
    }
}

/// What each one-minute poll of a region of `n` functions asks, 40 on screen: the first
/// poll, then each of the hour after it, as (requests, billed metrics, dollars). Its metrics,
/// alarms and event sources are polled (the REPORT and capacity reads are sources of their
/// own, not counted here).
async fn api_economy_of(
    url: &str,
    region: &str,
    n: usize,
) -> ((u64, u64, f64), Vec<(u64, u64, f64)>) {
    create_functions(url, region, n).await;
    seed_async(url, region, n).await;
    let account = lambdatop::source::aws::connect(&lambdatop::source::aws::AwsOptions {
        profile: None,
        regions: vec![region.to_string()],
        endpoint_url: Some(url.to_string()),
        api_share: None,
    })
    .await
    .expect("connect to moto");
    let mut all = account.sources(
        DEFAULT_CADENCE,
        StdDuration::from_secs(300),
        DEFAULT_RETENTION_MINUTES,
    );
    let names = [
        format!("aws {region}"),
        format!("alarms {region}"),
        format!("event sources {region}"),
    ];
    let mut others: Vec<Box<dyn lambdatop::source::Source>> = Vec::new();
    let mut source = None;
    for s in all.drain(..) {
        if s.name() == names[0] {
            source = Some(s);
        } else if names[1..].iter().any(|n| n == s.name()) {
            others.push(s);
        }
    }
    let mut source = source.expect("the region's source");
    let start = Utc::now();
    let mut polls = Vec::new();
    let mut before = account.usage.snapshot();
    for minute in 0..=60 {
        let at = start + Duration::minutes(minute);
        let events = source.poll(at).await;
        for o in &mut others {
            o.poll(at).await;
        }
        if minute == 0 {
            // The rows on screen, as the app reports them after its first frame.
            let mut names: Vec<String> = events
                .iter()
                .filter_map(|e| match e {
                    SourceEvent::Inventory { functions, .. } => {
                        Some(functions.iter().map(|f| f.name.clone()).collect::<Vec<_>>())
                    }
                    _ => None,
                })
                .flatten()
                .collect();
            names.sort();
            let keys: Vec<FunctionKey> = names
                .into_iter()
                .take(40)
                .map(|name| FunctionKey::new(region, name))
                .collect();
            source.watch(&keys);
        }
        let after = account.usage.snapshot();
        polls.push((
            after.requests() - before.requests(),
            after.metrics() - before.metrics(),
            after.est_cost_usd() - before.est_cost_usd(),
        ));
        before = after;
    }
    let first = polls[0];
    (first, polls.split_off(1))
}

fn api_economy() {
    println!("\n## API economy (one region, 40 rows on screen, one-minute polls)");
    let Ok(url) = std::env::var("LAMBDATOP_TEST_MOTO_URL") else {
        println!("skipped: set LAMBDATOP_TEST_MOTO_URL (scripts/bench starts moto's server)");
        return;
    };
    ensure_role(&url);
    // SAFETY: set before the runtime starts any thread.
    unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    for (region, n) in [("eu-west-3", 1_000), ("ap-southeast-2", 10_000)] {
        let ((requests, metrics, _), rest) = runtime.block_on(api_economy_of(&url, region, n));
        let hour = &rest[..];
        let sum = |f: fn(&(u64, u64, f64)) -> u64| hour.iter().map(f).sum::<u64>();
        let max = |f: fn(&(u64, u64, f64)) -> u64| hour.iter().map(f).max().unwrap_or(0);
        let hour_metrics = sum(|p| p.1);
        let hour_usd: f64 = hour.iter().map(|p| p.2).sum();
        println!(
            "{n:>6} functions ({} invoked asynchronously): first poll {requests} requests / \
             {metrics} metrics; then per refresh {:.1} requests / {:.0} metrics on average (at \
             most {} / {}); {hour_metrics} metrics and {} requests an hour = ${hour_usd:.2}/h",
            n.div_ceil(10),
            sum(|p| p.0) as f64 / 60.0,
            hour_metrics as f64 / 60.0,
            max(|p| p.0),
            max(|p| p.1),
            sum(|p| p.0),
        );
    }
}

/// Puts `lines` log lines over the 30 minutes before now into `group`, in four streams.
async fn seed_logs(url: &str, region: &str, group: &str, lines: usize) {
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;
    let config = aws_sdk_cloudwatchlogs::Config::builder()
        .behavior_version(aws_sdk_cloudwatchlogs::config::BehaviorVersion::latest())
        .region(aws_sdk_cloudwatchlogs::config::Region::new(
            region.to_string(),
        ))
        .endpoint_url(url)
        .credentials_provider(aws_sdk_cloudwatchlogs::config::Credentials::for_tests())
        .build();
    let logs = aws_sdk_cloudwatchlogs::Client::from_conf(config);
    if logs
        .create_log_group()
        .log_group_name(group)
        .send()
        .await
        .is_err()
    {
        return; // seeded by an earlier run against the same server
    }
    let start = Utc::now().timestamp_millis() - 30 * 60_000;
    let streams = 4;
    let per_stream = lines / streams;
    let step = (30 * 60_000) / per_stream as i64;
    for s in 0..streams {
        let stream = format!("2026/12/01/[$LATEST]{s:032x}");
        logs.create_log_stream()
            .log_group_name(group)
            .log_stream_name(&stream)
            .send()
            .await
            .expect("CreateLogStream");
        let events: Vec<InputLogEvent> = (0..per_stream)
            .map(|i| {
                let message = format!(
                    "{{\"level\":\"INFO\",\"requestId\":\"{s:08x}-{i:08x}\",\"message\":\"order {i} accepted for fulfilment\",\"latencyMs\":{}}}",
                    i % 250
                );
                InputLogEvent::builder()
                    .timestamp(start + i as i64 * step + s as i64)
                    .message(message)
                    .build()
                    .expect("event")
            })
            .collect();
        for batch in events.chunks(10_000) {
            logs.put_log_events()
                .log_group_name(group)
                .log_stream_name(&stream)
                .set_log_events(Some(batch.to_vec()))
                .send()
                .await
                .expect("PutLogEvents");
        }
    }
}

fn logs_memory() {
    println!("\n## `lambdatop logs` over 200,000 lines (moto's FilterLogEvents)");
    let Ok(url) = std::env::var("LAMBDATOP_TEST_MOTO_URL") else {
        println!("skipped: set LAMBDATOP_TEST_MOTO_URL (scripts/bench starts moto's server)");
        return;
    };
    let region = "us-west-2";
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(seed_logs(&url, region, "/aws/lambda/bench-orders", 200_000));
    let started = std::time::Instant::now();
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["logs", "bench-orders", "--since", "40m", "--region", region])
        .env("AWS_ENDPOINT_URL", &url)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("/usr/bin/time and the lambdatop binary");
    let seconds = started.elapsed().as_secs_f64();
    let lines = out.stdout.iter().filter(|b| **b == b'\n').count();
    let err = String::from_utf8_lossy(&out.stderr);
    let peak_kib: u64 = err
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS from /usr/bin/time: {err}"));
    println!(
        "{lines} lines printed in {seconds:.1} s; peak RSS {:.1} MiB",
        peak_kib as f64 / 1024.0
    );
    assert_eq!(lines, 200_000, "every line, once");
}

fn main() {
    // `cargo bench` passes `--bench`; a name filter picks sections.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f));
    if wanted("memory") {
        memory();
    }
    if wanted("terminal") {
        terminal_output();
    }
    if wanted("api") {
        api_economy();
    }
    if wanted("logs") {
        logs_memory();
    }
}
