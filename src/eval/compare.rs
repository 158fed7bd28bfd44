//! Comparing two ranker configs on one profile: the two pages as a
//! whole-page diff (rows added, removed, moved; tiles ↑n / ↓n / new / gone),
//! page-level numbers for each (NDCG@10 on the profile's held-out events,
//! coverage, genre diversity, exploration share, time to first play), and
//! for the largest moves, which feature contributions changed and why.

use super::protocol::first_play;
use crate::rank::feature::{Feature, NF};
use crate::rank::{Model, Page, Row, VISIBLE};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How a row or a tile moved from page A to page B (positions counted from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "move", content = "by")]
pub enum Move {
    Same,
    Up(usize),
    Down(usize),
    New,
    Gone,
}

impl Move {
    pub fn between(a: Option<usize>, b: Option<usize>) -> Move {
        match (a, b) {
            (Some(x), Some(y)) if y < x => Move::Up(x - y),
            (Some(x), Some(y)) if y > x => Move::Down(y - x),
            (Some(_), Some(_)) => Move::Same,
            (None, _) => Move::New,
            (_, None) => Move::Gone,
        }
    }

    pub fn label(self) -> String {
        match self {
            Move::Same => "=".into(),
            Move::Up(n) => format!("↑{n}"),
            Move::Down(n) => format!("↓{n}"),
            Move::New => "new".into(),
            Move::Gone => "gone".into(),
        }
    }

    fn size(self) -> usize {
        match self {
            Move::Same => 0,
            Move::Up(n) | Move::Down(n) => n,
            Move::New | Move::Gone => usize::MAX / 2,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RowDiff {
    pub id: String,
    pub title: String,
    #[serde(flatten)]
    pub change: Move,
    /// Tiles of this row, as on page B (then the ones that left).
    pub tiles: Vec<TileDiff>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TileDiff {
    pub title_id: String,
    pub name: String,
    #[serde(flatten)]
    pub change: Move,
}

/// How every id of list `b` moved from list `a`, in `b`'s order, then the
/// ids of `a` that are gone. Rows of a page and tiles of a row both use it.
pub fn list_moves<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(&'a str, Move)> {
    let pos = |l: &[&'a str]| -> BTreeMap<&'a str, usize> {
        l.iter().enumerate().map(|(i, id)| (*id, i)).collect()
    };
    let (pa, pb) = (pos(a), pos(b));
    let mut out: Vec<(&str, Move)> = b
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, Move::between(pa.get(id).copied(), Some(i))))
        .collect();
    out.extend(
        a.iter()
            .filter(|id| !pb.contains_key(*id))
            .map(|id| (*id, Move::Gone)),
    );
    out
}

/// Rows of B against A (then A's rows that are gone); in each row, tiles likewise.
pub fn diff_pages(a: &Page, b: &Page) -> Vec<RowDiff> {
    fn ids(p: &Page) -> Vec<&str> {
        p.rows.iter().map(|r| r.id.as_str()).collect()
    }
    fn find<'p>(p: &'p Page, id: &str) -> Option<&'p Row> {
        p.rows.iter().find(|r| r.id == id)
    }
    list_moves(&ids(a), &ids(b))
        .into_iter()
        .map(|(id, change)| {
            let (row_a, row_b) = (find(a, id), find(b, id));
            let row = row_b.or(row_a).expect("the id is on one of the pages");
            RowDiff {
                id: row.id.clone(),
                title: row.title.clone(),
                change,
                tiles: tile_moves(row_a, row_b),
            }
        })
        .collect()
}

fn tile_moves(a: Option<&Row>, b: Option<&Row>) -> Vec<TileDiff> {
    fn ids(r: Option<&Row>) -> Vec<&str> {
        r.map_or(vec![], |r| {
            r.items.iter().map(|i| i.title_id.as_str()).collect()
        })
    }
    let name = |id: &str| {
        [b, a]
            .into_iter()
            .flatten()
            .flat_map(|r| &r.items)
            .find(|i| i.title_id == id)
            .map_or(String::new(), |i| i.name.clone())
    };
    list_moves(&ids(a), &ids(b))
        .into_iter()
        .map(|(id, change)| TileDiff {
            title_id: id.to_string(),
            name: name(id),
            change,
        })
        .collect()
}

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
    let dcg: f64 = reading
        .iter()
        .take(10)
        .enumerate()
        .filter(|(_, t)| held_out.contains(**t))
        .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
        .sum();
    let ideal: f64 = (0..held_out.len().min(10))
        .map(|i| 1.0 / ((i + 2) as f64).log2())
        .sum();
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
        // A sum of nothing is −0.0 in Rust: a page without a hit scores a plain 0.
        ndcg10: if dcg > 0.0 { dcg / ideal } else { 0.0 },
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
}

impl WhyMoved {
    /// "↑7: device_match +0.21 (weight 0.16 → 0.40)" for the biggest change.
    pub fn summary(&self) -> String {
        let mut s = format!("{} {} in {}", self.change.label(), self.name, self.row);
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
    moves
        .into_iter()
        .take(n)
        .map(|(row, tile)| WhyMoved {
            row: row.title.clone(),
            title_id: tile.title_id.clone(),
            name: tile.name.clone(),
            change: tile.change,
            // Learned features only: the baseline has no weight to show.
            changes: changed_contributions(a, b, &tile.title_id)
                .into_iter()
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
}
