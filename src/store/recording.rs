//! A recording: what the store holds, in one file that a later run opens as it was.
//!
//! The file is gzip-compressed text: a first line of JSON that says what it is
//! (`{"format":"lambdatop-recording","version":1,"lambdatop":"…","recorded_at":"…"}`), then
//! one JSON document of the store's contents (README, *Recordings*). Later versions keep
//! reading older files: fields are only ever added, with a default, and `version` goes up
//! only when an old reader could no longer make sense of a new file. A field added to anything
//! written here takes `#[serde(default)]`; `tests/it/data/recording-v1.ltrec`, written by the
//! first version, must keep opening.
//!
//! A file is untrusted input, as AWS's answers are: every string in it passes the same
//! sanitizer before the store takes it, every bound the store keeps is checked, and a
//! damaged file is an error, never a panic (fuzzed: `fuzz/fuzz_targets/recording.rs`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::account::{AccountId, Place};
use super::alarms::RegionAlarms;
use super::clean::Clean;
use super::event_sources::EventSource;
use super::logs::{LogBuffer, SavedLogs};
use super::{
    Function, Identity, Problems, RegionState, Session, SourceStatus, Span, Store, cost, insights,
    latency, usage,
};
use crate::logtext::sanitize::clean_field;

/// The lambdatop a recording says wrote it: the version and the commit (`build.rs`).
pub const THIS_BUILD: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("LAMBDATOP_BUILD"),
    ")"
);

/// What the first line names.
pub const FORMAT: &str = "lambdatop-recording";
/// The newest format this build writes and reads.
pub const VERSION: u32 = 1;
/// Text a file may unpack to: a recording of 10,000 functions is some 150 MB of JSON.
const MAX_TEXT_BYTES: u64 = 1 << 30;
/// The most functions a file may hold: the demo's ceiling.
const MAX_FUNCTIONS: usize = 100_000;
/// The most log lines: the scrollback's ceiling.
const MAX_LOG_LINES: usize = 1_000_000;
/// The most minutes a store may keep live: a month (a function's rings are this long).
const MAX_RETENTION: u32 = 31 * 24 * 60;

/// When a recording was made, and by what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    /// The lambdatop version that wrote it.
    pub lambdatop: String,
    /// The store's time when it was written: a replay is frozen there.
    pub recorded_at: DateTime<Utc>,
}

impl Recorded {
    /// A recording this build makes of the store at `at`.
    pub fn by_this_build(at: DateTime<Utc>) -> Recorded {
        Recorded {
            lambdatop: THIS_BUILD.to_string(),
            recorded_at: at,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    #[serde(flatten)]
    recorded: Recorded,
}

/// The store's contents as written. Maps keyed by more than a string are lists of pairs.
#[derive(Serialize, Deserialize)]
struct Contents {
    session: Session,
    retention_minutes: u32,
    project_tag: String,
    functions: Vec<Function>,
    problems: Problems,
    sources: BTreeMap<String, SourceStatus>,
    regions: Vec<(Place, RegionState)>,
    inventoried: BTreeSet<Place>,
    logs: SavedLogs,
    insights: Option<insights::InsightsResult>,
    api_usage: Option<usage::ApiUsage>,
    usage_by_account: Vec<(AccountId, usage::ApiUsage)>,
    cost: Option<cost::CostReport>,
    identities: Vec<(AccountId, Identity)>,
    alarms: Vec<(Place, RegionAlarms)>,
    event_sources: Vec<(Place, BTreeMap<String, Vec<EventSource>>)>,
    class_rule: latency::ClassRule,
    span: Option<Span>,
}

/// Why a file could not be opened: one line for the user.
#[derive(Debug, thiserror::Error)]
pub enum RecordingError {
    #[error("not a lambdatop recording ({0})")]
    NotARecording(String),
    #[error("written by a newer lambdatop (format {0}; this one reads up to {VERSION})")]
    Newer(u32),
    #[error("damaged: {0}")]
    Damaged(String),
    #[error("larger than {} MiB once unpacked", MAX_TEXT_BYTES >> 20)]
    TooLarge,
}

/// A recording's first line: what it is, when it was made and by what.
fn header_of(reader: &mut impl BufRead) -> Result<Header, RecordingError> {
    let mut first = Vec::new();
    reader
        .take(64 * 1024)
        .read_until(b'\n', &mut first)
        .map_err(|e| RecordingError::NotARecording(short(&e)))?;
    let header: Header = serde_json::from_slice(&first)
        .map_err(|_| RecordingError::NotARecording("no recording header".into()))?;
    if header.format != FORMAT {
        return Err(RecordingError::NotARecording(format!(
            "format {:?}",
            clean_field(&header.format)
        )));
    }
    if header.version > VERSION {
        return Err(RecordingError::Newer(header.version));
    }
    Ok(header)
}

/// When a recording was made, read from its first line only.
pub fn read_header(input: impl Read) -> Result<Recorded, RecordingError> {
    let mut reader = BufReader::new(flate2::read::GzDecoder::new(input));
    let header = header_of(&mut reader)?;
    let mut recorded = header.recorded;
    recorded.lambdatop = clean_field(&recorded.lambdatop);
    Ok(recorded)
}

impl Store {
    /// Writes what the store holds, gzip-compressed, as of `recorded`.
    pub fn write_recording(&self, out: impl Write, recorded: &Recorded) -> std::io::Result<()> {
        let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
        let header = Header {
            format: FORMAT.to_string(),
            version: VERSION,
            recorded: recorded.clone(),
        };
        serde_json::to_writer(&mut gz, &header)?;
        gz.write_all(b"\n")?;
        let contents = Written {
            session: &self.session,
            retention_minutes: self.retention_minutes,
            project_tag: &self.project_tag,
            functions: &self.functions,
            problems: &self.problems,
            sources: &self.sources,
            regions: self.regions.iter().collect(),
            inventoried: &self.inventoried,
            logs: self.logs.saved(),
            insights: &self.insights,
            api_usage: &self.api_usage,
            usage_by_account: self.usage_by_account.iter().collect(),
            cost: &self.cost,
            identities: self.identities.iter().collect(),
            alarms: self.alarms.iter().collect(),
            event_sources: self.event_sources.iter().collect(),
            class_rule: &self.class_rule,
            span: &self.span,
        };
        serde_json::to_writer(&mut gz, &contents)?;
        gz.finish()?.flush()
    }

    /// The store a recording holds, and when it was made.
    pub fn read_recording(input: impl Read) -> Result<(Store, Recorded), RecordingError> {
        let unpacked = flate2::read::GzDecoder::new(input).take(MAX_TEXT_BYTES + 1);
        let mut reader = BufReader::new(unpacked);
        let header = header_of(&mut reader)?;
        // Read as it streams in, every string cleaned on the way: no second copy of the
        // file is held.
        let mut json = serde_json::Deserializer::from_reader(&mut reader);
        let read = Contents::deserialize(Clean(&mut json)).and_then(|c| json.end().map(|()| c));
        // Cut at the bound, the text ends early: that is its size, not damage.
        let contents = read.map_err(|e| match reader.get_ref().limit() {
            0 => RecordingError::TooLarge,
            _ => RecordingError::Damaged(short(&e)),
        })?;
        let mut recorded = header.recorded;
        recorded.lambdatop = clean_field(&recorded.lambdatop);
        let mut store = Store::restored(contents)?;
        store.recorded = Some(recorded.clone());
        Ok((store, recorded))
    }

    fn restored(c: Contents) -> Result<Store, RecordingError> {
        if c.retention_minutes > MAX_RETENTION {
            return Err(RecordingError::Damaged(format!(
                "{} minutes kept, more than {MAX_RETENTION}",
                c.retention_minutes
            )));
        }
        if c.functions.len() > MAX_FUNCTIONS {
            return Err(RecordingError::Damaged(format!(
                "{} functions, more than {MAX_FUNCTIONS}",
                c.functions.len()
            )));
        }
        let mut functions = Vec::with_capacity(c.functions.len());
        let mut index = HashMap::with_capacity(c.functions.len());
        for f in c.functions {
            // A function once: the first the file names.
            if let std::collections::hash_map::Entry::Vacant(slot) = index.entry(f.facts.key()) {
                slot.insert(functions.len());
                functions.push(f);
            }
        }
        let mut store = Store::new(c.session, c.retention_minutes, &c.project_tag);
        store.functions = functions;
        store.index = index;
        store.problems = c.problems;
        store.sources = c.sources;
        store.regions = c.regions.into_iter().collect();
        store.inventoried = c.inventoried;
        store.logs = LogBuffer::restored(c.logs, MAX_LOG_LINES);
        store.insights = c.insights;
        store.api_usage = c.api_usage;
        store.usage_by_account = c.usage_by_account.into_iter().collect();
        store.cost = c.cost;
        store.identities = c.identities.into_iter().collect();
        store.alarms = c.alarms.into_iter().collect();
        store.order_alarms();
        store.event_sources = c.event_sources.into_iter().collect();
        store.class_rule = c.class_rule;
        store.span = c.span;
        store.version += 1;
        Ok(store)
    }
}

/// `Contents`, borrowed from the store: writing copies nothing but the log lines.
#[derive(Serialize)]
struct Written<'a> {
    session: &'a Session,
    retention_minutes: u32,
    project_tag: &'a str,
    functions: &'a [Function],
    problems: &'a Problems,
    sources: &'a BTreeMap<String, SourceStatus>,
    regions: Vec<(&'a Place, &'a RegionState)>,
    inventoried: &'a BTreeSet<Place>,
    logs: SavedLogs,
    insights: &'a Option<insights::InsightsResult>,
    api_usage: &'a Option<usage::ApiUsage>,
    usage_by_account: Vec<(&'a AccountId, &'a usage::ApiUsage)>,
    cost: &'a Option<cost::CostReport>,
    identities: Vec<(&'a AccountId, &'a Identity)>,
    alarms: Vec<(&'a Place, &'a RegionAlarms)>,
    event_sources: Vec<(&'a Place, &'a BTreeMap<String, Vec<EventSource>>)>,
    class_rule: &'a latency::ClassRule,
    span: &'a Option<Span>,
}

/// An error's first line, short enough for one line of output.
fn short(e: &dyn std::fmt::Display) -> String {
    let text = clean_field(&e.to_string());
    match text.char_indices().nth(160) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// A map whose keys are not strings, written as a list of pairs (JSON keys are strings).
pub mod pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

/// A figure read or not, and if read, perhaps none (`Option<Option<T>>`): JSON's one null
/// cannot tell "not read" from "read: none", so it is a list of none or one element.
pub mod known {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter())
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        let v = Vec::<Option<T>>::deserialize(d)?;
        Ok(v.into_iter().next())
    }
}
