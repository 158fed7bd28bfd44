//! The split view (`--compare B.json`, key `b`): config A's rows on the
//! left, the same rows of config B on the right with how each row and tile
//! moved, and for the selected title what changed in its score.

use super::fit;
use crate::eval::compare::{changed_contributions, Move};
use crate::rank::{shown_match, Item, Page, Row};
use crate::text::sanitize;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

/// Tiles listed per row and side.
const ITEMS: usize = 5;
const BLOCK_H: u16 = ITEMS as u16 + 2;
/// The what-moved panel's least height; it takes whatever the rows leave.
const WHY_MIN_H: u16 = 7;

/// Each side in its own row order (B's rows as B ranks them, marked with how
/// they moved from A), the selected title highlighted on both sides, and
/// under them the what-moved panel in all the height the rows leave.
pub fn draw(buf: &mut Buffer, area: Rect, app: &App, b: &Page, theme: &Theme) {
    let Some(a) = &app.page else { return };
    let room = area.height.saturating_sub(WHY_MIN_H + 1);
    let visible = (room / BLOCK_H).max(1) as usize;
    let shown = visible.min(a.rows.len().max(b.rows.len()).max(1));
    let body = Rect {
        y: area.y,
        height: (1 + shown as u16 * BLOCK_H).min(area.height),
        ..area
    };
    let why = Rect {
        y: body.bottom(),
        height: area.height.saturating_sub(body.height),
        ..area
    };
    let half = area.width / 2;
    let left = Rect {
        width: half.saturating_sub(1),
        ..body
    };
    let right = Rect {
        x: area.x + half + 1,
        width: area.width.saturating_sub(half + 1),
        ..body
    };
    for (side, label, page) in [(left, "A", a), (right, "B", b)] {
        let fallback = page.ranker.as_ref().is_some_and(|r| r.fallback.is_some());
        let name = format!(
            " {label}: {}{}",
            sanitize(&page.config.name),
            if fallback {
                " (FALLBACK: Marquee's own)"
            } else {
                ""
            }
        );
        put(
            buf,
            side,
            side.y,
            Line::from(Span::styled(name, theme.brand())),
        );
    }
    let selected = app.selected_item().map(|i| i.title_id.clone());
    let first = app.row.saturating_sub(visible - 1);
    // A's rows around the cursor.
    for (k, (index, row_a)) in a
        .rows
        .iter()
        .enumerate()
        .skip(first)
        .take(shown)
        .enumerate()
    {
        let y = body.y + 1 + k as u16 * BLOCK_H;
        let title = Line::from(vec![
            Span::styled(if index == app.row { "▌ " } else { "  " }, theme.accent()),
            Span::styled(
                fit(&sanitize(&row_a.title), left.width as usize - 3),
                theme.title(),
            ),
        ]);
        put(buf, left, y, title);
        let start = app.col(index).saturating_sub(ITEMS - 1);
        draw_tiles(
            buf,
            left,
            y,
            row_a,
            start,
            selected.as_deref(),
            &|_| None,
            theme,
        );
    }
    // B's rows in B's order, from the row that holds the selected title (or A's place).
    let b_row = selected.as_deref().and_then(|id| {
        b.rows
            .iter()
            .position(|r| r.items.iter().any(|i| i.title_id == id))
    });
    let b_first = b_row.unwrap_or(app.row).saturating_sub(visible - 1);
    for (k, (index, row_b)) in b
        .rows
        .iter()
        .enumerate()
        .skip(b_first)
        .take(shown)
        .enumerate()
    {
        let y = body.y + 1 + k as u16 * BLOCK_H;
        let diff = app.compare_diff.iter().find(|r| r.id == row_b.id);
        let move_label = match diff.map(|d| d.change) {
            Some(Move::Same) => String::new(),
            Some(Move::New) | None => "new on B".to_string(),
            Some(m) => format!("{} from A", m.label()),
        };
        let title = Line::from(vec![
            Span::styled(
                if Some(index) == b_row { "▌ " } else { "  " },
                theme.accent(),
            ),
            Span::styled(
                fit(
                    &sanitize(&row_b.title),
                    right.width.saturating_sub(16) as usize,
                ),
                theme.title(),
            ),
            Span::styled(format!("  {move_label}"), theme.accent()),
        ]);
        put(buf, right, y, title);
        let at = selected
            .as_deref()
            .and_then(|id| row_b.items.iter().position(|i| i.title_id == id))
            .unwrap_or(0);
        let change = |item: &Item| {
            diff.and_then(|d| d.tiles.iter().find(|t| t.title_id == item.title_id))
                .map(|t| t.change)
        };
        draw_tiles(
            buf,
            right,
            y,
            row_b,
            at.saturating_sub(ITEMS - 1),
            selected.as_deref(),
            &change,
            theme,
        );
    }
    why_panel(buf, why, app, a, b, selected.as_deref(), theme);
}

/// A row's tiles on one side, from `start`, under the row's title at `y`.
#[allow(clippy::too_many_arguments)]
fn draw_tiles(
    buf: &mut Buffer,
    side: Rect,
    y: u16,
    row: &Row,
    start: usize,
    selected: Option<&str>,
    change: &dyn Fn(&Item) -> Option<Move>,
    theme: &Theme,
) {
    for (n, item) in row.items.iter().enumerate().skip(start).take(ITEMS) {
        let is_selected = selected == Some(item.title_id.as_str());
        let line = tile_line(n, item, change(item), is_selected, side.width, theme);
        put(buf, side, y + 1 + (n - start) as u16, line);
    }
}

/// One line of a side, at row `y`.
fn put(buf: &mut Buffer, side: Rect, y: u16, line: Line) {
    Paragraph::new(line).render(
        Rect {
            y,
            height: 1,
            ..side
        },
        buf,
    );
}

fn tile_line(
    n: usize,
    item: &Item,
    change: Option<Move>,
    selected: bool,
    width: u16,
    theme: &Theme,
) -> Line<'static> {
    let mark = match change {
        Some(Move::Same) | None => String::new(),
        Some(m) => m.label(),
    };
    let pct = shown_match(item.match_pct).map_or("    ".into(), |p| format!("{p:>3}%"));
    let explore = if item.explanation.exploration {
        "✧"
    } else {
        " "
    };
    let name_w = (width as usize).saturating_sub(18);
    let name = fit(&sanitize(&item.name), name_w);
    let pad = name_w.saturating_sub(unicode_width::UnicodeWidthStr::width(name.as_str()));
    let text = format!(
        " {} {:>2}. {name}{} {explore}{pct} {mark}",
        if selected { "▶" } else { " " },
        n + 1,
        " ".repeat(pad)
    );
    Line::from(Span::styled(
        text,
        if selected {
            theme.selected_line()
        } else {
            theme.dim()
        },
    ))
}

/// What moved and why: the selected title's score on A and B with every
/// feature that changed, then the rows that moved, came or went on B, as
/// many as the height holds.
fn why_panel(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    a: &Page,
    b: &Page,
    selected: Option<&str>,
    theme: &Theme,
) {
    let mut lines = vec![Line::from(Span::styled(
        " What moved and why",
        theme.title(),
    ))];
    match selected.map(|id| (id, a.item(id), b.item(id))) {
        Some((id, Some(ia), Some(ib))) => {
            let changed = changed_contributions(a, b, id);
            lines.push(Line::from(Span::raw(format!(
                " {}: score {:+.3} on A, {:+.3} on B · x explains both side by side",
                sanitize(&ia.name),
                ia.score,
                ib.score
            ))));
            if changed.is_empty() {
                lines.push(Line::from(Span::styled(
                    " no feature contribution changed",
                    theme.dim(),
                )));
            }
            for (f, x, y) in &changed {
                lines.push(Line::from(Span::raw(format!(
                    "   {f}: {x:+.3} → {y:+.3} ({:+.3})",
                    y - x
                ))));
            }
        }
        Some((_, Some(ia), None)) => lines.push(Line::from(Span::raw(format!(
            " {} is not on B's page",
            sanitize(&ia.name)
        )))),
        _ => lines.push(Line::from(Span::styled(" select a tile", theme.dim()))),
    }
    let moves: Vec<String> = app
        .compare_diff
        .iter()
        .filter(|r| r.change != Move::Same)
        .map(|r| match r.change {
            Move::New => format!("new on B: {}", sanitize(&r.title)),
            Move::Gone => format!("gone on B: {}", sanitize(&r.title)),
            m => format!("{} {}", m.label(), sanitize(&r.title)),
        })
        .collect();
    if !moves.is_empty() {
        let w = area.width.saturating_sub(1) as usize;
        lines.extend(super::wrap::labelled(
            " Rows on B: ",
            &moves.join(" · "),
            w,
            theme.title(),
            theme.text(),
        ));
    }
    Paragraph::new(lines).render(area, buf);
}
