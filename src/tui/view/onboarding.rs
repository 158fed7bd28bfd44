//! Onboarding as a sign-up screen: a grid of posters (each title's artwork,
//! a ✓ when picked), a progress count, `/` to find a title by its words, a
//! page of posters at a time ("more" below), and a question before leaving.

use super::super::app::{App, Mode};
use super::super::layout::PosterGrid;
use super::super::theme::Theme;
use super::screens::input_line;
use super::tile::draw_artwork;
use super::{fit, panel};
use crate::rank::MIN_PICKS;
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget};

pub fn draw(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    // A screen of its own: blank the home page between the header and the footer.
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(2),
        ..area
    };
    Clear.render(body, buf);
    Block::default().style(theme.base()).render(body, buf);
    let grid = PosterGrid::of(area);
    let title = format!(
        "Welcome, {}! Pick {MIN_PICKS} or more titles you like",
        app.profile_display
    );
    panel(
        buf,
        Rect {
            x: area.x + 2,
            width: area.width.saturating_sub(4),
            ..body
        },
        &title,
        theme,
    );
    let inner = grid.inner;
    let o = &app.onboarding;
    let shown = app.onboarding_shown();
    let picked = o.picked.len();
    let progress = if picked < MIN_PICKS {
        format!("{picked} of {MIN_PICKS} picked")
    } else {
        format!("{picked} picked · Enter to see your home page")
    };
    let mut top = vec![Line::from(vec![
        Span::styled(
            progress,
            if picked >= MIN_PICKS {
                theme.matched()
            } else {
                theme.title()
            },
        ),
        Span::styled(
            fit(
                "   chosen to span the catalog's tastes; your picks shape your first home page",
                (inner.width as usize).saturating_sub(30),
            ),
            theme.dim(),
        ),
    ])];
    let question = o.confirm_leave.then(|| {
        Line::from(Span::styled(
            "Leave without picking? Your home page stays general until you pick. Esc again leaves; any other key stays.",
            theme.warn(),
        ))
    });
    let error = app
        .status
        .as_ref()
        .filter(|(_, e)| *e)
        .map(|(m, _)| Line::from(Span::styled(sanitize(m), theme.warn())));
    top.push(match (question, error) {
        (Some(q), _) => q,
        (None, Some(e)) => e,
        _ if app.mode == Mode::OnboardingFind || !o.filter.is_empty() => {
            let mut l = input_line("/ ", &o.filter, theme);
            if app.mode != Mode::OnboardingFind {
                // Back on the posters: the cursor is theirs, not the filter's.
                l.spans.pop();
            }
            l.spans.push(Span::styled(
                format!(
                    "   {} · Esc clears",
                    crate::text::count(shown.len() as u64, "title", "titles")
                ),
                theme.dim(),
            ));
            l
        }
        _ => Line::from(Span::styled(
            "←↑↓→ move · Space pick · / find a title · Enter done · Esc leave",
            theme.dim(),
        )),
    });
    Paragraph::new(top).render(inner, buf);
    let first = grid.first_shown(o.selected);
    let page = grid.columns * grid.lines;
    for (k, id) in shown.iter().enumerate().skip(first).take(page) {
        poster(
            buf,
            grid.poster(k - first),
            app,
            id,
            k == o.selected,
            o.picked.iter().any(|p| p == id),
            theme,
        );
    }
    if shown.is_empty() {
        buf.set_string(
            inner.x,
            grid.poster(0).y,
            "No offered title has those words; Esc clears them.",
            theme.dim(),
        );
    }
    let below = shown.len().saturating_sub(first + page);
    let more = match (first > 0, below > 0) {
        (_, true) => format!(
            "▼ {below} more {} below · PgDn",
            if below == 1 { "title" } else { "titles" }
        ),
        (true, false) => "▲ PgUp for the titles above".to_string(),
        (false, false) => String::new(),
    };
    if !more.is_empty() && inner.height > 0 {
        buf.set_string(
            inner.x,
            inner.bottom() - 1,
            fit(&more, inner.width as usize),
            theme.accent(),
        );
    }
}

/// One poster: the title's first artwork in a frame (thick when selected),
/// a ✓ badge when picked, and its name and genre under it.
fn poster(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    id: &str,
    selected: bool,
    picked: bool,
    theme: &Theme,
) {
    if area.width < 4 || area.height < 3 {
        return;
    }
    let frame = Rect {
        height: area.height - 1,
        ..area
    };
    let border = if selected {
        theme.selected()
    } else if picked {
        theme.matched()
    } else {
        theme.dim()
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(if selected {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(border)
        .render(frame, buf);
    let inner = Rect {
        x: frame.x + 1,
        y: frame.y + 1,
        width: frame.width - 2,
        height: frame.height.saturating_sub(2),
    };
    let title = app.title(id);
    if let Some(art) = title.and_then(|t| t.artwork.first()) {
        draw_artwork(buf, inner, art, theme, true);
    }
    if picked {
        buf.set_string(
            frame.x + 1,
            frame.y,
            " ✓ picked ",
            theme.matched().add_modifier(Modifier::REVERSED),
        );
    }
    let genre = title
        .and_then(|t| t.genres.first())
        .and_then(|g| app.catalog.genres.get(g))
        .map_or(String::new(), |g| format!(" · {}", g.name));
    let name = title.map_or(id.to_string(), |t| {
        format!("{} ({}){genre}", sanitize(&t.name), t.year)
    });
    buf.set_string(
        area.x,
        area.bottom() - 1,
        fit(&name, area.width as usize),
        if selected {
            theme.title()
        } else {
            theme.text()
        },
    );
}
