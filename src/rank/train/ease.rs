//! EASE (Steck 2019): a closed-form item-to-item model. B = I − P·diag(1/diag P)
//! with P = (XᵀX + λI)⁻¹ and a zero diagonal. A profile's score for title j is
//! Σ_i x_i B_ij over the titles it liked, so feedback counts at once, and
//! B's rows are the "because you watched" neighbours.

use super::packed::Dense;
use crate::rank::config::ItemModelParams;
use faer::linalg::solvers::DenseSolveCore;
use faer::{Mat, Side};
use ndarray::{Array1, Array2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// One positive of a member: the item, its confidence and when it was taken up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Positive {
    pub item: usize,
    /// 1 for a plain positive; more for a stronger one (e.g. five stars).
    pub weight: f32,
    /// Seconds; only differences matter (the session term).
    pub at: i64,
}

impl Positive {
    pub fn plain(item: usize) -> Positive {
        Positive {
            item,
            weight: 1.0,
            at: 0,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ease {
    /// n_titles × n_titles item weights.
    pub b: Dense,
    /// The column weight each item's row of B is scaled by when scoring (1 in plain EASE).
    pub item_weight: Vec<f32>,
}

impl Ease {
    /// Re-weighted EASE on the Gram matrix G = Σ_u Σ_ij x_ui x_uj k_u(i, j) + λI:
    /// - x_ui = confidence · (n_u / mean)^user_exponent · (n_i / mean)^item_exponent,
    ///   where confidence is the positive's weight (its stars above the threshold);
    /// - k_u(i, j) = (1 + γ·exp(−|t_i − t_j| / τ)) / (1 + γ), so pairs a member
    ///   took up in one sitting count up to 1 + γ times as much as pairs months apart
    ///   (γ = session_weight, τ = session_seconds; γ = 0 gives plain co-occurrence).
    ///
    /// Scores use the same column weights. Zero exponents and γ = 0 give plain EASE.
    pub fn train_weighted(lists: &[Vec<Positive>], n_titles: usize, p: ItemModelParams) -> Ease {
        let lists = &*by_item(lists);
        let mut item_count = vec![0f64; n_titles];
        for list in lists {
            for x in list {
                item_count[x.item] += 1.0;
            }
        }
        let mean_of_positive = |counts: &mut dyn Iterator<Item = f64>| {
            let v: Vec<f64> = counts.filter(|&c| c > 0.0).collect();
            v.iter().sum::<f64>() / v.len().max(1) as f64
        };
        let mean_item = mean_of_positive(&mut item_count.iter().copied());
        let mean_user = mean_of_positive(&mut lists.iter().map(|l| l.len() as f64));
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
        let gamma = p.session_weight.max(0.0) as f64;
        let tau = p.session_seconds.max(1.0) as f64;
        let user_weight: Vec<f64> = lists
            .iter()
            .map(|l| (l.len() as f64 / mean_user).powf(p.user_exponent as f64))
            .collect();
        let pair = |wu: f64, ea: &Positive, eb: &Positive| {
            let xa = wu * ea.weight as f64 * item_weight[ea.item];
            let xb = wu * eb.weight as f64 * item_weight[eb.item];
            let apart = (ea.at - eb.at).unsigned_abs() as f64 / tau;
            // Past 30 τ the kernel (< 1e-13) is below f64's notice: skip exp.
            let near = if gamma > 0.0 && apart < 30.0 {
                (-apart).exp()
            } else {
                0.0
            };
            xa * xb * ((1.0 + gamma * near) / (1.0 + gamma))
        };
        let g = gram(lists, n_titles, &user_weight, &pair, p.lambda as f64);
        // Cholesky-based inverse (faer: blocked and parallel, so a few thousand titles stay fast).
        let inv = g
            .as_ref()
            .llt(Side::Lower)
            .expect("XᵀX + λI is positive definite for λ > 0")
            .inverse();
        drop(g);
        let mut b = Array2::<f32>::zeros((n_titles, n_titles));
        b.axis_iter_mut(Axis(0))
            .into_par_iter()
            .enumerate()
            .for_each(|(i, mut row)| {
                for (j, x) in row.iter_mut().enumerate() {
                    if i != j {
                        *x = (-inv[(i, j)] / inv[(j, j)]) as f32;
                    }
                }
            });
        Ease {
            b: b.into(),
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

    /// [`Self::scores`] of title `t` alone, the same number bit for bit.
    pub fn score_at(&self, liked: &[(usize, f32)], t: usize) -> f32 {
        let mut s = 0.0f32;
        for &(i, w) in liked {
            s += w * self.item_weight[i] * self.b.row(i)[t];
        }
        s
    }
}

/// Each list sorted by item with each item once (the first of a repeat
/// kept), borrowed as it is when it already is.
pub(super) fn by_item(lists: &[Vec<Positive>]) -> std::borrow::Cow<'_, [Vec<Positive>]> {
    if lists
        .iter()
        .all(|l| l.windows(2).all(|w| w[0].item < w[1].item))
    {
        return lists.into();
    }
    lists
        .par_iter()
        .map(|l| {
            let mut l = l.clone();
            l.sort_by_key(|x| x.item);
            l.dedup_by_key(|x| x.item);
            l
        })
        .collect::<Vec<_>>()
        .into()
}

/// Titles per block of Gram columns that one thread fills.
const GRAM_BLOCK: usize = 64;

/// G = Σ_u Σ_{i,j ∈ u} pair(w_u, i, j) + λI, dense and symmetric.
///
/// Every list holds each item once, sorted by item. Column j is filled by the one thread
/// that owns j's block, from the pairs (i ≤ j) of every member in member
/// order; the other half is mirrored at the end. So each entry is the same
/// sum in the same order as one thread adding pair by pair would make, and
/// the model does not depend on the number of threads.
fn gram(
    lists: &[Vec<Positive>],
    n: usize,
    user_weight: &[f64],
    pair: &(dyn Fn(f64, &Positive, &Positive) -> f64 + Sync),
    lambda: f64,
) -> Mat<f64> {
    let mut buf = vec![0f64; n * n];
    buf.par_chunks_mut(n * GRAM_BLOCK)
        .enumerate()
        .for_each(|(block, cols)| {
            let first = block * GRAM_BLOCK;
            let last = (first + GRAM_BLOCK).min(n);
            for (list, &wu) in lists.iter().zip(user_weight) {
                let from = list.partition_point(|x| x.item < first);
                let to = list.partition_point(|x| x.item < last);
                for (b, eb) in list.iter().enumerate().take(to).skip(from) {
                    let col = &mut cols[(eb.item - first) * n..(eb.item - first + 1) * n];
                    for ea in &list[..=b] {
                        col[ea.item] += pair(wu, ea, eb);
                    }
                }
            }
        });
    let mut g = Mat::<f64>::zeros(n, n);
    for j in 0..n {
        for i in 0..=j {
            let v = buf[j * n + i];
            g[(i, j)] = v;
            g[(j, i)] = v;
        }
    }
    drop(buf);
    for i in 0..n {
        g[(i, i)] += lambda;
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn co_liked_titles_get_positive_weight() {
        let like = |ts: &[usize]| ts.iter().map(|&t| Positive::plain(t)).collect::<Vec<_>>();
        let members = vec![
            like(&[0, 1]),
            like(&[0, 1]),
            like(&[2, 3]),
            like(&[2, 3]),
            like(&[0, 1, 2]),
        ];
        let e = Ease::train_weighted(&members, 4, ItemModelParams::plain(1.0));
        assert!(e.b.view()[[0, 1]] > e.b.view()[[0, 3]]);
        assert_eq!(e.b.view()[[2, 2]], 0.0);
        let s = e.scores(&[(3, 1.0)]);
        assert!(s[2] > s[0] && s[2] > s[1], "{s}");
    }

    /// Members who all took up 0 with 1 and 0 with 2, but 1 together with 0
    /// in one sitting and 2 months later.
    fn sittings() -> Vec<Vec<Positive>> {
        let at = |item, at| Positive {
            item,
            weight: 1.0,
            at,
        };
        (0..6)
            .map(|m| {
                vec![
                    at(0, m * 1000),
                    at(1, m * 1000 + 60),
                    at(2, m * 1000 + 5_000_000),
                ]
            })
            .chain([vec![at(3, 0)]])
            .collect()
    }

    #[test]
    fn one_titles_score_is_its_score_among_all() {
        let e = Ease::train_weighted(&sittings(), 4, ItemModelParams::plain(1.0));
        let liked = [(2, 0.6), (0, 0.3), (1, 0.1)];
        let all = e.scores(&liked);
        for t in 0..4 {
            assert_eq!(
                e.score_at(&liked, t).to_bits(),
                all[t].to_bits(),
                "title {t}"
            );
        }
    }

    #[test]
    fn pairs_taken_up_in_one_sitting_count_more() {
        let params = ItemModelParams::plain(1.0);
        let plain = Ease::train_weighted(&sittings(), 4, params);
        assert!(
            (plain.b.view()[[0, 1]] - plain.b.view()[[0, 2]]).abs() < 1e-6,
            "without the session term, 1 and 2 are alike: {}",
            plain.b.view()
        );
        let sessions = Ease::train_weighted(
            &sittings(),
            4,
            ItemModelParams {
                session_weight: 0.5,
                session_seconds: 300.0,
                ..params
            },
        );
        let s = sessions.scores(&[(0, 1.0)]);
        assert!(s[1] > s[2], "the same-sitting title ranks first: {s}");
    }

    #[test]
    fn a_stronger_positive_weighs_more_in_the_scores() {
        let lists: Vec<Vec<Positive>> = [[0, 1], [2, 3], [0, 1], [2, 3]]
            .iter()
            .map(|pair| pair.iter().map(|&i| Positive::plain(i)).collect())
            .collect();
        let e = Ease::train_weighted(&lists, 4, ItemModelParams::plain(1.0));
        let even = e.scores(&[(0, 1.0), (2, 1.0)]);
        assert!((even[1] - even[3]).abs() < 1e-6, "{even}");
        let five_star_0 = e.scores(&[(0, 1.25), (2, 1.0)]);
        assert!(five_star_0[1] > five_star_0[3], "{five_star_0}");
    }
}
