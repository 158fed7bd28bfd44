//! "For you this week" (`f`): the profile's digest as a list, each line
//! with its reason and the artwork the page chose, the selected line's
//! artwork drawn beside the list when there is room. What the lines hold
//! (and that none is above the profile's limit) is `rank::digest`'s job.

use super::super::app::App;
use super::super::layout::centred;
use super::super::theme::Theme;
use super::tile::draw_artwork;
use super::wrap::para;
use super::{fit, panel};
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

/// The artwork beside the list, and the narrowest list that leaves room for it.
const ART_W: u16 = 24;
const ART_H: u16 = 9;
const LIST_MIN_W: u16 = 44;

pub fn draw(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let digest = app.digest.digest.as_ref();
    let title = digest.map_or("For you this week".to_string(), |d| d.headline.clone());
    let n = digest.map_or(0, |d| d.lines.len()) as u16;
    let rect = centred(
        area,
        100,
        (n * 3 + 6)
            .max(ART_H + 5)
            .min(area.height.saturating_sub(2)),
    );
    let inner = panel(buf, rect, &title, theme);
    if inner.height < 3 {
        return;
    }
    let with_art = inner.width >= LIST_MIN_W + ART_W + 3;
    let list_w = if with_art {
        inner.width - ART_W - 3
    } else {
        inner.width.saturating_sub(1)
    };
    let w = list_w.saturating_sub(1) as usize;
    let mut lines: Vec<Line> = vec![];
    match digest {
        None => lines.push(Line::from(Span::styled(
            "Composing your message …",
            theme.dim(),
        ))),
        Some(d) => {
            let count = crate::text::count(d.lines.len() as u64, "line", "lines");
            lines.push(Line::from(Span::styled(
                fit(&format!("{} · {count}", d.date), w),
                theme.dim(),
            )));
            lines.push(Line::from(""));
            if d.lines.is_empty() {
                lines.extend(para(
                    "Nothing new for you this week: rate or watch a few titles and it fills in.",
                    w,
                    theme.dim(),
                ));
            }
            for (i, l) in d.lines.iter().enumerate() {
                let selected = i == app.digest.selected;
                let style = if selected {
                    theme.selected_line()
                } else {
                    theme.title()
                };
                lines.push(Line::from(vec![
                    Span::styled(if selected { "▶ " } else { "  " }, style),
                    Span::styled(fit(&sanitize(&l.name), w.saturating_sub(2)), style),
                ]));
                let artwork = app
                    .title(&l.title_id)
                    .and_then(|t| t.artwork.iter().find(|a| a.id == l.artwork_id))
                    .map(|a| format!(" · {} artwork", a.theme.as_str()))
                    .unwrap_or_default();
                for r in para(
                    &format!("{}{artwork}", sanitize(&l.reason)),
                    w.saturating_sub(4),
                    theme.text(),
                ) {
                    let mut spans = vec![Span::raw("    ")];
                    spans.extend(r.spans);
                    lines.push(Line::from(spans));
                }
            }
        }
    }
    // Keep the selected line in view on a short terminal.
    let body_h = inner.height.saturating_sub(1);
    let at = lines
        .iter()
        .position(|l| l.spans.first().is_some_and(|s| s.content == "▶ "))
        .unwrap_or(0);
    let skip = (at + 2).saturating_sub(body_h as usize);
    let body = Rect::new(inner.x + 1, inner.y, list_w, body_h);
    Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).render(body, buf);
    if with_art {
        let art = digest
            .and_then(|d| d.lines.get(app.digest.selected))
            .and_then(|l| {
                app.title(&l.title_id)
                    .and_then(|t| t.artwork.iter().find(|a| a.id == l.artwork_id))
            });
        if let Some(a) = art {
            let r = Rect::new(
                inner.right() - ART_W - 1,
                inner.y + 2,
                ART_W,
                ART_H.min(body_h.saturating_sub(2)),
            );
            draw_artwork(buf, r, a, theme, true);
        }
    }
    let keys = Rect::new(
        inner.x + 1,
        inner.bottom() - 1,
        inner.width.saturating_sub(2),
        1,
    );
    Paragraph::new(Span::styled(
        fit("↑↓ choose · Enter details · Esc back", keys.width as usize),
        theme.dim(),
    ))
    .render(keys, buf);
}
