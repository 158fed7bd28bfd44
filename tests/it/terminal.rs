//! The real binary in a real terminal (tmux): what a person sees, that a
//! thumbs down takes effect and is saved, and that the terminal comes back
//! in order (cooked mode, main screen, cursor shown) after `q`, Ctrl-C and
//! a panic. Skips with a message when tmux is not installed, except under CI
//! (`CI` set), where it fails: CI installs tmux.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of our own (its own socket), killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, command: &str) -> Option<Tmux> {
        Tmux::start_sized(name, command, 200, 50)
    }

    fn start_sized(name: &str, command: &str, w: u16, h: u16) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            // CI installs tmux: there a missing tmux is a broken setup, not a skip.
            assert!(
                std::env::var_os("CI").is_none(),
                "tmux is not installed, and CI must run the real-terminal tests"
            );
            eprintln!("skipping the real-terminal test: tmux is not installed");
            return None;
        }
        let socket = format!("marquee-test-{}-{name}", std::process::id());
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                &w.to_string(),
                "-y",
                &h.to_string(),
                "-s",
                "t",
            ])
            .arg(command)
            .env("TERM", "xterm-256color")
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux could not start a session");
        Some(Tmux { socket })
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "t"])
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "t", k]);
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Wait until the screen contains `text`; panic with the screen if it never does.
    fn wait_for(&self, text: &str, limit: Duration) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                started.elapsed() < limit,
                "{text:?} never appeared on screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn resize(&self, w: u16, h: u16) {
        self.tmux(&[
            "resize-window",
            "-t",
            "t",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
        ]);
    }

    fn cursor_visible(&self) -> bool {
        self.tmux(&["display-message", "-p", "-t", "t", "#{cursor_flag}"])
            .trim()
            == "1"
    }

    /// After Marquee exits: raw mode off (`stty -a` printed `icanon`), the
    /// alternate screen left (`app_text` is no longer on screen), the cursor shown.
    fn assert_restored(&self, screen: &str, app_text: &str) {
        assert!(
            screen.lines().any(|l| l.trim() == "icanon"),
            "raw mode is off:\n{screen}"
        );
        assert!(
            !screen.contains(app_text),
            "the alternate screen is left:\n{screen}"
        );
        assert!(self.cursor_visible(), "the cursor is shown again");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// Printed after the terminal's state is: the screen is complete once it shows.
const REPORTED: &str = "REPORT-END";

/// A shell command that runs Marquee, then reports its exit code and whether
/// the terminal is back in canonical (cooked) mode, and stays open to be read.
fn marquee_then_report(db: &Path, env: &str) -> String {
    format!(
        "{env} {bin} --db {db} ; echo \"EXITED:$?\"; stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon; echo {REPORTED}; sleep 60",
        bin = env!("CARGO_BIN_EXE_marquee"),
        db = db.display(),
    )
}

const LOAD: Duration = Duration::from_secs(90);

#[test]
fn a_person_sees_the_rows_and_a_thumbs_down_takes_effect_and_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::sample_db(&dir);
    let ava_events = || -> u64 {
        let profiles: serde_json::Value =
            serde_json::from_str(&crate::common::ok(&db, &["profiles", "--json"])).unwrap();
        profiles
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "ava")
            .unwrap()["events"]
            .as_u64()
            .unwrap()
    };
    let before = ava_events();
    let Some(t) = Tmux::start("rows", &marquee_then_report(&db, "")) else {
        return;
    };
    let screen = t.wait_for("Top Picks for Ava", LOAD);
    assert!(
        // Continue Watching is placed by how likely a resume is now, so the
        // first screen need not show it.
        screen.contains("MARQUEE") && screen.contains("for Ava"),
        "{screen}"
    );
    assert!(
        screen.contains("% Match"),
        "the billboard shows its match:\n{screen}"
    );

    t.keys(&["Down", "n"]);
    let screen = t.wait_for("Saved:", Duration::from_secs(10));
    assert!(screen.contains("thumbs down"), "{screen}");
    assert_eq!(
        ava_events(),
        before + 1,
        "the thumbs down is in the database, read by another process"
    );

    t.keys(&["q"]);
    let screen = t.wait_for(REPORTED, Duration::from_secs(10));
    assert!(screen.contains("EXITED:0"), "{screen}");
    t.assert_restored(&screen, "Top Picks for Ava");
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::sample_db(&dir);
    let Some(t) = Tmux::start("ctrlc", &marquee_then_report(&db, "")) else {
        return;
    };
    t.wait_for("Top Picks for Ava", LOAD);
    t.keys(&["C-c"]);
    let screen = t.wait_for(REPORTED, Duration::from_secs(10));
    assert!(screen.contains("EXITED:0"), "{screen}");
    t.assert_restored(&screen, "MARQUEE");
}

#[test]
fn a_panic_restores_the_terminal_and_says_where_the_log_is() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::sample_db(&dir);
    let Some(t) = Tmux::start(
        "panic",
        &marquee_then_report(&db, "MARQUEE_PANIC_AFTER_DRAW=1"),
    ) else {
        return;
    };
    let screen = t.wait_for(REPORTED, LOAD);
    assert!(
        !screen.contains("EXITED:0"),
        "a panic exits non-zero:\n{screen}"
    );
    assert!(screen.contains("Marquee crashed"), "{screen}");
    assert!(
        screen.contains("The details are in"),
        "it says where the log is:\n{screen}"
    );
    assert!(
        db.with_file_name("marquee-crash.log").exists(),
        "the log is written"
    );
    t.assert_restored(&screen, "Top Picks for Ava");
}

#[test]
fn a_sandbox_session_leaves_the_real_database_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::sample_db(&dir);
    let before = std::fs::read(&db).unwrap();
    let command = format!(
        "{} --db {} --sandbox; echo \"EXITED:$?\"; sleep 60",
        env!("CARGO_BIN_EXE_marquee"),
        db.display()
    );
    let Some(t) = Tmux::start("sandbox", &command) else {
        return;
    };
    let screen = t.wait_for("Top Picks for Ava", LOAD);
    assert!(
        screen.contains("SANDBOX"),
        "the header says it is a sandbox:\n{screen}"
    );
    t.keys(&["Down", "n"]);
    t.wait_for("Saved:", Duration::from_secs(10));
    t.keys(&["q"]);
    t.wait_for("EXITED:0", Duration::from_secs(10));
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the real database is byte for byte as it was"
    );
}

#[test]
fn keys_pressed_on_the_too_small_message_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::sample_db(&dir);
    let events = || crate::common::ok(&db, &["profiles", "--json"]);
    let before = events();
    let Some(t) = Tmux::start_sized("small", &marquee_then_report(&db, ""), 80, 24) else {
        return;
    };
    t.wait_for("Top Picks for Ava", LOAD);
    t.keys(&["Down"]);
    t.resize(50, 12);
    t.wait_for("needs a terminal", Duration::from_secs(10));
    t.keys(&["n", "m", "/", "a", "b"]);
    t.resize(80, 24);
    let screen = t.wait_for("Top Picks for Ava", Duration::from_secs(10));
    assert!(
        !screen.contains("Search"),
        "a search box opened behind the message:\n{screen}"
    );
    assert_eq!(
        events(),
        before,
        "feedback was saved from a page nobody could see"
    );
    t.keys(&["q"]);
    t.wait_for("EXITED:0", Duration::from_secs(10));
}

#[test]
fn a_search_result_is_rated_from_the_list_and_onboarding_asks_before_leaving() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::sample_db(&dir);
    let events = || crate::common::ok(&db, &["profiles", "--json"]);
    let before = events();
    let Some(t) = Tmux::start_sized("search", &marquee_then_report(&db, "TERM=xterm"), 80, 24)
    else {
        return;
    };
    t.wait_for("Top Picks for Ava", LOAD);
    t.keys(&["/", "british mystery"]);
    t.wait_for("fields · ", Duration::from_secs(10));
    t.keys(&["Down", "Down", "y"]);
    t.wait_for("Saved:", Duration::from_secs(10));
    assert_ne!(
        events(),
        before,
        "the thumbs up from the list is in the database"
    );
    // Esc (alone, so it is not read as Alt-p) back home, then a new profile.
    t.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(400));
    t.keys(&["p"]);
    t.wait_for("Who's watching?", Duration::from_secs(10));
    t.keys(&["Down"; 8]);
    t.keys(&["Enter", "Zoë Kid", "Enter"]);
    t.wait_for("0 of 3 picked", Duration::from_secs(20));
    t.keys(&["Escape"]);
    let screen = t.wait_for("Leave without picking?", Duration::from_secs(10));
    assert!(screen.contains("Welcome, Zoë Kid!"), "{screen}");
    t.keys(&["C-c"]);
    t.wait_for("EXITED:0", Duration::from_secs(10));
}
