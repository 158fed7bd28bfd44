//! The simulated viewer every experiment shares (the A/B test, weekly
//! retention, the first month, win-back, the artwork replay): which viewers
//! are sampled, when their sessions happen, and how they read a page.
//!
//! Scan model, per session: rows are read top to bottom and in each row the
//! first [`SCAN_TILES`] tiles left to right; the tile in row r, position i is
//! looked at with probability 0.9^r · 0.8^i (position bias). A looked-at
//! title is played when its true appeal plus noise (normal, σ 0.3) reaches
//! the viewer's own bar: the appeal of their top [`PLAY_SHARE`] of the
//! catalog (what they would pick if they saw everything). Only titles new to
//! the viewer count: resuming something already started is not a discovery,
//! so those tiles are read but never played. A session ends
//! after [`MAX_PLAYS`] plays, when the viewer's patience runs out, or at the
//! end of the page; a play is folded into the viewer's state before their
//! next session.

use super::protocol::SCAN_TILES;
use crate::catalog::population::{Population, SimViewer};
use crate::catalog::{Action, Device, Event, Maturity};
use crate::rank::{Context, Model, Page, ProfileState};
use crate::store::{Store, StoreError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use std::collections::BTreeMap;

/// A viewer plays titles from the top this share of the catalog, by their true appeal.
pub const PLAY_SHARE: f64 = 0.1;
pub const MAX_PLAYS: usize = 2;
const ROW_ATTENTION: f64 = 0.9;
const TILE_ATTENTION: f64 = 0.8;

/// The viewers of a simulated experiment: the population (true tastes), its
/// members by name, and a seeded sample of `viewers` of them with their
/// logged histories, in population order.
pub struct Sampled {
    pub population: Population,
    pub members: BTreeMap<String, crate::store::Member>,
    /// (population index, the viewer's events).
    pub histories: Vec<(usize, Vec<Event>)>,
}

/// The bundled population (the viewers' true tastes) and the store's
/// members by name.
pub fn population_of(
    store: &Store,
) -> Result<(Population, BTreeMap<String, crate::store::Member>), StoreError> {
    let population = Population::generate(
        crate::catalog::sample::POPULATION_SEED,
        crate::catalog::sample::POPULATION_VIEWERS,
        &store.titles()?,
    );
    let members = store
        .members()?
        .into_iter()
        .map(|m| (m.name.clone(), m))
        .collect();
    Ok((population, members))
}

/// Draw the sample (seeded); the store is read on this thread only.
/// `who_needs` begins the error when the store holds no viewer of the
/// bundled population ("the simulated A/B test needs").
pub fn sample_viewers(
    store: &Store,
    viewers: usize,
    seed: u64,
    who_needs: &str,
) -> Result<Sampled, StoreError> {
    let (population, members) = population_of(store)?;
    let mut chosen: Vec<usize> = (0..population.viewers.len())
        .filter(|&v| members.contains_key(&population.viewers[v].name))
        .collect();
    if chosen.is_empty() {
        return Err(StoreError::Invalid(format!("{who_needs} the bundled sample population (its viewers' true tastes); this database has none")));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // A seeded sample of viewers, in population order.
    for i in (1..chosen.len()).rev() {
        chosen.swap(i, rng.gen_range(0..=i));
    }
    chosen.truncate(viewers);
    chosen.sort_unstable();
    // The store stays on this thread; the viewers' histories are read first.
    let histories: Vec<(usize, Vec<Event>)> = chosen
        .iter()
        .map(|&v| Ok((v, store.events_of(members[&population.viewers[v].name].id)?)))
        .collect::<Result<_, StoreError>>()?;
    Ok(Sampled {
        population,
        members,
        histories,
    })
}

/// A viewer's bar: the appeal of their top [`PLAY_SHARE`] of the titles
/// their maturity allows (what they would pick if they saw everything). A
/// title at or above it is one they like.
pub fn play_bar(
    population: &Population,
    sim: &SimViewer,
    model: &Model,
    maturity: Maturity,
) -> f64 {
    let mut appeals: Vec<f64> = model
        .titles
        .iter()
        .filter(|t| maturity.allows(t.maturity))
        .map(|t| population.appeal(sim, t))
        .collect();
    appeals.sort_by(|a, b| b.total_cmp(a));
    appeals
        .get(((appeals.len() as f64 * PLAY_SHARE) as usize).min(appeals.len().saturating_sub(1)))
        .copied()
        .unwrap_or(f64::INFINITY)
}

/// When a simulated viewer's session on `day` (0: the catalog's today) takes
/// place: at their peak hour, on `device`.
pub fn session_context(model: &Model, sim: &SimViewer, day: i64, device: Device) -> Context {
    let now = Context::default_now(model.as_of)
        + chrono::Duration::days(day)
        + chrono::Duration::hours(sim.peak_hour as i64 - 20);
    Context::new(now, device)
}

/// The device a simulated viewer uses most.
pub fn usual_device(sim: &SimViewer) -> Device {
    Device::ALL
        .into_iter()
        .zip(sim.devices)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(Device::Tv, |d| d.0)
}

/// One simulated viewer as the scan model sees them.
pub struct Viewer<'a> {
    pub population: &'a Population,
    pub sim: &'a SimViewer,
    pub member_id: i64,
    /// See [`play_bar`].
    pub bar: f64,
    /// Titles the viewer has seen outside the service (never a discovery).
    pub seen_elsewhere: Vec<usize>,
}

impl Viewer<'_> {
    /// One session on `page` (the scan model above): returns the tiles read
    /// to the first play, if any, and the titles played, each folded into
    /// `state` as it is played.
    pub fn session(
        &self,
        page: &Page,
        state: &mut ProfileState,
        model: &Model,
        ctx: &Context,
        rng: &mut ChaCha8Rng,
    ) -> (Option<usize>, Vec<usize>) {
        let scan = self.scan(page, state, model, ctx, rng, &mut SessionHooks::default());
        (scan.first, scan.plays)
    }

    /// Whether the viewer, looking at title `t`, plays it: a title new to
    /// them (not in `plays`, their state or `seen_elsewhere`) that they
    /// like, with `pull` (the artwork's) added to its appeal.
    pub fn would_play(
        &self,
        t: usize,
        plays: &[usize],
        state: &ProfileState,
        model: &Model,
        rng: &mut ChaCha8Rng,
        pull: f64,
    ) -> bool {
        !(plays.contains(&t)
            || state.titles.contains_key(&t)
            || self.seen_elsewhere.contains(&t)
            || !self.likes(t, model, rng, pull))
    }

    /// Whether title `t`'s true appeal, plus `pull` and the noise of the
    /// moment, reaches the viewer's bar.
    pub fn likes(&self, t: usize, model: &Model, rng: &mut ChaCha8Rng, pull: f64) -> bool {
        let noise = Normal::new(0.0, 0.3).expect("a valid normal");
        self.population.appeal(self.sim, &model.titles[t]) + pull + noise.sample(rng) >= self.bar
    }

    /// One scan of a page (the scan model above) with hooks: the viewer's
    /// patience, their response to the artwork, and a recorder of what the
    /// session showed. The titles played are folded into `state` at the end,
    /// in order. With the default hooks it is [`Viewer::session`].
    pub fn scan(
        &self,
        page: &Page,
        state: &mut ProfileState,
        model: &Model,
        ctx: &Context,
        rng: &mut ChaCha8Rng,
        hooks: &mut SessionHooks,
    ) -> Scan {
        let scan = self.look(page, state, model, ctx, rng, hooks);
        for (nth, &t) in scan.plays.iter().enumerate() {
            play(
                state,
                self.member_id,
                model,
                &model.titles[t].id,
                ctx,
                nth + 1,
            );
        }
        scan
    }

    /// [`Viewer::scan`] without folding the plays into `state`: a title
    /// played earlier in the session is never played twice, because
    /// [`Viewer::would_play`] is told the session's plays.
    pub fn look(
        &self,
        page: &Page,
        state: &ProfileState,
        model: &Model,
        ctx: &Context,
        rng: &mut ChaCha8Rng,
        hooks: &mut SessionHooks,
    ) -> Scan {
        let patience = hooks.patience.unwrap_or(usize::MAX);
        let (mut scanned, mut first, mut plays) = (0usize, None, vec![]);
        // The viewport: every row the viewer reached, its first SCAN_TILES tiles.
        let mut rows_reached = 0;
        let mut played_at: Vec<(usize, usize)> = vec![];
        'page: for (r, row) in page.rows.iter().enumerate() {
            rows_reached = r + 1;
            for (i, item) in row.items.iter().take(SCAN_TILES).enumerate() {
                if scanned >= patience {
                    break 'page;
                }
                if !rng.gen_bool(ROW_ATTENTION.powi(r as i32) * TILE_ATTENTION.powi(i as i32)) {
                    continue;
                }
                scanned += 1;
                let Some(t) = model.title_index(&item.title_id) else {
                    continue;
                };
                let pull = if hooks.artwork_response != 0.0 {
                    hooks.artwork_response * self.artwork_pull(model, t, &item.artwork_id)
                } else {
                    0.0
                };
                if !self.would_play(t, &plays, state, model, rng, pull) {
                    continue;
                }
                first.get_or_insert(scanned);
                plays.push(t);
                played_at.push((r, i));
                if plays.len() >= MAX_PLAYS {
                    break 'page;
                }
            }
        }
        if let Some(record) = hooks.record.as_mut() {
            let shown: Vec<(usize, usize)> = page.rows[..rows_reached]
                .iter()
                .enumerate()
                .flat_map(|(r, row)| (0..row.items.len().min(SCAN_TILES)).map(move |i| (r, i)))
                .collect();
            record(&SessionShown {
                page,
                ctx,
                member_id: self.member_id,
                shown: &shown,
                played: &played_at,
            });
        }
        Scan {
            first,
            plays,
            read: scanned,
        }
    }

    /// The viewer's response to the theme of artwork `id` of title `t` (0 when unknown).
    fn artwork_pull(&self, model: &Model, t: usize, id: &str) -> f64 {
        model.titles[t]
            .artwork
            .iter()
            .find(|a| a.id == id)
            .map_or(0.0, |a| self.population.artwork_pull(self.sim, a.theme))
    }
}

/// What one simulated session showed: the tiles in its viewport and the
/// ones played, as (row, position) on `page`.
pub struct SessionShown<'a> {
    pub page: &'a Page,
    pub ctx: &'a Context,
    pub member_id: i64,
    pub shown: &'a [(usize, usize)],
    pub played: &'a [(usize, usize)],
}

/// Hooks into a simulated session (see [`Viewer::scan`]).
#[derive(Default)]
pub struct SessionHooks<'r> {
    /// Tiles the viewer reads before giving up on the page (all when `None`).
    pub patience: Option<usize>,
    /// How much the artwork's theme pull (the viewer's true response to it)
    /// adds to a title's appeal; 0 (the A/B test's scan model) ignores artwork.
    pub artwork_response: f64,
    /// Called once at the end of the session with what it showed.
    pub record: Option<&'r mut dyn FnMut(&SessionShown)>,
}

/// What one scan of a page came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    /// Tiles read to the first play, if any.
    pub first: Option<usize>,
    /// Titles played, in order.
    pub plays: Vec<usize>,
    /// Tiles read in all.
    pub read: usize,
}

/// Fold the `nth` play of a session (a whole play of `title_id`) into `state`.
pub fn play(
    state: &mut ProfileState,
    member_id: i64,
    model: &Model,
    title_id: &str,
    ctx: &Context,
    nth: usize,
) {
    let at = ctx.now_unix() + 60 * nth as i64;
    state.apply(
        &Event {
            id: 0,
            member_id,
            title_id: title_id.to_string(),
            at,
            offset_min: 0,
            action: Action::Play,
            progress: 1.0,
            season: None,
            episode: None,
            device: ctx.device,
            artwork_id: None,
        },
        model,
    );
}
