//! Ranker speed on the bundled sample (issue targets: a full home page
//! ≤ 2 ms median; feedback → fold-in → new page ≤ 5 ms median; training
//! ≤ 3 s; first run ≤ 6 s). Run with `cargo bench --bench ranker`.

use criterion::{criterion_group, criterion_main, Criterion};
use marquee::catalog::{Action, Device};
use marquee::rank::{Context, Model, PageRequest, ProfileState, RankerConfig};
use marquee::store::{NewEvent, Store};
use std::time::{Duration, Instant};

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let started = Instant::now();
    let mut store = Store::open(&path).unwrap();
    store.install_sample().unwrap();
    let installed = started.elapsed();
    let config = RankerConfig::default();
    let model = Model::load(&mut store, &config).unwrap();
    eprintln!(
        "first run: import + population {:.2} s, + training {:.2} s",
        installed.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );

    let ctx = Context::new(
        chrono::DateTime::parse_from_rfc3339("2026-11-21T20:30:00Z").unwrap(),
        Device::Tv,
    );
    let member = store.profile("ava").unwrap();
    let state = ProfileState::from_events(&member, &store.events_of(member.id).unwrap(), &model);

    c.bench_function("home page (ava, sample catalog)", |b| {
        b.iter(|| {
            PageRequest {
                model: &model,
                profile: &state,
                ctx: &ctx,
                config: &config,
                seed: 7,
            }
            .page()
        })
    });

    let victim = model
        .titles
        .iter()
        .find(|t| t.genres[0] == "comedy")
        .unwrap()
        .id
        .clone();
    let mut live = state.clone();
    let mut n = 0i64;
    c.bench_function("feedback persisted + fold-in + new page", |b| {
        b.iter(|| {
            n += 1;
            let e = NewEvent {
                title_id: victim.clone(),
                at: ctx.now_unix() + n,
                offset_min: 0,
                action: Action::Down,
                progress: 0.0,
                season: None,
                episode: None,
                device: Device::Tv,
                artwork_id: None,
            };
            let id = store.add_event(member.id, &e).unwrap();
            live.apply(&e.stored(id, member.id), &model);
            PageRequest {
                model: &model,
                profile: &live,
                ctx: &ctx,
                config: &config,
                seed: 7,
            }
            .page()
        })
    });

    let mut group = c.benchmark_group("training");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    group.bench_function("train all stages (sample population)", |b| {
        b.iter(|| Model::retrain(&mut store, &config).unwrap())
    });
    group.finish();
}

criterion_group!(ranker, benches);
criterion_main!(ranker);
