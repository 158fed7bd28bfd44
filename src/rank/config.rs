//! The ranker configuration file (`sample-catalog/ranker.json` is the
//! default): training hyper-parameters, exploration share, diversity
//! penalties, and overrides or ablations of the learned feature weights.
//! The page records its name and a hash, so a page says what built it.

use super::feature::Feature;
use crate::catalog::{parse_json, CatalogError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankerConfig {
    pub name: String,
    /// Feature → weight, replacing the learned weight (in standardised units).
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// Features whose weight is set to zero.
    #[serde(default)]
    pub ablate: Vec<String>,
    /// Share of visible slots given to exploration, 0–0.5.
    #[serde(default = "default_exploration")]
    pub exploration_share: f64,
    /// Tiles per row.
    #[serde(default = "default_row_items")]
    pub row_items: usize,
    #[serde(default)]
    pub training: TrainingParams,
    #[serde(default)]
    pub diversity: DiversityParams,
}

/// A re-weighted EASE (see `Ease::train_weighted`): λ on the diagonal, each
/// user's row scaled by (n_u / mean n)^user_exponent and each item's column by
/// (n_i / mean n)^item_exponent, each positive by its confidence, and pairs
/// taken up close together in time counted more. Chosen on validation splits
/// cut from ml-100k's training part (see README, "Evaluating the ranker").
/// The ranker's "because you watched" neighbours and similar-to-recent
/// scores come from it, and `marquee eval --train/--test` runs it alone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemModelParams {
    pub lambda: f32,
    pub user_exponent: f32,
    pub item_exponent: f32,
    /// Extra confidence per star above the lowest positive rating (a five-star
    /// positive counts 1.25 when positives start at four).
    #[serde(default = "default_rating_weight")]
    pub rating_weight: f32,
    /// γ: how much more a pair taken up in one sitting counts (0 = not at all).
    #[serde(default = "default_session_weight")]
    pub session_weight: f32,
    /// τ: the time scale of a sitting, in seconds.
    #[serde(default = "default_session_seconds")]
    pub session_seconds: f32,
}

fn default_rating_weight() -> f32 {
    0.25
}

fn default_session_weight() -> f32 {
    0.5
}

fn default_session_seconds() -> f32 {
    300.0
}

impl ItemModelParams {
    /// A one-line name for reports, e.g. "EASE (λ 250)" for plain EASE.
    pub fn describe(&self) -> String {
        let mut parts = vec![format!("λ {}", self.lambda)];
        if self.user_exponent != 0.0 || self.item_exponent != 0.0 {
            parts.push(format!(
                "users^{} items^{}",
                self.user_exponent, self.item_exponent
            ));
        }
        if self.rating_weight != 0.0 {
            parts.push(format!("+{} per star", self.rating_weight));
        }
        if self.session_weight != 0.0 {
            parts.push(format!(
                "sessions γ {} τ {} s",
                self.session_weight, self.session_seconds
            ));
        }
        format!("EASE ({})", parts.join(", "))
    }

    /// Plain EASE with this λ: no re-weighting, no confidence, no session term.
    pub fn plain(lambda: f32) -> ItemModelParams {
        ItemModelParams {
            lambda,
            user_exponent: 0.0,
            item_exponent: 0.0,
            rating_weight: 0.0,
            session_weight: 0.0,
            session_seconds: default_session_seconds(),
        }
    }
}

impl Default for ItemModelParams {
    fn default() -> Self {
        ItemModelParams {
            lambda: 300.0,
            user_exponent: -0.2,
            item_exponent: -0.25,
            rating_weight: default_rating_weight(),
            session_weight: default_session_weight(),
            session_seconds: default_session_seconds(),
        }
    }
}

/// What training depends on; changing only these retrains the model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingParams {
    pub factors: usize,
    pub iterations: usize,
    pub lambda: f32,
    /// Confidence scale of implicit feedback.
    pub alpha: f32,
    /// The collaborative item model (EASE); the tuned defaults when absent.
    #[serde(default)]
    pub item_model: ItemModelParams,
    /// Days at the end of the log used to fit the ranking layer.
    pub holdout_days: i64,
    pub seed: u64,
}

impl Default for TrainingParams {
    fn default() -> Self {
        TrainingParams {
            factors: 32,
            iterations: 10,
            lambda: 0.1,
            alpha: 6.0,
            item_model: ItemModelParams::default(),
            holdout_days: 21,
            seed: 11,
        }
    }
}

/// Row-order penalties for repeating what rows above already show.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiversityParams {
    /// Per share of a row's visible titles already shown above.
    pub repeat_title: f64,
    /// Per share of a row's leading genres already leading rows above.
    pub repeat_genre: f64,
}

impl Default for DiversityParams {
    fn default() -> Self {
        DiversityParams {
            repeat_title: 0.6,
            repeat_genre: 0.25,
        }
    }
}

fn default_exploration() -> f64 {
    0.1
}

fn default_row_items() -> usize {
    12
}

impl Default for RankerConfig {
    fn default() -> Self {
        RankerConfig::from_json(
            "<sample>/ranker.json",
            include_str!("../../sample-catalog/ranker.json"),
        )
        .expect("the bundled ranker.json is valid (checked by a test)")
    }
}

impl RankerConfig {
    /// Parse and check a config file's text; errors name the file, JSON path and problem.
    pub fn from_json(label: &str, text: &str) -> Result<RankerConfig, CatalogError> {
        let c: RankerConfig = parse_json(label, text)?;
        c.check(label)?;
        Ok(c)
    }

    pub fn load(path: &std::path::Path) -> Result<RankerConfig, CatalogError> {
        let label = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| CatalogError::new(&label, "", format!("cannot read the file: {e}")))?;
        RankerConfig::from_json(&label, &text)
    }

    fn check(&self, label: &str) -> Result<(), CatalogError> {
        let known = |f: &str| Feature::from_name(f).is_some();
        for (f, w) in &self.weights {
            if !known(f) {
                return Err(CatalogError::new(
                    label,
                    format!("$.weights.{f}"),
                    format!("unknown feature {f:?}; known: {}", Feature::known_names()),
                ));
            }
            if !w.is_finite() {
                return Err(CatalogError::new(
                    label,
                    format!("$.weights.{f}"),
                    "must be a finite number",
                ));
            }
        }
        for (i, f) in self.ablate.iter().enumerate() {
            if !known(f) {
                return Err(CatalogError::new(
                    label,
                    format!("$.ablate[{i}]"),
                    format!("unknown feature {f:?}; known: {}", Feature::known_names()),
                ));
            }
        }
        if !(0.0..=0.5).contains(&self.exploration_share) {
            return Err(CatalogError::new(
                label,
                "$.exploration_share",
                format!("{} is not between 0 and 0.5", self.exploration_share),
            ));
        }
        if !(1..=50).contains(&self.row_items) {
            return Err(CatalogError::new(
                label,
                "$.row_items",
                format!("{} is not between 1 and 50", self.row_items),
            ));
        }
        let t = &self.training;
        if !(1..=256).contains(&t.factors)
            || !(1..=100).contains(&t.iterations)
            || t.lambda <= 0.0
            || t.alpha < 0.0
            || t.holdout_days < 1
        {
            return Err(CatalogError::new(
                label,
                "$.training",
                "factors 1–256, iterations 1–100, lambda > 0, alpha ≥ 0, holdout_days ≥ 1",
            ));
        }
        let im = &t.item_model;
        let exponent = |x: f32| (-2.0..=2.0).contains(&x);
        if !(im.lambda > 0.0
            && exponent(im.user_exponent)
            && exponent(im.item_exponent)
            && im.rating_weight >= 0.0
            && im.session_weight >= 0.0
            && im.session_seconds > 0.0)
        {
            return Err(CatalogError::new(label, "$.training.item_model", "lambda > 0, user_exponent and item_exponent in −2…2, rating_weight ≥ 0, session_weight ≥ 0, session_seconds > 0"));
        }
        Ok(())
    }

    /// First 12 hex digits of SHA-256 over the canonical JSON.
    pub fn hash(&self) -> String {
        short_hash(&serde_json::to_vec(self).expect("config serialises"))
    }

    /// The hash of what training depends on.
    pub fn training_hash(&self) -> String {
        short_hash(&serde_json::to_vec(&self.training).expect("params serialise"))
    }

    /// The weight used for a feature: the override, else the learned one; zero if ablated.
    pub fn effective_weight(&self, feature: &str, learned: f64) -> f64 {
        if self.ablate.iter().any(|f| f == feature) {
            0.0
        } else {
            self.weights.get(feature).copied().unwrap_or(learned)
        }
    }
}

pub fn short_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_config_is_valid() {
        let c = RankerConfig::default();
        assert_eq!(c.name, "default");
        assert_eq!(c.hash().len(), 12);
    }

    /// ranker.json spells the defaults out for people who copy it; a config
    /// that leaves a section out gets the code's. The two must not drift.
    #[test]
    fn the_bundled_file_and_the_code_defaults_agree() {
        let c = RankerConfig::default();
        assert_eq!(c.training, TrainingParams::default());
        assert_eq!(c.diversity, DiversityParams::default());
    }

    #[test]
    fn an_unknown_feature_is_named_with_its_path() {
        let err =
            RankerConfig::from_json("b.json", r#"{"name":"b","weights":{"devise_match":0.4}}"#)
                .unwrap_err();
        assert_eq!(err.location, "$.weights.devise_match");
        assert!(err.problem.contains("unknown feature"));
    }

    #[test]
    fn ablation_and_override_change_the_effective_weight() {
        let c = RankerConfig::from_json(
            "c.json",
            r#"{"name":"c","weights":{"popularity":0.4},"ablate":["trending"]}"#,
        )
        .unwrap();
        assert_eq!(c.effective_weight("popularity", 0.1), 0.4);
        assert_eq!(c.effective_weight("trending", 0.3), 0.0);
        assert_eq!(c.effective_weight("freshness", 0.2), 0.2);
        assert_ne!(c.hash(), RankerConfig::default().hash());
    }
}
