//! The ranker on the bundled sample: what a viewer relies on, asserted with
//! shares and invariants rather than fixed title lists.

use marquee::catalog::{Action, Device, Maturity};
use marquee::rank::{
    check_picks, explain_title, onboarding_set, Context, Model, Page, PageRequest, ProfileState,
    RankerConfig, RowKind, DISTINCT_ROWS, VISIBLE,
};
use marquee::store::{NewEvent, Store};
use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

struct Sample {
    _dir: tempfile::TempDir,
    store: Mutex<Store>,
    model: Model,
}

/// The sample database and trained model: a copy of the one sample this
/// test binary builds, whose cached model loads without training.
fn sample() -> &'static Sample {
    static S: OnceLock<Sample> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&crate::common::sample_db(&dir)).unwrap();
        let model = Model::load(&mut store, &RankerConfig::default()).unwrap();
        assert!(
            !model.freshly_trained,
            "the sample's model comes from its cache"
        );
        Sample {
            _dir: dir,
            store: Mutex::new(store),
            model,
        }
    })
}

fn ctx(now: &str, device: Device) -> Context {
    Context::new(chrono::DateTime::parse_from_rfc3339(now).unwrap(), device)
}

fn evening() -> Context {
    ctx("2026-11-21T20:30:00Z", Device::Tv)
}

fn state(name: &str) -> ProfileState {
    let s = sample();
    let store = s.store.lock().unwrap();
    let m = store.profile(name).unwrap();
    ProfileState::from_events(&m, &store.events_of(m.id).unwrap(), &s.model)
}

fn page(p: &ProfileState, c: &Context) -> Page {
    PageRequest {
        model: &sample().model,
        profile: p,
        ctx: c,
        config: &RankerConfig::default(),
        seed: 7,
    }
    .page()
}

fn genre_share(page: &Page, kind: RowKind, genres: &[&str], n: usize) -> f64 {
    let model = &sample().model;
    let row = page.row(kind).unwrap_or_else(|| panic!("no {kind:?} row"));
    let items: Vec<_> = row
        .items
        .iter()
        .filter(|i| !i.explanation.exploration)
        .take(n)
        .collect();
    let hits = items
        .iter()
        .filter(|i| {
            model.titles[model.title_index(&i.title_id).unwrap()]
                .genres
                .iter()
                .any(|g| genres.contains(&g.as_str()))
        })
        .count();
    hits as f64 / items.len() as f64
}

/// A profile state with extra events applied in memory (no store writes).
fn with_events(base: &ProfileState, events: &[(&str, Action)]) -> ProfileState {
    let model = &sample().model;
    let mut s = base.clone();
    for (i, (title, action)) in events.iter().enumerate() {
        let e = marquee::catalog::Event {
            id: 1_000_000 + i as i64,
            member_id: s.member_id,
            title_id: title.to_string(),
            at: evening().now_unix() - 60 + i as i64,
            offset_min: 0,
            action: *action,
            progress: if *action == Action::Play { 1.0 } else { 0.0 },
            season: None,
            episode: None,
            device: Device::Tv,
            artwork_id: None,
        };
        s.apply(&e, model);
    }
    s
}

#[test]
fn personas_top_picks_match_their_taste() {
    let cases: [(&str, &[&str]); 5] = [
        ("ava", &["mystery", "crime", "thriller", "drama"]),
        ("ren", &["anime", "scifi", "animation", "fantasy"]),
        ("lola", &["romance", "comedy"]),
        ("theo", &["documentary", "history"]),
        ("sam", &["action", "adventure", "thriller"]),
    ];
    for (name, genres) in cases {
        let p = page(&state(name), &evening());
        let share = genre_share(&p, RowKind::TopPicks, genres, 10);
        assert!(
            share >= 0.6,
            "{name}: only {share:.2} of top picks in {genres:?}"
        );
    }
}

#[test]
fn a_persona_with_history_gets_a_full_page() {
    for name in ["ava", "ren", "lola", "theo", "sam", "kit"] {
        let p = page(&state(name), &evening());
        assert!(p.rows.len() >= 8, "{name} has {} rows", p.rows.len());
        let kinds: BTreeSet<RowKind> = p.rows.iter().map(|r| r.kind).collect();
        for k in [
            RowKind::ContinueWatching,
            RowKind::TopPicks,
            RowKind::BecauseYouWatched,
            RowKind::Trending,
            RowKind::Top10,
            RowKind::MicroGenre,
        ] {
            assert!(kinds.contains(&k), "{name} has no {k:?} row");
        }
    }
}

#[test]
fn maturity_limits_are_never_broken() {
    let model = &sample().model;
    let kit = state("kit");
    assert_eq!(kit.maturity, Maturity::TvY7);
    for c in [evening(), ctx("2026-11-18T08:00:00-05:00", Device::Tablet)] {
        for seed in [1, 2, 3] {
            let p = PageRequest {
                model,
                profile: &kit,
                ctx: &c,
                config: &RankerConfig::default(),
                seed,
            }
            .page();
            for row in &p.rows {
                for item in &row.items {
                    let t = &model.titles[model.title_index(&item.title_id).unwrap()];
                    assert!(
                        kit.maturity.allows(t.maturity),
                        "{} ({}) in {}",
                        t.id,
                        t.maturity,
                        row.id
                    );
                }
            }
        }
    }
    for &t in &onboarding_set(model, Maturity::TvY7, 7) {
        assert!(Maturity::TvY7.allows(model.titles[t].maturity));
    }
    let adult = model
        .titles
        .iter()
        .position(|t| !Maturity::TvY7.allows(t.maturity))
        .unwrap();
    let e = explain_title(
        &PageRequest {
            model,
            profile: &kit,
            ctx: &evening(),
            config: &RankerConfig::default(),
            seed: 7,
        },
        adult,
    );
    assert!(e.placements.is_empty());
    assert!(e.not_shown.unwrap().contains("maturity"));
}

#[test]
fn every_score_is_the_sum_of_its_contributions() {
    for name in ["ava", "new", "kit"] {
        for row in page(&state(name), &evening()).rows {
            for item in row.items {
                let sum: f64 = item.explanation.contributions.iter().map(|c| c.value).sum();
                assert!(
                    (sum - item.score).abs() < 1e-4,
                    "{}: {} vs {sum}",
                    item.title_id,
                    item.score
                );
                assert!(item.match_pct <= 100);
            }
        }
    }
}

#[test]
fn no_title_repeats_in_the_visible_tiles_of_the_first_rows() {
    for name in ["ava", "ren", "lola", "theo", "sam", "kit", "new"] {
        let p = page(&state(name), &evening());
        let mut seen = BTreeSet::new();
        for row in p.rows.iter().take(DISTINCT_ROWS) {
            for item in row.items.iter().take(VISIBLE) {
                assert!(
                    seen.insert(item.title_id.clone()),
                    "{name}: {} twice in the first rows",
                    item.title_id
                );
            }
        }
    }
}

#[test]
fn a_thumbs_down_removes_the_title_everywhere_and_demotes_its_neighbours() {
    let model = &sample().model;
    let ava = state("ava");
    let before = page(&ava, &evening());
    let victim = before.row(RowKind::TopPicks).unwrap().items[0]
        .title_id
        .clone();
    let after_state = with_events(&ava, &[(&victim, Action::Down)]);
    let after = page(&after_state, &evening());
    assert!(
        after.positions(&victim).is_empty(),
        "{victim} still on the page"
    );
    let t = model.title_index(&victim).unwrap();
    let e = explain_title(
        &PageRequest {
            model,
            profile: &after_state,
            ctx: &evening(),
            config: &RankerConfig::default(),
            seed: 7,
        },
        t,
    );
    assert!(e.not_shown.unwrap().contains("thumbed down"));
    // Its nearest neighbours score lower than before.
    let neighbours: Vec<usize> = model
        .trained
        .signals
        .neighbours
        .get(t)
        .take(5)
        .map(|x| x.0 as usize)
        .collect();
    let score = |p: &ProfileState, n: usize| {
        marquee::rank::PageScorer::new(model, p, &evening(), &RankerConfig::default(), 7).score(n)
    };
    let dropped = neighbours
        .iter()
        .filter(|&&n| score(&after_state, n) < score(&ava, n))
        .count();
    assert!(dropped >= 4, "only {dropped} of 5 neighbours were demoted");
}

#[test]
fn a_thumbs_up_promotes_similar_titles() {
    let model = &sample().model;
    let theo = state("theo");
    // A title far from Theo's taste: the first anime title.
    let anime = model
        .titles
        .iter()
        .position(|t| t.genres[0] == "anime" && theo.maturity.allows(t.maturity))
        .unwrap();
    let after = with_events(&theo, &[(&model.titles[anime].id, Action::Love)]);
    let neighbours: Vec<usize> = model
        .trained
        .signals
        .neighbours
        .get(anime)
        .take(5)
        .map(|x| x.0 as usize)
        .collect();
    let score = |p: &ProfileState, n: usize| {
        marquee::rank::PageScorer::new(model, p, &evening(), &RankerConfig::default(), 7).score(n)
    };
    let raised = neighbours
        .iter()
        .filter(|&&n| score(&after, n) > score(&theo, n))
        .count();
    assert!(raised >= 4, "only {raised} of 5 neighbours were promoted");
}

#[test]
fn context_changes_the_page_and_shows_in_the_explanations() {
    let sam = state("sam");
    let morning = page(&sam, &ctx("2026-11-18T08:00:00-05:00", Device::Mobile));
    let weekend = page(&sam, &ctx("2026-11-21T21:00:00-05:00", Device::Tv));
    let order = |p: &Page| {
        p.rows
            .iter()
            .map(|r| {
                (
                    r.id.clone(),
                    r.items
                        .iter()
                        .map(|i| i.title_id.clone())
                        .collect::<Vec<_>>(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_ne!(order(&morning), order(&weekend));
    let uses_context = morning.rows.iter().flat_map(|r| &r.items).any(|i| {
        i.explanation.contributions.iter().any(|c| {
            (c.feature == "device_match" || c.feature == "time_of_day_match")
                && c.value.abs() > 0.01
        })
    });
    assert!(uses_context, "no item explains a context contribution");
}

#[test]
fn exploration_takes_about_a_tenth_of_the_page_and_follows_the_seed() {
    let model = &sample().model;
    let ava = state("ava");
    let a = PageRequest {
        model,
        profile: &ava,
        ctx: &evening(),
        config: &RankerConfig::default(),
        seed: 1,
    }
    .page();
    let b = PageRequest {
        model,
        profile: &ava,
        ctx: &evening(),
        config: &RankerConfig::default(),
        seed: 1,
    }
    .page();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    let items: Vec<_> = a.rows.iter().flat_map(|r| &r.items).collect();
    let explored =
        items.iter().filter(|i| i.explanation.exploration).count() as f64 / items.len() as f64;
    assert!(
        (0.05..=0.15).contains(&explored),
        "exploration share {explored:.3}"
    );
    let off = RankerConfig {
        exploration_share: 0.0,
        ..RankerConfig::default()
    };
    let none = PageRequest {
        model,
        profile: &ava,
        ctx: &evening(),
        config: &off,
        seed: 1,
    }
    .page();
    assert!(none
        .rows
        .iter()
        .flat_map(|r| &r.items)
        .all(|i| !i.explanation.exploration));
    let explored_titles = |p: &Page| {
        p.rows
            .iter()
            .flat_map(|r| &r.items)
            .filter(|i| i.explanation.exploration)
            .map(|i| i.title_id.clone())
            .collect::<Vec<_>>()
    };
    let differs = (2..8).any(|seed| {
        explored_titles(
            &PageRequest {
                model,
                profile: &ava,
                ctx: &evening(),
                config: &RankerConfig::default(),
                seed,
            }
            .page(),
        ) != explored_titles(&a)
    });
    assert!(differs, "exploration ignores the seed");
}

#[test]
fn onboarding_offers_diverse_titles_and_three_anime_picks_personalize_the_page() {
    let model = &sample().model;
    let new = state("new");
    let offered = onboarding_set(model, new.maturity, 7);
    assert!(
        (20..=30).contains(&offered.len()),
        "{} offered",
        offered.len()
    );
    let genres: BTreeSet<&str> = offered
        .iter()
        .map(|&t| model.titles[t].genres[0].as_str())
        .collect();
    assert!(
        genres.len() >= 8,
        "only {} genres: {genres:?}",
        genres.len()
    );
    assert!(check_picks(model, new.maturity, &offered, &["t0001".into()]).is_err());
    let not_offered = (0..model.titles.len())
        .find(|t| !offered.contains(t))
        .unwrap();
    let ids: Vec<String> = offered
        .iter()
        .take(2)
        .map(|&t| model.titles[t].id.clone())
        .chain([model.titles[not_offered].id.clone()])
        .collect();
    assert!(check_picks(model, new.maturity, &offered, &ids).is_err());

    // Three anime titles (taken from the catalog; onboarding usually offers at least one).
    let anime: Vec<String> = model
        .titles
        .iter()
        .filter(|t| t.genres[0] == "anime")
        .take(3)
        .map(|t| t.id.clone())
        .collect();
    let picked = with_events(
        &new,
        &anime
            .iter()
            .map(|id| (id.as_str(), Action::Up))
            .collect::<Vec<_>>(),
    );
    let p = page(&picked, &evening());
    let share = genre_share(&p, RowKind::TopPicks, &["anime", "animation", "scifi"], 6);
    assert!(
        share >= 0.5,
        "top picks after anime picks: {share:.2} anime/animation"
    );
}

#[test]
fn feedback_written_to_the_store_reaches_the_next_page() {
    let s = sample();
    let mut store = s.store.lock().unwrap();
    let m = store
        .add_profile("fresh-test", Maturity::TvMa, "GB")
        .unwrap();
    let title = s
        .model
        .titles
        .iter()
        .find(|t| t.genres[0] == "documentary")
        .unwrap()
        .id
        .clone();
    store
        .add_event(
            m.id,
            &NewEvent {
                title_id: title.clone(),
                at: evening().now_unix(),
                offset_min: 0,
                action: Action::Love,
                progress: 0.0,
                season: None,
                episode: None,
                device: Device::Tv,
                artwork_id: None,
            },
        )
        .unwrap();
    let p = ProfileState::from_events(&m, &store.events_of(m.id).unwrap(), &s.model);
    drop(store);
    let page = page(&p, &evening());
    let share = genre_share(&page, RowKind::TopPicks, &["documentary", "history"], 6);
    assert!(
        share >= 0.5,
        "one loved documentary moves top picks: {share:.2}"
    );
}

#[test]
fn because_you_watched_never_anchors_on_a_disliked_title() {
    let model = &sample().model;
    for name in ["ava", "ren", "lola", "theo", "sam"] {
        let st = state(name);
        for row in page(&st, &evening())
            .rows
            .iter()
            .filter(|r| r.kind == RowKind::BecauseYouWatched)
        {
            let anchor = row.items[0].explanation.anchor.clone().unwrap();
            let s = &st.titles[&model.title_index(&anchor).unwrap()];
            assert!(
                s.is_positive() && !s.eng.down,
                "{name}: anchored on {anchor}"
            );
        }
    }
}

#[test]
fn the_trained_ranker_beats_popularity_on_later_events() {
    let r = &sample().model.trained.report;
    assert!(r.ndcg10_ranker > r.ndcg10_popularity * 1.2, "{r:?}");
    assert!(r.fit_examples > 1000);
}
