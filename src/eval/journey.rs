//! Replayable journeys: a session's profile, context, config and seed and
//! each thing the viewer did, with a fingerprint of every page they saw. A
//! QA engineer attaches the file to a bug report; `marquee replay` rebuilds
//! every page and checks it against the fingerprints.

use crate::catalog::{input, parse_json, Action, CatalogError, Device};
use crate::rank::{Context, DayKind, Page, RankerConfig, TimeOfDay};
use crate::session::{Session, SessionError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const JOURNEY_FORMAT: &str = "marquee-journey/1";

/// The most steps a journey may hold: far more than a QA session records,
/// few enough that a replay ends in minutes.
pub const MAX_STEPS: usize = 2_000;

/// One thing the viewer did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum Step {
    Feedback {
        title: String,
        action: Action,
        progress: f32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        artwork: Option<String>,
    },
    Undo,
    Redo,
    Context {
        time_of_day: TimeOfDay,
        /// Absent in journeys from before the day was part of the context: the day stays.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        day: Option<DayKind>,
        device: Device,
    },
    /// A rating cleared (the same rating pressed again).
    ClearRating {
        title: String,
    },
    /// The config reloaded (`r`, or its file saved): the one in force from here on.
    Config {
        config: Box<RankerConfig>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Journey {
    pub format: String,
    pub profile: String,
    pub context: Context,
    pub config: RankerConfig,
    pub seed: u64,
    /// The newest event in the database when the journey started: replay
    /// forgets the profile's feedback after it, to start from the same state.
    pub start_event: i64,
    pub steps: Vec<Step>,
    /// The fingerprint of each page seen: the first, then one after each step.
    pub pages: Vec<String>,
}

impl Journey {
    /// A journey starting on the session's current page, `first`.
    pub fn start(session: &Session, first: &Page) -> Journey {
        Journey {
            format: JOURNEY_FORMAT.into(),
            profile: session.profile().name.clone(),
            context: *session.ctx(),
            config: session.config().clone(),
            seed: session.seed(),
            start_event: session.store().last_event_id().unwrap_or(0),
            steps: vec![],
            pages: vec![fingerprint(first)],
        }
    }

    /// Read and check a journey file: a regular file, bounded in size, its
    /// config checked exactly as `--config` is, its steps bounded. Errors
    /// name the file, the JSON path and the value.
    pub fn load(path: &std::path::Path) -> Result<Journey, CatalogError> {
        let bytes = input::read_regular(path, input::MAX_SMALL_BYTES)?;
        Journey::parse(&path.display().to_string(), &bytes)
    }

    /// Parse and check a journey's bytes; `label` names the file in errors.
    pub fn parse(label: &str, bytes: &[u8]) -> Result<Journey, CatalogError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            CatalogError::new(
                label,
                "",
                format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            )
        })?;
        let journey: Journey = parse_json(label, text)?;
        if journey.format != JOURNEY_FORMAT {
            return Err(CatalogError::new(
                label,
                "$.format",
                format!("{:?} is not {JOURNEY_FORMAT:?}", journey.format),
            ));
        }
        journey.config.validate(label, "$.config")?;
        if journey.steps.len() > MAX_STEPS {
            return Err(CatalogError::new(
                label,
                "$.steps",
                format!(
                    "{} steps is more than a journey may hold ({MAX_STEPS})",
                    journey.steps.len()
                ),
            ));
        }
        if journey.pages.len() != journey.steps.len() + 1 {
            return Err(CatalogError::new(
                label,
                "$.pages",
                format!(
                    "{} steps need {} page fingerprints, found {}",
                    journey.steps.len(),
                    journey.steps.len() + 1,
                    journey.pages.len()
                ),
            ));
        }
        for (i, step) in journey.steps.iter().enumerate() {
            if let Step::Feedback { progress, .. } = step {
                if !(progress.is_finite() && (0.0..=1.0).contains(progress)) {
                    return Err(CatalogError::new(
                        label,
                        format!("$.steps[{i}].progress"),
                        format!("{progress} is not a number from 0 to 1"),
                    ));
                }
            }
        }
        Ok(journey)
    }

    /// Record a step and the page it led to.
    pub fn record(&mut self, step: Step, page: &Page) {
        self.steps.push(step);
        self.pages.push(fingerprint(page));
    }
}

/// A short SHA-256 of the page's JSON: equal pages, equal fingerprints.
pub fn fingerprint(page: &Page) -> String {
    let digest = Sha256::digest(serde_json::to_vec(page).expect("a page serialises"));
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Apply one step to a session (writing what it writes, as the TUI did).
pub fn apply(session: &mut Session, step: &Step) -> Result<(), SessionError> {
    match step {
        Step::Feedback {
            title,
            action,
            progress,
            artwork,
        } => {
            session.feedback(title, *action, *progress, artwork.clone())?;
        }
        Step::Undo => {
            session.undo()?;
        }
        Step::Redo => {
            session.redo()?;
        }
        Step::Context {
            time_of_day,
            day,
            device,
        } => session.set_context(*time_of_day, day.unwrap_or(session.ctx().day), *device),
        Step::ClearRating { title } => {
            session.clear_rating(title)?;
        }
        Step::Config { config } => session.set_config((**config).clone()),
    }
    Ok(())
}

/// Rebuild every page of the journey on `session` (opened on the journey's
/// profile, context, config and seed): the first page, then one per step,
/// each handed to `each` with its index and then dropped, so a long journey
/// replays in the memory of one page.
pub fn replay<E: From<SessionError>>(
    session: &mut Session,
    journey: &Journey,
    mut each: impl FnMut(usize, &Page) -> Result<(), E>,
) -> Result<(), E> {
    each(0, &session.page())?;
    for (i, step) in journey.steps.iter().enumerate() {
        apply(session, step)?;
        each(i + 1, &session.page())?;
    }
    Ok(())
}

/// A step in words, for replay reports.
pub fn describe(step: &Step) -> String {
    match step {
        Step::Feedback {
            title,
            action,
            progress,
            ..
        } if *action == Action::Play => format!("play {title} to {:.0}%", progress * 100.0),
        Step::Feedback { title, action, .. } => format!("{} {title}", action.as_str()),
        Step::Undo => "undo".into(),
        Step::Redo => "redo".into(),
        Step::Context {
            time_of_day,
            day: Some(day),
            device,
        } => format!("context {day} {time_of_day} on {device}"),
        Step::Context {
            time_of_day,
            day: None,
            device,
        } => format!("context {time_of_day} on {device}"),
        Step::ClearRating { title } => format!("clear the rating of {title}"),
        Step::Config { config } => format!("config {} ({})", config.name, config.hash()),
    }
}
