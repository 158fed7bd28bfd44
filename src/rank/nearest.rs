//! Every title's closeness to its nearest anchor, for a set of anchors
//! (a profile's thumbed-down titles, its recent likes), remembered between
//! pages. A key press changes one anchor: the next page starts from the
//! remembered maximum of the anchors it still shares, when it lost none,
//! and only the new anchors' rows are made.

use rayon::prelude::*;
use std::sync::{Arc, Mutex};

/// How many anchor sets are kept: a profile's two sets, for two profiles
/// (a split view); each holds one value per title.
const KEPT: usize = 4;

/// The remembered maxima, most recently used last.
#[derive(Debug, Default)]
pub struct NearestMemo {
    kept: Mutex<Vec<Nearest>>,
}

#[derive(Debug)]
struct Nearest {
    /// Sorted, without repeats.
    anchors: Vec<usize>,
    best: Arc<Vec<f32>>,
}

impl NearestMemo {
    /// Per title, the largest of `row(anchor)` over `anchors`, for `n`
    /// titles. A maximum is the same in any order and from any start, so
    /// the answer is the same bit for bit with or without the memo.
    pub fn nearest(
        &self,
        anchors: &[usize],
        n: usize,
        row: impl Fn(usize, &mut [f32]) + Sync,
    ) -> Arc<Vec<f32>> {
        let mut set = anchors.to_vec();
        set.sort_unstable();
        set.dedup();
        let best = match self.closest_subset(&set, n) {
            Some((best, have)) if have == set => best,
            Some((best, have)) => Arc::new(raised(best.to_vec(), &without(&set, &have), &row)),
            None => Arc::new(raised(vec![0.0; n], &set, &row)),
        };
        self.keep(set, Arc::clone(&best));
        best
    }

    /// The kept set with the most anchors that are all in `set`, and its maximum.
    fn closest_subset(&self, set: &[usize], n: usize) -> Option<(Arc<Vec<f32>>, Vec<usize>)> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.iter()
            .filter(|k| k.best.len() == n && is_subset(&k.anchors, set))
            .max_by_key(|k| k.anchors.len())
            .map(|k| (Arc::clone(&k.best), k.anchors.clone()))
    }

    fn keep(&self, anchors: Vec<usize>, best: Arc<Vec<f32>>) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.retain(|k| k.anchors != anchors);
        kept.push(Nearest { anchors, best });
        if kept.len() > KEPT {
            kept.remove(0);
        }
    }
}

/// `best` raised to each of `anchors`' rows, anchors on every core.
fn raised(
    best: Vec<f32>,
    anchors: &[usize],
    row: &(impl Fn(usize, &mut [f32]) + Sync),
) -> Vec<f32> {
    let most = |mut a: Vec<f32>, b: &[f32]| {
        for (x, &y) in a.iter_mut().zip(b) {
            *x = x.max(y);
        }
        a
    };
    let n = best.len();
    let rows = anchors
        .par_iter()
        .fold(
            || (vec![0.0f32; n], vec![0.0f32; n]),
            |(best, mut scratch), &a| {
                row(a, &mut scratch);
                (most(best, &scratch), scratch)
            },
        )
        .map(|(best, _)| best)
        .reduce(|| vec![0.0f32; n], |a, b| most(a, &b));
    most(best, &rows)
}

/// Whether every element of sorted `a` is in sorted `b`.
fn is_subset(a: &[usize], b: &[usize]) -> bool {
    let mut b = b.iter().peekable();
    a.iter().all(|x| {
        while b.next_if(|y| *y < x).is_some() {}
        b.next_if_eq(&x).is_some()
    })
}

/// The elements of sorted `set` not in sorted `have`.
fn without(set: &[usize], have: &[usize]) -> Vec<usize> {
    set.iter()
        .filter(|x| have.binary_search(x).is_err())
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Title t's closeness to anchor a: a made-up but uneven pattern.
    fn row(a: usize, out: &mut [f32]) {
        for (t, x) in out.iter_mut().enumerate() {
            *x = ((a * 7 + t * 13) % 11) as f32 / 10.0 - 0.2 * (a % 3) as f32;
        }
    }

    fn plain(anchors: &[usize], n: usize) -> Vec<f32> {
        let mut best = vec![0.0f32; n];
        let mut r = vec![0.0f32; n];
        for &a in anchors {
            row(a, &mut r);
            for (b, &x) in best.iter_mut().zip(&r) {
                *b = b.max(x);
            }
        }
        best
    }

    #[test]
    fn remembered_maxima_equal_the_plain_maximum_as_anchors_come_and_go() {
        let memo = NearestMemo::default();
        let n = 23;
        let sets: [&[usize]; 6] = [&[4, 1], &[1, 4, 9], &[9, 4, 1, 2], &[2, 9], &[], &[2, 9, 5]];
        for set in sets {
            assert_eq!(*memo.nearest(set, n, row), plain(set, n), "anchors {set:?}");
        }
    }

    #[test]
    fn an_added_anchor_makes_only_its_own_row() {
        let memo = NearestMemo::default();
        let made = AtomicUsize::new(0);
        let counting = |a: usize, out: &mut [f32]| {
            made.fetch_add(1, Ordering::Relaxed);
            row(a, out)
        };
        memo.nearest(&[3, 5, 8], 10, counting);
        assert_eq!(made.swap(0, Ordering::Relaxed), 3);
        memo.nearest(&[3, 5, 8, 6], 10, counting);
        assert_eq!(made.swap(0, Ordering::Relaxed), 1, "one new anchor");
        memo.nearest(&[3, 5, 8, 6], 10, counting);
        assert_eq!(made.swap(0, Ordering::Relaxed), 0, "the same set again");
        memo.nearest(&[5, 8, 6], 10, counting);
        assert_eq!(
            made.swap(0, Ordering::Relaxed),
            3,
            "a lost anchor: made again"
        );
        memo.nearest(&[5, 8, 6, 3], 10, counting);
        assert_eq!(made.swap(0, Ordering::Relaxed), 0, "a set kept before");
    }
}
