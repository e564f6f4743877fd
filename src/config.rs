//! The config file: `$XDG_CONFIG_HOME/lambdatop/config.toml` (`~/.config/...`), or `--config
//! PATH`: where it is, its commented default, and its TOML read into plain fields. It sets
//! what the flags set — profile, regions, project tag, cadences, window, thresholds,
//! scrollback, theme, keys; `settings` checks the values and puts the flags over them. A bad
//! file stops lambdatop at start with one line naming the file, the line and what was expected.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The commented default, as `lambdatop config --print-default` writes it.
pub const DEFAULT: &str = r#"# lambdatop configuration: ~/.config/lambdatop/config.toml (or --config PATH).
# Every setting is optional; flags given on the command line override it.

# The AWS profile (else AWS_PROFILE, else the default profile).
# profile = "prod"

# Regions to watch, each polled in its own task (else the profile's or AWS_REGION's region).
# regions = ["us-east-1", "eu-west-1"]

# Send every AWS request here (an emulator, a VPC endpoint).
# endpoint_url = "http://127.0.0.1:5000"

# Several accounts (the README's "Many accounts"): accounts to assume the role in, or a file
# of them (one id a line), and the role, by name or as an ARN with {account} for the id.
# accounts = ["111111111111", "222222222222"]
# accounts_file = "/etc/lambdatop/accounts.txt"
# role_name = "lambdatop-read"
# role_arn_template = "arn:aws:iam::{account}:role/team/observer"

# The tag that names a function's project (then its CloudFormation stack, then its name's
# prefix before the first - or _).
# project_tag = "project"

# Seconds between metric polls (5 to 3600).
# interval = 60

# Seconds between inventory polls: functions, configuration, tags (10 to 86400).
# inventory_refresh = 300

# Percent of each AWS API's documented request rate lambdatop may use, per account and region
# (1 to 100): the rest stays free for the account's own deploys and tools.
# api_share = 33

# The look-back window: 15m, 1h, 3h or any number of minutes up to 3h.
# window = "1h"

# Log lines the log pane keeps (100 to 1000000).
# scrollback = 10000

# dark, light, high-contrast, solarized-dark, a NAME.toml in ~/.config/lambdatop/themes/,
# or a theme file's path.
# theme = "dark"

# How long a Cost Explorer answer is kept and used: 30m, 6h, 1d.
# cost_ttl = "6h"

# When a row is highlighted as breaching.
[thresholds]
# Error rate at or above which a function is failing (0 to 1).
# error_rate = 0.05
# peak p99 duration (its worst minute's) as a share of the timeout at or above which it
# is at risk (0 to 1).
# p99_of_timeout = 0.8
# Peak memory as a share of the memory size at or above which it is about to run out (0 to 1).
# memory_used = 0.9
# The oldest queued asynchronous event's age, in seconds, above which a function falls behind.
# async_event_age_s = 30

# Latency classes: the tag that names a function's class (real-time, background, batch), and
# each class's budget for wait plus p99 duration, as ages (30s, 10m, 2h).
[classes]
# tag = "latency-class"
# real_time = "1s"
# background = "60s"
# batch = "1h"

# Reading logs.
[logs]
# Words that make a line an error, beyond ERROR and above, timeouts, tracebacks and exceptions
# (case-sensitive, anywhere in the line).
# error_words = ["payment declined", "circuit open"]

# Logs Insights queries by name, for `:insights NAME` and `lambdatop insights NAME`, beside the
# built-in cold-starts, slowest, memory and errors (a name here replaces a built-in one).
[insights.queries]
# throttled-retries = 'filter @message like /Rate exceeded/ | stats count(*) by bin(5m)'

# Keys: an action's keys replace its defaults everywhere (help and footer show them). Actions:
# quit help window_15m window_1h window_3h window_6h window_24h window_7d refresh command up down
# page_up page_down top bottom open logs project_logs filter sort sort_reverse next_pane
# previous_pane projects alarms classes flow_of minute_earlier minute_later back pause json
# open_line wrap scroll_left scroll_right platform_lines copy_line copy_request_id copy_link errors
# open_kind invocations open_request failures narrow open_alarm confirm cancel complete.
# Keys: x, X, ctrl-x, enter, esc, tab, space, up, down, left, right, pgup, pgdn, home, end,
# f1-f12.
[keys]
# projects = "P"
# down = ["j", "ctrl-n"]
"#;

/// The file's settings as written, not yet checked.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub profile: Option<String>,
    pub regions: Option<Vec<String>>,
    pub endpoint_url: Option<String>,
    pub accounts: Option<Vec<String>>,
    pub accounts_file: Option<PathBuf>,
    pub role_name: Option<String>,
    pub role_arn_template: Option<String>,
    pub project_tag: Option<String>,
    pub interval: Option<u64>,
    pub inventory_refresh: Option<u64>,
    pub api_share: Option<u64>,
    pub window: Option<String>,
    pub scrollback: Option<u64>,
    pub theme: Option<String>,
    pub cost_ttl: Option<String>,
    pub thresholds: Option<ThresholdsFile>,
    pub logs: Option<LogsFile>,
    pub classes: Option<ClassesFile>,
    pub insights: Option<InsightsFile>,
    pub keys: Option<std::collections::BTreeMap<String, KeySpec>>,
}

/// One key or several.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum KeySpec {
    One(String),
    Many(Vec<String>),
}

impl KeySpec {
    pub fn keys(&self) -> Vec<String> {
        match self {
            KeySpec::One(k) => vec![k.clone()],
            KeySpec::Many(ks) => ks.clone(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdsFile {
    pub error_rate: Option<f64>,
    pub p99_of_timeout: Option<f64>,
    pub memory_used: Option<f64>,
    pub async_event_age_s: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassesFile {
    pub tag: Option<String>,
    pub real_time: Option<String>,
    pub background: Option<String>,
    pub batch: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogsFile {
    pub error_words: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsightsFile {
    pub queries: Option<std::collections::BTreeMap<String, String>>,
}

/// A config file read: where it was, its text (for line numbers) and its settings.
pub struct Read {
    pub path: PathBuf,
    pub text: String,
    pub file: File,
}

impl Read {
    /// An error about the file, at a line where one is known, in one line.
    pub fn error(&self, line: Option<usize>, what: &str) -> String {
        error(&self.path, line, what)
    }

    /// The `[keys]` table: each action's keys.
    pub fn file_keys(&self) -> Vec<(String, Vec<String>)> {
        let keys = self.file.keys.iter().flatten();
        keys.map(|(action, spec)| (action.clone(), spec.keys()))
            .collect()
    }

    /// An error about the setting `key`, at the line that sets it.
    pub fn bad(&self, key: &str, what: &str) -> String {
        self.error(
            crate::ui::text::line_of_key(&self.text, key),
            &format!("{key}: {what}"),
        )
    }
}

fn error(path: &Path, line: Option<usize>, what: &str) -> String {
    let at = line.map_or(String::new(), |n| format!("line {n}: "));
    format!("config file {}: {at}{what}", path.display())
}

/// The config file to read: `explicit` (`--config`), else the XDG place if it exists.
pub fn path(explicit: Option<&Path>) -> Option<(PathBuf, bool)> {
    if let Some(p) = explicit {
        return Some((p.to_path_buf(), true));
    }
    let p = dirs::config_dir()?.join("lambdatop").join("config.toml");
    p.exists().then_some((p, false))
}

/// Reads the config file, if there is one: a missing default file is none; a file named by
/// `--config` must be there.
pub fn read(explicit: Option<&Path>) -> Result<Option<Read>, String> {
    let Some((path, explicit)) = path(explicit) else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if !explicit && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(error(&path, None, &e.to_string())),
    };
    parse(path, text).map(Some)
}

/// The settings `text` holds, or where it is wrong.
pub fn parse(path: PathBuf, text: String) -> Result<Read, String> {
    let file: File = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        error(&path, line, e.message().trim())
    })?;
    Ok(Read { path, text, file })
}
