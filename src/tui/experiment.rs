//! The experiment screen's run (`e`): the weekly retention experiment of
//! `marquee abtest --weeks N` on the open database, the ranker in force
//! (arm A) against popularity alone (arm B), on a thread of its own so the
//! screen stays live. It reports each chunk of members as it finishes and
//! stops at the next chunk once it is cancelled. It never touches the
//! session's connection: it opens the database file again.

use crate::eval::abtest::Arms;
use crate::eval::retention_report::RetentionReport;
use crate::eval::retention_run::{prepare, simulate, Partial, Plan};
use crate::rank::feature::Feature;
use crate::rank::{Model, RankerConfig};
use crate::store::Store;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;

/// The TUI's run: small enough to finish in seconds on the sample in a release build.
pub const MEMBERS: usize = 400;
pub const WEEKS: usize = 8;
/// The seed of `marquee abtest`'s headline run.
pub const SEED: u64 = 42;
/// Arm B's config name.
pub const POPULARITY_ONLY: &str = "popularity-only";

/// What the experiment is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub members: usize,
    pub weeks: usize,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            members: MEMBERS,
            weeks: WEEKS,
            seed: SEED,
        }
    }
}

/// What the run tells the screen, in order: stages, then chunks, then one end.
#[derive(Debug, Clone, PartialEq)]
pub enum Report {
    /// What it is doing before the first chunk (in words).
    Stage(String),
    Progress(Partial),
    Done(Box<RetentionReport>),
    Cancelled,
    Failed(String),
}

/// Arm B: `base` with every feature but popularity ablated (the headline
/// run's `popularity.json`), scored by the learned layer even when `base`
/// has an external ranker.
pub fn popularity_only(base: &RankerConfig) -> RankerConfig {
    let mut b = base.clone();
    b.name = POPULARITY_ONLY.to_string();
    b.external = None;
    for f in Feature::ALL
        .into_iter()
        .filter(|f| *f != Feature::Popularity)
    {
        if !b.ablate.iter().any(|a| a == f.name()) {
            b.ablate.push(f.name().to_string());
        }
    }
    b
}

/// Run the experiment on the database at `db` with `config` as arm A, on
/// this thread, telling `report` each step; it ends with `Done`,
/// `Cancelled` (the flag was seen set between chunks) or `Failed`.
pub fn run(
    db: &Path,
    config: &RankerConfig,
    spec: Spec,
    cancel: &AtomicBool,
    report: &mut dyn FnMut(Report),
) {
    let result = (|| -> Result<Option<RetentionReport>, String> {
        if !db.is_file() {
            return Err(format!(
                "{}: the experiment needs a database file (this one is in memory)",
                db.display()
            ));
        }
        let mut store = Store::open(db).map_err(|e| e.to_string())?;
        report(Report::Stage(format!(
            "Sampling {} members of the population …",
            spec.members
        )));
        let prepared = prepare(&store, spec.members, spec.seed).map_err(|e| e.to_string())?;
        if cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        report(Report::Stage("Loading the ranker …".into()));
        let model = Model::load(&mut store, config).map_err(|e| e.to_string())?;
        let b = popularity_only(config);
        let arms = Arms {
            a: (&model, config),
            b: (&model, &b),
        };
        let plan = Plan {
            arms: &arms,
            members: spec.members,
            weeks: spec.weeks,
            seed: spec.seed,
        };
        let done = simulate(
            &prepared,
            &plan,
            &mut |p| report(Report::Progress(p.clone())),
            cancel,
        );
        Ok(done.map(|(r, _)| r))
    })();
    report(match result {
        Ok(Some(r)) => Report::Done(Box::new(r)),
        Ok(None) => Report::Cancelled,
        Err(e) => Report::Failed(e),
    });
}

/// A run on its own thread: its reports arrive on `reports`; dropping it cancels it.
pub struct Job {
    cancel: Arc<AtomicBool>,
    pub reports: mpsc::Receiver<Report>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Job {
    /// Start the run; it returns at once.
    pub fn start(db: PathBuf, config: RankerConfig, spec: Spec) -> Job {
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, reports) = mpsc::channel();
        let flag = cancel.clone();
        let thread = std::thread::spawn(move || {
            // A closed channel (the screen left) is no error: the run just stops at the next chunk.
            run(&db, &config, spec, &flag, &mut |r| {
                if tx.send(r).is_err() {
                    flag.store(true, Ordering::Relaxed);
                }
            })
        });
        Job {
            cancel,
            reports,
            thread: Some(thread),
        }
    }

    /// Ask the run to stop before its next chunk (it does not wait for it).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The thread has ended.
    pub fn finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }

    /// Wait for the thread to end (tests: after `cancel`, within one chunk).
    pub fn wait(&mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// A run's reports as fixed numbers (the shape of the headline run), for
/// the screen's tests and snapshots: no simulation needed.
pub mod fixtures {
    use super::*;
    use crate::eval::abtest::Difference;
    use crate::eval::retention_report::RetentionArm;

    const A: [f64; 8] = [0.97, 0.93, 0.89, 0.85, 0.81, 0.77, 0.72, 0.68];
    const B: [f64; 8] = [0.95, 0.89, 0.83, 0.78, 0.73, 0.69, 0.65, 0.61];

    /// The curves after `done` of 400 members (8 weeks).
    pub fn partial(done: usize) -> Partial {
        Partial {
            done,
            total: MEMBERS,
            retention_a: A.to_vec(),
            retention_b: B.to_vec(),
        }
    }

    fn difference(metric: &str, b_minus_a: f64, low: f64, high: f64) -> Difference {
        Difference {
            metric: metric.to_string(),
            b_minus_a,
            ci95: (low, high),
        }
    }

    fn arm(
        config: &str,
        retention: &[f64],
        tiles: f64,
        failed: f64,
        search: f64,
        ecs: f64,
    ) -> RetentionArm {
        RetentionArm {
            config: config.to_string(),
            members: MEMBERS,
            sessions: 2400,
            retention: retention.to_vec(),
            churn: 1.0 - retention[retention.len() - 1],
            failed_sessions: failed,
            median_tiles_to_first_play: Some(tiles.floor()),
            mean_tiles_to_first_play: tiles,
            plays_from_rows: 1.0 - search,
            plays_from_search: search,
            ecs_of_plays: ecs,
        }
    }

    /// A finished 400 × 8 run: B keeps 7 points fewer members, the interval
    /// clear of 0; its plays from search interval includes 0.
    pub fn report() -> RetentionReport {
        RetentionReport {
            seed: SEED,
            weeks: WEEKS,
            intervals: "95 % percentile bootstrap over members, each resampled with both arms (paired), 400 resamples".into(),
            a: arm("default", &A, 5.68, 0.362, 0.081, 140.8),
            b: arm(POPULARITY_ONLY, &B, 8.91, 0.438, 0.141, 105.7),
            retention_difference: (0..WEEKS)
                .map(|w| {
                    let d = B[w] - A[w];
                    difference(&format!("retained_after_week_{}", w + 1), d, d - 0.05, d + 0.05)
                })
                .collect(),
            differences: vec![
                difference("churn", 0.07, 0.02, 0.12),
                difference("failed_sessions", 0.076, 0.042, 0.108),
                difference("mean_tiles_to_first_play", 3.23, 2.99, 3.47),
                difference("plays_from_search", 0.06, -0.004, 0.121),
                difference("ecs_of_plays", -35.2, -40.4, -29.6),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_popularity_arm_keeps_only_popularity_and_the_training() {
        let base = RankerConfig::default();
        let b = popularity_only(&base);
        assert_eq!(b.name, POPULARITY_ONLY);
        assert_eq!(
            b.training_hash(),
            base.training_hash(),
            "one model serves both arms"
        );
        for f in Feature::ALL {
            let ablated = b.effective_weight(f.name(), 1.0) == 0.0;
            assert_eq!(ablated, f != Feature::Popularity, "{f:?}");
        }
    }

    #[test]
    fn a_database_in_memory_is_refused_with_a_message() {
        let mut seen = vec![];
        run(
            Path::new(":memory:"),
            &RankerConfig::default(),
            Spec::default(),
            &AtomicBool::new(false),
            &mut |r| seen.push(r),
        );
        assert!(
            matches!(seen.as_slice(), [Report::Failed(m)] if m.contains("needs a database file")),
            "{seen:?}"
        );
        assert!(!Path::new(":memory:").exists(), "no file was made");
    }
}
