//! Store errors: each names the database path and says what to do.

use crate::catalog::CatalogError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: not a Marquee database ({detail}); it was left untouched. Use --db to choose another file, or move this one away to start afresh", path.display())]
    NotADatabase { path: PathBuf, detail: String },
    #[error("{}: this SQLite database belongs to another application; it was left untouched. Use --db to choose another file", path.display())]
    Foreign { path: PathBuf },
    #[error("{}: written by a newer Marquee (schema version {found}; this build knows up to {supported}); it was left untouched. Upgrade Marquee, or use --db to choose another file", path.display())]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{}: the database is busy (another Marquee process is writing) and stayed busy for {} s; try again", path.display(), super::BUSY_TIMEOUT.as_secs())]
    Busy { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("unknown profile {0:?} (see `marquee profiles`)")]
    UnknownProfile(String),
    #[error("unknown title id {0:?} (see `marquee titles`)")]
    UnknownTitle(String),
    #[error("a profile named {0:?} already exists")]
    DuplicateProfile(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{}: the database already holds a catalog; MovieLens imports into a new database (use --db to name one)", .0.display())]
    NotEmpty(PathBuf),
}

impl StoreError {
    pub fn sqlite(path: &std::path::Path, e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => StoreError::Busy {
                path: path.to_path_buf(),
            },
            Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
                StoreError::NotADatabase {
                    path: path.to_path_buf(),
                    detail: format!("SQLite says: {e}"),
                }
            }
            _ => StoreError::Sqlite {
                path: path.to_path_buf(),
                source: e,
            },
        }
    }

    /// Errors on the first read of a file are about what the file is.
    pub fn from_open_error(path: &std::path::Path, e: rusqlite::Error) -> StoreError {
        StoreError::sqlite(path, e)
    }
}
