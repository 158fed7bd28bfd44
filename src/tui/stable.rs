//! A page that stays put around the viewer after feedback (the freshness
//! against stability trade-off of a streaming home page): the rows above
//! the cursor and the row under it keep their places and their tiles; only
//! the title the feedback was about may leave (a thumbs down). The rows
//! below take the new ranking. Pure: two pages in, the page to show out.

use crate::rank::{Item, Page, Row};

/// The page to show after feedback on `title_id`: `new` (the ranker's page)
/// with rows `0..=cursor` of `old` kept in place. A kept row takes the new
/// figures of each of its tiles (% Match, explanation) where the new page
/// has the title, and keeps its old tile where it does not (a title just
/// rated up is no longer recommended, but it stays where the viewer saw it).
/// With `removed`, the rated title leaves the kept rows and the row is
/// topped up at its end from the same row of the new page.
pub fn stabilize(old: &Page, new: Page, cursor: usize, title_id: &str, removed: bool) -> Page {
    let kept = old.rows.len().min(cursor + 1);
    let mut rows: Vec<Row> = old.rows[..kept]
        .iter()
        .map(|row| keep_row(row, &new, title_id, removed))
        .collect();
    let kept_ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    rows.extend(
        new.rows
            .iter()
            .filter(|r| !kept_ids.contains(&r.id))
            .cloned(),
    );
    Page { rows, ..new }
}

fn keep_row(row: &Row, new: &Page, title_id: &str, removed: bool) -> Row {
    let same = new.rows.iter().find(|r| r.id == row.id);
    let fresh = |id: &str| -> Option<&Item> {
        same.and_then(|r| r.items.iter().find(|i| i.title_id == id))
            .or_else(|| new.item(id))
    };
    let mut items: Vec<Item> = row
        .items
        .iter()
        .filter(|i| !(removed && i.title_id == title_id))
        .map(|i| fresh(&i.title_id).cloned().unwrap_or_else(|| i.clone()))
        .collect();
    if let Some(same) = same {
        let room = row.items.len().saturating_sub(items.len());
        let top_up: Vec<Item> = same
            .items
            .iter()
            .filter(|i| i.title_id != title_id && !items.iter().any(|k| k.title_id == i.title_id))
            .take(room)
            .cloned()
            .collect();
        items.extend(top_up);
    }
    let base = same.unwrap_or(row);
    Row {
        items,
        ..base.clone()
    }
}

/// The share of the first `rows` rows' first `per_row` slots (row, column)
/// that show another title than before: 0 when nothing a viewer sees moved.
pub fn churn(old: &Page, new: &Page, rows: usize, per_row: usize) -> f64 {
    fn slot(p: &Page, r: usize, c: usize) -> Option<(&str, &str)> {
        let row = p.rows.get(r)?;
        row.items
            .get(c)
            .map(|i| (row.id.as_str(), i.title_id.as_str()))
    }
    let mut total = 0;
    let mut changed = 0;
    for r in 0..rows.min(old.rows.len()) {
        for c in 0..per_row.min(old.rows[r].items.len()) {
            total += 1;
            if slot(old, r, c) != slot(new, r, c) {
                changed += 1;
            }
        }
    }
    if total == 0 {
        0.0
    } else {
        changed as f64 / total as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::{Explanation, RowKind};

    fn item(id: &str, pct: u8) -> Item {
        Item {
            title_id: id.into(),
            name: id.into(),
            score: 0.0,
            match_pct: pct,
            artwork_id: format!("{id}-a1"),
            explanation: Explanation::default(),
        }
    }

    fn page(rows: &[(&str, &[&str])]) -> Page {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-18T08:00:00Z").unwrap();
        Page {
            profile: "p".into(),
            context: crate::rank::Context::new(now, crate::catalog::Device::Tv),
            config: crate::rank::ConfigRef {
                name: "c".into(),
                hash: "h".into(),
            },
            seed: 1,
            rows: rows
                .iter()
                .map(|(id, items)| Row {
                    id: id.to_string(),
                    kind: RowKind::TopPicks,
                    title: id.to_string(),
                    score: 0.0,
                    reason: String::new(),
                    items: items.iter().map(|i| item(i, 50)).collect(),
                })
                .collect(),
            ranker: None,
        }
    }

    #[test]
    fn a_thumbs_up_keeps_the_rows_to_the_cursor_and_the_rated_tile() {
        let old = page(&[
            ("cw", &["a", "b"]),
            ("picks", &["c", "d", "e"]),
            ("more", &["f"]),
        ]);
        // The ranker moved picks down, dropped the rated d and brought a new row.
        let new = page(&[
            ("fresh", &["x"]),
            ("cw", &["b", "a"]),
            ("more", &["f"]),
            ("picks", &["e", "c", "y"]),
        ]);
        let shown = stabilize(&old, new, 1, "d", false);
        let ids: Vec<&str> = shown.rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["cw", "picks", "fresh", "more"]);
        let picks: Vec<&str> = shown.rows[1]
            .items
            .iter()
            .map(|i| i.title_id.as_str())
            .collect();
        assert_eq!(
            picks,
            ["c", "d", "e"],
            "the tiles stay where the viewer saw them"
        );
        assert_eq!(churn(&old, &shown, 2, 6), 0.0);
    }

    #[test]
    fn a_thumbs_down_takes_only_the_rated_tile_out_and_tops_the_row_up() {
        let old = page(&[("picks", &["c", "d", "e"])]);
        let new = page(&[("picks", &["e", "c", "y"])]);
        let shown = stabilize(&old, new, 0, "d", true);
        let picks: Vec<&str> = shown.rows[0]
            .items
            .iter()
            .map(|i| i.title_id.as_str())
            .collect();
        assert_eq!(picks, ["c", "e", "y"]);
    }
}
