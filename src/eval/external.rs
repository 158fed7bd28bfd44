//! The external evaluation mode: train the collaborative part of the ranker
//! on a TSV of positives (`user_id item_id rating timestamp`, as written by
//! the reference `split.py`), write each test user's top-k unseen items
//! (`user_id item_id rank score`) and score them with the reference
//! definitions, so others' tools can check the numbers.

use super::metrics::{evaluate, RankingMetrics};
use crate::rank::top::keep_best;
use crate::rank::{ItemModel, ItemModelParams, Positive, Progress};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {problem}")]
    Format {
        path: PathBuf,
        line: usize,
        problem: String,
    },
    #[error("{path}: no rows: a training file needs at least one positive")]
    Empty { path: PathBuf },
}

/// Refuse a training file with no rows.
pub fn check_trainable(path: &Path, rows: &Rows) -> Result<(), EvalError> {
    if rows.is_empty() {
        return Err(EvalError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// user → the items they have as positives, ids as written in the file.
pub type Positives = BTreeMap<String, BTreeSet<String>>;

/// One row's optional columns: the rating and the time it was given.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Taken {
    pub rating: Option<f64>,
    pub at: Option<i64>,
}

/// user → item → its rating and time, as read from a split file.
pub type Rows = BTreeMap<String, BTreeMap<String, Taken>>;

/// The items of each user, without ratings or times.
pub fn positives(rows: &Rows) -> Positives {
    rows.iter()
        .map(|(u, items)| (u.clone(), items.keys().cloned().collect()))
        .collect()
}

/// Read a `user_id item_id [rating timestamp]` TSV; a header line is skipped.
/// A pair that occurs twice keeps its later row (as split.py does).
pub fn read_rows(path: &Path) -> Result<Rows, EvalError> {
    let io = |source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let format = |line: usize, problem: String| EvalError::Format {
        path: path.to_path_buf(),
        line,
        problem,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut out = Rows::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io)?;
        let fields: Vec<&str> = line.trim_end_matches('\r').split('\t').collect();
        if line.trim().is_empty() {
            continue;
        }
        if i == 0 && matches!(fields[0], "user_id" | "user" | "userId") {
            continue;
        }
        if fields.len() < 2 || fields[0].is_empty() || fields[1].is_empty() {
            return Err(format(
                i + 1,
                format!("expected user_id<TAB>item_id[<TAB>rating<TAB>timestamp], got {line:?}"),
            ));
        }
        let column = |n: usize, name: &str| -> Result<Option<&str>, EvalError> {
            match fields.get(n).map(|f| f.trim()) {
                None | Some("") => Ok(None),
                Some(f) if f.parse::<f64>().is_ok_and(f64::is_finite) => Ok(Some(f)),
                Some(f) => Err(format(i + 1, format!("{name} {f:?} is not a number"))),
            }
        };
        let rating = column(2, "rating")?.map(|f| f.parse::<f64>().unwrap_or_default());
        let at = match column(3, "timestamp")? {
            Some(f) => Some(f.parse::<i64>().map_err(|_| {
                format(
                    i + 1,
                    format!("timestamp {f:?} is not a whole number of seconds"),
                )
            })?),
            None => None,
        };
        let taken = Taken { rating, at };
        let items = out.entry(fields[0].to_string()).or_default();
        match items.get(fields[1]) {
            Some(old) if old.at > taken.at => {}
            _ => {
                items.insert(fields[1].to_string(), taken);
            }
        }
    }
    Ok(out)
}

/// Every item id in the rows, once each, in id order (the model's columns).
fn item_ids(rows: &Rows) -> Vec<&String> {
    rows.values()
        .flat_map(|m| m.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// How many distinct items the rows hold (the item model's size).
pub fn item_count(rows: &Rows) -> usize {
    item_ids(rows).len()
}

/// Read only which items each user has (the test file, or any split file).
pub fn read_positives(path: &Path) -> Result<Positives, EvalError> {
    read_rows(path).map(|rows| positives(&rows))
}

/// One user's recommendations: (item id, score), best first.
pub type Recs = BTreeMap<String, Vec<(String, f32)>>;

/// How long after a user's last positive a title may first appear and still
/// be offered to them (see [`recommend`]). Chosen on validation splits.
pub const AVAILABILITY_SLACK_S: i64 = 24 * 3600;

/// Train the item model on `train` and recommend `k` unseen training items
/// to every user in `users`. A positive's confidence is
/// 1 + rating_weight · (its rating − the lowest rating in the file).
///
/// With `availability` (a slack in seconds), recommendations are as of each
/// user's last positive: a title nobody in `train` took up until more than
/// the slack after it did not exist yet for that user, so it ranks after
/// every title that did. Rows without times leave this rule out.
pub fn recommend(
    train: &Rows,
    users: &BTreeSet<String>,
    k: usize,
    params: ItemModelParams,
    availability: Option<i64>,
) -> Recs {
    use rayon::prelude::*;
    let fitted = Fitted::fit(train, params);
    let none = BTreeMap::new();
    let users: Vec<&String> = users.iter().collect();
    users
        .par_iter()
        .map(|&u| {
            let rows = train.get(u).unwrap_or(&none);
            (
                u.clone(),
                fitted.rank(rows, &fitted.scores(rows), k, availability),
            )
        })
        .collect()
}

/// The seed of the graph filter's range finder in the external mode (the
/// exact model above needs none): fixed, so two runs agree.
const FIT_SEED: u64 = 7;

/// Which training users have which items (indices into `Fitted::items`).
struct CoViewingIndex {
    user_items: Vec<Vec<u32>>,
    item_users: Vec<Vec<u32>>,
}

/// The item model trained on a split file, ready to rank for any user's rows
/// (those of a training user, or a new user's few picks).
pub struct Fitted<'a> {
    items: Vec<&'a String>,
    index: BTreeMap<&'a String, usize>,
    model: ItemModel,
    /// When each title was first taken up by anyone (rows with a time only).
    first_seen: Vec<Option<i64>>,
    /// How many training users have each title: the popularity baseline.
    counts: Vec<f32>,
    train: &'a Rows,
    /// Each training user's items, and each item's users: made on the first
    /// [`Fitted::co_viewing`], which only the cold-start protocol asks for.
    co_viewing_index: OnceLock<CoViewingIndex>,
    lowest: f64,
    params: ItemModelParams,
}

impl<'a> Fitted<'a> {
    pub fn fit(train: &'a Rows, params: ItemModelParams) -> Fitted<'a> {
        let items = item_ids(train);
        let index: BTreeMap<&String, usize> =
            items.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let lowest = train
            .values()
            .flat_map(|m| m.values().filter_map(|t| t.rating))
            .fold(f64::INFINITY, f64::min);
        let weigh = |m: &BTreeMap<String, Taken>| weighted(m, &index, lowest, params);
        let lists: Vec<Vec<Positive>> = train.values().map(weigh).collect();
        let model = ItemModel::train(&lists, items.len(), params, FIT_SEED, Progress::NONE, None);
        let mut first_seen = vec![None; items.len()];
        let mut counts = vec![0.0; items.len()];
        for (id, t) in train.values().flatten() {
            let i = index[id];
            counts[i] += 1.0;
            if let Some(at) = t.at {
                let f: &mut Option<i64> = &mut first_seen[i];
                *f = Some(f.map_or(at, |seen| seen.min(at)));
            }
        }
        Fitted {
            items,
            index,
            model,
            first_seen,
            counts,
            train,
            co_viewing_index: OnceLock::new(),
            lowest,
            params,
        }
    }

    fn positives(&self, rows: &BTreeMap<String, Taken>) -> Vec<Positive> {
        weighted(rows, &self.index, self.lowest, self.params)
    }

    /// The item model's score of every item for a user with these rows.
    pub fn scores(&self, rows: &BTreeMap<String, Taken>) -> Vec<f32> {
        let liked: Vec<(usize, f32)> = self
            .positives(rows)
            .iter()
            .map(|x| (x.item, x.weight))
            .collect();
        self.model.scores(&liked).to_vec()
    }

    /// Co-viewing with a new user's few picks: each item's count of
    /// training users who have it together with a pick, summed over the picks
    /// (a user sharing two picks counts twice). Popularity among the people
    /// who chose like the new user; chosen over weighting users by the square
    /// of what they share, or by their history's length, on validation
    /// splits (docs/evaluation.md).
    pub fn co_viewing(&self, rows: &BTreeMap<String, Taken>) -> Vec<f32> {
        let index = self.co_viewing_index.get_or_init(|| {
            let user_items: Vec<Vec<u32>> = self
                .train
                .values()
                .map(|m| self.positives(m).iter().map(|x| x.item as u32).collect())
                .collect();
            let mut item_users = vec![vec![]; self.items.len()];
            for (u, l) in user_items.iter().enumerate() {
                for &i in l {
                    item_users[i as usize].push(u as u32);
                }
            }
            CoViewingIndex {
                user_items,
                item_users,
            }
        });
        let mut scores = vec![0f32; self.items.len()];
        for pick in self.positives(rows) {
            for &u in &index.item_users[pick.item] {
                for &i in &index.user_items[u as usize] {
                    scores[i as usize] += 1.0;
                }
            }
        }
        scores
    }

    /// How many training users have each item.
    pub fn popularity(&self) -> &[f32] {
        &self.counts
    }

    /// The `k` best items by `scores` that are not in `rows`, with the
    /// availability rule (see [`recommend`]) when `availability` is given.
    pub fn rank(
        &self,
        rows: &BTreeMap<String, Taken>,
        scores: &[f32],
        k: usize,
        availability: Option<i64>,
    ) -> Vec<(String, f32)> {
        let items = &self.items;
        let last_positive = rows.values().filter_map(|t| t.at).max();
        let offered_until = availability
            .zip(last_positive)
            .map(|(slack, last)| last + slack);
        let late = |i: usize| {
            offered_until.is_some_and(|until| self.first_seen[i].is_some_and(|f| f > until))
        };
        let seen: BTreeSet<usize> = self.positives(rows).iter().map(|x| x.item).collect();
        let mut ranked: Vec<(bool, f32, usize)> = scores
            .iter()
            .enumerate()
            .filter(|(i, _)| !seen.contains(i))
            .map(|(i, &s)| (late(i), s, i))
            .collect();
        // Available first, then score descending, then item id ascending:
        // a total, reproducible order. Only the top k need sorting.
        let order = |a: &(bool, f32, usize), b: &(bool, f32, usize)| {
            a.0.cmp(&b.0)
                .then_with(|| b.1.total_cmp(&a.1))
                .then_with(|| items[a.2].cmp(items[b.2]))
        };
        keep_best(&mut ranked, k, order);
        ranked
            .into_iter()
            .map(|(_, s, i)| (items[i].clone(), s))
            .collect()
    }
}

/// A user's rows as the item model's weighted positives: confidence
/// 1 + rating_weight · (rating − the lowest rating); unknown items are left out.
fn weighted(
    rows: &BTreeMap<String, Taken>,
    index: &BTreeMap<&String, usize>,
    lowest: f64,
    params: ItemModelParams,
) -> Vec<Positive> {
    rows.iter()
        .filter_map(|(id, t)| {
            Some(Positive {
                item: *index.get(id)?,
                weight: t.rating.map_or(1.0, |r| {
                    1.0 + params.rating_weight * (r - lowest).max(0.0) as f32
                }),
                at: t.at.unwrap_or(0),
            })
        })
        .collect()
}

/// Write recommendations as `user_id item_id rank score` with a header line.
pub fn write_recs(path: &Path, recs: &Recs) -> Result<(), EvalError> {
    let io = |source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut out = BufWriter::new(std::fs::File::create(path).map_err(io)?);
    writeln!(out, "user_id\titem_id\trank\tscore").map_err(io)?;
    for (user, list) in recs {
        for (rank, (item, score)) in list.iter().enumerate() {
            writeln!(out, "{user}\t{item}\t{}\t{score:.6}", rank + 1).map_err(io)?;
        }
    }
    out.flush().map_err(io)
}

/// Score recommendations against the test positives with the reference definitions.
pub fn score(train: &Positives, test: &Positives, recs: &Recs, k: usize) -> RankingMetrics {
    let ranked: BTreeMap<String, Vec<String>> = recs
        .iter()
        .map(|(u, l)| (u.clone(), l.iter().map(|x| x.0.clone()).collect()))
        .collect();
    evaluate(train, test, &ranked, k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn reads_the_split_format_and_names_a_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let ok = write(
            dir.path(),
            "train.tsv",
            "user_id\titem_id\trating\ttimestamp\n1\t10\t5\t100\n1\t11\t4\t101\n2\t10\t4\t99\n",
        );
        let p = read_positives(&ok).unwrap();
        assert_eq!(p["1"].len(), 2);
        assert_eq!(p["2"].iter().collect::<Vec<_>>(), vec!["10"]);
        let bad = write(dir.path(), "bad.tsv", "user_id\titem_id\n1\t10\n2 11\n");
        let err = read_positives(&bad).unwrap_err().to_string();
        assert!(
            err.contains("bad.tsv:3:") && err.contains("expected user_id"),
            "{err}"
        );
    }

    #[test]
    fn keeps_ratings_and_times_and_names_a_bad_timestamp() {
        let dir = tempfile::tempdir().unwrap();
        let ok = write(
            dir.path(),
            "train.tsv",
            "user_id\titem_id\trating\ttimestamp\n1\t10\t4\t100\n1\t10\t5\t90\n1\t11\t4.5\t101\n2\t10\n",
        );
        let rows = read_rows(&ok).unwrap();
        let taken = |u: &str, i: &str| rows[u][i];
        assert_eq!(
            taken("1", "10"),
            Taken {
                rating: Some(4.0),
                at: Some(100)
            },
            "a repeated pair keeps its later row"
        );
        assert_eq!(taken("1", "11").rating, Some(4.5));
        assert_eq!(
            taken("2", "10"),
            Taken::default(),
            "rating and time are optional"
        );
        let bad = write(
            dir.path(),
            "bad.tsv",
            "user_id\titem_id\trating\ttimestamp\n1\t10\t5\t100\n1\t11\t5\tyesterday\n",
        );
        let err = read_rows(&bad).unwrap_err().to_string();
        assert!(
            err.contains("bad.tsv:3:") && err.contains("timestamp \"yesterday\""),
            "{err}"
        );
    }

    #[test]
    fn one_sitting_decides_between_equal_neighbours() {
        // Users 1–4 liked a with both b and c, c in the same sitting (b months
        // later); user 9 liked a. Ties go to the lower id, so b would win a tie.
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("user_id\titem_id\trating\ttimestamp\n");
        for u in 1..=4 {
            text += &format!("{u}\ta\t4\t0\n{u}\tc\t4\t60\n{u}\tb\t4\t9000000\n");
        }
        text += "9\ta\t4\t0\n";
        let path = write(dir.path(), "train.tsv", &text);
        let rows = read_rows(&path).unwrap();
        let users: BTreeSet<String> = ["9".to_string()].into();
        let top = |params| recommend(&rows, &users, 1, params, None)["9"][0].0.clone();
        let no_sessions = ItemModelParams {
            session_weight: 0.0,
            ..ItemModelParams::default()
        };
        assert_eq!(
            top(ItemModelParams::default()),
            "c",
            "c was taken up in a's sitting"
        );
        let tied = recommend(&rows, &users, 2, no_sessions, None)["9"].clone();
        assert!((tied[0].1 - tied[1].1).abs() < 1e-6, "{tied:?}");
    }

    #[test]
    fn a_five_star_title_leads_to_its_neighbours_first() {
        // 1–4 liked x and q, 5–8 liked y and p; user 9 gave x five stars and y
        // four. Ties go to the lower id, so p would win a tie.
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("user_id\titem_id\trating\ttimestamp\n");
        for u in 1..=4 {
            text += &format!("{u}\tx\t4\t0\n{u}\tq\t4\t0\n");
            text += &format!("{}\ty\t4\t0\n{}\tp\t4\t0\n", u + 4, u + 4);
        }
        text += "9\tx\t5\t0\n9\ty\t4\t0\n";
        let rows = read_rows(&write(dir.path(), "train.tsv", &text)).unwrap();
        let users: BTreeSet<String> = ["9".to_string()].into();
        let recs = recommend(&rows, &users, 2, ItemModelParams::default(), None);
        assert_eq!(recs["9"][0].0, "q", "{recs:?}");
        let flat = ItemModelParams {
            rating_weight: 0.0,
            ..ItemModelParams::default()
        };
        let recs = recommend(&rows, &users, 2, flat, None);
        assert!((recs["9"][0].1 - recs["9"][1].1).abs() < 1e-6, "{recs:?}");
    }

    #[test]
    fn a_title_that_first_appears_after_the_users_last_positive_ranks_last() {
        // 1–4 liked a with n, taken up on day 10; 5–6 liked a with o on day 0.
        // User 9 liked a on day 2. n is a's stronger neighbour, but nobody took
        // it up until 8 days after user 9's last positive.
        let day = crate::catalog::DAY_SECONDS;
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("user_id\titem_id\trating\ttimestamp\n");
        for u in 1..=4 {
            text += &format!("{u}\ta\t4\t{}\n{u}\tn\t4\t{}\n", 10 * day, 10 * day);
        }
        for u in 5..=6 {
            text += &format!("{u}\ta\t4\t0\n{u}\to\t4\t0\n");
        }
        text += &format!("9\ta\t4\t{}\n", 2 * day);
        let rows = read_rows(&write(dir.path(), "train.tsv", &text)).unwrap();
        let users: BTreeSet<String> = ["9".to_string()].into();
        let ids = |slack| -> Vec<String> {
            recommend(&rows, &users, 2, ItemModelParams::default(), slack)["9"]
                .iter()
                .map(|x| x.0.clone())
                .collect()
        };
        assert_eq!(
            ids(None),
            ["n", "o"],
            "without the rule, the stronger neighbour leads"
        );
        assert_eq!(ids(Some(AVAILABILITY_SLACK_S)), ["o", "n"]);
        // Within the slack, a title counts as available.
        assert_eq!(ids(Some(9 * day)), ["n", "o"]);
    }

    #[test]
    fn an_empty_training_file_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let empty = write(
            dir.path(),
            "empty.tsv",
            "user_id\titem_id\trating\ttimestamp\n",
        );
        let err = check_trainable(&empty, &read_rows(&empty).unwrap()).unwrap_err();
        assert!(err
            .to_string()
            .starts_with(&format!("{}: no rows", empty.display())));
    }
}
