//! Golden pages: every sample profile's page in the documented contexts must
//! match the approved snapshots in `tests/golden/` (within the tolerance of
//! `marquee snapshot check`). A ranking change that moves pages fails here
//! until it is re-approved on a fresh sample database:
//!
//!     marquee --db /tmp/fresh.db snapshot check tests/golden --update

use crate::common::*;
use std::path::Path;

#[test]
fn the_sample_pages_match_the_approved_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let out = marquee(&db, &["snapshot", "check", golden.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pages moved:\n{stdout}\n{}\nIf the change is intended, re-approve: marquee --db /tmp/fresh.db snapshot check tests/golden --update",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("28 of 28 pages unchanged"), "{stdout}");
}

#[test]
fn a_changed_config_is_reported_and_fails_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let config = dir.path().join("b.json");
    std::fs::write(
        &config,
        r#"{"name": "louder-context", "weights": {"device_match": 1.5, "time_of_day_match": 1.2}}"#,
    )
    .unwrap();
    let out = marquee(
        &db,
        &[
            "--config",
            config.to_str().unwrap(),
            "snapshot",
            "check",
            golden.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(stdout.contains("now louder-context"), "{stdout}");
    assert!(
        stdout.contains("WORSE") || stdout.contains("IMPROVED") || stdout.contains("CHANGED"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--update"));
}
