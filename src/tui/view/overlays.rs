//! Overlays over the home screen: title details, the explain chart, help and
//! what moved. Each builds its lines wrapped to its width first, so it
//! scrolls (↑↓, PgUp/PgDn) and keeps its key line in view at any size.

use super::super::app::{App, Mode};
use super::super::keys::KEYMAP;
use super::super::layout::centred;
use super::super::theme::{ColorMode, Theme};
use super::tile::draw_artwork;
use super::wrap::{labelled, para};
use super::{fit, panel};
use crate::catalog::TitleKind;
use crate::rank::{shown_match, Thumb};
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

/// The artwork's height in the details, when there is room.
const ART_H: u16 = 11;

/// A rating in words, for the details and the footer.
pub fn rating_words(r: Thumb) -> &'static str {
    match r {
        Thumb::Up => "▲ you rated it up (y again clears it)",
        Thumb::Love => "♥ you love it (L again clears it)",
        Thumb::Down => "▼ you rated it down (n again clears it)",
    }
}

fn detail_rect(area: Rect) -> Rect {
    centred(area, 100, area.height.saturating_sub(2).min(34))
}

/// The details' layout inside the panel: artwork, the column beside it, the body's height.
struct DetailGeometry {
    art: Rect,
    side_x: u16,
    side_w: u16,
    body_h: u16,
}

fn detail_geometry(inner: Rect) -> DetailGeometry {
    let body_h = inner.height.saturating_sub(1);
    let art_w = 26.min(inner.width / 3);
    let art_h = ART_H.min(body_h.saturating_sub(3));
    DetailGeometry {
        art: Rect::new(inner.x + 1, inner.y, art_w, art_h),
        side_x: inner.x + art_w + 3,
        side_w: inner.width.saturating_sub(art_w + 4),
        body_h,
    }
}

/// The details' text: (column offset, line), the side column first, then the why.
fn detail_lines(app: &App, theme: &Theme, inner: Rect) -> Vec<(u16, Line<'static>)> {
    let Some(id) = &app.detail_title else {
        return vec![];
    };
    let Some(title) = app.title(id) else {
        return vec![];
    };
    let g = detail_geometry(inner);
    let side_w = g.side_w as usize;
    let on_page = app.find_item(id);
    let length = match title.kind {
        TitleKind::Movie => format!("{} min", title.runtime_min),
        TitleKind::Series => format!(
            "{}, {} of ~{} min",
            crate::text::count(title.seasons.len() as u64, "season", "seasons"),
            crate::text::count(title.episode_count() as u64, "episode", "episodes"),
            title.runtime_min
        ),
    };
    let genres: Vec<String> = title
        .genres
        .iter()
        .map(|g| {
            app.catalog
                .genres
                .get(g)
                .map_or(g.clone(), |x| x.name.clone())
        })
        .collect();
    let tags: Vec<String> = title
        .tags
        .iter()
        .map(|t| {
            app.catalog
                .tags
                .get(t)
                .and_then(|x| x.label.clone().or(x.suffix.clone()))
                .unwrap_or(t.clone())
        })
        .collect();
    let mut side: Vec<Line<'static>> = vec![];
    let facts = format!(
        "{} · {} · {} · {}/{}",
        title.year, title.maturity, length, title.language, title.country
    );
    match on_page.and_then(|(_, item)| shown_match(item.match_pct)) {
        Some(p) => side.extend(labelled(
            &format!("{p}% Match  "),
            &facts,
            side_w,
            theme.matched(),
            theme.text(),
        )),
        None => side.extend(para(&facts, side_w, theme.text())),
    }
    if let Some(r) = app.ratings.get(id) {
        side.extend(para(rating_words(*r), side_w, theme.accent()));
    }
    side.extend(para(&sanitize(&genres.join(", ")), side_w, theme.accent()));
    side.extend(para(&sanitize(&tags.join(" · ")), side_w, theme.dim()));
    side.push(Line::from(""));
    side.extend(labelled(
        "Cast: ",
        &sanitize(&title.cast.join(", ")),
        side_w,
        theme.dim(),
        theme.text(),
    ));
    side.extend(labelled(
        if title.kind == TitleKind::Series {
            "Created by: "
        } else {
            "Directed by: "
        },
        &sanitize(&title.directors.join(", ")),
        side_w,
        theme.dim(),
        theme.text(),
    ));
    side.push(Line::from(""));
    side.extend(para(&sanitize(&title.synopsis), side_w, theme.text()));
    let off = g.side_x - inner.x;
    let mut out: Vec<(u16, Line<'static>)> = side.into_iter().map(|l| (off, l)).collect();
    while out.len() < g.art.height as usize {
        out.push((off, Line::from("")));
    }
    out.push((1, Line::from("")));
    let w = inner.width.saturating_sub(2) as usize;
    let mut why: Vec<Line<'static>> = vec![];
    match on_page {
        Some((row, item)) => {
            let e = &item.explanation;
            why.extend(labelled(
                "Why this title: ",
                &sanitize(&e.reason),
                w,
                theme.accent(),
                theme.text(),
            ));
            let top: Vec<String> = e
                .contributions
                .iter()
                .filter(|c| c.feature != "baseline")
                .take(3)
                .map(|c| format!("{} {:+.2}", c.feature, c.value))
                .collect();
            why.extend(para(
                &format!("   strongest signals: {}", top.join(", ")),
                w,
                theme.dim(),
            ));
            if e.exploration {
                why.extend(para(
                    "   ✧ exploring: a pick from outside your usual taste, to learn what else you like",
                    w,
                    theme.accent(),
                ));
            }
            if let Some(r) = &e.resume {
                why.push(Line::from(Span::styled(
                    format!("   resume at {r}"),
                    theme.text(),
                )));
            }
            why.extend(labelled(
                "Why this row: ",
                &format!("{} — {}", sanitize(&row.title), sanitize(&row.reason)),
                w,
                theme.accent(),
                theme.text(),
            ));
            why.extend(labelled(
                "Why this artwork: ",
                &sanitize(&e.artwork_reason),
                w,
                theme.accent(),
                theme.text(),
            ));
        }
        None => {
            let rated_down = app
                .search
                .results
                .iter()
                .any(|r| r.title_id == *id && r.rated_down);
            let found = app.search.results.iter().any(|r| r.title_id == *id);
            why.extend(para(
                if rated_down {
                    "Not on your home page: you rated it down. y (thumbs up) or L (love) changes that."
                } else if found {
                    "Not on your home page right now (found by search)."
                } else {
                    "Not on your home page right now."
                },
                w,
                theme.dim(),
            ));
        }
    }
    out.extend(why.into_iter().map(|l| (1, l)));
    out
}

/// Lines `scroll..` of `lines` into `area`, each at its column offset.
fn put_lines(buf: &mut Buffer, area: Rect, lines: &[(u16, Line)], scroll: u16) {
    for (k, (off, line)) in lines
        .iter()
        .skip(scroll as usize)
        .take(area.height as usize)
        .enumerate()
    {
        let r = Rect {
            x: area.x + off,
            y: area.y + k as u16,
            width: area.width.saturating_sub(*off),
            height: 1,
        };
        Paragraph::new(line.clone()).render(r, buf);
    }
}

/// The key line at the bottom of a panel, with where the text is when it scrolls.
/// How far `n` lines scroll in a panel whose last line is its key line.
fn scroll_limit(n: usize, inner: Rect) -> u16 {
    (n as u16).saturating_sub(inner.height.saturating_sub(1))
}

/// A scrolling overlay's body: `lines` from `scroll` (clamped) above the key line.
fn scrolled_body(
    buf: &mut Buffer,
    inner: Rect,
    lines: &[(u16, Line)],
    scroll: u16,
    keys: &str,
    theme: &Theme,
) {
    let max = scroll_limit(lines.len(), inner);
    let scroll = scroll.min(max);
    let body = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    put_lines(buf, body, lines, scroll);
    key_line(buf, inner, keys, scroll, max, theme);
}

fn key_line(buf: &mut Buffer, inner: Rect, keys: &str, scroll: u16, max: u16, theme: &Theme) {
    let more = match (scroll > 0, scroll < max) {
        (false, false) => "",
        (true, true) => "  ↑↓ more",
        (false, true) => "  ↓ more",
        (true, false) => "  ↑ more",
    };
    let y = inner.bottom().saturating_sub(1);
    Paragraph::new(Line::from(vec![
        Span::styled(
            fit(
                keys,
                (inner.width as usize).saturating_sub(more.chars().count() + 1),
            ),
            theme.dim(),
        ),
        Span::styled(more, theme.accent()),
    ]))
    .render(
        Rect::new(inner.x + 1, y, inner.width.saturating_sub(1), 1),
        buf,
    );
}

const DETAIL_KEYS: &str = "y up · n down · L love · w watch · m My List · x explain · Esc back";

pub fn detail(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let Some(id) = &app.detail_title else { return };
    let Some(title) = app.title(id) else { return };
    let inner = panel(buf, detail_rect(area), &title.name, theme);
    let g = detail_geometry(inner);
    let lines = detail_lines(app, theme, inner);
    let max = (lines.len() as u16).saturating_sub(g.body_h);
    let scroll = app.scroll.min(max);
    let artwork = app
        .find_item(id)
        .and_then(|(_, i)| title.artwork.iter().find(|a| a.id == i.artwork_id))
        .or(title.artwork.first());
    if let (Some(a), true) = (artwork, scroll < g.art.height) {
        // Drawn whole into its own buffer, then copied from the scrolled line down.
        let full = Rect::new(0, 0, g.art.width, g.art.height);
        let mut art_buf = Buffer::empty(full);
        draw_artwork(&mut art_buf, full, a, theme, true);
        for y in scroll..g.art.height {
            for x in 0..g.art.width {
                buf[(g.art.x + x, g.art.y + y - scroll)] = art_buf[(x, y)].clone();
            }
        }
    }
    let body = Rect {
        height: g.body_h,
        ..inner
    };
    put_lines(buf, body, &lines, scroll);
    key_line(buf, inner, DETAIL_KEYS, scroll, max, theme);
}

fn explain_lines(app: &App, theme: &Theme, inner: Rect) -> Vec<(u16, Line<'static>)> {
    explain_lines_on(app.page.as_ref(), app, theme, inner)
}

/// The explanation of the open title as `page` (A's or B's) scores it.
fn explain_lines_on(
    page: Option<&crate::rank::Page>,
    app: &App,
    theme: &Theme,
    inner: Rect,
) -> Vec<(u16, Line<'static>)> {
    let Some(id) = &app.detail_title else {
        return vec![];
    };
    let w = inner.width as usize;
    let found = page.and_then(|p| {
        p.rows
            .iter()
            .find_map(|r| r.items.iter().find(|i| &i.title_id == id).map(|i| (r, i)))
    });
    let Some((row, item)) = found else {
        return para(
            "This title is not on the page, so it has no score here.",
            w,
            theme.dim(),
        )
        .into_iter()
        .map(|l| (0, l))
        .collect();
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("score {:+.3}", item.score), theme.title()),
        Span::styled(format!("   {}% match", item.match_pct), theme.matched()),
        Span::styled(
            // An external ranker's scores are placed on Marquee's scale by
            // rank: its own contributions do not add up to that score.
            if page.is_some_and(|p| p.external_source().is_some()) {
                "   placed by the ranker's order; its parts below"
            } else {
                "   = sum of the contributions below"
            },
            theme.dim(),
        ),
    ])];
    lines.push(Line::from(""));
    let contributions = &item.explanation.contributions;
    let max = contributions
        .iter()
        .map(|c| c.value.abs())
        .fold(1e-9, f64::max);
    let bar_w = inner.width.saturating_sub(34) as f64 / 2.0;
    for c in contributions {
        let n = ((c.value.abs() / max) * bar_w).round() as usize;
        let (neg, pos) = if c.value < 0.0 {
            ("█".repeat(n), String::new())
        } else {
            (String::new(), "█".repeat(n))
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<20}", c.feature), theme.text()),
            Span::styled(format!("{:>w$}", neg, w = bar_w as usize), theme.down()),
            Span::styled("│", theme.dim()),
            Span::styled(format!("{:<w$}", pos, w = bar_w as usize), theme.up()),
            Span::styled(format!(" {:+.3}", c.value), theme.dim()),
        ]));
    }
    lines.push(Line::from(""));
    lines.extend(labelled(
        "Row: ",
        &format!("{} — {}", sanitize(&row.title), sanitize(&row.reason)),
        w,
        theme.accent(),
        theme.text(),
    ));
    lines.extend(labelled(
        "Item: ",
        &sanitize(&item.explanation.reason),
        w,
        theme.accent(),
        theme.text(),
    ));
    if item.explanation.exploration {
        lines.extend(para(
            "✧ Exploration: placed by the bandit, not by score alone.",
            w,
            theme.accent(),
        ));
    }
    lines.extend(labelled(
        "Artwork: ",
        &sanitize(&item.explanation.artwork_reason),
        w,
        theme.accent(),
        theme.text(),
    ));
    lines.into_iter().map(|l| (0, l)).collect()
}

fn explain_rect(area: Rect) -> Rect {
    centred(area, 90, area.height.saturating_sub(2).min(28))
}

/// In the split view, explain shows A and B side by side: one panel per config.
fn split_explain_rects(area: Rect) -> [Rect; 2] {
    let r = centred(
        area,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2).min(32),
    );
    let half = r.width / 2;
    [
        Rect { width: half, ..r },
        Rect {
            x: r.x + half,
            width: r.width - half,
            ..r
        },
    ]
}

fn explaining_both(app: &App) -> bool {
    app.split && app.compare_page.is_some()
}

pub fn explain(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let Some(id) = &app.detail_title else { return };
    let name = app.title(id).map_or(id.clone(), |t| t.name.clone());
    if explaining_both(app) {
        let pages = [app.page.as_ref(), app.compare_page.as_ref()];
        for ((rect, page), side) in split_explain_rects(area)
            .into_iter()
            .zip(pages)
            .zip(["A", "B"])
        {
            let config = page.map_or(String::new(), |p| p.config.name.clone());
            let inner = panel(
                buf,
                rect,
                &format!("{side}: {config} · why “{name}”"),
                theme,
            );
            let lines = explain_lines_on(page, app, theme, inner);
            scrolled_body(
                buf,
                inner,
                &lines,
                app.scroll,
                "Esc back · ↑↓ scroll",
                theme,
            );
        }
        return;
    }
    let inner = panel(buf, explain_rect(area), &format!("Why “{name}”"), theme);
    let lines = explain_lines(app, theme, inner);
    scrolled_body(
        buf,
        inner,
        &lines,
        app.scroll,
        "Esc back · ↑↓ scroll",
        theme,
    );
}

/// The help text: one line per binding (from the key map), then the mouse.
fn help_lines(theme: &Theme, inner: Rect) -> Vec<(u16, Line<'static>)> {
    let modes_w = (inner.width as usize).saturating_sub(11 + 42).max(8);
    let mut lines: Vec<Line<'static>> = KEYMAP
        .iter()
        .map(|b| {
            let modes: Vec<String> = b
                .modes
                .iter()
                .map(|m| format!("{m:?}").to_lowercase())
                .collect();
            Line::from(vec![
                Span::styled(format!("{:<11}", b.label), theme.accent()),
                Span::styled(
                    format!("{} ", crate::text::column(b.help, 41)),
                    theme.text(),
                ),
                Span::styled(fit(&modes.join(", "), modes_w), theme.dim()),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.extend(para(
        "Ctrl-C quits from anywhere. Mouse: the wheel scrolls rows, a click selects a tile, a second click opens it.",
        inner.width as usize,
        theme.dim(),
    ));
    lines.into_iter().map(|l| (0, l)).collect()
}

fn help_rect(area: Rect) -> Rect {
    centred(
        area,
        96,
        (KEYMAP.len() as u16 + 6).min(area.height.saturating_sub(2)),
    )
}

pub fn help(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let inner = panel(buf, help_rect(area), "Keys", theme);
    let lines = help_lines(theme, inner);
    scrolled_body(
        buf,
        inner,
        &lines,
        app.scroll,
        "Esc back · ↑↓ PgUp PgDn scroll",
        theme,
    );
}

fn moved_lines(app: &App, theme: &Theme, inner: Rect) -> Vec<(u16, Line<'static>)> {
    let w = inner.width as usize;
    if app.moved.is_empty() {
        return para(
            "Nothing moved yet: rate a title, change the context (c) or reload the config (r), and what moved is listed here.",
            w,
            theme.dim(),
        )
        .into_iter()
        .map(|l| (0, l))
        .collect();
    }
    app.moved
        .iter()
        .flat_map(|m| labelled("• ", m, w, theme.accent(), theme.text()))
        .map(|l| (0, l))
        .collect()
}

fn moved_rect(area: Rect) -> Rect {
    centred(area, 100, area.height.saturating_sub(2).min(30))
}

pub fn moved(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let inner = panel(
        buf,
        moved_rect(area),
        "What moved at the last re-rank",
        theme,
    );
    let lines = moved_lines(app, theme, inner);
    scrolled_body(
        buf,
        inner,
        &lines,
        app.scroll,
        "Esc back · ↑↓ scroll",
        theme,
    );
}

/// How far the open overlay scrolls in `area` (lines beyond its body).
pub fn max_scroll(area: Rect, app: &App) -> u16 {
    let theme = Theme::new(ColorMode::None);
    let inner_of = |r: Rect| Rect {
        x: r.x + 1,
        y: r.y + 1,
        width: r.width.saturating_sub(2),
        height: r.height.saturating_sub(2),
    };
    let (inner, n) = match app.mode {
        Mode::Detail => {
            let inner = inner_of(detail_rect(area));
            (inner, detail_lines(app, &theme, inner).len())
        }
        Mode::Explain if explaining_both(app) => {
            let inner = inner_of(split_explain_rects(area)[0]);
            let n = [app.page.as_ref(), app.compare_page.as_ref()]
                .into_iter()
                .map(|p| explain_lines_on(p, app, &theme, inner).len())
                .max()
                .unwrap_or(0);
            (inner, n)
        }
        Mode::Explain => {
            let inner = inner_of(explain_rect(area));
            (inner, explain_lines(app, &theme, inner).len())
        }
        Mode::Help => {
            let inner = inner_of(help_rect(area));
            (inner, help_lines(&theme, inner).len())
        }
        Mode::Moved => {
            let inner = inner_of(moved_rect(area));
            (inner, moved_lines(app, &theme, inner).len())
        }
        _ => return 0,
    };
    scroll_limit(n, inner)
}
