//! `:save` and `:export`: the dashboard's picture kept in a file. The app says what to
//! write; the loop writes it off the loop's thread (`run.rs`), so that a large fleet's
//! recording does not hold up a frame, and says when it is done.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::App;
use crate::store::Store;
use crate::store::recording::Recorded;

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

impl App {
    /// `:save [FILE]`: the store as it is now, for the loop to write.
    pub(super) fn save(&mut self, file: Option<String>) {
        let path = file.map_or_else(|| default_name(self.now()), PathBuf::from);
        self.effects.write(FileOrder::Recording {
            path,
            store: Box::new(self.store.clone()),
            recorded: Recorded::by_this_build(
                self.store.recorded().map_or(self.now(), |r| r.recorded_at),
            ),
        });
        self.effects.say("saving…");
    }

    /// `:export FILE`: the fleet table's rows, filtered and sorted as shown.
    pub(super) fn export(&mut self, file: String) {
        let figures = self.figures();
        let csv = crate::view::export::fleet(&self.store, figures.stats(), figures.order());
        self.effects.write(FileOrder::Export {
            path: PathBuf::from(file),
            csv,
        });
    }
}
