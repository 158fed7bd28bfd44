//! The cached model's file beside the database, `<db>.model`, and the row
//! of `model_cache` that ties it to what it was trained on.
//!
//! The model lives in a file of its own so a warm start can map it and read
//! its big arrays in place (`rank/train/mapped.rs`), which a SQLite blob does
//! not allow. The row holds the training fingerprint and the id written in
//! the file's header, so a file left by another database, or by a run that
//! lost a race, is never taken for this one's: it is simply trained again.

use super::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use std::fs::File;
use std::hash::BuildHasher;
use std::io;
use std::path::{Path, PathBuf};

const KEY: &str = "model";

/// The model file of the database at `db`.
pub fn beside(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}.model", db.display()))
}

impl Store {
    /// Where this database keeps its model file; `None` in memory, where
    /// nothing is cached.
    pub fn model_file(&self) -> Option<PathBuf> {
        (self.path != Path::new(":memory:")).then(|| beside(&self.path))
    }

    /// The model file and the id it must carry, if a model was cached for
    /// `fingerprint`.
    pub fn cached_model(&self, fingerprint: &str) -> Result<Option<(PathBuf, u64)>, StoreError> {
        let Some(path) = self.model_file() else {
            return Ok(None);
        };
        let id: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT data FROM model_cache WHERE key = ?1 AND fingerprint = ?2",
                [KEY, fingerprint],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(id
            .and_then(|b| <[u8; 8]>::try_from(b.as_slice()).ok())
            .map(|b| (path, u64::from_le_bytes(b))))
    }

    /// Cache a model for `fingerprint`: `write` fills a new file under a new
    /// id, which is renamed over the model file and recorded. The cache only
    /// saves time, so a file that cannot be written (a full disk, a
    /// read-only directory) or a full database is not an error: nothing is
    /// cached, and the next run trains again.
    pub fn put_cached_model(
        &mut self,
        fingerprint: &str,
        write: impl FnOnce(File, u64) -> io::Result<()>,
    ) -> Result<(), StoreError> {
        let Some(path) = self.model_file() else {
            return Ok(());
        };
        let id = std::collections::hash_map::RandomState::new().hash_one(fingerprint);
        let temp = PathBuf::from(format!("{}.{id:016x}.tmp", path.display()));
        let written = File::create(&temp)
            .and_then(|f| write(f, id))
            .and_then(|()| std::fs::rename(&temp, &path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
            return Ok(());
        }
        let recorded = self
            .conn
            .execute(
                "INSERT INTO model_cache(key, fingerprint, data) VALUES (?1, ?2, ?3)
                 ON CONFLICT(key) DO UPDATE SET fingerprint = excluded.fingerprint, data = excluded.data",
                params![KEY, fingerprint, id.to_le_bytes()],
            )
            .map_err(|e| self.err(e));
        match recorded {
            Ok(_) | Err(StoreError::DiskFull { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Give the copy of this database at `to` the model file too (a hard
    /// link where the filesystem allows: the file is never changed in place).
    pub(super) fn copy_model_file_to(&self, to: &Path) -> io::Result<()> {
        let Some(from) = self.model_file().filter(|f| f.exists()) else {
            return Ok(());
        };
        let to = beside(to);
        let _ = std::fs::remove_file(&to);
        std::fs::hard_link(&from, &to).or_else(|_| std::fs::copy(&from, &to).map(drop))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_model_is_found_under_its_fingerprint_only_and_in_memory_nothing_is_cached() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("m.db");
        let mut store = Store::open(&db).unwrap();
        assert_eq!(store.cached_model("f1").unwrap(), None);
        store
            .put_cached_model("f1", |mut f, id| f.write_all(&id.to_le_bytes()))
            .unwrap();
        let (path, id) = store.cached_model("f1").unwrap().expect("cached");
        assert_eq!(path, beside(&db));
        assert_eq!(std::fs::read(&path).unwrap(), id.to_le_bytes());
        assert_eq!(
            store.cached_model("f2").unwrap(),
            None,
            "another fingerprint"
        );

        let mut memory = Store::open_in_memory().unwrap();
        memory.put_cached_model("f1", |_, _| Ok(())).unwrap();
        assert_eq!(memory.cached_model("f1").unwrap(), None);
    }

    #[test]
    fn a_model_that_fails_to_write_leaves_the_cache_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("m.db");
        let mut store = Store::open(&db).unwrap();
        store.put_cached_model("f1", |_, _| Ok(())).unwrap();
        let before = store.cached_model("f1").unwrap();
        store
            .put_cached_model("f2", |_, _| Err(io::Error::other("disk full")))
            .unwrap();
        assert_eq!(store.cached_model("f1").unwrap(), before);
        assert_eq!(store.cached_model("f2").unwrap(), None);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "no temporary file is left: {left:?}");
    }
}
