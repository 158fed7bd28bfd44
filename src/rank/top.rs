//! The best `n` of a list by a total order, without sorting the rest: a
//! partial selection, then a sort of the `n` kept. With a total order the
//! result is the same as sorting everything and cutting it at `n`.

use std::cmp::Ordering;

/// Keep the first `n` of `v` by `order`, in that order.
pub fn keep_best<T>(v: &mut Vec<T>, n: usize, order: impl Fn(&T, &T) -> Ordering) {
    if v.len() > n {
        v.select_nth_unstable_by(n, &order);
        v.truncate(n);
    }
    v.sort_by(&order);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_n_in_order_as_a_full_sort_would_give() {
        let all = vec![5, 1, 9, 3, 7, 3, 8];
        let descending = |a: &i32, b: &i32| b.cmp(a);
        for n in 0..=all.len() + 1 {
            let mut sorted = all.clone();
            sorted.sort_by(descending);
            sorted.truncate(n);
            let mut kept = all.clone();
            keep_best(&mut kept, n, descending);
            assert_eq!(kept, sorted, "n = {n}");
        }
    }
}
