//! Writing imports: validate the whole batch first, then write it in one
//! transaction, so a bad file changes nothing and a good one lands whole.

use super::{Store, StoreError};
use crate::catalog::population::Population;
use crate::catalog::{
    validate_batch, CatalogFile, ImportFile, Maturity, ProfileFile, Title, Vocabulary,
};
use rusqlite::OptionalExtension;
use rusqlite::{params, Transaction, TransactionBehavior};
use serde::Serialize;

/// What one import added or replaced.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct ImportSummary {
    pub titles: usize,
    pub genres: usize,
    pub tags: usize,
    pub profiles: Vec<String>,
    pub events: usize,
    pub viewers: usize,
}

/// A population to generate inside the same transaction as the catalog.
#[derive(Debug, Clone, Copy)]
pub struct PopulationSpec {
    pub seed: u64,
    pub viewers: usize,
}

impl Store {
    /// Validate and import `files` (catalog and profile files, in order) atomically.
    pub fn import(&mut self, files: &[ImportFile]) -> Result<ImportSummary, StoreError> {
        self.import_with(files, None)
    }

    /// Open the database at `path`; on a first run (no file there, or a
    /// database with nothing in it) build the bundled sample into it, under
    /// the first-run lock. `progress` hears what happens, for the CLI's
    /// stderr and the TUI's start screen.
    pub fn open_with_sample(
        path: &std::path::Path,
        progress: impl Fn(FirstRun),
    ) -> Result<Store, StoreError> {
        let install = |store: &mut Store| -> Result<(), StoreError> {
            progress(FirstRun::Building);
            let started = std::time::Instant::now();
            let summary = store.install_sample()?;
            progress(FirstRun::Built(summary, started.elapsed().as_secs_f64()));
            Ok(())
        };
        let mut store = Store::open_or_create(path, || progress(FirstRun::Waiting), install)?;
        if store.is_empty()? {
            install(&mut store)?;
        }
        Ok(store)
    }

    /// Build an empty database from the embedded sample catalog and its population.
    pub fn install_sample(&mut self) -> Result<ImportSummary, StoreError> {
        let files = crate::catalog::sample::files()?;
        let spec = PopulationSpec {
            seed: crate::catalog::sample::POPULATION_SEED,
            viewers: crate::catalog::sample::POPULATION_VIEWERS,
        };
        self.import_with(&files, Some(spec))
    }

    pub fn import_with(
        &mut self,
        files: &[ImportFile],
        population: Option<PopulationSpec>,
    ) -> Result<ImportSummary, StoreError> {
        let path = self.path.clone();
        let e = |err| StoreError::sqlite(&path, err);
        let (tx, mut summary) = self.begin_import(files)?;
        if let Some(spec) = population {
            write_population(&tx, spec, &mut summary).map_err(e)?;
        }
        super::generation::stamp(&tx).map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(summary)
    }

    /// Open the import's transaction, validate `files` against what is
    /// stored and write them. The caller adds what else the import brings
    /// and commits; dropping the transaction instead leaves the database as it was.
    pub(super) fn begin_import(
        &mut self,
        files: &[ImportFile],
    ) -> Result<(Transaction<'_>, ImportSummary), StoreError> {
        let path = self.path.clone();
        let e = |err| StoreError::sqlite(&path, err);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(e)?;
        let mut vocab = load_vocabulary(&tx).map_err(e)?;
        validate_batch(files, &mut vocab)?;
        let mut summary = ImportSummary::default();
        for f in files {
            match f {
                ImportFile::Catalog { file, .. } => {
                    write_catalog(&tx, file, &mut summary).map_err(e)?
                }
                ImportFile::Profile { file, .. } => {
                    write_profile(&tx, file, &mut summary).map_err(e)?
                }
            }
        }
        tx.execute(
            "DELETE FROM people WHERE id NOT IN (SELECT person_id FROM credits)",
            [],
        )
        .map_err(e)?;
        Ok((tx, summary))
    }
}

fn load_vocabulary(tx: &rusqlite::Connection) -> rusqlite::Result<Vocabulary> {
    let mut v = Vocabulary::default();
    let ids = |sql: &str| -> rusqlite::Result<Vec<String>> {
        tx.prepare(sql)?.query_map([], |r| r.get(0))?.collect()
    };
    v.genres = ids("SELECT id FROM genres")?.into_iter().collect();
    v.tags = ids("SELECT id FROM tags")?.into_iter().collect();
    let mut stmt = tx.prepare("SELECT id, maturity FROM titles")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (id, rating) = row?;
        if let Some(m) = Maturity::parse(&rating) {
            v.rating.insert(id.clone(), m);
        }
        v.titles.insert(id, Default::default());
    }
    drop(stmt);
    let as_of: Option<String> = tx
        .query_row("SELECT value FROM meta WHERE key = 'as_of'", [], |r| {
            r.get(0)
        })
        .optional()?;
    v.as_of = as_of.and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
    let added: Option<String> = tx.query_row("SELECT max(added) FROM titles", [], |r| r.get(0))?;
    v.latest_added = added.and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
    let mut stmt = tx.prepare("SELECT id, title_id FROM artwork")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (art, title) = row?;
        v.titles
            .entry(title.clone())
            .or_default()
            .insert(art.clone());
        v.artwork_owner.insert(art, title);
    }
    Ok(v)
}

fn write_catalog(
    tx: &Transaction,
    file: &CatalogFile,
    summary: &mut ImportSummary,
) -> rusqlite::Result<()> {
    if let Some(as_of) = file.as_of {
        tx.execute("INSERT INTO meta(key, value) VALUES ('as_of', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [as_of.to_string()])?;
    }
    if let Some(name) = &file.name {
        tx.execute("INSERT INTO meta(key, value) VALUES ('catalog_name', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [name])?;
    }
    for g in &file.genres {
        tx.execute(
            "INSERT INTO genres(id, name, plural) VALUES (?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, plural = excluded.plural",
            params![g.id, g.name, g.plural],
        )?;
    }
    for t in &file.tags {
        tx.execute(
            "INSERT INTO tags(id, kind, label, suffix) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, label = excluded.label, suffix = excluded.suffix",
            params![t.id, t.kind.as_str(), t.label, t.suffix],
        )?;
    }
    // The next import order, read once: computing max(seq) per insert made imports quadratic.
    let first_seq: i64 = tx.query_row("SELECT coalesce(max(seq), 0) + 1 FROM titles", [], |r| {
        r.get(0)
    })?;
    for (i, t) in file.titles.iter().enumerate() {
        write_title(tx, t, first_seq + i as i64)?;
    }
    summary.genres += file.genres.len();
    summary.tags += file.tags.len();
    summary.titles += file.titles.len();
    Ok(())
}

/// Write one title; `seq` orders new titles (an existing title keeps its own).
fn write_title(tx: &Transaction, t: &Title, seq: i64) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO titles(id, name, kind, year, maturity, language, country, runtime_min, synopsis, added, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, year = excluded.year,
           maturity = excluded.maturity, language = excluded.language, country = excluded.country,
           runtime_min = excluded.runtime_min, synopsis = excluded.synopsis, added = excluded.added",
        params![t.id, t.name, t.kind.as_str(), t.year, t.maturity.as_str(), t.language, t.country, t.runtime_min, t.synopsis, t.added.to_string(), seq],
    )?;
    for table in [
        "title_genres",
        "title_tags",
        "credits",
        "episodes",
        "artwork",
    ] {
        tx.execute(&format!("DELETE FROM {table} WHERE title_id = ?1"), [&t.id])?;
    }
    let mut g =
        tx.prepare_cached("INSERT INTO title_genres(title_id, genre_id, pos) VALUES (?1, ?2, ?3)")?;
    for (i, id) in t.genres.iter().enumerate() {
        g.execute(params![t.id, id, i])?;
    }
    let mut tg = tx.prepare_cached(
        "INSERT OR IGNORE INTO title_tags(title_id, tag_id, pos) VALUES (?1, ?2, ?3)",
    )?;
    for (i, id) in t.tags.iter().enumerate() {
        tg.execute(params![t.id, id, i])?;
    }
    let mut person = tx.prepare_cached("INSERT INTO people(name) VALUES (?1) ON CONFLICT(name) DO UPDATE SET name = name RETURNING id")?;
    let mut credit = tx.prepare_cached(
        "INSERT INTO credits(title_id, person_id, role, pos) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (role, names) in [("cast", &t.cast), ("director", &t.directors)] {
        for (i, name) in names.iter().enumerate() {
            let pid: i64 = person.query_row([name], |r| r.get(0))?;
            credit.execute(params![t.id, pid, role, i])?;
        }
    }
    let mut ep = tx.prepare_cached(
        "INSERT INTO episodes(title_id, season, number, name) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for s in &t.seasons {
        for (i, name) in s.episodes.iter().enumerate() {
            ep.execute(params![t.id, s.number, i + 1, name])?;
        }
    }
    let mut art = tx.prepare_cached("INSERT INTO artwork(id, title_id, theme, motif, palette, caption, pos) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?;
    for (i, a) in t.artwork.iter().enumerate() {
        art.execute(params![
            a.id,
            t.id,
            a.theme.as_str(),
            a.motif,
            a.palette,
            a.caption,
            i
        ])?;
    }
    Ok(())
}

fn write_profile(
    tx: &Transaction,
    file: &ProfileFile,
    summary: &mut ImportSummary,
) -> rusqlite::Result<()> {
    let display = file
        .display_name
        .clone()
        .unwrap_or_else(|| file.name.clone());
    let maturity = file.maturity.unwrap_or(Maturity::PROFILE_DEFAULT);
    let region = file.region.clone().unwrap_or_else(|| "US".to_string());
    let member_id: i64 = tx.query_row(
        "INSERT INTO members(name, kind, display_name, maturity, region) VALUES (?1, 'profile', ?2, ?3, ?4)
         ON CONFLICT(name) DO UPDATE SET kind = 'profile', display_name = excluded.display_name,
           maturity = excluded.maturity, region = excluded.region
         RETURNING id",
        params![file.name, display, maturity.as_str(), region],
        |r| r.get(0),
    )?;
    // Re-importing replaces what this file brought; feedback given in Marquee stays.
    tx.execute(
        "DELETE FROM events WHERE member_id = ?1 AND origin = 'import'",
        [member_id],
    )?;
    let mut history: Vec<_> = file.history.iter().collect();
    history.sort_by_key(|e| e.at.timestamp());
    let mut ins = tx.prepare_cached(INSERT_EVENT)?;
    for e in history {
        ins.execute(params![
            member_id,
            e.title,
            e.at.timestamp(),
            e.at.offset().local_minus_utc() / 60,
            e.action.as_str(),
            e.progress.unwrap_or(0.0),
            e.season,
            e.episode,
            e.device.unwrap_or(crate::catalog::Device::Tv).as_str(),
            e.artwork,
            "import"
        ])?;
    }
    summary.events += file.history.len();
    summary.profiles.push(file.name.clone());
    Ok(())
}

pub(super) const INSERT_EVENT: &str = "INSERT INTO events(member_id, title_id, at, offset_min, action, progress, season, episode, device, artwork_id, origin)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

fn write_population(
    tx: &Transaction,
    spec: PopulationSpec,
    summary: &mut ImportSummary,
) -> rusqlite::Result<()> {
    let titles = super::queries::load_titles(tx, None)?;
    let as_of = super::queries::read_as_of(tx)?;
    let pop = Population::generate(spec.seed, spec.viewers, &titles);
    let mut ids = Vec::with_capacity(pop.viewers.len());
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO members(name, kind, display_name, maturity, region) VALUES (?1, 'viewer', ?1, ?2, ?3) RETURNING id",
        )?;
        for v in &pop.viewers {
            ids.push(
                ins.query_row(params![v.name, v.maturity.as_str(), v.region], |r| {
                    r.get::<_, i64>(0)
                })?,
            );
        }
    }
    let events = pop.events(&titles, as_of);
    let mut ins = tx.prepare_cached(INSERT_EVENT)?;
    for e in &events {
        let t = &titles[e.title];
        ins.execute(params![
            ids[e.viewer],
            t.id,
            e.at,
            e.offset_min,
            e.action.as_str(),
            e.progress as f64,
            e.season,
            e.episode,
            e.device.as_str(),
            e.artwork.map(|i| t.artwork[i].id.as_str()),
            "population"
        ])?;
    }
    tx.execute(
        "INSERT INTO meta(key, value) VALUES ('population_seed', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [spec.seed.to_string()],
    )?;
    summary.viewers += pop.viewers.len();
    summary.events += events.len();
    Ok(())
}

/// What a first run is doing, for whoever shows progress.
#[derive(Debug, Clone, PartialEq)]
pub enum FirstRun {
    /// Another process is building the database; this one waits for it.
    Waiting,
    /// Building the sample catalog and its viewers now.
    Building,
    /// Built: what it holds, in so many seconds.
    Built(ImportSummary, f64),
}

#[cfg(test)]
mod tests {
    use crate::catalog::parse_file;
    use crate::testkit::tiny_store;

    fn kids_profile(title: &str) -> Vec<u8> {
        format!(
            r#"{{"format": "marquee-profile/1", "name": "pip", "maturity": "TV-Y7",
                "history": [
                  {{"at": "2026-01-20T18:00:00Z", "title": "k1", "action": "up"}},
                  {{"at": "2026-01-20T19:00:00Z", "title": "{title}", "action": "love"}}
                ]}}"#
        )
        .into_bytes()
    }

    #[test]
    fn a_kids_profile_whose_history_holds_a_title_above_its_limit_is_refused_whole() {
        let mut store = tiny_store();
        let before = store.stats().unwrap();
        let file = parse_file("pip.json", &kids_profile("m1")).unwrap();
        let err = store.import(&[file]).unwrap_err().to_string();
        assert!(err.contains("pip.json"), "{err}");
        assert!(err.contains("$.history[1].title"), "{err}");
        assert!(err.contains("TV-MA") && err.contains("TV-Y7"), "{err}");
        assert_eq!(store.stats().unwrap(), before, "nothing was imported");
        assert!(store.profile("pip").is_err());

        let ok = parse_file("pip.json", &kids_profile("k2")).unwrap();
        store.import(&[ok]).unwrap();
        assert!(store.profile("pip").is_ok());
    }
}
