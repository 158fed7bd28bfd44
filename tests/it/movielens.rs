//! MovieLens import (each layout, bad lines, all-or-nothing) and the
//! external evaluation mode (file format, agreement with metrics.py).

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn ml(name: &str) -> PathBuf {
    fixture(&format!("movielens/{name}"))
}

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("valid JSON")
}

fn import(dir: &tempfile::TempDir, layout: &str) -> PathBuf {
    let db = dir.path().join("ml.db");
    let out = ok(
        &db,
        &[
            "import-movielens",
            ml(layout).to_str().unwrap(),
            "--profiles",
            "2",
        ],
    );
    assert!(out.starts_with("Imported"), "{out}");
    db
}

#[test]
fn ml_100k_imports_titles_viewers_profiles_and_ratings() {
    let dir = tempfile::tempdir().unwrap();
    let db = import(&dir, "ml-100k");
    let s = json(&db, &["stats", "--json"]);
    assert_eq!(
        (
            s["titles"].as_u64(),
            s["profiles"].as_u64(),
            s["viewers"].as_u64()
        ),
        (Some(5), Some(2), Some(1)),
        "movie 6 repeats movie 1 (same name and year): one title"
    );
    // 10 ratings: each a play, plus 7 thumbs up (>= 4 stars) and 2 thumbs down (<= 2).
    assert_eq!(s["events"].as_u64(), Some(10 + 7 + 2), "{s}");
    let err = fails(&db, &["title", "ml6"]);
    assert!(err.contains("ml6"), "{err}");
    let t = json(&db, &["title", "ml3", "--json"]);
    assert_eq!(
        t["name"], "Misérables Redux, Les",
        "Latin-1 decoded; only English articles move"
    );
    assert_eq!(t["year"], 1994);
    let genres: Vec<&str> = t["genres"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    assert_eq!(genres, ["drama", "music"]);
    let night = json(&db, &["title", "ml4", "--json"]);
    assert_eq!(
        night["name"], "The Night Orchard",
        "the article moves back to the front"
    );
    assert_eq!(night["maturity"], "R", "horror is guessed R");
    assert!(
        night["artwork"].as_array().unwrap().len() >= 2,
        "artwork variants from the genres"
    );
    // The imported catalog is browsable: a profile gets a page.
    let profiles = json(&db, &["profiles", "--json"]);
    let name = profiles[0]["name"].as_str().unwrap().to_string();
    assert!(
        profiles[0]["display_name"]
            .as_str()
            .unwrap_or("")
            .contains("fan")
            || name.starts_with("ml"),
        "{profiles}"
    );
    let page = json(&db, &["rows", "--profile", &name, "--json"]);
    assert!(!page["rows"].as_array().unwrap().is_empty(), "{page}");
}

#[test]
fn an_import_keeps_the_events_index_and_writes_each_members_events_together_in_time_order() {
    // The fixture's ratings, last line first: out of (user, time) order.
    let dir = tempfile::tempdir().unwrap();
    let src = ml("ml-100k");
    let set = dir.path().join("ml-100k");
    std::fs::create_dir(&set).unwrap();
    std::fs::copy(src.join("u.item"), set.join("u.item")).unwrap();
    let ratings = std::fs::read_to_string(src.join("u.data")).unwrap();
    let reversed: Vec<&str> = ratings.lines().rev().collect();
    std::fs::write(set.join("u.data"), reversed.join("\n") + "\n").unwrap();
    let db = dir.path().join("ml.db");
    let out = ok(&db, &["import-movielens", set.to_str().unwrap()]);
    assert!(out.starts_with("Imported"), "{out}");
    let c = rusqlite::Connection::open(&db).unwrap();
    let plan: String = c
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id FROM events WHERE member_id = 1 ORDER BY at",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(
        plan.contains("events_member"),
        "a member's events are found by the index: {plan}"
    );
    // The import writes them in the index's order: event ids follow (member, time).
    let order: Vec<(i64, i64)> = c
        .prepare("SELECT member_id, at FROM events ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert_eq!(order.len(), 19);
}

#[test]
fn ml_1m_reads_latin1_and_maps_genres() {
    let dir = tempfile::tempdir().unwrap();
    let db = import(&dir, "ml-1m");
    let cafe = json(&db, &["title", "ml30", "--json"]);
    assert_eq!(cafe["name"], "Café Noir");
    let genres: Vec<&str> = cafe["genres"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    assert_eq!(
        genres,
        ["crime"],
        "Crime and Film-Noir are one Marquee genre"
    );
    let tiny = json(&db, &["title", "ml40", "--json"]);
    assert_eq!(tiny["maturity"], "G", "children's titles are guessed G");
    assert_eq!(
        json(&db, &["title", "ml20", "--json"])["name"],
        "The Iron Valley"
    );
}

#[test]
fn ml_latest_reads_quoted_csv_half_stars_and_titles_without_genres() {
    let dir = tempfile::tempdir().unwrap();
    let db = import(&dir, "ml-latest-small");
    assert_eq!(
        json(&db, &["title", "ml1", "--json"])["name"],
        "The Lantern Bay"
    );
    assert_eq!(
        json(&db, &["title", "ml3", "--json"])["name"],
        "Say \"Hello\" Again"
    );
    let okami = json(&db, &["title", "ml4", "--json"]);
    assert_eq!(okami["name"], "Ōkami Road");
    let genres: Vec<&str> = okami["genres"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    assert_eq!(genres, ["action", "adventure"], "IMAX is not a genre");
    let untitled = json(&db, &["title", "ml5", "--json"]);
    assert_eq!(
        untitled["genres"][0], "drama",
        "a title without genres still gets one"
    );
    // 6 ratings: 4.5 and 5.0 and 4.0 add a thumbs up, 2.0 and 0.5 a thumbs down.
    assert_eq!(
        json(&db, &["stats", "--json"])["events"].as_u64(),
        Some(6 + 3 + 2)
    );
}

#[test]
fn a_bad_rating_names_the_file_line_and_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ml.db");
    let err = fails(
        &db,
        &["import-movielens", ml("bad-rating").to_str().unwrap()],
    );
    assert!(
        err.contains("ratings.csv")
            && err.contains("line 4, field rating")
            && err.contains("\"five\" is not a number"),
        "{err}"
    );
    assert!(!db.exists(), "nothing was written");
}

#[test]
fn a_rating_of_an_unknown_movie_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ml.db");
    let err = fails(
        &db,
        &["import-movielens", ml("unknown-movie").to_str().unwrap()],
    );
    assert!(
        err.contains("u.data") && err.contains("line 3, field movie") && err.contains("\"77\""),
        "{err}"
    );
}

#[test]
fn a_folder_that_is_not_movielens_says_what_it_expected() {
    let dir = tempfile::tempdir().unwrap();
    let err = fails(
        &dir.path().join("ml.db"),
        &["import-movielens", ml("empty-dir").to_str().unwrap()],
    );
    assert!(
        err.contains("not a MovieLens folder") && err.contains("u.data"),
        "{err}"
    );
}

#[test]
fn importing_into_a_database_with_a_catalog_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = import(&dir, "ml-1m");
    let before = db_bytes(&db);
    let err = fails(&db, &["import-movielens", ml("ml-100k").to_str().unwrap()]);
    assert!(
        err.contains("already holds a catalog") && err.contains("--db"),
        "{err}"
    );
    assert_eq!(db_bytes(&db), before);
}

/// A tiny split with a known best answer: users who like a also like b.
fn write_split(dir: &Path) -> (PathBuf, PathBuf) {
    let header = "user_id\titem_id\trating\ttimestamp\n";
    let train = dir.join("train.tsv");
    let test = dir.join("test.tsv");
    let mut t = header.to_string();
    for u in 1..=6 {
        t += &format!("{u}\ta\t5\t1\n{u}\tb\t4\t2\n");
    }
    t += "7\ta\t5\t1\n8\tc\t4\t1\n8\td\t4\t2\n9\tc\t5\t1\n9\td\t5\t2\n10\tc\t4\t1\n";
    std::fs::write(&train, t).unwrap();
    std::fs::write(&test, format!("{header}7\tb\t5\t3\n10\td\t4\t2\n")).unwrap();
    (train, test)
}

#[test]
fn external_mode_writes_ranked_unseen_items_and_scores_them() {
    let dir = tempfile::tempdir().unwrap();
    let (train, test) = write_split(dir.path());
    let recs = dir.path().join("recs.tsv");
    let db = dir.path().join("unused.db");
    let eval_into = |out: &Path| {
        json(
            &db,
            &[
                "eval",
                "--train",
                train.to_str().unwrap(),
                "--test",
                test.to_str().unwrap(),
                "--k",
                "2",
                "--recs-out",
                out.to_str().unwrap(),
                "--json",
            ],
        )
    };
    let m = eval_into(&recs);
    let text = std::fs::read_to_string(&recs).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("user_id\titem_id\trank\tscore"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 4, "two users, k = 2: {text}");
    assert_eq!(
        (rows[0][0], rows[0][1], rows[0][2]),
        ("10", "d", "1"),
        "10 liked c, whose co-liked item is d"
    );
    assert_eq!(
        (rows[2][0], rows[2][1], rows[2][2]),
        ("7", "b", "1"),
        "7 liked a, whose co-liked item is b"
    );
    assert!(
        rows.iter().all(|r| !(r[0] == "7" && r[1] == "a")),
        "no training item is recommended"
    );
    // Both test items are found at rank 1: every metric is perfect except precision (1 of 2 slots).
    assert_eq!(
        (
            m["ndcg@2"].as_f64(),
            m["hit_rate@2"].as_f64(),
            m["precision@2"].as_f64()
        ),
        (Some(1.0), Some(1.0), Some(0.5)),
        "{m}"
    );
    assert!(!db.exists(), "the external mode needs no database");
    let again = dir.path().join("again.tsv");
    eval_into(&again);
    assert_eq!(
        std::fs::read(&again).unwrap(),
        text.as_bytes(),
        "the same split gives the same file, byte for byte"
    );

    // The reference scorer, where it is available, agrees to 1e-5 on the same lists.
    let metrics_py = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/metrics.py");
    if !metrics_py.exists() {
        eprintln!(
            "skipping the metrics.py comparison: {} is not here",
            metrics_py.display()
        );
        return;
    }
    let out = std::process::Command::new("python3")
        .args([
            metrics_py.to_str().unwrap(),
            "--train",
            train.to_str().unwrap(),
            "--test",
            test.to_str().unwrap(),
            "--recs",
            recs.to_str().unwrap(),
            "--k",
            "2",
        ])
        .output()
        .expect("python3 runs");
    let reference: Value = serde_json::from_slice(&out.stdout).expect("metrics.py prints JSON");
    for key in [
        "precision@2",
        "recall@2",
        "ndcg@2",
        "map@2",
        "mrr@2",
        "hit_rate@2",
        "coverage@2",
    ] {
        let (a, b) = (m[key].as_f64().unwrap(), reference[key].as_f64().unwrap());
        assert!((a - b).abs() < 1e-5, "{key}: marquee {a} vs metrics.py {b}");
    }
}

#[test]
fn external_mode_names_a_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let (train, _) = write_split(dir.path());
    let bad = dir.path().join("test.tsv");
    std::fs::write(&bad, "user_id\titem_id\trating\ttimestamp\n7 b 5 3\n").unwrap();
    let err = fails(
        &dir.path().join("x.db"),
        &[
            "eval",
            "--train",
            train.to_str().unwrap(),
            "--test",
            bad.to_str().unwrap(),
        ],
    );
    assert!(err.contains("test.tsv:2:"), "{err}");
}
