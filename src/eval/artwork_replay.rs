//! Simulated impression logs and the offline replay of the artwork policy.
//!
//! A log is one session per sampled population viewer (seeded): the page
//! the ranker builds for them, scanned by [`Viewer::scan`] with the
//! viewer responding to the artwork's theme as well as to the title. The
//! session's viewport (every row reached, its first tiles) is the log's
//! impressions; its plays are attributed to the tile played.
//!
//! In the *randomized* log every tile's artwork is replaced by one of the
//! title's variants drawn uniformly (propensity 1/k). Replaying a policy on
//! it (Li et al.'s replay method): the impressions whose logged artwork is
//! the one the policy would have chosen are an unbiased sample of the
//! policy's own, so their take fraction estimates the policy's; the
//! inverse-propensity estimate weighs every matched play by k. Compared:
//! the artwork bandit, the random artwork of the log itself, and the
//! variant most often played from in the stored events (most popular).

use super::impressions::{Outcome, RESAMPLES};
use super::metrics::{bootstrap_interval, cluster_ratio_interval, Interval};
use super::viewer::{
    play_bar, population_of, sample_viewers, session_context, usual_device, SessionHooks,
    SessionShown, Viewer,
};
use crate::catalog::population::Population;
use crate::catalog::Action;
use crate::rank::{Model, PageRequest, ProfileState, RankerConfig};
use crate::store::{Store, StoreError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// How much the theme pull of the artwork shown adds to a title's appeal
/// in these logs (the viewer's true response, about ±0.25 at one sd, next
/// to the σ 0.3 noise of the moment).
pub const ARTWORK_RESPONSE: f64 = 0.3;

/// One tile a simulated session showed.
#[derive(Debug, Clone, PartialEq)]
pub struct SimTile {
    pub row_kind: &'static str,
    pub row: u32,
    pub pos: u32,
    pub title: usize,
    /// The variant shown (index in the title's artwork) and how many there are.
    pub artwork: usize,
    pub variants: usize,
    pub played: bool,
}

/// One simulated session: the viewer (population index), their member id,
/// the page's seed and the tiles in its viewport.
#[derive(Debug, Clone, PartialEq)]
pub struct SimView {
    pub viewer: usize,
    pub member_id: i64,
    pub seed: u64,
    pub tiles: Vec<SimTile>,
}

/// A simulated log, and whether its artwork was randomized.
#[derive(Debug, Clone)]
pub struct SimLog {
    pub randomized: bool,
    pub views: Vec<SimView>,
}

/// The viewers of the bundled population the store holds, `n` of them
/// drawn with `seed`, in population order, with their stored states; with the population.
fn sample_states(
    store: &Store,
    model: &Model,
    n: usize,
    seed: u64,
) -> Result<(Population, Vec<(usize, ProfileState)>), StoreError> {
    let sampled = sample_viewers(store, n, seed ^ 0xA27, "the simulated impression logs need")?;
    let states = sampled
        .histories
        .iter()
        .map(|(v, events)| {
            let m = &sampled.members[&sampled.population.viewers[*v].name];
            (*v, ProfileState::from_events(m, events, model))
        })
        .collect();
    Ok((sampled.population, states))
}

/// The stored state of each of `viewers` (population indices).
fn states_of(
    store: &Store,
    model: &Model,
    population: &Population,
    members: &BTreeMap<String, crate::store::Member>,
    viewers: &[usize],
) -> Result<Vec<(usize, ProfileState)>, StoreError> {
    viewers
        .iter()
        .map(|&v| {
            let m = &members[&population.viewers[v].name];
            Ok((
                v,
                ProfileState::from_events(m, &store.events_of(m.id)?, model),
            ))
        })
        .collect()
}

/// Simulate one session for each of `viewers` sampled viewers under
/// `config`; with `randomized`, each tile's artwork drawn uniformly.
pub fn simulate(
    store: &Store,
    model: &Model,
    config: &RankerConfig,
    viewers: usize,
    seed: u64,
    randomized: bool,
) -> Result<SimLog, StoreError> {
    let (population, states) = sample_states(store, model, viewers, seed)?;
    let views = states
        .par_iter()
        .map(|(v, state)| {
            let sim = &population.viewers[*v];
            let mut state = state.clone();
            let ctx = session_context(model, sim, 0, usual_device(sim));
            let page_seed = seed ^ (*v as u64).wrapping_mul(0x9E37_79B9);
            let mut page = PageRequest {
                model,
                profile: &state,
                ctx: &ctx,
                config,
                seed: page_seed,
            }
            .page();
            if randomized {
                let mut art = ChaCha8Rng::seed_from_u64(page_seed ^ 0x0A27_0A27);
                for item in page.rows.iter_mut().flat_map(|r| r.items.iter_mut()) {
                    if let Some(t) = model.title_index(&item.title_id) {
                        let variants = &model.titles[t].artwork;
                        item.artwork_id = variants[art.gen_range(0..variants.len())].id.clone();
                    }
                }
            }
            let viewer = Viewer {
                population: &population,
                sim,
                member_id: state.member_id,
                bar: play_bar(&population, sim, model, state.maturity),
                seen_elsewhere: vec![],
            };
            let mut tiles = vec![];
            let mut record = |s: &SessionShown| tiles = shown_tiles(model, s);
            let mut rng = ChaCha8Rng::seed_from_u64(page_seed ^ 0x5E55);
            viewer.scan(
                &page,
                &mut state,
                model,
                &ctx,
                &mut rng,
                &mut SessionHooks {
                    artwork_response: ARTWORK_RESPONSE,
                    record: Some(&mut record),
                    ..SessionHooks::default()
                },
            );
            SimView {
                viewer: *v,
                member_id: viewer.member_id,
                seed: page_seed,
                tiles,
            }
        })
        .collect();
    Ok(SimLog { randomized, views })
}

/// The tiles of a session's viewport, with the artwork shown and the plays.
fn shown_tiles(model: &Model, s: &SessionShown) -> Vec<SimTile> {
    s.shown
        .iter()
        .filter_map(|&(r, i)| {
            let row = &s.page.rows[r];
            let item = &row.items[i];
            let t = model.title_index(&item.title_id)?;
            let variants = &model.titles[t].artwork;
            Some(SimTile {
                row_kind: row.kind.as_str(),
                row: r as u32,
                pos: i as u32,
                title: t,
                artwork: variants.iter().position(|a| a.id == item.artwork_id)?,
                variants: variants.len(),
                played: s.played.contains(&(r, i)),
            })
        })
        .collect()
}

impl SimLog {
    /// The log's impressions as outcomes (for take fractions).
    pub fn outcomes(&self, model: &Model) -> Vec<Outcome> {
        self.views
            .iter()
            .enumerate()
            .flat_map(|(k, v)| {
                v.tiles.iter().map(move |t| {
                    let art = &model.titles[t.title].artwork[t.artwork];
                    Outcome {
                        member_id: v.member_id,
                        view_id: k as i64,
                        row_kind: t.row_kind.to_string(),
                        row: t.row,
                        pos: t.pos,
                        title_id: model.titles[t.title].id.clone(),
                        artwork_id: Some(art.id.clone()),
                        theme: Some(art.theme),
                        play: t.played.then_some(0),
                    }
                })
            })
            .collect()
    }

    /// Tiles of titles with a choice of artwork, and their plays.
    pub fn with_choice(&self) -> (u64, u64) {
        let tiles = self
            .views
            .iter()
            .flat_map(|v| &v.tiles)
            .filter(|t| t.variants > 1);
        tiles.fold((0, 0), |(n, p), t| (n + 1, p + t.played as u64))
    }
}

/// One artwork policy's estimated take fraction on the randomized log.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyEstimate {
    pub policy: String,
    /// Impressions whose logged artwork is the one the policy chooses.
    pub matched: u64,
    pub matched_plays: u64,
    /// The replay estimate: take fraction of the matched impressions.
    pub replay: Interval,
    /// The inverse-propensity estimate: Σ k·[matched]·played / impressions.
    pub ips: Interval,
}

/// A difference of replay estimates, with a 95 % interval resampling viewers.
#[derive(Debug, Clone, Serialize)]
pub struct EstimateDifference {
    pub name: String,
    pub difference: Interval,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplayReport {
    pub seed: u64,
    pub viewers: usize,
    /// Impressions of titles with more than one artwork variant (the others have no choice).
    pub impressions: u64,
    pub plays: u64,
    pub estimates: Vec<PolicyEstimate>,
    pub differences: Vec<EstimateDifference>,
}

/// Replay the artwork bandit, the random logging policy and the most
/// popular variant on a randomized log.
pub fn replay(
    store: &Store,
    model: &Model,
    config: &RankerConfig,
    log: &SimLog,
    seed: u64,
) -> Result<ReplayReport, StoreError> {
    if !log.randomized {
        return Err(StoreError::Invalid(
            "the artwork replay needs a log with randomized artwork".into(),
        ));
    }
    let popular = most_played_variants(store, model)?;
    // The states of the viewers the log holds, as the policy sees them.
    let (population, members) = population_of(store)?;
    let logged: Vec<usize> = log.views.iter().map(|v| v.viewer).collect();
    let states = states_of(store, model, &population, &members, &logged)?;
    let state_of: BTreeMap<usize, &ProfileState> = states.iter().map(|(v, s)| (*v, s)).collect();
    // Per viewer, per policy: (matched plays, matched, k-weighted plays, impressions).
    let per_viewer: Vec<[[f64; 4]; 3]> = log
        .views
        .par_iter()
        .filter_map(|v| {
            let state: &ProfileState = state_of.get(&v.viewer)?;
            let sim = &population.viewers[v.viewer];
            let ctx = session_context(model, sim, 0, usual_device(sim));
            let scorer = PageRequest {
                model,
                profile: state,
                ctx: &ctx,
                config,
                seed: v.seed,
            }
            .scorer();
            let mut c = [[0.0; 4]; 3];
            for t in v.tiles.iter().filter(|t| t.variants > 1) {
                let bandit_id = scorer.artwork().choose(model, t.title).0;
                let bandit = model.titles[t.title]
                    .artwork
                    .iter()
                    .position(|a| a.id == bandit_id);
                let picks = [bandit, None, Some(popular[t.title])];
                for (p, pick) in picks.iter().enumerate() {
                    // The random policy matches every impression with weight 1.
                    let (matched, weight) = match pick {
                        Some(a) => (*a == t.artwork, t.variants as f64),
                        None => (true, 1.0),
                    };
                    let r = t.played as u8 as f64;
                    if matched {
                        c[p][0] += r;
                        c[p][1] += 1.0;
                        c[p][2] += weight * r;
                    }
                    c[p][3] += 1.0;
                }
            }
            Some(c)
        })
        .collect();
    let names = ["artwork bandit", "random (the log)", "most popular variant"];
    let estimates = names
        .iter()
        .enumerate()
        .map(|(p, name)| {
            let replay: Vec<(f64, f64)> = per_viewer.iter().map(|c| (c[p][0], c[p][1])).collect();
            let ips: Vec<(f64, f64)> = per_viewer.iter().map(|c| (c[p][2], c[p][3])).collect();
            PolicyEstimate {
                policy: name.to_string(),
                matched: per_viewer.iter().map(|c| c[p][1]).sum::<f64>() as u64,
                matched_plays: per_viewer.iter().map(|c| c[p][0]).sum::<f64>() as u64,
                replay: cluster_ratio_interval(&replay, RESAMPLES, seed),
                ips: cluster_ratio_interval(&ips, RESAMPLES, seed),
            }
        })
        .collect();
    let differences = [(0, 1), (0, 2)]
        .into_iter()
        .map(|(a, b)| EstimateDifference {
            name: format!("{} − {}", names[a], names[b]),
            difference: replay_difference(&per_viewer, a, b, seed),
        })
        .collect();
    let (impressions, plays) = log.with_choice();
    Ok(ReplayReport {
        seed,
        viewers: log.views.len(),
        impressions,
        plays,
        estimates,
        differences,
    })
}

/// Replay estimate of policy `a` minus that of `b`, with a percentile
/// bootstrap interval resampling viewers (both estimates from each draw).
fn replay_difference(per_viewer: &[[[f64; 4]; 3]], a: usize, b: usize, seed: u64) -> Interval {
    let ratio = |draw: &mut dyn Iterator<Item = usize>| {
        let mut s = [0.0; 4];
        for c in draw.map(|i| &per_viewer[i]) {
            s[0] += c[a][0];
            s[1] += c[a][1];
            s[2] += c[b][0];
            s[3] += c[b][1];
        }
        s[0] / s[1].max(1.0) - s[2] / s[3].max(1.0)
    };
    bootstrap_interval(per_viewer.len(), RESAMPLES, seed ^ 0xD1FF, ratio)
}

/// Each title's variant played from most often in the stored events (the
/// first variant when none is named; ties to the earlier variant).
fn most_played_variants(store: &Store, model: &Model) -> Result<Vec<usize>, StoreError> {
    let mut counts: Vec<Vec<u32>> = model
        .titles
        .iter()
        .map(|t| vec![0; t.artwork.len()])
        .collect();
    for e in store.all_events()? {
        let (Some(id), Action::Play) = (&e.artwork_id, e.action) else {
            continue;
        };
        if let Some(t) = model.title_index(&e.title_id) {
            if let Some(a) = model.titles[t].artwork.iter().position(|a| &a.id == id) {
                counts[t][a] += 1;
            }
        }
    }
    Ok(counts
        .iter()
        .map(|c| {
            (0..c.len())
                .max_by(|&x, &y| c[x].cmp(&c[y]).then(y.cmp(&x)))
                .unwrap_or(0)
        })
        .collect())
}
