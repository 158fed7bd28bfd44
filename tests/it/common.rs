//! Shared helpers for integration tests: run the real binary against a
//! database, and a sample database built once per test binary and copied.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Run `marquee --db DB ARGS…`.
pub fn marquee(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marquee"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("MARQUEE_DB")
        .output()
        .expect("the marquee binary runs")
}

/// Run and insist on success; return stdout.
pub fn ok(db: &Path, args: &[&str]) -> String {
    let out = marquee(db, args);
    assert!(
        out.status.success(),
        "marquee {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Run and insist on failure; return stderr.
pub fn fails(db: &Path, args: &[&str]) -> String {
    let out = marquee(db, args);
    assert!(
        !out.status.success(),
        "marquee {args:?} should have failed:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).expect("utf-8 output")
}

/// A fresh copy of a database holding the bundled sample catalog.
pub fn sample_db(dir: &tempfile::TempDir) -> PathBuf {
    static TEMPLATE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_keep, template) = TEMPLATE.get_or_init(|| {
        let d = tempfile::tempdir().expect("temp dir");
        let p = d.path().join("template.db");
        ok(&p, &["stats"]);
        // Train once here, so tests that open a session reuse the cached model.
        ok(&p, &["rows", "--profile", "ava"]);
        (d, p)
    });
    let db = dir.path().join("marquee.db");
    std::fs::copy(template, &db).expect("copy the template database");
    let model = marquee::store::model_file_of(template);
    std::fs::copy(&model, marquee::store::model_file_of(&db)).expect("copy its model file");
    db
}

/// The database file's bytes (the WAL is checkpointed away when the last connection closes).
pub fn db_bytes(db: &Path) -> Vec<u8> {
    assert!(
        !db.with_extension("db-wal").exists()
            || std::fs::metadata(db.with_extension("db-wal"))
                .unwrap()
                .len()
                == 0
    );
    std::fs::read(db).expect("read the database")
}

/// The app drawn into a `w` × `h` test terminal: every cell's symbol, row after row.
pub fn drawn(
    app: &marquee::tui::app::App,
    theme: &marquee::tui::theme::Theme,
    w: u16,
    h: u16,
) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    t.draw(|f| marquee::tui::view::draw(f, app, theme)).unwrap();
    t.backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect()
}
