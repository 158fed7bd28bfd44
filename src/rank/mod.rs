//! Ranking: from the store's catalog and event log to a [`Page`] for one
//! profile in one context. Two rooms: `train` turns the log into a trained
//! [`Model`]; `serve` builds a page from that model and one profile's own
//! events. The feature vector (`features`) is the contract between them.
//! A page is a pure function of (model, profile state, context, config,
//! seed): no clock, no global RNG, no hash-map iteration order in anything
//! that reaches the output. What the model remembers between pages
//! (`nearest`) changes how fast a page is made, never what it holds.

mod config;
mod context;
pub mod eligibility;
pub mod external;
pub mod feature;
pub mod features;
pub mod impressions;
mod naming;
pub mod ndcg;
pub mod nearest;
pub mod serve;
pub mod top;
pub mod train;

pub use config::{DiversityParams, FilterParams, ItemModelParams, RankerConfig, TrainingParams};
pub use context::{Context, DayKind, TimeOfDay};
pub use naming::region_name;
pub use serve::assemble::{PageRequest, DEFAULT_SEED};
pub use serve::digest;
pub use serve::explain::{explain_title, TitleExplanation};
pub use serve::onboarding::{
    check_picks, cluster_set, cover_set, onboarding_set, OnboardingError, MIN_PICKS,
};
#[cfg(test)]
pub(crate) use serve::page::fixtures;
pub use serve::page::{
    round6, shown_match, ConfigRef, Contribution, Explanation, Item, Page, Row, RowKind,
};
pub use serve::profile::{ProfileState, Thumb, TitleState};
pub use serve::score::{title_features, PageScorer};
pub use serve::search;
pub use serve::{DISTINCT_ROWS, VISIBLE};
pub use train::als::{Als, AlsParams};
pub use train::content::ContentIndex;
pub use train::ease::{Ease, Positive};
pub use train::fit::TrainReport;
pub use train::item_model::{describe as describe_item_model, ItemModel, EXACT_MAX_TITLES};
pub use train::learn::Platt;
pub use train::model::{train_log, Model};
pub use train::progress::{Progress, Step as TrainStep};
pub use train::{interactions, signals};
