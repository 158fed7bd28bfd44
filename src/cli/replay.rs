//! `marquee replay FILE`: rebuild every page of a saved journey on a
//! throw-away copy of the database and check each one. The journey itself is
//! `marquee::eval::journey`.

use super::scratch::ScratchCopy;
use anyhow::Result;
use marquee::eval::journey::{describe, fingerprint, replay, Journey, JOURNEY_FORMAT};
use marquee::rank::Page;
use marquee::store::Store;
use std::path::Path;

/// `marquee replay FILE`: rebuild every page of a journey on a throw-away
/// copy of the database and check each against the recorded fingerprint.
pub fn run(store: &Store, file: &Path, json: bool) -> Result<()> {
    let text =
        std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let journey: Journey = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: line {}: {e}", file.display(), e.line()))?;
    if journey.format != JOURNEY_FORMAT {
        anyhow::bail!(
            "{}: $.format: {:?} is not {JOURNEY_FORMAT:?}",
            file.display(),
            journey.format
        );
    }
    if journey.pages.len() != journey.steps.len() + 1 {
        anyhow::bail!(
            "{}: {} steps need {} page fingerprints, found {}",
            file.display(),
            journey.steps.len(),
            journey.steps.len() + 1,
            journey.pages.len()
        );
    }
    let pages = replay_on_copy(store, &journey)?;
    if json {
        println!("{}", marquee::text::to_json_pretty(&pages)?);
        return Ok(());
    }
    let mut differ = 0;
    for (i, page) in pages.iter().enumerate() {
        let what = if i == 0 {
            "start".to_string()
        } else {
            describe(&journey.steps[i - 1])
        };
        let (now, then) = (fingerprint(page), &journey.pages[i]);
        let verdict = if &now == then {
            "same page"
        } else {
            differ += 1;
            "DIFFERENT page"
        };
        println!(
            "{i:>3}. {:<36} {verdict} ({now})",
            marquee::text::sanitize(&what)
        );
    }
    if differ > 0 {
        anyhow::bail!("{differ} of {} pages differ from the journey's: the data, the model or the code changed since it was saved", pages.len());
    }
    println!(
        "All {} pages of {}'s journey rebuilt identically.",
        pages.len(),
        journey.profile
    );
    Ok(())
}

/// Replaying writes feedback: it runs on a copy, never on the real profile.
/// The copy is declared first, so it is removed after the session closes.
fn replay_on_copy(store: &Store, journey: &Journey) -> Result<Vec<Page>> {
    let copy = ScratchCopy::of(store, "replay")?;
    let mut replica = Store::open(copy.path())?;
    let member = replica.profile(&journey.profile)?;
    replica.forget_feedback_after(member.id, journey.start_event)?;
    let mut session = marquee::session::Session::open(
        replica,
        journey.config.clone(),
        Some(&journey.profile),
        Some(journey.context),
        journey.seed,
    )?;
    Ok(replay(&mut session, journey)?)
}
