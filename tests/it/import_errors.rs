//! Bad input never changes the database: each case exits non-zero with a
//! message naming the file, the place and the problem.

use crate::common::*;

/// A database holding the tiny catalog and profile, and its bytes.
fn tiny_db(dir: &tempfile::TempDir) -> (std::path::PathBuf, Vec<u8>) {
    let db = dir.path().join("tiny.db");
    ok(
        &db,
        &[
            "import",
            fixture("tiny-catalog.json").to_str().unwrap(),
            fixture("tiny-profile.json").to_str().unwrap(),
        ],
    );
    let bytes = db_bytes(&db);
    (db, bytes)
}

fn assert_refused(fixture_name: &str, location: &str, problem: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (db, before) = tiny_db(&dir);
    let path = fixture(&format!("bad/{fixture_name}"));
    let err = fails(&db, &["import", path.to_str().unwrap()]);
    assert!(err.contains(fixture_name), "names the file: {err}");
    assert!(
        err.contains(location),
        "names the place {location:?}: {err}"
    );
    assert!(
        err.contains(problem),
        "names the problem {problem:?}: {err}"
    );
    assert_eq!(db_bytes(&db), before, "the database is unchanged");
}

#[test]
fn malformed_json_names_line_and_column() {
    assert_refused("malformed.json", "line 102 column", "expected `,` or `}`");
}

#[test]
fn wrong_type_names_the_json_path_and_value() {
    assert_refused("wrong-type.json", "$.titles[1].year", "\"19x4\"");
}

#[test]
fn missing_required_field_is_named() {
    assert_refused("missing-field.json", "$.titles[2]", "missing field `name`");
}

#[test]
fn duplicate_title_id_points_at_both_places() {
    assert_refused(
        "duplicate-id.json",
        "$.titles[3].id",
        "duplicate title id \"x1\" (first at $.titles[0])",
    );
}

#[test]
fn unknown_maturity_rating_lists_the_valid_ones() {
    assert_refused(
        "unknown-maturity.json",
        "$.titles[4].maturity",
        "unknown variant `PG-18`",
    );
}

#[test]
fn empty_catalog_is_refused_on_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.db");
    let err = fails(
        &db,
        &[
            "import",
            fixture("bad/empty-catalog.json").to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("empty-catalog.json")
            && err.contains("$.titles")
            && err.contains("empty catalog"),
        "{err}"
    );
    let stats = ok(
        &db,
        &["import", fixture("tiny-catalog.json").to_str().unwrap()],
    );
    assert!(
        stats.contains("Imported 6 titles"),
        "the failed import left nothing behind: {stats}"
    );
}

#[test]
fn unknown_genre_reference_is_named() {
    assert_refused(
        "unknown-genre.json",
        "$.titles[0].genres[1]",
        "unknown genre \"noir\"",
    );
}

#[test]
fn profile_event_with_unknown_title_is_refused() {
    assert_refused(
        "profile-unknown-title.json",
        "$.history[1].title",
        "unknown title id \"x99\"",
    );
}

#[test]
fn profile_event_with_artwork_of_another_title_is_refused() {
    assert_refused(
        "profile-unknown-artwork.json",
        "$.history[0].artwork",
        "unknown artwork \"x1-a1\" for title \"x2\"",
    );
}

#[test]
fn unreadable_file_is_named_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (db, before) = tiny_db(&dir);
    let missing = dir.path().join("no-such-catalog.json");
    let err = fails(&db, &["import", missing.to_str().unwrap()]);
    assert!(
        err.contains("no-such-catalog.json") && err.contains("cannot read"),
        "{err}"
    );
    // A batch with one good and one unreadable file imports neither.
    let err = fails(
        &db,
        &[
            "import",
            fixture("tiny-catalog.json").to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ],
    );
    assert!(err.contains("a directory, not a regular file"), "{err}");
    assert_eq!(db_bytes(&db), before);
}

#[test]
fn importing_the_same_files_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = tiny_db(&dir);
    let titles = ok(&db, &["titles", "--json"]);
    let profiles = ok(&db, &["profiles", "--json"]);
    let stats = ok(&db, &["stats", "--json"]);
    ok(
        &db,
        &[
            "import",
            fixture("tiny-catalog.json").to_str().unwrap(),
            fixture("tiny-profile.json").to_str().unwrap(),
        ],
    );
    assert_eq!(ok(&db, &["titles", "--json"]), titles);
    assert_eq!(ok(&db, &["profiles", "--json"]), profiles);
    assert_eq!(ok(&db, &["stats", "--json"]), stats);
}

#[test]
fn a_batch_with_one_bad_file_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("batch.db");
    let err = fails(
        &db,
        &[
            "import",
            fixture("tiny-catalog.json").to_str().unwrap(),
            fixture("bad/profile-unknown-title.json").to_str().unwrap(),
        ],
    );
    assert!(err.contains("profile-unknown-title.json"), "{err}");
    let err = fails(&db, &["title", "x1"]).to_string();
    // The database was left empty, so asking for a title builds the sample instead; x1 is not in it.
    assert!(err.contains("unknown title id \"x1\""), "{err}");
}
