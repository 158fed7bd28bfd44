//! Choosing each title's artwork for a profile: the variant it played the
//! title from if there is one; otherwise a Thompson sample per variant from
//! Beta posteriors of the profile's (and its nearest viewers') responses to
//! artwork themes, so well-liked themes win most of the time and others
//! still get tried.

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

pub struct ArtworkChooser {
    hits: [f64; 10],
    total: f64,
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
            let xn = x.dot(&x).sqrt().max(1e-9);
            let mut sims: Vec<(f32, usize)> = signals
                .als
                .user
                .rows()
                .into_iter()
                .enumerate()
                .map(|(m, u)| (u.dot(&x) / (u.dot(&u).sqrt().max(1e-9) * xn), m))
                .collect();
            sims.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            for &(_, m) in sims.iter().take(NEIGHBOURS) {
                for (h, &c) in hits.iter_mut().zip(&signals.member_themes[m]) {
                    *h += NEIGHBOUR_WEIGHT * c as f64;
                }
            }
        }
        let total = hits.iter().sum();
        ArtworkChooser {
            hits,
            total,
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
        let posterior = |theme: ArtworkTheme| {
            let h = self.hits[theme.index()];
            Beta::new(1.0 + h, 1.0 + (self.total - h).max(0.0))
                .expect("Beta parameters are positive")
        };
        let mean = |theme: ArtworkTheme| (1.0 + self.hits[theme.index()]) / (2.0 + self.total);
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
        } else if self.total < 1.0 {
            format!("{theme} artwork: no responses to learn from yet")
        } else {
            format!(
                "{theme} artwork: you and similar viewers responded to it {:.0} times of {:.0}",
                self.hits[a.theme.index()],
                self.total
            )
        };
        (a.id.clone(), reason)
    }
}
