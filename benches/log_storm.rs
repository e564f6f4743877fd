//! A log storm through the log pane: ten functions of a project at 500 lines a second each
//! (5,000 a second, Live Tail's most before it samples, CloudWatch Logs API Reference,
//! *LiveTailSessionUpdate*) for a simulated minute, in the two shapes the tail hands lines
//! on in:
//!
//! - Live Tail: an update of up to 500 events per log group each second, the ten groups'
//!   updates spread over the second;
//! - FilterLogEvents: every 2 s poll, 10,000 lines in pages of 5,000 (`PAGE_EVENTS`).
//!
//! The tail hands lines on in parts of `HAND_ON_LINES`; each frame (33 ms, the loop's pace)
//! takes parts into the store for `DRAIN_BUDGET` at most, as the app loop does (the rest wait
//! for the next frame), recomputes the view, answers a key (↑ or ↓, every third frame) and
//! draws at 160×48. Printed: the work of a frame (p50, p99, max: what a key waits at most
//! before its frame), the most lines waiting at a frame's end, the CPU of the simulated minute
//! as a share of one core, the resident memory after 10 s and after 60 s (flat: the
//! scrollback bounds it) and the peak, and the lines let go (the pane counts them on screen;
//! every line fed is held or counted).
//!
//! `cargo bench --bench log_storm`

use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

use lambdatop::app::run::DRAIN_BUDGET;
use lambdatop::app::screens::logs::{LogMemory, Logs};
use lambdatop::app::{App, AppOptions, LogsPart, Screen, frame};
use lambdatop::source::demo::fixture::{demo_of, moment};
use lambdatop::source::demo::{DEFAULT_SEED, Fleet};
use lambdatop::source::tail::HAND_ON_LINES;
use lambdatop::source::{SourceEvent, TailTarget};
use lambdatop::store::event::LogEvent;
use lambdatop::store::{DEFAULT_RETENTION_MINUTES, FunctionKey};
use lambdatop::ui::theme::Theme;

// The binary's allocator, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const FUNCTIONS: usize = 10;
const PER_FUNCTION_PER_SECOND: usize = 500;
const SECONDS: i64 = 60;
const FRAME_MS: i64 = 33;

/// The lines of one function over `[from_ms, to_ms)`: requests of five lines (START, a JSON
/// line, a text line, END, REPORT), one in twenty failing with an ERROR line, on twenty
/// streams.
struct Storm {
    keys: Vec<FunctionKey>,
    seq: u64,
}

impl Storm {
    fn lines(&mut self, f: usize, from_ms: i64, to_ms: i64) -> Vec<LogEvent> {
        let n = ((to_ms - from_ms) as usize * PER_FUNCTION_PER_SECOND) / 1000;
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            self.seq += 1;
            let at_ms = from_ms + (i as i64 * (to_ms - from_ms)) / n.max(1) as i64;
            let request = self.seq / 5;
            let id = format!("{:08x}-1f18-48d2-afde-{:012x}", f, request);
            let message = match self.seq % 5 {
                0 => format!("START RequestId: {id} Version: $LATEST"),
                1 if request.is_multiple_of(20) => format!(
                    r#"{{"level":"ERROR","requestId":"{id}","message":"charge failed for order {}","errorType":"UpstreamError"}}"#,
                    request % 9973
                ),
                1 => format!(
                    r#"{{"level":"INFO","requestId":"{id}","msg":"charged","ms":{}}}"#,
                    request % 300
                ),
                2 => format!(
                    "2026-11-23T03:07:30.000Z\t{id}\tINFO\tcart {} has {} items",
                    request,
                    request % 7
                ),
                3 => format!("END RequestId: {id}"),
                _ => format!(
                    "REPORT RequestId: {id}\tDuration: {}.20 ms\tBilled Duration: {} ms\tMemory Size: 512 MB\tMax Memory Used: {} MB",
                    40 + request % 200,
                    41 + request % 200,
                    90 + request % 50
                ),
            };
            out.push(LogEvent {
                function: self.keys[f].clone(),
                at_ms,
                stream: format!(
                    "2026/11/23/[$LATEST]{:032x}",
                    (f as u64) << 8 | (request % 20)
                ),
                event_id: format!("{:056}", self.seq),
                message,
            });
        }
        out
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    LiveTail,
    FilterLogEvents,
}

struct Figures {
    p50: StdDuration,
    p99: StdDuration,
    max: StdDuration,
    /// The most lines waiting for the store at a frame's end.
    backlog: usize,
    cpu_share: f64,
    rss_10s: u64,
    rss_60s: u64,
    fed: u64,
    held: usize,
    dropped: u64,
    footer: String,
}

/// `VmRSS` or `VmHWM` of this process, in KiB.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

fn storm(shape: Shape, part: LogsPart, filter: &str) -> Figures {
    let now = moment();
    let (_demo, store) = demo_of(
        DEFAULT_SEED,
        std::sync::Arc::new(Fleet::sized(None)),
        now,
        DEFAULT_RETENTION_MINUTES,
    );
    let keys: Vec<FunctionKey> = store
        .functions()
        .iter()
        .take(FUNCTIONS)
        .map(|f| f.facts.key())
        .collect();
    assert_eq!(keys.len(), FUNCTIONS);
    let mut app = App::new(store, Theme::default(), AppOptions::default(), now);
    let target = TailTarget::follow("project storm (10 functions)".into(), keys.clone(), vec![]);
    let mut logs = Logs::open(target, false, &LogMemory::default());
    logs.open_part(part);
    logs.lines.layout.filter = filter.to_string();
    app.screen = Screen::Logs(Box::new(logs));
    app.recompute();
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("test terminal");
    let mut storm = Storm { keys, seq: 0 };
    let start_ms = now.timestamp_millis();
    let mut fed = 0u64;
    let mut frames = Vec::new();
    let mut rss_10s = 0;
    let mut waiting: std::collections::VecDeque<Vec<LogEvent>> = Default::default();
    let mut backlog = 0;
    let frames_total = SECONDS * 1000 / FRAME_MS;
    for n in 0..frames_total {
        let from = start_ms + n * FRAME_MS;
        let to = from + FRAME_MS;
        // The lines that arrive during this frame.
        let mut batch = Vec::new();
        match shape {
            Shape::LiveTail => {
                // Group f's update lands at f × 100 ms into each second, with its second's lines.
                for f in 0..FUNCTIONS {
                    let at = (f as i64) * 100;
                    let (a, b) = ((from - start_ms) % 1000, (to - start_ms) % 1000);
                    let lands = if a < b {
                        a <= at && at < b
                    } else {
                        a <= at || at < b
                    };
                    if lands {
                        let second = start_ms + ((to - start_ms) / 1000) * 1000;
                        batch.push(storm.lines(f, second - 1000, second));
                    }
                }
            }
            Shape::FilterLogEvents => {
                // A poll every 2 s: its pages of 5,000 come in one after the other.
                if (to - start_ms) / 2000 != (from - start_ms) / 2000 {
                    let end = start_ms + ((to - start_ms) / 2000) * 2000;
                    let mut all: Vec<LogEvent> = (0..FUNCTIONS)
                        .flat_map(|f| storm.lines(f, end - 2000, end))
                        .collect();
                    all.sort_by_key(|e| e.at_ms);
                    while !all.is_empty() {
                        let rest = all.split_off(all.len().min(5000));
                        batch.push(std::mem::replace(&mut all, rest));
                    }
                }
            }
        }
        // As the tail hands them on: in parts.
        for lines in batch {
            fed += lines.len() as u64;
            let mut lines = lines.into_iter().peekable();
            while lines.peek().is_some() {
                waiting.push_back(lines.by_ref().take(HAND_ON_LINES).collect());
            }
        }
        let began = Instant::now();
        // As the loop takes them: a frame's share of time at most.
        if let Some(first) = waiting.pop_front() {
            app.store.apply(SourceEvent::Logs(first));
            while began.elapsed() < DRAIN_BUDGET
                && let Some(part) = waiting.pop_front()
            {
                app.store.apply(SourceEvent::Logs(part));
            }
        }
        app.set_now(now + Duration::milliseconds(to - start_ms));
        if n % 3 == 0 {
            let code = if n % 6 == 0 {
                KeyCode::Up
            } else {
                KeyCode::Down
            };
            app.handle_key(KeyEvent::from(code));
        }
        frame::draw_all(&mut terminal, &mut app).expect("draw");
        frames.push(began.elapsed());
        backlog = backlog.max(waiting.iter().map(Vec::len).sum());
        if n == 10_000 / FRAME_MS {
            rss_10s = status_kib("VmRSS:");
        }
    }
    let rss_60s = status_kib("VmRSS:");
    for part in waiting {
        app.store.apply(SourceEvent::Logs(part));
    }
    let busy: StdDuration = frames.iter().sum();
    frames.sort();
    let at = |q: f64| frames[((frames.len() - 1) as f64 * q) as usize];
    let buffer = terminal.backend().buffer();
    let footer = (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .find(|l| l.contains("let go"))
        .map(|l| {
            l.trim_matches(|c: char| c == '└' || c == '┘' || c == '─' || c == ' ')
                .to_string()
        })
        .unwrap_or_default();
    Figures {
        p50: at(0.5),
        p99: at(0.99),
        max: *frames.last().unwrap_or(&StdDuration::ZERO),
        backlog,
        cpu_share: busy.as_secs_f64() / SECONDS as f64,
        rss_10s,
        rss_60s,
        fed,
        held: app.store.logs().len(),
        dropped: app.store.logs().dropped(),
        footer,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; there is nothing to choose.
    println!(
        "log storm: {FUNCTIONS} functions × {PER_FUNCTION_PER_SECOND} lines/s for {SECONDS} s, 160×48, scrollback 10,000\n"
    );
    println!(
        "{:<40} {:>8} {:>8} {:>8} {:>8} {:>5} {:>8} {:>8} {:>7}",
        "shape · view", "p50", "p99", "max", "waiting", "CPU", "RSS 10s", "RSS 60s", "let go"
    );
    let runs = [
        (
            Shape::LiveTail,
            LogsPart::Lines,
            "",
            "Live Tail · lines, following",
        ),
        (
            Shape::LiveTail,
            LogsPart::Lines,
            "ERROR",
            "Live Tail · lines, filter ERROR",
        ),
        (
            Shape::LiveTail,
            LogsPart::Errors,
            "",
            "Live Tail · errors view",
        ),
        (
            Shape::LiveTail,
            LogsPart::Invocations,
            "",
            "Live Tail · invocations view",
        ),
        (
            Shape::FilterLogEvents,
            LogsPart::Lines,
            "",
            "FilterLogEvents pages · lines",
        ),
        (
            Shape::FilterLogEvents,
            LogsPart::Errors,
            "",
            "FilterLogEvents pages · errors view",
        ),
    ];
    let mut footer = String::new();
    for (shape, part, filter, name) in runs {
        let f = storm(shape, part, filter);
        assert_eq!(
            f.held as u64 + f.dropped,
            f.fed,
            "every line is held or counted as let go"
        );
        let ms = |d: StdDuration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        println!(
            "{:<40} {:>8} {:>8} {:>8} {:>8} {:>4.0}% {:>4} MiB {:>4} MiB {:>7}",
            name,
            ms(f.p50),
            ms(f.p99),
            ms(f.max),
            f.backlog,
            f.cpu_share * 100.0,
            f.rss_10s / 1024,
            f.rss_60s / 1024,
            f.dropped
        );
        if footer.is_empty() {
            footer = f.footer;
        }
    }
    println!(
        "\npeak RSS {} MiB; the pane's foot after the first run: {footer}",
        status_kib("VmHWM:") / 1024
    );
}
