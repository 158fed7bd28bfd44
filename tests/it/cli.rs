//! The headless CLI on the bundled sample catalog, as a user drives it.

use crate::common::*;
use serde_json::Value;

fn json(db: &std::path::Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("valid JSON")
}

#[test]
fn stats_reports_every_count_of_the_sample_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let s = json(&db, &["stats", "--json"]);
    for key in [
        "titles", "series", "episodes", "genres", "tags", "artwork", "people", "profiles",
        "viewers", "events",
    ] {
        assert!(s[key].as_u64().is_some(), "stats has {key}: {s}");
    }
    assert!(s["titles"].as_u64().unwrap() >= 300, "{s}");
    assert!(s["series"].as_u64().unwrap() >= 40, "{s}");
    assert!(s["genres"].as_u64().unwrap() >= 16, "{s}");
    assert!(s["tags"].as_u64().unwrap() >= 80, "{s}");
    assert!(s["profiles"].as_u64().unwrap() >= 6, "{s}");
    assert!(s["viewers"].as_u64().unwrap() >= 5000, "{s}");
    assert!(s["events"].as_u64().unwrap() >= 300_000, "{s}");
}

#[test]
fn profiles_lists_the_personas_and_add_refuses_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let p = json(&db, &["profiles", "--json"]);
    let list = p.as_array().unwrap();
    assert!(list.len() >= 6);
    for entry in list {
        assert!(
            entry["name"].is_string()
                && entry["events"].is_u64()
                && entry["maturity"].is_string()
                && entry["region"].is_string(),
            "{entry}"
        );
    }
    let kids = list
        .iter()
        .find(|e| e["name"] == "kit")
        .expect("a kids persona");
    assert_eq!(kids["maturity"], "TV-Y7");

    let out = ok(
        &db,
        &[
            "profile",
            "add",
            "zoe",
            "--maturity",
            "TV-PG",
            "--region",
            "FR",
        ],
    );
    assert!(out.contains("zoe"), "{out}");
    let p = json(&db, &["profiles", "--json"]);
    let zoe = p
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "zoe")
        .expect("zoe listed");
    assert_eq!(
        (
            zoe["events"].as_u64(),
            zoe["maturity"].as_str(),
            zoe["region"].as_str()
        ),
        (Some(0), Some("TV-PG"), Some("FR"))
    );
    let err = fails(&db, &["profile", "add", "zoe"]);
    assert!(err.contains("already exists"), "{err}");
    let err = fails(&db, &["profile", "add", "max", "--maturity", "PG-18"]);
    assert!(err.contains("unknown maturity rating \"PG-18\""), "{err}");
}

#[test]
fn rows_json_follows_the_page_contract() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let page = json(
        &db,
        &[
            "rows",
            "--profile",
            "ava",
            "--now",
            "2026-11-22T20:00:00Z",
            "--device",
            "tv",
            "--json",
        ],
    );
    assert_eq!(page["profile"], "ava");
    assert_eq!(page["context"]["now"], "2026-11-22T20:00:00Z");
    assert_eq!(page["context"]["time_of_day"], "evening");
    assert_eq!(page["context"]["device"], "tv");
    assert!(page["config"]["name"].is_string() && page["config"]["hash"].is_string());
    let rows = page["rows"].as_array().unwrap();
    assert!(rows.len() >= 5, "a persona with history gets a full page");
    for row in rows {
        for key in ["id", "kind", "title", "score", "items"] {
            assert!(!row[key].is_null(), "row has {key}: {row}");
        }
        for item in row["items"].as_array().unwrap() {
            for key in [
                "title_id",
                "name",
                "score",
                "match",
                "artwork_id",
                "explanation",
            ] {
                assert!(!item[key].is_null(), "item has {key}: {item}");
            }
        }
    }
    let kinds: Vec<&str> = rows.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert!(
        kinds.contains(&"because_you_watched") && kinds.contains(&"trending"),
        "{kinds:?}"
    );
}

#[test]
fn the_same_request_gives_the_same_page_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let args = [
        "rows",
        "--profile",
        "ren",
        "--now",
        "2026-11-21T08:15:00+09:00",
        "--device",
        "mobile",
        "--json",
    ];
    assert_eq!(ok(&db, &args), ok(&db, &args));
}

#[test]
fn feedback_is_recorded_and_a_thumbs_down_leaves_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let page = json(&db, &["rows", "--profile", "ava", "--json"]);
    let victim = page["rows"][1]["items"][0]["title_id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = json(&db, &["stats", "--json"])["events"].as_u64().unwrap();
    let out = ok(
        &db,
        &[
            "feedback",
            "--profile",
            "ava",
            "--title",
            &victim,
            "--action",
            "down",
        ],
    );
    assert!(out.contains("Recorded"), "{out}");
    assert_eq!(
        json(&db, &["stats", "--json"])["events"].as_u64().unwrap(),
        before + 1
    );
    let page = json(&db, &["rows", "--profile", "ava", "--json"]);
    for row in page["rows"].as_array().unwrap() {
        for item in row["items"].as_array().unwrap() {
            assert_ne!(
                item["title_id"].as_str().unwrap(),
                victim,
                "thumbed-down title still in {}",
                row["id"]
            );
        }
    }
}

#[test]
fn playing_a_series_resumes_at_the_next_episode() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let titles = json(&db, &["titles", "--json"]);
    let series = titles
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "series" && t["maturity"] == "TV-MA")
        .unwrap();
    let id = series["id"].as_str().unwrap();
    ok(&db, &["profile", "add", "viewer-one"]);
    let out = ok(
        &db,
        &[
            "feedback",
            "--profile",
            "viewer-one",
            "--title",
            id,
            "--action",
            "play:100",
        ],
    );
    assert!(out.contains("S1:E1"), "{out}");
    let out = ok(
        &db,
        &[
            "feedback",
            "--profile",
            "viewer-one",
            "--title",
            id,
            "--action",
            "play:40",
        ],
    );
    assert!(out.contains("S1:E2"), "{out}");
    let page = json(&db, &["rows", "--profile", "viewer-one", "--json"]);
    let cw = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "continue_watching")
        .expect("continue watching row");
    assert_eq!(cw["items"][0]["title_id"], id);
    assert_eq!(cw["items"][0]["explanation"]["resume"], "S1:E2");
}

#[test]
fn bad_command_line_references_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let err = fails(&db, &["rows", "--profile", "nobody"]);
    assert!(err.contains("unknown profile \"nobody\""), "{err}");
    let err = fails(
        &db,
        &[
            "feedback",
            "--profile",
            "ava",
            "--title",
            "t9999",
            "--action",
            "up",
        ],
    );
    assert!(err.contains("unknown title id \"t9999\""), "{err}");
    let err = fails(
        &db,
        &[
            "feedback",
            "--profile",
            "ava",
            "--title",
            "t0001",
            "--action",
            "play:150",
        ],
    );
    assert!(err.contains("0 to 100"), "{err}");
    let err = fails(&db, &["title", "nope"]);
    assert!(err.contains("unknown title id \"nope\""), "{err}");
    let err = fails(&db, &["rows", "--profile", "ava", "--now", "yesterday"]);
    assert!(err.contains("RFC 3339"), "{err}");
}

#[test]
fn title_json_is_the_full_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let all = json(&db, &["titles", "--json"]);
    let n = all.as_array().unwrap().len();
    assert!(n >= 300);
    let id = all[0]["id"].as_str().unwrap();
    let t = json(&db, &["title", id, "--json"]);
    for key in [
        "name",
        "kind",
        "year",
        "maturity",
        "genres",
        "tags",
        "cast",
        "directors",
        "language",
        "country",
        "artwork",
    ] {
        assert!(!t[key].is_null(), "title has {key}: {t}");
    }
    assert!(t["artwork"][0]["theme"].is_string());
    assert_eq!(t, all[0]);
}

#[test]
fn the_kids_profile_sees_only_kids_ratings() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let titles = json(&db, &["titles", "--json"]);
    let rating = |id: &str| {
        titles
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap()["maturity"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let page = json(&db, &["rows", "--profile", "kit", "--json"]);
    let mut seen = 0;
    for row in page["rows"].as_array().unwrap() {
        for item in row["items"].as_array().unwrap() {
            let r = rating(item["title_id"].as_str().unwrap());
            assert!(
                ["TV-Y", "TV-Y7", "G", "TV-G"].contains(&r.as_str()),
                "{} is {r}",
                item["title_id"]
            );
            seen += 1;
        }
    }
    assert!(seen >= 10);
}

#[test]
fn search_finds_a_typo_ranks_by_score_and_holds_the_maturity_limit() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let titles = json(&db, &["titles", "--json"]);
    let adult = titles
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["maturity"] == "TV-MA" && t["name"].as_str().unwrap().len() >= 10)
        .unwrap();
    let (id, name) = (
        adult["id"].as_str().unwrap(),
        adult["name"].as_str().unwrap(),
    );
    // One letter dropped: what a hurried typist writes.
    let typo: String = name
        .chars()
        .enumerate()
        .filter(|(i, _)| *i != 3)
        .map(|x| x.1)
        .collect();
    let found = json(&db, &["search", "--profile", "ava", &typo, "--json"]);
    let list = found.as_array().unwrap();
    assert_eq!(list[0]["title_id"], id, "{typo:?}: {found}");
    assert_eq!(list[0]["field"], "title");
    for (i, pair) in list.windows(2).enumerate() {
        assert_eq!(pair[0]["rank"], i + 1);
        assert!(
            pair[0]["score"].as_f64() >= pair[1]["score"].as_f64(),
            "{found}"
        );
    }
    // The kids profile never sees it, even by its exact name.
    let kids = json(&db, &["search", "--profile", "kit", name, "--json"]);
    assert!(
        kids.as_array().unwrap().iter().all(|r| r["title_id"] != id),
        "{kids}"
    );
    let text = ok(&db, &["search", "--profile", "ava", &typo]);
    assert!(text.lines().nth(1).unwrap().contains(name), "{text}");
    let text = ok(&db, &["search", "--profile", "ava", "the", "--limit", "3"]);
    assert_eq!(text.lines().count(), 4, "a heading and 3 results: {text}");
}

#[test]
fn config_show_prints_the_built_in_config_a_new_one_starts_from() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let text = ok(&db, &["config", "show"]);
    let shown = marquee::rank::RankerConfig::from_json("shown.json", &text).unwrap();
    assert_eq!(shown, marquee::rank::RankerConfig::default());
    assert!(!db.exists(), "config show needs no database");
    // Every setting is spelled out, so editing one is all a new config takes.
    let v: Value = serde_json::from_str(&text).unwrap();
    for key in [
        "name",
        "exploration_share",
        "row_items",
        "training",
        "diversity",
    ] {
        assert!(v.get(key).is_some(), "{key} is shown");
    }
}

#[test]
fn cli_edges_are_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let a = dir.path().join("a.json");
    std::fs::write(&a, ok(&db, &["config", "show"])).unwrap();
    let a = a.to_str().unwrap();
    let out = marquee(&db, &["abtest", "--a", a, "--b", a, "--viewers", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--viewers"));
    let err = fails(&db, &["abtest", "--a", a, "--b", a, "--viewers", "99999"]);
    assert!(
        err.contains("--viewers 99999") && err.contains("5000 viewers"),
        "{err}"
    );
    let out = marquee(&db, &["eval", "--k", "0"]);
    assert_eq!(out.status.code(), Some(2), "eval --k 0 is a usage error");
    // Without a terminal, --compare cannot open the split view: said, not dropped.
    let err = fails(&db, &["--compare", a]);
    assert!(
        err.contains("--compare") && err.contains("terminal"),
        "{err}"
    );
    // A missing file is said once.
    let err = fails(&db, &["import", "/nonexistent/x.json"]);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

#[test]
fn counts_of_one_are_singular() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tiny.db");
    let out = ok(
        &db,
        &[
            "import",
            fixture("tiny-catalog.json").to_str().unwrap(),
            fixture("tiny-profile.json").to_str().unwrap(),
        ],
    );
    assert!(out.contains(", 1 profile with "), "{out}");
    let stats = ok(&db, &["stats"]);
    assert!(stats.contains("1 profile,"), "{stats}");
}

/// A database in `dir` with the tiny catalog and its one profile, Tess.
fn tiny_db(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("tiny.db");
    let catalog = fixture("tiny-catalog.json");
    let tess = fixture("tiny-profile.json");
    ok(
        &db,
        &["import", catalog.to_str().unwrap(), tess.to_str().unwrap()],
    );
    db
}

#[test]
fn feedback_never_waits_on_training_and_leaves_the_cached_model_valid() {
    let dir = tempfile::tempdir().unwrap();
    let db = tiny_db(dir.path());
    let tess = fixture("tiny-profile.json");
    let trained = |args: &[&str]| {
        let out = marquee(&db, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).contains("Trained the ranker")
    };
    assert!(
        trained(&["rows", "--profile", "tess"]),
        "the first page trains"
    );
    // A new profile with history changes the training data: the cache is stale.
    let other = dir.path().join("uma.json");
    let text = std::fs::read_to_string(&tess)
        .unwrap()
        .replace("\"tess\"", "\"uma\"")
        .replace("\"Tess\"", "\"Uma\"");
    std::fs::write(&other, text).unwrap();
    ok(&db, &["import", other.to_str().unwrap()]);
    let feedback = [
        "feedback",
        "--profile",
        "tess",
        "--title",
        "x4",
        "--action",
        "up",
    ];
    assert!(!trained(&feedback), "feedback is stored without training");
    assert!(
        trained(&["rows", "--profile", "tess"]),
        "the next page trains"
    );
    assert!(
        !trained(&feedback),
        "feedback does not make the model stale"
    );
    assert!(
        !trained(&["rows", "--profile", "tess"]),
        "the cached model still fits"
    );
}

#[test]
fn onboarding_picks_name_the_unknown_id_and_the_pick_above_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let titles = json(&db, &["titles", "--json"]);
    let mature = titles
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["maturity"] == "TV-MA")
        .expect("a TV-MA title in the sample");
    let id = mature["id"].as_str().unwrap();
    let picks = format!("{id},t9999");
    let err = fails(&db, &["onboarding", "--profile", "kit", "--picks", &picks]);
    assert!(
        err.contains("\"t9999\" is not a title in the catalog"),
        "{err}"
    );
    assert!(
        err.contains(&format!("\"{id}\""))
            && err.contains("is rated TV-MA, above this profile's limit of TV-Y7"),
        "{err}"
    );
    assert!(!err.contains("got 2"), "{err}");
}

#[test]
fn a_profile_named_with_an_accent_and_a_space_keeps_that_name_and_says_its_handle() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let out = ok(&db, &["profile", "add", "Zoë Kid", "--maturity", "TV-Y7"]);
    assert!(
        out.contains("Created profile zoe-kid, shown as “Zoë Kid”")
            && out.contains("use --profile zoe-kid"),
        "{out}"
    );
    let list = json(&db, &["profiles", "--json"]);
    let zoe = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "zoe-kid")
        .expect("the profile is listed by its handle");
    assert_eq!(zoe["display_name"], "Zoë Kid");
    let err = fails(&db, &["profile", "add", "日本"]);
    assert!(err.contains("no letter or digit"), "{err}");
}

#[test]
fn eval_impressions_reports_take_fractions_and_replays_the_artwork_policy() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let args = [
        "eval",
        "--impressions",
        "--viewers",
        "150",
        "--seed",
        "5",
        "--json",
    ];
    let v = json(&db, &args);
    // Nothing browsed yet: the stored log is empty, the simulated one is not.
    assert_eq!(v["stored"]["impressions"], 0);
    let sim = &v["simulated"];
    assert!(sim["impressions"].as_u64().unwrap() > 1000, "{sim}");
    let plays: u64 = sim["by_row_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["plays"].as_u64().unwrap())
        .sum();
    assert_eq!(plays, sim["plays"].as_u64().unwrap(), "row kinds add up");
    let r = &v["replay"];
    let est = r["estimates"].as_array().unwrap();
    assert_eq!(est.len(), 3);
    // The random log matches itself everywhere; a policy matches about 1/k of it.
    assert_eq!(est[1]["matched"], r["impressions"]);
    let n = r["impressions"].as_u64().unwrap();
    for e in [&est[0], &est[2]] {
        let m = e["matched"].as_u64().unwrap();
        assert!(m > n / 6 && m < n * 2 / 3, "{e}");
        let i = &e["replay"];
        assert!(
            i["low"].as_f64() <= i["mean"].as_f64() && i["mean"].as_f64() <= i["high"].as_f64()
        );
    }
    assert_eq!(r["differences"].as_array().unwrap().len(), 2);
    assert_eq!(json(&db, &args), v, "seeded: the same report again");
}

#[test]
fn train_says_where_the_time_went_stage_by_stage_in_both_passes() {
    let dir = tempfile::tempdir().unwrap();
    let db = tiny_db(dir.path());
    let report: serde_json::Value = serde_json::from_str(&ok(&db, &["train", "--json"])).unwrap();
    let stages = report["stages"].as_array().expect("a list of stages");
    let ran = |pass: &str, stage: &str| {
        stages
            .iter()
            .any(|s| s["pass"] == pass && s["stage"] == stage && s["seconds"].as_f64().is_some())
    };
    for pass in ["cutoff", "serving"] {
        assert!(ran(pass, "taste factors"), "{pass}: {stages:?}");
        assert!(ran(pass, "item model"), "{pass}: {stages:?}");
    }
    assert!(ran("cutoff", "held-out check"), "{stages:?}");
    let text = ok(&db, &["train"]);
    assert!(text.contains("Time per stage"), "{text}");
    assert!(text.contains("serving  taste factors"), "{text}");
}
