//! Choosing each title's artwork for a profile: the variant it played the
//! title from if there is one; otherwise a Thompson sample per variant from
//! Beta posteriors of the profile's (and its nearest viewers') responses to
//! artwork themes, so well-liked themes win most of the time and others
//! still get tried. A theme's failures are the plays other themes won plus
//! the profile's impressions of that theme passed over (shown and not
//! played), so a theme shown often and never taken loses ground.

use crate::catalog::ArtworkTheme;
use crate::rank::train::interactions::{engagement_cells, Engagement};
use crate::rank::{Model, ProfileState};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution};
use std::collections::BTreeMap;

/// Nearest viewers whose artwork responses inform a profile's.
const NEIGHBOURS: usize = 20;
/// How much one neighbour's response counts against one of the profile's own.
const NEIGHBOUR_WEIGHT: f64 = 0.25;

/// How much one impression passed over counts against its theme, against a
/// play won by another theme's 1 (most tiles shown are passed over for
/// reasons that are not the artwork).
pub const PASSED_OVER_WEIGHT: f64 = 0.1;

pub struct ArtworkChooser {
    hits: [f64; 10],
    total: f64,
    /// Impressions of each theme passed over, weighted by [`PASSED_OVER_WEIGHT`].
    passed: [f64; 10],
    own: BTreeMap<usize, String>,
    seed: u64,
}

impl ArtworkChooser {
    pub fn new(
        model: &Model,
        profile: &ProfileState,
        engagement: &BTreeMap<u32, Engagement>,
        seed: u64,
    ) -> ArtworkChooser {
        let mut hits = [0.0; 10];
        let mut own = BTreeMap::new();
        for (&t, s) in &profile.titles {
            if let Some(id) = &s.artwork_id {
                if let Some(a) = model.titles[t].artwork.iter().find(|a| &a.id == id) {
                    hits[a.theme.index()] += 1.0;
                    own.insert(t, id.clone());
                }
            }
        }
        let signals = &model.trained.signals;
        let cells = engagement_cells(engagement, model.alpha);
        if !cells.is_empty() && signals.als.user.nrows() == signals.member_themes.len() {
            let x = signals.fold_in(&cells);
            for m in signals.als.nearest_users(&x, NEIGHBOURS) {
                for (h, &c) in hits.iter_mut().zip(&signals.member_themes[m]) {
                    *h += NEIGHBOUR_WEIGHT * c as f64;
                }
            }
        }
        let total = hits.iter().sum();
        let passed = profile.passed.themes.map(|n| PASSED_OVER_WEIGHT * n);
        ArtworkChooser {
            hits,
            total,
            passed,
            own,
            seed,
        }
    }

    /// (artwork id, reason) for title `t`.
    pub fn choose(&self, model: &Model, t: usize) -> (String, String) {
        let title = &model.titles[t];
        if let Some(id) = self.own.get(&t) {
            return (id.clone(), "the artwork you played it from".into());
        }
        if title.artwork.len() == 1 {
            return (
                title.artwork[0].id.clone(),
                "the title's only artwork".into(),
            );
        }
        let mut rng =
            ChaCha8Rng::seed_from_u64(self.seed ^ (t as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let misses = |theme: ArtworkTheme| {
            let i = theme.index();
            (self.total - self.hits[i]).max(0.0) + self.passed[i]
        };
        let posterior = |theme: ArtworkTheme| {
            Beta::new(1.0 + self.hits[theme.index()], 1.0 + misses(theme))
                .expect("Beta parameters are positive")
        };
        let mean = |theme: ArtworkTheme| {
            let h = self.hits[theme.index()];
            (1.0 + h) / (2.0 + h + misses(theme))
        };
        let sampled = title
            .artwork
            .iter()
            .map(|a| (posterior(a.theme).sample(&mut rng), a))
            .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.id.cmp(&x.1.id)))
            .expect("at least two variants");
        let best = title
            .artwork
            .iter()
            .max_by(|x, y| {
                mean(x.theme)
                    .total_cmp(&mean(y.theme))
                    .then(y.id.cmp(&x.id))
            })
            .expect("at least two variants");
        let a = sampled.1;
        let theme = a.theme.as_str();
        let reason = if a.id != best.id {
            format!(
                "exploring {theme} artwork (a Thompson sample; {} usually wins for you)",
                best.theme.as_str()
            )
        } else if self.total < 1.0 && self.passed[a.theme.index()] == 0.0 {
            format!("{theme} artwork: no responses to learn from yet")
        } else {
            let passed = self.passed[a.theme.index()] / PASSED_OVER_WEIGHT;
            let passes = if passed >= 0.5 {
                format!(
                    "; you passed over it {}",
                    crate::text::count(passed.round() as u64, "time", "times")
                )
            } else {
                String::new()
            };
            // Whole numbers as `{:.0}` would round them (ties to even), without
            // its exact decimal expansion, which is slow on every tile.
            let whole = |x: f64| x.round_ties_even() as i64;
            format!(
                "{theme} artwork: you and similar viewers responded to it {} times of {}{passes}",
                whole(self.hits[a.theme.index()]),
                whole(self.total)
            )
        };
        (a.id.clone(), reason)
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::tiny_session;

    #[test]
    fn a_title_played_from_an_artwork_keeps_it_and_others_follow_the_seed() {
        let s = tiny_session("mia");
        let model = s.model();
        let scorer = s.scorer();
        let m2 = model.title_index("m2").unwrap();
        assert_eq!(scorer.artwork().choose(model, m2).0, "m2-a1");
        let m4 = model.title_index("m4").unwrap();
        let (id, reason) = scorer.artwork().choose(model, m4);
        assert!(model.titles[m4].artwork.iter().any(|a| a.id == id));
        assert!(!reason.is_empty());
        assert_eq!(
            s.scorer().artwork().choose(model, m4).0,
            id,
            "same seed, same choice"
        );
    }

    #[test]
    fn a_theme_shown_and_passed_over_loses_to_the_other_variant() {
        use crate::catalog::ArtworkTheme;
        use crate::testkit::{log_shown, session_on, tiny_store};
        // How often each theme of c1 is chosen over seeds, for a session.
        let faces_share = |s: &crate::session::Session, theme: ArtworkTheme| {
            let model = s.model();
            let c1 = model.title_index("c1").unwrap();
            (0..200u64)
                .filter(|&seed| {
                    let chooser = super::ArtworkChooser::new(
                        model,
                        s.profile(),
                        &s.profile().engagement(),
                        seed,
                    );
                    let id = chooser.choose(model, c1).0;
                    model.titles[c1]
                        .artwork
                        .iter()
                        .any(|a| a.id == id && a.theme == theme)
                })
                .count()
        };
        let plain = tiny_session("mia");
        let c1 = plain.model().title_index("c1").unwrap();
        let first = plain.model().titles[c1].artwork[0].theme;
        let before = faces_share(&plain, first);
        // Twenty page views showed c1 with its first artwork; none was played.
        let mut store = tiny_store();
        log_shown(&mut store, "mia", &["c1"], 20);
        let s = session_on(store, "mia");
        assert_eq!(s.profile().passed.themes[first.index()], 20.0);
        let after = faces_share(&s, first);
        assert!(
            after < before,
            "{first:?} artwork chosen {after} times in 200 after 20 passes, {before} before"
        );
        let (_, reason) = s.scorer().artwork().choose(s.model(), c1);
        assert!(!reason.is_empty());
    }
}
