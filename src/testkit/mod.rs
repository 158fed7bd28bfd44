//! A tiny hand-made world for fast tests: twelve titles in four genres,
//! three profiles, and a trained part written by hand rather than learned.
//! Page assembly, scoring, exploration, artwork, the learned layer and the
//! TUI can be tested on it in milliseconds, and a change to training (a new
//! λ, another feature) does not move what those tests see. Not for use
//! outside tests.

use crate::catalog::{parse_file, Device, Title};
use crate::rank::features::{Feature, Weights, NF};
use crate::rank::train::fit::{TrainReport, Trained};
use crate::rank::train::graph_filter::GraphFilter;
use crate::rank::train::item_model::ItemModel;
use crate::rank::train::resume::ResumeModel;
use crate::rank::train::signals::Signals;
use crate::rank::{Als, AlsParams, ContentIndex, Context, Model, Platt, RankerConfig};
use crate::session::Session;
use crate::store::Store;
use ndarray::Array2;
use std::collections::BTreeMap;
use std::path::Path;

/// The tiny catalog and its profiles: `mia` (mysteries, one title thumbed
/// down, one series half-watched, one title on her list), `kit` (a TV-Y7
/// kids profile) and `new` (no history).
const FILES: [(&str, &str); 4] = [
    ("tiny-catalog.json", include_str!("tiny-catalog.json")),
    (
        "tiny-profile-mia.json",
        include_str!("tiny-profile-mia.json"),
    ),
    (
        "tiny-profile-kit.json",
        include_str!("tiny-profile-kit.json"),
    ),
    (
        "tiny-profile-new.json",
        include_str!("tiny-profile-new.json"),
    ),
];

/// The learned layer's weights, by hand (standardised units: mean 0, sd 1).
fn weight(f: Feature) -> f64 {
    match f {
        Feature::CfScore => 1.0,
        Feature::SimilarToRecent => 0.8,
        Feature::ContentAffinity => 0.6,
        Feature::Popularity => 0.3,
        Feature::Trending => 0.2,
        Feature::Freshness => 0.2,
        Feature::Completion => 0.1,
        Feature::TimeOfDayMatch => 0.1,
        Feature::DeviceMatch => 0.1,
        Feature::NegativeFeedback => -1.0,
        Feature::DayOfWeekMatch => 0.1,
    }
}

/// A store holding the tiny catalog and profiles, at `path`.
pub fn tiny_store_at(path: &Path) -> Store {
    let mut store = Store::open(path).expect("a new database opens");
    fill(&mut store);
    store
}

/// A store holding the tiny catalog and profiles, in memory.
pub fn tiny_store() -> Store {
    let mut store = Store::open_in_memory().expect("an in-memory database opens");
    fill(&mut store);
    store
}

fn fill(store: &mut Store) {
    let files: Vec<_> = FILES
        .iter()
        .map(|(label, text)| parse_file(label, text.as_bytes()).expect("the tiny files parse"))
        .collect();
    store.import(&files).expect("the tiny files import");
}

/// The model of the tiny store: its catalog with a hand-made trained part.
pub fn tiny_model(store: &Store) -> Model {
    let titles = store.titles().expect("titles load");
    let content = ContentIndex::build(&titles);
    let trained = tiny_trained(
        &titles,
        store.as_of().expect("as-of date").and_hms_opt(20, 0, 0),
    );
    Model::from_parts(
        titles,
        content,
        store.genres().expect("genres load"),
        store.tags().expect("tags load"),
        store.as_of().expect("as-of date"),
        trained,
        RankerConfig::default().training.alpha,
    )
}

/// A session on the tiny world (in memory) for `profile`, at the catalog's default "now" on a TV.
pub fn tiny_session(profile: &str) -> Session {
    session_on(tiny_store(), profile)
}

/// The same on a database file (for tests that reopen it or run the binary on it).
pub fn tiny_session_at(path: &Path, profile: &str) -> Session {
    session_on(tiny_store_at(path), profile)
}

/// A session on the tiny model over `store` (the tiny store, changed by a test).
pub fn session_on(store: Store, profile: &str) -> Session {
    let model = tiny_model(&store);
    let ctx = tiny_context(&model);
    Session::with_model(
        store,
        model,
        RankerConfig::default(),
        Some(profile),
        Some(ctx),
        crate::rank::DEFAULT_SEED,
    )
    .expect("the tiny profile exists")
}

/// Log `times` page views to `profile`, each showing `titles` in one
/// "popular" row with their first artwork, shown before any event (so a
/// session counts them) and none played.
pub fn log_shown(store: &mut Store, profile: &str, titles: &[&str], times: usize) {
    let member = store.profile(profile).expect("the tiny profile exists");
    let artwork: BTreeMap<String, String> = store
        .titles()
        .expect("titles load")
        .into_iter()
        .map(|t| (t.id.clone(), t.artwork[0].id.clone()))
        .collect();
    for k in 0..times {
        let view = crate::store::PageView {
            member_id: member.id,
            at: k as i64,
            offset_min: 0,
            device: Device::Tv,
            origin: crate::store::Origin::Browse,
            after_event: 0,
        };
        let tiles: Vec<crate::store::ShownTile> = titles
            .iter()
            .enumerate()
            .map(|(i, t)| crate::store::ShownTile {
                row: 0,
                pos: i as u32,
                row_kind: "popular".into(),
                title_id: t.to_string(),
                artwork_id: artwork.get(*t).cloned(),
                theme: None,
            })
            .collect();
        store
            .log_impressions(&[crate::store::ViewBatch {
                id: None,
                view,
                tiles,
            }])
            .expect("impressions are logged");
    }
}

/// The catalog's default "now": 20:00 on its as-of day, on a TV.
pub fn tiny_context(model: &Model) -> Context {
    Context::new(Context::default_now(model.as_of), Device::Tv)
}

/// The resume model by hand (standardised units, in the order of
/// `RESUME_FEATURES`): further through, more plays, more recent, episodes
/// back to back and a series all make a resume likelier, and so does
/// watching it at this time, on this kind of day and on this device.
fn tiny_resume() -> ResumeModel {
    ResumeModel {
        bias: 1.0,
        mean: [0.5, 1.0, 0.5, 0.7, 0.5, 0.5, 0.5, 0.5],
        std: [0.3, 0.5, 0.3, 0.4, 0.5, 0.4, 0.4, 0.4],
        w: [1.0, 0.5, 0.5, 0.6, 0.3, 0.2, 0.2, 0.2],
        examples: 0,
        resumed: 0,
    }
}

/// Signals written by hand from the catalog alone: one taste factor per
/// main genre, neighbours within a genre, popularity falling with catalog
/// order, every other title trending, no context lifts.
fn tiny_trained(titles: &[Title], end: Option<chrono::NaiveDateTime>) -> Trained {
    let n = titles.len();
    let genres: Vec<&str> = {
        let mut g: Vec<&str> = titles
            .iter()
            .filter_map(|t| t.genres.first().map(String::as_str))
            .collect();
        g.sort();
        g.dedup();
        g
    };
    let main_genre = |t: usize| {
        titles[t]
            .genres
            .first()
            .and_then(|g| genres.iter().position(|x| x == g))
    };
    let mut item = Array2::<f32>::zeros((n, genres.len()));
    for t in 0..n {
        if let Some(g) = main_genre(t) {
            item[[t, g]] = 1.0;
        }
    }
    let neighbours: Vec<Vec<(u32, f32)>> = (0..n)
        .map(|a| {
            (0..n)
                .filter(|&b| b != a && main_genre(a).is_some() && main_genre(a) == main_genre(b))
                .map(|b| (b as u32, 0.5))
                .collect()
        })
        .collect();
    let popularity: Vec<f32> = (0..n).map(|t| 1.0 - t as f32 / n as f32).collect();
    let trending = BTreeMap::from([(
        String::new(),
        (0..n).map(|t| if t % 2 == 0 { 0.5 } else { 0.0 }).collect(),
    )]);
    let signals = Signals {
        end: end.map_or(0, |e| e.and_utc().timestamp()),
        als: Als::new(
            AlsParams {
                factors: genres.len(),
                iterations: 1,
                lambda: 1.0,
            },
            Array2::zeros((0, genres.len())),
            item,
        ),
        item_model: ItemModel::Filter(GraphFilter::from_links(neighbours.clone())),
        neighbours: neighbours.into(),
        popularity,
        trending,
        completion: vec![0.5; n],
        tod_lift: vec![[0.0; 4]; n],
        device_lift: vec![[0.0; 4]; n],
        day_lift: vec![[0.0; 2]; n],
        member_themes: vec![],
    };
    let w: [f64; NF] = Feature::ALL.map(weight);
    Trained {
        signals,
        weights: Weights {
            bias: -1.0,
            mean: [0.0; NF],
            std: [1.0; NF],
            w,
        },
        calibration: Platt { a: 2.0, b: 0.5 },
        resume: tiny_resume(),
        report: TrainReport::default(),
    }
}
