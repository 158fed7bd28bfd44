//! `marquee abtest --a A.json --b B.json --weeks N`: the weekly retention
//! experiment with a progress bar on a terminal, then the report: both
//! arms' retention as a text chart, the numbers per arm, B − A with 95 %
//! intervals, and the win-back of lapsed members. The simulation is
//! `marquee::eval::retention_run`.

use super::compare::ConfigPair;
use super::print::{tiles, Progress};
use anyhow::{bail, Result};
use marquee::eval::abtest::{Arms, Difference};
use marquee::eval::retention_chart::chart;
use marquee::eval::retention_report::RetentionReport;
use marquee::eval::retention_run::{prepare, simulate, Plan};
use marquee::eval::winback::WinbackReport;
use marquee::store::Store;
use std::sync::atomic::AtomicBool;

/// Width of the chart in the text report (fits 80 columns).
const CHART_WIDTH: usize = 78;
const CHART_HEIGHT: usize = 12;

pub fn run(
    store: &mut Store,
    a: marquee::rank::RankerConfig,
    b: marquee::rank::RankerConfig,
    members: usize,
    weeks: usize,
    seed: u64,
    json: bool,
) -> Result<()> {
    let population = store.stats()?.viewers;
    if members as u64 > population {
        bail!("--viewers {members}: the population has {population} viewers; ask for at most that many");
    }
    let pair = ConfigPair::load(store, a, b)?;
    let arms = Arms {
        a: (&pair.model_a, &pair.config_a),
        b: (pair.model_b(), &pair.config_b),
    };
    let prepared = prepare(store, members, seed)?;
    let bar = Progress::new(members, "Simulating {bar:40} {pos}/{len} members");
    let plan = Plan {
        arms: &arms,
        members,
        weeks,
        seed,
    };
    let (report, outcomes) = simulate(
        &prepared,
        &plan,
        &mut |p| bar.set(p.done),
        &AtomicBool::new(false),
    )
    .expect("nothing cancels the command's run");
    bar.finish();
    for (arm, r) in [("A", &report.a), ("B", &report.b)] {
        if r.members == 0 {
            bail!("arm {arm} was given no members out of {members}; ask for more --viewers");
        }
    }
    let win_back = marquee::eval::winback::simulate(&prepared, &arms, &outcomes, seed);
    if json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            #[serde(flatten)]
            retention: &'a RetentionReport,
            win_back: &'a WinbackReport,
        }
        let out = Out {
            retention: &report,
            win_back: &win_back,
        };
        outln!("{}", marquee::text::to_json_pretty(&out)?);
        return Ok(());
    }
    print_report(&report);
    print_win_back(&win_back);
    Ok(())
}

fn print_win_back(w: &WinbackReport) {
    outln!();
    outln!(
        "Win-back: the {} members who cancelled, a week later (paired by member, 95 % bootstrap):",
        w.lapsed
    );
    for arm in &w.arms {
        outln!(
            "  {:<24} came back {:>5.1} %  [{:.1}, {:.1}]   tempted by a line {:>5.1} %",
            arm.message,
            100.0 * arm.won_back.mean,
            100.0 * arm.won_back.low,
            100.0 * arm.won_back.high,
            100.0 * arm.tempted
        );
    }
    for (label, d) in [
        ("personalized − none", &w.personalized_minus_none),
        ("generic − none", &w.generic_minus_none),
        ("personalized − generic", &w.personalized_minus_generic),
    ] {
        outln!(
            "  {label:<24} {:+.1} points  [{:+.1}, {:+.1}]",
            100.0 * d.mean,
            100.0 * d.low,
            100.0 * d.high
        );
    }
}

fn print_report(r: &RetentionReport) {
    outln!(
        "Weekly retention, {} weeks ({} members, each living both arms from one seed)",
        r.weeks,
        r.a.members
    );
    for line in chart(
        &r.a.retention,
        &r.b.retention,
        (&r.a.config, &r.b.config),
        CHART_WIDTH,
        CHART_HEIGHT,
    ) {
        outln!("{line}");
    }
    outln!();
    let row = |label: &str, a: String, b: String| outln!("{label:<36} {a:>16} {b:>16}");
    row(
        "",
        format!("A: {}", r.a.config),
        format!("B: {}", r.b.config),
    );
    row(
        "members / sessions",
        format!("{} / {}", r.a.members, r.a.sessions),
        format!("{} / {}", r.b.members, r.b.sessions),
    );
    let pct = |x: f64| format!("{:.1} %", 100.0 * x);
    row(
        &format!("still a member after week {}", r.weeks),
        pct(1.0 - r.a.churn),
        pct(1.0 - r.b.churn),
    );
    row("churn", pct(r.a.churn), pct(r.b.churn));
    row(
        "failed sessions (nothing played)",
        pct(r.a.failed_sessions),
        pct(r.b.failed_sessions),
    );
    row(
        "tiles read to first play: median",
        tiles(r.a.median_tiles_to_first_play),
        tiles(r.b.median_tiles_to_first_play),
    );
    row(
        "tiles read to first play: mean",
        format!("{:.2}", r.a.mean_tiles_to_first_play),
        format!("{:.2}", r.b.mean_tiles_to_first_play),
    );
    row(
        "plays from rows",
        pct(r.a.plays_from_rows),
        pct(r.b.plays_from_rows),
    );
    row(
        "plays from search",
        pct(r.a.plays_from_search),
        pct(r.b.plays_from_search),
    );
    row(
        "effective catalog size of plays",
        format!("{:.1}", r.a.ecs_of_plays),
        format!("{:.1}", r.b.ecs_of_plays),
    );
    outln!();
    outln!("B − A, retention after each week:");
    for d in &r.retention_difference {
        difference(d);
    }
    outln!("B − A:");
    for d in &r.differences {
        difference(d);
    }
    outln!("({}; seed {})", r.intervals, r.seed);
}

fn difference(d: &Difference) {
    let excludes = if d.ci95.0 > 0.0 || d.ci95.1 < 0.0 {
        ""
    } else {
        "   (includes 0)"
    };
    outln!(
        "  {:<30} {:+.4}   95% CI [{:+.4}, {:+.4}]{excludes}",
        d.metric,
        d.b_minus_a,
        d.ci95.0,
        d.ci95.1
    );
}
