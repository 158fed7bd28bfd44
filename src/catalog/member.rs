//! The people in the log and the events they add: a member (a profile or a
//! simulated viewer) and a new event on its way to the store. Domain types,
//! so the ranker and the session name them without reaching into the store.

use super::{Action, Device, Event, Maturity, MemberKind};

/// A profile or a viewer.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub kind: MemberKind,
    pub display_name: String,
    pub maturity: Maturity,
    pub region: String,
}

/// A new event to record, from the CLI or the TUI.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub title_id: String,
    pub at: i64,
    pub offset_min: i32,
    pub action: Action,
    pub progress: f32,
    pub season: Option<u32>,
    pub episode: Option<u32>,
    pub device: Device,
    pub artwork_id: Option<String>,
}

impl NewEvent {
    /// The event as the ranker reads it once stored under `id` for `member_id`.
    pub fn stored(&self, id: i64, member_id: i64) -> Event {
        Event {
            id,
            member_id,
            title_id: self.title_id.clone(),
            at: self.at,
            offset_min: self.offset_min,
            action: self.action,
            progress: self.progress,
            season: self.season,
            episode: self.episode,
            device: self.device,
            artwork_id: self.artwork_id.clone(),
        }
    }
}
