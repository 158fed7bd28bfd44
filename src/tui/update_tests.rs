//! Unit tests of `update` over a page from the tiny hand-made world: no
//! training, no terminal; keys in, state and Effects out.

use super::*;
use crate::testkit::tiny_session;
use crate::tui::app::Catalog;
use crate::tui::msg::Cause;
use std::collections::BTreeMap;
use std::rc::Rc;

/// An app showing mia's tiny page at 120×40.
fn app() -> App {
    let page = tiny_session("mia").page();
    let mut app = App::new(Rc::new(Catalog::default()));
    update(&mut app, Msg::Resize(120, 40));
    update(
        &mut app,
        Msg::PageReady {
            page: Box::new(page),
            display: "Mia".into(),
            kids: false,
            build_ms: 1.0,
            cause: Cause::Fresh,
            ratings: BTreeMap::new(),
            progress: BTreeMap::new(),
        },
    );
    app
}

#[test]
fn moving_down_selects_the_next_row_and_right_the_next_tile() {
    let mut app = app();
    assert_eq!(app.row, 0);
    update(&mut app, Msg::Down);
    assert_eq!(app.row, 1);
    assert!(
        app.rows()[1].items.len() > 1,
        "the second row has tiles to move along"
    );
    let first = app.selected_item().unwrap().title_id.clone();
    update(&mut app, Msg::Right);
    assert_ne!(app.selected_item().unwrap().title_id, first);
    update(&mut app, Msg::Left);
    assert_eq!(app.selected_item().unwrap().title_id, first);
}

#[test]
fn a_thumbs_down_asks_the_runtime_to_record_it_for_the_selected_tile() {
    let mut app = app();
    let selected = app.selected_item().unwrap().title_id.clone();
    let effects = update(&mut app, Msg::Give(Feedback::Down));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Feedback { title_id, action, .. }
            if *title_id == selected && *action == crate::catalog::Action::Down)),
        "{effects:?}"
    );
}

#[test]
fn nothing_acts_on_a_page_the_viewer_cannot_see() {
    let mut app = app();
    update(&mut app, Msg::Resize(50, 12));
    assert!(update(&mut app, Msg::Give(Feedback::Down)).is_empty());
    assert!(update(&mut app, Msg::Give(Feedback::ToggleList)).is_empty());
    update(&mut app, Msg::Quit);
    assert!(app.quit, "quit still works");
}

#[test]
fn back_on_the_home_page_never_quits() {
    let mut app = app();
    update(&mut app, Msg::Back);
    assert!(!app.quit);
}

#[test]
fn movement_marks_say_up_down_new_and_moved_from_another_row() {
    use crate::rank::fixtures::{item, page};
    let old = page(vec![
        ("a", vec![item("t1", 90), item("t2", 80), item("t3", 70)]),
        ("b", vec![item("t4", 60)]),
    ]);
    let new = page(vec![
        ("a", vec![item("t2", 80), item("t1", 90), item("t4", 60)]),
        ("b", vec![item("t5", 50)]),
    ]);
    let marks = movement_marks(&old, &new);
    assert_eq!(marks.get("a/t2"), Some(&Mark::Up(1)));
    assert_eq!(marks.get("a/t1"), Some(&Mark::Down(1)));
    assert_eq!(marks.get("a/t4"), Some(&Mark::Moved));
    assert_eq!(marks.get("b/t5"), Some(&Mark::New));
    assert_eq!(
        marks.len(),
        4,
        "a tile that stayed put has no mark: {marks:?}"
    );
}

mod experiment_screen {
    use super::*;
    use crate::tui::experiment::{fixtures, Report, Spec, POPULARITY_ONLY};

    /// The app with the experiment screen just opened, and what it asked for.
    fn opened() -> (App, Vec<Effect>) {
        let mut app = app();
        let effects = update(&mut app, Msg::OpenExperiment);
        (app, effects)
    }

    #[test]
    fn e_opens_the_screen_and_starts_a_run_of_the_ranker_against_popularity() {
        let (app, effects) = opened();
        assert_eq!(app.mode, Mode::Experiment);
        assert_eq!(effects, vec![Effect::StartExperiment(Spec::default())]);
        let e = app.experiment.as_ref().unwrap();
        assert!(e.running());
        let config = app.page.as_ref().unwrap().config.name.clone();
        assert_eq!(e.arms, (config, POPULARITY_ONLY.to_string()));
        assert_eq!(e.done(), (0, Spec::default().members));
    }

    #[test]
    fn each_chunk_moves_the_bar_and_the_report_ends_the_run() {
        let (mut app, _) = opened();
        update(&mut app, Msg::Experiment(Report::Stage("Loading".into())));
        assert_eq!(app.experiment.as_ref().unwrap().stage, "Loading");
        update(
            &mut app,
            Msg::Experiment(Report::Progress(fixtures::partial(150))),
        );
        assert_eq!(app.experiment.as_ref().unwrap().done(), (150, 400));
        update(
            &mut app,
            Msg::Experiment(Report::Done(Box::new(fixtures::report()))),
        );
        let e = app.experiment.as_ref().unwrap();
        assert!(!e.running());
        assert_eq!(e.report, Some(fixtures::report()));
        assert_eq!(e.done(), (400, 400));
        // Leaving a finished run cancels nothing.
        assert!(update(&mut app, Msg::Back).is_empty());
        assert_eq!(app.mode, Mode::Home);
    }

    #[test]
    fn esc_while_it_runs_cancels_it_leaves_and_late_reports_change_nothing() {
        let (mut app, _) = opened();
        update(
            &mut app,
            Msg::Experiment(Report::Progress(fixtures::partial(100))),
        );
        let effects = update(&mut app, Msg::Back);
        assert_eq!(effects, vec![Effect::CancelExperiment]);
        assert_eq!(app.mode, Mode::Home);
        assert!(app.experiment.is_none());
        let (said, error) = app.status.clone().unwrap();
        assert!(said.contains("100 of 400"), "{said}");
        assert!(!error);
        // A chunk that was already on its way arrives after the screen is gone.
        update(
            &mut app,
            Msg::Experiment(Report::Progress(fixtures::partial(150))),
        );
        update(
            &mut app,
            Msg::Experiment(Report::Done(Box::new(fixtures::report()))),
        );
        assert!(app.experiment.is_none());
        assert_eq!(app.mode, Mode::Home);
    }

    #[test]
    fn q_also_cancels_and_a_failure_stops_the_run_with_its_message() {
        let (mut app, _) = opened();
        let q = crate::tui::keys::resolve(
            app.mode,
            crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('q'),
                crossterm::event::KeyModifiers::NONE,
            ),
        )
        .unwrap();
        assert_eq!(update(&mut app, q), vec![Effect::CancelExperiment]);
        assert!(!app.quit, "q leaves the screen, it does not quit");
        update(&mut app, Msg::OpenExperiment);
        update(
            &mut app,
            Msg::Experiment(Report::Failed("no population".into())),
        );
        let e = app.experiment.as_ref().unwrap();
        assert!(!e.running());
        assert_eq!(e.error.as_deref(), Some("no population"));
        assert!(
            update(&mut app, Msg::Back).is_empty(),
            "nothing left to cancel"
        );
    }
}

mod digest_screen {
    use super::*;
    use crate::rank::digest::compose;

    #[test]
    fn f_asks_for_the_digest_and_enter_opens_the_selected_lines_title() {
        let session = tiny_session("mia");
        let digest = compose(session.model(), session.profile(), &session.page());
        assert!(digest.lines.len() >= 2, "{digest:?}");
        let mut app = app();
        assert_eq!(update(&mut app, Msg::OpenDigest), vec![Effect::LoadDigest]);
        assert_eq!(app.mode, Mode::Digest);
        update(&mut app, Msg::DigestReady(digest.clone()));
        update(&mut app, Msg::Down);
        update(&mut app, Msg::Down);
        update(&mut app, Msg::Down);
        assert_eq!(
            app.digest.selected,
            3.min(digest.lines.len() - 1),
            "↓ stops at the last line"
        );
        update(&mut app, Msg::Up);
        let want = digest.lines[app.digest.selected].title_id.clone();
        update(&mut app, Msg::Select);
        assert_eq!(app.mode, Mode::Detail);
        assert_eq!(app.detail_title, Some(want));
        update(&mut app, Msg::Back);
        assert_eq!(
            app.mode,
            Mode::Digest,
            "Esc from the details comes back to the digest"
        );
        update(&mut app, Msg::Back);
        assert_eq!(app.mode, Mode::Home);
    }

    #[test]
    fn enter_on_an_empty_digest_opens_nothing() {
        let mut app = app();
        update(&mut app, Msg::OpenDigest);
        update(&mut app, Msg::Select);
        assert_eq!(app.mode, Mode::Digest, "not composed yet");
        let session = tiny_session("mia");
        let mut empty = compose(session.model(), session.profile(), &session.page());
        empty.lines.clear();
        update(&mut app, Msg::DigestReady(empty));
        update(&mut app, Msg::Down);
        update(&mut app, Msg::Select);
        assert_eq!(app.mode, Mode::Digest);
    }
}

#[test]
fn the_profile_list_keeps_each_profiles_churn_risk() {
    let session = tiny_session("mia");
    let list = session.profiles().unwrap();
    let now = session.ctx().now_unix();
    let risks: Vec<_> = list
        .iter()
        .map(|p| {
            crate::eval::churn_risk::churn_risk(&session.store().events_of(p.id).unwrap(), now)
        })
        .collect();
    let mut app = app();
    update(&mut app, Msg::OpenProfiles);
    update(&mut app, Msg::ProfilesLoaded(list.clone(), risks.clone()));
    assert_eq!(app.profiles.risks, risks);
    assert_eq!(app.profiles.list[app.profiles.selected].name, "mia");
}
