//! The onboarding set itself, scored on simulated new members: viewers drawn
//! afresh from the sample population's generator (seeded; the titles'
//! latent quality is the population's own), who like a title when its true
//! appeal reaches their bar (`viewer::play_bar`: their top 10 % of the
//! catalog). A set works for a member when it shows them at least
//! [`MIN_PICKS`] titles they like; its diversity is the number of distinct
//! first genres and the mean pairwise content distance of its titles.

use super::metrics::{paired_interval, Interval};
use super::viewer::play_bar;
use crate::catalog::population::{Population, SimViewer};
use crate::catalog::sample::POPULATION_SEED;
use crate::catalog::{Maturity, Title};
use crate::rank::{cluster_set, cover_set, Model, MIN_PICKS};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Simulated new members the set is scored on.
pub const NEW_MEMBERS: usize = 2_000;

/// `n` new viewers with tastes drawn from the population's generator under
/// `seed`, in the population's world (the same latent quality per title).
pub fn new_viewers(titles: &[Title], n: usize, seed: u64) -> Population {
    let world = Population::generate(POPULATION_SEED, 0, titles);
    let fresh = Population::generate(seed ^ 0x0B0A_4D17, n, titles);
    Population {
        viewers: fresh.viewers,
        ..world
    }
}

/// The titles of `set` a viewer likes (true appeal at or above their bar).
pub fn liked_in(
    population: &Population,
    sim: &SimViewer,
    model: &Model,
    set: &[usize],
) -> Vec<usize> {
    let bar = play_bar(population, sim, model, sim.maturity);
    set.iter()
        .copied()
        .filter(|&t| population.appeal(sim, &model.titles[t]) >= bar)
        .collect()
}

/// One way of choosing the set, scored.
#[derive(Debug, Clone, Serialize)]
pub struct SetScore {
    pub name: String,
    /// Share of the new members who find at least three titles they like.
    pub share_with_three: f64,
    /// Titles they like in the set, on average.
    pub mean_liked: f64,
    /// Per maturity limit: (limit, set size, distinct first genres, mean pairwise content distance).
    pub sets: Vec<SetShape>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SetShape {
    pub maturity: String,
    pub titles: usize,
    pub distinct_genres: usize,
    /// Mean of 1 − content similarity over pairs of titles in the set.
    pub mean_distance: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SetReport {
    pub members: usize,
    pub today: SetScore,
    pub cover: SetScore,
    /// Cover − today in the share with three liked, paired by member.
    pub share_with_three_gain: Interval,
}

type Chooser = fn(&Model, Maturity, u64) -> Vec<usize>;

/// Score the set of today (the taste-cluster set) and the greedy cover on
/// `n` new members drawn with `seed`; `set_seed` is the seed the sets are
/// chosen with (the session's).
pub fn score_sets(model: &Model, n: usize, seed: u64, set_seed: u64) -> SetReport {
    let population = new_viewers(&model.titles, n, seed);
    let score = |name: &str, choose: Chooser| {
        let maturities: BTreeMap<&str, Maturity> = population
            .viewers
            .iter()
            .map(|v| (v.maturity.as_str(), v.maturity))
            .collect();
        let sets: BTreeMap<&str, (Maturity, Vec<usize>)> = maturities
            .iter()
            .map(|(&name, &m)| (name, (m, choose(model, m, set_seed))))
            .collect();
        let liked: Vec<usize> = population
            .viewers
            .iter()
            .map(|v| liked_in(&population, v, model, &sets[v.maturity.as_str()].1).len())
            .collect();
        let shapes = sets
            .values()
            .map(|(m, set)| shape(model, *m, set))
            .collect();
        (
            SetScore {
                name: name.to_string(),
                share_with_three: share(&liked),
                mean_liked: liked.iter().sum::<usize>() as f64 / liked.len().max(1) as f64,
                sets: shapes,
            },
            liked,
        )
    };
    let (today, a) = score("taste clusters (before)", cluster_set);
    let (cover, b) = score("greedy cover", cover_set);
    let three = |v: &[usize]| -> Vec<f64> {
        v.iter()
            .map(|&x| if x >= MIN_PICKS { 1.0 } else { 0.0 })
            .collect()
    };
    SetReport {
        members: population.viewers.len(),
        share_with_three_gain: paired_interval(&three(&b), &three(&a), 1_000, seed ^ 0x5E7),
        today,
        cover,
    }
}

fn share(liked: &[usize]) -> f64 {
    liked.iter().filter(|&&x| x >= MIN_PICKS).count() as f64 / liked.len().max(1) as f64
}

fn shape(model: &Model, maturity: Maturity, set: &[usize]) -> SetShape {
    let genres: BTreeSet<&str> = set
        .iter()
        .filter_map(|&t| model.titles[t].genres.first().map(String::as_str))
        .collect();
    let (mut sum, mut pairs) = (0.0, 0usize);
    for (i, &a) in set.iter().enumerate() {
        let sims = model.content.similarities_to(a);
        for &b in &set[i + 1..] {
            sum += 1.0 - sims[b] as f64;
            pairs += 1;
        }
    }
    SetShape {
        maturity: maturity.to_string(),
        titles: set.len(),
        distinct_genres: genres.len(),
        mean_distance: if pairs == 0 { 0.0 } else { sum / pairs as f64 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{tiny_model, tiny_store};

    #[test]
    fn new_viewers_follow_the_seed_and_share_the_worlds_quality() {
        let titles = tiny_store().titles().unwrap();
        let a = new_viewers(&titles, 20, 1);
        let b = new_viewers(&titles, 20, 1);
        let c = new_viewers(&titles, 20, 2);
        let tastes = |p: &Population| {
            p.viewers
                .iter()
                .map(|v| v.taste.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(tastes(&a), tastes(&b));
        assert_ne!(tastes(&a), tastes(&c));
        assert_eq!(
            a.quality,
            Population::generate(POPULATION_SEED, 0, &titles).quality
        );
    }

    #[test]
    fn a_viewer_likes_only_titles_at_or_above_their_bar() {
        let store = tiny_store();
        let model = tiny_model(&store);
        let p = new_viewers(&model.titles, 30, 3);
        let all: Vec<usize> = (0..model.titles.len()).collect();
        for v in &p.viewers {
            let bar = play_bar(&p, v, &model, v.maturity);
            let liked = liked_in(&p, v, &model, &all);
            assert!(
                !liked.is_empty(),
                "the bar is a title's appeal: one reaches it"
            );
            for t in all.iter().filter(|t| !liked.contains(t)) {
                assert!(p.appeal(v, &model.titles[*t]) < bar);
            }
        }
    }

    #[test]
    fn the_report_scores_both_sets_on_the_same_members() {
        let store = tiny_store();
        let model = tiny_model(&store);
        let r = score_sets(&model, 50, 1, 1);
        assert_eq!(r.members, 50);
        for s in [&r.today, &r.cover] {
            assert!((0.0..=1.0).contains(&s.share_with_three), "{s:?}");
            assert!(s.sets.iter().all(|x| x.titles > 0 && x.distinct_genres > 0));
        }
        let gain = r.cover.share_with_three - r.today.share_with_three;
        assert!((r.share_with_three_gain.mean - gain).abs() < 1e-12);
    }
}
