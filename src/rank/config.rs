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
    /// Scores from outside Marquee (`--ranker`, `--ranker-file`, `ranker:…`
    /// sides): pages use them in place of the learned layer's, over the same
    /// assembly. Not part of a config file.
    #[serde(skip)]
    pub external: Option<crate::rank::external::RankerHandle>,
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
    /// The form used above `EXACT_MAX_TITLES` titles (see `GraphFilter`).
    #[serde(default)]
    pub filter: FilterParams,
}

/// The filter's settings (chosen on validation splits: docs/evaluation.md), the
/// item model above `EXACT_MAX_TITLES` titles (`rank/train/graph_filter.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterParams {
    /// Links kept per title from R̃ᵀR̃, strongest first.
    pub links: usize,
    /// Singular vectors in the low-pass part (0 leaves it out).
    pub rank: usize,
    /// α: the weight of the low-pass part.
    pub low_pass: f32,
}

impl Default for FilterParams {
    fn default() -> FilterParams {
        FilterParams {
            links: 400,
            rank: 256,
            low_pass: 0.3,
        }
    }
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
            filter: FilterParams::default(),
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
            filter: FilterParams::default(),
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
        c.validate(label, "$")?;
        Ok(c)
    }

    /// Read (a regular file only, bounded in size) and check a config file.
    pub fn load(path: &std::path::Path) -> Result<RankerConfig, CatalogError> {
        let label = path.display().to_string();
        let bytes =
            crate::catalog::input::read_regular(path, crate::catalog::input::MAX_SMALL_BYTES)?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            CatalogError::new(
                &label,
                "",
                format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            )
        })?;
        RankerConfig::from_json(&label, text)
    }

    /// The one check of a config's values, for `--config` files, TUI reloads
    /// and the config inside a journey alike. `base` is where the config sits
    /// in its file (`$`, or `$.config` in a journey); an error names the file,
    /// the JSON path and the value.
    pub fn validate(&self, label: &str, base: &str) -> Result<(), CatalogError> {
        let at = |path: &str| format!("{base}.{path}");
        let known = |f: &str| Feature::from_name(f).is_some();
        if self.name.chars().count() > 200 {
            return Err(CatalogError::new(
                label,
                at("name"),
                "is longer than 200 characters",
            ));
        }
        for (f, w) in &self.weights {
            if !known(f) {
                return Err(CatalogError::new(
                    label,
                    at(&format!("weights.{f}")),
                    format!("unknown feature {f:?}; known: {}", Feature::known_names()),
                ));
            }
            within(label, &at(&format!("weights.{f}")), *w, -100.0, 100.0)?;
        }
        for (i, f) in self.ablate.iter().enumerate() {
            if !known(f) {
                return Err(CatalogError::new(
                    label,
                    at(&format!("ablate[{i}]")),
                    format!("unknown feature {f:?}; known: {}", Feature::known_names()),
                ));
            }
        }
        within(
            label,
            &at("exploration_share"),
            self.exploration_share,
            0.0,
            0.5,
        )?;
        within(label, &at("row_items"), self.row_items as f64, 1.0, 50.0)?;
        let t = &self.training;
        within(label, &at("training.factors"), t.factors as f64, 1.0, 256.0)?;
        within(
            label,
            &at("training.iterations"),
            t.iterations as f64,
            1.0,
            100.0,
        )?;
        positive(label, &at("training.lambda"), t.lambda, 1e6)?;
        within(label, &at("training.alpha"), t.alpha as f64, 0.0, 1e4)?;
        within(
            label,
            &at("training.holdout_days"),
            t.holdout_days as f64,
            1.0,
            3650.0,
        )?;
        let im = &t.item_model;
        let imp = |f: &str| at(&format!("training.item_model.{f}"));
        positive(label, &imp("lambda"), im.lambda, 1e7)?;
        within(
            label,
            &imp("user_exponent"),
            im.user_exponent as f64,
            -2.0,
            2.0,
        )?;
        within(
            label,
            &imp("item_exponent"),
            im.item_exponent as f64,
            -2.0,
            2.0,
        )?;
        within(
            label,
            &imp("rating_weight"),
            im.rating_weight as f64,
            0.0,
            100.0,
        )?;
        within(
            label,
            &imp("session_weight"),
            im.session_weight as f64,
            0.0,
            100.0,
        )?;
        positive(label, &imp("session_seconds"), im.session_seconds, 1e9)?;
        within(
            label,
            &at("diversity.repeat_title"),
            self.diversity.repeat_title,
            0.0,
            10.0,
        )?;
        within(
            label,
            &at("diversity.repeat_genre"),
            self.diversity.repeat_genre,
            0.0,
            10.0,
        )?;
        Ok(())
    }

    /// First 12 hex digits of SHA-256 over the canonical JSON.
    pub fn hash(&self) -> String {
        let mut bytes = serde_json::to_vec(self).expect("config serialises");
        if let Some(r) = &self.external {
            bytes.extend_from_slice(r.label.as_bytes());
        }
        short_hash(&bytes)
    }

    /// This config with its scores taken from an external ranker, named after it.
    pub fn with_external(
        mut self,
        ranker: std::sync::Arc<crate::rank::external::ExternalRanker>,
    ) -> RankerConfig {
        self.name = ranker.label.clone();
        self.external = Some(crate::rank::external::RankerHandle(ranker));
        self
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

/// `value` must be a finite number from `lo` to `hi`.
fn within(label: &str, path: &str, value: f64, lo: f64, hi: f64) -> Result<(), CatalogError> {
    if value.is_finite() && (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(CatalogError::new(
            label,
            path,
            format!(
                "{} is not a number from {} to {}",
                num(value),
                num(lo),
                num(hi)
            ),
        ))
    }
}

/// `value` must be a finite number above zero, at most `hi`.
fn positive(label: &str, path: &str, value: f32, hi: f64) -> Result<(), CatalogError> {
    let v = value as f64;
    if v.is_finite() && v > 0.0 && v <= hi {
        Ok(())
    } else {
        Err(CatalogError::new(
            label,
            path,
            format!("{} is not a number above 0 and at most {}", num(v), num(hi)),
        ))
    }
}

/// A number as the file would spell it: 4000, 0.5, 1e300.
fn num(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:?}")
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
    fn absurd_values_are_refused_with_their_path_and_value() {
        let cases = [
            (
                r#"{"name":"x","training":{"factors":32,"iterations":10,"lambda":0.1,"alpha":6,"holdout_days":21,"seed":1,"item_model":{"lambda":0,"user_exponent":0,"item_exponent":0}}}"#,
                "$.training.item_model.lambda",
                "0 is not",
            ),
            (
                r#"{"name":"x","training":{"factors":32,"iterations":10,"lambda":0.1,"alpha":6,"holdout_days":21,"seed":1,"item_model":{"lambda":300,"user_exponent":0,"item_exponent":-100}}}"#,
                "$.training.item_model.item_exponent",
                "-100",
            ),
            (
                r#"{"name":"x","training":{"factors":4000,"iterations":10,"lambda":0.1,"alpha":6,"holdout_days":21,"seed":1}}"#,
                "$.training.factors",
                "4000",
            ),
            (r#"{"name":"x","row_items":0}"#, "$.row_items", "0 is not"),
            (
                r#"{"name":"x","exploration_share":1e300}"#,
                "$.exploration_share",
                "1e300",
            ),
            (
                r#"{"name":"x","weights":{"popularity":1e300}}"#,
                "$.weights.popularity",
                "1e300",
            ),
            (
                r#"{"name":"x","diversity":{"repeat_title":-1,"repeat_genre":0}}"#,
                "$.diversity.repeat_title",
                "-1",
            ),
        ];
        for (text, path, value) in cases {
            let err = RankerConfig::from_json("c.json", text).unwrap_err();
            assert_eq!(err.location, path, "{text}");
            assert!(err.problem.contains(value), "{err}");
        }
        let in_journey = RankerConfig {
            row_items: 100_000_000,
            ..RankerConfig::default()
        };
        let err = in_journey.validate("j.json", "$.config").unwrap_err();
        assert_eq!(
            err.to_string(),
            "j.json: $.config.row_items: 100000000 is not a number from 1 to 50"
        );
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
