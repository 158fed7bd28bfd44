//! The ranker protocol and its faults over the tiny world, each with a
//! tiny ranker script written here (python3; skipped with a message where
//! it is missing).

use super::{ExternalRanker, StartError};
use crate::catalog::Action;
use crate::rank::RankerConfig;
use crate::session::Session;
use crate::testkit::tiny_session;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// python3, or `None` with a message saying the test is skipped.
pub(crate) fn python(test: &str) -> Option<&'static str> {
    let ok = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("{test}: skipped: python3 is not installed");
    }
    ok.then_some("python3")
}

/// The start of every test ranker: answer the hello, then call `score(req)`
/// for each request and print what it returns.
const PRELUDE: &str = r#"
import json, sys, os, time
def serve(score, version=1):
    for line in sys.stdin:
        req = json.loads(line)
        if req["type"] == "hello":
            print(json.dumps({"version": version, "type": "hello", "name": "test"}), flush=True)
            continue
        out = score(req)
        if out is not None:
            print(out if isinstance(out, str) else json.dumps(out), flush=True)
"#;

struct Script {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn script(body: &str) -> Script {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ranker.py");
    std::fs::write(&path, format!("{PRELUDE}\n{body}\n")).unwrap();
    Script { _dir: dir, path }
}

fn spec(py: &str, s: &Script, args: &str) -> String {
    format!("{py} {} {args}", s.path.display())
}

fn start(spec: &str, ms: u64) -> Result<ExternalRanker, StartError> {
    ExternalRanker::start(spec, Duration::from_millis(ms))
}

fn with_ranker(profile: &str, r: ExternalRanker) -> Session {
    let mut s = tiny_session(profile);
    s.set_config(RankerConfig::default().with_external(Arc::new(r)));
    s
}

/// Scores every candidate by its place in the list, last best: the opposite
/// of catalog order, whatever Marquee thinks.
const REVERSE: &str = r#"
def score(req):
    c = req["candidates"]
    return {"version": 1, "id": req["id"], "scores": [
        {"title": t, "score": float(i), "contributions": {"order": float(i)}, "reason": "Test ranker's pick"}
        for i, t in enumerate(c)]}
serve(score)
"#;

#[test]
fn a_rankers_scores_order_the_page_and_the_page_says_so() {
    let Some(py) = python("a_rankers_scores_order_the_page") else {
        return;
    };
    let s = script(REVERSE);
    let session = with_ranker("mia", start(&spec(py, &s, ""), 5000).unwrap());
    let page = session.page();
    let status = page.ranker.as_ref().expect("the page names its ranker");
    assert_eq!(status.fallback, None);
    assert!(status.source.starts_with("ranker:"), "{status:?}");
    let scorer = session.scorer();
    // Among recommendable titles, Marquee's placed scores follow the ranker's order.
    let recommendable: Vec<usize> = (0..session.model().titles.len())
        .filter(|&t| scorer.recommendable(t))
        .collect();
    for w in recommendable.windows(2) {
        assert!(scorer.score(w[1]) >= scorer.score(w[0]), "{w:?}");
    }
    let item = page.rows.iter().flat_map(|r| &r.items).find(|i| {
        let t = session.model().title_index(&i.title_id).unwrap();
        scorer.answer(t).is_some()
    });
    let item = item.expect("an externally scored tile");
    assert_eq!(item.explanation.contributions[0].feature, "ranker:order");
    assert_eq!(item.explanation.reason, "Test ranker's pick");
    let sum: f64 = item.explanation.contributions.iter().map(|c| c.value).sum();
    assert!(
        (sum - item.score).abs() < 1e-6,
        "a tile's score is the ranker's own"
    );
}

#[test]
fn the_request_carries_the_profile_its_history_and_only_eligible_ids() {
    let Some(py) = python("the_request_carries_the_profile") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("req.json");
    let s = script(&format!(
        r#"
def score(req):
    open({log:?}, "w").write(json.dumps(req))
    return {{"version": 1, "id": req["id"], "scores": [{{"title": t, "score": 1.0}} for t in req["candidates"]]}}
serve(score)
"#,
        log = log.display().to_string()
    ));
    let session = with_ranker("kit", start(&spec(py, &s, ""), 5000).unwrap());
    session.page();
    let req: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    assert_eq!(req["version"], 1);
    assert_eq!(req["profile"]["id"], "kit");
    assert_eq!(req["profile"]["maturity"], "TV-Y7");
    assert!(req["context"]["day"].is_string() && req["context"]["device"] == "tv");
    let candidates: Vec<&str> = req["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        !candidates.contains(&"m1"),
        "m1 is TV-MA, above kit's limit"
    );
    let scorer = session.scorer();
    for id in &candidates {
        assert!(
            scorer.eligible(session.model().title_index(id).unwrap()),
            "{id}"
        );
    }
    let history = req["history"].as_array().unwrap();
    assert_eq!(history.len(), session.profile().titles.len());
    assert!(history.iter().all(|h| h["title"].is_string()));
}

#[test]
fn arguments_are_split_like_a_shell_but_never_run_by_one() {
    let Some(py) = python("arguments_are_split_like_a_shell") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let argv_log = dir.path().join("argv.json");
    let s = script(&format!(
        r#"
open({log:?}, "w").write(json.dumps(sys.argv[1:]))
serve(lambda req: {{"version": 1, "id": req["id"], "scores": []}})
"#,
        log = argv_log.display().to_string()
    ));
    let planted = dir.path().join("planted");
    let args = format!(
        "'two words' \"$(touch {p})\" ';' '|'",
        p = planted.display()
    );
    let r = start(&spec(py, &s, &args), 5000).unwrap();
    drop(r);
    let argv: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(&argv_log).unwrap()).unwrap();
    assert_eq!(argv[0], "two words");
    assert_eq!(argv[1], format!("$(touch {})", planted.display()));
    assert_eq!(&argv[2..], [";", "|"]);
    assert!(!planted.exists(), "no shell ran the command substitution");
}

#[test]
fn a_ranker_of_another_protocol_version_is_refused_at_start() {
    let Some(py) = python("a_ranker_of_another_protocol_version") else {
        return;
    };
    let s = script("serve(lambda req: None, version=2)");
    let err = start(&spec(py, &s, ""), 5000).unwrap_err().to_string();
    assert!(
        err.contains("protocol version 2") && err.contains("version 1"),
        "{err}"
    );
}

#[test]
fn a_missing_ranker_program_is_an_error_naming_it() {
    let err = start("/nonexistent/ranker --flag", 500)
        .unwrap_err()
        .to_string();
    assert!(err.contains("could not start /nonexistent/ranker"), "{err}");
}

/// Start `body`, build one page, and return its fallback message.
fn fallback_of(test: &str, body: &str, ms: u64) -> Option<String> {
    let py = python(test)?;
    let s = script(body);
    let session = with_ranker("mia", start(&spec(py, &s, ""), ms).unwrap());
    let page = session.page();
    let status = page.ranker.expect("the page names its ranker");
    Some(status.fallback.expect("the page fell back"))
}

#[test]
fn junk_nan_duplicate_and_unknown_ids_each_fall_back_saying_which() {
    let cases = [
        (
            "junk",
            r#"serve(lambda req: "this is not json")"#,
            "not a protocol reply",
        ),
        (
            "nan",
            r#"serve(lambda req: '{"version": 1, "id": %d, "scores": [{"title": "m4", "score": NaN}]}' % req["id"])"#,
            "NaN",
        ),
        (
            "duplicate",
            r#"serve(lambda req: {"version": 1, "id": req["id"], "scores": [{"title": "m4", "score": 1}, {"title": "m4", "score": 2}]})"#,
            "m4 twice",
        ),
        (
            "unknown",
            r#"serve(lambda req: {"version": 1, "id": req["id"], "scores": [{"title": "zz99", "score": 1}]})"#,
            "zz99, which is not in the catalog",
        ),
        (
            "ineligible",
            r#"serve(lambda req: {"version": 1, "id": req["id"], "scores": [{"title": "c1", "score": 1}]})"#,
            "c1, which was not a candidate",
        ),
        (
            "error",
            r#"serve(lambda req: {"version": 1, "id": req["id"], "error": "model not loaded"})"#,
            "model not loaded",
        ),
        (
            "too few",
            r#"serve(lambda req: {"version": 1, "id": req["id"], "scores": [{"title": req["candidates"][0], "score": 1}]})"#,
            "asked for at least",
        ),
    ];
    for (name, body, says) in cases {
        let Some(why) = fallback_of(name, body, 5000) else {
            return;
        };
        assert!(why.contains(says), "{name}: {why}");
    }
}

#[test]
fn a_ranker_that_hangs_costs_the_page_its_budget_and_falls_back() {
    let Some(why) = fallback_of(
        "a_ranker_that_hangs",
        "serve(lambda req: time.sleep(60))",
        150,
    ) else {
        return;
    };
    assert_eq!(why, "no answer within 150 ms");
}

#[test]
fn a_late_reply_to_a_timed_out_page_is_not_taken_for_the_next_one() {
    let Some(py) = python("a_late_reply") else {
        return;
    };
    // The first request is answered late (with scores naming an unknown
    // title, which would fail the page it was taken for); later ones on time.
    let s = script(
        r#"
def score(req):
    if req["id"] == 1:
        time.sleep(0.6)
        return {"version": 1, "id": 1, "scores": [{"title": "zz99", "score": 1}]}
    return {"version": 1, "id": req["id"], "scores": [{"title": t, "score": 1.0} for t in req["candidates"]]}
serve(score)
"#,
    );
    let session = with_ranker("mia", start(&spec(py, &s, ""), 200).unwrap());
    assert!(session.page().ranker.unwrap().fallback.is_some());
    std::thread::sleep(Duration::from_millis(700));
    let second = session.page().ranker.unwrap();
    assert_eq!(second.fallback, None, "{second:?}");
}

#[test]
fn a_ranker_that_dies_mid_session_falls_back_and_feedback_is_still_stored() {
    let Some(py) = python("a_ranker_that_dies") else {
        return;
    };
    let s = script(
        r#"
def score(req):
    if req["id"] >= 2:
        sys.stderr.write("out of memory\n"); sys.stderr.flush()
        os._exit(3)
    return {"version": 1, "id": req["id"], "scores": [{"title": t, "score": 1.0} for t in req["candidates"]]}
serve(score)
"#,
    );
    let mut session = with_ranker("mia", start(&spec(py, &s, ""), 5000).unwrap());
    assert_eq!(session.page().ranker.unwrap().fallback, None);
    let second = session.page().ranker.unwrap().fallback.expect("fell back");
    assert!(
        second.contains("exited") && second.contains("out of memory"),
        "{second}"
    );
    let before = session
        .store()
        .events_of(session.profile().member_id)
        .unwrap()
        .len();
    session.feedback("m4", Action::Up, 0.0, None).unwrap();
    let after = session
        .store()
        .events_of(session.profile().member_id)
        .unwrap()
        .len();
    assert_eq!(after, before + 1);
    let third = session.page();
    assert!(third.ranker.unwrap().fallback.unwrap().contains("exited"));
    assert!(!third.rows.is_empty(), "Marquee's own page, whole");
}

/// A one-request-at-a-time HTTP ranker on a free port; prints the port.
const HTTP_SERVER: &str = r#"
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if req["type"] == "hello":
            out = {"version": 1, "type": "hello", "name": "http-test"}
        else:
            out = {"version": 1, "id": req["id"], "scores": [{"title": t, "score": float(i)} for i, t in enumerate(req["candidates"])]}
        body = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"#;

fn http_server(py: &str, dir: &Path) -> (std::process::Child, u16) {
    let path = dir.join("server.py");
    std::fs::write(&path, format!("{PRELUDE}\n{HTTP_SERVER}")).unwrap();
    let mut child = std::process::Command::new(py)
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    use std::io::BufRead;
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line.trim().parse().unwrap())
}

#[test]
fn an_http_ranker_scores_pages_and_one_that_goes_down_falls_back() {
    let Some(py) = python("an_http_ranker") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (mut server, port) = http_server(py, dir.path());
    let url = format!("http://127.0.0.1:{port}/rank");
    let r = start(&url, 5000).unwrap();
    assert_eq!(r.name.as_deref(), Some("http-test"));
    let session = with_ranker("mia", r);
    assert_eq!(session.page().ranker.unwrap().fallback, None);
    server.kill().unwrap();
    server.wait().unwrap();
    let why = session.page().ranker.unwrap().fallback.expect("fell back");
    assert!(why.contains("not answering"), "{why}");
}

#[test]
fn an_http_ranker_that_is_down_at_start_is_an_error() {
    // Port 9 (discard) on loopback: nothing listens there in a test machine.
    let err = start("http://127.0.0.1:9/rank", 300)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("127.0.0.1:9") && err.contains("not answering"),
        "{err}"
    );
}
