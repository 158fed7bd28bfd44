//! `marquee eval`: the external TSV mode and the database mode, printed as a
//! table, JSON or CSV, and the cold-start protocol (`--onboarding`) in both. The evaluation itself lives in `marquee::eval`.

use super::print::tiles;
use anyhow::{Context as _, Result};
use marquee::eval::coldstart::{ColdStartReport, Options, PICK_COUNTS};
use marquee::eval::coldstart_db::evaluate_onboarding;
use marquee::eval::coldstart_tsv::evaluate_onboarding_tsv;
use marquee::eval::external::{
    check_trainable, item_count, positives, read_positives, read_rows, recommend, score,
    write_recs, AVAILABILITY_SLACK_S,
};
use marquee::eval::metrics::{Interval, RankingMetrics};
use marquee::eval::protocol::{evaluate_database, SCAN_TILES};
use marquee::rank::RankerConfig;
use marquee::store::Store;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

impl Format {
    pub fn of(json: bool, csv: bool) -> Format {
        if json {
            Format::Json
        } else if csv {
            Format::Csv
        } else {
            Format::Table
        }
    }
}

pub fn external(
    train_path: &Path,
    test_path: &Path,
    k: usize,
    recs_out: Option<&Path>,
    config: &RankerConfig,
    availability: bool,
    format: Format,
) -> Result<()> {
    let started = Instant::now();
    let train_rows = read_rows(train_path)?;
    check_trainable(train_path, &train_rows)?;
    let test = read_positives(test_path)?;
    let users = test.keys().cloned().collect();
    let params = config.training.item_model;
    let slack = availability.then_some(AVAILABILITY_SLACK_S);
    let recs = recommend(&train_rows, &users, k, params, slack);
    let seconds = started.elapsed().as_secs_f64();
    if let Some(out) = recs_out {
        write_recs(out, &recs)
            .with_context(|| format!("writing the recommendations to {}", out.display()))?;
    }
    let m = score(&positives(&train_rows), &test, &recs, k);
    // The table names the settings in its footnote; scripts get them in the name.
    let mut setting = marquee::rank::describe_item_model(&params, item_count(&train_rows));
    if availability {
        setting += " · titles as of each user's last positive + 1 day";
    }
    let name = match format {
        Format::Table => "item model".to_string(),
        _ => setting.clone(),
    };
    print_metrics(
        &name,
        &m,
        format,
        &format!(
            "item model: {setting} · {} test users · trained and recommended in {seconds:.2} s",
            test.len()
        ),
    )
}

/// `marquee eval` on the database: both holdouts, every baseline, one report.
pub fn database(
    store: &mut Store,
    config: &RankerConfig,
    k: usize,
    seed: u64,
    format: Format,
) -> Result<()> {
    if std::io::stderr().is_terminal() && format == Format::Table {
        errln!("Evaluating: two holdouts, the ranker retrained on each (a few seconds) …");
    }
    let report = evaluate_database(store, config, k, seed)?;
    match format {
        Format::Json => outln!("{}", marquee::text::to_json_pretty(&report)?),
        Format::Csv => {
            outln!("holdout,model,k,ndcg,recall,precision,map,mrr,hit_rate,coverage,ecs,inv_simpson,novelty,cold_ndcg,warm_ndcg,test_members,cold_members");
            for s in &report.splits {
                for m in &s.models {
                    let o = &m.overall;
                    outln!(
                        "{:?},{},{},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.2},{:.3},{:.4},{:.6},{:.6},{},{}",
                        s.holdout, csv_field(&m.name), k, o.ndcg, o.recall, o.precision, o.map, o.mrr, o.hit_rate, o.coverage, m.ecs, o.inv_simpson, m.novelty, m.cold.ndcg, m.warm.ndcg, s.test_members, s.cold_members
                    );
                }
            }
        }
        Format::Table => {
            for s in &report.splits {
                outln!(
                    "{:?} holdout: {} test members ({} cold, < 5 training positives); ranker retrained in {:.2} s",
                    s.holdout, s.test_members, s.cold_members, s.train_seconds
                );
                outln!(
                    "  {:<30} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9}",
                    "", format!("ndcg@{k}"), format!("recall@{k}"), format!("prec@{k}"), format!("map@{k}"), format!("mrr@{k}"), format!("hit@{k}"), "coverage", "ECS", "invSimp", "novelty", "cold ndcg", "warm ndcg"
                );
                for m in &s.models {
                    let o = &m.overall;
                    outln!(
                        "  {:<30} {:>8.4} {:>8.4} {:>8.4} {:>8.4} {:>8.4} {:>8.4} {:>8.4} {:>8.1} {:>8.1} {:>8.2} {:>9.4} {:>9.4}",
                        m.name, o.ndcg, o.recall, o.precision, o.map, o.mrr, o.hit_rate, o.coverage, m.ecs, o.inv_simpson, m.novelty, m.cold.ndcg, m.warm.ndcg
                    );
                }
                let t = &s.time_to_first_play;
                outln!(
                    "  time to first play (home page, rows in order, first {SCAN_TILES} tiles each): median {} tiles, p90 {} tiles; {:.1}% found nothing\n",
                    tiles(t.median_tiles), tiles(t.p90_tiles), 100.0 * t.share_none
                );
            }
            outln!(
                "k = {k}, seed {}, config {}; {:.1} s in all.",
                report.seed,
                report.config,
                report.seconds
            );
        }
    }
    Ok(())
}

/// Print one named metric row in the chosen format; the table ends with `note`.
fn print_metrics(name: &str, m: &RankingMetrics, format: Format, note: &str) -> Result<()> {
    match format {
        Format::Json => {
            let mut o = m.reference_json();
            o["name"] = serde_json::Value::String(name.to_string());
            outln!("{}", marquee::text::to_json_pretty(&o)?);
        }
        Format::Csv => {
            outln!("name,k,precision,recall,ndcg,map,mrr,hit_rate,coverage,inv_simpson,test_users");
            outln!(
                "{},{},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.3},{}",
                csv_field(name),
                m.k,
                m.precision,
                m.recall,
                m.ndcg,
                m.map,
                m.mrr,
                m.hit_rate,
                m.coverage,
                m.inv_simpson,
                m.test_users
            );
        }
        Format::Table => {
            let k = m.k;
            outln!(
                "{:<34} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
                "",
                format!("prec@{k}"),
                format!("recall@{k}"),
                format!("ndcg@{k}"),
                format!("map@{k}"),
                format!("mrr@{k}"),
                format!("hit@{k}"),
                "coverage",
                "invSimp"
            );
            outln!(
                "{:<34} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>9.1}",
                name,
                m.precision,
                m.recall,
                m.ndcg,
                m.map,
                m.mrr,
                m.hit_rate,
                m.coverage,
                m.inv_simpson
            );
            outln!("{note}");
        }
    }
    Ok(())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The cold-start run the flags ask for.
pub fn cold_options(k: usize, seed: u64, validation: Option<u64>) -> Options {
    Options {
        validation,
        ..Options::new(k, seed)
    }
}

/// `marquee eval --onboarding` on the database.
pub fn onboarding_database(
    store: &Store,
    config: &RankerConfig,
    options: Options,
    json: bool,
) -> Result<()> {
    if std::io::stderr().is_terminal() && !json {
        errln!("Evaluating cold start: members held out whole, the ranker retrained without them, then a simulated month (a minute or so) …");
    }
    let report = evaluate_onboarding(store, config, options)?;
    print_cold_start(&report, json)
}

/// `marquee eval --onboarding --train … --test …`.
pub fn onboarding_external(
    train_path: &Path,
    test_path: &Path,
    config: &RankerConfig,
    availability: bool,
    options: Options,
    json: bool,
) -> Result<()> {
    let train = read_rows(train_path)?;
    check_trainable(train_path, &train)?;
    let test = read_rows(test_path)?;
    let slack = availability.then_some(AVAILABILITY_SLACK_S);
    let report = evaluate_onboarding_tsv(&train, &test, config.training.item_model, slack, options);
    if report.held_out_members == 0 {
        anyhow::bail!(
            "{}: no test user has more than {} positives in the two files, so none can be held out with 10 picks and a test set",
            test_path.display(),
            PICK_COUNTS[PICK_COUNTS.len() - 1]
        );
    }
    print_cold_start(&report, json)
}

fn print_cold_start(report: &ColdStartReport, json: bool) -> Result<()> {
    if json {
        outln!("{}", marquee::text::to_json_pretty(report)?);
        return Ok(());
    }
    let k = report.k;
    if let Some(v) = report.validation_seed {
        outln!(
            "Validation (seed {v}): the test members of seed {} are left out altogether.",
            report.seed
        );
    }
    outln!(
        "Cold start ({} mode): {} members held out whole of {} with more than {} positives; each given their first k as onboarding picks.",
        report.mode,
        report.held_out_members,
        report.eligible_members,
        PICK_COUNTS[PICK_COUNTS.len() - 1]
    );
    for r in &report.results {
        outln!(
            "\n{} pick{} · {} members",
            r.picks,
            if r.picks == 1 { "" } else { "s" },
            r.members
        );
        outln!(
            "  {:<26} {:>8} {:>9} {:>8} {:>10} {:>8}   {:<26} {:<26}",
            "",
            format!("ndcg@{k}"),
            format!("recall@{k}"),
            "coverage",
            "1st hit md",
            "no hit",
            "ndcg − popularity (95 %)",
            "recall − popularity (95 %)"
        );
        for x in &r.recommenders {
            let m = &x.metrics;
            let t = &x.time_to_first_play;
            outln!(
                "  {:<26} {:>8.4} {:>9.4} {:>8.4} {:>10} {:>7.1}%   {:<26} {:<26}",
                x.name,
                m.ndcg,
                m.recall,
                m.coverage,
                tiles(t.median_tiles),
                100.0 * t.share_none,
                interval(&x.ndcg_vs_popularity),
                interval(&x.recall_vs_popularity)
            );
        }
        if let Some(t) = &r.page_time_to_first_play {
            outln!(
                "  the new profile's home page (rows in order, first {SCAN_TILES} tiles each): first liked title after a median {} tiles, p90 {}; {:.1}% found none",
                tiles(t.median_tiles),
                tiles(t.p90_tiles),
                100.0 * t.share_none
            );
        }
    }
    if let Some(s) = &report.onboarding_set {
        outln!(
            "\nThe onboarding set, shown to {} simulated new members:",
            s.members
        );
        for x in [&s.today, &s.cover] {
            let shapes: Vec<String> = x
                .sets
                .iter()
                .map(|sh| {
                    format!(
                        "{}: {} titles, {} genres, distance {:.2}",
                        sh.maturity, sh.titles, sh.distinct_genres, sh.mean_distance
                    )
                })
                .collect();
            outln!(
                "  {:<26} {:>5.1}% find three they like · {:.2} liked on average · {}",
                x.name,
                100.0 * x.share_with_three,
                x.mean_liked,
                shapes.join("; ")
            );
        }
        let g = &s.share_with_three_gain;
        outln!(
            "  greedy cover − taste clusters: {:+.1} points ({:+.1} … {:+.1})",
            100.0 * g.mean,
            100.0 * g.low,
            100.0 * g.high
        );
    }
    if let Some(m) = &report.first_month {
        outln!(
            "\nThe first month of {} simulated new members ({} sessions each over four weeks):",
            m.members,
            m.sessions_per_member
        );
        for a in [&m.onboarded, &m.without_onboarding] {
            outln!(
                "  {:<44} first session: {:>5.1}% play, median {} tiles to the first play · plays in week 1 {:.2} · in weeks 1–4 {:.2}",
                a.name,
                100.0 * a.first_session_play_rate,
                tiles(a.median_tiles_to_first_play),
                a.plays_week_1,
                a.plays_weeks_1_to_4
            );
        }
        outln!(
            "  onboarded − without: first-session play rate {}, plays in week 1 {}, in weeks 1–4 {}",
            interval(&m.first_session_play_rate_gain),
            interval(&m.plays_week_1_gain),
            interval(&m.plays_weeks_1_to_4_gain)
        );
    }
    outln!(
        "\nk = {k}, seed {}, {}; {:.1} s in all. Intervals: paired bootstrap over members, 95 %.",
        report.seed,
        report.config,
        report.seconds
    );
    Ok(())
}

fn interval(i: &Interval) -> String {
    format!("{:+.4} ({:+.4} … {:+.4})", i.mean, i.low, i.high)
}
