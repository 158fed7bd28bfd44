//! Screen geometry, computed from the area and the state alone: drawing
//! uses it to place things and the mouse uses it to find what was clicked.

use super::app::App;
use ratatui::layout::Rect;

pub const TILE_W: u16 = 20;
/// The tile's artwork with its frame.
pub const TILE_H: u16 = 8;
/// Row title, tile, and the line under it with name and match.
pub const ROW_H: u16 = 1 + TILE_H + 1;
pub const HEADER_H: u16 = 2;
pub const FOOTER_H: u16 = 1;
pub const BILLBOARD_H: u16 = 12;
/// Below this the billboard gives way to rows.
pub const BILLBOARD_MIN_HEIGHT: u16 = 36;
pub const MIN_W: u16 = 60;
pub const MIN_H: u16 = 20;
pub const ONBOARDING_COLUMNS: usize = 3;

pub struct RowSlot {
    pub index: usize,
    pub title: Rect,
    /// (column in the row, tile area including the name line)
    pub tiles: Vec<(usize, Rect)>,
    /// Tiles hidden to the left and right.
    pub more_left: bool,
    pub more_right: bool,
}

pub struct HomeLayout {
    pub header: Rect,
    pub billboard: Option<Rect>,
    pub rows: Vec<RowSlot>,
    pub footer: Rect,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_W || area.height < MIN_H
}

pub fn home(area: Rect, app: &App) -> HomeLayout {
    let header = Rect {
        height: HEADER_H.min(area.height),
        ..area
    };
    let footer = Rect {
        y: area.bottom().saturating_sub(FOOTER_H),
        height: FOOTER_H.min(area.height),
        ..area
    };
    let mut y = area.y + HEADER_H;
    let billboard = (area.height >= BILLBOARD_MIN_HEIGHT && app.top_pick().is_some()).then(|| {
        let r = Rect {
            x: area.x,
            y,
            width: area.width,
            height: BILLBOARD_H,
        };
        y += BILLBOARD_H;
        r
    });
    let space = footer.y.saturating_sub(y);
    let visible = (space / ROW_H).max(1) as usize;
    let first = app.row.saturating_sub(visible - 1);
    let per_row = ((area.width.saturating_sub(2)) / (TILE_W + 1)).max(1) as usize;
    let mut rows = vec![];
    for (index, row) in app.rows().iter().enumerate().skip(first).take(visible) {
        if y + ROW_H > footer.y {
            break;
        }
        let title = Rect {
            x: area.x + 1,
            y,
            width: area.width.saturating_sub(2),
            height: 1,
        };
        let selected_col = app.col(index);
        let start = selected_col.saturating_sub(per_row - 1);
        let tiles = (start..row.items.len().min(start + per_row))
            .enumerate()
            .map(|(k, col)| {
                (
                    col,
                    Rect {
                        x: area.x + 1 + k as u16 * (TILE_W + 1),
                        y: y + 1,
                        width: TILE_W,
                        height: TILE_H + 1,
                    },
                )
            })
            .collect();
        rows.push(RowSlot {
            index,
            title,
            tiles,
            more_left: start > 0,
            more_right: start + per_row < row.items.len(),
        });
        y += ROW_H;
    }
    HomeLayout {
        header,
        billboard,
        rows,
        footer,
    }
}

/// The (row, column) of the tile at a screen position, if any.
pub fn hit(app: &App, column: u16, row: u16) -> Option<(usize, usize)> {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let l = home(area, app);
    l.rows.iter().find_map(|r| {
        r.tiles
            .iter()
            .find(|(_, t)| column >= t.x && column < t.right() && row >= t.y && row < t.bottom())
            .map(|(c, _)| (r.index, *c))
    })
}

/// A rectangle of `w`×`h` centred in `area` (clipped to it).
pub fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
