//! Files only their owner may read. A bastion is a machine many people log in to, and what
//! lambdatop keeps — an account's bill by project, diagnostics naming its functions — is not
//! theirs to read: its directories are made 0700 and its files 0600 whatever the umask, and
//! ones made earlier with looser modes are tightened when next written, as the AWS CLI does
//! for its caches.

use std::fs::{self, DirBuilder, File, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Directories: the owner only.
pub const DIR_MODE: u32 = 0o700;
/// Files: the owner only, read and write.
pub const FILE_MODE: u32 = 0o600;

/// Makes `dir` (and any missing parent) 0700; `dir` itself is tightened if it was there. A
/// parent that was there is left as it is: it is not lambdatop's.
pub fn dir(dir: &Path) -> io::Result<()> {
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)?;
    fs::set_permissions(dir, Permissions::from_mode(DIR_MODE))
}

/// Opens `path` for appending, made 0600 (and tightened if it was there).
pub fn append(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(FILE_MODE)
        .open(path)?;
    file.set_permissions(Permissions::from_mode(FILE_MODE))?;
    Ok(file)
}

/// Writes `contents` to `path` whole: to a 0600 file beside it, then renamed over it, so a
/// reader never sees half and the file is never looser than 0600.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(FILE_MODE)
        .open(&tmp)?;
    file.set_permissions(Permissions::from_mode(FILE_MODE))?;
    io::Write::write_all(&mut file, contents.as_ref())?;
    drop(file);
    fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_modes_are_tightened() {
        let base = std::env::temp_dir().join(format!("lambdatop-private-{}", std::process::id()));
        let dir_path = base.join("lambdatop");
        fs::create_dir_all(&dir_path).unwrap();
        fs::set_permissions(&dir_path, Permissions::from_mode(0o755)).unwrap();
        let file_path = dir_path.join("x.json");
        fs::write(&file_path, "old").unwrap();
        fs::set_permissions(&file_path, Permissions::from_mode(0o644)).unwrap();
        dir(&dir_path).unwrap();
        write(&file_path, "new").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir_path), 0o700);
        assert_eq!(mode(&file_path), 0o600);
        assert_eq!(fs::read_to_string(&file_path).unwrap(), "new");
        let log = dir_path.join("l.log");
        fs::write(&log, "").unwrap();
        fs::set_permissions(&log, Permissions::from_mode(0o666)).unwrap();
        drop(append(&log).unwrap());
        assert_eq!(mode(&log), 0o600);
        fs::remove_dir_all(&base).unwrap();
    }
}
