//! Ranking: from the store's catalog and event log to a [`Page`] for one
//! profile in one context. Training (`train`) learns signals and the
//! ranking layer; a page is then a pure function of (model, profile state,
//! context, config, seed): no clock, no global RNG, no hash-map iteration
//! order in anything that reaches the output.

mod als;
mod artwork;
mod assemble;
mod config;
mod content;
mod context;
mod ease;
mod explain;
mod explore;
pub mod features;
mod history;
pub mod interactions;
mod learn;
mod linalg;
mod micro;
mod model;
mod naming;
mod onboarding;
mod page;
mod score;
pub mod search;
pub mod signals;
pub mod train;

pub use als::{Als, AlsParams};
pub use assemble::{build_page, DISTINCT_ROWS, VISIBLE};
pub use config::{DiversityParams, ItemModelParams, RankerConfig, TrainingParams};
pub use content::ContentIndex;
pub use context::{Context, TimeOfDay};
pub use ease::{Ease, Positive};
pub use explain::{explain_title, TitleExplanation};
pub use history::{ProfileState, Thumb, TitleState};
pub use learn::{shown_match, Platt};
pub use model::{train_log, Model};
pub use naming::region_name;
pub use onboarding::{check_picks, onboarding_set, OnboardingError, MIN_PICKS};
#[cfg(test)]
pub(crate) use page::fixtures;
pub use page::{round6, ConfigRef, Contribution, Explanation, Item, Page, Row, RowKind};
pub use score::{title_features, PageScorer};
