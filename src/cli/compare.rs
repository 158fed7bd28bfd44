//! `marquee compare --a A.json --b B.json`: both configs' pages per profile,
//! the whole-page diff, page-level numbers and what moved and why. The
//! comparing itself is `marquee::eval::compare`.

use super::print::tiles;
use anyhow::Result;
use marquee::catalog::Event;
use marquee::eval::compare::{
    diff_pages, page_numbers, why_moved, Move, PageNumbers, RowDiff, WhyMoved,
};
use marquee::eval::protocol::{hold_out, Holdout};
use marquee::rank::{Context, Model, Page, PageRequest, ProfileState, RankerConfig};
use marquee::store::Store;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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
    a: RankerConfig,
    b: RankerConfig,
    profile: Option<&str>,
    ctx: &Context,
    seed: u64,
    json: bool,
) -> Result<()> {
    let pair = ConfigPair::load(store, a, b)?;
    let (config_a, config_b, model_a, model_b) = (
        &pair.config_a,
        &pair.config_b,
        &pair.model_a,
        pair.model_b(),
    );
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
            let profile = ProfileState::from_events(&member, evs, model);
            PageRequest {
                model,
                profile: &profile,
                ctx,
                config,
                seed,
            }
            .page()
        };
        let (page_a, page_b) = (
            page(model_a, config_a, &events),
            page(model_b, config_b, &events),
        );
        let rows = diff_pages(&page_a, &page_b);
        let (wa, wb) = (
            model_a.trained.weights.effective(config_a),
            model_b.trained.weights.effective(config_b),
        );
        let why = why_moved(&page_a, &page_b, &rows, &wa, &wb, 5);
        let numbers_a = page_numbers(&page(model_a, config_a, &kept), model_a, &held_ids);
        let numbers_b = page_numbers(&page(model_b, config_b, &kept), model_b, &held_ids);
        out.push(ProfileComparison {
            profile: name.clone(),
            rows,
            a: numbers_a,
            b: numbers_b,
            why,
        });
    }
    if json {
        outln!(
            "{}",
            marquee::text::to_json_pretty(
                &serde_json::json!({"a": config_a.name, "b": config_b.name, "profiles": out})
            )?
        );
        return Ok(());
    }
    outln!(
        "A: {} ({})   B: {} ({})   {} {} · {}\n",
        config_a.name,
        config_a.hash(),
        config_b.name,
        config_b.hash(),
        ctx.day,
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
    outln!("{}", c.profile);
    let moved: Vec<String> = c
        .rows
        .iter()
        .filter(|r| r.change != Move::Same)
        .map(|r| format!("{} {}", r.change.label(), marquee::text::sanitize(&r.title)))
        .collect();
    if moved.is_empty() {
        outln!("  rows: same order");
    } else {
        outln!("  rows: {}", moved.join(" · "));
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
            outln!(
                "  {}: {}",
                marquee::text::sanitize(&r.title),
                tiles.join(", ")
            );
        }
    }
    let line = |label: &str, n: &PageNumbers| {
        outln!(
            "  {label}: NDCG@10 {:.3}  coverage {:.3}  genre diversity {:.2}  exploration {:.0}%  first play after {} tiles",
            n.ndcg10,
            n.coverage,
            n.genre_diversity,
            100.0 * n.exploration_share,
            tiles(n.time_to_first_play.map(|t| t as f64))
        );
    };
    line("A", &c.a);
    line("B", &c.b);
    for w in &c.why {
        outln!("  why: {}", marquee::text::sanitize(&w.summary()));
    }
    outln!();
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
    outln!(
        "Overall, {} (means; time to first play is the median in tiles):",
        marquee::text::count(all.len() as u64, "profile", "profiles")
    );
    let line = |label: &str, (a, b): (f64, f64), digits: usize| {
        outln!(
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
        (a, b) => outln!(
            "  {:<20} A {}  B {}",
            "time to first play",
            tiles(a),
            tiles(b)
        ),
    }
}

/// Two configs and their models; configs that differ only in weights share one trained model.
pub struct ConfigPair {
    pub config_a: RankerConfig,
    pub config_b: RankerConfig,
    pub model_a: Model,
    trained_b: Option<Model>,
}

impl ConfigPair {
    pub fn load(
        store: &mut Store,
        config_a: RankerConfig,
        config_b: RankerConfig,
    ) -> Result<ConfigPair> {
        let model_a = Model::load(store, &config_a)?;
        let trained_b = (config_b.training_hash() != config_a.training_hash())
            .then(|| Model::load(store, &config_b))
            .transpose()?;
        Ok(ConfigPair {
            config_a,
            config_b,
            model_a,
            trained_b,
        })
    }

    pub fn model_b(&self) -> &Model {
        self.trained_b.as_ref().unwrap_or(&self.model_a)
    }
}
