//! `update(&mut App, Action) -> Vec<Effect>`: the only code that changes
//! the app's state. It never touches the store or the ranker; it asks the
//! runtime for that with Effects, and the results come back as Actions.

use super::action::{Action, Effect, Feedback, MARK_TICKS};
use super::app::{App, ContextState, Mark, Mode};
use super::layout;
use crate::catalog::{Action as Act, Device, TitleKind};
use crate::rank::{Page, RowKind, TimeOfDay};
use std::collections::BTreeMap;

/// Status messages stay this many ticks.
const STATUS_TICKS: u32 = 16;

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => {
            app.quit = true;
            vec![]
        }
        Action::Undo => vec![Effect::Undo],
        Action::Redo => vec![Effect::Redo],
        Action::SaveJourney => vec![Effect::SaveJourney],
        Action::ReloadConfig => vec![Effect::ReloadConfig],
        Action::OpenPickConfig => {
            app.config_input.clear();
            app.mode = Mode::PickConfig;
            vec![]
        }
        Action::ToggleSplit => {
            if app.compare_page.is_some() {
                app.split = !app.split;
            } else {
                set_status(
                    app,
                    "No second config yet: press B to pick one, or start with --compare B.json"
                        .into(),
                    true,
                );
            }
            vec![]
        }
        Action::ComparePage(page) => {
            app.compare_page = Some(*page);
            app.refresh_compare_diff();
            vec![]
        }
        Action::Tick => {
            app.mark_ticks = app.mark_ticks.saturating_sub(1);
            if app.mark_ticks == 0 {
                app.marks.clear();
                app.left_page.clear();
            }
            app.status_ticks = app.status_ticks.saturating_sub(1);
            if app.status_ticks == 0 {
                app.status = None;
            }
            vec![]
        }
        Action::Resize(w, h) => {
            app.size = (w, h);
            vec![]
        }
        Action::PageReady {
            page,
            display,
            build_ms,
            marks,
        } => {
            app.profile_display = display;
            page_ready(app, *page, build_ms, marks);
            vec![]
        }
        Action::SearchResults(results) => {
            app.search.results = results;
            app.search.selected = 0;
            vec![]
        }
        Action::SearchRatedDown(ids) => {
            for r in &mut app.search.results {
                r.rated_down = ids.contains(&r.title_id);
            }
            vec![]
        }
        Action::ProfilesLoaded(list) => {
            let current = app
                .page
                .as_ref()
                .map(|p| p.profile.clone())
                .unwrap_or_default();
            app.profiles.selected = list.iter().position(|p| p.name == current).unwrap_or(0);
            app.profiles.list = list;
            vec![]
        }
        Action::OnboardingOffered(ids) => {
            app.onboarding = super::app::OnboardingState {
                offered: ids,
                picked: vec![],
                selected: 0,
            };
            app.mode = Mode::Onboarding;
            vec![]
        }
        Action::Recorded(msg) => {
            set_status(app, msg, false);
            vec![]
        }
        Action::Failed(msg) => {
            set_status(app, msg, true);
            vec![]
        }
        other => match app.mode {
            Mode::Loading => vec![],
            Mode::Home => home(app, other),
            Mode::Detail => detail(app, other),
            Mode::Explain | Mode::Help => {
                if other == Action::Back {
                    app.mode = if app.mode == Mode::Explain {
                        app.return_mode
                    } else {
                        Mode::Home
                    };
                }
                vec![]
            }
            Mode::Search => search(app, other),
            Mode::Profiles => profiles(app, other),
            Mode::NewProfile => new_profile(app, other),
            Mode::Onboarding => onboarding(app, other),
            Mode::Context => context(app, other),
            Mode::PickConfig => pick_config(app, other),
        },
    }
}

fn set_status(app: &mut App, msg: String, error: bool) {
    app.status = Some((msg, error));
    app.status_ticks = STATUS_TICKS;
}

fn move_col(app: &mut App, delta: isize) {
    let Some(row) = app.rows().get(app.row) else {
        return;
    };
    let (id, len) = (row.id.clone(), row.items.len());
    let col = (app.col(app.row) as isize + delta).clamp(0, len.saturating_sub(1) as isize) as usize;
    app.cols.insert(id, col);
}

fn home(app: &mut App, action: Action) -> Vec<Effect> {
    let rows = app.rows().len();
    match action {
        Action::Up | Action::ScrollUp => app.row = app.row.saturating_sub(1),
        Action::Down | Action::ScrollDown => app.row = (app.row + 1).min(rows.saturating_sub(1)),
        Action::Left => move_col(app, -1),
        Action::Right => move_col(app, 1),
        Action::First => app.row = 0,
        Action::Last => app.row = rows.saturating_sub(1),
        Action::Select => {
            if let Some(item) = app.selected_item() {
                app.detail_title = Some(item.title_id.clone());
                app.return_mode = Mode::Home;
                app.mode = Mode::Detail;
            }
        }
        Action::Explain => {
            if let Some(item) = app.selected_item() {
                app.detail_title = Some(item.title_id.clone());
                app.return_mode = Mode::Home;
                app.mode = Mode::Explain;
            }
        }
        Action::Give(f) => {
            return app
                .selected_item()
                .map(|i| i.title_id.clone())
                .map(|t| feedback(app, &t, f))
                .unwrap_or_default()
        }
        Action::OpenHelp => app.mode = Mode::Help,
        Action::OpenSearch => {
            app.search = Default::default();
            app.mode = Mode::Search;
        }
        Action::OpenProfiles => {
            app.mode = Mode::Profiles;
            return vec![Effect::LoadProfiles];
        }
        Action::OpenContext => {
            if let Some(p) = &app.page {
                app.context = ContextState {
                    time_of_day: p.context.time_of_day,
                    device: p.context.device,
                    focus: 0,
                };
            }
            app.mode = Mode::Context;
        }
        Action::Click { column, row } => {
            // A click selects the tile under it; a click on the selected tile opens it.
            if let Some((r, c)) = layout::hit(app, column, row) {
                let already = app.row == r && app.col(r) == c;
                app.row = r;
                if let Some(id) = app.rows().get(r).map(|x| x.id.clone()) {
                    app.cols.insert(id, c);
                }
                if already {
                    return home(app, Action::Select);
                }
            }
        }
        _ => {}
    }
    vec![]
}

fn detail(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Back => app.mode = app.return_mode,
        Action::Explain => app.mode = Mode::Explain,
        Action::OpenHelp => app.mode = Mode::Help,
        Action::Give(f) => {
            if let Some(t) = app.detail_title.clone() {
                return feedback(app, &t, f);
            }
        }
        _ => {}
    }
    vec![]
}

/// The feedback effect for a key, with the artwork the viewer saw.
fn feedback(app: &mut App, title_id: &str, f: Feedback) -> Vec<Effect> {
    let artwork_id = app.find_item(title_id).map(|(_, i)| i.artwork_id.clone());
    let in_list = app
        .rows()
        .iter()
        .any(|r| r.kind == RowKind::MyList && r.items.iter().any(|i| i.title_id == title_id));
    let resumed = app
        .find_item(title_id)
        .is_some_and(|(r, _)| r.kind == RowKind::ContinueWatching);
    let series = app
        .title(title_id)
        .is_some_and(|t| t.kind == TitleKind::Series);
    let (action, progress) = match f {
        Feedback::Down => (Act::Down, 0.0),
        Feedback::Up => (Act::Up, 0.0),
        Feedback::Love => (Act::Love, 0.0),
        // Simulated watching: a series plays an episode through; a film plays half, then the rest.
        Feedback::Play => (Act::Play, if series || resumed { 1.0 } else { 0.5 }),
        Feedback::ToggleList => (
            if in_list {
                Act::ListRemove
            } else {
                Act::ListAdd
            },
            0.0,
        ),
    };
    set_status(app, "Saving…".into(), false);
    vec![Effect::Feedback {
        title_id: title_id.to_string(),
        action,
        progress,
        artwork_id,
    }]
}

fn search(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Back => app.mode = Mode::Home,
        Action::Input(c) => {
            app.search.query.push(c);
            return vec![Effect::Search(app.search.query.clone())];
        }
        Action::Backspace => {
            app.search.query.pop();
            return vec![Effect::Search(app.search.query.clone())];
        }
        Action::Up => app.search.selected = app.search.selected.saturating_sub(1),
        Action::Down => {
            app.search.selected =
                (app.search.selected + 1).min(app.search.results.len().saturating_sub(1))
        }
        Action::Select => {
            if let Some(r) = app.search.results.get(app.search.selected) {
                app.detail_title = Some(r.title_id.clone());
                app.return_mode = Mode::Search;
                app.mode = Mode::Detail;
            }
        }
        _ => {}
    }
    vec![]
}

fn profiles(app: &mut App, action: Action) -> Vec<Effect> {
    let n = app.profiles.list.len() + 1; // the last line is "new profile"
    match action {
        Action::Back => app.mode = Mode::Home,
        Action::Up => app.profiles.selected = app.profiles.selected.saturating_sub(1),
        Action::Down => app.profiles.selected = (app.profiles.selected + 1).min(n - 1),
        Action::Select => {
            if app.profiles.selected + 1 == n {
                app.profiles.new_name.clear();
                app.mode = Mode::NewProfile;
            } else {
                let name = app.profiles.list[app.profiles.selected].name.clone();
                app.mode = Mode::Home;
                app.row = 0;
                app.cols.clear();
                return vec![Effect::SwitchProfile(name)];
            }
        }
        _ => {}
    }
    vec![]
}

fn new_profile(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Back => app.mode = Mode::Profiles,
        Action::Input(c) if app.profiles.new_name.len() < 32 => {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                app.profiles.new_name.push(c);
            }
        }
        Action::Backspace => {
            app.profiles.new_name.pop();
        }
        Action::Select if !app.profiles.new_name.is_empty() => {
            app.row = 0;
            app.cols.clear();
            return vec![Effect::CreateProfile(app.profiles.new_name.clone())];
        }
        _ => {}
    }
    vec![]
}

fn pick_config(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Back => app.mode = Mode::Home,
        Action::Input(c) if app.config_input.chars().count() < 400 => app.config_input.push(c),
        Action::Backspace => {
            app.config_input.pop();
        }
        Action::Select if !app.config_input.trim().is_empty() => {
            app.mode = Mode::Home;
            return vec![Effect::Compare(app.config_input.trim().to_string())];
        }
        _ => {}
    }
    vec![]
}

fn onboarding(app: &mut App, action: Action) -> Vec<Effect> {
    let n = app.onboarding.offered.len();
    let per_row = layout::ONBOARDING_COLUMNS;
    let sel = &mut app.onboarding.selected;
    match action {
        Action::Up => *sel = sel.saturating_sub(per_row),
        Action::Down => *sel = (*sel + per_row).min(n.saturating_sub(1)),
        Action::Left => *sel = sel.saturating_sub(1),
        Action::Right => *sel = (*sel + 1).min(n.saturating_sub(1)),
        Action::Toggle => {
            if let Some(id) = app.onboarding.offered.get(*sel).cloned() {
                match app.onboarding.picked.iter().position(|p| p == &id) {
                    Some(i) => {
                        app.onboarding.picked.remove(i);
                    }
                    None => app.onboarding.picked.push(id),
                }
            }
        }
        Action::Select => {
            if app.onboarding.picked.len() >= crate::rank::MIN_PICKS {
                app.mode = Mode::Home;
                return vec![Effect::Picks(app.onboarding.picked.clone())];
            }
            set_status(
                app,
                format!(
                    "Pick at least {} titles (Space to pick)",
                    crate::rank::MIN_PICKS
                ),
                true,
            );
        }
        Action::Back => app.mode = Mode::Home,
        _ => {}
    }
    vec![]
}

fn context(app: &mut App, action: Action) -> Vec<Effect> {
    let c = &mut app.context;
    let cycle = |i: usize, n: usize, d: isize| ((i as isize + d).rem_euclid(n as isize)) as usize;
    let step = |c: &mut ContextState, d: isize| {
        if c.focus == 0 {
            let i = TimeOfDay::ALL
                .iter()
                .position(|t| *t == c.time_of_day)
                .unwrap_or(0);
            c.time_of_day = TimeOfDay::ALL[cycle(i, 4, d)];
        } else {
            let i = Device::ALL.iter().position(|t| *t == c.device).unwrap_or(0);
            c.device = Device::ALL[cycle(i, 4, d)];
        }
    };
    match action {
        Action::Left | Action::Right => c.focus = 1 - c.focus,
        Action::Up => step(c, -1),
        Action::Down => step(c, 1),
        Action::Select => {
            app.mode = Mode::Home;
            return vec![Effect::SetContext(c.time_of_day, c.device)];
        }
        Action::Back => app.mode = Mode::Home,
        _ => {}
    }
    vec![]
}

/// Install a new page. With `marks` (a re-rank of the same page) mark how its
/// tiles moved and keep the selected row; without, start at the top.
fn page_ready(app: &mut App, page: Page, build_ms: f64, marks: bool) {
    let selected_row_id = app.rows().get(app.row).map(|r| r.id.clone());
    if marks {
        if let Some(old) = &app.page {
            app.marks = movement_marks(old, &page);
            let now_on: std::collections::BTreeSet<&str> = page
                .rows
                .iter()
                .flat_map(|r| r.items.iter().map(|i| i.title_id.as_str()))
                .collect();
            let mut left: Vec<String> = old
                .rows
                .iter()
                .flat_map(|r| r.items.iter())
                .filter(|i| !now_on.contains(i.title_id.as_str()))
                .map(|i| crate::text::sanitize(&i.name))
                .collect();
            left.dedup();
            app.left_page = left;
            app.mark_ticks = MARK_TICKS;
        }
    } else {
        app.marks.clear();
        app.left_page.clear();
    }
    app.page = Some(page);
    app.refresh_compare_diff();
    app.build_ms = build_ms;
    if app.mode == Mode::Loading {
        app.mode = Mode::Home;
    }
    if marks {
        // A re-rank of the same page: keep the selection on the same row where it still exists.
        app.row = selected_row_id
            .and_then(|id| app.rows().iter().position(|r| r.id == id))
            .unwrap_or(app.row)
            .min(app.rows().len().saturating_sub(1));
    } else {
        // A fresh page (another profile, or one that just finished onboarding): start at the top.
        app.row = 0;
        app.cols.clear();
    }
}

/// ↑n / ↓n within a row, "new" for titles not on the old page, "moved" from another row.
pub fn movement_marks(old: &Page, new: &Page) -> BTreeMap<String, Mark> {
    let mut marks = BTreeMap::new();
    let old_rows: BTreeMap<&str, &crate::rank::Row> =
        old.rows.iter().map(|r| (r.id.as_str(), r)).collect();
    let on_old: std::collections::BTreeSet<&str> = old
        .rows
        .iter()
        .flat_map(|r| r.items.iter().map(|i| i.title_id.as_str()))
        .collect();
    for row in &new.rows {
        for (i, item) in row.items.iter().enumerate() {
            let before = old_rows
                .get(row.id.as_str())
                .and_then(|r| r.items.iter().position(|x| x.title_id == item.title_id));
            let mark = match before {
                Some(b) if b > i => Some(Mark::Up(b - i)),
                Some(b) if b < i => Some(Mark::Down(i - b)),
                Some(_) => None,
                None if on_old.contains(item.title_id.as_str()) => Some(Mark::Moved),
                None => Some(Mark::New),
            };
            if let Some(m) = mark {
                marks.insert(format!("{}/{}", row.id, item.title_id), m);
            }
        }
    }
    marks
}
