//! Everything that can happen to the app (Actions), and the work the app
//! asks the runtime to do for it (Effects). Only `update` turns Actions
//! into state changes; only the runtime performs Effects.

use super::app::{Mark, SearchResult};
use crate::catalog::ProfileSummary;
use crate::rank::{Page, TimeOfDay};

/// Feedback a viewer can give from the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feedback {
    Down,
    Up,
    Love,
    Play,
    ToggleList,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Quit,
    Up,
    Down,
    Left,
    Right,
    First,
    Last,
    Select,
    Back,
    OpenHelp,
    OpenSearch,
    OpenProfiles,
    OpenContext,
    Explain,
    Give(Feedback),
    Undo,
    Redo,
    SaveJourney,
    ReloadConfig,
    ToggleSplit,
    OpenPickConfig,
    Input(char),
    Backspace,
    Toggle,
    Tick,
    ScrollUp,
    ScrollDown,
    Click {
        column: u16,
        row: u16,
    },
    Resize(u16, u16),
    // Results the runtime reports back.
    PageReady {
        page: Box<Page>,
        display: String,
        build_ms: f64,
        marks: bool,
    },
    /// Config B's page, built beside every page of A when comparing.
    ComparePage(Box<Page>),
    SearchResults(Vec<SearchResult>),
    /// After a rebuild: which of the current search results the profile now rates down.
    SearchRatedDown(Vec<String>),
    ProfilesLoaded(Vec<ProfileSummary>),
    OnboardingOffered(Vec<String>),
    Recorded(String),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Record feedback for a title (committed before the page changes), then re-rank.
    Feedback {
        title_id: String,
        action: crate::catalog::Action,
        progress: f32,
        artwork_id: Option<String>,
    },
    /// Take back the newest feedback, or give again the one taken back.
    Undo,
    Redo,
    /// Load a config file as B and show the split view.
    Compare(String),
    /// Write the journey so far next to the database.
    SaveJourney,
    /// Read the ranker config file again and re-rank with it (the last good one stays on an error).
    ReloadConfig,
    Search(String),
    LoadProfiles,
    SwitchProfile(String),
    CreateProfile(String),
    LoadOnboarding,
    Picks(Vec<String>),
    SetContext(TimeOfDay, crate::catalog::Device),
}

/// Movement marks kept for this many ticks (a tick is 250 ms).
pub const MARK_TICKS: u32 = 12;

pub fn mark_label(m: &Mark) -> String {
    match m {
        Mark::Up(n) => format!("↑{n}"),
        Mark::Down(n) => format!("↓{n}"),
        Mark::New => "new".into(),
        Mark::Moved => "moved".into(),
    }
}
