//! A browsing session: the store, the trained model, one profile in one
//! context with one config and seed. Feedback goes in (committed first,
//! then folded into the profile), pages come out. The TUI and the CLI's
//! feedback both go through it, so they behave the same.

use crate::catalog::{
    is_finished, Action, Device, Event, Maturity, ProfileSummary, Title, TitleKind,
};
use crate::rank::{
    check_picks, explain_title, onboarding_set, Context, DayKind, Model, OnboardingError, Page,
    PageRequest, PageScorer, ProfileState, RankerConfig, TimeOfDay, TitleExplanation,
};
use crate::store::{NewEvent, Origin, PageView, Store, StoreError, ViewBatch};

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Onboarding(#[from] OnboardingError),
    #[error(
        "{title} is rated {rating}, above {profile}'s limit ({limit}): feedback on it is refused"
    )]
    AboveMaturity {
        title: String,
        rating: Maturity,
        profile: String,
        limit: Maturity,
    },
}

pub struct Session {
    store: Store,
    model: Model,
    config: RankerConfig,
    profile: ProfileState,
    ctx: Context,
    seed: u64,
    /// Feedback recorded in this session, newest last: (event id, event, description).
    undo: Vec<(i64, NewEvent, String)>,
    /// Feedback taken back, to give again: (event, description).
    redo: Vec<(NewEvent, String)>,
    /// The profile counts the impressions shown before this event id, fixed
    /// when the session opens on it, so pages do not move while it browses
    /// (and a journey replays the same pages).
    impressions_before: i64,
}

/// What a recorded feedback event did, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub event_id: i64,
    pub title_id: String,
    pub description: String,
}

impl Session {
    /// Open a session on `profile` (or the first profile); trains the model if the cache is stale.
    pub fn open(
        mut store: Store,
        config: RankerConfig,
        profile: Option<&str>,
        ctx: Option<Context>,
        seed: u64,
    ) -> Result<Session, StoreError> {
        let model = Model::load(&mut store, &config)?;
        Session::with_model(store, model, config, profile, ctx, seed)
    }

    /// Open a session with a model already in hand (the tests' hand-made one,
    /// or one trained elsewhere on the same catalog).
    pub fn with_model(
        store: Store,
        model: Model,
        config: RankerConfig,
        profile: Option<&str>,
        ctx: Option<Context>,
        seed: u64,
    ) -> Result<Session, StoreError> {
        let name = match profile {
            Some(p) => p.to_string(),
            None => store
                .profiles()?
                .into_iter()
                .next()
                .map(|p| p.name)
                .ok_or_else(|| {
                    StoreError::UnknownProfile("(none: the database has no profiles)".into())
                })?,
        };
        let ctx = ctx.unwrap_or_else(|| {
            Context::new(
                Context::default_now(model.as_of),
                crate::catalog::Device::Tv,
            )
        });
        let impressions_before = store.last_event_id()?;
        let profile = ProfileState::load_before(&store, &model, &name, impressions_before)?;
        Ok(Session {
            store,
            model,
            config,
            profile,
            ctx,
            seed,
            undo: vec![],
            redo: vec![],
            impressions_before,
        })
    }

    /// What this session's page is a function of.
    pub fn request(&self) -> PageRequest<'_> {
        self.request_with(&self.config)
    }

    /// The same profile, context and seed under another config (the split view's B).
    pub fn request_with<'a>(&'a self, config: &'a RankerConfig) -> PageRequest<'a> {
        PageRequest {
            model: &self.model,
            profile: &self.profile,
            ctx: &self.ctx,
            config,
            seed: self.seed,
        }
    }

    pub fn page(&self) -> Page {
        self.request().page()
    }

    pub fn scorer(&self) -> PageScorer<'_> {
        self.request().scorer()
    }

    /// Why the title is where it is on this page, or why it is not there.
    pub fn explain(&self, title_id: &str) -> Result<TitleExplanation, StoreError> {
        let t = self
            .model
            .title_index(title_id)
            .ok_or_else(|| StoreError::UnknownTitle(title_id.to_string()))?;
        Ok(explain_title(&self.request(), t))
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    pub fn profile(&self) -> &ProfileState {
        &self.profile
    }

    pub fn config(&self) -> &RankerConfig {
        &self.config
    }

    pub fn ctx(&self) -> &Context {
        &self.ctx
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The store, for reads (stats, paths); writes go through the session's methods.
    /// A page view of this session's profile in its context, shown now
    /// (after the newest event): what impressions of its page are logged under.
    pub fn page_view(&self) -> Result<PageView, StoreError> {
        Ok(PageView {
            member_id: self.profile.member_id,
            at: self.ctx.now_unix(),
            offset_min: self.ctx.now.offset().local_minus_utc() / 60,
            device: self.ctx.device,
            origin: Origin::Browse,
            after_event: self.store.last_event_id()?,
        })
    }

    /// Log tiles shown (one transaction for the whole batch); they count
    /// for the profile from the next time a session opens on it.
    pub fn log_impressions(&mut self, batches: &[ViewBatch]) -> Result<Vec<i64>, StoreError> {
        self.store.log_impressions(batches)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Rank with another config from now on. The model stays: a config whose
    /// training parameters differ needs a new session (the caller checks
    /// `training_hash`).
    pub fn set_config(&mut self, config: RankerConfig) {
        self.config = config;
    }

    /// Record feedback: committed to the store before the profile state changes.
    /// A play of a series plays its next episode (or resumes the unfinished one).
    pub fn feedback(
        &mut self,
        title_id: &str,
        action: Action,
        progress: f32,
        artwork_id: Option<String>,
    ) -> Result<Recorded, SessionError> {
        let t = self
            .model
            .title_index(title_id)
            .ok_or_else(|| StoreError::UnknownTitle(title_id.to_string()))?;
        let title = &self.model.titles[t];
        refuse_above_limit(title, &self.profile.name, self.profile.maturity)?;
        let resume = self
            .profile
            .titles
            .get(&t)
            .and_then(|s| s.episode.map(|e| (e, s.progress)));
        let new = feedback_event(title, resume, action, progress, &self.ctx, artwork_id);
        let event_id = self.store.add_event(self.profile.member_id, &new)?;
        self.redo.clear();
        self.profile
            .apply(&new.stored(event_id, self.profile.member_id), &self.model);
        let description = describe(&new);
        self.undo.push((event_id, new.clone(), description.clone()));
        Ok(Recorded {
            event_id,
            title_id: new.title_id,
            description,
        })
    }

    /// Take back the newest feedback of this session: its event leaves the
    /// store and the profile is rebuilt from what remains, so the page is
    /// exactly the one before it. `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<Option<String>, StoreError> {
        let Some((id, event, description)) = self.undo.pop() else {
            return Ok(None);
        };
        self.store.delete_feedback(self.profile.member_id, id)?;
        self.profile = self.reload()?;
        self.redo.push((event, description.clone()));
        Ok(Some(description))
    }

    /// Give again the feedback taken back most recently.
    pub fn redo(&mut self) -> Result<Option<String>, StoreError> {
        let Some((new, description)) = self.redo.pop() else {
            return Ok(None);
        };
        let id = self.store.add_event(self.profile.member_id, &new)?;
        self.profile
            .apply(&new.stored(id, self.profile.member_id), &self.model);
        self.undo.push((id, new, description.clone()));
        Ok(Some(description))
    }

    /// Clear a title's rating (thumbs up, love or down): the profile's
    /// feedback events that rated it leave the store and the profile is
    /// rebuilt from what remains. A rating from the imported history stays
    /// (it is not feedback). Undo and redo start afresh, since the events
    /// they would take back or give again may be gone.
    pub fn clear_rating(&mut self, title_id: &str) -> Result<String, StoreError> {
        let rated: Vec<i64> = self
            .store
            .events_of(self.profile.member_id)?
            .into_iter()
            .filter(|e| {
                e.title_id == title_id
                    && matches!(e.action, Action::Up | Action::Love | Action::Down)
            })
            .map(|e| e.id)
            .collect();
        for id in rated {
            match self.store.delete_feedback(self.profile.member_id, id) {
                Ok(()) => {}
                // Imported history, not feedback: it stays.
                Err(StoreError::Invalid(_)) => {}
                Err(e) => return Err(e),
            }
        }
        self.profile = self.reload()?;
        self.undo.clear();
        self.redo.clear();
        let still = self
            .model
            .title_index(title_id)
            .and_then(|t| self.profile.titles.get(&t))
            .and_then(|s| s.thumb());
        Ok(match still {
            None => "Rating cleared".to_string(),
            Some(_) => {
                "This rating is in the imported history, not your feedback: it stays".to_string()
            }
        })
    }

    /// Move the session to another time of day, kind of day (back to the
    /// latest weekday or weekend day, see `Context::on_day`) and device.
    pub fn set_context(&mut self, time_of_day: TimeOfDay, day: DayKind, device: Device) {
        self.ctx = Context {
            device,
            ..self.ctx.on_day(day).at_time_of_day(time_of_day)
        };
    }

    pub fn profiles(&self) -> Result<Vec<ProfileSummary>, StoreError> {
        self.store.profiles()
    }

    /// The profile rebuilt from the store (its impressions as the session fixed them).
    fn reload(&self) -> Result<ProfileState, StoreError> {
        ProfileState::load_before(
            &self.store,
            &self.model,
            &self.profile.name,
            self.impressions_before,
        )
    }

    pub fn switch_profile(&mut self, name: &str) -> Result<(), StoreError> {
        self.impressions_before = self.store.last_event_id()?;
        self.profile =
            ProfileState::load_before(&self.store, &self.model, name, self.impressions_before)?;
        // Undo and redo belong to the profile they were given for.
        self.undo.clear();
        self.redo.clear();
        Ok(())
    }

    /// A new profile with the handle `name`, shown as `display_name`, and switch to it.
    pub fn create_profile(
        &mut self,
        name: &str,
        display_name: &str,
        maturity: Maturity,
        region: &str,
    ) -> Result<(), StoreError> {
        self.store
            .add_profile_named(name, display_name, maturity, region)?;
        self.switch_profile(name)
    }

    /// The onboarding titles for the current profile.
    pub fn onboarding(&self) -> Vec<usize> {
        onboarding_set(&self.model, self.profile.maturity, self.seed)
    }

    /// Record onboarding picks (each a thumbs up), all checked before any is written.
    pub fn pick(&mut self, ids: &[String]) -> Result<usize, SessionError> {
        let chosen = check_picks(&self.model, self.profile.maturity, &self.onboarding(), ids)?;
        // One transaction: a killed or failed onboarding records no pick at all.
        self.store.begin_batch()?;
        let undo_before = self.undo.len();
        let written = chosen.iter().try_for_each(|&t| {
            let id = self.model.titles[t].id.clone();
            self.feedback(&id, Action::Up, 0.0, None).map(|_| ())
        });
        if let Err(e) = written.and_then(|()| Ok(self.store.commit_batch()?)) {
            self.store.rollback_batch();
            self.undo.truncate(undo_before);
            self.profile = self.reload()?;
            return Err(e);
        }
        // A journey starts afresh after onboarding: so does the impressions' cutoff.
        self.impressions_before = self.store.last_event_id()?;
        self.profile = self.reload()?;
        Ok(chosen.len())
    }
}

/// Record feedback straight into the store, with no model: the CLI's
/// `feedback` uses this, so giving feedback never waits on training (a
/// stale model is retrained by the next command that builds a page).
pub fn record_feedback(
    store: &mut Store,
    profile: &str,
    title_id: &str,
    action: Action,
    progress: f32,
    ctx: &Context,
) -> Result<Recorded, SessionError> {
    let member = store.profile(profile)?;
    let title = store.title(title_id)?;
    refuse_above_limit(&title, &member.name, member.maturity)?;
    let resume = resume_point(&store.events_of(member.id)?, title_id);
    let new = feedback_event(&title, resume, action, progress, ctx, None);
    let event_id = store.add_event(member.id, &new)?;
    Ok(Recorded {
        event_id,
        title_id: new.title_id.clone(),
        description: describe(&new),
    })
}

/// The last episode a profile played of a series, and how far: where a
/// play resumes. `None` before any episode.
type Resume = Option<((u32, u32), f32)>;

/// Where a play of `title_id` resumes, read from a profile's events in
/// order (the same fold as [`ProfileState`]).
fn resume_point(events: &[Event], title_id: &str) -> Resume {
    let mut resume = None;
    for e in events
        .iter()
        .filter(|e| e.title_id == title_id && e.action == Action::Play)
    {
        let episode = e.season.zip(e.episode).or(resume.map(|(ep, _)| ep));
        resume = episode.map(|ep| (ep, e.progress));
    }
    resume
}

/// A profile is never given feedback on a title above its maturity limit:
/// such a title is never shown to it, so a rating of it can only be a mistake.
fn refuse_above_limit(title: &Title, profile: &str, limit: Maturity) -> Result<(), SessionError> {
    if limit.allows(title.maturity) {
        return Ok(());
    }
    Err(SessionError::AboveMaturity {
        title: title.id.clone(),
        rating: title.maturity,
        profile: profile.to_string(),
        limit,
    })
}

/// The event one piece of feedback records, at the context's time and on its
/// device. A play of a series plays the next episode after a finished one,
/// or resumes the unfinished one.
fn feedback_event(
    title: &Title,
    resume: Resume,
    action: Action,
    progress: f32,
    ctx: &Context,
    artwork_id: Option<String>,
) -> NewEvent {
    let episode =
        (action == Action::Play && title.kind == TitleKind::Series).then(|| match resume {
            Some(((s, e), p)) if is_finished(p) => title.next_episode(s, e).unwrap_or((s, e)),
            Some(((s, e), _)) => (s, e),
            None => title.first_episode().unwrap_or((1, 1)),
        });
    NewEvent {
        title_id: title.id.clone(),
        at: ctx.now_unix(),
        offset_min: ctx.now.offset().local_minus_utc() / 60,
        action,
        progress: if action == Action::Play {
            progress.clamp(0.0, 1.0)
        } else {
            0.0
        },
        season: episode.map(|e| e.0),
        episode: episode.map(|e| e.1),
        device: ctx.device,
        artwork_id,
    }
}

/// What a recorded event did, in words.
fn describe(new: &NewEvent) -> String {
    match (new.action, new.season.zip(new.episode)) {
        (Action::Play, Some((s, e))) => {
            format!("played S{s}:E{e} to {:.0}%", new.progress * 100.0)
        }
        (Action::Play, None) => format!("played to {:.0}%", new.progress * 100.0),
        (Action::Up, _) => "thumbs up".into(),
        (Action::Down, _) => "thumbs down".into(),
        (Action::Love, _) => "loved".into(),
        (Action::ListAdd, _) => "added to My List".into(),
        (Action::ListRemove, _) => "removed from My List".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{tiny_context, tiny_model, tiny_session, tiny_store};

    #[test]
    fn feedback_without_a_model_plays_the_same_episode_as_a_session() {
        // The CLI's model-free path and the session agree on where a series resumes.
        let mut store = tiny_store();
        let ctx = tiny_context(&tiny_model(&store));
        let first = record_feedback(&mut store, "mia", "m4", Action::Play, 1.0, &ctx).unwrap();
        let second = record_feedback(&mut store, "mia", "m4", Action::Play, 0.3, &ctx).unwrap();
        let third = record_feedback(&mut store, "mia", "m4", Action::Play, 0.5, &ctx).unwrap();

        let mut session = tiny_session("mia");
        let a = session.feedback("m4", Action::Play, 1.0, None).unwrap();
        let b = session.feedback("m4", Action::Play, 0.3, None).unwrap();
        let c = session.feedback("m4", Action::Play, 0.5, None).unwrap();
        let cli = [first.description, second.description, third.description];
        assert_eq!(cli, [a.description, b.description, c.description]);
        assert_eq!(
            cli,
            [
                "played S1:E1 to 100%",
                "played S1:E2 to 30%",
                "played S1:E2 to 50%"
            ],
            "a finished episode moves on; an unfinished one resumes"
        );
    }

    #[test]
    fn feedback_above_the_profiles_limit_is_refused_and_nothing_is_stored() {
        // kit is TV-Y7; m1 is TV-MA.
        let mut store = tiny_store();
        let ctx = tiny_context(&tiny_model(&store));
        let kit = store.profile("kit").unwrap();
        let before = store.events_of(kit.id).unwrap().len();
        let refused = record_feedback(&mut store, "kit", "m1", Action::Love, 0.0, &ctx);
        assert!(
            matches!(refused, Err(SessionError::AboveMaturity { .. })),
            "{refused:?}"
        );
        assert_eq!(store.events_of(kit.id).unwrap().len(), before);

        let mut session = tiny_session("kit");
        let refused = session.feedback("m1", Action::Up, 0.0, None).unwrap_err();
        assert!(
            refused.to_string().contains("above kit's limit (TV-Y7)"),
            "{refused}"
        );
        assert!(session.feedback("k2", Action::Up, 0.0, None).is_ok());
    }

    #[test]
    fn pages_after_feedback_equal_pages_from_a_model_that_remembers_nothing() {
        // A model keeps a profile's anchors' closeness between pages; each
        // page must be the page a freshly loaded model would build.
        let mut session = tiny_session("mia");
        let fresh_page = |s: &Session| {
            let fresh = tiny_model(s.store());
            PageRequest {
                model: &fresh,
                profile: s.profile(),
                ctx: s.ctx(),
                config: s.config(),
                seed: s.seed(),
            }
            .page()
        };
        let steps = [
            ("c1", Action::Down),
            ("s1", Action::Down),
            ("m2", Action::Up),
            ("c2", Action::Down),
            ("m5", Action::Love),
        ];
        for (title, action) in steps {
            session.feedback(title, action, 0.0, None).unwrap();
            assert_eq!(
                session.page(),
                fresh_page(&session),
                "after {action:?} on {title}"
            );
        }
        // Taking feedback back loses an anchor: the kept maxima cannot be reused.
        while session.undo().unwrap().is_some() {
            assert_eq!(session.page(), fresh_page(&session), "after an undo");
        }
    }

    #[test]
    fn feedback_leaves_the_training_stamp_alone() {
        // The cached model stays valid after feedback: pages fold it in instead.
        let mut store = tiny_store();
        let ctx = tiny_context(&tiny_model(&store));
        let stamp = store.training_fingerprint().unwrap();
        record_feedback(&mut store, "mia", "c1", Action::Up, 0.0, &ctx).unwrap();
        assert_eq!(store.training_fingerprint().unwrap(), stamp);
    }
}
