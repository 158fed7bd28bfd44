//! The item model for catalogs too large for EASE's dense inverse: a linear
//! graph filter on the normalised interaction matrix R̃ = D_u^-½ R D_i^-½
//! (Shen et al. 2021, "How powerful is graph convolution for
//! recommendation?"). A profile x scores
//!
//!   s = x · R̃ᵀR̃  +  α · (x D_i^-½ V) Vᵀ D_i^½
//!
//! where R̃ᵀR̃ is the normalised co-occurrence (kept sparse: each title's
//! strongest links) and V holds R̃'s top right singular vectors (the smooth,
//! low-frequency part of taste). Memory grows with titles × (links + rank),
//! not titles², so it serves 60,000-title catalogs; the links are also the
//! "because you watched" neighbours.

use super::ease::Positive;
use super::linalg::{axpy, prefetch, prefetch_row, PREFETCH_AHEAD};
use super::packed::{Dense, Lists};
use super::progress::Progress;
use crate::rank::config::FilterParams;
use crate::rank::top::keep_best;
use faer::linalg::solvers::Qr;
use faer::{MatRef, Side};
use ndarray::{s, Array1, Array2, ArrayView2, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GraphFilter {
    /// Per title: its strongest links in R̃ᵀR̃, as (title, weight), best first.
    pub links: Lists,
    /// d_i^-½ per title (0 for a title nobody took up).
    inv_sqrt_degree: Vec<f32>,
    /// titles × rank: R̃'s top right singular vectors.
    pub(super) basis: Dense,
    low_pass: f32,
}

/// Extra directions the randomized range finder carries beyond `rank`.
const OVERSAMPLE: usize = 16;
/// Power iterations of the range finder (each one sharpens the spectrum's top).
const POWER_STEPS: usize = 4;
/// Power iterations from a warm start (the serving pass starts from the
/// cutoff pass's basis; chosen by the energy it captures: docs/evaluation.md).
pub const WARM_POWER_STEPS: usize = 1;
/// How many members ahead the links ask for a member's list (a list is
/// read whole, so fewer are in flight than rows of factors).
const LIST_AHEAD: usize = 4;

impl GraphFilter {
    /// Fit on each member's positives (sorted by item, each once). The
    /// positives' weights are R's entries; `seed` draws the range finder's start.
    pub fn train(lists: &[Vec<Positive>], n_titles: usize, p: FilterParams, seed: u64) -> Self {
        GraphFilter::train_reporting(lists, n_titles, p, seed, Progress::NONE, None)
    }

    /// [`GraphFilter::train`], reporting its two stages: the links, then
    /// the low-pass basis one power step at a time. `start`, the basis of a
    /// filter of the same titles and rank on an earlier part of the log, is
    /// where the range finder starts, and [`WARM_POWER_STEPS`] are taken.
    pub fn train_reporting(
        lists: &[Vec<Positive>],
        n_titles: usize,
        p: FilterParams,
        seed: u64,
        progress: Progress,
        start: Option<ArrayView2<f32>>,
    ) -> Self {
        progress.report("item links", 0, 1);
        let norm = Normalised::new(lists, n_titles);
        let links = norm.links(p.links);
        let basis = if p.rank == 0 {
            Array2::zeros((n_titles, 0))
        } else {
            let start =
                start.filter(|b| b.nrows() == n_titles && b.ncols() == p.rank.min(n_titles));
            norm.top_right_singular_vectors(p.rank, seed, progress, start)
        };
        GraphFilter {
            links: links.into(),
            inv_sqrt_degree: norm.inv_sqrt_item,
            basis: basis.into(),
            low_pass: p.low_pass,
        }
    }

    /// A filter of given links only (no low-pass part): hand-made worlds.
    pub fn from_links(links: Vec<Vec<(u32, f32)>>) -> GraphFilter {
        let n = links.len();
        GraphFilter {
            links: links.into(),
            inv_sqrt_degree: vec![1.0; n],
            basis: Array2::zeros((n, 0)).into(),
            low_pass: 0.0,
        }
    }

    /// Scores for every title from a profile's liked titles (weights per title).
    pub fn scores(&self, liked: &[(usize, f32)]) -> Array1<f32> {
        let n = self.links.len();
        let mut s = Array1::<f32>::zeros(n);
        for &(i, w) in liked {
            for (j, g) in self.links.get(i) {
                s[j as usize] += w * g;
            }
        }
        if let Some(coords) = self.low_pass_coords(liked) {
            let smooth = self.basis.times(&coords);
            for (j, x) in s.iter_mut().enumerate() {
                let d = self.inv_sqrt_degree[j];
                if d > 0.0 {
                    *x += self.low_pass * smooth[j] / d;
                }
            }
        }
        s
    }

    /// The liked titles in the low-pass basis (x D_i^-½ V), when the filter has a low-pass part.
    fn low_pass_coords(&self, liked: &[(usize, f32)]) -> Option<Array1<f32>> {
        if self.basis.ncols() == 0 || self.low_pass == 0.0 {
            return None;
        }
        let mut coords = Array1::<f32>::zeros(self.basis.ncols());
        for &(i, w) in liked {
            coords.scaled_add(w * self.inv_sqrt_degree[i], &self.basis.row(i));
        }
        Some(coords)
    }

    /// [`Self::scores`] of title `t` alone, the same number bit for bit:
    /// the same products added in the same order.
    pub fn score_at(&self, liked: &[(usize, f32)], t: usize) -> f32 {
        let mut s = 0.0f32;
        for &(i, w) in liked {
            for (j, g) in self.links.get(i) {
                if j as usize == t {
                    s += w * g;
                }
            }
        }
        if let Some(coords) = self.low_pass_coords(liked) {
            let d = self.inv_sqrt_degree[t];
            if d > 0.0 {
                s += self.low_pass * self.basis.row(t).dot(&coords) / d;
            }
        }
        s
    }
}

/// R̃ = D_u^-½ R D_i^-½ held both ways: by member and by title.
struct Normalised {
    /// Per member: (title, R̃ entry).
    by_member: Vec<Vec<(u32, f32)>>,
    /// Per title: (member, R̃ entry).
    by_title: Vec<Vec<(u32, f32)>>,
    inv_sqrt_item: Vec<f32>,
}

impl Normalised {
    fn new(lists: &[Vec<Positive>], n: usize) -> Normalised {
        let mut item_degree = vec![0f64; n];
        for x in lists.iter().flatten() {
            item_degree[x.item] += x.weight as f64;
        }
        let inv_sqrt = |d: f64| {
            if d > 0.0 {
                (1.0 / d.sqrt()) as f32
            } else {
                0.0
            }
        };
        let inv_sqrt_item: Vec<f32> = item_degree.iter().map(|&d| inv_sqrt(d)).collect();
        let by_member: Vec<Vec<(u32, f32)>> = lists
            .par_iter()
            .map(|l| {
                let du = inv_sqrt(l.iter().map(|x| x.weight as f64).sum());
                l.iter()
                    .map(|x| (x.item as u32, x.weight * du * inv_sqrt_item[x.item]))
                    .collect()
            })
            .collect();
        let mut by_title: Vec<Vec<(u32, f32)>> = vec![vec![]; n];
        for (u, l) in by_member.iter().enumerate() {
            for &(i, v) in l {
                by_title[i as usize].push((u as u32, v));
            }
        }
        Normalised {
            by_member,
            by_title,
            inv_sqrt_item,
        }
    }

    /// Each title's `k` strongest links in R̃ᵀR̃ (itself left out), best first.
    /// Row i is Σ_{u ∋ i} R̃_ui R̃_u, summed in a dense buffer per thread.
    fn links(&self, k: usize) -> Vec<Vec<(u32, f32)>> {
        let n = self.by_title.len();
        // Small jobs: a popular title's row sums hundreds of thousands of
        // members' lists, and the other core takes the rest meanwhile.
        (0..n)
            .into_par_iter()
            .with_max_len(64)
            .map_init(
                || (vec![0f32; n], Vec::<u32>::new()),
                |(row, touched), i| {
                    let members = &self.by_title[i];
                    for (at, &(u, a)) in members.iter().enumerate() {
                        // The next lists' first lines; the rest streams in.
                        if let Some(&(ahead, _)) = members.get(at + LIST_AHEAD) {
                            let list = &self.by_member[ahead as usize];
                            prefetch(&list[..list.len().min(32)]);
                        }
                        for &(j, b) in &self.by_member[u as usize] {
                            if row[j as usize] == 0.0 {
                                touched.push(j);
                            }
                            row[j as usize] += a * b;
                        }
                    }
                    let mut out: Vec<(u32, f32)> = touched
                        .iter()
                        .filter(|&&j| j as usize != i)
                        .map(|&j| (j, row[j as usize]))
                        .collect();
                    for &j in touched.iter() {
                        row[j as usize] = 0.0;
                    }
                    touched.clear();
                    strongest(&mut out, k);
                    out
                },
            )
            .collect()
    }

    /// R̃ · Q: one row per member.
    fn times(&self, q: &Array2<f32>) -> Array2<f32> {
        sparse_times(&self.by_member, q)
    }

    /// R̃ᵀ · Z: one row per title.
    fn transpose_times(&self, z: &Array2<f32>) -> Array2<f32> {
        sparse_times(&self.by_title, z)
    }

    /// The top `rank` right singular vectors of R̃ by randomized subspace
    /// iteration (Halko, Martinsson and Tropp 2011), then Rayleigh–Ritz.
    /// `start`, when given, fills the first columns of the range finder's
    /// start in place of random ones.
    fn top_right_singular_vectors(
        &self,
        rank: usize,
        seed: u64,
        progress: Progress,
        start: Option<ArrayView2<f32>>,
    ) -> Array2<f32> {
        let n = self.by_title.len();
        let width = (rank + OVERSAMPLE).min(n);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
        let mut q = Array2::<f32>::from_shape_fn((n, width), |_| rng.gen::<f32>() - 0.5);
        let steps = match start {
            Some(start) => {
                q.slice_mut(s![.., ..start.ncols()]).assign(&start);
                WARM_POWER_STEPS
            }
            None => POWER_STEPS,
        };
        q = orthonormal(&q);
        for step in 0..steps {
            progress.report("item low-pass", step, steps + 1);
            let y = self.transpose_times(&self.times(&q));
            q = orthonormal(&y);
        }
        progress.report("item low-pass", steps, steps + 1);
        // Rayleigh–Ritz: Qᵀ R̃ᵀR̃ Q = Zᵀ Z with Z = R̃ Q, a width × width problem.
        let z = self.times(&q);
        let zf = as_faer(&z);
        let small = zf.transpose() * zf;
        let eig = small
            .self_adjoint_eigen(Side::Lower)
            .expect("a Gram matrix is symmetric");
        // Eigenvalues ascend: the last `keep` columns are the strongest
        // directions, taken strongest first.
        let keep = rank.min(width);
        let strongest = eig.U().subcols(width - keep, keep).reverse_cols();
        let basis = as_faer(&q) * strongest;
        Array2::from_shape_fn((n, keep), |(i, j)| basis[(i, j)])
    }
}

/// Keep the `k` largest positive weights, best first (ties by title).
fn strongest(v: &mut Vec<(u32, f32)>, k: usize) {
    v.retain(|x| x.1 > 0.0);
    let best_first = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    keep_best(v, k, best_first);
    v.shrink_to_fit();
}

/// Rows of a sparse matrix (given as lists of (column, value)) times a dense matrix.
fn sparse_times(rows: &[Vec<(u32, f32)>], dense: &Array2<f32>) -> Array2<f32> {
    let mut out = Array2::<f32>::zeros((rows.len(), dense.ncols()));
    let k = dense.ncols();
    let dense = dense.as_slice().expect("standard layout");
    out.axis_iter_mut(Axis(0))
        .into_par_iter()
        .zip(rows.par_iter())
        .with_max_len(256)
        .for_each(|(mut row, entries)| {
            let row = row.as_slice_mut().expect("standard layout");
            sparse_row_times(entries, dense, k, row);
        });
    out
}

/// One row of [`sparse_times`]: Σ v · dense[c] over the row's entries, in
/// their order. Compiled twice like ALS's steps, the AVX2 copy taken where
/// the processor has it: the same additions in the same order.
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn sparse_row_times(entries: &[(u32, f32)], dense: &[f32], k: usize, out: &mut [f32]) {
    for (at, &(c, v)) in entries.iter().enumerate() {
        if let Some(&(ahead, _)) = entries.get(at + PREFETCH_AHEAD) {
            prefetch_row(dense, ahead as usize, k);
        }
        axpy(v, &dense[c as usize * k..(c as usize + 1) * k], out);
    }
}

fn as_faer(a: &Array2<f32>) -> MatRef<'_, f32> {
    let slice = a.as_slice().expect("standard layout");
    MatRef::from_row_major_slice(slice, a.nrows(), a.ncols())
}

/// An orthonormal basis of `a`'s columns (thin QR).
fn orthonormal(a: &Array2<f32>) -> Array2<f32> {
    let q = Qr::new(as_faer(a)).compute_thin_Q();
    Array2::from_shape_fn((q.nrows(), q.ncols()), |(i, j)| q[(i, j)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(sets: &[&[usize]]) -> Vec<Vec<Positive>> {
        sets.iter()
            .map(|s| s.iter().map(|&i| Positive::plain(i)).collect())
            .collect()
    }

    /// Two taste groups: {0, 1, 2} and {3, 4, 5}, with one bridge member.
    fn two_groups() -> Vec<Vec<Positive>> {
        lists(&[
            &[0, 1],
            &[0, 1, 2],
            &[1, 2],
            &[0, 2],
            &[3, 4],
            &[3, 4, 5],
            &[4, 5],
            &[3, 5],
            &[2, 3],
        ])
    }

    #[test]
    fn one_titles_score_is_its_score_among_all() {
        let f = GraphFilter::train(&two_groups(), 6, FilterParams::default(), 7);
        let liked = [(0, 0.7), (3, 0.2), (1, 0.1)];
        let all = f.scores(&liked);
        for t in 0..6 {
            assert_eq!(
                f.score_at(&liked, t).to_bits(),
                all[t].to_bits(),
                "title {t}"
            );
        }
    }

    #[test]
    fn a_title_scores_its_own_group_above_the_other() {
        let f = GraphFilter::train(&two_groups(), 6, FilterParams::default(), 1);
        let s = f.scores(&[(0, 1.0)]);
        assert!(s[1] > s[4] && s[2] > s[5], "{s}");
        let s = f.scores(&[(5, 1.0)]);
        assert!(s[3] > s[0] && s[4] > s[1], "{s}");
    }

    #[test]
    fn links_are_the_normalised_co_occurrence_best_first_without_the_title() {
        let f = GraphFilter::train(
            &two_groups(),
            6,
            FilterParams {
                links: 2,
                ..FilterParams::default()
            },
            1,
        );
        for i in 0..f.links.len() {
            let l: Vec<_> = f.links.get(i).collect();
            assert!(l.len() <= 2);
            assert!(l.iter().all(|x| x.0 as usize != i));
            assert!(l.windows(2).all(|w| w[0].1 >= w[1].1));
        }
        // 0 and 1 share two members of degree 2 and 3: (1/2 + 1/3) / √(3·3).
        let w01 = f.links.get(0).find(|x| x.0 == 1).unwrap().1;
        assert!((w01 - (0.5 + 1.0 / 3.0) / 3.0).abs() < 1e-5, "{w01}");
    }

    #[test]
    fn the_low_pass_basis_is_orthonormal_and_seeded() {
        let p = FilterParams {
            rank: 3,
            ..FilterParams::default()
        };
        let a = GraphFilter::train(&two_groups(), 6, p, 7);
        let basis = a.basis.view();
        let gram = basis.t().dot(&basis);
        for i in 0..3 {
            for j in 0..3 {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((gram[[i, j]] - want).abs() < 1e-4, "{gram}");
            }
        }
        let b = GraphFilter::train(&two_groups(), 6, p, 7);
        assert_eq!(a.scores(&[(0, 1.0)]), b.scores(&[(0, 1.0)]));
    }

    #[test]
    fn a_basis_started_from_an_earlier_one_spans_the_same_directions() {
        let p = FilterParams {
            rank: 2,
            ..FilterParams::default()
        };
        let lists = two_groups();
        let cold = GraphFilter::train(&lists, 6, p, 7);
        // The earlier log: one member fewer, another seed.
        let earlier = GraphFilter::train(&lists[1..], 6, p, 3);
        let start = Some(earlier.basis.view());
        let warm = GraphFilter::train_reporting(&lists, 6, p, 7, Progress::NONE, start);
        // ‖coldᵀ warm‖² is the rank when the two span one subspace.
        let overlap = cold.basis.view().t().dot(&warm.basis.view());
        let captured: f32 = overlap.iter().map(|x| x * x).sum();
        assert!((captured - 2.0).abs() < 1e-3, "{overlap}");
    }
}
