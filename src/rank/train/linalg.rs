//! Small dense linear algebra on ndarray: Cholesky solves for ALS's k×k
//! systems (EASE's large inverse uses faer).

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
