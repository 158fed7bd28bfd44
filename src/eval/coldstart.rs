//! The cold-start protocol (`marquee eval --onboarding`): members held out
//! whole, each given their first k positives as if picked at onboarding, and
//! scored on the rest. The pieces both modes share: the pick order, which
//! members are held out, and the summary of every recommender's lists with
//! paired bootstrap intervals against popularity. The database mode is in
//! `coldstart_db.rs`, the external (TSV) mode in `coldstart_tsv.rs`.
//!
//! Time to first play, for a ranked list: the position (from 1) of the first
//! held-out positive in the list, read to [`READ_DEPTH`] titles; for the
//! ranker's home page: the tiles read (the scan model of `protocol.rs`) up
//! to the first held-out positive.

use super::metrics::{evaluate, paired_interval, Interval, RankingMetrics};
use super::protocol::TimeToFirstPlay;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How many onboarding picks each held-out member is given.
pub const PICK_COUNTS: [usize; 4] = [1, 3, 5, 10];
/// Share of the eligible members held out whole.
pub const HELD_OUT_SHARE: f64 = 0.2;
/// Held-out members at most (chosen by the seed), to keep a run short.
pub const MAX_HELD_OUT: usize = 1_000;
/// How far down a ranked list time to first play reads (ten rows of six tiles).
pub const READ_DEPTH: usize = 60;
/// Bootstrap resamples of the held-out members.
pub const RESAMPLES: usize = 1_000;

/// The recommenders compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommender {
    /// The whole ranker's score for a new profile with these picks (what its page is built from).
    Ranker,
    Popularity,
    /// The item model's scores from the picks alone (the similar-to-recent feature).
    ItemModel,
    /// Content affinity to the picks alone.
    Content,
    /// The external mode's cold blend: the item model's scores and popularity
    /// (see `coldstart_tsv::blend`).
    ItemModelAndPopularity,
    /// Co-viewing with the picks (see `external::Fitted::co_viewing`).
    CoViewing,
}

impl Recommender {
    pub const ALL: [Recommender; 6] = [
        Recommender::Ranker,
        Recommender::Popularity,
        Recommender::ItemModel,
        Recommender::Content,
        Recommender::ItemModelAndPopularity,
        Recommender::CoViewing,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Recommender::Ranker => "ranker (onboarding path)",
            Recommender::Popularity => "popularity",
            Recommender::ItemModel => "item model alone",
            Recommender::Content => "content alone",
            Recommender::ItemModelAndPopularity => "item model + popularity",
            Recommender::CoViewing => "co-viewing",
        }
    }
}

/// The order a member's positives are picked in: earliest first (ties by
/// id) when every one has a time; otherwise a shuffle seeded by `seed` and
/// the member's `key`.
pub fn pick_order<T: Ord + Clone>(positives: &[(Option<i64>, T)], seed: u64, key: u64) -> Vec<T> {
    let mut v: Vec<(Option<i64>, T)> = positives.to_vec();
    if v.iter().all(|p| p.0.is_some()) {
        v.sort();
    } else {
        v.sort_by(|a, b| a.1.cmp(&b.1));
        v.shuffle(&mut ChaCha8Rng::seed_from_u64(
            seed ^ key.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        ));
    }
    v.into_iter().map(|p| p.1).collect()
}

/// The members held out whole: a seeded [`HELD_OUT_SHARE`] of `eligible`
/// (at least one), at most `max`, in their own order.
pub fn choose_held_out<T: Ord + Clone>(eligible: &[T], seed: u64, max: usize) -> Vec<T> {
    let mut v = eligible.to_vec();
    v.sort();
    v.shuffle(&mut ChaCha8Rng::seed_from_u64(seed ^ 0xC01D));
    let n = ((eligible.len() as f64 * HELD_OUT_SHARE).round() as usize)
        .clamp(eligible.len().min(1), max.max(1));
    v.truncate(n);
    v.sort();
    v
}

/// How a cold-start run is made.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Cut-off of every metric.
    pub k: usize,
    pub seed: u64,
    /// Held-out members at most.
    pub max_held_out: usize,
    /// Also score the onboarding set and simulate the first month (the sample population only).
    pub simulate: bool,
    /// Validation: leave out the members `seed` would hold out (the test
    /// members) altogether, and hold out others, drawn with this seed.
    pub validation: Option<u64>,
    /// The external mode's cold blend: popularity's weight beside the item model.
    pub popularity_weight: f32,
}

impl Options {
    pub fn new(k: usize, seed: u64) -> Options {
        Options {
            k,
            seed,
            max_held_out: MAX_HELD_OUT,
            simulate: true,
            validation: None,
            popularity_weight: super::coldstart_tsv::POPULARITY_WEIGHT,
        }
    }

    /// (members left out altogether, members held out) of `eligible`.
    pub fn draw<T: Ord + Clone>(&self, eligible: &[T]) -> (Vec<T>, Vec<T>) {
        let test = choose_held_out(eligible, self.seed, self.max_held_out);
        match self.validation {
            None => (vec![], test),
            Some(v) => {
                let rest: Vec<T> = eligible
                    .iter()
                    .filter(|m| test.binary_search(m).is_err())
                    .cloned()
                    .collect();
                let held = choose_held_out(&rest, v, self.max_held_out);
                (test, held)
            }
        }
    }
}

/// Members whose positives are enough for every pick count and a test set.
pub fn enough_positives(n: usize) -> bool {
    n > PICK_COUNTS[PICK_COUNTS.len() - 1]
}

/// What one held-out member with k picks got.
#[derive(Debug, Clone)]
pub struct MemberLists<U, I> {
    pub member: U,
    pub picks: BTreeSet<I>,
    pub test: BTreeSet<I>,
    /// Per recommender (those the mode has), its ranked list, [`READ_DEPTH`] long.
    pub lists: BTreeMap<Recommender, Vec<I>>,
    /// Tiles read on the ranker's home page to the first held-out positive (database mode).
    pub page_first_play: Option<Option<usize>>,
}

/// One recommender at one pick count.
#[derive(Debug, Clone, Serialize)]
pub struct RecommenderResult {
    pub recommender: Recommender,
    pub name: String,
    pub metrics: RankingMetrics,
    /// Position of the first held-out positive in the list (read to [`READ_DEPTH`]).
    pub time_to_first_play: TimeToFirstPlay,
    /// This recommender − popularity, per member, with a paired bootstrap 95 % interval.
    pub ndcg_vs_popularity: Interval,
    pub recall_vs_popularity: Interval,
}

/// Every recommender at one pick count.
#[derive(Debug, Clone, Serialize)]
pub struct PicksResult {
    pub picks: usize,
    pub members: usize,
    pub recommenders: Vec<RecommenderResult>,
    /// Tiles read on the new profile's home page to the first held-out positive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_time_to_first_play: Option<TimeToFirstPlay>,
}

/// Score one pick count's lists. `train`: every training user's items (the
/// coverage denominator, as the reference scorer counts it); the held-out
/// members' picks are added to it.
pub fn summarize<U: Ord + Clone, I: Ord + Clone>(
    picks: usize,
    members: &[MemberLists<U, I>],
    train: &BTreeMap<U, BTreeSet<I>>,
    k: usize,
    seed: u64,
) -> PicksResult {
    let mut train = train.clone();
    for m in members {
        train.insert(m.member.clone(), m.picks.clone());
    }
    let test: BTreeMap<U, BTreeSet<I>> = members
        .iter()
        .map(|m| (m.member.clone(), m.test.clone()))
        .collect();
    let present: Vec<Recommender> = Recommender::ALL
        .into_iter()
        .filter(|r| members.iter().all(|m| m.lists.contains_key(r)) && !members.is_empty())
        .collect();
    // Per member and recommender: (NDCG, recall), by the same definitions.
    let per_member = |r: Recommender| -> Vec<(f64, f64)> {
        members
            .iter()
            .map(|m| {
                let one = |v: &BTreeSet<I>| BTreeMap::from([(m.member.clone(), v.clone())]);
                let list = BTreeMap::from([(m.member.clone(), m.lists[&r].clone())]);
                let x = evaluate(&one(&m.picks), &one(&m.test), &list, k);
                (x.ndcg, x.recall)
            })
            .collect()
    };
    let popularity = per_member(Recommender::Popularity);
    let recommenders = present
        .iter()
        .map(|&r| {
            let recs: BTreeMap<U, Vec<I>> = members
                .iter()
                .map(|m| (m.member.clone(), m.lists[&r].clone()))
                .collect();
            let mine = if r == Recommender::Popularity {
                popularity.clone()
            } else {
                per_member(r)
            };
            let diff = |f: fn(&(f64, f64)) -> f64, salt: u64| {
                let a: Vec<f64> = mine.iter().map(f).collect();
                let b: Vec<f64> = popularity.iter().map(f).collect();
                paired_interval(&a, &b, RESAMPLES, seed ^ salt ^ picks as u64)
            };
            RecommenderResult {
                recommender: r,
                name: r.name().to_string(),
                metrics: evaluate(&train, &test, &recs, k),
                time_to_first_play: TimeToFirstPlay::of(
                    members.iter().map(|m| first_hit(&m.lists[&r], &m.test)),
                ),
                ndcg_vs_popularity: diff(|x| x.0, 0x4D),
                recall_vs_popularity: diff(|x| x.1, 0x5E),
            }
        })
        .collect();
    let page = members
        .iter()
        .map(|m| m.page_first_play)
        .collect::<Option<Vec<Option<usize>>>>()
        .filter(|v| !v.is_empty())
        .map(|v| TimeToFirstPlay::of(v.into_iter()));
    PicksResult {
        picks,
        members: members.len(),
        recommenders,
        page_time_to_first_play: page,
    }
}

/// Position (from 1) of the first relevant title in the first [`READ_DEPTH`] of `list`.
pub fn first_hit<I: Ord>(list: &[I], relevant: &BTreeSet<I>) -> Option<usize> {
    list.iter()
        .take(READ_DEPTH)
        .position(|i| relevant.contains(i))
        .map(|p| p + 1)
}

/// The whole report, either mode.
#[derive(Debug, Clone, Serialize)]
pub struct ColdStartReport {
    /// "database" or "external".
    pub mode: String,
    pub k: usize,
    pub seed: u64,
    /// Set on a validation run (see [`Options::validation`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_seed: Option<u64>,
    pub config: String,
    /// Members that had more positives than the largest pick count.
    pub eligible_members: usize,
    pub held_out_members: usize,
    pub results: Vec<PicksResult>,
    /// The onboarding set scored on simulated new members (the sample population only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onboarding_set: Option<super::onboarding_set::SetReport>,
    /// New simulated members' first month (the sample population only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_month: Option<super::first_month::MonthReport>,
    pub seconds: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_are_the_earliest_positives_or_a_seeded_draw_without_times() {
        let timed = [
            (Some(30), "c"),
            (Some(10), "b"),
            (Some(10), "a"),
            (Some(20), "d"),
        ];
        assert_eq!(pick_order(&timed, 1, 7), ["a", "b", "d", "c"]);
        assert_eq!(
            pick_order(&timed, 2, 8),
            ["a", "b", "d", "c"],
            "times decide, not the seed"
        );
        let untimed: Vec<(Option<i64>, u32)> = (0..12).map(|i| (None, i)).collect();
        let a = pick_order(&untimed, 1, 7);
        assert_eq!(a, pick_order(&untimed, 1, 7), "same seed, same order");
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..12).collect::<Vec<_>>(), "every positive, once");
        assert!(
            (2..20).any(|s| pick_order(&untimed, s, 7) != a),
            "other seeds, other orders"
        );
    }

    #[test]
    fn a_seeded_fifth_of_the_members_is_held_out() {
        let members: Vec<u32> = (0..50).collect();
        let held = choose_held_out(&members, 3, MAX_HELD_OUT);
        assert_eq!(held.len(), 10);
        assert!(held.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(held, choose_held_out(&members, 3, MAX_HELD_OUT));
        assert_ne!(held, choose_held_out(&members, 4, MAX_HELD_OUT));
        assert_eq!(
            choose_held_out(&[5u32], 1, MAX_HELD_OUT),
            [5],
            "one member: that one"
        );
        assert!(choose_held_out::<u32>(&[], 1, MAX_HELD_OUT).is_empty());
        assert_eq!(choose_held_out(&members, 3, 4).len(), 4, "at most the cap");
        let validation = Options {
            validation: Some(9),
            ..Options::new(10, 3)
        };
        let (left_out, others) = validation.draw(&members);
        assert_eq!(left_out, held, "the test members leave");
        assert!(
            others.iter().all(|m| !held.contains(m)),
            "and are never validated on"
        );
        assert_eq!(Options::new(10, 3).draw(&members), (vec![], held));
    }

    fn member(id: u32, test: &[u32], pop: &[u32], item: &[u32]) -> MemberLists<u32, u32> {
        MemberLists {
            member: id,
            picks: [100 + id].into(),
            test: test.iter().copied().collect(),
            lists: BTreeMap::from([
                (Recommender::Popularity, pop.to_vec()),
                (Recommender::ItemModel, item.to_vec()),
            ]),
            page_first_play: None,
        }
    }

    #[test]
    fn the_summary_scores_each_list_and_pairs_it_with_popularity() {
        let members = vec![
            member(1, &[5], &[9, 8, 5], &[5, 9, 8]),
            member(2, &[6], &[9, 8, 7], &[6, 9, 8]),
        ];
        let train = BTreeMap::from([(9u32, BTreeSet::from([5u32, 6, 7, 8, 9]))]);
        let r = summarize(1, &members, &train, 10, 1);
        assert_eq!(r.members, 2);
        let names: Vec<Recommender> = r.recommenders.iter().map(|x| x.recommender).collect();
        assert_eq!(
            names,
            [Recommender::Popularity, Recommender::ItemModel],
            "only the recommenders every member has"
        );
        let (pop, item) = (&r.recommenders[0], &r.recommenders[1]);
        assert_eq!(item.metrics.ndcg, 1.0);
        assert!(
            (pop.metrics.ndcg - 0.5 * 0.5).abs() < 1e-12,
            "one hit at 3, one miss"
        );
        assert_eq!(pop.ndcg_vs_popularity.mean, 0.0);
        assert!((item.ndcg_vs_popularity.mean - 0.75).abs() < 1e-12);
        assert!(item.ndcg_vs_popularity.low > 0.0, "both members gain");
        assert_eq!(item.time_to_first_play.median_tiles, Some(1.0));
        assert_eq!(pop.time_to_first_play.share_none, 0.5);
        // Coverage counts the held-out members' picks among the training items: 4 of 7.
        assert!((pop.metrics.coverage - 4.0 / 7.0).abs() < 1e-12);
        assert!(r.page_time_to_first_play.is_none());
    }
}
