//! `marquee compare --a A.json --b B.json`: both configs' pages per profile,
//! the whole-page diff, page-level numbers and what moved and why. The
//! comparing itself is `marquee::eval::compare`. Also `marquee abtest`,
//! the simulated A/B test (`marquee::eval::abtest`), and `marquee replay`.

use anyhow::Result;
use marquee::catalog::Event;
use marquee::eval::compare::{
    diff_pages, page_numbers, why_moved, Move, PageNumbers, RowDiff, WhyMoved,
};
use marquee::eval::protocol::{hold_out, Holdout};
use marquee::rank::{build_page, Context, Model, Page, ProfileState, RankerConfig};
use marquee::store::Store;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Serialize)]
struct ProfileComparison {
    profile: String,
    rows: Vec<RowDiff>,
    a: PageNumbers,
    b: PageNumbers,
    why: Vec<WhyMoved>,
}

pub fn run(
    store: &mut Store,
    a: &Path,
    b: &Path,
    profile: Option<&str>,
    ctx: &Context,
    seed: u64,
    json: bool,
) -> Result<()> {
    let (config_a, config_b) = (RankerConfig::load(a)?, RankerConfig::load(b)?);
    let model_a = Model::load(store, &config_a)?;
    // Configs that differ only in weights share one trained model.
    let trained_b = (config_b.training_hash() != config_a.training_hash())
        .then(|| Model::load(store, &config_b))
        .transpose()?;
    let model_b = trained_b.as_ref().unwrap_or(&model_a);
    let names: Vec<String> = match profile {
        Some(p) => vec![store.profile(p)?.name],
        None => store.profiles()?.into_iter().map(|p| p.name).collect(),
    };
    let title_index: BTreeMap<&str, usize> = model_a
        .titles
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let mut out = vec![];
    for name in &names {
        let member = store.profile(name)?;
        let events = store.events_of(member.id)?;
        // Held out: the profile's last 20 % of positives; pages for the numbers are built without them.
        let held: BTreeSet<usize> = hold_out(&events, &title_index, Holdout::Temporal, seed)
            .remove(&member.id)
            .unwrap_or_default();
        let held_ids: BTreeSet<String> =
            held.iter().map(|&t| model_a.titles[t].id.clone()).collect();
        let kept: Vec<Event> = events
            .iter()
            .filter(|e| !held_ids.contains(&e.title_id))
            .cloned()
            .collect();
        let page = |model: &Model, config: &RankerConfig, evs: &[Event]| -> Page {
            build_page(
                model,
                &ProfileState::from_events(&member, evs, model),
                ctx,
                config,
                seed,
            )
        };
        let (page_a, page_b) = (
            page(&model_a, &config_a, &events),
            page(model_b, &config_b, &events),
        );
        let rows = diff_pages(&page_a, &page_b);
        let (wa, wb) = (
            model_a.trained.weights.effective(&config_a),
            model_b.trained.weights.effective(&config_b),
        );
        let why = why_moved(&page_a, &page_b, &rows, &wa, &wb, 5);
        let numbers_a = page_numbers(&page(&model_a, &config_a, &kept), &model_a, &held_ids);
        let numbers_b = page_numbers(&page(model_b, &config_b, &kept), model_b, &held_ids);
        out.push(ProfileComparison {
            profile: name.clone(),
            rows,
            a: numbers_a,
            b: numbers_b,
            why,
        });
    }
    if json {
        println!(
            "{}",
            marquee::text::to_json_pretty(
                &serde_json::json!({"a": config_a.name, "b": config_b.name, "profiles": out})
            )?
        );
        return Ok(());
    }
    println!(
        "A: {} ({})   B: {} ({})   {} · {}\n",
        config_a.name,
        config_a.hash(),
        config_b.name,
        config_b.hash(),
        ctx.time_of_day,
        ctx.device
    );
    for c in &out {
        print_profile(c);
    }
    print_overall(&out);
    Ok(())
}

fn print_profile(c: &ProfileComparison) {
    println!("{}", c.profile);
    let moved: Vec<String> = c
        .rows
        .iter()
        .filter(|r| r.change != Move::Same)
        .map(|r| format!("{} {}", r.change.label(), marquee::text::sanitize(&r.title)))
        .collect();
    if moved.is_empty() {
        println!("  rows: same order");
    } else {
        println!("  rows: {}", moved.join(" · "));
    }
    for r in c.rows.iter().filter(|r| r.change != Move::Gone).take(3) {
        let tiles: Vec<String> = r
            .tiles
            .iter()
            .filter(|t| t.change != Move::Same)
            .take(8)
            .map(|t| format!("{} {}", marquee::text::sanitize(&t.name), t.change.label()))
            .collect();
        if !tiles.is_empty() {
            println!(
                "  {}: {}",
                marquee::text::sanitize(&r.title),
                tiles.join(", ")
            );
        }
    }
    let line = |label: &str, n: &PageNumbers| {
        println!(
            "  {label}: NDCG@10 {:.3}  coverage {:.3}  genre diversity {:.2}  exploration {:.0}%  first play after {} tiles",
            n.ndcg10,
            n.coverage,
            n.genre_diversity,
            100.0 * n.exploration_share,
            n.time_to_first_play.map_or("–".to_string(), |t| t.to_string())
        );
    };
    line("A", &c.a);
    line("B", &c.b);
    for w in &c.why {
        println!("  why: {}", marquee::text::sanitize(&w.summary()));
    }
    println!();
}

fn print_overall(all: &[ProfileComparison]) {
    let n = all.len().max(1) as f64;
    let mean = |f: &dyn Fn(&PageNumbers) -> f64| -> (f64, f64) {
        (
            all.iter().map(|c| f(&c.a)).sum::<f64>() / n,
            all.iter().map(|c| f(&c.b)).sum::<f64>() / n,
        )
    };
    let median = |f: &dyn Fn(&ProfileComparison) -> Option<usize>| {
        let mut v: Vec<usize> = all.iter().filter_map(f).collect();
        v.sort();
        v.get(v.len() / 2).map(|&x| x as f64)
    };
    println!(
        "Overall, {} profiles (means; time to first play is the median in tiles):",
        all.len()
    );
    let line = |label: &str, (a, b): (f64, f64), digits: usize| {
        println!(
            "  {label:<20} A {a:.digits$}  B {b:.digits$}  Δ {:+.digits$}",
            b - a
        )
    };
    line("NDCG@10", mean(&|p| p.ndcg10), 3);
    line("coverage", mean(&|p| p.coverage), 3);
    line("genre diversity", mean(&|p| p.genre_diversity), 2);
    line("exploration share", mean(&|p| p.exploration_share), 3);
    match (
        median(&|c| c.a.time_to_first_play),
        median(&|c| c.b.time_to_first_play),
    ) {
        (Some(a), Some(b)) => line("time to first play", (a, b), 0),
        (a, b) => println!("  {:<20} A {a:?}  B {b:?}", "time to first play"),
    }
}

/// `marquee abtest`: a progress bar on a terminal, then the report.
pub fn abtest(
    store: &mut Store,
    a: &Path,
    b: &Path,
    viewers: usize,
    sessions: usize,
    seed: u64,
    json: bool,
) -> Result<()> {
    use std::io::IsTerminal;
    let (config_a, config_b) = (RankerConfig::load(a)?, RankerConfig::load(b)?);
    let model_a = Model::load(store, &config_a)?;
    let trained_b = (config_b.training_hash() != config_a.training_hash())
        .then(|| Model::load(store, &config_b))
        .transpose()?;
    let model_b = trained_b.as_ref().unwrap_or(&model_a);
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(viewers as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("Simulating {bar:40} {pos}/{len} viewers")
                .expect("a valid template"),
        );
        bar
    });
    let arms = marquee::eval::abtest::Arms {
        a: (&model_a, &config_a),
        b: (model_b, &config_b),
    };
    let report = marquee::eval::abtest::run(store, &arms, viewers, sessions, seed, &|done| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if json {
        println!("{}", marquee::text::to_json_pretty(&report)?);
        return Ok(());
    }
    let tiles = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{v:.0}"));
    println!(
        "{:<34} {:>14} {:>14}",
        "",
        format!("A: {}", report.a.config),
        format!("B: {}", report.b.config)
    );
    println!(
        "{:<34} {:>14} {:>14}",
        "viewers / sessions",
        format!("{} / {}", report.a.viewers, report.a.sessions),
        format!("{} / {}", report.b.viewers, report.b.sessions)
    );
    println!(
        "{:<34} {:>14.3} {:>14.3}",
        "play rate (sessions with a play)", report.a.play_rate, report.b.play_rate
    );
    println!(
        "{:<34} {:>14} {:>14}",
        "tiles to first play: median",
        tiles(report.a.median_tiles_to_first_play),
        tiles(report.b.median_tiles_to_first_play)
    );
    println!(
        "{:<34} {:>14} {:>14}",
        "tiles to first play: p90",
        tiles(report.a.p90_tiles_to_first_play),
        tiles(report.b.p90_tiles_to_first_play)
    );
    println!(
        "{:<34} {:>14.3} {:>14.3}",
        "titles played per session",
        report.a.titles_played_per_session,
        report.b.titles_played_per_session
    );
    println!(
        "{:<34} {:>14.1} {:>14.1}",
        "effective catalog size of plays", report.a.ecs_of_plays, report.b.ecs_of_plays
    );
    println!();
    for d in &report.differences {
        println!(
            "B − A {:<30} {:+.4}   95% CI [{:+.4}, {:+.4}]",
            d.metric, d.b_minus_a, d.ci95.0, d.ci95.1
        );
    }
    println!(
        "(bootstrap over viewers, {} resamples; seed {})",
        marquee::eval::abtest::BOOTSTRAP,
        report.seed
    );
    Ok(())
}

/// `marquee replay FILE`: rebuild every page of a journey on a throw-away
/// copy of the database and check each against the recorded fingerprint.
pub fn replay(store: &Store, file: &Path, json: bool) -> Result<()> {
    use marquee::eval::journey::{describe, fingerprint, replay, Journey, JOURNEY_FORMAT};
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
    // Replaying writes feedback: do it on a copy, never on the real profile.
    let copy = std::env::temp_dir().join(format!("marquee-replay-{}.db", std::process::id()));
    store.copy_to(&copy)?;
    let result = (|| -> Result<Vec<Page>> {
        let mut replica = Store::open(&copy)?;
        let member = replica.profile(&journey.profile)?;
        replica.forget_feedback_after(member.id, journey.start_event)?;
        let mut session = marquee::session::Session::open(
            replica,
            journey.config.clone(),
            Some(&journey.profile),
            Some(journey.context),
            journey.seed,
        )?;
        Ok(replay(&mut session, &journey)?)
    })();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
    let pages = result?;
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
