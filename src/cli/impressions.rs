//! `marquee eval --impressions`: take fractions (plays per impression) per
//! row kind and artwork theme, on the stored log (the TUI's page views) and
//! on a simulated log, then the artwork policy replayed offline on a log
//! with randomized artwork. The work is `marquee::eval::{impressions,
//! artwork_replay}`; this file prints.

use anyhow::Result;
use marquee::eval::artwork_replay::{self, ReplayReport};
use marquee::eval::impressions::{attribute, take_fractions, Take, TakeReport};
use marquee::rank::{Model, RankerConfig};
use marquee::store::{Origin, Store};
use serde::Serialize;

#[derive(Serialize)]
struct ImpressionsReport {
    seed: u64,
    viewers: usize,
    /// The page views stored in the database (browsing in the TUI), plays attributed from its events.
    stored: TakeReport,
    /// One simulated session per viewer, the page as the ranker built it.
    simulated: TakeReport,
    /// The artwork policy replayed on a log with randomized artwork.
    replay: ReplayReport,
}

pub fn run(
    store: &Store,
    model: &Model,
    config: &RankerConfig,
    viewers: usize,
    seed: u64,
    json: bool,
) -> Result<()> {
    let views = store.impressions_from(Origin::Browse)?;
    let stored = take_fractions(&attribute(&views, &store.all_events()?), seed);
    let policy_log = artwork_replay::simulate(store, model, config, viewers, seed, false)?;
    let simulated = take_fractions(&policy_log.outcomes(model), seed);
    let random_log = artwork_replay::simulate(store, model, config, viewers, seed, true)?;
    let replay = artwork_replay::replay(store, model, config, &random_log, seed)?;
    let report = ImpressionsReport {
        seed,
        viewers: policy_log.views.len(),
        stored,
        simulated,
        replay,
    };
    if json {
        outln!("{}", marquee::text::to_json_pretty(&report)?);
        return Ok(());
    }
    print_takes(
        "Stored page views (browsing in the TUI)",
        &report.stored,
        "no page views stored yet: browse the home page in the TUI",
    );
    print_takes(
        &format!(
            "Simulated sessions ({} viewers, one session each, artwork as the bandit chose it)",
            report.viewers
        ),
        &report.simulated,
        "no impressions",
    );
    let r = &report.replay;
    outln!(
        "Artwork replay on a log with randomized artwork ({} viewers; {} impressions of titles with a choice of artwork, {} plays)",
        r.viewers, r.impressions, r.plays
    );
    outln!(
        "  {:<24} {:>8} {:>7}  {:<26} {:<26}",
        "policy",
        "matched",
        "plays",
        "replay take (95% CI)",
        "IPS take (95% CI)"
    );
    for e in &r.estimates {
        outln!(
            "  {:<24} {:>8} {:>7}  {:<26} {:<26}",
            e.policy,
            e.matched,
            e.matched_plays,
            pct(&e.replay),
            pct(&e.ips)
        );
    }
    for d in &r.differences {
        outln!("  {:<50} {}", d.name, pct(&d.difference));
    }
    outln!("seed {}; a play is attributed to the newest impression of its title shown to the member at most {} h before it.", report.seed, marquee::eval::impressions::ATTRIBUTION_WINDOW / 3600);
    Ok(())
}

fn print_takes(heading: &str, r: &TakeReport, empty: &str) {
    outln!(
        "{heading}: {} impressions, {} plays, {} members",
        r.impressions,
        r.plays,
        r.members
    );
    if r.impressions == 0 {
        outln!("  {empty}\n");
        return;
    }
    for (what, takes) in [("row kind", &r.by_row_kind), ("artwork theme", &r.by_theme)] {
        outln!(
            "  {:<22} {:>11} {:>7}  take fraction (95% CI)",
            what,
            "impressions",
            "plays"
        );
        for t in takes {
            take_line(t);
        }
    }
    outln!("");
}

fn take_line(t: &Take) {
    outln!(
        "  {:<22} {:>11} {:>7}  {}",
        t.key,
        t.impressions,
        t.plays,
        pct(&t.take_fraction)
    );
}

/// A share as a percentage with its interval.
fn pct(i: &marquee::eval::metrics::Interval) -> String {
    format!(
        "{:.2}% [{:.2}, {:.2}]",
        100.0 * i.mean,
        100.0 * i.low,
        100.0 * i.high
    )
}
