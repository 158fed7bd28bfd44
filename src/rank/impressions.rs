//! Impressions as evidence: which play each impression led to
//! (attribution), and what a profile was shown and passed over, which the
//! exploration and artwork bandits count against a genre or a theme. The
//! evaluation's take fractions (`eval::impressions`) read the same
//! attribution.

use crate::catalog::{Action, ArtworkTheme, Event};
use crate::rank::Model;
use crate::store::LoggedView;
use std::collections::BTreeMap;

/// A play is attributed to an impression of the same title shown to the
/// same member at most this long before it (seconds): one evening.
pub const ATTRIBUTION_WINDOW: i64 = 3 * 3600;

/// One impression and whether a play was attributed to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub member_id: i64,
    pub view_id: i64,
    pub row_kind: String,
    pub row: u32,
    pub pos: u32,
    pub title_id: String,
    pub artwork_id: Option<String>,
    pub theme: Option<ArtworkTheme>,
    /// The event id of the play attributed to it (0 for a simulated play).
    pub play: Option<i64>,
}

/// One tile shown: (view at, view id, the view's newest event id, index in the outcomes).
type ShownTile = (i64, i64, i64, usize);

/// Attribute `events`' plays to the impressions in `views`: a play goes to
/// the newest page view of the same member that showed the title before
/// it (the view was logged when the newest event was older than the play,
/// at most [`ATTRIBUTION_WINDOW`] earlier), to that view's first tile of
/// the title. A play with no such impression is not attributed (it came
/// from search, or from outside); an impression takes at most one play.
pub fn attribute(views: &[LoggedView], events: &[Event]) -> Vec<Outcome> {
    let mut out: Vec<Outcome> = vec![];
    // (member, title) → every tile of it shown.
    let mut shown: BTreeMap<(i64, &str), Vec<ShownTile>> = BTreeMap::new();
    for v in views {
        for t in &v.tiles {
            let slot = shown
                .entry((v.view.member_id, t.title_id.as_str()))
                .or_default();
            if slot.iter().any(|s| s.1 == v.id) {
                continue; // the view's first tile of the title takes its plays
            }
            slot.push((v.view.at, v.id, v.view.after_event, out.len()));
            out.push(Outcome {
                member_id: v.view.member_id,
                view_id: v.id,
                row_kind: t.row_kind.clone(),
                row: t.row,
                pos: t.pos,
                title_id: t.title_id.clone(),
                artwork_id: t.artwork_id.clone(),
                theme: t.theme,
                play: None,
            });
        }
    }
    let mut plays: Vec<&Event> = events.iter().filter(|e| e.action == Action::Play).collect();
    plays.sort_by_key(|e| (e.at, e.id));
    for e in plays {
        let Some(slot) = shown.get(&(e.member_id, e.title_id.as_str())) else {
            continue;
        };
        let best = slot
            .iter()
            .filter(|&&(at, _, after, _)| {
                after < e.id && at <= e.at && e.at - at <= ATTRIBUTION_WINDOW
            })
            .max_by_key(|&&(at, id, _, _)| (at, id));
        if let Some(&(_, _, _, i)) = best {
            out[i].play.get_or_insert(e.id);
        }
    }
    out
}

/// What a profile was shown and did not play: the bandits' evidence against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PassedOver {
    /// Title index → impressions with no play attributed.
    pub titles: BTreeMap<usize, u32>,
    /// Per artwork theme ([`ArtworkTheme::index`]): impressions with no play.
    pub themes: [f64; 10],
}

impl PassedOver {
    /// Count the impressions without a play, for titles the model knows.
    pub fn from_outcomes(model: &Model, outcomes: &[Outcome]) -> PassedOver {
        let mut p = PassedOver::default();
        for o in outcomes.iter().filter(|o| o.play.is_none()) {
            let Some(t) = model.title_index(&o.title_id) else {
                continue;
            };
            *p.titles.entry(t).or_default() += 1;
            if let Some(theme) = o.theme {
                p.themes[theme.index()] += 1.0;
            }
        }
        p
    }

    pub fn is_empty(&self) -> bool {
        self.titles.is_empty()
    }
}
