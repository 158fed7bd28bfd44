//! Screen geometry, computed from the area and the state alone: drawing
//! uses it to place things and the mouse uses it to find what was clicked.

use super::app::App;
use ratatui::layout::Rect;

/// The narrowest tile; wider terminals get wider tiles (up to `TILE_MAX_W`).
pub const TILE_W: u16 = 20;
pub const TILE_MAX_W: u16 = 30;
/// Columns kept at a row's right for a peek of the next tile.
pub const PEEK_W: u16 = 6;
/// The tile's artwork with its frame.
pub const TILE_H: u16 = 8;
/// Row title, tile, and the line under it with name and match.
pub const ROW_H: u16 = 1 + TILE_H + 1;
pub const HEADER_H: u16 = 2;
pub const FOOTER_H: u16 = 1;
pub const BILLBOARD_H: u16 = 8;
/// Below this the billboard gives way to rows.
pub const BILLBOARD_MIN_HEIGHT: u16 = 36;
pub const MIN_W: u16 = 60;
pub const MIN_H: u16 = 20;
/// Onboarding's poster grid: a poster's width and its height with its name line.
pub const POSTER_W: u16 = 20;
pub const POSTER_H: u16 = 9;
/// Lines above the grid inside the onboarding panel (progress, hint, a blank).
const ONBOARDING_TOP: u16 = 3;

/// Onboarding's poster grid for a terminal of `size`: the panel's inside,
/// posters per line, lines of posters that fit and a poster's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PosterGrid {
    pub inner: Rect,
    pub columns: usize,
    pub lines: usize,
    pub poster_w: u16,
    pub poster_h: u16,
}

impl PosterGrid {
    pub fn of(area: Rect) -> PosterGrid {
        // The panel leaves the header line and the footer line, two columns each side.
        let panel = Rect {
            x: area.x + 2,
            y: area.y + 1,
            width: area.width.saturating_sub(4),
            height: area.height.saturating_sub(2),
        };
        let inner = Rect {
            x: panel.x + 1,
            y: panel.y + 1,
            width: panel.width.saturating_sub(2),
            height: panel.height.saturating_sub(2),
        };
        let room = inner.height.saturating_sub(ONBOARDING_TOP + 1);
        // Shorter posters when two lines of full ones do not fit (80×24).
        let poster_h = if room >= 2 * POSTER_H {
            POSTER_H
        } else {
            POSTER_H - 1
        };
        let columns = ((inner.width + 2) / (POSTER_W + 2)).max(1) as usize;
        let poster_w = ((inner.width + 2) / columns as u16)
            .saturating_sub(2)
            .min(TILE_MAX_W);
        PosterGrid {
            inner,
            columns,
            lines: (room / poster_h).max(1) as usize,
            poster_w,
            poster_h,
        }
    }

    /// The poster area of the `k`-th poster shown (0 at the top left).
    pub fn poster(&self, k: usize) -> Rect {
        let (line, col) = (k / self.columns, k % self.columns);
        Rect {
            x: self.inner.x + col as u16 * (self.poster_w + 2),
            y: self.inner.y + ONBOARDING_TOP + line as u16 * self.poster_h,
            width: self.poster_w,
            height: self.poster_h,
        }
    }

    /// The first poster shown when poster `selected` is selected: the grid
    /// turns a whole page at a time, so the posters stay where they are.
    pub fn first_shown(&self, selected: usize) -> usize {
        let page = self.columns * self.lines;
        selected / page * page
    }
}

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
    let billboard = (area.height >= BILLBOARD_MIN_HEIGHT && app.focused().is_some()).then(|| {
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
    let (tile_w, per_row) = tile_width(area.width);
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
        let mut tiles: Vec<(usize, Rect)> = (start..row.items.len().min(start + per_row))
            .enumerate()
            .map(|(k, col)| {
                (
                    col,
                    Rect {
                        x: area.x + 1 + k as u16 * (tile_w + 1),
                        y: y + 1,
                        width: tile_w,
                        height: TILE_H + 1,
                    },
                )
            })
            .collect();
        // A peek of the next tile at the right edge, so a row shows there is more.
        let peek_x = area.x + 1 + per_row as u16 * (tile_w + 1);
        let peek_w = area.right().saturating_sub(peek_x + 1);
        if start + per_row < row.items.len() && peek_w >= 4 {
            tiles.push((
                start + per_row,
                Rect {
                    x: peek_x,
                    y: y + 1,
                    width: peek_w,
                    height: TILE_H + 1,
                },
            ));
        }
        rows.push(RowSlot {
            index,
            title,
            tiles,
            more_left: start > 0,
            more_right: start + per_row + 1 < row.items.len(),
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

/// Tile width and whole tiles per row for a terminal `width` columns wide:
/// tiles widen with the terminal (20 columns at 120 and under, a column more
/// per 20 beyond, up to 30), leaving `PEEK_W` for a peek of the next tile.
pub fn tile_width(width: u16) -> (u16, usize) {
    let avail = width.saturating_sub(2 + PEEK_W);
    let target = (TILE_W + width.saturating_sub(120) / 20).min(TILE_MAX_W);
    let n = (avail / (target + 1)).max(1);
    let w = (avail / n).saturating_sub(1).clamp(4, TILE_MAX_W);
    (w, n as usize)
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
