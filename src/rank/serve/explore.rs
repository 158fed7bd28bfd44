//! Exploration: a seeded contextual Thompson-sampling bandit over genres.
//! Each genre's interest for this profile is a Beta posterior built from
//! its likes and dislikes in that genre (likes in the current time of day
//! count extra; a tile shown and passed over counts as a fraction of a
//! dislike); genres are drawn from the posteriors, and the best
//! unseen title of a drawn genre that the page does not already show is
//! placed as an exploratory item. The same seed draws the same titles.

use super::score::PageScorer;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution};
use std::collections::{BTreeMap, BTreeSet};

/// How much one impression passed over counts against its genre, against a
/// dislike's 1: a viewer passes over most of what a page shows for reasons
/// that have nothing to do with the genre (they had already chosen, the tile
/// was at the edge), so it is weak evidence, but many of them are not.
pub const PASSED_OVER_WEIGHT: f64 = 0.1;

/// One exploratory pick and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplorePick {
    pub title: usize,
    pub genre: String,
    pub sampled: f64,
    pub likes: f64,
    /// Dislikes in the genre, with its impressions passed over weighed in.
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
    for (&t, &n) in &s.profile.passed.titles {
        if let Some(g) = model.titles[t].genres.first() {
            *dislikes.entry(g).or_default() += PASSED_OVER_WEIGHT * n as f64;
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
    // A pick belongs to its own genre only, so one genre's pick never
    // changes another's best; only the genres drawn are looked at.
    let mut picks = vec![];
    for (sampled, g) in draws {
        if picks.len() >= n {
            break;
        }
        let pool = model
            .led_by
            .get(g)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&t| s.recommendable(t) && !shown.contains(&t));
        if let Some(&t) = s.top_by(pool, |t| s.score(t), 1).first() {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::tiny_session;

    #[test]
    fn picks_are_new_to_the_page_allowed_and_follow_the_seed() {
        let s = tiny_session("mia");
        let scorer = s.scorer();
        let shown: BTreeSet<usize> = [0, 1].into();
        let a = explore_picks(&scorer, &shown, 3, 11);
        assert!(!a.is_empty());
        for p in &a {
            assert!(!shown.contains(&p.title));
            assert!(
                scorer.recommendable(p.title),
                "{} is not a fresh pick",
                p.title
            );
            assert_eq!(
                s.model().titles[p.title].genres.first(),
                Some(&p.genre),
                "a pick is from the genre drawn"
            );
        }
        assert_eq!(a, explore_picks(&scorer, &shown, 3, 11));
        assert!(explore_picks(&scorer, &shown, 0, 11).is_empty());
    }

    #[test]
    fn a_genre_shown_and_passed_over_is_drawn_less() {
        use crate::testkit::{log_shown, session_on, tiny_store};
        let comedy_drawn = |s: &crate::session::Session| {
            (0..200)
                .filter(|&seed| {
                    explore_picks(&s.scorer(), &BTreeSet::new(), 1, seed)
                        .iter()
                        .any(|p| p.genre == "comedy")
                })
                .count()
        };
        let without = comedy_drawn(&tiny_session("mia"));
        let mut store = tiny_store();
        log_shown(&mut store, "mia", &["c1", "c2", "c3"], 10);
        let s = session_on(store, "mia");
        assert_eq!(
            s.profile().passed.titles.len(),
            3,
            "30 comedy impressions, none played"
        );
        let pick = explore_picks(&s.scorer(), &BTreeSet::new(), 4, 11);
        if let Some(p) = pick.iter().find(|p| p.genre == "comedy") {
            assert!(p.dislikes >= 30.0 * PASSED_OVER_WEIGHT - 1e-9);
        }
        let with_passes = comedy_drawn(&s);
        assert!(
            with_passes < without,
            "comedy drawn first {with_passes} times in 200 after 30 passes, {without} before"
        );
    }
}
