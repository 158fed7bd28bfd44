//! Every TUI screen as insta snapshots at 80×24 and 160×45, drawn from the
//! tiny hand-made world (src/testkit: twelve titles, a trained part written
//! by hand), so a ranker change or a retrained sample does not re-approve
//! them; and one 16-colour screen checked with its styles, not just text.

use crate::tui::{lines_of, tiny, Harness};
use crossterm::event::KeyCode;
use marquee::rank::RankerConfig;
use marquee::tui::app::Mode;
use marquee::tui::msg::Msg;
use marquee::tui::theme::ColorMode;
use ratatui::style::{Color, Modifier};

/// The two sizes every screen is approved at.
const SIZES: [(u16, u16); 2] = [(80, 24), (160, 45)];

/// Snapshot the screen as it stands at both sizes, as `NAME_80x24` and `NAME_160x45`.
fn both(h: &mut Harness, name: &str) {
    for (w, ht) in SIZES {
        let text = h.text_at(w, ht);
        insta::assert_snapshot!(format!("{name}_{w}x{ht}"), text);
    }
}

#[test]
fn home() {
    let mut h = tiny("mia");
    assert_eq!(h.rt.mode(), Mode::Home);
    both(&mut h, "home");
}

#[test]
fn home_of_a_kids_profile() {
    let mut h = tiny("kit");
    both(&mut h, "home_kids");
}

#[test]
fn detail_of_a_series() {
    let mut h = tiny("mia");
    // The Grey Harbour: a series with two seasons, half-watched, two artworks.
    h.go_to_title("m1");
    h.keys(&[KeyCode::Enter]);
    assert_eq!(h.rt.mode(), Mode::Detail);
    both(&mut h, "detail");
}

#[test]
fn explain() {
    let mut h = tiny("mia");
    h.go_to_title("m1");
    h.keys(&[KeyCode::Char('x')]);
    assert_eq!(h.rt.mode(), Mode::Explain);
    both(&mut h, "explain");
}

#[test]
fn search() {
    let mut h = tiny("mia");
    h.keys(&[KeyCode::Char('/')]);
    h.typed("ada");
    assert_eq!(h.rt.mode(), Mode::Search);
    both(&mut h, "search");
}

#[test]
fn help() {
    let mut h = tiny("mia");
    h.keys(&[KeyCode::Char('?')]);
    assert_eq!(h.rt.mode(), Mode::Help);
    both(&mut h, "help");
}

#[test]
fn what_moved() {
    let mut h = tiny("mia");
    h.go_to_title("m1");
    h.keys(&[KeyCode::Char('n'), KeyCode::Char('M')]);
    assert_eq!(h.rt.mode(), Mode::Moved);
    assert!(
        !h.rt.app.moved.is_empty(),
        "the thumbs down moved something"
    );
    both(&mut h, "moved");
}

#[test]
fn onboarding() {
    let mut h = tiny("new");
    assert_eq!(h.rt.mode(), Mode::Onboarding);
    h.keys(&[KeyCode::Char(' '), KeyCode::Right]);
    both(&mut h, "onboarding");
}

#[test]
fn profile_picker() {
    let mut h = tiny("mia");
    h.keys(&[KeyCode::Char('p')]);
    assert_eq!(h.rt.mode(), Mode::Profiles);
    both(&mut h, "profiles");
}

#[test]
fn new_profile_prompt() {
    let mut h = tiny("mia");
    h.keys(&[KeyCode::Char('p'), KeyCode::Up, KeyCode::End]);
    while h.rt.app.profiles.selected < h.rt.app.profiles.list.len() {
        h.keys(&[KeyCode::Down]);
    }
    h.keys(&[KeyCode::Enter]);
    assert_eq!(h.rt.mode(), Mode::NewProfile);
    h.typed("Zoë Kid");
    both(&mut h, "new_profile");
}

#[test]
fn split_view() {
    let mut h = tiny("mia");
    let b: RankerConfig =
        serde_json::from_str(r#"{"name": "popular-b", "weights": {"popularity": 3.0}}"#).unwrap();
    h.rt.set_compare(b).unwrap();
    assert!(h.rt.app.split);
    h.keys(&[KeyCode::Down]);
    both(&mut h, "split");
}

#[test]
fn context_picker() {
    let mut h = tiny("mia");
    h.keys(&[KeyCode::Char('c'), KeyCode::Down]);
    assert_eq!(h.rt.mode(), Mode::Context);
    both(&mut h, "context");
}

#[test]
fn compare_prompt() {
    let mut h = tiny("mia");
    h.keys(&[KeyCode::Char('B')]);
    h.typed("/no/such/b.json");
    h.keys(&[KeyCode::Enter]);
    assert_eq!(h.rt.mode(), Mode::PickConfig);
    both(&mut h, "compare_prompt");
}

#[test]
fn too_small() {
    let mut h = tiny("mia");
    for (w, ht) in [(59, 19), (40, 10)] {
        let text = h.text_at(w, ht);
        insta::assert_snapshot!(format!("too_small_{w}x{ht}"), text);
    }
}

/// In 16 colours the styles that carry meaning are ANSI colours picked by
/// hand: the brand, the selected tile's frame, the % Match green, the dim
/// key line; the whole screen's cells and styles are approved as one buffer.
#[test]
fn sixteen_colour_home_with_its_styles() {
    let mut h = tiny("mia");
    h.rt.dispatch(Msg::Resize(80, 24));
    let buf = h.buffer(ColorMode::Ansi16, 80, 24);
    let cells = |pred: &dyn Fn(&ratatui::buffer::Cell) -> bool| {
        buf.content().iter().filter(|c| pred(c)).count()
    };
    // Nothing reaches the terminal as RGB or an indexed colour in 16-colour mode.
    assert_eq!(
        cells(&|c| matches!(c.fg, Color::Rgb(..) | Color::Indexed(_))
            || matches!(c.bg, Color::Rgb(..) | Color::Indexed(_))),
        0
    );
    // The selected tile's thick frame is drawn in the selection colour.
    let corner = buf
        .content()
        .iter()
        .find(|c| c.symbol() == "┏")
        .expect("a selected tile");
    assert_ne!(corner.fg, Color::Reset);
    assert_ne!(corner.fg, corner.bg);
    // Every % of a % Match is green, never the grey of a disabled thing.
    let pct = cells(&|c| c.symbol() == "%");
    assert!(pct > 0, "no % Match on the screen");
    assert_eq!(
        cells(&|c| c.symbol() == "%" && c.fg == Color::LightGreen),
        pct,
        "{}",
        lines_of(&buf)
    );
    // No letter anywhere is drawn in its own background's colour.
    let hidden: Vec<String> = (0..24u16)
        .flat_map(|y| (0..80u16).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let c = &buf[(x, y)];
            c.symbol().trim() != "" && c.fg != Color::Reset && c.fg == c.bg
        })
        .map(|(x, y)| {
            format!(
                "{:?} at ({x},{y}) in {:?}",
                buf[(x, y)].symbol(),
                buf[(x, y)].fg
            )
        })
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}\n{}", lines_of(&buf));
    // Captions on artwork are italic and readable.
    assert!(cells(&|c| c.modifier.contains(Modifier::ITALIC)) > 0);
    insta::assert_debug_snapshot!("home_16_colours_80x24", buf);
}

/// The experiment screen opened through `update` alone (the tiny world's
/// database is in memory, so no run starts), fed a fixed report.
fn experiment(h: &mut Harness, report: marquee::tui::experiment::Report) {
    use marquee::tui::update::update;
    let effects = update(&mut h.rt.app, Msg::OpenExperiment);
    assert_eq!(h.rt.mode(), Mode::Experiment, "{effects:?}");
    update(&mut h.rt.app, Msg::Experiment(report));
}

#[test]
fn experiment_mid_run() {
    use marquee::tui::experiment::{fixtures, Report};
    let mut h = tiny("mia");
    experiment(&mut h, Report::Progress(fixtures::partial(150)));
    both(&mut h, "experiment_running");
}

#[test]
fn experiment_finished() {
    use marquee::tui::experiment::{fixtures, Report};
    let mut h = tiny("mia");
    experiment(&mut h, Report::Done(Box::new(fixtures::report())));
    both(&mut h, "experiment_done");
}

/// Without colour the two curves still differ: each arm has its own mark
/// on the chart and its legend names the arm beside that mark.
#[test]
fn experiment_arms_differ_without_colour() {
    use marquee::tui::experiment::{fixtures, Report};
    use marquee::tui::view::experiment_marks;
    let mut h = tiny("mia");
    experiment(&mut h, Report::Progress(fixtures::partial(150)));
    h.rt.dispatch(Msg::Resize(80, 24));
    let buf = h.buffer(ColorMode::None, 80, 24);
    let text = lines_of(&buf);
    let [a, b] = experiment_marks();
    assert!(text.contains(&format!("{a} A: default")), "{text}");
    assert!(text.contains(&format!("{b} B: popularity-only")), "{text}");
    for mark in [a, b] {
        let n = buf.content().iter().filter(|c| c.symbol() == mark).count();
        assert!(n >= 8, "{mark} drawn {n} times:\n{text}");
    }
    assert!(buf
        .content()
        .iter()
        .all(|c| c.fg == Color::Reset && c.bg == Color::Reset));
}

#[test]
fn digest() {
    let mut h = tiny("mia");
    h.keys(&[KeyCode::Char('f'), KeyCode::Down]);
    assert_eq!(h.rt.mode(), Mode::Digest);
    both(&mut h, "digest");
}
