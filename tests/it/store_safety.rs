//! Databases that are not ours, or are newer than us, are refused untouched.

use crate::common::*;

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("notes.db");
    std::fs::write(&db, "these are my notes, not a database\n".repeat(100)).unwrap();
    let before = std::fs::read(&db).unwrap();
    let err = fails(&db, &["stats"]);
    assert!(
        err.contains("notes.db") && err.contains("not a Marquee database") && err.contains("--db"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_truncated_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.db");
    ok(
        &full,
        &["import", fixture("tiny-catalog.json").to_str().unwrap()],
    );
    let bytes = std::fs::read(&full).unwrap();
    let db = dir.path().join("truncated.db");
    std::fs::write(&db, &bytes[..bytes.len() / 3]).unwrap();
    let before = std::fs::read(&db).unwrap();
    let err = fails(&db, &["stats"]);
    assert!(err.contains("truncated.db"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn another_applications_sqlite_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let err = fails(&db, &["stats"]);
    assert!(
        err.contains("other.db") && err.contains("another application"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_database_from_a_newer_marquee_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("newer.db");
    ok(
        &db,
        &["import", fixture("tiny-catalog.json").to_str().unwrap()],
    );
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("PRAGMA user_version = 999;").unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let err = fails(&db, &["stats"]);
    assert!(
        err.contains("newer.db") && err.contains("newer Marquee") && err.contains("999"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}
