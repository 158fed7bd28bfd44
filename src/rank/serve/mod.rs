//! Serving: a page from the trained model and one profile's own events.
//! A tile's score is computed in `score`; which rows exist is decided in
//! `rows` (one function per row kind); `assemble` orders them and places
//! exploration. Explanations, search and onboarding read the same scorer.
//! Nothing here reads the whole event log.

pub(crate) mod artwork;
pub(crate) mod assemble;
pub mod digest;
pub(crate) mod explain;
pub(crate) mod explore;
pub(crate) mod onboarding;
pub(crate) mod page;
pub(crate) mod profile;
pub(crate) mod rows;
pub(crate) mod score;
pub mod search;

/// Tiles a viewer sees in a row without scrolling.
pub const VISIBLE: usize = 6;
/// Rows whose visible tiles may not repeat a title.
pub const DISTINCT_ROWS: usize = 3;
