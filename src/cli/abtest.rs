//! `marquee abtest --a A.json --b B.json`: a progress bar on a terminal,
//! then the report. The simulation is `marquee::eval::abtest`.

use super::compare::ConfigPair;
use super::print::{tiles, Progress};
use anyhow::Result;
use marquee::store::Store;

/// `marquee abtest`: a progress bar on a terminal, then the report.
pub fn run(
    store: &mut Store,
    a: marquee::rank::RankerConfig,
    b: marquee::rank::RankerConfig,
    viewers: usize,
    sessions: usize,
    seed: u64,
    json: bool,
) -> Result<()> {
    let population = store.stats()?.viewers;
    if viewers as u64 > population {
        anyhow::bail!("--viewers {viewers}: the population has {population} viewers; ask for at most that many");
    }
    let pair = ConfigPair::load(store, a, b)?;
    let bar = Progress::new(viewers, "Simulating {bar:40} {pos}/{len} viewers");
    let arms = marquee::eval::abtest::Arms {
        a: (&pair.model_a, &pair.config_a),
        b: (pair.model_b(), &pair.config_b),
    };
    let report =
        marquee::eval::abtest::run(store, &arms, viewers, sessions, seed, &|done| bar.set(done))?;
    bar.finish();
    for (arm, r) in [("A", &report.a), ("B", &report.b)] {
        if r.viewers == 0 {
            anyhow::bail!(
                "arm {arm} was given no viewers out of {viewers}; ask for more --viewers"
            );
        }
    }
    if json {
        outln!("{}", marquee::text::to_json_pretty(&report)?);
        return Ok(());
    }
    outln!(
        "{:<34} {:>14} {:>14}",
        "",
        format!("A: {}", report.a.config),
        format!("B: {}", report.b.config)
    );
    outln!(
        "{:<34} {:>14} {:>14}",
        "viewers / sessions",
        format!("{} / {}", report.a.viewers, report.a.sessions),
        format!("{} / {}", report.b.viewers, report.b.sessions)
    );
    outln!(
        "{:<34} {:>14.3} {:>14.3}",
        "play rate (sessions with a play)",
        report.a.play_rate,
        report.b.play_rate
    );
    outln!(
        "{:<34} {:>14} {:>14}",
        "tiles to first play: median",
        tiles(report.a.median_tiles_to_first_play),
        tiles(report.b.median_tiles_to_first_play)
    );
    outln!(
        "{:<34} {:>14} {:>14}",
        "tiles to first play: p90",
        tiles(report.a.p90_tiles_to_first_play),
        tiles(report.b.p90_tiles_to_first_play)
    );
    outln!(
        "{:<34} {:>14.3} {:>14.3}",
        "titles played per session",
        report.a.titles_played_per_session,
        report.b.titles_played_per_session
    );
    outln!(
        "{:<34} {:>14.1} {:>14.1}",
        "effective catalog size of plays",
        report.a.ecs_of_plays,
        report.b.ecs_of_plays
    );
    outln!();
    for d in &report.differences {
        outln!(
            "B − A {:<30} {:+.4}   95% CI [{:+.4}, {:+.4}]",
            d.metric,
            d.b_minus_a,
            d.ci95.0,
            d.ci95.1
        );
    }
    outln!(
        "(bootstrap over viewers, {} resamples; seed {})",
        marquee::eval::abtest::BOOTSTRAP,
        report.seed
    );
    Ok(())
}
