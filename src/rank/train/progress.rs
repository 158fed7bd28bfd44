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
