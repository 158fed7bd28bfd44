//! Cold start: the onboarding set a new profile picks from. The set shown
//! is a greedy cover of the members' tastes ([`cover_set`]): as many members
//! as possible find three titles they like in it. The set it replaced
//! ([`cluster_set`]: the most popular titles of each taste cluster in turn)
//! stays, so `marquee eval --onboarding` can score the two side by side.

use crate::catalog::Maturity;
use crate::rank::Model;
use ndarray::Array1;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

pub const MIN_PICKS: usize = 3;
const CLUSTERS: usize = 10;
const SET_SIZE: usize = 24;
const PER_CLUSTER: usize = 3;
const PER_GENRE: usize = 4;
/// Members the cover set is chosen for, at most.
const COVER_MEMBERS: usize = 2_000;
/// The share of the offerable titles a member counts as liking.
const LIKED_SHARE: f64 = 0.1;

/// What is wrong with one pick, or with the picks as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickProblem {
    /// No title in the catalog has this id.
    Unknown(String),
    /// The title is rated above the profile's maturity limit.
    AboveLimit {
        id: String,
        name: String,
        rating: Maturity,
        limit: Maturity,
    },
    /// A real title the profile may watch, but not one of those offered.
    NotOffered(String),
    Repeated(String),
    /// Fewer than `MIN_PICKS` good picks.
    TooFew(usize),
}

impl std::fmt::Display for PickProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PickProblem::Unknown(id) => write!(f, "{id:?} is not a title in the catalog"),
            PickProblem::AboveLimit {
                id,
                name,
                rating,
                limit,
            } => write!(
                f,
                "{id:?} ({}) is rated {rating}, above this profile's limit of {limit}",
                crate::text::sanitize(name)
            ),
            PickProblem::NotOffered(id) => write!(
                f,
                "{id:?} was not offered in this profile's onboarding set (see `marquee onboarding --profile NAME`)"
            ),
            PickProblem::Repeated(id) => write!(f, "{id:?} was picked twice"),
            PickProblem::TooFew(n) => write!(
                f,
                "pick at least {MIN_PICKS} titles (there {} {})",
                if *n == 1 { "is" } else { "are" },
                crate::text::count(*n as u64, "good pick", "good picks")
            ),
        }
    }
}

/// Every problem with a set of picks, each pick named; nothing is recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
pub struct OnboardingError(pub Vec<PickProblem>);

/// The onboarding set a new profile is shown: [`cover_set`], which gives
/// more simulated new members three titles they like than [`cluster_set`]
/// did (docs/evaluation.md, "Cold start").
pub fn onboarding_set(model: &Model, maturity: Maturity, seed: u64) -> Vec<usize> {
    cover_set(model, maturity, seed)
}

/// The titles a set may offer, most popular first: within the maturity
/// limit, and from the better-known 70 % (the long tail is not a good first
/// impression).
fn offerable(model: &Model, maturity: Maturity) -> Vec<usize> {
    let pop = &model.trained.signals.popularity;
    let mut candidates: Vec<usize> = (0..model.titles.len())
        .filter(|&t| maturity.allows(model.titles[t].maturity))
        .collect();
    candidates.sort_by(|&a, &b| pop[b].total_cmp(&pop[a]).then(a.cmp(&b)));
    let keep = (candidates.len() * 7)
        .div_ceil(10)
        .max(SET_SIZE.min(candidates.len()));
    candidates.truncate(keep);
    candidates
}

/// A title's first genre, for the per-genre cap.
fn first_genre(model: &Model, t: usize) -> &str {
    model.titles[t].genres.first().map_or("", String::as_str)
}

/// The set chosen for the members it serves: as many training members as
/// possible should find at least [`MIN_PICKS`] titles they like in it. A
/// member "likes" the top [`LIKED_SHARE`] of the offerable titles by their
/// collaborative score (the simulation's viewers play their top 10 % by
/// true appeal). Greedy maximum cover: each step adds the title liked by the
/// most members still short of three (then by the most members in all, then
/// by popularity), at most [`PER_GENRE`] per first genre; [`SET_SIZE`] titles.
/// Members are [`COVER_MEMBERS`] evenly spaced rows at most, so a set takes
/// milliseconds.
pub fn cover_set(model: &Model, maturity: Maturity, _seed: u64) -> Vec<usize> {
    let pop = &model.trained.signals.popularity;
    let candidates = offerable(model, maturity);
    let als = &model.trained.signals.als;
    let liked_n = ((candidates.len() as f64 * LIKED_SHARE).round() as usize).max(1);
    let step = als.user.nrows().div_ceil(COVER_MEMBERS).max(1);
    // Candidate position → the members (rows) who like it.
    let mut likers: Vec<Vec<usize>> = vec![vec![]; candidates.len()];
    let mut members = 0usize;
    for row in (0..als.user.nrows()).step_by(step) {
        let u = als.user.row(row);
        if u.iter().all(|&x| x == 0.0) {
            continue;
        }
        let mut scored: Vec<(f32, usize)> = candidates
            .iter()
            .enumerate()
            .map(|(i, &t)| (als.item.row(t).dot(&u), i))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, i) in scored.iter().take(liked_n) {
            likers[i].push(members);
        }
        members += 1;
    }
    let mut short = vec![MIN_PICKS; members];
    let mut taken = vec![false; candidates.len()];
    let mut per_genre: BTreeMap<&str, usize> = BTreeMap::new();
    let mut set = vec![];
    while set.len() < SET_SIZE.min(candidates.len()) {
        let allowed = |i: usize| {
            !taken[i]
                && per_genre
                    .get(first_genre(model, candidates[i]))
                    .copied()
                    .unwrap_or(0)
                    < PER_GENRE
        };
        let mut open: Vec<usize> = (0..candidates.len()).filter(|&i| allowed(i)).collect();
        if open.is_empty() {
            // Every genre is at its cap: fill from the rest.
            open = (0..candidates.len()).filter(|&i| !taken[i]).collect();
        }
        let key = |i: usize| {
            let still_short = likers[i].iter().filter(|&&u| short[u] > 0).count();
            (still_short, likers[i].len())
        };
        let Some(best) = open.into_iter().max_by(|&a, &b| {
            key(a)
                .cmp(&key(b))
                .then(pop[candidates[a]].total_cmp(&pop[candidates[b]]))
                .then(b.cmp(&a))
        }) else {
            break;
        };
        taken[best] = true;
        for &u in &likers[best] {
            short[u] = short[u].saturating_sub(1);
        }
        *per_genre
            .entry(first_genre(model, candidates[best]))
            .or_default() += 1;
        set.push(candidates[best]);
    }
    set
}

/// The set as it was chosen before [`cover_set`]: 20–30 titles (fewer only if
/// the catalog is small) spanning taste clusters.
pub fn cluster_set(model: &Model, maturity: Maturity, seed: u64) -> Vec<usize> {
    let pop = &model.trained.signals.popularity;
    let candidates = offerable(model, maturity);
    let vectors: Vec<Array1<f32>> = candidates
        .iter()
        .map(|&t| {
            let v = model.trained.signals.als.item.row(t).to_owned();
            let n = v.dot(&v).sqrt().max(1e-9);
            v / n
        })
        .collect();
    let assign = kmeans(&vectors, CLUSTERS.min(candidates.len()), seed);
    let mut clusters: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &c) in assign.iter().enumerate() {
        clusters.entry(c).or_default().push(candidates[i]);
    }
    // Clusters in order of their best title's popularity; members already sorted by popularity.
    let mut queues: Vec<Vec<usize>> = clusters.into_values().collect();
    queues.sort_by(|a, b| pop[b[0]].total_cmp(&pop[a[0]]).then(a[0].cmp(&b[0])));
    let mut set = vec![];
    let mut per_genre: BTreeMap<&str, usize> = BTreeMap::new();
    for round in 0..PER_CLUSTER {
        for q in &queues {
            if set.len() >= SET_SIZE {
                break;
            }
            let pick = q.iter().skip(round).find(|&&t| {
                !set.contains(&t)
                    && per_genre
                        .get(model.titles[t].genres.first().map_or("", String::as_str))
                        .copied()
                        .unwrap_or(0)
                        < PER_GENRE
            });
            if let Some(&t) = pick {
                *per_genre
                    .entry(model.titles[t].genres.first().map_or("", String::as_str))
                    .or_default() += 1;
                set.push(t);
            }
        }
    }
    for &t in &candidates {
        if set.len() >= 20.min(candidates.len()) {
            break;
        }
        if !set.contains(&t) {
            set.push(t);
        }
    }
    set
}

/// Check picks against the offered set for a profile limited to `limit`;
/// returns their title indices. Every pick is checked, so the error names
/// each unknown id, each title above the limit and each one not offered,
/// and says how many good picks are left when that is too few.
pub fn check_picks(
    model: &Model,
    limit: Maturity,
    offered: &[usize],
    picks: &[String],
) -> Result<Vec<usize>, OnboardingError> {
    let mut out = vec![];
    let mut problems = vec![];
    for id in picks {
        let problem = match model.title_index(id) {
            None => PickProblem::Unknown(id.clone()),
            Some(t) if !limit.allows(model.titles[t].maturity) => PickProblem::AboveLimit {
                id: id.clone(),
                name: model.titles[t].name.clone(),
                rating: model.titles[t].maturity,
                limit,
            },
            Some(t) if !offered.contains(&t) => PickProblem::NotOffered(id.clone()),
            Some(t) if out.contains(&t) => PickProblem::Repeated(id.clone()),
            Some(t) => {
                out.push(t);
                continue;
            }
        };
        problems.push(problem);
    }
    if out.len() < MIN_PICKS {
        problems.push(PickProblem::TooFew(out.len()));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(OnboardingError(problems))
    }
}

/// Seeded k-means (k-means++ start, cosine on unit vectors); returns each point's cluster.
fn kmeans(points: &[Array1<f32>], k: usize, seed: u64) -> Vec<usize> {
    if points.is_empty() || k == 0 {
        return vec![0; points.len()];
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut centres = vec![points[rng.gen_range(0..points.len())].clone()];
    while centres.len() < k {
        let d: Vec<f32> = points
            .iter()
            .map(|p| {
                centres
                    .iter()
                    .map(|c| 1.0 - p.dot(c))
                    .fold(f32::MAX, f32::min)
                    .max(0.0)
            })
            .collect();
        let total: f32 = d.iter().sum();
        if total <= 0.0 {
            break;
        }
        let mut x = rng.gen::<f32>() * total;
        let mut pick = points.len() - 1;
        for (i, di) in d.iter().enumerate() {
            if x < *di {
                pick = i;
                break;
            }
            x -= di;
        }
        centres.push(points[pick].clone());
    }
    let mut assign = vec![0; points.len()];
    for _ in 0..15 {
        for (i, p) in points.iter().enumerate() {
            assign[i] = (0..centres.len())
                .max_by(|&a, &b| {
                    p.dot(&centres[a])
                        .total_cmp(&p.dot(&centres[b]))
                        .then(b.cmp(&a))
                })
                .unwrap_or(0);
        }
        for (c, centre) in centres.iter_mut().enumerate() {
            let mut sum = Array1::<f32>::zeros(centre.len());
            for (i, p) in points.iter().enumerate() {
                if assign[i] == c {
                    sum += p;
                }
            }
            let n = sum.dot(&sum).sqrt();
            if n > 0.0 {
                *centre = sum / n;
            }
        }
    }
    assign
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::tiny_session;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_unknown_id_and_a_pick_above_the_limit_are_named_not_counted() {
        // kit is limited to TV-Y7; m1 (The Grey Harbour) is TV-MA; t9999 does not exist.
        let s = tiny_session("kit");
        let offered = s.onboarding();
        let err = check_picks(s.model(), Maturity::TvY7, &offered, &ids(&["m1", "t9999"]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"t9999\" is not a title in the catalog"),
            "{err}"
        );
        assert!(
            err.contains(
                "\"m1\" (The Grey Harbour) is rated TV-MA, above this profile's limit of TV-Y7"
            ),
            "{err}"
        );
        assert!(err.contains("there are 0 good picks"), "{err}");
        assert!(!err.contains("got 2"), "{err}");
    }

    #[test]
    fn good_picks_pass_and_one_short_says_how_many_are_good() {
        let s = tiny_session("new");
        let offered = s.onboarding();
        let good: Vec<String> = offered
            .iter()
            .take(3)
            .map(|&t| s.model().titles[t].id.clone())
            .collect();
        assert_eq!(
            check_picks(s.model(), Maturity::TvMa, &offered, &good).unwrap(),
            offered[..3]
        );
        let mut twice = good.clone();
        twice[2] = twice[0].clone();
        let err = check_picks(s.model(), Maturity::TvMa, &offered, &twice)
            .unwrap_err()
            .to_string();
        assert!(err.contains("was picked twice"), "{err}");
        assert!(err.contains("there are 2 good picks"), "{err}");
    }
}
