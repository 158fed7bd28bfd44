//! EASE (Steck 2019): a closed-form item-to-item model. B = I − P·diag(1/diag P)
//! with P = (XᵀX + λI)⁻¹ and a zero diagonal. A profile's score for title j is
//! Σ_i x_i B_ij over the titles it liked, so feedback counts at once, and
//! B's rows are the "because you watched" neighbours.

use super::config::ItemModelParams;
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
    /// The column weight each item's row of B is scaled by when scoring (1 in plain EASE).
    pub item_weight: Vec<f32>,
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

    /// Train from each member's list of positive titles (plain EASE).
    pub fn train_lists(positives: &[Vec<usize>], n_titles: usize, lambda: f32) -> Ease {
        Ease::train_weighted(
            positives,
            n_titles,
            ItemModelParams {
                lambda,
                user_exponent: 0.0,
                item_exponent: 0.0,
            },
        )
    }

    /// Re-weighted EASE: X's rows scaled by (n_u / mean)^user_exponent and its
    /// columns by (n_i / mean)^item_exponent before the closed-form solve;
    /// scores use the same column weights. Zero exponents give plain EASE.
    pub fn train_weighted(positives: &[Vec<usize>], n_titles: usize, p: ItemModelParams) -> Ease {
        let mut item_count = vec![0f64; n_titles];
        for pos in positives {
            for &i in pos {
                item_count[i] += 1.0;
            }
        }
        let relative = |counts: &mut dyn Iterator<Item = f64>| {
            let v: Vec<f64> = counts.filter(|&c| c > 0.0).collect();
            v.iter().sum::<f64>() / v.len().max(1) as f64
        };
        let mean_item = relative(&mut item_count.iter().copied());
        let mean_user = relative(&mut positives.iter().map(|p| p.len() as f64));
        let item_weight: Vec<f64> = item_count
            .iter()
            .map(|&c| {
                if c > 0.0 {
                    (c / mean_item).powf(p.item_exponent as f64)
                } else {
                    1.0
                }
            })
            .collect();
        let mut g = Mat::<f64>::zeros(n_titles, n_titles);
        for pos in positives.iter().filter(|p| !p.is_empty()) {
            let wu2 = (pos.len() as f64 / mean_user).powf(2.0 * p.user_exponent as f64);
            for &i in pos {
                for &j in pos {
                    g[(i, j)] += wu2 * item_weight[i] * item_weight[j];
                }
            }
        }
        for i in 0..n_titles {
            g[(i, i)] += p.lambda as f64;
        }
        // Cholesky-based inverse (faer: blocked and parallel, so a few thousand titles stay fast).
        let inv = g
            .llt(Side::Lower)
            .expect("XᵀX + λI is positive definite for λ > 0")
            .inverse();
        let b = Array2::from_shape_fn((n_titles, n_titles), |(i, j)| {
            if i == j {
                0.0
            } else {
                (-inv[(i, j)] / inv[(j, j)]) as f32
            }
        });
        Ease {
            lambda: p.lambda,
            b,
            item_weight: item_weight.into_iter().map(|w| w as f32).collect(),
        }
    }

    /// Scores for every title from a profile's liked titles (weights per title).
    pub fn scores(&self, liked: &[(usize, f32)]) -> Array1<f32> {
        let mut s = Array1::<f32>::zeros(self.b.ncols());
        for &(i, w) in liked {
            s.scaled_add(w * self.item_weight[i], &self.b.row(i));
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
