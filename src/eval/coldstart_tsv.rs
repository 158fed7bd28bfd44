//! The cold-start protocol in the external mode, on split.py's TSV files:
//! the held-out members are drawn from the test file's users; each one's
//! rows (train and test) leave the training data, their first k positives
//! by time (a seeded draw where a row has no time) become their picks, and
//! the rest is their test set. The item model is trained once on everyone
//! else; popularity is the count of training users per item. Both rank with
//! the external mode's availability rule, as of the last pick.

use super::coldstart::{
    enough_positives, pick_order, summarize, ColdStartReport, MemberLists, Options, Recommender,
    PICK_COUNTS, READ_DEPTH,
};
use super::external::{positives, Fitted, Rows, Taken};
use crate::rank::ItemModelParams;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// Popularity's weight in the cold blend, each score scaled to its largest
/// value. Chosen on validation splits cut from TRAIN (docs/evaluation.md).
pub const POPULARITY_WEIGHT: f32 = 4.0;

/// The cold blend: `item` / max |item| + `weight` · `popularity` / max popularity.
/// With a few picks the item model's scores are few and noisy; popularity
/// is the prior they lean on.
pub fn blend(item: &[f32], popularity: &[f32], weight: f32) -> Vec<f32> {
    let top = |v: &[f32]| v.iter().fold(0f32, |m, x| m.max(x.abs())).max(1e-12);
    let (a, b) = (top(item), top(popularity));
    item.iter()
        .zip(popularity)
        .map(|(x, p)| x / a + weight * p / b)
        .collect()
}

/// One held-out user: every row they have, in both files.
fn history(train: &Rows, test: &Rows, user: &str) -> BTreeMap<String, Taken> {
    let mut rows = train.get(user).cloned().unwrap_or_default();
    for (item, t) in test.get(user).into_iter().flatten() {
        rows.entry(item.clone()).or_insert(*t);
    }
    rows
}

/// `marquee eval --onboarding --train … --test …`.
pub fn evaluate_onboarding_tsv(
    train: &Rows,
    test: &Rows,
    params: ItemModelParams,
    availability: Option<i64>,
    options: Options,
) -> ColdStartReport {
    let Options { k, seed, .. } = options;
    let started = Instant::now();
    let eligible: Vec<String> = test
        .keys()
        .filter(|u| enough_positives(history(train, test, u).len()))
        .cloned()
        .collect();
    let (left_out, held) = options.draw(&eligible);
    let held_set: BTreeSet<&String> = held.iter().chain(&left_out).collect();
    let rest: Rows = train
        .iter()
        .filter(|(u, _)| !held_set.contains(u))
        .map(|(u, m)| (u.clone(), m.clone()))
        .collect();
    let fitted = Fitted::fit(&rest, params);
    let known = positives(&rest);
    let orders: Vec<(String, BTreeMap<String, Taken>, Vec<String>)> = held
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let rows = history(train, test, u);
            let timed: Vec<(Option<i64>, String)> =
                rows.iter().map(|(item, t)| (t.at, item.clone())).collect();
            let order = pick_order(&timed, seed, i as u64);
            (u.clone(), rows, order)
        })
        .collect();
    let results = PICK_COUNTS
        .iter()
        .map(|&n| {
            let lists: Vec<MemberLists<String, String>> = orders
                .iter()
                .map(|(u, rows, order)| {
                    let picked: BTreeMap<String, Taken> = order[..n]
                        .iter()
                        .map(|item| (item.clone(), rows[item]))
                        .collect();
                    let rank = |scores: &[f32]| -> Vec<String> {
                        fitted
                            .rank(&picked, scores, READ_DEPTH, availability)
                            .into_iter()
                            .map(|x| x.0)
                            .collect()
                    };
                    MemberLists {
                        member: u.clone(),
                        picks: picked.keys().cloned().collect(),
                        test: order[n..].iter().cloned().collect(),
                        lists: {
                            let item = fitted.scores(&picked);
                            let mixed =
                                blend(&item, fitted.popularity(), options.popularity_weight);
                            BTreeMap::from([
                                (Recommender::Popularity, rank(fitted.popularity())),
                                (Recommender::ItemModel, rank(&item)),
                                (Recommender::ItemModelAndPopularity, rank(&mixed)),
                                (Recommender::CoViewing, rank(&fitted.co_viewing(&picked))),
                            ])
                        },
                        page_first_play: None,
                    }
                })
                .collect();
            summarize(n, &lists, &known, k, seed)
        })
        .collect();
    ColdStartReport {
        mode: "external".into(),
        k,
        seed,
        validation_seed: options.validation,
        config: crate::rank::describe_item_model(&params, super::external::item_count(&rest)),
        eligible_members: eligible.len(),
        held_out_members: held.len(),
        results,
        onboarding_set: None,
        first_month: None,
        seconds: started.elapsed().as_secs_f64(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two tastes: users 1–20 like a0..a11, users 21–40 like b0..b11; the b
    /// titles are a little more popular (users 41–45 like them alone).
    fn world() -> (Rows, Rows) {
        let (mut train, mut test) = (Rows::new(), Rows::new());
        let row = |at| Taken {
            rating: Some(4.0),
            at: Some(at),
        };
        for u in 1..=45 {
            let side = if u <= 20 { "a" } else { "b" };
            for i in 0..12 {
                let file = if i % 5 == 4 { &mut test } else { &mut train };
                file.entry(u.to_string())
                    .or_default()
                    .insert(format!("{side}{i}"), row(i as i64 * 60));
            }
        }
        (train, test)
    }

    #[test]
    fn held_out_users_leave_training_and_the_item_model_follows_their_picks() {
        let (train, test) = world();
        let r = evaluate_onboarding_tsv(
            &train,
            &test,
            ItemModelParams::default(),
            None,
            Options::new(10, 1),
        );
        assert_eq!(r.eligible_members, 45, "every user has 12 positives");
        assert_eq!(r.held_out_members, 9);
        assert_eq!(r.results.len(), PICK_COUNTS.len());
        let three = &r.results[1];
        assert_eq!(three.picks, 3);
        let get = |rec| {
            three
                .recommenders
                .iter()
                .find(|x| x.recommender == rec)
                .unwrap()
        };
        let (item, pop) = (get(Recommender::ItemModel), get(Recommender::Popularity));
        assert_eq!(item.metrics.train_leaks, 0, "picks are never recommended");
        assert!(item.metrics.ndcg > 0.7, "{:?}", item.metrics);
        assert!(item.ndcg_vs_popularity.mean > 0.0);
        assert!(pop.metrics.ndcg < item.metrics.ndcg);
        let co = get(Recommender::CoViewing);
        assert_eq!(co.metrics.train_leaks, 0);
        assert!(
            co.ndcg_vs_popularity.low > 0.0,
            "{:?}",
            co.ndcg_vs_popularity
        );
        assert!(
            three.page_time_to_first_play.is_none(),
            "no page in this mode"
        );
    }

    #[test]
    fn the_blend_scales_each_score_to_its_largest_value() {
        let mixed = blend(&[2.0, -4.0, 0.0], &[10.0, 5.0, 20.0], 0.5);
        let want = [0.5 + 0.25, -1.0 + 0.125, 0.5];
        for (m, w) in mixed.iter().zip(want) {
            assert!((m - w).abs() < 1e-6, "{mixed:?}");
        }
        assert_eq!(
            blend(&[0.0], &[0.0], 1.0),
            [0.0],
            "nothing to scale: no NaN"
        );
    }

    #[test]
    fn co_viewing_counts_the_users_who_share_each_pick() {
        let mut train = Rows::new();
        let row = Taken {
            rating: None,
            at: None,
        };
        for (u, items) in [("1", "p x"), ("2", "p q x"), ("3", "q y"), ("4", "y z")] {
            for i in items.split(' ') {
                train.entry(u.into()).or_default().insert(i.into(), row);
            }
        }
        let fitted = Fitted::fit(&train, ItemModelParams::default());
        let picks = BTreeMap::from([("p".to_string(), row), ("q".to_string(), row)]);
        let co = fitted.co_viewing(&picks);
        let ranked = fitted.rank(&picks, &co, 9, None);
        let names: Vec<&str> = ranked.iter().map(|x| x.0.as_str()).collect();
        // x: users 1 and 2 (2 shares both picks): 3; y: user 3: 1; z: nobody.
        assert_eq!(names, ["x", "y", "z"]);
        let scores: Vec<f32> = ranked.iter().map(|x| x.1).collect();
        assert_eq!(scores, [3.0, 1.0, 0.0]);
    }

    #[test]
    fn picks_are_each_users_earliest_rows() {
        let (train, test) = world();
        let rows = history(&train, &test, "3");
        let timed: Vec<(Option<i64>, String)> =
            rows.iter().map(|(i, t)| (t.at, i.clone())).collect();
        assert_eq!(pick_order(&timed, 9, 0)[..3], ["a0", "a1", "a2"]);
        assert_eq!(rows.len(), 12, "train and test rows together");
    }
}
