//! Exploration: a seeded contextual Thompson-sampling bandit over genres.
//! Each genre's interest for this profile is a Beta posterior built from
//! its likes and dislikes in that genre (likes in the current time of day
//! count extra); genres are drawn from the posteriors, and the best
//! unseen title of a drawn genre that the page does not already show is
//! placed as an exploratory item. The same seed draws the same titles.

use super::score::PageScorer;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution};
use std::collections::{BTreeMap, BTreeSet};

/// One exploratory pick and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplorePick {
    pub title: usize,
    pub genre: String,
    pub sampled: f64,
    pub likes: f64,
    pub dislikes: f64,
}

/// Draw up to `n` exploratory titles not in `shown`.
pub fn explore_picks(
    s: &PageScorer,
    shown: &BTreeSet<usize>,
    n: usize,
    seed: u64,
) -> Vec<ExplorePick> {
    if n == 0 {
        return vec![];
    }
    let model = s.model;
    let mut likes: BTreeMap<&str, f64> = BTreeMap::new();
    let mut dislikes: BTreeMap<&str, f64> = BTreeMap::new();
    for (&t, st) in &s.profile.titles {
        let Some(g) = model.titles[t].genres.first() else {
            continue;
        };
        let same_time = crate::rank::TimeOfDay::of_event(st.last_at(), 0) == s.ctx.time_of_day;
        if st.is_positive() {
            *likes.entry(g).or_default() += if same_time { 1.5 } else { 1.0 };
        } else {
            *dislikes.entry(g).or_default() += 1.0;
        }
    }
    // The genres the page already leads with are not exploration.
    let mut shown_genres: BTreeMap<&str, usize> = BTreeMap::new();
    for &t in shown {
        if let Some(g) = model.titles[t].genres.first() {
            *shown_genres.entry(g).or_default() += 1;
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xE8_B1_0E);
    let mut draws: Vec<(f64, &str)> = model
        .genres
        .keys()
        .filter(|g| shown_genres.get(g.as_str()).copied().unwrap_or(0) < 3)
        .map(|g| {
            let (a, b) = (
                1.0 + likes.get(g.as_str()).copied().unwrap_or(0.0),
                1.0 + dislikes.get(g.as_str()).copied().unwrap_or(0.0),
            );
            (
                Beta::new(a, b)
                    .expect("positive parameters")
                    .sample(&mut rng),
                g.as_str(),
            )
        })
        .collect();
    draws.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let mut picks = vec![];
    let mut taken = shown.clone();
    for (sampled, g) in draws {
        if picks.len() >= n {
            break;
        }
        let best = s.top_by(
            (0..model.titles.len()).filter(|&t| {
                s.recommendable(t)
                    && !taken.contains(&t)
                    && model.titles[t].genres.first().map(String::as_str) == Some(g)
            }),
            |t| s.score(t),
            1,
        );
        if let Some(&t) = best.first() {
            taken.insert(t);
            picks.push(ExplorePick {
                title: t,
                genre: g.to_string(),
                sampled: (sampled * 1000.0).round() / 1000.0,
                likes: likes.get(g).copied().unwrap_or(0.0),
                dislikes: dislikes.get(g).copied().unwrap_or(0.0),
            });
        }
    }
    picks
}
