//! Nothing lost, nothing injected, no panic on bad input: feedback that was
//! acknowledged survives SIGKILL; a busy database gets a bounded wait and a
//! message; two writers at once lose nothing; hostile catalog text reaches
//! neither the terminal nor text output as control characters; absurd
//! inputs are refused with a message.

use crate::common::*;
use rand::{Rng, SeedableRng};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn feedback_command(db: &Path, title: &str, action: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_marquee"));
    c.arg("--db").arg(db).args([
        "feedback",
        "--profile",
        "ava",
        "--title",
        title,
        "--action",
        action,
    ]);
    c.env_remove("MARQUEE_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// The event id in "Recorded for ava: … (event 123)."
fn acknowledged_id(stdout: &str) -> Option<i64> {
    let tail = stdout.rsplit("(event ").next()?;
    tail.split(')').next()?.parse().ok()
}

fn events_with_ids(db: &Path, ids: &[i64]) -> usize {
    let c = rusqlite::Connection::open(db).unwrap();
    ids.iter()
        .filter(|id| {
            c.query_row("SELECT count(*) FROM events WHERE id = ?1", [*id], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap()
                == 1
        })
        .count()
}

fn integrity(db: &Path) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn acknowledged_feedback_survives_sigkill_at_random_moments() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(8);
    let titles = [
        "t0001", "t0002", "t0003", "t0012", "t0020", "t0031", "t0045", "t0101",
    ];
    let actions = [
        "up",
        "down",
        "love",
        "play:40",
        "play:100",
        "list-add",
        "list-remove",
    ];
    let (mut acked, mut killed, mut runs) = (vec![], 0, 0);
    while acked.len() < 500 {
        runs += 1;
        let mut child = feedback_command(
            &db,
            titles[rng.gen_range(0..titles.len())],
            actions[rng.gen_range(0..actions.len())],
        )
        .spawn()
        .unwrap();
        if rng.gen_bool(0.4) {
            // SIGKILL at a random moment: before, during or after the commit.
            std::thread::sleep(Duration::from_millis(rng.gen_range(0..90)));
            if child.kill().is_ok() {
                killed += 1;
            }
        }
        let out = child.wait_with_output().unwrap();
        if let Some(id) = acknowledged_id(&String::from_utf8_lossy(&out.stdout)) {
            acked.push(id);
        }
    }
    eprintln!(
        "{runs} feedback commands, {killed} killed with SIGKILL, {} acknowledged",
        acked.len()
    );
    assert_eq!(integrity(&db), "ok");
    assert_eq!(
        events_with_ids(&db, &acked),
        acked.len(),
        "every acknowledged event is in the database"
    );
}

#[test]
fn a_busy_database_gets_a_bounded_wait_and_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = Instant::now();
    let out = feedback_command(&db, "t0001", "up").output().unwrap();
    let waited = started.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("busy") && err.contains("try again") && !err.contains("panicked"),
        "{err}"
    );
    assert!(
        waited >= Duration::from_secs(4) && waited < Duration::from_secs(30),
        "waited {waited:?}"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    let out = feedback_command(&db, "t0001", "up").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn two_writers_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let writer = |title: &'static str| {
        let db = db.clone();
        std::thread::spawn(move || {
            (0..40)
                .filter_map(|_| {
                    let out = feedback_command(&db, title, "play:30").output().unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    acknowledged_id(&String::from_utf8_lossy(&out.stdout))
                })
                .collect::<Vec<i64>>()
        })
    };
    let (a, b) = (writer("t0001"), writer("t0002"));
    let ids: Vec<i64> = a
        .join()
        .unwrap()
        .into_iter()
        .chain(b.join().unwrap())
        .collect();
    assert_eq!(ids.len(), 80);
    assert_eq!(events_with_ids(&db, &ids), 80);
    assert_eq!(integrity(&db), "ok");
}

/// Text that would move the cursor, recolour, clear the screen, set the
/// window title, reverse the text direction or hide itself on a terminal.
const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}Evil\u{9b}31m \u{202e}desrever\u{202c} zero\u{200b}width\u{0}\u{7f} mark\u{61c}";

fn hostile_catalog(dir: &Path) -> std::path::PathBuf {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("tiny-catalog.json")).unwrap())
            .unwrap();
    for t in v["titles"].as_array_mut().unwrap() {
        let name = t["name"].as_str().unwrap().to_string();
        t["name"] = format!("{name} {HOSTILE}").into();
        t["synopsis"] = format!("Synopsis {HOSTILE}").into();
        t["cast"] = serde_json::json!([format!("Cast {HOSTILE}")]);
        t["directors"] = serde_json::json!([format!("Director {HOSTILE}")]);
        for a in t["artwork"].as_array_mut().unwrap() {
            a["caption"] = format!("Cap {}", &HOSTILE[..12]).into();
        }
        if let Some(seasons) = t.get_mut("seasons").and_then(|s| s.as_array_mut()) {
            for s in seasons {
                s["episodes"] = serde_json::json!([format!("Episode {HOSTILE}")]);
            }
        }
    }
    for g in v["genres"].as_array_mut().unwrap() {
        g["name"] = format!("Genre {HOSTILE}").into();
    }
    for tag in v["tags"].as_array_mut().unwrap() {
        if tag.get("label").is_some() {
            tag["label"] = format!("Label {HOSTILE}").into();
        }
    }
    let path = dir.join("hostile.json");
    std::fs::write(&path, serde_json::to_string(&v).unwrap()).unwrap();
    path
}

fn unsafe_chars(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| c != '\n' && marquee::text::is_inert_unsafe(c))
        .collect()
}

#[test]
fn hostile_catalog_text_is_inert_on_screen_and_in_text_output() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hostile.db");
    ok(
        &db,
        &[
            "import",
            hostile_catalog(dir.path()).to_str().unwrap(),
            fixture("tiny-profile.json").to_str().unwrap(),
        ],
    );

    for args in [
        &["title", "x1"][..],
        &["titles"],
        &["rows", "--profile", "tess"],
        &["explain", "--profile", "tess", "--title", "x3"],
    ] {
        let out = ok(&db, args);
        assert!(
            out.contains("Evil"),
            "the text itself is still shown: {out}"
        );
        assert_eq!(
            unsafe_chars(&out),
            Vec::<char>::new(),
            "marquee {args:?} printed control characters"
        );
    }
    // JSON keeps the text, escaped as JSON escapes it: no raw control byte in the output.
    let json = ok(&db, &["title", "x1", "--json"]);
    assert_eq!(unsafe_chars(&json), Vec::<char>::new());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        v["name"].as_str().unwrap().contains('\u{1b}'),
        "JSON carries the original text"
    );
    let page = ok(&db, &["rows", "--profile", "tess", "--json"]);
    assert!(page.contains("Evil"), "{page}");
    assert_eq!(
        unsafe_chars(&page),
        Vec::<char>::new(),
        "rows --json printed control characters"
    );

    // The TUI: home, detail and search drawn into a buffer hold no control characters.
    let store = marquee::store::Store::open(&db).unwrap();
    let session = marquee::session::Session::open(
        store,
        marquee::rank::RankerConfig::default(),
        Some("tess"),
        None,
        7,
    )
    .unwrap();
    let mut rt = marquee::tui::runtime::Runtime::new(session, Some(1.0));
    rt.dispatch(marquee::tui::msg::Msg::Resize(160, 48));
    let theme = marquee::tui::theme::Theme::new(marquee::tui::theme::ColorMode::TrueColor);
    let key = |c| crossterm::event::KeyEvent::new(c, crossterm::event::KeyModifiers::NONE);
    for keys in [
        vec![],
        vec![key(crossterm::event::KeyCode::Enter)],
        vec![
            key(crossterm::event::KeyCode::Esc),
            key(crossterm::event::KeyCode::Char('/')),
            key(crossterm::event::KeyCode::Char('e')),
        ],
    ] {
        for k in keys {
            rt.press(k);
        }
        let screen = crate::common::drawn(&rt.app, &theme, 160, 48);
        assert!(screen.contains("Evil"), "{screen}");
        assert_eq!(
            unsafe_chars(&screen),
            Vec::<char>::new(),
            "the screen holds control characters"
        );
    }
}

#[test]
fn absurd_inputs_are_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let base: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("tiny-catalog.json")).unwrap())
            .unwrap();
    let db = dir.path().join("absurd.db");

    let mut long = base.clone();
    long["titles"][2]["synopsis"] = "word ".repeat(2_000_000).into();
    let path = dir.path().join("long-synopsis.json");
    std::fs::write(&path, serde_json::to_string(&long).unwrap()).unwrap();
    let err = fails(&db, &["import", path.to_str().unwrap()]);
    assert!(
        err.contains("long-synopsis.json")
            && err.contains("$.titles[2].synopsis")
            && err.contains("10000000 characters long; the limit is"),
        "{err}"
    );

    let mut many = base.clone();
    many["titles"][1]["genres"] =
        serde_json::Value::Array((0..1000).map(|_| "mystery".into()).collect());
    let path = dir.path().join("many-genres.json");
    std::fs::write(&path, serde_json::to_string(&many).unwrap()).unwrap();
    let err = fails(&db, &["import", path.to_str().unwrap()]);
    assert!(
        err.contains("$.titles[1].genres") && err.contains("has 1000 entries; expected 1 to 5"),
        "{err}"
    );
    assert!(
        !db.exists()
            || marquee::store::Store::open(&db)
                .unwrap()
                .is_empty()
                .unwrap(),
        "nothing was imported"
    );
}
