//! A new member's first month in the simulation. Simulated new members
//! (tastes drawn from the population's generator, seeded) are shown the
//! onboarding set and pick the [`MIN_PICKS`] titles of it they like most;
//! then they live four weeks of sessions ([`SESSION_DAYS`]), each one the
//! A/B test's scan model (`viewer::Viewer::session`) on the page of that
//! moment, with their plays folded in. The same members, with the same
//! random draws, live the month a second time without onboarding: their
//! first page is the one a new profile with no history gets (popularity,
//! trending and new titles), and it personalizes only from their plays.
//! In both months the titles they would pick are ones they have seen
//! already (what onboarding asks for), so neither month counts them as a
//! discovery.
//! Differences are paired by member, with bootstrap 95 % intervals.

use super::coldstart_db::onboarded_profile;
use super::metrics::{paired_interval, percentile, Interval};
use super::onboarding_set::new_viewers;
use super::viewer::{play_bar, session_context, usual_device, Viewer};
use crate::catalog::population::{Population, SimViewer};
use crate::catalog::MemberKind;
use crate::rank::{
    onboarding_set, Context, Model, PageRequest, ProfileState, RankerConfig, MIN_PICKS,
};
use crate::store::Member;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// The days of the four weeks a simulated member opens the service on
/// (three sessions a week); day 0 is the day they join.
pub const SESSION_DAYS: [i64; 12] = [0, 2, 4, 7, 9, 11, 14, 16, 18, 21, 23, 25];
/// Simulated new members per run.
pub const MONTH_MEMBERS: usize = 400;

/// One arm's month, summed over its members.
#[derive(Debug, Clone, Serialize)]
pub struct MonthArm {
    pub name: String,
    /// Share of members who played something in their first session.
    pub first_session_play_rate: f64,
    /// Tiles read to the first play of the first session (members who played).
    pub median_tiles_to_first_play: Option<f64>,
    pub plays_week_1: f64,
    pub plays_weeks_1_to_4: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthReport {
    pub members: usize,
    pub sessions_per_member: usize,
    pub onboarded: MonthArm,
    pub without_onboarding: MonthArm,
    /// Onboarded − without, per member.
    pub first_session_play_rate_gain: Interval,
    pub plays_week_1_gain: Interval,
    pub plays_weeks_1_to_4_gain: Interval,
}

/// One member's month: tiles to the first play of the first session, plays per session.
#[derive(Debug, Clone, PartialEq)]
pub struct Month {
    pub first_play: Option<usize>,
    pub plays: Vec<usize>,
}

impl Month {
    fn plays_until_day(&self, day: i64) -> f64 {
        SESSION_DAYS
            .iter()
            .zip(&self.plays)
            .filter(|(d, _)| **d < day)
            .map(|(_, p)| *p as f64)
            .sum()
    }
}

/// The [`MIN_PICKS`] titles of the set the viewer likes most (true appeal; ties by index).
pub fn favourite_picks(
    population: &Population,
    sim: &SimViewer,
    model: &Model,
    set: &[usize],
) -> Vec<usize> {
    let mut v: Vec<(f64, usize)> = set
        .iter()
        .map(|&t| (population.appeal(sim, &model.titles[t]), t))
        .collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    v.into_iter().take(MIN_PICKS).map(|x| x.1).collect()
}

/// Live one member's month from `state`; the draws follow `seed`.
#[allow(clippy::too_many_arguments)]
pub fn live_month(
    model: &Model,
    config: &RankerConfig,
    population: &Population,
    sim: &SimViewer,
    member: &Member,
    mut state: ProfileState,
    seen_elsewhere: &[usize],
    seed: u64,
) -> Month {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let device = usual_device(sim);
    let viewer = Viewer {
        population,
        sim,
        member_id: member.id,
        bar: play_bar(population, sim, model, member.maturity),
        seen_elsewhere: seen_elsewhere.to_vec(),
    };
    let mut month = Month {
        first_play: None,
        plays: vec![],
    };
    for (s, &day) in SESSION_DAYS.iter().enumerate() {
        let ctx = session_context(model, sim, day, device);
        let page = PageRequest {
            model,
            profile: &state,
            ctx: &ctx,
            config,
            seed: seed ^ s as u64,
        }
        .page();
        let (first, plays) = viewer.session(&page, &mut state, model, &ctx, &mut rng);
        if s == 0 {
            month.first_play = first;
        }
        month.plays.push(plays.len());
    }
    month
}

/// The simulated first month of `n` new members, with and without onboarding.
pub fn simulate(model: &Model, config: &RankerConfig, n: usize, seed: u64) -> MonthReport {
    let population = new_viewers(&model.titles, n, seed ^ 0x3047);
    // The set depends on the maturity limit alone: choose each one once.
    let sets: BTreeMap<&str, Vec<usize>> = population
        .viewers
        .iter()
        .map(|v| (v.maturity.as_str(), v.maturity))
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .map(|(name, m)| (name, onboarding_set(model, m, seed)))
        .collect();
    let months: Vec<(Month, Month)> = population
        .viewers
        .par_iter()
        .enumerate()
        .map(|(i, sim)| {
            let member = Member {
                id: -1 - i as i64,
                name: format!("new{i}"),
                kind: MemberKind::Profile,
                display_name: format!("New {i}"),
                maturity: sim.maturity,
                region: sim.region.to_string(),
            };
            let join = Context::new(
                Context::default_now(model.as_of)
                    + chrono::Duration::hours(sim.peak_hour as i64 - 20),
                usual_device(sim),
            );
            let picks = favourite_picks(&population, sim, model, &sets[sim.maturity.as_str()]);
            let draws = seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            // The same member and draws from either first page.
            let month = |start| {
                live_month(
                    model,
                    config,
                    &population,
                    sim,
                    &member,
                    start,
                    &picks,
                    draws,
                )
            };
            (
                month(onboarded_profile(&member, &picks, model, &join)),
                month(ProfileState::from_events(&member, &[], model)),
            )
        })
        .collect();
    let (a, b): (Vec<Month>, Vec<Month>) = months.into_iter().unzip();
    let gain = |f: &dyn Fn(&Month) -> f64, salt: u64| {
        let x: Vec<f64> = a.iter().map(f).collect();
        let y: Vec<f64> = b.iter().map(f).collect();
        paired_interval(&x, &y, 1_000, seed ^ salt)
    };
    let played_first = |m: &Month| if m.first_play.is_some() { 1.0 } else { 0.0 };
    let week_1 = |m: &Month| m.plays_until_day(7);
    let month = |m: &Month| m.plays_until_day(28);
    MonthReport {
        members: a.len(),
        sessions_per_member: SESSION_DAYS.len(),
        onboarded: arm("onboarded (three picks)", &a),
        without_onboarding: arm("no onboarding (the non-personal first page)", &b),
        first_session_play_rate_gain: gain(&played_first, 0x11),
        plays_week_1_gain: gain(&week_1, 0x12),
        plays_weeks_1_to_4_gain: gain(&month, 0x13),
    }
}

fn arm(name: &str, months: &[Month]) -> MonthArm {
    let n = months.len().max(1) as f64;
    let mut tiles: Vec<f64> = months
        .iter()
        .filter_map(|m| m.first_play.map(|x| x as f64))
        .collect();
    tiles.sort_by(f64::total_cmp);
    MonthArm {
        name: name.to_string(),
        first_session_play_rate: tiles.len() as f64 / n,
        median_tiles_to_first_play: percentile(&tiles, 0.5),
        plays_week_1: months.iter().map(|m| m.plays_until_day(7)).sum::<f64>() / n,
        plays_weeks_1_to_4: months.iter().map(|m| m.plays_until_day(28)).sum::<f64>() / n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{tiny_model, tiny_store};

    #[test]
    fn a_new_member_picks_the_set_titles_they_like_most() {
        let store = tiny_store();
        let model = tiny_model(&store);
        let p = new_viewers(&model.titles, 10, 4);
        let set: Vec<usize> = (0..model.titles.len()).collect();
        for v in &p.viewers {
            let picks = favourite_picks(&p, v, &model, &set);
            assert_eq!(picks.len(), MIN_PICKS);
            let worst_pick = picks
                .iter()
                .map(|&t| p.appeal(v, &model.titles[t]))
                .fold(f64::INFINITY, f64::min);
            for t in set.iter().filter(|t| !picks.contains(t)) {
                assert!(p.appeal(v, &model.titles[*t]) <= worst_pick);
            }
        }
    }

    #[test]
    fn a_month_is_reproducible_and_counts_weeks_by_session_day() {
        let store = tiny_store();
        let model = tiny_model(&store);
        let config = RankerConfig::default();
        let r = simulate(&model, &config, 6, 1);
        assert_eq!(r.members, 6);
        assert_eq!(r.sessions_per_member, SESSION_DAYS.len());
        let again = simulate(&model, &config, 6, 1);
        assert_eq!(r.plays_weeks_1_to_4_gain, again.plays_weeks_1_to_4_gain);
        for arm in [&r.onboarded, &r.without_onboarding] {
            assert!(arm.plays_week_1 <= arm.plays_weeks_1_to_4, "{arm:?}");
        }
        let m = Month {
            first_play: Some(2),
            plays: vec![1, 0, 2, 1, 1, 0, 0, 0, 0, 0, 0, 1],
        };
        assert_eq!(m.plays_until_day(7), 3.0, "days 0, 2 and 4");
        assert_eq!(m.plays_until_day(28), 6.0);
    }
}
