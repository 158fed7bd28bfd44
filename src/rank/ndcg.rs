//! NDCG with binary relevance, written once: the learned layer's held-out
//! check, offline evaluation (which must agree with the reference scorer)
//! and `compare`'s page numbers all use it. A leaf: it knows no ranker types.

/// The discount of the item at 0-based position `i`: 1 / log2(i + 2).
pub fn discount(i: usize) -> f64 {
    1.0 / ((i + 2) as f64).log2()
}

/// NDCG@k of `ranked` when `relevant_count` items are relevant and
/// `is_relevant` tells which; 0 when nothing is relevant or nothing was hit.
pub fn ndcg_at<T>(
    ranked: &[T],
    is_relevant: impl Fn(&T) -> bool,
    relevant_count: usize,
    k: usize,
) -> f64 {
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .filter(|(_, t)| is_relevant(t))
        .map(|(i, _)| discount(i))
        .sum();
    let ideal: f64 = (0..relevant_count.min(k)).map(discount).sum();
    // A sum of nothing is −0.0: a list without a hit scores a plain 0.
    if dcg > 0.0 && ideal > 0.0 {
        dcg / ideal
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_perfect_list_scores_one_and_a_miss_zero() {
        assert_eq!(ndcg_at(&[1, 2, 3], |t| *t <= 2, 2, 10), 1.0);
        assert_eq!(ndcg_at(&[4, 5], |t| *t <= 2, 2, 10), 0.0);
        assert_eq!(ndcg_at::<u8>(&[], |_| true, 0, 10), 0.0);
    }

    #[test]
    fn a_hit_in_second_place_of_one_relevant_item_scores_its_discount() {
        let v = ndcg_at(&["a", "b"], |t| *t == "b", 1, 10);
        assert!((v - 1.0 / 3f64.log2()).abs() < 1e-12);
    }

    #[test]
    fn only_the_first_k_count() {
        assert_eq!(ndcg_at(&[0, 0, 1], |t| *t == 1, 1, 2), 0.0);
    }
}
