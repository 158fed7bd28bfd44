//! Confidence-weighted alternating least squares for implicit feedback
//! (Hu, Koren & Volinsky 2008): user and title factors such that
//! x_u · y_i ≈ p_ui, weighted by c_ui. A new or changed profile is folded
//! in by one closed-form least-squares solve against the title factors.

use super::interactions::Cell;
use super::linalg::{
    axpy, cholesky_lower_flat, cholesky_solve_flat, dot, prefetch_row, PREFETCH_AHEAD,
};
use super::mapped::Numbers;
use super::packed::Dense;
use super::progress::Progress;
use crate::rank::top::{best_of, Best};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AlsParams {
    pub factors: usize,
    pub iterations: usize,
    pub lambda: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Als {
    pub params: AlsParams,
    pub user: Dense,
    pub item: Dense,
    /// YᵀY of the title factors (factors × factors, row order), made once
    /// with the factors: every fold-in needs it, and it costs titles ×
    /// factors² to make.
    item_gram: Vec<f64>,
    /// ‖x_u‖ of every member's factors, made with them: every page's
    /// artwork chooser compares the profile with all members.
    user_norms: Numbers<f32>,
}

/// Solve (YᵀY + Σ (c−1) y yᵀ + λI) x = Σ c p y for one row.
///
/// The system is kept as one flat row-major buffer and each cell's update
/// runs over plain slices, so the compiler vectorises it; every element sees
/// the same additions in the same order as a textbook loop, so the factors
/// are the same to the last bit.
fn solve_row(
    gram: ArrayView2<f64>,
    other: ArrayView2<f32>,
    cells: impl Iterator<Item = (usize, f32, f32)>,
    lambda: f32,
) -> Array1<f32> {
    let k = gram.nrows();
    let mut a: Vec<f64> = gram.iter().copied().collect();
    let mut b = vec![0f64; k];
    let mut y64 = vec![0f64; k];
    let mut any = false;
    for (j, pref, conf) in cells {
        any = true;
        let y = other.row(j);
        for (to, &from) in y64.iter_mut().zip(y.iter()) {
            *to = from as f64;
        }
        let w = (conf - 1.0) as f64;
        let cp = (conf * pref) as f64;
        for r in 0..k {
            let yr = y64[r];
            if w != 0.0 {
                let wyr = w * yr;
                let row = &mut a[r * k..r * k + r + 1];
                for (x, &yc) in row.iter_mut().zip(&y64[..=r]) {
                    *x += wyr * yc;
                }
            }
            b[r] += cp * yr;
        }
    }
    if !any {
        return Array1::zeros(k);
    }
    for r in 0..k {
        a[r * k + r] += lambda as f64;
    }
    if !cholesky_lower_flat(&mut a, k) {
        return Array1::zeros(k);
    }
    cholesky_solve_flat(&a, k, &mut b);
    b.into_iter().map(|x| x as f32).collect()
}

/// Above this many cells in all, each row is refined by a few conjugate-
/// gradient steps from where it was (Takács, Pilászy and Tikk 2011, as the
/// `implicit` library does) instead of solved exactly: a step costs
/// factors × (factors + 2 × the row's cells) instead of factors² × cells, so
/// ML-25M-sized logs train in a fraction of the time. Up to it (the sample,
/// ml-100k, ML-1M) the exact solve is cheap and stays.
pub const EXACT_MAX_CELLS: usize = 2_000_000;
/// Conjugate-gradient steps per row and iteration.
const CG_STEPS: usize = 3;
/// Iterations from a warm start: the serving pass starts from the cutoff
/// pass's factors, which differ from its answer by three weeks of the log
/// (chosen by the training loss: docs/evaluation.md).
pub const WARM_ITERATIONS: usize = 3;

/// Move `x` towards the solution of the same system as [`solve_row`] by
/// [`CG_STEPS`] conjugate-gradient steps started at `x`. `gram` is YᵀY;
/// `scratch` holds the row's y vectors side by side, gathered once so each
/// step reads them from one place.
///
/// Compiled twice, and the AVX2 copy is taken where the processor has it:
/// the same operations in the same order on wider registers (Rust never
/// fuses a multiply and an add), so the factors are the same to the bit.
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn refine_row(
    gram: &Array2<f32>,
    other: &Array2<f32>,
    cells: &[(usize, f32, f32)],
    lambda: f32,
    x: &mut [f32],
    scratch: &mut (Vec<f32>, Vec<f32>),
) {
    let k = x.len();
    let gram = gram.as_slice().expect("a standard-layout gram");
    let factors = other.as_slice().expect("standard-layout factors");
    let (ys, ws) = scratch;
    ys.clear();
    ws.clear();
    // b = Σ c p y
    let mut r = vec![0f32; k];
    for (at, &(j, pref, conf)) in cells.iter().enumerate() {
        if let Some(&(ahead, _, _)) = cells.get(at + PREFETCH_AHEAD) {
            prefetch_row(factors, ahead, k);
        }
        let y = &factors[j * k..(j + 1) * k];
        ys.extend_from_slice(y);
        ws.push(conf - 1.0);
        if pref != 0.0 {
            axpy(conf * pref, y, &mut r);
        }
    }
    if ws.is_empty() {
        x.fill(0.0);
        return;
    }
    let (ys, ws) = (&ys[..], &ws[..]);
    // out = A v = (YᵀY + λI) v + Σ (c − 1)(y · v) y
    let times_a = |v: &[f32], out: &mut [f32]| {
        for (r, o) in out.iter_mut().enumerate() {
            *o = dot(&gram[r * k..(r + 1) * k], v) + lambda * v[r];
        }
        for (y, &w) in ys.chunks_exact(k).zip(ws) {
            axpy(w * dot(y, v), y, out);
        }
    };
    // The residual b − A x.
    let mut ap = vec![0f32; k];
    times_a(x, &mut ap);
    axpy(-1.0, &ap, &mut r);
    let mut p = r.clone();
    let mut rr = dot(&r, &r);
    for _ in 0..CG_STEPS {
        if rr < 1e-12 {
            break;
        }
        times_a(&p, &mut ap);
        let step = rr / dot(&p, &ap);
        axpy(step, &p, x);
        axpy(-step, &ap, &mut r);
        let rr_next = dot(&r, &r);
        let keep = rr_next / rr;
        for (pi, ri) in p.iter_mut().zip(&r) {
            *pi = ri + keep * *pi;
        }
        rr = rr_next;
    }
}

fn gram(m: ArrayView2<f32>) -> Array2<f64> {
    let m64 = m.mapv(|x| x as f64);
    m64.t().dot(&m64)
}

/// One half of an ALS iteration: every row of `rows` against the fixed
/// `other`, from each row's cells (column, preference, confidence).
fn update_rows<C>(
    rows: &mut Array2<f32>,
    other: &Array2<f32>,
    cells: impl IndexedParallelIterator<Item = C>,
    lambda: f32,
    exact: bool,
) where
    C: Iterator<Item = (usize, f32, f32)>,
{
    let g = gram(other.view());
    let g32 = g.mapv(|x| x as f32);
    // Small jobs, so that the other core takes over the rest of the rows
    // while one works through a title with a million cells.
    rows.axis_iter_mut(Axis(0))
        .into_par_iter()
        .zip(cells)
        .with_max_len(256)
        .for_each_init(
            || ((vec![], vec![]), vec![]),
            |(scratch, listed), (mut row, cells)| {
                if exact {
                    row.assign(&solve_row(g.view(), other.view(), cells, lambda));
                } else {
                    // Listed first, so the gather can look ahead.
                    listed.clear();
                    listed.extend(cells);
                    let x = row.as_slice_mut().expect("standard-layout factors");
                    refine_row(&g32, other, listed, lambda, x, scratch);
                }
            },
        );
}

impl Als {
    /// Train on cells by member; `seed` fixes the initial factors.
    pub fn train(
        by_member: &[Vec<Cell>],
        by_title: &[Vec<(u32, f32, f32)>],
        params: AlsParams,
        seed: u64,
    ) -> Als {
        Als::train_reporting(by_member, by_title, params, seed, Progress::NONE, None)
    }

    /// [`Als::train`], reporting each finished iteration. Above
    /// [`EXACT_MAX_CELLS`], `warm` (factors of the same members and titles
    /// on an earlier part of the log) is where the rows' steps start, and
    /// [`WARM_ITERATIONS`] are run instead of all of them; the exact solve
    /// starts cold, so small logs train as they always did.
    pub fn train_reporting(
        by_member: &[Vec<Cell>],
        by_title: &[Vec<(u32, f32, f32)>],
        params: AlsParams,
        seed: u64,
        progress: Progress,
        warm: Option<&Als>,
    ) -> Als {
        let exact = by_member.iter().map(Vec::len).sum::<usize>() <= EXACT_MAX_CELLS;
        let warm = warm.filter(|w| {
            !exact
                && w.params.factors == params.factors
                && w.user.nrows() == by_member.len()
                && w.item.nrows() == by_title.len()
        });
        Als::train_solving(by_member, by_title, params, seed, progress, exact, warm)
    }

    /// [`Als::train_reporting`] with the rows solved exactly or refined by
    /// conjugate gradient.
    fn train_solving(
        by_member: &[Vec<Cell>],
        by_title: &[Vec<(u32, f32, f32)>],
        params: AlsParams,
        seed: u64,
        progress: Progress,
        exact: bool,
        warm: Option<&Als>,
    ) -> Als {
        let k = params.factors;
        let (mut user, mut item, iterations) = match warm {
            Some(w) => (
                w.user.view().to_owned(),
                w.item.view().to_owned(),
                WARM_ITERATIONS.min(params.iterations),
            ),
            None => {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let item =
                    Array2::from_shape_fn((by_title.len(), k), |_| rng.gen_range(-0.05f32..0.05));
                let user = Array2::<f32>::zeros((by_member.len(), k));
                (user, item, params.iterations)
            }
        };
        for iteration in 0..iterations {
            progress.report("taste factors", iteration, iterations);
            let by_member = by_member
                .par_iter()
                .map(|cells| cells.iter().map(|c| (c.title as usize, c.pref, c.conf)));
            update_rows(&mut user, &item, by_member, params.lambda, exact);
            let by_title = by_title
                .par_iter()
                .map(|cells| cells.iter().map(|&(m, p, c)| (m as usize, p, c)));
            update_rows(&mut item, &user, by_title, params.lambda, exact);
        }
        progress.report("taste factors", iterations, iterations);
        Als::new(params, user, item)
    }

    /// A model from its factors.
    pub fn new(params: AlsParams, user: Array2<f32>, item: Array2<f32>) -> Als {
        let item_gram = gram(item.view()).into_raw_vec_and_offset().0;
        let user_norms: Vec<f32> = user
            .rows()
            .into_iter()
            .map(|u| u.dot(&u).sqrt().max(1e-9))
            .collect();
        Als {
            params,
            user: user.into(),
            item: item.into(),
            item_gram,
            user_norms: user_norms.into(),
        }
    }

    /// The `n` members nearest to `x` by cosine of their factors, nearest
    /// first (ties by member row).
    pub fn nearest_users(&self, x: &Array1<f32>, n: usize) -> Vec<usize> {
        let xn = x.dot(x).sqrt().max(1e-9);
        let nearer = |a: &(f32, usize), b: &(f32, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        // The best n of each stretch of members, then of those: no list of
        // every member's similarity is made for a page.
        (0..self.user.nrows())
            .into_par_iter()
            .with_min_len(4096)
            .fold(
                || Best::new(n, nearer),
                |mut best, m| {
                    best.push((self.user.row(m).dot(x) / (self.user_norms[m] * xn), m));
                    best
                },
            )
            .map(Best::into_sorted)
            .reduce(Vec::new, |a, b| best_of(a.into_iter().chain(b), n, nearer))
            .into_iter()
            .map(|(_, m)| m)
            .collect()
    }

    /// A profile's vector from its cells, without retraining (fold-in).
    pub fn fold_in(&self, cells: &[Cell]) -> Array1<f32> {
        let k = self.item.ncols();
        solve_row(
            ArrayView2::from_shape((k, k), &self.item_gram).expect("k × k, made with the factors"),
            self.item.view(),
            cells.iter().map(|c| (c.title as usize, c.pref, c.conf)),
            self.params.lambda,
        )
    }

    /// [`Self::scores`] of title `t` alone, the same number.
    pub fn score_at(&self, user: &Array1<f32>, t: usize) -> f32 {
        self.item.row(t).dot(user)
    }

    /// x · y_i for every title.
    pub fn scores(&self, user: &Array1<f32>) -> Array1<f32> {
        self.item.times(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tests' factors: four, ten iterations.
    const TINY: AlsParams = AlsParams {
        factors: 4,
        iterations: 10,
        lambda: 0.1,
    };

    /// Two taste groups over four titles: members 0–2 like titles 0–1, members 3–5 like 2–3.
    fn two_groups() -> Vec<Vec<Cell>> {
        (0..6)
            .map(|m| {
                let liked: [u32; 2] = if m < 3 { [0, 1] } else { [2, 3] };
                // Leave one like out for member 0 and member 3 to be predicted.
                liked
                    .iter()
                    .filter(|&&t| !(m == 0 && t == 1 || m == 3 && t == 3))
                    .map(|&t| Cell {
                        title: t,
                        pref: 1.0,
                        conf: 5.0,
                        at: 0,
                    })
                    .collect()
            })
            .collect()
    }

    fn by_title(cells: &[Vec<Cell>], n: usize) -> Vec<Vec<(u32, f32, f32)>> {
        let mut out = vec![vec![]; n];
        for (m, cs) in cells.iter().enumerate() {
            for c in cs {
                out[c.title as usize].push((m as u32, c.pref, c.conf));
            }
        }
        out
    }

    #[test]
    fn the_nearest_members_are_the_first_of_all_members_sorted_by_closeness() {
        // Enough members that every core keeps its own best and they merge;
        // repeated rows make ties, which go to the lower row.
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let user = Array2::from_shape_fn((20_000, 4), |(m, _)| {
            if m % 7 == 0 {
                0.5
            } else {
                rng.gen_range(-1.0f32..1.0)
            }
        });
        let item = Array2::from_shape_fn((3, 4), |_| 0.1f32);
        let p = AlsParams {
            iterations: 0,
            ..TINY
        };
        let als = Als::new(p, user.clone(), item);
        let x = Array1::from(vec![0.5f32, 0.5, 0.5, 0.5]);
        let xn = x.dot(&x).sqrt();
        let mut all: Vec<(f32, usize)> = (0..user.nrows())
            .map(|m| {
                let u = user.row(m);
                (u.dot(&x) / (u.dot(&u).sqrt().max(1e-9) * xn), m)
            })
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let want: Vec<usize> = all.iter().take(40).map(|x| x.1).collect();
        assert_eq!(als.nearest_users(&x, 40), want);
        assert_eq!(want[..3], [0, 7, 14], "the tied rows, lowest first");
    }

    /// Trained on `two_groups` by the exact solve or by conjugate gradient.
    fn two_groups_trained(exact: bool) -> Als {
        let cells = two_groups();
        let p = TINY;
        Als::train_solving(
            &cells,
            &by_title(&cells, 4),
            p,
            1,
            Progress::NONE,
            exact,
            None,
        )
    }

    /// Members 0 and 3 each had one like of their group left out: it must
    /// score above the other group's titles.
    fn assert_recovers_held_out_likes(als: &Als) {
        let s0 = als.scores(&als.user.row(0).to_owned());
        assert!(s0[1] > s0[2] && s0[1] > s0[3], "{s0}");
        let s3 = als.scores(&als.user.row(3).to_owned());
        assert!(s3[3] > s3[0] && s3[3] > s3[1], "{s3}");
    }

    #[test]
    fn recovers_held_out_likes_within_a_taste_group() {
        assert_recovers_held_out_likes(&two_groups_trained(true));
    }

    #[test]
    fn fold_in_of_a_new_profile_follows_its_likes() {
        let als = two_groups_trained(true);
        let x = als.fold_in(&[Cell {
            title: 2,
            pref: 1.0,
            conf: 5.0,
            at: 0,
        }]);
        let s = als.scores(&x);
        assert!(s[3] > s[0] && s[3] > s[1], "{s}");
    }

    #[test]
    fn conjugate_gradient_steps_from_a_warm_start_reach_the_exact_solve() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let other = Array2::from_shape_fn((30, 8), |_| rng.gen_range(-1.0f32..1.0));
        let cells: Vec<(usize, f32, f32)> = (0..30)
            .step_by(3)
            .map(|j| (j, (j % 2) as f32, 1.0 + j as f32 / 4.0))
            .collect();
        let g = gram(other.view());
        let exact = solve_row(g.view(), other.view(), cells.iter().copied(), 0.1);
        let (g32, mut x, mut scratch) = (g.mapv(|v| v as f32), vec![0f32; 8], (vec![], vec![]));
        // Each training iteration refines the row from where the last one left it.
        for _ in 0..4 {
            refine_row(&g32, &other, &cells, 0.1, &mut x, &mut scratch);
        }
        for (a, b) in x.iter().zip(exact.iter()) {
            assert!((a - b).abs() < 1e-3, "{x:?} against {exact}");
        }
        refine_row(&g32, &other, &[], 0.1, &mut x, &mut scratch);
        assert_eq!(
            x,
            vec![0.0; 8],
            "a row without cells is zero, as in the exact solve"
        );
    }

    #[test]
    fn factors_refined_by_conjugate_gradient_recover_held_out_likes_too() {
        assert_recovers_held_out_likes(&two_groups_trained(false));
    }

    #[test]
    fn conjugate_gradient_from_a_warm_start_recovers_held_out_likes_in_a_few_iterations() {
        let cells = two_groups();
        let p = TINY;
        // The warm start: factors from the log without member 5's likes.
        let mut earlier = cells.clone();
        earlier[5].clear();
        let start = Als::train_solving(
            &earlier,
            &by_title(&earlier, 4),
            p,
            1,
            Progress::NONE,
            false,
            None,
        );
        let warm = Als::train_solving(
            &cells,
            &by_title(&cells, 4),
            p,
            2,
            Progress::NONE,
            false,
            Some(&start),
        );
        assert_recovers_held_out_likes(&warm);
        assert!(
            warm.user.row(5).iter().any(|&x| x != 0.0),
            "member 5 is fitted"
        );
    }

    #[test]
    fn the_exact_solve_ignores_a_warm_start() {
        let cells = two_groups();
        let p = TINY;
        let other = Als::train(&cells, &by_title(&cells, 4), p, 5);
        let cold = Als::train(&cells, &by_title(&cells, 4), p, 1);
        let warm = Als::train_reporting(
            &cells,
            &by_title(&cells, 4),
            p,
            1,
            Progress::NONE,
            Some(&other),
        );
        assert_eq!((cold.user, cold.item), (warm.user, warm.item));
    }

    #[test]
    fn the_same_seed_trains_the_same_factors() {
        let cells = two_groups();
        let p = AlsParams {
            iterations: 5,
            ..TINY
        };
        let a = Als::train(&cells, &by_title(&cells, 4), p, 9);
        let b = Als::train(&cells, &by_title(&cells, 4), p, 9);
        assert_eq!((a.user, a.item), (b.user, b.item));
    }
}
