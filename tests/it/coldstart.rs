//! The cold-start protocol: three onboarding picks beat popularity on the
//! sample's held-out members, and `marquee eval --onboarding --json` gives
//! scripts the report (or a clear error) in the external mode.

use crate::common::{fails, ok, sample_db};
use marquee::eval::coldstart::{Options, Recommender, PICK_COUNTS};
use marquee::eval::coldstart_db::evaluate_onboarding;
use marquee::rank::RankerConfig;
use marquee::store::Store;
use std::fmt::Write as _;

#[test]
fn three_picks_beat_popularity_on_the_samples_held_out_members() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sample_db(&dir)).unwrap();
    // A cheap run: 200 held-out members, no simulation.
    let options = Options {
        max_held_out: 200,
        simulate: false,
        ..Options::new(10, 42)
    };
    let report = evaluate_onboarding(&store, &RankerConfig::default(), options).unwrap();
    assert_eq!(report.held_out_members, 200);
    let three = report.results.iter().find(|r| r.picks == 3).unwrap();
    let ranker = three
        .recommenders
        .iter()
        .find(|r| r.recommender == Recommender::Ranker)
        .unwrap();
    let gain = ranker.ndcg_vs_popularity;
    assert!(
        gain.low > 0.0,
        "three picks should beat popularity with an interval above 0: {gain:?}"
    );
    assert_eq!(
        ranker.metrics.train_leaks, 0,
        "a pick is never recommended back"
    );
    assert!(three.page_time_to_first_play.is_some());
}

/// Users 1–30 like a0–a13, users 31–60 like b0–b13 (timestamps in order).
fn split_files(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (mut train, mut test) = (String::new(), String::new());
    writeln!(train, "user_id\titem_id\trating\ttimestamp").unwrap();
    writeln!(test, "user_id\titem_id\trating\ttimestamp").unwrap();
    for u in 1..=60 {
        let side = if u <= 30 { 'a' } else { 'b' };
        for i in 0..14 {
            let file = if i % 5 == 4 { &mut test } else { &mut train };
            writeln!(file, "{u}\t{side}{i}\t4\t{}", 1000 + 60 * i).unwrap();
        }
    }
    let (a, b) = (dir.join("train.tsv"), dir.join("test.tsv"));
    std::fs::write(&a, train).unwrap();
    std::fs::write(&b, test).unwrap();
    (a, b)
}

#[test]
fn eval_onboarding_json_reports_every_pick_count_in_the_external_mode() {
    let dir = tempfile::tempdir().unwrap();
    let (train, test) = split_files(dir.path());
    let db = dir.path().join("unused.db");
    let out = ok(
        &db,
        &[
            "eval",
            "--onboarding",
            "--json",
            "--train",
            train.to_str().unwrap(),
            "--test",
            test.to_str().unwrap(),
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["mode"], "external");
    assert_eq!(v["held_out_members"], 12);
    let picks: Vec<u64> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["picks"].as_u64().unwrap())
        .collect();
    assert_eq!(picks, PICK_COUNTS.map(|k| k as u64));
    let three = &v["results"][1]["recommenders"];
    let names: Vec<&str> = three
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["recommender"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "popularity",
            "item_model",
            "item_model_and_popularity",
            "co_viewing"
        ]
    );
    assert!(three[1]["ndcg_vs_popularity"]["low"].as_f64().unwrap() > 0.0);
    assert!(
        three[3]["ndcg_vs_popularity"]["low"].as_f64().unwrap() > 0.0,
        "co-viewing, the cold path, beats popularity: {}",
        three[3]
    );
    assert!(!db.exists(), "the external mode needs no database");
}

#[test]
fn eval_onboarding_names_a_test_file_too_small_to_hold_anyone_out() {
    let dir = tempfile::tempdir().unwrap();
    let train = dir.path().join("train.tsv");
    let test = dir.path().join("test.tsv");
    std::fs::write(&train, "user_id\titem_id\n1\ta\n1\tb\n2\ta\n").unwrap();
    std::fs::write(&test, "user_id\titem_id\n1\tc\n").unwrap();
    let err = fails(
        &dir.path().join("x.db"),
        &[
            "eval",
            "--onboarding",
            "--train",
            train.to_str().unwrap(),
            "--test",
            test.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("test.tsv") && err.contains("more than 10 positives"),
        "{err}"
    );
}
