//! Judging a database file by its first 100 bytes, before SQLite opens it:
//! SQLite would roll back a hot journal or checkpoint a WAL of any file it
//! opens, so a file that is not ours (or is newer than us) must be refused
//! from its header alone. What each field means: sqlite.org/fileformat.html.

use super::{StoreError, APPLICATION_ID, MIGRATIONS};
use std::path::Path;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
const HEADER_LEN: usize = 100;

/// A big-endian u32 of the header at `at`.
fn field(head: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(head[at..at + 4].try_into().expect("four bytes"))
}

/// Refuse a file that is empty, is not SQLite, belongs to another
/// application (or to none: an SQLite file without Marquee's schema) or was
/// written by a newer Marquee.
pub fn check(path: &Path) -> Result<(), StoreError> {
    let head = crate::catalog::input::read_head(path, HEADER_LEN)?;
    judge(path, &head)
}

fn judge(path: &Path, head: &[u8]) -> Result<(), StoreError> {
    let not_ours = |detail: &str| StoreError::NotADatabase {
        path: path.to_path_buf(),
        detail: detail.into(),
    };
    if head.is_empty() {
        return Err(StoreError::EmptyFile {
            path: path.to_path_buf(),
        });
    }
    if head.len() < HEADER_LEN || !head.starts_with(SQLITE_MAGIC) {
        return Err(not_ours("it does not start with the SQLite header"));
    }
    let user_version = field(head, 60);
    let application_id = field(head, 68);
    if application_id != APPLICATION_ID as u32 {
        return Err(if application_id == 0 && user_version == 0 {
            StoreError::NoSchema {
                path: path.to_path_buf(),
            }
        } else {
            StoreError::Foreign {
                path: path.to_path_buf(),
            }
        });
    }
    let latest = MIGRATIONS.len() as i64;
    if i64::from(user_version) > latest {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: i64::from(user_version),
            supported: latest,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(user_version: u32, application_id: u32) -> Vec<u8> {
        let mut h = vec![0u8; 100];
        h[..16].copy_from_slice(SQLITE_MAGIC);
        h[60..64].copy_from_slice(&user_version.to_be_bytes());
        h[68..72].copy_from_slice(&application_id.to_be_bytes());
        h
    }

    #[test]
    fn the_header_alone_tells_ours_from_foreign_newer_empty_and_schemaless() {
        let p = Path::new("x.db");
        let ours = APPLICATION_ID as u32;
        assert!(judge(p, &header(1, ours)).is_ok());
        assert!(matches!(judge(p, &[]), Err(StoreError::EmptyFile { .. })));
        assert!(matches!(
            judge(p, &header(0, 0)),
            Err(StoreError::NoSchema { .. })
        ));
        assert!(matches!(
            judge(p, &header(3, 0)),
            Err(StoreError::Foreign { .. })
        ));
        assert!(matches!(
            judge(p, &header(1, 0x1234)),
            Err(StoreError::Foreign { .. })
        ));
        assert!(matches!(
            judge(p, &header(999, ours)),
            Err(StoreError::NewerSchema { found: 999, .. })
        ));
        assert!(matches!(
            judge(p, &header(1, ours)[..50]),
            Err(StoreError::NotADatabase { .. })
        ));
    }
}
