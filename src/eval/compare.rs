//! Comparing two ranker configs on one profile: the two pages as a
//! whole-page diff (rows added, removed, moved; tiles ↑n / ↓n / new / gone),
//! page-level numbers for each (NDCG@10 on the profile's held-out events,
//! coverage, genre diversity, exploration share, time to first play), and
//! for the largest moves, which feature contributions changed and why.

pub use super::diff::{diff_pages, list_moves, Move, RowDiff, TileDiff};
use super::protocol::first_play;
use crate::rank::feature::{Feature, NF};
use crate::rank::ndcg::ndcg_at;
use crate::rank::{Model, Page, VISIBLE};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Page-level numbers for one page.
#[derive(Debug, Clone, Serialize)]
pub struct PageNumbers {
    /// NDCG@10 of the first ten distinct tiles in reading order against the held-out positives.
    pub ndcg10: f64,
    /// Distinct titles on the page / titles in the catalog.
    pub coverage: f64,
    /// Inverse Simpson over the primary genres of the visible tiles.
    pub genre_diversity: f64,
    pub exploration_share: f64,
    /// Tiles scanned (rows in order, the first few of each) to the first held-out positive.
    pub time_to_first_play: Option<usize>,
}

pub fn page_numbers(page: &Page, model: &Model, held_out: &BTreeSet<String>) -> PageNumbers {
    let reading = page.reading_order(usize::MAX, VISIBLE);
    let ndcg10 = ndcg_at(&reading, |t| held_out.contains(*t), held_out.len(), 10);
    let all: BTreeSet<&str> = page
        .rows
        .iter()
        .flat_map(|r| r.items.iter().map(|i| i.title_id.as_str()))
        .collect();
    let mut genres: BTreeMap<&str, usize> = BTreeMap::new();
    for item in page.tiles_read(usize::MAX, VISIBLE) {
        if let Some(g) = model
            .title_index(&item.title_id)
            .and_then(|t| model.titles[t].genres.first())
        {
            *genres.entry(g).or_default() += 1;
        }
    }
    let n: usize = genres.values().sum();
    let simpson: f64 = genres
        .values()
        .map(|&c| (c as f64 / n as f64).powi(2))
        .sum();
    let items: usize = page.rows.iter().map(|r| r.items.len()).sum();
    let explore = page
        .rows
        .iter()
        .flat_map(|r| &r.items)
        .filter(|i| i.explanation.exploration)
        .count();
    PageNumbers {
        ndcg10,
        coverage: all.len() as f64 / model.titles.len().max(1) as f64,
        genre_diversity: if simpson > 0.0 { 1.0 / simpson } else { 0.0 },
        exploration_share: if items > 0 {
            explore as f64 / items as f64
        } else {
            0.0
        },
        time_to_first_play: first_play(page, |id| held_out.contains(id)),
    }
}

/// One feature's part in a move.
#[derive(Debug, Clone, Serialize)]
pub struct FeatureChange {
    pub feature: String,
    pub contribution_a: f64,
    pub contribution_b: f64,
    pub weight_a: f64,
    pub weight_b: f64,
}

/// Why a tile moved: its contributions under A and B, the changed ones first.
#[derive(Debug, Clone, Serialize)]
pub struct WhyMoved {
    pub row: String,
    pub title_id: String,
    pub name: String,
    #[serde(flatten)]
    pub change: Move,
    pub changes: Vec<FeatureChange>,
    /// Set when a side's scores came from an external ranker: Marquee's
    /// features and weights do not explain that side, its score does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scored_by: Option<ScoredBy>,
}

/// A move on a page whose scores came from outside Marquee.
#[derive(Debug, Clone, Serialize)]
pub struct ScoredBy {
    /// The external side(s), e.g. "ranker-file:scores.parquet on B".
    pub source: String,
    /// Which sides: "A", "B" or "A and B".
    pub sides: &'static str,
    pub score_a: f64,
    pub score_b: f64,
}

impl WhyMoved {
    /// "↑7: device_match +0.21 (weight 0.16 → 0.40)" for the biggest change.
    pub fn summary(&self) -> String {
        let mut s = format!("{} {} in {}", self.change.label(), self.name, self.row);
        if let Some(by) = &self.scored_by {
            return s + &format!(
                "; score {:+.2} → {:+.2} (the external ranker's order on {})",
                by.score_a, by.score_b, by.sides
            );
        }
        for c in self.changes.iter().take(2) {
            s += &format!(
                "; {} {:+.2} ({:+.2} → {:+.2}, weight {:.2} → {:.2})",
                c.feature,
                c.contribution_b - c.contribution_a,
                c.contribution_a,
                c.contribution_b,
                c.weight_a,
                c.weight_b
            );
        }
        s
    }
}

/// A title's contributions that differ between page A and page B, as
/// (feature, on A, on B), the largest change first. A page without the
/// title counts as contributing nothing.
pub fn changed_contributions(a: &Page, b: &Page, title_id: &str) -> Vec<(String, f64, f64)> {
    fn contributions<'p>(p: &'p Page, title_id: &str) -> BTreeMap<&'p str, f64> {
        p.item(title_id).map_or_else(BTreeMap::new, |i| {
            i.explanation
                .contributions
                .iter()
                .map(|c| (c.feature.as_str(), c.value))
                .collect()
        })
    }
    let (ca, cb) = (contributions(a, title_id), contributions(b, title_id));
    let features: BTreeSet<&str> = ca.keys().chain(cb.keys()).copied().collect();
    let mut changed: Vec<(String, f64, f64)> = features
        .into_iter()
        .map(|f| {
            let on = |c: &BTreeMap<&str, f64>| c.get(f).copied().unwrap_or(0.0);
            (f.to_string(), on(&ca), on(&cb))
        })
        .filter(|(_, x, y)| (y - x).abs() > 1e-6)
        .collect();
    changed.sort_by(|x, y| {
        (y.2 - y.1)
            .abs()
            .total_cmp(&(x.2 - x.1).abs())
            .then(x.0.cmp(&y.0))
    });
    changed
}

/// The `n` largest tile moves within rows shown on both pages, explained.
/// `wa`, `wb`: the effective feature weights of A and B (learned, with each config's overrides).
pub fn why_moved(
    a: &Page,
    b: &Page,
    diff: &[RowDiff],
    wa: &[f64; NF],
    wb: &[f64; NF],
    n: usize,
) -> Vec<WhyMoved> {
    let mut moves: Vec<(&RowDiff, &TileDiff)> = diff
        .iter()
        .filter(|r| r.change != Move::New && r.change != Move::Gone)
        .flat_map(|r| {
            r.tiles
                .iter()
                .filter(|t| matches!(t.change, Move::Up(_) | Move::Down(_)))
                .map(move |t| (r, t))
        })
        .collect();
    moves.sort_by(|x, y| {
        y.1.change
            .size()
            .cmp(&x.1.change.size())
            .then(x.1.title_id.cmp(&y.1.title_id))
    });
    let external = match (a.external_source(), b.external_source()) {
        (None, None) => None,
        (Some(x), None) => Some((format!("{x} on A"), "A")),
        (None, Some(y)) => Some((format!("{y} on B"), "B")),
        (Some(x), Some(y)) => Some((format!("{x} on A, {y} on B"), "A and B")),
    };
    let score = |p: &Page, id: &str| p.item(id).map_or(0.0, |i| i.score);
    moves
        .into_iter()
        .take(n)
        .map(|(row, tile)| WhyMoved {
            row: row.title.clone(),
            title_id: tile.title_id.clone(),
            name: tile.name.clone(),
            change: tile.change,
            scored_by: external.as_ref().map(|(source, sides)| ScoredBy {
                source: source.clone(),
                sides,
                score_a: score(a, &tile.title_id),
                score_b: score(b, &tile.title_id),
            }),
            // Learned features only (the baseline has no weight to show),
            // and none when a side's scores are not Marquee's.
            changes: changed_contributions(a, b, &tile.title_id)
                .into_iter()
                .filter(|_| external.is_none())
                .filter_map(|(feature, ca, cb)| {
                    let i = Feature::from_name(&feature)?.index();
                    Some(FeatureChange {
                        feature,
                        contribution_a: ca,
                        contribution_b: cb,
                        weight_a: wa[i],
                        weight_b: wb[i],
                    })
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::fixtures;

    /// Every tile at 80 % Match: these tests are about order only.
    fn page(rows: &[(&str, &[&str])]) -> Page {
        fixtures::page(
            rows.iter()
                .map(|(id, ts)| (*id, ts.iter().map(|t| fixtures::item(t, 80)).collect()))
                .collect(),
        )
    }

    #[test]
    fn a_hand_built_pair_of_pages_gives_the_expected_moves() {
        let a = page(&[
            ("picks", &["x", "y", "z", "w"]),
            ("trending", &["t1", "t2"]),
            ("old", &["o"]),
        ]);
        let b = page(&[
            ("trending", &["t2", "t1"]),
            ("picks", &["z", "x", "v", "y"]),
            ("fresh", &["f"]),
        ]);
        let d = diff_pages(&a, &b);
        let row = |id: &str| d.iter().find(|r| r.id == id).unwrap();
        assert_eq!(row("trending").change, Move::Up(1));
        assert_eq!(row("picks").change, Move::Down(1));
        assert_eq!(row("fresh").change, Move::New);
        assert_eq!(row("old").change, Move::Gone);
        let tile = |r: &str, t: &str| {
            row(r)
                .tiles
                .iter()
                .find(|x| x.title_id == t)
                .unwrap()
                .change
        };
        assert_eq!(tile("picks", "z"), Move::Up(2));
        assert_eq!(tile("picks", "x"), Move::Down(1));
        assert_eq!(tile("picks", "v"), Move::New);
        assert_eq!(tile("picks", "y"), Move::Down(2));
        assert_eq!(tile("picks", "w"), Move::Gone);
        assert_eq!(tile("trending", "t2"), Move::Up(1));
        assert_eq!(tile("old", "o"), Move::Gone);
        assert_eq!(Move::Up(3).label(), "↑3");
    }

    #[test]
    fn a_move_on_an_external_rankers_page_is_told_by_its_score_not_marquees_weights() {
        let contributed = |t: &str, score: f64| {
            let mut i = fixtures::item(t, 80);
            i.score = score;
            i.explanation.contributions = vec![crate::rank::serve::page::Contribution {
                feature: "freshness".into(),
                value: 0.5,
            }];
            i
        };
        let a = fixtures::page(vec![(
            "picks",
            vec![contributed("x", 0.9), contributed("y", 0.4)],
        )]);
        let mut b = fixtures::page(vec![(
            "picks",
            vec![fixtures::item("y", 80), fixtures::item("x", 80)],
        )]);
        b.rows[0].items[0].score = 0.8;
        b.ranker = Some(crate::rank::external::RankerStatus {
            source: "ranker-file:s.csv".into(),
            fallback: None,
        });
        let w = [1.0; NF];
        let why = why_moved(&a, &b, &diff_pages(&a, &b), &w, &w, 5);
        let y = why.iter().find(|m| m.title_id == "y").unwrap();
        assert!(y.changes.is_empty(), "{:?}", y.changes);
        assert_eq!(
            y.summary(),
            "↑1 y in picks; score +0.40 → +0.80 (the external ranker's order on B)"
        );
        // A page that fell back is Marquee's own: its features explain it.
        b.ranker.as_mut().unwrap().fallback = Some("the ranker died".into());
        let why = why_moved(&a, &b, &diff_pages(&a, &b), &w, &w, 5);
        assert!(why.iter().all(|m| m.scored_by.is_none()));
        assert!(why.iter().any(|m| !m.changes.is_empty()));
    }
}
