//! `marquee explain`: why a title is where it is on a profile's page, or
//! why it is not there at all.

use super::assemble::build_page;
use super::score::PageScorer;
use super::{Context, Contribution, Item, Model, ProfileState, RankerConfig};
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
}

/// Explain title index `t` on the page built from these inputs.
pub fn explain_title(
    model: &Model,
    profile: &ProfileState,
    ctx: &Context,
    config: &RankerConfig,
    seed: u64,
    t: usize,
) -> TitleExplanation {
    let page = build_page(model, profile, ctx, config, seed);
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
    let s = PageScorer::new(model, profile, ctx, config, seed);
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
        score: s.score(t),
        match_pct: s.scored[t].match_pct,
        contributions: s.contributions(t),
        rank,
        candidates: ranked.len(),
    }
}

fn why_not(
    s: &PageScorer,
    t: usize,
    rank: Option<usize>,
    candidates: usize,
    page: &super::Page,
) -> String {
    let title = &s.model.titles[t];
    let profile = s.profile;
    if !profile.maturity.allows(title.maturity) {
        return format!(
            "filtered by maturity: it is rated {}, above this profile's limit of {}",
            title.maturity, profile.maturity
        );
    }
    let state = profile.titles.get(&t);
    if profile.thumbed_down(t) {
        return "thumbed down: you rated it down, so it is kept off every row (and similar titles are demoted)".into();
    }
    if profile.finished(t) {
        return "already watched: you finished it".into();
    }
    if let Some(st) = state {
        if st.plays > 0 && profile.is_abandoned(st, s.ctx.now_unix()) {
            return format!("abandoned: you stopped at {:.0}% and did not come back, so it is not offered again", st.progress * 100.0);
        }
        if st.plays > 0 {
            return "already started: it belongs in Continue Watching, which has no room for it"
                .into();
        }
        if st.thumb().is_some() {
            return "already rated: titles you rated are not recommended again".into();
        }
    }
    let shown_in_picks = page
        .rows
        .iter()
        .find(|r| matches!(r.kind, super::RowKind::TopPicks | super::RowKind::Popular))
        .map_or(0, |r| r.items.len());
    match rank {
        Some(r) => format!("below the cut: it ranks {r} of {candidates} candidates by score; the top-picks row shows {shown_in_picks}, and no other row chose it"),
        None => "not a candidate".into(),
    }
}
