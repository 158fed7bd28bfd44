//! The weekly retention model of a simulated member: a habit (sessions a
//! week), a patience (tiles read before giving up on the page), a fall-back
//! to search when browsing fails, and a weekly chance to cancel that rises
//! with the share of that week's sessions that failed. One member's weeks
//! are lived here; the experiment over two arms is `retention_run`.
//!
//! In words: a member opens the service `habit` times a week, evenly spread,
//! at their usual hour on their usual device. Each session is the A/B test's
//! scan model (`viewer::Viewer`) cut off after `patience` tiles (10–20). If
//! nothing was played by then, the member searches for one of their three
//! strongest tastes (a genre or a tag, by name) and reads the first
//! [`SEARCH_READ`] results; a play there saves the session, otherwise it
//! failed. At the end of each week the member cancels with chance
//! [`BASE_WEEKLY_CANCEL`] × (1 + [`FAILURE_CANCEL_LIFT`] × the week's share
//! of failed sessions): a member who fails every session cancels at three
//! times the rate of one who never fails. Every draw comes from the
//! member's own seeded generator.

use super::viewer::{play, play_bar, session_context, usual_device, SessionHooks, Viewer};
use crate::catalog::population::{Population, SimViewer};
use crate::rank::{search, Context, Model, PageRequest, ProfileState, RankerConfig};
use crate::store::Member;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet};

/// A member who never fails cancels with this chance each week.
pub const BASE_WEEKLY_CANCEL: f64 = 0.03;
/// How much a week of failed sessions lifts the cancel chance: × (1 + 2 × failed share).
pub const FAILURE_CANCEL_LIFT: f64 = 2.0;
/// Tiles a member reads before giving up on the page: drawn evenly in this range.
pub const PATIENCE: (usize, usize) = (10, 20);
/// Search results a member reads after browsing failed.
pub const SEARCH_READ: usize = 5;
/// How many of their strongest tastes a member may search for.
const SEARCH_TASTES: usize = 3;
/// Sessions a week, at most.
pub const MAX_HABIT: u32 = 5;

/// The weekly chance to cancel of a member whose week had `failed` failed
/// sessions of `sessions`; also the basis of a profile's churn risk.
pub fn weekly_cancel_chance(failed: usize, sessions: usize) -> f64 {
    let share = if sessions == 0 {
        0.0
    } else {
        failed as f64 / sessions as f64
    };
    BASE_WEEKLY_CANCEL * (1.0 + FAILURE_CANCEL_LIFT * share)
}

/// A member's habits: drawn once from their own generator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Habits {
    pub sessions_per_week: u32,
    pub patience: usize,
}

impl Habits {
    /// The habit follows how much the viewer watched over the year
    /// (`activity` titles: one session a week, plus one per 20 titles, at
    /// most [`MAX_HABIT`]); the patience is an even draw in [`PATIENCE`].
    pub fn draw(sim: &SimViewer, rng: &mut ChaCha8Rng) -> Habits {
        Habits {
            sessions_per_week: (1 + sim.activity as u32 / 20).min(MAX_HABIT),
            patience: rng.gen_range(PATIENCE.0..=PATIENCE.1),
        }
    }

    /// The days of week `week` (0-based) the member opens the service on.
    pub fn days(&self, week: usize) -> Vec<i64> {
        (0..self.sessions_per_week)
            .map(|k| 7 * week as i64 + (7 * k / self.sessions_per_week) as i64)
            .collect()
    }
}

/// How one session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A play from the page's rows.
    Rows,
    /// Browsing failed; a play from search.
    Search,
    /// Nothing played.
    Failed,
}

/// One session: how it ended, tiles read to the first play (page tiles, then
/// search results), and the titles played.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub week: usize,
    pub found: Found,
    pub tiles_to_first_play: Option<usize>,
    pub plays: Vec<usize>,
}

/// One member's weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberWeeks {
    pub habits: Habits,
    /// The week (0-based) at whose end the member cancelled, if they did.
    pub cancelled_after: Option<usize>,
    pub sessions: Vec<SessionRecord>,
}

impl MemberWeeks {
    /// Still a member after `weeks` weeks.
    pub fn retained_after(&self, weeks: usize) -> bool {
        self.cancelled_after.is_none_or(|w| w + 1 > weeks)
    }
}

/// Who lives the weeks: the population viewer and the member they are stored as.
pub struct Liver<'a> {
    pub model: &'a Model,
    pub config: &'a RankerConfig,
    pub population: &'a Population,
    pub sim: &'a SimViewer,
    pub member: &'a Member,
    /// The catalog's text matches of every member's queries.
    pub matches: &'a QueryMatches,
}

/// The text matches of the queries members type (see [`search_queries`]):
/// they depend on the catalog only, and many members share a taste, so each
/// query is matched once for the whole experiment.
#[derive(Debug, Clone, Default)]
pub struct QueryMatches(BTreeMap<String, Vec<search::TextHit>>);

impl QueryMatches {
    /// Match every query of these viewers in `model`'s catalog, in parallel.
    pub fn of<'v>(model: &Model, viewers: impl Iterator<Item = &'v SimViewer>) -> QueryMatches {
        use rayon::prelude::*;
        let queries: BTreeSet<String> = viewers.flat_map(|v| search_queries(model, v)).collect();
        QueryMatches(
            queries
                .into_par_iter()
                .map(|q| {
                    let hits = search::text_hits(model, &q);
                    (q, hits)
                })
                .collect(),
        )
    }

    /// The matches of `query` (none for a query not matched here).
    pub fn get(&self, query: &str) -> &[search::TextHit] {
        self.0.get(query).map_or(&[], Vec::as_slice)
    }
}

impl Liver<'_> {
    /// Live `weeks` weeks from `state`, every draw from `rng`.
    pub fn live(
        &self,
        state: &mut ProfileState,
        weeks: usize,
        rng: &mut ChaCha8Rng,
    ) -> MemberWeeks {
        let habits = Habits::draw(self.sim, rng);
        // The weekly cancel draws have a generator of their own, so a member
        // living both arms from one seed meets the same draw each week and
        // cancels in one arm only when that week's chance differs.
        let mut cancel_rng = ChaCha8Rng::seed_from_u64(rng.gen());
        let viewer = Viewer {
            population: self.population,
            sim: self.sim,
            member_id: self.member.id,
            bar: play_bar(self.population, self.sim, self.model, self.member.maturity),
            seen_elsewhere: vec![],
        };
        let queries = search_queries(self.model, self.sim);
        let device = usual_device(self.sim);
        let mut out = MemberWeeks {
            habits,
            cancelled_after: None,
            sessions: vec![],
        };
        let mut n = 0u64;
        for week in 0..weeks {
            let mut failed = 0;
            let days = habits.days(week);
            for &day in &days {
                let ctx = session_context(self.model, self.sim, day, device);
                let seed = rng.gen::<u64>() ^ n;
                n += 1;
                let session = Session {
                    viewer: &viewer,
                    queries: &queries,
                    patience: habits.patience,
                    ctx: &ctx,
                    week,
                };
                let record = self.session(&session, state, seed, rng);
                failed += usize::from(record.found == Found::Failed);
                for (nth, &t) in record.plays.iter().enumerate() {
                    let id = &self.model.titles[t].id;
                    play(state, self.member.id, self.model, id, &ctx, nth + 1);
                }
                out.sessions.push(record);
            }
            if cancel_rng.gen::<f64>() < weekly_cancel_chance(failed, days.len()) {
                out.cancelled_after = Some(week);
                break;
            }
        }
        out
    }
}

/// One session's setting: who, what they would search for, how far they
/// read, when.
struct Session<'s> {
    viewer: &'s Viewer<'s>,
    queries: &'s [String],
    patience: usize,
    ctx: &'s Context,
    week: usize,
}

impl Liver<'_> {
    /// One session from `state`: the page (read up to the patience), then
    /// search when browsing found nothing. Its plays are for the caller to
    /// fold in.
    fn session(
        &self,
        s: &Session,
        state: &ProfileState,
        seed: u64,
        rng: &mut ChaCha8Rng,
    ) -> SessionRecord {
        let req = PageRequest {
            model: self.model,
            profile: state,
            ctx: s.ctx,
            config: self.config,
            seed,
        };
        // One scorer for the page and, when browsing fails, the search:
        // nothing was played in between, so the profile is the same (its
        // seed picks artwork only).
        let scorer = req.scorer();
        // The member reads titles and positions only (no artwork response).
        let page = req.sketch_with(&scorer);
        let mut hooks = SessionHooks {
            patience: Some(s.patience),
            ..SessionHooks::default()
        };
        let scan = s
            .viewer
            .look(&page, state, self.model, s.ctx, rng, &mut hooks);
        let week = s.week;
        if !scan.plays.is_empty() {
            return SessionRecord {
                week,
                found: Found::Rows,
                tiles_to_first_play: scan.first,
                plays: scan.plays,
            };
        }
        let results = if s.queries.is_empty() {
            vec![]
        } else {
            let q = rng.gen_range(0..s.queries.len());
            search::rank_hits(&scorer, self.matches.get(&s.queries[q]), SEARCH_READ)
        };
        let hit = results.iter().enumerate().find_map(|(i, r)| {
            let t = self.model.title_index(&r.title_id)?;
            s.viewer
                .would_play(t, &[], state, self.model, rng, 0.0)
                .then_some((i, t))
        });
        match hit {
            Some((i, t)) => SessionRecord {
                week,
                found: Found::Search,
                tiles_to_first_play: Some(scan.read + i + 1),
                plays: vec![t],
            },
            None => SessionRecord {
                week,
                found: Found::Failed,
                tiles_to_first_play: None,
                plays: vec![],
            },
        }
    }
}

/// What a member types when browsing fails: the names of their
/// [`SEARCH_TASTES`] strongest tastes (genres and tags; ties by id). A
/// member with no taste the catalog names cannot search.
pub fn search_queries(model: &Model, sim: &SimViewer) -> Vec<String> {
    let mut tastes: Vec<(&String, f64)> = sim.taste.iter().map(|(k, v)| (k, *v)).collect();
    tastes.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    tastes
        .into_iter()
        .filter_map(|(id, _)| {
            model.genres.get(id).map(|g| g.name.clone()).or_else(|| {
                model.tags.get(id).map(|t| {
                    t.label
                        .clone()
                        .or(t.suffix.clone())
                        .unwrap_or_else(|| id.clone())
                })
            })
        })
        .take(SEARCH_TASTES)
        .collect()
}

/// A member's own generator: the experiment's seed and the viewer's index.
pub fn member_rng(seed: u64, viewer: usize) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed ^ (viewer as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::MemberKind;
    use crate::eval::onboarding_set::new_viewers;
    use crate::testkit::{tiny_model, tiny_store};

    #[test]
    fn a_member_who_fails_every_session_cancels_three_times_as_often() {
        assert_eq!(weekly_cancel_chance(0, 3), BASE_WEEKLY_CANCEL);
        let all = weekly_cancel_chance(3, 3);
        assert!((all / BASE_WEEKLY_CANCEL - 3.0).abs() < 1e-12, "{all}");
        assert!(weekly_cancel_chance(1, 3) < weekly_cancel_chance(2, 3));
        assert_eq!(weekly_cancel_chance(0, 0), BASE_WEEKLY_CANCEL);
    }

    #[test]
    fn a_habit_spreads_its_sessions_over_its_own_week() {
        let h = Habits {
            sessions_per_week: 3,
            patience: 12,
        };
        assert_eq!(h.days(0), vec![0, 2, 4]);
        assert_eq!(h.days(2), vec![14, 16, 18]);
    }

    #[test]
    fn weeks_are_reproducible_and_stop_at_the_cancellation() {
        let store = tiny_store();
        let model = tiny_model(&store);
        let config = RankerConfig::default();
        let population = new_viewers(&model.titles, 8, 3);
        for (i, sim) in population.viewers.iter().enumerate() {
            let member = Member {
                id: -1 - i as i64,
                name: format!("m{i}"),
                kind: MemberKind::Profile,
                display_name: format!("M {i}"),
                maturity: sim.maturity,
                region: sim.region.to_string(),
            };
            let matches = QueryMatches::of(&model, std::iter::once(sim));
            let liver = Liver {
                model: &model,
                config: &config,
                population: &population,
                sim,
                member: &member,
                matches: &matches,
            };
            let live = || {
                let mut state = ProfileState::from_events(&member, &[], &model);
                liver.live(&mut state, 6, &mut member_rng(9, i))
            };
            let weeks = live();
            assert_eq!(weeks, live(), "the same seed, the same weeks");
            let (lo, hi) = PATIENCE;
            assert!((lo..=hi).contains(&weeks.habits.patience));
            let lived = weeks.cancelled_after.map_or(6, |w| w + 1);
            assert_eq!(
                weeks.sessions.len(),
                lived * weeks.habits.sessions_per_week as usize,
                "no session after cancelling: {weeks:?}"
            );
            for s in &weeks.sessions {
                assert_eq!(s.found == Found::Failed, s.plays.is_empty(), "{s:?}");
                assert_eq!(s.tiles_to_first_play.is_some(), !s.plays.is_empty());
            }
        }
    }
}
