//! `--ranker`, `--ranker-file` and the `ranker:…` / `ranker-file:…` sides of
//! `compare`, `abtest` and the split view: each becomes a `RankerConfig`
//! carrying the external ranker, so every page built with it uses its scores.

use super::commands::open_with_sample;
use anyhow::{bail, Result};
use marquee::rank::external::{ExternalRanker, ScoresTable};
use marquee::rank::RankerConfig;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How a command reaches external rankers: the page budget and the database
/// (a scores file is matched against its catalog and members).
pub struct Reach<'a> {
    pub timeout: Duration,
    pub db: &'a Path,
}

/// `config` with `--ranker` or `--ranker-file` attached, if either was given.
pub fn attach(
    config: RankerConfig,
    ranker: Option<&str>,
    ranker_file: Option<&Path>,
    reach: &Reach,
) -> Result<RankerConfig> {
    match (ranker, ranker_file) {
        (Some(_), Some(_)) => bail!("--ranker and --ranker-file: give one of them"),
        (Some(spec), None) => Ok(config.with_external(start(spec, reach)?)),
        (None, Some(file)) => Ok(config.with_external(table(file, reach)?)),
        (None, None) => Ok(config),
    }
}

/// One side of a comparison: `default` (the built-in config), `ranker:COMMAND`
/// or `ranker:http://…`, `ranker-file:PATH`, or a config file.
pub fn side(spec: &str, reach: &Reach) -> Result<RankerConfig> {
    if spec == "default" {
        return Ok(RankerConfig::default());
    }
    if let Some(cmd) = spec.strip_prefix("ranker:") {
        return Ok(RankerConfig::default().with_external(start(cmd, reach)?));
    }
    if let Some(file) = spec.strip_prefix("ranker-file:") {
        return Ok(RankerConfig::default().with_external(table(Path::new(file), reach)?));
    }
    Ok(RankerConfig::load(Path::new(spec))?)
}

fn start(spec: &str, reach: &Reach) -> Result<Arc<ExternalRanker>> {
    let r = ExternalRanker::start(spec, reach.timeout)?;
    Ok(Arc::new(r))
}

/// Read a scores file and say on stderr what matched and what did not.
fn table(file: &Path, reach: &Reach) -> Result<Arc<ExternalRanker>> {
    let store = open_with_sample(reach.db)?;
    let titles: Vec<String> = store.titles()?.into_iter().map(|t| t.id).collect();
    let users: Vec<String> = store.members()?.into_iter().map(|m| m.name).collect();
    let t = ScoresTable::load(file, &titles, &users)?;
    errln!("{}", t.report.line(file));
    Ok(Arc::new(ExternalRanker::from_table(t)))
}
