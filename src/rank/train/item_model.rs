//! The collaborative item model at every catalog size: EASE's exact inverse
//! where it is cheap, the graph filter above that. Both score a profile from
//! its liked titles at once (so feedback counts without retraining) and give
//! each title its neighbours.

use super::ease::{by_item, Ease, Positive};
use super::graph_filter::GraphFilter;
use super::packed::Dense;
use super::progress::Progress;
use crate::rank::config::ItemModelParams;
use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

/// Up to this many titles the exact EASE inverse is used (two n × n f64
/// matrices: 0.6 GB and a few seconds at 6,000); above it, the graph filter.
pub const EXACT_MAX_TITLES: usize = 6_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ItemModel {
    Exact(Ease),
    Filter(GraphFilter),
}

impl ItemModel {
    /// Train the form that suits `n_titles` on each member's positives.
    /// `progress` hears the graph filter's stages; `start`, the low-pass
    /// basis of a filter trained on an earlier part of the log, is where a
    /// filter's range finder starts.
    pub fn train(
        lists: &[Vec<Positive>],
        n_titles: usize,
        p: ItemModelParams,
        seed: u64,
        progress: Progress,
        start: Option<ArrayView2<f32>>,
    ) -> Self {
        let lists = by_item(lists);
        if n_titles <= EXACT_MAX_TITLES {
            ItemModel::Exact(Ease::train_weighted(&lists, n_titles, p))
        } else {
            let filter =
                GraphFilter::train_reporting(&lists, n_titles, p.filter, seed, progress, start);
            ItemModel::Filter(filter)
        }
    }

    /// Scores for every title from a profile's liked titles (weights per title).
    pub fn scores(&self, liked: &[(usize, f32)]) -> Array1<f32> {
        match self {
            ItemModel::Exact(e) => e.scores(liked),
            ItemModel::Filter(f) => f.scores(liked),
        }
    }

    /// The filter's low-pass basis, for the next pass to start from; the
    /// rest is freed. The exact model has none.
    pub fn into_low_pass_basis(self) -> Option<Dense> {
        match self {
            ItemModel::Exact(_) => None,
            ItemModel::Filter(f) => Some(f.basis),
        }
    }

    /// [`Self::scores`] of title `t` alone (the same number), for callers
    /// that need a few titles' scores.
    pub fn score_at(&self, liked: &[(usize, f32)], t: usize) -> f32 {
        match self {
            ItemModel::Exact(e) => e.score_at(liked, t),
            ItemModel::Filter(f) => f.score_at(liked, t),
        }
    }

    /// Each title's weights to other titles, as (title, weight), for choosing
    /// neighbours: EASE's dense row, or the filter's kept links.
    pub fn neighbour_candidates(&self, title: usize) -> impl Iterator<Item = (usize, f32)> + '_ {
        use rayon::iter::Either;
        match self {
            ItemModel::Exact(e) => Either::Left(e.b.row(title).into_iter().copied().enumerate()),
            ItemModel::Filter(f) => Either::Right(f.links.get(title).map(|(j, w)| (j as usize, w))),
        }
    }
}

/// The one-line name of the model `p` trains on `n_titles` titles, for reports.
pub fn describe(p: &ItemModelParams, n_titles: usize) -> String {
    if n_titles <= EXACT_MAX_TITLES {
        p.describe()
    } else {
        let f = p.filter;
        format!(
            "graph filter ({} links per title, rank {}, low-pass {})",
            f.links, f.rank, f.low_pass
        )
    }
}
