//! A profile's churn risk from its engagement: its sessions in the last
//! [`WINDOW_DAYS`] days (events less than [`SESSION_GAP_HOURS`] apart are one
//! session), how many of them failed (nothing played past
//! [`PLAYED_PROGRESS`] and nothing rated up or loved), and the days since its last play. The risk is the
//! retention model's weekly cancel chance for that failed share
//! (`retention::weekly_cancel_chance`), raised by the days without a play;
//! "now" is the caller's context, never the clock.

use super::retention::weekly_cancel_chance;
use crate::catalog::{Action, Event, DAY_SECONDS};
use serde::Serialize;

/// The recent past the risk looks at.
pub const WINDOW_DAYS: i64 = 14;
/// Events closer than this are one session.
pub const SESSION_GAP_HOURS: i64 = 3;
/// A play this far through counts as having found something.
pub const PLAYED_PROGRESS: f32 = 0.1;
/// Risk at or above these weekly cancel chances is medium, high.
pub const MEDIUM: f64 = 0.05;
pub const HIGH: f64 = 0.09;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChurnRisk {
    /// `low`, `medium` or `high`.
    pub level: &'static str,
    /// The estimated weekly chance to cancel.
    pub weekly_cancel_chance: f64,
    pub sessions: usize,
    pub failed_sessions: usize,
    pub days_since_last_play: Option<i64>,
    /// In words, the largest first.
    pub reasons: Vec<String>,
}

/// The risk of a profile with `events`, as of `now` (Unix seconds).
pub fn churn_risk(events: &[Event], now: i64) -> ChurnRisk {
    let mut recent: Vec<&Event> = events
        .iter()
        .filter(|e| e.at <= now && now - e.at <= WINDOW_DAYS * DAY_SECONDS)
        .collect();
    recent.sort_by_key(|e| (e.at, e.id));
    let played = |e: &Event| e.action == Action::Play && e.progress >= PLAYED_PROGRESS;
    // A thumbs up, a love or a title saved to My List also says the session
    // found something (the personas save titles on evenings they watch nothing).
    let found =
        |e: &Event| played(e) || matches!(e.action, Action::Up | Action::Love | Action::ListAdd);
    let (mut sessions, mut failed) = (0usize, 0usize);
    let mut last_at: Option<i64> = None;
    let mut this_played = false;
    for e in &recent {
        if last_at.is_none_or(|t| e.at - t > SESSION_GAP_HOURS * 3600) {
            if sessions > 0 && !this_played {
                failed += 1;
            }
            sessions += 1;
            this_played = false;
        }
        this_played |= found(e);
        last_at = Some(e.at);
    }
    if sessions > 0 && !this_played {
        failed += 1;
    }
    let last_play = events
        .iter()
        .filter(|e| e.at <= now && played(e))
        .map(|e| e.at)
        .max();
    let days = last_play.map(|t| (now - t) / DAY_SECONDS);
    // No session at all in the window counts as a fully failed week.
    let base = if sessions == 0 {
        weekly_cancel_chance(1, 1)
    } else {
        weekly_cancel_chance(failed, sessions)
    };
    let idle = days.unwrap_or(2 * WINDOW_DAYS).clamp(0, 2 * WINDOW_DAYS) as f64;
    let chance = base * (1.0 + idle / (2 * WINDOW_DAYS) as f64);
    let mut reasons = vec![];
    reasons.push(match days {
        None => "no play yet".to_string(),
        Some(0) => "played something today".to_string(),
        Some(1) => "last play 1 day ago".to_string(),
        Some(d) => format!("last play {d} days ago"),
    });
    reasons.push(match sessions {
        0 => format!("no sessions in the last {WINDOW_DAYS} days"),
        1 => format!("1 session in the last {WINDOW_DAYS} days"),
        n => format!("{n} sessions in the last {WINDOW_DAYS} days"),
    });
    if sessions > 0 {
        reasons.push(format!("{failed} of them found nothing"));
    }
    ChurnRisk {
        level: if chance >= HIGH {
            "high"
        } else if chance >= MEDIUM {
            "medium"
        } else {
            "low"
        },
        weekly_cancel_chance: (chance * 1e4).round() / 1e4,
        sessions,
        failed_sessions: failed,
        days_since_last_play: days,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Device;

    fn event(id: i64, at: i64, action: Action, progress: f32) -> Event {
        Event {
            id,
            member_id: 1,
            title_id: format!("t{id}"),
            at,
            offset_min: 0,
            action,
            progress,
            season: None,
            episode: None,
            device: Device::Tv,
            artwork_id: None,
        }
    }

    const NOW: i64 = 100 * DAY_SECONDS;

    #[test]
    fn a_profile_that_plays_every_few_days_is_low_risk() {
        let events: Vec<Event> = (0..5)
            .map(|i| event(i, NOW - (1 + 3 * i) * DAY_SECONDS, Action::Play, 0.8))
            .collect();
        let r = churn_risk(&events, NOW);
        assert_eq!((r.sessions, r.failed_sessions), (5, 0));
        assert_eq!(r.level, "low", "{r:?}");
        assert_eq!(r.reasons[0], "last play 1 day ago");
    }

    #[test]
    fn failed_sessions_and_idle_days_raise_the_risk_and_say_so() {
        // Plays long ago; lately only short samples and a thumbs down.
        let mut events = vec![event(1, NOW - 30 * DAY_SECONDS, Action::Play, 1.0)];
        events.push(event(2, NOW - 2 * DAY_SECONDS, Action::Play, 0.05));
        events.push(event(3, NOW - 2 * DAY_SECONDS + 600, Action::Down, 0.0));
        events.push(event(4, NOW - DAY_SECONDS, Action::Play, 0.02));
        let r = churn_risk(&events, NOW);
        assert_eq!((r.sessions, r.failed_sessions), (2, 2), "{r:?}");
        assert_eq!(r.days_since_last_play, Some(30));
        assert_eq!(r.level, "high", "{r:?}");
        assert!(
            r.reasons.iter().any(|x| x == "2 of them found nothing"),
            "{r:?}"
        );
        let steady = churn_risk(&[event(1, NOW - DAY_SECONDS, Action::Play, 1.0)], NOW);
        assert!(r.weekly_cancel_chance > 2.0 * steady.weekly_cancel_chance);
    }

    #[test]
    fn a_session_that_saves_a_title_to_my_list_found_something() {
        let events = [
            event(1, NOW - 3 * DAY_SECONDS, Action::ListAdd, 0.0),
            event(2, NOW - DAY_SECONDS, Action::Play, 0.03),
        ];
        let r = churn_risk(&events, NOW);
        assert_eq!((r.sessions, r.failed_sessions), (2, 1), "{r:?}");
    }

    #[test]
    fn events_after_now_are_not_counted() {
        let r = churn_risk(&[event(1, NOW + DAY_SECONDS, Action::Play, 1.0)], NOW);
        assert_eq!(r.sessions, 0);
        assert_eq!(r.days_since_last_play, None);
        assert_eq!(r.reasons[0], "no play yet");
    }
}
