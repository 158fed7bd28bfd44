//! EASE (Steck 2019): a closed-form item-to-item model. B = I − P·diag(1/diag P)
//! with P = (XᵀX + λI)⁻¹ and a zero diagonal. A profile's score for title j is
//! Σ_i x_i B_ij over the titles it liked, so feedback counts at once, and
//! B's rows are the "because you watched" neighbours.

use super::interactions::Cell;
use faer::linalg::solvers::DenseSolveCore;
use faer::{Mat, Side};
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ease {
    pub lambda: f32,
    /// n_titles × n_titles item weights.
    pub b: Array2<f32>,
}

impl Ease {
    /// Train on binary positives (pref = 1), with λ on the diagonal.
    pub fn train(by_member: &[Vec<Cell>], n_titles: usize, lambda: f32) -> Ease {
        let positives: Vec<Vec<usize>> = by_member
            .iter()
            .map(|cells| {
                cells
                    .iter()
                    .filter(|c| c.pref > 0.0)
                    .map(|c| c.title as usize)
                    .collect()
            })
            .collect();
        Ease::train_lists(&positives, n_titles, lambda)
    }

    /// Train from each member's list of positive titles.
    pub fn train_lists(positives: &[Vec<usize>], n_titles: usize, lambda: f32) -> Ease {
        let mut g = Mat::<f64>::zeros(n_titles, n_titles);
        for pos in positives {
            for &i in pos {
                for &j in pos {
                    g[(i, j)] += 1.0;
                }
            }
        }
        for i in 0..n_titles {
            g[(i, i)] += lambda as f64;
        }
        // Cholesky-based inverse (faer: blocked and parallel, so a few thousand titles stay fast).
        let p = g
            .llt(Side::Lower)
            .expect("XᵀX + λI is positive definite for λ > 0")
            .inverse();
        let b = Array2::from_shape_fn((n_titles, n_titles), |(i, j)| {
            if i == j {
                0.0
            } else {
                (-p[(i, j)] / p[(j, j)]) as f32
            }
        });
        Ease { lambda, b }
    }

    /// Scores for every title from a profile's liked titles (weights per title).
    pub fn scores(&self, liked: &[(usize, f32)]) -> Array1<f32> {
        let mut s = Array1::<f32>::zeros(self.b.ncols());
        for &(i, w) in liked {
            s.scaled_add(w, &self.b.row(i));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn co_liked_titles_get_positive_weight() {
        let like = |ts: &[u32]| {
            ts.iter()
                .map(|&t| Cell {
                    title: t,
                    pref: 1.0,
                    conf: 1.0,
                })
                .collect::<Vec<_>>()
        };
        let members = vec![
            like(&[0, 1]),
            like(&[0, 1]),
            like(&[2, 3]),
            like(&[2, 3]),
            like(&[0, 1, 2]),
        ];
        let e = Ease::train(&members, 4, 1.0);
        assert!(e.b[[0, 1]] > e.b[[0, 3]]);
        assert_eq!(e.b[[2, 2]], 0.0);
        let s = e.scores(&[(3, 1.0)]);
        assert!(s[2] > s[0] && s[2] > s[1], "{s}");
    }
}
