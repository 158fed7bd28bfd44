//! The one way Marquee opens a file a user named (`--db`, `--config`,
//! `import`, `replay`, snapshots, MovieLens and TSV files): only a regular
//! file, opened without blocking — a FIFO, a device or a socket is refused
//! with a message instead of hanging — and never read past a size limit.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Catalog, profile and MovieLens files (a 100,000-title catalog is ~60 MB).
pub const MAX_DATA_BYTES: u64 = 1 << 30;
/// Ranker configs, journeys and snapshot files.
pub const MAX_SMALL_BYTES: u64 = 64 << 20;

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{}: {kind}, not a regular file; Marquee only reads regular files", path.display())]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("{}: {size} bytes is more than the {limit} bytes this file may hold", path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{}: cannot read the file: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl InputError {
    /// Whether the file is simply not there.
    pub fn is_not_found(&self) -> bool {
        matches!(self, InputError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

impl From<InputError> for crate::catalog::CatalogError {
    fn from(e: InputError) -> Self {
        let (path, problem) = match &e {
            InputError::NotRegular { path, kind } => (
                path,
                format!("{kind}, not a regular file; Marquee only reads regular files"),
            ),
            InputError::TooLarge { path, size, limit } => (
                path,
                format!("{size} bytes is more than the {limit} bytes this file may hold"),
            ),
            InputError::Io { path, source } => (path, format!("cannot read the file: {source}")),
        };
        crate::catalog::CatalogError::new(&path.display().to_string(), "", problem)
    }
}

/// What a file that is not regular is, in words.
fn kind_of(t: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "not a file"
    }
}

/// Open `path` for reading if it is a regular file. The open itself never
/// blocks (O_NONBLOCK), and the type is checked on the opened file, so a
/// file swapped for a FIFO between a check and the open is refused too.
pub fn open_regular(path: &Path) -> Result<File, InputError> {
    use std::os::unix::fs::OpenOptionsExt;
    let io = |source| InputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(InputError::NotRegular {
            path: path.to_path_buf(),
            kind: kind_of(meta.file_type()),
        });
    }
    Ok(file)
}

/// Check, without opening it, that `path` is a regular file or does not
/// exist (`Ok(false)`): for a database SQLite is about to open.
pub fn regular_or_missing(path: &Path) -> Result<bool, InputError> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(true),
        Ok(m) => Err(InputError::NotRegular {
            path: path.to_path_buf(),
            kind: kind_of(m.file_type()),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(InputError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The whole of a regular file, at most `limit` bytes.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let file = open_regular(path)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > limit {
        return Err(InputError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| InputError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// The first `n` bytes of a regular file (fewer if it is shorter).
pub fn read_head(path: &Path, n: usize) -> Result<Vec<u8>, InputError> {
    let file = open_regular(path)?;
    let mut head = Vec::with_capacity(n);
    file.take(n as u64)
        .read_to_end(&mut head)
        .map_err(|source| InputError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_at_once_instead_of_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.json");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = read_regular(&fifo, MAX_SMALL_BYTES).unwrap_err();
        assert!(err.to_string().contains("named pipe (FIFO)"), "{err}");
        assert!(regular_or_missing(&fifo).is_err());
    }

    #[test]
    fn a_directory_and_an_oversized_file_are_refused_and_a_missing_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_regular(dir.path(), MAX_SMALL_BYTES).unwrap_err();
        assert!(err.to_string().contains("a directory"), "{err}");
        let big = dir.path().join("big.json");
        std::fs::write(&big, vec![b' '; 100]).unwrap();
        let err = read_regular(&big, 10).unwrap_err();
        assert!(err.to_string().contains("100 bytes"), "{err}");
        assert_eq!(read_regular(&big, 100).unwrap().len(), 100);
        let gone = read_regular(&dir.path().join("gone.json"), 10).unwrap_err();
        assert!(gone.is_not_found());
        assert!(!regular_or_missing(&dir.path().join("gone.json")).unwrap());
    }
}
