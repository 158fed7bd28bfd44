//! Page assembly: which rows exist for this profile and context, what fills
//! them, their order (predicted relevance with a diversity penalty), no
//! title twice in the first three rows' visible tiles, exploration slots,
//! and the reason for every row and item.

use super::explore::{explore_picks, ExplorePick};
use super::naming::region_name;
use super::page::round6;
use super::score::PageScorer;
use super::{ConfigRef, Context, Item, Model, Page, ProfileState, RankerConfig, Row, RowKind};
use crate::catalog::TitleKind;
use std::collections::BTreeSet;

/// Tiles a viewer sees in a row without scrolling.
pub const VISIBLE: usize = 6;
/// Rows whose visible tiles may not repeat a title.
pub const DISTINCT_ROWS: usize = 3;
/// Titles each personal source (CF, sims, content) puts forward for "Top Picks".
const CANDIDATES_PER_SOURCE: usize = 30;
/// Continue Watching holds what was played in this many days.
const CONTINUE_DAYS: i64 = 45;

/// A row before ordering: candidates deeper than the row, to backfill.
struct Draft {
    id: String,
    kind: RowKind,
    title: String,
    reason: String,
    /// (title index, item reason, anchor, resume)
    items: Vec<(usize, String, Option<String>, Option<String>)>,
    relevance: f64,
}

fn draft(
    id: impl Into<String>,
    kind: RowKind,
    title: impl Into<String>,
    reason: impl Into<String>,
    items: Vec<(usize, String, Option<String>, Option<String>)>,
) -> Option<Draft> {
    (!items.is_empty()).then(|| Draft {
        id: id.into(),
        kind,
        title: title.into(),
        reason: reason.into(),
        items,
        relevance: 0.0,
    })
}

fn plain(
    ts: Vec<usize>,
    reason: impl Fn(usize) -> String,
) -> Vec<(usize, String, Option<String>, Option<String>)> {
    ts.into_iter().map(|t| (t, reason(t), None, None)).collect()
}

/// Build the home page for one profile in one context.
pub fn build_page(
    model: &Model,
    profile: &ProfileState,
    ctx: &Context,
    config: &RankerConfig,
    seed: u64,
) -> Page {
    let s = PageScorer::new(
        model,
        profile,
        ctx,
        config,
        seed ^ profile_key(&profile.name),
    );
    let n = config.row_items;
    let depth = n + 2 * VISIBLE;
    let mut drafts = candidate_rows(&s, depth);
    for d in &mut drafts {
        d.relevance = relevance(&s, &d.items);
    }
    let (mut ordered, reasons) = order_rows(&s, drafts, config);
    distinct_visible(&mut ordered);
    let mut rows: Vec<Row> = ordered
        .into_iter()
        .zip(reasons)
        .map(|(d, position_reason)| {
            let items = d
                .items
                .into_iter()
                .take(n)
                .map(|(t, r, a, res)| s.item(t, r, a, res))
                .collect();
            Row {
                id: d.id,
                kind: d.kind,
                title: d.title,
                score: round6(d.relevance),
                reason: format!("{} {position_reason}", d.reason),
                items,
            }
        })
        .collect();
    add_exploration(&s, &mut rows, config, seed);
    Page {
        profile: profile.name.clone(),
        context: *ctx,
        config: ConfigRef {
            name: config.name.clone(),
            hash: config.hash(),
        },
        seed,
        rows,
    }
}

/// A stable per-profile salt, so two profiles with one seed explore differently.
fn profile_key(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

fn candidate_rows(s: &PageScorer, depth: usize) -> Vec<Draft> {
    let model = s.model;
    let profile = s.profile;
    let all = || 0..model.titles.len();
    let mut rows = vec![];
    rows.extend(continue_watching(s, depth));

    let cold = profile.positives() == 0;
    let picks = s.top_by(
        s.personal_candidates(CANDIDATES_PER_SOURCE).into_iter(),
        |t| s.score(t),
        depth,
    );
    if cold {
        let ids = s.top_by(
            all().filter(|&t| s.recommendable(t)),
            |t| model.trained.signals.popularity[t] as f64 + 0.3 * s.score(t),
            depth,
        );
        rows.extend(draft(
            "popular",
            RowKind::Popular,
            "Popular with New Members",
            "No history yet: what new members watch most, nudged by context.",
            plain(ids, |_| "Popular with new members".into()),
        ));
    } else {
        rows.extend(draft(
            "top_picks",
            RowKind::TopPicks,
            format!("Top Picks for {}", profile.display_name),
            "Your highest-scoring titles across the catalog.",
            plain(picks, |t| s.top_reason(t)),
        ));
    }

    let mut list: Vec<(i64, usize)> = profile
        .titles
        .iter()
        .filter(|(&t, st)| st.in_list && s.eligible(t))
        .map(|(&t, st)| (st.last_at(), t))
        .collect();
    list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    rows.extend(draft(
        "my_list",
        RowKind::MyList,
        "My List",
        "Titles you saved.",
        plain(list.into_iter().map(|x| x.1).take(depth).collect(), |_| {
            "On your list".into()
        }),
    ));

    for anchor in profile.recent_positives().into_iter().take(3) {
        let name = &model.titles[anchor].name;
        let ids = s.top_by(
            all().filter(|&t| t != anchor && s.recommendable(t)),
            |t| {
                2.0 * (0.7 * model.trained.signals.neighbour_weight(anchor, t)
                    + 0.3 * model.content.similarity(anchor, t)) as f64
                    + 0.1 * s.score(t)
            },
            depth,
        );
        let anchor_id = model.titles[anchor].id.clone();
        let items = ids
            .into_iter()
            .map(|t| {
                (
                    t,
                    format!("Viewers who enjoyed {name} enjoyed this, and it shares its style"),
                    Some(anchor_id.clone()),
                    None,
                )
            })
            .collect();
        rows.extend(draft(
            format!("because_you_watched:{anchor_id}"),
            RowKind::BecauseYouWatched,
            format!("Because You Watched {name}"),
            format!("You enjoyed {name} recently; these are its nearest titles by co-viewing and content."),
            items,
        ));
    }

    let place = if s.regional_trending {
        format!("in {}", region_name(&profile.region))
    } else {
        "Everywhere".to_string()
    };
    let hot = s.top_by(
        all().filter(|&t| s.eligible(t) && s.trending.get(t).is_some_and(|&x| x > 0.0)),
        |t| s.trending[t] as f64,
        40,
    );
    let mut top10 = hot.clone();
    top10.truncate(10);
    rows.extend(draft(
        "top10",
        RowKind::Top10,
        format!("Top 10 {place} Today"),
        "The most-watched titles of the last days, in order, the same for everyone here.",
        top10
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, format!("No. {} {place} today", i + 1), None, None))
            .collect(),
    ));
    let trending = s.top_by(
        hot.into_iter().filter(|&t| s.recommendable(t)),
        |t| s.score(t),
        depth,
    );
    rows.extend(draft(
        "trending",
        RowKind::Trending,
        format!("Trending Now {place}"),
        "What is rising this week, ordered for you.",
        plain(trending, |_| format!("Trending {place} this week")),
    ));

    let fresh = s.top_by(
        all().filter(|&t| {
            s.recommendable(t) && super::features::freshness(model.added[t], s.ctx.now_unix()) > 0.0
        }),
        |t| s.score(t),
        depth,
    );
    rows.extend(draft(
        "new_releases",
        RowKind::NewReleases,
        "New Releases",
        "Added in the last 60 days, best for you first.",
        plain(fresh, |_| "New on Marquee".into()),
    ));

    rows.extend(micro_genre_rows(s, depth, 4));

    if !cold {
        let ids = s.top_by(
            all().filter(|&t| s.recommendable(t)),
            |t| model.trained.signals.popularity[t] as f64,
            depth,
        );
        rows.extend(draft(
            "popular",
            RowKind::Popular,
            "Popular on Marquee",
            "The most-watched titles of the last 90 days.",
            plain(ids, |_| "One of the most watched".into()),
        ));
    }
    rows
}

fn continue_watching(s: &PageScorer, depth: usize) -> Option<Draft> {
    let now = s.ctx.now_unix();
    let mut v: Vec<(i64, usize, String)> = vec![];
    for (&t, st) in &s.profile.titles {
        let stale = now - st.last_at() > CONTINUE_DAYS * 86_400;
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
            (TitleKind::Series, Some((se, ep))) if st.progress < 0.9 => format!("S{se}:E{ep}"),
            (TitleKind::Series, Some((se, ep))) => match title.next_episode(se, ep) {
                Some((ns, ne)) => format!("S{ns}:E{ne}"),
                None => continue,
            },
            _ if st.progress < 0.9 => format!("{:.0}% watched", st.progress * 100.0),
            _ => continue,
        };
        v.push((st.last_at(), t, resume));
    }
    v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let items = v
        .into_iter()
        .take(depth)
        .map(|(_, t, r)| {
            (
                t,
                format!("You were watching this: resume at {r}"),
                None,
                Some(r),
            )
        })
        .collect();
    draft(
        "continue_watching",
        RowKind::ContinueWatching,
        format!("Continue Watching for {}", s.profile.display_name),
        "Titles you started and have not finished.",
        items,
    )
}

/// Micro-genre rows where the profile's scores are highest, one per genre.
fn micro_genre_rows(s: &PageScorer, depth: usize, max_rows: usize) -> Vec<Draft> {
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
            if ids.len() < 5 {
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
            Some((head + 0.1 * group.tags.len() as f64, g, ids))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut used_genres = BTreeSet::new();
    let mut rows = vec![];
    for (_, g, ids) in scored {
        let group = &model.micro[g];
        if rows.len() >= max_rows || !used_genres.insert(group.genre.clone()) {
            continue;
        }
        let Some(name) = group.name(&model.genres, &model.tags) else {
            continue;
        };
        let reason = format!(
            "A micro-genre you score highly: {} titles in the catalog.",
            group.titles.len()
        );
        rows.extend(draft(
            group.id(),
            RowKind::MicroGenre,
            name.clone(),
            reason,
            plain(ids, |_| format!("One of the {name}")),
        ));
    }
    rows
}

/// Position-discounted mean of the calibrated match probability of the visible tiles.
fn relevance(s: &PageScorer, items: &[(usize, String, Option<String>, Option<String>)]) -> f64 {
    let cal = &s.model.trained.calibration;
    let (mut num, mut den) = (0.0, 0.0);
    for (i, (t, ..)) in items.iter().take(VISIBLE).enumerate() {
        let w = 1.0 / ((i + 2) as f64).log2();
        num += w * cal.probability(s.score(*t));
        den += w;
    }
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

/// Continue watching first; then greedily the row with the best relevance
/// after penalties for repeating titles and genres already visible above.
fn order_rows(
    s: &PageScorer,
    mut drafts: Vec<Draft>,
    config: &RankerConfig,
) -> (Vec<Draft>, Vec<String>) {
    let mut ordered = vec![];
    let mut reasons = vec![];
    if let Some(i) = drafts
        .iter()
        .position(|d| d.kind == RowKind::ContinueWatching)
    {
        ordered.push(drafts.remove(i));
        reasons.push("Placed first: resuming is the most likely next play.".to_string());
    }
    let mut shown_titles: BTreeSet<usize> = BTreeSet::new();
    let mut shown_genres: BTreeSet<String> = BTreeSet::new();
    let visible = |d: &Draft| {
        d.items
            .iter()
            .take(VISIBLE)
            .map(|x| x.0)
            .collect::<Vec<_>>()
    };
    for d in &ordered {
        shown_titles.extend(visible(d));
    }
    while !drafts.is_empty() {
        let mut best: Option<(f64, usize, f64, f64)> = None;
        for (i, d) in drafts.iter().enumerate() {
            let v = visible(d);
            let repeat = v.iter().filter(|t| shown_titles.contains(t)).count() as f64
                / v.len().max(1) as f64;
            let genres: BTreeSet<&String> = v
                .iter()
                .filter_map(|&t| s.model.titles[t].genres.first())
                .collect();
            let genre_repeat = genres
                .iter()
                .filter(|g| shown_genres.contains(g.as_str()))
                .count() as f64
                / genres.len().max(1) as f64;
            let tp = config.diversity.repeat_title * repeat * d.relevance;
            let gp = config.diversity.repeat_genre * genre_repeat * d.relevance;
            let value = d.relevance - tp - gp;
            if best.is_none_or(|b| value > b.0) {
                best = Some((value, i, tp, gp));
            }
        }
        let (value, i, tp, gp) = best.expect("drafts is not empty");
        let d = drafts.remove(i);
        shown_titles.extend(visible(&d));
        shown_genres.extend(
            visible(&d)
                .iter()
                .filter_map(|&t| s.model.titles[t].genres.first().cloned()),
        );
        let pos = ordered.len() + 1;
        let penalty = if tp + gp > 0.0 {
            format!(
                " minus {:.2} for titles and {:.2} for genres already shown above",
                tp, gp
            )
        } else {
            String::new()
        };
        reasons.push(format!(
            "Row {pos}: predicted relevance {:.2}{penalty} = {:.2}.",
            d.relevance, value
        ));
        ordered.push(d);
    }
    (ordered, reasons)
}

/// No title in the visible tiles of more than one of the first rows: a
/// repeat is moved behind the visible tiles (the next candidate moves up).
fn distinct_visible(rows: &mut [Draft]) {
    // A ranked Top 10 keeps its order, so its visible titles are reserved first
    // and the other rows step around them, whichever comes first on the page.
    let mut seen: BTreeSet<usize> = rows
        .iter()
        .take(DISTINCT_ROWS)
        .filter(|d| d.kind == RowKind::Top10)
        .flat_map(|d| d.items.iter().take(VISIBLE).map(|x| x.0))
        .collect();
    for d in rows
        .iter_mut()
        .take(DISTINCT_ROWS)
        .filter(|d| d.kind != RowKind::Top10)
    {
        let (mut front, mut moved, mut rest) = (vec![], vec![], vec![]);
        for item in d.items.drain(..) {
            if front.len() >= VISIBLE {
                rest.push(item);
            } else if seen.contains(&item.0) {
                moved.push(item);
            } else {
                front.push(item);
            }
        }
        // Too few other titles to fill the visible tiles: drop the repeats rather than show them.
        if front.len() >= VISIBLE {
            front.extend(moved);
        }
        front.extend(rest);
        seen.extend(front.iter().take(VISIBLE).map(|x| x.0));
        d.items = front;
    }
}

/// Exploration: a share of the page's tiles given to bandit picks, one per
/// row in the middle of the visible tiles, the rest in an "Explore" row.
fn add_exploration(s: &PageScorer, rows: &mut Vec<Row>, config: &RankerConfig, seed: u64) {
    let total: usize = rows.iter().map(|r| r.items.len()).sum();
    let quota = (config.exploration_share * total as f64 / (1.0 - config.exploration_share)).round()
        as usize;
    if quota == 0 {
        return;
    }
    let shown: BTreeSet<usize> = rows
        .iter()
        .flat_map(|r| r.items.iter())
        .filter_map(|i| s.model.title_index(&i.title_id))
        .collect();
    let mut picks =
        explore_picks(s, &shown, quota, seed ^ profile_key(&s.profile.name)).into_iter();
    let hosts: Vec<usize> = (0..rows.len())
        .filter(|&r| {
            matches!(
                rows[r].kind,
                RowKind::TopPicks
                    | RowKind::BecauseYouWatched
                    | RowKind::MicroGenre
                    | RowKind::NewReleases
                    | RowKind::Popular
            )
        })
        .collect();
    let inline = hosts.len().min(quota.div_ceil(3));
    for &r in hosts.iter().take(inline) {
        let Some(p) = picks.next() else { break };
        let at = rows[r].items.len().min(3);
        rows[r].items.insert(at, exploration_item(s, &p));
        rows[r].items.truncate(config.row_items);
    }
    let rest: Vec<Item> = picks.map(|p| exploration_item(s, &p)).collect();
    if !rest.is_empty() {
        let score = round6(
            rest.iter()
                .map(|i| s.model.trained.calibration.probability(i.score))
                .sum::<f64>()
                / rest.len() as f64,
        );
        rows.push(Row {
            id: "explore".into(),
            kind: RowKind::Explore,
            title: "Explore Something Different".into(),
            score,
            reason: "Exploration: genres drawn by a Thompson-sampling bandit from your interest so far; placed last.".into(),
            items: rest,
        });
    }
}

fn exploration_item(s: &PageScorer, p: &ExplorePick) -> Item {
    let genre = s
        .model
        .genres
        .get(&p.genre)
        .map_or(p.genre.clone(), |g| g.name.clone());
    let reason = format!(
        "Exploring {genre}: a draw of your interest gave {:.2} ({} likes, {} dislikes so far)",
        p.sampled, p.likes, p.dislikes
    );
    let mut item = s.item(p.title, reason, None, None);
    item.explanation.exploration = true;
    item
}
