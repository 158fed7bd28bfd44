//! A simulated A/B test: viewers of the bundled population, whose true
//! tastes the generator keeps, are shown the page of config A or B (a seeded
//! coin per viewer, kept for all their sessions) and react to it, as the
//! scan model of [`super::viewer`] says.
//!
//! Differences come with 95 % bootstrap intervals: viewers are resampled
//! within each arm ([`BOOTSTRAP`] times, seeded).

use super::metrics::{effective_catalog_size, percentile, two_sample_interval};
use super::viewer::{play_bar, sample_viewers, session_context, usual_device, Sampled, Viewer};
use crate::rank::{Model, PageRequest, ProfileState, RankerConfig};
use crate::store::{Store, StoreError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

pub const BOOTSTRAP: usize = 400;
/// How the error begins when the store has no population to simulate.
pub const WHO_NEEDS: &str = "the simulated A/B test needs";

/// One arm's numbers.
#[derive(Debug, Clone, Serialize)]
pub struct ArmReport {
    pub config: String,
    pub viewers: usize,
    pub sessions: usize,
    /// Share of sessions with at least one play.
    pub play_rate: f64,
    pub median_tiles_to_first_play: Option<f64>,
    pub p90_tiles_to_first_play: Option<f64>,
    pub titles_played_per_session: f64,
    /// Effective catalog size of everything played.
    pub ecs_of_plays: f64,
}

/// B − A for one metric, with a 95 % bootstrap interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    pub metric: String,
    pub b_minus_a: f64,
    pub ci95: (f64, f64),
}

#[derive(Debug, Clone, Serialize)]
pub struct AbReport {
    pub seed: u64,
    pub a: ArmReport,
    pub b: ArmReport,
    pub differences: Vec<Difference>,
}

/// One viewer's sessions: (tiles scanned to the first play, titles played).
struct ViewerOutcome {
    arm_b: bool,
    sessions: Vec<(Option<usize>, Vec<usize>)>,
}

/// The two arms: (model, config) each.
pub struct Arms<'a> {
    pub a: (&'a Model, &'a RankerConfig),
    pub b: (&'a Model, &'a RankerConfig),
}

/// Run the test on `viewers` population viewers × `sessions` sessions.
/// `progress(done)` is called as viewers finish (from worker threads).
pub fn run(
    store: &Store,
    arms: &Arms,
    viewers: usize,
    sessions: usize,
    seed: u64,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<AbReport, StoreError> {
    let Sampled {
        population,
        members,
        histories,
    } = sample_viewers(store, viewers, seed, WHO_NEEDS)?;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let outcomes: Vec<ViewerOutcome> = histories
        .par_iter()
        .map(|(v, events)| {
            let v = *v;
            let sim = &population.viewers[v];
            let member = &members[&sim.name];
            let mut rng = ChaCha8Rng::seed_from_u64(
                seed ^ (v as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            let arm_b = rng.gen_bool(0.5);
            let (model, config) = if arm_b { arms.b } else { arms.a };
            let mut state = ProfileState::from_events(member, events, model);
            let device = usual_device(sim);
            let bar = play_bar(&population, sim, model, member.maturity);
            let mut out = vec![];
            for s in 0..sessions {
                let ctx = session_context(model, sim, s as i64, device);
                let page = PageRequest {
                    model,
                    profile: &state,
                    ctx: &ctx,
                    config,
                    seed: seed ^ s as u64,
                }
                .page();
                let viewer = Viewer {
                    population: &population,
                    sim,
                    member_id: member.id,
                    bar,
                    seen_elsewhere: vec![],
                };
                let (first, plays) = viewer.session(&page, &mut state, model, &ctx, &mut rng);
                out.push((first, plays));
            }
            progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
            ViewerOutcome {
                arm_b,
                sessions: out,
            }
        })
        .collect();
    let arm = |b: bool| outcomes.iter().filter(|o| o.arm_b == b).collect::<Vec<_>>();
    let (arm_a, arm_b) = (arm(false), arm(true));
    let differences = Metric::COMPARED
        .into_iter()
        .map(|metric| difference(metric, &arm_a, &arm_b, seed))
        .collect();
    Ok(AbReport {
        seed,
        a: arm_report(&arms.a.1.name, &arm_a),
        b: arm_report(&arms.b.1.name, &arm_b),
        differences,
    })
}

/// What the arms are compared on, per session.
#[derive(Debug, Clone, Copy)]
enum Metric {
    PlayRate,
    TitlesPlayedPerSession,
    MedianTilesToFirstPlay,
}

impl Metric {
    const COMPARED: [Metric; 3] = [
        Metric::PlayRate,
        Metric::TitlesPlayedPerSession,
        Metric::MedianTilesToFirstPlay,
    ];

    fn name(self) -> &'static str {
        match self {
            Metric::PlayRate => "play_rate",
            Metric::TitlesPlayedPerSession => "titles_played_per_session",
            Metric::MedianTilesToFirstPlay => "median_tiles_to_first_play",
        }
    }

    fn of(self, viewers: &[&ViewerOutcome]) -> f64 {
        let sessions: Vec<&(Option<usize>, Vec<usize>)> =
            viewers.iter().flat_map(|v| &v.sessions).collect();
        let n = sessions.len().max(1) as f64;
        match self {
            Metric::PlayRate => sessions.iter().filter(|s| s.0.is_some()).count() as f64 / n,
            Metric::TitlesPlayedPerSession => {
                sessions.iter().map(|s| s.1.len()).sum::<usize>() as f64 / n
            }
            Metric::MedianTilesToFirstPlay => {
                let mut v: Vec<f64> = sessions
                    .iter()
                    .filter_map(|s| s.0.map(|x| x as f64))
                    .collect();
                v.sort_by(f64::total_cmp);
                percentile(&v, 0.5).unwrap_or(0.0)
            }
        }
    }
}

fn arm_report(config: &str, viewers: &[&ViewerOutcome]) -> ArmReport {
    let sessions: Vec<&(Option<usize>, Vec<usize>)> =
        viewers.iter().flat_map(|v| &v.sessions).collect();
    let mut firsts: Vec<f64> = sessions
        .iter()
        .filter_map(|s| s.0.map(|x| x as f64))
        .collect();
    firsts.sort_by(f64::total_cmp);
    let plays: Vec<usize> = sessions.iter().flat_map(|s| s.1.iter().copied()).collect();
    ArmReport {
        config: config.to_string(),
        viewers: viewers.len(),
        sessions: sessions.len(),
        play_rate: Metric::PlayRate.of(viewers),
        median_tiles_to_first_play: percentile(&firsts, 0.5),
        p90_tiles_to_first_play: percentile(&firsts, 0.9),
        titles_played_per_session: Metric::TitlesPlayedPerSession.of(viewers),
        ecs_of_plays: effective_catalog_size(&plays),
    }
}

/// B − A with a percentile bootstrap over viewers (each arm resampled on its own).
fn difference(metric: Metric, a: &[&ViewerOutcome], b: &[&ViewerOutcome], seed: u64) -> Difference {
    Difference {
        metric: metric.name().to_string(),
        b_minus_a: metric.of(b) - metric.of(a),
        ci95: two_sample_interval(a, b, BOOTSTRAP, seed ^ 0xB007, |arm| metric.of(arm))
            .unwrap_or((0.0, 0.0)),
    }
}
