//! `:save` and `:export`: the dashboard's picture kept in a file. The app says what to
//! write; the loop writes it off the loop's thread (`run.rs`), so that a large fleet's
//! recording does not hold up a frame, and says when it is done.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::store::Store;
use crate::store::recording::Recorded;
use crate::view::figures::Figures;

/// A file to write, as the app asked.
pub enum FileOrder {
    /// What the store holds, as of `recorded`, for `--replay`.
    Recording {
        path: PathBuf,
        store: Box<Store>,
        recorded: Recorded,
    },
    /// The fleet table's rows as CSV.
    Export { path: PathBuf, csv: String },
}

/// `:save`'s file when none is named: the time it shows, in the current directory.
pub fn default_name(now: DateTime<Utc>) -> PathBuf {
    PathBuf::from(format!("lambdatop-{}.ltrec", now.format("%Y%m%d-%H%M")))
}

impl FileOrder {
    /// `:save [FILE]`: the store as it is now (a copy, written off the loop's thread), as of
    /// the moment it shows — a replay's own, else now.
    pub fn recording(file: Option<String>, store: &Store, now: DateTime<Utc>) -> FileOrder {
        FileOrder::Recording {
            path: file.map_or_else(|| default_name(now), PathBuf::from),
            store: Box::new(store.clone()),
            recorded: Recorded::by_this_build(store.recorded().map_or(now, |r| r.recorded_at)),
        }
    }

    /// `:export FILE`: the fleet table's rows, filtered and sorted as shown.
    pub fn export(file: String, store: &Store, figures: &Figures) -> FileOrder {
        FileOrder::Export {
            path: PathBuf::from(file),
            csv: crate::view::export::fleet(store, figures.stats(), figures.order()),
        }
    }

    /// Writes the file (0600: it holds an account's figures and logs) and says so in one
    /// line.
    pub fn write(self) -> String {
        match self {
            FileOrder::Recording {
                path,
                store,
                recorded,
            } => {
                let mut bytes = Vec::new();
                let written = store
                    .write_recording(&mut bytes, &recorded)
                    .and_then(|()| crate::private::write(&path, &bytes));
                match written {
                    Ok(()) => format!(
                        "saved {} functions to {} ({:.1} MB): lambdatop --replay {}",
                        store.functions().len(),
                        path.display(),
                        bytes.len() as f64 / 1e6,
                        path.display()
                    ),
                    Err(e) => format!("cannot save {}: {e}", path.display()),
                }
            }
            FileOrder::Export { path, csv } => match crate::private::write(&path, &csv) {
                Ok(()) => format!(
                    "exported {} rows to {}",
                    csv.lines().count().saturating_sub(1),
                    path.display()
                ),
                Err(e) => format!("cannot export to {}: {e}", path.display()),
            },
        }
    }
}
