//! Which titles may be recommended to a profile: the one rule that the
//! page, `explain`'s "why not", offline evaluation and the learned layer's
//! training all apply, so offline figures score exactly what a page can show.

use crate::catalog::Maturity;
use crate::rank::train::interactions::Engagement;

/// Why a title is not a fresh recommendation for a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclusion {
    /// Rated above the profile's maturity limit: never shown, not even by name.
    AboveMaturity,
    /// Thumbed down: kept off every row.
    ThumbedDown,
    /// Already played (finished, started or abandoned): Continue Watching's business.
    Played,
    /// Rated up or loved without a play: not recommended again.
    Rated,
}

impl Exclusion {
    /// The rule: `limit` is the profile's maturity limit, `rating` the title's,
    /// `engagement` what the profile did with it (if anything).
    pub fn of(
        limit: Maturity,
        rating: Maturity,
        engagement: Option<&Engagement>,
    ) -> Option<Exclusion> {
        if !limit.allows(rating) {
            return Some(Exclusion::AboveMaturity);
        }
        let g = engagement?;
        if g.down {
            Some(Exclusion::ThumbedDown)
        } else if g.plays > 0 {
            Some(Exclusion::Played)
        } else if g.up || g.love {
            Some(Exclusion::Rated)
        } else {
            None
        }
    }

    /// Kept off the whole page (every row, Continue Watching and My List too),
    /// not only out of the recommendations.
    pub fn keeps_off_page(self) -> bool {
        matches!(self, Exclusion::AboveMaturity | Exclusion::ThumbedDown)
    }
}

/// May the title appear on the page at all (given its exclusion, if any)?
pub fn may_show(exclusion: Option<Exclusion>) -> bool {
    !exclusion.is_some_and(Exclusion::keeps_off_page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Action, Device, Event};

    fn engagement(actions: &[Action]) -> Engagement {
        let mut g = Engagement::default();
        for (i, &action) in actions.iter().enumerate() {
            g.add(&Event {
                id: i as i64,
                member_id: 1,
                title_id: "t1".into(),
                action,
                progress: if action == Action::Play { 0.5 } else { 0.0 },
                at: 100 + i as i64,
                offset_min: 0,
                device: Device::Tv,
                season: None,
                episode: None,
                artwork_id: None,
            });
        }
        g
    }

    #[test]
    fn untouched_and_listed_only_titles_are_recommendable() {
        assert_eq!(Exclusion::of(Maturity::R, Maturity::Pg, None), None);
        let listed = engagement(&[Action::ListAdd]);
        assert_eq!(
            Exclusion::of(Maturity::R, Maturity::Pg, Some(&listed)),
            None
        );
    }

    #[test]
    fn maturity_comes_before_everything_else() {
        let played = engagement(&[Action::Play]);
        assert_eq!(
            Exclusion::of(Maturity::TvY7, Maturity::TvMa, Some(&played)),
            Some(Exclusion::AboveMaturity)
        );
    }

    #[test]
    fn a_thumbs_down_keeps_a_title_off_the_page_but_a_play_only_out_of_recommendations() {
        let down = engagement(&[Action::Play, Action::Down]);
        let down = Exclusion::of(Maturity::R, Maturity::Pg, Some(&down));
        assert_eq!(down, Some(Exclusion::ThumbedDown));
        assert!(!may_show(down));
        let played = Exclusion::of(
            Maturity::R,
            Maturity::Pg,
            Some(&engagement(&[Action::Play])),
        );
        assert_eq!(played, Some(Exclusion::Played));
        assert!(may_show(played));
        let rated = Exclusion::of(Maturity::R, Maturity::Pg, Some(&engagement(&[Action::Up])));
        assert_eq!(rated, Some(Exclusion::Rated));
    }
}
