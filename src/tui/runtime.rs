//! Running the app: actions go through `update`, and the Effects it asks for
//! are performed here against the Session (store writes, re-ranking), their
//! results fed back as messages. Used by the terminal loop and, without a
//! terminal, by tests.

use super::app::{App, Catalog, Mode};
use super::experiment::{Job, Report};
use super::impressions::ImpressionTracker;
use super::keys::resolve;
use super::msg::{Cause, Effect, Msg};
use super::update::update;
use crate::eval::churn_risk::churn_risk;
use crate::eval::journey::{Journey, Step};
use crate::session::Session;
use crossterm::event::KeyEvent;
use std::rc::Rc;
use std::time::Instant;

pub struct Runtime {
    pub app: App,
    pub session: Session,
    /// What this session did since it opened on the current profile, to save and replay.
    pub journey: Journey,
    /// The ranker config file, for reloading (`--config`); None for the bundled one.
    pub config_path: Option<std::path::PathBuf>,
    /// Config B (`--compare`): its page is built beside every page of A.
    pub compare: Option<crate::rank::RankerConfig>,
    /// Tests fix the reported build time so screens are reproducible.
    pub fixed_build_ms: Option<f64>,
    /// The tiles the home screen has shown, written on ticks.
    pub impressions: ImpressionTracker,
    /// The experiment screen's run, while it runs.
    experiment: Option<Job>,
    /// Runs cancelled and not yet ended (each stops at its next chunk).
    stopping: Vec<Job>,
    /// Set by the terminal while more keys wait to be read: a search is then
    /// kept for later (`run_pending_search`), so fast typing on a large
    /// catalog searches once, for the last query, not once per letter.
    pub defer_search: bool,
    /// The query whose search was kept for later.
    pending_search: Option<String>,
}

impl Runtime {
    pub fn new(session: Session, fixed_build_ms: Option<f64>) -> Runtime {
        let catalog = Catalog {
            titles: session
                .model()
                .titles
                .iter()
                .map(|t| (t.id.clone(), t.clone()))
                .collect(),
            genres: session.model().genres.clone(),
            tags: session.model().tags.clone(),
        };
        // The first page is built once: the journey starts on it and the screen shows it.
        let (first, build_ms) = timed_page(&session, fixed_build_ms);
        let journey = Journey::start(&session, &first);
        let mut rt = Runtime {
            app: App::new(Rc::new(catalog)),
            session,
            journey,
            config_path: None,
            compare: None,
            fixed_build_ms,
            impressions: ImpressionTracker::default(),
            experiment: None,
            stopping: vec![],
            defer_search: false,
            pending_search: None,
        };
        let first = rt.page_action(first, build_ms, Cause::Fresh);
        rt.dispatch(first);
        if rt.session.profile().events == 0 {
            // A brand-new profile starts with onboarding.
            rt.dispatch_effects(vec![Effect::LoadOnboarding]);
        }
        rt
    }

    /// Apply an action and everything it leads to; then note the tiles now
    /// in view (and, on a tick or on quitting, write the ones noted).
    pub fn dispatch(&mut self, action: Msg) {
        let idle = matches!(action, Msg::Tick | Msg::Quit);
        self.note_page(&action);
        let effects = update(&mut self.app, action);
        self.dispatch_effects(effects);
        self.impressions.note_visible(&self.app);
        if idle || self.app.quit {
            self.flush_impressions();
        }
    }

    /// A new page on screen starts a new page view.
    fn note_page(&mut self, action: &Msg) {
        if matches!(action, Msg::PageReady { .. }) {
            self.impressions.new_view(&self.session);
        }
    }

    /// Write the tiles noted so far (one transaction); a failure is reported once.
    pub fn flush_impressions(&mut self) {
        if let Err(e) = self.impressions.flush(&mut self.session) {
            if !self.impressions.failed {
                self.impressions.failed = true;
                let _ = update(
                    &mut self.app,
                    Msg::Failed(format!("Impressions not saved: {e}")),
                );
            }
        }
    }

    fn dispatch_effects(&mut self, effects: Vec<Effect>) {
        let mut queue = effects;
        while !queue.is_empty() {
            let mut next = vec![];
            for effect in queue {
                let reload = effect == Effect::ReloadConfig;
                let mut step = journey_step(&effect);
                let restarts = matches!(
                    effect,
                    Effect::SwitchProfile(_) | Effect::CreateProfile(..) | Effect::Picks(_)
                );
                let actions = self.execute(effect);
                if reload {
                    // The config in force from this step on, so a replay builds the same pages.
                    step = Some(Step::Config {
                        config: Box::new(self.session.config().clone()),
                    });
                }
                if let Some(page) = actions.iter().find_map(|a| match a {
                    Msg::PageReady { page, .. } => Some(page),
                    _ => None,
                }) {
                    match step {
                        Some(step) => self.journey.record(step, page),
                        None if restarts => self.journey = Journey::start(&self.session, page),
                        None => {}
                    }
                }
                let rebuilt = actions.iter().any(|a| matches!(a, Msg::PageReady { .. }));
                for action in actions {
                    self.note_page(&action);
                    next.extend(update(&mut self.app, action));
                }
                if rebuilt {
                    if let Some(b) = self.compare_page() {
                        next.extend(update(&mut self.app, b));
                    }
                    // A rating may have changed: keep the search results' marks true.
                    let down = self.rated_down_results();
                    next.extend(update(&mut self.app, Msg::SearchRatedDown(down)));
                }
            }
            queue = next;
        }
    }

    /// Search for the query kept while keys were waiting, if it is still
    /// the one in the search box.
    pub fn run_pending_search(&mut self) {
        self.defer_search = false;
        let Some(q) = self.pending_search.take() else {
            return;
        };
        if q == self.app.search.query {
            self.dispatch_effects(vec![Effect::Search(q)]);
        }
    }

    pub fn press(&mut self, key: KeyEvent) {
        if self.app.too_small() {
            // Only quitting works on the "too small" message (q as it says, or Ctrl-C).
            let ctrl_c = key.code == crossterm::event::KeyCode::Char('c')
                && key
                    .modifiers
                    .contains(crossterm::event::KeyModifiers::CONTROL);
            if ctrl_c || key.code == crossterm::event::KeyCode::Char('q') {
                self.dispatch(Msg::Quit);
            }
            return;
        }
        if let Some(a) = resolve(self.app.mode, key) {
            self.dispatch(a);
        }
    }

    /// How far each started, unfinished title is watched, by title id.
    fn progress(&self) -> std::collections::BTreeMap<String, f32> {
        let model = self.session.model();
        self.session
            .profile()
            .titles
            .iter()
            .filter(|(_, st)| st.plays > 0 && !st.completed)
            .map(|(&t, st)| (model.titles[t].id.clone(), st.progress))
            .collect()
    }

    /// The profile's current ratings by title id (what the tiles and details show).
    fn ratings(&self) -> std::collections::BTreeMap<String, crate::rank::Thumb> {
        let model = self.session.model();
        self.session
            .profile()
            .titles
            .iter()
            .filter_map(|(&t, st)| st.thumb().map(|r| (model.titles[t].id.clone(), r)))
            .collect()
    }

    /// The current search results the profile rates down.
    fn rated_down_results(&self) -> Vec<String> {
        let model = self.session.model();
        self.app
            .search
            .results
            .iter()
            .filter(|r| {
                model
                    .title_index(&r.title_id)
                    .is_some_and(|t| self.session.profile().thumbed_down(t))
            })
            .map(|r| r.title_id.clone())
            .collect()
    }

    fn page_ready(&self, cause: Cause) -> Msg {
        let (page, ms) = timed_page(&self.session, self.fixed_build_ms);
        self.page_action(page, ms, cause)
    }

    fn page_action(&self, page: crate::rank::Page, ms: f64, cause: Cause) -> Msg {
        Msg::PageReady {
            page: Box::new(page),
            display: self.session.profile().display_name.clone(),
            kids: self.session.profile().maturity.is_kids(),
            build_ms: ms,
            cause,
            ratings: self.ratings(),
            progress: self.progress(),
        }
    }

    /// Apply what the experiment's run reported since the last call (the
    /// terminal loop calls this every turn); true if anything arrived.
    pub fn poll_experiment(&mut self) -> bool {
        self.stopping.retain(|j| !j.finished());
        let Some(job) = &self.experiment else {
            return false;
        };
        let mut reports = vec![];
        let ended = loop {
            match job.reports.try_recv() {
                Ok(r) => {
                    let last = matches!(r, Report::Done(_) | Report::Cancelled | Report::Failed(_));
                    reports.push(r);
                    if last {
                        break true;
                    }
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => break false,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    reports.push(Report::Failed(
                        "The experiment stopped unexpectedly (its thread ended without a report)"
                            .into(),
                    ));
                    break true;
                }
            }
        };
        if ended {
            self.experiment = None;
        }
        let any = !reports.is_empty();
        for r in reports {
            self.dispatch(Msg::Experiment(r));
        }
        any
    }

    /// An experiment is running (the loop then looks for its reports more often).
    pub fn experiment_running(&self) -> bool {
        self.experiment.is_some()
    }

    /// Wait until every run, cancelled or not, has ended, then apply what
    /// came back (tests; the terminal loop never waits).
    pub fn wait_for_experiments(&mut self) {
        for job in self.stopping.iter_mut().chain(self.experiment.as_mut()) {
            job.wait();
        }
        self.poll_experiment();
        self.stopping.clear();
    }

    fn execute(&mut self, effect: Effect) -> Vec<Msg> {
        let s = &mut self.session;
        match effect {
            Effect::StartExperiment(spec) => {
                // One run at a time: one still going is stopped first.
                self.stop_experiment();
                let db = self.session.store().path().to_path_buf();
                self.experiment = Some(Job::start(db, self.session.config().clone(), spec));
                vec![]
            }
            Effect::CancelExperiment => {
                self.stop_experiment();
                vec![]
            }
            Effect::LoadDigest => {
                let digest = crate::rank::digest::compose(s.model(), s.profile(), &s.page());
                vec![Msg::DigestReady(digest)]
            }
            Effect::Feedback {
                title_id,
                action,
                progress,
                artwork_id,
            } => match s.feedback(&title_id, action, progress, artwork_id) {
                Ok(r) => {
                    let model = s.model();
                    let name = model
                        .title_index(&title_id)
                        .map_or(title_id.clone(), |t| model.titles[t].name.clone());
                    vec![
                        self.page_ready(Cause::Feedback { title_id, action }),
                        Msg::Recorded(format!("Saved: {} — {}", name, r.description)),
                    ]
                }
                Err(e) => vec![Msg::Failed(format!("Not saved: {e}"))],
            },
            Effect::ClearRating(title_id) => match s.clear_rating(&title_id) {
                Ok(what) => vec![
                    self.page_ready(Cause::Cleared { title_id }),
                    Msg::Recorded(what),
                ],
                Err(e) => vec![Msg::Failed(format!("Not cleared: {e}"))],
            },
            Effect::Complete(typed) => {
                let (text, candidates) = super::complete::complete_path(&typed);
                vec![Msg::Completed(text, candidates)]
            }
            Effect::ReloadConfig => self.reload_config(),
            Effect::Compare(path) => {
                let path = super::complete::expand_home(&path);
                match crate::rank::RankerConfig::load(&path)
                    .map_err(|e| e.to_string())
                    .and_then(|b| {
                        let name = b.name.clone();
                        self.set_compare(b).map(|()| name)
                    }) {
                    Ok(name) => vec![Msg::Compared(format!(
                        "Comparing with {name}: A left, B right (b toggles)"
                    ))],
                    Err(e) => vec![Msg::CompareFailed(format!("Not compared: {e}"))],
                }
            }
            Effect::SaveJourney => match self.save_journey() {
                Ok(path) => vec![Msg::Recorded(format!(
                    "Journey saved: {} (marquee replay FILE)",
                    path.display()
                ))],
                Err(e) => vec![Msg::Failed(format!("Journey not saved: {e}"))],
            },
            Effect::Undo | Effect::Redo => {
                let (done, verb, done_word, cause) = if effect == Effect::Undo {
                    (s.undo(), "undo", "Undone", Cause::Undo)
                } else {
                    (s.redo(), "redo", "Redone", Cause::Redo)
                };
                match done {
                    Ok(Some(what)) => vec![
                        self.page_ready(cause),
                        Msg::Recorded(format!("{done_word}: {what}")),
                    ],
                    Ok(None) => vec![Msg::Failed(format!("Nothing to {verb}"))],
                    Err(e) => vec![Msg::Failed(format!("Could not {verb}: {e}"))],
                }
            }
            Effect::Search(q) if self.defer_search => {
                self.pending_search = Some(q);
                vec![]
            }
            Effect::Search(q) => {
                self.pending_search = None;
                let results = crate::rank::search::search(&s.scorer(), &q, 50);
                vec![Msg::SearchResults(results)]
            }
            Effect::LoadProfiles => {
                // Each profile's risk as `marquee profiles` gives it, as of the context's now.
                let now = s.ctx().now_unix();
                let loaded = s.profiles().and_then(|list| {
                    let risks = list
                        .iter()
                        .map(|p| Ok(churn_risk(&s.store().events_of(p.id)?, now)))
                        .collect::<Result<Vec<_>, crate::store::StoreError>>()?;
                    Ok((list, risks))
                });
                match loaded {
                    Ok((list, risks)) => vec![Msg::ProfilesLoaded(list, risks)],
                    Err(e) => vec![Msg::Failed(e.to_string())],
                }
            }
            Effect::SwitchProfile(name) => match s.switch_profile(&name) {
                Ok(()) => {
                    let mut out = vec![self.page_ready(Cause::Fresh)];
                    if self.session.profile().events == 0 {
                        out.push(Msg::OnboardingOffered(self.onboarding_ids()));
                    }
                    out
                }
                Err(e) => vec![Msg::Failed(e.to_string())],
            },
            Effect::CreateProfile(display, maturity) => {
                let region = s.profile().region.clone();
                let created = crate::catalog::profile_handle(&display).and_then(|handle| {
                    s.create_profile(&handle, &display, maturity, &region)
                        .map_err(|e| e.to_string())
                });
                match created {
                    Ok(()) => vec![
                        self.page_ready(Cause::Fresh),
                        Msg::OnboardingOffered(self.onboarding_ids()),
                    ],
                    Err(e) => vec![Msg::Failed(e)],
                }
            }
            Effect::LoadOnboarding => vec![Msg::OnboardingOffered(self.onboarding_ids())],
            Effect::Picks(ids) => match s.pick(&ids) {
                Ok(n) => vec![
                    self.page_ready(Cause::Fresh),
                    Msg::Recorded(format!(
                        "{} saved: your home page now follows them",
                        crate::text::count(n as u64, "pick", "picks")
                    )),
                ],
                Err(e) => vec![Msg::Failed(e.to_string())],
            },
            Effect::SetContext(tod, day, device) => {
                s.set_context(tod, day, device);
                let weekday = s.ctx().weekday_name();
                vec![
                    self.page_ready(Cause::Rerank),
                    Msg::Recorded(format!("Context: {weekday} ({day}) {tod} on {device}")),
                ]
            }
        }
    }

    /// Cancel the running experiment; it ends at its next chunk, unwaited for.
    fn stop_experiment(&mut self) {
        if let Some(job) = self.experiment.take() {
            job.cancel();
            self.stopping.push(job);
        }
    }

    /// Compare against config B from now on: its page follows every page of A.
    /// B must share A's training parameters (one trained model serves both).
    pub fn set_compare(&mut self, b: crate::rank::RankerConfig) -> Result<(), String> {
        if b.training_hash() != self.session.config().training_hash() {
            return Err(format!("{}: its training parameters differ from A's; compare them with `marquee compare` instead", b.name));
        }
        self.compare = Some(b);
        if let Some(page) = self.compare_page() {
            self.dispatch(page);
        }
        self.app.split = true;
        Ok(())
    }

    fn compare_page(&self) -> Option<Msg> {
        let b = self.compare.as_ref()?;
        let s = &self.session;
        Some(Msg::ComparePage(Box::new(s.request_with(b).page())))
    }

    /// Read the config file again. An error is shown with its file and place,
    /// and the last good config stays; a change of training parameters needs a
    /// retrain, so it is refused here with what to do.
    fn reload_config(&mut self) -> Vec<Msg> {
        let Some(path) = self.config_path.clone() else {
            return vec![Msg::Failed(
                "No config file to reload: start Marquee with --config FILE".into(),
            )];
        };
        // An external ranker stays attached across a reload.
        let external = self.session.config().external.clone();
        let loaded = crate::rank::RankerConfig::load(&path).map(|c| match external {
            Some(r) => c.with_external(r.0),
            None => c,
        });
        match loaded {
            Err(e) => vec![Msg::Failed(format!("Config not applied, the last good one stays: {e}"))],
            Ok(new) if new.training_hash() != self.session.config().training_hash() => vec![Msg::Failed(format!(
                "{}: the training parameters changed; run `marquee --config {} train` and restart (the last good config stays)",
                path.display(),
                path.display()
            ))],
            Ok(new) if new == *self.session.config() => vec![Msg::Recorded(format!("Config {} unchanged", new.name))],
            Ok(new) => {
                let label = format!("Config reloaded: {} ({}) — marks show what moved", new.name, new.hash());
                self.session.set_config(new);
                vec![self.page_ready(Cause::Rerank), Msg::Recorded(label)]
            }
        }
    }

    /// Write the journey beside the database as `journey-<profile>-<n>.json`.
    fn save_journey(&self) -> std::io::Result<std::path::PathBuf> {
        let dir = self
            .session
            .store()
            .path()
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        let path = (1..)
            .map(|n| dir.join(format!("journey-{}-{n}.json", self.journey.profile)))
            .find(|p| !p.exists())
            .expect("some journey file name is free");
        let text = crate::text::to_json_pretty(&self.journey).map_err(std::io::Error::other)?;
        std::fs::write(&path, text + "\n")?;
        Ok(path)
    }

    fn onboarding_ids(&self) -> Vec<String> {
        self.session
            .onboarding()
            .into_iter()
            .map(|t| self.session.model().titles[t].id.clone())
            .collect()
    }

    pub fn mode(&self) -> Mode {
        self.app.mode
    }
}

/// The journey step an effect is, if it changes the page by what the viewer did.
fn journey_step(effect: &Effect) -> Option<Step> {
    match effect {
        Effect::Feedback {
            title_id,
            action,
            progress,
            artwork_id,
        } => Some(Step::Feedback {
            title: title_id.clone(),
            action: *action,
            progress: *progress,
            artwork: artwork_id.clone(),
        }),
        Effect::ClearRating(title) => Some(Step::ClearRating {
            title: title.clone(),
        }),
        Effect::Undo => Some(Step::Undo),
        Effect::Redo => Some(Step::Redo),
        Effect::SetContext(time_of_day, day, device) => Some(Step::Context {
            time_of_day: *time_of_day,
            day: Some(*day),
            device: *device,
        }),
        _ => None,
    }
}

/// The session's page and how long it took in ms (fixed in tests, so screens are reproducible).
fn timed_page(session: &Session, fixed_build_ms: Option<f64>) -> (crate::rank::Page, f64) {
    let started = Instant::now();
    let page = session.page();
    (
        page,
        fixed_build_ms.unwrap_or_else(|| started.elapsed().as_secs_f64() * 1000.0),
    )
}
