//! The one page diff: how the rows of one page and the tiles of each row
//! moved against another page. `compare` reports it, the split view and
//! the TUI's movement marks after feedback show it.

use crate::rank::{Page, Row};
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
    /// New to its row, but the other page showed it in another row.
    Moved,
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
            Move::Moved => "moved".into(),
        }
    }

    /// How far it moved, for ordering moves by size (arriving or leaving is the largest).
    pub fn size(self) -> usize {
        match self {
            Move::Same => 0,
            Move::Up(n) | Move::Down(n) => n,
            Move::New | Move::Gone | Move::Moved => usize::MAX / 2,
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

/// The TUI's movement marks: how each tile of `new` moved from `old`, keyed
/// `row id/title id`; a tile new to its row is `Moved` when `old` showed it
/// in another row. Tiles that stayed put have no mark.
pub fn tile_marks(old: &Page, new: &Page) -> BTreeMap<String, Move> {
    let on_old: BTreeSet<&str> = old
        .rows
        .iter()
        .flat_map(|r| r.items.iter().map(|i| i.title_id.as_str()))
        .collect();
    let mut marks = BTreeMap::new();
    for row in diff_pages(old, new)
        .iter()
        .filter(|r| r.change != Move::Gone)
    {
        for tile in &row.tiles {
            let mark = match tile.change {
                Move::Same | Move::Gone => continue,
                Move::New if on_old.contains(tile.title_id.as_str()) => Move::Moved,
                m => m,
            };
            marks.insert(format!("{}/{}", row.id, tile.title_id), mark);
        }
    }
    marks
}
