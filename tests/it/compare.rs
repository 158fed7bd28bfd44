//! `marquee compare` as a QA engineer uses it: the same config twice moves
//! nothing; a louder context weight moves tiles and says so, feature by feature.

use crate::common::*;
use std::path::Path;

/// `marquee compare --a A --b B EXTRA…`, insisting on success.
fn compare(db: &Path, a: &Path, b: &Path, extra: &[&str]) -> String {
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    ok(db, &[&["compare", "--a", a, "--b", b], extra].concat())
}

#[test]
fn the_same_config_twice_moves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let a = fixture("../../sample-catalog/ranker.json");
    let out = compare(&db, &a, &a, &[]);
    assert_eq!(out.matches("rows: same order").count(), 7, "{out}");
    assert!(!out.contains("why:"), "{out}");
    assert!(out.contains("Δ +0.000"), "{out}");
}

#[test]
fn a_changed_weight_moves_tiles_and_the_why_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let a = fixture("../../sample-catalog/ranker.json");
    let b = dir.path().join("b.json");
    std::fs::write(
        &b,
        r#"{"name": "louder-device", "weights": {"device_match": 1.5}}"#,
    )
    .unwrap();
    let out = compare(&db, &a, &b, &["--profile", "sam", "--device", "mobile"]);
    assert!(out.contains("B: louder-device"), "{out}");
    let why: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with("why:"))
        .collect();
    assert!(!why.is_empty(), "{out}");
    assert!(
        why.iter()
            .all(|l| l.contains("device_match") && l.contains("→ 1.50")),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&compare(&db, &a, &b, &["--profile", "sam", "--json"])).unwrap();
    let rows = json["profiles"][0]["rows"].as_array().unwrap();
    assert!(
        rows.iter().any(|r| r["tiles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["move"] != "same")),
        "{json}"
    );
}

#[test]
fn a_profile_with_nothing_held_out_reads_zero_and_a_dash() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let a = fixture("../../sample-catalog/ranker.json");
    let out = compare(&db, &a, &a, &["--profile", "new"]);
    assert!(out.contains("time to first play   A –  B –"), "{out}");
    assert!(!out.contains("None") && !out.contains("-0.000"), "{out}");
    let json = compare(&db, &a, &a, &["--profile", "new", "--json"]);
    assert!(json.contains("\"ndcg10\": 0.0"), "{json}");
    assert!(!json.contains("-0.0"), "{json}");
}
