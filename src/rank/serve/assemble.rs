//! Page assembly: the rows `rows` proposes, ordered by predicted relevance
//! with a diversity penalty, no title twice in the first three rows' visible
//! tiles, exploration slots, and the reason for every row's position.

use super::explore::{explore_picks, ExplorePick};
use super::page::round6;
use super::rows::{candidate_rows, discounted_mean, Draft, DraftItem, CONTINUE_FIRST};
use super::score::PageScorer;
use super::{DISTINCT_ROWS, VISIBLE};
use crate::rank::{
    ConfigRef, Context, Item, Model, Page, ProfileState, RankerConfig, Row, RowKind,
};
use rayon::prelude::*;
use std::collections::BTreeSet;

/// The seed pages use when none is given, so the same command gives the same page.
pub const DEFAULT_SEED: u64 = 7;

/// Everything a page is a function of: the trained model, one profile's
/// state, the context, the config and the seed.
#[derive(Clone, Copy)]
pub struct PageRequest<'a> {
    pub model: &'a Model,
    pub profile: &'a ProfileState,
    pub ctx: &'a Context,
    pub config: &'a RankerConfig,
    pub seed: u64,
}

impl<'a> PageRequest<'a> {
    /// The scorer this request's page is built with (scores, eligibility, artwork).
    pub fn scorer(&self) -> PageScorer<'a> {
        PageScorer::new(
            self.model,
            self.profile,
            self.ctx,
            self.config,
            self.seed ^ profile_key(&self.profile.name),
        )
    }

    /// The home page.
    pub fn page(&self) -> Page {
        build_page(self, &self.scorer(), Detail::Full)
    }

    /// The home page from this request's [`PageRequest::scorer`], made by
    /// the caller so that it can score more with it (a search, say).
    pub fn page_with(&self, scorer: &PageScorer) -> Page {
        build_page(self, scorer, Detail::Full)
    }

    /// The same rows and tiles as [`PageRequest::page_with`], in the same
    /// order and with the same scores, without what only a person reads:
    /// no artwork, no reasons, no contributions. For simulated viewers who
    /// read titles and positions only (the weekly retention sessions).
    pub fn sketch_with(&self, scorer: &PageScorer) -> Page {
        build_page(self, scorer, Detail::Sketch)
    }
}

/// How much of each tile and row a page carries.
#[derive(Clone, Copy)]
enum Detail {
    Full,
    Sketch,
}

/// Build the home page for one profile in one context.
fn build_page(req: &PageRequest, s: &PageScorer, detail: Detail) -> Page {
    let (profile, ctx, config, seed) = (req.profile, req.ctx, req.config, req.seed);
    let n = config.row_items;
    let depth = n + 2 * VISIBLE;
    // Full tiles need the artwork chooser, whose nearest members are a pass
    // over every member: made beside the candidate rows (one core each), not
    // on the first tile, where the other core's tiles would wait for it.
    let (mut drafts, ()) = rayon::join(
        || candidate_rows(s, depth),
        || {
            if matches!(detail, Detail::Full) {
                s.artwork();
            }
        },
    );
    for d in drafts.iter_mut().filter(|d| d.resume_likelihood.is_none()) {
        d.relevance = relevance(s, &d.items);
    }
    let (mut ordered, reasons) = order_rows(s, drafts, config);
    distinct_visible(&mut ordered);
    // Tiles are made row by row on both cores (artwork, reasons, parts).
    let mut rows: Vec<Row> = ordered
        .into_par_iter()
        .zip(reasons)
        .map(|(d, position_reason)| {
            let items = d
                .items
                .into_iter()
                .take(n)
                .map(|i| match detail {
                    Detail::Full => s.item(i.title, i.reason, i.anchor, i.resume),
                    Detail::Sketch => s.sketch_item(i.title),
                })
                .collect();
            Row {
                id: d.id,
                kind: d.kind,
                title: d.title,
                score: round6(d.relevance),
                reason: match detail {
                    Detail::Full => format!("{} {position_reason}", d.reason),
                    Detail::Sketch => String::new(),
                },
                items,
            }
        })
        .collect();
    add_exploration(s, &mut rows, config, seed, detail);
    Page {
        profile: profile.name.clone(),
        context: *ctx,
        config: ConfigRef {
            name: config.name.clone(),
            hash: config.hash(),
        },
        seed,
        rows,
        ranker: s.ranker.clone(),
    }
}

/// A stable per-profile salt, so two profiles with one seed explore differently.
fn profile_key(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// Position-discounted mean of the calibrated match probability of the visible tiles.
fn relevance(s: &PageScorer, items: &[DraftItem]) -> f64 {
    let cal = &s.model.trained.calibration;
    discounted_mean(
        items
            .iter()
            .map(|item| cal.probability(s.score(item.title))),
    )
}

/// Continue watching first when a resume is likely enough in this context
/// (`CONTINUE_FIRST`); then greedily the row with the best relevance after
/// penalties for repeating titles and genres already visible above
/// (continue watching among them, by its resume likelihoods, when it did not
/// go first).
fn order_rows(
    s: &PageScorer,
    mut drafts: Vec<Draft>,
    config: &RankerConfig,
) -> (Vec<Draft>, Vec<String>) {
    let mut ordered = vec![];
    let mut reasons = vec![];
    if let Some(i) = drafts.iter().position(|d| {
        d.kind == RowKind::ContinueWatching
            && d.resume_likelihood.is_some_and(|p| p >= CONTINUE_FIRST)
    }) {
        let d = drafts.remove(i);
        reasons.push(format!(
            "Placed first: its first title is {:.0}% likely to be resumed now (first from {:.0}%).",
            d.resume_likelihood.unwrap_or(0.0) * 100.0,
            CONTINUE_FIRST * 100.0
        ));
        ordered.push(d);
    }
    let mut shown_titles: BTreeSet<usize> = BTreeSet::new();
    let mut shown_genres: BTreeSet<String> = BTreeSet::new();
    let visible = |d: &Draft| d.visible().collect::<Vec<_>>();
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
        .flat_map(|d| d.visible())
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
            } else if seen.contains(&item.title) {
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
        seen.extend(front.iter().take(VISIBLE).map(|x| x.title));
        d.items = front;
    }
}

/// Exploration: a share of the page's tiles given to bandit picks, one per
/// row in the middle of the visible tiles, the rest in an "Explore" row.
fn add_exploration(
    s: &PageScorer,
    rows: &mut Vec<Row>,
    config: &RankerConfig,
    seed: u64,
    detail: Detail,
) {
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
                // Rows whose title names no genre or anchor: an exploratory
                // pick in "American Dramas" or "Because You Watched X" would
                // contradict the title, so those go to the Explore row instead.
                RowKind::TopPicks | RowKind::NewReleases | RowKind::Popular
            )
        })
        .collect();
    let inline = hosts.len().min(quota.div_ceil(3));
    for &r in hosts.iter().take(inline) {
        let Some(p) = picks.next() else { break };
        let at = rows[r].items.len().min(3);
        rows[r].items.insert(at, exploration_item(s, &p, detail));
        rows[r].items.truncate(config.row_items);
    }
    let rest: Vec<Item> = picks.map(|p| exploration_item(s, &p, detail)).collect();
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

fn exploration_item(s: &PageScorer, p: &ExplorePick, detail: Detail) -> Item {
    let mut item = match detail {
        Detail::Sketch => s.sketch_item(p.title),
        Detail::Full => {
            let genre = s
                .model
                .genres
                .get(&p.genre)
                .map_or(p.genre.clone(), |g| g.name.clone());
            let reason = format!(
                "Exploring {genre}: a draw of your interest gave {:.2} ({} likes, {} dislikes so far)",
                p.sampled, p.likes, p.dislikes
            );
            s.item(p.title, reason, None, None)
        }
    };
    item.explanation.exploration = true;
    item
}

#[cfg(test)]
mod tests {
    use crate::rank::{Page, RowKind, DISTINCT_ROWS, VISIBLE};
    use crate::session::Session;
    use crate::testkit::tiny_session;
    use std::collections::BTreeSet;

    fn titles_on(page: &Page) -> BTreeSet<String> {
        page.rows
            .iter()
            .flat_map(|r| r.items.iter().map(|i| i.title_id.clone()))
            .collect()
    }

    fn mia() -> Session {
        tiny_session("mia")
    }

    #[test]
    fn continue_watching_comes_first_and_resumes_where_the_profile_stopped() {
        let page = mia().page();
        let first = &page.rows[0];
        assert_eq!(first.kind, RowKind::ContinueWatching);
        let m1 = first.items.iter().find(|i| i.title_id == "m1").unwrap();
        assert_eq!(m1.explanation.resume.as_deref(), Some("S1:E2"));
    }

    #[test]
    fn no_row_names_a_title_above_the_profiles_limit() {
        // kit (TV-Y7) with a love and a full play of m1 (TV-MA) already stored,
        // as a database from before such events were refused may hold.
        use crate::catalog::{Action, Device, NewEvent};
        let mut store = crate::testkit::tiny_store();
        let kit = store.profile("kit").unwrap();
        let model = crate::testkit::tiny_model(&store);
        let ctx = crate::testkit::tiny_context(&model);
        for (action, progress) in [(Action::Play, 1.0), (Action::Love, 0.0)] {
            let e = NewEvent {
                title_id: "m1".into(),
                at: ctx.now_unix() - 3600,
                offset_min: 0,
                action,
                progress,
                season: Some(1),
                episode: Some(1),
                device: Device::Tv,
                artwork_id: None,
            };
            store.add_event(kit.id, &e).unwrap();
        }
        let name = model.titles[model.title_index("m1").unwrap()].name.clone();
        let session = Session::with_model(
            store,
            model,
            crate::rank::RankerConfig::default(),
            Some("kit"),
            Some(ctx),
            crate::rank::DEFAULT_SEED,
        )
        .unwrap();
        let page = session.page();
        assert!(!titles_on(&page).contains("m1"));
        for row in &page.rows {
            assert!(!row.title.contains(&name), "{}", row.title);
        }
    }

    /// Each row's id and its tiles' (title id, score, exploration mark).
    type Tiles = Vec<(String, Vec<(String, f64, bool)>)>;

    #[test]
    fn a_sketch_has_the_pages_rows_and_tiles_in_order_without_the_reading() {
        for name in ["mia", "kit"] {
            let session = tiny_session(name);
            let req = session.request();
            let scorer = req.scorer();
            let (page, sketch) = (req.page_with(&scorer), req.sketch_with(&scorer));
            let tiles = |p: &Page| -> Tiles {
                p.rows
                    .iter()
                    .map(|r| {
                        let items = r
                            .items
                            .iter()
                            .map(|i| (i.title_id.clone(), i.score, i.explanation.exploration));
                        (r.id.clone(), items.collect())
                    })
                    .collect()
            };
            assert_eq!(tiles(&sketch), tiles(&page), "{name}");
            for item in sketch.rows.iter().flat_map(|r| &r.items) {
                assert!(item.artwork_id.is_empty() && item.explanation.contributions.is_empty());
            }
        }
    }

    #[test]
    fn a_thumbed_down_title_is_on_no_row() {
        let page = mia().page();
        assert!(!titles_on(&page).contains("c1"), "{page:#?}");
    }

    #[test]
    fn a_listed_title_is_in_my_list_and_a_watched_one_is_not_recommended_again() {
        let page = mia().page();
        let list = page.row(RowKind::MyList).expect("a My List row");
        assert_eq!(list.items[0].title_id, "s2");
        for row in page.rows.iter().filter(|r| r.kind == RowKind::TopPicks) {
            assert!(row.items.iter().all(|i| i.title_id != "m2"));
        }
    }

    #[test]
    fn because_you_watched_is_anchored_on_what_was_watched() {
        let page = mia().page();
        let byw = page
            .row(RowKind::BecauseYouWatched)
            .expect("a Because You Watched row");
        assert!(byw.items.iter().all(|i| i.explanation.anchor.is_some()));
        assert_ne!(
            byw.items[0].title_id, "m2",
            "the anchor itself is not offered"
        );
    }

    #[test]
    fn a_kids_profile_sees_nothing_above_its_limit() {
        let s = tiny_session("kit");
        let page = s.page();
        let model = s.model();
        assert!(!page.rows.is_empty());
        for id in titles_on(&page) {
            let t = &model.titles[model.title_index(&id).unwrap()];
            assert!(
                s.profile().maturity.allows(t.maturity),
                "{id} is {}",
                t.maturity
            );
        }
    }

    #[test]
    fn a_new_profile_gets_popular_with_new_members_and_no_top_picks() {
        let page = tiny_session("new").page();
        assert!(page.row(RowKind::TopPicks).is_none());
        assert_eq!(
            page.row(RowKind::Popular).unwrap().title,
            "Popular with New Members"
        );
    }

    #[test]
    fn no_title_repeats_in_the_visible_tiles_of_the_first_rows() {
        let page = mia().page();
        let mut seen = BTreeSet::new();
        for row in page.rows.iter().take(DISTINCT_ROWS) {
            for item in row.items.iter().take(VISIBLE) {
                assert!(
                    seen.insert(item.title_id.clone()),
                    "{} repeats",
                    item.title_id
                );
            }
        }
    }

    #[test]
    fn the_same_request_gives_the_same_page_and_rows_hold_at_most_row_items() {
        let s = mia();
        assert_eq!(s.page(), s.page());
        let mut config = s.config().clone();
        config.row_items = 2;
        let page = s.request_with(&config).page();
        assert!(page.rows.iter().all(|r| r.items.len() <= 2));
    }

    #[test]
    fn every_row_says_why_it_is_where_it_is() {
        let page = mia().page();
        for (i, row) in page.rows.iter().enumerate().skip(1) {
            if row.kind != RowKind::Explore {
                assert!(
                    row.reason.contains(&format!("Row {}", i + 1)),
                    "{}",
                    row.reason
                );
            }
        }
    }
}
