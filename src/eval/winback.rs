//! Win-back in the simulation: every member who cancelled during the
//! retention experiment gets, a week later, one of three messages: their
//! personalized digest (`rank::digest::compose`, built from their own page
//! as it would be that day), the generic digest everyone gets (the
//! most-watched titles), or nothing. The same lapsed members receive each
//! message with the same random draws (common random numbers), so the
//! differences are paired by member. A member of the retention run who
//! lapsed on both arms is two lapses here, each with draws of its own.
//!
//! In words: a lapsed member comes back on their own with chance
//! [`BASE_RETURN`]. Reading a message, they are tempted when a line names a
//! title they want: a new title whose true appeal plus noise reaches their
//! bar (the A/B test's rule), or, for a series they already watch, the
//! series itself reaching it. A tempted member comes back with chance
//! [`RETURN_IF_TEMPTED`] (on top of the base chance).

use super::abtest::Arms;
use super::metrics::{paired_interval, Interval};
use super::retention_run::{member, population, Outcome, Prepared};
use super::viewer::{play_bar, session_context, usual_device, Viewer};
use crate::rank::digest::{compose, generic, Digest};
use crate::rank::PageRequest;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

/// A lapsed member's chance to come back in the week after, with no message.
pub const BASE_RETURN: f64 = 0.04;
/// A member tempted by a line of the message comes back with this chance (besides the base).
pub const RETURN_IF_TEMPTED: f64 = 0.3;
/// The message arrives this many days after the member cancelled.
const DAYS_AFTER: i64 = 7;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WinbackArm {
    pub message: &'static str,
    /// Share of lapsed members who came back, with a 95 % bootstrap interval.
    pub won_back: Interval,
    /// Share tempted by a line of the message.
    pub tempted: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WinbackReport {
    pub lapsed: usize,
    /// Personalized, generic, none.
    pub arms: Vec<WinbackArm>,
    /// Paired by member, 95 % bootstrap intervals.
    pub personalized_minus_none: Interval,
    pub generic_minus_none: Interval,
    pub personalized_minus_generic: Interval,
}

/// Resamples per interval.
const RESAMPLES: usize = 1_000;

/// Send the lapsed members of a run each message; `arms` are the run's arms.
pub fn simulate(
    prepared: &Prepared,
    arms: &Arms,
    outcomes: &[Outcome],
    seed: u64,
) -> WinbackReport {
    let pop = population(prepared);
    let lapsed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.weeks.cancelled_after.is_some())
        .collect();
    // Per member: (returned, tempted) for personalized, generic, none.
    let results: Vec<[(bool, bool); 3]> = lapsed
        .par_iter()
        .map(|o| {
            let (model, config) = if o.arm_b { arms.b } else { arms.a };
            let sim = &pop.viewers[o.viewer];
            let m = member(prepared, o.viewer);
            let week = o.weeks.cancelled_after.unwrap_or(0) as i64;
            let ctx = session_context(model, sim, 7 * (week + 1) + DAYS_AFTER, usual_device(sim));
            let page = PageRequest {
                model,
                profile: &o.state,
                ctx: &ctx,
                config,
                seed: seed ^ o.viewer as u64,
            }
            .page();
            let personal = compose(model, &o.state, &page);
            let everyone = generic(model, &o.state, &personal.date);
            let viewer = Viewer {
                population: pop,
                sim,
                member_id: m.id,
                bar: play_bar(pop, sim, model, m.maturity),
                seen_elsewhere: vec![],
            };
            let mut rng = ChaCha8Rng::seed_from_u64(
                seed ^ 0x0B4C_u64 ^ (o.viewer as u64).wrapping_mul(0x9E37_79B9) ^ o.arm_b as u64,
            );
            let u: f64 = rng.gen();
            let read = |d: Option<&Digest>| -> (bool, bool) {
                let mut noise = rng.clone();
                let tempted = d.is_some_and(|d| {
                    d.lines.iter().any(|l| {
                        let Some(t) = model.title_index(&l.title_id) else {
                            return false;
                        };
                        if o.state.titles.contains_key(&t) {
                            l.kind == "new_episodes" && viewer.likes(t, model, &mut noise, 0.0)
                        } else {
                            viewer.would_play(t, &[], &o.state, model, &mut noise, 0.0)
                        }
                    })
                });
                let chance = if tempted {
                    BASE_RETURN + RETURN_IF_TEMPTED * (1.0 - BASE_RETURN)
                } else {
                    BASE_RETURN
                };
                (u < chance, tempted)
            };
            [read(Some(&personal)), read(Some(&everyone)), read(None)]
        })
        .collect();
    let column = |i: usize| -> Vec<f64> {
        results
            .iter()
            .map(|r| if r[i].0 { 1.0 } else { 0.0 })
            .collect()
    };
    let zeros = vec![0.0; results.len()];
    let n = results.len().max(1) as f64;
    let arms = [
        "personalized digest",
        "generic popular digest",
        "no message",
    ]
    .into_iter()
    .enumerate()
    .map(|(i, message)| WinbackArm {
        message,
        won_back: paired_interval(&column(i), &zeros, RESAMPLES, seed ^ (0x71 + i as u64)),
        tempted: results.iter().filter(|r| r[i].1).count() as f64 / n,
    })
    .collect();
    WinbackReport {
        lapsed: results.len(),
        arms,
        personalized_minus_none: paired_interval(&column(0), &column(2), RESAMPLES, seed ^ 0x81),
        generic_minus_none: paired_interval(&column(1), &column(2), RESAMPLES, seed ^ 0x82),
        personalized_minus_generic: paired_interval(&column(0), &column(1), RESAMPLES, seed ^ 0x83),
    }
}
