//! The collaborative item model at every catalog size: EASE's exact inverse
//! where it is cheap, the graph filter above that. Both score a profile from
//! its liked titles at once (so feedback counts without retraining) and give
//! each title its neighbours.

use super::ease::{Ease, Positive};
use super::graph_filter::GraphFilter;
use crate::rank::config::ItemModelParams;
use ndarray::Array1;
use rayon::prelude::*;
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
    pub fn train(lists: &[Vec<Positive>], n_titles: usize, p: ItemModelParams, seed: u64) -> Self {
        if n_titles <= EXACT_MAX_TITLES {
            ItemModel::Exact(Ease::train_weighted(lists, n_titles, p))
        } else {
            let sorted: Vec<Vec<Positive>> = lists
                .par_iter()
                .map(|l| {
                    let mut l = l.clone();
                    l.sort_by_key(|x| x.item);
                    l.dedup_by_key(|x| x.item);
                    l
                })
                .collect();
            ItemModel::Filter(GraphFilter::train(&sorted, n_titles, p.filter, seed))
        }
    }

    /// Scores for every title from a profile's liked titles (weights per title).
    pub fn scores(&self, liked: &[(usize, f32)]) -> Array1<f32> {
        match self {
            ItemModel::Exact(e) => e.scores(liked),
            ItemModel::Filter(f) => f.scores(liked),
        }
    }

    /// Each title's weights to every other title, as (title, weight) rows for
    /// choosing neighbours: EASE's dense row, or the filter's kept links.
    pub fn neighbour_candidates(&self, title: usize) -> Vec<(usize, f32)> {
        match self {
            ItemModel::Exact(e) => e.b.row(title).iter().copied().enumerate().collect(),
            ItemModel::Filter(f) => f.links[title]
                .iter()
                .map(|&(j, w)| (j as usize, w))
                .collect(),
        }
    }

    pub fn n_titles(&self) -> usize {
        match self {
            ItemModel::Exact(e) => e.b.nrows(),
            ItemModel::Filter(f) => f.links.len(),
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
