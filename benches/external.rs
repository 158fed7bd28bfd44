//! External ranker speed (issue 22 targets): the protocol's cost per page
//! over the ranker's own time with a trivial local ranker process (≤ 2 ms),
//! measured against the in-process page in the same run; and loading a
//! 10-million-row Parquet scores file (≤ 10 s). Needs python3 for the first
//! part (skipped with a message without it). Run with
//! `cargo bench --bench external`.

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use marquee::catalog::Device;
use marquee::rank::external::{ExternalRanker, ScoresTable};
use marquee::rank::{Context, Model, PageRequest, ProfileState, RankerConfig};
use marquee::store::Store;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PAGES: usize = 300;

/// Scores every candidate 1.0 and appends its own time per request (from
/// the parsed request to the reply built) to the file named by argv[1].
const TRIVIAL: &str = r#"
import json, sys, time
log = open(sys.argv[1], "a")
for line in sys.stdin:
    req = json.loads(line)
    t0 = time.perf_counter()
    if req["type"] == "hello":
        out = {"version": 1, "type": "hello", "name": "trivial"}
    else:
        out = {"version": 1, "id": req["id"], "scores": [{"title": t, "score": 1.0} for t in req["candidates"]]}
    own = time.perf_counter() - t0
    print(json.dumps(out), flush=True)
    log.write(f"{own}\n"); log.flush()
"#;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn page_ms(model: &Model, state: &ProfileState, ctx: &Context, config: &RankerConfig) -> Vec<f64> {
    (0..PAGES)
        .map(|_| {
            let t = Instant::now();
            let page = PageRequest {
                model,
                profile: state,
                ctx,
                config,
                seed: 7,
            }
            .page();
            assert!(page.ranker.as_ref().is_none_or(|r| r.fallback.is_none()));
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}

fn protocol_overhead() {
    let python = std::process::Command::new("python3")
        .arg("--version")
        .output();
    if !python.is_ok_and(|o| o.status.success()) {
        eprintln!("protocol overhead: skipped: python3 is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bench.db")).unwrap();
    store.install_sample().unwrap();
    let config = RankerConfig::default();
    let model = Model::load(&mut store, &config).unwrap();
    let ctx = Context::new(
        chrono::DateTime::parse_from_rfc3339("2026-11-21T20:30:00Z").unwrap(),
        Device::Tv,
    );
    let member = store.profile("ava").unwrap();
    let state = ProfileState::from_events(&member, &store.events_of(member.id).unwrap(), &model);
    let script = dir.path().join("trivial.py");
    std::fs::write(&script, TRIVIAL).unwrap();
    let log = dir.path().join("own.txt");
    let spec = format!("python3 {} {}", script.display(), log.display());
    let ranker = ExternalRanker::start(&spec, Duration::from_secs(5)).unwrap();
    let external = config.clone().with_external(Arc::new(ranker));
    // Warm both paths, then alternate so the machine's load falls on both alike.
    page_ms(&model, &state, &ctx, &config);
    page_ms(&model, &state, &ctx, &external);
    let (mut own_page, mut ext_page) = (vec![], vec![]);
    for _ in 0..3 {
        own_page.extend(page_ms(&model, &state, &ctx, &config));
        ext_page.extend(page_ms(&model, &state, &ctx, &external));
    }
    drop(external);
    let own_times: Vec<f64> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .skip(1 + PAGES) // the hello and the warm-up
        .map(|l| l.parse::<f64>().unwrap() * 1e3)
        .collect();
    let (inproc, ext, own) = (median(own_page), median(ext_page), median(own_times));
    println!(
        "home page (ava, {} candidates): in-process {inproc:.3} ms; with the trivial ranker process {ext:.3} ms, \
         of which the ranker's own time {own:.3} ms; protocol overhead {:.3} ms per page (median of {})",
        model.titles.len(),
        ext - inproc - own,
        3 * PAGES
    );
}

fn parquet_load() {
    const USERS: usize = 1000;
    const TITLES: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scores.parquet");
    let users: Vec<String> = (0..USERS).map(|u| format!("u{u:05}")).collect();
    let titles: Vec<String> = (0..TITLES).map(|t| format!("t{t:05}")).collect();
    let schema = Arc::new(Schema::new(vec![
        Field::new("user", DataType::Utf8, false),
        Field::new("title", DataType::Utf8, false),
        Field::new("score", DataType::Float64, false),
    ]));
    let file = std::fs::File::create(&path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, schema.clone(), None).unwrap();
    for chunk in users.chunks(50) {
        let n = chunk.len() * TITLES;
        let u: Vec<&str> = chunk
            .iter()
            .flat_map(|u| std::iter::repeat_n(u.as_str(), TITLES))
            .collect();
        let t: Vec<&str> = (0..n).map(|i| titles[i % TITLES].as_str()).collect();
        let s: Vec<f64> = (0..n)
            .map(|i| ((i * 7919) % 1000) as f64 / 1000.0)
            .collect();
        let cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(u)),
            Arc::new(StringArray::from(t)),
            Arc::new(Float64Array::from(s)),
        ];
        w.write(&RecordBatch::try_new(schema.clone(), cols).unwrap())
            .unwrap();
    }
    w.close().unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    let t = Instant::now();
    let table = ScoresTable::load(&path, &titles, &users).unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(table.report.rows, USERS * TITLES);
    println!(
        "scores file: {} rows ({:.0} MB of Parquet) loaded and matched in {secs:.2} s",
        table.report.rows,
        size as f64 / 1e6
    );
}

fn main() {
    protocol_overhead();
    parquet_load();
}
