//! A profile's state, folded from its events: what it is watching, what it
//! finished, thumbed, abandoned or listed. Engagement is summed exactly as
//! training sums it (`interactions::Engagement`), so fold-in sees a profile
//! the way the model saw its members.

use crate::catalog::{is_finished, Action, Event, Maturity, TitleKind, DAY_SECONDS as DAY};
use crate::rank::impressions::{attribute, PassedOver};
use crate::rank::train::interactions::Engagement;
use crate::rank::train::resume::ResumeHistory;
use crate::rank::Model;
use crate::store::{Member, Store, StoreError};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thumb {
    Up,
    Down,
    Love,
}

/// What one profile did with one title.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TitleState {
    pub eng: Engagement,
    pub plays: u32,
    /// Progress of the last play (of the last episode, for a series).
    pub progress: f32,
    /// Finished: a movie seen through, a series' last episode.
    pub completed: bool,
    pub episode: Option<(u32, u32)>,
    pub in_list: bool,
    /// The artwork the profile responded to, when an event names one.
    pub artwork_id: Option<String>,
    /// Its plays as the resume model reads them (when, where, back to back).
    pub resume: ResumeHistory,
}

impl TitleState {
    pub fn thumb(&self) -> Option<Thumb> {
        if self.eng.down {
            Some(Thumb::Down)
        } else if self.eng.love {
            Some(Thumb::Love)
        } else if self.eng.up {
            Some(Thumb::Up)
        } else {
            None
        }
    }

    pub fn last_at(&self) -> i64 {
        self.eng.last_at
    }

    pub fn is_positive(&self) -> bool {
        self.eng.is_positive()
    }
}

#[derive(Debug, Clone)]
pub struct ProfileState {
    pub member_id: i64,
    pub name: String,
    pub display_name: String,
    pub maturity: Maturity,
    pub region: String,
    /// Title index → state; ordered, so iteration is deterministic.
    pub titles: BTreeMap<usize, TitleState>,
    /// Event count, for headers and onboarding checks.
    pub events: usize,
    /// Tiles shown and not played (from the stored impressions): what the
    /// exploration and artwork bandits count against.
    pub passed: PassedOver,
}

impl ProfileState {
    pub fn from_events(member: &Member, events: &[Event], model: &Model) -> ProfileState {
        let mut state = ProfileState {
            member_id: member.id,
            name: member.name.clone(),
            display_name: member.display_name.clone(),
            maturity: member.maturity,
            region: member.region.clone(),
            titles: BTreeMap::new(),
            events: 0,
            passed: PassedOver::default(),
        };
        let mut ordered: Vec<&Event> = events.iter().collect();
        ordered.sort_by_key(|e| (e.at, e.id));
        for e in ordered {
            state.apply(e, model);
        }
        state
    }

    /// The named profile as the store holds it now, with the impressions
    /// of every page view shown before the newest event.
    pub fn load(store: &Store, model: &Model, name: &str) -> Result<ProfileState, StoreError> {
        ProfileState::load_before(store, model, name, store.last_event_id()?)
    }

    /// The named profile as the store holds it now, counting only the page
    /// views shown before event `impressions_before`: a session fixes it when
    /// it opens on a profile, so browsing during the session (and a replay
    /// of it) sees the same pages.
    pub fn load_before(
        store: &Store,
        model: &Model,
        name: &str,
        impressions_before: i64,
    ) -> Result<ProfileState, StoreError> {
        let member = store.profile(name)?;
        let events = store.events_of(member.id)?;
        let views = store.impressions_of(member.id, Some(impressions_before))?;
        let mut state = ProfileState::from_events(&member, &events, model);
        if !views.is_empty() {
            state.passed = PassedOver::from_outcomes(model, &attribute(&views, &events));
        }
        Ok(state)
    }

    /// Fold one more event in (feedback applies here without a reload).
    pub fn apply(&mut self, e: &Event, model: &Model) {
        let Some(t) = model.title_index(&e.title_id) else {
            return;
        };
        self.events += 1;
        let s = self.titles.entry(t).or_default();
        s.eng.add(e);
        s.resume.add(e);
        match e.action {
            Action::Play => {
                s.plays += 1;
                s.progress = e.progress;
                if e.season.is_some() {
                    s.episode = e.season.zip(e.episode);
                }
                let title = &model.titles[t];
                let last_part = title.kind == TitleKind::Movie
                    || s.episode
                        .is_some_and(|(se, ep)| title.next_episode(se, ep).is_none());
                if is_finished(e.progress) && last_part {
                    s.completed = true;
                }
            }
            Action::ListAdd => s.in_list = true,
            Action::ListRemove => s.in_list = false,
            _ => {}
        }
        if e.artwork_id.is_some() {
            s.artwork_id = e.artwork_id.clone();
        }
    }

    /// Engagement by title, as training sees it.
    pub fn engagement(&self) -> BTreeMap<u32, Engagement> {
        self.titles
            .iter()
            .map(|(&t, s)| (t as u32, s.eng))
            .collect()
    }

    /// The newest event time (the profile's own "now" for recency weights).
    pub fn newest(&self) -> i64 {
        self.titles.values().map(|s| s.last_at()).max().unwrap_or(0)
    }

    pub fn positives(&self) -> usize {
        self.titles.values().filter(|s| s.is_positive()).count()
    }

    /// Started, got less than a quarter in, and left it for over a week.
    pub fn is_abandoned(&self, s: &TitleState, now: i64) -> bool {
        s.thumb().is_none()
            && !s.completed
            && s.progress < 0.25
            && s.plays <= 1
            && now - s.last_at() > 7 * DAY
    }

    pub fn thumbed_down(&self, t: usize) -> bool {
        self.titles.get(&t).is_some_and(|s| s.eng.down)
    }

    pub fn finished(&self, t: usize) -> bool {
        self.titles.get(&t).is_some_and(|s| s.completed)
    }

    /// Recent titles the profile watched or loved, newest first: anchors for
    /// "Because you watched". A title only rated up (never played) or only
    /// saved to My List is not an anchor: the row's title would be untrue.
    pub fn recent_positives(&self) -> Vec<usize> {
        let watched_or_rated = |s: &TitleState| s.is_positive() && (s.plays > 0 || s.eng.love);
        let mut v: Vec<(i64, usize)> = self
            .titles
            .iter()
            .filter(|(_, s)| watched_or_rated(s))
            .map(|(&t, s)| (s.last_at(), t))
            .collect();
        v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        v.into_iter().map(|x| x.1).collect()
    }
}
