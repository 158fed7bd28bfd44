//! Full-screen panels: loading, search, profiles, context, the config prompt.

use super::super::app::{App, Mode};
use super::super::layout::centred;
use super::super::theme::Theme;
use super::{fit, panel};
use crate::catalog::Device;
use crate::rank::{shown_match, DayKind, TimeOfDay};
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

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

/// Search: the query, a count, and the results. Titles that matched the
/// same person, genre or tag (or the same fields) come as one group under a line naming it; a result's
/// rating shows beside it; after ↓ the keys act on the selected result.
pub fn search(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let inner = panel(
        buf,
        centred(area, 96, area.height.saturating_sub(6)),
        "Search",
        theme,
    );
    let in_list = app.mode == Mode::SearchList;
    let count = match app.search.results.len() {
        _ if app.search.query.is_empty() => String::new(),
        0 => "No matches.".to_string(),
        n => crate::text::count(n as u64, "result", "results"),
    };
    let hint = if in_list {
        "y n L w m rate the selected title · Enter details · ↑ at the top or / the query · Esc back"
    } else {
        "titles, people, genres and tags; words across fields · ↓ the results (rate them there) · Ctrl-U clear · Ctrl-W word · Esc back"
    };
    let mut query = input_line("/ ", &app.search.query, theme);
    if in_list {
        // The cursor belongs to the list now.
        query.spans.pop();
    }
    let mut lines = vec![
        query,
        Line::from(vec![
            Span::styled(format!("{count}  "), theme.title()),
            Span::styled(
                fit(
                    hint,
                    (inner.width as usize).saturating_sub(count.chars().count() + 2),
                ),
                theme.dim(),
            ),
        ]),
        Line::from(""),
    ];
    // Every result's line (and a group's header line), with which result it is.
    let results = &app.search.results;
    let mut body: Vec<(Option<usize>, Line)> = vec![];
    for (i, r) in results.iter().enumerate() {
        let grouped = matches!(r.field, "person" | "genre" | "tag" | "fields");
        let starts_group = grouped
            && (i == 0 || results[i - 1].field != r.field || results[i - 1].matched != r.matched);
        if starts_group {
            let n = results[i..]
                .iter()
                .take_while(|x| x.field == r.field && x.matched == r.matched)
                .count();
            let mut spans = vec![Span::styled("  ", theme.text())];
            spans.extend(highlighted(
                &r.matched,
                &r.positions,
                theme.title(),
                theme,
                false,
            ));
            spans.push(Span::styled(
                format!(
                    "  {} · {}",
                    r.field,
                    crate::text::count(n as u64, "title", "titles")
                ),
                theme.dim(),
            ));
            body.push((None, Line::from(spans)));
        }
        let selected = i == app.search.selected;
        let base = if selected {
            theme.selected_line()
        } else {
            theme.text()
        };
        let mut spans = vec![Span::styled(if selected { "▶ " } else { "  " }, base)];
        if grouped {
            spans.push(Span::styled(
                format!("   {}", fit(&sanitize(&r.name), 48)),
                base,
            ));
        } else {
            // The matched text with the matched characters highlighted.
            spans.extend(highlighted(&r.matched, &r.positions, base, theme, selected));
            if r.field != "title" {
                spans.push(Span::styled(
                    format!("  ({}) → {}", r.field, fit(&sanitize(&r.name), 40)),
                    base,
                ));
            }
        }
        spans.push(Span::styled(format!("  {}", r.year), theme.dim()));
        if let Some(mark) = app.ratings.get(&r.title_id).and_then(|t| match t {
            crate::rank::Thumb::Up => Some("  ▲"),
            crate::rank::Thumb::Love => Some("  ♥"),
            crate::rank::Thumb::Down => None,
        }) {
            spans.push(Span::styled(mark, theme.up()));
        }
        if r.rated_down {
            spans.push(Span::styled("  ▼ you rated it down", theme.warn()));
        } else if let Some(p) = shown_match(r.match_pct) {
            spans.push(Span::styled(format!("  {p}% Match"), theme.matched()));
        }
        body.push((Some(i), Line::from(spans)));
    }
    let room = inner.height.saturating_sub(3) as usize;
    let at = body
        .iter()
        .position(|(i, _)| *i == Some(app.search.selected))
        .unwrap_or(0);
    // Keep the selected line in view, with its group's header when there is room.
    let start = at.saturating_sub(room.saturating_sub(1));
    lines.extend(body.into_iter().skip(start).take(room).map(|(_, l)| l));
    Paragraph::new(lines).render(inner, buf);
}

/// `text` with the characters at `positions` highlighted, on `base`.
fn highlighted(
    text: &str,
    positions: &[usize],
    base: ratatui::style::Style,
    theme: &Theme,
    selected: bool,
) -> Vec<Span<'static>> {
    sanitize(text)
        .chars()
        .enumerate()
        .map(|(k, ch)| {
            let style = if positions.contains(&k) {
                base.patch(theme.search_match(selected))
            } else {
                base
            };
            Span::styled(ch.to_string(), style)
        })
        .collect()
}

/// The profile picker: an avatar (the name's initial on a colour of its own,
/// a star for a kids profile), the name, events, limit and churn risk of
/// each profile, and the selected profile's risk in words (as `marquee
/// profiles` gives them); below them a new profile's name, its handle and
/// its maturity limit.
pub fn profiles(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let form = if app.mode == Mode::NewProfile { 4 } else { 0 };
    let width = 76u16.min(area.width);
    let text_w = width.saturating_sub(4) as usize;
    let risk_lines = if app.mode == Mode::Profiles {
        risk_reasons(app, text_w, theme)
    } else {
        vec![]
    };
    let inner = panel(
        buf,
        centred(
            area,
            width,
            (app.profiles.list.len() + 8 + form + risk_lines.len()) as u16,
        ),
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
        let kids = if p.maturity.is_kids() { "kids" } else { "" };
        let mut spans = vec![
            Span::raw(" "),
            avatar(&p.name, &p.display_name, p.maturity.is_kids(), theme),
            Span::styled(
                format!(
                    " {:<20} {:>12}  {:<6} {:<3} {kids:<4}  ",
                    fit(&sanitize(&p.display_name), 20),
                    crate::text::count(p.events, "event", "events"),
                    p.maturity,
                    p.region
                ),
                style,
            ),
        ];
        if let Some(r) = app.profiles.risks.get(i) {
            spans.push(Span::styled("risk ", theme.dim()));
            spans.push(Span::styled(
                format!("{:<6}", r.level),
                risk_style(r.level, theme),
            ));
        }
        lines.push(Line::from(spans));
    }
    let new_sel = app.profiles.selected == app.profiles.list.len() && app.mode == Mode::Profiles;
    lines.push(Line::from(vec![
        Span::raw(" "),
        Span::styled(
            " + ",
            theme
                .accent()
                .add_modifier(ratatui::style::Modifier::REVERSED),
        ),
        Span::styled(
            " New profile…",
            if new_sel {
                theme.selected_line()
            } else {
                theme.accent()
            },
        ),
    ]));
    lines.push(Line::from(""));
    if app.mode == Mode::NewProfile {
        let typed = &app.profiles.new_name;
        lines.push(input_line(" Name: ", typed, theme));
        let handle = match crate::catalog::profile_handle(typed) {
            _ if typed.trim().is_empty() => {
                Span::styled("any name, as it should be shown", theme.dim())
            }
            Ok(h) => Span::styled(format!("--profile {h}"), theme.text()),
            Err(e) => Span::styled(e, theme.warn()),
        };
        lines.push(Line::from(vec![
            Span::styled(" Handle: ", theme.dim()),
            handle,
        ]));
        let limit = super::super::app::NEW_PROFILE_LIMITS[app.profiles.new_limit];
        lines.push(Line::from(vec![
            Span::styled(" Limit: ", theme.dim()),
            Span::styled(format!("◀ {limit} ▶"), theme.accent()),
            Span::styled(
                if limit.is_kids() {
                    "  a kids profile: only titles rated up to this"
                } else {
                    "  titles rated up to this"
                },
                theme.dim(),
            ),
        ]));
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            " type a name · ←→ limit · Enter create · Esc back",
            theme.dim(),
        )));
        if let Some((msg, true)) = &app.status {
            lines.push(Line::from(Span::styled(
                format!(" {}", sanitize(msg)),
                theme.warn(),
            )));
        }
    } else {
        lines.extend(risk_lines);
        lines.push(Line::from(Span::styled(
            " ↑↓ choose · Enter switch · Esc back",
            theme.dim(),
        )));
    }
    Paragraph::new(lines).render(inner, buf);
}

/// A risk level's colour; the word itself says it without colour.
fn risk_style(level: &str, theme: &Theme) -> ratatui::style::Style {
    match level {
        "high" => theme.warn(),
        "medium" => theme.accent(),
        _ => theme.dim(),
    }
}

/// The selected profile's churn risk in words, wrapped, with a blank line
/// after; nothing on the new-profile line.
fn risk_reasons(app: &App, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let i = app.profiles.selected;
    let (Some(p), Some(r)) = (app.profiles.list.get(i), app.profiles.risks.get(i)) else {
        return vec![];
    };
    let text = format!(
        "{} is at {} risk of leaving: {:.1} % a week — {}",
        sanitize(&p.display_name),
        r.level,
        100.0 * r.weekly_cancel_chance,
        r.reasons.join("; ")
    );
    let mut lines: Vec<Line<'static>> = super::wrap::para(&text, width, theme.text())
        .into_iter()
        .map(|l| {
            let mut spans = vec![Span::raw(" ")];
            spans.extend(l.spans);
            Line::from(spans)
        })
        .collect();
    lines.push(Line::from(""));
    lines
}

/// A profile's avatar: its initial on a colour of its own (from its handle,
/// so it never changes), or a star for a kids profile.
fn avatar(handle: &str, display: &str, kids: bool, theme: &Theme) -> Span<'static> {
    let initial = if kids {
        '★'
    } else {
        sanitize(display)
            .chars()
            .find(|c| c.is_alphanumeric())
            .map_or('?', |c| c.to_uppercase().next().unwrap_or(c))
    };
    let seed = handle
        .bytes()
        .fold(0usize, |h, b| h.wrapping_mul(31) + b as usize);
    Span::styled(format!(" {initial} "), theme.avatar(seed, kids))
}

pub fn context(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let inner = panel(buf, centred(area, 56, 12), "Context", theme);
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
    let day = col(
        c.focus == 1,
        DayKind::ALL
            .iter()
            .map(|d| (d.as_str().to_string(), *d == c.day))
            .collect(),
    );
    let dev = col(
        c.focus == 2,
        Device::ALL
            .iter()
            .map(|d| (d.as_str().to_string(), *d == c.device))
            .collect(),
    );
    let third = inner.width / 3;
    for (k, (heading, lines)) in [("Time of day", tod), ("Day", day), ("Device", dev)]
        .into_iter()
        .enumerate()
    {
        let x = inner.x + third * k as u16;
        let width = if k == 2 { inner.right() - x } else { third };
        Paragraph::new(
            [
                vec![Line::from(Span::styled(heading, theme.title()))],
                lines,
            ]
            .concat(),
        )
        .render(Rect { x, width, ..inner }, buf);
    }
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
pub(super) fn input_line<'a>(label: &'a str, text: &str, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(label, theme.accent()),
        Span::styled(sanitize(text), theme.title()),
        Span::styled("▏", theme.accent()),
    ])
}
