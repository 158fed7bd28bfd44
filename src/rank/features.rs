//! The ranking layer's features for one profile, context and title, and the
//! linear model over them. Every score is the sum of its contributions (plus
//! the baseline), so every placement can be explained feature by feature.

use crate::catalog::DAY_SECONDS;
use crate::rank::nearest::NearestMemo;
use crate::rank::train::content::ContentIndex;
use crate::rank::train::interactions::{engagement_cells, Engagement};
use crate::rank::train::signals::Signals;
use crate::rank::{Context, RankerConfig};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use super::feature::{Feature, FeatureGroup, NF};

pub type FeatureVec = [f32; NF];

/// Thumbs-down titles (the most recent) that the negative feature measures closeness to.
pub const MAX_DISLIKED_ANCHORS: usize = 100;

/// The per-profile inputs to features, computed once per page.
#[derive(Debug, Clone)]
pub struct ProfileSignals {
    pub cf: Vec<f32>,
    pub similar: Vec<f32>,
    pub affinity: Vec<f32>,
    pub negative: Vec<f32>,
}

impl ProfileSignals {
    /// `engagement`: title index → what the profile did; `affinity`: its content preferences.
    pub fn compute(
        signals: &Signals,
        content: &ContentIndex,
        engagement: &BTreeMap<u32, Engagement>,
        affinity: &[f32],
        alpha: f32,
        now: i64,
        memo: Option<&NearestMemo>,
    ) -> ProfileSignals {
        let n = signals.popularity.len();
        let cells = engagement_cells(engagement, alpha);
        let cf = if cells.is_empty() {
            vec![0.0; n]
        } else {
            signals.als.scores(&signals.fold_in(&cells)).to_vec()
        };
        complete_with_cf(signals, content, engagement, affinity, now, cf, memo)
    }

    /// The same signals at `titles` only, the same numbers bit for bit;
    /// every other title reads 0. Fitting the layer reads a dozen titles per
    /// member, where every title's signals would cost thousands of times more.
    pub fn compute_at(
        signals: &Signals,
        content: &ContentIndex,
        engagement: &BTreeMap<u32, Engagement>,
        affinity: &[f32],
        alpha: f32,
        now: i64,
        titles: &[usize],
    ) -> ProfileSignals {
        let n = signals.popularity.len();
        let mut p = ProfileSignals {
            cf: vec![0.0; n],
            similar: vec![0.0; n],
            affinity: vec![0.0; n],
            negative: vec![0.0; n],
        };
        let cells = engagement_cells(engagement, alpha);
        let user = (!cells.is_empty()).then(|| signals.fold_in(&cells));
        let liked = recent_liked(engagement, now);
        let liked_titles: Vec<usize> = liked.iter().map(|&(l, _)| l).collect();
        let disliked = recent_disliked(engagement);
        let nearest = |anchors: &[usize], t: usize| {
            anchors.iter().fold(0.0f32, |best, &a| {
                best.max(closeness_at(signals, content, a, t))
            })
        };
        for &t in titles {
            if let Some(user) = &user {
                p.cf[t] = signals.als.score_at(user, t);
            }
            if !liked.is_empty() {
                p.similar[t] = signals.item_model.score_at(&liked, t);
            }
            p.affinity[t] = content.affinity(affinity, t);
            if !disliked.is_empty() {
                p.negative[t] = (nearest(&disliked, t) - nearest(&liked_titles, t)).max(0.0);
            }
        }
        p
    }
}

/// Recent positives weigh more; weights sum to 1 so the scale is the same for every profile.
fn recent_liked(engagement: &BTreeMap<u32, Engagement>, now: i64) -> Vec<(usize, f32)> {
    let mut liked: Vec<(usize, f32, i64)> = engagement
        .iter()
        .filter(|(_, g)| g.is_positive())
        .map(|(&t, g)| {
            let age_days = (now - g.last_at).max(0) as f32 / DAY_SECONDS as f32;
            let strength = if g.love {
                2.0
            } else if g.up {
                1.5
            } else {
                1.0
            };
            (
                t as usize,
                strength * (0.3 + 0.7 * (-age_days / 60.0).exp()),
                g.last_at,
            )
        })
        .collect();
    liked.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    liked.truncate(50);
    let total: f32 = liked.iter().map(|x| x.1).sum();
    liked
        .into_iter()
        .map(|(t, w, _)| (t, w / total.max(1e-9)))
        .collect()
}

/// The thumbed-down titles the negative signal measures closeness to: the
/// most recent count; older ones have faded (and a profile with thousands
/// would make every page slow).
fn recent_disliked(engagement: &BTreeMap<u32, Engagement>) -> Vec<usize> {
    let mut downs: Vec<(i64, usize)> = engagement
        .iter()
        .filter(|(_, g)| g.down)
        .map(|(&t, g)| (g.last_at, t as usize))
        .collect();
    downs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    downs
        .into_iter()
        .take(MAX_DISLIKED_ANCHORS)
        .map(|x| x.1)
        .collect()
}

/// The rest of a profile's signals around its CF scores: similarity to
/// recent likes, content affinity and closeness to thumbs-downs (the
/// anchors' maxima kept in `memo` between pages, when given).
fn complete_with_cf(
    signals: &Signals,
    content: &ContentIndex,
    engagement: &BTreeMap<u32, Engagement>,
    affinity: &[f32],
    now: i64,
    cf: Vec<f32>,
    memo: Option<&NearestMemo>,
) -> ProfileSignals {
    let n = signals.popularity.len();
    let liked = recent_liked(engagement, now);
    let similar = if liked.is_empty() {
        vec![0.0; n]
    } else {
        signals.item_model_scores(&liked)
    };
    let affinity_scores = (0..n)
        .into_par_iter()
        .with_min_len(1024)
        .map(|t| content.affinity(affinity, t))
        .collect();
    // How much closer a title is to something thumbed down than to anything
    // liked. Plain closeness to a dislike predicts *more* plays (a viewer only
    // watches, and so dislikes, titles inside their taste); the margin over
    // the liked titles isolates the dislike.
    let disliked = recent_disliked(engagement);
    let mut negative = vec![0.0f32; n];
    if !disliked.is_empty() {
        let own = NearestMemo::default();
        let memo = memo.unwrap_or(&own);
        let row = |a: usize, row: &mut [f32]| closeness_into(signals, content, a, row);
        let to_dislike = memo.nearest(&disliked, n, row);
        let liked: Vec<usize> = liked.iter().map(|&(l, _)| l).collect();
        let to_like = memo.nearest(&liked, n, row);
        for (t, neg) in negative.iter_mut().enumerate() {
            *neg = (to_dislike[t] - to_like[t]).max(0.0);
        }
    }
    ProfileSignals {
        cf,
        similar,
        affinity: affinity_scores,
        negative,
    }
}

/// Closeness of every title to `anchor`: content similarity blended with
/// co-engagement (the anchor's neighbour list), one dense row into `row`.
fn closeness_into(signals: &Signals, content: &ContentIndex, anchor: usize, row: &mut [f32]) {
    content.similarities_into(anchor, row);
    for s in row.iter_mut() {
        *s *= 0.6;
    }
    for (b, w) in signals.neighbours.get(anchor) {
        row[b as usize] += 0.4 * w;
    }
}

/// [`closeness_into`]'s value at title `t` alone, the same number.
fn closeness_at(signals: &Signals, content: &ContentIndex, anchor: usize, t: usize) -> f32 {
    let mut s = content.similarity(anchor, t) * 0.6;
    for (b, w) in signals.neighbours.get(anchor) {
        if b as usize == t {
            s += 0.4 * w;
        }
    }
    s
}

/// A title's freshness on the service: 1 on the day it was added, 0 after 60 days.
pub fn freshness(added_unix: i64, now: i64) -> f32 {
    let age_days = (now - added_unix) as f32 / DAY_SECONDS as f32;
    if (0.0..60.0).contains(&age_days) {
        1.0 - age_days / 60.0
    } else {
        0.0
    }
}

/// The feature vector of title `t`.
pub fn features(
    signals: &Signals,
    p: &ProfileSignals,
    trending: &[f32],
    added_unix: i64,
    t: usize,
    ctx: &Context,
) -> FeatureVec {
    Feature::ALL.map(|f| match f {
        Feature::CfScore => p.cf[t],
        Feature::SimilarToRecent => p.similar[t],
        Feature::ContentAffinity => p.affinity[t],
        Feature::Popularity => signals.popularity[t],
        Feature::Trending => trending.get(t).copied().unwrap_or(0.0),
        Feature::Freshness => freshness(added_unix, ctx.now_unix()),
        Feature::Completion => signals.completion[t],
        Feature::TimeOfDayMatch => signals.tod_lift[t][ctx.time_of_day.index()],
        Feature::DeviceMatch => signals.device_lift[t][ctx.device.index()],
        Feature::NegativeFeedback => p.negative[t],
        Feature::DayOfWeekMatch => signals.day_lift.get(t).map_or(0.0, |d| d[ctx.day.index()]),
    })
}

/// The learned linear ranking layer over standardised features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub bias: f64,
    pub mean: [f64; NF],
    pub std: [f64; NF],
    /// Per standardised feature.
    pub w: [f64; NF],
}

impl Weights {
    /// The weights in force under a config (overrides and ablations applied).
    pub fn effective(&self, config: &RankerConfig) -> [f64; NF] {
        let mut w = self.w;
        for f in Feature::ALL {
            w[f.index()] = config.effective_weight(f.name(), w[f.index()]);
        }
        w
    }

    /// Score and each feature's contribution; score = bias + Σ contributions.
    pub fn score(&self, w: &[f64; NF], x: &FeatureVec) -> (f64, [f64; NF]) {
        let mut c = [0.0; NF];
        let mut s = self.bias;
        for i in 0..NF {
            c[i] = w[i] * (x[i] as f64 - self.mean[i]) / self.std[i];
            s += c[i];
        }
        (s, c)
    }

    /// Weights as a name → value map, for reports.
    pub fn named(&self) -> BTreeMap<String, f64> {
        Feature::ALL
            .iter()
            .zip(self.w)
            .map(|(f, w)| (f.name().to_string(), w))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::tiny_session;

    #[test]
    fn freshness_fades_over_sixty_days_and_is_zero_before_a_title_is_added() {
        let day = DAY_SECONDS;
        assert_eq!(freshness(0, 0), 1.0);
        assert!((freshness(0, 30 * day) - 0.5).abs() < 1e-6);
        assert_eq!(freshness(0, 60 * day), 0.0);
        assert_eq!(freshness(10 * day, 0), 0.0);
    }

    #[test]
    fn each_feature_sits_at_its_own_index() {
        let s = tiny_session("mia");
        let model = s.model();
        let x = crate::rank::title_features(model, s.profile(), s.ctx());
        let signals = &model.trained.signals;
        for (t, xt) in x.iter().enumerate() {
            assert_eq!(xt[Feature::Popularity.index()], signals.popularity[t]);
            assert_eq!(xt[Feature::Completion.index()], signals.completion[t]);
        }
        let c1 = model.title_index("c1").unwrap();
        assert!(x[c1][Feature::CfScore.index()].is_finite());
    }

    #[test]
    fn a_few_titles_signals_are_their_signals_among_all() {
        let mut s = tiny_session("mia");
        // A thumbs-down and a like beside mia's own, so every signal is made.
        s.feedback("s1", crate::catalog::Action::Down, 0.0, None)
            .unwrap();
        s.feedback("c2", crate::catalog::Action::Up, 0.0, None)
            .unwrap();
        let model = s.model();
        let signals = &model.trained.signals;
        let engagement = s.profile().engagement();
        let now = s.profile().newest();
        let prefs = model.content.preferences(&engagement, now);
        let (content, alpha) = (&model.content, model.alpha);
        let all = ProfileSignals::compute(signals, content, &engagement, &prefs, alpha, now, None);
        let few = [1, 4, 7, model.titles.len() - 1];
        let at =
            ProfileSignals::compute_at(signals, content, &engagement, &prefs, alpha, now, &few);
        assert!(all.negative.iter().any(|&x| x > 0.0), "the dislike counts");
        for t in 0..model.titles.len() {
            let got = [at.cf[t], at.similar[t], at.affinity[t], at.negative[t]];
            let whole = [all.cf[t], all.similar[t], all.affinity[t], all.negative[t]];
            let want = if few.contains(&t) { whole } else { [0.0; 4] };
            assert_eq!(got.map(f32::to_bits), want.map(f32::to_bits), "title {t}");
        }
    }

    #[test]
    fn a_config_override_and_an_ablation_reach_the_effective_weights() {
        let s = tiny_session("mia");
        let weights = &s.model().trained.weights;
        let mut config = RankerConfig::default();
        config.weights.insert("popularity".into(), 0.9);
        config.ablate.push("trending".into());
        let w = weights.effective(&config);
        assert_eq!(w[Feature::Popularity.index()], 0.9);
        assert_eq!(w[Feature::Trending.index()], 0.0);
        assert_eq!(
            w[Feature::CfScore.index()],
            weights.w[Feature::CfScore.index()]
        );
    }
}
