//! Drawing artwork and tiles: a palette gradient, the motif on top, the
//! caption; a frame when selected; badges for movement, rank and exploration.

use super::super::action::mark_label;
use super::super::app::Mark;
use super::super::theme::{ColorMode, Theme};
use super::fit;
use crate::assets;
use crate::catalog::{Artwork, Title};
use crate::rank::{shown_match, Item};
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, BorderType, Borders, Widget};

/// Paint an artwork variant into `area`, the motif scaled by `scale` (1 or 2).
pub fn draw_artwork(
    buf: &mut Buffer,
    area: Rect,
    art: &Artwork,
    theme: &Theme,
    scale: u16,
    caption: bool,
) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let palette = assets::palettes().get(&art.palette).copied();
    let motif = assets::motifs().get(&art.motif);
    let colour = theme.mode != ColorMode::None;
    for dy in 0..area.height {
        let t = if area.height > 1 {
            dy as f32 / (area.height - 1) as f32
        } else {
            0.0
        };
        for dx in 0..area.width {
            let cell = &mut buf[(area.x + dx, area.y + dy)];
            cell.set_symbol(" ");
            if let (Some(p), true) = (palette, colour) {
                cell.set_bg(theme.blend(p.bg, p.bg2, t));
            }
        }
    }
    let text_rows = if caption {
        area.height.saturating_sub(1)
    } else {
        area.height
    };
    if let Some(m) = motif {
        let mh = m.lines.len() as u16 * scale;
        let mw = 12 * scale;
        let top = area.y + text_rows.saturating_sub(mh) / 2;
        let left = area.x + area.width.saturating_sub(mw) / 2;
        for (i, line) in m.lines.iter().enumerate() {
            for s in 0..scale {
                let y = top + i as u16 * scale + s;
                if y >= area.y + text_rows {
                    continue;
                }
                for (j, ch) in line.chars().enumerate() {
                    if ch == ' ' {
                        continue;
                    }
                    for k in 0..scale {
                        let x = left + j as u16 * scale + k;
                        if x < area.right() {
                            let cell = &mut buf[(x, y)];
                            cell.set_char(ch);
                            if let (Some(p), true) = (palette, colour) {
                                cell.set_fg(theme.color(p.fg));
                            }
                        }
                    }
                }
            }
        }
    }
    if caption && area.height >= 2 {
        let text = fit(&sanitize(&art.caption), area.width as usize);
        let x = area.x + (area.width - text_width(&text)) / 2;
        let style = match palette {
            Some(p) if colour => Style::default()
                .fg(theme.color(p.accent))
                .add_modifier(Modifier::ITALIC),
            _ => Style::default().add_modifier(Modifier::ITALIC),
        };
        buf.set_string(x, area.bottom() - 1, text, style);
    }
}

fn text_width(s: &str) -> u16 {
    unicode_width::UnicodeWidthStr::width(s) as u16
}

pub struct Tile<'a> {
    pub title: Option<&'a Title>,
    pub item: &'a Item,
    pub selected: bool,
    pub mark: Option<Mark>,
    /// The Top 10 position, if the tile is in a Top 10 row.
    pub rank: Option<usize>,
    pub theme: &'a Theme,
}

impl Widget for Tile<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < 4 || area.height < 3 {
            return;
        }
        let frame = Rect {
            height: area.height - 1,
            ..area
        };
        let inner = Rect {
            x: frame.x + 1,
            y: frame.y + 1,
            width: frame.width - 2,
            height: frame.height.saturating_sub(2),
        };
        if self.selected {
            Block::default()
                .borders(Borders::ALL)
                .border_type(BorderType::Thick)
                .border_style(self.theme.selected())
                .render(frame, buf);
        }
        if let Some(art) = self.title.and_then(|t| {
            t.artwork
                .iter()
                .find(|a| a.id == self.item.artwork_id)
                .or(t.artwork.first())
        }) {
            draw_artwork(buf, inner, art, self.theme, 1, true);
        }
        // Badges on the frame: movement or rank on the left, exploration on the right.
        let left = match (self.mark, self.rank) {
            (Some(m), _) => Some((
                mark_label(&m),
                if matches!(m, Mark::Down(_)) {
                    self.theme.down()
                } else {
                    self.theme.up()
                },
            )),
            (None, Some(r)) => Some((
                format!("#{r}"),
                self.theme.accent().add_modifier(Modifier::BOLD),
            )),
            _ => None,
        };
        if let Some((label, style)) = left {
            buf.set_string(
                frame.x + 1,
                frame.y,
                format!(" {label} "),
                style.add_modifier(Modifier::REVERSED),
            );
        }
        if self.item.explanation.exploration {
            buf.set_string(
                frame.right().saturating_sub(4),
                frame.y,
                " ✧ ",
                self.theme.accent().add_modifier(Modifier::REVERSED),
            );
        }
        let name_y = area.bottom() - 1;
        let pct = shown_match(self.item.match_pct).map_or(String::new(), |p| format!(" {p}%"));
        let name_w = (area.width as usize).saturating_sub(pct.chars().count() + 1);
        let name_style = if self.selected {
            self.theme.selected()
        } else {
            self.theme.text()
        };
        buf.set_string(
            area.x + 1,
            name_y,
            fit(&sanitize(&self.item.name), name_w),
            name_style,
        );
        if !pct.is_empty() {
            buf.set_string(
                area.right() - pct.chars().count() as u16,
                name_y,
                &pct,
                self.theme.matched(),
            );
        }
    }
}
