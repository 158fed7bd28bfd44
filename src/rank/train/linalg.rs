//! Small dense linear algebra: Cholesky solves for ALS's k×k systems
//! (EASE's large inverse uses faer), and the slice kernels (dot, axpy,
//! prefetch) that ALS's steps and the graph filter's products share.

use ndarray::{Array2, ArrayViewMut1};

/// Factor a symmetric positive-definite matrix in place into its lower
/// Cholesky factor. Returns false if it is not positive definite.
pub fn cholesky_in_place(a: &mut Array2<f64>) -> bool {
    let n = a.nrows();
    let mut flat: Vec<f64> = a.iter().copied().collect();
    let ok = cholesky_lower_flat(&mut flat, n);
    for (i, mut row) in a.rows_mut().into_iter().enumerate() {
        for (j, x) in row.iter_mut().enumerate() {
            *x = if j <= i { flat[i * n + j] } else { 0.0 };
        }
    }
    ok
}

/// Solve L Lᵀ x = b given the lower factor L; b is overwritten by x.
pub fn cholesky_solve(l: &Array2<f64>, mut b: ArrayViewMut1<f64>) {
    let n = l.nrows();
    let flat: Vec<f64> = l.iter().copied().collect();
    let mut x: Vec<f64> = b.iter().copied().collect();
    cholesky_solve_flat(&flat, n, &mut x);
    for (to, from) in b.iter_mut().zip(x) {
        *to = from;
    }
}

/// [`cholesky_in_place`] on a row-major n × n buffer: reads and writes the
/// lower triangle only (the upper one is left as it was).
pub fn cholesky_lower_flat(a: &mut [f64], n: usize) -> bool {
    for j in 0..n {
        let (done, rest) = a.split_at_mut(j * n);
        let _ = done;
        let row_j = &mut rest[..n];
        let mut d = row_j[j];
        for &x in &row_j[..j] {
            d -= x * x;
        }
        if d <= 0.0 || !d.is_finite() {
            return false;
        }
        let d = d.sqrt();
        row_j[j] = d;
        let (upto, below) = a.split_at_mut((j + 1) * n);
        let row_j = &upto[j * n..j * n + j];
        for i in j + 1..n {
            let row_i = &mut below[(i - j - 1) * n..(i - j) * n];
            let mut s = row_i[j];
            for (x, y) in row_i[..j].iter().zip(row_j) {
                s -= x * y;
            }
            row_i[j] = s / d;
        }
    }
    true
}

/// [`cholesky_solve`] on a row-major lower factor from [`cholesky_lower_flat`].
pub fn cholesky_solve_flat(l: &[f64], n: usize, b: &mut [f64]) {
    for i in 0..n {
        let mut s = b[i];
        for (x, y) in l[i * n..i * n + i].iter().zip(&b[..i]) {
            s -= x * y;
        }
        b[i] = s / l[i * n + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= l[k * n + i] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
}

// `dot` and `axpy` are written out rather than taken from ndarray's views:
// they run on 32-element rows about ten times per cell, and with ndarray's
// `dot` and `scaled_add` (their checks paid on every call) the ML-25M taste
// factors took 40 + 41 s, against 27–33 + 28–38 s with these, in runs of
// the same day.

/// Σ a·b over two equal-length slices, in eight lanes so it vectorises.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            lanes[l] += x[l] * y[l];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// to += w · from.
#[inline(always)]
pub fn axpy(w: f32, from: &[f32], to: &mut [f32]) {
    for (t, f) in to.iter_mut().zip(from) {
        *t += w * f;
    }
}

/// How many entries ahead a sparse row's reader asks for the dense row it
/// will need: the rows are scattered over megabytes, and waiting for each
/// in turn was 40 % of ALS's gather.
pub const PREFETCH_AHEAD: usize = 12;

/// Ask the cache for `row` of a row-major matrix `k` wide before it is
/// read. A hint only: no effect on any value.
#[inline(always)]
pub fn prefetch_row(factors: &[f32], row: usize, k: usize) {
    if let Some(at) = factors.get(row * k..(row + 1) * k) {
        prefetch(at);
    }
}

/// Ask the cache for every 64-byte line of `items` before they are read.
/// A hint only: no effect on any value.
#[inline(always)]
pub fn prefetch<T>(items: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let (start, bytes) = (items.as_ptr().cast::<i8>(), std::mem::size_of_val(items));
        for offset in (0..bytes).step_by(64) {
            // SAFETY: SSE is part of every x86_64 processor, and a prefetch
            // only hints: it reads nothing, and an address inside the slice
            // is never wrong to name.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = items;
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn cholesky_solves_a_small_system() {
        let mut a = array![[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]];
        let orig = a.clone();
        assert!(cholesky_in_place(&mut a));
        let mut x = array![1.0, 2.0, 3.0];
        cholesky_solve(&a, x.view_mut());
        let back = orig.dot(&x);
        for (got, want) in back.iter().zip([1.0, 2.0, 3.0]) {
            assert!((got - want).abs() < 1e-12, "{back}");
        }
    }

    #[test]
    fn not_positive_definite_is_reported() {
        assert!(!cholesky_in_place(&mut array![[1.0, 2.0], [2.0, 1.0]]));
    }
}
