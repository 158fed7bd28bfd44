//! Offline evaluation on the current database: a random and a temporal
//! holdout of each member's positives, the whole ranker retrained on the
//! training part only, and every test member's top-k scored for the full
//! ranker, popularity, and the ranker with each feature group ablated.
//! Metrics overall and for cold (< 5 training positives) and warm members,
//! plus a simulated time-to-first-play over the generated home page.
//!
//! Scan model for time-to-first-play: a viewer reads the page top to
//! bottom, and in each row the first [`SCAN_TILES`] tiles left to right; the
//! count is the number of tiles read up to and including the first title
//! they went on to like (a held-out positive).

use super::metrics::{effective_catalog_size, evaluate, percentile, RankingMetrics};
use crate::catalog::{Device, Event};
use crate::rank::eligibility::Exclusion;
use crate::rank::feature::{FeatureGroup, NF};
use crate::rank::interactions::Engagement;
use crate::rank::{
    title_features, train_log, ContentIndex, Context, Model, Page, PageRequest, ProfileState,
    Progress, RankerConfig,
};
use crate::store::{Member, Store, StoreError};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// Share of each member's positives held out.
pub const TEST_FRACTION: f64 = 0.2;
/// Members with fewer training positives than this count as cold.
pub const COLD_BELOW: usize = 5;
/// Tiles of each row a simulated viewer looks at.
pub const SCAN_TILES: usize = 6;
/// Test members evaluated per split at most (chosen by the seed), to keep a run short.
pub const MAX_TEST_MEMBERS: usize = 1_500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Holdout {
    Random,
    Temporal,
}

/// Metrics of one recommender on one split.
#[derive(Debug, Clone, Serialize)]
pub struct ModelResult {
    pub name: String,
    pub overall: RankingMetrics,
    /// Effective catalog size of the recommended slots (Gomez-Uribe & Hunt 2015).
    pub ecs: f64,
    /// Mean self-information, −log2(share of members who liked it), of recommended titles.
    pub novelty: f64,
    pub cold: RankingMetrics,
    pub warm: RankingMetrics,
}

/// Tiles scanned before the first held-out positive on the generated page.
#[derive(Debug, Clone, Serialize)]
pub struct TimeToFirstPlay {
    pub median_tiles: Option<f64>,
    pub p90_tiles: Option<f64>,
    /// Share of test members with no held-out positive among the scanned tiles.
    pub share_none: f64,
}

impl TimeToFirstPlay {
    /// Median, p90 and the share of nothing found, over one count per member.
    pub fn of(counts: impl Iterator<Item = Option<usize>>) -> TimeToFirstPlay {
        let (mut found, mut members) = (vec![], 0usize);
        for c in counts {
            members += 1;
            found.extend(c.map(|n| n as f64));
        }
        found.sort_by(f64::total_cmp);
        TimeToFirstPlay {
            median_tiles: percentile(&found, 0.5),
            p90_tiles: percentile(&found, 0.9),
            share_none: if members == 0 {
                0.0
            } else {
                1.0 - found.len() as f64 / members as f64
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SplitResult {
    pub holdout: Holdout,
    pub test_members: usize,
    pub cold_members: usize,
    pub train_seconds: f64,
    pub models: Vec<ModelResult>,
    pub time_to_first_play: TimeToFirstPlay,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub k: usize,
    pub seed: u64,
    pub config: String,
    pub splits: Vec<SplitResult>,
    pub seconds: f64,
}

/// Evaluate the ranker under `config` on both holdouts.
pub fn evaluate_database(
    store: &Store,
    config: &RankerConfig,
    k: usize,
    seed: u64,
) -> Result<EvalReport, StoreError> {
    let started = Instant::now();
    let titles = store.titles()?;
    let genres = store.genres()?;
    let tags = store.tags()?;
    let as_of = store.as_of()?;
    let events = store.training_events()?;
    let members = store.members()?;
    let title_index: BTreeMap<&str, usize> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    // The content index depends on the titles only: one serves both splits.
    let content = ContentIndex::build(&titles);
    let mut splits = vec![];
    for holdout in [Holdout::Random, Holdout::Temporal] {
        let held = hold_out(&events, &title_index, holdout, seed);
        let train_events: Vec<Event> = events
            .iter()
            .filter(|e| {
                !held.get(&e.member_id).is_some_and(|h| {
                    title_index
                        .get(e.title_id.as_str())
                        .is_some_and(|t| h.contains(t))
                })
            })
            .cloned()
            .collect();
        let train_started = Instant::now();
        let trained = train_log(
            &titles,
            &content,
            &members,
            &train_events,
            as_of,
            config,
            Progress::NONE,
        );
        let model = Model::from_parts(
            titles.clone(),
            content.clone(),
            genres.clone(),
            tags.clone(),
            as_of,
            trained,
            config.training.alpha,
        );
        let train_seconds = train_started.elapsed().as_secs_f64();
        splits.push(score_split(
            &model,
            config,
            &members,
            &train_events,
            &held,
            holdout,
            k,
            seed,
            train_seconds,
        ));
    }
    Ok(EvalReport {
        k,
        seed,
        config: config.name.clone(),
        splits,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// member → (first time, title index) of each title they took up positively,
/// with engagement summed as training sums it. In title order.
pub fn positives_by_member(
    events: &[Event],
    title_index: &BTreeMap<&str, usize>,
) -> BTreeMap<i64, Vec<(i64, usize)>> {
    let mut engagement: BTreeMap<i64, BTreeMap<usize, (Engagement, i64)>> = BTreeMap::new();
    for e in events {
        let Some(&t) = title_index.get(e.title_id.as_str()) else {
            continue;
        };
        let slot = engagement
            .entry(e.member_id)
            .or_default()
            .entry(t)
            .or_insert((Engagement::default(), e.at));
        slot.0.add(e);
        slot.1 = slot.1.min(e.at);
    }
    engagement
        .into_iter()
        .map(|(member, titles)| {
            let positives = titles
                .iter()
                .filter(|(_, g)| g.0.is_positive())
                .map(|(&t, g)| (g.1, t))
                .collect();
            (member, positives)
        })
        .collect()
}

/// member → title indices held out as test positives.
pub fn hold_out(
    events: &[Event],
    title_index: &BTreeMap<&str, usize>,
    holdout: Holdout,
    seed: u64,
) -> BTreeMap<i64, BTreeSet<usize>> {
    let mut out = BTreeMap::new();
    for (member, mut positives) in positives_by_member(events, title_index) {
        if positives.len() < 2 {
            continue;
        }
        let n_test = ((positives.len() as f64 * TEST_FRACTION).round() as usize)
            .clamp(1, positives.len() - 1);
        match holdout {
            Holdout::Random => {
                positives.sort_by_key(|p| p.1);
                positives.shuffle(&mut ChaCha8Rng::seed_from_u64(
                    seed ^ (member as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
                ));
                positives.truncate(n_test);
            }
            Holdout::Temporal => {
                positives.sort();
                positives.drain(..positives.len() - n_test);
            }
        }
        out.insert(member, positives.into_iter().map(|p| p.1).collect());
    }
    out
}

/// What one test member's lists and page gave.
struct MemberOutcome {
    member: i64,
    cold: bool,
    /// Top-k per recommender, in the order of `variants`.
    lists: Vec<Vec<usize>>,
    /// Tiles scanned to the first held-out positive on the page, if any.
    first_play: Option<usize>,
}

#[allow(clippy::too_many_arguments)]
fn score_split(
    model: &Model,
    config: &RankerConfig,
    members: &[Member],
    train_events: &[Event],
    held: &BTreeMap<i64, BTreeSet<usize>>,
    holdout: Holdout,
    k: usize,
    seed: u64,
    train_seconds: f64,
) -> SplitResult {
    let mut test_members: Vec<&Member> = members
        .iter()
        .filter(|m| held.contains_key(&m.id))
        .collect();
    test_members.shuffle(&mut ChaCha8Rng::seed_from_u64(seed ^ 0x7E57));
    test_members.truncate(MAX_TEST_MEMBERS);
    test_members.sort_by_key(|m| m.id);
    let mut by_member: BTreeMap<i64, Vec<Event>> = BTreeMap::new();
    for e in train_events {
        by_member.entry(e.member_id).or_default().push(e.clone());
    }
    // The recommenders compared: the full ranker, popularity, and one ablation per feature group.
    let mut variants: Vec<(String, Option<RankerConfig>)> = vec![
        ("ranker".into(), Some(config.clone())),
        ("popularity".into(), None),
    ];
    for group in FeatureGroup::ALL {
        let mut ablated = config.clone();
        ablated
            .ablate
            .extend(group.members().map(|f| f.name().to_string()));
        variants.push((format!("ranker without {}", group.name()), Some(ablated)));
    }
    // An external ranker (--ranker, --ranker-file) comes first, scored as its
    // pages are: asked with the history of the training part only.
    let external = config.external.is_some();
    if external {
        variants.insert(0, (config.name.clone(), Some(config.clone())));
    }
    let weights: Vec<Option<[f64; NF]>> = variants
        .iter()
        .map(|(_, c)| c.as_ref().map(|c| model.trained.weights.effective(c)))
        .collect();
    let ctx = Context::new(Context::default_now(model.as_of), Device::Tv);
    let outcomes: Vec<MemberOutcome> = test_members
        .par_iter()
        .map(|m| {
            let events = by_member.get(&m.id).map(Vec::as_slice).unwrap_or(&[]);
            let state = ProfileState::from_events(m, events, model);
            let x = title_features(model, &state, &ctx);
            let candidates: Vec<usize> = (0..model.titles.len())
                .filter(|&t| {
                    let g = state.titles.get(&t).map(|s| &s.eng);
                    Exclusion::of(m.maturity, model.titles[t].maturity, g).is_none()
                })
                .collect();
            let scorer =
                external.then(|| crate::rank::PageScorer::new(model, &state, &ctx, config, seed));
            let lists = weights
                .iter()
                .enumerate()
                .map(|(v, w)| {
                    if let Some(s) = scorer.as_ref().filter(|_| v == 0) {
                        return top_k(&candidates, |t| s.score(t), k, model);
                    }
                    let score = |t: usize| match w {
                        Some(w) => model.trained.weights.score(w, &x[t]).0,
                        None => model.trained.signals.popularity[t] as f64,
                    };
                    top_k(&candidates, score, k, model)
                })
                .collect();
            let liked = &held[&m.id];
            let page = PageRequest {
                model,
                profile: &state,
                ctx: &ctx,
                config,
                seed,
            }
            .page();
            let first_play = first_play(&page, |id| {
                model.title_index(id).is_some_and(|t| liked.contains(&t))
            });
            MemberOutcome {
                member: m.id,
                cold: state.positives() < COLD_BELOW,
                lists,
                first_play,
            }
        })
        .collect();

    let train_sets: BTreeMap<i64, BTreeSet<usize>> = by_member
        .iter()
        .map(|(&m, evs)| {
            (
                m,
                evs.iter()
                    .filter_map(|e| model.title_index(&e.title_id))
                    .collect(),
            )
        })
        .collect();
    let liked_share = liked_shares(model, &by_member);
    let models = variants
        .iter()
        .enumerate()
        .map(|(v, (name, _))| {
            let subset = |keep: &dyn Fn(&MemberOutcome) -> bool| {
                let test: BTreeMap<i64, BTreeSet<usize>> = outcomes
                    .iter()
                    .filter(|o| keep(o))
                    .map(|o| (o.member, held[&o.member].clone()))
                    .collect();
                let recs: BTreeMap<i64, Vec<usize>> = outcomes
                    .iter()
                    .filter(|o| keep(o))
                    .map(|o| (o.member, o.lists[v].clone()))
                    .collect();
                evaluate(&train_sets, &test, &recs, k)
            };
            let slots: Vec<usize> = outcomes
                .iter()
                .flat_map(|o| o.lists[v].iter().copied())
                .collect();
            ModelResult {
                name: name.clone(),
                overall: subset(&|_| true),
                ecs: effective_catalog_size(&slots),
                novelty: if slots.is_empty() {
                    0.0
                } else {
                    slots.iter().map(|&t| -liked_share[t].log2()).sum::<f64>() / slots.len() as f64
                },
                cold: subset(&|o| o.cold),
                warm: subset(&|o| !o.cold),
            }
        })
        .collect();
    SplitResult {
        holdout,
        test_members: outcomes.len(),
        cold_members: outcomes.iter().filter(|o| o.cold).count(),
        train_seconds,
        models,
        time_to_first_play: TimeToFirstPlay::of(outcomes.iter().map(|o| o.first_play)),
    }
}

/// The `k` best candidates by `score`, ties by title id.
fn top_k(
    candidates: &[usize],
    score: impl Fn(usize) -> f64,
    k: usize,
    model: &Model,
) -> Vec<usize> {
    let mut v: Vec<(f64, usize)> = candidates.iter().map(|&t| (score(t), t)).collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| model.by_id(a.1, b.1)));
    v.into_iter().take(k).map(|x| x.1).collect()
}

/// Per title: the share of training members who liked it (smoothed so unseen titles stay finite).
fn liked_shares(model: &Model, by_member: &BTreeMap<i64, Vec<Event>>) -> Vec<f64> {
    let mut liked = vec![0usize; model.titles.len()];
    for evs in by_member.values() {
        let mut g: BTreeMap<usize, Engagement> = BTreeMap::new();
        for e in evs {
            if let Some(t) = model.title_index(&e.title_id) {
                g.entry(t).or_default().add(e);
            }
        }
        for (t, e) in g {
            if e.is_positive() {
                liked[t] += 1;
            }
        }
    }
    let n = by_member.len().max(1) as f64;
    liked
        .into_iter()
        .map(|c| (c as f64 + 1.0) / (n + 1.0))
        .collect()
}

/// Simulated time to first play: the tiles read (the scan model above) up to
/// and including the first title `liked`; None if none is.
pub fn first_play(page: &Page, liked: impl Fn(&str) -> bool) -> Option<usize> {
    page.tiles_read(usize::MAX, SCAN_TILES)
        .position(|i| liked(&i.title_id))
        .map(|p| p + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(member: i64, title: &str, at: i64) -> Event {
        Event {
            id: at,
            member_id: member,
            title_id: title.into(),
            at,
            offset_min: 0,
            action: crate::catalog::Action::Up,
            progress: 0.0,
            season: None,
            episode: None,
            device: Device::Tv,
            artwork_id: None,
        }
    }

    #[test]
    fn holdouts_keep_a_training_positive_and_follow_the_seed() {
        let titles = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        let index: BTreeMap<&str, usize> =
            titles.iter().enumerate().map(|(i, t)| (*t, i)).collect();
        let events: Vec<Event> = titles
            .iter()
            .enumerate()
            .map(|(i, t)| event(1, t, 100 + i as i64))
            .chain([event(2, "a", 1)])
            .collect();
        let temporal = hold_out(&events, &index, Holdout::Temporal, 1);
        assert_eq!(
            temporal[&1],
            [8, 9].into_iter().collect(),
            "the last 20 % by time"
        );
        assert!(
            !temporal.contains_key(&2),
            "one positive: nothing to hold out"
        );
        let a = hold_out(&events, &index, Holdout::Random, 1);
        assert_eq!(a[&1].len(), 2);
        assert_eq!(
            a,
            hold_out(&events, &index, Holdout::Random, 1),
            "same seed, same split"
        );
        let others: Vec<_> = (2..40)
            .map(|s| hold_out(&events, &index, Holdout::Random, s)[&1].clone())
            .collect();
        assert!(
            others.iter().any(|o| *o != a[&1]),
            "other seeds give other splits"
        );
    }
}
