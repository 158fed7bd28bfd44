//! `update(&mut App, Msg) -> Vec<Effect>`: the only code that changes
//! the app's state. It never touches the store or the ranker; it asks the
//! runtime for that with Effects, and the results come back as messages.

use super::app::{App, ContextState, ExperimentState, Mark, Mode};
use super::layout;
use super::msg::{Cause, Effect, Feedback, Msg};
use super::stable;
use crate::catalog::{Action as Act, Device, TitleKind};
use crate::rank::{DayKind, Page, RowKind, Thumb, TimeOfDay};
use std::collections::BTreeMap;

/// Status messages stay this many ticks.
const STATUS_TICKS: u32 = 16;

pub fn update(app: &mut App, action: Msg) -> Vec<Effect> {
    // A screen too small to draw the page shows a message only: nothing the
    // viewer presses may act on a page they cannot see (quit still works).
    if app.too_small() && from_viewer(&action) {
        return vec![];
    }
    match action {
        Msg::Quit => {
            app.quit = true;
            vec![]
        }
        Msg::Undo => vec![Effect::Undo],
        Msg::Redo => vec![Effect::Redo],
        Msg::SaveJourney => vec![Effect::SaveJourney],
        Msg::ReloadConfig => vec![Effect::ReloadConfig],
        Msg::OpenPickConfig => {
            app.config_input.clear();
            app.config_error = None;
            app.completions.clear();
            app.open(Mode::PickConfig);
            vec![]
        }
        Msg::ToggleSplit => {
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
        Msg::ComparePage(page) => {
            app.compare_page = Some(*page);
            app.refresh_compare_diff();
            vec![]
        }
        Msg::Tick => {
            app.status_ticks = app.status_ticks.saturating_sub(1);
            if app.status_ticks == 0 {
                app.status = None;
            }
            vec![]
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            vec![]
        }
        Msg::PageReady {
            page,
            display,
            kids,
            build_ms,
            cause,
            ratings,
            progress,
        } => {
            app.profile_display = display;
            app.kids = kids;
            app.ratings = ratings;
            app.progress = progress;
            // An external ranker that failed this page: said in the status line.
            let fallback = page.ranker.as_ref().filter(|r| r.fallback.is_some());
            if let Some(r) = fallback {
                set_status(app, r.line(), true);
            }
            page_ready(app, *page, build_ms, cause);
            vec![]
        }
        Msg::Compared(msg) => {
            if app.mode == Mode::PickConfig {
                app.back();
            }
            app.config_error = None;
            set_status(app, msg, false);
            vec![]
        }
        Msg::CompareFailed(msg) => {
            if app.mode != Mode::PickConfig {
                app.open(Mode::PickConfig);
            }
            app.config_error = Some(msg);
            vec![]
        }
        Msg::Completed(text, candidates) => {
            app.config_input = text;
            app.completions = candidates;
            vec![]
        }
        Msg::SearchResults(results) => {
            app.search.results = group_results(results);
            app.search.selected = 0;
            vec![]
        }
        Msg::SearchRatedDown(ids) => {
            for r in &mut app.search.results {
                r.rated_down = ids.contains(&r.title_id);
            }
            vec![]
        }
        Msg::ProfilesLoaded(list, risks) => {
            let current = app
                .page
                .as_ref()
                .map(|p| p.profile.clone())
                .unwrap_or_default();
            app.profiles.selected = list.iter().position(|p| p.name == current).unwrap_or(0);
            app.profiles.list = list;
            app.profiles.risks = risks;
            vec![]
        }
        Msg::Experiment(report) => {
            experiment_report(app, report);
            vec![]
        }
        Msg::DigestReady(digest) => {
            app.digest = super::app::DigestState {
                digest: Some(digest),
                selected: 0,
            };
            vec![]
        }
        Msg::OnboardingOffered(ids) => {
            app.onboarding = super::app::OnboardingState {
                offered: ids,
                ..Default::default()
            };
            app.home();
            app.mode = Mode::Onboarding;
            vec![]
        }
        Msg::Recorded(msg) => {
            set_status(app, msg, false);
            vec![]
        }
        Msg::Failed(msg) => {
            set_status(app, msg, true);
            vec![]
        }
        other => match app.mode {
            Mode::Loading => vec![],
            Mode::Home => home(app, other),
            Mode::Detail => detail(app, other),
            Mode::Explain | Mode::Help | Mode::Moved => {
                scroll(app, &other);
                if other == Msg::Back {
                    app.back();
                }
                vec![]
            }
            Mode::Search => search(app, other),
            Mode::SearchList => search_list(app, other),
            Mode::Profiles => profiles(app, other),
            Mode::NewProfile => new_profile(app, other),
            Mode::Onboarding => onboarding(app, other),
            Mode::OnboardingFind => onboarding_find(app, other),
            Mode::Context => context(app, other),
            Mode::PickConfig => pick_config(app, other),
            Mode::Experiment => experiment(app, other),
            Mode::Digest => digest(app, other),
        },
    }
}

/// Messages that come from the viewer's keys and mouse (not quitting, not results).
fn from_viewer(action: &Msg) -> bool {
    !matches!(
        action,
        Msg::Quit
            | Msg::Tick
            | Msg::Resize(..)
            | Msg::PageReady { .. }
            | Msg::ComparePage(_)
            | Msg::CompareFailed(_)
            | Msg::Compared(_)
            | Msg::Completed(..)
            | Msg::SearchResults(_)
            | Msg::SearchRatedDown(_)
            | Msg::ProfilesLoaded(..)
            | Msg::Experiment(_)
            | Msg::DigestReady(_)
            | Msg::OnboardingOffered(_)
            | Msg::Recorded(_)
            | Msg::Failed(_)
    )
}

/// Scroll the open overlay by a line or a page, within its text.
fn scroll(app: &mut App, action: &Msg) {
    let step: i32 = match action {
        Msg::ScrollUp | Msg::Up => -1,
        Msg::ScrollDown | Msg::Down => 1,
        Msg::PageUp => -10,
        Msg::PageDown => 10,
        _ => return,
    };
    let max = super::view::max_scroll(app) as i32;
    app.scroll = (app.scroll as i32 + step).clamp(0, max) as u16;
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

fn home(app: &mut App, action: Msg) -> Vec<Effect> {
    let rows = app.rows().len();
    match action {
        Msg::Up | Msg::ScrollUp => app.row = app.row.saturating_sub(1),
        Msg::Down | Msg::ScrollDown => app.row = (app.row + 1).min(rows.saturating_sub(1)),
        Msg::Left => move_col(app, -1),
        Msg::Right => move_col(app, 1),
        Msg::First => app.row = 0,
        Msg::Last => app.row = rows.saturating_sub(1),
        // Esc on the home page clears the movement marks; it never quits.
        Msg::Back => {
            app.marks.clear();
            app.left_page.clear();
        }
        Msg::ToggleDeveloper => app.developer = !app.developer,
        Msg::OpenMoved => app.open(Mode::Moved),
        Msg::Select => {
            if let Some(item) = app.selected_item() {
                app.detail_title = Some(item.title_id.clone());
                app.open(Mode::Detail);
            }
        }
        Msg::Explain => {
            if let Some(item) = app.selected_item() {
                app.detail_title = Some(item.title_id.clone());
                app.open(Mode::Explain);
            }
        }
        Msg::Give(f) => {
            return app
                .selected_item()
                .map(|i| i.title_id.clone())
                .map(|t| feedback(app, &t, f))
                .unwrap_or_default()
        }
        Msg::OpenHelp => app.open(Mode::Help),
        Msg::OpenSearch => {
            app.search = Default::default();
            app.open(Mode::Search);
        }
        Msg::OpenProfiles => {
            app.open(Mode::Profiles);
            return vec![Effect::LoadProfiles];
        }
        Msg::OpenExperiment => {
            let spec = super::experiment::Spec::default();
            let arm_a = app
                .page
                .as_ref()
                .map_or("default".to_string(), |p| p.config.name.clone());
            app.experiment = Some(ExperimentState::new(spec, &arm_a));
            app.open(Mode::Experiment);
            return vec![Effect::StartExperiment(spec)];
        }
        Msg::OpenDigest => {
            app.digest = Default::default();
            app.open(Mode::Digest);
            return vec![Effect::LoadDigest];
        }
        Msg::OpenContext => {
            if let Some(p) = &app.page {
                app.context = ContextState {
                    time_of_day: p.context.time_of_day,
                    day: p.context.day,
                    device: p.context.device,
                    focus: 0,
                };
            }
            app.open(Mode::Context);
        }
        Msg::Click { column, row } => {
            // A click selects the tile under it; a click on the selected tile opens it.
            if let Some((r, c)) = layout::hit(app, column, row) {
                let already = app.row == r && app.col(r) == c;
                app.row = r;
                if let Some(id) = app.rows().get(r).map(|x| x.id.clone()) {
                    app.cols.insert(id, c);
                }
                if already {
                    return home(app, Msg::Select);
                }
            }
        }
        _ => {}
    }
    vec![]
}

fn detail(app: &mut App, action: Msg) -> Vec<Effect> {
    scroll(app, &action);
    match action {
        Msg::Back => app.back(),
        Msg::Explain => app.open(Mode::Explain),
        Msg::OpenHelp => app.open(Mode::Help),
        Msg::OpenMoved => app.open(Mode::Moved),
        Msg::Give(f) => {
            if let Some(t) = app.detail_title.clone() {
                return feedback(app, &t, f);
            }
        }
        _ => {}
    }
    vec![]
}

/// The rating a feedback key gives, if it is a rating.
fn rating_of(f: Feedback) -> Option<Thumb> {
    match f {
        Feedback::Up => Some(Thumb::Up),
        Feedback::Love => Some(Thumb::Love),
        Feedback::Down => Some(Thumb::Down),
        Feedback::Play | Feedback::ToggleList => None,
    }
}

/// The feedback effect for a key, with the artwork the viewer saw. Pressing
/// the rating a title already has clears it (as on Netflix): the newest
/// feedback of this session is simply undone, an older rating is cleared.
fn feedback(app: &mut App, title_id: &str, f: Feedback) -> Vec<Effect> {
    if let Some(r) = rating_of(f).filter(|r| app.ratings.get(title_id) == Some(r)) {
        set_status(app, "Clearing the rating…".into(), false);
        let newest = app
            .undo_pages
            .last()
            .is_some_and(|(t, a, _)| t == title_id && Some(r) == thumb_of(*a));
        return vec![if newest {
            Effect::Undo
        } else {
            Effect::ClearRating(title_id.to_string())
        }];
    }
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

fn thumb_of(a: Act) -> Option<Thumb> {
    match a {
        Act::Up => Some(Thumb::Up),
        Act::Love => Some(Thumb::Love),
        Act::Down => Some(Thumb::Down),
        _ => None,
    }
}

/// Ctrl-W: the text without its last word (and the spaces before it).
pub fn without_last_word(text: &str) -> String {
    let t = text.trim_end();
    let cut = t.rfind([' ', '/']).map_or(0, |i| i + 1);
    t[..cut].to_string()
}

/// Text-field editing shared by search, the new profile's name and the config path.
fn edit(text: &mut String, action: &Msg) -> bool {
    match action {
        Msg::Backspace => {
            text.pop();
        }
        Msg::ClearInput => text.clear(),
        Msg::DeleteWord => *text = without_last_word(text),
        _ => return false,
    }
    true
}

fn search(app: &mut App, action: Msg) -> Vec<Effect> {
    if edit(&mut app.search.query, &action) {
        return vec![Effect::Search(app.search.query.clone())];
    }
    let n = app.search.results.len();
    let sel = &mut app.search.selected;
    match action {
        Msg::Back => app.back(),
        Msg::Input(c) => {
            app.search.query.push(c);
            return vec![Effect::Search(app.search.query.clone())];
        }
        Msg::Up => *sel = sel.saturating_sub(1),
        // ↓ leaves the query for the results, where the feedback keys act.
        Msg::Down if n > 0 => app.mode = Mode::SearchList,
        Msg::PageUp => *sel = sel.saturating_sub(10),
        Msg::PageDown => *sel = (*sel + 10).min(n.saturating_sub(1)),
        Msg::Select => open_result(app),
        _ => {}
    }
    vec![]
}

/// The search results with the keys on them: ↑↓ choose, y n L w m rate the
/// selected result as on the home page, Enter opens it; ↑ at the top, `/`
/// or any other letter goes back to the query.
fn search_list(app: &mut App, action: Msg) -> Vec<Effect> {
    let n = app.search.results.len();
    match action {
        Msg::Back => app.back(),
        Msg::Up if app.search.selected == 0 => app.mode = Mode::Search,
        Msg::Up => app.search.selected -= 1,
        Msg::Down => app.search.selected = (app.search.selected + 1).min(n.saturating_sub(1)),
        Msg::PageUp => app.search.selected = app.search.selected.saturating_sub(10),
        Msg::PageDown => app.search.selected = (app.search.selected + 10).min(n.saturating_sub(1)),
        Msg::OpenSearch => app.mode = Mode::Search,
        Msg::Input(c) => {
            app.mode = Mode::Search;
            app.search.query.push(c);
            return vec![Effect::Search(app.search.query.clone())];
        }
        Msg::Select => open_result(app),
        Msg::Give(f) => {
            if let Some(id) = app
                .search
                .results
                .get(app.search.selected)
                .map(|r| r.title_id.clone())
            {
                return feedback(app, &id, f);
            }
        }
        _ => {}
    }
    vec![]
}

fn open_result(app: &mut App) {
    if let Some(r) = app.search.results.get(app.search.selected) {
        app.detail_title = Some(r.title_id.clone());
        app.open(Mode::Detail);
    }
}

/// Results that matched the same person, genre or tag, side by side (at the
/// place of the group's best), so the list names the group once, not on every line.
pub fn group_results(results: Vec<super::app::SearchResult>) -> Vec<super::app::SearchResult> {
    let key = |r: &super::app::SearchResult| {
        matches!(r.field, "person" | "genre" | "tag" | "fields")
            .then(|| (r.field, r.matched.clone()))
    };
    let mut out: Vec<super::app::SearchResult> = Vec::with_capacity(results.len());
    let mut placed = vec![false; results.len()];
    for i in 0..results.len() {
        if placed[i] {
            continue;
        }
        placed[i] = true;
        let k = key(&results[i]);
        out.push(results[i].clone());
        if k.is_some() {
            for j in i + 1..results.len() {
                if !placed[j] && key(&results[j]) == k {
                    placed[j] = true;
                    out.push(results[j].clone());
                }
            }
        }
    }
    out
}

fn profiles(app: &mut App, action: Msg) -> Vec<Effect> {
    let n = app.profiles.list.len() + 1; // the last line is "new profile"
    match action {
        Msg::Back => app.back(),
        Msg::OpenHelp => app.open(Mode::Help),
        Msg::Up => app.profiles.selected = app.profiles.selected.saturating_sub(1),
        Msg::Down => app.profiles.selected = (app.profiles.selected + 1).min(n - 1),
        Msg::Select => {
            if app.profiles.selected + 1 == n {
                app.profiles.new_name.clear();
                app.profiles.new_limit = super::app::NEW_PROFILE_LIMITS.len() - 1;
                app.open(Mode::NewProfile);
            } else {
                let name = app.profiles.list[app.profiles.selected].name.clone();
                app.home();
                app.row = 0;
                app.cols.clear();
                return vec![Effect::SwitchProfile(name)];
            }
        }
        _ => {}
    }
    vec![]
}

fn new_profile(app: &mut App, action: Msg) -> Vec<Effect> {
    if edit(&mut app.profiles.new_name, &action) {
        return vec![];
    }
    let limits = super::app::NEW_PROFILE_LIMITS.len();
    match action {
        Msg::Back => app.back(),
        // The name is kept as typed ("Zoë Kid"); the screen shows the handle made from it.
        Msg::Input(c)
            if !c.is_control()
                && app.profiles.new_name.chars().count() < crate::catalog::PROFILE_NAME_MAX =>
        {
            app.profiles.new_name.push(c)
        }
        Msg::Left => app.profiles.new_limit = app.profiles.new_limit.saturating_sub(1),
        Msg::Right => app.profiles.new_limit = (app.profiles.new_limit + 1).min(limits - 1),
        Msg::Select if !app.profiles.new_name.trim().is_empty() => {
            if let Err(e) = crate::catalog::profile_handle(&app.profiles.new_name) {
                set_status(app, e, true);
                return vec![];
            }
            app.row = 0;
            app.cols.clear();
            let limit = super::app::NEW_PROFILE_LIMITS[app.profiles.new_limit];
            return vec![Effect::CreateProfile(
                app.profiles.new_name.trim().to_string(),
                limit,
            )];
        }
        _ => {}
    }
    vec![]
}

fn pick_config(app: &mut App, action: Msg) -> Vec<Effect> {
    if edit(&mut app.config_input, &action) {
        app.completions.clear();
        return vec![];
    }
    match action {
        Msg::Back => app.back(),
        Msg::Input(c) if app.config_input.chars().count() < 400 => {
            app.config_input.push(c);
            app.completions.clear();
        }
        Msg::Complete => return vec![Effect::Complete(app.config_input.clone())],
        Msg::Select if !app.config_input.trim().is_empty() => {
            // The prompt stays open until the config is loaded: an error comes back to it.
            app.config_error = None;
            return vec![Effect::Compare(app.config_input.trim().to_string())];
        }
        _ => {}
    }
    vec![]
}

fn onboarding(app: &mut App, action: Msg) -> Vec<Effect> {
    // After one Esc the screen asks: a second Esc (or Enter) leaves, any other key stays.
    if app.onboarding.confirm_leave {
        app.onboarding.confirm_leave = false;
        if matches!(action, Msg::Back | Msg::Select) {
            app.back();
        }
        return vec![];
    }
    let n = app.onboarding_shown().len();
    let grid = layout::PosterGrid::of(ratatui::layout::Rect::new(0, 0, app.size.0, app.size.1));
    let per_row = grid.columns;
    let sel = &mut app.onboarding.selected;
    match action {
        Msg::Up => *sel = sel.saturating_sub(per_row),
        Msg::Down => *sel = (*sel + per_row).min(n.saturating_sub(1)),
        Msg::Left => *sel = sel.saturating_sub(1),
        Msg::Right => *sel = (*sel + 1).min(n.saturating_sub(1)),
        Msg::PageDown => *sel = (*sel + per_row * grid.lines).min(n.saturating_sub(1)),
        Msg::PageUp => *sel = sel.saturating_sub(per_row * grid.lines),
        Msg::OpenHelp => app.open(Mode::Help),
        Msg::OpenSearch => app.open(Mode::OnboardingFind),
        Msg::Toggle => {
            if let Some(id) = app.onboarding_shown().get(app.onboarding.selected) {
                let id = id.to_string();
                match app.onboarding.picked.iter().position(|p| *p == id) {
                    Some(i) => {
                        app.onboarding.picked.remove(i);
                    }
                    None => app.onboarding.picked.push(id),
                }
            }
        }
        Msg::Select => {
            if app.onboarding.picked.len() >= crate::rank::MIN_PICKS {
                app.home();
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
        Msg::Back if !app.onboarding.filter.is_empty() => {
            app.onboarding.filter.clear();
            app.onboarding.selected = 0;
        }
        Msg::Back => app.onboarding.confirm_leave = true,
        _ => {}
    }
    vec![]
}

/// Typing words to find onboarding titles: the grid narrows as they are typed;
/// Enter (or ↓) goes back to the grid with the filter kept, Esc clears it.
fn onboarding_find(app: &mut App, action: Msg) -> Vec<Effect> {
    if edit(&mut app.onboarding.filter, &action) {
        app.onboarding.selected = 0;
        return vec![];
    }
    match action {
        Msg::Input(c) if app.onboarding.filter.chars().count() < 40 => {
            app.onboarding.filter.push(c);
            app.onboarding.selected = 0;
        }
        Msg::Select | Msg::Down => app.back(),
        Msg::Back => {
            app.onboarding.filter.clear();
            app.onboarding.selected = 0;
            app.back();
        }
        _ => {}
    }
    vec![]
}

/// The experiment screen: Esc (or q) leaves it, stopping a run that is
/// still going at its next chunk; nothing waits for it.
fn experiment(app: &mut App, action: Msg) -> Vec<Effect> {
    if action != Msg::Back {
        return vec![];
    }
    let running = app.experiment.take().filter(ExperimentState::running);
    app.back();
    match running {
        Some(e) => {
            let (done, total) = e.done();
            set_status(
                app,
                format!("Experiment cancelled after {done} of {total} members"),
                false,
            );
            vec![Effect::CancelExperiment]
        }
        None => vec![],
    }
}

/// What the experiment's run reported, onto its screen; a report for a
/// screen that is gone (left, or started again) changes nothing.
fn experiment_report(app: &mut App, report: super::experiment::Report) {
    use super::experiment::Report;
    let Some(e) = app.experiment.as_mut().filter(|e| e.running()) else {
        return;
    };
    match report {
        Report::Stage(s) => e.stage = s,
        Report::Progress(p) => e.partial = Some(p),
        Report::Done(r) => {
            e.partial = None;
            e.report = Some(*r);
        }
        Report::Cancelled => e.error = Some("Cancelled.".into()),
        Report::Failed(msg) => e.error = Some(msg),
    }
}

/// "For you this week": ↑↓ choose a line, Enter opens its title's details.
fn digest(app: &mut App, action: Msg) -> Vec<Effect> {
    let n = app.digest.digest.as_ref().map_or(0, |d| d.lines.len());
    let sel = &mut app.digest.selected;
    match action {
        Msg::Up => *sel = sel.saturating_sub(1),
        Msg::Down => *sel = (*sel + 1).min(n.saturating_sub(1)),
        Msg::Select => {
            let id = app
                .digest
                .digest
                .as_ref()
                .and_then(|d| d.lines.get(app.digest.selected))
                .map(|l| l.title_id.clone());
            if let Some(id) = id {
                app.detail_title = Some(id);
                app.open(Mode::Detail);
            }
        }
        Msg::Back => app.back(),
        _ => {}
    }
    vec![]
}

/// The context picker's columns: time of day, day of the week, device.
const CONTEXT_COLUMNS: usize = 3;

fn context(app: &mut App, action: Msg) -> Vec<Effect> {
    let c = &mut app.context;
    let cycle = |i: usize, n: usize, d: isize| ((i as isize + d).rem_euclid(n as isize)) as usize;
    let step = |c: &mut ContextState, d: isize| match c.focus {
        0 => {
            let i = TimeOfDay::ALL
                .iter()
                .position(|t| *t == c.time_of_day)
                .unwrap_or(0);
            c.time_of_day = TimeOfDay::ALL[cycle(i, 4, d)];
        }
        1 => {
            let i = DayKind::ALL.iter().position(|t| *t == c.day).unwrap_or(0);
            c.day = DayKind::ALL[cycle(i, 2, d)];
        }
        _ => {
            let i = Device::ALL.iter().position(|t| *t == c.device).unwrap_or(0);
            c.device = Device::ALL[cycle(i, 4, d)];
        }
    };
    match action {
        Msg::Left => c.focus = cycle(c.focus, CONTEXT_COLUMNS, -1),
        Msg::Right => c.focus = cycle(c.focus, CONTEXT_COLUMNS, 1),
        Msg::Up => step(c, -1),
        Msg::Down => step(c, 1),
        Msg::Select => {
            let (t, day, d) = (c.time_of_day, c.day, c.device);
            app.back();
            return vec![Effect::SetContext(t, day, d)];
        }
        Msg::OpenHelp => app.open(Mode::Help),
        Msg::Back => app.back(),
        _ => {}
    }
    vec![]
}

/// Install a new page, as its cause asks: a fresh page starts at the top; a
/// re-rank keeps the row and marks what moved; feedback keeps the rows above
/// and under the cursor in place (see `stable`); undo and redo bring back
/// exactly the page that was on screen.
fn page_ready(app: &mut App, page: Page, build_ms: f64, cause: Cause) {
    let selected_row_id = app.rows().get(app.row).map(|r| r.id.clone());
    let old = app.page.take();
    let page = match (&cause, old.as_ref()) {
        (Cause::Fresh, _) | (_, None) => {
            app.undo_pages.clear();
            app.redo_pages.clear();
            page
        }
        (Cause::Rerank, Some(_)) => page,
        (Cause::Feedback { title_id, action }, Some(old)) => {
            app.undo_pages
                .push((title_id.clone(), *action, old.clone()));
            app.redo_pages.clear();
            // Feedback on a title the page does not show (from search) re-ranks it all.
            if old.item(title_id).is_some() {
                stable::stabilize(old, page, app.row, title_id, *action == Act::Down)
            } else {
                page
            }
        }
        (Cause::Cleared { title_id }, Some(old)) => {
            // A cleared rating cannot be undone: the pages before it no longer match the store.
            app.undo_pages.clear();
            app.redo_pages.clear();
            stable::stabilize(old, page, app.row, title_id, false)
        }
        (Cause::Undo, Some(old)) => match app.undo_pages.pop() {
            Some((t, a, shown)) => {
                app.redo_pages.push((t, a, old.clone()));
                shown
            }
            None => page,
        },
        (Cause::Redo, Some(old)) => match app.redo_pages.pop() {
            Some((t, a, shown)) => {
                app.undo_pages.push((t, a, old.clone()));
                shown
            }
            None => page,
        },
    };
    match (&cause, &old) {
        (Cause::Fresh, _) | (_, None) => {
            app.marks.clear();
            app.left_page.clear();
            app.moved.clear();
        }
        (_, Some(old)) => {
            app.marks = movement_marks(old, &page);
            app.moved = moved_lines(old, &page);
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
        }
    }
    app.page = Some(page);
    app.refresh_compare_diff();
    app.build_ms = build_ms;
    if app.mode == Mode::Loading {
        app.mode = Mode::Home;
    }
    if cause == Cause::Fresh {
        // A fresh page (another profile, or one that just finished onboarding): start at the top.
        app.row = 0;
        app.cols.clear();
    } else {
        // A re-rank of the same page: keep the selection on the same row where it still exists.
        app.row = selected_row_id
            .and_then(|id| app.rows().iter().position(|r| r.id == id))
            .unwrap_or(app.row)
            .min(app.rows().len().saturating_sub(1));
    }
}

/// What moved between two pages, a line each, for `M`: rows that moved,
/// came or went, and tiles that came onto or left the page, with the row's reason.
pub fn moved_lines(old: &Page, new: &Page) -> Vec<String> {
    let mut out = vec![];
    let old_at = |id: &str| old.rows.iter().position(|r| r.id == id);
    for (i, row) in new.rows.iter().enumerate() {
        let title = crate::text::sanitize(&row.title);
        match old_at(&row.id) {
            None => out.push(format!(
                "new row: {title} — {}",
                crate::text::sanitize(&row.reason)
            )),
            Some(b) if b > i => out.push(format!("row ↑{}: {title}", b - i)),
            Some(b) if b < i => out.push(format!("row ↓{}: {title}", i - b)),
            Some(_) => {}
        }
    }
    for row in &old.rows {
        if !new.rows.iter().any(|r| r.id == row.id) {
            out.push(format!("row gone: {}", crate::text::sanitize(&row.title)));
        }
    }
    let on = |p: &Page, id: &str| {
        p.rows
            .iter()
            .any(|r| r.items.iter().any(|i| i.title_id == id))
    };
    let mut seen = std::collections::BTreeSet::new();
    for row in &new.rows {
        for item in &row.items {
            if !on(old, &item.title_id) && seen.insert(item.title_id.clone()) {
                out.push(format!(
                    "new: {} in {} — {}",
                    crate::text::sanitize(&item.name),
                    crate::text::sanitize(&row.title),
                    crate::text::sanitize(&item.explanation.reason)
                ));
            }
        }
    }
    for row in &old.rows {
        for item in &row.items {
            if !on(new, &item.title_id) && seen.insert(item.title_id.clone()) {
                out.push(format!(
                    "left the page: {} (was in {})",
                    crate::text::sanitize(&item.name),
                    crate::text::sanitize(&row.title)
                ));
            }
        }
    }
    out
}

/// ↑n / ↓n within a row, "new" for titles not on the old page, "moved" from another row.
pub fn movement_marks(old: &Page, new: &Page) -> BTreeMap<String, Mark> {
    use crate::eval::diff::{tile_marks, Move};
    tile_marks(old, new)
        .into_iter()
        .filter_map(|(key, m)| {
            let mark = match m {
                Move::Up(n) => Mark::Up(n),
                Move::Down(n) => Mark::Down(n),
                Move::New => Mark::New,
                Move::Moved => Mark::Moved,
                Move::Same | Move::Gone => return None,
            };
            Some((key, mark))
        })
        .collect()
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;
