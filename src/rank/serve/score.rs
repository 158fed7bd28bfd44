//! Scoring every title for one page: features, the learned layer (with the
//! config's overrides), calibrated "% Match", eligibility, and turning a
//! scored title into a Page item with its explanation. With an external
//! ranker in the config, this is the one place its scores enter a page:
//! they are placed on Marquee's scale by rank (`external::place`) and every
//! row, search and explanation reads them from here.

use super::artwork::ArtworkChooser;
use super::page::round6;
use crate::rank::eligibility::{may_show, Exclusion};
use crate::rank::external::{self, Answer, Ask, RankerStatus};
use crate::rank::features::{features, Feature, FeatureVec, ProfileSignals, NF};
use crate::rank::top::{best_of, Best};
use crate::rank::{Context, Contribution, Explanation, Item, Model, ProfileState, RankerConfig};
use rayon::prelude::*;
use std::sync::OnceLock;

/// A title's score in parts. The score itself is kept apart
/// (`PageScorer::score`): rows read every title's score many times over, and
/// a dense list of them stays in the cache.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub contributions: [f64; NF],
    pub match_pct: u8,
}

/// Every title's feature vector for this profile in this context: what the
/// learned layer scores, here and in offline evaluation.
pub fn title_features(model: &Model, profile: &ProfileState, ctx: &Context) -> Vec<FeatureVec> {
    let signals = &model.trained.signals;
    let trending = signals.trending_in(&profile.region).0;
    let engagement = profile.engagement();
    let prefs = model.content.preferences(&engagement, profile.newest());
    let ps = ProfileSignals::compute(
        signals,
        &model.content,
        &engagement,
        &prefs,
        model.alpha,
        ctx.now_unix(),
        Some(&model.nearest),
    );
    (0..model.titles.len())
        .into_par_iter()
        .with_min_len(1024)
        .map(|t| features(signals, &ps, trending, model.added[t], t, ctx))
        .collect()
}

pub struct PageScorer<'a> {
    pub model: &'a Model,
    pub profile: &'a ProfileState,
    pub ctx: &'a Context,
    pub config: &'a RankerConfig,
    pub trending: &'a [f32],
    pub regional_trending: bool,
    scores: Vec<f64>,
    pub scored: Vec<Scored>,
    /// Made on the first tile that needs artwork (a simulated session's
    /// sketch of a page never does); the same for any order of asking.
    artwork: OnceLock<ArtworkChooser>,
    seed: u64,
    /// Per title: why it is not a fresh recommendation, if it is not.
    exclusions: Vec<Option<Exclusion>>,
    /// Which external ranker scored this page, or that it failed and Marquee's own scores stand.
    pub ranker: Option<RankerStatus>,
    /// Per title: the external ranker's own answer, when it scored it.
    answers: Vec<Option<Answer>>,
}

impl<'a> PageScorer<'a> {
    pub fn new(
        model: &'a Model,
        profile: &'a ProfileState,
        ctx: &'a Context,
        config: &'a RankerConfig,
        seed: u64,
    ) -> Self {
        let (trending, regional_trending) = model.trained.signals.trending_in(&profile.region);
        let w = model.trained.weights.effective(config);
        let (mut scores, mut scored): (Vec<f64>, Vec<Scored>) = title_features(model, profile, ctx)
            .par_iter()
            .with_min_len(1024)
            .map(|x| {
                let (score, contributions) = model.trained.weights.score(&w, x);
                let parts = Scored {
                    contributions,
                    match_pct: model.trained.calibration.match_pct(score),
                };
                (round6(score), parts)
            })
            .unzip();
        // Untouched titles by rating alone, then what the profile did.
        let mut exclusions: Vec<Option<Exclusion>> = model
            .maturity
            .iter()
            .map(|&rating| Exclusion::of(profile.maturity, rating, None))
            .collect();
        for (&t, st) in &profile.titles {
            exclusions[t] = Exclusion::of(profile.maturity, model.maturity[t], Some(&st.eng));
        }
        let mut answers = vec![];
        let ranker = config.external.as_ref().map(|r| {
            let candidates: Vec<usize> = (0..model.titles.len())
                .filter(|&t| may_show(exclusions[t]))
                .collect();
            let ask = Ask {
                model,
                profile,
                ctx,
                candidates: &candidates,
                want: external::WANT,
            };
            let fallback = match r.score(&ask) {
                Ok(got) => {
                    let ids: Vec<&str> = model.titles.iter().map(|t| t.id.as_str()).collect();
                    for (t, v) in external::place(&scores, &ids, &candidates, &got) {
                        scores[t] = v;
                        scored[t].match_pct = model.trained.calibration.match_pct(v);
                    }
                    answers = vec![None; model.titles.len()];
                    for a in got {
                        let t = a.title;
                        answers[t] = Some(a);
                    }
                    None
                }
                Err(fault) => Some(fault.to_string()),
            };
            RankerStatus {
                source: r.label.clone(),
                fallback,
            }
        });
        PageScorer {
            model,
            profile,
            ctx,
            config,
            trending,
            regional_trending,
            scores,
            scored,
            artwork: OnceLock::new(),
            seed,
            exclusions,
            ranker,
            answers,
        }
    }

    /// The chooser of this page's artwork.
    pub fn artwork(&self) -> &ArtworkChooser {
        self.artwork.get_or_init(|| {
            ArtworkChooser::new(
                self.model,
                self.profile,
                &self.profile.engagement(),
                self.seed,
            )
        })
    }

    /// The external ranker's answer for a title, when it scored this page.
    pub fn answer(&self, t: usize) -> Option<&Answer> {
        self.answers.get(t).and_then(Option::as_ref)
    }

    /// External scores order this page (the ranker answered).
    pub fn is_external(&self) -> bool {
        self.ranker.as_ref().is_some_and(|r| r.fallback.is_none())
    }

    /// The score a tile and an explanation show: the external ranker's own
    /// when it scored the title, else Marquee's.
    pub fn shown_score(&self, t: usize) -> f64 {
        self.answer(t).map_or(self.scores[t], |a| round6(a.score))
    }

    pub fn score(&self, t: usize) -> f64 {
        self.scores[t]
    }

    /// The part of a title's score that is about this profile's taste (CF,
    /// similarity to recent likes, content affinity), without the signals that
    /// lift a title for everyone (popularity, trending, freshness, context).
    pub fn personal(&self, t: usize) -> f64 {
        personal_features()
            .map(|f| self.scored[t].contributions[f.index()])
            .sum()
    }

    /// Candidate generation for the personal rows: the best `per_source`
    /// recommendable titles by each personal source, merged. The learned layer
    /// then orders them, so a new or popular title reaches "Top Picks" only if
    /// some personal source put it forward.
    pub fn personal_candidates(&self, per_source: usize) -> Vec<usize> {
        if self.is_external() {
            // The external ranker is the candidate source: its best titles.
            let pool = (0..self.model.titles.len()).filter(|&t| self.recommendable(t));
            let n = per_source * personal_features().count();
            return self.top_by(pool, |t| self.score(t), n);
        }
        // Every source's best in one pass over the titles' parts.
        let sources: Vec<usize> = personal_features().map(Feature::index).collect();
        let order = |a: &(f64, usize), b: &(f64, usize)| self.best_first(a, b);
        let mut best: Vec<_> = sources
            .iter()
            .map(|_| Best::new(per_source, order))
            .collect();
        for t in (0..self.model.titles.len()).filter(|&t| self.recommendable(t)) {
            let parts = &self.scored[t].contributions;
            for (b, &f) in best.iter_mut().zip(&sources) {
                b.push((parts[f], t));
            }
        }
        let out: std::collections::BTreeSet<usize> = best
            .into_iter()
            .flat_map(|b| b.into_sorted().into_iter().map(|x| x.1))
            .collect();
        out.into_iter().collect()
    }

    /// May this title appear anywhere on this profile's page? (Within the
    /// maturity limit and not thumbed down.)
    pub fn eligible(&self, t: usize) -> bool {
        may_show(self.exclusions[t])
    }

    /// Eligible and not yet watched or rated: a fresh recommendation.
    pub fn recommendable(&self, t: usize) -> bool {
        self.exclusions[t].is_none()
    }

    /// Why this title is not a fresh recommendation, if it is not.
    pub fn exclusion(&self, t: usize) -> Option<Exclusion> {
        self.exclusions[t]
    }

    /// Contributions as the Page carries them: baseline first, then by magnitude.
    pub fn contributions(&self, t: usize) -> Vec<Contribution> {
        if let Some(a) = self.answer(t) {
            return external_contributions(a);
        }
        let s = &self.scored[t];
        let mut v: Vec<Contribution> = Feature::ALL
            .iter()
            .zip(s.contributions)
            .filter(|(_, c)| *c != 0.0)
            .map(|(f, c)| Contribution {
                feature: f.name().to_string(),
                value: round6(c),
            })
            .collect();
        v.sort_by(|a, b| {
            b.value
                .abs()
                .total_cmp(&a.value.abs())
                .then(a.feature.cmp(&b.feature))
        });
        v.insert(
            0,
            Contribution {
                feature: "baseline".into(),
                value: round6(self.model.trained.weights.bias),
            },
        );
        v
    }

    pub fn item(
        &self,
        t: usize,
        reason: String,
        anchor: Option<String>,
        resume: Option<String>,
    ) -> Item {
        let title = &self.model.titles[t];
        let (artwork_id, artwork_reason) = self.artwork().choose(self.model, t);
        let reason = self
            .answer(t)
            .and_then(|a| a.reason.clone())
            .unwrap_or(reason);
        Item {
            title_id: title.id.clone(),
            name: title.name.clone(),
            score: self.shown_score(t),
            match_pct: self.scored[t].match_pct,
            artwork_id,
            explanation: Explanation {
                reason,
                contributions: self.contributions(t),
                anchor,
                exploration: false,
                artwork_reason,
                resume,
            },
        }
    }

    /// Title `t` as a tile with its score and nothing a person reads
    /// (no artwork, reason or contributions): a page's sketch.
    pub fn sketch_item(&self, t: usize) -> Item {
        let title = &self.model.titles[t];
        Item {
            title_id: title.id.clone(),
            name: title.name.clone(),
            score: self.shown_score(t),
            match_pct: self.scored[t].match_pct,
            artwork_id: String::new(),
            explanation: Explanation::default(),
        }
    }

    /// The best `n` of `candidates` by `key`, descending; ties by title id.
    pub fn top_by(
        &self,
        candidates: impl Iterator<Item = usize>,
        key: impl Fn(usize) -> f64,
        n: usize,
    ) -> Vec<usize> {
        best_of(candidates.map(|t| (key(t), t)), n, |a, b| {
            self.best_first(a, b)
        })
        .into_iter()
        .map(|x| x.1)
        .collect()
    }

    /// Higher value first; ties by title id.
    fn best_first(&self, a: &(f64, usize), b: &(f64, usize)) -> std::cmp::Ordering {
        b.0.total_cmp(&a.0).then_with(|| self.model.by_id(a.1, b.1))
    }

    /// The feature that lifts this title most, in words, for item reasons.
    pub fn top_reason(&self, t: usize) -> String {
        if let Some(a) = self.answer(t) {
            return a
                .reason
                .clone()
                .unwrap_or_else(|| "Ranked high by the external ranker".into());
        }
        let s = &self.scored[t];
        let best = Feature::ALL.into_iter().max_by(|&a, &b| {
            s.contributions[a.index()]
                .total_cmp(&s.contributions[b.index()])
                .then(b.cmp(&a))
        });
        best.filter(|f| s.contributions[f.index()] > 0.0)
            .and_then(|f| f.reason(self.ctx.time_of_day, self.ctx.day, self.ctx.device))
            .unwrap_or_else(|| "A good overall match".into())
    }
}

/// An external answer's contributions as the Page carries them: the
/// ranker's named parts (`ranker:NAME`), largest magnitude first, or its
/// whole score as `ranker` when it named none.
fn external_contributions(a: &Answer) -> Vec<Contribution> {
    if a.contributions.is_empty() {
        return vec![Contribution {
            feature: "ranker".into(),
            value: round6(a.score),
        }];
    }
    let mut v: Vec<Contribution> = a
        .contributions
        .iter()
        .map(|(name, value)| Contribution {
            feature: format!("ranker:{name}"),
            value: round6(*value),
        })
        .collect();
    v.sort_by(|a, b| {
        b.value
            .abs()
            .total_cmp(&a.value.abs())
            .then(a.feature.cmp(&b.feature))
    });
    v
}

/// The features about this profile's taste, the personal rows' candidate sources.
fn personal_features() -> impl Iterator<Item = Feature> {
    Feature::ALL.into_iter().filter(|f| f.is_personal())
}

#[cfg(test)]
mod tests {
    use crate::rank::eligibility::Exclusion;
    use crate::rank::features::Feature;
    use crate::testkit::tiny_session;

    #[test]
    fn every_score_is_the_baseline_plus_its_contributions() {
        let s = tiny_session("mia");
        let scorer = s.scorer();
        for t in 0..s.model().titles.len() {
            let sum: f64 = scorer.contributions(t).iter().map(|c| c.value).sum();
            assert!(
                (sum - scorer.score(t)).abs() < 1e-4,
                "title {t}: {sum} vs {}",
                scorer.score(t)
            );
        }
    }

    #[test]
    fn eligibility_follows_the_one_rule() {
        let s = tiny_session("mia");
        let scorer = s.scorer();
        let t = |id: &str| s.model().title_index(id).unwrap();
        assert_eq!(scorer.exclusion(t("c1")), Some(Exclusion::ThumbedDown));
        assert!(!scorer.eligible(t("c1")));
        assert_eq!(scorer.exclusion(t("m2")), Some(Exclusion::Played));
        assert!(scorer.eligible(t("m2")) && !scorer.recommendable(t("m2")));
        assert_eq!(
            scorer.exclusion(t("s2")),
            None,
            "only listed: still a recommendation"
        );
        let kit = tiny_session("kit");
        let kit_scorer = kit.scorer();
        assert_eq!(
            kit_scorer.exclusion(t("m1")),
            Some(Exclusion::AboveMaturity)
        );
    }

    #[test]
    fn the_personal_part_is_the_taste_features_alone() {
        let s = tiny_session("mia");
        let scorer = s.scorer();
        let t = s.model().title_index("m4").unwrap();
        let taste: f64 = scorer
            .contributions(t)
            .iter()
            .filter(|c| Feature::from_name(&c.feature).is_some_and(Feature::is_personal))
            .map(|c| c.value)
            .sum();
        assert!((scorer.personal(t) - taste).abs() < 1e-5);
        assert!(
            scorer.personal(t) > 0.0,
            "a mystery lover's taste lifts a mystery"
        );
    }

    #[test]
    fn a_tiles_reason_names_the_feature_that_lifts_it_most() {
        let s = tiny_session("mia");
        let scorer = s.scorer();
        let t = s.model().title_index("m4").unwrap();
        let best = scorer
            .contributions(t)
            .into_iter()
            .filter(|c| c.feature != "baseline")
            .max_by(|a, b| a.value.total_cmp(&b.value))
            .unwrap();
        let f = Feature::from_name(&best.feature).unwrap();
        assert_eq!(
            Some(scorer.top_reason(t)),
            f.reason(s.ctx().time_of_day, s.ctx().day, s.ctx().device)
        );
    }

    #[test]
    fn a_mystery_lover_scores_a_mystery_above_a_kids_show() {
        let s = tiny_session("mia");
        let scorer = s.scorer();
        let t = |id: &str| s.model().title_index(id).unwrap();
        assert!(scorer.score(t("m4")) > scorer.score(t("k1")));
    }
}
