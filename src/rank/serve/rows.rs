//! Which rows a page may have, one function per row kind: each decides
//! whether its row exists for this profile and context and fills it deeper
//! than it shows, so assembly can backfill. Ordering is `assemble`'s job.

use super::score::PageScorer;
use super::VISIBLE;
use crate::catalog::{is_finished, TitleKind, DAY_SECONDS};
use crate::rank::features::freshness;
use crate::rank::naming::region_name;
use crate::rank::train::resume::RESUME_DAYS;
use crate::rank::RowKind;
use std::collections::BTreeSet;

/// Titles each personal source (CF, sims, content) puts forward for "Top Picks".
const CANDIDATES_PER_SOURCE: usize = 30;
/// Continue Watching holds what was played in this many days.
const CONTINUE_DAYS: i64 = RESUME_DAYS;
/// Continue Watching goes first when its likeliest resume is at least this
/// likely in this context; otherwise it is placed by its relevance like any row.
pub const CONTINUE_FIRST: f64 = 0.5;
/// "Because You Watched" rows: one per recent positive, at most this many.
const BECAUSE_YOU_WATCHED_ROWS: usize = 3;
/// A neighbour of the anchor: co-viewing and content similarity, blended.
const ANCHOR_COVIEWING: f32 = 0.7;
const ANCHOR_CONTENT: f32 = 0.3;
/// How much the profile's own score breaks ties among an anchor's neighbours.
const ANCHOR_SCORE: f64 = 0.1;
/// For a profile with no history, how much its score nudges popularity.
const COLD_SCORE_NUDGE: f64 = 0.3;
/// Trending titles considered for the Top 10 and Trending rows.
const TRENDING_POOL: usize = 40;
const TOP_TEN: usize = 10;
/// Micro-genre rows on a page, at most; one per main genre.
const MICRO_GENRE_ROWS: usize = 4;
/// A micro-genre needs this many recommendable titles for a row.
const MICRO_GENRE_MIN_TITLES: usize = 5;
/// A micro-genre's row value: taste plus this much per tag (more specific wins ties).
const MICRO_GENRE_TAG_BONUS: f64 = 0.1;

/// One tile of a row before assembly.
#[derive(Debug, Clone)]
pub struct DraftItem {
    /// Title index.
    pub title: usize,
    pub reason: String,
    /// The title a "Because you watched" tile is anchored on.
    pub anchor: Option<String>,
    /// Where a Continue Watching tile resumes.
    pub resume: Option<String>,
}

/// A row before ordering: candidates deeper than the row, to backfill.
pub struct Draft {
    pub id: String,
    pub kind: RowKind,
    pub title: String,
    pub reason: String,
    pub items: Vec<DraftItem>,
    pub relevance: f64,
    /// Continue Watching: the likeliest resume among its tiles, which is
    /// also what its relevance is made of (resume likelihoods, not % Match).
    pub resume_likelihood: Option<f64>,
}

impl Draft {
    /// A row, or none when nothing fills it.
    fn new(
        id: impl Into<String>,
        kind: RowKind,
        title: impl Into<String>,
        reason: impl Into<String>,
        items: Vec<DraftItem>,
    ) -> Option<Draft> {
        (!items.is_empty()).then(|| Draft {
            id: id.into(),
            kind,
            title: title.into(),
            reason: reason.into(),
            items,
            relevance: 0.0,
            resume_likelihood: None,
        })
    }

    /// The title indexes of the tiles a viewer sees without scrolling.
    pub fn visible(&self) -> impl Iterator<Item = usize> + '_ {
        self.items.iter().take(VISIBLE).map(|x| x.title)
    }
}

/// Tiles with a reason each and no anchor or resume point.
fn plain(ts: Vec<usize>, reason: impl Fn(usize) -> String) -> Vec<DraftItem> {
    ts.into_iter()
        .map(|t| DraftItem {
            title: t,
            reason: reason(t),
            anchor: None,
            resume: None,
        })
        .collect()
}

/// Every row this profile's page may have, `depth` candidates deep, in a
/// fixed order (assembly breaks ties between rows by it).
pub fn candidate_rows(s: &PageScorer, depth: usize) -> Vec<Draft> {
    let cold = s.profile.positives() == 0;
    let mut rows = vec![];
    rows.extend(continue_watching(s, depth));
    rows.extend(if cold {
        popular_with_new_members(s, depth)
    } else {
        top_picks(s, depth)
    });
    rows.extend(my_list(s, depth));
    rows.extend(because_you_watched(s, depth));
    rows.extend(top_ten_and_trending(s, depth));
    rows.extend(new_releases(s, depth));
    rows.extend(micro_genre_rows(s, depth));
    if !cold {
        rows.extend(popular(s, depth));
    }
    rows
}

fn recommendable<'a>(s: &'a PageScorer) -> impl Iterator<Item = usize> + 'a {
    (0..s.model.titles.len()).filter(|&t| s.recommendable(t))
}

/// Position-discounted mean of the visible tiles' probabilities (of a match,
/// or of a resume): a row's relevance.
pub fn discounted_mean(probabilities: impl Iterator<Item = f64>) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for (i, p) in probabilities.take(VISIBLE).enumerate() {
        let w = 1.0 / ((i + 2) as f64).log2();
        num += w * p;
        den += w;
    }
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

/// What the profile started and may resume, likeliest to be resumed in this
/// context first (the resume model learned from the log), each with the
/// habit that makes it likely.
fn continue_watching(s: &PageScorer, depth: usize) -> Option<Draft> {
    let now = s.ctx.now_unix();
    let model = &s.model.trained.resume;
    let mut v: Vec<(f64, usize, String, String)> = vec![];
    for (&t, st) in &s.profile.titles {
        let stale = now - st.last_at() > CONTINUE_DAYS * DAY_SECONDS;
        if !s.eligible(t)
            || st.completed
            || st.plays == 0
            || stale
            || s.profile.is_abandoned(st, now)
        {
            continue;
        }
        let title = &s.model.titles[t];
        let resume = match (title.kind, st.episode) {
            (TitleKind::Series, Some((se, ep))) if !is_finished(st.progress) => {
                format!("S{se}:E{ep}")
            }
            (TitleKind::Series, Some((se, ep))) => match title.next_episode(se, ep) {
                Some((ns, ne)) => format!("S{ns}:E{ne}"),
                None => continue,
            },
            _ if !is_finished(st.progress) => format!("{:.0}% watched", st.progress * 100.0),
            _ => continue,
        };
        let likelihood = model.likelihood(&st.resume.features(title, s.ctx));
        v.push((likelihood, t, resume, st.resume.habit_words(title)));
    }
    v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let likelihoods: Vec<f64> = v.iter().map(|x| x.0).collect();
    let items = v
        .into_iter()
        .take(depth)
        .map(|(p, t, r, habit)| DraftItem {
            title: t,
            reason: format!(
                "{}: resume at {r} ({:.0}% likely to resume now)",
                capitalised(&habit),
                p * 100.0
            ),
            anchor: None,
            resume: Some(r),
        })
        .collect();
    let mut row = Draft::new(
        "continue_watching",
        RowKind::ContinueWatching,
        format!("Continue Watching for {}", s.profile.display_name),
        "Titles you started and have not finished, likeliest to be resumed now first.",
        items,
    )?;
    row.relevance = discounted_mean(likelihoods.iter().copied());
    row.resume_likelihood = likelihoods.first().copied();
    Some(row)
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// The profile's best titles across the catalog, from the personal sources.
fn top_picks(s: &PageScorer, depth: usize) -> Option<Draft> {
    let picks = s.top_by(
        s.personal_candidates(CANDIDATES_PER_SOURCE).into_iter(),
        |t| s.score(t),
        depth,
    );
    Draft::new(
        "top_picks",
        RowKind::TopPicks,
        format!("Top Picks for {}", s.profile.display_name),
        "Your highest-scoring titles across the catalog.",
        plain(picks, |t| s.top_reason(t)),
    )
}

/// A profile with no history: what new members watch, nudged by context.
fn popular_with_new_members(s: &PageScorer, depth: usize) -> Option<Draft> {
    let popularity = &s.model.trained.signals.popularity;
    let ids = s.top_by(
        recommendable(s),
        |t| popularity[t] as f64 + COLD_SCORE_NUDGE * s.score(t),
        depth,
    );
    Draft::new(
        "popular",
        RowKind::Popular,
        "Popular with New Members",
        "No history yet: what new members watch most, nudged by context.",
        plain(ids, |_| "Popular with new members".into()),
    )
}

/// Titles the profile saved, newest first.
fn my_list(s: &PageScorer, depth: usize) -> Option<Draft> {
    let mut list: Vec<(i64, usize)> = s
        .profile
        .titles
        .iter()
        .filter(|(&t, st)| st.in_list && s.eligible(t))
        .map(|(&t, st)| (st.last_at(), t))
        .collect();
    list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    Draft::new(
        "my_list",
        RowKind::MyList,
        "My List",
        "Titles you saved.",
        plain(list.into_iter().map(|x| x.1).take(depth).collect(), |_| {
            "On your list".into()
        }),
    )
}

/// One row per recent positive: its nearest titles by co-viewing and content.
fn because_you_watched(s: &PageScorer, depth: usize) -> Vec<Draft> {
    let model = s.model;
    let mut rows = vec![];
    for anchor in s
        .profile
        .recent_positives()
        .into_iter()
        // A row title never names what the profile may not be shown (a
        // history from before import refused such events may hold one).
        .filter(|&t| s.profile.maturity.allows(model.titles[t].maturity))
        .take(BECAUSE_YOU_WATCHED_ROWS)
    {
        let name = &model.titles[anchor].name;
        // The anchor's closeness to every title, each made in one pass.
        let mut coviewing = vec![0f32; model.titles.len()];
        for (t, w) in model.trained.signals.neighbours.get(anchor) {
            coviewing[t as usize] = w;
        }
        let content = model.content.similarities_to(anchor);
        let ids = s.top_by(
            recommendable(s).filter(|&t| t != anchor),
            |t| {
                let near = ANCHOR_COVIEWING * coviewing[t] + ANCHOR_CONTENT * content[t];
                2.0 * near as f64 + ANCHOR_SCORE * s.score(t)
            },
            depth,
        );
        let anchor_id = model.titles[anchor].id.clone();
        let items = ids
            .into_iter()
            .map(|t| DraftItem {
                title: t,
                reason: format!("Viewers who enjoyed {name} enjoyed this, and it shares its style"),
                anchor: Some(anchor_id.clone()),
                resume: None,
            })
            .collect();
        rows.extend(Draft::new(
            format!("because_you_watched:{anchor_id}"),
            RowKind::BecauseYouWatched,
            format!("Because You Watched {name}"),
            format!("You enjoyed {name} recently; these are its nearest titles by co-viewing and content."),
            items,
        ));
    }
    rows
}

/// The region's Top 10 (the same for everyone there, in order) and Trending
/// (the rising titles not yet seen, ordered for this profile).
fn top_ten_and_trending(s: &PageScorer, depth: usize) -> Vec<Draft> {
    let place = if s.regional_trending {
        format!("in {}", region_name(&s.profile.region))
    } else {
        "Everywhere".to_string()
    };
    let hot = s.top_by(
        (0..s.model.titles.len())
            .filter(|&t| s.eligible(t) && s.trending.get(t).is_some_and(|&x| x > 0.0)),
        |t| s.trending[t] as f64,
        TRENDING_POOL,
    );
    let top10: Vec<DraftItem> = hot
        .iter()
        .take(TOP_TEN)
        .enumerate()
        .map(|(i, &t)| DraftItem {
            title: t,
            reason: format!("No. {} {place} today", i + 1),
            anchor: None,
            resume: None,
        })
        .collect();
    let trending = s.top_by(
        hot.into_iter().filter(|&t| s.recommendable(t)),
        |t| s.score(t),
        depth,
    );
    let mut rows = vec![];
    rows.extend(Draft::new(
        "top10",
        RowKind::Top10,
        format!("Top 10 {place} Today"),
        "The most-watched titles of the last days, in order, the same for everyone here.",
        top10,
    ));
    rows.extend(Draft::new(
        "trending",
        RowKind::Trending,
        format!("Trending Now {place}"),
        "What is rising this week, ordered for you.",
        plain(trending, |_| format!("Trending {place} this week")),
    ));
    rows
}

/// Titles added in the last 60 days, best for this profile first.
fn new_releases(s: &PageScorer, depth: usize) -> Option<Draft> {
    let now = s.ctx.now_unix();
    let fresh = s.top_by(
        recommendable(s).filter(|&t| freshness(s.model.added[t], now) > 0.0),
        |t| s.score(t),
        depth,
    );
    Draft::new(
        "new_releases",
        RowKind::NewReleases,
        "New Releases",
        "Added in the last 60 days, best for you first.",
        plain(fresh, |_| "New on Marquee".into()),
    )
}

/// The most-watched titles, for a profile that has a history.
fn popular(s: &PageScorer, depth: usize) -> Option<Draft> {
    let popularity = &s.model.trained.signals.popularity;
    let ids = s.top_by(recommendable(s), |t| popularity[t] as f64, depth);
    Draft::new(
        "popular",
        RowKind::Popular,
        "Popular on Marquee",
        "The most-watched titles of the last 90 days.",
        plain(ids, |_| "One of the most watched".into()),
    )
}

/// Micro-genre rows where the profile's taste scores highest, one per genre.
fn micro_genre_rows(s: &PageScorer, depth: usize) -> Vec<Draft> {
    let model = s.model;
    let mut scored: Vec<(f64, usize, Vec<usize>)> = model
        .micro
        .iter()
        .enumerate()
        .filter_map(|(g, group)| {
            let ids = s.top_by(
                group.titles.iter().copied().filter(|&t| s.recommendable(t)),
                |t| s.score(t),
                depth,
            );
            if ids.len() < MICRO_GENRE_MIN_TITLES {
                return None;
            }
            // Groups are chosen by taste alone, so a genre the profile never watches
            // does not get a row because its titles are new or popular.
            let head = ids
                .iter()
                .take(VISIBLE)
                .map(|&t| s.personal(t))
                .sum::<f64>()
                / ids.len().min(VISIBLE) as f64;
            Some((
                head + MICRO_GENRE_TAG_BONUS * group.tags.len() as f64,
                g,
                ids,
            ))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut used_genres = BTreeSet::new();
    let mut rows = vec![];
    for (_, g, ids) in scored {
        let group = &model.micro[g];
        if rows.len() >= MICRO_GENRE_ROWS || !used_genres.insert(group.genre.clone()) {
            continue;
        }
        let Some(name) = group.name(&model.genres, &model.tags) else {
            continue;
        };
        let reason = format!(
            "A micro-genre you score highly: {} titles in the catalog.",
            group.titles.len()
        );
        rows.extend(Draft::new(
            group.id(),
            RowKind::MicroGenre,
            name.clone(),
            reason,
            plain(ids, |_| format!("One of the {name}")),
        ));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::CONTINUE_FIRST;
    use crate::catalog::{Action, Device, NewEvent, DAY_SECONDS as DAY};
    use crate::rank::{Page, RankerConfig, RowKind};
    use crate::session::Session;

    /// A play `days_ago` days before the tiny world's "now" (Sunday 1 Feb 2026,
    /// 20:00 UTC, on a TV), at `hour` UTC.
    struct Play {
        title: &'static str,
        days_ago: i64,
        hour: i64,
        progress: f32,
        episode: Option<(u32, u32)>,
        device: Device,
    }

    /// The "new" profile (no history) after `plays`, and its page.
    fn page_after(plays: &[Play]) -> Page {
        let mut store = crate::testkit::tiny_store();
        let new = store.profile("new").unwrap();
        let model = crate::testkit::tiny_model(&store);
        let ctx = crate::testkit::tiny_context(&model);
        let midnight = ctx.now_unix() - 20 * 3600;
        for p in plays {
            let e = NewEvent {
                title_id: p.title.into(),
                at: midnight - p.days_ago * DAY + p.hour * 3600,
                offset_min: 0,
                action: Action::Play,
                progress: p.progress,
                season: p.episode.map(|e| e.0),
                episode: p.episode.map(|e| e.1),
                device: p.device,
                artwork_id: None,
            };
            store.add_event(new.id, &e).unwrap();
        }
        Session::with_model(
            store,
            model,
            RankerConfig::default(),
            Some("new"),
            Some(ctx),
            crate::rank::DEFAULT_SEED,
        )
        .unwrap()
        .page()
    }

    fn episode(days_ago: i64, hour: i64, se: u32, ep: u32, progress: f32) -> Play {
        Play {
            title: "m4",
            days_ago,
            hour,
            progress,
            episode: Some((se, ep)),
            device: Device::Tv,
        }
    }

    #[test]
    fn a_film_sampled_yesterday_does_not_rank_above_a_series_binged_over_two_evenings() {
        // Salt and Chalk (3 + 2 episodes): three episodes back to back on
        // Thursday evening, one on Friday, the last one half-watched: 90 %
        // through. A Lantern in Rye: 5 % of it, yesterday. Newest first put
        // the film first.
        let page = page_after(&[
            episode(3, 19, 1, 1, 1.0),
            episode(3, 20, 1, 2, 1.0),
            episode(3, 21, 1, 3, 1.0),
            episode(2, 20, 2, 1, 1.0),
            episode(2, 21, 2, 2, 0.5),
            Play {
                title: "m5",
                days_ago: 1,
                hour: 21,
                progress: 0.05,
                episode: None,
                device: Device::Tv,
            },
        ]);
        let row = &page.rows[0];
        assert_eq!(row.kind, RowKind::ContinueWatching, "{:?}", row.reason);
        let order: Vec<&str> = row.items.iter().map(|i| i.title_id.as_str()).collect();
        assert_eq!(order, ["m4", "m5"]);
        let why = &row.items[0].explanation.reason;
        assert!(
            why.starts_with("You watched 3 episodes in a row on Thursday evenings, 90% through: resume at S2:E2"),
            "{why}"
        );
        assert!(row.reason.contains("Placed first"), "{}", row.reason);
        assert_eq!(row.items[0].explanation.resume.as_deref(), Some("S2:E2"));
    }

    #[test]
    fn an_unlikely_resume_is_placed_by_relevance_not_first() {
        // One fifth of a film on a phone one morning six days ago: at 20:00 on
        // a TV a resume is unlikely, so the row competes with the others.
        let page = page_after(&[Play {
            title: "m5",
            days_ago: 6,
            hour: 8,
            progress: 0.2,
            episode: None,
            device: Device::Mobile,
        }]);
        let (pos, row) = page
            .rows
            .iter()
            .enumerate()
            .find(|(_, r)| r.kind == RowKind::ContinueWatching)
            .expect("a Continue Watching row");
        assert!(row.score < CONTINUE_FIRST, "{}", row.score);
        assert!(pos > 0, "placed by relevance: {}", row.reason);
        assert!(
            row.reason.contains(&format!("Row {}", pos + 1)),
            "{}",
            row.reason
        );
    }
}
