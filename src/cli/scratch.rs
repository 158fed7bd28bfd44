//! A throw-away copy of the database (`--sandbox`, `marquee replay`): made
//! with SQLite's VACUUM INTO in the temporary folder, removed when dropped.
//! Copies left behind by a killed Marquee are removed by the next one.

use marquee::store::Store;
use std::path::{Path, PathBuf};

pub struct ScratchCopy {
    path: PathBuf,
}

impl ScratchCopy {
    /// Copy `store`; `purpose` names the file (`marquee-<purpose>-<pid>.db`).
    pub fn of(store: &Store, purpose: &str) -> anyhow::Result<ScratchCopy> {
        let dir = std::env::temp_dir();
        remove_stale(&dir);
        let path = dir.join(format!("marquee-{purpose}-{}.db", std::process::id()));
        let copy = ScratchCopy { path };
        // A copy of our own pid can only be stale; VACUUM INTO needs the name free.
        copy.remove();
        store.copy_to(&copy.path)?;
        Ok(copy)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm", "-journal", ".model"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

impl Drop for ScratchCopy {
    fn drop(&mut self) {
        self.remove();
    }
}

/// The pid in a scratch copy's name `marquee-<purpose>-<pid>.db[-wal|-shm|-journal|.model]`.
fn scratch_pid(name: &str) -> Option<i32> {
    let rest = name.strip_prefix("marquee-")?;
    let (stem, _) = rest.split_once(".db")?;
    let (purpose, pid) = stem.rsplit_once('-')?;
    if !matches!(purpose, "sandbox" | "replay") {
        return None;
    }
    pid.parse().ok()
}

/// Remove the scratch copies of Marquee processes that no longer run.
fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(scratch_pid) else {
            continue;
        };
        // SAFETY: signal 0 only asks whether the process exists.
        let gone = unsafe { libc::kill(pid, 0) } == -1
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_marquee_scratch_names_carry_a_pid() {
        assert_eq!(scratch_pid("marquee-replay-4242.db"), Some(4242));
        assert_eq!(scratch_pid("marquee-sandbox-17.db-wal"), Some(17));
        assert_eq!(scratch_pid("marquee-sandbox-17.db.model"), Some(17));
        assert_eq!(scratch_pid("marquee-crash.log"), None);
        assert_eq!(scratch_pid("marquee-other-17.db"), None);
        assert_eq!(scratch_pid("notes-replay-17.db"), None);
    }
}
