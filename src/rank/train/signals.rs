//! Title-level signals learned from an event log up to a moment: ALS
//! factors, the EASE item model and its neighbour lists, popularity,
//! per-region trending, completion propensity, and how each title's plays
//! lean to a time of day or a device. Training computes them twice: once on
//! the log before a cutoff (to fit the ranking layer on what came after),
//! once on the whole log (to serve pages).

use super::als::{Als, AlsParams};
use super::ease::Positive;
use super::interactions::{Cell, EventKey, Interactions};
use super::item_model::ItemModel;
use super::packed::{Dense, Lists};
use super::progress::Progress;
use crate::catalog::{is_finished, Action, Event, DAY_SECONDS as DAY};
use crate::rank::config::TrainingParams;
use crate::rank::top::keep_best;
use crate::rank::{DayKind, TimeOfDay};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Neighbours kept per title.
pub const NEIGHBOURS: usize = 40;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Signals {
    /// The moment the signals describe: events at or after it were not used.
    pub end: i64,
    pub als: Als,
    pub item_model: ItemModel,
    /// Per title: the most similar titles by co-engagement, best first.
    pub neighbours: Lists,
    pub popularity: Vec<f32>,
    /// Region code → 0–1 trending score per title; `""` is everywhere.
    pub trending: BTreeMap<String, Vec<f32>>,
    /// Smoothed share of plays that were finished.
    pub completion: Vec<f32>,
    /// Per title, log-lift of its plays in each time of day over the catalog's mix.
    pub tod_lift: Vec<[f32; 4]>,
    /// Per title, log-lift of its plays on each device over the catalog's mix.
    pub device_lift: Vec<[f32; 4]>,
    /// Per title, log-lift of its plays on weekdays and at weekends over the catalog's mix.
    pub day_lift: Vec<[f32; 2]>,
    /// Per member row: how often they played titles shown with each artwork theme.
    pub member_themes: Vec<[u16; 10]>,
}

/// What one pass hands the next to start from: its taste factors and, from
/// a graph filter, its low-pass basis (not the links: they are made anew).
pub struct WarmStart {
    pub als: Als,
    pub basis: Option<Dense>,
}

/// What the signals are computed from.
pub struct LogView<'a> {
    pub events: &'a [Event],
    pub member_index: &'a BTreeMap<i64, usize>,
    pub member_region: &'a [String],
    pub title_index: &'a BTreeMap<String, usize>,
    /// Theme index of every artwork id.
    pub artwork_theme: &'a BTreeMap<String, usize>,
    /// Each event's row, column and theme (`EventKey::all` over the maps above).
    pub keys: &'a [EventKey],
}

impl Signals {
    /// The parts a later pass starts from; the rest is freed here.
    pub fn into_warm_start(self) -> WarmStart {
        WarmStart {
            als: self.als,
            basis: self.item_model.into_low_pass_basis(),
        }
    }

    /// The signals of the log before `end`. `warm`, what a pass on an
    /// earlier moment of the same log handed on, is where the large-log
    /// forms of the taste factors and the item model's basis start (see
    /// [`Als::train_reporting`], [`ItemModel::train`]).
    pub fn compute(
        log: &LogView,
        end: i64,
        p: &TrainingParams,
        progress: Progress,
        warm: Option<&WarmStart>,
    ) -> Signals {
        progress.report("reading the log", 0, 1);
        let n = log.title_index.len();
        let inter = Interactions::from_keys(
            log.events,
            log.keys,
            log.member_index.len(),
            n,
            Some(end),
            p.alpha,
        );
        let by_title = inter.by_title();
        let als = Als::train_reporting(
            &inter.by_member,
            &by_title,
            AlsParams {
                factors: p.factors,
                iterations: p.iterations,
                lambda: p.lambda,
            },
            p.seed,
            progress,
            warm.map(|w| &w.als),
        );
        progress.report("item model", 0, 1);
        let positives = positive_lists(&inter.by_member);
        // A pass's memory peaks in the item model: ALS's cells go first.
        drop((inter, by_title));
        let start = warm.and_then(|w| w.basis.as_ref()).map(Dense::view);
        let item_model = ItemModel::train(&positives, n, p.item_model, p.seed, progress, start);
        drop(positives);
        progress.report("neighbours", 0, 1);
        let neighbours = {
            use rayon::prelude::*;
            (0..n)
                .into_par_iter()
                .map(|i| top_k(item_model.neighbour_candidates(i), i, NEIGHBOURS))
                .collect::<Vec<_>>()
                .into()
        };

        progress.report("counts", 0, 1);
        let mut viewers_90d = vec![0u32; n];
        let mut trending: BTreeMap<String, Vec<f32>> = BTreeMap::new();
        let mut plays = vec![0f32; n];
        let mut finished = vec![0f32; n];
        let mut tod = vec![[0f32; 4]; n];
        let mut dev = vec![[0f32; 4]; n];
        let mut day = vec![[0f32; 2]; n];
        let mut member_themes = vec![[0u16; 10]; log.member_index.len()];
        let mut last_pair = (usize::MAX, usize::MAX);
        for (e, key) in log.events.iter().zip(log.keys).filter(|(e, _)| e.at < end) {
            let Some((m, t)) = key.get() else {
                continue;
            };
            if let Some(theme) = key.theme() {
                member_themes[m][theme] = member_themes[m][theme].saturating_add(1);
            }
            if e.action != Action::Play {
                continue;
            }
            plays[t] += 1.0;
            if is_finished(e.progress) {
                finished[t] += 1.0;
            }
            tod[t][TimeOfDay::of_event(e.at, e.offset_min).index()] += 1.0;
            dev[t][e.device.index()] += 1.0;
            day[t][DayKind::of_event(e.at, e.offset_min).index()] += 1.0;
            let age = end - e.at;
            if age < 90 * DAY && last_pair != (m, t) {
                viewers_90d[t] += 1;
                last_pair = (m, t);
            }
            if age < 14 * DAY {
                let w = (-(age as f32) / (3.0 * DAY as f32)).exp();
                for key in ["", log.member_region[m].as_str()] {
                    trending
                        .entry(key.to_string())
                        .or_insert_with(|| vec![0.0; n])[t] += w;
                }
            }
        }
        let total_plays: f32 = plays.iter().sum::<f32>().max(1.0);
        let overall_completion = finished.iter().sum::<f32>() / total_plays;
        let completion = (0..n)
            .map(|t| (finished[t] + 5.0 * overall_completion) / (plays[t] + 5.0))
            .collect();
        let tod_lift = lifts(&tod);
        let device_lift = lifts(&dev);
        let day_lift = lifts(&day);
        let popularity = log_normalise(viewers_90d.iter().map(|&v| v as f32));
        for v in trending.values_mut() {
            *v = log_normalise(v.iter().copied());
        }
        let signals = Signals {
            end,
            als,
            item_model,
            neighbours,
            popularity,
            trending,
            completion,
            tod_lift,
            device_lift,
            day_lift,
            member_themes,
        };
        progress.report("counts", 1, 1);
        signals
    }

    /// Trending for a region, or everywhere when the region has too little data.
    pub fn trending_in(&self, region: &str) -> (&[f32], bool) {
        match self.trending.get(region) {
            Some(v) if v.iter().filter(|&&x| x > 0.0).count() >= 10 => (v, true),
            _ => (
                self.trending.get("").map(Vec::as_slice).unwrap_or(&[]),
                false,
            ),
        }
    }

    /// Scores of the collaborative item model for a set of weighted liked titles.
    pub fn item_model_scores(&self, liked: &[(usize, f32)]) -> Vec<f32> {
        self.item_model.scores(liked).to_vec()
    }

    pub fn fold_in(&self, cells: &[Cell]) -> ndarray::Array1<f32> {
        self.als.fold_in(cells)
    }
}

/// log((count + 1) / (expected + 1)) per title and slot, expected from the overall mix.
fn lifts<const K: usize>(counts: &[[f32; K]]) -> Vec<[f32; K]> {
    let mut total = [0f32; K];
    for c in counts {
        for k in 0..K {
            total[k] += c[k];
        }
    }
    let sum: f32 = total.iter().sum::<f32>().max(1.0);
    counts
        .iter()
        .map(|c| {
            let n: f32 = c.iter().sum();
            let mut out = [0f32; K];
            for k in 0..K {
                let expected = n * total[k] / sum;
                out[k] = ((c[k] + 1.0) / (expected + 1.0)).ln();
            }
            out
        })
        .collect()
}

fn log_normalise(values: impl Iterator<Item = f32>) -> Vec<f32> {
    let v: Vec<f32> = values.map(|x| x.ln_1p()).collect();
    let max = v.iter().copied().fold(0.0f32, f32::max);
    if max <= 0.0 {
        return v;
    }
    v.into_iter().map(|x| x / max).collect()
}

/// The `k` largest positive weights (skipping `skip`), best first, scaled so
/// the best is 1. A partial selection, and a list that owns only `k` slots:
/// this runs once per title, so a catalog-sized buffer per title would be
/// quadratic in time and memory.
fn top_k(weights: impl Iterator<Item = (usize, f32)>, skip: usize, k: usize) -> Vec<(u32, f32)> {
    let mut v: Vec<(u32, f32)> = weights
        .filter(|&(j, w)| j != skip && w > 0.0)
        .map(|(j, w)| (j as u32, w))
        .collect();
    let best_first = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    keep_best(&mut v, k, best_first);
    let max = v.first().map_or(1.0, |x| x.1);
    // A fresh, exact-size list: collecting from `v` would reuse (and keep) its buffer.
    let mut out = Vec::with_capacity(v.len());
    out.extend(v.iter().map(|&(j, w)| (j, w / max)));
    out
}

/// The positives (pref > 0) of the implicit-feedback cells, each of weight 1
/// at the time of its last engagement: what the item model learns from.
fn positive_lists(by_member: &[Vec<Cell>]) -> Vec<Vec<Positive>> {
    by_member
        .iter()
        .map(|cells| {
            cells
                .iter()
                .filter(|c| c.pref > 0.0)
                .map(|c| Positive {
                    item: c.title as usize,
                    weight: 1.0,
                    at: c.at,
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_neighbour_list_owns_only_its_k_slots() {
        // Regression: lists kept a catalog-sized buffer each, 16 GB at 50,000 titles.
        let list = top_k(
            (0..50_000).map(|j| (j, (j % 977) as f32 + 1.0)),
            3,
            NEIGHBOURS,
        );
        assert_eq!(list.len(), NEIGHBOURS);
        assert!(
            list.capacity() <= NEIGHBOURS,
            "capacity {}",
            list.capacity()
        );
        assert_eq!(list[0].1, 1.0, "scaled so the best is 1");
        assert!(list.windows(2).all(|w| w[0].1 >= w[1].1), "best first");
        assert!(list.iter().all(|x| x.0 != 3), "the title itself is skipped");
    }
}
