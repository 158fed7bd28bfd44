//! Small dense linear algebra on ndarray: Cholesky solves for ALS's k×k
//! systems (EASE's large inverse uses faer).

use ndarray::{Array2, ArrayViewMut1};

/// Factor a symmetric positive-definite matrix in place into its lower
/// Cholesky factor. Returns false if it is not positive definite.
pub fn cholesky_in_place(a: &mut Array2<f64>) -> bool {
    let n = a.nrows();
    for j in 0..n {
        let mut d = a[[j, j]];
        for k in 0..j {
            d -= a[[j, k]] * a[[j, k]];
        }
        if d <= 0.0 || !d.is_finite() {
            return false;
        }
        let d = d.sqrt();
        a[[j, j]] = d;
        for i in j + 1..n {
            let mut s = a[[i, j]];
            for k in 0..j {
                s -= a[[i, k]] * a[[j, k]];
            }
            a[[i, j]] = s / d;
        }
        for i in 0..j {
            a[[i, j]] = 0.0;
        }
    }
    true
}

/// Solve L Lᵀ x = b given the lower factor L; b is overwritten by x.
pub fn cholesky_solve(l: &Array2<f64>, mut b: ArrayViewMut1<f64>) {
    let n = l.nrows();
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= l[[i, k]] * b[k];
        }
        b[i] = s / l[[i, i]];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= l[[k, i]] * b[k];
        }
        b[i] = s / l[[i, i]];
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
