//! Training at scale, stage by stage: reads a database (`MARQUEE_BENCH_DB`,
//! e.g. one made by `marquee --db ml10m.db import-movielens DIR`; the bundled
//! sample when unset), trains every stage once in process and prints the
//! seconds each stage took, the peak memory and a digest of what was trained
//! (equal digests: equal models, for checking that a speed-up changed no
//! number). Run with `cargo bench --bench training`; one run, not a loop.

use marquee::rank::{train_log, ContentIndex, Progress, RankerConfig};
use marquee::store::Store;
use sha2::{Digest, Sha256};
use std::time::Instant;

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the arguments.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = match std::env::var_os("MARQUEE_BENCH_DB") {
        Some(path) => Store::open(std::path::Path::new(&path)).expect("MARQUEE_BENCH_DB opens"),
        None => {
            let mut s = Store::open(&dir.path().join("bench.db")).expect("a scratch database");
            s.install_sample().expect("the sample installs");
            s
        }
    };
    let config = RankerConfig::default();
    let read = Instant::now();
    let titles = store.titles().expect("titles");
    let members = store.members().expect("members");
    let events = store.training_events().expect("events");
    let as_of = store.as_of().expect("as of");
    let content = ContentIndex::build(&titles);
    let read_s = read.elapsed().as_secs_f64();
    eprintln!(
        "{} titles, {} members, {} events; read from the store in {read_s:.2} s",
        titles.len(),
        members.len(),
        events.len()
    );

    let started = Instant::now();
    let trained = train_log(
        &titles,
        &content,
        &members,
        &events,
        as_of,
        &config,
        Progress::NONE,
    );
    let total = started.elapsed().as_secs_f64();
    println!("{:<8} {:<28} {:>9}", "pass", "stage", "seconds");
    for s in &trained.report.stages {
        println!("{:<8} {:<28} {:>9.2}", s.pass, s.stage, s.seconds);
    }
    println!("{:<8} {:<28} {total:>9.2}", "", "all training");
    if let Some(mb) = peak_rss_mb() {
        println!("peak resident memory {mb:.0} MB (the log in memory included)");
    }
    let mut report = trained.report.clone();
    // What varies from run to run is left out of the digest.
    report.seconds = 0.0;
    report.stages.clear();
    let digest = Sha256::new()
        .chain_update(bincode::serialize(&trained.signals).expect("serialises"))
        .chain_update(bincode::serialize(&trained.weights).expect("serialises"))
        .chain_update(bincode::serialize(&trained.calibration).expect("serialises"))
        .chain_update(bincode::serialize(&report).expect("serialises"))
        .finalize();
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    println!(
        "model digest {hex}; held-out NDCG@10 ranker {:.4}, collaborative {:.4}, popularity {:.4}",
        trained.report.ndcg10_ranker,
        trained.report.ndcg10_collaborative,
        trained.report.ndcg10_popularity
    );
}
