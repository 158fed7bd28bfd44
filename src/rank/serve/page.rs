//! The Page: the one contract between the ranker and everything that shows
//! it (the TUI, `marquee rows --json`, snapshots, tests). Fields may be
//! added; the ones here may not be renamed.

use crate::rank::Context;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub profile: String,
    pub context: Context,
    pub config: ConfigRef,
    pub seed: u64,
    pub rows: Vec<Row>,
    /// Set when an external ranker scored the page (or failed it: `fallback`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranker: Option<crate::rank::external::RankerStatus>,
}

/// Which ranker configuration built the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigRef {
    pub name: String,
    pub hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    ContinueWatching,
    TopPicks,
    BecauseYouWatched,
    Trending,
    Top10,
    NewReleases,
    MicroGenre,
    MyList,
    Explore,
    Popular,
}

impl RowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RowKind::ContinueWatching => "continue_watching",
            RowKind::TopPicks => "top_picks",
            RowKind::BecauseYouWatched => "because_you_watched",
            RowKind::Trending => "trending",
            RowKind::Top10 => "top10",
            RowKind::NewReleases => "new_releases",
            RowKind::MicroGenre => "micro_genre",
            RowKind::MyList => "my_list",
            RowKind::Explore => "explore",
            RowKind::Popular => "popular",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Stable across pages: `kind` or `kind:detail` (`because_you_watched:t0042`).
    pub id: String,
    pub kind: RowKind,
    pub title: String,
    pub score: f64,
    /// Why the row exists and why it stands where it does.
    pub reason: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub title_id: String,
    pub name: String,
    pub score: f64,
    /// Calibrated "% Match", 0–100.
    #[serde(rename = "match")]
    pub match_pct: u8,
    pub artwork_id: String,
    pub explanation: Explanation,
}

/// The default is an explanation with nothing in it (a page's sketch, a test's tile).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// One sentence a viewer could be shown.
    pub reason: String,
    /// Each feature's part of the score, largest magnitude first; they sum to the score.
    pub contributions: Vec<Contribution>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    #[serde(default)]
    pub exploration: bool,
    pub artwork_reason: String,
    /// For continue watching: where to resume, e.g. "S1:E4".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub feature: String,
    pub value: f64,
}

impl Page {
    /// Every (row index, item index) where a title appears.
    pub fn positions(&self, title_id: &str) -> Vec<(usize, usize)> {
        let mut out = vec![];
        for (r, row) in self.rows.iter().enumerate() {
            for (i, item) in row.items.iter().enumerate() {
                if item.title_id == title_id {
                    out.push((r, i));
                }
            }
        }
        out
    }

    /// The external ranker that scored this page, when one did (a page
    /// that fell back is Marquee's own).
    pub fn external_source(&self) -> Option<&str> {
        self.ranker
            .as_ref()
            .filter(|r| r.fallback.is_none())
            .map(|r| r.source.as_str())
    }

    /// The first tile showing a title, in row order.
    pub fn item(&self, title_id: &str) -> Option<&Item> {
        self.rows
            .iter()
            .flat_map(|r| &r.items)
            .find(|i| i.title_id == title_id)
    }

    /// The tiles as a viewer reads them: the first `rows` rows top to bottom,
    /// the first `per_row` tiles of each left to right.
    pub fn tiles_read(&self, rows: usize, per_row: usize) -> impl Iterator<Item = &Item> {
        self.rows
            .iter()
            .take(rows)
            .flat_map(move |r| r.items.iter().take(per_row))
    }

    /// The titles of [`Page::tiles_read`], each once, in reading order.
    pub fn reading_order(&self, rows: usize, per_row: usize) -> Vec<&str> {
        let mut out: Vec<&str> = vec![];
        for item in self.tiles_read(rows, per_row) {
            if !out.contains(&item.title_id.as_str()) {
                out.push(&item.title_id);
            }
        }
        out
    }

    pub fn row(&self, kind: RowKind) -> Option<&Row> {
        self.rows.iter().find(|r| r.kind == kind)
    }
}

/// Round for output: stable, readable JSON without changing any ordering decision.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The "% Match" to show, if any: below 50 it says too little, and every
/// screen and printout leaves it out.
pub fn shown_match(pct: u8) -> Option<u8> {
    (pct >= 50).then_some(pct)
}

/// Hand-built pages for the unit tests of what compares pages.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    /// A tile with only an id (also its name) and a % Match.
    pub fn item(title_id: &str, match_pct: u8) -> Item {
        Item {
            title_id: title_id.to_string(),
            name: title_id.to_string(),
            score: 0.0,
            match_pct,
            artwork_id: format!("{title_id}-a1"),
            explanation: Explanation::default(),
        }
    }

    /// A page of rows, each given as (row id, which is also its title; tiles).
    pub fn page(rows: Vec<(&str, Vec<Item>)>) -> Page {
        let now =
            chrono::DateTime::parse_from_rfc3339("2026-11-18T08:00:00Z").expect("a valid time");
        Page {
            profile: "p".into(),
            context: Context::new(now, crate::catalog::Device::Mobile),
            config: ConfigRef {
                name: "c".into(),
                hash: "h".into(),
            },
            seed: 1,
            rows: rows
                .into_iter()
                .map(|(id, items)| Row {
                    id: id.to_string(),
                    kind: RowKind::TopPicks,
                    title: id.to_string(),
                    score: 0.0,
                    reason: String::new(),
                    items,
                })
                .collect(),
            ranker: None,
        }
    }
}
