//! `marquee explain`: why a title is where it is on a profile's page, or
//! why it is not there at all.

use super::assemble::PageRequest;
use super::score::PageScorer;
use crate::rank::eligibility::Exclusion;
use crate::rank::{Contribution, Item};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    pub row_id: String,
    pub row_title: String,
    /// 1-based.
    pub row_position: usize,
    /// 1-based.
    pub item_position: usize,
    pub row_reason: String,
    pub item: Item,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TitleExplanation {
    pub title_id: String,
    pub name: String,
    pub placements: Vec<Placement>,
    /// Why it is not on the page, when it is not.
    pub not_shown: Option<String>,
    pub score: f64,
    #[serde(rename = "match")]
    pub match_pct: u8,
    pub contributions: Vec<Contribution>,
    /// Its rank by score among the titles that could be recommended (1-based), if it is one.
    pub rank: Option<usize>,
    pub candidates: usize,
    /// The external ranker that scored the page, or its fallback.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ranker: Option<crate::rank::external::RankerStatus>,
}

/// Explain title index `t` on the page this request builds.
pub fn explain_title(req: &PageRequest, t: usize) -> TitleExplanation {
    let model = req.model;
    let page = req.page();
    let title = &model.titles[t];
    let placements: Vec<Placement> = page
        .rows
        .iter()
        .enumerate()
        .flat_map(|(r, row)| {
            row.items
                .iter()
                .enumerate()
                .filter(|(_, i)| i.title_id == title.id)
                .map(move |(i, item)| Placement {
                    row_id: row.id.clone(),
                    row_title: row.title.clone(),
                    row_position: r + 1,
                    item_position: i + 1,
                    row_reason: row.reason.clone(),
                    item: item.clone(),
                })
        })
        .collect();
    let s = req.scorer();
    let mut ranked: Vec<usize> = (0..model.titles.len())
        .filter(|&x| s.recommendable(x))
        .collect();
    ranked.sort_by(|&a, &b| {
        s.score(b)
            .total_cmp(&s.score(a))
            .then_with(|| model.titles[a].id.cmp(&model.titles[b].id))
    });
    let rank = ranked.iter().position(|&x| x == t).map(|p| p + 1);
    let not_shown = placements
        .is_empty()
        .then(|| why_not(&s, t, rank, ranked.len(), &page));
    TitleExplanation {
        title_id: title.id.clone(),
        name: title.name.clone(),
        placements,
        not_shown,
        score: s.shown_score(t),
        match_pct: s.scored[t].match_pct,
        contributions: s.contributions(t),
        rank,
        candidates: ranked.len(),
        ranker: page.ranker.clone(),
    }
}

fn why_not(
    s: &PageScorer,
    t: usize,
    rank: Option<usize>,
    candidates: usize,
    page: &crate::rank::Page,
) -> String {
    let title = &s.model.titles[t];
    let profile = s.profile;
    match s.exclusion(t) {
        Some(Exclusion::AboveMaturity) => {
            return format!(
                "filtered by maturity: it is rated {}, above this profile's limit of {}",
                title.maturity, profile.maturity
            )
        }
        Some(Exclusion::ThumbedDown) => return "thumbed down: you rated it down, so it is kept off every row (and similar titles are demoted)".into(),
        Some(Exclusion::Played) if profile.finished(t) => return "already watched: you finished it".into(),
        Some(Exclusion::Played) => {
            let st = &profile.titles[&t];
            if profile.is_abandoned(st, s.ctx.now_unix()) {
                return format!("abandoned: you stopped at {:.0}% and did not come back, so it is not offered again", st.progress * 100.0);
            }
            return "already started: it belongs in Continue Watching, which has no room for it"
                .into();
        }
        Some(Exclusion::Rated) => {
            return "already rated: titles you rated are not recommended again".into()
        }
        None => {}
    }
    let shown_in_picks = page
        .rows
        .iter()
        .find(|r| {
            matches!(
                r.kind,
                crate::rank::RowKind::TopPicks | crate::rank::RowKind::Popular
            )
        })
        .map_or(0, |r| r.items.len());
    match rank {
        Some(r) => format!("below the cut: it ranks {r} of {candidates} candidates by score; the top-picks row shows {shown_in_picks}, and no other row chose it"),
        None => "not a candidate".into(),
    }
}
