//! Placing external scores on Marquee's own scale, by rank: among the
//! candidates, the ranker's k-th best title gets the k-th best score Marquee
//! itself gave. The order is the ranker's exactly; the values keep Marquee's
//! calibration, so "% Match", row relevance, the diversity penalty and
//! search blending work unchanged whatever scale the ranker scores on.
//! Candidates the ranker left unscored follow, in Marquee's own order.

use super::Answer;

/// `own[t]` is Marquee's score of title `t`; `ids[t]` its id (the tie-break).
/// Returns (title, placed score) for every candidate.
pub fn place(
    own: &[f64],
    ids: &[&str],
    candidates: &[usize],
    answers: &[Answer],
) -> Vec<(usize, f64)> {
    let mut values: Vec<f64> = candidates.iter().map(|&t| own[t]).collect();
    values.sort_by(|a, b| b.total_cmp(a));
    let mut theirs: Vec<(f64, usize)> = answers.iter().map(|a| (a.score, a.title)).collect();
    theirs.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| ids[a.1].cmp(ids[b.1])));
    let scored: std::collections::BTreeSet<usize> = theirs.iter().map(|x| x.1).collect();
    let mut rest: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|t| !scored.contains(t))
        .collect();
    rest.sort_by(|&a, &b| own[b].total_cmp(&own[a]).then_with(|| ids[a].cmp(ids[b])));
    theirs
        .into_iter()
        .map(|x| x.1)
        .chain(rest)
        .zip(values)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(title: usize, score: f64) -> Answer {
        Answer {
            title,
            score,
            contributions: vec![],
            reason: None,
        }
    }

    #[test]
    fn the_rankers_order_on_marquees_values() {
        // Marquee likes 0 best; the ranker likes 2, then 1, on a scale of its own.
        let own = [3.0, 2.0, 1.0, 9.0];
        let ids = ["a", "b", "c", "z"];
        let placed = place(&own, &ids, &[0, 1, 2], &[answer(2, 500.0), answer(1, 40.0)]);
        assert_eq!(placed, vec![(2, 3.0), (1, 2.0), (0, 1.0)]);
    }

    #[test]
    fn ties_in_the_rankers_scores_break_by_title_id() {
        let own = [2.0, 1.0];
        let ids = ["b", "a"];
        let placed = place(&own, &ids, &[0, 1], &[answer(0, 1.0), answer(1, 1.0)]);
        assert_eq!(placed, vec![(1, 2.0), (0, 1.0)]);
    }
}
