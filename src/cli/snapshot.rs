//! `marquee snapshot write|check DIR`: file handling and printing around
//! `marquee::eval::snapshot`, which holds the judging.

use super::SnapshotCommand;
use anyhow::{bail, Context as _, Result};
use marquee::eval::snapshot::{check_page, contexts, page_file, Manifest, PageCheck, Verdict};
use marquee::rank::{Model, Page, PageRequest, ProfileState, RankerConfig, DEFAULT_SEED};
use marquee::store::Store;
use std::path::Path;

/// Every page a snapshot holds, freshly built: (file name, page).
fn pages(store: &Store, model: &Model, config: &RankerConfig) -> Result<Vec<(String, Page)>> {
    let mut out = vec![];
    for profile in store.profiles()? {
        let state = ProfileState::load(store, model, &profile.name)?;
        for (name, ctx) in contexts() {
            let req = PageRequest {
                model,
                profile: &state,
                ctx: &ctx,
                config,
                seed: DEFAULT_SEED,
            };
            out.push((page_file(&profile.name, name), req.page()));
        }
    }
    Ok(out)
}

fn write_all(
    dir: &Path,
    store: &Store,
    config: &RankerConfig,
    pages: &[(String, Page)],
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, page) in pages {
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, marquee::text::to_json_pretty(page)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let manifest = Manifest {
        config_name: config.name.clone(),
        config_hash: config.hash(),
        model_fingerprint: format!(
            "{};{}",
            store.training_fingerprint()?,
            config.training_hash()
        ),
        seed: DEFAULT_SEED,
        pages: pages.iter().map(|p| p.0.clone()).collect(),
    };
    let path = dir.join("manifest.json");
    std::fs::write(&path, marquee::text::to_json_pretty(&manifest)? + "\n")
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

pub fn run(
    store: &Store,
    model: &Model,
    config: &RankerConfig,
    command: SnapshotCommand,
) -> Result<()> {
    match command {
        SnapshotCommand::Write { dir } => {
            let pages = pages(store, model, config)?;
            write_all(&dir, store, config, &pages)?;
            println!(
                "Wrote {} pages ({} profiles × {} contexts) to {}.",
                pages.len(),
                pages.len() / contexts().len().max(1),
                contexts().len(),
                dir.display()
            );
        }
        SnapshotCommand::Check {
            dir,
            update,
            tolerance,
            json,
        } => {
            let manifest_path = dir.join("manifest.json");
            let text = std::fs::read_to_string(&manifest_path).with_context(|| {
                format!(
                    "reading {} (write one with `marquee snapshot write`)",
                    manifest_path.display()
                )
            })?;
            let manifest: Manifest = serde_json::from_str(&text)
                .with_context(|| format!("{}: not a snapshot manifest", manifest_path.display()))?;
            let fresh = pages(store, model, config)?;
            let mut checks: Vec<PageCheck> = vec![];
            let mut missing = vec![];
            for name in &manifest.pages {
                let Some((_, now)) = fresh.iter().find(|p| &p.0 == name) else {
                    missing.push(name.clone());
                    continue;
                };
                let path = dir.join(format!("{name}.json"));
                let approved: Page = serde_json::from_str(
                    &std::fs::read_to_string(&path)
                        .with_context(|| format!("reading {}", path.display()))?,
                )
                .with_context(|| format!("{}: not a page", path.display()))?;
                checks.push(check_page(name, &approved, now, tolerance));
            }
            let added: Vec<&String> = fresh
                .iter()
                .map(|p| &p.0)
                .filter(|n| !manifest.pages.contains(n))
                .collect();
            if json {
                println!(
                    "{}",
                    marquee::text::to_json_pretty(
                        &serde_json::json!({"pages": checks, "missing": missing, "added": added})
                    )?
                );
            } else {
                print_checks(&manifest, config, &checks, &missing, &added, tolerance);
            }
            let failing = checks
                .iter()
                .filter(|c| c.verdict != Verdict::Unchanged)
                .count()
                + missing.len()
                + added.len();
            if update {
                write_all(&dir, store, config, &fresh)?;
                println!(
                    "Re-approved: {} pages written to {}.",
                    fresh.len(),
                    dir.display()
                );
            } else if failing > 0 {
                bail!("{failing} of {} pages moved beyond the tolerance of {tolerance}; re-approve with `marquee snapshot check {} --update`", manifest.pages.len().max(fresh.len()), dir.display());
            }
        }
    }
    Ok(())
}

fn print_checks(
    manifest: &Manifest,
    config: &RankerConfig,
    checks: &[PageCheck],
    missing: &[String],
    added: &[&String],
    tolerance: f64,
) {
    if manifest.config_hash != config.hash() {
        println!(
            "config: snapshot {} ({}), now {} ({})",
            manifest.config_name,
            manifest.config_hash,
            config.name,
            config.hash()
        );
    }
    for c in checks {
        let mark = match c.verdict {
            Verdict::Unchanged => "unchanged",
            Verdict::Improved => "IMPROVED ",
            Verdict::Worse => "WORSE    ",
            Verdict::Changed => "CHANGED  ",
        };
        println!(
            "{mark} {:<42} utility {:.4} → {:.4}  top-tile ρ {:+.3}",
            c.page, c.utility_before, c.utility_after, c.rank_correlation
        );
        if c.verdict != Verdict::Unchanged {
            for line in c.diff.iter().take(8) {
                println!("            {line}");
            }
            if c.diff.len() > 8 {
                println!("            … {} more", c.diff.len() - 8);
            }
        }
    }
    for m in missing {
        println!("MISSING   {m} (its profile is gone)");
    }
    for a in added {
        println!("NEW       {a} (not in the snapshot)");
    }
    let unchanged = checks
        .iter()
        .filter(|c| c.verdict == Verdict::Unchanged)
        .count();
    println!(
        "{unchanged} of {} pages unchanged within a tolerance of {tolerance}.",
        checks.len()
    );
}
