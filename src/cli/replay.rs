//! `marquee replay FILE`: rebuild every page of a saved journey on a
//! throw-away copy of the database and check each one, page by page as it
//! is built. The journey itself (reading, checking, replaying) is
//! `marquee::eval::journey`.

use super::scratch::ScratchCopy;
use anyhow::Result;
use marquee::eval::journey::{describe, fingerprint, replay, Journey};
use marquee::rank::Page;
use marquee::store::Store;
use std::path::Path;

/// `marquee replay FILE`: rebuild every page of a journey on a throw-away
/// copy of the database and check each against the recorded fingerprint.
pub fn run(
    store: &Store,
    file: &Path,
    external: Option<&marquee::rank::external::RankerHandle>,
    json: bool,
) -> Result<()> {
    let mut journey = Journey::load(file)?;
    // With --ranker or --ranker-file, the journey's pages are rebuilt over its scores.
    if let Some(r) = external {
        journey.config = journey.config.clone().with_external(r.0.clone());
    }
    let mut differ = 0;
    let total = journey.pages.len();
    if json {
        out!("[");
    }
    replay_on_copy(store, &journey, |i, page| {
        if json {
            let sep = if i == 0 { "\n" } else { ",\n" };
            out!("{sep}{}", marquee::text::to_json_pretty(page)?);
            return Ok(());
        }
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
        outln!(
            "{i:>3}. {:<36} {verdict} ({now})",
            marquee::text::sanitize(&what)
        );
        Ok(())
    })?;
    if json {
        outln!("\n]");
        return Ok(());
    }
    if differ > 0 {
        anyhow::bail!("{differ} of {total} pages differ from the journey's: the data, the model or the code changed since it was saved");
    }
    outln!(
        "All {total} pages of {}'s journey rebuilt identically.",
        journey.profile
    );
    Ok(())
}

/// Replaying writes feedback: it runs on a copy, never on the real profile.
/// The copy is declared first, so it is removed after the session closes.
fn replay_on_copy(
    store: &Store,
    journey: &Journey,
    each: impl FnMut(usize, &Page) -> Result<()>,
) -> Result<()> {
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
    replay(&mut session, journey, each)
}
