//! The SQLite store: opening (and refusing what is not ours), migrations,
//! imports and queries. SQL stays inside this module; it returns domain
//! types, never rows.
//!
//! Durability: WAL journal with `synchronous = FULL`, so a transaction that
//! returned is on disk before the caller reports it done, and a killed
//! process never leaves a half-written import or a lost feedback event.

mod error;
mod import;
mod movielens;
mod queries;
mod schema;

pub use crate::catalog::{Member, NewEvent};
pub use error::StoreError;
pub use import::ImportSummary;
pub use queries::Stats;
pub use schema::{APPLICATION_ID, MIGRATIONS};

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a write waits for another Marquee process before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// Open (or create) the database at `path`. A file that is not SQLite,
    /// belongs to another application or comes from a newer Marquee is
    /// refused before anything is written to it.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        check_header(path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
                path: dir.to_path_buf(),
                source: e,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|e| StoreError::sqlite(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store
            .conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| StoreError::sqlite(path, e))?;
        store.check_and_migrate()?;
        Ok(store)
    }

    /// A private in-memory database, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()
            .map_err(|e| StoreError::sqlite(Path::new(":memory:"), e))?;
        let mut store = Store {
            conn,
            path: PathBuf::from(":memory:"),
        };
        store.check_and_migrate()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn check_and_migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let read = |sql: &str| -> Result<i64, StoreError> {
            self.conn
                .query_row(sql, [], |r| r.get(0))
                .map_err(|e| StoreError::from_open_error(&path, e))
        };
        let app_id = read("PRAGMA application_id")?;
        let version = read("PRAGMA user_version")?;
        let objects = read("SELECT count(*) FROM sqlite_master")?;
        let fresh = app_id == 0 && version == 0 && objects == 0;
        if !fresh && app_id != APPLICATION_ID as i64 {
            return Err(StoreError::Foreign { path });
        }
        let latest = MIGRATIONS.len() as i64;
        if version > latest {
            return Err(StoreError::NewerSchema {
                path,
                found: version,
                supported: latest,
            });
        }
        self.conn
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
            )
            .map_err(|e| StoreError::sqlite(&path, e))?;
        if version < latest {
            let tx = self
                .conn
                .transaction()
                .map_err(|e| StoreError::sqlite(&path, e))?;
            for m in &MIGRATIONS[version as usize..] {
                tx.execute_batch(m)
                    .map_err(|e| StoreError::sqlite(&path, e))?;
            }
            tx.execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {latest};"
            ))
            .map_err(|e| StoreError::sqlite(&path, e))?;
            tx.commit().map_err(|e| StoreError::sqlite(&path, e))?;
        }
        Ok(())
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::sqlite(&self.path, e)
    }
}

/// Refuse a non-empty file that does not start with SQLite's magic bytes.
fn check_header(path: &Path) -> Result<(), StoreError> {
    use std::io::Read;
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(StoreError::Io {
                path: path.to_path_buf(),
                source: e,
            })
        }
    };
    let mut head = [0u8; 16];
    let mut n = 0;
    while n < 16 {
        match f.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => {
                return Err(StoreError::Io {
                    path: path.to_path_buf(),
                    source: e,
                })
            }
        }
    }
    if n > 0 && (n < 16 || &head != SQLITE_MAGIC) {
        return Err(StoreError::NotADatabase {
            path: path.to_path_buf(),
            detail: "it does not start with the SQLite header".into(),
        });
    }
    Ok(())
}
