//! Full-screen panels: loading, search, profiles, onboarding, context.

use super::super::app::{App, Mode};
use super::super::layout::{centred, ONBOARDING_COLUMNS};
use super::super::theme::Theme;
use super::{fit, panel};
use crate::catalog::Device;
use crate::rank::{shown_match, TimeOfDay};
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

pub fn loading(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let inner = panel(buf, centred(area, 64, 7), "Marquee", theme);
    let lines = vec![
        Line::from(""),
        Line::from(Span::styled(sanitize(&app.loading), theme.text())),
        Line::from(""),
        Line::from(Span::styled("Ctrl-C to cancel", theme.dim())),
    ];
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .render(inner, buf);
}

pub fn search(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let inner = panel(
        buf,
        centred(area, 96, area.height.saturating_sub(6)),
        "Search",
        theme,
    );
    let count = match app.search.results.len() {
        _ if app.search.query.is_empty() => String::new(),
        0 => "No matches.".to_string(),
        1 => "1 result".to_string(),
        n => format!("{n} results"),
    };
    let mut lines = vec![
        input_line("/ ", &app.search.query, theme),
        Line::from(vec![
            Span::styled(format!("{count}  "), theme.title()),
            Span::styled(
                fit(
                    "titles, people, genres and tags; by match and your taste · ↑↓ choose · Enter details · Ctrl-U clear · Ctrl-W word · Esc back",
                    (inner.width as usize).saturating_sub(count.chars().count() + 2),
                ),
                theme.dim(),
            ),
        ]),
        Line::from(""),
    ];
    let room = inner.height.saturating_sub(3) as usize;
    let start = app.search.selected.saturating_sub(room.saturating_sub(1));
    for (i, r) in app.search.results.iter().enumerate().skip(start).take(room) {
        let selected = i == app.search.selected;
        let base = if selected {
            theme.selected_line()
        } else {
            theme.text()
        };
        let mut spans = vec![Span::styled(if selected { "▶ " } else { "  " }, base)];
        // The matched text with the matched characters highlighted.
        let matched = sanitize(&r.matched);
        for (k, ch) in matched.chars().enumerate() {
            let style = if r.positions.contains(&k) {
                base.patch(theme.search_match(selected))
            } else {
                base
            };
            spans.push(Span::styled(ch.to_string(), style));
        }
        if r.field != "title" {
            spans.push(Span::styled(
                format!("  ({}) → {}", r.field, fit(&sanitize(&r.name), 40)),
                base,
            ));
        }
        spans.push(Span::styled(format!("  {}", r.year), theme.dim()));
        if r.rated_down {
            spans.push(Span::styled("  you rated it down", theme.warn()));
        } else if let Some(p) = shown_match(r.match_pct) {
            spans.push(Span::styled(format!("  {p}% Match"), theme.matched()));
        }
        lines.push(Line::from(spans));
    }
    Paragraph::new(lines).render(inner, buf);
}

pub fn profiles(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let inner = panel(
        buf,
        centred(area, 64, (app.profiles.list.len() + 8) as u16),
        "Who's watching?",
        theme,
    );
    let mut lines = vec![];
    for (i, p) in app.profiles.list.iter().enumerate() {
        let style = if i == app.profiles.selected && app.mode == Mode::Profiles {
            theme.selected_line()
        } else {
            theme.text()
        };
        let kids = if p.maturity.is_kids() { "  kids" } else { "" };
        lines.push(Line::from(Span::styled(
            format!(
                " {:<20} {:>6} events  {:<6} {}{kids}",
                fit(&sanitize(&p.display_name), 20),
                p.events,
                p.maturity,
                p.region
            ),
            style,
        )));
    }
    let new_sel = app.profiles.selected == app.profiles.list.len() && app.mode == Mode::Profiles;
    lines.push(Line::from(Span::styled(
        " + New profile…",
        if new_sel {
            theme.selected_line()
        } else {
            theme.accent()
        },
    )));
    lines.push(Line::from(""));
    if app.mode == Mode::NewProfile {
        lines.push(input_line(" Name: ", &app.profiles.new_name, theme));
        lines.push(Line::from(Span::styled(
            " lowercase letters, digits, - and _ · Enter create · Esc back",
            theme.dim(),
        )));
    } else {
        lines.push(Line::from(Span::styled(
            " ↑↓ choose · Enter switch · Esc back",
            theme.dim(),
        )));
    }
    Paragraph::new(lines).render(inner, buf);
}

pub fn onboarding(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    // A screen of its own: blank the home page between the header and the
    // footer so none of it shows around the panel.
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(2),
        ..area
    };
    Clear.render(body, buf);
    Block::default().style(theme.base()).render(body, buf);
    let inner = panel(
        buf,
        Rect {
            x: area.x + 2,
            width: area.width.saturating_sub(4),
            ..body
        },
        "Welcome! Pick 3 or more titles you like",
        theme,
    );
    let o = &app.onboarding;
    let mut lines = vec![
        Line::from(Span::styled(format!("Chosen to span the catalog's tastes. ←↑↓→ move · Space pick · Enter done ({} picked)", o.picked.len()), theme.dim())),
        Line::from(""),
    ];
    let col_w = (inner.width as usize / ONBOARDING_COLUMNS).max(10);
    for chunk_start in (0..o.offered.len()).step_by(ONBOARDING_COLUMNS) {
        let mut spans = vec![];
        for i in chunk_start..(chunk_start + ONBOARDING_COLUMNS).min(o.offered.len()) {
            let id = &o.offered[i];
            let t = app.title(id);
            let name = t.map_or(id.clone(), |t| {
                format!("{} ({})", sanitize(&t.name), t.year)
            });
            let genre = t
                .and_then(|t| t.genres.first())
                .and_then(|g| app.catalog.genres.get(g))
                .map_or(String::new(), |g| g.name.clone());
            let mark = if o.picked.contains(id) {
                "[✓] "
            } else {
                "[ ] "
            };
            let style = if i == o.selected {
                theme.selected_line()
            } else if o.picked.contains(id) {
                theme.matched()
            } else {
                theme.text()
            };
            spans.push(Span::styled(
                fit(&format!("{mark}{name} · {genre}"), col_w - 1),
                style,
            ));
            spans.push(Span::raw(" ".repeat(col_w.saturating_sub(
                unicode_width::UnicodeWidthStr::width(
                    fit(&format!("{mark}{name} · {genre}"), col_w - 1).as_str(),
                ),
            ))));
        }
        lines.push(Line::from(spans));
    }
    if let Some((msg, true)) = &app.status {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(sanitize(msg), theme.warn())));
    }
    Paragraph::new(lines).render(inner, buf);
}

pub fn context(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let inner = panel(buf, centred(area, 52, 12), "Context", theme);
    let c = &app.context;
    let col = |focus: bool, items: Vec<(String, bool)>| -> Vec<Line<'static>> {
        items
            .into_iter()
            .map(|(s, on)| {
                let style = if on && focus {
                    theme.selected_line()
                } else if on {
                    theme.accent()
                } else {
                    theme.text()
                };
                Line::from(Span::styled(
                    format!(" {} {s}", if on { "●" } else { "○" }),
                    style,
                ))
            })
            .collect()
    };
    let tod = col(
        c.focus == 0,
        TimeOfDay::ALL
            .iter()
            .map(|t| (t.as_str().to_string(), *t == c.time_of_day))
            .collect(),
    );
    let dev = col(
        c.focus == 1,
        Device::ALL
            .iter()
            .map(|d| (d.as_str().to_string(), *d == c.device))
            .collect(),
    );
    let half = inner.width / 2;
    Paragraph::new(
        [
            vec![Line::from(Span::styled("Time of day", theme.title()))],
            tod,
        ]
        .concat(),
    )
    .render(
        Rect {
            width: half,
            ..inner
        },
        buf,
    );
    Paragraph::new([vec![Line::from(Span::styled("Device", theme.title()))], dev].concat()).render(
        Rect {
            x: inner.x + half,
            width: half,
            ..inner
        },
        buf,
    );
    let hint = Rect {
        y: inner.bottom().saturating_sub(1),
        height: 1,
        ..inner
    };
    Paragraph::new(Span::styled(
        " ←→ switch · ↑↓ change · Enter re-rank · Esc back",
        theme.dim(),
    ))
    .render(hint, buf);
}

/// The prompt for a second config to compare with (`B`): the path typed
/// (kept after an error), Tab's candidates, and the last error in full.
pub fn pick_config(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let w = 96.min(area.width);
    let text_w = w.saturating_sub(4) as usize;
    let mut lines = vec![
        input_line(" File: ", &app.config_input, theme),
        Line::from(Span::styled(
            fit(
                " a JSON config like sample-catalog/ranker.json · Tab completes · ~ is home · Enter compare · Esc back",
                text_w,
            ),
            theme.dim(),
        )),
    ];
    if !app.completions.is_empty() {
        lines.push(Line::from(""));
        lines.extend(super::wrap::para(
            &app.completions.join("  "),
            text_w,
            theme.text(),
        ));
    }
    if let Some(e) = &app.config_error {
        lines.push(Line::from(""));
        lines.extend(super::wrap::para(&sanitize(e), text_w, theme.warn()));
    }
    let h = (lines.len() as u16 + 2).min(area.height);
    let inner = panel(
        buf,
        centred(area, w, h),
        "Compare with a ranker config",
        theme,
    );
    Paragraph::new(lines).render(inner, buf);
}

/// A text field being typed: its label, the text so far and a cursor.
fn input_line<'a>(label: &'a str, text: &str, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(label, theme.accent()),
        Span::styled(sanitize(text), theme.title()),
        Span::styled("▏", theme.accent()),
    ])
}
