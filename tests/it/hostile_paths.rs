//! Issue 21, second pass: hostile text reaches no terminal through any path
//! (error messages, file names, config names, snapshot files), and inputs
//! that are not regular files, not bounded or not sane are refused with the
//! file, the place and the value — never a hang, a panic or a half-done write.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Window title, clipboard write (OSC 52), screen clear, C1 CSI, bidi mark.
const HOSTILE: &str = "\u{1b}]2;X\u{7}\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{9b}31m\u{61c}\u{202e}";

/// Every character of `out` that could act on a terminal (newlines aside).
fn unsafe_chars(out: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(out)
        .chars()
        .filter(|&c| c != '\n' && marquee::text::is_inert_unsafe(c))
        .collect()
}

fn assert_inert(what: &str, out: &Output) {
    assert_eq!(
        unsafe_chars(&out.stdout),
        Vec::<char>::new(),
        "{what}: stdout"
    );
    assert_eq!(
        unsafe_chars(&out.stderr),
        Vec::<char>::new(),
        "{what}: stderr"
    );
}

/// Run marquee, killing it (and failing the test) if it has not ended within a minute.
fn run_bounded(db: &Path, args: &[&std::ffi::OsStr], env: &[(&str, &Path)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_marquee"));
    c.arg("--db").arg(db).args(args).env_remove("MARQUEE_DB");
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("marquee {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
    args.iter().map(Into::into).collect()
}

fn run(db: &Path, args: &[std::ffi::OsString]) -> Output {
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    run_bounded(db, &refs, &[])
}

fn tiny_catalog() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(fixture("tiny-catalog.json")).unwrap()).unwrap()
}

fn write_json(path: &Path, v: &serde_json::Value) -> PathBuf {
    std::fs::write(path, serde_json::to_string(v).unwrap()).unwrap();
    path.to_path_buf()
}

#[test]
fn error_messages_quoting_hostile_keys_values_and_file_names_are_inert() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let mut cases: Vec<(String, serde_json::Value)> = vec![];
    let mut key = tiny_catalog();
    key.as_object_mut()
        .unwrap()
        .insert(HOSTILE.into(), serde_json::json!(1));
    cases.push(("catalog key".into(), key));
    let mut title_key = tiny_catalog();
    title_key["titles"][0][HOSTILE] = serde_json::json!(1);
    cases.push(("title key".into(), title_key));
    let mut kind = tiny_catalog();
    kind["titles"][0]["kind"] = HOSTILE.into();
    cases.push(("kind value".into(), kind));
    cases.push((
        "event action".into(),
        serde_json::json!({"format": "marquee-profile/1", "name": "p",
            "history": [{"at": "2026-01-01T00:00:00Z", "title": "x1", "action": HOSTILE}]}),
    ));
    for (what, v) in &cases {
        let path = write_json(&dir.path().join("bad.json"), v);
        let out = run(&db, &os(&["import", path.to_str().unwrap()]));
        assert!(!out.status.success(), "{what}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("bad.json"),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_inert(what, &out);
    }
    // A config key, and $.weights.<key>.
    for text in [
        format!(
            "{{\"name\":\"x\",{}: 1}}",
            serde_json::to_string(HOSTILE).unwrap()
        ),
        format!(
            "{{\"name\":\"x\",\"weights\":{{{}: 1}}}}",
            serde_json::to_string(HOSTILE).unwrap()
        ),
    ] {
        let cfg = dir.path().join("cfg.json");
        std::fs::write(&cfg, text).unwrap();
        let out = run(
            &db,
            &os(&["--config", cfg.to_str().unwrap(), "config", "show"]),
        );
        assert!(!out.status.success());
        assert_inert("config key", &out);
    }
    // The file name itself.
    let evil = dir.path().join(format!("evil{HOSTILE}.json"));
    std::fs::write(&evil, "{").unwrap();
    let out = run(
        &db,
        &[std::ffi::OsString::from("import"), evil.into_os_string()],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("evil"));
    assert_inert("file name", &out);
    // An argument clap quotes back.
    let out = run(&db, &os(&["rows", HOSTILE]));
    assert_eq!(out.status.code(), Some(2));
    assert_inert("clap usage error", &out);
}

/// `marquee config show` with the name changed to `name`, written to `path`.
fn config_named(db: &Path, path: &Path, name: &str) -> PathBuf {
    let mut v: serde_json::Value = serde_json::from_str(&ok(db, &["config", "show"])).unwrap();
    v["name"] = name.into();
    write_json(path, &v)
}

#[test]
fn config_names_are_inert_in_compare_and_abtest() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let a = config_named(&db, &dir.path().join("a.json"), &format!("a{HOSTILE}"));
    let mut b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&a).unwrap()).unwrap();
    b["name"] = format!("b{HOSTILE}").into();
    b["weights"] = serde_json::json!({"popularity": 2.0});
    let b = write_json(&dir.path().join("b.json"), &b);
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    for args in [
        vec!["compare", "--a", a, "--b", b, "--profile", "ava"],
        vec!["compare", "--a", a, "--b", b, "--profile", "ava", "--json"],
        vec![
            "abtest",
            "--a",
            a,
            "--b",
            b,
            "--viewers",
            "40",
            "--sessions",
            "1",
        ],
        vec!["--config", b, "rows", "--profile", "ava"],
    ] {
        let out = run(&db, &os(&args));
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("52;c;aGk="),
            "{args:?}: the name is still shown"
        );
        assert_inert(&format!("{args:?}"), &out);
    }
}

#[test]
fn snapshot_files_are_inert_and_titles_that_left_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let snap = dir.path().join("snap");
    ok(&db, &["snapshot", "write", snap.to_str().unwrap()]);
    let manifest_path = snap.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    manifest["config_name"] = format!("old{HOSTILE}").into();
    manifest["config_hash"] = "0".into();
    write_json(&manifest_path, &manifest);
    // One approved page had a title the new page does not have.
    let page_name = manifest["pages"][0].as_str().unwrap().to_string();
    let page_path = snap.join(format!("{page_name}.json"));
    let mut page: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&page_path).unwrap()).unwrap();
    let last_row = page["rows"].as_array().unwrap().len() - 1;
    page["rows"][last_row]["items"][0]["title_id"] = format!("gone{HOSTILE}").into();
    page["rows"][last_row]["items"][0]["name"] = format!("Gone Title{HOSTILE}").into();
    write_json(&page_path, &page);
    let out = run(&db, &os(&["snapshot", "check", snap.to_str().unwrap()]));
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("left the page: gone") && text.contains("Gone Title"),
        "{text}"
    );
    assert_inert("snapshot check", &out);
    let out = run(
        &db,
        &os(&["snapshot", "check", snap.to_str().unwrap(), "--json"]),
    );
    assert_inert("snapshot check --json", &out);

    // A page name that would leave the folder is refused, inert.
    manifest["pages"][1] = format!("../../x{HOSTILE}").into();
    write_json(&manifest_path, &manifest);
    let out = run(&db, &os(&["snapshot", "check", snap.to_str().unwrap()]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("$.pages[1]") && err.contains("not a page name"),
        "{err}"
    );
    assert_inert("bad page name", &out);
}

#[test]
fn no_output_of_the_cli_bypasses_the_sanitizer() {
    // Every print in the binary goes through marquee::text (outln!, errln!, text::stdout()).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![root.join("main.rs")];
    for e in std::fs::read_dir(root.join("cli")).unwrap() {
        files.push(e.unwrap().path());
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            for raw in [
                "println!",
                "print!(",
                "eprintln!",
                "eprint!",
                "std::io::stdout().lock",
                "io::stderr().lock",
                "dbg!",
            ] {
                assert!(
                    !line.contains(raw),
                    "{}:{}: `{raw}` writes to the terminal without the sanitizer: {line}",
                    f.display(),
                    i + 1
                );
            }
        }
    }
}

/// A journey started on `db`'s ava, as the TUI saves it.
fn journey(db: &Path) -> serde_json::Value {
    let store = marquee::store::Store::open(db).unwrap();
    let session = marquee::session::Session::open(
        store,
        marquee::rank::RankerConfig::default(),
        Some("ava"),
        None,
        7,
    )
    .unwrap();
    let first = session.page();
    serde_json::to_value(marquee::eval::journey::Journey::start(&session, &first)).unwrap()
}

#[test]
fn a_journeys_config_is_validated_like_a_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let base = journey(&db);
    let path = dir.path().join("j.json");
    write_json(&path, &base);
    let out = ok(&db, &["replay", path.to_str().unwrap()]);
    assert!(out.contains("rebuilt identically"), "{out}");
    for (field, value, place) in [
        (
            "/config/training/item_model/lambda",
            serde_json::json!(0),
            "$.config.training.item_model.lambda",
        ),
        (
            "/config/training/item_model/lambda",
            serde_json::json!(-300),
            "$.config.training.item_model.lambda",
        ),
        (
            "/config/training/item_model/item_exponent",
            serde_json::json!(-100),
            "$.config.training.item_model.item_exponent",
        ),
        (
            "/config/training/factors",
            serde_json::json!(4000),
            "$.config.training.factors",
        ),
        (
            "/config/training/iterations",
            serde_json::json!(400),
            "$.config.training.iterations",
        ),
        (
            "/config/row_items",
            serde_json::json!(0),
            "$.config.row_items",
        ),
        (
            "/config/row_items",
            serde_json::json!(100_000_000),
            "$.config.row_items",
        ),
        (
            "/config/exploration_share",
            serde_json::json!(1e300),
            "$.config.exploration_share",
        ),
    ] {
        let mut j = base.clone();
        *j.pointer_mut(field).unwrap() = value.clone();
        write_json(&path, &j);
        let out = run(&db, &os(&["replay", path.to_str().unwrap()]));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{field} = {value}: {err}");
        assert!(
            err.contains("j.json") && err.contains(place),
            "{field} = {value}: {err}"
        );
    }
    let mut j = base.clone();
    j["config"]["weights"] = serde_json::json!({"no_such_feature": 1.0});
    write_json(&path, &j);
    let err = fails(&db, &["replay", path.to_str().unwrap()]);
    assert!(
        err.contains("$.config.weights.no_such_feature") && err.contains("unknown feature"),
        "{err}"
    );
}

#[test]
fn a_journey_is_bounded_and_a_killed_replays_scratch_copy_is_cleaned_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let mut j = journey(&db);
    let steps: Vec<serde_json::Value> = (0..10_000)
        .map(|_| serde_json::json!({"step": "undo"}))
        .collect();
    j["pages"] = serde_json::Value::Array(vec![j["pages"][0].clone(); 10_001]);
    j["steps"] = serde_json::Value::Array(steps);
    let path = write_json(&dir.path().join("long.json"), &j);
    let err = fails(&db, &["replay", path.to_str().unwrap()]);
    assert!(
        err.contains("$.steps") && err.contains("10000 steps"),
        "{err}"
    );

    // A scratch copy left by a process that is gone, in the temporary folder.
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let mut gone = Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let stale = tmp.join(format!("marquee-sandbox-{dead}.db"));
    std::fs::write(&stale, vec![0u8; 4096]).unwrap();
    let unrelated = tmp.join("marquee-notes.txt");
    std::fs::write(&unrelated, "mine").unwrap();
    let ok_journey = write_json(&dir.path().join("j.json"), &journey(&db));
    let out = run_bounded(
        &db,
        &["replay".as_ref(), ok_journey.as_os_str()],
        &[("TMPDIR", &tmp)],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stale.exists(), "the stale scratch copy was removed");
    assert!(unrelated.exists());
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert_eq!(left.len(), 1, "replay removed its own copy too");
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn a_fifo_given_as_any_path_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    let f = fifo.to_str().unwrap();
    for (db, args) in [
        (fifo.as_path(), vec!["stats"]),
        (db.as_path(), vec!["--config", f, "stats"]),
        (db.as_path(), vec!["import", f]),
        (db.as_path(), vec!["replay", f]),
        (db.as_path(), vec!["compare", "--a", f, "--b", f]),
    ] {
        let out = run(db, &os(&args));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("pipe") && err.contains("named pipe (FIFO), not a regular file"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn an_event_from_the_far_future_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let profile = write_json(
        &dir.path().join("future.json"),
        &serde_json::json!({"format": "marquee-profile/1", "name": "zed", "history": [
            {"at": "2026-01-20T20:00:00Z", "title": "x1", "action": "up"},
            {"at": "9999-12-31T00:00:00Z", "title": "x2", "action": "up"}]}),
    );
    let err = fails(
        &db,
        &[
            "import",
            fixture("tiny-catalog.json").to_str().unwrap(),
            profile.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("future.json")
            && err.contains("$.history[1].at")
            && err.contains("9999-12-31")
            && err.contains("2026-02-01"),
        "{err}"
    );
    // A day or two past the as-of date is within the slack.
    let near = write_json(
        &dir.path().join("near.json"),
        &serde_json::json!({"format": "marquee-profile/1", "name": "zed", "history": [
            {"at": "2026-02-03T20:00:00Z", "title": "x1", "action": "up"}]}),
    );
    ok(
        &db,
        &[
            "import",
            fixture("tiny-catalog.json").to_str().unwrap(),
            near.to_str().unwrap(),
        ],
    );
}

#[test]
fn a_genre_listed_twice_is_named_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let mut v = tiny_catalog();
    let g = v["titles"][0]["genres"][0].clone();
    v["titles"][0]["genres"] = serde_json::json!([g.clone(), g]);
    let path = write_json(&dir.path().join("twice.json"), &v);
    let err = fails(&db, &["import", path.to_str().unwrap()]);
    assert!(
        err.contains("twice.json")
            && err.contains("$.titles[0].genres[1]")
            && err.contains("listed twice"),
        "{err}"
    );
}

#[test]
fn onboarding_picks_are_all_recorded_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    ok(&db, &["profile", "add", "newbie"]);
    let offered: serde_json::Value =
        serde_json::from_str(&ok(&db, &["onboarding", "--profile", "newbie", "--json"])).unwrap();
    let ids: Vec<String> = offered["titles"].as_array().unwrap()[..6]
        .iter()
        .map(|t| t["title_id"].as_str().unwrap().to_string())
        .collect();
    let member: i64;
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        member = c
            .query_row("SELECT id FROM members WHERE name = 'newbie'", [], |r| {
                r.get(0)
            })
            .unwrap();
        // The fourth pick's write fails, as a full disk or a kill would stop it.
        c.execute_batch(&format!(
            "CREATE TRIGGER fail_fourth BEFORE INSERT ON events
             WHEN NEW.member_id = {member} AND (SELECT count(*) FROM events WHERE member_id = {member}) >= 3
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
        ))
        .unwrap();
    }
    let err = fails(
        &db,
        &[
            "onboarding",
            "--profile",
            "newbie",
            "--picks",
            &ids.join(","),
        ],
    );
    assert!(err.contains("injected failure"), "{err}");
    let c = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = c
        .query_row(
            "SELECT count(*) FROM events WHERE member_id = ?1",
            [member],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0, "no pick of a failed onboarding is kept");
    c.execute_batch("DROP TRIGGER fail_fourth").unwrap();
    drop(c);
    ok(
        &db,
        &[
            "onboarding",
            "--profile",
            "newbie",
            "--picks",
            &ids.join(","),
        ],
    );
}

#[test]
fn racing_first_runs_build_the_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("first.db");
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_marquee"))
                .arg("--db")
                .arg(&db)
                .args(["profiles", "--json"])
                .env_remove("MARQUEE_DB")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for o in &outs {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(o.stdout, outs[0].stdout);
    }
    let built = outs
        .iter()
        .filter(|o| String::from_utf8_lossy(&o.stderr).contains("Building the sample catalog"))
        .count();
    assert_eq!(built, 1, "one run builds, the others wait and open it");
    // Nothing half-built is left beside the database. SQLite's own WAL
    // files may be: when the last two runs close at the same moment, each
    // sees the other and neither removes them (the next open reads them).
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "first.db-wal" && n != "first.db-shm")
        .collect();
    names.sort();
    assert_eq!(names, vec!["first.db".to_string()]);
}
