//! "For you this week": a personalized message composed from the profile's
//! page and its history: episodes and seasons not yet seen of series it
//! finished a season of or loved, new titles (added in the last 60 days) in
//! its micro-genre rows, and the first pick of each "Because you watched"
//! row. Each line has its reason and its artwork (the one the page chose
//! for this profile). No line, and no reason, names a title above the
//! profile's maturity limit. `generic` is the message everyone gets (the
//! most-watched titles), for comparing in the win-back simulation.

use super::page::{Page, RowKind};
use super::profile::ProfileState;
use crate::catalog::TitleKind;
use crate::rank::features::freshness;
use crate::rank::Model;
use serde::Serialize;

/// Lines of each part, at most.
pub const NEW_EPISODE_LINES: usize = 2;
pub const MICRO_GENRE_LINES: usize = 2;
pub const BECAUSE_LINES: usize = 3;
/// Lines of a message, at most.
pub const DIGEST_LINES: usize = 7;

/// One line of the message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DigestLine {
    /// `new_episodes`, `new_in_micro_genre`, `because_you_watched`, `top_pick` or `popular`.
    pub kind: &'static str,
    pub title_id: String,
    pub name: String,
    pub artwork_id: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Digest {
    pub profile: String,
    /// The day the message is for (the context's "now").
    pub date: String,
    pub headline: String,
    pub lines: Vec<DigestLine>,
}

/// The personalized message of `profile` on the day of `page` (its page, built for now).
pub fn compose(model: &Model, profile: &ProfileState, page: &Page) -> Digest {
    let allowed = |t: usize| profile.maturity.allows(model.titles[t].maturity);
    let artwork = |t: usize| -> String {
        let id = &model.titles[t].id;
        page.rows
            .iter()
            .flat_map(|r| &r.items)
            .find(|i| &i.title_id == id)
            .map(|i| i.artwork_id.clone())
            .or_else(|| profile.titles.get(&t).and_then(|s| s.artwork_id.clone()))
            .or_else(|| model.titles[t].artwork.first().map(|a| a.id.clone()))
            .unwrap_or_default()
    };
    let mut lines: Vec<DigestLine> = vec![];
    let push = |lines: &mut Vec<DigestLine>, kind, t: usize, reason: String| {
        let id = &model.titles[t].id;
        if allowed(t) && !lines.iter().any(|l| &l.title_id == id) {
            lines.push(DigestLine {
                kind,
                title_id: id.clone(),
                name: model.titles[t].name.clone(),
                artwork_id: artwork(t),
                reason,
            });
        }
    };
    for (t, reason) in new_episodes(model, profile)
        .into_iter()
        .take(NEW_EPISODE_LINES)
    {
        push(&mut lines, "new_episodes", t, reason);
    }
    let now = page.context.now_unix();
    let before = lines.len();
    for row in page.rows.iter().filter(|r| r.kind == RowKind::MicroGenre) {
        for item in &row.items {
            let Some(t) = model.title_index(&item.title_id) else {
                continue;
            };
            if lines.len() - before < MICRO_GENRE_LINES && freshness(model.added[t], now) > 0.0 {
                push(
                    &mut lines,
                    "new_in_micro_genre",
                    t,
                    format!("New in {}", row.title),
                );
            }
        }
    }
    let before = lines.len();
    for row in page
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::BecauseYouWatched)
    {
        let anchor = row
            .items
            .first()
            .and_then(|i| i.explanation.anchor.as_deref());
        let Some(a) = anchor
            .and_then(|a| model.title_index(a))
            .filter(|&a| allowed(a))
        else {
            continue;
        };
        let pick = row
            .items
            .iter()
            .filter_map(|i| model.title_index(&i.title_id))
            .find(|&t| allowed(t) && !lines.iter().any(|l| l.title_id == model.titles[t].id));
        if let (Some(t), true) = (pick, lines.len() - before < BECAUSE_LINES) {
            let reason = format!("Because you watched {}", model.titles[a].name);
            push(&mut lines, "because_you_watched", t, reason);
        }
    }
    if lines.is_empty() {
        // Nothing of its own yet (a new profile): its top picks stand in.
        let picks = page
            .rows
            .iter()
            .find(|r| r.kind == RowKind::TopPicks)
            .or(page.rows.first());
        for item in picks.into_iter().flat_map(|r| &r.items).take(BECAUSE_LINES) {
            if let Some(t) = model.title_index(&item.title_id) {
                push(&mut lines, "top_pick", t, item.explanation.reason.clone());
            }
        }
    }
    lines.truncate(DIGEST_LINES);
    Digest {
        profile: profile.name.clone(),
        date: page.context.now.format("%Y-%m-%d").to_string(),
        headline: format!("For you this week, {}", profile.display_name),
        lines,
    }
}

/// Series the profile finished a season of or loved, with an episode it has
/// not seen after the last one it watched; newest activity first.
fn new_episodes(model: &Model, profile: &ProfileState) -> Vec<(usize, String)> {
    let mut found: Vec<(i64, usize, String)> = vec![];
    for (&t, s) in &profile.titles {
        let title = &model.titles[t];
        if title.kind != TitleKind::Series || s.eng.down {
            continue;
        }
        let Some((season, episode)) = s.episode else {
            continue;
        };
        let finished_episode = s.progress >= 0.9;
        let Some((ns, ne)) = title.next_episode(season, episode) else {
            continue;
        };
        let finished_season = finished_episode && ns != season;
        if !(finished_season || s.eng.love) {
            continue;
        }
        let left: usize = title
            .seasons
            .iter()
            .filter(|x| x.number >= ns)
            .map(|x| x.episodes.len())
            .sum::<usize>()
            - (ne as usize - 1);
        let reason = if finished_season {
            format!("Season {ns} is waiting: you finished season {season}")
        } else {
            format!("You loved it: {left} episodes you have not seen, from S{ns}:E{ne}")
        };
        found.push((s.last_at(), t, reason));
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found.into_iter().map(|(_, t, r)| (t, r)).collect()
}

/// The message everyone gets: the most-watched titles the profile may see.
pub fn generic(model: &Model, profile: &ProfileState, date: &str) -> Digest {
    let popularity = &model.trained.signals.popularity;
    let mut ids: Vec<usize> = (0..model.titles.len())
        .filter(|&t| profile.maturity.allows(model.titles[t].maturity))
        .collect();
    ids.sort_by(|&a, &b| popularity[b].total_cmp(&popularity[a]).then(a.cmp(&b)));
    let lines = ids
        .into_iter()
        .take(DIGEST_LINES)
        .map(|t| DigestLine {
            kind: "popular",
            title_id: model.titles[t].id.clone(),
            name: model.titles[t].name.clone(),
            artwork_id: model.titles[t]
                .artwork
                .first()
                .map(|a| a.id.clone())
                .unwrap_or_default(),
            reason: "One of the most watched on Marquee".into(),
        })
        .collect();
    Digest {
        profile: profile.name.clone(),
        date: date.to_string(),
        headline: "This week on Marquee".into(),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Maturity;
    use crate::testkit::tiny_session;

    #[test]
    fn a_digest_has_reasons_and_artwork_and_nothing_above_the_limit() {
        for name in ["mia", "kit", "new"] {
            let s = tiny_session(name);
            let d = compose(s.model(), s.profile(), &s.page());
            assert!(!d.lines.is_empty(), "{name}: {d:?}");
            let limit = s.profile().maturity;
            let above: Vec<&str> = s
                .model()
                .titles
                .iter()
                .filter(|t| !limit.allows(t.maturity))
                .map(|t| t.name.as_str())
                .collect();
            for l in &d.lines {
                assert!(!l.reason.is_empty() && !l.artwork_id.is_empty(), "{l:?}");
                let t = s.model().title_index(&l.title_id).unwrap();
                assert!(limit.allows(s.model().titles[t].maturity), "{name}: {l:?}");
                for n in &above {
                    assert!(!l.reason.contains(n), "{name}: {l:?} names {n}");
                }
            }
        }
    }

    #[test]
    fn a_loved_series_with_episodes_left_leads_the_digest() {
        let s = tiny_session("mia");
        let model = s.model();
        let mut profile = s.profile().clone();
        let series = (0..model.titles.len())
            .find(|&t| {
                model.titles[t].kind == TitleKind::Series
                    && model.titles[t].episode_count() > 1
                    && Maturity::Tv14.allows(model.titles[t].maturity)
                    && profile.maturity.allows(model.titles[t].maturity)
            })
            .expect("the tiny world has a series");
        let state = profile.titles.entry(series).or_default();
        state.eng.love = true;
        state.episode = model.titles[series].first_episode();
        state.progress = 0.3;
        let d = compose(model, &profile, &s.page());
        assert_eq!(d.lines[0].kind, "new_episodes", "{d:?}");
        assert_eq!(d.lines[0].title_id, model.titles[series].id);
        assert!(d.lines[0].reason.starts_with("You loved it"), "{d:?}");
    }
}
