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
            outln!(
                "Wrote {} ({} × {}) to {}.",
                marquee::text::count(pages.len() as u64, "page", "pages"),
                marquee::text::count(
                    (pages.len() / contexts().len().max(1)) as u64,
                    "profile",
                    "profiles"
                ),
                marquee::text::count(contexts().len() as u64, "context", "contexts"),
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
            let manifest: Manifest = read_json(&manifest_path).map_err(|e| match e {
                SnapshotFileError::Missing(e) => anyhow::anyhow!(
                    "{e} (write one with `marquee snapshot write {}`)",
                    dir.display()
                ),
                SnapshotFileError::Bad(e) => e.into(),
            })?;
            for (i, name) in manifest.pages.iter().enumerate() {
                if !is_page_name(name) {
                    bail!(
                        "{}: $.pages[{i}]: {name:?} is not a page name (<profile>--<context>: letters, digits, '-' and '_')",
                        manifest_path.display()
                    );
                }
            }
            let fresh = pages(store, model, config)?;
            let mut checks: Vec<PageCheck> = vec![];
            let mut missing = vec![];
            for name in &manifest.pages {
                let Some((_, now)) = fresh.iter().find(|p| &p.0 == name) else {
                    missing.push(name.clone());
                    continue;
                };
                let path = dir.join(format!("{name}.json"));
                let approved: Page = read_json(&path).map_err(|e| match e {
                    SnapshotFileError::Missing(e) | SnapshotFileError::Bad(e) => e,
                })?;
                checks.push(check_page(name, &approved, now, tolerance));
            }
            let added: Vec<&String> = fresh
                .iter()
                .map(|p| &p.0)
                .filter(|n| !manifest.pages.contains(n))
                .collect();
            if json {
                outln!(
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
                outln!(
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

/// A page name as `page_file` makes them: nothing that could leave the folder.
fn is_page_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

enum SnapshotFileError {
    Missing(marquee::catalog::CatalogError),
    Bad(marquee::catalog::CatalogError),
}

/// A snapshot file (a regular file, bounded in size), parsed with the JSON path of any error.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, SnapshotFileError> {
    use marquee::catalog::input;
    let bytes = input::read_regular(path, input::MAX_SMALL_BYTES).map_err(|e| {
        if e.is_not_found() {
            SnapshotFileError::Missing(e.into())
        } else {
            SnapshotFileError::Bad(e.into())
        }
    })?;
    let label = path.display().to_string();
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        SnapshotFileError::Bad(marquee::catalog::CatalogError::new(
            &label,
            "",
            format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        ))
    })?;
    marquee::catalog::parse_json(&label, text).map_err(SnapshotFileError::Bad)
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
        outln!(
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
        outln!(
            "{mark} {:<42} utility {:.4} → {:.4}  top-tile ρ {:+.3}",
            c.page,
            c.utility_before,
            c.utility_after,
            c.rank_correlation
        );
        // Titles that came or went are always listed, whatever the verdict.
        for t in &c.went {
            outln!(
                "            left the page: {} {} ({}% match)",
                t.title_id,
                marquee::text::sanitize(&t.name),
                t.match_pct
            );
        }
        for t in &c.came {
            outln!(
                "            new on the page: {} {} ({}% match)",
                t.title_id,
                marquee::text::sanitize(&t.name),
                t.match_pct
            );
        }
        if c.verdict != Verdict::Unchanged {
            for line in c.diff.iter().take(8) {
                outln!("            {line}");
            }
            if c.diff.len() > 8 {
                outln!("            … {} more", c.diff.len() - 8);
            }
        }
    }
    for m in missing {
        outln!("MISSING   {m} (its profile is gone)");
    }
    for a in added {
        outln!("NEW       {a} (not in the snapshot)");
    }
    let unchanged = checks
        .iter()
        .filter(|c| c.verdict == Verdict::Unchanged)
        .count();
    outln!(
        "{unchanged} of {} pages unchanged within a tolerance of {tolerance}.",
        checks.len()
    );
}
