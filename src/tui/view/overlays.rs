//! Overlays over the home screen: title details, the explain chart, help.

use super::super::app::App;
use super::super::keys::KEYMAP;
use super::super::layout::centred;
use super::super::theme::Theme;
use super::tile::draw_artwork;
use super::{fit, panel};
use crate::catalog::TitleKind;
use crate::rank::shown_match;
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

pub fn detail(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let Some(id) = &app.detail_title else { return };
    let Some(title) = app.title(id) else { return };
    let on_page = app.find_item(id);
    let inner = panel(buf, centred(area, 100, 32), &title.name, theme);
    let art_w = 26.min(inner.width / 3);
    let art = Rect {
        x: inner.x + 1,
        y: inner.y,
        width: art_w,
        height: 11.min(inner.height),
    };
    let artwork = on_page
        .and_then(|(_, i)| title.artwork.iter().find(|a| a.id == i.artwork_id))
        .or(title.artwork.first());
    if let Some(a) = artwork {
        draw_artwork(buf, art, a, theme, 2, true);
    }
    let length = match title.kind {
        TitleKind::Movie => format!("{} min", title.runtime_min),
        TitleKind::Series => format!(
            "{} season(s), {} episodes of ~{} min",
            title.seasons.len(),
            title.episode_count(),
            title.runtime_min
        ),
    };
    let genres: Vec<String> = title
        .genres
        .iter()
        .map(|g| {
            app.catalog
                .genres
                .get(g)
                .map_or(g.clone(), |x| x.name.clone())
        })
        .collect();
    let tags: Vec<String> = title
        .tags
        .iter()
        .map(|t| {
            app.catalog
                .tags
                .get(t)
                .and_then(|x| x.label.clone().or(x.suffix.clone()))
                .unwrap_or(t.clone())
        })
        .collect();
    let mut facts = vec![Span::styled(
        format!(
            "{} · {} · {} · {}/{}",
            title.year, title.maturity, length, title.language, title.country
        ),
        theme.text(),
    )];
    if let Some(p) = on_page.and_then(|(_, item)| shown_match(item.match_pct)) {
        facts.insert(0, Span::styled(format!("{p}% Match  "), theme.matched()));
    }
    let side = vec![
        Line::from(facts),
        Line::from(Span::styled(sanitize(&genres.join(", ")), theme.accent())),
        Line::from(Span::styled(sanitize(&tags.join(" · ")), theme.dim())),
        Line::from(""),
        Line::from(vec![
            Span::styled("Cast: ", theme.dim()),
            Span::styled(sanitize(&title.cast.join(", ")), theme.text()),
        ]),
        Line::from(vec![
            Span::styled(
                if title.kind == TitleKind::Series {
                    "Created by: "
                } else {
                    "Directed by: "
                },
                theme.dim(),
            ),
            Span::styled(sanitize(&title.directors.join(", ")), theme.text()),
        ]),
        Line::from(""),
        Line::from(Span::styled(sanitize(&title.synopsis), theme.text())),
    ];
    let side_area = Rect {
        x: art.right() + 2,
        y: inner.y,
        width: inner.width.saturating_sub(art_w + 3),
        height: 11.min(inner.height),
    };
    Paragraph::new(side)
        .wrap(Wrap { trim: true })
        .render(side_area, buf);
    let mut why = vec![];
    match on_page {
        Some((row, item)) => {
            let e = &item.explanation;
            why.push(Line::from(vec![
                Span::styled("Why this title: ", theme.accent()),
                Span::styled(sanitize(&e.reason), theme.text()),
            ]));
            let top: Vec<String> = e
                .contributions
                .iter()
                .filter(|c| c.feature != "baseline")
                .take(3)
                .map(|c| format!("{} {:+.2}", c.feature, c.value))
                .collect();
            why.push(Line::from(Span::styled(
                format!("   strongest signals: {}", top.join(", ")),
                theme.dim(),
            )));
            if e.exploration {
                why.push(Line::from(Span::styled(
                    "   ✧ an exploratory placement",
                    theme.accent(),
                )));
            }
            if let Some(r) = &e.resume {
                why.push(Line::from(Span::styled(
                    format!("   resume at {r}"),
                    theme.text(),
                )));
            }
            why.push(Line::from(vec![
                Span::styled("Why this row: ", theme.accent()),
                Span::styled(
                    format!("{} — {}", sanitize(&row.title), sanitize(&row.reason)),
                    theme.text(),
                ),
            ]));
            why.push(Line::from(vec![
                Span::styled("Why this artwork: ", theme.accent()),
                Span::styled(sanitize(&e.artwork_reason), theme.text()),
            ]));
        }
        None => {
            let rated_down = app
                .search
                .results
                .iter()
                .any(|r| r.title_id == *id && r.rated_down);
            why.push(Line::from(Span::styled(
                if rated_down {
                    "Not on your home page: you rated it down. y (thumbs up) or L (love) changes that."
                } else {
                    "Not on your home page right now (found by search)."
                },
                theme.dim(),
            )))
        }
    }
    why.push(Line::from(""));
    why.push(Line::from(Span::styled(
        "y thumbs up · n thumbs down · L love · w watch · m My List · x explain · Esc back",
        theme.dim(),
    )));
    let why_area = Rect {
        x: inner.x + 1,
        y: inner.y + 12,
        width: inner.width.saturating_sub(2),
        height: inner.height.saturating_sub(12),
    };
    Paragraph::new(why)
        .wrap(Wrap { trim: true })
        .render(why_area, buf);
}

pub fn explain(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let Some(id) = &app.detail_title else { return };
    let name = app.title(id).map_or(id.clone(), |t| t.name.clone());
    let inner = panel(buf, centred(area, 90, 26), &format!("Why “{name}”"), theme);
    let Some((row, item)) = app.find_item(id) else {
        Paragraph::new("This title is not on the page, so it has no score here.")
            .style(theme.dim())
            .render(inner, buf);
        return;
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("score {:+.3}", item.score), theme.title()),
        Span::styled(format!("   {}% match", item.match_pct), theme.matched()),
        Span::styled("   = sum of the contributions below", theme.dim()),
    ])];
    lines.push(Line::from(""));
    let contributions = &item.explanation.contributions;
    let max = contributions
        .iter()
        .map(|c| c.value.abs())
        .fold(1e-9, f64::max);
    let bar_w = inner.width.saturating_sub(34) as f64 / 2.0;
    for c in contributions {
        let n = ((c.value.abs() / max) * bar_w).round() as usize;
        let (neg, pos) = if c.value < 0.0 {
            ("█".repeat(n), String::new())
        } else {
            (String::new(), "█".repeat(n))
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<20}", c.feature), theme.text()),
            Span::styled(format!("{:>w$}", neg, w = bar_w as usize), theme.down()),
            Span::styled("│", theme.dim()),
            Span::styled(format!("{:<w$}", pos, w = bar_w as usize), theme.up()),
            Span::styled(format!(" {:+.3}", c.value), theme.dim()),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(vec![
        Span::styled("Row: ", theme.accent()),
        Span::styled(
            format!("{} — {}", sanitize(&row.title), sanitize(&row.reason)),
            theme.text(),
        ),
    ]));
    lines.push(Line::from(vec![
        Span::styled("Item: ", theme.accent()),
        Span::styled(sanitize(&item.explanation.reason), theme.text()),
    ]));
    if item.explanation.exploration {
        lines.push(Line::from(Span::styled(
            "✧ Exploration: placed by the bandit, not by score alone.",
            theme.accent(),
        )));
    }
    lines.push(Line::from(vec![
        Span::styled("Artwork: ", theme.accent()),
        Span::styled(sanitize(&item.explanation.artwork_reason), theme.text()),
    ]));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

pub fn help(buf: &mut Buffer, area: Rect, theme: &Theme) {
    let inner = panel(
        buf,
        centred(area, 76, (KEYMAP.len() + 5) as u16),
        "Keys",
        theme,
    );
    let mut lines: Vec<Line> = KEYMAP
        .iter()
        .map(|b| {
            let modes: Vec<String> = b
                .modes
                .iter()
                .map(|m| format!("{m:?}").to_lowercase())
                .collect();
            Line::from(vec![
                Span::styled(format!("{:<11}", b.label), theme.accent()),
                Span::styled(
                    format!("{} ", crate::text::column(b.help, 41)),
                    theme.text(),
                ),
                Span::styled(fit(&modes.join(", "), 20), theme.dim()),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Ctrl-C quits from anywhere. Mouse: wheel scrolls rows, click selects, click again opens.",
        theme.dim(),
    )));
    Paragraph::new(lines).render(inner, buf);
}
