//! `marquee import-movielens DIR`: read and validate a MovieLens folder
//! (`marquee::catalog::movielens`), then write it in one transaction, with a
//! progress bar on a terminal and only the summary when piped.

use anyhow::Result;
use marquee::store::Store;
use std::path::Path;
use std::time::Instant;

/// `marquee import-movielens`: read, validate, write in one transaction; a
/// progress bar on a terminal, only the summary when piped.
pub fn import(db: &Path, dir: &Path, profiles: usize) -> Result<()> {
    let started = Instant::now();
    let ml = marquee::catalog::movielens::read(dir)?;
    let mut store = Store::open(db)?;
    let bar = super::print::Progress::new(ml.ratings.len(), "{msg} {bar:40} {pos}/{len} ratings");
    bar.set_message(format!("Importing {}", ml.layout.name()));
    let (layout, ratings) = (ml.layout, ml.ratings.len());
    let summary = store.import_movielens(ml, profiles, &mut |done, _| bar.set(done))?;
    bar.finish();
    outln!(
        "Imported {} from {}: {} titles, {} viewers, {} profiles ({}), {} ratings as {} events, in {:.2} s.",
        layout.name(),
        dir.display(),
        summary.titles,
        summary.viewers,
        summary.profiles.len(),
        summary.profiles.join(", "),
        ratings,
        summary.events,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
