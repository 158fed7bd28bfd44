//! Cold start: the onboarding set a new profile picks from. Titles are
//! clustered by their collaborative factors (seeded k-means), and the most
//! popular titles of each cluster are offered in turn, so the set spans the
//! catalog's taste clusters instead of its top sellers.

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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OnboardingError {
    #[error("pick at least {MIN_PICKS} titles (got {0})")]
    TooFew(usize),
    #[error("title {0:?} was not offered in this profile's onboarding set (see `marquee onboarding --profile NAME`)")]
    NotOffered(String),
    #[error("title {0:?} was picked twice")]
    Repeated(String),
}

/// 20–30 titles (fewer only if the catalog is small) spanning taste clusters.
pub fn onboarding_set(model: &Model, maturity: Maturity, seed: u64) -> Vec<usize> {
    let pop = &model.trained.signals.popularity;
    let mut candidates: Vec<usize> = (0..model.titles.len())
        .filter(|&t| maturity.allows(model.titles[t].maturity))
        .collect();
    candidates.sort_by(|&a, &b| pop[b].total_cmp(&pop[a]).then(a.cmp(&b)));
    // The long tail is not a good first impression: offer from the better-known 70 %.
    let keep = (candidates.len() * 7)
        .div_ceil(10)
        .max(SET_SIZE.min(candidates.len()));
    candidates.truncate(keep);
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

/// Check picks against the offered set; returns their title indices.
pub fn check_picks(
    model: &Model,
    offered: &[usize],
    picks: &[String],
) -> Result<Vec<usize>, OnboardingError> {
    if picks.len() < MIN_PICKS {
        return Err(OnboardingError::TooFew(picks.len()));
    }
    let mut out = vec![];
    for id in picks {
        let t = model
            .title_index(id)
            .filter(|t| offered.contains(t))
            .ok_or_else(|| OnboardingError::NotOffered(id.clone()))?;
        if out.contains(&t) {
            return Err(OnboardingError::Repeated(id.clone()));
        }
        out.push(t);
    }
    Ok(out)
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
