//! Training: the event log and the catalog in, a trained [`Model`](model::Model)
//! out — the item model, the factors, counts per title and region, content
//! vectors, micro-genres and the learned ranking layer. Nothing here builds
//! a page.

pub(crate) mod als;
pub(crate) mod content;
pub(crate) mod ease;
pub(crate) mod fit;
pub(crate) mod graph_filter;
pub mod interactions;
pub(crate) mod item_model;
pub(crate) mod learn;
pub(crate) mod linalg;
pub(crate) mod mapped;
pub(crate) mod micro;
pub(crate) mod model;
pub(crate) mod packed;
pub mod progress;
pub mod resume;
pub mod signals;
