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

/// Every file of a database: the file itself and its journal or WAL.
fn files(db: &std::path::Path) -> Vec<(String, Option<Vec<u8>>)> {
    ["", "-journal", "-wal"]
        .iter()
        .map(|s| {
            let p = format!("{}{s}", db.display());
            let bytes = std::fs::read(&p).ok();
            (p, bytes)
        })
        .collect()
}

/// Copy `src`'s files as they are at this moment (a crash would leave them so) to `to`.
fn snapshot_files(src: &std::path::Path, to: &std::path::Path) {
    for s in ["", "-journal", "-wal"] {
        let from = format!("{}{s}", src.display());
        if std::path::Path::new(&from).exists() {
            std::fs::copy(&from, format!("{}{s}", to.display())).unwrap();
        }
    }
}

#[test]
fn a_foreign_database_with_a_hot_journal_is_not_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.db");
    let crashed = dir.path().join("crashed.db");
    let c = rusqlite::Connection::open(&src).unwrap();
    c.execute_batch(
        "PRAGMA journal_mode = DELETE; PRAGMA cache_size = 5;
         CREATE TABLE notes (body BLOB); INSERT INTO notes VALUES (zeroblob(1000));",
    )
    .unwrap();
    // Mid-transaction, with changed pages spilled into the main file: a crash now leaves a hot journal.
    c.execute_batch("BEGIN; INSERT INTO notes SELECT zeroblob(1000) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) SELECT i FROM n);")
        .unwrap();
    snapshot_files(&src, &crashed);
    assert!(
        std::fs::metadata(format!("{}-journal", crashed.display()))
            .unwrap()
            .len()
            > 0,
        "the copy has a hot journal"
    );
    let before = files(&crashed);
    let err = fails(&crashed, &["stats"]);
    assert!(
        err.contains("crashed.db") && err.contains("left untouched"),
        "{err}"
    );
    assert_eq!(
        files(&crashed),
        before,
        "the file and its journal are as they were"
    );
    c.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn a_newer_database_with_a_wal_is_not_checkpointed() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.db");
    ok(
        &src,
        &["import", fixture("tiny-catalog.json").to_str().unwrap()],
    );
    let crashed = dir.path().join("newer-wal.db");
    let c = rusqlite::Connection::open(&src).unwrap();
    // The newer schema is only in the WAL; the main file's header still says version 1.
    c.execute_batch(
        "PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = 999;
         CREATE TABLE from_the_future (x); INSERT INTO from_the_future VALUES (1);",
    )
    .unwrap();
    snapshot_files(&src, &crashed);
    assert!(
        std::fs::metadata(format!("{}-wal", crashed.display()))
            .unwrap()
            .len()
            > 0
    );
    let before = files(&crashed);
    let err = fails(&crashed, &["stats"]);
    assert!(
        err.contains("newer Marquee") && err.contains("999"),
        "{err}"
    );
    assert_eq!(
        files(&crashed),
        before,
        "the file and its WAL are as they were"
    );
}

#[test]
fn a_foreign_database_with_a_wal_is_refused_from_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.db");
    let crashed = dir.path().join("other-wal.db");
    let c = rusqlite::Connection::open(&src).unwrap();
    c.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA application_id = 7; CREATE TABLE recipes (name TEXT);",
    )
    .unwrap();
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA wal_autocheckpoint = 0; INSERT INTO recipes VALUES ('soup');")
        .unwrap();
    snapshot_files(&src, &crashed);
    let before = files(&crashed);
    let err = fails(&crashed, &["stats"]);
    assert!(err.contains("another application"), "{err}");
    assert_eq!(files(&crashed), before);
}

#[test]
fn a_zero_byte_file_is_refused_not_filled() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.db");
    std::fs::write(&db, b"").unwrap();
    let err = fails(&db, &["stats"]);
    assert!(
        err.contains("empty.db") && err.contains("empty (0 bytes)") && err.contains("Delete it"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap().len(), 0);
}

#[test]
fn an_sqlite_file_with_no_tables_is_refused_not_filled() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("blank.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("CREATE TABLE t (x); DROP TABLE t;")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let err = fails(&db, &["stats"]);
    assert!(err.contains("without Marquee's schema"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn only_a_missing_path_becomes_a_new_database_and_no_build_files_are_left() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sub/new.db");
    ok(
        &db,
        &["import", fixture("tiny-catalog.json").to_str().unwrap()],
    );
    let mut names: Vec<String> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec!["new.db".to_string()],
        "no lock or half-built file remains"
    );
}
