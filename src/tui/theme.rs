//! Colours: one Theme for the whole UI, and the terminal's colour depth.
//! Widgets ask the theme for every colour; none are written inline.

use crate::assets::Rgb;
use ratatui::style::{Color, Modifier, Style};

/// How many colours the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    TrueColor,
    Ansi256,
    Ansi16,
    /// `NO_COLOR` is set: no colour at all, only bold/reverse.
    None,
}

impl ColorMode {
    /// From the environment: `NO_COLOR` wins, then `COLORTERM`, then `TERM`.
    pub fn detect() -> ColorMode {
        let var = |k: &str| std::env::var(k).unwrap_or_default();
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            ColorMode::None
        } else if matches!(var("COLORTERM").as_str(), "truecolor" | "24bit") {
            ColorMode::TrueColor
        } else if var("TERM").contains("256color") {
            ColorMode::Ansi256
        } else {
            ColorMode::Ansi16
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub mode: ColorMode,
    /// The kids palette: a deep blue ground and a sky-blue brand instead of
    /// near-black and red, so a kids profile looks like one.
    pub kids: bool,
}

const BG: Rgb = Rgb(0x10, 0x10, 0x14);
const FG: Rgb = Rgb(0xe8, 0xe6, 0xe3);
const DIM: Rgb = Rgb(0x8a, 0x88, 0x90);
const BRAND: Rgb = Rgb(0xe5, 0x09, 0x14);
const ACCENT: Rgb = Rgb(0xf5, 0xc5, 0x18);
const MATCH: Rgb = Rgb(0x46, 0xd3, 0x69);
const SELECT: Rgb = Rgb(0xff, 0xff, 0xff);
const PANEL: Rgb = Rgb(0x1c, 0x1c, 0x24);
const WARN: Rgb = Rgb(0xff, 0x8a, 0x3d);
const UP: Rgb = Rgb(0x46, 0xd3, 0x69);
const DOWN: Rgb = Rgb(0xff, 0x5c, 0x5c);
/// The experiment's arm B (arm A is the accent).
const ARM_B: Rgb = Rgb(0x3d, 0xd6, 0xe0);
const KIDS_BG: Rgb = Rgb(0x0c, 0x1f, 0x45);
const KIDS_PANEL: Rgb = Rgb(0x16, 0x31, 0x63);
const KIDS_BRAND: Rgb = Rgb(0x1e, 0x9b, 0xf0);

impl Theme {
    pub fn new(mode: ColorMode) -> Theme {
        Theme { mode, kids: false }
    }

    /// The same theme with the kids palette on or off.
    pub fn for_kids(self, kids: bool) -> Theme {
        Theme { kids, ..self }
    }

    /// The nearest colour this terminal can show (artwork palettes).
    pub fn color(&self, c: Rgb) -> Color {
        match self.mode {
            ColorMode::TrueColor => Color::Rgb(c.0, c.1, c.2),
            ColorMode::Ansi256 => Color::Indexed(ansi256(c)),
            ColorMode::Ansi16 => ansi16(c),
            ColorMode::None => Color::Reset,
        }
    }

    /// A UI colour: in 16 colours picked by hand (as bottom and gitui do),
    /// since the nearest basic colour can turn green grey or red into red on red.
    fn ui(&self, c: Rgb) -> Color {
        if self.kids {
            let kids = match (c, self.mode) {
                (BG, ColorMode::Ansi16) | (PANEL, ColorMode::Ansi16) => Some(Color::Blue),
                (BRAND, ColorMode::Ansi16) => Some(Color::LightBlue),
                (DIM, ColorMode::Ansi16) => Some(Color::Cyan),
                (BG, _) => Some(self.color(KIDS_BG)),
                (PANEL, _) => Some(self.color(KIDS_PANEL)),
                (BRAND, _) => Some(self.color(KIDS_BRAND)),
                _ => None,
            };
            if let Some(k) = kids {
                return k;
            }
        }
        if self.mode != ColorMode::Ansi16 {
            return self.color(c);
        }
        match c {
            BG | PANEL => Color::Black,
            FG => Color::Gray,
            DIM => Color::DarkGray,
            BRAND => Color::Red,
            ACCENT => Color::Yellow,
            MATCH => Color::LightGreen, // also UP, the same green
            SELECT => Color::White,
            WARN => Color::LightYellow,
            DOWN => Color::LightRed,
            ARM_B => Color::LightCyan,
            other => ansi16(other),
        }
    }

    /// Ink for text drawn on an artwork background `bg`: the palette's `fg`,
    /// unless this terminal would show both as one colour; then black or white.
    pub fn ink(&self, fg: Rgb, bg: Rgb) -> Color {
        let (f, b) = (self.color(fg), self.color(bg));
        if f != b {
            return f;
        }
        let light = bg.0 as u32 * 299 + bg.1 as u32 * 587 + bg.2 as u32 * 114 > 128_000;
        match (self.mode, light) {
            (ColorMode::Ansi16, true) => Color::Black,
            (ColorMode::Ansi16, false) => Color::White,
            (_, true) => self.color(Rgb(0, 0, 0)),
            (_, false) => self.color(Rgb(255, 255, 255)),
        }
    }

    fn fg(&self, c: Rgb) -> Style {
        Style::default().fg(self.ui(c))
    }

    pub fn base(&self) -> Style {
        match self.mode {
            ColorMode::None => Style::default(),
            _ => Style::default().fg(self.ui(FG)).bg(self.ui(BG)),
        }
    }
    pub fn panel(&self) -> Style {
        match self.mode {
            ColorMode::None => Style::default(),
            _ => Style::default().fg(self.ui(FG)).bg(self.ui(PANEL)),
        }
    }
    pub fn text(&self) -> Style {
        self.fg(FG)
    }
    pub fn dim(&self) -> Style {
        self.fg(DIM)
    }
    pub fn title(&self) -> Style {
        self.fg(FG).add_modifier(Modifier::BOLD)
    }
    pub fn brand(&self) -> Style {
        match self.mode {
            ColorMode::None => Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED),
            _ => Style::default()
                .fg(self.ui(SELECT))
                .bg(self.ui(BRAND))
                .add_modifier(Modifier::BOLD),
        }
    }
    /// The brand colour as ink (progress bars).
    pub fn brand_ink(&self) -> Style {
        match self.mode {
            ColorMode::None => Style::default().add_modifier(Modifier::BOLD),
            _ => self.fg(BRAND),
        }
    }
    pub fn accent(&self) -> Style {
        self.fg(ACCENT)
    }
    pub fn matched(&self) -> Style {
        self.fg(MATCH).add_modifier(Modifier::BOLD)
    }
    pub fn warn(&self) -> Style {
        self.fg(WARN).add_modifier(Modifier::BOLD)
    }
    pub fn up(&self) -> Style {
        self.fg(UP).add_modifier(Modifier::BOLD)
    }
    pub fn down(&self) -> Style {
        self.fg(DOWN).add_modifier(Modifier::BOLD)
    }
    /// An experiment arm's curve and numbers: A in the accent, B in cyan
    /// (with no colour, A is bold; the chart's marks tell them apart too).
    pub fn arm(&self, b: bool) -> Style {
        match (self.mode, b) {
            (ColorMode::None, false) => Style::default().add_modifier(Modifier::BOLD),
            (ColorMode::None, true) => Style::default(),
            (_, false) => self.fg(ACCENT),
            (_, true) => self.fg(ARM_B),
        }
    }
    /// The frame around the selected tile or line.
    pub fn selected(&self) -> Style {
        match self.mode {
            ColorMode::None => Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED),
            _ => Style::default()
                .fg(self.ui(SELECT))
                .add_modifier(Modifier::BOLD),
        }
    }
    /// A highlighted line in a list.
    pub fn selected_line(&self) -> Style {
        match self.mode {
            ColorMode::None => Style::default().add_modifier(Modifier::REVERSED),
            _ => Style::default()
                .fg(self.ui(BG))
                .bg(self.ui(ACCENT))
                .add_modifier(Modifier::BOLD),
        }
    }
    /// Matched characters of a search result, readable on the selection bar
    /// as well as off it: off it the accent colour, on it the bar's own ink
    /// on the text colour (never accent on accent); underlined either way.
    pub fn search_match(&self, on_selection: bool) -> Style {
        let style = match (self.mode, on_selection) {
            (ColorMode::None, true) => Style::default().remove_modifier(Modifier::REVERSED),
            (ColorMode::None, false) => Style::default().add_modifier(Modifier::REVERSED),
            (_, true) => Style::default().fg(self.ui(SELECT)).bg(self.ui(BG)),
            (_, false) => Style::default().fg(self.ui(ACCENT)),
        };
        style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    /// A profile avatar: one of a few bright backgrounds (`seed` picks it), dark ink.
    pub fn avatar(&self, seed: usize, kids: bool) -> Style {
        const AVATARS: [Rgb; 6] = [
            Rgb(0xe5, 0x09, 0x14),
            Rgb(0x1e, 0x90, 0xff),
            Rgb(0x46, 0xd3, 0x69),
            Rgb(0xf5, 0xc5, 0x18),
            Rgb(0xb0, 0x5c, 0xff),
            Rgb(0xff, 0x8a, 0x3d),
        ];
        const AVATARS_16: [Color; 6] = [
            Color::Red,
            Color::Blue,
            Color::Green,
            Color::Yellow,
            Color::Magenta,
            Color::Cyan,
        ];
        let bold = Style::default().add_modifier(Modifier::BOLD);
        let i = if kids { 3 } else { seed % AVATARS.len() };
        match self.mode {
            ColorMode::None => bold.add_modifier(Modifier::REVERSED),
            ColorMode::Ansi16 => bold.fg(Color::Black).bg(AVATARS_16[i]),
            _ => bold.fg(self.color(BG)).bg(self.color(AVATARS[i])),
        }
    }
    /// A palette colour (artwork), with a mix from `a` to `b` at `t` in 0–1.
    pub fn blend(&self, a: Rgb, b: Rgb, t: f32) -> Color {
        let mix = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round() as u8;
        self.color(Rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2)))
    }
}

/// xterm-256: the 6×6×6 cube or the grey ramp, whichever is nearer.
fn ansi256(c: Rgb) -> u8 {
    let level = |v: u8| {
        if v < 48 {
            0
        } else if v < 115 {
            1
        } else {
            (v as u16 - 35) as u8 / 40
        }
    };
    let (r, g, b) = (level(c.0), level(c.1), level(c.2));
    let cube = 16 + 36 * r + 6 * g + b;
    let steps = [0u8, 95, 135, 175, 215, 255];
    let cube_rgb = (steps[r as usize], steps[g as usize], steps[b as usize]);
    let avg = (c.0 as u16 + c.1 as u16 + c.2 as u16) / 3;
    let grey_idx = if avg > 238 {
        23
    } else {
        avg.saturating_sub(8) / 10
    } as u8;
    let grey = 8 + 10 * grey_idx as u16;
    let d = |x: (u16, u16, u16)| {
        let dx = |a: u16, b: u8| (a as i32 - b as i32).pow(2);
        dx(x.0, c.0) + dx(x.1, c.1) + dx(x.2, c.2)
    };
    if d((grey, grey, grey)) < d((cube_rgb.0 as u16, cube_rgb.1 as u16, cube_rgb.2 as u16)) {
        232 + grey_idx
    } else {
        cube
    }
}

/// The nearest of the 16 basic colours.
fn ansi16(c: Rgb) -> Color {
    const TABLE: [(Color, (i32, i32, i32)); 16] = [
        (Color::Black, (0, 0, 0)),
        (Color::Red, (205, 0, 0)),
        (Color::Green, (0, 205, 0)),
        (Color::Yellow, (205, 205, 0)),
        (Color::Blue, (0, 0, 238)),
        (Color::Magenta, (205, 0, 205)),
        (Color::Cyan, (0, 205, 205)),
        (Color::Gray, (229, 229, 229)),
        (Color::DarkGray, (127, 127, 127)),
        (Color::LightRed, (255, 0, 0)),
        (Color::LightGreen, (0, 255, 0)),
        (Color::LightYellow, (255, 255, 0)),
        (Color::LightBlue, (92, 92, 255)),
        (Color::LightMagenta, (255, 0, 255)),
        (Color::LightCyan, (0, 255, 255)),
        (Color::White, (255, 255, 255)),
    ];
    let (r, g, b) = (c.0 as i32, c.1 as i32, c.2 as i32);
    TABLE
        .iter()
        .min_by_key(|(_, (x, y, z))| (x - r).pow(2) + (y - g).pow(2) + (z - b).pow(2))
        .map(|x| x.0)
        .unwrap_or(Color::Reset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_degrade_with_the_terminal() {
        let red = Rgb(0xe5, 0x09, 0x14);
        assert_eq!(
            Theme::new(ColorMode::TrueColor).color(red),
            Color::Rgb(0xe5, 0x09, 0x14)
        );
        assert_eq!(
            Theme::new(ColorMode::Ansi256).color(red),
            Color::Indexed(160)
        );
        assert_eq!(Theme::new(ColorMode::Ansi16).color(red), Color::Red);
        assert_eq!(Theme::new(ColorMode::None).color(red), Color::Reset);
        assert_eq!(
            Theme::new(ColorMode::Ansi256).color(Rgb(128, 128, 128)),
            Color::Indexed(244)
        );
    }

    #[test]
    fn sixteen_colours_keep_match_green_and_badges_readable() {
        let t = Theme::new(ColorMode::Ansi16);
        assert_eq!(t.matched().fg, Some(Color::LightGreen));
        assert_eq!(t.up().fg, Some(Color::LightGreen));
        assert_eq!(t.down().fg, Some(Color::LightRed));
        assert_eq!(t.dim().fg, Some(Color::DarkGray));
        assert_ne!(
            t.matched().fg,
            t.dim().fg,
            "a % Match must not look disabled"
        );
        assert_ne!(t.brand().fg, t.brand().bg);
    }

    #[test]
    fn ink_on_artwork_is_never_the_background_colour() {
        let red = Rgb(0xc0, 0x10, 0x10);
        let dark_red = Rgb(0xa0, 0x20, 0x20);
        for mode in [ColorMode::TrueColor, ColorMode::Ansi256, ColorMode::Ansi16] {
            let t = Theme::new(mode);
            assert_ne!(t.ink(red, dark_red), t.color(dark_red), "{mode:?}");
        }
    }

    #[test]
    fn search_matches_stay_visible_on_the_selection_bar() {
        for mode in [ColorMode::TrueColor, ColorMode::Ansi256, ColorMode::Ansi16] {
            let t = Theme::new(mode);
            let bar = t.selected_line();
            let on = bar.patch(t.search_match(true));
            assert_ne!(
                on.fg, bar.bg,
                "{mode:?}: the match is drawn in the bar's colour"
            );
            assert_ne!(on.fg, on.bg, "{mode:?}");
            let off = t.text().patch(t.search_match(false));
            assert_ne!(
                off.fg,
                t.text().fg,
                "{mode:?}: off the bar a match stands out"
            );
        }
        let plain = Theme::new(ColorMode::None);
        let on = plain.selected_line().patch(plain.search_match(true));
        assert!(on
            .add_modifier
            .contains(Modifier::UNDERLINED | Modifier::BOLD));
    }
}
