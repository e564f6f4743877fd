//! `lambdatop record` and the recordings the dashboard's `:save` writes: what the store
//! holds, in one file (`store::recording`) that `--replay` opens.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

use crate::cli::RecordArgs;
use crate::clock::SharedClock;
use crate::settings::Settings;
use crate::store::recording::Recorded;
use crate::store::{Store, Window};

/// The store written to `path`, 0600: a recording holds an account's figures and logs.
/// Returns the file's size.
pub fn write(store: &Store, path: &Path, at: DateTime<Utc>) -> Result<u64> {
    let mut bytes = Vec::new();
    store
        .write_recording(&mut bytes, &Recorded::by_this_build(at))
        .context("cannot write the recording")?;
    crate::private::write(path, &bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(bytes.len() as u64)
}

/// The store a recording holds, and when it was made; one line of error for a file that is
/// missing, damaged or not a recording.
pub fn open(path: &Path) -> Result<(Store, Recorded)> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot open the recording {}", path.display()))?;
    Store::read_recording(std::io::BufReader::new(file))
        .with_context(|| format!("cannot replay {}", path.display()))
}

/// When the recording at `path` was made, from its first line alone.
pub fn time_of(path: &Path) -> Result<Recorded> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot open the recording {}", path.display()))?;
    crate::store::recording::read_header(std::io::BufReader::new(file))
        .with_context(|| format!("cannot replay {}", path.display()))
}

pub async fn run(settings: &Settings, args: &RecordArgs, clock: SharedClock) -> Result<()> {
    let window = super::window(settings, Window::H3, clock.now())?;
    let mut store = super::snapshot::read_once(settings, window, &clock).await?;
    let lines = read_logs(settings, &mut store, window, clock.now(), args.logs).await?;
    let size = write(&store, &args.out, clock.now())?;
    super::print_line(&format!(
        "recorded {} functions over {window}{lines} to {} ({:.1} MB): lambdatop --replay {}",
        store.functions().len(),
        args.out.display(),
        size as f64 / 1e6,
        args.out.display()
    ))
}

/// Minutes of logs a recording keeps of each function in breach.
const LOG_MINUTES: i64 = 15;

/// The last minutes of logs of the `n` functions most in breach, into the store's log
/// buffer (bounded by the scrollback, as the log pane's is): what the next shift opens with
/// `l`. Says what was kept, for the line `record` prints.
async fn read_logs(
    settings: &Settings,
    store: &mut Store,
    window: Window,
    now: DateTime<Utc>,
    n: u32,
) -> Result<String> {
    use crate::store::health::Breach;
    let stats = crate::store::figures::fleet_stats(store, window, now);
    let mut breaching: Vec<(f64, crate::store::FunctionKey)> = store
        .functions()
        .iter()
        .zip(&stats.functions)
        .filter(|(_, s)| Breach::of(s, &settings.thresholds).any())
        .map(|(f, s)| (s.errors.unwrap_or(0.0), f.facts.key()))
        .collect();
    if n == 0 || breaching.is_empty() {
        return Ok(String::new());
    }
    // Logs are read from one account; among several, the figures are recorded alone.
    if store.session().accounts.len() > 1 {
        return Ok(" (no logs: they are read from one account)".into());
    }
    breaching.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    breaching.truncate(n as usize);
    let chosen: Vec<crate::store::FunctionKey> = breaching.into_iter().map(|(_, k)| k).collect();
    let mut names: Vec<String> = chosen.iter().map(|k| k.name.clone()).collect();
    names.sort();
    names.dedup();
    let mut reader = super::logs::reader(settings, &names, None, now).await?;
    reader.targets.retain(|k| chosen.contains(k));
    let to = now.timestamp_millis();
    let from = to - LOG_MINUTES * 60_000;
    let mut lines = 0;
    let streamed = reader
        .logs
        .read_each(&reader.targets, from, to, None, |events| {
            lines += events.len();
            store.apply(crate::store::SourceEvent::Logs(events));
        })
        .await;
    for (key, e) in &streamed.failures {
        eprintln!("lambdatop: warning: the logs of {key} could not be read: {e}");
    }
    let kept = store.logs().len();
    Ok(format!(
        " with {kept} log lines of {} function(s) in breach{}",
        chosen.len(),
        if kept < lines {
            format!(" (the newest {kept} of {lines}: --scrollback)")
        } else {
            String::new()
        }
    ))
}
