//! Impressions as outcomes: which play each impression led to
//! (attribution), and the take fraction (plays per impression) per row kind
//! and per artwork theme, with intervals. The tiles a page showed come from
//! the store (the TUI's page views) or from a simulated log
//! ([`super::artwork_replay`]); both become [`Outcome`]s here.

use super::metrics::{cluster_ratio_interval, Interval};
pub use crate::rank::impressions::{attribute, Outcome, ATTRIBUTION_WINDOW};
use serde::Serialize;
use std::collections::BTreeMap;

/// Bootstrap draws for the intervals.
pub const RESAMPLES: usize = 400;

/// Plays per impression for one row kind or artwork theme.
#[derive(Debug, Clone, Serialize)]
pub struct Take {
    pub key: String,
    pub impressions: u64,
    pub plays: u64,
    /// Plays per impression, with a 95 % interval that resamples members.
    pub take_fraction: Interval,
}

#[derive(Debug, Clone, Serialize)]
pub struct TakeReport {
    pub impressions: u64,
    pub plays: u64,
    pub members: usize,
    pub by_row_kind: Vec<Take>,
    pub by_theme: Vec<Take>,
}

/// The take fraction per row kind and per artwork theme (largest first).
pub fn take_fractions(outcomes: &[Outcome], seed: u64) -> TakeReport {
    let group = |key: &dyn Fn(&Outcome) -> Option<String>| -> Vec<Take> {
        // key → member → (plays, impressions)
        let mut by: BTreeMap<String, BTreeMap<i64, (f64, f64)>> = BTreeMap::new();
        for o in outcomes {
            if let Some(k) = key(o) {
                let c = by.entry(k).or_default().entry(o.member_id).or_default();
                c.0 += o.play.is_some() as u8 as f64;
                c.1 += 1.0;
            }
        }
        let mut takes: Vec<Take> = by
            .into_iter()
            .map(|(key, members)| {
                let clusters: Vec<(f64, f64)> = members.into_values().collect();
                Take {
                    impressions: clusters.iter().map(|c| c.1).sum::<f64>() as u64,
                    plays: clusters.iter().map(|c| c.0).sum::<f64>() as u64,
                    take_fraction: cluster_ratio_interval(&clusters, RESAMPLES, seed),
                    key,
                }
            })
            .collect();
        takes.sort_by(|a, b| {
            b.take_fraction
                .mean
                .total_cmp(&a.take_fraction.mean)
                .then(a.key.cmp(&b.key))
        });
        takes
    };
    let mut members: Vec<i64> = outcomes.iter().map(|o| o.member_id).collect();
    members.sort_unstable();
    members.dedup();
    TakeReport {
        impressions: outcomes.len() as u64,
        plays: outcomes.iter().filter(|o| o.play.is_some()).count() as u64,
        members: members.len(),
        by_row_kind: group(&|o| Some(o.row_kind.clone())),
        by_theme: group(&|o| o.theme.map(|t| t.as_str().to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Action, ArtworkTheme, Device, Event};
    use crate::store::LoggedView;
    use crate::store::{Origin, PageView, ShownTile};

    fn view(id: i64, member: i64, at: i64, after: i64, tiles: &[(&str, &str)]) -> LoggedView {
        LoggedView {
            id,
            view: PageView {
                member_id: member,
                at,
                offset_min: 0,
                device: Device::Tv,
                origin: Origin::Browse,
                after_event: after,
            },
            tiles: tiles
                .iter()
                .enumerate()
                .map(|(i, (kind, title))| ShownTile {
                    row: 0,
                    pos: i as u32,
                    row_kind: kind.to_string(),
                    title_id: title.to_string(),
                    artwork_id: None,
                    theme: Some(if i == 0 {
                        ArtworkTheme::Faces
                    } else {
                        ArtworkTheme::Action
                    }),
                })
                .collect(),
        }
    }

    fn play(id: i64, member: i64, title: &str, at: i64) -> Event {
        Event {
            id,
            member_id: member,
            title_id: title.into(),
            at,
            offset_min: 0,
            action: Action::Play,
            progress: 0.5,
            season: None,
            episode: None,
            device: Device::Tv,
            artwork_id: None,
        }
    }

    #[test]
    fn a_play_goes_to_the_newest_earlier_impression_of_its_member_and_title() {
        let views = [
            view(1, 7, 1_000, 10, &[("trending", "a"), ("trending", "b")]),
            view(2, 7, 2_000, 11, &[("top_picks", "a")]),
            view(3, 8, 2_000, 11, &[("top_picks", "a")]),
            // Shown after the play (the newest event was the play itself).
            view(4, 7, 2_500, 12, &[("popular", "a")]),
        ];
        let events = [
            play(12, 7, "a", 2_500),
            // Too late for any impression of "b".
            play(13, 7, "b", 1_000 + ATTRIBUTION_WINDOW + 1),
            // Another member's title never shown to them.
            play(14, 8, "z", 2_600),
        ];
        let out = attribute(&views, &events);
        assert_eq!(out.len(), 5);
        let played: Vec<(i64, &str, Option<i64>)> = out
            .iter()
            .map(|o| (o.view_id, o.title_id.as_str(), o.play))
            .collect();
        assert_eq!(
            played,
            [
                (1, "a", None),
                (1, "b", None),
                (2, "a", Some(12)),
                (3, "a", None),
                (4, "a", None)
            ]
        );
    }

    #[test]
    fn take_fractions_count_plays_per_impression_by_row_kind_and_theme() {
        let views = [
            view(1, 7, 1_000, 1, &[("trending", "a"), ("trending", "b")]),
            view(2, 8, 1_000, 1, &[("top_picks", "a"), ("top_picks", "b")]),
        ];
        let events = [play(5, 8, "a", 1_100), play(6, 8, "b", 1_200)];
        let r = take_fractions(&attribute(&views, &events), 1);
        assert_eq!((r.impressions, r.plays, r.members), (4, 2, 2));
        let kinds: Vec<(&str, u64, u64, f64)> = r
            .by_row_kind
            .iter()
            .map(|t| (t.key.as_str(), t.impressions, t.plays, t.take_fraction.mean))
            .collect();
        assert_eq!(kinds, [("top_picks", 2, 2, 1.0), ("trending", 2, 0, 0.0)]);
        let themes: Vec<(&str, f64)> = r
            .by_theme
            .iter()
            .map(|t| (t.key.as_str(), t.take_fraction.mean))
            .collect();
        assert_eq!(themes, [("action", 0.5), ("faces", 0.5)]);
    }
}
