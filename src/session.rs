//! A browsing session: the store, the trained model, one profile in one
//! context with one config and seed. Feedback goes in (committed first,
//! then folded into the profile), pages come out. The TUI and the CLI's
//! feedback both go through it, so they behave the same.

use crate::catalog::{is_finished, Action, Device, Maturity, ProfileSummary, TitleKind};
use crate::rank::{
    check_picks, explain_title, onboarding_set, Context, Model, OnboardingError, Page, PageRequest,
    PageScorer, ProfileState, RankerConfig, TimeOfDay, TitleExplanation,
};
use crate::store::{NewEvent, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Onboarding(#[from] OnboardingError),
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
        let profile = ProfileState::load(&store, &model, &name)?;
        Ok(Session {
            store,
            model,
            config,
            profile,
            ctx,
            seed,
            undo: vec![],
            redo: vec![],
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
    ) -> Result<Recorded, StoreError> {
        let t = self
            .model
            .title_index(title_id)
            .ok_or_else(|| StoreError::UnknownTitle(title_id.to_string()))?;
        let title = &self.model.titles[t];
        let episode = if action == Action::Play && title.kind == TitleKind::Series {
            let state = self.profile.titles.get(&t);
            Some(
                match state.and_then(|s| s.episode.map(|e| (e, s.progress))) {
                    Some(((s, e), p)) if is_finished(p) => {
                        title.next_episode(s, e).unwrap_or((s, e))
                    }
                    Some(((s, e), _)) => (s, e),
                    None => title.first_episode().unwrap_or((1, 1)),
                },
            )
        } else {
            None
        };
        let new = NewEvent {
            title_id: title.id.clone(),
            at: self.ctx.now_unix(),
            offset_min: self.ctx.now.offset().local_minus_utc() / 60,
            action,
            progress: if action == Action::Play {
                progress.clamp(0.0, 1.0)
            } else {
                0.0
            },
            season: episode.map(|e| e.0),
            episode: episode.map(|e| e.1),
            device: self.ctx.device,
            artwork_id,
        };
        let event_id = self.store.add_event(self.profile.member_id, &new)?;
        self.redo.clear();
        self.profile
            .apply(&new.stored(event_id, self.profile.member_id), &self.model);
        let description = match (action, episode) {
            (Action::Play, Some((s, e))) => {
                format!("played S{s}:E{e} to {:.0}%", new.progress * 100.0)
            }
            (Action::Play, None) => format!("played to {:.0}%", new.progress * 100.0),
            (Action::Up, _) => "thumbs up".into(),
            (Action::Down, _) => "thumbs down".into(),
            (Action::Love, _) => "loved".into(),
            (Action::ListAdd, _) => "added to My List".into(),
            (Action::ListRemove, _) => "removed from My List".into(),
        };
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
        self.profile = ProfileState::load(&self.store, &self.model, &self.profile.name.clone())?;
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
        self.profile = ProfileState::load(&self.store, &self.model, &self.profile.name.clone())?;
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

    /// Move the session to another time of day (same date) and device.
    pub fn set_context(&mut self, time_of_day: TimeOfDay, device: Device) {
        self.ctx = Context {
            device,
            ..self.ctx.at_time_of_day(time_of_day)
        };
    }

    pub fn profiles(&self) -> Result<Vec<ProfileSummary>, StoreError> {
        self.store.profiles()
    }

    pub fn switch_profile(&mut self, name: &str) -> Result<(), StoreError> {
        self.profile = ProfileState::load(&self.store, &self.model, name)?;
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
        if let Err(e) = written.and_then(|()| self.store.commit_batch()) {
            self.store.rollback_batch();
            self.undo.truncate(undo_before);
            self.profile =
                ProfileState::load(&self.store, &self.model, &self.profile.name.clone())?;
            return Err(e.into());
        }
        Ok(chosen.len())
    }
}
