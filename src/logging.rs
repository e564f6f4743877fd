//! Diagnostics go to a file (never to the terminal the dashboard owns): `--log-file`, else
//! `lambdatop.log` in the XDG state directory. The level comes from `LAMBDATOP_LOG`
//! (e.g. `debug`, `lambdatop=trace`), default `info`. Credentials are never logged, and the
//! file is the owner's only (`private`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// The crates that log requests on the wire (headers, signing) below info.
const WIRE_LEVEL: [&str; 8] = [
    "aws_sigv4",
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http_client",
    "aws_smithy_http",
    "hyper",
    "hyper_util",
    "h2",
];

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
    if let Some(dir) = path
        .parent()
        .filter(|d| !d.exists() || d.ends_with("lambdatop"))
    {
        // lambdatop's own directory, or one it makes: the owner's only.
        crate::private::dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let file = crate::private::append(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut filter =
        EnvFilter::try_from_env("LAMBDATOP_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // Below info, the SDK writes whole requests — the session token among their headers, and
    // in the canonical request it signs. Whatever level is asked for, never that.
    for target in WIRE_LEVEL {
        if let Ok(d) = format!("{target}=info").parse() {
            filter = filter.add_directive(d);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .map_err(|e| e.to_string())
}
