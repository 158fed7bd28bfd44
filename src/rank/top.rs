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

/// The first `n` by `order` of everything pushed, as [`keep_best`] would
/// give them, holding at most `2n` at a time: once `n` are kept, one that
/// does not beat the `n`th best so far is dropped as it arrives. A page
/// takes the best 30 of 59,000 titles many times over.
pub struct Best<T, F> {
    n: usize,
    kept: Vec<T>,
    /// Whether `kept[n - 1]` is the `n`th best so far: the bar to beat.
    has_bar: bool,
    order: F,
}

impl<T, F: Fn(&T, &T) -> Ordering> Best<T, F> {
    pub fn new(n: usize, order: F) -> Self {
        Best {
            n,
            kept: Vec::with_capacity(2 * n),
            has_bar: false,
            order,
        }
    }

    pub fn push(&mut self, x: T) {
        let n = self.n;
        if n == 0 || (self.has_bar && (self.order)(&x, &self.kept[n - 1]) != Ordering::Less) {
            return;
        }
        if self.kept.len() == 2 * n {
            self.kept.select_nth_unstable_by(n - 1, &self.order);
            self.kept.truncate(n);
            self.has_bar = true;
            if (self.order)(&x, &self.kept[n - 1]) != Ordering::Less {
                return;
            }
        }
        self.kept.push(x);
    }

    /// The best `n`, best first.
    pub fn into_sorted(mut self) -> Vec<T> {
        keep_best(&mut self.kept, self.n, &self.order);
        self.kept
    }
}

/// The first `n` of `items` by `order`, in that order (see [`Best`]).
pub fn best_of<T>(
    items: impl IntoIterator<Item = T>,
    n: usize,
    order: impl Fn(&T, &T) -> Ordering,
) -> Vec<T> {
    let mut best = Best::new(n, order);
    for x in items {
        best.push(x);
    }
    best.into_sorted()
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

    #[test]
    fn best_of_a_stream_is_keep_best_of_all_of_it() {
        // Ties broken by position make the order total, as a page's are.
        let values: Vec<(i32, usize)> = (0..500).map(|i| ((i * 37 % 101) as i32, i)).collect();
        let order = |a: &(i32, usize), b: &(i32, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        for n in [0, 1, 2, 3, 7, 30, 250, 499, 500, 501] {
            let mut all = values.clone();
            keep_best(&mut all, n, order);
            assert_eq!(best_of(values.iter().copied(), n, order), all, "n = {n}");
            let rising = values.iter().copied().rev();
            let mut all_rising: Vec<_> = rising.clone().collect();
            keep_best(&mut all_rising, n, order);
            assert_eq!(best_of(rising, n, order), all_rising, "n = {n}, reversed");
        }
    }
}
