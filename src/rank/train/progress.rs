//! How far a training run has got, stage by stage, for whoever shows it
//! (the CLI's bar on stderr, the TUI's start screen). Training prints
//! nothing itself; it only reports.

/// One report: `stage` is in plain words, `done` of `of` steps are finished.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub stage: &'static str,
    pub done: usize,
    pub of: usize,
}

/// Where reports go; `Progress::NONE` drops them. Shared by the threads a
/// stage runs on, so the sink is `Sync`.
#[derive(Clone, Copy)]
pub struct Progress<'a>(Option<&'a (dyn Fn(Step) + Sync)>);

impl<'a> Progress<'a> {
    pub const NONE: Progress<'static> = Progress(None);

    pub fn to(sink: &'a (dyn Fn(Step) + Sync)) -> Progress<'a> {
        Progress(Some(sink))
    }

    pub fn report(&self, stage: &'static str, done: usize, of: usize) {
        if let Some(sink) = self.0 {
            sink(Step { stage, done, of });
        }
    }
}

/// How long one stage of a training run took, and in which pass.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StageTime {
    pub pass: String,
    pub stage: String,
    pub seconds: f64,
}

/// Passes reports on and times each stage: a stage lasts from its first
/// report to the first report of another (or of a new pass), so
/// `marquee train` and the training bench can say where the time went.
pub struct StageClock<'a> {
    inner: Progress<'a>,
    state: std::sync::Mutex<ClockState>,
}

struct ClockState {
    pass: &'static str,
    /// (pass, stage, since) of the stage running now.
    current: Option<(&'static str, &'static str, std::time::Instant)>,
    done: Vec<StageTime>,
}

impl ClockState {
    fn close(&mut self, now: std::time::Instant) {
        if let Some((pass, stage, since)) = self.current.take() {
            let seconds = (now - since).as_secs_f64();
            self.done.push(StageTime {
                pass: pass.to_string(),
                stage: stage.to_string(),
                seconds: (seconds * 1000.0).round() / 1000.0,
            });
        }
    }
}

impl<'a> StageClock<'a> {
    /// A clock whose first pass is named `pass`.
    pub fn new(inner: Progress<'a>, pass: &'static str) -> StageClock<'a> {
        let state = ClockState {
            pass,
            current: None,
            done: vec![],
        };
        StageClock {
            inner,
            state: std::sync::Mutex::new(state),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ClockState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stages reported from now on belong to the pass `name`.
    pub fn begin_pass(&self, name: &'static str) {
        self.state().pass = name;
    }

    pub fn observe(&self, step: Step) {
        {
            let mut state = self.state();
            let pass = state.pass;
            if state.current.map(|c| (c.0, c.1)) != Some((pass, step.stage)) {
                let now = std::time::Instant::now();
                state.close(now);
                state.current = Some((pass, step.stage, now));
            }
        }
        self.inner.report(step.stage, step.done, step.of);
    }

    /// Every stage in the order it ran, the last one ending now.
    pub fn finish(self) -> Vec<StageTime> {
        let mut state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        state.close(std::time::Instant::now());
        state.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_clock_lists_each_run_of_a_stage_in_order_with_its_pass_and_passes_reports_on() {
        let seen = std::sync::Mutex::new(vec![]);
        let sink = |s: Step| seen.lock().unwrap().push(s.stage);
        let clock = StageClock::new(Progress::to(&sink), "one");
        let observe = |s| clock.observe(s);
        let progress = Progress::to(&observe);
        progress.report("a", 0, 2);
        progress.report("a", 1, 2);
        progress.report("b", 0, 1);
        progress.report("a", 0, 1);
        clock.begin_pass("two");
        progress.report("a", 1, 1);
        let stages: Vec<(String, String)> = clock
            .finish()
            .into_iter()
            .map(|s| (s.pass, s.stage))
            .collect();
        let expected = [("one", "a"), ("one", "b"), ("one", "a"), ("two", "a")]
            .map(|(p, s)| (p.to_string(), s.to_string()));
        assert_eq!(stages, expected);
        assert_eq!(*seen.lock().unwrap(), ["a", "a", "b", "a", "a"]);
    }
}
