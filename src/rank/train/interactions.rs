//! Turning the event log into implicit feedback: for each (member, title) a
//! preference (1 liked / 0 not) and a confidence, following Hu, Koren and
//! Volinsky's implicit-feedback formulation. Watching more, thumbs up, love
//! and My List raise confidence in a 1; a thumbs down or an early abandon is
//! a confident 0.

use crate::catalog::{Action, Event};
use std::collections::BTreeMap;

/// One cell of the implicit-feedback matrix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub title: u32,
    pub pref: f32,
    pub conf: f32,
    /// When the member last engaged with the title (seconds).
    pub at: i64,
}

/// What one member did with one title, summed over its events.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Engagement {
    /// Play events, whatever their progress.
    pub plays: u32,
    pub watched: f32,
    pub up: bool,
    pub love: bool,
    pub down: bool,
    pub listed: bool,
    pub last_at: i64,
}

impl Engagement {
    pub fn add(&mut self, e: &Event) {
        self.last_at = self.last_at.max(e.at);
        match e.action {
            Action::Play => {
                self.plays += 1;
                self.watched = (self.watched + e.progress).min(6.0);
            }
            Action::Up => (self.up, self.down) = (true, false),
            Action::Love => (self.love, self.down) = (true, false),
            Action::Down => (self.down, self.up, self.love) = (true, false, false),
            Action::ListAdd => self.listed = true,
            Action::ListRemove => self.listed = false,
        }
    }

    /// A liked title: finished or well into it, thumbed up, loved or listed, never thumbed down.
    pub fn is_positive(&self) -> bool {
        !self.down && (self.watched >= 0.5 || self.up || self.love || self.listed)
    }

    /// (preference, confidence) with confidence scale `alpha`.
    pub fn cell(&self, alpha: f32) -> (f32, f32) {
        if self.is_positive() {
            let strength = self.watched
                + if self.up { 2.0 } else { 0.0 }
                + if self.love { 4.0 } else { 0.0 }
                + if self.listed { 1.0 } else { 0.0 };
            (1.0, 1.0 + alpha * strength)
        } else if self.down {
            (0.0, 1.0 + alpha * 3.0)
        } else {
            (0.0, 1.0 + alpha * 0.5)
        }
    }
}

/// The implicit-feedback matrix, by member and by title.
#[derive(Debug, Clone, Default)]
pub struct Interactions {
    pub n_titles: usize,
    /// Per member (index into the member list): cells sorted by title.
    pub by_member: Vec<Vec<Cell>>,
}

impl Interactions {
    /// Aggregate `events` (any order) for `members` (member id → row) and
    /// `titles` (title id → column), keeping events before `cutoff` when given.
    pub fn build(
        events: &[Event],
        members: &BTreeMap<i64, usize>,
        titles: &BTreeMap<String, usize>,
        cutoff: Option<i64>,
        alpha: f32,
    ) -> Interactions {
        let keys = EventKey::all(events, members, titles, &BTreeMap::new());
        Interactions::from_keys(events, &keys, members.len(), titles.len(), cutoff, alpha)
    }

    /// [`Interactions::build`] over events whose rows and columns were looked up once.
    pub fn from_keys(
        events: &[Event],
        keys: &[EventKey],
        n_members: usize,
        n_titles: usize,
        cutoff: Option<i64>,
        alpha: f32,
    ) -> Interactions {
        use rayon::prelude::*;
        let kept = |i: usize| cutoff.is_none_or(|c| events[i].at < c);
        let grouped = EventsByMember::group(keys, n_members, kept);
        // Each member's events in log order, one member at a time on all
        // cores: only the members being summed hold a map at once.
        let by_member = (0..n_members)
            .into_par_iter()
            .map(|m| {
                let mut agg: BTreeMap<u32, Engagement> = BTreeMap::new();
                for &i in grouped.of(m) {
                    agg.entry(keys[i as usize].title)
                        .or_default()
                        .add(&events[i as usize]);
                }
                engagement_cells(&agg, alpha)
            })
            .collect();
        Interactions {
            n_titles,
            by_member,
        }
    }

    /// The same cells grouped by title: (member, pref, conf).
    pub fn by_title(&self) -> Vec<Vec<(u32, f32, f32)>> {
        let mut out = vec![vec![]; self.n_titles];
        for (m, cells) in self.by_member.iter().enumerate() {
            for c in cells {
                out[c.title as usize].push((m as u32, c.pref, c.conf));
            }
        }
        out
    }
}

/// Event positions grouped by member row, each member's in log order (a
/// counting sort of the keys): lets a member's events be read together
/// without a map per member for the whole log.
pub struct EventsByMember {
    /// Member m's events are `order[starts[m]..starts[m + 1]]`.
    starts: Vec<usize>,
    order: Vec<u32>,
}

impl EventsByMember {
    /// The events with a member and a title that `keep` (given the event's
    /// position) accepts.
    pub fn group(keys: &[EventKey], n_members: usize, keep: impl Fn(usize) -> bool) -> Self {
        let member = |i: usize| keys[i].get().filter(|_| keep(i)).map(|(m, _)| m);
        let mut starts = vec![0usize; n_members + 1];
        for m in (0..keys.len()).filter_map(member) {
            starts[m + 1] += 1;
        }
        for m in 0..n_members {
            starts[m + 1] += starts[m];
        }
        let mut next = starts.clone();
        let mut order = vec![0u32; starts[n_members]];
        for i in 0..keys.len() {
            if let Some(m) = member(i) {
                order[next[m]] = i as u32;
                next[m] += 1;
            }
        }
        EventsByMember { starts, order }
    }

    /// How many member rows there are.
    pub fn members(&self) -> usize {
        self.starts.len() - 1
    }

    /// Positions of member row `m`'s events, in log order.
    pub fn of(&self, m: usize) -> &[u32] {
        &self.order[self.starts[m]..self.starts[m + 1]]
    }
}

/// An event's member row, title column and artwork theme, looked up once
/// per training instead of once per pass (the ids are strings).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventKey {
    member: u32,
    title: u32,
    theme: u8,
}

impl EventKey {
    const NONE: u32 = u32::MAX;
    const NO_THEME: u8 = u8::MAX;

    /// The keys of every event, in event order, on all cores.
    pub fn all(
        events: &[Event],
        members: &BTreeMap<i64, usize>,
        titles: &BTreeMap<String, usize>,
        artwork_theme: &BTreeMap<String, usize>,
    ) -> Vec<EventKey> {
        use rayon::prelude::*;
        // Hashed, for the tens of millions of lookups: an ordered map
        // compares a title id with a dozen others to find it.
        let titles: std::collections::HashMap<&str, usize> =
            titles.iter().map(|(id, &t)| (id.as_str(), t)).collect();
        events
            .par_iter()
            .map(|e| {
                let row = |x: Option<&usize>| x.map_or(Self::NONE, |&v| v as u32);
                EventKey {
                    member: row(members.get(&e.member_id)),
                    title: row(titles.get(e.title_id.as_str())),
                    theme: e
                        .artwork_id
                        .as_ref()
                        .and_then(|a| artwork_theme.get(a))
                        .map_or(Self::NO_THEME, |&t| t as u8),
                }
            })
            .collect()
    }

    /// (member row, title column) when both are in the training set.
    pub fn get(&self) -> Option<(usize, usize)> {
        (self.member != Self::NONE && self.title != Self::NONE)
            .then_some((self.member as usize, self.title as usize))
    }

    /// The title column (only meaningful when [`EventKey::get`] is `Some`).
    pub fn title(&self) -> u32 {
        self.title
    }

    /// The theme index of the artwork the event was shown with, if known.
    pub fn theme(&self) -> Option<usize> {
        (self.theme != Self::NO_THEME).then_some(self.theme as usize)
    }
}

/// Cells for one member's engagements, in title order.
pub fn engagement_cells(engagements: &BTreeMap<u32, Engagement>, alpha: f32) -> Vec<Cell> {
    engagements
        .iter()
        .map(|(&title, g)| {
            let (pref, conf) = g.cell(alpha);
            Cell {
                title,
                pref,
                conf,
                at: g.last_at,
            }
        })
        .collect()
}
