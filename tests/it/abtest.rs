//! The simulated A/B test: the same seed gives the same report, and a config
//! that throws away personalization loses to the default.

use crate::common::*;
use serde_json::Value;

#[test]
fn same_seed_same_report_and_popularity_alone_loses() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let a = fixture("../../sample-catalog/ranker.json");
    let b = dir.path().join("popularity-only.json");
    std::fs::write(&b, r#"{"name": "popularity-only", "ablate": ["cf_score", "similar_to_recent", "content_affinity", "completion", "time_of_day_match", "device_match", "negative_feedback"]}"#).unwrap();
    let args = [
        "abtest",
        "--a",
        a.to_str().unwrap(),
        "--b",
        b.to_str().unwrap(),
        "--viewers",
        "600",
        "--sessions",
        "2",
        "--seed",
        "5",
        "--json",
    ];
    let first = ok(&db, &args);
    assert_eq!(first, ok(&db, &args), "the same seed gives the same report");
    let report: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(
        report["a"]["viewers"].as_u64().unwrap() + report["b"]["viewers"].as_u64().unwrap(),
        600
    );
    let titles = report["differences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["metric"] == "titles_played_per_session")
        .unwrap();
    assert!(titles["b_minus_a"].as_f64().unwrap() < 0.0, "{report}");
    assert!(
        titles["ci95"][1].as_f64().unwrap() < 0.0,
        "the interval excludes no difference: {report}"
    );
}
