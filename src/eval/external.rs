//! The external evaluation mode: train the collaborative part of the ranker
//! on a TSV of positives (`user_id item_id rating timestamp`, as written by
//! the reference `split.py`), write each test user's top-k unseen items
//! (`user_id item_id rank score`) and score them with the reference
//! definitions, so others' tools can check the numbers.

use super::metrics::{evaluate, RankingMetrics};
use crate::rank::Ease;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

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

/// user → the items they have as positives, ids as written in the file.
pub type Positives = BTreeMap<String, BTreeSet<String>>;

/// Read a `user_id item_id [rating timestamp]` TSV; a header line is skipped.
pub fn read_positives(path: &Path) -> Result<Positives, EvalError> {
    let io = |source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut out = Positives::new();
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
            return Err(EvalError::Format {
                path: path.to_path_buf(),
                line: i + 1,
                problem: format!(
                    "expected user_id<TAB>item_id[<TAB>rating<TAB>timestamp], got {line:?}"
                ),
            });
        }
        out.entry(fields[0].to_string())
            .or_default()
            .insert(fields[1].to_string());
    }
    Ok(out)
}

/// One user's recommendations: (item id, score), best first.
pub type Recs = BTreeMap<String, Vec<(String, f32)>>;

/// Train on `train` and recommend `k` unseen training items to every user in `users`.
pub fn recommend(
    train: &Positives,
    users: &BTreeSet<String>,
    k: usize,
    model: &dyn Fn(&[Vec<usize>], usize) -> Ease,
) -> Recs {
    let items: Vec<&String> = train
        .values()
        .flatten()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let index: BTreeMap<&String, usize> =
        items.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let lists: Vec<Vec<usize>> = train
        .values()
        .map(|s| s.iter().map(|i| index[i]).collect())
        .collect();
    let fitted = model(&lists, items.len());
    let row_of: BTreeMap<&String, usize> = train.keys().enumerate().map(|(r, u)| (u, r)).collect();
    users
        .iter()
        .map(|u| {
            let seen: &[usize] = row_of.get(u).map_or(&[], |&r| &lists[r]);
            let liked: Vec<(usize, f32)> = seen.iter().map(|&i| (i, 1.0)).collect();
            let scores = fitted.scores(&liked);
            let seen: BTreeSet<usize> = seen.iter().copied().collect();
            let mut ranked: Vec<(usize, f32)> = scores
                .iter()
                .copied()
                .enumerate()
                .filter(|(i, _)| !seen.contains(i))
                .collect();
            // Score descending, then item id ascending: a total, reproducible order.
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| items[a.0].cmp(items[b.0])));
            ranked.truncate(k);
            (
                u.clone(),
                ranked
                    .into_iter()
                    .map(|(i, s)| (items[i].clone(), s))
                    .collect(),
            )
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
}
