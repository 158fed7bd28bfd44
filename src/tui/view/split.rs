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
const WHY_H: u16 = 7;

pub fn draw(buf: &mut Buffer, area: Rect, app: &App, b: &Page, theme: &Theme) {
    let Some(a) = &app.page else { return };
    let body = Rect {
        y: area.y,
        height: area.height.saturating_sub(WHY_H),
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
        let name = format!(" {label}: {}", sanitize(&page.config.name));
        put(
            buf,
            side,
            side.y,
            Line::from(Span::styled(name, theme.brand())),
        );
    }

    let row_diff = |id: &str| app.compare_diff.iter().find(|r| r.id == id);
    let visible = ((body.height.saturating_sub(1)) / BLOCK_H).max(1) as usize;
    let first = app.row.saturating_sub(visible - 1);
    let selected = app.selected_item().map(|i| i.title_id.clone());
    for (k, (index, row_a)) in a
        .rows
        .iter()
        .enumerate()
        .skip(first)
        .take(visible)
        .enumerate()
    {
        let y = body.y + 1 + k as u16 * BLOCK_H;
        if y + BLOCK_H > body.bottom() + 1 {
            break;
        }
        let marker = if index == app.row { "▌ " } else { "  " };
        let start = app.col(index).saturating_sub(ITEMS - 1);
        let title_a = Line::from(vec![
            Span::styled(marker, theme.accent()),
            Span::styled(
                fit(&sanitize(&row_a.title), left.width as usize - 3),
                theme.title(),
            ),
        ]);
        // A row's tiles on one side, from `start`, under the row's title.
        let draw_tiles =
            |buf: &mut Buffer, side: Rect, row: &Row, change: &dyn Fn(&Item) -> Option<Move>| {
                for (n, item) in row.items.iter().enumerate().skip(start).take(ITEMS) {
                    let is_selected = selected.as_deref() == Some(item.title_id.as_str());
                    let line = tile_line(n, item, change(item), is_selected, side.width, theme);
                    put(buf, side, y + 1 + (n - start) as u16, line);
                }
            };
        put(buf, left, y, title_a);
        draw_tiles(buf, left, row_a, &|_| None);
        let row_b = b.rows.iter().find(|r| r.id == row_a.id);
        let diff = row_diff(&row_a.id);
        let move_label = diff.map_or("gone on B".to_string(), |d| {
            if d.change == Move::Same {
                String::new()
            } else {
                d.change.label()
            }
        });
        let title_b = Line::from(vec![
            Span::styled("  ", theme.accent()),
            Span::styled(
                fit(
                    &sanitize(row_b.map_or(&row_a.title, |r| &r.title)),
                    right.width.saturating_sub(14) as usize,
                ),
                theme.title(),
            ),
            Span::styled(format!("  {move_label}"), theme.accent()),
        ]);
        put(buf, right, y, title_b);
        if let Some(row_b) = row_b {
            let change = |item: &Item| {
                diff.and_then(|d| d.tiles.iter().find(|t| t.title_id == item.title_id))
                    .map(|t| t.change)
            };
            draw_tiles(buf, right, row_b, &change);
        }
    }
    why_panel(
        buf,
        why,
        a,
        b,
        selected.as_deref(),
        app.compare_diff
            .iter()
            .filter(|r| r.change == Move::New)
            .map(|r| r.title.as_str())
            .collect(),
        theme,
    );
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
        "   {:>2}. {name}{} {explore}{pct} {mark}",
        n + 1,
        " ".repeat(pad)
    );
    Line::from(Span::styled(
        text,
        if selected {
            theme.selected()
        } else {
            theme.dim()
        },
    ))
}

/// What changed in the selected title's score between A and B.
fn why_panel(
    buf: &mut Buffer,
    area: Rect,
    a: &Page,
    b: &Page,
    selected: Option<&str>,
    new_rows: Vec<&str>,
    theme: &Theme,
) {
    let mut lines = vec![Line::from(Span::styled(
        " What moved and why",
        theme.title(),
    ))];
    if !new_rows.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(" B adds rows: {}", sanitize(&new_rows.join(", "))),
            theme.dim(),
        )));
    }
    match selected.map(|id| (id, a.item(id), b.item(id))) {
        Some((id, Some(ia), Some(ib))) => {
            let changed = changed_contributions(a, b, id);
            lines.push(Line::from(Span::raw(format!(
                " {}: score {:+.3} on A, {:+.3} on B",
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
            for (f, x, y) in changed.iter().take(3) {
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
    Paragraph::new(lines).render(area, buf);
}
