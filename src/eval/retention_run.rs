//! The weekly retention experiment (`marquee abtest --weeks N`, the TUI's
//! experiment screen): sampled population members live N weeks of the
//! retention model (`retention.rs`) on arm A's pages and, from the same
//! seed, on arm B's: a paired design, so B − A compares each member with
//! themselves and a gap of a point or two is not lost in who was drawn. Members are simulated in chunks,
//! in parallel within a chunk, so a caller sees the curves grow and can
//! stop between chunks. The report is `retention_report.rs`.

use super::abtest::Arms;
use super::retention::{member_rng, Liver, MemberWeeks, QueryMatches};
use super::retention_report::{curve, report, RetentionReport};
use super::viewer::sample_viewers;
use crate::rank::ProfileState;
use crate::store::{Store, StoreError};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// Members simulated between two progress reports.
pub const CHUNK: usize = 50;

/// One member's outcome on one arm, kept for the report and the win-back
/// simulation (every member has one on each arm, A first).
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The population index.
    pub viewer: usize,
    pub arm_b: bool,
    pub weeks: MemberWeeks,
    /// The profile state at the end (at cancellation for a lapsed member).
    pub state: ProfileState,
}

/// What a caller sees between chunks.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial {
    pub done: usize,
    pub total: usize,
    /// Share still a member after each week, arm A then arm B, over the members so far.
    pub retention_a: Vec<f64>,
    pub retention_b: Vec<f64>,
}

/// The experiment's inputs.
pub struct Plan<'a> {
    pub arms: &'a Arms<'a>,
    pub members: usize,
    pub weeks: usize,
    pub seed: u64,
}

/// The members (read from the store on this thread) ready to be simulated.
pub struct Prepared {
    sampled: super::viewer::Sampled,
}

/// Read the sampled members' histories; the rest runs without the store.
pub fn prepare(store: &Store, members: usize, seed: u64) -> Result<Prepared, StoreError> {
    Ok(Prepared {
        sampled: sample_viewers(store, members, seed, super::abtest::WHO_NEEDS)?,
    })
}

/// Run the experiment; `progress` after each chunk; `None` when `cancel` was set.
pub fn simulate(
    prepared: &Prepared,
    plan: &Plan,
    progress: &mut dyn FnMut(&Partial),
    cancel: &AtomicBool,
) -> Option<(RetentionReport, Vec<Outcome>)> {
    let s = &prepared.sampled;
    let total = s.histories.len();
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(2 * total);
    let viewers = || s.histories.iter().map(|(v, _)| &s.population.viewers[*v]);
    let matches_a = QueryMatches::of(plan.arms.a.0, viewers());
    let matches_b = if std::ptr::eq(plan.arms.a.0, plan.arms.b.0) {
        None
    } else {
        Some(QueryMatches::of(plan.arms.b.0, viewers()))
    };
    for chunk in s.histories.chunks(CHUNK) {
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        let mut done: Vec<Outcome> = chunk
            .par_iter()
            .flat_map_iter(|(v, events)| {
                let sim = &s.population.viewers[*v];
                let member = &s.members[&sim.name];
                // Paired: the member lives each arm from the same seed (the
                // same habits, patience and weekly cancel draws).
                [false, true].map(|arm_b| {
                    let mut rng = member_rng(plan.seed, *v);
                    let (model, config) = if arm_b { plan.arms.b } else { plan.arms.a };
                    let mut state = ProfileState::from_events(member, events, model);
                    let matches = match (&matches_b, arm_b) {
                        (Some(b), true) => b,
                        _ => &matches_a,
                    };
                    let liver = Liver {
                        model,
                        config,
                        population: &s.population,
                        sim,
                        member,
                        matches,
                    };
                    let weeks = liver.live(&mut state, plan.weeks, &mut rng);
                    Outcome {
                        viewer: *v,
                        arm_b,
                        weeks,
                        state,
                    }
                })
            })
            .collect();
        outcomes.append(&mut done);
        let arm = |b: bool| -> Vec<&MemberWeeks> {
            outcomes
                .iter()
                .filter(|o| o.arm_b == b)
                .map(|o| &o.weeks)
                .collect()
        };
        progress(&Partial {
            done: outcomes.len() / 2,
            total,
            retention_a: curve(&arm(false), plan.weeks),
            retention_b: curve(&arm(true), plan.weeks),
        });
    }
    let names = (plan.arms.a.1.name.as_str(), plan.arms.b.1.name.as_str());
    Some((report(&outcomes, names, plan.weeks, plan.seed), outcomes))
}

/// The population the run drew its members from (their true tastes), for the win-back arm.
pub fn population(prepared: &Prepared) -> &crate::catalog::population::Population {
    &prepared.sampled.population
}

/// The stored member a population viewer is.
pub fn member(prepared: &Prepared, viewer: usize) -> &crate::store::Member {
    let s = &prepared.sampled;
    &s.members[&s.population.viewers[viewer].name]
}
