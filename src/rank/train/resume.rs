//! Continue Watching by resume likelihood: what a viewer's plays of one
//! title say about whether they will come back to it (how far through, how
//! many plays, how recently, episodes back to back, series or film, and
//! whether this time of day, kind of day and device are when they watch it),
//! and a small logistic regression, fitted at training time on the log
//! before the cutoff, labelled by whether the member resumed the title
//! after it. Serving reads the same features (`ResumeHistory::features`).

use super::interactions::{EventKey, EventsByMember};
use super::learn::{fit_standardised, sigmoid};
use crate::catalog::{is_finished, Action, Event, Title, TitleKind, DAY_SECONDS as DAY};
use crate::rank::{Context, DayKind, TimeOfDay};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many resume features there are.
pub const RF: usize = 8;
/// The features' names, in the order of every resume feature vector.
pub const RESUME_FEATURES: [&str; RF] = [
    "through",
    "plays",
    "recency",
    "in_a_row",
    "series",
    "time_of_day",
    "day",
    "device",
];
/// Two episode plays at most this far apart are back to back.
pub const IN_A_ROW_GAP: i64 = 3 * 3600;
/// A title played in this many days is a candidate to resume (Continue Watching's window).
pub const RESUME_DAYS: i64 = 45;
/// Recency fades with this time constant, in days.
const RECENCY_DAYS: f32 = 7.0;
/// Examples used at most to fit the model.
const MAX_EXAMPLES: usize = 40_000;

pub type ResumeVec = [f32; RF];

/// One viewer's plays of one title, folded in time order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ResumeHistory {
    pub plays: u32,
    /// Progress of the last play.
    pub progress: f32,
    /// The episode of the last play, for a series.
    pub episode: Option<(u32, u32)>,
    pub last_play_at: i64,
    /// Plays per local time of day, per weekday (0 = Monday) and per device.
    pub by_time: [u16; 4],
    pub by_weekday: [u16; 7],
    pub by_device: [u16; 4],
    /// Episodes played back to back in the current run, and the longest run.
    pub run: u32,
    pub longest_run: u32,
}

impl ResumeHistory {
    /// Fold one more event in (only plays count).
    pub fn add(&mut self, e: &Event) {
        if e.action != Action::Play {
            return;
        }
        let episode = e.season.zip(e.episode);
        let next_episode = episode.is_some() && episode != self.episode;
        self.run = if self.plays > 0 && next_episode && e.at - self.last_play_at <= IN_A_ROW_GAP {
            self.run + 1
        } else if episode.is_some() {
            1
        } else {
            0
        };
        self.longest_run = self.longest_run.max(self.run);
        self.plays += 1;
        self.progress = e.progress;
        if episode.is_some() {
            self.episode = episode;
        }
        self.last_play_at = e.at;
        let bump = |c: &mut u16| *c = c.saturating_add(1);
        bump(&mut self.by_time[TimeOfDay::of_event(e.at, e.offset_min).index()]);
        bump(&mut self.by_weekday[weekday_of_event(e.at, e.offset_min)]);
        bump(&mut self.by_device[e.device.index()]);
    }

    /// Seen to the end: a film finished, or a series' last episode finished.
    pub fn finished(&self, title: &Title) -> bool {
        is_finished(self.progress)
            && match (title.kind, self.episode) {
                (TitleKind::Series, Some((se, ep))) => title.next_episode(se, ep).is_none(),
                _ => true,
            }
    }

    /// How far through the title the viewer is: the share of its episodes
    /// before the one they are on plus that one's progress (a film: its progress).
    pub fn through(&self, title: &Title) -> f32 {
        let total: usize = title.seasons.iter().map(|s| s.episodes.len()).sum();
        match self.episode {
            Some((se, ep)) if title.kind == TitleKind::Series && total > 0 => {
                let before: usize = title
                    .seasons
                    .iter()
                    .take_while(|s| s.number != se)
                    .map(|s| s.episodes.len())
                    .sum::<usize>()
                    + (ep as usize).saturating_sub(1);
                ((before as f32 + self.progress) / total as f32).min(1.0)
            }
            _ => self.progress,
        }
    }

    /// Share of this title's plays in the context's time of day, kind of day and device.
    fn shares(&self, ctx: &Context) -> (f32, f32, f32) {
        let n = self.plays.max(1) as f32;
        let day: u16 = (0..7)
            .filter(|&d| day_kind_of_weekday(d) == ctx.day)
            .map(|d| self.by_weekday[d])
            .sum();
        (
            self.by_time[ctx.time_of_day.index()] as f32 / n,
            day as f32 / n,
            self.by_device[ctx.device.index()] as f32 / n,
        )
    }

    /// The resume features of this history for a page at `ctx`.
    pub fn features(&self, title: &Title, ctx: &Context) -> ResumeVec {
        let days = (ctx.now_unix() - self.last_play_at).max(0) as f32 / DAY as f32;
        let (time, day, device) = self.shares(ctx);
        [
            self.through(title),
            (self.plays as f32).ln_1p(),
            (-days / RECENCY_DAYS).exp(),
            (self.longest_run as f32).ln_1p(),
            (title.kind == TitleKind::Series) as u8 as f32,
            time,
            day,
            device,
        ]
    }

    /// The viewer's habit with this title in words: "you watched 3 episodes
    /// in a row, mostly on Tuesday evenings, 90% through".
    pub fn habit_words(&self, title: &Title) -> String {
        let mut parts = vec![];
        if self.longest_run >= 2 {
            parts.push(format!(
                "you watched {} episodes in a row",
                self.longest_run
            ));
        } else if self.plays >= 2 {
            parts.push(format!("you played it {} times", self.plays));
        } else {
            parts.push("you played it once".to_string());
        }
        let weekday = WEEKDAY_NAMES[argmax(&self.by_weekday)];
        let time = TimeOfDay::ALL[argmax(&self.by_time)];
        // A habit ("on Tuesday evenings") needs two plays on that weekday.
        parts.push(if self.by_weekday.iter().max().copied().unwrap_or(0) >= 2 {
            format!("on {weekday} {time}s")
        } else {
            format!("on a {weekday} {time}")
        });
        format!(
            "{}, {:.0}% through",
            parts.join(" "),
            self.through(title) * 100.0
        )
    }
}

const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The first index of the largest count.
fn argmax(counts: &[u16]) -> usize {
    let mut best = 0;
    for (i, &c) in counts.iter().enumerate() {
        if c > counts[best] {
            best = i;
        }
    }
    best
}

/// The local weekday of a stored event, 0 = Monday (1970-01-01, day 0, was a Thursday).
fn weekday_of_event(at: i64, offset_min: i32) -> usize {
    ((at + offset_min as i64 * 60).div_euclid(DAY) + 3).rem_euclid(7) as usize
}

fn day_kind_of_weekday(d: usize) -> DayKind {
    if d >= 5 {
        DayKind::Weekend
    } else {
        DayKind::Weekday
    }
}

/// The fitted resume model: P(resume) = σ(bias + Σ w·(x − mean)/std).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResumeModel {
    pub bias: f64,
    pub mean: [f64; RF],
    pub std: [f64; RF],
    pub w: [f64; RF],
    /// Examples it was fitted on, and how many of them were resumed.
    pub examples: usize,
    pub resumed: usize,
}

impl ResumeModel {
    pub fn likelihood(&self, x: &ResumeVec) -> f64 {
        let z = self.bias
            + (0..RF)
                .map(|i| self.w[i] * (x[i] as f64 - self.mean[i]) / self.std[i])
                .sum::<f64>();
        sigmoid(z)
    }

    /// Weights by feature name, for reports.
    pub fn named(&self) -> BTreeMap<String, f64> {
        RESUME_FEATURES
            .iter()
            .zip(self.w)
            .map(|(f, w)| (f.to_string(), w))
            .collect()
    }

    /// Fit on the log: for every member who plays anything in
    /// `[cutoff, end)`, the titles they had in progress at their first play
    /// after the cutoff (in that play's context) are the examples, labelled
    /// by whether they played that title again before `end`.
    pub fn fit(
        titles: &[Title],
        events: &[Event],
        keys: &[EventKey],
        grouped: &EventsByMember,
        cutoff: i64,
        end: i64,
    ) -> Self {
        let (mut xs, mut ys) = (vec![], vec![]);
        for m in 0..grouped.members() {
            // The member's events in time order.
            let mut evs: Vec<(usize, &Event)> = grouped
                .of(m)
                .iter()
                .map(|&i| (keys[i as usize].title() as usize, &events[i as usize]))
                .collect();
            evs.sort_by_key(|(_, e)| (e.at, e.id));
            let Some(&(_, first)) = evs
                .iter()
                .find(|(_, e)| e.at >= cutoff && e.at < end && e.action == Action::Play)
            else {
                continue;
            };
            let ctx = super::fit::context_of(first);
            let mut history: BTreeMap<usize, ResumeHistory> = BTreeMap::new();
            for &(t, e) in evs.iter().take_while(|(_, e)| e.at < first.at) {
                history.entry(t).or_default().add(e);
            }
            let played_after: std::collections::BTreeSet<usize> = evs
                .iter()
                .filter(|(_, e)| e.at >= first.at && e.at < end && e.action == Action::Play)
                .map(|&(t, _)| t)
                .collect();
            for (&t, h) in &history {
                if h.plays == 0
                    || h.finished(&titles[t])
                    || first.at - h.last_play_at > RESUME_DAYS * DAY
                {
                    continue;
                }
                xs.push(h.features(&titles[t], &ctx));
                ys.push(played_after.contains(&t));
            }
            if xs.len() >= MAX_EXAMPLES {
                break;
            }
        }
        ResumeModel::fit_examples(&xs, &ys)
    }

    /// The logistic regression on labelled resume feature vectors.
    pub fn fit_examples(xs: &[ResumeVec], ys: &[bool]) -> ResumeModel {
        let fit = fit_standardised(xs, ys, 1.0, &[false; RF]);
        ResumeModel {
            bias: fit.bias,
            mean: fit.mean,
            std: fit.std,
            w: fit.w,
            examples: xs.len(),
            resumed: ys.iter().filter(|&&y| y).count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Device, Season};
    use chrono::DateTime;

    fn play(at: &str, progress: f32, episode: Option<(u32, u32)>) -> Event {
        Event {
            id: 0,
            member_id: 1,
            title_id: "x".into(),
            at: DateTime::parse_from_rfc3339(at).unwrap().timestamp(),
            offset_min: 0,
            action: Action::Play,
            progress,
            season: episode.map(|e| e.0),
            episode: episode.map(|e| e.1),
            device: Device::Tv,
            artwork_id: None,
        }
    }

    /// A title of the tiny catalog (m1: a series of 3 + 2 episodes, m2: a film).
    fn tiny_title(id: &str) -> Title {
        let titles = crate::testkit::tiny_store().titles().unwrap();
        titles.into_iter().find(|t| t.id == id).unwrap()
    }

    /// The tiny series with one season of `episodes` episodes.
    fn series(episodes: usize) -> Title {
        let mut t = tiny_title("m1");
        t.seasons = vec![Season {
            number: 1,
            episodes: (0..episodes).map(|i| format!("e{i}")).collect(),
        }];
        t
    }

    #[test]
    fn episodes_back_to_back_make_a_run_and_a_new_evening_starts_another() {
        let mut h = ResumeHistory::default();
        // Tuesday 24 Nov: episodes 1-3 within the evening; Wednesday: episode 4.
        for (at, ep) in [
            ("2026-11-24T19:00:00Z", 1),
            ("2026-11-24T19:50:00Z", 2),
            ("2026-11-24T20:40:00Z", 3),
            ("2026-11-25T20:00:00Z", 4),
        ] {
            h.add(&play(at, 0.95, Some((1, ep))));
        }
        assert_eq!((h.plays, h.run, h.longest_run), (4, 1, 3));
        assert_eq!(h.by_weekday[1], 3, "three plays on the Tuesday");
        assert_eq!(h.by_time[TimeOfDay::Evening.index()], 4);
        let t = series(4);
        assert!(h.finished(&t));
        assert!((h.through(&t) - (3.0 + 0.95) / 4.0).abs() < 1e-6);
        assert_eq!(
            h.habit_words(&t),
            "you watched 3 episodes in a row on Tuesday evenings, 99% through"
        );
    }

    #[test]
    fn the_fitted_model_learns_that_binged_series_are_resumed_and_sampled_films_are_not() {
        // Bingers come back; samplers do not: the fit must say so.
        let film = tiny_title("m2");
        let show = series(10);
        let ctx = Context::new(
            DateTime::parse_from_rfc3339("2026-11-26T20:00:00Z").unwrap(),
            Device::Tv,
        );
        let binge = {
            let mut h = ResumeHistory::default();
            for (at, ep) in [
                ("2026-11-24T19:00:00Z", 7),
                ("2026-11-24T19:50:00Z", 8),
                ("2026-11-25T20:00:00Z", 9),
            ] {
                h.add(&play(at, 0.9, Some((1, ep))));
            }
            h
        };
        let sample = {
            let mut h = ResumeHistory::default();
            h.add(&play("2026-11-25T21:00:00Z", 0.05, None));
            h
        };
        let (mut xs, mut ys) = (vec![], vec![]);
        for i in 0..200 {
            // Mostly as expected, with some noise either way.
            xs.push(binge.features(&show, &ctx));
            ys.push(i % 5 != 0);
            xs.push(sample.features(&film, &ctx));
            ys.push(i % 7 == 0);
        }
        let m = ResumeModel::fit_examples(&xs, &ys);
        let (pb, ps) = (
            m.likelihood(&binge.features(&show, &ctx)),
            m.likelihood(&sample.features(&film, &ctx)),
        );
        assert!(pb > 0.7 && ps < 0.3, "binge {pb:.2}, sample {ps:.2}");
        assert_eq!((m.examples, m.resumed), (400, 160 + 29));
    }
}
