//! Drawing artwork and tiles: a palette gradient, a backdrop, the motif
//! placed by the artwork's composition, the caption; a frame when selected;
//! badges for movement, rank and exploration; the rating and a progress bar.

use super::super::app::Mark;
use super::super::msg::mark_label;
use super::super::theme::{ColorMode, Theme};
use super::fit;
use crate::assets;
use crate::catalog::{Artwork, Title};
use crate::rank::{shown_match, Item, Thumb};
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, BorderType, Borders, Widget};

/// How an artwork is composed around its motif, from a hash of its id:
/// the same artwork always looks the same, and two artworks that share a
/// motif are told apart by the backdrop, the side and the mirroring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Composition {
    pub mirrored: bool,
    /// 0 left third, 1 centre, 2 right third.
    pub place: u8,
    pub backdrop: Backdrop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backdrop {
    Plain,
    /// A half-block horizon across the lower third.
    Horizon,
    /// Braille stars scattered over the sky.
    Stars,
    /// Diagonal rain.
    Rain,
    /// A large half-block disc (a sun or a moon) behind the motif.
    Disc,
    /// Shaded bands.
    Bands,
}

const BACKDROPS: [Backdrop; 6] = [
    Backdrop::Plain,
    Backdrop::Horizon,
    Backdrop::Stars,
    Backdrop::Rain,
    Backdrop::Disc,
    Backdrop::Bands,
];

fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

impl Composition {
    pub fn of(art: &Artwork) -> Composition {
        let h = hash(&art.id);
        Composition {
            mirrored: h & 1 == 1,
            place: ((h >> 1) % 3) as u8,
            backdrop: BACKDROPS[((h >> 3) % BACKDROPS.len() as u64) as usize],
        }
    }
}

/// A character as seen in a mirror.
fn mirror(c: char) -> char {
    match c {
        '/' => '\\',
        '\\' => '/',
        '(' => ')',
        ')' => '(',
        '<' => '>',
        '>' => '<',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        other => other,
    }
}

/// What the backdrop puts at (dx, dy) of a `w`×`h` picture: a faint mark,
/// or a shift of the background colour (the horizon and the disc).
enum Paint {
    Mark(char),
    Shade,
}

fn backdrop_at(b: Backdrop, dx: u16, dy: u16, w: u16, h: u16, seed: u64) -> Option<Paint> {
    let cell = hash(&format!("{seed}:{dx}:{dy}"));
    match b {
        Backdrop::Plain => None,
        Backdrop::Horizon => (dy * 3 >= h * 2).then_some(Paint::Shade),
        Backdrop::Stars => cell.is_multiple_of(9).then(|| {
            Paint::Mark(['⠁', '⠂', '⠄', '⡀', '⠈', '⠐', '⠠', '⢀'][(cell >> 8) as usize % 8])
        }),
        Backdrop::Rain => ((dx + 2 * dy) % 7 == (seed % 7) as u16).then_some(Paint::Mark('╱')),
        Backdrop::Disc => {
            // A disc (cells are twice as tall as wide), off to one side.
            let cx = if seed.is_multiple_of(2) {
                w / 4
            } else {
                w - w / 4
            } as f32;
            let cy = h as f32 / 2.5;
            let r = h as f32 / 2.2;
            let (x, y) = (dx as f32 + 0.5 - cx, (dy as f32 + 0.5 - cy) * 2.0);
            (x * x + y * y <= r * r).then_some(Paint::Shade)
        }
        Backdrop::Bands => dy.is_multiple_of(3).then_some(Paint::Shade),
    }
}

/// Paint an artwork variant into `area` at its own size: a palette gradient,
/// a backdrop, the motif placed and mirrored by its composition, the caption.
pub fn draw_artwork(buf: &mut Buffer, area: Rect, art: &Artwork, theme: &Theme, caption: bool) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let palette = assets::palettes().get(&art.palette).copied();
    let motif = assets::motifs().get(&art.motif);
    let colour = theme.mode != ColorMode::None;
    let comp = Composition::of(art);
    let seed = hash(&art.id);
    let text_rows = if caption {
        area.height.saturating_sub(1)
    } else {
        area.height
    };
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
                let bg = mix(p.bg, p.bg2, t);
                cell.set_bg(theme.color(bg));
                if dy < text_rows {
                    // Backdrops are faint: marks a third of the way to the
                    // accent, shades a quarter of the way.
                    match backdrop_at(comp.backdrop, dx, dy, area.width, text_rows, seed) {
                        // A mark this terminal would show in its ground's own colour
                        // (16 colours round faint to equal) is left out, not drawn unseen.
                        Some(Paint::Mark(ch))
                            if theme.color(mix(bg, p.accent, 0.35)) != theme.color(bg) =>
                        {
                            cell.set_char(ch);
                            cell.set_fg(theme.color(mix(bg, p.accent, 0.35)));
                        }
                        Some(Paint::Mark(_)) => {}
                        Some(Paint::Shade) => {
                            cell.set_bg(theme.color(mix(bg, p.accent, 0.25)));
                        }
                        None => {}
                    }
                }
            }
        }
    }
    if let Some(m) = motif {
        let mh = m.lines.len() as u16;
        let mw = m.lines.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u16;
        let top = area.y + text_rows.saturating_sub(mh) / 2;
        let room = area.width.saturating_sub(mw);
        let left = area.x
            + match comp.place {
                0 => room / 4,
                2 => room - room / 4,
                _ => room / 2,
            };
        for (i, line) in m.lines.iter().enumerate() {
            let y = top + i as u16;
            if y >= area.y + text_rows {
                continue;
            }
            // The motif stands on a clear ground: no backdrop marks inside its box.
            for x in left..(left + mw).min(area.right()) {
                buf[(x, y)].set_symbol(" ");
            }
            let chars: Vec<char> = line.chars().collect();
            for j in 0..chars.len() {
                let ch = if comp.mirrored {
                    mirror(chars[chars.len() - 1 - j])
                } else {
                    chars[j]
                };
                if ch == ' ' {
                    continue;
                }
                let x = left + j as u16;
                if x < area.right() {
                    let cell = &mut buf[(x, y)];
                    cell.set_char(ch);
                    if let (Some(p), true) = (palette, colour) {
                        let t = (y - area.y) as f32 / area.height.max(2).saturating_sub(1) as f32;
                        cell.set_fg(theme.ink(p.fg, mix(p.bg, p.bg2, t)));
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
                .fg(theme.ink(p.accent, p.bg2))
                .add_modifier(Modifier::ITALIC),
            _ => Style::default().add_modifier(Modifier::ITALIC),
        };
        // The caption's line is cleared of backdrop first.
        for dx in 0..area.width {
            buf[(area.x + dx, area.bottom() - 1)].set_symbol(" ");
        }
        buf.set_string(x, area.bottom() - 1, text, style);
    }
}

/// The colour `t` of the way from `a` to `b` (the artwork's gradient).
fn mix(a: assets::Rgb, b: assets::Rgb, t: f32) -> assets::Rgb {
    let m = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t.clamp(0.0, 1.0)).round() as u8;
    assets::Rgb(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
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
    /// The viewer's rating of the title, shown before its name.
    pub rating: Option<Thumb>,
    /// How far it is watched (Continue Watching), drawn as a bar on the frame.
    pub progress: Option<f32>,
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
            draw_artwork(buf, inner, art, self.theme, true);
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
        if let Some(p) = self.progress {
            // The watched share as a bar along the artwork's bottom edge.
            let w = frame.width.saturating_sub(2);
            let done = ((p.clamp(0.0, 1.0) * w as f32).round() as u16).min(w);
            let y = frame.bottom() - 1;
            for dx in 0..w {
                let (ch, style) = if dx < done {
                    ("━", self.theme.brand_ink())
                } else {
                    ("─", self.theme.dim())
                };
                buf.set_string(frame.x + 1 + dx, y, ch, style);
            }
        }
        let name_y = area.bottom() - 1;
        let mark = match self.rating {
            Some(Thumb::Up) => "▲ ",
            Some(Thumb::Love) => "♥ ",
            Some(Thumb::Down) => "▼ ",
            None => "",
        };
        let pct = shown_match(self.item.match_pct).map_or(String::new(), |p| format!(" {p}%"));
        let name_w = (area.width as usize).saturating_sub(pct.chars().count() + 1);
        let name_style = if self.selected {
            self.theme.selected()
        } else {
            self.theme.text()
        };
        let mark_w = mark.chars().count();
        if mark_w > 0 {
            buf.set_string(area.x + 1, name_y, mark, self.theme.accent());
        }
        buf.set_string(
            area.x + 1 + mark_w as u16,
            name_y,
            fit(&sanitize(&self.item.name), name_w.saturating_sub(mark_w)),
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
