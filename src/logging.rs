//! Diagnostics go to a file (never to the terminal the dashboard owns): `--log-file`, else
//! `lambdatop.log` in the XDG state directory. The level comes from `LAMBDATOP_LOG`
//! (e.g. `debug`, `lambdatop=trace`), default `info`. Credentials are never logged.

use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Where the log goes by default.
pub fn default_path() -> PathBuf {
    dirs::state_dir()
        .or_else(dirs::cache_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("lambdatop")
        .join("lambdatop.log")
}

/// Starts logging to `path`. A log that cannot be opened is not worth failing the program for:
/// the error is returned for the caller to mention, and nothing is logged.
pub fn init(path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let filter =
        EnvFilter::try_from_env("LAMBDATOP_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .map_err(|e| e.to_string())
}
