//! TUI speed on the bundled sample (issue targets: one full home-page frame
//! at 200x50 drawn in <= 2 ms median; key press -> feedback persisted ->
//! page re-ranked -> frame drawn in <= 10 ms median), a search keystroke,
//! a split-view (A/B) frame, and what logging impressions adds to a key
//! press (issue target: <= 1 ms): the same feedback key followed by a tick
//! (which writes the tiles the new page showed, one transaction), with
//! impressions logged and with them off.
//! Run with `cargo bench --bench tui`.
//!
//! `MARQUEE_BENCH_DB=FILE MARQUEE_BENCH_PROFILE=NAME` runs the same on a
//! copy of another database (an imported MovieLens log, say), whose cached
//! model is used as it is: train it first with any command (`marquee --db
//! FILE rows --profile NAME`). The copy takes the benchmark's feedback; the
//! file itself is left alone.

use criterion::{criterion_group, criterion_main, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use marquee::rank::{Context, RankerConfig};
use marquee::session::Session;
use marquee::store::Store;
use marquee::tui::msg::Msg;
use marquee::tui::runtime::Runtime;
use marquee::tui::theme::{ColorMode, Theme};
use marquee::tui::view::draw;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const W: u16 = 200;
const H: u16 = 50;

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (store, profile) = bench_store(dir.path());
    let ctx = Context::new(
        chrono::DateTime::parse_from_rfc3339("2026-11-21T20:30:00Z").unwrap(),
        marquee::catalog::Device::Tv,
    );
    let session =
        Session::open(store, RankerConfig::default(), Some(&profile), Some(ctx), 7).unwrap();
    let mut rt = Runtime::new(session, None);
    rt.dispatch(Msg::Resize(W, H));
    let theme = Theme::new(ColorMode::TrueColor);
    let mut terminal = Terminal::new(TestBackend::new(W, H)).unwrap();

    c.bench_function("draw home frame 200x50", |b| {
        b.iter(|| terminal.draw(|f| draw(f, &rt.app, &theme)).unwrap().area)
    });

    // Alternate thumbs up and thumbs down on the selected tile of the second
    // row: each press writes an event, folds it in, re-ranks and redraws.
    rt.press(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
    let mut up = true;
    c.bench_function("key -> feedback persisted -> re-rank -> frame", |b| {
        b.iter(|| {
            let key = if up { 'y' } else { 'L' };
            up = !up;
            rt.press(KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE));
            terminal.draw(|f| draw(f, &rt.app, &theme)).unwrap().area
        })
    });

    // Impressions: feedback, a frame, then the tick that writes the tiles
    // the new page showed; the same with impressions off. The difference is
    // what impressions add to a key press, the write included.
    for (name, disabled) in [
        ("key -> feedback -> frame -> tick, impressions off", true),
        (
            "key -> feedback -> frame -> tick, impressions logged",
            false,
        ),
    ] {
        rt.impressions.disabled = disabled;
        c.bench_function(name, |b| {
            b.iter(|| {
                let key = if up { 'y' } else { 'L' };
                up = !up;
                rt.press(KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE));
                let area = terminal.draw(|f| draw(f, &rt.app, &theme)).unwrap().area;
                rt.dispatch(Msg::Tick);
                area
            })
        });
    }
    rt.impressions.disabled = false;

    // Search as you type: every key runs a fuzzy, personalised search over
    // the catalog and redraws. Alternate one more letter and a backspace.
    rt.press(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE));
    for ch in "drowned paris".chars() {
        rt.press(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE));
    }
    let mut typing = true;
    c.bench_function("search key -> results -> frame", |b| {
        b.iter(|| {
            let key = if typing {
                KeyCode::Char('h')
            } else {
                KeyCode::Backspace
            };
            typing = !typing;
            rt.press(KeyEvent::new(key, KeyModifiers::NONE));
            terminal.draw(|f| draw(f, &rt.app, &theme)).unwrap().area
        })
    });
    rt.press(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));

    // Last, so the benches above do not also build config B's page.
    let b = RankerConfig {
        name: "louder-context".into(),
        weights: [
            ("time_of_day_match".into(), 1.0),
            ("device_match".into(), 1.2),
        ]
        .into(),
        ..RankerConfig::default()
    };
    rt.set_compare(b).unwrap();
    c.bench_function("draw split (A/B) frame 200x50", |b| {
        b.iter(|| terminal.draw(|f| draw(f, &rt.app, &theme)).unwrap().area)
    });
}

/// The sample and "ava", or a copy of `MARQUEE_BENCH_DB` (`Store::copy_to`,
/// a consistent copy) and `MARQUEE_BENCH_PROFILE`.
fn bench_store(dir: &std::path::Path) -> (Store, String) {
    let copy = dir.join("bench.db");
    let Some(source) = std::env::var_os("MARQUEE_BENCH_DB") else {
        let mut store = Store::open(&copy).unwrap();
        store.install_sample().unwrap();
        return (store, "ava".into());
    };
    let profile = std::env::var("MARQUEE_BENCH_PROFILE")
        .expect("MARQUEE_BENCH_PROFILE names a profile of MARQUEE_BENCH_DB");
    Store::open(std::path::Path::new(&source))
        .expect("MARQUEE_BENCH_DB opens")
        .copy_to(&copy)
        .expect("MARQUEE_BENCH_DB copies");
    (Store::open(&copy).expect("the copy opens"), profile)
}

criterion_group!(tui, benches);
criterion_main!(tui);
