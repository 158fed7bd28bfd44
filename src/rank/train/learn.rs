//! Fitting the ranking layer: L2-regularised logistic regression by
//! Newton's method (IRLS) on standardised features, and Platt scaling that
//! turns a score into a calibrated probability for "% Match".

use super::linalg::{cholesky_in_place, cholesky_solve};
use crate::rank::features::{Feature, FeatureVec, Weights, NF};
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Fit weights on labelled feature vectors. Features with no spread get weight 0.
/// Features named in `non_positive` may not raise a score: if the free fit
/// gives one a positive weight, it is refitted with that weight held at 0,
/// which is the optimum of the constrained (convex) problem.
pub fn fit_logistic_constrained(
    xs: &[FeatureVec],
    ys: &[bool],
    l2: f64,
    non_positive: &[Feature],
) -> Weights {
    let mut pinned = [false; NF];
    loop {
        let w = fit_with_pins(xs, ys, l2, &pinned);
        match non_positive
            .iter()
            .map(|f| f.index())
            .find(|&i| !pinned[i] && w.w[i] > 0.0)
        {
            Some(i) => pinned[i] = true,
            None => return w,
        }
    }
}

/// Fit weights on labelled feature vectors. Features with no spread get weight 0.
#[cfg(test)]
pub fn fit_logistic(xs: &[FeatureVec], ys: &[bool], l2: f64) -> Weights {
    fit_with_pins(xs, ys, l2, &[false; NF])
}

fn fit_with_pins(xs: &[FeatureVec], ys: &[bool], l2: f64, pinned: &[bool; NF]) -> Weights {
    let fit = fit_standardised(xs, ys, l2, pinned);
    Weights {
        bias: fit.bias,
        mean: fit.mean,
        std: fit.std,
        w: fit.w,
    }
}

/// A logistic regression over `N` standardised features: the bias, each
/// feature's mean and spread, and its weight per standard deviation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standardised<const N: usize> {
    pub bias: f64,
    pub mean: [f64; N],
    pub std: [f64; N],
    pub w: [f64; N],
}

/// L2-regularised logistic regression by IRLS on standardised features, for
/// any number of features (the ranking layer and the resume model). Features
/// with no spread, and those `pinned`, get weight 0.
pub fn fit_standardised<const N: usize>(
    xs: &[[f32; N]],
    ys: &[bool],
    l2: f64,
    pinned: &[bool; N],
) -> Standardised<N> {
    let n = xs.len().max(1) as f64;
    let mut mean = [0.0; N];
    let mut std = [1.0; N];
    for i in 0..N {
        mean[i] = xs.iter().map(|x| x[i] as f64).sum::<f64>() / n;
        let var = xs
            .iter()
            .map(|x| (x[i] as f64 - mean[i]).powi(2))
            .sum::<f64>()
            / n;
        std[i] = if var > 1e-12 { var.sqrt() } else { 1.0 };
    }
    let z: Vec<[f64; N]> = xs
        .iter()
        .map(|x| std::array::from_fn(|i| (x[i] as f64 - mean[i]) / std[i]))
        .collect();
    let active: Vec<bool> = (0..N)
        .map(|i| !pinned[i] && xs.iter().any(|x| (x[i] as f64 - mean[i]).abs() > 1e-9))
        .collect();
    // Parameters: [bias, w_0 … w_{N-1}].
    let d = N + 1;
    let mut beta = Array1::<f64>::zeros(d);
    let mut row = vec![1.0; d];
    for _ in 0..25 {
        let mut h = Array2::<f64>::zeros((d, d));
        let mut g = Array1::<f64>::zeros(d);
        for (zi, &y) in z.iter().zip(ys) {
            row[1..].copy_from_slice(zi);
            let eta: f64 = row.iter().zip(beta.iter()).map(|(a, b)| a * b).sum();
            let p = sigmoid(eta);
            let r = if y { 1.0 } else { 0.0 } - p;
            let wgt = (p * (1.0 - p)).max(1e-9);
            for a in 0..d {
                g[a] += r * row[a];
                for b in 0..=a {
                    h[[a, b]] += wgt * row[a] * row[b];
                }
            }
        }
        for a in 0..d {
            for b in 0..a {
                h[[b, a]] = h[[a, b]];
            }
            if a > 0 {
                g[a] -= l2 * beta[a];
                h[[a, a]] += l2;
                if !active[a - 1] {
                    h[[a, a]] += 1e6;
                }
            }
        }
        if !cholesky_in_place(&mut h) {
            break;
        }
        cholesky_solve(&h, g.view_mut());
        beta += &g;
        if g.iter().map(|x| x.abs()).fold(0.0, f64::max) < 1e-8 {
            break;
        }
    }
    let w: [f64; N] = std::array::from_fn(|i| if active[i] { round(beta[i + 1]) } else { 0.0 });
    Standardised {
        bias: round(beta[0]),
        mean,
        std,
        w,
    }
}

fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// p = σ(a·score + b): a score's calibrated probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    pub a: f64,
    pub b: f64,
}

impl Platt {
    /// Fit on (score, outcome) pairs: Newton's method on the 2-parameter
    /// likelihood with a small ridge on the slope, halving any step that would
    /// lower the likelihood (plain Newton diverges on near-separable data).
    pub fn fit(scores: &[f64], outcomes: &[bool]) -> Platt {
        const RIDGE: f64 = 1e-3;
        let loss = |a: f64, b: f64| -> f64 {
            let nll: f64 = scores
                .iter()
                .zip(outcomes)
                .map(|(&s, &y)| {
                    let z = a * s + b;
                    // log(1 + e^z) - y z, computed stably.
                    z.max(0.0) + (-z.abs()).exp().ln_1p() - if y { z } else { 0.0 }
                })
                .sum();
            nll + 0.5 * RIDGE * a * a
        };
        let positives = outcomes.iter().filter(|&&y| y).count() as f64;
        let n = outcomes.len().max(1) as f64;
        let prior = ((positives + 0.5) / (n - positives + 0.5)).ln();
        let (mut a, mut b) = (0.0, prior);
        let mut current = loss(a, b);
        for _ in 0..100 {
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (-RIDGE * a, 0.0, RIDGE, 0.0, 1e-9);
            for (&s, &y) in scores.iter().zip(outcomes) {
                let p = sigmoid(a * s + b);
                let r = if y { 1.0 } else { 0.0 } - p;
                let w = p * (1.0 - p);
                ga += r * s;
                gb += r;
                haa += w * s * s;
                hab += w * s;
                hbb += w;
            }
            let det = haa * hbb - hab * hab;
            if det.abs() < 1e-12 {
                break;
            }
            let (da, db) = ((hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det);
            let mut step = 1.0;
            let mut improved = false;
            while step > 1e-6 {
                let next = loss(a + step * da, b + step * db);
                if next <= current {
                    (a, b, current) = (a + step * da, b + step * db, next);
                    improved = true;
                    break;
                }
                step *= 0.5;
            }
            if !improved || (step * (da.abs() + db.abs())) < 1e-10 {
                break;
            }
        }
        Platt {
            a: round(a),
            b: round(b),
        }
    }

    pub fn probability(&self, score: f64) -> f64 {
        sigmoid(self.a * score + self.b)
    }

    /// "% Match": the probability as a whole percentage.
    pub fn match_pct(&self, score: f64) -> u8 {
        (100.0 * self.probability(score)).round().clamp(0.0, 100.0) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn logistic_regression_finds_the_informative_feature() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut xs = vec![];
        let mut ys = vec![];
        for _ in 0..4000 {
            let mut x = [0f32; NF];
            for v in x.iter_mut() {
                *v = rng.gen_range(-1.0..1.0);
            }
            let p = sigmoid(3.0 * x[2] as f64 - 1.0);
            ys.push(rng.gen_bool(p));
            xs.push(x);
        }
        let w = fit_logistic(&xs, &ys, 1.0);
        assert!(w.w[2] > 1.2, "{:?}", w.w);
        for (i, wi) in w.w.iter().enumerate() {
            if i != 2 {
                assert!(wi.abs() < 0.2, "feature {i}: {wi}");
            }
        }
    }

    #[test]
    fn platt_scaling_recovers_a_known_calibration() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let scores: Vec<f64> = (0..5000).map(|_| rng.gen_range(-3.0..3.0)).collect();
        let outcomes: Vec<bool> = scores
            .iter()
            .map(|&s| rng.gen_bool(sigmoid(2.0 * s + 0.5)))
            .collect();
        let p = Platt::fit(&scores, &outcomes);
        assert!((p.a - 2.0).abs() < 0.25 && (p.b - 0.5).abs() < 0.2, "{p:?}");
    }
}
