//! Top-k ranking metrics with the reference scorer's definitions (binary
//! relevance, averaged over test users; a user with no recommendations
//! scores 0): precision, recall, NDCG, MAP, MRR, hit rate, catalog coverage
//! and inverse-Simpson diversity of the recommended slots. Beside them, the
//! effective catalog size and nearest-rank percentiles that the database
//! evaluation and the A/B simulation report.

use crate::rank::ndcg::ndcg_at;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RankingMetrics {
    pub k: usize,
    pub precision: f64,
    pub recall: f64,
    pub ndcg: f64,
    pub map: f64,
    pub mrr: f64,
    pub hit_rate: f64,
    /// Distinct recommended items / distinct training items.
    pub coverage: f64,
    /// 1 / Σ p_i², p_i the share of recommended slots given to item i.
    pub inv_simpson: f64,
    pub test_users: usize,
    /// Recommended items that were in the user's training set (should be 0).
    pub train_leaks: usize,
}

impl RankingMetrics {
    /// The metrics under the reference scorer's keys (`ndcg@10`, …), rounded as it rounds.
    pub fn reference_json(&self) -> serde_json::Value {
        let k = self.k;
        let r6 = |x: f64| (x * 1e6).round() / 1e6;
        serde_json::json!({
            format!("precision@{k}"): r6(self.precision),
            format!("recall@{k}"): r6(self.recall),
            format!("ndcg@{k}"): r6(self.ndcg),
            format!("map@{k}"): r6(self.map),
            format!("mrr@{k}"): r6(self.mrr),
            format!("hit_rate@{k}"): r6(self.hit_rate),
            format!("coverage@{k}"): r6(self.coverage),
            "inv_simpson": (self.inv_simpson * 1e3).round() / 1e3,
            "test_users": self.test_users,
            "train_leaks": self.train_leaks,
        })
    }
}

/// `recs`: user → ranked items (best first); `test` and `train`: user → items.
pub fn evaluate<U: Ord, I: Ord + Clone>(
    train: &BTreeMap<U, BTreeSet<I>>,
    test: &BTreeMap<U, BTreeSet<I>>,
    recs: &BTreeMap<U, Vec<I>>,
    k: usize,
) -> RankingMetrics {
    let train_items: BTreeSet<&I> = train.values().flatten().collect();
    let mut m = RankingMetrics {
        k,
        test_users: test.len(),
        ..Default::default()
    };
    let mut exposure: BTreeMap<&I, usize> = BTreeMap::new();
    for (user, relevant) in test {
        let top: Vec<&I> = recs
            .get(user)
            .map(|r| r.iter().take(k).collect())
            .unwrap_or_default();
        for item in &top {
            *exposure.entry(*item).or_default() += 1;
        }
        m.train_leaks += top
            .iter()
            .filter(|i| train.get(user).is_some_and(|t| t.contains(**i)))
            .count();
        let hits: Vec<usize> = top
            .iter()
            .enumerate()
            .filter(|(_, i)| relevant.contains(**i))
            .map(|(r, _)| r + 1)
            .collect();
        let ideal = relevant.len().min(k);
        m.precision += hits.len() as f64 / k as f64;
        m.recall += hits.len() as f64 / relevant.len() as f64;
        m.ndcg += ndcg_at(&top, |i| relevant.contains(*i), relevant.len(), k);
        m.map += if ideal > 0 {
            hits.iter()
                .enumerate()
                .map(|(i, &r)| (i + 1) as f64 / r as f64)
                .sum::<f64>()
                / ideal as f64
        } else {
            0.0
        };
        m.mrr += hits.first().map_or(0.0, |&r| 1.0 / r as f64);
        m.hit_rate += if hits.is_empty() { 0.0 } else { 1.0 };
    }
    let n = test.len().max(1) as f64;
    for v in [
        &mut m.precision,
        &mut m.recall,
        &mut m.ndcg,
        &mut m.map,
        &mut m.mrr,
        &mut m.hit_rate,
    ] {
        *v /= n;
    }
    let slots: usize = exposure.values().sum();
    let simpson: f64 = exposure
        .values()
        .map(|&c| (c as f64 / slots as f64).powi(2))
        .sum();
    m.inv_simpson = if simpson > 0.0 { 1.0 / simpson } else { 0.0 };
    m.coverage = if train_items.is_empty() {
        0.0
    } else {
        exposure.len() as f64 / train_items.len() as f64
    };
    m
}

/// ECS = 2 Σ_i p_i · i − 1 over the titles' shares p_i sorted in decreasing
/// order (i from 1): 1 when one title takes every slot, N when N titles share
/// them equally.
pub fn effective_catalog_size(slots: &[usize]) -> f64 {
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for &t in slots {
        *counts.entry(t).or_default() += 1;
    }
    let mut shares: Vec<f64> = counts
        .values()
        .map(|&c| c as f64 / slots.len() as f64)
        .collect();
    shares.sort_by(|a, b| b.total_cmp(a));
    if shares.is_empty() {
        return 0.0;
    }
    2.0 * shares
        .iter()
        .enumerate()
        .map(|(i, p)| p * (i + 1) as f64)
        .sum::<f64>()
        - 1.0
}

/// The nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// A mean difference with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// A statistic of `n` units with a 95 % percentile bootstrap interval:
/// `resamples` draws of `n` units with replacement, seeded. `stat` is given
/// the units' indices (each unit once, in order, for the point estimate).
pub fn bootstrap_interval(
    n: usize,
    resamples: usize,
    seed: u64,
    mut stat: impl FnMut(&mut dyn Iterator<Item = usize>) -> f64,
) -> Interval {
    use rand::{Rng, SeedableRng};
    if n == 0 {
        return Interval {
            mean: 0.0,
            low: 0.0,
            high: 0.0,
        };
    }
    let point = stat(&mut (0..n));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut draws: Vec<f64> = (0..resamples)
        .map(|_| stat(&mut (0..n).map(|_| rng.gen_range(0..n))))
        .collect();
    draws.sort_by(f64::total_cmp);
    Interval {
        mean: point,
        low: percentile(&draws, 0.025).unwrap_or(point),
        high: percentile(&draws, 0.975).unwrap_or(point),
    }
}

/// `f(B) − f(A)` of two independent samples with a 95 % percentile bootstrap
/// interval: `resamples` times, A and then B resampled with replacement,
/// each on its own, seeded. `None` when either sample is empty.
pub fn two_sample_interval<T>(
    a: &[&T],
    b: &[&T],
    resamples: usize,
    seed: u64,
    f: impl Fn(&[&T]) -> f64,
) -> Option<(f64, f64)> {
    use rand::{Rng, SeedableRng};
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut resample = |arm: &[&T]| -> f64 {
        let drawn: Vec<&T> = (0..arm.len())
            .map(|_| arm[rng.gen_range(0..arm.len())])
            .collect();
        f(&drawn)
    };
    let mut draws: Vec<f64> = (0..resamples)
        .map(|_| {
            let fa = resample(a);
            resample(b) - fa
        })
        .collect();
    draws.sort_by(f64::total_cmp);
    Some((percentile(&draws, 0.025)?, percentile(&draws, 0.975)?))
}

/// The mean of `a[i] − b[i]` with a paired percentile bootstrap 95 % interval:
/// `resamples` draws of the pairs with replacement, seeded.
pub fn paired_interval(a: &[f64], b: &[f64], resamples: usize, seed: u64) -> Interval {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    bootstrap_interval(d.len(), resamples, seed, |draw| {
        draw.map(|i| d[i]).sum::<f64>() / d.len() as f64
    })
}

/// A ratio Σ numerator / Σ denominator over clusters (e.g. plays over
/// impressions, one cluster per member) with a 95 % percentile bootstrap
/// interval that resamples whole clusters, `resamples` times, seeded: the
/// tiles of one member are not independent draws.
pub fn cluster_ratio_interval(clusters: &[(f64, f64)], resamples: usize, seed: u64) -> Interval {
    bootstrap_interval(clusters.len(), resamples, seed, |draw| {
        let (n, d) = draw
            .map(|i| clusters[i])
            .fold((0.0, 0.0), |(n, d), (x, y)| (n + x, d + y));
        if d > 0.0 {
            n / d
        } else {
            0.0
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cluster_ratio_is_the_pooled_ratio_and_its_interval_brackets_it() {
        // Ten members, each 1 play in 4 impressions, and one with 3 in 4.
        let mut c: Vec<(f64, f64)> = vec![(1.0, 4.0); 10];
        c.push((3.0, 4.0));
        let i = super::cluster_ratio_interval(&c, 400, 3);
        assert!((i.mean - 13.0 / 44.0).abs() < 1e-12);
        assert!(i.low <= i.mean && i.mean <= i.high);
        assert!(i.low >= 0.25 - 1e-12 && i.high <= 0.75);
        assert!(
            i.high > i.low,
            "one member differs, so the interval has width"
        );
        assert_eq!(super::cluster_ratio_interval(&c, 400, 3), i, "seeded");
        assert_eq!(super::cluster_ratio_interval(&[], 400, 3).mean, 0.0);
    }

    #[test]
    fn a_paired_interval_brackets_the_mean_and_excludes_zero_only_for_a_steady_gain() {
        let a: Vec<f64> = (0..200)
            .map(|i| 0.5 + 0.1 * ((i % 7) as f64 - 3.0) / 3.0)
            .collect();
        let steady: Vec<f64> = a.iter().map(|x| x - 0.05).collect();
        let i = paired_interval(&a, &steady, 500, 1);
        assert!((i.mean - 0.05).abs() < 1e-12);
        assert!(i.low > 0.0 && i.low <= i.mean && i.mean <= i.high, "{i:?}");
        assert_eq!(i, paired_interval(&a, &steady, 500, 1), "seeded");
        // A coin flip of ±0.1 per pair: the interval spans 0.
        let noisy: Vec<f64> = a
            .iter()
            .enumerate()
            .map(|(n, x)| if n % 2 == 0 { x + 0.1 } else { x - 0.1 })
            .collect();
        let j = paired_interval(&a, &noisy, 500, 1);
        assert!(j.low < 0.0 && j.high > 0.0, "{j:?}");
        assert_eq!(paired_interval(&[], &[], 10, 1).mean, 0.0);
    }

    use super::*;

    #[test]
    fn ecs_is_one_for_a_single_title_and_n_for_an_even_spread() {
        assert_eq!(effective_catalog_size(&[3, 3, 3]), 1.0);
        assert!((effective_catalog_size(&[1, 2, 3, 4]) - 4.0).abs() < 1e-12);
        // Shares 0.5, 0.25, 0.25: 2 (0.5 + 0.5 + 0.75) − 1 = 2.5.
        assert!((effective_catalog_size(&[7, 7, 8, 9]) - 2.5).abs() < 1e-12);
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(percentile(&v, 0.5), Some(5.0));
        assert_eq!(percentile(&v, 0.9), Some(9.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    fn sets(
        v: &[(&'static str, &[&'static str])],
    ) -> BTreeMap<&'static str, BTreeSet<&'static str>> {
        v.iter()
            .map(|(u, items)| (*u, items.iter().copied().collect()))
            .collect()
    }

    /// The reference scorer's own toy case, worked out by hand.
    #[test]
    fn agrees_with_the_hand_computed_toy_case() {
        let train = sets(&[
            ("a", &["x", "s", "t", "u"]),
            ("b", &["y", "p", "q"]),
            ("c", &["r"]),
        ]);
        let test = sets(&[("a", &["p", "q"]), ("b", &["z"])]);
        let recs: BTreeMap<_, _> = [("a", vec!["p", "r", "q"]), ("b", vec!["r", "s", "t"])]
            .into_iter()
            .collect();
        let m = evaluate(&train, &test, &recs, 3);
        let dcg_a = 1.0 + 1.0 / 4f64.log2();
        let idcg_a = 1.0 + 1.0 / 3f64.log2();
        let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        close(m.precision, (2.0 / 3.0) / 2.0);
        close(m.recall, (1.0 + 0.0) / 2.0);
        close(m.ndcg, (dcg_a / idcg_a) / 2.0);
        close(m.map, ((1.0 + 2.0 / 3.0) / 2.0) / 2.0);
        close(m.mrr, 0.5);
        close(m.hit_rate, 0.5);
        close(m.coverage, 5.0 / 8.0);
        close(m.inv_simpson, 4.5);
    }

    #[test]
    fn a_perfect_list_scores_one_and_train_items_count_as_leaks() {
        let m = evaluate(
            &sets(&[("a", &["x"])]),
            &sets(&[("a", &["p", "q"])]),
            &[("a", vec!["q", "p", "x"])].into_iter().collect(),
            3,
        );
        assert_eq!(
            (m.recall, m.ndcg, m.map, m.mrr, m.hit_rate),
            (1.0, 1.0, 1.0, 1.0, 1.0)
        );
        assert_eq!(m.train_leaks, 1);
    }

    #[test]
    fn a_user_without_recommendations_scores_zero() {
        let m = evaluate(
            &sets(&[("a", &["x"])]),
            &sets(&[("a", &["p"]), ("b", &["q"])]),
            &[("a", vec!["p"])].into_iter().collect(),
            1,
        );
        assert_eq!(m.hit_rate, 0.5);
        assert_eq!(m.test_users, 2);
    }
}
