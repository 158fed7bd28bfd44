//! `marquee explain`: why a title is where it is on a profile's page, or
//! why it is not there at all. A title above the profile's maturity limit
//! is explained by its id and rating only: its name is not shown to the
//! profile here either.

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
            .then_with(|| model.by_id(a, b))
    });
    let rank = ranked.iter().position(|&x| x == t).map(|p| p + 1);
    let not_shown = placements
        .is_empty()
        .then(|| why_not(&s, t, rank, ranked.len(), &page));
    let name = if req.profile.maturity.allows(title.maturity) {
        title.name.clone()
    } else {
        format!("(withheld: rated {})", title.maturity)
    };
    TitleExplanation {
        title_id: title.id.clone(),
        name,
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

#[cfg(test)]
mod tests {
    use crate::catalog::{Action, Device, NewEvent};
    use crate::rank::search::search;
    use crate::rank::RankerConfig;
    use crate::session::Session;
    use serde_json::Value;

    /// Every string anywhere in a JSON value.
    fn strings(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            Value::Object(o) => o.iter().for_each(|(k, x)| {
                out.push(k.clone());
                strings(x, out)
            }),
            _ => {}
        }
    }

    #[test]
    fn no_text_of_a_kids_profile_names_a_title_above_its_limit() {
        // kit (TV-Y7) with plays, a love and a list entry on titles above its
        // limit already stored, as a database from before such feedback was
        // refused may hold; then everything the profile can be shown.
        let mut store = crate::testkit::tiny_store();
        let kit = store.profile("kit").unwrap();
        let model = crate::testkit::tiny_model(&store);
        let ctx = crate::testkit::tiny_context(&model);
        for (title, action, progress) in [
            ("m1", Action::Play, 0.6),
            ("m1", Action::Love, 0.0),
            ("m2", Action::Play, 1.0),
            ("s2", Action::ListAdd, 0.0),
            ("c1", Action::Play, 0.3),
        ] {
            let e = NewEvent {
                title_id: title.into(),
                at: ctx.now_unix() - 3600,
                offset_min: 0,
                action,
                progress,
                season: (title == "m1").then_some(1),
                episode: (title == "m1").then_some(1),
                device: Device::Tv,
                artwork_id: None,
            };
            store.add_event(kit.id, &e).unwrap();
        }
        let above: Vec<(String, String)> = model
            .titles
            .iter()
            .filter(|t| !kit.maturity.allows(t.maturity))
            .map(|t| (t.id.clone(), t.name.clone()))
            .collect();
        assert!(above.len() >= 8, "most of the tiny catalog is above TV-Y7");
        let session = Session::with_model(
            store,
            model,
            RankerConfig::default(),
            Some("kit"),
            Some(ctx),
            crate::rank::DEFAULT_SEED,
        )
        .unwrap();
        let mut texts = vec![];
        strings(&serde_json::to_value(session.page()).unwrap(), &mut texts);
        let scorer = session.request().scorer();
        let mut queries: Vec<String> = above.iter().map(|(_, n)| n.clone()).collect();
        queries.extend(["the", "a", "mystery", "comedy", "e"].map(String::from));
        for q in &queries {
            let hits = search(&scorer, q, 20);
            strings(&serde_json::to_value(hits).unwrap(), &mut texts);
        }
        for t in &session.model().titles {
            let why = session.explain(&t.id).unwrap();
            let mut v = serde_json::to_value(&why).unwrap();
            // The title asked about is named by its id, which the asker typed.
            v["title_id"] = Value::Null;
            strings(&v, &mut texts);
        }
        assert!(texts.len() > 100, "{} strings walked", texts.len());
        for text in &texts {
            for (id, name) in &above {
                assert!(
                    !text.contains(name.as_str()),
                    "{text:?} names {id} ({name})"
                );
            }
        }
    }
}
