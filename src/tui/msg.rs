//! Everything that can happen to the app (messages (`Msg`)), and the work the app
//! asks the runtime to do for it (Effects). Only `update` turns messages (`Msg`)
//! into state changes; only the runtime performs Effects.

use super::app::{Mark, SearchResult};
use super::experiment;
use crate::catalog::ProfileSummary;
use crate::eval::churn_risk::ChurnRisk;
use crate::rank::digest::Digest;
use crate::rank::{Page, Thumb, TimeOfDay};
use std::collections::BTreeMap;

/// Why a new page arrived: how the screen should take it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cause {
    /// Another profile, or onboarding just done: start at the top, nothing marked.
    Fresh,
    /// The context or the config changed: keep the row, mark what moved.
    Rerank,
    /// Feedback on a title: the rows above and under the cursor stay put.
    Feedback {
        title_id: String,
        action: crate::catalog::Action,
    },
    /// A rating was cleared (pressing the same rating again).
    Cleared {
        title_id: String,
    },
    /// The last feedback was taken back / given again: the page shown then comes back.
    Undo,
    Redo,
}

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
pub enum Msg {
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
    /// Ctrl-U: clear the text field; Ctrl-W: delete its last word.
    ClearInput,
    DeleteWord,
    /// Tab in the config prompt: complete the path.
    Complete,
    PageUp,
    PageDown,
    /// The header's developer details (time, config hash, build time) on or off.
    ToggleDeveloper,
    /// `M`: what moved at the last re-rank and why.
    OpenMoved,
    /// `e`: run the weekly retention experiment (ranker in force vs popularity alone).
    OpenExperiment,
    /// `f`: "For you this week", the profile's digest.
    OpenDigest,
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
        /// The profile is a kids profile (it gets the kids palette).
        kids: bool,
        build_ms: f64,
        cause: Cause,
        /// The profile's ratings after this page's feedback, by title id.
        ratings: BTreeMap<String, Thumb>,
        /// How far each unfinished title is watched (0–1), for Continue Watching's bars.
        progress: BTreeMap<String, f32>,
    },
    /// Config B is loaded: the prompt closes and the split view shows.
    Compared(String),
    /// A `B` attempt failed: the prompt comes back with the path and the error.
    CompareFailed(String),
    /// Tab completion of the config path: the completed text and the candidates left.
    Completed(String, Vec<String>),
    /// Config B's page, built beside every page of A when comparing.
    ComparePage(Box<Page>),
    SearchResults(Vec<SearchResult>),
    /// After a rebuild: which of the current search results the profile now rates down.
    SearchRatedDown(Vec<String>),
    /// The profiles, each with its churn risk.
    ProfilesLoaded(Vec<ProfileSummary>, Vec<ChurnRisk>),
    /// The experiment's run reports (stages, chunks, the end).
    Experiment(experiment::Report),
    DigestReady(Digest),
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
    /// Clear a title's rating (the same rating pressed again).
    ClearRating(String),
    /// Complete a typed path from the file system.
    Complete(String),
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
    /// A new profile: its name as typed (the handle is made from it) and its maturity limit.
    CreateProfile(String, crate::catalog::Maturity),
    LoadOnboarding,
    Picks(Vec<String>),
    SetContext(TimeOfDay, crate::rank::DayKind, crate::catalog::Device),
    /// Start the retention experiment on its own thread (one at a time).
    StartExperiment(experiment::Spec),
    /// Stop it at its next chunk; nothing waits for it.
    CancelExperiment,
    /// Compose the profile's digest.
    LoadDigest,
}

pub fn mark_label(m: &Mark) -> String {
    match m {
        Mark::Up(n) => format!("↑{n}"),
        Mark::Down(n) => format!("↓{n}"),
        Mark::New => "new".into(),
        Mark::Moved => "moved".into(),
    }
}
