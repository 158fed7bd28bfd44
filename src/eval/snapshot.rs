//! Golden page snapshots: every profile's page in a fixed set of contexts,
//! written as Page JSON with the config and model fingerprint, and checked
//! later by regenerating them. A page that is not byte-identical is judged
//! by two numbers: its utility (position-discounted % Match of the visible
//! tiles, rows discounted by position) and the rank correlation of its top
//! tiles with the approved page. Within the tolerance it counts as
//! unchanged; beyond it, improved / worse (utility) or changed (order).

use super::compare::{diff_pages, list_moves, Move};
use crate::rank::{Context, Page, VISIBLE};
use serde::{Deserialize, Serialize};

/// The documented contexts every profile is snapshotted in (times in UTC).
pub const CONTEXTS: [(&str, &str, crate::catalog::Device); 4] = [
    (
        "weekday-morning-mobile",
        "2026-11-18T08:00:00Z",
        crate::catalog::Device::Mobile,
    ),
    (
        "weekday-evening-tv",
        "2026-11-18T20:30:00Z",
        crate::catalog::Device::Tv,
    ),
    (
        "weekend-afternoon-tablet",
        "2026-11-21T15:00:00Z",
        crate::catalog::Device::Tablet,
    ),
    (
        "weekend-evening-tv",
        "2026-11-21T21:00:00Z",
        crate::catalog::Device::Tv,
    ),
];

/// Rows whose visible tiles make up a page's "top items".
pub const TOP_ROWS: usize = 3;

pub fn contexts() -> Vec<(&'static str, Context)> {
    CONTEXTS
        .iter()
        .map(|(name, now, device)| {
            (
                *name,
                Context::new(
                    chrono::DateTime::parse_from_rfc3339(now).expect("a valid built-in time"),
                    *device,
                ),
            )
        })
        .collect()
}

/// What a snapshot folder was written from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub config_name: String,
    pub config_hash: String,
    /// The training data and parameters the model was trained on.
    pub model_fingerprint: String,
    pub seed: u64,
    /// File name (without `.json`) of every page: `<profile>--<context>`.
    pub pages: Vec<String>,
}

pub fn page_file(profile: &str, context: &str) -> String {
    format!("{profile}--{context}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Unchanged,
    Improved,
    Worse,
    Changed,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageCheck {
    pub page: String,
    pub verdict: Verdict,
    pub utility_before: f64,
    pub utility_after: f64,
    /// Spearman correlation of the top tiles (1 = same order).
    pub rank_correlation: f64,
    /// Compact differences, one line each.
    pub diff: Vec<String>,
    /// Titles shown now (a visible tile of any row) that the approved page did not show.
    pub came: Vec<ShownTitle>,
    /// Titles the approved page showed that are no longer shown.
    pub went: Vec<ShownTitle>,
}

/// A title on a page's visible tiles, with its % Match there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownTitle {
    pub title_id: String,
    pub name: String,
    pub match_pct: u8,
}

/// Every title on a page's visible tiles, each once, in reading order.
pub fn shown_titles(page: &Page) -> Vec<ShownTitle> {
    let mut out: Vec<ShownTitle> = vec![];
    for row in &page.rows {
        for item in row.items.iter().take(VISIBLE) {
            if !out.iter().any(|t| t.title_id == item.title_id) {
                out.push(ShownTitle {
                    title_id: item.title_id.clone(),
                    name: item.name.clone(),
                    match_pct: item.match_pct,
                });
            }
        }
    }
    out
}

/// The titles of `a` that `b` does not show.
fn missing_from(a: &[ShownTitle], b: &[ShownTitle]) -> Vec<ShownTitle> {
    a.iter()
        .filter(|t| !b.iter().any(|u| u.title_id == t.title_id))
        .cloned()
        .collect()
}

/// Position-discounted mean % Match (0–1) of the first rows' visible tiles.
pub fn utility(page: &Page) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for (r, row) in page.rows.iter().enumerate() {
        let row_weight = 1.0 / ((r + 2) as f64).log2();
        for (i, item) in row.items.iter().take(VISIBLE).enumerate() {
            let w = row_weight / ((i + 2) as f64).log2();
            num += w * item.match_pct as f64 / 100.0;
            den += w;
        }
    }
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

/// The top tiles in reading order: the first rows' visible tiles, each title once.
pub fn top_items(page: &Page) -> Vec<String> {
    page.reading_order(TOP_ROWS, VISIBLE)
        .into_iter()
        .map(String::from)
        .collect()
}

/// Spearman's ρ over the union of two rankings; a title missing from one
/// ranking takes the rank just after its last.
pub fn rank_correlation(a: &[String], b: &[String]) -> f64 {
    let mut union: Vec<&String> = a.iter().collect();
    union.extend(b.iter().filter(|x| !a.contains(x)));
    let n = union.len();
    if n < 2 {
        return 1.0;
    }
    let rank =
        |list: &[String], t: &String| list.iter().position(|x| x == t).unwrap_or(list.len()) as f64;
    let ra: Vec<f64> = union.iter().map(|t| rank(a, t)).collect();
    let rb: Vec<f64> = union.iter().map(|t| rank(b, t)).collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n as f64;
    let (ma, mb) = (mean(&ra), mean(&rb));
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    if va == 0.0 || vb == 0.0 {
        return if ra == rb { 1.0 } else { 0.0 };
    }
    cov / (va.sqrt() * vb.sqrt())
}

/// Judge a regenerated page against the approved one.
pub fn check_page(name: &str, approved: &Page, now: &Page, tolerance: f64) -> PageCheck {
    let (before, after) = (utility(approved), utility(now));
    let (top_a, top_b) = (top_items(approved), top_items(now));
    let rho = rank_correlation(&top_a, &top_b);
    let identical = approved == now;
    let (shown_before, shown_now) = (shown_titles(approved), shown_titles(now));
    let came = missing_from(&shown_now, &shown_before);
    let went = missing_from(&shown_before, &shown_now);
    // A title that came or went is a change whatever the numbers say.
    let same_titles = came.is_empty() && went.is_empty();
    let within = (after - before).abs() <= tolerance && rho >= 1.0 - tolerance;
    let verdict = if identical || (within && same_titles) {
        Verdict::Unchanged
    } else if after > before + tolerance {
        Verdict::Improved
    } else if after < before - tolerance {
        Verdict::Worse
    } else {
        Verdict::Changed
    };
    let diff = if identical {
        vec![]
    } else {
        page_diff(approved, now)
    };
    PageCheck {
        page: name.to_string(),
        verdict,
        utility_before: before,
        utility_after: after,
        rank_correlation: rho,
        diff,
        came,
        went,
    }
}

/// Rows added, removed or moved, and tiles that entered or left the top items.
pub fn page_diff(a: &Page, b: &Page) -> Vec<String> {
    let mut out = vec![];
    // Rows still on the page come first, in the new page's order.
    for (i, row) in diff_pages(a, b).iter().enumerate() {
        match row.change {
            Move::New => out.push(format!("row {} new at {}", row.title, i + 1)),
            Move::Up(n) => out.push(format!("row {} ↑ {n} (now {})", row.title, i + 1)),
            Move::Down(n) => out.push(format!("row {} ↓ {n} (now {})", row.title, i + 1)),
            Move::Gone => out.push(format!("row {} gone", row.title)),
            Move::Same | Move::Moved => {}
        }
    }
    let (ta, tb) = (top_items(a), top_items(b));
    fn ids(l: &[String]) -> Vec<&str> {
        l.iter().map(String::as_str).collect()
    }
    for (i, (t, change)) in list_moves(&ids(&ta), &ids(&tb)).into_iter().enumerate() {
        match change {
            Move::New => out.push(format!("top tile {t} new at {}", i + 1)),
            Move::Up(n) => out.push(format!("top tile {t} ↑ {n}")),
            Move::Down(n) => out.push(format!("top tile {t} ↓ {n}")),
            Move::Gone => out.push(format!("top tile {t} gone")),
            Move::Same | Move::Moved => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::fixtures;

    fn page(rows: &[(&str, &[(&str, u8)])]) -> Page {
        fixtures::page(
            rows.iter()
                .map(|(id, ts)| (*id, ts.iter().map(|(t, m)| fixtures::item(t, *m)).collect()))
                .collect(),
        )
    }

    #[test]
    fn the_same_page_is_unchanged_and_a_better_one_improved() {
        let a = page(&[("r1", &[("x", 90), ("y", 80)]), ("r2", &[("z", 70)])]);
        assert_eq!(check_page("a", &a, &a, 0.01).verdict, Verdict::Unchanged);
        let better = page(&[("r1", &[("x", 99), ("y", 95)]), ("r2", &[("z", 90)])]);
        assert_eq!(
            check_page("a", &a, &better, 0.01).verdict,
            Verdict::Improved
        );
        assert_eq!(check_page("a", &better, &a, 0.01).verdict, Verdict::Worse);
    }

    #[test]
    fn a_title_that_left_is_listed_even_when_utility_barely_moved() {
        let rows = |last: &'static str, pct: u8| {
            let mut r: Vec<(String, Vec<(String, u8)>)> = (0..7)
                .map(|i| (format!("r{i}"), vec![(format!("t{i}"), 80)]))
                .collect();
            r.push(("r7".into(), vec![(last.to_string(), pct)]));
            fixtures::page(
                r.iter()
                    .map(|(id, ts)| {
                        (
                            id.as_str(),
                            ts.iter().map(|(t, m)| fixtures::item(t, *m)).collect(),
                        )
                    })
                    .collect(),
            )
        };
        let (a, b) = (rows("gem", 98), rows("other", 97));
        let c = check_page("p", &a, &b, 0.01);
        assert!((c.utility_after - c.utility_before).abs() < 0.01);
        assert_eq!(c.verdict, Verdict::Changed);
        assert_eq!(c.went.len(), 1);
        assert_eq!(
            (c.went[0].title_id.as_str(), c.went[0].match_pct),
            ("gem", 98)
        );
        assert_eq!(c.came[0].title_id, "other");
    }

    #[test]
    fn a_reordering_at_the_same_utility_is_changed_and_diffed() {
        let a = page(&[
            ("r1", &[("x", 80), ("y", 80), ("w", 80)]),
            ("r2", &[("z", 80)]),
        ]);
        let b = page(&[
            ("r2", &[("z", 80)]),
            ("r1", &[("w", 80), ("y", 80), ("v", 80)]),
        ]);
        let c = check_page("a", &a, &b, 0.01);
        assert_eq!(c.verdict, Verdict::Changed);
        assert!(c.rank_correlation < 0.99);
        assert!(
            c.diff.contains(&"row r2 ↑ 1 (now 1)".to_string()),
            "{:?}",
            c.diff
        );
        assert!(
            c.diff.contains(&"top tile v new at 4".to_string()),
            "{:?}",
            c.diff
        );
        assert!(
            c.diff.contains(&"top tile x gone".to_string()),
            "{:?}",
            c.diff
        );
    }

    #[test]
    fn rank_correlation_is_one_for_the_same_order_and_negative_for_the_reverse() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!((rank_correlation(&s(&["a", "b", "c"]), &s(&["a", "b", "c"])) - 1.0).abs() < 1e-12);
        assert!(rank_correlation(&s(&["a", "b", "c"]), &s(&["c", "b", "a"])) < -0.99);
    }
}
