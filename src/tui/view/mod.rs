//! Drawing: a pure function of the app state. Every catalog string is
//! sanitized before it reaches the buffer.

mod digest;
mod experiment;
mod home;
mod onboarding;
mod overlays;
mod screens;
mod split;
pub mod tile;
mod wrap;

use super::app::{App, Mode};
use super::layout;
use super::theme::Theme;
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};
use ratatui::Frame;

pub use crate::text::fit;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    // A kids profile has a palette of its own.
    let theme = &theme.for_kids(app.kids);
    let area = frame.area();
    let buf = frame.buffer_mut();
    Block::default().style(theme.base()).render(area, buf);
    if layout::too_small(area) {
        Clear.render(area, buf);
        let msg = format!(
            "Marquee needs a terminal of at least {}×{}; this one is {}×{}. Enlarge it, or press q to quit.",
            layout::MIN_W,
            layout::MIN_H,
            area.width,
            area.height
        );
        Paragraph::new(msg)
            .style(theme.warn())
            .wrap(Wrap { trim: true })
            .render(area, buf);
        return;
    }
    if app.mode == Mode::Loading {
        screens::loading(buf, area, app, theme);
        return;
    }
    home::draw(buf, area, app, theme);
    match app.mode {
        Mode::Detail => overlays::detail(buf, area, app, theme),
        Mode::Explain => overlays::explain(buf, area, app, theme),
        Mode::Help => overlays::help(buf, area, app, theme),
        Mode::Moved => overlays::moved(buf, area, app, theme),
        Mode::Search | Mode::SearchList => screens::search(buf, area, app, theme),
        Mode::Profiles | Mode::NewProfile => screens::profiles(buf, area, app, theme),
        Mode::Onboarding | Mode::OnboardingFind => onboarding::draw(buf, area, app, theme),
        Mode::Context => screens::context(buf, area, app, theme),
        Mode::PickConfig => screens::pick_config(buf, area, app, theme),
        Mode::Experiment => experiment::draw(buf, area, app, theme),
        Mode::Digest => digest::draw(buf, area, app, theme),
        Mode::Home | Mode::Loading => {}
    }
}

/// The experiment chart's marks for arm A and arm B.
pub fn experiment_marks() -> [&'static str; 2] {
    experiment::MARKS.map(|(_, s)| s)
}

/// How far the open overlay can scroll at the current terminal size (its
/// lines beyond the panel's height); 0 for screens that do not scroll.
pub fn max_scroll(app: &App) -> u16 {
    let area = ratatui::layout::Rect::new(0, 0, app.size.0, app.size.1);
    overlays::max_scroll(area, app)
}

/// A cleared, rounded panel titled `title` (sanitized, cut to fit); returns its inside.
fn panel(
    buf: &mut ratatui::buffer::Buffer,
    area: ratatui::layout::Rect,
    title: &str,
    theme: &Theme,
) -> ratatui::layout::Rect {
    use ratatui::widgets::{BorderType, Borders};
    Clear.render(area, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .title(ratatui::text::Span::styled(
            format!(
                " {} ",
                fit(
                    &crate::text::sanitize(title),
                    area.width.saturating_sub(6) as usize
                )
            ),
            theme.title(),
        ))
        .style(theme.panel());
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}
