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

/// What a recording says of itself: this build, and the store's time.
pub fn recorded_at(at: DateTime<Utc>) -> Recorded {
    Recorded {
        lambdatop: crate::cli::VERSION.to_string(),
        recorded_at: at,
    }
}

/// The store written to `path`, 0600: a recording holds an account's figures and logs.
/// Returns the file's size.
pub fn write(store: &Store, path: &Path, at: DateTime<Utc>) -> Result<u64> {
    let mut bytes = Vec::new();
    store
        .write_recording(&mut bytes, &recorded_at(at))
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
    if settings.replay.is_some() {
        anyhow::bail!("record reads an account or the demo: leave out --replay");
    }
    let window = super::window(settings, Window::H3, clock.now())?;
    let store = super::snapshot::read_once(settings, window, &clock).await?;
    let size = write(&store, &args.out, clock.now())?;
    super::print_line(&format!(
        "recorded {} functions over {window} to {} ({:.1} MB): lambdatop --replay {}",
        store.functions().len(),
        args.out.display(),
        size as f64 / 1e6,
        args.out.display()
    ))
}
