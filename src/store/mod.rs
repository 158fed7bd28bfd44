//! The SQLite store: opening (and refusing what is not ours), migrations,
//! imports and queries. SQL stays inside this module; it returns domain
//! types, never rows.
//!
//! Durability: WAL journal with `synchronous = FULL`, so a transaction that
//! returned is on disk before the caller reports it done, and a killed
//! process never leaves a half-written import or a lost feedback event.

mod create;
mod error;
mod generation;
mod header;
mod import;
mod impressions;
mod log_parts;
mod model_file;
mod movielens;
mod queries;
mod schema;

pub use crate::catalog::{Member, NewEvent};
pub use error::StoreError;
pub use import::{FirstRun, ImportSummary};
pub use impressions::{LoggedView, Origin, PageView, ShownTile, ViewBatch};
pub use model_file::beside as model_file_of;
pub use queries::Stats;
pub use schema::{APPLICATION_ID, MIGRATIONS};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a write waits for another Marquee process before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Open the database at `path`; where no file exists, a new, empty one is
    /// built (see [`Store::open_or_create`]). A file that is not SQLite, is
    /// empty, belongs to another application or comes from a newer Marquee
    /// is refused before SQLite touches it.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_or_create(path, || {}, |_| Ok(()))
    }

    /// Open the database at `path`. Only where no file exists is a new one
    /// made: built by `fill` under a lock (`<path>.lock`, so racing first runs
    /// build it once; `waiting` is called when another process holds it) at a
    /// temporary name, and renamed into place when complete. A failed build
    /// (a full disk, say) leaves nothing behind.
    pub fn open_or_create(
        path: &Path,
        waiting: impl FnOnce(),
        fill: impl FnOnce(&mut Store) -> Result<(), StoreError>,
    ) -> Result<Store, StoreError> {
        if !exists(path)? {
            create::build(path, waiting, fill)?;
        }
        Store::open_existing(path)
    }

    /// Open an existing database after checking its header bytes, so that
    /// SQLite never recovers (rolls back or checkpoints) the journal of a
    /// file that is not ours, and a refused file is closed without a
    /// checkpoint.
    fn open_existing(path: &Path) -> Result<Store, StoreError> {
        header::check(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|e| StoreError::sqlite(path, e))?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(|e| StoreError::sqlite(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store
            .conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| StoreError::sqlite(path, e))?;
        store.check_and_migrate()?;
        // Ours: the WAL may be folded into the file again when we close.
        store
            .conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)
            .map_err(|e| StoreError::sqlite(path, e))?;
        Ok(store)
    }

    /// A new database at `temp` (which must not exist): the schema, nothing
    /// else. Errors name `path`, the database it is being built for.
    fn create_new(temp: &Path, path: &Path) -> Result<Store, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(temp, flags).map_err(|e| StoreError::sqlite(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
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
        // Only `create_new` sees a database with nothing in it yet.
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

/// Whether a database file is at `path` (a regular file; anything else is refused).
fn exists(path: &Path) -> Result<bool, StoreError> {
    crate::catalog::input::regular_or_missing(path).map_err(StoreError::from)
}
