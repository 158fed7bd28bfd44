//! A simulated A/B test: viewers of the bundled population, whose true
//! tastes the generator keeps, are shown the page of config A or B (a seeded
//! coin per viewer, kept for all their sessions) and react to it.
//!
//! Scan model, per session: rows are read top to bottom and in each row the
//! first [`SCAN_TILES`] tiles left to right; the tile in row r, position i is
//! looked at with probability 0.9^r · 0.8^i (position bias). A looked-at
//! title is played when its true appeal plus noise (normal, σ 0.3) reaches
//! the viewer's own bar: the appeal of their top [`PLAY_SHARE`] of the
//! catalog (what they would pick if they saw everything). Only titles new to
//! the viewer count: resuming something already started is not a discovery,
//! so those tiles are read but never played. A session ends
//! after [`MAX_PLAYS`] plays or at the end of the page; a play is folded into
//! the viewer's state before their next session.
//!
//! Differences come with 95 % bootstrap intervals: viewers are resampled
//! within each arm ([`BOOTSTRAP`] times, seeded).

use super::metrics::{effective_catalog_size, percentile};
use super::protocol::SCAN_TILES;
use crate::catalog::population::{Population, SimViewer};
use crate::catalog::{Action, Device, Event, Maturity};
use crate::rank::{Context, Model, Page, PageRequest, ProfileState, RankerConfig};
use crate::store::{Store, StoreError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// A viewer plays titles from the top this share of the catalog, by their true appeal.
pub const PLAY_SHARE: f64 = 0.1;
pub const MAX_PLAYS: usize = 2;
pub const BOOTSTRAP: usize = 400;
const ROW_ATTENTION: f64 = 0.9;
const TILE_ATTENTION: f64 = 0.8;

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
    } = sample_viewers(store, viewers, seed)?;
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

/// The viewers of a simulated experiment: the population (true tastes), its
/// members by name, and a seeded sample of `viewers` of them with their
/// logged histories, in population order.
pub struct Sampled {
    pub population: Population,
    pub members: BTreeMap<String, crate::store::Member>,
    /// (population index, the viewer's events).
    pub histories: Vec<(usize, Vec<Event>)>,
}

/// Draw the sample (seeded); the store is read on this thread only.
pub fn sample_viewers(store: &Store, viewers: usize, seed: u64) -> Result<Sampled, StoreError> {
    let titles = store.titles()?;
    let population = Population::generate(
        crate::catalog::sample::POPULATION_SEED,
        crate::catalog::sample::POPULATION_VIEWERS,
        &titles,
    );
    let members: BTreeMap<String, crate::store::Member> = store
        .members()?
        .into_iter()
        .map(|m| (m.name.clone(), m))
        .collect();
    let mut chosen: Vec<usize> = (0..population.viewers.len())
        .filter(|&v| members.contains_key(&population.viewers[v].name))
        .collect();
    if chosen.is_empty() {
        return Err(StoreError::Invalid("the simulated A/B test needs the bundled sample population (its viewers' true tastes); this database has none".into()));
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
        self.session_with(page, state, model, ctx, rng, &mut SessionHooks::default())
    }

    /// [`Viewer::session`] with hooks: the viewer may respond to the
    /// artwork shown, and what the session showed is handed to a recorder.
    /// With the default hooks it is exactly [`Viewer::session`].
    pub fn session_with(
        &self,
        page: &Page,
        state: &mut ProfileState,
        model: &Model,
        ctx: &Context,
        rng: &mut ChaCha8Rng,
        hooks: &mut SessionHooks,
    ) -> (Option<usize>, Vec<usize>) {
        let scan = self.scan(page, state, model, ctx, rng, usize::MAX, hooks);
        (scan.first, scan.plays)
    }

    /// Whether the viewer, looking at title `t`, plays it: a title new to
    /// them (not in `plays`, their state or `seen_elsewhere`) whose true
    /// appeal plus noise reaches their bar.
    pub fn would_play(
        &self,
        t: usize,
        plays: &[usize],
        state: &ProfileState,
        model: &Model,
        rng: &mut ChaCha8Rng,
    ) -> bool {
        self.would_play_pulled(t, plays, state, model, rng, 0.0)
    }

    /// [`Viewer::would_play`] with `pull` added to the title's appeal (the artwork's).
    fn would_play_pulled(
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
            || !self.likes_pulled(t, model, rng, pull))
    }

    /// Whether title `t`'s true appeal plus noise of the moment reaches the viewer's bar.
    pub fn likes(&self, t: usize, model: &Model, rng: &mut ChaCha8Rng) -> bool {
        self.likes_pulled(t, model, rng, 0.0)
    }

    fn likes_pulled(&self, t: usize, model: &Model, rng: &mut ChaCha8Rng, pull: f64) -> bool {
        let noise = Normal::new(0.0, 0.3).expect("a valid normal");
        self.population.appeal(self.sim, &model.titles[t]) + pull + noise.sample(rng) >= self.bar
    }

    /// [`Viewer::session`] for a viewer who reads at most `patience` tiles
    /// before giving up on the page.
    pub fn session_within(
        &self,
        page: &Page,
        state: &mut ProfileState,
        model: &Model,
        ctx: &Context,
        rng: &mut ChaCha8Rng,
        patience: usize,
    ) -> Scan {
        self.scan(
            page,
            state,
            model,
            ctx,
            rng,
            patience,
            &mut SessionHooks::default(),
        )
    }

    /// One scan of a page: rows top to bottom, each row's first tiles left to
    /// right, read with falling attention, until `patience` tiles are read.
    #[allow(clippy::too_many_arguments)]
    fn scan(
        &self,
        page: &Page,
        state: &mut ProfileState,
        model: &Model,
        ctx: &Context,
        rng: &mut ChaCha8Rng,
        patience: usize,
        hooks: &mut SessionHooks,
    ) -> Scan {
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
                if !self.would_play_pulled(t, &plays, state, model, rng, pull) {
                    continue;
                }
                first.get_or_insert(scanned);
                plays.push(t);
                played_at.push((r, i));
                play(
                    state,
                    self.member_id,
                    model,
                    &item.title_id,
                    ctx,
                    plays.len(),
                );
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

/// Hooks into a simulated session (see [`Viewer::session_with`]).
#[derive(Default)]
pub struct SessionHooks<'r> {
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

fn resample<'a>(arm: &[&'a ViewerOutcome], rng: &mut ChaCha8Rng) -> Vec<&'a ViewerOutcome> {
    (0..arm.len())
        .map(|_| arm[rng.gen_range(0..arm.len())])
        .collect()
}

/// B − A with a percentile bootstrap over viewers (each arm resampled on its own).
fn difference(metric: Metric, a: &[&ViewerOutcome], b: &[&ViewerOutcome], seed: u64) -> Difference {
    let point = metric.of(b) - metric.of(a);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xB007);
    let mut draws: Vec<f64> = (0..BOOTSTRAP)
        .map(|_| {
            if a.is_empty() || b.is_empty() {
                return 0.0;
            }
            let (ra, rb) = (resample(a, &mut rng), resample(b, &mut rng));
            metric.of(&rb) - metric.of(&ra)
        })
        .collect();
    draws.sort_by(f64::total_cmp);
    Difference {
        metric: metric.name().to_string(),
        b_minus_a: point,
        ci95: (
            percentile(&draws, 0.025).unwrap_or(0.0),
            percentile(&draws, 0.975).unwrap_or(0.0),
        ),
    }
}
