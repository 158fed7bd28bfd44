//! The app's state: what is on screen and where the selection is. It is
//! changed only by `update`; drawing borrows it and never writes.

use super::experiment::{Spec, POPULARITY_ONLY};
use crate::catalog::{Genre, ProfileSummary, Tag, Title};
use crate::eval::churn_risk::ChurnRisk;
use crate::eval::compare::{diff_pages, RowDiff};
use crate::eval::retention_report::RetentionReport;
use crate::eval::retention_run::Partial;
use crate::rank::digest::Digest;
use crate::rank::{Item, Page, Row, Thumb, TimeOfDay};
use std::collections::BTreeMap;
use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Loading,
    Home,
    Detail,
    Explain,
    Help,
    Search,
    /// The search results, after ↓ from the query: keys act on the selected result.
    SearchList,
    Profiles,
    NewProfile,
    Onboarding,
    /// Typing words to find titles among onboarding's posters (`/` there).
    OnboardingFind,
    Context,
    /// What moved at the last re-rank and why (`M`).
    Moved,
    /// Typing the path of a second config to compare with.
    PickConfig,
    /// The weekly retention experiment running or finished (`e`).
    Experiment,
    /// "For you this week": the profile's digest (`f`).
    Digest,
}

/// How a tile moved when the page re-ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Up(usize),
    Down(usize),
    New,
    Moved,
}

/// A search result as the search screen lists it (the library's own).
pub use crate::rank::search::SearchResult;

/// A read-only snapshot of the catalog for drawing (names, synopses, artwork).
#[derive(Debug, Default)]
pub struct Catalog {
    pub titles: BTreeMap<String, Title>,
    pub genres: BTreeMap<String, Genre>,
    pub tags: BTreeMap<String, Tag>,
}

#[derive(Debug, Default, Clone)]
pub struct SearchState {
    pub query: String,
    pub results: Vec<SearchResult>,
    pub selected: usize,
}

#[derive(Debug, Default, Clone)]
pub struct ProfilesState {
    pub list: Vec<ProfileSummary>,
    /// Each profile's churn risk, in the order of `list` (`marquee profiles`'s).
    pub risks: Vec<ChurnRisk>,
    pub selected: usize,
    /// The new profile's name as typed (shown as is; its handle is made from it).
    pub new_name: String,
    /// The new profile's maturity limit, an index into `NEW_PROFILE_LIMITS`.
    pub new_limit: usize,
}

/// The maturity limits a new profile can be given in the TUI, kids first;
/// the last (no limit below adult) is the default.
pub const NEW_PROFILE_LIMITS: [crate::catalog::Maturity; 5] = [
    crate::catalog::Maturity::TvY,
    crate::catalog::Maturity::TvY7,
    crate::catalog::Maturity::TvPg,
    crate::catalog::Maturity::Tv14,
    crate::catalog::Maturity::TvMa,
];

#[derive(Debug, Default, Clone)]
pub struct OnboardingState {
    pub offered: Vec<String>,
    pub picked: Vec<String>,
    /// The selected poster, an index into the posters shown (`App::onboarding_shown`).
    pub selected: usize,
    /// Words typed after `/`: only offered titles whose name or genres hold them all are shown.
    pub filter: String,
    /// Esc was pressed once: the screen asks before leaving.
    pub confirm_leave: bool,
}

/// The experiment screen: what was asked, what has come back so far.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentState {
    pub spec: Spec,
    /// The arms' config names, A then B.
    pub arms: (String, String),
    /// What the run is doing before its first chunk.
    pub stage: String,
    /// The curves over the members simulated so far.
    pub partial: Option<Partial>,
    pub report: Option<RetentionReport>,
    pub error: Option<String>,
}

impl ExperimentState {
    pub fn new(spec: Spec, arm_a: &str) -> ExperimentState {
        ExperimentState {
            spec,
            arms: (arm_a.to_string(), POPULARITY_ONLY.to_string()),
            stage: "Starting …".into(),
            partial: None,
            report: None,
            error: None,
        }
    }

    /// Still simulating: neither finished nor failed.
    pub fn running(&self) -> bool {
        self.report.is_none() && self.error.is_none()
    }

    /// Members simulated so far, of how many.
    pub fn done(&self) -> (usize, usize) {
        match (&self.report, &self.partial) {
            // Every member lives both arms: each arm counts them all.
            (Some(r), _) => (r.a.members, r.a.members),
            (None, Some(p)) => (p.done, p.total),
            (None, None) => (0, self.spec.members),
        }
    }
}

/// "For you this week" as the digest screen shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DigestState {
    /// None until the runtime has composed it.
    pub digest: Option<Digest>,
    pub selected: usize,
}

#[derive(Debug, Clone, Copy)]
pub struct ContextState {
    pub time_of_day: TimeOfDay,
    pub day: crate::rank::DayKind,
    pub device: crate::catalog::Device,
    /// 0: time of day, 1: day of the week, 2: device.
    pub focus: usize,
}

pub struct App {
    pub mode: Mode,
    /// Running on a throw-away copy of the database (`--sandbox`).
    pub sandbox: bool,
    /// Config B's page for the same profile and context (`--compare B.json`).
    pub compare_page: Option<Page>,
    /// How B's rows and tiles moved from A's; kept with the pages, not redrawn each frame.
    pub compare_diff: Vec<RowDiff>,
    /// Whether the split view (A left, B right) is showing.
    pub split: bool,
    /// The config path being typed (PickConfig).
    pub config_input: String,
    /// Where Back returns to: the screens opened on the way here, the newest last.
    pub stack: Vec<Mode>,
    /// How far the open overlay (detail, explain, help) is scrolled, in lines.
    pub scroll: u16,
    /// The error of the last `B` attempt, shown in the prompt (with the path kept).
    pub config_error: Option<String>,
    /// Tab completions of the typed config path, when more than one fits.
    pub completions: Vec<String>,
    /// Each title's current rating (thumbs up, love or down), by title id.
    pub ratings: BTreeMap<String, Thumb>,
    /// How far each unfinished title is watched (0–1), by title id.
    pub progress: BTreeMap<String, f32>,
    /// The pages shown before each feedback of this session, for an exact undo,
    /// with the feedback that followed (title id, action).
    pub undo_pages: Vec<(String, crate::catalog::Action, Page)>,
    /// The pages undone, for an exact redo.
    pub redo_pages: Vec<(String, crate::catalog::Action, Page)>,
    /// The header shows raw names (time, config hash, build time) for developers.
    pub developer: bool,
    /// What moved at the last re-rank, in words, for `M`.
    pub moved: Vec<String>,
    pub catalog: Rc<Catalog>,
    pub page: Option<Page>,
    pub profile_display: String,
    /// The profile is a kids profile: the screen uses the kids palette.
    pub kids: bool,
    pub build_ms: f64,
    pub row: usize,
    /// Selected column per row id, so a row keeps its place.
    pub cols: BTreeMap<String, usize>,
    pub marks: BTreeMap<String, Mark>,
    /// Names of titles that left the page at the last re-rank.
    pub left_page: Vec<String>,
    pub status: Option<(String, bool)>,
    pub status_ticks: u32,
    pub detail_title: Option<String>,
    pub search: SearchState,
    pub profiles: ProfilesState,
    pub onboarding: OnboardingState,
    pub context: ContextState,
    /// The experiment screen's run, while it is open.
    pub experiment: Option<ExperimentState>,
    pub digest: DigestState,
    pub loading: String,
    /// The terminal's size, for mouse hit-testing (drawing gets its own area).
    pub size: (u16, u16),
    pub quit: bool,
}

impl App {
    /// Recompute `compare_diff` after A's or B's page changed.
    pub fn refresh_compare_diff(&mut self) {
        self.compare_diff = match (&self.page, &self.compare_page) {
            (Some(a), Some(b)) => diff_pages(a, b),
            _ => vec![],
        };
    }

    pub fn new(catalog: Rc<Catalog>) -> App {
        App {
            mode: Mode::Loading,
            sandbox: false,
            compare_page: None,
            compare_diff: vec![],
            split: false,
            config_input: String::new(),
            stack: vec![],
            scroll: 0,
            config_error: None,
            completions: vec![],
            ratings: BTreeMap::new(),
            progress: BTreeMap::new(),
            undo_pages: vec![],
            redo_pages: vec![],
            developer: false,
            moved: vec![],
            catalog,
            page: None,
            profile_display: String::new(),
            kids: false,
            build_ms: 0.0,
            row: 0,
            cols: BTreeMap::new(),
            marks: BTreeMap::new(),
            left_page: vec![],
            status: None,
            status_ticks: 0,
            detail_title: None,
            search: SearchState::default(),
            profiles: ProfilesState::default(),
            onboarding: OnboardingState::default(),
            context: ContextState {
                time_of_day: TimeOfDay::Evening,
                day: crate::rank::DayKind::Weekday,
                device: crate::catalog::Device::Tv,
                focus: 0,
            },
            experiment: None,
            digest: DigestState::default(),
            loading: "Starting…".into(),
            size: (0, 0),
            quit: false,
        }
    }

    pub fn rows(&self) -> &[Row] {
        self.page.as_ref().map_or(&[], |p| p.rows.as_slice())
    }

    pub fn col(&self, row: usize) -> usize {
        self.rows().get(row).map_or(0, |r| {
            self.cols
                .get(&r.id)
                .copied()
                .unwrap_or(0)
                .min(r.items.len().saturating_sub(1))
        })
    }

    pub fn selected_item(&self) -> Option<&Item> {
        let row = self.rows().get(self.row)?;
        row.items.get(self.col(self.row))
    }

    /// The billboard's title: the focused tile, with its row.
    pub fn focused(&self) -> Option<(&Row, &Item)> {
        let row = self.rows().get(self.row)?;
        row.items.get(self.col(self.row)).map(|i| (row, i))
    }

    /// The terminal is under the minimum size: only quitting (and resizing) acts.
    /// An unknown size (0×0, before the first resize) does not count.
    pub fn too_small(&self) -> bool {
        self.size != (0, 0)
            && super::layout::too_small(ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1))
    }

    /// Open a screen over the current one; Back returns here.
    pub fn open(&mut self, mode: Mode) {
        if self.mode != mode {
            self.stack.push(self.mode);
        }
        self.mode = mode;
        self.scroll = 0;
    }

    /// Back one level (never past the home page).
    pub fn back(&mut self) {
        self.mode = self.stack.pop().unwrap_or(Mode::Home);
        self.scroll = 0;
    }

    /// Straight to the home page, forgetting the screens on the way.
    pub fn home(&mut self) {
        self.stack.clear();
        self.mode = Mode::Home;
        self.scroll = 0;
    }

    /// The item for `title_id` on the page, with its row.
    pub fn find_item(&self, title_id: &str) -> Option<(&Row, &Item)> {
        self.rows().iter().find_map(|r| {
            r.items
                .iter()
                .find(|i| i.title_id == title_id)
                .map(|i| (r, i))
        })
    }

    pub fn title(&self, id: &str) -> Option<&Title> {
        self.catalog.titles.get(id)
    }

    /// The onboarding posters shown: the offered titles whose name or genre
    /// names hold every word of the filter (all of them with no filter).
    pub fn onboarding_shown(&self) -> Vec<&str> {
        let words: Vec<String> = self
            .onboarding
            .filter
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        self.onboarding
            .offered
            .iter()
            .filter(|id| {
                let Some(t) = self.title(id) else {
                    return words.is_empty();
                };
                let mut text = t.name.to_lowercase();
                for g in &t.genres {
                    if let Some(g) = self.catalog.genres.get(g) {
                        text.push(' ');
                        text.push_str(&g.name.to_lowercase());
                    }
                }
                words.iter().all(|w| text.contains(w.as_str()))
            })
            .map(String::as_str)
            .collect()
    }
}
