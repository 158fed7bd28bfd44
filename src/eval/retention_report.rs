//! The weekly retention experiment's numbers: per arm the retention curve,
//! churn, tiles read to the first play, the share of plays found in rows
//! and in search, failed sessions and the effective catalog size of plays;
//! and B − A for each with a 95 % percentile bootstrap interval (members
//! resampled with both their arms, [`BOOTSTRAP`] times, seeded).

use super::abtest::Difference;
use super::metrics::{bootstrap_interval, effective_catalog_size, percentile};
use super::retention::{Found, MemberWeeks};
use super::retention_run::Outcome;
use serde::Serialize;

/// Bootstrap resamples per interval.
pub const BOOTSTRAP: usize = 400;

/// One arm's numbers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RetentionArm {
    pub config: String,
    pub members: usize,
    pub sessions: usize,
    /// Share still a member after week 1, 2, … N.
    pub retention: Vec<f64>,
    /// Share who cancelled within the N weeks.
    pub churn: f64,
    /// Share of sessions where nothing was played (neither rows nor search).
    pub failed_sessions: f64,
    /// Tiles read to the first play (page tiles, then search results), median of sessions with a play.
    pub median_tiles_to_first_play: Option<f64>,
    pub mean_tiles_to_first_play: f64,
    /// Share of plays found in the page's rows; the rest came from search.
    pub plays_from_rows: f64,
    pub plays_from_search: f64,
    /// Effective catalog size of everything played.
    pub ecs_of_plays: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RetentionReport {
    pub seed: u64,
    pub weeks: usize,
    /// How the intervals are made.
    pub intervals: String,
    pub a: RetentionArm,
    pub b: RetentionArm,
    /// B − A of the share still a member after each week.
    pub retention_difference: Vec<Difference>,
    /// B − A of churn, failed sessions, tiles to the first play, plays from search, ECS.
    pub differences: Vec<Difference>,
}

impl RetentionReport {
    /// B − A of `metric`.
    pub fn difference(&self, metric: Metric) -> Option<&Difference> {
        self.differences.iter().find(|d| d.metric == metric.name())
    }
}

/// The share still a member after each of `weeks` weeks.
pub fn curve(members: &[&MemberWeeks], weeks: usize) -> Vec<f64> {
    let n = members.len().max(1) as f64;
    (1..=weeks)
        .map(|w| members.iter().filter(|m| m.retained_after(w)).count() as f64 / n)
        .collect()
}

/// What the arms are compared on (besides the curve).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Churn,
    FailedSessions,
    MeanTilesToFirstPlay,
    PlaysFromSearch,
    Ecs,
}

impl Metric {
    pub const ALL: [Metric; 5] = [
        Metric::Churn,
        Metric::FailedSessions,
        Metric::MeanTilesToFirstPlay,
        Metric::PlaysFromSearch,
        Metric::Ecs,
    ];

    /// Its name in the report's `differences`.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Churn => "churn",
            Metric::FailedSessions => "failed_sessions",
            Metric::MeanTilesToFirstPlay => "mean_tiles_to_first_play",
            Metric::PlaysFromSearch => "plays_from_search",
            Metric::Ecs => "ecs_of_plays",
        }
    }

    /// Its label on screen.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Churn => "churn",
            Metric::FailedSessions => "failed sessions",
            Metric::MeanTilesToFirstPlay => "tiles read to first play",
            Metric::PlaysFromSearch => "plays from search",
            Metric::Ecs => "effective catalog size",
        }
    }

    /// A share (of members, sessions or plays) rather than a count.
    pub fn is_share(self) -> bool {
        !matches!(self, Metric::MeanTilesToFirstPlay | Metric::Ecs)
    }

    /// An arm's figure.
    pub fn value(self, arm: &RetentionArm) -> f64 {
        match self {
            Metric::Churn => arm.churn,
            Metric::FailedSessions => arm.failed_sessions,
            Metric::MeanTilesToFirstPlay => arm.mean_tiles_to_first_play,
            Metric::PlaysFromSearch => arm.plays_from_search,
            Metric::Ecs => arm.ecs_of_plays,
        }
    }

    fn of(self, m: &[&MemberWeeks], weeks: usize) -> f64 {
        let sessions = || m.iter().flat_map(|x| &x.sessions);
        let ratio = |a: usize, b: usize| a as f64 / b.max(1) as f64;
        match self {
            Metric::Churn => 1.0 - curve(m, weeks).last().copied().unwrap_or(1.0),
            Metric::FailedSessions => ratio(
                sessions().filter(|s| s.found == Found::Failed).count(),
                sessions().count(),
            ),
            Metric::MeanTilesToFirstPlay => {
                let t: Vec<usize> = sessions().filter_map(|s| s.tiles_to_first_play).collect();
                ratio(t.iter().sum(), t.len())
            }
            Metric::PlaysFromSearch => ratio(
                sessions()
                    .filter(|s| s.found == Found::Search)
                    .map(|s| s.plays.len())
                    .sum(),
                sessions().map(|s| s.plays.len()).sum(),
            ),
            Metric::Ecs => {
                let plays: Vec<usize> = sessions().flat_map(|s| s.plays.iter().copied()).collect();
                effective_catalog_size(&plays)
            }
        }
    }
}

fn arm(config: &str, m: &[&MemberWeeks], weeks: usize) -> RetentionArm {
    let sessions: Vec<_> = m.iter().flat_map(|x| &x.sessions).collect();
    let mut firsts: Vec<f64> = sessions
        .iter()
        .filter_map(|s| s.tiles_to_first_play.map(|t| t as f64))
        .collect();
    firsts.sort_by(f64::total_cmp);
    let from_search = Metric::PlaysFromSearch.of(m, weeks);
    let any_plays = sessions.iter().any(|s| !s.plays.is_empty());
    RetentionArm {
        config: config.to_string(),
        members: m.len(),
        sessions: sessions.len(),
        retention: curve(m, weeks),
        churn: Metric::Churn.of(m, weeks),
        failed_sessions: Metric::FailedSessions.of(m, weeks),
        median_tiles_to_first_play: percentile(&firsts, 0.5),
        mean_tiles_to_first_play: Metric::MeanTilesToFirstPlay.of(m, weeks),
        plays_from_rows: if any_plays { 1.0 - from_search } else { 0.0 },
        plays_from_search: from_search,
        ecs_of_plays: Metric::Ecs.of(m, weeks),
    }
}

/// B − A of `f` with a percentile bootstrap over members: `a[i]` and
/// `b[i]` are one member on each arm, resampled together.
pub fn bootstrap_difference(
    name: &str,
    a: &[&MemberWeeks],
    b: &[&MemberWeeks],
    f: &dyn Fn(&[&MemberWeeks]) -> f64,
    seed: u64,
) -> Difference {
    assert_eq!(a.len(), b.len(), "paired arms");
    let i = bootstrap_interval(a.len(), BOOTSTRAP, seed, |draw| {
        let (mut da, mut db) = (vec![], vec![]);
        for i in draw {
            da.push(a[i]);
            db.push(b[i]);
        }
        f(&db) - f(&da)
    });
    Difference {
        metric: name.to_string(),
        b_minus_a: i.mean,
        ci95: (i.low, i.high),
    }
}

/// The report over every member's outcome; `names` are the arms' config names.
pub fn report(
    outcomes: &[Outcome],
    names: (&str, &str),
    weeks: usize,
    seed: u64,
) -> RetentionReport {
    let split = |b: bool| -> Vec<&MemberWeeks> {
        outcomes
            .iter()
            .filter(|o| o.arm_b == b)
            .map(|o| &o.weeks)
            .collect()
    };
    let (a, b) = (split(false), split(true));
    let retention_difference = (1..=weeks)
        .map(|w| {
            let f = move |m: &[&MemberWeeks]| {
                m.iter().filter(|x| x.retained_after(w)).count() as f64 / m.len().max(1) as f64
            };
            bootstrap_difference(
                &format!("retained_after_week_{w}"),
                &a,
                &b,
                &f,
                seed ^ w as u64,
            )
        })
        .collect();
    let differences = Metric::ALL
        .iter()
        .enumerate()
        .map(|(i, metric)| {
            let f = |m: &[&MemberWeeks]| metric.of(m, weeks);
            bootstrap_difference(metric.name(), &a, &b, &f, seed ^ (0x5E_0000 + i as u64))
        })
        .collect();
    RetentionReport {
        seed,
        weeks,
        intervals: format!(
            "95 % percentile bootstrap over members, each resampled with both arms (paired), {BOOTSTRAP} resamples"
        ),
        a: arm(names.0, &a, weeks),
        b: arm(names.1, &b, weeks),
        retention_difference,
        differences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::retention::Habits;

    fn member(cancelled_after: Option<usize>) -> MemberWeeks {
        MemberWeeks {
            habits: Habits {
                sessions_per_week: 1,
                patience: 10,
            },
            cancelled_after,
            sessions: vec![],
        }
    }

    fn retained(m: &[&MemberWeeks]) -> f64 {
        m.iter().filter(|x| x.retained_after(4)).count() as f64 / m.len() as f64
    }

    #[test]
    fn a_member_is_compared_with_themselves_on_the_other_arm() {
        // 200 members, a third of whom cancel on arm A.
        let a: Vec<MemberWeeks> = (0..200)
            .map(|i| member((i % 3 == 0).then_some(i % 4)))
            .collect();
        // On arm B, the same members, and four more cancel.
        let b: Vec<MemberWeeks> = (0..200)
            .map(|i| {
                let extra = [1, 50, 100, 151].contains(&i);
                member((i % 3 == 0 || extra).then_some(i % 4))
            })
            .collect();
        let (a, b): (Vec<&MemberWeeks>, Vec<&MemberWeeks>) =
            (a.iter().collect(), b.iter().collect());
        let same = bootstrap_difference("retained", &a, &a, &retained, 1);
        assert_eq!((same.b_minus_a, same.ci95), (0.0, (0.0, 0.0)));
        // Four members of 200 lost: resampling members with both their arms
        // keeps the loss certain, where resampling each arm on its own would
        // bury two points under the third who cancel either way.
        let d = bootstrap_difference("retained", &a, &b, &retained, 1);
        assert!((d.b_minus_a + 0.02).abs() < 1e-12, "{d:?}");
        assert!(d.ci95.0 < d.b_minus_a && d.ci95.1 < 0.0, "{d:?}");
    }
}
