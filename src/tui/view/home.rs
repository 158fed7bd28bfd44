//! The home screen: header, billboard for the focused title, rows of tiles,
//! and a footer with the status line and key hints.

use super::super::app::App;
use super::super::layout::{self, HomeLayout};
use super::super::theme::Theme;
use super::fit;
use super::tile::{draw_artwork, Tile};
use crate::catalog::TitleKind;
use crate::rank::{shown_match, RowKind};
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

pub fn draw(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let l: HomeLayout = layout::home(area, app);
    header(buf, l.header, app, theme);
    if let (true, Some(b)) = (app.split, &app.compare_page) {
        let body = Rect {
            y: l.header.bottom(),
            height: l.footer.y.saturating_sub(l.header.bottom()),
            ..area
        };
        super::split::draw(buf, body, app, b, theme);
        footer(buf, l.footer, app, theme);
        return;
    }
    if let Some(b) = l.billboard {
        billboard(buf, b, app, theme);
    }
    let rows = app.rows();
    for slot in &l.rows {
        let row = &rows[slot.index];
        let selected_row = slot.index == app.row;
        let marker = if selected_row { "▌ " } else { "  " };
        let mut spans = vec![
            Span::styled(marker, theme.accent()),
            Span::styled(
                fit(&sanitize(&row.title), slot.title.width as usize - 12),
                theme.title(),
            ),
        ];
        if slot.more_left {
            spans.push(Span::styled("  ‹", theme.dim()));
        }
        if slot.more_right {
            spans.push(Span::styled("  ›", theme.dim()));
        }
        Paragraph::new(Line::from(spans)).render(slot.title, buf);
        for &(col, rect) in &slot.tiles {
            let item = &row.items[col];
            Tile {
                title: app.title(&item.title_id),
                item,
                selected: selected_row && col == app.col(slot.index),
                mark: app
                    .marks
                    .get(&format!("{}/{}", row.id, item.title_id))
                    .copied(),
                rank: (row.kind == RowKind::Top10).then_some(col + 1),
                rating: app.ratings.get(&item.title_id).copied(),
                progress: (row.kind == RowKind::ContinueWatching)
                    .then(|| app.progress.get(&item.title_id).copied())
                    .flatten(),
                theme,
            }
            .render(rect, buf);
        }
    }
    footer(buf, l.footer, app, theme);
}

fn header(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let Some(page) = &app.page else { return };
    let profile = &app.profile_display;
    let mut spans = vec![Span::styled(
        if app.kids {
            " MARQUEE KIDS "
        } else {
            " MARQUEE "
        },
        theme.brand(),
    )];
    if app.sandbox {
        spans.push(Span::styled(
            " SANDBOX: nothing here is kept ",
            theme.warn(),
        ));
    }
    spans.extend([
        Span::raw("  "),
        Span::styled(sanitize(profile), theme.title()),
        Span::styled(format!("  ·  {}", when_words(page)), theme.text()),
    ]);
    match page.ranker.as_ref().map(|r| (r, &r.fallback)) {
        Some((_, Some(why))) => spans.push(Span::styled(
            format!("  ·  FALLBACK: Marquee's own ranker ({})", sanitize(why)),
            theme.warn(),
        )),
        Some((r, None)) => spans.push(Span::styled(
            format!("  ·  scores: {}", sanitize(&r.source)),
            theme.accent(),
        )),
        None => {}
    }
    if app.developer {
        spans.extend([
            Span::styled(format!("  ·  {}", page.context.now_string()), theme.dim()),
            Span::styled(
                format!(
                    "  ·  ranker {} ({})",
                    sanitize(&page.config.name),
                    page.config.hash
                ),
                theme.dim(),
            ),
            Span::styled(
                format!("  ·  page built in {:.1} ms", app.build_ms),
                theme.dim(),
            ),
        ]);
    }
    Paragraph::new(Line::from(spans)).render(Rect { height: 1, ..area }, buf);
    let hint = if app.developer {
        "? help  / search  p profiles  c context  D plain header  q quit "
    } else {
        "? help  / search  p profiles  c context  D developer  q quit "
    };
    if area.width as usize > hint.len() + 2 && area.height > 1 {
        buf.set_string(
            area.right() - hint.len() as u16,
            area.y + 1,
            hint,
            theme.dim(),
        );
    }
}

/// The page's moment in words: "Friday (weekday) evening · TV".
pub fn when_words(page: &crate::rank::Page) -> String {
    let device = match page.context.device {
        crate::catalog::Device::Tv => "TV",
        crate::catalog::Device::Mobile => "Mobile",
        crate::catalog::Device::Tablet => "Tablet",
        crate::catalog::Device::Web => "Web",
    };
    format!(
        "{} ({}) {} · {device}",
        page.context.weekday_name(),
        page.context.day,
        page.context.time_of_day
    )
}

/// The billboard: the focused tile's title, large, with its match, synopsis and why.
fn billboard(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let Some((row, item)) = app.focused() else {
        return;
    };
    let Some(title) = app.title(&item.title_id) else {
        return;
    };
    let art_w = 28.min(area.width / 3);
    let art = Rect {
        x: area.x + 1,
        y: area.y,
        width: art_w,
        height: area.height.saturating_sub(1),
    };
    if let Some(a) = title
        .artwork
        .iter()
        .find(|a| a.id == item.artwork_id)
        .or(title.artwork.first())
    {
        draw_artwork(buf, art, a, theme, true);
    }
    let text = Rect {
        x: art.right() + 2,
        y: area.y,
        width: area.width.saturating_sub(art_w + 4),
        height: area.height.saturating_sub(1),
    };
    let length = match title.kind {
        TitleKind::Movie => format!("{} min", title.runtime_min),
        TitleKind::Series => crate::text::count(title.seasons.len() as u64, "season", "seasons"),
    };
    let mut facts = vec![Span::styled(
        format!("{} · {} · {}", title.year, title.maturity, length),
        theme.text(),
    )];
    if let Some(p) = shown_match(item.match_pct) {
        facts.insert(0, Span::styled(format!("{p}% Match  "), theme.matched()));
    }
    if let Some(r) = app.ratings.get(&item.title_id) {
        facts.push(Span::styled(
            format!("  {}", super::overlays::rating_words(*r)),
            theme.accent(),
        ));
    }
    let lines = vec![
        Line::from(vec![
            Span::styled(
                fit(
                    &sanitize(&row.title).to_uppercase(),
                    text.width as usize / 2,
                ),
                theme.accent(),
            ),
            Span::styled("   Enter: details · x: why", theme.dim()),
        ]),
        Line::from(Span::styled(sanitize(&title.name), theme.title())),
        Line::from(facts),
        Line::from(Span::styled(sanitize(&title.synopsis), theme.text())),
        Line::from(vec![
            Span::styled("Why: ", theme.accent()),
            Span::styled(sanitize(&item.explanation.reason), theme.dim()),
        ]),
    ];
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .render(text, buf);
}

fn footer(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let line = if let Some((msg, error)) = &app.status {
        Line::from(Span::styled(
            format!(" {} ", sanitize(msg)),
            if *error {
                theme.warn()
            } else {
                theme.matched()
            },
        ))
    } else if !app.left_page.is_empty() && app.mode == crate::tui::app::Mode::Home {
        Line::from(Span::styled(
            format!(
                " Left the page: {} · M what moved · Esc clears the marks",
                app.left_page.join(", ")
            ),
            theme.down(),
        ))
    } else if let (crate::tui::app::Mode::Home, Some(true)) = (
        app.mode,
        app.selected_item().map(|i| i.explanation.exploration),
    ) {
        Line::from(Span::styled(
            " ✧ exploring: a pick from outside your usual taste, to learn what else you like · x why",
            theme.accent(),
        ))
    } else {
        Line::from(Span::styled(mode_hint(app.mode), theme.dim()))
    };
    Paragraph::new(line).render(area, buf);
}

/// The footer's key hints for the screen in front.
fn mode_hint(mode: crate::tui::app::Mode) -> &'static str {
    use crate::tui::app::Mode;
    match mode {
        Mode::Onboarding => " ←↑↓→ move · Space pick or unpick · / find · PgDn more · Enter done (3 or more picks) · ? help",
        Mode::OnboardingFind => " type words of a name or a genre · Enter back to the posters · Esc clear",
        Mode::Search => " type to search · ↓ to the results (to rate them) · Enter details · Esc back",
        Mode::SearchList => " y thumbs up · n thumbs down · L love · w watch · m My List · Enter details · / or ↑ at the top: the query · Esc back",
        Mode::Profiles | Mode::NewProfile => " ↑↓ choose · Enter switch or create · Esc back",
        Mode::Context => " ↑↓ ←→ choose time of day and device · Enter apply · Esc back",
        Mode::Detail | Mode::Explain => " y thumbs up · n thumbs down · L love · w watch · m My List · x explain · Esc back",
        Mode::Help | Mode::Moved => " ↑↓ scroll · Esc back",
        Mode::PickConfig => " type a config file's path · Enter compare · Esc back",
        Mode::Experiment => " simulated members: A the ranker in force, B popularity alone · Esc back (a run still going stops)",
        Mode::Digest => " ↑↓ choose · Enter details · Esc back",
        Mode::Home | Mode::Loading => " Enter details · x explain · y thumbs up · n thumbs down · L love · w watch · m My List",
    }
}
