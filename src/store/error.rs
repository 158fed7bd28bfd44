//! Store errors: each names the database path and says what to do.

use crate::catalog::CatalogError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: not a Marquee database ({detail}); it was left untouched. Use --db to choose another file, or move this one away to start afresh", path.display())]
    NotADatabase { path: PathBuf, detail: String },
    #[error("{}: the file is empty (0 bytes), so it is not a Marquee database; it was left untouched. Delete it to build a new database there, or use --db to choose another file", path.display())]
    EmptyFile { path: PathBuf },
    #[error("{}: an SQLite database without Marquee's schema (empty, or another application's); it was left untouched. Delete it to build a new database there, or use --db to choose another file", path.display())]
    NoSchema { path: PathBuf },
    #[error("{}: the disk is full (no space left on the device holding it); nothing was changed. Free some space and try again", path.display())]
    DiskFull { path: PathBuf },
    #[error(transparent)]
    Input(#[from] crate::catalog::input::InputError),
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
            Some(ErrorCode::DiskFull) => StoreError::DiskFull {
                path: path.to_path_buf(),
            },
            // With no space at all SQLite reports an I/O error (e.g. in xShmMap).
            Some(ErrorCode::SystemIoFailure) | Some(ErrorCode::CannotOpen)
                if disk_is_full(path) =>
            {
                StoreError::DiskFull {
                    path: path.to_path_buf(),
                }
            }
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

    /// An I/O error on `path`, said as "disk full" when it is that.
    pub fn io(path: &std::path::Path, e: std::io::Error) -> StoreError {
        if e.raw_os_error() == Some(libc::ENOSPC) || e.raw_os_error() == Some(libc::EDQUOT) {
            StoreError::DiskFull {
                path: path.to_path_buf(),
            }
        } else {
            StoreError::Io {
                path: path.to_path_buf(),
                source: e,
            }
        }
    }

    /// Errors on the first read of a file are about what the file is.
    pub fn from_open_error(path: &std::path::Path, e: rusqlite::Error) -> StoreError {
        StoreError::sqlite(path, e)
    }
}

/// Whether the file system holding `path` has (almost) no space left.
fn disk_is_full(path: &std::path::Path) -> bool {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()) else {
        return false;
    };
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: a valid NUL-terminated path and a statvfs to fill.
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return false;
    }
    (st.f_bavail as u64).saturating_mul(st.f_frsize as u64) < 1 << 20
}
