//! Bring your own ranker, through the binary on the sample: scores files
//! (CSV, JSON lines, Parquet written by pyarrow), `export`, and every tool
//! on an external ranker (`rows`, `explain`, `compare`, `snapshot`,
//! `abtest`, `eval`), with tiny ranker scripts written here; and the
//! implicit reference ranker in its venv. Tests needing python3 skip with a
//! message where it is missing.

use crate::common::{fails, marquee, ok, sample_db};
use std::path::{Path, PathBuf};

fn python(test: &str) -> Option<&'static str> {
    let ok = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("{test}: skipped: python3 is not installed");
    }
    ok.then_some("python3")
}

/// A ranker that scores every candidate by its place in the list, last best.
const REVERSE: &str = r#"
import json, sys
for line in sys.stdin:
    req = json.loads(line)
    if req["type"] == "hello":
        print(json.dumps({"version": 1, "type": "hello", "name": "reverse"}), flush=True)
        continue
    print(json.dumps({"version": 1, "id": req["id"], "scores": [
        {"title": t, "score": float(i), "reason": "Reverse catalog order"} for i, t in enumerate(req["candidates"])]}), flush=True)
"#;

fn reverse_ranker(dir: &Path, py: &str) -> String {
    let p = dir.join("reverse.py");
    std::fs::write(&p, REVERSE).unwrap();
    format!("{py} {}", p.display())
}

fn titles(db: &Path) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&ok(db, &["titles", "--json"])).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect()
}

fn page_json(db: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args: Vec<&str> = extra.to_vec();
    args.extend(["rows", "--profile", "ava", "--json"]);
    serde_json::from_str(&ok(db, &args)).unwrap()
}

/// Says hello, then closes its end of the request pipe: Marquee's next
/// write meets a closed pipe (SIGPIPE once took the whole process down).
const CLOSES_ITS_INPUT: &str = r#"
import json, os, sys, time
os.close(0)
print(json.dumps({"version": 1, "type": "hello", "name": "closes"}), flush=True)
time.sleep(5)
"#;

#[test]
fn a_ranker_that_stops_reading_gets_a_fallback_page_not_a_dead_marquee() {
    let Some(py) = python("a_ranker_that_stops_reading") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let script = dir.path().join("closes.py");
    std::fs::write(&script, CLOSES_ITS_INPUT).unwrap();
    let ranker = format!("{py} {}", script.display());
    let out = marquee(&db, &["--ranker", &ranker, "rows", "--profile", "ava"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{:?} {stdout}", out.status);
    assert!(stdout.contains("fallback"), "{stdout}");
    assert!(stdout.contains("Top Picks for Ava"), "{stdout}");
}

#[test]
fn a_scores_csv_orders_the_page_and_what_does_not_match_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let ids = titles(&db);
    let csv = dir.path().join("scores.csv");
    let mut text = String::from("user,title,score,row\n");
    for (i, t) in ids.iter().enumerate() {
        text.push_str(&format!("ava,{t},{i},weekend\n"));
    }
    text.push_str("nobody,t0001,1.0,\nnobody2,t0001,1.0,\nava,zz-missing,3.0,\n");
    std::fs::write(&csv, text).unwrap();
    let out = marquee(
        &db,
        &[
            "--ranker-file",
            csv.to_str().unwrap(),
            "rows",
            "--profile",
            "ava",
        ],
    );
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{} rows, 1 users matched", ids.len() + 3))
            && stderr.contains("2 rows of 2 users not in the database")
            && stderr.contains("1 rows of 1 titles not in the catalog (e.g. zz-missing)"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("scores from ranker-file:"), "{stdout}");
    let page = page_json(&db, &["--ranker-file", csv.to_str().unwrap()]);
    assert!(page["ranker"]["fallback"].is_null(), "{}", page["ranker"]);
    let top = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "top_picks")
        .expect("a top picks row");
    let item = &top["items"][0];
    assert_eq!(
        item["explanation"]["reason"],
        "In the scores file's row \"weekend\""
    );
    // Top Picks follow the file: descending by its score (exploration's
    // slots are Marquee's own and are left out).
    let scores: Vec<f64> = top["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["explanation"]["exploration"] != true)
        .map(|i| i["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn a_profile_missing_from_the_scores_file_gets_marquees_page_marked_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let csv = dir.path().join("scores.csv");
    std::fs::write(&csv, "user,title,score\nkit,t0001,1\n").unwrap();
    let text = ok(
        &db,
        &[
            "--ranker-file",
            csv.to_str().unwrap(),
            "rows",
            "--profile",
            "ava",
        ],
    );
    assert!(
        text.contains("fallback: Marquee's own ranker") && text.contains("has no scores for ava"),
        "{text}"
    );
}

#[test]
fn a_bad_scores_row_names_the_file_the_line_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let cases = [
        ("bad.csv", "user,title,score\nava,t0001,1\nava,t0002,high\n", "bad.csv: line 3: field score: \"high\" is not a number"),
        ("nan.csv", "user,title,score\nava,t0001,NaN\n", "nan.csv: line 2: field score: NaN is not a finite number"),
        ("twice.csv", "user,title,score\nava,t0001,1\nava,t0001,2\n", "twice.csv: line 3: field title: ava scores t0001 a second time (first on line 2)"),
        ("nohead.csv", "who,what\nava,t0001\n", "nohead.csv: line 1: field user: no such column"),
        ("bad.jsonl", "{\"user\": \"ava\", \"title\": \"t0001\", \"score\": 1}\n{\"user\": \"ava\", \"title\": \"t0002\"}\n", "bad.jsonl: line 2: field score: missing"),
        ("scores.txt", "user,title,score\n", "scores.txt: not a scores file by its name"),
    ];
    for (name, text, says) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let err = fails(
            &db,
            &[
                "--ranker-file",
                p.to_str().unwrap(),
                "rows",
                "--profile",
                "ava",
            ],
        );
        assert!(err.contains(says), "{name}: {err}");
    }
}

#[test]
fn export_writes_events_and_the_catalog_in_each_format() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let csv = ok(&db, &["export", "events"]);
    let jsonl = ok(&db, &["export", "events", "--format", "jsonl"]);
    assert_eq!(
        csv.lines().next(),
        Some("user,title,at,action,progress,device,season,episode")
    );
    assert_eq!(csv.lines().count(), jsonl.lines().count() + 1);
    let catalog = ok(&db, &["export", "catalog", "--format", "jsonl"]);
    assert_eq!(catalog.lines().count(), titles(&db).len());
    let pq = dir.path().join("events.parquet");
    ok(
        &db,
        &[
            "export",
            "events",
            "--format",
            "parquet",
            "--out",
            pq.to_str().unwrap(),
        ],
    );
    assert_eq!(&std::fs::read(&pq).unwrap()[..4], b"PAR1");
    let err = fails(&db, &["export", "events", "--format", "parquet"]);
    assert!(err.contains("give --out FILE"), "{err}");
    // The export's users and titles are the ids a scores file matches.
    let lines: Vec<&str> = csv.lines().skip(1).take(50).collect();
    let back = dir.path().join("back.csv");
    let mut text = String::from("user,title,score\n");
    let mut seen = std::collections::BTreeSet::new();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        if seen.insert((f[0], f[1])) {
            text.push_str(&format!("{},{},1\n", f[0], f[1]));
        }
    }
    std::fs::write(&back, text).unwrap();
    let out = marquee(&db, &["--ranker-file", back.to_str().unwrap(), "stats"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("not in the"),
        "every exported id matches: {stderr}"
    );
}

#[test]
fn a_parquet_scores_file_written_by_pyarrow_is_read() {
    let Some(py) = python_with("a_parquet_scores_file_written_by_pyarrow", "pyarrow") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let ids = titles(&db);
    let pq = dir.path().join("scores.parquet");
    let script = format!(
        "import pyarrow as pa, pyarrow.parquet as pq\nids = {ids:?}\n\
         t = pa.table({{'user': ['ava'] * len(ids) + ['ghost'], 'title': ids + ['t0001'], 'score': [float(i) for i in range(len(ids))] + [1.0]}})\n\
         pq.write_table(t, {p:?})\n",
        p = pq.display().to_string()
    );
    let run = std::process::Command::new(&py)
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out = marquee(
        &db,
        &[
            "--ranker-file",
            pq.to_str().unwrap(),
            "rows",
            "--profile",
            "ava",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 rows of 1 users not in the database (e.g. ghost)"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("scores from ranker-file:"));
}

#[test]
fn every_tool_takes_an_external_ranker() {
    let Some(py) = python("every_tool_takes_an_external_ranker") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let r = reverse_ranker(dir.path(), py);
    let side = format!("ranker:{r}");

    let page = page_json(&db, &["--ranker", &r]);
    assert_eq!(page["ranker"]["source"], side.as_str());
    assert!(page["ranker"]["fallback"].is_null());

    let explained = ok(
        &db,
        &[
            "--ranker",
            &r,
            "explain",
            "--profile",
            "ava",
            "--title",
            "t0022",
        ],
    );
    assert!(explained.contains("scores from ranker:"), "{explained}");

    let compared = ok(
        &db,
        &[
            "compare",
            "--a",
            "default",
            "--b",
            &side,
            "--profile",
            "ava",
        ],
    );
    assert!(
        compared.contains("Overall") || compared.contains("ava"),
        "{compared}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(
        &db,
        &[
            "compare",
            "--a",
            "default",
            "--b",
            &side,
            "--profile",
            "ava",
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(json["b"], side.as_str());
    let ava = &json["profiles"][0];
    assert_eq!(ava["profile"], "ava");
    // The reversed ranker's page measures differently from Marquee's own.
    assert_ne!(ava["a"], ava["b"], "{ava}");

    let snaps = dir.path().join("golden");
    ok(
        &db,
        &["--ranker", &r, "snapshot", "write", snaps.to_str().unwrap()],
    );
    let checked = ok(
        &db,
        &["--ranker", &r, "snapshot", "check", snaps.to_str().unwrap()],
    );
    assert!(checked.contains("unchanged"), "{checked}");
    // The same pages checked with Marquee's own ranker are not the ranker's.
    let out = marquee(&db, &["snapshot", "check", snaps.to_str().unwrap()]);
    assert!(
        !out.status.success(),
        "Marquee's own pages differ from the external ranker's"
    );

    let ab = ok(
        &db,
        &[
            "abtest",
            "--a",
            "default",
            "--b",
            &side,
            "--viewers",
            "20",
            "--sessions",
            "1",
        ],
    );
    assert!(
        ab.contains(&format!("B: {side}")) || ab.contains("B: ranker:"),
        "{ab}"
    );

    let searched = ok(
        &db,
        &["--ranker", &r, "search", "--profile", "ava", "mystery"],
    );
    assert!(!searched.trim().is_empty());
}

#[test]
fn eval_on_the_database_scores_an_external_ranker_from_the_training_part() {
    let Some(py) = python("eval_on_the_database_scores_an_external_ranker") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let r = reverse_ranker(dir.path(), py);
    let report: serde_json::Value =
        serde_json::from_str(&ok(&db, &["--ranker", &r, "eval", "--json"])).unwrap();
    let first = &report["splits"][0]["models"][0];
    assert_eq!(first["name"], format!("ranker:{r}").as_str());
    let ndcg = first["overall"]["ndcg"].as_f64().unwrap();
    let own = report["splits"][0]["models"][1]["overall"]["ndcg"]
        .as_f64()
        .unwrap();
    assert!(
        ndcg < own,
        "reverse catalog order ranks worse than Marquee ({ndcg} vs {own})"
    );
}

/// A Python that has `module`: `MARQUEE_EXAMPLE_PYTHON`, else the venv
/// .ci/run makes (target/example-venv), else python3 itself. Where none
/// has it: skipped with a message, except under CI, which installs it.
fn python_with(test: &str, module: &str) -> Option<PathBuf> {
    python(test)?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("MARQUEE_EXAMPLE_PYTHON").map(PathBuf::from),
        Some(root.join("target/example-venv/bin/python")),
        Some(PathBuf::from("python3")),
    ];
    for p in candidates.into_iter().flatten() {
        let has = std::process::Command::new(&p)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if has {
            return Some(p);
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI makes target/example-venv with {module} (.ci/run)"
    );
    eprintln!("{test}: skipped: no python with {module} (python3 -m venv target/example-venv && target/example-venv/bin/pip install implicit pyarrow)");
    None
}

#[test]
fn the_implicit_reference_ranker_serves_pages_trained_from_the_export() {
    let Some(py) = python_with("the_implicit_reference_ranker", "implicit") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(&dir);
    let events = dir.path().join("events.csv");
    let catalog = dir.path().join("catalog.csv");
    ok(
        &db,
        &["export", "events", "--out", events.to_str().unwrap()],
    );
    ok(
        &db,
        &["export", "catalog", "--out", catalog.to_str().unwrap()],
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/implicit-ranker/ranker.py");
    let r = format!(
        "{} {} --events {} --catalog {} --iterations 5",
        py.display(),
        script.display(),
        events.display(),
        catalog.display()
    );
    let page = page_json(&db, &["--ranker", &r, "--ranker-timeout", "20000"]);
    assert!(page["ranker"]["fallback"].is_null(), "{}", page["ranker"]);
    let reasons: Vec<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["items"].as_array().unwrap())
        .filter_map(|i| i["explanation"]["reason"].as_str())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("Because you watched") && r.ends_with("(ALS)")),
        "{reasons:?}"
    );
}
