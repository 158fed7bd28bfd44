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
