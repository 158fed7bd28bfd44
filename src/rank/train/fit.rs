//! Training every stage with a time split: signals are learned on the log
//! before a cutoff, the ranking layer is fitted on what members went on to
//! like after it (positives against sampled unseen titles, in the context
//! of the play), "% Match" is calibrated on held-out members' plays, and a
//! held-out NDCG@10 is measured against popularity alone. Then the signals
//! are learned again on the whole log to serve pages, on a large log
//! starting from the cutoff pass's taste factors and low-pass basis.

use super::content::ContentIndex;
use super::interactions::{Engagement, EventKey, EventsByMember};
use super::learn::{fit_logistic_constrained, Platt};
use super::progress::{Progress, StageClock, StageTime};
use super::resume::ResumeModel;
use super::signals::{LogView, Signals};
use crate::catalog::{Action, Event, Maturity, Title, DAY_SECONDS as DAY};
use crate::rank::config::TrainingParams;
use crate::rank::eligibility::Exclusion;
use crate::rank::features::{
    features, Feature, FeatureGroup, FeatureVec, ProfileSignals, Weights, NF,
};
use crate::rank::top::best_of;
use crate::rank::Context;
use crate::store::Member;
use chrono::{DateTime, FixedOffset};
use rand::distributions::{Distribution, WeightedIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// Negatives sampled per positive when fitting.
const NEGATIVES_PER_POSITIVE: usize = 4;
/// Members used to fit the ranking layer (the rest of the warm ones evaluate it).
const MAX_FIT_MEMBERS: usize = 2_500;
/// Members the held-out check and the calibration use at most: each one
/// scores the whole catalog, so on a large log the check would otherwise
/// cost more than everything else. 2,000 members put the NDCG@10 within
/// about ±0.01.
const MAX_EVAL_MEMBERS: usize = 2_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Trained {
    pub signals: Signals,
    pub weights: Weights,
    pub calibration: Platt,
    /// Continue Watching's resume likelihood, fitted on the log before the cutoff.
    pub resume: ResumeModel,
    pub report: TrainReport,
}

/// What training measured, for `marquee train` and the closing notes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainReport {
    pub cutoff: String,
    pub fit_members: usize,
    pub fit_examples: usize,
    pub eval_members: usize,
    pub learned_weights: BTreeMap<String, f64>,
    pub bias: f64,
    /// Held-out NDCG@10 of later positives: the full ranker, the collaborative
    /// part alone, and popularity alone.
    pub ndcg10_ranker: f64,
    pub ndcg10_collaborative: f64,
    pub ndcg10_popularity: f64,
    /// (mean predicted % match, observed share enjoyed, plays) per decile of score.
    pub calibration: Vec<(f64, f64, usize)>,
    /// The resume model: its examples, the share resumed, its weights.
    pub resume_examples: usize,
    pub resume_rate: f64,
    pub resume_weights: BTreeMap<String, f64>,
    pub seconds: f64,
    /// Where the time went: each stage in the order it ran.
    pub stages: Vec<StageTime>,
}

/// Everything training reads.
pub struct TrainInput<'a> {
    pub titles: &'a [Title],
    pub content: &'a ContentIndex,
    pub members: &'a [Member],
    pub events: &'a [Event],
    /// The end of the log: "now" for the trained model.
    pub end: i64,
    /// Where each stage reports how far it got.
    pub progress: Progress<'a>,
}

/// One member's log split at the cutoff.
struct Split {
    row: usize,
    maturity: Maturity,
    before: BTreeMap<u32, Engagement>,
    /// Titles first engaged after the cutoff: (title, engagement after, first play's context).
    after: Vec<(u32, Engagement, Option<Context>)>,
}

pub(super) fn context_of(e: &Event) -> Context {
    let offset =
        FixedOffset::east_opt(e.offset_min * 60).unwrap_or(FixedOffset::east_opt(0).expect("zero"));
    let at = DateTime::from_timestamp(e.at, 0)
        .unwrap_or_default()
        .with_timezone(&offset);
    Context::new(at, e.device)
}

pub fn train(input: &TrainInput, p: &TrainingParams) -> Trained {
    let started = Instant::now();
    let clock = StageClock::new(input.progress, "cutoff");
    let observe = |s| clock.observe(s);
    let input = &TrainInput {
        progress: Progress::to(&observe),
        ..*input
    };
    let member_index: BTreeMap<i64, usize> = input
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id, i))
        .collect();
    let member_region: Vec<String> = input.members.iter().map(|m| m.region.clone()).collect();
    let title_index: BTreeMap<String, usize> = input
        .titles
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect();
    let artwork_theme: BTreeMap<String, usize> = input
        .titles
        .iter()
        .flat_map(|t| t.artwork.iter().map(|a| (a.id.clone(), a.theme.index())))
        .collect();
    let added: Vec<i64> = input.titles.iter().map(Title::added_at).collect();
    input.progress.report("reading the log", 0, 1);
    let keys = EventKey::all(input.events, &member_index, &title_index, &artwork_theme);
    let log = LogView {
        keys: &keys,
        events: input.events,
        member_index: &member_index,
        member_region: &member_region,
        title_index: &title_index,
        artwork_theme: &artwork_theme,
    };

    let cutoff = input.end - p.holdout_days * DAY;
    let early = Signals::compute(&log, cutoff, p, input.progress, None);
    input.progress.report("splitting the log", 0, 1);
    let grouped = EventsByMember::group(&keys, input.members.len(), |i| {
        input.events[i].at < input.end
    });
    let (splits, uptake) = split_members(input, &keys, &grouped, cutoff);

    // Deterministic member split: 80 % fit the layer, 20 % evaluate and calibrate it.
    let (fit, eval): (Vec<&Split>, Vec<&Split>) = splits
        .iter()
        .partition(|s| !(s.row as u64).wrapping_mul(0x9E37_79B9).is_multiple_of(5));
    let fit: Vec<&Split> = fit.into_iter().take(MAX_FIT_MEMBERS).collect();
    let eval: Vec<&Split> = eval.into_iter().take(MAX_EVAL_MEMBERS).collect();

    // Negatives: half drawn uniformly, half in proportion to how many members
    // took up each title after the cutoff. Uniform negatives alone let "is it
    // new or popular?" separate positives from negatives for everyone, and the
    // layer then learns little about the member; exposure-matched negatives
    // make it learn what sets this member's choices apart from everyone's.
    input.progress.report("ranking layer", 0, 1);
    let by_uptake = WeightedIndex::new(&uptake).expect("uptake weights are positive");
    let examples: Vec<(Vec<FeatureVec>, Vec<bool>)> = fit
        .par_iter()
        .map(|s| {
            let mut rng = ChaCha8Rng::seed_from_u64(
                p.seed ^ (s.row as u64).wrapping_mul(0x2545_F491_4F6C_DD1D),
            );
            let taken_after: BTreeSet<u32> = s.after.iter().map(|a| a.0).collect();
            // The titles first, then their signals: only they are read.
            let mut drawn: Vec<(usize, Context, bool)> = vec![];
            for (t, _, ctx) in s.after.iter().filter(|a| a.1.is_positive()).take(5) {
                let ctx = ctx.unwrap_or_else(|| {
                    Context::new(
                        DateTime::from_timestamp(cutoff, 0)
                            .unwrap_or_default()
                            .fixed_offset(),
                        crate::catalog::Device::Tv,
                    )
                });
                drawn.push((*t as usize, ctx, true));
                let mut negatives = 0;
                let mut tries = 0;
                while negatives < NEGATIVES_PER_POSITIVE && tries < 200 {
                    tries += 1;
                    let n = if tries % 2 == 0 {
                        by_uptake.sample(&mut rng)
                    } else {
                        rng.gen_range(0..input.titles.len())
                    };
                    // A negative is a title the page could have recommended and
                    // the member did not take up.
                    let excluded = Exclusion::of(
                        s.maturity,
                        input.titles[n].maturity,
                        s.before.get(&(n as u32)),
                    );
                    if excluded.is_some() || taken_after.contains(&(n as u32)) {
                        continue;
                    }
                    drawn.push((n, ctx, false));
                    negatives += 1;
                }
            }
            let titles: Vec<usize> = drawn.iter().map(|d| d.0).collect();
            let prefs = input.content.preferences(&s.before, cutoff);
            let ps = ProfileSignals::compute_at(
                &early,
                input.content,
                &s.before,
                &prefs,
                p.alpha,
                cutoff,
                &titles,
            );
            let trending = early.trending_in(&member_region[s.row]).0;
            let (xs, ys): (Vec<FeatureVec>, Vec<bool>) = drawn
                .iter()
                .map(|&(t, ctx, taken)| (features(&early, &ps, trending, added[t], t, &ctx), taken))
                .unzip();
            (xs, ys)
        })
        .collect();
    let (xs, ys): (Vec<FeatureVec>, Vec<bool>) = examples
        .into_iter()
        .flat_map(|(x, y)| x.into_iter().zip(y))
        .unzip();
    // A thumbs down may only ever push similar titles down.
    let negative = [Feature::NegativeFeedback];
    let weights = fit_logistic_constrained(&xs, &ys, 1.0, &negative);

    input.progress.report("held-out check", 0, 1);
    let (calibration, mut report) = evaluate(
        input,
        &early,
        &weights,
        &eval,
        &member_region,
        &added,
        cutoff,
        p,
    );
    report.cutoff = DateTime::from_timestamp(cutoff, 0)
        .unwrap_or_default()
        .to_rfc3339();
    report.fit_members = fit.len();
    report.fit_examples = xs.len();
    report.learned_weights = weights.named();
    report.bias = weights.bias;

    input.progress.report("resume model", 0, 1);
    let resume = ResumeModel::fit(
        input.titles,
        input.events,
        &keys,
        &grouped,
        cutoff,
        input.end,
    );
    drop(grouped);
    report.resume_examples = resume.examples;
    report.resume_rate = resume.resumed as f64 / resume.examples.max(1) as f64;
    report.resume_weights = resume.named();

    // The serving pass is where memory peaks: what only the cutoff pass
    // needed (every member's split log, the early signals) goes first, all
    // but the taste factors and low-pass basis the serving pass starts from.
    drop(splits);
    let warm = early.into_warm_start();
    clock.begin_pass("serving");
    input.progress.report("serving pass", 0, 1);
    let signals = Signals::compute(&log, input.end, p, input.progress, Some(&warm));
    drop(warm);
    report.seconds = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    report.stages = clock.finish();
    Trained {
        signals,
        weights,
        calibration,
        resume,
        report,
    }
}

fn profile_signals(
    signals: &Signals,
    content: &ContentIndex,
    before: &BTreeMap<u32, Engagement>,
    alpha: f32,
    now: i64,
) -> ProfileSignals {
    let prefs = content.preferences(before, now);
    ProfileSignals::compute(signals, content, before, &prefs, alpha, now, None)
}

/// Every member's log split at the cutoff, on all cores. Returns the splits
/// the layer can learn from or be checked on (something before the cutoff
/// and something new after it), and, over all members, how many took up
/// each title after the cutoff (plus one).
fn split_members(
    input: &TrainInput,
    keys: &[EventKey],
    grouped: &EventsByMember,
    cutoff: i64,
) -> (Vec<Split>, Vec<f64>) {
    let splits: Vec<Split> = input
        .members
        .par_iter()
        .enumerate()
        .map(|(row, m)| {
            let mut before: BTreeMap<u32, Engagement> = BTreeMap::new();
            let mut after: BTreeMap<u32, (Engagement, Option<Context>)> = BTreeMap::new();
            for &i in grouped.of(row) {
                let (e, t) = (&input.events[i as usize], keys[i as usize].title());
                if e.at < cutoff {
                    before.entry(t).or_default().add(e);
                } else if !before.contains_key(&t) {
                    let slot = after.entry(t).or_default();
                    slot.0.add(e);
                    if slot.1.is_none() && e.action == Action::Play {
                        slot.1 = Some(context_of(e));
                    }
                }
            }
            // Titles engaged before the cutoff but touched again after are not "new" positives.
            let after = after
                .into_iter()
                .filter(|(t, _)| !before.contains_key(t))
                .map(|(t, (g, c))| (t, g, c))
                .collect();
            Split {
                row,
                maturity: m.maturity,
                before,
                after,
            }
        })
        .collect();
    let mut uptake = vec![1.0f64; input.titles.len()];
    for s in &splits {
        for a in s.after.iter().filter(|a| a.1.is_positive()) {
            uptake[a.0 as usize] += 1.0;
        }
    }
    let usable = splits
        .into_iter()
        .filter(|s| !s.after.is_empty() && !s.before.is_empty())
        .collect();
    (usable, uptake)
}

fn ndcg_at(ranked: &[usize], relevant: &BTreeSet<usize>, k: usize) -> f64 {
    crate::rank::ndcg::ndcg_at(ranked, |t| relevant.contains(t), relevant.len(), k)
}

#[allow(clippy::too_many_arguments)]
fn evaluate(
    input: &TrainInput,
    early: &Signals,
    weights: &Weights,
    eval: &[&Split],
    member_region: &[String],
    added: &[i64],
    cutoff: i64,
    p: &TrainingParams,
) -> (Platt, TrainReport) {
    let default_config = crate::rank::RankerConfig {
        weights: BTreeMap::new(),
        ablate: vec![],
        ..crate::rank::RankerConfig::default()
    };
    let w = weights.effective(&default_config);
    let cf_only: [f64; NF] = std::array::from_fn(|i| {
        if Feature::ALL[i].group() == FeatureGroup::Collaborative {
            w[i]
        } else {
            0.0
        }
    });
    struct Outcome {
        ndcg: [f64; 3],
        played: Vec<(f64, bool)>,
    }
    let outcomes: Vec<Outcome> = eval
        .par_iter()
        // Each core keeps its list of scores: a fresh one per member was
        // fresh pages for the kernel to clear, 2,000 times.
        .map_init(Vec::new, |scored: &mut Vec<(usize, f64, f64)>, s| {
            let ps = profile_signals(early, input.content, &s.before, p.alpha, cutoff);
            let trending = early.trending_in(&member_region[s.row]).0;
            let ctx = s.after.iter().find_map(|a| a.2).unwrap_or_else(|| {
                Context::new(
                    DateTime::from_timestamp(cutoff, 0)
                        .unwrap_or_default()
                        .fixed_offset(),
                    crate::catalog::Device::Tv,
                )
            });
            // The titles in order beside the member's engaged titles in
            // order: each title's engagement is met on the walk, not looked up.
            scored.clear();
            let mut engaged = s.before.iter().peekable();
            for (t, (title, &added_at)) in input.titles.iter().zip(added).enumerate() {
                let g = engaged.next_if(|(&e, _)| e as usize == t).map(|(_, g)| g);
                if Exclusion::of(s.maturity, title.maturity, g).is_some() {
                    continue;
                }
                let x = features(early, &ps, trending, added_at, t, &ctx);
                scored.push((t, weights.score(&w, &x).0, weights.score(&cf_only, &x).0));
            }
            let relevant: BTreeSet<usize> = s
                .after
                .iter()
                .filter(|a| a.1.is_positive())
                .map(|a| a.0 as usize)
                .collect();
            // The first ten by a key (a total order): only they count in NDCG@10.
            let rank = |key: &dyn Fn(&(usize, f64, f64)) -> f64| {
                let order = |a: &(usize, f64, f64), b: &(usize, f64, f64)| {
                    key(b).total_cmp(&key(a)).then(a.0.cmp(&b.0))
                };
                best_of(scored.iter().copied(), 10, order)
                    .into_iter()
                    .map(|x| x.0)
                    .collect::<Vec<_>>()
            };
            let ndcg = [
                ndcg_at(&rank(&|x| x.1), &relevant, 10),
                ndcg_at(&rank(&|x| x.2), &relevant, 10),
                ndcg_at(&rank(&|x| early.popularity[x.0] as f64), &relevant, 10),
            ];
            // `scored` is in title order: a played title's score is found by halving.
            let played = s
                .after
                .iter()
                .filter(|a| a.1.watched > 0.0)
                .filter_map(|a| {
                    let at = scored.binary_search_by_key(&(a.0 as usize), |x| x.0).ok()?;
                    Some((scored[at].1, a.1.is_positive()))
                })
                .collect();
            Outcome { ndcg, played }
        })
        .collect();
    let n = outcomes
        .iter()
        .filter(|o| o.ndcg.iter().any(|_| true))
        .count()
        .max(1) as f64;
    let mean = |k: usize| (outcomes.iter().map(|o| o.ndcg[k]).sum::<f64>() / n * 1e4).round() / 1e4;

    // Calibrate on half of the evaluation members' plays, check on the other half.
    let (mut fit_s, mut fit_y, mut check) = (vec![], vec![], vec![]);
    for (i, o) in outcomes.iter().enumerate() {
        for &(s, y) in &o.played {
            if i % 2 == 0 {
                fit_s.push(s);
                fit_y.push(y);
            } else {
                check.push((s, y));
            }
        }
    }
    let platt = Platt::fit(&fit_s, &fit_y);
    check.sort_by(|a, b| a.0.total_cmp(&b.0));
    let calibration = check
        .chunks(check.len().div_ceil(10).max(1))
        .map(|c| {
            let pred = c.iter().map(|x| platt.probability(x.0)).sum::<f64>() / c.len() as f64;
            let obs = c.iter().filter(|x| x.1).count() as f64 / c.len() as f64;
            (
                (pred * 1000.0).round() / 10.0,
                (obs * 1000.0).round() / 10.0,
                c.len(),
            )
        })
        .collect();
    let report = TrainReport {
        eval_members: eval.len(),
        ndcg10_ranker: mean(0),
        ndcg10_collaborative: mean(1),
        ndcg10_popularity: mean(2),
        calibration,
        ..TrainReport::default()
    };
    (platt, report)
}
