//! A throw-away copy of the database (`--sandbox`, `marquee replay`): made
//! with SQLite's VACUUM INTO in the temporary folder, removed when dropped.

use marquee::store::Store;
use std::path::{Path, PathBuf};

pub struct ScratchCopy {
    path: PathBuf,
}

impl ScratchCopy {
    /// Copy `store`; `purpose` names the file (`marquee-<purpose>-<pid>.db`).
    pub fn of(store: &Store, purpose: &str) -> anyhow::Result<ScratchCopy> {
        let path =
            std::env::temp_dir().join(format!("marquee-{purpose}-{}.db", std::process::id()));
        store.copy_to(&path)?;
        Ok(ScratchCopy { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchCopy {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}
